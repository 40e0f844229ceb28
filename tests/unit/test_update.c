/*
 * test_update.c - `embargo update` pieces without a network: the config
 * parser (comments, multi-URL sources, errors with line numbers), the update
 * log and the status derived from it, and whole updates from file:// URLs.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "store/update_log.h"
#include "update/update_internal.h"

static void test_config_parse(void **state) {
    (void)state;
    const char *text = "# a comment\n"
                       "\n"
                       "ofac_sdn https://h/SDN.CSV https://h/ADD.CSV   # two on the line\n"
                       "         https://h/ALT.CSV\n"
                       "\t# an indented comment does not continue anything\n"
                       "\thttps://h/SDN_COMMENTS.CSV\n"
                       "un_sc  http://mirror.local/un.xml#frag\n"
                       "custom-1 file:///srv/lists/blocked.csv\n";
    em_update_config c;
    em_error err = {0};
    assert_int_equal(em_update_config_parse(text, "t.conf", &c, &err), 0);
    assert_int_equal(c.len, 3);
    assert_string_equal(c.items[0].name, "ofac_sdn");
    assert_int_equal(c.items[0].urls.len, 4);
    assert_string_equal(c.items[0].urls.items[2], "https://h/ALT.CSV");
    assert_string_equal(c.items[0].urls.items[3], "https://h/SDN_COMMENTS.CSV");
    assert_int_equal(c.items[0].line, 3);
    assert_string_equal(c.items[1].urls.items[0], "http://mirror.local/un.xml#frag");
    assert_string_equal(c.items[2].name, "custom-1");
    assert_non_null(em_update_config_find(&c, "un_sc"));
    assert_null(em_update_config_find(&c, "eu_fsf"));
    em_update_config_free(&c);
}

static void expect_error(const char *text, const char *needle) {
    em_update_config c;
    em_error err = {0};
    assert_int_equal(em_update_config_parse(text, "bad.conf", &c, &err), -1);
    if (!strstr(err.message, needle)) fail_msg("'%s' lacks '%s'", err.message, needle);
    assert_int_equal(err.code, EM_ERR_USAGE);
}

static void test_config_errors(void **state) {
    (void)state;
    expect_error("# x\nOFAC https://h/a\n", "bad.conf line 2: 'OFAC' is not a source name");
    expect_error("  https://h/a\n", "line 1: indented line without a source");
    expect_error("a https://h/a\nb ftp://h/b\n", "line 2: unsupported URL scheme in 'ftp://h/b'");
    expect_error("a https://h/a\nb h/b\n", "line 2: 'h/b' is not a URL");
    expect_error("a https://h/a\n\na https://h/b\n", "line 3: source a is declared twice");
    expect_error("a https://h/a\nb # no url\n", "line 2: source b has no URL");
    expect_error("# nothing\n", "no sources configured");
    expect_error("a 1:// 2:// 3://\n", "line 1: unsupported URL scheme");
}

static em_store *open_empty(const char *name, char **dir) {
    *dir = tmpdir_new(name);
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, *dir, EM_STORE_NO_SEED, &err) != 0) fail_msg("open: %s", err.message);
    return st;
}

static void test_log_and_status(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("update_log", &dir);
    em_error err = {0};
    em_update_status_list *l = NULL;
    assert_int_equal(em_store_update_status(st, &l, &err), 0);
    assert_int_equal(em_update_status_count(l), 0);
    em_update_status_list_free(l);

    em_update_log_entry e = {.source = "un_sc",
                             .started_at = "2026-03-01T10:00:00Z",
                             .finished_at = "2026-03-01T10:00:05Z",
                             .outcome = EM_UPDATE_UPDATED,
                             .http_status = 200,
                             .bytes = 1234,
                             .etag = "\"abc\"",
                             .last_modified = "Sun, 01 Mar 2026 09:00:00 GMT",
                             .version_id = 7};
    assert_int_equal(em_update_log_record(st, &e, &err), 0);
    e.finished_at = "2026-03-01T11:00:05Z";
    e.outcome = EM_UPDATE_FAILED;
    e.http_status = 500;
    e.error = "HTTP 500";
    e.etag = e.last_modified = NULL;
    assert_int_equal(em_update_log_record(st, &e, &err), 0);
    e.finished_at = "2026-03-01T12:00:05Z";
    e.error = "HTTP 503";
    assert_int_equal(em_update_log_record(st, &e, &err), 0);
    e.source = "ofac_sdn";
    e.error = "timed out";
    assert_int_equal(em_update_log_record(st, &e, &err), 0);

    assert_int_equal(em_store_update_status(st, &l, &err), 0);
    assert_int_equal(em_update_status_count(l), 2);
    assert_string_equal(em_update_status_get(l, 0)->source, "ofac_sdn"); /* sorted */
    const em_update_status *u = em_update_status_find(l, "un_sc");
    assert_non_null(u);
    assert_string_equal(u->last_success, "2026-03-01T10:00:05Z");
    assert_string_equal(u->last_success_outcome, "updated");
    assert_int_equal(u->last_success_version, 7);
    assert_string_equal(u->etag, "\"abc\"");
    assert_string_equal(u->last_modified, "Sun, 01 Mar 2026 09:00:00 GMT");
    assert_string_equal(u->last_failure, "2026-03-01T12:00:05Z");
    assert_string_equal(u->last_failure_error, "HTTP 503");
    assert_string_equal(u->last_outcome, "failed");
    assert_int_equal(u->consecutive_failures, 2);
    assert_int_equal(u->attempts, 3);
    u = em_update_status_find(l, "ofac_sdn");
    assert_string_equal(u->last_success, "");
    assert_int_equal(u->consecutive_failures, 1);
    em_update_status_list_free(l);

    /* a success (here a 304) resets the run of failures */
    e.source = "un_sc";
    e.finished_at = "2026-03-01T13:00:05Z";
    e.outcome = EM_UPDATE_NOT_MODIFIED;
    e.error = NULL;
    assert_int_equal(em_update_log_record(st, &e, &err), 0);
    assert_int_equal(em_store_update_status(st, &l, &err), 0);
    u = em_update_status_find(l, "un_sc");
    assert_int_equal(u->consecutive_failures, 0);
    assert_string_equal(u->last_success_outcome, "not_modified");
    assert_string_equal(u->last_failure_error, "HTTP 503");
    em_update_status_list_free(l);
    em_store_close(st);
    free(dir);
}

/* Whole updates from file:// URLs: one good source, one missing file. */
static void test_update_from_files(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("update_files", &dir);
    char *conf = em_xasprintf("%s/test.conf", dir);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "un_sc file://%s/lists/un_sc/UN_consolidated_2026-02-27.xml.gz\n"
            "ofac_sdn file://%s/no-such-file.csv\n",
            BUNDLED_DATA_DIR, dir);
    fclose(f);
    em_update_options o;
    em_update_options_init(&o);
    o.config_path = conf;
    o.retry_delay = 0.01;
    em_update_report *r = NULL;
    em_error err = {0};
    assert_int_equal(em_store_update(st, &o, &r, &err), 0);
    assert_int_equal(em_update_report_count(r), 2);
    assert_int_equal(em_update_report_failures(r), 1);
    const em_update_result *x = em_update_report_get(r, 0);
    assert_string_equal(x->source, "un_sc");
    assert_int_equal(x->outcome, EM_UPDATE_UPDATED);
    assert_int_equal(x->entities, 1003);
    assert_true(x->version > 0);
    assert_int_equal(x->previous_version, 0);
    assert_int_equal(strlen(x->sha256), 64);
    assert_true(x->bytes > 0);
    int64_t v = x->version;
    x = em_update_report_get(r, 1);
    assert_int_equal(x->outcome, EM_UPDATE_FAILED);
    assert_non_null(strstr(x->error, "no-such-file.csv"));
    assert_int_equal(x->version, 0);
    em_update_report_free(r);

    /* again, only un_sc: identical content, no new version */
    const char *only[] = {"un_sc"};
    o.sources = only;
    o.nsources = 1;
    assert_int_equal(em_store_update(st, &o, &r, &err), 0);
    assert_int_equal(em_update_report_count(r), 1);
    assert_int_equal(em_update_report_get(r, 0)->outcome, EM_UPDATE_UNCHANGED);
    assert_int_equal(em_update_report_get(r, 0)->version, v);
    em_update_report_free(r);

    /* an unknown source is a usage error before anything runs */
    const char *bad[] = {"eu_fsf"};
    o.sources = bad;
    assert_int_equal(em_store_update(st, &o, &r, &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE);
    assert_non_null(strstr(err.message, "configured: un_sc, ofac_sdn"));
    assert_null(r);

    em_update_status_list *l = NULL;
    assert_int_equal(em_store_update_status(st, &l, &err), 0);
    const em_update_status *u = em_update_status_find(l, "un_sc");
    assert_string_equal(u->last_success_outcome, "unchanged");
    assert_int_equal(u->last_success_version, v);
    assert_int_equal(u->attempts, 2);
    u = em_update_status_find(l, "ofac_sdn");
    assert_int_equal(u->consecutive_failures, 1);
    em_update_status_list_free(l);
    em_store_close(st);
    free(conf);
    free(dir);
    em_update_global_cleanup();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_parse),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_log_and_status),
        cmocka_unit_test(test_update_from_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
