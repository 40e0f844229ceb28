/*
 * hangul.h - Korean names in Hangul to the lists' McCune-Reischauer-like
 * spellings (see hangul.c), a step of em_normalize_name.
 */
#ifndef EM_TEXT_HANGUL_H
#define EM_TEXT_HANGUL_H

/* 1 when s holds a precomposed Hangul syllable (U+AC00..U+D7A3). */
int em_has_hangul(const char *s);

/* 1 when the Hangul of s reads as a foreign name written by its sounds: three
   words or more, or two of which one has three syllables or more (a Korean name
   is one word, or the family name and the given name). */
int em_hangul_is_foreign(const char *s);

/* s (UTF-8) with each Hangul syllable written in Latin letters as one word; other
   text is kept as it is; the syllables of a foreign name's word stay together.
   Caller frees. */
char *em_hangul_to_latin(const char *s);

#endif
