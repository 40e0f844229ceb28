/*
 * smap.c - string pool and string-keyed multimap of the snapshot (see smap.h).
 */
#include "index/smap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/vec.h"

uint32_t em_hash_str(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* ---- string pool ---------------------------------------------------------- */

/*
 * The in-memory indexes (the pool's string -> offset, and a builder's key ->
 * list) are one compact open-addressing table each (ktab below): a slot is 8
 * bytes, the key's 32-bit hash beside its offset in the pool (or its list's
 * index + 1), and the key itself is the pool's own copy, so an indexed string
 * costs 8-16 bytes of index and no allocation of its own (an em_hmap entry, its
 * key copy and its slot took ~90). Neither table is part of the file: the
 * builder's lists are in the order their keys were first added, and the
 * serialised entries come out in that order.
 */
typedef struct ktab {
    uint64_t *slots; /* 0 = empty, else (hash << 32) | value (value != 0) */
    size_t cap, len; /* cap: 0 or a power of two; len <= 0.7 cap */
} ktab;

/* A large table is mapped apart from malloc: freed by malloc once outgrown, its block
   would raise glibc's dynamic mapping threshold, and the builder's growing vectors
   would then be placed in the heap and fragment it (the peak RSS of a compile) */
#define KTAB_MAP_BYTES ((size_t)128 << 10)

static uint64_t *slots_new(size_t cap) {
    if (cap * sizeof(uint64_t) < KTAB_MAP_BYTES) return em_xcalloc(cap, sizeof(uint64_t));
    void *p = mmap(NULL, cap * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fputs("embargo: out of memory\n", stderr);
        abort();
    }
    return p; /* zeroed */
}

static void slots_free(uint64_t *slots, size_t cap) {
    if (!slots) return;
    if (cap * sizeof(uint64_t) < KTAB_MAP_BYTES)
        free(slots);
    else
        munmap(slots, cap * sizeof(uint64_t));
}

static void ktab_free(ktab *t) {
    slots_free(t->slots, t->cap);
    memset(t, 0, sizeof *t);
}

static size_t ktab_home(uint32_t h, size_t cap) {
    /* FNV's low bits are weak: the slot is taken from the top of h times the golden ratio */
    return (size_t)(((uint64_t)(uint32_t)(h * 0x9E3779B1u) * cap) >> 32);
}

static void ktab_grow(ktab *t) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    uint64_t *slots = slots_new(cap);
    for (size_t i = 0; i < t->cap; i++) {
        uint64_t s = t->slots[i];
        if (!s) continue;
        size_t j = ktab_home((uint32_t)(s >> 32), cap);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    slots_free(t->slots, t->cap);
    t->slots = slots;
    t->cap = cap;
}

/* The slot of key (hash h): where it is, or the empty slot where it would go. The
   key of value v is base + off(v). */
static size_t ktab_probe(const ktab *t, uint32_t h, const char *key, const char *base,
                         const uint32_t *offs) {
    size_t mask = t->cap - 1;
    for (size_t j = ktab_home(h, t->cap);; j = (j + 1) & mask) {
        uint64_t s = t->slots[j];
        if (!s) return j;
        if ((uint32_t)(s >> 32) != h) continue;
        uint32_t v = (uint32_t)s;
        if (strcmp(base + (offs ? offs[v - 1] : v), key) == 0) return j;
    }
}

struct em_strpool {
    em_buf data;
    ktab index; /* string -> offset in data */
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
    ktab_free(&p->index);
    free(p);
}

uint32_t em_strpool_add(em_strpool *p, const char *s) {
    if (!s || !*s) return 0;
    if ((p->index.len + 1) * 10 > p->index.cap * 7) ktab_grow(&p->index);
    uint32_t h = em_hash_str(s);
    size_t j = ktab_probe(&p->index, h, s, p->data.data, NULL);
    if (p->index.slots[j]) return (uint32_t)p->index.slots[j];
    uint32_t off = (uint32_t)p->data.len;
    em_buf_add(&p->data, s, strlen(s) + 1);
    p->index.slots[j] = (uint64_t)h << 32 | off;
    p->index.len++;
    return off;
}

/* em_strpool_append of s whose em_hash_str is h */
static uint32_t strpool_append_h(em_strpool *p, const char *s, uint32_t h) {
    if (!*s) return 0;
    if (p->index.cap) {
        size_t j = ktab_probe(&p->index, h, s, p->data.data, NULL);
        if (p->index.slots[j]) return (uint32_t)p->index.slots[j];
    }
    uint32_t off = (uint32_t)p->data.len;
    em_buf_add(&p->data, s, strlen(s) + 1);
    return off;
}

uint32_t em_strpool_append(em_strpool *p, const char *s) {
    if (!s || !*s) return 0;
    if (p->index.cap) {
        size_t j = ktab_probe(&p->index, em_hash_str(s), s, p->data.data, NULL);
        if (p->index.slots[j]) return (uint32_t)p->index.slots[j];
    }
    uint32_t off = (uint32_t)p->data.len;
    em_buf_add(&p->data, s, strlen(s) + 1);
    return off;
}

const em_buf *em_strpool_data(const em_strpool *p) {
    return &p->data;
}

/* ---- slots ----------------------------------------------------------------- */

/*
 * A table slot is 0 (empty) or (fingerprint | entry index + 1): the low bits,
 * as many as n + 1 needs, hold the entry, the others the top bits of the key's
 * hash multiplied by a golden-ratio constant (the slot's position already
 * says the hash's low bits). A lookup compares the fingerprint first, so a
 * key that is not there costs the table's cache line and, one time in 2^bits
 * per occupied slot probed, an entry and a string compare; with n below 2^24
 * that is 8 bits or more.
 */
static uint32_t slot_mask(uint32_t n) {
    uint32_t v = n + 1, bits = 0;
    while (bits < 32 && (v >> bits))
        bits++;
    return bits >= 32 ? 0xffffffffu : (1u << bits) - 1;
}

static uint32_t slot_fp(uint32_t hash, uint32_t mask) {
    return (hash * 0x9E3779B1u) & ~mask;
}

/* ---- multimap builder ----------------------------------------------------- */

typedef struct smap_list {
    uint32_t key_off;        /* the key in the string pool */
    uint32_t hash;           /* em_hash_str of the key */
    EM_VEC(uint32_t) values; /* cap 0: a slice of the builder's folded values */
} smap_list;

/* a pair added with em_smap_add_bulk: its key in the arena */
typedef struct bulk_pair {
    uint32_t hash; /* em_hash_str of the key */
    uint32_t key, value, seq;
} bulk_pair;

/* a pair added with em_smap_add_bulk_ref: its key made again by the key function */
typedef struct ref_pair {
    uint32_t hash; /* em_hash_str of the key */
    uint32_t value, ref;
} ref_pair;

struct em_smap_builder {
    ktab index;         /* key -> list index + 1 (its key in pool, see above) */
    em_strpool *pool;   /* the pool of the keys added with em_smap_add */
    uint32_t *key_offs; /* list index -> key offset in the pool, for the index */
    size_t key_offs_cap;
    EM_VEC(smap_list) lists; /* in order of first appearance (the folded ones after them) */
    /* the bulk pairs: no hash map, no allocation per key; grouped into lists by
       em_smap_builder_fold (sorted by key hash), values in one array */
    em_buf arena;
    EM_VEC(bulk_pair) bulk;
    EM_VEC(ref_pair) refs; /* or pairs whose keys key_fn makes */
    em_smap_key_fn key_fn;
    void *key_ctx;
    uint32_t *folded;
    /* the folded lists: {key_off, hash, first value in folded, count} */
    uint32_t (*flists)[4];
    size_t nflists;
};

em_smap_builder *em_smap_builder_new(void) {
    return em_xcalloc(1, sizeof(em_smap_builder));
}

void em_smap_builder_free(em_smap_builder *b) {
    if (!b) return;
    ktab_free(&b->index);
    free(b->key_offs);
    for (size_t i = 0; i < b->lists.len; i++)
        if (b->lists.items[i].values.cap) em_vec_free(b->lists.items[i].values);
    em_vec_free(b->lists);
    em_buf_free(&b->arena);
    em_vec_free(b->bulk);
    em_vec_free(b->refs);
    free(b->folded);
    free(b->flists);
    free(b);
}

static smap_list *list_for(em_smap_builder *b, em_strpool *pool, const char *key) {
    b->pool = pool;
    if ((b->index.len + 1) * 10 > b->index.cap * 7) ktab_grow(&b->index);
    uint32_t h = em_hash_str(key);
    size_t j = ktab_probe(&b->index, h, key, pool->data.data, b->key_offs);
    if (b->index.slots[j]) return &b->lists.items[(uint32_t)b->index.slots[j] - 1];
    size_t i = b->lists.len;
    smap_list *l = em_vec_add(b->lists);
    l->key_off = em_strpool_add(pool, key);
    l->hash = h;
    b->key_offs = em_vec_grow_(b->key_offs, &b->key_offs_cap, i, 1, sizeof *b->key_offs);
    b->key_offs[i] = l->key_off;
    b->index.slots[j] = (uint64_t)h << 32 | (uint32_t)(i + 1);
    b->index.len++;
    return l;
}

void em_smap_add(em_smap_builder *b, em_strpool *pool, const char *key, uint32_t value) {
    em_vec_push(list_for(b, pool, key)->values, value);
}

void em_smap_add_unique_last(em_smap_builder *b, em_strpool *pool, const char *key,
                             uint32_t value) {
    smap_list *l = list_for(b, pool, key);
    if (l->values.len && em_vec_last(l->values) == value) return;
    em_vec_push(l->values, value);
}

void em_smap_add_bulk(em_smap_builder *b, const char *key, uint32_t value) {
    if (b->refs.len) {
        fputs("embargo: em_smap_add_bulk beside em_smap_add_bulk_ref pairs\n", stderr);
        abort();
    }
    size_t n = strlen(key);
    bulk_pair p = {em_hash_str(key), (uint32_t)b->arena.len, value, (uint32_t)b->bulk.len};
    em_buf_add(&b->arena, key, n + 1);
    em_vec_push(b->bulk, p);
}

void em_smap_builder_key_fn(em_smap_builder *b, em_smap_key_fn key, void *ctx) {
    b->key_fn = key, b->key_ctx = ctx;
}

void em_smap_add_bulk_ref(em_smap_builder *b, uint32_t hash, uint32_t value, uint32_t ref) {
    if (!b->key_fn || b->bulk.len) {
        fputs("embargo: em_smap_add_bulk_ref without a key function or beside bulk pairs\n",
              stderr);
        abort();
    }
    ref_pair p = {hash, value, ref};
    em_vec_push(b->refs, p);
}

/* pairs in order of key hash, key, then the order they were added: sorted in place
   (qsort takes a copy of the array as large again) */
static int bulk_less(const bulk_pair *a, const bulk_pair *c, const char *arena) {
    if (a->hash != c->hash) return a->hash < c->hash;
    int r = strcmp(arena + a->key, arena + c->key);
    if (r) return r < 0;
    return a->seq < c->seq;
}

/* An in-place sort of T[0..n) by LESS(a, b, ctx) (median of three, Hoare partition,
   the smaller side by recursion, insertion sort under 17): qsort would take a copy
   of the array as large again. Defines NAME for the bulk and the ref pairs. */
#define DEFINE_PAIR_SORT(NAME, T, CTX, LESS)                                                       \
    static void NAME(T *p, size_t n, CTX ctx) {                                                    \
        while (n > 16) {                                                                           \
            size_t m = n / 2;                                                                      \
            if (LESS(&p[m], &p[0], ctx)) {                                                         \
                T t = p[m];                                                                        \
                p[m] = p[0], p[0] = t;                                                             \
            }                                                                                      \
            if (LESS(&p[n - 1], &p[m], ctx)) {                                                     \
                T t = p[m];                                                                        \
                p[m] = p[n - 1], p[n - 1] = t;                                                     \
                if (LESS(&p[m], &p[0], ctx)) {                                                     \
                    t = p[m];                                                                      \
                    p[m] = p[0], p[0] = t;                                                         \
                }                                                                                  \
            }                                                                                      \
            T pivot = p[m];                                                                        \
            size_t i = 0, j = n - 1;                                                               \
            for (;;) {                                                                             \
                while (LESS(&p[i], &pivot, ctx))                                                   \
                    i++;                                                                           \
                while (LESS(&pivot, &p[j], ctx))                                                   \
                    j--;                                                                           \
                if (i >= j) break;                                                                 \
                T t = p[i];                                                                        \
                p[i] = p[j], p[j] = t;                                                             \
                i++, j--;                                                                          \
            }                                                                                      \
            size_t left = j + 1;                                                                   \
            if (left < n - left) {                                                                 \
                NAME(p, left, ctx);                                                                \
                p += left, n -= left;                                                              \
            } else {                                                                               \
                NAME(p + left, n - left, ctx);                                                     \
                n = left;                                                                          \
            }                                                                                      \
        }                                                                                          \
        for (size_t i = 1; i < n; i++) {                                                           \
            T t = p[i];                                                                            \
            size_t j = i;                                                                          \
            while (j && LESS(&t, &p[j - 1], ctx)) {                                                \
                p[j] = p[j - 1];                                                                   \
                j--;                                                                               \
            }                                                                                      \
            p[j] = t;                                                                              \
        }                                                                                          \
    }

DEFINE_PAIR_SORT(bulk_sort, bulk_pair, const char *, bulk_less)

/* the ref pairs in order of key hash, (with by_key) key, value, then ref: sorted without
   the keys first, then the runs of one hash that hold two keys (FNV's rare collisions)
   again with them (each key made again from its pair, two cache misses) */
typedef struct ref_sorter {
    em_smap_key_fn key;
    void *ctx;
    int by_key;
    char ka[EM_SMAP_KEY_MAX], kc[EM_SMAP_KEY_MAX];
} ref_sorter;

static int ref_less(const ref_pair *a, const ref_pair *c, ref_sorter *s) {
    if (a->hash != c->hash) return a->hash < c->hash;
    if (s->by_key && (a->value != c->value || a->ref != c->ref)) {
        s->key(s->ctx, a->value, a->ref, s->ka);
        s->key(s->ctx, c->value, c->ref, s->kc);
        int r = strcmp(s->ka, s->kc);
        if (r) return r < 0;
    }
    if (a->value != c->value) return a->value < c->value;
    return a->ref < c->ref;
}

DEFINE_PAIR_SORT(ref_sort, ref_pair, ref_sorter *, ref_less)

#define FOLD_PREFETCH 16

/* em_smap_builder_fold of ref pairs: the bulk pairs' folding, each key made once a list */
static void fold_refs(em_smap_builder *b, em_strpool *pool) {
    ref_pair *p = b->refs.items;
    size_t n = b->refs.len;
    ref_sorter *s = em_xmalloc(sizeof *s);
    s->key = b->key_fn, s->ctx = b->key_ctx, s->by_key = 0;
    ref_sort(p, n, s);
    for (size_t i = 0; i < n;) { /* a run of one hash with two keys: sorted by key too */
        size_t j = i + 1, k = i + 1;
        while (j < n && p[j].hash == p[i].hash)
            j++;
        if (j - i > 1) {
            s->key(s->ctx, p[i].value, p[i].ref, s->ka);
            while (k < j && (s->key(s->ctx, p[k].value, p[k].ref, s->kc), !strcmp(s->kc, s->ka)))
                k++;
            if (k < j) {
                s->by_key = 1;
                ref_sort(p + i, j - i, s);
                s->by_key = 0;
            }
        }
        i = j;
    }
    /* the same key: the same hash and the same string (one pair's key made, then each
       next pair's compared with it) */
#define SAME_KEY(j, i)                                                                             \
    (p[j].hash == p[i].hash &&                                                                     \
     ((p[j].value == p[i].value && p[j].ref == p[i].ref) ||                                        \
      (s->key(s->ctx, p[j].value, p[j].ref, s->kc), strcmp(s->kc, s->ka) == 0)))
    b->folded = em_xmalloc(n * sizeof *b->folded);
    size_t nv = 0, nl = 0;
    for (size_t i = 0; i < n;) { /* count the keys first: the lists in one allocation */
        size_t j = i + 1;
        s->key(s->ctx, p[i].value, p[i].ref, s->ka);
        while (j < n && SAME_KEY(j, i))
            j++;
        nl++;
        i = j;
    }
    b->flists = em_xmalloc((nl ? nl : 1) * sizeof *b->flists);
    b->nflists = 0;
    const ktab *pi = &pool->index;
    for (size_t i = 0; i < n;) {
        if (pi->cap && i + FOLD_PREFETCH < n)
            __builtin_prefetch(&pi->slots[ktab_home(p[i + FOLD_PREFETCH].hash, pi->cap)]);
        s->key(s->ctx, p[i].value, p[i].ref, s->ka);
        size_t j = i, first = nv;
        for (; j < n && (j == i || SAME_KEY(j, i)); j++)
            if (nv == first || b->folded[nv - 1] != p[j].value) b->folded[nv++] = p[j].value;
        uint32_t *l = b->flists[b->nflists++];
        l[0] = strpool_append_h(pool, s->ka, p[i].hash);
        l[1] = p[i].hash;
        l[2] = (uint32_t)first;
        l[3] = (uint32_t)(nv - first);
        i = j;
    }
#undef SAME_KEY
    free(s);
    em_vec_free(b->refs);
}

void em_smap_builder_fold(em_smap_builder *b, em_strpool *pool) {
    if (b->refs.len) {
        fold_refs(b, pool);
        return;
    }
    if (!b->bulk.len) return;
    bulk_pair *p = b->bulk.items;
    size_t n = b->bulk.len;
    bulk_sort(p, n, b->arena.data);
    b->folded = em_xmalloc(n * sizeof *b->folded);
    size_t nv = 0, nl = 0;
    for (size_t i = 0; i < n;) { /* count the keys first: the lists in one allocation */
        size_t j = i + 1;
        while (j < n && p[j].hash == p[i].hash &&
               strcmp(b->arena.data + p[j].key, b->arena.data + p[i].key) == 0)
            j++;
        nl++;
        i = j;
    }
    b->flists = em_xmalloc((nl ? nl : 1) * sizeof *b->flists);
    b->nflists = 0;
    /* each key is looked up in the pool's index (a table of millions of slots, one cache
       miss a key): the slot of a key some pairs ahead is fetched while this one is done */
    const ktab *pi = &pool->index;
    for (size_t i = 0; i < n;) {
        if (pi->cap && i + FOLD_PREFETCH < n)
            __builtin_prefetch(&pi->slots[ktab_home(p[i + FOLD_PREFETCH].hash, pi->cap)]);
        const char *key = b->arena.data + p[i].key;
        size_t j = i, first = nv;
        for (; j < n && p[j].hash == p[i].hash && strcmp(b->arena.data + p[j].key, key) == 0; j++)
            if (nv == first || b->folded[nv - 1] != p[j].value) b->folded[nv++] = p[j].value;
        uint32_t *l = b->flists[b->nflists++];
        l[0] = strpool_append_h(pool, key, p[i].hash);
        l[1] = p[i].hash;
        l[2] = (uint32_t)first;
        l[3] = (uint32_t)(nv - first);
        i = j;
    }
    em_buf_free(&b->arena);
    em_vec_free(b->bulk);
}

const uint32_t *em_smap_builder_find(const em_smap_builder *b, const char *key, uint32_t *count) {
    *count = 0;
    if (!b->index.cap) return NULL;
    size_t j = ktab_probe(&b->index, em_hash_str(key), key, b->pool->data.data, b->key_offs);
    uint64_t s = b->index.slots[j];
    if (!s) return NULL;
    const smap_list *l = &b->lists.items[(uint32_t)s - 1];
    *count = (uint32_t)l->values.len;
    return l->values.items;
}

size_t em_smap_builder_keys(const em_smap_builder *b) {
    return b->lists.len + b->nflists;
}

/* key, first value, count and hash of list i: the indexed lists, then the folded ones */
static void list_entry(const em_smap_builder *b, size_t i, uint32_t first, uint32_t e[4]) {
    if (i < b->lists.len) {
        const smap_list *l = &b->lists.items[i];
        e[0] = l->key_off, e[1] = first, e[2] = (uint32_t)l->values.len, e[3] = l->hash;
    } else {
        const uint32_t *l = b->flists[i - b->lists.len];
        e[0] = l[0], e[1] = first, e[2] = l[3], e[3] = l[1];
    }
}

/* out in chunks of up to 64 KiB */
typedef struct chunked {
    void (*write)(void *, const void *, size_t);
    void *ctx;
    uint32_t buf[16384];
    size_t n;
} chunked;

static void chunk_flush(chunked *c) {
    if (c->n) c->write(c->ctx, c->buf, c->n * sizeof *c->buf);
    c->n = 0;
}

static void chunk_put(chunked *c, const uint32_t *v, size_t n) {
    if (n > 1024) { /* a long run: as it is */
        chunk_flush(c);
        c->write(c->ctx, v, n * sizeof *v);
        return;
    }
    if (c->n + n > sizeof c->buf / sizeof *c->buf) chunk_flush(c);
    memcpy(c->buf + c->n, v, n * sizeof *v);
    c->n += n;
}

void em_smap_write(const em_smap_builder *b, void (*write)(void *, const void *, size_t),
                   void *ctx) {
    size_t nl = b->lists.len + b->nflists;
    uint32_t n = (uint32_t)nl, cap = 16;
    while (cap < n * 2)
        cap *= 2;
    chunked *c = em_xmalloc(sizeof *c);
    c->write = write, c->ctx = ctx, c->n = 0;
    uint32_t hdr[2] = {n, cap};
    chunk_put(c, hdr, 2);
    uint32_t first = 0, e[4];
    for (size_t i = 0; i < nl; i++) {
        list_entry(b, i, first, e);
        chunk_put(c, e, 4);
        first += e[2];
    }
    uint32_t *table = em_xcalloc(cap, sizeof *table);
    uint32_t mask = slot_mask(n);
    for (size_t i = 0; i < nl; i++) {
        list_entry(b, i, 0, e);
        uint32_t j = e[3] & (cap - 1);
        while (table[j])
            j = (j + 1) & (cap - 1);
        table[j] = slot_fp(e[3], mask) | (uint32_t)(i + 1);
    }
    chunk_put(c, table, cap);
    free(table);
    for (size_t i = 0; i < b->lists.len; i++) {
        const smap_list *l = &b->lists.items[i];
        if (l->values.len) chunk_put(c, l->values.items, l->values.len);
    }
    if (b->nflists) { /* the folded values are one array, in list order */
        const uint32_t *last = b->flists[b->nflists - 1];
        chunk_put(c, b->folded, (size_t)last[2] + last[3]);
    }
    chunk_flush(c);
    free(c);
}

static void buf_write(void *ctx, const void *p, size_t n) {
    em_buf_add(ctx, p, n);
}

void em_smap_serialize(const em_smap_builder *b, em_buf *out) {
    em_smap_write(b, buf_write, out);
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
    m->slot_mask = slot_mask(m->n);
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
    uint32_t odd = pairs ? 1 : 0, tmax = 0, vmax = 0, smax = 0, smask = slot_mask((uint32_t)n);
    for (uint64_t i = 0; i < n; i++) {
        const uint32_t *e = entries + i * 4;
        bad |= (uint64_t)(e[0] >= strings_len) | ((uint64_t)e[1] ^ next) | (e[2] & odd);
        next += e[2];
    }
    for (uint64_t j = 0; j < slots; j++) {
        uint32_t e = table[j] & smask;
        tmax = e > tmax ? e : tmax;
        used += e != 0;
        bad |= (uint64_t)((table[j] != 0) & (e == 0)); /* a fingerprint without an entry */
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
        uint32_t e = table[j] & smask;
        if (e > n)
            BAD("slot %llu points past the %llu keys", (unsigned long long)j,
                (unsigned long long)n);
        if (table[j] && !e) BAD("slot %llu has a fingerprint and no entry", (unsigned long long)j);
        used += e != 0;
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

void em_smap_prefetch(const em_smap *m, const char *key) {
    if (m->cap) __builtin_prefetch(&m->table[em_hash_str(key) & (m->cap - 1)]);
}

const uint32_t *em_smap_get(const em_smap *m, const char *key, uint32_t *count) {
    *count = 0;
    if (!m->cap) return NULL;
    uint32_t h = em_hash_str(key);
    uint32_t j = h & (m->cap - 1), fp = slot_fp(h, m->slot_mask);
    for (;;) {
        uint32_t slot = m->table[j];
        if (!slot) return NULL;
        if ((slot & ~m->slot_mask) != fp) {
            j = (j + 1) & (m->cap - 1);
            continue;
        }
        const uint32_t *e = m->entries + (size_t)((slot & m->slot_mask) - 1) * 4;
        if (e[3] == h && strcmp(m->strings + e[0], key) == 0) {
            *count = e[2];
            return m->values + e[1];
        }
        j = (j + 1) & (m->cap - 1);
    }
}
