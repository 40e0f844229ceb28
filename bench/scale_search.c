/*
 * scale_search.c - the in-process timings of the scale benchmark
 * (bench/run_scale.sh, issue 13) that the CLI cannot give: the snapshot
 * compile, the matcher's open, and the latency of each search.
 *
 *   scale_search --compile HOME
 *       compiles the snapshot of HOME's active lists (em_matcher_open on a
 *       store whose snapshot is missing or stale: what the first `embargo
 *       search` or `screen` after an import does) and prints its wall and CPU
 *       time and the snapshot's path and size. Run it under /usr/bin/time -v
 *       for its peak RSS.
 *   scale_search --open HOME
 *       opens the matcher of HOME (its snapshot compiled) 11 times and prints
 *       the median and the least of the opens' wall and CPU time (a CLI
 *       command's or a server reload's fixed cost), nothing searched.
 *   scale_search [--exhaustive] HOME QUERIES.csv
 *       opens the matcher 5 times (the snapshot is fresh: a map and the
 *       knowledge tables), then screens each query row (id,name,schema,
 *       birth_date,country as gen_list writes them) on one searcher after 200
 *       warm-up searches, each em_search timed on its own, in wall time
 *       and in the thread's CPU time (the machine may be shared: a search
 *       preempted halfway shows in the first, not in the second), and the
 *       postings each search read (match/search_internal.h). --exhaustive
 *       runs the retrieval without its pruning (the reference of
 *       tests/unit/test_prune.c), for the before/after of one build. --each
 *       FILE writes one line per query: CPU and wall µs, postings read,
 *       names aligned, name
 *       (to find the slow ones and profile them apart).
 *
 * Prints key=value lines (seconds, milliseconds, microseconds as named) for
 * the script to read. A benchmark, not a test: nothing is asserted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "embargo.h"
#include "match/search_internal.h"

#define WARMUP 200
#define OPENS 5

static double clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(const char *what, const em_error *err) {
    fprintf(stderr, "scale_search: %s: %s\n", what, err->message);
    exit(1);
}

static em_store *open_store(const char *home) {
    em_error err = {0};
    em_store *st = NULL;
    if (em_store_open(&st, home, EM_STORE_NO_SEED, &err) != 0) fail(home, &err);
    return st;
}

static int compile(const char *home) {
    em_store *st = open_store(home);
    em_error err = {0};
    em_matcher *m = NULL;
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (em_matcher_open(&m, st, &err) != 0) fail("em_matcher_open", &err);
    double w = clock_s(CLOCK_MONOTONIC) - w0, c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    const char *path = em_matcher_snapshot_path(m);
    struct stat sb;
    printf("compile_wall_s=%.2f\ncompile_cpu_s=%.2f\nentities=%zu\nsnapshot=%s\n"
           "snapshot_bytes=%lld\n",
           w, c, em_matcher_entity_count(m), path ? path : "",
           path && stat(path, &sb) == 0 ? (long long)sb.st_size : -1LL);
    em_matcher_close(m);
    em_store_close(st);
    return 0;
}

/* ---- the queries ---------------------------------------------------------- */

typedef struct {
    char *name, *schema, *birth, *country;
} query_row;

/* Splits one CSV line (RFC 4180 quoting, no newline in a field) in place. */
static int csv_split(char *line, char **out, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        char *w = p, *start = p;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"')
                    *w++ = *p++;
                else if (*p == '"')
                    break;
                else
                    *w++ = *p;
            }
            if (*p) p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        int end = *p != ',';
        *w = '\0';
        out[n++] = start;
        if (end) break;
        p++;
    }
    return n;
}

static char *dup_or_null(const char *s) {
    if (!*s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) exit(1);
    memcpy(d, s, n);
    return d;
}

static query_row *load_queries(const char *path, size_t *n_out) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "scale_search: cannot read %s\n", path);
        exit(1);
    }
    query_row *v = NULL;
    size_t n = 0, cap = 0;
    char line[8192];
    int header = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header) {
            header = 0;
            continue;
        }
        char *c[5];
        if (csv_split(line, c, 5) < 5 || !c[1][0]) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof *v);
            if (!v) exit(1);
        }
        v[n++] =
            (query_row){dup_or_null(c[1]), dup_or_null(c[2]), dup_or_null(c[3]), dup_or_null(c[4])};
    }
    fclose(f);
    *n_out = n;
    return v;
}

static int search_one(em_searcher *s, const query_row *r) {
    em_query q = {
        .name = r->name, .schema = r->schema, .birth_date = r->birth, .country = r->country};
    em_results *res = NULL;
    em_error err = {0};
    if (em_search(s, &q, &res, &err) != 0) {
        fprintf(stderr, "scale_search: em_search(\"%s\"): %s\n", r->name, err.message);
        exit(1);
    }
    int hit = em_results_count(res) && em_results_get(res, 0)->match;
    em_results_free(res);
    return hit;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define OPEN_RUNS 11

static int open_cost(const char *home) {
    em_store *st = open_store(home);
    em_error err = {0};
    double w[OPEN_RUNS], c[OPEN_RUNS];
    for (int i = 0; i < OPEN_RUNS; i++) {
        em_matcher *m = NULL;
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (em_matcher_open(&m, st, &err) != 0) fail("em_matcher_open", &err);
        w[i] = clock_s(CLOCK_MONOTONIC) - w0;
        c[i] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        em_matcher_close(m);
    }
    qsort(w, OPEN_RUNS, sizeof *w, cmp_double);
    qsort(c, OPEN_RUNS, sizeof *c, cmp_double);
    printf("open_ms=%.1f\nopen_min_ms=%.1f\nopen_cpu_ms=%.1f\nopen_cpu_min_ms=%.1f\n",
           w[OPEN_RUNS / 2] * 1e3, w[0] * 1e3, c[OPEN_RUNS / 2] * 1e3, c[0] * 1e3);
    em_store_close(st);
    return 0;
}

static int latency(const char *home, const char *qpath, int exhaustive, const char *each) {
    size_t nq;
    query_row *qs = load_queries(qpath, &nq);
    if (!nq) {
        fprintf(stderr, "scale_search: no queries in %s\n", qpath);
        return 1;
    }
    em_store *st = open_store(home);
    em_error err = {0};
    em_matcher *m = NULL;
    double opens[OPENS];
    for (int i = 0; i < OPENS; i++) {
        if (m) em_matcher_close(m);
        double t0 = clock_s(CLOCK_MONOTONIC);
        if (em_matcher_open(&m, st, &err) != 0) fail("em_matcher_open", &err);
        opens[i] = clock_s(CLOCK_MONOTONIC) - t0;
    }
    qsort(opens, OPENS, sizeof *opens, cmp_double);
    em_searcher *s = em_searcher_new(m, &err);
    if (!s) fail("em_searcher_new", &err);
    em_searcher_set_exhaustive(s, exhaustive);
    for (size_t i = 0; i < WARMUP; i++)
        search_one(s, &qs[i % nq]);
    double *t = malloc(nq * sizeof *t), *ct = malloc(nq * sizeof *ct),
           *pr = malloc(nq * sizeof *pr), *al = malloc(nq * sizeof *al);
    if (!t || !ct || !pr || !al) return 1;
    size_t hits = 0;
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < nq; i++) {
        uint64_t p0 = em_searcher_postings_read(s), a0 = em_searcher_names_aligned(s);
        double a = clock_s(CLOCK_MONOTONIC), ca = clock_s(CLOCK_THREAD_CPUTIME_ID);
        hits += (size_t)search_one(s, &qs[i]);
        t[i] = (clock_s(CLOCK_MONOTONIC) - a) * 1e6;
        ct[i] = (clock_s(CLOCK_THREAD_CPUTIME_ID) - ca) * 1e6;
        pr[i] = (double)(em_searcher_postings_read(s) - p0);
        al[i] = (double)(em_searcher_names_aligned(s) - a0);
    }
    if (each) {
        FILE *f = fopen(each, "w");
        if (!f) {
            fprintf(stderr, "scale_search: cannot write %s\n", each);
            return 1;
        }
        for (size_t i = 0; i < nq; i++)
            fprintf(f, "%.1f\t%.1f\t%.0f\t%.0f\t%s\n", ct[i], t[i], pr[i], al[i], qs[i].name);
        fclose(f);
    }
    double wall = clock_s(CLOCK_MONOTONIC) - w0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    double sum = 0, psum = 0, asum = 0;
    for (size_t i = 0; i < nq; i++)
        sum += t[i], psum += pr[i], asum += al[i];
    qsort(t, nq, sizeof *t, cmp_double);
    qsort(ct, nq, sizeof *ct, cmp_double);
    qsort(pr, nq, sizeof *pr, cmp_double);
    qsort(al, nq, sizeof *al, cmp_double);
    printf("open_ms=%.1f\nopen_min_ms=%.1f\nqueries=%zu\nmatches=%zu\np50_us=%.1f\n"
           "mean_us=%.1f\np99_us=%.1f\nmax_us=%.1f\ncpu_mean_us=%.1f\ncpu_p50_us=%.1f\n"
           "cpu_p99_us=%.1f\nwall_s=%.2f\n",
           opens[OPENS / 2] * 1e3, opens[0] * 1e3, nq, hits, t[nq / 2], sum / (double)nq,
           t[(size_t)((double)nq * 0.99)], t[nq - 1], cpu * 1e6 / (double)nq, ct[nq / 2],
           ct[(size_t)((double)nq * 0.99)], wall);
    printf("retrieval=%s\npostings_mean=%.0f\npostings_p50=%.0f\npostings_p99=%.0f\n"
           "aligned_mean=%.1f\naligned_p50=%.0f\nqueries_per_s=%.0f\nqueries_per_cpu_s=%.0f\n",
           exhaustive ? "exhaustive" : "pruned", psum / (double)nq, pr[nq / 2],
           pr[(size_t)((double)nq * 0.99)], asum / (double)nq, al[nq / 2], (double)nq / wall,
           (double)nq / cpu);
    em_searcher_free(s);
    em_matcher_close(m);
    em_store_close(st);
    for (size_t i = 0; i < nq; i++) {
        free(qs[i].name);
        free(qs[i].schema);
        free(qs[i].birth);
        free(qs[i].country);
    }
    free(qs);
    free(t);
    free(ct);
    free(pr);
    free(al);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--compile")) return compile(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "--open")) return open_cost(argv[2]);
    int exhaustive = 0;
    const char *each = NULL;
    int a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "--exhaustive"))
            exhaustive = 1;
        else if (!strcmp(argv[a], "--each") && a + 1 < argc)
            each = argv[++a];
        else
            break;
    }
    if (argc - a == 2 && argv[a][0] != '-') return latency(argv[a], argv[a + 1], exhaustive, each);
    fprintf(stderr, "usage: scale_search --compile HOME | scale_search --open HOME | "
                    "scale_search [--exhaustive] "
                    "[--each FILE] HOME QUERIES.csv\n");
    return 2;
}
