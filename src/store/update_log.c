/*
 * update_log.c - the update_log table of the store: each `embargo update`
 * attempt recorded by the updater (src/update/update.c, through
 * store/update_log.h), the validators and active version it asks for before
 * a download, and the per-source status read back from the log
 * (em_store_update_status: `embargo lists`, the server's catalog and admin).
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/store_internal.h"
#include "store/update_log.h"

#define LOG_KEEP 2000 /* attempts kept per source */

const char *em_update_outcome_name(em_update_outcome o) {
    switch (o) {
    case EM_UPDATE_UPDATED:
        return "updated";
    case EM_UPDATE_NOT_MODIFIED:
        return "not_modified";
    case EM_UPDATE_UNCHANGED:
        return "unchanged";
    default:
        return "failed";
    }
}

static char *col_dup(sqlite3_stmt *s, int i) {
    const unsigned char *t = sqlite3_column_text(s, i);
    return em_xstrdup(t ? (const char *)t : "");
}

/* ---- the update log ------------------------------------------------------ */

int em_update_log_writable(em_store *st, em_error *err) {
    if (st->flags & EM_STORE_READONLY)
        return em_fail(err, EM_ERR_USAGE, "the store is open read-only; cannot update");
    return 0;
}

void em_update_log_now(char out[32]) {
    em_now_iso(out);
}

int em_update_log_record(em_store *st, const em_update_log_entry *e, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(
        st,
        "INSERT INTO update_log(source, started_at, finished_at, outcome, http_status, bytes,"
        " sha256, etag, last_modified, version_id, error, urls)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
        err);
    if (!s) return -1;
#define TXT(i, v) sqlite3_bind_text(s, i, (v) ? (v) : "", -1, SQLITE_TRANSIENT)
    TXT(1, e->source);
    TXT(2, e->started_at);
    TXT(3, e->finished_at);
    TXT(4, em_update_outcome_name(e->outcome));
    sqlite3_bind_int64(s, 5, e->http_status);
    sqlite3_bind_int64(s, 6, e->bytes);
    TXT(7, e->sha256);
    TXT(8, e->etag);
    TXT(9, e->last_modified);
    sqlite3_bind_int64(s, 10, e->version_id);
    TXT(11, e->error);
    TXT(12, e->urls);
#undef TXT
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : em_db_fail(st, err, "recording an update");
    sqlite3_finalize(s);
    if (rc) return rc;
    /* keep the log bounded, but never drop the last success (it holds the validators) */
    s = em_db_prepare(st,
                      "DELETE FROM update_log WHERE source = ?1 AND id <= (SELECT id FROM"
                      " update_log WHERE source = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)"
                      " AND id <> coalesce((SELECT max(id) FROM update_log WHERE source = ?1"
                      " AND outcome <> 'failed'), 0)",
                      err);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, e->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, LOG_KEEP);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : em_db_fail(st, err, "pruning the update log");
    sqlite3_finalize(s);
    return rc;
}

int64_t em_update_log_active_version(em_store *st, const char *source) {
    sqlite3_stmt *s =
        em_db_prepare(st, "SELECT id FROM versions WHERE source = ? AND active = 1", NULL);
    if (!s) return 0;
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return v;
}

/* The validators of the last success that produced the active version with these URLs. */
void em_update_log_validators(em_store *st, const char *source, int64_t active, const char *urls,
                              char **etag, char **lm) {
    *etag = *lm = NULL;
    if (!active) return;
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT etag, last_modified, version_id, urls FROM update_log WHERE source = ?"
        " AND outcome <> 'failed' ORDER BY id DESC LIMIT 1",
        NULL);
    if (!s) return;
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 2) == active) {
        const char *u = (const char *)sqlite3_column_text(s, 3);
        if (u && strcmp(u, urls) == 0) {
            *etag = col_dup(s, 0);
            *lm = col_dup(s, 1);
        }
    }
    sqlite3_finalize(s);
}

/* ---- status ---------------------------------------------------------------- */

struct em_update_status_list {
    em_update_status *items;
    size_t len;
};

static void status_free_fields(em_update_status *s) {
    free((char *)s->source), free((char *)s->last_attempt), free((char *)s->last_outcome);
    free((char *)s->last_success), free((char *)s->last_success_outcome);
    free((char *)s->last_failure), free((char *)s->last_failure_error);
    free((char *)s->etag), free((char *)s->last_modified);
}

/* Runs a one-row query bound to `source`; returns the statement on a row, else NULL. */
static sqlite3_stmt *row_for(em_store *st, const char *sql, const char *source, int *fail) {
    sqlite3_stmt *s = em_db_prepare(st, sql, NULL);
    if (!s) {
        *fail = 1;
        return NULL;
    }
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return s;
    if (rc != SQLITE_DONE) *fail = 1;
    sqlite3_finalize(s);
    return NULL;
}

int em_store_update_status(em_store *st, em_update_status_list **out, em_error *err) {
    *out = NULL;
    em_update_status_list *l = em_xcalloc(1, sizeof *l);
    sqlite3_stmt *t = em_db_prepare(
        st, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'update_log'", err);
    if (!t) {
        free(l);
        return -1;
    }
    int exists = sqlite3_step(t) == SQLITE_ROW;
    sqlite3_finalize(t);
    if (!exists) {
        *out = l;
        return 0;
    }
    sqlite3_stmt *q = em_db_prepare(
        st, "SELECT source, count(*) FROM update_log GROUP BY source ORDER BY source", err);
    if (!q) {
        free(l);
        return -1;
    }
    size_t cap = 0;
    int rc, fail = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && !fail) {
        l->items = em_vec_grow_(l->items, &cap, l->len, 1, sizeof *l->items);
        em_update_status *u = &l->items[l->len++];
        memset(u, 0, sizeof *u);
        u->source = col_dup(q, 0);
        u->attempts = (size_t)sqlite3_column_int64(q, 1);
        sqlite3_stmt *s = row_for(st,
                                  "SELECT finished_at, outcome FROM update_log WHERE source = ?"
                                  " ORDER BY id DESC LIMIT 1",
                                  u->source, &fail);
        u->last_attempt = s ? col_dup(s, 0) : em_xstrdup("");
        u->last_outcome = s ? col_dup(s, 1) : em_xstrdup("");
        sqlite3_finalize(s);
        s = row_for(st,
                    "SELECT finished_at, outcome, version_id, etag, last_modified, id FROM"
                    " update_log WHERE source = ? AND outcome <> 'failed' ORDER BY id DESC LIMIT 1",
                    u->source, &fail);
        u->last_success = s ? col_dup(s, 0) : em_xstrdup("");
        u->last_success_outcome = s ? col_dup(s, 1) : em_xstrdup("");
        u->last_success_version = s ? sqlite3_column_int64(s, 2) : 0;
        u->etag = s ? col_dup(s, 3) : em_xstrdup("");
        u->last_modified = s ? col_dup(s, 4) : em_xstrdup("");
        int64_t success_id = s ? sqlite3_column_int64(s, 5) : 0;
        sqlite3_finalize(s);
        s = row_for(st,
                    "SELECT finished_at, error FROM update_log WHERE source = ?"
                    " AND outcome = 'failed' ORDER BY id DESC LIMIT 1",
                    u->source, &fail);
        u->last_failure = s ? col_dup(s, 0) : em_xstrdup("");
        u->last_failure_error = s ? col_dup(s, 1) : em_xstrdup("");
        sqlite3_finalize(s);
        s = em_db_prepare(st,
                          "SELECT count(*) FROM update_log WHERE source = ? AND outcome = 'failed'"
                          " AND id > ?",
                          NULL);
        if (s) {
            sqlite3_bind_text(s, 1, u->source, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 2, success_id);
            if (sqlite3_step(s) == SQLITE_ROW)
                u->consecutive_failures = (unsigned)sqlite3_column_int64(s, 0);
            else
                fail = 1;
            sqlite3_finalize(s);
        } else {
            fail = 1;
        }
    }
    sqlite3_finalize(q);
    if (fail || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
        em_update_status_list_free(l);
        return em_db_fail(st, err, "reading the update log");
    }
    *out = l;
    return 0;
}

size_t em_update_status_count(const em_update_status_list *l) {
    return l ? l->len : 0;
}

const em_update_status *em_update_status_get(const em_update_status_list *l, size_t i) {
    return l && i < l->len ? &l->items[i] : NULL;
}

const em_update_status *em_update_status_find(const em_update_status_list *l, const char *source) {
    for (size_t i = 0; l && i < l->len; i++)
        if (strcmp(l->items[i].source, source) == 0) return &l->items[i];
    return NULL;
}

void em_update_status_list_free(em_update_status_list *l) {
    if (!l) return;
    for (size_t i = 0; i < l->len; i++)
        status_free_fields(&l->items[i]);
    free(l->items);
    free(l);
}
