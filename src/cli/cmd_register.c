/*
 * cmd_register.c - `embargo register import|list|show|screen|webhook` and
 * `embargo sync`: the user's registers of records, monitored against the
 * lists (the library's em_monitor does the work; this file translates).
 * Also the shared opening of an engine and monitor for the monitoring
 * commands, and the analyst's name.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void progress(void *ctx, const char *phase, size_t done, size_t total) {
    (void)ctx;
    if (!isatty(2)) return;
    if (total)
        fprintf(stderr, "\r  %s: %zu of %zu records (%.0f%%)   ", phase, done, total,
                100.0 * (double)done / (double)total);
    else
        fprintf(stderr, "\r  %s: %zu records   ", phase, done);
}

int cli_monitor_open(cli_ctx *c, em_engine **e, em_monitor **m, int quiet) {
    *e = NULL;
    *m = NULL;
    em_error err = {0};
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, c->home, c->store_flags};
    em_monitor_options mo = {EM_MONITOR_OPTIONS_VERSION, 0, 0, quiet ? NULL : progress, NULL};
    if (getenv("EMBARGO_NO_FOUR_EYES") && !strcmp(getenv("EMBARGO_NO_FOUR_EYES"), "1"))
        mo.no_four_eyes = 1;
    if (em_engine_open(e, &eo, &err) != 0 || em_monitor_open(m, *e, &mo, &err) != 0) {
        em_engine_close(*e);
        *e = NULL;
        return cli_error(&err);
    }
    return EXIT_OK;
}

void cli_monitor_close(em_engine *e, em_monitor *m) {
    em_monitor_close(m);
    em_engine_close(e);
}

const char *cli_user(const char *given) {
    if (given && *given) return given;
    const char *u = getenv("EMBARGO_USER");
    if (u && *u) return u;
    u = getenv("USER");
    return u && *u ? u : "cli";
}

void cli_print_report(const em_monitor_report *r) {
    if (r->added || r->changed || r->removed || r->unchanged)
        printf("register %s: %zu records (%zu added, %zu changed, %zu removed, %zu unchanged)\n",
               r->register_name, r->records, r->added, r->changed, r->removed, r->unchanged);
    printf("register %s: %s screen of %zu records%s", r->register_name, r->full ? "full" : "delta",
           r->screened, r->full ? "" : "");
    if (!r->full)
        printf(" (%zu listed entities searched with, records found by them %zu, holding a rare "
               "name the change moved %zu, with a score within %.4f of the threshold or a little "
               "more %zu; %.2f s CPU)",
               r->entities_checked, r->by_search, r->by_rare_name, r->band, r->by_score,
               r->cpu_seconds);
    if (r->added || r->changed || r->removed || r->unchanged)
        printf("; the import, its screen and the register's index took %.2f s (%.2f s CPU)\n",
               r->seconds, r->cpu_seconds);
    else
        printf(" in %.2f s\n", r->seconds);
    printf("  alerts: %zu opened, %zu reopened, %zu closed, %zu changed, %zu noted; %zu kept "
           "quiet by the good-guy list\n",
           r->alerts_opened, r->alerts_reopened, r->alerts_closed, r->alerts_updated,
           r->alerts_noted, r->suppressed);
    if (r->webhooks_queued) printf("  webhooks queued: %zu\n", r->webhooks_queued);
    if (r->warnings)
        printf("  warnings: %zu values could not be used; the first: %s\n", r->warnings,
               r->first_warning);
}

static void report_json(json_t *a, const em_monitor_report *r) {
    json_t *o = json_object();
    json_object_set_new(o, "register", json_string(r->register_name ? r->register_name : ""));
    json_object_set_new(o, "records", json_integer((json_int_t)r->records));
    json_object_set_new(o, "added", json_integer((json_int_t)r->added));
    json_object_set_new(o, "changed", json_integer((json_int_t)r->changed));
    json_object_set_new(o, "removed", json_integer((json_int_t)r->removed));
    json_object_set_new(o, "unchanged", json_integer((json_int_t)r->unchanged));
    json_object_set_new(o, "full", json_boolean(r->full));
    json_object_set_new(o, "screened", json_integer((json_int_t)r->screened));
    json_object_set_new(o, "entities_checked", json_integer((json_int_t)r->entities_checked));
    json_object_set_new(o, "by_search", json_integer((json_int_t)r->by_search));
    json_object_set_new(o, "by_rare_name", json_integer((json_int_t)r->by_rare_name));
    json_object_set_new(o, "by_score", json_integer((json_int_t)r->by_score));
    json_object_set_new(o, "band", json_real(r->band));
    json_object_set_new(o, "alerts_opened", json_integer((json_int_t)r->alerts_opened));
    json_object_set_new(o, "alerts_reopened", json_integer((json_int_t)r->alerts_reopened));
    json_object_set_new(o, "alerts_closed", json_integer((json_int_t)r->alerts_closed));
    json_object_set_new(o, "alerts_changed", json_integer((json_int_t)r->alerts_updated));
    json_object_set_new(o, "alerts_noted", json_integer((json_int_t)r->alerts_noted));
    json_object_set_new(o, "suppressed", json_integer((json_int_t)r->suppressed));
    json_object_set_new(o, "webhooks_queued", json_integer((json_int_t)r->webhooks_queued));
    json_object_set_new(o, "warnings", json_integer((json_int_t)r->warnings));
    json_object_set_new(o, "seconds", json_real(r->seconds));
    json_object_set_new(o, "cpu_seconds", json_real(r->cpu_seconds));
    json_array_append_new(a, o);
}

static int print_reports(const em_monitor_report *r, size_t n, int json) {
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            report_json(a, &r[i]);
        char *t = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(t);
        free(t);
        json_decref(a);
        return EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        cli_print_report(&r[i]);
    return EXIT_OK;
}

int cli_monitor_sync_after_import(cli_ctx *c, int quiet) {
    em_store *st = NULL;
    em_error err = {0};
    cli_ctx nc = *c;
    nc.store_flags |= EM_STORE_NO_SEED;
    if (em_store_open(&st, nc.home, nc.store_flags, &err) != 0) return EXIT_OK;
    size_t n = em_store_register_count(st);
    em_store_close(st);
    if (!n) return EXIT_OK;
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(&nc, &e, &m, quiet);
    if (rc) return rc;
    em_monitor_report *reps = NULL;
    size_t nr = 0;
    if (em_monitor_sync(m, &reps, &nr, &err) != 0) {
        rc = cli_error(&err);
        fputs("embargo: the registers were not re-screened; run `embargo sync` again\n", stderr);
    } else if (!quiet) {
        if (isatty(2)) fputs("\r", stderr);
        print_reports(reps, nr, 0);
    }
    free(reps);
    cli_monitor_close(e, m);
    return rc;
}

static int usage(void) {
    return cli_usage("register: import [--register R] [--partial] [--json] FILE | list [--json] | "
                     "show [--register R] ID | screen [--register R] [--json] | webhook "
                     "[--register R] URL [--secret S]");
}

int cmd_register(cli_ctx *c, int argc, char **argv) {
    if (argc < 2) return usage();
    const char *sub = argv[1];
    const char *reg = NULL, *secret = NULL, *arg = NULL;
    int json = 0, partial = 0, quiet = 0;
    for (int i = 2; i < argc; i++) {
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--register")))
            reg = v;
        else if ((v = cli_opt(argc, argv, &i, "--secret")))
            secret = v;
        else if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (cli_flag(argv, i, "--partial"))
            partial = 1;
        else if (cli_flag(argv, i, "--quiet"))
            quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("register %s: unknown option %s", sub, argv[i]);
        else if (!arg)
            arg = argv[i];
        else
            return cli_usage("register %s: one argument only (%s)", sub, argv[i]);
    }
    int needs_arg = !strcmp(sub, "import") || !strcmp(sub, "show") || !strcmp(sub, "webhook");
    if (needs_arg && !arg) return usage();
    if (!needs_arg && arg) return cli_usage("register %s takes no argument (%s)", sub, arg);
    if (strcmp(sub, "import") && strcmp(sub, "list") && strcmp(sub, "show") &&
        strcmp(sub, "screen") && strcmp(sub, "webhook"))
        return usage();
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(c, &e, &m, quiet || json);
    if (rc) return rc;
    em_error err = {0};
    em_monitor_report rep;
    char *out = NULL;
    if (!strcmp(sub, "import")) {
        if (em_register_import(m, reg, arg, partial, &rep, &err) != 0) {
            rc = cli_error(&err);
        } else {
            if (isatty(2) && !json && !quiet) fputs("\r", stderr);
            print_reports(&rep, 1, json);
        }
    } else if (!strcmp(sub, "screen")) {
        if (em_register_screen(m, reg, &rep, &err) != 0)
            rc = cli_error(&err);
        else
            print_reports(&rep, 1, json);
    } else if (!strcmp(sub, "webhook")) {
        if (em_register_set_webhook(m, reg, arg, secret, &err) != 0)
            rc = cli_error(&err);
        else
            printf("register %s: webhook %s\n", reg ? reg : "default", arg[0] ? arg : "(none)");
    } else if (!strcmp(sub, "list")) {
        if (em_register_list_json(m, &out, &err) != 0) {
            rc = cli_error(&err);
        } else if (json) {
            puts(out);
        } else {
            json_t *a = json_loads(out, 0, NULL);
            size_t i;
            json_t *x;
            printf("%-20s %10s %8s  %-20s  %s\n", "REGISTER", "RECORDS", "ALERTS", "SCREENED AT",
                   "SCREENED AGAINST");
            json_array_foreach(a, i, x) {
                printf("%-20s %10lld %8lld  %-20s  %s\n",
                       json_string_value(json_object_get(x, "name")),
                       (long long)json_integer_value(json_object_get(x, "records")),
                       (long long)json_integer_value(json_object_get(x, "alerts_active")),
                       json_string_value(json_object_get(x, "screened_at")),
                       json_string_value(json_object_get(x, "screened_against")));
            }
            json_decref(a);
        }
    } else { /* show */
        if (em_register_record_json(m, reg, arg, &out, &err) != 0)
            rc = cli_error(&err);
        else
            puts(out);
    }
    free(out);
    cli_monitor_close(e, m);
    return rc;
}

int cmd_sync(cli_ctx *c, int argc, char **argv) {
    int json = 0, deliver = 1;
    for (int i = 1; i < argc; i++) {
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (cli_flag(argv, i, "--no-deliver"))
            deliver = 0;
        else
            return cli_usage("sync: unknown argument %s", argv[i]);
    }
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(c, &e, &m, json);
    if (rc) return rc;
    em_error err = {0};
    em_monitor_report *reps = NULL;
    size_t n = 0;
    if (em_monitor_sync(m, &reps, &n, &err) != 0) {
        rc = cli_error(&err);
    } else {
        if (!n && !json) puts("every register is up to date with the active lists");
        print_reports(reps, n, json);
        size_t sent = 0, failed = 0;
        if (deliver && em_monitor_deliver(m, &sent, &failed, &err) != 0)
            rc = cli_error(&err);
        else if (deliver && (sent || failed) && !json)
            printf("webhooks: %zu delivered, %zu failed (retried later)\n", sent, failed);
    }
    free(reps);
    cli_monitor_close(e, m);
    return rc;
}
