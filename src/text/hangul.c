/*
 * hangul.c - Korean names in Hangul to the spellings the sanctions lists use
 * (see hangul.h). Runs inside em_normalize_name before ICU, so list names and
 * queries get the same form.
 *
 * ICU writes Hangul in the Revised Romanization of South Korea (김정은 "gim jeong
 * eun"); the lists' Korean parties are mostly North Korean and are spelt in
 * the McCune-Reischauer manner without its marks ("KIM, Jong Un", "RI Pyong
 * Chol", "CHOE Ryong Hae", "PAK Pong Ju"). Each syllable is decomposed
 * (Unicode 15, 3.12 Conjoining Jamo Behavior: S = 0xAC00 + (L x 21 + V) x 28 + T)
 * and its letters written with the table below (McCune & Reischauer 1939, as
 * North Korea's 1992 romanisation and the lists use it: ㄱ k, ㄷ t, ㅂ p, ㅈ j,
 * ㅊ ch, ㄹ r at the start of a syllable and l at the end, ㅚ oe), the vowels
 * ㅓ ㅕ ㅡ as Revised Romanization's eo yeo eu, which keep 정 jeong apart from
 * 종 jong (MR writes both "chong" once its breve is dropped); the Korean groups
 * of data/knowledge/given_names.txt meet them with the lists' spellings (jeong
 * jong, eun un, cheol chol). Each syllable is one name part: Korean given names are written
 * "Jong Un", "Jong-un" or "Jongun", and align.c meets the glued form with two
 * parts. The first syllable of the name is the family name (Korean writes a
 * name as one word, family name first: 김정은), 이 / 리 written "ri" as the lists
 * write it (박 pak and 최 choe come from the table; data/knowledge/given_names.txt
 * groups the other spellings: lee, yi, park, choi).
 *
 * A foreign name is written by its sounds, word by word with spaces (바샤르
 * 알아사드, 민 아웅 흘라잉), where a Korean name is one word of two to four
 * syllables (김정은, at most split after the family name: 김 정은). Such a name
 * keeps each word's syllables together ("pasyareu alasadeu") and is met by its
 * phonetic key (em_hangul_is_foreign; tokens.c marks it EM_TOK_PHONETIC).
 */
#include "text/hangul.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "base/error.h"

int em_has_hangul(const char *s) {
    /* U+AC00..U+D7A3 are lead bytes EA B0 .. ED 9E */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p == 0xEA && p[1] >= 0xB0) || *p == 0xEB || *p == 0xEC || (*p == 0xED && p[1] < 0x9F))
            return 1;
    return 0;
}

/* the 19 initial consonants, the 21 vowels and the 28 finals (index 0: none) */
static const char *const INITIAL[19] = {"k",  "kk", "n", "t",  "tt", "r",  "m",  "p",  "pp", "s",
                                        "ss", "",   "j", "jj", "ch", "kh", "th", "ph", "h"};
static const char *const VOWEL[21] = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo",
                                      "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                      "wo", "we", "wi", "yu",  "eu", "ui", "i"};
static const char *const FINAL[28] = {"",  "k",  "k", "k", "n", "n", "n", "t", "l", "k",
                                      "m", "l",  "l", "l", "p", "l", "m", "p", "p", "t",
                                      "t", "ng", "t", "t", "k", "t", "p", "t"};

static void syllable(em_buf *out, UChar32 c, int family) {
    int s = (int)c - 0xAC00;
    int l = s / (21 * 28), v = (s % (21 * 28)) / 28, t = s % 28;
    /* family names as the lists write them: 이 / 리 ri, 박 pak (k final), 최 choe */
    if (family && (l == 11 || l == 5) && v == 20 && t == 0) {
        em_buf_adds(out, "ri");
        return;
    }
    /* ㅋ ㅌ ㅍ start a syllable as k t p in the lists' spellings (Thae / Tae alike) */
    const char *ini = l == 15 ? "k" : l == 16 ? "t" : l == 17 ? "p" : INITIAL[l];
    em_buf_adds(out, ini);
    em_buf_adds(out, VOWEL[v]);
    em_buf_adds(out, FINAL[t]);
}

static int is_syllable(UChar32 c) {
    return c >= 0xAC00 && c <= 0xD7A3;
}

int em_hangul_is_foreign(const char *s) {
    int32_t i = 0, n = (int32_t)strlen(s);
    int words = 0, run = 0, longest = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (is_syllable(c)) {
            if (run++ == 0) words++;
            if (run > longest) longest = run;
        } else {
            run = 0;
        }
    }
    return words >= 3 || (words == 2 && longest >= 3);
}

char *em_hangul_to_latin(const char *s) {
    em_buf out;
    em_buf_init(&out);
    int32_t i = 0, n = (int32_t)strlen(s);
    int first_word = 1, foreign = em_hangul_is_foreign(s);
    while (i < n) {
        UChar32 c;
        int32_t start = i;
        U8_NEXT(s, i, n, c);
        if (!is_syllable(c)) {
            em_buf_add(&out, s + start, (size_t)(i - start));
            if (c != ' ' && c != '-' && c != ',') first_word = 0;
            continue;
        }
        /* a word of syllables; Korean writes a name as one word, family name first */
        int32_t j = i;
        while (j < n) {
            UChar32 d;
            int32_t k = j;
            U8_NEXT(s, k, n, d);
            if (!is_syllable(d)) break;
            j = k;
        }
        syllable(&out, c, first_word && !foreign);
        while (i < j) {
            U8_NEXT(s, i, n, c);
            if (!foreign) em_buf_addc(&out, ' ');
            syllable(&out, c, 0);
        }
        first_word = 0;
    }
    return em_buf_detach(&out);
}
