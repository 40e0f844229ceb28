/*
 * gen_util.h - what the benchmark generators share (gen_register.c,
 * gen_list.c): errors, allocation, the PRNG that makes their files
 * reproducible byte for byte (splitmix64: no rand(), no locale, no clock),
 * string vectors and one-name-a-line files. Static inline: each generator is
 * one program (bench/CMakeLists.txt builds each C file of bench/ alone). Define
 * GEN_NAME (the program's name, for messages) before including it.
 */
#ifndef EM_BENCH_GEN_UTIL_H
#define EM_BENCH_GEN_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static inline void die(const char *fmt, const char *arg) {
    fprintf(stderr, GEN_NAME ": ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static inline void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) die("%s", "out of memory");
    return p;
}

static inline char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = xrealloc(NULL, n);
    memcpy(d, s, n);
    return d;
}

typedef struct {
    uint64_t s;
} rng;

static inline uint64_t next(rng *r) { /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline size_t below(rng *r, size_t n) {
    return n ? (size_t)(next(r) % n) : 0;
}
static inline int percent(rng *r, unsigned p) {
    return below(r, 100) < p;
}

typedef struct {
    char **v;
    size_t n, cap;
} strs;

static inline void push(strs *s, const char *x) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = xstrdup(x);
}

static inline const char *pick(rng *r, const strs *s) {
    return s->v[below(r, s->n)];
}

static inline int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static inline void chomp(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

/* One name a line; blank lines skipped. A missing file leaves s empty. */
static inline void load_lines(strs *s, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        if (line[0]) push(s, line);
    }
    fclose(f);
}

#endif
