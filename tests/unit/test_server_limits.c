/*
 * test_server_limits.c - the HTTP server's limits and refusals, without
 * sockets (tests/e2e/serve_limits.sh does them over HTTP): request-target
 * length and parameter count (414), %00 in the path or a parameter (400),
 * numbers in parameters as plain decimals only (400), the /match size limits
 * (queries, names per query, name length, names per request: 413/422 with
 * how to split), the default and configured limits, the list versions every
 * screening response names, and the 503 of a home without active lists.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"
#include "testutil.h"

static em_server *srv;
static char *home;

static int setup(void **state) {
    (void)state;
    home = tmpdir_new("server_limits");
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

/* POST /match/{dataset}?qs; the answer parsed (never NULL), status in *st */
static json_t *match_on(em_server *s, const char *qs, const char *body, int *st) {
    char *out = NULL;
    em_server_handle_match(s, "default", qs, body, body ? strlen(body) : 0, st, &out);
    if (!out) fail_msg("no answer to ?%.80s", qs ? qs : "");
    json_error_t e;
    json_t *j = json_loads(out, 0, &e);
    if (!j) fail_msg("not JSON (%s): %.200s", e.text, out);
    free(out);
    return j;
}

static json_t *match(const char *qs, const char *body, int *st) {
    return match_on(srv, qs, body, st);
}

static const char *error_of(json_t *j) {
    return json_string_value(json_object_get(j, "error"));
}

static const char *detail_of(json_t *j) {
    const char *d = json_string_value(json_object_get(j, "detail"));
    return d ? d : "";
}

static const char *KHATIB =
    "{\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Esmail "
    "Khatib\"]}}}}";

/* ---- the request target ------------------------------------------------------------ */

static void test_target_check(void **state) {
    (void)state;
    srv_response r = {0};
    assert_int_equal(srv_check_target("/search?q=Esmail+Khatib&limit=5", 16384, 256, &r), 0);
    assert_int_equal(srv_check_target("/search?q=100%25", 16384, 256, &r), 0);
    assert_int_equal(srv_check_target("/search?q=%2500", 16384, 256, &r), 0); /* "%00" text */
    assert_int_equal(srv_check_target("/search?q=%0", 16384, 256, &r), 0);
    assert_int_equal(srv_check_target("/search?", 16384, 0, &r), 0);

    assert_int_equal(srv_check_target("/entities/ofac-39017%00.json", 16384, 256, &r), 400);
    assert_non_null(strstr(r.body, "\"nul_byte\""));
    assert_non_null(strstr(r.body, "path"));
    srv_response_free(&r);
    assert_int_equal(srv_check_target("/search?q=Esm%00ail", 16384, 256, &r), 400);
    assert_non_null(strstr(r.body, "query string"));
    srv_response_free(&r);

    /* 2,000 and 10,000 parameters, a 100 KB target */
    size_t counts[] = {257, 2000, 10000};
    for (size_t k = 0; k < 3; k++) {
        em_buf b;
        em_buf_init(&b);
        em_buf_adds(&b, "/search?q=x");
        for (size_t i = 1; i < counts[k]; i++)
            em_buf_adds(&b, "&a=1");
        assert_int_equal(srv_check_target(em_buf_cstr(&b), 1u << 20, 256, &r), 414);
        assert_non_null(strstr(r.body, "\"too_many_parameters\""));
        srv_response_free(&r);
        assert_int_equal(srv_check_target(em_buf_cstr(&b), 16384, 256, &r), 414);
        srv_response_free(&r);
        em_buf_free(&b);
    }
    char *big = em_xmalloc(100 * 1000 + 1);
    memset(big, 'a', 100 * 1000);
    memcpy(big, "/search?q=", 10);
    big[100 * 1000] = '\0';
    assert_int_equal(srv_check_target(big, 16384, 256, &r), 414);
    assert_non_null(strstr(r.body, "\"uri_too_long\""));
    assert_non_null(strstr(r.body, "16384"));
    srv_response_free(&r);
    free(big);
}

static void test_target_through_match(void **state) {
    (void)state;
    int st;
    json_t *j = match("threshold=0.5%00junk", KHATIB, &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_of(j), "nul_byte");
    json_decref(j);
    em_buf b;
    em_buf_init(&b);
    for (int i = 0; i < 2000; i++)
        em_buf_printf(&b, "%sexclude_entity_ids=x%d", i ? "&" : "", i);
    j = match(em_buf_cstr(&b), KHATIB, &st);
    assert_int_equal(st, 414);
    json_decref(j);
    em_buf_free(&b);
}

/* ---- numbers in parameters ------------------------------------------------------------ */

static void test_decimal_parameters(void **state) {
    (void)state;
    const char *bad[] = {"limit=0x10",
                         "limit=1e3",
                         "limit=%205",
                         "limit=5%20",
                         "limit=-1",
                         "limit=+5",
                         "limit=5.0",
                         "limit=",
                         "limit=501",
                         "limit=99999999999999999999",
                         "limit=18446744073709551621",
                         "threshold=0x0.8",
                         "threshold=7e-1",
                         "threshold=%200.7",
                         "threshold=-0",
                         "threshold=inf",
                         "threshold=nan",
                         "threshold=.",
                         "threshold=1.5",
                         "cutoff=0x1p-1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int st;
        json_t *j = match(bad[i], KHATIB, &st);
        if (st != 400) fail_msg("?%s: status %d, expected 400", bad[i], st);
        assert_string_equal(error_of(j), "invalid_parameter");
        assert_non_null(strstr(detail_of(j), "decimal"));
        json_decref(j);
    }
    const char *good[] = {"limit=1",     "limit=16",      "limit=500",
                          "limit=007",   "threshold=0.7", "threshold=.7",
                          "threshold=1", "threshold=0",   "cutoff=0.25"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        int st;
        json_t *j = match(good[i], KHATIB, &st);
        if (st != 200) fail_msg("?%s: status %d, expected 200: %s", good[i], st, detail_of(j));
        json_decref(j);
    }
    int st;
    json_t *j = match("limit=16", KHATIB, &st);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 16);
    json_decref(j);
}

/* ---- /match size limits ------------------------------------------------------------- */

/* n queries of k names each ("Name i j"), names of `len` bytes when len > 0 */
static char *body_of(int n, int k, size_t len) {
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b, "{\"queries\": {");
    for (int i = 0; i < n; i++) {
        em_buf_printf(&b, "%s\"q%d\": {\"schema\": \"Person\", \"properties\": {", i ? "," : "", i);
        /* split over name and alias: both count */
        for (int p = 0; p < 2; p++) {
            int from = p ? k / 2 : 0, to = p ? k : k / 2;
            if (from == to) continue;
            em_buf_printf(&b, "%s\"%s\": [", p && k / 2 ? ", " : "", p ? "alias" : "name");
            for (int x = from; x < to; x++) {
                em_buf_printf(&b, "%s\"", x > from ? "," : "");
                if (len) {
                    for (size_t c = 0; c < len; c++)
                        em_buf_addc(&b, (char)('a' + (c + (size_t)x) % 26));
                } else
                    em_buf_printf(&b, "Name %d %d", i, x);
                em_buf_addc(&b, '"');
            }
            em_buf_addc(&b, ']');
        }
        em_buf_adds(&b, "}}");
    }
    em_buf_adds(&b, "}}");
    return em_buf_detach(&b);
}

static void expect(const char *what, int n, int k, size_t len, int status, const char *error) {
    char *body = body_of(n, k, len);
    int st;
    json_t *j = match("", body, &st);
    if (st != status)
        fail_msg("%s: status %d, expected %d: %.300s", what, st, status, detail_of(j));
    if (error) {
        assert_string_equal(error_of(j), error);
        assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
    }
    json_decref(j);
    free(body);
}

static void test_match_limits(void **state) {
    (void)state;
    expect("100 queries", 100, 1, 0, 200, NULL);
    expect("101 queries", 101, 1, 0, 413, "too_many_queries");
    expect("32 names in a query", 1, 32, 0, 200, NULL);
    expect("33 names in a query", 1, 33, 0, 422, "too_many_names");
    expect("a name of 512 bytes", 1, 1, 512, 200, NULL);
    expect("a name of 513 bytes", 1, 1, 513, 422, "name_too_long");
    expect("an alias of 513 bytes", 1, 2, 513, 422, "name_too_long");
    expect("500 names in 20 queries", 20, 25, 0, 200, NULL);
    expect("510 names in 17 queries", 17, 30, 0, 413, "too_many_names");
    /* the finding: 100 queries of 16 names */
    expect("100 x 16 names", 100, 16, 0, 413, "too_many_names");

    /* the answers say how to split */
    char *body = body_of(101, 1, 0);
    int st;
    json_t *j = match("", body, &st);
    assert_non_null(strstr(detail_of(j), "split"));
    assert_non_null(strstr(detail_of(j), "100"));
    json_decref(j);
    free(body);
    body = body_of(17, 30, 0);
    j = match("", body, &st);
    assert_non_null(strstr(detail_of(j), "split"));
    assert_non_null(strstr(detail_of(j), "500"));
    json_decref(j);
    free(body);
    body = body_of(1, 33, 0);
    j = match("", body, &st);
    assert_non_null(strstr(detail_of(j), "32"));
    json_decref(j);
    free(body);

    /* a first/last name part counts against the name length too */
    j = match("",
              "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"firstName\": "
              "[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"], \"lastName\": "
              "[\"Khatib\"]}}}}",
              &st);
    assert_int_equal(st, 422);
    assert_string_equal(error_of(j), "name_too_long");
    json_decref(j);

    /* /search: q is a name */
    char q[700] = "q=";
    memset(q + 2, 'a', 600);
    q[602] = '\0';
    srv_params p = {0};
    srv_params_parse(&p, q);
    srv_response r = {0};
    srv_handle_search(srv, NULL, &p, &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "name_too_long"));
    srv_response_free(&r);
    srv_params_free(&p);
}

static void test_configured_limits(void **state) {
    (void)state;
    em_server_options o = {0};
    o.home = home;
    o.no_access_log = 1;
    o.no_env_keys = 1;
    o.max_queries = 2;
    o.max_names_per_query = 3;
    o.max_names = 5;
    o.max_name_bytes = 10;
    o.max_query_params = 4;
    o.max_url_bytes = 200;
    em_server *s;
    em_error err = {0};
    if (srv_create(&s, &o, &err) != 0) fail_msg("server: %s", err.message);
    assert_int_equal(s->opts.max_queries, 2);
    struct {
        int n, k;
        size_t len;
        int status;
    } cases[] = {{2, 2, 0, 200},  {3, 1, 0, 413}, {1, 3, 0, 200},
                 {1, 4, 0, 422},  {2, 3, 0, 413}, /* 6 names > 5 */
                 {1, 1, 10, 200}, {1, 1, 11, 422}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *body = body_of(cases[i].n, cases[i].k, cases[i].len);
        int st;
        json_t *j = match_on(s, "", body, &st);
        if (st != cases[i].status)
            fail_msg("case %zu: status %d, expected %d: %s", i, st, cases[i].status, detail_of(j));
        json_decref(j);
        free(body);
    }
    int st;
    const char *shorter = "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": "
                          "{\"name\": [\"Khatib\"]}}}}";
    json_t *j = match_on(s, "a=1&b=2&c=3&d=4", shorter, &st);
    assert_int_equal(st, 200);
    json_decref(j);
    j = match_on(s, "a=1&b=2&c=3&d=4&e=5", shorter, &st);
    assert_int_equal(st, 414);
    json_decref(j);
    char qs[300];
    memset(qs, 'x', sizeof qs - 1);
    qs[0] = 'q';
    qs[1] = '=';
    qs[sizeof qs - 1] = '\0';
    j = match_on(s, qs, KHATIB, &st);
    assert_int_equal(st, 414);
    assert_string_equal(error_of(j), "uri_too_long");
    json_decref(j);
    em_server_stop(s);

    /* the defaults, and what is clamped */
    em_server_options d = {0};
    d.home = home;
    d.no_access_log = 1;
    d.no_env_keys = 1;
    d.max_names_per_query = 100000;
    if (srv_create(&s, &d, &err) != 0) fail_msg("server: %s", err.message);
    assert_int_equal(s->opts.max_queries, SRV_MAX_QUERIES);
    assert_int_equal(s->opts.max_names, SRV_MAX_NAMES);
    assert_int_equal(s->opts.max_name_bytes, SRV_MAX_NAME_BYTES);
    assert_int_equal(s->opts.max_query_params, SRV_MAX_QUERY_PARAMS);
    assert_int_equal(s->opts.max_url_bytes, SRV_MAX_URL_BYTES);
    assert_int_equal(s->opts.max_names_per_query, SRV_NAMES_CAP);
    assert_true(s->opts.match_workers >= 1);
    em_server_stop(s);
}

/* ---- bad bodies ------------------------------------------------------------------------ */

static void test_bad_bodies(void **state) {
    (void)state;
    int st;
    json_t *j = match("",
                      "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": "
                      "[\"Esm\xff\"]}}}}",
                      &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_of(j), "invalid_utf8");
    json_decref(j);
    j = match("",
              "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": "
              "[\"a\\u0000b\"]}}}}",
              &st);
    assert_int_equal(st, 400);
    json_decref(j);
    /* deep nesting: 100,000 brackets, as a whole body and inside a query */
    size_t n = 100000;
    char *deep = em_xmalloc(2 * n + 200);
    memset(deep, '[', n);
    deep[n] = '\0';
    j = match("", deep, &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_of(j), "invalid_json");
    json_decref(j);
    strcpy(deep, "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": ");
    size_t o = strlen(deep);
    memset(deep + o, '[', n / 2);
    memset(deep + o + n / 2, ']', n / 2);
    strcpy(deep + o + n, "}}}}");
    j = match("", deep, &st);
    assert_int_equal(st, 400);
    json_decref(j);
    free(deep);
}

/* ---- which lists a response screened ------------------------------------------------------ */

static void check_lists(json_t *lists) {
    assert_true(json_is_array(lists));
    assert_true(json_array_size(lists) >= 2);
    char *cat = em_server_catalog_json(srv);
    json_t *c = json_loads(cat, 0, NULL);
    free(cat);
    json_t *ds = json_object_get(c, "datasets");
    assert_int_equal(json_array_size(lists), json_array_size(ds));
    size_t i;
    json_t *x;
    int sdn = 0;
    json_array_foreach(lists, i, x) {
        json_t *d = json_array_get(ds, i);
        assert_string_equal(json_string_value(json_object_get(x, "dataset")),
                            json_string_value(json_object_get(d, "name")));
        assert_int_equal(json_integer_value(json_object_get(x, "version")),
                         json_integer_value(json_object_get(d, "version")));
        assert_true(json_is_string(json_object_get(x, "published")) ||
                    json_is_null(json_object_get(x, "published")));
        sdn |= strcmp(json_string_value(json_object_get(x, "dataset")), "ofac_sdn") == 0;
        if (strcmp(json_string_value(json_object_get(x, "dataset")), "un_sc") == 0)
            assert_string_equal(json_string_value(json_object_get(x, "published")), "2026-02-27");
    }
    assert_true(sdn);
    json_decref(c);
}

static void test_lists_in_responses(void **state) {
    (void)state;
    int st;
    json_t *j = match("", KHATIB, &st);
    assert_int_equal(st, 200);
    check_lists(json_object_get(j, "lists"));
    json_decref(j);

    srv_params p = {0};
    srv_params_parse(&p, "q=Esmail+Khatib");
    srv_response r = {0};
    srv_handle_search(srv, NULL, &p, &r);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    check_lists(json_object_get(j, "lists"));
    json_decref(j);
    srv_response_free(&r);
    srv_params_free(&p);
}

/* ---- a home without lists ------------------------------------------------------------------ */

static void test_no_lists(void **state) {
    (void)state;
    char *empty = tmpdir_new("server_limits_empty");
    em_server_options o = {0};
    o.home = empty;
    o.store_flags = EM_STORE_NO_SEED;
    o.no_access_log = 1;
    o.no_env_keys = 1;
    em_server *s;
    em_error err = {0};
    if (srv_create(&s, &o, &err) != 0) fail_msg("server: %s", err.message);
    assert_false(em_server_ready(s));
    int st;
    json_t *j = match_on(s, "", KHATIB, &st);
    assert_int_equal(st, 503);
    assert_string_equal(error_of(j), "not_ready");
    assert_non_null(strstr(detail_of(j), "embargo import"));
    assert_non_null(strstr(detail_of(j), "embargo update"));
    json_decref(j);

    srv_params p = {0};
    srv_params_parse(&p, "q=Esmail+Khatib");
    srv_response r = {0};
    srv_handle_search(s, NULL, &p, &r);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "embargo import"));
    srv_response_free(&r);
    srv_params_free(&p);
    srv_handle_readyz(s, &r);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "embargo import"));
    srv_response_free(&r);
    srv_handle_healthz(s, &r); /* alive, just not ready */
    assert_int_equal(r.status, 200);
    srv_response_free(&r);
    em_server_stop(s);
    free(empty);
}

/* ---- reloads free what they replace ---------------------------------------------------------- */

static void test_reload_trims(void **state) {
    (void)state;
    em_error err = {0};
    uint64_t g0 = atomic_load(&srv->generation);
    assert_int_equal(em_server_reload(srv, &err), 0);
    assert_true(atomic_load(&srv->generation) > g0);
    assert_int_equal(atomic_load(&srv->trim_pending), 1); /* after a load, to be trimmed */
    srv_trim_memory(srv);
    assert_int_equal(atomic_load(&srv->trim_pending), 0);
    int st;
    json_t *j = match("", KHATIB, &st);
    assert_int_equal(st, 200);
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_check),       cmocka_unit_test(test_target_through_match),
        cmocka_unit_test(test_decimal_parameters), cmocka_unit_test(test_match_limits),
        cmocka_unit_test(test_configured_limits),  cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_lists_in_responses), cmocka_unit_test(test_no_lists),
        cmocka_unit_test(test_reload_trims),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
