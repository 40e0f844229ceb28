/*
 * drift.h - how far a list change can move the scores of what it did not
 * change: the bound that lets monitoring's delta re-screen (monitor/rescreen.c)
 * screen again only the records a change can tip over the threshold, however
 * large the register. The reasoning is in drift.c.
 */
#ifndef EM_MATCH_DRIFT_H
#define EM_MATCH_DRIFT_H

#include "model/entity.h"

typedef struct em_drift em_drift;

em_drift *em_drift_new(em_error *err);
void em_drift_free(em_drift *d);
/* Counts the names of a listed entity as the change found it: sign -1 for the
   version it replaced or removed, +1 for the version it added. */
void em_drift_add_entity(em_drift *d, const em_entity *e, int sign);
/* Compares with the lists after the change (`now`, the matcher the engine
   screens with): the weight of each touched token before and after. Returns -1
   when the change cannot be bounded this way (then a caller screens with its
   widest band). */
int em_drift_finish(em_drift *d, const em_matcher *now);

/* The most a score can move through the weights of tokens the change did not
   touch (the number of names changed): the band every stored score is checked
   against. */
double em_drift_global(const em_drift *d);
/* The most the score of a pair can move: listed entity eid of `lists` (the
   matcher after the change) against entity rid of `reg` (a record in a
   register's index; reg NULL: the other side's tokens are not known, so its
   own touched tokens are assumed to be none: only for a caller that knows).
   The global bound, or more when a token of either side was touched; 2 (more
   than any score moves) when a matcher does not hold the id. */
double em_drift_pair(em_drift *d, const em_matcher *lists, const char *eid, const em_matcher *reg,
                     const char *rid);
/* The touched tokens that can move a pair's score by more than `band`: fn gets
   each one. Every pair whose bound exceeds band holds one of them (drift.c). */
void em_drift_strong(const em_drift *d, double band, void (*fn)(void *ctx, const char *token),
                     void *ctx);
/* The ids of the entities of m with a name holding `token` (exactly, as the
   snapshot spells its tokens). */
void em_matcher_token_entities(const em_matcher *m, const char *token,
                               void (*fn)(void *ctx, const char *id), void *ctx);
/* The largest move bound over the touched tokens (for a report). */
double em_drift_max(const em_drift *d);
/* How many tokens the change touched. */
size_t em_drift_touched(const em_drift *d);

#endif
