/*
 * matcher_build.h - matchers over entities other than the active lists:
 * any entity list (a register's index: the register is the list, a changed
 * listed entity the query) and past list versions (an audit replay). Both
 * are compiled snapshots like the active lists' (matcher.c).
 */
#ifndef EM_MATCH_MATCHER_BUILD_H
#define EM_MATCH_MATCHER_BUILD_H

#include "model/entity.h"

/* Builds the snapshot of `l` at path (versions may be NULL) and opens it. */
int em_matcher_build(em_matcher **out, const em_entity_list *l, const int64_t *versions,
                     const char *path, em_error *err);
/* A matcher over the store's versions ids[0..n), compiled once into
   HOME/snapshots/past/ (named after the versions and the knowledge). */
int em_matcher_open_versions(em_matcher **out, em_store *st, const int64_t *ids, size_t n,
                             em_error *err);
/* How many names a query aligns at most (0 = EM_MAX_CANDIDATES, the tuned
   default): a register's index is searched for every record a listed name may
   match, not for the best few. */
void em_matcher_set_max_candidates(em_matcher *m, size_t n);
/* The hash of the knowledge tables the matcher reads (16 hex digits): with the
   engine version, what a past decision needs to be reproduced. em_knowledge_version
   reads the files now; em_matcher_knowledge_version gives the hash m took when it
   loaded them (what its screenings used, at no cost: results carry it). */
void em_knowledge_version(char out[17]);
void em_matcher_knowledge_version(const em_matcher *m, char out[17]);

#endif
