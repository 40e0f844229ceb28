/*
 * ofac_csv.c - OFAC legacy CSV parser (sdn.csv + add.csv + alt.csv +
 * sdn_comments.csv, and the cons_*.csv consolidated equivalents).
 *
 * The format: no header row, CRLF line ends (the comments file sometimes LF),
 * "-0- " for an empty value, "" escaping in quoted fields, Windows-1252 text,
 * and a 0x1A (SUB) byte at the very end. The add/alt/comments files are read
 * first into tables keyed by ent_num; the main file is then streamed record
 * by record, each entity handed to the sink as soon as it is complete.
 *
 * The end-of-file marker is required in the main, add and alt files: a file
 * cut at a line boundary parses cleanly otherwise, and would silently lose
 * entities. Records are read with table_csv (its "-0-" null and 0x1A end
 * marker options; no byte order mark is skipped).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "sources/ofac_remarks.h"
#include "sources/reader.h"
#include "sources/source.h"
#include "sources/table_csv.h"

#define EOF_MARKER '\x1a'

/* ---- CSV records ---------------------------------------------------------- */

typedef em_tcsv csv; /* fields are UTF-8, trimmed, "-0-" -> "" */

static int csv_open(csv *c, const char *path, em_error *err) {
    if (em_tcsv_open(c, path, ',', err) < 0) return -1;
    c->null_text = "-0-";
    c->end_marker = EOF_MARKER;
    c->keep_bom = 1;
    return 0;
}

/* "12111" -> 12111; 0 when not a positive integer. */
static long parse_ent_num(const char *s) {
    if (!*s) return 0;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p)) return 0;
        if (v > 100000000L) return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static int check_row(csv *c, size_t want, long *ent, em_error *err) {
    if (c->fields.len != want)
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: expected %zu columns, found %zu", c->name,
                       c->rec_line, want, c->fields.len);
    *ent = parse_ent_num(c->fields.items[0]);
    if (*ent <= 0)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s line %ld: ent_num must be a positive integer, found '%s'", c->name,
                       c->rec_line, c->fields.items[0]);
    return 0;
}

static int missing_marker(csv *c, em_error *err) {
    return em_fail(err, EM_ERR_FORMAT,
                   "%s line %ld: file appears truncated (missing the end-of-file marker 0x1A)",
                   c->name, em_reader_line(c->r));
}

/* ---- side tables (add / alt / comments) keyed by ent_num ------------------ */

typedef struct side_row {
    long ent;
    size_t seq;
    char **f; /* owned fields */
    int used;
} side_row;

typedef struct side_table {
    EM_VEC(side_row) rows; /* sorted by ent_num (then file order) once loaded */
} side_table;

static void side_free(side_table *t) {
    for (size_t i = 0; i < t->rows.len; i++) {
        /* the number of fields is not kept: the array is NULL-terminated */
        for (char **p = t->rows.items[i].f; *p; p++)
            free(*p);
        free(t->rows.items[i].f);
    }
    em_vec_free(t->rows);
}

static int side_cmp(const void *a, const void *b) {
    const side_row *x = a, *y = b;
    if (x->ent != y->ent) return x->ent < y->ent ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int side_load(side_table *t, const char *path, size_t ncols, int need_marker,
                     em_error *err) {
    if (!path) return 0;
    csv c;
    if (csv_open(&c, path, err) < 0) return -1;
    int rc;
    while ((rc = em_tcsv_next(&c, err)) == 1) {
        long ent;
        if (check_row(&c, ncols, &ent, err) < 0) {
            rc = -1;
            break;
        }
        side_row *r = em_vec_add(t->rows);
        r->ent = ent;
        r->seq = t->rows.len - 1;
        r->f = em_xcalloc(ncols + 1, sizeof *r->f);
        for (size_t i = 0; i < ncols; i++) {
            r->f[i] = c.fields.items[i];
            c.fields.items[i] = NULL;
        }
        c.fields.len = 0;
    }
    if (rc == 0 && need_marker && !c.ended) rc = missing_marker(&c, err);
    em_tcsv_close(&c);
    if (rc < 0) return -1;
    if (t->rows.len) qsort(t->rows.items, t->rows.len, sizeof *t->rows.items, side_cmp);
    return 0;
}

/* The rows of `ent` (in file order): returns the first, sets *n. */
static side_row *side_find(side_table *t, long ent, size_t *n) {
    size_t lo = 0, hi = t->rows.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->rows.items[mid].ent < ent)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    while (k < t->rows.len && t->rows.items[k].ent == ent)
        k++;
    *n = k - lo;
    return *n ? &t->rows.items[lo] : NULL;
}

static size_t side_unused(const side_table *t) {
    size_t n = 0;
    for (size_t i = 0; i < t->rows.len; i++)
        n += !t->rows.items[i].used;
    return n;
}

/* ---- a set of ent_nums (duplicate detection) ------------------------------ */

/* Returns 1 when added, 0 when already present. */
static int ids_add(em_hmap *seen, long ent) {
    int added;
    em_hmap_insert(seen, &ent, sizeof ent, &added);
    return added;
}

/* ---- building entities ---------------------------------------------------- */

enum {
    M_ENT,
    M_NAME,
    M_TYPE,
    M_PROGRAM,
    M_TITLE,
    M_CALL_SIGN,
    M_VESS_TYPE,
    M_TONNAGE,
    M_GRT,
    M_VESS_FLAG,
    M_VESS_OWNER,
    M_REMARKS,
    M_NCOLS
};
enum { A_ENT, A_NUM, A_ADDRESS, A_CITY, A_COUNTRY, A_REMARKS, A_NCOLS };
enum { L_ENT, L_NUM, L_TYPE, L_NAME, L_REMARKS, L_NCOLS };
enum { C_ENT, C_REMARKS, C_NCOLS };

/* "KHATIB, Esmail" -> last "KHATIB", first "Esmail" (persons only). */
static void set_name_parts(em_name *n, const char *full) {
    if (!n) return;
    const char *comma = strstr(full, ", ");
    if (!comma || strstr(comma + 2, ", ")) return;
    char *last = em_xstrndup(full, (size_t)(comma - full));
    char *first = em_xstrdup(comma + 2);
    em_strtrim(last);
    em_strtrim(first);
    if (*last && *first) {
        em_entity_set(&n->last, last);
        em_entity_set(&n->first, first);
    }
    free(last);
    free(first);
}

/* "SDGT] [SYRIA] [IFSR" -> SDGT, SYRIA, IFSR */
static void add_programs(em_entity *e, const char *s) {
    char *copy = em_xstrdup(s);
    char *p = copy;
    for (;;) {
        char *sep = strstr(p, "] [");
        if (sep) *sep = '\0';
        char *t = em_strtrim(p);
        while (*t == '[')
            t++;
        size_t n = strlen(t);
        while (n > 0 && t[n - 1] == ']')
            t[--n] = '\0';
        em_strtrim(t);
        if (*t) em_entity_add_program(e, t);
        if (!sep) break;
        p = sep + 3;
    }
    free(copy);
}

static const char *schema_of(const char *type) {
    if (!*type) return EM_SCHEMA_ORGANIZATION;
    if (em_strcaseeq(type, "individual")) return EM_SCHEMA_PERSON;
    if (em_strcaseeq(type, "vessel")) return EM_SCHEMA_VESSEL;
    if (em_strcaseeq(type, "aircraft")) return EM_SCHEMA_AIRCRAFT;
    return NULL;
}

static const char *alias_kind(const char *t) {
    if (em_strcaseeq(t, "fka")) return EM_NAME_FKA;
    if (em_strcaseeq(t, "nka")) return EM_NAME_NKA;
    return EM_NAME_AKA;
}

typedef struct ctx {
    side_table add, alt, comments;
} ctx;

static em_entity *build_entity(ctx *x, csv *c, long ent, const char *source, em_error *err) {
    char **f = c->fields.items;
    const char *schema = schema_of(f[M_TYPE]);
    if (!schema) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: unknown SDN_Type '%s'", c->name, c->rec_line,
                f[M_TYPE]);
        return NULL;
    }
    if (!*f[M_NAME]) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: empty SDN_Name", c->name, c->rec_line);
        return NULL;
    }
    int person = strcmp(schema, EM_SCHEMA_PERSON) == 0;
    em_entity *e = em_entity_new(source, "ofac", f[M_ENT], schema);
    em_name *n = em_entity_add_name(e, f[M_NAME], EM_NAME_PRIMARY, NULL, NULL);
    if (person) set_name_parts(n, f[M_NAME]);
    add_programs(e, f[M_PROGRAM]);
    em_entity_add_prop(e, "title", f[M_TITLE]);
    em_entity_add_identifier(e, EM_ID_CALL_SIGN, f[M_CALL_SIGN], NULL, "Call Sign");
    em_entity_add_prop(e, "vessel_type", f[M_VESS_TYPE]);
    em_entity_add_prop(e, "tonnage", f[M_TONNAGE]);
    em_entity_add_prop(e, "gross_registered_tonnage", f[M_GRT]);
    em_entity_add_prop(e, "vessel_flag", f[M_VESS_FLAG]);
    em_entity_add_prop(e, "vessel_owner", f[M_VESS_OWNER]);

    size_t k;
    side_row *r = side_find(&x->alt, ent, &k);
    for (size_t i = 0; i < k; i++) {
        r[i].used = 1;
        em_name *a =
            em_entity_add_name(e, r[i].f[L_NAME], alias_kind(r[i].f[L_TYPE]), "strong", NULL);
        if (person) set_name_parts(a, r[i].f[L_NAME]);
    }
    r = side_find(&x->add, ent, &k);
    for (size_t i = 0; i < k; i++) {
        r[i].used = 1;
        em_entity_add_address(e, r[i].f[A_ADDRESS], r[i].f[A_CITY], NULL, NULL, r[i].f[A_COUNTRY]);
    }

    /* remarks: the main file's text, continued (mid-word) by the comments rows */
    em_buf rem;
    em_buf_init(&rem);
    em_buf_adds(&rem, f[M_REMARKS]);
    r = side_find(&x->comments, ent, &k);
    for (size_t i = 0; i < k; i++) {
        r[i].used = 1;
        em_buf_adds(&rem, r[i].f[C_REMARKS]);
    }
    if (rem.len) {
        em_entity_set(&e->remarks, em_buf_cstr(&rem));
        em_ofac_parse_remarks(e, e->remarks);
    }
    em_buf_free(&rem);
    em_entity_finish(e);
    return e;
}

int em_parse_ofac_csv(const em_ofac_csv_files *files, const char *source, em_sink_fn sink,
                      void *sink_ctx, em_parse_meta *meta, em_error *err) {
    if (!files || !files->main || !source || !sink)
        return em_fail(err, EM_ERR_USAGE, "em_parse_ofac_csv: missing main file, source or sink");
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "ofac-csv");
    ctx x;
    memset(&x, 0, sizeof x);
    em_hmap seen = {0}; /* ent_nums met, keyed by the bytes of the long */
    csv c;
    int rc = -1;
    int opened = 0;

    if (side_load(&x.add, files->add, A_NCOLS, 1, err) < 0) goto done;
    if (side_load(&x.alt, files->alt, L_NCOLS, 1, err) < 0) goto done;
    if (side_load(&x.comments, files->comments, C_NCOLS, 0, err) < 0) goto done;

    if (csv_open(&c, files->main, err) < 0) goto done;
    opened = 1;
    long records = 0;
    int got;
    while ((got = em_tcsv_next(&c, err)) == 1) {
        long ent;
        if (check_row(&c, M_NCOLS, &ent, err) < 0) goto done;
        if (!ids_add(&seen, ent)) {
            em_fail(err, EM_ERR_FORMAT, "%s line %ld: duplicate ent_num %ld", c.name, c.rec_line,
                    ent);
            goto done;
        }
        em_entity *e = build_entity(&x, &c, ent, source, err);
        if (!e) goto done;
        records++;
        if (sink(sink_ctx, e, err) < 0) goto done;
    }
    if (got < 0) goto done;
    if (records == 0) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: no records (empty file)", c.name,
                em_reader_line(c.r) + 1);
        goto done;
    }
    if (!c.ended) {
        missing_marker(&c, err);
        goto done;
    }
    /* add/alt/comments rows whose ent_num is not in the main file are ignored */
    size_t orphans = side_unused(&x.add) + side_unused(&x.alt) + side_unused(&x.comments);
    (void)orphans;
    rc = 0;

done:
    if (opened) em_tcsv_close(&c);
    side_free(&x.add);
    side_free(&x.alt);
    side_free(&x.comments);
    em_hmap_free(&seen, NULL);
    return rc;
}
