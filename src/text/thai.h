/*
 * thai.h - names in Thai script to their Royal Thai General System of
 * Transcription (RTGS) spellings (see thai.c), a step of em_normalize_name.
 */
#ifndef EM_TEXT_THAI_H
#define EM_TEXT_THAI_H

/* 1 when s holds a character of the Thai block (U+0E00..U+0E7F). */
int em_has_thai(const char *s);

/* s (UTF-8) with each run of Thai written in RTGS (lower-case ASCII, one word per
   run, as the Latin spelling writes a Thai name part: ทักษิณ "thaksin"); other text
   is kept as it is. Caller frees. */
char *em_thai_to_latin(const char *s);

#endif
