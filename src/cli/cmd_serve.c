/*
 * cmd_serve.c - `embargo serve [--listen ADDR:PORT] [--threads N]
 * [--api-keys FILE] [--cors ORIGIN] [--access-log FILE|-] [--max-body BYTES]
 * [--timeout SECONDS] [--log-personal-data] [--update-every 1h] [--update-config F]`:
 * runs the HTTP service
 * (em_server_start) until SIGINT or SIGTERM, then stops it cleanly. Says on
 * start where it listens and which list versions it serves.
 */
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_lists(em_server *srv) {
    char *cat = em_server_catalog_json(srv);
    json_t *j = cat ? json_loads(cat, 0, NULL) : NULL;
    free(cat);
    if (!j) {
        fprintf(stderr, "embargo: warning: no list is loaded yet (GET /readyz answers 503); "
                        "import one with `embargo import`\n");
        return;
    }
    size_t i;
    json_t *d;
    size_t stale = 0;
    json_array_foreach(json_object_get(j, "datasets"), i, d) {
        const char *pub = json_string_value(json_object_get(d, "published"));
        const char *name = json_string_value(json_object_get(d, "name"));
        em_buf age;
        em_buf_init(&age);
        cli_age_text(&age, name, pub ? pub : "");
        em_list_age a;
        em_list_age_of(name, pub, 0, &a);
        stale += (size_t)a.stale;
        printf("  %-10s version %lld, %s, %lld entities\n", name,
               (long long)json_integer_value(json_object_get(d, "version")), em_buf_cstr(&age),
               (long long)json_integer_value(json_object_get(d, "entity_count")));
        em_buf_free(&age);
    }
    json_decref(j);
    if (stale)
        fprintf(stderr,
                "embargo: warning: %zu list(s) older than allowed: GET /readyz answers "
                "\"degraded\" until `embargo update` brings current ones\n",
                stale);
}

/* "90", "90s", "30m", "1h", "1d" -> seconds; 0 when malformed */
static unsigned parse_duration(const char *v) {
    char *end = NULL;
    double x = strtod(v, &end);
    if (!end || end == v || x <= 0) return 0;
    double unit = !*end || !strcmp(end, "s") ? 1
                  : !strcmp(end, "m")        ? 60
                  : !strcmp(end, "h")        ? 3600
                  : !strcmp(end, "d")        ? 86400
                                             : 0;
    double secs = x * unit;
    return secs >= 1 && secs <= 30 * 86400.0 ? (unsigned)secs : 0;
}

int cmd_serve(cli_ctx *c, int argc, char **argv) {
    em_server_options o = {0};
    o.home = c->home;
    o.store_flags = c->store_flags;
    for (int i = 1; i < argc; i++) {
        const char *v;
        long long n;
        if ((v = cli_opt(argc, argv, &i, "--listen")))
            o.listen = v;
        else if ((v = cli_opt(argc, argv, &i, "--threads"))) {
            if (cli_parse_int64(v, &n) || n < 1 || n > 256)
                return cli_usage("serve: --threads must be between 1 and 256");
            o.threads = (unsigned)n;
        } else if ((v = cli_opt(argc, argv, &i, "--api-keys")))
            o.api_keys_file = v;
        else if ((v = cli_opt(argc, argv, &i, "--cors")))
            o.allow_cors = v;
        else if ((v = cli_opt(argc, argv, &i, "--access-log")))
            o.access_log_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--max-body"))) {
            if (cli_parse_int64(v, &n) || n < 1024 || n > (1ll << 30))
                return cli_usage("serve: --max-body must be between 1024 and 1073741824 bytes");
            o.max_body_bytes = (size_t)n;
        } else if ((v = cli_opt(argc, argv, &i, "--timeout"))) {
            if (cli_parse_int64(v, &n) || n < 1 || n > 3600)
                return cli_usage("serve: --timeout must be between 1 and 3600 seconds");
            o.request_timeout = (unsigned)n;
        } else if (cli_flag(argv, i, "--no-access-log"))
            o.no_access_log = 1;
        else if (cli_flag(argv, i, "--log-personal-data"))
            o.log_personal_data = 1;
        else if ((v = cli_opt(argc, argv, &i, "--update-every"))) {
            if (!(o.update_every_s = parse_duration(v)))
                return cli_usage("serve: --update-every takes a duration such as 1h, 30m or 90s "
                                 "(at most 30d)");
        } else if ((v = cli_opt(argc, argv, &i, "--update-config")))
            o.update_config = v;
        else
            return cli_usage("serve: unknown argument %s", argv[i]);
    }
    /* the signals are taken by sigwait below; block them before threads start */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    em_server *srv;
    em_error err = {0};
    if (em_server_start(&srv, &o, &err) != 0) return cli_error(&err);
    printf("embargo %s listening on http://%s/\n", EMBARGO_VERSION, em_server_address(srv));
    print_lists(srv);
    if (em_server_api_key_count(srv) == 0)
        fprintf(stderr, "embargo: warning: no API keys: listening on loopback only, every "
                        "request allowed\n");
    else
        printf("  %zu API key(s) configured\n", em_server_api_key_count(srv));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "embargo: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    em_server_stop(srv);
    return EXIT_OK;
}
