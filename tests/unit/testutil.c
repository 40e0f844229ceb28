/*
 * testutil.c - helpers shared by the unit tests (see testutil.h).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *td(const char *rel) {
    static char bufs[8][4096];
    static unsigned next;
    char *buf = bufs[next++ % 8];
    snprintf(buf, sizeof bufs[0], "%s/%s", TEST_DATA_DIR, rel);
    return buf;
}

char *tmpdir_new(const char *name) {
    char cmd[4200];
    char *dir = em_xasprintf("%s/%s", TEST_TMP_DIR, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0) fail_msg("cannot create %s", dir);
    return dir;
}

void copy_file(const char *from, const char *to, long limit) {
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    if (!in || !out) fail_msg("cannot copy %s to %s", from, to);
    char buf[65536];
    size_t n;
    long total = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (limit >= 0 && total + (long)n > limit) n = (size_t)(limit - total);
        fwrite(buf, 1, n, out);
        total += (long)n;
        if (limit >= 0 && total >= limit) break;
    }
    fclose(in);
    fclose(out);
}

int collect_sink(void *ctx, em_entity *e, em_error *err) {
    (void)err;
    em_entity_list_push(ctx, e);
    return 0;
}

em_entity *find_entity(const em_entity_list *l, const char *id) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i]->id, id) == 0) return l->items[i];
    return NULL;
}

int has_name(const em_entity *e, const char *full, const char *kind) {
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, full) == 0 &&
            (!kind || strcmp(e->names.items[i].kind, kind) == 0))
            return 1;
    return 0;
}

int has_program(const em_entity *e, const char *p) {
    return em_strvec_contains(&e->programs, p);
}

const em_identifier *find_identifier(const em_entity *e, const char *type, const char *value) {
    for (size_t i = 0; i < e->identifiers.len; i++) {
        const em_identifier *d = &e->identifiers.items[i];
        if (strcmp(d->type, type) == 0 && (!value || strcmp(d->value, value) == 0)) return d;
    }
    return NULL;
}

char *write_test_file(const char *dir, const char *name, const char *content) {
    char *path = em_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fputs(content, f);
    fclose(f);
    return path;
}

em_entity *get_entity(const em_entity_list *l, const char *id) {
    em_entity *e = find_entity(l, id);
    if (!e) fail_msg("entity %s not found", id);
    return e;
}

const em_name *get_name(const em_entity *e, const char *full) {
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, full) == 0) return &e->names.items[i];
    fail_msg("%s has no name %s", e->id, full);
    return NULL;
}

const char *get_prop(const em_entity *e, const char *key, int nth) {
    for (size_t i = 0; i < e->props.len; i++)
        if (strcmp(e->props.items[i].key, key) == 0 && nth-- == 0) return e->props.items[i].value;
    return NULL;
}

int has_prop(const em_entity *e, const char *key, const char *value) {
    for (size_t i = 0; i < e->props.len; i++)
        if (strcmp(e->props.items[i].key, key) == 0 && strcmp(e->props.items[i].value, value) == 0)
            return 1;
    return 0;
}

void parse_list_ok(parse_fn fn, const char *path, const char *source, em_entity_list *l,
                   em_parse_meta *meta) {
    em_error err = {0};
    memset(l, 0, sizeof *l);
    if (fn(path, source, collect_sink, l, meta, &err) != 0) fail_msg("%s: %s", path, err.message);
}

const em_link *get_link(const em_entity *e, const char *relation, const char *target) {
    for (size_t i = 0; i < e->links.len; i++)
        if (strcmp(e->links.items[i].relation, relation) == 0 && e->links.items[i].target_id &&
            strcmp(e->links.items[i].target_id, target) == 0)
            return &e->links.items[i];
    fail_msg("%s has no link %s -> %s", e->id, relation, target);
    return NULL;
}

int has_address_line(const em_entity *e, const char *full, const char *country) {
    for (size_t i = 0; i < e->addresses.len; i++) {
        const em_address *a = &e->addresses.items[i];
        if (full && (!a->street || strcmp(a->street, full) != 0)) continue;
        if (country && (!a->country || strcmp(a->country, country) != 0)) continue;
        return 1;
    }
    return 0;
}

size_t count_schema(const em_entity_list *l, const char *schema) {
    size_t n = 0;
    for (size_t i = 0; i < l->len; i++)
        n += strcmp(l->items[i]->schema, schema) == 0;
    return n;
}

void match_fixture_open(match_fixture *f, const char *home) {
    em_error err = {0};
    memset(f, 0, sizeof *f);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/knowledge", BUNDLED_DATA_DIR);
    if (!(f->nz = em_normalizer_new(&err))) fail_msg("normaliser: %s", err.message);
    if (!(f->k = em_knowledge_load(dir, &err))) fail_msg("knowledge: %s", err.message);
    if (em_matcher_open_names_only(&f->names, &err) != 0) fail_msg("%s", err.message);
    if (!(f->cmp = em_searcher_new(f->names, &err))) fail_msg("searcher: %s", err.message);
    if (!home) return;
    f->home = tmpdir_new(home);
    if (em_store_open(&f->st, f->home, 0, &err) != 0) fail_msg("store: %s", err.message);
    if (em_matcher_open(&f->m, f->st, &err) != 0) fail_msg("matcher: %s", err.message);
    if (!(f->s = em_searcher_new(f->m, &err))) fail_msg("searcher: %s", err.message);
}

double match_fixture_compare(match_fixture *f, const char *schema, const char *a, const char *b,
                             const char *rule) {
    double s = -1;
    em_error err = {0};
    char *ex = NULL;
    if (em_compare(f->cmp, schema, a, b, &s, &ex, &err) != 0)
        fail_msg("compare '%s' ~ '%s': %s", a, b, err.message);
    if (rule) {
        char want[96];
        snprintf(want, sizeof want, "\"how\":\"%s\"", rule);
        if (!strstr(ex, want)) fail_msg("'%s' ~ '%s': no %s in: %s", a, b, want, ex);
    }
    free(ex);
    return s;
}

void match_fixture_close(match_fixture *f) {
    em_searcher_free(f->s);
    em_matcher_close(f->m);
    em_store_close(f->st);
    em_searcher_free(f->cmp);
    em_matcher_close(f->names);
    em_knowledge_free(f->k);
    em_normalizer_free(f->nz);
    free(f->home);
    memset(f, 0, sizeof *f);
}
