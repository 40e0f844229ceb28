/*
 * arabic.h - Arabic-script names to Latin consonant spellings (see arabic.c),
 * the first step of em_normalize_name for names with Arabic letters.
 */
#ifndef EM_TEXT_ARABIC_H
#define EM_TEXT_ARABIC_H

/* 1 when s holds a letter of the Arabic block or its presentation forms. */
int em_has_arabic(const char *s);

/* s (UTF-8) with its Arabic-script words written in Latin letters; other text is
   kept as it is. Caller frees. */
char *em_arabic_to_latin(const char *s);

#endif
