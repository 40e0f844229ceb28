/*
 * alerts.c - analysts' work on alerts: listing, one alert with the record
 * and the listed entity side by side, decisions (with the four-eyes rule for
 * a true match), assignment, and the good-guy list of suppressed false
 * positives. Every decision is an alert event and an audit entry. The
 * states and who may move an alert between them:
 *
 *   open ──escalate──► escalated
 *   open|escalated ──true_match──► pending (four eyes) ──true_match by another──► true_match
 *   open|escalated|pending ──false_positive──► false_positive (suppressed)
 *   false_positive|true_match|closed|pending ──reopen──► open
 *   (screening) any ──► closed: delisted, no longer matching, record removed
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "monitor/monitor_internal.h"

static int dump(json_t *j, char **out) {
    *out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    return 0;
}

int em_alerts_json(em_monitor *m, const em_alert_filter *f, char **json, em_error *err) {
    *json = NULL;
    static const char *const STATES[] = {"open",           "escalated", "pending", "true_match",
                                         "false_positive", "closed",    "active",  NULL};
    if (f && f->state && *f->state) {
        int ok = 0;
        for (size_t i = 0; STATES[i]; i++)
            ok |= !strcmp(f->state, STATES[i]);
        if (!ok)
            return em_fail(err, EM_ERR_USAGE,
                           "unknown alert state '%.40s' (open, escalated, pending, true_match, "
                           "false_positive, closed, active)",
                           f->state);
    }
    pthread_mutex_lock(&m->lock);
    json_t *j = NULL;
    int rc = em_mdb_alerts_json(m->st, f, &j, err);
    pthread_mutex_unlock(&m->lock);
    return rc == 0 ? dump(j, json) : -1;
}

int em_alert_json(em_monitor *m, int64_t id, char **json, em_error *err) {
    *json = NULL;
    pthread_mutex_lock(&m->lock);
    json_t *j = NULL;
    em_malert a;
    int rc = em_mdb_alert_json(m->st, id, &j, err);
    if (rc == 0) rc = em_mdb_alert_get(m->st, id, &a, err);
    if (rc == 0) {
        /* the two sides: the record as it is now, the listed entity as screened */
        json_t *rec = NULL;
        if (em_mdb_record_get(m->st, a.reg, a.record_id, &rec, NULL, NULL) == 0 && rec)
            json_object_set_new(j, "record", rec);
        em_entity *e = NULL;
        if (em_store_entity(m->st, a.entity_id, a.list_version, &e, NULL) == 0) {
            char *txt = em_entity_to_ftm_json(e, NULL, 0);
            json_t *ej = txt ? json_loads(txt, 0, NULL) : NULL;
            if (ej) json_object_set_new(j, "entity", ej);
            free(txt);
            em_entity_free(e);
        }
        int64_t sid = 0;
        em_mdb_suppression_active(m->st, a.id, &sid, NULL, NULL, NULL);
        json_object_set_new(j, "suppression", sid ? json_integer(sid) : json_null());
        em_malert_free(&a);
    }
    pthread_mutex_unlock(&m->lock);
    if (rc != 0) {
        json_decref(j);
        return -1;
    }
    return dump(j, json);
}

static void set(char **field, const char *v) {
    free(*field);
    *field = em_xstrdup(v ? v : "");
}

/* the audit entry of a decision */
static int audit_decision(em_monitor *m, const em_malert *a, const char *decision, const char *from,
                          const char *comment, const char *user, em_error *err) {
    json_t *p = json_object();
    json_object_set_new(p, "alert", json_integer(a->id));
    json_object_set_new(p, "record_id", json_string(a->record_id));
    json_object_set_new(p, "entity_id", json_string(a->entity_id));
    json_object_set_new(p, "dataset", json_string(a->source));
    json_object_set_new(p, "list_version", json_integer(a->list_version));
    json_object_set_new(p, "score", json_real(a->score));
    json_object_set_new(p, "decision", json_string(decision));
    json_object_set_new(p, "state_before", json_string(from));
    json_object_set_new(p, "state", json_string(a->state));
    json_object_set_new(p, "comment", json_string(comment ? comment : ""));
    int rc = em_audit_append(m, "alert_decision", user, p, 1, NULL, err);
    json_decref(p);
    return rc;
}

static int in(const char *s, const char *const *set) {
    for (; *set; set++)
        if (!strcmp(s, *set)) return 1;
    return 0;
}

int em_alert_decide(em_monitor *m, int64_t id, const char *decision, const char *comment,
                    const char *user, em_error *err) {
    if (!user || !*user)
        return em_fail(err, EM_ERR_USAGE, "a decision needs the analyst's name (--user)");
    if (!decision) decision = "";
    static const char *const DECISIONS[] = {"false_positive", "true_match", "escalate", "reopen",
                                            NULL};
    if (!in(decision, DECISIONS))
        return em_fail(err, EM_ERR_USAGE,
                       "unknown decision '%.40s' (false_positive, true_match, escalate, reopen)",
                       decision);
    if ((!strcmp(decision, "false_positive") || !strcmp(decision, "true_match")) &&
        (!comment || !*comment))
        return em_fail(err, EM_ERR_USAGE,
                       "a %s decision needs a comment that says why (--comment TEXT)", decision);
    pthread_mutex_lock(&m->lock);
    em_malert a;
    int rc = em_mdb_begin(m->st, err);
    int in_tx = rc == 0;
    if (rc == 0) rc = em_mdb_alert_get(m->st, id, &a, err);
    char *from = rc == 0 ? em_xstrdup(a.state) : NULL;
    const char *kind = decision;
    if (rc == 0) {
        static const char *const WORKABLE[] = {"open", "escalated", "pending", NULL};
        static const char *const DECIDED[] = {"false_positive", "true_match", "closed", "pending",
                                              NULL};
        if (!strcmp(decision, "reopen")) {
            if (!in(a.state, DECIDED))
                rc = em_fail(err, EM_ERR_CONFLICT, "alert %lld is %s: there is nothing to reopen",
                             (long long)id, a.state);
        } else if (!in(a.state, WORKABLE)) {
            rc = em_fail(err, EM_ERR_CONFLICT,
                         "alert %lld is %s; reopen it first (decide --decision reopen) to decide "
                         "again",
                         (long long)id, a.state);
        } else if (!strcmp(decision, "escalate") && strcmp(a.state, "open")) {
            rc = em_fail(err, EM_ERR_CONFLICT, "alert %lld is %s; only an open alert is escalated",
                         (long long)id, a.state);
        }
    }
    if (rc == 0) {
        if (!strcmp(decision, "escalate")) {
            set(&a.state, "escalated");
        } else if (!strcmp(decision, "false_positive")) {
            set(&a.state, "false_positive");
            set(&a.proposed_by, "");
            rc = em_mdb_suppression_add(m->st, a.id, user, comment, a.record_facts, a.entity_facts,
                                        err);
        } else if (!strcmp(decision, "true_match")) {
            if (!m->four_eyes) {
                set(&a.state, "true_match");
            } else if (strcmp(a.state, "pending") != 0) {
                set(&a.state, "pending");
                set(&a.proposed_by, user);
                kind = "true_match_proposed";
            } else if (!strcmp(a.proposed_by, user)) {
                rc = em_fail(err, EM_ERR_CONFLICT,
                             "alert %lld: %s proposed this true match; four eyes: another analyst "
                             "must confirm it",
                             (long long)id, user);
            } else {
                set(&a.state, "true_match");
                kind = "true_match_confirmed";
            }
        } else { /* reopen */
            int64_t sid = 0;
            rc = em_mdb_suppression_active(m->st, a.id, &sid, NULL, NULL, err);
            if (rc == 0 && sid) rc = em_mdb_suppression_end(m->st, sid, user, "reopened", err);
            set(&a.state, "open");
            set(&a.proposed_by, "");
        }
    }
    if (rc == 0) {
        char now[32];
        em_now_iso(now);
        set(&a.updated_at, now);
        rc = em_mdb_alert_update(m->st, &a, err);
    }
    if (rc == 0) rc = em_mdb_alert_event(m->st, a.id, user, kind, a.state, comment, NULL, err);
    if (rc == 0) rc = audit_decision(m, &a, kind, from, comment, user, err);
    if (rc == 0)
        rc = em_mdb_commit(m->st, err);
    else if (in_tx)
        em_mdb_rollback(m->st);
    if (from) em_malert_free(&a);
    free(from);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int em_alert_assign(em_monitor *m, int64_t id, const char *assignee, const char *user,
                    em_error *err) {
    if (!assignee || !*assignee)
        return em_fail(err, EM_ERR_USAGE, "whom to assign the alert to (--user NAME)");
    pthread_mutex_lock(&m->lock);
    em_malert a;
    int rc = em_mdb_begin(m->st, err);
    int in_tx = rc == 0;
    if (rc == 0) rc = em_mdb_alert_get(m->st, id, &a, err);
    int got = rc == 0;
    if (rc == 0) {
        set(&a.assignee, assignee);
        rc = em_mdb_alert_update(m->st, &a, err);
    }
    if (rc == 0) {
        json_t *o = json_object();
        json_object_set_new(o, "assignee", json_string(assignee));
        char *txt = json_dumps(o, JSON_COMPACT);
        rc = em_mdb_alert_event(m->st, a.id, user && *user ? user : assignee, "assigned", a.state,
                                "", txt, err);
        free(txt);
        json_decref(o);
    }
    if (rc == 0) rc = audit_decision(m, &a, "assign", a.state, assignee, user ? user : "", err);
    if (rc == 0)
        rc = em_mdb_commit(m->st, err);
    else if (in_tx)
        em_mdb_rollback(m->st);
    if (got) em_malert_free(&a);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int em_goodguys_json(em_monitor *m, const char *reg, int all, char **json, em_error *err) {
    *json = NULL;
    pthread_mutex_lock(&m->lock);
    int64_t rid = 0;
    int rc = 0;
    if (reg && *reg) {
        em_mreg r;
        rc = em_mdb_register(m->st, reg, 0, &r, err);
        rid = r.id;
        if (rc == 0) em_mreg_free(&r);
    }
    json_t *j = NULL;
    if (rc == 0) rc = em_mdb_suppressions_json(m->st, rid, all, &j, err);
    pthread_mutex_unlock(&m->lock);
    return rc == 0 ? dump(j, json) : -1;
}

int em_goodguy_revoke(em_monitor *m, int64_t id, const char *user, em_error *err) {
    if (!user || !*user)
        return em_fail(err, EM_ERR_USAGE, "revoking needs the analyst's name (--user)");
    pthread_mutex_lock(&m->lock);
    int64_t alert = 0;
    int active = 0;
    int rc = em_mdb_suppression_get(m->st, id, &alert, &active, err);
    if (rc == 0 && !alert)
        rc = em_fail(err, EM_ERR_NOTFOUND, "no suppression %lld (embargo goodguy list)",
                     (long long)id);
    else if (rc == 0 && !active)
        rc = em_fail(err, EM_ERR_CONFLICT, "suppression %lld has already ended", (long long)id);
    pthread_mutex_unlock(&m->lock);
    if (rc != 0) return -1;
    /* revoking reopens the alert: the same path as an analyst's reopen */
    return em_alert_decide(m, alert, "reopen", "good-guy suppression revoked", user, err);
}
