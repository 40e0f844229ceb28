/*
 * list_age.c - how old the lists are, as the terminal shows it: the "published
 * 2023-12-28, 704 days old, STALE" text of `lists`, the `search` header and the
 * `serve` banner, and the stale-list warnings on stderr. What counts as stale
 * is the library's (em_list_age_of, src/store/freshness.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

em_version_list *cli_versions(cli_ctx *c) {
    em_store *st = NULL;
    em_error err = {0};
    em_version_list *l = NULL;
    if (em_store_open(&st, c->home, c->store_flags | EM_STORE_NO_SEED, &err) != 0) return NULL;
    if (em_store_versions(st, NULL, &l, &err) != 0) l = NULL;
    em_store_close(st);
    return l;
}

const em_version_info *cli_version_find(const em_version_list *l, const char *source, int64_t id) {
    for (size_t i = 0; l && i < em_version_list_count(l); i++) {
        const em_version_info *v = em_version_list_get(l, i);
        if (v->id == id && strcmp(v->source, source) == 0) return v;
    }
    return NULL;
}

void cli_age_text(em_buf *b, const char *source, const char *published) {
    em_list_age a;
    em_list_age_of(source, published, 0, &a);
    if (a.age_days < 0) {
        em_buf_adds(b, "publication date unknown");
        return;
    }
    long days = (long)a.age_days;
    em_buf_printf(b, "published %.10s, %ld day%s old", published, days, days == 1 ? "" : "s");
    if (a.stale) em_buf_printf(b, ", STALE (over %.0f days)", a.max_age_days);
}

size_t cli_warn_stale(FILE *f, const em_version_list *l) {
    size_t n = 0;
    em_buf b;
    em_buf_init(&b);
    for (size_t i = 0; l && i < em_version_list_count(l); i++) {
        const em_version_info *v = em_version_list_get(l, i);
        if (!v->active) continue;
        em_list_age a;
        em_list_age_of(v->source, v->published, 0, &a);
        if (!a.stale) continue;
        em_buf_printf(&b, "%s%s published %.10s (%ld days ago)", n ? ", " : "", v->source,
                      v->published, (long)a.age_days);
        n++;
    }
    if (n)
        fprintf(f,
                "embargo: warning: stale list%s: %s; allowed: %.0f days for OFAC's lists "
                "($EMBARGO_MAX_AGE_OFAC), %.0f for others ($EMBARGO_MAX_AGE); run `embargo "
                "update`\n",
                n == 1 ? "" : "s", em_buf_cstr(&b), em_list_max_age_days("ofac"),
                em_list_max_age_days(""));
    em_buf_free(&b);
    return n;
}
