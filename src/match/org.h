/*
 * org.h - the organisation rules of the aligner (align.c calls them; their
 * weights are in weights.h): an acronym against the initials of a run of words
 * ("PLA" ~ "People's Liberation Army", "MOIS" ~ "Ministry of Intelligence and
 * Security": a letter may stand for a stopword the tokeniser dropped), and a
 * legal form misspelt ("Siemens AkG" ~ "Siemens AG", "Aktiengeselschaft").
 * Abbreviations ("Intl") and country adjectives ("Iranian") are variant groups
 * of the knowledge tables; org_group_how names them in the explanation.
 */
#ifndef EM_MATCH_ORG_H
#define EM_MATCH_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "index/snapshot_format.h"
#include "match/align.h"

/* 1 when part p may be an acronym: EM_ACRONYM_MIN_LEN..EM_ACRONYM_MAX_LEN letters,
   not a number, legal form, particle, known given name or syllable. */
int em_org_acronym_part(const em_part *p);

/* The number of parts of c[start..nc) whose initials spell the acronym a (each
   letter the initial of the next part, or of a stopword the tokeniser dropped
   between two parts), at least EM_ACRONYM_MIN_WORDS parts (two when a stopword
   letter is among them); 0 when they do not. */
size_t em_org_acronym_run(const em_part *a, const em_part *c, size_t nc, size_t start,
                          const em_knowledge *k);

/* EM_SIM_LEGAL_TYPO when one part is a legal form and the other, not one, is a
   variant of that form misspelt (one edit, two from EM_LEGAL_TYPO_TWO_EDITS letters:
   "akg" ~ "ag", "aktiengeselschaft" ~ "aktiengesellschaft"); else 0. */
float em_org_legal_typo(const em_part *a, const em_part *b, const em_knowledge *k);

/* How two parts of one variant group met: EM_HOW_ABBREVIATION, EM_HOW_COUNTRY or
   EM_HOW_VARIANT (given names), by the table the group came from. */
em_part_how em_org_group_how(const em_knowledge *k, uint32_t group);

/*
 * The acronym index of a snapshot's organisation names, so that a query acronym
 * finds a listed name that does not give it ("PLA" -> People's Liberation Army):
 * the initials of each organisation name of EM_ACRONYM_MIN_WORDS words or more,
 * with and without its legal forms' letters, -> the names: a sorted array of
 * snap_acronym (initials packed in 64 bits, name). Computed by the snapshot
 * builder (snapshot_build.c) into the section SEC_ACRONYMS, checked sorted when
 * the snapshot is opened (snapshot_check.c) and read there in place.
 */
typedef struct em_org_acronyms em_org_acronyms;
struct em_matcher;
/* The table of the names[0..n_names) of a snapshot being built (each name's entity,
   tokens and their text as the snapshot will hold them: strings is the pool), sorted,
   into *out (malloc'd; NULL when empty); returns its length. */
size_t em_org_acronyms_compute(const snap_entity *entities, const snap_name *names, size_t n_names,
                               const uint32_t *name_tokens, const snap_token *tokens,
                               const char *strings, snap_acronym **out);
/* The table of a mapped, checked snapshot (its SEC_ACRONYMS section, not copied). */
em_org_acronyms *em_org_acronyms_open(const struct em_matcher *m);
void em_org_acronyms_free(em_org_acronyms *a);
/* How many names have the initials key[0..len) (*first: the index of the first);
   em_org_acronym_name gives each, first <= i < first + count. */
size_t em_org_acronym_find(const em_org_acronyms *a, const char *key, size_t len, size_t *first);
uint32_t em_org_acronym_name(const em_org_acronyms *a, size_t i);

#endif
