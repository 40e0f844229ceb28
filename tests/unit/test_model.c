/*
 * test_model.c - the entity model: building, de-duplication, script guess,
 * and the JSON round trip the store depends on.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void test_build_and_dedupe(void **state) {
    (void)state;
    em_entity *e = em_entity_new("ofac_sdn", "ofac", "39017", EM_SCHEMA_PERSON);
    assert_string_equal(e->id, "ofac-39017");
    assert_non_null(em_entity_add_name(e, "KHATIB, Esmail", EM_NAME_PRIMARY, NULL, NULL));
    assert_null(em_entity_add_name(e, "KHATIB, Esmail", EM_NAME_PRIMARY, NULL, NULL));
    assert_null(em_entity_add_name(e, "", EM_NAME_AKA, NULL, NULL));
    assert_non_null(em_entity_add_name(e, "KHATIB, Seyed Esmaeil", EM_NAME_AKA, "strong", NULL));
    em_entity_add_program(e, "CYBER2");
    em_entity_add_program(e, "CYBER2");
    assert_int_equal(e->programs.len, 1);
    assert_non_null(em_entity_add_birth_date(e, "1960 to 1961", "1960", "1961", 0));
    assert_null(em_entity_add_birth_date(e, "1960 to 1961", "1960", "1961", 0));
    em_entity_add_address(e, NULL, "Tehran", NULL, NULL, "Iran");
    em_entity_finish(e);
    assert_string_equal(e->caption, "KHATIB, Esmail");
    assert_string_equal(e->addresses.items[0].full, "Tehran, Iran");
    assert_string_equal(e->names.items[0].script, "Latn");
    em_entity_free(e);
}

static void test_script_guess(void **state) {
    (void)state;
    assert_string_equal(em_guess_script("اسماعیل خطیب"), "Arab");
    assert_string_equal(em_guess_script("Сергей Лавров"), "Cyrl");
    assert_string_equal(em_guess_script("金正恩"), "Hani");
    assert_null(em_guess_script("1234 - ."));
}

static void test_json_round_trip(void **state) {
    (void)state;
    em_entity *e = em_entity_new("un_sc", "un", "6908555", EM_SCHEMA_PERSON);
    em_entity_add_name(e, "ERIC BADEGE", EM_NAME_PRIMARY, NULL, NULL);
    em_name *n = em_entity_add_name(e, "Eric Badege", EM_NAME_AKA, "weak", NULL);
    em_entity_set(&n->first, "Eric");
    em_entity_add_birth_date(e, "circa 1971", "1971", NULL, 1);
    em_identifier *d =
        em_entity_add_identifier(e, EM_ID_CRYPTO, "1ABC", NULL, "Digital Currency Address - XBT");
    em_entity_set(&d->currency, "XBT");
    em_entity_add_link(e, "linked_to", "ofac-12111", "MOIS");
    em_entity_add_prop(e, "title", "General");
    em_entity_add_nationality(e, "Democratic Republic of the Congo");
    em_entity_set(&e->remarks, "He fled to Rwanda.");
    em_entity_finish(e);

    char *s1 = em_entity_to_json_string(e, 0);
    json_t *j = json_loads(s1, 0, NULL);
    assert_non_null(j);
    em_error err = {0};
    em_entity *back = em_entity_from_json(j, &err);
    json_decref(j);
    assert_non_null(back);
    char *s2 = em_entity_to_json_string(back, 0);
    assert_string_equal(s1, s2);
    assert_int_equal(back->birth_dates.items[0].circa, 1);
    assert_string_equal(back->identifiers.items[0].currency, "XBT");
    free(s1);
    free(s2);
    em_entity_free(e);
    em_entity_free(back);
}

static void test_from_json_rejects_garbage(void **state) {
    (void)state;
    em_error err = {0};
    json_t *j = json_pack("{s:i}", "id", 3);
    assert_null(em_entity_from_json(j, &err));
    assert_int_equal(err.code, EM_ERR_FORMAT);
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_dedupe),
        cmocka_unit_test(test_script_guess),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_from_json_rejects_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
