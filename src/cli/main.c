/*
 * main.c - entry point of the `embargo` command: global options (--home,
 * --no-seed), `--help` / `-h` / `help CMD` (the usage texts are in help.c),
 * dispatch to sub-commands, shared helpers for errors and options.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char *USAGE =
    "embargo " EMBARGO_VERSION " - sanctions screening engine\n"
    "\n"
    "usage: embargo [--home DIR] [--no-seed] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  import [--source S] [--force] FILE...\n"
    "                                parse list files (format detected), store a new version,\n"
    "                                activate it (the files of an OFAC CSV set go together);\n"
    "                                a list that drops over 10% of the active version's\n"
    "                                entities is refused unless --force; limits:\n"
    "                                --max-entities N, --max-names N (per entity),\n"
    "                                --max-field-bytes N, --max-bytes N (decompressed file)\n"
    "  import --bundled              import the lists bundled with embargo\n"
    "  lists [--json]                sources, versions, publication dates, counts\n"
    "  show [--json|--stored-json] [--version V] ID   one entity, all its facts (--json: the\n"
    "                                FollowTheMoney form with first_seen/last_change)\n"
    "  diff [--source S] [--from V] [--to V] [--json]\n"
    "                                added / removed / changed entities between versions\n"
    "  search [--json] [--limit N] [--threshold T] [--schema S] [--dob D] [--country C]\n"
    "         [--gender G] [--id IDENTIFIER]... [--all] NAME\n"
    "                                screen one party; every score explained (default\n"
    "                                alert threshold 0.70)\n"
    "  screen [--input F] [--output F] [--threads N] [--threshold T] [--limit N] [--all]\n"
    "         [--schema S] [--format csv|jsonl] [--quiet]\n"
    "                                batch screening: CSV with a header (name, schema,\n"
    "                                birth_date, nationality, gender, id, passport, imo,\n"
    "                                crypto, ...) or JSON lines in, JSON lines out, in order\n"
    "  compare [--schema S] [--json] [--threshold T] NAME1 NAME2\n"
    "  compare --pairs FILE.csv [--output F]   score name pairs (columns schema,name1,name2)\n"
    "  serve [--listen ADDR:PORT] [--threads N] [--api-keys FILE] [--cors ORIGIN]\n"
    "        [--access-log FILE|-] [--max-body BYTES] [--timeout S] [--log-personal-data]\n"
    "        [--update-every 1h] [--update-config FILE]\n"
    "                                HTTP API (yente-compatible /match) and web UI on\n"
    "                                127.0.0.1:8080; follows newly imported list versions;\n"
    "                                --update-every runs `embargo update` on a schedule\n"
    "  update [--config FILE] [--source S]... [--force] [--timeout SEC] [--retries N]\n"
    "         [--retry-delay SEC] [--low-speed-time SEC] [--max-bytes N] [--json] [--quiet]\n"
    "                                download the lists from their publishers (HOME/update.conf)\n"
    "                                and import them; a failed source keeps its active version;\n"
    "                                --force downloads again and accepts a list that shrinks\n"
    "\n"
    "monitoring (registers of your own records, screened on every list change):\n"
    "  register import [--register R] [--partial] FILE   CSV with a header (id, name, aliases,\n"
    "                                schema, birth_date, nationality, gender, passport, ...) or\n"
    "                                JSON lines; new and changed records are screened\n"
    "  register list [--json] | show [--register R] ID | screen [--register R]\n"
    "  register webhook [--register R] URL [--secret S]   POST new and reopened alerts\n"
    "  sync [--json]                 re-screen every register against new list versions (delta;\n"
    "                                import and update run it by themselves) and send webhooks\n"
    "  alerts [--register R] [--state S] [--assignee U] [--older-than 7d] [--json]\n"
    "  alert show ID | decide ID --decision false_positive|true_match|escalate|reopen\n"
    "        --comment TEXT [--user U] | assign ID --user U\n"
    "  goodguy list [--register R] [--all] [--json] | revoke ID\n"
    "  audit verify | replay ID | export [--from DATE] [--to DATE] [--format csv|json]\n"
    "\n"
    "payments:\n"
    "  screen-payment [--json] [--rule KIND=ACTION]... FILE...|DIR|-\n"
    "                                SWIFT MT103/MT202COV and ISO 20022 pacs.008/pacs.009/\n"
    "                                pain.001 messages: every party, agent and free-text\n"
    "                                field screened; verdict pass/review/block per message\n"
    "                                (exit 0/3/4; 5 unreadable message)\n"
    "\n"
    "The home (list store) is --home DIR, else $EMBARGO_HOME, else\n"
    "$XDG_DATA_HOME/embargo or ~/.local/share/embargo. A new home is seeded from the\n"
    "bundled lists unless --no-seed is given.\n"
    "\n"
    "`embargo help COMMAND` or `embargo COMMAND --help` shows one command's usage;\n"
    "`man embargo` the whole manual.\n";

int cli_usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("embargo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(run `embargo --help` for usage)\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_error(const em_error *err) {
    fprintf(stderr, "embargo: error: %s\n", err->message[0] ? err->message : "unknown error");
    return EXIT_ERR;
}

int cli_open(cli_ctx *c, em_store **st) {
    em_error err = {0};
    if (em_store_open(st, c->home, c->store_flags, &err) != 0) return cli_error(&err);
    return EXIT_OK;
}

const char *cli_opt(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) return NULL;
    (*i)++;
    return argv[*i];
}

int cli_flag(char **argv, int i, const char *name) {
    return strcmp(argv[i], name) == 0;
}

int cli_parse_int64(const char *s, long long *out) {
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!s[0] || *end) return -1;
    *out = v;
    return 0;
}

int cli_parse_threshold(const char *s, double *out) {
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !isfinite(v) || v <= 0 || v > 1) return -1;
    *out = v;
    return 0;
}

FILE *cli_open_input(const char *path) {
    if (!path || strcmp(path, "-") == 0) return stdin;
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        f = NULL;
        errno = EISDIR;
    }
    if (!f) fprintf(stderr, "embargo: error: cannot read %s: %s\n", path, strerror(errno));
    return f;
}

void cli_print_json_string(FILE *f, const char *s) {
    em_buf b;
    em_buf_init(&b);
    em_buf_json_str(&b, s);
    fputs(em_buf_cstr(&b), f);
    em_buf_free(&b);
}

/* The sub-commands; their usage is in help.c. */
static const struct {
    const char *name;
    int (*run)(cli_ctx *, int, char **);
} COMMANDS[] = {
    {"import", cmd_import},   {"lists", cmd_lists},
    {"show", cmd_show},       {"diff", cmd_diff},
    {"search", cmd_search},   {"screen", cmd_screen},
    {"compare", cmd_compare}, {"serve", cmd_serve},
    {"update", cmd_update},   {"register", cmd_register},
    {"sync", cmd_sync},       {"alerts", cmd_alerts},
    {"alert", cmd_alert},     {"goodguy", cmd_goodguy},
    {"audit", cmd_audit},     {"screen-payment", cmd_screen_payment},
};

/* A command on a home that does not exist yet: say what happens to it, before
   the second or two that seeding takes (import starts it empty instead). */
static void note_new_home(const cli_ctx *c, const char *cmd) {
    if (strcmp(cmd, "compare") == 0 || !em_store_is_new(c->home)) return;
    char *home = c->home ? em_xstrdup(c->home) : em_default_home();
    if (strcmp(cmd, "import") == 0)
        fprintf(stderr,
                "embargo: new home %s: it holds only the lists imported into it "
                "(`embargo import --bundled` adds the bundled ones)\n",
                home);
    else if (!(c->store_flags & EM_STORE_NO_SEED))
        fprintf(stderr,
                "embargo: new home %s: seeding it from the bundled lists (--no-seed for an "
                "empty one)\n",
                home);
    free(home);
}

/* `embargo help [COMMAND | --commands]`: the usage of help.c's table; a command that
   carries its own (screen-payment) is asked with --help */
static int help(cli_ctx *c, int argc, char **argv) {
    if (argc < 2) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--commands") == 0) {
        for (size_t k = 0; k < sizeof COMMANDS / sizeof *COMMANDS; k++)
            printf("%s\n", COMMANDS[k].name);
        puts("help");
        return EXIT_OK;
    }
    const cli_help *h = cli_help_find(argv[1]);
    if (h) {
        fputs(h->usage, stdout);
        return EXIT_OK;
    }
    for (size_t k = 0; k < sizeof COMMANDS / sizeof *COMMANDS; k++) {
        if (strcmp(argv[1], COMMANDS[k].name) != 0) continue;
        char *args[] = {argv[1], "--help", NULL};
        return COMMANDS[k].run(c, 2, args);
    }
    return cli_usage("help: unknown command '%s'", argv[1]);
}

int main(int argc, char **argv) {
    cli_ctx c = {0};
    int i = 1;
    for (; i < argc; i++) {
        const char *v;
        if (cli_flag(argv, i, "--help") || cli_flag(argv, i, "-h")) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (cli_flag(argv, i, "--version")) {
            puts("embargo " EMBARGO_VERSION);
            return EXIT_OK;
        } else if (cli_flag(argv, i, "--no-seed")) {
            c.store_flags |= EM_STORE_NO_SEED;
        } else if ((v = cli_opt(argc, argv, &i, "--home"))) {
            c.home = v;
        } else if (argv[i][0] == '-') {
            return cli_usage("unknown option %s", argv[i]);
        } else {
            break;
        }
    }
    if (i >= argc) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[i];
    int sub_argc = argc - i;
    char **sub_argv = argv + i;
    /* --home and --no-seed are also accepted after the command */
    for (int k = 1; k < sub_argc; k++) {
        const char *v;
        int at = k;
        if (cli_flag(sub_argv, k, "--no-seed")) {
            c.store_flags |= EM_STORE_NO_SEED;
        } else if ((v = cli_opt(sub_argc, sub_argv, &at, "--home"))) {
            c.home = v;
        } else {
            continue;
        }
        int drop = at - k + 1;
        memmove(&sub_argv[k], &sub_argv[k + drop],
                (size_t)(sub_argc - k - drop) * sizeof *sub_argv);
        sub_argc -= drop;
        k--;
    }
    const cli_help *h = cli_help_find(cmd);
    if (strcmp(cmd, "help") == 0 && !cli_wants_help(sub_argc, sub_argv))
        return help(&c, sub_argc, sub_argv);
    if (h && cli_wants_help(sub_argc, sub_argv)) {
        fputs(h->usage, stdout);
        return EXIT_OK;
    }
    for (size_t k = 0; k < sizeof COMMANDS / sizeof *COMMANDS; k++) {
        if (strcmp(cmd, COMMANDS[k].name) != 0) continue;
        if (!cli_wants_help(sub_argc, sub_argv)) note_new_home(&c, cmd);
        return COMMANDS[k].run(&c, sub_argc, sub_argv);
    }
    return cli_usage("unknown command '%s' (`embargo help` lists them)", cmd);
}
