/*
 * arabic.c - Arabic-script names (Arabic, Persian, Dari, Pashto, Urdu) to the
 * Latin letters the lists romanise them with (see arabic.h). Runs inside
 * em_normalize_name before ICU, so list names and queries get the same form.
 *
 * Vowels are mostly not written, so this is a consonant rendering whose letters
 * meet the lists' spellings through the consonant key of em_abjad_key
 * (tokens.c): each letter takes its most common Latin rendering (ALA-LC and
 * the customary English forms: ث th, ذ dh, خ kh, غ gh, ش sh, ق q, ج j, Persian
 * پ p, چ ch, ژ zh, گ g; data/knowledge/README.md has the table and its
 * sources). What the letters cannot say is decided by position:
 *   - ع and the alif forms starting a word are a vowel ("a": عبد abd, علي aly,
 *     عمر amr ~ omar); inside a word ع is not written in Latin (سبعاوي sbawy);
 *   - ة (ta marbuta) is "a" at the end of a name part (خليفة khlyfa, Khalifa)
 *     and "at" before a word with the article (construct state: القاعدة في
 *     جزيرة العرب alqada fy jzyrat alarb, al-Qaida fi Jazirat al-Arab);
 *   - ى (alif maqsura) is "a" (مصطفى mstfa, موسى mwsa, يحيى yhya);
 *   - the whole words بن bin, ابن ibn, بنت bint, ابو/أبو abu, ولد ould; ابو
 *     glued to the next name is split off (أبواليزيد abu alyzyd), and so is عبد
 *     glued to the article (عبدالخالق abd alkhalq);
 *   - short vowels, shadda, tatweel and the zero-width non-joiner are dropped
 *     (a ZWNJ joins: خامنه‌ای is one word).
 * Presentation forms (ﺁ) are folded first (NFKC). Other scripts pass through.
 */
#include "text/arabic.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"

int em_has_arabic(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDB)
            return 1; /* U+0600..U+06FF */
        else if (*p == 0xEF && p[1] >= 0xAD && p[1] <= 0xBB)
            return 1; /* FB50..FEFF forms */
    return 0;
}

/* The Latin rendering of one Arabic-script letter, NULL when it is not one. */
static const char *letter(UChar32 c) {
    switch (c) {
    case 0x0627: /* ا */
    case 0x0623: /* أ */
    case 0x0625: /* إ */
    case 0x0622: /* آ */
    case 0x0671: /* ٱ */
    case 0x0670: /* superscript alif */
        return "a";
    case 0x0628:
        return "b";
    case 0x067E:
        return "p"; /* پ */
    case 0x062A:
        return "t";
    case 0x0679:
        return "t"; /* ٹ Urdu */
    case 0x067C:
        return "t"; /* ټ Pashto */
    case 0x062B:
        return "th"; /* ث */
    case 0x062C:
        return "j";
    case 0x0686:
        return "ch"; /* چ */
    case 0x0681:
        return "dz"; /* ځ */
    case 0x0685:
        return "ts"; /* څ */
    case 0x062D:
        return "h"; /* ح */
    case 0x062E:
        return "kh"; /* خ */
    case 0x062F:
        return "d";
    case 0x0688:
        return "d"; /* ڈ */
    case 0x0689:
        return "d"; /* ډ */
    case 0x0630:
        return "dh"; /* ذ */
    case 0x0631:
        return "r";
    case 0x0691:
        return "r"; /* ڑ */
    case 0x0693:
        return "r"; /* ړ */
    case 0x0632:
        return "z";
    case 0x0698:
        return "zh"; /* ژ */
    case 0x0696:
        return "zh"; /* ږ */
    case 0x0633:
        return "s";
    case 0x0634:
        return "sh";
    case 0x069A:
        return "sh"; /* ښ */
    case 0x0635:
        return "s"; /* ص */
    case 0x0636:
        return "d"; /* ض */
    case 0x0637:
        return "t"; /* ط */
    case 0x0638:
        return "z"; /* ظ */
    case 0x063A:
        return "gh"; /* غ */
    case 0x0641:
        return "f";
    case 0x06A4:
        return "v"; /* ڤ */
    case 0x0642:
        return "q";
    case 0x0643: /* ك */
    case 0x06A9: /* ک */
        return "k";
    case 0x06AF: /* گ */
    case 0x06AB: /* ګ */
        return "g";
    case 0x0644:
        return "l";
    case 0x0645:
        return "m";
    case 0x0646:
        return "n";
    case 0x06BA:
        return "n"; /* ں */
    case 0x06BC:
        return "n"; /* ڼ */
    case 0x0647:    /* ه */
    case 0x06C1:    /* ہ */
    case 0x06BE:    /* ھ */
    case 0x06D5:    /* ە */
        return "h";
    case 0x0648:
        return "w"; /* و */
    case 0x0624:
        return "w"; /* ؤ */
    case 0x064A:    /* ي */
    case 0x06CC:    /* ی */
    case 0x0626:    /* ئ */
    case 0x06CD:    /* ۍ */
    case 0x06D0:    /* ې */
    case 0x06D2:    /* ے */
        return "y";
    case 0x0649:
        return "a"; /* ى alif maqsura */
    default:
        return NULL;
    }
}

static int is_arabic_letter(UChar32 c) {
    return letter(c) != NULL || c == 0x0639 || c == 0x0629 || c == 0x06C3 || c == 0x0621;
}

/* dropped inside words: short vowels and other marks, tatweel, ZWNJ/ZWJ */
static int is_dropped(UChar32 c) {
    return (c >= 0x064B && c <= 0x065F) || c == 0x0640 || c == 0x200C || c == 0x200D ||
           (c >= 0x06D6 && c <= 0x06ED);
}

/* One word of Arabic letters (already without marks) -> Latin into out. `next_al`:
   the next word starts with the article. */
static void word(em_buf *out, const UChar32 *w, size_t n, int next_al) {
    static const UChar32 BN[] = {0x0628, 0x0646}, IBN[] = {0x0627, 0x0628, 0x0646},
                         BNT[] = {0x0628, 0x0646, 0x062A}, ABU1[] = {0x0627, 0x0628, 0x0648},
                         ABU2[] = {0x0623, 0x0628, 0x0648}, OULD[] = {0x0648, 0x0644, 0x062F};
    struct {
        const UChar32 *w;
        size_t n;
        const char *latin;
    } whole[] = {{BN, 2, "bin"},   {IBN, 3, "ibn"},  {BNT, 3, "bint"},
                 {ABU1, 3, "abu"}, {ABU2, 3, "abu"}, {OULD, 3, "ould"}};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (n == whole[i].n && memcmp(w, whole[i].w, n * sizeof *w) == 0) {
            em_buf_adds(out, whole[i].latin);
            return;
        }
    /* عبد glued to the article and a name (عبدالخالق): "abd" and "al..." apart, as
       lists write it either way (Abd al-Khaliq, Abdulkhaliq: align.c meets both) */
    static const UChar32 ABDAL[] = {0x0639, 0x0628, 0x062F, 0x0627, 0x0644};
    if (n > 6 && memcmp(w, ABDAL, 5 * sizeof *w) == 0) {
        em_buf_adds(out, "abd al");
        for (size_t i = 5; i < n; i++) {
            const char *l = w[i] == 0x0639 ? (i == 5 ? "a" : "") : letter(w[i]);
            if (w[i] == 0x0629 || w[i] == 0x06C3) l = next_al && i + 1 == n ? "at" : "a";
            if (l) em_buf_adds(out, l);
        }
        return;
    }
    /* a name glued to the عبد of the next (محمدعبد البصیر: Mohammad Abdul Basir): the
       name and "abd" apart */
    static const UChar32 ABD[] = {0x0639, 0x0628, 0x062F};
    if (n > 5 && next_al && memcmp(w + n - 3, ABD, sizeof ABD) == 0) {
        word(out, w, n - 3, 0);
        em_buf_adds(out, " abd");
        return;
    }
    /* ابو / أبو glued to a name: "abu" and the name */
    if (n > 4 && (memcmp(w, ABU1, 3 * sizeof *w) == 0 || memcmp(w, ABU2, 3 * sizeof *w) == 0)) {
        em_buf_adds(out, "abu ");
        w += 3;
        n -= 3;
    }
    for (size_t i = 0; i < n; i++) {
        UChar32 c = w[i];
        if (c == 0x0639) { /* ع: a vowel at the start, not written inside */
            if (i == 0 || (i == 2 && w[0] == 0x0627 && w[1] == 0x0644)) /* or after al- */
                em_buf_addc(out, 'a');
            continue;
        }
        if (c == 0x0621) continue;        /* ء hamza on the line */
        if (c == 0x0629 || c == 0x06C3) { /* ة */
            em_buf_adds(out, i + 1 == n && next_al ? "at" : "a");
            continue;
        }
        const char *l = letter(c);
        if (l) em_buf_adds(out, l);
    }
}

char *em_arabic_to_latin(const char *s) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0, slen = (int32_t)strlen(s);
    UChar *u = em_xcalloc((size_t)slen + 1, sizeof(UChar));
    u_strFromUTF8(u, slen + 1, &ulen, s, slen, &st);
    if (U_FAILURE(st)) {
        free(u);
        return em_xstrdup(s);
    }
    /* presentation forms to letters */
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    UChar *v = em_xcalloc((size_t)ulen * 4 + 8, sizeof(UChar));
    int32_t vlen = U_SUCCESS(st) ? unorm2_normalize(nfkc, u, ulen, v, ulen * 4 + 8, &st) : 0;
    if (U_FAILURE(st)) {
        memcpy(v, u, (size_t)ulen * sizeof(UChar));
        vlen = ulen;
    }
    free(u);
    /* code points, marks dropped */
    UChar32 *cp = em_xcalloc((size_t)vlen + 1, sizeof(UChar32));
    size_t n = 0;
    for (int32_t i = 0; i < vlen;) {
        UChar32 c;
        U16_NEXT(v, i, vlen, c);
        if (is_dropped(c)) continue;
        cp[n++] = c;
    }
    free(v);
    em_buf out;
    em_buf_init(&out);
    for (size_t i = 0; i < n;) {
        if (!is_arabic_letter(cp[i])) {
            char tmp[5];
            int32_t k = 0;
            UBool bad = 0;
            U8_APPEND(tmp, k, 4, cp[i], bad);
            if (cp[i] >= 0x0660 && cp[i] <= 0x0669) /* Arabic-Indic digits */
                em_buf_addc(&out, (char)('0' + cp[i] - 0x0660));
            else if (cp[i] >= 0x06F0 && cp[i] <= 0x06F9)
                em_buf_addc(&out, (char)('0' + cp[i] - 0x06F0));
            else if (!bad)
                em_buf_add(&out, tmp, (size_t)k);
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && is_arabic_letter(cp[j]))
            j++;
        /* does the next word start with the article ال? */
        size_t k = j;
        while (k < n && !is_arabic_letter(cp[k]) && (cp[k] == ' ' || cp[k] == '-'))
            k++;
        int next_al = k < n && k + 1 < n && cp[k] == 0x0627 && cp[k + 1] == 0x0644;
        word(&out, cp + i, j - i, next_al);
        i = j;
    }
    free(cp);
    return em_buf_detach(&out);
}

/* ---- reading a Latin spelling as a rendering of an Arabic-script one ------------- */

/* The Latin renderings of one letter (or digraph) of em_arabic_to_latin's output,
   from the romanisations the lists mix: ALA-LC, the customary English forms, the
   French/Maghreb ones (dj, ou, ch, c), the Persian and Urdu ones (z for ذ ض ظ). */
typedef struct rendering {
    const char *unit;     /* a letter (or digraph) of em_arabic_to_latin's output */
    const char *latin[7]; /* its Latin renderings */
} rendering;

static const rendering RENDERINGS[] = {
    {"th", {"th", "s", "t", "z"}},           /* ث */
    {"dh", {"dh", "z", "d", "th"}},          /* ذ */
    {"kh", {"kh", "h", "x", "ch", "k"}},     /* خ */
    {"gh", {"gh", "g", "q"}},                /* غ */
    {"sh", {"sh", "ch", "sch", "s"}},        /* ش (French ch) */
    {"ch", {"ch", "tch", "tsh", "c"}},       /* چ */
    {"zh", {"zh", "j", "z"}},                /* ژ */
    {"dz", {"dz", "z"}},                     /* ځ */
    {"ts", {"ts", "s"}},                     /* څ */
    {"j", {"j", "dj", "g", "dzh", "zh"}},    /* ج (French dj, Egyptian g) */
    {"w", {"w", "u", "o", "ou", "oo", "v"}}, /* و */
    {"y", {"y", "i", "e", "ee", "ie"}},      /* ي ی */
    {"d", {"d", "dh", "z"}},                 /* د, ض (d, dh, Persian z) */
    {"z", {"z", "dh", "th", "d"}},           /* ز, ظ (z, dh, th, d) */
    {"s", {"s", "c"}},                       /* س ص (French c before e, i) */
    {"q", {"q", "k", "g", "c", "ck"}},       /* ق */
    {"k", {"k", "c", "ck", "q", "g"}},       /* ك ک */
    {"g", {"g", "gu", "gh", "k"}},           /* گ */
    {"f", {"f", "ph", "v"}},                 /* ف */
    {"v", {"v", "w", "u", "o", "ou"}},       /* ڤ */
    {"b", {"b"}},
    {"p", {"p"}},
    {"t", {"t"}},
    {"h", {"h"}},
    {"r", {"r"}},
    {"l", {"l"}},
    {"m", {"m"}},
    {"n", {"n"}},
};

/* 1 when the string t is the n letters at u (u holds no NUL among them): strlen(t) == n
   and the same letters, without measuring t */
static int unit_is(const char *t, const char *u, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!t[i] || t[i] != u[i]) return 0;
    return t[n] == '\0';
}

/* The Latin renderings of the unit of n letters at u, NULL when it is none. */
static const char *const *renderings(const char *u, size_t n) {
    for (size_t i = 0; i < sizeof RENDERINGS / sizeof *RENDERINGS; i++)
        if (unit_is(RENDERINGS[i].unit, u, n)) return RENDERINGS[i].latin;
    return NULL;
}

/* The units of a part em_arabic_to_latin wrote: its digraphs, else one letter. */
static size_t unit_len(const char *a, size_t i, size_t la) {
    return i + 1 < la && renderings(a + i, 2) ? 2 : 1;
}

/* the consonants of a rendering (vowels, w and y are not written in a skeleton) */
static void consonants(const char *r, char *out, size_t cap) {
    size_t j = 0;
    for (; *r && j + 1 < cap; r++)
        if (!strchr("aeiouwy", *r)) out[j++] = *r;
    out[j] = '\0';
}

typedef struct spell_ctx {
    const char *a;
    size_t la;
    char (*out)[EM_ARABIC_SPELLING_MAX];
    size_t max, n;
    char cur[EM_ARABIC_SPELLING_MAX];
} spell_ctx;

static void spell_from(spell_ctx *x, size_t i, size_t at, int changed) {
    if (x->n == x->max) return;
    if (i >= x->la) {
        memcpy(x->out[x->n++], x->cur, at + 1);
        return;
    }
    size_t n = unit_len(x->a, i, x->la);
    const char *const *r = renderings(x->a + i, n);
    if (!r) { /* a vowel letter: as it is */
        if (at + n + 1 > sizeof x->cur) return;
        memcpy(x->cur + at, x->a + i, n);
        x->cur[at + n] = '\0';
        spell_from(x, i + n, at + n, changed);
        return;
    }
    char seen[7][8];
    size_t nseen = 0;
    for (size_t k = 0; k < 7 && r[k]; k++) {
        char c[8];
        consonants(r[k], c, sizeof c);
        size_t d;
        for (d = 0; d < nseen && strcmp(seen[d], c) != 0; d++)
            ;
        if (d < nseen) continue; /* the same consonants as a rendering tried already */
        memcpy(seen[nseen++], c, sizeof c);
        if (k > 0 && changed) break; /* one letter in another rendering at a time */
        size_t l = strlen(r[k]);
        if (at + l + 1 > sizeof x->cur) continue;
        memcpy(x->cur + at, r[k], l + 1);
        spell_from(x, i + n, at + l, changed || k > 0);
    }
}

size_t em_arabic_spellings(const char *abjad, size_t la, char (*out)[EM_ARABIC_SPELLING_MAX],
                           size_t max) {
    if (la == 0 || la >= EM_ARABIC_SPELLING_MAX) return 0;
    for (size_t i = 0; i < la; i++)
        if (abjad[i] < 'a' || abjad[i] > 'z') return 0;
    spell_ctx x = {abjad, la, out, max, 0, {0}};
    spell_from(&x, 0, 0, 0);
    return x.n;
}

static int lat_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* letters the article's l assimilates to (the sun letters, by their renderings) */
static int sun_letter(char c) {
    return c && strchr("tdrzsln", c) != NULL;
}

/* a one-letter prefix the article may follow: wa-, bi-, fa-, ka-, li- (والشام, بالدم) */
static int article_prefix(char c) {
    return c == 'w' || c == 'b' || c == 'f' || c == 'k' || c == 'l';
}

enum { READ_MAX = 40 };

typedef struct reader_ctx {
    const char *a, *l;
    size_t la, lb;
    uint64_t failed[READ_MAX + 1]; /* bit j of failed[i]: (i, j) cannot be read */
} reader_ctx;

static int read_from(reader_ctx *x, size_t i, size_t j, unsigned *rules);

/* after a consonant rendering ending in c at j, the Latin may double it */
static int read_next(reader_ctx *x, size_t i, size_t j, char c, unsigned *rules) {
    if (read_from(x, i, j, rules)) return 1;
    if (c && !lat_vowel(c) && j < x->lb && x->l[j] == c && read_from(x, i, j + 1, rules)) return 1;
    return 0;
}

static int read_from(reader_ctx *x, size_t i, size_t j, unsigned *rules) {
    const char *a = x->a, *l = x->l;
    size_t la = x->la, lb = x->lb;
    if (x->failed[i] >> j & 1) return 0;
    if (i == la) {
        /* a case or feminine ending the abjad does not write ("muslimina", "djamel"... ) */
        size_t rest = lb - j;
        if (rest == 0 || (rest <= 2 && lat_vowel(l[j]) && (rest == 1 || lat_vowel(l[j + 1]))))
            return 1;
        /* the article of the next word glued on, as the lists write it: Ansarul Muslimina,
           Biladis Sudan (bilad as-Sudan) */
        if (rest == 2 && la >= 3 && (l[j] == 'u' || l[j] == 'i' || l[j] == 'e') &&
            strchr("lsdtrz", l[j + 1])) {
            *rules |= EM_ARABIC_ARTICLE;
            return 1;
        }
        x->failed[i] |= 1ull << j;
        return 0;
    }
    /* a short vowel the abjad does not write */
    if (j < lb && lat_vowel(l[j]) && read_from(x, i, j + 1, rules)) return 1;
    char c = a[i];
    /* the article: dropped (al-Tikriti ~ Tikriti), at the start or after wa-/bi-/... */
    int art = c == 'a' && i + 3 < la && a[i + 1] == 'l' && a[i + 2] != 'y' &&
              (i == 0 || (i == 1 && article_prefix(a[0])));
    /* wa-/bi-/... and the article before a name: all three unwritten (والجهاد ~ jihad) */
    if (i == 0 && la >= 5 && article_prefix(c) && a[1] == 'a' && a[2] == 'l' && a[3] != 'y') {
        unsigned r = 0;
        if (read_from(x, 3, j, &r)) {
            *rules |= r | EM_ARABIC_ARTICLE;
            return 1;
        }
    }
    if (art) {
        unsigned r = 0;
        if (read_from(x, i + 2, j, &r)) {
            *rules |= r | EM_ARABIC_ARTICLE;
            return 1;
        }
    }
    /* the article's l assimilated to a sun letter: as-Sayyid, ad-Din, -uddin, biddam; inside
       a part only where the Latin doubles that letter */
    if (c == 'l' && i > 0 && a[i - 1] == 'a' && i + 1 < la && sun_letter(a[i + 1])) {
        int start = i == 1 || (i == 2 && article_prefix(a[0]));
        /* inside a part only in the -ud-din compound, where the Latin doubles the d */
        int din = la - i == 4 && !memcmp(a + i + 1, "dyn", 3);
        if (start || (din && j + 1 < lb && l[j] == 'd' && l[j + 1] == 'd')) {
            unsigned r = 0;
            if (read_from(x, i + 1, j, &r)) {
                *rules |= r | EM_ARABIC_ARTICLE;
                return 1;
            }
        }
    }
    /* vowels the abjad writes (alif; the a, u, i of abu, ibn, ould), unwritten or as a vowel */
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
        if (read_from(x, i + 1, j, rules)) return 1;
        /* ة at the end: -ah, -at, -eh, -et */
        if (i + 1 == la && j < lb && (l[j] == 'h' || l[j] == 't') &&
            read_from(x, i + 1, j + 1, rules))
            return 1;
        x->failed[i] |= 1ull << j;
        return 0;
    }
    /* ه at the end is often a vowel the Latin writes as a, e or nothing */
    if (c == 'h' && i + 1 == la && read_from(x, i + 1, j, rules)) return 1;
    /* ی at the end is alif maqsura in Persian (عیسی Essa, موسی Musa) */
    if (c == 'y' && i + 1 == la && i > 0 && j < lb && l[j] == 'a' &&
        read_from(x, i + 1, j + 1, rules))
        return 1;
    for (size_t n = 2; n >= 1; n--) {
        if (i + n > la) continue;
        const char *const *alt = renderings(a + i, n);
        for (size_t m = 0; alt && m < 7 && alt[m]; m++) {
            /* the rendering's letters at l + j, compared as they are read (no strlen) */
            size_t k = 0;
            while (alt[m][k] && j + k < lb && l[j + k] == alt[m][k])
                k++;
            if (!alt[m][k] && read_next(x, i + n, j + k, alt[m][k - 1], rules)) return 1;
        }
    }
    x->failed[i] |= 1ull << j;
    return 0;
}

unsigned em_arabic_reads_as(const char *abjad, size_t la, const char *latin, size_t lb) {
    if (la == 0 || lb == 0 || la > READ_MAX || lb > READ_MAX) return 0;
    for (size_t i = 0; i < la; i++)
        if (abjad[i] < 'a' || abjad[i] > 'z') return 0;
    /* only failed[0..la] is read: clearing the rest would cost a line per call */
    reader_ctx ctx;
    reader_ctx *x = &ctx;
    x->a = abjad, x->l = latin, x->la = la, x->lb = lb;
    memset(x->failed, 0, (la + 1) * sizeof x->failed[0]);
    unsigned rules = 0;
    if (!read_from(x, 0, 0, &rules)) return 0;
    /* how many consonants the abjad part writes (w and y are also vowels) */
    size_t cons = 0;
    for (size_t i = 0; i < la; i++)
        if (!strchr("aeiouwy", abjad[i]) &&
            !(abjad[i] == 'h' && i > 0 && strchr("tdkgscz", abjad[i - 1])))
            cons++;
    if (cons < 2) rules |= EM_ARABIC_FEW;
    return rules | EM_ARABIC_LETTERS;
}
