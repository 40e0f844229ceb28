/*
 * align.h - comparing two names part by part. Each side is a list of parts
 * (tokens with weights); parts are aligned one-to-one regardless of order,
 * greedily by similarity, allowing one part to meet two glued parts of the
 * other side ("sergeilavrov" ~ "sergei" + "lavrov"). The name score weighs
 * unmatched query parts more than unmatched list parts. The weights are in
 * weights.h; explain.c turns an alignment into its explanation.
 */
#ifndef EM_MATCH_ALIGN_H
#define EM_MATCH_ALIGN_H

#include <stddef.h>
#include <stdint.h>

#include "embargo.h"
#include "text/tokens.h"

#define EM_PART_MAX EM_TOK_MAX
/* the most parts glued into one (weights.h: EM_JOIN_MAX_PARTS, checked in align.c) */
#define EM_JOIN_MAX_PARTS_KEY 4

typedef struct em_part {
    const char *text;
    const char *skel;
    uint32_t group;
    uint32_t vocab; /* snapshot token id, UINT32_MAX when unknown */
    uint16_t len;
    uint16_t flags;
    float w; /* weight (IDF-based) */
} em_part;

/* How two parts met is the public em_part_how (embargo.h); EM_HOW_NONE, "did not
   meet", is what em_part_similarity says along with a similarity of 0. */
#define EM_HOW_NONE EM_HOW_UNMATCHED_QUERY

typedef struct em_pair {
    int8_t q, q2; /* query part(s): q alone (q2 = -1), or the glued run q..q2 */
    int8_t c, c2; /* list part(s), likewise */
    float sim;
    em_part_how how;
} em_pair;

/* The bits of parts i..i2 (i alone when i2 < 0). */
static inline uint32_t em_run_mask(int i, int i2) {
    int last = i2 >= i ? i2 : i;
    return (uint32_t)((2ull << last) - (1ull << i));
}

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
                         em_part_how *how);

/* The optimal string alignment distance of a and b (adjacent transpositions one
   edit, confusable letters half), or more than max when it exceeds max. la and lb
   at most UINT16_MAX (a part's length). */
float em_edit_distance(const char *a, size_t la, const char *b, size_t lb, float max);

/* The sound of a whole name of parts (tokens.h: em_name_sound_key). */
size_t em_parts_sound_key(const em_part *p, size_t n, size_t first, char *out, size_t cap);

/* A name written by its sounds (em_name_tokens.by_sound) met by the sound of the whole name:
   when its parts do not meet the listed name's one by one (al->score below
   EM_SIM_NAME_SOUND) but the two names' sound keys are the same (the listed one also
   with its first part last: "HLAING, Min Aung"), al becomes one pair of all the parts
   at EM_SIM_NAME_SOUND. Returns 1 when it did. */
int em_align_by_sound(const em_part *q, size_t nq, const em_part *c, size_t nc, em_alignment *al);

/* Memo of part similarities for one query: (query part, list token id) ->
   similarity. Candidates share tokens, so most comparisons repeat. */
#define EM_SIMCACHE_SIZE 8192
/* The same for one part against glued parts (the letter-by-letter half of the
   comparison, after its length tests): keyed by the parts' ids (a list part's
   token id, or EM_JOINKEY_QUERY | its index for a query part, EM_JOINKEY_NONE
   padding) and whether one side was written in an abjad. */
#define EM_JOINCACHE_SIZE 1024
#define EM_JOINKEY_QUERY 0xFFFFFF00u
#define EM_JOINKEY_NONE 0xFFFFFFFFu
typedef struct em_joinslot {
    uint32_t id[1 + EM_JOIN_MAX_PARTS_KEY];
    uint32_t gen;
    float sim;
    uint8_t abjad;
} em_joinslot;
/* one entry of the part table: what one lookup reads is in one cache line (a query
   touches a few hundred entries, each a line the retrieval has since evicted) */
typedef struct em_simslot {
    uint32_t key; /* (vocab << 5 | part) + 1 */
    uint32_t gen; /* the generation that wrote it; another one = empty */
    float sim;
    uint8_t how;
} em_simslot;
typedef struct em_simcache {
    em_simslot part[EM_SIMCACHE_SIZE];
    uint32_t generation;
    /* per query part (the first 32): 0 not asked yet, 1 in no nickname pair, 2 in one */
    uint8_t qnick[32];
    em_joinslot join[EM_JOINCACHE_SIZE];
} em_simcache;

/* Starts a new query: forgets every memoised similarity in O(1). */
void em_simcache_reset(em_simcache *sc);

/* Aligns query parts q[0..nq) with list parts c[0..nc); org: organisation names;
   cache may be NULL. */
void em_align(const em_part *q, size_t nq, const em_part *c, size_t nc, int abjad, int org,
              const em_knowledge *k, em_simcache *cache, em_alignment *out);

#endif
