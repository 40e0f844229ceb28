/*
 * payment.c - the in-memory payment model (payment.h): construction, the
 * BIC and IBAN shapes, and format detection.
 */
#include "payments/payment.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pay_message_init(pay_message *m) {
    memset(m, 0, sizeof *m);
}

static void party_free(pay_party *p) {
    free(p->field);
    free(p->txn);
    em_strvec_free(&p->names);
    em_strvec_free(&p->address);
    em_strvec_free(&p->countries);
    free(p->bic);
    free(p->account);
    for (size_t i = 0; i < p->ids.len; i++) {
        free(p->ids.items[i].type);
        free(p->ids.items[i].value);
    }
    em_vec_free(p->ids);
    free(p->birth_date);
    free(p->birth_place);
}

void pay_message_free(pay_message *m) {
    if (!m) return;
    free(m->format);
    free(m->id);
    for (size_t i = 0; i < m->parties.len; i++)
        party_free(&m->parties.items[i]);
    em_vec_free(m->parties);
    for (size_t i = 0; i < m->texts.len; i++) {
        free(m->texts.items[i].field);
        free(m->texts.items[i].txn);
        free(m->texts.items[i].text);
    }
    em_vec_free(m->texts);
    free(m->error);
    free(m->error_field);
    memset(m, 0, sizeof *m);
}

pay_party *pay_add_party(pay_message *m, const char *field, const char *role, const char *schema) {
    if (!m->parties.len)
        em_vec_reserve(m->parties, 8); /* an MT103 has six or seven: one allocation */
    pay_party *p = em_vec_add(m->parties);
    p->field = em_xstrdup(field);
    p->role = role;
    p->schema = schema;
    return p;
}

void pay_add_text(pay_message *m, const char *field, const char *txn, const char *text) {
    if (!text || !*text) return;
    pay_text *t = em_vec_add(m->texts);
    t->field = em_xstrdup(field);
    t->txn = em_xstrdup(txn);
    t->text = em_xstrdup(text);
}

void pay_party_add_id(pay_party *p, const char *type, const char *value) {
    if (!value || !*value) return;
    pay_id *d = em_vec_add(p->ids);
    d->type = em_xstrdup(type);
    d->value = em_xstrdup(value);
}

void pay_party_add_country(pay_party *p, const char *cc) {
    if (!cc || !isalpha((unsigned char)cc[0]) || !isalpha((unsigned char)cc[1]) || cc[2]) return;
    char up[3] = {(char)toupper((unsigned char)cc[0]), (char)toupper((unsigned char)cc[1]), 0};
    em_strvec_push_unique(&p->countries, up);
}

int pay_message_fail(pay_message *m, const char *field, const char *fmt, ...) {
    if (m->error) return -1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->error = em_xstrdup(msg);
    m->error_field = em_xstrdup(field);
    return -1;
}

void pay_copy(char *dst, size_t cap, const char *src) {
    if (!cap) return;
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

int pay_is_bic(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n != 8 && n != 11) return 0;
    for (size_t i = 0; i < 6; i++)
        if (!isupper((unsigned char)s[i])) return 0;
    for (size_t i = 6; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i])) return 0;
    return 1;
}

int pay_is_iban(const char *s, char cc[3]) {
    char v[40];
    size_t n = 0;
    for (; s && *s; s++) {
        if (*s == ' ') continue;
        if (!isalnum((unsigned char)*s) || n + 1 >= sizeof v) return 0;
        v[n++] = (char)toupper((unsigned char)*s);
    }
    v[n] = 0;
    if (n < 15 || n > 34 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1]) ||
        !isdigit((unsigned char)v[2]) || !isdigit((unsigned char)v[3]))
        return 0;
    /* ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 == 1 */
    unsigned rem = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[(i + 4) % n];
        if (isdigit((unsigned char)c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    if (rem != 1) return 0;
    if (cc) cc[0] = v[0], cc[1] = v[1], cc[2] = 0;
    return 1;
}

const char *pay_detect(const char *buf, size_t len) {
    size_t i = 0;
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        i = 3;
    while (i < len && (isspace((unsigned char)buf[i]) || buf[i] == '$'))
        i++;
    if (i >= len) return NULL;
    if (buf[i] == '{') return "mt";
    if (buf[i] == '<') return "iso20022";
    return NULL;
}
