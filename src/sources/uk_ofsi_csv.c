/*
 * uk_ofsi_csv.c - the UK OFSI consolidated list of financial sanctions
 * targets, CSV layout (ConList.csv).
 *
 * A "Last Updated,dd/mm/yyyy" line, then the header "Name 6,Name 1,...,Group
 * ID" (columns are found by name, so the later layouts with more columns
 * read too), then one row per name of a target: rows with the same Group ID
 * are one entity. Name 6 is the surname (or the whole name of an entity or
 * ship), Name 1..5 the other names; Alias Type says which row is the primary
 * name. The rows of a group need not be contiguous, so groups are collected
 * in memory (bounded by the file) and emitted in order of first appearance,
 * after the whole file has been read: a malformed file emits nothing.
 *
 * Text is UTF-8 or Windows-1252. Ids: "ofsi-<Group ID>".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "sources/source.h"
#include "sources/table_csv.h"

enum {
    K_N6,
    K_N1,
    K_N2,
    K_N3,
    K_N4,
    K_N5,
    K_TITLE,
    K_NONLATIN,
    K_DOB,
    K_TOWN,
    K_CBIRTH,
    K_NAT,
    K_PASSNUM,
    K_PASS,
    K_NINUM,
    K_NIDET,
    K_POS,
    K_A1,
    K_A2,
    K_A3,
    K_A4,
    K_A5,
    K_A6,
    K_POST,
    K_COUNTRY,
    K_OTHER,
    K_GTYPE,
    K_ATYPE,
    K_AQUAL,
    K_REGIME,
    K_LISTED,
    K_UKDATE,
    K_UPDATED,
    K_GID,
    K_COUNT
};

#define L(...)                                                                                     \
    (const char *const[]) {                                                                        \
        __VA_ARGS__, NULL                                                                          \
    }
static const char *const *const col_names[K_COUNT] = {
    L("Name 6"),
    L("Name 1"),
    L("Name 2"),
    L("Name 3"),
    L("Name 4"),
    L("Name 5"),
    L("Title"),
    L("Name Non-Latin Script"),
    L("DOB"),
    L("Town of Birth"),
    L("Country of Birth"),
    L("Nationality"),
    L("Passport Number"),
    L("Passport Details"),
    L("NI Number", "National Identification Number"),
    L("National Identification Details"),
    L("Position"),
    L("Address 1"),
    L("Address 2"),
    L("Address 3"),
    L("Address 4"),
    L("Address 5"),
    L("Address 6"),
    L("Post/Zip Code"),
    L("Country"),
    L("Other Information"),
    L("Group Type"),
    L("Alias Type"),
    L("Alias Quality"),
    L("Regime"),
    L("Listed On"),
    L("UK Sanctions List Date Designated"),
    L("Last Updated"),
    L("Group ID"),
};
#undef L

typedef struct ofsi_row {
    char **f; /* K_COUNT fields, "" when the column is absent */
    long line;
} ofsi_row;

typedef struct ofsi_group {
    long gid;
    long first_line;
    const char *schema;
    EM_VEC(ofsi_row) rows;
} ofsi_group;

typedef struct ofsi {
    em_tcsv c;
    int col[K_COUNT];
    size_t ncols;
    EM_VEC(ofsi_group) groups; /* in order of first appearance */
    em_hmap index;             /* gid (the bytes of the long) -> group index */
} ofsi;

/* ---- groups ---------------------------------------------------------------- */

static ofsi_group *group_get(ofsi *o, long gid, long line) {
    int added;
    em_hmap_entry *e = em_hmap_insert(&o->index, &gid, sizeof gid, &added);
    if (!added) return &o->groups.items[e->val.u64];
    e->val.u64 = o->groups.len;
    ofsi_group *g = em_vec_add(o->groups);
    g->gid = gid;
    g->first_line = line;
    return g;
}

static void ofsi_free(ofsi *o) {
    for (size_t i = 0; i < o->groups.len; i++) {
        ofsi_group *g = &o->groups.items[i];
        for (size_t r = 0; r < g->rows.len; r++) {
            for (int k = 0; k < K_COUNT; k++)
                free(g->rows.items[r].f[k]);
            free(g->rows.items[r].f);
        }
        em_vec_free(g->rows);
    }
    em_vec_free(o->groups);
    em_hmap_free(&o->index, NULL);
}

/* ---- helpers --------------------------------------------------------------- */

static long parse_gid(const char *s) {
    if (!*s) return 0;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > 100000000000L) return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static const char *schema_of(const char *t) {
    if (em_strcaseeq(t, "Individual")) return EM_SCHEMA_PERSON;
    if (em_strcaseeq(t, "Entity")) return EM_SCHEMA_ORGANIZATION;
    if (em_strcaseeq(t, "Ship")) return EM_SCHEMA_VESSEL;
    return NULL;
}

static const char *name_kind(const char *t) {
    if (em_strcaseeq(t, "Prime Alias") || em_strcaseeq(t, "Primary name") ||
        em_strcaseeq(t, "Primary Name"))
        return EM_NAME_PRIMARY;
    if (em_strcaseeq(t, "FKA") || em_starts_with_ci(t, "formerly")) return EM_NAME_FKA;
    return EM_NAME_AKA;
}

/* Length of a list marker "1)", "(12)", "a)" or "(b)" starting at s[i], or 0. */
static size_t marker_at(const char *s, size_t n, size_t i) {
    if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '.' && s[i - 1] != ',' && s[i - 1] != ';') return 0;
    size_t k = i;
    if (k < n && s[k] == '(') k++;
    size_t d = k;
    while (d < n && d - k < 2 && isdigit((unsigned char)s[d]))
        d++;
    if (d == k && d < n && s[d] >= 'a' && s[d] <= 'h') d++;
    return d > k && d < n && s[d] == ')' ? d + 1 - i : 0;
}

/* Splits "1) Saudi Arabia 2) Qatar" / "(1) A (2) B" / "a) A b) B" into items. */
static void split_numbered(const char *s, em_strvec *out) {
    size_t n = strlen(s), i = 0, start = 0;
    for (;;) {
        size_t m = i < n ? marker_at(s, n, i) : 0;
        if (m || i == n) {
            char *part = em_xstrndup(s + start, i - start);
            em_strtrim(part);
            size_t pl = strlen(part);
            while (pl && (part[pl - 1] == ',' || part[pl - 1] == ';'))
                part[--pl] = '\0';
            em_strtrim(part);
            if (*part)
                em_strvec_take(out, part);
            else
                free(part);
            if (i == n) break;
            i = start = i + m;
            continue;
        }
        i++;
    }
}

static int is_date_token(const char *t, size_t n) {
    return n == 10 && isdigit((unsigned char)t[0]) && (t[2] == '/' || t[2] == '.') &&
           (t[5] == '/' || t[5] == '.');
}

/* The first word of s that looks like a document number (a digit, 5+ characters), or NULL. */
static char *doc_number(const char *s) {
    const char *p = s;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *q = p;
        int dig = 0;
        while (*q && (isalnum((unsigned char)*q) || *q == '/' || *q == '-' || *q == '.')) {
            dig |= isdigit((unsigned char)*q) != 0;
            q++;
        }
        size_t n = (size_t)(q - p);
        while (n && (p[n - 1] == '.' || p[n - 1] == '-' || p[n - 1] == '/'))
            n--;
        if (dig && n >= 5 && !is_date_token(p, n)) return em_xstrndup(p, n);
        p = q;
    }
    return NULL;
}

/* Free text with one or more numbered documents -> identifiers (note = the text). */
static void add_documents(em_entity *e, const char *text, const char *type, const char *label) {
    if (!*text) return;
    em_strvec parts;
    em_strvec_init(&parts);
    split_numbered(text, &parts);
    for (size_t i = 0; i < parts.len; i++) {
        char *num = doc_number(parts.items[i]);
        if (!num) continue;
        em_identifier *d = em_entity_add_identifier(e, type, num, NULL, label);
        if (d && strcmp(parts.items[i], num) != 0) d->note = em_xstrdup(parts.items[i]);
        free(num);
    }
    em_strvec_free(&parts);
}

/* "UN Ref QDe.004. Emir..." / "UN REF:QE.A.146.14." -> "QDe.004" / "QE.A.146.14" */
static char *un_reference(const char *s) {
    for (const char *p = s; *p; p++) {
        if (!em_starts_with_ci(p, "UN Ref") && !em_starts_with_ci(p, "UNRef")) continue;
        const char *q = p + (em_starts_with_ci(p, "UN Ref") ? 6 : 5);
        if (em_starts_with_ci(q, "erence")) q += 6;
        while (*q == '.' || *q == ':' || *q == ' ')
            q++;
        if (em_starts_with_ci(q, "No")) {
            const char *r = q + 2;
            while (*r == '.' || *r == ':' || *r == ' ')
                r++;
            q = r;
        }
        const char *end = q;
        while (isalnum((unsigned char)*end) || *end == '.')
            end++;
        /* cut at a following word glued on with a dot: "TI.A.128.01.Financial" */
        const char *seg = q;
        for (const char *t = q; t < end; t++)
            if (*t == '.') {
                int lower = 0;
                for (const char *u = t + 1; u < end && *u != '.'; u++)
                    lower += islower((unsigned char)*u) != 0;
                if (lower >= 2 && t > seg) {
                    end = t;
                    break;
                }
            }
        while (end > q && end[-1] == '.')
            end--;
        if (end - q >= 3 && memchr(q, '.', (size_t)(end - q)) && isalpha((unsigned char)*q))
            return em_xstrndup(q, (size_t)(end - q));
    }
    return NULL;
}

/* ---- one group -> one entity ---------------------------------------------- */

static void add_row_name(em_entity *e, char **f, int person, int *have_primary) {
    em_buf b;
    em_buf_init(&b);
    for (int k = K_N1; k <= K_N5; k++)
        if (*f[k]) em_buf_printf(&b, "%s%s", b.len ? " " : "", f[k]);
    if (*f[K_N6]) em_buf_printf(&b, "%s%s", b.len ? " " : "", f[K_N6]);
    char *full = em_collapse_spaces(em_buf_cstr(&b));
    em_buf_free(&b);
    const char *kind = name_kind(f[K_ATYPE]);
    if (strcmp(kind, EM_NAME_PRIMARY) == 0 && *have_primary) kind = EM_NAME_AKA;
    int dup = 0;
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, full) == 0) dup = 1;
    const char *q = f[K_AQUAL];
    const char *strength = em_strcaseeq(q, "Good") || em_strcaseeq(q, "High") ? "strong"
                           : em_strcaseeq(q, "Low")                           ? "weak"
                                                                              : NULL;
    em_name *n = !*full || dup ? NULL : em_entity_add_name(e, full, kind, strength, NULL);
    if (n) {
        if (strcmp(kind, EM_NAME_PRIMARY) == 0) *have_primary = 1;
        if (person) {
            em_entity_set(&n->first, f[K_N1]);
            em_buf m;
            em_buf_init(&m);
            for (int k = K_N2; k <= K_N5; k++)
                if (*f[k]) em_buf_printf(&m, "%s%s", m.len ? " " : "", f[k]);
            if (m.len) em_entity_set(&n->middle, em_buf_cstr(&m));
            em_buf_free(&m);
            em_entity_set(&n->last, f[K_N6]);
        }
    }
    free(full);
    char *nl = em_collapse_spaces(f[K_NONLATIN]);
    em_entity_add_name(e, nl, EM_NAME_AKA, "strong", NULL);
    free(nl);
}

static void add_row_facts(em_entity *e, char **f) {
    char iso[11];
    if (*f[K_DOB]) {
        if (em_tcsv_date(f[K_DOB], iso) == 0)
            em_entity_add_birth_date(e, f[K_DOB], iso, iso, 0);
        else
            em_entity_add_birth_date(e, f[K_DOB], NULL, NULL, 0);
    }
    if (*f[K_TOWN] || *f[K_CBIRTH]) {
        char *p = *f[K_TOWN] && *f[K_CBIRTH] ? em_xasprintf("%s, %s", f[K_TOWN], f[K_CBIRTH])
                                             : em_xstrdup(*f[K_TOWN] ? f[K_TOWN] : f[K_CBIRTH]);
        em_entity_add_birth_place(e, p);
        free(p);
    }
    em_strvec nats;
    em_strvec_init(&nats);
    split_numbered(f[K_NAT], &nats);
    for (size_t i = 0; i < nats.len; i++)
        em_entity_add_nationality(e, nats.items[i]);
    em_strvec_free(&nats);
    em_entity_add_identifier(e, EM_ID_PASSPORT, f[K_PASSNUM], NULL, "Passport Number");
    if (!*f[K_PASSNUM]) add_documents(e, f[K_PASS], EM_ID_PASSPORT, "Passport Details");
    add_documents(e, f[K_NINUM], EM_ID_NATIONAL, "NI Number");
    em_entity_add_prop(e, "passport_details", f[K_PASS]);
    em_entity_add_prop(e, "national_id_details", f[K_NIDET]);
    em_entity_add_prop(e, "title", f[K_TITLE]);
    em_entity_add_prop(e, "position", f[K_POS]);
    em_buf st;
    em_buf_init(&st);
    for (int k = K_A1; k <= K_A5; k++)
        if (*f[k]) em_buf_printf(&st, "%s%s", st.len ? ", " : "", f[k]);
    em_entity_add_address(e, em_buf_cstr(&st), f[K_A6], NULL, f[K_POST], f[K_COUNTRY]);
    em_buf_free(&st);
    em_entity_add_program(e, f[K_REGIME]);
    if (em_tcsv_date(f[K_UKDATE], iso) == 0 || em_tcsv_date(f[K_LISTED], iso) == 0)
        if (!e->listed_on || strcmp(iso, e->listed_on) < 0) em_entity_set(&e->listed_on, iso);
    if (*f[K_OTHER]) {
        if (!e->remarks)
            em_entity_set(&e->remarks, f[K_OTHER]);
        else if (!strstr(e->remarks, f[K_OTHER])) {
            char *j = em_xasprintf("%s\n%s", e->remarks, f[K_OTHER]);
            free(e->remarks);
            e->remarks = j;
        }
        char *un = un_reference(f[K_OTHER]);
        if (un) {
            em_entity_add_identifier(e, EM_ID_OTHER, un, NULL, "UN Reference Number");
            em_entity_add_prop(e, "un_reference", un);
            free(un);
        }
    }
}

static em_entity *build(const ofsi_group *g, const char *source) {
    char gid[32];
    snprintf(gid, sizeof gid, "%ld", g->gid);
    em_entity *e = em_entity_new(source, "ofsi", gid, g->schema);
    int person = strcmp(g->schema, EM_SCHEMA_PERSON) == 0;
    int have_primary = 0;
    /* primary rows first, so that an alias spelled like the primary name stays primary */
    for (int pass = 0; pass < 2; pass++)
        for (size_t r = 0; r < g->rows.len; r++) {
            char **f = g->rows.items[r].f;
            int prim = strcmp(name_kind(f[K_ATYPE]), EM_NAME_PRIMARY) == 0;
            if (prim == (pass == 0)) add_row_name(e, f, person, &have_primary);
        }
    char last[11] = "";
    for (size_t r = 0; r < g->rows.len; r++) {
        char **f = g->rows.items[r].f;
        add_row_facts(e, f);
        char iso[11];
        if (em_tcsv_date(f[K_UPDATED], iso) == 0 && strcmp(iso, last) > 0) memcpy(last, iso, 11);
    }
    if (*last) em_entity_add_prop(e, "last_updated", last);
    em_entity_finish(e);
    return e;
}

/* ---- reading --------------------------------------------------------------- */

static int read_header(ofsi *o, em_parse_meta *meta, em_error *err) {
    em_tcsv *c = &o->c;
    int got = em_tcsv_next(c, err);
    if (got < 0) return -1;
    if (got == 0)
        return em_fail(err, EM_ERR_FORMAT, "%s line 1: empty file, expected the OFSI header",
                       c->name);
    if (em_strcaseeq(c->fields.items[0], "Last Updated")) {
        char iso[11];
        if (c->fields.len < 2 || em_tcsv_date(c->fields.items[1], iso) != 0)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: 'Last Updated' without a dd/mm/yyyy date", c->name,
                           c->rec_line);
        snprintf(meta->published, sizeof meta->published, "%s", iso);
        got = em_tcsv_next(c, err);
        if (got < 0) return -1;
        if (got == 0)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: file ends before the header (file truncated?)", c->name,
                           em_reader_line(c->r) + 1);
    }
    for (int k = 0; k < K_COUNT; k++)
        o->col[k] = em_tcsv_col(&c->fields, col_names[k]);
    static const int required[] = {K_N6, K_N1, K_GTYPE, K_ATYPE, K_GID};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (o->col[required[i]] < 0)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: not the OFSI consolidated list header (no '%s' column)",
                           c->name, c->rec_line, col_names[required[i]][0]);
    o->ncols = c->fields.len;
    return 0;
}

static int read_row(ofsi *o, em_error *err) {
    em_tcsv *c = &o->c;
    if (c->fields.len != o->ncols)
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: expected %zu columns, found %zu", c->name,
                       c->rec_line, o->ncols, c->fields.len);
    const char *gs = c->fields.items[o->col[K_GID]];
    long gid = parse_gid(gs);
    if (gid <= 0)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s line %ld: Group ID must be a positive integer, found '%s'", c->name,
                       c->rec_line, gs);
    const char *type = c->fields.items[o->col[K_GTYPE]];
    const char *schema = schema_of(type);
    if (!schema)
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: unknown Group Type '%s'", c->name,
                       c->rec_line, type);
    ofsi_group *g = group_get(o, gid, c->rec_line);
    if (g->schema && g->schema != schema)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s line %ld: group %ld is a %s here but a %s at line %ld", c->name,
                       c->rec_line, gid, type, g->schema, g->first_line);
    g->schema = schema;
    ofsi_row *r = em_vec_add(g->rows);
    r->line = c->rec_line;
    r->f = em_xcalloc(K_COUNT, sizeof *r->f);
    for (int k = 0; k < K_COUNT; k++)
        r->f[k] = em_xstrdup(o->col[k] >= 0 ? c->fields.items[o->col[k]] : "");
    return 0;
}

int em_parse_uk_ofsi_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err) {
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "uk-ofsi-csv");
    if (!source) source = "uk_ofsi";
    ofsi o;
    memset(&o, 0, sizeof o);
    if (em_tcsv_open(&o.c, path, ',', err) < 0) return -1;
    int rc = read_header(&o, meta, err);
    while (rc == 0) {
        int got = em_tcsv_next(&o.c, err);
        if (got < 0) rc = -1;
        if (got <= 0) break;
        if (em_tcsv_blank(&o.c)) continue;
        rc = read_row(&o, err);
    }
    if (rc == 0 && o.groups.len == 0)
        rc = em_fail(err, EM_ERR_FORMAT, "%s line %ld: no records after the header", o.c.name,
                     em_reader_line(o.c.r) + 1);
    for (size_t i = 0; rc == 0 && i < o.groups.len; i++)
        rc = sink(ctx, build(&o.groups.items[i], source), err);
    em_tcsv_close(&o.c);
    ofsi_free(&o);
    return rc;
}
