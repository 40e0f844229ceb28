/*
 * cmd_diff.c - `embargo diff [--source S] [--from V] [--to V] [--json]`:
 * entities added, removed and changed between two versions of a list; for a
 * changed entity, each changed fact with the values that left and arrived.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *kind_name(em_change_kind k) {
    return k == EM_ADDED ? "added" : k == EM_REMOVED ? "removed" : "changed";
}

int cmd_diff(cli_ctx *c, int argc, char **argv) {
    const char *source = NULL;
    long long from = 0, to = 0;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if ((v = cli_opt(argc, argv, &i, "--source")))
            source = v;
        else if ((v = cli_opt(argc, argv, &i, "--from"))) {
            if (cli_parse_int64(v, &from) || from <= 0) return cli_usage("diff: bad --from %s", v);
        } else if ((v = cli_opt(argc, argv, &i, "--to"))) {
            if (cli_parse_int64(v, &to) || to <= 0) return cli_usage("diff: bad --to %s", v);
        } else
            return cli_usage("diff: unknown argument %s", argv[i]);
    }
    if (!source && !to) return cli_usage("diff: give --source S (e.g. ofac_sdn) or --to V");
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_diff *d;
    if (em_store_diff(st, source, from, to, &d, &err) != 0) {
        em_store_close(st);
        return cli_error(&err);
    }
    size_t n = em_diff_count(d), counts[3] = {0};
    if (json)
        printf("{\"from\": %lld, \"to\": %lld, \"changes\": [", (long long)em_diff_from(d),
               (long long)em_diff_to(d));
    else
        printf("diff of versions %lld -> %lld\n", (long long)em_diff_from(d),
               (long long)em_diff_to(d));
    for (size_t i = 0; i < n; i++) {
        const em_change *ch = em_diff_get(d, i);
        counts[ch->kind]++;
        if (json) {
            printf("%s\n  {\"change\": \"%s\", \"id\": ", i ? "," : "", kind_name(ch->kind));
            cli_print_json_string(stdout, ch->id);
            printf(", \"caption\": ");
            cli_print_json_string(stdout, ch->caption);
            printf(", \"schema\": ");
            cli_print_json_string(stdout, ch->schema);
            if (ch->kind == EM_CHANGED) {
                printf(", \"fields\": {");
                for (size_t k = 0; k < ch->nfields; k++)
                    printf("%s\"%s\": {\"removed\": %s, \"added\": %s}", k ? ", " : "",
                           ch->fields[k], ch->removed_values[k], ch->added_values[k]);
                printf("}");
            }
            printf("}");
        } else {
            printf("%c %-12s %s [%s]\n",
                   ch->kind == EM_ADDED     ? '+'
                   : ch->kind == EM_REMOVED ? '-'
                                            : '~',
                   ch->id, ch->caption, ch->schema);
            for (size_t k = 0; k < ch->nfields; k++) {
                printf("    %s:", ch->fields[k]);
                if (strcmp(ch->removed_values[k], "[]") != 0) printf(" -%s", ch->removed_values[k]);
                if (strcmp(ch->added_values[k], "[]") != 0) printf(" +%s", ch->added_values[k]);
                printf("\n");
            }
        }
    }
    if (json)
        printf("%s], \"added\": %zu, \"removed\": %zu, \"changed\": %zu}\n", n ? "\n" : "",
               counts[EM_ADDED], counts[EM_REMOVED], counts[EM_CHANGED]);
    else
        printf("%zu added, %zu removed, %zu changed\n", counts[EM_ADDED], counts[EM_REMOVED],
               counts[EM_CHANGED]);
    em_diff_free(d);
    em_store_close(st);
    return EXIT_OK;
}
