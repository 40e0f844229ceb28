/*
 * test_history.c - first_seen / last_change / last_seen from the store's own
 * versions: OFAC 2022-09-08 then 2022-09-09 (KHATIB, Esmail added; the
 * ministry changed: CYBER2), then 2022-09-08 again (Khatib gone, the ministry
 * back to its old facts: a change too).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "embargo.h"

static void import(em_store *st, const char *file) {
    em_error err = {0};
    const char *p[] = {td(file)};
    if (em_store_import(st, p, 1, "ofac_sdn", NULL, &err) != 0) fail_msg("import: %s", err.message);
}

static void expect(em_store *st, const char *id, int64_t version, int64_t first, int64_t change,
                   int64_t last) {
    em_entity_history h;
    em_error err = {0};
    if (em_store_entity_history(st, id, version, &h, &err) != 0)
        fail_msg("%s: %s", id, err.message);
    assert_int_equal(h.first_seen_version, first);
    assert_int_equal(h.last_change_version, change);
    assert_int_equal(h.last_seen_version, last);
    assert_int_equal(strlen(h.first_seen), 20); /* 2026-12-01T10:00:00Z */
    assert_true(h.first_seen[10] == 'T' && h.last_change[19] == 'Z' && h.last_seen[4] == '-');
}

static void test_history(void **state) {
    (void)state;
    char *home = tmpdir_new("history");
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, home, EM_STORE_NO_SEED, &err) != 0) fail_msg("%s", err.message);
    import(st, "ofac/sdn_2022-09-08.csv.gz");
    import(st, "ofac/sdn_2022-09-09.csv.gz");
    expect(st, "ofac-12111", 0, 1, 2, 2); /* the ministry: CYBER2 added in version 2 */
    expect(st, "ofac-39017", 0, 2, 2, 2); /* Khatib: listed in version 2 */
    expect(st, "ofac-306", 0, 1, 1, 2);   /* unchanged since version 1 */
    expect(st, "ofac-12111", 1, 1, 1, 2); /* as of version 1 */
    import(st, "ofac/sdn_2022-09-08.csv.gz");
    expect(st, "ofac-12111", 0, 1, 3, 3); /* back to the old facts: changed again */
    expect(st, "ofac-39017", 2, 2, 2, 2); /* delisted: last seen in version 2 */
    em_entity_history h;
    assert_int_equal(em_store_entity_history(st, "ofac-39017", 0, &h, &err), -1);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);
    em_store_close(st);
    free(home);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_history)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
