/*
 * store_read.h - bulk reading of the active lists, for compiling the
 * matcher's snapshot (src/match/matcher.c).
 */
#ifndef EM_STORE_STORE_READ_H
#define EM_STORE_STORE_READ_H

#include "model/entity.h"

/* Loads every entity of every active version; *versions (caller frees) gives
   each entity's version. `stamp` receives "v<id>,v<id>..." of the active versions.
   Each entity's history (first seen, last change, last seen) is filled in. */
int em_store_load_active(em_store *st, em_entity_list *out, int64_t **versions, em_buf *stamp,
                         em_error *err);
/* The same for the versions ids[0..n) (active or not: a replay of the past);
   stamp receives "v<id>,..." in the order given. */
int em_store_load_versions(em_store *st, const int64_t *ids, size_t n, em_entity_list *out,
                           int64_t **versions, em_buf *stamp, em_error *err);
/* Hands the connection's cached pages back (after a bulk read: a long-lived
   process, the engine or the server, must not keep a whole list in cache). */
void em_store_release_memory(em_store *st);
/* Caps the connection's page cache (KiB); a long-lived reader keeps it small. */
void em_store_set_cache_kib(em_store *st, int kib);
/* Only the stamp (cheap): which versions are active. */
int em_store_active_stamp(em_store *st, em_buf *stamp, em_error *err);

/* Fills ents[i]->history (see em_store_entity_history) for n entities of the
   active versions, ents[i] being in version versions[i] with content digest
   digests[i]: in bulk (history.c). */
int em_store_history_bulk(em_store *st, em_entity *const *ents, const int64_t *versions,
                          const char *const *digests, size_t n, em_error *err);

#endif
