/*
 * test_freshness.c - list ages (src/store/freshness.c): the age from a
 * publication date against a fixed "now", OFAC's 7 days against the others'
 * 30, the $EMBARGO_MAX_AGE_OFAC / $EMBARGO_MAX_AGE overrides (and bad values
 * ignored), unknown dates; and the publication date a store records: the
 * bundle manifest's for the OFAC CSV sets, the caller's fallback
 * (em_import_options.published, e.g. a Last-Modified) only when the file
 * states none, and the warning for an OFAC CSV set without alt.csv/add.csv.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "embargo.h"

/* 2026-12-01T00:00:00Z */
#define NOW ((int64_t)1796083200)

static void test_age_and_limits(void **state) {
    (void)state;
    unsetenv("EMBARGO_MAX_AGE_OFAC");
    unsetenv("EMBARGO_MAX_AGE");
    em_list_age a;
    em_list_age_of("ofac_sdn", "2026-11-24", NOW, &a);
    assert_int_equal((int)a.age_days, 7);
    assert_int_equal((int)a.max_age_days, EM_MAX_AGE_OFAC_DAYS);
    assert_int_equal(a.stale, 0); /* exactly 7 days: still allowed */
    em_list_age_of("ofac_sdn", "2026-11-23T12:00:00Z", NOW, &a);
    assert_int_equal(a.stale, 1); /* 7.5 days */
    em_list_age_of("un_sc", "2026-11-23", NOW, &a);
    assert_int_equal((int)a.max_age_days, EM_MAX_AGE_DAYS);
    assert_int_equal(a.stale, 0);
    em_list_age_of("un_sc", "2026-10-01", NOW, &a);
    assert_int_equal((int)a.age_days, 61);
    assert_int_equal(a.stale, 1);
    em_list_age_of("ofac_cons", "2023-12-28", NOW, &a);
    assert_int_equal((int)a.age_days, 1069);
    assert_int_equal(a.stale, 1);
    /* a date in the future is age 0, not negative */
    em_list_age_of("eu_fsf", "2027-01-01", NOW, &a);
    assert_true(a.age_days == 0);
    assert_int_equal(a.stale, 0);
}

static void test_unknown_dates(void **state) {
    (void)state;
    em_list_age a;
    const char *bad[] = {"", NULL, "yesterday", "2026-13-01", "2026-1-1", "26-12-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        em_list_age_of("ofac_sdn", bad[i], NOW, &a);
        assert_true(a.age_days < 0);
        assert_int_equal(a.stale, 0);
        assert_int_equal((int)a.max_age_days, 7);
    }
}

static void test_env_overrides(void **state) {
    (void)state;
    em_list_age a;
    setenv("EMBARGO_MAX_AGE_OFAC", "2", 1);
    setenv("EMBARGO_MAX_AGE", "90d", 1);
    em_list_age_of("ofac_sdn", "2026-11-28", NOW, &a);
    assert_int_equal((int)a.max_age_days, 2);
    assert_int_equal(a.stale, 1);
    em_list_age_of("uk_fcdo", "2026-10-01", NOW, &a);
    assert_int_equal((int)a.max_age_days, 90);
    assert_int_equal(a.stale, 0);
    /* nonsense is ignored: the defaults stay */
    setenv("EMBARGO_MAX_AGE_OFAC", "soon", 1);
    setenv("EMBARGO_MAX_AGE", "-5", 1);
    assert_int_equal((int)em_list_max_age_days("ofac_sdn"), 7);
    assert_int_equal((int)em_list_max_age_days("un_sc"), 30);
    unsetenv("EMBARGO_MAX_AGE_OFAC");
    unsetenv("EMBARGO_MAX_AGE");
}

static const em_version_info *active(em_store *st, const char *source, em_version_list **vl) {
    em_error err = {0};
    if (em_store_versions(st, source, vl, &err) != 0) fail_msg("%s", err.message);
    for (size_t i = 0; i < em_version_list_count(*vl); i++)
        if (em_version_list_get(*vl, i)->active) return em_version_list_get(*vl, i);
    fail_msg("no active version of %s", source);
    return NULL;
}

static void test_store_dates(void **state) {
    (void)state;
    setenv("EMBARGO_DATA_DIR", BUNDLED_DATA_DIR, 1);
    char *home = tmpdir_new("freshness_store");
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, home, 0, &err) != 0) fail_msg("%s", err.message); /* seeded */
    em_version_list *vl = NULL;
    assert_string_equal(active(st, "ofac_sdn", &vl)->published, "2023-12-28"); /* MANIFEST */
    em_version_list_free(vl);
    assert_string_equal(active(st, "ofac_cons", &vl)->published, "2025-12-19");
    em_version_list_free(vl);
    assert_string_equal(active(st, "un_sc", &vl)->published, "2026-02-27"); /* the file's */
    em_version_list_free(vl);

    /* a lone sdn.csv: dated by the caller's fallback, and warned about */
    em_import_options o = {0};
    o.version = EM_IMPORT_OPTIONS_VERSION;
    o.source = "ofac_test";
    o.published = "2026-11-30";
    const char *lone[] = {td("ofac/sdn_2022-09-08.csv.gz")};
    em_import_report *r = NULL;
    if (em_store_import_opts(st, lone, 1, &o, &r, &err) != 0) fail_msg("%s", err.message);
    const em_import_result *x = em_import_report_get(r, 0);
    assert_string_equal(x->published, "2026-11-30");
    assert_non_null(strstr(x->warning, "without its alt.csv and add.csv"));
    em_import_report_free(r);
    assert_string_equal(active(st, "ofac_test", &vl)->published, "2026-11-30");
    em_version_list_free(vl);

    /* a file that states its date keeps it: the fallback does not override it */
    o.source = "un_test";
    const char *un[] = {BUNDLED_DATA_DIR "/lists/un_sc/UN_consolidated_2026-02-27.xml.gz"};
    if (em_store_import_opts(st, un, 1, &o, &r, &err) != 0) fail_msg("%s", err.message);
    assert_string_equal(em_import_report_get(r, 0)->published, "2026-02-27");
    assert_string_equal(em_import_report_get(r, 0)->warning, "");
    em_import_report_free(r);

    /* version 1 options (no `published`) are still accepted */
    em_import_options o1 = {0};
    o1.version = 1;
    o1.source = "ofac_test";
    o1.force = 1;
    const char *next[] = {td("ofac/sdn_2022-09-09.csv.gz")};
    if (em_store_import_opts(st, next, 1, &o1, &r, &err) != 0) fail_msg("%s", err.message);
    assert_string_equal(em_import_report_get(r, 0)->published, "");
    em_import_report_free(r);
    em_store_close(st);
    free(home);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_and_limits),
        cmocka_unit_test(test_unknown_dates),
        cmocka_unit_test(test_env_overrides),
        cmocka_unit_test(test_store_dates),
    };
    return cmocka_run_group_tests_name("list freshness", tests, NULL, NULL);
}
