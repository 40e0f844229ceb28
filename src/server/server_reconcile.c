/*
 * server_reconcile.c - the OpenRefine Reconciliation API (the W3C community
 * draft yente implements, version 0.2) at /reconcile/{dataset}, so an
 * analyst can reconcile a spreadsheet of names from OpenRefine:
 *
 *   GET  /reconcile/{dataset}                 the service manifest
 *   POST /reconcile/{dataset}                 queries= (a batch {"q0": {"query",
 *                                             "type", "limit", "properties": [{"pid",
 *                                             "v"}]}}) or extend= ({"ids",
 *                                             "properties": [{"id"}]}), form-encoded
 *                                             or as a JSON body
 *   GET  /reconcile/{dataset}?queries=...     the same (JSONP-free GET form)
 *   GET  /reconcile/{dataset}/suggest/entity  ?prefix= : entities by name
 *   GET  /reconcile/{dataset}/suggest/type    ?prefix= : schemata
 *   GET  /reconcile/{dataset}/suggest/property ?prefix= : properties
 *   GET  /reconcile/{dataset}/extend/property ?type= : properties to extend with
 *
 * A query is one /match query (srv_handle_match_as: the same validation,
 * screening, audit entry and scores), its results as reconciliation
 * candidates {id, name, score, match, type}; extend reads entities' FtM
 * properties; suggest/entity matches the prefix word by word against the
 * captions of /search's listing (server_search_index.c). Preview and view
 * point at the web UI's entity page (/entity/{id}).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/entity.h"
#include "model/schema.h"
#include "server/server_datasets.h"
#include "server/server_internal.h"
#include "server/server_search.h"

#define RECON_MAX_BATCH 100
#define RECON_DEFAULT_LIMIT 5

/* the properties OpenRefine may send or extend with: FtM name, label, the schema that
   has it ("Thing:country" is the qualified name yente suggests) */
static const struct {
    const char *schema, *name, *label;
} PROPS[] = {
    {"Thing", "name", "Name"},
    {"Thing", "alias", "Other name"},
    {"Thing", "previousName", "Previous name"},
    {"Thing", "weakAlias", "Weak alias"},
    {"Thing", "country", "Country"},
    {"Thing", "notes", "Notes"},
    {"Thing", "sourceUrl", "Source link"},
    {"Thing", "topics", "Topics"},
    {"Thing", "address", "Address"},
    {"LegalEntity", "mainCountry", "Country of origin"},
    {"LegalEntity", "jurisdiction", "Jurisdiction"},
    {"LegalEntity", "idNumber", "ID Number"},
    {"LegalEntity", "taxNumber", "Tax Number"},
    {"LegalEntity", "registrationNumber", "Registration number"},
    {"LegalEntity", "email", "E-Mail"},
    {"LegalEntity", "phone", "Phone"},
    {"LegalEntity", "website", "Website"},
    {"LegalEntity", "program", "Program"},
    {"LegalEntity", "programId", "Program ID"},
    {"Person", "birthDate", "Birth date"},
    {"Person", "birthPlace", "Place of birth"},
    {"Person", "nationality", "Nationality"},
    {"Person", "citizenship", "Citizenship"},
    {"Person", "gender", "Gender"},
    {"Person", "passportNumber", "Passport number"},
    {"Person", "position", "Position"},
    {"Person", "title", "Title"},
    {"Organization", "incorporationDate", "Incorporation date"},
    {"Vessel", "imoNumber", "IMO Number"},
    {"Vessel", "flag", "Flag"},
    {"Vessel", "callSign", "Call sign"},
    {"Vessel", "mmsi", "MMSI"},
};
#define NPROPS (sizeof PROPS / sizeof *PROPS)

static int schema_descends(const em_schema_info *s, const char *anc) {
    for (; s; s = s->parent ? em_schema_find(s->parent) : NULL)
        if (strcmp(s->name, anc) == 0) return 1;
    return 0;
}

/* does the text start a word of the name or label (case-insensitive)? "" never does */
static int prefix_of(const char *prefix, const char *text) {
    size_t n = strlen(prefix);
    if (!n) return 0;
    for (const char *p = text; *p; p++)
        if ((p == text || p[-1] == ' ') && strncasecmp(p, prefix, n) == 0) return 1;
    return strncasecmp(text, prefix, n) == 0;
}

static json_t *type_json(const char *schema) {
    return json_pack("{s:s, s:s}", "id", schema, "name", schema);
}

/* ---- the manifest ------------------------------------------------------------------ */

static void manifest(const char *dataset, const srv_params *p, srv_response *r) {
    const char *key = srv_params_get(p, "api_key");
    char qs[300] = "";
    if (key && strlen(key) < 250 && !strpbrk(key, "&#\"<> "))
        snprintf(qs, sizeof qs, "?api_key=%s", key);
    char *base = em_xasprintf("/reconcile/%s", dataset);
    json_t *types = json_array();
    for (size_t i = 0; em_schema_at(i); i++) {
        const em_schema_info *s = em_schema_at(i);
        if (strcmp(s->name, "Thing") != 0) json_array_append_new(types, type_json(s->name));
    }
    char *se = em_xasprintf("/suggest/entity%s", qs), *st = em_xasprintf("/suggest/type%s", qs),
         *sp = em_xasprintf("/suggest/property%s", qs),
         *ep = em_xasprintf("/extend/property%s", qs);
    json_t *m = json_pack(
        "{s:[s], s:s, s:s, s:s, s:{s:s}, s:s, s:i, s:{s:s, s:i, s:i}, "
        "s:{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}}, "
        "s:{s:{s:s, s:s}, s:[{s:s, s:s, s:s, s:i, s:s}]}, s:o}",
        "versions", "0.2", "name", "embargo sanctions screening", "identifierSpace",
        "https://www.opensanctions.org/reference/#schema", "schemaSpace",
        "https://www.opensanctions.org/reference/#schema", "view", "url", "/entity/{{id}}",
        "documentation", "https://github.com/embargo-screening/embargo/blob/main/docs/YENTE.md",
        "batchSize", 3, "preview", "url", "/entity/{{id}}", "width", 430, "height", 600, "suggest",
        "entity", "service_url", base, "service_path", se, "type", "service_url", base,
        "service_path", st, "property", "service_url", base, "service_path", sp, "extend",
        "propose_properties", "service_url", base, "service_path", ep, "propose_settings", "name",
        "limit", "label", "Limit", "type", "number", "default", 0, "help_text",
        "Maximum number of values to return per row (0 for no limit).", "defaultTypes", types);
    free(se);
    free(st);
    free(sp);
    free(ep);
    free(base);
    srv_json(r, 200, m);
}

/* ---- queries ------------------------------------------------------------------------ */

/* one reconciliation query as a /match query object; NULL with a 400 in r */
static json_t *match_query(const char *k, json_t *q, size_t *limit, srv_response *r) {
    if (!json_is_object(q)) {
        srv_error(r, 400, "invalid_query", "query '%.100s' is not an object", k);
        return NULL;
    }
    json_t *type = json_object_get(q, "type");
    if (json_is_array(type)) type = json_array_get(type, 0);
    const char *schema = json_is_string(type) ? json_string_value(type) : "LegalEntity";
    if (!strcmp(schema, "Thing")) schema = "LegalEntity";
    if (!em_schema_find(schema)) {
        srv_error(
            r, 400, "invalid_schema",
            "query '%.100s': type '%.100s' is not a schema (see defaultTypes in the manifest)", k,
            schema);
        return NULL;
    }
    json_t *lim = json_object_get(q, "limit");
    *limit = RECON_DEFAULT_LIMIT;
    if (json_is_integer(lim) && json_integer_value(lim) > 0 && json_integer_value(lim) <= 500)
        *limit = (size_t)json_integer_value(lim);
    json_t *props = json_object();
    json_t *text = json_object_get(q, "query");
    if (json_is_string(text) && *json_string_value(text))
        json_object_set_new(props, "name", json_pack("[O]", text));
    size_t i;
    json_t *pv;
    json_array_foreach(json_object_get(q, "properties"), i, pv) {
        const char *pid = json_string_value(json_object_get(pv, "pid"));
        json_t *v = json_object_get(pv, "v");
        if (!pid || !(json_is_string(v) || json_is_array(v))) continue;
        const char *colon = strrchr(pid, ':'); /* "Person:birthDate" */
        const char *name = colon ? colon + 1 : pid;
        size_t k2 = 0;
        while (k2 < NPROPS && strcmp(PROPS[k2].name, name) != 0)
            k2++;
        if (k2 == NPROPS) continue; /* yente: a property it does not know is left out */
        json_t *arr = json_object_get(props, name);
        if (!arr) json_object_set_new(props, name, arr = json_array());
        if (json_is_string(v))
            json_array_append(arr, v);
        else
            json_array_extend(arr, v);
    }
    return json_pack("{s:s, s:o}", "schema", schema, "properties", props);
}

/* /match's results as reconciliation candidates */
static json_t *candidates(json_t *results) {
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(results, i, x) {
        const char *schema = json_string_value(json_object_get(x, "schema"));
        json_t *c =
            json_pack("{s:O, s:O, s:O, s:O, s:[o]}", "id", json_object_get(x, "id"), "name",
                      json_object_get(x, "caption"), "score", json_object_get(x, "score"), "match",
                      json_object_get(x, "match"), "type", type_json(schema ? schema : "Thing"));
        if (c) json_array_append_new(out, c);
    }
    return out;
}

static void queries(em_server *s, const char *dataset, const char *text, const char *user,
                    srv_response *r) {
    json_error_t je;
    json_t *batch = json_loads(text, 0, &je);
    if (!json_is_object(batch)) {
        srv_error(r, 400, "invalid_json",
                  "queries must be a JSON object of queries ({\"q0\": {\"query\": \"...\"}}): %s",
                  batch ? "not an object" : je.text);
        json_decref(batch);
        return;
    }
    if (json_object_size(batch) > RECON_MAX_BATCH) {
        srv_error(r, 400, "too_many_queries", "Too many queries in one batch (limit: %d)",
                  RECON_MAX_BATCH);
        json_decref(batch);
        return;
    }
    json_t *out = json_object();
    const char *k;
    json_t *q;
    json_object_foreach(batch, k, q) {
        size_t limit;
        json_t *mq = match_query(k, q, &limit, r);
        if (!mq) goto fail;
        json_t *body = json_pack("{s:{s:o}}", "queries", "q", mq);
        char *btext = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        char lim[32];
        snprintf(lim, sizeof lim, "%zu", limit);
        srv_params mp = {0};
        srv_params_add(&mp, "limit", lim);
        srv_params_add(&mp, "cutoff", "0");
        srv_response mr = {0};
        srv_handle_match_as(s, dataset, &mp, btext, strlen(btext), user, &mr, NULL);
        free(btext);
        srv_params_free(&mp);
        json_t *res = mr.status == 200 ? json_loads(mr.body, 0, NULL) : NULL;
        if (!res) {
            /* the match's own answer (a 4xx names the query's problem, 503 no lists) */
            json_t *err = mr.body ? json_loads(mr.body, 0, NULL) : NULL;
            json_t *det = json_object_get(err, "detail");
            char *dtext = det ? json_dumps(det, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
            int st = mr.status >= 500 ? mr.status : 400;
            srv_error(r, st, st == 400 ? "invalid_query" : "unavailable", "query '%.100s': %s", k,
                      json_is_string(det) ? json_string_value(det)
                      : dtext             ? dtext
                                          : "failed");
            free(dtext);
            json_decref(err);
            srv_response_free(&mr);
            goto fail;
        }
        srv_response_free(&mr);
        json_t *results =
            json_object_get(json_object_get(json_object_get(res, "responses"), "q"), "results");
        json_object_set_new(out, k, json_pack("{s:o}", "result", candidates(results)));
        json_decref(res);
    }
    json_decref(batch);
    srv_json(r, 200, out);
    return;
fail:
    json_decref(out);
    json_decref(batch);
}

/* ---- extend --------------------------------------------------------------------------- */

static void extend(em_server *s, const char *text, srv_response *r) {
    json_error_t je;
    json_t *q = json_loads(text, 0, &je);
    json_t *ids = json_object_get(q, "ids"), *props = json_object_get(q, "properties");
    if (!json_is_array(ids) || !json_is_array(props)) {
        srv_error(r, 400, "invalid_json",
                  "Cannot decode extension request: give {\"ids\": [...], \"properties\": "
                  "[{\"id\": \"name\"}]}");
        json_decref(q);
        return;
    }
    if (json_array_size(ids) > RECON_MAX_BATCH) {
        srv_error(r, 400, "too_many_queries", "Too many queries in one batch (limit: %d)",
                  RECON_MAX_BATCH);
        json_decref(q);
        return;
    }
    json_t *rows = json_object(), *meta = json_array();
    size_t i, j;
    json_t *p, *idv;
    json_array_foreach(props, j, p) {
        const char *pid = json_string_value(json_object_get(p, "id"));
        if (!pid) continue;
        const char *label = pid;
        for (size_t k = 0; k < NPROPS; k++)
            if (strcmp(PROPS[k].name, pid) == 0) label = PROPS[k].label;
        json_array_append_new(meta, json_pack("{s:s, s:s}", "id", pid, "name", label));
    }
    json_array_foreach(ids, i, idv) {
        const char *id = json_string_value(idv);
        if (!id || strlen(id) > 256 || !srv_utf8_valid(id, strlen(id))) continue;
        json_t *row = json_object();
        em_entity *e = NULL;
        pthread_mutex_lock(&s->st_lock);
        int rc = em_store_entity(s->st, id, 0, &e, NULL);
        pthread_mutex_unlock(&s->st_lock);
        json_t *ftm = rc == 0 ? srv_entity_ftm(s, e, 0) : NULL;
        em_entity_free(e);
        json_t *fp = json_object_get(ftm, "properties");
        json_array_foreach(props, j, p) {
            const char *pid = json_string_value(json_object_get(p, "id"));
            if (!pid) continue;
            json_t *vals = json_array();
            size_t k;
            json_t *v;
            json_array_foreach(json_object_get(fp, pid), k, v) if (json_is_string(v))
                json_array_append_new(vals, json_pack("{s:O}", "str", v));
            json_object_set_new(row, pid, vals);
        }
        json_decref(ftm);
        json_object_set_new(rows, id, row);
    }
    json_decref(q);
    srv_json(r, 200, json_pack("{s:o, s:o}", "meta", meta, "rows", rows));
}

static void extend_properties(const srv_params *p, srv_response *r) {
    const char *type = srv_params_get(p, "type"), *v;
    const em_schema_info *si = em_schema_find(type && *type ? type : "LegalEntity");
    if (!si) {
        srv_error(r, 400, "invalid_schema", "type '%.100s' is not a schema", type);
        return;
    }
    unsigned long limit = 0;
    if ((v = srv_params_get(p, "limit")) && srv_parse_count(v, 0, 1000, &limit) != 0) {
        srv_error(r, 400, "invalid_parameter", "limit must be a decimal integer (0 to 1000)");
        return;
    }
    json_t *props = json_array();
    for (size_t k = 0; k < NPROPS && (!limit || json_array_size(props) < limit); k++)
        if (schema_descends(si, PROPS[k].schema))
            json_array_append_new(
                props, json_pack("{s:s, s:s}", "id", PROPS[k].name, "name", PROPS[k].label));
    srv_json(r, 200,
             json_pack("{s:s, s:I, s:o}", "type", si->name, "limit", (json_int_t)limit,
                       "properties", props));
}

/* ---- suggest ------------------------------------------------------------------------------ */

/* does every word of the prefix start a word of the caption (ASCII case-insensitive)? */
static int words_prefix(const char *prefix, const char *caption) {
    for (const char *w = prefix; *w;) {
        while (*w == ' ' || *w == ',')
            w++;
        size_t n = strcspn(w, " ,");
        if (!n) break;
        int hit = 0;
        for (const char *c = caption; *c && !hit; c++)
            if ((c == caption || strchr(" ,-'()", c[-1])) && strncasecmp(c, w, n) == 0) hit = 1;
        if (!hit) return 0;
        w += n;
    }
    return 1;
}

/* entities whose caption the prefix starts, word by word (OpenRefine's autocomplete) */
static void suggest_entity(em_server *s, const char *dataset, const srv_params *p,
                           srv_response *r) {
    const char *prefix = srv_params_get(p, "prefix"), *v;
    unsigned long limit = 10;
    if ((v = srv_params_get(p, "limit")) && srv_parse_count(v, 0, 500, &limit) != 0) {
        srv_error(r, 400, "invalid_parameter", "limit must be a decimal integer (0 to 500)");
        return;
    }
    json_t *out = json_array();
    if (prefix && *prefix) {
        srv_gen *g = srv_gen_acquire(s);
        em_error err = {0};
        srv_search_index *idx = g ? srv_search_index_acquire(s, g, &err) : NULL;
        int all = strcmp(dataset, "default") == 0;
        for (size_t i = 0; idx && i < idx->n && json_array_size(out) < limit; i++) {
            const srv_search_doc *d = &idx->docs[i];
            if ((!all && strcmp(d->source, dataset) != 0) || !words_prefix(prefix, d->caption))
                continue;
            json_array_append_new(out, json_pack("{s:s, s:s, s:[o]}", "id", d->id, "name",
                                                 d->caption, "type", type_json(d->schema)));
        }
        srv_search_index_release(s, idx);
        srv_gen_release(s, g);
        if (g && !idx) {
            json_decref(out);
            srv_error(r, 500, "internal", "cannot read the lists: %s", err.message);
            return;
        }
    }
    srv_json(r, 200, json_pack("{s:s, s:o}", "prefix", prefix ? prefix : "", "result", out));
}

static void suggest_type(const srv_params *p, srv_response *r) {
    const char *prefix = srv_params_get(p, "prefix");
    json_t *out = json_array();
    for (size_t i = 0; prefix && em_schema_at(i); i++) {
        const em_schema_info *s = em_schema_at(i);
        if (prefix_of(prefix, s->name)) json_array_append_new(out, type_json(s->name));
    }
    srv_json(r, 200, json_pack("{s:s, s:o}", "prefix", prefix ? prefix : "", "result", out));
}

static void suggest_property(const srv_params *p, srv_response *r) {
    const char *prefix = srv_params_get(p, "prefix");
    json_t *out = json_array();
    for (size_t k = 0; prefix && k < NPROPS; k++)
        if (prefix_of(prefix, PROPS[k].name) || prefix_of(prefix, PROPS[k].label)) {
            char *id = em_xasprintf("%s:%s", PROPS[k].schema, PROPS[k].name);
            json_array_append_new(out, json_pack("{s:s, s:s}", "id", id, "name", PROPS[k].label));
            free(id);
        }
    srv_json(r, 200, json_pack("{s:s, s:o}", "prefix", prefix ? prefix : "", "result", out));
}

/* ---- the route ------------------------------------------------------------------------------ */

/* the form or JSON body's queries / extend, or the query string's */
static void post(em_server *s, const char *dataset, const srv_params *p, const char *body,
                 size_t len, const char *user, srv_response *r) {
    srv_params form = {0};
    const char *qs = srv_params_get(p, "queries"), *ex = srv_params_get(p, "extend");
    char *owned = NULL;
    size_t lead = 0;
    while (lead < len && strchr(" \t\r\n", body[lead]))
        lead++;
    if (body && lead < len && body[lead] == '{') {
        json_t *j = json_loadb(body, len, 0, NULL);
        json_t *jq = json_object_get(j, "queries"), *je = json_object_get(j, "extend");
        if (jq || je) {
            owned = json_dumps(jq ? jq : je, JSON_COMPACT);
            if (jq)
                qs = owned, ex = NULL;
            else
                ex = owned, qs = NULL;
        } else if (j) {
            owned = json_dumps(j, JSON_COMPACT); /* the batch itself */
            qs = owned;
        }
        json_decref(j);
    } else if (body && len) {
        char *text = em_xstrndup(body, len);
        srv_params_parse(&form, text);
        free(text);
        if (srv_params_get(&form, "queries")) qs = srv_params_get(&form, "queries");
        if (srv_params_get(&form, "extend")) ex = srv_params_get(&form, "extend");
    }
    if (qs)
        queries(s, dataset, qs, user, r);
    else if (ex)
        extend(s, ex, r);
    else
        srv_error(r, 400, "invalid_parameter",
                  "No queries or extend request provided (queries={\"q0\": {\"query\": "
                  "\"...\"}} or extend={\"ids\": [...], \"properties\": [...]})");
    free(owned);
    srv_params_free(&form);
}

void srv_handle_reconcile(em_server *s, const char *method, const char *arg, const srv_params *p,
                          const char *body, size_t len, const char *user, srv_response *r) {
    size_t n = arg ? strcspn(arg, "/") : 0;
    char *dataset = em_xstrndup(arg ? arg : "", n);
    const char *rest = arg ? arg + n : "";
    int is_post = strcmp(method, "POST") == 0;
    /* OpenSanctions' names and the collections (server_datasets.c), as /match's */
    srv_gen *g = srv_gen_acquire(s);
    if (!g) {
        srv_not_ready(s, r);
        free(dataset);
        return;
    }
    srv_dataset_sel sel;
    int known = srv_utf8_valid(dataset, strlen(dataset)) && n <= 200 &&
                srv_dataset_resolve(g, dataset, &sel) == 0;
    if (known && !sel.all && sel.n == 1) {
        char *source = em_xstrdup(sel.sources[0]);
        free(dataset);
        dataset = source;
    } else if (known) {
        free(dataset);
        dataset = em_xstrdup("default");
    }
    srv_gen_release(s, g);
    if (!known) {
        srv_error(r, 404, "unknown_dataset",
                  "No such dataset (see /catalog for the datasets and collections)");
        free(dataset);
        return;
    }
    /* every parameter is echoed or compared as text: bytes that are not UTF-8 are the
       caller's error, never a response that cannot be encoded */
    for (size_t i = 0; i < p->len; i++)
        if (!srv_utf8_valid(p->values[i], strlen(p->values[i]))) {
            srv_error(r, 400, "invalid_utf8", "parameter %.40s is not valid UTF-8",
                      srv_utf8_valid(p->keys[i], strlen(p->keys[i])) ? p->keys[i] : "?");
            free(dataset);
            return;
        }
    if (!*rest) {
        if (is_post || srv_params_get(p, "queries") || srv_params_get(p, "extend"))
            post(s, dataset, p, is_post ? body : NULL, is_post ? len : 0, user, r);
        else
            manifest(dataset, p, r);
    } else if (strcmp(rest, "/suggest/entity") == 0) {
        suggest_entity(s, dataset, p, r);
    } else if (strcmp(rest, "/suggest/type") == 0) {
        suggest_type(p, r);
    } else if (strcmp(rest, "/suggest/property") == 0) {
        suggest_property(p, r);
    } else if (strcmp(rest, "/extend/property") == 0) {
        extend_properties(p, r);
    } else {
        srv_error(r, 404, "not_found", "no such path");
    }
    free(dataset);
}
