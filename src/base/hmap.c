/*
 * hmap.c - the library's hash map: dense entries in insertion order plus an
 * open-addressing index of uint32 slots (see the design notes in hmap.h).
 */
#include "base/hmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define MIN_SLOTS 16

uint64_t em_hash_bytes(const void *p, size_t n) {
    const unsigned char *s = p;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static size_t home_slot(uint64_t hash, size_t nslots) {
    return (size_t)(hash ^ (hash >> 32)) & (nslots - 1);
}

void em_hmap_init(em_hmap *m) {
    memset(m, 0, sizeof *m);
}

void em_hmap_free(em_hmap *m, void (*free_val)(void *)) {
    for (size_t i = 0; i < m->entries.len; i++) {
        free(m->entries.items[i].key);
        if (free_val) free_val(m->entries.items[i].val.ptr);
    }
    em_vec_free(m->entries);
    free(m->slots);
    em_hmap_init(m);
}

/* The slot holding key (hash h), or the empty slot where it would go. The
   map must have slots. */
static size_t probe(const em_hmap *m, const void *key, size_t klen, uint64_t h) {
    size_t mask = m->nslots - 1;
    for (size_t j = home_slot(h, m->nslots);; j = (j + 1) & mask) {
        uint32_t s = m->slots[j];
        if (!s) return j;
        const em_hmap_entry *e = &m->entries.items[s - 1];
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) return j;
    }
}

/* Rebuilds the index with nslots slots from the entries' stored hashes. */
static void reindex(em_hmap *m, size_t nslots) {
    free(m->slots);
    m->slots = em_xcalloc(nslots, sizeof *m->slots);
    m->nslots = nslots;
    size_t mask = nslots - 1;
    for (size_t i = 0; i < m->entries.len; i++) {
        size_t j = home_slot(m->entries.items[i].hash, nslots);
        while (m->slots[j])
            j = (j + 1) & mask;
        m->slots[j] = (uint32_t)(i + 1);
    }
}

em_hmap_entry *em_hmap_find(const em_hmap *m, const void *key, size_t klen) {
    if (!m->nslots) return NULL;
    uint32_t s = m->slots[probe(m, key, klen, em_hash_bytes(key, klen))];
    return s ? &m->entries.items[s - 1] : NULL;
}

em_hmap_entry *em_hmap_insert(em_hmap *m, const void *key, size_t klen, int *added) {
    uint64_t h = em_hash_bytes(key, klen);
    if ((m->entries.len + 1) * 2 > m->nslots) {
        if (m->entries.len >= UINT32_MAX - 1) {
            fputs("embargo: hash map too large\n", stderr);
            abort();
        }
        reindex(m, m->nslots ? m->nslots * 2 : MIN_SLOTS);
    }
    size_t j = probe(m, key, klen, h);
    if (m->slots[j]) {
        if (added) *added = 0;
        return &m->entries.items[m->slots[j] - 1];
    }
    em_hmap_entry *e = em_vec_add(m->entries);
    e->key = em_xstrndup(key, klen);
    e->klen = klen;
    e->hash = h;
    m->slots[j] = (uint32_t)m->entries.len;
    if (added) *added = 1;
    return e;
}

int em_hmap_remove(em_hmap *m, const void *key, size_t klen, em_hmap_val *old) {
    if (!m->nslots) return 0;
    size_t mask = m->nslots - 1, j = probe(m, key, klen, em_hash_bytes(key, klen));
    if (!m->slots[j]) return 0;
    size_t idx = m->slots[j] - 1;
    em_hmap_entry *e = &m->entries.items[idx];
    if (old) *old = e->val;
    free(e->key);
    /* backward-shift deletion: pull later members of the probe run back into
       the hole so that no lookup meets an empty slot before its key */
    for (size_t k = j;;) {
        m->slots[j] = 0;
        for (;;) {
            k = (k + 1) & mask;
            if (!m->slots[k]) goto shifted;
            size_t home = home_slot(m->entries.items[m->slots[k] - 1].hash, m->nslots);
            /* the entry at k may stay unless its home lies cyclically in (j, k] */
            int stays = j <= k ? (j < home && home <= k) : (j < home || home <= k);
            if (!stays) break;
        }
        m->slots[j] = m->slots[k];
        j = k;
    }
shifted:;
    /* move the last entry into the hole and repoint its slot */
    size_t last = m->entries.len - 1;
    if (idx != last) {
        m->entries.items[idx] = m->entries.items[last];
        size_t s = home_slot(m->entries.items[idx].hash, m->nslots);
        while (m->slots[s] != last + 1)
            s = (s + 1) & mask;
        m->slots[s] = (uint32_t)(idx + 1);
    }
    m->entries.len--;
    return 1;
}

em_hmap_entry *em_hmap_finds(const em_hmap *m, const char *key) {
    return key ? em_hmap_find(m, key, strlen(key)) : NULL;
}

em_hmap_entry *em_hmap_inserts(em_hmap *m, const char *key, int *added) {
    return em_hmap_insert(m, key, strlen(key), added);
}

void *em_hmap_get(const em_hmap *m, const char *key) {
    const em_hmap_entry *e = em_hmap_finds(m, key);
    return e ? e->val.ptr : NULL;
}

void *em_hmap_put(em_hmap *m, const char *key, void *val) {
    int added;
    em_hmap_entry *e = em_hmap_inserts(m, key, &added);
    void *prev = added ? NULL : e->val.ptr;
    e->val.ptr = val;
    return prev;
}
