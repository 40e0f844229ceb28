/*
 * test_un_xml.c - the UN Security Council consolidated list parser against the
 * bundled real file (counts and entities pinned fact by fact) and against
 * broken inputs (truncated, missing DATAID, wrong root, garbage).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/source.h"

#define UN_GZ BUNDLED_DATA_DIR "/lists/un_sc/UN_consolidated_2026-02-27.xml.gz"

static em_entity_list g_list;
static em_parse_meta g_meta;

static int setup_real(void **state) {
    (void)state;
    em_error err = {0};
    memset(&g_list, 0, sizeof g_list);
    int rc = em_parse_un_xml(UN_GZ, "un_sc", collect_sink, &g_list, &g_meta, &err);
    if (rc != 0) fprintf(stderr, "parse failed: %s\n", err.message);
    return rc;
}

static int teardown_real(void **state) {
    (void)state;
    em_entity_list_free(&g_list);
    return 0;
}

static em_entity *get(const char *id) {
    return get_entity(&g_list, id);
}

static size_t count_props(const em_entity *e, const char *key) {
    size_t n = 0;
    for (size_t i = 0; i < e->props.len; i++)
        n += strcmp(e->props.items[i].key, key) == 0;
    return n;
}

static void test_counts_and_meta(void **state) {
    (void)state;
    size_t persons = 0, orgs = 0;
    for (size_t i = 0; i < g_list.len; i++) {
        em_entity *e = g_list.items[i];
        if (strcmp(e->schema, EM_SCHEMA_PERSON) == 0) persons++;
        if (strcmp(e->schema, EM_SCHEMA_ORGANIZATION) == 0) orgs++;
        assert_string_equal(e->source, "un_sc");
        assert_non_null(e->caption);
        assert_true(strncmp(e->id, "un-", 3) == 0);
        assert_string_equal(e->id + 3, e->source_id);
        /* every entry carries its UN reference number and one program */
        assert_non_null(find_identifier(e, EM_ID_OTHER, get_prop(e, "un_reference", 0)));
        assert_int_equal(e->programs.len, 1);
        assert_string_equal(e->names.items[0].kind, EM_NAME_PRIMARY);
        assert_int_equal(strlen(e->listed_on), 10);
    }
    assert_int_equal(persons, 730);
    assert_int_equal(orgs, 273);
    assert_int_equal(g_list.len, 1003);
    assert_string_equal(g_meta.published, "2026-02-27");
    assert_string_equal(g_meta.format, "un-xml");
    /* file order: the first INDIVIDUAL, then the first ENTITY after the last one */
    assert_string_equal(g_list.items[0]->id, "un-6907993");
    assert_string_equal(g_list.items[730]->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(g_list.items[729]->schema, EM_SCHEMA_PERSON);
}

static void test_eric_badege(void **state) {
    (void)state;
    em_entity *e = get("un-6907993");
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->source_id, "6907993");
    assert_string_equal(e->caption, "ERIC BADEGE");
    const em_name *n = &e->names.items[0];
    assert_string_equal(n->full, "ERIC BADEGE");
    assert_string_equal(n->first, "ERIC");
    assert_string_equal(n->last, "BADEGE");
    assert_null(n->middle);
    assert_int_equal(e->names.len, 1); /* <ALIAS_NAME/> is skipped */
    assert_true(has_program(e, "DRC"));
    assert_string_equal(e->gender, "male");
    assert_int_equal(e->nationalities.len, 1);
    assert_string_equal(e->nationalities.items[0], "Democratic Republic of the Congo");
    assert_string_equal(e->listed_on, "2012-12-31");
    const em_identifier *ref = find_identifier(e, EM_ID_OTHER, "CDi.001");
    assert_non_null(ref);
    assert_string_equal(ref->label, "UN Reference Number");
    assert_string_equal(get_prop(e, "un_reference", 0), "CDi.001");
    assert_string_equal(get_prop(e, "last_updated", 0), "2016-10-13");
    assert_true(strncmp(e->remarks, "He fled to Rwanda in March 2013", 31) == 0);
    assert_non_null(strstr(e->remarks, "View-UN-Notices-Individuals"));
    assert_int_equal(e->birth_dates.len, 1);
    assert_string_equal(e->birth_dates.items[0].from, "1971");
    assert_string_equal(e->birth_dates.items[0].to, "1971");
    assert_int_equal(e->birth_dates.items[0].circa, 0);
    assert_int_equal(e->birth_places.len, 0); /* <COUNTRY/> only */
    assert_int_equal(e->addresses.len, 1);
    assert_string_equal(e->addresses.items[0].country, "Rwanda");
    assert_string_equal(e->addresses.items[0].full, "Rwanda (as of early 2016)");
    assert_int_equal(e->identifiers.len, 1); /* <INDIVIDUAL_DOCUMENT/> adds nothing */
}

/* AKHTAR MOHAMMAD MANSOUR: Arabic original script, circa date, passport, weak + strong */
static void test_akhtar_mansour(void **state) {
    (void)state;
    em_entity *e = get("un-111090");
    assert_string_equal(e->caption, "AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED");
    const em_name *n = &e->names.items[0];
    assert_string_equal(n->kind, EM_NAME_PRIMARY);
    assert_string_equal(n->first, "AKHTAR");
    assert_string_equal(n->middle, "MOHAMMAD MANSOUR");
    assert_string_equal(n->last, "SHAH MOHAMMED");

    const em_name *ar = get_name(e, "اختر محمد منصور شاه محمد");
    assert_string_equal(ar->kind, EM_NAME_AKA);
    assert_string_equal(ar->strength, "strong");
    assert_string_equal(ar->script, "Arab");

    assert_string_equal(get_name(e, "Akhtar Muhammad Mansoor")->strength, "strong");
    assert_string_equal(get_name(e, "Naib Imam")->strength, "weak");
    assert_string_equal(get_name(e, "Naib Imam")->kind, EM_NAME_AKA);
    assert_int_equal(e->names.len, 6); /* primary + original script + 4 aliases */

    assert_true(has_program(e, "Taliban"));
    assert_string_equal(get_prop(e, "un_reference", 0), "TAi.011");
    assert_string_equal(e->listed_on, "2001-01-25");
    assert_null(e->gender);
    assert_int_equal(count_props(e, "title"), 2);
    assert_string_equal(get_prop(e, "title", 0), "Maulavi");
    assert_string_equal(get_prop(e, "title", 1), "Mullah");
    assert_string_equal(get_prop(e, "position", 0),
                        "Minister of Civil Aviation and Transportation under the Taliban regime");
    assert_int_equal(count_props(e, "last_updated"), 1);
    assert_string_equal(get_prop(e, "last_updated", 0), "2016-12-23");
    assert_true(em_strvec_contains(&e->nationalities, "Afghanistan"));

    assert_int_equal(e->birth_dates.len, 2);
    const em_date *d = &e->birth_dates.items[0];
    assert_string_equal(d->text, "circa 1960");
    assert_string_equal(d->from, "1960");
    assert_int_equal(d->circa, 1);
    d = &e->birth_dates.items[1];
    assert_string_equal(d->text, "1966");
    assert_int_equal(d->circa, 0);
    assert_int_equal(e->birth_places.len, 1);
    assert_string_equal(e->birth_places.items[0],
                        "Band-e-Timur village, Maiwand District, Kandahar Province, Afghanistan");
    assert_int_equal(e->addresses.len, 0);

    const em_identifier *p = find_identifier(e, EM_ID_PASSPORT, "SE-011697");
    assert_non_null(p);
    assert_string_equal(p->country, "Afghanistan");
    assert_string_equal(p->label, "Passport");
    assert_non_null(strstr(p->note, "1988-01-25"));
    assert_non_null(strstr(p->note, "Kabul"));
    assert_non_null(strstr(p->note, "expired on 23 Feb. 2000"));
    assert_non_null(strstr(e->remarks, "Gerd-e-Jangal,\nAfghanistan")); /* verbatim */
}

/* MOHAMMAD HASSAN AKHUND: two BETWEEN dates noted "Approximately" */
static void test_between_dates(void **state) {
    (void)state;
    em_entity *e = get("un-110577");
    assert_string_equal(e->caption, "MOHAMMAD HASSAN AKHUND");
    assert_string_equal(e->names.items[0].middle, "HASSAN");
    assert_string_equal(e->names.items[0].last, "AKHUND");
    assert_int_equal(e->birth_dates.len, 2);
    const em_date *d = &e->birth_dates.items[0];
    assert_string_equal(d->from, "1955");
    assert_string_equal(d->to, "1958");
    assert_int_equal(d->circa, 1);
    assert_non_null(strstr(d->text, "1955 to 1958"));
    assert_non_null(strstr(d->text, "Approximately"));
    d = &e->birth_dates.items[1];
    assert_string_equal(d->from, "1945");
    assert_string_equal(d->to, "1950");
    assert_int_equal(count_props(e, "position"), 4);
    assert_string_equal(get_name(e, "محمد حسن آخوند")->script, "Arab");
}

/* GASTON IYAMUREMYE: Low and Good aliases, several designations, place of birth */
static void test_gaston_aliases(void **state) {
    (void)state;
    em_entity *e = get("un-6907995");
    assert_string_equal(get_name(e, "Rumuli")->strength, "weak");
    assert_string_equal(get_name(e, "Byiringiro Victor Rumuli")->strength, "strong");
    assert_string_equal(get_name(e, "Victor Rumuri")->strength, "strong");
    assert_string_equal(get_name(e, "Michel Byiringiro")->strength, "strong");
    assert_int_equal(e->names.len, 5);
    assert_int_equal(count_props(e, "position"), 3);
    assert_string_equal(get_prop(e, "position", 1), "FDLR-FOCA 1st Vice-President");
    assert_string_equal(e->birth_places.items[0], "Musanze District, Northern Province, Rwanda");
    assert_string_equal(e->addresses.items[0].region, "North Kivu Province");
    assert_string_equal(e->addresses.items[0].full,
                        "North Kivu Province, Democratic Republic of the Congo (as of June 2016)");
}

/* "formerly listed as" in an alias NOTE makes a former name */
static void test_alias_note_fka(void **state) {
    (void)state;
    em_entity *e = get("un-111514");
    const em_name *n = get_name(e, "Saiyid Abd al-Man");
    assert_string_equal(n->kind, EM_NAME_FKA);
    assert_string_equal(n->strength, "weak");
    assert_string_equal(get_name(e, "Abdul Manan")->kind, EM_NAME_AKA);
}

/* IYAD (3012677): document with TYPE_OF_DOCUMENT2 */
static void test_document_label(void **state) {
    (void)state;
    em_entity *e = get("un-3012677");
    const em_identifier *d = find_identifier(e, EM_ID_NATIONAL, "012546");
    assert_non_null(d);
    assert_string_equal(d->label, "National Identification Number (Birth certificate)");
    assert_string_equal(d->country, "Mali");
}

/* ALFA COMPANY: an organization with a full street address */
static void test_entity_address(void **state) {
    (void)state;
    em_entity *e = get("un-6908341");
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "ALFA COMPANY LIMITED FOR INTERNATIONAL TRADING AND MARKETING");
    assert_null(e->names.items[0].first);
    assert_true(has_program(e, "Iraq"));
    assert_string_equal(get_prop(e, "un_reference", 0), "IQe.206");
    assert_string_equal(e->listed_on, "2004-06-02");
    assert_null(e->remarks); /* <COMMENTS1 /> */
    assert_string_equal(get_name(e, "ALFA TRADING COMPANY")->strength, "strong");
    assert_true(has_name(e, "ALFA INVESTMENT AND INTERNATIONAL TRADING", EM_NAME_AKA));
    assert_int_equal(e->addresses.len, 1);
    const em_address *a = &e->addresses.items[0];
    assert_string_equal(a->street, "P.O. Box 910606");
    assert_string_equal(a->city, "Amman");
    assert_string_equal(a->postal, "11191");
    assert_string_equal(a->country, "Jordan");
    assert_string_equal(a->full, "P.O. Box 910606, Amman, 11191, Jordan");
    assert_null(get_prop(e, "last_updated", 0));
}

/* ADF: f.k.a. aliases of an organization */
static void test_entity_fka(void **state) {
    (void)state;
    em_entity *e = get("un-6908402");
    assert_true(has_name(e, "Allied Democratic Forces", EM_NAME_AKA));
    assert_true(has_name(e, "ADF/NALU", EM_NAME_FKA));
    assert_true(has_name(e, "NALU", EM_NAME_FKA));
    assert_true(has_program(e, "DRC"));
    assert_string_equal(e->addresses.items[0].region, "North Kivu");
    assert_string_equal(get_prop(e, "last_updated", 0), "2020-08-19");
}

/* ---- broken inputs ------------------------------------------------------ */

static void expect_failure(const char *path, const char *what, size_t max_emitted) {
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(em_parse_un_xml(path, "un_sc", collect_sink, &l, &meta, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, " line "));
    if (what && !strstr(err.message, what)) fail_msg("message lacks '%s': %s", what, err.message);
    assert_true(l.len <= max_emitted);
    for (size_t i = 0; i < l.len; i++)
        assert_non_null(l.items[i]->caption);
    em_entity_list_free(&l);
}

#define HEAD                                                                                       \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<CONSOLIDATED_LIST dateGenerated=\"2026-01-02T00:00:00Z\">\n<INDIVIDUALS>\n"

static void test_small_file(void **state) {
    (void)state;
    char *dir = tmpdir_new("un_small");
    char *p =
        write_test_file(dir, "ok.xml",
                        HEAD "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>ANA</FIRST_NAME>"
                             "<UN_LIST_TYPE>X</UN_LIST_TYPE><GENDER>Female</GENDER>"
                             "<LISTED_ON>2015-04-07-04:00</LISTED_ON>"
                             "<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT>"
                             "<COUNTRY_OF_ISSUE>Peru</COUNTRY_OF_ISSUE></INDIVIDUAL_DOCUMENT>"
                             "<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT>"
                             "<NUMBER>P1</NUMBER><COUNTRY_OF_ISSUE>Peru</COUNTRY_OF_ISSUE>"
                             "</INDIVIDUAL_DOCUMENT>"
                             "<INDIVIDUAL_ADDRESS><NOTE>Branch 1: Main St, Lima</NOTE>"
                             "</INDIVIDUAL_ADDRESS>"
                             "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE>"
                             "<DATE>1963-03-01</DATE></INDIVIDUAL_DATE_OF_BIRTH>"
                             "</INDIVIDUAL>\n</INDIVIDUALS>\n<ENTITIES/>\n</CONSOLIDATED_LIST>\n");
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(em_parse_un_xml(p, "un_sc", collect_sink, &l, &meta, &err), 0);
    assert_int_equal(l.len, 1);
    em_entity *e = l.items[0];
    assert_string_equal(meta.published, "2026-01-02");
    assert_string_equal(e->id, "un-1");
    assert_string_equal(e->caption, "ANA");
    assert_string_equal(e->names.items[0].first, "ANA");
    assert_null(e->names.items[0].last);
    assert_string_equal(e->gender, "female");
    assert_string_equal(e->listed_on, "2015-04-07");
    /* the document without NUMBER is skipped */
    assert_int_equal(e->identifiers.len, 1);
    assert_null(find_identifier(e, EM_ID_OTHER, NULL));
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "P1");
    assert_non_null(d);
    assert_string_equal(d->country, "Peru");
    assert_string_equal(e->addresses.items[0].street, "Branch 1: Main St, Lima");
    assert_string_equal(e->birth_dates.items[0].text, "1963-03-01");
    assert_string_equal(e->birth_dates.items[0].from, "1963-03-01");
    assert_string_equal(e->birth_dates.items[0].to, "1963-03-01");
    em_entity_list_free(&l);
    free(p);
    free(dir);
}

static void test_truncated(void **state) {
    (void)state;
    char *dir = tmpdir_new("un_truncated");
    char *p = em_xasprintf("%s/cut.xml", dir);
    /* cut the real file (plain) in the middle of an entry */
    char *src = em_xasprintf("%s/cut_src.xml", dir);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s' > '%s'", UN_GZ, src);
    assert_int_equal(system(cmd), 0);
    copy_file(src, p, 500000);
    expect_failure(p, "malformed XML", 1003);
    /* a cut right after the first entity's FIRST_NAME: nothing may be emitted */
    char *p2 = write_test_file(dir, "cut2.xml",
                               HEAD "<INDIVIDUAL><DATAID>7</DATAID><FIRST_NAME>ANA</FIRST_NAME>");
    expect_failure(p2, "malformed XML", 0);
    free(p);
    free(p2);
    free(src);
    free(dir);
}

static void test_truncated_emits_whole_entities_only(void **state) {
    (void)state;
    char *dir = tmpdir_new("un_truncated2");
    char *p =
        write_test_file(dir, "cut.xml",
                        HEAD "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>"
                             "</INDIVIDUAL>\n<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>B</FI");
    em_entity_list l = {0};
    em_error err = {0};
    assert_int_equal(em_parse_un_xml(p, "un_sc", collect_sink, &l, NULL, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0]->id, "un-1");
    em_entity_list_free(&l);
    free(p);
    free(dir);
}

static void test_missing_dataid(void **state) {
    (void)state;
    char *dir = tmpdir_new("un_nodataid");
    char *p = write_test_file(dir, "nodataid.xml",
                              HEAD "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>"
                                   "</INDIVIDUAL>\n"
                                   "<INDIVIDUAL>\n<FIRST_NAME>B</FIRST_NAME>\n</INDIVIDUAL>\n"
                                   "</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n");
    expect_failure(p, "DATAID", 1);
    em_entity_list l = {0};
    em_error err = {0};
    em_parse_un_xml(p, "un_sc", collect_sink, &l, NULL, &err);
    /* "<file> line 7: <INDIVIDUAL> starting at line 5 has no DATAID" */
    if (!strstr(err.message, "nodataid.xml line 7: ") || !strstr(err.message, "at line 5 "))
        fail_msg("unexpected message: %s", err.message);
    em_entity_list_free(&l);
    char *p2 = write_test_file(dir, "noname.xml",
                               HEAD "<ENTITY><DATAID>9</DATAID></ENTITY>\n"
                                    "</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n");
    expect_failure(p2, "FIRST_NAME", 0);
    free(p);
    free(p2);
    free(dir);
}

static void test_wrong_root_and_garbage(void **state) {
    (void)state;
    char *dir = tmpdir_new("un_garbage");
    char *p =
        write_test_file(dir, "root.xml", "<?xml version=\"1.0\"?>\n<sdnList><x/></sdnList>\n");
    expect_failure(p, "CONSOLIDATED_LIST", 0);
    char *p2 = write_test_file(dir, "garbage.xml", "this is not XML at all\n\x01\x02");
    expect_failure(p2, "malformed XML", 0);
    char *p3 = write_test_file(dir, "empty.xml", "");
    expect_failure(p3, "malformed XML", 0);
    free(p);
    free(p2);
    free(p3);
    free(dir);
}

/* The sink may abort the parse; nothing leaks and the error is passed on. */
static int abort_sink(void *ctx, em_entity *e, em_error *err) {
    int *n = ctx;
    em_entity_free(e);
    if (++*n == 3) {
        err->code = EM_ERR_FORMAT;
        snprintf(err->message, sizeof err->message, "sink says stop");
        return -1;
    }
    return 0;
}

static void test_sink_abort(void **state) {
    (void)state;
    int n = 0;
    em_error err = {0};
    assert_int_equal(em_parse_un_xml(UN_GZ, "un_sc", abort_sink, &n, NULL, &err), -1);
    assert_int_equal(n, 3);
    assert_string_equal(err.message, "sink says stop");
}

int main(void) {
    const struct CMUnitTest real[] = {
        cmocka_unit_test(test_counts_and_meta), cmocka_unit_test(test_eric_badege),
        cmocka_unit_test(test_akhtar_mansour),  cmocka_unit_test(test_between_dates),
        cmocka_unit_test(test_gaston_aliases),  cmocka_unit_test(test_alias_note_fka),
        cmocka_unit_test(test_document_label),  cmocka_unit_test(test_entity_address),
        cmocka_unit_test(test_entity_fka),
    };
    const struct CMUnitTest broken[] = {
        cmocka_unit_test(test_small_file),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_truncated_emits_whole_entities_only),
        cmocka_unit_test(test_missing_dataid),
        cmocka_unit_test(test_wrong_root_and_garbage),
        cmocka_unit_test(test_sink_abort),
    };
    int fails = cmocka_run_group_tests_name("un_xml real file", real, setup_real, teardown_real);
    fails += cmocka_run_group_tests_name("un_xml broken input", broken, NULL, NULL);
    return fails;
}
