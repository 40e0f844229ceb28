/*
 * test_normalize.c - the normaliser's shortcuts give the bytes ICU gives: the
 * Latin table (data/knowledge/latin_fold.tsv) letter by letter against ICU,
 * the word-by-word path with its memo against the whole name through ICU at
 * once, over mixed-script names (built in, and every name of the faker-js
 * lists and the dev negatives in ../shared/data when it is there), the memo
 * bounded, and the transliterators built when the normaliser is made.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

#include "base/buf.h"
#include "text/normalize.h"

#define SHARED_DATA_DIR TEST_DATA_DIR "/../../../shared/data"

static em_normalizer *FAST; /* every shortcut on */
static em_normalizer *REF;  /* none: the whole name through ICU */

static int setup(void **state) {
    (void)state;
    FAST = em_normalizer_new(NULL);
    REF = em_normalizer_new(NULL);
    if (!FAST || !REF) return -1;
    em_normalizer_set_flags(REF, EM_NORM_WHOLE | EM_NORM_NO_DIRECT | EM_NORM_NO_MEMO);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_normalizer_free(FAST);
    em_normalizer_free(REF);
    return 0;
}

static size_t compared, differed;

/* FAST and REF on s, both ways em_normalize_name and em_normalize_key */
static void same(const char *s) {
    char *a = em_normalize_name(FAST, s), *b = em_normalize_name(REF, s);
    compared++;
    if (strcmp(a, b) != 0) {
        if (differed++ < 10) print_error("differ on \"%s\": \"%s\" vs ICU \"%s\"\n", s, a, b);
    }
    free(a);
    free(b);
}

static void utf8_of(uint32_t cp, char out[8]) {
    int32_t i = 0;
    UBool err = 0;
    U8_APPEND((uint8_t *)out, i, 7, (UChar32)cp, err);
    out[i] = '\0';
    (void)err;
}

/* every letter of the table, alone and inside a word, is what ICU makes of it */
static void test_latin_table_is_icu(void **state) {
    (void)state;
    size_t covered = 0;
    static const uint32_t lo[] = {0x00A0, 0x1E00}, hi[] = {0x02FF, 0x1EFF};
    for (int r = 0; r < 2; r++)
        for (uint32_t cp = lo[r]; cp <= hi[r]; cp++) {
            const char *v = em_latin_fold(cp);
            if (!v) continue;
            covered++;
            char c[8], word[32];
            utf8_of(cp, c);
            char *icu = em_normalize_name(REF, c);
            if (strcmp(icu, v) != 0)
                fail_msg("U+%04X: the table says \"%s\", ICU \"%s\"", cp, v, icu);
            free(icu);
            snprintf(word, sizeof word, "X%sy%s-Z", c, c);
            same(word);
        }
    assert_true(covered >= 600); /* the table was embedded and read */
    assert_null(em_latin_fold('a'));
    assert_null(em_latin_fold(0x018F)); /* schwa: left to ICU */
    assert_string_equal(em_latin_fold(0x00DF), "ss");
    assert_string_equal(em_latin_fold(0x1EC5), "e"); /* Vietnamese e with circumflex, tilde */
    assert_int_equal(differed, 0);
}

static uint64_t rng = 20261201;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* words of many scripts, mixed into names with ASCII punctuation and spaces */
static const char *const WORDS[] = {"Ivan",
                                    "Müller",
                                    "Øresund",
                                    "Łukasz",
                                    "Nguyễn",
                                    "Đặng",
                                    "Straße",
                                    "O'Brien",
                                    "Æthelred",
                                    "Þór",
                                    "ǅemal",
                                    "Ǳ",
                                    "İstanbul",
                                    "Сергей",
                                    "Шойгу",
                                    "Ёлкин",
                                    "Ілля",
                                    "Їжак",
                                    "Ґанна",
                                    "Дмитрий·",
                                    "Объединённый",
                                    "Αλέξης",
                                    "Τσίπρας",
                                    "Σίσυφος",
                                    "习近平",
                                    "毛泽东",
                                    "重庆",
                                    "巴沙尔·阿萨德",
                                    "重",
                                    "庆",
                                    "藏",
                                    "文",
                                    "沈阳",
                                    "秘",
                                    "鲁",
                                    "王",
                                    "李",
                                    "张伟",
                                    "弗拉基米尔・普京",
                                    "ラーメン",
                                    "ひらがな",
                                    "山田太郎",
                                    "김정은",
                                    "박",
                                    "이",
                                    "محمد",
                                    "عبد الله",
                                    "عبدالرحمن",
                                    "عليّ",
                                    "حسين",
                                    "שלום",
                                    "דוד",
                                    "रजनीकांत",
                                    "अहलूवालिया",
                                    "বাংলা",
                                    "ਪੰਜਾਬ",
                                    "ગુજરાત",
                                    "தமிழ்",
                                    "తెలుగు",
                                    "ಕನ್ನಡ",
                                    "മലയാളം",
                                    "සිංහල",
                                    "สมชาย",
                                    "ລາວ",
                                    "ខ្មែរ",
                                    "မြန်မာ",
                                    "ქართული",
                                    "Հայաստան",
                                    "አማርኛ",
                                    "ܣܘܪܝܝܐ",
                                    "ދިވެހި",
                                    "ʻAbd",
                                    "ʼn",
                                    "e\xCC\x81",
                                    "A\xCC\x8A",
                                    "Ŀl",
                                    "Ə",
                                    "ﬁ",
                                    "Ⅻ",
                                    "①",
                                    "ＡＢＣ",
                                    "123",
                                    "-",
                                    ".",
                                    "'",
                                    "\xE2\x80\x99",
                                    "\xC2\xB4",
                                    "\xC2\xB7",
                                    "\xC2\xB5",         /* µ: no script of its own */
                                    "\xCC\x81\xCE\xB1", /* a combining mark, then Greek */
                                    "Ñ",
                                    "ñ",
                                    "ç",
                                    "ā",
                                    "ī",
                                    "ū",
                                    "Ḥ",
                                    "ṣ",
                                    "ṭ",
                                    "ẓ"};
#define NWORDS (sizeof WORDS / sizeof *WORDS)

static void random_name(em_buf *b) {
    em_buf_reset(b);
    int n = 1 + (int)(next_rand() % 4);
    for (int i = 0; i < n; i++) {
        if (i) em_buf_adds(b, next_rand() % 5 ? " " : next_rand() % 2 ? "  " : "-");
        em_buf_adds(b, WORDS[next_rand() % NWORDS]);
        if (next_rand() % 4 == 0) em_buf_adds(b, WORDS[next_rand() % NWORDS]); /* glued */
    }
}

/* the word-by-word path with the memo and the table gives the bytes of the whole name
   through ICU, on the first meeting of a word and from the memo after */
static void test_memo_and_direct_are_icu(void **state) {
    (void)state;
    differed = 0;
    for (size_t i = 0; i < NWORDS; i++)
        same(WORDS[i]);
    /* not UTF-8: ICU refuses the whole name, and so does the word-by-word path */
    same("Ivan \xC3 Petrov");
    same("M\xC3\xBCller \xE4\xB9");
    same("\xFF\xFE");
    same("Сергей \xD0");
    em_buf b;
    em_buf_init(&b);
    for (int i = 0; i < 20000; i++) {
        random_name(&b);
        same(em_buf_cstr(&b));
    }
    em_buf_free(&b);
    size_t hits, misses, entries;
    em_normalizer_memo_stats(FAST, &hits, &misses, &entries);
    assert_true(hits > 10000); /* the memo answered most words */
    assert_true(misses > 0);
    assert_true(entries <= 8192);
    em_normalizer_memo_stats(REF, &hits, &misses, &entries);
    assert_int_equal(hits + misses + entries, 0); /* the reference never used it */
    assert_int_equal(differed, 0);
}

/* words of Han go character by character, but for ICU's rules that look at the next
   character (across a space too): every ideograph, in random words of one to four */
static void test_han_by_character(void **state) {
    (void)state;
    differed = 0;
    same("藏文");
    same("藏 文");
    same("重庆 沈阳");
    same("秘 鲁");
    same("玉玲 沈");
    same("沈 玉玲");
    same("沈阳 文");
    same("文 沈阳");
    same("沈 沈");
    char *a = em_normalize_name(FAST, "藏 文");
    assert_string_equal(a, "zang wen"); /* the context rule, across the space */
    free(a);
    a = em_normalize_name(FAST, "藏");
    assert_string_equal(a, "cang");
    free(a);
    for (uint32_t cp = 0x4E00; cp <= 0x9FFF; cp++) {
        char c[8];
        utf8_of(cp, c);
        same(c);
    }
    em_buf b;
    em_buf_init(&b);
    for (int i = 0; i < 5000; i++) {
        em_buf_reset(&b);
        int len = 1 + (int)(next_rand() % 4);
        for (int k = 0; k < len; k++) {
            char c[8];
            utf8_of(0x4E00 + next_rand() % (0x9FFF - 0x4E00 + 1), c);
            em_buf_adds(&b, c);
            if (next_rand() % 8 == 0) em_buf_adds(&b, " ");
        }
        same(em_buf_cstr(&b));
    }
    em_buf_free(&b);
    assert_int_equal(differed, 0);
}

/* more distinct words than the memo holds: it stays bounded, evicts, and what it then
   says is still ICU's */
static void test_memo_bounded(void **state) {
    (void)state;
    differed = 0;
    em_normalizer *n = em_normalizer_new(NULL);
    assert_non_null(n);
    static const char *const CYR[] = {"а", "б", "в", "г", "д", "е", "ж", "з", "и", "к",
                                      "л", "м", "н", "о", "п", "р", "с", "т", "у", "ш"};
    em_buf b;
    em_buf_init(&b);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 20000; i++) {
            em_buf_reset(&b);
            for (int v = i, k = 0; k < 4; k++, v /= 20)
                em_buf_adds(&b, CYR[v % 20]);
            char *a = em_normalize_name(n, em_buf_cstr(&b)),
                 *r = em_normalize_name(REF, em_buf_cstr(&b));
            if (strcmp(a, r) != 0 && differed++ < 10)
                print_error("differ on \"%s\": \"%s\" vs \"%s\"\n", em_buf_cstr(&b), a, r);
            free(a);
            free(r);
        }
    em_buf_free(&b);
    size_t hits, misses, entries;
    em_normalizer_memo_stats(n, &hits, &misses, &entries);
    assert_int_equal(entries, 8192);
    assert_true(misses > 20000); /* the second round found evicted words again */
    em_normalizer_free(n);
    assert_int_equal(differed, 0);
}

/* every line of a file (or its first CSV column) through same() */
static size_t compare_file(const char *path, int csv) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[4096];
    size_t n = 0;
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (csv) {
            if (first) { /* the header */
                first = 0;
                continue;
            }
            line[strcspn(line, ",")] = '\0';
        }
        if (!line[0]) continue;
        same(line);
        n++;
    }
    fclose(f);
    return n;
}

/* the names of ../shared/data (every faker-js locale's lists, in their own scripts, and
   the dev negatives), alone and paired across locales */
static void test_shared_names_are_icu(void **state) {
    (void)state;
    const char *shared = getenv("EMBARGO_SHARED_DATA");
    if (!shared || !*shared) shared = SHARED_DATA_DIR;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/names/faker-js_10.6.0", shared);
    differed = 0;
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 9 || strcmp(e->d_name + l - 9, "_name.txt") != 0) continue;
        char p[4600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        n += compare_file(p, 0);
    }
    if (d) closedir(d);
    char p[4600];
    snprintf(p, sizeof p, "%s/names/negatives_global_dev.csv", shared);
    n += compare_file(p, 1);
    snprintf(p, sizeof p, "%s/names/negatives_us_dev.csv", shared);
    n += compare_file(p, 1);
    if (n == 0) skip(); /* ../shared/data absent */
    assert_true(n > 10000);
    assert_int_equal(differed, 0);
}

/* the transliterators are there when the normaliser is made: the first Han name costs
   no more than a table lookup would (checked by counting, not timing: the memo was
   empty and the name went through ICU, which did not fail) */
static void test_built_at_open(void **state) {
    (void)state;
    em_normalizer *n = em_normalizer_new(NULL);
    assert_non_null(n);
    size_t hits, misses, entries;
    em_normalizer_memo_stats(n, &hits, &misses, &entries);
    assert_int_equal(hits + misses + entries, 0); /* the priming words are not remembered */
    char *a = em_normalize_name(n, "习近平");
    assert_string_equal(a, "xi jin ping");
    free(a);
    a = em_normalize_name(n, "Сергей Шойгу");
    assert_string_equal(a, "sergey shoygu");
    free(a);
    em_normalizer_memo_stats(n, &hits, &misses, &entries);
    assert_int_equal(misses, 5); /* three Han characters, two Cyrillic words */
    a = em_normalize_name(n, "Шойгу Сергей");
    assert_string_equal(a, "shoygu sergey");
    free(a);
    em_normalizer_memo_stats(n, &hits, &misses, &entries);
    assert_int_equal(hits, 2);
    em_normalizer_free(n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin_table_is_icu),   cmocka_unit_test(test_memo_and_direct_are_icu),
        cmocka_unit_test(test_han_by_character),     cmocka_unit_test(test_memo_bounded),
        cmocka_unit_test(test_shared_names_are_icu), cmocka_unit_test(test_built_at_open),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
