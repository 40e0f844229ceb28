/*
 * test_hebrew.c - names in Hebrew script (issue 11): the Latin spelling
 * text/hebrew.c writes for them (letters by data/knowledge/hebrew_letters.tsv,
 * the vowel letters by position, the geresh), a Latin spelling read against it
 * (em_hebrew_reads_as), and names compared through em_compare with their
 * published Latin forms. Each case names its source.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "text/arabic.h"
#include "text/hebrew.h"
#include "text/normalize.h"

NAMES_ONLY_FIXTURE(F) /* normaliser, knowledge, names-only matcher */

static void latin_is(const char *hebrew, const char *want) {
    char *got = em_hebrew_to_latin(hebrew);
    if (strcmp(got, want) != 0) fail_msg("'%s' -> '%s', want '%s'", hebrew, got, want);
    free(got);
}

static void normalized_is(const char *name, const char *want) {
    char *got = em_normalize_name(F.nz, name);
    if (strcmp(got, want) != 0) fail_msg("'%s' -> '%s', want '%s'", name, got, want);
    free(got);
}

static void test_has_hebrew(void **state) {
    (void)state;
    assert_true(em_has_hebrew("קים"));
    assert_true(em_has_hebrew("Kim \xEF\xAC\xAA")); /* U+FB2A shin with shin dot */
    assert_false(em_has_hebrew("Kim Jong Un"));
    assert_false(em_has_hebrew("محمد"));
    assert_false(em_has_hebrew("\xD7\xB3")); /* a geresh alone is no letter */
    assert_false(em_has_hebrew(""));
}

/* the letters by position (Academy of the Hebrew Language 2006/2011, ISO 259-3) */
static void test_letters(void **state) {
    (void)state;
    /* the geresh (U+05F3 or an apostrophe): ג' j, ז' zh, צ' ch, ת' th */
    latin_is("קים ג'ונג און", "kim jong on"); /* he.wikipedia: Kim Jong Un */
    latin_is("ג׳ונג", "jong");                /* U+05F3 */
    latin_is("ז'אן", "zhan");                 /* Jean */
    latin_is("צ'רצ'יל", "chrchil");           /* he.wikipedia: Churchill */
    latin_is("ת'אבת", "thavt");               /* Arabic ث: Thabit */
    /* א ע carry the ו or י that follows at the start; else the vowel a */
    latin_is("איוואן", "ivan"); /* Ivan: וו v */
    latin_is("עלי", "ali");     /* he.wikipedia: Ali Khamenei */
    latin_is("אסד", "asd");
    /* ו v at the start, before another vowel letter, doubled; else o */
    latin_is("ולדימיר", "vldimir"); /* Vladimir */
    latin_is("לוי", "lvi");         /* Levi */
    latin_is("לוקשנקו", "lokshnko");
    /* י y at the start and before another vowel letter; else i */
    latin_is("איליושין", "ilyoshin"); /* Ilyushin */
    latin_is("יעקב", "yakv");         /* Yaakov, Jacob */
    latin_is("חמינאי", "khminai");    /* Khamenei */
    /* ה at the end is a vowel; ב כ פ b k p at the start, v kh f inside */
    latin_is("משה", "msha");        /* Moshe */
    latin_is("אברהם", "avrhm");     /* Avraham */
    latin_is("כהן", "khn");         /* Cohen: כ k at the start... */
    latin_is("מרדכי", "mrdkhi");    /* ...kh inside: Mordechai */
    latin_is("יוסף", "yosf");       /* Yosef: ף f */
    latin_is("אלכסנדר", "alksndr"); /* כס writes x: Alexander */
    /* points: the sin dot, the dagesh of ב כ פ, the shuruk; the others dropped */
    latin_is("שָׂרָה", "sra");   /* Sarah */
    latin_is("רַבִּין", "rbin"); /* Rabin: בּ b */
    latin_is("\xEF\xAC\xAA"
             "לום",
             "shlom"); /* U+FB2A: shin with shin dot */
}

/* whole words, the article, the maqaf; other text kept */
static void test_words(void **state) {
    (void)state;
    latin_is("בשאר אל-אסד", "bshar alasd");      /* he.wikipedia: Bashar al-Assad */
    latin_is("אל־אסד", "alasd");                 /* U+05BE maqaf */
    latin_is("דוד בן־גוריון", "dod ben-goryon"); /* David Ben-Gurion */
    latin_is("אבו מאזן", "abu mazn");            /* Abu Mazen */
    latin_is("צה\"ל", "tshl");                   /* an acronym's gershayim */
    latin_is("Kim קים 1965", "Kim kim 1965");
    normalized_is("קים ג'ונג און", "kim jong on");
    normalized_is("בשאר אל-אסד", "bshar alasd");
    normalized_is("Benjamin נתניהו", "benjamin ntnyho");
}

static unsigned reads(const char *part, const char *latin) {
    return em_hebrew_reads_as(part, strlen(part), latin, strlen(latin));
}

/* a Latin spelling read against the units hebrew.c wrote */
static void test_reads(void **state) {
    (void)state;
    assert_true(reads("ytskhk", "yitzhak") & EM_ARABIC_LETTERS); /* צ tz, ח h: Yitzhak Rabin */
    assert_true(reads("rvin", "rabin"));                         /* ב b */
    assert_true(reads("vitsmn", "weizmann"));                    /* ו w, צ z, nn: Weizmann */
    assert_true(reads("khym", "chaim"));                         /* ח ch */
    assert_true(reads("tsifi", "tzipi"));                        /* Tzipi Livni */
    assert_true(reads("hrtsl", "herzl"));                        /* Theodor Herzl */
    assert_true(reads("yakv", "jacob"));
    assert_true(reads("kdirov", "kadyrov")); /* a y the Latin writes as a vowel */
    assert_true(reads("msha", "moshe"));
    assert_true(reads("on", "un") & EM_ARABIC_FEW); /* one consonant: weak, said so */
    assert_false(reads("ytskhk", "yitzhak") & EM_ARABIC_FEW);
    /* every letter must be there, in order */
    assert_int_equal(reads("rvin", "ravid"), 0);
    assert_int_equal(reads("khym", "hamid"), 0);
    assert_int_equal(reads("vitsmn", "watson"), 0);
    assert_int_equal(reads("", "a"), 0);
    assert_int_equal(reads("KHYM", "chaim"), 0);
}

static double cmp_explained(const char *a, const char *b, const char *rule) {
    return match_fixture_compare(&F, "Person", a, b, rule);
}

/* Hebrew names against their published Latin forms */
static void test_compare(void **state) {
    (void)state;
    double t = EM_DEFAULT_THRESHOLD;
    /* foreign names: he.wikipedia article titles, against OFAC SDN 2023-12-28 */
    assert_true(cmp_explained("קים ג'ונג און", "KIM, Jong Un", NULL) >= t);   /* ofac-20157 */
    assert_true(cmp_explained("בשאר אל-אסד", "AL-ASSAD, Bashar", NULL) >= t); /* ofac-12735 */
    assert_true(cmp_explained("עלי חמינאי", "KHAMENEI, Ali", NULL) >= t);     /* ofac-26945 */
    assert_true(cmp_explained("רמזאן קדירוב", "KADYROV, Ramzan Akhmatovich", NULL) >= t);
    assert_true(cmp_explained("אלכסנדר לוקשנקו", "LUKASHENKO, Alexander", NULL) >= t);
    assert_true(cmp_explained("חסן נסראללה", "NASRALLAH, Hasan", "hebrew letter variant") >= t);
    /* Israeli people: he.wikipedia titles, against their en.wikipedia titles */
    assert_true(cmp_explained("יצחק רבין", "Yitzhak Rabin", "hebrew letter variant") >= t);
    assert_true(cmp_explained("חיים ויצמן", "Chaim Weizmann", "hebrew letter variant") >= t);
    assert_true(cmp_explained("ציפי לבני", "Tzipi Livni", NULL) >= t);
    assert_true(cmp_explained("שמעון פרס", "Shimon Peres", NULL) >= t);
    assert_true(cmp_explained("גולדה מאיר", "Golda Meir", NULL) >= t);
    assert_true(cmp_explained("משה דיין", "Moshe Dayan", NULL) >= t);
    assert_true(cmp_explained("מנחם בגין", "Menachem Begin", NULL) >= t);
    assert_true(cmp_explained("דוד בן-גוריון", "David Ben-Gurion", NULL) >= t);
    /* other people stay apart */
    assert_true(cmp_explained("קים ג'ונג און", "KIM, Jong Il", NULL) < t);
    assert_true(cmp_explained("עלי חמינאי", "KHATAMI, Ali", NULL) < t);
    assert_true(cmp_explained("יצחק רבין", "Yitzhak Shamir", NULL) < t);
    assert_true(cmp_explained("אור כרמי", "ABD-AL-KARIM, Ali", NULL) < t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_hebrew), cmocka_unit_test(test_letters),
        cmocka_unit_test(test_words),      cmocka_unit_test(test_reads),
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
