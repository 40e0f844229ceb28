/*
 * snapshot.h - the compiled, memory-mapped form of the active lists that the
 * matcher searches. Built from entities (the store's active versions, or any
 * entity list such as the synthetic lists of the benchmarks), written
 * atomically, then mapped read-only: opening is a few page faults, no parsing.
 */
#ifndef EM_INDEX_SNAPSHOT_H
#define EM_INDEX_SNAPSHOT_H

#include "model/entity.h"
#include "text/knowledge.h"

/* Writes the snapshot of `entities` to `path` (via a temporary file and rename).
   `versions` gives, per entity, the list version it comes from (may be NULL). */
int em_snapshot_build(const em_entity_list *entities, const int64_t *versions,
                      const em_knowledge *k, const char *path, em_error *err);

#endif
