/*
 * knowledge.c - loading the name knowledge tables (see knowledge.h and
 * data/knowledge/README.md for the file formats).
 *
 * Every entry is normalised with em_normalize_name, so the files may be
 * written in any script; each table is an em_hmap (base/hmap.h) from the
 * normalised string to a value (a group id, a legal-form code index, or the
 * line number for plain sets). Legal-form variants are stored as their
 * normalised token sequence joined by single spaces, and matched longest
 * first. Nothing is mutable after em_knowledge_load returns.
 */
#include "text/knowledge.h"
#include "text/table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "base/vec.h"
#include "text/arabic.h"
#include "text/normalize.h"
#include "text/readings.h"

/* Longest legal-form variant accepted, in bytes once normalised. */
#define LEGAL_MAX_BYTES 255

/* ---- string tables ------------------------------------------------------ */

/* Every table maps a normalised string to a uint32 (in val.u64) in an em_hmap. */
typedef em_hmap strmap;

/* Returns the existing entry when the key is present (leaving it unchanged),
   NULL after inserting it with val. */
static const em_hmap_entry *strmap_put(strmap *m, const char *key, uint32_t val) {
    int added;
    em_hmap_entry *e = em_hmap_inserts(m, key, &added);
    if (!added) return e;
    e->val.u64 = val;
    return NULL;
}

static uint32_t strmap_val(const em_hmap_entry *e) {
    return (uint32_t)e->val.u64;
}

static const em_hmap_entry *strmap_get(const strmap *m, const char *key, size_t n) {
    return em_hmap_find(m, key, n);
}

static void strmap_free(strmap *m) {
    em_hmap_free(m, NULL);
}

/* ---- the knowledge ----------------------------------------------------- */

struct em_knowledge {
    strmap variants;  /* spelling -> group id (1-based) */
    em_strvec groups; /* canonical spelling of group i+1 */
    /* organisation words (abbreviations.tsv, country_adjectives.tsv): variant
       groups like the given names, told apart by their kind */
    EM_VEC(uint8_t) group_kind;         /* EM_GROUP_* of group i+1 */
    em_strvec legal_sorted;             /* every legal variant, sorted: prefix search */
    EM_VEC(uint32_t) legal_sorted_code; /* code index + 1 of legal_sorted[i] */
    uint32_t stop_initials;             /* bit c - 'a': a stopword starts with c */
    uint32_t first_translation;  /* groups from this id on are arabic_words.tsv's, 0 = none */
    EM_VEC(uint32_t) group_line; /* line of each group, for error messages while loading */
    strmap particles, honorifics, stopwords; /* token -> line */
    strmap case_endings;                     /* ending -> line */
    strmap nicknames;                        /* "short|full" and "full|short" -> line */
    strmap nickname_names;                   /* every name of a nickname pair -> line */
    strmap legal;                            /* joined variant -> code index + 1 */
    em_strvec legal_codes;
    EM_VEC(uint32_t) legal_line; /* line of each code, while loading */
    size_t legal_max_tokens, legal_max_bytes;
    em_readings *readings; /* other readings of a query name (readings.c) */
};

void em_knowledge_free(em_knowledge *k) {
    if (!k) return;
    strmap_free(&k->variants);
    em_strvec_free(&k->groups);
    em_vec_free(k->group_line);
    strmap_free(&k->particles);
    strmap_free(&k->honorifics);
    strmap_free(&k->stopwords);
    strmap_free(&k->case_endings);
    strmap_free(&k->nicknames);
    strmap_free(&k->nickname_names);
    strmap_free(&k->legal);
    em_strvec_free(&k->legal_codes);
    em_vec_free(k->legal_line);
    em_vec_free(k->group_kind);
    em_strvec_free(&k->legal_sorted);
    em_vec_free(k->legal_sorted_code);
    em_readings_free(k->readings);
    free(k);
}

/* Normalises one single-word entry; NULL (with the error set) when it is
   empty or several words once normalised. */
static char *normalize_word(em_normalizer *nz, const em_table *r, const char *raw, em_error *err) {
    char *w = em_normalize_name(nz, raw);
    if (!*w) {
        em_table_fail(r, err, "'%s' has no letters or digits once normalised", raw);
    } else if (strchr(w, ' ')) {
        em_table_fail(r, err, "'%s' normalises to several words ('%s'); write it as one word", raw,
                      w);
    } else {
        return w;
    }
    free(w);
    return NULL;
}

static int load_groups(em_knowledge *k, em_normalizer *nz, const char *dir, em_error *err) {
    em_table r;
    if (em_table_open(&r, dir, "given_names.txt", err)) return -1;
    int rc = 0;
    char *s;
    while (rc == 0 && (s = em_table_next(&r))) {
        uint32_t gid = (uint32_t)k->groups.len + 1;
        size_t n = 0;
        for (char *save = NULL, *t = strtok_r(s, " \t", &save); t;
             t = strtok_r(NULL, " \t", &save)) {
            char *w = normalize_word(nz, &r, t, err);
            if (!w) {
                rc = -1;
                break;
            }
            const em_hmap_entry *dup = strmap_put(&k->variants, w, gid);
            if (dup && strmap_val(dup) == gid)
                rc = em_table_fail(&r, err, "'%s' is listed twice in the group", w);
            else if (dup)
                rc = em_table_fail(&r, err, "'%s' is already in the group of line %u", w,
                                   (unsigned)k->group_line.items[strmap_val(dup) - 1]);
            if (rc == 0 && n++ == 0) {
                em_strvec_push(&k->groups, w);
                em_vec_push(k->group_line, r.lineno); /* at gid - 1 */
                em_vec_push(k->group_kind, (uint8_t)EM_GROUP_NAME);
            }
            free(w);
            if (rc) break;
        }
        if (rc == 0 && n < 2) rc = em_table_fail(&r, err, "a group needs at least two spellings");
    }
    em_table_close(&r);
    return rc;
}

/* arabic_words.tsv: "ARABIC[|ARABIC...]<TAB>english[|english...]", an Arabic or Persian
   word (its forms) and its English translations. The Arabic forms are entered as
   src/text/arabic.c spells them alone, with the article (ال), after wa-/bi-/li-
   with the article (وال بال لل) and after wa- (و), into one group with the English
   words (EM_HOW_ARABIC_WORD when two parts meet through it); a word whose
   translation is an organisation stopword ("in", "and") becomes a stopword. Lines
   sharing an English word share a group. Optional: a directory without the file
   has no translations. */
static int add_arabic_form(em_knowledge *k, em_normalizer *nz, const char *arabic, uint32_t gid,
                           int stop, uint32_t lineno) {
    char *w = em_normalize_name(nz, arabic);
    if (*w && !strchr(w, ' ')) {
        if (stop)
            strmap_put(&k->stopwords, w, lineno);
        else
            strmap_put(&k->variants, w, gid); /* a form already known keeps its group */
    }
    free(w);
    return 0;
}

static int load_arabic_words(em_knowledge *k, em_normalizer *nz, const char *dir, em_error *err) {
    char *path = em_xasprintf("%s/arabic_words.tsv", dir);
    FILE *probe = fopen(path, "rb");
    free(path);
    if (!probe) return 0;
    fclose(probe);
    em_table r;
    if (em_table_open(&r, dir, "arabic_words.tsv", err)) return -1;
    k->first_translation = (uint32_t)k->groups.len + 1;
    static const char *PREFIX[] = {
        "", "\u0627\u0644", "\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0644\u0644", "\u0648"};
    int rc = 0;
    char *s;
    while (rc == 0 && (s = em_table_next(&r))) {
        char *tab = strchr(s, '\t');
        if (!tab) {
            rc = em_table_fail(&r, err, "expected ARABIC<TAB>english");
            break;
        }
        *tab = '\0';
        char *eng = tab + 1;
        while (*eng == '\t' || *eng == ' ')
            eng++;
        /* the group: that of an English word already translated, else a new one */
        uint32_t gid = 0;
        int stop = 0;
        EM_VEC(char *) words = {0};
        for (char *save = NULL, *t = strtok_r(eng, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
            char *w = normalize_word(nz, &r, t, err);
            if (!w) {
                rc = -1;
                break;
            }
            if (em_knowledge_is_stopword(k, w)) stop = 1;
            const em_hmap_entry *e = strmap_get(&k->variants, w, strlen(w));
            if (e && strmap_val(e) < k->first_translation &&
                em_knowledge_group_kind(k, strmap_val(e)) == EM_GROUP_NAME)
                rc = em_table_fail(&r, err, "'%s' is a given name (given_names.txt)", w);
            else if (e && !gid)
                gid = strmap_val(e);
            em_vec_push(words, w);
            if (rc) break;
        }
        if (rc == 0 && words.len == 0) rc = em_table_fail(&r, err, "no English translation");
        if (rc == 0 && !stop) {
            if (!gid) {
                gid = (uint32_t)k->groups.len + 1;
                em_strvec_push(&k->groups, words.items[0]);
                em_vec_push(k->group_line, r.lineno);
                em_vec_push(k->group_kind, (uint8_t)EM_GROUP_NAME);
            }
            for (size_t i = 0; i < words.len; i++) {
                strmap_put(&k->variants, words.items[i], gid);
                /* French elides its article before a vowel, and the normaliser glues it
                   on: l'Afrique, l'Ouest ("lafrique", "louest") */
                if (strchr("aeiou", words.items[i][0])) {
                    char *el = em_xasprintf("l%s", words.items[i]);
                    strmap_put(&k->variants, el, gid);
                    free(el);
                }
            }
        }
        for (size_t i = 0; i < words.len; i++)
            free(words.items[i]);
        em_vec_free(words);
        for (char *save = NULL, *t = strtok_r(s, "|", &save); rc == 0 && t;
             t = strtok_r(NULL, "|", &save)) {
            if (!em_has_arabic(t)) { /* a Latin transliteration of the word (fi, wa) */
                add_arabic_form(k, nz, t, gid, stop, r.lineno);
                continue;
            }
            for (size_t p = 0; p < (stop ? 1 : sizeof PREFIX / sizeof *PREFIX); p++) {
                /* alone, and before a word with the article (ة as -at, construct state) */
                char *form = em_xasprintf("%s%s", PREFIX[p], t);
                char *cs = em_xasprintf("%s \u0627\u0644\u0628", form);
                add_arabic_form(k, nz, form, gid, stop, r.lineno);
                char *w = em_normalize_name(nz, cs);
                char *sp = strchr(w, ' ');
                if (sp) {
                    *sp = '\0';
                    add_arabic_form(k, nz, w, gid, stop, r.lineno);
                }
                free(w);
                free(cs);
                free(form);
            }
        }
    }
    em_table_close(&r);
    return rc;
}

int em_knowledge_group_is_translation(const em_knowledge *k, uint32_t group) {
    return k && group && k->first_translation && group >= k->first_translation;
}

/* KEY<TAB>word|word|...: one variant group of kind `kind` per line (organisation
   words: abbreviations.tsv, whose key is the full word and a member of the group;
   country_adjectives.tsv, whose key is the ISO 3166 code and not a member). A
   word already in a group of another line is an error. */
static int load_word_groups(em_knowledge *k, em_normalizer *nz, const char *dir, const char *name,
                            int kind, int key_is_member, em_error *err) {
    em_table r;
    if (em_table_open(&r, dir, name, err)) return -1;
    int rc = 0;
    char *s;
    while (rc == 0 && (s = em_table_next(&r))) {
        char *tab = strchr(s, '\t');
        if (!tab) {
            rc = em_table_fail(&r, err, "expected KEY<TAB>word|word|..., found no tab");
            break;
        }
        *tab = '\0';
        uint32_t gid = (uint32_t)k->groups.len + 1;
        size_t n = 0;
        char *words[64];
        size_t nw = 0;
        if (key_is_member) words[nw++] = em_strtrim(s);
        for (char *save = NULL, *t = strtok_r(tab + 1, "|", &save); t && nw < 64;
             t = strtok_r(NULL, "|", &save))
            words[nw++] = em_strtrim(t);
        for (size_t i = 0; i < nw && rc == 0; i++) {
            char *w = normalize_word(nz, &r, words[i], err);
            if (!w) {
                rc = -1;
                break;
            }
            const em_hmap_entry *dup = strmap_put(&k->variants, w, gid);
            if (dup && strmap_val(dup) == gid)
                rc = em_table_fail(&r, err, "'%s' is listed twice on the line", w);
            else if (dup)
                rc = em_table_fail(&r, err, "'%s' is already in the group of %s line %u", w,
                                   k->group_kind.items[strmap_val(dup) - 1] == EM_GROUP_NAME
                                       ? "given_names.txt"
                                       : "an earlier",
                                   (unsigned)k->group_line.items[strmap_val(dup) - 1]);
            if (rc == 0 && n++ == 0) {
                em_strvec_push(&k->groups, w);
                em_vec_push(k->group_line, r.lineno);
                em_vec_push(k->group_kind, (uint8_t)kind);
            }
            free(w);
        }
        if (rc == 0 && n < 2) rc = em_table_fail(&r, err, "a line needs at least two words");
    }
    em_table_close(&r);
    return rc;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The initials of org_stopwords.txt's words, the letters an acronym may give for a
   stopword its name dropped (the O of MOIS is "of"). Taken before arabic_words.tsv adds
   the Latin forms of its Arabic-script stopwords: those never stand for a letter of a
   Latin acronym (من "mn" made the M of "ACME" a stopword's, ACME ~ Arch Consulting and
   Engineering). */
static void index_stop_initials(em_knowledge *k) {
    for (size_t i = 0; i < em_hmap_len(&k->stopwords); i++) {
        char c = em_hmap_at(&k->stopwords, i)->key[0];
        if (c >= 'a' && c <= 'z') k->stop_initials |= 1u << (c - 'a');
    }
}

/* The legal variants sorted (for the truncated forms of em_knowledge_legal_form). */
static void index_org_words(em_knowledge *k) {
    for (size_t i = 0; i < em_hmap_len(&k->legal); i++)
        em_strvec_push(&k->legal_sorted, em_hmap_at(&k->legal, i)->key);
    qsort(k->legal_sorted.items, k->legal_sorted.len, sizeof *k->legal_sorted.items, cmp_str);
    for (size_t i = 0; i < k->legal_sorted.len; i++) {
        const char *v = k->legal_sorted.items[i];
        em_vec_push(k->legal_sorted_code, strmap_val(strmap_get(&k->legal, v, strlen(v))));
    }
}

static int load_set(strmap *set, em_normalizer *nz, const char *dir, const char *name,
                    em_error *err) {
    em_table r;
    if (em_table_open(&r, dir, name, err)) return -1;
    int rc = 0;
    char *s;
    while (rc == 0 && (s = em_table_next(&r))) {
        char *w = normalize_word(nz, &r, s, err);
        if (!w) {
            rc = -1;
            break;
        }
        const em_hmap_entry *dup = strmap_put(set, w, r.lineno);
        if (dup)
            rc = em_table_fail(&r, err, "'%s' is already listed on line %u", w,
                               (unsigned)strmap_val(dup));
        free(w);
    }
    em_table_close(&r);
    return rc;
}

/* nicknames.txt: "SHORT FULL" pairs, stored both ways round */
static int load_nicknames(em_knowledge *k, em_normalizer *nz, const char *dir, em_error *err) {
    em_table r;
    if (em_table_open(&r, dir, "nicknames.txt", err)) return -1;
    int rc = 0;
    char *s;
    while (rc == 0 && (s = em_table_next(&r))) {
        char *sp = strchr(s, ' ');
        if (!sp) {
            rc = em_table_fail(&r, err, "expected SHORT FULL (two names separated by a space)");
            break;
        }
        *sp = '\0';
        char *a = normalize_word(nz, &r, s, err);
        char *b = a ? normalize_word(nz, &r, em_strtrim(sp + 1), err) : NULL;
        if (!a || !b) {
            free(a);
            rc = -1;
            break;
        }
        char *ab = em_xasprintf("%s|%s", a, b), *ba = em_xasprintf("%s|%s", b, a);
        const em_hmap_entry *dup = strmap_put(&k->nicknames, ab, r.lineno);
        strmap_put(&k->nickname_names, a, r.lineno);
        strmap_put(&k->nickname_names, b, r.lineno);
        if (!dup)
            strmap_put(&k->nicknames, ba, r.lineno);
        else
            rc = em_table_fail(&r, err, "'%s %s' is already listed on line %u", a, b,
                               (unsigned)strmap_val(dup));
        free(ab), free(ba), free(a), free(b);
    }
    em_table_close(&r);
    return rc;
}

static size_t count_tokens(const char *s) {
    size_t n = 1;
    for (; *s; s++)
        n += *s == ' ';
    return n;
}

static int load_legal(em_knowledge *k, em_normalizer *nz, const char *dir, em_error *err) {
    em_table r;
    if (em_table_open(&r, dir, "legal_forms.tsv", err)) return -1;
    strmap codes = {0};
    int rc = 0;
    char *s;
    while (rc == 0 && (s = em_table_next(&r))) {
        char *tab = strchr(s, '\t');
        if (!tab) {
            rc = em_table_fail(&r, err, "expected CODE<TAB>variant|variant|..., found no tab");
            break;
        }
        *tab = '\0';
        char *code = em_normalize_name(nz, s);
        uint32_t idx = (uint32_t)k->legal_codes.len + 1;
        const em_hmap_entry *dup = *code ? strmap_put(&codes, code, r.lineno) : NULL;
        if (!*code)
            rc = em_table_fail(&r, err, "the code is empty");
        else if (dup)
            rc = em_table_fail(&r, err, "code '%s' is already defined on line %u", code,
                               (unsigned)strmap_val(dup));
        if (rc) {
            free(code);
            break;
        }
        em_strvec_take(&k->legal_codes, code);
        em_vec_push(k->legal_line, r.lineno); /* at idx - 1 */
        size_t n = 0;
        for (char *save = NULL, *v = strtok_r(tab + 1, "|", &save); v && rc == 0;
             v = strtok_r(NULL, "|", &save)) {
            char *w = em_normalize_name(nz, v);
            size_t len = strlen(w);
            if (!len) {
                rc = em_table_fail(&r, err, "variant '%s' has no letters or digits", em_strtrim(v));
            } else if (len > LEGAL_MAX_BYTES) {
                rc = em_table_fail(&r, err, "variant '%.40s...' is longer than %d bytes", w,
                                   LEGAL_MAX_BYTES);
            } else if ((dup = strmap_put(&k->legal, w, idx))) {
                if (strmap_val(dup) == idx)
                    rc = em_table_fail(&r, err, "variant '%s' is listed twice", w);
                else
                    rc = em_table_fail(&r, err, "variant '%s' already belongs to '%s' (line %u)", w,
                                       k->legal_codes.items[strmap_val(dup) - 1],
                                       (unsigned)k->legal_line.items[strmap_val(dup) - 1]);
            } else {
                size_t nt = count_tokens(w);
                if (nt > k->legal_max_tokens) k->legal_max_tokens = nt;
                if (len > k->legal_max_bytes) k->legal_max_bytes = len;
                n++;
            }
            free(w);
        }
        if (rc == 0 && n == 0) rc = em_table_fail(&r, err, "code '%s' has no variants", code);
    }
    strmap_free(&codes);
    em_table_close(&r);
    return rc;
}

em_knowledge *em_knowledge_load(const char *dir, em_error *err) {
    if (!dir) {
        em_fail(err, EM_ERR_USAGE, "no knowledge directory given");
        return NULL;
    }
    em_normalizer *nz = em_normalizer_new(err);
    if (!nz) return NULL;
    em_knowledge *k = em_xcalloc(1, sizeof *k);
    em_strvec_init(&k->groups);
    em_strvec_init(&k->legal_codes);
    int rc = load_groups(k, nz, dir, err);
    if (rc == 0) rc = load_set(&k->particles, nz, dir, "particles.txt", err);
    if (rc == 0) rc = load_set(&k->honorifics, nz, dir, "honorifics.txt", err);
    if (rc == 0) rc = load_set(&k->stopwords, nz, dir, "org_stopwords.txt", err);
    if (rc == 0) index_stop_initials(k);
    if (rc == 0) rc = load_set(&k->case_endings, nz, dir, "case_endings.txt", err);
    if (rc == 0) rc = load_legal(k, nz, dir, err);
    if (rc == 0) rc = load_nicknames(k, nz, dir, err);
    if (rc == 0 && !(k->readings = em_readings_load(dir, err))) rc = -1;
    /* the organisation words before the Arabic ones: a translation may join them */
    if (rc == 0)
        rc = load_word_groups(k, nz, dir, "abbreviations.tsv", EM_GROUP_ABBREVIATION, 1, err);
    if (rc == 0)
        rc = load_word_groups(k, nz, dir, "country_adjectives.tsv", EM_GROUP_COUNTRY, 0, err);
    if (rc == 0) rc = load_arabic_words(k, nz, dir, err);
    if (rc == 0) index_org_words(k);
    em_normalizer_free(nz);
    if (rc) {
        em_knowledge_free(k);
        return NULL;
    }
    /* only needed for messages while loading */
    em_vec_free(k->group_line);
    em_vec_free(k->legal_line);
    return k;
}

/* ---- lookups ----------------------------------------------------------- */

const em_readings *em_knowledge_readings(const em_knowledge *k) {
    return k ? k->readings : NULL;
}

uint32_t em_knowledge_variant_group(const em_knowledge *k, const char *token) {
    if (!k || !token) return 0;
    const em_hmap_entry *s = strmap_get(&k->variants, token, strlen(token));
    return s ? strmap_val(s) : 0;
}

const char *em_knowledge_group_name(const em_knowledge *k, uint32_t group) {
    if (!k || group == 0 || group > k->groups.len) return NULL;
    return k->groups.items[group - 1];
}

size_t em_knowledge_group_count(const em_knowledge *k) {
    return k ? k->groups.len : 0;
}

static int in_set(const strmap *m, const char *token) {
    return token && strmap_get(m, token, strlen(token)) != NULL;
}

int em_knowledge_is_particle(const em_knowledge *k, const char *token) {
    return k && in_set(&k->particles, token);
}

int em_knowledge_is_honorific(const em_knowledge *k, const char *token) {
    return k && in_set(&k->honorifics, token);
}

int em_knowledge_is_nickname(const em_knowledge *k, const char *a, const char *b) {
    if (!k || !em_hmap_len(&k->nicknames)) return 0;
    /* "a|b", built without snprintf: this runs for every pair of parts scored */
    char key[128];
    size_t la = strlen(a), lb = strlen(b), n = la + 1 + lb;
    if (n >= sizeof key) return 0;
    memcpy(key, a, la);
    key[la] = '|';
    memcpy(key + la + 1, b, lb + 1);
    return strmap_get(&k->nicknames, key, n) != NULL;
}

int em_knowledge_has_nickname(const em_knowledge *k, const char *a) {
    return k && in_set(&k->nickname_names, a);
}

int em_knowledge_is_case_ending(const em_knowledge *k, const char *ending) {
    return k && in_set(&k->case_endings, ending);
}

int em_knowledge_is_stopword(const em_knowledge *k, const char *token) {
    return k && in_set(&k->stopwords, token);
}

const char *em_knowledge_legal_form(const em_knowledge *k, const char *const *tokens, size_t n,
                                    size_t *consumed) {
    if (consumed) *consumed = 0;
    if (!k || !tokens || !em_hmap_len(&k->legal)) return NULL;
    char key[LEGAL_MAX_BYTES + 1];
    size_t ends[64]; /* ends[i]: length of tokens[0..i] joined */
    size_t len = 0, m = 0;
    if (n > k->legal_max_tokens) n = k->legal_max_tokens;
    if (n > 64) n = 64;
    for (; m < n && tokens[m]; m++) {
        size_t tl = strlen(tokens[m]);
        if (!tl || len + (m ? 1 : 0) + tl > k->legal_max_bytes) break;
        if (m) key[len++] = ' ';
        memcpy(key + len, tokens[m], tl);
        len += tl;
        ends[m] = len;
    }
    for (size_t i = m; i > 0; i--) {
        const em_hmap_entry *s = strmap_get(&k->legal, key, ends[i - 1]);
        if (s) {
            if (consumed) *consumed = i;
            return k->legal_codes.items[strmap_val(s) - 1];
        }
    }
    return NULL;
}

/* ---- organisation words ------------------------------------------------ */

int em_knowledge_group_kind(const em_knowledge *k, uint32_t group) {
    if (!k || group == 0 || group > k->group_kind.len) return EM_GROUP_NAME;
    return k->group_kind.items[group - 1];
}

int em_knowledge_stopword_initial(const em_knowledge *k, char c) {
    return k && c >= 'a' && c <= 'z' && (k->stop_initials >> (c - 'a') & 1);
}

size_t em_knowledge_legal_count(const em_knowledge *k) {
    return k ? k->legal_sorted.len : 0;
}

const char *em_knowledge_legal_at(const em_knowledge *k, size_t i, const char **code) {
    if (!k || i >= k->legal_sorted.len) return NULL;
    if (code) *code = k->legal_codes.items[k->legal_sorted_code.items[i] - 1];
    return k->legal_sorted.items[i];
}

const char *em_knowledge_legal_truncated(const em_knowledge *k, const char *const *tokens, size_t n,
                                         size_t *consumed) {
    if (consumed) *consumed = 0;
    if (!k || !tokens || n == 0 || n > k->legal_max_tokens || !k->legal_sorted.len) return NULL;
    char key[LEGAL_MAX_BYTES + 1];
    size_t len = 0;
    for (size_t m = 0; m < n; m++) {
        size_t tl = strlen(tokens[m]);
        if (!tl || len + (m ? 1 : 0) + tl > k->legal_max_bytes) return NULL;
        if (m) key[len++] = ' ';
        memcpy(key + len, tokens[m], tl);
        len += tl;
    }
    key[len] = '\0';
    size_t last = strlen(tokens[n - 1]);
    if (len < EM_LEGAL_TRUNC_MIN_KEY || last < EM_LEGAL_TRUNC_MIN_LAST) return NULL;
    /* the first variant not below the key, then every variant the key begins */
    size_t lo = 0, hi = k->legal_sorted.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(k->legal_sorted.items[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t code = 0;
    for (size_t i = lo; i < k->legal_sorted.len; i++) {
        const char *v = k->legal_sorted.items[i];
        if (strncmp(v, key, len) != 0) break;
        /* cut inside the last word: the variant goes on with letters, and has as
           many words as the key ("joint stock compan" ~ "joint stock company") */
        if (v[len] == '\0' || v[len] == ' ' || strchr(v + len, ' ')) continue;
        if (code && code != k->legal_sorted_code.items[i]) return NULL; /* ambiguous */
        code = k->legal_sorted_code.items[i];
    }
    if (!code) return NULL;
    if (consumed) *consumed = n;
    return k->legal_codes.items[code - 1];
}
