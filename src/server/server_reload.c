/*
 * server_reload.c - the server's views of the engine's generations, and live
 * reload. The server screens through one em_engine (src/engine), which owns
 * the snapshot generations, the searchers and their reference counts. A
 * *view* (srv_gen) is what the HTTP answers need of one generation besides
 * screening: the catalog of the list versions it screens (read from the
 * store, for /catalog, /metrics and the "published" dates), the source names
 * (the dataset check), the response's default "lists", the load time, and a
 * cache of the FtM form of the entities returned (keyed by id and version, so
 * it is right whichever generation screened). Views are reference counted:
 * a request holds one for its whole life and whoever drops the last reference
 * frees it. srv_reload (the poller, every 2 s; POST /admin/reload; the first
 * load) opens the engine if there is none yet (a home without active lists
 * starts the server: every screening endpoint answers 503 until lists
 * appear), else asks it to refresh (a new generation only when the store's
 * active versions changed, or always with force); when the generation number
 * differs from the view's, a new view is built and swapped in. Screenings in
 * flight finish on their generation; a view may briefly lag the engine (the
 * response's "lists" always come from the result set itself). Memory: the
 * server's store connections keep small page caches (the store's default
 * suits imports, not a long-lived server), and once a view or a load freed
 * memory the poller hands the freed heap back to the system (malloc_trim),
 * so RSS stays flat across reloads.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "model/entity.h"
#include "server/server_internal.h"
#include "store/store_read.h"

/* page cache of each of the server's store connections, KiB (the store opens
   with 128 MiB, which a reload fills with pages it reads once) */
#define SRV_STORE_CACHE_KIB 8192

/* ---- views ------------------------------------------------------------ */

static void gen_free(srv_gen *g) {
    if (!g) return;
    em_hmap_free(&g->cache, free);
    for (size_t i = 0; i < g->nsources; i++)
        free(g->sources[i]);
    free(g->sources);
    json_decref(g->catalog);
    free(g->lists_json);
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
    if (s->st) em_store_set_cache_kib(s->st, SRV_STORE_CACHE_KIB);
    if (s->st_bg) em_store_set_cache_kib(s->st_bg, SRV_STORE_CACHE_KIB);
}

void srv_trim_memory(em_server *s) {
    if (!atomic_exchange(&s->trim_pending, 0)) return;
    pthread_mutex_lock(&s->reload_lock);
    if (s->st_bg) em_store_release_memory(s->st_bg);
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

int srv_gen_has_source(const srv_gen *g, const char *source) {
    for (size_t i = 0; i < g->nsources; i++)
        if (strcmp(g->sources[i], source) == 0) return 1;
    return 0;
}

/* ---- the entity cache ------------------------------------------------------------ */

/* The cache key of (id, version): the id, its NUL, the version's bytes, in buf
   when it fits (else malloc'd: free it when it is not buf); *len its length. */
static char *cache_key(char *buf, size_t cap, const char *id, int64_t version, size_t *len) {
    size_t n = strlen(id);
    *len = n + 1 + sizeof version;
    char *key = *len <= cap ? buf : em_xmalloc(*len);
    memcpy(key, id, n + 1);
    memcpy(key + n + 1, &version, sizeof version);
    return key;
}

/* the FtM object of a result whose stored entity cannot be read */
static json_t *fallback_ftm(const em_result *r) {
    em_entity *e = em_entity_new(r->source, "x", r->id, r->schema);
    em_entity_set(&e->id, r->id);
    em_entity_add_name(e, r->caption, EM_NAME_PRIMARY, NULL, NULL);
    em_entity_finish(e);
    json_t *ftm = em_entity_ftm(e, NULL);
    em_entity_free(e);
    return ftm;
}

const char *srv_entity_fragment(em_server *s, srv_gen *g, const em_result *r) {
    char buf[256];
    size_t klen;
    char *key = cache_key(buf, sizeof buf, r->id, r->version, &klen);
    pthread_mutex_lock(&g->lock);
    const em_hmap_entry *slot = em_hmap_find(&g->cache, key, klen);
    const char *hit = slot ? slot->val.ptr : NULL;
    pthread_mutex_unlock(&g->lock);
    if (hit) {
        if (key != buf) free(key);
        return hit;
    }

    json_t *ftm = NULL;
    em_entity *e = NULL;
    em_error err = {0};
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_entity(s->st, r->id, r->version, &e, &err);
    pthread_mutex_unlock(&s->st_lock);
    if (rc == 0) {
        ftm = srv_entity_ftm(s, e, r->version);
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
    int added;
    em_hmap_entry *ce = em_hmap_insert(&g->cache, key, klen, &added);
    if (added)
        ce->val.ptr = text;
    else /* another thread was faster */
        free(text);
    hit = ce->val.ptr;
    pthread_mutex_unlock(&g->lock);
    if (key != buf) free(key);
    return hit;
}

/* ---- building a view ------------------------------------------------------------ */

/* The catalog of exactly the versions the engine's generation screens (not the
   store's active ones: the store may have moved on since) and their sources. */
static int view_catalog(em_store *st, const em_list_info *lists, size_t nlists, json_t **catalog,
                        em_error *err) {
    em_version_list *l = NULL;
    if (em_store_versions(st, NULL, &l, err) != 0) return -1;
    size_t n = em_version_list_count(l);
    json_t *cat = json_array();
    for (size_t k = 0; k < nlists; k++) /* in the generation's order: by source */
        for (size_t i = 0; i < n; i++) {
            const em_version_info *v = em_version_list_get(l, i);
            if (v->id != lists[k].version || strcmp(v->source, lists[k].source) != 0) continue;
            size_t stored = 0;
            for (size_t j = 0; j < n; j++)
                stored += strcmp(em_version_list_get(l, j)->source, v->source) == 0;
            json_t *x = json_pack(
                "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I}",
                "name", v->source, "version", (json_int_t)v->id, "format", v->format, "published",
                v->published, "imported_at", v->imported_at, "sha256", v->sha256, "files", v->files,
                "entity_count", (json_int_t)v->entities, "counts", "persons",
                (json_int_t)v->persons, "organizations", (json_int_t)v->organizations, "vessels",
                (json_int_t)v->vessels, "aircraft", (json_int_t)v->aircraft, "others",
                (json_int_t)v->others, "names", (json_int_t)v->names, "stored_versions",
                (json_int_t)stored);
            if (x) json_array_append_new(cat, x);
            break;
        }
    em_version_list_free(l);
    *catalog = cat;
    return 0;
}

/* A view of the engine's current generation (under reload_lock). */
static srv_gen *view_build(em_server *s, em_error *err) {
    em_list_info *lists = NULL;
    size_t nlists = 0;
    uint64_t number = em_engine_generation(s->engine); /* only srv_reload refreshes it */
    if (em_engine_lists(s->engine, &lists, &nlists, err) != 0) return NULL;
    json_t *catalog = NULL;
    if (view_catalog(s->st_bg, lists, nlists, &catalog, err) != 0) {
        em_list_info_free(lists, nlists);
        return NULL;
    }
    srv_gen *g = em_xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->lock, NULL);
    g->number = number;
    g->engine = s->engine;
    g->catalog = catalog;
    g->lists_json = lists_json(catalog);
    g->sources = em_xcalloc(nlists + 1, sizeof *g->sources);
    for (size_t i = 0; i < nlists; i++)
        if (!i || strcmp(lists[i].source, lists[i - 1].source) != 0)
            g->sources[g->nsources++] = em_xstrdup(lists[i].source);
    g->loaded_at = time(NULL);
    em_list_info_free(lists, nlists);
    return g;
}

void srv_lists_json(em_server *s, srv_gen *g, const em_results *res, em_buf *b) {
    size_t n = em_results_list_count(res);
    if (!res || !n) {
        em_buf_adds(b, g->lists_json);
        return;
    }
    em_buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        const em_list_info *l = em_results_list(res, i);
        const char *pub = NULL;
        size_t k;
        json_t *x;
        json_array_foreach(g->catalog, k, x) {
            if (json_integer_value(json_object_get(x, "version")) == l->version &&
                strcmp(json_string_value(json_object_get(x, "name")), l->source) == 0) {
                pub = json_string_value(json_object_get(x, "published"));
                break;
            }
        }
        char *owned = NULL;
        if (!pub) { /* screened on a generation newer than this view */
            em_version_list *vl = NULL;
            em_error err = {0};
            pthread_mutex_lock(&s->st_lock);
            if (em_store_versions(s->st, l->source, &vl, &err) == 0)
                for (size_t j = 0; j < em_version_list_count(vl); j++)
                    if (em_version_list_get(vl, j)->id == l->version)
                        owned = em_xstrdup(em_version_list_get(vl, j)->published);
            pthread_mutex_unlock(&s->st_lock);
            em_version_list_free(vl);
            pub = owned;
        }
        em_buf_adds(b, i ? ",{\"dataset\":" : "{\"dataset\":");
        em_buf_json_str(b, l->source);
        em_buf_printf(b, ",\"version\":%lld,\"published\":", (long long)l->version);
        if (pub && *pub)
            em_buf_json_str(b, pub);
        else
            em_buf_adds(b, "null");
        em_buf_addc(b, '}');
        free(owned);
    }
    em_buf_addc(b, ']');
}

int srv_reload(em_server *s, int force, int *swapped, em_error *err) {
    if (swapped) *swapped = 0;
    pthread_mutex_lock(&s->reload_lock);
    int rc = 0;
    if (!s->engine) {
        em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, s->home,
                                s->opts.store_flags | EM_STORE_NO_SEED};
        rc = em_engine_open(&s->engine, &eo, err);
    } else {
        rc = em_engine_refresh(s->engine, force, NULL, err);
    }
    srv_gen *cur = rc == 0 ? srv_gen_acquire(s) : NULL;
    int stale = rc == 0 && (!cur || cur->number != em_engine_generation(s->engine));
    srv_gen_release(s, cur);
    if (stale) {
        /* a new generation (or a view that failed to build last time) */
        srv_gen *g = view_build(s, err);
        if (!g) {
            rc = -1;
        } else {
            g->refs = 1; /* the server's own reference */
            pthread_mutex_lock(&s->gen_lock);
            srv_gen *old = s->gen;
            s->gen = g;
            pthread_mutex_unlock(&s->gen_lock);
            atomic_store(&s->generation, g->number);
            if (old) atomic_fetch_add(&s->metrics.reloads, 1);
            srv_gen_release(s, old);
            /* compiling a snapshot frees much more than it keeps: trim after any load */
            atomic_store(&s->trim_pending, 1);
            srv_monitor_changed(s); /* registers re-screened by delta, off this thread */
            if (swapped) *swapped = 1;
        }
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
