/*
 * fuzz_iso20022.c - libFuzzer target: the ISO 20022 parser
 * (src/payments/iso20022.c, pay_iso_parse) on arbitrary bytes. The oracle:
 * no crash, leak or out-of-bounds access (the sanitizers); the return value
 * is the number of messages delivered; a well-formed message has a format,
 * a MsgId, at least one transaction and parties with a field (an XML path)
 * and a role, BICs of the BIC shape; otherwise it carries an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "payments/payment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *why, const pay_message *m) {
    fprintf(stderr, "fuzz_iso20022: %s (message %zu: %s)\n", why, m->ordinal,
            m->error ? m->error : "");
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
    if (!m->format || !m->id || !m->transactions)
        die("a well-formed message without format, id or transaction", m);
    for (size_t i = 0; i < m->parties.len; i++) {
        const pay_party *p = &m->parties.items[i];
        if (!p->field || !*p->field || !p->role) die("a party without field or role", m);
        if (p->bic && !pay_is_bic(p->bic)) die("a party with a malformed BIC", m);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    long n = 0;
    long r = pay_iso_parse((const char *)data, size, check, &n);
    if (r != n) {
        fprintf(stderr, "fuzz_iso20022: returned %ld, delivered %ld\n", r, n);
        abort();
    }
    return 0;
}
