/*
 * store_internal.h - the store handle shared by the store's files:
 * store.c (open, schema, versions, entities), import.c, diff.c, lookup.c.
 */
#ifndef EM_STORE_INTERNAL_H
#define EM_STORE_INTERNAL_H

#include <sqlite3.h>

#include "embargo.h"
#include "model/entity.h"
#include "text/normalize.h"

struct em_store {
    sqlite3 *db;
    char *home;
    char *db_path;
    unsigned flags;
    em_normalizer *norm; /* lazily created; not shared between threads */
};

/* sqlite helpers: each sets err with the statement's context on failure */
int em_db_exec(em_store *st, const char *sql, em_error *err);
sqlite3_stmt *em_db_prepare(em_store *st, const char *sql, em_error *err);
int em_db_fail(em_store *st, em_error *err, const char *what);
/* Makes `version` the only active version of `source` (inside a transaction). */
int em_db_set_active(em_store *st, const char *source, int64_t version, em_error *err);
em_normalizer *em_store_normalizer(em_store *st, em_error *err);

/* Current UTC time as ISO 8601 ("2026-11-28T10:00:00Z"). */
void em_now_iso(char out[32]);
/* The history of every entity of the versions `where` selects (an SQL condition on
   `versions v`), read before they are streamed (history.c). */
typedef struct em_history_bulk em_history_bulk;
int em_history_bulk_new(em_store *st, const char *where, em_history_bulk **out, em_error *err);
/* The history of entity `id` of version `version` (all zero when unknown). */
void em_history_bulk_get(const em_history_bulk *hb, const char *id, int64_t version,
                         em_entity_history *h);
void em_history_bulk_free(em_history_bulk *hb);
/* Loads an entity JSON of a given version (0 = active version of any source). */
int em_store_load_json(em_store *st, const char *id, int64_t version, char **json,
                       int64_t *found_version, em_error *err);

#endif
