/*
 * test_prune.c - retrieval that prunes (match/search.c): the pruned run must
 * give exactly what the exhaustive run gives. Over the bundled lists and a
 * generated list with long postings of common tokens, many queries (listed
 * names, the same with typos, innocent names, CJK, Arabic, one-token and
 * glued names; several thresholds, `all` with a cutoff, a small limit) are
 * searched by two searchers, one switched to the exhaustive reference
 * (em_searcher_set_exhaustive), and compared result by result: entity, score
 * (bit for bit), matched name, explanation. The pruned run must also have
 * read fewer postings than the exhaustive one over the generated list.
 * A third searcher reads every plan of more than a few dozen postings in
 * blocks of name ids (em_searcher_set_block_postings), and must agree too.
 * And the string maps' slot fingerprints (index/smap.c): every key found,
 * absent keys missed, a damaged fingerprint only misses, a slot with a
 * fingerprint and no entry refused by the check.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "embargo.h"
#include "index/smap.h"
#include "match/matcher_internal.h"
#include "match/search_internal.h"

/* pruned: as the library searches; blocked: pruned, a plan read in blocks of
   BLOCK_POSTINGS postings (so that short plans are read in many blocks too);
   full: the exhaustive reference */
#define BLOCK_POSTINGS 24

typedef struct pair {
    em_searcher *pruned, *blocked, *full;
    size_t queries, results;
} pair;

static void pair_open(pair *p, const em_matcher *m) {
    em_error err = {0};
    p->pruned = em_searcher_new(m, &err);
    p->full = em_searcher_new(m, &err);
    p->blocked = em_searcher_new(m, &err);
    assert_non_null(p->blocked);
    em_searcher_set_block_postings(p->blocked, BLOCK_POSTINGS);
    assert_non_null(p->pruned);
    assert_non_null(p->full);
    em_searcher_set_exhaustive(p->full, 1);
    p->queries = p->results = 0;
}

static void pair_close(pair *p) {
    /* the blocks were read: most plans are longer than a few dozen postings */
    assert_true(em_searcher_blocked_runs(p->blocked) > p->queries / 2);
    em_searcher_free(p->pruned);
    em_searcher_free(p->blocked);
    em_searcher_free(p->full);
}

static void compare(const char *what, const em_query *q, const em_results *a, const em_results *b) {
    size_t n = em_results_count(b);
    if (em_results_count(a) != n)
        fail_msg("\"%s\" (threshold %.2f, all %d): %zu results %s, %zu exhaustive", q->name,
                 q->threshold, q->all, em_results_count(a), what, n);
    for (size_t i = 0; i < n; i++) {
        const em_result *x = em_results_get(a, i), *y = em_results_get(b, i);
        if (strcmp(x->id, y->id) != 0 || x->score != y->score || x->match != y->match ||
            strcmp(x->matched_name, y->matched_name) != 0 ||
            strcmp(x->explanation, y->explanation) != 0)
            fail_msg("\"%s\" result %zu: %s %s %.9g \"%s\", exhaustive %s %.9g \"%s\"", q->name, i,
                     what, x->id, x->score, x->matched_name, y->id, y->score, y->matched_name);
    }
}

static void same_results(pair *p, const em_query *q) {
    em_results *a = NULL, *b = NULL, *c = NULL;
    em_error err = {0};
    assert_int_equal(em_search(p->pruned, q, &a, &err), 0);
    assert_int_equal(em_search(p->full, q, &b, &err), 0);
    assert_int_equal(em_search(p->blocked, q, &c, &err), 0);
    compare("pruned", q, a, b);
    compare("pruned in blocks", q, c, b);
    p->queries++;
    p->results += em_results_count(b);
    em_results_free(a);
    em_results_free(b);
    em_results_free(c);
}

/* one name under several asks: the default threshold, a low one, a high one,
   `all` with a cutoff and a long limit, a limit of 1 */
static void check_name(pair *p, const char *name) {
    em_query q = {.name = name};
    same_results(p, &q);
    q.threshold = 0.5;
    same_results(p, &q);
    q.threshold = 0.9;
    same_results(p, &q);
    q.threshold = 0;
    q.all = 1;
    q.cutoff = 0.3;
    q.limit = 50;
    same_results(p, &q);
    q = (em_query){.name = name, .limit = 1, .schema = "Person", .birth_date = "1970"};
    same_results(p, &q);
}

/* the name with one letter dropped, two letters swapped, one letter changed,
   and its parts glued */
static void check_typos(pair *p, const char *name) {
    size_t len = strlen(name);
    if (len < 6 || len > 200) return;
    char buf[256];
    size_t k = len / 2;
    memcpy(buf, name, k);
    memcpy(buf + k, name + k + 1, len - k);
    check_name(p, buf);
    memcpy(buf, name, len + 1);
    char t = buf[k];
    buf[k] = buf[k + 1];
    buf[k + 1] = t;
    check_name(p, buf);
    memcpy(buf, name, len + 1);
    if (buf[1] >= 'a' && buf[1] <= 'z') buf[1] = buf[1] == 'e' ? 'a' : 'e';
    check_name(p, buf);
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (name[i] != ' ') buf[w++] = name[i];
    buf[w] = '\0';
    check_name(p, buf);
}

static const char *OTHERS[] = {
    /* innocent people and companies */
    "John Smith", "Maria Garcia", "Wei Zhang", "Olga Ivanova", "Pierre Dubois",
    "Acme Trading Company LLC", "Global Shipping Ltd", "Bank of Springfield", "Muhammad Ali",
    "Mohammed", "Ali", "Hassan", "Kim", "Lee Min-ho",
    /* one-token and glued names */
    "Putin", "Sergeilavrov", "Abdulrahman", "Alqaida", "Bin", "Al",
    /* acronyms of organisations */
    "IRISL", "KOMID", "MOIS", "IRGC", "NIOC", "BMI",
    /* CJK, Arabic, Persian, Cyrillic, Hangul */
    "王伟", "金正恩", "習近平", "李明", "山田太郎", "محمد علي", "أسامة بن لادن", "حسن نصر الله",
    "عبد الرحمن", "علی خامنه‌ای", "Владимир Путин", "Сергей Лавров", "김정은", "박정희",
    /* noise */
    "x", "123", "A B C D E F G H", "the company of the bank of the trading group"};

static void check_others(pair *p) {
    for (size_t i = 0; i < sizeof OTHERS / sizeof *OTHERS; i++) {
        check_name(p, OTHERS[i]);
        check_typos(p, OTHERS[i]);
    }
}

/* every step-th listed name, as listed and with typos */
static void check_listed(pair *p, const em_matcher *m, size_t step) {
    for (uint32_t i = 0; i < m->h->n_names; i += (uint32_t)step) {
        const char *name = m->strings + m->names[i].display;
        check_name(p, name);
        check_typos(p, name);
    }
}

static void prune_bundled(void **state) {
    (void)state;
    char *home = tmpdir_new("prune_bundled");
    em_error err = {0};
    em_store *st = NULL;
    em_matcher *m = NULL;
    if (em_store_open(&st, home, 0, &err) != 0) fail_msg("store: %s", err.message);
    if (em_matcher_open(&m, st, &err) != 0) fail_msg("matcher: %s", err.message);
    pair p;
    pair_open(&p, m);
    check_others(&p);
    check_listed(&p, m, m->h->n_names / 300 + 1);
    assert_true(p.queries > 1000);
    assert_true(p.results > 1000);
    pair_close(&p);
    em_matcher_close(m);
    em_store_close(st);
    free(home);
}

/* ---- a generated list: common given names, particles and legal forms with long
   postings, a long tail of rare family names ---------------------------------- */

static uint64_t rng = 20261201;
static uint32_t next_rand(void) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33);
}

static const char *GIVEN[] = {"Muhammad", "Mohammed", "Mohamed", "Ali",  "Ahmad", "Ahmed",
                              "Hassan",   "Hussein",  "Omar",    "John", "Maria", "Sergei",
                              "Sergey",   "Ivan",     "Wei",     "Li",   "Abdul", "Fatima"};
static const char *FAMILY[] = {"Al-Rashid", "Khan",   "Smith",  "Ivanov", "Zhang",
                               "Hussain",   "Rahman", "Petrov", "Wang",   "Al-Masri"};
static const char *SYL[] = {"ka", "ri", "mo", "ta",  "shi", "lo",  "ven", "dar", "zu", "bek",
                            "no", "ha", "sa", "mir", "gul", "tor", "an",  "el",  "ko", "ya"};
static const char *ORGS[] = {"Trading", "Company", "Bank", "Shipping", "Group", "International"};
static const char *FORMS[] = {"LLC", "Ltd", "OOO", "GmbH", "SA", "FZE"};

static void rare_word(char *out, size_t cap) {
    out[0] = '\0';
    int n = 2 + (int)(next_rand() % 3);
    for (int i = 0; i < n; i++)
        strncat(out, SYL[next_rand() % (sizeof SYL / sizeof *SYL)], cap - strlen(out) - 1);
    out[0] = (char)(out[0] - 'a' + 'A');
}

/* a Zipf-ish pick: index i with weight 1 / (i + 1) */
static size_t zipf(size_t n) {
    double h = 0;
    for (size_t i = 0; i < n; i++)
        h += 1.0 / (double)(i + 1);
    double x = (double)next_rand() / 2147483648.0 * h;
    for (size_t i = 0; i < n; i++) {
        x -= 1.0 / (double)(i + 1);
        if (x <= 0) return i;
    }
    return n - 1;
}

#define NG (sizeof GIVEN / sizeof *GIVEN)
#define NF (sizeof FAMILY / sizeof *FAMILY)

static char *generated_list(const char *dir, size_t n) {
    em_buf b;
    em_buf_init(&b);
    char rare[64], rare2[64], name[256], alias[256];
    for (size_t i = 0; i < n; i++) {
        rare_word(rare, sizeof rare);
        rare_word(rare2, sizeof rare2);
        int org = next_rand() % 3 == 0;
        if (org) {
            snprintf(name, sizeof name, "%s %s %s %s", next_rand() % 2 ? rare : GIVEN[zipf(NG)],
                     ORGS[next_rand() % 6], ORGS[next_rand() % 6], FORMS[next_rand() % 6]);
            snprintf(alias, sizeof alias, "%s %s", rare, FORMS[next_rand() % 6]);
        } else {
            const char *fam = next_rand() % 2 ? FAMILY[zipf(NF)] : rare;
            snprintf(name, sizeof name, "%s %s%s%s", GIVEN[zipf(NG)],
                     next_rand() % 3 ? "" : GIVEN[zipf(NG)], next_rand() % 3 ? "" : " bin ", fam);
            snprintf(alias, sizeof alias, "%s %s %s", GIVEN[zipf(NG)], rare2, fam);
        }
        const char *script = i % 40 == 0 ? "محمد حسن" : i % 41 == 0 ? "王伟" : NULL;
        char line[1024];
        snprintf(line, sizeof line,
                 "{\"id\": \"gen-%zu\", \"schema\": \"%s\", \"properties\": {\"name\": "
                 "[\"%s\"], \"alias\": [\"%s\"%s%s%s]}}\n",
                 i, org ? "Organization" : "Person", name, alias, script ? ", \"" : "",
                 script ? script : "", script ? "\"" : "");
        em_buf_adds(&b, line);
    }
    char *path = write_test_file(dir, "generated.ftm.json", b.data);
    em_buf_free(&b);
    return path;
}

static void prune_generated(void **state) {
    (void)state;
    char *home = tmpdir_new("prune_generated");
    char *list = generated_list(home, 6000);
    em_error err = {0};
    em_store *st = NULL;
    em_matcher *m = NULL;
    if (em_store_open(&st, home, EM_STORE_NO_SEED, &err) != 0) fail_msg("store: %s", err.message);
    const char *paths[] = {list};
    em_import_report *rep = NULL;
    if (em_store_import(st, paths, 1, "generated", &rep, &err) != 0)
        fail_msg("import: %s", err.message);
    em_import_report_free(rep);
    if (em_matcher_open(&m, st, &err) != 0) fail_msg("matcher: %s", err.message);
    pair p;
    pair_open(&p, m);
    check_others(&p);
    check_listed(&p, m, 23);
    /* common names only, and common names with a rare one */
    char q[256], rare[64];
    for (size_t i = 0; i < 200; i++) {
        rare_word(rare, sizeof rare);
        snprintf(q, sizeof q, "%s %s", GIVEN[zipf(NG)], FAMILY[zipf(NF)]);
        check_name(&p, q);
        snprintf(q, sizeof q, "%s %s %s", GIVEN[zipf(NG)], rare, FAMILY[zipf(NF)]);
        check_name(&p, q);
        check_typos(&p, q);
        snprintf(q, sizeof q, "%s %s %s", rare, ORGS[i % 6], FORMS[i % 6]);
        check_name(&p, q);
    }
    assert_true(p.queries > 5000);
    assert_true(p.results > 5000);
    uint64_t pruned = em_searcher_postings_read(p.pruned), full = em_searcher_postings_read(p.full);
    print_message("generated list: %zu queries, %zu results, postings read %llu pruned, "
                  "%llu exhaustive\n",
                  p.queries, p.results, (unsigned long long)pruned, (unsigned long long)full);
    assert_true(pruned < full);
    /* the longest plans were read in blocks by the library's own setting */
    assert_true(em_searcher_blocked_runs(p.pruned) > 0);
    pair_close(&p);
    em_matcher_close(m);
    em_store_close(st);
    free(list);
    free(home);
}

/* ---- string map slots -------------------------------------------------------- */

static void smap_fingerprints(void **state) {
    (void)state;
    em_strpool *pool = em_strpool_new();
    em_smap_builder *b = em_smap_builder_new();
    char key[32];
    const uint32_t nkeys = 5000;
    for (uint32_t i = 0; i < nkeys; i++) {
        snprintf(key, sizeof key, "key%u", i);
        em_smap_add(b, pool, key, i);
        em_smap_add(b, pool, key, i + 1);
    }
    em_buf out;
    em_buf_init(&out);
    em_smap_serialize(b, &out);
    const em_buf *strings = em_strpool_data(pool);
    char why[200];
    assert_int_equal(em_smap_check(out.data, out.len, strings->len, nkeys + 1, 0, why, sizeof why),
                     0);
    em_smap m;
    assert_int_equal(em_smap_open(&m, out.data, out.len, strings->data), 0);
    uint32_t n;
    for (uint32_t i = 0; i < nkeys; i++) {
        snprintf(key, sizeof key, "key%u", i);
        const uint32_t *v = em_smap_get(&m, key, &n);
        assert_int_equal(n, 2);
        assert_int_equal(v[0], i);
        assert_int_equal(v[1], i + 1);
        snprintf(key, sizeof key, "absent%u", i);
        assert_null(em_smap_get(&m, key, &n));
        assert_int_equal(n, 0);
    }
    /* every occupied slot carries a fingerprint above the entry bits (13 bits for
       5,000 keys): damaging one makes its key miss, nothing worse */
    uint32_t *table = (uint32_t *)(void *)(out.data + 8 + (size_t)m.n * 16);
    size_t with_fp = 0, used = 0;
    for (uint32_t j = 0; j < m.cap; j++)
        if (table[j]) used++, with_fp += (table[j] >> 13) != 0;
    assert_int_equal(used, nkeys);
    assert_true(with_fp > nkeys * 9 / 10);
    uint32_t j = 0;
    while (!table[j])
        j++;
    uint32_t entry = (table[j] & m.slot_mask) - 1, saved = table[j];
    const char *k0 = strings->data + ((const uint32_t *)(const void *)(out.data + 8))[entry * 4];
    char kcopy[32];
    snprintf(kcopy, sizeof kcopy, "%s", k0);
    table[j] ^= ~m.slot_mask & 0x80000000u ? 0x80000000u : 0;
    if (table[j] != saved) {
        assert_null(em_smap_get(&m, kcopy, &n));
        assert_int_equal(
            em_smap_check(out.data, out.len, strings->len, nkeys + 1, 0, why, sizeof why), 0);
    }
    /* a fingerprint without an entry */
    table[j] = saved & ~m.slot_mask;
    if (table[j]) {
        assert_int_equal(
            em_smap_check(out.data, out.len, strings->len, nkeys + 1, 0, why, sizeof why), -1);
        assert_non_null(strstr(why, "slot"));
    }
    table[j] = saved;
    assert_non_null(em_smap_get(&m, kcopy, &n));
    em_buf_free(&out);
    em_smap_builder_free(b);
    em_strpool_free(pool);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(smap_fingerprints),
        cmocka_unit_test(prune_generated),
        cmocka_unit_test(prune_bundled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
