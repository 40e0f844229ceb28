/*
 * cmd_lists.c - `embargo lists [--json]`: every source with its versions,
 * publication dates and ages, import times and counts; the active version
 * first; then, per source, the last successful and the last failed `embargo
 * update`; a warning on stderr per stale active list (list_age.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The update state of a source as a JSON object, or null (see em_store_update_status). */
static void print_update_json(const em_update_status *u) {
    if (!u) {
        printf("null");
        return;
    }
    printf("{\"last_success\": ");
    if (u->last_success[0]) {
        cli_print_json_string(stdout, u->last_success);
        printf(", \"last_success_outcome\": \"%s\", \"last_success_version\": %lld",
               u->last_success_outcome, (long long)u->last_success_version);
    } else {
        printf("null");
    }
    printf(", \"last_failure\": ");
    if (u->last_failure[0]) {
        cli_print_json_string(stdout, u->last_failure);
        printf(", \"last_failure_error\": ");
        cli_print_json_string(stdout, u->last_failure_error);
    } else {
        printf("null");
    }
    printf(", \"consecutive_failures\": %u, \"attempts\": %zu}", u->consecutive_failures,
           u->attempts);
}

static const em_version_info *active_of(const em_version_list *l, const char *source) {
    for (size_t i = 0; i < em_version_list_count(l); i++) {
        const em_version_info *v = em_version_list_get(l, i);
        if (v->active && strcmp(v->source, source) == 0) return v;
    }
    return NULL;
}

static void print_failure_text(const em_update_status *u) {
    if (!u->last_failure[0]) {
        printf("; no failed update\n");
        return;
    }
    printf("; last failed update %s", u->last_failure);
    if (u->consecutive_failures) printf(" (%u in a row)", u->consecutive_failures);
    printf(": %s\n", u->last_failure_error);
}

/* Per source: the active version, the last successful and the last failed update. */
static void print_updates_text(const em_version_list *l, const em_update_status_list *ul) {
    if (em_update_status_count(ul) == 0) return;
    printf("\nupdates (embargo update):\n");
    const char *seen = NULL;
    for (size_t i = 0; i < em_version_list_count(l); i++) {
        const em_version_info *v = em_version_list_get(l, i);
        if (seen && strcmp(v->source, seen) == 0) continue; /* versions come grouped by source */
        seen = v->source;
        const em_update_status *u = em_update_status_find(ul, v->source);
        const em_version_info *a = active_of(l, v->source);
        printf("  %-10s active: ", v->source);
        if (a)
            printf("version %lld (published %s)", (long long)a->id,
                   a->published[0] ? a->published : "-");
        else
            printf("none");
        if (!u) {
            printf("; never updated\n");
            continue;
        }
        if (u->last_success[0])
            printf("; last successful update %s (%s)", u->last_success, u->last_success_outcome);
        else
            printf("; no successful update");
        print_failure_text(u);
    }
    /* sources that were tried but never imported */
    for (size_t i = 0; i < em_update_status_count(ul); i++) {
        const em_update_status *u = em_update_status_get(ul, i);
        int known = 0;
        for (size_t k = 0; k < em_version_list_count(l) && !known; k++)
            known = strcmp(em_version_list_get(l, k)->source, u->source) == 0;
        if (known) continue;
        printf("  %-10s active: none; ", u->source);
        if (u->last_success[0])
            printf("last successful update %s (%s)", u->last_success, u->last_success_outcome);
        else
            printf("no successful update");
        print_failure_text(u);
    }
}

/* The AGE cell: "704d" since publication, "704d!" when stale, "-" when unknown. */
static const char *age_cell(const em_version_info *v) {
    static char cell[24];
    em_list_age a;
    em_list_age_of(v->source, v->published, 0, &a);
    if (a.age_days < 0) return "-";
    snprintf(cell, sizeof cell, "%ldd%s", (long)a.age_days, a.stale && v->active ? "!" : "");
    return cell;
}

int cmd_lists(cli_ctx *c, int argc, char **argv) {
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_flag(argv, i, "--json"))
            json = 1;
        else
            return cli_usage("lists: unknown argument %s", argv[i]);
    }
    em_store *st;
    int rc = cli_open(c, &st);
    if (rc) return rc;
    em_error err = {0};
    em_version_list *l;
    if (em_store_versions(st, NULL, &l, &err) != 0) {
        em_store_close(st);
        return cli_error(&err);
    }
    size_t n = em_version_list_count(l);
    em_update_status_list *ul = NULL;
    if (em_store_update_status(st, &ul, &err) != 0) {
        em_version_list_free(l);
        em_store_close(st);
        return cli_error(&err);
    }
    if (json) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
            const em_version_info *v = em_version_list_get(l, i);
            printf("%s\n  {\"source\": ", i ? "," : "");
            cli_print_json_string(stdout, v->source);
            printf(", \"version\": %lld, \"active\": %s, \"format\": ", (long long)v->id,
                   v->active ? "true" : "false");
            cli_print_json_string(stdout, v->format);
            printf(", \"published\": ");
            if (v->published[0])
                cli_print_json_string(stdout, v->published);
            else
                printf("null");
            em_list_age a;
            em_list_age_of(v->source, v->published, 0, &a);
            if (a.age_days >= 0)
                printf(", \"age_days\": %ld", (long)a.age_days);
            else
                printf(", \"age_days\": null");
            printf(", \"max_age_days\": %.0f, \"stale\": %s", a.max_age_days,
                   a.stale ? "true" : "false");
            printf(", \"imported_at\": ");
            cli_print_json_string(stdout, v->imported_at);
            printf(", \"sha256\": \"%s\", \"files\": ", v->sha256);
            cli_print_json_string(stdout, v->files);
            printf(
                ", \"entities\": %zu, \"persons\": %zu, \"organizations\": %zu, \"vessels\": %zu,"
                " \"aircraft\": %zu, \"others\": %zu, \"names\": %zu, \"update\": ",
                v->entities, v->persons, v->organizations, v->vessels, v->aircraft, v->others,
                v->names);
            print_update_json(em_update_status_find(ul, v->source));
            printf("}");
        }
        /* sources that were tried but have no version: version null */
        size_t extra = 0;
        for (size_t i = 0; i < em_update_status_count(ul); i++) {
            const em_update_status *u = em_update_status_get(ul, i);
            int known = 0;
            for (size_t k = 0; k < n && !known; k++)
                known = strcmp(em_version_list_get(l, k)->source, u->source) == 0;
            if (known) continue;
            printf("%s\n  {\"source\": ", n + extra ? "," : "");
            cli_print_json_string(stdout, u->source);
            printf(", \"version\": null, \"active\": false, \"update\": ");
            print_update_json(u);
            printf("}");
            extra++;
        }
        printf("%s]\n", n + extra ? "\n" : "");
    } else if (n == 0) {
        printf("no lists in %s; run `embargo import FILE...` or `embargo import --bundled`\n",
               em_store_home(st));
        print_updates_text(l, ul);
    } else {
        printf("%-10s %7s %-6s %-10s %-7s %-20s %8s %7s %7s %7s %5s  %s\n", "SOURCE", "VERSION",
               "STATE", "PUBLISHED", "AGE", "IMPORTED", "ENTITIES", "PERSONS", "ORGS", "VESSELS",
               "AIR", "FILES");
        for (size_t i = 0; i < n; i++) {
            const em_version_info *v = em_version_list_get(l, i);
            printf("%-10s %7lld %-6s %-10.10s %-7s %-20s %8zu %7zu %7zu %7zu %5zu  %s\n", v->source,
                   (long long)v->id, v->active ? "active" : "old",
                   v->published[0] ? v->published : "-", age_cell(v), v->imported_at, v->entities,
                   v->persons, v->organizations, v->vessels, v->aircraft, v->files);
        }
        print_updates_text(l, ul);
        cli_warn_stale(stderr, l);
    }
    em_update_status_list_free(ul);
    em_version_list_free(l);
    em_store_close(st);
    return EXIT_OK;
}
