/*
 * greek.h - names in Greek script to the Latin spellings the lists use, by
 * their modern sounds (see greek.c), a step of em_normalize_name.
 */
#ifndef EM_TEXT_GREEK_H
#define EM_TEXT_GREEK_H

/* 1 when s (UTF-8) holds a letter of the Greek alphabet (of the blocks Greek and
   Coptic, Greek Extended; with or without marks). */
int em_has_greek(const char *s);

/* 1 when the Greek of s reads as a foreign name written by its sounds: one of its
   Greek words ends as no Greek word does (in a consonant other than s, or in i). */
int em_greek_is_foreign(const char *s);

/* s (UTF-8) with each Greek word written in Latin letters: a Greek name by ELOT
   743 / UN 1987, a foreign name by the sounds Greek writes it with ("Μπασάρ αλ-Άσαντ"
   "Basar al-Asad"); other text is kept as it is. Caller frees. */
char *em_greek_to_latin(const char *s);

#endif
