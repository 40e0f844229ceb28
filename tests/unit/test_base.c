/*
 * test_base.c - the containers of src/base: the hash map (hmap.h: growth,
 * lookups, overwrites, misses, iteration, colliding keys, byte keys,
 * removal), the growable vector (vec.h) and the vectors built on it.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/vec.h"

/* the slot of a hash in a table of n slots, as hmap.c computes it */
static size_t home(uint64_t h, size_t n) {
    return (size_t)(h ^ (h >> 32)) & (n - 1);
}

static void test_hash_vectors(void **state) {
    (void)state;
    /* FNV-1a 64 reference values */
    assert_true(em_hash_bytes("", 0) == 0xcbf29ce484222325ULL);
    assert_true(em_hash_bytes("a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(em_hash_bytes("foobar", 6) == 0x85944171f73967e8ULL);
}

static void test_map_many(void **state) {
    (void)state;
    em_hmap m = {0};
    assert_int_equal(em_hmap_len(&m), 0);
    assert_null(em_hmap_finds(&m, "x"));
    assert_null(em_hmap_get(&m, "x"));
    assert_null(em_hmap_get(&m, NULL));
    enum { N = 100000 };
    char key[32];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        int added = -1;
        em_hmap_entry *e = em_hmap_inserts(&m, key, &added);
        assert_int_equal(added, 1);
        assert_string_equal(e->key, key);
        assert_int_equal(e->klen, strlen(key));
        assert_true(e->val.u64 == 0); /* a new entry's value is zero */
        e->val.u64 = (uint64_t)i * 3;
        /* the index stays a power of two at most half full */
        assert_true(m.nslots >= 2 * em_hmap_len(&m));
        assert_int_equal(m.nslots & (m.nslots - 1), 0);
    }
    assert_int_equal(em_hmap_len(&m), N);
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        em_hmap_entry *e = em_hmap_finds(&m, key);
        assert_non_null(e);
        assert_true(e->val.u64 == (uint64_t)i * 3);
        /* inserting again finds the same entry */
        int added = -1;
        assert_ptr_equal(em_hmap_inserts(&m, key, &added), e);
        assert_int_equal(added, 0);
    }
    /* misses: absent keys, prefixes and extensions of present ones */
    assert_null(em_hmap_finds(&m, "key-100000"));
    assert_null(em_hmap_finds(&m, "key-"));
    assert_null(em_hmap_finds(&m, "key-1x"));
    assert_null(em_hmap_finds(&m, ""));
    assert_non_null(em_hmap_find(&m, "key-12xyz", 6)); /* "key-12" */
    assert_null(em_hmap_find(&m, "key-12xyz", 7));
    assert_int_equal(em_hmap_len(&m), N);
    em_hmap_free(&m, NULL);
    assert_int_equal(em_hmap_len(&m), 0);
    assert_null(em_hmap_finds(&m, "key-1"));
}

static void test_map_length_bounded(void **state) {
    (void)state;
    em_hmap m = {0};
    em_hmap_inserts(&m, "abc", NULL);
    /* a lookup by pointer and length, the key not NUL-terminated there */
    assert_non_null(em_hmap_find(&m, "abcdef", 3));
    assert_null(em_hmap_find(&m, "abcdef", 2));
    assert_null(em_hmap_find(&m, "abcdef", 4));
    em_hmap_free(&m, NULL);
}

static void test_map_overwrite(void **state) {
    (void)state;
    em_hmap m = {0};
    char *a = em_xstrdup("first"), *b = em_xstrdup("second");
    assert_null(em_hmap_put(&m, "k", a));
    assert_ptr_equal(em_hmap_get(&m, "k"), a);
    assert_ptr_equal(em_hmap_put(&m, "k", b), a); /* the previous value comes back */
    free(a);
    assert_ptr_equal(em_hmap_get(&m, "k"), b);
    assert_int_equal(em_hmap_len(&m), 1);
    assert_null(em_hmap_put(&m, "other", em_xstrdup("third")));
    assert_int_equal(em_hmap_len(&m), 2);
    em_hmap_free(&m, free); /* frees the values too: no leak under ASan */
}

static void test_map_iteration(void **state) {
    (void)state;
    em_hmap m = {0};
    enum { N = 5000 };
    char key[32];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "%d", i * 7919);
        em_hmap_inserts(&m, key, NULL)->val.u64 = (uint64_t)i;
    }
    /* every entry once, in insertion order */
    assert_int_equal(em_hmap_len(&m), N);
    unsigned char *seen = calloc(N, 1);
    for (size_t i = 0; i < em_hmap_len(&m); i++) {
        const em_hmap_entry *e = em_hmap_at(&m, i);
        assert_true(e->val.u64 == i);
        snprintf(key, sizeof key, "%d", (int)i * 7919);
        assert_string_equal(e->key, key);
        assert_int_equal(seen[e->val.u64], 0);
        seen[e->val.u64] = 1;
    }
    free(seen);
    em_hmap_free(&m, NULL);
}

/* n keys "c<i>" whose slots collide in a table of nslots */
static int colliding_keys(char keys[][16], int n, size_t nslots) {
    int found = 0;
    size_t want = (size_t)-1;
    for (int i = 0; found < n && i < 1000000; i++) {
        char k[16];
        snprintf(k, sizeof k, "c%d", i);
        size_t s = home(em_hash_bytes(k, strlen(k)), nslots);
        if (want == (size_t)-1) want = s;
        if (s == want) memcpy(keys[found++], k, sizeof k);
    }
    return found;
}

static void test_map_collisions(void **state) {
    (void)state;
    /* 8 keys of one slot in the first table (16 slots, 8 entries before it
       grows): one probe run of 8 */
    char keys[8][16];
    assert_int_equal(colliding_keys(keys, 8, 16), 8);
    em_hmap m = {0};
    for (int i = 0; i < 8; i++)
        em_hmap_inserts(&m, keys[i], NULL)->val.u64 = (uint64_t)i + 1;
    assert_int_equal(m.nslots, 16);
    for (int i = 0; i < 8; i++)
        assert_true(em_hmap_finds(&m, keys[i])->val.u64 == (uint64_t)i + 1);
    /* removing from the middle of the run keeps the rest reachable */
    em_hmap_val old;
    assert_int_equal(em_hmap_remove(&m, keys[3], strlen(keys[3]), &old), 1);
    assert_true(old.u64 == 4);
    assert_int_equal(em_hmap_remove(&m, keys[3], strlen(keys[3]), NULL), 0);
    assert_null(em_hmap_finds(&m, keys[3]));
    for (int i = 0; i < 8; i++)
        if (i != 3) assert_true(em_hmap_finds(&m, keys[i])->val.u64 == (uint64_t)i + 1);
    assert_int_equal(em_hmap_len(&m), 7);
    /* keys sharing a prefix, and the weakness of FNV's low bits: keys that
       differ only in a high bit of the last byte */
    const char *similar[] = {"a", "q", "aa", "aq", "qa", "aaa", "a\x81", "a\x01"};
    for (size_t i = 0; i < sizeof similar / sizeof *similar; i++)
        em_hmap_inserts(&m, similar[i], NULL)->val.u64 = 100 + i;
    for (size_t i = 0; i < sizeof similar / sizeof *similar; i++)
        assert_true(em_hmap_finds(&m, similar[i])->val.u64 == 100 + i);
    em_hmap_free(&m, NULL);
}

static void test_map_byte_keys(void **state) {
    (void)state;
    em_hmap m = {0};
    /* keys with NUL bytes inside, and the empty key */
    em_hmap_insert(&m, "a\0b", 3, NULL)->val.u64 = 1;
    em_hmap_insert(&m, "a\0c", 3, NULL)->val.u64 = 2;
    em_hmap_insert(&m, "a", 1, NULL)->val.u64 = 3;
    em_hmap_insert(&m, "", 0, NULL)->val.u64 = 4;
    assert_int_equal(em_hmap_len(&m), 4);
    assert_true(em_hmap_find(&m, "a\0b", 3)->val.u64 == 1);
    assert_true(em_hmap_find(&m, "a\0c", 3)->val.u64 == 2);
    assert_true(em_hmap_finds(&m, "a")->val.u64 == 3);
    assert_true(em_hmap_finds(&m, "")->val.u64 == 4);
    assert_null(em_hmap_find(&m, "a\0d", 3));
    /* a key of a string and a number, as the server's cache uses */
    uint64_t v = 12;
    char k[32] = "ofac-1";
    memcpy(k + 7, &v, sizeof v);
    em_hmap_insert(&m, k, 7 + sizeof v, NULL)->val.u64 = 5;
    v = 13;
    memcpy(k + 7, &v, sizeof v);
    assert_null(em_hmap_find(&m, k, 7 + sizeof v));
    em_hmap_free(&m, NULL);
}

static void test_map_remove_all(void **state) {
    (void)state;
    em_hmap m = {0};
    enum { N = 20000 };
    char key[32];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "r%d", i);
        em_hmap_inserts(&m, key, NULL)->val.u64 = (uint64_t)i;
    }
    /* remove the even ones, check the odd ones, then put the even back */
    for (int i = 0; i < N; i += 2) {
        snprintf(key, sizeof key, "r%d", i);
        em_hmap_val old;
        assert_int_equal(em_hmap_remove(&m, key, strlen(key), &old), 1);
        assert_true(old.u64 == (uint64_t)i);
    }
    assert_int_equal(em_hmap_len(&m), N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "r%d", i);
        em_hmap_entry *e = em_hmap_finds(&m, key);
        if (i % 2) {
            assert_non_null(e);
            assert_true(e->val.u64 == (uint64_t)i);
        } else {
            assert_null(e);
        }
    }
    for (size_t i = 0; i < em_hmap_len(&m); i++) /* iteration sees exactly the odd ones */
        assert_true(em_hmap_at(&m, i)->val.u64 % 2 == 1);
    for (int i = 0; i < N; i += 2) {
        snprintf(key, sizeof key, "r%d", i);
        int added;
        em_hmap_inserts(&m, key, &added)->val.u64 = (uint64_t)i;
        assert_int_equal(added, 1);
    }
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "r%d", i);
        assert_true(em_hmap_finds(&m, key)->val.u64 == (uint64_t)i);
    }
    for (int i = N - 1; i >= 0; i--) {
        snprintf(key, sizeof key, "r%d", i);
        assert_int_equal(em_hmap_remove(&m, key, strlen(key), NULL), 1);
    }
    assert_int_equal(em_hmap_len(&m), 0);
    assert_null(em_hmap_finds(&m, "r1"));
    em_hmap_free(&m, NULL);
}

/* random inserts and removals against a plain array of what should be there */
static void test_map_random(void **state) {
    (void)state;
    enum { KEYS = 600, OPS = 200000 };
    int present[KEYS] = {0};
    em_hmap m = {0};
    uint64_t r = 88172645463325252ULL; /* xorshift64 */
    char key[32];
    for (int op = 0; op < OPS; op++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        int k = (int)(r % KEYS), rm = (int)((r >> 20) % 3) == 0;
        snprintf(key, sizeof key, "k%d", k);
        if (rm) {
            assert_int_equal(em_hmap_remove(&m, key, strlen(key), NULL), present[k]);
            present[k] = 0;
        } else {
            int added;
            em_hmap_inserts(&m, key, &added)->val.u64 = (uint64_t)k;
            assert_int_equal(added, !present[k]);
            present[k] = 1;
        }
    }
    size_t n = 0;
    for (int k = 0; k < KEYS; k++) {
        snprintf(key, sizeof key, "k%d", k);
        em_hmap_entry *e = em_hmap_finds(&m, key);
        assert_int_equal(e != NULL, present[k]);
        if (e) assert_true(e->val.u64 == (uint64_t)k);
        n += (size_t)present[k];
    }
    assert_int_equal(em_hmap_len(&m), n);
    em_hmap_free(&m, NULL);
}

typedef struct point {
    int x, y;
} point;

static void test_vec(void **state) {
    (void)state;
    EM_VEC(int) v = {0};
    for (int i = 0; i < 10000; i++) {
        em_vec_push(v, i * 2);
        /* geometric: a power of two from 32 bytes (8 ints), never below len */
        assert_true(v.cap >= v.len && v.cap >= 8);
        assert_int_equal(v.cap & (v.cap - 1), 0);
    }
    assert_int_equal(v.len, 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(v.items[i], i * 2);
    assert_int_equal(em_vec_last(v), 19998);
    em_vec_free(v);
    assert_null(v.items);
    /* large items start at EM_VEC_MIN_CAP */
    EM_VEC(em_name) names = {0};
    em_vec_add(names);
    assert_int_equal(names.cap, EM_VEC_MIN_CAP);
    em_vec_free(names);
    assert_int_equal(v.len, 0);
    assert_int_equal(v.cap, 0);

    /* reserve: one allocation for what is announced, appends within it keep the array */
    EM_VEC(point) p = {0};
    em_vec_reserve(p, 100);
    assert_true(p.cap >= 100);
    assert_int_equal(p.len, 0);
    point *first = p.items;
    for (int i = 0; i < 100; i++) {
        point *q = em_vec_add(p);
        assert_int_equal(q->x, 0); /* zero-filled */
        assert_int_equal(q->y, 0);
        q->x = i;
        q->y = -i;
    }
    assert_ptr_equal(p.items, first);
    assert_int_equal(p.len, 100);
    assert_int_equal(p.items[99].y, -99);
    em_vec_reserve(p, 0); /* no-op */
    assert_ptr_equal(p.items, first);
    em_vec_free(p);

    /* a named struct with the same members works too */
    em_strvec s;
    em_strvec_init(&s);
    for (int i = 0; i < 100; i++) {
        char w[16];
        snprintf(w, sizeof w, "w%d", i);
        em_strvec_push(&s, w);
    }
    assert_int_equal(s.len, 100);
    assert_string_equal(s.items[42], "w42");
    assert_true(em_strvec_contains(&s, "w99"));
    em_strvec_free(&s);

    /* the byte buffer grows by the same policy */
    em_buf b;
    em_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        em_buf_addc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 1000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[1000], '\0');
    assert_int_equal(b.data[27], 'b');
    em_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_vectors),       cmocka_unit_test(test_map_many),
        cmocka_unit_test(test_map_length_bounded), cmocka_unit_test(test_map_overwrite),
        cmocka_unit_test(test_map_iteration),      cmocka_unit_test(test_map_collisions),
        cmocka_unit_test(test_map_byte_keys),      cmocka_unit_test(test_map_remove_all),
        cmocka_unit_test(test_map_random),         cmocka_unit_test(test_vec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
