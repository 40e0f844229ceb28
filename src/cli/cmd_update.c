/*
 * cmd_update.c - `embargo update`: download the configured lists from their
 * publishers (or mirrors) and import them; one line per source, exit 1 when
 * any source failed (the others are still processed, and a failed source
 * keeps its previous version active).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void notify(void *ctx, const char *source, const char *message) {
    (void)ctx;
    fprintf(stderr, "embargo: update %s: %s\n", source, message);
}

static int parse_double(const char *s, double *out) {
    char *end = NULL;
    double v = strtod(s, &end);
    if (!s[0] || *end || v < 0) return -1;
    *out = v;
    return 0;
}

static void print_json(const em_update_report *r) {
    printf("[");
    for (size_t i = 0; i < em_update_report_count(r); i++) {
        const em_update_result *x = em_update_report_get(r, i);
        printf("%s\n  {\"source\": ", i ? "," : "");
        cli_print_json_string(stdout, x->source);
        printf(", \"outcome\": \"%s\", \"urls\": [", em_update_outcome_name(x->outcome));
        for (size_t k = 0; k < x->nurls; k++) {
            if (k) printf(", ");
            cli_print_json_string(stdout, x->urls[k]);
        }
        printf("], \"http_status\": %ld, \"bytes\": %lld, \"sha256\": ", x->http_status,
               (long long)x->bytes);
        if (x->sha256[0])
            cli_print_json_string(stdout, x->sha256);
        else
            printf("null");
        printf(", \"version\": ");
        if (x->version)
            printf("%lld", (long long)x->version);
        else
            printf("null");
        printf(", \"previous_version\": ");
        if (x->previous_version)
            printf("%lld", (long long)x->previous_version);
        else
            printf("null");
        printf(", \"entities\": %zu, \"published\": ", x->entities);
        if (x->published[0])
            cli_print_json_string(stdout, x->published);
        else
            printf("null");
        printf(", \"error\": ");
        if (x->error[0])
            cli_print_json_string(stdout, x->error);
        else
            printf("null");
        printf(", \"tries\": %d, \"duration\": %.3f}", x->tries, x->duration);
    }
    printf("%s]\n", em_update_report_count(r) ? "\n" : "");
}

static void print_text(const em_update_report *r) {
    for (size_t i = 0; i < em_update_report_count(r); i++) {
        const em_update_result *x = em_update_report_get(r, i);
        switch (x->outcome) {
        case EM_UPDATE_UPDATED:
            printf("%-10s updated to version %lld: %zu entities, published %s, %lld bytes in "
                   "%.1f s\n",
                   x->source, (long long)x->version, x->entities,
                   x->published[0] ? x->published : "(not stated)", (long long)x->bytes,
                   x->duration);
            break;
        case EM_UPDATE_NOT_MODIFIED:
            printf("%-10s not modified since the last update; version %lld stays active\n",
                   x->source, (long long)x->version);
            break;
        case EM_UPDATE_UNCHANGED:
            printf("%-10s unchanged: the download is identical to active version %lld\n", x->source,
                   (long long)x->version);
            break;
        default:
            if (x->version)
                printf("%-10s FAILED: %s; version %lld stays active\n", x->source, x->error,
                       (long long)x->version);
            else
                printf("%-10s FAILED: %s; no version of %s is active\n", x->source, x->error,
                       x->source);
            break;
        }
    }
}

/* The closing line: which failed sources keep their previous version, and
   which never had one (nothing of them is screened until an update works). */
static void print_failures(const em_update_report *r, size_t failed) {
    em_buf kept, none;
    em_buf_init(&kept);
    em_buf_init(&none);
    size_t nkept = 0, nnone = 0;
    for (size_t i = 0; i < em_update_report_count(r); i++) {
        const em_update_result *x = em_update_report_get(r, i);
        if (x->outcome != EM_UPDATE_FAILED) continue;
        em_buf *b = x->version ? &kept : &none;
        em_buf_printf(b, "%s%s", b->len ? ", " : "", x->source);
        x->version ? nkept++ : nnone++;
    }
    fprintf(stderr, "embargo: %zu of %zu source(s) failed", failed, em_update_report_count(r));
    if (nkept)
        fprintf(stderr, "; %s keep%s %s previous version", em_buf_cstr(&kept),
                nkept == 1 ? "s" : "", nkept == 1 ? "its" : "their");
    if (nnone)
        fprintf(stderr, "; %s never had a version and %s not screened", em_buf_cstr(&none),
                nnone == 1 ? "is" : "are");
    fputc('\n', stderr);
    em_buf_free(&kept);
    em_buf_free(&none);
}

int cmd_update(cli_ctx *c, int argc, char **argv) {
    em_update_options o;
    em_update_options_init(&o);
    const char *sources[argc > 0 ? argc : 1];
    size_t nsources = 0;
    int json = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        double d;
        long long n;
        if ((v = cli_opt(argc, argv, &i, "--config"))) {
            o.config_path = v;
        } else if ((v = cli_opt(argc, argv, &i, "--source"))) {
            sources[nsources++] = v;
        } else if (cli_flag(argv, i, "--force")) {
            o.force = 1;
        } else if (cli_flag(argv, i, "--json")) {
            json = 1;
        } else if (cli_flag(argv, i, "--quiet")) {
            quiet = 1;
        } else if ((v = cli_opt(argc, argv, &i, "--timeout"))) {
            if (parse_double(v, &d) || d <= 0) return cli_usage("update: bad --timeout %s", v);
            o.timeout = d;
            if (o.connect_timeout > d) o.connect_timeout = d;
        } else if ((v = cli_opt(argc, argv, &i, "--retries"))) {
            if (cli_parse_int64(v, &n) || n < 0 || n > 20)
                return cli_usage("update: bad --retries %s (0 to 20)", v);
            o.tries = (int)n + 1;
        } else if ((v = cli_opt(argc, argv, &i, "--retry-delay"))) {
            if (parse_double(v, &d) || d <= 0)
                return cli_usage("update: bad --retry-delay %s (seconds)", v);
            o.retry_delay = d;
        } else if ((v = cli_opt(argc, argv, &i, "--low-speed-time"))) {
            if (cli_parse_int64(v, &n) || n <= 0)
                return cli_usage("update: bad --low-speed-time %s (seconds)", v);
            o.low_speed_time = (long)n;
        } else if ((v = cli_opt(argc, argv, &i, "--user-agent"))) {
            if (!v[0]) return cli_usage("update: --user-agent is empty");
            o.user_agent = v;
        } else if ((v = cli_opt(argc, argv, &i, "--max-bytes"))) {
            if (cli_parse_int64(v, &n) || n <= 0) return cli_usage("update: bad --max-bytes %s", v);
            o.max_bytes = n;
        } else if (argv[i][0] == '-') {
            return cli_usage("update: unknown option %s", argv[i]);
        } else {
            return cli_usage("update: unexpected argument %s (sources are given with --source)",
                             argv[i]);
        }
    }
    o.sources = sources;
    o.nsources = nsources;
    if (!quiet && !json) o.notify = notify;
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_update_report *r = NULL;
    if (em_store_update(st, &o, &r, &err) != 0) {
        em_store_close(st);
        em_update_global_cleanup();
        return err.code == EM_ERR_USAGE ? (cli_error(&err), EXIT_USAGE) : cli_error(&err);
    }
    if (json)
        print_json(r);
    else
        print_text(r);
    size_t failed = em_update_report_failures(r);
    int updated = 0;
    for (size_t i = 0; i < em_update_report_count(r); i++)
        updated |= em_update_report_get(r, i)->outcome == EM_UPDATE_UPDATED;
    if (failed && !json) print_failures(r, failed);
    em_update_report_free(r);
    em_store_close(st);
    em_update_global_cleanup();
    /* a new active version: every register is re-screened by delta */
    int src = updated ? cli_monitor_sync_after_import(c, json) : EXIT_OK;
    return failed ? EXIT_ERR : src;
}
