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

/* The same, one entity at a time (the caller keeps no list): new, add each
   entity with its version (0 when unknown), then finish (writes `path`
   atomically and frees the builder, success or not) or free (abandons it). */
typedef struct em_snapshot_builder em_snapshot_builder;
em_snapshot_builder *em_snapshot_builder_new(const em_knowledge *k, em_error *err);
void em_snapshot_builder_add(em_snapshot_builder *b, const em_entity *e, int64_t version);
size_t em_snapshot_builder_count(const em_snapshot_builder *b); /* entities added */
int em_snapshot_builder_finish(em_snapshot_builder *b, const char *path, em_error *err);
void em_snapshot_builder_free(em_snapshot_builder *b);

#endif
