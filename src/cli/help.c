/*
 * help.c - the usage of each `embargo` sub-command, in one table: what
 * `embargo CMD --help`, `embargo CMD -h` and `embargo help CMD` print (main.c
 * looks commands up here before running them; a command missing here, such as
 * screen-payment, answers --help itself). docs/embargo.1 and
 * scripts/embargo.bash-completion follow this table; tests/e2e/cli_help.sh
 * checks that they do.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_help HELP[] = {
    {"import",
     "usage: embargo import [--source S] [--force] [--max-entities N] [--max-names N]\n"
     "                      [--max-field-bytes N] [--max-bytes N] FILE...\n"
     "       embargo import --bundled\n"
     "\n"
     "Parses list files (the format is detected from the content; files may be gzipped),\n"
     "stores a new version of each source in one transaction and activates it. The files of\n"
     "an OFAC CSV set go together: sdn.csv with add.csv, alt.csv and sdn_comments.csv (the\n"
     "aliases live in alt.csv, the addresses in add.csv); a set given without them is\n"
     "imported with a warning that says what it lacks.\n"
     "\n"
     "  --source S           store under source S instead of the format's default source\n"
     "  --force              accept a version that drops over 10% of the active one\n"
     "  --max-entities N     refuse a list of more than N entities (default 2,000,000)\n"
     "  --max-names N        refuse an entity with more than N names (default 5,000)\n"
     "  --max-field-bytes N  refuse a longer name, remark or other value (default 256 KiB)\n"
     "  --max-bytes N        refuse a file that decompresses to more (default 4 GiB)\n"
     "  --bundled            import the lists bundled with embargo (data/lists), as a new\n"
     "                       home is seeded; `embargo lists` shows how old they are\n"},
    {"lists",
     "usage: embargo lists [--json]\n"
     "\n"
     "Each source: its versions, the active one, its publication date and age, entity\n"
     "counts, and its last successful and failed update. A list older than the allowed age\n"
     "(7 days for OFAC sources, 30 for others; $EMBARGO_MAX_AGE_OFAC, $EMBARGO_MAX_AGE in\n"
     "days) is marked STALE and warned about on stderr.\n"
     "\n"
     "  --json               one JSON document instead of the table\n"},
    {"show", "usage: embargo show [--json|--stored-json] [--version V] ID\n"
             "\n"
             "One entity with all its facts and its history across list versions.\n"
             "\n"
             "  --json               the FollowTheMoney form, with first_seen and last_change\n"
             "  --stored-json        the entity exactly as stored\n"
             "  --version V          as it was in list version V\n"},
    {"diff", "usage: embargo diff [--source S] [--from V] [--to V] [--json]\n"
             "\n"
             "Added, removed and changed entities between two versions of a source (default: the\n"
             "active version against the one before).\n"
             "\n"
             "  --source S           the source, e.g. ofac_sdn\n"
             "  --from V, --to V     the two version numbers (`embargo lists` shows them)\n"
             "  --json               JSON instead of text\n"},
    {"search",
     "usage: embargo search [--json] [--limit N] [--threshold T] [--schema S] [--dob D]...\n"
     "                      [--country C]... [--gender G] [--id [TYPE:]VALUE]...\n"
     "                      [--alias NAME]... [--weak-alias NAME]... [--user U] [--all] NAME\n"
     "\n"
     "Screens one party against the active lists; every score is explained. The header\n"
     "names the list versions screened against and their age.\n"
     "\n"
     "  --json               JSON instead of the table\n"
     "  --limit N            at most N results\n"
     "  --threshold T        alert threshold in (0, 1] (default 0.70)\n"
     "  --schema S           Person, Organization, Vessel, Aircraft or Thing\n"
     "  --dob D              birth date, YYYY, YYYY-MM or YYYY-MM-DD (repeatable)\n"
     "  --country C          nationality or country, ISO code or name (repeatable)\n"
     "  --gender G           male or female\n"
     "  --id [TYPE:]VALUE    an identifier: passport, IMO, BIC, wallet... (repeatable)\n"
     "  --alias NAME         another name of the same party (repeatable)\n"
     "  --weak-alias NAME    a weak alias (repeatable)\n"
     "  --user U             the analyst recorded in the audit log\n"
     "  --all                also show results below the threshold\n"},
    {"screen",
     "usage: embargo screen [--input F] [--output F] [--threads N] [--threshold T]\n"
     "                      [--limit N] [--all] [--schema S] [--format csv|jsonl]\n"
     "                      [--user U] [--quiet]\n"
     "\n"
     "Batch screening: CSV with a header or JSON lines in (default stdin), one JSON line per\n"
     "input record out (default stdout), in input order. CSV columns: name (required),\n"
     "schema, birth_date, nationality, country, gender, id, passport, imo, crypto, alias,\n"
     "and any others (kept as the record's fields).\n"
     "\n"
     "  --input F, --output F   files instead of stdin / stdout\n"
     "  --threads N          worker threads, 1-256 (default: the CPUs)\n"
     "  --threshold T        alert threshold in (0, 1] (default 0.70)\n"
     "  --limit N            at most N results per record, 1-10000\n"
     "  --all                also report results below the threshold\n"
     "  --schema S           the schema of records that name none\n"
     "  --format csv|jsonl   the input format (default: detected)\n"
     "  --user U             the analyst recorded in the audit log\n"
     "  --quiet, -q          no progress on stderr\n"},
    {"compare",
     "usage: embargo compare [--schema S] [--json] [--threshold T] NAME1 NAME2\n"
     "       embargo compare --pairs FILE.csv [--output F]\n"
     "\n"
     "Scores two names against each other, explained; or every pair of a CSV file with the\n"
     "columns schema,name1,name2.\n"
     "\n"
     "  --schema S           Person (default), Organization, Vessel, ...\n"
     "  --json               JSON instead of text\n"
     "  --threshold T        the threshold the verdict uses, in (0, 1]\n"
     "  --pairs FILE.csv     score the pairs of a file\n"
     "  --output F           write the pairs' scores to F\n"},
    {"serve",
     "usage: embargo serve [--listen ADDR:PORT] [--threads N] [--api-keys FILE]\n"
     "                     [--cors ORIGIN] [--access-log FILE|-] [--no-access-log]\n"
     "                     [--max-body BYTES] [--timeout S] [--log-personal-data]\n"
     "                     [--update-every 1h] [--update-config FILE]\n"
     "\n"
     "The HTTP API (yente-compatible /match, /search, /entities, /catalog, /readyz,\n"
     "/metrics) and the web UI, on 127.0.0.1:8080 by default. Follows newly imported list\n"
     "versions. /readyz answers \"degraded\" while a list is older than its allowed age.\n"
     "\n"
     "  --listen ADDR:PORT   where to listen\n"
     "  --threads N          request threads\n"
     "  --api-keys FILE      require one of these keys (one per line)\n"
     "  --cors ORIGIN        allow browser requests from ORIGIN\n"
     "  --access-log FILE|-  where the access log goes; --no-access-log for none\n"
     "  --max-body BYTES     the largest request body\n"
     "  --timeout S          per-connection timeout in seconds\n"
     "  --log-personal-data  log the names screened (off by default)\n"
     "  --update-every 1h    run `embargo update` on a schedule\n"
     "  --update-config FILE the update.conf for the scheduled updates\n"},
    {"update",
     "usage: embargo update [--config FILE] [--source S]... [--force] [--timeout SEC]\n"
     "                      [--retries N] [--retry-delay SEC] [--low-speed-time SEC]\n"
     "                      [--max-bytes N] [--user-agent UA] [--json] [--quiet]\n"
     "\n"
     "Downloads the lists from their publishers (the sources and URLs of HOME/update.conf)\n"
     "and imports them. A source that fails keeps its active version. Errors that cannot\n"
     "heal (a host name that does not resolve, HTTP 404, a TLS failure) are not retried.\n"
     "\n"
     "  --config FILE        another update.conf\n"
     "  --source S           only this source (repeatable)\n"
     "  --force              download even when unchanged, accept a list that shrinks\n"
     "  --timeout SEC        per file transfer (default 600)\n"
     "  --retries N          retries of errors that may heal (default 3)\n"
     "  --retry-delay SEC    the first retry's delay, doubled each time (default 1)\n"
     "  --low-speed-time SEC give up on a download below 1 KiB/s this long (default 30)\n"
     "  --max-bytes N        the largest file (default 256 MiB)\n"
     "  --user-agent UA      the User-Agent sent (default: a browser's, which OFAC's\n"
     "                       Sanctions List Service requires; also $EMBARGO_USER_AGENT)\n"
     "  --json               a JSON report instead of text\n"
     "  --quiet              no progress lines\n"},
    {"register",
     "usage: embargo register import [--register R] [--partial] [--json] [--quiet] FILE\n"
     "       embargo register list [--json]\n"
     "       embargo register show [--register R] ID\n"
     "       embargo register screen [--register R] [--json]\n"
     "       embargo register webhook [--register R] URL [--secret S]\n"
     "\n"
     "Registers of your own records (customers, suppliers), screened on every list change.\n"
     "import reads a CSV with a header (id, name, aliases, schema, birth_date, nationality,\n"
     "gender, passport, ...) or JSON lines; new and changed records are screened. Without\n"
     "--partial, records missing from FILE are removed. webhook POSTs new and reopened\n"
     "alerts to URL (signed with S).\n"},
    {"sync", "usage: embargo sync [--json] [--no-deliver]\n"
             "\n"
             "Re-screens every register against the list versions imported since its last screen\n"
             "(import and update run this by themselves) and sends the webhooks.\n"
             "\n"
             "  --json               a JSON report\n"
             "  --no-deliver         do not send webhooks\n"},
    {"alerts", "usage: embargo alerts [--register R] [--state S] [--assignee U] [--older-than 7d]\n"
               "                      [--limit N] [--offset N] [--json]\n"
               "\n"
               "The alerts of the registers, newest first.\n"
               "\n"
               "  --state S            open, escalated, pending, true_match, false_positive\n"
               "  --older-than AGE     only alerts older than AGE (7d, 12h, 30m)\n"},
    {"alert",
     "usage: embargo alert show ID\n"
     "       embargo alert decide ID --decision false_positive|true_match|escalate|reopen\n"
     "                               --comment TEXT [--user U]\n"
     "       embargo alert assign ID --user U\n"
     "\n"
     "One alert: its evidence, decide it (recorded in the audit log) or assign it.\n"},
    {"goodguy", "usage: embargo goodguy list [--register R] [--all] [--json]\n"
                "       embargo goodguy revoke ID\n"
                "\n"
                "The suppressions recorded by false-positive decisions, and revoking one.\n"},
    {"audit",
     "usage: embargo audit verify\n"
     "       embargo audit replay ID\n"
     "       embargo audit export [--from DATE] [--to DATE] [--format csv|json] [--output F]\n"
     "\n"
     "The tamper-evident audit log: verify its hash chain, replay one screening against the\n"
     "list versions it used, or export it.\n"},
    {"help", "usage: embargo help [COMMAND]\n"
             "       embargo help --commands\n"
             "\n"
             "The usage of embargo or of one command (the same as `embargo COMMAND --help`);\n"
             "--commands lists the command names, one per line.\n"},
};

const cli_help *cli_help_find(const char *name) {
    for (size_t i = 0; i < sizeof HELP / sizeof *HELP; i++)
        if (strcmp(HELP[i].name, name) == 0) return &HELP[i];
    return NULL;
}

int cli_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    return 0;
}
