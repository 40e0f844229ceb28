/*
 * record_read.c - register files to canonical records: the one table of
 * the columns (and JSON keys) a register file may have, CSV through the
 * library's CSV reader (sources/table_csv.c), JSON lines through jansson.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "monitor/record.h"
#include "monitor/record_read.h"
#include "sources/reader.h"
#include "sources/table_csv.h"

enum {
    C_EXTRA,
    C_ID,
    C_NAME,
    C_ALIAS,
    C_WEAK,
    C_FIRST,
    C_MIDDLE,
    C_LAST,
    C_SCHEMA,
    C_DOB,
    C_COUNTRY,
    C_GENDER,
    C_IDENT
};

/* The columns of a register file: key (case, spaces and dashes ignored), what it
   is, and for identifiers their type. */
static const struct {
    const char *key;
    int kind;
    const char *id_type;
} COLUMNS[] = {
    {"id", C_ID, NULL},
    {"record_id", C_ID, NULL},
    {"customer_id", C_ID, NULL},
    {"name", C_NAME, NULL},
    {"full_name", C_NAME, NULL},
    {"alias", C_ALIAS, NULL},
    {"aliases", C_ALIAS, NULL},
    {"previous_name", C_ALIAS, NULL},
    {"weak_alias", C_WEAK, NULL},
    {"weak_aliases", C_WEAK, NULL},
    {"first_name", C_FIRST, NULL},
    {"given_name", C_FIRST, NULL},
    {"middle_name", C_MIDDLE, NULL},
    {"last_name", C_LAST, NULL},
    {"family_name", C_LAST, NULL},
    {"schema", C_SCHEMA, NULL},
    {"type", C_SCHEMA, NULL},
    {"birth_date", C_DOB, NULL},
    {"dob", C_DOB, NULL},
    {"date_of_birth", C_DOB, NULL},
    {"birthdate", C_DOB, NULL},
    {"nationality", C_COUNTRY, NULL},
    {"citizenship", C_COUNTRY, NULL},
    {"country", C_COUNTRY, NULL},
    {"address_country", C_COUNTRY, NULL},
    {"gender", C_GENDER, NULL},
    {"sex", C_GENDER, NULL},
    {"passport", C_IDENT, "passport"},
    {"passport_number", C_IDENT, "passport"},
    {"national_id", C_IDENT, "national_id"},
    {"id_number", C_IDENT, "national_id"},
    {"tax_id", C_IDENT, "tax_id"},
    {"tax_number", C_IDENT, "tax_id"},
    {"registration", C_IDENT, "registration"},
    {"registration_number", C_IDENT, "registration"},
    {"lei", C_IDENT, "lei"},
    {"bic", C_IDENT, "bic"},
    {"swift", C_IDENT, "bic"},
    {"imo", C_IDENT, "imo"},
    {"mmsi", C_IDENT, "mmsi"},
    {"call_sign", C_IDENT, "call_sign"},
    {"crypto", C_IDENT, "crypto"},
    {"crypto_address", C_IDENT, "crypto"},
    {"wallet", C_IDENT, "crypto"},
    {"email", C_IDENT, "email"},
    {"phone", C_IDENT, "phone"},
    {"website", C_IDENT, "website"},
};
#define NCOLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

/* The column of a header field / JSON key, or -1 for one kept as "extra". */
static int column_of(const char *key) {
    char k[64];
    size_t n = 0;
    for (; *key && n + 1 < sizeof k; key++) {
        char c = *key;
        if (c == ' ' || c == '-') c = '_';
        k[n++] = (char)tolower((unsigned char)c);
    }
    k[n] = '\0';
    for (size_t i = 0; i < NCOLUMNS; i++)
        if (strcmp(k, COLUMNS[i].key) == 0) return (int)i;
    return -1;
}

struct em_record_reader {
    int jsonl;
    em_tcsv csv;
    em_reader *r;
    em_buf line;
    int *cols; /* CSV: column of each header field */
    em_strvec header;
    long lineno;
};

int em_record_reader_open(em_record_reader **out, const char *path, em_error *err) {
    *out = NULL;
    char head[256];
    long n = em_peek_file(path, head, sizeof head - 1, err);
    if (n < 0) return -1;
    head[n] = '\0';
    const char *p = head;
    if (!strncmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    while (*p && isspace((unsigned char)*p))
        p++;
    em_record_reader *r = em_xcalloc(1, sizeof *r);
    em_buf_init(&r->line);
    em_strvec_init(&r->header);
    r->jsonl = *p == '{';
    if (r->jsonl) {
        r->r = em_reader_open(path, err);
        if (!r->r) {
            em_record_reader_close(r);
            return -1;
        }
        *out = r;
        return 0;
    }
    if (em_tcsv_open(&r->csv, path, ',', err) != 0) {
        free(r);
        return -1;
    }
    int rc = em_tcsv_next(&r->csv, err);
    if (rc <= 0) {
        if (rc == 0) em_fail(err, EM_ERR_FORMAT, "%s: the file is empty", path);
        em_record_reader_close(r);
        return -1;
    }
    int has_id = 0, has_name = 0;
    r->cols = em_xcalloc(r->csv.fields.len + 1, sizeof *r->cols);
    for (size_t i = 0; i < r->csv.fields.len; i++) {
        em_strvec_push(&r->header, r->csv.fields.items[i]);
        r->cols[i] = column_of(r->csv.fields.items[i]);
        if (r->cols[i] >= 0 && COLUMNS[r->cols[i]].kind == C_ID) has_id = 1;
        if (r->cols[i] >= 0 && COLUMNS[r->cols[i]].kind != C_ID) has_name = 1;
    }
    if (!has_id || !has_name) {
        em_fail(
            err, EM_ERR_FORMAT,
            "%s: the first line must name the columns, with an 'id' column and a 'name' (or "
            "first_name/last_name, or an identifier) column, e.g. id,name,birth_date,nationality",
            path);
        em_record_reader_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

void em_record_reader_close(em_record_reader *r) {
    if (!r) return;
    if (r->jsonl)
        em_reader_close(r->r);
    else
        em_tcsv_close(&r->csv);
    em_buf_free(&r->line);
    em_strvec_free(&r->header);
    free(r->cols);
    free(r);
}

/* ---- building a record ---------------------------------------------------- */

typedef struct draft {
    char *id;
    char *first, *middle, *last, *schema, *gender;
    em_strvec names, weak, dobs, countries, id_types, id_values;
    json_t *extra;
} draft;

static void draft_init(draft *d) {
    memset(d, 0, sizeof *d);
    em_strvec_init(&d->names);
    em_strvec_init(&d->weak);
    em_strvec_init(&d->dobs);
    em_strvec_init(&d->countries);
    em_strvec_init(&d->id_types);
    em_strvec_init(&d->id_values);
    d->extra = json_object();
}

static void draft_free(draft *d) {
    free(d->id), free(d->first), free(d->middle), free(d->last), free(d->schema), free(d->gender);
    em_strvec_free(&d->names);
    em_strvec_free(&d->weak);
    em_strvec_free(&d->dobs);
    em_strvec_free(&d->countries);
    em_strvec_free(&d->id_types);
    em_strvec_free(&d->id_values);
    json_decref(d->extra);
}

/* Sets one value; list-valued columns take several values separated by ';'. */
static void draft_set(draft *d, int col, const char *key, const char *value) {
    char *v = em_strtrim(em_xstrdup(value));
    if (!v[0]) {
        free(v);
        return;
    }
    if (col < 0) {
        json_object_set_new(d->extra, key, json_string(v));
        free(v);
        return;
    }
    char **slot = NULL;
    em_strvec *many = NULL;
    switch (COLUMNS[col].kind) {
    case C_ID:
        slot = &d->id;
        break;
    case C_NAME:
        many = &d->names;
        break;
    case C_ALIAS:
        many = &d->names;
        break;
    case C_WEAK:
        many = &d->weak;
        break;
    case C_FIRST:
        slot = &d->first;
        break;
    case C_MIDDLE:
        slot = &d->middle;
        break;
    case C_LAST:
        slot = &d->last;
        break;
    case C_SCHEMA:
        slot = &d->schema;
        break;
    case C_GENDER:
        slot = &d->gender;
        break;
    case C_DOB:
        many = &d->dobs;
        break;
    case C_COUNTRY:
        many = &d->countries;
        break;
    case C_IDENT:
        many = &d->id_values;
        break;
    }
    if (slot) {
        free(*slot);
        *slot = v;
        return;
    }
    /* a full name is one value (a comma or ';' may be part of it); the lists split */
    if (COLUMNS[col].kind == C_NAME) {
        em_strvec_push(many, v);
        free(v);
        return;
    }
    char *save = NULL;
    for (char *t = strtok_r(v, ";|", &save); t; t = strtok_r(NULL, ";|", &save)) {
        em_strtrim(t);
        if (!t[0]) continue;
        em_strvec_push(many, t);
        if (COLUMNS[col].kind == C_IDENT) em_strvec_push(&d->id_types, COLUMNS[col].id_type);
    }
    free(v);
}

static void warn(em_strvec *w, long line, const char *id, const char *msg) {
    char *s = em_xasprintf("line %ld (record %s): %s", line, id ? id : "?", msg);
    em_strvec_push(w, s);
    free(s);
}

static json_t *str_array(const em_strvec *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->len; i++)
        json_array_append_new(a, json_string(v->items[i]));
    return a;
}

/* The canonical record of a draft; every value checked with the party's own
   setters, so that what is stored is what will be screened. NULL when the
   record cannot be screened at all (warned). */
static json_t *draft_record(draft *d, long line, em_strvec *w) {
    em_party *p = em_party_new();
    em_error e = {0};
    json_t *r = json_object();
    json_object_set_new(r, "id", json_string(d->id));
    if (d->schema && em_party_set_schema(p, d->schema, &e) != 0) {
        warn(w, line, d->id, e.message);
    } else if (d->schema && em_party_schema(p)) {
        json_object_set_new(r, "schema", json_string(em_party_schema(p)));
    }
    if (d->first || d->last) {
        em_buf b;
        em_buf_init(&b);
        const char *parts[3] = {d->first, d->middle, d->last};
        for (int i = 0; i < 3; i++)
            if (parts[i]) em_buf_printf(&b, "%s%s", b.len ? " " : "", parts[i]);
        int dup = 0;
        for (size_t i = 0; i < d->names.len; i++)
            dup |= strcmp(d->names.items[i], em_buf_cstr(&b)) == 0;
        if (!dup) em_strvec_push(&d->names, em_buf_cstr(&b));
        em_buf_free(&b);
    }
    em_strvec names, weak, dobs, countries;
    em_strvec_init(&names), em_strvec_init(&weak), em_strvec_init(&dobs);
    em_strvec_init(&countries);
    for (size_t i = 0; i < d->names.len; i++)
        if (em_party_add_name(p, d->names.items[i], 0, &e) != 0)
            warn(w, line, d->id, e.message);
        else
            em_strvec_push(&names, d->names.items[i]);
    for (size_t i = 0; i < d->weak.len; i++)
        if (em_party_add_name(p, d->weak.items[i], EM_NAME_WEAK, &e) != 0)
            warn(w, line, d->id, e.message);
        else
            em_strvec_push(&weak, d->weak.items[i]);
    for (size_t i = 0; i < d->dobs.len; i++)
        if (em_party_add_birth_date(p, d->dobs.items[i], &e) != 0)
            warn(w, line, d->id, e.message);
        else
            em_strvec_push(&dobs, d->dobs.items[i]);
    size_t nc = 0;
    for (size_t i = 0; i < d->countries.len; i++)
        if (em_party_add_country(p, d->countries.items[i], &e) != 0) {
            warn(w, line, d->id, e.message);
        } else if (em_party_country_count(p) > nc) {
            nc = em_party_country_count(p);
            em_strvec_push(&countries, em_party_country(p, nc - 1));
        }
    if (names.len) json_object_set_new(r, "names", str_array(&names));
    if (weak.len) json_object_set_new(r, "weak_names", str_array(&weak));
    if (dobs.len) json_object_set_new(r, "birth_dates", str_array(&dobs));
    if (countries.len) json_object_set_new(r, "countries", str_array(&countries));
    em_strvec_free(&names), em_strvec_free(&weak), em_strvec_free(&dobs);
    em_strvec_free(&countries);
    if (d->gender) {
        if (em_party_set_gender(p, d->gender, &e) != 0)
            warn(w, line, d->id, e.message);
        else if (em_party_gender(p))
            json_object_set_new(r, "gender", json_string(em_party_gender(p)));
    }
    json_t *ids = json_array();
    for (size_t i = 0; i < d->id_values.len; i++) {
        if (em_party_add_identifier(p, d->id_types.items[i], d->id_values.items[i], &e) != 0) {
            warn(w, line, d->id, e.message);
            continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string(d->id_types.items[i]));
        json_object_set_new(o, "value", json_string(d->id_values.items[i]));
        json_array_append_new(ids, o);
    }
    if (json_array_size(ids))
        json_object_set_new(r, "identifiers", ids);
    else
        json_decref(ids);
    if (json_object_size(d->extra)) json_object_set(r, "extra", d->extra);
    int screenable = em_party_name_count(p) || em_party_identifier_count(p);
    em_party_free(p);
    if (!screenable) {
        warn(w, line, d->id, "no name and no identifier: the record is not imported");
        json_decref(r);
        return NULL;
    }
    return r;
}

/* ---- the two file kinds --------------------------------------------------- */

static char *scalar_text(json_t *v) {
    if (json_is_string(v)) return em_xstrdup(json_string_value(v));
    if (json_is_integer(v)) return em_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return em_xasprintf("%.17g", json_real_value(v));
    return NULL;
}

static int next_draft(em_record_reader *r, draft *d, em_error *err) {
    if (!r->jsonl) {
        int rc;
        do {
            rc = em_tcsv_next(&r->csv, err);
        } while (rc == 1 && em_tcsv_blank(&r->csv));
        if (rc <= 0) return rc;
        r->lineno = r->csv.rec_line;
        for (size_t i = 0; i < r->csv.fields.len && i < r->header.len; i++)
            draft_set(d, r->cols[i], r->header.items[i], r->csv.fields.items[i]);
        return 1;
    }
    for (;;) {
        int rc = em_reader_getline(r->r, &r->line, err);
        if (rc <= 0) return rc;
        r->lineno = em_reader_line(r->r);
        const char *s = em_buf_cstr(&r->line);
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s) continue;
        json_error_t je;
        json_t *o = json_loads(s, 0, &je);
        if (!json_is_object(o)) {
            json_decref(o);
            return em_fail(err, EM_ERR_FORMAT, "%s:%ld: not a JSON object (%s)",
                           em_reader_basename(r->r), r->lineno, o ? "another JSON value" : je.text);
        }
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v) {
            int col = column_of(key);
            json_t *vals = json_is_array(v) ? v : NULL;
            size_t nv = vals ? json_array_size(vals) : 1;
            for (size_t i = 0; i < nv; i++) {
                char *t = scalar_text(vals ? json_array_get(vals, i) : v);
                if (t) {
                    /* an array of names is several names, never split */
                    if (col >= 0 && COLUMNS[col].kind == C_ALIAS && vals)
                        em_strvec_push(&d->names, em_strtrim(t));
                    else
                        draft_set(d, col, key, t);
                }
                free(t);
            }
        }
        json_decref(o);
        return 1;
    }
}

int em_record_reader_next(em_record_reader *r, json_t **rec, em_strvec *warnings, em_error *err) {
    *rec = NULL;
    for (;;) {
        draft d;
        draft_init(&d);
        int rc = next_draft(r, &d, err);
        if (rc <= 0) {
            draft_free(&d);
            return rc;
        }
        if (!d.id) {
            draft_free(&d);
            return em_fail(err, EM_ERR_FORMAT,
                           "line %ld: the record has no id (every record needs its own id, "
                           "so that re-imports and alerts can follow it)",
                           r->lineno);
        }
        if (strlen(d.id) > 256) {
            draft_free(&d);
            return em_fail(err, EM_ERR_FORMAT, "line %ld: the record id is longer than 256 bytes",
                           r->lineno);
        }
        *rec = draft_record(&d, r->lineno, warnings);
        draft_free(&d);
        if (*rec) return 1;
    }
}
