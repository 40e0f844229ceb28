/*
 * store.c - the versioned list store on SQLite: opening a home, the schema,
 * listing and activating versions, loading entities.
 *
 * Layout: every import of a source makes a row in `versions`; the entities of
 * a version are rows of `version_entities` pointing at content-addressed JSON
 * in `blobs` (an unchanged entity costs one small row per version, so old
 * versions are cheap to keep). At most one version per source is active. Name
 * search works on the matcher's snapshot of the active versions (src/match/).
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/paths.h"
#include "store/store_read.h"
#include "store/store_internal.h"

#define SCHEMA_VERSION "1"

static const char *SCHEMA_SQL =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS versions("
    "  id INTEGER PRIMARY KEY, source TEXT NOT NULL, format TEXT NOT NULL,"
    "  published TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL, files TEXT NOT NULL,"
    "  entities INTEGER NOT NULL, persons INTEGER NOT NULL, organizations INTEGER NOT NULL,"
    "  vessels INTEGER NOT NULL, aircraft INTEGER NOT NULL, others INTEGER NOT NULL,"
    "  names INTEGER NOT NULL, imported_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX IF NOT EXISTS versions_one_active ON versions(source) WHERE active = 1;"
    "CREATE TABLE IF NOT EXISTS version_files("
    "  version_id INTEGER NOT NULL REFERENCES versions(id), name TEXT NOT NULL,"
    "  role TEXT NOT NULL, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS blobs(digest TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS version_entities("
    "  version_id INTEGER NOT NULL, entity_id TEXT NOT NULL, schema TEXT NOT NULL,"
    "  caption TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY(version_id, entity_id))"
    "  WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS version_entities_id ON version_entities(entity_id);"
    /* name_keys held exact-lookup keys before the matcher's snapshot replaced them */
    "DROP TABLE IF EXISTS name_keys;"
    /* one row per `embargo update` attempt of a source (see update.c) */
    "CREATE TABLE IF NOT EXISTS update_log("
    "  id INTEGER PRIMARY KEY, source TEXT NOT NULL, started_at TEXT NOT NULL,"
    "  finished_at TEXT NOT NULL, outcome TEXT NOT NULL, http_status INTEGER NOT NULL DEFAULT 0,"
    "  bytes INTEGER NOT NULL DEFAULT 0, sha256 TEXT NOT NULL DEFAULT '',"
    "  etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',"
    "  version_id INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',"
    "  urls TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS update_log_source ON update_log(source, id);"
    /* monitoring (src/monitor, SQL in monitor_db.c): the user's registers of records,
       their alerts with every event, the good-guy list, the audit chain, the webhook outbox */
    "CREATE TABLE IF NOT EXISTS registers("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,"
    "  screened TEXT NOT NULL DEFAULT '', screened_at TEXT NOT NULL DEFAULT '',"
    "  index_stamp TEXT NOT NULL DEFAULT '',"
    "  webhook_url TEXT NOT NULL DEFAULT '', webhook_secret TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE IF NOT EXISTS register_records("
    "  register_id INTEGER NOT NULL, record_id TEXT NOT NULL, revision INTEGER NOT NULL,"
    "  digest TEXT NOT NULL, json TEXT NOT NULL, removed INTEGER NOT NULL DEFAULT 0,"
    "  updated_at TEXT NOT NULL, best_below REAL NOT NULL DEFAULT 0,"
    "  near TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY(register_id, record_id)) WITHOUT ROWID;"
    /* a delta reads the few records near the threshold and counts the live ones
       without scanning a large register */
    "CREATE INDEX IF NOT EXISTS register_records_near ON register_records(register_id,"
    "  best_below) WHERE best_below > 0;"
    "CREATE INDEX IF NOT EXISTS register_records_live ON register_records(register_id, removed);"
    "CREATE TABLE IF NOT EXISTS register_revisions("
    "  register_id INTEGER NOT NULL, record_id TEXT NOT NULL, revision INTEGER NOT NULL,"
    "  json TEXT NOT NULL, digest TEXT NOT NULL, at TEXT NOT NULL, change TEXT NOT NULL,"
    "  PRIMARY KEY(register_id, record_id, revision)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS alerts("
    "  id INTEGER PRIMARY KEY, register_id INTEGER NOT NULL, record_id TEXT NOT NULL,"
    "  entity_id TEXT NOT NULL, source TEXT NOT NULL, list_version INTEGER NOT NULL,"
    "  caption TEXT NOT NULL, schema TEXT NOT NULL, matched_name TEXT NOT NULL,"
    "  score REAL NOT NULL, explanation TEXT NOT NULL, context TEXT NOT NULL,"
    "  state TEXT NOT NULL, assignee TEXT NOT NULL DEFAULT '',"
    "  proposed_by TEXT NOT NULL DEFAULT '', record_facts TEXT NOT NULL,"
    "  entity_facts TEXT NOT NULL, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    "  UNIQUE(register_id, record_id, entity_id));"
    "CREATE INDEX IF NOT EXISTS alerts_entity ON alerts(register_id, entity_id);"
    "CREATE INDEX IF NOT EXISTS alerts_state ON alerts(state, register_id);"
    "CREATE TABLE IF NOT EXISTS alert_events("
    "  id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL, at TEXT NOT NULL,"
    "  user TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,"
    "  comment TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}');"
    "CREATE INDEX IF NOT EXISTS alert_events_alert ON alert_events(alert_id, id);"
    "CREATE TABLE IF NOT EXISTS suppressions("
    "  id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL, created_at TEXT NOT NULL,"
    "  user TEXT NOT NULL, comment TEXT NOT NULL, record_facts TEXT NOT NULL,"
    "  entity_facts TEXT NOT NULL, ended_at TEXT NOT NULL DEFAULT '',"
    "  ended_by TEXT NOT NULL DEFAULT '', end_reason TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS suppressions_alert ON suppressions(alert_id);"
    "CREATE TABLE IF NOT EXISTS audit("
    "  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, user TEXT NOT NULL,"
    "  payload TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS webhook_outbox("
    "  id INTEGER PRIMARY KEY, register_id INTEGER NOT NULL, created_at TEXT NOT NULL,"
    "  body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL,"
    "  delivered_at TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '');";

int em_db_fail(em_store *st, em_error *err, const char *what) {
    return em_fail(err, EM_ERR_STORE, "store %s: %s: %s", st->db_path, what,
                   sqlite3_errmsg(st->db));
}

int em_db_exec(em_store *st, const char *sql, em_error *err) {
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        em_fail(err, EM_ERR_STORE, "store %s: %s", st->db_path, msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

sqlite3_stmt *em_db_prepare(em_store *st, const char *sql, em_error *err) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        em_db_fail(st, err, "preparing a statement");
        return NULL;
    }
    return s;
}

em_normalizer *em_store_normalizer(em_store *st, em_error *err) {
    if (!st->norm) st->norm = em_normalizer_new(err);
    return st->norm;
}

void em_now_iso(char out[32]) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Seeding a new home is one atomic step: the bundled lists are imported into
 * a private temporary database, which is then linked into place as
 * embargo.db. A seed that is killed half-way leaves only the temporary file
 * (removed by the next seed), never a store without lists; when two processes
 * seed at once, link() lets exactly one win and the other uses its store.
 */
static int seed_home(const char *home, const char *db_path, em_error *err) {
    char *tmp = em_xasprintf("%s/.embargo.db.seed-%ld", home, (long)getpid());
    unlink(tmp);
    em_store *ts = NULL;
    int rc = em_store_open(&ts, home, EM_STORE_NO_SEED | EM_STORE_SEEDING, err);
    if (rc == 0) {
        /* em_store_open with EM_STORE_SEEDING opened the temporary file */
        em_import_report *r = NULL;
        rc = em_store_import_bundled(ts, &r, err);
        em_import_report_free(r);
        if (rc == 0) rc = em_db_exec(ts, "PRAGMA wal_checkpoint(TRUNCATE)", err);
        em_store_close(ts);
        if (rc != 0) em_fail_prefix(err, "seeding the new home %s from the bundled lists: ", home);
    }
    if (rc == 0 && link(tmp, db_path) != 0 && errno != EEXIST)
        rc = em_fail(err, EM_ERR_IO, "cannot put the seeded store in place as %s: %s", db_path,
                     strerror(errno));
    char *side = em_xasprintf("%s-wal", tmp);
    unlink(side);
    free(side);
    side = em_xasprintf("%s-shm", tmp);
    unlink(side);
    free(side);
    unlink(tmp);
    free(tmp);
    return rc;
}

/* Leftover temporary seeds of processes that were killed (not our own). */
static void remove_stale_seeds(const char *home) {
    DIR *d = opendir(home);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid = 0;
        if (strncmp(de->d_name, ".embargo.db.seed-", 17) != 0) continue;
        pid = strtol(de->d_name + 17, NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) continue; /* still seeding */
        char *p = em_xasprintf("%s/%s", home, de->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
}

/* Columns added to a table after homes with it existed: added in place (each
   defaults to what a home without it meant). */
static const struct {
    const char *table, *column, *sql;
} ADDED_COLUMNS[] = {
    /* the results near the threshold of a record's last screen (rescreen.c); ''
       = not known, which a delta treats with its widest band */
    {"register_records", "near",
     "ALTER TABLE register_records ADD COLUMN near TEXT NOT NULL DEFAULT ''"},
};

static int migrate(em_store *st, em_error *err) {
    for (size_t i = 0; i < sizeof ADDED_COLUMNS / sizeof *ADDED_COLUMNS; i++) {
        char *q = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q",
                                  ADDED_COLUMNS[i].table, ADDED_COLUMNS[i].column);
        sqlite3_stmt *s = NULL;
        int have = sqlite3_prepare_v2(st->db, q, -1, &s, NULL) == SQLITE_OK &&
                   sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
        sqlite3_free(q);
        if (!have && em_db_exec(st, ADDED_COLUMNS[i].sql, err) != 0) return -1;
    }
    return 0;
}

int em_store_open(em_store **out, const char *home, unsigned flags, em_error *err) {
    *out = NULL;
    em_store *st = em_xcalloc(1, sizeof *st);
    st->home = home ? em_xstrdup(home) : em_default_home();
    st->flags = flags;
    st->db_path = (flags & EM_STORE_SEEDING)
                      ? em_xasprintf("%s/.embargo.db.seed-%ld", st->home, (long)getpid())
                      : em_xasprintf("%s/embargo.db", st->home);
    if (!(flags & EM_STORE_READONLY) && em_mkdir_p(st->home, err) != 0) {
        em_fail_prefix(err, "cannot use home directory (set --home or EMBARGO_HOME): ");
        em_store_close(st);
        return -1;
    }
    struct stat sb;
    /* a 0-byte file is what an interrupted creation leaves: as good as none */
    int fresh = stat(st->db_path, &sb) != 0 || sb.st_size == 0;
    if (fresh && !(flags & (EM_STORE_READONLY | EM_STORE_NO_SEED))) {
        remove_stale_seeds(st->home);
        if (stat(st->db_path, &sb) == 0 && sb.st_size == 0) unlink(st->db_path);
        if (seed_home(st->home, st->db_path, err) != 0) {
            em_store_close(st);
            return -1;
        }
        fresh = 0;
    }
    if (fresh && (flags & EM_STORE_READONLY)) {
        em_fail(err, EM_ERR_NOTFOUND, "no store at %s; run `embargo import` first", st->db_path);
        em_store_close(st);
        return -1;
    }
    int oflags = (flags & EM_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(st->db_path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        em_db_fail(st, err, "cannot open");
        em_store_close(st);
        return -1;
    }
    sqlite3_busy_timeout(st->db, 10000);
    if (!(flags & EM_STORE_READONLY)) {
        if (em_db_exec(st,
                       "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                       " PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;",
                       err) != 0 ||
            em_db_exec(st, SCHEMA_SQL, err) != 0 || migrate(st, err) != 0 ||
            em_db_exec(
                st,
                "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '" SCHEMA_VERSION
                "');",
                err) != 0) {
            em_store_close(st);
            return -1;
        }
    }
    *out = st;
    return 0;
}

void em_store_release_memory(em_store *st) {
    if (st && st->db) sqlite3_db_release_memory(st->db);
}

void em_store_set_cache_kib(em_store *st, int kib) {
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", kib > 0 ? kib : 2048);
    if (st && st->db) sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int em_store_require_lists(em_store *st, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st, "SELECT count(*) FROM versions WHERE active = 1", err);
    if (!s) return -1;
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (n < 0) return em_db_fail(st, err, "counting the active lists");
    if (n == 0)
        return em_fail(err, EM_ERR_NOTFOUND,
                       "the home %s holds no active list, so nothing can be screened; run "
                       "`embargo import --bundled` (the lists shipped with embargo), `embargo "
                       "update` (the publishers' current lists) or `embargo import FILE`",
                       st->home);
    return 0;
}

void em_store_close(em_store *st) {
    if (!st) return;
    if (st->db) sqlite3_close(st->db);
    em_normalizer_free(st->norm);
    free(st->home);
    free(st->db_path);
    free(st);
}

const char *em_store_home(const em_store *st) {
    return st->home;
}

/* ---- versions ----------------------------------------------------------- */

struct em_version_list {
    em_version_info *items;
    size_t len;
};

static char *col_dup(sqlite3_stmt *s, int i) {
    const unsigned char *t = sqlite3_column_text(s, i);
    return em_xstrdup(t ? (const char *)t : "");
}

int em_store_versions(em_store *st, const char *source, em_version_list **out, em_error *err) {
    *out = NULL;
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT id, source, format, published, imported_at, sha256, files, entities, persons,"
        " organizations, vessels, aircraft, others, names, active FROM versions"
        " WHERE ?1 IS NULL OR source = ?1 ORDER BY source, active DESC, id DESC",
        err);
    if (!s) return -1;
    if (source) sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    em_version_list *l = em_xcalloc(1, sizeof *l);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        l->items = em_vec_grow_(l->items, &cap, l->len, 1, sizeof *l->items);
        em_version_info *v = &l->items[l->len++];
        v->id = sqlite3_column_int64(s, 0);
        v->source = col_dup(s, 1);
        v->format = col_dup(s, 2);
        v->published = col_dup(s, 3);
        v->imported_at = col_dup(s, 4);
        v->sha256 = col_dup(s, 5);
        v->files = col_dup(s, 6);
        v->entities = (size_t)sqlite3_column_int64(s, 7);
        v->persons = (size_t)sqlite3_column_int64(s, 8);
        v->organizations = (size_t)sqlite3_column_int64(s, 9);
        v->vessels = (size_t)sqlite3_column_int64(s, 10);
        v->aircraft = (size_t)sqlite3_column_int64(s, 11);
        v->others = (size_t)sqlite3_column_int64(s, 12);
        v->names = (size_t)sqlite3_column_int64(s, 13);
        v->active = sqlite3_column_int(s, 14);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        em_version_list_free(l);
        return em_db_fail(st, err, "listing versions");
    }
    *out = l;
    return 0;
}

size_t em_version_list_count(const em_version_list *l) {
    return l ? l->len : 0;
}

const em_version_info *em_version_list_get(const em_version_list *l, size_t i) {
    return l && i < l->len ? &l->items[i] : NULL;
}

void em_version_list_free(em_version_list *l) {
    if (!l) return;
    for (size_t i = 0; i < l->len; i++) {
        em_version_info *v = &l->items[i];
        free((char *)v->source), free((char *)v->format), free((char *)v->published);
        free((char *)v->imported_at), free((char *)v->sha256), free((char *)v->files);
    }
    free(l->items);
    free(l);
}

int em_db_set_active(em_store *st, const char *source, int64_t version, em_error *err) {
    /* two steps: the unique index on active versions is checked row by row */
    static const char *SQL[2] = {
        "UPDATE versions SET active = 0 WHERE source = ?2 AND active = 1 AND id <> ?1",
        "UPDATE versions SET active = 1 WHERE id = ?1 AND source = ?2"};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *u = em_db_prepare(st, SQL[i], err);
        if (!u) return -1;
        sqlite3_bind_int64(u, 1, version);
        sqlite3_bind_text(u, 2, source, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(u);
        sqlite3_finalize(u);
        if (rc != SQLITE_DONE) return em_db_fail(st, err, "activating a version");
    }
    return 0;
}

int em_store_activate(em_store *st, int64_t version, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st, "SELECT source FROM versions WHERE id = ?", err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, version);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return em_fail(err, EM_ERR_NOTFOUND, "no version %lld; see `embargo lists`",
                       (long long)version);
    }
    char *source = col_dup(s, 0);
    sqlite3_finalize(s);
    int rc = em_db_exec(st, "BEGIN IMMEDIATE", err);
    if (rc == 0) {
        rc = em_db_set_active(st, source, version, err);
        em_db_exec(st, rc == 0 ? "COMMIT" : "ROLLBACK", rc == 0 ? err : NULL);
    }
    free(source);
    return rc;
}

/* ---- entities ----------------------------------------------------------- */

int em_store_load_json(em_store *st, const char *id, int64_t version, char **json,
                       int64_t *found_version, em_error *err) {
    *json = NULL;
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT b.json, ve.version_id FROM version_entities ve"
        " JOIN blobs b ON b.digest = ve.digest JOIN versions v ON v.id = ve.version_id"
        " WHERE ve.entity_id = ?1 AND ((?2 = 0 AND v.active = 1) OR v.id = ?2)"
        " ORDER BY v.id DESC LIMIT 1",
        err);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, version);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *json = col_dup(s, 0);
        if (found_version) *found_version = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW) return 0;
    if (rc != SQLITE_DONE) return em_db_fail(st, err, "loading an entity");
    if (version)
        return em_fail(err, EM_ERR_NOTFOUND, "no entity %s in version %lld", id,
                       (long long)version);
    return em_fail(err, EM_ERR_NOTFOUND,
                   "no entity %s in the active lists (ids look like ofac-12111 or un-6908555)", id);
}

int em_store_entity(em_store *st, const char *id, int64_t version, em_entity **out, em_error *err) {
    *out = NULL;
    char *text = NULL;
    if (em_store_load_json(st, id, version, &text, NULL, err) != 0) return -1;
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    free(text);
    if (!j)
        return em_fail(err, EM_ERR_STORE, "stored entity %s is not valid JSON: %s", id, je.text);
    *out = em_entity_from_json(j, err);
    json_decref(j);
    return *out ? 0 : -1;
}
