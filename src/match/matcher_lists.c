/*
 * matcher_lists.c - which list versions a matcher's snapshot holds
 * (em_matcher_lists), read from its entity records, so that every answer can
 * say what it was screened against. One pass over the entities; callers that
 * answer often (the server) keep the result per matcher.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "match/matcher_internal.h"

static int cmp_list(const void *a, const void *b) {
    const em_list_info *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : (x->version > y->version) - (x->version < y->version);
}

int em_matcher_lists(const em_matcher *m, em_list_info **out, size_t *n, em_error *err) {
    (void)err;
    *out = NULL;
    *n = 0;
    if (!m || !m->h) return 0;
    EM_VEC(em_list_info) lists = {0};
    for (uint32_t i = 0; i < m->h->n_entities; i++) {
        const snap_entity *e = &m->entities[i];
        const char *src = m->strings + e->source;
        /* entities of one version are contiguous: look at the last entry first */
        const em_list_info *v = lists.items;
        size_t len = lists.len, k = len;
        if (len && v[len - 1].version == e->version && strcmp(v[len - 1].source, src) == 0)
            k = len - 1;
        else
            for (k = 0; k < len; k++)
                if (v[k].version == e->version && strcmp(v[k].source, src) == 0) break;
        if (k == len) em_vec_push(lists, ((em_list_info){src, e->version, 0}));
        lists.items[k].entities++;
    }
    qsort(lists.items, lists.len, sizeof *lists.items, cmp_list);
    *out = lists.items;
    *n = lists.len;
    return 0;
}
