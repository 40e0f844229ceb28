/*
 * normalize.h - turning any name into comparable Latin tokens.
 *
 * A normaliser wraps an ICU transliterator (any script -> Latin -> ASCII,
 * marks removed, lower case). It is not thread-safe: each thread or owner
 * keeps its own. The output is lower-case ASCII letters and digits, tokens
 * separated by single spaces; apostrophes vanish inside words
 * ("ETTELA'AT" -> "ettelaat"), other punctuation separates tokens.
 */
#ifndef EM_TEXT_NORMALIZE_H
#define EM_TEXT_NORMALIZE_H

#include "embargo.h"

typedef struct em_normalizer em_normalizer;

em_normalizer *em_normalizer_new(em_error *err);
void em_normalizer_free(em_normalizer *n);

/* Normalised tokens in original order; caller frees. */
char *em_normalize_name(em_normalizer *n, const char *utf8);
/* Normalised tokens sorted and de-duplicated: the exact-lookup key; caller frees. */
char *em_normalize_key(em_normalizer *n, const char *utf8);

#endif
