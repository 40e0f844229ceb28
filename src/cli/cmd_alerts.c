/*
 * cmd_alerts.c - `embargo alerts`, `embargo alert show|decide|assign` and
 * `embargo goodguy list|revoke`: the analyst's queue, one alert, decisions
 * and the good-guy list, translated to and from em_monitor.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_id(const char *s, int64_t *id) {
    long long v;
    if (!s || cli_parse_int64(s, &v) || v < 1) return -1;
    *id = v;
    return 0;
}

/* "7d", "12h", "30m", "90s" or seconds */
static int parse_age(const char *s, int64_t *out) {
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!s[0] || end == s || v < 0) return -1;
    long long mult = 1;
    if (*end == 'd')
        mult = 86400, end++;
    else if (*end == 'h')
        mult = 3600, end++;
    else if (*end == 'm')
        mult = 60, end++;
    else if (*end == 's')
        end++;
    if (*end) return -1;
    *out = v * mult;
    return 0;
}

int cmd_alerts(cli_ctx *c, int argc, char **argv) {
    em_alert_filter f = {0};
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        long long n;
        if ((v = cli_opt(argc, argv, &i, "--register")))
            f.register_name = v;
        else if ((v = cli_opt(argc, argv, &i, "--state")))
            f.state = v;
        else if ((v = cli_opt(argc, argv, &i, "--assignee")))
            f.assignee = v;
        else if ((v = cli_opt(argc, argv, &i, "--older-than"))) {
            if (parse_age(v, &f.older_than_s)) return cli_usage("alerts: --older-than 7d|12h|30m");
        } else if ((v = cli_opt(argc, argv, &i, "--limit"))) {
            if (cli_parse_int64(v, &n) || n < 1) return cli_usage("alerts: --limit N > 0");
            f.limit = (size_t)n;
        } else if ((v = cli_opt(argc, argv, &i, "--offset"))) {
            if (cli_parse_int64(v, &n) || n < 0) return cli_usage("alerts: --offset N >= 0");
            f.offset = (size_t)n;
        } else if (cli_flag(argv, i, "--json"))
            json = 1;
        else
            return cli_usage("alerts: unknown argument %s", argv[i]);
    }
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(c, &e, &m, 1);
    if (rc) return rc;
    em_error err = {0};
    char *out = NULL;
    if (em_alerts_json(m, &f, &out, &err) != 0) {
        rc = cli_error(&err);
    } else if (json) {
        puts(out);
    } else {
        json_t *o = json_loads(out, 0, NULL);
        json_t *a = json_object_get(o, "alerts");
        size_t i;
        json_t *x;
        printf("%6s  %-14s  %-10s %-12s %5s  %-16s  %s\n", "ALERT", "STATE", "REGISTER", "RECORD",
               "SCORE", "ENTITY", "LISTED AS");
        json_array_foreach(a, i, x) {
            printf("%6lld  %-14s  %-10s %-12s %5.2f  %-16s  %s\n",
                   (long long)json_integer_value(json_object_get(x, "id")),
                   json_string_value(json_object_get(x, "state")),
                   json_string_value(json_object_get(x, "register")),
                   json_string_value(json_object_get(x, "record_id")),
                   json_real_value(json_object_get(x, "score")),
                   json_string_value(json_object_get(x, "entity_id")),
                   json_string_value(json_object_get(x, "caption")));
        }
        printf("%zu of %lld alerts\n", json_array_size(a),
               (long long)json_integer_value(json_object_get(o, "total")));
        json_decref(o);
    }
    free(out);
    cli_monitor_close(e, m);
    return rc;
}

int cmd_alert(cli_ctx *c, int argc, char **argv) {
    if (argc < 3)
        return cli_usage("alert: show ID | decide ID --decision D --comment TEXT [--user U] | "
                         "assign ID --user U");
    const char *sub = argv[1];
    int64_t id;
    if (parse_id(argv[2], &id)) return cli_usage("alert %s: the alert number, e.g. 12", sub);
    const char *decision = NULL, *comment = NULL, *user = NULL;
    for (int i = 3; i < argc; i++) {
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--decision")))
            decision = v;
        else if ((v = cli_opt(argc, argv, &i, "--comment")))
            comment = v;
        else if ((v = cli_opt(argc, argv, &i, "--user")))
            user = v;
        else
            return cli_usage("alert %s: unknown argument %s", sub, argv[i]);
    }
    if (strcmp(sub, "show") && strcmp(sub, "decide") && strcmp(sub, "assign"))
        return cli_usage("alert: show, decide or assign (not %s)", sub);
    if (!strcmp(sub, "decide") && !decision)
        return cli_usage("alert decide: --decision false_positive|true_match|escalate|reopen");
    if (!strcmp(sub, "assign") && !user) return cli_usage("alert assign: --user NAME");
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(c, &e, &m, 1);
    if (rc) return rc;
    em_error err = {0};
    char *out = NULL;
    if (!strcmp(sub, "show")) {
        if (em_alert_json(m, id, &out, &err) != 0)
            rc = cli_error(&err);
        else
            puts(out);
    } else if (!strcmp(sub, "decide")) {
        if (em_alert_decide(m, id, decision, comment, cli_user(user), &err) != 0)
            rc = cli_error(&err);
        else if (em_alert_json(m, id, &out, &err) == 0) {
            json_t *o = json_loads(out, 0, NULL);
            printf("alert %lld is now %s\n", (long long)id,
                   json_string_value(json_object_get(o, "state")));
            json_decref(o);
        }
    } else {
        if (em_alert_assign(m, id, user, cli_user(NULL), &err) != 0)
            rc = cli_error(&err);
        else
            printf("alert %lld assigned to %s\n", (long long)id, user);
    }
    free(out);
    cli_monitor_close(e, m);
    return rc;
}

int cmd_goodguy(cli_ctx *c, int argc, char **argv) {
    if (argc < 2) return cli_usage("goodguy: list [--register R] [--all] [--json] | revoke ID");
    const char *sub = argv[1], *reg = NULL, *user = NULL, *arg = NULL;
    int all = 0, json = 0;
    for (int i = 2; i < argc; i++) {
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--register")))
            reg = v;
        else if ((v = cli_opt(argc, argv, &i, "--user")))
            user = v;
        else if (cli_flag(argv, i, "--all"))
            all = 1;
        else if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (argv[i][0] != '-' && !arg)
            arg = argv[i];
        else
            return cli_usage("goodguy %s: unknown argument %s", sub, argv[i]);
    }
    int64_t id = 0;
    if (!strcmp(sub, "revoke") && parse_id(arg, &id))
        return cli_usage("goodguy revoke: the suppression number (goodguy list shows them)");
    if (strcmp(sub, "list") && strcmp(sub, "revoke")) return cli_usage("goodguy: list or revoke");
    em_engine *e;
    em_monitor *m;
    int rc = cli_monitor_open(c, &e, &m, 1);
    if (rc) return rc;
    em_error err = {0};
    char *out = NULL;
    if (!strcmp(sub, "revoke")) {
        if (em_goodguy_revoke(m, id, cli_user(user), &err) != 0)
            rc = cli_error(&err);
        else
            printf("suppression %lld revoked; its alert is open again\n", (long long)id);
    } else if (em_goodguys_json(m, reg, all, &out, &err) != 0) {
        rc = cli_error(&err);
    } else if (json) {
        puts(out);
    } else {
        json_t *a = json_loads(out, 0, NULL);
        size_t i;
        json_t *x;
        printf("%5s %6s  %-10s %-12s %-16s %-20s %-10s %s\n", "ID", "ALERT", "REGISTER", "RECORD",
               "ENTITY", "SINCE", "BY", "COMMENT");
        json_array_foreach(a, i, x) {
            printf("%5lld %6lld  %-10s %-12s %-16s %-20s %-10s %s%s\n",
                   (long long)json_integer_value(json_object_get(x, "id")),
                   (long long)json_integer_value(json_object_get(x, "alert")),
                   json_string_value(json_object_get(x, "register")),
                   json_string_value(json_object_get(x, "record_id")),
                   json_string_value(json_object_get(x, "entity_id")),
                   json_string_value(json_object_get(x, "since")),
                   json_string_value(json_object_get(x, "by")),
                   json_string_value(json_object_get(x, "comment")),
                   json_is_true(json_object_get(x, "active")) ? "" : " (ended)");
        }
        json_decref(a);
    }
    free(out);
    cli_monitor_close(e, m);
    return rc;
}
