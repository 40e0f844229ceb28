/*
 * server_payments.c - POST /payments/screen: the raw body (one or more SWIFT
 * MT messages, or ISO 20022 XML holding one or more pacs.008 / pacs.009 /
 * pain.001 messages) screened by the library's payment screener
 * (em_payment_screen), answered with every message's verdict and field-level
 * hits: {"messages": N, "verdict": worst, "results": [{"audit": seq, ...}]}.
 *
 * Statuses: 200 with the results (a message that cannot be read is one
 * result, verdict "invalid", beside the others); 400 for an empty body or
 * one that is neither MT nor XML; 422 when no message of the body could be
 * read (the first error in detail, the results too); 503 without lists or
 * when a verdict cannot be written to the audit trail (a verdict that is
 * not recorded is not given). Screen scope: any API key.
 *
 * The screener and the monitor its verdicts are audited through are opened
 * on the server's engine when first needed and kept until the server stops
 * (srv_payments_stop, before the engine closes).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "server/server_internal.h"

static pthread_mutex_t payments_lock = PTHREAD_MUTEX_INITIALIZER;

static em_payment_screener *screener(em_server *s, srv_gen *g, em_error *err) {
    pthread_mutex_lock(&payments_lock);
    if (!s->payments && em_payment_screener_new(&s->payments, g->engine, NULL, err) != 0)
        s->payments = NULL;
    em_payment_screener *ps = s->payments;
    pthread_mutex_unlock(&payments_lock);
    return ps;
}

static em_monitor *monitor(em_server *s, srv_gen *g, em_error *err) {
    pthread_mutex_lock(&payments_lock);
    if (!s->payments_mon && em_monitor_open(&s->payments_mon, g->engine, NULL, err) != 0)
        s->payments_mon = NULL;
    em_monitor *m = s->payments_mon;
    pthread_mutex_unlock(&payments_lock);
    return m;
}

void srv_payments_stop(em_server *s) {
    pthread_mutex_lock(&payments_lock);
    em_monitor_close(s->payments_mon);
    s->payments_mon = NULL;
    em_payment_screener_free(s->payments);
    s->payments = NULL;
    pthread_mutex_unlock(&payments_lock);
}

typedef struct pay_reply {
    em_buf results;
    size_t n, invalid;
    em_payment_verdict worst; /* of the readable messages */
    char first_error[512];
    em_monitor *mon; /* NULL: not audited */
    const char *user;
    int audit_failed;
    em_error aerr;
} pay_reply;

static int deliver(void *ctx, const em_payment_result *res) {
    pay_reply *p = ctx;
    int64_t seq = 0;
    if (p->mon && em_audit_payment(p->mon, p->user, res, &seq, &p->aerr) != 0) {
        p->audit_failed = 1;
        return -1;
    }
    em_payment_verdict v = em_payment_result_verdict(res);
    if (v == EM_PAYMENT_INVALID) {
        if (!p->invalid++)
            snprintf(p->first_error, sizeof p->first_error, "%s", em_payment_result_error(res));
    } else if (v > p->worst) {
        p->worst = v;
    }
    if (p->n++) em_buf_adds(&p->results, ",\n");
    const char *j = em_payment_result_json(res);
    if (p->mon)
        em_buf_printf(&p->results, "{\"audit\": %lld, %s", (long long)seq, j + 1);
    else
        em_buf_adds(&p->results, j);
    return 0;
}

void srv_handle_payments(em_server *s, const char *body, size_t len, const char *user,
                         srv_response *r) {
    if (!body || len == 0) {
        srv_error(r, 400, "empty_body",
                  "send the payment message as the body: one or more SWIFT MT messages "
                  "({1:...}{2:...}{4:...-}) or ISO 20022 XML (pacs.008, pacs.009, pain.001)");
        return;
    }
    srv_gen *g = srv_gen_acquire(s);
    if (!g) {
        srv_not_ready(s, r);
        return;
    }
    em_error err = {0};
    em_payment_screener *ps = screener(s, g, &err);
    em_monitor *mon = ps && user ? monitor(s, g, &err) : NULL;
    if (!ps || (user && !mon)) {
        srv_error(r, 503, "unavailable", "payment screening is not available: %s", err.message);
        srv_gen_release(s, g);
        return;
    }
    pay_reply p = {0};
    em_buf_init(&p.results);
    p.mon = mon;
    p.user = user;
    long n = em_payment_screen(ps, body, len, NULL, deliver, &p, &err);
    if (p.audit_failed) {
        srv_error(r, 503, "audit_unavailable",
                  "a verdict could not be written to the audit trail (%s); retry", p.aerr.message);
    } else if (n < 0 && err.code == EM_ERR_FORMAT) {
        srv_error(r, 400, "not_a_payment", "%s", err.message);
    } else if (n < 0) {
        srv_error(r, 500, "internal", "payment screening failed: %s", err.message);
    } else {
        int none_read = p.n > 0 && p.invalid == p.n;
        em_buf b;
        em_buf_init(&b);
        em_buf_printf(&b, "{\"messages\": %zu, \"invalid\": %zu, \"verdict\": ", p.n, p.invalid);
        em_buf_json_str(&b, none_read ? "invalid" : em_payment_verdict_name(p.worst));
        if (none_read) {
            em_buf_printf(&b, ", \"status\": 422, \"error\": \"invalid_message\", \"detail\": ");
            em_buf_json_str(&b, p.first_error);
        }
        em_buf_adds(&b, ", \"results\": [\n");
        em_buf_adds(&b, em_buf_cstr(&p.results));
        em_buf_adds(&b, "]}\n");
        r->status = none_read ? 422 : 200;
        r->len = b.len;
        r->body = em_buf_detach(&b);
        em_buf_free(&b);
    }
    em_buf_free(&p.results);
    srv_gen_release(s, g);
}
