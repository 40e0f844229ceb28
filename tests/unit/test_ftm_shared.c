/*
 * test_ftm_shared.c - the FollowTheMoney and Senzing parsers on the real
 * OpenSanctions samples in ../shared/data (CC BY-NC, read in place, never
 * copied into the repository). Without ../shared the whole executable exits 77,
 * which CTest reports as skipped (SKIP_RETURN_CODE), not as passed. The
 * invented fixtures in tests/data are test_ftm_custom.c.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/source.h"

#define SHARED_OS TEST_DATA_DIR "/../../../shared/data/opensanctions/"
#define ZALA SHARED_OS "yente_fixture_zala.entities.ftm.json"
#define T1 SHARED_OS "yente_fixture_t1.entities.ftm.json"
#define CONGRESS SHARED_OS "watchman_us_congress_senzing.json"

static void test_ftm_zala(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_ftm_json, ZALA, "opensanctions", &l, &meta);
    assert_int_equal(l.len, 17);
    assert_int_equal(count_schema(&l, EM_SCHEMA_PERSON), 6);
    assert_int_equal(count_schema(&l, EM_SCHEMA_ORGANIZATION), 11);
    assert_string_equal(meta.published, "2026-04-29");

    /* LLC CST (ZALA Aero): names, aliases, country, registration numbers, sanctions */
    em_entity *c = get_entity(&l, "os-NK-abdzbEBkqyT29GyREbiURZ");
    assert_string_equal(c->caption, "LLC CST");
    assert_string_equal(c->names.items[0].full, "LLC CST");
    assert_string_equal(c->names.items[0].kind, EM_NAME_PRIMARY);
    assert_true(has_name(c, "Zala Aero Group", EM_NAME_AKA));
    assert_string_equal(get_name(c, "ZALA AERO GROUP—Unmanned Systems")->strength, "strong");
    assert_string_equal(get_name(c, "TsST LLC")->strength, "weak");
    assert_string_equal(get_name(c, "ザラ・アエロ")->script, "Kana");
    assert_true(has_address_line(c, NULL, "ru"));
    assert_true(
        has_address_line(c, "3/2 Perunovsky Lane, Floor 3, Room 21, Moscow, 127055, Russia", NULL));
    assert_non_null(find_identifier(c, EM_ID_REGISTRATION, "1091841000624"));
    assert_non_null(find_identifier(c, EM_ID_REGISTRATION, "1101841007938"));
    assert_non_null(find_identifier(c, EM_ID_TAX, "1841015504"));
    assert_non_null(find_identifier(c, EM_ID_TAX, "1841001815"));
    assert_non_null(find_identifier(c, EM_ID_EMAIL, "info@zala.aero"));
    assert_true(has_program(c, "EU-UKR"));
    assert_true(has_program(c, "RUSSIA-EO14024"));
    assert_true(has_prop(c, "sanction_authority", "Office of Foreign Assets Control"));
    assert_true(has_prop(c, "topics", "export.control"));
    assert_string_equal(c->listed_on, "2021-10-30"); /* the earliest sanction date */
    assert_string_equal(get_link(c, "owned_by", "os-NK-nR5AXM9AVPq4pQaSPSaVam")->target_name,
                        "JSC Kalashnikov Concern");
    get_link(c, "has_director", "os-NK-mCEmxFfuhfdjpC8gsxH74o");

    /* Alexander Vyacheslavovich ZAKHAROV: a person with family, ownership and passport */
    em_entity *p = get_entity(&l, "os-NK-aU5ybkbRFJucf8YMwsJvDw");
    assert_string_equal(p->schema, EM_SCHEMA_PERSON);
    assert_string_equal(p->caption, "Alexander Vyacheslavovich ZAKHAROV");
    assert_string_equal(p->names.items[0].full, "Alexander Vyacheslavovich ZAKHAROV");
    assert_true(has_name(p, "Захаров Александр Вячеславович", EM_NAME_AKA));
    assert_string_equal(get_name(p, "Захаров Александр Вячеславович")->script, "Cyrl");
    assert_int_equal(p->birth_dates.len, 1);
    assert_string_equal(p->birth_dates.items[0].from, "1965-09-21");
    assert_true(em_strvec_contains(&p->birth_places, "Izhevsk, Russia"));
    assert_true(em_strvec_contains(&p->nationalities, "ru"));
    assert_true(em_strvec_contains(&p->citizenships, "ru"));
    assert_string_equal(p->gender, "male");
    assert_non_null(find_identifier(p, EM_ID_TAX, "183111242406"));
    assert_true(has_address_line(p, "272 Pushkinskaya Street, Apt 41, Izhevsk, 426008", NULL));
    assert_true(has_prop(p, "birth_country", "ru"));
    assert_true(has_prop(p, "sanction_authority", "State Secretariat for Economic Affairs"));
    assert_true(has_program(p, "364/2023"));
    assert_string_equal(p->listed_on, "2023-07-01");
    get_link(p, "owner_of", "os-NK-abdzbEBkqyT29GyREbiURZ");
    get_link(p, "owner_of", "os-ru-inn-5920040846");
    get_link(p, "director_of", "os-NK-SiYwWfxwLVrVeFswsvAvsm");
    get_link(p, "family", "os-NK-JseaPJctnK9o8wrmz8xmoT");
    get_link(p, "family", "os-NK-2Tbri3s6GgNtAwsSXh4qpL"); /* he is the relative there */
    /* 7 companies owned, 2 directorships, 4 relatives; several Ownership lines repeat a pair */
    assert_int_equal(p->links.len, 14);
    em_entity_list_free(&l);
}

static void test_ftm_t1(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_ftm_json, T1, "opensanctions", &l, &meta);
    assert_int_equal(l.len, 6); /* the Address line is not a party */
    assert_int_equal(count_schema(&l, EM_SCHEMA_PERSON), 4);
    assert_int_equal(count_schema(&l, EM_SCHEMA_ORGANIZATION), 2);
    assert_string_equal(meta.published, "2024-06-01");

    em_entity *o = get_entity(&l, "os-NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_string_equal(o->caption, "RAB „Inter Tobacco“");
    assert_string_equal(o->names.items[0].full, "RAB „Inter Tobacco“"); /* third in the file */
    assert_int_equal(o->names.len, 12);
    assert_string_equal(get_name(o, "“Inter Tobacco” LLC")->kind, EM_NAME_AKA);
    assert_string_equal(get_name(o, "Εταιρία περιορισμένης ευθύνης “Inter Tobacco”")->script,
                        "Grek");
    assert_true(has_address_line(o, NULL, "by"));
    assert_non_null(find_identifier(o, EM_ID_REGISTRATION, "808000714"));
    assert_string_equal(o->listed_on, "2022-06-03"); /* createdAt */
    assert_string_equal(o->remarks, "Belarus (Minsk Free Economic Zone)");
    assert_true(has_prop(o, "dataset", "eu_fsf"));
    assert_true(has_prop(o, "topics", "sanction"));

    em_entity *p = get_entity(&l, "os-NK-2Ka3UvopqbpZmVDFjWd4LA");
    assert_string_equal(p->caption, "Vitaly Yurievich KUZMENKO");
    assert_int_equal(p->names.len, 3);
    assert_string_equal(p->birth_dates.items[0].from, "1971-01-22");
    assert_string_equal(p->gender, "male");
    assert_true(em_strvec_contains(&p->nationalities, "ru"));
    assert_non_null(find_identifier(p, EM_ID_TAX, "366510784303"));
    assert_true(has_prop(p, "position", "General Director of JSC 163 Armor Repair Plant"));
    assert_string_equal(p->listed_on, "2024-02-23");
    em_entity_list_free(&l);
}

static void test_senzing_congress(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_senzing_json, CONGRESS, "senzing", &l, &meta);
    assert_int_equal(l.len, 1317); /* 1319 lines, two positions with RECORD_TYPE null */
    assert_int_equal(count_schema(&l, EM_SCHEMA_PERSON), 1317);
    assert_null(find_entity(&l, "sz-Q13218630"));

    em_entity *p = get_entity(&l, "sz-NK-AQ4HymsADSK2D63MkyTqfC");
    assert_string_equal(p->caption, "Jennifer L. McClellan");
    assert_int_equal(p->names.len, 1);
    assert_string_equal(p->birth_dates.items[0].from, "1972");
    assert_true(em_strvec_contains(&p->nationalities, "us"));
    assert_true(has_prop(p, "topics", "role.pep"));
    assert_true(has_prop(p, "data_source", "OS_US_CONGRESS"));
    assert_string_equal(find_identifier(p, EM_ID_OTHER, "NK-AQ4HymsADSK2D63MkyTqfC")->label,
                        "OPEN_SANCTIONS");

    em_entity *f = get_entity(&l, "sz-Q101198561");
    assert_string_equal(f->caption, "Scott Franklin");
    assert_string_equal(get_name(f, "C. Scott Franklin")->kind, EM_NAME_AKA);
    assert_string_equal(f->birth_dates.items[0].from, "1964");
    assert_string_equal(find_identifier(f, EM_ID_OTHER, "Q101198561")->label, "WIKIDATA");
    assert_true(has_prop(f, "source_url", "https://www.opensanctions.org/entities/Q101198561"));
    em_entity_list_free(&l);
}

static void test_detect_shared(void **state) {
    (void)state;
    em_error err = {0};
    assert_int_equal(em_detect_format(ZALA, &err), EM_FMT_FTM_JSON);
    assert_int_equal(em_detect_format(T1, &err), EM_FMT_FTM_JSON);
    assert_int_equal(em_detect_format(CONGRESS, &err), EM_FMT_SENZING_JSON);
}

int main(void) {
    const char *need[] = {ZALA, T1, CONGRESS};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        if (access(need[i], R_OK) != 0) {
            printf("skipped: %s is not available (../shared is absent)\n", need[i]);
            return 77;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ftm_zala),
        cmocka_unit_test(test_ftm_t1),
        cmocka_unit_test(test_senzing_congress),
        cmocka_unit_test(test_detect_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
