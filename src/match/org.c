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

/* Initials packed five bits a letter (a = 1 .. z = 26; at most EM_ACRONYM_MAX_LEN
   letters fit 64 bits): a key needs no string and compares as one number. */
struct em_org_acronyms {
    const snap_acronym *e; /* the mapped section: sorted by key, then name */
    size_t n;
};

static uint64_t pack(uint64_t key, char c) {
    return key << 5 | (uint64_t)(c - 'a' + 1);
}

/* The initials of name nm without its legal forms' letters (*plain) and with them
   (*with, 0 when the name has no legal form); 0 and 0 when the name is not an
   organisation's or has too few or too many words. */
static void name_keys(const snap_entity *entities, const snap_name *nm, const uint32_t *name_tokens,
                      const snap_token *tokens, const char *strings, uint64_t *plain,
                      uint64_t *with) {
    *plain = *with = 0;
    if (nm->tok_count < EM_ACRONYM_MIN_WORDS ||
        entities[nm->entity].schema_kind == SNAP_SCHEMA_PERSON)
        return;
    uint64_t p = 0, w = 0;
    size_t np = 0, nw = 0, legal = 0;
    for (uint32_t t = 0; t < nm->tok_count; t++) {
        const snap_token *tok = &tokens[name_tokens[nm->tok_first + t]];
        if (tok->flags & (EM_TOK_NUMBER | EM_TOK_SYLLABIC | EM_TOK_PHONETIC)) continue;
        char c = strings[tok->str];
        if (c < 'a' || c > 'z' || nw == EM_ACRONYM_MAX_LEN) return;
        w = pack(w, c);
        nw++;
        if (tok->flags & EM_TOK_LEGAL) {
            legal++;
        } else {
            p = pack(p, c);
            np++;
        }
    }
    if (np < EM_ACRONYM_MIN_WORDS) return;
    *plain = p;
    if (legal) *with = w;
}

static int cmp_entry(const void *a, const void *b) {
    const snap_acronym *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->name < y->name ? -1 : x->name > y->name;
}

size_t em_org_acronyms_compute(const snap_entity *entities, const snap_name *names, size_t n_names,
                               const uint32_t *name_tokens, const snap_token *tokens,
                               const char *strings, snap_acronym **out) {
    snap_acronym *e = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < n_names; i++) {
        uint64_t k[2];
        name_keys(entities, &names[i], name_tokens, tokens, strings, &k[0], &k[1]);
        for (int j = 0; j < 2; j++) {
            if (!k[j]) continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                e = em_xrealloc(e, cap * sizeof *e);
            }
            e[n++] = (snap_acronym){k[j], (uint32_t)i, 0};
        }
    }
    if (n) qsort(e, n, sizeof *e, cmp_entry);
    *out = e;
    return n;
}

em_org_acronyms *em_org_acronyms_open(const em_matcher *m) {
    if (!m->h) return NULL;
    em_org_acronyms *a = em_xcalloc(1, sizeof *a);
    a->e = (const snap_acronym *)((const char *)m->map + m->h->sec[SEC_ACRONYMS].off);
    a->n = m->h->sec[SEC_ACRONYMS].len / sizeof(snap_acronym);
    return a;
}

void em_org_acronyms_free(em_org_acronyms *a) {
    free(a);
}

size_t em_org_acronym_find(const em_org_acronyms *a, const char *key, size_t len, size_t *first) {
    *first = 0;
    if (!a || len == 0 || len > EM_ACRONYM_MAX_LEN) return 0;
    uint64_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (key[i] < 'a' || key[i] > 'z') return 0;
        k = pack(k, key[i]);
    }
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->e[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < a->n && a->e[lo + n].key == k)
        n++;
    *first = lo;
    return n;
}

uint32_t em_org_acronym_name(const em_org_acronyms *a, size_t i) {
    return a->e[i].name;
}
