/*
 * server.c - the HTTP server on libmicrohttpd: start and stop, the listen
 * socket (loopback only without API keys), the thread pool, and per request
 * the life cycle: the request-target limits (length, parameters, %00: checked
 * on the raw target before MHD parses it), header limits, route, method
 * check, CORS preflight, API keys (Bearer, ApiKey, ?api_key=) and scopes,
 * body size limit, dataset names resolved (server_datasets.c), dispatch to
 * the handlers (server_match.c, server_admin.c, server_yente.c,
 * server_monitor.c), security headers, then metrics and the access log when the request
 * completes. Paths that are not API routes serve the embedded web UI. The
 * body of an upload route (a register file) is streamed to a temporary file
 * in the home instead of memory, removed when the request completes.
 *
 * Screening (/match, /search), /admin/reload and every monitoring request
 * (which may wait for the monitor behind a register import) run on a pool of
 * worker threads: the connection is suspended, the job queued, and the worker
 * resumes the connection with the response. The HTTP threads only parse and
 * answer, so /healthz, /readyz and /metrics never wait behind a heavy match.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/cpu.h"
#include "server/server_datasets.h"
#include "server/server_internal.h"
#include "server/server_search.h"
#include "server/web_assets.h"

const char *const srv_endpoint_names[EP_COUNT] = {
    "match",    "search",       "entities",  "catalog",  "healthz",  "readyz", "metrics",
    "openapi",  "admin_reload", "registers", "alerts",   "goodguys", "audit",  "algorithms",
    "manifest", "updatez",      "reconcile", "payments", "web",      "other"};

/* the largest register file a POST /registers/{name}/import takes */
#define SRV_MAX_UPLOAD_BYTES ((size_t)1 << 30)

/* path, methods, endpoint, admin, open (no key), analyst, upload; monitoring: literal paths
   before templates */
const srv_route srv_routes[] = {
    {"/match/{dataset}", "POST, OPTIONS", EP_MATCH, 0, 0, 0, 0},
    {"/search", "GET, HEAD, OPTIONS", EP_SEARCH, 0, 0, 0, 0},
    {"/search/{dataset}", "GET, HEAD, OPTIONS", EP_SEARCH, 0, 0, 0, 0},
    {"/entities/{id}", "GET, HEAD, OPTIONS", EP_ENTITIES, 0, 0, 0, 0},
    {"/entities/{id}/adjacent", "GET, HEAD, OPTIONS", EP_ENTITIES, 0, 0, 0, 0},
    {"/entities/{id}/adjacent/{prop}", "GET, HEAD, OPTIONS", EP_ENTITIES, 0, 0, 0, 0},
    {"/catalog", "GET, HEAD, OPTIONS", EP_CATALOG, 0, 0, 0, 0},
    {"/manifest", "GET, HEAD, OPTIONS", EP_MANIFEST, 0, 0, 0, 0},
    {"/algorithms", "GET, HEAD, OPTIONS", EP_ALGORITHMS, 0, 0, 0, 0},
    {"/updatez", "GET, HEAD, POST, OPTIONS", EP_UPDATEZ, 1, 0, 0, 0},
    {"/reconcile/{dataset}", "GET, HEAD, POST, OPTIONS", EP_RECONCILE, 0, 0, 0, 0},
    {"/reconcile/{dataset}/suggest/{kind}", "GET, HEAD, OPTIONS", EP_RECONCILE, 0, 0, 0, 0},
    {"/reconcile/{dataset}/extend/property", "GET, HEAD, OPTIONS", EP_RECONCILE, 0, 0, 0, 0},
    {"/healthz", "GET, HEAD, OPTIONS", EP_HEALTHZ, 0, 1, 0, 0},
    {"/readyz", "GET, HEAD, OPTIONS", EP_READYZ, 0, 1, 0, 0},
    {"/metrics", "GET, HEAD, OPTIONS", EP_METRICS, 0, 0, 0, 0},
    {"/openapi.json", "GET, HEAD, OPTIONS", EP_OPENAPI, 0, 1, 0, 0},
    {"/admin/reload", "POST, OPTIONS", EP_ADMIN_RELOAD, 1, 0, 0, 0},
    {"/registers", "GET, HEAD, OPTIONS", EP_REGISTERS, 0, 0, 1, 0},
    {"/registers/{name}/records/{id}", "GET, HEAD, OPTIONS", EP_REGISTERS, 0, 0, 1, 0},
    {"/registers/{name}/import", "POST, OPTIONS", EP_REGISTERS, 1, 0, 0, 1},
    {"/registers/{name}/screen", "POST, OPTIONS", EP_REGISTERS, 1, 0, 0, 0},
    {"/registers/{name}/webhook", "PUT, OPTIONS", EP_REGISTERS, 1, 0, 0, 0},
    {"/alerts", "GET, HEAD, OPTIONS", EP_ALERTS, 0, 0, 1, 0},
    {"/alerts/{id}", "GET, HEAD, OPTIONS", EP_ALERTS, 0, 0, 1, 0},
    {"/alerts/{id}/decision", "POST, OPTIONS", EP_ALERTS, 0, 0, 1, 0},
    {"/alerts/{id}/assign", "POST, OPTIONS", EP_ALERTS, 0, 0, 1, 0},
    {"/goodguys", "GET, HEAD, OPTIONS", EP_GOODGUYS, 0, 0, 1, 0},
    {"/goodguys/{id}/revoke", "POST, OPTIONS", EP_GOODGUYS, 0, 0, 1, 0},
    {"/audit/verify", "GET, HEAD, OPTIONS", EP_AUDIT, 1, 0, 0, 0},
    {"/audit/export", "GET, HEAD, OPTIONS", EP_AUDIT, 1, 0, 0, 0},
    {"/audit/{seq}/replay", "POST, OPTIONS", EP_AUDIT, 1, 0, 0, 0},
    {"/payments/screen", "POST, OPTIONS", EP_PAYMENTS, 0, 0, 0, 0},
    {NULL, NULL, EP_OTHER, 0, 0, 0, 0}};

/* does path match the template segment by segment ({x}: one non-empty segment)? */
static int route_matches(const char *tpl, const char *path) {
    for (;;) {
        if (*tpl != '/' || *path != '/') return *tpl == *path;
        tpl++, path++;
        size_t tn = strcspn(tpl, "/"), pn = strcspn(path, "/");
        if (tpl[0] == '{') {
            if (!pn) return 0;
        } else if (tn != pn || strncmp(tpl, path, tn) != 0) {
            return 0;
        }
        tpl += tn, path += pn;
        if (!*tpl || !*path) return !*tpl && !*path;
    }
}

const srv_route *srv_route_find(const char *path) {
    for (const srv_route *r = srv_routes; r->path; r++)
        if (route_matches(r->path, path)) return r;
    return NULL;
}

static const char *route_param(const srv_route *r, const char *path) {
    const char *brace = strchr(r->path, '{');
    return brace ? path + (brace - r->path) : NULL;
}

/* ---- one request ---------------------------------------------------------------- */

typedef struct srv_request {
    struct timespec t0;
    char *method, *path;
    char client[64];
    const srv_route *route;
    srv_endpoint endpoint;
    const srv_key *key;
    char *body;
    size_t len, cap;
    int started; /* on_request has seen it (it is created by on_uri) */
    int too_large;
    int responded;
    int status;
    size_t bytes;
    em_buf personal;
    srv_response reject; /* the request-target check failed: this answer */
    /* a job for the screening workers */
    struct MHD_Connection *conn;
    srv_params params;
    srv_response resp;
    int queued, done;
    struct srv_request *next;
    /* an upload route's body, streamed to a file in the home */
    FILE *upload;
    char *upload_path;
    int upload_failed;
} srv_request;

static uint64_t elapsed_ns(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000000000ull + (uint64_t)t.tv_nsec -
           (uint64_t)t0->tv_nsec;
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "?");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

static void add_common_headers(em_server *s, struct MHD_Response *resp, const srv_response *r) {
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "application/json");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->cache_control ? r->cache_control : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (r->web) {
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    } else {
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; frame-ancestors 'none'");
    }
    if (r->allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->www_authenticate)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"embargo\"");
    if (s->cors) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", s->cors);
        MHD_add_response_header(resp, "Vary", "Origin");
        if (r->status == 204 && r->allow) { /* preflight */
            MHD_add_response_header(resp, "Access-Control-Allow-Methods", r->allow);
            MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                    "Authorization, Content-Type");
            MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
        }
    }
}

static enum MHD_Result send_response(em_server *s, struct MHD_Connection *c, srv_request *rq,
                                     srv_response *r) {
    struct MHD_Response *resp;
    if (r->static_body)
        resp =
            MHD_create_response_from_buffer(r->len, (void *)r->static_body, MHD_RESPMEM_PERSISTENT);
    else {
        resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"",
                                               r->body ? MHD_RESPMEM_MUST_FREE
                                                       : MHD_RESPMEM_PERSISTENT);
        if (resp) r->body = NULL; /* MHD owns it now */
    }
    if (!resp) {
        srv_response_free(r);
        return MHD_NO;
    }
    add_common_headers(s, resp, r);
    rq->status = r->status;
    rq->bytes = r->len;
    rq->responded = 1;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    srv_response_free(r);
    return ret;
}

static void serve_web(const char *url, srv_response *r) {
    const em_web_asset *a = em_web_asset_find(url);
    if (!a) {
        srv_error(r, 404, "not_found", "no such path: see /openapi.json for the API");
        return;
    }
    r->status = 200;
    r->static_body = a->data;
    r->len = a->size;
    r->content_type = a->content_type;
    r->web = 1;
    r->cache_control =
        strcmp(url, "/") == 0 || strstr(a->path, ".html") ? "no-cache" : "public, max-age=300";
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
    (void)kind;
    srv_params_add(cls, key, value ? value : "");
    return MHD_YES;
}

/* the route's dataset as the handlers take it: an embargo source name, or
   "default" for a collection; 0 with a 404 in r when there is no such dataset */
static int resolve_dataset(em_server *s, const char **arg, srv_response *r) {
    if (!*arg) return 1;
    srv_gen *g = srv_gen_acquire(s);
    if (!g) return 1; /* the handler answers 503 */
    srv_dataset_sel sel;
    int rc = srv_dataset_resolve(g, *arg, &sel);
    srv_gen_release(s, g);
    if (rc != 0) {
        int text = srv_utf8_valid(*arg, strlen(*arg)) && strlen(*arg) <= 200;
        srv_error(r, 404, "unknown_dataset",
                  "No such dataset: '%s' (see /catalog for the datasets and collections)",
                  text ? *arg : "?");
        return 0;
    }
    if (sel.all)
        *arg = "default";
    else if (sel.n == 1)
        *arg = sel.sources[0];
    return 1;
}

/* everything once the body is complete (rq->params collected) */
static void dispatch(em_server *s, srv_request *rq, srv_response *r) {
    if (!rq->route) {
        serve_web(rq->path, r);
        return;
    }
    const srv_params *p = &rq->params;
    const char *arg = route_param(rq->route, rq->path);
    const char *user = srv_user_of(rq->key);
    if (rq->endpoint == EP_MATCH || rq->endpoint == EP_SEARCH) {
        /* dataset names (server_datasets.c): aliases become embargo's sources,
           collections every list, an unknown name is 404 */
        if (!resolve_dataset(s, &arg, r)) return;
        srv_datasets_rewrite_params(&rq->params);
    }
    switch (rq->endpoint) {
    case EP_MATCH:
        srv_handle_match_as(s, arg, p, rq->body, rq->len, user, r,
                            s->opts.log_personal_data ? &rq->personal : NULL);
        break;
    case EP_SEARCH:
        srv_handle_search_as(s, arg, p, user, r);
        if (s->opts.log_personal_data && srv_params_get(p, "q"))
            em_buf_adds(&rq->personal, srv_params_get(p, "q"));
        break;
    case EP_ENTITIES:
        srv_handle_entities(s, arg, p, r); /* arg: "{id}[/adjacent[/{prop}]]" */
        break;
    case EP_CATALOG:
    case EP_MANIFEST: /* yente: the same model */
        srv_handle_catalog(s, r);
        break;
    case EP_ALGORITHMS:
        srv_handle_algorithms(s, r);
        break;
    case EP_RECONCILE:
        srv_handle_reconcile(s, rq->method, arg, p, rq->body, rq->len, user, r);
        break;
    case EP_UPDATEZ:
        srv_handle_updatez(s, rq->method, r);
        break;
    case EP_HEALTHZ:
        srv_handle_healthz(s, r);
        break;
    case EP_READYZ:
        srv_handle_readyz(s, r);
        break;
    case EP_METRICS:
        srv_handle_metrics(s, r);
        break;
    case EP_OPENAPI:
        r->status = 200;
        r->static_body = (const unsigned char *)srv_openapi_json;
        r->len = strlen(srv_openapi_json);
        r->cache_control = "public, max-age=300";
        break;
    case EP_ADMIN_RELOAD:
        srv_handle_reload(s, r);
        break;
    case EP_PAYMENTS:
        srv_handle_payments(s, rq->body, rq->len, user, r);
        break;
    case EP_REGISTERS:
    case EP_ALERTS:
    case EP_GOODGUYS:
    case EP_AUDIT: {
        srv_call call = {rq->route,
                         rq->method,
                         rq->path,
                         p,
                         rq->route->upload ? NULL : rq->body,
                         rq->route->upload ? 0 : rq->len,
                         rq->upload_path,
                         rq->key};
        srv_handle_monitor(s, &call, r);
        break;
    }
    default:
        srv_error(r, 404, "not_found", "no such path");
    }
}

/* ---- the screening workers -------------------------------------------------------- */

static int is_heavy(srv_endpoint ep) {
    if (ep == EP_RECONCILE) return 1; /* reconciliation queries screen */
    return ep == EP_MATCH || ep == EP_SEARCH || ep == EP_ADMIN_RELOAD || ep == EP_UPDATEZ ||
           ep == EP_REGISTERS || ep == EP_ALERTS || ep == EP_GOODGUYS || ep == EP_AUDIT ||
           ep == EP_PAYMENTS;
}

/* queues rq and suspends its connection; 0 when the workers are not running */
static int job_submit(em_server *s, struct MHD_Connection *c, srv_request *rq) {
    pthread_mutex_lock(&s->job_lock);
    if (!s->nworkers || s->jobs_stopping) {
        pthread_mutex_unlock(&s->job_lock);
        return 0;
    }
    rq->queued = 1;
    rq->conn = c;
    MHD_suspend_connection(c); /* before a worker can resume it */
    rq->next = NULL;
    if (s->job_tail)
        s->job_tail->next = rq;
    else
        s->job_head = rq;
    s->job_tail = rq;
    s->jobs_queued++;
    pthread_cond_signal(&s->job_cond);
    pthread_mutex_unlock(&s->job_lock);
    return 1;
}

static void *worker_main(void *arg) {
    em_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->job_lock);
        while (!s->job_head && !s->jobs_stopping)
            pthread_cond_wait(&s->job_cond, &s->job_lock);
        srv_request *rq = s->job_head;
        if (!rq) {
            pthread_mutex_unlock(&s->job_lock);
            break;
        }
        s->job_head = rq->next;
        if (!s->job_head) s->job_tail = NULL;
        s->jobs_queued--;
        int stopping = s->jobs_stopping;
        pthread_mutex_unlock(&s->job_lock);
        if (stopping)
            srv_error(&rq->resp, 503, "stopping", "the server is stopping; retry on another");
        else
            dispatch(s, rq, &rq->resp);
        rq->done = 1;
        /* MHD calls on_request again, which sends rq->resp; the mutexes in between
           publish what this thread wrote */
        MHD_resume_connection(rq->conn);
    }
    return NULL;
}

static int workers_start(em_server *s) {
    unsigned n = s->opts.match_workers;
    s->workers = em_xcalloc(n, sizeof *s->workers);
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0) return -1;
        pthread_mutex_lock(&s->job_lock);
        s->nworkers++;
        pthread_mutex_unlock(&s->job_lock);
    }
    return 0;
}

/* answers what is queued with 503 and joins the workers: no connection stays
   suspended (MHD_stop_daemon needs that); later heavy requests run inline */
static void workers_stop(em_server *s) {
    pthread_mutex_lock(&s->job_lock);
    s->jobs_stopping = 1;
    size_t n = s->nworkers;
    pthread_cond_broadcast(&s->job_cond);
    pthread_mutex_unlock(&s->job_lock);
    for (size_t i = 0; i < n; i++)
        pthread_join(s->workers[i], NULL);
    free(s->workers);
    s->workers = NULL;
}

/* ---- limits on headers ------------------------------------------------------------- */

typedef struct header_stats {
    size_t n, bytes;
} header_stats;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
    (void)kind;
    header_stats *h = cls;
    h->n++;
    h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/*
 * A raw NUL byte in the request line ("GET /search?q=a\0b HTTP/1.1") cuts the
 * target that MHD hands over; what follows the cut is still in MHD's copy of
 * the line. There MHD's own terminator (it replaced the space) is followed by
 * the HTTP version, which MHD has checked before calling us (a line without
 * one is refused); anything else means the client sent a NUL. Reads stop at
 * the first byte that differs, so never past the line.
 */
static int raw_nul(const char *uri) {
    const char *p = uri + strlen(uri) + 1;
    static const char version[] = "HTTP/";
    for (size_t i = 0; i < sizeof version - 1; i++)
        if (p[i] != version[i]) return 1;
    return 0;
}

/* the temporary file of an upload route's body, in the home (removed in on_completed) */
static void upload_open(em_server *s, srv_request *rq) {
    char *path = em_xasprintf("%s/upload-XXXXXX", em_store_home(s->st));
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return;
    }
    rq->upload = fdopen(fd, "wb");
    if (!rq->upload) {
        close(fd);
        unlink(path);
        free(path);
        return;
    }
    rq->upload_path = path;
}

/* the answer to a bad request target, prepared before MHD parses the query string */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)c;
    em_server *s = cls;
    srv_request *rq = em_xcalloc(1, sizeof *rq);
    clock_gettime(CLOCK_MONOTONIC, &rq->t0);
    em_buf_init(&rq->personal);
    if (uri &&
        srv_check_target(uri, s->opts.max_url_bytes, s->opts.max_query_params, &rq->reject) != 0) {
        /* MHD parses the query string right after this callback into its
           per-connection memory, where thousands of parameters do not fit (and
           libmicrohttpd 0.9.75 then never answers: the connection hangs until the
           timeout). The request is refused anyway: empty the query string. MHD
           hands us its own writable copy of the request line. */
        char *q = strchr((char *)(uintptr_t)uri, '?');
        if (q) q[1] = '\0';
    } else if (uri && raw_nul(uri)) {
        srv_error(&rq->reject, 400, "nul_byte", "the request target contains a NUL byte");
    }
    return rq;
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

/* the checks before reading a body; 1 when a response was prepared */
static int precheck(em_server *s, struct MHD_Connection *c, srv_request *rq, const char *method,
                    srv_response *r) {
    const srv_route *route = rq->route;
    if (strcmp(method, "OPTIONS") == 0) {
        r->status = 204;
        r->allow = route ? route->methods : "GET, HEAD, OPTIONS";
        return 1; /* CORS headers are added when configured */
    }
    if (!route) {
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
            if (em_web_asset_find(rq->path)) {
                srv_error(r, 405, "method_not_allowed", "%s is not allowed here; use GET", method);
                r->allow = "GET, HEAD, OPTIONS";
            } else
                srv_error(r, 404, "not_found", "no such path: see /openapi.json for the API");
            return 1;
        }
        return 0;
    }
    if (!method_allowed(route, method)) {
        srv_error(r, 405, "method_not_allowed", "%s %s is not allowed; allowed: %s", method,
                  route->path, route->methods);
        r->allow = route->methods;
        return 1;
    }
    if (s->keys.len && !route->open) {
        const char *auth =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        const char *qkey = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "api_key");
        if (!qkey && route->endpoint == EP_UPDATEZ) /* yente's ?token= (an admin key here) */
            qkey = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
        rq->key = srv_keys_check_request(&s->keys, auth, qkey);
        if (!rq->key) {
            srv_error(r, 401, "unauthorized",
                      auth || qkey ? "the API key is not valid"
                                   : "an API key is required: Authorization: Bearer KEY, "
                                     "Authorization: ApiKey KEY or ?api_key=KEY");
            r->www_authenticate = 1;
            return 1;
        }
        const char *has = rq->key->admin ? "admin" : rq->key->analyst ? "analyst" : "screen";
        if (route->admin && !rq->key->admin) {
            srv_error(r, 403, "forbidden", "this API key has the %s scope; %s needs admin", has,
                      route->path);
            return 1;
        }
        if (route->analyst && !rq->key->admin && !rq->key->analyst) {
            srv_error(r, 403, "forbidden",
                      "this API key has the screen scope; %s needs the analyst or admin scope",
                      route->path);
            return 1;
        }
    }
    if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        size_t max = route->upload ? SRV_MAX_UPLOAD_BYTES : s->opts.max_body_bytes;
        if (cl && strtoull(cl, NULL, 10) > max) {
            srv_error(r, 413, "payload_too_large", "the body has %s bytes; at most %zu", cl, max);
            return 1;
        }
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)version;
    em_server *s = cls;
    srv_request *rq = *con_cls;
    srv_response r = {0};
    if (!rq) { /* on_uri always made one; just in case */
        rq = on_uri(s, NULL, c);
        *con_cls = rq;
    }
    if (!rq->started) {
        rq->started = 1;
        rq->method = em_xstrdup(method);
        rq->path = em_xstrdup(url);
        client_address(c, rq->client, sizeof rq->client);
        rq->route = srv_route_find(url);
        rq->endpoint = rq->route ? rq->route->endpoint : EP_WEB;
        if (rq->reject.status) {
            r = rq->reject;
            memset(&rq->reject, 0, sizeof rq->reject);
            if (!rq->route) rq->endpoint = EP_OTHER;
            return send_response(s, c, rq, &r);
        }
        header_stats hs = {0};
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hs);
        if (hs.n > SRV_MAX_HEADERS || hs.bytes > SRV_MAX_HEADER_BYTES) {
            srv_error(&r, 431, "headers_too_large",
                      "the request has %zu header fields of %zu bytes; at most %d fields and "
                      "%d bytes",
                      hs.n, hs.bytes, SRV_MAX_HEADERS, SRV_MAX_HEADER_BYTES);
            if (!rq->route) rq->endpoint = EP_OTHER;
            return send_response(s, c, rq, &r);
        }
        if (precheck(s, c, rq, method, &r)) {
            if (r.status == 404 && !rq->route) rq->endpoint = EP_OTHER;
            return send_response(s, c, rq, &r);
        }
        return MHD_YES;
    }
    if (*upload_data_size && rq->route && rq->route->upload) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->responded || rq->too_large || rq->upload_failed) return MHD_YES;
        if (rq->len + n > SRV_MAX_UPLOAD_BYTES) {
            rq->too_large = 1;
            return MHD_YES;
        }
        if (!rq->upload) upload_open(s, rq);
        if (!rq->upload || fwrite(upload_data, 1, n, rq->upload) != n) {
            rq->upload_failed = 1;
            return MHD_YES;
        }
        rq->len += n;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->responded || rq->too_large) return MHD_YES;
        if (rq->len + n > s->opts.max_body_bytes) {
            rq->too_large = 1;
            free(rq->body);
            rq->body = NULL;
            rq->len = rq->cap = 0;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            rq->cap = (rq->len + n + 1) * 2;
            if (rq->cap > s->opts.max_body_bytes + 1) rq->cap = s->opts.max_body_bytes + 1;
            rq->body = em_xrealloc(rq->body, rq->cap);
        }
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    if (rq->responded) return MHD_YES;
    if (rq->too_large) {
        srv_error(&r, 413, "payload_too_large", "the body is larger than %zu bytes",
                  rq->route && rq->route->upload ? SRV_MAX_UPLOAD_BYTES : s->opts.max_body_bytes);
        return send_response(s, c, rq, &r);
    }
    if (rq->upload_failed) {
        srv_error(&r, 500, "upload_failed", "the body could not be stored in the home: %s",
                  strerror(errno));
        return send_response(s, c, rq, &r);
    }
    if (rq->upload && !rq->queued) {
        int bad = fclose(rq->upload) != 0;
        rq->upload = NULL;
        if (bad) {
            srv_error(&r, 500, "upload_failed", "the body could not be stored in the home");
            return send_response(s, c, rq, &r);
        }
    }
    if (rq->queued) { /* resumed by a worker */
        if (!rq->done) return MHD_YES;
        r = rq->resp;
        memset(&rq->resp, 0, sizeof rq->resp);
        if (r.matches)
            atomic_fetch_add_explicit(&s->metrics.matches, r.matches, memory_order_relaxed);
        return send_response(s, c, rq, &r);
    }
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &rq->params);
    if (is_heavy(rq->endpoint) && job_submit(s, c, rq)) return MHD_YES;
    dispatch(s, rq, &r);
    if (r.status == 404 && !rq->route) rq->endpoint = EP_OTHER;
    if (r.matches) atomic_fetch_add_explicit(&s->metrics.matches, r.matches, memory_order_relaxed);
    return send_response(s, c, rq, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)c;
    (void)toe;
    em_server *s = cls;
    srv_request *rq = *con_cls;
    if (!rq) return;
    *con_cls = NULL;
    uint64_t ns = elapsed_ns(&rq->t0);
    if (rq->status) {
        srv_metrics_record(&s->metrics, rq->endpoint, rq->status, ns);
        srv_log_entry e = {rq->method,
                           rq->path,
                           rq->client,
                           rq->key ? rq->key->id : NULL,
                           em_buf_cstr(&rq->personal),
                           rq->status,
                           ns / 1000,
                           rq->bytes};
        srv_log_write(s, &e);
    }
    /* a queued request is never completed before its worker resumed it: MHD does
       not look at suspended connections, and workers_stop runs before MHD stops */
    if (rq->upload) fclose(rq->upload);
    if (rq->upload_path) {
        unlink(rq->upload_path);
        free(rq->upload_path);
    }
    free(rq->method);
    free(rq->path);
    free(rq->body);
    em_buf_free(&rq->personal);
    srv_params_free(&rq->params);
    srv_response_free(&rq->resp);
    srv_response_free(&rq->reject);
    free(rq);
}

/* ---- listening --------------------------------------------------------------------- */

static int is_loopback(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a)) return 1;
        if (IN6_IS_ADDR_V4MAPPED(a)) return a->s6_addr[12] == 127;
    }
    return 0;
}

static int resolve_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen,
                          em_error *err) {
    char host[256], port[16];
    const char *colon;
    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof host)
            return em_fail(err, EM_ERR_USAGE, "bad listen address '%s' (expected [ADDR]:PORT)",
                           spec);
        memcpy(host, spec + 1, (size_t)(end - spec - 1));
        host[end - spec - 1] = '\0';
        colon = end + 1;
    } else if ((colon = strrchr(spec, ':'))) {
        if ((size_t)(colon - spec) >= sizeof host)
            return em_fail(err, EM_ERR_USAGE, "bad listen address '%s'", spec);
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
        if (!host[0]) snprintf(host, sizeof host, "0.0.0.0");
    } else {
        return em_fail(err, EM_ERR_USAGE, "bad listen address '%s' (expected HOST:PORT)", spec);
    }
    snprintf(port, sizeof port, "%s", colon + 1);
    char *end;
    long pn = strtol(port, &end, 10);
    if (!port[0] || *end || pn < 0 || pn > 65535)
        return em_fail(err, EM_ERR_USAGE, "bad port in listen address '%s'", spec);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res)
        return em_fail(err, EM_ERR_USAGE, "cannot resolve listen address '%s': %s", spec,
                       gai_strerror(rc));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *sslen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static void format_address(const struct sockaddr *sa, char *out, size_t cap) {
    char a[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
        snprintf(out, cap, "%s:%u", a, ntohs(in->sin_port));
    } else {
        const struct sockaddr_in6 *in = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in->sin6_addr, a, sizeof a);
        snprintf(out, cap, "[%s]:%u", a, ntohs(in->sin6_port));
    }
}

/* binds and listens; refuses a non-loopback address when there is no API key */
static int open_listener(const char *spec, size_t nkeys, int *out_fd, char *address, size_t cap,
                         em_error *err) {
    struct sockaddr_storage ss = {0};
    socklen_t sslen = 0;
    if (resolve_listen(spec, &ss, &sslen, err) != 0) return -1;
    if (!is_loopback((struct sockaddr *)&ss) && nkeys == 0)
        return em_fail(err, EM_ERR_USAGE,
                       "refusing to listen on %s without API keys: anyone who can reach it "
                       "could use the service; configure keys (--api-keys FILE or "
                       "EMBARGO_API_KEYS) or listen on a loopback address (127.0.0.1)",
                       spec);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return em_fail(err, EM_ERR_IO, "cannot create a socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        return em_fail(err, EM_ERR_IO, "cannot listen on %s: %s%s", spec, strerror(e),
                       e == EADDRINUSE ? " (is another server running on this port?)" : "");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0)
        format_address((struct sockaddr *)&bound, address, cap);
    else
        snprintf(address, cap, "%s", spec);
    *out_fd = fd;
    return 0;
}

/* ---- life cycle -------------------------------------------------------------------- */

int srv_create(em_server **out, const em_server_options *opts, em_error *err) {
    *out = NULL;
    em_server *s = em_xcalloc(1, sizeof *s);
    em_server_options o = opts ? *opts : (em_server_options){0};
    s->listen = em_xstrdup(o.listen ? o.listen : "127.0.0.1:8080");
    s->home = em_xstrdup(o.home);
    s->update_config = em_xstrdup(o.update_config);
    o.update_config = s->update_config;
    s->cors = o.allow_cors && *o.allow_cors ? em_xstrdup(o.allow_cors) : NULL;
    o.listen = s->listen;
    o.home = s->home;
    o.allow_cors = s->cors;
    o.api_keys_file = NULL; /* only used here */
    if (!o.threads) o.threads = (unsigned)em_cpu_count();
    if (o.threads > 256) o.threads = 256;
    if (!o.max_body_bytes) o.max_body_bytes = 1u << 20;
    if (!o.request_timeout) o.request_timeout = 30;
    if (!o.reload_interval_ms) o.reload_interval_ms = 2000;
    if (!o.max_url_bytes) o.max_url_bytes = SRV_MAX_URL_BYTES;
    if (o.max_url_bytes > SRV_CONNECTION_MEMORY / 2) o.max_url_bytes = SRV_CONNECTION_MEMORY / 2;
    if (!o.max_query_params) o.max_query_params = SRV_MAX_QUERY_PARAMS;
    if (o.max_query_params > 1000) o.max_query_params = 1000; /* what fits in MHD's memory */
    if (!o.max_queries) o.max_queries = SRV_MAX_QUERIES;
    if (o.max_queries > 10000) o.max_queries = 10000;
    if (!o.max_names_per_query) o.max_names_per_query = SRV_MAX_NAMES_PER_QUERY;
    if (o.max_names_per_query > SRV_NAMES_CAP) o.max_names_per_query = SRV_NAMES_CAP;
    if (!o.max_names) o.max_names = SRV_MAX_NAMES;
    if (!o.max_name_bytes) o.max_name_bytes = SRV_MAX_NAME_BYTES;
    if (!o.match_workers) o.match_workers = o.threads;
    if (o.match_workers > 256) o.match_workers = 256;
    s->opts = o;
    s->listen_fd = -1;
    s->started = time(NULL);
    pthread_mutex_init(&s->st_lock, NULL);
    pthread_mutex_init(&s->reload_lock, NULL);
    pthread_mutex_init(&s->gen_lock, NULL);
    pthread_mutex_init(&s->stop_lock, NULL);
    pthread_mutex_init(&s->log_lock, NULL);
    pthread_cond_init(&s->stop_cond, NULL);
    pthread_mutex_init(&s->job_lock, NULL);
    pthread_cond_init(&s->job_cond, NULL);
    pthread_mutex_init(&s->search_lock, NULL);
    const char *env = opts && opts->no_env_keys ? NULL : getenv("EMBARGO_API_KEYS");
    if (srv_keys_load(&s->keys, opts ? opts->api_keys_file : NULL, env, err) != 0 ||
        em_store_open(&s->st, s->home, o.store_flags, err) != 0 ||
        em_store_open(&s->st_bg, s->home, o.store_flags | EM_STORE_NO_SEED, err) != 0) {
        em_server_stop(s);
        return -1;
    }
    srv_store_tune(s);
    srv_log_open(s);
    srv_monitor_init(s);
    em_error lerr = {0};
    if (srv_reload(s, 1, NULL, &lerr) != 0)
        snprintf(s->load_error, sizeof s->load_error, "%s", lerr.message);
    *out = s;
    return 0;
}

int em_server_start(em_server **out, const em_server_options *opts, em_error *err) {
    *out = NULL;
    em_server *s = NULL;
    /* bind first: a taken port or a refused address fails before the (slower) engine */
    srv_keys k = {0};
    const char *env = opts && opts->no_env_keys ? NULL : getenv("EMBARGO_API_KEYS");
    int rc = srv_keys_load(&k, opts ? opts->api_keys_file : NULL, env, err);
    size_t nkeys = k.len;
    srv_keys_free(&k);
    if (rc != 0) return -1;
    int fd = -1;
    char address[128];
    if (open_listener(opts && opts->listen ? opts->listen : "127.0.0.1:8080", nkeys, &fd, address,
                      sizeof address, err) != 0)
        return -1;
    if (srv_create(&s, opts, err) != 0) {
        close(fd);
        return -1;
    }
    s->listen_fd = fd;
    snprintf(s->address, sizeof s->address, "%s", address);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
    struct sockaddr_storage ss = {0};
    socklen_t sl = sizeof ss;
    if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_OptionItem pool[] = {
        {s->opts.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
         (intptr_t)s->opts.threads, NULL},
        {MHD_OPTION_END, 0, NULL}};
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)SRV_CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)s->opts.request_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_ARRAY, pool, MHD_OPTION_END);
    if (!s->daemon) {
        em_fail(err, EM_ERR_IO, "cannot start the HTTP server on %s", s->address);
        em_server_stop(s);
        return -1;
    }
    s->listen_fd = -1; /* MHD closes it */
    if (workers_start(s) != 0) {
        em_fail(err, EM_ERR_INTERNAL, "cannot start the screening threads");
        em_server_stop(s);
        return -1;
    }
    if (srv_poller_start(s) != 0) {
        em_fail(err, EM_ERR_INTERNAL, "cannot start the reload thread");
        em_server_stop(s);
        return -1;
    }
    if (srv_updater_start(s) != 0) {
        em_fail(err, EM_ERR_INTERNAL, "cannot start the update thread");
        em_server_stop(s);
        return -1;
    }
    if (srv_monitor_start(s) != 0) {
        em_fail(err, EM_ERR_INTERNAL, "cannot start the monitoring thread");
        em_server_stop(s);
        return -1;
    }
    *out = s;
    return 0;
}

void em_server_stop(em_server *s) {
    if (!s) return;
    s->update_cancel = 1; /* aborts a running download */
    srv_poller_stop(s);
    srv_updater_stop(s);
    workers_stop(s);
    if (s->daemon) MHD_stop_daemon(s->daemon);
    if (s->listen_fd >= 0) close(s->listen_fd);
    pthread_mutex_lock(&s->gen_lock);
    srv_gen *g = s->gen;
    s->gen = NULL;
    pthread_mutex_unlock(&s->gen_lock);
    srv_gen_release(s, g);
    srv_search_stop(s);
    srv_monitor_stop(s);        /* its thread, then the monitor: before the engine */
    srv_payments_stop(s);       /* the payment screener and its monitor, likewise */
    em_engine_close(s->engine); /* no request runs any more */
    em_store_close(s->st);
    em_store_close(s->st_bg);
    srv_keys_free(&s->keys);
    srv_log_close(s);
    pthread_mutex_destroy(&s->st_lock);
    pthread_mutex_destroy(&s->reload_lock);
    pthread_mutex_destroy(&s->gen_lock);
    pthread_mutex_destroy(&s->stop_lock);
    pthread_mutex_destroy(&s->log_lock);
    pthread_cond_destroy(&s->stop_cond);
    pthread_mutex_destroy(&s->job_lock);
    pthread_cond_destroy(&s->job_cond);
    pthread_mutex_destroy(&s->search_lock);
    free(s->listen);
    free(s->home);
    free(s->update_config);
    free(s->cors);
    free(s);
}

const char *em_server_address(const em_server *s) {
    return s->address[0] ? s->address : s->listen;
}

size_t em_server_api_key_count(const em_server *s) {
    return s->keys.len;
}

int em_server_ready(const em_server *s) {
    return atomic_load(&((em_server *)s)->generation) != 0;
}
