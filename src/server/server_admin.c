/*
 * server_admin.c - the operational endpoints (/entities is server_entities.c):
 * GET /catalog and /manifest (the datasets in yente's
 * DataCatalogModel: each list and the collections, the version the store
 * holds against the version the loaded generation screens), GET /healthz,
 * GET /readyz, GET /metrics (Prometheus text; counters are C11 atomics
 * updated by every request) and POST /admin/reload. What they say of the
 * loaded lists comes from the current view (server_reload.c) and, for the
 * snapshot (related listings, its path, its entity count), from the engine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/entity.h"
#include "server/server_datasets.h"
#include "server/server_internal.h"

const double srv_buckets[SRV_NBUCKETS] = {.0001, .00025, .0005, .001, .0025, .005, .01,
                                          .025,  .05,    .1,    .25,  .5,    1};
const int srv_statuses[SRV_NSTATUS] = {200, 204, 304, 400, 401, 403, 404, 405, 408,
                                       413, 414, 415, 422, 429, 431, 500, 503, 0};

void srv_metrics_record(srv_metrics *m, srv_endpoint ep, int status, uint64_t ns) {
    if (ep < 0 || ep >= EP_COUNT) ep = EP_OTHER;
    int si = SRV_NSTATUS - 1;
    for (int i = 0; i < SRV_NSTATUS - 1; i++)
        if (srv_statuses[i] == status) si = i;
    atomic_fetch_add_explicit(&m->requests[ep][si], 1, memory_order_relaxed);
    double sec = (double)ns / 1e9;
    for (int b = 0; b < SRV_NBUCKETS; b++)
        if (sec <= srv_buckets[b]) {
            atomic_fetch_add_explicit(&m->buckets[ep][b], 1, memory_order_relaxed);
            break;
        }
    atomic_fetch_add_explicit(&m->count[ep], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_ns[ep], ns, memory_order_relaxed);
}

/* ---- catalog ------------------------------------------------------------------- */

/* seconds since an ISO date or date-time ("2023-12-28", "2024-01-02T10:00:00Z"); -1 if
   none: the library's reading of a list's dates (em_list_age_of) */
static double age_of(const char *iso, time_t now) {
    em_list_age a;
    em_list_age_of(NULL, iso, (int64_t)now, &a);
    return a.age_days < 0 ? -1 : a.age_days * 86400.0;
}

static json_t *catalog_json(em_server *s, srv_gen *g) {
    time_t now = time(NULL);
    json_t *ds = json_deep_copy(g->catalog);
    size_t i, total = 0;
    json_t *x;
    /* the update log: last successful and last failed `embargo update` per source */
    em_update_status_list *ul = NULL;
    em_error uerr = {0};
    pthread_mutex_lock(&s->st_lock);
    if (em_store_update_status(s->st, &ul, &uerr) != 0) ul = NULL;
    pthread_mutex_unlock(&s->st_lock);
    json_array_foreach(ds, i, x) {
        const em_update_status *u =
            ul ? em_update_status_find(ul, json_string_value(json_object_get(x, "name"))) : NULL;
        if (u)
            json_object_set_new(x, "update",
                                json_pack("{s:s, s:s, s:s, s:s, s:i}", "last_success",
                                          u->last_success, "last_failure", u->last_failure,
                                          "last_failure_error",
                                          u->last_failure_error ? u->last_failure_error : "",
                                          "last_outcome", u->last_outcome ? u->last_outcome : "",
                                          "consecutive_failures", (int)u->consecutive_failures));
        const char *pub = json_string_value(json_object_get(x, "published"));
        const char *imp = json_string_value(json_object_get(x, "imported_at"));
        double a = age_of(pub, now);
        if (a >= 0) json_object_set_new(x, "published_age_seconds", json_integer((json_int_t)a));
        em_list_age la;
        em_list_age_of(json_string_value(json_object_get(x, "name")), pub, (int64_t)now, &la);
        json_object_set_new(x, "max_age_days", json_real(la.max_age_days));
        json_object_set_new(x, "stale", json_boolean(la.stale));
        a = age_of(imp, now);
        if (a >= 0) json_object_set_new(x, "imported_age_seconds", json_integer((json_int_t)a));
        total += (size_t)json_integer_value(json_object_get(x, "entity_count"));
    }
    em_update_status_list_free(ul);
    char loaded[32];
    struct tm tm;
    gmtime_r(&g->loaded_at, &tm);
    strftime(loaded, sizeof loaded, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *snap = em_engine_snapshot_path(g->engine);
    json_t *c =
        json_pack("{s:o, s:I, s:s, s:I, s:s, s:s}", "datasets", ds, "generation",
                  (json_int_t)g->number, "loaded_at", loaded, "entity_count", (json_int_t)total,
                  "snapshot", snap ? snap : "", "version", EMBARGO_VERSION);
    free(snap);
    return c;
}

/* ---- the yente catalog ------------------------------------------------------------ */

/* 3 characters [a-z0-9] from a text (FNV-1a): the "-xxx" of a version */
static void suffix_of(const char *text, char out[4]) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 16777619u;
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (int i = 0; i < 3; i++, h /= 36)
        out[i] = digits[h % 36];
    out[3] = '\0';
}

/* YYYYMMDDhhmmss from an ISO date-time (its first 14 digits, zero-padded) */
static void stamp_of(const char *iso, char out[15]) {
    size_t n = 0;
    for (const char *p = iso ? iso : ""; *p && n < 14; p++)
        if (*p >= '0' && *p <= '9') out[n++] = *p;
    while (n < 14)
        out[n++] = '0';
    out[14] = '\0';
}

/* a list version in OpenSanctions' form, "YYYYMMDDhhmmss-xxx": its import time and a
   digest of its content and id (two imports in one second differ) */
static void version_string(const char *imported_at, const char *sha256, json_int_t id,
                           char out[19]) {
    char stamp[15], suf[4], key[160];
    stamp_of(imported_at, stamp);
    snprintf(key, sizeof key, "%.128s:%lld", sha256 ? sha256 : "", (long long)id);
    suffix_of(key, suf);
    snprintf(out, 19, "%s-%s", stamp, suf);
}

/* a collection's version from its children's: the newest time, a digest of all */
static void collection_version(json_t *versions, char out[19]) {
    char newest[15] = "00000000000000";
    em_buf all;
    em_buf_init(&all);
    const char *k;
    json_t *v;
    json_object_foreach(versions, k, v) {
        const char *t = json_string_value(v);
        if (!t) continue;
        if (strncmp(t, newest, 14) > 0) memcpy(newest, t, 14);
        em_buf_printf(&all, "%s=%s;", k, t);
    }
    char suf[4];
    suffix_of(em_buf_cstr(&all), suf);
    em_buf_free(&all);
    snprintf(out, 19, "%s-%s", newest, suf);
}

/* "2024-01-02T10:00:00Z" from "YYYYMMDDhhmmss-xxx" */
static void iso_of_version(const char *v, char out[21]) {
    snprintf(out, 21, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", v, v + 4, v + 6, v + 8, v + 10, v + 12);
}

static json_t *yente_dataset(const char *name, const char *title, const char *summary,
                             const char *url, int load, const char *index_version,
                             const char *version, json_int_t entities) {
    char updated[21];
    iso_of_version(version, updated);
    json_t *d = json_object();
    json_object_set_new(d, "name", json_string(name));
    json_object_set_new(d, "title", json_string(title));
    json_object_set_new(d, "summary", summary ? json_string(summary) : json_null());
    json_object_set_new(d, "url", url ? json_string(url) : json_null());
    json_object_set_new(d, "load", json_boolean(load));
    json_object_set_new(d, "entities_url", json_null());
    json_object_set_new(d, "delta_url", json_null());
    json_object_set_new(d, "namespace", json_false());
    json_object_set_new(d, "index_version",
                        index_version ? json_string(index_version) : json_null());
    json_object_set_new(d, "index_current",
                        json_boolean(index_version && strcmp(index_version, version) == 0));
    json_object_set_new(d, "version", json_string(version));
    json_object_set_new(d, "updated_at", json_string(updated));
    json_object_set_new(d, "last_export", json_string(updated));
    json_object_set_new(d, "entity_count", json_integer(entities));
    json_object_set_new(d, "thing_count", json_integer(entities));
    json_object_set_new(d, "children", json_array());
    json_object_set_new(d, "tags", json_array());
    json_object_set_new(d, "resources", json_array());
    json_object_set_new(d, "metadata", json_object());
    return d;
}

/*
 * yente's DataCatalogModel: every list the generation screens or the store holds
 * active (load true; index_version the version screened, version the store's
 * active one, index_current when they agree), then the collections default and
 * sanctions (load false, children: every list; their versions derive from the
 * children's), and current / outdated / index_stale. embargo's own facts of a
 * list stay beside yente's fields: list_version (the store's version id),
 * format, published, imported_at, sha256, files, counts, stored_versions,
 * update, the ages; opensanctions_name when the source has one.
 */
static json_t *yente_catalog_json(em_server *s, srv_gen *g) {
    json_t *native = catalog_json(s, g); /* the generation's lists, with the update log */
    json_t *store_versions = json_object(), *store_info = json_object();
    em_version_list *vl = NULL;
    em_error err = {0};
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_versions(s->st, NULL, &vl, &err);
    pthread_mutex_unlock(&s->st_lock);
    for (size_t i = 0; rc == 0 && i < em_version_list_count(vl); i++) {
        const em_version_info *v = em_version_list_get(vl, i);
        if (!v->active || json_object_get(store_versions, v->source)) continue;
        char vs[19];
        version_string(v->imported_at, v->sha256, (json_int_t)v->id, vs);
        json_object_set_new(store_versions, v->source, json_string(vs));
        json_object_set_new(store_info, v->source, json_integer((json_int_t)v->entities));
    }
    em_version_list_free(vl);

    json_t *datasets = json_array(), *current = json_array(), *outdated = json_array();
    json_t *indexed = json_object(), *latest = json_object(), *children = json_array();
    json_int_t total = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(native, "datasets"), i, x) {
        const char *src = json_string_value(json_object_get(x, "name"));
        json_int_t id = json_integer_value(json_object_get(x, "version"));
        char iv[19];
        version_string(json_string_value(json_object_get(x, "imported_at")),
                       json_string_value(json_object_get(x, "sha256")), id, iv);
        const char *sv = json_string_value(json_object_get(store_versions, src));
        const char *ver = sv ? sv : iv;
        const srv_dataset_info *info = srv_dataset_of_source(src);
        json_int_t n = json_integer_value(json_object_get(x, "entity_count"));
        total += n;
        json_t *d = yente_dataset(src, info ? info->title : src, info ? info->summary : NULL,
                                  info ? info->url : NULL, 1, iv, ver, n);
        /* embargo's facts, under names yente does not use; list_version right after name */
        json_t *rest = json_deep_copy(x);
        json_object_del(rest, "name");
        json_object_del(rest, "version");
        json_object_del(rest, "entity_count");
        json_t *ordered = json_object();
        json_object_set_new(ordered, "name", json_string(src));
        json_object_set_new(ordered, "list_version", json_integer(id));
        json_object_update(ordered, d);
        json_object_update(ordered, rest);
        json_decref(d);
        json_decref(rest);
        if (info) {
            json_object_set_new(ordered, "opensanctions_name", json_string(info->name));
            json_object_set_new(ordered, "publisher", json_pack("{s:s}", "name", info->publisher));
        }
        json_array_append_new(datasets, ordered);
        json_array_append_new(strcmp(iv, ver) == 0 ? current : outdated, json_string(src));
        json_object_set_new(indexed, src, json_string(iv));
        json_object_set_new(latest, src, json_string(ver));
        json_array_append_new(children, json_string(src));
    }
    /* active in the store, not yet screened (the poller loads them within seconds) */
    int unloaded = 0;
    const char *k;
    json_t *v;
    json_object_foreach(store_versions, k, v) {
        if (json_object_get(indexed, k)) continue;
        const srv_dataset_info *info = srv_dataset_of_source(k);
        json_t *d = yente_dataset(k, info ? info->title : k, info ? info->summary : NULL,
                                  info ? info->url : NULL, 1, NULL, json_string_value(v),
                                  json_integer_value(json_object_get(store_info, k)));
        if (info) json_object_set_new(d, "opensanctions_name", json_string(info->name));
        json_array_append_new(datasets, d);
        json_object_set(latest, k, v);
        json_array_append_new(children, json_string(k));
        unloaded = 1;
    }
    char civ[19], cv[19];
    collection_version(indexed, civ);
    collection_version(latest, cv);
    static const char *const titles[] = {"Default: every list embargo screens",
                                         "Sanctions: every list embargo screens"};
    for (size_t c = 0; srv_collections[c]; c++) {
        json_t *d = yente_dataset(srv_collections[c], titles[c ? 1 : 0],
                                  "A collection of every active list of this embargo home.", NULL,
                                  0, civ, cv, total); /* a child not screened yet: not current */
        json_object_set(d, "children", children);
        json_object_set_new(d, "tags", json_pack("[s]", "list.sanction"));
        json_array_append_new(datasets, d);
        if (!json_is_true(json_object_get(d, "index_current")))
            json_array_append_new(outdated, json_string(srv_collections[c]));
    }
    json_t *out = json_object();
    json_object_set_new(out, "datasets", datasets);
    json_object_set_new(out, "current", current);
    json_object_set_new(out, "outdated", outdated);
    json_object_set_new(out, "index_stale",
                        json_boolean(json_array_size(outdated) > 0 || unloaded));
    const char *extra[] = {"generation", "loaded_at", "entity_count", "snapshot", "version"};
    for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++)
        json_object_set(out, extra[e], json_object_get(native, extra[e]));
    json_decref(native);
    json_decref(store_versions);
    json_decref(store_info);
    json_decref(indexed);
    json_decref(latest);
    json_decref(children);
    return out;
}

void srv_handle_catalog(em_server *s, srv_response *r) {
    srv_gen *g = srv_gen_acquire(s);
    if (!g) {
        srv_not_ready(s, r);
        return;
    }
    json_t *c = yente_catalog_json(s, g);
    srv_gen_release(s, g);
    srv_json(r, 200, c);
}

/* embargo's own catalog (the generation's list versions with their numeric ids), what
   `embargo serve` prints at start; GET /catalog answers yente's shape above */
char *em_server_catalog_json(em_server *s) {
    srv_gen *g = srv_gen_acquire(s);
    if (!g) return NULL;
    json_t *c = catalog_json(s, g);
    srv_gen_release(s, g);
    char *text = json_dumps(c, JSON_COMPACT);
    json_decref(c);
    return text;
}

/* ---- health ------------------------------------------------------------------------- */

void srv_handle_healthz(em_server *s, srv_response *r) {
    srv_json(r, 200,
             json_pack("{s:s, s:I}", "status", "ok", "uptime_seconds",
                       (json_int_t)difftime(time(NULL), s->started)));
}

void srv_not_ready(em_server *s, srv_response *r) {
    /* load_error is written once, before the server answers */
    srv_error(r, 503, "not_ready",
              "no list is loaded, so nothing can be screened: import lists into the home "
              "(`embargo import FILE...`) or download them (`embargo update`); the server "
              "loads new versions within seconds%s%.600s%s",
              s->load_error[0] ? " (" : "", s->load_error, s->load_error[0] ? ")" : "");
}

void srv_handle_readyz(em_server *s, srv_response *r) {
    srv_gen *g = srv_gen_acquire(s);
    if (!g) {
        srv_not_ready(s, r);
        return;
    }
    /* a list older than its source is allowed (em_list_age_of) makes the service
       "degraded": it still screens (200), but monitoring that reads the status
       pages someone */
    json_t *lists = json_array(), *stale = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(g->catalog, i, x) {
        const char *src = json_string_value(json_object_get(x, "name"));
        const char *pub = json_string_value(json_object_get(x, "published"));
        if (!src) continue;
        em_list_age a;
        em_list_age_of(src, pub, 0, &a);
        json_t *l = json_pack("{s:s, s:I, s:s, s:b, s:f}", "source", src, "version",
                              json_integer_value(json_object_get(x, "version")), "published",
                              pub ? pub : "", "stale", a.stale, "max_age_days", a.max_age_days);
        json_object_set_new(l, "age_days",
                            a.age_days >= 0 ? json_integer((json_int_t)a.age_days) : json_null());
        json_array_append_new(lists, l);
        if (a.stale) json_array_append_new(stale, json_string(src));
    }
    json_t *j = json_pack(
        "{s:s, s:I, s:I, s:o, s:o}", "status", json_array_size(stale) ? "degraded" : "ready",
        "generation", (json_int_t)g->number, "entities",
        (json_int_t)em_engine_entity_count(g->engine), "stale", stale, "lists", lists);
    srv_gen_release(s, g);
    srv_json(r, 200, j);
}

/* ---- reload ----------------------------------------------------------------------------- */

void srv_handle_reload(em_server *s, srv_response *r) {
    em_error err = {0};
    if (srv_reload(s, 1, NULL, &err) != 0) {
        srv_error(r, 500, "reload_failed", "%s", err.message);
        return;
    }
    srv_gen *g = srv_gen_acquire(s);
    json_t *j =
        json_pack("{s:s, s:I, s:o}", "status", "reloaded", "generation",
                  (json_int_t)(g ? g->number : 0), "catalog", g ? catalog_json(s, g) : json_null());
    srv_gen_release(s, g);
    srv_json(r, 200, j);
}

/* ---- metrics -------------------------------------------------------------------------------- */

static void label_value(em_buf *b, const char *v) {
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            em_buf_addc(b, '\\'), em_buf_addc(b, *v);
        else if (*v == '\n')
            em_buf_adds(b, "\\n");
        else
            em_buf_addc(b, *v);
    }
}

void srv_handle_metrics(em_server *s, srv_response *r) {
    srv_metrics *m = &s->metrics;
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "# HELP embargo_requests_total HTTP requests by endpoint and status.\n"
                    "# TYPE embargo_requests_total counter\n");
    for (int e = 0; e < EP_COUNT; e++)
        for (int i = 0; i < SRV_NSTATUS; i++) {
            unsigned long long n = atomic_load(&m->requests[e][i]);
            if (!n) continue;
            char st[8];
            if (srv_statuses[i])
                snprintf(st, sizeof st, "%d", srv_statuses[i]);
            else
                snprintf(st, sizeof st, "other");
            em_buf_printf(&b, "embargo_requests_total{endpoint=\"%s\",status=\"%s\"} %llu\n",
                          srv_endpoint_names[e], st, n);
        }
    em_buf_adds(&b, "# HELP embargo_request_duration_seconds Request latency by endpoint.\n"
                    "# TYPE embargo_request_duration_seconds histogram\n");
    for (int e = 0; e < EP_COUNT; e++) {
        unsigned long long count = atomic_load(&m->count[e]);
        if (!count && e != EP_MATCH) continue;
        unsigned long long cum = 0;
        for (int i = 0; i < SRV_NBUCKETS; i++) {
            cum += atomic_load(&m->buckets[e][i]);
            em_buf_printf(&b,
                          "embargo_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} "
                          "%llu\n",
                          srv_endpoint_names[e], srv_buckets[i], cum);
        }
        em_buf_printf(&b,
                      "embargo_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n"
                      "embargo_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
                      "embargo_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
                      srv_endpoint_names[e], count, srv_endpoint_names[e],
                      (double)atomic_load(&m->sum_ns[e]) / 1e9, srv_endpoint_names[e], count);
    }
    em_buf_printf(&b,
                  "# HELP embargo_matches_total Results at or above the threshold returned.\n"
                  "# TYPE embargo_matches_total counter\nembargo_matches_total %llu\n"
                  "# HELP embargo_reloads_total Matcher swaps after start (new list versions).\n"
                  "# TYPE embargo_reloads_total counter\nembargo_reloads_total %llu\n"
                  "# HELP embargo_reload_failures_total Reloads that failed.\n"
                  "# TYPE embargo_reload_failures_total counter\n"
                  "embargo_reload_failures_total %llu\n"
                  "# HELP embargo_snapshot_generation The loaded matcher generation.\n"
                  "# TYPE embargo_snapshot_generation gauge\nembargo_snapshot_generation %llu\n",
                  atomic_load(&m->matches), atomic_load(&m->reloads),
                  atomic_load(&m->reload_failures), atomic_load(&s->generation));
    srv_update_metrics(s, &b);
    srv_gen *g = srv_gen_acquire(s);
    if (g) {
        time_t now = time(NULL);
        em_buf ent, age, ver, stl, mx;
        em_buf_init(&ent);
        em_buf_init(&age);
        em_buf_init(&ver);
        em_buf_init(&stl);
        em_buf_init(&mx);
        size_t i;
        json_t *x;
        json_array_foreach(g->catalog, i, x) {
            const char *src = json_string_value(json_object_get(x, "name"));
            if (!src) continue;
            em_buf_adds(&ent, "embargo_list_entities{source=\"");
            label_value(&ent, src);
            em_buf_printf(&ent, "\"} %lld\n",
                          (long long)json_integer_value(json_object_get(x, "entity_count")));
            em_buf_adds(&ver, "embargo_list_version{source=\"");
            label_value(&ver, src);
            em_buf_printf(&ver, "\"} %lld\n",
                          (long long)json_integer_value(json_object_get(x, "version")));
            em_list_age la;
            em_list_age_of(src, json_string_value(json_object_get(x, "published")), (int64_t)now,
                           &la);
            em_buf_adds(&stl, "embargo_list_stale{source=\"");
            label_value(&stl, src);
            em_buf_printf(&stl, "\"} %d\n", la.stale);
            em_buf_adds(&mx, "embargo_list_max_age_seconds{source=\"");
            label_value(&mx, src);
            em_buf_printf(&mx, "\"} %.0f\n", la.max_age_days * 86400.0);
            const char *bases[2] = {"published", "imported_at"};
            for (int k = 0; k < 2; k++) {
                double a = age_of(json_string_value(json_object_get(x, bases[k])), now);
                if (a < 0) continue;
                em_buf_adds(&age, "embargo_list_age_seconds{source=\"");
                label_value(&age, src);
                em_buf_printf(&age, "\",basis=\"%s\"} %.0f\n", k ? "imported" : "published", a);
            }
        }
        em_buf_printf(&b,
                      "# HELP embargo_list_entities Entities in the loaded version of a list.\n"
                      "# TYPE embargo_list_entities gauge\n%s"
                      "# HELP embargo_list_version The loaded version id of a list.\n"
                      "# TYPE embargo_list_version gauge\n%s"
                      "# HELP embargo_list_age_seconds Age of the loaded list, from its "
                      "publication date and from its import.\n"
                      "# TYPE embargo_list_age_seconds gauge\n%s"
                      "# HELP embargo_list_max_age_seconds The age beyond which a list is "
                      "stale ($EMBARGO_MAX_AGE_OFAC, $EMBARGO_MAX_AGE).\n"
                      "# TYPE embargo_list_max_age_seconds gauge\n%s"
                      "# HELP embargo_list_stale 1 when the loaded list is older than its "
                      "maximum age (/readyz says \"degraded\").\n"
                      "# TYPE embargo_list_stale gauge\n%s",
                      em_buf_cstr(&ent), em_buf_cstr(&ver), em_buf_cstr(&age), em_buf_cstr(&mx),
                      em_buf_cstr(&stl));
        em_buf_free(&stl);
        em_buf_free(&mx);
        em_buf_free(&ent);
        em_buf_free(&age);
        em_buf_free(&ver);
        srv_gen_release(s, g);
    }
    r->status = 200;
    r->len = b.len;
    r->body = em_buf_detach(&b);
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
