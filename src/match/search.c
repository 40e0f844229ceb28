/*
 * search.c - screening one party against the snapshot (em_search), and the
 * pair comparison (em_compare). Every weight named here is in weights.h.
 *
 * The query name is normalised into parts (text/tokens.c: Latin, lower case,
 * honorifics dropped, particles and legal forms flagged). Each part weighs
 * its IDF in the lists, log(1 + names / names with the token), at least
 * EM_MIN_PART_WEIGHT; a part no listed name has weighs as much as the rarest
 * token; particles, legal forms and numbers weigh EM_MINOR_WEIGHT of that.
 * Weights are what make "Ali" or "Bank" say little and "Khatib" a lot.
 *
 * Retrieval. A query cannot be aligned with every listed name, so candidates
 * come from the snapshot's postings (token -> names): per query part, its
 * exact token, the tokens of its transliteration-variant group, of its
 * consonant skeleton and, only for parts no listed name spells this way, its
 * one-edit typo neighbours (a deletion index); a part written by its sounds or
 * in Arabic script also by its phonetic key, and an Arabic-script one by the
 * skeletons of its other Latin spellings (ج as dj, ش as ch); then two adjacent
 * parts glued (only into listed parts align.c can join them with) and an
 * unknown part split in two. Each posting adds the part's weight x an
 * estimate of the similarity the aligner will find (EM_EST_*) to the name's
 * evidence, once per part: the first, strongest, kind of posting counts.
 * Parts are probed weightiest first; only the two weightiest retrieve through
 * common tokens (in more than EM_COMMON_DF_SHARE of names), since their long
 * postings carry little evidence and a query with a rare part reaches its
 * candidates through it anyway. Each posting's estimate is lowered a little
 * for each edit between its token and the query part, so the nearest of the
 * spellings a probe reaches alike count most. The EM_MAX_CANDIDATES names
 * with the most evidence are kept (a bounded heap; ties to the lower name
 * id), and of those only the ones whose evidence reaches a floor share of
 * the query's weight, set by the threshold asked for (EM_FLOOR_*), are
 * aligned. The postings that cannot change which names those are are not
 * read (blocks of name ids and MaxScore against that floor, lossless: the
 * design note under "retrieval" below).
 *
 * Scoring. Each candidate name is aligned with the query part by part
 * (align.c: one-to-one, order-free, exact / variant / skeleton / typo /
 * initial / glued / nickname, with the costs of parts left over). Then the
 * common-name rule: when the matched evidence (similarity x weight) is below
 * EM_MASS_SHARE of the rarest token's weight, the score shrinks in
 * proportion, so that a common given name alone, matched perfectly, does not
 * alert. A weak alias scores x EM_WEAK_ALIAS_FACTOR. Each entity keeps its
 * best name. The qualifiers then add their effects to that name score
 * (schema, birth date, country, gender: EM_Q_*; several query birth dates or
 * countries count once, the best decides), clamped to [0, 1].
 *
 * Identifiers are matched exactly (normalised keys, index/identifiers.c) and
 * score EM_IDENTIFIER_SCORE whatever the name; an entity found both ways
 * keeps the identifier's score and the name's explanation.
 *
 * Results are sorted by score, cut at the threshold (or, with `all`, the
 * cutoff) and the limit, and only those returned are explained (explain.c):
 * the explanation is C data on the result, rendered once as text and JSON. A
 * weak query name (em_query.weak_name) scales each name result's score by
 * EM_WEAK_ALIAS_FACTOR after that cut, so such a result may come back with
 * match = 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/bigmem.h"
#include "base/error.h"
#include "base/vec.h"
#include "index/dates.h"
#include "index/identifiers.h"
#include "match/align.h"
#include "match/explain.h"
#include "match/matcher_internal.h"
#include "match/org.h"
#include "match/search_internal.h"
#include "match/results.h"
#include "match/weights.h"
#include "text/arabic.h"
#include "text/readings.h"

/* the retrieval plan (see "retrieval" below) */
typedef struct plan_list {
    const uint32_t *post;
    uint32_t n;
    uint32_t token; /* the listed token it is the postings of, UINT32_MAX for another list */
    uint32_t ci;    /* what one of its postings adds (fixed point, EVIDENCE_ONE) */
} plan_list;

typedef struct plan_seg {
    uint32_t first, nlists; /* its posting lists in the plan's lists */
    float c;                /* the part's weight x the estimate of this kind of posting */
    uint32_t ci;            /* the most one of its postings adds: its first list's ci */
    int qi;                 /* the evidence slot */
} plan_seg;

typedef struct plan_unit {
    int key;              /* the slot (both halves of a split part: one key) */
    uint32_t first, nseg; /* its segments */
    uint32_t ub;          /* the most it adds to one name (in the block being read) */
} plan_unit;

/* a name and its evidence */
typedef struct ranked {
    uint32_t name, acc;
} ranked;

/* What a search knows of one listed name, in one place so that a posting read
   touches one cache line of it: its evidence (acc, fixed point: the exhaustive
   run's sum, the pruned run's lower bound, then exact for the names chosen from),
   the plan segments holding it (mask, pruned run) and the slot of the last probe
   that held it (lastq, exhaustive run). The array is on huge pages (bigmem.h):
   postings reach it at random. */
typedef struct name_state {
    uint64_t mask;
    uint32_t acc;
    int8_t lastq;
} name_state;

struct em_searcher {
    const em_matcher *m;
    em_normalizer *norm;
    name_state *st; /* per listed name, zero (lastq -1) between searches (bigmem.h) */
    size_t nst;
    uint32_t *touched;
    size_t ntouched;
    EM_VEC(plan_list) lists;
    EM_VEC(plan_seg) segs;
    EM_VEC(plan_unit) units;
    EM_VEC(uint32_t) cand;   /* the names to align, in id order */
    EM_VEC(ranked) picked;   /* a run's (a block's) choice */
    EM_VEC(ranked) best;     /* the blocks' choice so far */
    EM_VEC(plan_list) whole; /* the plan's lists while a block is read */
    EM_VEC(uint32_t) cursor; /* where each list's next block starts */
    EM_VEC(uint32_t) lb;
    EM_VEC(uint32_t) scratch;
    EM_VEC(uint32_t) scratch_ids;
    EM_VEC(uint32_t) acro;        /* the names the query's acronyms found (retrieve_acronyms) */
    EM_VEC(uint32_t) sound_names; /* the names the whole query's sound found */
    int exhaustive;
    uint32_t block_postings;    /* 0: PRUNE_BLOCK_POSTINGS (a test's knob) */
    uint64_t blocked_runs;      /* searches read in more than one block */
    uint64_t peq[256];          /* plan_closeness: a query part's letter masks, 0 between */
    uint8_t times[EM_PART_MAX]; /* retrieve: how many query parts part i's lists stand for */
    /* probes take only tokens of len_lo..len_hi letters (a glued pair: the lengths the
       aligner joins, EM_JOINED_LEN_SLACK); 0..UINT16_MAX otherwise */
    uint16_t len_lo, len_hi;
    uint64_t postings_read;
    uint64_t names_aligned;
    em_simcache cache;
};

typedef struct hit {
    uint32_t entity, name;
    float score, name_score;
    em_alignment al;
    int by_identifier;
    const char *identifier;
} hit;

em_searcher *em_searcher_new(const em_matcher *m, em_error *err) {
    em_searcher *s = em_xcalloc(1, sizeof *s);
    s->m = m;
    s->len_hi = UINT16_MAX;
    s->norm = em_normalizer_new(err);
    if (!s->norm) {
        free(s);
        return NULL;
    }
    size_t n = m->h ? m->h->n_names : 0;
    s->nst = n ? n : 1;
    s->st = em_bigmem_alloc(s->nst * sizeof *s->st);
    for (size_t i = 0; i < n; i++)
        s->st[i].lastq = -1;
    s->touched = em_xmalloc((n ? n : 1) * sizeof *s->touched);
    return s;
}

void em_searcher_set_exhaustive(em_searcher *s, int on) {
    s->exhaustive = on != 0;
}

void em_searcher_set_block_postings(em_searcher *s, uint32_t n) {
    s->block_postings = n;
}

uint64_t em_searcher_blocked_runs(const em_searcher *s) {
    return s->blocked_runs;
}

uint64_t em_searcher_postings_read(const em_searcher *s) {
    return s->postings_read;
}

uint64_t em_searcher_names_aligned(const em_searcher *s) {
    return s->names_aligned;
}

void em_searcher_free(em_searcher *s) {
    if (!s) return;
    em_normalizer_free(s->norm);
    em_bigmem_free(s->st, s->nst * sizeof *s->st);
    free(s->touched);
    em_vec_free(s->lists);
    em_vec_free(s->segs);
    em_vec_free(s->units);
    em_vec_free(s->cand);
    em_vec_free(s->picked);
    em_vec_free(s->best);
    em_vec_free(s->whole);
    em_vec_free(s->cursor);
    em_vec_free(s->lb);
    em_vec_free(s->scratch);
    em_vec_free(s->scratch_ids);
    em_vec_free(s->acro);
    em_vec_free(s->sound_names);
    free(s);
}

/* ---- parts ---------------------------------------------------------------- */

static float part_weight(const em_matcher *m, uint32_t vocab, unsigned flags) {
    float w;
    if (!m->h)
        w = EM_NO_IDF_WEIGHT;
    else if (vocab == UINT32_MAX)
        w = m->max_idf;
    else
        w = m->tokens[vocab].idf;
    if (m->h && w < EM_MIN_PART_WEIGHT) w = EM_MIN_PART_WEIGHT;
    if (flags & (EM_TOK_PARTICLE | EM_TOK_LEGAL | EM_TOK_NUMBER)) w *= EM_MINOR_WEIGHT;
    return w;
}

static size_t query_parts(const em_matcher *m, const em_name_tokens *nt, em_part *p) {
    for (size_t i = 0; i < nt->len; i++) {
        const em_token *t = &nt->items[i];
        uint32_t n = 0;
        const uint32_t *v = m->h ? em_smap_get(&m->vocab, t->text, &n) : NULL;
        p[i] = (em_part){
            t->text, t->skel, t->group, n ? v[0] : UINT32_MAX, t->len, (uint16_t)t->flags, 0};
        p[i].w = part_weight(m, p[i].vocab, t->flags);
    }
    return nt->len;
}

static size_t name_parts(const em_matcher *m, uint32_t name, em_part *p) {
    const snap_name *n = &m->names[name];
    size_t k = n->tok_count < EM_PART_MAX ? n->tok_count : EM_PART_MAX;
    for (size_t i = 0; i < k; i++) {
        uint32_t id = m->name_tokens[n->tok_first + i];
        const snap_token *t = &m->tokens[id];
        p[i] =
            (em_part){m->strings + t->str, m->strings + t->skel, t->group, id, t->len, t->flags, 0};
        p[i].w = part_weight(m, id, t->flags);
    }
    return k;
}

/* ---- retrieval ------------------------------------------------------------ */

/*
 * Retrieval runs in two steps: the probes of the query (retrieve() below) only
 * write down the posting lists they would read, in their order, into a plan;
 * then the plan is run, exhaustively or pruned. Both give the same candidates.
 *
 * The plan. Each probe is (slot qi, contribution c = part weight x EM_EST_*,
 * the token's posting list). Consecutive probes of one slot with the same c
 * form a segment; consecutive segments of one slot form a unit, except that
 * a split part's two halves (slots 2M+i and 3M+i, probed in turn) form one
 * unit together. No slot appears in two units. (An organisation query's
 * acronyms add, per part, the sorted names they found as one more list,
 * slot 4M+i: retrieve_acronyms.) Each list then counts for how near its
 * token is to the query part (plan_closeness: c less EM_EST_EDIT_COST per
 * edit), and a segment's lists go the nearest first. What a posting adds is
 * its list's ci, c in fixed point (EVIDENCE_ONE = 1.0): evidence is a sum of
 * integers, the same in any order, so that bounds are exact.
 *
 * What a name's evidence is (the exhaustive run, the reference). Walking the
 * probes in order, a posting of name n adds its list's ci to acc[n] unless
 * the last probe that held n was of the same slot (lastq[n]): so a unit adds
 * the ci of its first list holding n (a split unit may add several times, as
 * its slots alternate). The candidates are the EM_MAX_CANDIDATES (K) names
 * with the most evidence, ties to the lower name id, of those the ones whose
 * evidence reaches the floor, aligned in name-id order. A total order, so
 * that which names are kept does not depend on how many others were looked
 * at; and one that follows the name ids, so that the names can be looked at
 * in blocks of ids (below). (Before, ties went to the name the probes reached
 * first, the first plan list holding it: the list order within a segment, an
 * accident of the maps. The nearest token first is the same idea made a
 * rule; bench/run_quality.sh, docs/QUALITY.md, has what it changed.)
 *
 * The bound (the pruned run's design note). A unit can add to one name at
 * most ub = the largest ci of its lists (a split unit: the sum of its
 * segments' largest), taken over the lists with a posting in the block being
 * read. Where c comes from: c = w x est, w the part's IDF weight
 * (part_weight: at least EM_MIN_PART_WEIGHT, x EM_MINOR_WEIGHT for
 * particles, legal forms, numbers; a glued pair weighs the sum of its two
 * parts, a split half half its part) and est the retrieval estimate of the
 * kind of posting (EM_EST_EXACT 1 >= VARIANT >= SKELETON >= TYPO >=
 * TYPO_SUB; SPLIT), less the closeness. acc is only ever a sum of such ci's,
 * so acc[n] <= the sum of ub over the units whose postings hold n. The score
 * the aligner gives (align.c) is not the bound's business: the aligner only
 * sees the names retrieval hands it, and those are the same names.
 *
 * Blocks. A plan of more than PRUNE_BLOCK_POSTINGS postings is read in
 * blocks of name ids, in id order (at most PRUNE_MAX_BLOCKS; each list's
 * part in a block found by a galloping search from where the last block
 * ended). The K best so far are kept; since ties go to the lower id, a name
 * of a later block is a candidate only if its evidence is above the worst of
 * those K: that, + 1, is the block's floor. A query of common parts only
 * (three of the commonest given names) has thousands of names of the best
 * evidence: once K of them are found, the floor is above what any unit can
 * add, and the rest of the postings are not read at all; in general, the
 * floor rises to near the best evidence, and in each later block only the
 * units a name must have are read whole (MaxScore, below).
 *
 * MaxScore, in one block. The units are ordered by how many postings they
 * have in the block for each unit of their bound (fewest first) and read
 * whole in that order (each name's segments kept as a bit mask: segment k is
 * bit k, so at most 64 segments; a bigger plan runs exhaustively), until the
 * ub of the units left sums below theta: then a name none of the units read
 * holds cannot be a candidate, and the rest of the postings are read only
 * for the names already seen. So the lists read whole are the cheapest that
 * can find every candidate: when a name must have all of "hussein",
 * "mohammed" and "ali" to beat the floor, only the shortest of the three is
 * read whole. theta is the block's floor, or the K-th largest lower bound
 * when more than K names were seen (K names will have at least that much),
 * whichever is higher. A name's lower bound is the evidence of the units
 * read for it (units are independent: their slots differ), added up as each
 * unit is read (seg_adds: what run_exhaustive would count), its upper bound
 * that + the ub of every unit not read for it; a name whose upper bound is
 * below theta cannot be a candidate and is dropped. The units left are then
 * read, the weightiest first, only for the names left: a list much longer
 * than those names is searched for them (sorted ids against the sorted
 * postings, galloping: O(names x log(postings / names)) instead of the whole
 * list), a shorter one scanned; the bounds tightened and theta raised after
 * each unit. Once no more than K names are left (and the block is the only
 * one), every one of them is a candidate if its evidence reaches the floor,
 * so a unit is read only for the names whose lower bound is still under it,
 * and no more at all when there are none; with several blocks every unit is
 * read for the names left, whose exact evidence the blocks' choice compares.
 */

#define PRUNE_MAX_SEGS 64
/* evidence in fixed point: 1.0 is this much (so sums are exact in any order) */
#define EVIDENCE_ONE 65536.0f
/* a plan of more postings than this is read in blocks of name ids, one block per
   this many postings, at most PRUNE_MAX_BLOCKS */
#define PRUNE_BLOCK_POSTINGS 4096u
#define PRUNE_MAX_BLOCKS 64u
/* a list at most this many times longer than the names it is read for is scanned */
#define PRUNE_SCAN_RATIO 8u
/* how many postings ahead a whole list's read asks for its names' state */
#define PRUNE_PREFETCH 16u
/* asks for p[ids[i + PRUNE_PREFETCH]] ahead of a gather over ids[0..n) */
#define PREFETCH_AHEAD(p, ids, i, n)                                                               \
    do {                                                                                           \
        if ((i) + PRUNE_PREFETCH < (n)) __builtin_prefetch(&(p)[(ids)[(i) + PRUNE_PREFETCH]], 1);  \
    } while (0)

/* c in fixed point, at least 1 (a posting always adds something) */
static uint32_t evidence_fixed(float c) {
    float x = c * EVIDENCE_ONE + 0.5f;
    return x < 1 ? 1 : x > 1e9f ? 1000000000u : (uint32_t)x;
}

static int unit_key(int qi) {
    return qi < 2 * EM_PART_MAX || qi >= 4 * EM_PART_MAX ? qi : 2 * EM_PART_MAX + qi % EM_PART_MAX;
}

static int cmp_u32(const void *a, const void *b);

/* Appends a sorted list of names to the plan (the postings of token, or
   UINT32_MAX), each adding c to slot qi. */
static void plan_list_add(em_searcher *s, const uint32_t *names, uint32_t n, float c, int qi,
                          uint32_t token) {
    plan_seg *g = s->segs.len ? &s->segs.items[s->segs.len - 1] : NULL;
    if (!g || g->qi != qi || g->c != c) {
        int key = unit_key(qi);
        if (!s->units.len || s->units.items[s->units.len - 1].key != key) {
            plan_unit *u = em_vec_add(s->units);
            u->key = key;
            u->first = (uint32_t)s->segs.len;
        }
        g = em_vec_add(s->segs);
        g->first = (uint32_t)s->lists.len;
        g->qi = qi;
        g->c = c;
        g->ci = evidence_fixed(c);
        g->nlists = 0;
        s->units.items[s->units.len - 1].nseg++;
    }
    plan_list l = {names, n, token, g->ci};
    em_vec_push(s->lists, l);
    g->nlists++;
}

/* The Levenshtein distance of the pattern whose letter masks are peq (m letters,
   1..64) and t[0..n): Myers' bit-parallel algorithm, a few operations a letter. */
static int pattern_distance(const uint64_t *peq, size_t m, const char *t, size_t n) {
    uint64_t pv = m == 64 ? ~0ull : (1ull << m) - 1, mv = 0, top = 1ull << (m - 1);
    int d = (int)m;
    for (size_t j = 0; j < n; j++) {
        uint64_t eq = peq[(unsigned char)t[j]];
        uint64_t xv = eq | mv;
        uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        uint64_t ph = mv | ~(xh | pv);
        uint64_t mh = pv & xh;
        if (ph & top)
            d++;
        else if (mh & top)
            d--;
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    return d;
}

/* The plan's postings count for how close their listed token is to what the query
   part (a glued pair: the two glued) was looked for as: c x (1 - EM_EST_EDIT_COST
   per edit, up to EM_EST_MAX_EDITS), so that of the tokens a probe reached alike
   (a transliteration group, a skeleton) the nearest spellings bring the most
   evidence ("bshar" reaches Bashar before Bashir). Then each segment's lists go the
   closest first (the first list holding a name is the one its evidence comes from)
   and the segment's ci is its first list's. */
static void plan_closeness(em_searcher *s, const em_part *q, size_t nq) {
    const em_matcher *m = s->m;
    char glued[128];
    /* the tokens' letters are a cache miss each: asked for all at once first (a part's
       own token is at no distance, its letters not needed) */
    for (size_t i = 0; i < s->lists.len; i++) {
        uint32_t tk = s->lists.items[i].token;
        if (tk != UINT32_MAX) __builtin_prefetch(m->strings + m->tokens[tk].str);
    }
    for (size_t gi = 0; gi < s->segs.len; gi++) {
        plan_seg *g = &s->segs.items[gi];
        const char *qt = NULL;
        size_t ql = 0;
        if (g->qi < EM_PART_MAX && (size_t)g->qi < nq) {
            qt = q[g->qi].text;
            ql = q[g->qi].len;
        } else if (g->qi >= EM_PART_MAX && g->qi < 2 * EM_PART_MAX &&
                   (size_t)(g->qi - EM_PART_MAX) + 1 < nq) {
            const em_part *a = &q[g->qi - EM_PART_MAX], *b = a + 1;
            if ((size_t)a->len + b->len < sizeof glued) {
                memcpy(glued, a->text, a->len);
                memcpy(glued + a->len, b->text, b->len);
                qt = glued;
                ql = (size_t)a->len + b->len;
            }
        }
        if (!qt || ql == 0 || ql > 64) continue;
        for (size_t i = 0; i < ql; i++)
            s->peq[(unsigned char)qt[i]] |= 1ull << i;
        plan_list *ls = s->lists.items + g->first;
        for (uint32_t li = 0; li < g->nlists; li++) {
            if (ls[li].token == UINT32_MAX) continue;
            /* the part's own token: at no distance, its ci the segment's already */
            if (g->qi < EM_PART_MAX && ls[li].token == q[g->qi].vocab) continue;
            const snap_token *t = &m->tokens[ls[li].token];
            int d = pattern_distance(s->peq, ql, m->strings + t->str, t->len);
            if (d > EM_EST_MAX_EDITS) d = EM_EST_MAX_EDITS;
            ls[li].ci = evidence_fixed(g->c * (1 - EM_EST_EDIT_COST * (float)d));
        }
        for (size_t i = 0; i < ql; i++)
            s->peq[(unsigned char)qt[i]] = 0;
        /* the closest first, stable */
        for (uint32_t i = 1; i < g->nlists; i++) {
            plan_list x = ls[i];
            uint32_t j = i;
            for (; j > 0 && ls[j - 1].ci < x.ci; j--)
                ls[j] = ls[j - 1];
            ls[j] = x;
        }
        if (g->nlists) g->ci = ls[0].ci;
    }
}

/* A part's lists stand for its other writings too (retrieve: s->times): what one of
   their postings adds is counted as many times, as each writing's slot would add it. */
static void plan_times(em_searcher *s) {
    for (size_t gi = 0; gi < s->segs.len; gi++) {
        plan_seg *g = &s->segs.items[gi];
        if (g->qi >= EM_PART_MAX || s->times[g->qi] <= 1) continue;
        uint32_t t = s->times[g->qi];
        for (uint32_t li = 0; li < g->nlists; li++)
            s->lists.items[g->first + li].ci *= t;
        g->ci *= t;
    }
}

/* Writes one probe into the plan: the posting list of token, unless it is
   longer than df_cap (as the probe would skip it) or empty. */
static void probe(em_searcher *s, uint32_t token, float est, int qi, float w, uint32_t df_cap) {
    const snap_token *t = &s->m->tokens[token];
    if (t->post_count > df_cap || t->post_count == 0) return;
    if (t->len < s->len_lo || t->len > s->len_hi) return;
    plan_list_add(s, s->m->postings + t->post_first, t->post_count, w * est, qi, token);
}

static void probe_list(em_searcher *s, const uint32_t *toks, uint32_t n, float est, int qi, float w,
                       uint32_t df_cap, uint32_t max_tokens) {
    if (n > max_tokens) return;
    for (uint32_t i = 0; i < n; i++)
        probe(s, toks[i], est, qi, w, df_cap);
}

static void retrieve_text(em_searcher *s, const char *text, size_t len, const char *skel,
                          uint32_t group, int qi, float w, uint32_t df_cap, int abjad) {
    const em_matcher *m = s->m;
    uint32_t n;
    const uint32_t *v = em_smap_get(&m->vocab, text, &n);
    int exact = n > 0;
    if (n) probe(s, v[0], EM_EST_EXACT, qi, w, df_cap);
    if (group) {
        char g[16];
        snprintf(g, sizeof g, "#%u", group);
        v = em_smap_get(&m->groups, g, &n);
        probe_list(s, v, n, EM_EST_VARIANT, qi, w, df_cap, EM_RETRIEVE_MAX_VARIANTS);
    }
    size_t sl = strlen(skel);
    if (sl >= EM_RETRIEVE_SKEL_MIN || (abjad && sl >= 1)) {
        v = em_smap_get(&m->skel, skel, &n);
        probe_list(s, v, n, EM_EST_SKELETON, qi, w, df_cap, EM_RETRIEVE_MAX_VARIANTS);
    }
    /* typo neighbours only for parts that no listed name spells this way: the
       deletions written first and their slots prefetched, then looked up in order */
    if (len >= EM_RETRIEVE_TYPO_MIN_LEN && len < EM_RETRIEVE_TYPO_MAX_LEN && !exact) {
        char del[EM_RETRIEVE_TYPO_MAX_LEN][EM_RETRIEVE_TYPO_MAX_LEN];
        em_smap_prefetch(&m->deletes, text);
        for (size_t i = 0; i < len; i++) {
            if (i > 0 && text[i] == text[i - 1]) continue;
            memcpy(del[i], text, i);
            memcpy(del[i] + i, text + i + 1, len - i - 1);
            del[i][len - 1] = '\0';
            em_smap_prefetch(&m->vocab, del[i]);
            em_smap_prefetch(&m->deletes, del[i]);
        }
        v = em_smap_get(&m->deletes, text, &n); /* list token = query + one letter */
        probe_list(s, v, n, EM_EST_TYPO, qi, w, df_cap, EM_RETRIEVE_MAX_TYPOS);
        for (size_t i = 0; i < len; i++) {
            if (i > 0 && text[i] == text[i - 1]) continue;
            v = em_smap_get(&m->vocab, del[i], &n); /* list token = query - one letter */
            if (n) probe(s, v[0], EM_EST_TYPO, qi, w, df_cap);
            v = em_smap_get(&m->deletes, del[i], &n); /* one substitution / transposition */
            probe_list(s, v, n, EM_EST_TYPO_SUB, qi, w, df_cap, EM_RETRIEVE_MAX_TYPOS);
        }
    }
}

/* A part written in Arabic script is also looked for by the skeletons of its other
   Latin spellings (text/arabic.c: em_arabic_spellings: ج as dj, ش as ch, ث as s...),
   which align.c then reads letter by letter (em_arabic_reads_as): "jmal" finds
   Djamel, "akasha" Akkacha. Skeletons of one consonant are too vague for this. */
#define ARABIC_SPELLINGS 32
static void retrieve_arabic_spellings(em_searcher *s, const char *text, size_t len,
                                      const char *own_skel, int qi, float w, uint32_t cap) {
    char sp[ARABIC_SPELLINGS][EM_ARABIC_SPELLING_MAX], seen[ARABIC_SPELLINGS][EM_SKEL_MAX];
    size_t n = em_arabic_spellings(text, len, sp, ARABIC_SPELLINGS), nseen = 0;
    for (size_t k = 0; k < n; k++) {
        char *sk = seen[nseen];
        em_skeleton(sp[k], sk, EM_SKEL_MAX);
        if (strlen(sk) < 2 || strcmp(sk, own_skel) == 0) continue;
        size_t d;
        for (d = 0; d < nseen && strcmp(seen[d], sk) != 0; d++)
            ;
        if (d < nseen) continue;
        nseen++;
        uint32_t nt;
        const uint32_t *v = em_smap_get(&s->m->skel, sk, &nt);
        probe_list(s, v, nt, EM_EST_SKELETON, qi, w, cap, EM_RETRIEVE_MAX_VARIANTS);
    }
}

/* A part written by its sounds (or in Arabic script) is also looked for by its phonetic
   key (em_phonetic_key: listed tokens are indexed under "~KEY"), as align.c meets
   them: from EM_PHONETIC_MIN_KEY sound classes, or one fewer for parts longer than
   EM_PHONETIC_MIN_LEN on both sides (哈梅内伊 "hameineiyi" ~ Khamenei, key MN), and
   then only listed parts within EM_PHONETIC_SHORT_KEY_SLACK letters of its length:
   a key of two classes says little without the length. */
static void retrieve_phonetic(em_searcher *s, const char *text, size_t len, unsigned flags, int qi,
                              float w, uint32_t cap) {
    char pk[48];
    if (len < EM_PHONETIC_MIN_LEN || len >= sizeof pk - 1) return;
    char t[48];
    memcpy(t, text, len);
    t[len] = '\0';
    size_t nk = em_phonetic_key(t, pk + 1, sizeof pk - 1);
    int shortkey =
        nk + 1 == EM_PHONETIC_MIN_KEY && len > EM_PHONETIC_MIN_LEN && (flags & EM_TOK_PHONETIC);
    if (nk < EM_PHONETIC_MIN_KEY && !shortkey) return;
    pk[0] = '~';
    if (shortkey) {
        size_t lo = len > EM_PHONETIC_SHORT_KEY_SLACK ? len - EM_PHONETIC_SHORT_KEY_SLACK : 0;
        s->len_lo = (uint16_t)(lo > EM_PHONETIC_MIN_LEN ? lo : EM_PHONETIC_MIN_LEN + 1);
        s->len_hi = (uint16_t)(len + EM_PHONETIC_SHORT_KEY_SLACK);
    }
    uint32_t n, in_window = 0;
    const uint32_t *v = em_smap_get(&s->m->skel, pk, &n);
    for (uint32_t k = 0; k < n; k++) {
        uint16_t tl = s->m->tokens[v[k]].len;
        in_window += tl >= s->len_lo && tl <= s->len_hi;
    }
    if (in_window <=
        ((flags & EM_TOK_PHONETIC) ? EM_RETRIEVE_MAX_BY_SOUND : EM_RETRIEVE_MAX_VARIANTS))
        for (uint32_t k = 0; k < n; k++)
            probe(s, v[k], EM_EST_SKELETON, qi, w, cap);
    s->len_lo = 0;
    s->len_hi = UINT16_MAX;
}

/* A name in a script that writes it by its sounds (em_name_tokens.by_sound) is also
   looked for by the sound of the whole name (em_name_sound_key: its parts glued, as
   snapshot_build.c indexes each listed Latin name in the sounds map, key -> entities;
   their names are one list): Burmese writes Min Aung Hlaing in one word,
   "mainnaaunglhaine", Russian as Мин Аун Хлайн; all are MNLN. */
#define NAME_SOUND_SLOT (5 * EM_PART_MAX)
static void retrieve_name_sound(em_searcher *s, const em_part *q, size_t nq) {
    const em_matcher *m = s->m;
    float w = 0;
    for (size_t i = 0; i < nq; i++)
        w += q[i].w;
    char key[64];
    if (em_parts_sound_key(q, nq, 0, key, sizeof key) < EM_NAME_SOUND_KEY_MIN) return;
    uint32_t n;
    const uint32_t *v = em_smap_get(&m->sounds, key, &n);
    if (n == 0 || n > EM_RETRIEVE_MAX_VARIANTS) return;
    /* the names of those entities, in id order (entities' names are contiguous, in
       entity order), once each */
    s->sound_names.len = 0;
    for (uint32_t i = 0; i < n; i++) {
        const snap_entity *e = &m->entities[v[i]];
        if (i > 0 && v[i] <= v[i - 1]) continue;
        for (uint32_t k = 0; k < e->name_count; k++)
            em_vec_push(s->sound_names, e->name_first + k);
    }
    plan_list_add(s, s->sound_names.items, (uint32_t)s->sound_names.len, w * EM_EST_NAME_SOUND,
                  NAME_SOUND_SLOT, UINT32_MAX);
}

static void retrieve(em_searcher *s, const em_part *q, size_t nq, int abjad) {
    const em_matcher *m = s->m;
    uint32_t common = (uint32_t)(m->h->n_names * EM_COMMON_DF_SHARE);
    if (common < EM_COMMON_DF_MIN) common = EM_COMMON_DF_MIN;
    /* the EM_RETRIEVE_ALWAYS weightiest parts always retrieve; common tokens of the
       others do not */
    int order[EM_PART_MAX];
    for (size_t i = 0; i < nq; i++)
        order[i] = (int)i;
    for (size_t i = 1; i < nq; i++)
        for (size_t j = i; j > 0 && q[order[j]].w > q[order[j - 1]].w; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < nq; i++) {
        em_smap_prefetch(&m->vocab, q[i].text);
        em_smap_prefetch(&m->skel, q[i].skel);
    }
    for (size_t i = 0; i < nq; i++)
        s->times[i] = 1;
    for (size_t r = 0; r < nq; r++) {
        int i = order[r];
        uint32_t cap = r < EM_RETRIEVE_ALWAYS ? UINT32_MAX : common;
        /* a listed part written again ("Abdul Karim Abdul Rahman") would read the same
           lists as its first writing, under a slot of its own: it is not probed again,
           the first writing's postings count for both (plan_times) */
        size_t d;
        for (d = 0; d < r; d++) {
            const em_part *a = &q[order[d]];
            if (a->vocab != UINT32_MAX && a->vocab == q[i].vocab && a->flags == q[i].flags &&
                a->w == q[i].w && (d < EM_RETRIEVE_ALWAYS) == (r < EM_RETRIEVE_ALWAYS))
                break;
        }
        if (d < r) {
            s->times[order[d]]++;
            continue;
        }
        retrieve_text(s, q[i].text, q[i].len, q[i].skel, q[i].group, i, q[i].w, cap, abjad);
        char pk[48];
        if ((q[i].flags & (EM_TOK_PHONETIC | EM_TOK_ABJAD)) && q[i].len >= EM_PHONETIC_MIN_LEN)
            retrieve_phonetic(s, q[i].text, q[i].len, q[i].flags, i, q[i].w, cap);
        /* a part written by its sounds may carry the Arabic article glued on (알아사드
           "alasadeu", アルアサド): its remainder is looked for by sound too */
        if ((q[i].flags & EM_TOK_PHONETIC) && q[i].len >= EM_PHONETIC_MIN_LEN + 2 &&
            q[i].text[0] == 'a' && q[i].text[1] == 'l')
            retrieve_phonetic(s, q[i].text + 2, q[i].len - 2u, q[i].flags, i, q[i].w, cap);
        if (q[i].flags & EM_TOK_ABJAD)
            retrieve_arabic_spellings(s, q[i].text, q[i].len, q[i].skel, i, q[i].w, cap);
        /* ... and a short one by its sound form ("ari" finds "ali", em_phonetic_form) */
        if ((q[i].flags & EM_TOK_PHONETIC) && q[i].len < sizeof pk &&
            em_phonetic_form(q[i].text, pk, sizeof pk) >= EM_PHONETIC_FORM_MIN_LEN &&
            strcmp(pk, q[i].text) != 0) {
            uint32_t n;
            const uint32_t *v = em_smap_get(&m->vocab, pk, &n);
            if (n) probe(s, v[0], EM_EST_SKELETON, i, q[i].w, cap);
        }
        /* a Lithuanian / Latvian case ending ("putinas", "putins") also looks for the stem */
        for (size_t d = 1; d <= 2 && m->k && q[i].len >= EM_CASE_ENDING_MIN_LEN + d; d++) {
            size_t sl0 = q[i].len - d;
            if (strchr("aeiouy", q[i].text[sl0 - 1]) ||
                !em_knowledge_is_case_ending(m->k, q[i].text + sl0) || sl0 >= sizeof pk)
                continue;
            memcpy(pk, q[i].text, sl0);
            pk[sl0] = '\0';
            uint32_t n;
            const uint32_t *v = em_smap_get(&m->vocab, pk, &n);
            if (n) probe(s, v[0], EM_EST_TYPO, i, q[i].w, cap);
        }
        /* an abjad part with the article glued on ("alqada") also looks for the listed
           spelling without it ("qaida"; align.c compares them by consonant key) */
        const char *t = q[i].text;
        size_t sl = strlen(q[i].skel);
        if (abjad && sl >= 4 && q[i].skel[sl - 1] == 'h') {
            /* a final ه is a vowel the Latin may not write ("khamnhay" ~ "khamenei") */
            char sk[EM_SKEL_MAX];
            memcpy(sk, q[i].skel, sl - 1);
            sk[sl - 1] = '\0';
            uint32_t n;
            const uint32_t *v = em_smap_get(&m->skel, sk, &n);
            probe_list(s, v, n, EM_EST_SKELETON, i, q[i].w, cap, EM_RETRIEVE_MAX_VARIANTS);
        }
        if (abjad && q[i].len >= 5 && t[0] == 'a' && t[1] == 'l' && !strchr("aeiouy", t[2])) {
            char sk[EM_SKEL_MAX];
            em_skeleton(t + 2, sk, sizeof sk);
            retrieve_text(s, t + 2, q[i].len - 2u, sk, 0, i, q[i].w, cap, abjad);
        }
        /* و starting a Persian word is v (وزارت "wzart" ~ "vezarat"; align.c meets them) */
        if ((q[i].flags & EM_TOK_ABJAD) && q[i].len >= 4 && t[0] == 'w' && q[i].len < 48) {
            char vt[48], sk[EM_SKEL_MAX];
            memcpy(vt, t, q[i].len + 1u);
            vt[0] = 'v';
            em_skeleton(vt, sk, sizeof sk);
            uint32_t n;
            const uint32_t *v = em_smap_get(&m->skel, sk, &n);
            probe_list(s, v, n, EM_EST_SKELETON, i, q[i].w, cap, EM_RETRIEVE_MAX_VARIANTS);
        }
    }
    /* glued and split parts */
    char buf[128], skel[EM_SKEL_MAX * 2];
    for (size_t i = 0; i + 1 < nq; i++) {
        size_t la = q[i].len, lb = q[i + 1].len;
        if (la + lb + 1 > sizeof buf) continue;
        memcpy(buf, q[i].text, la);
        memcpy(buf + la, q[i + 1].text, lb);
        buf[la + lb] = '\0';
        em_skeleton(buf, skel, sizeof skel);
        /* a listed part the glued pair can meet: as long within EM_JOINED_LEN_SLACK
           letters, from EM_JOINED_MIN_LEN (align.c joins no other; "ari hamenei" would
           otherwise reach every Rahman by the skeleton rhmn) */
        size_t lo = la + lb > EM_JOINED_LEN_SLACK ? la + lb - EM_JOINED_LEN_SLACK : 0;
        s->len_lo = (uint16_t)(lo > EM_JOINED_MIN_LEN ? lo : EM_JOINED_MIN_LEN);
        s->len_hi = (uint16_t)(la + lb + EM_JOINED_LEN_SLACK);
        retrieve_text(s, buf, la + lb, skel, 0, EM_PART_MAX + (int)i, q[i].w + q[i + 1].w, common,
                      abjad);
        int arabic = (q[i].flags & q[i + 1].flags & EM_TOK_ABJAD) != 0;
        if (arabic)
            retrieve_arabic_spellings(s, buf, la + lb, skel, EM_PART_MAX + (int)i,
                                      q[i].w + q[i + 1].w, common);
        /* in an abjad, "X al-Y" is also written glued without the article's l
           (شمس الدين "shms aldyn" ~ Shamsuddin): look for that skeleton too */
        const char *y = q[i + 1].text;
        if (abjad && lb >= 5 && y[0] == 'a' && y[1] == 'l' && !strchr("aeiouy", y[2])) {
            memcpy(buf + la, y + 2, lb - 2);
            buf[la + lb - 2] = '\0';
            em_skeleton(buf, skel, sizeof skel);
            uint32_t n;
            const uint32_t *v = em_smap_get(&m->skel, skel, &n);
            probe_list(s, v, n, EM_EST_SKELETON, EM_PART_MAX + (int)i, q[i].w + q[i + 1].w, common,
                       EM_RETRIEVE_MAX_VARIANTS);
            if (arabic)
                retrieve_arabic_spellings(s, buf, la + lb - 2, skel, EM_PART_MAX + (int)i,
                                          q[i].w + q[i + 1].w, common);
        }
        s->len_lo = 0;
        s->len_hi = UINT16_MAX;
    }
    for (size_t i = 0; i < nq; i++) {
        size_t len = q[i].len;
        if (len < EM_RETRIEVE_SPLIT_MIN_LEN || q[i].vocab != UINT32_MAX || len >= sizeof buf)
            continue;
        for (size_t k = EM_RETRIEVE_SPLIT_MIN_HALF; k + EM_RETRIEVE_SPLIT_MIN_HALF <= len; k++) {
            memcpy(buf, q[i].text, k);
            buf[k] = '\0';
            em_smap_prefetch(&m->vocab, buf);
            em_smap_prefetch(&m->vocab, q[i].text + k);
        }
        for (size_t k = EM_RETRIEVE_SPLIT_MIN_HALF; k + EM_RETRIEVE_SPLIT_MIN_HALF <= len; k++) {
            uint32_t na, nb;
            memcpy(buf, q[i].text, k);
            buf[k] = '\0';
            const uint32_t *va = em_smap_get(&m->vocab, buf, &na);
            const uint32_t *vb = em_smap_get(&m->vocab, q[i].text + k, &nb);
            if (!na || !nb) continue;
            probe(s, va[0], EM_EST_SPLIT, 2 * EM_PART_MAX + (int)i, q[i].w / 2, common);
            probe(s, vb[0], EM_EST_SPLIT, 3 * EM_PART_MAX + (int)i, q[i].w / 2, common);
        }
    }
}

/* An acronym of the query (org.h) also retrieves the organisation names whose
   initials it spells, with its stopword letters or without ("mois" -> "mis"): per
   query part, the names found (sorted, once each) are one list of the plan. */
static void retrieve_acronyms(em_searcher *s, const em_part *q, size_t nq) {
    const em_matcher *m = s->m;
    size_t off[EM_PART_MAX + 1];
    s->acro.len = 0;
    for (size_t i = 0; i < nq; i++) {
        off[i] = s->acro.len;
        if (!m->acronyms || !em_org_acronym_part(&q[i])) continue;
        const char *t = q[i].text;
        size_t len = q[i].len;
        /* the letters, less none (a = b = 0), one (a = b) or two (a < b) interior
           stopword letters */
        for (size_t a = 0; a + 1 < len; a++)
            for (size_t b = a; b + 1 < len; b++) {
                if (a == 0 && b > 0) break;
                if (a > 0 && (!em_knowledge_stopword_initial(m->k, t[a]) ||
                              !em_knowledge_stopword_initial(m->k, t[b])))
                    continue;
                char key[EM_ACRONYM_MAX_LEN];
                size_t n = 0;
                for (size_t j = 0; j < len; j++)
                    if (a == 0 || (j != a && j != b)) key[n++] = t[j];
                if (n < EM_ACRONYM_MIN_WORDS) continue;
                size_t first, nn = em_org_acronym_find(m->acronyms, key, n, &first);
                if (nn > EM_RETRIEVE_MAX_ACRONYM) continue;
                for (size_t j = first; j < first + nn; j++)
                    em_vec_push(s->acro, em_org_acronym_name(m->acronyms, j));
            }
        /* sorted, once each: a name met twice by one part counts once */
        size_t n = s->acro.len - off[i], w = 0;
        if (n == 0) continue;
        uint32_t *v = s->acro.items + off[i];
        qsort(v, n, sizeof *v, cmp_u32);
        for (size_t j = 0; j < n; j++)
            if (w == 0 || v[j] != v[w - 1]) v[w++] = v[j];
        s->acro.len = off[i] + w;
    }
    off[nq] = s->acro.len;
    /* the plan points into acro: added once it has stopped growing */
    for (size_t i = 0; i < nq; i++)
        if (off[i + 1] > off[i])
            plan_list_add(s, s->acro.items + off[i], (uint32_t)(off[i + 1] - off[i]),
                          q[i].w * EM_SIM_ACRONYM, 4 * EM_PART_MAX + (int)i, UINT32_MAX);
}

/* a before b in the candidates' order: more evidence, then the lower name id */
static inline int better(const name_state *st, uint32_t a, uint32_t b) {
    return st[a].acc > st[b].acc || (st[a].acc == st[b].acc && a < b);
}

static void sift_down(uint32_t *t, size_t k, size_t j, const name_state *st) {
    for (;;) {
        size_t l = 2 * j + 1, r = l + 1, m = j;
        if (l < k && better(st, t[m], t[l])) m = l;
        if (r < k && better(st, t[m], t[r])) m = r;
        if (m == j) break;
        uint32_t x = t[j];
        t[j] = t[m];
        t[m] = x;
        j = m;
    }
}

/* Keeps the k best names of t[0..n) (better()) at its front, in no order (a
   heap of size k whose root is the worst kept: O(n log k), no full sort).
   Returns how many. The order is total, so the names kept do not depend on
   the order of t. */
static size_t select_best(uint32_t *t, size_t n, size_t k, const name_state *st) {
    if (n <= k) return n;
    for (size_t i = k / 2; i-- > 0;)
        sift_down(t, k, i, st);
    for (size_t i = k; i < n; i++) {
        if (!better(st, t[i], t[0])) continue;
        uint32_t x = t[0];
        t[0] = t[i];
        t[i] = x;
        sift_down(t, k, 0, st);
    }
    return k;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The k best of the names, those reaching floor, into s->picked with their
   evidence (in no order). */
static void choose(em_searcher *s, uint32_t *names, size_t n, size_t k, uint32_t floor) {
    n = select_best(names, n, k, s->st);
    s->picked.len = 0;
    for (size_t i = 0; i < n; i++)
        if (s->st[names[i]].acc >= floor) {
            ranked r = {names[i], s->st[names[i]].acc};
            em_vec_push(s->picked, r);
        }
}

/* s->cand: the names of a choice r[0..n), in id order (the order they are aligned in) */
static void to_cand(em_searcher *s, const ranked *r, size_t n) {
    em_vec_reserve(s->cand, n);
    s->cand.len = 0;
    for (size_t i = 0; i < n; i++)
        s->cand.items[s->cand.len++] = r[i].name;
    if (s->cand.len > 1) qsort(s->cand.items, s->cand.len, sizeof *s->cand.items, cmp_u32);
}

/* The reference: every list of the plan read in order, as the probes used to. */
static void run_exhaustive(em_searcher *s, size_t k, uint32_t floor) {
    s->ntouched = 0;
    for (size_t gi = 0; gi < s->segs.len; gi++) {
        const plan_seg *g = &s->segs.items[gi];
        int8_t qi = (int8_t)g->qi;
        for (uint32_t li = 0; li < g->nlists; li++) {
            const plan_list *l = &s->lists.items[g->first + li];
            s->postings_read += l->n;
            for (uint32_t i = 0; i < l->n; i++) {
                uint32_t n = l->post[i];
                if (s->st[n].lastq == qi) continue;
                if (s->st[n].lastq == -1) s->touched[s->ntouched++] = n;
                s->st[n].lastq = qi;
                s->st[n].acc += l->ci;
            }
        }
    }
    choose(s, s->touched, s->ntouched, k, floor);
    to_cand(s, s->picked.items, s->picked.len);
    for (size_t i = 0; i < s->ntouched; i++) {
        s->st[s->touched[i]].acc = 0;
        s->st[s->touched[i]].lastq = -1;
    }
    s->ntouched = 0;
}

/* The k-th largest of a[0..n) (1 <= k <= n), reordering a. */
static uint32_t kth_largest(uint32_t *a, size_t n, size_t k) {
    size_t lo = 0, hi = n - 1, want = k - 1;
    while (lo < hi) {
        uint32_t p = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] > p)
                i++;
            while (a[j] < p)
                j--;
            if (i <= j) {
                uint32_t x = a[i];
                a[i] = a[j];
                a[j] = x;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (want <= j)
            hi = j;
        else if (want >= i)
            lo = i;
        else
            return a[want];
    }
    return a[want];
}

/* The mask bits of a unit's segments. */
static uint64_t unit_bits(const plan_unit *u) {
    uint64_t all = u->nseg >= 64 ? ~0ull : (1ull << u->nseg) - 1;
    return all << u->first;
}

/* Whether segment gi, read now for a name whose segments so far are m0 (a unit's
   segments are read in order), adds its ci to the name's evidence as
   run_exhaustive counts it: unless it holds the name already, or the unit's last
   segment holding it (ubits: the unit's bits) is of the same slot. */
static inline int seg_adds(const em_searcher *s, uint64_t m0, uint64_t ubits, uint32_t gi) {
    uint64_t bit = 1ull << gi;
    if (m0 & bit) return 0;
    uint64_t prev = m0 & ubits & (bit - 1);
    return !prev || s->segs.items[63 - __builtin_clzll(prev)].qi != s->segs.items[gi].qi;
}

/* The first position of the sorted p[from..n) whose id is at least x (n when none):
   a galloping search from from (p[from] < x), its probes added to *reads. */
static uint32_t gallop(const uint32_t *p, uint32_t n, uint32_t from, uint32_t x, uint64_t *reads) {
    uint32_t lo = from, step = 1;
    while (lo + step < n && p[lo + step] < x) {
        lo += step;
        step <<= 1;
        (*reads)++;
    }
    uint32_t hi = lo + step < n ? lo + step : n; /* p[lo] < x <= p[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        (*reads)++;
        if (p[mid] < x)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* Sets bit in mask[x] for each x of the sorted names c[0..nc) that the sorted
   list p[0..n) holds (segment gi of the unit whose bits are ubits), adding cv to
   acc[x] when seg_adds says so: a galloping search from where the previous name was. */
static void mark_members(em_searcher *s, const uint32_t *c, size_t nc, const uint32_t *p,
                         uint32_t n, uint32_t gi, uint64_t ubits, uint32_t cv) {
    uint64_t bit = 1ull << gi;
    uint32_t pos = 0;
    uint64_t reads = 0;
    for (size_t i = 0; i < nc && pos < n; i++) {
        uint32_t x = c[i];
        reads++;
        if (p[pos] < x) {
            pos = gallop(p, n, pos, x, &reads);
            if (pos >= n) break;
        }
        if (p[pos] == x) {
            if (seg_adds(s, s->st[x].mask, ubits, gi)) s->st[x].acc += cv;
            s->st[x].mask |= bit;
            pos++;
        }
    }
    s->postings_read += reads;
}

/* Reads unit u for the names c[0..nc) (in id order once *sorted is set): a list
   much longer than the names is searched for them, a shorter one scanned
   (setting the bit of every touched name it holds: harmless for the others). */
static void read_unit_for(em_searcher *s, const plan_unit *u, uint32_t *c, size_t nc, int *sorted) {
    uint64_t ubits = unit_bits(u);
    for (uint32_t k = u->first; k < u->first + u->nseg; k++) {
        const plan_seg *g = &s->segs.items[k];
        for (uint32_t li = 0; li < g->nlists; li++) {
            const plan_list *l = &s->lists.items[g->first + li];
            if (l->n == 0) continue;
            if (l->n <= PRUNE_SCAN_RATIO * nc) {
                s->postings_read += l->n;
                uint64_t bit = 1ull << k;
                for (uint32_t i = 0; i < l->n; i++) {
                    uint32_t n = l->post[i];
                    PREFETCH_AHEAD(s->st, l->post, i, l->n);
                    uint64_t m0 = s->st[n].mask;
                    if (!m0) continue;
                    if (seg_adds(s, m0, ubits, k)) s->st[n].acc += l->ci;
                    s->st[n].mask = m0 | bit;
                }
                continue;
            }
            if (!*sorted) {
                qsort(c, nc, sizeof *c, cmp_u32);
                *sorted = 1;
            }
            mark_members(s, c, nc, l->post, l->n, k, ubits, l->ci);
        }
    }
}

/* The floor a name must reach to be a candidate: floor, or the k-th largest of
   the n lower bounds lb when there are more than k. */
static uint32_t theta_of(em_searcher *s, const uint32_t *lb, size_t n, size_t k, uint32_t floor) {
    if (n <= k) return floor;
    memcpy(s->scratch.items, lb, n * sizeof *lb);
    uint32_t kth = kth_largest(s->scratch.items, n, k);
    return kth > floor ? kth : floor;
}

/* One block of the pruned run (see above): the plan's lists as they stand (the
   block's part of each), the names of the k best reaching floor into s->picked;
   their evidence exact when exact is set (else only for the ones that needed it). */
static void run_block(em_searcher *s, size_t k, uint32_t floor, int exact) {
    size_t nu = s->units.len;
    s->picked.len = 0;
    /* each unit's bound in this block (a unit with no posting here adds nothing) and
       its postings here; the units by postings per unit of bound, fewest first: the
       units read whole to find the names are the cheapest ones that can */
    uint8_t order[PRUNE_MAX_SEGS];
    uint64_t cost[PRUNE_MAX_SEGS];
    for (size_t u = 0; u < nu; u++) {
        plan_unit *pu = &s->units.items[u];
        uint32_t ub = 0;
        uint64_t n = 0;
        for (uint32_t g = pu->first; g < pu->first + pu->nseg; g++) {
            const plan_seg *sg = &s->segs.items[g];
            uint64_t sn = 0;
            uint32_t most = 0; /* the most one of its postings here adds */
            for (uint32_t li = 0; li < sg->nlists; li++) {
                const plan_list *l = &s->lists.items[sg->first + li];
                sn += l->n;
                if (l->n && l->ci > most) most = l->ci;
            }
            if (!sn) continue;
            n += sn;
            if (pu->key >= 2 * EM_PART_MAX)
                ub += most;
            else if (most > ub)
                ub = most;
        }
        pu->ub = ub;
        cost[u] = n;
        size_t j = u;
        /* a before b when n_a / ub_a < n_b / ub_b; a unit with no bound goes last */
        for (; j > 0; j--) {
            const plan_unit *o = &s->units.items[order[j - 1]];
            int before = ub && (!o->ub || (double)n * o->ub < (double)cost[order[j - 1]] * ub);
            if (!before) break;
            order[j] = order[j - 1];
        }
        order[j] = (uint8_t)u;
    }
    uint64_t tail[PRUNE_MAX_SEGS + 1]; /* tail[r]: the bounds of order[r..nu) summed */
    tail[nu] = 0;
    for (size_t r = nu; r-- > 0;)
        tail[r] = tail[r + 1] + s->units.items[order[r]].ub;
    /* the essential units, read whole, the weightiest first, until a name they have
       not seen yet could not reach theta with what is left */
    s->ntouched = 0;
    size_t r = 0;
    for (; r < nu; r++) {
        if (tail[r] < floor) break;
        if (r > 0 && s->ntouched > k) {
            em_vec_reserve(s->scratch, s->ntouched);
            uint32_t *x = s->scratch.items;
            for (size_t i = 0; i < s->ntouched; i++)
                x[i] = s->st[s->touched[i]].acc;
            uint32_t kth = kth_largest(x, s->ntouched, k);
            if (tail[r] < (kth > floor ? kth : floor)) break;
        }
        const plan_unit *pu = &s->units.items[order[r]];
        uint64_t ubits = unit_bits(pu);
        for (uint32_t gi = pu->first; gi < pu->first + pu->nseg; gi++) {
            const plan_seg *g = &s->segs.items[gi];
            uint64_t bit = 1ull << gi;
            for (uint32_t li = 0; li < g->nlists; li++) {
                const plan_list *l = &s->lists.items[g->first + li];
                uint32_t cv = l->ci;
                s->postings_read += l->n;
                for (uint32_t i = 0; i < l->n; i++) {
                    uint32_t n = l->post[i];
                    PREFETCH_AHEAD(s->st, l->post, i, l->n);
                    uint64_t m0 = s->st[n].mask;
                    if (!m0) s->touched[s->ntouched++] = n;
                    if (seg_adds(s, m0, ubits, gi)) s->st[n].acc += cv;
                    s->st[n].mask = m0 | bit;
                }
            }
        }
    }
    /* the names seen and their lower bounds; then the other units, the weightiest first,
       for the names that can still be candidates */
    for (size_t i = r + 1; i < nu; i++)
        for (size_t j = i; j > r && s->units.items[order[j - 1]].ub < s->units.items[order[j]].ub;
             j--) {
            uint8_t x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    for (size_t i = nu; i-- > r;)
        tail[i] = tail[i + 1] + s->units.items[order[i]].ub;
    em_vec_reserve(s->cand, s->ntouched);
    em_vec_reserve(s->lb, s->ntouched);
    em_vec_reserve(s->scratch, s->ntouched);
    em_vec_reserve(s->scratch_ids, s->ntouched);
    size_t nc = s->ntouched;
    uint32_t *c = s->cand.items;
    uint32_t *lb = s->lb.items;
    if (nc) memcpy(c, s->touched, nc * sizeof *c);
    for (size_t i = 0; i < nc; i++)
        lb[i] = s->st[c[i]].acc;
    int sorted = 0;
    for (;; r++) {
        uint32_t theta = theta_of(s, lb, nc, k, floor);
        uint64_t rem = tail[r];
        size_t w = 0;
        for (size_t i = 0; i < nc; i++)
            if (lb[i] + rem >= theta) {
                c[w] = c[i];
                lb[w++] = lb[i];
            }
        nc = w;
        if (r == nu || nc == 0) break;
        const plan_unit *pu = &s->units.items[order[r]];
        if (pu->ub == 0) continue; /* nothing of it in this block */
        if (nc <= k && !exact) {
            /* all of them are candidates if they reach the floor: read on only for those
               not known to */
            uint32_t *open = s->scratch_ids.items;
            size_t no = 0;
            for (size_t i = 0; i < nc; i++)
                if (lb[i] < floor) open[no++] = c[i];
            if (no == 0) break;
            int osorted = sorted;
            read_unit_for(s, pu, open, no, &osorted);
        } else {
            read_unit_for(s, pu, c, nc, &sorted);
        }
        /* (read_unit_for may have sorted c: lb follows it again) */
        for (size_t i = 0; i < nc; i++)
            lb[i] = s->st[c[i]].acc;
    }
    /* the names left, chosen as run_exhaustive chooses: by their evidence, exact where
       it decides (every unit read for them, or the floor reached) */
    if (nc > k) {
        choose(s, c, nc, k, floor);
    } else {
        for (size_t i = 0; i < nc; i++)
            if (s->st[c[i]].acc >= floor) {
                ranked x = {c[i], s->st[c[i]].acc};
                em_vec_push(s->picked, x);
            }
    }
    for (size_t i = 0; i < s->ntouched; i++) {
        s->st[s->touched[i]].mask = 0;
        s->st[s->touched[i]].acc = 0;
    }
    s->ntouched = 0;
}

static int cmp_ranked(const void *a, const void *b) {
    const ranked *x = a, *y = b;
    if (x->acc != y->acc) return x->acc > y->acc ? -1 : 1;
    return x->name < y->name ? -1 : x->name > y->name;
}

/* Where list l's postings below id hi end, from its first not yet read (*cur). */
static uint32_t list_end_below(const plan_list *l, uint32_t cur, uint32_t hi) {
    if (cur >= l->n || l->post[cur] >= hi) return cur;
    if (l->post[l->n - 1] < hi) return l->n;
    uint64_t probes = 0; /* (not postings read: the block's own bookkeeping) */
    return gallop(l->post, l->n, cur, hi, &probes);
}

/* The pruned run (see above); runs the exhaustive one when it cannot help. */
static void run_pruned(em_searcher *s, size_t k, uint32_t floor) {
    if (s->segs.len > PRUNE_MAX_SEGS || s->units.len < 1) {
        run_exhaustive(s, k, floor);
        return;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < s->lists.len; i++)
        total += s->lists.items[i].n;
    uint64_t nb = total / (s->block_postings ? s->block_postings : PRUNE_BLOCK_POSTINGS);
    if (nb > PRUNE_MAX_BLOCKS) nb = PRUNE_MAX_BLOCKS;
    if (nb <= 1) {
        run_block(s, k, floor, 0);
        to_cand(s, s->picked.items, s->picked.len);
        return;
    }
    /* blocks of the name ids, in order: the k best so far in best (by cmp_ranked);
       a name of a later block must beat the worst of them */
    size_t nl = s->lists.len;
    em_vec_reserve(s->whole, nl);
    em_vec_reserve(s->cursor, nl);
    memcpy(s->whole.items, s->lists.items, nl * sizeof *s->lists.items);
    memset(s->cursor.items, 0, nl * sizeof *s->cursor.items);
    s->best.len = 0;
    s->blocked_runs++;
    uint64_t names = s->m->h->n_names;
    for (uint64_t b = 0; b < nb; b++) {
        uint32_t hi = b + 1 == nb ? UINT32_MAX : (uint32_t)(names * (b + 1) / nb);
        for (size_t i = 0; i < nl; i++) {
            const plan_list *w = &s->whole.items[i];
            uint32_t from = s->cursor.items[i], to = list_end_below(w, from, hi);
            s->lists.items[i].post = w->post + from;
            s->lists.items[i].n = to - from;
            s->cursor.items[i] = to;
        }
        uint32_t fb = floor;
        if (s->best.len == k && s->best.items[k - 1].acc >= fb) {
            if (s->best.items[k - 1].acc == UINT32_MAX) break;
            fb = s->best.items[k - 1].acc + 1;
        }
        run_block(s, k, fb, 1);
        if (!s->picked.len) continue;
        for (size_t i = 0; i < s->picked.len; i++)
            em_vec_push(s->best, s->picked.items[i]);
        qsort(s->best.items, s->best.len, sizeof *s->best.items, cmp_ranked);
        if (s->best.len > k) s->best.len = k;
    }
    memcpy(s->lists.items, s->whole.items, nl * sizeof *s->lists.items);
    to_cand(s, s->best.items, s->best.len);
}

/* ---- qualifiers ----------------------------------------------------------- */

#define MAX_QUERY_DOBS 8

typedef struct qinfo {
    int kind; /* schema kind of the query, 0 = any */
    struct {
        int32_t from, to;
        int prec;
    } dobs[MAX_QUERY_DOBS]; /* every birth date the query gives */
    size_t ndobs;
    char countries[8][3];
    size_t ncountries;
    int gender;
} qinfo;

static int schema_kind_of(const char *s) {
    if (!s || !*s) return 0;
    if (strcasecmp(s, "Person") == 0) return SNAP_SCHEMA_PERSON;
    if (strcasecmp(s, "Organization") == 0 || strcasecmp(s, "Company") == 0 ||
        strcasecmp(s, "PublicBody") == 0)
        return SNAP_SCHEMA_ORG;
    if (strcasecmp(s, "Vessel") == 0) return SNAP_SCHEMA_VESSEL;
    if (strcasecmp(s, "Aircraft") == 0) return SNAP_SCHEMA_AIRCRAFT;
    return 0; /* LegalEntity, Thing: any */
}

static float schema_effect(int qk, int ek) {
    if (!qk || ek == SNAP_SCHEMA_OTHER || qk == ek) return 0;
    if (qk == SNAP_SCHEMA_PERSON || ek == SNAP_SCHEMA_PERSON) return EM_Q_SCHEMA_PERSON;
    return EM_Q_SCHEMA_OTHER;
}

/* The effect of one query birth date (from..to, precision prec: 3 = a full date),
   -1 when it overlaps no listed date; *best_gap is lowered to the years between
   it and each listed date it misses. */
static float dob_effect_one(const em_matcher *m, const snap_entity *e, int32_t qf, int32_t qt,
                            int prec, int *best_gap, char *detail, size_t cap) {
    for (uint32_t i = 0; i < e->dob_count; i++) {
        const snap_dob *d = &m->dobs[e->dob_first + i];
        int32_t f = d->from, t = d->to;
        if (d->circa) f -= EM_Q_DOB_CIRCA_SLACK, t += EM_Q_DOB_CIRCA_SLACK;
        if (qf <= t && qt >= f) {
            snprintf(detail, cap, "query birth date within the listed %d..%d", d->from / 10000,
                     d->to / 10000);
            /* a full date near but not on a full listed "circa" date adds nothing */
            if (prec == 3 && d->precision == 3 && qf != d->from) return 0;
            return EM_Q_DOB_MATCH;
        }
        int gap = qt < f ? f / 10000 - qt / 10000 : qf / 10000 - t / 10000;
        if (gap < *best_gap) *best_gap = gap;
    }
    return -1; /* no overlap */
}

/* Several query birth dates count once: the best of them decides. */
static float dob_effect(const em_matcher *m, const snap_entity *e, const qinfo *qi, char *detail,
                        size_t cap) {
    if (!qi->ndobs || !e->dob_count) return 0;
    int best_gap = 9999;
    float best = -1;
    for (size_t k = 0; k < qi->ndobs; k++) {
        char d[160];
        float eff = dob_effect_one(m, e, qi->dobs[k].from, qi->dobs[k].to, qi->dobs[k].prec,
                                   &best_gap, d, sizeof d);
        if (eff > best) {
            best = eff;
            snprintf(detail, cap, "%s", d);
        }
    }
    if (best >= 0) return best;
    snprintf(detail, cap, "query birth date %d years from the listed dates", best_gap);
    if (best_gap <= EM_Q_DOB_NEAR_YEARS) return EM_Q_DOB_NEAR;
    if (best_gap <= EM_Q_DOB_FAR_YEARS) return EM_Q_DOB_FAR;
    return EM_Q_DOB_OFF;
}

static float country_effect(const em_matcher *m, const snap_entity *e, const qinfo *qi) {
    if (!qi->ncountries || !e->country_count) return 0;
    for (uint32_t i = 0; i < e->country_count; i++) {
        uint16_t c = m->countries_v[e->country_first + i];
        for (size_t j = 0; j < qi->ncountries; j++)
            if (((c >> 8) & 0xff) == (unsigned char)qi->countries[j][0] &&
                (c & 0xff) == (unsigned char)qi->countries[j][1])
                return EM_Q_COUNTRY_MATCH;
    }
    return EM_Q_COUNTRY_MISMATCH;
}

static void parse_qinfo(em_searcher *s, const em_query *q, qinfo *qi) {
    memset(qi, 0, sizeof *qi);
    qi->kind = schema_kind_of(q->schema);
    if (q->birth_date && *q->birth_date) {
        /* "1962", "1960..1962", several separated by ';' */
        char *copy = em_xstrdup(q->birth_date), *save = NULL;
        for (char *d = strtok_r(copy, ";|", &save); d && qi->ndobs < MAX_QUERY_DOBS;
             d = strtok_r(NULL, ";|", &save)) {
            char *dots = strstr(d, "..");
            int32_t f, t, f2, t2;
            int prec;
            if (dots) {
                *dots = '\0';
                prec = em_date_range(d, &f, &t) && em_date_range(dots + 2, &f2, &t2) ? 1 : 0;
                t = prec ? t2 : t;
            } else {
                prec = em_date_range(d, &f, &t);
            }
            if (!prec || f > t) continue;
            qi->dobs[qi->ndobs].from = f;
            qi->dobs[qi->ndobs].to = t;
            qi->dobs[qi->ndobs].prec = prec;
            qi->ndobs++;
        }
        free(copy);
    }
    if (q->country && *q->country) {
        char *copy = em_xstrdup(q->country), *save = NULL;
        for (char *c = strtok_r(copy, ";|", &save); c && qi->ncountries < 8;
             c = strtok_r(NULL, ";|", &save))
            if (em_country_code(s->m->countries, s->norm, c, qi->countries[qi->ncountries]) == 0)
                qi->ncountries++;
        free(copy);
    }
    if (q->gender) {
        if (strcasecmp(q->gender, "male") == 0 || strcasecmp(q->gender, "m") == 0) qi->gender = 1;
        if (strcasecmp(q->gender, "female") == 0 || strcasecmp(q->gender, "f") == 0) qi->gender = 2;
    }
}

/* Applies the qualifiers to h->name_score; records each effect in xb when given. */
static float qualify(em_searcher *s, const qinfo *qi, const hit *h, em_explain_builder *xb) {
    const em_matcher *m = s->m;
    const snap_entity *e = &m->entities[h->entity];
    float score = h->name_score, eff;
    char detail[160];
    if ((eff = schema_effect(qi->kind, e->schema_kind)) != 0) {
        score += eff;
        if (xb)
            em_explain_add_qualifier(xb, "schema", eff, "the query is of another type of party");
    }
    detail[0] = '\0';
    if ((eff = dob_effect(m, e, qi, detail, sizeof detail)) != 0) {
        score += eff;
        if (xb) em_explain_add_qualifier(xb, "birth_date", eff, detail);
    }
    if ((eff = country_effect(m, e, qi)) != 0) {
        score += eff;
        if (xb)
            em_explain_add_qualifier(xb, "country", eff,
                                     eff > 0 ? "a listed nationality or country matches"
                                             : "no listed nationality or country matches");
    }
    if (qi->gender && e->gender && qi->gender != e->gender) {
        eff = EM_Q_GENDER_MISMATCH;
        score += eff;
        if (xb) em_explain_add_qualifier(xb, "gender", eff, "the listed gender differs");
    }
    return score < 0 ? 0 : score > 1 ? 1 : score;
}

/* ---- scoring one candidate name -------------------------------------------- */

static float score_name(em_searcher *s, const em_part *q, size_t nq, int abjad, int by_sound,
                        uint32_t name, em_alignment *al) {
    const em_matcher *m = s->m;
    em_part c[EM_PART_MAX];
    size_t nc = name_parts(m, name, c);
    int org = m->entities[m->names[name].entity].schema_kind != SNAP_SCHEMA_PERSON;
    em_align(q, nq, c, nc, abjad || m->names[name].abjad, org, m->k, &s->cache, al);
    if (by_sound && !org) em_align_by_sound(q, nq, c, nc, al);
    float sc = al->score;
    float mass_min = EM_MASS_SHARE * m->max_idf;
    if (al->matched_w < mass_min && m->h) sc *= al->matched_w / mass_min;
    if (m->names[name].weak) sc *= EM_WEAK_ALIAS_FACTOR;
    return sc;
}

/* ---- results --------------------------------------------------------------- */

static int cmp_hit(const void *a, const void *b) {
    const hit *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return x->entity < y->entity ? -1 : x->entity > y->entity;
}

static const char *name_kind(int kind) {
    return kind == 0 ? "primary" : kind == 2 ? "fka" : kind == 3 ? "nka" : "aka";
}

/* Fills one result and its explanation (rendered here: only returned results
   are explained). */
static void fill_result(em_searcher *s, const qinfo *qi, const em_part *q, size_t nq, hit *h,
                        double threshold, const char *qname, int weak_query, em_result *r) {
    const em_matcher *m = s->m;
    const snap_entity *e = &m->entities[h->entity];
    r->id = em_xstrdup(m->strings + e->id);
    r->caption = em_xstrdup(m->strings + e->caption);
    r->schema = em_xstrdup(m->strings + e->schema);
    r->source = em_xstrdup(m->strings + e->source);
    r->programs = em_xstrdup(m->strings + e->programs);
    r->version = e->version;
    r->score = h->score;
    r->match = h->score >= threshold;
    em_explain_builder xb;
    em_explain_init(&xb, h->score);
    xb.weak_query_name = weak_query;
    if (h->by_identifier) {
        r->matched_name = em_xstrdup(m->strings + e->caption);
        xb.identifier = em_explain_str(&xb, h->identifier);
    }
    if (h->name != UINT32_MAX) {
        const snap_name *n = &m->names[h->name];
        if (!h->by_identifier) r->matched_name = em_xstrdup(m->strings + n->display);
        em_part c[EM_PART_MAX];
        size_t nc = name_parts(m, h->name, c);
        xb.query_name = em_explain_str(&xb, qname ? qname : "");
        xb.matched_name = em_explain_str(&xb, m->strings + n->display);
        xb.name_kind = em_explain_str(&xb, name_kind(n->kind));
        xb.weak_alias = n->weak ? 1 : 0;
        xb.common_names = h->al.matched_w < EM_MASS_SHARE * m->max_idf && m->h;
        xb.name_score = h->name_score;
        em_explain_add_alignment(&xb, &h->al, q, nq, c, nc);
        qualify(s, qi, h, &xb);
    }
    if (!r->matched_name) r->matched_name = em_xstrdup("");
    char *json;
    r->explanation = em_explain_finish(&xb, 0, &json, &r->explain);
    r->explanation_json = json;
    r->related_json = em_matcher_related(m, m->strings + e->id);
}

/* One reading of the query name (em_search below); shown is the name the
   explanation gives as the query's. */
static int search_one(em_searcher *s, const em_query *q, const char *shown, em_results **out,
                      em_error *err) {
    *out = NULL;
    const em_matcher *m = s->m;
    if (!m->h)
        return em_fail(err, EM_ERR_USAGE,
                       "this matcher has no lists (names only); open it on a store");
    int has_name = q->name && *q->name;
    if (!has_name && q->nidentifiers == 0)
        return em_fail(err, EM_ERR_USAGE, "give a name or an identifier to screen");
    double threshold = q->threshold > 0 ? q->threshold : EM_DEFAULT_THRESHOLD;
    size_t limit = q->limit ? q->limit : 10;
    qinfo qi;
    parse_qinfo(s, q, &qi);

    EM_VEC(hit) hits = {0};

    /* identifiers: exact, a match on their own */
    for (size_t i = 0; i < q->nidentifiers; i++) {
        char key[256];
        if (!q->identifiers[i] || em_identifier_key(q->identifiers[i], key, sizeof key) != 0)
            continue;
        uint32_t n;
        const uint32_t *v = em_smap_get(&m->ids, key, &n);
        for (uint32_t j = 0; j < n; j++) {
            hit h = {0};
            h.entity = v[j];
            h.name = UINT32_MAX;
            h.score = h.name_score = EM_IDENTIFIER_SCORE;
            h.by_identifier = 1;
            h.identifier = q->identifiers[i];
            em_vec_push(hits, h);
        }
    }

    em_name_tokens nt = {0};
    em_part qp[EM_PART_MAX];
    size_t nq = 0;
    int kind = qi.kind == SNAP_SCHEMA_PERSON ? EM_KIND_PERSON : qi.kind ? EM_KIND_ORG : EM_KIND_ANY;
    if (has_name) {
        em_tokenize_name(s->norm, m->k, q->name, kind, &nt);
        nq = query_parts(m, &nt, qp);
    }
    if (nq > 0) {
        em_vec_reserve(hits, 64); /* room for a name's usual hits in one allocation */
        size_t first_name_hit = hits.len;
        /* a name whose retrieval evidence covers too little of the query cannot score */
        float qw = 0;
        for (size_t i = 0; i < nq; i++)
            qw += qp[i].w;
        float min_score = q->all ? (float)q->cutoff : (float)threshold;
        float frac = min_score >= EM_FLOOR_AT ? EM_FLOOR_HIGH : min_score * EM_FLOOR_SLOPE;
        float floor_share = (frac > EM_FLOOR_MIN ? frac : EM_FLOOR_MIN) * qw;
        uint32_t floor_acc = evidence_fixed(floor_share);
        /* the best EM_MAX_CANDIDATES by accumulated evidence that reach the floor */
        size_t kmax = m->max_candidates ? m->max_candidates : EM_MAX_CANDIDATES;
        s->lists.len = s->segs.len = s->units.len = 0;
        retrieve(s, qp, nq, nt.abjad);
        if (nt.by_sound) retrieve_name_sound(s, qp, nq);
        if (kind != EM_KIND_PERSON) retrieve_acronyms(s, qp, nq);
        plan_closeness(s, qp, nq);
        plan_times(s);
        if (s->exhaustive)
            run_exhaustive(s, kmax, floor_acc);
        else
            run_pruned(s, kmax, floor_acc);
        em_simcache_reset(&s->cache);
        s->names_aligned += s->cand.len;
        for (size_t i = 0; i < s->cand.len; i++) {
            uint32_t name = s->cand.items[i];
            hit h = {0};
            h.name = name;
            h.entity = m->names[name].entity;
            h.name_score = score_name(s, qp, nq, nt.abjad, nt.by_sound, name, &h.al);
            if (h.name_score <= EM_MIN_NAME_SCORE) continue;
            /* one hit per entity: its best name */
            size_t k;
            for (k = first_name_hit; k < hits.len; k++)
                if (hits.items[k].entity == h.entity) break;
            if (k < hits.len) {
                if (h.name_score > hits.items[k].name_score) hits.items[k] = h;
            } else {
                em_vec_push(hits, h);
            }
        }
        for (size_t k = first_name_hit; k < hits.len; k++) {
            hits.items[k].score = qualify(s, &qi, &hits.items[k], NULL);
            /* an identifier hit on the same entity keeps its score, with the name explained
               too; the name hit goes */
            for (size_t j = 0; j < first_name_hit; j++)
                if (hits.items[j].entity == hits.items[k].entity) {
                    hits.items[j].name = hits.items[k].name;
                    hits.items[j].name_score = hits.items[k].name_score;
                    hits.items[j].al = hits.items[k].al;
                    hits.items[k].score = -1;
                }
        }
    }
    if (hits.len) qsort(hits.items, hits.len, sizeof *hits.items, cmp_hit);
    em_results *r = em_xcalloc(1, sizeof *r);
    r->items = em_xcalloc(limit, sizeof *r->items);
    for (size_t i = 0; i < hits.len && r->len < limit; i++) {
        if (hits.items[i].score < 0) continue;
        if (!q->all && hits.items[i].score < threshold) break;
        if (q->all && hits.items[i].score < q->cutoff) break;
        if (i > 0 && hits.items[i].entity == hits.items[i - 1].entity &&
            hits.items[i].score == hits.items[i - 1].score)
            continue;
        int weak_query = q->weak_name && !hits.items[i].by_identifier;
        fill_result(s, &qi, qp, nq, &hits.items[i], threshold, shown, weak_query,
                    &r->items[r->len++]);
        if (weak_query) {
            /* a weak query name (a nickname) is evidence like a weak listed alias */
            em_result *x = &r->items[r->len - 1];
            x->score *= EM_WEAK_ALIAS_FACTOR;
            x->match = x->score >= threshold;
        }
    }
    em_vec_free(hits);
    em_name_tokens_free(&nt);
    *out = r;
    return 0;
}

static int cmp_result(const void *a, const void *b) {
    const em_result *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return strcmp(x->id, y->id);
}

/* Moves the results of b into a, one per entity (its better score), best first,
   at most limit. */
static void merge_results(em_results *a, em_results *b, size_t limit) {
    em_result *items = em_xcalloc(a->len + b->len + 1, sizeof *items);
    size_t n = a->len;
    memcpy(items, a->items, a->len * sizeof *items);
    for (size_t i = 0; i < b->len; i++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(items[k].id, b->items[i].id) == 0) break;
        if (k == n) {
            items[n++] = b->items[i];
        } else if (b->items[i].score > items[k].score) {
            em_result_release(&items[k]);
            items[k] = b->items[i];
        } else {
            em_result_release(&b->items[i]);
        }
    }
    b->len = 0;
    qsort(items, n, sizeof *items, cmp_result);
    while (n > limit)
        em_result_release(&items[--n]);
    free(a->items);
    a->items = items;
    a->len = n;
}

/* The query name and each of its other readings (text/readings.h: a Korean name
   in Han read in Korean, Korean in Cyrillic by the Kontsevich letters, a title
   dropped) are screened; each entity keeps its best score, the explanation
   naming the reading that gave it. */
int em_search(em_searcher *s, const em_query *q, em_results **out, em_error *err) {
    em_reading rd[EM_READINGS_MAX];
    size_t nr =
        q->name && s->m->k ? em_name_readings(em_knowledge_readings(s->m->k), q->name, rd) : 0;
    int rc = search_one(s, q, q->name, out, err);
    for (size_t i = 0; i < nr; i++) {
        if (rc == 0) {
            em_query q2 = *q;
            q2.name = rd[i].name;
            q2.nidentifiers = 0;
            char *shown = em_xasprintf("%s (%s: %s)", q->name, rd[i].rule, rd[i].name);
            em_results *more = NULL;
            rc = search_one(s, &q2, shown, &more, err);
            if (rc == 0) {
                double threshold = q->threshold > 0 ? q->threshold : EM_DEFAULT_THRESHOLD;
                for (size_t j = 0; j < more->len; j++) {
                    more->items[j].score *= EM_READING_FACTOR;
                    more->items[j].match = more->items[j].score >= threshold;
                }
                merge_results(*out, more, q->limit ? q->limit : 10);
                em_results_free(more);
            }
            free(shown);
        }
        free(rd[i].name);
    }
    if (rc != 0 && *out) {
        em_results_free(*out);
        *out = NULL;
    }
    return rc;
}

size_t em_results_count(const em_results *r) {
    return r ? r->len : 0;
}

const em_result *em_results_get(const em_results *r, size_t i) {
    return r && i < r->len ? &r->items[i] : NULL;
}

void em_result_release(em_result *x) {
    free((char *)x->id), free((char *)x->caption), free((char *)x->schema);
    free((char *)x->source), free((char *)x->programs), free((char *)x->matched_name);
    /* x->explain lives in the allocation of x->explanation */
    free((char *)x->explanation), free((char *)x->explanation_json);
    free((char *)x->related_json);
    memset(x, 0, sizeof *x);
}

void em_results_free(em_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nlists; i++)
        free((char *)r->lists[i].source);
    free(r->lists);
    for (size_t i = 0; i < r->len; i++)
        em_result_release(&r->items[i]);
    free(r->items);
    free(r);
}

/* ---- pair comparison ------------------------------------------------------- */

static void compare_one(em_searcher *s, const char *schema, const char *name1, const char *name2,
                        double *score, char **explanation);

/* The two names and the other readings of each (text/readings.h, x EM_READING_FACTOR):
   the best score, with its explanation. */
int em_compare(em_searcher *s, const char *schema, const char *name1, const char *name2,
               double *score, char **explanation, em_error *err) {
    if (!name1 || !name2) return em_fail(err, EM_ERR_USAGE, "compare needs two names");
    compare_one(s, schema, name1, name2, score, explanation);
    const em_readings *rs = s->m->k ? em_knowledge_readings(s->m->k) : NULL;
    for (int side = 0; side < 2; side++) {
        em_reading rd[EM_READINGS_MAX];
        size_t nr = em_name_readings(rs, side ? name2 : name1, rd);
        for (size_t i = 0; i < nr; i++) {
            double sc;
            char *ex = NULL;
            compare_one(s, schema, side ? name1 : rd[i].name, side ? rd[i].name : name2, &sc,
                        explanation ? &ex : NULL);
            sc *= EM_READING_FACTOR;
            if (sc > *score) {
                *score = sc;
                if (explanation) {
                    free(*explanation);
                    *explanation = ex;
                    ex = NULL;
                }
            }
            free(ex);
            free(rd[i].name);
        }
    }
    return 0;
}

static void compare_one(em_searcher *s, const char *schema, const char *name1, const char *name2,
                        double *score, char **explanation) {
    int k = schema_kind_of(schema);
    int kind = k == SNAP_SCHEMA_PERSON ? EM_KIND_PERSON : k ? EM_KIND_ORG : EM_KIND_ANY;
    em_name_tokens a, b;
    em_tokenize_name(s->norm, s->m->k, name1, kind, &a);
    em_tokenize_name(s->norm, s->m->k, name2, kind, &b);
    em_part pa[EM_PART_MAX], pb[EM_PART_MAX];
    size_t na = query_parts(s->m, &a, pa), nb = query_parts(s->m, &b, pb);
    em_alignment al;
    int org = kind == EM_KIND_ORG;
    em_align(pa, na, pb, nb, a.abjad || b.abjad, org, s->m->k, NULL, &al);
    em_alignment al2;
    em_align(pb, nb, pa, na, a.abjad || b.abjad, org, s->m->k, NULL, &al2);
    if (!org && a.by_sound && !b.by_sound) em_align_by_sound(pa, na, pb, nb, &al);
    if (!org && b.by_sound && !a.by_sound) em_align_by_sound(pb, nb, pa, na, &al2);
    /* a pair of names has no query side: for organisations both directions count
       (an extra word names another company); for people the better direction (a
       name with and without a middle name is the same person). The explanation
       is that of name1 against name2. */
    float sc = org ? (al.score + al2.score) / 2 : (al.score > al2.score ? al.score : al2.score);
    *score = sc;
    if (explanation) {
        em_explain_builder xb;
        em_explain_init(&xb, sc);
        em_explain_add_alignment(&xb, &al, pa, na, pb, nb);
        const em_explanation *x;
        free(em_explain_finish(&xb, 1, explanation, &x));
    }
    em_name_tokens_free(&a);
    em_name_tokens_free(&b);
}
