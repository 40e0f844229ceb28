/*
 * store_read.c - bulk reading of the active versions (see store_read.h).
 */
#include "store/store_read.h"

#include <jansson.h>
#include <stdlib.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/store_internal.h"

int em_store_active_stamp(em_store *st, em_buf *stamp, em_error *err) {
    sqlite3_stmt *s =
        em_db_prepare(st, "SELECT id FROM versions WHERE active = 1 ORDER BY id", err);
    if (!s) return -1;
    em_buf_reset(stamp);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        em_buf_printf(stamp, "%sv%lld", stamp->len ? "," : "",
                      (long long)sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return em_db_fail(st, err, "reading the active versions");
    em_buf_cstr(stamp);
    return 0;
}

/* Streams the entities of the active versions (ids NULL) or of the versions ids[0..n). */
static int each_version(em_store *st, const int64_t *ids, size_t n, em_store_entity_fn fn,
                        void *ctx, em_buf *stamp, em_error *err) {
    if (em_db_exec(st, "BEGIN", err) != 0) return -1; /* one consistent read */
    int rc = 0;
    em_buf where;
    em_buf_init(&where);
    if (ids) {
        em_buf_adds(&where, "v.id IN (0");
        for (size_t i = 0; i < n; i++) {
            em_buf_printf(&where, ",%lld", (long long)ids[i]);
            em_buf_printf(stamp, "%sv%lld", i ? "," : "", (long long)ids[i]);
        }
        em_buf_adds(&where, ")");
        em_buf_cstr(stamp);
    } else {
        em_buf_adds(&where, "v.active = 1");
        rc = em_store_active_stamp(st, stamp, err);
    }
    /* within the same read: when each entity was first seen, last changed, last seen */
    em_history_bulk *hb = NULL;
    if (rc == 0) rc = em_history_bulk_new(st, em_buf_cstr(&where), &hb, err);
    /* the order is sorted without the JSON (SQLite sorts in memory: temp_store), each
       entity's JSON then read by its digest */
    char *sql = em_xasprintf("SELECT ve.digest, ve.version_id, ve.entity_id FROM versions v"
                             " JOIN version_entities ve ON ve.version_id = v.id"
                             " WHERE %s ORDER BY v.id, length(ve.entity_id), ve.entity_id",
                             em_buf_cstr(&where));
    em_buf_free(&where);
    sqlite3_stmt *s = rc ? NULL : em_db_prepare(st, sql, err);
    sqlite3_stmt *b = s ? em_db_prepare(st, "SELECT json FROM blobs WHERE digest = ?", err) : NULL;
    free(sql);
    if (!b) {
        if (s) sqlite3_finalize(s);
        em_history_bulk_free(hb);
        em_db_exec(st, "COMMIT", NULL);
        return -1;
    }
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_bind_text(b, 1, (const char *)sqlite3_column_text(s, 0), sqlite3_column_bytes(s, 0),
                          SQLITE_STATIC);
        em_entity *e = NULL;
        if (sqlite3_step(b) == SQLITE_ROW) {
            json_error_t je;
            json_t *j = json_loadb((const char *)sqlite3_column_text(b, 0),
                                   (size_t)sqlite3_column_bytes(b, 0), 0, &je);
            e = j ? em_entity_from_json(j, err) : NULL;
            json_decref(j);
        }
        sqlite3_reset(b);
        if (!e) {
            rc = em_fail(err, EM_ERR_STORE, "a stored entity cannot be read; re-import the list");
            break;
        }
        int64_t version = sqlite3_column_int64(s, 1);
        em_history_bulk_get(hb, (const char *)sqlite3_column_text(s, 2), version, &e->history);
        rc = fn(ctx, e, version, err);
        if (rc != 0) break;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = em_db_fail(st, err, "reading the active lists");
    sqlite3_finalize(s);
    sqlite3_finalize(b);
    em_history_bulk_free(hb);
    em_db_exec(st, "COMMIT", NULL);
    return rc;
}

int em_store_each_active(em_store *st, em_store_entity_fn fn, void *ctx, em_buf *stamp,
                         em_error *err) {
    return each_version(st, NULL, 0, fn, ctx, stamp, err);
}

int em_store_each_version(em_store *st, const int64_t *ids, size_t n, em_store_entity_fn fn,
                          void *ctx, em_buf *stamp, em_error *err) {
    return each_version(st, ids, n, fn, ctx, stamp, err);
}

/* the list loaders: the stream collected */
typedef struct collect {
    em_entity_list *out;
    int64_t *versions;
    size_t cap;
} collect;

static int collect_one(void *ctx, em_entity *e, int64_t version, em_error *err) {
    (void)err;
    collect *c = ctx;
    c->versions = em_vec_grow_(c->versions, &c->cap, c->out->len, 1, sizeof *c->versions);
    c->versions[c->out->len] = version;
    em_entity_list_push(c->out, e);
    return 0;
}

static int load_versions(em_store *st, const int64_t *ids, size_t n, em_entity_list *out,
                         int64_t **versions, em_buf *stamp, em_error *err) {
    collect c = {out, NULL, 0};
    int rc = each_version(st, ids, n, collect_one, &c, stamp, err);
    *versions = c.versions;
    return rc;
}

int em_store_load_active(em_store *st, em_entity_list *out, int64_t **versions, em_buf *stamp,
                         em_error *err) {
    return load_versions(st, NULL, 0, out, versions, stamp, err);
}

int em_store_load_versions(em_store *st, const int64_t *ids, size_t n, em_entity_list *out,
                           int64_t **versions, em_buf *stamp, em_error *err) {
    return load_versions(st, ids, n, out, versions, stamp, err);
}
