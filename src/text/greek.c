/*
 * greek.c - names in Greek script to the Latin spellings the sanctions lists use
 * (see greek.h). Runs inside em_normalize_name before ICU, so list names and
 * queries get the same form.
 *
 * ICU offers Greek-Latin (ISO 843 type 1, letter for letter: "Mpasár al-Ásant",
 * "Aléxēs"), Greek-Latin/UNGEGN (ELOT 743 transliteration with its marks:
 * "Gion'nk-oun", "Aléxi̱s") and el-el_Latn/BGN (BGN/PCGN 1996: δ as dh,
 * "Papandhréou", "Yionng-oun"); none reads μπ ντ by their place in the word,
 * nor a foreign name by the sounds Greek writes it with. ICU does the Unicode
 * here (each letter decomposed into its base and marks, case); the rules below
 * do the reading.
 *
 * A Greek name is written as ELOT 743 / UN 1987 (UNGEGN, the transcription of
 * ELOT 743:1982 the UN adopted in 1987; Greek passports use ELOT 743) spell it:
 * α a, β v, γ g, δ d, ε e, ζ z, η i, θ th, ι i, κ k, λ l, μ m, ν n, ξ x, ο o,
 * π p, ρ r, σ ς s, τ t, υ y, φ f, χ ch, ψ ps, ω o; αι ai, ει ei, οι oi, υι yi,
 * ου ou; αυ ευ ηυ av ev iv, af ef if before θ κ ξ π σ τ φ χ ψ and at the end;
 * γγ ng, γξ nx, γχ nch; μπ ντ b d at the start or the end of a word and after a
 * consonant or before a stop (no Greek word has μπντ), mb nd inside; γκ g (UN 1987 writes ng inside
 * a word, but modern speech says g there, and g meets the gk of ELOT 743:2001, which passports use,
 * in the phonetic key, where ng does not: mb and nd meet its mp and nt there);
 * τσ ts, τζ tz ("Αλέξης Τσίπρας" Alexis Tsipras,
 * "Γεώργιος Παπανδρέου" Georgios Papandreou, "Κυριάκος Μητσοτάκης" Kyriakos
 * Mitsotakis).
 *
 * A foreign name is written by its modern Greek sounds, and read back by them:
 * ου u, αι e, ει οι υι i, υ i, χ kh, ξ ks, γ before ε ι η υ αι ει οι υι y and γι
 * before a vowel y, μπ b, τζ j ("Τζο" Joe); γκ g (Greek writes g as γκ and ng as
 * νγκ: "Ιγκόρ" Igor, "Σι Τζινπίνγκ" Si Jinping) and ντ as above (d in "Άσαντ", nd
 * in "Αλεξάντρ"). A name is foreign when one of its Greek words ends as no
 * Greek word does: in a consonant other than ς (ν ρ after ω, ρ after η excepted:
 * Πλάτων, Νέστωρ, Σωτήρ), or in ι not of a vowel pair ("Αλί Χαμενεΐ", not και):
 * a Greek noun ends in a vowel, ς or ν, a name in its nominative in a vowel or ς
 * (the noun declensions of the grammars, e.g. Holton, Mackridge and
 * Philippaki-Warburton, Greek: A Comprehensive Grammar of the Modern Language).
 *
 * The marks: the accent is dropped, but a vowel pair is one sound only when its
 * first vowel carries no accent and its second no diaeresis ("Μπάιντεν" ba-i,
 * "Χαμενεΐ" e-i, "Παπαϊωάννου" a-i): the monotonic orthography's rule (Greek
 * Ministry of Education, 1982).
 */
#include "text/greek.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"

/* A letter of a Greek word: its base letter as one ASCII code (below), case and marks. */
typedef struct {
    char ch;
    unsigned char upper, accent, dia;
} gk_letter;

#define WORD_MAX 128 /* a longer run of Greek letters is read in pieces */

/* The base letters (lower case) as codes: α a, β b, γ g, δ d, ε e, ζ z, η h, θ q,
   ι i, κ k, λ l, μ m, ν n, ξ x, ο o, π p, ρ r, σ ς s, τ t, υ u, φ f, χ c, ψ y, ω w;
   the letter variants of Greek and Coptic (ϐ ϑ ϒ ϕ ϖ ϰ ϱ ϲ ϵ Ϲ) as their letters. */
static char letter_code(UChar32 c) {
    static const char BASE[] = "abgdezhqiklmnxoprsstufcyw"; /* U+03B1..U+03C9 */
    if (c >= 0x03B1 && c <= 0x03C9) return BASE[c - 0x03B1];
    switch (c) {
    case 0x03D0:
        return 'b';
    case 0x03D1:
        return 'q';
    case 0x03D2:
        return 'u';
    case 0x03D5:
        return 'f';
    case 0x03D6:
        return 'p';
    case 0x03F0:
        return 'k';
    case 0x03F1:
        return 'r';
    case 0x03F2:
    case 0x03F9:
        return 's';
    case 0x03F5:
        return 'e';
    default:
        return 0;
    }
}

/* c (of the Greek blocks) as a letter of a word, its NFD base and marks: 1, or 0
   when it is none (a punctuation mark, a spacing accent, an archaic letter) */
static int read_letter(const UNormalizer2 *nfd, UChar32 c, gk_letter *out) {
    UChar d[8];
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = nfd ? unorm2_getDecomposition(nfd, c, d, 8, &st) : -1;
    if (U_FAILURE(st) || len <= 0) {
        d[0] = (UChar)(c <= 0xFFFF ? c : 0);
        len = 1;
    }
    UChar32 base = d[0];
    char code = letter_code(u_tolower(base));
    if (!code) return 0;
    memset(out, 0, sizeof *out);
    out->ch = code;
    out->upper = u_isupper(base) ? 1 : 0;
    for (int32_t k = 1; k < len; k++) {
        if (d[k] == 0x0308) out->dia = 1;
        if (d[k] == 0x0301 || d[k] == 0x0300 || d[k] == 0x0342) out->accent = 1;
    }
    return 1;
}

/* The letters of the two Greek blocks (U+0370..U+03FF, U+1F00..U+1FFF) read once per
   process: ch 0 for a code point that is no letter of a word. */
#define BLOCK1 0x0370
#define BLOCK1_N (0x03FF - BLOCK1 + 1)
#define BLOCK2 0x1F00
#define BLOCK2_N (0x1FFF - BLOCK2 + 1)
static gk_letter letters[BLOCK1_N + BLOCK2_N];
static pthread_once_t letters_once = PTHREAD_ONCE_INIT;

static void letters_load(void) {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    if (U_FAILURE(st)) nfd = NULL;
    for (int k = 0; k < BLOCK1_N + BLOCK2_N; k++) {
        UChar32 c = k < BLOCK1_N ? BLOCK1 + k : BLOCK2 + (k - BLOCK1_N);
        if (!read_letter(nfd, c, &letters[k])) letters[k].ch = 0;
    }
}

/* the letter c is in a word, or NULL */
static const gk_letter *letter_of(UChar32 c) {
    const gk_letter *l = NULL;
    pthread_once(&letters_once, letters_load);
    if (c >= BLOCK1 && c < BLOCK1 + BLOCK1_N)
        l = &letters[c - BLOCK1];
    else if (c >= BLOCK2 && c < BLOCK2 + BLOCK2_N)
        l = &letters[BLOCK1_N + c - BLOCK2];
    return l && l->ch ? l : NULL;
}

int em_has_greek(const char *s) {
    /* U+0370..U+03FF are lead bytes CD B0 .. CF BF, U+1F00..U+1FFF E1 BC .. E1 BF */
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++)
        if ((*p == 0xCD && p[1] >= 0xB0) || *p == 0xCE || *p == 0xCF ||
            (*p == 0xE1 && p[1] >= 0xBC && p[1] <= 0xBF))
            break;
    if (!*p) return 0;
    int32_t i = 0, n = (int32_t)strlen((const char *)p);
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (letter_of(c)) return 1;
    }
    return 0;
}

static int is_vowel(char c) {
    return c && strchr("aehiouw", c) != NULL;
}

static int is_consonant(char c) {
    return c && !is_vowel(c);
}

/* θ κ ξ π σ τ φ χ ψ: αυ ευ ηυ are af ef if before them */
static int is_voiceless(char c) {
    return c && strchr("qkxpstfcy", c) != NULL;
}

/* the vowel pair at w[i], w[i + 1] is one sound: the first unaccented, the second
   without diaeresis */
static int pair(const gk_letter *w, int n, int i, char a, char b) {
    return i + 1 < n && w[i].ch == a && w[i + 1].ch == b && !w[i].accent && !w[i + 1].dia;
}

/* a word of a foreign name: it ends as no Greek word does */
static int word_is_foreign(const gk_letter *w, int n) {
    int vowels = 0;
    for (int i = 0; i < n; i++)
        vowels += is_vowel(w[i].ch);
    if (n < 2 || !vowels) return 0; /* an initial, an abbreviation (Δρ.) */
    char last = w[n - 1].ch, before = w[n - 2].ch;
    /* a final ι, but not of a vowel pair (και, -εται: Greek words end so) */
    if (last == 'i')
        return !(pair(w, n, n - 2, 'a', 'i') || pair(w, n, n - 2, 'e', 'i') ||
                 pair(w, n, n - 2, 'o', 'i') || pair(w, n, n - 2, 'u', 'i'));
    if (!is_consonant(last) || last == 's') return 0;
    if ((last == 'n' || last == 'r') && before == 'w') return 0; /* Πλάτων, Νέστωρ */
    if (last == 'r' && before == 'h') return 0;                  /* Σωτήρ */
    return 1;
}

/* Appends chunk for the letters starting at w[at]: upper case as the word is. */
static void put(em_buf *out, const char *chunk, const gk_letter *w, int at, int caps) {
    for (size_t k = 0; chunk[k]; k++) {
        char c = chunk[k];
        if (caps || (k == 0 && w[at].upper)) c = (char)(c - 'a' + 'A');
        em_buf_addc(out, c);
    }
}

/* the front vowels after which γ of a foreign name is y: ε ι η υ, αι ει οι υι */
static int front_at(const gk_letter *w, int n, int i) {
    if (i >= n) return 0;
    char c = w[i].ch;
    if (c == 'e' || c == 'i' || c == 'h' || c == 'u') return 1;
    return pair(w, n, i, 'a', 'i') || pair(w, n, i, 'o', 'i');
}

/* at w[i] a consonant no Greek word puts after mb nd ng: π τ κ β δ γ, or μπ ντ γκ
   (Αμπντάλα: μπ before ντ is b) */
static int stop_at(const gk_letter *w, int n, int i) {
    if (i >= n) return 0;
    if (strchr("ptkbdg", w[i].ch)) return 1;
    return i + 1 < n && strchr("nmg", w[i].ch) && strchr("ptk", w[i + 1].ch);
}

static void write_word(em_buf *out, const gk_letter *w, int n, int foreign) {
    int caps = n >= 2;
    for (int i = 0; i < n && caps; i++)
        caps = w[i].upper;
    for (int i = 0; i < n;) {
        char c = w[i].ch, nx = i + 1 < n ? w[i + 1].ch : 0;
        /* where μπ ντ are b d: the start or end of the word, after a consonant, before a stop */
        int edge = i == 0 || i + 2 >= n || is_consonant(w[i - 1].ch) || stop_at(w, n, i + 2);
        const char *v = NULL;
        int used = 1;
        if (pair(w, n, i, 'o', 'u')) {
            v = foreign ? "u" : "ou", used = 2;
        } else if (pair(w, n, i, 'a', 'i')) {
            v = foreign ? "e" : "ai", used = 2;
        } else if (pair(w, n, i, 'e', 'i')) {
            v = foreign ? "i" : "ei", used = 2;
        } else if (pair(w, n, i, 'o', 'i')) {
            v = foreign ? "i" : "oi", used = 2;
        } else if (pair(w, n, i, 'u', 'i')) {
            v = foreign ? "i" : "yi", used = 2;
        } else if (pair(w, n, i, 'a', 'u') || pair(w, n, i, 'e', 'u') || pair(w, n, i, 'h', 'u')) {
            int f = i + 2 >= n || is_voiceless(w[i + 2].ch);
            static const char *const AV[3][2] = {{"av", "af"}, {"ev", "ef"}, {"iv", "if"}};
            v = AV[c == 'a' ? 0 : c == 'e' ? 1 : 2][f], used = 2;
        } else if (c == 'm' && nx == 'p') {
            v = foreign || edge ? "b" : "mb", used = 2;
        } else if (c == 'n' && nx == 't') {
            v = edge ? "d" : "nd", used = 2;
        } else if (c == 'g' && nx == 'g') {
            v = "ng", used = 2;
        } else if (c == 'g' && nx == 'k') {
            v = "g", used = 2;
        } else if (c == 'g' && (nx == 'x' || nx == 'c')) {
            v = "n"; /* γξ nx, γχ nch */
        } else if (c == 'g' && foreign && nx == 'i' && !w[i + 1].accent && i + 2 < n &&
                   is_vowel(w[i + 2].ch) && !w[i + 2].dia) {
            v = "y", used = 2; /* γι before a vowel: Γιασέρ Yaser */
        } else if (c == 'g') {
            v = foreign && front_at(w, n, i + 1) ? "y" : "g";
        } else if (c == 't' && nx == 's') {
            v = "ts", used = 2;
        } else if (c == 't' && nx == 'z') {
            v = foreign ? "j" : "tz", used = 2;
        } else {
            switch (c) {
            case 'a':
                v = "a";
                break;
            case 'b':
                v = "v";
                break;
            case 'd':
                v = "d";
                break;
            case 'e':
                v = "e";
                break;
            case 'z':
                v = "z";
                break;
            case 'h':
                v = "i";
                break;
            case 'q':
                v = "th";
                break;
            case 'i':
                v = "i";
                break;
            case 'k':
                v = "k";
                break;
            case 'l':
                v = "l";
                break;
            case 'm':
                v = "m";
                break;
            case 'n':
                v = "n";
                break;
            case 'x':
                v = foreign ? "ks" : "x";
                break;
            case 'o':
                v = "o";
                break;
            case 'p':
                v = "p";
                break;
            case 'r':
                v = "r";
                break;
            case 's':
                v = "s";
                break;
            case 't':
                v = "t";
                break;
            case 'u':
                v = foreign ? "i" : "y";
                break;
            case 'f':
                v = "f";
                break;
            case 'c':
                v = foreign ? "kh" : "ch";
                break;
            case 'y':
                v = "ps";
                break;
            default:
                v = "o";
                break; /* 'w': ω */
            }
        }
        put(out, v, w, i, caps);
        i += used;
    }
}

/* Calls fn for each Greek word of s: the letters, and the text between words. */
typedef void (*word_fn)(void *ctx, const gk_letter *w, int n);
typedef void (*text_fn)(void *ctx, const char *s, size_t len);

static void scan(const char *s, void *ctx, word_fn on_word, text_fn on_text) {
    gk_letter w[WORD_MAX];
    int nw = 0;
    int32_t i = 0, n = (int32_t)strlen(s);
    while (i < n) {
        UChar32 c;
        int32_t start = i;
        U8_NEXT(s, i, n, c);
        const gk_letter *l = letter_of(c);
        if (l) {
            if (nw == WORD_MAX) {
                on_word(ctx, w, nw);
                nw = 0;
            }
            w[nw++] = *l;
            continue;
        }
        /* a combining mark after a letter is one of its marks (text in NFD) */
        if (nw && (c == 0x0308 || c == 0x0301 || c == 0x0300 || c == 0x0342 || c == 0x0313 ||
                   c == 0x0314 || c == 0x0345)) {
            if (c == 0x0308) w[nw - 1].dia = 1;
            if (c == 0x0301 || c == 0x0300 || c == 0x0342) w[nw - 1].accent = 1;
            continue;
        }
        if (nw) on_word(ctx, w, nw);
        nw = 0;
        if (on_text) on_text(ctx, s + start, (size_t)(i - start));
    }
    if (nw) on_word(ctx, w, nw);
}

static void foreign_word(void *ctx, const gk_letter *w, int n) {
    if (word_is_foreign(w, n)) *(int *)ctx = 1;
}

int em_greek_is_foreign(const char *s) {
    int foreign = 0;
    scan(s, &foreign, foreign_word, NULL);
    return foreign;
}

typedef struct {
    em_buf out;
    int foreign;
} latin_ctx;

static void latin_word(void *ctx, const gk_letter *w, int n) {
    latin_ctx *x = ctx;
    write_word(&x->out, w, n, x->foreign);
}

static void latin_text(void *ctx, const char *s, size_t len) {
    em_buf_add(&((latin_ctx *)ctx)->out, s, len);
}

char *em_greek_to_latin(const char *s) {
    latin_ctx x;
    em_buf_init(&x.out);
    x.foreign = em_greek_is_foreign(s);
    scan(s, &x, latin_word, latin_text);
    return em_buf_detach(&x.out);
}
