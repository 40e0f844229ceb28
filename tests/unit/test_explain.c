/*
 * test_explain.c - the explanation of a result as C data (em_result_explanation),
 * field by field, over the bundled lists: exact parts with qualifiers for and
 * against, a transliteration variant, a consonant skeleton from Persian script,
 * a typo, glued parts, parts left over on either side, weak aliases and weak
 * query names, identifiers with and without a name; the features computed from
 * it; and its renderings: the JSON and text strings below were taken from the
 * renderer before the explanation became C data, and must not change (the
 * server, the CLI and the web UI read that JSON).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "match/results.h"

static em_store *ST;
static em_matcher *M, *NAMES;
static em_searcher *S, *CMP;
static char *HOME_DIR;

static int setup(void **state) {
    (void)state;
    em_error err = {0};
    HOME_DIR = tmpdir_new("explain_home");
    if (em_store_open(&ST, HOME_DIR, 0, &err) != 0) fail_msg("store: %s", err.message);
    if (em_matcher_open(&M, ST, &err) != 0) fail_msg("matcher: %s", err.message);
    S = em_searcher_new(M, &err);
    if (em_matcher_open_names_only(&NAMES, &err) != 0) fail_msg("%s", err.message);
    CMP = em_searcher_new(NAMES, &err);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_searcher_free(S);
    em_matcher_close(M);
    em_searcher_free(CMP);
    em_matcher_close(NAMES);
    em_store_close(ST);
    free(HOME_DIR);
    return 0;
}

typedef struct ask {
    const char *name, *schema, *dob, *country, *gender, *id;
    int weak, all;
} ask;

/* The result for `want` among the results of a search (kept in *keep). */
static const em_result *result_for(ask a, const char *want, em_results **keep) {
    em_query q = {0};
    q.name = a.name;
    q.schema = a.schema;
    q.birth_date = a.dob;
    q.country = a.country;
    q.gender = a.gender;
    const char *ids[1] = {a.id};
    if (a.id) q.identifiers = ids, q.nidentifiers = 1;
    q.weak_name = a.weak;
    q.all = a.all;
    q.cutoff = a.all ? 0.3 : 0;
    q.limit = 5;
    em_error err = {0};
    if (em_search(S, &q, keep, &err) != 0) fail_msg("search: %s", err.message);
    for (size_t i = 0; i < em_results_count(*keep); i++)
        if (strcmp(em_results_get(*keep, i)->id, want) == 0) return em_results_get(*keep, i);
    fail_msg("%s: no result %s", a.name ? a.name : a.id, want);
    return NULL;
}

/* the renderings print 3 decimals; the data holds the float the matcher computed */
#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) < 5e-4)

static void expect_part(const em_explanation *x, size_t i, const char *query, const char *listed,
                        em_part_how how, double similarity) {
    assert_true(i < x->nparts);
    const em_explain_part *p = &x->parts[i];
    if (query)
        assert_string_equal(p->query, query);
    else
        assert_null(p->query);
    if (listed)
        assert_string_equal(p->listed, listed);
    else
        assert_null(p->listed);
    if (p->how != how)
        fail_msg("part %zu: how %s, expected %s", i, em_part_how_name(p->how),
                 em_part_how_name(how));
    NEAR(p->similarity, similarity);
    assert_true(query ? p->query_weight > 0 : p->query_weight == 0);
    assert_true(listed ? p->listed_weight > 0 : p->listed_weight == 0);
}

static void expect_qualifier(const em_explanation *x, size_t i, const char *fact, double effect,
                             const char *detail) {
    assert_true(i < x->nqualifiers);
    assert_string_equal(x->qualifiers[i].fact, fact);
    NEAR(x->qualifiers[i].effect, effect);
    assert_string_equal(x->qualifiers[i].detail, detail);
}

static void test_how_names(void **state) {
    (void)state;
    static const char *want[] = {"exact",
                                 "variant",
                                 "skeleton",
                                 "fuzzy",
                                 "initial",
                                 "joined",
                                 "nickname",
                                 "unmatched_query",
                                 "unmatched_list",
                                 "phonetic",
                                 "arabic letter variant",
                                 "arabic article",
                                 "arabic word",
                                 "acronym",
                                 "abbreviation",
                                 "legal_form_typo",
                                 "country_adjective",
                                 "case_ending"};
    for (int h = EM_HOW_EXACT; h <= EM_HOW_CASE_ENDING; h++)
        assert_string_equal(em_part_how_name((em_part_how)h), want[h]);
    assert_null(em_result_explanation(NULL));
    assert_int_equal(em_result_features(NULL, NULL, NULL, 0), 0);
}

/* The example of the design brief: every part exact, birth date and country agree. */
static void test_exact_with_qualifiers(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res = result_for(
        (ask){"Esmail Khatib", NULL, "1960", "Iran", NULL, NULL, 0, 0}, "ofac-39017", &r);
    assert_ptr_equal(em_results_get(r, 0), res); /* first */
    const em_explanation *x = em_result_explanation(res);
    assert_non_null(x);
    assert_ptr_equal(x, res->explain);
    NEAR(x->score, 1.0);
    NEAR(res->score, 1.0);
    assert_false(x->weak_query_name);
    assert_null(x->identifier);
    assert_string_equal(x->query_name, "Esmail Khatib");
    assert_string_equal(x->matched_name, "KHATIB, Esmail");
    assert_string_equal(x->name_kind, "primary");
    assert_false(x->weak_alias);
    assert_false(x->common_names);
    NEAR(x->name_score, 1.0);
    NEAR(x->query_coverage, 1.0);
    NEAR(x->list_coverage, 1.0);
    /* the rarer part first: the alignment takes the best evidence first */
    assert_int_equal(x->nparts, 2);
    expect_part(x, 0, "khatib", "khatib", EM_HOW_EXACT, 1.0);
    expect_part(x, 1, "esmail", "esmail", EM_HOW_EXACT, 1.0);
    assert_true(x->parts[0].query_weight >= x->parts[1].query_weight);
    NEAR(x->parts[0].query_weight, x->parts[0].listed_weight); /* the same token */
    assert_int_equal(x->nqualifiers, 2);
    expect_qualifier(x, 0, "birth_date", 0.05, "query birth date within the listed 1960..1961");
    expect_qualifier(x, 1, "country", 0.03, "a listed nationality or country matches");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":1.000,\"name\":{\"query\":\"Esmail Khatib\",\"matched_name\":\"KHATIB, "
        "Esmail\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":1.000,\"alignment\":{"
        "\"parts\":[{\"query\":\"khatib\",\"list\":\"khatib\",\"how\":\"exact\",\"similarity\":1."
        "000},{\"query\":\"esmail\",\"list\":\"esmail\",\"how\":\"exact\",\"similarity\":1.000}],"
        "\"unmatched_query\":[],\"unmatched_list\":[],\"query_coverage\":1.000,\"list_coverage\":"
        "1.000}},\"qualifiers\":[{\"fact\":\"birth_date\",\"effect\":0.050,\"detail\":\"query "
        "birth date within the listed 1960..1961\"},{\"fact\":\"country\",\"effect\":0.030,"
        "\"detail\":\"a listed nationality or country matches\"}]}");
    assert_string_equal(res->explanation,
                        "name 1.00: khatib=khatib, esmail=esmail; birth_date +0.05 (query birth "
                        "date within the listed 1960..1961); country +0.03 (a listed nationality "
                        "or country matches)");
    /* the features (yente's per-feature scores), from the C data */
    const char *names[8];
    double values[8];
    assert_int_equal(em_result_features(res, names, values, 8), 3);
    assert_string_equal(names[0], "name");
    NEAR(values[0], 1.0);
    assert_string_equal(names[1], "birth_date");
    NEAR(values[1], 0.05);
    assert_string_equal(names[2], "country");
    NEAR(values[2], 0.03);
    /* a short array gets what fits, the count says how many there are */
    names[1] = NULL;
    assert_int_equal(em_result_features(res, names, values, 1), 3);
    assert_null(names[1]);
    assert_int_equal(em_result_features(res, NULL, NULL, 0), 3);
    em_results_free(r);
}

/* Another weak alias of a listed name meets only one part: what is left over on
   both sides, the weak alias and the qualifiers against are all in the data. */
static void test_weak_alias_and_left_over_parts(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res =
        result_for((ask){"Esmail Khatib", NULL, "1960", "Iran", NULL, NULL, 0, 1}, "ofac-6950", &r);
    const em_explanation *x = em_result_explanation(res);
    assert_string_equal(x->matched_name, "ABU ISMAIL");
    assert_string_equal(x->name_kind, "aka");
    assert_true(x->weak_alias);
    assert_int_equal(x->nparts, 3);
    expect_part(x, 0, "esmail", "ismail", EM_HOW_VARIANT, 0.95);
    expect_part(x, 1, "khatib", NULL, EM_HOW_UNMATCHED_QUERY, 0);
    expect_part(x, 2, NULL, "abu", EM_HOW_UNMATCHED_LIST, 0);
    assert_int_equal(x->nqualifiers, 2);
    expect_qualifier(x, 0, "birth_date", 0.05, "query birth date within the listed 1960..1960");
    expect_qualifier(x, 1, "country", -0.08, "no listed nationality or country matches");
    assert_string_equal(
        res->explanation,
        "name 0.41: esmail~ismail (variant 0.95); khatib unmatched in the query; abu not in the "
        "query; weak alias x0.92; birth_date +0.05 (query birth date within the listed "
        "1960..1960); country -0.08 (no listed nationality or country matches)");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.382,\"name\":{\"query\":\"Esmail Khatib\",\"matched_name\":\"ABU "
        "ISMAIL\",\"kind\":\"aka\",\"weak_alias\":true,\"score\":0.412,\"alignment\":{\"parts\":"
        "[{\"query\":\"esmail\",\"list\":\"ismail\",\"how\":\"variant\",\"similarity\":0.950}],"
        "\"unmatched_query\":[\"khatib\"],\"unmatched_list\":[\"abu\"],\"query_coverage\":0.470,"
        "\"list_coverage\":0.829}},\"qualifiers\":[{\"fact\":\"birth_date\",\"effect\":0.050,"
        "\"detail\":\"query birth date within the listed 1960..1960\"},{\"fact\":\"country\","
        "\"effect\":-0.080,\"detail\":\"no listed nationality or country matches\"}]}");
    em_results_free(r);
}

static void test_variant(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res = result_for(
        (ask){"Ismail Khatib", "Person", NULL, NULL, NULL, NULL, 0, 0}, "ofac-39017", &r);
    const em_explanation *x = em_result_explanation(res);
    assert_string_equal(x->query_name, "Ismail Khatib");
    assert_string_equal(x->matched_name, "KHATIB, Esmail");
    assert_int_equal(x->nparts, 2);
    expect_part(x, 0, "khatib", "khatib", EM_HOW_EXACT, 1.0);
    expect_part(x, 1, "ismail", "esmail", EM_HOW_VARIANT, 0.95);
    assert_int_equal(x->nqualifiers, 0);
    assert_null(x->qualifiers);
    NEAR(x->name_score, res->score);
    assert_string_equal(res->explanation, "name 0.97: khatib=khatib, ismail~esmail (variant 0.95)");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.971,\"name\":{\"query\":\"Ismail Khatib\",\"matched_name\":\"KHATIB, "
        "Esmail\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":0.971,\"alignment\":{"
        "\"parts\":[{\"query\":\"khatib\",\"list\":\"khatib\",\"how\":\"exact\",\"similarity\":1."
        "000},{\"query\":\"ismail\",\"list\":\"esmail\",\"how\":\"variant\",\"similarity\":0.950}"
        "],\"unmatched_query\":[],\"unmatched_list\":[],\"query_coverage\":0.978,\"list_"
        "coverage\":0.975}},\"qualifiers\":[]}");
    em_results_free(r);
}

/* Persian script, transliterated: few vowels, so the consonant skeletons meet. */
static void test_skeleton_from_persian(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res =
        result_for((ask){"اسماعیل خطیب", NULL, NULL, NULL, NULL, NULL, 0, 0}, "ofac-39017", &r);
    const em_explanation *x = em_result_explanation(res);
    assert_string_equal(x->query_name, "اسماعیل خطیب");
    assert_int_equal(x->nparts, 2);
    expect_part(x, 0, "khtyb", "khatib", EM_HOW_SKELETON, 0.92);
    expect_part(x, 1, "asmayl", "esmail", EM_HOW_SKELETON, 0.92);
    assert_string_equal(res->explanation,
                        "name 0.90: khtyb~khatib (skeleton 0.92), asmayl~esmail (skeleton 0.92)");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.899,\"name\":{\"query\":\"اسماعیل خطیب\",\"matched_name\":\"KHATIB, "
        "Esmail\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":0.899,\"alignment\":{"
        "\"parts\":[{\"query\":\"khtyb\",\"list\":\"khatib\",\"how\":\"skeleton\",\"similarity\":"
        "0.920},{\"query\":\"asmayl\",\"list\":\"esmail\",\"how\":\"skeleton\",\"similarity\":0."
        "920}],\"unmatched_query\":[],\"unmatched_list\":[],\"query_coverage\":0.920,\"list_"
        "coverage\":0.920}},\"qualifiers\":[]}");
    em_results_free(r);
}

static void test_typo(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res =
        result_for((ask){"Esmial Khatib", NULL, NULL, NULL, NULL, NULL, 0, 0}, "ofac-39017", &r);
    const em_explanation *x = em_result_explanation(res);
    assert_int_equal(x->nparts, 2);
    expect_part(x, 0, "khatib", "khatib", EM_HOW_EXACT, 1.0);
    expect_part(x, 1, "esmial", "esmail", EM_HOW_FUZZY, 1.0 - 1.0 / 6); /* one edit in six */
    assert_string_equal(res->explanation, "name 0.88: khatib=khatib, esmial~esmail (fuzzy 0.83)");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.885,\"name\":{\"query\":\"Esmial Khatib\",\"matched_name\":\"KHATIB, "
        "Esmail\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":0.885,\"alignment\":{"
        "\"parts\":[{\"query\":\"khatib\",\"list\":\"khatib\",\"how\":\"exact\",\"similarity\":1."
        "000},{\"query\":\"esmial\",\"list\":\"esmail\",\"how\":\"fuzzy\",\"similarity\":0.833}],"
        "\"unmatched_query\":[],\"unmatched_list\":[],\"query_coverage\":0.906,\"list_coverage\":"
        "0.917}},\"qualifiers\":[]}");
    em_results_free(r);
}

static void test_unmatched_parts(void **state) {
    (void)state;
    em_results *r = NULL;
    /* a query part the listed name does not have costs (below the threshold) */
    const em_result *res = result_for(
        (ask){"Esmail Khatib Jafari", NULL, NULL, NULL, NULL, NULL, 0, 1}, "ofac-39017", &r);
    const em_explanation *x = em_result_explanation(res);
    assert_false(res->match);
    assert_int_equal(x->nparts, 3);
    expect_part(x, 0, "khatib", "khatib", EM_HOW_EXACT, 1.0);
    expect_part(x, 1, "esmail", "esmail", EM_HOW_EXACT, 1.0);
    expect_part(x, 2, "jafari", NULL, EM_HOW_UNMATCHED_QUERY, 0);
    NEAR(x->list_coverage, 1.0);
    assert_true(x->query_coverage < 0.7);
    assert_string_equal(res->explanation,
                        "name 0.68: khatib=khatib, esmail=esmail; jafari unmatched in the query");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.679,\"name\":{\"query\":\"Esmail Khatib Jafari\",\"matched_name\":\"KHATIB, "
        "Esmail\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":0.679,\"alignment\":{"
        "\"parts\":[{\"query\":\"khatib\",\"list\":\"khatib\",\"how\":\"exact\",\"similarity\":1."
        "000},{\"query\":\"esmail\",\"list\":\"esmail\",\"how\":\"exact\",\"similarity\":1.000}],"
        "\"unmatched_query\":[\"jafari\"],\"unmatched_list\":[],\"query_coverage\":0.679,\"list_"
        "coverage\":1.000}},\"qualifiers\":[]}");
    em_results_free(r);
    /* one part against two glued listed parts; the patronymic left over in the list */
    res = result_for((ask){"Sergeilavrov", NULL, NULL, NULL, NULL, NULL, 0, 1}, "ofac-35233", &r);
    x = em_result_explanation(res);
    assert_string_equal(x->matched_name, "LAVROV, Sergei Viktorovich");
    assert_int_equal(x->nparts, 2);
    expect_part(x, 0, "sergeilavrov", "lavrov+sergei", EM_HOW_JOINED, 0.776);
    expect_part(x, 1, NULL, "viktorovich", EM_HOW_UNMATCHED_LIST, 0);
    assert_string_equal(res->explanation, "name 0.68: sergeilavrov~lavrov+sergei (joined 0.78); "
                                          "viktorovich not in the query");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.680,\"name\":{\"query\":\"Sergeilavrov\",\"matched_name\":\"LAVROV, "
        "Sergei Viktorovich\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":0.680,"
        "\"alignment\":{\"parts\":[{\"query\":\"sergeilavrov\",\"list\":\"lavrov+sergei\","
        "\"how\":\"joined\",\"similarity\":0.776}],\"unmatched_query\":[],\"unmatched_list\":"
        "[\"viktorovich\"],\"query_coverage\":0.776,\"list_coverage\":0.558}},\"qualifiers\":[]}");
    em_results_free(r);
}

/* Birth date, country and gender all against: each effect, in the order applied. */
static void test_qualifiers_against(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res =
        result_for((ask){"Seyed Esmail Khatib", "Person", "1990", "Norway", "female", NULL, 0, 1},
                   "ofac-39017", &r);
    const em_explanation *x = em_result_explanation(res);
    NEAR(x->name_score, 1.0);
    NEAR(x->score, 0.52);
    assert_false(res->match);
    assert_int_equal(x->nparts, 2); /* the honorific is not a part */
    assert_int_equal(x->nqualifiers, 3);
    expect_qualifier(x, 0, "birth_date", -0.25, "query birth date 29 years from the listed dates");
    expect_qualifier(x, 1, "country", -0.08, "no listed nationality or country matches");
    expect_qualifier(x, 2, "gender", -0.15, "the listed gender differs");
    const char *names[8];
    double values[8];
    assert_int_equal(em_result_features(res, names, values, 8), 4);
    assert_string_equal(names[3], "gender");
    NEAR(values[3], -0.15);
    assert_string_equal(
        res->explanation,
        "name 1.00: khatib=khatib, esmail=esmail; birth_date -0.25 (query birth date 29 years "
        "from the listed dates); country -0.08 (no listed nationality or country matches); "
        "gender -0.15 (the listed gender differs)");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":0.520,\"name\":{\"query\":\"Seyed Esmail Khatib\",\"matched_name\":"
        "\"KHATIB, Esmail\",\"kind\":\"primary\",\"weak_alias\":false,\"score\":1.000,"
        "\"alignment\":{\"parts\":[{\"query\":\"khatib\",\"list\":\"khatib\",\"how\":"
        "\"exact\",\"similarity\":1.000},{\"query\":\"esmail\",\"list\":\"esmail\",\"how\":"
        "\"exact\",\"similarity\":1.000}],\"unmatched_query\":[],\"unmatched_list\":[],"
        "\"query_coverage\":1.000,\"list_coverage\":1.000}},\"qualifiers\":[{\"fact\":"
        "\"birth_date\",\"effect\":-0.250,\"detail\":\"query birth date 29 years from the "
        "listed dates\"},{\"fact\":\"country\",\"effect\":-0.080,\"detail\":\"no listed "
        "nationality or country matches\"},{\"fact\":\"gender\",\"effect\":-0.150,\"detail\":"
        "\"the listed gender differs\"}]}");
    em_results_free(r);
}

/* A weak query name (a nickname) scales the result's score, not the explanation's. */
static void test_weak_query_name(void **state) {
    (void)state;
    em_results *r1 = NULL, *r2 = NULL;
    const em_result *plain =
        result_for((ask){"Esmaeil Khateeb", NULL, NULL, NULL, NULL, NULL, 0, 0}, "ofac-39017", &r1);
    const em_result *weak =
        result_for((ask){"Esmaeil Khateeb", NULL, NULL, NULL, NULL, NULL, 1, 0}, "ofac-39017", &r2);
    const em_explanation *xp = em_result_explanation(plain), *xw = em_result_explanation(weak);
    assert_false(xp->weak_query_name);
    assert_true(xw->weak_query_name);
    NEAR(xw->score, xp->score);
    NEAR(weak->score, plain->score * 0.92f);
    assert_string_equal(xw->matched_name, "KHATIB, Seyed Esmaeil");
    expect_part(xw, 1, "khateeb", "khatib", EM_HOW_SKELETON, 0.80);
    assert_string_equal(weak->explanation_json, plain->explanation_json);
    assert_string_equal(weak->explanation,
                        "name 0.88: esmaeil=esmaeil, khateeb~khatib (skeleton 0.80)");
    em_results_free(r1);
    em_results_free(r2);
}

static void test_identifiers(void **state) {
    (void)state;
    em_results *r = NULL;
    /* an identifier alone: no name evidence at all */
    const em_result *res =
        result_for((ask){NULL, NULL, NULL, NULL, NULL, "IMO 9187629", 0, 0}, "ofac-15036", &r);
    const em_explanation *x = em_result_explanation(res);
    assert_string_equal(x->identifier, "IMO 9187629");
    NEAR(x->score, 1.0);
    assert_null(x->query_name);
    assert_null(x->matched_name);
    assert_null(x->name_kind);
    assert_int_equal(x->nparts, 0);
    assert_null(x->parts);
    assert_int_equal(x->nqualifiers, 0);
    assert_string_equal(res->matched_name, "ARTAVIL"); /* the result still names the party */
    assert_string_equal(res->explanation,
                        "identifier IMO 9187629 is listed for this party (exact match)");
    assert_string_equal(res->explanation_json,
                        "{\"score\":1.000,\"identifier\":{\"value\":\"IMO 9187629\",\"how\":"
                        "\"exact\"}}");
    const char *names[4];
    double values[4];
    assert_int_equal(em_result_features(res, names, values, 4), 1);
    assert_string_equal(names[0], "identifier");
    NEAR(values[0], 1.0);
    em_results_free(r);
    /* the identifier and the name of the same party: one result, both explained */
    res =
        result_for((ask){"Artavil", NULL, NULL, NULL, NULL, "IMO 9187629", 0, 0}, "ofac-15036", &r);
    assert_int_equal(em_results_count(r), 1);
    x = em_result_explanation(res);
    assert_string_equal(x->identifier, "IMO 9187629");
    assert_string_equal(x->query_name, "Artavil");
    assert_string_equal(x->matched_name, "ARTAVIL");
    expect_part(x, 0, "artavil", "artavil", EM_HOW_EXACT, 1.0);
    assert_string_equal(res->explanation, "identifier IMO 9187629 is listed for this party (exact "
                                          "match); name 1.00: artavil=artavil");
    assert_string_equal(
        res->explanation_json,
        "{\"score\":1.000,\"identifier\":{\"value\":\"IMO 9187629\",\"how\":\"exact\"},"
        "\"name\":{\"query\":\"Artavil\",\"matched_name\":\"ARTAVIL\",\"kind\":\"primary\","
        "\"weak_alias\":false,\"score\":1.000,\"alignment\":{\"parts\":[{\"query\":"
        "\"artavil\",\"list\":\"artavil\",\"how\":\"exact\",\"similarity\":1.000}],"
        "\"unmatched_query\":[],\"unmatched_list\":[],\"query_coverage\":1.000,\"list_"
        "coverage\":1.000}},\"qualifiers\":[]}");
    assert_int_equal(em_result_features(res, names, values, 4), 2);
    assert_string_equal(names[0], "name");
    assert_string_equal(names[1], "identifier");
    em_results_free(r);
}

/* em_compare's JSON is rendered by the same code. */
static void test_compare_json(void **state) {
    (void)state;
    em_error err = {0};
    double score;
    char *ex = NULL;
    assert_int_equal(em_compare(CMP, NULL, "Bill Clinton", "William Clinton", &score, &ex, &err),
                     0);
    assert_string_equal(
        ex, "{\"score\":0.906,\"alignment\":{\"parts\":[{\"query\":\"clinton\",\"list\":"
            "\"clinton\",\"how\":\"exact\",\"similarity\":1.000},{\"query\":\"bill\",\"list\":"
            "\"william\",\"how\":\"nickname\",\"similarity\":0.850}],\"unmatched_query\":[],"
            "\"unmatched_list\":[],\"query_coverage\":0.925,\"list_coverage\":0.925},\"text\":"
            "\"clinton=clinton, bill~william (nickname 0.85)\"}");
    free(ex);
    assert_int_equal(
        em_compare(CMP, "Person", "Esmail Khatib", "KHATIB, Esmaeil", &score, &ex, &err), 0);
    assert_string_equal(
        ex, "{\"score\":0.968,\"alignment\":{\"parts\":[{\"query\":\"khatib\",\"list\":"
            "\"khatib\",\"how\":\"exact\",\"similarity\":1.000},{\"query\":\"esmail\",\"list\":"
            "\"esmaeil\",\"how\":\"variant\",\"similarity\":0.950}],\"unmatched_query\":[],"
            "\"unmatched_list\":[],\"query_coverage\":0.975,\"list_coverage\":0.975},\"text\":"
            "\"khatib=khatib, esmail~esmaeil (variant 0.95)\"}");
    free(ex);
}

/* A result moved out of its set by value (as the engine merges sets) keeps its
   explanation; em_result_release frees all of it. */
static void test_move_and_release(void **state) {
    (void)state;
    em_results *r = NULL;
    const em_result *res = result_for(
        (ask){"Esmail Khatib", NULL, "1960", "Iran", NULL, NULL, 0, 0}, "ofac-39017", &r);
    em_result moved = *res;
    memset((em_result *)res, 0, sizeof *res);
    em_results_free(r);
    const em_explanation *x = em_result_explanation(&moved);
    assert_string_equal(x->matched_name, "KHATIB, Esmail");
    assert_string_equal(x->qualifiers[1].fact, "country");
    em_result_release(&moved);
    assert_null(moved.explain);
    assert_null(moved.explanation);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_how_names),
        cmocka_unit_test(test_exact_with_qualifiers),
        cmocka_unit_test(test_weak_alias_and_left_over_parts),
        cmocka_unit_test(test_variant),
        cmocka_unit_test(test_skeleton_from_persian),
        cmocka_unit_test(test_typo),
        cmocka_unit_test(test_unmatched_parts),
        cmocka_unit_test(test_qualifiers_against),
        cmocka_unit_test(test_weak_query_name),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_compare_json),
        cmocka_unit_test(test_move_and_release),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
