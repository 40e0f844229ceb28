/*
 * knowledge.h - the name knowledge the matcher uses, loaded from the data
 * files in data/knowledge/ (one checkable fact per line, see the README
 * there): given-name variants across transliteration schemes, name particles,
 * honorifics and titles, company legal forms, and organisation stopwords.
 *
 * All lookups take *normalised* tokens (lower-case ASCII, as produced by
 * em_normalize_name); the loader normalises the file entries the same way,
 * so the files may be written in any script or case. Immutable once loaded;
 * safe to share between threads.
 */
#ifndef EM_TEXT_KNOWLEDGE_H
#define EM_TEXT_KNOWLEDGE_H

#include <stddef.h>
#include <stdint.h>

#include "embargo.h"

typedef struct em_knowledge em_knowledge;
struct em_readings;

/* Loads every table from `dir` (e.g. "<data>/knowledge"). Errors name the file and line. */
em_knowledge *em_knowledge_load(const char *dir, em_error *err);
void em_knowledge_free(em_knowledge *k);

/* Variant group of a token (1-based id), 0 when the token is in no group.
   "mohammad", "muhammad", "mohamed", "mohd" share one group. */
uint32_t em_knowledge_variant_group(const em_knowledge *k, const char *token);
/* The canonical spelling of a group (its first entry), NULL for 0. */
const char *em_knowledge_group_name(const em_knowledge *k, uint32_t group);
size_t em_knowledge_group_count(const em_knowledge *k);
/* 1 when the group is an Arabic word and its English translations
   (data/knowledge/arabic_words.tsv) rather than given-name spellings. */
int em_knowledge_group_is_translation(const em_knowledge *k, uint32_t group);

/* Name particles: "al", "el", "bin", "ibn", "abu", "van", "von", "de", ... */
int em_knowledge_is_particle(const em_knowledge *k, const char *token);
/* Honorifics and titles that are not part of a name: "seyed", "haji", "dr", "general" */
int em_knowledge_is_honorific(const em_knowledge *k, const char *token);
/* Nicknames (data/knowledge/nicknames.txt): 1 when one of the two normalised given
   names is a common short form of the other ("bill" / "william", "ted" / "theodore"). */
int em_knowledge_is_nickname(const em_knowledge *k, const char *a, const char *b);
/* 1 when the normalised name a is one of a nickname pair (either side): when it is
   not, em_knowledge_is_nickname(k, a, x) is 0 for every x (align.c asks once per
   query part). */
int em_knowledge_has_nickname(const em_knowledge *k, const char *a);
/* Case endings (data/knowledge/case_endings.txt): the nominative endings Lithuanian and
   Latvian add to a foreign name ("as": Putinas, "s": Putins). */
int em_knowledge_is_case_ending(const em_knowledge *k, const char *ending);
/* Organisation stopwords that carry no identity: "the", "of", "and" */
int em_knowledge_is_stopword(const em_knowledge *k, const char *token);

/*
 * Legal forms: if tokens[0..] starts with a legal form (one or more tokens:
 * "limited liability company", "llc", "obshchestvo s ogranichennoi
 * otvetstvennostiu", "ooo", "s a", "sa"), returns its canonical code ("llc",
 * "ooo", "sa", ...) and sets *consumed to the number of tokens it spans
 * (the longest match wins); otherwise returns NULL.
 */
const char *em_knowledge_legal_form(const em_knowledge *k, const char *const *tokens, size_t n,
                                    size_t *consumed);

/* The tables of the other readings of a query name (text/readings.h). */
const struct em_readings *em_knowledge_readings(const em_knowledge *k);

/*
 * Organisation words (data/knowledge/abbreviations.tsv, country_adjectives.tsv)
 * are variant groups like the given names ("intl" and "international" share a
 * group, "iranian" and "iran" another); the kind of a group says which table
 * it came from, so that the explanation names the rule.
 */
enum { EM_GROUP_NAME = 0, EM_GROUP_ABBREVIATION = 1, EM_GROUP_COUNTRY = 2 };
int em_knowledge_group_kind(const em_knowledge *k, uint32_t group);
/* 1 when an organisation stopword starts with the letter c (the O of MOIS is "of"). */
int em_knowledge_stopword_initial(const em_knowledge *k, char c);
/* The legal-form variants in sorted order, each with its code: i < em_knowledge_legal_count. */
size_t em_knowledge_legal_count(const em_knowledge *k);
const char *em_knowledge_legal_at(const em_knowledge *k, size_t i, const char **code);
/* A legal form cut short inside its last word, as fixed-width fields cut names:
   tokens[0..n) are all the rest of a name ("joint stock compan") and begin exactly
   one code's variants of as many words, the last word cut (at least
   EM_LEGAL_TRUNC_MIN_LAST letters of it kept, EM_LEGAL_TRUNC_MIN_KEY in all). Returns
   that code and sets *consumed = n, else NULL. */
#define EM_LEGAL_TRUNC_MIN_LAST 4
#define EM_LEGAL_TRUNC_MIN_KEY 5
const char *em_knowledge_legal_truncated(const em_knowledge *k, const char *const *tokens, size_t n,
                                         size_t *consumed);

#endif
