/*
 * align.c - how two names compare, part by part (see align.h); every weight
 * named here is in weights.h.
 *
 * Part similarity (em_part_similarity), from strongest to weakest evidence:
 * the same token or number (EM_SIM_EXACT); the same given name in another
 * transliteration, i.e. one variant group of the knowledge tables
 * (EM_SIM_VARIANT); a nickname (EM_NICKNAME_SIM); for a one-letter part, the
 * initial of the other (EM_SIM_INITIAL). Then, between two texts, the best of:
 * the same consonant skeleton (EM_SIM_SKELETON_ABJAD when one side was
 * written in an abjad, else EM_SIM_SKELETON, from 3 consonants and 4 letters);
 * the same letters in another order (EM_ANAGRAM_SIM); a small edit distance
 * (optimal string alignment, confusable letters costing half, shared
 * uninformative heads and tails ignored), never for parts shorter than
 * EM_FUZZY_MIN_LEN letters: short tokens get no fuzz. Romanised Han and Hangul
 * syllables are atomic: exact or nothing.
 *
 * Alignment (em_align): every query part is compared with every listed part
 * (memoised per query in an em_simcache: candidates share tokens), and a part
 * without a strong partner of its own may also meet two glued parts of the
 * other side ("sergeilavrov" ~ "sergei+lavrov", "jc" ~ "jean+claude"). Pairs
 * are then taken one-to-one, greedily: strong pairs (exact, variant) first,
 * then by similarity x the weights of both sides. Greedy rather than optimal
 * because names have few parts and the strong pairs decide; order does not
 * matter ("KHATIB, Esmail" = "Esmail Khatib").
 *
 * The name score is qcov x (1 - s + s x ccov) - EM_CONFLICT_COST x conflict:
 * qcov and ccov the weighted shares of the query and of the listed name that
 * were met, s the share that depends on covering the listed name
 * (EM_PERSON_LIST_SHARE: a person's listed name carries parts a query omits;
 * EM_ORG_LIST_SHARE for organisations), and the conflict the weight share of
 * parts left over on both sides (another person's name part, not an
 * omission), on the side where it is smaller, plus EM_PATRONYMIC_SWAP when
 * "X bin Y" meets "Y bin X". So unmatched query parts cost more than
 * unmatched listed ones, and parts left over on both sides cost most.
 */
#include "match/align.h"

#include <stdio.h>
#include <string.h>

#include "match/org.h"
#include "match/weights.h"
#include "text/arabic.h"
#include "text/hebrew.h"
#include "text/knowledge.h"

static int is_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Confusable letters (a substitution among them costs half): the vowels a e i o u y
   with each other, and c/k/q, s/z, v/w, f/v, j/y, d/t, b/p, g/j, i/j, m/n. Bit b of
   CONFUSABLE[x] is set when letter x is confusable with letter b. */
static const uint32_t CONFUSABLE[26] = {
    0x1104110, 0x0008000, 0x0010400, 0x0080000, 0x1104101, 0x0200000, 0x0000200,
    0x0000000, 0x1104211, 0x1000140, 0x0010004, 0x0000000, 0x0002000, 0x0001000,
    0x1100111, 0x0000002, 0x0000404, 0x0000000, 0x2000000, 0x0000008, 0x1004111,
    0x0400020, 0x0200000, 0x0000000, 0x0104311, 0x0040000};

/* cost of substituting a by b, in half units: 0 equal, 1 confusable, 2 otherwise */
static int sub_cost2(char a, char b) {
    if (a == b) return 0;
    if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && (CONFUSABLE[a - 'a'] >> (b - 'a') & 1))
        return 1;
    return 2;
}

/* Optimal string alignment distance (adjacent transpositions cost one edit),
   confusable substitutions half, bounded by max: only the band of cells within
   max of the diagonal is computed (an insertion or deletion costs a whole edit),
   and the computation stops as soon as a row exceeds max. */
static float osa(const char *a, size_t la, const char *b, size_t lb, float max) {
    enum { INF = 1 << 20 };
    if (la > 40 || lb > 40 || max < 0) return max + 1;
    int band = (int)max, lim = (int)(max * 2);                        /* in half units */
    if ((la > lb ? la - lb : lb - la) > (size_t)band) return max + 1; /* an edit per letter */
    int d[41][41];
    /* only cells within band + 2 of the diagonal are ever read: those start at INF */
    for (size_t i = 0; i <= la; i++) {
        size_t lo = i > (size_t)band + 2 ? i - (size_t)band - 2 : 0;
        size_t hi = i + (size_t)band + 2 < lb ? i + (size_t)band + 2 : lb;
        for (size_t j = lo; j <= hi; j++)
            d[i][j] = INF;
    }
    for (size_t i = 0; i <= la && (int)i <= band; i++)
        d[i][0] = 2 * (int)i;
    for (size_t j = 0; j <= lb && (int)j <= band; j++)
        d[0][j] = 2 * (int)j;
    for (size_t i = 1; i <= la; i++) {
        int rowmin = INF;
        size_t from = (int)i - band > 1 ? i - (size_t)band : 1;
        size_t to = i + (size_t)band < lb ? i + (size_t)band : lb;
        for (size_t j = from; j <= to; j++) {
            int v = d[i - 1][j - 1] + sub_cost2(a[i - 1], b[j - 1]);
            if (d[i - 1][j] + 2 < v) v = d[i - 1][j] + 2;
            if (d[i][j - 1] + 2 < v) v = d[i][j - 1] + 2;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 2 < v)
                v = d[i - 2][j - 2] + 2;
            d[i][j] = v;
            if (v < rowmin) rowmin = v;
        }
        if (rowmin > lim) return max + 1;
    }
    return d[la][lb] >= INF ? max + 1 : (float)d[la][lb] / 2.0f;
}

/* The letter classes of letter_bound: a-z 1..26, 0-9 27..36, anything else 0. */
#define LC2(c, v) [c] = v
static const uint8_t LETTER_CLASS[256] = {
    LC2('a', 1),  LC2('b', 2),  LC2('c', 3),  LC2('d', 4),  LC2('e', 5),  LC2('f', 6),
    LC2('g', 7),  LC2('h', 8),  LC2('i', 9),  LC2('j', 10), LC2('k', 11), LC2('l', 12),
    LC2('m', 13), LC2('n', 14), LC2('o', 15), LC2('p', 16), LC2('q', 17), LC2('r', 18),
    LC2('s', 19), LC2('t', 20), LC2('u', 21), LC2('v', 22), LC2('w', 23), LC2('x', 24),
    LC2('y', 25), LC2('z', 26), LC2('0', 27), LC2('1', 28), LC2('2', 29), LC2('3', 30),
    LC2('4', 31), LC2('5', 32), LC2('6', 33), LC2('7', 34), LC2('8', 35), LC2('9', 36)};
#undef LC2

/* Lower bound of the edit distance from letter counts (each edit changes at
   most two counts; confusable substitutions cost half, hence the /4). */
static float letter_bound(const char *a, size_t la, const char *b, size_t lb) {
    /* sum |count in a - count in b| = la + lb - 2 x the letters both have (as many
       times as the one with fewer); a part is at most UINT16_MAX letters (em_part.len) */
    uint16_t h[37] = {0};
    int common = 0;
    for (size_t i = 0; i < la; i++)
        h[LETTER_CLASS[(unsigned char)a[i]]]++;
    for (size_t i = 0; i < lb; i++) {
        uint16_t *x = &h[LETTER_CLASS[(unsigned char)b[i]]];
        if (*x) (*x)--, common++;
    }
    int d = (int)la + (int)lb - 2 * common;
    return (float)d / 4.0f;
}

float em_edit_distance(const char *a, size_t la, const char *b, size_t lb, float max) {
    if (letter_bound(a, la, b, lb) > max) return max + 1;
    return osa(a, la, b, lb, max);
}

/* Parts that share a long uninformative head or tail differ only in the rest:
   "abdurrahim" / "abdurrahman" are two names (Abd al-Rahim, Abd al-Rahman), as are
   "jonsdottir" / "tomasdottir". Returns how many leading (*head) and trailing
   (*tail) letters to ignore in the edit distance. */
static void shared_affixes(const char *a, size_t la, const char *b, size_t lb, size_t *head,
                           size_t *tail) {
    static const char *HEADS[] = {"abdul", "abdur", "abdel", "abdal", "abdol", "abdu"};
    static const char *TAILS[] = {"shvili", "dottir", "ovich", "evich", "ovna",
                                  "evna",   "enko",   "sson",  "zadeh", "dze"};
    *head = *tail = 0;
    /* every head starts "abd", every tail is 3 letters or more: the rest of the
       tests below cannot pass without these */
    if (la < 3 + EM_AFFIX_REST_MIN || lb < 3 + EM_AFFIX_REST_MIN) return;
    for (size_t i = 0; a[0] == 'a' && b[0] == 'a' && i < sizeof HEADS / sizeof *HEADS; i++) {
        size_t n = strlen(HEADS[i]);
        if (la >= n + EM_AFFIX_REST_MIN && lb >= n + EM_AFFIX_REST_MIN &&
            !strncmp(a, HEADS[i], n) && !strncmp(b, HEADS[i], n)) {
            *head = n;
            break;
        }
    }
    for (size_t i = 0; i < sizeof TAILS / sizeof *TAILS; i++) {
        size_t n = strlen(TAILS[i]);
        if (la >= *head + n + EM_AFFIX_REST_MIN && lb >= *head + n + EM_AFFIX_REST_MIN &&
            a[la - 1] == TAILS[i][n - 1] && b[lb - 1] == TAILS[i][n - 1] &&
            !strcmp(a + la - n, TAILS[i]) && !strcmp(b + lb - n, TAILS[i])) {
            *tail = n;
            break;
        }
    }
}

/* ---- the consonant key of a part against an abjad spelling ----------------------- */

/* Writes the consonant key of t (len letters) into out: what an abjad writes and a
   romanisation keeps. Vowels and the semi-vowels w/y/v go; digraphs count as one
   letter (th t, dh d, gh g, kh x, sh S, ch C, ph f); q/k/c/g are one letter (ك is
   written for گ), p is b;
   only adjacent doubles collapse ("aziz" zz, "hassan" hsn); a final h goes (ة
   and ه are a, ah, e, eh, ih). From `from` letters on. */
static size_t abjad_key_from(const char *t, size_t len, size_t from, char *out, size_t cap,
                             int th_s) {
    size_t j = 0;
    char prev = 0;
    for (size_t i = from; i < len && j + 1 < cap; i++) {
        char c = t[i], nx = i + 1 < len ? t[i + 1] : 0;
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w' ||
            c == 'v') {
            prev = 0;
            continue;
        }
        if (nx == 'h' && (c == 't' || c == 'd' || c == 'g' || c == 'k' || c == 's' || c == 'c' ||
                          c == 'p' || c == 'z')) {
            c = c == 't'   ? (th_s ? 's' : 't')
                : c == 'd' ? 'd'
                : c == 'g' ? 'g'
                : c == 'k' ? 'x'
                : c == 's' ? 'S'
                : c == 'c' ? 'C'
                : c == 'p' ? 'f'
                           : 'Z';
            i++;
        } else if (c == 'q' || c == 'c' || c == 'g') {
            c = 'k';
        } else if (c == 'p') {
            c = 'b';
        }
        if (c == prev) continue;
        out[j++] = c;
        prev = c;
    }
    if (j > 1 && out[j - 1] == 'h') j--;
    /* the article of -al-din ("nwraldyn" ~ "nooruddin" ~ "nuraddin") */
    if (j >= 4 && !memcmp(out + j - 3, "ldn", 3) && len >= 5 &&
        (!memcmp(t + len - 5, "aldyn", 5) || !memcmp(t + len - 5, "aldin", 5) ||
         !memcmp(t + len - 5, "eldin", 5))) {
        out[j - 3] = 'd';
        out[j - 2] = 'n';
        j--;
    }
    out[j] = '\0';
    return j;
}

/* The key without the Arabic article: "al"/"el"/"ul" starting a part ("almhdy" ~
   "mehdi"), or the article inside an abd- compound ("abdalrhmn" ~ "abdurrahman" ~
   "abdelrahman": the l of the article, assimilated or not, is not counted).
   0 when the part has neither. */
static size_t abjad_key_alt(const char *t, size_t len, char *out, size_t cap, int th_s) {
    if (len >= 5 && (t[0] == 'a' || t[0] == 'e' || t[0] == 'u') && t[1] == 'l' &&
        !strchr("aeiouy", t[2]))
        return abjad_key_from(t, len, 2, out, cap, th_s);
    if (len >= 6 && t[0] == 'a' && t[1] == 'b' && t[2] == 'd') {
        size_t i = 3;
        if (strchr("aeiou", t[i])) i++;
        if (t[i] == 'l' || (t[i] == t[i + 1] && !strchr("aeiouy", t[i]))) {
            if (t[i] == 'l') i++;
            if (cap < 3) return 0;
            out[0] = 'b';
            out[1] = 'd';
            size_t n = abjad_key_from(t, len, i, out + 2, cap - 2, th_s);
            if (n && out[2] == 'd') { /* "abd" + "d...": one d */
                memmove(out + 2, out + 3, n);
                n--;
            }
            return n + 2;
        }
    }
    return 0;
}

/* The same consonant key, with or without the article, on both sides (one side
   written in an abjad): at least EM_SKEL_ABJAD_MIN consonants. */
static int abjad_keys_meet(const char *a, size_t la, const char *b, size_t lb) {
    char ka[4][48], kb[4][48];
    if (la >= 40 || lb >= 40) return 0;
    size_t na[4], nb[4];
    /* ث is th or s (Sanaullah, Thana Allah): with "th" as t, then as s */
    int th = memmem(a, la, "th", 2) || memmem(b, lb, "th", 2);
    for (int s = 0; s < 1 + th; s++) {
        na[2 * s] = abjad_key_from(a, la, 0, ka[2 * s], sizeof ka[0], s);
        na[2 * s + 1] = abjad_key_alt(a, la, ka[2 * s + 1], sizeof ka[0], s);
        nb[2 * s] = abjad_key_from(b, lb, 0, kb[2 * s], sizeof kb[0], s);
        nb[2 * s + 1] = abjad_key_alt(b, lb, kb[2 * s + 1], sizeof kb[0], s);
    }
    for (int i = 0; i < 2 + 2 * th; i++)
        for (int j = 0; j < 2 + 2 * th; j++)
            if ((i >> 1) == (j >> 1) && na[i] >= EM_SKEL_ABJAD_MIN && na[i] == nb[j] &&
                memcmp(ka[i], kb[j], na[i]) == 0)
                return 1;
    return 0;
}

static float text_similarity(const char *a, size_t la, const char *askel, const char *b, size_t lb,
                             const char *bskel, int abjad, em_part_how *how) {
    if (la == lb && memcmp(a, b, la) == 0) {
        *how = EM_HOW_EXACT;
        return EM_SIM_EXACT;
    }
    float best = 0;
    /* the skeletons compared before askel's length is taken: most differ at once */
    if (askel[0] && askel[0] == bskel[0] && strcmp(askel, bskel) == 0) {
        size_t sl = strlen(askel);
        if (abjad &&
            (sl >= EM_SKEL_ABJAD_MIN || (la <= EM_SKEL_ABJAD_SHORT && lb <= EM_SKEL_ABJAD_SHORT))) {
            best = EM_SIM_SKELETON_ABJAD;
            *how = EM_HOW_SKELETON;
        } else if (sl >= EM_SKEL_MIN && la >= EM_SKEL_MIN_PART && lb >= EM_SKEL_MIN_PART) {
            best = EM_SIM_SKELETON;
            *how = EM_HOW_SKELETON;
        }
    }
    if (abjad && best < EM_SIM_SKELETON_ABJAD && abjad_keys_meet(a, la, b, lb)) {
        best = EM_SIM_SKELETON_ABJAD;
        *how = EM_HOW_SKELETON;
    }
    /* the same letters in another order ("nituP" for "Putin"): a scrambled spelling */
    if (la == lb && la >= EM_ANAGRAM_MIN_LEN && best < EM_ANAGRAM_SIM &&
        letter_bound(a, la, b, lb) == 0) {
        best = EM_ANAGRAM_SIM;
        *how = EM_HOW_FUZZY;
    }
    size_t head, tail;
    shared_affixes(a, la, b, lb, &head, &tail);
    if (head || tail) {
        a += head, b += head;
        la -= head + tail, lb -= head + tail;
    }
    size_t mn = la < lb ? la : lb, mx = la < lb ? lb : la;
    if (mn >= EM_FUZZY_MIN_LEN && mx - mn <= EM_FUZZY_MAX_LEN_DIFF) {
        float maxd = mx >= EM_FUZZY_THREE_EDITS_LEN ? 3.0f
                     : mx >= EM_FUZZY_TWO_EDITS_LEN ? 2.0f
                                                    : 1.0f;
        int first_differs = a[0] != b[0] && !(is_vowel(a[0]) && is_vowel(b[0]));
        /* the distance is in half edits: the most that can still make s pass below, by
           the same arithmetic (s falls as the distance grows); no alignment beyond it
           is computed (osa is exact up to its max, above it says more than max) */
        while (maxd >= 0) {
            float s = 1.0f - maxd / (float)mx;
            if (first_differs) s -= EM_FUZZY_FIRST_LETTER;
            if (s >= EM_FUZZY_MIN_SIM && s > best) break;
            maxd -= 0.5f;
        }
        float dist =
            maxd < 0 || letter_bound(a, la, b, lb) > maxd ? maxd + 1 : osa(a, la, b, lb, maxd);
        if (maxd >= 0 && dist <= maxd) {
            float s = 1.0f - dist / (float)mx;
            if (first_differs) s -= EM_FUZZY_FIRST_LETTER;
            if (s >= EM_FUZZY_MIN_SIM && s > best) {
                best = s > EM_FUZZY_MAX_SIM ? EM_FUZZY_MAX_SIM : s;
                *how = EM_HOW_FUZZY;
            }
        }
    }
    return best;
}

/* A part written in Arabic script (EM_TOK_ABJAD) against a Latin one: does the Latin
   read as a rendering of its letters (text/arabic.c: em_arabic_reads_as; a Hebrew part
   also by text/hebrew.c: em_hebrew_reads_as)? The similarity and how, or 0. */
static float arabic_similarity(const char *a, size_t la, unsigned fa, const char *b, size_t lb,
                               unsigned fb, em_part_how *how) {
    const unsigned abjad = EM_TOK_ABJAD | EM_TOK_HEBREW;
    if (!((fa ^ fb) & abjad) || ((fa | fb) & (EM_TOK_NUMBER | EM_TOK_SYLLABIC))) return 0;
    unsigned r = fa & abjad ? em_arabic_reads_as(a, la, b, lb) : em_arabic_reads_as(b, lb, a, la);
    if (!r && ((fa | fb) & EM_TOK_HEBREW)) /* Hebrew: its own letters' renderings */
        r = fa & abjad ? em_hebrew_reads_as(a, la, b, lb) : em_hebrew_reads_as(b, lb, a, la);
    if (!r) return 0;
    *how = r & EM_ARABIC_ARTICLE         ? EM_HOW_ARABIC_ARTICLE
           : ((fa | fb) & EM_TOK_HEBREW) ? EM_HOW_HEBREW_LETTER
                                         : EM_HOW_ARABIC_LETTER;
    return r & EM_ARABIC_FEW ? EM_SIM_ARABIC_FEW : EM_SIM_ARABIC;
}

/* Two parts whose phonetic key is short must also sound alike vowel for vowel: what is
   heard of them (em_phonetic_heard) within per_letter edits per letter
   (EM_PHONETIC_SHORT_KEY_EDITS for a key of two classes: "hameineiyi" ~ "khamenei", not "hamenei" ~
   "aminian"; EM_PHONETIC_KEY_EDITS for three: not "shivli" ~ "jafar"). */
static int sounds_alike(const char *a, const char *b, float per_letter) {
    char ha[48], hb[48];
    size_t na = em_phonetic_heard(a, ha, sizeof ha), nb = em_phonetic_heard(b, hb, sizeof hb);
    float max = (float)(na > nb ? na : nb) * per_letter;
    return em_edit_distance(ha, na, hb, nb, max) <= max;
}

/* EM_SIM_PHONETIC when one side is a foreign name written by its sounds and both
   have the same phonetic key (em_phonetic_key), long enough; else 0. */
static float phonetic_similarity(const char *a, size_t la, unsigned fa, const char *b, size_t lb,
                                 unsigned fb) {
    if (!((fa ^ fb) & EM_TOK_PHONETIC)) return 0;
    int particle = (fa | fb) & EM_TOK_PARTICLE; /* アル ~ al */
    if (!((la >= EM_PHONETIC_FORM_MIN_LEN && lb >= EM_PHONETIC_FORM_MIN_LEN) || particle)) return 0;
    char ka[48], kb[48], ta[48], tb[48];
    if (la >= sizeof ta || lb >= sizeof tb) return 0;
    memcpy(ta, a, la);
    ta[la] = '\0';
    memcpy(tb, b, lb);
    tb[lb] = '\0';
    size_t na = em_phonetic_key(ta, ka, sizeof ka);
    int long_enough = (la >= EM_PHONETIC_MIN_LEN && lb >= EM_PHONETIC_MIN_LEN) || particle;
    int shortkey = na + 1 == EM_PHONETIC_MIN_KEY && la > EM_PHONETIC_MIN_LEN &&
                   lb > EM_PHONETIC_MIN_LEN && !particle;
    int enough = long_enough && (na >= EM_PHONETIC_MIN_KEY || (particle && na > 0) || shortkey);
    if (enough && em_phonetic_key(tb, kb, sizeof kb) == na && memcmp(ka, kb, na) == 0 &&
        (na > EM_PHONETIC_MIN_KEY || particle ||
         sounds_alike(ta, tb, shortkey ? EM_PHONETIC_SHORT_KEY_EDITS : EM_PHONETIC_KEY_EDITS)))
        return EM_SIM_PHONETIC;
    /* parts too short for the key: the same sound form, vowels and all ("ari" ~ "ali") */
    if (la >= EM_PHONETIC_FORM_MIN_LEN && lb >= EM_PHONETIC_FORM_MIN_LEN) {
        size_t fa = em_phonetic_form(ta, ka, sizeof ka);
        if (fa >= EM_PHONETIC_FORM_MIN_LEN && em_phonetic_form(tb, kb, sizeof kb) == fa &&
            memcmp(ka, kb, fa) == 0)
            return EM_SIM_PHONETIC;
    }
    return 0;
}

/* 1 when the longer of a and b is the other plus a case ending of the knowledge,
   the shorter one long enough and ending in a consonant ("putinas" ~ "putin") */
static int case_ending(const em_part *a, const em_part *b, const em_knowledge *k) {
    const em_part *s = a->len < b->len ? a : b, *l = a->len < b->len ? b : a;
    size_t d = (size_t)(l->len - s->len);
    if (!k || d == 0 || d > 2 || s->len < EM_CASE_ENDING_MIN_LEN) return 0;
    if (is_vowel(s->text[s->len - 1]) || memcmp(s->text, l->text, s->len) != 0) return 0;
    char end[4];
    memcpy(end, l->text + s->len, d);
    end[d] = '\0';
    return em_knowledge_is_case_ending(k, end);
}

/* em_part_similarity; a_nick 0 when a is known to be in no nickname pair (so the
   lookup of the pair is skipped), else 1 */
static float part_similarity(const em_part *a, const em_part *b, int abjad, const em_knowledge *k,
                             int a_nick, em_part_how *how) {
    *how = EM_HOW_NONE;
    if (a->vocab != UINT32_MAX && a->vocab == b->vocab) {
        *how = EM_HOW_EXACT;
        return EM_SIM_EXACT;
    }
    if ((a->flags | b->flags) & EM_TOK_NUMBER) {
        if (strcmp(a->text, b->text) == 0) {
            *how = EM_HOW_EXACT;
            return EM_SIM_EXACT;
        }
        return 0;
    }
    /* two names in one syllabic script agree on its spelling (김종은 is not 김정은) */
    if (a->flags & b->flags & EM_TOK_SYLLABIC) {
        if (strcmp(a->text, b->text) == 0) {
            *how = EM_HOW_EXACT;
            return EM_SIM_EXACT;
        }
        return 0;
    }
    if (a->group && a->group == b->group) {
        if (strcmp(a->text, b->text) == 0) {
            *how = EM_HOW_EXACT;
            return EM_SIM_EXACT;
        }
        if (em_knowledge_group_is_translation(k, a->group)) {
            *how = EM_HOW_ARABIC_WORD;
            return EM_SIM_VARIANT;
        }
        /* a given name's variant, an abbreviation, a country's adjective (org.c); an
           Arabic-script word in an organisation word's group is its translation */
        *how = em_org_group_how(k, a->group);
        if (*how != EM_HOW_VARIANT && ((a->flags | b->flags) & EM_TOK_ABJAD)) {
            *how = EM_HOW_ARABIC_WORD;
            return EM_SIM_VARIANT;
        }
        return *how == EM_HOW_ABBREVIATION ? EM_SIM_ABBREVIATION
               : *how == EM_HOW_COUNTRY    ? EM_SIM_COUNTRY
                                           : EM_SIM_VARIANT;
    }
    if (k && a_nick &&
        !((a->flags | b->flags) & (EM_TOK_LEGAL | EM_TOK_NUMBER | EM_TOK_PARTICLE)) &&
        em_knowledge_is_nickname(k, a->text, b->text)) {
        *how = EM_HOW_NICKNAME;
        return EM_NICKNAME_SIM;
    }
    if ((a->flags ^ b->flags) & EM_TOK_LEGAL) {
        float s = em_org_legal_typo(a, b, k); /* "akg" ~ "ag" */
        if (s > 0) {
            *how = EM_HOW_LEGAL_TYPO;
            return s;
        }
    }
    if (a->len == 1 || b->len == 1) {
        if (a->len == 1 && b->len == 1 && a->text[0] == b->text[0]) {
            *how = EM_HOW_EXACT;
            return EM_SIM_EXACT;
        }
        if (a->text[0] == b->text[0] &&
            !((a->flags | b->flags) & (EM_TOK_LEGAL | EM_TOK_PARTICLE))) {
            *how = EM_HOW_INITIAL;
            return EM_SIM_INITIAL;
        }
        return 0;
    }
    if ((a->flags | b->flags) & EM_TOK_SYLLABIC) {
        /* romanised Han/Hangul syllables are atomic: one letter off is another syllable */
        if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0) {
            *how = EM_HOW_EXACT;
            return EM_SIM_EXACT;
        }
        return 0;
    }
    float s = text_similarity(a->text, a->len, a->skel, b->text, b->len, b->skel, abjad, how);
    if (s < EM_SIM_CASE_ENDING && !((a->flags | b->flags) & (EM_TOK_LEGAL | EM_TOK_PARTICLE)) &&
        case_ending(a, b, k)) {
        *how = EM_HOW_CASE_ENDING;
        return EM_SIM_CASE_ENDING;
    }
    if (s < EM_SIM_ARABIC) {
        em_part_how ah = EM_HOW_NONE;
        float as = arabic_similarity(a->text, a->len, a->flags, b->text, b->len, b->flags, &ah);
        if (as > s) {
            s = as;
            *how = ah;
        }
    }
    if (s < EM_SIM_PHONETIC &&
        phonetic_similarity(a->text, a->len, a->flags, b->text, b->len, b->flags) > 0) {
        *how = EM_HOW_PHONETIC;
        return EM_SIM_PHONETIC;
    }
    return s;
}

float em_part_similarity(const em_part *a, const em_part *b, int abjad, const em_knowledge *k,
                         em_part_how *how) {
    return part_similarity(a, b, abjad, k, 1, how);
}

_Static_assert(EM_JOIN_MAX_PARTS <= EM_JOIN_MAX_PARTS_KEY, "em_joinslot holds the longest run");

/* The letter-by-letter half of joined_similarity: one against the lj letters of
   x[0..n) glued (their flags ored), before EM_JOINED_FACTOR; 0 when they do not meet.
   Depends on nothing but the parts and abjad (what em_simcache's join table keys). */
static float joined_letters(const em_part *one, const em_part *x, size_t n, size_t lj,
                            unsigned flags, int abjad) {
    char buf[128], skel[EM_SKEL_MAX * 2];
    const em_part *y = &x[n - 1];
    for (size_t i = 0, at = 0; i < n; at += x[i].len, i++)
        memcpy(buf + at, x[i].text, x[i].len);
    buf[lj] = '\0';
    em_skeleton(buf, skel, sizeof skel);
    em_part_how h;
    float s = text_similarity(one->text, one->len, one->skel, buf, lj, skel, abjad, &h);
    if (s < EM_SIM_ARABIC) {
        float as = arabic_similarity(one->text, one->len, one->flags, buf, lj,
                                     flags & ~(unsigned)EM_TOK_PARTICLE, &h);
        if (as > s) s = as;
    }
    /* by sound: an article may lead the glued parts ("alasadeu" ~ "al"+"assad") */
    if (s <= 0 && !(y->flags & EM_TOK_PARTICLE))
        s = phonetic_similarity(one->text, one->len, one->flags, buf, lj,
                                flags & ~(unsigned)EM_TOK_PARTICLE);
    return s;
}

/* joined_letters through the join table of sc: one_id is one's id, x_ids[0..n) the
   glued parts' (EM_JOINKEY_NONE when a part has none: not memoised) */
static float joined_letters_cached(em_simcache *sc, uint32_t one_id, const uint32_t *x_ids,
                                   const em_part *one, const em_part *x, size_t n, size_t lj,
                                   unsigned flags, int abjad) {
    uint32_t key[1 + EM_JOIN_MAX_PARTS_KEY];
    key[0] = one_id;
    for (size_t i = 0; i < EM_JOIN_MAX_PARTS_KEY; i++)
        key[1 + i] = i < n ? x_ids[i] : EM_JOINKEY_NONE;
    uint32_t h = (uint32_t)abjad * 0x9E3779B9u;
    for (size_t i = 0; i < 1 + EM_JOIN_MAX_PARTS_KEY; i++) {
        if (i <= n && key[i] == EM_JOINKEY_NONE) return joined_letters(one, x, n, lj, flags, abjad);
        h = (h ^ key[i]) * 0x01000193u;
        h ^= h >> 15;
    }
    uint32_t slot = h & (EM_JOINCACHE_SIZE - 1);
    for (int probe = 0; probe < 8; probe++, slot = (slot + 1) & (EM_JOINCACHE_SIZE - 1)) {
        em_joinslot *e = &sc->join[slot];
        if (e->gen != sc->generation) {
            float s = joined_letters(one, x, n, lj, flags, abjad);
            e->gen = sc->generation;
            memcpy(e->id, key, sizeof key);
            e->abjad = (uint8_t)abjad;
            e->sim = s;
            return s;
        }
        if (e->abjad == (uint8_t)abjad && memcmp(e->id, key, sizeof key) == 0) return e->sim;
    }
    return joined_letters(one, x, n, lj, flags, abjad);
}

/* similarity of one part against the glued parts x[0..n) (n >= 2): words split or
   joined ("sergeilavrov" ~ "sergei+lavrov", "vanderbilt" ~ "van+der+bilt"). With sc,
   the letter-by-letter comparison is memoised by the parts' ids (joined_letters_cached). */
static float joined_similarity(const em_part *one, const em_part *x, size_t n, int abjad,
                               const em_knowledge *k, em_simcache *sc, uint32_t one_id,
                               const uint32_t *x_ids, em_part_how *how) {
    const em_part *y = &x[n - 1];
    /* a two-letter part may be the initials of two parts: "jc" ~ "jean" + "claude" */
    if (n == 2 && one->len == 2 && x->len > 1 && y->len > 1 && one->text[0] == x->text[0] &&
        one->text[1] == y->text[0] && !((one->flags | x->flags | y->flags) & EM_TOK_NUMBER)) {
        *how = EM_HOW_INITIAL;
        return EM_SIM_TWO_INITIALS;
    }
    if (one->len < EM_JOINED_MIN_LEN) return 0;
    /* organisation names (k given) lose their stopwords: "vanderbilt" ~ "van+(der)+bilt" */
    if (n == 2 && k && one->len > x->len + y->len && !memcmp(one->text, x->text, x->len) &&
        !memcmp(one->text + one->len - y->len, y->text, y->len)) {
        char mid[32];
        size_t lm = one->len - x->len - y->len;
        if (lm < sizeof mid) {
            memcpy(mid, one->text + x->len, lm);
            mid[lm] = '\0';
            if (em_knowledge_is_stopword(k, mid)) {
                *how = EM_HOW_JOINED;
                return EM_JOINED_FACTOR;
            }
        }
    }
    size_t lj = 0;
    unsigned flags = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i].len == 1) return 0; /* initials do not glue */
        lj += x[i].len;
        flags |= x[i].flags;
    }
    if (lj + 1 > 128) return 0;
    if (lj > (size_t)one->len + EM_JOINED_LEN_SLACK || (size_t)one->len > lj + EM_JOINED_LEN_SLACK)
        return 0;
    float s = sc ? joined_letters_cached(sc, one_id, x_ids, one, x, n, lj, flags, abjad)
                 : joined_letters(one, x, n, lj, flags, abjad);
    if (s <= 0) return 0;
    *how = EM_HOW_JOINED;
    return s * EM_JOINED_FACTOR;
}

/* 1 when none of p[j..j+n) has an exact or variant partner of its own */
static int run_free(const float *best, size_t j, size_t n) {
    for (size_t i = j; i < j + n; i++)
        if (best[i] >= EM_STRONG_SIM) return 0;
    return 1;
}

static float run_w(const em_part *p, size_t j, size_t n) {
    float w = 0;
    for (size_t i = j; i < j + n; i++)
        w += p[i].w;
    return w;
}

/* How much a part left unmatched on both sides says "another party": nothing
   for particles, legal forms and numbers (series of one issuer: "Trust 2004-1",
   "Partners VII"), half for short syllables ("Myong-sik" / "Myong-guk"). */
static float conflict_weight(const em_part *p) {
    if (p->flags & (EM_TOK_PARTICLE | EM_TOK_LEGAL | EM_TOK_NUMBER)) return 0;
    return p->len <= EM_CONFLICT_SHORT_LEN ? p->w * EM_CONFLICT_SHORT_FACTOR : p->w;
}

/* particles after which comes the father's name */
static int is_patronymic_marker(const char *t) {
    static const char *M[] = {"bin", "ibn", "ben", "bint", "binti", "ould", "walad"};
    if (t[0] != 'b' && t[0] != 'i' && t[0] != 'o' && t[0] != 'w') return 0; /* none starts so */
    for (size_t i = 0; i < sizeof M / sizeof *M; i++)
        if (strcmp(t, M[i]) == 0) return 1;
    return 0;
}

typedef struct cand {
    int8_t q, q2, c, c2;
    float sim, key;
    em_part_how how;
} cand;

void em_simcache_reset(em_simcache *sc) {
    memset(sc->qnick, 0, sizeof sc->qnick);
    if (++sc->generation == 0) {
        for (size_t i = 0; i < EM_SIMCACHE_SIZE; i++)
            sc->part[i].gen = 0;
        for (size_t i = 0; i < EM_JOINCACHE_SIZE; i++)
            sc->join[i].gen = 0;
        sc->generation = 1;
    }
}

static float cached_similarity(em_simcache *sc, const em_knowledge *k, size_t qi, const em_part *q,
                               const em_part *c, int abjad, em_part_how *how) {
    if (!sc || qi >= 32) return em_part_similarity(q, c, abjad, k, how);
    /* whether the query part is in a nickname pair at all: asked once per query */
    if (!sc->qnick[qi]) sc->qnick[qi] = em_knowledge_has_nickname(k, q->text) ? 2 : 1;
    int nick = sc->qnick[qi] == 2;
    if (c->vocab == UINT32_MAX) return part_similarity(q, c, abjad, k, nick, how);
    uint32_t key = ((c->vocab << 5) | (uint32_t)qi) + 1;
    uint32_t slot = (key * 2654435761u) & (EM_SIMCACHE_SIZE - 1);
    for (int probe = 0; probe < 8; probe++, slot = (slot + 1) & (EM_SIMCACHE_SIZE - 1)) {
        em_simslot *e = &sc->part[slot];
        if (e->gen != sc->generation) {
            float s = part_similarity(q, c, abjad, k, nick, how);
            e->gen = sc->generation;
            e->key = key;
            e->sim = s;
            e->how = (uint8_t)*how;
            return s;
        }
        if (e->key == key) {
            *how = (em_part_how)e->how;
            return e->sim;
        }
    }
    return part_similarity(q, c, abjad, k, nick, how);
}

void em_align(const em_part *q, size_t nq, const em_part *c, size_t nc, int abjad, int org,
              const em_knowledge *k, em_simcache *cache, em_alignment *out) {
    memset(out, 0, sizeof *out);
    cand cs[EM_PART_MAX * EM_PART_MAX * 3];
    size_t n = 0;
    float qbest[EM_PART_MAX] = {0}, cbest[EM_PART_MAX] = {0};
    /* the parts' ids in the join table: a query part by its index, a list part by its
       token (none when unknown: its comparisons are not memoised) */
    uint32_t qid[EM_PART_MAX], cid[EM_PART_MAX];
    for (size_t i = 0; i < nq && i < EM_PART_MAX; i++)
        qid[i] = EM_JOINKEY_QUERY | (uint32_t)i;
    for (size_t j = 0; j < nc && j < EM_PART_MAX; j++)
        cid[j] = c[j].vocab < EM_JOINKEY_QUERY ? c[j].vocab : EM_JOINKEY_NONE;
    for (size_t i = 0; i < nq; i++)
        for (size_t j = 0; j < nc; j++) {
            em_part_how how;
            float s = cached_similarity(cache, k, i, &q[i], &c[j], abjad, &how);
            if (s > qbest[i]) qbest[i] = s;
            if (s > cbest[j]) cbest[j] = s;
            if (s > 0 && n < sizeof cs / sizeof *cs)
                cs[n++] =
                    (cand){(int8_t)i,
                           -1,
                           (int8_t)j,
                           -1,
                           s,
                           (s >= EM_STRONG_SIM ? EM_STRONG_BONUS : 0.0f) + s * (q[i].w + c[j].w),
                           how};
        }
    /* glued parts (a run of 2..EM_JOIN_MAX_PARTS): only parts without an exact or
       variant partner of their own glue */
    for (size_t i = 0; i < nq; i++)
        for (size_t j = 0; j + 1 < nc; j++)
            for (size_t r = 2; r <= EM_JOIN_MAX_PARTS && j + r <= nc; r++) {
                if (qbest[i] >= EM_STRONG_SIM || !run_free(cbest, j, r)) break;
                em_part_how how;
                float s = joined_similarity(&q[i], &c[j], r, abjad, org ? k : NULL, cache, qid[i],
                                            cid + j, &how);
                if (s > 0 && n < sizeof cs / sizeof *cs)
                    cs[n++] = (cand){(int8_t)i, -1,
                                     (int8_t)j, (int8_t)(j + r - 1),
                                     s,         s * (q[i].w + run_w(c, j, r)),
                                     how};
            }
    for (size_t j = 0; j < nc; j++)
        for (size_t i = 0; i + 1 < nq; i++)
            for (size_t r = 2; r <= EM_JOIN_MAX_PARTS && i + r <= nq; r++) {
                if (cbest[j] >= EM_STRONG_SIM || !run_free(qbest, i, r)) break;
                em_part_how how;
                float s = joined_similarity(&c[j], &q[i], r, abjad, org ? k : NULL, cache, cid[j],
                                            qid + i, &how);
                if (s > 0 && n < sizeof cs / sizeof *cs)
                    cs[n++] = (cand){(int8_t)i, (int8_t)(i + r - 1),           (int8_t)j, -1,
                                     s,         s * (run_w(q, i, r) + c[j].w), how};
            }
    /* organisations: an acronym against the initials of a run of the other side's
       parts (org.c), both ways */
    for (size_t i = 0; org && k && i < nq; i++) {
        if (qbest[i] >= EM_STRONG_SIM || !em_org_acronym_part(&q[i])) continue;
        for (size_t j = 0; j < nc; j++) {
            size_t r = em_org_acronym_run(&q[i], c, nc, j, k);
            if (r && run_free(cbest, j, r) && n < sizeof cs / sizeof *cs)
                cs[n++] = (cand){(int8_t)i,      -1,
                                 (int8_t)j,      (int8_t)(j + r - 1),
                                 EM_SIM_ACRONYM, EM_SIM_ACRONYM * (q[i].w + run_w(c, j, r)),
                                 EM_HOW_ACRONYM};
        }
    }
    for (size_t j = 0; org && k && j < nc; j++) {
        if (cbest[j] >= EM_STRONG_SIM || !em_org_acronym_part(&c[j])) continue;
        for (size_t i = 0; i < nq; i++) {
            size_t r = em_org_acronym_run(&c[j], q, nq, i, k);
            if (r && run_free(qbest, i, r) && n < sizeof cs / sizeof *cs)
                cs[n++] = (cand){(int8_t)i,      (int8_t)(i + r - 1),
                                 (int8_t)j,      -1,
                                 EM_SIM_ACRONYM, EM_SIM_ACRONYM * (run_w(q, i, r) + c[j].w),
                                 EM_HOW_ACRONYM};
        }
    }
    /* greedy: best evidence first (insertion sort: n is small) */
    for (size_t i = 1; i < n; i++) {
        cand x = cs[i];
        size_t j = i;
        while (j > 0 && cs[j - 1].key < x.key) {
            cs[j] = cs[j - 1];
            j--;
        }
        cs[j] = x;
    }
    uint32_t qused = 0, cused = 0;
    float qw = 0, cw = 0, qm = 0, cm = 0, mass = 0;
    for (size_t i = 0; i < n; i++) {
        cand *x = &cs[i];
        uint32_t qb = em_run_mask(x->q, x->q2), cb = em_run_mask(x->c, x->c2);
        if ((qused & qb) || (cused & cb)) continue;
        qused |= qb;
        cused |= cb;
        out->pairs[out->npairs++] = (em_pair){x->q, x->q2, x->c, x->c2, x->sim, x->how};
        float wq = x->q2 >= 0 ? run_w(q, (size_t)x->q, (size_t)(x->q2 - x->q + 1)) : q[x->q].w;
        float wc = x->c2 >= 0 ? run_w(c, (size_t)x->c, (size_t)(x->c2 - x->c + 1)) : c[x->c].w;
        qm += x->sim * wq;
        cm += x->sim * wc;
        mass += x->sim * (wq < wc ? wq : wc);
        if (out->npairs == EM_PART_MAX) break;
    }
    /* parts left over on both sides are a conflict (another person's name part),
       not an omission: they cost more than parts missing on one side only */
    float uq = 0, uc = 0;
    for (size_t i = 0; i < nq; i++) {
        qw += q[i].w;
        if (!(qused & (1u << i))) uq += conflict_weight(&q[i]);
    }
    for (size_t j = 0; j < nc; j++) {
        cw += c[j].w;
        if (!(cused & (1u << j))) uc += conflict_weight(&c[j]);
    }
    out->qcov = qw > 0 ? qm / qw : 0;
    out->ccov = cw > 0 ? cm / cw : 0;
    out->matched_w = mass;
    float fq = qw > 0 ? uq / qw : 0, fc = cw > 0 ? uc / cw : 0;
    out->conflict = fq < fc ? fq : fc;
    /* "X bin Y" names Y as the father of X: the same parts around bin in the other
       order ("Y bin X") are a different person (the son of the other) */
    for (size_t i = 0; i + 1 < nq; i++) {
        if (!is_patronymic_marker(q[i].text)) continue;
        for (size_t k = 0; k < out->npairs; k++) {
            const em_pair *p = &out->pairs[k];
            if (p->q != (int8_t)(i + 1) || p->c2 >= 0) continue;
            /* "ben al-Toumi": the article may stand between the marker and the name */
            int after_marker =
                p->c >= 1 && (is_patronymic_marker(c[p->c - 1].text) ||
                              (p->c >= 2 && (c[p->c - 1].flags & EM_TOK_PARTICLE) &&
                               c[p->c - 1].len == 2 && is_patronymic_marker(c[p->c - 2].text)));
            int list_has_marker = 0;
            for (size_t j = 0; j < nc; j++)
                list_has_marker |= is_patronymic_marker(c[j].text);
            if (list_has_marker && !after_marker) out->conflict += EM_PATRONYMIC_SWAP;
        }
    }
    float list_share = org ? EM_ORG_LIST_SHARE : EM_PERSON_LIST_SHARE;
    out->score =
        out->qcov * (1.0f - list_share + list_share * out->ccov) - EM_CONFLICT_COST * out->conflict;
    if (out->score < 0) out->score = 0;
}

size_t em_parts_sound_key(const em_part *p, size_t n, size_t first, char *out, size_t cap) {
    em_token t[EM_PART_MAX];
    if (n > EM_PART_MAX) n = EM_PART_MAX;
    for (size_t i = 0; i < n; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].text = p[i].text;
        t[i].len = p[i].len;
    }
    return em_name_sound_key(t, n, first, out, cap);
}

int em_align_by_sound(const em_part *q, size_t nq, const em_part *c, size_t nc, em_alignment *al) {
    if (nq == 0 || nc < 2 || al->score >= EM_SIM_NAME_SOUND) return 0;
    char kq[64], kc[64];
    size_t n = em_parts_sound_key(q, nq, 0, kq, sizeof kq);
    if (n < EM_NAME_SOUND_KEY_MIN) return 0;
    int same = 0;
    for (size_t first = 0; first < 2 && !same; first++)
        same = em_parts_sound_key(c, nc, first, kc, sizeof kc) == n && memcmp(kq, kc, n) == 0;
    if (!same) return 0;
    float wq = 0, wc = 0;
    for (size_t i = 0; i < nq; i++)
        wq += q[i].w;
    for (size_t i = 0; i < nc; i++)
        wc += c[i].w;
    memset(al, 0, sizeof *al);
    al->pairs[0] = (em_pair){0,
                             (int8_t)(nq > 1 ? (int)nq - 1 : -1),
                             0,
                             (int8_t)((int)nc - 1),
                             EM_SIM_NAME_SOUND,
                             EM_HOW_NAME_SOUND};
    al->npairs = 1;
    al->qcov = al->ccov = 1;
    al->matched_w = EM_SIM_NAME_SOUND * (wq < wc ? wq : wc);
    al->score = EM_SIM_NAME_SOUND;
    return 1;
}
