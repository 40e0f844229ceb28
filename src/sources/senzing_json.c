/*
 * senzing_json.c - the Senzing entity specification, one JSON object per line
 * (as exported by OpenSanctions and other data vendors):
 *   {"DATA_SOURCE", "RECORD_ID", "RECORD_TYPE": "PERSON" | "ORGANIZATION",
 *    "NAMES": [{"NAME_TYPE": "PRIMARY", "NAME_FULL" | "NAME_ORG" |
 *               "NAME_FIRST"/"NAME_MIDDLE"/"NAME_LAST"}],
 *    "DATES": [{"DATE_OF_BIRTH"}], "COUNTRIES": [{"NATIONALITY"}],
 *    "ADDRESSES": [{"ADDR_FULL" | "ADDR_LINE1".., "ADDR_CITY", ...}],
 *    "IDENTIFIERS": [{"PASSPORT_NUMBER", "PASSPORT_COUNTRY"}, ...],
 *    "RISKS": [{"TOPIC"}], "URL", ...}
 * Senzing lets any attribute sit flat on the record or inside any list of
 * objects, so every object of the record is read as one "feature" with the
 * same rules. Each record becomes "sz-<RECORD_ID>" and is handed to the sink
 * as soon as its line is read (bounded memory: one line).
 *
 * Records whose RECORD_TYPE is JSON null are not parties (OpenSanctions
 * exports positions such as "United States senator" that way) and are
 * skipped; a record without RECORD_TYPE is a LegalEntity. RELATIONSHIPS are
 * not imported (their targets are usually such non-party records).
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "sources/reader.h"
#include "sources/source.h"

typedef struct sz_ctx {
    const char *path;
    long line;
    const char *rid;
    em_error *err;
} sz_ctx;

/* A string attribute of a feature object; numbers are accepted and printed. */
static int attr(sz_ctx *c, json_t *o, const char *key, char buf[64], const char **out) {
    *out = NULL;
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        while (isspace((unsigned char)*s))
            s++;
        *out = *s ? s : NULL;
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, 64, "%lld", (long long)json_integer_value(v));
        *out = buf;
        return 0;
    }
    return em_fail(c->err, EM_ERR_FORMAT, "%s line %ld: record %s: %s must be a string", c->path,
                   c->line, c->rid, key);
}

#define GET(key, var)                                                                              \
    char var##_b[64];                                                                              \
    const char *var;                                                                               \
    if (attr(c, o, key, var##_b, &var) < 0) return -1

static size_t iso_prefix(const char *s) {
    if (!s) return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    if (s[4] != '-') return s[4] == '\0' ? 4 : 0;
    if (!isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6])) return 0;
    if (s[7] != '-') return s[7] == '\0' ? 7 : 0;
    if (!isdigit((unsigned char)s[8]) || !isdigit((unsigned char)s[9])) return 0;
    return s[10] == '\0' || s[10] == 'T' || s[10] == ' ' ? 10 : 0;
}

static void join(em_buf *b, const char *s, const char *sep) {
    if (!s || !*s) return;
    if (b->len) em_buf_adds(b, sep);
    em_buf_adds(b, s);
}

/* Identifier attributes: number key, country key, type, label */
static const struct {
    const char *num, *country, *type, *label;
} ids[] = {
    {"PASSPORT_NUMBER", "PASSPORT_COUNTRY", EM_ID_PASSPORT, "Passport"},
    {"NATIONAL_ID_NUMBER", "NATIONAL_ID_COUNTRY", EM_ID_NATIONAL, "National ID"},
    {"SSN_NUMBER", NULL, EM_ID_NATIONAL, "SSN"},
    {"TAX_ID_NUMBER", "TAX_ID_COUNTRY", EM_ID_TAX, "Tax ID"},
    {"DRIVERS_LICENSE_NUMBER", "DRIVERS_LICENSE_STATE", EM_ID_OTHER, "Driver's licence"},
    {"LEI_NUMBER", NULL, EM_ID_OTHER, "LEI"},
    {"DUNS_NUMBER", NULL, EM_ID_OTHER, "DUNS"},
    {"NPI_NUMBER", NULL, EM_ID_OTHER, "NPI"},
    {"ACCOUNT_NUMBER", NULL, EM_ID_OTHER, "Account"},
    {"EMAIL_ADDRESS", NULL, EM_ID_EMAIL, NULL},
    {"WEBSITE_ADDRESS", NULL, EM_ID_WEBSITE, NULL},
    {"PHONE_NUMBER", NULL, EM_ID_PHONE, NULL},
};

/* One feature object (or the record itself for flat attributes). */
static int feature(sz_ctx *c, em_entity *e, json_t *o, int *has_primary) {
    /* names */
    GET("NAME_TYPE", ntype);
    GET("NAME_FULL", full);
    GET("NAME_ORG", org);
    GET("NAME_FIRST", nfirst);
    GET("NAME_MIDDLE", nmiddle);
    GET("NAME_LAST", nlast);
    em_buf b;
    em_buf_init(&b);
    if (!full) full = org;
    if (!full) {
        join(&b, nfirst, " ");
        join(&b, nmiddle, " ");
        join(&b, nlast, " ");
        if (b.len) full = em_buf_cstr(&b);
    }
    if (full) {
        int primary = ntype ? em_strcaseeq(ntype, "PRIMARY") : !*has_primary;
        em_name *n = em_entity_add_name(e, full, primary ? EM_NAME_PRIMARY : EM_NAME_AKA,
                                        primary ? NULL : "strong", NULL);
        if (n && (nfirst || nlast)) {
            em_entity_set(&n->first, nfirst);
            em_entity_set(&n->middle, nmiddle);
            em_entity_set(&n->last, nlast);
        }
        if (primary) *has_primary = 1;
    }
    em_buf_free(&b);

    /* dates, countries, places */
    GET("DATE_OF_BIRTH", dob);
    if (dob) {
        size_t p = iso_prefix(dob);
        char *from = p ? em_xstrndup(dob, p) : NULL;
        em_entity_add_birth_date(e, dob, from, from, 0);
        free(from);
    }
    GET("DATE_OF_DEATH", dod);
    em_entity_add_prop(e, "death_date", dod);
    GET("REGISTRATION_DATE", regd);
    em_entity_add_prop(e, "incorporation_date", regd);
    GET("NATIONALITY", nat);
    em_entity_add_nationality(e, nat);
    GET("CITIZENSHIP", cit);
    em_entity_add_citizenship(e, cit);
    GET("PLACE_OF_BIRTH", pob);
    em_entity_add_birth_place(e, pob);
    const char *countries[] = {"REGISTRATION_COUNTRY", "COUNTRY_OF_ASSOCIATION"};
    for (int k = 0; k < 2; k++) {
        GET(countries[k], ctry);
        em_entity_add_address(e, NULL, NULL, NULL, NULL, ctry);
    }
    GET("GENDER", gender);
    if (gender) {
        if (em_strcaseeq(gender, "M") || em_strcaseeq(gender, "MALE"))
            em_entity_set(&e->gender, "male");
        else if (em_strcaseeq(gender, "F") || em_strcaseeq(gender, "FEMALE"))
            em_entity_set(&e->gender, "female");
    }

    /* addresses */
    GET("ADDR_FULL", afull);
    GET("ADDR_LINE1", l1);
    GET("ADDR_LINE2", l2);
    GET("ADDR_LINE3", l3);
    GET("ADDR_CITY", city);
    GET("ADDR_STATE", state);
    GET("ADDR_POSTAL_CODE", postal);
    GET("ADDR_COUNTRY", actry);
    em_buf_init(&b);
    join(&b, afull, ", ");
    join(&b, l1, ", ");
    join(&b, l2, ", ");
    join(&b, l3, ", ");
    em_entity_add_address(e, b.len ? em_buf_cstr(&b) : NULL, city, state, postal, actry);
    em_buf_free(&b);

    /* identifiers */
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
        GET(ids[k].num, num);
        if (!num) continue;
        const char *ctry = NULL;
        char cb[64];
        if (ids[k].country && attr(c, o, ids[k].country, cb, &ctry) < 0) return -1;
        em_entity_add_identifier(e, ids[k].type, num, ctry, ids[k].label);
    }
    const char *typed[][3] = {{"OTHER_ID_NUMBER", "OTHER_ID_TYPE", "OTHER_ID_COUNTRY"},
                              {"TRUSTED_ID_NUMBER", "TRUSTED_ID_TYPE", NULL}};
    for (int k = 0; k < 2; k++) {
        GET(typed[k][0], num);
        if (!num) continue;
        GET(typed[k][1], label);
        const char *ctry = NULL;
        char cb[64];
        if (typed[k][2] && attr(c, o, typed[k][2], cb, &ctry) < 0) return -1;
        em_entity_add_identifier(e, EM_ID_OTHER, num, ctry, label);
    }

    /* risks and the rest */
    GET("TOPIC", topic);
    em_entity_add_prop(e, "topics", topic);
    GET("URL", url);
    em_entity_add_prop(e, "source_url", url);
    GET("LAST_CHANGE", last_change);
    em_entity_add_prop(e, "last_change", last_change);
    GET("DATA_SOURCE", ds);
    em_entity_add_prop(e, "data_source", ds);
    return 0;
}

static int parse_record(sz_ctx *c, json_t *root, const char *source, em_entity **out) {
    *out = NULL;
    if (!json_is_object(root))
        return em_fail(c->err, EM_ERR_FORMAT, "%s line %ld: expected a JSON object per line",
                       c->path, c->line);
    json_t *id = json_object_get(root, "RECORD_ID");
    char idb[64];
    if (json_is_string(id) && *json_string_value(id))
        c->rid = json_string_value(id);
    else if (json_is_integer(id)) {
        snprintf(idb, sizeof idb, "%lld", (long long)json_integer_value(id));
        c->rid = idb;
    } else
        return em_fail(c->err, EM_ERR_FORMAT,
                       "%s line %ld: RECORD_ID must be a non-empty string or a number", c->path,
                       c->line);
    json_t *rt = json_object_get(root, "RECORD_TYPE");
    const char *schema = EM_SCHEMA_LEGAL_ENTITY;
    if (rt && json_is_null(rt)) return 0; /* not a party */
    if (rt && !json_is_string(rt))
        return em_fail(c->err, EM_ERR_FORMAT,
                       "%s line %ld: record %s: RECORD_TYPE must be a string", c->path, c->line,
                       c->rid);
    if (rt) {
        const char *t = json_string_value(rt);
        if (em_strcaseeq(t, "PERSON"))
            schema = EM_SCHEMA_PERSON;
        else if (em_strcaseeq(t, "ORGANIZATION"))
            schema = EM_SCHEMA_ORGANIZATION;
        else if (em_strcaseeq(t, "VESSEL"))
            schema = EM_SCHEMA_VESSEL;
        else if (em_strcaseeq(t, "AIRCRAFT"))
            schema = EM_SCHEMA_AIRCRAFT;
    }
    em_entity *e = em_entity_new(source, "sz", c->rid, schema);
    int has_primary = 0;
    /* primary names first, whatever the key order */
    json_t *names = json_object_get(root, "NAMES");
    if (names && !json_is_array(names)) {
        em_entity_free(e);
        return em_fail(c->err, EM_ERR_FORMAT, "%s line %ld: record %s: NAMES must be an array",
                       c->path, c->line, c->rid);
    }
    if (feature(c, e, root, &has_primary) < 0) goto bad;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (json_is_array(v)) {
            size_t i;
            json_t *o;
            json_array_foreach(v, i, o) {
                if (!json_is_object(o)) {
                    em_fail(c->err, EM_ERR_FORMAT,
                            "%s line %ld: record %s: the elements of %s must be objects", c->path,
                            c->line, c->rid, key);
                    goto bad;
                }
                if (feature(c, e, o, &has_primary) < 0) goto bad;
            }
        } else if (json_is_object(v)) {
            if (feature(c, e, v, &has_primary) < 0) goto bad;
        }
    }
    if (!e->names.len) {
        em_fail(c->err, EM_ERR_FORMAT, "%s line %ld: record %s has no name", c->path, c->line,
                c->rid);
        goto bad;
    }
    /* the primary name goes first */
    for (size_t i = 1; i < e->names.len; i++)
        if (strcmp(e->names.items[i].kind, EM_NAME_PRIMARY) == 0) {
            em_name tmp = e->names.items[i];
            memmove(&e->names.items[1], &e->names.items[0], i * sizeof tmp);
            e->names.items[0] = tmp;
            break;
        }
    if (strcmp(e->names.items[0].kind, EM_NAME_PRIMARY) != 0)
        em_entity_set(&e->names.items[0].kind, EM_NAME_PRIMARY);
    em_entity_finish(e);
    *out = e;
    return 0;
bad:
    em_entity_free(e);
    return -1;
}

int em_parse_senzing_json(const char *path, const char *source, em_sink_fn sink, void *ctx,
                          em_parse_meta *meta, em_error *err) {
    if (!path || !source || !sink)
        return em_fail(err, EM_ERR_USAGE, "em_parse_senzing_json: missing path, source or sink");
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "senzing-json");
    em_reader *r = em_reader_open(path, err);
    if (!r) return -1;
    em_buf line;
    em_buf_init(&line);
    int rc = -1, got;
    long records = 0;
    while ((got = em_reader_getline(r, &line, err)) == 1) {
        const char *s = line.data ? line.data : "";
        size_t n = line.len;
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        while (n && isspace((unsigned char)*s))
            s++, n--;
        if (!n) continue;
        sz_ctx c = {path, em_reader_line(r), NULL, err};
        json_error_t je;
        json_t *root = json_loadb(s, n, 0, &je);
        if (!root) {
            em_fail(err, EM_ERR_FORMAT, "%s line %ld: invalid JSON (%s, column %d)", path, c.line,
                    je.text, je.column);
            goto done;
        }
        em_entity *e;
        int k = parse_record(&c, root, source, &e);
        json_decref(root);
        if (k < 0) goto done;
        records++;
        if (e && sink(ctx, e, err) < 0) goto done;
    }
    if (got < 0) goto done;
    if (records == 0) {
        em_fail(err, EM_ERR_FORMAT, "%s line %ld: no records (empty file)", path,
                em_reader_line(r) + 1);
        goto done;
    }
    rc = 0;
done:
    em_reader_close(r);
    em_buf_free(&line);
    return rc;
}
