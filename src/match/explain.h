/*
 * explain.h - the explanation of a score as C data (em_explanation, embargo.h),
 * built while a result is filled, and its two renderings, readable text and
 * JSON, made in one place (explain.c) from that data and nothing else.
 *
 * A builder collects the facts (strings are copied); em_explain_finish then
 * renders text and JSON and packs the C data into the same allocation as the
 * text: one free() of the text releases both, so an em_result stays a set of
 * separately free()d strings.
 */
#ifndef EM_MATCH_EXPLAIN_H
#define EM_MATCH_EXPLAIN_H

#include <stddef.h>

#include "base/buf.h"
#include "embargo.h"
#include "match/align.h"

#define EM_EXPLAIN_MAX_PARTS (2 * EM_PART_MAX)
#define EM_EXPLAIN_MAX_QUALIFIERS 4 /* schema, birth_date, country, gender */

typedef struct em_explain_builder {
    em_buf strs; /* every string, NUL-terminated; the fields below hold offsets */
    double score;
    int weak_query_name;
    size_t identifier, query_name, matched_name, name_kind; /* EM_EXPLAIN_NONE = NULL */
    int weak_alias, common_names;
    double name_score, query_coverage, list_coverage;
    struct {
        size_t query, listed;
        em_part_how how;
        double similarity, query_weight, listed_weight;
    } parts[EM_EXPLAIN_MAX_PARTS];
    size_t nparts;
    struct {
        size_t fact, detail;
        double effect;
    } qualifiers[EM_EXPLAIN_MAX_QUALIFIERS];
    size_t nqualifiers;
} em_explain_builder;

#define EM_EXPLAIN_NONE ((size_t)-1)

void em_explain_init(em_explain_builder *b, double score);
/* Copies s into the builder; returns its offset (EM_EXPLAIN_NONE for NULL). */
size_t em_explain_str(em_explain_builder *b, const char *s);
/* The parts of an alignment of query parts q with listed parts c, and its coverage. */
void em_explain_add_alignment(em_explain_builder *b, const em_alignment *a, const em_part *q,
                              size_t nq, const em_part *c, size_t nc);
void em_explain_add_qualifier(em_explain_builder *b, const char *fact, double effect,
                              const char *detail);

/*
 * Renders the explanation and releases the builder. *json receives the JSON
 * object text (free() it); the return value is the readable text (free() it),
 * which also holds the C data: *x points into it. With compare set, the JSON is
 * that of a pair comparison ({"score", "alignment", "text"}).
 */
char *em_explain_finish(em_explain_builder *b, int compare, char **json, const em_explanation **x);

/* The two renderings of an explanation, appended to b. */
void em_explanation_render_text(const em_explanation *x, em_buf *b);
void em_explanation_render_json(const em_explanation *x, em_buf *b);
/* The alignment alone ({"parts", "unmatched_query", "unmatched_list", coverage}). */
void em_explanation_render_alignment_text(const em_explanation *x, em_buf *b);
void em_explanation_render_alignment_json(const em_explanation *x, em_buf *b);

#endif
