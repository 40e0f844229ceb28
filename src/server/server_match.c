/*
 * server_match.c - screening over HTTP: POST /match/{dataset} (the
 * OpenSanctions/yente match API: request {"queries": {"q1": {"schema",
 * "properties"}}}, response {"responses": {"q1": {"status", "results",
 * "total", "query"}}, "lists", "limit"}; GET /search is server_search.c).
 * It validates everything before screening (every problem is a 4xx JSON
 * error): each yente query becomes an em_party through the party
 * setters (names, weak aliases, name parts, every birth date, every country,
 * gender, typed identifiers, the schema from the schema table), so a value
 * the engine cannot use is refused (422 invalid_value, naming the query and
 * the property) instead of dropped. Each query is ONE em_engine_screen
 * (every name, qualifiers once, matchable schemata, the route's or the
 * include_dataset datasets); exclude_dataset, exclude_entity_ids and the
 * cutoff are post-filters here. The answer echoes each query as understood
 * (countries as ISO codes, the schema's FtM name) and names the list
 * versions the result sets were screened against. Every query screened is
 * an audit entry (kind "match" or "search", the key's analyst as user:
 * srv_audit_screening, server_monitor.c); one that cannot be written fails
 * the request with a 503.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/schema.h"
#include "server/server_internal.h"

#define MAX_VALUES 64        /* values per property */
#define MAX_VALUE_BYTES 2048 /* bytes per value */
#define MAX_LIMIT 500
#define DEFAULT_CUTOFF 0.5

/* ---- request options ------------------------------------------------------- */

typedef struct filters {
    const char *dataset; /* NULL = every loaded list */
    double threshold, cutoff;
    int strict_cutoff; /* /match (yente): results score above the cutoff; /search: at least */
    size_t limit;
    char changed_since[20];   /* "YYYY-MM-DDThh:mm:ss" (padded) or "" */
    int doc_filters;          /* topics or changed_since: read the results' FtM documents */
    const srv_params *params; /* include_dataset, exclude_dataset, exclude_entity_ids */
    const char *audit_kind;   /* "match" / "search": each screening is audited */
    const char *user;         /* as this user (NULL: not audited) */
} filters;

/* plain decimal only: digits, optionally "." and digits ("0.7", ".7", "1"); no sign,
   space, exponent, hex, "inf" or "nan" (strtod takes all of those) */
int srv_parse_decimal(const char *v, double lo, double hi, double *out) {
    const char *c = v;
    size_t digits = 0;
    while (*c >= '0' && *c <= '9')
        c++, digits++;
    if (*c == '.') {
        c++;
        while (*c >= '0' && *c <= '9')
            c++, digits++;
    }
    if (!digits || *c || c - v > 32) return -1;
    double d = strtod(v, NULL);
    if (!isfinite(d) || d < lo || d > hi) return -1;
    *out = d;
    return 0;
}

/* a plain decimal integer ("5"; not "0x10", "1e3", " 5", "+5", "-1", "5.0") */
int srv_parse_count(const char *v, unsigned long lo, unsigned long hi, unsigned long *out) {
    unsigned long n = 0;
    if (!*v) return -1;
    for (const char *c = v; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        n = n * 10 + (unsigned long)(*c - '0');
        if (n > hi) return -1; /* also stops overflow: hi is small */
    }
    if (n < lo) return -1;
    *out = n;
    return 0;
}

/* a yente validation error (422): {"detail": [{"type", "loc", "msg", "input"}]}; loc is
   "query"/"body" then the field path, '/'-separated ("body/queries/q1/schema") */
int srv_invalid(srv_response *r, const char *type, const char *loc, const char *msg,
                   json_t *input) {
    json_t *l = json_array();
    for (const char *c = loc; *c;) {
        size_t n = strcspn(c, "/");
        json_array_append_new(l, json_stringn(c, n));
        c += n;
        if (*c) c++;
    }
    json_t *d = json_object();
    json_object_set_new(d, "type", json_string(type));
    json_object_set_new(d, "loc", l);
    json_object_set_new(d, "msg", json_string(msg));
    json_object_set_new(d, "input", input ? input : json_null());
    json_t *det = json_array();
    json_array_append_new(det, d);
    json_t *body = json_object();
    json_object_set_new(body, "status", json_integer(422));
    json_object_set_new(body, "error", json_string("validation_error"));
    json_object_set_new(body, "detail", det);
    srv_json(r, 422, body);
    return -1;
}

/* yente's TS_PATTERN: ^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$; the value padded to
   "YYYY-MM-DDThh:mm:ss" (the time 00 where not given) */
int srv_parse_timestamp(const char *v, char out[20]) {
    static const char *const SHAPE = "dddd-dd-ddTdd:dd:dd";
    size_t n = strlen(v);
    if (n != 10 && n != 13 && n != 16 && n != 19) return -1;
    for (size_t i = 0; i < n; i++)
        if (SHAPE[i] == 'd' ? !(v[i] >= '0' && v[i] <= '9') : v[i] != SHAPE[i]) return -1;
    memcpy(out, "0000-00-00T00:00:00", 20);
    memcpy(out, v, n);
    return 0;
}

static int param_has(const srv_params *p, const char *key, const char *value);
static int param_present(const srv_params *p, const char *key);

/* how many values the (repeatable, comma-separated) parameter has */
static size_t param_count(const srv_params *p, const char *key) {
    size_t n = 0;
    for (size_t i = 0; p && i < p->len; i++) {
        if (strcmp(p->keys[i], key) != 0) continue;
        for (const char *s = p->values[i]; *s;) {
            size_t k = strcspn(s, ",");
            n += k > 0;
            s += k;
            if (*s == ',') s++;
        }
    }
    return n;
}

/* /match's own parameters (yente): algorithm, changed_since, exclude_entity_ids (at
   most 50), topics; exclude_schema and fuzzy are taken as they come. 0, or a 400/422 */
static int parse_match_filters(const srv_params *p, filters *f, srv_response *r) {
    const char *v;
    /* the names of /algorithms (server_yente.c): embargo's matcher and its aliases */
    if ((v = srv_params_get(p, "algorithm")) && !srv_algorithm_known(v)) {
        srv_error(r, 400, "invalid_algorithm",
                  "Invalid algorithm: %.100s (known: best, default, embargo-v1, and the "
                  "aliases logic-v2, logic-v1, name-based: all of them embargo's matcher; see "
                  "/algorithms)",
                  v);
        return -1;
    }
    if ((v = srv_params_get(p, "changed_since"))) {
        if (srv_parse_timestamp(v, f->changed_since) != 0)
            return srv_invalid(r, "string_pattern_mismatch", "query/changed_since",
                           "String should match pattern "
                           "'^\\d{4}-\\d{2}-\\d{2}(T\\d{2}(:\\d{2}(:\\d{2})?)?)?$'",
                           json_string(v));
        f->doc_filters = 1;
    }
    if (param_count(p, "exclude_entity_ids") > 50)
        return srv_invalid(r, "too_long", "query/exclude_entity_ids",
                       "List should have at most 50 items after validation", NULL);
    if (param_present(p, "topics")) f->doc_filters = 1;
    return 0;
}

/* threshold, cutoff and limit; 0 or a 400 response. /match (yente): the cutoff
   defaults to the threshold and is at most the threshold, limit 0 is allowed;
   /search: the cutoff defaults to min(0.5, threshold). */
static int parse_filters(const srv_params *p, size_t default_limit, int yente, filters *f,
                         srv_response *r) {
    const char *v;
    f->threshold = EM_DEFAULT_THRESHOLD;
    f->limit = default_limit;
    f->params = p;
    f->strict_cutoff = yente;
    int cutoff_given = 0;
    if ((v = srv_params_get(p, "threshold")) && srv_parse_decimal(v, 0, 1, &f->threshold) != 0) {
        srv_error(r, 400, "invalid_parameter",
                  "threshold must be a decimal number between 0 and 1 (such as 0.7)");
        return -1;
    }
    if ((v = srv_params_get(p, "cutoff"))) {
        if (srv_parse_decimal(v, 0, 1, &f->cutoff) != 0) {
            srv_error(r, 400, "invalid_parameter",
                      "cutoff must be a decimal number between 0 and 1 (such as 0.5)");
            return -1;
        }
        cutoff_given = 1;
    }
    if (yente) {
        if (!cutoff_given || f->cutoff > f->threshold) f->cutoff = f->threshold;
    } else if (!cutoff_given) {
        f->cutoff = f->threshold < DEFAULT_CUTOFF ? f->threshold : DEFAULT_CUTOFF;
    }
    unsigned long lim;
    if ((v = srv_params_get(p, "limit"))) {
        if (srv_parse_count(v, yente ? 0 : 1, MAX_LIMIT, &lim) != 0) {
            srv_error(r, 400, "invalid_parameter",
                      "limit must be a decimal integer between %d and %d (digits only)",
                      yente ? 0 : 1, MAX_LIMIT);
            return -1;
        }
        f->limit = (size_t)lim;
    }
    for (size_t i = 0; i < p->len; i++)
        if (!srv_utf8_valid(p->values[i], strlen(p->values[i]))) {
            srv_error(r, 400, "invalid_utf8", "the query parameter '%s' is not valid UTF-8",
                      srv_utf8_valid(p->keys[i], strlen(p->keys[i])) ? p->keys[i] : "?");
            return -1;
        }
    return 0;
}

/* is `value` one of the comma-separated values of the (repeatable) parameter `key`? */
static int param_has(const srv_params *p, const char *key, const char *value) {
    size_t vn = strlen(value);
    for (size_t i = 0; p && i < p->len; i++) {
        if (strcmp(p->keys[i], key) != 0) continue;
        const char *s = p->values[i];
        while (*s) {
            size_t n = strcspn(s, ",");
            if (n == vn && strncmp(s, value, n) == 0) return 1;
            s += n;
            if (*s == ',') s++;
        }
    }
    return 0;
}

static int param_present(const srv_params *p, const char *key) {
    return srv_params_get(p, key) != NULL;
}

/* is `s` the schema named `anc` or one of its descendants? */
static int schema_descends(const em_schema_info *s, const char *anc) {
    for (; s; s = s->parent ? em_schema_find(s->parent) : NULL)
        if (strcmp(s->name, anc) == 0) return 1;
    return 0;
}

/*
 * FtM's matchable schemata (what yente restricts candidates to): the query's
 * schema, its descendants, and its matchable ancestors (LegalEntity, not
 * Thing). A LegalEntity query meets persons and organisations, not a Vessel;
 * a Vessel query does not meet a LegalEntity. Schemata the table does not know
 * are left to the engine (which applied its own rule already).
 */
static int schema_matchable(const char *query, const char *listed) {
    const em_schema_info *q = em_schema_find(query), *l = em_schema_find(listed);
    if (!q || !l) return 1;
    if (schema_descends(l, q->name)) return 1;
    return strcmp(l->name, "Thing") != 0 && schema_descends(q, l->name);
}

/* is the result's schema one of exclude_schema (FtM names or the table's aliases)? */
static int schema_excluded(const srv_params *p, const char *schema) {
    const em_schema_info *x = em_schema_find(schema);
    for (size_t i = 0; p && i < p->len; i++) {
        if (strcmp(p->keys[i], "exclude_schema") != 0) continue;
        const em_schema_info *e = em_schema_find(p->values[i]);
        if (strcmp(p->values[i], schema) == 0 || (e && e == x)) return 1;
        if (e && x && (strcmp(e->name, "Airplane") == 0 || strcmp(e->name, "Aircraft") == 0) &&
            x->kind == EM_PARTY_AIRCRAFT)
            return 1;
    }
    return 0;
}

/* topics (any of them among the result's properties.topics) and changed_since
   (last_change after it), read from the result's FtM document */
static int doc_keep(em_server *s, srv_gen *g, const filters *f, const em_result *x) {
    const char *frag = srv_entity_fragment(s, g, x);
    size_t n = strlen(frag);
    char *text = em_xmalloc(n + 3);
    text[0] = '{';
    memcpy(text + 1, frag, n);
    text[n + 1] = '}';
    text[n + 2] = '\0';
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    int keep = 1;
    if (param_present(f->params, "topics")) {
        json_t *topics = json_object_get(json_object_get(doc, "properties"), "topics");
        size_t i;
        json_t *t;
        keep = 0;
        json_array_foreach(topics, i, t) {
            if (json_is_string(t) && param_has(f->params, "topics", json_string_value(t))) keep = 1;
        }
    }
    if (keep && f->changed_since[0]) {
        const char *lc = json_string_value(json_object_get(doc, "last_change"));
        keep = lc && strncmp(lc, f->changed_since, 19) > 0;
    }
    json_decref(doc);
    return keep;
}

/* the post-filters the engine does not apply: the route's dataset with
   include_dataset (both given: the intersection), exclude_dataset,
   exclude_entity_ids, exclude_schema, FtM's matchable schemata, the cutoff
   (/match: above it, as yente; /search: at least), topics and changed_since */
static int keep_result(em_server *s, srv_gen *g, const filters *f, const char *qschema,
                       const em_result *x) {
    if (f->dataset && strcmp(x->source, f->dataset) != 0) return 0;
    if (param_present(f->params, "include_dataset") &&
        !param_has(f->params, "include_dataset", x->source))
        return 0;
    if (param_has(f->params, "exclude_dataset", x->source)) return 0;
    if (param_has(f->params, "exclude_entity_ids", x->id)) return 0;
    if (f->strict_cutoff ? x->score <= f->cutoff : x->score < f->cutoff) return 0;
    if (f->strict_cutoff) {
        if (qschema && !schema_matchable(qschema, x->schema)) return 0;
        if (schema_excluded(f->params, x->schema)) return 0;
        if (f->doc_filters && !doc_keep(s, g, f, x)) return 0;
    }
    return 1;
}

/* do post-filters drop results, so that the engine is asked for more? */
static int post_filtered(const filters *f) {
    return (f->dataset && param_present(f->params, "include_dataset")) ||
           param_present(f->params, "exclude_dataset") ||
           param_present(f->params, "exclude_entity_ids") ||
           param_present(f->params, "exclude_schema") || f->doc_filters;
}

/* the datasets the engine screens: the route's, else the include_dataset values */
static void screen_datasets(const filters *f, em_strvec *out) {
    if (f->dataset) {
        em_strvec_push(out, f->dataset);
        return;
    }
    for (size_t i = 0; f->params && i < f->params->len; i++) {
        if (strcmp(f->params->keys[i], "include_dataset") != 0) continue;
        const char *v = f->params->values[i];
        while (*v) {
            size_t n = strcspn(v, ",");
            if (n) {
                char *d = em_xstrndup(v, n);
                em_strvec_push_unique(out, d);
                free(d);
            }
            v += n;
            if (*v == ',') v++;
        }
    }
}

/* ---- one screened party ----------------------------------------------------------- */

/* the yente "features": each per-feature score of the result (em_result_features) */
static void add_features(em_buf *b, const em_result *x) {
    const char *names[8];
    double values[8];
    size_t n = em_result_features(x, names, values, 8);
    if (n > 8) n = 8;
    em_buf_addc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) em_buf_addc(b, ',');
        em_buf_json_str(b, names[i]);
        em_buf_printf(b, ":%.3f", values[i]);
    }
    em_buf_addc(b, '}');
}

static void add_result(em_server *s, srv_gen *g, em_buf *b, const em_result *x, const filters *f,
                       uint64_t generation) {
    em_buf_addc(b, '{');
    em_buf_adds(b, srv_entity_fragment(s, g, x));
    int match = x->score >= f->threshold;
    /* the score as the shortest decimal that reads back as the same double (as
       yente's JSON): never rounded across the threshold or the cutoff */
    char num[32];
    for (int prec = 3; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, x->score);
        if (strtod(num, NULL) == x->score) break;
    }
    em_buf_printf(b, ",\"score\":%s,\"match\":%s,\"features\":", num, match ? "true" : "false");
    add_features(b, x);
    em_buf_adds(b, ",\"explanation\":");
    em_buf_adds(b, x->explanation_json && *x->explanation_json ? x->explanation_json : "{}");
    em_buf_adds(b, ",\"matched_name\":");
    em_buf_json_str(b, x->matched_name);
    /* the same party on other lists (UN reference, identifiers, name and birth date) */
    em_buf_adds(b, ",\"related\":");
    em_buf_adds(b, x->related_json && *x->related_json ? x->related_json : "[]");
    em_buf_adds(b, ",\"source\":{\"dataset\":");
    em_buf_json_str(b, x->source);
    uint64_t h = 1469598103934665603ull ^ generation;
    for (const char *p = x->id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    em_buf_printf(b, ",\"version\":%lld},\"token\":\"%016llx\"}", (long long)x->version,
                  (unsigned long long)h);
}

/*
 * Screens a party with one em_engine_screen and appends the JSON array of its
 * results (after the post-filters) to `out`; *res receives the result set (its
 * list versions and generation; caller frees). Returns 0, or -1 with err set,
 * or -2 with r filled (the audit entry could not be written).
 */
static int screen(em_server *s, srv_gen *g, const em_party *pa, const char *qschema,
                  const filters *f, em_buf *out, size_t *nresults, size_t *nmatches, size_t *total,
                  em_results **res, em_error *err, srv_response *r) {
    *res = NULL;
    *nresults = 0;
    *total = 0;
    em_strvec ds;
    em_strvec_init(&ds);
    screen_datasets(f, &ds);
    size_t want = f->limit;
    if (f->strict_cutoff) {
        /* yente scores limit * 10 candidates (at least 20, at most max(500, limit))
           and counts the matches among all of them (total) */
        want = f->limit * 10;
        if (want < 20) want = 20;
        if (want > MAX_LIMIT) want = MAX_LIMIT;
    } else if (post_filtered(f)) {
        want = want * 4 + 20;
    }
    if (want > MAX_LIMIT) want = MAX_LIMIT;
    em_screen_options o = {EM_SCREEN_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0};
    o.threshold = f->threshold > 0 ? f->threshold : 1e-9; /* 0 would be the default */
    o.limit = want;
    o.all = f->cutoff < f->threshold; /* candidates below the threshold too */
    o.cutoff = f->cutoff;
    o.datasets = (const char *const *)ds.items;
    o.ndatasets = ds.len;
    int rc = em_engine_screen(g->engine, pa, &o, res, err);
    if (rc == 0 && f->user && srv_audit_screening(s, f->audit_kind, f->user, pa, &o, *res, r) != 0)
        rc = -2;
    em_strvec_free(&ds);
    if (rc != 0) return rc;
    em_buf_addc(out, '[');
    size_t n = 0;
    for (size_t i = 0; i < em_results_count(*res); i++) {
        const em_result *x = em_results_get(*res, i);
        if (!f->strict_cutoff && n >= f->limit) break;
        if (!keep_result(s, g, f, qschema, x)) continue;
        /* /match: total counts the matches of every candidate kept, as yente */
        if (f->strict_cutoff && x->score >= f->threshold) (*total)++;
        if (n >= f->limit) continue;
        if (n++) em_buf_addc(out, ',');
        add_result(s, g, out, x, f, em_results_generation(*res));
        if (x->score >= f->threshold) (*nmatches)++;
    }
    if (!f->strict_cutoff) *total = n;
    em_buf_addc(out, ']');
    *nresults = n;
    return 0;
}

/* 500 for a failure of the engine, 422 for a party it refused */
static void screen_failed(srv_response *r, const char *qname, const em_error *err) {
    if (err->code == EM_ERR_USAGE)
        srv_error(r, 422, "invalid_query", "query '%s': %s", qname, err->message);
    else
        srv_error(r, 500, "internal", "screening failed: %s", err->message);
}

/* ---- the yente query object ------------------------------------------------------------ */

/* the em_party identifier type of an FtM identifier property, or NULL (not one) */
static const char *id_type(const char *key) {
    static const char *const MAP[][2] = {
        {"passportNumber", "passport"},
        {"idNumber", "national_id"},
        {"socialSecurityNumber", "national_id"},
        {"taxNumber", "tax_id"},
        {"innCode", "tax_id"},
        {"vatCode", "tax_id"},
        {"registrationNumber", "registration"},
        {"registrationNumbers", "registration"},
        {"ogrnCode", "registration"},
        {"leiCode", "lei"},
        {"swiftBic", "bic"},
        {"bicCode", "bic"},
        {"imoNumber", "imo"},
        {"mmsi", "mmsi"},
        {"callSign", "call_sign"},
        {"cryptoWallet", "crypto"},
        {"publicKey", "crypto"},
        {"email", "email"},
        {"phone", "phone"},
        {"website", "website"},
        {"serialNumber", "other"},
        {"accountNumber", "other"},
        {"iban", "other"},
        {"dunsCode", "other"},
        {"okpoCode", "other"},
        {"kppCode", "other"},
        {"npiCode", "other"},
    };
    for (size_t i = 0; i < sizeof MAP / sizeof *MAP; i++)
        if (strcmp(MAP[i][0], key) == 0) return MAP[i][1];
    return NULL;
}

/* a scalar property value as text (yente coerces numbers to strings: [1965] is
   "1965"); NULL for one that is not a scalar (null is skipped by the caller) */
static const char *scalar_text(json_t *x, char *buf, size_t cap) {
    if (json_is_string(x)) return json_string_value(x);
    if (json_is_integer(x)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(x));
        return buf;
    }
    if (json_is_real(x)) {
        snprintf(buf, cap, "%.17g", json_real_value(x));
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, cap, "%.*g", prec, json_real_value(x));
            if (strtod(buf, NULL) == json_real_value(x)) break;
        }
        if (!strpbrk(buf, ".en")) strncat(buf, ".0", cap - strlen(buf) - 1); /* Python's str() */
        return buf;
    }
    if (json_is_boolean(x)) return json_is_true(x) ? "True" : "False";
    return NULL;
}

#define NUMBUF 32

/* the values of a property as strings (a scalar or an array of scalars; numbers
   as their decimal text in nums, null values skipped) */
static int prop_values(const char *qname, const char *key, json_t *v, const char **out, size_t *n,
                       char (*nums)[NUMBUF], srv_response *r) {
    *n = 0;
    if (json_is_array(v)) {
        if (json_array_size(v) > MAX_VALUES) {
            srv_error(r, 400, "invalid_query", "query '%s': properties.%s has more than %d values",
                      qname, key, MAX_VALUES);
            return -1;
        }
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (json_is_null(x)) continue;
            const char *t = scalar_text(x, nums[*n], NUMBUF);
            if (!t) {
                srv_error(r, 400, "invalid_query",
                          "query '%s': properties.%s must be a list of strings", qname, key);
                return -1;
            }
            out[(*n)++] = t;
        }
    } else {
        const char *t = scalar_text(v, nums[0], NUMBUF);
        if (!t || json_is_boolean(v) || json_is_number(v)) {
            /* yente: str | list[Any] */
            char loc[300];
            snprintf(loc, sizeof loc, "body/queries/%.100s/properties/%.100s", qname, key);
            return srv_invalid(r, "string_type", loc, "Input should be a valid string or list",
                           json_deep_copy(v));
        }
        out[(*n)++] = t;
    }
    for (size_t i = 0; i < *n; i++)
        if (strlen(out[i]) > MAX_VALUE_BYTES) {
            srv_error(r, 400, "invalid_query",
                      "query '%s': a value of properties.%s is longer than %d bytes", qname, key,
                      MAX_VALUE_BYTES);
            return -1;
        }
    return 0;
}

static int is_name_key(const char *key) {
    return strcmp(key, "name") == 0 || strcmp(key, "alias") == 0 ||
           strcmp(key, "previousName") == 0 || strcmp(key, "weakAlias") == 0;
}

static int is_name_part_key(const char *key) {
    return strcmp(key, "firstName") == 0 || strcmp(key, "middleName") == 0 ||
           strcmp(key, "fatherName") == 0 || strcmp(key, "lastName") == 0;
}

static int is_country_key(const char *key) {
    return strcmp(key, "nationality") == 0 || strcmp(key, "country") == 0 ||
           strcmp(key, "citizenship") == 0 || strcmp(key, "jurisdiction") == 0 ||
           strcmp(key, "flag") == 0;
}

/* adds a country to the party; code receives its ISO code ("ir") for the echo */
static int add_country(em_party *pa, const char *v, char code[3], em_error *err) {
    em_party *one = em_party_new(); /* the party dedups: resolve this value alone */
    int rc = em_party_add_country(one, v, err);
    if (rc == 0 && em_party_country_count(one)) {
        snprintf(code, 3, "%s", em_party_country(one, 0));
        rc = em_party_add_country(pa, code, err);
    }
    em_party_free(one);
    return rc;
}

/* one yente query, as the engine screens it */
typedef struct query {
    em_party *party;
    json_t *echo;       /* the query as understood: schema and values normalised */
    const char *schema; /* the schema table's name (the party says NULL for LegalEntity) */
    size_t given;       /* name values given (before removing duplicates), for the limits */
} query;

static void query_free(query *q) {
    em_party_free(q->party);
    json_decref(q->echo);
    memset(q, 0, sizeof *q);
}

/* a value a party setter refused: what the query said, and why */
static int refused(srv_response *r, const char *qname, const char *key, const em_error *err) {
    srv_error(r, 422, "invalid_value", "query '%s': properties.%s: %s", qname, key, err->message);
    return -1;
}

static int parse_query(const em_server_options *o, const char *qname, json_t *q, query *out,
                       srv_response *r) {
    memset(out, 0, sizeof *out);
    char loc[256];
    /* yente's EntityExample: an object with a string schema, an object of
       properties and an optional string id (422 for each of these missing or
       of another type) */
    if (!json_is_object(q)) {
        snprintf(loc, sizeof loc, "body/queries/%.200s", qname);
        return srv_invalid(r, "model_attributes_type", loc,
                       "Input should be a valid dictionary or object to extract fields from",
                       json_deep_copy(q));
    }
    out->party = em_party_new();
    out->echo = json_object();
    em_party *pa = out->party;
    em_error err = {0};
    json_t *id = json_object_get(q, "id");
    if (id && !json_is_null(id) && !json_is_string(id)) {
        snprintf(loc, sizeof loc, "body/queries/%.200s/id", qname);
        return srv_invalid(r, "string_type", loc, "Input should be a valid string", json_deep_copy(id));
    }
    json_object_set_new(out->echo, "id", id ? json_deep_copy(id) : json_null());
    json_t *sch = json_object_get(q, "schema");
    if (!json_is_string(sch)) {
        snprintf(loc, sizeof loc, "body/queries/%.200s/schema", qname);
        return sch ? srv_invalid(r, "string_type", loc, "Input should be a valid string",
                             json_deep_copy(sch))
                   : srv_invalid(r, "missing", loc, "Field required", NULL);
    }
    const char *sv = json_string_value(sch);
    if (em_party_set_schema(pa, sv, &err) != 0) {
        srv_error(r, 400, "invalid_schema", "Cannot parse example entity: query '%s': %s", qname,
                  err.message);
        return -1;
    }
    const em_schema_info *si = em_schema_find(sv);
    json_object_set_new(out->echo, "schema", json_string(si ? si->name : sv));
    out->schema = si ? si->name : NULL;
    json_t *props = json_object_get(q, "properties");
    if (!json_is_object(props)) {
        snprintf(loc, sizeof loc, "body/queries/%.200s/properties", qname);
        return props ? srv_invalid(r, "dict_type", loc, "Input should be a valid dictionary",
                               json_deep_copy(props))
                     : srv_invalid(r, "missing", loc, "Field required", NULL);
    }
    json_t *echo = json_object();
    json_object_set_new(out->echo, "properties", echo);
    const char *key;
    json_t *v;
    const char *first = NULL, *middle = NULL, *last = NULL;
    json_object_foreach(props, key, v) {
        const char *vals[MAX_VALUES];
        char nums[MAX_VALUES][NUMBUF];
        size_t n;
        if (prop_values(qname, key, v, vals, &n, nums, r) != 0) return -1;
        json_t *ev = json_array();
        json_object_set_new(echo, key, ev); /* owned by the echo (also on an early return) */
        const char *type = id_type(key);
        for (size_t i = 0; i < n; i++) {
            const char *x = vals[i];
            if (!*x) continue;
            const char *shown = x;
            char code[3];
            if ((is_name_key(key) || is_name_part_key(key)) && strlen(x) > o->max_name_bytes) {
                srv_error(r, 422, "name_too_long",
                          "query '%s': a value of properties.%s has %zu bytes; a name may have "
                          "at most %zu",
                          qname, key, strlen(x), o->max_name_bytes);
                return -1;
            }
            if (is_name_key(key)) {
                if (++out->given > o->max_names_per_query) {
                    srv_error(r, 422, "too_many_names",
                              "query '%s' has more than %u names (name, alias, previousName and "
                              "weakAlias values together); send the other names as another "
                              "query of the same request",
                              qname, o->max_names_per_query);
                    return -1;
                }
                unsigned flags = strcmp(key, "weakAlias") == 0 ? EM_NAME_WEAK : 0;
                if (em_party_add_name(pa, x, flags, &err) != 0) return refused(r, qname, key, &err);
            } else if (strcmp(key, "firstName") == 0) {
                if (!first) first = x;
            } else if (strcmp(key, "middleName") == 0 || strcmp(key, "fatherName") == 0) {
                if (!middle) middle = x;
            } else if (strcmp(key, "lastName") == 0) {
                if (!last) last = x;
            } else if (strcmp(key, "birthDate") == 0 || strcmp(key, "incorporationDate") == 0) {
                if (em_party_add_birth_date(pa, x, &err) != 0) return refused(r, qname, key, &err);
            } else if (is_country_key(key)) {
                if (add_country(pa, x, code, &err) != 0) return refused(r, qname, key, &err);
                shown = code;
            } else if (strcmp(key, "gender") == 0) {
                /* every value is checked; the first male or female one counts */
                em_party *one = em_party_new();
                int rc = em_party_set_gender(one, x, &err);
                const char *gender = em_party_gender(one); /* a static string */
                em_party_free(one);
                if (rc != 0) return refused(r, qname, key, &err);
                if (gender) shown = gender;
                if (gender && !em_party_gender(pa)) em_party_set_gender(pa, gender, &err);
            } else if (type) {
                if (em_party_add_identifier(pa, type, x, &err) != 0)
                    return refused(r, qname, key, &err);
            }
            json_array_append_new(ev, json_string(shown));
        }
        /* as yente's entity.properties: arrays, no empty ones */
        if (!json_array_size(ev)) json_object_del(echo, key);
    }
    if (!em_party_name_count(pa) && (first || middle || last)) {
        if (em_party_add_name_parts(pa, first, middle, last, &err) != 0)
            return refused(r, qname, "firstName", &err);
        out->given = 1;
    }
    if (!em_party_name_count(pa) && !em_party_identifier_count(pa)) {
        srv_error(r, 400, "invalid_query",
                  "query '%s' has no name and no identifier to screen (properties.name, "
                  "idNumber, passportNumber, imoNumber, ...)",
                  qname);
        return -1;
    }
    return 0;
}

/* ---- the handlers ----------------------------------------------------------------------- */

static const char *dataset_of(const char *dataset) {
    if (!dataset || !*dataset || strcmp(dataset, "default") == 0 || strcmp(dataset, "all") == 0 ||
        strcmp(dataset, "sanctions") == 0)
        return NULL;
    return dataset;
}

/* the current view, or NULL with a 503 / 404 response */
srv_gen *srv_gen_for(em_server *s, const char *dataset, srv_response *r) {
    if (dataset && !srv_utf8_valid(dataset, strlen(dataset))) {
        srv_error(r, 404, "unknown_dataset", "the dataset name is not valid UTF-8");
        return NULL;
    }
    srv_gen *g = srv_gen_acquire(s);
    if (!g) {
        srv_not_ready(s, r);
        return NULL;
    }
    const char *ds = dataset_of(dataset);
    if (ds && !srv_gen_has_source(g, ds)) {
        em_buf b;
        em_buf_init(&b);
        for (size_t i = 0; i < g->nsources; i++)
            em_buf_printf(&b, ", %s", g->sources[i]);
        srv_error(r, 404, "unknown_dataset", "unknown dataset '%.200s' (known: default%s)", dataset,
                  em_buf_cstr(&b));
        em_buf_free(&b);
        srv_gen_release(s, g);
        return NULL;
    }
    return g;
}

void srv_handle_match_as(em_server *s, const char *dataset, const srv_params *params,
                         const char *body, size_t len, const char *user, srv_response *r,
                         em_buf *personal) {
    filters f = {0};
    srv_gen *g = srv_gen_for(s, dataset, r);
    if (!g) return;
    f.dataset = dataset_of(dataset);
    json_t *root = NULL;
    query *queries_v = NULL;
    size_t nparsed = 0;
    char *lists = NULL;
    if (parse_filters(params, 5, 1, &f, r) != 0 || parse_match_filters(params, &f, r) != 0)
        goto done;
    f.audit_kind = "match";
    f.user = user;
    if (!body || len == 0) {
        srv_error(r, 400, "invalid_json",
                  "empty body: expected {\"queries\": {\"q1\": {\"schema\": \"Person\", "
                  "\"properties\": {\"name\": [\"...\"]}}}}");
        goto done;
    }
    json_error_t jerr;
    root = json_loadb(body, len, 0, &jerr);
    if (!root) {
        if (json_error_code(&jerr) == json_error_invalid_utf8)
            srv_error(r, 400, "invalid_utf8",
                      "the body is not valid UTF-8 (line %d, column %d): %s", jerr.line,
                      jerr.column, jerr.text);
        else
            srv_error(r, 400, "invalid_json", "malformed JSON at line %d, column %d: %s", jerr.line,
                      jerr.column, jerr.text);
        goto done;
    }
    if (!json_is_object(root)) {
        srv_error(r, 400, "invalid_request", "the body must be a JSON object with \"queries\"");
        goto done;
    }
    json_t *queries = json_object_get(root, "queries");
    if (!queries) {
        srv_error(r, 400, "invalid_request", "the body has no \"queries\" object");
        goto done;
    }
    if (!json_is_object(queries)) {
        srv_error(r, 400, "invalid_request", "queries must be an object (query name -> query)");
        goto done;
    }
    /* yente's EntityMatchQuery: weights an object of numbers, config an object of
       scalars; embargo's matcher has no configuration parameter, so every config
       key is one the algorithm does not take (yente: 400) */
    json_t *weights = json_object_get(root, "weights"), *config = json_object_get(root, "config");
    if (weights) {
        const char *wk;
        json_t *wv;
        if (!json_is_object(weights)) {
            srv_invalid(r, "dict_type", "body/weights", "Input should be a valid dictionary",
                    json_deep_copy(weights));
            goto done;
        }
        json_object_foreach(weights, wk, wv) {
            if (!json_is_number(wv)) {
                char loc[200];
                snprintf(loc, sizeof loc, "body/weights/%.150s", wk);
                srv_invalid(r, "float_parsing", loc, "Input should be a valid number",
                        json_deep_copy(wv));
                goto done;
            }
        }
    }
    if (config) {
        const char *ck;
        json_t *cv;
        if (!json_is_object(config)) {
            srv_invalid(r, "dict_type", "body/config", "Input should be a valid dictionary",
                    json_deep_copy(config));
            goto done;
        }
        json_object_foreach(config, ck, cv) {
            if (json_is_object(cv) || json_is_array(cv)) {
                char loc[200];
                snprintf(loc, sizeof loc, "body/config/%.150s", ck);
                srv_invalid(r, "string_type", loc,
                        "Input should be a valid string, integer, number or boolean",
                        json_deep_copy(cv));
                goto done;
            }
        }
        json_object_foreach(config, ck, cv) {
            const char *alg = srv_params_get(params, "algorithm");
            srv_error(r, 400, "invalid_config",
                      "Invalid configuration parameter: %.100s for algorithm %.50s (embargo's "
                      "matcher takes none)",
                      ck, alg ? alg : "best");
            goto done;
        }
    }
    size_t nq = json_object_size(queries);
    if (nq > s->opts.max_queries) {
        srv_error(r, 413, "too_many_queries",
                  "%zu queries in one request; at most %u: split them into requests of up to "
                  "%u queries",
                  nq, s->opts.max_queries, s->opts.max_queries);
        goto done;
    }
    queries_v = em_xcalloc(nq ? nq : 1, sizeof *queries_v);
    const char *qname;
    json_t *q;
    size_t names = 0;
    size_t nreal = 0;
    json_object_foreach(queries, qname, q) {
        query *qu = &queries_v[nparsed++];
        /* yente's route skips a null query, but its model (Dict[str, EntityExample])
           refuses one first: 422 */
        nreal++;
        if (parse_query(&s->opts, qname, q, qu, r) != 0) goto done;
        names += qu->given;
        if (names > s->opts.max_names) {
            srv_error(r, 413, "too_many_names",
                      "the request has more than %u names (name, alias, previousName and "
                      "weakAlias values of all its queries); split it into requests of at most "
                      "%u names, such as %u queries of %u names",
                      s->opts.max_names, s->opts.max_names,
                      s->opts.max_names / s->opts.max_names_per_query, s->opts.max_names_per_query);
            goto done;
        }
        if (personal)
            for (size_t k = 0; k < em_party_name_count(qu->party); k++) {
                if (personal->len) em_buf_adds(personal, "; ");
                em_buf_adds(personal, em_party_name(qu->party, k, NULL));
            }
    }
    if (!nreal) {
        srv_error(r, 400, "invalid_request", "No queries provided.");
        goto done;
    }
    em_error err = {0};
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "{\"responses\":{");
    size_t i = 0, matches = 0, written = 0;
    uint64_t first_gen = 0;
    json_object_foreach(queries, qname, q) {
        if (!queries_v[i].party) { /* a null query: no response */
            i++;
            continue;
        }
        if (written++) em_buf_addc(&b, ',');
        em_buf_json_str(&b, qname);
        em_buf_adds(&b, ":{\"status\":200,\"results\":");
        size_t n = 0, total = 0;
        em_results *res = NULL;
        int src = screen(s, g, queries_v[i].party, queries_v[i].schema, &f, &b, &n, &matches,
                         &total, &res, &err, r);
        if (src != 0) {
            em_buf_free(&b);
            em_results_free(res);
            if (src == -1) screen_failed(r, qname, &err);
            goto done;
        }
        em_buf_printf(&b, ",\"total\":{\"value\":%zu,\"relation\":\"eq\"},\"query\":", total);
        char *echo = json_dumps(queries_v[i].echo, JSON_COMPACT);
        em_buf_adds(&b, echo ? echo : "{}");
        free(echo);
        /* the lists each query was screened against: the request's, and its own
           when a new generation came in between */
        if (!lists) {
            em_buf l;
            em_buf_init(&l);
            srv_lists_json(s, g, res, &l);
            lists = em_buf_detach(&l);
            first_gen = em_results_generation(res);
        } else if (em_results_generation(res) != first_gen) {
            em_buf_adds(&b, ",\"lists\":");
            srv_lists_json(s, g, res, &b);
        }
        em_results_free(res);
        em_buf_addc(&b, '}');
        i++;
    }
    em_buf_adds(&b, "},\"lists\":");
    em_buf_adds(&b, lists ? lists : g->lists_json);
    em_buf_printf(&b,
                  ",\"matcher\":{\"name\":\"embargo\",\"version\":\"%s\",\"threshold\":%.3f,"
                  "\"cutoff\":%.3f},\"limit\":%zu}",
                  EMBARGO_VERSION, f.threshold, f.cutoff, f.limit);
    r->status = 200;
    r->len = b.len;
    r->body = em_buf_detach(&b);
    r->matches = matches;
done:
    for (size_t k = 0; k < nparsed; k++)
        query_free(&queries_v[k]);
    free(queries_v);
    free(lists);
    json_decref(root);
    srv_gen_release(s, g);
}

void srv_handle_match(em_server *s, const char *dataset, const srv_params *params, const char *body,
                      size_t len, srv_response *r, em_buf *personal) {
    srv_handle_match_as(s, dataset, params, body, len, NULL, r, personal);
}

int em_server_handle_match(em_server *s, const char *dataset, const char *query_string,
                           const char *body, size_t len, int *status, char **response) {
    srv_params p = {0};
    srv_response r = {0};
    char *target = em_xasprintf("/match/%s?%s", dataset ? dataset : "default",
                                query_string && *query_string == '?' ? query_string + 1
                                : query_string                       ? query_string
                                                                     : "");
    if (srv_check_target(target, s->opts.max_url_bytes, s->opts.max_query_params, &r) == 0) {
        srv_params_parse(&p, query_string);
        srv_handle_match(s, dataset, &p, body, len, &r, NULL);
    }
    free(target);
    srv_params_free(&p);
    *status = r.status;
    *response = r.body;
    return 0;
}
