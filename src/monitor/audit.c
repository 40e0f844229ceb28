/*
 * audit.c - the audit chain: every screening decision (search, batch row,
 * API match, register screen with a hit) and every alert decision appended
 * as an entry whose hash covers its content and the hash of the entry before
 * it, so that an edited, removed or reordered entry breaks the chain where
 * it happened (em_audit_verify); the chain's head is also kept apart, so that
 * entries cut from the end are found too. A screening entry holds what it
 * takes to reproduce it: the query, the options, the list versions, the
 * engine and knowledge versions and the results; em_audit_replay screens it
 * again on those very versions (compiled into HOME/snapshots/past/).
 *
 *   hash = SHA-256("embargo-audit-1\n" seq "\n" at "\n" kind "\n" user "\n" prev "\n" payload)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/error.h"
#include "engine/engine_open.h"
#include "match/matcher_build.h"
#include "match/results.h"
#include "monitor/monitor_internal.h"
#include "monitor/record.h"

static void entry_hash(const em_maudit *a, char out[65]) {
    em_buf b;
    em_buf_init(&b);
    em_buf_printf(&b, "embargo-audit-1\n%lld\n%s\n%s\n%s\n%s\n", (long long)a->seq, a->at, a->kind,
                  a->user, a->prev);
    em_buf_adds(&b, a->payload);
    em_sha256_hex(b.data, b.len, out);
    em_buf_free(&b);
}

int em_audit_append(em_monitor *m, const char *kind, const char *user, json_t *payload, int in_tx,
                    int64_t *seq, em_error *err) {
    if (!in_tx && em_mdb_begin(m->st, err) != 0) return -1;
    em_maudit a = {0};
    char prev[65], hash[65], now[32];
    int64_t last = 0;
    int rc = em_mdb_audit_last(m->st, &last, prev, err);
    char *txt = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (rc == 0) {
        em_now_iso(now);
        a.seq = last + 1;
        a.at = now;
        a.kind = kind;
        a.user = user && *user ? user : "unknown";
        a.payload = txt;
        a.prev = prev;
        entry_hash(&a, hash);
        a.hash = hash;
        rc = em_mdb_audit_insert(m->st, &a, err);
    }
    free(txt);
    if (!in_tx) {
        if (rc == 0)
            rc = em_mdb_commit(m->st, err);
        else
            em_mdb_rollback(m->st);
    }
    if (rc == 0 && seq) *seq = a.seq;
    return rc;
}

/* The knowledge version results were screened with: what the engine's matcher hashed
   once, when it loaded the tables (results carry it), not the files read again for every
   entry; results of em_search carry none, and the files' hash stands for it. */
static void results_knowledge(const em_results *res, char out[17]) {
    if (res && res->knowledge[0])
        memcpy(out, res->knowledge, 17);
    else
        em_knowledge_version(out);
}

json_t *em_audit_screening_payload(const em_party *p, const em_screen_options *o,
                                   const em_results *res) {
    json_t *j = json_object();
    json_object_set_new(j, "query", em_party_facts(p));
    json_t *opt = json_object();
    double threshold = o && o->threshold > 0 ? o->threshold : EM_DEFAULT_THRESHOLD;
    json_object_set_new(opt, "threshold", json_real(threshold));
    json_object_set_new(opt, "limit", json_integer(o && o->limit ? (json_int_t)o->limit : 10));
    json_object_set_new(opt, "all", json_boolean(o && o->all));
    json_object_set_new(opt, "cutoff", json_real(o ? o->cutoff : 0));
    json_t *ds = json_array();
    for (size_t i = 0; o && i < o->ndatasets; i++)
        json_array_append_new(ds, json_string(o->datasets[i]));
    json_object_set_new(opt, "datasets", ds);
    json_object_set_new(j, "options", opt);
    json_t *lists = json_array();
    for (size_t i = 0; i < em_results_list_count(res); i++) {
        const em_list_info *l = em_results_list(res, i);
        json_t *x = json_object();
        json_object_set_new(x, "source", json_string(l->source));
        json_object_set_new(x, "version", json_integer(l->version));
        json_array_append_new(lists, x);
    }
    json_object_set_new(j, "lists", lists);
    json_object_set_new(j, "engine", json_string(EMBARGO_VERSION));
    char kv[17];
    results_knowledge(res, kv);
    json_object_set_new(j, "knowledge", json_string(kv));
    json_t *rs = json_array();
    for (size_t i = 0; i < em_results_count(res); i++) {
        const em_result *x = em_results_get(res, i);
        json_t *r = json_object();
        json_object_set_new(r, "id", json_string(x->id));
        json_object_set_new(r, "caption", json_string(x->caption ? x->caption : ""));
        json_object_set_new(r, "dataset", json_string(x->source ? x->source : ""));
        json_object_set_new(r, "list_version", json_integer(x->version));
        json_object_set_new(r, "score", json_real(x->score));
        json_object_set_new(r, "match", json_boolean(x->match));
        json_array_append_new(rs, r);
    }
    json_object_set_new(j, "results", rs);
    return j;
}

int em_audit_screening(em_monitor *m, const char *kind, const char *user, const em_party *p,
                       const em_screen_options *opts, const em_results *res, int64_t *seq,
                       em_error *err) {
    if (!kind || (strcmp(kind, "search") && strcmp(kind, "screen") && strcmp(kind, "match")))
        return em_fail(err, EM_ERR_USAGE, "an audited screening is a search, screen or match");
    json_t *payload = em_audit_screening_payload(p, opts, res);
    pthread_mutex_lock(&m->lock);
    int rc = em_audit_append(m, kind, user, payload, 0, seq, err);
    pthread_mutex_unlock(&m->lock);
    json_decref(payload);
    return rc;
}

/* ---- verify -------------------------------------------------------------------- */

typedef struct verify_ctx {
    em_audit_verify_report *rep;
    int64_t expect;
    char prev[65];
} verify_ctx;

static int verify_one(void *ctx, const em_maudit *a) {
    verify_ctx *v = ctx;
    em_audit_verify_report *rep = v->rep;
    rep->entries++;
    if (!rep->ok) return 0;
    char h[65];
    entry_hash(a, h);
    if (a->seq != v->expect) {
        rep->ok = 0;
        rep->first_bad = v->expect;
        snprintf(rep->problem, sizeof rep->problem,
                 a->seq > v->expect ? "entries %lld to %lld are missing (removed)"
                                    : "entry %lld is out of order",
                 (long long)v->expect, (long long)a->seq - 1);
    } else if (strcmp(a->prev, v->prev) != 0) {
        rep->ok = 0;
        rep->first_bad = a->seq;
        snprintf(rep->problem, sizeof rep->problem,
                 "entry %lld does not follow entry %lld: entries were removed, inserted or "
                 "reordered",
                 (long long)a->seq, (long long)a->seq - 1);
    } else if (strcmp(h, a->hash) != 0) {
        rep->ok = 0;
        rep->first_bad = a->seq;
        snprintf(rep->problem, sizeof rep->problem,
                 "entry %lld was altered: its content does not give its hash", (long long)a->seq);
    }
    snprintf(v->prev, sizeof v->prev, "%s", a->hash);
    v->expect = a->seq + 1;
    return 0;
}

int em_audit_verify(em_monitor *m, em_audit_verify_report *rep, em_error *err) {
    memset(rep, 0, sizeof *rep);
    rep->ok = 1;
    verify_ctx v = {rep, 1, ""};
    pthread_mutex_lock(&m->lock);
    int rc = em_mdb_audit_each(m->st, NULL, NULL, verify_one, &v, err);
    char *head = em_mdb_audit_head(m->st);
    pthread_mutex_unlock(&m->lock);
    if (rc == 0) {
        snprintf(rep->head, sizeof rep->head, "%s", v.prev);
        char *expect = rep->entries ? em_xasprintf("%lld:%s", (long long)v.expect - 1, v.prev)
                                    : em_xstrdup("");
        if (rep->ok && strcmp(head, expect) != 0) {
            rep->ok = 0;
            char *colon = strchr(head, ':');
            rep->first_bad = colon ? atoll(head) : 1;
            snprintf(rep->problem, sizeof rep->problem,
                     "the chain's recorded head is entry %s but the last entry is %lld: entries "
                     "were removed from the end",
                     head[0] ? head : "(none)", (long long)v.expect - 1);
        }
        free(expect);
    }
    free(head);
    return rc;
}

/* ---- replay -------------------------------------------------------------------- */

static int same_results(json_t *then, const em_results *now) {
    if (json_array_size(then) != em_results_count(now)) return 0;
    for (size_t i = 0; i < em_results_count(now); i++) {
        json_t *t = json_array_get(then, i);
        const em_result *x = em_results_get(now, i);
        if (strcmp(json_string_value(json_object_get(t, "id")), x->id) != 0) return 0;
        if (fabs(json_real_value(json_object_get(t, "score")) - x->score) > 1e-9) return 0;
        if (json_is_true(json_object_get(t, "match")) != (x->match != 0)) return 0;
    }
    return 1;
}

int em_audit_replay(em_monitor *m, int64_t seq, int *same, char **json, em_error *err) {
    *same = 0;
    *json = NULL;
    em_maudit a;
    pthread_mutex_lock(&m->lock);
    int rc = em_mdb_audit_get(m->st, seq, &a, err);
    pthread_mutex_unlock(&m->lock);
    if (rc != 0) return -1;
    json_t *p = json_loads(a.payload, 0, NULL);
    json_t *q = p ? json_object_get(p, "query") : NULL;
    if (!q) {
        rc = em_fail(err, EM_ERR_USAGE,
                     "audit entry %lld is a %s, not a screening: only screenings are replayed",
                     (long long)seq, a.kind);
    }
    em_party *party = rc == 0 ? em_record_party(q, err) : NULL;
    if (rc == 0 && !party) rc = -1;
    json_t *lists = p ? json_object_get(p, "lists") : NULL;
    size_t n = json_array_size(lists);
    int64_t *ids = em_xcalloc(n + 1, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = json_integer_value(json_object_get(json_array_get(lists, i), "version"));
    if (rc == 0 && n == 0)
        rc = em_fail(err, EM_ERR_USAGE, "audit entry %lld names no list versions", (long long)seq);
    em_matcher *mt = NULL;
    em_engine *e = NULL;
    em_results *res = NULL;
    if (rc == 0) {
        pthread_mutex_lock(&m->lock);
        rc = em_matcher_open_versions(&mt, m->st, ids, n, err);
        pthread_mutex_unlock(&m->lock);
    }
    if (rc == 0 && em_engine_open_matcher(&e, mt, err) != 0) {
        em_matcher_close(mt);
        rc = -1;
    }
    json_t *opt = p ? json_object_get(p, "options") : NULL;
    const char **ds = NULL;
    size_t nds = json_array_size(json_object_get(opt, "datasets"));
    if (nds) {
        ds = em_xcalloc(nds, sizeof *ds);
        for (size_t i = 0; i < nds; i++)
            ds[i] = json_string_value(json_array_get(json_object_get(opt, "datasets"), i));
    }
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION,
                            json_real_value(json_object_get(opt, "threshold")),
                            (size_t)json_integer_value(json_object_get(opt, "limit")),
                            json_is_true(json_object_get(opt, "all")),
                            json_real_value(json_object_get(opt, "cutoff")),
                            ds,
                            nds};
    if (rc == 0) rc = em_engine_screen(e, party, &so, &res, err);
    if (rc == 0) {
        json_t *then = json_object_get(p, "results");
        *same = same_results(then, res);
        json_t *out = json_object();
        json_object_set_new(out, "seq", json_integer(seq));
        json_object_set_new(out, "kind", json_string(a.kind));
        json_object_set_new(out, "at", json_string(a.at));
        json_object_set_new(out, "user", json_string(a.user));
        json_object_set_new(out, "same", json_boolean(*same));
        json_object_set(out, "lists", lists);
        json_object_set(out, "query", q);
        json_object_set(out, "engine_then", json_object_get(p, "engine"));
        json_object_set_new(out, "engine_now", json_string(EMBARGO_VERSION));
        char kv[17];
        results_knowledge(res, kv);
        json_object_set(out, "knowledge_then", json_object_get(p, "knowledge"));
        json_object_set_new(out, "knowledge_now", json_string(kv));
        json_object_set(out, "results_then", then);
        json_t *now = em_audit_screening_payload(party, &so, res);
        json_object_set(out, "results_now", json_object_get(now, "results"));
        json_decref(now);
        *json = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(out);
    }
    em_results_free(res);
    em_engine_close(e);
    em_party_free(party);
    free(ds);
    free(ids);
    json_decref(p);
    em_maudit_clear(&a);
    return rc;
}

/* ---- export -------------------------------------------------------------------- */

typedef struct export_ctx {
    FILE *out;
    int json, n;
} export_ctx;

static void csv_field(FILE *f, const char *s) {
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int export_one(void *ctx, const em_maudit *a) {
    export_ctx *x = ctx;
    json_t *p = json_loads(a->payload, 0, NULL);
    if (x->json) {
        json_t *o = json_object();
        json_object_set_new(o, "seq", json_integer(a->seq));
        json_object_set_new(o, "at", json_string(a->at));
        json_object_set_new(o, "kind", json_string(a->kind));
        json_object_set_new(o, "user", json_string(a->user));
        json_object_set(o, "entry", p ? p : json_null());
        json_object_set_new(o, "hash", json_string(a->hash));
        char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fprintf(x->out, "%s\n  %s", x->n++ ? "," : "", t);
        free(t);
        json_decref(o);
        json_decref(p);
        return 0;
    }
    /* CSV: date, user, kind, list versions, query, hits, scores, decision */
    em_buf lists, query, hits, scores, decision;
    em_buf_init(&lists), em_buf_init(&query), em_buf_init(&hits), em_buf_init(&scores);
    em_buf_init(&decision);
    size_t i;
    json_t *v;
    json_t *ls = json_object_get(p, "lists");
    if (json_is_array(ls)) {
        json_array_foreach(ls, i, v) {
            em_buf_printf(&lists, "%s%s=%lld", i ? " " : "",
                          json_string_value(json_object_get(v, "source")),
                          (long long)json_integer_value(json_object_get(v, "version")));
        }
    } else if (json_is_string(json_object_get(p, "lists"))) {
        em_buf_adds(&lists, json_string_value(json_object_get(p, "lists")));
    } else if (json_object_get(p, "list_version")) {
        em_buf_printf(&lists, "%s=%lld", json_string_value(json_object_get(p, "dataset")),
                      (long long)json_integer_value(json_object_get(p, "list_version")));
    }
    json_t *q = json_object_get(p, "query");
    if (q) {
        json_array_foreach(json_object_get(q, "names"), i, v) {
            em_buf_printf(&query, "%s%s", query.len ? "; " : "", json_string_value(v));
        }
        if (json_object_get(p, "record_id"))
            em_buf_printf(&query, " (record %s)",
                          json_string_value(json_object_get(p, "record_id")));
    } else if (json_object_get(p, "record_id")) {
        em_buf_printf(&query, "record %s", json_string_value(json_object_get(p, "record_id")));
    } else if (json_object_get(p, "register")) {
        em_buf_printf(&query, "register %s", json_string_value(json_object_get(p, "register")));
    }
    json_array_foreach(json_object_get(p, "results"), i, v) {
        if (!json_is_true(json_object_get(v, "match"))) continue;
        em_buf_printf(&hits, "%s%s", hits.len ? "; " : "",
                      json_string_value(json_object_get(v, "id")));
        em_buf_printf(&scores, "%s%.3f", scores.len ? "; " : "",
                      json_real_value(json_object_get(v, "score")));
    }
    if (json_object_get(p, "entity_id")) {
        em_buf_adds(&hits, json_string_value(json_object_get(p, "entity_id")));
        em_buf_printf(&scores, "%.3f", json_real_value(json_object_get(p, "score")));
        em_buf_printf(&decision, "%s -> %s: %s",
                      json_string_value(json_object_get(p, "state_before")),
                      json_string_value(json_object_get(p, "state")),
                      json_string_value(json_object_get(p, "comment")));
    }
    fprintf(x->out, "%lld,", (long long)a->seq);
    csv_field(x->out, a->at);
    fputc(',', x->out);
    csv_field(x->out, a->kind);
    fputc(',', x->out);
    csv_field(x->out, a->user);
    fputc(',', x->out);
    csv_field(x->out, em_buf_cstr(&lists));
    fputc(',', x->out);
    csv_field(x->out, em_buf_cstr(&query));
    fputc(',', x->out);
    csv_field(x->out, em_buf_cstr(&hits));
    fputc(',', x->out);
    csv_field(x->out, em_buf_cstr(&scores));
    fputc(',', x->out);
    csv_field(x->out, em_buf_cstr(&decision));
    fputc(',', x->out);
    csv_field(x->out, a->hash);
    fputc('\n', x->out);
    em_buf_free(&lists), em_buf_free(&query), em_buf_free(&hits), em_buf_free(&scores);
    em_buf_free(&decision);
    json_decref(p);
    return 0;
}

/* "2026-12-01" -> a bound that covers the whole day */
static char *bound(const char *d, int end) {
    if (!d || !*d) return NULL;
    if (strlen(d) == 10) return em_xasprintf("%sT%s", d, end ? "23:59:59Z" : "00:00:00Z");
    return em_xstrdup(d);
}

int em_audit_export(em_monitor *m, const char *from, const char *to, const char *format, void *out,
                    em_error *err) {
    int json = format && !strcmp(format, "json");
    if (format && *format && !json && strcmp(format, "csv"))
        return em_fail(err, EM_ERR_USAGE, "unknown export format '%.20s' (csv or json)", format);
    export_ctx x = {out, json, 0};
    if (json)
        fputs("[", x.out);
    else
        fputs("seq,at,kind,user,list_versions,query,hits,scores,decision,hash\n", x.out);
    char *f = bound(from, 0), *t = bound(to, 1);
    pthread_mutex_lock(&m->lock);
    int rc = em_mdb_audit_each(m->st, f, t, export_one, &x, err);
    pthread_mutex_unlock(&m->lock);
    free(f);
    free(t);
    if (json) fputs(x.n ? "\n]\n" : "]\n", x.out);
    return rc;
}
