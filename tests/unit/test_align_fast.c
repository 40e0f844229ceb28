/*
 * test_align_fast.c - the shortcuts of the aligner (src/match/align.c) give what
 * the long way gives. A typo's edit distance is computed only up to the most that
 * can still pass (text_similarity): compared, over many near-miss pairs, with the
 * rule computed in full (em_edit_distance at the length's whole allowance). The
 * per-query memos (em_simcache: the glued parts' table, the query parts in no
 * nickname pair) are compared with em_align without a cache over random names
 * from the bundled knowledge's nicknames, glued and split parts, organisation
 * stopwords and Arabic-script words.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "match/align.h"
#include "match/weights.h"
#include "text/knowledge.h"
#include "text/tokens.h"

NAMES_ONLY_FIXTURE(F)

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* ---- the typo rule in full -------------------------------------------------------- */

static int vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int cmp_char(const void *a, const void *b) {
    return *(const char *)a - *(const char *)b;
}

/* text_similarity for parts with no skeleton, no shared affix and no abjad (the
   alphabet below has none of the affixes' letters d, n, o, s, v, z): exact, anagram,
   typo with the edit distance computed at its whole allowance */
static float full_rule(const char *a, size_t la, const char *b, size_t lb) {
    if (la == lb && memcmp(a, b, la) == 0) return EM_SIM_EXACT;
    float best = 0;
    if (la == lb && la >= EM_ANAGRAM_MIN_LEN) {
        char sa[64], sb[64];
        memcpy(sa, a, la), memcpy(sb, b, lb);
        qsort(sa, la, 1, cmp_char), qsort(sb, lb, 1, cmp_char);
        if (memcmp(sa, sb, la) == 0) best = EM_ANAGRAM_SIM;
    }
    size_t mn = la < lb ? la : lb, mx = la < lb ? lb : la;
    if (mn >= EM_FUZZY_MIN_LEN && mx - mn <= EM_FUZZY_MAX_LEN_DIFF) {
        float maxd = mx >= EM_FUZZY_THREE_EDITS_LEN ? 3.0f
                     : mx >= EM_FUZZY_TWO_EDITS_LEN ? 2.0f
                                                    : 1.0f;
        float dist = em_edit_distance(a, la, b, lb, maxd);
        if (dist <= maxd) {
            float s = 1.0f - dist / (float)mx;
            if (a[0] != b[0] && !(vowel(a[0]) && vowel(b[0]))) s -= EM_FUZZY_FIRST_LETTER;
            if (s >= EM_FUZZY_MIN_SIM && s > best)
                best = s > EM_FUZZY_MAX_SIM ? EM_FUZZY_MAX_SIM : s;
        }
    }
    return best;
}

/* b: a with up to 3 random edits (substitution, insertion, deletion, transposition) */
static size_t mutate(const char *a, size_t la, char *b, const char *alphabet, size_t na) {
    memcpy(b, a, la);
    size_t lb = la;
    for (uint32_t e = rnd(4); e > 0; e--) {
        size_t at = rnd((uint32_t)lb + 1);
        switch (rnd(4)) {
        case 0:
            if (at < lb) b[at] = alphabet[rnd((uint32_t)na)];
            break;
        case 1:
            if (lb < 30) {
                memmove(b + at + 1, b + at, lb - at);
                b[at] = alphabet[rnd((uint32_t)na)];
                lb++;
            }
            break;
        case 2:
            if (at < lb && lb > 2) {
                memmove(b + at, b + at + 1, lb - at - 1);
                lb--;
            }
            break;
        default:
            if (at + 1 < lb) {
                char t = b[at];
                b[at] = b[at + 1];
                b[at + 1] = t;
            }
        }
    }
    b[lb] = '\0';
    return lb;
}

static void typo_bound_is_exact(void **state) {
    (void)state;
    static const char alphabet[] = "abekmr"; /* confusable: a/e; the first letter matters */
    size_t na = sizeof alphabet - 1, checked = 0, fuzzy = 0;
    for (int n = 0; n < 200000; n++) {
        char a[40], b[40];
        size_t la = 2 + rnd(13);
        for (size_t i = 0; i < la; i++)
            a[i] = alphabet[rnd((uint32_t)na)];
        a[la] = '\0';
        size_t lb = mutate(a, la, b, alphabet, na);
        em_part pa = {a, "", 0, UINT32_MAX, (uint16_t)la, 0, 1};
        em_part pb = {b, "", 0, UINT32_MAX, (uint16_t)lb, 0, 1};
        em_part_how how;
        float got = em_part_similarity(&pa, &pb, 0, NULL, &how);
        float want = full_rule(a, la, b, lb);
        if (got != want) fail_msg("%s ~ %s: %.9g, the rule in full says %.9g", a, b, got, want);
        checked++;
        if (want > 0 && want < EM_SIM_EXACT) fuzzy++;
    }
    assert_true(checked == 200000);
    assert_true(fuzzy > 10000); /* the pairs reach the typo rule, not only its exits */
}

/* ---- the per-query memos against em_align without a cache --------------------------- */

static const char *const WORDS[] = {
    "william bill robert bob roberto elizabeth beth liz katherine kate kathy alexander alex",
    "sergei lavrov sergeilavrov sergey lavrow serge ilavrov abdul rahman abdulrahman",
    "abdurrahman abdel rahim abdelrahim van der bilt vanderbilt bank of america boa",
    "jean claude jc jeanclaude mohammed muhammad mohamed al assad alasad alassad",
    "kim jong un jongun kimjongun bin laden binladen osama usama ben ali benali",
    "petrov petrova petrovich ivanov ivanovna putin putinas khamenei hameineiyi",
    "محمد عبد الرحمن الأسد أسامة بن لادن",
    "international trading company ltd limited llc gmbh holding holdings group",
    "dmitri dmitry dimitri medvedev medwedew aleksandr aleksander lukashenko lukashenka",
};

typedef struct pool {
    em_name_tokens nt[sizeof WORDS / sizeof *WORDS];
    em_part p[512];
    size_t n;
} pool;

static void pool_build(pool *pl) {
    pl->n = 0;
    for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++) {
        memset(&pl->nt[i], 0, sizeof pl->nt[i]);
        em_tokenize_name(F.nz, F.k, WORDS[i], EM_KIND_ANY, &pl->nt[i]);
        for (size_t j = 0; j < pl->nt[i].len && pl->n < 512; j++) {
            const em_token *t = &pl->nt[i].items[j];
            pl->p[pl->n] = (em_part){t->text,
                                     t->skel,
                                     t->group,
                                     (uint32_t)pl->n,
                                     (uint16_t)t->len,
                                     (uint16_t)t->flags,
                                     0.5f + (float)(pl->n % 7) * 0.4f};
            pl->n++;
        }
    }
}

static void pool_free(pool *pl) {
    for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++)
        em_name_tokens_free(&pl->nt[i]);
}

/* n parts of the 9 neighbours of at in WORDS (glued and split forms side by side,
   nicknames), in runs or in any order, as a query's candidates share their tokens; a
   token the lists lack one time in ten */
static void draw(const pool *pl, size_t at, em_part *out, size_t n) {
    size_t start = rnd(9);
    int run = (int)rnd(2);
    for (size_t i = 0; i < n; i++) {
        size_t k = run ? start + i : rnd(9);
        out[i] = pl->p[(at + pl->n + k - 4) % pl->n];
        if (rnd(10) == 0) out[i].vocab = UINT32_MAX;
    }
}

static void same_alignment(const em_alignment *x, const em_alignment *y) {
    assert_int_equal(x->npairs, y->npairs);
    for (size_t i = 0; i < x->npairs; i++) {
        assert_int_equal(x->pairs[i].q, y->pairs[i].q);
        assert_int_equal(x->pairs[i].q2, y->pairs[i].q2);
        assert_int_equal(x->pairs[i].c, y->pairs[i].c);
        assert_int_equal(x->pairs[i].c2, y->pairs[i].c2);
        assert_true(x->pairs[i].sim == y->pairs[i].sim);
        assert_int_equal(x->pairs[i].how, y->pairs[i].how);
    }
    assert_true(x->qcov == y->qcov && x->ccov == y->ccov && x->matched_w == y->matched_w);
    assert_true(x->conflict == y->conflict && x->score == y->score);
}

static void memos_agree_with_no_cache(void **state) {
    (void)state;
    pool pl;
    pool_build(&pl);
    assert_true(pl.n > 80);
    em_simcache *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    size_t joined = 0, nick = 0;
    for (int query = 0; query < 400; query++) {
        em_part q[6], c[6];
        size_t nq = 1 + rnd(5), at = rnd((uint32_t)pl.n);
        draw(&pl, at, q, nq);
        /* the part table's key has no abjad (a query's candidates share it, as in search.c) */
        int abjad = (int)rnd(2);
        em_simcache_reset(sc);
        for (int cand = 0; cand < 150; cand++) {
            size_t nc = 1 + rnd(6);
            draw(&pl, at, c, nc);
            int org = (int)rnd(2);
            em_alignment with, without;
            em_align(q, nq, c, nc, abjad, org, F.k, sc, &with);
            em_align(q, nq, c, nc, abjad, org, F.k, NULL, &without);
            same_alignment(&with, &without);
            for (size_t i = 0; i < with.npairs; i++) {
                joined += with.pairs[i].how == EM_HOW_JOINED;
                nick += with.pairs[i].how == EM_HOW_NICKNAME;
            }
        }
    }
    print_message("%zu joined, %zu nicknames\n", joined, nick);
    /* the memos were used on the rules they stand for */
    assert_true(joined > 100);
    assert_true(nick > 100);
    free(sc);
    pool_free(&pl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typo_bound_is_exact),
        cmocka_unit_test(memos_agree_with_no_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
