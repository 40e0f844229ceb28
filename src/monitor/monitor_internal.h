/*
 * monitor_internal.h - what the monitor's files share: the handle, the
 * policy constants of delta re-screening, and the functions each file
 * offers the others (register_import.c, rescreen.c, alerts.c, audit.c,
 * webhook.c; the orchestration and the design note are in monitor.c).
 */
#ifndef EM_MONITOR_MONITOR_INTERNAL_H
#define EM_MONITOR_MONITOR_INTERNAL_H

#include <jansson.h>
#include <pthread.h>

#include "embargo.h"
#include "store/monitor_db.h"

/* ---- the policy of re-screening (the reasons: monitor.c's design note) ---- */
/* results kept per record screened: every listed party over the threshold is an
   alert, so this is well above what one name matches (a common name in Arabic
   script meets 35 listed parties at 0.70 on the OFAC SDN list) */
#define EM_MONITOR_RESULTS 100
/* A list change moves the token weights (IDF) of every name a little, so a score
   near the threshold may cross it without its record or its listed entity having
   changed. How far it can move is bounded (match/drift.c) per stored score, from
   the tokens of both sides: a record is screened again when a stored score lies
   within that bound of the threshold. A screen keeps the results down to
   EM_MONITOR_BAND below the threshold for this; a token whose weight moved so much
   that a score from further away could cross (a rare name gaining a namesake)
   makes the delta search with it instead (rescreen.c). */
#define EM_MONITOR_BAND 0.10
/* a listed entity against a register's index: everything down to this score, up
   to this many records (and as many names aligned, not the matcher's usual best
   few: a listed name has many near namesakes in a large register), is a candidate
   (then screened the usual way) */
#define EM_MONITOR_REVERSE_CUTOFF 0.15
#define EM_MONITOR_REVERSE_LIMIT 5000
/* a score that moves by less than this is updated without an event */
#define EM_MONITOR_SCORE_NOTE 0.005
/* a list change touching more than this share of a list's entities, or a list
   added or dropped, re-screens the whole register */
#define EM_MONITOR_FULL_SHARE 0.05

struct em_monitor {
    em_engine *engine;
    em_store *st; /* writes */
    em_store *rd; /* reads that stream while st writes */
    pthread_mutex_t lock;
    int four_eyes;
    unsigned threads;
    void (*progress)(void *ctx, const char *phase, size_t done, size_t total);
    void *progress_ctx;
    char regname[256]; /* the report's register_name */
};

void em_monitor_progress(em_monitor *m, const char *phase, size_t done, size_t total);
/* "src=ver,src=ver" of the engine's current lists; lists (may be NULL) as JSON array */
char *em_monitor_lists_stamp(em_monitor *m, json_t **lists, em_error *err);

/* rescreen.c: screens records (all when rids is NULL) against the active lists and
   reconciles their alerts; `changes` (may be NULL) maps entity id -> what changed
   that is not material, for the context notes */
int em_rescreen(em_monitor *m, const em_mreg *reg, const em_strvec *rids, json_t *changes,
                em_monitor_report *rep, em_error *err);
/* the delta of a register from its last screen to the current lists */
int em_rescreen_delta(em_monitor *m, em_mreg *reg, em_monitor_report *rep, em_error *err);
/* (re)builds the register's index of names when its records changed */
int em_register_index(em_monitor *m, em_mreg *reg, em_engine **out, em_error *err);
/* closes the alerts of a removed record */
int em_rescreen_record_removed(em_monitor *m, const em_mreg *reg, const char *rid,
                               em_monitor_report *rep, em_error *err);

/* audit.c: appends an entry (inside the caller's transaction when in_tx) */
int em_audit_append(em_monitor *m, const char *kind, const char *user, json_t *payload, int in_tx,
                    int64_t *seq, em_error *err);
/* the payload of a screening: query, options, lists, versions, results */
json_t *em_audit_screening_payload(const em_party *p, const em_screen_options *o,
                                   const em_results *res);

/* the party's facts in the record's canonical form (record.h) */
json_t *em_party_facts(const em_party *p);

/* webhook.c: queues an alert event for the register's webhook (when it has one) */
int em_webhook_queue(em_monitor *m, const em_mreg *reg, const char *event, const em_malert *a,
                     em_monitor_report *rep, em_error *err);

#endif
