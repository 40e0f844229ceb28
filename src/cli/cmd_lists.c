/*
 * cmd_lists.c - `embargo lists [--json]`: every source with its versions,
 * publication dates, import times and counts; the active version first.
 */
#include <stdio.h>

#include "cli.h"

int cmd_lists(cli_ctx *c, int argc, char **argv) {
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else
            return cli_usage("lists: unknown argument %s", argv[i]);
    }
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_version_list *l;
    if (em_store_versions(st, NULL, &l, &err) != 0) {
        em_store_close(st);
        return cli_error(&err);
    }
    size_t n = em_version_list_count(l);
    if (json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            const em_version_info *v = em_version_list_get(l, i);
            printf("%s\n  {\"source\": ", i ? "," : "");
            cli_print_json_string(stdout, v->source);
            printf(", \"version\": %lld, \"active\": %s, \"format\": ", (long long)v->id,
                   v->active ? "true" : "false");
            cli_print_json_string(stdout, v->format);
            printf(", \"published\": ");
            if (v->published[0])
                cli_print_json_string(stdout, v->published);
            else
                printf("null");
            printf(", \"imported_at\": ");
            cli_print_json_string(stdout, v->imported_at);
            printf(", \"sha256\": \"%s\", \"files\": ", v->sha256);
            cli_print_json_string(stdout, v->files);
            printf(
                ", \"entities\": %zu, \"persons\": %zu, \"organizations\": %zu, \"vessels\": %zu,"
                " \"aircraft\": %zu, \"others\": %zu, \"names\": %zu}",
                v->entities, v->persons, v->organizations, v->vessels, v->aircraft, v->others,
                v->names);
        }
        printf("%s]\n", n ? "\n" : "");
    } else if (n == 0) {
        printf("no lists in %s; run `embargo import FILE...` or `embargo import --bundled`\n",
               em_store_home(st));
    } else {
        printf("%-10s %7s %-6s %-10s %-20s %8s %7s %7s %7s %5s  %s\n", "SOURCE", "VERSION", "STATE",
               "PUBLISHED", "IMPORTED", "ENTITIES", "PERSONS", "ORGS", "VESSELS", "AIR", "FILES");
        for (size_t i = 0; i < n; i++) {
            const em_version_info *v = em_version_list_get(l, i);
            printf("%-10s %7lld %-6s %-10s %-20s %8zu %7zu %7zu %7zu %5zu  %s\n", v->source,
                   (long long)v->id, v->active ? "active" : "old",
                   v->published[0] ? v->published : "-", v->imported_at, v->entities, v->persons,
                   v->organizations, v->vessels, v->aircraft, v->files);
        }
    }
    em_version_list_free(l);
    em_store_close(st);
    return EXIT_OK;
}
