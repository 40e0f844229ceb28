/*
 * custom_csv.c - a firm's own lists (blocked customers, known bad actors) in
 * the documented CSV layout of docs/CUSTOM_LISTS.md:
 *
 *   id,schema,name,aliases,weak_aliases,birth_date,nationality,country,gender,
 *   address,identifiers,programs,listed_on,notes
 *
 * A header row is required; its first column is "id" and it must have a
 * "name" column; the other columns are optional and may come in any order.
 * Multi-valued cells separate values with '|'. Columns named "x_<key>" are
 * kept as the property <key>; any other unknown column is an error (it is
 * most likely a typo that would silently drop data).
 *
 * RFC 4180 quoting: quoted fields, "" for a quote, line breaks inside quotes;
 * text after a closing quote is an error. Text is UTF-8; a file in
 * Windows-1252 (older Excel) is converted. Records are read with table_csv.
 *
 * Ids are "<source>-<id>" ("internal_blocked-42"): the list's own name is the
 * prefix, so two internal lists can both have a row 42. Rows are streamed
 * one at a time; memory holds the current record and the set of ids seen.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "sources/reader.h"
#include "sources/source.h"
#include "sources/table_csv.h"

enum {
    C_ID,
    C_SCHEMA,
    C_NAME,
    C_ALIASES,
    C_WEAK_ALIASES,
    C_PREVIOUS_NAMES,
    C_BIRTH_DATE,
    C_BIRTH_PLACE,
    C_NATIONALITY,
    C_CITIZENSHIP,
    C_COUNTRY,
    C_GENDER,
    C_ADDRESS,
    C_IDENTIFIERS,
    C_PROGRAMS,
    C_LISTED_ON,
    C_NOTES,
    C_COUNT
};

static const char *const columns[C_COUNT] = {
    "id",         "schema",      "name",        "aliases",     "weak_aliases", "previous_names",
    "birth_date", "birth_place", "nationality", "citizenship", "country",      "gender",
    "address",    "identifiers", "programs",    "listed_on",   "notes",
};

/* ---- the set of ids seen (duplicate ids) ------------------------------------ */

/* Returns 0 when added, else the line where it was first seen. */
static long ids_add(em_hmap *seen, const char *v, long line) {
    int added;
    em_hmap_entry *e = em_hmap_inserts(seen, v, &added);
    if (!added) return (long)e->val.u64;
    e->val.u64 = (uint64_t)line;
    return 0;
}

/* ---- cells ------------------------------------------------------------------ */

/* Calls fn on each trimmed, non-empty '|'-separated value; stops on fn < 0. */
static int each_value(const char *cell, int (*fn)(void *, const char *), void *arg) {
    char *copy = em_xstrdup(cell);
    char *p = copy;
    int rc = 0;
    for (;;) {
        char *bar = strchr(p, '|');
        if (bar) *bar = '\0';
        char *v = em_strtrim(p);
        if (*v && (rc = fn(arg, v)) < 0) break;
        if (!bar) break;
        p = bar + 1;
    }
    free(copy);
    return rc;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" with a plausible month and day */
static int valid_date(const char *s) {
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10) return 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') return 0;
        } else if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    if (n >= 7) {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12) return 0;
    }
    if (n == 10) {
        int d = (s[8] - '0') * 10 + (s[9] - '0');
        if (d < 1 || d > 31) return 0;
    }
    return 1;
}

static const struct {
    const char *name, *type;
} id_types[] = {
    {"passport", EM_ID_PASSPORT},
    {"national_id", EM_ID_NATIONAL},
    {"tax_id", EM_ID_TAX},
    {"registration", EM_ID_REGISTRATION},
    {"imo", EM_ID_IMO},
    {"mmsi", EM_ID_MMSI},
    {"call_sign", EM_ID_CALL_SIGN},
    {"bic", EM_ID_BIC},
    {"crypto", EM_ID_CRYPTO},
    {"email", EM_ID_EMAIL},
    {"website", EM_ID_WEBSITE},
    {"phone", EM_ID_PHONE},
    {"other", EM_ID_OTHER},
};

typedef struct row_ctx {
    em_tcsv *c;
    em_entity *e;
    em_error *err;
    const char *column;
} row_ctx;

static int bad_value(row_ctx *x, const char *what, const char *v) {
    return em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: %s: %s '%s'", x->c->name, x->c->rec_line,
                   x->column, what, v);
}

static int add_alias(void *a, const char *v) {
    em_entity_add_name(((row_ctx *)a)->e, v, EM_NAME_AKA, "strong", NULL);
    return 0;
}
static int add_weak(void *a, const char *v) {
    em_entity_add_name(((row_ctx *)a)->e, v, EM_NAME_AKA, "weak", NULL);
    return 0;
}
static int add_fka(void *a, const char *v) {
    em_entity_add_name(((row_ctx *)a)->e, v, EM_NAME_FKA, "strong", NULL);
    return 0;
}
static int add_dob(void *a, const char *v) {
    row_ctx *x = a;
    if (!valid_date(v)) return bad_value(x, "bad date (use YYYY, YYYY-MM or YYYY-MM-DD)", v);
    em_entity_add_birth_date(x->e, v, v, v, 0);
    return 0;
}
static int add_pob(void *a, const char *v) {
    em_entity_add_birth_place(((row_ctx *)a)->e, v);
    return 0;
}
static int add_nat(void *a, const char *v) {
    em_entity_add_nationality(((row_ctx *)a)->e, v);
    return 0;
}
static int add_cit(void *a, const char *v) {
    em_entity_add_citizenship(((row_ctx *)a)->e, v);
    return 0;
}
static int add_country(void *a, const char *v) {
    em_entity_add_address(((row_ctx *)a)->e, NULL, NULL, NULL, NULL, v);
    return 0;
}
static int add_addr(void *a, const char *v) {
    em_entity_add_address(((row_ctx *)a)->e, v, NULL, NULL, NULL, NULL);
    return 0;
}
static int add_prog(void *a, const char *v) {
    em_entity_add_program(((row_ctx *)a)->e, v);
    return 0;
}

/* "passport:X123", "crypto:XBT:1A1z...", "email:a@b.c" */
static int add_ident(void *a, const char *v) {
    row_ctx *x = a;
    const char *colon = strchr(v, ':');
    if (!colon) return bad_value(x, "identifier without a type (write type:value)", v);
    char *type = em_xstrndup(v, (size_t)(colon - v));
    em_strtrim(type);
    for (char *p = type; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const char *t = NULL;
    for (size_t i = 0; i < sizeof id_types / sizeof *id_types; i++)
        if (strcmp(id_types[i].name, type) == 0) t = id_types[i].type;
    free(type);
    if (!t) return bad_value(x, "unknown identifier type", v);
    const char *value = colon + 1;
    char *currency = NULL;
    if (strcmp(t, EM_ID_CRYPTO) == 0) {
        const char *c2 = strchr(value, ':');
        if (c2) {
            currency = em_xstrndup(value, (size_t)(c2 - value));
            em_strtrim(currency);
            value = c2 + 1;
        }
    }
    char *val = em_xstrdup(value);
    em_strtrim(val);
    int rc = 0;
    if (!*val) {
        rc = bad_value(x, "identifier without a value", v);
    } else {
        em_identifier *d = em_entity_add_identifier(x->e, t, val, NULL, NULL);
        if (d && currency && *currency) d->currency = em_xstrdup(currency);
    }
    free(val);
    free(currency);
    return rc;
}

static const char *schema_of(const char *s) {
    if (!*s || em_strcaseeq(s, "LegalEntity") || em_strcaseeq(s, "Entity"))
        return EM_SCHEMA_LEGAL_ENTITY;
    if (em_strcaseeq(s, "Person") || em_strcaseeq(s, "Individual")) return EM_SCHEMA_PERSON;
    if (em_strcaseeq(s, "Organization") || em_strcaseeq(s, "Organisation") ||
        em_strcaseeq(s, "Company"))
        return EM_SCHEMA_ORGANIZATION;
    if (em_strcaseeq(s, "Vessel")) return EM_SCHEMA_VESSEL;
    if (em_strcaseeq(s, "Aircraft")) return EM_SCHEMA_AIRCRAFT;
    return NULL;
}

/* ---- the parser --------------------------------------------------------------- */

typedef struct header {
    int col[C_COUNT]; /* field index of each known column, -1 when absent */
    size_t ncols;
    char **extra; /* x_ columns: property key per field index, or NULL */
} header;

static int read_header(em_tcsv *c, header *h, em_error *err) {
    int rc = em_tcsv_next(c, err);
    if (rc < 0) return -1;
    if (rc == 0)
        return em_fail(err, EM_ERR_FORMAT, "%s line 1: empty file (expected a header row)",
                       c->name);
    for (int i = 0; i < C_COUNT; i++)
        h->col[i] = -1;
    h->ncols = c->fields.len;
    h->extra = em_xcalloc(h->ncols, sizeof *h->extra);
    for (size_t f = 0; f < c->fields.len; f++) {
        char *name = c->fields.items[f];
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        int known = -1;
        for (int i = 0; i < C_COUNT; i++)
            if (strcmp(name, columns[i]) == 0) known = i;
        if (known >= 0) {
            if (h->col[known] >= 0)
                return em_fail(err, EM_ERR_FORMAT, "%s line %ld: column '%s' appears twice",
                               c->name, c->rec_line, name);
            h->col[known] = (int)f;
        } else if (strncmp(name, "x_", 2) == 0 && name[2]) {
            h->extra[f] = em_xstrdup(name + 2);
        } else {
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: unknown column '%s' (known: id, schema, name, aliases, "
                           "weak_aliases, previous_names, birth_date, birth_place, nationality, "
                           "citizenship, country, gender, address, identifiers, programs, "
                           "listed_on, notes; prefix your own columns with x_)",
                           c->name, c->rec_line, name);
        }
    }
    if (h->col[C_ID] != 0)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s line %ld: the header must start with the column 'id' (is this a "
                       "custom list CSV? see docs/CUSTOM_LISTS.md)",
                       c->name, c->rec_line);
    if (h->col[C_NAME] < 0)
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: missing required column 'name'", c->name,
                       c->rec_line);
    return 0;
}

static em_entity *build_row(em_tcsv *c, header *h, const char *source, em_error *err) {
    char **f = c->fields.items;
    const char *cell[C_COUNT];
    for (int i = 0; i < C_COUNT; i++)
        cell[i] = h->col[i] >= 0 ? f[h->col[i]] : "";
    if (!*cell[C_ID]) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: empty id", c->name, c->rec_line);
        return NULL;
    }
    if (!*cell[C_NAME]) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: row %s has an empty name", c->name, c->rec_line,
                cell[C_ID]);
        return NULL;
    }
    const char *schema = schema_of(cell[C_SCHEMA]);
    if (!schema) {
        em_fail(err, EM_ERR_FORMAT,
                "%s line %ld: unknown schema '%s' (use Person, Organization, Vessel, Aircraft "
                "or LegalEntity)",
                c->name, c->rec_line, cell[C_SCHEMA]);
        return NULL;
    }
    em_entity *e = em_entity_new(source, source, cell[C_ID], schema);
    em_entity_add_name(e, cell[C_NAME], EM_NAME_PRIMARY, NULL, NULL);
    row_ctx x = {c, e, err, NULL};
    static const struct {
        int col;
        int (*fn)(void *, const char *);
    } multi[] = {
        {C_ALIASES, add_alias},     {C_WEAK_ALIASES, add_weak}, {C_PREVIOUS_NAMES, add_fka},
        {C_BIRTH_DATE, add_dob},    {C_BIRTH_PLACE, add_pob},   {C_NATIONALITY, add_nat},
        {C_CITIZENSHIP, add_cit},   {C_COUNTRY, add_country},   {C_ADDRESS, add_addr},
        {C_IDENTIFIERS, add_ident}, {C_PROGRAMS, add_prog},
    };
    for (size_t i = 0; i < sizeof multi / sizeof *multi; i++) {
        x.column = columns[multi[i].col];
        if (each_value(cell[multi[i].col], multi[i].fn, &x) < 0) goto bad;
    }
    const char *g = cell[C_GENDER];
    if (em_strcaseeq(g, "male") || em_strcaseeq(g, "m"))
        em_entity_set(&e->gender, "male");
    else if (em_strcaseeq(g, "female") || em_strcaseeq(g, "f"))
        em_entity_set(&e->gender, "female");
    else if (*g) {
        x.column = "gender";
        bad_value(&x, "use male, female or leave empty, not", g);
        goto bad;
    }
    if (*cell[C_LISTED_ON]) {
        if (!valid_date(cell[C_LISTED_ON])) {
            x.column = "listed_on";
            bad_value(&x, "bad date (use YYYY, YYYY-MM or YYYY-MM-DD)", cell[C_LISTED_ON]);
            goto bad;
        }
        em_entity_set(&e->listed_on, cell[C_LISTED_ON]);
    }
    em_entity_set(&e->remarks, cell[C_NOTES]);
    for (size_t i = 0; i < h->ncols; i++)
        if (h->extra[i]) em_entity_add_prop(e, h->extra[i], f[i]);
    em_entity_finish(e);
    return e;
bad:
    em_entity_free(e);
    return NULL;
}

int em_parse_custom_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                        em_parse_meta *meta, em_error *err) {
    if (!path || !source || !sink)
        return em_fail(err, EM_ERR_USAGE, "em_parse_custom_csv: missing path, source or sink");
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "custom-csv");
    em_tcsv c;
    if (em_tcsv_open(&c, path, ',', err) < 0) return -1;
    free(c.name); /* messages name the file as given */
    c.name = em_xstrdup(path);
    c.strict_quotes = 1;
    header h;
    memset(&h, 0, sizeof h);
    em_hmap seen = {0}; /* id -> line */
    int rc = -1, got;
    long rows = 0;
    if (read_header(&c, &h, err) < 0) goto done;
    while ((got = em_tcsv_next(&c, err)) == 1) {
        if (c.fields.len != h.ncols) {
            em_fail(err, EM_ERR_FORMAT,
                    "%s line %ld: expected %zu columns as in the header, found %zu", path,
                    c.rec_line, h.ncols, c.fields.len);
            goto done;
        }
        const char *id = c.fields.items[0];
        long first = *id ? ids_add(&seen, id, c.rec_line) : 0;
        if (first) {
            em_fail(err, EM_ERR_FORMAT, "%s line %ld: duplicate id '%s' (first at line %ld)", path,
                    c.rec_line, id, first);
            goto done;
        }
        em_entity *e = build_row(&c, &h, source, err);
        if (!e) goto done;
        rows++;
        if (sink(ctx, e, err) < 0) goto done;
    }
    if (got < 0) goto done;
    if (rows == 0) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: no rows after the header", path,
                em_reader_line(c.r) + 1);
        goto done;
    }
    rc = 0;
done:
    em_tcsv_close(&c);
    for (size_t i = 0; i < h.ncols; i++)
        free(h.extra ? h.extra[i] : NULL);
    free(h.extra);
    em_hmap_free(&seen, NULL);
    return rc;
}
