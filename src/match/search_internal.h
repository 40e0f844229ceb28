/*
 * search_internal.h - test and benchmark hooks into em_search's retrieval
 * (search.c): the switch to the exhaustive reference run, which reads every
 * posting list of the plan, and the counts of postings read and of names
 * aligned. Not part of the
 * public API; the library itself never calls the switch.
 */
#ifndef EM_MATCH_SEARCH_INTERNAL_H
#define EM_MATCH_SEARCH_INTERNAL_H

#include <stdint.h>

#include "embargo.h"

/* on != 0: s retrieves exhaustively (the reference the pruned run must equal);
   0: pruned (the default). */
void em_searcher_set_exhaustive(em_searcher *s, int on);
/* The pruned run reads a plan of many postings in blocks of name ids, one per n
   postings (0: the default, PRUNE_BLOCK_POSTINGS); a test sets a small n to read
   even short plans in many blocks. */
void em_searcher_set_block_postings(em_searcher *s, uint32_t n);
/* Searches of s whose pruned run was read in more than one block. */
uint64_t em_searcher_blocked_runs(const em_searcher *s);
/* Postings read by s's searches so far: every posting scanned, and every one
   looked at by the pruned run's searches in a list. */
uint64_t em_searcher_postings_read(const em_searcher *s);
/* Candidate names s's searches have aligned so far (what retrieval handed the
   scoring: at most EM_MAX_CANDIDATES a query name). */
uint64_t em_searcher_names_aligned(const em_searcher *s);

#endif
