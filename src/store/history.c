/*
 * history.c - an entity's history from the store's own versions
 * (em_store_entity_history): the first version of its source it appears in,
 * the version where its facts last changed (the start of the unbroken run of
 * versions, ending at the one asked about, that hold it with the same
 * content digest), and the last version it appears in. Entities are stored
 * content-addressed, so "changed" means "another digest": any fact of the
 * entity (a name, a program, a remark) changing counts, nothing else does.
 *
 * em_history_bulk gives the same three for every entity of the versions the
 * snapshot is built from, before they are streamed (store_read.c): the
 * versions of the active sources; then, only when a source has more than one
 * version, the keys of the entities asked about (id and digest, no JSON) and
 * the rows of those versions in version order, one pass; not one query per
 * entity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/store_internal.h"
#include "store/store_read.h"

typedef struct vrow {
    int64_t id;
    char at[32];
    char digest[65]; /* "" when the entity is not in this version */
} vrow;

int em_store_entity_history(em_store *st, const char *id, int64_t version, em_entity_history *out,
                            em_error *err) {
    memset(out, 0, sizeof *out);
    /* the version asked about (0: the active one holding the entity) and its source */
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT v.id, v.source FROM version_entities ve JOIN versions v ON v.id = ve.version_id"
        " WHERE ve.entity_id = ?1 AND ((?2 = 0 AND v.active = 1) OR v.id = ?2)"
        " ORDER BY v.id DESC LIMIT 1",
        err);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, version);
    int rc = sqlite3_step(s);
    int64_t at = 0;
    char source[128] = "";
    if (rc == SQLITE_ROW) {
        at = sqlite3_column_int64(s, 0);
        snprintf(source, sizeof source, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? em_fail(err, EM_ERR_NOTFOUND, "no entity %s in %s", id,
                                           version ? "that version" : "the active lists")
                                 : em_db_fail(st, err, "reading an entity's history");
    /* every version of the source, oldest first, with the entity's digest in it */
    s = em_db_prepare(st,
                      "SELECT v.id, v.imported_at, coalesce(ve.digest, '') FROM versions v"
                      " LEFT JOIN version_entities ve ON ve.version_id = v.id AND ve.entity_id = ?2"
                      " WHERE v.source = ?1 ORDER BY v.id",
                      err);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
    vrow *v = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = em_vec_grow_(v, &cap, n, 1, sizeof *v);
        v[n].id = sqlite3_column_int64(s, 0);
        snprintf(v[n].at, sizeof v[n].at, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(v[n].digest, sizeof v[n].digest, "%s", (const char *)sqlite3_column_text(s, 2));
        n++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(v);
        return em_db_fail(st, err, "reading an entity's history");
    }
    size_t k = 0; /* the version asked about */
    while (k < n && v[k].id != at)
        k++;
    for (size_t i = 0; i < n; i++)
        if (v[i].digest[0]) {
            out->first_seen_version = v[i].id;
            snprintf(out->first_seen, sizeof out->first_seen, "%s", v[i].at);
            break;
        }
    for (size_t i = n; i-- > 0;)
        if (v[i].digest[0]) {
            out->last_seen_version = v[i].id;
            snprintf(out->last_seen, sizeof out->last_seen, "%s", v[i].at);
            break;
        }
    if (k < n) {
        size_t j = k;
        while (j > 0 && strcmp(v[j - 1].digest, v[k].digest) == 0)
            j--;
        out->last_change_version = v[j].id;
        snprintf(out->last_change, sizeof out->last_change, "%s", v[j].at);
    }
    free(v);
    return 0;
}

/* ---- in bulk, for the snapshot ------------------------------------------------ */

/* one version of a source that has an active version */
typedef struct bver {
    int64_t id, active;  /* its id, and the active version of its source */
    int seq, active_seq; /* 1-based position among its source's versions, and the active one's */
    char at[32];
} bver;

typedef struct bent { /* an entity of the versions streamed, found by (version, id) */
    int64_t version;
    const char *id, *digest; /* in the pool */
} bent;

typedef struct run {
    int64_t first, last, start;
    int seq; /* of the last version holding the active digest */
} run;

struct em_history_bulk {
    bver *v;
    size_t nv;
    int multi; /* some source has more than one version */
    bent *by;  /* sorted by (version, id); r[i] is by[i]'s */
    run *r;
    size_t n;
    char *pool;
};

static int cmp_bver(const void *a, const void *b) {
    const bver *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int cmp_bent(const void *a, const void *b) {
    const bent *x = a, *y = b;
    if (x->version != y->version) return (x->version > y->version) - (x->version < y->version);
    return strcmp(x->id, y->id);
}

static const bver *find_bver(const bver *v, size_t n, int64_t id) {
    bver key = {.id = id};
    return n ? bsearch(&key, v, n, sizeof *v, cmp_bver) : NULL;
}

static void set_hist(char *dst, const bver *v) {
    if (v)
        memcpy(dst, v->at, sizeof v->at); /* NUL-padded */
    else
        dst[0] = '\0';
}

void em_history_bulk_free(em_history_bulk *hb) {
    if (!hb) return;
    free(hb->v), free(hb->by), free(hb->r), free(hb->pool);
    free(hb);
}

/* The (version, id, digest) of every entity of the versions `where` selects,
   only their keys (no JSON), into hb->by. */
static int load_keys(em_store *st, const char *where, em_history_bulk *hb, em_error *err) {
    char *sql = em_xasprintf("SELECT ve.version_id, ve.entity_id, ve.digest FROM versions v"
                             " JOIN version_entities ve ON ve.version_id = v.id WHERE %s",
                             where);
    sqlite3_stmt *s = em_db_prepare(st, sql, err);
    free(sql);
    if (!s) return -1;
    em_buf pool;
    em_buf_init(&pool);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        hb->by = em_vec_grow_(hb->by, &cap, hb->n, 1, sizeof *hb->by);
        bent *b = &hb->by[hb->n++];
        b->version = sqlite3_column_int64(s, 0);
        /* offsets for now: the pool moves while it grows */
        b->id = (const char *)(uintptr_t)pool.len;
        em_buf_add(&pool, sqlite3_column_text(s, 1), (size_t)sqlite3_column_bytes(s, 1) + 1);
        b->digest = (const char *)(uintptr_t)pool.len;
        em_buf_add(&pool, sqlite3_column_text(s, 2), (size_t)sqlite3_column_bytes(s, 2) + 1);
    }
    sqlite3_finalize(s);
    hb->pool = em_buf_detach(&pool);
    for (size_t i = 0; i < hb->n; i++) {
        hb->by[i].id = hb->pool + (uintptr_t)hb->by[i].id;
        hb->by[i].digest = hb->pool + (uintptr_t)hb->by[i].digest;
    }
    if (rc != SQLITE_DONE) return em_db_fail(st, err, "reading the entities' history");
    if (hb->n) qsort(hb->by, hb->n, sizeof *hb->by, cmp_bent);
    return 0;
}

int em_history_bulk_new(em_store *st, const char *where, em_history_bulk **out, em_error *err) {
    *out = NULL;
    em_history_bulk *hb = em_xcalloc(1, sizeof *hb);
    /* every version of every source that has an active one, by source then id */
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT v.id, v.imported_at, v.active, v.source FROM versions v"
        " WHERE v.source IN (SELECT source FROM versions WHERE active = 1) ORDER BY v.source, v.id",
        err);
    if (!s) {
        free(hb);
        return -1;
    }
    size_t cap = 0, first_of_source = 0;
    int rc;
    char prev[128] = "";
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *src = (const char *)sqlite3_column_text(s, 3);
        hb->v = em_vec_grow_(hb->v, &cap, hb->nv, 1, sizeof *hb->v);
        if (strcmp(src, prev) != 0) {
            snprintf(prev, sizeof prev, "%s", src);
            first_of_source = hb->nv;
        } else {
            hb->multi = 1;
        }
        bver *x = &hb->v[hb->nv++];
        memset(x, 0, sizeof *x);
        x->id = sqlite3_column_int64(s, 0);
        snprintf(x->at, sizeof x->at, "%s", (const char *)sqlite3_column_text(s, 1));
        x->seq = (int)(hb->nv - first_of_source);
        if (sqlite3_column_int(s, 2)) /* the source's active version: tell its versions */
            for (size_t i = first_of_source; i < hb->nv; i++)
                hb->v[i].active = x->id, hb->v[i].active_seq = x->seq;
        else if (hb->nv > first_of_source + 1 && hb->v[hb->nv - 2].active)
            x->active = hb->v[hb->nv - 2].active, x->active_seq = hb->v[hb->nv - 2].active_seq;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        em_history_bulk_free(hb);
        return em_db_fail(st, err, "reading the versions' history");
    }
    if (hb->nv) qsort(hb->v, hb->nv, sizeof *hb->v, cmp_bver);
    /* a source with one version: everything was first seen, changed and last seen in it,
       nothing more to read */
    if (!hb->multi) {
        *out = hb;
        return 0;
    }
    /* else the keys of the entities asked about, then one pass over those versions' rows,
       oldest version first */
    if (load_keys(st, where, hb, err) != 0) {
        em_history_bulk_free(hb);
        return -1;
    }
    hb->r = em_xcalloc(hb->n ? hb->n : 1, sizeof *hb->r);
    s = em_db_prepare(st,
                      "SELECT ve.version_id, ve.entity_id, ve.digest FROM version_entities ve"
                      " WHERE ve.version_id IN (SELECT id FROM versions WHERE source IN"
                      " (SELECT source FROM versions WHERE active = 1)) ORDER BY ve.version_id",
                      err);
    rc = s ? SQLITE_DONE : SQLITE_ERROR;
    const bver *cur = NULL;
    while (s && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t vid = sqlite3_column_int64(s, 0);
        if (!cur || cur->id != vid) cur = find_bver(hb->v, hb->nv, vid);
        if (!cur || !cur->active) continue;
        bent key = {cur->active, (const char *)sqlite3_column_text(s, 1), NULL};
        const bent *hit = hb->n ? bsearch(&key, hb->by, hb->n, sizeof *hb->by, cmp_bent) : NULL;
        if (!hit) continue; /* not in the active version */
        run *x = &hb->r[hit - hb->by];
        if (!x->first) x->first = vid;
        x->last = vid;
        if (cur->seq <= cur->active_seq &&
            strcmp((const char *)sqlite3_column_text(s, 2), hit->digest) == 0) {
            if (!x->start || x->seq != cur->seq - 1) x->start = vid;
            x->seq = cur->seq;
        }
    }
    if (s) sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        if (s) em_db_fail(st, err, "reading the entities' history");
        em_history_bulk_free(hb);
        return -1;
    }
    *out = hb;
    return 0;
}

void em_history_bulk_get(const em_history_bulk *hb, const char *id, int64_t version,
                         em_entity_history *h) {
    memset(h, 0, sizeof *h);
    if (!hb->multi) {
        const bver *x = find_bver(hb->v, hb->nv, version);
        h->first_seen_version = h->last_change_version = h->last_seen_version = x ? version : 0;
        set_hist(h->first_seen, x), set_hist(h->last_change, x), set_hist(h->last_seen, x);
        return;
    }
    bent key = {version, id, NULL};
    const bent *hit = hb->n ? bsearch(&key, hb->by, hb->n, sizeof *hb->by, cmp_bent) : NULL;
    if (!hit) return;
    const run *r = &hb->r[hit - hb->by];
    h->first_seen_version = r->first;
    h->last_change_version = r->start;
    h->last_seen_version = r->last;
    set_hist(h->first_seen, r->first ? find_bver(hb->v, hb->nv, r->first) : NULL);
    set_hist(h->last_change, r->start ? find_bver(hb->v, hb->nv, r->start) : NULL);
    set_hist(h->last_seen, r->last ? find_bver(hb->v, hb->nv, r->last) : NULL);
}
