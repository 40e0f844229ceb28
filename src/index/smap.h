/*
 * smap.h - string-keyed multimap used by the snapshot: key -> list of u32.
 * Built in memory (em_smap_builder), serialised into one section of the
 * snapshot file, and read in place from the mapped file (em_smap) with
 * open addressing (FNV-1a 32, em_hash_str: part of the file format; each slot
 * holds a fingerprint of its key's hash beside the entry, so a miss rarely
 * leaves the table's cache line). Keys live
 * in the snapshot's string pool. While building, the pool and the builder
 * index their keys with a compact table of their own (smap.c: 8 bytes a slot,
 * the key read from the pool).
 */
#ifndef EM_INDEX_SMAP_H
#define EM_INDEX_SMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

uint32_t em_hash_str(const char *s);

/* A string pool with de-duplication; offsets are stable. Offset 0 is "". */
typedef struct em_strpool em_strpool;
em_strpool *em_strpool_new(void);
void em_strpool_free(em_strpool *p);
uint32_t em_strpool_add(em_strpool *p, const char *s);
/* Appends s without indexing it (no de-duplication against later strings; an equal
   string already indexed is reused): for the many keys only one map holds. */
uint32_t em_strpool_append(em_strpool *p, const char *s);
const em_buf *em_strpool_data(const em_strpool *p);

typedef struct em_smap_builder em_smap_builder;
em_smap_builder *em_smap_builder_new(void);
void em_smap_builder_free(em_smap_builder *b);
/* Appends value to the list of key (the key is copied into the pool). */
void em_smap_add(em_smap_builder *b, em_strpool *pool, const char *key, uint32_t value);
/* Adds only when the value is not already the last one for that key. */
void em_smap_add_unique_last(em_smap_builder *b, em_strpool *pool, const char *key, uint32_t value);
/* For large maps built once and never searched while building: the pair is kept
   (a few bytes, no allocation per key) and grouped by em_smap_builder_fold, which
   must come before em_smap_serialize. A key's values keep their order, a value
   equal to the one before it for that key is dropped (em_smap_add_unique_last),
   its lists come after the others, in the order of their keys' hashes; not seen
   by em_smap_builder_find. */
void em_smap_add_bulk(em_smap_builder *b, const char *key, uint32_t value);
void em_smap_builder_fold(em_smap_builder *b, em_strpool *pool);
/* Bulk pairs whose key is not kept while the map is built (12 bytes a pair, no key
   copy): the key of a pair is made again by key(ctx, value, ref, buf) when the map is
   folded (at most EM_SMAP_KEY_MAX bytes with its NUL; what it reads must not have
   changed since the pair was added), hash is em_hash_str of it. A key's values come
   in increasing (value, ref) order, a value equal to the one before it dropped; the
   lists are folded as em_smap_add_bulk's (same order, same bytes when the pairs were
   added in increasing (value, ref) order). A map takes these or em_smap_add_bulk's
   pairs, not both; em_smap_builder_key_fn comes before the first. */
#define EM_SMAP_KEY_MAX 256
typedef void (*em_smap_key_fn)(void *ctx, uint32_t value, uint32_t ref, char *buf);
void em_smap_builder_key_fn(em_smap_builder *b, em_smap_key_fn key, void *ctx);
void em_smap_add_bulk_ref(em_smap_builder *b, uint32_t hash, uint32_t value, uint32_t ref);
size_t em_smap_builder_keys(const em_smap_builder *b);
/* The values of key so far, or NULL. */
const uint32_t *em_smap_builder_find(const em_smap_builder *b, const char *key, uint32_t *count);
/* Serialises into out (appending, 4-byte aligned). */
void em_smap_serialize(const em_smap_builder *b, em_buf *out);
/* The same bytes given to write(ctx, bytes, n) a piece at a time (no copy of the map). */
void em_smap_write(const em_smap_builder *b, void (*write)(void *, const void *, size_t),
                   void *ctx);

/* Reader over a serialised map inside a mapped file. */
typedef struct em_smap {
    const uint32_t *entries; /* n * {key_off, first, count, hash} */
    const uint32_t *table;   /* cap slots: fingerprint | entry index + 1, 0 = empty (smap.c) */
    const uint32_t *values;
    uint32_t n, cap;
    uint32_t slot_mask;  /* the entry bits of a slot */
    const char *strings; /* the snapshot string pool */
} em_smap;

int em_smap_open(em_smap *m, const void *data, size_t len, const char *strings);
/* Checks a serialised map of len bytes before it is trusted (one pass, no
   allocation): the table is a power of two with an empty slot, every slot is 0
   or an entry, keys are offsets below strings_len, value lists tile the value
   array, and every value is below `limit` (with `pairs`, lists are (value,
   string offset) pairs: even length, odd members below strings_len). Returns
   0, or -1 with what is wrong in why. */
int em_smap_check(const void *data, size_t len, size_t strings_len, uint32_t limit, int pairs,
                  char *why, size_t cap);
/* Values of key, or NULL with *count = 0. */
const uint32_t *em_smap_get(const em_smap *m, const char *key, uint32_t *count);
/* Asks the memory for the slot em_smap_get(m, key) reads first, without waiting:
   a batch of keys prefetched, then looked up, overlaps their cache misses (a
   large map's lookups are one or more misses each). */
void em_smap_prefetch(const em_smap *m, const char *key);

#endif
