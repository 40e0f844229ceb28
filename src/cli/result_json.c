/*
 * result_json.c - one screening result as a JSON object, the same for
 * `embargo search --json` and `embargo screen`: id, caption, schema, score,
 * match, source {dataset, version}, matched_name, programs (array),
 * explanation (the library's explanation object) and related (the same
 * party on other lists).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "a; b" -> ["a", "b"] */
static void put_programs(em_buf *b, const char *programs) {
    em_buf_addc(b, '[');
    int n = 0;
    const char *p = programs ? programs : "";
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len) {
            char *t = em_xstrndup(p, len);
            if (n++) em_buf_adds(b, ", ");
            em_buf_json_str(b, t);
            free(t);
        }
        p += e ? (size_t)(e - p) : strlen(p);
    }
    em_buf_addc(b, ']');
}

void cli_result_json(em_buf *b, const em_result *x) {
    em_buf_adds(b, "{\"id\": ");
    em_buf_json_str(b, x->id);
    em_buf_adds(b, ", \"caption\": ");
    em_buf_json_str(b, x->caption);
    em_buf_adds(b, ", \"schema\": ");
    em_buf_json_str(b, x->schema);
    em_buf_printf(b, ", \"score\": %.3f, \"match\": %s, \"source\": {\"dataset\": ", x->score,
                  x->match ? "true" : "false");
    em_buf_json_str(b, x->source);
    em_buf_printf(b, ", \"version\": %lld}, \"matched_name\": ", (long long)x->version);
    em_buf_json_str(b, x->matched_name);
    em_buf_adds(b, ", \"programs\": ");
    put_programs(b, x->programs);
    em_buf_adds(b, ", \"explanation\": ");
    em_buf_adds(b, x->explanation_json && *x->explanation_json ? x->explanation_json : "null");
    em_buf_adds(b, ", \"related\": ");
    em_buf_adds(b, x->related_json && *x->related_json ? x->related_json : "[]");
    em_buf_addc(b, '}');
}

void cli_lists_json(em_buf *b, const em_results *r) {
    em_buf_addc(b, '[');
    for (size_t i = 0; i < em_results_list_count(r); i++) {
        const em_list_info *l = em_results_list(r, i);
        em_buf_adds(b, i ? ", {\"source\": " : "{\"source\": ");
        em_buf_json_str(b, l->source);
        em_buf_printf(b, ", \"version\": %lld, \"entities\": %zu}", (long long)l->version,
                      l->entities);
    }
    em_buf_addc(b, ']');
}

void cli_lists_line(FILE *f, const em_list_info *v, size_t n, const em_version_list *vl) {
    fputs("screened against:", f);
    for (size_t i = 0; i < n; i++) {
        em_buf age;
        em_buf_init(&age);
        const em_version_info *vi = cli_version_find(vl, v[i].source, v[i].version);
        if (vi) {
            em_buf_adds(&age, ", ");
            cli_age_text(&age, vi->source, vi->published);
        }
        fprintf(f, "%s %s version %lld (%zu entities%s)", i ? "," : "", v[i].source,
                (long long)v[i].version, v[i].entities, em_buf_cstr(&age));
        em_buf_free(&age);
    }
    fputc('\n', f);
}

void cli_lists_text(FILE *f, const em_results *r, const em_version_list *vl) {
    size_t n = em_results_list_count(r);
    cli_lists_line(f, n ? em_results_list(r, 0) : NULL, n, vl);
}
