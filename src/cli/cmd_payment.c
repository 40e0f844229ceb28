/*
 * cmd_payment.c - `embargo screen-payment [--json] [options] FILE...|DIR|-`:
 * screens SWIFT MT (MT103, MT202COV) and ISO 20022 (pacs.008, pacs.009,
 * pain.001) messages through the library's payment screener
 * (em_payment_screen), one verdict per message, every verdict in the audit
 * chain. The exit code tells the worst verdict (see USAGE).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define EXIT_REVIEW 3
#define EXIT_BLOCK 4
#define EXIT_INVALID 5
#define PAY_MAX_INPUT ((size_t)256 << 20)

static const char *USAGE =
    "usage: embargo screen-payment [--json] [--threshold T] [--block-threshold T]\n"
    "                              [--text-threshold T] [--rule KIND=ACTION]...\n"
    "                              [--jurisdictions FILE] [--dataset S]... [--user U]\n"
    "                              FILE...|DIR|-\n"
    "\n"
    "Screens payment messages: SWIFT MT103 and MT202COV (a file may hold several), ISO\n"
    "20022 pacs.008, pacs.009 (COV too) and pain.001 (a document may hold several). Every\n"
    "party and agent is screened by name, BIC (a BIC8 matches its branches), LEI and other\n"
    "identifiers; countries of addresses, BICs and IBANs against the embargoed\n"
    "jurisdictions (data/knowledge/embargoed_jurisdictions.tsv); free text (70, 72, 77B,\n"
    "RmtInf...) for listed names, vessels and IMO numbers. One verdict per message, pass,\n"
    "review, block or invalid (it could not be read: the error names the message, the\n"
    "field and why), each recorded in the audit log. A DIR is every file in it; - is stdin.\n"
    "\n"
    "  --json               one JSON object per message (JSON lines)\n"
    "  --threshold T        a party's name hit counts from T (default 0.70): review\n"
    "  --block-threshold T  a name hit at or above T blocks (default: names never block)\n"
    "  --text-threshold T   a listed name inside free text counts from T (default 0.80)\n"
    "  --rule KIND=ACTION   KIND identifier|name|text|jurisdiction, ACTION\n"
    "                       block|review|ignore (defaults: identifier=block, name=review,\n"
    "                       text=review, jurisdiction as the table says)\n"
    "  --jurisdictions FILE another embargoed-jurisdiction table\n"
    "  --dataset S          screen against source S only (repeatable)\n"
    "  --user U             the analyst recorded in the audit log\n"
    "\n"
    "exit status: 0 every message passed; 3 a message needs review; 4 a message is\n"
    "blocked; 5 a message could not be read (and none is blocked); 1 error; 2 usage.\n"
    "Block wins over invalid, invalid over review.\n";

typedef struct pctx {
    int json;
    em_monitor *mon;
    const char *user;
    size_t pass, review, block, invalid;
    int audit_failed;
    em_error aerr;
} pctx;

static int deliver(void *ud, const em_payment_result *r) {
    pctx *c = ud;
    em_payment_verdict v = em_payment_result_verdict(r);
    int64_t seq = 0;
    if (em_audit_payment(c->mon, c->user, r, &seq, &c->aerr) != 0) {
        c->audit_failed = 1;
        return -1; /* an unaudited verdict is not given */
    }
    switch (v) {
    case EM_PAYMENT_PASS:
        c->pass++;
        break;
    case EM_PAYMENT_REVIEW:
        c->review++;
        break;
    case EM_PAYMENT_BLOCK:
        c->block++;
        break;
    case EM_PAYMENT_INVALID:
        c->invalid++;
        break;
    }
    if (c->json) {
        /* the result with its audit entry */
        const char *j = em_payment_result_json(r);
        printf("{\"audit\": %lld, %s\n", (long long)seq, j + 1);
        return 0;
    }
    const char *id = em_payment_result_id(r);
    char verdict[16];
    snprintf(verdict, sizeof verdict, "%s", em_payment_verdict_name(v));
    for (char *s = verdict; *s; s++)
        *s = (char)(*s - ('a' <= *s && *s <= 'z' ? 32 : 0));
    printf("message %zu (%s %s): %s", em_payment_result_ordinal(r), em_payment_result_format(r),
           id ? id : "-", verdict);
    if (v == EM_PAYMENT_INVALID) printf(": %s", em_payment_result_error(r));
    printf("  [audit %lld]\n", (long long)seq);
    for (size_t i = 0; i < em_payment_result_hit_count(r); i++) {
        const em_payment_hit *h = em_payment_result_hit(r, i);
        printf("  %-6s %-12s %-24s %-12s %.2f %s\n", em_payment_verdict_name(h->action), h->kind,
               h->field,
               h->entity_id      ? h->entity_id
               : h->jurisdiction ? h->jurisdiction
                                 : "",
               h->score, h->text ? h->text : "");
        if (h->transaction) printf("         transaction %s\n", h->transaction);
        printf("         %s\n", h->explanation);
    }
    return 0;
}

static int read_all(FILE *f, const char *name, char **out, size_t *len) {
    size_t cap = 65536, n = 0;
    char *b = em_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= PAY_MAX_INPUT) {
                free(b);
                fprintf(stderr, "embargo: error: %s is larger than %zu MiB\n", name,
                        PAY_MAX_INPUT >> 20);
                return -1;
            }
            cap *= 2;
            b = em_xrealloc(b, cap);
        }
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    if (ferror(f)) {
        free(b);
        fprintf(stderr, "embargo: error: cannot read %s: %s\n", name, strerror(errno));
        return -1;
    }
    *out = b;
    *len = n;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the files to read: FILE, every regular file of DIR (sorted, no hidden ones), or - */
static int expand(const char *arg, em_strvec *files) {
    struct stat sb;
    if (strcmp(arg, "-") != 0 && stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(arg);
        if (!d) {
            fprintf(stderr, "embargo: error: cannot read %s: %s\n", arg, strerror(errno));
            return -1;
        }
        em_strvec v;
        em_strvec_init(&v);
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.') continue;
            char *p = em_xasprintf("%s/%s", arg, de->d_name);
            if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
                em_strvec_take(&v, p);
            else
                free(p);
        }
        closedir(d);
        if (v.len) qsort(v.items, v.len, sizeof *v.items, cmp_str);
        for (size_t i = 0; i < v.len; i++)
            em_strvec_push(files, v.items[i]);
        em_strvec_free(&v);
        return 0;
    }
    em_strvec_push(files, arg);
    return 0;
}

static int parse_rule(const char *v, em_payment_options *o) {
    const char *eq = strchr(v, '=');
    if (!eq) return -1;
    em_payment_rule r;
    const char *a = eq + 1;
    if (strcmp(a, "block") == 0)
        r = EM_PAYMENT_RULE_BLOCK;
    else if (strcmp(a, "review") == 0)
        r = EM_PAYMENT_RULE_REVIEW;
    else if (strcmp(a, "ignore") == 0)
        r = EM_PAYMENT_RULE_IGNORE;
    else
        return -1;
    size_t n = (size_t)(eq - v);
    if (n == 10 && strncmp(v, "identifier", n) == 0)
        o->identifier = r;
    else if (n == 4 && strncmp(v, "name", n) == 0)
        o->name = r;
    else if (n == 4 && strncmp(v, "text", n) == 0)
        o->text = r;
    else if (n == 12 && strncmp(v, "jurisdiction", n) == 0)
        o->jurisdiction = r;
    else
        return -1;
    return 0;
}

int cmd_screen_payment(cli_ctx *c, int argc, char **argv) {
    em_payment_options o = {0};
    o.version = EM_PAYMENT_OPTIONS_VERSION;
    pctx pc = {0};
    em_strvec files, datasets;
    em_strvec_init(&files);
    em_strvec_init(&datasets);
    int rc = EXIT_OK;
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        const char *v;
        if (cli_flag(argv, i, "--help") || cli_flag(argv, i, "-h")) {
            fputs(USAGE, stdout);
            em_strvec_free(&files);
            em_strvec_free(&datasets);
            return EXIT_OK;
        } else if (cli_flag(argv, i, "--json"))
            pc.json = 1;
        else if ((v = cli_opt(argc, argv, &i, "--threshold"))) {
            if (cli_parse_threshold(v, &o.threshold))
                rc = cli_usage("screen-payment: --threshold must be a number in (0, 1]");
        } else if ((v = cli_opt(argc, argv, &i, "--block-threshold"))) {
            if (cli_parse_threshold(v, &o.block_threshold))
                rc = cli_usage("screen-payment: --block-threshold must be a number in (0, 1]");
        } else if ((v = cli_opt(argc, argv, &i, "--text-threshold"))) {
            if (cli_parse_threshold(v, &o.text_threshold))
                rc = cli_usage("screen-payment: --text-threshold must be a number in (0, 1]");
        } else if ((v = cli_opt(argc, argv, &i, "--rule"))) {
            if (parse_rule(v, &o) != 0)
                rc = cli_usage("screen-payment: --rule takes KIND=ACTION, KIND identifier, name, "
                               "text or jurisdiction, ACTION block, review or ignore (not '%s')",
                               v);
        } else if ((v = cli_opt(argc, argv, &i, "--jurisdictions")))
            o.jurisdictions_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--dataset")))
            em_strvec_push(&datasets, v);
        else if ((v = cli_opt(argc, argv, &i, "--user")))
            pc.user = v;
        else if (argv[i][0] == '-' && argv[i][1])
            rc = cli_usage("screen-payment: unknown option %s", argv[i]);
        else if (expand(argv[i], &files) != 0)
            rc = EXIT_ERR;
    }
    if (rc == EXIT_OK && !files.len)
        rc = cli_usage("screen-payment: give message files, a directory or - (stdin)");
    if (rc != EXIT_OK) {
        em_strvec_free(&files);
        em_strvec_free(&datasets);
        return rc;
    }
    pc.user = cli_user(pc.user);
    o.datasets = (const char *const *)datasets.items;
    o.ndatasets = datasets.len;
    em_engine *e = NULL;
    em_payment_screener *ps = NULL;
    em_error err = {0};
    em_engine_options eo = {EM_ENGINE_OPTIONS_VERSION, c->home, c->store_flags};
    if (em_engine_open(&e, &eo, &err) != 0 || em_payment_screener_new(&ps, e, &o, &err) != 0 ||
        em_monitor_open(&pc.mon, e, NULL, &err) != 0) {
        rc = cli_error(&err);
        goto done;
    }
    for (size_t i = 0; i < files.len && rc == EXIT_OK; i++) {
        const char *name = files.items[i];
        FILE *f = cli_open_input(name);
        if (!f) {
            rc = EXIT_ERR;
            break;
        }
        char *data = NULL;
        size_t len = 0;
        int r = read_all(f, strcmp(name, "-") == 0 ? "stdin" : name, &data, &len);
        if (f != stdin) fclose(f);
        if (r != 0) {
            rc = EXIT_ERR;
            break;
        }
        em_error serr = {0};
        long n = em_payment_screen(ps, data, len, strcmp(name, "-") == 0 ? "stdin" : name, deliver,
                                   &pc, &serr);
        free(data);
        if (pc.audit_failed) {
            cli_error(&pc.aerr);
            fputs("embargo: the verdict was not recorded in the audit; it is not shown\n", stderr);
            rc = EXIT_ERR;
        } else if (n < 0 && serr.code == EM_ERR_FORMAT) {
            /* not a payment file at all: reported like an unreadable message */
            fprintf(stderr, "embargo: %s\n", serr.message);
            if (pc.json) {
                printf("{\"input\": ");
                cli_print_json_string(stdout, name);
                printf(", \"verdict\": \"invalid\", \"error\": ");
                cli_print_json_string(stdout, serr.message);
                printf("}\n");
            }
            pc.invalid++;
        } else if (n < 0) {
            rc = cli_error(&serr);
        }
    }
    if (rc == EXIT_OK) {
        if (!pc.json)
            printf("%zu message(s): %zu pass, %zu review, %zu block, %zu invalid\n",
                   pc.pass + pc.review + pc.block + pc.invalid, pc.pass, pc.review, pc.block,
                   pc.invalid);
        rc = pc.block ? EXIT_BLOCK : pc.invalid ? EXIT_INVALID : pc.review ? EXIT_REVIEW : EXIT_OK;
    }
done:
    em_monitor_close(pc.mon);
    em_payment_screener_free(ps);
    em_engine_close(e);
    em_strvec_free(&files);
    em_strvec_free(&datasets);
    fflush(stdout);
    return rc;
}
