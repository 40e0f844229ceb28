/*
 * webhook.c - notifications of new and reopened alerts: queued in the
 * store's outbox in the transaction that opened the alert (so none is lost
 * and none is sent for a screen that was rolled back), then POSTed as JSON
 * by em_monitor_deliver with libcurl, signed with HMAC-SHA256 of the body
 * under the register's secret (X-Embargo-Signature: sha256=HEX), retried a
 * few times at once and then with growing delays (1 s, 2 s, 4 s ... at most
 * an hour) until it is delivered or EM_WEBHOOK_MAX_ATTEMPTS have failed.
 */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/error.h"
#include "monitor/monitor_internal.h"

#define EM_WEBHOOK_MAX_ATTEMPTS 12
#define EM_WEBHOOK_TRIES_AT_ONCE 3
#define EM_WEBHOOK_TIMEOUT_S 10

int em_webhook_queue(em_monitor *m, const em_mreg *reg, const char *event, const em_malert *a,
                     em_monitor_report *rep, em_error *err) {
    (void)m;
    if (!reg->webhook_url || !reg->webhook_url[0]) return 0;
    json_t *b = json_object();
    char now[32];
    em_now_iso(now);
    json_object_set_new(b, "event", json_string(event));
    json_object_set_new(b, "at", json_string(now));
    json_object_set_new(b, "register", json_string(reg->name));
    json_t *x = json_object();
    json_object_set_new(x, "id", json_integer(a->id));
    json_object_set_new(x, "record_id", json_string(a->record_id));
    json_object_set_new(x, "entity_id", json_string(a->entity_id));
    json_object_set_new(x, "caption", json_string(a->caption));
    json_object_set_new(x, "schema", json_string(a->schema));
    json_object_set_new(x, "dataset", json_string(a->source));
    json_object_set_new(x, "list_version", json_integer(a->list_version));
    json_object_set_new(x, "score", json_real(a->score));
    json_object_set_new(x, "matched_name", json_string(a->matched_name));
    json_object_set_new(x, "state", json_string(a->state));
    json_object_set_new(b, "alert", x);
    char *body = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(b);
    int rc = em_mdb_outbox_add(m->st, reg->id, body, err);
    free(body);
    if (rc == 0) rep->webhooks_queued++;
    return rc;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx) {
    (void)p, (void)ctx;
    return size * n;
}

/* one POST; 0 when the receiver answered 2xx */
static int post(const char *url, const char *secret, const char *body, int64_t id, char *why,
                size_t whylen) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, strlen(body), mac,
         &maclen);
    char hex[65];
    em_digest_hex(mac, hex);
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, whylen, "libcurl could not start");
        return -1;
    }
    struct curl_slist *h = NULL;
    char line[160];
    h = curl_slist_append(h, "Content-Type: application/json");
    snprintf(line, sizeof line, "X-Embargo-Signature: sha256=%s", hex);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Embargo-Delivery: %lld", (long long)id);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "User-Agent: embargo/" EMBARGO_VERSION);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)EM_WEBHOOK_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK) {
        snprintf(why, whylen, "%s", curl_easy_strerror(cc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(why, whylen, "HTTP %ld", status);
        return -1;
    }
    return 0;
}

static void later(int attempts, char out[32]) {
    long delay = 1L << (attempts < 12 ? attempts : 12);
    if (delay > 3600) delay = 3600;
    time_t t = time(NULL) + delay;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int em_monitor_deliver(em_monitor *m, size_t *sent, size_t *failed, em_error *err) {
    if (sent) *sent = 0;
    if (failed) *failed = 0;
    char now[32];
    em_now_iso(now);
    pthread_mutex_lock(&m->lock);
    em_moutbox *due = NULL;
    size_t n = 0;
    int rc = em_mdb_outbox_due(m->st, now, &due, &n, 1000, err);
    pthread_mutex_unlock(&m->lock);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *b = json_loads(due[i].body, 0, NULL);
        const char *reg = json_string_value(json_object_get(b, "register"));
        em_mreg r = {0};
        pthread_mutex_lock(&m->lock);
        int have = reg && em_mdb_register(m->st, reg, 0, &r, NULL) == 0;
        pthread_mutex_unlock(&m->lock);
        char why[256] = "the register has no webhook any more";
        int ok = -1, tries = 0;
        while (have && r.webhook_url[0] && tries < EM_WEBHOOK_TRIES_AT_ONCE) {
            if (tries) usleep(200000u << tries);
            ok = post(r.webhook_url, r.webhook_secret, due[i].body, due[i].id, why, sizeof why);
            tries++;
            if (ok == 0) break;
        }
        int attempts = due[i].attempts + (tries ? tries : 1);
        char next[32];
        if (ok != 0 && attempts >= EM_WEBHOOK_MAX_ATTEMPTS)
            snprintf(next, sizeof next, "9999-12-31T00:00:00Z"); /* given up; kept for the record */
        else
            later(attempts, next);
        pthread_mutex_lock(&m->lock);
        rc = em_mdb_outbox_done(m->st, due[i].id, ok == 0, ok == 0 ? "" : why, next, err);
        pthread_mutex_unlock(&m->lock);
        if (ok == 0 && sent) (*sent)++;
        if (ok != 0 && failed) (*failed)++;
        if (have) em_mreg_free(&r);
        json_decref(b);
    }
    for (size_t i = 0; i < n; i++)
        free(due[i].body);
    free(due);
    return rc;
}
