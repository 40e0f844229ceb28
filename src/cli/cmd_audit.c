/*
 * cmd_audit.c - `embargo audit verify | replay ID | export [--from D]
 * [--to D] [--format csv|json] [--output F]`: the audit chain for an
 * examiner, through em_monitor.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_audit(cli_ctx *c, int argc, char **argv) {
    if (argc < 2)
        return cli_usage("audit: verify | replay ID | export [--from DATE] [--to DATE] "
                         "[--format csv|json] [--output FILE]");
    const char *sub = argv[1], *from = NULL, *to = NULL, *format = "csv", *output = NULL,
               *arg = NULL;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--from")))
            from = v;
        else if ((v = cli_opt(argc, argv, &i, "--to")))
            to = v;
        else if ((v = cli_opt(argc, argv, &i, "--format")))
            format = v;
        else if ((v = cli_opt(argc, argv, &i, "--output")))
            output = v;
        else if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (argv[i][0] != '-' && !arg)
            arg = argv[i];
        else
            return cli_usage("audit %s: unknown argument %s", sub, argv[i]);
    }
    long long seq = 0;
    if (!strcmp(sub, "replay") && (!arg || cli_parse_int64(arg, &seq) || seq < 1))
        return cli_usage("audit replay: the entry number (audit export lists them)");
    if (strcmp(sub, "verify") && strcmp(sub, "replay") && strcmp(sub, "export"))
        return cli_usage("audit: verify, replay or export (not %s)", sub);
    if (strcmp(format, "csv") && strcmp(format, "json"))
        return cli_usage("audit export: --format csv or json");
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(c, &e, &m, 1);
    if (rc) return rc;
    em_error err = {0};
    if (!strcmp(sub, "verify")) {
        em_audit_verify_report r;
        if (em_audit_verify(m, &r, &err) != 0) {
            rc = cli_error(&err);
        } else if (json) {
            printf("{\"entries\": %lld, \"ok\": %s, \"first_bad\": %lld, \"problem\": ",
                   (long long)r.entries, r.ok ? "true" : "false", (long long)r.first_bad);
            cli_print_json_string(stdout, r.problem);
            printf(", \"head\": \"%s\"}\n", r.head);
        } else if (r.ok) {
            printf("audit chain verified: %lld entries, head %s\n", (long long)r.entries, r.head);
        } else {
            printf("audit chain BROKEN at entry %lld: %s\n", (long long)r.first_bad, r.problem);
        }
        if (rc == 0 && !r.ok) rc = EXIT_ERR;
    } else if (!strcmp(sub, "replay")) {
        int same = 0;
        char *out = NULL;
        if (em_audit_replay(m, seq, &same, &out, &err) != 0) {
            rc = cli_error(&err);
        } else {
            if (json)
                puts(out);
            else
                printf("audit entry %lld replayed on its list versions: %s\n", seq,
                       same ? "the same results" : "DIFFERENT results (see --json)");
            if (!same) rc = EXIT_ERR;
        }
        free(out);
    } else {
        FILE *f = output ? fopen(output, "w") : stdout;
        if (!f) {
            perror(output);
            rc = EXIT_ERR;
        } else {
            if (em_audit_export(m, from, to, format, f, &err) != 0) rc = cli_error(&err);
            if (output) fclose(f);
        }
    }
    cli_monitor_close(e, m);
    return rc;
}
