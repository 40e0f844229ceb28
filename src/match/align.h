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
    EM_HOW_JOINED
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
    float matched_w;  /* sum of query weights * similarity */
    float score;      /* name score in [0,1] before qualifiers */
} em_alignment;

/* Similarity of two single parts (0 when they do not meet). abjad: one side was
   written without vowels, so consonant skeletons count for more. */
float em_part_similarity(const em_part *a, const em_part *b, int abjad, em_how *how);

/* Aligns query parts q[0..nq) with list parts c[0..nc). */
void em_align(const em_part *q, size_t nq, const em_part *c, size_t nc, int abjad,
              em_alignment *out);

/* Appends a readable account ("esmail~esmaeil (variant)") and a JSON array of the
   pairs to the buffers (either may be NULL). */
void em_alignment_explain(const em_alignment *a, const em_part *q, size_t nq, const em_part *c,
                          size_t nc, em_buf *text, em_buf *json);

#endif
