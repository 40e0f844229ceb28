/*
 * cli.h - the `embargo` command: shared option state and one function per
 * sub-command (cmd_*.c). The CLI only translates between the terminal and
 * the library (include/embargo.h); it holds no logic of its own.
 */
#ifndef EM_CLI_H
#define EM_CLI_H

#include <stdio.h>

#include "base/buf.h"
#include "embargo.h"

typedef struct cli_ctx {
    const char *home; /* --home DIR; NULL = default */
    unsigned store_flags;
} cli_ctx;

/* Exit codes */
#define EXIT_OK 0
#define EXIT_ERR 1
#define EXIT_USAGE 2

int cmd_import(cli_ctx *c, int argc, char **argv);
int cmd_lists(cli_ctx *c, int argc, char **argv);
int cmd_show(cli_ctx *c, int argc, char **argv);
int cmd_diff(cli_ctx *c, int argc, char **argv);
int cmd_search(cli_ctx *c, int argc, char **argv);
int cmd_screen(cli_ctx *c, int argc, char **argv);
int cmd_compare(cli_ctx *c, int argc, char **argv);
int cmd_serve(cli_ctx *c, int argc, char **argv);
int cmd_update(cli_ctx *c, int argc, char **argv);
int cmd_register(cli_ctx *c, int argc, char **argv);
int cmd_sync(cli_ctx *c, int argc, char **argv);
int cmd_alerts(cli_ctx *c, int argc, char **argv);
int cmd_alert(cli_ctx *c, int argc, char **argv);
int cmd_goodguy(cli_ctx *c, int argc, char **argv);
int cmd_audit(cli_ctx *c, int argc, char **argv);
int cmd_screen_payment(cli_ctx *c, int argc, char **argv);

/* monitoring (cmd_register.c): an engine and monitor on the home (progress on
   stderr unless quiet); the analyst's name (--user, else $EMBARGO_USER, $USER);
   after an import or update, the delta re-screen of every register */
int cli_monitor_open(cli_ctx *c, em_engine **e, em_monitor **m, int quiet);
void cli_monitor_close(em_engine *e, em_monitor *m);
const char *cli_user(const char *given);
int cli_monitor_sync_after_import(cli_ctx *c, int quiet);

/* the usage of each command (help.c): what `embargo CMD --help` prints */
typedef struct cli_help {
    const char *name;
    const char *usage;
} cli_help;
const cli_help *cli_help_find(const char *name); /* NULL: not in the table */
int cli_wants_help(int argc, char **argv);       /* --help or -h among argv[1..] */

/* helpers (main.c) */
int cli_open(cli_ctx *c, em_store **st);
int cli_error(const em_error *err);
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses "--name value" / "--name=value" at argv[*i]; returns the value or NULL. */
const char *cli_opt(int argc, char **argv, int *i, const char *name);
int cli_flag(char **argv, int i, const char *name);
int cli_parse_int64(const char *s, long long *out);
/* Parses a score threshold: a finite number in (0, 1]. */
int cli_parse_threshold(const char *s, double *out);
/* Opens an input file ("-" = stdin); a directory or unreadable path is an
   error printed on stderr (NULL returned). */
FILE *cli_open_input(const char *path);
void cli_print_json_string(FILE *f, const char *s);
/* One screening result as a JSON object (result_json.c), for search --json and screen. */
void cli_result_json(em_buf *b, const em_result *x);
/* The list versions results were screened against: a JSON array of {source,
   version, entities}, or one "screened against: ..." line. */
void cli_lists_json(em_buf *b, const em_results *r);
void cli_lists_text(FILE *f, const em_results *r, const em_version_list *vl);
/* vl (may be NULL): the store's versions, for each list's publication date and age */
void cli_lists_line(FILE *f, const em_list_info *v, size_t n, const em_version_list *vl);

/* list ages (list_age.c): the home's versions (NULL when unreadable; free with
   em_version_list_free); one of them; "published D, N days old[, STALE (over M
   days)]"; a warning on f per stale active list (returns how many) */
em_version_list *cli_versions(cli_ctx *c);
const em_version_info *cli_version_find(const em_version_list *l, const char *source, int64_t id);
void cli_age_text(em_buf *b, const char *source, const char *published);
size_t cli_warn_stale(FILE *f, const em_version_list *l);

#endif
