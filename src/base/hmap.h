/*
 * hmap.h - the one in-memory hash map of the library: byte-string keys
 * (usually C strings) to a pointer or a 64-bit integer.
 *
 * Design notes
 * ------------
 * The map is two arrays, in the manner of CPython's compact dict:
 *
 *   entries  an EM_VEC of em_hmap_entry {key, klen, hash, val}, dense and in
 *            insertion order; iterating a map is walking this array
 *            (em_hmap_at(m, 0 .. em_hmap_len(m) - 1)), so iteration order is
 *            deterministic: the order of insertion, as long as nothing was
 *            removed (a removal moves the last entry into the hole).
 *   slots    the index: a power-of-two array of uint32_t, 0 for an empty
 *            slot, else entry index + 1. Open addressing with linear probing
 *            from the slot given by the key's hash.
 *
 * Why this shape: the slots are 4 bytes each, so keeping the table sparse is
 * cheap (the load factor is kept at or below 1/2: at most 8 bytes of index
 * per entry, and about 2.5 probes for a miss), growing only rehashes the
 * small index (the hash is kept in the entry and never recomputed), and the
 * entries are never reordered by growth, which makes iteration order stable
 * across runs and platforms (snapshot files built from a map come out the
 * same every time).
 *
 * Growth: the index doubles (from 16 slots) whenever an insertion would take
 * the load above 1/2; the entries grow geometrically as every EM_VEC does.
 * A map holds at most UINT32_MAX - 1 entries (beyond that the process
 * aborts, like an allocation failure).
 *
 * Removal uses backward-shift deletion (no tombstones), so lookups never slow
 * down after removals.
 *
 * The hash is FNV-1a 64 (em_hash_bytes). FNV's low bits are weak (the low k
 * bits of the hash depend only on the low k bits of each byte), so the slot
 * is taken from the hash folded onto itself, hash ^ (hash >> 32), which mixes
 * the well-distributed high bits in.
 *
 * Ownership: the map copies every key (NUL-terminated after klen bytes, so a
 * string key reads as a C string) and frees the copies in em_hmap_free.
 * Values are not owned: em_hmap_free calls free_val on each pointer value when
 * it is given one. Entry pointers returned by the functions below are valid
 * until the next insertion or removal (either may move the entries).
 *
 * An em_hmap initialised with {0} (or em_hmap_init) is an empty map that
 * owns nothing. Not thread-safe: callers lock.
 */
#ifndef EM_BASE_HMAP_H
#define EM_BASE_HMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/vec.h"

typedef union em_hmap_val {
    void *ptr;
    uint64_t u64;
} em_hmap_val;

typedef struct em_hmap_entry {
    char *key;     /* owned copy of the key, with a NUL after klen bytes */
    size_t klen;   /* bytes in key */
    uint64_t hash; /* em_hash_bytes(key, klen) */
    em_hmap_val val;
} em_hmap_entry;

typedef struct em_hmap {
    EM_VEC(em_hmap_entry) entries; /* insertion order */
    uint32_t *slots;               /* nslots: 0 = empty, else entry index + 1 */
    size_t nslots;                 /* 0 or a power of two, at least 2 * entries.len */
} em_hmap;

/* FNV-1a 64 of n bytes. */
uint64_t em_hash_bytes(const void *p, size_t n);

void em_hmap_init(em_hmap *m);
/* Frees the keys and the map's arrays, calls free_val (when not NULL) on
   every entry's val.ptr, and leaves an empty map. */
void em_hmap_free(em_hmap *m, void (*free_val)(void *));

#define em_hmap_len(m) ((m)->entries.len)
/* The i-th entry in iteration order, i < em_hmap_len(m). */
#define em_hmap_at(m, i) (&(m)->entries.items[(i)])

/* The entry of key[0..klen), or NULL. */
em_hmap_entry *em_hmap_find(const em_hmap *m, const void *key, size_t klen);
/* The entry of key[0..klen), inserting it (key copied, val zeroed) when
   missing; *added (when not NULL) says which. */
em_hmap_entry *em_hmap_insert(em_hmap *m, const void *key, size_t klen, int *added);
/* Removes key[0..klen): 1 (with its value in *old when not NULL), or 0 when
   it was not there. The key's copy is freed; the value is the caller's. */
int em_hmap_remove(em_hmap *m, const void *key, size_t klen, em_hmap_val *old);

/* The same for C-string keys. */
em_hmap_entry *em_hmap_finds(const em_hmap *m, const char *key);
em_hmap_entry *em_hmap_inserts(em_hmap *m, const char *key, int *added);

/* Pointer values by C-string key: the value, or NULL when missing (or key is
   NULL); and insert-or-replace, returning the previous value (NULL if new). */
void *em_hmap_get(const em_hmap *m, const char *key);
void *em_hmap_put(em_hmap *m, const char *key, void *val);

#endif
