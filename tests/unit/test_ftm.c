/*
 * test_ftm.c - entities in FollowTheMoney form (em_entity_ftm) and their
 * history kept in the snapshot (em_matcher_entity_history): OFAC 2022-09-08
 * then 2022-09-09 in a home without the bundled lists (the ministry, 12111,
 * gets CYBER2 in version 2; KHATIB, Esmail, 39017, is listed in version 2),
 * then 2022-09-08 again (the ministry's old facts: a change); a UN listing
 * from the bundled UN list; a vessel with its IMO number (the CLI's
 * `show --json`: tests/e2e/cli_show_ftm.sh).
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embargo.h"
#include "model/entity.h"
#include "index/snapshot.h"
#include "store/store_read.h"
#include "text/knowledge.h"

static em_store *ST;
static char *HOME_DIR;

static void import(em_store *st, const char *path) {
    em_error err = {0};
    const char *p[] = {path};
    if (em_store_import(st, p, 1, NULL, NULL, &err) != 0) fail_msg("import: %s", err.message);
}

static int setup(void **state) {
    (void)state;
    HOME_DIR = tmpdir_new("ftm");
    em_error err = {0};
    if (em_store_open(&ST, HOME_DIR, EM_STORE_NO_SEED, &err) != 0) fail_msg("%s", err.message);
    import(ST, td("ofac/sdn_2022-09-08.csv.gz"));
    import(ST, td("ofac/sdn_2022-09-09.csv.gz"));
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_store_close(ST);
    free(HOME_DIR);
    return 0;
}

/* the FtM object of an entity of the store's active version, with its store history */
static json_t *ftm_of(em_store *st, const char *id) {
    em_entity *e = NULL;
    em_error err = {0};
    if (em_store_entity(st, id, 0, &e, &err) != 0) fail_msg("%s: %s", id, err.message);
    em_entity_history h;
    if (em_store_entity_history(st, id, 0, &h, &err) != 0) fail_msg("%s: %s", id, err.message);
    char *s = em_entity_to_ftm_json(e, &h, 0);
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    if (!j) fail_msg("%s: not JSON: %s", id, je.text);
    free(s);
    em_entity_free(e);
    return j;
}

static json_t *prop(json_t *j, const char *key) {
    return json_object_get(json_object_get(j, "properties"), key);
}

/* property `key` holds the string `value` */
static int has(json_t *j, const char *key, const char *value) {
    size_t i;
    json_t *v;
    json_array_foreach(prop(j, key), i, v) if (strcmp(json_string_value(v), value) == 0) return 1;
    return 0;
}

/* every property is an array of strings (nested entities: of objects) */
static void all_string_arrays(json_t *j) {
    const char *k;
    json_t *a;
    json_object_foreach(json_object_get(j, "properties"), k, a) {
        if (!json_is_array(a)) fail_msg("property %s is not an array", k);
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
            if (json_is_object(v) && (!strcmp(k, "sanctions") || !strcmp(k, "cryptoWallets")))
                all_string_arrays(v);
            else if (!json_is_string(v))
                fail_msg("a value of %s is not a string", k);
        }
    }
}

static const char *sget(json_t *j, const char *k) {
    const char *s = json_string_value(json_object_get(j, k));
    return s ? s : "";
}

static void test_ofac_ministry(void **state) {
    (void)state;
    json_t *j = ftm_of(ST, "ofac-12111");
    assert_string_equal(sget(j, "schema"), "Organization");
    assert_string_equal(sget(j, "caption"), "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "datasets"), 0)),
                        "ofac_sdn");
    assert_true(json_is_true(json_object_get(j, "target")));
    assert_true(json_is_array(json_object_get(j, "referents")));
    assert_true(has(j, "name", "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"));
    assert_true(has(j, "weakAlias", "MOIS"));
    assert_true(has(j, "weakAlias", "VEVAK"));
    assert_true(has(j, "topics", "sanction"));
    assert_true(has(j, "program", "CYBER2"));
    assert_true(has(j, "programId", "CYBER2"));
    assert_true(
        has(j, "sourceUrl", "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=12111"));
    assert_non_null(prop(j, "notes"));
    /* the listing as a nested Sanction */
    json_t *s = json_array_get(prop(j, "sanctions"), 0);
    assert_non_null(s);
    assert_string_equal(sget(s, "schema"), "Sanction");
    assert_true(has(s, "entity", "ofac-12111"));
    assert_true(has(s, "program", "CYBER2"));
    assert_true(has(s, "program", "SDGT"));
    assert_true(has(s, "authority", "Office of Foreign Assets Control"));
    assert_true(has(s, "country", "us"));
    assert_true(json_is_false(json_object_get(s, "target")));
    /* history: first seen in version 1, changed (CYBER2) in version 2 */
    em_entity_history h;
    em_error err = {0};
    assert_int_equal(em_store_entity_history(ST, "ofac-12111", 0, &h, &err), 0);
    assert_int_equal(h.first_seen_version, 1);
    assert_int_equal(h.last_change_version, 2);
    assert_string_equal(sget(j, "first_seen"), h.first_seen);
    assert_string_equal(sget(j, "last_change"), h.last_change);
    assert_string_equal(sget(j, "last_seen"), h.last_seen);
    all_string_arrays(j);
    json_decref(j);
}

static void test_ofac_person(void **state) {
    (void)state;
    json_t *j = ftm_of(ST, "ofac-39017");
    assert_string_equal(sget(j, "schema"), "Person");
    assert_true(has(j, "name", "KHATIB, Esmail"));
    assert_true(has(j, "firstName", "Esmail"));
    assert_true(has(j, "lastName", "KHATIB"));
    assert_true(has(j, "gender", "male"));
    assert_true(has(j, "birthDate", "1960"));
    assert_true(has(j, "birthDate", "1961"));
    assert_true(has(j, "nationality", "ir")); /* "Iran" as its ISO code */
    assert_false(has(j, "nationality", "Iran"));
    assert_string_equal(sget(json_object_get(j, "country_names"), "ir"), "Iran");
    assert_true(has(j, "associates", "ofac-12111"));
    assert_true(has(j, "program", "CYBER2"));
    json_t *s = json_array_get(prop(j, "sanctions"), 0);
    assert_true(has(s, "program", "CYBER2"));
    /* listed in version 2: first seen and last changed there */
    assert_string_equal(sget(j, "first_seen"), sget(j, "last_change"));
    em_entity_history h;
    assert_int_equal(em_store_entity_history(ST, "ofac-39017", 0, &h, NULL), 0);
    assert_int_equal(h.first_seen_version, 2);
    assert_int_equal(h.last_change_version, 2);
    all_string_arrays(j);
    json_decref(j);
}

static void test_vessel(void **state) {
    (void)state;
    json_t *j = ftm_of(ST, "ofac-4243"); /* EBANO, IMO 7406784, flag Panama */
    assert_string_equal(sget(j, "schema"), "Vessel");
    assert_true(has(j, "imoNumber", "IMO 7406784") || has(j, "imoNumber", "7406784"));
    assert_true(has(j, "flag", "pa"));
    assert_true(has(j, "previousName", "ANA I"));
    assert_true(has(j, "type", "General Cargo"));
    all_string_arrays(j);
    json_decref(j);
}

/* a country the table cannot resolve stays as written */
static void test_unresolved_country(void **state) {
    (void)state;
    em_entity *e = em_entity_new("custom", "x", "1", "Airplane");
    em_entity_add_name(e, "TEST AIR ONE", EM_NAME_PRIMARY, NULL, NULL);
    em_entity_add_nationality(e, "Atlantis Federation");
    em_entity_add_nationality(e, "Korea, North");
    em_entity_add_identifier(e, EM_ID_OTHER, "5493001KJTIIGC8Y1R12", NULL, "LEI");
    em_identifier *w =
        em_entity_add_identifier(e, EM_ID_CRYPTO, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", NULL,
                                 "Digital Currency Address - XBT");
    em_entity_set(&w->currency, "XBT");
    em_entity_finish(e);
    char *s = em_entity_to_ftm_json(e, NULL, 1);
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_string_equal(sget(j, "schema"), "Airplane");
    assert_true(json_is_null(json_object_get(j, "first_seen"))); /* no history known */
    assert_true(has(j, "nationality", "Atlantis Federation"));
    assert_true(has(j, "nationality", "kp"));
    assert_true(has(j, "leiCode", "5493001KJTIIGC8Y1R12"));
    assert_true(has(j, "cryptoWallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"));
    json_t *cw = json_array_get(prop(j, "cryptoWallets"), 0);
    assert_string_equal(sget(cw, "schema"), "CryptoWallet");
    assert_true(has(cw, "currency", "XBT"));
    all_string_arrays(j);
    json_decref(j);
    free(s);
    em_entity_free(e);
}

static void test_un(void **state) {
    (void)state;
    char *home = tmpdir_new("ftm-un");
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, home, EM_STORE_NO_SEED, &err) != 0) fail_msg("%s", err.message);
    char *un =
        em_xasprintf("%s/lists/un_sc/UN_consolidated_2026-02-27.xml.gz", em_bundled_data_dir());
    import(st, un);
    free(un);
    json_t *j = ftm_of(st, "un-6907993"); /* ERIC BADEGE, CDi.001 */
    assert_string_equal(sget(j, "schema"), "Person");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "datasets"), 0)),
                        "un_sc");
    assert_true(has(j, "name", "ERIC BADEGE"));
    assert_true(has(j, "firstName", "ERIC"));
    assert_true(has(j, "birthDate", "1971"));
    assert_true(has(j, "nationality", "cd"));
    assert_true(has(j, "country", "rw"));
    assert_true(has(j, "unscId", "CDi.001"));
    assert_true(has(j, "program", "DRC"));
    json_t *s = json_array_get(prop(j, "sanctions"), 0);
    assert_true(has(s, "authority", "United Nations Security Council"));
    assert_true(has(s, "startDate", "2012-12-31"));
    assert_non_null(json_object_get(json_object_get(j, "country_names"), "cd"));
    assert_non_null(json_string_value(json_object_get(j, "first_seen")));
    all_string_arrays(j);
    json_decref(j);
    /* an organisation of the UN list */
    em_matcher *m = NULL;
    if (em_matcher_open(&m, st, &err) != 0) fail_msg("%s", err.message);
    em_entity_history h, hs;
    assert_int_equal(em_matcher_entity_history(m, "un-6907993", &h), 0);
    assert_int_equal(em_store_entity_history(st, "un-6907993", 0, &hs, NULL), 0);
    assert_memory_equal(&h, &hs, sizeof h);
    em_matcher_close(m);
    em_store_close(st);
    free(home);
}

/* the snapshot's history agrees with the store's, entity by entity */
static void expect_same(const em_matcher *m, em_store *st, const char *id, int64_t first,
                        int64_t change, int64_t last) {
    em_entity_history a, b;
    em_error err = {0};
    if (em_store_entity_history(st, id, 0, &a, &err) != 0) fail_msg("%s: %s", id, err.message);
    if (em_matcher_entity_history(m, id, &b) != 0) fail_msg("%s: no history in the snapshot", id);
    assert_int_equal(b.first_seen_version, first);
    assert_int_equal(b.last_change_version, change);
    assert_int_equal(b.last_seen_version, last);
    assert_int_equal(a.first_seen_version, b.first_seen_version);
    assert_int_equal(a.last_change_version, b.last_change_version);
    assert_int_equal(a.last_seen_version, b.last_seen_version);
    assert_string_equal(a.first_seen, b.first_seen);
    assert_string_equal(a.last_change, b.last_change);
    assert_string_equal(a.last_seen, b.last_seen);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void test_snapshot_history(void **state) {
    (void)state;
    em_matcher *m = NULL;
    em_error err = {0};
    if (em_matcher_open(&m, ST, &err) != 0) fail_msg("%s", err.message);
    expect_same(m, ST, "ofac-12111", 1, 2, 2);
    expect_same(m, ST, "ofac-39017", 2, 2, 2);
    expect_same(m, ST, "ofac-306", 1, 1, 2);
    em_entity_history h;
    assert_int_equal(em_matcher_entity_history(m, "ofac-nobody", &h), -1);
    em_matcher_close(m);

    /* every entity: the bulk computation agrees with the one-entity query */
    em_entity_list l = {0};
    int64_t *versions = NULL;
    em_buf stamp;
    em_buf_init(&stamp);
    double t0 = now_s();
    if (em_store_load_active(ST, &l, &versions, &stamp, &err) != 0) fail_msg("%s", err.message);
    double t1 = now_s();
    print_message("load_active with history, %zu entities, 2 versions: %.1f ms\n", l.len,
                  (t1 - t0) * 1e3);
    for (size_t i = 0; i < l.len; i += 97) {
        em_entity_history a;
        if (em_store_entity_history(ST, l.items[i]->id, 0, &a, &err) != 0)
            fail_msg("%s", err.message);
        assert_memory_equal(&a, &l.items[i]->history, sizeof a);
    }
    em_entity_list_free(&l);
    free(versions);
    em_buf_free(&stamp);

    /* 2022-09-08 again: the ministry's old facts are a change (version 3), Khatib is gone */
    import(ST, td("ofac/sdn_2022-09-08.csv.gz"));
    if (em_matcher_open(&m, ST, &err) != 0) fail_msg("%s", err.message);
    expect_same(m, ST, "ofac-12111", 1, 3, 3);
    expect_same(m, ST, "ofac-306", 1, 1, 3);
    assert_int_equal(em_matcher_entity_history(m, "ofac-39017", &h), -1);
    em_matcher_close(m);
}

/* a snapshot built from entities without a store knows no history */
static void test_snapshot_without_store(void **state) {
    (void)state;
    char *dir = tmpdir_new("ftm-snap");
    char *path = em_xasprintf("%s/s.emb", dir);
    em_entity_list l = {0};
    em_entity *e = em_entity_new("custom", "x", "1", "Person");
    em_entity_add_name(e, "John Smith", EM_NAME_PRIMARY, NULL, NULL);
    em_entity_finish(e);
    em_entity_list_push(&l, e);
    em_error err = {0};
    char *kdir = em_xasprintf("%s/knowledge", em_bundled_data_dir());
    em_knowledge *k = em_knowledge_load(kdir, &err);
    free(kdir);
    if (!k) fail_msg("%s", err.message);
    if (em_snapshot_build(&l, NULL, k, path, &err) != 0) fail_msg("%s", err.message);
    em_matcher *m = NULL;
    if (em_matcher_open_file(&m, path, &err) != 0) fail_msg("%s", err.message);
    assert_int_equal(em_matcher_entity_count(m), 1);
    em_entity_history h;
    assert_int_equal(em_matcher_entity_history(m, "x-1", &h), -1);
    assert_int_equal(h.first_seen_version, 0);
    em_matcher_close(m);
    em_matcher *names = NULL;
    if (em_matcher_open_names_only(&names, &err) != 0) fail_msg("%s", err.message);
    assert_int_equal(em_matcher_entity_history(names, "x-1", &h), -1);
    em_matcher_close(names);
    em_knowledge_free(k);
    em_entity_list_free(&l);
    free(path);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofac_ministry),
        cmocka_unit_test(test_ofac_person),
        cmocka_unit_test(test_vessel),
        cmocka_unit_test(test_unresolved_country),
        cmocka_unit_test(test_un),
        cmocka_unit_test(test_snapshot_without_store),
        cmocka_unit_test(test_snapshot_history),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
