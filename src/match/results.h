/*
 * results.h - the result set of a search (search.c) and of a whole-party
 * screening (engine/engine.c, which merges per-name searches into one set
 * and records the list versions and generation it screened against).
 */
#ifndef EM_MATCH_RESULTS_H
#define EM_MATCH_RESULTS_H

#include "embargo.h"

struct em_results {
    em_result *items; /* owned, every string an own copy */
    size_t len;
    em_list_info *lists; /* owned, sources too; NULL for em_search results */
    size_t nlists;
    uint64_t generation;
    char knowledge[17]; /* the matcher's knowledge version; "" for em_search results */
};

/* Frees everything one result owns (its strings and its explanation) and
   zeroes it. Whoever moves results between sets releases them with this. */
void em_result_release(em_result *x);

#endif
