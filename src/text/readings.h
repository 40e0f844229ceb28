/*
 * readings.h - other readings of a query name, each tried as a query of its own
 * by em_search (match/search.c), the best score of an entity kept (see
 * readings.c): a Korean name in Han characters read in Korean (金正恩 -> 김정은),
 * a Korean name in Cyrillic read by the Kontsevich letters (Ким Чен Ын -> kim
 * jong un), a title in Han, kana or Hangul dropped (김정은 위원장 -> 김정은).
 * The tables come from data/knowledge (han_hangul.tsv, kontsevich.tsv,
 * titles_cjk.txt); immutable once loaded, shared between threads.
 */
#ifndef EM_TEXT_READINGS_H
#define EM_TEXT_READINGS_H

#include <stddef.h>

#include "embargo.h"

typedef struct em_readings em_readings;

/* Loads the three tables from dir (e.g. "<data>/knowledge"); errors name file and line. */
em_readings *em_readings_load(const char *dir, em_error *err);
void em_readings_free(em_readings *r);

#define EM_READINGS_MAX 4

typedef struct em_reading {
    char *name;       /* the other reading (caller frees) */
    const char *rule; /* what made it: "korean reading", "kontsevich syllable", "title dropped" */
} em_reading;

/* The other readings of name (none of them equal to it), at most EM_READINGS_MAX;
   returns how many. r may be NULL (no readings). */
size_t em_name_readings(const em_readings *r, const char *name, em_reading *out);

#endif
