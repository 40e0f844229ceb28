/*
 * server_log.c - the structured access log: one JSON line per request (time,
 * method, path without the query string, status, duration, bytes, client
 * address, API key id). Names and query text appear only when the operator
 * enables log_personal_data.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/server_internal.h"

void srv_log_open(em_server *s) {
    const em_server_options *o = &s->opts;
    s->log = NULL;
    s->log_owned = 0;
    if (o->no_access_log) return;
    if (o->access_log) {
        s->log = o->access_log;
    } else if (o->access_log_path && strcmp(o->access_log_path, "-") != 0) {
        s->log = fopen(o->access_log_path, "a");
        s->log_owned = s->log != NULL;
        if (!s->log)
            fprintf(stderr, "embargo: cannot open the access log %s; logging to stderr\n",
                    o->access_log_path);
    }
    if (!s->log) s->log = stderr;
}

void srv_log_write(em_server *s, const srv_log_entry *e) {
    if (!s->log) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[96];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    em_buf b;
    em_buf_init(&b);
    em_buf_printf(&b, "{\"time\":\"%s\",\"method\":", when);
    em_buf_json_str(&b, e->method);
    em_buf_adds(&b, ",\"path\":");
    em_buf_json_str(&b, srv_utf8_valid(e->path, strlen(e->path)) ? e->path : "(invalid UTF-8)");
    em_buf_printf(&b, ",\"status\":%d,\"duration_us\":%llu,\"bytes\":%zu,\"client\":", e->status,
                  (unsigned long long)e->duration_us, e->bytes);
    em_buf_json_str(&b, e->client);
    em_buf_adds(&b, ",\"key\":");
    if (e->key_id)
        em_buf_json_str(&b, e->key_id);
    else
        em_buf_adds(&b, "null");
    if (s->opts.log_personal_data && e->personal && *e->personal) {
        em_buf_adds(&b, ",\"query\":");
        em_buf_json_str(&b, e->personal);
    }
    em_buf_adds(&b, "}\n");
    pthread_mutex_lock(&s->log_lock);
    fwrite(b.data, 1, b.len, s->log);
    fflush(s->log);
    pthread_mutex_unlock(&s->log_lock);
    em_buf_free(&b);
}

void srv_log_close(em_server *s) {
    if (s->log_owned) fclose(s->log);
    s->log = NULL;
    s->log_owned = 0;
}
