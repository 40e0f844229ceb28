/*
 * cmd_import.c - `embargo import [--source S] [--force] [limits] FILE...` and
 * `import --bundled`: store new list versions and say what became active, and
 * warn when an input is incomplete (an OFAC CSV set without alt.csv / add.csv).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_import(cli_ctx *c, int argc, char **argv) {
    em_import_options o = {.version = EM_IMPORT_OPTIONS_VERSION};
    int bundled = 0, nfiles = 0;
    const char *files[argc > 0 ? argc : 1];
    for (int i = 1; i < argc; i++) {
        const char *v;
        long long n = 0;
        if ((v = cli_opt(argc, argv, &i, "--source")))
            o.source = v;
        else if (cli_flag(argv, i, "--force"))
            o.force = 1;
        else if ((v = cli_opt(argc, argv, &i, "--max-entities"))) {
            if (cli_parse_int64(v, &n) || n < 1) return cli_usage("import: --max-entities N > 0");
            o.max_entities = (size_t)n;
        } else if ((v = cli_opt(argc, argv, &i, "--max-names"))) {
            if (cli_parse_int64(v, &n) || n < 1) return cli_usage("import: --max-names N > 0");
            o.max_names = (size_t)n;
        } else if ((v = cli_opt(argc, argv, &i, "--max-field-bytes"))) {
            if (cli_parse_int64(v, &n) || n < 1)
                return cli_usage("import: --max-field-bytes N > 0");
            o.max_field_bytes = (size_t)n;
        } else if ((v = cli_opt(argc, argv, &i, "--max-bytes"))) {
            if (cli_parse_int64(v, &n) || n < 1) return cli_usage("import: --max-bytes N > 0");
            o.max_input_bytes = (int64_t)n;
        } else if (cli_flag(argv, i, "--bundled"))
            bundled = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("import: unknown option %s", argv[i]);
        else
            files[nfiles++] = argv[i];
    }
    if (!bundled && nfiles == 0) return cli_usage("import: give the list files to import");
    if (bundled && nfiles) return cli_usage("import: --bundled takes no files");
    c->store_flags |= EM_STORE_NO_SEED;
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_import_report *r = NULL;
    double t0 = now_s();
    rc = bundled ? em_store_import_bundled(st, &r, &err)
                 : em_store_import_opts(st, files, (size_t)nfiles, &o, &r, &err);
    double dt = now_s() - t0;
    if (rc != 0) {
        cli_error(&err);
        fputs("embargo: nothing was imported; the active list versions are unchanged\n", stderr);
        em_store_close(st);
        return EXIT_ERR;
    }
    for (size_t i = 0; i < em_import_report_count(r); i++) {
        const em_import_result *x = em_import_report_get(r, i);
        if (x->unchanged)
            printf("%-10s unchanged: identical to active version %lld (%zu entities)\n", x->source,
                   (long long)x->version, x->entities);
        else
            printf(
                "%-10s version %lld active: %zu entities, format %s, published %s, sha256 %.16s\n",
                x->source, (long long)x->version, x->entities, x->format,
                x->published[0] ? x->published : "(not stated in file)", x->sha256);
    }
    for (size_t i = 0; i < em_import_report_count(r); i++) {
        const em_import_result *x = em_import_report_get(r, i);
        if (x->warning && x->warning[0])
            fprintf(stderr, "embargo: warning: %s: %s\n", x->source, x->warning);
    }
    printf("imported in %.3f s into %s\n", dt, em_store_home(st));
    int changed = 0;
    for (size_t i = 0; i < em_import_report_count(r); i++)
        changed |= !em_import_report_get(r, i)->unchanged;
    em_import_report_free(r);
    em_store_close(st);
    /* a new active version: every register is re-screened by delta */
    return changed ? cli_monitor_sync_after_import(c, 0) : EXIT_OK;
}
