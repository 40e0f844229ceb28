/*
 * cmd_search.c - `embargo search [--json] [--limit N] [--schema S] NAME`:
 * names on the active lists that normalise to the same key as NAME.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_search(cli_ctx *c, int argc, char **argv) {
    int json = 0;
    long long limit = 10;
    const char *schema = NULL;
    char name[4096] = "";
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if ((v = cli_opt(argc, argv, &i, "--limit"))) {
            if (cli_parse_int64(v, &limit) || limit <= 0 || limit > 10000)
                return cli_usage("search: --limit must be between 1 and 10000");
        } else if ((v = cli_opt(argc, argv, &i, "--schema")))
            schema = v;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("search: unknown option %s", argv[i]);
        else {
            if (name[0]) strncat(name, " ", sizeof name - strlen(name) - 1);
            strncat(name, argv[i], sizeof name - strlen(name) - 1);
        }
    }
    if (!name[0]) return cli_usage("search: give a name, e.g. embargo search \"Esmail Khatib\"");
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_hits *h;
    if (em_store_lookup(st, name, schema, (size_t)limit, &h, &err) != 0) {
        em_store_close(st);
        return cli_error(&err);
    }
    size_t n = em_hits_count(h);
    if (json) {
        printf("{\"query\": ");
        cli_print_json_string(stdout, name);
        printf(", \"results\": [");
        for (size_t i = 0; i < n; i++) {
            const em_hit *x = em_hits_get(h, i);
            printf("%s\n  {\"id\": ", i ? "," : "");
            cli_print_json_string(stdout, x->id);
            printf(", \"caption\": ");
            cli_print_json_string(stdout, x->caption);
            printf(", \"schema\": ");
            cli_print_json_string(stdout, x->schema);
            printf(", \"score\": %.3f, \"match\": true, \"source\": {\"dataset\": ", x->score);
            cli_print_json_string(stdout, x->source);
            printf(", \"version\": %lld}, \"matched_name\": ", (long long)x->version);
            cli_print_json_string(stdout, x->matched_name);
            printf(", \"programs\": ");
            cli_print_json_string(stdout, x->programs);
            printf(", \"explanation\": \"normalised exact match of the name\"}");
        }
        printf("%s]}\n", n ? "\n" : "");
    } else if (n == 0) {
        printf("no listed name matches \"%s\"\n", name);
    } else {
        printf("%-5s %-12s %-10s %-44s %s\n", "SCORE", "ID", "SOURCE", "NAME", "PROGRAMS");
        for (size_t i = 0; i < n; i++) {
            const em_hit *x = em_hits_get(h, i);
            printf("%.3f %-12s %-10s %-44s %s\n", x->score, x->id, x->source, x->caption,
                   x->programs);
            if (strcmp(x->caption, x->matched_name) != 0)
                printf("      matched alias: %s\n", x->matched_name);
        }
    }
    em_hits_free(h);
    em_store_close(st);
    return EXIT_OK;
}
