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
 * plus the two largest r_t among the tokens of both sides (em_drift_pair).
 * The name score qcov (1 - L + L ccov) - C conflict then moves by at most
 * (1 + L + C) d for a share move d (L the larger list share, C =
 * EM_CONFLICT_COST), the common-name factor by d more; the weak-alias
 * factor, the qualifiers (added constants), the clamp to [0, 1] and the best
 * of several names do not amplify. So a score moves by at most
 * (2 + L + C) spread / (1 - spread), plus EM_DRIFT_EPSILON for float
 * rounding. tests/unit/test_drift.c checks the bound against the scores
 * themselves before and after a change.
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
    double rg, max_rho;
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
    em_hmap_free(&d->cache, NULL);
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

/* the spread of the moves of a pair's weights, from the largest two moves of its
   touched tokens (each may go either way) and the untouched ones' */
static double spread(double rg, double r1, double r2) {
    return rg + r1 + r2;
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
    d->max_rho = 0;
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
        if (r > d->max_rho) d->max_rho = r;
    }
    d->ok = 1;
    return 0;
}

double em_drift_global(const em_drift *d) {
    return bound(spread(d->rg, 0, 0));
}

double em_drift_max(const em_drift *d) {
    return bound(spread(d->rg, d->max_rho, d->max_rho));
}

size_t em_drift_touched(const em_drift *d) {
    return d->rho.entries.len;
}

/* r of one token of a side: a touched token's, or, for a token that holds a
   touched token inside it (a part the matcher may split, or glue), that one's */
static double token_rho(const em_drift *d, const char *tok) {
    double r = 0;
    em_hmap_entry *e = em_hmap_finds((em_hmap *)&d->rho, tok);
    if (e) return as_double(e->val.u64);
    size_t tl = strlen(tok);
    for (size_t i = 0; i < d->rho.entries.len; i++) {
        const em_hmap_entry *t = &d->rho.entries.items[i];
        if (t->klen < tl && strstr(tok, t->key)) {
            double x = as_double(t->val.u64);
            if (x > r) r = x;
        }
    }
    return r;
}

/* the largest two moves of the touched tokens of entity id of m (packed as two
   floats; cached per id); 0 when m does not hold the id */
static int side(em_drift *d, const em_matcher *m, const char *id, float r[2]) {
    em_hmap_entry *c = em_hmap_finds(&d->cache, id);
    if (c) {
        memcpy(r, &c->val.u64, sizeof(float) * 2);
        return r[0] >= 0;
    }
    r[0] = r[1] = 0;
    em_smap by_id;
    uint32_t n = 0;
    const uint32_t *v = NULL;
    if (m && m->h &&
        em_smap_open(&by_id, (const char *)m->map + m->h->sec[SEC_BY_ID].off,
                     m->h->sec[SEC_BY_ID].len, m->strings) == 0)
        v = em_smap_get(&by_id, id, &n);
    if (n && v[0] < m->h->n_entities) {
        const snap_entity *e = &m->entities[v[0]];
        for (uint32_t k = 0; k < e->name_count; k++) {
            const snap_name *nm = &m->names[e->name_first + k];
            for (uint32_t t = 0; t < nm->tok_count; t++) {
                const snap_token *tk = &m->tokens[m->name_tokens[nm->tok_first + t]];
                float x = (float)token_rho(d, m->strings + tk->str);
                if (x > r[0]) {
                    r[1] = r[0];
                    r[0] = x;
                } else if (x > r[1]) {
                    r[1] = x;
                }
            }
        }
    } else {
        r[0] = r[1] = -1;
    }
    memcpy(&em_hmap_inserts(&d->cache, id, NULL)->val.u64, r, sizeof(float) * 2);
    return r[0] >= 0;
}

double em_drift_pair(em_drift *d, const em_matcher *lists, const char *eid, const em_matcher *reg,
                     const char *rid) {
    float a[2] = {0, 0}, b[2] = {0, 0};
    /* an id a matcher does not hold (gone meanwhile): its scores are not known to
       move little */
    if (!side(d, lists, eid, a)) return 2.0;
    if (reg && !side(d, reg, rid, b)) return 2.0;
    float top[4] = {a[0], a[1], b[0], b[1]};
    float r1 = 0, r2 = 0;
    for (int i = 0; i < 4; i++) {
        if (top[i] > r1) {
            r2 = r1;
            r1 = top[i];
        } else if (top[i] > r2) {
            r2 = top[i];
        }
    }
    return bound(spread(d->rg, r1, r2));
}

void em_drift_strong(const em_drift *d, double band, void (*fn)(void *ctx, const char *token),
                     void *ctx) {
    for (size_t i = 0; i < d->rho.entries.len; i++) {
        const em_hmap_entry *e = &d->rho.entries.items[i];
        double r = as_double(e->val.u64);
        if (bound(spread(d->rg, r, r)) >= band) fn(ctx, e->key);
    }
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
