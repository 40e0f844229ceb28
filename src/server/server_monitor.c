/*
 * server_monitor.c - continuous monitoring over HTTP (issue 9), translated to
 * and from em_monitor (include/embargo.h): registers (list, a record, import
 * of an uploaded CSV/JSONL file, full screen, webhook), alerts (the queue,
 * one alert, decisions with four eyes, assignment), the good-guy list, and
 * the audit chain (verify, replay, export). Also the server's one monitor
 * (opened on the server's engine once lists are loaded), the audit entry of
 * each API screening (/match, /search: srv_audit_screening) and the monitor
 * thread: when the server swaps to a new list generation (server_reload.c
 * calls srv_monitor_changed) it re-screens the registers by delta
 * (em_monitor_sync) and sends the webhooks due (em_monitor_deliver), off the
 * HTTP and screening threads; it also retries webhooks now and then.
 *
 * Who acts: with API keys, the key's name (else its id, a hash prefix) is
 * the analyst of every decision, never a field of the body; without keys
 * (loopback only) the body's "user" or "local". Scopes are checked before
 * (server.c precheck): analyst routes need analyst or admin, admin routes
 * admin. Bad input is a 4xx JSON error with the library's reason.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "server/server_internal.h"

/* how often the monitor thread retries webhooks without a list change, ms */
#define SRV_DELIVER_EVERY_MS 30000
#define MAX_REGISTER_NAME 128
#define MAX_ALERTS_LIMIT 1000

struct srv_mon {
    pthread_mutex_t lock; /* m, the flags */
    pthread_cond_t cond;
    em_monitor *m;
    int sync_pending; /* a new generation was swapped in */
    int stopping;
    pthread_t thread;
    int running;
};

/* ---- the monitor of the server's engine ------------------------------------------- */

void srv_monitor_init(em_server *s) {
    s->mon = em_xcalloc(1, sizeof *s->mon);
    pthread_mutex_init(&s->mon->lock, NULL);
    pthread_cond_init(&s->mon->cond, NULL);
}

/* the monitor, opened the first time (NULL with err set when it cannot be) */
static em_monitor *monitor_get(em_server *s, em_error *err) {
    srv_mon *mo = s->mon;
    pthread_mutex_lock(&mo->lock);
    em_monitor *m = mo->m;
    if (!m) {
        srv_gen *g = srv_gen_acquire(s);
        if (!g) {
            em_fail(err, EM_ERR_NOTFOUND, "no list is loaded yet");
        } else {
            em_monitor_options o = {EM_MONITOR_OPTIONS_VERSION, 0, 0, NULL, NULL};
            const char *nfe = getenv("EMBARGO_NO_FOUR_EYES"); /* as the CLI */
            o.no_four_eyes = nfe && strcmp(nfe, "1") == 0;
            o.threads = s->opts.match_workers;
            if (em_monitor_open(&mo->m, g->engine, &o, err) == 0) m = mo->m;
            srv_gen_release(s, g);
        }
    }
    pthread_mutex_unlock(&mo->lock);
    return m;
}

/* the monitor, or NULL with a 503 */
static em_monitor *monitor_or_503(em_server *s, srv_response *r) {
    em_error err = {0};
    em_monitor *m = monitor_get(s, &err);
    if (m) return m;
    if (err.code == EM_ERR_NOTFOUND)
        srv_not_ready(s, r);
    else
        srv_error(r, 503, "monitor_unavailable", "the monitor cannot be opened: %s", err.message);
    return NULL;
}

/* registers in the home (without opening the monitor) */
static size_t register_count(em_server *s) {
    pthread_mutex_lock(&s->st_lock);
    size_t n = em_store_register_count(s->st);
    pthread_mutex_unlock(&s->st_lock);
    return n;
}

/* ---- the monitor thread: delta re-screening on a new generation, webhooks ---------- */

static void sync_now(em_server *s) {
    if (!register_count(s)) return;
    em_error err = {0};
    em_monitor *m = monitor_get(s, &err);
    if (!m) {
        fprintf(stderr, "embargo: registers not re-screened: %s\n", err.message);
        return;
    }
    em_monitor_report *reps = NULL;
    size_t n = 0;
    unsigned long long gen = (unsigned long long)atomic_load(&s->generation);
    if (em_monitor_sync(m, &reps, &n, &err) != 0) {
        fprintf(stderr, "embargo: re-screening the registers failed (generation %llu): %s\n", gen,
                err.message);
    } else if (!n) {
        fprintf(stderr, "embargo: registers up to date with generation %llu\n", gen);
    } else {
        for (size_t i = 0; i < n; i++) {
            const em_monitor_report *x = &reps[i];
            fprintf(stderr,
                    "embargo: register %s re-screened for generation %llu: %s screen of %zu "
                    "records (%zu changed listed entities), alerts %zu opened, %zu reopened, %zu "
                    "closed, %zu changed, %zu noted, %zu suppressed (%.2f s)\n",
                    x->register_name ? x->register_name : "?", gen, x->full ? "full" : "delta",
                    x->screened, x->entities_checked, x->alerts_opened, x->alerts_reopened,
                    x->alerts_closed, x->alerts_updated, x->alerts_noted, x->suppressed,
                    x->seconds);
        }
    }
    free(reps);
}

static void deliver_now(em_server *s) {
    if (!register_count(s)) return;
    em_error err = {0};
    em_monitor *m = monitor_get(s, &err);
    if (!m) return;
    size_t sent = 0, failed = 0;
    if (em_monitor_deliver(m, &sent, &failed, &err) != 0)
        fprintf(stderr, "embargo: webhook delivery failed: %s\n", err.message);
    else if (sent || failed)
        fprintf(stderr, "embargo: webhooks: %zu delivered, %zu failed (retried later)\n", sent,
                failed);
}

static void *monitor_main(void *arg) {
    em_server *s = arg;
    srv_mon *mo = s->mon;
    for (;;) {
        pthread_mutex_lock(&mo->lock);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += SRV_DELIVER_EVERY_MS / 1000;
        int w = 0;
        while (!mo->sync_pending && !mo->stopping && w != ETIMEDOUT)
            w = pthread_cond_timedwait(&mo->cond, &mo->lock, &ts);
        int stop = mo->stopping, sync = mo->sync_pending;
        mo->sync_pending = 0;
        pthread_mutex_unlock(&mo->lock);
        if (stop) break;
        if (sync) sync_now(s);
        deliver_now(s);
    }
    return NULL;
}

int srv_monitor_start(em_server *s) {
    if (pthread_create(&s->mon->thread, NULL, monitor_main, s) != 0) return -1;
    s->mon->running = 1;
    return 0;
}

void srv_monitor_changed(em_server *s) {
    if (!s->mon) return;
    pthread_mutex_lock(&s->mon->lock);
    s->mon->sync_pending = 1;
    pthread_cond_signal(&s->mon->cond);
    pthread_mutex_unlock(&s->mon->lock);
}

void srv_monitor_stop(em_server *s) {
    srv_mon *mo = s->mon;
    if (!mo) return;
    pthread_mutex_lock(&mo->lock);
    mo->stopping = 1;
    pthread_cond_broadcast(&mo->cond);
    pthread_mutex_unlock(&mo->lock);
    if (mo->running) pthread_join(mo->thread, NULL);
    em_monitor_close(mo->m);
    pthread_mutex_destroy(&mo->lock);
    pthread_cond_destroy(&mo->cond);
    free(mo);
    s->mon = NULL;
}

/* ---- the audit of API screenings ----------------------------------------------------- */

int srv_audit_screening(em_server *s, const char *kind, const char *user, const em_party *p,
                        const em_screen_options *o, const em_results *res, srv_response *r) {
    em_error err = {0};
    em_monitor *m = monitor_get(s, &err);
    if (m && em_audit_screening(m, kind, user, p, o, res, NULL, &err) == 0) return 0;
    /* every API decision is audited: a screening that cannot be recorded is not answered */
    srv_error(r, 503, "audit_unavailable",
              "the screening could not be written to the audit trail (%s); retry", err.message);
    return -1;
}

const char *srv_user_of(const srv_key *k) {
    if (!k) return "local";
    return k->name[0] ? k->name : k->id;
}

/* ---- helpers ----------------------------------------------------------------------- */

/* segment i (0-based) of "/a/b/c" into buf; NULL when absent */
static const char *segment(const char *path, size_t i, char *buf, size_t cap) {
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) return NULL;
        size_t n = strcspn(p, "/");
        if (i-- == 0) {
            if (n >= cap) n = cap - 1;
            memcpy(buf, p, n);
            buf[n] = '\0';
            return buf;
        }
        p += n;
    }
}

/* a positive decimal integer, digits only */
static int parse_id(const char *v, int64_t *out) {
    if (!v || !*v || strlen(v) > 18) return -1;
    int64_t n = 0;
    for (const char *c = v; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        n = n * 10 + (*c - '0');
    }
    if (n < 1) return -1;
    *out = n;
    return 0;
}

static int parse_count(const char *v, size_t lo, size_t hi, size_t *out) {
    if (!v || !*v || strlen(v) > 9) return -1;
    size_t n = 0;
    for (const char *c = v; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        n = n * 10 + (size_t)(*c - '0');
    }
    if (n < lo || n > hi) return -1;
    *out = n;
    return 0;
}

/* "7d", "12h", "30m", "90s" or seconds */
static int parse_age(const char *v, int64_t *out) {
    if (!v || !*v) return -1;
    int64_t n = 0;
    const char *c = v;
    for (; *c >= '0' && *c <= '9'; c++) {
        n = n * 10 + (*c - '0');
        if (n > 100000000) return -1;
    }
    if (c == v) return -1;
    int64_t mult = 1;
    if (*c == 'd')
        mult = 86400, c++;
    else if (*c == 'h')
        mult = 3600, c++;
    else if (*c == 'm')
        mult = 60, c++;
    else if (*c == 's')
        c++;
    if (*c) return -1;
    *out = n * mult;
    return 0;
}

/* an ISO date or date-time bound of the audit export ("2026-12-01", "2026-12-01T10:00:00Z") */
static int valid_bound(const char *v) {
    static const char PATTERN[] = "dddd-dd-ddTdd:dd:ddZ";
    size_t n = strlen(v);
    if (n != 10 && n != 16 && n != 17 && n != 19 && n != 20) return 0;
    for (size_t i = 0; i < n; i++) {
        char p = PATTERN[i];
        if (p == 'd' ? !isdigit((unsigned char)v[i]) : v[i] != p) return 0;
    }
    return n != 17 || v[16] == 'Z';
}

/* the register name of the path, or NULL with a 400 */
static const char *register_name(const char *path, char *buf, size_t cap, srv_response *r) {
    const char *name = segment(path, 1, buf, cap);
    if (!name || strlen(name) > MAX_REGISTER_NAME || !srv_utf8_valid(name, strlen(name))) {
        srv_error(r, 400, "invalid_register",
                  "a register name is 1 to %d bytes of UTF-8 (such as customers)",
                  MAX_REGISTER_NAME);
        return NULL;
    }
    return name;
}

/* the number in segment i of the path, or -1 with a 400 */
static int path_id(const char *path, size_t i, const char *what, int64_t *id, srv_response *r) {
    char buf[64];
    if (parse_id(segment(path, i, buf, sizeof buf), id) != 0) {
        srv_error(r, 400, "invalid_id", "the %s number must be a positive decimal integer", what);
        return -1;
    }
    return 0;
}

/* the JSON object of a body, or NULL with a 400 */
static json_t *body_object(const srv_call *c, srv_response *r) {
    if (!c->body || !c->len) {
        srv_error(r, 400, "invalid_json", "empty body: expected a JSON object");
        return NULL;
    }
    json_error_t je;
    json_t *o = json_loadb(c->body, c->len, 0, &je);
    if (!o) {
        srv_error(r, 400,
                  json_error_code(&je) == json_error_invalid_utf8 ? "invalid_utf8" : "invalid_json",
                  "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        srv_error(r, 400, "invalid_request", "the body must be a JSON object");
        return NULL;
    }
    return o;
}

/* a string member: *out NULL when absent; -1 with a 400 when not a string */
static int member_string(json_t *o, const char *key, const char **out, srv_response *r) {
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) {
        srv_error(r, 400, "invalid_request", "\"%s\" must be a string", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/* who acts: the key's name; without keys the body's "user" or "local" */
static const char *actor(const srv_call *c, json_t *body) {
    if (c->key) return srv_user_of(c->key);
    const char *u = json_string_value(json_object_get(body, "user"));
    return u && *u ? u : "local";
}

/* the library's refusal as a 4xx (or a 500 for a failure of its own) */
static void failed(srv_response *r, const em_error *err, int usage_status, const char *usage_code) {
    switch (err->code) {
    case EM_ERR_NOTFOUND:
        srv_error(r, 404, "not_found", "%s", err->message);
        break;
    case EM_ERR_USAGE:
        srv_error(r, usage_status, usage_code, "%s", err->message);
        break;
    case EM_ERR_CONFLICT: /* the alert's state: fetch it again and decide on what it is now */
        srv_error(r, 409, "conflict", "%s", err->message);
        break;
    case EM_ERR_FORMAT:
        srv_error(r, 422, "invalid_file", "%s", err->message);
        break;
    default:
        srv_error(r, 500, "internal", "%s", err->message);
    }
}

/* a JSON text of the library as the response body (takes it) */
static void text_body(srv_response *r, char *text) {
    r->status = 200;
    r->body = text;
    r->len = text ? strlen(text) : 0;
}

static json_t *report_json(const em_monitor_report *x) {
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
        "s:I, s:I, s:I, s:s, s:f}",
        "register", x->register_name ? x->register_name : "", "records", (json_int_t)x->records,
        "added", (json_int_t)x->added, "changed", (json_int_t)x->changed, "removed",
        (json_int_t)x->removed, "unchanged", (json_int_t)x->unchanged, "full", x->full, "screened",
        (json_int_t)x->screened, "entities_checked", (json_int_t)x->entities_checked,
        "alerts_opened", (json_int_t)x->alerts_opened, "alerts_reopened",
        (json_int_t)x->alerts_reopened, "alerts_closed", (json_int_t)x->alerts_closed,
        "alerts_changed", (json_int_t)x->alerts_updated, "alerts_noted",
        (json_int_t)x->alerts_noted, "suppressed", (json_int_t)x->suppressed, "webhooks_queued",
        (json_int_t)x->webhooks_queued, "warnings", (json_int_t)x->warnings, "first_warning",
        x->first_warning, "seconds", x->seconds);
    if (!x->full) /* where a delta's records came from (embargo.h) */
        json_object_set_new(o, "delta",
                            json_pack("{s:I, s:I, s:I, s:f}", "by_search", (json_int_t)x->by_search,
                                      "by_rare_name", (json_int_t)x->by_rare_name, "by_score",
                                      (json_int_t)x->by_score, "band", x->band));
    return o;
}

/* the upload's temporary file in a message ("/home/upload-Ab12Cd:3: ...") becomes "body" */
static void hide_upload_name(em_error *err, const char *upload) {
    const char *base = strrchr(upload, '/');
    base = base ? base + 1 : upload;
    const char *names[] = {upload, base};
    for (size_t i = 0; i < 2; i++) {
        char *at;
        while ((at = strstr(err->message, names[i]))) {
            char rest[sizeof err->message];
            snprintf(rest, sizeof rest, "%s", at + strlen(names[i]));
            snprintf(at, sizeof err->message - (size_t)(at - err->message), "body%s", rest);
        }
    }
}

/* ---- registers ----------------------------------------------------------------------- */

static void registers(em_server *s, em_monitor *m, const srv_call *c, srv_response *r) {
    em_error err = {0};
    char nbuf[MAX_REGISTER_NAME + 2], idbuf[300];
    char *out = NULL;
    if (!segment(c->path, 1, nbuf, sizeof nbuf)) { /* GET /registers */
        if (em_register_list_json(m, &out, &err) != 0) {
            failed(r, &err, 400, "invalid");
            return;
        }
        {
            text_body(r, out);
            return;
        }
    }
    const char *name = register_name(c->path, nbuf, sizeof nbuf, r);
    if (!name) return;
    char what[16] = "";
    segment(c->path, 2, what, sizeof what);
    if (!strcmp(what, "records")) {
        const char *id = segment(c->path, 3, idbuf, sizeof idbuf);
        if (!id || strlen(id) > 256 || !srv_utf8_valid(id, strlen(id))) {
            srv_error(r, 400, "invalid_id", "a record id is 1 to 256 bytes of UTF-8");
            return;
        }
        if (em_register_record_json(m, name, id, &out, &err) != 0) {
            failed(r, &err, 400, "invalid_request");
            return;
        }
        {
            text_body(r, out);
            return;
        }
    }
    em_monitor_report rep;
    if (!strcmp(what, "import")) {
        if (!c->upload) {
            srv_error(r, 400, "empty_body",
                      "the body is the register file: CSV with a header (id, name, "
                      "schema, birth_date, nationality, ...) or JSON lines");
            return;
        }
        const char *pv = srv_params_get(c->params, "partial");
        if (pv && strcmp(pv, "0") && strcmp(pv, "1") && strcmp(pv, "true") && strcmp(pv, "false")) {
            srv_error(r, 400, "invalid_parameter", "partial is 1 or 0");
            return;
        }
        int partial = pv && (!strcmp(pv, "1") || !strcmp(pv, "true"));
        if (em_register_import(m, name, c->upload, partial, &rep, &err) != 0) {
            hide_upload_name(&err, c->upload);
            {
                failed(r, &err, 400, "invalid_request");
                return;
            }
        }
        {
            srv_json(r, 200, report_json(&rep));
            return;
        }
    }
    if (!strcmp(what, "screen")) {
        if (em_register_screen(m, name, &rep, &err) != 0) {
            failed(r, &err, 400, "invalid_request");
            return;
        }
        {
            srv_json(r, 200, report_json(&rep));
            return;
        }
    }
    if (!strcmp(what, "webhook")) {
        json_t *b = body_object(c, r);
        if (!b) return;
        const char *url, *secret;
        if (member_string(b, "url", &url, r) == 0 && member_string(b, "secret", &secret, r) == 0) {
            if (!json_object_get(b, "url"))
                srv_error(r, 400, "invalid_request",
                          "expected {\"url\": \"https://...\", \"secret\": \"...\"} (url \"\" "
                          "removes the webhook)");
            else if (em_register_set_webhook(m, name, url, secret, &err) != 0)
                failed(r, &err, 422, "invalid_webhook");
            else
                srv_json(r, 200,
                         json_pack("{s:s, s:o, s:b}", "register", name, "webhook",
                                   url && *url ? json_string(url) : json_null(), "signed",
                                   secret && *secret));
        }
        json_decref(b);
        return;
    }
    (void)s;
    srv_error(r, 404, "not_found", "no such path");
}

/* ---- alerts ---------------------------------------------------------------------------- */

static void alerts(em_monitor *m, const srv_call *c, srv_response *r) {
    em_error err = {0};
    char *out = NULL;
    char seg[64];
    if (!segment(c->path, 1, seg, sizeof seg)) { /* GET /alerts */
        em_alert_filter f = {0};
        const char *v;
        f.register_name = srv_params_get(c->params, "register");
        f.state = srv_params_get(c->params, "state");
        f.assignee = srv_params_get(c->params, "assignee");
        for (size_t i = 0; i < c->params->len; i++)
            if (!srv_utf8_valid(c->params->values[i], strlen(c->params->values[i]))) {
                srv_error(r, 400, "invalid_utf8", "a query parameter is not valid UTF-8");
                return;
            }
        if ((v = srv_params_get(c->params, "older_than")) && *v && parse_age(v, &f.older_than_s)) {
            srv_error(r, 400, "invalid_parameter",
                      "older_than is an age such as 7d, 12h, 30m, 90s or seconds");
            return;
        }
        if ((v = srv_params_get(c->params, "limit")) &&
            parse_count(v, 1, MAX_ALERTS_LIMIT, &f.limit)) {
            srv_error(r, 400, "invalid_parameter",
                      "limit must be a decimal integer between 1 and %d", MAX_ALERTS_LIMIT);
            return;
        }
        if ((v = srv_params_get(c->params, "offset")) && parse_count(v, 0, 1000000000, &f.offset)) {
            srv_error(r, 400, "invalid_parameter", "offset must be a decimal integer of 0 or more");
            return;
        }
        if (em_alerts_json(m, &f, &out, &err) != 0) {
            failed(r, &err, 400, "invalid_parameter");
            return;
        }
        {
            text_body(r, out);
            return;
        }
    }
    int64_t id;
    if (path_id(c->path, 1, "alert", &id, r) != 0) return;
    char what[16] = "";
    segment(c->path, 2, what, sizeof what);
    if (!what[0]) {
        if (em_alert_json(m, id, &out, &err) != 0) {
            failed(r, &err, 400, "invalid_request");
            return;
        }
        {
            text_body(r, out);
            return;
        }
    }
    json_t *b = body_object(c, r);
    if (!b) return;
    int rc = 0;
    if (!strcmp(what, "decision")) {
        const char *decision, *comment;
        if (member_string(b, "decision", &decision, r) || member_string(b, "comment", &comment, r))
            goto done;
        if (!decision) {
            srv_error(r, 400, "invalid_request",
                      "expected {\"decision\": \"false_positive\" | \"true_match\" | \"escalate\" "
                      "| \"reopen\", \"comment\": \"why\"}");
            goto done;
        }
        rc = em_alert_decide(m, id, decision, comment, actor(c, b), &err);
    } else { /* assign */
        const char *assignee;
        if (member_string(b, "user", &assignee, r)) goto done;
        rc = em_alert_assign(m, id, assignee, c->key ? srv_user_of(c->key) : "local", &err);
    }
    if (rc != 0) {
        failed(r, &err, 422, "refused");
        goto done;
    }
    if (em_alert_json(m, id, &out, &err) != 0)
        failed(r, &err, 400, "invalid_request");
    else
        text_body(r, out);
done:
    json_decref(b);
}

/* ---- the good-guy list ---------------------------------------------------------------- */

static void goodguys(em_monitor *m, const srv_call *c, srv_response *r) {
    em_error err = {0};
    char *out = NULL;
    char seg[64];
    if (!segment(c->path, 1, seg, sizeof seg)) { /* GET /goodguys */
        const char *reg = srv_params_get(c->params, "register");
        const char *all = srv_params_get(c->params, "all");
        if (all && strcmp(all, "0") && strcmp(all, "1") && strcmp(all, "true") &&
            strcmp(all, "false")) {
            srv_error(r, 400, "invalid_parameter", "all is 1 (ended ones too) or 0");
            return;
        }
        if (reg && !srv_utf8_valid(reg, strlen(reg))) {
            srv_error(r, 400, "invalid_utf8", "register is not valid UTF-8");
            return;
        }
        if (em_goodguys_json(m, reg, all && (!strcmp(all, "1") || !strcmp(all, "true")), &out,
                             &err) != 0) {
            failed(r, &err, 400, "invalid_parameter");
            return;
        }
        {
            text_body(r, out);
            return;
        }
    }
    int64_t id;
    if (path_id(c->path, 1, "suppression", &id, r) != 0) return;
    json_t *b = NULL;
    if (c->len && !(b = body_object(c, r))) return;
    if (em_goodguy_revoke(m, id, actor(c, b), &err) != 0)
        failed(r, &err, 422, "refused");
    else
        srv_json(r, 200, json_pack("{s:I, s:b}", "revoked", (json_int_t)id, "reopened", 1));
    json_decref(b);
}

/* ---- the audit chain ------------------------------------------------------------------ */

static void audit(em_monitor *m, const srv_call *c, srv_response *r) {
    em_error err = {0};
    char seg[64];
    segment(c->path, 1, seg, sizeof seg);
    if (!strcmp(seg, "verify")) {
        em_audit_verify_report v;
        if (em_audit_verify(m, &v, &err) != 0) {
            failed(r, &err, 400, "invalid_request");
            return;
        }
        {
            srv_json(r, 200,
                     json_pack("{s:I, s:b, s:I, s:s, s:s}", "entries", (json_int_t)v.entries, "ok",
                               v.ok, "first_bad", (json_int_t)v.first_bad, "problem", v.problem,
                               "head", v.head));
            return;
        }
    }
    if (!strcmp(seg, "export")) {
        const char *from = srv_params_get(c->params, "from");
        const char *to = srv_params_get(c->params, "to");
        const char *format = srv_params_get(c->params, "format");
        if ((from && *from && !valid_bound(from)) || (to && *to && !valid_bound(to))) {
            srv_error(r, 400, "invalid_parameter",
                      "from and to are dates (2026-12-01) or UTC times "
                      "(2026-12-01T10:00:00Z)");
            return;
        }
        if (!format || !*format) format = "csv";
        if (strcmp(format, "csv") && strcmp(format, "json")) {
            srv_error(r, 400, "invalid_parameter", "format is csv or json");
            return;
        }
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        if (!f) {
            srv_error(r, 500, "internal", "out of memory");
            return;
        }
        int rc =
            em_audit_export(m, from && *from ? from : NULL, to && *to ? to : NULL, format, f, &err);
        fclose(f);
        if (rc != 0) {
            free(buf);
            {
                failed(r, &err, 400, "invalid_parameter");
                return;
            }
        }
        r->status = 200;
        r->body = buf;
        r->len = n;
        r->content_type = !strcmp(format, "json") ? "application/json" : "text/csv; charset=utf-8";
        return;
    }
    int64_t seq;
    if (path_id(c->path, 1, "audit entry", &seq, r) != 0) return;
    int same = 0;
    char *out = NULL;
    if (em_audit_replay(m, seq, &same, &out, &err) != 0) {
        failed(r, &err, 422, "not_replayable");
        return;
    }
    text_body(r, out);
}

/* ---- dispatch -------------------------------------------------------------------------- */

void srv_handle_monitor(em_server *s, const srv_call *c, srv_response *r) {
    em_monitor *m = monitor_or_503(s, r);
    if (!m) return;
    switch (c->route->endpoint) {
    case EP_REGISTERS:
        registers(s, m, c, r);
        break;
    case EP_ALERTS:
        alerts(m, c, r);
        break;
    case EP_GOODGUYS:
        goodguys(m, c, r);
        break;
    case EP_AUDIT:
        audit(m, c, r);
        break;
    default:
        srv_error(r, 404, "not_found", "no such path");
    }
}
