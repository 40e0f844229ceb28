/*
 * readings.c - other readings of a query name (see readings.h). em_search
 * (match/search.c) screens each reading as a query of its own and keeps the
 * best score of each entity, the explanation naming the rule. A reading is
 * only made when the whole name reads that way, so the names it applies to
 * are few and the original reading is always screened too (never less).
 *
 * - "korean reading": a name of two to four Han characters (no interpunct: a
 *   foreign name written by its sounds has one) each with a Sino-Korean
 *   reading in han_hangul.tsv (Unihan kHangul) is also written in Hangul
 *   (金正恩 -> 김정은), which hangul.c then spells as the lists do (Kim Jong
 *   Un). ICU reads Han in Mandarin only (jin zheng en).
 * - "kontsevich syllable": a Cyrillic name whose first or last word is a Korean
 *   family name of kontsevich.tsv and whose every word splits into Korean
 *   syllables by that table ([initial] vowel [final], a rime read whole) is
 *   also written in the lists' Latin (Ким Чен Ын -> kim jong un); Ukrainian
 *   letters in the name switch to the Ukrainian vowels (Кім Чен Ин).
 * - "title dropped": a title of titles_cjk.txt at the start or the end of a
 *   name in Han, kana or Hangul (김정은 위원장, 习近平主席) is dropped; those
 *   scripts write no spaces, so the tokenizer's honorifics cannot see it.
 */
#include "text/readings.h"
#include "text/table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "base/vec.h"

enum { K_INITIAL, K_VOWEL, K_FINAL, K_RIME, K_KINDS };

typedef struct kentry {
    char *cyr, *latin;
    size_t len; /* bytes of cyr */
    int uk;     /* 1: Ukrainian only; -1: Russian only (a Ukrainian entry reads it otherwise) */
} kentry;

struct em_readings {
    em_hmap han;    /* one Han character (UTF-8) -> its Hangul reading (owned) */
    em_hmap family; /* lower-case Cyrillic family name -> Latin (owned) */
    EM_VEC(kentry) k[K_KINDS];
    em_strvec titles;
};

static void free_ptr(void *p) {
    free(p);
}

void em_readings_free(em_readings *r) {
    if (!r) return;
    em_hmap_free(&r->han, free_ptr);
    em_hmap_free(&r->family, free_ptr);
    for (int i = 0; i < K_KINDS; i++) {
        for (size_t j = 0; j < r->k[i].len; j++) {
            free(r->k[i].items[j].cyr);
            free(r->k[i].items[j].latin);
        }
        em_vec_free(r->k[i]);
    }
    em_strvec_free(&r->titles);
    free(r);
}

/* Lower-cases UTF-8 text (ICU, root locale); caller frees. */
static char *lower_utf8(const char *s) {
    UChar u[256], l[256];
    int32_t n = 0, m = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &n, s, -1, &st);
    if (U_FAILURE(st)) return em_xstrdup(s);
    m = u_strToLower(l, 256, u, n, "", &st);
    if (U_FAILURE(st)) return em_xstrdup(s);
    char out[1024];
    int32_t o = 0;
    u_strToUTF8(out, sizeof out, &o, l, m, &st);
    if (U_FAILURE(st)) return em_xstrdup(s);
    return em_xstrdup(out);
}

static int load_han(em_readings *r, const char *dir, em_error *err) {
    em_table t;
    if (em_table_open(&t, dir, "han_hangul.tsv", err)) return -1;
    int rc = 0;
    for (char *s; (s = em_table_next(&t));) {
        char *tab = strchr(s, '\t');
        char *end = tab ? strchr(tab + 1, '\t') : NULL;
        if (end) *end = '\0';
        if (!tab || tab == s || !tab[1]) {
            rc = em_table_fail(&t, err, "want CHARACTER TAB HANGUL");
            break;
        }
        *tab = '\0';
        int added;
        em_hmap_entry *e = em_hmap_inserts(&r->han, s, &added);
        if (!added) {
            rc = em_table_fail(&t, err, "'%s' is listed twice", s);
            break;
        }
        e->val.ptr = em_xstrdup(tab + 1);
    }
    em_table_close(&t);
    return rc;
}

static int load_kontsevich(em_readings *r, const char *dir, em_error *err) {
    em_table t;
    if (em_table_open(&t, dir, "kontsevich.tsv", err)) return -1;
    int rc = 0;
    for (char *s; (s = em_table_next(&t));) {
        char *col[3] = {0};
        char *p = s;
        for (int i = 0; i < 3 && p; i++) {
            col[i] = p;
            p = strchr(p, '\t');
            if (p) *p++ = '\0';
        }
        if (!col[2] || !*col[1] || !*col[2]) {
            rc = em_table_fail(&t, err, "want KIND TAB CYRILLIC TAB LATIN");
            break;
        }
        char *cyr = lower_utf8(col[1]);
        const char *kind = col[0];
        if (strcmp(kind, "family") == 0) {
            int added;
            em_hmap_entry *e = em_hmap_inserts(&r->family, cyr, &added);
            if (added) e->val.ptr = em_xstrdup(col[2]);
            free(cyr);
            continue;
        }
        int uk = strstr(kind, "-uk") != NULL;
        int k = strncmp(kind, "initial", 7) == 0 ? K_INITIAL
                : strncmp(kind, "vowel", 5) == 0 ? K_VOWEL
                : strncmp(kind, "final", 5) == 0 ? K_FINAL
                : strncmp(kind, "rime", 4) == 0  ? K_RIME
                                                 : -1;
        if (k < 0) {
            free(cyr);
            rc = em_table_fail(&t, err, "unknown kind '%s'", kind);
            break;
        }
        kentry e = {cyr, em_xstrdup(col[2]), strlen(cyr), uk};
        em_vec_push(r->k[k], e);
    }
    em_table_close(&t);
    if (rc) return rc;
    /* a Russian letter that a Ukrainian entry reads otherwise is Russian only */
    for (int k = 0; k < K_KINDS; k++)
        for (size_t i = 0; i < r->k[k].len; i++)
            for (size_t j = 0; j < r->k[k].len; j++)
                if (r->k[k].items[i].uk == 0 && r->k[k].items[j].uk == 1 &&
                    strcmp(r->k[k].items[i].cyr, r->k[k].items[j].cyr) == 0)
                    r->k[k].items[i].uk = -1;
    /* longest letters first: greedy reading, backtracking when a word does not split */
    for (int k = 0; k < K_KINDS; k++)
        for (size_t i = 1; i < r->k[k].len; i++)
            for (size_t j = i; j > 0 && r->k[k].items[j].len > r->k[k].items[j - 1].len; j--) {
                kentry t = r->k[k].items[j];
                r->k[k].items[j] = r->k[k].items[j - 1];
                r->k[k].items[j - 1] = t;
            }
    return 0;
}

static int load_titles(em_readings *r, const char *dir, em_error *err) {
    em_table t;
    if (em_table_open(&t, dir, "titles_cjk.txt", err)) return -1;
    for (char *s; (s = em_table_next(&t));)
        em_strvec_push(&r->titles, s);
    em_table_close(&t);
    return 0;
}

em_readings *em_readings_load(const char *dir, em_error *err) {
    em_readings *r = em_xcalloc(1, sizeof *r);
    em_hmap_init(&r->han);
    em_hmap_init(&r->family);
    em_strvec_init(&r->titles);
    if (load_han(r, dir, err) || load_kontsevich(r, dir, err) || load_titles(r, dir, err)) {
        em_readings_free(r);
        return NULL;
    }
    return r;
}

/* ---- Han in Korean --------------------------------------------------------- */

static int is_interpunct(UChar32 c) {
    return c == 0x00B7 || c == 0x30FB || c == 0x2027 || c == 0x2022 || c == 0xFF65;
}

/* 김정은 for 金正恩, NULL when the name is not two to four Han characters that all
   have a reading (spaces between them kept) */
static char *han_korean(const em_readings *r, const char *s) {
    int32_t i = 0, n = (int32_t)strlen(s);
    int han = 0;
    em_buf out;
    em_buf_init(&out);
    while (i < n) {
        UChar32 c;
        int32_t start = i;
        U8_NEXT(s, i, n, c);
        if (c == ' ') {
            if (out.len) em_buf_addc(&out, ' ');
            continue;
        }
        char ch[8];
        memcpy(ch, s + start, (size_t)(i - start));
        ch[i - start] = '\0';
        const char *h = c >= 0x3400 && !is_interpunct(c) ? em_hmap_get(&r->han, ch) : NULL;
        if (!h || ++han > 4) {
            em_buf_free(&out);
            return NULL;
        }
        em_buf_adds(&out, h);
    }
    if (han < 2) {
        em_buf_free(&out);
        return NULL;
    }
    return em_buf_detach(&out);
}

/* ---- Korean in Cyrillic ---------------------------------------------------- */

static int entry_ok(const kentry *e, int uk) {
    return uk ? e->uk >= 0 : e->uk <= 0;
}

/* Splits w (lower-case Cyrillic) into syllables written to out, space-separated;
   1 when the whole word splits (at most max syllables). */
static int split_korean(const em_readings *r, const char *w, int uk, int max, em_buf *out) {
    if (!*w) return 1;
    if (max == 0) return 0;
    size_t mark = out->len;
    /* the initial: each that matches, longest first, then none */
    for (size_t a = 0; a <= r->k[K_INITIAL].len; a++) {
        const kentry *ini = a < r->k[K_INITIAL].len ? &r->k[K_INITIAL].items[a] : NULL;
        if (ini && (!entry_ok(ini, uk) || strncmp(w, ini->cyr, ini->len) != 0)) continue;
        const char *v = w + (ini ? ini->len : 0);
        /* a rime (vowel and final read together), then vowel [final] */
        for (size_t b = 0; b < r->k[K_RIME].len; b++) {
            const kentry *rm = &r->k[K_RIME].items[b];
            if (!entry_ok(rm, uk) || strncmp(v, rm->cyr, rm->len) != 0) continue;
            if (out->len) em_buf_addc(out, ' ');
            if (ini) em_buf_adds(out, ini->latin);
            em_buf_adds(out, rm->latin);
            if (split_korean(r, v + rm->len, uk, max - 1, out)) return 1;
            out->len = mark;
            out->data[mark] = '\0';
        }
        for (size_t b = 0; b < r->k[K_VOWEL].len; b++) {
            const kentry *vo = &r->k[K_VOWEL].items[b];
            if (!entry_ok(vo, uk) || strncmp(v, vo->cyr, vo->len) != 0) continue;
            const char *f = v + vo->len;
            for (size_t c = 0; c <= r->k[K_FINAL].len; c++) {
                const kentry *fi = c < r->k[K_FINAL].len ? &r->k[K_FINAL].items[c] : NULL;
                if (fi && (!entry_ok(fi, uk) || strncmp(f, fi->cyr, fi->len) != 0)) continue;
                if (out->len) em_buf_addc(out, ' ');
                if (ini) em_buf_adds(out, ini->latin);
                em_buf_adds(out, vo->latin);
                if (fi) em_buf_adds(out, fi->latin);
                if (split_korean(r, f + (fi ? fi->len : 0), uk, max - 1, out)) return 1;
                out->len = mark;
                out->data[mark] = '\0';
            }
        }
    }
    return 0;
}

static int has_cyrillic(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD0 && *p <= 0xD4) return 1;
    return 0;
}

/* "kim jong un" for Ким Чен Ын; NULL when the name does not read as Korean */
static char *kontsevich(const em_readings *r, const char *s) {
    if (!has_cyrillic(s) || !r->family.entries.len) return NULL;
    char *low = lower_utf8(s);
    /* Ukrainian letters: і ї є ґ */
    int uk = strstr(low, "\xD1\x96") || strstr(low, "\xD1\x97") || strstr(low, "\xD1\x94") ||
             strstr(low, "\xD2\x91");
    char *words[8];
    size_t nw = 0;
    for (char *save = NULL, *w = strtok_r(low, " -,", &save); w; w = strtok_r(NULL, " -,", &save)) {
        if (nw == 8) {
            free(low);
            return NULL;
        }
        words[nw++] = w;
    }
    if (nw < 2 || !(em_hmap_get(&r->family, words[0]) || em_hmap_get(&r->family, words[nw - 1]))) {
        free(low);
        return NULL;
    }
    em_buf out;
    em_buf_init(&out);
    for (size_t i = 0; i < nw; i++) {
        const char *fam = (i == 0 || i == nw - 1) ? em_hmap_get(&r->family, words[i]) : NULL;
        if (fam) {
            if (out.len) em_buf_addc(&out, ' ');
            em_buf_adds(&out, fam);
        } else if (!split_korean(r, words[i], uk, 3, &out)) {
            em_buf_free(&out);
            free(low);
            return NULL;
        }
    }
    free(low);
    return em_buf_detach(&out);
}

/* ---- titles ---------------------------------------------------------------- */

static int has_cjk(const char *s) {
    /* Han, kana and Hangul all have UTF-8 lead bytes E3..ED */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xE3 && *p <= 0xED) return 1;
    return 0;
}

/* name without a title at its start or end (NULL when it has none) */
static char *drop_title(const em_readings *r, const char *s) {
    if (!has_cjk(s)) return NULL;
    size_t n = strlen(s);
    for (size_t i = 0; i < r->titles.len; i++) {
        const char *t = r->titles.items[i];
        size_t l = strlen(t);
        if (l + 2 >= n) continue; /* something must remain */
        if (strncmp(s, t, l) == 0) {
            const char *rest = s + l;
            while (*rest == ' ')
                rest++;
            return em_xstrdup(rest);
        }
        if (strcmp(s + n - l, t) == 0) {
            size_t m = n - l;
            while (m && s[m - 1] == ' ')
                m--;
            char *out = em_xmalloc(m + 1);
            memcpy(out, s, m);
            out[m] = '\0';
            return out;
        }
    }
    return NULL;
}

/* ---- all readings ------------------------------------------------------------ */

static void add(em_reading *out, size_t *n, const char *name, char *reading, const char *rule) {
    if (!reading) return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(out[i].name, reading) == 0) {
            free(reading);
            return;
        }
    if (*n == EM_READINGS_MAX || !*reading || strcmp(reading, name) == 0) {
        free(reading);
        return;
    }
    out[*n].name = reading;
    out[*n].rule = rule;
    (*n)++;
}

size_t em_name_readings(const em_readings *r, const char *name, em_reading *out) {
    if (!r || !name) return 0;
    const unsigned char *q = (const unsigned char *)name;
    while (*q && *q < 0x80)
        q++;
    if (!*q) return 0; /* ASCII: nothing to read otherwise */
    size_t n = 0;
    char *untitled = drop_title(r, name);
    add(out, &n, name, untitled ? em_xstrdup(untitled) : NULL, "title dropped");
    const char *base[2] = {name, untitled};
    for (int b = 0; b < 2 && base[b]; b++) {
        add(out, &n, name, han_korean(r, base[b]), "korean reading");
        add(out, &n, name, kontsevich(r, base[b]), "kontsevich syllable");
    }
    free(untitled);
    return n;
}
