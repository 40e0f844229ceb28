/*
 * test_server_fuzz.c - the /match and /search request handling, called
 * without sockets on a server over the bundled lists: valid yente requests
 * give the expected results, and thousands of random and mutated bodies and
 * query strings (seeded PRNG: truncation, byte flips, wrong types, deep
 * nesting, huge numbers, invalid UTF-8, odd parameters) each get a 2xx or
 * 4xx answer that is a JSON object - and nothing crashes (ASan/UBSan).
 * EMBARGO_FUZZ_ITERATIONS overrides the number of mutated requests.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"
#include "testutil.h"

static em_server *srv;
static char *home;

static int setup(void **state) {
    (void)state;
    home = tmpdir_new("server_fuzz");
    em_server_options o = {0};
    o.home = home;
    o.no_access_log = 1;
    o.no_env_keys = 1;
    em_error err = {0};
    if (srv_create(&srv, &o, &err) != 0) fail_msg("server: %s", err.message);
    if (!em_server_ready(srv)) fail_msg("no matcher loaded: %s", srv->load_error);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_server_stop(srv);
    free(home);
    return 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t pick(size_t n) {
    return n ? (size_t)(next() % n) : 0;
}

/* the answer must be a JSON object; 4xx ones {status, error, detail} */
static json_t *check_answer(int status, const char *body, const char *what) {
    if (!((status >= 200 && status < 300) || (status >= 400 && status < 500)))
        fail_msg("status %d for %s", status, what);
    if (!body) fail_msg("no body for %s", what);
    json_error_t e;
    json_t *j = json_loads(body, 0, &e);
    if (!j || !json_is_object(j))
        fail_msg("answer to %s is not a JSON object (%s): %.300s", what, e.text, body);
    if (status >= 400) {
        if (json_integer_value(json_object_get(j, "status")) != status ||
            !json_is_string(json_object_get(j, "error")) ||
            !(json_is_string(json_object_get(j, "detail")) ||
              (status == 422 && json_is_array(json_object_get(j, "detail"))))) /* yente's */
            fail_msg("error answer to %s lacks status/error/detail: %.300s", what, body);
    } else if (!json_is_object(json_object_get(j, "responses")) &&
               !json_is_array(json_object_get(j, "results"))) {
        fail_msg("2xx answer to %s lacks responses/results: %.300s", what, body);
    }
    return j;
}

static json_t *match(const char *dataset, const char *qs, const char *body, size_t len,
                     int *status) {
    char *out = NULL;
    em_server_handle_match(srv, dataset, qs, body, len, status, &out);
    json_t *j = check_answer(*status, out, body ? body : "(null)");
    free(out);
    return j;
}

static const char *first_id(json_t *j, const char *q) {
    json_t *r = json_object_get(json_object_get(json_object_get(j, "responses"), q), "results");
    return json_string_value(json_object_get(json_array_get(r, 0), "id"));
}

static void test_valid_requests(void **state) {
    (void)state;
    int st;
    const char *b = "{\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\": {\"name\": "
                    "[\"Esmail Khatib\"], \"birthDate\": [\"1960\"]}}, \"q2\": {\"schema\": "
                    "\"Vessel\", \"properties\": {\"imoNumber\": \"9187629\"}}}}";
    json_t *j = match("default", "", b, strlen(b), &st);
    assert_int_equal(st, 200);
    assert_string_equal(first_id(j, "q1"), "ofac-39017");
    assert_string_equal(first_id(j, "q2"), "ofac-15036");
    json_t *r0 = json_array_get(
        json_object_get(json_object_get(json_object_get(j, "responses"), "q1"), "results"), 0);
    assert_true(json_is_true(json_object_get(r0, "match")));
    assert_true(json_is_object(json_object_get(r0, "explanation")));
    assert_true(json_is_object(json_object_get(r0, "features")));
    assert_true(json_is_array(json_object_get(json_object_get(r0, "properties"), "program")));
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 5);
    json_decref(j);

    j = match("un_sc", "limit=2", b, strlen(b), &st);
    assert_int_equal(st, 200);
    assert_null(first_id(j, "q1")); /* Khatib is not on the UN list */
    json_decref(j);

    j = match("nope", "", b, strlen(b), &st);
    assert_int_equal(st, 404);
    json_decref(j);

    /* exactly 100 queries pass, 101 do not */
    for (int n = 100; n <= 101; n++) {
        em_buf q;
        em_buf_init(&q);
        em_buf_adds(&q, "{\"queries\": {");
        for (int i = 0; i < n; i++)
            em_buf_printf(
                &q,
                "%s\"q%d\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Name %d\"]}}",
                i ? "," : "", i, i);
        em_buf_adds(&q, "}}");
        j = match("default", NULL, q.data, q.len, &st);
        assert_int_equal(st, n == 100 ? 200 : 413);
        json_decref(j);
        em_buf_free(&q);
    }
}

static void test_search_handler(void **state) {
    (void)state;
    const char *cases[] = {"q=Esmail+Khatib",
                           "q=Esmail%20Khatib&schema=Person&dob=1960&country=Iran&limit=3",
                           "q=",
                           "",
                           "q=%FF%FE",
                           "q=x&limit=0",
                           "q=x&limit=99999999999999999999",
                           "q=x&threshold=NaN",
                           "q=x&threshold=1e400",
                           "q=x&schema=Dragon",
                           "id=9187629",
                           "q=Khatib&include_dataset=un_sc&exclude_dataset=ofac_sdn"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        srv_params p = {0};
        srv_params_parse(&p, cases[i]);
        srv_response r = {0};
        srv_handle_search(srv, i == 11 ? "default" : NULL, &p, &r);
        json_t *j = check_answer(r.status, r.body, cases[i]);
        if (i == 0) {
            assert_int_equal(r.status, 200);
            assert_string_equal(json_string_value(json_object_get(
                                    json_array_get(json_object_get(j, "results"), 0), "id")),
                                "ofac-39017");
        }
        json_decref(j);
        srv_response_free(&r);
        srv_params_free(&p);
    }
}

/* ---- the fuzzer ---------------------------------------------------------------- */

static const char *const SEEDS[] = {
    "{\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Esmail "
    "Khatib\"], \"birthDate\": [\"1960\"], \"nationality\": [\"ir\"]}}}}",
    "{\"queries\": {\"a\": {\"schema\": \"Company\", \"properties\": {\"name\": [\"Islamic "
    "Revolutionary Guard Corps\"], \"country\": [\"Iran\"], \"registrationNumber\": [\"123\"]}}, "
    "\"b\": {\"schema\": \"Vessel\", \"properties\": {\"name\": [\"Ocean Trader\"], "
    "\"imoNumber\": [\"9187629\"]}}}}",
    "{\"queries\": {\"w\": {\"schema\": \"Thing\", \"properties\": {\"publicKey\": "
    "[\"12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h\"], \"email\": [\"x@example.org\"]}}}}",
    "{\"queries\": {\"p\": {\"schema\": \"Person\", \"properties\": {\"firstName\": [\"Ayman\"], "
    "\"lastName\": [\"al-Zawahiri\"], \"gender\": [\"male\"], \"passportNumber\": [\"1084010\"], "
    "\"alias\": [\"\xd8\xa3\xd9\x8a\xd9\x85\xd9\x86 "
    "\xd8\xa7\xd9\x84\xd8\xb8\xd9\x88\xd8\xa7\xd9\x87"
    "\xd8\xb1\xd9\x8a\"]}}}}",
};

static const char *const SNIPPETS[] = {
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e999999",
    "123456789012345678901234567890",
    "-0.0e-400",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[null]",
    "[1,2]",
    "[\"a\",{}]",
    "{\"a\":[]}",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\xff\xfe\"",
    "\"\xc3\"",
    "\"\xed\xa0\x80\"",
    "\"Esmail\\nKhatib\"",
    "[\"\"]",
    "{\"queries\":{}}",
    "{\"name\":\"x\"}",
    "\"Person\"",
    "\"Dragon\"",
    "[\"1960-13-45\"]",
    "[\"99999\"]",
    "[\"x;y;z\"]",
};

static const char *const QUERY_STRINGS[] = {
    "",
    "limit=1",
    "limit=500&threshold=0&cutoff=0",
    "threshold=1&cutoff=1",
    "threshold=-1",
    "threshold=0.5&limit=abc",
    "limit=1e3",
    "include_dataset=un_sc&include_dataset=ofac_sdn",
    "exclude_dataset=ofac_sdn,un_sc",
    "exclude_entity_ids=ofac-39017&algorithm=logic-v1",
    "%ff=%fe",
    "threshold=%00",
    "limit=%2B5",
    "&&&=&==",
};

static const char *const DATASETS[] = {"default",   "ofac_sdn", "un_sc", "ofac_cons",
                                       "sanctions", "nope",     "",      "\xff\xfe"};

static void mutate(em_buf *b) {
    size_t n = b->len;
    switch (pick(9)) {
    case 0: /* truncate */
        b->len = pick(n + 1);
        break;
    case 1: /* flip bytes */
        for (size_t k = 1 + pick(8); k > 0 && n; k--)
            b->data[pick(n)] ^= (char)(1u << pick(8));
        break;
    case 2: /* random bytes */
        for (size_t k = 1 + pick(8); k > 0 && n; k--)
            b->data[pick(n)] = (char)pick(256);
        break;
    case 3:   /* replace a value (after a ':' or '[') with a snippet */
    case 4: { /* insert a snippet anywhere */
        const char *s = SNIPPETS[pick(sizeof SNIPPETS / sizeof *SNIPPETS)];
        size_t at = pick(n + 1), cut = 0;
        if (pick(9) < 4) {
            for (size_t i = at; i < n; i++)
                if (b->data[i] == ':' || b->data[i] == '[') {
                    at = i + 1;
                    while (at + cut < n && !strchr(",}]", b->data[at + cut]))
                        cut++;
                    break;
                }
        }
        em_buf t;
        em_buf_init(&t);
        em_buf_add(&t, b->data, at);
        em_buf_adds(&t, s);
        em_buf_add(&t, b->data + at + cut, n - at - cut);
        em_buf_reset(b);
        em_buf_add(b, t.data, t.len);
        em_buf_free(&t);
        break;
    }
    case 5: { /* deep nesting */
        size_t depth = 1 + pick(5000);
        em_buf_reset(b);
        em_buf_adds(b,
                    "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": ");
        for (size_t i = 0; i < depth; i++)
            em_buf_addc(b, pick(2) ? '[' : '{');
        break;
    }
    case 6: { /* a long name */
        size_t len = 1 + pick(6000);
        em_buf_reset(b);
        em_buf_adds(b, "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": "
                       "[\"");
        for (size_t i = 0; i < len; i++)
            em_buf_addc(b, "ab khatib-esmail "[pick(17)]);
        em_buf_adds(b, "\"]}}}}");
        break;
    }
    case 7: { /* duplicate the body (trailing garbage) */
        char *copy = em_xstrndup(b->data, n);
        em_buf_add(b, copy, n);
        free(copy);
        break;
    }
    default: { /* invalid UTF-8 inside a string */
        static const char *const bad[] = {"\xff",         "\xc3(",   "\xe2\x82", "\xf0\x28\x8c\xbc",
                                          "\xed\xb0\x80", "\xc0\x80"};
        const char *s = bad[pick(6)];
        for (size_t i = pick(n); i < n; i++)
            if (b->data[i] == '"' && i + 1 < n) {
                em_buf t;
                em_buf_init(&t);
                em_buf_add(&t, b->data, i + 1);
                em_buf_adds(&t, s);
                em_buf_add(&t, b->data + i + 1, n - i - 1);
                em_buf_reset(b);
                em_buf_add(b, t.data, t.len);
                em_buf_free(&t);
                break;
            }
    }
    }
}

static void test_fuzz(void **state) {
    (void)state;
    long iterations = 10000;
    const char *env = getenv("EMBARGO_FUZZ_ITERATIONS");
    if (env) iterations = atol(env);
    size_t counts[6] = {0};
    for (long it = 0; it < iterations; it++) {
        em_buf b;
        em_buf_init(&b);
        em_buf_adds(&b, SEEDS[pick(sizeof SEEDS / sizeof *SEEDS)]);
        for (size_t k = pick(3) + (it % 7 != 0); k > 0; k--)
            mutate(&b);
        const char *qs = QUERY_STRINGS[pick(sizeof QUERY_STRINGS / sizeof *QUERY_STRINGS)];
        const char *ds = DATASETS[pick(sizeof DATASETS / sizeof *DATASETS)];
        char *out = NULL;
        int st = 0;
        /* the body is not NUL-terminated on purpose: only len bytes may be read */
        char *body = b.len ? em_xmalloc(b.len) : NULL;
        if (b.len) memcpy(body, b.data, b.len);
        em_server_handle_match(srv, ds, qs, body, b.len, &st, &out);
        char what[160];
        snprintf(what, sizeof what, "iteration %ld (%zu bytes, dataset %.20s, ?%.60s)", it, b.len,
                 ds, qs);
        json_decref(check_answer(st, out, what));
        counts[st / 100]++;
        free(out);
        free(body);
        em_buf_free(&b);
    }
    printf("fuzz: %ld requests, %zu 2xx, %zu 4xx\n", iterations, counts[2], counts[4]);
    assert_true(counts[2] > 0);
    assert_true(counts[4] > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_requests),
        cmocka_unit_test(test_search_handler),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
