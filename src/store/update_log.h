/*
 * update_log.h - the store's side of `embargo update` (update_log.c): the
 * update_log table (one row per attempt), what the updater needs to know
 * about the store before an attempt (writable? which version is active?
 * which validators may it send?), and the status read back from the log.
 * The updater (src/update/) reaches the store through this header and the
 * public import API only; the status is public (em_store_update_status).
 */
#ifndef EM_STORE_UPDATE_LOG_H
#define EM_STORE_UPDATE_LOG_H

#include <stdint.h>

#include "embargo.h"

/* One attempt of one source, as written to the log. */
typedef struct em_update_log_entry {
    const char *source;
    const char *started_at, *finished_at; /* ISO 8601 UTC (em_update_log_now) */
    em_update_outcome outcome;
    long http_status;
    int64_t bytes;
    const char *sha256, *etag, *last_modified, *urls, *error; /* NULL = "" */
    int64_t version_id;
} em_update_log_entry;

/* Appends an attempt, keeping the log bounded per source (the last success,
   which holds the validators, is always kept). */
int em_update_log_record(em_store *st, const em_update_log_entry *e, em_error *err);

/* The validators ('\n'-separated, one line per URL) of the last success of
   `source`, when it produced the version `active` from these `urls` (also
   '\n'-separated); else *etag and *lm are NULL. Caller frees. */
void em_update_log_validators(em_store *st, const char *source, int64_t active, const char *urls,
                              char **etag, char **lm);

/* The active version of `source`, 0 when none (or unreadable). */
int64_t em_update_log_active_version(em_store *st, const char *source);

/* Fails with EM_ERR_USAGE when the store is open read-only (an update
   could not record anything). */
int em_update_log_writable(em_store *st, em_error *err);

/* The current UTC time in the log's format ("2026-11-28T10:00:00Z"). */
void em_update_log_now(char out[32]);

#endif
