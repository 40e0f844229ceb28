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
    size_t len = 0, cap = 0;
    em_list_info *v = NULL;
    for (uint32_t i = 0; i < m->h->n_entities; i++) {
        const snap_entity *e = &m->entities[i];
        const char *src = m->strings + e->source;
        /* entities of one version are contiguous: look at the last entry first */
        size_t k = len;
        if (len && v[len - 1].version == e->version && strcmp(v[len - 1].source, src) == 0)
            k = len - 1;
        else
            for (k = 0; k < len; k++)
                if (v[k].version == e->version && strcmp(v[k].source, src) == 0) break;
        if (k == len) {
            if (len == cap) {
                cap = cap ? cap * 2 : 8;
                v = em_xrealloc(v, cap * sizeof *v);
            }
            v[len++] = (em_list_info){src, e->version, 0};
        }
        v[k].entities++;
    }
    qsort(v, len, sizeof *v, cmp_list);
    *out = v;
    *n = len;
    return 0;
}
