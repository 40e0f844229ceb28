/*
 * cmd_compare.c - `embargo compare [--schema S] [--json] [--threshold T] NAME1 NAME2`:
 * the score of two names and why; `embargo compare --pairs FILE.csv [--output F]`:
 * the same for every row of a CSV (header: schema,name1,name2, other columns
 * kept), written back with two more columns, score and match.
 *
 * Only names are compared, so no list store is opened: the names-only matcher.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "csvio.h"

static int column_is(const char *col, const char *name) {
    while (*col == ' ' || *col == '\t')
        col++;
    size_t n = strlen(name);
    if (strncasecmp(col, name, n) != 0) return 0;
    for (col += n; *col; col++)
        if (*col != ' ' && *col != '\t') return 0;
    return 1;
}

static char *trimmed(const char *s) {
    return em_strtrim(em_xstrdup(s ? s : ""));
}

/* Prints a JSON object text indented by `indent` spaces (as-is if not JSON). */
static void print_explanation(FILE *f, const char *json, int pretty_indent) {
    json_t *j = json ? json_loads(json, 0, NULL) : NULL;
    char *txt = j ? json_dumps(j, pretty_indent ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
                                                : JSON_COMPACT | JSON_PRESERVE_ORDER)
                  : NULL;
    const char *s = txt ? txt : json ? json : "null";
    if (!pretty_indent) {
        fputs(s, f);
    } else {
        fputs("  ", f);
        for (const char *p = s; *p; p++) {
            fputc(*p, f);
            if (*p == '\n') fputs("  ", f);
        }
        fputc('\n', f);
    }
    free(txt);
    json_decref(j);
}

static int compare_pairs(em_searcher *s, const char *path, const char *out_path,
                         const char *schema_default, double threshold) {
    FILE *fout = stdout, *fin = cli_open_input(path);
    if (!fin) return EXIT_ERR;
    int rc = EXIT_ERR;
    cli_reader *rd = cli_reader_new(fin, 1u << 20);
    size_t ncols = 0, rows = 0, matches = 0, errors = 0;
    long c_schema = -1, c_name1 = -1, c_name2 = -1;
    char delim = ',';
    if (out_path && strcmp(out_path, "-") != 0) {
        fout = fopen(out_path, "w");
        if (!fout) {
            fprintf(stderr, "embargo: error: cannot write %s: %s\n", out_path, strerror(errno));
            goto done;
        }
    }
    if (cli_reader_first_char(rd) == EOF) {
        fprintf(stderr, "embargo: error: %s is empty (expected a header schema,name1,name2)\n",
                path);
        goto done;
    }
    delim = cli_reader_detect_delim(rd);
    int r = cli_reader_record(rd);
    if (r <= 0) goto read_error;
    ncols = cli_reader_nfields(rd);
    for (size_t i = 0; i < ncols; i++) {
        const char *col = cli_reader_field(rd, i);
        if (column_is(col, "schema") && c_schema < 0) c_schema = (long)i;
        if (column_is(col, "name1") && c_name1 < 0) c_name1 = (long)i;
        if (column_is(col, "name2") && c_name2 < 0) c_name2 = (long)i;
    }
    if (c_name1 < 0 || c_name2 < 0) {
        fprintf(stderr,
                "embargo: error: the header of %s needs the columns name1 and name2 "
                "(and optionally schema)\n",
                path);
        goto done;
    }
    for (size_t i = 0; i < ncols; i++) {
        cli_csv_write_field(fout, cli_reader_field(rd, i), delim);
        fputc(delim, fout);
    }
    fprintf(fout, "score%cmatch\n", delim);

    while ((r = cli_reader_record(rd)) == 1) {
        rows++;
        size_t nf = cli_reader_nfields(rd);
        if (nf > ncols)
            fprintf(stderr,
                    "embargo: warning: row %zu has %zu columns, the header %zu; the extra "
                    "ones are dropped\n",
                    rows, nf, ncols);
        for (size_t i = 0; i < ncols; i++) {
            cli_csv_write_field(fout, cli_reader_field(rd, i), delim);
            fputc(delim, fout);
        }
        char *n1 = trimmed(cli_reader_field(rd, (size_t)c_name1));
        char *n2 = trimmed(cli_reader_field(rd, (size_t)c_name2));
        char *sc = c_schema >= 0 ? trimmed(cli_reader_field(rd, (size_t)c_schema)) : NULL;
        const char *schema = sc && sc[0] ? sc : schema_default;
        const char *problem = cli_reader_error(rd);
        em_error err = {0};
        double score = 0;
        if (!problem && (!n1[0] || !n2[0])) problem = "a name is empty";
        if (!problem && em_compare(s, schema, n1, n2, &score, NULL, &err) != 0)
            problem = err.message[0] ? err.message : "comparison failed";
        if (problem) {
            fprintf(stderr, "embargo: row %zu: %s\n", rows, problem);
            fprintf(fout, "%c\n", delim);
            errors++;
        } else {
            int match = score >= threshold;
            matches += match;
            fprintf(fout, "%.3f%c%s\n", score, delim, match ? "true" : "false");
        }
        free(n1);
        free(n2);
        free(sc);
    }
    if (r < 0) goto read_error;
    if (fflush(fout) != 0 || ferror(fout)) {
        fprintf(stderr, "embargo: error: writing the results failed: %s\n", strerror(errno));
        goto done;
    }
    fprintf(stderr, "compared %zu pairs: %zu match, %zu errors\n", rows, matches, errors);
    rc = EXIT_OK;
    goto done;
read_error:
    fprintf(stderr, "embargo: error: reading %s failed: %s\n", path,
            errno ? strerror(errno) : "no header");
done:
    cli_reader_free(rd);
    if (fin != stdin) fclose(fin);
    if (fout && fout != stdout && fclose(fout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "embargo: error: writing %s failed\n", out_path);
        rc = EXIT_ERR;
    }
    return rc;
}

int cmd_compare(cli_ctx *c, int argc, char **argv) {
    (void)c; /* names only: no list store */
    int json = 0;
    const char *schema = NULL, *pairs = NULL, *out_path = NULL;
    const char *names[2] = {NULL, NULL};
    int nnames = 0;
    double threshold = EM_DEFAULT_THRESHOLD;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if ((v = cli_opt(argc, argv, &i, "--schema")))
            schema = v;
        else if ((v = cli_opt(argc, argv, &i, "--pairs")))
            pairs = v;
        else if ((v = cli_opt(argc, argv, &i, "--output")))
            out_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--threshold"))) {
            if (cli_parse_threshold(v, &threshold))
                return cli_usage("compare: --threshold must be a number in (0, 1]");
        } else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("compare: unknown option %s", argv[i]);
        else if (nnames < 2)
            names[nnames++] = argv[i];
        else
            return cli_usage("compare: too many arguments (quote names with spaces: "
                             "embargo compare \"Esmail Khatib\" \"KHATIB, Esmail\")");
    }
    if (pairs && nnames)
        return cli_usage("compare: give either two names or --pairs FILE, not both");
    if (!pairs && nnames != 2)
        return cli_usage("compare: give two names, e.g. embargo compare \"Esmail Khatib\" "
                         "\"KHATIB, Esmail\", or --pairs FILE.csv");
    if (!pairs && out_path) return cli_usage("compare: --output goes with --pairs");
    if (!pairs && (!names[0][0] || !names[1][0])) return cli_usage("compare: a name is empty");

    em_error err = {0};
    em_matcher *m = NULL;
    if (em_matcher_open_names_only(&m, &err) != 0) return cli_error(&err);
    em_searcher *s = em_searcher_new(m, &err);
    if (!s) {
        em_matcher_close(m);
        return cli_error(&err);
    }
    int rc = EXIT_OK;
    if (pairs) {
        rc = compare_pairs(s, pairs, out_path, schema, threshold);
    } else {
        double score = 0;
        char *expl = NULL;
        if (em_compare(s, schema, names[0], names[1], &score, &expl, &err) != 0) {
            rc = cli_error(&err);
        } else if (json) {
            int match = score >= threshold;
            printf("{\"name1\": ");
            cli_print_json_string(stdout, names[0]);
            printf(", \"name2\": ");
            cli_print_json_string(stdout, names[1]);
            if (schema) {
                printf(", \"schema\": ");
                cli_print_json_string(stdout, schema);
            }
            printf(", \"score\": %.3f, \"threshold\": %.2f, \"match\": %s, \"explanation\": ",
                   score, threshold, match ? "true" : "false");
            print_explanation(stdout, expl, 0);
            printf("}\n");
        } else {
            int match = score >= threshold;
            printf("score: %.3f\n", score);
            printf("match: %s (threshold %.2f)\n", match ? "yes" : "no", threshold);
            json_t *j = expl ? json_loads(expl, 0, NULL) : NULL;
            const char *text = json_string_value(json_object_get(j, "text"));
            if (text) {
                printf("explanation: %s\n", text);
            } else {
                printf("explanation:\n");
                print_explanation(stdout, expl, 1);
            }
            json_decref(j);
        }
        free(expl);
    }
    em_searcher_free(s);
    em_matcher_close(m);
    return rc;
}
