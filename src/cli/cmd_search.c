/*
 * cmd_search.c - `embargo search [--json] [--limit N] [--threshold T]
 * [--schema S] [--dob D] [--country C] [--gender G] [--id VALUE]... [--all] NAME`:
 * screens one party against the active lists and explains each result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_search(cli_ctx *c, int argc, char **argv) {
    int json = 0;
    long long limit = 10;
    double threshold = EM_DEFAULT_THRESHOLD;
    em_query q = {0};
    const char *ids[32];
    size_t nids = 0;
    char name[4096] = "";
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (cli_flag(argv, i, "--all"))
            q.all = 1;
        else if ((v = cli_opt(argc, argv, &i, "--limit"))) {
            if (cli_parse_int64(v, &limit) || limit <= 0 || limit > 1000)
                return cli_usage("search: --limit must be between 1 and 1000");
        } else if ((v = cli_opt(argc, argv, &i, "--threshold"))) {
            if (cli_parse_threshold(v, &threshold))
                return cli_usage("search: --threshold must be a number in (0, 1]");
        } else if ((v = cli_opt(argc, argv, &i, "--schema")))
            q.schema = v;
        else if ((v = cli_opt(argc, argv, &i, "--dob")))
            q.birth_date = v;
        else if ((v = cli_opt(argc, argv, &i, "--country")))
            q.country = v;
        else if ((v = cli_opt(argc, argv, &i, "--gender")))
            q.gender = v;
        else if ((v = cli_opt(argc, argv, &i, "--id"))) {
            if (nids == 32) return cli_usage("search: at most 32 --id values");
            ids[nids++] = v;
        } else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("search: unknown option %s", argv[i]);
        else {
            if (name[0]) strncat(name, " ", sizeof name - strlen(name) - 1);
            strncat(name, argv[i], sizeof name - strlen(name) - 1);
        }
    }
    if (!name[0] && !nids)
        return cli_usage("search: give a name, e.g. embargo search \"Esmail Khatib\"");
    q.name = name[0] ? name : NULL;
    q.identifiers = ids;
    q.nidentifiers = nids;
    q.threshold = threshold;
    q.limit = (size_t)limit;
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_matcher *m = NULL;
    em_searcher *s = NULL;
    em_results *r = NULL;
    if (em_matcher_open(&m, st, &err) != 0 || !(s = em_searcher_new(m, &err)) ||
        em_search(s, &q, &r, &err) != 0) {
        em_searcher_free(s);
        em_matcher_close(m);
        em_store_close(st);
        return cli_error(&err);
    }
    size_t n = em_results_count(r);
    if (json) {
        printf("{\"query\": {\"name\": ");
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
        cli_lists_json(&lb, m);
        printf("%s], \"lists\": %s}\n", n ? "\n" : "", em_buf_cstr(&lb));
        em_buf_free(&lb);
    } else if (n == 0) {
        printf("no listed party scores %.2f or more for \"%s\"\n", threshold, name);
    } else {
        printf("%-5s %-5s %-12s %-10s %-40s %s\n", "SCORE", "MATCH", "ID", "SOURCE", "NAME",
               "PROGRAMS");
        for (size_t i = 0; i < n; i++) {
            const em_result *x = em_results_get(r, i);
            printf("%.3f %-5s %-12s %-10s %-40s %s\n", x->score, x->match ? "yes" : "no", x->id,
                   x->source, x->caption, x->programs);
            if (strcmp(x->caption, x->matched_name) != 0)
                printf("      matched name: %s\n", x->matched_name);
            printf("      why: %s\n", x->explanation);
            if (strcmp(x->related_json, "[]") != 0)
                printf("      also listed: %s\n", x->related_json);
        }
    }
    if (!json) cli_lists_text(stdout, m);
    em_results_free(r);
    em_searcher_free(s);
    em_matcher_close(m);
    em_store_close(st);
    return EXIT_OK;
}
