/*
 * test_server_engine.c - the HTTP server screens through em_engine (without
 * sockets, on a home seeded with the bundled lists): a yente query becomes one
 * whole party (several names of which only the alias is listed, several birth
 * dates, a country by name) and its echo says how it was understood (the
 * country as its ISO code); a Person query never meets a Vessel; values the
 * party refuses are a 422 naming the query and the property; a home without
 * lists answers 503 until lists appear and a reload opens the engine; and a
 * live reload under concurrent /match calls fails no request.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"
#include "testutil.h"

static em_server *srv;
static char *home;

static int setup(void **state) {
    (void)state;
    home = tmpdir_new("server_engine");
    em_server_options o = {0};
    o.home = home;
    o.no_access_log = 1;
    o.no_env_keys = 1;
    em_error err = {0};
    if (srv_create(&srv, &o, &err) != 0) fail_msg("server: %s", err.message);
    if (!em_server_ready(srv)) fail_msg("no lists loaded: %s", srv->load_error);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_server_stop(srv);
    free(home);
    return 0;
}

/* POST /match/default?qs; the answer parsed (NULL when it is not JSON) */
static json_t *match_on(em_server *s, const char *qs, const char *body, int *st) {
    char *out = NULL;
    em_server_handle_match(s, "default", qs, body, strlen(body), st, &out);
    json_t *j = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return j;
}

static json_t *response_of(json_t *j, const char *q) {
    return json_object_get(json_object_get(j, "responses"), q);
}

static json_t *results_of(json_t *j, const char *q) {
    return json_object_get(response_of(j, q), "results");
}

static const char *detail_of(json_t *j) {
    const char *d = json_string_value(json_object_get(j, "detail"));
    return d ? d : "";
}

/* ---- a whole party ------------------------------------------------------------------- */

static void test_whole_party(void **state) {
    (void)state;
    int st;
    json_t *j = match_on(srv, "",
                         "{\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\": {"
                         "\"name\": [\"Bartholomew Quaxley\"], \"alias\": [\"Esmail Khatib\"], "
                         "\"birthDate\": [\"1955\", \"1960\"], \"nationality\": [\"Iran\"]}}}}",
                         &st);
    assert_non_null(j);
    if (st != 200) fail_msg("status %d: %s", st, detail_of(j));
    json_t *r0 = json_array_get(results_of(j, "q1"), 0);
    assert_string_equal(json_string_value(json_object_get(r0, "id")), "ofac-39017");
    assert_true(json_is_true(json_object_get(r0, "match")));
    /* the query name that met is the alias */
    json_t *ex = json_object_get(json_object_get(r0, "explanation"), "name");
    assert_string_equal(json_string_value(json_object_get(ex, "query")), "Esmail Khatib");
    json_t *features = json_object_get(r0, "features");
    assert_true(json_is_object(features));
    assert_non_null(json_object_get(features, "name"));
    /* the echo: as understood */
    json_t *echo = json_object_get(response_of(j, "q1"), "query");
    assert_string_equal(json_string_value(json_object_get(echo, "schema")), "Person");
    json_t *props = json_object_get(echo, "properties");
    json_t *nat = json_object_get(props, "nationality");
    assert_int_equal(json_array_size(nat), 1);
    assert_string_equal(json_string_value(json_array_get(nat, 0)), "ir");
    assert_int_equal(json_array_size(json_object_get(props, "birthDate")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(props, "alias"), 0)),
                        "Esmail Khatib");
    /* the lists it was screened against */
    assert_true(json_array_size(json_object_get(j, "lists")) >= 2);
    json_decref(j);

    /* a schema spelled by its alias is echoed by its FtM name; a country code stays one */
    j = match_on(srv, "",
                 "{\"queries\": {\"q\": {\"schema\": \"individual\", \"properties\": {"
                 "\"name\": \"Esmail Khatib\", \"country\": [\"IR\", \"Iran\"], "
                 "\"gender\": [\"m\"]}}}}",
                 &st);
    assert_int_equal(st, 200);
    echo = json_object_get(response_of(j, "q"), "query");
    assert_string_equal(json_string_value(json_object_get(echo, "schema")), "Person");
    props = json_object_get(echo, "properties");
    assert_string_equal(json_string_value(json_array_get(json_object_get(props, "country"), 0)),
                        "ir");
    assert_string_equal(json_string_value(json_array_get(json_object_get(props, "country"), 1)),
                        "ir");
    assert_string_equal(json_string_value(json_array_get(json_object_get(props, "gender"), 0)),
                        "male");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(results_of(j, "q"), 0), "id")),
        "ofac-39017");
    json_decref(j);

    /* first and last name parts make a name when there is none */
    j = match_on(srv, "",
                 "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {"
                 "\"firstName\": [\"Esmail\"], \"lastName\": [\"Khatib\"]}}}}",
                 &st);
    assert_int_equal(st, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(results_of(j, "q"), 0), "id")),
        "ofac-39017");
    json_decref(j);
}

static void test_schemata(void **state) {
    (void)state;
    int st;
    /* the vessel ARTAVIL (ofac-15036): a Vessel query meets it... */
    json_t *j = match_on(srv, "threshold=0.3&cutoff=0.01&limit=50",
                         "{\"queries\": {\"v\": {\"schema\": \"Vessel\", \"properties\": "
                         "{\"name\": [\"Artavil\"]}}, \"p\": {\"schema\": \"Person\", "
                         "\"properties\": {\"name\": [\"Artavil\"]}}, \"o\": {\"schema\": "
                         "\"Person\", \"properties\": {\"name\": [\"Ocean Trader Artavil\"], "
                         "\"imoNumber\": [\"9187629\"]}}}}",
                         &st);
    assert_non_null(j);
    if (st != 200) fail_msg("status %d: %s", st, detail_of(j));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(results_of(j, "v"), 0), "id")),
        "ofac-15036");
    /* ...a Person query never does, not even by its IMO number */
    const char *person[] = {"p", "o"};
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *x;
        json_array_foreach(results_of(j, person[k]), i, x) {
            const char *schema = json_string_value(json_object_get(x, "schema"));
            if (schema && (strcmp(schema, "Vessel") == 0 || strcmp(schema, "Airplane") == 0))
                fail_msg("a Person query met %s %s", schema,
                         json_string_value(json_object_get(x, "id")));
        }
    }
    json_decref(j);

    /* every FtM schema of the table is accepted, unknown ones are a 400 */
    j = match_on(srv, "",
                 "{\"queries\": {\"q\": {\"schema\": \"Dragon\", \"properties\": {\"name\": "
                 "[\"x\"]}}}}",
                 &st);
    assert_int_equal(st, 400);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_schema");
    json_decref(j);
    /* the OpenAPI document lists the table's schemata */
    json_t *doc = json_loads(srv_openapi_json, 0, NULL);
    assert_non_null(doc);
    json_t *en = json_object_get(
        json_object_get(
            json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
                            "EntityExample"),
            "properties"),
        "schema");
    json_t *values = json_object_get(en, "enum");
    assert_true(json_array_size(values) >= 8);
    int person_listed = 0;
    size_t i;
    json_t *x;
    json_array_foreach(values, i, x) person_listed |= strcmp(json_string_value(x), "Person") == 0;
    assert_true(person_listed);
    json_decref(doc);
}

static void test_refused_values(void **state) {
    (void)state;
    struct {
        const char *props, *property;
    } cases[] = {
        {"\"name\": [\"Esmail Khatib\"], \"nationality\": [\"Narnia\"]", "nationality"},
        {"\"name\": [\"Esmail Khatib\"], \"birthDate\": [\"1960\", \"sixties\"]", "birthDate"},
        {"\"name\": [\"Esmail Khatib\"], \"gender\": [\"male\", \"dragon\"]", "gender"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"queries\": {\"cust42\": {\"schema\": \"Person\", \"properties\": {%s}}}}",
                 cases[i].props);
        int st;
        json_t *j = match_on(srv, "", body, &st);
        assert_non_null(j);
        if (st != 422) fail_msg("%s: status %d, expected 422", cases[i].property, st);
        assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_value");
        assert_non_null(strstr(detail_of(j), "cust42"));
        assert_non_null(strstr(detail_of(j), cases[i].property));
        json_decref(j);
    }
    /* /search too */
    srv_params p = {0};
    srv_params_parse(&p, "q=Esmail+Khatib&country=Narnia");
    srv_response r = {0};
    srv_handle_search(srv, NULL, &p, &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "country"));
    srv_response_free(&r);
    srv_params_free(&p);
    srv_params_parse(&p, "q=Esmail+Khatib&dob=1950&dob=1960&country=Iran");
    srv_handle_search(srv, NULL, &p, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "query"), "country")),
                        "ir");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "id")),
        "ofac-39017");
    json_decref(j);
    srv_response_free(&r);
    srv_params_free(&p);
}

/* ---- a home without lists --------------------------------------------------------------- */

static void test_lists_appear(void **state) {
    (void)state;
    char *empty = tmpdir_new("server_engine_empty");
    em_server_options o = {0};
    o.home = empty;
    o.store_flags = EM_STORE_NO_SEED;
    o.no_access_log = 1;
    o.no_env_keys = 1;
    em_server *s;
    em_error err = {0};
    if (srv_create(&s, &o, &err) != 0) fail_msg("server: %s", err.message);
    assert_false(em_server_ready(s));
    assert_null(s->engine);
    const char *body = "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Esmail Khatib\"]}}}}";
    int st;
    json_t *j = match_on(s, "", body, &st);
    assert_int_equal(st, 503);
    json_decref(j);
    /* what the poller does every interval: no lists yet, still not ready */
    assert_int_equal(srv_reload(s, 0, NULL, &err), -1);
    assert_false(em_server_ready(s));
    /* lists appear */
    em_store *st_w = NULL;
    if (em_store_open(&st_w, empty, EM_STORE_NO_SEED, &err) != 0) fail_msg("%s", err.message);
    const char *files[] = {td("ofac/sdn_2022-09-09.csv.gz")};
    if (em_store_import(st_w, files, 1, "ofac_sdn", NULL, &err) != 0) fail_msg("%s", err.message);
    em_store_close(st_w);
    int swapped = 0;
    if (srv_reload(s, 0, &swapped, &err) != 0) fail_msg("reload: %s", err.message);
    assert_true(swapped);
    assert_true(em_server_ready(s));
    j = match_on(s, "", body, &st);
    assert_int_equal(st, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(results_of(j, "q"), 0), "id")),
        "ofac-39017");
    json_decref(j);
    srv_response r = {0};
    srv_handle_readyz(s, &r);
    assert_int_equal(r.status, 200);
    srv_response_free(&r);
    em_server_stop(s);
    free(empty);
}

/* ---- live reload under load ----------------------------------------------------------------- */

typedef struct worker {
    atomic_int *stop;
    int requests, failures;
    char failure[300];
} worker;

static void *worker_main(void *arg) {
    worker *w = arg;
    const char *body = "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": "
                       "[\"Esmail Khatib\"], \"birthDate\": [\"1960\"]}}}}";
    /* at least a few requests after the reload too */
    int after = 0;
    while (after < 5) {
        if (atomic_load(w->stop)) after++;
        int st = 0;
        json_t *j = match_on(srv, "", body, &st);
        const char *id =
            json_string_value(json_object_get(json_array_get(results_of(j, "q"), 0), "id"));
        w->requests++;
        if (st != 200 || !id || strcmp(id, "ofac-39017") != 0) {
            if (!w->failures++)
                snprintf(w->failure, sizeof w->failure, "status %d, first %s: %.200s", st,
                         id ? id : "(none)", detail_of(j));
        }
        json_decref(j);
    }
    return NULL;
}

static int64_t sdn_version(json_t *j) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(j, "lists"), i, x) {
        if (strcmp(json_string_value(json_object_get(x, "dataset")), "ofac_sdn") == 0)
            return json_integer_value(json_object_get(x, "version"));
    }
    return -1;
}

static void test_live_reload(void **state) {
    (void)state;
    int st;
    const char *body = "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Esmail Khatib\"]}}}}";
    json_t *j = match_on(srv, "", body, &st);
    assert_int_equal(st, 200);
    int64_t before = sdn_version(j);
    json_decref(j);
    uint64_t g0 = atomic_load(&srv->generation);

    atomic_int stop = 0;
    worker w[2] = {{&stop, 0, 0, ""}, {&stop, 0, 0, ""}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    /* a new version of the SDN list, while the workers screen */
    em_error err = {0};
    em_store *st_w = NULL;
    if (em_store_open(&st_w, home, 0, &err) != 0) fail_msg("%s", err.message);
    const char *files[] = {td("ofac/sdn_2022-09-09.csv.gz")};
    em_import_options io = {EM_IMPORT_OPTIONS_VERSION, "ofac_sdn", 1, 0, 0, 0, 0, 0, NULL};
    if (em_store_import_opts(st_w, files, 1, &io, NULL, &err) != 0) fail_msg("%s", err.message);
    em_store_close(st_w);
    int rc = em_server_reload(srv, &err);
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    if (rc != 0) fail_msg("reload: %s", err.message);
    for (int i = 0; i < 2; i++) {
        if (w[i].failures)
            fail_msg("worker %d: %d of %d requests failed: %s", i, w[i].failures, w[i].requests,
                     w[i].failure);
        assert_true(w[i].requests >= 5);
    }
    assert_true(atomic_load(&srv->generation) > g0);
    /* the answers now name the new version */
    j = match_on(srv, "", body, &st);
    assert_int_equal(st, 200);
    assert_true(sdn_version(j) > before);
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_party),    cmocka_unit_test(test_schemata),
        cmocka_unit_test(test_refused_values), cmocka_unit_test(test_lists_appear),
        cmocka_unit_test(test_live_reload),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
