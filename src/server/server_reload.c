/*
 * server_reload.c - matcher generations and live reload. A generation is one
 * open matcher with the catalog of the versions it was compiled from, a pool
 * of searchers (em_searcher is per thread; a request borrows one) and a cache
 * of the FtM form of the entities it returned. Requests take a reference for
 * their whole life; a reload (the poller, every 2 s, when the store's active
 * versions changed, or POST /admin/reload) swaps in a new generation, and the
 * old one is freed by whoever drops its last reference - so no request ever
 * sees a closed matcher. Memory: the server's store connections keep small
 * page caches (the store's default suits imports, not a long-lived server),
 * and once an old generation is freed the poller hands the freed heap back
 * to the system (malloc_trim), so RSS stays flat across reloads.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "model/entity.h"
#include "server/server_internal.h"
#include "store/store_internal.h"
#include "store/store_read.h"

/* page cache of each of the server's store connections, KiB (the store opens
   with 128 MiB, which a reload fills with pages it reads once) */
#define SRV_STORE_CACHE_KIB 8192

/* ---- generations ------------------------------------------------------------ */

static void gen_free(srv_gen *g) {
    if (!g) return;
    for (size_t i = 0; i < g->npool; i++)
        em_searcher_free(g->pool[i]);
    free(g->pool);
    for (size_t i = 0; i < g->cache_cap; i++) {
        free(g->cache[i].id);
        free(g->cache[i].fragment);
    }
    free(g->cache);
    for (size_t i = 0; i < g->nsources; i++)
        free(g->sources[i]);
    free(g->sources);
    json_decref(g->catalog);
    free(g->lists_json);
    free(g->stamp);
    em_matcher_close(g->m);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

srv_gen *srv_gen_acquire(em_server *s) {
    pthread_mutex_lock(&s->gen_lock);
    srv_gen *g = s->gen;
    if (g) g->refs++;
    pthread_mutex_unlock(&s->gen_lock);
    return g;
}

void srv_gen_release(em_server *s, srv_gen *g) {
    if (!g) return;
    pthread_mutex_lock(&s->gen_lock);
    int last = --g->refs == 0;
    pthread_mutex_unlock(&s->gen_lock);
    if (last) {
        gen_free(g);
        atomic_store(&s->trim_pending, 1); /* the poller trims, not a request */
    }
}

void srv_store_tune(em_server *s) {
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", SRV_STORE_CACHE_KIB);
    if (s->st) sqlite3_exec(s->st->db, sql, NULL, NULL, NULL);
    if (s->st_bg) sqlite3_exec(s->st_bg->db, sql, NULL, NULL, NULL);
}

void srv_trim_memory(em_server *s) {
    if (!atomic_exchange(&s->trim_pending, 0)) return;
    pthread_mutex_lock(&s->reload_lock);
    if (s->st_bg) sqlite3_db_release_memory(s->st_bg->db);
    pthread_mutex_unlock(&s->reload_lock);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* [{"dataset":"ofac_sdn","version":12,"published":"2023-12-28"},...] from a catalog */
static char *lists_json(json_t *catalog) {
    json_t *a = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(catalog, i, x) {
        const char *pub = json_string_value(json_object_get(x, "published"));
        json_array_append_new(a, json_pack("{s:O, s:O, s:o}", "dataset", json_object_get(x, "name"),
                                           "version", json_object_get(x, "version"), "published",
                                           pub && *pub ? json_string(pub) : json_null()));
    }
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return text ? text : em_xstrdup("[]");
}

em_searcher *srv_gen_searcher(srv_gen *g, em_error *err) {
    em_searcher *se = NULL;
    pthread_mutex_lock(&g->lock);
    if (g->npool) se = g->pool[--g->npool];
    pthread_mutex_unlock(&g->lock);
    return se ? se : em_searcher_new(g->m, err);
}

void srv_gen_searcher_put(srv_gen *g, em_searcher *se) {
    if (!se) return;
    pthread_mutex_lock(&g->lock);
    if (g->npool == g->cappool) {
        g->cappool = g->cappool ? g->cappool * 2 : 8;
        g->pool = em_xrealloc(g->pool, g->cappool * sizeof *g->pool);
    }
    g->pool[g->npool++] = se;
    pthread_mutex_unlock(&g->lock);
}

int srv_gen_has_source(const srv_gen *g, const char *source) {
    for (size_t i = 0; i < g->nsources; i++)
        if (strcmp(g->sources[i], source) == 0) return 1;
    return 0;
}

/* ---- the entity cache ------------------------------------------------------------ */

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static srv_cache_slot *cache_slot(srv_cache_slot *c, size_t cap, const char *id) {
    size_t i = hash_str(id) & (cap - 1);
    while (c[i].id && strcmp(c[i].id, id) != 0)
        i = (i + 1) & (cap - 1);
    return &c[i];
}

static void cache_grow(srv_gen *g) {
    size_t cap = g->cache_cap ? g->cache_cap * 2 : 1024;
    srv_cache_slot *c = em_xcalloc(cap, sizeof *c);
    for (size_t i = 0; i < g->cache_cap; i++)
        if (g->cache[i].id) *cache_slot(c, cap, g->cache[i].id) = g->cache[i];
    free(g->cache);
    g->cache = c;
    g->cache_cap = cap;
}

/* the FtM object of a result whose stored entity cannot be read */
static json_t *fallback_ftm(const em_result *r) {
    json_t *stored = json_object();
    json_object_set_new(stored, "id", json_string(r->id));
    json_object_set_new(stored, "caption", json_string(r->caption));
    json_object_set_new(stored, "schema", json_string(r->schema));
    json_object_set_new(stored, "source", json_string(r->source));
    json_t *names = json_array(), *n = json_object();
    json_object_set_new(n, "full", json_string(r->caption));
    json_object_set_new(n, "kind", json_string("primary"));
    json_array_append_new(names, n);
    json_object_set_new(stored, "names", names);
    json_t *ftm = srv_entity_ftm(stored);
    json_decref(stored);
    return ftm;
}

const char *srv_entity_fragment(em_server *s, srv_gen *g, const em_result *r) {
    pthread_mutex_lock(&g->lock);
    srv_cache_slot *slot = g->cache_cap ? cache_slot(g->cache, g->cache_cap, r->id) : NULL;
    const char *hit = slot && slot->id ? slot->fragment : NULL;
    pthread_mutex_unlock(&g->lock);
    if (hit) return hit;

    json_t *ftm = NULL;
    em_entity *e = NULL;
    em_error err = {0};
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_entity(s->st, r->id, r->version, &e, &err);
    pthread_mutex_unlock(&s->st_lock);
    if (rc == 0) {
        json_t *stored = em_entity_to_json(e);
        ftm = srv_entity_ftm(stored);
        json_decref(stored);
        em_entity_free(e);
    } else {
        ftm = fallback_ftm(r);
    }
    char *text = json_dumps(ftm, JSON_COMPACT);
    json_decref(ftm);
    if (!text || strlen(text) < 3) { /* never an empty fragment: results stay valid JSON */
        free(text);
        text = em_xstrdup("{\"id\":null}");
    }
    /* "{...}" -> "..." */
    size_t n = strlen(text);
    memmove(text, text + 1, n - 2);
    text[n - 2] = '\0';

    pthread_mutex_lock(&g->lock);
    if ((g->cache_len + 1) * 2 > g->cache_cap) cache_grow(g);
    slot = cache_slot(g->cache, g->cache_cap, r->id);
    if (slot->id) { /* another thread was faster */
        free(text);
    } else {
        slot->id = em_xstrdup(r->id);
        slot->fragment = text;
        g->cache_len++;
    }
    hit = slot->fragment;
    pthread_mutex_unlock(&g->lock);
    return hit;
}

/* ---- loading ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Which versions are active, as one string to compare (one small query: the
   poller asks every few seconds). */
static char *active_stamp(em_store *st, em_error *err) {
    em_buf b;
    em_buf_init(&b);
    if (em_store_active_stamp(st, &b, err) != 0) {
        em_buf_free(&b);
        return NULL;
    }
    return em_buf_detach(&b);
}

/* The catalog and the source names of the active versions (only when loading). */
static int active_versions(em_store *st, json_t **catalog, char ***sources, size_t *nsources,
                           em_error *err) {
    em_version_list *l = NULL;
    if (em_store_versions(st, NULL, &l, err) != 0) return -1;
    size_t n = em_version_list_count(l);
    char **keys = em_xcalloc(n + 1, sizeof *keys);
    size_t nk = 0;
    json_t *cat = json_array();
    for (size_t i = 0; i < n; i++) {
        const em_version_info *v = em_version_list_get(l, i);
        if (!v->active) continue;
        keys[nk++] = em_xasprintf("%s:%lld", v->source, (long long)v->id);
        size_t stored = 0;
        for (size_t j = 0; j < n; j++)
            stored += strcmp(em_version_list_get(l, j)->source, v->source) == 0;
        json_t *x = json_pack(
            "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I}",
            "name", v->source, "version", (json_int_t)v->id, "format", v->format, "published",
            v->published, "imported_at", v->imported_at, "sha256", v->sha256, "files", v->files,
            "entity_count", (json_int_t)v->entities, "counts", "persons", (json_int_t)v->persons,
            "organizations", (json_int_t)v->organizations, "vessels", (json_int_t)v->vessels,
            "aircraft", (json_int_t)v->aircraft, "others", (json_int_t)v->others, "names",
            (json_int_t)v->names, "stored_versions", (json_int_t)stored);
        if (x) json_array_append_new(cat, x);
    }
    em_version_list_free(l);
    qsort(keys, nk, sizeof *keys, cmp_str);
    *sources = em_xcalloc(nk + 1, sizeof **sources);
    *nsources = nk;
    for (size_t i = 0; i < nk; i++) {
        *strchr(keys[i], ':') = '\0';
        (*sources)[i] = keys[i];
    }
    free(keys);
    *catalog = cat;
    return 0;
}

int srv_reload(em_server *s, int force, int *swapped, em_error *err) {
    if (swapped) *swapped = 0;
    pthread_mutex_lock(&s->reload_lock);
    int rc = -1;
    for (int attempt = 0; attempt < 3; attempt++) {
        char *stamp = active_stamp(s->st_bg, err);
        if (!stamp) break;
        srv_gen *cur = srv_gen_acquire(s);
        int same = cur && strcmp(cur->stamp, stamp) == 0;
        srv_gen_release(s, cur);
        if (same && !force) {
            free(stamp);
            rc = 0;
            break;
        }
        json_t *catalog = NULL;
        char **sources = NULL;
        size_t nsources = 0;
        if (active_versions(s->st_bg, &catalog, &sources, &nsources, err) != 0) {
            free(stamp);
            break;
        }
        srv_gen *g = em_xcalloc(1, sizeof *g);
        pthread_mutex_init(&g->lock, NULL);
        g->stamp = stamp;
        g->catalog = catalog;
        g->lists_json = lists_json(catalog);
        g->sources = sources;
        g->nsources = nsources;
        if (nsources == 0) {
            gen_free(g);
            em_fail(err, EM_ERR_NOTFOUND,
                    "no list is active in the store %s; import one with `embargo import`",
                    em_store_home(s->st_bg));
            break;
        }
        if (em_matcher_open(&g->m, s->st_bg, err) != 0) {
            gen_free(g);
            break;
        }
        /* the store may have moved on while the snapshot was compiled: load again */
        char *after = active_stamp(s->st_bg, err);
        if (!after || strcmp(after, stamp) != 0) {
            free(after);
            gen_free(g);
            if (attempt == 2) em_fail(err, EM_ERR_STORE, "the active versions keep changing");
            continue;
        }
        free(after);
        g->loaded_at = time(NULL);
        g->refs = 1; /* the server's own reference */
        pthread_mutex_lock(&s->gen_lock);
        g->number = ++s->next_gen;
        srv_gen *old = s->gen;
        s->gen = g;
        pthread_mutex_unlock(&s->gen_lock);
        atomic_store(&s->generation, g->number);
        if (old) atomic_fetch_add(&s->metrics.reloads, 1);
        srv_gen_release(s, old);
        /* compiling a snapshot frees much more than it keeps: trim after any load */
        atomic_store(&s->trim_pending, 1);
        if (swapped) *swapped = 1;
        rc = 0;
        break;
    }
    if (rc != 0) atomic_fetch_add(&s->metrics.reload_failures, 1);
    pthread_mutex_unlock(&s->reload_lock);
    return rc;
}

int em_server_reload(em_server *s, em_error *err) {
    return srv_reload(s, 1, NULL, err);
}

/* ---- the poller ------------------------------------------------------------------- */

int srv_wait(em_server *s, unsigned ms) {
    pthread_mutex_lock(&s->stop_lock);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    int w = 0;
    while (!s->stopping && w != ETIMEDOUT)
        w = pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &ts);
    int stopping = s->stopping;
    pthread_mutex_unlock(&s->stop_lock);
    return stopping;
}

static void *poller_main(void *arg) {
    em_server *s = arg;
    unsigned ms = s->opts.reload_interval_ms ? s->opts.reload_interval_ms : 2000;
    char last_error[sizeof((em_error *)0)->message] = "";
    while (!srv_wait(s, ms)) {
        em_error err = {0};
        int swapped = 0;
        if (srv_reload(s, 0, &swapped, &err) != 0) {
            if (strcmp(err.message, last_error) != 0)
                fprintf(stderr, "embargo: reload failed: %s\n", err.message);
            snprintf(last_error, sizeof last_error, "%s", err.message);
        } else {
            last_error[0] = '\0';
            if (swapped)
                fprintf(stderr, "embargo: new list versions loaded (generation %llu)\n",
                        (unsigned long long)atomic_load(&s->generation));
        }
        srv_trim_memory(s);
    }
    return NULL;
}

int srv_poller_start(em_server *s) {
    if (pthread_create(&s->poller, NULL, poller_main, s) != 0) return -1;
    s->poller_running = 1;
    return 0;
}

void srv_poller_stop(em_server *s) {
    pthread_mutex_lock(&s->stop_lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->stop_cond); /* the poller and the updater */
    pthread_mutex_unlock(&s->stop_lock);
    if (s->poller_running) pthread_join(s->poller, NULL);
    s->poller_running = 0;
}
