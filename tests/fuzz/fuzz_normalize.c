/*
 * fuzz_normalize.c - libFuzzer target, differential: a name of arbitrary bytes
 * through the normaliser's shortcuts (word by word, the Latin table, Han by
 * character, the memo: src/text/normalize.c) and through ICU whole with none
 * of them. Oracle: both give the same bytes, for the name and its key, and the
 * memo (one normaliser for the whole run, so it fills, evicts and answers from
 * earlier inputs) never changes an answer; nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static em_normalizer *FAST, *REF;

static void same(char *a, char *b, const char *what, const char *in) {
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "fuzz_normalize: %s of \"%s\": \"%s\" with the shortcuts, \"%s\" by ICU\n",
                what, in, a, b);
        abort();
    }
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1024) return 0;
    if (!FAST) {
        em_error err = {0};
        FAST = em_normalizer_new(&err);
        REF = em_normalizer_new(&err);
        if (!FAST || !REF) {
            fprintf(stderr, "fuzz_normalize: %s\n", err.message);
            abort();
        }
        em_normalizer_set_flags(REF, EM_NORM_WHOLE | EM_NORM_NO_DIRECT | EM_NORM_NO_MEMO);
    }
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    if (strlen(in) == size) { /* a NUL inside: not a C string */
        same(em_normalize_name(FAST, in), em_normalize_name(REF, in), "name", in);
        same(em_normalize_key(FAST, in), em_normalize_key(REF, in), "key", in);
    }
    free(in);
    return 0;
}
