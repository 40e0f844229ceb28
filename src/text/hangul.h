/*
 * hangul.h - Korean names in Hangul to the lists' McCune-Reischauer-like
 * spellings (see hangul.c), a step of em_normalize_name.
 */
#ifndef EM_TEXT_HANGUL_H
#define EM_TEXT_HANGUL_H

/* 1 when s holds a precomposed Hangul syllable (U+AC00..U+D7A3). */
int em_has_hangul(const char *s);

/* s (UTF-8) with each Hangul syllable written in Latin letters as one word; other
   text is kept as it is. Caller frees. */
char *em_hangul_to_latin(const char *s);

#endif
