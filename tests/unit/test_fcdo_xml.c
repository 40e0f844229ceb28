/*
 * test_fcdo_xml.c - the FCDO UK Sanctions List XML export: a person, an
 * entity and a ship pinned fact by fact, refusal of broken files, and an
 * import through the store that links the UK listing to the UN one.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/source.h"

static void test_sample(void **state) {
    (void)state;
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(em_detect_format(td("uk/fcdo_sample.xml"), &err), EM_FMT_UK_FCDO_XML);
    assert_int_equal(
        em_parse_uk_fcdo_xml(td("uk/fcdo_sample.xml"), "uk_fcdo", collect_sink, &l, &meta, &err),
        0);
    assert_int_equal(l.len, 3);
    assert_string_equal(meta.published, "2025-08-11");
    assert_string_equal(meta.format, "uk-fcdo-xml");

    em_entity *p = find_entity(&l, "ukfcdo-AQD0001");
    assert_non_null(p);
    assert_string_equal(p->schema, EM_SCHEMA_PERSON);
    assert_string_equal(p->caption, "Aiman Muhammed Rabi AL-ZAWAHIRI");
    assert_true(has_name(p, "Ayman AL-ZAWAHARI", EM_NAME_AKA));
    assert_true(has_name(p, "Abu Fatma", EM_NAME_AKA));
    assert_true(has_name(p, "أيمن محمد ربيع الظواهري", EM_NAME_AKA));
    for (size_t i = 0; i < p->names.len; i++)
        if (!strcmp(p->names.items[i].full, "Abu Fatma"))
            assert_string_equal(p->names.items[i].strength, "weak");
    assert_string_equal(p->birth_dates.items[0].from, "1951-06-19");
    assert_true(em_strvec_contains(&p->nationalities, "Egypt"));
    assert_true(em_strvec_contains(&p->birth_places, "Giza, Egypt"));
    assert_string_equal(p->gender, "male");
    assert_non_null(find_identifier(p, EM_ID_PASSPORT, "1084010"));
    assert_non_null(find_identifier(p, EM_ID_OTHER, "QDi.006"));
    assert_true(has_program(p, "The ISIL (Da'esh) and Al-Qaida organisations"));
    assert_string_equal(p->listed_on, "2001-02-23");
    assert_string_equal(p->addresses.items[0].country, "Pakistan");

    em_entity *o = find_entity(&l, "ukfcdo-RUS9901");
    assert_string_equal(o->schema, EM_SCHEMA_ORGANIZATION);
    assert_true(has_name(o, "OOO SEVERNY VETER", EM_NAME_AKA));
    assert_non_null(find_identifier(o, EM_ID_REGISTRATION, "1027700000000"));
    assert_string_equal(o->addresses.items[0].street, "12 Example Street, Moscow, 101000");

    em_entity *v = find_entity(&l, "ukfcdo-RUS9902");
    assert_string_equal(v->schema, EM_SCHEMA_VESSEL);
    assert_non_null(find_identifier(v, EM_ID_IMO, "9999991"));
    em_entity_list_free(&l);
}

static void test_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("fcdo_xml");
    char *cut = em_xasprintf("%s/cut.xml", dir);
    copy_file(td("uk/fcdo_sample.xml"), cut, 2500);
    em_entity_list l = {0};
    em_error err = {0};
    assert_int_equal(em_parse_uk_fcdo_xml(cut, "uk_fcdo", collect_sink, &l, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, "cut.xml"));
    assert_non_null(strstr(err.message, "line"));
    em_entity_list_free(&l);
    /* a designation without its UniqueID */
    char *noid = em_xasprintf("%s/noid.xml", dir);
    FILE *f = fopen(noid, "w");
    fputs("<Designations><Designation><Names><Name><Name6>X</Name6></Name></Names>"
          "</Designation></Designations>",
          f);
    fclose(f);
    assert_int_equal(em_parse_uk_fcdo_xml(noid, "uk_fcdo", collect_sink, &l, NULL, &err), -1);
    assert_non_null(strstr(err.message, "UniqueID"));
    em_entity_list_free(&l);
    free(cut);
    free(noid);
    free(dir);
}

static void test_import_links_un(void **state) {
    (void)state;
    char *dir = tmpdir_new("fcdo_store");
    em_store *st = NULL;
    em_error err = {0};
    assert_int_equal(em_store_open(&st, dir, EM_STORE_NO_SEED, &err), 0);
    const char *paths[] = {td("uk/fcdo_sample.xml"),
                           BUNDLED_DATA_DIR "/lists/un_sc/UN_consolidated_2026-02-27.xml.gz"};
    em_import_report *r = NULL;
    assert_int_equal(em_store_import(st, paths, 2, NULL, &r, &err), 0);
    em_import_report_free(r);
    em_matcher *m = NULL;
    assert_int_equal(em_matcher_open(&m, st, &err), 0);
    char *rel = em_matcher_related(m, "ukfcdo-AQD0001");
    assert_non_null(strstr(rel, "\"source\":\"un_sc\""));
    assert_non_null(strstr(rel, "UN reference QDi.006"));
    free(rel);
    em_matcher_close(m);
    em_store_close(st);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_broken),
        cmocka_unit_test(test_import_links_un),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
