/*
 * server_match.c - screening over HTTP: POST /match/{dataset} (the
 * OpenSanctions/yente match API: request {"queries": {"q1": {"schema",
 * "properties"}}}, response {"responses": {"q1": {"status", "results",
 * "total", "query"}}, "limit"}) and GET /search (one name from the query
 * string). Both validate everything before screening (every problem is a 4xx
 * JSON error), screen each name of a query with a searcher borrowed from the
 * current matcher generation, merge by entity keeping the best score, filter
 * by dataset, and write yente-shaped result objects with embargo's
 * explanation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/server_internal.h"

#define MAX_VALUES 64        /* values per property */
#define MAX_VALUE_BYTES 2048 /* bytes per value */
#define MAX_IDS 32
#define MAX_LIMIT 500
#define DEFAULT_CUTOFF 0.5

/* ---- request options ------------------------------------------------------- */

typedef struct filters {
    const char *dataset; /* NULL = every loaded list */
    double threshold, cutoff;
    size_t limit;
    const srv_params *params; /* include_dataset, exclude_dataset, exclude_entity_ids */
} filters;

/* plain decimal only: digits, optionally "." and digits ("0.7", ".7", "1"); no sign,
   space, exponent, hex, "inf" or "nan" (strtod takes all of those) */
static int parse_decimal(const char *v, double lo, double hi, double *out) {
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
static int parse_count(const char *v, unsigned long lo, unsigned long hi, unsigned long *out) {
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

/* threshold, cutoff and limit; 0 or a 400 response */
static int parse_filters(const srv_params *p, size_t default_limit, filters *f, srv_response *r) {
    const char *v;
    f->threshold = EM_DEFAULT_THRESHOLD;
    f->limit = default_limit;
    f->params = p;
    int cutoff_given = 0;
    if ((v = srv_params_get(p, "threshold")) && parse_decimal(v, 0, 1, &f->threshold) != 0) {
        srv_error(r, 400, "invalid_parameter",
                  "threshold must be a decimal number between 0 and 1 (such as 0.7)");
        return -1;
    }
    if ((v = srv_params_get(p, "cutoff"))) {
        if (parse_decimal(v, 0, 1, &f->cutoff) != 0) {
            srv_error(r, 400, "invalid_parameter",
                      "cutoff must be a decimal number between 0 and 1 (such as 0.5)");
            return -1;
        }
        cutoff_given = 1;
    }
    if (!cutoff_given) f->cutoff = f->threshold < DEFAULT_CUTOFF ? f->threshold : DEFAULT_CUTOFF;
    unsigned long lim;
    if ((v = srv_params_get(p, "limit"))) {
        if (parse_count(v, 1, MAX_LIMIT, &lim) != 0) {
            srv_error(r, 400, "invalid_parameter",
                      "limit must be a decimal integer between 1 and %d (digits only)", MAX_LIMIT);
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

static int keep_result(const filters *f, const em_result *x) {
    if (f->dataset && strcmp(x->source, f->dataset) != 0) return 0;
    if (param_present(f->params, "include_dataset") &&
        !param_has(f->params, "include_dataset", x->source))
        return 0;
    if (param_has(f->params, "exclude_dataset", x->source)) return 0;
    if (param_has(f->params, "exclude_entity_ids", x->id)) return 0;
    return x->score >= f->cutoff;
}

static int filtered(const filters *f) {
    return f->dataset || param_present(f->params, "include_dataset") ||
           param_present(f->params, "exclude_dataset") ||
           param_present(f->params, "exclude_entity_ids");
}

/* ---- one screened party ----------------------------------------------------------- */

typedef struct party {
    const char *names[SRV_NAMES_CAP];
    size_t nnames;
    size_t given; /* name values given (before removing duplicates), for the limits */
    const char *ids[MAX_IDS];
    size_t nids;
    const char *schema; /* for em_query */
    const char *birth_date, *gender;
    char country[512];
    char composed[MAX_VALUE_BYTES * 3 + 4]; /* first + middle + last when no name */
} party;

static int cmp_result(const void *a, const void *b) {
    const em_result *x = *(const em_result *const *)a, *y = *(const em_result *const *)b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return strcmp(x->id, y->id);
}

static void add_features(em_buf *b, const char *explanation) {
    json_t *ex = json_loads(explanation ? explanation : "{}", 0, NULL);
    int n = 0;
    em_buf_addc(b, '{');
    json_t *name = json_object_get(ex, "name");
    if (json_is_object(name)) {
        em_buf_printf(b, "\"name\":%.3f", json_number_value(json_object_get(name, "score")));
        n++;
    }
    if (json_object_get(ex, "identifier")) em_buf_printf(b, "%s\"identifier\":1.0", n++ ? "," : "");
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(ex, "qualifiers"), i, q) {
        const char *fact = json_string_value(json_object_get(q, "fact"));
        if (!fact) continue;
        em_buf_adds(b, n++ ? "," : "");
        em_buf_json_str(b, fact);
        em_buf_printf(b, ":%.3f", json_number_value(json_object_get(q, "effect")));
    }
    em_buf_addc(b, '}');
    json_decref(ex);
}

static void add_result(em_server *s, srv_gen *g, em_buf *b, const em_result *x, const filters *f) {
    em_buf_addc(b, '{');
    em_buf_adds(b, srv_entity_fragment(s, g, x));
    int match = x->score >= f->threshold;
    em_buf_printf(b, ",\"score\":%.3f,\"match\":%s,\"features\":", x->score,
                  match ? "true" : "false");
    add_features(b, x->explanation_json);
    em_buf_adds(b, ",\"explanation\":");
    em_buf_adds(b, x->explanation_json && *x->explanation_json ? x->explanation_json : "{}");
    em_buf_adds(b, ",\"matched_name\":");
    em_buf_json_str(b, x->matched_name);
    /* the same party on other lists (UN reference, identifiers, name and birth date) */
    em_buf_adds(b, ",\"related\":");
    em_buf_adds(b, x->related_json && *x->related_json ? x->related_json : "[]");
    em_buf_adds(b, ",\"source\":{\"dataset\":");
    em_buf_json_str(b, x->source);
    uint64_t h = 1469598103934665603ull ^ g->number;
    for (const char *p = x->id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    em_buf_printf(b, ",\"version\":%lld},\"token\":\"%016llx\"}", (long long)x->version,
                  (unsigned long long)h);
}

/*
 * Screens a party and appends the JSON array of its results to `out`.
 * Returns 0, or -1 with err set (an internal failure: 500).
 */
static int screen(em_server *s, srv_gen *g, em_searcher *se, const party *pa, const filters *f,
                  em_buf *out, size_t *nresults, size_t *nmatches, em_error *err) {
    em_results *res[SRV_NAMES_CAP + 1];
    size_t nres = 0;
    size_t want = f->limit;
    if (filtered(f)) want = want * 4 + 20;
    if (want > MAX_LIMIT) want = MAX_LIMIT;
    size_t runs = pa->nnames ? pa->nnames : 1;
    int rc = 0;
    for (size_t i = 0; i < runs; i++) {
        em_query q = {0};
        q.name = pa->nnames ? pa->names[i] : NULL;
        q.schema = pa->schema;
        q.birth_date = pa->birth_date;
        q.country = pa->country[0] ? pa->country : NULL;
        q.gender = pa->gender;
        q.identifiers = pa->ids;
        q.nidentifiers = pa->nids;
        q.threshold = f->threshold > 0 ? f->threshold : 1e-9;
        q.limit = want;
        q.all = f->cutoff < f->threshold; /* candidates below the threshold too */
        q.cutoff = f->cutoff;
        if (em_search(se, &q, &res[nres], err) != 0) {
            rc = -1;
            break;
        }
        nres++;
    }
    /* merge by entity, best score first */
    size_t total = 0;
    for (size_t i = 0; i < nres; i++)
        total += em_results_count(res[i]);
    const em_result **all = em_xcalloc(total ? total : 1, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < nres; i++)
        for (size_t j = 0; j < em_results_count(res[i]); j++) {
            const em_result *x = em_results_get(res[i], j);
            if (!keep_result(f, x)) continue;
            size_t k;
            for (k = 0; k < n; k++)
                if (strcmp(all[k]->id, x->id) == 0) break;
            if (k < n) {
                if (x->score > all[k]->score) all[k] = x;
            } else
                all[n++] = x;
        }
    qsort(all, n, sizeof *all, cmp_result);
    if (n > f->limit) n = f->limit;
    em_buf_addc(out, '[');
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i) em_buf_addc(out, ',');
        add_result(s, g, out, all[i], f);
        if (all[i]->score >= f->threshold) (*nmatches)++;
    }
    em_buf_addc(out, ']');
    *nresults = n;
    free(all);
    for (size_t i = 0; i < nres; i++)
        em_results_free(res[i]);
    return rc;
}

/* ---- the yente query object ------------------------------------------------------------ */

static const char *const SCHEMAS[] = {"Thing",    "LegalEntity", "Person",         "Organization",
                                      "Company",  "PublicBody",  "Vessel",         "Aircraft",
                                      "Airplane", "Asset",       "CryptoWallet",   "BankAccount",
                                      "Security", "Address",     "Identification", "Passport",
                                      NULL};

static const char *const ID_PROPS[] = {"idNumber",
                                       "passportNumber",
                                       "imoNumber",
                                       "registrationNumber",
                                       "taxNumber",
                                       "swiftBic",
                                       "bicCode",
                                       "email",
                                       "cryptoWallet",
                                       "publicKey",
                                       "innCode",
                                       "ogrnCode",
                                       "leiCode",
                                       "vatCode",
                                       "mmsi",
                                       "callSign",
                                       "phone",
                                       "website",
                                       "socialSecurityNumber",
                                       "serialNumber",
                                       "registrationNumbers",
                                       "accountNumber",
                                       "iban",
                                       "dunsCode",
                                       "okpoCode",
                                       "kppCode",
                                       "npiCode",
                                       NULL};

static int in_list(const char *const *list, const char *s) {
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0) return 1;
    return 0;
}

/* the values of a property as strings (a string or an array of strings) */
static int prop_values(const char *qname, const char *key, json_t *v, const char **out, size_t *n,
                       srv_response *r) {
    *n = 0;
    if (json_is_string(v)) {
        out[(*n)++] = json_string_value(v);
    } else if (json_is_array(v)) {
        if (json_array_size(v) > MAX_VALUES) {
            srv_error(r, 400, "invalid_query", "query '%s': properties.%s has more than %d values",
                      qname, key, MAX_VALUES);
            return -1;
        }
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x)) {
                srv_error(r, 400, "invalid_query",
                          "query '%s': properties.%s must be a list of strings", qname, key);
                return -1;
            }
            out[(*n)++] = json_string_value(x);
        }
    } else {
        srv_error(r, 400, "invalid_query", "query '%s': properties.%s must be a list of strings",
                  qname, key);
        return -1;
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

static void add_country(party *pa, const char *c) {
    if (!*c || strchr(c, ';') || strlen(pa->country) + strlen(c) + 2 > sizeof pa->country) return;
    if (pa->country[0]) strcat(pa->country, ";");
    strcat(pa->country, c);
}

static int is_name_key(const char *key) {
    return strcmp(key, "name") == 0 || strcmp(key, "alias") == 0 ||
           strcmp(key, "previousName") == 0;
}

static int is_name_part_key(const char *key) {
    return strcmp(key, "firstName") == 0 || strcmp(key, "middleName") == 0 ||
           strcmp(key, "fatherName") == 0 || strcmp(key, "lastName") == 0;
}

static int parse_party(const em_server_options *o, const char *qname, json_t *q, party *pa,
                       srv_response *r) {
    memset(pa, 0, sizeof *pa);
    if (!json_is_object(q)) {
        srv_error(r, 400, "invalid_query",
                  "query '%s' must be an object with \"schema\" and "
                  "\"properties\"",
                  qname);
        return -1;
    }
    json_t *sch = json_object_get(q, "schema");
    if (sch && !json_is_null(sch)) {
        if (!json_is_string(sch)) {
            srv_error(r, 400, "invalid_query", "query '%s': schema must be a string", qname);
            return -1;
        }
        const char *sv = json_string_value(sch);
        if (!in_list(SCHEMAS, sv)) {
            srv_error(r, 400, "invalid_schema",
                      "query '%s': unknown schema '%.100s' (Person, Organization, Company, "
                      "LegalEntity, Vessel, Aircraft, Thing...)",
                      qname, sv);
            return -1;
        }
        if (strcmp(sv, "Person") == 0 || strcmp(sv, "Organization") == 0 ||
            strcmp(sv, "Company") == 0 || strcmp(sv, "PublicBody") == 0 ||
            strcmp(sv, "Vessel") == 0 || strcmp(sv, "Aircraft") == 0)
            pa->schema = sv;
        else if (strcmp(sv, "Airplane") == 0)
            pa->schema = "Aircraft";
    }
    json_t *props = json_object_get(q, "properties");
    if (!props) {
        srv_error(r, 400, "invalid_query", "query '%s' has no \"properties\"", qname);
        return -1;
    }
    if (!json_is_object(props)) {
        srv_error(r, 400, "invalid_query", "query '%s': properties must be an object", qname);
        return -1;
    }
    const char *key;
    json_t *v;
    const char *first = NULL, *middle = NULL, *last = NULL;
    json_object_foreach(props, key, v) {
        const char *vals[MAX_VALUES];
        size_t n;
        if (prop_values(qname, key, v, vals, &n, r) != 0) return -1;
        for (size_t i = 0; i < n; i++) {
            const char *x = vals[i];
            if (!*x) continue;
            if ((is_name_key(key) || is_name_part_key(key)) && strlen(x) > o->max_name_bytes) {
                srv_error(r, 422, "name_too_long",
                          "query '%s': a value of properties.%s has %zu bytes; a name may have "
                          "at most %zu",
                          qname, key, strlen(x), o->max_name_bytes);
                return -1;
            }
            if (is_name_key(key)) {
                if (++pa->given > o->max_names_per_query) {
                    srv_error(r, 422, "too_many_names",
                              "query '%s' has more than %u names (name, alias and previousName "
                              "values together); send the other names as another query of the "
                              "same request",
                              qname, o->max_names_per_query);
                    return -1;
                }
                int dup = 0;
                for (size_t k = 0; k < pa->nnames; k++)
                    dup |= strcmp(pa->names[k], x) == 0;
                if (!dup && pa->nnames < SRV_NAMES_CAP) pa->names[pa->nnames++] = x;
            } else if (strcmp(key, "firstName") == 0) {
                if (!first) first = x;
            } else if (strcmp(key, "middleName") == 0 || strcmp(key, "fatherName") == 0) {
                if (!middle) middle = x;
            } else if (strcmp(key, "lastName") == 0) {
                if (!last) last = x;
            } else if (strcmp(key, "birthDate") == 0 || strcmp(key, "incorporationDate") == 0) {
                if (!pa->birth_date) pa->birth_date = x;
            } else if (strcmp(key, "nationality") == 0 || strcmp(key, "country") == 0 ||
                       strcmp(key, "citizenship") == 0 || strcmp(key, "jurisdiction") == 0 ||
                       strcmp(key, "flag") == 0) {
                add_country(pa, x);
            } else if (strcmp(key, "gender") == 0) {
                if (!pa->gender) pa->gender = x;
            } else if (in_list(ID_PROPS, key)) {
                if (pa->nids < MAX_IDS) pa->ids[pa->nids++] = x;
            }
        }
    }
    if (!pa->nnames && (first || last)) {
        snprintf(pa->composed, sizeof pa->composed, "%s%s%s%s%s", first ? first : "",
                 first && (middle || last) ? " " : "", middle ? middle : "",
                 middle && last ? " " : "", last ? last : "");
        pa->names[pa->nnames++] = pa->composed;
        pa->given = 1;
    }
    if (!pa->nnames && !pa->nids) {
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

/* the generation, or NULL with a 503 / 404 response */
static srv_gen *gen_for(em_server *s, const char *dataset, srv_response *r) {
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

void srv_handle_match(em_server *s, const char *dataset, const srv_params *params, const char *body,
                      size_t len, srv_response *r, em_buf *personal) {
    filters f = {0};
    srv_gen *g = gen_for(s, dataset, r);
    if (!g) return;
    f.dataset = dataset_of(dataset);
    json_t *root = NULL;
    party *parties = NULL;
    if (parse_filters(params, 5, &f, r) != 0) goto done;
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
    size_t nq = json_object_size(queries);
    if (nq > s->opts.max_queries) {
        srv_error(r, 413, "too_many_queries",
                  "%zu queries in one request; at most %u: split them into requests of up to "
                  "%u queries",
                  nq, s->opts.max_queries, s->opts.max_queries);
        goto done;
    }
    parties = em_xcalloc(nq ? nq : 1, sizeof *parties);
    const char *qname;
    json_t *q;
    size_t i = 0;
    size_t names = 0;
    json_object_foreach(queries, qname, q) {
        if (parse_party(&s->opts, qname, q, &parties[i], r) != 0) goto done;
        names += parties[i].given;
        if (names > s->opts.max_names) {
            srv_error(r, 413, "too_many_names",
                      "the request has more than %u names (name, alias and previousName values "
                      "of all its queries); split it into requests of at most %u names, such as "
                      "%u queries of %u names",
                      s->opts.max_names, s->opts.max_names,
                      s->opts.max_names / s->opts.max_names_per_query, s->opts.max_names_per_query);
            goto done;
        }
        if (personal)
            for (size_t k = 0; k < parties[i].nnames; k++) {
                if (personal->len) em_buf_adds(personal, "; ");
                em_buf_adds(personal, parties[i].names[k]);
            }
        i++;
    }
    em_error err = {0};
    em_searcher *se = srv_gen_searcher(g, &err);
    if (!se) {
        srv_error(r, 500, "internal", "%s", err.message);
        goto done;
    }
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "{\"responses\":{");
    i = 0;
    size_t matches = 0;
    json_object_foreach(queries, qname, q) {
        if (i) em_buf_addc(&b, ',');
        em_buf_json_str(&b, qname);
        em_buf_adds(&b, ":{\"status\":200,\"results\":");
        size_t n = 0;
        if (screen(s, g, se, &parties[i], &f, &b, &n, &matches, &err) != 0) {
            em_buf_free(&b);
            srv_gen_searcher_put(g, se);
            srv_error(r, 500, "internal", "screening failed: %s", err.message);
            goto done;
        }
        em_buf_printf(&b, ",\"total\":{\"value\":%zu,\"relation\":\"eq\"},\"query\":", n);
        char *echo = json_dumps(q, JSON_COMPACT);
        em_buf_adds(&b, echo ? echo : "{}");
        free(echo);
        em_buf_addc(&b, '}');
        i++;
    }
    srv_gen_searcher_put(g, se);
    em_buf_adds(&b, "},\"lists\":");
    em_buf_adds(&b, g->lists_json);
    em_buf_printf(&b,
                  ",\"matcher\":{\"name\":\"embargo\",\"version\":\"%s\",\"threshold\":%.3f,"
                  "\"cutoff\":%.3f},\"limit\":%zu}",
                  EMBARGO_VERSION, f.threshold, f.cutoff, f.limit);
    r->status = 200;
    r->len = b.len;
    r->body = em_buf_detach(&b);
    r->matches = matches;
done:
    free(parties);
    json_decref(root);
    srv_gen_release(s, g);
}

void srv_handle_search(em_server *s, const char *dataset, const srv_params *params,
                       srv_response *r) {
    filters f = {0};
    if (parse_filters(params, 10, &f, r) != 0) return;
    const char *name = srv_params_get(params, "q");
    party pa;
    memset(&pa, 0, sizeof pa);
    if (name && *name) {
        if (strlen(name) > s->opts.max_name_bytes) {
            srv_error(r, 422, "name_too_long", "q has %zu bytes; a name may have at most %zu",
                      strlen(name), s->opts.max_name_bytes);
            return;
        }
        pa.names[pa.nnames++] = name;
    }
    for (size_t i = 0; i < params->len && pa.nids < MAX_IDS; i++)
        if (strcmp(params->keys[i], "id") == 0 && params->values[i][0])
            pa.ids[pa.nids++] = params->values[i];
    if (!pa.nnames && !pa.nids) {
        srv_error(r, 400, "invalid_parameter", "give a name to search: /search?q=Esmail+Khatib");
        return;
    }
    const char *v;
    if ((v = srv_params_get(params, "schema")) && *v) {
        if (!in_list(SCHEMAS, v)) {
            srv_error(r, 400, "invalid_schema", "unknown schema '%.100s'", v);
            return;
        }
        pa.schema = v;
    }
    pa.birth_date = srv_params_get(params, "dob");
    if (!pa.birth_date) pa.birth_date = srv_params_get(params, "birth_date");
    if ((v = srv_params_get(params, "country"))) add_country(&pa, v);
    pa.gender = srv_params_get(params, "gender");
    srv_gen *g = gen_for(s, dataset, r);
    if (!g) return;
    f.dataset = dataset_of(dataset);
    em_error err = {0};
    em_searcher *se = srv_gen_searcher(g, &err);
    if (!se) {
        srv_error(r, 500, "internal", "%s", err.message);
        srv_gen_release(s, g);
        return;
    }
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "{\"results\":");
    size_t n = 0, matches = 0;
    int rc = screen(s, g, se, &pa, &f, &b, &n, &matches, &err);
    srv_gen_searcher_put(g, se);
    char *lists = em_xstrdup(g->lists_json);
    srv_gen_release(s, g);
    if (rc != 0) {
        free(lists);
        em_buf_free(&b);
        srv_error(r, 500, "internal", "screening failed: %s", err.message);
        return;
    }
    em_buf_printf(&b,
                  ",\"total\":{\"value\":%zu,\"relation\":\"eq\"},\"limit\":%zu,\"offset\":0,"
                  "\"threshold\":%.3f,\"query\":{\"q\":",
                  n, f.limit, f.threshold);
    em_buf_json_str(&b, name ? name : "");
    em_buf_adds(&b, ",\"schema\":");
    em_buf_json_str(&b, pa.schema ? pa.schema : "");
    em_buf_adds(&b, ",\"dob\":");
    em_buf_json_str(&b, pa.birth_date ? pa.birth_date : "");
    em_buf_adds(&b, ",\"country\":");
    em_buf_json_str(&b, pa.country);
    em_buf_adds(&b, "},\"lists\":");
    em_buf_adds(&b, lists);
    em_buf_addc(&b, '}');
    free(lists);
    r->status = 200;
    r->len = b.len;
    r->body = em_buf_detach(&b);
    r->matches = matches;
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
