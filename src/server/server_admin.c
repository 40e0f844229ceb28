/*
 * server_admin.c - the operational endpoints: GET /entities/{id} (the whole
 * stored entity), GET /catalog (the loaded list versions), GET /healthz,
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

/* ---- entities --------------------------------------------------------------- */

void srv_handle_entity(em_server *s, const char *id, srv_response *r) {
    if (!id || !*id || strlen(id) > 256 || !srv_utf8_valid(id, strlen(id))) {
        srv_error(r, 404, "not_found", "no entity with this id");
        return;
    }
    em_entity *e = NULL;
    em_error err = {0};
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_entity(s->st, id, 0, &e, &err);
    pthread_mutex_unlock(&s->st_lock);
    if (rc != 0) {
        if (err.code == EM_ERR_NOTFOUND)
            srv_error(r, 404, "not_found", "no entity '%s' in the active lists", id);
        else
            srv_error(r, 500, "internal", "%s", err.message);
        return;
    }
    json_t *out = srv_entity_ftm(s, e, 0);
    json_t *stored = em_entity_to_json(e);
    em_entity_free(e);
    json_object_set_new(out, "embargo", stored);
    /* the same party on other lists, from the current snapshot */
    srv_gen *g = srv_gen_acquire(s);
    json_t *related = NULL;
    if (g) {
        char *rel = em_engine_related(g->engine, id);
        related = json_loads(rel, 0, NULL);
        free(rel);
        srv_gen_release(s, g);
    }
    json_object_set_new(out, "related", related ? related : json_array());
    srv_json(r, 200, out);
}

/* ---- catalog ------------------------------------------------------------------- */

/* seconds since an ISO date or date-time ("2023-12-28", "2024-01-02T10:00:00Z"); -1 if none */
static double age_of(const char *iso, time_t now) {
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) != 3) return -1;
    if (strlen(iso) > 10) sscanf(iso + 10, "%*c%2d:%2d:%2d", &h, &mi, &sec);
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : difftime(now, t);
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

void srv_handle_catalog(em_server *s, srv_response *r) {
    srv_gen *g = srv_gen_acquire(s);
    if (!g) {
        srv_not_ready(s, r);
        return;
    }
    json_t *c = catalog_json(s, g);
    srv_gen_release(s, g);
    srv_json(r, 200, c);
}

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
    json_t *j = json_pack("{s:s, s:I, s:I}", "status", "ready", "generation", (json_int_t)g->number,
                          "entities", (json_int_t)em_engine_entity_count(g->engine));
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
        em_buf ent, age, ver;
        em_buf_init(&ent);
        em_buf_init(&age);
        em_buf_init(&ver);
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
                      "# TYPE embargo_list_age_seconds gauge\n%s",
                      em_buf_cstr(&ent), em_buf_cstr(&ver), em_buf_cstr(&age));
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
