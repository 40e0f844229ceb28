/*
 * tokens.h - a name as comparable parts. Normalises (ICU, see normalize.h),
 * splits into tokens, repairs digits standing for letters ("ig0r" -> "igor"),
 * drops honorifics ("seyed", "haji", "dr") and organisation stopwords,
 * canonicalises legal forms ("limited liability company" -> "llc") and marks
 * particles ("al", "bin", "van"), and computes each token's consonant
 * skeleton. Used identically for list names (snapshot build) and queries.
 */
#ifndef EM_TEXT_TOKENS_H
#define EM_TEXT_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "text/knowledge.h"
#include "text/normalize.h"

/* Bump when em_tokenize_name or em_normalize_name change what they make of a name:
   it is part of em_knowledge_version, so snapshots and register indexes are rebuilt
   (7: the snapshot's phonetic keys include the two-class keys of longer parts; 8: Han
   transcriptions of given names, han_names.c). */
#define EM_TOKENIZE_VERSION 8

#define EM_TOK_PARTICLE 1u /* name particle: little weight */
#define EM_TOK_LEGAL 2u    /* canonical legal form: little weight */
#define EM_TOK_NUMBER 4u   /* all digits */
#define EM_TOK_SYLLABIC 8u /* from Han, Hangul or Kana: syllables are atomic, no fuzz */
#define EM_TOK_PHONETIC                                                                            \
    16u               /* a foreign name written by its sounds (kana, Greek, Indic,                 \
                         Thai, Han with the interpunct...): met by its phonetic key */
#define EM_TOK_MAX 24 /* tokens kept per name */
#define EM_SKEL_MAX 24

/* written in Arabic script: its letters as text/arabic.c writes them (align.c reads a
   Latin part against them, em_arabic_reads_as) */
#define EM_TOK_ABJAD 128u
/* written in Hebrew script: its letters as text/hebrew.c writes them (align.c reads a
   Latin part against them, em_arabic_reads_as then em_hebrew_reads_as; retrieval keeps
   the Arabic-script probes of EM_TOK_ABJAD to Arabic) */
#define EM_TOK_HEBREW 256u

typedef struct em_token {
    const char *text; /* normalised token (points into the owning em_name_tokens) */
    uint32_t group;   /* knowledge variant group, 0 = none */
    unsigned flags;
    char skel[EM_SKEL_MAX]; /* consonant skeleton */
    uint16_t len;
} em_token;

typedef struct em_name_tokens {
    em_token items[EM_TOK_MAX];
    size_t len;
    int abjad;           /* the name was written in a script without vowels (Arabic, Hebrew...) */
    int by_sound;        /* ... in a script that writes a foreign name by its sounds (the parts
                            are EM_TOK_PHONETIC), or Cyrillic, whose transcriptions of foreign
                            names go by sound too (search.c: the whole name by its sound) */
    char *buf;           /* owns the token text */
    size_t dropped;      /* honorifics / stopwords removed */
    char numbuf[16][16]; /* digits made from number words */
} em_name_tokens;

enum { EM_KIND_ANY = 0, EM_KIND_PERSON = 1, EM_KIND_ORG = 2 };

/* Fills out (call em_name_tokens_free after). kind tunes stopword/legal-form handling. */
void em_tokenize_name(em_normalizer *n, const em_knowledge *k, const char *name, int kind,
                      em_name_tokens *out);
void em_name_tokens_free(em_name_tokens *t);

/* The consonant skeleton: vowels and semi-vowels (a e i o u y w) dropped except a leading
   consonant cluster's letters, q/c -> k, ph -> f, doubled letters collapsed. */
void em_skeleton(const char *tok, char *out, size_t cap);

/* The phonetic key of a part: its consonants by sound class (b p v f = B, k g q c
   = K, t d th = T, s z sh zh ch j ts = S, l r = L, m = M, n = N; x = KS; m before
   p/b and n before t/d not counted: Greek writes b as mp and d as nt), vowels, h,
   kh, w and y dropped, adjacent repeats collapsed. What a script
   that writes a foreign name by its sounds keeps of it ("bassharu", "bashaer",
   "mpasar", "bashar" are all BSL). Returns its length. */
size_t em_phonetic_key(const char *tok, char *out, size_t cap);

/* The sound of a whole name: the phonetic key of its parts glued in order, starting
   with part `first` and going round ("min aung hlaing" -> "MNLN"; first = 1 reads
   "hlaing, min aung" in the same order). Returns its length. */
size_t em_name_sound_key(const em_token *items, size_t n, size_t first, char *out, size_t cap);

/* What is heard of a part: its consonants by the phonetic key's sound classes, its
   vowels kept, repeats one, Hangul's epenthetic eu and a final epenthetic a/u/o after a
   consonant dropped ("setsin" and "sechin" are both "SeSiN", "heulraing" "LaiN").
   Returns its length. align.c compares short keys' parts by it. */
size_t em_phonetic_heard(const char *tok, char *out, size_t cap);

/* The sound form of a part, vowels kept, for the short parts the phonetic key cannot
   tell apart: r = l (kana and Hangul write one for both), the h of kh th ph gh dh bh
   dropped, doubled letters one (long vowels, ㄹㄹ), a final a, u or o after a consonant
   dropped (kana's epenthetic vowel, Indic's inherent one): "ari", "alli", "ali" are all
   "ali"; "kima" is "kim", "jonga" "jong". Returns its length. */
size_t em_phonetic_form(const char *tok, char *out, size_t cap);

/*
 * Countries: ISO 3166 alpha-2 codes and English names (from ICU's locale data,
 * plus the official long forms the lists use, from data/knowledge/countries.tsv).
 * Immutable once built; shared between threads.
 */
typedef struct em_countries em_countries;
em_countries *em_countries_new(const char *knowledge_dir, em_error *err);
void em_countries_free(em_countries *c);
/* "ir", "IR", "Iran", "Iran (Islamic Republic of)" -> "IR"; returns 0 on success, -1 unknown.
   Needs a normaliser of the calling thread. */
int em_country_code(const em_countries *c, em_normalizer *n, const char *name, char code[3]);

#endif
