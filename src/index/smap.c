/*
 * smap.c - string pool and string-keyed multimap of the snapshot (see smap.h).
 */
#include "index/smap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t em_hash_str(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* ---- build-time hash table: string -> u32 slot ---------------------------- */

typedef struct htab {
    char **keys;
    uint32_t *vals;
    size_t cap, len;
} htab;

static void htab_grow(htab *t);

static size_t htab_find(const htab *t, const char *k, uint32_t h) {
    size_t i = h & (t->cap - 1);
    while (t->keys[i] && strcmp(t->keys[i], k) != 0)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static uint32_t *htab_put(htab *t, const char *k, int *created) {
    if (t->cap == 0 || (t->len + 1) * 10 > t->cap * 7) htab_grow(t);
    uint32_t h = em_hash_str(k);
    size_t i = htab_find(t, k, h);
    *created = !t->keys[i];
    if (*created) {
        t->keys[i] = em_xstrdup(k);
        t->len++;
    }
    return &t->vals[i];
}

static void htab_grow(htab *t) {
    htab n = {0};
    n.cap = t->cap ? t->cap * 2 : 1024;
    n.keys = em_xcalloc(n.cap, sizeof *n.keys);
    n.vals = em_xcalloc(n.cap, sizeof *n.vals);
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i]) {
            size_t j = htab_find(&n, t->keys[i], em_hash_str(t->keys[i]));
            n.keys[j] = t->keys[i];
            n.vals[j] = t->vals[i];
            n.len++;
        }
    free(t->keys);
    free(t->vals);
    *t = n;
}

static void htab_free(htab *t) {
    for (size_t i = 0; i < t->cap; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->vals);
}

/* ---- string pool ---------------------------------------------------------- */

struct em_strpool {
    em_buf data;
    htab index;
};

em_strpool *em_strpool_new(void) {
    em_strpool *p = em_xcalloc(1, sizeof *p);
    em_buf_init(&p->data);
    em_buf_addc(&p->data, '\0');
    return p;
}

void em_strpool_free(em_strpool *p) {
    if (!p) return;
    em_buf_free(&p->data);
    htab_free(&p->index);
    free(p);
}

uint32_t em_strpool_add(em_strpool *p, const char *s) {
    if (!s || !*s) return 0;
    int created;
    uint32_t *v = htab_put(&p->index, s, &created);
    if (created) {
        *v = (uint32_t)p->data.len;
        em_buf_add(&p->data, s, strlen(s) + 1);
    }
    return *v;
}

const em_buf *em_strpool_data(const em_strpool *p) {
    return &p->data;
}

/* ---- multimap builder ----------------------------------------------------- */

typedef struct u32vec {
    uint32_t *v;
    uint32_t len, cap;
} u32vec;

struct em_smap_builder {
    htab index; /* key -> list index */
    uint32_t *key_off;
    u32vec *lists;
    size_t n, cap;
};

em_smap_builder *em_smap_builder_new(void) {
    return em_xcalloc(1, sizeof(em_smap_builder));
}

void em_smap_builder_free(em_smap_builder *b) {
    if (!b) return;
    htab_free(&b->index);
    for (size_t i = 0; i < b->n; i++)
        free(b->lists[i].v);
    free(b->lists);
    free(b->key_off);
    free(b);
}

static u32vec *list_for(em_smap_builder *b, em_strpool *pool, const char *key) {
    int created;
    uint32_t *slot = htab_put(&b->index, key, &created);
    if (created) {
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 1024;
            b->lists = em_xrealloc(b->lists, b->cap * sizeof *b->lists);
            b->key_off = em_xrealloc(b->key_off, b->cap * sizeof *b->key_off);
        }
        memset(&b->lists[b->n], 0, sizeof b->lists[b->n]);
        b->key_off[b->n] = em_strpool_add(pool, key);
        *slot = (uint32_t)b->n++;
    }
    return &b->lists[*slot];
}

static void push(u32vec *l, uint32_t v) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 2;
        l->v = em_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->len++] = v;
}

void em_smap_add(em_smap_builder *b, em_strpool *pool, const char *key, uint32_t value) {
    push(list_for(b, pool, key), value);
}

void em_smap_add_unique_last(em_smap_builder *b, em_strpool *pool, const char *key,
                             uint32_t value) {
    u32vec *l = list_for(b, pool, key);
    if (l->len && l->v[l->len - 1] == value) return;
    push(l, value);
}

const uint32_t *em_smap_builder_find(const em_smap_builder *b, const char *key, uint32_t *count) {
    *count = 0;
    if (!b->index.cap) return NULL;
    size_t i = htab_find(&b->index, key, em_hash_str(key));
    if (!b->index.keys[i]) return NULL;
    const u32vec *l = &b->lists[b->index.vals[i]];
    *count = l->len;
    return l->v;
}

size_t em_smap_builder_keys(const em_smap_builder *b) {
    return b->n;
}

void em_smap_serialize(const em_smap_builder *b, em_buf *out) {
    uint32_t n = (uint32_t)b->n, cap = 16;
    while (cap < n * 2)
        cap *= 2;
    uint32_t hdr[2] = {n, cap};
    em_buf_add(out, hdr, sizeof hdr);
    uint32_t *hashes = em_xcalloc(n ? n : 1, sizeof *hashes);
    for (uint32_t i = 0; i < b->index.cap; i++)
        if (b->index.keys[i]) hashes[b->index.vals[i]] = em_hash_str(b->index.keys[i]);
    uint32_t first = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t e[4] = {b->key_off[i], first, b->lists[i].len, hashes[i]};
        em_buf_add(out, e, sizeof e);
        first += b->lists[i].len;
    }
    free(hashes);
    uint32_t *table = em_xcalloc(cap, sizeof *table);
    for (uint32_t i = 0; i < b->index.cap; i++) {
        if (!b->index.keys[i]) continue;
        uint32_t idx = b->index.vals[i];
        uint32_t j = em_hash_str(b->index.keys[i]) & (cap - 1);
        while (table[j])
            j = (j + 1) & (cap - 1);
        table[j] = idx + 1;
    }
    em_buf_add(out, table, cap * sizeof *table);
    free(table);
    for (uint32_t i = 0; i < n; i++)
        if (b->lists[i].len) em_buf_add(out, b->lists[i].v, b->lists[i].len * sizeof(uint32_t));
}

int em_smap_open(em_smap *m, const void *data, size_t len, const char *strings) {
    const uint32_t *p = data;
    if (len < 8) return -1;
    m->n = p[0];
    m->cap = p[1];
    if (m->cap == 0 || (m->cap & (m->cap - 1)) || 8 + (size_t)m->n * 16 + (size_t)m->cap * 4 > len)
        return -1;
    m->entries = p + 2;
    m->table = m->entries + (size_t)m->n * 4;
    m->values = m->table + m->cap;
    m->strings = strings;
    return 0;
}

int em_smap_check(const void *data, size_t len, size_t strings_len, uint32_t limit, int pairs,
                  char *why, size_t cap) {
#define BAD(...) return (snprintf(why, cap, __VA_ARGS__), -1)
    const uint32_t *p = data;
    if (len < 8 || len % 4) BAD("%zu bytes, not a map", len);
    uint64_t n = p[0], slots = p[1];
    if (slots == 0 || (slots & (slots - 1)))
        BAD("table of %llu slots, not a power of two", (unsigned long long)slots);
    if (n >= slots)
        BAD("%llu keys in %llu slots", (unsigned long long)n, (unsigned long long)slots);
    uint64_t fixed = 8 + n * 16 + slots * 4;
    if (fixed > len)
        BAD("%llu keys and %llu slots need more than its %zu bytes", (unsigned long long)n,
            (unsigned long long)slots, len);
    uint64_t nvals = (len - fixed) / 4;
    const uint32_t *entries = p + 2, *table = entries + n * 4, *values = table + slots;
    /* the fast pass: no branch but the loops' (the table and value loops vectorise); the
       slow pass below runs only to say what is wrong */
    uint64_t bad = 0, next = 0, used = 0;
    uint32_t odd = pairs ? 1 : 0, tmax = 0, vmax = 0, smax = 0;
    for (uint64_t i = 0; i < n; i++) {
        const uint32_t *e = entries + i * 4;
        bad |= (uint64_t)(e[0] >= strings_len) | ((uint64_t)e[1] ^ next) | (e[2] & odd);
        next += e[2];
    }
    for (uint64_t j = 0; j < slots; j++) {
        tmax = table[j] > tmax ? table[j] : tmax;
        used += table[j] != 0;
    }
    if (pairs) {
        for (uint64_t i = 0; i + 1 < nvals; i += 2) {
            vmax = values[i] > vmax ? values[i] : vmax;
            smax = values[i + 1] > smax ? values[i + 1] : smax;
        }
    } else {
        for (uint64_t i = 0; i < nvals; i++)
            vmax = values[i] > vmax ? values[i] : vmax;
    }
    if (!bad && next == nvals && tmax <= n && used == n && (nvals == 0 || vmax < limit) &&
        (!pairs || nvals == 0 || smax < strings_len))
        return 0;
    next = 0;
    for (uint64_t i = 0; i < n; i++) {
        const uint32_t *e = entries + i * 4;
        if (e[0] >= strings_len) BAD("key %llu points past the string pool", (unsigned long long)i);
        if (e[1] != next)
            BAD("values of key %llu start at %u, not %llu", (unsigned long long)i, e[1],
                (unsigned long long)next);
        if (pairs && e[2] % 2) BAD("key %llu has an odd number of values", (unsigned long long)i);
        next += e[2];
        if (next > nvals) BAD("values of key %llu run past the value array", (unsigned long long)i);
    }
    if (next != nvals)
        BAD("%llu values listed, %llu stored", (unsigned long long)next, (unsigned long long)nvals);
    used = 0;
    for (uint64_t j = 0; j < slots; j++) {
        if (table[j] > n)
            BAD("slot %llu points past the %llu keys", (unsigned long long)j,
                (unsigned long long)n);
        used += table[j] != 0;
    }
    if (used != n)
        BAD("%llu slots used for %llu keys", (unsigned long long)used, (unsigned long long)n);
    for (uint64_t i = 0; i < nvals; i++) {
        if (pairs && i % 2) {
            if (values[i] >= strings_len)
                BAD("value %llu points past the string pool", (unsigned long long)i);
        } else if (values[i] >= limit) {
            BAD("value %llu is %u, past the %u it indexes", (unsigned long long)i, values[i],
                limit);
        }
    }
    BAD("damaged"); /* not reached: the fast pass found what the slow one did not */
#undef BAD
}

const uint32_t *em_smap_get(const em_smap *m, const char *key, uint32_t *count) {
    *count = 0;
    if (!m->cap) return NULL;
    uint32_t h = em_hash_str(key);
    uint32_t j = h & (m->cap - 1);
    for (;;) {
        uint32_t slot = m->table[j];
        if (!slot) return NULL;
        const uint32_t *e = m->entries + (size_t)(slot - 1) * 4;
        if (e[3] == h && strcmp(m->strings + e[0], key) == 0) {
            *count = e[2];
            return m->values + e[1];
        }
        j = (j + 1) & (m->cap - 1);
    }
}
