/*
 * test_thai.c - names in Thai script (issue 11): text/thai.c writes them in the
 * Royal Thai General System of Transcription (Royal Institute 1999, its tables in
 * data/knowledge/thai_rtgs.tsv), em_normalize_name uses it, and names compared
 * through em_compare meet their Latin list spellings. Each expected form is the
 * published RTGS romanisation (source in the comment of each group), written in
 * lower case without its spaces (a Thai name part is one word).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "text/normalize.h"
#include "text/thai.h"

NAMES_ONLY_FIXTURE(F) /* normaliser, knowledge, names-only matcher */

static void rtgs(const char *thai, const char *want) {
    char *got = em_thai_to_latin(thai);
    if (strcmp(got, want) != 0) fail_msg("'%s': got '%s', want '%s'", thai, got, want);
    free(got);
}

static void test_has_thai(void **state) {
    (void)state;
    assert_true(em_has_thai("สมชาย"));
    assert_true(em_has_thai("Mr. สมชาย"));
    assert_false(em_has_thai("Somchai"));
    assert_false(em_has_thai("김정은 Αλέξης"));
    assert_false(em_has_thai(""));
}

/* Provinces and towns by their official RTGS names (Royal Institute, romanisation of
   the province and district names, 2000; the names the Thai government publishes:
   Chiang Mai, Sukhothai, Phuket, ...) */
static void test_places(void **state) {
    (void)state;
    rtgs("เชียงใหม่", "chiangmai");             /* Chiang Mai: leading vowel, ห leading ม */
    rtgs("สุโขทัย", "sukhothai");               /* Sukhothai: -ัย ai */
    rtgs("ภูเก็ต", "phuket");                   /* Phuket: เ-็ e, final ต t */
    rtgs("ชลบุรี", "chonburi");                 /* Chon Buri: inherent o, final ล n */
    rtgs("ขอนแก่น", "khonkaen");               /* Khon Kaen: อ as the vowel o, tone mark */
    rtgs("สงขลา", "songkhla");                /* Songkhla: the cluster ขล */
    rtgs("ลำปาง", "lampang");                 /* Lampang: -ำ am */
    rtgs("ยโสธร", "yasothon");                /* Yasothon: inherent a, then o */
    rtgs("สุราษฎร์ธานี", "suratthani");          /* Surat Thani: ษ final t, ฎร์ silent */
    rtgs("จันทบุรี", "chanthaburi");             /* Chanthaburi: จ initial ch */
    rtgs("ประจวบคีรีขันธ์", "prachuapkhirikhan"); /* Prachuap Khiri Khan: -ว- ua, ธ์ */
    rtgs("สมุทรปราการ", "samutprakan");        /* Samut Prakan: ทร final t */
    rtgs("เพชรบุรี", "phetburi");               /* Phetchaburi's first word: เพชร phet */
    rtgs("ปากน้ำ", "paknam");                  /* Pak Nam */
}

/* People by the RTGS forms of their names (as the Royal Institute's system writes
   them; the forms given with the RTGS label in their biographies) */
static void test_people(void **state) {
    (void)state;
    rtgs("สมชาย วงศ์สวัสดิ์", "somchai wongsawat");    /* Somchai Wongsawat */
    rtgs("ยิ่งลักษณ์", "yinglak");                     /* Yinglak Chinnawat: ษณ์ silent */
    rtgs("ทักษิณ", "thaksin");                       /* Thaksin Chinnawat */
    rtgs("อภิสิทธิ์ เวชชาชีวะ", "aphisit wetchachiwa"); /* Aphisit Wetchachiwa */
    rtgs("ประยุทธ์ จันทร์โอชา", "prayut chanocha"); /* Prayut Chan-o-cha: ธ์, ทร์, โอ */
    rtgs("ถนอม", "thanom");                     /* Thanom Kittikhachon: inherent a */
    rtgs("เปรม", "prem");                       /* Prem Tinsulanon: เ- after ปร */
}

/* The rules one by one (RI 1999): vowels written before their onset, อ, the
   thanthakhat, tone marks, ฤ, ๆ, digits, text of other scripts kept */
static void test_rules(void **state) {
    (void)state;
    rtgs("เพลง", "phleng");              /* the leading vowel after the whole cluster */
    rtgs("อ่อง", "ong");                  /* อ silent leading, vowel o inside */
    rtgs("เมือง", "mueang");              /* เ-ือ uea */
    rtgs("เขียว", "khiao");               /* เ-ียว iao */
    rtgs("นวล", "nuan");                 /* -ว- ua */
    rtgs("กรรม", "kam");                 /* รร with a final */
    rtgs("นิยม", "niyom");                /* ย opens a syllable, no -ิย */
    rtgs("จันทร์", "chan");                /* the letter before a silenced ร */
    rtgs("ไทย", "thai");                 /* ไ-ย ai */
    rtgs("ดีๆ", "didi");                  /* ๆ repeats */
    rtgs("ฤดี", "ruedi");                 /* ฤ rue */
    rtgs("๒๕๖๙", "2569");                /* Thai digits */
    rtgs("Mr. สมชาย", "Mr. somchai");    /* other text kept */
    rtgs("คิม จ็อง-อึน", "khim chong-uen"); /* a foreign name written in Thai */
    rtgs("", "");
}

/* No letter of the Thai block survives (฿ excepted) whatever the input */
static void test_any_input(void **state) {
    (void)state;
    unsigned x = 12345;
    for (int round = 0; round < 3000; round++) {
        char s[64 * 3 + 1];
        size_t len = 0;
        int n = 1 + (int)((x >> 8) % 40);
        for (int i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            unsigned cp = 0x0E00 + ((x >> 16) & 0x7F);
            s[len++] = (char)0xE0;
            s[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
            s[len++] = (char)(0x80 | (cp & 0x3F));
        }
        s[len] = '\0';
        char *t = em_thai_to_latin(s);
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
            if (*p == 0xE0 && !(p[1] == 0xB8 && p[2] == 0xBF)) fail_msg("Thai left in '%s'", t);
        free(t);
    }
}

static void norm(const char *s, const char *want) {
    char *got = em_normalize_name(F.nz, s);
    if (strcmp(got, want) != 0) fail_msg("'%s': got '%s', want '%s'", s, got, want);
    free(got);
}

/* em_normalize_name writes Thai in RTGS, not ICU's ISO 11940 ("khim cxng xun") */
static void test_normalize(void **state) {
    (void)state;
    norm("คิม จ็อง-อึน", "khim chong uen");
    norm("มิน อ่อง หล่าย", "min ong lai");
    norm("ทักษิณ ชินวัตร", "thaksin chinwat");
    norm("นาย สมชาย", "nai somchai");
}

static double cmp(const char *a, const char *b) {
    return match_fixture_compare(&F, "Person", a, b, NULL);
}

/* against Latin list spellings (OFAC SDN: KIM, Jong Un) and the RTGS forms */
static void test_compare(void **state) {
    (void)state;
    double t = EM_DEFAULT_THRESHOLD;
    assert_true(cmp("คิม จ็อง-อึน", "KIM, Jong Un") >= t);
    assert_true(cmp("สมชาย", "Somchai") >= t);
    assert_true(cmp("ยิ่งลักษณ์ ชินวัตร", "Yinglak Chinnawat") >= t);
    assert_true(cmp("ประยุทธ์ จันทร์โอชา", "Prayuth Chan-ocha") >= t);
    /* other names stay apart */
    assert_true(cmp("คิม จ็อง-อึน", "KIM, Jong Nam") < t);
    assert_true(cmp("สมชาย", "Somsak") < t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_thai),  cmocka_unit_test(test_places),
        cmocka_unit_test(test_people),    cmocka_unit_test(test_rules),
        cmocka_unit_test(test_any_input), cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
