/*
 * explain.c - explanations (see explain.h): the C data a result carries, and
 * the one place its readable text and its JSON are rendered. The JSON shape
 * is a contract (the server's /match "explanation", the CLI's --json, the web
 * UI); numbers print as they always have (%.3f in JSON, %.2f in text).
 */
#include "match/explain.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/weights.h"

const char *em_part_how_name(em_part_how how) {
    switch (how) {
    case EM_HOW_EXACT:
        return "exact";
    case EM_HOW_VARIANT:
        return "variant";
    case EM_HOW_SKELETON:
        return "skeleton";
    case EM_HOW_FUZZY:
        return "fuzzy";
    case EM_HOW_INITIAL:
        return "initial";
    case EM_HOW_JOINED:
        return "joined";
    case EM_HOW_NICKNAME:
        return "nickname";
    case EM_HOW_PHONETIC:
        return "phonetic";
    case EM_HOW_ARABIC_LETTER:
        return "arabic letter variant";
    case EM_HOW_ARABIC_ARTICLE:
        return "arabic article";
    case EM_HOW_ARABIC_WORD:
        return "arabic word";
    case EM_HOW_ACRONYM:
        return "acronym";
    case EM_HOW_ABBREVIATION:
        return "abbreviation";
    case EM_HOW_LEGAL_TYPO:
        return "legal_form_typo";
    case EM_HOW_COUNTRY:
        return "country_adjective";
    case EM_HOW_CASE_ENDING:
        return "case_ending";
    case EM_HOW_NAME_SOUND:
        return "name by sound";
    case EM_HOW_HEBREW_LETTER:
        return "hebrew letter variant";
    case EM_HOW_UNMATCHED_QUERY:
        return "unmatched_query";
    case EM_HOW_UNMATCHED_LIST:
        return "unmatched_list";
    }
    return "none";
}

/* ---- building ------------------------------------------------------------------ */

void em_explain_init(em_explain_builder *b, double score) {
    memset(b, 0, sizeof *b);
    em_buf_init(&b->strs);
    b->score = score;
    b->identifier = b->query_name = b->matched_name = b->name_kind = EM_EXPLAIN_NONE;
}

size_t em_explain_str(em_explain_builder *b, const char *s) {
    if (!s) return EM_EXPLAIN_NONE;
    size_t off = b->strs.len;
    em_buf_add(&b->strs, s, strlen(s) + 1);
    return off;
}

/* the text of part i, "+"-joined with the parts up to i2 when parts were glued */
static size_t part_str(em_explain_builder *b, const em_part *p, int i, int i2) {
    size_t off = b->strs.len;
    em_buf_adds(&b->strs, p[i].text);
    for (int j = i + 1; j <= i2; j++) {
        em_buf_addc(&b->strs, '+');
        em_buf_adds(&b->strs, p[j].text);
    }
    em_buf_addc(&b->strs, '\0');
    return off;
}

static float run_weight(const em_part *p, int i, int i2) {
    float w = p[i].w;
    for (int j = i + 1; j <= i2; j++)
        w += p[j].w;
    return w;
}

void em_explain_add_alignment(em_explain_builder *b, const em_alignment *a, const em_part *q,
                              size_t nq, const em_part *c, size_t nc) {
    uint32_t qused = 0, cused = 0;
    b->nparts = 0;
    for (size_t i = 0; i < a->npairs; i++) {
        const em_pair *p = &a->pairs[i];
        qused |= em_run_mask(p->q, p->q2);
        cused |= em_run_mask(p->c, p->c2);
        size_t k = b->nparts++;
        b->parts[k].query = part_str(b, q, p->q, p->q2);
        b->parts[k].listed = part_str(b, c, p->c, p->c2);
        b->parts[k].how = p->how;
        b->parts[k].similarity = p->sim;
        b->parts[k].query_weight = run_weight(q, p->q, p->q2);
        b->parts[k].listed_weight = run_weight(c, p->c, p->c2);
    }
    for (size_t i = 0; i < nq; i++) {
        if (qused & (1u << i)) continue;
        size_t k = b->nparts++;
        b->parts[k].query = part_str(b, q, (int)i, -1);
        b->parts[k].listed = EM_EXPLAIN_NONE;
        b->parts[k].how = EM_HOW_UNMATCHED_QUERY;
        b->parts[k].similarity = 0;
        b->parts[k].query_weight = q[i].w;
        b->parts[k].listed_weight = 0;
    }
    for (size_t j = 0; j < nc; j++) {
        if (cused & (1u << j)) continue;
        size_t k = b->nparts++;
        b->parts[k].query = EM_EXPLAIN_NONE;
        b->parts[k].listed = part_str(b, c, (int)j, -1);
        b->parts[k].how = EM_HOW_UNMATCHED_LIST;
        b->parts[k].similarity = 0;
        b->parts[k].query_weight = 0;
        b->parts[k].listed_weight = c[j].w;
    }
    b->query_coverage = a->qcov;
    b->list_coverage = a->ccov;
}

void em_explain_add_qualifier(em_explain_builder *b, const char *fact, double effect,
                              const char *detail) {
    if (b->nqualifiers == EM_EXPLAIN_MAX_QUALIFIERS) return;
    size_t k = b->nqualifiers++;
    b->qualifiers[k].fact = em_explain_str(b, fact);
    b->qualifiers[k].detail = em_explain_str(b, detail ? detail : "");
    b->qualifiers[k].effect = effect;
}

/* ---- rendering ------------------------------------------------------------------- */

void em_explanation_render_alignment_text(const em_explanation *x, em_buf *b) {
    size_t npairs = 0;
    int first = 1;
    for (size_t i = 0; i < x->nparts; i++) {
        const em_explain_part *p = &x->parts[i];
        switch (p->how) {
        case EM_HOW_UNMATCHED_QUERY:
            em_buf_printf(b, "%s%s unmatched in the query", npairs || !first ? "; " : "", p->query);
            first = 0;
            break;
        case EM_HOW_UNMATCHED_LIST:
            em_buf_printf(b, "; %s not in the query", p->listed);
            break;
        default:
            if (npairs++) em_buf_adds(b, ", ");
            em_buf_adds(b, p->query);
            em_buf_adds(b, p->how == EM_HOW_EXACT ? "=" : "~");
            em_buf_adds(b, p->listed);
            if (p->how != EM_HOW_EXACT)
                em_buf_printf(b, " (%s %.2f)", em_part_how_name(p->how), p->similarity);
        }
    }
}

void em_explanation_render_alignment_json(const em_explanation *x, em_buf *b) {
    em_buf_adds(b, "{\"parts\":[");
    int n = 0;
    for (size_t i = 0; i < x->nparts; i++) {
        const em_explain_part *p = &x->parts[i];
        if (p->how == EM_HOW_UNMATCHED_QUERY || p->how == EM_HOW_UNMATCHED_LIST) continue;
        em_buf_adds(b, n++ ? ",{\"query\":" : "{\"query\":");
        em_buf_json_str(b, p->query);
        em_buf_adds(b, ",\"list\":");
        em_buf_json_str(b, p->listed);
        em_buf_printf(b, ",\"how\":\"%s\",\"similarity\":%.3f}", em_part_how_name(p->how),
                      p->similarity);
    }
    for (int side = 0; side < 2; side++) {
        em_part_how how = side ? EM_HOW_UNMATCHED_LIST : EM_HOW_UNMATCHED_QUERY;
        em_buf_adds(b, side ? "],\"unmatched_list\":[" : "],\"unmatched_query\":[");
        n = 0;
        for (size_t i = 0; i < x->nparts; i++) {
            const em_explain_part *p = &x->parts[i];
            if (p->how != how) continue;
            if (n++) em_buf_addc(b, ',');
            em_buf_json_str(b, side ? p->listed : p->query);
        }
    }
    em_buf_printf(b, "],\"query_coverage\":%.3f,\"list_coverage\":%.3f}", x->query_coverage,
                  x->list_coverage);
}

void em_explanation_render_text(const em_explanation *x, em_buf *b) {
    if (x->identifier)
        em_buf_printf(b, "identifier %s is listed for this party (exact match)", x->identifier);
    if (!x->query_name) return;
    if (x->identifier) em_buf_adds(b, "; ");
    em_buf_printf(b, "name %.2f: ", x->name_score);
    em_explanation_render_alignment_text(x, b);
    if (x->weak_alias) em_buf_printf(b, "; weak alias x%.2f", (double)EM_WEAK_ALIAS_FACTOR);
    if (x->common_names) em_buf_adds(b, "; the matched parts are common names (score reduced)");
    for (size_t i = 0; i < x->nqualifiers; i++) {
        const em_explain_qualifier *q = &x->qualifiers[i];
        em_buf_printf(b, "; %s %+.2f (%s)", q->fact, q->effect, q->detail);
    }
}

void em_explanation_render_json(const em_explanation *x, em_buf *b) {
    em_buf_printf(b, "{\"score\":%.3f", x->score);
    if (x->identifier) {
        em_buf_adds(b, ",\"identifier\":{\"value\":");
        em_buf_json_str(b, x->identifier);
        em_buf_adds(b, ",\"how\":\"exact\"}");
    }
    if (x->query_name) {
        em_buf_adds(b, ",\"name\":{\"query\":");
        em_buf_json_str(b, x->query_name);
        em_buf_adds(b, ",\"matched_name\":");
        em_buf_json_str(b, x->matched_name);
        em_buf_adds(b, ",\"kind\":");
        em_buf_json_str(b, x->name_kind);
        em_buf_printf(b, ",\"weak_alias\":%s,\"score\":%.3f,\"alignment\":",
                      x->weak_alias ? "true" : "false", x->name_score);
        em_explanation_render_alignment_json(x, b);
        em_buf_adds(b, "},\"qualifiers\":[");
        for (size_t i = 0; i < x->nqualifiers; i++) {
            const em_explain_qualifier *q = &x->qualifiers[i];
            em_buf_adds(b, i ? ",{\"fact\":" : "{\"fact\":");
            em_buf_json_str(b, q->fact);
            em_buf_printf(b, ",\"effect\":%.3f,\"detail\":", q->effect);
            em_buf_json_str(b, q->detail);
            em_buf_addc(b, '}');
        }
        em_buf_addc(b, ']');
    }
    em_buf_addc(b, '}');
}

/* ---- packing ------------------------------------------------------------------------ */

/* A view of the builder's data as an em_explanation whose strings point at base. */
static void view(const em_explain_builder *b, const char *base, em_explanation *x,
                 em_explain_part *parts, em_explain_qualifier *quals) {
#define S(off) ((off) == EM_EXPLAIN_NONE ? NULL : base + (off))
    memset(x, 0, sizeof *x);
    x->score = b->score;
    x->weak_query_name = b->weak_query_name;
    x->identifier = S(b->identifier);
    x->query_name = S(b->query_name);
    x->matched_name = S(b->matched_name);
    x->name_kind = S(b->name_kind);
    x->weak_alias = b->weak_alias;
    x->common_names = b->common_names;
    x->name_score = b->name_score;
    x->query_coverage = b->query_coverage;
    x->list_coverage = b->list_coverage;
    for (size_t i = 0; i < b->nparts; i++)
        parts[i] = (em_explain_part){S(b->parts[i].query),     S(b->parts[i].listed),
                                     b->parts[i].how,          b->parts[i].similarity,
                                     b->parts[i].query_weight, b->parts[i].listed_weight};
    for (size_t i = 0; i < b->nqualifiers; i++)
        quals[i] = (em_explain_qualifier){S(b->qualifiers[i].fact), b->qualifiers[i].effect,
                                          S(b->qualifiers[i].detail)};
    x->parts = b->nparts ? parts : NULL;
    x->nparts = b->nparts;
    x->qualifiers = b->nqualifiers ? quals : NULL;
    x->nqualifiers = b->nqualifiers;
#undef S
}

static size_t align_up(size_t n, size_t a) {
    return (n + a - 1) / a * a;
}

char *em_explain_finish(em_explain_builder *b, int compare, char **json,
                        const em_explanation **out) {
    const char *strs = em_buf_cstr(&b->strs);
    em_explanation draft;
    em_explain_part parts[EM_EXPLAIN_MAX_PARTS];
    em_explain_qualifier quals[EM_EXPLAIN_MAX_QUALIFIERS];
    view(b, strs, &draft, parts, quals);

    em_buf text, js;
    em_buf_init(&text);
    em_buf_init(&js);
    if (compare) {
        em_explanation_render_alignment_text(&draft, &text);
        em_buf_printf(&js, "{\"score\":%.3f,\"alignment\":", draft.score);
        em_explanation_render_alignment_json(&draft, &js);
        em_buf_adds(&js, ",\"text\":");
        em_buf_json_str(&js, em_buf_cstr(&text));
        em_buf_addc(&js, '}');
    } else {
        em_explanation_render_text(&draft, &text);
        em_explanation_render_json(&draft, &js);
    }
    *json = em_buf_detach(&js);

    /* one block: the text, then the explanation, its parts, qualifiers and strings */
    size_t tlen = text.len;
    size_t a = alignof(max_align_t);
    size_t off_x = align_up(tlen + 1, a);
    size_t off_p = off_x + align_up(sizeof(em_explanation), a);
    size_t off_q = off_p + align_up(b->nparts * sizeof(em_explain_part), a);
    size_t off_s = off_q + b->nqualifiers * sizeof(em_explain_qualifier);
    char *block = em_xmalloc(off_s + b->strs.len + 1);
    memcpy(block, em_buf_cstr(&text), tlen + 1);
    memcpy(block + off_s, strs, b->strs.len);
    block[off_s + b->strs.len] = '\0';
    em_explanation *x = (em_explanation *)(void *)(block + off_x);
    view(b, block + off_s, x, (em_explain_part *)(void *)(block + off_p),
         (em_explain_qualifier *)(void *)(block + off_q));
    em_buf_free(&text);
    em_buf_free(&b->strs);
    *out = x;
    return block;
}

/* ---- the public accessors ------------------------------------------------------- */

const em_explanation *em_result_explanation(const em_result *r) {
    return r ? r->explain : NULL;
}

size_t em_result_features(const em_result *r, const char **names, double *values, size_t cap) {
    const em_explanation *x = em_result_explanation(r);
    if (!x) return 0;
    size_t n = 0;
#define FEATURE(name, value)                                                                       \
    do {                                                                                           \
        if (n < cap) {                                                                             \
            if (names) names[n] = (name);                                                          \
            if (values) values[n] = (value);                                                       \
        }                                                                                          \
        n++;                                                                                       \
    } while (0)
    if (x->query_name) FEATURE("name", x->name_score);
    if (x->identifier) FEATURE("identifier", 1.0);
    for (size_t i = 0; i < x->nqualifiers; i++)
        FEATURE(x->qualifiers[i].fact, x->qualifiers[i].effect);
#undef FEATURE
    return n;
}
