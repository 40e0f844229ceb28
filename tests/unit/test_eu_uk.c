/*
 * test_eu_uk.c - the EU Financial Sanctions Files (XML 1.1 fixture, CSV 1.0
 * real sample), the UK OFSI consolidated list CSV and the FCDO UK Sanctions
 * List summary (CSV and ODS) parsers: counts taken from the files, entities
 * pinned fact by fact, broken inputs, and an end-to-end import.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/source.h"

#define EU_XML TEST_DATA_DIR "/eu/eu_fsf_sample.xml"
#define EU_CSV TEST_DATA_DIR "/eu/EU_FSF_csv1.0_2018-07-04_first999rows.csv.gz"
#define OFSI_CSV TEST_DATA_DIR "/uk/OFSI_ConList_2018-04-13.csv.gz"
#define FCDO_CSV TEST_DATA_DIR "/uk/FCDO_UK_Sanctions_List_summary_2025-08-11.DERIVED.csv.gz"
#define FCDO_ODS TEST_DATA_DIR "/uk/FCDO_UK_Sanctions_List_summary_2025-08-11.ods"

/* ---- helpers --------------------------------------------------------------- */

static em_entity_list parse_ok(parse_fn fn, const char *path, em_parse_meta *meta) {
    em_entity_list l = {0};
    em_error err = {0};
    if (fn(path, NULL, collect_sink, &l, meta, &err) != 0)
        fail_msg("parse failed: %s", err.message);
    return l;
}

static void count_schemas(const em_entity_list *l, size_t *p, size_t *o, size_t *v) {
    *p = *o = *v = 0;
    for (size_t i = 0; i < l->len; i++) {
        const char *s = l->items[i]->schema;
        *p += strcmp(s, EM_SCHEMA_PERSON) == 0;
        *o += strcmp(s, EM_SCHEMA_ORGANIZATION) == 0;
        *v += strcmp(s, EM_SCHEMA_VESSEL) == 0;
    }
}

/* A plain copy of the first `limit` decompressed bytes of a (gzip) file. */
static char *cut_copy(const char *dir, const char *src, const char *name, long limit) {
    char *plain = em_xasprintf("%s/%s.full", dir, name);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gzip -dcf '%s' > '%s'", src, plain);
    assert_int_equal(system(cmd), 0);
    char *p = em_xasprintf("%s/%s", dir, name);
    copy_file(plain, p, limit);
    free(plain);
    return p;
}

static void expect_failure(parse_fn fn, const char *path, const char *file_label,
                           const char *what) {
    em_entity_list l = {0};
    em_error err = {0};
    assert_int_equal(fn(path, NULL, collect_sink, &l, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    if (!strstr(err.message, file_label)) fail_msg("message lacks the file: %s", err.message);
    if (!strstr(err.message, " line ")) fail_msg("message lacks the line: %s", err.message);
    if (what && !strstr(err.message, what)) fail_msg("message lacks '%s': %s", what, err.message);
    em_entity_list_free(&l);
}

/* ---- EU XML (fixture) ------------------------------------------------------ */

static void test_eu_xml(void **state) {
    (void)state;
    em_parse_meta meta;
    em_entity_list l = parse_ok(em_parse_eu_fsf_xml, EU_XML, &meta);
    size_t p, o, v;
    count_schemas(&l, &p, &o, &v);
    assert_int_equal(l.len, 12); /* grep -c '<sanctionEntity' */
    assert_int_equal(p, 9);      /* classificationCode="P" */
    assert_int_equal(o, 3);
    assert_string_equal(meta.published, "2025-03-14");
    assert_string_equal(meta.format, "eu-fsf-xml");
    assert_int_equal(em_detect_format(EU_XML, NULL), EM_FMT_EU_FSF_XML);
    for (size_t i = 0; i < l.len; i++) {
        assert_string_equal(l.items[i]->source, "eu_fsf");
        assert_true(strncmp(l.items[i]->id, "eu-", 3) == 0);
        assert_string_equal(l.items[i]->names.items[0].kind, EM_NAME_PRIMARY);
        assert_non_null(get_prop(l.items[i], "eu_reference", 0));
    }

    em_entity *e = get_entity(&l, "eu-1"); /* Mugabe */
    assert_string_equal(e->caption, "Robert Gabriel Mugabe");
    const em_name *n = get_name(e, "Robert Gabriel Mugabe");
    assert_string_equal(n->first, "Robert");
    assert_string_equal(n->middle, "Gabriel");
    assert_string_equal(n->last, "Mugabe");
    assert_string_equal(n->strength, "strong");
    assert_string_equal(get_name(e, "Robert Mugabe")->kind, EM_NAME_AKA);
    assert_string_equal(get_name(e, "Robert Mugabe")->strength, "weak");
    assert_true(has_name(e, "Bob Mugabe", EM_NAME_AKA));
    assert_int_equal(e->names.len, 3);
    assert_string_equal(e->gender, "male");
    assert_true(has_program(e, "ZWE"));
    assert_string_equal(get_prop(e, "eu_reference", 0), "EU.36.64");
    assert_string_equal(get_prop(e, "position", 0), "Former President");
    assert_null(get_prop(e, "un_reference", 0));
    assert_string_equal(e->listed_on, "2002-09-13");
    assert_int_equal(e->birth_dates.len, 1);
    assert_string_equal(e->birth_dates.items[0].from, "1924-02-21");
    assert_string_equal(e->birth_places.items[0], "Kutama, ZIMBABWE");
    assert_string_equal(e->citizenships.items[0], "ZIMBABWE");
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "AD001095");
    assert_non_null(d);
    assert_string_equal(d->country, "ZIMBABWE");
    assert_string_equal(d->label, "National passport");
    assert_string_equal(d->note, "(passport)");

    e = get_entity(&l, "eu-13"); /* al-Zawahiri: UN reference */
    assert_string_equal(get_prop(e, "un_reference", 0), "QDi.006");
    d = find_identifier(e, EM_ID_OTHER, "QDi.006");
    assert_non_null(d);
    assert_string_equal(d->label, "UN Reference Number");
    assert_string_equal(e->listed_on, "2001-10-10"); /* designationDate */
    assert_true(has_program(e, "TAQA"));
    assert_string_equal(get_prop(e, "title", 0), "Dr");
    assert_true(strncmp(e->remarks, "Former operational", 18) == 0);
    assert_string_equal(get_name(e, "Abu Mohammed")->strength, "weak");
    d = find_identifier(e, EM_ID_PASSPORT, "19820215");
    assert_non_null(d);
    assert_non_null(strstr(d->note, "issued 1993-02-15"));
    assert_non_null(strstr(d->note, "known to be expired"));

    e = get_entity(&l, "eu-5420"); /* IRISL: an enterprise with addresses and identifications */
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "Islamic Republic of Iran Shipping Lines");
    assert_null(e->names.items[0].first);
    assert_true(has_name(e, "IRISL", EM_NAME_AKA));
    assert_int_equal(e->addresses.len, 2);
    const em_address *a = &e->addresses.items[0];
    assert_string_equal(a->city, "Tehran");
    assert_string_equal(a->country, "IRAN (ISLAMIC REPUBLIC OF)");
    assert_non_null(strstr(a->street, "Asseman Tower"));
    assert_non_null(strstr(a->street, "P.O. Box 19395-1311"));
    a = &e->addresses.items[1];
    assert_string_equal(a->full, "Schottweg 5, Hamburg, 22087, GERMANY");
    assert_non_null(find_identifier(e, EM_ID_PHONE, "+98 21 2010 0824"));
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "www.irisl.net"));
    d = find_identifier(e, EM_ID_REGISTRATION, "1367141");
    assert_non_null(d);
    assert_string_equal(d->country, "IRAN (ISLAMIC REPUBLIC OF)");
    d = find_identifier(e, EM_ID_IMO, "9051624");
    assert_non_null(d);
    assert_null(d->country); /* "00" / "UNKNOWN" */
    assert_string_equal(e->listed_on, "2011-07-26");

    e = get_entity(&l, "eu-6860"); /* Aksyonov: a Cyrillic RU alias */
    n = get_name(e, "Сергей Валерьевич Аксёнов");
    assert_string_equal(n->kind, EM_NAME_AKA);
    assert_string_equal(n->script, "Cyrl");
    assert_string_equal(n->last, "Аксёнов");
    assert_string_equal(e->names.items[0].full, "Sergey Valeryevich Aksyonov");
    assert_string_equal(e->birth_places.items[0], "Beltsy (Bălți), MOLDOVA, REPUBLIC OF");

    e = get_entity(&l, "eu-7031"); /* circa year only */
    assert_string_equal(e->birth_dates.items[0].from, "1971");
    assert_int_equal(e->birth_dates.items[0].circa, 1);
    assert_string_equal(e->birth_dates.items[0].text, "circa 1971");
    e = get_entity(&l, "eu-3201"); /* a year range */
    assert_string_equal(e->birth_dates.items[0].from, "1950");
    assert_string_equal(e->birth_dates.items[0].to, "1962");
    assert_string_equal(e->birth_places.items[0],
                        "Nodeh village, Deh Rawud District, Uruzgan Province, AFGHANISTAN");
    e = get_entity(&l, "eu-6700");
    assert_string_equal(e->gender, "female");
    assert_string_equal(get_name(e, "Asma Fawaz Al Akhras")->strength, "weak");
    assert_string_equal(get_name(get_entity(&l, "eu-6600"), "بشار الأسد")->script, "Arab");
    assert_non_null(find_identifier(get_entity(&l, "eu-5800"), EM_ID_BIC, "SEPBIRTH"));
    em_entity_list_free(&l);
}

static void test_eu_xml_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("eu_xml_broken");
    char *p = cut_copy(dir, EU_XML, "cut.xml", 9000);
    em_entity_list l = {0};
    em_error err = {0};
    assert_int_equal(em_parse_eu_fsf_xml(p, NULL, collect_sink, &l, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, "cut.xml line "));
    assert_true(l.len < 12); /* only whole entities were emitted */
    for (size_t i = 0; i < l.len; i++)
        assert_non_null(l.items[i]->caption);
    em_entity_list_free(&l);
    char *p2 = write_test_file(dir, "garbage.xml", "not xml at all\x01\x02");
    expect_failure(em_parse_eu_fsf_xml, p2, "garbage.xml", "malformed XML");
    char *p3 = write_test_file(dir, "root.xml", "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST/>\n");
    expect_failure(em_parse_eu_fsf_xml, p3, "root.xml", "<export>");
    char *p4 =
        write_test_file(dir, "nosubject.xml",
                        "<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\" "
                        "generationDate=\"2025-01-01T00:00:00\" globalFileId=\"1\">\n"
                        "<sanctionEntity logicalId=\"7\">\n"
                        "<nameAlias wholeName=\"X\" regulationLanguage=\"en\" logicalId=\"8\"/>\n"
                        "</sanctionEntity>\n</export>\n");
    expect_failure(em_parse_eu_fsf_xml, p4, "nosubject.xml", "subjectType");
    free(p), free(p2), free(p3), free(p4), free(dir);
}

/* ---- EU CSV (real sample, first 999 rows) ---------------------------------- */

static void test_eu_csv(void **state) {
    (void)state;
    em_parse_meta meta;
    em_entity_list l = parse_ok(em_parse_eu_fsf_csv, EU_CSV, &meta);
    size_t p, o, v;
    count_schemas(&l, &p, &o, &v);
    /* cut -d';' -f2,3 | sort -u: 93 entities, 61 P and 32 E */
    assert_int_equal(l.len, 93);
    assert_int_equal(p, 61);
    assert_int_equal(o, 32);
    assert_string_equal(meta.published, "2018-07-04");
    assert_string_equal(meta.format, "eu-fsf-csv");
    assert_int_equal(em_detect_format(EU_CSV, NULL), EM_FMT_EU_FSF_CSV);
    assert_string_equal(l.items[0]->id, "eu-1");
    assert_string_equal(l.items[92]->id, "eu-481"); /* the last, maybe incomplete, entity */

    em_entity *e = get_entity(&l, "eu-1"); /* Mugabe */
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "Robert Gabriel Mugabe");
    assert_int_equal(e->names.len, 1); /* the same alias under two regulations */
    const em_name *n = &e->names.items[0];
    assert_string_equal(n->first, "Robert");
    assert_string_equal(n->middle, "Gabriel");
    assert_string_equal(n->last, "Mugabe");
    assert_string_equal(e->gender, "male");
    assert_true(has_program(e, "ZWE"));
    assert_int_equal(e->programs.len, 1);
    assert_string_equal(get_prop(e, "eu_reference", 0), "EU.36.64");
    assert_string_equal(get_prop(e, "position", 0), "Former President");
    assert_string_equal(get_prop(e, "position", 1), "president");
    assert_string_equal(e->listed_on, "2002-09-13");
    assert_int_equal(e->birth_dates.len, 1);
    assert_string_equal(e->birth_dates.items[0].from, "1924-02-21");
    assert_string_equal(e->birth_places.items[0], "Kutama");
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "AD001095");
    assert_non_null(d);
    assert_string_equal(d->label, "National passport");
    assert_string_equal(d->note, "(passport)");
    assert_string_equal(e->remarks, "(Date of UN designation: 2002-02-21)\n(Date of designation "
                                    "referred to in Article 7 (2): 21.2.2002.)");

    e = get_entity(&l, "eu-20"); /* Qusay Hussein: Windows-1252 alias, citizenship, N/A dates */
    assert_string_equal(e->caption, "Qusay Saddam Hussein Al-Tikriti");
    assert_true(has_name(e, "Qoussaï Saddam Hussein Al-Tikriti", EM_NAME_AKA));
    assert_string_equal(get_prop(e, "position", 0),
                        "Oversaw Special Republican Guard, Special Security Organisation, and "
                        "Republican Guard");
    assert_int_equal(e->birth_dates.len, 0);
    assert_string_equal(e->birth_places.items[0], "Baghdad");
    assert_string_equal(e->citizenships.items[0], "IRQ");
    assert_string_equal(e->remarks, "(Saddam's second son)");

    e = get_entity(&l,
                   "eu-201"); /* Abu Nidal Organisation: many languages, lossy '?' names skipped */
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "Abu Nidal Organisation");
    assert_true(has_name(e, "Conseil révolutionnaire du Fatah", EM_NAME_AKA));
    assert_true(has_name(e, "Kunsill Rivoluzzjonarju ta’ Fatah", EM_NAME_AKA));
    for (size_t i = 0; i < e->names.len; i++)
        assert_null(strchr(e->names.items[i].full, '?'));
    assert_true(has_program(e, "TERR"));
    em_entity_list_free(&l);
}

static void test_eu_csv_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("eu_csv_broken");
    /* cut inside a line: the wrapped line's quote never closes */
    char *p = cut_copy(dir, EU_CSV, "cut.csv", 200000);
    expect_failure(em_parse_eu_fsf_csv, p, "cut.csv", "unterminated");
    /* a row with a column missing */
    char *p2 = write_test_file(dir, "short.csv",
                               "Date_file;Entity_logical_id;Subject_type;Naal_wholename;Programme\n"
                               "04/07/2018;5;P;Ana Perez;ZWE\n"
                               "04/07/2018;6;P;Bob\n");
    expect_failure(em_parse_eu_fsf_csv, p2, "short.csv line 3", "expected 5 columns, found 4");
    char *p3 = write_test_file(dir, "garbage.csv", "this is; not\x01 a list\n");
    expect_failure(em_parse_eu_fsf_csv, p3, "garbage.csv line 1", "not an EU FSF CSV header");
    char *p4 = write_test_file(dir, "split.csv",
                               "Date_file;Entity_logical_id;Subject_type;Naal_wholename\n"
                               "04/07/2018;5;P;Ana\n04/07/2018;6;P;Bob\n04/07/2018;5;P;Ana B\n");
    expect_failure(em_parse_eu_fsf_csv, p4, "split.csv line 4", "not contiguous");
    /* the plain (unwrapped) layout in UTF-8 works, and a cut at a line end keeps whole rows */
    char *p5 = write_test_file(dir, "plain.csv",
                               "Date_file;Entity_logical_id;Subject_type;Naal_wholename;Birt_date\n"
                               "04/07/2018;5;E;Ünal Holding;\n04/07/2018;6;P;Bob;1960-01-02\n");
    em_entity_list l = parse_ok(em_parse_eu_fsf_csv, p5, NULL);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0]->caption, "Ünal Holding");
    assert_string_equal(l.items[1]->birth_dates.items[0].from, "1960-01-02");
    em_entity_list_free(&l);
    free(p), free(p2), free(p3), free(p4), free(p5), free(dir);
}

/* ---- UK OFSI CSV ------------------------------------------------------------ */

static void test_ofsi(void **state) {
    (void)state;
    em_parse_meta meta;
    em_entity_list l = parse_ok(em_parse_uk_ofsi_csv, OFSI_CSV, &meta);
    size_t p, o, v;
    count_schemas(&l, &p, &o, &v);
    /* cut -d, -f29 | sort -u (after the two header lines): 2106 groups */
    assert_int_equal(l.len, 2106);
    assert_int_equal(p, 1426);
    assert_int_equal(o, 680);
    assert_int_equal(v, 0);
    assert_string_equal(meta.published, "2018-04-13");
    assert_string_equal(meta.format, "uk-ofsi-csv");
    assert_int_equal(em_detect_format(OFSI_CSV, NULL), EM_FMT_UK_OFSI_CSV);
    /* order of first appearance */
    assert_string_equal(l.items[0]->id, "ofsi-13349");
    assert_string_equal(l.items[1]->id, "ofsi-13188");
    size_t with_primary = 0;
    for (size_t i = 0; i < l.len; i++)
        with_primary += strcmp(l.items[i]->names.items[0].kind, EM_NAME_PRIMARY) == 0;
    assert_true(with_primary >= l.len - 5);

    em_entity *e = get_entity(&l, "ofsi-13349");
    assert_string_equal(e->source, "uk_ofsi");
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "Nayef Salam Muhammad Ujaym AL-HABABI");
    const em_name *n = &e->names.items[0];
    assert_string_equal(n->kind, EM_NAME_PRIMARY);
    assert_string_equal(n->first, "Nayef");
    assert_string_equal(n->middle, "Salam Muhammad Ujaym");
    assert_string_equal(n->last, "AL-HABABI");
    assert_int_equal(e->names.len, 8);
    assert_true(has_name(e, "Sheikh Farooq AL-QAHTANI", EM_NAME_AKA));
    assert_true(has_name(e, "Imran Farouk SHAYKH", EM_NAME_AKA));
    assert_int_equal(e->birth_dates.len, 2); /* 00/00/1980 and 00/00/1981 */
    assert_string_equal(e->birth_dates.items[0].text, "00/00/1980");
    assert_string_equal(e->birth_dates.items[0].from, "1980");
    assert_string_equal(e->birth_dates.items[1].from, "1981");
    assert_string_equal(e->birth_places.items[0], "Saudi Arabia");
    assert_int_equal(e->nationalities.len, 2);
    assert_string_equal(e->nationalities.items[0], "Saudi Arabia");
    assert_string_equal(e->nationalities.items[1], "Qatar");
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "592667");
    assert_non_null(d);
    assert_non_null(strstr(d->note, "Qatari passport issued on 3 May 2007"));
    assert_string_equal(get_prop(e, "un_reference", 0), "QDe.004");
    assert_non_null(find_identifier(e, EM_ID_OTHER, "QDe.004"));
    assert_true(has_program(e, "The ISIL (Da'esh) and Al-Qaida organisations"));
    assert_string_equal(e->listed_on, "2016-04-01");
    assert_string_equal(e->addresses.items[0].country, "Afghanistan (since 2009)");
    assert_true(strncmp(e->remarks, "UN Ref QDe.004. Emir", 20) == 0);

    e = get_entity(&l, "ofsi-13188"); /* an entity */
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "ANSAR AL CHARIA BENGHAZI");
    assert_null(e->names.items[0].first);
    assert_int_equal(e->names.len, 8);
    assert_true(has_name(e, "ANSAR AL SHARIA", EM_NAME_AKA)); /* " ANSAR AL SHARIA" trimmed */
    assert_string_equal(get_prop(e, "un_reference", 0), "QE.A.146.14");
    assert_string_equal(e->listed_on, "2014-11-29");
    assert_string_equal(get_prop(e, "last_updated", 0), "2014-12-02");
    em_entity_list_free(&l);
}

static void test_ofsi_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofsi_broken");
    char *p = cut_copy(dir, OFSI_CSV, "cut.csv", 1000000); /* mid-row */
    expect_failure(em_parse_uk_ofsi_csv, p, "cut.csv line ", NULL);
    char *p2 = write_test_file(dir, "garbage.csv", "Last Updated,13/04/2018\nhello,world\n");
    expect_failure(em_parse_uk_ofsi_csv, p2, "garbage.csv line 2", "Name 6");
    char *p3 = write_test_file(dir, "gid.csv",
                               "Last Updated,13/04/2018\n"
                               "Name 6,Name 1,Group Type,Alias Type,Group ID\n"
                               "SMITH,John,Individual,Prime Alias,12\n"
                               "SMITH,Jon,Individual,AKA,x12\n");
    expect_failure(em_parse_uk_ofsi_csv, p3, "gid.csv line 4", "Group ID");
    char *p4 =
        write_test_file(dir, "only_header.csv",
                        "Last Updated,13/04/2018\nName 6,Name 1,Group Type,Alias Type,Group ID\n");
    expect_failure(em_parse_uk_ofsi_csv, p4, "only_header.csv line 3", "no records");
    /* non-contiguous rows of a group, a ship, and "00/05/1970" */
    char *p5 = write_test_file(dir, "ok.csv",
                               "Last Updated,01/02/2020\n"
                               "Name 6,Name 1,DOB,Group Type,Alias Type,Group ID\n"
                               "SMITH,John,00/05/1970,Individual,AKA,12\n"
                               "SEA STAR,,,Ship,Prime Alias,13\n"
                               "SMITH,Johnny,,Individual,Prime Alias,12\n");
    em_parse_meta meta;
    em_entity_list l = parse_ok(em_parse_uk_ofsi_csv, p5, &meta);
    assert_string_equal(meta.published, "2020-02-01");
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0]->caption, "Johnny SMITH");
    assert_string_equal(l.items[0]->names.items[1].full, "John SMITH");
    assert_string_equal(l.items[0]->birth_dates.items[0].from, "1970-05");
    assert_string_equal(l.items[1]->schema, EM_SCHEMA_VESSEL);
    em_entity_list_free(&l);
    free(p), free(p2), free(p3), free(p4), free(p5), free(dir);
}

/* ---- FCDO summary (CSV and ODS) -------------------------------------------- */

static void check_fcdo(const em_entity_list *l) {
    size_t p, o, v;
    count_schemas(l, &p, &o, &v);
    /* cut -d, -f1 | sort -u: 5302 rows; Type: 3754 Individual, 1087 Entity, 461 Ship */
    assert_int_equal(l->len, 5302);
    assert_int_equal(p, 3754);
    assert_int_equal(o, 1087);
    assert_int_equal(v, 461);
    assert_string_equal(l->items[0]->id, "ukfcdo-AFG0001");
    em_entity *e = get_entity(l, "ukfcdo-AFG0001");
    assert_string_equal(e->source, "uk_fcdo");
    assert_string_equal(e->caption, "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE");
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(get_prop(e, "ofsi_group_id", 0), "12703");
    assert_true(has_program(e, "Afghanistan"));
    assert_string_equal(get_prop(e, "designation_source", 0), "UN");
    assert_string_equal(e->listed_on, "2012-06-29");
    assert_string_equal(get_prop(e, "sanctions_imposed", 0), "Asset freeze");
    e = get_entity(l, "ukfcdo-RUS0001");
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "Kiselyov Dmitry Konstantinovich");
    assert_string_equal(get_prop(e, "ofsi_group_id", 0), "12944");
    assert_true(has_program(e, "Russia"));
    assert_string_equal(e->listed_on, "2020-12-31");
    assert_string_equal(get_prop(e, "sanctions_imposed", 0),
                        "Asset freeze, Director Disqualification Sanction, Travel Ban, Trust "
                        "Services Sanctions");
    e = get_entity(l, "ukfcdo-DPR0075"); /* a ship without an OFSI group */
    assert_string_equal(e->schema, EM_SCHEMA_VESSEL);
    assert_string_equal(e->caption, "Petrel 8");
    assert_null(get_prop(e, "ofsi_group_id", 0));
    assert_string_equal(get_prop(e, "sanctions_imposed", 0), "Prohibition of port entry");
    e = get_entity(l, "ukfcdo-BEL0174"); /* the name is blank in the source */
    assert_int_equal(e->names.len, 0);
    assert_string_equal(get_prop(e, "ofsi_group_id", 0), "16744");
}

static void test_fcdo_csv(void **state) {
    (void)state;
    em_parse_meta meta;
    em_entity_list l = parse_ok(em_parse_uk_fcdo_csv, FCDO_CSV, &meta);
    check_fcdo(&l);
    assert_string_equal(meta.published, "");
    assert_string_equal(meta.format, "uk-fcdo-csv");
    assert_int_equal(em_detect_format(FCDO_CSV, NULL), EM_FMT_UK_FCDO_CSV);
    em_entity_list_free(&l);
}

static void test_fcdo_ods(void **state) {
    (void)state;
    em_parse_meta meta;
    em_entity_list l = parse_ok(em_parse_uk_fcdo_ods, FCDO_ODS, &meta);
    check_fcdo(&l);
    assert_string_equal(meta.format, "uk-fcdo-ods");
    assert_int_equal(em_detect_format(FCDO_ODS, NULL), EM_FMT_UK_FCDO_ODS);
    /* the two exports agree entity by entity */
    em_entity_list c = parse_ok(em_parse_uk_fcdo_csv, FCDO_CSV, NULL);
    assert_int_equal(c.len, l.len);
    for (size_t i = 0; i < l.len; i++) {
        assert_string_equal(l.items[i]->id, c.items[i]->id);
        assert_string_equal(l.items[i]->caption, c.items[i]->caption);
    }
    em_entity_list_free(&c);
    em_entity_list_free(&l);
}

static void test_fcdo_broken(void **state) {
    (void)state;
    char *dir = tmpdir_new("fcdo_broken");
    char *p = cut_copy(dir, FCDO_CSV, "cut.csv", 300000);
    expect_failure(em_parse_uk_fcdo_csv, p, "cut.csv line ", NULL);
    char *p2 = write_test_file(dir, "garbage.csv", "Unique ID,Foo\nA1,x\n");
    expect_failure(em_parse_uk_fcdo_csv, p2, "garbage.csv line 1", "Name");
    char *p3 = write_test_file(dir, "dup.csv",
                               "Unique ID,OFSI Group ID,Name,Regime Name,Type\n"
                               "A1,1,X,R,Entity\nA1,2,Y,R,Entity\n");
    expect_failure(em_parse_uk_fcdo_csv, p3, "dup.csv line 3", "duplicate Unique ID A1");
    char *p4 = write_test_file(
        dir, "type.csv", "Unique ID,OFSI Group ID,Name,Regime Name,Type\nA1,1,X,R,Spaceship\n");
    expect_failure(em_parse_uk_fcdo_csv, p4, "type.csv line 2", "unknown Type");

    /* a truncated ODS: the zip is unreadable */
    char *o1 = em_xasprintf("%s/cut.ods", dir);
    copy_file(FCDO_ODS, o1, 100000);
    em_entity_list l = {0};
    em_error err = {0};
    assert_int_equal(em_parse_uk_fcdo_ods(o1, NULL, collect_sink, &l, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, "cut.ods"));
    em_entity_list_free(&l);
    /* an ODS whose content.xml is cut: the XML error names the line */
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && rm -rf x && mkdir x && cd x && unzip -q '%s' && "
             "head -c 200000 content.xml > c && mv c content.xml && "
             "zip -q -X -0 ../badxml.ods mimetype && zip -q -X -r ../badxml.ods . -x mimetype",
             dir, FCDO_ODS);
    if (system(cmd) == 0) {
        char *o2 = em_xasprintf("%s/badxml.ods", dir);
        assert_int_equal(em_detect_format(o2, NULL), EM_FMT_UK_FCDO_ODS);
        expect_failure(em_parse_uk_fcdo_ods, o2, "badxml.ods content.xml line ", "malformed XML");
        free(o2);
    }
    char *o3 = write_test_file(dir, "garbage.ods", "PK\x03\x04 garbage");
    l = (em_entity_list){0};
    assert_int_equal(em_parse_uk_fcdo_ods(o3, NULL, collect_sink, &l, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, "garbage.ods"));
    free(p), free(p2), free(p3), free(p4), free(o1), free(o3), free(dir);
}

/* ---- end to end through the store ------------------------------------------ */

static void test_import(void **state) {
    (void)state;
    char *dir = tmpdir_new("eu_uk_import");
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, dir, EM_STORE_NO_SEED, &err) != 0) fail_msg("open: %s", err.message);
    const char *paths[] = {EU_XML, OFSI_CSV, FCDO_ODS};
    em_import_report *r = NULL;
    if (em_store_import(st, paths, 3, NULL, &r, &err) != 0) fail_msg("import: %s", err.message);
    assert_int_equal(em_import_report_count(r), 3);
    em_import_report_free(r);
    struct {
        const char *source, *format, *published;
        size_t entities;
    } want[] = {
        {"eu_fsf", "eu-fsf-xml", "2025-03-14", 12},
        {"uk_ofsi", "uk-ofsi-csv", "2018-04-13", 2106},
        {"uk_fcdo", "uk-fcdo-ods", "", 5302},
    };
    for (size_t i = 0; i < 3; i++) {
        em_version_list *vl = NULL;
        assert_int_equal(em_store_versions(st, want[i].source, &vl, &err), 0);
        assert_int_equal(em_version_list_count(vl), 1);
        const em_version_info *v = em_version_list_get(vl, 0);
        assert_true(v->active);
        assert_string_equal(v->format, want[i].format);
        assert_string_equal(v->published, want[i].published);
        assert_int_equal(v->entities, want[i].entities);
        em_version_list_free(vl);
    }
    /* the EU CSV replaces the XML version of eu_fsf; the FCDO CSV that of uk_fcdo */
    const char *p2[] = {EU_CSV, FCDO_CSV};
    assert_int_equal(em_store_import(st, p2, 2, NULL, NULL, &err), 0);
    em_version_list *vl = NULL;
    assert_int_equal(em_store_versions(st, "eu_fsf", &vl, &err), 0);
    const em_version_info *v = em_version_list_get(vl, 0);
    assert_true(v->active);
    assert_string_equal(v->format, "eu-fsf-csv");
    assert_string_equal(v->published, "2018-07-04");
    assert_int_equal(v->entities, 93);
    assert_int_equal(v->persons, 61);
    em_version_list_free(vl);
    /* a broken file keeps the active version */
    char *bad = cut_copy(dir, OFSI_CSV, "OFSI_cut.csv", 1000000);
    const char *p3[] = {bad};
    assert_int_equal(em_store_import(st, p3, 1, NULL, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, "OFSI_cut.csv line "));
    assert_int_equal(em_store_versions(st, "uk_ofsi", &vl, &err), 0);
    assert_int_equal(em_version_list_count(vl), 1);
    assert_int_equal(em_version_list_get(vl, 0)->entities, 2106);
    em_version_list_free(vl);
    em_store_close(st);
    free(bad);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eu_xml),      cmocka_unit_test(test_eu_xml_broken),
        cmocka_unit_test(test_eu_csv),      cmocka_unit_test(test_eu_csv_broken),
        cmocka_unit_test(test_ofsi),        cmocka_unit_test(test_ofsi_broken),
        cmocka_unit_test(test_fcdo_csv),    cmocka_unit_test(test_fcdo_ods),
        cmocka_unit_test(test_fcdo_broken), cmocka_unit_test(test_import),
    };
    return cmocka_run_group_tests_name("eu and uk lists", tests, NULL, NULL);
}
