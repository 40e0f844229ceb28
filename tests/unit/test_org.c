/*
 * test_org.c - the organisation rules of the matcher (src/match/org.c, the
 * organisation words of data/knowledge): acronyms, abbreviations, "&" / "and",
 * legal forms misspelt or cut short, words split or joined, a country as its
 * name or adjective. Each rule with names from the bundled lists (data/lists:
 * OFAC SDN entities 12111, 11643, 11317, 12120) and a negative; each named in
 * the explanation.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "match/align.h"
#include "match/org.h"
#include "text/knowledge.h"
#include "text/tokens.h"

static match_fixture F; /* normaliser, knowledge, names-only matcher, the bundled lists */

static int setup(void **state) {
    (void)state;
    match_fixture_open(&F, "org_home");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    match_fixture_close(&F);
    return 0;
}

/* the pair's score; *how (when given) receives the explanation JSON */
static double cmp_ex(const char *schema, const char *a, const char *b, char **how) {
    double s = 0;
    char *ex = NULL;
    em_error err = {0};
    if (em_compare(F.cmp, schema, a, b, &s, how ? &ex : NULL, &err) != 0)
        fail_msg("compare: %s", err.message);
    if (how) *how = ex;
    return s;
}

static double cmp(const char *schema, const char *a, const char *b) {
    return cmp_ex(schema, a, b, NULL);
}

/* a and b match, and the explanation names the rule */
static void expect_rule(const char *schema, const char *a, const char *b, const char *rule) {
    char *ex = NULL;
    double s = cmp_ex(schema, a, b, &ex);
    char want[64];
    snprintf(want, sizeof want, "\"how\":\"%s\"", rule);
    if (s < EM_DEFAULT_THRESHOLD || !strstr(ex, want))
        fail_msg("%s / %s: %.3f, %s (expected %s)", a, b, s, ex, rule);
    free(ex);
}

static void test_acronyms(void **state) {
    (void)state;
    /* ofac-12111 and its acronym; a letter for a dropped stopword (the O of "of") */
    expect_rule("Organization", "MOIS", "Ministry of Intelligence and Security", "acronym");
    expect_rule("Organization", "Ministry of Intelligence and Security", "MOIS", "acronym");
    /* ofac-11643 (IDRO, "and" gives no letter), ofac-11317 (NIOC: Company gives its C) */
    expect_rule("Company", "IDRO", "Industrial Development and Renovation Organization", "acronym");
    expect_rule("Company", "NIOC", "National Iranian Oil Company", "acronym");
    expect_rule("Organization", "P.L.A.", "People's Liberation Army", "acronym");
    /* below a full-name match: initials are shared by many names */
    assert_true(cmp("Organization", "MOIS", "Ministry of Intelligence and Security") < 0.9);
    /* negatives: other initials, too few words, a person, a legal form's letter alone */
    assert_true(cmp("Organization", "MOSI", "Ministry of Intelligence and Security") <
                EM_DEFAULT_THRESHOLD);
    assert_true(cmp("Organization", "NITC", "National Iranian Oil Company") < EM_DEFAULT_THRESHOLD);
    assert_true(cmp("Person", "Pla", "People Liberation Army") < EM_DEFAULT_THRESHOLD);
    assert_true(cmp("Company", "OIL", "Oman Insurance Limited") < EM_DEFAULT_THRESHOLD);
    /* only a Latin stopword's initial stands for a dropped word: ofac-29783's "and" gives
       no "m", and the Latin form of an Arabic-script stopword (من "mn") gives none */
    assert_true(cmp("Company", "ACME GMBH", "ARCH CONSULTING AND ENGINEERING") <
                EM_DEFAULT_THRESHOLD);
    assert_true(cmp("Company", "AMCE", "ARCH CONSULTING AND ENGINEERING") < EM_DEFAULT_THRESHOLD);
    /* random three-letter words light up nothing */
    const char *words[] = {"car", "sun", "ali", "red", "map"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        assert_true(cmp("Organization", words[i], "Ministry of Intelligence and Security") <
                    EM_DEFAULT_THRESHOLD);
    /* the parts: letters only, not a legal form, a number or a given name */
    em_part p = {"mois", "ms", 0, UINT32_MAX, 4, 0, 1};
    assert_true(em_org_acronym_part(&p));
    p.flags = EM_TOK_LEGAL;
    assert_false(em_org_acronym_part(&p));
    em_part two = {"is", "s", 0, UINT32_MAX, 2, 0, 1};
    assert_false(em_org_acronym_part(&two));
}

static void test_abbreviations_and_ampersand(void **state) {
    (void)state;
    expect_rule("Company", "Acme Int'l Trading", "Acme International Trading", "abbreviation");
    expect_rule("Company", "Smith Bros Mfg", "Smith Brothers Manufacturing", "abbreviation");
    expect_rule("Organization", "Dept of State", "Department of State", "abbreviation");
    /* the table: one group per line, the full word first */
    uint32_t g = em_knowledge_variant_group(F.k, "intl");
    assert_true(g != 0);
    assert_int_equal(g, em_knowledge_variant_group(F.k, "international"));
    assert_int_equal(em_knowledge_group_kind(F.k, g), EM_GROUP_ABBREVIATION);
    assert_int_equal(em_knowledge_group_kind(F.k, em_knowledge_variant_group(F.k, "mohammad")),
                     EM_GROUP_NAME);
    /* negative: an abbreviation is of its word only */
    assert_true(cmp("Company", "Acme Natl Trading", "Acme International Trading") <
                EM_DEFAULT_THRESHOLD);
    /* "&", "+", "and", "et", "und", "y" are all dropped as stopwords */
    assert_true(cmp("Company", "Iran Development & Renovation Organization",
                    "Iran Development and Renovation Organization") > 0.99);
    assert_true(cmp("Company", "Johnson + Johnson", "Johnson and Johnson") > 0.99);
    assert_true(cmp("Company", "Gaz et Electricite", "Gaz und Electricite") > 0.99);
}

static void test_legal_form_typos(void **state) {
    (void)state;
    expect_rule("Company", "Siemens AkG", "Siemens AG", "legal_form_typo");
    expect_rule("Company", "Daimler Aktiengeselschaft", "Daimler AG", "legal_form_typo");
    /* a legal form cut short at the end of the name is the legal form */
    char *q = NULL;
    em_name_tokens t;
    em_tokenize_name(F.nz, F.k, "TACTICAL MISSILES CORPORATION JOINT STOCK COMPAN", EM_KIND_ORG,
                     &t);
    assert_int_equal(t.len, 4);
    assert_string_equal(t.items[3].text, "jsc");
    assert_true(t.items[3].flags & EM_TOK_LEGAL);
    em_name_tokens_free(&t);
    free(q);
    size_t used = 0;
    const char *cut[] = {"joint", "stock", "compan"};
    assert_string_equal(em_knowledge_legal_truncated(F.k, cut, 3, &used), "jsc");
    assert_int_equal(used, 3);
    /* negatives: cut at a word's end ("gesellschaft" is a word), too short, ambiguous */
    const char *word[] = {"gesellschaft"};
    assert_null(em_knowledge_legal_truncated(F.k, word, 1, &used));
    const char *shrt[] = {"lim"};
    assert_null(em_knowledge_legal_truncated(F.k, shrt, 1, &used));
    const char *amb[] = {"aktie"}; /* aktiengesellschaft, aktieselskab */
    assert_null(em_knowledge_legal_truncated(F.k, amb, 1, &used));
    /* a word one letter from a legal form is no typo of another form */
    assert_true(cmp("Company", "Siemens SAG", "Siemens AG") <
                cmp("Company", "Siemens AkG", "Siemens AG"));
    assert_true(cmp("Company", "Volkswagen AkG", "Siemens AG") < EM_DEFAULT_THRESHOLD);
}

static void test_split_and_joined(void **state) {
    (void)state;
    expect_rule("Company", "Vanderbilt Holdings", "Van der Bilt Holdings", "joined");
    expect_rule("Company", "SiemensAG", "Siemens AG", "joined");
    expect_rule("Person", "Nikolai Plat Ono Vich Patrushev", "Nikolai Platonovich Patrushev",
                "joined");
    /* negatives: the glued text must be the same word */
    assert_true(cmp("Company", "Vanderbilt Holdings", "Van der Bolton Holdings") <
                EM_DEFAULT_THRESHOLD);
    assert_true(cmp("Person", "Nikolai Plat Ono Patrushev", "Nikolai Platonovich Patrushev") <
                cmp("Person", "Nikolai Plat Ono Vich Patrushev", "Nikolai Platonovich Patrushev"));
}

static void test_country_adjectives(void **state) {
    (void)state;
    /* ofac-12111 as listed and as the UK lists it */
    expect_rule("Organization", "Ministry of Intelligence and Security of Iran",
                "Iranian Ministry of Intelligence and Security", "country_adjective");
    expect_rule("Company", "National Iranian Oil Company", "National Iran Oil Company",
                "country_adjective");
    /* negatives: another country's adjective, a country's adjective against another */
    assert_true(cmp("Organization", "Ministry of Intelligence and Security of Iran",
                    "Iraqi Ministry of Intelligence and Security") < EM_DEFAULT_THRESHOLD);
    assert_true(cmp("Organization", "Syrian Ministry of Defence", "Iranian Ministry of Defence") <
                EM_DEFAULT_THRESHOLD);
    assert_int_equal(em_knowledge_group_kind(F.k, em_knowledge_variant_group(F.k, "iranian")),
                     EM_GROUP_COUNTRY);
    assert_int_equal(em_knowledge_variant_group(F.k, "iranian"),
                     em_knowledge_variant_group(F.k, "iran"));
}

/* Search over the bundled lists: the rules reach listed names. */
static void test_search(void **state) {
    (void)state;
    struct {
        const char *name, *schema, *id;
    } cases[] = {
        {"Ministry of Intelligence and Security of Iran", "Organization", "ofac-12111"},
        {"Natl Iranian Oil Co", "Company", "ofac-11317"},
        {"Industrial Development & Renovation Organization of Iran", "Company", "ofac-11643"},
        /* an acronym the list does not give: the initials index (org.h) */
        {"ICRL", "Organization", "ofac-12120"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        em_query q = {0};
        q.name = cases[i].name;
        q.schema = cases[i].schema;
        q.limit = 5;
        em_results *r = NULL;
        em_error err = {0};
        if (em_search(F.s, &q, &r, &err) != 0) fail_msg("search: %s", err.message);
        const em_result *x = em_results_count(r) ? em_results_get(r, 0) : NULL;
        if (!x || strcmp(x->id, cases[i].id) != 0)
            fail_msg("%s: expected %s first, got %s", cases[i].name, cases[i].id,
                     x ? x->id : "nothing");
        assert_true(x->match);
        em_results_free(r);
    }
    /* a person's name is never read as an acronym */
    em_query q = {0};
    q.name = "ICRL";
    q.schema = "Person";
    q.limit = 5;
    em_results *r = NULL;
    em_error err = {0};
    if (em_search(F.s, &q, &r, &err) != 0) fail_msg("search: %s", err.message);
    for (size_t i = 0; i < em_results_count(r); i++)
        assert_string_not_equal(em_results_get(r, i)->id, "ofac-12120");
    em_results_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_abbreviations_and_ampersand),
        cmocka_unit_test(test_legal_form_typos),
        cmocka_unit_test(test_split_and_joined),
        cmocka_unit_test(test_country_adjectives),
        cmocka_unit_test(test_search),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
