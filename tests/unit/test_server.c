/*
 * test_server.c - the HTTP server's pieces that need no lists: every routed
 * path is in the OpenAPI document (and every documented path is routed),
 * route matching, query-string parsing, API keys and scopes, UTF-8 checks,
 * and the FtM form of a stored entity.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entity.h"
#include "server/server_internal.h"
#include "testutil.h"

static void test_openapi_documents_every_route(void **state) {
    (void)state;
    json_error_t e;
    json_t *doc = json_loads(srv_openapi_json, 0, &e);
    if (!doc) fail_msg("openapi.json is not valid JSON: line %d: %s", e.line, e.text);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
    json_t *paths = json_object_get(doc, "paths");
    assert_non_null(paths);
    size_t nroutes = 0;
    for (const srv_route *r = srv_routes; r->path; r++, nroutes++) {
        json_t *item = json_object_get(paths, r->path);
        if (!item) fail_msg("route %s is not in openapi.json", r->path);
        /* each routed method (but OPTIONS/HEAD) is documented */
        const char *m = r->methods;
        while (*m) {
            size_t n = strcspn(m, ", ");
            char method[16] = {0};
            for (size_t i = 0; i < n && i < sizeof method - 1; i++)
                method[i] = (char)(m[i] | 0x20);
            if (strcmp(method, "options") != 0 && strcmp(method, "head") != 0 &&
                !json_object_get(item, method))
                fail_msg("%s %s is not in openapi.json", method, r->path);
            m += n;
            m += strspn(m, ", ");
        }
    }
    /* and nothing is documented that the server does not route */
    assert_int_equal(json_object_size(paths), nroutes);
    assert_non_null(json_object_get(
        json_object_get(json_object_get(doc, "components"), "securitySchemes"), "bearerAuth"));
    json_decref(doc);
}

static void test_route_find(void **state) {
    (void)state;
    assert_string_equal(srv_route_find("/match/default")->path, "/match/{dataset}");
    assert_string_equal(srv_route_find("/match/ofac_sdn")->path, "/match/{dataset}");
    assert_null(srv_route_find("/match/"));
    assert_null(srv_route_find("/match/a/b"));
    assert_string_equal(srv_route_find("/search")->path, "/search");
    assert_string_equal(srv_route_find("/search/un_sc")->path, "/search/{dataset}");
    assert_string_equal(srv_route_find("/entities/ofac-39017")->path, "/entities/{id}");
    assert_int_equal(srv_route_find("/admin/reload")->admin, 1);
    assert_int_equal(srv_route_find("/healthz")->open, 1);
    assert_int_equal(srv_route_find("/metrics")->open, 0);
    assert_null(srv_route_find("/"));
    assert_null(srv_route_find("/index.html"));
}

static void test_params(void **state) {
    (void)state;
    srv_params p = {0};
    srv_params_parse(&p, "?q=Esmail+Khatib&limit=5&x=%41%zz%4&include_dataset=a&include_dataset="
                         "b&&flag&e=%C3%A9");
    assert_string_equal(srv_params_get(&p, "q"), "Esmail Khatib");
    assert_string_equal(srv_params_get(&p, "limit"), "5");
    assert_string_equal(srv_params_get(&p, "x"), "A%zz%4");
    assert_string_equal(srv_params_get(&p, "include_dataset"), "a");
    assert_string_equal(srv_params_get(&p, "flag"), "");
    assert_string_equal(srv_params_get(&p, "e"), "\xc3\xa9");
    assert_null(srv_params_get(&p, "nope"));
    size_t n = 0;
    for (size_t i = 0; i < p.len; i++)
        n += strcmp(p.keys[i], "include_dataset") == 0;
    assert_int_equal(n, 2);
    srv_params_free(&p);
    srv_params_parse(&p, "%");
    srv_params_parse(&p, "=");
    srv_params_parse(&p, NULL);
    srv_params_free(&p);
}

static void test_utf8(void **state) {
    (void)state;
    assert_true(srv_utf8_valid("abc", 3));
    assert_true(srv_utf8_valid("\xd8\xa7\xd8\xb3", 4));  /* Arabic */
    assert_true(srv_utf8_valid("\xf0\x9f\x98\x80", 4));  /* emoji */
    assert_false(srv_utf8_valid("\xff", 1));             /* never valid */
    assert_false(srv_utf8_valid("\xc3", 1));             /* truncated */
    assert_false(srv_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(srv_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(srv_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}

static void test_keys(void **state) {
    (void)state;
    char *dir = tmpdir_new("server_keys");
    char *path = em_xasprintf("%s/keys", dir);
    FILE *f = fopen(path, "w");
    fputs("# comment\n\nscreen-key-0123456789 screen\nadmin-key-0123456789 admin  # ops\n"
          "plain-key-0123456789\n",
          f);
    fclose(f);
    srv_keys k = {0};
    em_error err = {0};
    assert_int_equal(srv_keys_load(&k, path, "env-key-0123456789:admin,env2-key-012345", &err), 0);
    assert_int_equal(k.len, 5);
    const srv_key *x = srv_keys_check(&k, "Bearer screen-key-0123456789");
    assert_non_null(x);
    assert_false(x->admin);
    assert_int_equal(strncmp(x->id, "k:", 2), 0);
    assert_null(strstr(x->id, "screen"));
    x = srv_keys_check(&k, "bearer  admin-key-0123456789 ");
    assert_non_null(x);
    assert_true(x->admin);
    assert_true(srv_keys_check(&k, "Bearer env-key-0123456789")->admin);
    assert_false(srv_keys_check(&k, "Bearer env2-key-012345")->admin);
    assert_false(srv_keys_check(&k, "Bearer plain-key-0123456789")->admin);
    assert_null(srv_keys_check(&k, "Bearer screen-key-012345678"));
    assert_null(srv_keys_check(&k, "Bearer screen-key-01234567890"));
    assert_null(srv_keys_check(&k, "Basic c2NyZWVu"));
    assert_null(srv_keys_check(&k, ""));
    assert_null(srv_keys_check(&k, NULL));
    srv_keys_free(&k);

    f = fopen(path, "w");
    fputs("some-key-0123456789 superuser\n", f);
    fclose(f);
    assert_int_equal(srv_keys_load(&k, path, NULL, &err), -1);
    assert_non_null(strstr(err.message, "scope"));
    srv_keys_free(&k);
    assert_int_equal(srv_keys_load(&k, NULL, "short:screen", &err), -1);
    srv_keys_free(&k);
    assert_int_equal(srv_keys_load(&k, "/nonexistent/keys", NULL, &err), -1);
    srv_keys_free(&k);
    free(path);
    free(dir);
}

static void test_ftm(void **state) {
    (void)state;
    json_t *stored = json_loads(
        "{\"id\":\"ofac-1\",\"source\":\"ofac_sdn\",\"schema\":\"Person\",\"caption\":\"DOE, "
        "John\",\"gender\":\"male\",\"names\":[{\"full\":\"DOE, John\",\"kind\":\"primary\","
        "\"first\":\"John\",\"last\":\"DOE\"},{\"full\":\"Johnny\",\"kind\":\"aka\",\"strength\":"
        "\"weak\"},{\"full\":\"Old Doe\",\"kind\":\"fka\"}],\"birth_dates\":[{\"from\":\"1960\","
        "\"to\":\"1961\"}],\"identifiers\":[{\"type\":\"passport\",\"value\":\"X1\"},{\"type\":"
        "\"imo\",\"value\":\"9187629\"}],\"programs\":[\"SDGT\"],\"properties\":{\"vessel_flag\":"
        "[\"Iran\"]}}",
        0, NULL);
    assert_non_null(stored);
    em_entity *e = em_entity_from_json(stored, NULL);
    assert_non_null(e);
    json_t *f = srv_entity_ftm(NULL, e, 0); /* the model's renderer; no store: no history */
    em_entity_free(e);
    char *text = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(strstr(text, "\"name\":[\"DOE, John\"]"));
    assert_non_null(strstr(text, "\"weakAlias\":[\"Johnny\"]"));
    assert_non_null(strstr(text, "\"previousName\":[\"Old Doe\"]"));
    assert_non_null(strstr(text, "\"birthDate\":[\"1960\",\"1961\"]"));
    assert_non_null(strstr(text, "\"passportNumber\":[\"X1\"]"));
    assert_non_null(strstr(text, "\"imoNumber\":[\"9187629\"]"));
    assert_non_null(strstr(text, "\"program\":[\"SDGT\"]"));
    assert_non_null(strstr(text, "\"flag\":[\"ir\"]")); /* ISO codes, the name beside */
    assert_non_null(strstr(text, "\"country_names\":{\"ir\":\"Iran\"}"));
    assert_non_null(strstr(text, "\"schema\":\"Sanction\""));
    assert_non_null(strstr(text, "\"datasets\":[\"ofac_sdn\"]"));
    free(text);
    json_decref(f);
    json_decref(stored);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openapi_documents_every_route),
        cmocka_unit_test(test_route_find),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_ftm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
