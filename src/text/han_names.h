/*
 * han_names.h - the conventional Chinese transcriptions of foreign given names
 * (data/knowledge/han_given_names.tsv, see han_names.c), read by em_normalize_name
 * for a foreign name written in Han with the interpunct.
 */
#ifndef EM_TEXT_HAN_NAMES_H
#define EM_TEXT_HAN_NAMES_H

#include <stddef.h>

/* The Latin name the Han word (len bytes of UTF-8) transcribes ("弗拉基米尔" ->
   "vladimir"), or NULL when the table does not have it. Thread-safe. */
const char *em_han_given_name(const char *word, size_t len);

#endif
