/*
 * monitor_db.h - the store's interface for monitoring (src/monitor): the
 * registers and their records with every revision, alerts and their events,
 * good-guy suppressions, the audit chain's rows and the webhook outbox. All
 * SQL of monitoring lives in monitor_db.c behind these calls, so that another
 * back end (PostgreSQL shared by several nodes) can take their place without
 * touching the monitoring logic. The tables are in the store's one schema
 * (store.c).
 */
#ifndef EM_STORE_MONITOR_DB_H
#define EM_STORE_MONITOR_DB_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "embargo.h"

/* Current UTC time as ISO 8601 (the store's clock, store.c). */
void em_now_iso(char out[32]);

/* How long a monitoring write (an audit entry, an alert) waits for the store's write
   lock, in ms. An import holds it for its whole transaction (store/import.c: a list is
   streamed into its new version inside it), seconds on the official lists and minutes
   at a million entities on a loaded machine; a screening whose audit entry cannot be
   written is not answered, so it waits for the import's commit rather than fail at the
   connection's default 10 s. */
#define EM_MDB_WRITE_WAIT_MS 300000
void em_mdb_set_write_wait(em_store *st, int ms);

/* transactions: begin takes the write lock at once (BEGIN IMMEDIATE) */
int em_mdb_begin(em_store *st, em_error *err);
int em_mdb_commit(em_store *st, em_error *err);
void em_mdb_rollback(em_store *st);

typedef struct em_mreg {
    int64_t id;
    char *name, *screened, *screened_at, *index_stamp, *webhook_url, *webhook_secret;
} em_mreg;
void em_mreg_free(em_mreg *r);
/* The register `name`; created when create is set, else EM_ERR_NOTFOUND. */
int em_mdb_register(em_store *st, const char *name, int create, em_mreg *out, em_error *err);
/* Writes screened, screened_at, index_stamp, webhook_url and webhook_secret. */
int em_mdb_register_update(em_store *st, const em_mreg *r, em_error *err);
int em_mdb_register_names(em_store *st, em_strvec *out, em_error *err);
int em_mdb_registers_json(em_store *st, json_t **out, em_error *err);

/* ---- records ---- */
/* The current record (*rec NULL when absent or removed); *revision may be NULL. */
int em_mdb_record_get(em_store *st, int64_t reg, const char *rid, json_t **rec, char digest[65],
                      em_error *err);
/* Writes a new revision of the record; change says why ("added", "changed", "restored"). */
int em_mdb_record_put(em_store *st, int64_t reg, const char *rid, json_t *rec, const char *digest,
                      const char *change, em_error *err);
int em_mdb_record_remove(em_store *st, int64_t reg, const char *rid, em_error *err);
int em_mdb_record_ids(em_store *st, int64_t reg, em_strvec *out, em_error *err);
size_t em_mdb_record_count(em_store *st, int64_t reg);
/* A cursor over the current records in id order (use a connection of its own
   when writing meanwhile): next gives 1 with *rid (caller frees) and *rec (a new
   reference), 0 at the end, -1 on error. */
typedef struct em_mdb_cursor em_mdb_cursor;
em_mdb_cursor *em_mdb_records_open(em_store *st, int64_t reg, em_error *err);
int em_mdb_records_next(em_mdb_cursor *c, char **rid, json_t **rec, em_error *err);
void em_mdb_records_close(em_mdb_cursor *c);
/* Writes a record's best score below the threshold and its results near it
   (`near`: JSON [[entity id, score], ...], '' when not known). */
int em_mdb_record_set_near(em_store *st, int64_t reg, const char *rid, double best_below,
                           const char *near, em_error *err);
/* Calls fn for every current record whose best score below the threshold is
   above 0, with that score and its near results; and for every record holding
   an alert of any state with -1 and '' (both sets are small next to a large
   register). */
int em_mdb_records_scored(em_store *st, int64_t reg,
                          void (*fn)(void *ctx, const char *rid, double best_below,
                                     const char *near),
                          void *ctx, em_error *err);
/* {record, revisions: [...], alerts: [...]} */
int em_mdb_record_json(em_store *st, int64_t reg, const char *rid, json_t **out, em_error *err);

/* ---- alerts ---- */
typedef struct em_malert {
    int64_t id, reg, list_version;
    double score;
    char *record_id, *entity_id, *source, *caption, *schema, *matched_name;
    char *explanation, *context, *state, *assignee, *proposed_by, *record_facts, *entity_facts;
    char *opened_at, *updated_at;
} em_malert;
void em_malert_free(em_malert *a);
int em_mdb_alert_get(em_store *st, int64_t id, em_malert *out, em_error *err);
/* *found = 0 when there is no alert for the pair */
int em_mdb_alert_find(em_store *st, int64_t reg, const char *rid, const char *eid, em_malert *out,
                      int *found, em_error *err);
int em_mdb_alert_insert(em_store *st, em_malert *a, em_error *err); /* sets a->id */
int em_mdb_alert_update(em_store *st, const em_malert *a, em_error *err);
/* every alert of a record (any state) */
int em_mdb_alerts_of_record(em_store *st, int64_t reg, const char *rid, em_malert **out, size_t *n,
                            em_error *err);
/* the records with an alert on entity eid that is not closed */
int em_mdb_alert_records_of_entity(em_store *st, int64_t reg, const char *eid, em_strvec *out,
                                   em_error *err);
/* alerts on entity eid that are not closed */
int em_mdb_alerts_of_entity(em_store *st, int64_t reg, const char *eid, em_malert **out, size_t *n,
                            em_error *err);
/* Calls fn for every alert that is not closed and scores below max. */
int em_mdb_alert_scores(em_store *st, int64_t reg, double max,
                        void (*fn)(void *ctx, const char *rid, const char *entity, double score),
                        void *ctx, em_error *err);
int em_mdb_alert_event(em_store *st, int64_t alert, const char *user, const char *kind,
                       const char *state, const char *comment, const char *detail, em_error *err);
int em_mdb_alerts_json(em_store *st, const em_alert_filter *f, json_t **out, em_error *err);
/* the alert with its events (no record or entity) */
int em_mdb_alert_json(em_store *st, int64_t id, json_t **out, em_error *err);
size_t em_mdb_alerts_active(em_store *st, int64_t reg);

/* ---- the good-guy list ---- */
int em_mdb_suppression_add(em_store *st, int64_t alert, const char *user, const char *comment,
                           const char *record_facts, const char *entity_facts, em_error *err);
/* the alert's active suppression: *sid 0 when none; facts (may be NULL) caller frees */
int em_mdb_suppression_active(em_store *st, int64_t alert, int64_t *sid, char **record_facts,
                              char **entity_facts, em_error *err);
int em_mdb_suppression_end(em_store *st, int64_t sid, const char *user, const char *reason,
                           em_error *err);
/* *alert 0 when there is no such suppression; *active whether it still holds */
int em_mdb_suppression_get(em_store *st, int64_t sid, int64_t *alert, int *active, em_error *err);
int em_mdb_suppressions_json(em_store *st, int64_t reg, int all, json_t **out, em_error *err);

/* ---- the audit chain's rows (the chain itself: monitor/audit.c) ---- */
typedef struct em_maudit {
    int64_t seq;
    const char *at, *kind, *user, *payload, *prev, *hash;
} em_maudit;
/* the last entry's seq and hash (0 and "" for an empty chain) */
int em_mdb_audit_last(em_store *st, int64_t *seq, char hash[65], em_error *err);
/* appends a row and moves the chain's head (meta 'audit_head' = "seq:hash") with it */
int em_mdb_audit_insert(em_store *st, const em_maudit *a, em_error *err);
/* the recorded head ("" when none; caller frees) */
char *em_mdb_audit_head(em_store *st);
/* Calls fn for entries in seq order with at within [from, to] (NULL = open). */
int em_mdb_audit_each(em_store *st, const char *from, const char *to,
                      int (*fn)(void *ctx, const em_maudit *a), void *ctx, em_error *err);
/* one entry; the strings are the caller's to free (struct fields cast) */
int em_mdb_audit_get(em_store *st, int64_t seq, em_maudit *out, em_error *err);
void em_maudit_clear(em_maudit *a);

/* ---- webhook outbox ---- */
int em_mdb_outbox_add(em_store *st, int64_t reg, const char *body, em_error *err);
typedef struct em_moutbox {
    int64_t id, reg;
    int attempts;
    char *body;
} em_moutbox;
/* deliveries due at `now` (not delivered, next_at <= now), at most max */
int em_mdb_outbox_due(em_store *st, const char *now, em_moutbox **out, size_t *n, size_t max,
                      em_error *err);
int em_mdb_outbox_done(em_store *st, int64_t id, int delivered, const char *error,
                       const char *next_at, em_error *err);

#endif
