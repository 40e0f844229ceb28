/*
 * topics.h - FollowTheMoney topics of a listed entity ("sanction",
 * "crime.cyber"), derived from its list and programmes through the table
 * data/knowledge/topics.tsv (one fact per line, each with its source), and
 * the English caption of a topic. Read by the FtM renderer (entity_ftm.c),
 * so /entities, /match, /search and `embargo show --json` agree.
 */
#ifndef EM_MODEL_TOPICS_H
#define EM_MODEL_TOPICS_H

#include <stddef.h>

/* Calls add(ctx, topic) for each topic of an entity of `source` listed under the
   programmes programs[0..n): the list's topics first, then the programmes'. */
void em_topics_of(const char *source, const char *const *programs, size_t n,
                  void (*add)(void *ctx, const char *topic), void *ctx);
/* The English caption of a topic ("Sanctioned entity"), or NULL when the table has none. */
const char *em_topic_label(const char *topic);

#endif
