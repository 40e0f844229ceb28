/*
 * monitor_db.c - the SQL of monitoring (see monitor_db.h): registers,
 * records and their revisions, alerts and events, suppressions, audit rows,
 * webhook outbox. Every function prepares its statement, binds, steps and
 * finalises; errors carry the statement's context. Listings are built as
 * JSON here, where the rows are.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/monitor_db.h"
#include "store/store_internal.h"

static char *col_dup(sqlite3_stmt *s, int i) {
    const unsigned char *t = sqlite3_column_text(s, i);
    return em_xstrdup(t ? (const char *)t : "");
}

static json_t *col_json_str(sqlite3_stmt *s, int i) {
    const unsigned char *t = sqlite3_column_text(s, i);
    return json_string(t ? (const char *)t : "");
}

/* a column holding JSON text, parsed (a string when it does not parse) */
static json_t *col_json(sqlite3_stmt *s, int i) {
    const char *t = (const char *)sqlite3_column_text(s, i);
    if (!t || !*t) return json_null();
    json_t *j = json_loads(t, JSON_DECODE_ANY, NULL);
    return j ? j : json_string(t);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v) {
    sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

/* steps a statement that returns no row, finalises it */
static int run(em_store *st, sqlite3_stmt *s, const char *what, em_error *err) {
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : em_db_fail(st, err, what);
    sqlite3_finalize(s);
    return rc;
}

void em_mdb_set_write_wait(em_store *st, int ms) {
    if (st && st->db) sqlite3_busy_timeout(st->db, ms);
}

int em_mdb_begin(em_store *st, em_error *err) {
    return em_db_exec(st, "BEGIN IMMEDIATE", err);
}
int em_mdb_commit(em_store *st, em_error *err) {
    return em_db_exec(st, "COMMIT", err);
}
void em_mdb_rollback(em_store *st) {
    em_db_exec(st, "ROLLBACK", NULL);
}

/* ---- registers ------------------------------------------------------------ */

void em_mreg_free(em_mreg *r) {
    free(r->name), free(r->screened), free(r->screened_at), free(r->index_stamp);
    free(r->webhook_url), free(r->webhook_secret);
    memset(r, 0, sizeof *r);
}

static int register_read(em_store *st, const char *name, em_mreg *out, int *found, em_error *err) {
    sqlite3_stmt *s =
        em_db_prepare(st,
                      "SELECT id, name, screened, screened_at, index_stamp, webhook_url,"
                      " webhook_secret FROM registers WHERE name = ?",
                      err);
    if (!s) return -1;
    bind_text(s, 1, name);
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (*found) {
        out->id = sqlite3_column_int64(s, 0);
        out->name = col_dup(s, 1);
        out->screened = col_dup(s, 2);
        out->screened_at = col_dup(s, 3);
        out->index_stamp = col_dup(s, 4);
        out->webhook_url = col_dup(s, 5);
        out->webhook_secret = col_dup(s, 6);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE) return em_db_fail(st, err, "reading a register");
    return 0;
}

int em_mdb_register(em_store *st, const char *name, int create, em_mreg *out, em_error *err) {
    memset(out, 0, sizeof *out);
    int found;
    if (register_read(st, name, out, &found, err) != 0) return -1;
    if (found) return 0;
    if (!create)
        return em_fail(err, EM_ERR_NOTFOUND,
                       "no register '%s' (import one with: embargo register import --register %s "
                       "FILE)",
                       name, name);
    sqlite3_stmt *s =
        em_db_prepare(st, "INSERT INTO registers(name, created_at) VALUES(?, ?)", err);
    if (!s) return -1;
    char now[32];
    em_now_iso(now);
    bind_text(s, 1, name);
    bind_text(s, 2, now);
    if (run(st, s, "creating a register", err) != 0) return -1;
    return register_read(st, name, out, &found, err);
}

int em_mdb_register_update(em_store *st, const em_mreg *r, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "UPDATE registers SET screened = ?, screened_at = ?,"
                                    " index_stamp = ?, webhook_url = ?, webhook_secret = ?"
                                    " WHERE id = ?",
                                    err);
    if (!s) return -1;
    bind_text(s, 1, r->screened);
    bind_text(s, 2, r->screened_at);
    bind_text(s, 3, r->index_stamp);
    bind_text(s, 4, r->webhook_url);
    bind_text(s, 5, r->webhook_secret);
    sqlite3_bind_int64(s, 6, r->id);
    return run(st, s, "updating a register", err);
}

size_t em_store_register_count(em_store *st) {
    sqlite3_stmt *s = em_db_prepare(st, "SELECT count(*) FROM registers", NULL);
    if (!s) return 0;
    size_t n = sqlite3_step(s) == SQLITE_ROW ? (size_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return n;
}

int em_mdb_register_names(em_store *st, em_strvec *out, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st, "SELECT name FROM registers ORDER BY name", err);
    if (!s) return -1;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        em_strvec_push(out, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : em_db_fail(st, err, "listing registers");
}

int em_mdb_registers_json(em_store *st, json_t **out, em_error *err) {
    *out = NULL;
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT r.name, r.created_at, r.screened, r.screened_at, r.webhook_url,"
        " (SELECT count(*) FROM register_records x WHERE x.register_id = r.id AND x.removed = 0),"
        " (SELECT count(*) FROM alerts a WHERE a.register_id = r.id"
        "   AND a.state IN ('open', 'escalated', 'pending'))"
        " FROM registers r ORDER BY r.name",
        err);
    if (!s) return -1;
    json_t *a = json_array();
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "name", col_json_str(s, 0));
        json_object_set_new(o, "created_at", col_json_str(s, 1));
        json_object_set_new(o, "screened_against", col_json_str(s, 2));
        json_object_set_new(o, "screened_at", col_json_str(s, 3));
        json_object_set_new(o, "webhook", col_json_str(s, 4));
        json_object_set_new(o, "records", json_integer(sqlite3_column_int64(s, 5)));
        json_object_set_new(o, "alerts_active", json_integer(sqlite3_column_int64(s, 6)));
        json_array_append_new(a, o);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        json_decref(a);
        return em_db_fail(st, err, "listing registers");
    }
    *out = a;
    return 0;
}

/* ---- records -------------------------------------------------------------- */

int em_mdb_record_get(em_store *st, int64_t reg, const char *rid, json_t **rec, char digest[65],
                      em_error *err) {
    *rec = NULL;
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT json, digest FROM register_records"
                                    " WHERE register_id = ? AND record_id = ? AND removed = 0",
                                    err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    bind_text(s, 2, rid);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *rec = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
        if (digest) snprintf(digest, 65, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE) return em_db_fail(st, err, "reading a record");
    return 0;
}

int em_mdb_record_put(em_store *st, int64_t reg, const char *rid, json_t *rec, const char *digest,
                      const char *change, em_error *err) {
    char now[32];
    em_now_iso(now);
    char *txt = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    sqlite3_stmt *s = em_db_prepare(
        st,
        "INSERT INTO register_records(register_id, record_id, revision, digest, json, removed,"
        " updated_at) VALUES(?1, ?2, 1, ?3, ?4, 0, ?5)"
        " ON CONFLICT(register_id, record_id) DO UPDATE SET revision = revision + 1,"
        " digest = ?3, json = ?4, removed = 0, updated_at = ?5",
        err);
    int rc = -1;
    if (s) {
        sqlite3_bind_int64(s, 1, reg);
        bind_text(s, 2, rid);
        bind_text(s, 3, digest);
        bind_text(s, 4, txt);
        bind_text(s, 5, now);
        rc = run(st, s, "writing a record", err);
    }
    if (rc == 0) {
        s = em_db_prepare(st,
                          "INSERT INTO register_revisions(register_id, record_id, revision, json,"
                          " digest, at, change) SELECT register_id, record_id, revision, json,"
                          " digest, ?3, ?4 FROM register_records"
                          " WHERE register_id = ?1 AND record_id = ?2",
                          err);
        rc = -1;
        if (s) {
            sqlite3_bind_int64(s, 1, reg);
            bind_text(s, 2, rid);
            bind_text(s, 3, now);
            bind_text(s, 4, change);
            rc = run(st, s, "writing a record's revision", err);
        }
    }
    free(txt);
    return rc;
}

int em_mdb_record_remove(em_store *st, int64_t reg, const char *rid, em_error *err) {
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *s =
        em_db_prepare(st,
                      "UPDATE register_records SET removed = 1, revision = revision + 1,"
                      " updated_at = ?3 WHERE register_id = ?1 AND record_id = ?2",
                      err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    bind_text(s, 2, rid);
    bind_text(s, 3, now);
    if (run(st, s, "removing a record", err) != 0) return -1;
    s = em_db_prepare(
        st,
        "INSERT INTO register_revisions(register_id, record_id, revision, json, digest,"
        " at, change) SELECT register_id, record_id, revision, '{}', '', ?3, 'removed'"
        " FROM register_records WHERE register_id = ?1 AND record_id = ?2",
        err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    bind_text(s, 2, rid);
    bind_text(s, 3, now);
    return run(st, s, "writing a record's revision", err);
}

static int collect(em_store *st, sqlite3_stmt *s, em_strvec *out, const char *what, em_error *err) {
    if (!s) return -1;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        em_strvec_push(out, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : em_db_fail(st, err, what);
}

int em_mdb_record_ids(em_store *st, int64_t reg, em_strvec *out, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT record_id FROM register_records"
                                    " WHERE register_id = ? AND removed = 0 ORDER BY record_id",
                                    err);
    if (s) sqlite3_bind_int64(s, 1, reg);
    return collect(st, s, out, "listing records", err);
}

size_t em_mdb_record_count(em_store *st, int64_t reg) {
    sqlite3_stmt *s = em_db_prepare(
        st, "SELECT count(*) FROM register_records WHERE register_id = ? AND removed = 0", NULL);
    if (!s) return 0;
    sqlite3_bind_int64(s, 1, reg);
    size_t n = sqlite3_step(s) == SQLITE_ROW ? (size_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return n;
}

struct em_mdb_cursor {
    em_store *st;
    sqlite3_stmt *s;
};

em_mdb_cursor *em_mdb_records_open(em_store *st, int64_t reg, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT record_id, json FROM register_records"
                                    " WHERE register_id = ? AND removed = 0 ORDER BY record_id",
                                    err);
    if (!s) return NULL;
    sqlite3_bind_int64(s, 1, reg);
    em_mdb_cursor *c = em_xcalloc(1, sizeof *c);
    c->st = st;
    c->s = s;
    return c;
}

int em_mdb_records_next(em_mdb_cursor *c, char **rid, json_t **rec, em_error *err) {
    *rid = NULL;
    *rec = NULL;
    int step = sqlite3_step(c->s);
    if (step == SQLITE_DONE) return 0;
    if (step != SQLITE_ROW) return em_db_fail(c->st, err, "reading records");
    *rec = json_loads((const char *)sqlite3_column_text(c->s, 1), 0, NULL);
    if (!*rec) return em_fail(err, EM_ERR_STORE, "a stored record cannot be read");
    *rid = col_dup(c->s, 0);
    return 1;
}

void em_mdb_records_close(em_mdb_cursor *c) {
    if (!c) return;
    sqlite3_finalize(c->s);
    free(c);
}

int em_mdb_record_set_near(em_store *st, int64_t reg, const char *rid, double best_below,
                           const char *near, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "UPDATE register_records SET best_below = ?, near = ?"
                                    " WHERE register_id = ? AND record_id = ?",
                                    err);
    if (!s) return -1;
    sqlite3_bind_double(s, 1, best_below);
    bind_text(s, 2, near ? near : "");
    sqlite3_bind_int64(s, 3, reg);
    bind_text(s, 4, rid);
    return run(st, s, "writing a record's scores", err);
}

int em_mdb_records_scored(em_store *st, int64_t reg,
                          void (*fn)(void *ctx, const char *rid, double best_below,
                                     const char *near),
                          void *ctx, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT record_id, best_below, near FROM register_records"
                                    " WHERE register_id = ?1 AND removed = 0 AND best_below > 0"
                                    " UNION ALL SELECT DISTINCT record_id, -1, '' FROM alerts"
                                    " WHERE register_id = ?1",
                                    err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_double(s, 1),
           (const char *)sqlite3_column_text(s, 2));
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : em_db_fail(st, err, "reading record scores");
}

/* ---- alerts --------------------------------------------------------------- */

#define ALERT_COLS                                                                                 \
    "id, register_id, record_id, entity_id, source, list_version, caption, schema,"                \
    " matched_name, score, explanation, context, state, assignee, proposed_by, record_facts,"      \
    " entity_facts, opened_at, updated_at"

static void alert_read(sqlite3_stmt *s, em_malert *a) {
    a->id = sqlite3_column_int64(s, 0);
    a->reg = sqlite3_column_int64(s, 1);
    a->record_id = col_dup(s, 2);
    a->entity_id = col_dup(s, 3);
    a->source = col_dup(s, 4);
    a->list_version = sqlite3_column_int64(s, 5);
    a->caption = col_dup(s, 6);
    a->schema = col_dup(s, 7);
    a->matched_name = col_dup(s, 8);
    a->score = sqlite3_column_double(s, 9);
    a->explanation = col_dup(s, 10);
    a->context = col_dup(s, 11);
    a->state = col_dup(s, 12);
    a->assignee = col_dup(s, 13);
    a->proposed_by = col_dup(s, 14);
    a->record_facts = col_dup(s, 15);
    a->entity_facts = col_dup(s, 16);
    a->opened_at = col_dup(s, 17);
    a->updated_at = col_dup(s, 18);
}

void em_malert_free(em_malert *a) {
    free(a->record_id), free(a->entity_id), free(a->source), free(a->caption), free(a->schema);
    free(a->matched_name), free(a->explanation), free(a->context), free(a->state);
    free(a->assignee), free(a->proposed_by), free(a->record_facts), free(a->entity_facts);
    free(a->opened_at), free(a->updated_at);
    memset(a, 0, sizeof *a);
}

static int alerts_read(em_store *st, sqlite3_stmt *s, em_malert **out, size_t *n, em_error *err) {
    *out = NULL;
    *n = 0;
    if (!s) return -1;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        *out = em_vec_grow_(*out, &cap, *n, 1, sizeof **out);
        alert_read(s, &(*out)[(*n)++]);
    }
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : em_db_fail(st, err, "reading alerts");
}

int em_mdb_alert_get(em_store *st, int64_t id, em_malert *out, em_error *err) {
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = em_db_prepare(st, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?", err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) alert_read(s, out);
    sqlite3_finalize(s);
    if (step == SQLITE_DONE)
        return em_fail(err, EM_ERR_NOTFOUND, "no alert %lld (embargo alerts lists them)",
                       (long long)id);
    return step == SQLITE_ROW ? 0 : em_db_fail(st, err, "reading an alert");
}

int em_mdb_alert_find(em_store *st, int64_t reg, const char *rid, const char *eid, em_malert *out,
                      int *found, em_error *err) {
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s =
        em_db_prepare(st,
                      "SELECT " ALERT_COLS
                      " FROM alerts WHERE register_id = ? AND record_id = ? AND entity_id = ?",
                      err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    bind_text(s, 2, rid);
    bind_text(s, 3, eid);
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (*found) alert_read(s, out);
    sqlite3_finalize(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : em_db_fail(st, err, "reading an alert");
}

static void alert_bind(sqlite3_stmt *s, const em_malert *a) {
    sqlite3_bind_int64(s, 1, a->reg);
    bind_text(s, 2, a->record_id);
    bind_text(s, 3, a->entity_id);
    bind_text(s, 4, a->source);
    sqlite3_bind_int64(s, 5, a->list_version);
    bind_text(s, 6, a->caption);
    bind_text(s, 7, a->schema);
    bind_text(s, 8, a->matched_name);
    sqlite3_bind_double(s, 9, a->score);
    bind_text(s, 10, a->explanation);
    bind_text(s, 11, a->context);
    bind_text(s, 12, a->state);
    bind_text(s, 13, a->assignee);
    bind_text(s, 14, a->proposed_by);
    bind_text(s, 15, a->record_facts);
    bind_text(s, 16, a->entity_facts);
    bind_text(s, 17, a->opened_at);
    bind_text(s, 18, a->updated_at);
}

int em_mdb_alert_insert(em_store *st, em_malert *a, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(
        st,
        "INSERT INTO alerts(register_id, record_id, entity_id, source, list_version, caption,"
        " schema, matched_name, score, explanation, context, state, assignee, proposed_by,"
        " record_facts, entity_facts, opened_at, updated_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        err);
    if (!s) return -1;
    alert_bind(s, a);
    if (run(st, s, "writing an alert", err) != 0) return -1;
    a->id = sqlite3_last_insert_rowid(st->db);
    return 0;
}

int em_mdb_alert_update(em_store *st, const em_malert *a, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(
        st,
        "UPDATE alerts SET register_id = ?1, record_id = ?2, entity_id = ?3, source = ?4,"
        " list_version = ?5, caption = ?6, schema = ?7, matched_name = ?8, score = ?9,"
        " explanation = ?10, context = ?11, state = ?12, assignee = ?13, proposed_by = ?14,"
        " record_facts = ?15, entity_facts = ?16, opened_at = ?17, updated_at = ?18 WHERE id = ?19",
        err);
    if (!s) return -1;
    alert_bind(s, a);
    sqlite3_bind_int64(s, 19, a->id);
    return run(st, s, "updating an alert", err);
}

int em_mdb_alerts_of_record(em_store *st, int64_t reg, const char *rid, em_malert **out, size_t *n,
                            em_error *err) {
    sqlite3_stmt *s = em_db_prepare(
        st, "SELECT " ALERT_COLS " FROM alerts WHERE register_id = ? AND record_id = ? ORDER BY id",
        err);
    if (s) {
        sqlite3_bind_int64(s, 1, reg);
        bind_text(s, 2, rid);
    }
    return alerts_read(st, s, out, n, err);
}

int em_mdb_alerts_of_entity(em_store *st, int64_t reg, const char *eid, em_malert **out, size_t *n,
                            em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT " ALERT_COLS " FROM alerts WHERE register_id = ? AND"
                                    " entity_id = ? AND state <> 'closed' ORDER BY id",
                                    err);
    if (s) {
        sqlite3_bind_int64(s, 1, reg);
        bind_text(s, 2, eid);
    }
    return alerts_read(st, s, out, n, err);
}

int em_mdb_alert_records_of_entity(em_store *st, int64_t reg, const char *eid, em_strvec *out,
                                   em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT record_id FROM alerts WHERE register_id = ? AND"
                                    " entity_id = ? AND state <> 'closed'",
                                    err);
    if (s) {
        sqlite3_bind_int64(s, 1, reg);
        bind_text(s, 2, eid);
    }
    return collect(st, s, out, "reading alerts", err);
}

int em_mdb_alert_scores(em_store *st, int64_t reg, double max,
                        void (*fn)(void *ctx, const char *rid, const char *entity, double score),
                        void *ctx, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT record_id, entity_id, score FROM alerts"
                                    " WHERE register_id = ? AND state <> 'closed' AND score < ?",
                                    err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    sqlite3_bind_double(s, 2, max);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
           sqlite3_column_double(s, 2));
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : em_db_fail(st, err, "reading alert scores");
}

int em_mdb_alert_event(em_store *st, int64_t alert, const char *user, const char *kind,
                       const char *state, const char *comment, const char *detail, em_error *err) {
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *s = em_db_prepare(st,
                                    "INSERT INTO alert_events(alert_id, at, user, kind, state,"
                                    " comment, detail) VALUES(?, ?, ?, ?, ?, ?, ?)",
                                    err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, alert);
    bind_text(s, 2, now);
    bind_text(s, 3, user);
    bind_text(s, 4, kind);
    bind_text(s, 5, state);
    bind_text(s, 6, comment);
    bind_text(s, 7, detail && *detail ? detail : "{}");
    return run(st, s, "writing an alert event", err);
}

static json_t *alert_row_json(sqlite3_stmt *s, int with_register_name) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
    json_object_set_new(o, "record_id", col_json_str(s, 2));
    json_object_set_new(o, "entity_id", col_json_str(s, 3));
    json_object_set_new(o, "dataset", col_json_str(s, 4));
    json_object_set_new(o, "list_version", json_integer(sqlite3_column_int64(s, 5)));
    json_object_set_new(o, "caption", col_json_str(s, 6));
    json_object_set_new(o, "schema", col_json_str(s, 7));
    json_object_set_new(o, "matched_name", col_json_str(s, 8));
    json_object_set_new(o, "score", json_real(sqlite3_column_double(s, 9)));
    json_object_set_new(o, "explanation", col_json(s, 10));
    json_object_set_new(o, "context", col_json(s, 11));
    json_object_set_new(o, "state", col_json_str(s, 12));
    json_object_set_new(o, "assignee", col_json_str(s, 13));
    json_object_set_new(o, "proposed_by", col_json_str(s, 14));
    json_object_set_new(o, "record_facts", col_json(s, 15));
    json_object_set_new(o, "entity_facts", col_json(s, 16));
    json_object_set_new(o, "opened_at", col_json_str(s, 17));
    json_object_set_new(o, "updated_at", col_json_str(s, 18));
    if (with_register_name) json_object_set_new(o, "register", col_json_str(s, 19));
    return o;
}

/* the WHERE clause of a filter, bound in order by filter_bind */
static void filter_where(const em_alert_filter *f, em_buf *b) {
    em_buf_adds(b, " WHERE 1");
    if (f && f->register_name && *f->register_name) em_buf_adds(b, " AND r.name = ?");
    if (f && f->state && *f->state) {
        if (!strcmp(f->state, "active"))
            em_buf_adds(b, " AND a.state IN ('open', 'escalated', 'pending')");
        else
            em_buf_adds(b, " AND a.state = ?");
    }
    if (f && f->assignee && *f->assignee) em_buf_adds(b, " AND a.assignee = ?");
    if (f && f->older_than_s > 0) em_buf_adds(b, " AND a.opened_at <= ?");
}

static int filter_bind(sqlite3_stmt *s, const em_alert_filter *f, int i) {
    if (f && f->register_name && *f->register_name) bind_text(s, i++, f->register_name);
    if (f && f->state && *f->state && strcmp(f->state, "active")) bind_text(s, i++, f->state);
    if (f && f->assignee && *f->assignee) bind_text(s, i++, f->assignee);
    if (f && f->older_than_s > 0) {
        time_t t = time(NULL) - (time_t)f->older_than_s;
        struct tm tm;
        gmtime_r(&t, &tm);
        char at[32];
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
        bind_text(s, i++, at);
    }
    return i;
}

int em_mdb_alerts_json(em_store *st, const em_alert_filter *f, json_t **out, em_error *err) {
    *out = NULL;
    em_buf w;
    em_buf_init(&w);
    filter_where(f, &w);
    char *count_sql =
        em_xasprintf("SELECT count(*) FROM alerts a JOIN registers r ON r.id = a.register_id%s",
                     em_buf_cstr(&w));
    char *sql = em_xasprintf("SELECT a.id, a.register_id, a.record_id, a.entity_id, a.source,"
                             " a.list_version, a.caption, a.schema, a.matched_name, a.score,"
                             " a.explanation, a.context, a.state, a.assignee, a.proposed_by,"
                             " a.record_facts, a.entity_facts, a.opened_at, a.updated_at, r.name"
                             " FROM alerts a JOIN registers r ON r.id = a.register_id%s"
                             " ORDER BY a.updated_at DESC, a.id DESC LIMIT ? OFFSET ?",
                             em_buf_cstr(&w));
    em_buf_free(&w);
    int rc = -1;
    int64_t total = 0;
    sqlite3_stmt *s = em_db_prepare(st, count_sql, err);
    if (s) {
        filter_bind(s, f, 1);
        if (sqlite3_step(s) == SQLITE_ROW) total = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        s = em_db_prepare(st, sql, err);
    }
    if (s) {
        int i = filter_bind(s, f, 1);
        sqlite3_bind_int64(s, i++, (int64_t)(f && f->limit ? f->limit : 1000));
        sqlite3_bind_int64(s, i, (int64_t)(f ? f->offset : 0));
        json_t *a = json_array();
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW)
            json_array_append_new(a, alert_row_json(s, 1));
        sqlite3_finalize(s);
        if (step == SQLITE_DONE) {
            *out = json_object();
            json_object_set_new(*out, "total", json_integer(total));
            json_object_set_new(*out, "alerts", a);
            rc = 0;
        } else {
            json_decref(a);
            rc = em_db_fail(st, err, "listing alerts");
        }
    }
    free(count_sql);
    free(sql);
    return rc;
}

int em_mdb_alert_json(em_store *st, int64_t id, json_t **out, em_error *err) {
    *out = NULL;
    sqlite3_stmt *s =
        em_db_prepare(st,
                      "SELECT a.id, a.register_id, a.record_id, a.entity_id, a.source,"
                      " a.list_version, a.caption, a.schema, a.matched_name, a.score,"
                      " a.explanation, a.context, a.state, a.assignee, a.proposed_by,"
                      " a.record_facts, a.entity_facts, a.opened_at, a.updated_at,"
                      " r.name FROM alerts a JOIN registers r ON r.id = a.register_id"
                      " WHERE a.id = ?",
                      err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s);
    json_t *o = step == SQLITE_ROW ? alert_row_json(s, 1) : NULL;
    sqlite3_finalize(s);
    if (!o)
        return step == SQLITE_DONE
                   ? em_fail(err, EM_ERR_NOTFOUND, "no alert %lld (embargo alerts lists them)",
                             (long long)id)
                   : em_db_fail(st, err, "reading an alert");
    s = em_db_prepare(st,
                      "SELECT at, user, kind, state, comment, detail FROM alert_events"
                      " WHERE alert_id = ? ORDER BY id",
                      err);
    if (!s) {
        json_decref(o);
        return -1;
    }
    sqlite3_bind_int64(s, 1, id);
    json_t *ev = json_array();
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *e = json_object();
        json_object_set_new(e, "at", col_json_str(s, 0));
        json_object_set_new(e, "user", col_json_str(s, 1));
        json_object_set_new(e, "kind", col_json_str(s, 2));
        json_object_set_new(e, "state", col_json_str(s, 3));
        json_object_set_new(e, "comment", col_json_str(s, 4));
        json_object_set_new(e, "detail", col_json(s, 5));
        json_array_append_new(ev, e);
    }
    sqlite3_finalize(s);
    json_object_set_new(o, "history", ev);
    *out = o;
    return 0;
}

size_t em_mdb_alerts_active(em_store *st, int64_t reg) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT count(*) FROM alerts WHERE register_id = ?"
                                    " AND state IN ('open', 'escalated', 'pending')",
                                    NULL);
    if (!s) return 0;
    sqlite3_bind_int64(s, 1, reg);
    size_t n = sqlite3_step(s) == SQLITE_ROW ? (size_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return n;
}

int em_mdb_record_json(em_store *st, int64_t reg, const char *rid, json_t **out, em_error *err) {
    *out = NULL;
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT revision, json, digest, at, change FROM"
                                    " register_revisions WHERE register_id = ? AND record_id = ?"
                                    " ORDER BY revision",
                                    err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    bind_text(s, 2, rid);
    json_t *revs = json_array(), *last = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *r = json_object();
        json_object_set_new(r, "revision", json_integer(sqlite3_column_int64(s, 0)));
        json_object_set_new(r, "record", col_json(s, 1));
        json_object_set_new(r, "at", col_json_str(s, 3));
        json_object_set_new(r, "change", col_json_str(s, 4));
        json_array_append_new(revs, r);
        last = r;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        json_decref(revs);
        return em_db_fail(st, err, "reading a record");
    }
    if (!last) {
        json_decref(revs);
        return em_fail(err, EM_ERR_NOTFOUND, "no record '%s' in this register", rid);
    }
    json_t *o = json_object();
    json_object_set(o, "record", json_object_get(last, "record"));
    json_object_set_new(
        o, "removed",
        json_boolean(!strcmp(json_string_value(json_object_get(last, "change")), "removed")));
    json_object_set_new(o, "revisions", revs);
    s = em_db_prepare(st,
                      "SELECT a.id, a.register_id, a.record_id, a.entity_id, a.source,"
                      " a.list_version, a.caption, a.schema, a.matched_name, a.score,"
                      " a.explanation, a.context, a.state, a.assignee, a.proposed_by,"
                      " a.record_facts, a.entity_facts, a.opened_at, a.updated_at"
                      " FROM alerts a WHERE a.register_id = ? AND a.record_id = ? ORDER BY a.id",
                      err);
    json_t *al = json_array();
    if (s) {
        sqlite3_bind_int64(s, 1, reg);
        bind_text(s, 2, rid);
        while (sqlite3_step(s) == SQLITE_ROW)
            json_array_append_new(al, alert_row_json(s, 0));
        sqlite3_finalize(s);
    }
    json_object_set_new(o, "alerts", al);
    *out = o;
    return 0;
}

/* ---- suppressions --------------------------------------------------------- */

int em_mdb_suppression_add(em_store *st, int64_t alert, const char *user, const char *comment,
                           const char *record_facts, const char *entity_facts, em_error *err) {
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *s = em_db_prepare(st,
                                    "INSERT INTO suppressions(alert_id, created_at, user, comment,"
                                    " record_facts, entity_facts) VALUES(?, ?, ?, ?, ?, ?)",
                                    err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, alert);
    bind_text(s, 2, now);
    bind_text(s, 3, user);
    bind_text(s, 4, comment);
    bind_text(s, 5, record_facts);
    bind_text(s, 6, entity_facts);
    return run(st, s, "writing a suppression", err);
}

int em_mdb_suppression_active(em_store *st, int64_t alert, int64_t *sid, char **record_facts,
                              char **entity_facts, em_error *err) {
    *sid = 0;
    sqlite3_stmt *s =
        em_db_prepare(st,
                      "SELECT id, record_facts, entity_facts FROM suppressions"
                      " WHERE alert_id = ? AND ended_at = '' ORDER BY id DESC LIMIT 1",
                      err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, alert);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *sid = sqlite3_column_int64(s, 0);
        if (record_facts) *record_facts = col_dup(s, 1);
        if (entity_facts) *entity_facts = col_dup(s, 2);
    }
    sqlite3_finalize(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0
                                                     : em_db_fail(st, err, "reading a suppression");
}

int em_mdb_suppression_end(em_store *st, int64_t sid, const char *user, const char *reason,
                           em_error *err) {
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *s = em_db_prepare(st,
                                    "UPDATE suppressions SET ended_at = ?, ended_by = ?,"
                                    " end_reason = ? WHERE id = ?",
                                    err);
    if (!s) return -1;
    bind_text(s, 1, now);
    bind_text(s, 2, user);
    bind_text(s, 3, reason);
    sqlite3_bind_int64(s, 4, sid);
    return run(st, s, "ending a suppression", err);
}

int em_mdb_suppression_get(em_store *st, int64_t sid, int64_t *alert, int *active, em_error *err) {
    *alert = 0;
    *active = 0;
    sqlite3_stmt *s =
        em_db_prepare(st, "SELECT alert_id, ended_at = '' FROM suppressions WHERE id = ?", err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, sid);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *alert = sqlite3_column_int64(s, 0);
        *active = sqlite3_column_int(s, 1);
    }
    sqlite3_finalize(s);
    return 0;
}

int em_mdb_suppressions_json(em_store *st, int64_t reg, int all, json_t **out, em_error *err) {
    *out = NULL;
    char *sql = em_xasprintf(
        "SELECT s.id, s.alert_id, r.name, a.record_id, a.entity_id, a.caption, s.created_at,"
        " s.user, s.comment, s.ended_at, s.ended_by, s.end_reason, s.record_facts, s.entity_facts"
        " FROM suppressions s JOIN alerts a ON a.id = s.alert_id"
        " JOIN registers r ON r.id = a.register_id WHERE (?1 = 0 OR a.register_id = ?1)%s"
        " ORDER BY s.id",
        all ? "" : " AND s.ended_at = ''");
    sqlite3_stmt *s = em_db_prepare(st, sql, err);
    free(sql);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    json_t *a = json_array();
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
        json_object_set_new(o, "alert", json_integer(sqlite3_column_int64(s, 1)));
        json_object_set_new(o, "register", col_json_str(s, 2));
        json_object_set_new(o, "record_id", col_json_str(s, 3));
        json_object_set_new(o, "entity_id", col_json_str(s, 4));
        json_object_set_new(o, "caption", col_json_str(s, 5));
        json_object_set_new(o, "since", col_json_str(s, 6));
        json_object_set_new(o, "by", col_json_str(s, 7));
        json_object_set_new(o, "comment", col_json_str(s, 8));
        const char *ended = (const char *)sqlite3_column_text(s, 9);
        json_object_set_new(o, "active", json_boolean(!ended || !*ended));
        json_object_set_new(o, "ended_at", col_json_str(s, 9));
        json_object_set_new(o, "ended_by", col_json_str(s, 10));
        json_object_set_new(o, "end_reason", col_json_str(s, 11));
        json_object_set_new(o, "record_facts", col_json(s, 12));
        json_object_set_new(o, "entity_facts", col_json(s, 13));
        json_array_append_new(a, o);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        json_decref(a);
        return em_db_fail(st, err, "listing the good-guy list");
    }
    *out = a;
    return 0;
}

/* ---- audit rows ------------------------------------------------------------ */

int em_mdb_audit_last(em_store *st, int64_t *seq, char hash[65], em_error *err) {
    *seq = 0;
    hash[0] = '\0';
    sqlite3_stmt *s =
        em_db_prepare(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", err);
    if (!s) return -1;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : em_db_fail(st, err, "reading the audit");
}

int em_mdb_audit_insert(em_store *st, const em_maudit *a, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(
        st,
        "INSERT INTO audit(seq, at, kind, user, payload, prev, hash) VALUES(?, ?, ?, ?, ?, ?, ?)",
        err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, a->seq);
    bind_text(s, 2, a->at);
    bind_text(s, 3, a->kind);
    bind_text(s, 4, a->user);
    bind_text(s, 5, a->payload);
    bind_text(s, 6, a->prev);
    bind_text(s, 7, a->hash);
    if (run(st, s, "appending to the audit", err) != 0) return -1;
    s = em_db_prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', ?)", err);
    if (!s) return -1;
    char *head = em_xasprintf("%lld:%s", (long long)a->seq, a->hash);
    bind_text(s, 1, head);
    free(head);
    return run(st, s, "moving the audit's head", err);
}

char *em_mdb_audit_head(em_store *st) {
    sqlite3_stmt *s = em_db_prepare(st, "SELECT value FROM meta WHERE key = 'audit_head'", NULL);
    if (!s) return em_xstrdup("");
    char *v = sqlite3_step(s) == SQLITE_ROW ? col_dup(s, 0) : em_xstrdup("");
    sqlite3_finalize(s);
    return v;
}

static void audit_row(sqlite3_stmt *s, em_maudit *a) {
    a->seq = sqlite3_column_int64(s, 0);
    a->at = (const char *)sqlite3_column_text(s, 1);
    a->kind = (const char *)sqlite3_column_text(s, 2);
    a->user = (const char *)sqlite3_column_text(s, 3);
    a->payload = (const char *)sqlite3_column_text(s, 4);
    a->prev = (const char *)sqlite3_column_text(s, 5);
    a->hash = (const char *)sqlite3_column_text(s, 6);
}

int em_mdb_audit_each(em_store *st, const char *from, const char *to,
                      int (*fn)(void *ctx, const em_maudit *a), void *ctx, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT seq, at, kind, user, payload, prev, hash FROM audit"
                                    " WHERE (?1 = '' OR at >= ?1) AND (?2 = '' OR at <= ?2)"
                                    " ORDER BY seq",
                                    err);
    if (!s) return -1;
    bind_text(s, 1, from);
    bind_text(s, 2, to);
    int step, rc = 0;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        em_maudit a;
        audit_row(s, &a);
        rc = fn(ctx, &a);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = em_db_fail(st, err, "reading the audit");
    sqlite3_finalize(s);
    return rc;
}

int em_mdb_audit_get(em_store *st, int64_t seq, em_maudit *out, em_error *err) {
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = em_db_prepare(
        st, "SELECT seq, at, kind, user, payload, prev, hash FROM audit WHERE seq = ?", err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, seq);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        em_maudit a;
        audit_row(s, &a);
        out->seq = a.seq;
        out->at = em_xstrdup(a.at);
        out->kind = em_xstrdup(a.kind);
        out->user = em_xstrdup(a.user);
        out->payload = em_xstrdup(a.payload);
        out->prev = em_xstrdup(a.prev);
        out->hash = em_xstrdup(a.hash);
    }
    sqlite3_finalize(s);
    if (step == SQLITE_DONE)
        return em_fail(err, EM_ERR_NOTFOUND,
                       "no audit entry %lld (embargo audit export lists them)", (long long)seq);
    return step == SQLITE_ROW ? 0 : em_db_fail(st, err, "reading the audit");
}

void em_maudit_clear(em_maudit *a) {
    free((char *)a->at), free((char *)a->kind), free((char *)a->user);
    free((char *)a->payload), free((char *)a->prev), free((char *)a->hash);
    memset(a, 0, sizeof *a);
}

/* ---- webhook outbox --------------------------------------------------------- */

int em_mdb_outbox_add(em_store *st, int64_t reg, const char *body, em_error *err) {
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *s = em_db_prepare(
        st, "INSERT INTO webhook_outbox(register_id, created_at, body, next_at) VALUES(?, ?, ?, ?)",
        err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, reg);
    bind_text(s, 2, now);
    bind_text(s, 3, body);
    bind_text(s, 4, now);
    return run(st, s, "queuing a webhook", err);
}

int em_mdb_outbox_due(em_store *st, const char *now, em_moutbox **out, size_t *n, size_t max,
                      em_error *err) {
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT id, register_id, attempts, body FROM webhook_outbox"
                                    " WHERE delivered_at = '' AND next_at <= ? ORDER BY id LIMIT ?",
                                    err);
    if (!s) return -1;
    bind_text(s, 1, now);
    sqlite3_bind_int64(s, 2, (int64_t)max);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        *out = em_xrealloc(*out, (*n + 1) * sizeof **out);
        em_moutbox *o = &(*out)[(*n)++];
        o->id = sqlite3_column_int64(s, 0);
        o->reg = sqlite3_column_int64(s, 1);
        o->attempts = sqlite3_column_int(s, 2);
        o->body = col_dup(s, 3);
    }
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : em_db_fail(st, err, "reading the webhook outbox");
}

int em_mdb_outbox_done(em_store *st, int64_t id, int delivered, const char *error,
                       const char *next_at, em_error *err) {
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *s = em_db_prepare(st,
                                    "UPDATE webhook_outbox SET attempts = attempts + 1,"
                                    " delivered_at = ?, last_error = ?, next_at = ? WHERE id = ?",
                                    err);
    if (!s) return -1;
    bind_text(s, 1, delivered ? now : "");
    bind_text(s, 2, error);
    bind_text(s, 3, next_at);
    sqlite3_bind_int64(s, 4, id);
    return run(st, s, "updating the webhook outbox", err);
}
