/*
 * test_drift.c - the bound on how far a list change moves the scores of what
 * it did not change (match/drift.c), which monitoring's delta re-screen relies
 * on: checked against the scores themselves, before and after a change, for
 * every (query, listed entity) pair both screens return.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "engine/engine_open.h"
#include "match/drift.h"
#include "match/matcher_build.h"
#include "model/entity.h"

static const char *GIVEN[] = {"ali",   "hassan", "mohammad", "ahmad",   "reza",   "hossein",
                              "mehdi", "omar",   "yusuf",    "ibrahim", "khalid", "tariq",
                              "ivan",  "sergei", "olga",     "anna",    "pavel",  "dmitri",
                              "maria", "jose",   "luis",     "carlos",  "chen",   "wei",
                              "kim",   "jong",   "hamid",    "nasser",  "samir",  "walid"};
static const char *FAMILY[] = {
    "karimi",  "rahimi",    "hosseini", "mousavi",  "ahmadi",    "rezaei",  "sadeghi", "haddad",
    "nasser",  "saleh",     "mansour",  "ivanov",   "petrov",    "sokolov", "popov",   "volkov",
    "garcia",  "lopez",     "martinez", "gonzalez", "rodriguez", "zhang",   "wang",    "li",
    "park",    "choi",      "jafari",   "ghorbani", "bagheri",   "tehrani", "shirazi", "yazdi",
    "kermani", "khorasani", "tabrizi",  "esfahani", "qasemi",    "amini",   "najafi",  "zamani"};
#define NG (sizeof GIVEN / sizeof *GIVEN)
#define NF (sizeof FAMILY / sizeof *FAMILY)

static unsigned long long seed = 42;
static unsigned rnd(unsigned n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((seed >> 33) % n);
}

static em_entity *person(const char *id, const char *name) {
    em_entity *e = em_entity_new("test", "t", id, EM_SCHEMA_PERSON);
    em_entity_add_name(e, name, EM_NAME_PRIMARY, NULL, NULL);
    return e;
}

/* a listed population: two or three parts from the pools */
static void population(em_entity_list *l, size_t n) {
    char id[32], name[128];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%zu", i);
        if (i % 50 == 0) /* a long tail of names only one listed person has */
            snprintf(name, sizeof name, "%s u%c%c%cov", GIVEN[rnd(NG)], 'a' + (char)(i / 676 % 26),
                     'a' + (char)(i / 26 % 26), 'a' + (char)(i % 26));
        else if (rnd(3) == 0)
            snprintf(name, sizeof name, "%s %s %s", GIVEN[rnd(NG)], GIVEN[rnd(NG)],
                     FAMILY[rnd(NF)]);
        else
            snprintf(name, sizeof name, "%s %s", GIVEN[rnd(NG)], FAMILY[rnd(NF)]);
        em_entity_list_push(l, person(id, name));
    }
}

static em_matcher *build(const em_entity_list *l, const char *file) {
    mkdir(TEST_TMP_DIR, 0755);
    char *path = em_xasprintf("%s/%s", TEST_TMP_DIR, file);
    unlink(path);
    em_matcher *m = NULL;
    em_error err = {0};
    if (em_matcher_build(&m, l, NULL, path, &err) != 0) fail_msg("build: %s", err.message);
    free(path);
    return m;
}

static em_entity_list copy_of(const em_entity_list *l, size_t skip) {
    em_entity_list c = {0};
    for (size_t i = 0; i < l->len; i++) {
        if (i == skip) continue; /* the same ids: "t-" and the source id */
        em_entity_list_push(&c, person(l->items[i]->id + 2, l->items[i]->names.items[0].full));
    }
    return c;
}

static void collect(void *ctx, const char *t) {
    em_strvec_push(ctx, t);
}

static int has(const em_strvec *v, const char *s) {
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i], s)) return 1;
    return 0;
}

static void test_drift_bounds_scores(void **state) {
    (void)state;
    em_error err = {0};
    em_entity_list before = {0};
    population(&before, 3000);
    /* a family name in no listed name yet, and one in exactly one */
    em_entity_list_push(&before, person("rare", "hamid zargarzadeh"));
    size_t removed = 7;
    em_entity_list after = copy_of(&before, removed);
    em_entity_list_push(&after, person("rare2", "omar zargarzadeh"));     /* df 1 -> 2 */
    em_entity_list_push(&after, person("new", "walid qarawi"));           /* a new token */
    em_entity_list_push(&after, person("common", "mohammad ali karimi")); /* common ones */
    em_matcher *m0 = build(&before, "drift_before.emb");
    em_matcher *m1 = build(&after, "drift_after.emb");

    em_drift *d = em_drift_new(&err);
    em_drift_add_entity(d, before.items[removed], -1);
    for (size_t i = after.len - 3; i < after.len; i++)
        em_drift_add_entity(d, after.items[i], +1);
    assert_int_equal(em_drift_finish(d, m1), 0);
    assert_true(em_drift_touched(d) >= 4);
    /* four names of three thousand: every untouched weight moves by ~0.1% */
    assert_true(em_drift_global(d) < 0.02);
    assert_true(em_drift_global(d) > 0);
    /* queries: names of the same pools, some with a typo, compiled as a register */
    em_entity_list ql = {0};
    char id[32], name[128];
    for (size_t i = 0; i < 400; i++) {
        snprintf(id, sizeof id, "%zu", i);
        if (i % 10 == 0) /* the rare name's namesakes, as listed or misspelt */
            snprintf(name, sizeof name, "%s zargarzade%s", i % 20 ? "hamid" : "omar",
                     i % 30 ? "h" : "");
        else
            snprintf(name, sizeof name, "%s %s%s", GIVEN[rnd(NG)], FAMILY[rnd(NF)],
                     i % 7 == 0 ? "i" : "");
        em_entity *e = em_entity_new("register", "rec", id, EM_SCHEMA_PERSON);
        em_entity_add_name(e, name, EM_NAME_PRIMARY, NULL, NULL);
        em_entity_list_push(&ql, e);
    }
    em_matcher *mq = build(&ql, "drift_queries.emb");

    /* every pair whose bound exceeds the band a delta keeps holds a strong token */
    em_strvec strong;
    em_strvec_init(&strong);
    em_drift_strong(d, 0.10, collect, &strong);
    assert_true(has(&strong, "zargarzadeh"));
    size_t wide = 0;

    em_engine *e0 = NULL, *e1 = NULL;
    assert_int_equal(em_engine_open_matcher(&e0, m0, &err), 0);
    assert_int_equal(em_engine_open_matcher(&e1, m1, &err), 0);
    em_screen_options so = {EM_SCREEN_OPTIONS_VERSION, 0.7, 2000, 1, 0.3, NULL, 0};
    size_t pairs = 0, moved = 0, rare_pairs = 0;
    double worst = 0; /* the largest move as a share of its bound */
    for (size_t i = 0; i < ql.len; i++) {
        em_party *p = em_party_new();
        em_party_set_schema(p, EM_SCHEMA_PERSON, &err);
        em_party_add_name(p, ql.items[i]->names.items[0].full, 0, &err);
        em_results *r0 = NULL, *r1 = NULL;
        if (em_engine_screen(e0, p, &so, &r0, &err) != 0 ||
            em_engine_screen(e1, p, &so, &r1, &err) != 0)
            fail_msg("screen: %s", err.message);
        for (size_t a = 0; a < em_results_count(r0); a++) {
            const em_result *x = em_results_get(r0, a);
            for (size_t b = 0; b < em_results_count(r1); b++) {
                const em_result *y = em_results_get(r1, b);
                if (strcmp(x->id, y->id)) continue;
                double bound = em_drift_pair(d, m1, x->id, mq, ql.items[i]->id);
                double delta = fabs(y->score - x->score);
                if (delta > bound)
                    fail_msg("%s vs %s moved %.5f, over its bound %.5f",
                             ql.items[i]->names.items[0].full, x->matched_name, delta, bound);
                pairs++;
                moved += delta > 1e-6;
                if (bound >= 0.10) {
                    int holds = 0;
                    for (size_t k = 0; k < strong.len && !holds; k++)
                        holds = strstr(ql.items[i]->names.items[0].full, strong.items[k]) ||
                                strstr(x->matched_name, strong.items[k]);
                    if (!holds)
                        fail_msg("%s vs %s: bound %.3f without a strong token",
                                 ql.items[i]->names.items[0].full, x->matched_name, bound);
                    wide++;
                }
                rare_pairs += strstr(ql.items[i]->names.items[0].full, "zargarzadeh") != NULL;
                if (bound > 0 && delta / bound > worst) worst = delta / bound;
            }
        }
        em_results_free(r0);
        em_results_free(r1);
        em_party_free(p);
    }
    print_message("drift: %zu pairs, %zu moved, %zu through the rare name, worst move %.0f%% of "
                  "its bound, global band %.5f, widest %.4f\n",
                  pairs, moved, rare_pairs, 100 * worst, em_drift_global(d), em_drift_max(d));
    assert_true(pairs > 1000);
    assert_true(moved > pairs / 2); /* the check is not vacuous: scores did move */
    assert_true(rare_pairs > 10);
    assert_true(worst > 0.02); /* and the bound is not absurdly loose */
    assert_true(wide > 0);
    em_strvec_free(&strong);
    em_drift_free(d);
    em_engine_close(e0);
    em_engine_close(e1);
    em_matcher_close(mq);
    em_entity_list_free(&before);
    em_entity_list_free(&after);
    em_entity_list_free(&ql);
}

static void test_drift_strong_tokens(void **state) {
    (void)state;
    em_error err = {0};
    seed = 7;
    em_entity_list before = {0};
    population(&before, 2000);
    em_entity_list_push(&before, person("rare", "hamid zargarzadeh"));
    em_entity_list after = copy_of(&before, (size_t)-1);
    em_entity_list_push(&after, person("rare2", "omar zargarzadeh"));
    em_entity_list_push(&after, person("common", "mohammad karimi"));
    em_matcher *m1 = build(&after, "drift_strong.emb");
    em_drift *d = em_drift_new(&err);
    em_drift_add_entity(d, after.items[after.len - 2], +1);
    em_drift_add_entity(d, after.items[after.len - 1], +1);
    assert_int_equal(em_drift_finish(d, m1), 0);
    em_strvec strong;
    em_strvec_init(&strong);
    em_drift_strong(d, 0.10, collect, &strong);
    assert_true(has(&strong, "zargarzadeh")); /* df 1 -> 2 */
    assert_false(has(&strong, "karimi"));     /* one more of many */
    assert_false(has(&strong, "mohammad"));
    /* the entities holding it: both namesakes */
    em_strvec ids;
    em_strvec_init(&ids);
    em_matcher_token_entities(m1, "zargarzadeh", collect, &ids);
    assert_int_equal(ids.len, 2);
    /* an entity without touched tokens moves by the global bound only */
    double g = em_drift_global(d);
    assert_true(em_drift_pair(d, m1, after.items[0]->id, NULL, NULL) >= g);
    assert_true(em_drift_pair(d, m1, "t-rare", NULL, NULL) > 0.10);
    assert_true(em_drift_pair(d, m1, "no-such-entity", NULL, NULL) >= 1.0); /* not known */
    em_strvec_free(&strong);
    em_strvec_free(&ids);
    em_drift_free(d);
    em_matcher_close(m1);
    em_entity_list_free(&before);
    em_entity_list_free(&after);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_bounds_scores),
        cmocka_unit_test(test_drift_strong_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
