/*
 * normalize.h - turning any name into comparable Latin tokens.
 *
 * A normaliser wraps an ICU transliterator (any script -> Latin -> ASCII,
 * marks removed, lower case), built with the per-script rules when the
 * normaliser is made, and a memo of the words it transliterated (bounded:
 * 8,192 words, clock eviction). It is not thread-safe: each thread or owner
 * keeps its own. The output is lower-case ASCII letters and digits, tokens
 * separated by single spaces; apostrophes vanish inside words
 * ("ETTELA'AT" -> "ettelaat"), other punctuation separates tokens.
 */
#ifndef EM_TEXT_NORMALIZE_H
#define EM_TEXT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "embargo.h"

typedef struct em_normalizer em_normalizer;

/* NULL (err set) when ICU cannot build the transliterators. */
em_normalizer *em_normalizer_new(em_error *err);
void em_normalizer_free(em_normalizer *n);

/* The shortcuts, for tests and benchmarks: each flag turns one off (the output is the
   same bytes either way). */
#define EM_NORM_NO_MEMO 1u   /* every word through ICU, nothing remembered */
#define EM_NORM_NO_DIRECT 2u /* Latin letters with diacritics through ICU, not the table */
#define EM_NORM_WHOLE 4u     /* the whole name through ICU at once, not word by word */
#define EM_NORM_NO_HAN 8u    /* words of Han through ICU whole, not character by character */
void em_normalizer_set_flags(em_normalizer *n, unsigned flags);
/* The memo's lookups that hit and missed, and the words it holds now. */
void em_normalizer_memo_stats(const em_normalizer *n, size_t *hits, size_t *misses,
                              size_t *entries);
/* The direct path's table (data/knowledge/latin_fold.tsv): the lower-case ASCII a Latin
   letter folds to, or NULL when the table does not cover cp (ICU decides then). */
const char *em_latin_fold(uint32_t cp);

/* Normalised tokens in original order; caller frees. */
char *em_normalize_name(em_normalizer *n, const char *utf8);
/* Normalised tokens sorted and de-duplicated: the exact-lookup key; caller frees. */
char *em_normalize_key(em_normalizer *n, const char *utf8);

#endif
