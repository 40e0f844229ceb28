/*
 * hebrew.h - names in Hebrew script to the Latin spellings the lists use (see
 * hebrew.c), a step of em_normalize_name before ICU.
 */
#ifndef EM_TEXT_HEBREW_H
#define EM_TEXT_HEBREW_H

#include <stddef.h>

/* 1 when s holds a Hebrew letter (U+05D0..U+05F2) or a Hebrew presentation form
   (U+FB1D..U+FB4F). */
int em_has_hebrew(const char *s);

/* s (UTF-8) with each word of Hebrew letters written in Latin letters by the table
   data/knowledge/hebrew_letters.tsv and the rules of hebrew.c; other text is kept as it
   is. A copy of s when the table cannot be read (ICU then transliterates). Caller frees. */
char *em_hebrew_to_latin(const char *s);

/* Whether the Latin spelling `latin` (normalised: lower-case ASCII letters) reads as a
   rendering of `part`, a part em_hebrew_to_latin wrote: every unit of it in one of its
   Latin spellings ("reads" lines of hebrew_letters.tsv: ts tz/z/s, kh h/ch/k, v w/b,
   ...), vowels free on the Latin side and a vowel letter's vowel unwritten, doubled
   consonants free. Returns the bits of arabic.h (EM_ARABIC_LETTERS, with EM_ARABIC_FEW
   for fewer than two consonants), 0 when it does not read so. */
unsigned em_hebrew_reads_as(const char *part, size_t la, const char *latin, size_t lb);

#endif
