/*
 * hebrew.h - names in Hebrew script to the Latin spellings the lists use (see
 * hebrew.c), a step of em_normalize_name before ICU.
 */
#ifndef EM_TEXT_HEBREW_H
#define EM_TEXT_HEBREW_H

/* 1 when s holds a Hebrew letter (U+05D0..U+05F2) or a Hebrew presentation form
   (U+FB1D..U+FB4F). */
int em_has_hebrew(const char *s);

/* s (UTF-8) with each word of Hebrew letters written in Latin letters by the table
   data/knowledge/hebrew_letters.tsv and the rules of hebrew.c; other text is kept as it
   is. A copy of s when the table cannot be read (ICU then transliterates). Caller frees. */
char *em_hebrew_to_latin(const char *s);

#endif
