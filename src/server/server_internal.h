/*
 * server_internal.h - what the pieces of the HTTP server share: the server
 * struct, its views of the engine's generations (reference-counted, swapped on
 * reload), query parameters, responses, metrics, auth and the request handlers, which take
 * plain bytes and return a status and a JSON body so they can be tested and
 * fuzzed without sockets.
 */
#ifndef EM_SERVER_INTERNAL_H
#define EM_SERVER_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/vec.h"
#include "embargo.h"

/* ---- endpoints (metrics labels) and routes -------------------------------- */

typedef enum srv_endpoint {
    EP_MATCH,
    EP_SEARCH,
    EP_ENTITIES,
    EP_CATALOG,
    EP_HEALTHZ,
    EP_READYZ,
    EP_METRICS,
    EP_OPENAPI,
    EP_ADMIN_RELOAD,
    EP_REGISTERS, /* monitoring (server_monitor.c) */
    EP_ALERTS,
    EP_GOODGUYS,
    EP_AUDIT,
    EP_ALGORITHMS, /* yente's system endpoints (server_yente.c) */
    EP_MANIFEST,
    EP_UPDATEZ,
    EP_RECONCILE, /* /reconcile/{dataset}... (server_reconcile.c) */
    EP_PAYMENTS, /* POST /payments/screen (server_payments.c) */
    EP_WEB,
    EP_OTHER,
    EP_COUNT
} srv_endpoint;

extern const char *const srv_endpoint_names[EP_COUNT];

typedef struct srv_route {
    const char *path;    /* OpenAPI path template ("/match/{dataset}", "/alerts/{id}/assign") */
    const char *methods; /* the Allow header value */
    srv_endpoint endpoint;
    int admin;   /* needs the admin scope */
    int open;    /* no API key needed */
    int analyst; /* needs the analyst (or admin) scope: a screen key may not */
    int upload;  /* the body is a file, streamed to a temporary file in the home */
} srv_route;

/* Every API route the server answers (the web UI aside); NULL-terminated. */
extern const srv_route srv_routes[];
/* The route for a path ("/match/ofac_sdn" -> "/match/{dataset}"), or NULL. A {param}
   matches one non-empty path segment. */
const srv_route *srv_route_find(const char *path);

/* The OpenAPI 3 document (server_openapi.c), built once: the static text with
   the schema enum filled in from the schema table (model/schema.h). */
const char *srv_openapi(void);
#define srv_openapi_json (srv_openapi())

/* ---- query parameters --------------------------------------------------- */

typedef struct srv_params {
    char **keys, **values;
    size_t len, cap;
} srv_params;

void srv_params_add(srv_params *p, const char *key, const char *value);
/* Parses "a=1&b=x%20y" (URL-decoding, '+' is a space). */
void srv_params_parse(srv_params *p, const char *query_string);
const char *srv_params_get(const srv_params *p, const char *key); /* first value or NULL */
struct srv_response;
/*
 * Checks a raw request target ("/search?q=x&limit=5", before URL-decoding):
 * at most max_bytes long (414), at most max_params parameters (414), and no
 * %00 in the path or the query string (400). Returns 0, or the status with
 * r filled.
 */
int srv_check_target(const char *target, size_t max_bytes, unsigned max_params,
                     struct srv_response *r);
void srv_params_free(srv_params *p);

/* ---- responses ------------------------------------------------------------ */

typedef struct srv_response {
    int status;
    char *body; /* malloc'd; or static_body */
    size_t len;
    const unsigned char *static_body;
    const char *content_type;  /* NULL = application/json */
    const char *cache_control; /* NULL = no-store */
    const char *allow;         /* 405: the Allow header */
    int www_authenticate;      /* 401 */
    int web;                   /* a web UI asset: strict CSP */
    size_t matches;            /* results with match = true (metrics) */
} srv_response;

/* Fills r with {"status": status, "error": error, "detail": detail}. */
void srv_error(srv_response *r, int status, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void srv_json(srv_response *r, int status, json_t *body); /* takes the reference */
void srv_response_free(srv_response *r);

/* ---- views of the engine's generations ----------------------------------------- */

/*
 * The server's view of one engine generation (server_reload.c): what the HTTP
 * answers need besides the screening itself, built once per generation. No
 * matcher and no searchers: screening goes through em_server.engine.
 */
typedef struct srv_gen {
    int refs;          /* under em_server.gen_lock */
    uint64_t number;   /* em_engine_generation() when the view was built */
    em_engine *engine; /* the server's engine (not owned): set when the view exists */
    json_t *catalog;   /* array of the versions the generation screens */
    char *lists_json;  /* [{"dataset","version","published"}...] of those versions */
    char **sources;    /* dataset names, sorted */
    size_t nsources;
    time_t loaded_at;
    pthread_mutex_t lock; /* the entity cache */
    /* the entity cache: key the id, a NUL and the int64_t list version the
       fragment was read from; value the FtM part of a result,
       "\"id\":...,\"datasets\":[...]" (owned char *) */
    em_hmap cache;
} srv_gen;

/* ---- auth ------------------------------------------------------------------- */

typedef struct srv_key {
    char *key;
    char id[20];   /* "k:" + 8 hex digits of SHA-256(key): safe to log */
    int admin;     /* scope admin: everything */
    int analyst;   /* scope analyst: screening, and reading and deciding alerts */
    char name[65]; /* the analyst the key names ("" = none: the id stands for it) */
} srv_key;

typedef EM_VEC(srv_key) srv_keys;

/* Loads keys from a file (lines "KEY [scope [NAME]]") and/or "$EMBARGO_API_KEYS"
   ("k1:screen,k2:admin,k3:analyst:ann"); scope screen (the default), analyst or admin. */
int srv_keys_load(srv_keys *k, const char *file, const char *env, em_error *err);
void srv_keys_free(srv_keys *k);
/* The key of an "Authorization" header value ("Bearer KEY" or "ApiKey KEY"), or NULL
   (constant-time compare). */
const srv_key *srv_keys_check(const srv_keys *k, const char *authorization);
/* The key a request presents: its Authorization header when it has one (a header
   with a wrong key is not rescued by the query), else its ?api_key= value; or NULL. */
const srv_key *srv_keys_check_request(const srv_keys *k, const char *authorization,
                                      const char *api_key);

/* ---- metrics ------------------------------------------------------------------ */

#define SRV_NBUCKETS 13
extern const double srv_buckets[SRV_NBUCKETS];
#define SRV_NSTATUS 18
extern const int srv_statuses[SRV_NSTATUS]; /* the last slot counts any other status */

typedef struct srv_metrics {
    atomic_ullong requests[EP_COUNT][SRV_NSTATUS];
    atomic_ullong buckets[EP_COUNT][SRV_NBUCKETS]; /* not cumulative */
    atomic_ullong count[EP_COUNT];
    atomic_ullong sum_ns[EP_COUNT];
    atomic_ullong matches;
    atomic_ullong reloads;
    atomic_ullong reload_failures;
} srv_metrics;

void srv_metrics_record(srv_metrics *m, srv_endpoint ep, int status, uint64_t ns);

/* ---- limits (defaults of the em_server_options fields) --------------------------- */

#define SRV_MAX_URL_BYTES 16384
#define SRV_MAX_QUERY_PARAMS 256
#define SRV_MAX_QUERIES 100
#define SRV_MAX_NAMES_PER_QUERY 32
#define SRV_MAX_NAMES 500
#define SRV_MAX_NAME_BYTES 512
/* the largest max_names_per_query accepted: what one em_party holds */
#define SRV_NAMES_CAP EM_PARTY_MAX_NAMES
#define SRV_MAX_HEADERS 100
#define SRV_MAX_HEADER_BYTES 16384
/* MHD's own per-connection memory (read buffer and parsed headers). Larger
   than the limits above, so that MHD never runs out of it first (it then
   drops the connection without an answer) and our JSON error is sent. */
#define SRV_CONNECTION_MEMORY (256 * 1024)

/* ---- the server ----------------------------------------------------------------- */

struct srv_request;
typedef struct srv_mon srv_mon; /* the monitor and its thread (server_monitor.c) */

struct em_server {
    em_server_options opts; /* strings below are owned copies */
    char *home, *listen, *cors;
    char address[128];
    struct MHD_Daemon *daemon;
    int listen_fd;

    em_store *st; /* for requests (entities); under st_lock */
    pthread_mutex_t st_lock;
    em_store *st_bg; /* for building views (the catalog); under reload_lock */
    pthread_mutex_t reload_lock;
    em_engine *engine; /* screening; NULL until the home has active lists. Written
                          under reload_lock before the first view is published;
                          requests reach it through their view (srv_gen.engine) */

    pthread_mutex_t gen_lock;
    srv_gen *gen;
    atomic_ullong generation; /* the current view's number, 0 before lists are loaded */

    pthread_t poller;
    int poller_running;
    pthread_t updater; /* scheduled `embargo update` (server_update.c) */
    int updater_running;
    volatile int update_cancel;
    char *update_config;
    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond;
    int stopping;

    srv_keys keys;
    FILE *log;
    int log_owned;
    pthread_mutex_t log_lock;
    srv_metrics metrics;
    time_t started;
    char load_error[1024]; /* why the first load failed, "" when it did not */

    /* the screening workers (server.c): heavy requests are queued here and their
       connection suspended, so the HTTP threads stay free for health checks */
    pthread_t *workers;
    size_t nworkers;
    pthread_mutex_t job_lock;
    pthread_cond_t job_cond;
    struct srv_request *job_head, *job_tail;
    size_t jobs_queued;      /* under job_lock */
    int jobs_stopping;       /* under job_lock */
    atomic_int trim_pending; /* a view was freed or lists loaded: return memory to the OS */

    srv_mon *mon; /* monitoring: opened on the engine when first needed */

    /* /search's listing of the newest generation searched (server_search_index.c) */
    pthread_mutex_t search_lock;
    struct srv_search_index *search;
    /* payments (server_payments.c): the screener and the monitor its verdicts are
       audited through, opened on the engine when first needed */
    em_payment_screener *payments;
    em_monitor *payments_mon;
};

/* Creates a server without a socket (what em_server_start does before listening). */
int srv_create(em_server **out, const em_server_options *opts, em_error *err);

srv_gen *srv_gen_acquire(em_server *s); /* NULL when no list is loaded (no engine) */
void srv_gen_release(em_server *s, srv_gen *g);
int srv_gen_has_source(const srv_gen *g, const char *source);
/* Appends [{"dataset","version","published"}...]: the list versions a result
   set was screened against (em_results_list), dated from the view's catalog or,
   for a generation newer than the view, from the store; res NULL: the view's. */
void srv_lists_json(em_server *s, srv_gen *g, const em_results *res, em_buf *b);
/* Opens the engine if there is none, else refreshes it (a new generation when
   the store's active versions changed; force: always); builds and swaps in a
   new view when the generation changed. */
int srv_reload(em_server *s, int force, int *swapped, em_error *err);
/* Sleeps ms, or less when the server stops; returns 1 when it is stopping. */
int srv_wait(em_server *s, unsigned ms);
/* Smaller page caches on the server's store connections (after opening them). */
void srv_store_tune(em_server *s);
/* After a view was freed or lists loaded: frees cached store pages and returns free heap to
   the system (glibc malloc_trim); a no-op otherwise. Called by the poller. */
void srv_trim_memory(em_server *s);
int srv_poller_start(em_server *s);
void srv_poller_stop(em_server *s);
int srv_updater_start(em_server *s); /* no-op unless opts.update_every_s */
void srv_updater_stop(em_server *s);
/* Appends the update state of each source as Prometheus gauges. */
void srv_update_metrics(em_server *s, em_buf *b);

/* The FtM fragment of a stored entity, cached per view by id and version (never NULL). */
const char *srv_entity_fragment(em_server *s, srv_gen *g, const em_result *r);
/* The whole entity as FtM-style JSON with the stored form under "embargo". */
struct em_entity;
/* The FtM object of an entity of `version` (0 = active), with its history. */
json_t *srv_entity_ftm(em_server *s, const struct em_entity *e, int64_t version);

/* ---- handlers --------------------------------------------------------------------- */

/* personal (may be NULL) receives the screened names, for the access log. The _as forms
   (what the server routes to) audit each query as `user` (srv_audit_screening); the plain
   forms do not (the unit tests' and fuzzers' entry). */
void srv_handle_match_as(em_server *s, const char *dataset, const srv_params *params,
                         const char *body, size_t len, const char *user, srv_response *r,
                         em_buf *personal);
void srv_handle_search_as(em_server *s, const char *dataset, const srv_params *params,
                          const char *user, srv_response *r);
void srv_handle_match(em_server *s, const char *dataset, const srv_params *params, const char *body,
                      size_t len, srv_response *r, em_buf *personal);
void srv_handle_search(em_server *s, const char *dataset, const srv_params *params,
                       srv_response *r);
/* What /match and /search share (server_match.c): a plain decimal in [lo, hi]; a plain
   decimal integer in [lo, hi]; a yente validation error (422, detail [{type, loc, msg,
   input}], loc '/'-separated: "query/limit"; takes input; returns -1); yente's
   changed_since pattern, padded to "YYYY-MM-DDThh:mm:ss"; the current view for a route's
   dataset (NULL: every list; "default" too), or NULL with a 503 / 404 in r. */
int srv_parse_decimal(const char *v, double lo, double hi, double *out);
int srv_parse_count(const char *v, unsigned long lo, unsigned long hi, unsigned long *out);
int srv_invalid(srv_response *r, const char *type, const char *loc, const char *msg,
                json_t *input);
int srv_parse_timestamp(const char *v, char out[20]);
srv_gen *srv_gen_for(em_server *s, const char *dataset, srv_response *r);
/* yente's /entities/{id} (nested, nested=false) and /entities/{id}/adjacent[/{prop}]
   (server_entities.c); arg is the path after "/entities/". */
void srv_handle_entities(em_server *s, const char *arg, const srv_params *p, srv_response *r);
/* The OpenRefine Reconciliation API (server_reconcile.c); arg is the path after
   "/reconcile/" ("default", "default/suggest/entity"); queries audited as `user`. */
void srv_handle_reconcile(em_server *s, const char *method, const char *arg, const srv_params *p,
                          const char *body, size_t len, const char *user, srv_response *r);
void srv_handle_catalog(em_server *s, srv_response *r);
void srv_handle_metrics(em_server *s, srv_response *r);
void srv_handle_reload(em_server *s, srv_response *r);
void srv_handle_readyz(em_server *s, srv_response *r);
void srv_handle_healthz(em_server *s, srv_response *r);
/* yente's /algorithms and /updatez (server_yente.c); /manifest is the catalog. */
void srv_handle_algorithms(em_server *s, srv_response *r);
/* POST: reloads the store's active versions (yente: force an index update); GET: the
   update log and the generation. */
void srv_handle_updatez(em_server *s, const char *method, srv_response *r);
/* 1 when /match's ?algorithm= names embargo's matcher or an alias of it ("best",
   "default", "embargo", "embargo-v1", "logic-v1", "logic-v2", "name-based", any case; NULL or ""
   too); 0 for another name (yente: 400). */
int srv_algorithm_known(const char *name);
/* 503: no list loaded, with what to do about it (import or update lists). */
void srv_not_ready(em_server *s, srv_response *r);

/* ---- monitoring (server_monitor.c) ---------------------------------------------------- */

/* One monitoring request, as routed. */
typedef struct srv_call {
    const srv_route *route;
    const char *method, *path; /* path as decoded by MHD ("/alerts/12/decision") */
    const srv_params *params;
    const char *body; /* NULL for an upload route */
    size_t len;
    const char *upload; /* upload routes: the file the body was streamed to (NULL: empty) */
    const srv_key *key; /* NULL without API keys */
} srv_call;

void srv_monitor_init(em_server *s); /* in srv_create, before the first load */
int srv_monitor_start(em_server *s); /* the monitor thread */
void srv_monitor_stop(em_server *s); /* joins the thread, closes the monitor (before the engine) */
/* A new generation was swapped in: the monitor thread re-screens the registers (delta) and
   sends the webhooks due. */
void srv_monitor_changed(em_server *s);
void srv_handle_monitor(em_server *s, const srv_call *c, srv_response *r);
/* Appends a screening to the audit chain (kind "match" or "search"); -1 with a 503 in r when
   it cannot be written (an unaudited decision is not answered). */
int srv_audit_screening(em_server *s, const char *kind, const char *user, const em_party *p,
                        const em_screen_options *o, const em_results *res, srv_response *r);
/* Who a key names: its name, else its id; "local" without keys (k NULL). */
const char *srv_user_of(const srv_key *k);

/*
 * The whole /match exchange without sockets: status and JSON response text
 * (caller frees). Used by the unit tests and the fuzzer.
 */
int em_server_handle_match(em_server *s, const char *dataset, const char *query_string,
                           const char *body, size_t len, int *status, char **response);

/* ---- payments (server_payments.c) ------------------------------------------------------ */

/* POST /payments/screen: the raw MT or ISO 20022 body screened, every verdict audited as
   `user` (NULL: not audited, the unit tests' and fuzzer's entry). */
void srv_handle_payments(em_server *s, const char *body, size_t len, const char *user,
                         srv_response *r);
void srv_payments_stop(em_server *s); /* before the engine closes */

/* ---- access log ---------------------------------------------------------------------- */

typedef struct srv_log_entry {
    const char *method, *path, *client, *key_id, *personal;
    int status;
    uint64_t duration_us;
    size_t bytes;
} srv_log_entry;

void srv_log_open(em_server *s);
void srv_log_write(em_server *s, const srv_log_entry *e);
void srv_log_close(em_server *s);

/* JSON string escaping into a buffer (with the quotes). */
/* 1 when s (n bytes) is valid UTF-8. */
int srv_utf8_valid(const char *s, size_t n);

#endif
