/*
 * fuzz_mt.c - libFuzzer target: the SWIFT MT parser (src/payments/mt.c,
 * pay_mt_parse) on arbitrary bytes. The oracle: it never crashes, leaks or
 * reads outside the input (the sanitizers); it returns the number of
 * messages it delivered; a message is either well formed (a format "MT103",
 * "MT202" or "MT202COV", a reference, every party with a field and a role,
 * every BIC of the BIC shape) or carries an error with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "payments/payment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *why, const pay_message *m) {
    fprintf(stderr, "fuzz_mt: %s (message %zu: %s)\n", why, m->ordinal, m->error ? m->error : "");
    abort();
}

static int check(void *ctx, pay_message *m) {
    long *n = ctx;
    (*n)++;
    if (m->ordinal != (size_t)*n) die("messages out of order", m);
    if (m->error) {
        if (!*m->error) die("an empty error", m);
        return 0;
    }
    if (!m->format || strncmp(m->format, "MT", 2) != 0)
        die("a well-formed message without format", m);
    if (!m->id || !*m->id) die("a well-formed message without its reference", m);
    for (size_t i = 0; i < m->parties.len; i++) {
        const pay_party *p = &m->parties.items[i];
        if (!p->field || !p->role) die("a party without field or role", m);
        if (p->bic && !pay_is_bic(p->bic)) die("a party with a malformed BIC", m);
    }
    for (size_t i = 0; i < m->texts.len; i++)
        if (!m->texts.items[i].field || !m->texts.items[i].text) die("a text without field", m);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    long n = 0;
    long r = pay_mt_parse((const char *)data, size, check, &n);
    if (r != n) {
        fprintf(stderr, "fuzz_mt: returned %ld, delivered %ld\n", r, n);
        abort();
    }
    return 0;
}
