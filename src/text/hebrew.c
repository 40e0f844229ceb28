/*
 * hebrew.c - names in Hebrew script to the Latin spellings the sanctions lists
 * use (see hebrew.h). Runs inside em_normalize_name before ICU, so list names
 * and queries get the same form; the Latin parts then meet the lists' spellings
 * by their consonant skeletons and phonetic keys (Hebrew is an abjad and a
 * phonetic script for text/tokens.c) in match/align.c.
 *
 * ICU's Any-Latin gives unpointed Hebrew a letter-for-letter transliteration
 * ("קים ג'ונג און" -> "qym g wng wn"): the geresh is lost as punctuation, ו and
 * י are consonants where they write vowels, א and ע glottal marks. Hebrew writes
 * foreign names by their sounds and its own names with few vowels, so each letter
 * takes the rendering of data/knowledge/hebrew_letters.tsv (the Academy of the
 * Hebrew Language's 2006/2011 rules, ISO 259-3) for its place in the word, and
 * the letters that also write vowels are read by their neighbours:
 *   - ו is v at the start of a word and doubled (וו), and before another vowel
 *     letter (לוי levi, לויטן levitan); otherwise the vowel o (the holam
 *     male, the more frequent of the two it writes; the shuruk u is read only
 *     with its dagesh, וּ); with the holam point o;
 *   - י is y at the start, doubled (יי) and before another vowel letter
 *     (איליושין ilyushin), otherwise i;
 *   - א and ע are the vowel a, and not written at all when they only carry the
 *     ו or י that follows at the start of a word (און un, איוואן ivan, עומר umr);
 *   - ה is h, and a vowel (a) at the end of a word (משה msha ~ Moshe);
 *   - ב כ פ are b k p at the start of a word or with the dagesh, v kh f inside;
 *     כ before ס is k (כס writes the x of Alexander: אלכסנדר alksndr);
 *   - the geresh (U+05F3, or an apostrophe) after ג ז צ ת ח ד ע ט gives the
 *     sound Hebrew lacks (ג' j, ז' zh, צ' ch, ת' th); the sin dot makes ש s;
 *   - the Arabic article אל written with a maqaf or a hyphen before a name is
 *     glued to it (אל-אסד alasd), as Arabic script writes it and arabic.c renders
 *     it; the whole words of the table are written as the lists write them
 *     (בן ben, אבו abu: the particles);
 *   - otherwise the maqaf is a hyphen; the gershayim of an acronym and the other points
 *     and cantillation marks are dropped; prefixes and the article stay (a
 *     name part may begin with ה, ו, ב, ל, מ, ש as a letter of its own).
 * Other scripts pass through; presentation forms (U+FB1D..U+FB4F) are decomposed.
 */
#include "text/hebrew.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"
#include "embargo.h"
#include "text/arabic.h"
#include "text/table.h"

#define HE_FIRST 0x05D0
#define HE_LAST 0x05F2
#define HE_N (HE_LAST - HE_FIRST + 1)

enum { AT_START, INSIDE, AT_END, GERESH, PLACES };

typedef struct he_letter {
    char kind;         /* 'C', 'V'; 0 = not in the table */
    char r[PLACES][4]; /* renderings; "" = none */
} he_letter;

static he_letter table[HE_N];

/* whole words read as the lists write them (the particles בן ben, אבו abu) */
enum { WORD_MAX = 8, WORDS_MAX = 16 };
typedef struct he_word {
    UChar32 w[WORD_MAX];
    size_t n;
    char latin[WORD_MAX];
} he_word;
static he_word words[WORDS_MAX];
static size_t n_words;

/* the Latin spellings a unit of this file's output is read as (em_hebrew_reads_as) */
enum { UNIT_MAX = 3, SPELL_MAX = 8, SPELL_LEN = 4, READINGS_MAX = 48 };
typedef struct he_reading {
    char unit[UNIT_MAX + 1];
    char latin[SPELL_MAX][SPELL_LEN + 1];
    size_t n;
} he_reading;
static he_reading readings[READINGS_MAX];
static size_t n_readings;
static int table_ok;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* one field of a table line (TAB-separated), advanced past */
static char *field(char **p) {
    char *s = *p;
    if (!s) return NULL;
    char *tab = strchr(s, '\t');
    if (tab) {
        *tab = '\0';
        *p = tab + 1;
    } else {
        *p = NULL;
    }
    return s;
}

static void table_load(void) {
    char *dir = em_xasprintf("%s/knowledge", em_bundled_data_dir());
    em_table r;
    em_error err = {0};
    int rc = em_table_open(&r, dir, "hebrew_letters.tsv", &err);
    free(dir);
    if (rc) return;
    int bad = 0;
    for (char *line; (line = em_table_next(&r));) {
        char *p = line, *f[7];
        for (int i = 0; i < 7; i++)
            f[i] = field(&p);
        if (f[0] && strcmp(f[0], "reads") == 0) { /* reads, unit, spellings */
            he_reading *x = n_readings < READINGS_MAX ? &readings[n_readings++] : NULL;
            if (!x || !f[2] || f[3] || !f[1][0] || strlen(f[1]) > UNIT_MAX) {
                bad = 1;
                break;
            }
            memcpy(x->unit, f[1], strlen(f[1]) + 1);
            for (char *save = NULL, *t = strtok_r(f[2], " ", &save); t;
                 t = strtok_r(NULL, " ", &save)) {
                if (x->n == SPELL_MAX || strlen(t) > SPELL_LEN) {
                    bad = 1;
                    break;
                }
                memcpy(x->latin[x->n++], t, strlen(t) + 1);
            }
            if (bad) break;
            continue;
        }
        if (f[0] && strcmp(f[0], "word") == 0) { /* word, Hebrew, Latin */
            he_word *x = n_words < WORDS_MAX ? &words[n_words++] : NULL;
            if (!x || !f[2] || f[3] || strlen(f[2]) >= WORD_MAX) {
                bad = 1;
                break;
            }
            memcpy(x->latin, f[2], strlen(f[2]) + 1);
            int32_t len = (int32_t)strlen(f[1]);
            for (int32_t i = 0; i < len && x->n < WORD_MAX;) {
                UChar32 c;
                U8_NEXT(f[1], i, len, c);
                x->w[x->n++] = c;
            }
            continue;
        }
        unsigned cp = 0;
        if (!f[6] || sscanf(f[0], "U+%x", &cp) != 1 || cp < HE_FIRST || cp > HE_LAST ||
            (f[2][0] != 'C' && f[2][0] != 'V') || f[2][1]) {
            bad = 1;
            break;
        }
        he_letter *l = &table[cp - HE_FIRST];
        l->kind = f[2][0];
        for (int k = 0; k < PLACES; k++) {
            const char *v = f[3 + k];
            size_t n = strlen(v);
            if (n == 0 || n >= sizeof l->r[k]) {
                bad = 1;
                break;
            }
            if (strcmp(v, "-") != 0) memcpy(l->r[k], v, n + 1);
        }
    }
    em_table_close(&r);
    table_ok = !bad;
}

int em_has_hebrew(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == 0xD7 && p[1] >= 0x90 && p[1] <= 0xB2)
            return 1; /* U+05D0..U+05F2 */
        else if (*p == 0xEF && ((p[1] == 0xAC && p[2] >= 0x9D) || p[1] == 0xAD) &&
                 !(p[1] == 0xAD && p[2] > 0x8F))
            return 1; /* U+FB1D..U+FB4F */
    return 0;
}

static int is_letter(UChar32 c) {
    return c >= HE_FIRST && c <= HE_LAST && table[c - HE_FIRST].kind;
}

/* the points and cantillation marks (dropped, after the few that are read) */
static int is_mark(UChar32 c) {
    return (c >= 0x0591 && c <= 0x05BD) || c == 0x05BF || c == 0x05C1 || c == 0x05C2 ||
           c == 0x05C4 || c == 0x05C5 || c == 0x05C7;
}

static int is_geresh(UChar32 c) {
    return c == 0x05F3 || c == '\'' || c == 0x2019 || c == 0x02BC || c == 0x2018 || c == 0x0060;
}

/* one letter of a word, with what its marks say */
typedef struct he_char {
    UChar32 c;
    unsigned geresh : 1, dagesh : 1, sin : 1, holam : 1;
} he_char;

enum {
    ALEF = 0x05D0,
    BET = 0x05D1,
    HE = 0x05D4,
    VAV = 0x05D5,
    YOD = 0x05D9,
    KAF = 0x05DB,
    LAMED = 0x05DC,
    SAMEKH = 0x05E1,
    AYIN = 0x05E2,
    PE = 0x05E4,
    SHIN = 0x05E9
};

static int writes_vowel(UChar32 c) {
    return c == ALEF || c == AYIN || c == VAV || c == YOD;
}

/* One word of Hebrew letters to Latin into out. */
static void word(em_buf *out, const he_char *w, size_t n) {
    for (size_t k = 0; k < n_words; k++) {
        size_t i = 0;
        while (i < n && i < words[k].n && w[i].c == words[k].w[i] && !w[i].geresh)
            i++;
        if (i == n && n == words[k].n) {
            em_buf_adds(out, words[k].latin);
            return;
        }
    }
    int carrier = 0; /* the word began with an א or ע carrying its ו or י */
    for (size_t i = 0; i < n; i++) {
        UChar32 c = w[i].c;
        const he_letter *l = &table[c - HE_FIRST];
        int place = i == 0 ? AT_START : i + 1 == n ? AT_END : INSIDE;
        UChar32 nx = i + 1 < n ? w[i + 1].c : 0;
        const char *r = l->r[place];
        if (w[i].geresh && l->r[GERESH][0]) {
            r = l->r[GERESH];
        } else if (c == ALEF || c == AYIN) {
            if (i == 0 && (nx == VAV || nx == YOD) && n > 2) {
                carrier = 1;
                r = "";
            }
        } else if (c == VAV) {
            if (nx == VAV) { /* וו: v */
                r = "v";
                i++;
            } else if (w[i].holam) {
                r = "o";
            } else if (w[i].dagesh && i > 0) {
                r = "u";
            } else if (i == 0) {
                r = "v";
            } else if (!(i == 1 && carrier) && writes_vowel(nx)) {
                r = "v";
            } else {
                r = "o";
            }
        } else if (c == YOD) {
            if (nx == YOD) { /* יי: y */
                r = "y";
                i++;
            } else if (i == 0) {
                r = "y";
            } else if (!(i == 1 && carrier) && i + 1 < n && (writes_vowel(nx) || nx == HE)) {
                r = "y";
            } else {
                r = "i";
            }
        } else if ((c == BET || c == KAF || c == PE) && w[i].dagesh) {
            r = l->r[AT_START];
        } else if (c == KAF && nx == SAMEKH) {
            r = "k";
        } else if (c == SHIN && w[i].sin) {
            r = "s";
        } else if (c == HE && n == 1) {
            r = "h";
        }
        em_buf_adds(out, r);
    }
}

/* s as code points, the presentation forms decomposed; *n set. NULL on bad UTF-8. */
static UChar32 *code_points(const char *s, size_t *n) {
    int32_t len = (int32_t)strlen(s);
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st)) return NULL;
    UChar32 *cp = em_xcalloc((size_t)len * 3 + 1, sizeof(UChar32));
    size_t k = 0;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0) c = 0xFFFD;
        if (c >= 0xFB1D && c <= 0xFB4F) {
            UChar u[1] = {(UChar)c}, v[8];
            st = U_ZERO_ERROR;
            int32_t m = unorm2_normalize(nfkc, u, 1, v, 8, &st);
            if (U_SUCCESS(st) && m > 0 && m <= 3) {
                for (int32_t j = 0; j < m; j++)
                    cp[k++] = v[j];
                continue;
            }
        }
        cp[k++] = c;
    }
    *n = k;
    return cp;
}

char *em_hebrew_to_latin(const char *s) {
    pthread_once(&table_once, table_load);
    if (!table_ok) return em_xstrdup(s);
    size_t n = 0;
    UChar32 *cp = code_points(s, &n);
    if (!cp) return em_xstrdup(s);
    em_buf out;
    em_buf_init(&out);
    he_char *w = em_xcalloc(n + 1, sizeof *w);
    for (size_t i = 0; i < n;) {
        if (!is_letter(cp[i])) {
            UChar32 c = cp[i++];
            if (c == 0x05BE) { /* maqaf */
                em_buf_addc(&out, '-');
            } else if (c == 0x05C0 || c == 0x05C3) { /* paseq, sof pasuq */
                em_buf_addc(&out, ' ');
            } else if (!is_mark(c) && c != 0x05F4) {
                char tmp[4];
                int32_t k = 0;
                UBool bad = 0;
                U8_APPEND(tmp, k, 4, c, bad);
                if (!bad) em_buf_add(&out, tmp, (size_t)k);
            }
            continue;
        }
        /* one word: letters with their marks, a geresh, the gershayim of an acronym */
        size_t m = 0;
        while (i < n) {
            UChar32 c = cp[i];
            if (is_letter(c)) {
                w[m++] = (he_char){.c = c};
            } else if (is_mark(c) && m) {
                if (c == 0x05BC) w[m - 1].dagesh = 1;
                if (c == 0x05C2) w[m - 1].sin = 1;
                if (c == 0x05B9 || c == 0x05BA) w[m - 1].holam = 1;
            } else if (is_geresh(c) && m && table[w[m - 1].c - HE_FIRST].r[GERESH][0]) {
                w[m - 1].geresh = 1;
            } else if ((c == 0x05F4 || c == '"' || is_geresh(c)) && m && i + 1 < n &&
                       is_letter(cp[i + 1])) {
                /* inside a word: an acronym's gershayim, a stray apostrophe */
            } else {
                break;
            }
            i++;
        }
        word(&out, w, m);
        /* the Arabic article written with a maqaf or a hyphen (אל-אסד) is glued to its
           name, as Arabic script writes it (الأسد) and arabic.c renders it ("alasd") */
        if (m == 2 && w[0].c == ALEF && w[1].c == LAMED && !w[1].geresh && i + 1 < n &&
            (cp[i] == 0x05BE || cp[i] == '-') && is_letter(cp[i + 1]))
            i++;
    }
    free(w);
    free(cp);
    return em_buf_detach(&out);
}

/* ---- reading a Latin spelling as a rendering of a part this file wrote ------------ */

enum { READ_MAX = 40 };

typedef struct reader {
    const char *a, *l;
    size_t la, lb;
    uint64_t failed[READ_MAX + 1]; /* bit j of failed[i]: (i, j) cannot be read */
} reader;

static int lat_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int he_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* a y the Latin writes as a vowel (Kadyrov, Dmitry): after a consonant, not before a vowel */
static int vowel_y(const char *l, size_t j, size_t lb) {
    return l[j] == 'y' && j > 0 && !lat_vowel(l[j - 1]) && (j + 1 == lb || !lat_vowel(l[j + 1]));
}

/* 1 when the string t is the n letters at u (u holds no NUL among them): strlen(t) == n
   and the same letters, without measuring t */
static int unit_is(const char *t, const char *u, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!t[i] || t[i] != u[i]) return 0;
    return t[n] == '\0';
}

static const he_reading *reading_of(const char *u, size_t n) {
    for (size_t i = 0; i < n_readings; i++)
        if (unit_is(readings[i].unit, u, n)) return &readings[i];
    return NULL;
}

static int read_from(reader *x, size_t i, size_t j);

/* after a consonant spelling ending in c at j, the Latin may double it (Weizmann) */
static int read_next(reader *x, size_t i, size_t j, char c) {
    if (read_from(x, i, j)) return 1;
    return !lat_vowel(c) && j < x->lb && x->l[j] == c && read_from(x, i, j + 1);
}

static int read_from(reader *x, size_t i, size_t j) {
    const char *a = x->a, *l = x->l;
    size_t la = x->la, lb = x->lb;
    if (x->failed[i] >> j & 1) return 0;
    if (i == la) {
        /* an ending the letters do not write: a vowel or two, -ah, -eh (Yehudah, Moshe) */
        size_t rest = lb - j;
        if (rest == 0 || (rest <= 2 && lat_vowel(l[j]) && (rest == 1 || lat_vowel(l[j + 1]))) ||
            (rest <= 2 && l[lb - 1] == 'h' && (rest == 1 ? he_vowel(a[la - 1]) : lat_vowel(l[j]))))
            return 1;
        x->failed[i] |= 1ull << j;
        return 0;
    }
    /* a vowel the letters do not write */
    if (j < lb && (lat_vowel(l[j]) || vowel_y(l, j, lb)) && read_from(x, i, j + 1)) return 1;
    /* a vowel letter the Latin does not write (the o of ו, the i of י, the a of א) */
    if (he_vowel(a[i]) && read_from(x, i + 1, j)) return 1;
    for (size_t n = UNIT_MAX; n >= 1; n--) {
        if (i + n > la) continue;
        const he_reading *r = reading_of(a + i, n);
        for (size_t m = 0; r && m < r->n; m++) {
            /* the spelling's letters at l + j, compared as they are read (no strlen) */
            const char *t = r->latin[m];
            size_t k = 0;
            while (t[k] && j + k < lb && l[j + k] == t[k])
                k++;
            if (!t[k] && read_next(x, i + n, j + k, t[k - 1])) return 1;
        }
    }
    x->failed[i] |= 1ull << j;
    return 0;
}

unsigned em_hebrew_reads_as(const char *part, size_t la, const char *latin, size_t lb) {
    pthread_once(&table_once, table_load);
    if (!table_ok || la == 0 || lb == 0 || la > READ_MAX || lb > READ_MAX) return 0;
    for (size_t i = 0; i < la; i++)
        if (part[i] < 'a' || part[i] > 'z') return 0;
    /* only failed[0..la] is read: clearing the rest would cost a line per call */
    reader ctx;
    reader *x = &ctx;
    x->a = part, x->l = latin, x->la = la, x->lb = lb;
    memset(x->failed, 0, (la + 1) * sizeof x->failed[0]);
    if (!read_from(x, 0, 0)) return 0;
    /* how many consonants the part writes */
    size_t cons = 0;
    for (size_t i = 0; i < la; i++)
        if (!he_vowel(part[i]) && part[i] != 'y' &&
            !(part[i] == 'h' && i > 0 && strchr("kstczdg", part[i - 1])))
            cons++;
    return EM_ARABIC_LETTERS | (cons < 2 ? EM_ARABIC_FEW : 0u);
}
