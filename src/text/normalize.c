/*
 * normalize.c - ICU-based name normalisation (see normalize.h). This is the
 * first step of every lookup: the same function builds the stored keys at
 * import and the query key at search time, so both sides always agree.
 */
#include "text/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "base/buf.h"
#include "base/error.h"
#include "text/arabic.h"
#include "text/hangul.h"

/* Any script to Latin (Russian via BGN/PCGN, which gives the English spellings the lists
   use: Sechin, not Secin), decompose and drop marks, fold to ASCII and lower case. */
static const char *RULES = "::Any-Latin; ::NFKD; ::[:Nonspacing Mark:] Remove; ::Latin-ASCII; "
                           "::Any-Lower; ::NFC;";

/* Cyrillic first goes through BGN/PCGN (Ukrainian letters excepted, left to Any-Latin) */
static const char *CYRILLIC_ID =
    "[[:Cyrillic:]-[\\u0456\\u0457\\u0454\\u0491\\u0406\\u0407\\u0404\\u0490]] Russian-Latin/BGN";

struct em_normalizer {
    UTransliterator *tr;
    UTransliterator *cyr;
    UChar *ubuf;
    int32_t ucap;
};

/* Builds the transliterator on first non-ASCII input: creating it costs tens
   of milliseconds, and most list names are ASCII. */
static UTransliterator *open_translit(em_error *err) {
    UChar rules[512];
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(rules, 512, NULL, RULES, -1, &st);
    UParseError pe;
    UTransliterator *tr =
        utrans_openU(u"embargo-normalize", -1, UTRANS_FORWARD, rules, -1, &pe, &st);
    if (U_FAILURE(st)) {
        em_fail(err, EM_ERR_INTERNAL,
                "cannot create the ICU transliterator (%s); is libicu installed completely?",
                u_errorName(st));
        return NULL;
    }
    return tr;
}

em_normalizer *em_normalizer_new(em_error *err) {
    (void)err;
    return em_xcalloc(1, sizeof(em_normalizer));
}

void em_normalizer_free(em_normalizer *n) {
    if (!n) return;
    if (n->tr) utrans_close(n->tr);
    if (n->cyr) utrans_close(n->cyr);
    free(n->ubuf);
    free(n);
}

static int is_apostrophe(UChar32 c) {
    return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB || c == 0x02BF ||
           c == 0x02BE || c == 0x0060 || c == 0x00B4;
}

/* The last step of both paths: keeps ASCII letters (lower-cased) and digits,
   drops apostrophes inside words, turns anything else into one space. */
static void fold_char(em_buf *out, int32_t c, int *space) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        em_buf_addc(out, (char)c);
        *space = 0;
    } else if (c >= 'A' && c <= 'Z') {
        em_buf_addc(out, (char)(c - 'A' + 'a'));
        *space = 0;
    } else if (is_apostrophe(c)) {
        return;
    } else if (!*space) {
        em_buf_addc(out, ' ');
        *space = 1;
    }
}

static char *fold_end(em_buf *out) {
    if (out->len && out->data[out->len - 1] == ' ') out->data[--out->len] = '\0';
    return em_buf_detach(out);
}

/* ASCII input needs no transliteration: the ICU rules are the identity on it
   but for case, so this fast path gives exactly the same output. */
static char *normalize_ascii(const char *s) {
    em_buf out;
    em_buf_init(&out);
    int space = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fold_char(&out, *p, &space);
    return fold_end(&out);
}

static char *normalize_any(em_normalizer *n, const char *s);

/* the separators Chinese writes between a foreign name's parts: · ・ ‧ • ･ */
static const char *const INTERPUNCTS[] = {"\xC2\xB7", "\xE3\x83\xBB", "\xE2\x80\xA7",
                                          "\xE2\x80\xA2", "\xEF\xBD\xA5"};

/* Han with an interpunct: a foreign name written by its sounds (巴沙尔·阿萨德) */
static int is_han_foreign(const char *s) {
    int sep = 0;
    for (size_t i = 0; i < sizeof INTERPUNCTS / sizeof *INTERPUNCTS; i++)
        if (strstr(s, INTERPUNCTS[i])) sep = 1;
    if (!sep) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xE4 && *p <= 0xE9) return 1; /* U+4E00..U+9FFF */
    return 0;
}

/* Each part between interpuncts is one word: its pinyin syllables glued
   ("ba sha er" -> "bashaer"), as the Latin spelling of the name writes it. */
static char *normalize_han_foreign(em_normalizer *n, const char *s) {
    char *copy = em_xstrdup(s);
    for (size_t i = 0; i < sizeof INTERPUNCTS / sizeof *INTERPUNCTS; i++) {
        size_t l = strlen(INTERPUNCTS[i]);
        for (char *p = strstr(copy, INTERPUNCTS[i]); p; p = strstr(p, INTERPUNCTS[i])) {
            memset(p, '\x01', l);
            p += l;
        }
    }
    em_buf out;
    em_buf_init(&out);
    for (char *save = NULL, *part = strtok_r(copy, "\x01 ", &save); part;
         part = strtok_r(NULL, "\x01 ", &save)) {
        char *t = normalize_any(n, part);
        if (*t && out.len) em_buf_addc(&out, ' ');
        for (const char *q = t; *q; q++)
            if (*q != ' ') em_buf_addc(&out, *q);
        free(t);
    }
    free(copy);
    return em_buf_detach(&out);
}

/* Arabic-script words first become Latin consonant spellings (arabic.c), which
   give the lists' romanisations better than ICU's scholarly Arabic-Latin, and
   Hangul the lists' McCune-Reischauer-like spellings (hangul.c), not ICU's
   Revised Romanization. */
char *em_normalize_name(em_normalizer *n, const char *s) {
    if (!s) s = "";
    const unsigned char *q = (const unsigned char *)s;
    while (*q && *q < 0x80)
        q++;
    if (!*q) return normalize_ascii(s);
    char *latin = NULL;
    if (em_has_arabic((const char *)q)) latin = em_arabic_to_latin(s);
    if (em_has_hangul(latin ? latin : s)) {
        char *h = em_hangul_to_latin(latin ? latin : s);
        free(latin);
        latin = h;
    }
    if (!latin && is_han_foreign(s)) return normalize_han_foreign(n, s);
    if (!latin) return normalize_any(n, s);
    char *r = normalize_any(n, latin);
    free(latin);
    return r;
}

static char *normalize_any(em_normalizer *n, const char *s) {
    const unsigned char *q = (const unsigned char *)s;
    while (*q && *q < 0x80)
        q++;
    if (!*q) return normalize_ascii(s);
    if (!n->tr && !(n->tr = open_translit(NULL))) return normalize_ascii(s);
    int cyrillic = 0;
    for (const unsigned char *p = q; *p; p++)
        if (*p >= 0xD0 && *p <= 0xD4) cyrillic = 1;
    if (cyrillic && !n->cyr) {
        UChar id[256];
        UErrorCode est = U_ZERO_ERROR;
        u_strFromUTF8(id, 256, NULL, CYRILLIC_ID, -1, &est);
        n->cyr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &est);
        if (U_FAILURE(est)) n->cyr = NULL;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t slen = (int32_t)strlen(s), ulen = 0;
    int32_t need = slen * 4 + 16;
    if (n->ucap < need) {
        n->ucap = need;
        n->ubuf = em_xrealloc(n->ubuf, (size_t)need * sizeof(UChar));
    }
    u_strFromUTF8(n->ubuf, n->ucap, &ulen, s, slen, &st);
    if (U_FAILURE(st)) return em_xstrdup("");
    int32_t limit = ulen;
    if (cyrillic && n->cyr) {
        utrans_transUChars(n->cyr, n->ubuf, &ulen, n->ucap, 0, &limit, &st);
        /* BGN separates some letter pairs with a middle dot and marks soft signs with
           primes: inside a word, neither separates */
        int32_t j = 0;
        for (int32_t i = 0; i < ulen; i++)
            if (n->ubuf[i] != 0x00B7 && n->ubuf[i] != 0x02B9 && n->ubuf[i] != 0x02BA)
                n->ubuf[j++] = n->ubuf[i];
        ulen = j;
        limit = ulen;
    }
    utrans_transUChars(n->tr, n->ubuf, &ulen, n->ucap, 0, &limit, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        /* retransliterate with room for the expansion */
        st = U_ZERO_ERROR;
        n->ucap = ulen + 16;
        n->ubuf = em_xrealloc(n->ubuf, (size_t)n->ucap * sizeof(UChar));
        u_strFromUTF8(n->ubuf, n->ucap, &ulen, s, slen, &st);
        limit = ulen;
        utrans_transUChars(n->tr, n->ubuf, &ulen, n->ucap, 0, &limit, &st);
    }
    if (U_FAILURE(st)) return em_xstrdup("");
    em_buf out;
    em_buf_init(&out);
    int space = 1;
    for (int32_t i = 0; i < ulen; i++)
        fold_char(&out, n->ubuf[i], &space);
    return fold_end(&out);
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *em_normalize_key(em_normalizer *n, const char *s) {
    char *norm = em_normalize_name(n, s);
    char *toks[128];
    size_t k = 0;
    for (char *save = NULL, *t = strtok_r(norm, " ", &save); t && k < 128;
         t = strtok_r(NULL, " ", &save))
        toks[k++] = t;
    qsort(toks, k, sizeof *toks, cmp);
    em_buf out;
    em_buf_init(&out);
    for (size_t i = 0; i < k; i++) {
        if (i && strcmp(toks[i], toks[i - 1]) == 0) continue;
        if (out.len) em_buf_addc(&out, ' ');
        em_buf_adds(&out, toks[i]);
    }
    free(norm);
    return em_buf_detach(&out);
}

char *em_name_key(const char *name) {
    em_normalizer *n = em_normalizer_new(NULL);
    if (!n) return NULL;
    char *k = em_normalize_key(n, name);
    em_normalizer_free(n);
    return k;
}
