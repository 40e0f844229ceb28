/*
 * rescreen.c - screening a register's records and reconciling their alerts
 * with what the screen found (the one place an alert is opened, reopened,
 * updated, noted or closed by a screening), in full or by delta; and the
 * register's index of names that the delta matches changed listed entities
 * against. The policy is explained in monitor.c.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/error.h"
#include "base/hmap.h"
#include "engine/engine_open.h"
#include "match/drift.h"
#include "match/matcher_build.h"
#include "model/entity.h"
#include "monitor/monitor_internal.h"
#include "monitor/record.h"
#include "store/paths.h"

#define WINDOW 256
#define COMMIT_EVERY 2000

static char *dumps_sorted(json_t *j) {
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

typedef struct run {
    em_monitor *m;
    const em_mreg *reg;
    em_mdb_cursor *cur;    /* all records, or */
    const em_strvec *rids; /* these */
    size_t next_rid;
    char *ring_rid[2 * WINDOW];
    json_t *ring_rec[2 * WINDOW];
    size_t produced, delivered;
    json_t *changes;  /* entity id -> non-material change (may be NULL) */
    json_t *facts;    /* entity id -> its material facts as text (a cache) */
    json_t *versions; /* source -> active version */
    em_monitor_report *rep;
    const em_screen_options *so;
    em_hmap known; /* record id -> its stored near results (text, owned), or
                      &ALERTED: what a screen that finds nothing new must compare with */
    em_error err;
    int failed;
} run;

static char ALERTED;

static void known_free(void *p) {
    if (p != &ALERTED) free(p);
}

static void known_add(void *ctx, const char *rid, double best_below, const char *near) {
    em_hmap_entry *e = em_hmap_inserts(ctx, rid, NULL);
    if (e->val.ptr == &ALERTED) return;
    free(e->val.ptr);
    e->val.ptr = best_below < 0 ? (void *)&ALERTED : em_xstrdup(near ? near : "");
}

/* A record's results below the threshold but within EM_MONITOR_BAND of it, as
   stored text [[entity id, score], ...] (monitor_db.h): what a delta checks
   against the drift of a list change; "" when the screen's limit cut them. */
static char *near_text(const em_results *res, double *best) {
    *best = 0;
    if (em_results_count(res) >= EM_MONITOR_RESULTS) {
        for (size_t i = 0; i < em_results_count(res); i++) {
            const em_result *x = em_results_get(res, i);
            if (!x->match && x->score > *best) *best = x->score;
        }
        return em_xstrdup("");
    }
    json_t *a = json_array();
    for (size_t i = 0; i < em_results_count(res); i++) {
        const em_result *x = em_results_get(res, i);
        if (x->match) continue;
        if (x->score > *best) *best = x->score;
        json_array_append_new(a, json_pack("[sf]", x->id, x->score));
    }
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

/* ---- the listed entity's facts ---------------------------------------------- */

/* the material facts of listed entity id in version v, as canonical text (cached);
   NULL when the entity is not in the store */
static const char *entity_facts(run *r, const char *id, int64_t v) {
    json_t *c = json_object_get(r->facts, id);
    if (c) return json_string_value(c);
    em_entity *e = NULL;
    em_error err = {0};
    if (em_store_entity(r->m->st, id, v, &e, &err) != 0) return NULL;
    json_t *f = em_entity_facts(e);
    char *txt = dumps_sorted(f);
    json_decref(f);
    em_entity_free(e);
    json_object_set_new(r->facts, id, json_string(txt));
    free(txt);
    return json_string_value(json_object_get(r->facts, id));
}

/* ---- reconciling one record's alerts ---------------------------------------- */

static int event(run *r, const em_malert *a, const char *kind, json_t *detail) {
    char *d = detail ? dumps_sorted(detail) : NULL;
    int rc = em_mdb_alert_event(r->m->st, a->id, "system", kind, a->state, "", d, &r->err);
    free(d);
    json_decref(detail);
    return rc;
}

static void set(char **field, const char *v) {
    free(*field);
    *field = em_xstrdup(v ? v : "");
}

static json_t *changed_keys(const char *before, const char *after) {
    json_t *b = json_loads(before ? before : "{}", 0, NULL), *a = json_loads(after, 0, NULL);
    json_t *out = em_facts_changed(b ? b : json_object(), a ? a : json_object());
    json_decref(b);
    json_decref(a);
    return out;
}

static int64_t version_of(run *r, const char *source) {
    return json_integer_value(json_object_get(r->versions, source));
}

static int reconcile(run *r, const char *rid, json_t *rec, const em_results *res) {
    em_store *st = r->m->st;
    /* most records of a register match nothing and never did: then only changed
       results near the threshold are written */
    int hit = 0;
    for (size_t i = 0; i < em_results_count(res); i++)
        hit |= em_results_get(res, i)->match;
    double best_below;
    char *near = near_text(res, &best_below);
    em_hmap_entry *k = em_hmap_finds(&r->known, rid);
    if (!hit && (!k || k->val.ptr != &ALERTED)) {
        const char *stored = k ? k->val.ptr : "[]";
        int rc = strcmp(stored, near) == 0
                     ? 0
                     : em_mdb_record_set_near(st, r->reg->id, rid, best_below, near, &r->err);
        free(near);
        return rc;
    }
    json_t *rf = em_record_facts(rec);
    char *record_facts = dumps_sorted(rf);
    json_decref(rf);
    em_malert *old = NULL;
    size_t nold = 0;
    int rc = em_mdb_alerts_of_record(st, r->reg->id, rid, &old, &nold, &r->err);
    char *seen = em_xcalloc(nold + 1, 1);
    char now[32];
    em_now_iso(now);
    for (size_t i = 0; rc == 0 && i < em_results_count(res); i++) {
        const em_result *x = em_results_get(res, i);
        if (!x->match) continue;
        const char *ef = entity_facts(r, x->id, x->version);
        json_t *ctx = json_object();
        json_object_set_new(ctx, "programs", json_string(x->programs ? x->programs : ""));
        json_object_set_new(ctx, "dataset", json_string(x->source));
        char *context = dumps_sorted(ctx);
        json_decref(ctx);
        size_t k;
        for (k = 0; k < nold; k++)
            if (strcmp(old[k].entity_id, x->id) == 0) break;
        em_malert fresh = {0}, *a = k < nold ? &old[k] : &fresh;
        if (k < nold) seen[k] = 1;
        double before = a->score;
        char *before_expl = em_xstrdup(a->explanation ? a->explanation : "");
        char *before_ctx = em_xstrdup(a->context ? a->context : "");
        char *before_rf = em_xstrdup(a->record_facts ? a->record_facts : "");
        a->reg = r->reg->id;
        a->score = x->score;
        a->list_version = x->version;
        set(&a->record_id, rid);
        set(&a->entity_id, x->id);
        set(&a->source, x->source);
        set(&a->caption, x->caption);
        set(&a->schema, x->schema);
        set(&a->matched_name, x->matched_name);
        set(&a->explanation, x->explanation_json ? x->explanation_json : "{}");
        set(&a->context, context);
        set(&a->record_facts, record_facts);
        set(&a->entity_facts, ef ? ef : "{}");
        set(&a->updated_at, now);
        if (k == nold) {
            set(&a->state, "open");
            set(&a->opened_at, now);
            rc = em_mdb_alert_insert(st, a, &r->err);
            json_t *d = json_object();
            json_object_set_new(d, "score", json_real(x->score));
            json_object_set_new(d, "list_version", json_integer(x->version));
            if (rc == 0) rc = event(r, a, "opened", d);
            if (rc == 0) rc = em_webhook_queue(r->m, r->reg, "alert.opened", a, r->rep, &r->err);
            r->rep->alerts_opened++;
        } else if (!strcmp(a->state, "closed")) {
            set(&a->state, "open");
            json_t *d = json_object();
            json_object_set_new(d, "reason", json_string("matches again"));
            json_object_set_new(d, "score", json_real(x->score));
            json_object_set_new(d, "list_version", json_integer(x->version));
            rc = em_mdb_alert_update(st, a, &r->err);
            if (rc == 0) rc = event(r, a, "reopened", d);
            if (rc == 0) rc = em_webhook_queue(r->m, r->reg, "alert.reopened", a, r->rep, &r->err);
            r->rep->alerts_reopened++;
        } else if (!strcmp(a->state, "false_positive")) {
            int64_t sid = 0;
            char *srf = NULL, *sef = NULL;
            rc = em_mdb_suppression_active(st, a->id, &sid, &srf, &sef, &r->err);
            int same = sid && !strcmp(srf, record_facts) && !strcmp(sef, a->entity_facts);
            if (rc == 0 && same) {
                r->rep->suppressed++;
                rc = em_mdb_alert_update(st, a, &r->err);
            } else if (rc == 0) {
                json_t *d = json_object();
                json_t *rc_keys = changed_keys(srf, record_facts);
                json_t *ec_keys = changed_keys(sef, a->entity_facts);
                json_object_set_new(d, "reason",
                                    json_string("a material change lifts the "
                                                "suppression"));
                json_object_set_new(d, "record_changed", rc_keys);
                json_object_set_new(d, "entity_changed", ec_keys);
                json_object_set_new(d, "list_version", json_integer(x->version));
                json_object_set_new(d, "score", json_real(x->score));
                if (sid) {
                    char *why = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
                    rc = em_mdb_suppression_end(st, sid, "system", why, &r->err);
                    free(why);
                }
                set(&a->state, "open");
                if (rc == 0) rc = em_mdb_alert_update(st, a, &r->err);
                if (rc == 0)
                    rc = event(r, a, "reopened", d);
                else
                    json_decref(d);
                if (rc == 0)
                    rc = em_webhook_queue(r->m, r->reg, "alert.reopened", a, r->rep, &r->err);
                r->rep->alerts_reopened++;
            }
            free(srf);
            free(sef);
        } else {
            /* every list change moves every score a little (the token weights): only a
               move an analyst can see is an event */
            int changed =
                fabs(before - x->score) >= EM_MONITOR_SCORE_NOTE || strcmp(before_rf, record_facts);
            rc = em_mdb_alert_update(st, a, &r->err);
            if (rc == 0 && changed) {
                json_t *d = json_object();
                json_object_set_new(d, "score_before", json_real(before));
                json_object_set_new(d, "score", json_real(x->score));
                json_object_set_new(d, "list_version", json_integer(x->version));
                json_object_set_new(d, "record_changed", changed_keys(before_rf, record_facts));
                rc = event(r, a, "changed", d);
                r->rep->alerts_updated++;
            }
        }
        /* a change that does not move the score, as a program added, is noted */
        if (rc == 0 && k < nold && strcmp(before_ctx, context) != 0) {
            json_t *d = json_object();
            json_object_set_new(d, "before", json_loads(before_ctx, 0, NULL));
            json_object_set_new(d, "after", json_loads(context, 0, NULL));
            json_t *c = r->changes ? json_object_get(r->changes, x->id) : NULL;
            if (c) json_object_set(d, "change", c);
            rc = event(r, a, "context", d);
            r->rep->alerts_noted++;
        }
        free(before_expl);
        free(before_ctx);
        free(before_rf);
        free(context);
        if (k == nold) em_malert_free(&fresh);
    }
    /* alerts the screen no longer finds */
    for (size_t k = 0; rc == 0 && k < nold; k++) {
        em_malert *a = &old[k];
        if (seen[k] || !strcmp(a->state, "closed")) continue;
        em_entity *e = NULL;
        em_error nf = {0};
        int listed = em_store_entity(st, a->entity_id, 0, &e, &nf) == 0;
        em_entity_free(e);
        json_t *d = json_object();
        char why[160];
        if (listed)
            snprintf(why, sizeof why, "no longer matches in version %lld",
                     (long long)version_of(r, a->source));
        else
            snprintf(why, sizeof why, "delisted in version %lld",
                     (long long)version_of(r, a->source));
        json_object_set_new(d, "reason", json_string(why));
        json_object_set_new(d, "state_before", json_string(a->state));
        int64_t sid = 0;
        rc = em_mdb_suppression_active(st, a->id, &sid, NULL, NULL, &r->err);
        if (rc == 0 && sid) rc = em_mdb_suppression_end(st, sid, "system", why, &r->err);
        set(&a->state, "closed");
        set(&a->updated_at, now);
        if (rc == 0) rc = em_mdb_alert_update(st, a, &r->err);
        if (rc == 0)
            rc = event(r, a, "closed", d);
        else
            json_decref(d);
        r->rep->alerts_closed++;
    }
    if (rc == 0) rc = em_mdb_record_set_near(st, r->reg->id, rid, best_below, near, &r->err);
    free(near);
    for (size_t k = 0; k < nold; k++)
        em_malert_free(&old[k]);
    free(old);
    free(seen);
    free(record_facts);
    return rc;
}

/* ---- the batch ------------------------------------------------------------- */

static int next_record(void *ctx, em_party **party, em_error *err) {
    run *r = ctx;
    char *rid = NULL;
    json_t *rec = NULL;
    for (;;) {
        if (r->cur) {
            int rc = em_mdb_records_next(r->cur, &rid, &rec, err);
            if (rc <= 0) return rc;
        } else {
            if (r->next_rid >= r->rids->len) return 0;
            const char *id = r->rids->items[r->next_rid++];
            if (em_mdb_record_get(r->m->st, r->reg->id, id, &rec, NULL, err) != 0) return -1;
            if (!rec) continue; /* removed meanwhile */
            rid = em_xstrdup(id);
        }
        break;
    }
    size_t slot = r->produced++ % (2 * WINDOW);
    r->ring_rid[slot] = rid;
    r->ring_rec[slot] = rec;
    em_error perr = {0};
    *party = em_record_party(rec, &perr);
    if (!*party) *party = em_party_new(); /* delivered with the engine's error */
    return 1;
}

static int deliver(void *ctx, size_t index, const em_party *party, const em_results *res,
                   const em_error *err) {
    run *r = ctx;
    size_t slot = index % (2 * WINDOW);
    char *rid = r->ring_rid[slot];
    json_t *rec = r->ring_rec[slot];
    int rc = 0;
    if (!res) {
        r->rep->warnings++;
        if (!r->rep->first_warning[0])
            snprintf(r->rep->first_warning, sizeof r->rep->first_warning,
                     "record %.64s cannot be screened: %.160s", rid, err ? err->message : "?");
    } else {
        rc = reconcile(r, rid, rec, res);
        int hits = 0;
        for (size_t i = 0; i < em_results_count(res); i++)
            hits |= em_results_get(res, i)->match;
        /* each screening with a hit is an audit entry that can be replayed */
        if (rc == 0 && hits) {
            json_t *p = em_audit_screening_payload(party, r->so, res);
            json_object_set_new(p, "register", json_string(r->reg->name));
            json_object_set_new(p, "record_id", json_string(rid));
            rc = em_audit_append(r->m, "register_screen", "system", p, 1, NULL, &r->err);
            json_decref(p);
        }
    }
    free(rid);
    json_decref(rec);
    r->ring_rid[slot] = NULL;
    r->ring_rec[slot] = NULL;
    r->rep->screened++;
    r->delivered++;
    if (rc == 0 && r->delivered % COMMIT_EVERY == 0) {
        rc = em_mdb_commit(r->m->st, &r->err);
        if (rc == 0) rc = em_mdb_begin(r->m->st, &r->err);
    }
    if (rc != 0) r->failed = 1;
    return rc;
}

static void progress(void *ctx, size_t done) {
    run *r = ctx;
    if (done % 1000 == 0) em_monitor_progress(r->m, "screen", done, r->rids ? r->rids->len : 0);
}

int em_rescreen(em_monitor *m, const em_mreg *reg, const em_strvec *rids, json_t *changes,
                em_monitor_report *rep, em_error *err) {
    run r;
    memset(&r, 0, sizeof r);
    r.m = m;
    r.reg = reg;
    r.rids = rids;
    r.changes = changes;
    r.facts = json_object();
    r.versions = json_object();
    r.rep = rep;
    json_t *lists = NULL;
    char *stamp = em_monitor_lists_stamp(m, &lists, err);
    if (!stamp) {
        json_decref(r.facts);
        json_decref(r.versions);
        return -1;
    }
    size_t i;
    json_t *l;
    json_array_foreach(lists, i, l) {
        json_object_set(r.versions, json_string_value(json_object_get(l, "source")),
                        json_object_get(l, "version"));
    }
    int krc = em_mdb_records_scored(m->st, reg->id, known_add, &r.known, err);
    if (krc == 0 && !rids) {
        r.cur = em_mdb_records_open(m->rd, reg->id, err);
        if (!r.cur) krc = -1;
    }
    if (krc != 0) {
        em_hmap_free(&r.known, known_free);
        free(stamp);
        json_decref(lists);
        json_decref(r.facts);
        json_decref(r.versions);
        return -1;
    }
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION,
                            EM_DEFAULT_THRESHOLD,
                            EM_MONITOR_RESULTS,
                            1,
                            EM_DEFAULT_THRESHOLD - EM_MONITOR_BAND,
                            NULL,
                            0};
    r.so = &so;
    em_batch_options bo = {
        EM_BATCH_OPTIONS_VERSION, m->threads, WINDOW, &so, next_record, deliver, progress, &r};
    int rc = em_mdb_begin(m->st, err);
    if (rc == 0) {
        rc = em_engine_batch(m->engine, &bo, err);
        if (r.failed) {
            if (err) *err = r.err;
            rc = -1;
        }
        if (rc == 0)
            rc = em_mdb_commit(m->st, err);
        else
            em_mdb_rollback(m->st);
    }
    for (size_t k = 0; k < 2 * WINDOW; k++) {
        free(r.ring_rid[k]);
        json_decref(r.ring_rec[k]);
    }
    em_mdb_records_close(r.cur);
    em_hmap_free(&r.known, known_free);
    free(stamp);
    json_decref(lists);
    json_decref(r.facts);
    json_decref(r.versions);
    return rc;
}

int em_rescreen_record_removed(em_monitor *m, const em_mreg *reg, const char *rid,
                               em_monitor_report *rep, em_error *err) {
    em_malert *a = NULL;
    size_t n = 0;
    int rc = em_mdb_alerts_of_record(m->st, reg->id, rid, &a, &n, err);
    char now[32];
    em_now_iso(now);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!strcmp(a[i].state, "closed")) continue;
        int64_t sid = 0;
        rc = em_mdb_suppression_active(m->st, a[i].id, &sid, NULL, NULL, err);
        if (rc == 0 && sid)
            rc = em_mdb_suppression_end(m->st, sid, "system", "record removed from the register",
                                        err);
        set(&a[i].state, "closed");
        set(&a[i].updated_at, now);
        if (rc == 0) rc = em_mdb_alert_update(m->st, &a[i], err);
        if (rc == 0)
            rc = em_mdb_alert_event(m->st, a[i].id, "system", "closed", "closed", "",
                                    "{\"reason\":\"record removed from the register\"}", err);
        rep->alerts_closed++;
    }
    for (size_t i = 0; i < n; i++)
        em_malert_free(&a[i]);
    free(a);
    return rc;
}

/* ---- the register's index of names ----------------------------------------- */

static char *index_path(em_monitor *m, const em_mreg *reg) {
    return em_xasprintf("%s/registers/%lld/index-%s.emb", em_store_home(m->st), (long long)reg->id,
                        reg->index_stamp);
}

static void remove_other_indexes(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, "index-", 6) && strcmp(de->d_name, keep)) {
            char *p = em_xasprintf("%s/%s", dir, de->d_name);
            unlink(p);
            free(p);
        }
    closedir(d);
}

int em_register_index(em_monitor *m, em_mreg *reg, em_engine **out, em_error *err) {
    *out = NULL;
    char *path = reg->index_stamp[0] ? index_path(m, reg) : NULL;
    struct stat sb;
    em_matcher *mt = NULL;
    if (path && stat(path, &sb) == 0 && em_matcher_open_file(&mt, path, NULL) == 0) {
        free(path);
        em_matcher_set_max_candidates(mt, EM_MONITOR_REVERSE_LIMIT);
        if (em_engine_open_matcher(out, mt, err) != 0) {
            em_matcher_close(mt);
            return -1;
        }
        return 0;
    }
    free(path);
    /* build it from the records */
    em_mdb_cursor *c = em_mdb_records_open(m->rd, reg->id, err);
    if (!c) return -1;
    em_entity_list l = {0};
    char *rid;
    json_t *rec;
    int rc;
    em_buf h;
    em_buf_init(&h);
    while ((rc = em_mdb_records_next(c, &rid, &rec, err)) == 1) {
        em_entity_list_push(&l, em_record_entity(rec));
        em_buf_adds(&h, rid);
        em_buf_addc(&h, '\n');
        free(rid);
        json_decref(rec);
        if (l.len % 10000 == 0) em_monitor_progress(m, "index", l.len, 0);
    }
    em_mdb_records_close(c);
    if (rc == 0 && l.len == 0) rc = em_fail(err, EM_ERR_NOTFOUND, "the register has no records");
    if (rc == 0) {
        char hex[65];
        char now[32];
        em_now_iso(now);
        em_buf_adds(&h, now);
        em_sha256_hex(h.data, h.len, hex);
        hex[16] = '\0';
        free(reg->index_stamp);
        reg->index_stamp = em_xstrdup(hex);
        char *dir = em_xasprintf("%s/registers/%lld", em_store_home(m->st), (long long)reg->id);
        rc = em_mkdir_p(dir, err);
        path = index_path(m, reg);
        if (rc == 0) rc = em_matcher_build(&mt, &l, NULL, path, err);
        if (rc == 0) {
            char *base = strrchr(path, '/') + 1;
            remove_other_indexes(dir, base);
        }
        free(dir);
        free(path);
    }
    em_buf_free(&h);
    em_entity_list_free(&l);
    if (rc == 0) rc = em_mdb_register_update(m->st, reg, err);
    if (rc == 0) em_matcher_set_max_candidates(mt, EM_MONITOR_REVERSE_LIMIT);
    if (rc == 0 && em_engine_open_matcher(out, mt, err) != 0) {
        em_matcher_close(mt);
        rc = -1;
    }
    return rc;
}

/* ---- the delta -------------------------------------------------------------- */

/* "src=ver,src=ver" -> {src: ver} */
static json_t *parse_stamp(const char *s) {
    json_t *o = json_object();
    char *copy = em_xstrdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq) continue;
        *eq = '\0';
        json_object_set_new(o, t, json_integer(atoll(eq + 1)));
    }
    free(copy);
    return o;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void dedupe(em_strvec *v) {
    if (!v->len) return;
    qsort(v->items, v->len, sizeof *v->items, cmp_str);
    size_t o = 1;
    for (size_t i = 1; i < v->len; i++) {
        if (strcmp(v->items[i], v->items[o - 1]) == 0) {
            free(v->items[i]);
            continue;
        }
        v->items[o++] = v->items[i];
    }
    v->len = o;
}

/* the records the listed entity (id, version v) may match, through the register's index */
static int reverse(em_monitor *m, em_engine *idx, const char *id, int64_t v, em_strvec *cand,
                   int *overflow, em_error *err) {
    em_entity *e = NULL;
    if (em_store_entity(m->st, id, v, &e, err) != 0) return -1;
    em_party *parts[16];
    size_t np = em_entity_parties(e, parts, 16);
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION,
                            EM_DEFAULT_THRESHOLD,
                            EM_MONITOR_REVERSE_LIMIT,
                            1,
                            EM_MONITOR_REVERSE_CUTOFF,
                            NULL,
                            0};
    int rc = 0;
    for (size_t i = 0; i < np; i++) {
        em_results *res = NULL;
        if (rc == 0 && em_engine_screen(idx, parts[i], &so, &res, err) == 0) {
            for (size_t k = 0; k < em_results_count(res); k++)
                em_strvec_push(cand, em_record_id_of(em_results_get(res, k)->id));
            /* more candidates than the search returns: the delta could miss one */
            if (em_results_count(res) >= EM_MONITOR_REVERSE_LIMIT) *overflow = 1;
            em_results_free(res);
        } else if (rc == 0 && err && err->code != EM_ERR_USAGE) {
            rc = -1;
        }
        em_party_free(parts[i]);
    }
    em_entity_free(e);
    return rc;
}

/* Choosing the records a delta screens again, with the lists after the change
   held (`now`): the records the changed entities may match (the reverse search
   through the register's index), and the records whose stored scores, near
   results below the threshold and alerts above it, lie within what the change
   can move them (match/drift.c): a band per (record, listed entity) from the
   tokens of both, as narrow as the change is small. A token whose weight moved
   more than EM_MONITOR_BAND allows (a rare name gaining or losing a namesake)
   widens the search instead: the listed entities holding it are searched like
   changed ones, and the records holding it are screened again. */
typedef struct pick {
    em_monitor *m;
    em_mreg *reg;
    em_drift *drift;
    em_strvec *match; /* listed entities to search the register with */
    json_t *versions; /* their versions (0: the active one) */
    em_strvec *cand;  /* records to screen again */
    em_monitor_report *rep;
    int overflow;
    const em_matcher *now, *idx; /* the lists; the register's index (NULL: not built) */
    em_error *err;
} pick;

static void add_match(void *ctx, const char *id) {
    pick *p = ctx;
    if (json_object_get(p->versions, id)) return;
    json_object_set_new(p->versions, id, json_integer(0));
    em_strvec_push(p->match, id);
}

static void add_record(void *ctx, const char *id) {
    em_strvec_push(((pick *)ctx)->cand, em_record_id_of(id));
}

static void strong_token(void *ctx, const char *token) {
    pick *p = ctx;
    em_matcher_token_entities(p->now, token, add_match, p);
    em_matcher_token_entities(p->idx, token, add_record, p);
}

static int got_matcher(void *ctx, const em_matcher *m) {
    *(const em_matcher **)ctx = m;
    return 0;
}

/* the band of a stored score of record rid against listed entity eid */
static double band_of(pick *p, const char *rid, const char *eid) {
    if (!p->drift) return EM_MONITOR_BAND;
    if (!p->idx) /* no token touched: only the number of names moved */
        return em_drift_global(p->drift);
    char key[300];
    snprintf(key, sizeof key, "rec-%s", rid);
    return em_drift_pair(p->drift, p->now, eid, p->idx, key);
}

static void near_row(void *ctx, const char *rid, double best_below, const char *near) {
    pick *p = ctx;
    if (best_below < 0) return; /* a record with alerts: alert_row has them */
    json_t *a = near && near[0] ? json_loads(near, 0, NULL) : NULL;
    if (!a) { /* not known: the widest band */
        if (EM_DEFAULT_THRESHOLD - best_below <= EM_MONITOR_BAND) em_strvec_push(p->cand, rid);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        double score = json_real_value(json_array_get(x, 1));
        if (EM_DEFAULT_THRESHOLD - score <=
            band_of(p, rid, json_string_value(json_array_get(x, 0)))) {
            em_strvec_push(p->cand, rid);
            break;
        }
    }
    json_decref(a);
}

static void alert_row(void *ctx, const char *rid, const char *eid, double score) {
    pick *p = ctx;
    if (score - EM_DEFAULT_THRESHOLD <= band_of(p, rid, eid)) em_strvec_push(p->cand, rid);
}

static int pick_candidates(void *ctx, const em_matcher *now) {
    pick *p = ctx;
    em_error *err = p->err;
    p->now = now;
    if (em_drift_finish(p->drift, now) != 0) p->drift = NULL; /* unbounded: widest band */
    int rc = 0;
    em_engine *idx = NULL;
    if (p->match->len || (p->drift && em_drift_touched(p->drift))) {
        rc = em_register_index(p->m, p->reg, &idx, err);
        if (rc == 0) rc = em_engine_with_matcher(idx, got_matcher, &p->idx, err);
    }
    size_t n0 = p->cand->len; /* records with alerts on changed or removed entities */
    if (rc == 0 && p->drift) em_drift_strong(p->drift, EM_MONITOR_BAND, strong_token, p);
    size_t n1 = p->cand->len;
    p->rep->entities_checked = p->match->len;
    for (size_t i = 0; rc == 0 && i < p->match->len && !p->overflow; i++)
        rc = reverse(p->m, idx, p->match->items[i],
                     json_integer_value(json_object_get(p->versions, p->match->items[i])), p->cand,
                     &p->overflow, err);
    size_t n2 = p->cand->len;
    p->rep->band = p->drift ? em_drift_global(p->drift) : EM_MONITOR_BAND;
    if (rc == 0 && !p->overflow) rc = em_mdb_records_scored(p->m->st, p->reg->id, near_row, p, err);
    if (rc == 0 && !p->overflow)
        rc = em_mdb_alert_scores(p->m->st, p->reg->id, EM_DEFAULT_THRESHOLD + EM_MONITOR_BAND,
                                 alert_row, p, err);
    p->rep->by_search = n0 + (n2 - n1);
    p->rep->by_rare_name = n1 - n0;
    p->rep->by_score = p->cand->len - n2;
    em_engine_close(idx);
    return rc;
}

int em_rescreen_delta(em_monitor *m, em_mreg *reg, em_monitor_report *rep, em_error *err) {
    json_t *lists = NULL;
    char *stamp = em_monitor_lists_stamp(m, &lists, err);
    if (!stamp) return -1;
    json_t *then = parse_stamp(reg->screened), *now = parse_stamp(stamp);
    int full = json_object_size(then) == 0 || json_object_size(then) != json_object_size(now);
    const char *src;
    json_t *v;
    json_object_foreach(now, src, v) {
        if (!json_object_get(then, src)) full = 1;
    }
    em_strvec cand, match;
    em_strvec_init(&cand);
    em_strvec_init(&match);
    json_t *changes = json_object();
    json_t *match_versions = json_object();
    int rc = 0;
    em_drift *drift = em_drift_new(err);
    if (!full) {
        json_object_foreach(now, src, v) {
            int64_t from = json_integer_value(json_object_get(then, src));
            int64_t to = json_integer_value(v);
            if (from == to || rc != 0) continue;
            em_diff *d = NULL;
            if (em_store_diff(m->st, src, from, to, &d, err) != 0) {
                rc = -1;
                break;
            }
            size_t listed = 0;
            for (size_t i = 0; i < json_array_size(lists); i++) {
                json_t *l = json_array_get(lists, i);
                if (!strcmp(json_string_value(json_object_get(l, "source")), src))
                    listed = (size_t)json_integer_value(json_object_get(l, "entities"));
            }
            if ((double)em_diff_count(d) > EM_MONITOR_FULL_SHARE * (double)(listed ? listed : 1)) {
                full = 1;
                em_diff_free(d);
                break;
            }
            for (size_t i = 0; rc == 0 && i < em_diff_count(d); i++) {
                const em_change *c = em_diff_get(d, i);
                if (c->kind == EM_REMOVED) {
                    rc = em_mdb_alert_records_of_entity(m->st, reg->id, c->id, &cand, err);
                    em_entity *a = NULL;
                    if (rc == 0 && em_store_entity(m->st, c->id, from, &a, err) == 0)
                        em_drift_add_entity(drift, a, -1);
                    else
                        rc = -1;
                    em_entity_free(a);
                    continue;
                }
                if (c->kind == EM_ADDED) {
                    em_entity *b = NULL;
                    if (em_store_entity(m->st, c->id, to, &b, err) != 0) {
                        rc = -1;
                        break;
                    }
                    em_drift_add_entity(drift, b, +1);
                    em_entity_free(b);
                }
                int material = c->kind == EM_ADDED;
                if (!material) {
                    em_entity *a = NULL, *b = NULL;
                    if (em_store_entity(m->st, c->id, from, &a, err) != 0 ||
                        em_store_entity(m->st, c->id, to, &b, err) != 0) {
                        em_entity_free(a);
                        rc = -1;
                        break;
                    }
                    json_t *fa = em_entity_facts(a), *fb = em_entity_facts(b);
                    material = !json_equal(fa, fb);
                    json_decref(fa);
                    json_decref(fb);
                    if (material) {
                        em_drift_add_entity(drift, a, -1);
                        em_drift_add_entity(drift, b, +1);
                    }
                    em_entity_free(a);
                    em_entity_free(b);
                    rc = em_mdb_alert_records_of_entity(m->st, reg->id, c->id, &cand, err);
                    if (!material) { /* what changed, for the alert's context note */
                        json_t *o = json_object();
                        json_object_set_new(o, "list_version", json_integer(to));
                        for (size_t f = 0; f < c->nfields; f++) {
                            json_t *ch = json_object();
                            json_object_set_new(
                                ch, "added", json_loads(c->added_values[f], JSON_DECODE_ANY, NULL));
                            json_object_set_new(
                                ch, "removed",
                                json_loads(c->removed_values[f], JSON_DECODE_ANY, NULL));
                            json_object_set_new(o, c->fields[f], ch);
                        }
                        json_object_set_new(changes, c->id, o);
                    }
                }
                if (material) {
                    em_strvec_push(&match, c->id);
                    json_object_set_new(match_versions, c->id, json_integer(to));
                }
            }
            em_diff_free(d);
        }
    }
    if (rc == 0 && full) {
        rep->full = 1;
        rc = em_rescreen(m, reg, NULL, NULL, rep, err);
    } else if (rc == 0) {
        rep->full = 0;
        pick pk = {m, reg, drift, &match, match_versions, &cand, rep, 0, NULL, NULL, err};
        rc = em_engine_with_matcher(m->engine, pick_candidates, &pk, err);
        if (rc == 0 && pk.overflow) { /* a name too common for a delta: screen everyone */
            full = 1;
            rep->full = 1;
            rc = em_rescreen(m, reg, NULL, NULL, rep, err);
        }
        dedupe(&cand);
        if (rc == 0 && !full && cand.len) rc = em_rescreen(m, reg, &cand, changes, rep, err);
    }
    if (rc == 0) {
        free(reg->screened);
        reg->screened = em_xstrdup(stamp);
        char at[32];
        em_now_iso(at);
        free(reg->screened_at);
        reg->screened_at = em_xstrdup(at);
        rc = em_mdb_register_update(m->st, reg, err);
    }
    em_strvec_free(&cand);
    em_strvec_free(&match);
    em_drift_free(drift);
    json_decref(changes);
    json_decref(match_versions);
    json_decref(then);
    json_decref(now);
    json_decref(lists);
    free(stamp);
    return rc;
}
