/*
 * cmd_show.c - `embargo show [--json | --stored-json] [--version V] ID`: one
 * entity with all its facts, as readable text, as a FollowTheMoney entity
 * with its history (--json, em_entity_to_ftm_json), or as the JSON the store
 * keeps (--stored-json).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model/schema.h"

static const char *str(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void line(const char *label, const char *value) {
    if (value && *value) printf("  %-14s %s\n", label, value);
}

static void list_strings(const char *label, json_t *arr) {
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) line(i ? "" : label, json_string_value(v));
}

static void print_entity(json_t *e) {
    printf("%s  %s  [%s]\n", str(e, "id"), str(e, "caption"), em_schema_ftm_name(str(e, "schema")));
    line("source", str(e, "source"));
    size_t i;
    json_t *x;
    printf("  names:\n");
    json_array_foreach(json_object_get(e, "names"), i, x) {
        printf("    %-8s %s", str(x, "kind"), str(x, "full"));
        if (*str(x, "strength")) printf("  (%s)", str(x, "strength"));
        if (*str(x, "script") && strcmp(str(x, "script"), "Latn") != 0)
            printf("  [%s]", str(x, "script"));
        printf("\n");
    }
    line("gender", str(e, "gender"));
    json_array_foreach(json_object_get(e, "birth_dates"), i, x) {
        char buf[128];
        const char *from = str(x, "from"), *to = str(x, "to");
        if (*to && strcmp(from, to) != 0)
            snprintf(buf, sizeof buf, "%s to %s", from, to);
        else
            snprintf(buf, sizeof buf, "%s", from);
        if (json_is_true(json_object_get(x, "circa"))) {
            char b2[160];
            snprintf(b2, sizeof b2, "circa %s", buf);
            line(i ? "" : "birth date", b2);
        } else {
            line(i ? "" : "birth date", buf);
        }
    }
    list_strings("birth place", json_object_get(e, "birth_places"));
    list_strings("nationality", json_object_get(e, "nationalities"));
    list_strings("citizenship", json_object_get(e, "citizenships"));
    json_array_foreach(json_object_get(e, "addresses"), i, x)
        line(i ? "" : "address", str(x, "full"));
    json_array_foreach(json_object_get(e, "identifiers"), i, x) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s: %s%s%s%s%s%s",
                 *str(x, "label") ? str(x, "label") : str(x, "type"), str(x, "value"),
                 *str(x, "country") ? " (" : "", str(x, "country"), *str(x, "country") ? ")" : "",
                 *str(x, "note") ? "; " : "", str(x, "note"));
        line(i ? "" : "identifiers", buf);
    }
    list_strings("programs", json_object_get(e, "programs"));
    json_array_foreach(json_object_get(e, "links"), i, x) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s %s%s%s%s", str(x, "relation"), str(x, "target_name"),
                 *str(x, "target_id") ? " (" : "", str(x, "target_id"),
                 *str(x, "target_id") ? ")" : "");
        line(i ? "" : "links", buf);
    }
    line("listed on", str(e, "listed_on"));
    const char *k;
    json_t *arr;
    json_object_foreach(json_object_get(e, "properties"), k, arr) list_strings(k, arr);
    if (*str(e, "remarks")) printf("  remarks:\n    %s\n", str(e, "remarks"));
}

int cmd_show(cli_ctx *c, int argc, char **argv) {
    int json = 0; /* 1 FtM, 2 stored */
    long long version = 0;
    const char *id = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else if (cli_flag(argv, i, "--stored-json"))
            json = 2;
        else if ((v = cli_opt(argc, argv, &i, "--version"))) {
            if (cli_parse_int64(v, &version) != 0 || version <= 0)
                return cli_usage("show: --version needs a version number (see `embargo lists`)");
        } else if (argv[i][0] == '-')
            return cli_usage("show: unknown option %s", argv[i]);
        else if (!id)
            id = argv[i];
        else
            return cli_usage("show: give one entity id");
    }
    if (!id) return cli_usage("show: give an entity id, e.g. `embargo show ofac-12111`");
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_entity *e;
    if (em_store_entity(st, id, version, &e, &err) != 0) {
        em_store_close(st);
        return cli_error(&err);
    }
    char *s = em_entity_to_json_string(e, 1);
    em_entity_history h;
    int has_h = em_store_entity_history(st, id, version, &h, NULL) == 0;
    if (json == 1) {
        char *out = em_entity_to_ftm_json(e, has_h ? &h : NULL, 1);
        printf("%s\n", out);
        free(out);
    } else if (json == 2) {
        printf("%s\n", s);
    } else {
        json_t *j = json_loads(s, 0, NULL);
        print_entity(j);
        json_decref(j);
        if (has_h)
            printf("  %-14s version %lld (%s); facts last changed in version %lld (%s); last "
                   "seen in version %lld (%s)\n",
                   "history", (long long)h.first_seen_version, h.first_seen,
                   (long long)h.last_change_version, h.last_change, (long long)h.last_seen_version,
                   h.last_seen);
        /* the same party on other lists (from the matcher's snapshot of the active lists) */
        em_matcher *m = NULL;
        em_error merr = {0};
        if (version == 0 && em_matcher_open(&m, st, &merr) == 0) {
            char *rel = em_matcher_related(m, id);
            json_t *r = json_loads(rel, 0, NULL);
            size_t i;
            json_t *x;
            json_array_foreach(r, i, x) {
                printf("  %-14s %s %s (%s) - %s\n", i ? "" : "also listed",
                       json_string_value(json_object_get(x, "id")),
                       json_string_value(json_object_get(x, "caption")),
                       json_string_value(json_object_get(x, "source")),
                       json_string_value(json_object_get(x, "reason")));
            }
            json_decref(r);
            free(rel);
            em_matcher_close(m);
        }
    }
    free(s);
    em_entity_free(e);
    em_store_close(st);
    return EXIT_OK;
}
