/*
 * buf.c - growable byte buffer, string vector (an EM_VEC of strings, see
 * vec.h) and small string helpers.
 */
#include "base/buf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/vec.h"

static void oom(void) {
    fputs("embargo: out of memory\n", stderr);
    abort();
}

void *em_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *em_xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) oom();
    return p;
}

void *em_xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) oom();
    return p;
}

char *em_xstrdup(const char *s) {
    if (!s) return NULL;
    return em_xstrndup(s, strlen(s));
}

char *em_xstrndup(const char *s, size_t n) {
    char *p = em_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *em_xasprintf(const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = em_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void em_buf_init(em_buf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
}

void em_buf_free(em_buf *b) {
    free(b->data);
    em_buf_init(b);
}

void em_buf_reset(em_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void em_buf_reserve(em_buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    /* the vector's doubling, but from 64 bytes: a buffer rarely holds less */
    size_t need = b->len + extra + 1;
    b->data = em_vec_grow_(b->data, &b->cap, 0, need < 64 ? 64 : need, 1);
}

void em_buf_add(em_buf *b, const void *p, size_t n) {
    em_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void em_buf_adds(em_buf *b, const char *s) {
    em_buf_add(b, s, strlen(s));
}

void em_buf_addc(em_buf *b, char c) {
    em_buf_add(b, &c, 1);
}

void em_buf_printf(em_buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    em_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void em_buf_json_str(em_buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    em_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') {
            em_buf_addc(b, '\\');
            em_buf_addc(b, (char)*p);
        } else if (*p == '\n')
            em_buf_adds(b, "\\n");
        else if (*p == '\t')
            em_buf_adds(b, "\\t");
        else if (*p == '\r')
            em_buf_adds(b, "\\r");
        else if (*p < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            em_buf_adds(b, u);
        } else
            em_buf_addc(b, (char)*p);
    }
    em_buf_addc(b, '"');
}

const char *em_buf_cstr(em_buf *b) {
    return b->data ? b->data : "";
}

char *em_buf_detach(em_buf *b) {
    char *p = b->data ? b->data : em_xstrdup("");
    em_buf_init(b);
    return p;
}

void em_strvec_init(em_strvec *v) {
    v->items = NULL;
    v->len = v->cap = 0;
}

void em_strvec_free(em_strvec *v) {
    for (size_t i = 0; i < v->len; i++)
        free(v->items[i]);
    free(v->items);
    em_strvec_init(v);
}

void em_strvec_take(em_strvec *v, char *s) {
    em_vec_push(*v, s);
}

void em_strvec_push(em_strvec *v, const char *s) {
    em_strvec_take(v, em_xstrdup(s ? s : ""));
}

int em_strvec_contains(const em_strvec *v, const char *s) {
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0) return 1;
    return 0;
}

void em_strvec_push_unique(em_strvec *v, const char *s) {
    if (!s || !*s || em_strvec_contains(v, s)) return;
    em_strvec_push(v, s);
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void em_strvec_sort(em_strvec *v) {
    if (v->len > 1) qsort(v->items, v->len, sizeof *v->items, cmpstr);
}

char *em_strtrim(char *s) {
    if (!s) return s;
    char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    memmove(s, p, n);
    s[n] = '\0';
    return s;
}

char *em_collapse_spaces(const char *s) {
    if (!s) return NULL;
    char *out = em_xmalloc(strlen(s) + 1);
    size_t n = 0;
    int space = 0;
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char)*p)) {
            space = 1;
            continue;
        }
        if (space && n) out[n++] = ' ';
        space = 0;
        out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

int em_str_empty(const char *s) {
    return !s || !*s;
}

int em_strcaseeq(const char *a, const char *b) {
    return a && b && strcasecmp(a, b) == 0;
}

int em_starts_with_ci(const char *s, const char *prefix) {
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}
