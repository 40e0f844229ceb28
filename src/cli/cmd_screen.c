/*
 * cmd_screen.c - `embargo screen`: batch screening of a CSV (with a header
 * row) or JSON-lines file against the active lists, JSON lines out, one per
 * input row and in input order.
 *
 * Rows are read in chunks; each chunk is screened by N threads (one
 * em_searcher each over one shared em_matcher) and written out before the
 * next chunk is read, so memory stays bounded whatever the input size.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cpu.h"
#include "cli.h"
#include "csvio.h"

#define CHUNK_ROWS 4096
#define MAX_RECORD (1u << 20)
#define MAX_THREADS 256

/* ---- input columns / keys ---------------------------------------------- */

enum { F_IGNORE, F_NAME, F_SCHEMA, F_DOB, F_COUNTRY, F_GENDER, F_ID, F_IDENT };

static const struct {
    const char *key;
    int kind;
} KEYS[] = {
    {"name", F_NAME},           {"full_name", F_NAME},
    {"schema", F_SCHEMA},       {"type", F_SCHEMA},
    {"birth_date", F_DOB},      {"dob", F_DOB},
    {"date_of_birth", F_DOB},   {"birthdate", F_DOB},
    {"nationality", F_COUNTRY}, {"country", F_COUNTRY},
    {"citizenship", F_COUNTRY}, {"gender", F_GENDER},
    {"sex", F_GENDER},          {"id", F_ID},
    {"passport", F_IDENT},      {"passport_number", F_IDENT},
    {"national_id", F_IDENT},   {"tax_id", F_IDENT},
    {"registration", F_IDENT},  {"registration_number", F_IDENT},
    {"imo", F_IDENT},           {"mmsi", F_IDENT},
    {"bic", F_IDENT},           {"swift", F_IDENT},
    {"crypto", F_IDENT},        {"crypto_address", F_IDENT},
    {"wallet", F_IDENT},        {"wallet_address", F_IDENT},
    {"email", F_IDENT},         {"website", F_IDENT},
    {"phone", F_IDENT},         {"identifier", F_IDENT},
    {"identifiers", F_IDENT},
};

/* Kind of a column name / JSON key: case, spaces and dashes ignored. */
static int key_kind(const char *key) {
    char k[64];
    size_t n = 0;
    while (*key == ' ' || *key == '\t')
        key++;
    for (; *key && n + 1 < sizeof k; key++) {
        char c = *key;
        if (c == ' ' || c == '-') c = '_';
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        k[n++] = c;
    }
    while (n > 0 && (k[n - 1] == '_' || k[n - 1] == '\t'))
        n--;
    k[n] = '\0';
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (strcmp(k, KEYS[i].key) == 0) return KEYS[i].kind;
    return F_IGNORE;
}

/* ---- rows ---------------------------------------------------------------- */

typedef struct row {
    size_t no;     /* 1-based data row */
    char *raw;     /* a JSON line, parsed by the worker */
    char *id_json; /* the caller's id as JSON text */
    char *name, *schema, *dob, *country, *gender;
    em_strvec idents;
    char *error; /* why the row could not be screened */
    char *out;   /* the output line, newline included */
    int matched;
} row;

static void row_clear(row *r) {
    free(r->raw);
    free(r->id_json);
    free(r->name);
    free(r->schema);
    free(r->dob);
    free(r->country);
    free(r->gender);
    em_strvec_free(&r->idents);
    free(r->error);
    free(r->out);
    memset(r, 0, sizeof *r);
}

/* Sets a field from an input value (trimmed; empty = absent). Identifier
   values may list several, separated by ';'. */
static void row_set(row *r, int kind, const char *value) {
    char *v = em_strtrim(em_xstrdup(value));
    if (!v[0] || kind == F_IGNORE) {
        free(v);
        return;
    }
    char **slot = NULL;
    switch (kind) {
    case F_NAME:
        slot = &r->name;
        break;
    case F_SCHEMA:
        slot = &r->schema;
        break;
    case F_DOB:
        slot = &r->dob;
        break;
    case F_GENDER:
        slot = &r->gender;
        break;
    case F_ID: {
        json_t *j = json_string(v); /* NULL when v is not UTF-8 */
        char *txt = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
        json_decref(j);
        free(r->id_json);
        r->id_json = txt ? txt : em_xstrdup("null");
        free(v);
        return;
    }
    case F_COUNTRY:
        if (r->country) { /* nationality and country both given */
            char *joined = em_xasprintf("%s;%s", r->country, v);
            free(r->country);
            free(v);
            r->country = joined;
            return;
        }
        slot = &r->country;
        break;
    case F_IDENT: {
        char *save = NULL;
        for (char *t = strtok_r(v, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            em_strtrim(t);
            if (t[0]) em_strvec_push(&r->idents, t);
        }
        free(v);
        return;
    }
    }
    free(*slot);
    *slot = v;
}

/* A JSON value as text for row_set; NULL when it has none. */
static char *json_scalar_text(json_t *v) {
    if (json_is_string(v)) return em_xstrdup(json_string_value(v));
    if (json_is_integer(v)) return em_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return em_xasprintf("%g", json_real_value(v));
    return NULL;
}

/* Parses a JSON line into the row (in a worker). */
static void row_parse_json(row *r) {
    json_error_t jerr;
    json_t *o = json_loads(r->raw, 0, &jerr);
    if (!o) {
        r->error = em_xasprintf("invalid JSON at column %d: %s", jerr.column, jerr.text);
        return;
    }
    if (!json_is_object(o)) {
        r->error = em_xstrdup("a row must be a JSON object");
        json_decref(o);
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        int kind = key_kind(key);
        if (kind == F_IGNORE || json_is_null(v)) continue;
        if (kind == F_ID) {
            free(r->id_json);
            r->id_json = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            continue;
        }
        if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) {
                char *t = json_scalar_text(e);
                if (t) row_set(r, kind, t);
                free(t);
                if (kind != F_IDENT && kind != F_COUNTRY) break; /* first value only */
            }
            continue;
        }
        char *t = json_scalar_text(v);
        if (t) row_set(r, kind, t);
        free(t);
    }
    json_decref(o);
}

/* ---- JSON output helpers ------------------------------------------------- */

/* Appends s as a JSON string; invalid UTF-8 becomes U+FFFD. */
static void put_json_str(em_buf *b, const char *s) {
    em_buf_addc(b, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                em_buf_addc(b, '\\');
                em_buf_addc(b, (char)c);
            } else if (c == '\n')
                em_buf_adds(b, "\\n");
            else if (c == '\r')
                em_buf_adds(b, "\\r");
            else if (c == '\t')
                em_buf_adds(b, "\\t");
            else if (c < 0x20)
                em_buf_printf(b, "\\u%04x", c);
            else
                em_buf_addc(b, (char)c);
            p++;
            continue;
        }
        size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        if (n == 3 && c > 0xEF) n = 0;
        size_t k = 1;
        while (n && k < n && (p[k] & 0xC0) == 0x80)
            k++;
        if (n && k == n) {
            em_buf_add(b, p, n);
            p += n;
        } else {
            em_buf_adds(b, "\xEF\xBF\xBD");
            p += k;
        }
    }
    em_buf_addc(b, '"');
}

static void put_key(em_buf *b, const char *key, int first) {
    if (!first) em_buf_adds(b, ", ");
    put_json_str(b, key);
    em_buf_adds(b, ": ");
}

/* ---- screening ----------------------------------------------------------- */

typedef struct screen_opts {
    double threshold;
    size_t limit;
    int all;
    const char *schema; /* default for rows without one */
    const char *lists;  /* JSON array: the list versions screened against */
} screen_opts;

static void put_query(em_buf *b, const row *r, const em_query *q) {
    em_buf_adds(b, "{");
    int first = 1;
    if (q->name) {
        put_key(b, "name", first);
        put_json_str(b, q->name);
        first = 0;
    }
    const char *keys[] = {"schema", "birth_date", "country", "gender"};
    const char *vals[] = {q->schema, q->birth_date, q->country, q->gender};
    for (size_t i = 0; i < 4; i++) {
        if (!vals[i]) continue;
        put_key(b, keys[i], first);
        put_json_str(b, vals[i]);
        first = 0;
    }
    if (r->idents.len) {
        put_key(b, "identifiers", first);
        em_buf_addc(b, '[');
        for (size_t i = 0; i < r->idents.len; i++) {
            if (i) em_buf_adds(b, ", ");
            put_json_str(b, r->idents.items[i]);
        }
        em_buf_addc(b, ']');
    }
    em_buf_adds(b, "}");
}

static const char *norm_gender(const char *g) {
    if (!g) return NULL;
    if (!strcasecmp(g, "m") || !strcasecmp(g, "male") || !strcasecmp(g, "man")) return "male";
    if (!strcasecmp(g, "f") || !strcasecmp(g, "female") || !strcasecmp(g, "woman")) return "female";
    return NULL;
}

static const char *norm_schema(const char *s) {
    if (!s) return NULL;
    static const struct {
        const char *in, *out;
    } MAP[] = {{"person", "Person"},
               {"individual", "Person"},
               {"organization", "Organization"},
               {"organisation", "Organization"},
               {"company", "Organization"},
               {"entity", "Organization"},
               {"vessel", "Vessel"},
               {"ship", "Vessel"},
               {"aircraft", "Aircraft"},
               {"legalentity", "LegalEntity"}};
    for (size_t i = 0; i < sizeof MAP / sizeof MAP[0]; i++)
        if (!strcasecmp(s, MAP[i].in)) return MAP[i].out;
    return s;
}

static void row_error_line(row *r, const char *msg) {
    em_buf b;
    em_buf_init(&b);
    em_buf_printf(&b, "{\"row\": %zu", r->no);
    if (r->id_json) {
        em_buf_adds(&b, ", \"id\": ");
        em_buf_adds(&b, r->id_json);
    }
    em_buf_adds(&b, ", \"error\": ");
    put_json_str(&b, msg);
    em_buf_adds(&b, "}\n");
    free(r->out);
    r->out = em_buf_detach(&b);
}

static void screen_row(em_searcher *s, row *r, const screen_opts *o) {
    if (r->raw && !r->error) row_parse_json(r);
    if (r->error) {
        row_error_line(r, r->error);
        return;
    }
    if (!r->name && r->idents.len == 0) {
        row_error_line(r, "no name and no identifier");
        r->error = em_xstrdup("no name");
        return;
    }
    em_query q = {0};
    q.name = r->name;
    q.schema = norm_schema(r->schema ? r->schema : o->schema);
    q.birth_date = r->dob;
    q.country = r->country;
    q.gender = norm_gender(r->gender);
    q.identifiers = (const char *const *)r->idents.items;
    q.nidentifiers = r->idents.len;
    q.threshold = o->threshold;
    q.limit = o->limit;
    q.all = o->all;
    em_error err = {0};
    em_results *res = NULL;
    if (em_search(s, &q, &res, &err) != 0) {
        r->error = em_xstrdup(err.message[0] ? err.message : "search failed");
        row_error_line(r, r->error);
        return;
    }
    size_t n = em_results_count(res);
    for (size_t i = 0; i < n; i++)
        if (em_results_get(res, i)->match) r->matched = 1;
    em_buf b;
    em_buf_init(&b);
    em_buf_printf(&b, "{\"row\": %zu", r->no);
    if (r->id_json) {
        em_buf_adds(&b, ", \"id\": ");
        em_buf_adds(&b, r->id_json);
    }
    em_buf_adds(&b, ", \"query\": ");
    put_query(&b, r, &q);
    em_buf_printf(&b, ", \"matched\": %s, \"results\": [", r->matched ? "true" : "false");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const em_result *x = em_results_get(res, i);
        if (!x->match && !o->all) continue;
        if (k++) em_buf_adds(&b, ", ");
        cli_result_json(&b, x);
    }
    em_buf_adds(&b, "], \"lists\": ");
    em_buf_adds(&b, o->lists);
    em_buf_adds(&b, "}\n");
    em_results_free(res);
    free(r->out);
    r->out = em_buf_detach(&b);
}

/* ---- threads and progress -------------------------------------------------- */

typedef struct progress {
    int on;
    double start, last;
    uint64_t total_bytes; /* 0 = unknown (not a regular file) */
    cli_reader *rd;
    size_t rows_before; /* rows finished in earlier chunks */
} progress;

typedef struct pool {
    em_searcher **searchers;
    int nthreads;
    row *rows;
    size_t nrows;
    _Atomic size_t next, done;
    const screen_opts *opts;
    progress *pg;
} pool;

typedef struct worker_arg {
    pool *p;
    int idx;
} worker_arg;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_show(progress *pg, size_t rows, int force) {
    if (!pg->on) return;
    double t = now_s();
    if (!force && t - pg->last < 0.1) return;
    pg->last = t;
    double el = t - pg->start;
    double rate = el > 0 ? (double)rows / el : 0;
    char eta[64] = "";
    uint64_t bytes = cli_reader_bytes(pg->rd);
    if (pg->total_bytes && bytes > 0 && bytes <= pg->total_bytes && el > 0.5) {
        double left = el * (double)(pg->total_bytes - bytes) / (double)bytes;
        long s = (long)(left + 0.5);
        snprintf(eta, sizeof eta, ", %.0f%%, ETA %ld:%02ld:%02ld",
                 100.0 * (double)bytes / (double)pg->total_bytes, s / 3600, s / 60 % 60, s % 60);
    }
    fprintf(stderr, "\r\033[Kscreening: %zu rows, %.0f rows/s%s", rows, rate, eta);
    fflush(stderr);
}

static void run_rows(pool *p, int idx) {
    em_searcher *s = p->searchers[idx];
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->nrows) break;
        screen_row(s, &p->rows[i], p->opts);
        size_t d = atomic_fetch_add(&p->done, 1) + 1;
        if (idx == 0) progress_show(p->pg, p->pg->rows_before + d, 0);
    }
}

static void *worker(void *arg) {
    worker_arg *w = arg;
    run_rows(w->p, w->idx);
    return NULL;
}

/* Screens p->rows with all threads; the calling thread is worker 0. */
static void screen_chunk(pool *p) {
    atomic_store(&p->next, 0);
    atomic_store(&p->done, 0);
    pthread_t tids[MAX_THREADS];
    worker_arg args[MAX_THREADS];
    int started = 0;
    int want = p->nthreads;
    if ((size_t)want > p->nrows) want = (int)p->nrows;
    for (int t = 1; t < want; t++) {
        args[t].p = p;
        args[t].idx = t;
        if (pthread_create(&tids[t], NULL, worker, &args[t]) != 0) break;
        started = t;
    }
    run_rows(p, 0);
    for (int t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
}

/* ---- the command ------------------------------------------------------------ */

enum { FMT_AUTO, FMT_CSV, FMT_JSONL };

typedef struct input {
    cli_reader *rd;
    int format;
    int kinds[512]; /* CSV: column kind; columns past 512 are ignored */
    size_t ncols;
    size_t rowno;
    em_buf line;
} input;

/* Reads up to max rows into rows[]; returns how many, or -1 on a read error. */
static long read_chunk(input *in, row *rows, size_t max) {
    size_t n = 0;
    while (n < max) {
        row *r = &rows[n];
        if (in->format == FMT_JSONL) {
            int rc = cli_reader_line(in->rd, &in->line);
            if (rc < 0) return -1;
            if (rc == 0) break;
            r->no = ++in->rowno;
            if (cli_reader_error(in->rd))
                r->error = em_xstrdup(cli_reader_error(in->rd));
            else
                r->raw = em_xstrdup(em_buf_cstr(&in->line));
        } else {
            int rc = cli_reader_record(in->rd);
            if (rc < 0) return -1;
            if (rc == 0) break;
            r->no = ++in->rowno;
            if (cli_reader_error(in->rd)) {
                r->error = em_xstrdup(cli_reader_error(in->rd));
            } else {
                size_t nf = cli_reader_nfields(in->rd);
                for (size_t i = 0; i < nf && i < in->ncols; i++)
                    row_set(r, in->kinds[i], cli_reader_field(in->rd, i));
            }
        }
        n++;
    }
    return (long)n;
}

static int default_threads(void) {
    int n = em_cpu_count();
    return n > MAX_THREADS ? MAX_THREADS : n;
}

int cmd_screen(cli_ctx *c, int argc, char **argv) {
    const char *in_path = NULL, *out_path = NULL;
    long long threads = 0, limit = 0;
    double threshold = 0;
    int format = FMT_AUTO, quiet = 0;
    screen_opts opts = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--input")))
            in_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--output")))
            out_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--threads"))) {
            if (cli_parse_int64(v, &threads) || threads < 1 || threads > MAX_THREADS)
                return cli_usage("screen: --threads must be between 1 and %d", MAX_THREADS);
        } else if ((v = cli_opt(argc, argv, &i, "--limit"))) {
            if (cli_parse_int64(v, &limit) || limit < 1 || limit > 10000)
                return cli_usage("screen: --limit must be between 1 and 10000");
        } else if ((v = cli_opt(argc, argv, &i, "--threshold"))) {
            if (cli_parse_threshold(v, &threshold))
                return cli_usage("screen: --threshold must be a number in (0, 1]");
        } else if ((v = cli_opt(argc, argv, &i, "--format"))) {
            if (!strcmp(v, "csv"))
                format = FMT_CSV;
            else if (!strcmp(v, "jsonl") || !strcmp(v, "json"))
                format = FMT_JSONL;
            else
                return cli_usage("screen: --format must be csv or jsonl");
        } else if ((v = cli_opt(argc, argv, &i, "--schema")))
            opts.schema = v;
        else if (cli_flag(argv, i, "--all"))
            opts.all = 1;
        else if (cli_flag(argv, i, "--quiet") || cli_flag(argv, i, "-q"))
            quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("screen: unknown option %s", argv[i]);
        else if (!in_path)
            in_path = argv[i];
        else
            return cli_usage("screen: unexpected argument '%s'", argv[i]);
    }
    opts.threshold = threshold;
    opts.limit = (size_t)limit;

    FILE *fout = stdout, *fin = cli_open_input(in_path);
    if (!fin) return EXIT_ERR;
    int rc = EXIT_ERR;
    em_store *st = NULL;
    em_matcher *m = NULL;
    em_searcher *searchers[MAX_THREADS] = {0};
    int nthreads = threads ? (int)threads : default_threads();
    row *rows = NULL;
    input in = {0};
    em_buf_init(&in.line);
    in.rd = cli_reader_new(fin, MAX_RECORD);
    progress pg = {0};
    size_t total = 0, matched = 0, errors = 0;
    em_error err = {0};
    em_buf lists;
    em_buf_init(&lists);

    int first = cli_reader_first_char(in.rd);
    in.format = format != FMT_AUTO ? format : first == '{' ? FMT_JSONL : FMT_CSV;
    if (in.format == FMT_CSV && first != EOF) {
        cli_reader_detect_delim(in.rd);
        int r = cli_reader_record(in.rd);
        if (r < 0) goto read_error;
        int has_name = 0, has_ident = 0;
        in.ncols = r ? cli_reader_nfields(in.rd) : 0;
        if (in.ncols > sizeof in.kinds / sizeof in.kinds[0])
            in.ncols = sizeof in.kinds / sizeof in.kinds[0];
        for (size_t i = 0; i < in.ncols; i++) {
            in.kinds[i] = key_kind(cli_reader_field(in.rd, i));
            has_name |= in.kinds[i] == F_NAME;
            has_ident |= in.kinds[i] == F_IDENT;
        }
        if (!has_name && !has_ident) {
            fprintf(stderr,
                    "embargo: error: the CSV header has no 'name' column (nor any identifier "
                    "column); the first line must name the columns, e.g. name,schema,birth_date\n");
            goto done;
        }
    }

    if (out_path && strcmp(out_path, "-") != 0) {
        fout = fopen(out_path, "w");
        if (!fout) {
            fprintf(stderr, "embargo: error: cannot write %s: %s\n", out_path, strerror(errno));
            goto done;
        }
    }
    if (cli_open(c, &st) != EXIT_OK) goto done;
    if (em_matcher_open(&m, st, &err) != 0) {
        cli_error(&err);
        goto done;
    }
    cli_lists_json(&lists, m);
    opts.lists = em_buf_cstr(&lists);
    for (int t = 0; t < nthreads; t++) {
        searchers[t] = em_searcher_new(m, &err);
        if (!searchers[t]) {
            cli_error(&err);
            goto done;
        }
    }

    pg.on = !quiet && isatty(STDERR_FILENO);
    pg.start = pg.last = now_s();
    pg.rd = in.rd;
    struct stat sb;
    if (fstat(fileno(fin), &sb) == 0 && S_ISREG(sb.st_mode)) pg.total_bytes = (uint64_t)sb.st_size;

    rows = em_xcalloc(CHUNK_ROWS, sizeof *rows);
    pool p = {.searchers = searchers, .nthreads = nthreads, .rows = rows, .opts = &opts, .pg = &pg};
    for (;;) {
        long n = first == EOF ? 0 : read_chunk(&in, rows, CHUNK_ROWS);
        if (n < 0) goto read_error;
        if (n == 0) break;
        p.nrows = (size_t)n;
        pg.rows_before = total;
        screen_chunk(&p);
        for (long i = 0; i < n; i++) {
            fputs(rows[i].out, fout);
            if (rows[i].error)
                errors++;
            else if (rows[i].matched)
                matched++;
            row_clear(&rows[i]);
        }
        total += (size_t)n;
        if (ferror(fout)) break;
        if ((size_t)n < CHUNK_ROWS) break;
    }
    if (fflush(fout) != 0 || ferror(fout)) {
        fprintf(stderr, "embargo: error: writing the results failed: %s\n", strerror(errno));
        goto done;
    }
    if (pg.on) fputs("\r\033[K", stderr);
    if (!quiet) {
        double el = now_s() - pg.start;
        fprintf(stderr, "screened %zu rows: %zu matched, %zu errors, %.1f s, %.0f rows/s\n", total,
                matched, errors, el, el > 0 ? (double)total / el : 0.0);
        cli_lists_text(stderr, m);
    }
    rc = EXIT_OK;
    goto done;

read_error:
    fprintf(stderr, "embargo: error: reading %s failed: %s\n", in_path ? in_path : "stdin",
            strerror(errno));
done:
    if (rows) {
        for (size_t i = 0; i < CHUNK_ROWS; i++)
            row_clear(&rows[i]);
        free(rows);
    }
    for (int t = 0; t < nthreads; t++)
        if (searchers[t]) em_searcher_free(searchers[t]);
    if (m) em_matcher_close(m);
    if (st) em_store_close(st);
    em_buf_free(&lists);
    cli_reader_free(in.rd);
    em_buf_free(&in.line);
    if (fin != stdin) fclose(fin);
    if (fout && fout != stdout && fclose(fout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "embargo: error: writing %s failed\n", out_path);
        rc = EXIT_ERR;
    }
    return rc;
}
