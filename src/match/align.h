/*
 * align.h - comparing two names part by part. Each side is a list of parts
 * (tokens with weights); parts are aligned one-to-one regardless of order,
 * greedily by similarity, allowing one part to meet two glued parts of the
 * other side ("sergeilavrov" ~ "sergei" + "lavrov"). The name score weighs
 * unmatched query parts more than unmatched list parts.
 */
#ifndef EM_MATCH_ALIGN_H
#define EM_MATCH_ALIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "text/tokens.h"

#define EM_PART_MAX EM_TOK_MAX

typedef struct em_part {
    const char *text;
    const char *skel;
    uint32_t group;
    uint32_t vocab; /* snapshot token id, UINT32_MAX when unknown */
    uint16_t len;
    uint16_t flags;
    float w; /* weight (IDF-based) */
} em_part;

typedef enum em_how {
    EM_HOW_NONE = 0,
    EM_HOW_EXACT,
    EM_HOW_VARIANT,
    EM_HOW_SKELETON,
    EM_HOW_FUZZY,
    EM_HOW_INITIAL,
    EM_HOW_JOINED,
    EM_HOW_NICKNAME
} em_how;

const char *em_how_name(em_how h);

typedef struct em_pair {
    int8_t q, q2; /* query part(s); q2 = -1 unless two query parts were glued */
    int8_t c, c2; /* list part(s) */
    float sim;
    em_how how;
} em_pair;

typedef struct em_alignment {
    em_pair pairs[EM_PART_MAX];
    size_t npairs;
    float qcov, ccov; /* weighted coverage of query / list parts */
    float matched_w;  /* matched evidence: sum of similarity * min(query, list weight) */
    float conflict;   /* weight share of parts left over on both sides */
    float score;      /* name score in [0,1] before qualifiers */
} em_alignment;

/* Similarity of two single parts (0 when they do not meet). abjad: one side was
   written without vowels, so consonant skeletons count for more. */
float em_part_similarity(const em_part *a, const em_part *b, int abjad, const em_knowledge *k,
                         em_how *how);

/* Memo of part similarities for one query: (query part, list token id) ->
   similarity. Candidates share tokens, so most comparisons repeat. */
#define EM_SIMCACHE_SIZE 8192
typedef struct em_simcache {
    uint32_t key[EM_SIMCACHE_SIZE]; /* (vocab << 5 | part) + 1; 0 = empty */
    uint32_t gen[EM_SIMCACHE_SIZE];
    float sim[EM_SIMCACHE_SIZE];
    uint8_t how[EM_SIMCACHE_SIZE];
    uint32_t generation;
} em_simcache;

/* Starts a new query: forgets every memoised similarity in O(1). */
void em_simcache_reset(em_simcache *sc);

/* Scoring constants, tuned on the development name pairs (docs/QUALITY.md):
   the share of the score that depends on covering the list name (a person's
   list name often has parts a query omits; an organisation's rarely), and the
   cost of parts left over on both sides. */
#define EM_PERSON_LIST_SHARE 0.28f
#define EM_ORG_LIST_SHARE 0.45f
#define EM_CONFLICT_COST 1.5f
#define EM_PATRONYMIC_SWAP 0.4f /* conflict added when "X bin Y" meets "Y bin X" */
/* Typos: parts of at least EM_FUZZY_MIN_LEN letters may differ by one edit
   (two from 6 letters, three from 9), confusable letters costing half; the
   similarity 1 - edits/length must reach EM_FUZZY_MIN_SIM. */
#define EM_FUZZY_MIN_LEN 4
#define EM_FUZZY_MIN_SIM 0.75f
#define EM_ANAGRAM_SIM 0.80f
#define EM_NICKNAME_SIM                                                                            \
    0.85f /* "bill" / "william" (data/knowledge/nicknames.txt) */ /* same letters, other order, 5+ \
                                                                     letters */

/* Aligns query parts q[0..nq) with list parts c[0..nc); org: organisation names;
   cache may be NULL. */
void em_align(const em_part *q, size_t nq, const em_part *c, size_t nc, int abjad, int org,
              const em_knowledge *k, em_simcache *cache, em_alignment *out);

/* Appends a readable account ("esmail~esmaeil (variant)") and a JSON array of the
   pairs to the buffers (either may be NULL). */
void em_alignment_explain(const em_alignment *a, const em_part *q, size_t nq, const em_part *c,
                          size_t nc, em_buf *text, em_buf *json);

#endif
