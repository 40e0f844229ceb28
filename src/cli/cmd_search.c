/*
 * cmd_search.c - `embargo search [--json] [--limit N] [--threshold T]
 * [--schema S] [--dob D]... [--country C]... [--gender G] [--id [TYPE:]VALUE]...
 * [--alias NAME]... [--all] NAME`: screens one party (its name, aliases and
 * facts) against the active lists through the engine and explains each result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "passport:X123" -> type passport, value X123; a value without a known type is "other" */
static int add_id(em_party *p, const char *v, em_error *err) {
    const char *colon = strchr(v, ':');
    if (colon) {
        char *type = em_xstrndup(v, (size_t)(colon - v));
        em_error probe = {0};
        int rc = em_party_add_identifier(p, type, colon + 1, &probe);
        free(type);
        if (rc == 0) return 0;
    }
    return em_party_add_identifier(p, NULL, v, err);
}

/* Characters (code points) of a UTF-8 string: its width in a terminal column, near enough. */
static size_t utf8_width(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int cmd_search(cli_ctx *c, int argc, char **argv) {
    int json = 0, all = 0;
    const char *user = NULL;
    long long limit = 10;
    double threshold = EM_DEFAULT_THRESHOLD;
    char name[4096] = "";
    em_party *p = em_party_new();
    em_error err = {0};
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *v;
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (cli_flag(argv, i, "--all"))
            all = 1;
        else if ((v = cli_opt(argc, argv, &i, "--limit"))) {
            if (cli_parse_int64(v, &limit) || limit <= 0 || limit > 1000) {
                em_party_free(p);
                return cli_usage("search: --limit must be between 1 and 1000");
            }
        } else if ((v = cli_opt(argc, argv, &i, "--threshold"))) {
            if (cli_parse_threshold(v, &threshold)) {
                em_party_free(p);
                return cli_usage("search: --threshold must be a number in (0, 1]");
            }
        } else if ((v = cli_opt(argc, argv, &i, "--schema")))
            rc = em_party_set_schema(p, v, &err);
        else if ((v = cli_opt(argc, argv, &i, "--dob")))
            rc = em_party_add_birth_date(p, v, &err);
        else if ((v = cli_opt(argc, argv, &i, "--country"))) {
            /* several: repeat the option, or separate with ';' */
            char *copy = em_xstrdup(v), *save = NULL;
            for (char *t = strtok_r(copy, ";", &save); t && rc == 0; t = strtok_r(NULL, ";", &save))
                rc = em_party_add_country(p, t, &err);
            free(copy);
        } else if ((v = cli_opt(argc, argv, &i, "--gender")))
            rc = em_party_set_gender(p, v, &err);
        else if ((v = cli_opt(argc, argv, &i, "--id")))
            rc = add_id(p, v, &err);
        else if ((v = cli_opt(argc, argv, &i, "--alias")))
            rc = em_party_add_name(p, v, 0, &err);
        else if ((v = cli_opt(argc, argv, &i, "--weak-alias")))
            rc = em_party_add_name(p, v, EM_NAME_WEAK, &err);
        else if ((v = cli_opt(argc, argv, &i, "--user")))
            user = v;
        else if (argv[i][0] == '-' && argv[i][1]) {
            em_party_free(p);
            return cli_usage("search: unknown option %s", argv[i]);
        } else {
            if (name[0]) strncat(name, " ", sizeof name - strlen(name) - 1);
            strncat(name, argv[i], sizeof name - strlen(name) - 1);
        }
    }
    if (rc == 0 && name[0]) rc = em_party_add_name(p, name, 0, &err);
    if (rc != 0) {
        em_party_free(p);
        return cli_usage("search: %s", err.message);
    }
    if (!em_party_name_count(p) && !em_party_identifier_count(p)) {
        em_party_free(p);
        return cli_usage("search: give a name, e.g. embargo search \"Esmail Khatib\"");
    }
    em_engine *e = NULL;
    em_results *r = NULL;
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, c->home, c->store_flags};
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION, threshold, (size_t)limit, all, 0, NULL, 0};
    if (em_engine_open(&e, &eo, &err) != 0 || em_engine_screen(e, p, &so, &r, &err) != 0) {
        em_engine_close(e);
        em_party_free(p);
        return cli_error(&err);
    }
    /* every screening decision is an audit entry (audit replay ID reproduces it) */
    em_monitor *m = NULL;
    int64_t seq = 0;
    if (em_monitor_open(&m, e, NULL, &err) != 0 ||
        em_audit_screening(m, "search", cli_user(user), p, &so, r, &seq, &err) != 0) {
        em_monitor_close(m);
        em_results_free(r);
        em_engine_close(e);
        em_party_free(p);
        cli_error(&err);
        fputs("embargo: the search was not recorded in the audit; no result is shown\n", stderr);
        return EXIT_ERR;
    }
    em_monitor_close(m);
    size_t n = em_results_count(r);
    if (json) {
        printf("{\"audit\": %lld, \"query\": {\"name\": ", (long long)seq);
        cli_print_json_string(stdout, name);
        printf("}, \"threshold\": %.2f, \"results\": [", threshold);
        for (size_t i = 0; i < n; i++) {
            em_buf b;
            em_buf_init(&b);
            cli_result_json(&b, em_results_get(r, i));
            printf("%s\n  %s", i ? "," : "", em_buf_cstr(&b));
            em_buf_free(&b);
        }
        em_buf lb;
        em_buf_init(&lb);
        cli_lists_json(&lb, r);
        printf("%s], \"lists\": %s}\n", n ? "\n" : "", em_buf_cstr(&lb));
        em_buf_free(&lb);
    } else if (n == 0) {
        printf("no listed party scores %.2f or more for \"%s\"\n", threshold,
               name[0] ? name : em_party_identifier(p, 0, NULL));
    } else {
        printf("%-5s %-5s %-12s %-10s %-40s %s\n", "SCORE", "MATCH", "ID", "SOURCE", "NAME",
               "PROGRAMS");
        for (size_t i = 0; i < n; i++) {
            const em_result *x = em_results_get(r, i);
            /* a name wider than its column goes on its own; the programs line up below it */
            size_t w = utf8_width(x->caption);
            printf("%.3f %-5s %-12s %-10s %s%*s", x->score, x->match ? "yes" : "no", x->id,
                   x->source, x->caption, w < 40 ? (int)(40 - w) : 0, "");
            if (w > 40) printf("\n%*s", 5 + 1 + 5 + 1 + 12 + 1 + 10 + 1 + 40, "");
            printf(" %s\n", x->programs);
            if (strcmp(x->caption, x->matched_name) != 0)
                printf("      matched name: %s\n", x->matched_name);
            printf("      why: %s\n", x->explanation);
            if (strcmp(x->related_json, "[]") != 0)
                printf("      also listed: %s\n", x->related_json);
        }
    }
    em_version_list *vl = cli_versions(c);
    if (!json) {
        cli_lists_text(stdout, r, vl);
        printf("audit entry %lld\n", (long long)seq);
    }
    cli_warn_stale(stderr, vl);
    em_version_list_free(vl);
    em_results_free(r);
    em_engine_close(e);
    em_party_free(p);
    return EXIT_OK;
}
