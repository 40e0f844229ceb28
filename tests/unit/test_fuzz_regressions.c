/*
 * test_fuzz_regressions.c - every crash the fuzzers (tests/fuzz) found,
 * replayed through the same entry point as its fuzz target, so that it fails
 * under ASan/UBSan if the bug comes back: the known findings with their
 * expected results, then every input saved under tests/data/fuzz/<target>/
 * (the file name says the bug), which must parse or fail with a message.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/source.h"

static char *dir;

static int setup(void **state) {
    (void)state;
    dir = tmpdir_new("fuzz_regressions");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    free(dir);
    return 0;
}

/* Parses content with fn; returns the parser's result, the entities in l. */
static int parse_text(parse_fn fn, const char *name, const char *content, em_entity_list *l,
                      em_error *err) {
    char *path = write_test_file(dir, name, content);
    memset(l, 0, sizeof *l);
    em_parse_meta meta;
    int rc = fn(path, "t", collect_sink, l, &meta, err);
    free(path);
    return rc;
}

/* ---- (a) enhanced XML: an empty <referenceValues> (qsort/bsearch of NULL) ---- */

static const char ENHANCED_EMPTY_REFS[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<sanctionsData xmlns=\"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/"
    "exports/ENHANCED_XML\">\n"
    "  <publicationInfo><dataAsOf>2024-08-28T00:00:00</dataAsOf></publicationInfo>\n"
    "  <referenceValues></referenceValues>\n"
    "  <entities>\n"
    "    <entity id=\"26719\">\n"
    "      <generalInfo><identityId>18423</identityId>\n"
    "        <entityType refId=\"601\">Entity</entityType></generalInfo>\n"
    "      <sanctionsPrograms><sanctionsProgram refId=\"204\" id=\"1\">FTO</sanctionsProgram>\n"
    "      </sanctionsPrograms>\n"
    "      <names><name id=\"42192\"><isPrimary>true</isPrimary><translations>\n"
    "        <translation id=\"35999\"><isPrimary>true</isPrimary>\n"
    "          <script refId=\"20122\">Latin</script>\n"
    "          <formattedFullName>IRGC GROUND FORCES</formattedFullName>\n"
    "          <nameParts><namePart id=\"69635\"><type refId=\"1525\">Entity Name</type>\n"
    "            <value>IRGC Ground Forces</value></namePart></nameParts>\n"
    "        </translation></translations></name></names>\n"
    "    </entity>\n"
    "  </entities>\n"
    "</sanctionsData>\n";

static void test_enhanced_empty_reference_values(void **state) {
    (void)state;
    em_entity_list l;
    em_error err = {0};
    int rc =
        parse_text(em_parse_ofac_enhanced_xml, "empty_refs.xml", ENHANCED_EMPTY_REFS, &l, &err);
    if (rc != 0) fail_msg("%s", err.message);
    assert_int_equal(l.len, 1);
    assert_true(has_program(l.items[0], "FTO"));
    get_name(l.items[0], "IRGC GROUND FORCES");
    em_entity_list_free(&l);

    /* and the self-closing form */
    char *doc = em_xstrdup(ENHANCED_EMPTY_REFS);
    char *at = strstr(doc, "<referenceValues></referenceValues>");
    memcpy(at, "<referenceValues/>                 ", 35);
    rc = parse_text(em_parse_ofac_enhanced_xml, "empty_refs2.xml", doc, &l, &err);
    free(doc);
    if (rc != 0) fail_msg("%s", err.message);
    assert_int_equal(l.len, 1);
    em_entity_list_free(&l);
}

/* ---- (b) FtM: an entity no other line refers to (&facts[0] of NULL facts) ----- */

static void test_ftm_entity_without_relations(void **state) {
    (void)state;
    em_entity_list l;
    em_error err = {0};
    int rc = parse_text(em_parse_ftm_json, "lonely.json",
                        "{\"id\": \"lonely-1\", \"caption\": \"Lonely Person\", \"schema\": "
                        "\"Person\", \"properties\": {\"name\": [\"Lonely Person\"]}, "
                        "\"datasets\": [\"t\"]}\n",
                        &l, &err);
    if (rc != 0) fail_msg("%s", err.message);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0]->id, "os-lonely-1");
    get_name(l.items[0], "Lonely Person");
    em_entity_list_free(&l);
}

/* ---- every saved crash input ------------------------------------------------------ */

static parse_fn parser_of(const char *target) {
    static const struct {
        const char *target;
        parse_fn fn;
    } table[] = {{"ofac_sdn_xml", em_parse_ofac_sdn_xml},
                 {"ofac_advanced_xml", em_parse_ofac_advanced_xml},
                 {"ofac_enhanced_xml", em_parse_ofac_enhanced_xml},
                 {"un_xml", em_parse_un_xml},
                 {"eu_fsf_xml", em_parse_eu_fsf_xml},
                 {"eu_fsf_csv", em_parse_eu_fsf_csv},
                 {"uk_ofsi_csv", em_parse_uk_ofsi_csv},
                 {"uk_fcdo_csv", em_parse_uk_fcdo_csv},
                 {"uk_fcdo_ods", em_parse_uk_fcdo_ods},
                 {"uk_fcdo_xml", em_parse_uk_fcdo_xml},
                 {"ftm_json", em_parse_ftm_json},
                 {"senzing_json", em_parse_senzing_json},
                 {"custom_csv", em_parse_custom_csv}};
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(table[i].target, target) == 0) return table[i].fn;
    return NULL;
}

/* the parser answered 0, or -1 with a code and a message; everything is freed */
static void replay(const char *target, const char *path) {
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    int rc;
    parse_fn fn = parser_of(target);
    if (fn) {
        rc = fn(path, "t", collect_sink, &l, &meta, &err);
    } else if (strcmp(target, "ofac_csv") == 0) {
        em_ofac_csv_files files = {path, NULL, NULL, NULL};
        rc = em_parse_ofac_csv(&files, "ofac_sdn", collect_sink, &l, &meta, &err);
    } else if (strcmp(target, "detect") == 0) {
        em_format f = em_detect_format(path, &err);
        rc = f == EM_FMT_UNKNOWN ? -1 : 0;
    } else {
        fail_msg("tests/data/fuzz/%s: no replay for this target", target);
        return;
    }
    printf("%s: %s (%zu entities)%s%s\n", path, rc == 0 ? "parsed" : "refused", l.len,
           rc ? ": " : "", rc ? err.message : "");
    if (rc != 0 && (rc != -1 || err.code == 0 || !err.message[0]))
        fail_msg("%s: %d without a message", path, rc);
    em_entity_list_free(&l);
}

static void test_saved_crashes(void **state) {
    (void)state;
    const char *root = td("fuzz");
    DIR *d = opendir(root);
    if (!d) fail_msg("cannot open %s", root);
    size_t n = 0;
    struct dirent *t;
    while ((t = readdir(d))) {
        if (t->d_name[0] == '.') continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", root, t->d_name);
        DIR *s = opendir(sub);
        if (!s) continue;
        struct dirent *f;
        while ((f = readdir(s))) {
            if (f->d_name[0] == '.') continue;
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
            replay(t->d_name, path);
            n++;
        }
        closedir(s);
    }
    closedir(d);
    printf("%zu saved fuzz inputs replayed\n", n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enhanced_empty_reference_values),
        cmocka_unit_test(test_ftm_entity_without_relations),
        cmocka_unit_test(test_saved_crashes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
