/*
 * test_knowledge.c - the name knowledge tables: the real data/knowledge files
 * (one pinned example per kind of fact) and the loader's errors.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "text/knowledge.h"
#include "text/normalize.h"
#include "text/readings.h"

static em_knowledge *K;
static em_normalizer *N;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int setup(void **state) {
    (void)state;
    em_error err = {0};
    double t0 = now_ms();
    K = em_knowledge_load(BUNDLED_DATA_DIR "/knowledge", &err);
    double t1 = now_ms();
    if (!K) {
        fprintf(stderr, "load failed: %s\n", err.message);
        return -1;
    }
    printf("knowledge: %zu variant groups, loaded in %.2f ms\n", em_knowledge_group_count(K),
           t1 - t0);
    N = em_normalizer_new(NULL);
    return N ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    em_knowledge_free(K);
    em_normalizer_free(N);
    return 0;
}

static void same_group(const char *a, const char *b) {
    uint32_t ga = em_knowledge_variant_group(K, a), gb = em_knowledge_variant_group(K, b);
    if (ga == 0 || ga != gb)
        fail_msg("'%s' (group %u) and '%s' (group %u) should be variants", a, (unsigned)ga, b,
                 (unsigned)gb);
}

static void other_group(const char *a, const char *b) {
    uint32_t ga = em_knowledge_variant_group(K, a), gb = em_knowledge_variant_group(K, b);
    if (ga == gb) fail_msg("'%s' and '%s' should not be variants", a, b);
}

static void test_variants(void **state) {
    (void)state;
    assert_true(em_knowledge_group_count(K) >= 250);
    same_group("mohammad", "muhammad");
    same_group("mohammad", "mohamed");
    same_group("mohammad", "mohd");
    same_group("hossein", "hussein");
    same_group("hossein", "husayn");
    same_group("esmail", "esmaeil");
    same_group("esmail", "ismail");
    same_group("yusuf", "yousef");
    same_group("yusuf", "youssef");
    same_group("aleksandr", "alexander");
    same_group("aleksandr", "oleksandr");
    same_group("sergei", "sergey");
    same_group("kim", "gim");
    same_group("xu", "hsu");
    same_group("catherine", "kathryn");
    other_group("mohammad", "ahmad");
    other_group("yusuf", "joseph");
    assert_int_equal(em_knowledge_variant_group(K, "alia"), 0);
    assert_int_not_equal(em_knowledge_variant_group(K, "ali"), 0);
    assert_int_equal(em_knowledge_variant_group(K, "sayed"), 0); /* an honorific */
    assert_int_equal(em_knowledge_variant_group(K, ""), 0);
    assert_int_equal(em_knowledge_variant_group(K, "Mohammad"),
                     0); /* lookups take normalised tokens */

    uint32_t g = em_knowledge_variant_group(K, "mohd");
    assert_string_equal(em_knowledge_group_name(K, g), "mohammad");
    assert_string_equal(em_knowledge_group_name(K, em_knowledge_variant_group(K, "ismail")),
                        "esmail");
    assert_null(em_knowledge_group_name(K, 0));
    assert_null(em_knowledge_group_name(K, (uint32_t)em_knowledge_group_count(K) + 1));

    /* Cyrillic names meet their English spellings through the normaliser */
    /* Cyrillic names meet their English spellings through the normaliser
       (ISO 9 or BGN/PCGN romanisation of Russian alike) */
    const char *cyr[][2] = {{"Сергей", "sergei"},       {"Дмитрий", "dmitry"},
                            {"Александр", "alexander"}, {"Евгений", "evgeny"},
                            {"Алексей", "alexei"},      {"Николай", "nikolai"},
                            {"Андрей", "andrei"},       {"Михаил", "mikhail"}};
    for (size_t i = 0; i < sizeof cyr / sizeof cyr[0]; i++) {
        char *t = em_normalize_name(N, cyr[i][0]);
        uint32_t g = em_knowledge_variant_group(K, t);
        int ok = g != 0 && g == em_knowledge_variant_group(K, cyr[i][1]);
        if (!ok) fprintf(stderr, "%s -> '%s' is not in the group of %s\n", cyr[i][0], t, cyr[i][1]);
        free(t);
        assert_true(ok);
    }
}

static void test_sets(void **state) {
    (void)state;
    const char *particles[] = {"al", "el", "bin", "ibn", "abu", "van", "von", "de", "ould"};
    for (size_t i = 0; i < sizeof particles / sizeof *particles; i++)
        assert_true(em_knowledge_is_particle(K, particles[i]));
    assert_false(em_knowledge_is_particle(K, "ali"));
    assert_false(em_knowledge_is_particle(K, "mac"));

    const char *hon[] = {"seyed", "haji", "sheikh", "mullah", "general", "dr", "sayed"};
    for (size_t i = 0; i < sizeof hon / sizeof *hon; i++)
        assert_true(em_knowledge_is_honorific(K, hon[i]));
    assert_false(em_knowledge_is_honorific(K, "amir")); /* also a common given name */
    assert_false(em_knowledge_is_honorific(K, "mohammad"));

    assert_true(em_knowledge_is_stopword(K, "the"));
    assert_true(em_knowledge_is_stopword(K, "of"));
    assert_true(em_knowledge_is_stopword(K, "and"));
    assert_false(em_knowledge_is_stopword(K, "bank"));
    assert_false(em_knowledge_is_particle(K, NULL));
}

/* Legal form of a normalised phrase: code, and tokens consumed. */
static const char *legal(const char *phrase, size_t *consumed) {
    char *norm = em_normalize_name(N, phrase);
    const char *toks[32];
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(norm, " ", &save); t && n < 32;
         t = strtok_r(NULL, " ", &save))
        toks[n++] = t;
    const char *code = em_knowledge_legal_form(K, toks, n, consumed);
    free(norm);
    return code;
}

static void check_legal(const char *phrase, const char *code, size_t consumed) {
    size_t c = 99;
    const char *got = legal(phrase, &c);
    if (!got || strcmp(got, code) != 0 || c != consumed)
        fail_msg("'%s': got %s/%zu, want %s/%zu", phrase, got ? got : "NULL", c, code, consumed);
}

static void test_legal_forms(void **state) {
    (void)state;
    check_legal("limited liability company", "llc", 3);
    check_legal("Limited Liability Company of Kish", "llc", 3);
    check_legal("LLC", "llc", 1);
    check_legal("L.L.C.", "llc", 3);
    check_legal("limited", "ltd", 1);
    check_legal("Ltd.", "ltd", 1);
    check_legal("obshchestvo s ogranichennoy otvetstvennostyu", "ooo", 4);
    check_legal("Obshchestvo s Ogranichennoi Otvetstvennostiu", "ooo", 4);
    check_legal("ООО", "ooo", 1);
    check_legal("pao", "pjsc", 1);
    check_legal("PJSC", "pjsc", 1);
    check_legal("ПАО", "pjsc", 1);
    check_legal("S.A.", "sa", 2);
    check_legal("sa", "sa", 1);
    check_legal("S.A. de C.V.", "sa de cv", 5);
    check_legal("Gesellschaft mit beschränkter Haftung", "gmbh", 4);
    check_legal("sdn bhd", "sdn bhd", 2);
}

static void test_legal_negative(void **state) {
    (void)state;
    size_t c = 99;
    assert_null(legal("bank", &c));
    assert_int_equal(c, 0);
    assert_null(legal("sdn", &c)); /* only the two-word form exists */
    assert_null(legal("", &c));
    assert_null(em_knowledge_legal_form(K, NULL, 0, &c));
    const char *one[] = {"ltd"};
    assert_string_equal(em_knowledge_legal_form(K, one, 1, NULL), "ltd");
    assert_null(em_knowledge_legal_form(K, one, 0, &c));
}

/* ---- loader errors, on small files in a scratch directory ---- */

static void write_file(const char *dir, const char *name, const char *text) {
    char *path = em_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* A scratch knowledge directory with small valid files. */
static char *mini_dir(const char *name) {
    char *dir = tmpdir_new(name);
    write_file(dir, "given_names.txt",
               "\xEF\xBB\xBF# comment\nMohámmed muhammad mohd  # trailing comment\n"
               "\n  Абдулла abdallah\tabdullah\n");
    write_file(dir, "particles.txt", "al\nBin\n");
    write_file(dir, "honorifics.txt", "Seyed\n");
    write_file(dir, "org_stopwords.txt", "the\n");
    write_file(dir, "nicknames.txt", "# short full\nbill william\nted edward\nted theodore\n");
    write_file(dir, "legal_forms.tsv",
               "llc\tlimited liability company|L.L.C.|llc\nooo\tобщество с ограниченной "
               "ответственностью|ooo\n");
    write_file(dir, "han_hangul.tsv", "\xE9\x87\x91\t\xEA\xB9\x80\n");            /* 金 김 */
    write_file(dir, "kontsevich.tsv", "family\t\xD0\x9A\xD0\xB8\xD0\xBC\tkim\n"); /* Ким */
    write_file(dir, "titles_cjk.txt", "\xE4\xB8\xBB\xE5\xB8\xAD\n");              /* 主席 */
    write_file(dir, "abbreviations.tsv", "international\tintl|int'nl\n");
    write_file(dir, "country_adjectives.tsv", "IR\tiran|Iranian\n");
    write_file(dir, "case_endings.txt", "as\n");
    return dir;
}

static void expect_error(const char *dir, const char *file, const char *text, const char *want) {
    if (file) write_file(dir, file, text);
    em_error err = {0};
    em_knowledge *k = em_knowledge_load(dir, &err);
    assert_null(k);
    assert_int_not_equal(err.code, EM_OK);
    if (!strstr(err.message, want)) fail_msg("error '%s' does not contain '%s'", err.message, want);
}

static void test_mini_load(void **state) {
    (void)state;
    char *dir = mini_dir("knowledge_mini");
    em_error err = {0};
    em_knowledge *k = em_knowledge_load(dir, &err);
    if (!k) fail_msg("%s", err.message);
    assert_int_equal(em_knowledge_group_count(k), 4); /* 2 given names, 1 abbreviation, 1 country */
    assert_int_equal(em_knowledge_variant_group(k, "mohammed"), 1);
    assert_int_equal(em_knowledge_variant_group(k, "mohd"), 1);
    assert_int_equal(em_knowledge_variant_group(k, "abdulla"), 2);
    assert_int_equal(em_knowledge_variant_group(k, "abdullah"), 2);
    assert_string_equal(em_knowledge_group_name(k, 2), "abdulla");
    assert_true(em_knowledge_is_particle(k, "bin"));
    assert_true(em_knowledge_is_honorific(k, "seyed"));
    /* the loader normalised the Cyrillic variant exactly as a query is normalised */
    char *q = em_normalize_name(N, "общество с ограниченной ответственностью прочее");
    const char *t[16];
    size_t n = 0;
    for (char *save = NULL, *w = strtok_r(q, " ", &save); w && n < 16;
         w = strtok_r(NULL, " ", &save))
        t[n++] = w;
    size_t c = 0;
    assert_string_equal(em_knowledge_legal_form(k, t, n, &c), "ooo");
    assert_int_equal(c, n - 1);
    free(q);
    const char *u[] = {"l", "l", "c"};
    assert_string_equal(em_knowledge_legal_form(k, u, 3, &c), "llc");
    assert_int_equal(c, 3);
    /* nicknames, both ways round, a short form of several names */
    assert_true(em_knowledge_is_nickname(k, "bill", "william"));
    assert_true(em_knowledge_is_nickname(k, "william", "bill"));
    assert_true(em_knowledge_is_nickname(k, "ted", "theodore"));
    assert_true(em_knowledge_is_nickname(k, "ted", "edward"));
    assert_false(em_knowledge_is_nickname(k, "bill", "edward"));
    /* organisation words are groups of their own kind; stopword initials */
    assert_int_equal(em_knowledge_variant_group(k, "intl"),
                     em_knowledge_variant_group(k, "international"));
    assert_int_equal(em_knowledge_group_kind(k, em_knowledge_variant_group(k, "intnl")),
                     EM_GROUP_ABBREVIATION);
    assert_int_equal(em_knowledge_group_kind(k, em_knowledge_variant_group(k, "iranian")),
                     EM_GROUP_COUNTRY);
    assert_int_equal(em_knowledge_group_kind(k, 1), EM_GROUP_NAME);
    assert_true(em_knowledge_stopword_initial(k, 't'));
    assert_false(em_knowledge_stopword_initial(k, 'o'));
    em_knowledge_free(k);
    free(dir);
}

static void test_errors(void **state) {
    (void)state;
    char *dir = mini_dir("knowledge_errors");
    expect_error(dir, "given_names.txt", "ismail esmail\n# c\nyusuf yousef\nismaeel Ismail\n",
                 "given_names.txt line 4: 'ismail' is already in the group of line 1");
    expect_error(dir, "given_names.txt", "ali aly ali\n",
                 "given_names.txt line 1: 'ali' is listed twice");
    expect_error(dir, "given_names.txt", "abdul abd-ul\n",
                 "given_names.txt line 1: 'abd-ul' normalises to several words");
    expect_error(dir, "given_names.txt", "ali\n",
                 "given_names.txt line 1: a group needs at least two");
    write_file(dir, "given_names.txt", "ali aly\n");
    expect_error(dir, "particles.txt", "al\nbin\nAl\n",
                 "particles.txt line 3: 'al' is already listed on line 1");
    write_file(dir, "particles.txt", "al\n");
    expect_error(dir, "legal_forms.tsv", "llc\tllc\nltd limited|ltd\n",
                 "legal_forms.tsv line 2: expected CODE<TAB>");
    expect_error(dir, "legal_forms.tsv", "llc\tllc|l.l.c.\nltd\tlimited|L L C\n",
                 "legal_forms.tsv line 2: variant 'l l c' already belongs to 'llc' (line 1)");
    expect_error(dir, "legal_forms.tsv", "llc\tllc\nllc\tlimited liability company\n",
                 "legal_forms.tsv line 2: code 'llc' is already defined on line 1");
    expect_error(dir, "legal_forms.tsv", "llc\t|\n",
                 "legal_forms.tsv line 1: code 'llc' has no variants");
    write_file(dir, "legal_forms.tsv", "llc\tllc\n");
    expect_error(dir, "kontsevich.tsv", "syllable\tа\ta\n",
                 "kontsevich.tsv line 1: unknown kind 'syllable'");
    expect_error(dir, "kontsevich.tsv", "vowel\tа\n", "kontsevich.tsv line 1: want KIND");
    write_file(dir, "kontsevich.tsv", "vowel\tа\ta\n");
    expect_error(dir, "han_hangul.tsv", "\xE9\x87\x91\t\xEA\xB9\x80\n\xE9\x87\x91\t\xEA\xB8\x88\n",
                 "han_hangul.tsv line 2: '\xE9\x87\x91' is listed twice");
    write_file(dir, "han_hangul.tsv", "");
    /* organisation words: two words a line at least, one group per word across files */
    expect_error(dir, "abbreviations.tsv", "international\tintl|int'l\n",
                 "abbreviations.tsv line 1: 'intl' is listed twice on the line");
    expect_error(
        dir, "abbreviations.tsv", "aly\taly2|ally\n",
        "abbreviations.tsv line 1: 'aly' is already in the group of given_names.txt line 1");
    expect_error(dir, "abbreviations.tsv", "international intl\n",
                 "abbreviations.tsv line 1: expected KEY<TAB>");
    write_file(dir, "abbreviations.tsv", "international\tintl\n");
    expect_error(dir, "country_adjectives.tsv", "IR\tiran|iranian\nIQ\tiraq\n",
                 "country_adjectives.tsv line 2: a line needs at least two words");
    write_file(dir, "country_adjectives.tsv", "IR\tiran|iranian\n");
    char *path = em_xasprintf("%s/honorifics.txt", dir);
    remove(path);
    free(path);
    expect_error(dir, NULL, NULL, "honorifics.txt: cannot open");
    em_error err = {0};
    assert_null(em_knowledge_load("/nonexistent/knowledge", &err));
    assert_int_equal(err.code, EM_ERR_IO);
    assert_non_null(strstr(err.message, "given_names.txt"));
    free(dir);
}

/* the one reading of name by rule, NULL when there is none (the result is static) */
static const char *reading(const char *name, const char *rule) {
    static char got[256];
    em_reading rd[EM_READINGS_MAX];
    size_t n = em_name_readings(em_knowledge_readings(K), name, rd);
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!found && strcmp(rd[i].rule, rule) == 0) {
            snprintf(got, sizeof got, "%s", rd[i].name);
            found = got;
        }
        free(rd[i].name);
    }
    return found;
}

static void test_readings(void **state) {
    (void)state;
    /* Han read in Korean (Unihan kHangul; the name reading of 金 is 김, not 금) */
    assert_string_equal(reading("\xE9\x87\x91\xE6\xAD\xA3\xE6\x81\xA9", "korean reading"),
                        "\xEA\xB9\x80\xEC\xA0\x95\xEC\x9D\x80"); /* 金正恩 -> 김정은 */
    /* simplified characters are not Hanja: 习近平 has no Korean reading */
    assert_null(reading("\xE4\xB9\xA0\xE8\xBF\x91\xE5\xB9\xB3", "korean reading"));
    /* one character, or a foreign name with the interpunct: no reading */
    assert_null(reading("\xE9\x87\x91", "korean reading"));
    assert_null(reading("\xE9\x87\x91\xC2\xB7\xE6\xAD\xA3", "korean reading"));
    /* Korean in Cyrillic: Kontsevich letters, the customary -ен, Ukrainian vowels */
    assert_string_equal(reading("Ким Чен Ын", "kontsevich syllable"), "kim jong un");
    assert_string_equal(reading("Кім Чен Ин", "kontsevich syllable"), "kim jong un");
    assert_string_equal(reading("Ким Ир Сен", "kontsevich syllable"), "kim il song");
    assert_string_equal(reading("Пак Пон Чжу", "kontsevich syllable"), "pak pong ju");
    assert_string_equal(reading("Чхве Рён Хэ", "kontsevich syllable"), "choe ryong hae");
    /* no Korean family name, or a word that is no Korean syllables: no reading */
    assert_null(reading("Иван Петров", "kontsevich syllable"));
    assert_null(reading("Брюс Ли", "kontsevich syllable"));
    assert_null(reading("Ким", "kontsevich syllable"));
    /* titles in Hangul and Han, before or after the name */
    assert_string_equal(reading("\xEA\xB9\x80\xEC\xA0\x95\xEC\x9D\x80 "
                                "\xEC\x9C\x84\xEC\x9B\x90\xEC\x9E\xA5",
                                "title dropped"),
                        "\xEA\xB9\x80\xEC\xA0\x95\xEC\x9D\x80"); /* 김정은 위원장 */
    assert_string_equal(reading("\xE9\x87\x91\xE6\xAD\xA3\xE6\x81\xA9\xE5\xA7\x94\xE5\x91"
                                "\x98\xE9\x95\xBF",
                                "korean reading"),
                        "\xEA\xB9\x80\xEC\xA0\x95\xEC\x9D\x80"); /* 金正恩委员长 */
    /* a title alone stays: nothing would remain */
    assert_null(reading("\xEC\x9C\x84\xEC\x9B\x90\xEC\x9E\xA5", "title dropped"));
    /* Latin names have no other reading */
    em_reading rd[EM_READINGS_MAX];
    assert_int_equal(em_name_readings(em_knowledge_readings(K), "Kim Jong Un", rd), 0);
    assert_int_equal(em_name_readings(NULL, "Ким Чен Ын", rd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants),    cmocka_unit_test(test_sets),
        cmocka_unit_test(test_legal_forms), cmocka_unit_test(test_legal_negative),
        cmocka_unit_test(test_mini_load),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_readings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
