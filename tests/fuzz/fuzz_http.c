/*
 * fuzz_http.c - libFuzzer target: the HTTP API's request handlers in
 * process, without sockets (src/server/server_internal.h). One server is
 * created at start-up over a home seeded from the bundled lists in a
 * temporary directory. Each input is one request:
 *
 *     METHOD SP PATH[?QUERY] LF BODY
 *
 * (a first line without a space is a GET of that target), routed the way
 * server.c routes it. The oracle: every API answer has a 2xx or 4xx status
 * and its body is a JSON object (errors with status, error and detail);
 * /metrics answers Prometheus text. Anything else aborts.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzzutil.h"
#include "server/server_internal.h"
#include "server/web_assets.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static em_server *srv;
static char home[256];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void) {
    em_server_stop(srv);
    srv = NULL;
    if (home[0]) nftw(home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(home, sizeof home, "%s/embargo-fuzz-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(home)) fuzz_fail("cannot create a temporary home under %s", home);
    em_server_options o = {0};
    o.home = home;
    o.no_access_log = 1;
    o.no_env_keys = 1;
    o.threads = 1;
    em_error err = {0};
    if (srv_create(&srv, &o, &err) != 0) fuzz_fail("server: %s", err.message);
    if (!em_server_ready(srv)) fuzz_fail("no matcher loaded: %s", srv->load_error);
    /* /search's listing (a listing or /reconcile's suggest/entity builds it once per
       generation, seconds under the sanitizers): built here, so an input costs a scan */
    srv_params lp = {0};
    srv_params_parse(&lp, "limit=1");
    srv_response lr = {0};
    srv_handle_search(srv, NULL, &lp, &lr);
    if (lr.status != 200) fuzz_fail("the listing: status %d", lr.status);
    srv_response_free(&lr);
    srv_params_free(&lp);
    atexit(cleanup);
    return 0;
}

static int method_allowed(const srv_route *route, const char *method) {
    size_t n = strlen(method);
    for (const char *a = route->methods; *a;) {
        size_t k = strcspn(a, ", ");
        if (k == n && strncmp(a, method, n) == 0) return 1;
        a += k;
        a += strspn(a, ", ");
    }
    return 0;
}

static void check(const srv_response *r, const char *method, const char *path) {
    if (!((r->status >= 200 && r->status < 300) || (r->status >= 400 && r->status < 500)))
        fuzz_fail("%s %s: status %d: %.*s", method, path, r->status, (int)r->len,
                  r->body ? r->body : "");
    const char *body = r->body ? r->body : (const char *)r->static_body;
    if (!body) fuzz_fail("%s %s: status %d without a body", method, path, r->status);
    if (r->content_type && !strstr(r->content_type, "json")) {
        if (!r->len) fuzz_fail("%s %s: empty %s body", method, path, r->content_type);
        return;
    }
    json_error_t e;
    json_t *j = json_loadb(body, r->len, 0, &e);
    /* an answer is a JSON object; a listing (GET /registers, /goodguys) may be an array */
    if (!j || !(json_is_object(j) || (r->status < 300 && json_is_array(j))))
        fuzz_fail("%s %s: status %d, body not a JSON object (%s): %.300s", method, path, r->status,
                  e.text, body);
    /* detail: a reason, or for a 422 yente's list of {type, loc, msg} */
    json_t *detail = json_object_get(j, "detail");
    int detail_ok = json_is_string(detail);
    if (r->status == 422 && json_is_array(detail) && json_array_size(detail)) {
        size_t i;
        json_t *d;
        detail_ok = 1;
        json_array_foreach(detail, i, d) {
            if (!json_is_string(json_object_get(d, "msg")) ||
                !json_is_array(json_object_get(d, "loc")) ||
                !json_is_string(json_object_get(d, "type")))
                detail_ok = 0;
        }
    }
    if (r->status >= 400 && (json_integer_value(json_object_get(j, "status")) != r->status ||
                             !json_is_string(json_object_get(j, "error")) || !detail_ok))
        fuzz_fail("%s %s: error answer lacks status/error/detail: %.300s", method, path, body);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nl = memchr(data, '\n', size);
    size_t head = nl ? (size_t)(nl - data) : size;
    char *line = em_xstrndup((const char *)data, head);
    const char *body = nl ? (const char *)nl + 1 : NULL;
    size_t blen = nl ? size - head - 1 : 0;
    char *body_copy = blen ? em_xmalloc(blen) : NULL; /* exactly blen bytes: no NUL after */
    if (blen) memcpy(body_copy, body, blen);

    const char *method = "GET", *target = line;
    char *sp = strchr(line, ' ');
    if (sp) {
        *sp = '\0';
        method = line;
        target = sp + 1;
    }
    char *path = em_xstrdup(target);
    char *q = strchr(path, '?');
    const char *query = "";
    if (q) {
        *q = '\0';
        query = q + 1;
    }

    const srv_route *route = srv_route_find(path);
    if (!route) {
        em_web_asset_find(path); /* the web UI: static files */
    } else if (strcmp(method, "OPTIONS") != 0 && method_allowed(route, method)) {
        srv_params p = {0};
        srv_params_parse(&p, query);
        const char *arg =
            strchr(route->path, '{') ? path + (strchr(route->path, '{') - route->path) : NULL;
        srv_response r = {0};
        em_buf personal;
        em_buf_init(&personal);
        switch (route->endpoint) {
        case EP_MATCH:
            srv_handle_match(srv, arg, &p, body_copy, blen, &r, &personal);
            break;
        case EP_SEARCH:
            srv_handle_search(srv, arg, &p, &r);
            break;
        case EP_ENTITIES:
            srv_handle_entities(srv, arg, &p, &r);
            break;
        case EP_CATALOG:
            srv_handle_catalog(srv, &r);
            break;
        case EP_HEALTHZ:
            srv_handle_healthz(srv, &r);
            break;
        case EP_READYZ:
            srv_handle_readyz(srv, &r);
            break;
        case EP_METRICS:
            srv_handle_metrics(srv, &r);
            break;
        case EP_ADMIN_RELOAD:
            srv_handle_reload(srv, &r);
            break;
        case EP_MANIFEST:
            srv_handle_catalog(srv, &r);
            break;
        case EP_ALGORITHMS:
            srv_handle_algorithms(srv, &r);
            break;
        case EP_UPDATEZ:
            srv_handle_updatez(srv, method, &r);
            break;
        case EP_REGISTERS:
        case EP_ALERTS:
        case EP_GOODGUYS:
        case EP_AUDIT: {
            /* monitoring, on the fuzz home (no register at first: imports through the
               upload route get no file here, the rest read and decide what exists) */
            srv_call call = {
                route, method, path, &p, route->upload ? NULL : body_copy, route->upload ? 0 : blen,
                NULL,  NULL};
            srv_handle_monitor(srv, &call, &r);
            break;
        }
        case EP_RECONCILE:
            srv_handle_reconcile(srv, method, arg, &p, body_copy, blen, NULL, &r);
            break;
        case EP_PAYMENTS:
            /* the raw body as MT or ISO 20022, not audited (user NULL) */
            srv_handle_payments(srv, body_copy, blen, NULL, &r);
            break;
        case EP_OPENAPI:
            r.status = 200;
            r.static_body = (const unsigned char *)srv_openapi_json;
            r.len = strlen(srv_openapi_json);
            break;
        default:
            fuzz_fail("route %s has no handler", route->path);
        }
        check(&r, method, path);
        if (r.matches && route->endpoint != EP_MATCH && route->endpoint != EP_SEARCH)
            fuzz_fail("%s counted matches", route->path);
        srv_response_free(&r);
        em_buf_free(&personal);
        srv_params_free(&p);
    }
    free(path);
    free(body_copy);
    free(line);
    return 0;
}
