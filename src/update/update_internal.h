/*
 * update_internal.h - the pieces of the updater (src/update/) shared by
 * update.c (orchestration), update_config.c (the config file) and
 * update_fetch.c (downloads over libcurl). Exposed to the unit tests. The
 * update log the updater writes is the store's (store/update_log.h).
 */
#ifndef EM_UPDATE_UPDATE_INTERNAL_H
#define EM_UPDATE_UPDATE_INTERNAL_H

#include <stdint.h>

#include "base/buf.h"
#include "embargo.h"

/* ---- config (update_config.c) ------------------------------------------ */

#define EM_UPDATE_MAX_URLS 8

typedef struct em_update_source_cfg {
    char *name;
    em_strvec urls;
    int line; /* where the source is declared */
} em_update_source_cfg;

typedef struct em_update_config {
    char *path;
    em_update_source_cfg *items;
    size_t len;
} em_update_config;

/* Parses config text; `path` only names the file in errors ("FILE line N: ..."). */
int em_update_config_parse(const char *text, const char *path, em_update_config *out,
                           em_error *err);
int em_update_config_load(const char *path, em_update_config *out, em_error *err);
void em_update_config_free(em_update_config *c);
const em_update_source_cfg *em_update_config_find(const em_update_config *c, const char *name);
/* HOME/update.conf, copied from the bundled data/update.conf when missing (caller frees). */
char *em_update_default_config(const char *home, em_error *err);

/* ---- downloads (update_fetch.c) ---------------------------------------- */

typedef struct em_fetch_request {
    const char *url;
    const char *dest;          /* file to write */
    const char *etag;          /* If-None-Match, NULL/"" = none */
    const char *last_modified; /* If-Modified-Since, NULL/"" = none */
} em_fetch_request;

typedef struct em_fetch_result {
    int not_modified; /* 304 */
    long http_status;
    int64_t bytes;
    char sha256[65];
    char *etag;          /* from the response, or NULL */
    char *last_modified; /* from the response, or NULL */
    int tries;
} em_fetch_result;

/* Downloads one URL with the options' timeouts, retries and limits (defaults
   already applied). On failure err says what happened, naming the URL. */
int em_fetch(const em_fetch_request *rq, const em_update_options *o, const char *source,
             em_fetch_result *res, em_error *err);
void em_fetch_result_free(em_fetch_result *r);
/* "Tue, 01 Dec 2026 16:16:47 GMT" (a Last-Modified) -> "2026-12-01"; -1 if not a date */
int em_http_date_day(const char *http_date, char out[11]);
/* curl_global_init once per process */
void em_fetch_global_init(void);

#endif
