/*
 * engine.c - em_engine: the library's screening service over a home.
 *
 * Design. A *generation* is one open matcher (the snapshot of the store's
 * active versions, memory-mapped), the list versions it holds, and a pool of
 * searchers (an em_searcher is single-threaded scratch state; a screening
 * borrows one and gives it back). The engine points at its current
 * generation; every screening takes a reference for its whole duration, so
 * em_engine_refresh can swap in a new generation at any moment: in-flight
 * screenings finish on the old one, and whoever drops its last reference
 * frees it. Results never point into a generation (every string is copied),
 * so they outlive it.
 *
 * Screening a party (em_engine_screen) runs one search per name of the party
 * with all of its other facts (birth dates, countries, gender, identifiers
 * and schema) as qualifiers, then merges by entity: the best name pair
 * decides, so qualifiers count once; listed parties of a schema the query
 * cannot meet (a Vessel for a Person query) are dropped, as are sources
 * outside opts->datasets. Each result says, in its explanation, which query
 * name met which listed name; the result set says which list versions and
 * which generation it was screened against.
 *
 * Locks: `lock` guards the current-generation pointer and the reference
 * counts (held for a few instructions); `store_lock` serialises the store
 * handle (SQLite connection) used by refresh; each generation's `pool_lock`
 * guards its searcher pool.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/vec.h"
#include "engine/engine_internal.h"
#include "engine/engine_open.h"
#include "match/matcher_build.h"
#include "match/results.h"
#include "model/schema.h"
#include "store/store_read.h"

typedef struct generation {
    int refs; /* under em_engine.lock */
    uint64_t number;
    em_matcher *m;
    char *stamp; /* the store's active versions it was built from */
    em_list_info *lists;
    size_t nlists;
    pthread_mutex_t pool_lock;
    em_searcher **pool;
    size_t npool, cappool;
} generation;

struct em_engine {
    em_store *st;
    pthread_mutex_t store_lock;
    pthread_mutex_t lock;
    generation *cur;
    uint64_t next_number;
};

/* ---- generations --------------------------------------------------------- */

static void gen_free(generation *g) {
    if (!g) return;
    for (size_t i = 0; i < g->npool; i++)
        em_searcher_free(g->pool[i]);
    free(g->pool);
    free(g->lists);
    free(g->stamp);
    em_matcher_close(g->m);
    pthread_mutex_destroy(&g->pool_lock);
    free(g);
}

static generation *gen_acquire(em_engine *e) {
    pthread_mutex_lock(&e->lock);
    generation *g = e->cur;
    if (g) g->refs++;
    pthread_mutex_unlock(&e->lock);
    return g;
}

static void gen_release(em_engine *e, generation *g) {
    if (!g) return;
    pthread_mutex_lock(&e->lock);
    int last = --g->refs == 0;
    pthread_mutex_unlock(&e->lock);
    if (last) gen_free(g);
}

static em_searcher *gen_searcher(generation *g, em_error *err) {
    em_searcher *s = NULL;
    pthread_mutex_lock(&g->pool_lock);
    if (g->npool) s = g->pool[--g->npool];
    pthread_mutex_unlock(&g->pool_lock);
    return s ? s : em_searcher_new(g->m, err);
}

static void gen_searcher_put(generation *g, em_searcher *s) {
    pthread_mutex_lock(&g->pool_lock);
    g->pool = em_vec_grow_(g->pool, &g->cappool, g->npool, 1, sizeof *g->pool);
    g->pool[g->npool++] = s;
    pthread_mutex_unlock(&g->pool_lock);
}

static char *active_stamp(em_store *st, em_error *err) {
    em_buf b;
    em_buf_init(&b);
    if (em_store_active_stamp(st, &b, err) != 0) {
        em_buf_free(&b);
        return NULL;
    }
    em_buf_cstr(&b);
    return em_buf_detach(&b);
}

/* Builds a generation on the store's active versions (under store_lock). */
static generation *gen_load(em_engine *e, em_error *err) {
    generation *g = em_xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->pool_lock, NULL);
    g->stamp = active_stamp(e->st, err);
    if (!g->stamp || em_matcher_open(&g->m, e->st, err) != 0 ||
        em_matcher_lists(g->m, &g->lists, &g->nlists, err) != 0) {
        gen_free(g);
        em_store_release_memory(e->st);
        return NULL;
    }
    /* compiling a snapshot read the whole list through this connection */
    em_store_release_memory(e->st);
    /* one searcher ready in the pool: its normaliser's ICU rules are built now, with the
       generation, not by the first screening */
    em_searcher *s = em_searcher_new(g->m, err);
    if (!s) {
        gen_free(g);
        return NULL;
    }
    gen_searcher_put(g, s);
    return g;
}

int em_engine_open(em_engine **out, const em_engine_options *o, em_error *err) {
    *out = NULL;
    if (o && o->version != EM_ENGINE_OPTIONS_VERSION)
        return em_fail(err, EM_ERR_USAGE, "em_engine_options version %u is not the library's %u",
                       o->version, EM_ENGINE_OPTIONS_VERSION);
    em_engine *e = em_xcalloc(1, sizeof *e);
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->store_lock, NULL);
    if (em_store_open(&e->st, o ? o->home : NULL, o ? o->store_flags : 0, err) != 0) {
        em_engine_close(e);
        return -1;
    }
    generation *g = gen_load(e, err);
    if (!g) {
        em_engine_close(e);
        return -1;
    }
    g->refs = 1;
    g->number = ++e->next_number;
    e->cur = g;
    *out = e;
    return 0;
}

int em_engine_open_matcher(em_engine **out, em_matcher *m, em_error *err) {
    *out = NULL;
    em_engine *e = em_xcalloc(1, sizeof *e);
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->store_lock, NULL);
    generation *g = em_xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->pool_lock, NULL);
    g->m = m;
    g->stamp = em_xstrdup("");
    if (em_matcher_lists(m, &g->lists, &g->nlists, err) != 0) {
        g->m = NULL; /* still the caller's */
        gen_free(g);
        em_engine_close(e);
        return -1;
    }
    g->refs = 1;
    g->number = ++e->next_number;
    e->cur = g;
    *out = e;
    return 0;
}

void em_engine_close(em_engine *e) {
    if (!e) return;
    gen_release(e, e->cur); /* screenings still running keep it alive */
    em_store_close(e->st);
    pthread_mutex_destroy(&e->lock);
    pthread_mutex_destroy(&e->store_lock);
    free(e);
}

int em_engine_refresh(em_engine *e, int force, int *swapped, em_error *err) {
    if (swapped) *swapped = 0;
    if (!e->st) return 0; /* an engine over a fixed matcher (em_engine_open_matcher) */
    pthread_mutex_lock(&e->store_lock);
    int rc = 0;
    char *stamp = force ? NULL : active_stamp(e->st, err);
    generation *cur = gen_acquire(e);
    if (!force && !stamp) rc = -1;
    if (rc == 0 && (force || !cur || strcmp(cur->stamp, stamp) != 0)) {
        generation *g = gen_load(e, err);
        if (!g) {
            rc = -1;
        } else {
            g->refs = 1;
            pthread_mutex_lock(&e->lock);
            g->number = ++e->next_number;
            generation *old = e->cur;
            e->cur = g;
            pthread_mutex_unlock(&e->lock);
            gen_release(e, old);
            if (swapped) *swapped = 1;
        }
    }
    gen_release(e, cur);
    free(stamp);
    pthread_mutex_unlock(&e->store_lock);
    return rc;
}

int em_engine_with_matcher(em_engine *e, int (*fn)(void *ctx, const em_matcher *m), void *ctx,
                           em_error *err) {
    generation *g = gen_acquire(e);
    if (!g) return em_fail(err, EM_ERR_NOTFOUND, "the engine has no lists to screen against");
    int rc = fn(ctx, g->m);
    gen_release(e, g);
    return rc;
}

const em_matcher *em_engine_hold_matcher(em_engine *e, void **hold, uint64_t *number) {
    generation *g = e ? gen_acquire(e) : NULL;
    *hold = g;
    if (number) *number = g ? g->number : 0;
    return g ? g->m : NULL;
}

void em_engine_drop_matcher(em_engine *e, void *hold) {
    gen_release(e, hold);
}

const char *em_engine_home(const em_engine *e) {
    return e && e->st ? em_store_home(e->st) : NULL;
}

uint64_t em_engine_generation(const em_engine *e) {
    em_engine *m = (em_engine *)e;
    pthread_mutex_lock(&m->lock);
    uint64_t n = m->cur ? m->cur->number : 0;
    pthread_mutex_unlock(&m->lock);
    return n;
}

static em_list_info *copy_lists(const generation *g) {
    em_list_info *v = em_xcalloc(g->nlists ? g->nlists : 1, sizeof *v);
    for (size_t i = 0; i < g->nlists; i++) {
        v[i] = g->lists[i];
        v[i].source = em_xstrdup(g->lists[i].source);
    }
    return v;
}

int em_engine_lists(em_engine *e, em_list_info **out, size_t *n, em_error *err) {
    (void)err;
    generation *g = gen_acquire(e);
    *out = copy_lists(g); /* the sources live in the generation: own copies */
    *n = g->nlists;
    gen_release(e, g);
    return 0;
}

void em_list_info_free(em_list_info *v, size_t n) {
    for (size_t i = 0; v && i < n; i++)
        free((char *)v[i].source);
    free(v);
}

/* ---- screening a party ------------------------------------------------------ */

/* the schema word em_query understands for a party's schema */
static const char *query_schema(const char *schema) {
    const em_schema_info *s = em_schema_find(schema);
    switch (s ? s->kind : EM_PARTY_ANY) {
    case EM_PARTY_PERSON:
        return "Person";
    case EM_PARTY_ORGANIZATION:
        return "Organization";
    case EM_PARTY_VESSEL:
        return "Vessel";
    case EM_PARTY_AIRCRAFT:
        return "Aircraft";
    default:
        return NULL;
    }
}

static char *join(const em_strvec *v) {
    if (!v->len) return NULL;
    em_buf b;
    em_buf_init(&b);
    for (size_t i = 0; i < v->len; i++) {
        if (i) em_buf_addc(&b, ';');
        em_buf_adds(&b, v->items[i]);
    }
    em_buf_cstr(&b);
    return em_buf_detach(&b);
}

/* Best score first; equal scores keep the matcher's order (a stable insertion
   sort: a set holds at most a few hundred results). */
static void sort_results(em_result *v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        em_result x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1].score < x.score) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static int keep(const em_party *p, const em_screen_options *o, const em_result *x) {
    if (!em_schema_matchable(p->schema, x->schema)) return 0;
    if (o->ndatasets) {
        for (size_t i = 0; i < o->ndatasets; i++)
            if (o->datasets[i] && strcmp(o->datasets[i], x->source) == 0) return 1;
        return 0;
    }
    return 1;
}

int em_engine_screen(em_engine *e, const em_party *p, const em_screen_options *opts,
                     em_results **out, em_error *err) {
    *out = NULL;
    em_screen_options o = {EM_SCREEN_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0};
    if (opts) {
        if (opts->version != EM_SCREEN_OPTIONS_VERSION)
            return em_fail(err, EM_ERR_USAGE,
                           "em_screen_options version %u is not the library's %u", opts->version,
                           EM_SCREEN_OPTIONS_VERSION);
        o = *opts;
    }
    if (o.threshold <= 0) o.threshold = EM_DEFAULT_THRESHOLD;
    if (!o.limit) o.limit = 10;
    if (!p->nnames && !p->id_values.len)
        return em_fail(err, EM_ERR_USAGE, "the party has no name and no identifier to screen");
    generation *g = gen_acquire(e);
    em_searcher *s = gen_searcher(g, err);
    if (!s) {
        gen_release(e, g);
        return -1;
    }
    char *dobs = join(&p->birth_dates), *countries = join(&p->countries);
    em_query q = {0};
    q.schema = query_schema(p->schema);
    q.birth_date = dobs;
    q.country = countries;
    q.gender = p->gender;
    q.identifiers = (const char *const *)p->id_values.items;
    q.nidentifiers = p->id_values.len;
    q.threshold = o.threshold;
    /* room for what the schema and dataset filters drop */
    q.limit = o.limit * 4 + 20;
    q.all = o.all;
    q.cutoff = o.cutoff;

    em_results *merged = em_xcalloc(1, sizeof *merged);
    size_t cap = 0;
    int rc = 0;
    size_t runs = p->nnames ? p->nnames : 1;
    for (size_t i = 0; i < runs && rc == 0; i++) {
        q.name = p->nnames ? p->names[i].text : NULL;
        q.weak_name = p->nnames && (p->names[i].flags & EM_NAME_WEAK);
        em_results *r = NULL;
        if (em_search(s, &q, &r, err) != 0) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < r->len; j++) {
            em_result *x = &r->items[j];
            if (!keep(p, &o, x) || (!o.all && x->score < o.threshold)) continue;
            size_t k;
            for (k = 0; k < merged->len; k++)
                if (strcmp(merged->items[k].id, x->id) == 0) break;
            if (k < merged->len) {
                if (x->score <= merged->items[k].score) continue;
                em_result_release(&merged->items[k]);
            } else {
                merged->items =
                    em_vec_grow_(merged->items, &cap, merged->len, 1, sizeof *merged->items);
                k = merged->len++;
            }
            merged->items[k] = *x; /* moved: the search's copy is cleared */
            memset(x, 0, sizeof *x);
        }
        em_results_free(r);
    }
    gen_searcher_put(g, s);
    free(dobs);
    free(countries);
    if (rc != 0) {
        em_results_free(merged);
        gen_release(e, g);
        return -1;
    }
    sort_results(merged->items, merged->len);
    while (merged->len > o.limit)
        em_result_release(&merged->items[--merged->len]);
    merged->lists = copy_lists(g);
    merged->nlists = g->nlists;
    merged->generation = g->number;
    em_matcher_knowledge_version(g->m, merged->knowledge);
    gen_release(e, g);
    *out = merged;
    return 0;
}

size_t em_results_list_count(const em_results *r) {
    return r ? r->nlists : 0;
}

const em_list_info *em_results_list(const em_results *r, size_t i) {
    return r && i < r->nlists ? &r->lists[i] : NULL;
}

uint64_t em_results_generation(const em_results *r) {
    return r ? r->generation : 0;
}

/* ---- the current generation's snapshot ------------------------------------------ */

char *em_engine_related(em_engine *e, const char *id) {
    generation *g = e ? gen_acquire(e) : NULL;
    char *rel = g && id ? em_matcher_related(g->m, id) : NULL; /* a copy: outlives g */
    gen_release(e, g);
    return rel ? rel : em_xstrdup("[]");
}

char *em_engine_snapshot_path(em_engine *e) {
    generation *g = e ? gen_acquire(e) : NULL;
    const char *p = g ? em_matcher_snapshot_path(g->m) : NULL;
    char *copy = p ? em_xstrdup(p) : NULL;
    gen_release(e, g);
    return copy;
}

size_t em_engine_entity_count(em_engine *e) {
    generation *g = e ? gen_acquire(e) : NULL;
    size_t n = g ? em_matcher_entity_count(g->m) : 0;
    gen_release(e, g);
    return n;
}
