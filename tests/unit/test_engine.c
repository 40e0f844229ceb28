/*
 * test_engine.c - em_party and em_engine through the public API only: the
 * party's setters check and normalise (schemata, ISO countries, dates,
 * identifier types), a whole party with several names, dates, countries and
 * an identifier is screened and explained, matchable schemata and datasets
 * filter, a home without lists is refused, and a batch keeps every row in
 * input order while list versions are swapped under it.
 */
#include "testutil.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"

static char *HOME_DIR;
static em_engine *E;

static int setup(void **state) {
    (void)state;
    em_error err = {0};
    HOME_DIR = tmpdir_new("engine_home");
    em_engine_options o = {EM_ENGINE_OPTIONS_VERSION, HOME_DIR, 0};
    if (em_engine_open(&E, &o, &err) != 0) fail_msg("engine: %s", err.message);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_engine_close(E);
    free(HOME_DIR);
    return 0;
}

static void test_party_setters(void **state) {
    (void)state;
    em_error err = {0};
    em_party *p = em_party_new();
    assert_int_equal(em_party_set_schema(p, "individual", &err), 0);
    assert_string_equal(em_party_schema(p), "Person");
    assert_int_equal(em_party_set_schema(p, "Ship", &err), 0);
    assert_string_equal(em_party_schema(p), "Vessel");
    assert_int_equal(em_party_set_schema(p, "Unicorn", &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE);
    assert_non_null(strstr(err.message, "Unicorn"));
    assert_int_equal(em_party_set_schema(p, "Thing", &err), 0);
    assert_null(em_party_schema(p)); /* any party */

    /* countries: codes, English names and the lists' spellings, all to ISO alpha-2 */
    assert_int_equal(em_party_add_country(p, "IR", &err), 0);
    assert_int_equal(em_party_add_country(p, "Iran", &err), 0); /* the same: kept once */
    assert_int_equal(em_party_add_country(p, "Korea, North", &err), 0);
    assert_int_equal(em_party_add_country(p, "Russian Federation", &err), 0);
    assert_int_equal(em_party_country_count(p), 3);
    assert_string_equal(em_party_country(p, 0), "ir");
    assert_string_equal(em_party_country(p, 1), "kp");
    assert_string_equal(em_party_country(p, 2), "ru");
    assert_int_equal(em_party_add_country(p, "Narnia", &err), -1);
    assert_non_null(strstr(err.message, "Narnia"));

    assert_int_equal(em_party_add_birth_date(p, "1960", &err), 0);
    assert_int_equal(em_party_add_birth_date(p, "1958-03..1959", &err), 0);
    assert_int_equal(em_party_add_birth_date(p, "1960-13-01", &err), -1);
    assert_int_equal(em_party_add_birth_date(p, "1962..1950", &err), -1);
    assert_int_equal(em_party_add_birth_date(p, "yesterday", &err), -1);
    assert_int_equal(em_party_birth_date_count(p), 2);

    assert_int_equal(em_party_set_gender(p, "F", &err), 0);
    assert_string_equal(em_party_gender(p), "female");
    assert_int_equal(em_party_set_gender(p, "sometimes", &err), -1);

    const char *type = NULL;
    assert_int_equal(em_party_add_identifier(p, "IMO", "9187629", &err), 0);
    assert_string_equal(em_party_identifier(p, 0, &type), "9187629");
    assert_string_equal(type, "imo");
    assert_int_equal(em_party_add_identifier(p, "shoe size", "44", &err), -1);

    unsigned flags = 9;
    assert_int_equal(em_party_add_name(p, "  ", 0, &err), 0); /* blank: nothing */
    assert_int_equal(em_party_add_name(p, "Bart", EM_NAME_WEAK, &err), 0);
    assert_int_equal(em_party_add_name_parts(p, "Bartholomew", NULL, "Inkridge", &err), 0);
    assert_int_equal(em_party_name_count(p), 2);
    assert_string_equal(em_party_name(p, 0, &flags), "Bart");
    assert_int_equal(flags, EM_NAME_WEAK);
    assert_string_equal(em_party_name(p, 1, &flags), "Bartholomew Inkridge");
    assert_int_equal(flags, 0);
    char big[EM_PARTY_MAX_VALUE_BYTES + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(em_party_add_name(p, big, 0, &err), -1);
    em_party_free(p);
}

static const em_result *find_result(const em_results *r, const char *id) {
    for (size_t i = 0; i < em_results_count(r); i++)
        if (strcmp(em_results_get(r, i)->id, id) == 0) return em_results_get(r, i);
    return NULL;
}

static void test_screen_whole_party(void **state) {
    (void)state;
    em_error err = {0};
    em_party *p = em_party_new();
    assert_int_equal(em_party_set_schema(p, "Person", &err), 0);
    /* a customer record: its legal name does not match, an alias does */
    assert_int_equal(em_party_add_name(p, "Bartholomew Quillstone", 0, &err), 0);
    assert_int_equal(em_party_add_name(p, "Esmail Khatib", 0, &err), 0);
    assert_int_equal(em_party_add_birth_date(p, "1990-05-01", &err), 0);
    assert_int_equal(em_party_add_birth_date(p, "1960", &err), 0);
    assert_int_equal(em_party_add_country(p, "Iran", &err), 0);
    assert_int_equal(em_party_set_gender(p, "male", &err), 0);
    assert_int_equal(em_party_add_identifier(p, "passport", "ZZ0000000", &err), 0);
    em_results *r = NULL;
    assert_int_equal(em_engine_screen(E, p, NULL, &r, &err), 0);
    assert_true(em_results_count(r) >= 1);
    const em_result *x = em_results_get(r, 0);
    assert_string_equal(x->id, "ofac-39017");
    assert_string_equal(x->source, "ofac_sdn");
    assert_true(x->match);
    assert_true(x->score >= 0.9);
    assert_string_equal(x->matched_name, "KHATIB, Esmail");
    /* the explanation, as C data, says which query name met which listed name, part by
       part, and what the qualifiers did: the 1960 date (not the 1990 one) decides, once */
    const em_explanation *ex = em_result_explanation(x);
    assert_non_null(ex);
    assert_string_equal(ex->query_name, "Esmail Khatib");
    assert_string_equal(ex->matched_name, "KHATIB, Esmail");
    assert_string_equal(ex->name_kind, "primary");
    assert_false(ex->weak_alias);
    assert_null(ex->identifier); /* the passport is not listed */
    assert_true(ex->name_score >= 0.99);
    assert_int_equal(ex->nparts, 2);
    int esmail = 0, khatib = 0;
    for (size_t i = 0; i < ex->nparts; i++) {
        const em_explain_part *pt = &ex->parts[i];
        assert_int_equal(pt->how, EM_HOW_EXACT);
        assert_true(pt->similarity == 1.0);
        assert_true(pt->query_weight > 0);
        esmail += strcmp(pt->query, "esmail") == 0 && strcmp(pt->listed, "esmail") == 0;
        khatib += strcmp(pt->query, "khatib") == 0 && strcmp(pt->listed, "khatib") == 0;
    }
    assert_int_equal(esmail, 1);
    assert_int_equal(khatib, 1);
    assert_int_equal(ex->nqualifiers, 2); /* birth date and country, each once; same gender */
    const em_explain_qualifier *dob = NULL, *country = NULL;
    for (size_t i = 0; i < ex->nqualifiers; i++) {
        if (strcmp(ex->qualifiers[i].fact, "birth_date") == 0) dob = &ex->qualifiers[i];
        if (strcmp(ex->qualifiers[i].fact, "country") == 0) country = &ex->qualifiers[i];
    }
    assert_non_null(dob);
    assert_true(dob->effect > 0);
    assert_non_null(strstr(dob->detail, "1960..1961"));
    assert_non_null(country);
    assert_true(country->effect > 0);
    /* the JSON form is rendered from the same data */
    json_t *js = json_loads(x->explanation_json, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(js, "name"), "query")),
                        "Esmail Khatib");
    json_decref(js);
    /* each result is listed once, even though two names were screened */
    for (size_t i = 0; i < em_results_count(r); i++)
        for (size_t j = i + 1; j < em_results_count(r); j++)
            assert_string_not_equal(em_results_get(r, i)->id, em_results_get(r, j)->id);
    /* the set says what it was screened against */
    assert_true(em_results_list_count(r) >= 3);
    int sdn = 0;
    for (size_t i = 0; i < em_results_list_count(r); i++)
        if (strcmp(em_results_list(r, i)->source, "ofac_sdn") == 0) {
            sdn = 1;
            assert_int_equal(em_results_list(r, i)->entities, 13821);
        }
    assert_true(sdn);
    assert_int_equal(em_results_generation(r), em_engine_generation(E));
    em_results_free(r);
    em_party_free(p);
}

static void test_identifier_alone(void **state) {
    (void)state;
    em_error err = {0};
    em_party *p = em_party_new();
    assert_int_equal(em_party_add_identifier(p, "imo", "IMO 9187629", &err), 0);
    em_results *r = NULL;
    assert_int_equal(em_engine_screen(E, p, NULL, &r, &err), 0);
    assert_true(em_results_count(r) >= 1);
    assert_true(em_results_get(r, 0)->match);
    assert_true(em_results_get(r, 0)->score == 1.0);
    const em_explanation *ex = em_result_explanation(em_results_get(r, 0));
    assert_non_null(ex->identifier);
    assert_string_equal(ex->identifier, "IMO 9187629");
    em_results_free(r);
    em_party_free(p);
}

static void test_matchable_schemata_and_datasets(void **state) {
    (void)state;
    em_error err = {0};
    em_party *p = em_party_new();
    assert_int_equal(em_party_add_name(p, "Esmail Khatib", 0, &err), 0);
    assert_int_equal(em_party_set_schema(p, "Vessel", &err), 0);
    em_screen_options o = {EM_SCREEN_OPTIONS_VERSION, 0, 10, 1, 0.3, NULL, 0};
    em_results *r = NULL;
    assert_int_equal(em_engine_screen(E, p, &o, &r, &err), 0);
    for (size_t i = 0; i < em_results_count(r); i++)
        assert_string_not_equal(em_results_get(r, i)->schema, "Person");
    assert_null(find_result(r, "ofac-39017"));
    em_results_free(r);
    /* datasets: only the UN list */
    assert_int_equal(em_party_set_schema(p, "Person", &err), 0);
    const char *un[] = {"un_sc"};
    em_screen_options ou = {EM_SCREEN_OPTIONS_VERSION, 0, 10, 1, 0.3, un, 1};
    assert_int_equal(em_engine_screen(E, p, &ou, &r, &err), 0);
    for (size_t i = 0; i < em_results_count(r); i++)
        assert_string_equal(em_results_get(r, i)->source, "un_sc");
    em_results_free(r);
    /* a party without a name or identifier, and a wrong options version */
    em_party *empty = em_party_new();
    assert_int_equal(em_engine_screen(E, empty, NULL, &r, &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE);
    em_screen_options bad = {99, 0, 0, 0, 0, NULL, 0};
    assert_int_equal(em_engine_screen(E, p, &bad, &r, &err), -1);
    em_party_free(empty);
    em_party_free(p);
}

static void test_home_without_lists(void **state) {
    (void)state;
    char *h = tmpdir_new("engine_empty");
    em_engine *e = NULL;
    em_error err = {0};
    em_engine_options o = {EM_ENGINE_OPTIONS_VERSION, h, EM_STORE_NO_SEED};
    assert_int_equal(em_engine_open(&e, &o, &err), -1);
    assert_null(e);
    assert_int_equal(err.code, EM_ERR_NOTFOUND);
    assert_non_null(strstr(err.message, "no active list"));
    free(h);
}

/* ---- a batch while the lists change under it ------------------------------ */

#define BATCH_ROWS 3000

typedef struct batch_ctx {
    size_t next, delivered, matched, errors;
    size_t out_of_order;
    uint64_t first_gen, last_gen;
    size_t on_old, on_new; /* rows screened against each SDN version */
    char *home;
} batch_ctx;

static int next_party(void *ctx, em_party **out, em_error *err) {
    batch_ctx *c = ctx;
    if (c->next == BATCH_ROWS) return 0;
    em_party *p = em_party_new();
    if (c->next % 3 == 0) {
        em_party_add_name(p, "Esmail Khatib", 0, err);
    } else if (c->next % 3 == 1) {
        em_party_add_name(p, "Iranian Ministry of Intelligence and Security", 0, err);
        em_party_set_schema(p, "Organization", err);
    } else {
        char name[64];
        snprintf(name, sizeof name, "Innocent Person %zu Smithers", c->next);
        em_party_add_name(p, name, 0, err);
    }
    if (c->next == BATCH_ROWS / 3) {
        /* a new version of the SDN list becomes active while rows are in flight */
        em_store *st = NULL;
        if (em_store_open(&st, c->home, 0, err) != 0) return -1;
        const char *files[] = {td("ofac/sdn_2022-09-09.csv.gz")};
        em_import_options io = {EM_IMPORT_OPTIONS_VERSION, "ofac_sdn", 1, 0, 0, 0, 0, 0, NULL};
        int rc = em_store_import_opts(st, files, 1, &io, NULL, err);
        em_store_close(st);
        if (rc != 0) return -1;
        if (em_engine_refresh(E, 0, NULL, err) != 0) return -1;
    }
    c->next++;
    *out = p;
    return 1;
}

static int deliver(void *ctx, size_t index, const em_party *p, const em_results *r,
                   const em_error *err) {
    (void)p;
    batch_ctx *c = ctx;
    if (index != c->delivered) c->out_of_order++;
    c->delivered++;
    if (!r) {
        c->errors++;
        fprintf(stderr, "row %zu: %s\n", index, err ? err->message : "?");
        return 0;
    }
    if (!c->first_gen) c->first_gen = em_results_generation(r);
    c->last_gen = em_results_generation(r);
    for (size_t i = 0; i < em_results_list_count(r); i++) {
        const em_list_info *l = em_results_list(r, i);
        if (strcmp(l->source, "ofac_sdn") != 0) continue;
        if (l->entities == 13821) c->on_old++;
        if (l->entities == 10484) c->on_new++;
    }
    if (index % 3 != 2 && em_results_count(r) && em_results_get(r, 0)->match) c->matched++;
    return 0;
}

static atomic_int stop_refresher;

static void *refresher(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_refresher)) {
        em_error err = {0};
        if (em_engine_refresh(E, 1, NULL, &err) != 0) fail_msg("refresh: %s", err.message);
    }
    return NULL;
}

static void test_batch_swap_loses_nothing(void **state) {
    (void)state;
    batch_ctx c = {0};
    c.home = HOME_DIR;
    uint64_t gen0 = em_engine_generation(E);
    em_batch_options o = {0};
    o.version = EM_BATCH_OPTIONS_VERSION;
    o.threads = 3;
    o.window = 64;
    o.next = next_party;
    o.deliver = deliver;
    o.ctx = &c;
    /* besides the swap to a new version, forced swaps run all the time */
    pthread_t th;
    atomic_store(&stop_refresher, 0);
    assert_int_equal(pthread_create(&th, NULL, refresher, NULL), 0);
    em_error err = {0};
    int rc = em_engine_batch(E, &o, &err);
    atomic_store(&stop_refresher, 1);
    pthread_join(th, NULL);
    if (rc != 0) fail_msg("batch: %s", err.message);
    assert_int_equal(c.delivered, BATCH_ROWS);
    assert_int_equal(c.out_of_order, 0);
    assert_int_equal(c.errors, 0);
    /* Khatib and the ministry are on both list versions: every such row matched,
       whichever generation screened it */
    assert_int_equal(c.matched, 2 * BATCH_ROWS / 3);
    /* rows before the import were screened against the bundled SDN list, rows
       after it against the new one, and every row against one of them */
    assert_true(c.on_old >= BATCH_ROWS / 3 - 64);
    assert_true(c.on_new >= BATCH_ROWS / 2);
    assert_int_equal(c.on_old + c.on_new, BATCH_ROWS);
    assert_true(c.last_gen > gen0);
    /* after the batch, the engine screens against the new version */
    em_party *p = em_party_new();
    em_party_add_name(p, "Esmail Khatib", 0, &err);
    em_results *r = NULL;
    assert_int_equal(em_engine_screen(E, p, NULL, &r, &err), 0);
    int found = find_result(r, "ofac-39017") != NULL;
    assert_true(found); /* the 2022-09-09 list added Khatib */
    for (size_t i = 0; i < em_results_list_count(r); i++)
        if (strcmp(em_results_list(r, i)->source, "ofac_sdn") == 0)
            assert_int_equal(em_results_list(r, i)->entities, 10484);
    em_results_free(r);
    em_party_free(p);
}

static void test_batch_usage(void **state) {
    (void)state;
    em_error err = {0};
    em_batch_options o = {0};
    assert_int_equal(em_engine_batch(E, &o, &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_party_setters),
        cmocka_unit_test(test_screen_whole_party),
        cmocka_unit_test(test_identifier_alone),
        cmocka_unit_test(test_matchable_schemata_and_datasets),
        cmocka_unit_test(test_home_without_lists),
        cmocka_unit_test(test_batch_usage),
        cmocka_unit_test(test_batch_swap_loses_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
