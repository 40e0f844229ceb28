/*
 * uk_fcdo.c - the FCDO UK Sanctions List, summary layout, as CSV or as ODS.
 *
 * Columns (found by name): Unique ID, OFSI Group ID, Name, Regime Name, Type
 * (Individual / Entity / Ship), Designation source, Date Designated
 * (dd-mm-yyyy), Sanctions Imposed. One row per designation: entity
 * "ukfcdo-<Unique ID>", its OFSI Group ID kept as prop "ofsi_group_id" so it
 * can be linked to the OFSI list. The summary carries no publication date.
 *
 * The ODS (a zip, read with libzip) is streamed from its content.xml through
 * expat: table:table-row / table:table-cell / text:p of the first sheet,
 * honouring table:number-columns-repeated and table:number-rows-repeated
 * (empty repeated rows and cells, e.g. the million blank rows a spreadsheet
 * writes at the end, cost nothing). Paragraphs of one cell join with "\n";
 * whitespace collapses as ODF says.
 *
 * The full FCDO export layouts (one row per name with Name 1..6, and the XML
 * <Designations> export) are not read here: the header check names what is
 * missing.
 */
#include <ctype.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "sources/source.h"
#include "sources/table_csv.h"

enum { F_UID, F_GID, F_NAME, F_REGIME, F_TYPE, F_SOURCE, F_DATE, F_SANCTIONS, F_COUNT };

#define L(...)                                                                                     \
    (const char *const[]) {                                                                        \
        __VA_ARGS__, NULL                                                                          \
    }
static const char *const *const col_names[F_COUNT] = {
    L("Unique ID"),
    L("OFSI Group ID"),
    L("Name"),
    L("Regime Name", "Regime"),
    L("Type", "Designation Type"),
    L("Designation source", "Designation Source"),
    L("Date Designated"),
    L("Sanctions Imposed"),
};
#undef L

#define MAX_COLS 256

typedef struct fcdo {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_error *err;
    char *name; /* file name for messages ("x.ods content.xml" for the ODS) */
    int have_header;
    int col[F_COUNT];
    size_t ncols;
    long rows;
    em_hmap ids; /* the Unique IDs seen (a set: no values) */
} fcdo;

/* ---- the set of Unique IDs ------------------------------------------------ */

/* 1 when added, 0 when already there */
static int ids_add(fcdo *x, const char *id) {
    int added;
    em_hmap_inserts(&x->ids, id, &added);
    return added;
}

static void fcdo_free(fcdo *x) {
    em_hmap_free(&x->ids, NULL);
    free(x->name);
}

/* ---- rows (shared by CSV and ODS) ------------------------------------------ */

static const char *schema_of(const char *t) {
    if (em_strcaseeq(t, "Individual")) return EM_SCHEMA_PERSON;
    if (em_strcaseeq(t, "Entity")) return EM_SCHEMA_ORGANIZATION;
    if (em_strcaseeq(t, "Ship")) return EM_SCHEMA_VESSEL;
    return NULL;
}

static int header(fcdo *x, const em_strvec *f, long line) {
    for (int k = 0; k < F_COUNT; k++)
        x->col[k] = em_tcsv_col(f, col_names[k]);
    static const int required[] = {F_UID, F_NAME, F_TYPE};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (x->col[required[i]] < 0)
            return em_fail(x->err, EM_ERR_FORMAT,
                           "%s line %ld: not the FCDO UK Sanctions List summary header (no '%s' "
                           "column)",
                           x->name, line, col_names[required[i]][0]);
    x->ncols = f->len;
    x->have_header = 1;
    return 0;
}

static const char *val(const fcdo *x, const em_strvec *f, int k) {
    return x->col[k] >= 0 && (size_t)x->col[k] < f->len ? f->items[x->col[k]] : "";
}

static int row(fcdo *x, const em_strvec *f, long line) {
    const char *uid = val(x, f, F_UID);
    if (!*uid) return em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: empty Unique ID", x->name, line);
    const char *type = val(x, f, F_TYPE);
    const char *schema = schema_of(type);
    if (!schema)
        return em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: unknown Type '%s' for %s", x->name,
                       line, type, uid);
    if (!ids_add(x, uid))
        return em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: duplicate Unique ID %s", x->name, line,
                       uid);
    em_entity *e = em_entity_new(x->source, "ukfcdo", uid, schema);
    char *name = em_collapse_spaces(val(x, f, F_NAME));
    em_entity_add_name(e, name, EM_NAME_PRIMARY, NULL, NULL);
    free(name);
    em_entity_add_prop(e, "ofsi_group_id", val(x, f, F_GID));
    em_entity_add_program(e, val(x, f, F_REGIME));
    em_entity_add_prop(e, "designation_source", val(x, f, F_SOURCE));
    em_entity_add_prop(e, "sanctions_imposed", val(x, f, F_SANCTIONS));
    char iso[11];
    if (em_tcsv_date(val(x, f, F_DATE), iso) == 0) em_entity_set(&e->listed_on, iso);
    em_entity_finish(e);
    x->rows++;
    return x->sink(x->sink_ctx, e, x->err);
}

static void init(fcdo *x, const char *source, em_sink_fn sink, void *ctx, em_error *err) {
    memset(x, 0, sizeof *x);
    x->source = source ? source : "uk_fcdo";
    x->sink = sink;
    x->sink_ctx = ctx;
    x->err = err;
}

/* ---- CSV ------------------------------------------------------------------- */

int em_parse_uk_fcdo_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err) {
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "uk-fcdo-csv");
    fcdo x;
    init(&x, source, sink, ctx, err);
    em_tcsv c;
    if (em_tcsv_open(&c, path, ',', err) < 0) return -1;
    x.name = em_xstrdup(c.name);
    int rc = 0;
    for (;;) {
        int got = em_tcsv_next(&c, err);
        if (got < 0) rc = -1;
        if (got <= 0) break;
        if (em_tcsv_blank(&c)) continue;
        if (!x.have_header) {
            rc = header(&x, &c.fields, c.rec_line);
        } else if (c.fields.len != x.ncols) {
            rc = em_fail(err, EM_ERR_FORMAT, "%s line %ld: expected %zu columns, found %zu", x.name,
                         c.rec_line, x.ncols, c.fields.len);
        } else {
            rc = row(&x, &c.fields, c.rec_line);
        }
        if (rc) break;
    }
    if (rc == 0 && x.rows == 0)
        rc = em_fail(err, EM_ERR_FORMAT, "%s line %ld: no records%s", x.name,
                     em_reader_line(c.r) + 1, x.have_header ? " after the header" : "");
    em_tcsv_close(&c);
    fcdo_free(&x);
    return rc;
}

/* ---- ODS ------------------------------------------------------------------- */

typedef struct ods {
    fcdo *x;
    XML_Parser p;
    int failed;
    int depth;
    int tables;      /* tables seen; only the first is read */
    int table_depth; /* depth of the first <table:table>, 0 outside */
    int in_row, in_cell, in_p;
    long row_repeat, cell_repeat;
    long row_line;
    size_t col;
    em_strvec cells; /* the current row, MAX_COLS at most */
    em_buf text;
    char *date_value;
} ods;

static const char *lname(const char *n) {
    const char *s = strrchr(n, '\x1f');
    return s ? s + 1 : n;
}

static const char *xattr(const char **a, const char *name) {
    for (size_t i = 0; a[i]; i += 2)
        if (strcmp(lname(a[i]), name) == 0) return a[i + 1];
    return NULL;
}

static long repeat_attr(const char **a, const char *name) {
    const char *v = xattr(a, name);
    long n = v ? atol(v) : 1;
    return n < 1 ? 1 : n;
}

static void ods_fail(ods *o) {
    o->failed = 1;
    XML_StopParser(o->p, XML_FALSE);
}

static void XMLCALL ods_start(void *ud, const XML_Char *name, const XML_Char **a) {
    ods *o = ud;
    if (o->failed) return;
    o->depth++;
    const char *n = lname(name);
    if (!strcmp(n, "table")) {
        if (o->tables++ == 0) o->table_depth = o->depth;
        return;
    }
    if (!o->table_depth) return;
    if (!strcmp(n, "table-row")) {
        o->in_row = 1;
        o->row_repeat = repeat_attr(a, "number-rows-repeated");
        o->row_line = (long)XML_GetCurrentLineNumber(o->p);
        em_tcsv_clear(&o->cells);
        o->col = 0;
    } else if (o->in_row && (!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell"))) {
        o->in_cell = 1;
        o->cell_repeat = repeat_attr(a, "number-columns-repeated");
        em_buf_reset(&o->text);
        free(o->date_value);
        const char *dv = xattr(a, "date-value");
        o->date_value = dv ? em_xstrndup(dv, 10) : NULL;
    } else if (o->in_cell && !strcmp(n, "p")) {
        if (o->in_p == 0 && o->text.len) em_buf_addc(&o->text, '\n');
        o->in_p++;
    } else if (o->in_p && !strcmp(n, "s")) {
        long c = repeat_attr(a, "c");
        for (long i = 0; i < c && i < 64; i++)
            em_buf_addc(&o->text, ' ');
    } else if (o->in_p && !strcmp(n, "tab")) {
        em_buf_addc(&o->text, '\t');
    } else if (o->in_p && !strcmp(n, "line-break")) {
        em_buf_addc(&o->text, '\n');
    }
}

/* ODF collapses runs of white space in text:p; keeps the "\n" between paragraphs. */
static char *cell_value(ods *o) {
    if (o->date_value) return em_xstrdup(o->date_value);
    const char *s = em_buf_cstr(&o->text);
    em_buf b;
    em_buf_init(&b);
    int space = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\n' && b.len) {
            em_buf_addc(&b, '\n');
            space = 0;
        } else if (isspace((unsigned char)*p)) {
            space = 1;
        } else {
            if (space && b.len && b.data[b.len - 1] != '\n') em_buf_addc(&b, ' ');
            space = 0;
            em_buf_addc(&b, *p);
        }
    }
    char *v = em_buf_detach(&b);
    if (!v) v = em_xstrdup("");
    em_strtrim(v);
    return v;
}

static int row_blank(const em_strvec *v) {
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i][0]) return 0;
    return 1;
}

static void XMLCALL ods_end(void *ud, const XML_Char *name) {
    ods *o = ud;
    if (o->failed) return;
    const char *n = lname(name);
    int depth = o->depth--;
    if (!o->table_depth) return;
    if (depth == o->table_depth && !strcmp(n, "table")) {
        o->table_depth = 0;
        return;
    }
    fcdo *x = o->x;
    if (o->in_cell && !strcmp(n, "p")) {
        o->in_p--;
    } else if (o->in_cell && (!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell"))) {
        o->in_cell = 0;
        char *v = cell_value(o);
        if (*v) {
            if (o->col + (size_t)o->cell_repeat > MAX_COLS) {
                em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: more than %d columns", x->name,
                        o->row_line, MAX_COLS);
                free(v);
                ods_fail(o);
                return;
            }
            while (o->cells.len < o->col)
                em_strvec_push(&o->cells, "");
            for (long i = 0; i < o->cell_repeat; i++)
                em_strvec_push(&o->cells, v);
        }
        free(v);
        o->col += (size_t)o->cell_repeat;
    } else if (o->in_row && !strcmp(n, "table-row")) {
        o->in_row = 0;
        if (row_blank(&o->cells)) return;
        int rc = 0;
        for (long r = 0; r < o->row_repeat && rc == 0; r++) {
            if (!x->have_header) {
                rc = header(x, &o->cells, o->row_line);
            } else {
                if (o->cells.len > x->ncols) {
                    rc = em_fail(x->err, EM_ERR_FORMAT,
                                 "%s line %ld: a cell beyond the %zu header columns", x->name,
                                 o->row_line, x->ncols);
                    break;
                }
                while (o->cells.len < x->ncols)
                    em_strvec_push(&o->cells, "");
                rc = row(x, &o->cells, o->row_line);
            }
        }
        if (rc) ods_fail(o);
    }
}

static void XMLCALL ods_text(void *ud, const XML_Char *s, int len) {
    ods *o = ud;
    if (!o->failed && o->in_p) em_buf_add(&o->text, s, (size_t)len);
}

int em_parse_uk_fcdo_ods(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err) {
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "uk-fcdo-ods");
    fcdo x;
    init(&x, source, sink, ctx, err);
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        em_fail(err, EM_ERR_FORMAT, "%s: not a readable ODS file (zip): %s", path,
                zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    zip_file_t *zf = zip_fopen(z, "content.xml", 0);
    if (!zf) {
        em_fail(err, EM_ERR_FORMAT, "%s: ODS file without content.xml: %s", path, zip_strerror(z));
        zip_discard(z);
        return -1;
    }
    x.name = em_xasprintf("%s content.xml", path);
    ods o;
    memset(&o, 0, sizeof o);
    o.x = &x;
    em_strvec_init(&o.cells);
    em_buf_init(&o.text);
    o.p = XML_ParserCreateNS(NULL, '\x1f');
    XML_SetUserData(o.p, &o);
    XML_SetElementHandler(o.p, ods_start, ods_end);
    XML_SetCharacterDataHandler(o.p, ods_text);
    int rc = 0;
    char buf[65536];
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            rc = em_fail(err, EM_ERR_FORMAT, "%s: reading the zip entry failed: %s", x.name,
                         zip_file_strerror(zf));
            break;
        }
        if (XML_Parse(o.p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (!o.failed)
                em_fail(err, EM_ERR_FORMAT, "%s line %lu column %lu: malformed XML: %s", x.name,
                        (unsigned long)XML_GetCurrentLineNumber(o.p),
                        (unsigned long)XML_GetCurrentColumnNumber(o.p),
                        XML_ErrorString(XML_GetErrorCode(o.p)));
            rc = -1;
            break;
        }
        if (o.failed) {
            rc = -1;
            break;
        }
        if (n == 0) break;
    }
    if (rc == 0 && x.rows == 0)
        rc = em_fail(err, EM_ERR_FORMAT, "%s line %lu: no records%s", x.name,
                     (unsigned long)XML_GetCurrentLineNumber(o.p),
                     x.have_header ? " after the header" : "");
    XML_ParserFree(o.p);
    em_strvec_free(&o.cells);
    em_buf_free(&o.text);
    free(o.date_value);
    zip_fclose(zf);
    zip_discard(z);
    fcdo_free(&x);
    return rc;
}
