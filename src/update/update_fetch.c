/*
 * update_fetch.c - downloading one URL for `embargo update` with libcurl:
 * conditional request (If-None-Match / If-Modified-Since), connect and total
 * timeouts, low-speed abort, size limit, redirects (never https -> http),
 * content decoding, SHA-256 of what was read, and retries with exponential
 * backoff on connection errors, timeouts and HTTP 5xx (not on 4xx).
 *
 * libcurl's global state is initialised once per process, lazily, with
 * pthread_once (em_fetch_global_init); em_update_global_cleanup releases it.
 */
#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/error.h"
#include "update/update_internal.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_init_once(void) {
    curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void em_fetch_global_init(void) {
    pthread_once(&curl_once, curl_init_once);
}

void em_update_global_cleanup(void) {
    if (curl_ready) curl_global_cleanup();
    curl_ready = 0;
}

typedef struct xfer {
    FILE *f;
    EVP_MD_CTX *md;
    int64_t bytes, max;
    int too_big, write_failed;
    char *etag, *last_modified;
    const volatile int *cancel;
} xfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *p) {
    xfer *x = p;
    size_t n = size * nmemb;
    if (x->bytes + (int64_t)n > x->max) {
        x->too_big = 1;
        return 0;
    }
    if (fwrite(data, 1, n, x->f) != n) {
        x->write_failed = 1;
        return 0;
    }
    EVP_DigestUpdate(x->md, data, n);
    x->bytes += (int64_t)n;
    return n;
}

/* The value of header `name` in a raw header line, trimmed, or NULL. */
static char *header_value(const char *line, size_t n, const char *name) {
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':') return NULL;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    return em_xstrndup(v, (size_t)(end - v));
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *p) {
    xfer *x = p;
    size_t n = size * nmemb;
    char *v;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* a new response (after a redirect): forget the previous one's validators */
        free(x->etag), free(x->last_modified);
        x->etag = x->last_modified = NULL;
    } else if ((v = header_value(data, n, "ETag"))) {
        free(x->etag);
        x->etag = v;
    } else if ((v = header_value(data, n, "Last-Modified"))) {
        free(x->last_modified);
        x->last_modified = v;
    }
    return n;
}

static int on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
    (void)dt, (void)dn, (void)ut, (void)un;
    xfer *x = p;
    return x->cancel && *x->cancel ? 1 : 0;
}

static int retryable_curl(CURLcode c) {
    switch (c) {
    /* not CURLE_COULDNT_RESOLVE_HOST (offline, or a wrong name: minutes of
       retries would not make it resolve) nor TLS failures (a certificate or
       protocol problem stays one); a refused connection or a timeout may heal */
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static void sleep_s(double s, const volatile int *cancel) {
    /* in slices, so that a cancel request is noticed */
    while (s > 0 && !(cancel && *cancel)) {
        double d = s > 0.1 ? 0.1 : s;
        struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
        nanosleep(&ts, NULL);
        s -= d;
    }
}

static void say(const em_update_options *o, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(const em_update_options *o, const char *source, const char *fmt, ...) {
    if (!o->notify) return;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->notify(o->notify_ctx, source, msg);
}

/* The options' User-Agent, else $EMBARGO_USER_AGENT, else the browser-shaped default. */
static const char *user_agent(const em_update_options *o) {
    if (o->user_agent && *o->user_agent) return o->user_agent;
    const char *env = getenv("EMBARGO_USER_AGENT");
    return env && *env ? env : EM_UPDATE_USER_AGENT;
}

typedef enum { TRY_OK, TRY_RETRY, TRY_FAIL } try_result;

/* One request. Fills res / err; tells whether to retry. */
static try_result fetch_once(CURL *h, const em_fetch_request *rq, const em_update_options *o,
                             em_fetch_result *res, em_error *err) {
    xfer x = {0};
    x.max = o->max_bytes;
    x.cancel = o->cancel;
    x.f = fopen(rq->dest, "wb");
    if (!x.f) {
        em_fail(err, EM_ERR_IO, "cannot write %s: %s", rq->dest, strerror(errno));
        return TRY_FAIL;
    }
    x.md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(x.md, EVP_sha256(), NULL);

    int https = strncasecmp(rq->url, "https://", 8) == 0;
    int file = strncasecmp(rq->url, "file://", 7) == 0;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    if (rq->etag && *rq->etag) {
        char *h1 = em_xasprintf("If-None-Match: %s", rq->etag);
        hdrs = curl_slist_append(hdrs, h1);
        free(h1);
    }
    if (rq->last_modified && *rq->last_modified) {
        char *h2 = em_xasprintf("If-Modified-Since: %s", rq->last_modified);
        hdrs = curl_slist_append(hdrs, h2);
        free(h2);
    }
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, rq->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent(o));
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, https ? "https" : file ? "file" : "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    if (hdrs) curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    int close_failed = fclose(x.f) != 0;
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(x.md, md, &mdlen);
    EVP_MD_CTX_free(x.md);

    res->tries++;
    res->http_status = status;
    res->bytes = x.bytes;
    em_digest_hex(md, res->sha256);
    free(res->etag), free(res->last_modified);
    res->etag = x.etag;
    res->last_modified = x.last_modified;
    res->not_modified = 0;

    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    if (x.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        em_fail(err, EM_ERR_IO,
                "%s: larger than the limit of %lld bytes; nothing imported (raise the limit "
                "with --max-bytes if the list really is that large)",
                rq->url, (long long)o->max_bytes);
        return TRY_FAIL;
    }
    if (x.write_failed || close_failed) {
        em_fail(err, EM_ERR_IO, "%s: cannot write the download to %s: %s", rq->url, rq->dest,
                strerror(errno));
        return TRY_FAIL;
    }
    if (cc == CURLE_ABORTED_BY_CALLBACK) {
        em_fail(err, EM_ERR_IO, "%s: cancelled", rq->url);
        return TRY_FAIL;
    }
    if (cc != CURLE_OK) {
        em_fail(err, EM_ERR_IO, "%s: %s (curl error %d)", rq->url, detail, (int)cc);
        return retryable_curl(cc) ? TRY_RETRY : TRY_FAIL;
    }
    if (file) return TRY_OK;
    if (status == 304) {
        res->not_modified = 1;
        return TRY_OK;
    }
    if (status == 200 || status == 203) return TRY_OK;
    if (status >= 500) {
        em_fail(err, EM_ERR_IO, "%s: the server answered HTTP %ld", rq->url, status);
        return TRY_RETRY;
    }
    em_fail(err, EM_ERR_IO, "%s: the server answered HTTP %ld%s", rq->url, status,
            status == 404 ? " (not found: check the URL in the update config)"
            : status == 401 || status == 403
                ? " (access refused: the publisher may want a browser's User-Agent, see "
                  "--user-agent, or the URL a new token, see the update config)"
                : "");
    return TRY_FAIL;
}

int em_fetch(const em_fetch_request *rq, const em_update_options *o, const char *source,
             em_fetch_result *res, em_error *err) {
    memset(res, 0, sizeof *res);
    em_fetch_global_init();
    if (!curl_ready) return em_fail(err, EM_ERR_INTERNAL, "libcurl could not be initialised");
    CURL *h = curl_easy_init();
    if (!h) return em_fail(err, EM_ERR_NOMEM, "libcurl: cannot create a transfer");
    int rc = -1;
    double delay = o->retry_delay;
    for (int t = 1;; t++) {
        say(o, source, "downloading %s%s", rq->url, t > 1 ? " (again)" : "");
        try_result tr = fetch_once(h, rq, o, res, err);
        if (tr == TRY_OK) {
            rc = 0;
            break;
        }
        if (tr == TRY_FAIL || t >= o->tries || (o->cancel && *o->cancel)) {
            if (tr == TRY_RETRY && t > 1) em_fail_prefix(err, "gave up after %d tries: ", t);
            break;
        }
        say(o, source, "retrying in %.3g s: %s", delay, err ? err->message : "");
        sleep_s(delay, o->cancel);
        delay *= 2;
    }
    curl_easy_cleanup(h);
    if (rc == 0) em_error_clear(err);
    return rc;
}

void em_fetch_result_free(em_fetch_result *r) {
    if (!r) return;
    free(r->etag), free(r->last_modified);
    r->etag = r->last_modified = NULL;
}

int em_http_date_day(const char *http_date, char out[11]) {
    out[0] = '\0';
    if (!http_date || !*http_date) return -1;
    time_t t = curl_getdate(http_date, NULL);
    if (t <= 0) return -1;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return 0;
}
