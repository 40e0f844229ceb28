/*
 * monitor.c - continuous monitoring of the user's registers: opening the
 * monitor, bringing registers up to date with the lists, and the listings.
 *
 * Design. A register is a set of records with their own ids (record.h);
 * every import writes a revision per changed record and screens what
 * changed. Its alerts are one row per (record, listed entity) pair that
 * scored at or over the threshold, kept in every state for ever (a closed
 * alert is reopened, never duplicated), with an event per change.
 *
 * A register remembers which list versions it was last screened against
 * ("screened": "ofac_sdn=7,un_sc=3"). em_monitor_sync compares that with the
 * engine's current lists and, per register, re-screens by *delta*
 * (rescreen.c):
 *
 *   1. the diff of each changed list (store/diff.c) gives entities added,
 *      removed and changed; a change is *material* when the facts the
 *      matcher reads differ (names, schema, gender, birth dates, countries,
 *      identifiers: em_entity_facts), else it is context (programs, remarks);
 *   2. each added or materially changed entity is screened, as a query,
 *      against the register's index of names (the register compiled as a
 *      list: rescreen.c em_register_index), generously (down to
 *      EM_MONITOR_REVERSE_CUTOFF, no qualifiers): the records it returns are
 *      candidates;
 *   3. so are the records holding an alert on an entity removed or changed
 *      (materially or not: its context is noted), and the records with a
 *      stored score, a result below the threshold or an alert above it, that
 *      the change can move across the threshold: the token weights come from
 *      the whole list, so every change moves every score a little, and
 *      match/drift.c bounds how far from the names the change touched and the
 *      tokens of both sides. A small change moves scores by a few thousandths,
 *      so it screens the handful of records that close however large the
 *      register; a rare name that gains or loses a namesake moves the scores
 *      of names holding it further, and the listed entities and records that
 *      hold it are searched and screened as if they had changed;
 *   4. each candidate is screened the usual way (the engine, all lists)
 *      and its alerts reconciled with the result, exactly as a full screen
 *      would: one code path (rescreen.c reconcile).
 *
 * A record is thus never screened by a rule of its own, and delta equals a
 * full re-screen whenever the reverse search finds every record a changed
 * entity would alert on; tests/unit/test_monitor.c checks it alert by alert
 * on real OFAC versions, and bench/run_monitor.sh on large registers. A
 * change too large for that argument (a list added or dropped, or more
 * than EM_MONITOR_FULL_SHARE of a list's entities changed) re-screens the
 * whole register instead.
 *
 * A false positive is suppressed with the facts of both sides at the time
 * of the decision; a later screen that finds the pair with the same facts
 * keeps it quiet, one with different facts reopens the alert and says which
 * facts changed (alerts.c, rescreen.c). Every screening with a hit and every
 * decision is an audit entry (audit.c); new and reopened alerts go to the
 * register's webhook through an outbox (webhook.c).
 *
 * Locking: one mutex serialises the monitor's calls; the store's write lock
 * (BEGIN IMMEDIATE) serialises monitors of several processes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "engine/engine_open.h"
#include "monitor/monitor_internal.h"
#include "monitor/record.h"

int em_monitor_open(em_monitor **out, em_engine *engine, const em_monitor_options *o,
                    em_error *err) {
    *out = NULL;
    if (o && o->version != EM_MONITOR_OPTIONS_VERSION)
        return em_fail(err, EM_ERR_USAGE, "em_monitor_options version %u is not the library's %u",
                       o->version, EM_MONITOR_OPTIONS_VERSION);
    const char *home = em_engine_home(engine);
    if (!home) return em_fail(err, EM_ERR_USAGE, "the engine has no home to keep registers in");
    em_monitor *m = em_xcalloc(1, sizeof *m);
    m->engine = engine;
    m->four_eyes = !(o && o->no_four_eyes);
    m->threads = o ? o->threads : 0;
    m->progress = o ? o->progress : NULL;
    m->progress_ctx = o ? o->progress_ctx : NULL;
    pthread_mutex_init(&m->lock, NULL);
    if (em_store_open(&m->st, home, 0, err) != 0 || em_store_open(&m->rd, home, 0, err) != 0) {
        em_monitor_close(m);
        return -1;
    }
    em_mdb_set_write_wait(m->st, EM_MDB_WRITE_WAIT_MS);
    *out = m;
    return 0;
}

void em_monitor_close(em_monitor *m) {
    if (!m) return;
    em_store_close(m->st);
    em_store_close(m->rd);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void em_monitor_progress(em_monitor *m, const char *phase, size_t done, size_t total) {
    if (m->progress) m->progress(m->progress_ctx, phase, done, total);
}

char *em_monitor_lists_stamp(em_monitor *m, json_t **lists, em_error *err) {
    em_list_info *l = NULL;
    size_t n = 0;
    if (em_engine_lists(m->engine, &l, &n, err) != 0) return NULL;
    em_buf b;
    em_buf_init(&b);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        em_buf_printf(&b, "%s%s=%lld", i ? "," : "", l[i].source, (long long)l[i].version);
        json_t *o = json_object();
        json_object_set_new(o, "source", json_string(l[i].source));
        json_object_set_new(o, "version", json_integer(l[i].version));
        json_object_set_new(o, "entities", json_integer((json_int_t)l[i].entities));
        json_array_append_new(a, o);
    }
    em_list_info_free(l, n);
    if (lists)
        *lists = a;
    else
        json_decref(a);
    em_buf_cstr(&b);
    return em_buf_detach(&b);
}

json_t *em_party_facts(const em_party *p) {
    json_t *o = json_object();
    if (em_party_schema(p)) json_object_set_new(o, "schema", json_string(em_party_schema(p)));
    json_t *names = json_array(), *weak = json_array();
    for (size_t i = 0; i < em_party_name_count(p); i++) {
        unsigned flags = 0;
        const char *n = em_party_name(p, i, &flags);
        json_array_append_new(flags & EM_NAME_WEAK ? weak : names, json_string(n));
    }
    if (json_array_size(names)) json_object_set(o, "names", names);
    if (json_array_size(weak)) json_object_set(o, "weak_names", weak);
    json_decref(names);
    json_decref(weak);
    json_t *d = json_array();
    for (size_t i = 0; i < em_party_birth_date_count(p); i++)
        json_array_append_new(d, json_string(em_party_birth_date(p, i)));
    if (json_array_size(d)) json_object_set(o, "birth_dates", d);
    json_decref(d);
    json_t *c = json_array();
    for (size_t i = 0; i < em_party_country_count(p); i++)
        json_array_append_new(c, json_string(em_party_country(p, i)));
    if (json_array_size(c)) json_object_set(o, "countries", c);
    json_decref(c);
    if (em_party_gender(p)) json_object_set_new(o, "gender", json_string(em_party_gender(p)));
    json_t *ids = json_array();
    for (size_t i = 0; i < em_party_identifier_count(p); i++) {
        const char *type = NULL;
        const char *v = em_party_identifier(p, i, &type);
        json_t *x = json_object();
        json_object_set_new(x, "type", json_string(type));
        json_object_set_new(x, "value", json_string(v));
        json_array_append_new(ids, x);
    }
    if (json_array_size(ids)) json_object_set(o, "identifiers", ids);
    json_decref(ids);
    return o;
}

static const char *reg_name(const char *reg) {
    return reg && *reg ? reg : "default";
}

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report_start(em_monitor *m, const char *reg, em_monitor_report *rep,
                         struct timespec *t0) {
    memset(rep, 0, sizeof *rep);
    snprintf(m->regname, sizeof m->regname, "%s", reg);
    rep->register_name = m->regname;
    rep->cpu_seconds = -cpu_now();
    clock_gettime(CLOCK_MONOTONIC, t0);
}

static void report_end(em_monitor *m, const em_mreg *r, em_monitor_report *rep,
                       const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rep->cpu_seconds += cpu_now();
    rep->seconds = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
    rep->records = em_mdb_record_count(m->st, r->id);
}

int em_register_screen(em_monitor *m, const char *reg, em_monitor_report *rep, em_error *err) {
    em_monitor_report local;
    if (!rep) rep = &local;
    struct timespec t0;
    pthread_mutex_lock(&m->lock);
    report_start(m, reg_name(reg), rep, &t0);
    em_mreg r;
    int rc = em_engine_refresh(m->engine, 0, NULL, err);
    if (rc == 0) rc = em_mdb_register(m->st, reg_name(reg), 0, &r, err);
    if (rc == 0) {
        char *stamp = em_monitor_lists_stamp(m, NULL, err);
        rep->full = 1;
        rc = stamp ? em_rescreen(m, &r, NULL, NULL, rep, err) : -1;
        if (rc == 0) {
            free(r.screened);
            r.screened = stamp;
            stamp = NULL;
            char at[32];
            em_now_iso(at);
            free(r.screened_at);
            r.screened_at = em_xstrdup(at);
            rc = em_mdb_register_update(m->st, &r, err);
        }
        free(stamp);
        if (rc == 0) {
            json_t *p = json_object();
            json_object_set_new(p, "register", json_string(r.name));
            json_object_set_new(p, "full", json_true());
            json_object_set_new(p, "lists", json_string(r.screened));
            json_object_set_new(p, "screened", json_integer((json_int_t)rep->screened));
            json_object_set_new(p, "alerts_opened", json_integer((json_int_t)rep->alerts_opened));
            json_object_set_new(p, "alerts_closed", json_integer((json_int_t)rep->alerts_closed));
            rc = em_audit_append(m, "register_run", "system", p, 0, NULL, err);
            json_decref(p);
        }
        report_end(m, &r, rep, &t0);
        em_mreg_free(&r);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int em_monitor_sync(em_monitor *m, em_monitor_report **reps, size_t *n, em_error *err) {
    if (reps) *reps = NULL;
    if (n) *n = 0;
    pthread_mutex_lock(&m->lock);
    int rc = em_engine_refresh(m->engine, 0, NULL, err);
    em_strvec names;
    em_strvec_init(&names);
    if (rc == 0) rc = em_mdb_register_names(m->st, &names, err);
    char *stamp = rc == 0 ? em_monitor_lists_stamp(m, NULL, err) : NULL;
    if (!stamp) rc = -1;
    for (size_t i = 0; rc == 0 && i < names.len; i++) {
        em_mreg r;
        if (em_mdb_register(m->st, names.items[i], 0, &r, err) != 0) {
            rc = -1;
            break;
        }
        if (strcmp(r.screened, stamp) != 0 && em_mdb_record_count(m->st, r.id) > 0) {
            em_monitor_report rep;
            struct timespec t0;
            report_start(m, r.name, &rep, &t0);
            char *before = em_xstrdup(r.screened);
            rc = em_rescreen_delta(m, &r, &rep, err);
            report_end(m, &r, &rep, &t0);
            if (rc == 0) {
                json_t *p = json_object();
                json_object_set_new(p, "register", json_string(r.name));
                json_object_set_new(p, "full", json_boolean(rep.full));
                json_object_set_new(p, "lists_before", json_string(before));
                json_object_set_new(p, "lists", json_string(r.screened));
                json_object_set_new(p, "entities_checked",
                                    json_integer((json_int_t)rep.entities_checked));
                json_object_set_new(p, "screened", json_integer((json_int_t)rep.screened));
                json_object_set_new(p, "alerts_opened",
                                    json_integer((json_int_t)rep.alerts_opened));
                json_object_set_new(p, "alerts_reopened",
                                    json_integer((json_int_t)rep.alerts_reopened));
                json_object_set_new(p, "alerts_closed",
                                    json_integer((json_int_t)rep.alerts_closed));
                rc = em_audit_append(m, "register_run", "system", p, 0, NULL, err);
                json_decref(p);
            }
            free(before);
            if (rc == 0 && reps) {
                *reps = em_xrealloc(*reps, (*n + 1) * sizeof **reps);
                (*reps)[(*n)++] = rep;
            }
        }
        em_mreg_free(&r);
    }
    free(stamp);
    em_strvec_free(&names);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int em_register_set_webhook(em_monitor *m, const char *reg, const char *url, const char *secret,
                            em_error *err) {
    if (url && *url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return em_fail(err, EM_ERR_USAGE, "a webhook URL starts with http:// or https://");
    pthread_mutex_lock(&m->lock);
    em_mreg r;
    int rc = em_mdb_register(m->st, reg_name(reg), 0, &r, err);
    if (rc == 0) {
        free(r.webhook_url);
        free(r.webhook_secret);
        r.webhook_url = em_xstrdup(url ? url : "");
        r.webhook_secret = em_xstrdup(secret ? secret : "");
        rc = em_mdb_register_update(m->st, &r, err);
        em_mreg_free(&r);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int dump(json_t *j, char **out) {
    *out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    return 0;
}

int em_register_list_json(em_monitor *m, char **json, em_error *err) {
    *json = NULL;
    pthread_mutex_lock(&m->lock);
    json_t *j = NULL;
    int rc = em_mdb_registers_json(m->st, &j, err);
    pthread_mutex_unlock(&m->lock);
    return rc == 0 ? dump(j, json) : -1;
}

int em_register_record_json(em_monitor *m, const char *reg, const char *id, char **json,
                            em_error *err) {
    *json = NULL;
    pthread_mutex_lock(&m->lock);
    em_mreg r;
    json_t *j = NULL;
    int rc = em_mdb_register(m->st, reg_name(reg), 0, &r, err);
    if (rc == 0) {
        rc = em_mdb_record_json(m->st, r.id, id, &j, err);
        if (rc == 0) json_object_set_new(j, "register", json_string(r.name));
        em_mreg_free(&r);
    }
    pthread_mutex_unlock(&m->lock);
    return rc == 0 ? dump(j, json) : -1;
}
