/*
 * arabic.h - Arabic-script names to Latin consonant spellings (see arabic.c),
 * the first step of em_normalize_name for names with Arabic letters.
 */
#ifndef EM_TEXT_ARABIC_H
#define EM_TEXT_ARABIC_H

#include <stddef.h>

/* 1 when s holds a letter of the Arabic block or its presentation forms. */
int em_has_arabic(const char *s);

/* s (UTF-8) with its Arabic-script words written in Latin letters; other text is
   kept as it is. Caller frees. */
char *em_arabic_to_latin(const char *s);

/* What em_arabic_reads_as found it needed (a bit set; 0 = it did not read so). */
#define EM_ARABIC_LETTERS 1u /* letters in another of their Latin renderings */
#define EM_ARABIC_ARTICLE 2u /* the article al- dropped, or assimilated (as-, ad-, ...) */
#define EM_ARABIC_FEW 4u     /* fewer than two consonants: weak evidence alone */

/* Whether the Latin spelling `latin` (normalised: lower-case ASCII letters) reads
   as a rendering of `abjad`, a part em_arabic_to_latin wrote from Arabic script:
   every letter of it in one of its Latin renderings (ظ z/dh/th/d, ج j/dj/g, و w/u/o/ou,
   ي y/i/e/ee, ...), short vowels and doubled consonants free on the Latin side,
   the article al- dropped or assimilated to a sun letter. Returns the rules
   used (EM_ARABIC_*), 0 when it does not read so. */
unsigned em_arabic_reads_as(const char *abjad, size_t la, const char *latin, size_t lb);

/* Latin spellings of `abjad` (a part em_arabic_to_latin wrote) with one of its
   letters in another of its Latin renderings (the table em_arabic_reads_as reads
   by; renderings that differ only in vowels, w or y count once), for retrieval by
   consonant skeleton: "jmal" -> jmal, djmal, gmal, dzhmal, zhmal. The part as it
   is comes first, then its last letters varied; at most max. Returns how many. */
#define EM_ARABIC_SPELLING_MAX 48
size_t em_arabic_spellings(const char *abjad, size_t la, char (*out)[EM_ARABIC_SPELLING_MAX],
                           size_t max);

#endif
