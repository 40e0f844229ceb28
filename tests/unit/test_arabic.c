/*
 * test_arabic.c - Arabic and Persian script as written (issue 11): reading a
 * Latin spelling as a rendering of an Arabic-script part (text/arabic.c,
 * em_arabic_reads_as), glued words, the Arabic words of organisation names and
 * their translations (data/knowledge/arabic_words.tsv), and names compared
 * through em_compare with the rule the explanation names. The names are those
 * of UN consolidated list parties (original script and Latin forms).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "text/arabic.h"
#include "text/knowledge.h"
#include "text/normalize.h"

NAMES_ONLY_FIXTURE(F) /* normaliser, knowledge, names-only matcher */

static unsigned reads(const char *abjad, const char *latin) {
    return em_arabic_reads_as(abjad, strlen(abjad), latin, strlen(latin));
}

/* each letter in its Latin renderings, short vowels and doubled letters free */
static void test_reads_letters(void **state) {
    (void)state;
    assert_true(reads("kazm", "kathim") & EM_ARABIC_LETTERS); /* ظ th (Rashid Taan Kathim) */
    assert_true(reads("kazm", "kadhim") & EM_ARABIC_LETTERS); /* ظ dh */
    assert_true(reads("hafz", "hafed") & EM_ARABIC_LETTERS);  /* ظ d (Hafed) */
    assert_true(reads("jmal", "djamel") & EM_ARABIC_LETTERS); /* ج dj, final e */
    assert_true(reads("lwnysy", "lounici"));                  /* و ou, س c */
    assert_true(reads("akasha", "akkacha"));                  /* ش ch, doubled k */
    assert_true(reads("jwady", "djouadi"));
    assert_true(reads("rmdan", "ramzan"));       /* ض z (Persian) */
    assert_true(reads("zahrwys", "dahiraweys")); /* ظاهرعويس glued */
    /* fewer than two consonants: weak, said so */
    assert_true(reads("ady", "uday") & EM_ARABIC_FEW);  /* عدي */
    assert_true(reads("wly", "wali") & EM_ARABIC_FEW);  /* ولی */
    assert_true(reads("aysy", "essa") & EM_ARABIC_FEW); /* عیسی, final ی as a */
    assert_false(reads("kazm", "kathim") & EM_ARABIC_FEW);
    /* every written letter must be there, in order */
    assert_int_equal(reads("kazm", "karim"), 0);
    assert_int_equal(reads("hashm", "hishan"), 0);
    assert_int_equal(reads("tarq", "tarkan"), 0);
    assert_int_equal(reads("mhmd", "ahmad"), 0);
    assert_int_equal(reads("jmal", "kamal"), 0);
    assert_int_equal(reads("slah", "shalah"), 0); /* ص is not sh */
    assert_int_equal(reads("", "a"), 0);
    assert_int_equal(reads("KAZM", "kazim"), 0); /* not an abjad rendering */
}

/* the article: dropped, assimilated to a sun letter, glued to the word before */
static void test_reads_article(void **state) {
    (void)state;
    assert_true(reads("alawny", "ouni") & EM_ARABIC_ARTICLE);   /* العوني */
    assert_true(reads("alahmd", "ahmad") & EM_ARABIC_ARTICLE);  /* الاحمد */
    assert_true(reads("alwly", "wali") & EM_ARABIC_ARTICLE);    /* الولی (Abdul Wali) */
    assert_true(reads("alsyd", "assayed") & EM_ARABIC_ARTICLE); /* as-Sayyid */
    assert_true(reads("baldm", "biddam") & EM_ARABIC_ARTICLE);  /* بالدم bi-d-dam */
    assert_true(reads("ghyathaldyn", "ghiassouddine"));         /* -ud-din */
    assert_true(reads("ansar", "ansarul") & EM_ARABIC_ARTICLE); /* Ansarul Muslimina */
    assert_true(reads("blad", "biladis") & EM_ARABIC_ARTICLE);  /* Biladis Sudan */
    assert_true(reads("waljhad", "jihad") & EM_ARABIC_ARTICLE); /* والجهاد */
    assert_true(reads("wzart", "vezarat"));                     /* وزارت (Persian v) */
    /* the l of a name is not an article */
    assert_int_equal(reads("khald", "khadd"), 0);
    assert_int_equal(reads("aly", "y"), 0);
}

/* glued words of the lists' own Arabic, and the letters of em_arabic_to_latin */
static void test_glued(void **state) {
    (void)state;
    char *s = em_normalize_name(F.nz, "نظر محمدعبد البصیر");
    assert_string_equal(s, "nzr mhmd abd albsyr");
    free(s);
    s = em_normalize_name(F.nz, "معبد"); /* a word ending in عبد alone stays whole */
    assert_string_equal(s, "mbd");
    free(s);
}

/* arabic_words.tsv: the Arabic word, with the article and prefixes, meets its
   translation; prepositions are stopwords */
static void test_words(void **state) {
    (void)state;
    uint32_t g = em_knowledge_variant_group(F.k, "islamic");
    assert_true(g != 0);
    assert_true(em_knowledge_group_is_translation(F.k, g));
    assert_int_equal(em_knowledge_variant_group(F.k, "alaslamya"), g);  /* الاسلامية */
    assert_int_equal(em_knowledge_variant_group(F.k, "alaslamyat"), g); /* before al- */
    assert_int_equal(em_knowledge_variant_group(F.k, "alaraq"),
                     em_knowledge_variant_group(F.k, "iraqi"));
    assert_int_equal(em_knowledge_variant_group(F.k, "walsham"),
                     em_knowledge_variant_group(F.k, "levant"));
    assert_true(em_knowledge_is_stopword(F.k, "fy"));
    assert_true(em_knowledge_is_stopword(F.k, "w"));
    assert_false(
        em_knowledge_group_is_translation(F.k, em_knowledge_variant_group(F.k, "mohammad")));
}

static double cmp_explained(const char *schema, const char *a, const char *b, const char *rule) {
    return match_fixture_compare(&F, schema, a, b, rule);
}

/* the other Latin spellings retrieval looks for (search.c, by their skeletons):
   the part first, each letter in another rendering, and every one of them reads
   back as the part (em_arabic_reads_as, the aligner's rule) */
static void test_spellings(void **state) {
    (void)state;
    char sp[32][EM_ARABIC_SPELLING_MAX];
    struct {
        const char *part, *want;
    } cases[] = {{"jmal", "djmal"},      {"akasha", "akacha"}, {"ghyath", "ghyas"},
                 {"qadyrwf", "kadyrwf"}, {"dawd", "zawd"},     {"yshw", "ychw"}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const char *a = cases[c].part;
        size_t n = em_arabic_spellings(a, strlen(a), sp, 32), found = 0;
        assert_true(n >= 2 && n <= 32);
        assert_string_equal(sp[0], a);
        for (size_t i = 0; i < n; i++) {
            if (!reads(a, sp[i])) fail_msg("%s: spelling %s does not read as it", a, sp[i]);
            for (size_t j = 0; j < i; j++)
                assert_string_not_equal(sp[i], sp[j]);
            if (strcmp(sp[i], cases[c].want) == 0) found = 1;
        }
        if (!found) fail_msg("%s: %s not among its %zu spellings", a, cases[c].want, n);
    }
    /* at most max; nothing for what em_arabic_to_latin does not write */
    assert_int_equal(em_arabic_spellings("qadyrwf", 7, sp, 3), 3);
    assert_int_equal(em_arabic_spellings("Jmal", 4, sp, 32), 0);
    assert_int_equal(em_arabic_spellings("", 0, sp, 32), 0);
}

/* UN list parties, original script against their Latin listing */
static void test_compare(void **state) {
    (void)state;
    double t = EM_DEFAULT_THRESHOLD;
    assert_true(cmp_explained("Person", "رشيد طعان كاظم", "Rashid Taan Kathim",
                              "arabic letter variant") >= t);
    assert_true(cmp_explained("Person", "جمال عكاشة", "DJAMEL AKKACHA", "arabic letter variant") >=
                t);
    assert_true(cmp_explained("Person", "عبدالولی صدیقی", "ABDUL WALI SEDDIQI", "arabic article") >=
                t);
    assert_true(cmp_explained("Person", "طارق بن الطاھر بن الفالح العوني الحرزي",
                              "TARAK BEN TAHER BEN FALEH OUNI HARZI", "arabic article") >= t);
    /* "ben al-Toumi": the article between bin and the name is no swap of father and son */
    assert_true(cmp_explained("Person", "طارق بن الحبيب بن التومي المعروفي",
                              "TAREK BEN HABIB BEN AL-TOUMI AL-MAAROUFI", NULL) >= t);
    /* a title after the article is a family name (El Sayed) */
    assert_true(
        cmp_explained("Person", "طاريق أنور السيد احمد", "Tarek Anwar El Sayed Ahmad", NULL) >= t);
    assert_true(cmp_explained("Person", "نظر محمدعبد البصیر", "NAZIR MOHAMMAD ABDUL BASIR", NULL) >=
                t);
    /* organisations: their words translated, the country as a name or an adjective */
    assert_true(cmp_explained("Organization", "الجماعة الاسلامية المقاتلة الليبية",
                              "LIBYAN ISLAMIC FIGHTING GROUP", "arabic word") >= t);
    assert_true(cmp_explained("Organization", "القاعده في العراق", "AL-QAIDA IN IRAQ", NULL) >= t);
    assert_true(cmp_explained("Organization", "الجهاد الاسلامي المصري", "EGYPTIAN ISLAMIC JIHAD",
                              "arabic word") >= t);
    assert_true(cmp_explained("Organization", "الدولة الإسلامية في العراق والشام - ليبيا",
                              "ISLAMIC STATE IN IRAQ AND THE LEVANT - LIBYA", "arabic word") >= t);
    assert_true(cmp_explained("Organization", "أنصار المسلمین في بلاد السودان",
                              "ANSARUL MUSLIMINA FI BILADIS SUDAN", NULL) >= t);
    /* Persian: the Ministry of Intelligence against OFAC's transliteration */
    assert_true(cmp_explained("Organization", "وزارت اطلاعات و امنیت کشور",
                              "VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR", NULL) >= t);
    /* other names stay apart */
    assert_true(cmp_explained("Person", "رشيد طعان كاظم", "Rashid Taan Karim", NULL) < t);
    assert_true(cmp_explained("Person", "جمال عكاشة", "Kamal Akkacha", NULL) < t);
    assert_true(cmp_explained("Organization", "الجماعة الاسلامية المقاتلة الليبية",
                              "EGYPTIAN ISLAMIC JIHAD", NULL) < t);
    assert_true(cmp_explained("Organization", "القاعده في العراق", "AL-QAIDA IN YEMEN", NULL) < t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_letters), cmocka_unit_test(test_reads_article),
        cmocka_unit_test(test_glued),         cmocka_unit_test(test_words),
        cmocka_unit_test(test_compare),       cmocka_unit_test(test_spellings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
