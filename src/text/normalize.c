/*
 * normalize.c - ICU-based name normalisation (see normalize.h). This is the
 * first step of every lookup: the same function builds the stored keys at
 * import and the query key at search time, so both sides always agree.
 *
 * A name goes word by word: ASCII words are folded directly, words of ASCII
 * and Latin letters with diacritics by the table data/knowledge/latin_fold.tsv
 * (each line checked against ICU by tests/unit/test_normalize.c), any other
 * word through ICU once per normaliser and then from a bounded memo.
 */
#include "text/normalize.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "text/encoding.h"
#include "text/arabic.h"
#include "text/greek.h"
#include "text/han_names.h"
#include "text/hangul.h"
#include "text/hebrew.h"
#include "text/thai.h"

/* Any script to Latin (Russian via BGN/PCGN, which gives the English spellings the lists
   use: Sechin, not Secin), decompose and drop marks, fold to ASCII and lower case. */
static const char *RULES = "::Any-Latin; ::NFKD; ::[:Nonspacing Mark:] Remove; ::Latin-ASCII; "
                           "::Any-Lower; ::NFC;";

/* Cyrillic first goes through BGN/PCGN (Ukrainian letters excepted, left to Any-Latin) */
static const char *CYRILLIC_ID =
    "[[:Cyrillic:]-[\\u0456\\u0457\\u0454\\u0491\\u0406\\u0407\\u0404\\u0490]] Russian-Latin/BGN";

/* The scripts ICU's Any-Latin builds a transliterator for on first meeting them, one word
   each: transliterating them when the normaliser opens makes ICU build them then (Han-Latin
   alone takes tens of milliseconds the first time in a process), not at the first request. */
static const char *const PRIME =
    "习近平 Сергей Αλέξης ラーメン ひらがな محمد שלום ܣܘܪ ދިވެހި रजनी বাংলা ਪੰਜ ગુજ ଓଡ଼ "
    "தமிழ் తెలు ಕನ್ನ മലയ ලංකා สมชาย ລາວ ខ្មែរ မြန် ქართ Ճանապ አማርኛ ᏣᎳᎩ ᐃᓄᒃ 김정은 Éric";

/* Words (and Han characters) remembered per normaliser: 8,192 x (a ~40-byte allocation,
   a 24-byte slot, a 40-byte hmap entry and its 8 bytes of index) = ~1 MB at most, enough
   for the distinct words of a batch's names and the Han characters names use; beyond it
   the clock evicts a word not met since the hand last passed. */
#define MEMO_SLOTS 8192
#define MEMO_MAX_TOKEN 96 /* longer words are transliterated each time, not remembered */

typedef struct memo_slot {
    char *kv;    /* key (the Cyrillic flag byte, then the word), NUL, folded value, NUL */
    size_t klen; /* bytes of the key */
    unsigned char ref;
} memo_slot;

struct em_normalizer {
    UTransliterator *tr;
    UTransliterator *cyr;
    UChar *ubuf;
    int32_t ucap;
    unsigned flags;
    em_hmap memo; /* key -> slot index */
    memo_slot *slots;
    size_t nslots, hand;
    size_t hits, misses;
};

/* The compound transliterator of RULES (tens of milliseconds the first time in a
   process, while ICU compiles the rules; less than one after). */
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

static UTransliterator *open_cyrillic(void) {
    UChar id[256];
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(id, 256, NULL, CYRILLIC_ID, -1, &st);
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) return NULL;
    return t;
}

static char *normalize_any(em_normalizer *n, const char *s);

static em_normalizer *normalizer_alloc(void) {
    em_normalizer *n = em_xcalloc(1, sizeof(em_normalizer));
    em_hmap_init(&n->memo);
    return n;
}

/* Builds the transliterators now, and makes ICU build the per-script ones by
   transliterating a word of each script once. */
em_normalizer *em_normalizer_new(em_error *err) {
    em_normalizer *n = normalizer_alloc();
    if (!(n->tr = open_translit(err))) {
        em_normalizer_free(n);
        return NULL;
    }
    n->cyr = open_cyrillic();
    n->flags = EM_NORM_NO_MEMO; /* the priming words are not the caller's */
    free(normalize_any(n, PRIME));
    n->flags = 0;
    return n;
}

void em_normalizer_free(em_normalizer *n) {
    if (!n) return;
    if (n->tr) utrans_close(n->tr);
    if (n->cyr) utrans_close(n->cyr);
    free(n->ubuf);
    for (size_t i = 0; i < n->nslots; i++)
        free(n->slots[i].kv);
    free(n->slots);
    em_hmap_free(&n->memo, NULL);
    free(n);
}

void em_normalizer_set_flags(em_normalizer *n, unsigned flags) {
    n->flags = flags;
}

void em_normalizer_memo_stats(const em_normalizer *n, size_t *hits, size_t *misses,
                              size_t *entries) {
    if (hits) *hits = n->hits;
    if (misses) *misses = n->misses;
    if (entries) *entries = em_hmap_len(&n->memo);
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

/* ---- the direct path for Latin letters --------------------------------------------------- */

/* data/knowledge/latin_fold.tsv, embedded at build time (cmake/embed_file.cmake) */
extern const unsigned char em_latin_fold_file[];
extern const size_t em_latin_fold_file_size;

/* the two blocks the table covers: Latin-1 Supplement to Latin Extended-B, and Latin
   Extended Additional (Vietnamese) */
#define FOLD_LO1 0x00C0u
#define FOLD_HI1 0x024Fu
#define FOLD_LO2 0x1E00u
#define FOLD_HI2 0x1EFFu
#define FOLD_N1 (FOLD_HI1 - FOLD_LO1 + 1)
#define FOLD_N2 (FOLD_HI2 - FOLD_LO2 + 1)
#define FOLD_LEN 4 /* longest value + NUL */

static char fold_table[FOLD_N1 + FOLD_N2][FOLD_LEN]; /* "" = not covered: ICU decides */
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static char (*fold_slot(uint32_t cp))[FOLD_LEN] {
    if (cp >= FOLD_LO1 && cp <= FOLD_HI1) return &fold_table[cp - FOLD_LO1];
    if (cp >= FOLD_LO2 && cp <= FOLD_HI2) return &fold_table[FOLD_N1 + cp - FOLD_LO2];
    return NULL;
}

/* "U+00E9<TAB>e<TAB># comment": a line that does not read so is left out (ICU
   then transliterates that letter, as it would without the table) */
static void fold_load(void) {
    const char *p = (const char *)em_latin_fold_file, *end = p + em_latin_fold_file_size;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        unsigned cp;
        char val[16];
        int used = 0;
        if (p[0] == 'U' && sscanf(p, "U+%x\t%15[a-z0-9]%n", &cp, val, &used) == 2 &&
            p + used <= eol && strlen(val) < FOLD_LEN) {
            char(*slot)[FOLD_LEN] = fold_slot(cp);
            if (slot) memcpy(*slot, val, strlen(val) + 1);
        }
        p = eol + 1;
    }
}

const char *em_latin_fold(uint32_t cp) {
    pthread_once(&fold_once, fold_load);
    char(*slot)[FOLD_LEN] = fold_slot(cp);
    return slot && (*slot)[0] ? *slot : NULL;
}

/* Folds s[0..len) (no space in it) by the table alone: 1, or 0 when a character
   is neither ASCII nor in the table (out is then as it was). */
static int fold_direct(em_buf *out, const char *s, int32_t len) {
    size_t mark = out->len;
    int space = 1;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c >= 0 && c < 0x80) {
            fold_char(out, c, &space);
            continue;
        }
        const char *v = c > 0 ? em_latin_fold((uint32_t)c) : NULL;
        if (!v) {
            out->len = mark;
            if (out->data) out->data[mark] = '\0';
            return 0;
        }
        em_buf_adds(out, v);
        space = 0;
    }
    return 1;
}

/* ---- ICU ------------------------------------------------------------------------------- */

/* s[0..slen) through the transliterators into n->ubuf: its length, or -1. cyrillic: the
   name has Cyrillic letters (BGN/PCGN for Russian first). */
static int32_t translit(em_normalizer *n, const char *s, int32_t slen, int cyrillic) {
    if (cyrillic && !n->cyr) n->cyr = open_cyrillic();
    int32_t need = slen * 4 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t ulen = 0;
        if (n->ucap < need) {
            n->ucap = need;
            n->ubuf = em_xrealloc(n->ubuf, (size_t)need * sizeof(UChar));
        }
        u_strFromUTF8(n->ubuf, n->ucap, &ulen, s, slen, &st);
        if (U_FAILURE(st)) return -1;
        int32_t limit = ulen;
        if (cyrillic && n->cyr) {
            utrans_transUChars(n->cyr, n->ubuf, &ulen, n->ucap, 0, &limit, &st);
            /* BGN separates some letter pairs with a middle dot and marks soft signs with
               primes: inside a word, neither separates */
            int32_t j = 0;
            for (int32_t i = 0; i < ulen && i < n->ucap; i++)
                if (n->ubuf[i] != 0x00B7 && n->ubuf[i] != 0x02B9 && n->ubuf[i] != 0x02BA)
                    n->ubuf[j++] = n->ubuf[i];
            ulen = j;
            limit = ulen;
        }
        if (st != U_BUFFER_OVERFLOW_ERROR)
            utrans_transUChars(n->tr, n->ubuf, &ulen, n->ucap, 0, &limit, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            /* again with room for the expansion */
            need = (ulen > need ? ulen : need) * 2 + 16;
            continue;
        }
        return U_FAILURE(st) ? -1 : ulen;
    }
    return -1;
}

static int has_cyrillic(const unsigned char *p) {
    for (; *p; p++)
        if (*p >= 0xD0 && *p <= 0xD4) return 1;
    return 0;
}

/* The reference path: the whole name through ICU at once (EM_NORM_WHOLE). */
static char *normalize_whole(em_normalizer *n, const char *s, int cyrillic) {
    int32_t ulen = translit(n, s, (int32_t)strlen(s), cyrillic);
    if (ulen < 0) return em_xstrdup("");
    em_buf out;
    em_buf_init(&out);
    int space = 1;
    for (int32_t i = 0; i < ulen; i++)
        fold_char(&out, n->ubuf[i], &space);
    return fold_end(&out);
}

/* One word (no ASCII space in it) through ICU, folded, appended to out (with a
   space before it when out has text); remembered in the memo unless told not to. */
static void word_icu(em_normalizer *n, em_buf *out, const char *w, size_t wlen, int cyrillic) {
    char key[MEMO_MAX_TOKEN + 1];
    int memo = !(n->flags & EM_NORM_NO_MEMO) && wlen <= MEMO_MAX_TOKEN;
    const char *val = NULL;
    if (memo) {
        key[0] = cyrillic ? '\1' : '\0';
        memcpy(key + 1, w, wlen);
        em_hmap_entry *e = em_hmap_find(&n->memo, key, wlen + 1);
        if (e) {
            memo_slot *sl = &n->slots[e->val.u64];
            sl->ref = 1;
            val = sl->kv + sl->klen + 1;
            n->hits++;
        }
    }
    em_buf tok;
    em_buf_init(&tok);
    if (!val) {
        int32_t ulen = translit(n, w, (int32_t)wlen, cyrillic);
        int space = 1;
        for (int32_t i = 0; i < ulen; i++)
            fold_char(&tok, n->ubuf[i], &space);
        if (tok.len && tok.data[tok.len - 1] == ' ') tok.data[--tok.len] = '\0';
        val = tok.len ? tok.data : "";
        if (memo && ulen >= 0) {
            n->misses++;
            size_t i;
            if (n->nslots < MEMO_SLOTS) {
                if (!n->slots) n->slots = em_xcalloc(MEMO_SLOTS, sizeof *n->slots);
                i = n->nslots++;
            } else {
                /* the clock: the first slot not met since the hand last passed */
                while (n->slots[n->hand].ref) {
                    n->slots[n->hand].ref = 0;
                    n->hand = (n->hand + 1) % MEMO_SLOTS;
                }
                i = n->hand;
                n->hand = (n->hand + 1) % MEMO_SLOTS;
                em_hmap_remove(&n->memo, n->slots[i].kv, n->slots[i].klen, NULL);
                free(n->slots[i].kv);
            }
            size_t vlen = strlen(val);
            memo_slot *sl = &n->slots[i];
            sl->klen = wlen + 1;
            sl->kv = em_xmalloc(sl->klen + vlen + 2);
            memcpy(sl->kv, key, sl->klen);
            sl->kv[sl->klen] = '\0';
            memcpy(sl->kv + sl->klen + 1, val, vlen + 1);
            sl->ref = 0;
            em_hmap_insert(&n->memo, sl->kv, sl->klen, NULL)->val.u64 = i;
        }
    }
    if (*val) {
        if (out->len) em_buf_addc(out, ' ');
        em_buf_adds(out, val);
    }
    em_buf_free(&tok);
}

/* ---- Han character by character -------------------------------------------------------- */

/* ICU's Han-Latin maps each Han character to its syllable alone (spaces put between them),
   but for a few rules that look at the next character, across a space too ("{重}' '?庆 >
   chóng"). The characters those rules map, read from the rules themselves: a name with one
   of them goes through ICU whole; any other word of Han characters goes character by
   character, each from the memo. */
#define HAN_CONTEXT_MAX 64
static uint32_t han_context[HAN_CONTEXT_MAX];
static size_t han_ncontext;
static int han_split_ok;   /* the rules were read: words of Han may be split */
static int han_lookbehind; /* a context rule looks at what comes before too */
static pthread_once_t han_once = PTHREAD_ONCE_INIT;

static int is_han(uint32_t c) { /* the unified ideographs (and extension A) */
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

static void han_load(void) {
    UErrorCode st = U_ZERO_ERROR;
    UTransliterator *t = utrans_openU(u"Han-Latin", -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) return;
    int32_t n = utrans_toRules(t, 0, NULL, 0, &st);
    st = U_ZERO_ERROR;
    UChar *r = em_xmalloc(((size_t)n + 1) * sizeof *r);
    utrans_toRules(t, 0, r, n + 1, &st);
    utrans_close(t);
    int ok = U_SUCCESS(st);
    /* each rule (up to its ';'): the characters it maps when it has a context, that is the
       left side's characters between '{' and '}' ("{重}' '?庆 > chóng": 重, whose
       syllable depends on what follows; 庆 is only looked at) */
    for (int32_t i = 0, rule = 0; ok && i < n; i++) {
        if (r[i] != ';' && i + 1 < n) continue;
        int32_t arrow = rule, open = -1, close = -1;
        while (arrow < i && r[arrow] != '>')
            arrow++;
        for (int32_t j = rule; j < arrow; j++) {
            if (r[j] == '{' && open < 0) open = j;
            if (r[j] == '}' && close < 0) close = j;
        }
        if (open >= 0 || close >= 0) {
            int32_t from = open >= 0 ? open + 1 : rule, to = close >= 0 ? close : arrow;
            for (int32_t j = rule; open >= 0 && j < open; j++)
                if (r[j] != ' ' && r[j] != '\n') han_lookbehind = 1;
            for (int32_t j = from; j < to;) {
                UChar32 c;
                U16_NEXT(r, j, to, c);
                if (c < 0x3000) continue;
                if (han_ncontext == HAN_CONTEXT_MAX) {
                    ok = 0; /* more than expected: no splitting at all */
                    break;
                }
                han_context[han_ncontext++] = (uint32_t)c;
            }
        }
        rule = i + 1;
    }
    free(r);
    han_split_ok = ok;
}

/* 1 when c is a character a context rule maps */
static int han_is_context(uint32_t c) {
    for (size_t k = 0; k < han_ncontext; k++)
        if (c == han_context[k]) return 1;
    return 0;
}

/* 1: s must go through ICU whole: it has Han characters and the rules could not be read,
   or a character of a context rule is in a word that another word follows (the rule may
   look across the space), or the rules look back as well. A context character in the last
   word only has that word after it: the word goes through ICU whole (all_han says no). */
static int han_needs_whole(const char *s) {
    int han = 0;
    int32_t len = (int32_t)strlen(s), first = -1;
    for (int32_t i = 0; i < len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0x3000) continue;
        if (first < 0 && han_is_context((uint32_t)c)) first = at;
        if (is_han((uint32_t)c) || c >= 0x20000) han = 1;
    }
    if (han && !han_split_ok) return 1;
    if (first < 0) return 0;
    if (han_lookbehind) return 1;
    const char *sp = strchr(s + first, ' ');
    while (sp && *sp == ' ')
        sp++;
    return sp && *sp;
}

/* 1 when w[0..wlen) is Han characters only, none of a context rule */
static int all_han(const char *w, size_t wlen) {
    for (int32_t i = 0; i < (int32_t)wlen;) {
        UChar32 c;
        U8_NEXT(w, i, (int32_t)wlen, c);
        if (c < 0 || !is_han((uint32_t)c) || han_is_context((uint32_t)c)) return 0;
    }
    return 1;
}

/* ---- characters of no script ----------------------------------------------------------- */

/* ICU's Any-Latin gives a character of no script of its own (Common, Inherited: µ, ’, a
   combining mark) the script of a run next to it, and runs go across spaces: in
   "Αλέξης µ" or "crµ ης" the µ is Greek, "m"; in a word alone, or between Latin letters,
   it is nothing. 1 when s has such a character that is not ASCII (ASCII ones come out
   the same from every script's rules) and letters of a script other than Latin, where
   that can happen: s then goes through ICU whole. */
static int scriptless_in_context(const char *s) {
    int32_t len = (int32_t)strlen(s);
    int scriptless = 0, other = 0;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0) return 1;
        if (c < 0x80) continue;
        UErrorCode st = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &st);
        if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED ||
            sc == USCRIPT_UNKNOWN) {
            if (!em_latin_fold((uint32_t)c)) scriptless = 1;
        } else if (sc != USCRIPT_LATIN) {
            other = 1;
        }
        if (scriptless && other) return 1;
    }
    return 0;
}

/* ---- word by word ------------------------------------------------------------------------ */

/* A name word by word (ASCII spaces are kept by every step of the ICU rules, and a
   word's transliteration does not depend on its neighbours but for the Han rules above:
   tests/unit/test_normalize.c checks both paths give the same bytes): ASCII words folded
   directly, Latin ones by the table, words of Han character by character, the others
   through ICU once per distinct word. */
static char *normalize_any(em_normalizer *n, const char *s) {
    const unsigned char *q = (const unsigned char *)s;
    while (*q && *q < 0x80)
        q++;
    if (!*q) return normalize_ascii(s);
    if (!n->tr && !(n->tr = open_translit(NULL))) return normalize_ascii(s);
    int cyrillic = has_cyrillic(q);
    if (n->flags & EM_NORM_WHOLE) return normalize_whole(n, s, cyrillic);
    pthread_once(&han_once, han_load);
    /* a name that is not UTF-8 is "" whole (ICU refuses it), not its good words */
    if (!em_is_valid_utf8((const char *)q, strlen((const char *)q)) ||
        han_needs_whole((const char *)q) || scriptless_in_context(s))
        return normalize_whole(n, s, cyrillic);
    em_buf out;
    em_buf_init(&out);
    for (const char *p = s; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *w = p;
        int ascii = 1;
        for (; *p && *p != ' '; p++)
            if ((unsigned char)*p >= 0x80) ascii = 0;
        size_t wlen = (size_t)(p - w), mark = out.len;
        if (out.len) em_buf_addc(&out, ' ');
        size_t start = out.len;
        if (ascii || (!(n->flags & EM_NORM_NO_DIRECT) && fold_direct(&out, w, (int32_t)wlen))) {
            if (ascii) {
                int space = 1;
                for (const char *c = w; c < p; c++)
                    fold_char(&out, (unsigned char)*c, &space);
            }
            if (out.len > start && out.data[out.len - 1] == ' ') out.len--;
            if (out.len == start) out.len = mark; /* nothing of the word: no space either */
            if (out.data) out.data[out.len] = '\0';
            continue;
        }
        out.len = mark;
        if (out.data) out.data[mark] = '\0';
        if (!(n->flags & EM_NORM_NO_HAN) && wlen > 3 && all_han(w, wlen)) {
            for (size_t i = 0; i < wlen; i += 3) /* each character is 3 bytes */
                word_icu(n, &out, w + i, 3, cyrillic);
            continue;
        }
        word_icu(n, &out, w, wlen, cyrillic);
    }
    return fold_end(&out);
}

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

/* Each part between interpuncts is one word: a common given name as the name it
   transcribes (弗拉基米尔 -> "vladimir", han_names.c), else its pinyin syllables glued
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
        /* a common given name in its conventional transcription (han_names.c) */
        const char *given = em_han_given_name(part, strlen(part));
        char *t = given ? em_xstrdup(given) : normalize_any(n, part);
        if (*t && out.len) em_buf_addc(&out, ' ');
        for (const char *q = t; *q; q++)
            if (*q != ' ') em_buf_addc(&out, *q);
        free(t);
    }
    free(copy);
    return em_buf_detach(&out);
}

/* The scripts written in the lists' Latin spellings before ICU, in this order (each
   leaves other text as it is). */
static const struct {
    int (*has)(const char *);
    char *(*to_latin)(const char *);
} READERS[] = {{em_has_arabic, em_arabic_to_latin},
               {em_has_hangul, em_hangul_to_latin},
               {em_has_greek, em_greek_to_latin},
               {em_has_thai, em_thai_to_latin},
               {em_has_hebrew, em_hebrew_to_latin}};

/* Arabic-script words first become Latin consonant spellings (arabic.c), which
   give the lists' romanisations better than ICU's scholarly Arabic-Latin, and
   Hangul the lists' McCune-Reischauer-like spellings (hangul.c), not ICU's
   Revised Romanization, Greek its ELOT 743 or foreign-name readings (greek.c), Hebrew its
   letters read as the lists spell them (hebrew.c), and Thai its RTGS spellings (thai.c). */
char *em_normalize_name(em_normalizer *n, const char *s) {
    if (!s) s = "";
    const unsigned char *q = (const unsigned char *)s;
    while (*q && *q < 0x80)
        q++;
    if (!*q) return normalize_ascii(s);
    char *latin = NULL;
    for (size_t i = 0; i < sizeof READERS / sizeof *READERS; i++) {
        const char *in = latin ? latin : s;
        if (!READERS[i].has(in)) continue;
        char *out = READERS[i].to_latin(in);
        free(latin);
        latin = out;
    }
    if (!latin && is_han_foreign(s)) return normalize_han_foreign(n, s);
    if (!latin) return normalize_any(n, s);
    char *r = normalize_any(n, latin);
    free(latin);
    return r;
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

/* One name, once: a normaliser that builds ICU only if the name needs it. */
char *em_name_key(const char *name) {
    em_normalizer *n = normalizer_alloc();
    char *k = em_normalize_key(n, name);
    em_normalizer_free(n);
    return k;
}
