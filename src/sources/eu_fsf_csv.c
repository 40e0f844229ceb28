/*
 * eu_fsf_csv.c - the EU Financial Sanctions Files in CSV (semicolon-separated).
 *
 * One row per detail record of an entity: every row repeats the entity's own
 * columns (Entity_logical_id, Subject_type, regulation, Programme, remark,
 * EU reference) and fills one block of detail columns: a name alias (Naal_*),
 * an address (Addr_*), a birth date (Birt_*), an identification (Iden_*) or a
 * citizenship (Citi_*). The header repeats Entity_logical_id in every block;
 * columns are found by name, the first occurrence winning, and the 1.1
 * layout's names (Entity_LogicalId, NameAlias_WholeName, ...) are accepted
 * too. Rows of one entity are contiguous, so entities are streamed one by one.
 *
 * Older files are Windows-1252, not UTF-8 (em_to_utf8 per line). Some copies
 * wrap each whole line in one quoted field (with its commas turned into
 * tabs): such a line is unwrapped and split again, and tabs inside values
 * read as commas. Name aliases with '?' in them were written in a script the
 * file's code page cannot hold and lost their letters: they are skipped.
 *
 * Ids: "eu-<Entity_logical_id>" (em_entity_new("eu_fsf", "eu", ...)).
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
    C_DATE,
    C_ENT,
    C_SUBJ,
    C_LEBA_DATE,
    C_LEBA_TITLE,
    C_PROG,
    C_REMARK,
    C_EUREF,
    C_UNREF,
    C_DESIG,
    C_N_LAST,
    C_N_FIRST,
    C_N_MIDDLE,
    C_N_WHOLE,
    C_N_GENDER,
    C_N_TITLE,
    C_N_FUNC,
    C_N_LANG,
    C_A_NUMBER,
    C_A_STREET,
    C_A_POBOX,
    C_A_ZIP,
    C_A_CITY,
    C_A_REGION,
    C_A_COUNTRY,
    C_A_OTHER,
    C_B_DATE,
    C_B_YEAR,
    C_B_CIRCA,
    C_B_PLACE,
    C_B_CITY,
    C_B_COUNTRY,
    C_I_NUMBER,
    C_I_TYPE_CODE,
    C_I_TYPE_DESC,
    C_I_COUNTRY,
    C_C_COUNTRY,
    C_COUNT
};

#define L(...)                                                                                     \
    (const char *const[]) {                                                                        \
        __VA_ARGS__, NULL                                                                          \
    }
static const char *const *const col_names[C_COUNT] = {
    L("Date_file", "Date_filexxxx", "fileGenerationDate"),
    L("Entity_logical_id", "Entity_LogicalId"),
    L("Subject_type", "Entity_SubjectType_ClassificationCode", "Entity_SubjectType"),
    L("Leba_publication_date", "Entity_Regulation_PublicationDate"),
    L("Leba_numtitle", "Entity_Regulation_NumberTitle"),
    L("Programme", "Entity_Regulation_Programme"),
    L("Entity_remark", "Entity_Remark"),
    L("EU_ref_num", "Entity_EU_ReferenceNumber"),
    L("Entity_UnitedNationId"),
    L("Entity_DesignationDate"),
    L("Naal_lastname", "NameAlias_LastName"),
    L("Naal_firstname", "NameAlias_FirstName"),
    L("Naal_middlename", "NameAlias_MiddleName"),
    L("Naal_wholename", "NameAlias_WholeName"),
    L("Naal_gender", "NameAlias_Gender"),
    L("Naal_title", "NameAlias_Title"),
    L("Naal_function", "NameAlias_Function"),
    L("Naal_language", "NameAlias_NameLanguage"),
    L("Addr_number"),
    L("Addr_street", "Address_Street"),
    L("Address_PoBox"),
    L("Addr_zipcode", "Address_ZipCode"),
    L("Addr_city", "Address_City"),
    L("Address_Region"),
    L("Addr_country", "Address_CountryDescription"),
    L("Addr_other"),
    L("Birt_date", "BirthDate_BirthDate"),
    L("BirthDate_Year"),
    L("BirthDate_Circa"),
    L("Birt_place", "BirthDate_Place"),
    L("BirthDate_City"),
    L("Birt_country", "BirthDate_CountryDescription"),
    L("Iden_number", "Identification_Number"),
    L("Identification_TypeCode"),
    L("Identification_TypeDescription"),
    L("Iden_country", "Identification_CountryDescription"),
    L("Citi_country", "Citizenship_CountryDescription"),
};
#undef L

typedef struct eu_csv {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;
    em_tcsv c;
    int col[C_COUNT];
    int ent_cols[8]; /* every Entity_logical_id column (one per block) */
    int n_ent_cols;
    size_t ncols;
    em_strvec row; /* the fields of the current row (unwrapped) */

    em_entity *cur;
    long cur_id;
    long cur_line;
    int dated;    /* listed_on came from a designation date */
    em_hmap seen; /* the entity ids met so far, keyed by the bytes of the long */
} eu_csv;

/* ---- helpers ------------------------------------------------------------- */

/* Field k of the current row as clean text (caller frees): tabs read as commas. */
static char *get(eu_csv *x, int k) {
    if (x->col[k] < 0 || (size_t)x->col[k] >= x->row.len) return em_xstrdup("");
    char *s = em_xstrdup(x->row.items[x->col[k]]);
    for (char *p = s; *p; p++)
        if (*p == '\t') *p = ',';
    char *q = em_collapse_spaces(s);
    free(s);
    size_t n = strlen(q); /* "a,," from trailing tabs */
    while (n && (q[n - 1] == ',' || q[n - 1] == ' '))
        q[--n] = '\0';
    return q;
}

static long parse_id(const char *s) {
    if (!*s) return 0;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > 100000000000L) return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static int seen_has(const eu_csv *x, long id) {
    return em_hmap_find(&x->seen, &id, sizeof id) != NULL;
}

static const char *schema_of(const char *t) {
    if (em_strcaseeq(t, "P") || em_strcaseeq(t, "person")) return EM_SCHEMA_PERSON;
    if (em_strcaseeq(t, "E") || em_strcaseeq(t, "enterprise")) return EM_SCHEMA_ORGANIZATION;
    return NULL;
}

/* "\n" written as two characters in the remark columns */
static void unescape_newlines(char *s) {
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* ---- detail blocks ------------------------------------------------------- */

static void add_name(eu_csv *x) {
    em_entity *e = x->cur;
    char *whole = get(x, C_N_WHOLE), *first = get(x, C_N_FIRST), *middle = get(x, C_N_MIDDLE),
         *last = get(x, C_N_LAST);
    if (!*whole) {
        em_buf b;
        em_buf_init(&b);
        const char *parts[3] = {first, middle, last};
        for (int i = 0; i < 3; i++)
            if (*parts[i]) em_buf_printf(&b, "%s%s", b.len ? " " : "", parts[i]);
        free(whole);
        whole = em_buf_detach(&b);
        if (!whole) whole = em_xstrdup("");
    }
    int dup = 0;
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, whole) == 0) dup = 1;
    if (*whole && !dup && !strchr(whole, '?')) {
        em_name *n =
            em_entity_add_name(e, whole, e->names.len ? EM_NAME_AKA : EM_NAME_PRIMARY, NULL, NULL);
        if (n && strcmp(e->schema, EM_SCHEMA_PERSON) == 0) {
            em_entity_set(&n->first, first);
            em_entity_set(&n->middle, middle);
            em_entity_set(&n->last, last);
        }
    }
    char *g = get(x, C_N_GENDER);
    if (!e->gender && (em_strcaseeq(g, "M") || em_strcaseeq(g, "male")))
        em_entity_set(&e->gender, "male");
    else if (!e->gender && (em_strcaseeq(g, "F") || em_strcaseeq(g, "female")))
        em_entity_set(&e->gender, "female");
    char *title = get(x, C_N_TITLE), *func = get(x, C_N_FUNC);
    em_entity_add_prop(e, "title", title);
    em_entity_add_prop(e, "position", func);
    free(g), free(title), free(func);
    free(whole), free(first), free(middle), free(last);
}

/* "PHONE[042-681 20 81]\nFAX[662 38 14]" */
static void add_contacts(em_entity *e, const char *s) {
    for (const char *p = s; (p = strchr(p, '[')) != NULL;) {
        const char *k = p;
        while (k > s && isalpha((unsigned char)k[-1]))
            k--;
        const char *end = strchr(p, ']');
        if (!end) break;
        char *key = em_xstrndup(k, (size_t)(p - k));
        char *val = em_xstrndup(p + 1, (size_t)(end - p - 1));
        em_strtrim(val);
        const char *type = em_strcaseeq(key, "PHONE") || em_strcaseeq(key, "FAX") ? EM_ID_PHONE
                           : em_strcaseeq(key, "EMAIL")                           ? EM_ID_EMAIL
                           : em_strcaseeq(key, "WEB") || em_strcaseeq(key, "WEBSITE")
                               ? EM_ID_WEBSITE
                               : EM_ID_OTHER;
        em_entity_add_identifier(e, type, val, NULL, key);
        free(key), free(val);
        p = end + 1;
    }
}

static void add_address(eu_csv *x) {
    char *num = get(x, C_A_NUMBER), *street = get(x, C_A_STREET), *pobox = get(x, C_A_POBOX),
         *zip = get(x, C_A_ZIP), *city = get(x, C_A_CITY), *region = get(x, C_A_REGION),
         *country = get(x, C_A_COUNTRY), *other = get(x, C_A_OTHER);
    em_buf b;
    em_buf_init(&b);
    if (*num) em_buf_adds(&b, num);
    if (*street) em_buf_printf(&b, "%s%s", b.len ? " " : "", street);
    if (*pobox) em_buf_printf(&b, "%sP.O. Box %s", b.len ? ", " : "", pobox);
    em_entity_add_address(x->cur, em_buf_cstr(&b), city, region, zip, country);
    if (*other) {
        unescape_newlines(other);
        add_contacts(x->cur, other);
    }
    em_buf_free(&b);
    free(num), free(street), free(pobox), free(zip), free(city), free(region), free(country);
    free(other);
}

static void add_birth(eu_csv *x) {
    char *date = get(x, C_B_DATE), *year = get(x, C_B_YEAR), *circa_s = get(x, C_B_CIRCA),
         *place = get(x, C_B_PLACE), *city = get(x, C_B_CITY), *country = get(x, C_B_COUNTRY);
    int circa = em_strcaseeq(circa_s, "1") || em_strcaseeq(circa_s, "true");
    char iso[11];
    if (em_strcaseeq(date, "N/A")) date[0] = '\0';
    if (*date && em_tcsv_date(date, iso) == 0)
        em_entity_add_birth_date(x->cur, date, iso, iso, circa);
    else if (*date)
        em_entity_add_birth_date(x->cur, date, NULL, NULL, circa);
    else if (strlen(year) == 4)
        em_entity_add_birth_date(x->cur, year, year, year, circa);
    em_buf b;
    em_buf_init(&b);
    const char *parts[3] = {place, city, country};
    for (int i = 0; i < 3; i++)
        if (*parts[i] && !(i == 1 && strcmp(parts[1], parts[0]) == 0))
            em_buf_printf(&b, "%s%s", b.len ? ", " : "", parts[i]);
    if (b.len) em_entity_add_birth_place(x->cur, em_buf_cstr(&b));
    em_buf_free(&b);
    free(date), free(year), free(circa_s), free(place), free(city), free(country);
}

static const char *id_type(const char *code) {
    if (em_strcaseeq(code, "passport")) return EM_ID_PASSPORT;
    if (em_strcaseeq(code, "id")) return EM_ID_NATIONAL;
    if (em_strcaseeq(code, "fiscalcode") || em_strcaseeq(code, "tax")) return EM_ID_TAX;
    if (em_strcaseeq(code, "regnumber")) return EM_ID_REGISTRATION;
    if (em_strcaseeq(code, "swiftbic")) return EM_ID_BIC;
    if (em_strcaseeq(code, "imo")) return EM_ID_IMO;
    return EM_ID_OTHER;
}

/* "AD001095 (passport-National passport) ((passport))": number, type, note */
static void add_identification(eu_csv *x) {
    char *num = get(x, C_I_NUMBER), *code = get(x, C_I_TYPE_CODE), *desc = get(x, C_I_TYPE_DESC),
         *country = get(x, C_I_COUNTRY);
    char *note = NULL;
    char *paren = strstr(num, " (");
    if (paren && !*code) {
        *paren = '\0';
        char *inner = paren + 2;
        char *close = strchr(inner, ')');
        if (close) {
            *close = '\0';
            char *dash = strchr(inner, '-');
            if (dash) {
                *dash = '\0';
                free(code), free(desc);
                code = em_xstrdup(inner);
                desc = em_xstrdup(dash + 1);
                em_strtrim(code);
                em_strtrim(desc);
            } else {
                free(desc);
                desc = em_xstrdup(inner);
            }
            note = em_xstrdup(close + 1);
            em_strtrim(note);
            size_t n = strlen(note);
            if (n >= 2 && note[0] == '(' && note[n - 1] == ')') {
                memmove(note, note + 1, n - 2);
                note[n - 2] = '\0';
                em_strtrim(note);
            }
        }
    }
    em_strtrim(num);
    em_identifier *d =
        em_entity_add_identifier(x->cur, id_type(code), num, country, *desc ? desc : NULL);
    if (d && !em_str_empty(note)) d->note = em_xstrdup(note);
    free(num), free(code), free(desc), free(country), free(note);
}

/* ---- entities ------------------------------------------------------------ */

static int emit(eu_csv *x) {
    em_entity *e = x->cur;
    x->cur = NULL;
    if (!e) return 0;
    if (e->names.len == 0) {
        em_entity_free(e);
        return em_fail(x->err, EM_ERR_FORMAT,
                       "%s line %ld: entity %ld (starting at line %ld) has no usable name alias",
                       x->c.name, x->c.rec_line, x->cur_id, x->cur_line);
    }
    em_entity_finish(e);
    return x->sink(x->sink_ctx, e, x->err);
}

static int row(eu_csv *x) {
    em_tcsv *c = &x->c;
    char *ent_s = get(x, C_ENT);
    long id = parse_id(ent_s);
    int rc = 0;
    if (id <= 0) {
        rc = em_fail(x->err, EM_ERR_FORMAT,
                     "%s line %ld: Entity_logical_id must be a positive integer, found '%s'",
                     c->name, c->rec_line, ent_s);
        free(ent_s);
        return rc;
    }
    for (int i = 0; i < x->n_ent_cols; i++) {
        const char *v = x->row.items[x->ent_cols[i]];
        if (*v && parse_id(v) != id) {
            rc = em_fail(x->err, EM_ERR_FORMAT,
                         "%s line %ld: column %d says entity %s but the row is entity %ld", c->name,
                         c->rec_line, x->ent_cols[i] + 1, v, id);
            free(ent_s);
            return rc;
        }
    }
    char *subj = get(x, C_SUBJ);
    const char *schema = schema_of(subj);
    if (!schema) {
        rc = em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: unknown subject type '%s'", c->name,
                     c->rec_line, subj);
        goto out;
    }
    if (x->cur && id != x->cur_id) {
        if ((rc = emit(x)) != 0) goto out;
    }
    if (!x->cur) {
        if (seen_has(x, id)) {
            rc = em_fail(x->err, EM_ERR_FORMAT,
                         "%s line %ld: rows of entity %ld are not contiguous (seen before)",
                         c->name, c->rec_line, id);
            goto out;
        }
        em_hmap_insert(&x->seen, &id, sizeof id, NULL);
        x->cur = em_entity_new(x->source, "eu", ent_s, schema);
        x->cur_id = id;
        x->cur_line = c->rec_line;
        x->dated = 0;
    } else if (strcmp(x->cur->schema, schema) != 0) {
        rc = em_fail(x->err, EM_ERR_FORMAT, "%s line %ld: entity %ld changes its subject type",
                     c->name, c->rec_line, id);
        goto out;
    }
    em_entity *e = x->cur;

    /* the entity's own columns, repeated on every row */
    char *prog = get(x, C_PROG), *euref = get(x, C_EUREF), *unref = get(x, C_UNREF),
         *desig = get(x, C_DESIG), *leba = get(x, C_LEBA_DATE), *title = get(x, C_LEBA_TITLE);
    em_entity_add_program(e, prog);
    em_entity_add_prop(e, "eu_reference", euref);
    if (*unref) {
        em_entity_add_identifier(e, EM_ID_OTHER, unref, NULL, "UN Reference Number");
        em_entity_add_prop(e, "un_reference", unref);
    }
    em_entity_add_prop(e, "regulation", title);
    char iso[11];
    if (em_tcsv_date(desig, iso) == 0) {
        if (!x->dated || strcmp(iso, e->listed_on) < 0) em_entity_set(&e->listed_on, iso);
        x->dated = 1;
    } else if (!x->dated && em_tcsv_date(leba, iso) == 0) {
        /* the earliest regulation that lists it */
        if (!e->listed_on || strcmp(iso, e->listed_on) < 0) em_entity_set(&e->listed_on, iso);
    }
    free(prog), free(euref), free(unref), free(desig), free(leba), free(title);
    if (x->col[C_REMARK] >= 0) {
        char *r = em_xstrdup(x->row.items[x->col[C_REMARK]]);
        unescape_newlines(r);
        em_strtrim(r);
        if (*r && !e->remarks)
            em_entity_set(&e->remarks, r);
        else if (*r && !strstr(e->remarks, r)) {
            char *j = em_xasprintf("%s\n%s", e->remarks, r);
            free(e->remarks);
            e->remarks = j;
        }
        free(r);
    }

    /* the detail block this row fills (a row may fill several in the 1.1 layout) */
    static const int name_cols[] = {C_N_WHOLE, C_N_LAST, C_N_FIRST, -1};
    static const int addr_cols[] = {C_A_STREET, C_A_CITY, C_A_COUNTRY, C_A_ZIP, C_A_OTHER, -1};
    static const int birth_cols[] = {C_B_DATE, C_B_YEAR, C_B_PLACE, C_B_CITY, C_B_COUNTRY, -1};
    const int *blocks[3] = {name_cols, addr_cols, birth_cols};
    void (*fns[3])(eu_csv *) = {add_name, add_address, add_birth};
    for (int b = 0; b < 3; b++)
        for (const int *k = blocks[b]; *k >= 0; k++)
            if (x->col[*k] >= 0 && x->row.items[x->col[*k]][0]) {
                fns[b](x);
                break;
            }
    if (x->col[C_I_NUMBER] >= 0 && x->row.items[x->col[C_I_NUMBER]][0]) add_identification(x);
    if (x->col[C_C_COUNTRY] >= 0) {
        char *cc = get(x, C_C_COUNTRY);
        em_entity_add_citizenship(e, cc);
        free(cc);
    }
out:
    free(subj);
    free(ent_s);
    return rc;
}

/* The fields of the record just read, unwrapped when the whole line was one quoted field. */
static void take_row(eu_csv *x) {
    em_tcsv_clear(&x->row);
    em_tcsv *c = &x->c;
    if (c->fields.len == 1 && strchr(c->fields.items[0], ';')) {
        em_tcsv_split(c->fields.items[0], ';', &x->row);
        return;
    }
    for (size_t i = 0; i < c->fields.len; i++) {
        em_strvec_take(&x->row, c->fields.items[i]);
        c->fields.items[i] = NULL;
    }
    c->fields.len = 0;
}

static int read_header(eu_csv *x) {
    em_tcsv *c = &x->c;
    int got = em_tcsv_next(c, x->err);
    if (got < 0) return -1;
    if (got == 0)
        return em_fail(x->err, EM_ERR_FORMAT, "%s line 1: empty file, expected the EU FSF header",
                       c->name);
    take_row(x);
    for (int k = 0; k < C_COUNT; k++)
        x->col[k] = em_tcsv_col(&x->row, col_names[k]);
    for (size_t i = 0; i < x->row.len && x->n_ent_cols < 8; i++)
        for (const char *const *n = col_names[C_ENT]; *n; n++)
            if (em_strcaseeq(x->row.items[i], *n) && (int)i != x->col[C_ENT]) {
                x->ent_cols[x->n_ent_cols++] = (int)i;
                break;
            }
    if (x->col[C_ENT] < 0 || x->col[C_SUBJ] < 0 || (x->col[C_N_WHOLE] < 0 && x->col[C_N_LAST] < 0))
        return em_fail(x->err, EM_ERR_FORMAT,
                       "%s line %ld: not an EU FSF CSV header (needs Entity_logical_id, "
                       "Subject_type and the name alias columns)",
                       c->name, c->rec_line);
    x->ncols = x->row.len;
    return 0;
}

int em_parse_eu_fsf_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                        em_parse_meta *meta, em_error *err) {
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "eu-fsf-csv");
    eu_csv x;
    memset(&x, 0, sizeof x);
    x.source = source ? source : "eu_fsf";
    x.sink = sink;
    x.sink_ctx = ctx;
    x.meta = meta;
    x.err = err;
    em_strvec_init(&x.row);
    if (em_tcsv_open(&x.c, path, ';', err) < 0) return -1;
    int rc = read_header(&x);
    long rows = 0;
    while (rc == 0) {
        int got = em_tcsv_next(&x.c, err);
        if (got < 0) rc = -1;
        if (got <= 0) break;
        take_row(&x);
        if (x.row.len == 1 && !x.row.items[0][0]) continue;
        if (x.row.len != x.ncols) {
            rc = em_fail(err, EM_ERR_FORMAT, "%s line %ld: expected %zu columns, found %zu",
                         x.c.name, x.c.rec_line, x.ncols, x.row.len);
            break;
        }
        if (rows++ == 0 && x.col[C_DATE] >= 0) {
            char iso[11];
            if (em_tcsv_date(x.row.items[x.col[C_DATE]], iso) == 0)
                snprintf(meta->published, sizeof meta->published, "%s", iso);
        }
        rc = row(&x);
    }
    if (rc == 0 && rows == 0)
        rc = em_fail(err, EM_ERR_FORMAT, "%s line %ld: no records after the header", x.c.name,
                     em_reader_line(x.c.r) + 1);
    if (rc == 0)
        rc = emit(&x); /* a truncated file simply ends this entity's rows */
    else if (x.cur)
        em_entity_free(x.cur);
    em_tcsv_close(&x.c);
    em_strvec_free(&x.row);
    em_hmap_free(&x.seen, NULL);
    return rc;
}
