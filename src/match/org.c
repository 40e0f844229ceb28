/*
 * org.c - the organisation rules of the aligner (see org.h): acronyms, legal
 * forms misspelt, and which table a variant group came from. align.c calls
 * them while it compares the parts of two organisation names; the weights and
 * lengths are in weights.h, the words in data/knowledge (legal_forms.tsv,
 * org_stopwords.txt, abbreviations.tsv, country_adjectives.tsv).
 */
#include "match/org.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "match/matcher_internal.h"
#include "match/weights.h"

int em_org_acronym_part(const em_part *p) {
    if (p->len < EM_ACRONYM_MIN_LEN || p->len > EM_ACRONYM_MAX_LEN || p->group) return 0;
    if (p->flags &
        (EM_TOK_NUMBER | EM_TOK_LEGAL | EM_TOK_PARTICLE | EM_TOK_SYLLABIC | EM_TOK_PHONETIC))
        return 0;
    for (size_t i = 0; i < p->len; i++)
        if (p->text[i] < 'a' || p->text[i] > 'z') return 0;
    return 1;
}

/* letters a[i..) against the initials of c[j..): the end of the run, or 0; *words
   counts the parts spelt that are not legal forms. A legal form may give its
   letter ("nioc" ~ "national iranian oil co") or none; a stopword the tokeniser
   dropped may give one ("mois"), never the first or the last letter. */
static size_t spell(const char *a, size_t la, size_t i, const em_part *c, size_t nc, size_t j,
                    size_t skips, size_t *words, const em_knowledge *k) {
    if (i == la) return j;
    if (j < nc && c[j].len >= 2 && !(c[j].flags & EM_TOK_NUMBER) && c[j].text[0] == a[i]) {
        size_t w = *words + !(c[j].flags & EM_TOK_LEGAL);
        size_t r = spell(a, la, i + 1, c, nc, j + 1, skips, &w, k);
        if (r) {
            *words = w;
            return r;
        }
    }
    if (i > 0 && i + 1 < la && skips < EM_ACRONYM_MAX_SKIPS &&
        em_knowledge_stopword_initial(k, a[i])) {
        size_t w = *words;
        size_t r = spell(a, la, i + 1, c, nc, j, skips + 1, &w, k);
        if (r) {
            *words = w;
            return r;
        }
    }
    if (i > 0 && j < nc && (c[j].flags & EM_TOK_LEGAL))
        return spell(a, la, i, c, nc, j + 1, skips, words, k);
    return 0;
}

size_t em_org_acronym_run(const em_part *a, const em_part *c, size_t nc, size_t start,
                          const em_knowledge *k) {
    if (start >= nc || c[start].text[0] != a->text[0] || (c[start].flags & EM_TOK_LEGAL)) return 0;
    size_t words = 0;
    size_t end = spell(a->text, a->len, 0, c, nc, start, 0, &words, k);
    if (!end) return 0;
    /* two words only with a stopword letter between them ("boa" ~ "bank (of) america") */
    if (words < EM_ACRONYM_MIN_WORDS && !(words == 2 && a->len == 3 && end - start == 2)) return 0;
    return end - start;
}

float em_org_legal_typo(const em_part *a, const em_part *b, const em_knowledge *k) {
    if (!k || !((a->flags ^ b->flags) & EM_TOK_LEGAL)) return 0;
    const em_part *legal = a->flags & EM_TOK_LEGAL ? a : b, *other = legal == a ? b : a;
    if (other->flags & (EM_TOK_NUMBER | EM_TOK_PARTICLE) || other->len < 2) return 0;
    size_t n = em_knowledge_legal_count(k);
    for (size_t i = 0; i < n; i++) {
        const char *code, *v = em_knowledge_legal_at(k, i, &code);
        if (v[0] != other->text[0] || strcmp(code, legal->text) != 0 || strchr(v, ' ')) continue;
        size_t lv = strlen(v), lo = other->len;
        size_t mx = lv > lo ? lv : lo, mn = lv > lo ? lo : lv;
        float max = mx >= EM_LEGAL_TYPO_TWO_EDITS ? 2.0f : 1.0f;
        if (mn < 2 || mx < 3 || mx - mn > (size_t)max) continue;
        if (em_edit_distance(other->text, lo, v, lv, max) <= max) return EM_SIM_LEGAL_TYPO;
    }
    return 0;
}

em_part_how em_org_group_how(const em_knowledge *k, uint32_t group) {
    switch (em_knowledge_group_kind(k, group)) {
    case EM_GROUP_ABBREVIATION:
        return EM_HOW_ABBREVIATION;
    case EM_GROUP_COUNTRY:
        return EM_HOW_COUNTRY;
    default:
        return EM_HOW_VARIANT;
    }
}

/* ---- the acronym index -------------------------------------------------------- */

struct em_org_acronyms {
    em_hmap keys;    /* initials -> (first << 32 | count) into names */
    uint32_t *names; /* name ids grouped by key */
};

/* The initials of name i: without (with = 0) or with its legal forms' letters; 0
   when the name is not an organisation's or has too few or too many words. */
static size_t name_initials(const em_matcher *m, uint32_t i, int with, char *out) {
    const snap_name *nm = &m->names[i];
    if (m->entities[nm->entity].schema_kind == SNAP_SCHEMA_PERSON) return 0;
    size_t n = 0, words = 0, legal = 0;
    for (uint32_t t = 0; t < nm->tok_count; t++) {
        const snap_token *tok = &m->tokens[m->name_tokens[nm->tok_first + t]];
        if (tok->flags & (EM_TOK_NUMBER | EM_TOK_SYLLABIC | EM_TOK_PHONETIC)) continue;
        int is_legal = (tok->flags & EM_TOK_LEGAL) != 0;
        legal += is_legal;
        if (is_legal && !with) continue;
        char c = m->strings[tok->str];
        if (c < 'a' || c > 'z' || n == EM_ACRONYM_MAX_LEN) return 0;
        out[n++] = c;
        words += !is_legal;
    }
    if (words < EM_ACRONYM_MIN_WORDS || (with && !legal)) return 0;
    return n;
}

em_org_acronyms *em_org_acronyms_build(const em_matcher *m) {
    if (!m->h) return NULL;
    em_org_acronyms *a = em_xcalloc(1, sizeof *a);
    em_hmap_init(&a->keys);
    char key[EM_ACRONYM_MAX_LEN];
    uint64_t total = 0;
    /* pass 0 counts the names of each key, pass 1 files them: the value is the
       key's first slot << 32 | the names filed (pass 1) or counted (pass 0) */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < m->h->n_names; i++)
            for (int with = 0; with < 2; with++) {
                size_t n = name_initials(m, i, with, key);
                if (!n) continue;
                em_hmap_entry *e = em_hmap_insert(&a->keys, key, n, NULL);
                if (pass == 1) a->names[(e->val.u64 >> 32) + (e->val.u64 & 0xffffffffu)] = i;
                e->val.u64++;
            }
        if (pass == 1) break;
        for (size_t j = 0; j < em_hmap_len(&a->keys); j++) {
            em_hmap_entry *e = em_hmap_at(&a->keys, j);
            uint64_t count = e->val.u64;
            e->val.u64 = total << 32;
            total += count;
        }
        a->names = em_xmalloc((total ? total : 1) * sizeof *a->names);
    }
    return a;
}

void em_org_acronyms_free(em_org_acronyms *a) {
    if (!a) return;
    em_hmap_free(&a->keys, NULL);
    free(a->names);
    free(a);
}

const uint32_t *em_org_acronym_names(const em_org_acronyms *a, const char *key, size_t len,
                                     uint32_t *n) {
    *n = 0;
    if (!a) return NULL;
    const em_hmap_entry *e = em_hmap_find(&a->keys, key, len);
    if (!e) return NULL;
    *n = (uint32_t)(e->val.u64 & 0xffffffffu);
    return a->names + (e->val.u64 >> 32);
}
