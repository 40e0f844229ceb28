/*
 * tokens.c - names as comparable parts (see tokens.h).
 */
#include "text/tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/entity.h"
#include "text/hangul.h"

void em_skeleton(const char *t, char *out, size_t cap) {
    size_t j = 0;
    char prev = 0;
    for (size_t i = 0; t[i] && j + 1 < cap; i++) {
        char c = t[i];
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w')
            continue;
        if (c == 'q' || c == 'c') c = 'k';
        if (c == 'p' && t[i + 1] == 'h') {
            c = 'f';
            i++;
        }
        if (c == prev) continue;
        out[j++] = c;
        prev = c;
    }
    out[j] = '\0';
}

/* The sound class of the consonant at t[*i] (b p v f = B, k g q c = K, ...: see
   em_phonetic_key in tokens.h), 0 for a letter that is not counted; advances *i past
   a digraph (ph, ch, kh, th, ts, dz, sh, zh, ng). x is KS: *before gets the K (written
   unless the class before was K, and not itself the class before the next letter). */
static char sound_class(const char *t, size_t *i, char prev, char *before) {
    char c = t[*i], nx = t[*i + 1], k = 0;
    *before = 0;
    switch (c) {
    case 'b':
    case 'p':
    case 'v':
    case 'f':
        k = 'B';
        if (c == 'p' && nx == 'h') (*i)++;
        break;
    case 'k':
    case 'g':
    case 'q':
    case 'c':
        /* ch is S; kh is written h (dropped) by the scripts that have no kh */
        k = c == 'c' && nx == 'h' ? 'S' : c == 'k' && nx == 'h' ? 0 : 'K';
        if (nx == 'h') (*i)++;
        break;
    case 't':
    case 'd':
        k = 'T';
        if (nx == 'h' || (nx == 's' && c == 't') || (nx == 'z' && c == 'd')) {
            if (nx != 'h') k = 'S';
            (*i)++;
        }
        break;
    case 's':
    case 'z':
    case 'j':
        k = 'S';
        if (nx == 'h') (*i)++;
        break;
    case 'x':
        if (prev != 'K') *before = 'K';
        k = 'S';
        break;
    case 'l':
    case 'r':
        k = 'L';
        break;
    case 'm':
        k = nx == 'p' || nx == 'b' ? 0 : 'M'; /* Greek mp is b: the m is not counted */
        break;
    case 'n':
        /* Greek nt is d, Korean and Japanese write nd as nt: n before t/d is not
           counted; ng is n */
        k = nx == 't' || nx == 'd' ? 0 : 'N';
        if (nx == 'g') (*i)++;
        break;
    default:
        k = 0; /* vowels, h, w, y, digits */
    }
    return k;
}

size_t em_phonetic_key(const char *t, char *out, size_t cap) {
    size_t j = 0;
    char prev = 0;
    for (size_t i = 0; t[i] && j + 2 < cap; i++) {
        char before, k = sound_class(t, &i, prev, &before);
        if (before) out[j++] = before;
        if (k && k != prev) out[j++] = prev = k;
    }
    out[j] = '\0';
    return j;
}

size_t em_phonetic_heard(const char *t, char *out, size_t cap) {
    size_t j = 0;
    char prev = 0;
    for (size_t i = 0; t[i] && j + 2 < cap; i++) {
        char c = t[i];
        if (strchr("aeiou", c)) {
            /* Hangul's ㅡ, "eu", is how it breaks a cluster or ends a final consonant
               (흘라잉 "heullaing" ~ Hlaing, 드 "deu"): not heard */
            if (c == 'e' && t[i + 1] == 'u' && (!t[i + 2] || !strchr("aeiouy", t[i + 2])) &&
                i > 0 && !strchr("aeiouy", t[i - 1])) {
                i++;
                continue;
            }
            if (c == 'o' && t[i + 1] == 'u') c = 'u', i++; /* Greek and French ou */
            if (c != prev) out[j++] = prev = c;
            continue;
        }
        char before, k = sound_class(t, &i, prev, &before);
        if (before) out[j++] = before;
        if (k && k != prev) out[j++] = prev = k;
    }
    /* an epenthetic or inherent vowel after a final consonant (kana -u/-o, Indic -a) */
    if (j >= 3 && strchr("auo", out[j - 1]) && !strchr("aeiou", out[j - 2])) j--;
    out[j] = '\0';
    return j;
}

size_t em_name_sound_key(const em_token *items, size_t n, size_t first, char *out, size_t cap) {
    char glued[256];
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        const em_token *t = &items[(first + k) % n];
        if (at + t->len + 1 > sizeof glued) break;
        memcpy(glued + at, t->text, t->len);
        at += t->len;
    }
    glued[at] = '\0';
    return em_phonetic_key(glued, out, cap);
}

static int is_vowel_letter(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

size_t em_phonetic_form(const char *t, char *out, size_t cap) {
    size_t j = 0;
    for (size_t i = 0; t[i] && j + 1 < cap; i++) {
        char c = t[i] == 'r' ? 'l' : t[i];
        /* kh th ph gh dh bh: the h of an aspirate or a transcription is not heard apart */
        if (c == 'h' && j > 0 && strchr("ktpgdbc", out[j - 1])) continue;
        if (j > 0 && out[j - 1] == c) continue;    /* long vowels, doubled consonants */
        if (c == 'o' && t[i + 1] == 'u') continue; /* Greek and French ou is u */
        out[j++] = c;
    }
    /* an epenthetic or inherent vowel after a final consonant (kana -u/-o, Indic -a) */
    if (j >= 3 && (out[j - 1] == 'a' || out[j - 1] == 'u' || out[j - 1] == 'o') &&
        !is_vowel_letter(out[j - 2]))
        j--;
    out[j] = '\0';
    return j;
}

static char leet(char c) {
    switch (c) {
    case '0':
        return 'o';
    case '1':
        return 'i';
    case '3':
        return 'e';
    case '4':
        return 'a';
    case '5':
        return 's';
    case '7':
        return 't';
    case '8':
        return 'b';
    default:
        return c;
    }
}

/* "ig0r" -> "igor": only tokens mixing letters and digits, with at least two letters */
static void fix_digits(char *t) {
    int letters = 0, digits = 0;
    for (char *p = t; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else
            letters++;
    }
    if (!digits || letters < 2) return;
    /* ordinals ("1st", "22nd", "3rd", "4th") are numbers, not leet */
    const char *p = t;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p > t && (!strcmp(p, "st") || !strcmp(p, "nd") || !strcmp(p, "rd") || !strcmp(p, "th")))
        return;
    for (char *p = t; *p; p++)
        *p = leet(*p);
}

static int is_syllabic_script(const char *script) {
    return script && (strcmp(script, "Hani") == 0 || strcmp(script, "Hang") == 0 ||
                      strcmp(script, "Kore") == 0 || strcmp(script, "Jpan") == 0 ||
                      strcmp(script, "Hira") == 0 || strcmp(script, "Kana") == 0);
}

/* English number words, so that "Brigade Forty-Four" meets "Brigade 44" and
   "First International" meets "1st International". */
static const char *UNITS[] = {"zero",    "one",     "two",       "three",    "four",
                              "five",    "six",     "seven",     "eight",    "nine",
                              "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                              "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *TENS[] = {"",      "",      "twenty",  "thirty", "forty",
                             "fifty", "sixty", "seventy", "eighty", "ninety"};
/* a common misspelling of forty */
static const char *TENS_ALT[] = {"", "", "", "", "fourty", "", "", "", "", ""};
static const char *ORDINALS[] = {"",      "first",   "second", "third", "fourth", "fifth",
                                 "sixth", "seventh", "eighth", "ninth", "tenth"};

/* (each word's first letter compared before the rest: called for every token) */
static int number_word(const char *t, int *tens) {
    *tens = 0;
    for (int i = 0; i < 20; i++)
        if (t[0] == UNITS[i][0] && strcmp(t, UNITS[i]) == 0) return i;
    for (int i = 2; i < 10; i++)
        if ((t[0] == TENS[i][0] && strcmp(t, TENS[i]) == 0) ||
            (TENS_ALT[i][0] && t[0] == TENS_ALT[i][0] && strcmp(t, TENS_ALT[i]) == 0)) {
            *tens = 1;
            return i * 10;
        }
    return -1;
}

static int ordinal_word(const char *t) {
    for (int i = 1; i <= 10; i++)
        if (t[0] == ORDINALS[i][0] && strcmp(t, ORDINALS[i]) == 0) return i;
    return -1;
}

/* "ii", "iv", "xx", "viii": series numbers in company and fund names */
static int is_roman_numeral(const char *t) {
    size_t n = strlen(t);
    if (n == 0 || n > 5) return 0;
    for (const char *p = t; *p; p++)
        if (*p != 'i' && *p != 'v' && *p != 'x') return 0;
    return 1;
}

/* a single letter (not a digit) */
static int is_letter_token(const char *t) {
    return t[0] >= 'a' && t[0] <= 'z' && !t[1];
}

/* Scripts that write a foreign name by its sounds, syllable by syllable or letter by
   letter, in ways a Latin spelling does not follow letter for letter. */
static int is_phonetic_script(const char *script) {
    static const char *const P[] = {"Kana", "Hira", "Jpan", "Grek", "Deva", "Beng", "Thai",
                                    "Khmr", "Mymr", "Geor", "Armn", "Ethi", "Hebr", "Guru",
                                    "Gujr", "Taml", "Telu", "Knda", "Mlym", "Sinh", "Laoo"};
    for (size_t i = 0; script && i < sizeof P / sizeof *P; i++)
        if (strcmp(script, P[i]) == 0) return 1;
    return 0;
}

/* Chinese writes a foreign name's parts apart with the interpunct (弗拉基米尔·普京) */
static int has_interpunct(const char *s) {
    return strstr(s, "\xC2\xB7") || strstr(s, "\xE3\x83\xBB") || strstr(s, "\xE2\x80\xA7") ||
           strstr(s, "\xE2\x80\xA2") || strstr(s, "\xEF\xBD\xA5");
}

static int is_abjad_script(const char *script) {
    return script && (strcmp(script, "Arab") == 0 || strcmp(script, "Hebr") == 0 ||
                      strcmp(script, "Syrc") == 0 || strcmp(script, "Thaa") == 0);
}

/* A title after the Arabic article is a family name: El Sayed, Al-Sheikh, Al Mulla */
static int after_article(char *const *raw, size_t i) {
    return i > 0 && (strcmp(raw[i - 1], "al") == 0 || strcmp(raw[i - 1], "el") == 0);
}

void em_tokenize_name(em_normalizer *n, const em_knowledge *k, const char *name, int kind,
                      em_name_tokens *out) {
    memset(out, 0, sizeof *out);
    const char *script = em_guess_script(name);
    out->abjad = is_abjad_script(script);
    unsigned script_flags = is_syllabic_script(script) ? EM_TOK_SYLLABIC : 0;
    if (is_phonetic_script(script) ||
        (script && strcmp(script, "Hani") == 0 && has_interpunct(name)) ||
        (script && strcmp(script, "Hang") == 0 && em_hangul_is_foreign(name)))
        script_flags = EM_TOK_PHONETIC;
    out->by_sound = (script_flags & EM_TOK_PHONETIC) || (script && strcmp(script, "Cyrl") == 0);
    if (script && strcmp(script, "Arab") == 0) script_flags |= EM_TOK_ABJAD;
    /* Hebrew is read by the Arabic letters' renderings (an Arabic name written in Hebrew:
       חסן ~ Hasan) and by its own (text/hebrew.c: יצחק ~ Yitzhak) */
    if (script && strcmp(script, "Hebr") == 0) script_flags |= EM_TOK_HEBREW;
    out->buf = em_normalize_name(n, name);
    char *raw[64];
    size_t nraw = 0;
    for (char *save = NULL, *t = strtok_r(out->buf, " ", &save); t && nraw < 64;
         t = strtok_r(NULL, " ", &save)) {
        fix_digits(t);
        raw[nraw++] = t;
    }
    /* number words become digits: "forty four" -> "44", "first" -> "1st" */
    char(*numbuf)[16] = out->numbuf;
    size_t nb = 0, w = 0;
    for (size_t i = 0; i < nraw; i++) {
        int tens, v = number_word(raw[i], &tens), o = ordinal_word(raw[i]);
        if (v >= 0 && nb < 16) {
            int unit, utens;
            if (tens && i + 1 < nraw && (unit = number_word(raw[i + 1], &utens)) > 0 && unit < 10 &&
                !utens) {
                v += unit;
                i++;
            } else if (tens && i + 1 < nraw && raw[i + 1][0] >= '1' && raw[i + 1][0] <= '9' &&
                       !raw[i + 1][1]) {
                v += raw[i + 1][0] - '0'; /* "forty 4" */
                i++;
            }
            snprintf(numbuf[nb], sizeof numbuf[nb], "%d", v);
            raw[w++] = numbuf[nb++];
        } else if (o > 0 && nb < 16) {
            snprintf(numbuf[nb], sizeof numbuf[nb], "%d%s", o,
                     o == 1   ? "st"
                     : o == 2 ? "nd"
                     : o == 3 ? "rd"
                              : "th");
            raw[w++] = numbuf[nb++];
        } else {
            raw[w++] = raw[i];
        }
    }
    nraw = w;
    /* organisations: letters separated by dots are one word ("G.m.b.H." -> "gmbh") */
    if (kind != EM_KIND_PERSON) {
        /* multi-word legal forms ("sp z o o", "s a") keep their letters apart */
        unsigned char protect[64] = {0};
        for (size_t i = 0; k && i < nraw; i++) {
            size_t used = 0;
            if (em_knowledge_legal_form(k, (const char *const *)raw + i, nraw - i, &used) &&
                used > 1)
                for (size_t j = i; j < i + used && j < nraw; j++)
                    protect[j] = 1;
        }
        w = 0;
        for (size_t i = 0; i < nraw; i++) {
            int legal = protect[i] || (i + 1 < nraw && protect[i + 1]);
            if (!legal && is_letter_token(raw[i]) && i + 1 < nraw && is_letter_token(raw[i + 1])) {
                char *start = raw[i];
                size_t len = 1;
                while (i + 1 < nraw && is_letter_token(raw[i + 1]) && !protect[i + 1])
                    start[len++] = raw[++i][0];
                start[len] = '\0';
                raw[w++] = start;
            } else {
                raw[w++] = raw[i];
            }
        }
        nraw = w;
    }
    /* honorifics and stopwords go, unless nothing else would remain */
    size_t keep = 0;
    for (size_t i = 0; i < nraw; i++) {
        int drop = k && ((em_knowledge_is_honorific(k, raw[i]) && !after_article(raw, i)) ||
                         (kind != EM_KIND_PERSON && em_knowledge_is_stopword(k, raw[i])));
        if (!drop) keep++;
    }
    for (size_t i = 0; i < nraw && out->len < EM_TOK_MAX; i++) {
        const char *t = raw[i];
        unsigned flags = 0;
        if (keep > 0 && k &&
            ((em_knowledge_is_honorific(k, t) && !after_article(raw, i)) ||
             (kind != EM_KIND_PERSON && em_knowledge_is_stopword(k, t)))) {
            out->dropped++;
            continue;
        }
        if (k && kind != EM_KIND_PERSON) {
            size_t used = 0;
            const char *code =
                em_knowledge_legal_form(k, (const char *const *)raw + i, nraw - i, &used);
            /* a legal form cut short at the end of the name ("joint stock compan") */
            if (!code && nraw - i <= 4)
                code =
                    em_knowledge_legal_truncated(k, (const char *const *)raw + i, nraw - i, &used);
            if (code && used > 0 && nraw > used) {
                t = code;
                flags |= EM_TOK_LEGAL;
                i += used - 1;
            }
        }
        if (!(flags & EM_TOK_LEGAL) && k && em_knowledge_is_particle(k, t))
            flags |= EM_TOK_PARTICLE;
        int digits = 1;
        for (const char *p = t; *p; p++)
            if (*p < '0' || *p > '9') digits = 0;
        if (digits || (kind == EM_KIND_ORG && is_roman_numeral(t))) flags |= EM_TOK_NUMBER;
        em_token *x = &out->items[out->len++];
        x->text = t;
        x->flags = flags | script_flags;
        x->len = (uint16_t)strlen(t);
        x->group = k ? em_knowledge_variant_group(k, t) : 0;
        em_skeleton(t, x->skel, sizeof x->skel);
    }
}

void em_name_tokens_free(em_name_tokens *t) {
    free(t->buf);
    t->buf = NULL;
    t->len = 0;
}
