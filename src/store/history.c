/*
 * history.c - an entity's history from the store's own versions
 * (em_store_entity_history): the first version of its source it appears in,
 * the version where its facts last changed (the start of the unbroken run of
 * versions, ending at the one asked about, that hold it with the same
 * content digest), and the last version it appears in. Entities are stored
 * content-addressed, so "changed" means "another digest": any fact of the
 * entity (a name, a program, a remark) changing counts, nothing else does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "store/store_internal.h"

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
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = em_xrealloc(v, cap * sizeof *v);
        }
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
