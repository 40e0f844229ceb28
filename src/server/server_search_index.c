/*
 * server_search_index.c - the listing /search filters, sorts and counts
 * facets over (yente keeps it in ElasticSearch; embargo builds it in memory):
 * for every entity of the versions one generation screens, the few facts
 * yente's search filters and facets read (id, list version, dataset, FtM
 * schema, caption, gender, country codes, topics, identifiers, first_seen /
 * last_change / last_seen, and every "property:value" for filter=), as the FtM renderer
 * (em_entity_ftm) gives them, so a filter and the entity shown agree.
 *
 * Built on the first listing (/search without q, /reconcile's suggest/entity)
 * of a set of list versions (em_store_load_versions under the store lock: a
 * pause of that one request, seconds for the bundled 15,000 entities, more
 * under the sanitizers) and kept while the server screens those versions (a
 * reload that keeps them keeps it); requests hold a reference, so a replaced
 * index is freed by its last reader. A /search with q and the match path never
 * build it: their few hundred candidates are read from the FtM fragments
 * /match renders (srv_search_doc_fill on each).
 */
#include <stdlib.h>
#include <string.h>

#include "model/entity.h"
#include "server/server_internal.h"
#include "server/server_search.h"
#include "store/store_read.h"

/* the identifier properties of the FtM renderer (entity_ftm.c) */
static const char *const ID_PROPS[] = {
    "passportNumber", "idNumber", "taxNumber", "registrationNumber", "leiCode", "imoNumber",
    "mmsi",           "callSign", "swiftBic",  "cryptoWallet",       NULL};

/* appends a value to a NUL-separated list (terminated by an empty string) */
static void list_add(em_buf *b, const char *v) {
    if (!v || !*v || srv_search_list_has(b->len ? em_buf_cstr(b) : NULL, v)) return;
    em_buf_adds(b, v);
    em_buf_addc(b, '\0');
}

static char *list_detach(em_buf *b) {
    em_buf_addc(b, '\0');
    size_t n = b->len;
    char *out = em_xmalloc(n + 1);
    memcpy(out, b->data, n);
    out[n] = '\0';
    em_buf_free(b);
    return out;
}

int srv_search_list_has(const char *list, const char *v) {
    for (const char *p = list; p && *p; p += strlen(p) + 1)
        if (strcmp(p, v) == 0) return 1;
    return 0;
}

static void add_values(em_buf *b, json_t *arr) {
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_is_string(x)) list_add(b, json_string_value(x));
}

void srv_search_doc_fill(srv_search_doc *d, json_t *ftm, int64_t version, em_hmap *country_names) {
    json_t *props = json_object_get(ftm, "properties");
    const char *t;
    d->id = em_xstrdup((t = json_string_value(json_object_get(ftm, "id"))) ? t : "");
    d->version = version;
    t = json_string_value(json_array_get(json_object_get(ftm, "datasets"), 0));
    d->source = em_xstrdup(t ? t : "");
    d->schema = em_xstrdup((t = json_string_value(json_object_get(ftm, "schema"))) ? t : "");
    d->caption = em_xstrdup((t = json_string_value(json_object_get(ftm, "caption"))) ? t : "");
    em_buf b;
    em_buf_init(&b);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(ftm, "country_names"), k, v) {
        list_add(&b, k);
        if (country_names && !em_hmap_get(country_names, k) && json_is_string(v))
            em_hmap_put(country_names, k, em_xstrdup(json_string_value(v)));
    }
    d->countries = list_detach(&b);
    em_buf_init(&b);
    add_values(&b, json_object_get(props, "topics"));
    d->topics = list_detach(&b);
    em_buf_init(&b);
    for (size_t i = 0; ID_PROPS[i]; i++)
        add_values(&b, json_object_get(props, ID_PROPS[i]));
    d->identifiers = list_detach(&b);
    em_buf_init(&b);
    add_values(&b, json_object_get(props, "gender"));
    d->genders = list_detach(&b);
    /* "prop:value" of every string value, for filter= */
    em_buf_init(&b);
    const char *pk;
    json_t *pv;
    json_object_foreach(props, pk, pv) {
        size_t i;
        json_t *x;
        json_array_foreach(pv, i, x) {
            if (!json_is_string(x)) continue;
            char *kv = em_xasprintf("%s:%s", pk, json_string_value(x));
            list_add(&b, kv);
            free(kv);
        }
    }
    d->props = list_detach(&b);
    const char *fs = json_string_value(json_object_get(ftm, "first_seen"));
    const char *lc = json_string_value(json_object_get(ftm, "last_change"));
    const char *ls = json_string_value(json_object_get(ftm, "last_seen"));
    snprintf(d->first_seen, sizeof d->first_seen, "%s", fs ? fs : "");
    snprintf(d->last_change, sizeof d->last_change, "%s", lc ? lc : "");
    snprintf(d->last_seen, sizeof d->last_seen, "%s", ls ? ls : "");
}

void srv_search_doc_clear(srv_search_doc *d) {
    free(d->id);
    free(d->source);
    free(d->schema);
    free(d->caption);
    free(d->countries);
    free(d->topics);
    free(d->identifiers);
    free(d->genders);
    free(d->props);
    memset(d, 0, sizeof *d);
}

static void index_free(srv_search_index *x) {
    if (!x) return;
    for (size_t i = 0; i < x->n; i++)
        srv_search_doc_clear(&x->docs[i]);
    free(x->docs);
    em_hmap_free(&x->by_id, NULL);
    em_hmap_free(&x->country_names, free);
    free(x->stamp);
    free(x);
}

static int by_id(const void *a, const void *b) {
    return strcmp(((const srv_search_doc *)a)->id, ((const srv_search_doc *)b)->id);
}

/* the index of g's versions, or NULL with err set */
static srv_search_index *index_build(em_server *s, srv_gen *g, em_error *err) {
    size_t nv = json_array_size(g->catalog), i;
    int64_t *ids = em_xcalloc(nv + 1, sizeof *ids);
    json_t *x;
    json_array_foreach(g->catalog, i, x) ids[i] = json_integer_value(json_object_get(x, "version"));
    em_entity_list l = {0};
    int64_t *versions = NULL;
    em_buf stamp;
    em_buf_init(&stamp);
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_load_versions(s->st, ids, nv, &l, &versions, &stamp, err);
    em_store_release_memory(s->st);
    pthread_mutex_unlock(&s->st_lock);
    free(ids);
    em_buf_free(&stamp);
    if (rc != 0) {
        em_entity_list_free(&l);
        free(versions);
        return NULL;
    }
    srv_search_index *idx = em_xcalloc(1, sizeof *idx);
    idx->refs = 1;
    idx->generation = g->number;
    idx->docs = em_xcalloc(l.len + 1, sizeof *idx->docs);
    em_hmap_init(&idx->by_id);
    em_hmap_init(&idx->country_names);
    for (size_t k = 0; k < l.len; k++) {
        json_t *ftm = em_entity_ftm(l.items[k], NULL);
        srv_search_doc_fill(&idx->docs[idx->n++], ftm, versions[k], &idx->country_names);
        json_decref(ftm);
    }
    em_entity_list_free(&l);
    free(versions);
    /* id order: the listing's order when nothing else sorts it */
    qsort(idx->docs, idx->n, sizeof *idx->docs, by_id);
    for (size_t k = 0; k < idx->n; k++)
        em_hmap_put(&idx->by_id, idx->docs[k].id, &idx->docs[k]);
    return idx;
}

/* "ofac_sdn:12,un_sc:3,..." of g's versions: what the listing holds (a reload that keeps
   the versions keeps the listing) */
static char *versions_stamp(const srv_gen *g) {
    em_buf b;
    em_buf_init(&b);
    size_t i;
    json_t *x;
    json_array_foreach(g->catalog, i, x) {
        em_buf_printf(&b, "%s:%lld,", json_string_value(json_object_get(x, "name")),
                      (long long)json_integer_value(json_object_get(x, "version")));
    }
    return em_buf_detach(&b);
}

srv_search_index *srv_search_index_acquire(em_server *s, srv_gen *g, em_error *err) {
    char *stamp = versions_stamp(g);
    pthread_mutex_lock(&s->search_lock);
    srv_search_index *idx = s->search;
    if (idx && strcmp(idx->stamp, stamp) == 0) {
        free(stamp);
        idx->refs++;
        pthread_mutex_unlock(&s->search_lock);
        return idx;
    }
    /* built under the lock: concurrent first searches wait for one build */
    srv_search_index *fresh = index_build(s, g, err);
    if (fresh)
        fresh->stamp = stamp;
    else
        free(stamp);
    if (fresh && (!s->search || s->search->generation < fresh->generation)) {
        srv_search_index *old = s->search;
        s->search = fresh;
        fresh->refs++; /* the server's reference */
        if (old && --old->refs == 0) index_free(old);
    }
    pthread_mutex_unlock(&s->search_lock);
    return fresh;
}

void srv_search_index_release(em_server *s, srv_search_index *idx) {
    if (!idx) return;
    pthread_mutex_lock(&s->search_lock);
    int last = --idx->refs == 0;
    pthread_mutex_unlock(&s->search_lock);
    if (last) index_free(idx);
}

void srv_search_stop(em_server *s) {
    srv_search_index *idx = s->search;
    s->search = NULL;
    if (idx && --idx->refs == 0) index_free(idx);
}

const srv_search_doc *srv_search_index_find(const srv_search_index *idx, const char *id) {
    return em_hmap_get(&idx->by_id, id);
}
