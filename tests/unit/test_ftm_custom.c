/*
 * test_ftm_custom.c - OpenSanctions FollowTheMoney JSON lines, Senzing JSON
 * lines and the custom-list CSV: the invented fixtures in tests/data, broken
 * inputs, format detection, and an end-to-end import and screening of a custom
 * list. The real OpenSanctions samples in ../shared are test_ftm_shared.c.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/source.h"

/* Fails with EM_ERR_FORMAT, naming the file and `line`, mentioning `what`; nothing emitted. */
static void expect_failure(parse_fn fn, const char *path, long line, const char *what) {
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(fn(path, "t", collect_sink, &l, &meta, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    char want[64];
    snprintf(want, sizeof want, " line %ld", line);
    if (!strstr(err.message, path) || !strstr(err.message, want))
        fail_msg("message lacks file or '%s': %s", want, err.message);
    if (what && !strstr(err.message, what)) fail_msg("message lacks '%s': %s", what, err.message);
    em_entity_list_free(&l);
}

/* ---- FtM: the invented fixture ------------------------------------------ */

static void test_ftm_invented(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_ftm_json, td("ftm/invented.entities.ftm.json"), "opensanctions", &l,
                  &meta);
    assert_string_equal(meta.format, "ftm-json");
    assert_string_equal(meta.published, "2024-06-15");
    /* person, company, vessel, airplane, and the wallet whose holder is absent */
    assert_int_equal(l.len, 5);
    assert_string_equal(l.items[0]->id, "os-inv-person-1"); /* file order */

    em_entity *p = get_entity(&l, "os-inv-person-1");
    assert_string_equal(p->source, "opensanctions");
    assert_string_equal(p->source_id, "inv-person-1");
    assert_string_equal(p->schema, EM_SCHEMA_PERSON);
    assert_string_equal(p->caption, "Jonas Quillfeather");
    assert_string_equal(p->names.items[0].full, "Jonas Quillfeather");
    assert_string_equal(p->names.items[0].kind, EM_NAME_PRIMARY);
    assert_string_equal(get_name(p, "QUILLFEATHER, Jonas")->kind, EM_NAME_AKA);
    assert_string_equal(get_name(p, "Jon Quill")->strength, "strong");
    assert_string_equal(get_name(p, "The Quill")->strength, "weak");
    assert_string_equal(get_name(p, "Jonas Featherquill")->kind, EM_NAME_FKA);
    assert_int_equal(p->names.len, 5);
    assert_int_equal(p->birth_dates.len, 2);
    assert_string_equal(p->birth_dates.items[0].from, "1971-03");
    assert_string_equal(p->birth_dates.items[1].from, "1972");
    assert_string_equal(p->birth_places.items[0], "Ostrava");
    assert_true(em_strvec_contains(&p->nationalities, "cz"));
    assert_true(em_strvec_contains(&p->citizenships, "sk"));
    assert_string_equal(p->gender, "male");
    assert_non_null(find_identifier(p, EM_ID_PASSPORT, "CZ1234567"));
    assert_non_null(find_identifier(p, EM_ID_NATIONAL, "710312/1234"));
    assert_non_null(find_identifier(p, EM_ID_EMAIL, "jonas@quill.example"));
    assert_true(has_prop(p, "topics", "role.oligarch"));
    assert_true(has_prop(p, "source_url", "https://example.org/jonas"));
    assert_true(has_prop(p, "sanction_authority", "Invented Ministry of Sanctions"));
    assert_true(has_program(p, "INV-PROG"));
    assert_true(has_program(p, "Invented Regulation 1/2023"));
    assert_string_equal(p->listed_on, "2023-03-04"); /* the sanction's start, not createdAt */
    assert_string_equal(p->remarks, "Invented for tests.");
    assert_true(has_address_line(p, "1 Feather Lane, Ostrava", NULL));
    assert_true(has_address_line(p, "2 Quill Street, Brno", NULL)); /* via addressEntity */
    /* the ownership line comes before both parties; the family link's relative is absent */
    const em_link *k = get_link(p, "owner_of", "os-inv-co-1");
    assert_string_equal(k->target_name, "Featherstone Trading LLC");
    assert_int_equal(p->links.len, 1);

    em_entity *c = get_entity(&l, "os-inv-co-1");
    assert_string_equal(c->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(get_name(c, "FTL")->strength, "weak");
    assert_true(has_address_line(c, NULL, "cy"));
    assert_non_null(find_identifier(c, EM_ID_REGISTRATION, "HE123456"));
    assert_non_null(find_identifier(c, EM_ID_REGISTRATION, "1027700000001"));
    assert_non_null(find_identifier(c, EM_ID_TAX, "7700000001"));
    assert_non_null(find_identifier(c, EM_ID_BIC, "FTLCCY2N"));
    assert_non_null(find_identifier(c, EM_ID_WEBSITE, "https://featherstone.example"));
    const em_identifier *w = find_identifier(c, EM_ID_CRYPTO, "1QuillXXXXXXXXXXXXXXXXXXXXXXXXXX");
    assert_non_null(w);
    assert_string_equal(w->currency, "XBT");
    assert_string_equal(get_link(c, "owned_by", "os-inv-person-1")->target_name,
                        "Jonas Quillfeather");
    assert_string_equal(c->remarks, "Front company (invented).");
    assert_null(c->listed_on);

    em_entity *v = get_entity(&l, "os-inv-vessel-1");
    assert_string_equal(v->schema, EM_SCHEMA_VESSEL);
    assert_true(has_name(v, "OCEAN FEATHER", EM_NAME_FKA));
    assert_non_null(find_identifier(v, EM_ID_IMO, "9999991"));
    assert_non_null(find_identifier(v, EM_ID_MMSI, "273000001"));
    assert_non_null(find_identifier(v, EM_ID_CALL_SIGN, "UBQL7"));
    assert_true(has_prop(v, "vessel_flag", "ru"));
    assert_string_equal(get_entity(&l, "os-inv-plane-1")->schema, EM_SCHEMA_AIRCRAFT);
    em_entity *wl = get_entity(&l, "os-wallet-2");
    assert_string_equal(find_identifier(wl, EM_ID_CRYPTO, NULL)->currency, "ETH");
    assert_null(find_entity(&l, "os-wallet-1")); /* attached to its holder instead */
    em_entity_list_free(&l);
}

/* ---- FtM: the real OpenSanctions samples -------------------------------- */

/* ---- FtM: broken input -------------------------------------------------- */

#define FTM_OK                                                                                     \
    "{\"id\": \"a\", \"caption\": \"Ann\", \"schema\": \"Person\", \"properties\": {\"name\": "    \
    "[\"Ann\"]}}\n"

static void test_ftm_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("ftm_broken");
    char *p;
    /* a truncated last line (a cut download) */
    char full[2048];
    snprintf(full, sizeof full, "%s%s", FTM_OK, FTM_OK);
    full[strlen(FTM_OK) + 30] = '\0';
    p = write_test_file(dir, "cut.json", full);
    expect_failure(em_parse_ftm_json, p, 2, "invalid JSON");
    free(p);
    p = write_test_file(dir, "garbage.json", FTM_OK "\nthis is not json\n");
    expect_failure(em_parse_ftm_json, p, 3, "invalid JSON");
    free(p);
    p = write_test_file(dir, "array.json", FTM_OK "[1, 2]\n");
    expect_failure(em_parse_ftm_json, p, 2, "JSON object");
    free(p);
    p = write_test_file(dir, "types.json",
                        FTM_OK "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": "
                               "\"Bob\"}}\n");
    expect_failure(em_parse_ftm_json, p, 2, "\"name\" must be an array of strings");
    free(p);
    p = write_test_file(dir, "types2.json",
                        FTM_OK "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": "
                               "[\"Bob\", 7]}}\n");
    expect_failure(em_parse_ftm_json, p, 2, "array of strings");
    free(p);
    p = write_test_file(dir, "noid.json", FTM_OK "{\"schema\": \"Person\", \"properties\": {}}\n");
    expect_failure(em_parse_ftm_json, p, 2, "\"id\"");
    free(p);
    p = write_test_file(dir, "noschema.json",
                        FTM_OK "{\"id\": \"c\", \"schema\": 4, \"properties\": {}}\n");
    expect_failure(em_parse_ftm_json, p, 2, "\"schema\"");
    free(p);
    p = write_test_file(dir, "noprops.json", FTM_OK "{\"id\": \"c\", \"schema\": \"Person\"}\n");
    expect_failure(em_parse_ftm_json, p, 2, "\"properties\"");
    free(p);
    p = write_test_file(dir, "dup.json", FTM_OK "\n" FTM_OK);
    expect_failure(em_parse_ftm_json, p, 3, "appears twice");
    free(p);
    p = write_test_file(dir, "empty.json", "");
    expect_failure(em_parse_ftm_json, p, 1, "no entities");
    free(p);
    p = write_test_file(
        dir, "noparty.json",
        "{\"id\": \"x\", \"schema\": \"Address\", \"properties\": {\"full\": [\"Y\"]}}\n");
    expect_failure(em_parse_ftm_json, p, 2, "no entities");
    free(p);
    /* a late error: nothing at all was emitted (pass 1 validates the whole file) */
    em_entity_list l = {0};
    em_error err = {0};
    p = write_test_file(dir, "late.json", FTM_OK FTM_OK "{\"id\": 1}\n");
    assert_int_equal(em_parse_ftm_json(p, "t", collect_sink, &l, NULL, &err), -1);
    assert_int_equal(l.len, 0);
    free(p);
    free(dir);
}

/* Pass 1 checks a plain party line by one scan of its bytes (ftm_json.c scan_party); what
   it does not take is read through jansson, so errors, the last of a repeated key, and
   the strings kept (a caption with escapes, last_seen) are as jansson gives them. */
static void test_ftm_party_scan(void **state) {
    (void)state;
    char *dir = tmpdir_new("ftm_scan");
    static const char *bad[] = {
        "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\xC3\x28\"]}}\n",
        "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\\u0000\"]}}\n",
        "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\\ud800\"]}}\n",
        "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\\x\"]}}\n",
        "{\"id\": \"b\", \"schema\": \"Person\", \"n\": 1e999, \"properties\": {}}\n",
        "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {}} x\n",
        "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\t\"]}}\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = em_xasprintf("%s%s", FTM_OK, bad[i]);
        char *p = write_test_file(dir, "bad.json", text);
        expect_failure(em_parse_ftm_json, p, 2, "invalid JSON");
        free(p), free(text);
    }
    char *p = write_test_file(dir, "cap.json",
                              FTM_OK "{\"id\": \"b\", \"schema\": \"Person\", \"caption\": 7, "
                                     "\"properties\": {}}\n");
    expect_failure(em_parse_ftm_json, p, 2, "\"caption\" must be a string");
    free(p);
    p = write_test_file(
        dir, "ok.json",
        "{\"id\": \"x\", \"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": "
        "[\"Ann\"]}, \"last_seen\": \"2026-03-04T10:00:00\"}\n"
        "{\"id\": \"c\", \"schema\": \"Company\", \"caption\": \"Caf\\u00e9 "
        "\\\"\\ud83d\\ude00\\\"\","
        " \"properties\": {\"name\": [\"Other\"]}, \"datasets\": [\"t\"], \"target\": true,"
        " \"last_seen\": \"2026-05-06T00:00:00\"}\n"
        "{\"id\": \"o\", \"schema\": \"Ownership\", \"properties\": {\"owner\": [\"a\"], "
        "\"asset\": [\"c\"]}}\n");
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(em_parse_ftm_json(p, "t", collect_sink, &l, &meta, &err), 0);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0]->id, "os-a"); /* the last "id", as jansson reads it */
    assert_int_equal(l.items[0]->links.len, 1);
    assert_string_equal(l.items[0]->links.items[0].target_name, "Caf\xC3\xA9 \"\xF0\x9F\x98\x80\"");
    assert_int_equal(l.items[1]->links.len, 1); /* owned by "a", the id pass 1 kept */
    assert_string_equal(l.items[1]->links.items[0].target_id, "os-a");
    assert_string_equal(meta.published, "2026-05-06");
    em_entity_list_free(&l);
    free(p);
    free(dir);
}

/* Pass 2 builds a plain party line from scan_party's view, without jansson; the same
   line with a number added (which only jansson reads) must give the same entity. */
static void test_ftm_pass2_view(void **state) {
    (void)state;
    char *dir = tmpdir_new("ftm_view");
    static const char *lines[] = {
        "{\"id\": \"p1\", \"schema\": \"Person\", \"caption\": \"Ann \\\"B\\\" Caf\\u00e9\", "
        "\"properties\": {\"name\": [\"Other\", \"Ann \\\"B\\\" Caf\\u00e9\", \"Ann\\nB\"], "
        "\"alias\": [\"Other\", \"A\\ud83d\\ude00\\/x\"], \"weakAlias\": [\"AB\"], "
        "\"birthDate\": [\"1960-05-01T00:00\", \"circa 1961\"], \"gender\": [\"FEMALE\"], "
        "\"nationality\": [\"ir\", \"iq\"], \"country\": [\"ir\"], \"idNumber\": [\"X1\", "
        "\"X1\"], \"passportNumber\": [\"P9\"], \"notes\": [\"n1\"], \"summary\": [\"s\\t2\"], "
        "\"topics\": [\"sanction\"], \"listingDate\": [\"2020-01-02\"], \"empty\": []}, "
        "\"datasets\": [\"d1\", \"d2\"], \"target\": true, \"referents\": []}",
        "{\"id\": \"p2\", \"schema\": \"Company\", \"caption\": null, \"properties\": "
        "{\"name\": [\"Acme LLC\"], \"imoNumber\": [\"IMO 9\"], \"taxNumber\": [\"7\"], "
        "\"innCode\": [\"7\"], \"createdAt\": [\"2019\"], \"address\": [\"1 Road\"]}}",
        "{\"id\": \"p3\", \"schema\": \"Vessel\", \"caption\": \"\", \"properties\": {}, "
        "\"datasets\": []}",
        "{\"schema\": \"Airplane\", \"properties\": {\"name\": [\"Jet\"], \"previousName\": "
        "[\"Old \\\\ jet\"], \"abbreviation\": [\"J\"]}, \"caption\": \"Jet\", \"id\": \"p4\"}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        const char *ln = lines[i];
        size_t n = strlen(ln);
        char *forced = em_xasprintf("%.*s, \"n\": 1}\n", (int)(n - 1), ln); /* jansson only */
        char *plain = em_xasprintf("%s\n", ln);
        char *got[2];
        const char *texts[2] = {plain, forced};
        for (int k = 0; k < 2; k++) {
            char *path = write_test_file(dir, "v.json", texts[k]);
            em_entity_list l = {0};
            em_error err = {0};
            assert_int_equal(em_parse_ftm_json(path, "t", collect_sink, &l, NULL, &err), 0);
            assert_int_equal(l.len, 1);
            got[k] = em_entity_to_json_string(l.items[0], 0);
            em_entity_list_free(&l);
            free(path);
        }
        if (strcmp(got[0], got[1]) != 0)
            fail_msg("line %zu: the view gives\n%s\njansson gives\n%s", i, got[0], got[1]);
        free(got[0]), free(got[1]), free(plain), free(forced);
    }
    free(dir);
}

/* ---- FtM: the nested export (targets.nested.json) ------------------------- */

static void test_ftm_nested(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_ftm_json, td("ftm/invented.targets.nested.json"), "opensanctions", &l,
                  &meta);
    /* the two targets; the relative nested in the person's family is not one */
    assert_int_equal(l.len, 2);
    em_entity *p = get_entity(&l, "os-nst-person-1");
    assert_true(has_program(p, "INV-NESTED"));                        /* a nested Sanction */
    assert_string_equal(p->listed_on, "2023-05-06");                  /* its start date */
    assert_non_null(find_identifier(p, EM_ID_PASSPORT, "EE7654321")); /* a nested Passport */
    assert_true(has_address_line(p, "3 Bramble Road, Tartu", NULL));  /* a nested Address */
    /* the family link names the nested relative, whose back reference ("person")
       the nested Family left out */
    assert_string_equal(get_link(p, "family", "os-nst-rel-1")->target_name, "Tobias Brindlewood");
    /* a nested Ownership that names its owner by id: links on both ends */
    em_entity *c = get_entity(&l, "os-nst-co-1");
    get_link(c, "owned_by", "os-nst-person-1");
    get_link(p, "owner_of", "os-nst-co-1");
    em_entity_list_free(&l);

    /* a nested object is checked like a line, and said to be nested */
    char *dir = tmpdir_new("ftm_nested");
    char *f = write_test_file(dir, "noid.json",
                              FTM_OK "{\"id\": \"b\", \"schema\": \"Person\", \"properties\": "
                                     "{\"name\": [\"B\"], \"sanctions\": [{\"schema\": "
                                     "\"Sanction\", \"properties\": {}}]}}\n");
    expect_failure(em_parse_ftm_json, f, 2, "a nested entity: \"id\"");
    free(f);
    /* nested deeper than NEST_MAX (8) */
    em_buf deep;
    em_buf_init(&deep);
    em_buf_adds(&deep, FTM_OK "{\"id\": \"d0\", \"schema\": \"Person\", \"properties\": {");
    for (int i = 1; i <= 10; i++)
        em_buf_printf(&deep,
                      "\"associates\": [{\"id\": \"d%d\", \"schema\": \"Associate\", "
                      "\"properties\": {",
                      i);
    for (int i = 1; i <= 10; i++)
        em_buf_adds(&deep, "}}]");
    em_buf_adds(&deep, "}}\n");
    em_buf_cstr(&deep);
    f = write_test_file(dir, "deep.json", deep.data);
    expect_failure(em_parse_ftm_json, f, 2, "nested more than 8 deep");
    free(f);
    em_buf_free(&deep);
    free(dir);
}

/* ---- Senzing -------------------------------------------------------------- */

static void test_senzing_invented(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_senzing_json, td("senzing/invented.senzing.json"), "senzing", &l, &meta);
    assert_string_equal(meta.format, "senzing-json");
    assert_string_equal(meta.published, "");
    assert_int_equal(l.len, 2); /* the RECORD_TYPE null position is skipped */

    em_entity *p = get_entity(&l, "sz-p-1");
    assert_string_equal(p->source, "senzing");
    assert_string_equal(p->schema, EM_SCHEMA_PERSON);
    assert_string_equal(p->caption, "Marta Novakova");
    assert_string_equal(p->names.items[0].kind, EM_NAME_PRIMARY);
    assert_string_equal(p->names.items[0].first, "Marta");
    assert_string_equal(p->names.items[0].last, "Novakova");
    assert_true(has_name(p, "Marta Quillfeather-Novak", EM_NAME_AKA));
    assert_string_equal(p->birth_dates.items[0].from, "1980-07-14");
    assert_string_equal(p->gender, "female");
    assert_true(em_strvec_contains(&p->nationalities, "cz"));
    assert_true(em_strvec_contains(&p->citizenships, "at"));
    assert_int_equal(p->addresses.len, 1);
    assert_string_equal(p->addresses.items[0].full, "5 Ink Road, Plzen, 30100, CZ");
    const em_identifier *d = find_identifier(p, EM_ID_PASSPORT, "P7654321");
    assert_non_null(d);
    assert_string_equal(d->country, "CZ");
    assert_non_null(find_identifier(p, EM_ID_NATIONAL, "800714/0001"));
    assert_non_null(find_identifier(p, EM_ID_TAX, "CZ8007140001"));
    assert_true(has_prop(p, "topics", "sanction"));
    assert_true(has_prop(p, "source_url", "https://example.org/marta"));
    assert_true(has_prop(p, "data_source", "INVENTED"));

    em_entity *o = get_entity(&l, "sz-o-1");
    assert_string_equal(o->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(o->caption, "Inkwell Holdings AG");
    assert_true(has_name(o, "Inkwell", EM_NAME_AKA));
    assert_true(has_address_line(o, NULL, "CH"));
    assert_string_equal(find_identifier(o, EM_ID_OTHER, "5299000INVENTED00001")->label, "LEI");
    assert_string_equal(find_identifier(o, EM_ID_OTHER, "CHE-100.000.001")->label, "CHE");
    assert_non_null(find_identifier(o, EM_ID_EMAIL, "info@inkwell.example"));
    em_entity_list_free(&l);
}

#define SZ_OK                                                                                      \
    "{\"RECORD_ID\":\"1\",\"RECORD_TYPE\":\"PERSON\",\"NAMES\":[{\"NAME_FULL\":\"Ann\"}]}\n"

static void test_senzing_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("sz_broken");
    char *p = write_test_file(dir, "cut.json", SZ_OK "{\"RECORD_ID\":\"2\",\"NAMES\":[{\"NAME_F");
    expect_failure(em_parse_senzing_json, p, 2, "invalid JSON");
    free(p);
    p = write_test_file(dir, "garbage.json", SZ_OK "\x01\x02 nonsense\n");
    expect_failure(em_parse_senzing_json, p, 2, "invalid JSON");
    free(p);
    p = write_test_file(dir, "noid.json", SZ_OK "{\"NAMES\":[{\"NAME_FULL\":\"B\"}]}\n");
    expect_failure(em_parse_senzing_json, p, 2, "RECORD_ID");
    free(p);
    p = write_test_file(dir, "names.json", SZ_OK "{\"RECORD_ID\":\"2\",\"NAMES\":\"B\"}\n");
    expect_failure(em_parse_senzing_json, p, 2, "NAMES must be an array");
    free(p);
    p = write_test_file(dir, "nametype.json",
                        SZ_OK "{\"RECORD_ID\":\"2\",\"NAMES\":[{\"NAME_FULL\":[1]}]}\n");
    expect_failure(em_parse_senzing_json, p, 2, "NAME_FULL must be a string");
    free(p);
    p = write_test_file(dir, "elem.json", SZ_OK "{\"RECORD_ID\":\"2\",\"DATES\":[\"1970\"]}\n");
    expect_failure(em_parse_senzing_json, p, 2, "must be objects");
    free(p);
    p = write_test_file(dir, "noname.json",
                        SZ_OK "{\"RECORD_ID\":\"2\",\"RECORD_TYPE\":\"PERSON\"}\n");
    expect_failure(em_parse_senzing_json, p, 2, "has no name");
    free(p);
    p = write_test_file(dir, "type.json", SZ_OK "{\"RECORD_ID\":\"2\",\"RECORD_TYPE\":3}\n");
    expect_failure(em_parse_senzing_json, p, 2, "RECORD_TYPE");
    free(p);
    p = write_test_file(dir, "empty.json", "\n\n");
    expect_failure(em_parse_senzing_json, p, 3, "no records");
    free(p);
    free(dir);
}

/* ---- custom CSV ------------------------------------------------------------ */

static void test_custom_csv(void **state) {
    (void)state;
    em_entity_list l;
    em_parse_meta meta;
    parse_list_ok(em_parse_custom_csv, td("custom/internal_list.csv"), "internal_blocked", &l,
                  &meta);
    assert_string_equal(meta.format, "custom-csv");
    assert_string_equal(meta.published, "");
    assert_int_equal(l.len, 10);
    assert_int_equal(count_schema(&l, EM_SCHEMA_PERSON), 5);
    assert_int_equal(count_schema(&l, EM_SCHEMA_ORGANIZATION), 2);
    assert_int_equal(count_schema(&l, EM_SCHEMA_VESSEL), 1);
    assert_int_equal(count_schema(&l, EM_SCHEMA_AIRCRAFT), 1);
    assert_int_equal(count_schema(&l, EM_SCHEMA_LEGAL_ENTITY), 1);

    em_entity *b = get_entity(&l, "internal_blocked-1");
    assert_string_equal(b->source, "internal_blocked");
    assert_string_equal(b->source_id, "1");
    assert_string_equal(b->caption, "Bartholomew Inkridge");
    assert_string_equal(b->names.items[0].kind, EM_NAME_PRIMARY);
    assert_string_equal(get_name(b, "Bart Inkridge")->strength, "strong");
    assert_true(has_name(b, "B. Inkridge", EM_NAME_AKA));
    assert_string_equal(get_name(b, "The Inkman")->strength, "weak");
    assert_int_equal(b->names.len, 4);
    assert_string_equal(b->birth_dates.items[0].from, "1969-11-02");
    assert_int_equal(b->nationalities.len, 2);
    assert_string_equal(b->nationalities.items[1], "ie");
    assert_string_equal(b->gender, "male");
    assert_string_equal(b->addresses.items[0].full, "12 Quay Street, Dublin");
    assert_non_null(find_identifier(b, EM_ID_PASSPORT, "GB0000001"));
    assert_non_null(find_identifier(b, EM_ID_EMAIL, "bart@inkridge.example"));
    assert_true(has_program(b, "FRAUD"));
    assert_string_equal(b->listed_on, "2021-03-15");
    assert_string_equal(b->remarks, "Closed account after card fraud");

    em_entity *q = get_entity(&l, "internal_blocked-3");
    assert_string_equal(q->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(q->remarks, "Shell company; \"do not onboard\"");
    assert_true(has_address_line(q, NULL, "gb"));
    assert_non_null(find_identifier(q, EM_ID_REGISTRATION, "GB-09999999"));
    assert_int_equal(q->programs.len, 2);

    em_entity *m = get_entity(&l, "internal_blocked-7");
    assert_string_equal(m->gender, "female");
    assert_string_equal(m->addresses.items[0].full, "Via Inchiostro 7\n20100 Milano");
    assert_string_equal(m->remarks, "Multi-line note:\nfirst seen in 2024");
    const em_identifier *w =
        find_identifier(m, EM_ID_CRYPTO, "0x0000000000000000000000000000000000000007");
    assert_non_null(w);
    assert_string_equal(w->currency, "ETH");
    assert_string_equal(
        find_identifier(m, EM_ID_CRYPTO, "1Pennaferro000000000000000000000")->currency, "XBT");

    em_entity *t = get_entity(&l, "internal_blocked-8");
    assert_int_equal(t->birth_dates.len, 2);
    assert_string_equal(t->birth_dates.items[0].from, "1955-05");
    assert_non_null(find_identifier(t, EM_ID_OTHER, "Customer 8008"));
    assert_string_equal(get_entity(&l, "internal_blocked-6")->schema, EM_SCHEMA_LEGAL_ENTITY);
    assert_non_null(find_identifier(get_entity(&l, "internal_blocked-4"), EM_ID_IMO, "9000004"));
    assert_string_equal(get_name(get_entity(&l, "internal_blocked-10"), "أميرة قيلان")->script,
                        "Arab");
    em_entity_list_free(&l);

    /* the default source name is the prefix too */
    parse_list_ok(em_parse_custom_csv, td("custom/internal_list.csv"), "custom", &l, &meta);
    assert_non_null(find_entity(&l, "custom-10"));
    em_entity_list_free(&l);
}

#define CSV_HEAD "id,schema,name,birth_date,identifiers\n"

static void test_custom_csv_errors(void **state) {
    (void)state;
    char *dir = tmpdir_new("custom_broken");
    struct {
        const char *name, *content;
        long line;
        const char *what;
    } cases[] = {
        {"noname.csv", "id,schema,aliases\n1,Person,X\n", 1, "missing required column 'name'"},
        {"noid.csv", "name,id\nA,1\n", 1, "must start with the column 'id'"},
        {"unknown.csv", "id,name,nationalty\n1,A,fr\n", 1, "unknown column 'nationalty'"},
        {"emptyid.csv", CSV_HEAD "1,Person,A,,\n,Person,B,,\n", 3, "empty id"},
        {"emptyname.csv", CSV_HEAD "1,Person,A,,\n2,Person,  ,,\n", 3, "empty name"},
        {"dup.csv", CSV_HEAD "7,Person,A,,\n8,Person,B,,\n7,Person,C,,\n", 4, "duplicate id '7'"},
        {"date.csv", CSV_HEAD "1,Person,A,1970-13-01,\n", 2, "bad date"},
        {"date2.csv", CSV_HEAD "1,Person,A,1970|02/03/1971,\n", 2, "'02/03/1971'"},
        {"idtype.csv", CSV_HEAD "1,Person,A,,passport:X1|shoe_size:44\n", 2,
         "unknown identifier type"},
        {"idnotype.csv", CSV_HEAD "1,Person,A,,X123\n", 2, "without a type"},
        {"schema.csv", CSV_HEAD "1,Robot,A,,\n", 2, "unknown schema 'Robot'"},
        {"cols.csv", CSV_HEAD "1,Person,A\n", 2, "expected 5 columns"},
        {"quote.csv", CSV_HEAD "1,Person,\"A,,\n2,Person,B,,\n", 2, "unterminated quoted field"},
        {"gender.csv", "id,name,gender\n1,A,x\n", 2, "gender"},
        {"listed.csv", "id,name,listed_on\n1,A,yesterday\n", 2, "listed_on"},
        {"header_only.csv", CSV_HEAD, 2, "no rows"},
        {"empty.csv", "", 1, "empty file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *p = write_test_file(dir, cases[i].name, cases[i].content);
        expect_failure(em_parse_custom_csv, p, cases[i].line, cases[i].what);
        free(p);
    }
    /* x_ columns are kept as properties; a BOM and CRLF line ends are fine */
    char *p = write_test_file(dir, "extra.csv",
                              "\xEF\xBB\xBFid,name,x_customer_ref\r\n1,Ann Example,C-77\r\n");
    em_entity_list l;
    parse_list_ok(em_parse_custom_csv, p, "custom", &l, NULL);
    assert_int_equal(l.len, 1);
    assert_true(has_prop(l.items[0], "customer_ref", "C-77"));
    assert_string_equal(l.items[0]->schema, EM_SCHEMA_LEGAL_ENTITY);
    em_entity_list_free(&l);
    free(p);
    free(dir);
}

/* ---- detection and the store ---------------------------------------------- */

static void test_detect(void **state) {
    (void)state;
    em_error err = {0};
    assert_int_equal(em_detect_format(td("ftm/invented.entities.ftm.json"), &err), EM_FMT_FTM_JSON);
    assert_int_equal(em_detect_format(td("senzing/invented.senzing.json"), &err),
                     EM_FMT_SENZING_JSON);
    assert_int_equal(em_detect_format(td("custom/internal_list.csv"), &err), EM_FMT_CUSTOM_CSV);
    assert_string_equal(em_format_name(EM_FMT_CUSTOM_CSV), "custom-csv");
    char *dir = tmpdir_new("ftm_detect");
    char *p = write_test_file(dir, "other.json", "{\"hello\": \"world\"}\n");
    assert_int_equal(em_detect_format(p, &err), EM_FMT_UNKNOWN);
    assert_non_null(strstr(err.message, "JSON of an unknown layout"));
    free(p);
    free(dir);
}

static void test_store_custom_list(void **state) {
    (void)state;
    char *home = tmpdir_new("custom_store");
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, home, EM_STORE_NO_SEED, &err) != 0) fail_msg("%s", err.message);
    const char *paths[] = {td("custom/internal_list.csv")};
    em_import_report *rep = NULL;
    if (em_store_import(st, paths, 1, "internal_blocked", &rep, &err) != 0)
        fail_msg("%s", err.message);
    assert_int_equal(em_import_report_count(rep), 1);
    const em_import_result *r = em_import_report_get(rep, 0);
    assert_string_equal(r->source, "internal_blocked");
    assert_string_equal(r->format, "custom-csv");
    assert_int_equal(r->entities, 10);
    em_import_report_free(rep);

    /* the FtM fixture alongside, under its default source name */
    const char *ftm[] = {td("ftm/invented.entities.ftm.json")};
    if (em_store_import(st, ftm, 1, NULL, &rep, &err) != 0) fail_msg("%s", err.message);
    assert_string_equal(em_import_report_get(rep, 0)->source, "opensanctions");
    assert_string_equal(em_import_report_get(rep, 0)->published, "2024-06-15");
    em_import_report_free(rep);

    em_version_list *vl = NULL;
    if (em_store_versions(st, "internal_blocked", &vl, &err) != 0) fail_msg("%s", err.message);
    assert_int_equal(em_version_list_count(vl), 1);
    const em_version_info *v = em_version_list_get(vl, 0);
    assert_int_equal(v->active, 1);
    assert_string_equal(v->format, "custom-csv");
    assert_int_equal(v->entities, 10);
    assert_int_equal(v->persons, 5);
    assert_int_equal(v->vessels, 1);
    em_version_list_free(vl);

    /* screened like any other list: a misspelled name finds the listed person */
    em_matcher *m = NULL;
    if (em_matcher_open(&m, st, &err) != 0) fail_msg("%s", err.message);
    em_searcher *s = em_searcher_new(m, &err);
    assert_non_null(s);
    em_query q = {0};
    q.name = "Bartolomew Inkrige";
    em_results *res = NULL;
    if (em_search(s, &q, &res, &err) != 0) fail_msg("%s", err.message);
    assert_true(em_results_count(res) >= 1);
    const em_result *top = em_results_get(res, 0);
    assert_string_equal(top->id, "internal_blocked-1");
    assert_string_equal(top->source, "internal_blocked");
    assert_int_equal(top->match, 1);
    em_results_free(res);
    q.name = "Jonas Quilfeather";
    if (em_search(s, &q, &res, &err) != 0) fail_msg("%s", err.message);
    assert_string_equal(em_results_get(res, 0)->id, "os-inv-person-1");
    em_results_free(res);
    em_searcher_free(s);
    em_matcher_close(m);

    /* a malformed custom list changes nothing */
    char *bad = em_xasprintf("%s/bad.csv", home);
    FILE *f = fopen(bad, "wb");
    fputs("id,name\n1,A\n1,B\n", f);
    fclose(f);
    const char *bp[] = {bad};
    assert_int_equal(em_store_import(st, bp, 1, "internal_blocked", NULL, &err), -1);
    assert_non_null(strstr(err.message, "duplicate id"));
    if (em_store_versions(st, "internal_blocked", &vl, &err) != 0) fail_msg("%s", err.message);
    assert_int_equal(em_version_list_count(vl), 1);
    em_version_list_free(vl);
    free(bad);
    em_store_close(st);
    free(home);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ftm_invented),      cmocka_unit_test(test_ftm_broken),
        cmocka_unit_test(test_ftm_party_scan),    cmocka_unit_test(test_ftm_pass2_view),
        cmocka_unit_test(test_ftm_nested),        cmocka_unit_test(test_senzing_invented),
        cmocka_unit_test(test_senzing_broken),    cmocka_unit_test(test_custom_csv),
        cmocka_unit_test(test_custom_csv_errors), cmocka_unit_test(test_detect),
        cmocka_unit_test(test_store_custom_list),
    };
    return cmocka_run_group_tests_name("ftm, senzing and custom lists", tests, NULL, NULL);
}
