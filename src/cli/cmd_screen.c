/*
 * cmd_screen.c - `embargo screen`: batch screening of a CSV (with a header
 * row) or JSON-lines file against the active lists, JSON lines out, one per
 * input row and in input order.
 *
 * The command only translates: each input row becomes an em_party (read on
 * this thread), em_engine_batch screens them on N threads and hands the
 * results back in input order, and each becomes one output line. Memory is
 * bounded by the batch window, whatever the input size.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"

#define WINDOW 4096 /* rows in flight */
#define MAX_RECORD (1u << 20)

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

/* The identifier type of an identifier column (em_party_add_identifier). */
static const char *ident_type(const char *key) {
    static const struct {
        const char *key, *type;
    } T[] = {{"passport", "passport"}, {"national", "national_id"},
             {"tax", "tax_id"},        {"registration", "registration"},
             {"imo", "imo"},           {"mmsi", "mmsi"},
             {"bic", "bic"},           {"swift", "bic"},
             {"crypto", "crypto"},     {"wallet", "crypto"},
             {"email", "email"},       {"website", "website"},
             {"phone", "phone"}};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        if (strncasecmp(key, T[i].key, strlen(T[i].key)) == 0) return T[i].type;
    return "other";
}

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

/* What an input row gives; becomes an em_party for the engine. */
typedef struct row {
    size_t no;     /* 1-based data row */
    char *id_json; /* the caller's id as JSON text */
    char *name, *schema, *gender;
    em_strvec dobs, countries, idents, ident_types;
    em_strvec warnings; /* facts that could not be used (the row is still screened) */
    char *error;        /* why the row could not be read */
} row;

static void row_clear(row *r) {
    free(r->id_json);
    free(r->name);
    free(r->schema);
    free(r->gender);
    em_strvec_free(&r->dobs);
    em_strvec_free(&r->countries);
    em_strvec_free(&r->idents);
    em_strvec_free(&r->ident_types);
    em_strvec_free(&r->warnings);
    free(r->error);
    memset(r, 0, sizeof *r);
}

/* Sets a field from an input value (trimmed; empty = absent). Identifier,
   date and country values may list several, separated by ';'. */
static void row_set(row *r, int kind, const char *key, const char *value) {
    char *v = em_strtrim(em_xstrdup(value));
    if (!v[0] || kind == F_IGNORE) {
        free(v);
        return;
    }
    char **slot = NULL;
    em_strvec *many = NULL;
    switch (kind) {
    case F_NAME:
        slot = &r->name;
        break;
    case F_SCHEMA:
        slot = &r->schema;
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
    case F_DOB:
        many = &r->dobs;
        break;
    case F_COUNTRY:
        many = &r->countries;
        break;
    case F_IDENT:
        many = &r->idents;
        break;
    }
    if (many) {
        char *save = NULL;
        for (char *t = strtok_r(v, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            em_strtrim(t);
            if (!t[0]) continue;
            em_strvec_push(many, t);
            if (kind == F_IDENT) em_strvec_push(&r->ident_types, ident_type(key));
        }
        free(v);
        return;
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

/* Parses a JSON line into the row. */
static void row_parse_json(row *r, const char *line) {
    json_error_t jerr;
    json_t *o = json_loads(line, 0, &jerr);
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
                if (t) row_set(r, kind, key, t);
                free(t);
                if (kind != F_IDENT && kind != F_COUNTRY && kind != F_DOB) break; /* first only */
            }
            continue;
        }
        char *t = json_scalar_text(v);
        if (t) row_set(r, kind, key, t);
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

/* ---- rows to parties, results to lines ------------------------------------ */

/* The party of a row; NULL with r->error set when a value is refused. */
static em_party *row_party(row *r, const char *default_schema) {
    em_party *p = em_party_new();
    em_error err = {0};
    int rc = em_party_set_schema(p, r->schema ? r->schema : default_schema, &err);
    if (rc == 0) rc = em_party_add_name(p, r->name, 0, &err);
    for (size_t i = 0; rc == 0 && i < r->dobs.len; i++)
        rc = em_party_add_birth_date(p, r->dobs.items[i], &err);
    /* a country the table does not know must not keep the row from being screened:
       it is screened without that qualifier, and the row says so */
    for (size_t i = 0; rc == 0 && i < r->countries.len; i++) {
        em_error cerr = {0};
        if (em_party_add_country(p, r->countries.items[i], &cerr) != 0)
            em_strvec_push(&r->warnings, cerr.message);
    }
    if (rc == 0) rc = em_party_set_gender(p, r->gender, &err);
    for (size_t i = 0; rc == 0 && i < r->idents.len; i++)
        rc = em_party_add_identifier(p, r->ident_types.items[i], r->idents.items[i], &err);
    if (rc == 0 && !em_party_name_count(p) && !em_party_identifier_count(p)) {
        rc = -1;
        snprintf(err.message, sizeof err.message, "no name and no identifier");
    }
    if (rc != 0) {
        r->error = em_xstrdup(err.message);
        em_party_free(p);
        return NULL;
    }
    return p;
}

/* the query as screened: the party's normalised facts */
static void put_query(em_buf *b, const em_party *p) {
    em_buf_adds(b, "{");
    int first = 1;
    if (em_party_name_count(p)) {
        put_key(b, "name", first);
        put_json_str(b, em_party_name(p, 0, NULL));
        first = 0;
    }
    if (em_party_schema(p)) {
        put_key(b, "schema", first);
        put_json_str(b, em_party_schema(p));
        first = 0;
    }
    if (em_party_birth_date_count(p)) {
        em_buf d;
        em_buf_init(&d);
        for (size_t i = 0; i < em_party_birth_date_count(p); i++)
            em_buf_printf(&d, "%s%s", i ? ";" : "", em_party_birth_date(p, i));
        put_key(b, "birth_date", first);
        put_json_str(b, em_buf_cstr(&d));
        em_buf_free(&d);
        first = 0;
    }
    if (em_party_country_count(p)) {
        put_key(b, "country", first);
        first = 0;
        em_buf_addc(b, '[');
        for (size_t i = 0; i < em_party_country_count(p); i++)
            em_buf_printf(b, "%s\"%s\"", i ? ", " : "", em_party_country(p, i));
        em_buf_addc(b, ']');
    }
    if (em_party_gender(p)) {
        put_key(b, "gender", first);
        put_json_str(b, em_party_gender(p));
        first = 0;
    }
    if (em_party_identifier_count(p)) {
        put_key(b, "identifiers", first);
        em_buf_addc(b, '[');
        for (size_t i = 0; i < em_party_identifier_count(p); i++) {
            if (i) em_buf_adds(b, ", ");
            put_json_str(b, em_party_identifier(p, i, NULL));
        }
        em_buf_addc(b, ']');
    }
    em_buf_adds(b, "}");
}

static void put_row_head(em_buf *b, const row *r) {
    em_buf_printf(b, "{\"row\": %zu", r->no);
    if (r->id_json) {
        em_buf_adds(b, ", \"id\": ");
        em_buf_adds(b, r->id_json);
    }
}

/* ---- progress ---------------------------------------------------------------- */

typedef struct progress {
    int on;
    double start, last;
    uint64_t total_bytes; /* 0 = unknown (not a regular file) */
    cli_reader *rd;
} progress;

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

/* ---- the command ------------------------------------------------------------ */

enum { FMT_AUTO, FMT_CSV, FMT_JSONL };

/* The batch's context: the input, the rows in flight (a FIFO in input order,
   as the engine delivers), the output and the counts. */
typedef struct run {
    cli_reader *rd;
    int format;
    int kinds[512]; /* CSV: column kind; columns past 512 are ignored */
    char *keys[512];
    size_t ncols;
    size_t rowno;
    em_buf line;
    int read_failed;
    const char *schema; /* default for rows without one */
    int all;
    row *fifo; /* WINDOW + 1 rows */
    size_t fhead, ftail;
    FILE *out;
    size_t total, matched, errors;
    progress pg;
    em_monitor *audit; /* each screened row is an audit entry */
    const em_screen_options *so;
    const char *user;
    em_error audit_err;
} run;

/* em_batch_options.next: reads one row, makes its party (an empty party for a
   row that cannot be read: the engine refuses it and deliver writes the row's
   own error) */
static int next_party(void *ctx, em_party **party, em_error *err) {
    (void)err;
    run *x = ctx;
    row *r = &x->fifo[x->ftail % (WINDOW + 1)];
    row_clear(r);
    int rc;
    if (x->format == FMT_JSONL) {
        rc = cli_reader_line(x->rd, &x->line);
        if (rc > 0 && !cli_reader_error(x->rd)) row_parse_json(r, em_buf_cstr(&x->line));
    } else {
        rc = cli_reader_record(x->rd);
        if (rc > 0 && !cli_reader_error(x->rd)) {
            size_t nf = cli_reader_nfields(x->rd);
            for (size_t i = 0; i < nf && i < x->ncols; i++)
                row_set(r, x->kinds[i], x->keys[i], cli_reader_field(x->rd, i));
        }
    }
    if (rc < 0) {
        x->read_failed = 1;
        return -1;
    }
    if (rc == 0) return 0;
    r->no = ++x->rowno;
    if (cli_reader_error(x->rd)) r->error = em_xstrdup(cli_reader_error(x->rd));
    *party = r->error ? NULL : row_party(r, x->schema);
    if (!*party) *party = em_party_new();
    x->ftail++;
    return 1;
}

/* em_batch_options.deliver: one output line per row, in input order */
static int deliver(void *ctx, size_t index, const em_party *p, const em_results *res,
                   const em_error *err) {
    (void)index;
    run *x = ctx;
    row *r = &x->fifo[x->fhead++ % (WINDOW + 1)];
    em_buf b;
    em_buf_init(&b);
    put_row_head(&b, r);
    x->total++;
    if (r->error || !res) {
        em_buf_adds(&b, ", \"error\": ");
        put_json_str(&b, r->error ? r->error : err && err->message[0] ? err->message : "failed");
        em_buf_adds(&b, "}\n");
        x->errors++;
    } else {
        int matched = 0;
        size_t n = em_results_count(res);
        for (size_t i = 0; i < n; i++)
            matched |= em_results_get(res, i)->match;
        x->matched += matched;
        int64_t seq = 0;
        if (em_audit_screening(x->audit, "screen", x->user, p, x->so, res, &seq, &x->audit_err) !=
            0) {
            em_buf_free(&b);
            return -1; /* a screening that is not recorded is not delivered */
        }
        em_buf_adds(&b, ", \"query\": ");
        put_query(&b, p);
        em_buf_printf(&b, ", \"matched\": %s, \"results\": [", matched ? "true" : "false");
        for (size_t i = 0; i < n; i++) {
            if (i) em_buf_adds(&b, ", ");
            cli_result_json(&b, em_results_get(res, i));
        }
        em_buf_adds(&b, "]");
        if (r->warnings.len) {
            em_buf_adds(&b, ", \"warnings\": [");
            for (size_t i = 0; i < r->warnings.len; i++) {
                if (i) em_buf_adds(&b, ", ");
                put_json_str(&b, r->warnings.items[i]);
            }
            em_buf_addc(&b, ']');
        }
        em_buf_adds(&b, ", \"lists\": ");
        cli_lists_json(&b, res);
        em_buf_printf(&b, ", \"audit\": %lld}\n", (long long)seq);
    }
    fputs(em_buf_cstr(&b), x->out);
    em_buf_free(&b);
    row_clear(r);
    return ferror(x->out) ? -1 : 0;
}

static void on_progress(void *ctx, size_t done) {
    run *x = ctx;
    progress_show(&x->pg, done, 0);
}

int cmd_screen(cli_ctx *c, int argc, char **argv) {
    const char *in_path = NULL, *out_path = NULL;
    long long threads = 0, limit = 0;
    double threshold = 0;
    int format = FMT_AUTO, quiet = 0;
    run x = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--input")))
            in_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--output")))
            out_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--threads"))) {
            if (cli_parse_int64(v, &threads) || threads < 1 || threads > 256)
                return cli_usage("screen: --threads must be between 1 and 256");
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
            x.schema = v;
        else if (cli_flag(argv, i, "--all"))
            x.all = 1;
        else if (cli_flag(argv, i, "--quiet") || cli_flag(argv, i, "-q"))
            quiet = 1;
        else if ((v = cli_opt(argc, argv, &i, "--user")))
            x.user = v;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("screen: unknown option %s", argv[i]);
        else if (!in_path)
            in_path = argv[i];
        else
            return cli_usage("screen: unexpected argument '%s'", argv[i]);
    }
    if (x.schema) {
        em_party *probe = em_party_new();
        em_error perr = {0};
        int bad = em_party_set_schema(probe, x.schema, &perr);
        em_party_free(probe);
        if (bad) return cli_usage("screen: --schema: %s", perr.message);
    }

    FILE *fin = cli_open_input(in_path);
    if (!fin) return EXIT_ERR;
    int rc = EXIT_ERR;
    em_engine *eng = NULL;
    em_error err = {0};
    em_buf_init(&x.line);
    x.rd = cli_reader_new(fin, MAX_RECORD);
    x.out = stdout;
    x.fifo = em_xcalloc(WINDOW + 1, sizeof *x.fifo);

    int first = cli_reader_first_char(x.rd);
    x.format = format != FMT_AUTO ? format : first == '{' ? FMT_JSONL : FMT_CSV;
    if (x.format == FMT_CSV && first != EOF) {
        cli_reader_detect_delim(x.rd);
        int r = cli_reader_record(x.rd);
        if (r < 0) goto read_error;
        int has_name = 0, has_ident = 0;
        x.ncols = r ? cli_reader_nfields(x.rd) : 0;
        if (x.ncols > sizeof x.kinds / sizeof x.kinds[0])
            x.ncols = sizeof x.kinds / sizeof x.kinds[0];
        for (size_t i = 0; i < x.ncols; i++) {
            x.keys[i] = em_xstrdup(cli_reader_field(x.rd, i));
            x.kinds[i] = key_kind(x.keys[i]);
            has_name |= x.kinds[i] == F_NAME;
            has_ident |= x.kinds[i] == F_IDENT;
        }
        if (!has_name && !has_ident) {
            fprintf(stderr,
                    "embargo: error: the CSV header has no 'name' column (nor any identifier "
                    "column); the first line must name the columns, e.g. name,schema,birth_date\n");
            goto done;
        }
    }

    if (out_path && strcmp(out_path, "-") != 0) {
        x.out = fopen(out_path, "w");
        if (!x.out) {
            fprintf(stderr, "embargo: error: cannot write %s: %s\n", out_path, strerror(errno));
            goto done;
        }
    }
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, c->home, c->store_flags};
    if (em_engine_open(&eng, &eo, &err) != 0 || em_monitor_open(&x.audit, eng, NULL, &err) != 0) {
        cli_error(&err);
        goto done;
    }
    x.user = cli_user(x.user);

    x.pg.on = !quiet && isatty(STDERR_FILENO);
    x.pg.start = x.pg.last = now_s();
    x.pg.rd = x.rd;
    struct stat sb;
    if (fstat(fileno(fin), &sb) == 0 && S_ISREG(sb.st_mode))
        x.pg.total_bytes = (uint64_t)sb.st_size;

    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION, threshold, (size_t)limit, x.all, 0, NULL, 0};
    em_batch_options bo = {0};
    bo.version = EM_BATCH_OPTIONS_VERSION;
    bo.threads = (unsigned)threads;
    bo.window = WINDOW;
    bo.screen = &so;
    x.so = &so;
    bo.next = next_party;
    bo.deliver = deliver;
    bo.progress = on_progress;
    bo.ctx = &x;
    if (first != EOF && em_engine_batch(eng, &bo, &err) != 0) {
        if (x.read_failed) goto read_error;
        if (x.audit_err.message[0]) {
            cli_error(&x.audit_err);
            fputs("embargo: the screening stopped: a row could not be recorded in the audit\n",
                  stderr);
            goto done;
        }
        if (ferror(x.out)) {
            fprintf(stderr, "embargo: error: writing the results failed: %s\n", strerror(errno));
            goto done;
        }
        cli_error(&err);
        goto done;
    }
    if (fflush(x.out) != 0 || ferror(x.out)) {
        fprintf(stderr, "embargo: error: writing the results failed: %s\n", strerror(errno));
        goto done;
    }
    if (x.pg.on) fputs("\r\033[K", stderr);
    if (!quiet) {
        double el = now_s() - x.pg.start;
        fprintf(stderr, "screened %zu rows: %zu matched, %zu errors, %.1f s, %.0f rows/s\n",
                x.total, x.matched, x.errors, el, el > 0 ? (double)x.total / el : 0.0);
        em_list_info *lv = NULL;
        size_t nl = 0;
        em_engine_lists(eng, &lv, &nl, NULL);
        em_version_list *vl = cli_versions(c);
        cli_lists_line(stderr, lv, nl, vl);
        cli_warn_stale(stderr, vl);
        em_version_list_free(vl);
        em_list_info_free(lv, nl);
    }
    rc = EXIT_OK;
    goto done;

read_error:
    fprintf(stderr, "embargo: error: reading %s failed: %s\n", in_path ? in_path : "stdin",
            strerror(errno));
done:
    for (size_t i = 0; i <= WINDOW; i++)
        row_clear(&x.fifo[i]);
    free(x.fifo);
    for (size_t i = 0; i < x.ncols; i++)
        free(x.keys[i]);
    em_monitor_close(x.audit);
    em_engine_close(eng);
    cli_reader_free(x.rd);
    em_buf_free(&x.line);
    if (fin != stdin) fclose(fin);
    if (x.out && x.out != stdout && fclose(x.out) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "embargo: error: writing %s failed\n", out_path);
        rc = EXIT_ERR;
    }
    return rc;
}
