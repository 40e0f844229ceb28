/*
 * drift.c - how far a list change can move the scores of what it did not
 * change (see drift.h); monitoring's delta re-screen (monitor/rescreen.c)
 * screens again only the stored results that this bound says may cross the
 * threshold.
 *
 * Design. A part weighs its token's IDF in all the lists, w = log(1 + N/df),
 * at least EM_MIN_PART_WEIGHT; a token no listed name has weighs max_idf;
 * particles, legal forms and numbers EM_MINOR_WEIGHT of that (search.c). A
 * list change alters two things: N, the number of names, and the df of the
 * tokens of the names it adds and removes (the *touched* tokens). Nothing
 * else a score reads from the lists moves for an unchanged listed entity.
 *
 *   untouched tokens: with x = N/df, log(1 + x) >= x / (1 + x) and
 *   |log(1 + x') - log(1 + x)| <= |x' - x| / (1 + min(x, x')), so the weight
 *   moves relatively by at most r_g = |N' - N| max(N, N') / min(N, N')^2; the
 *   floor only makes moves smaller, and max_idf = log(1 + N) (some token in one
 *   name; else the smallest df, if a token the change did not touch has it)
 *   moves like the rest;
 *   touched tokens: r_t = |w' - w| / min(w, w'), from df before and after.
 *
 * Every weight-dependent quantity of a score is a weighted share
 * S = sum a_i w_i / sum b_i w_i with 0 <= a_i <= b_i (qcov, ccov, the
 * conflict shares, align.c) or, for the common-name rule, min(1, matched
 * mass / (EM_MASS_SHARE max_idf)) (search.c). If each weight moves by a
 * relative e_i within [m, M], such an S moves by at most (M - m) / (1 + m):
 * a share does not see a move all its weights make alike, only the *spread*
 * of the moves. Untouched weights all move the same way, by 0 to r_g; a
 * touched token may move the other way; so a pair's spread is at most r_g
 * plus the r_t of the distinct touched tokens of both sides (em_drift_pair).
 * The name score qcov (1 - L + L ccov) - C conflict then moves by at most
 * (1 + L + C) d for a share move d (L the larger list share, C =
 * EM_CONFLICT_COST), the common-name factor by d more; the weak-alias
 * factor, the qualifiers (added constants), the clamp to [0, 1] and the best
 * of several names do not amplify. So a score moves by at most
 * (2 + L + C) spread / (1 - spread), plus EM_DRIFT_EPSILON for float
 * rounding. tests/unit/test_drift.c checks the bound against the scores
 * themselves before and after a change.
 *
 * A delta keeps results down to a band below the threshold, so it can check
 * a stored score only against a bound within that band. The tokens that can
 * take a pair beyond it are *strong* (em_drift_strong): ranked by r_t, the
 * least moved ones are weak as long as all of them together in one pair stay
 * under the band, so a pair beyond it holds a strong token, and the delta
 * searches with the listed entities that hold one and screens the records
 * that hold one.
 *
 * What the bound does not cover: the matcher's two discrete choices, which
 * names are aligned at all (retrieval: the bounded candidate heap and the
 * floor, search.c) and the greedy order of equally strong pairs (align.c).
 * A weight that moves by r can change either only for a candidate already
 * within a few r of the floor, or for pairs tied within r: both far from a
 * score that decides an alert.
 */
#include "match/drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/hmap.h"
#include "index/smap.h"
#include "match/matcher_internal.h"
#include "match/weights.h"

/* float rounding of weights and scores, and a stored score's precision */
#define EM_DRIFT_EPSILON 1e-4

typedef struct pending {
    char *name;
    int kind, sign;
} pending;

struct em_drift {
    EM_VEC(pending) names;
    long long dnames; /* names after - names before */
    em_hmap ddf;      /* token -> df after - df before (int64 in u64) */
    em_hmap rho;      /* touched token -> relative weight move (double bits) */
    em_hmap cache;    /* entity/record id -> bound (double bits) */
    double rg;
    int ok;
};

static double as_double(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static uint64_t as_u64(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static void set_free(void *p);

em_drift *em_drift_new(em_error *err) {
    (void)err;
    em_drift *d = em_xcalloc(1, sizeof *d);
    em_hmap_init(&d->ddf);
    em_hmap_init(&d->rho);
    em_hmap_init(&d->cache);
    return d;
}

void em_drift_free(em_drift *d) {
    if (!d) return;
    for (size_t i = 0; i < d->names.len; i++)
        free(d->names.items[i].name);
    free(d->names.items);
    em_hmap_free(&d->ddf, NULL);
    em_hmap_free(&d->rho, NULL);
    em_hmap_free(&d->cache, set_free);
    free(d);
}

void em_drift_add_entity(em_drift *d, const em_entity *e, int sign) {
    int kind = e->schema && strcmp(e->schema, EM_SCHEMA_PERSON) == 0 ? EM_KIND_PERSON : EM_KIND_ORG;
    for (size_t i = 0; i < e->names.len; i++) {
        pending p = {em_xstrdup(e->names.items[i].full), kind, sign};
        em_vec_push(d->names, p);
    }
}

/* the weight a token of df names has among n names (search.c part_weight, before
   the minor-part factor, which a relative move does not see) */
static double weight(double df, double n, double dfmin) {
    double w = log(1.0 + n / (df > 0 ? df : dfmin));
    return w < EM_MIN_PART_WEIGHT ? EM_MIN_PART_WEIGHT : w;
}

/* D of a spread of relative weight moves: see the design note */
static double bound(double spread) {
    if (spread >= 0.5) return 2.0; /* more than any score can move: everything */
    double share =
        EM_ORG_LIST_SHARE > EM_PERSON_LIST_SHARE ? EM_ORG_LIST_SHARE : EM_PERSON_LIST_SHARE;
    return (2.0 + share + EM_CONFLICT_COST) * spread / (1.0 - spread) + EM_DRIFT_EPSILON;
}

int em_drift_finish(em_drift *d, const em_matcher *now) {
    if (!now || !now->h) return -1;
    em_normalizer *norm = em_normalizer_new(NULL);
    if (!norm) return -1;
    /* df changes: a name counts once per token, as the snapshot's postings do */
    for (size_t i = 0; i < d->names.len; i++) {
        const pending *p = &d->names.items[i];
        em_name_tokens nt;
        em_tokenize_name(norm, now->k, p->name, p->kind, &nt);
        if (nt.len) d->dnames += p->sign;
        for (size_t j = 0; j < nt.len; j++) {
            int dup = 0;
            for (size_t k = 0; k < j && !dup; k++)
                dup = strcmp(nt.items[k].text, nt.items[j].text) == 0;
            if (dup) continue;
            em_hmap_entry *e = em_hmap_inserts(&d->ddf, nt.items[j].text, NULL);
            e->val.u64 = (uint64_t)((int64_t)e->val.u64 + p->sign);
        }
        em_name_tokens_free(&nt);
    }
    em_normalizer_free(norm);
    double n1 = now->h->n_names, n0 = n1 - (double)d->dnames;
    if (n0 < 1 || n1 < 1) return -1;
    /* max_idf = log(1 + N / the smallest df): it moves like an untouched weight
       when a token the change did not touch has the smallest df, before and after */
    uint32_t dfmin = UINT32_MAX;
    for (uint32_t t = 0; t < now->h->n_tokens; t++)
        if (now->tokens[t].df && now->tokens[t].df < dfmin) dfmin = now->tokens[t].df;
    int untouched_min = 0;
    for (uint32_t t = 0; t < now->h->n_tokens && !untouched_min; t++) {
        const snap_token *tk = &now->tokens[t];
        em_hmap_entry *e = tk->df == dfmin ? em_hmap_finds(&d->ddf, now->strings + tk->str) : NULL;
        untouched_min = tk->df == dfmin && (!e || e->val.u64 == 0);
    }
    if (!untouched_min) return -1;
    double lo = n0 < n1 ? n0 : n1, hi = n0 < n1 ? n1 : n0;
    /* (x/(1 + x)) / log(1 + x) is largest, 1 - 1/e, where the floor starts */
    d->rg = (1.0 - exp(-1.0)) * fabs(n1 - n0) * hi / (lo * lo);
    for (size_t i = 0; i < d->ddf.entries.len; i++) {
        const em_hmap_entry *e = &d->ddf.entries.items[i];
        int64_t delta = (int64_t)e->val.u64;
        if (!delta) continue;
        uint32_t n = 0;
        const uint32_t *v = em_smap_get(&now->vocab, e->key, &n);
        double df1 = n ? now->tokens[v[0]].df : 0, df0 = df1 - (double)delta;
        /* counts that disagree with the lists, or a token rarer than any now */
        if (df0 < 0 || (df0 > 0 && df0 < dfmin)) return -1;
        double w0 = weight(df0, n0, dfmin), w1 = weight(df1, n1, dfmin);
        double r = fabs(w1 - w0) / (w0 < w1 ? w0 : w1);
        em_hmap_inserts(&d->rho, e->key, NULL)->val.u64 = as_u64(r);
    }
    d->ok = 1;
    return 0;
}

double em_drift_global(const em_drift *d) {
    return bound(d->rg);
}

double em_drift_max(const em_drift *d) {
    double sum = d->rg;
    for (size_t i = 0; i < d->rho.entries.len; i++)
        sum += as_double(d->rho.entries.items[i].val.u64);
    return bound(sum);
}

size_t em_drift_touched(const em_drift *d) {
    return d->rho.entries.len;
}

/* The touched tokens a side's scores involve: the indices (into d->rho's
   entries, which stay put once finished) of its tokens that were touched, and of
   touched tokens held inside one of its tokens (a part the matcher may split, or
   glue). */
typedef struct side_set {
    size_t n;
    uint32_t idx[];
} side_set;

typedef EM_VEC(uint32_t) u32vec;

static void set_add(u32vec *v, uint32_t i) {
    for (size_t k = 0; k < v->len; k++)
        if (v->items[k] == i) return;
    em_vec_push(*v, i);
}

static void token_touched(const em_drift *d, const char *tok, u32vec *v) {
    em_hmap_entry *e = em_hmap_finds(&d->rho, tok);
    if (e) {
        set_add(v, (uint32_t)(e - d->rho.entries.items));
        return;
    }
    size_t tl = strlen(tok);
    for (size_t i = 0; i < d->rho.entries.len; i++) {
        const em_hmap_entry *t = &d->rho.entries.items[i];
        if (t->klen < tl && strstr(tok, t->key)) set_add(v, (uint32_t)i);
    }
}

static char NOT_HELD; /* the cache's mark of an id the matcher does not hold */

static void set_free(void *p) {
    if (p != &NOT_HELD) free(p);
}

/* the touched tokens of entity id of m (cached per id); NULL when m does not hold it */
static const side_set *side(em_drift *d, const em_matcher *m, const char *id) {
    em_hmap_entry *c = em_hmap_finds(&d->cache, id);
    if (c) return c->val.ptr == &NOT_HELD ? NULL : c->val.ptr;
    em_smap by_id;
    uint32_t n = 0;
    const uint32_t *v = NULL;
    if (m && m->h &&
        em_smap_open(&by_id, (const char *)m->map + m->h->sec[SEC_BY_ID].off,
                     m->h->sec[SEC_BY_ID].len, m->strings) == 0)
        v = em_smap_get(&by_id, id, &n);
    side_set *s = NULL;
    if (n && v[0] < m->h->n_entities) {
        u32vec got = {0};
        const snap_entity *e = &m->entities[v[0]];
        for (uint32_t k = 0; k < e->name_count; k++) {
            const snap_name *nm = &m->names[e->name_first + k];
            for (uint32_t t = 0; t < nm->tok_count; t++)
                token_touched(d, m->strings + m->tokens[m->name_tokens[nm->tok_first + t]].str,
                              &got);
        }
        s = em_xmalloc(sizeof *s + got.len * sizeof *s->idx);
        s->n = got.len;
        if (got.len) memcpy(s->idx, got.items, got.len * sizeof *s->idx);
        free(got.items);
    }
    em_hmap_inserts(&d->cache, id, NULL)->val.ptr = s ? (void *)s : (void *)&NOT_HELD;
    return s;
}

double em_drift_pair(em_drift *d, const em_matcher *lists, const char *eid, const em_matcher *reg,
                     const char *rid) {
    /* an id a matcher does not hold (gone meanwhile): its scores are not known to
       move little */
    const side_set *a = side(d, lists, eid), *b = reg ? side(d, reg, rid) : NULL;
    if (!a || (reg && !b)) return 2.0;
    /* the moves of the pair's distinct touched tokens add up to its spread */
    double sum = d->rg;
    for (size_t i = 0; i < a->n; i++)
        sum += as_double(d->rho.entries.items[a->idx[i]].val.u64);
    for (size_t j = 0; b && j < b->n; j++) {
        int dup = 0;
        for (size_t i = 0; i < a->n && !dup; i++)
            dup = a->idx[i] == b->idx[j];
        if (!dup) sum += as_double(d->rho.entries.items[b->idx[j]].val.u64);
    }
    return bound(sum);
}

typedef struct ranked {
    double r;
    const char *token;
} ranked;

static int by_r(const void *x, const void *y) {
    double a = ((const ranked *)x)->r, b = ((const ranked *)y)->r;
    return a < b ? -1 : a > b;
}

void em_drift_strong(const em_drift *d, double band, void (*fn)(void *ctx, const char *token),
                     void *ctx) {
    /* the spread whose bound is `band` */
    double share =
        EM_ORG_LIST_SHARE > EM_PERSON_LIST_SHARE ? EM_ORG_LIST_SHARE : EM_PERSON_LIST_SHARE;
    double k = 2.0 + share + EM_CONFLICT_COST, b = band - EM_DRIFT_EPSILON;
    double limit = b > 0 ? b / (k + b) : 0;
    /* the least moved tokens are weak while even all of them together, in one pair,
       stay under the limit; a pair over it then holds a strong one */
    size_t n = d->rho.entries.len;
    ranked *v = em_xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (ranked){as_double(d->rho.entries.items[i].val.u64), d->rho.entries.items[i].key};
    qsort(v, n, sizeof *v, by_r);
    double sum = d->rg;
    size_t i = 0;
    while (i < n && sum + v[i].r < limit)
        sum += v[i++].r;
    for (; i < n; i++)
        fn(ctx, v[i].token);
    free(v);
}

void em_matcher_token_entities(const em_matcher *m, const char *token,
                               void (*fn)(void *ctx, const char *id), void *ctx) {
    if (!m || !m->h) return;
    uint32_t n = 0;
    const uint32_t *v = em_smap_get(&m->vocab, token, &n);
    if (!n) return;
    const snap_token *t = &m->tokens[v[0]];
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < t->post_count; i++) {
        uint32_t ent = m->names[m->postings[t->post_first + i]].entity;
        if (ent == last) continue; /* names of one entity are adjacent */
        last = ent;
        fn(ctx, m->strings + m->entities[ent].id);
    }
}
