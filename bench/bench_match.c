/*
 * bench_match.c - performance benchmark of the matcher: snapshot compile and
 * open times, single-thread query latency, multi-thread throughput, memory,
 * and scaling on synthetic lists of 10k / 100k / 1M entities.
 *
 * A benchmark, not a test: it measures and prints, it asserts nothing about
 * time. Reads the query sets from ../shared/data ($EMBARGO_SHARED_DATA) and
 * skips (exit 0) when that is absent. Run it through bench/run_perf.sh.
 *
 *   bench_match [--work DIR] [--markdown] [--quick] [--max-size N]
 *               [--threads N] [--keep] [--open-cost HOME]
 *
 * --work DIR    scratch directory (store home, synthetic snapshots);
 *               default: bench-work next to the build directory of the binary
 * --markdown    print the figures as markdown tables (for docs/PERFORMANCE.md)
 * --quick       fewer queries (500 per negatives file) and a 10k batch
 * --max-size N  largest synthetic list (default 1000000; 0 skips scaling)
 * --threads N   threads of the parallel batch (default: number of cores)
 * --keep        keep the synthetic snapshot files
 * --open-cost HOME  only: em_engine_open on HOME and its first screenings, timed
 *               (run it in a fresh process, e.g. on WORK/home after a run)
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "embargo.h"
#include "index/snapshot.h"
#include "model/entity.h"
#include "text/knowledge.h"

#ifndef SHARED_DATA_DIR
#define SHARED_DATA_DIR "../shared/data"
#endif

#ifdef NDEBUG
#define BUILD_KIND "optimised build (NDEBUG)"
#else
#define BUILD_KIND "debug build (no NDEBUG): figures are not representative"
#endif

#define SCRATCH_MARKER ".embargo-bench-scratch"
#define WARMUP 200
#define OPEN_REPEAT 20

/* ---- small utilities --------------------------------------------------- */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_ns(void) { /* CPU time of the calling thread */
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double process_cpu_s(void) { /* user + system CPU of the whole process */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void die(const char *what, const em_error *err) {
    fprintf(stderr, "bench_match: %s: %s\n", what, err && err->message[0] ? err->message : "");
    exit(1);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_match: out of memory\n");
        exit(1);
    }
    return p;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_match: out of memory\n");
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        fprintf(stderr, "bench_match: out of memory\n");
        exit(1);
    }
    va_end(ap);
    return s;
}

static int is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int64_t file_size(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static void mkdir_p(const char *path) {
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_match: cannot create %s: %s\n", p, strerror(errno));
        exit(1);
    }
    free(p);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes a scratch directory, but only one this program created (marker file). */
static void reset_scratch_dir(const char *dir) {
    if (is_dir(dir)) {
        char *marker = xasprintf("%s/%s", dir, SCRATCH_MARKER);
        int ours = access(marker, F_OK) == 0;
        free(marker);
        if (!ours) {
            fprintf(stderr, "bench_match: %s exists and is not a bench scratch directory\n", dir);
            exit(1);
        }
        if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
            fprintf(stderr, "bench_match: cannot remove %s: %s\n", dir, strerror(errno));
            exit(1);
        }
    }
    mkdir_p(dir);
    char *marker = xasprintf("%s/%s", dir, SCRATCH_MARKER);
    FILE *f = fopen(marker, "w");
    if (f) fclose(f);
    free(marker);
}

/* Peak resident set (getrusage), MiB */
static double peak_rss_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

/* Current resident set (/proc/self/statm), MiB */
static double cur_rss_mib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
        fclose(f);
    }
    return (double)rss * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double mib(int64_t bytes) {
    return (double)bytes / (1024.0 * 1024.0);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* nearest-rank percentile of a sorted array */
static int64_t pct(const int64_t *sorted, size_t n, double p) {
    if (!n) return 0;
    size_t rank = (size_t)(p * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct csv_row {
    char **f;
    size_t n;
} csv_row;

typedef struct csv {
    csv_row *rows; /* rows[0] is the header */
    size_t n;
} csv;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 4096 > cap) buf = xrealloc(buf, cap *= 2);
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (r == 0) break;
        n += r;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* RFC 4180: fields separated by ',', records by LF or CRLF, fields may be
   quoted, "" inside quotes is one quote, quoted fields may span lines. */
static int csv_read(const char *path, csv *out) {
    size_t len;
    char *data = slurp(path, &len);
    if (!data) return -1;
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3; /* BOM */
    out->rows = NULL;
    out->n = 0;
    size_t rcap = 0;
    char *field = xmalloc(len + 1);
    while (i < len) {
        csv_row row = {NULL, 0};
        size_t fcap = 0;
        for (;;) { /* one field */
            size_t fl = 0;
            if (data[i] == '"') {
                i++;
                while (i < len) {
                    if (data[i] == '"') {
                        if (i + 1 < len && data[i + 1] == '"') {
                            field[fl++] = '"';
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        field[fl++] = data[i++];
                    }
                }
                /* tolerate junk between the closing quote and the separator */
                while (i < len && data[i] != ',' && data[i] != '\n' && data[i] != '\r')
                    field[fl++] = data[i++];
            } else {
                while (i < len && data[i] != ',' && data[i] != '\n' && data[i] != '\r')
                    field[fl++] = data[i++];
            }
            field[fl] = '\0';
            if (row.n == fcap)
                row.f = xrealloc(row.f, (fcap = fcap ? fcap * 2 : 8) * sizeof *row.f);
            row.f[row.n++] = xstrdup(field);
            if (i < len && data[i] == ',') {
                i++;
                continue;
            }
            if (i < len && data[i] == '\r') i++;
            if (i < len && data[i] == '\n') i++;
            break;
        }
        if (row.n == 1 && !row.f[0][0]) { /* blank line */
            free(row.f[0]);
            free(row.f);
            continue;
        }
        if (out->n == rcap)
            out->rows = xrealloc(out->rows, (rcap = rcap ? rcap * 2 : 1024) * sizeof *out->rows);
        out->rows[out->n++] = row;
    }
    free(field);
    free(data);
    return 0;
}

static void csv_free(csv *c) {
    for (size_t r = 0; r < c->n; r++) {
        for (size_t j = 0; j < c->rows[r].n; j++)
            free(c->rows[r].f[j]);
        free(c->rows[r].f);
    }
    free(c->rows);
}

static int csv_col(const csv *c, const char *name) {
    if (!c->n) return -1;
    for (size_t j = 0; j < c->rows[0].n; j++)
        if (!strcmp(c->rows[0].f[j], name)) return (int)j;
    return -1;
}

static const char *csv_get(const csv_row *r, int col) {
    if (col < 0 || (size_t)col >= r->n || !r->f[col][0]) return NULL;
    return r->f[col];
}

/* ---- the query set ------------------------------------------------------ */

typedef struct qset {
    em_query *q;
    size_t n, cap;
    size_t from_global, from_us, from_un;
} qset;

static char *dup_or_null(const char *s) {
    return s ? xstrdup(s) : NULL;
}

static size_t load_queries(qset *qs, const char *path, size_t max, const char *dob_col,
                           const char *gender_col) {
    csv c;
    if (csv_read(path, &c) != 0) {
        fprintf(stderr, "bench_match: cannot read %s: %s\n", path, strerror(errno));
        exit(1);
    }
    int cn = csv_col(&c, "full_name"), cd = csv_col(&c, dob_col), cc = csv_col(&c, "nationality"),
        cg = gender_col ? csv_col(&c, gender_col) : -1;
    if (cn < 0) {
        fprintf(stderr, "bench_match: %s has no full_name column\n", path);
        exit(1);
    }
    size_t added = 0;
    for (size_t r = 1; r < c.n && (!max || added < max); r++) {
        const char *name = csv_get(&c.rows[r], cn);
        if (!name) continue;
        if (qs->n == qs->cap)
            qs->q = xrealloc(qs->q, (qs->cap = qs->cap ? qs->cap * 2 : 4096) * sizeof *qs->q);
        em_query *q = &qs->q[qs->n++];
        memset(q, 0, sizeof *q);
        q->name = xstrdup(name);
        q->schema = "Person"; /* every row of these files is a person */
        q->birth_date = dup_or_null(csv_get(&c.rows[r], cd));
        q->country = dup_or_null(csv_get(&c.rows[r], cc));
        const char *g = csv_get(&c.rows[r], cg);
        q->gender = g && (!strcmp(g, "male") || !strcmp(g, "female")) ? xstrdup(g) : NULL;
        added++;
    }
    csv_free(&c);
    return added;
}

static void free_queries(qset *qs) {
    for (size_t i = 0; i < qs->n; i++) {
        free((char *)qs->q[i].name);
        free((char *)qs->q[i].birth_date);
        free((char *)qs->q[i].country);
        free((char *)qs->q[i].gender);
    }
    free(qs->q);
}

/* ---- scripts of the queries --------------------------------------------- */

/* The script class of a query name, by its letters: the figures by script say what
   normalisation costs each (the Han rules are the heaviest). */
enum { SC_ASCII, SC_LATIN, SC_CJK, SC_HANGUL, SC_CYRILLIC, SC_ARABIC, SC_OTHER, SC_N };
static const char *const SC_NAME[SC_N] = {"ASCII",    "Latin, accented", "Han/kana", "Hangul",
                                          "Cyrillic", "Arabic",          "other"};

static int script_class(const char *name) {
    int cls = SC_ASCII;
    for (const unsigned char *p = (const unsigned char *)name; *p;) {
        uint32_t c = *p;
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n == 2 && p[1]) c = (c & 0x1F) << 6 | (p[1] & 0x3F);
        if (n == 3 && p[1] && p[2])
            c = (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        if (n == 4 && p[1] && p[2] && p[3])
            c = (c & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 | (uint32_t)(p[2] & 0x3F) << 6 |
                (p[3] & 0x3F);
        for (int i = 0; i < n && *p; i++)
            p++;
        if (c < 0x80) continue;
        if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) || c >= 0x20000)
            return SC_CJK;
        if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
            (c >= 0x3130 && c <= 0x318F))
            return SC_HANGUL;
        if (c >= 0x0400 && c <= 0x052F) return SC_CYRILLIC;
        if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
            (c >= 0xFB50 && c <= 0xFEFF))
            return SC_ARABIC;
        if ((c >= 0x00C0 && c <= 0x024F) || (c >= 0x1E00 && c <= 0x1EFF)) {
            cls = cls == SC_ASCII ? SC_LATIN : cls;
            continue;
        }
        if (c >= 0x0080 && c <= 0x00BF) continue; /* Latin-1 punctuation */
        if (c >= 0x2000 && c <= 0x206F) continue; /* general punctuation */
        cls = SC_OTHER;
    }
    return cls;
}

typedef struct by_script {
    size_t n;
    double p50_us, p99_us, mean_us;             /* wall */
    double cpu_p50_us, cpu_p99_us, cpu_mean_us; /* CPU of the thread */
} by_script;

static void script_figures(by_script *out, const int64_t *wall, const int64_t *cpu, const int *cls,
                           size_t n, int which) {
    int64_t *w = xmalloc((n ? n : 1) * sizeof *w), *c = xmalloc((n ? n : 1) * sizeof *c);
    size_t k = 0;
    double sw = 0, sc = 0;
    for (size_t i = 0; i < n; i++)
        if (which < 0 ? cls[i] <= SC_LATIN : cls[i] == which) {
            w[k] = wall[i];
            c[k] = cpu[i];
            sw += (double)wall[i];
            sc += (double)cpu[i];
            k++;
        }
    qsort(w, k, sizeof *w, cmp_i64);
    qsort(c, k, sizeof *c, cmp_i64);
    out->n = k;
    out->p50_us = (double)pct(w, k, 0.50) / 1e3;
    out->p99_us = (double)pct(w, k, 0.99) / 1e3;
    out->mean_us = k ? sw / (double)k / 1e3 : 0;
    out->cpu_p50_us = (double)pct(c, k, 0.50) / 1e3;
    out->cpu_p99_us = (double)pct(c, k, 0.99) / 1e3;
    out->cpu_mean_us = k ? sc / (double)k / 1e3 : 0;
    free(w);
    free(c);
}

/* ---- measuring searches ------------------------------------------------- */

typedef struct latency {
    size_t n;
    double mean_us, p50_us, p90_us, p99_us, max_us;
    double names_per_s;                         /* n / wall time of the timed loop */
    size_t matched;                             /* queries with at least one result >= threshold */
    size_t results;                             /* results returned in total */
    double cpu_p50_us, cpu_p99_us, cpu_mean_us; /* CPU of the thread per query */
    by_script script[SC_N];
    by_script latin; /* ASCII and accented Latin together */
} latency;

static void run_one(em_searcher *s, const em_query *q, size_t *matched, size_t *results) {
    em_error err = {0};
    em_results *r = NULL;
    if (em_search(s, q, &r, &err) != 0) {
        fprintf(stderr, "bench_match: em_search(\"%s\"): %s\n", q->name, err.message);
        exit(1);
    }
    size_t n = em_results_count(r);
    if (results) *results += n;
    if (matched && n && em_results_get(r, 0)->match) (*matched)++;
    em_results_free(r);
}

/* One searcher, WARMUP queries, then every query timed on its own. */
static latency measure_latency(const em_matcher *m, const qset *qs) {
    em_error err = {0};
    em_searcher *s = em_searcher_new(m, &err);
    if (!s) die("em_searcher_new", &err);
    for (size_t i = 0; i < WARMUP && qs->n; i++)
        run_one(s, &qs->q[i % qs->n], NULL, NULL);
    int64_t *t = xmalloc(qs->n * sizeof *t), *tc = xmalloc(qs->n * sizeof *tc);
    int *cls = xmalloc((qs->n ? qs->n : 1) * sizeof *cls);
    latency L = {0};
    L.n = qs->n;
    double t0 = now_s();
    for (size_t i = 0; i < qs->n; i++) {
        int64_t a = now_ns(), ac = cpu_ns();
        run_one(s, &qs->q[i], &L.matched, &L.results);
        tc[i] = cpu_ns() - ac;
        t[i] = now_ns() - a;
    }
    double wall = now_s() - t0;
    em_searcher_free(s);
    for (size_t i = 0; i < qs->n; i++)
        cls[i] = script_class(qs->q[i].name);
    for (int k = 0; k < SC_N; k++)
        script_figures(&L.script[k], t, tc, cls, qs->n, k);
    script_figures(&L.latin, t, tc, cls, qs->n, -1);
    {
        by_script all;
        int *any = xmalloc((qs->n ? qs->n : 1) * sizeof *any);
        for (size_t i = 0; i < qs->n; i++)
            any[i] = SC_ASCII;
        script_figures(&all, t, tc, any, qs->n, SC_ASCII);
        L.cpu_p50_us = all.cpu_p50_us;
        L.cpu_p99_us = all.cpu_p99_us;
        L.cpu_mean_us = all.cpu_mean_us;
        free(any);
    }
    free(tc);
    free(cls);
    double sum = 0;
    for (size_t i = 0; i < qs->n; i++)
        sum += (double)t[i];
    qsort(t, qs->n, sizeof *t, cmp_i64);
    L.mean_us = qs->n ? sum / (double)qs->n / 1e3 : 0;
    L.p50_us = (double)pct(t, qs->n, 0.50) / 1e3;
    L.p90_us = (double)pct(t, qs->n, 0.90) / 1e3;
    L.p99_us = (double)pct(t, qs->n, 0.99) / 1e3;
    L.max_us = qs->n ? (double)t[qs->n - 1] / 1e3 : 0;
    L.names_per_s = wall > 0 ? (double)qs->n / wall : 0;
    free(t);
    return L;
}

/* ---- batch throughput --------------------------------------------------- */

typedef struct worker {
    const em_matcher *m;
    const qset *qs;
    size_t from, to; /* indices into the virtual batch (i % qs->n) */
    pthread_barrier_t *start;
    double elapsed;
} worker;

static void *worker_main(void *arg) {
    worker *w = arg;
    em_error err = {0};
    em_searcher *s = em_searcher_new(w->m, &err);
    if (!s) die("em_searcher_new", &err);
    /* a short warm-up of this searcher, outside the timed window */
    for (size_t i = 0; i < 50 && i < w->qs->n; i++)
        run_one(s, &w->qs->q[i], NULL, NULL);
    pthread_barrier_wait(w->start);
    double t0 = now_s();
    for (size_t i = w->from; i < w->to; i++)
        run_one(s, &w->qs->q[i % w->qs->n], NULL, NULL);
    w->elapsed = now_s() - t0;
    em_searcher_free(s);
    return NULL;
}

typedef struct batch {
    int threads;
    size_t names;
    double wall_s;
    double cpu_s; /* CPU of the process over the batch (all threads) */
    double names_per_s, per_thread;
    double slowest_thread_s;
} batch;

static batch run_batch(const em_matcher *m, const qset *qs, size_t total, int nthreads) {
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
    worker *w = xmalloc((size_t)nthreads * sizeof *w);
    pthread_t *tid = xmalloc((size_t)nthreads * sizeof *tid);
    for (int i = 0; i < nthreads; i++) {
        w[i] = (worker){m,
                        qs,
                        total * (size_t)i / (size_t)nthreads,
                        total * (size_t)(i + 1) / (size_t)nthreads,
                        &start,
                        0};
        if (pthread_create(&tid[i], NULL, worker_main, &w[i]) != 0) {
            fprintf(stderr, "bench_match: pthread_create failed\n");
            exit(1);
        }
    }
    pthread_barrier_wait(&start);
    double t0 = now_s(), c0 = process_cpu_s();
    for (int i = 0; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    batch b = {0};
    b.wall_s = now_s() - t0;
    b.cpu_s = process_cpu_s() - c0;
    b.threads = nthreads;
    b.names = total;
    b.names_per_s = b.wall_s > 0 ? (double)total / b.wall_s : 0;
    b.per_thread = b.names_per_s / nthreads;
    for (int i = 0; i < nthreads; i++)
        if (w[i].elapsed > b.slowest_thread_s) b.slowest_thread_s = w[i].elapsed;
    pthread_barrier_destroy(&start);
    free(w);
    free(tid);
    return b;
}

/* ---- synthetic lists ---------------------------------------------------- */

static uint64_t rng_state = 42;

static uint64_t rng_next(void) { /* xorshift64* */
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static size_t rng_below(size_t n) {
    return n ? (size_t)(rng_next() % n) : 0;
}

typedef struct wordlist {
    char **w;
    size_t n;
} wordlist;

static void wordlist_load(wordlist *wl, const char *path) {
    wl->w = NULL;
    wl->n = 0;
    size_t len;
    char *data = slurp(path, &len);
    if (!data) return;
    size_t cap = 0;
    for (char *line = strtok(data, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line) continue;
        if (wl->n == cap) wl->w = xrealloc(wl->w, (cap = cap ? cap * 2 : 256) * sizeof *wl->w);
        wl->w[wl->n++] = xstrdup(line);
    }
    free(data);
}

static void wordlist_free(wordlist *wl) {
    for (size_t i = 0; i < wl->n; i++)
        free(wl->w[i]);
    free(wl->w);
}

static const char *pick(const wordlist *wl) {
    return wl->w[rng_below(wl->n)];
}

typedef struct locale {
    const char *code;
    int family_first; /* written family name first (CJK, Vietnamese, Hungarian...) */
    const char *countries[4];
    wordlist first, middle, last, suffix;
} locale;

static locale LOCALES[] = {
    {"ar", 0, {"Syria", "Iraq", "Egypt", "Saudi Arabia"}, {0}, {0}, {0}, {0}},
    {"de", 0, {"Germany", "Austria", "Switzerland", NULL}, {0}, {0}, {0}, {0}},
    {"en", 0, {"United States", "United Kingdom", "Canada", "Australia"}, {0}, {0}, {0}, {0}},
    {"en_IN", 0, {"India", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"en_NG", 0, {"Nigeria", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"es", 0, {"Spain", "Mexico", "Colombia", "Venezuela"}, {0}, {0}, {0}, {0}},
    {"fa", 0, {"Iran", "Afghanistan", NULL, NULL}, {0}, {0}, {0}, {0}},
    {"fr", 0, {"France", "Belgium", "Mali", "Lebanon"}, {0}, {0}, {0}, {0}},
    {"he", 0, {"Israel", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"id_ID", 0, {"Indonesia", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"ja", 1, {"Japan", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"ko", 1, {"North Korea", "South Korea", NULL, NULL}, {0}, {0}, {0}, {0}},
    {"ru", 0, {"Russia", "Belarus", "Kazakhstan", NULL}, {0}, {0}, {0}, {0}},
    {"tr", 0, {"Turkey", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"uk", 0, {"Ukraine", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"ur", 0, {"Pakistan", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"vi", 1, {"Vietnam", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
    {"zh_CN", 1, {"China", NULL, NULL, NULL}, {0}, {0}, {0}, {0}},
};
#define NLOCALES (sizeof LOCALES / sizeof LOCALES[0])

static locale *usable[NLOCALES];
static size_t nusable;
static locale *en_locale;

static void locales_load(const char *faker_dir) {
    nusable = 0;
    for (size_t i = 0; i < NLOCALES; i++) {
        locale *L = &LOCALES[i];
        const char *kinds[] = {"first_name", "middle_name", "last_name", "company_legal_suffix"};
        wordlist *dst[] = {&L->first, &L->middle, &L->last, &L->suffix};
        for (int k = 0; k < 4; k++) {
            char *p = xasprintf("%s/%s.%s.txt", faker_dir, L->code, kinds[k]);
            wordlist_load(dst[k], p);
            free(p);
        }
        if (L->first.n && L->last.n) usable[nusable++] = L;
        if (!strcmp(L->code, "en")) en_locale = L;
    }
}

static void locales_free(void) {
    for (size_t i = 0; i < NLOCALES; i++) {
        wordlist_free(&LOCALES[i].first);
        wordlist_free(&LOCALES[i].middle);
        wordlist_free(&LOCALES[i].last);
        wordlist_free(&LOCALES[i].suffix);
    }
}

static const char *pick_country(const locale *L) {
    size_t n = 0;
    while (n < 4 && L->countries[n])
        n++;
    return L->countries[rng_below(n)];
}

static void person_name(char *out, size_t cap, const locale *L, const char *first,
                        const char *middle, const char *last) {
    if (L->family_first)
        snprintf(out, cap, "%s %s", last, first);
    else if (middle)
        snprintf(out, cap, "%s %s %s", first, middle, last);
    else
        snprintf(out, cap, "%s %s", first, last);
}

static em_entity *synthetic_entity(size_t i) {
    char id[32], name[512], alias[512];
    snprintf(id, sizeof id, "%zu", i + 1);
    const locale *L = usable[rng_below(nusable)];
    if (rng_below(100) < 15) { /* Organization: last name + legal suffix */
        const wordlist *suf = L->suffix.n ? &L->suffix : &en_locale->suffix;
        em_entity *e = em_entity_new("synthetic", "syn", id, EM_SCHEMA_ORGANIZATION);
        const char *last = pick(&L->last);
        snprintf(name, sizeof name, "%s %s", last, suf->n ? pick(suf) : "Ltd");
        em_entity_add_name(e, name, EM_NAME_PRIMARY, NULL, em_guess_script(name));
        if (rng_below(100) < 30) { /* a second trading name */
            snprintf(alias, sizeof alias, "%s %s", last, pick(&L->last));
            em_entity_add_name(e, alias, EM_NAME_AKA, NULL, em_guess_script(alias));
        }
        em_entity_add_nationality(e, pick_country(L));
        em_entity_add_program(e, "SYNTHETIC");
        em_entity_finish(e);
        return e;
    }
    em_entity *e = em_entity_new("synthetic", "syn", id, EM_SCHEMA_PERSON);
    const char *first = pick(&L->first), *last = pick(&L->last);
    const char *middle = L->middle.n && rng_below(2) ? pick(&L->middle) : NULL;
    person_name(name, sizeof name, L, first, middle, last);
    em_entity_add_name(e, name, EM_NAME_PRIMARY, NULL, em_guess_script(name));
    size_t naliases = rng_below(3);
    for (size_t a = 0; a < naliases; a++) {
        if (rng_below(2)) { /* the other order, as lists often write it */
            if (L->family_first)
                snprintf(alias, sizeof alias, "%s %s", first, last);
            else
                snprintf(alias, sizeof alias, "%s, %s%s%s", last, first, middle ? " " : "",
                         middle ? middle : "");
        } else { /* another given name of the same culture */
            person_name(alias, sizeof alias, L, pick(&L->first), NULL, last);
        }
        em_entity_add_name(e, alias, EM_NAME_AKA, NULL, em_guess_script(alias));
    }
    char dob[16];
    unsigned year = 1940 + (unsigned)rng_below(66);
    if (rng_below(100) < 80)
        snprintf(dob, sizeof dob, "%04u-%02u-%02u", year, 1 + (unsigned)rng_below(12),
                 1 + (unsigned)rng_below(28));
    else
        snprintf(dob, sizeof dob, "%04u", year);
    em_entity_add_birth_date(e, dob, dob, dob, 0);
    em_entity_add_nationality(e, pick_country(L));
    em_entity_add_program(e, "SYNTHETIC");
    em_entity_finish(e);
    return e;
}

/* ---- results ------------------------------------------------------------ */

typedef struct machine {
    long ncpu;
    char cpu[256];
    double mem_gib;
    char kernel[200];
} machine;

typedef struct real_phase {
    double seed_s;
    size_t entities;
    double compile_s;      /* first em_matcher_open */
    double reopen_store_s; /* em_matcher_open with a current snapshot */
    double open_med_ms, open_min_ms, open_max_ms;
    int64_t snap_bytes;
    double rss_after_open, cur_after_open;
    latency lat;
    double rss_after_latency, cur_after_latency;
    batch b1, bn;
    double rss_after_batch, cur_after_batch;
} real_phase;

typedef struct scale_phase {
    size_t size;
    double gen_s, build_s, open_ms;
    int64_t snap_bytes;
    double rss_after_build, cur_after_free;
    latency lat;
    double cur_after_queries, rss_after_queries;
} scale_phase;

static machine M;
static real_phase R;
static scale_phase S[3];
static size_t nscale;
static qset Q;
static int markdown;

static void machine_info(void) {
    M.ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(M.cpu, sizeof M.cpu, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    if (f) {
        while (fgets(line, sizeof line, f)) {
            if (!strncmp(line, "model name", 10)) {
                char *c = strchr(line, ':');
                if (c) {
                    c++;
                    while (*c == ' ')
                        c++;
                    c[strcspn(c, "\n")] = '\0';
                    snprintf(M.cpu, sizeof M.cpu, "%s", c);
                }
                break;
            }
        }
        fclose(f);
    }
    f = fopen("/proc/meminfo", "r");
    if (f) {
        long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemTotal: %ld kB", &kb) == 1) M.mem_gib = (double)kb / 1048576.0;
        fclose(f);
    }
    struct utsname u;
    if (uname(&u) == 0) snprintf(M.kernel, sizeof M.kernel, "%s %s", u.sysname, u.release);
}

static void print_machine_text(void) {
    printf("== machine\n");
    printf("  cores (nproc)            %ld\n", M.ncpu);
    printf("  CPU                      %s\n", M.cpu);
    printf("  memory                   %.1f GiB\n", M.mem_gib);
    printf("  kernel                   %s\n", M.kernel);
    printf("  compiler                 %s\n", __VERSION__);
    printf("  build                    %s\n", BUILD_KIND);
    printf("\n");
}

static void print_real_open_text(void) {
    printf("== 1. real lists (bundled OFAC SDN + OFAC consolidated + UN)\n");
    printf("  store seeding (import)   %.3f s\n", R.seed_s);
    printf("  entities                 %zu\n", R.entities);
    printf("  snapshot compile         %.3f s   (first em_matcher_open)\n", R.compile_s);
    printf("  em_matcher_open, current %.2f ms  (snapshot already compiled)\n",
           R.reopen_store_s * 1e3);
    printf("  snapshot file            %.1f MiB (%lld bytes)\n", mib(R.snap_bytes),
           (long long)R.snap_bytes);
    printf("  em_matcher_open_file     median %.2f ms  (min %.2f, max %.2f; %d opens)"
           "  [target <= 20 ms]\n",
           R.open_med_ms, R.open_min_ms, R.open_max_ms, OPEN_REPEAT);
    printf("  RSS after open           peak %.1f MiB, current %.1f MiB\n", R.rss_after_open,
           R.cur_after_open);
    printf("\n");
}

static void print_latency_text(void) {
    printf("== 2. single-thread latency (one em_searcher, %d warm-up queries)\n", WARMUP);
    printf("  queries                  %zu (negatives_global_dev %zu, negatives_us_dev %zu, "
           "un_positives_treated_dev %zu; schema Person)\n",
           Q.n, Q.from_global, Q.from_us, Q.from_un);
    printf("  p50                      %8.1f us  [target <= 50 us]\n", R.lat.p50_us);
    printf("  p90                      %8.1f us\n", R.lat.p90_us);
    printf("  p99                      %8.1f us  [target <= 500 us]\n", R.lat.p99_us);
    printf("  max                      %8.1f us\n", R.lat.max_us);
    printf("  mean                     %8.1f us\n", R.lat.mean_us);
    printf("  CPU p50 / p99 / mean     %.1f / %.1f / %.1f us (the thread's CPU time per query)\n",
           R.lat.cpu_p50_us, R.lat.cpu_p99_us, R.lat.cpu_mean_us);
    printf("  queries with a match     %zu of %zu (%zu results in all)\n", R.lat.matched, R.lat.n,
           R.lat.results);
    printf(
        "  by script                  n   wall p50    p99   mean |  CPU p50    p99   mean (us)\n");
    for (int k = -1; k < SC_N; k++) {
        const by_script *b = k < 0 ? &R.lat.latin : &R.lat.script[k];
        if (!b->n) continue;
        printf("  %-22s %5zu %9.1f %6.1f %6.1f | %8.1f %6.1f %6.1f\n",
               k < 0 ? "Latin (ASCII+accented)" : SC_NAME[k], b->n, b->p50_us, b->p99_us,
               b->mean_us, b->cpu_p50_us, b->cpu_p99_us, b->cpu_mean_us);
    }
    if (R.lat.latin.cpu_mean_us > 0)
        printf("  Han/kana / Latin         %.2fx CPU mean, %.2fx CPU p50  [target <= 3x]\n",
               R.lat.script[SC_CJK].cpu_mean_us / R.lat.latin.cpu_mean_us,
               R.lat.latin.cpu_p50_us > 0 ? R.lat.script[SC_CJK].cpu_p50_us / R.lat.latin.cpu_p50_us
                                          : 0);
    printf("  RSS after latency run    peak %.1f MiB, current %.1f MiB\n", R.rss_after_latency,
           R.cur_after_latency);
    printf("\n");
}

static void print_batch_text(void) {
    printf("== 3. batch throughput (%zu names, static partition, one em_searcher per thread)\n",
           R.b1.names);
    const batch *bs[2] = {&R.b1, &R.bn};
    for (int i = 0; i < 2; i++)
        printf("  %d thread%s                %9.0f names/s total, %8.0f names/s per thread (%.2f s "
               "wall, %.2f s CPU: %.0f names per CPU-second)  [target >= 20000/core]\n",
               bs[i]->threads, bs[i]->threads > 1 ? "s" : " ", bs[i]->names_per_s,
               bs[i]->per_thread, bs[i]->wall_s, bs[i]->cpu_s,
               bs[i]->cpu_s > 0 ? (double)bs[i]->names / bs[i]->cpu_s : 0);
    if (R.b1.names_per_s > 0)
        printf("  speed-up                 %.2fx on %d threads\n",
               R.bn.names_per_s / R.b1.names_per_s, R.bn.threads);
    printf("  RSS after batch          peak %.1f MiB, current %.1f MiB\n", R.rss_after_batch,
           R.cur_after_batch);
    printf("\n");
}

static void print_scale_row_text(const scale_phase *s) {
    printf("  %8zu entities: generate %.2f s, build %.2f s, snapshot %.1f MiB, open %.2f ms\n",
           s->size, s->gen_s, s->build_s, mib(s->snap_bytes), s->open_ms);
    printf("  %8s           queries p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us, "
           "%.0f names/s (1 thread), %zu with a match\n",
           "", s->lat.p50_us, s->lat.p90_us, s->lat.p99_us, s->lat.max_us, s->lat.names_per_s,
           s->lat.matched);
    printf("  %8s           RSS peak %.1f MiB after build; current %.1f MiB after freeing the "
           "list, %.1f MiB after queries\n",
           "", s->rss_after_build, s->cur_after_free, s->cur_after_queries);
}

static void print_scale_ratio_text(void) {
    if (nscale >= 2 && S[0].lat.p50_us > 0) {
        const scale_phase *a = &S[0], *b = &S[nscale - 1];
        printf("  p50 ratio %zu / %zu      %.2fx for %.0fx the entities (sub-linear: < %.0fx)\n",
               b->size, a->size, b->lat.p50_us / a->lat.p50_us, (double)b->size / (double)a->size,
               (double)b->size / (double)a->size);
        printf("  p99 ratio %zu / %zu      %.2fx\n", b->size, a->size,
               a->lat.p99_us > 0 ? b->lat.p99_us / a->lat.p99_us : 0);
    }
    printf("  peak RSS of the process  %.1f MiB\n", peak_rss_mib());
    printf("\n");
}

static void print_markdown(void) {
    printf("Machine: %ld cores (%s), %.1f GiB RAM, %s, compiler %s, %s.\n\n", M.ncpu, M.cpu,
           M.mem_gib, M.kernel, __VERSION__, BUILD_KIND);
    printf("### Real lists\n\n");
    printf("Bundled OFAC SDN 2023-12-28 + OFAC consolidated + UN 2026-02-27, %zu entities.\n\n",
           R.entities);
    printf("| figure | value | target |\n|---|---:|---:|\n");
    printf("| store seeding (import of the bundled lists) | %.2f s | |\n", R.seed_s);
    printf("| snapshot compile (first `em_matcher_open`) | %.2f s | |\n", R.compile_s);
    printf("| `em_matcher_open`, snapshot current | %.2f ms | |\n", R.reopen_store_s * 1e3);
    printf("| `em_matcher_open_file`, median of %d (min–max) | **%.2f ms** (%.2f–%.2f) | ≤ 20 ms "
           "|\n",
           OPEN_REPEAT, R.open_med_ms, R.open_min_ms, R.open_max_ms);
    printf("| snapshot file | %.1f MiB | |\n", mib(R.snap_bytes));
    printf("| peak RSS after open | %.0f MiB | |\n\n", R.rss_after_open);

    printf("### Query latency (single thread)\n\n");
    printf("%zu queries: %zu from negatives_global_dev.csv, %zu from negatives_us_dev.csv (name, "
           "birth date, nationality, gender), %zu from un_positives_treated_dev.csv; schema "
           "Person; %d warm-up queries; each `em_search` timed on its own.\n\n",
           Q.n, Q.from_global, Q.from_us, Q.from_un, WARMUP);
    printf("| p50 | p90 | p99 | max | mean | queries with a match |\n"
           "|---:|---:|---:|---:|---:|---:|\n");
    printf("| **%.1f µs** | %.1f µs | **%.1f µs** | %.1f µs | %.1f µs | %zu / %zu |\n\n",
           R.lat.p50_us, R.lat.p90_us, R.lat.p99_us, R.lat.max_us, R.lat.mean_us, R.lat.matched,
           R.lat.n);
    printf("Targets: p50 ≤ 50 µs, p99 ≤ 500 µs. Peak RSS after the run: %.0f MiB.\n\n",
           R.rss_after_latency);

    printf("### Batch throughput\n\n");
    printf("%zu names (the query set repeated), static partition, one `em_searcher` per thread "
           "over one shared `em_matcher`.\n\n",
           R.b1.names);
    printf("| threads | names/s | names/s per thread | wall time |\n|---:|---:|---:|---:|\n");
    printf("| 1 | %.0f | %.0f | %.2f s |\n", R.b1.names_per_s, R.b1.per_thread, R.b1.wall_s);
    printf("| %d | %.0f | %.0f | %.2f s |\n\n", R.bn.threads, R.bn.names_per_s, R.bn.per_thread,
           R.bn.wall_s);
    printf("Target: ≥ 20,000 names/s per core. Peak RSS after the batch: %.0f MiB.\n\n",
           R.rss_after_batch);

    if (nscale) {
        printf("### Scaling (synthetic lists)\n\n");
        printf("Persons (85%%: primary name + 0–2 aliases, birth date, nationality) and "
               "organisations (15%%) generated from the faker-js name lists of %zu locales in "
               "their own scripts, seed 42; queried with the same %zu real queries, one "
               "thread.\n\n",
               nusable, Q.n);
        printf("| entities | build | snapshot | open | p50 | p90 | p99 | names/s | RSS after "
               "queries |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (size_t i = 0; i < nscale; i++)
            printf("| %zu | %.2f s | %.1f MiB | %.2f ms | %.1f µs | %.1f µs | %.1f µs | %.0f | "
                   "%.0f MiB |\n",
                   S[i].size, S[i].build_s, mib(S[i].snap_bytes), S[i].open_ms, S[i].lat.p50_us,
                   S[i].lat.p90_us, S[i].lat.p99_us, S[i].lat.names_per_s, S[i].cur_after_queries);
        if (nscale >= 2 && S[0].lat.p50_us > 0)
            printf("\np50 at %zu / p50 at %zu: **%.2f×** for %.0f× the entities. Peak RSS "
                   "(while building the largest list): %.0f MiB.\n",
                   S[nscale - 1].size, S[0].size, S[nscale - 1].lat.p50_us / S[0].lat.p50_us,
                   (double)S[nscale - 1].size / (double)S[0].size, peak_rss_mib());
        printf("\n");
    }
}

/* ---- engine open, in a fresh process -------------------------------------- */

/* One screening of name on e: its wall and CPU time (ms) into *w and *c. */
static void screen_once(em_engine *e, const char *name, double *w, double *c) {
    em_error err = {0};
    em_party *p = em_party_new();
    if (em_party_add_name(p, name, 0, &err) != 0) die("em_party_add_name", &err);
    em_results *r = NULL;
    double t0 = now_s(), c0 = process_cpu_s();
    if (em_engine_screen(e, p, NULL, &r, &err) != 0) die("em_engine_screen", &err);
    *w = (now_s() - t0) * 1e3;
    *c = (process_cpu_s() - c0) * 1e3;
    em_results_free(r);
    em_party_free(p);
}

/* --open-cost HOME: what opening an engine costs, and its first requests (a Han name first:
   where ICU builds what it has not built yet), in a process that has done nothing else. */
static int open_cost(const char *home) {
    em_error err = {0};
    em_engine_options o = {EM_ENGINE_OPTIONS_VERSION, home, 0};
    em_engine *e = NULL;
    double t0 = now_s(), c0 = process_cpu_s();
    if (em_engine_open(&e, &o, &err) != 0) die("em_engine_open", &err);
    double ow = (now_s() - t0) * 1e3, oc = (process_cpu_s() - c0) * 1e3;
    static const char *const names[] = {"习近平", "Ivan Petrov", "毛泽东", "Сергей Шойгу",
                                        "Ivan Petrov"};
    printf("== engine open (fresh process, snapshot current)\n");
    printf("  em_engine_open            %8.2f ms wall, %8.2f ms CPU\n", ow, oc);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        double w, c;
        screen_once(e, names[i], &w, &c);
        printf("  screen #%zu %-16s %8.2f ms wall, %8.2f ms CPU\n", i + 1, names[i], w, c);
    }
    em_engine_close(e);
    return 0;
}

/* ---- main --------------------------------------------------------------- */

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[bench_match] ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static char *default_work_dir(const char *argv0) {
    /* the binary lives in <build>/bench/; scratch goes to <build>/bench-work */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(exe, sizeof exe, "%s", argv0);
        n = (ssize_t)strlen(exe);
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return xstrdup("bench-work");
    *slash = '\0';
    return xasprintf("%s/../bench-work", exe);
}

static void usage(void) {
    fprintf(stderr, "usage: bench_match [--work DIR] [--markdown] [--quick] [--max-size N] "
                    "[--threads N] [--keep] [--open-cost HOME]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *work_arg = NULL;
    int quick = 0, keep = 0, nthreads = 0;
    size_t max_size = 1000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--markdown"))
            markdown = 1;
        else if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--keep"))
            keep = 1;
        else if (!strcmp(argv[i], "--work") && i + 1 < argc)
            work_arg = argv[++i];
        else if (!strcmp(argv[i], "--max-size") && i + 1 < argc)
            max_size = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            nthreads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--open-cost") && i + 1 < argc)
            return open_cost(argv[i + 1]);
        else
            usage();
    }

    const char *shared = getenv("EMBARGO_SHARED_DATA");
    if (!shared || !*shared) shared = SHARED_DATA_DIR;
    if (!is_dir(shared)) {
        printf("skipped: ../shared/data not found (%s)\n", shared);
        return 0;
    }

    setvbuf(stdout, NULL, _IOLBF, 0);
    machine_info();
    if (nthreads <= 0) nthreads = (int)(M.ncpu > 0 ? M.ncpu : 1);
    if (!markdown) print_machine_text();

    char *work = work_arg ? xstrdup(work_arg) : default_work_dir(argv[0]);
    mkdir_p(work);

    /* ---- queries ---- */
    size_t per_neg = quick ? 500 : 2000;
    char *p = xasprintf("%s/names/negatives_global_dev.csv", shared);
    Q.from_global = load_queries(&Q, p, per_neg, "date_of_birth", "gender");
    free(p);
    p = xasprintf("%s/names/negatives_us_dev.csv", shared);
    Q.from_us = load_queries(&Q, p, per_neg, "date_of_birth", "gender");
    free(p);
    p = xasprintf("%s/benchmarks/un_positives_treated_dev.csv", shared);
    Q.from_un = load_queries(&Q, p, 0, "date_of_birth", NULL);
    free(p);

    /* ---- 1. real lists: seed, compile, open ---- */
    em_error err = {0};
    char *home = xasprintf("%s/home", work);
    reset_scratch_dir(home);
    progress("seeding the store in %s", home);
    em_store *st = NULL;
    double t0 = now_s();
    if (em_store_open(&st, home, 0, &err) != 0) die("em_store_open", &err);
    R.seed_s = now_s() - t0;

    progress("compiling the snapshot (em_matcher_open)");
    em_matcher *m = NULL;
    t0 = now_s();
    if (em_matcher_open(&m, st, &err) != 0) die("em_matcher_open", &err);
    R.compile_s = now_s() - t0;
    R.entities = em_matcher_entity_count(m);
    char *snap = xstrdup(em_matcher_snapshot_path(m));
    em_matcher_close(m);
    t0 = now_s();
    if (em_matcher_open(&m, st, &err) != 0) die("em_matcher_open (current)", &err);
    R.reopen_store_s = now_s() - t0;
    em_matcher_close(m);
    em_store_close(st);
    R.snap_bytes = file_size(snap);

    double opens[OPEN_REPEAT];
    for (int i = 0; i < OPEN_REPEAT; i++) {
        t0 = now_s();
        if (em_matcher_open_file(&m, snap, &err) != 0) die("em_matcher_open_file", &err);
        opens[i] = (now_s() - t0) * 1e3;
        if (i < OPEN_REPEAT - 1) em_matcher_close(m);
    }
    qsort(opens, OPEN_REPEAT, sizeof opens[0], cmp_double);
    R.open_med_ms = (opens[OPEN_REPEAT / 2 - 1] + opens[OPEN_REPEAT / 2]) / 2;
    R.open_min_ms = opens[0];
    R.open_max_ms = opens[OPEN_REPEAT - 1];
    R.rss_after_open = peak_rss_mib();
    R.cur_after_open = cur_rss_mib();
    if (!markdown) print_real_open_text();

    /* ---- 2. latency ---- */
    progress("single-thread latency over %zu queries", Q.n);
    R.lat = measure_latency(m, &Q);
    R.rss_after_latency = peak_rss_mib();
    R.cur_after_latency = cur_rss_mib();
    if (!markdown) print_latency_text();

    /* ---- 3. batch ---- */
    size_t total = quick ? 10000 : 50000;
    progress("batch of %zu names, 1 thread", total);
    R.b1 = run_batch(m, &Q, total, 1);
    progress("batch of %zu names, %d threads", total, nthreads);
    R.bn = run_batch(m, &Q, total, nthreads);
    R.rss_after_batch = peak_rss_mib();
    R.cur_after_batch = cur_rss_mib();
    if (!markdown) print_batch_text();
    em_matcher_close(m);

    /* ---- 5. scaling ---- */
    static const size_t sizes[] = {10000, 100000, 1000000};
    size_t nsizes = 0;
    for (size_t i = 0; i < 3; i++)
        if (sizes[i] <= max_size) nsizes++;
    if (nsizes) {
        char *kdir = xasprintf("%s/knowledge", em_bundled_data_dir());
        em_knowledge *k = em_knowledge_load(kdir, &err);
        if (!k) die("em_knowledge_load", &err);
        free(kdir);
        char *faker = xasprintf("%s/names/faker-js_10.6.0", shared);
        locales_load(faker);
        free(faker);
        if (!nusable || !en_locale) {
            fprintf(stderr, "bench_match: no usable faker-js name lists\n");
            exit(1);
        }
        char *sdir = xasprintf("%s/synthetic", work);
        reset_scratch_dir(sdir);
        if (!markdown)
            printf("== 5. scaling on synthetic lists (seed 42, %zu locales, %zu real queries, "
                   "1 thread)\n",
                   nusable, Q.n);
        for (size_t i = 0; i < nsizes; i++) {
            scale_phase *s = &S[nscale++];
            s->size = sizes[i];
            rng_state = 42;
            progress("generating %zu synthetic entities", s->size);
            em_entity_list list = {0};
            t0 = now_s();
            for (size_t j = 0; j < s->size; j++)
                em_entity_list_push(&list, synthetic_entity(j));
            s->gen_s = now_s() - t0;
            char *path = xasprintf("%s/synthetic-%zu.snap", sdir, s->size);
            progress("building the snapshot of %zu entities", s->size);
            t0 = now_s();
            if (em_snapshot_build(&list, NULL, k, path, &err) != 0) die("em_snapshot_build", &err);
            s->build_s = now_s() - t0;
            s->rss_after_build = peak_rss_mib();
            em_entity_list_free(&list);
            malloc_trim(0);
            s->cur_after_free = cur_rss_mib();
            s->snap_bytes = file_size(path);
            t0 = now_s();
            if (em_matcher_open_file(&m, path, &err) != 0) die("em_matcher_open_file", &err);
            s->open_ms = (now_s() - t0) * 1e3;
            progress("querying the %zu-entity list", s->size);
            s->lat = measure_latency(m, &Q);
            s->cur_after_queries = cur_rss_mib();
            s->rss_after_queries = peak_rss_mib();
            em_matcher_close(m);
            if (!keep) remove(path);
            free(path);
            if (!markdown) print_scale_row_text(s);
        }
        if (!markdown) print_scale_ratio_text();
        free(sdir);
        locales_free();
        em_knowledge_free(k);
    }

    if (markdown) print_markdown();
    free(snap);
    free(home);
    free(work);
    free_queries(&Q);
    return 0;
}
