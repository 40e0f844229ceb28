/*
 * test_greek.c - names in Greek script (issue 11): text/greek.c's reading of a
 * Greek name by ELOT 743 / UN 1987 and of a foreign name by the sounds Greek
 * writes it with, its hook in em_normalize_name, and names compared through
 * em_compare with the rule the explanation names. Each case cites where its
 * Latin form is published.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "text/greek.h"
#include "text/normalize.h"

NAMES_ONLY_FIXTURE(F) /* normaliser, knowledge, names-only matcher */

static void latin_is(const char *greek, const char *want) {
    char *got = em_greek_to_latin(greek);
    if (strcmp(got, want) != 0) fail_msg("'%s': '%s', want '%s'", greek, got, want);
    free(got);
}

static void normalized_is(const char *name, const char *want) {
    char *got = em_normalize_name(F.nz, name);
    if (strcmp(got, want) != 0) fail_msg("'%s' normalised: '%s', want '%s'", name, got, want);
    free(got);
}

static void test_has_greek(void **state) {
    (void)state;
    assert_true(em_has_greek("Αλέξης"));
    assert_true(em_has_greek("Ivan Τσίπρας"));
    assert_true(em_has_greek("\xE1\xBC\x88\xCE\xBB")); /* Ἀλ: Greek Extended */
    assert_false(em_has_greek("Alexis Tsipras"));
    assert_false(em_has_greek("\xC2\xB5"));      /* µ, the micro sign: no script of its own */
    assert_false(em_has_greek("\xCD\xBE"));      /* ; the Greek question mark: no letter */
    assert_false(em_has_greek("Сергей 김정은")); /* Cyrillic, Hangul */
    assert_false(em_has_greek(""));
}

/* Greek nationals: ELOT 743 / UN 1987 (UNGEGN, Report on the current status of United
   Nations romanization systems for geographical names, Greek), the Latin forms of the
   Greek government's English pages (primeminister.gr, hellenicparliament.gr) */
static void test_greek_names(void **state) {
    (void)state;
    assert_false(em_greek_is_foreign("Αλέξης Τσίπρας"));
    latin_is("Αλέξης Τσίπρας", "Alexis Tsipras");           /* prime minister 2015-2019 */
    latin_is("Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis"); /* prime minister from 2019 */
    latin_is("Γεώργιος Παπανδρέου", "Georgios Papandreou"); /* prime minister 2009-2011 */
    latin_is("Ευάγγελος Βενιζέλος", "Evangelos Venizelos"); /* ευ ev before γ, γγ ng */
    latin_is("Λάμπρος Ευθυμίου", "Lambros Efthymiou");      /* μπ mb inside, ευ ef before θ */
    /* Dora Bakoyannis: μπ ντ b d at the start of a word (UN 1987); γι gi (ELOT 743) */
    latin_is("Ντόρα Μπακογιάννη", "Dora Bakogianni");
    latin_is("Αντώνης Σαμαράς", "Andonis Samaras"); /* ντ nd inside (UN 1987) */
    /* Abdullah of Saudi Arabia (el.wikipedia): μπ before ντ is b, Greek words around it */
    latin_is("Αμπντάλα της Σαουδικής Αραβίας", "Abdala tis Saoudikis Aravias");
    latin_is("Χρήστος", "Christos");        /* χ ch, η i */
    latin_is("Παπαϊωάννου", "Papaioannou"); /* the diaeresis: α-ι, not αι */
    latin_is("Νέστωρ", "Nestor");           /* -ωρ: an ancient name, not foreign */
    assert_false(em_greek_is_foreign("Πλάτων Νέστωρ"));
    assert_false(em_greek_is_foreign("Γ. Παπανδρέου"));            /* an initial decides nothing */
    assert_false(em_greek_is_foreign("Δρ. Παπαδόπουλος και ΣΙΑ")); /* Dr, and, Co. */
}

/* foreign names as Greek writes them (the el.wikipedia titles of the people), read
   back by their sounds against the Latin forms of OFAC's SDN list */
static void test_foreign_names(void **state) {
    (void)state;
    assert_true(em_greek_is_foreign("Μπασάρ αλ-Άσαντ"));
    assert_true(em_greek_is_foreign("Αλί Χαμενεΐ")); /* a final ι */
    latin_is("Κιμ Γιονγκ-ουν", "Kim Yong-un");       /* KIM, Jong Un: νγκ ng, γι y, ου u */
    latin_is("Μπασάρ αλ-Άσαντ", "Basar al-Asad");    /* AL-ASAD, Bashar: μπ b, final ντ d */
    latin_is("Αλί Χαμενεΐ", "Ali Khamenei");         /* KHAMENEI, Ali: χ kh, ε-ΐ */
    latin_is("Αλεξάντρ Λουκασένκο", "Aleksandr Lukasenko"); /* LUKASHENKO: ντ nd inside */
    latin_is("Ιγκόρ Σετσίν", "Igor Setsin");                /* SECHIN, Igor: γκ g, τσ ts */
    latin_is("Σι Τζινπίνγκ", "Si Jinping");                 /* Xi Jinping: τζ j */
    latin_is("Τζο Μπάιντεν", "Jo Bainden");      /* Joe Biden: ά-ι two vowels (the accent) */
    latin_is("Ταγίπ Ερντογάν", "Tayip Erdogan"); /* Tayyip Erdogan: ντ d after ρ */
    latin_is("Γιασέρ Αραφάτ", "Yaser Arafat");   /* Yasser Arafat: γι before a vowel y */
    latin_is("Γέλτσιν", "Yeltsin");              /* γ before ε y (-ν: foreign) */
}

/* the marks and the letter forms: polytonic, decomposed, capitals, variants */
static void test_marks(void **state) {
    (void)state;
    latin_is("\xE1\xBC\x88\xCE\xBB\xCE\xAD\xCE\xBE\xCE\xB1\xCE\xBD\xCE\xB4\xCF\x81\xCE\xBF\xCF\x82",
             "Alexandros"); /* Ἀλέξανδρος, polytonic */
    latin_is("\xCE\x91\xCE\xBB\xCE\xB5\xCC\x81\xCE\xBE\xCE\xB7\xCF\x82",
             "Alexis"); /* Αλέξης with the accent as a combining mark */
    latin_is("ΑΛΕΞΗΣ ΤΣΙΠΡΑΣ", "ALEXIS TSIPRAS");
    latin_is("ΕΥΑΓΓΕΛΟΣ", "EVANGELOS");
    latin_is("Σίσυφοϲ", "Sisyfos");                     /* the lunate sigma ϲ */
    latin_is("ᾠδή", "odi");                             /* ω with iota subscript and breathing */
    latin_is("Ivan Αλέξης, 1970", "Ivan Alexis, 1970"); /* other text kept */
    latin_is("µ Αλέξης", "µ Alexis");
    latin_is("", "");
}

/* list names and queries both: em_normalize_name reads Greek this way */
static void test_normalize(void **state) {
    (void)state;
    normalized_is("Αλέξης", "alexis"); /* not ICU's scholarly "alexes" */
    normalized_is("Κιμ Γιονγκ-ουν", "kim yong un");
    normalized_is("Μπασάρ αλ-Άσαντ", "basar al asad");
    normalized_is("ΠΑΠΑΝΔΡΕΟΥ, Γεώργιος", "papandreou georgios");
    /* µ (no script of its own) before a word ICU then meets in Latin, as before "Ivan" */
    normalized_is(" \xC2\xB5 Αλέξης ", "alexis");
    char *k = em_normalize_key(F.nz, "Τσίπρας Αλέξης");
    assert_string_equal(k, "alexis tsipras");
    free(k);
}

static double cmp_explained(const char *a, const char *b, const char *rule) {
    return match_fixture_compare(&F, "Person", a, b, rule);
}

/* Greek queries against the lists' Latin forms (OFAC SDN) and Greek nationals' */
static void test_compare(void **state) {
    (void)state;
    double t = 0.70;
    assert_true(cmp_explained("Κιμ Γιονγκ-ουν", "KIM, Jong Un", "exact") >= t);
    assert_true(cmp_explained("Κιμ Γιονγκ", "Kim Yong", "exact") >= 0.95); /* Γιονγκ is yong */
    assert_true(cmp_explained("Μπασάρ αλ-Άσαντ", "AL-ASAD, Bashar", "exact") >= t);
    assert_true(cmp_explained("Αλί Χαμενεΐ", "KHAMENEI, Ali", "exact") >= 0.95);
    assert_true(cmp_explained("Αλεξάντρ Λουκασένκο", "LUKASHENKO, Alexander", "variant") >= t);
    /* Kadyrov: ντ nd meets d in the phonetic key (Greek writes d and nd as ντ) */
    assert_true(cmp_explained("Ραμζάν Καντίροφ", "KADYROV, Ramzan", "phonetic") >= t);
    assert_true(cmp_explained("Ιγκόρ Σετσίν", "SECHIN, Igor Ivanovich", "phonetic") >= t);
    assert_true(cmp_explained("Αλέξης Τσίπρας", "Alexis Tsipras", "exact") >= 0.95);
    assert_true(cmp_explained("Ευάγγελος Βενιζέλος", "Evangelos Venizelos", "exact") >= 0.95);
    /* other people stay apart */
    assert_true(cmp_explained("Αλί Χαμενεΐ", "Ali Khamis", NULL) < t);
    assert_true(cmp_explained("Κιμ Γιονγκ-ουν", "KIM, Yong Chol", NULL) < t);
    assert_true(cmp_explained("Κυριάκος Μητσοτάκης", "Kyriakos Papadopoulos", NULL) < t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_greek),     cmocka_unit_test(test_greek_names),
        cmocka_unit_test(test_foreign_names), cmocka_unit_test(test_marks),
        cmocka_unit_test(test_normalize),     cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
