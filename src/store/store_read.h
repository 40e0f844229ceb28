/*
 * store_read.h - bulk reading of the active lists, for compiling the
 * matcher's snapshot (src/match/matcher.c: streamed, em_store_each_active).
 */
#ifndef EM_STORE_STORE_READ_H
#define EM_STORE_STORE_READ_H

#include "model/entity.h"

/* Loads every entity of every active version; *versions (caller frees) gives
   each entity's version. `stamp` receives "v<id>,v<id>..." of the active versions.
   Each entity's history (first seen, last change, last seen) is filled in. */
int em_store_load_active(em_store *st, em_entity_list *out, int64_t **versions, em_buf *stamp,
                         em_error *err);
/* The same, streamed: fn gets each entity (it owns it: frees it or keeps it),
   its version, and ctx, one at a time, in the order of the lists above, within
   one consistent read; a non-zero return from fn stops the read and is
   returned (fn sets err). Memory: the entity being read, plus the keys of the
   entities when a source has more than one version (for their history). */
typedef int (*em_store_entity_fn)(void *ctx, em_entity *e, int64_t version, em_error *err);
int em_store_each_active(em_store *st, em_store_entity_fn fn, void *ctx, em_buf *stamp,
                         em_error *err);
int em_store_each_version(em_store *st, const int64_t *ids, size_t n, em_store_entity_fn fn,
                          void *ctx, em_buf *stamp, em_error *err);
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

#endif
