/*
 * buf.h - growable byte buffer and string vector, the two containers the
 * rest of the library builds on. Allocation failure aborts (see xmalloc):
 * a screening engine that runs out of memory mid-import must not limp on.
 */
#ifndef EM_BASE_BUF_H
#define EM_BASE_BUF_H

#include <stddef.h>

void *em_xmalloc(size_t n);
void *em_xcalloc(size_t n, size_t sz);
void *em_xrealloc(void *p, size_t n);
char *em_xstrdup(const char *s); /* NULL stays NULL */
char *em_xstrndup(const char *s, size_t n);
char *em_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct em_buf {
    char *data; /* always NUL-terminated when len > 0 or after em_buf_cstr */
    size_t len, cap;
} em_buf;

void em_buf_init(em_buf *b);
void em_buf_free(em_buf *b);
void em_buf_reset(em_buf *b);
void em_buf_reserve(em_buf *b, size_t extra);
void em_buf_add(em_buf *b, const void *p, size_t n);
void em_buf_adds(em_buf *b, const char *s);
void em_buf_addc(em_buf *b, char c);
void em_buf_printf(em_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *em_buf_cstr(em_buf *b); /* "" when empty */
/* Appends s (NULL = "") as a quoted JSON string, control characters escaped. */
void em_buf_json_str(em_buf *b, const char *s);
char *em_buf_detach(em_buf *b); /* caller owns; buffer is reset */

/* A vector of owned strings: an EM_VEC(char *) by another name (base/vec.h), so
   the em_vec_* macros work on it too. */
typedef struct em_strvec {
    char **items;
    size_t len, cap;
} em_strvec;

void em_strvec_init(em_strvec *v);
void em_strvec_free(em_strvec *v);
void em_strvec_push(em_strvec *v, const char *s); /* copies */
void em_strvec_take(em_strvec *v, char *s);       /* takes ownership */
int em_strvec_contains(const em_strvec *v, const char *s);
void em_strvec_push_unique(em_strvec *v, const char *s);
void em_strvec_sort(em_strvec *v);

/* Trims ASCII whitespace in place at both ends; returns s. */
char *em_strtrim(char *s);
/* Copy of s with every run of ASCII whitespace (tabs, newlines) turned into one
   space, none at either end; NULL stays NULL. */
char *em_collapse_spaces(const char *s);
/* 1 when s is NULL or "". */
int em_str_empty(const char *s);
int em_strcaseeq(const char *a, const char *b);
int em_starts_with_ci(const char *s, const char *prefix);

#endif
