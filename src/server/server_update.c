/*
 * server_update.c - `embargo serve --update-every`: a background thread that
 * runs the same update as `embargo update` (em_store_update, with its own
 * store handle) at a fixed interval. A new list version it imports is picked
 * up by the reload poller like any other import; a failed update keeps the
 * active versions and shows in /metrics and /catalog (from the update log).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/server_internal.h"

static void *updater_main(void *arg) {
    em_server *s = arg;
    unsigned every = s->opts.update_every_s;
    while (!srv_wait(s, every * 1000u)) {
        em_error err = {0};
        em_store *st = NULL;
        em_update_report *r = NULL;
        em_update_options o;
        em_update_options_init(&o);
        o.config_path = s->update_config;
        o.cancel = &s->update_cancel;
        if (em_store_open(&st, s->home, s->opts.store_flags | EM_STORE_NO_SEED, &err) != 0 ||
            em_store_update(st, &o, &r, &err) != 0) {
            fprintf(stderr, "embargo: scheduled update failed: %s\n", err.message);
        } else {
            for (size_t i = 0; i < em_update_report_count(r); i++) {
                const em_update_result *x = em_update_report_get(r, i);
                fprintf(stderr, "embargo: scheduled update: %s %s%s%s\n", x->source,
                        em_update_outcome_name(x->outcome), x->error && *x->error ? ": " : "",
                        x->error ? x->error : "");
            }
        }
        em_update_report_free(r);
        em_store_close(st);
    }
    return NULL;
}

int srv_updater_start(em_server *s) {
    if (!s->opts.update_every_s) return 0;
    if (pthread_create(&s->updater, NULL, updater_main, s) != 0) return -1;
    s->updater_running = 1;
    return 0;
}

void srv_updater_stop(em_server *s) {
    if (s->updater_running) pthread_join(s->updater, NULL);
    s->updater_running = 0;
}

void srv_update_metrics(em_server *s, em_buf *b) {
    em_update_status_list *l = NULL;
    em_error err = {0};
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_update_status(s->st, &l, &err);
    pthread_mutex_unlock(&s->st_lock);
    if (rc != 0) return;
    em_buf_adds(b, "# HELP embargo_update_consecutive_failures Failed updates of a source since "
                   "its last successful one.\n# TYPE embargo_update_consecutive_failures gauge\n");
    for (size_t i = 0; i < em_update_status_count(l); i++) {
        const em_update_status *u = em_update_status_get(l, i);
        em_buf_printf(b, "embargo_update_consecutive_failures{source=\"%s\"} %u\n", u->source,
                      u->consecutive_failures);
    }
    em_buf_adds(b, "# HELP embargo_update_last_success_timestamp_seconds When a source was last "
                   "updated successfully (0 = never).\n"
                   "# TYPE embargo_update_last_success_timestamp_seconds gauge\n");
    for (size_t i = 0; i < em_update_status_count(l); i++) {
        const em_update_status *u = em_update_status_get(l, i);
        struct tm tm = {0};
        long long t = 0;
        if (u->last_success[0] && strptime(u->last_success, "%Y-%m-%dT%H:%M:%S", &tm))
            t = (long long)timegm(&tm);
        em_buf_printf(b, "embargo_update_last_success_timestamp_seconds{source=\"%s\"} %lld\n",
                      u->source, t);
    }
    em_update_status_list_free(l);
}
