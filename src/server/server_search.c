/*
 * server_search.c - GET /search/{dataset} with yente's semantics: an empty
 * or absent q lists the entities of the dataset; a q is a name screened by
 * the matcher (embargo has no full-text index: q finds names, not words of
 * addresses or notes), every candidate at or above the cutoff. Either way
 * the candidates are filtered (countries, topics, datasets with filter_op
 * OR/AND, schema and its descendants, exclude_schema, include_dataset,
 * exclude_dataset, changed_since, filter=prop:value, target), counted into
 * facets (countries, topics, datasets by default; schema, identifiers,
 * genders on request) before the page is cut, sorted (sort=field:asc|desc,
 * then the score, then the id) and paged (offset, limit; yente's window of
 * 9,999). Filters and facets read the listing of the generation
 * (server_search_index.c); the page's entities are the same FtM fragments
 * /match gives (srv_entity_fragment). A search with q is one audited
 * screening, as before; a listing screens nobody and is not audited.
 *
 * Validation as yente: limit above 500 or offset above 9,499 is 422, a
 * malformed changed_since, facet or filter_op is 422, an unknown schema 400,
 * a filter without ':' 400; a number that is not a plain decimal is 400
 * (embargo's rule for every number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/entity.h"
#include "model/schema.h"
#include "model/topics.h"
#include "server/server_datasets.h"
#include "server/server_internal.h"
#include "server/server_search.h"

#define SEARCH_MAX_LIMIT 500
#define SEARCH_MAX_RESULTS 9999
#define SEARCH_MAX_OFFSET (SEARCH_MAX_RESULTS - SEARCH_MAX_LIMIT)
#define SEARCH_DEFAULT_CUTOFF 0.5
#define FACET_MAX_VALUES 1000

/* ---- the request ------------------------------------------------------------------ */

enum { F_COUNTRIES, F_TOPICS, F_DATASETS, F_SCHEMA, F_IDENTIFIERS, F_GENDERS, F_COUNT };
static const char *const FACETS[F_COUNT] = {"countries", "topics",      "datasets",
                                            "schema",    "identifiers", "genders"};
static const char *const FACET_LABELS[F_COUNT] = {"Countries",    "Topics",      "Data sources",
                                                  "Entity types", "Identifiers", "Genders"};

/* sort keys (yente sorts on any indexed field; embargo on these) */
enum { S_SCORE, S_FIRST_SEEN, S_LAST_SEEN, S_LAST_CHANGE, S_CAPTION, S_ID, S_SCHEMA, S_DATASET };
static const char *const SORTS[] = {"score",   "first_seen", "last_seen", "last_change",
                                    "caption", "id",         "schema",    "datasets"};
#define NSORTS (sizeof SORTS / sizeof *SORTS)
#define MAX_SORT_KEYS 4

typedef struct search_req {
    const srv_params *p;
    const char *route; /* a source, or NULL for every list */
    const em_schema_info *schema;
    size_t limit, offset;
    double threshold, cutoff;
    char changed_since[20];
    int and_op; /* filter_op=AND */
    int facets[F_COUNT];
    int sort_key[MAX_SORT_KEYS], sort_desc[MAX_SORT_KEYS];
    size_t nsorts;
    int target; /* -1 not given, 0, 1 */
} search_req;

/* one candidate: its listing entry, and its score when q was screened */
typedef struct cand {
    const srv_search_doc *doc;
    const em_result *res; /* NULL in a listing */
    double score;
    const struct search_req *q; /* the sort keys (qsort has no context argument) */
} cand;

static int param_is(const srv_params *p, size_t i, const char *key) {
    return strcmp(p->keys[i], key) == 0;
}

static int bad_number(srv_response *r, const char *name, unsigned long max) {
    srv_error(r, 400, "invalid_parameter",
              "%s must be a decimal integer between 0 and %lu (digits only)", name, max);
    return -1;
}

static int parse_window(const srv_params *p, search_req *q, srv_response *r) {
    const char *v;
    unsigned long n;
    q->limit = 10;
    if ((v = srv_params_get(p, "limit"))) {
        if (srv_parse_count(v, 0, 1000000000ul, &n) != 0)
            return bad_number(r, "limit", SEARCH_MAX_LIMIT);
        if (n > SEARCH_MAX_LIMIT)
            return srv_invalid(r, "less_than_equal", "query/limit",
                               "Input should be less than or equal to 500", json_string(v));
        q->limit = n;
    }
    if ((v = srv_params_get(p, "offset"))) {
        if (srv_parse_count(v, 0, 1000000000ul, &n) != 0)
            return bad_number(r, "offset", SEARCH_MAX_OFFSET);
        if (n > SEARCH_MAX_OFFSET)
            return srv_invalid(r, "less_than_equal", "query/offset",
                               "Input should be less than or equal to 9499", json_string(v));
        q->offset = n;
    }
    if (q->offset + q->limit > SEARCH_MAX_RESULTS) q->limit = SEARCH_MAX_RESULTS - q->offset;
    q->threshold = EM_DEFAULT_THRESHOLD;
    if ((v = srv_params_get(p, "threshold")) && srv_parse_decimal(v, 0, 1, &q->threshold) != 0) {
        srv_error(r, 400, "invalid_parameter",
                  "threshold must be a decimal number between 0 and 1 (such as 0.7)");
        return -1;
    }
    q->cutoff = q->threshold < SEARCH_DEFAULT_CUTOFF ? q->threshold : SEARCH_DEFAULT_CUTOFF;
    if ((v = srv_params_get(p, "cutoff")) && srv_parse_decimal(v, 0, 1, &q->cutoff) != 0) {
        srv_error(r, 400, "invalid_parameter",
                  "cutoff must be a decimal number between 0 and 1 (such as 0.5)");
        return -1;
    }
    return 0;
}

static int parse_bool(const char *v, int *out) {
    static const char *const T[] = {"true", "1", "yes", "on", "t", "y"};
    static const char *const F[] = {"false", "0", "no", "off", "f", "n"};
    for (size_t i = 0; i < 6; i++) {
        if (strcasecmp(v, T[i]) == 0) return *out = 1, 0;
        if (strcasecmp(v, F[i]) == 0) return *out = 0, 0;
    }
    return -1;
}

static int parse_options(const srv_params *p, search_req *q, srv_response *r) {
    const char *v;
    q->p = p;
    q->target = -1;
    if (parse_window(p, q, r) != 0) return -1;
    v = srv_params_get(p, "schema");
    q->schema = em_schema_find(v && *v ? v : "Thing");
    if (!q->schema) {
        srv_error(r, 400, "invalid_schema",
                  "Invalid schema: '%.100s' (an FtM schema: Thing, "
                  "LegalEntity, Person, Organization, Company, Vessel, Airplane...)",
                  v);
        return -1;
    }
    if ((v = srv_params_get(p, "changed_since")) && srv_parse_timestamp(v, q->changed_since) != 0)
        return srv_invalid(r, "string_pattern_mismatch", "query/changed_since",
                           "String should match pattern "
                           "'^\\d{4}-\\d{2}-\\d{2}(T\\d{2}(:\\d{2}(:\\d{2})?)?)?$'",
                           json_string(v));
    if ((v = srv_params_get(p, "filter_op"))) {
        if (strcmp(v, "AND") != 0 && strcmp(v, "OR") != 0)
            return srv_invalid(r, "enum", "query/filter_op", "Input should be 'OR' or 'AND'",
                               json_string(v));
        q->and_op = strcmp(v, "AND") == 0;
    }
    int any_facet = 0;
    for (size_t i = 0; i < p->len; i++) {
        const char *x = p->values[i];
        if (param_is(p, i, "facets")) {
            size_t f = 0;
            while (f < F_COUNT && strcmp(FACETS[f], x) != 0)
                f++;
            if (f == F_COUNT)
                return srv_invalid(r, "enum", "query/facets",
                                   "Input should be 'datasets', 'schema', 'countries', "
                                   "'identifiers', 'topics' or 'genders'",
                                   json_string(x));
            q->facets[f] = any_facet = 1;
        } else if (param_is(p, i, "filter") && !strchr(x, ':')) {
            srv_error(r, 400, "invalid_filter",
                      "Invalid filter: '%.100s' (field:value, such as "
                      "properties.birthDate:1965 or programId:SDGT)",
                      x);
            return -1;
        } else if (param_is(p, i, "sort")) {
            const char *c = strrchr(x, ':');
            size_t n = c ? (size_t)(c - x) : strlen(x);
            int desc = c && strcmp(c + 1, "desc") == 0;
            if (c && !desc && strcmp(c + 1, "asc") != 0) {
                srv_error(r, 400, "invalid_sort", "sort '%.100s': the order is asc or desc", x);
                return -1;
            }
            if (n && x[0] == '_') x++, n--; /* "_score" */
            size_t k = 0;
            while (k < NSORTS && (strlen(SORTS[k]) != n || strncmp(SORTS[k], x, n) != 0))
                k++;
            if (k == NSORTS) {
                srv_error(r, 400, "invalid_sort",
                          "cannot sort on '%.100s' (embargo sorts on score, first_seen, "
                          "last_seen, last_change, caption, id, schema, datasets)",
                          p->values[i]);
                return -1;
            }
            if (q->nsorts < MAX_SORT_KEYS) {
                q->sort_key[q->nsorts] = (int)k;
                q->sort_desc[q->nsorts++] = desc;
            }
        } else if ((param_is(p, i, "target") || param_is(p, i, "fuzzy") ||
                    param_is(p, i, "simple"))) {
            int b;
            if (parse_bool(x, &b) != 0)
                return srv_invalid(r, "bool_parsing",
                                   param_is(p, i, "target")  ? "query/target"
                                   : param_is(p, i, "fuzzy") ? "query/fuzzy"
                                                             : "query/simple",
                                   "Input should be a valid boolean, unable to interpret input",
                                   json_string(x));
            if (param_is(p, i, "target")) q->target = b;
        }
    }
    if (!any_facet) q->facets[F_COUNTRIES] = q->facets[F_TOPICS] = q->facets[F_DATASETS] = 1;
    return 0;
}

/* ---- filters ---------------------------------------------------------------------------- */

static int schema_descends(const em_schema_info *s, const char *anc) {
    for (; s; s = s->parent ? em_schema_find(s->parent) : NULL)
        if (strcmp(s->name, anc) == 0) return 1;
    return 0;
}

/* the values of a repeatable parameter against a list: OR (any) or AND (all); 1 when the
   parameter is absent */
static int list_filter(const search_req *q, const char *key, const char *list) {
    int seen = 0, hit = 0;
    for (size_t i = 0; i < q->p->len; i++) {
        if (!param_is(q->p, i, key)) continue;
        seen = 1;
        int has = srv_search_list_has(list, q->p->values[i]);
        if (q->and_op && !has) return 0;
        hit |= has;
    }
    return !seen || hit;
}

static int dataset_filter(const search_req *q, const char *key, const char *source) {
    char list[130];
    size_t n = strlen(source);
    if (n > 127) n = 127;
    memcpy(list, source, n);
    list[n] = list[n + 1] = '\0';
    return list_filter(q, key, list);
}

static int any_param(const srv_params *p, const char *key, const char *value) {
    for (size_t i = 0; i < p->len; i++)
        if (param_is(p, i, key) && strcmp(p->values[i], value) == 0) return 1;
    return 0;
}

static int has_param(const srv_params *p, const char *key) {
    return srv_params_get(p, key) != NULL;
}

/* filter=field:value: id, schema, caption, datasets, countries, topics, or a property
   (properties.X or X) that has the value */
static int field_filter(const srv_search_doc *d, const char *flt) {
    const char *colon = strchr(flt, ':');
    size_t n = (size_t)(colon - flt);
    const char *want = colon + 1;
#define FIELD(name) (n == strlen(name) && strncmp(flt, name, n) == 0)
    if (FIELD("countries")) return srv_search_list_has(d->countries, want);
    if (FIELD("topics")) return srv_search_list_has(d->topics, want);
    if (FIELD("datasets")) return strcmp(d->source, want) == 0;
    if (FIELD("id") || FIELD("entity_id")) return strcmp(d->id, want) == 0;
    if (FIELD("schema")) return strcmp(d->schema, want) == 0;
    if (FIELD("caption")) return strcmp(d->caption, want) == 0;
#undef FIELD
    const char *prop = strncmp(flt, "properties.", 11) == 0 ? flt + 11 : flt;
    return srv_search_list_has(d->props, prop); /* "prop:value" */
}

static int keep(const search_req *q, const srv_search_doc *d) {
    const srv_params *p = q->p;
    if (q->route && strcmp(d->source, q->route) != 0) return 0;
    if (has_param(p, "include_dataset") && !any_param(p, "include_dataset", d->source)) return 0;
    if (any_param(p, "exclude_dataset", d->source)) return 0;
    if (any_param(p, "exclude_entity_ids", d->id)) return 0;
    const em_schema_info *si = em_schema_find(d->schema);
    if (!si || !schema_descends(si, q->schema->name)) return 0;
    for (size_t i = 0; i < p->len; i++)
        if (param_is(p, i, "exclude_schema")) {
            const em_schema_info *x = em_schema_find(p->values[i]);
            if (x && schema_descends(si, x->name)) return 0;
        }
    if (!list_filter(q, "countries", d->countries) || !list_filter(q, "topics", d->topics) ||
        !dataset_filter(q, "datasets", d->source))
        return 0;
    if (q->changed_since[0] && strncmp(d->last_change, q->changed_since, 19) <= 0) return 0;
    if (q->target == 0) return 0; /* every listed entity is a target */
    for (size_t i = 0; i < p->len; i++)
        if (param_is(p, i, "filter") && !field_filter(d, p->values[i])) return 0;
    return 1;
}

/* ---- facets ---------------------------------------------------------------------------- */

typedef struct bucket {
    const char *name;
    size_t count;
} bucket;

static int by_count(const void *a, const void *b) {
    const bucket *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void count_value(em_hmap *m, const char *v) {
    int added;
    em_hmap_entry *e = em_hmap_inserts(m, v, &added);
    if (added) e->val.u64 = 0;
    e->val.u64++;
}

static void count_list(em_hmap *m, const char *list) {
    for (const char *v = list; v && *v; v += strlen(v) + 1)
        count_value(m, v);
}

static const char *value_label(int f, const char *name, const em_hmap *country_names, char *buf,
                               size_t cap) {
    if (f == F_COUNTRIES) {
        const char *l = em_hmap_get(country_names, name);
        return l ? l : name;
    }
    if (f == F_TOPICS) {
        const char *l = em_topic_label(name);
        return l ? l : name;
    }
    if (f == F_DATASETS) {
        const srv_dataset_info *d = srv_dataset_of_source(name);
        return d && d->title ? d->title : name;
    }
    if (f == F_GENDERS) {
        snprintf(buf, cap, "%c%s", name[0] >= 'a' && name[0] <= 'z' ? name[0] - 32 : name[0],
                 name + (name[0] != '\0'));
        return buf;
    }
    return name;
}

static json_t *facet_json(int f, em_hmap *m, const em_hmap *country_names) {
    bucket *b = em_xcalloc(m->entries.len + 1, sizeof *b);
    size_t n = 0;
    for (size_t i = 0; i < m->entries.len; i++)
        b[n++] = (bucket){m->entries.items[i].key, (size_t)m->entries.items[i].val.u64};
    qsort(b, n, sizeof *b, by_count);
    json_t *values = json_array();
    for (size_t i = 0; i < n && i < FACET_MAX_VALUES; i++) {
        char buf[64];
        json_array_append_new(values,
                              json_pack("{s:s, s:s, s:I}", "name", b[i].name, "label",
                                        value_label(f, b[i].name, country_names, buf, sizeof buf),
                                        "count", (json_int_t)b[i].count));
    }
    free(b);
    return json_pack("{s:s, s:o}", "label", FACET_LABELS[f], "values", values);
}

static json_t *facets_json(const search_req *q, const cand *c, size_t n,
                           const em_hmap *country_names) {
    json_t *out = json_object();
    for (int f = 0; f < F_COUNT; f++) {
        if (!q->facets[f]) continue;
        em_hmap m;
        em_hmap_init(&m);
        for (size_t i = 0; i < n; i++) {
            const srv_search_doc *d = c[i].doc;
            switch (f) {
            case F_COUNTRIES:
                count_list(&m, d->countries);
                break;
            case F_TOPICS:
                count_list(&m, d->topics);
                break;
            case F_DATASETS:
                count_value(&m, d->source);
                break;
            case F_SCHEMA:
                count_value(&m, d->schema);
                break;
            case F_IDENTIFIERS:
                count_list(&m, d->identifiers);
                break;
            default:
                count_list(&m, d->genders);
                break;
            }
        }
        json_object_set_new(out, FACETS[f], facet_json(f, &m, country_names));
        em_hmap_free(&m, NULL);
    }
    return out;
}

/* ---- sorting ---------------------------------------------------------------------------- */

/* an empty date sorts last whatever the order (yente: missing _last) */
static int cmp_text(const char *a, const char *b, int desc) {
    if (!*a || !*b) return (*a ? -1 : 0) + (*b ? 1 : 0);
    int c = strcmp(a, b);
    return desc ? -c : c;
}

static int by_sort(const void *pa, const void *pb) {
    const cand *a = pa, *b = pb;
    const search_req *q = a->q;
    for (size_t k = 0; k <= q->nsorts; k++) {
        int key = k < q->nsorts ? q->sort_key[k] : S_SCORE,
            desc = k < q->nsorts ? q->sort_desc[k] : 1;
        int c = 0;
        switch (key) {
        case S_SCORE:
            c = a->score == b->score ? 0 : a->score < b->score ? -1 : 1;
            if (desc) c = -c;
            break;
        case S_FIRST_SEEN:
            c = cmp_text(a->doc->first_seen, b->doc->first_seen, desc);
            break;
        case S_LAST_SEEN:
            c = cmp_text(a->doc->last_seen, b->doc->last_seen, desc);
            break;
        case S_LAST_CHANGE:
            c = cmp_text(a->doc->last_change, b->doc->last_change, desc);
            break;
        case S_CAPTION:
            c = cmp_text(a->doc->caption, b->doc->caption, desc);
            break;
        case S_ID:
            c = cmp_text(a->doc->id, b->doc->id, desc);
            break;
        case S_SCHEMA:
            c = cmp_text(a->doc->schema, b->doc->schema, desc);
            break;
        default:
            c = cmp_text(a->doc->source, b->doc->source, desc);
            break;
        }
        if (c) return c;
    }
    return strcmp(a->doc->id, b->doc->id);
}

static void sort_cands(const search_req *q, cand *c, size_t n) {
    for (size_t i = 0; i < n; i++)
        c[i].q = q;
    qsort(c, n, sizeof *c, by_sort);
}

/* ---- the query's party (q and embargo's qualifiers) ---------------------------------------- */

static int add_values(const srv_params *p, const char *key, em_party *pa,
                      int (*add)(em_party *, const char *, em_error *), srv_response *r) {
    em_error err = {0};
    for (size_t i = 0; i < p->len; i++)
        if (param_is(p, i, key) && add(pa, p->values[i], &err) != 0) {
            srv_error(r, 422, "invalid_value", "%s: %s", key, err.message);
            return -1;
        }
    return 0;
}

/* the party to screen, or *out NULL for a listing; 0 or a 4xx in r */
static int query_party(em_server *s, const search_req *q, em_party **out, srv_response *r) {
    const srv_params *p = q->p;
    const char *name = srv_params_get(p, "q"), *v;
    em_error err = {0};
    *out = NULL;
    em_party *pa = em_party_new();
    if (name && *name) {
        if (strlen(name) > s->opts.max_name_bytes) {
            srv_error(r, 422, "name_too_long", "q has %zu bytes; a name may have at most %zu",
                      strlen(name), s->opts.max_name_bytes);
            goto fail;
        }
        if (em_party_add_name(pa, name, 0, &err) != 0) {
            srv_error(r, 422, "invalid_value", "q: %s", err.message);
            goto fail;
        }
    }
    for (size_t i = 0; i < p->len; i++)
        if (param_is(p, i, "id") && em_party_add_identifier(pa, NULL, p->values[i], &err) != 0) {
            srv_error(r, 422, "invalid_value", "id: %s", err.message);
            goto fail;
        }
    if (add_values(p, "dob", pa, em_party_add_birth_date, r) != 0 ||
        add_values(p, "birth_date", pa, em_party_add_birth_date, r) != 0 ||
        add_values(p, "country", pa, em_party_add_country, r) != 0)
        goto fail;
    if ((v = srv_params_get(p, "gender")) && em_party_set_gender(pa, v, &err) != 0) {
        srv_error(r, 422, "invalid_value", "gender: %s", err.message);
        goto fail;
    }
    if (!em_party_name_count(pa) && !em_party_identifier_count(pa)) {
        em_party_free(pa); /* a listing: nothing to screen */
        return 0;
    }
    if (strcmp(q->schema->name, "Thing") != 0 &&
        em_party_set_schema(pa, q->schema->name, &err) != 0) {
        srv_error(r, 400, "invalid_schema", "%s", err.message);
        goto fail;
    }
    *out = pa;
    return 0;
fail:
    em_party_free(pa);
    return -1;
}

static void join_values(em_buf *b, em_party *pa, size_t (*count)(const em_party *),
                        const char *(*at)(const em_party *, size_t)) {
    em_buf j;
    em_buf_init(&j);
    for (size_t i = 0; pa && i < count(pa); i++) {
        if (i) em_buf_addc(&j, ';');
        em_buf_adds(&j, at(pa, i));
    }
    em_buf_json_str(b, em_buf_cstr(&j));
    em_buf_free(&j);
}

/* ---- the handler ------------------------------------------------------------------------- */

static void add_score(em_buf *b, double score) {
    char num[32];
    for (int prec = 3; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, score);
        if (strtod(num, NULL) == score) break;
    }
    em_buf_printf(b, ",\"score\":%s", num);
}

void srv_handle_search_as(em_server *s, const char *dataset, const srv_params *params,
                          const char *user, srv_response *r) {
    search_req q = {0};
    for (size_t i = 0; i < params->len; i++)
        if (!srv_utf8_valid(params->values[i], strlen(params->values[i]))) {
            srv_error(r, 400, "invalid_utf8", "the query parameter '%s' is not valid UTF-8",
                      srv_utf8_valid(params->keys[i], strlen(params->keys[i])) ? params->keys[i]
                                                                               : "?");
            return;
        }
    if (parse_options(params, &q, r) != 0) return;
    em_party *pa = NULL;
    if (query_party(s, &q, &pa, r) != 0) return;
    srv_gen *g = srv_gen_for(s, dataset, r);
    em_results *res = NULL;
    srv_search_index *idx = NULL;
    cand *c = NULL;
    em_error err = {0};
    em_strvec ds;
    em_strvec_init(&ds);
    srv_search_doc *docs = NULL;
    size_t nres = 0;
    em_hmap names;
    em_hmap_init(&names);
    if (!g) goto done;
    if (dataset && strcmp(dataset, "default") != 0 && strcmp(dataset, "all") != 0 &&
        strcmp(dataset, "sanctions") != 0)
        q.route = dataset;
    size_t n = 0;
    if (pa) {
        if (q.route) em_strvec_push(&ds, q.route);
        em_screen_options o = {EM_SCREEN_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0};
        o.threshold = q.threshold > 0 ? q.threshold : 1e-9;
        o.limit = SEARCH_MAX_LIMIT;
        o.all = q.cutoff < q.threshold;
        o.cutoff = q.cutoff;
        o.datasets = (const char *const *)ds.items;
        o.ndatasets = ds.len;
        if (em_engine_screen(g->engine, pa, &o, &res, &err) != 0) {
            if (err.code == EM_ERR_USAGE)
                srv_error(r, 422, "invalid_query", "q: %s", err.message);
            else
                srv_error(r, 500, "internal", "screening failed: %s", err.message);
            goto done;
        }
        if (user && srv_audit_screening(s, "search", user, pa, &o, res, r) != 0) goto done;
        /* the candidates' facts from the fragments /match renders too (cached per view) */
        nres = em_results_count(res);
        docs = em_xcalloc(nres + 1, sizeof *docs);
        c = em_xcalloc(nres + 1, sizeof *c);
        for (size_t i = 0; i < nres; i++) {
            const em_result *x = em_results_get(res, i);
            char *text = em_xasprintf("{%s}", srv_entity_fragment(s, g, x));
            json_t *ftm = json_loads(text, 0, NULL);
            free(text);
            srv_search_doc_fill(&docs[i], ftm, x->version, &names);
            json_decref(ftm);
            if (x->score < q.cutoff || !keep(&q, &docs[i])) continue;
            c[n++] = (cand){&docs[i], x, x->score, &q};
        }
    } else {
        idx = srv_search_index_acquire(s, g, &err);
        if (!idx) {
            srv_error(r, 500, "internal", "cannot read the lists to search: %s", err.message);
            goto done;
        }
        c = em_xcalloc(idx->n + 1, sizeof *c);
        for (size_t i = 0; i < idx->n; i++)
            if (keep(&q, &idx->docs[i])) c[n++] = (cand){&idx->docs[i], NULL, 0, &q};
    }
    json_t *facets = facets_json(&q, c, n, idx ? &idx->country_names : &names);
    sort_cands(&q, c, n);
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "{\"results\":[");
    size_t matches = 0;
    for (size_t i = q.offset, k = 0; i < n && k < q.limit; i++, k++) {
        if (k) em_buf_addc(&b, ',');
        em_result x = {0};
        x.id = c[i].doc->id;
        x.caption = c[i].doc->caption;
        x.schema = c[i].doc->schema;
        x.source = c[i].doc->source;
        x.version = c[i].doc->version;
        em_buf_addc(&b, '{');
        em_buf_adds(&b, srv_entity_fragment(s, g, c[i].res ? c[i].res : &x));
        if (c[i].res) {
            add_score(&b, c[i].score);
            em_buf_printf(&b, ",\"match\":%s", c[i].score >= q.threshold ? "true" : "false");
            /* embargo's own fields, as /match gives them (yente clients ignore them; the
               web UI shows the explanation) */
            em_buf_adds(&b, ",\"explanation\":");
            em_buf_adds(&b, c[i].res->explanation_json && *c[i].res->explanation_json
                                ? c[i].res->explanation_json
                                : "{}");
            em_buf_adds(&b, ",\"matched_name\":");
            em_buf_json_str(&b, c[i].res->matched_name);
            em_buf_adds(&b, ",\"related\":");
            em_buf_adds(&b, c[i].res->related_json && *c[i].res->related_json
                                ? c[i].res->related_json
                                : "[]");
            if (c[i].score >= q.threshold) matches++;
        }
        em_buf_addc(&b, '}');
    }
    char *ftext = json_dumps(facets, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(facets);
    em_buf_printf(&b,
                  "],\"facets\":%s,\"total\":{\"value\":%zu,\"relation\":\"eq\"},\"limit\":%zu,"
                  "\"offset\":%zu,\"threshold\":%.3f,\"query\":{\"q\":",
                  ftext ? ftext : "{}", n, q.limit, q.offset, q.threshold);
    free(ftext);
    const char *name = srv_params_get(params, "q");
    em_buf_json_str(&b, name ? name : "");
    em_buf_adds(&b, ",\"schema\":");
    em_buf_json_str(&b, q.schema->name);
    em_buf_adds(&b, ",\"dob\":");
    join_values(&b, pa, em_party_birth_date_count, em_party_birth_date);
    em_buf_adds(&b, ",\"country\":");
    join_values(&b, pa, em_party_country_count, em_party_country);
    em_buf_adds(&b, "},\"lists\":");
    srv_lists_json(s, g, res, &b);
    em_buf_addc(&b, '}');
    r->status = 200;
    r->len = b.len;
    r->body = em_buf_detach(&b);
    r->matches = matches;
done:
    free(c);
    for (size_t i = 0; i < nres; i++)
        srv_search_doc_clear(&docs[i]);
    free(docs);
    em_hmap_free(&names, free);
    em_strvec_free(&ds);
    em_results_free(res);
    srv_search_index_release(s, idx);
    srv_gen_release(s, g);
    em_party_free(pa);
}

void srv_handle_search(em_server *s, const char *dataset, const srv_params *params,
                       srv_response *r) {
    srv_handle_search_as(s, dataset, params, NULL, r);
}
