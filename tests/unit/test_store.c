/*
 * test_store.c - the versioned list store through the public API: atomic
 * imports, versions and activation, entity loading, diff, lookup, and the
 * refusal of bad input without losing the active version.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "model/entity.h"
#include "store/import_rows.h"
#include "store/store_internal.h"
#include "store/store_read.h"

static em_store *open_empty(const char *name, char **dir) {
    *dir = tmpdir_new(name);
    em_store *st = NULL;
    em_error err = {0};
    if (em_store_open(&st, *dir, EM_STORE_NO_SEED, &err) != 0) fail_msg("open: %s", err.message);
    return st;
}

static int64_t import1(em_store *st, const char *path, const char *source) {
    em_error err = {0};
    em_import_report *r = NULL;
    const char *paths[] = {path};
    if (em_store_import(st, paths, 1, source, &r, &err) != 0) fail_msg("import: %s", err.message);
    int64_t v = em_import_report_get(r, 0)->version;
    em_import_report_free(r);
    return v;
}

static int64_t active_version(em_store *st, const char *source) {
    em_version_list *l = NULL;
    em_error err = {0};
    assert_int_equal(em_store_versions(st, source, &l, &err), 0);
    int64_t v = 0;
    for (size_t i = 0; i < em_version_list_count(l); i++)
        if (em_version_list_get(l, i)->active) v = em_version_list_get(l, i)->id;
    em_version_list_free(l);
    return v;
}

static void test_csv_set_import_and_entities(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("store_set", &dir);
    const char *b = BUNDLED_DATA_DIR "/lists/ofac_sdn/";
    char p[4][512];
    const char *names[] = {"sdn.csv.gz", "add.csv.gz", "alt.csv.gz", "sdn_comments.csv.gz"};
    const char *paths[4];
    for (int i = 0; i < 4; i++) {
        snprintf(p[i], sizeof p[i], "%s%s", b, names[i]);
        paths[i] = p[i];
    }
    em_error err = {0};
    em_import_report *r = NULL;
    assert_int_equal(em_store_import(st, paths, 4, NULL, &r, &err), 0);
    assert_int_equal(em_import_report_count(r), 1);
    const em_import_result *x = em_import_report_get(r, 0);
    assert_string_equal(x->source, "ofac_sdn");
    assert_int_equal(x->entities, 13821);
    assert_int_equal(strlen(x->sha256), 64);
    em_import_report_free(r);

    em_version_list *l = NULL;
    assert_int_equal(em_store_versions(st, NULL, &l, &err), 0);
    assert_int_equal(em_version_list_count(l), 1);
    const em_version_info *v = em_version_list_get(l, 0);
    assert_int_equal(v->persons + v->organizations + v->vessels + v->aircraft + v->others, 13821);
    assert_non_null(strstr(v->files, "alt.csv.gz"));
    assert_true(v->active);
    em_version_list_free(l);

    em_entity *e = NULL;
    assert_int_equal(em_store_entity(st, "ofac-39017", 0, &e, &err), 0);
    assert_string_equal(em_entity_caption(e), "KHATIB, Esmail");
    assert_true(has_name(e, "KHATIB, Seyed Esmaeil", EM_NAME_AKA));
    assert_int_equal(e->links.len, 1);
    assert_string_equal(e->links.items[0].target_id, "ofac-12111");
    em_entity_free(e);

    assert_int_equal(em_store_entity(st, "ofac-999999999", 0, &e, &err), -1);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);

    /* the imported list is searchable through the matcher's snapshot */
    em_matcher *m = NULL;
    assert_int_equal(em_matcher_open(&m, st, &err), 0);
    em_searcher *s = em_searcher_new(m, &err);
    em_query q = {0};
    q.name = "vevak";
    em_results *res = NULL;
    assert_int_equal(em_search(s, &q, &res, &err), 0);
    assert_int_equal(em_results_count(res), 1);
    assert_string_equal(em_results_get(res, 0)->id, "ofac-12111");
    em_results_free(res);
    /* a person searched as an organisation costs the score of the wrong type */
    q.name = "Esmail KHATIB";
    q.schema = "Organization";
    q.all = 1;
    assert_int_equal(em_search(s, &q, &res, &err), 0);
    assert_string_equal(em_results_get(res, 0)->id, "ofac-39017");
    assert_true(em_results_get(res, 0)->score < 0.99);
    assert_non_null(strstr(em_results_get(res, 0)->explanation_json, "\"fact\":\"schema\""));
    em_results_free(res);
    /* a name with nothing to compare alerts nobody */
    q = (em_query){0};
    q.name = " ,;";
    assert_int_equal(em_search(s, &q, &res, &err), 0);
    assert_int_equal(em_results_count(res), 0);
    em_results_free(res);
    em_searcher_free(s);
    em_matcher_close(m);

    /* the add/alt files alone are not a list */
    assert_int_equal(em_store_import(st, paths + 1, 2, NULL, &r, &err), -1);
    assert_non_null(strstr(err.message, "main file"));
    em_store_close(st);
    free(dir);
}

static void test_versions_diff_activate(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("store_diff", &dir);
    int64_t v1 = import1(st, td("ofac/sdn_2022-09-08.csv.gz"), NULL);
    int64_t v2 = import1(st, td("ofac/sdn_2022-09-09.csv.gz"), NULL);
    assert_true(v2 > v1);
    assert_int_equal(active_version(st, "ofac_sdn"), v2);

    em_error err = {0};
    em_diff *d = NULL;
    assert_int_equal(em_store_diff(st, "ofac_sdn", 0, 0, &d, &err), 0);
    assert_int_equal(em_diff_from(d), v1);
    assert_int_equal(em_diff_to(d), v2);
    assert_int_equal(em_diff_count(d), 2);
    int saw_added = 0, saw_programs = 0;
    for (size_t i = 0; i < em_diff_count(d); i++) {
        const em_change *c = em_diff_get(d, i);
        if (c->kind == EM_ADDED) {
            assert_string_equal(c->id, "ofac-39017");
            saw_added = 1;
        } else {
            assert_int_equal(c->kind, EM_CHANGED);
            assert_string_equal(c->id, "ofac-12111");
            for (size_t k = 0; k < c->nfields; k++)
                if (strcmp(c->fields[k], "programs") == 0) {
                    assert_string_equal(c->added_values[k], "[\"CYBER2\"]");
                    assert_string_equal(c->removed_values[k], "[]");
                    saw_programs = 1;
                }
        }
    }
    assert_true(saw_added && saw_programs);
    em_diff_free(d);

    /* going back to the older version is one call, and the entity follows */
    assert_int_equal(em_store_activate(st, v1, &err), 0);
    assert_int_equal(active_version(st, "ofac_sdn"), v1);
    em_entity *e = NULL;
    assert_int_equal(em_store_entity(st, "ofac-39017", 0, &e, &err), -1);
    assert_int_equal(em_store_entity(st, "ofac-39017", v2, &e, &err), 0);
    em_entity_free(e);
    assert_int_equal(em_store_activate(st, 12345, &err), -1);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);

    /* diffs need two versions of the same list */
    assert_int_equal(em_store_diff(st, "un_sc", 0, 0, &d, &err), -1);
    assert_int_equal(em_store_diff(st, "ofac_sdn", 0, v1, &d, &err), -1);
    assert_non_null(strstr(err.message, "first version"));
    em_store_close(st);
    free(dir);
}

static void test_bad_input_keeps_active(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("store_bad", &dir);
    int64_t v =
        import1(st, BUNDLED_DATA_DIR "/lists/un_sc/UN_consolidated_2026-02-27.xml.gz", NULL);
    em_error err = {0};
    em_import_report *r = NULL;

    /* a truncated UN file, together with a good OFAC file: nothing at all is imported */
    char *bad = em_xasprintf("%s/UN_truncated.xml", dir);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "zcat '%s' | head -c 400000 > '%s'",
             BUNDLED_DATA_DIR "/lists/un_sc/UN_consolidated_2026-02-27.xml.gz", bad);
    assert_int_equal(system(cmd), 0);
    const char *paths[] = {td("ofac/sdn_2022-09-08.csv.gz"), bad};
    assert_int_equal(em_store_import(st, paths, 2, NULL, &r, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    assert_non_null(strstr(err.message, "UN_truncated.xml"));
    assert_non_null(strstr(err.message, "line"));
    assert_int_equal(active_version(st, "un_sc"), v);
    assert_int_equal(active_version(st, "ofac_sdn"), 0);

    /* a valid XML document with no entries: refused, not an empty active list */
    char *empty = em_xasprintf("%s/UN_empty.xml", dir);
    FILE *f = fopen(empty, "w");
    fputs("<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-03-01T00:00:00Z\">"
          "<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>\n",
          f);
    fclose(f);
    const char *p2[] = {empty};
    assert_int_equal(em_store_import(st, p2, 1, NULL, &r, &err), -1);
    assert_non_null(strstr(err.message, "no entities"));
    assert_int_equal(active_version(st, "un_sc"), v);

    /* two different main files of one list in one import */
    const char *p3[] = {td("ofac/sdn_2022-09-08.csv.gz"), td("ofac/sdn_2022-09-09.csv.gz")};
    assert_int_equal(em_store_import(st, p3, 2, NULL, &r, &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE);

    /* the same file again makes no new version */
    int64_t again =
        import1(st, BUNDLED_DATA_DIR "/lists/un_sc/UN_consolidated_2026-02-27.xml.gz", NULL);
    assert_int_equal(again, v);

    /* a store opened read-only on a missing home says what to do */
    em_store *ro = NULL;
    char *nowhere = em_xasprintf("%s/nowhere", dir);
    assert_int_equal(em_store_open(&ro, nowhere, EM_STORE_READONLY, &err), -1);
    assert_non_null(strstr(err.message, "embargo import"));
    free(nowhere);
    free(bad);
    free(empty);
    em_store_close(st);
    free(dir);
}

/* FtM JSON lines of n people (p0 .. p<n-1>); person `long_at` (if < n) gets a name of
   2,000 bytes */
static char *write_people(const char *dir, const char *name, size_t n, size_t long_at) {
    char *path = em_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        if (i == long_at) {
            fprintf(f, "{\"id\":\"p%zu\",\"schema\":\"Person\",\"properties\":{\"name\":[\"", i);
            for (int k = 0; k < 400; k++)
                fputs("Abcd ", f);
            fputs("\"]}}\n", f);
        } else {
            fprintf(f,
                    "{\"id\":\"p%zu\",\"schema\":\"Person\",\"properties\":{\"name\":"
                    "[\"Person Number%zu Tester\"]}}\n",
                    i, i);
        }
    }
    fclose(f);
    return path;
}

static size_t version_count(em_store *st, const char *source) {
    em_version_list *l = NULL;
    em_error err = {0};
    assert_int_equal(em_store_versions(st, source, &l, &err), 0);
    size_t n = em_version_list_count(l);
    em_version_list_free(l);
    return n;
}

/* The import streams a list into the store in batches (store/import.c): a list refused
   after several batches were written, by a limit met mid-way or by a guard that needs the
   whole list, leaves nothing behind and the active version as it was. */
static void test_streamed_refusal_keeps_active(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("store_stream", &dir);
    char *good = write_people(dir, "good.ftm.json", 10000, (size_t)-1);
    int64_t v = import1(st, good, "people");
    assert_true(v > 0);

    /* entity 9,000 (after two batches of 4,096) passes the field limit */
    char *bad = write_people(dir, "bad.ftm.json", 10000, 9000);
    em_import_options o = {0};
    o.version = EM_IMPORT_OPTIONS_VERSION;
    o.source = "people";
    o.max_field_bytes = 1000;
    em_error err = {0};
    em_import_report *r = NULL;
    const char *p1[] = {bad};
    assert_int_equal(em_store_import_opts(st, p1, 1, &o, &r, &err), -1);
    assert_null(r);
    assert_non_null(strstr(err.message, "p9000"));
    assert_int_equal(active_version(st, "people"), v);
    assert_int_equal(version_count(st, "people"), 1);

    /* a list half the size: the shrink guard, checked once the list is read */
    char *half = write_people(dir, "half.ftm.json", 5000, (size_t)-1);
    const char *p2[] = {half};
    assert_int_equal(em_store_import(st, p2, 1, "people", &r, &err), -1);
    assert_non_null(strstr(err.message, "drop"));
    assert_int_equal(active_version(st, "people"), v);
    assert_int_equal(version_count(st, "people"), 1);

    /* the entities of the active version are all there, none of the refused ones */
    em_entity *e = NULL;
    assert_int_equal(em_store_entity(st, "os-p9999", 0, &e, &err), 0);
    char *json = em_entity_to_json_string(e, 0);
    assert_non_null(strstr(json, "Number9999"));
    free(json);
    em_entity_free(e);

    /* and a good new version of it is taken whole */
    char *more = write_people(dir, "more.ftm.json", 10500, (size_t)-1);
    int64_t v2 = import1(st, more, "people");
    assert_true(v2 > v);
    assert_int_equal(active_version(st, "people"), v2);
    free(good), free(bad), free(half), free(more);
    em_store_close(st);
    free(dir);
}

/* The bulk read (store_read.c) gives the entities of the versions asked in the
   snapshot's order: by version, then length(id), id; each with its own JSON and version,
   also when two versions share the stored JSON of an entity (the same digest). */
typedef struct order_check {
    int64_t v1, v2;
    size_t n1, seen;
} order_check;

static int check_order(void *ctx, em_entity *e, int64_t version, em_error *err) {
    (void)err;
    order_check *c = ctx;
    size_t k = c->seen < c->n1 ? c->seen : c->seen - c->n1;
    char id[32], name[64];
    snprintf(id, sizeof id, "os-p%zu", k);
    snprintf(name, sizeof name, "Person Number%zu Tester", k);
    assert_int_equal(version, c->seen < c->n1 ? c->v1 : c->v2);
    assert_string_equal(e->id, id);
    assert_int_equal(e->names.len, 1);
    assert_string_equal(e->names.items[0].full, name);
    c->seen++;
    em_entity_free(e);
    return 0;
}

static void test_bulk_read_order(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("store_order", &dir);
    char *a = write_people(dir, "a.ftm.json", 300, (size_t)-1);
    char *b = write_people(dir, "b.ftm.json", 320, (size_t)-1);
    order_check c = {import1(st, a, "people"), import1(st, b, "people"), 300, 0};
    assert_true(c.v2 > c.v1);
    int64_t ids[] = {c.v2, c.v1};
    em_buf stamp;
    em_buf_init(&stamp);
    em_error err = {0};
    assert_int_equal(em_store_each_version(st, ids, 2, check_order, &c, &stamp, &err), 0);
    assert_int_equal(c.seen, 620);
    order_check act = {c.v2, 0, 320, 0}; /* the active version alone */
    em_buf_reset(&stamp);
    assert_int_equal(em_store_each_active(st, check_order, &act, &stamp, &err), 0);
    assert_int_equal(act.seen, 320);
    em_buf_free(&stamp);
    free(a), free(b);
    em_store_close(st);
    free(dir);
}

static void test_xml_sources(void **state) {
    (void)state;
    char *dir;
    em_store *st = open_empty("store_xml", &dir);
    const char *paths[] = {td("ofac/consolidated_2024-05-06.xml.gz"),
                           td("ofac/cons_advanced_2020-03-17.xml.gz")};
    em_error err = {0};
    em_import_report *r = NULL;
    /* both are the consolidated list: two versions of one source cannot come in one import */
    assert_int_equal(em_store_import(st, paths, 2, NULL, &r, &err), -1);
    int64_t v1 = import1(st, paths[1], NULL);
    int64_t v2 = import1(st, paths[0], NULL);
    em_version_list *l = NULL;
    assert_int_equal(em_store_versions(st, "ofac_cons", &l, &err), 0);
    assert_int_equal(em_version_list_count(l), 2);
    assert_string_equal(em_version_list_get(l, 0)->published, "2024-05-06");
    assert_string_equal(em_version_list_get(l, 0)->format, "ofac-xml");
    assert_string_equal(em_version_list_get(l, 1)->published, "2020-03-17");
    em_version_list_free(l);
    /* ids agree across OFAC formats, so versions in different formats can be compared */
    em_diff *d = NULL;
    assert_int_equal(em_store_diff(st, "ofac_cons", v1, v2, &d, &err), 0);
    for (size_t i = 0; i < em_diff_count(d); i++)
        if (strcmp(em_diff_get(d, i)->id, "ofac-9639") == 0) /* HANIYA is on both */
            assert_int_equal(em_diff_get(d, i)->kind, EM_CHANGED);
    em_diff_free(d);
    int64_t v3 = import1(st, td("ofac/irgc_enhanced_2024-08-28.xml.gz"), "ofac_irgc_sample");
    assert_true(v3 > v2);
    em_entity *e = NULL;
    assert_int_equal(em_store_entity(st, "ofac-10391", 0, &e, &err), 0);
    assert_string_equal(em_entity_source(e), "ofac_irgc_sample");
    em_entity_free(e);
    em_store_close(st);
    free(dir);
}

/* The store's JSON is written (import_rows.c) and read back (store_read.c) without
   jansson's tree: the bytes written are the ones em_entity_to_json_string gives, and
   an entity read back is the one em_entity_from_json makes, for strings that need
   escaping, text in every script, repeated property keys, and for a string that
   is not UTF-8 (left to jansson). */
static void test_stored_json_without_tree(void **state) {
    (void)state;
    em_entity *e = em_entity_new("people", "os", "t1", EM_SCHEMA_PERSON);
    em_entity_add_name(e, "Quote \" back\\slash /slash \t tab \n nl \x01 \x1f \x7f",
                       EM_NAME_PRIMARY, NULL, NULL);
    em_entity_add_name(e, "Ахмед Мухаммед 李明 \xF0\x9F\x98\x80 é", EM_NAME_AKA, "weak", "Cyrl");
    em_entity_add_birth_date(e, "circa 1960", "1960", "1961", 1);
    em_entity_add_birth_date(e, NULL, "1970-01-02", NULL, 0);
    em_entity_add_nationality(e, "ir");
    em_entity_add_address(e, "Street \"1\"", "Tehran", NULL, NULL, "ir");
    em_identifier *d = em_entity_add_identifier(e, EM_ID_CRYPTO, "0xabc", NULL, "publicKey");
    d->currency = em_xstrdup("ETH");
    em_entity_add_program(e, "SDGT");
    em_entity_add_link(e, "associate", "os-t2", "Other \\ One");
    em_entity_add_prop(e, "topics", "sanction");
    em_entity_add_prop(e, "position", "Minister\r\n");
    em_entity_add_prop(e, "topics", "role.pep");
    e->remarks = em_xstrdup("a\bb\fc");
    em_entity_finish(e);
    em_buf b;
    em_buf_init(&b);
    assert_int_equal(em_entity_row_json(e, &b), 0);
    char *want = em_entity_to_json_string(e, 0);
    assert_string_equal(em_buf_cstr(&b), want);
    free(want);
    em_entity_add_prop(e, "title", "bad \xC3\x28 utf-8"); /* jansson drops it: left to it */
    em_buf_reset(&b);
    assert_int_equal(em_entity_row_json(e, &b), -1);
    em_entity_free(e);

    /* stored and read back: the streamed read (no tree) against em_store_entity (jansson) */
    char *dir;
    em_store *st = open_empty("store_json", &dir);
    char *path = em_xasprintf("%s/t.ftm.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"id\":\"a1\",\"schema\":\"Person\",\"caption\":\"Esc \\\"q\\\" \\\\ \\/ \\u00e9"
          " \\ud83d\\ude00\",\"properties\":{\"name\":[\"Esc \\\"q\\\" \\\\ \\/ \\u00e9"
          " \\ud83d\\ude00\",\"Tab\\there \\u001f\"],\"birthDate\":[\"1960-05-01\"],"
          "\"topics\":[\"sanction\",\"role.pep\"],\"position\":[\"Line\\nbreak\"],"
          "\"country\":[\"ir\",\"iq\"],\"notes\":[\"x\\r\\ny\"]}}\n",
          f);
    fputs("{\"id\":\"a2\",\"schema\":\"Company\",\"properties\":{\"name\":[\"ООО Ромашка\","
          "\"株式会社\"],\"registrationNumber\":[\"12345678\"]}}\n",
          f);
    fputs("{\"id\":\"s1\",\"schema\":\"Sanction\",\"properties\":{\"entity\":[\"a1\"],"
          "\"program\":[\"IRGC\"],\"startDate\":[\"2020-01-01\"]}}\n",
          f);
    fputs("{\"id\":\"r1\",\"schema\":\"Ownership\",\"properties\":{\"owner\":[\"a1\"],"
          "\"asset\":[\"a2\"]}}\n",
          f);
    fclose(f);
    assert_true(import1(st, path, "people") > 0);
    em_entity_list l = {0};
    int64_t *versions = NULL;
    em_buf stamp;
    em_buf_init(&stamp);
    em_error err = {0};
    assert_int_equal(em_store_load_active(st, &l, &versions, &stamp, &err), 0);
    assert_int_equal(l.len, 2);
    for (size_t i = 0; i < l.len; i++) {
        em_entity *j = NULL;
        assert_int_equal(em_store_entity(st, l.items[i]->id, 0, &j, &err), 0);
        char *a = em_entity_to_json_string(l.items[i], 0), *c = em_entity_to_json_string(j, 0);
        assert_string_equal(a, c);
        char *text = NULL;
        assert_int_equal(em_store_load_json(st, l.items[i]->id, 0, &text, NULL, &err), 0);
        assert_string_equal(a, text); /* the bytes written are jansson's */
        free(a), free(c), free(text);
        em_entity_free(j);
    }
    assert_non_null(strstr(l.items[0]->names.items[0].full, "\xF0\x9F\x98\x80"));
    em_entity_list_free(&l);
    free(versions);
    em_buf_free(&stamp);
    em_buf_free(&b);
    free(path);
    em_store_close(st);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_set_import_and_entities),
        cmocka_unit_test(test_versions_diff_activate),
        cmocka_unit_test(test_bad_input_keeps_active),
        cmocka_unit_test(test_streamed_refusal_keeps_active),
        cmocka_unit_test(test_bulk_read_order),
        cmocka_unit_test(test_stored_json_without_tree),
        cmocka_unit_test(test_xml_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
