/*
 * test_payments.c - payment screening (src/payments): the MT and ISO 20022
 * parsers on the hand-written messages of tests/data/payments (parties, field
 * tags and XML paths, roles, implied schemata, BICs, IBAN and BIC countries,
 * 50F/59F line codes, MT202COV sequence B, the underlying transfer of a
 * pacs.009 COV; every malformed variant named by message, field and reason,
 * and a batch that goes on after a bad message), the BIC / IBAN / IMO
 * checks, and the screener on the bundled lists: the verdict of each test
 * message with its field-level hits, the free-text rule held to innocent
 * remittance texts (no hit) and guilty ones (a hit), configurable rules, and
 * the audit entry of a verdict.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "payments/payment.h"

/* ---- helpers -------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* a parsed message kept for the test: the model, copied */
typedef struct got {
    pay_message m[8];
    size_t n;
} got;

static int keep_msg(void *ctx, pay_message *m) {
    got *g = ctx;
    if (g->n < 8) {
        g->m[g->n++] = *m;
        pay_message_init(m); /* ownership moves to the test */
    }
    return 0;
}

static void got_free(got *g) {
    for (size_t i = 0; i < g->n; i++)
        pay_message_free(&g->m[i]);
}

static long parse_file(const char *rel, got *g) {
    size_t len;
    char *b = slurp(td(rel), &len);
    memset(g, 0, sizeof *g);
    const char *f = pay_detect(b, len);
    assert_non_null(f);
    long n = strcmp(f, "mt") == 0 ? pay_mt_parse(b, len, keep_msg, g)
                                  : pay_iso_parse(b, len, keep_msg, g);
    free(b);
    return n;
}

static const pay_party *party(const pay_message *m, const char *field) {
    for (size_t i = 0; i < m->parties.len; i++)
        if (strcmp(m->parties.items[i].field, field) == 0) return &m->parties.items[i];
    fail_msg("no party in field %s", field);
    return NULL;
}

/* ---- shapes ----------------------------------------------------------------------- */

static void test_bic_iban(void **state) {
    (void)state;
    assert_true(pay_is_bic("BKBPIRTH"));
    assert_true(pay_is_bic("BKBPIRTH123"));
    assert_false(pay_is_bic("BKBPIRT"));
    assert_false(pay_is_bic("bkbpirth"));
    assert_false(pay_is_bic("BK1PIRTH"));
    assert_false(pay_is_bic("BNCU-CUHH"));
    char cc[3];
    assert_true(pay_is_iban("DE89370400440532013000", cc));
    assert_string_equal(cc, "DE");
    assert_true(pay_is_iban("FR14 2004 1010 0505 0001 3M02 606", cc));
    assert_string_equal(cc, "FR");
    assert_false(pay_is_iban("DE89370400440532013001", cc)); /* check digits fail */
    assert_false(pay_is_iban("0123456789", cc));
}

/* ---- MT ------------------------------------------------------------------------------ */

static void test_mt103_parties(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/mt103_clean.txt", &g), 1);
    pay_message *m = &g.m[0];
    assert_null(m->error);
    assert_string_equal(m->format, "MT103");
    assert_string_equal(m->id, "REF20260101A");
    const pay_party *s = party(m, "1");
    assert_string_equal(s->role, "sender");
    assert_string_equal(s->bic, "BANKDEFF");
    assert_string_equal(s->schema, "Organization");
    assert_string_equal(party(m, "2")->role, "receiver");
    assert_string_equal(party(m, "2")->bic, "CHASUS33");
    const pay_party *o = party(m, "50K");
    assert_string_equal(o->role, "ordering_customer");
    assert_null(o->schema);
    assert_string_equal(o->names.items[0], "MUELLER MASCHINENBAU GMBH");
    assert_string_equal(o->account, "DE89370400440532013000");
    assert_true(em_strvec_contains(&o->countries, "DE")); /* from the IBAN */
    assert_string_equal(party(m, "57A")->bic, "CHASUS33XXX");
    assert_string_equal(party(m, "57A")->role, "account_with_institution");
    assert_int_equal(m->texts.len, 1);
    assert_string_equal(m->texts.items[0].field, "70");
    assert_string_equal(m->texts.items[0].text,
                        "/INV/2026-0042 SPARE PARTS FOR PACKAGING MACHINES");
    got_free(&g);
}

static void test_mt103_59f(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/mt103_beneficiary_59f.txt", &g), 1);
    const pay_party *b = party(&g.m[0], "59F");
    assert_string_equal(b->role, "beneficiary");
    assert_string_equal(b->names.items[0], "ISMAIL KHATEEB");
    assert_string_equal(b->address.items[0], "AL WASL ROAD 22");
    assert_string_equal(b->address.items[1], "DUBAI");
    assert_true(em_strvec_contains(&b->countries, "AE"));
    got_free(&g);
}

static void test_mt202cov_sequence_b(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/mt202cov_ministry.txt", &g), 1);
    pay_message *m = &g.m[0];
    assert_null(m->error);
    assert_string_equal(m->format, "MT202COV");
    assert_string_equal(party(m, "58A")->role, "beneficiary_institution");
    const pay_party *u = party(m, "B/50K");
    assert_string_equal(u->role, "ordering_customer");
    assert_string_equal(u->names.items[0], "VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR");
    assert_string_equal(party(m, "B/59")->names.items[0], "GOLDEN SUMMIT EQUIPMENT LTD");
    assert_string_equal(party(m, "B/57A")->bic, "HSBCHKHHXXX");
    assert_string_equal(party(m, "57A")->bic, "CITIUS33XXX"); /* sequence A's */
    assert_string_equal(m->texts.items[0].field, "B/70");
    got_free(&g);
}

static void expect_error(const char *rel, const char *field, const char *words) {
    got g;
    assert_int_equal(parse_file(rel, &g), 1);
    if (!g.m[0].error) fail_msg("%s: no error", rel);
    if (!strstr(g.m[0].error, words))
        fail_msg("%s: error '%s' lacks '%s'", rel, g.m[0].error, words);
    if (field) {
        assert_non_null(g.m[0].error_field);
        assert_string_equal(g.m[0].error_field, field);
    }
    got_free(&g);
}

static void test_mt_malformed(void **state) {
    (void)state;
    expect_error("payments/mt103_bad_32a.txt", "32A", "bad value date 261399");
    expect_error("payments/mt103_missing_59.txt", "59", "field 59a is missing");
    expect_error("payments/mt103_unterminated.txt", "4", "block 4 is not terminated");
    expect_error("payments/mt103_59f_bad_line.txt", "59F", "has no line code");
    expect_error("payments/mt103_bad_57a.txt", "57A", "is not a BIC");
    expect_error("payments/mt202cov_missing_b59.txt", "B/59a", "sequence B");
}

static void test_mt_batch_goes_on(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/mt103_batch_with_bad.txt", &g), 3);
    assert_null(g.m[0].error);
    assert_non_null(g.m[1].error);
    assert_string_equal(g.m[1].id, "BAD32A0001");
    assert_int_equal(g.m[1].ordinal, 2);
    assert_true(g.m[1].first_line > 1);
    assert_null(g.m[2].error);
    assert_string_equal(g.m[2].id, "REF20260101Z");
    got_free(&g);
}

static void test_mt_garbage(void **state) {
    (void)state;
    /* junk, a truncated header, a foreign type: errors, never a crash */
    const char *bad[] = {"{1:",
                         "{1:F01}",
                         "{1:F01BANKDEFFAXXX0000000000}{2:I999CHASUS33XXXXN}{4:\r\n:20:X\r\n-}",
                         "{1:F01BANKDEFFAXXX0000000000}{2:I103CHASUS33XXXXN}{4:\r\nno tag\r\n-}",
                         "{1:F01BANKDEFFAXXX0000000000}{4:\r\n:20:X\r\n-}",
                         "{{{{}}}}",
                         "{4:-}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        got g = {0};
        long n = pay_mt_parse(bad[i], strlen(bad[i]), keep_msg, &g);
        assert_true(n >= 1);
        assert_non_null(g.m[0].error);
        got_free(&g);
    }
}

/* ---- ISO 20022 ------------------------------------------------------------------------ */

static void test_pacs008(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/pacs008_vessel_rmtinf.xml", &g), 1);
    pay_message *m = &g.m[0];
    assert_null(m->error);
    assert_string_equal(m->format, "pacs.008.001.08");
    assert_string_equal(m->id, "MSG-20260115-0002");
    const pay_party *d = party(m, "CdtTrfTxInf[1]/Dbtr");
    assert_string_equal(d->role, "debtor");
    assert_string_equal(d->txn, "E2E-0002");
    assert_string_equal(d->names.items[0], "Mueller Maschinenbau GmbH");
    assert_string_equal(d->account, "DE89370400440532013000");
    const pay_party *a = party(m, "CdtTrfTxInf[1]/CdtrAgt");
    assert_string_equal(a->bic, "BNPAFRPPXXX");
    assert_string_equal(a->schema, "Organization");
    assert_string_equal(m->texts.items[0].field, "CdtTrfTxInf[1]/RmtInf/Ustrd");
    got_free(&g);
}

static void test_pacs009_cov(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/pacs009_cov_embargoed_agent.xml", &g), 1);
    pay_message *m = &g.m[0];
    assert_null(m->error);
    assert_string_equal(party(m, "CdtTrfTxInf[1]/IntrmyAgt1")->bic, "BNCUCUHHXXX");
    assert_true(em_strvec_contains(&party(m, "CdtTrfTxInf[1]/IntrmyAgt1")->countries, "CU"));
    assert_string_equal(party(m, "CdtTrfTxInf[1]/Dbtr")->schema, "Organization"); /* an FI */
    const pay_party *u = party(m, "CdtTrfTxInf[1]/UndrlygCstmrCdtTrf/Dbtr");
    assert_string_equal(u->names.items[0], "Nordlicht Anlagenbau AG");
    assert_string_equal(party(m, "CdtTrfTxInf[1]/UndrlygCstmrCdtTrf/Cdtr")->names.items[0],
                        "Azucarera del Sur SL");
    got_free(&g);
}

static void test_pain001_batch(void **state) {
    (void)state;
    got g;
    assert_int_equal(parse_file("payments/pain001_batch100.xml", &g), 1);
    pay_message *m = &g.m[0];
    assert_null(m->error);
    assert_int_equal(m->transactions, 100);
    const pay_party *c = party(m, "PmtInf[1]/CdtTrfTxInf[17]/Cdtr");
    assert_string_equal(c->names.items[0], "Esmail Khatib");
    assert_string_equal(c->txn, "BATCH-E2E-017");
    assert_string_equal(party(m, "PmtInf[1]/Dbtr")->txn, "PAYROLL-SUPPLIERS-2026-01");
    assert_string_equal(party(m, "GrpHdr/InitgPty")->role, "initiating_party");
    got_free(&g);
}

static void test_iso_malformed(void **state) {
    (void)state;
    expect_error("payments/pacs008_bad_date.xml", "CdtTrfTxInf[1]/IntrBkSttlmDt", "not a date");
    expect_error("payments/pacs008_malformed.xml", NULL, "not well-formed");
    expect_error("payments/pacs008_not_iso.xml", NULL, "not ISO 20022");
    expect_error("payments/pacs008_no_cdtr.xml", "CdtTrfTxInf[1]", "no creditor");
    expect_error("payments/pacs009_bad_bic.xml", "CdtTrfTxInf[1]/IntrmyAgt1/FinInstnId/BICFI",
                 "is not a BIC");
    expect_error("payments/pain001_missing_msgid.xml", "GrpHdr/MsgId", "MsgId is missing");
    /* a DTD is refused (no entity is ever expanded) */
    const char *dtd = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]><Document/>";
    got g = {0};
    assert_int_equal(pay_iso_parse(dtd, strlen(dtd), keep_msg, &g), 1);
    assert_non_null(strstr(g.m[0].error, "DTD"));
    got_free(&g);
    /* another ISO message in a Document; several Documents under a wrapper */
    const char *two = "<Batch><Document><CstmrPmtStsRpt/></Document><Document><FIToFICstmrCdtTrf>"
                      "<GrpHdr><MsgId>M2</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document></Batch>";
    memset(&g, 0, sizeof g);
    assert_int_equal(pay_iso_parse(two, strlen(two), keep_msg, &g), 2);
    assert_non_null(strstr(g.m[0].error, "CstmrPmtStsRpt"));
    assert_non_null(strstr(g.m[1].error, "no transaction"));
    assert_string_equal(g.m[1].id, "M2");
    got_free(&g);
}

/* ---- screening on the bundled lists ----------------------------------------------------- */

static char *HOME_DIR;
static em_engine *E;
static em_payment_screener *PS;

typedef struct seen {
    em_payment_verdict v[8];
    char json[8][16384];
    size_t n;
} seen;

static int keep_result(void *ctx, const em_payment_result *r) {
    seen *s = ctx;
    if (s->n < 8) {
        s->v[s->n] = em_payment_result_verdict(r);
        snprintf(s->json[s->n], sizeof s->json[s->n], "%s", em_payment_result_json(r));
        s->n++;
    }
    return 0;
}

static void screen_buf(em_payment_screener *ps, const char *b, size_t len, seen *s) {
    em_error err = {0};
    memset(s, 0, sizeof *s);
    long n = em_payment_screen(ps, b, len, "test", keep_result, s, &err);
    if (n < 0) fail_msg("screen: %s", err.message);
}

static void screen_file(const char *rel, seen *s) {
    size_t len;
    char *b = slurp(td(rel), &len);
    screen_buf(PS, b, len, s);
    free(b);
}

static void expect_verdict(const char *rel, em_payment_verdict v, const char *const *has) {
    seen s;
    screen_file(rel, &s);
    assert_int_equal(s.n, 1);
    if (s.v[0] != v)
        fail_msg("%s: verdict %s, expected %s: %s", rel, em_payment_verdict_name(s.v[0]),
                 em_payment_verdict_name(v), s.json[0]);
    for (size_t i = 0; has && has[i]; i++)
        if (!strstr(s.json[0], has[i])) fail_msg("%s: result lacks %s: %s", rel, has[i], s.json[0]);
}

static void test_screen_messages(void **state) {
    (void)state;
    expect_verdict("payments/mt103_clean.txt", EM_PAYMENT_PASS, NULL);
    expect_verdict("payments/pacs008_clean.xml", EM_PAYMENT_PASS, NULL);
    const char *khatib[] = {"\"field\": \"59F\"", "\"kind\": \"name\"", "ofac-39017",
                            "\"text\": \"ISMAIL KHATEEB\"", NULL};
    expect_verdict("payments/mt103_beneficiary_59f.txt", EM_PAYMENT_REVIEW, khatib);
    const char *bic[] = {"\"field\": \"57A\"", "\"kind\": \"bic\"", "ofac-13133",
                         "its BIC8 BKBPIRTH", NULL};
    expect_verdict("payments/mt103_bic_57a.txt", EM_PAYMENT_BLOCK, bic);
    const char *mois[] = {"\"field\": \"B/50K\"", "ofac-12111", NULL};
    expect_verdict("payments/mt202cov_ministry.txt", EM_PAYMENT_REVIEW, mois);
    /* the same underlying ordering customer under the ministry's Persian name */
    const char *mois_fa[] = {"\"field\": \"B/50K\"", "ofac-12111",
                             "\"text\": \"وزارت اطلاعات و امنیت کشور\"", NULL};
    expect_verdict("payments/mt202cov_ministry_persian.txt", EM_PAYMENT_REVIEW, mois_fa);
    const char *imo[] = {"\"kind\": \"imo\"", "ofac-15036", "\"transaction\": \"E2E-0002\"",
                         "CdtTrfTxInf[1]/RmtInf/Ustrd", NULL};
    expect_verdict("payments/pacs008_vessel_rmtinf.xml", EM_PAYMENT_BLOCK, imo);
    const char *ark[] = {"\"kind\": \"text_name\"", "ofac-15037", "named as a vessel", NULL};
    expect_verdict("payments/pacs008_vessel_name_only.xml", EM_PAYMENT_REVIEW, ark);
    const char *cu[] = {"CdtTrfTxInf[1]/IntrmyAgt1", "\"jurisdiction\": \"CU\"",
                        "country code of BIC BNCUCUHHXXX", NULL};
    expect_verdict("payments/pacs009_cov_embargoed_agent.xml", EM_PAYMENT_BLOCK, cu);
    const char *two[] = {"PmtInf[1]/CdtTrfTxInf[17]/Cdtr", "PmtInf[1]/CdtTrfTxInf[64]/CdtrAgt",
                         "ofac-13135", "ofac-39017", NULL};
    expect_verdict("payments/pain001_batch100.xml", EM_PAYMENT_BLOCK, two);
    const char *bad[] = {"\"error\": ", "261399", "\"error_field\": \"32A\"", NULL};
    expect_verdict("payments/mt103_bad_32a.txt", EM_PAYMENT_INVALID, bad);
}

static void test_screen_batch100_two_hits(void **state) {
    (void)state;
    seen s;
    screen_file("payments/pain001_batch100.xml", &s);
    /* the hits name two transactions only */
    size_t tx = 0;
    for (const char *p = s.json[0]; (p = strstr(p, "\"transaction\": \"BATCH-E2E-")); p++) {
        const char *id = p + strlen("\"transaction\": \"BATCH-E2E-");
        assert_true(strncmp(id, "017", 3) == 0 || strncmp(id, "064", 3) == 0);
        tx++;
    }
    assert_true(tx >= 2);
}

/* an MT103 with `text` as its field 70 (35-character lines) */
static char *mt103_with_70(const char *text) {
    em_buf b;
    em_buf_init(&b);
    em_buf_adds(&b,
                "{1:F01BANKDEFFAXXX0000000000}{2:I103CHASUS33XXXXN}{4:\r\n:20:T1\r\n:23B:CRED\r\n"
                ":32A:260115EUR100,00\r\n:50K:ACME GMBH\r\n:59:JOHN SMITH\r\n:70:");
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i += 35) {
        if (i) em_buf_adds(&b, "\r\n");
        em_buf_add(&b, text + i, n - i < 35 ? n - i : 35);
    }
    em_buf_adds(&b, "\r\n:71A:SHA\r\n-}");
    return em_buf_detach(&b);
}

static void test_free_text_rule(void **state) {
    (void)state;
    /* innocent: common words that are also listed vessel names (DEEP SEA, DOVER, AMBER,
       CRYSTAL, FOREST, HERO II, DREAM II, DIAMOND II, DEVON), common given names, numbers */
    const char *innocent[] = {"INVOICE 2026-0042 SPARE PARTS FOR DEEP SEA FISHING EQUIPMENT",
                              "DOVER OFFICE RENT JANUARY 2026",
                              "AMBER GLASS BOTTLES ORDER 5521",
                              "CRYSTAL CHANDELIERS FOR HOTEL LOBBY",
                              "FOREST PRODUCTS TIMBER DELIVERY NOTE 88",
                              "SALARY MOHAMMAD ALI JANUARY",
                              "PAYMENT FOR HERO BICYCLES AND DREAM HOLIDAY DEPOSIT",
                              "DIAMOND DRILL BITS SHIPPED FROM DEVON",
                              "TUITION FEES FOR ALI HASSAN SPRING TERM",
                              "CARGO INSURANCE PREMIUM POLICY 7781234",
                              "/RFB/INV 4471/ROC/ORDER 99812 STEEL PIPES",
                              "MONTHLY SUBSCRIPTION SOFTWARE LICENCE",
                              "REFUND OF OVERPAYMENT CUSTOMER 120034",
                              NULL};
    for (size_t i = 0; innocent[i]; i++) {
        char *m = mt103_with_70(innocent[i]);
        seen s;
        screen_buf(PS, m, strlen(m), &s);
        free(m);
        assert_int_equal(s.n, 1);
        /* the free text's hits only (the fixture's parties are another test's business) */
        if (strstr(s.json[0], "\"role\": \"text\""))
            fail_msg("innocent text hit: '%s': %s", innocent[i], s.json[0]);
    }
    /* guilty: a listed vessel named as one, a listed person, an IMO number, a listed bank */
    const struct {
        const char *text, *entity;
    } guilty[] = {{"FREIGHT M/V ARTAVIL DISCHARGE", "ofac-15036"},
                  {"CHARTER HIRE VESSEL DEEP SEA JANUARY", "ofac-"},
                  {"ON BEHALF OF ISMAIL KHATEEB", "ofac-39017"},
                  {"BUNKERS FOR IMO 9187629", "ofac-15036"},
                  {"SETTLEMENT VIA PASARGAD BANK TEHRAN", "ofac-13133"},
                  {NULL, NULL}};
    for (size_t i = 0; guilty[i].text; i++) {
        char *m = mt103_with_70(guilty[i].text);
        seen s;
        screen_buf(PS, m, strlen(m), &s);
        free(m);
        if (s.v[0] == EM_PAYMENT_PASS || !strstr(s.json[0], guilty[i].entity))
            fail_msg("guilty text missed: '%s': %s", guilty[i].text, s.json[0]);
    }
}

static void test_rules(void **state) {
    (void)state;
    em_payment_options o = {0};
    o.version = EM_PAYMENT_OPTIONS_VERSION;
    o.identifier = EM_PAYMENT_RULE_REVIEW;
    o.jurisdiction = EM_PAYMENT_RULE_IGNORE;
    em_payment_screener *ps = NULL;
    em_error err = {0};
    assert_int_equal(em_payment_screener_new(&ps, E, &o, &err), 0);
    size_t len;
    char *b = slurp(td("payments/mt103_bic_57a.txt"), &len);
    seen s;
    screen_buf(ps, b, len, &s);
    assert_int_equal(s.v[0], EM_PAYMENT_REVIEW); /* the BIC only reviews, the country is ignored */
    free(b);
    em_payment_screener_free(ps);
    /* a name that blocks from 0.95 */
    o.identifier = 0;
    o.jurisdiction = 0;
    o.block_threshold = 0.95;
    assert_int_equal(em_payment_screener_new(&ps, E, &o, &err), 0);
    b = slurp(td("payments/mt202cov_ministry.txt"), &len);
    screen_buf(ps, b, len, &s);
    assert_int_equal(s.v[0], EM_PAYMENT_BLOCK);
    free(b);
    em_payment_screener_free(ps);
    /* bad options */
    o.version = 99;
    assert_int_equal(em_payment_screener_new(&ps, E, &o, &err), -1);
    assert_int_equal(err.code, EM_ERR_USAGE);
    o.version = EM_PAYMENT_OPTIONS_VERSION;
    o.jurisdictions_path = "/nonexistent/table.tsv";
    assert_int_equal(em_payment_screener_new(&ps, E, &o, &err), -1);
    /* neither MT nor XML */
    assert_int_equal(em_payment_screen(PS, "hello", 5, "x", keep_result, &s, &err), -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
}

/* The jurisdiction table's look-ups (screen.c index_table): names found by their first word,
   several names sharing one (each found, in table order), a country code in lower case met
   by the message's upper-case one, a name in the middle of a line. */
static void test_jurisdiction_index(void **state) {
    (void)state;
    char *dir = tmpdir_new("payments_jur");
    char *tsv = em_xasprintf("%s/jur.tsv", dir);
    FILE *f = fopen(tsv, "w");
    assert_non_null(f);
    fputs("# test table\n"
          "XA\tregion\tblock\tNovaya Zemlya\ta test region\ttest\n"
          "XB\tcity\treview\tNovaya Kakhovka\ta test city\ttest\n"
          "XB\tcity\treview\tKakhovka\tthe same city, one word\ttest\n"
          "xc\tcountry\tblock\tTestland\ta test country\ttest\n",
          f);
    fclose(f);
    em_payment_options o = {0};
    o.version = EM_PAYMENT_OPTIONS_VERSION;
    o.jurisdictions_path = tsv;
    em_payment_screener *ps = NULL;
    em_error err = {0};
    if (em_payment_screener_new(&ps, E, &o, &err) != 0) fail_msg("screener: %s", err.message);
    const char *msg = "{1:F01BANKDEFFAXXX0000000000}{2:I103CHASUS33XXXXN}{4:\r\n:20:JUR1\r\n"
                      ":23B:CRED\r\n:32A:260115EUR100,00\r\n"
                      ":50F:1/ACME TRADING\r\n2/1 MAIN STREET\r\n3/XC/CAPITAL\r\n"
                      ":59:JOHN SMITH\r\nUL. LENINA 1, NOVAYA KAKHOVKA 74900\r\n"
                      ":70:GOODS FOR THE NOVAYA ZEMLYA STATION\r\n:71A:SHA\r\n-}";
    seen s;
    screen_buf(ps, msg, strlen(msg), &s);
    assert_int_equal(s.n, 1);
    if (s.v[0] != EM_PAYMENT_BLOCK) fail_msg("verdict: %s", s.json[0]);
    const char *has[] = {
        /* the lower-case code "xc" met by the message's XC: block */
        "\"field\": \"50F\", \"role\": \"ordering_customer\", \"kind\": \"jurisdiction\", "
        "\"action\": \"block\", \"text\": \"XC\"",
        /* the second name beginning with "novaya", in an address: the table's review */
        "\"field\": \"59\", \"role\": \"beneficiary\", \"kind\": \"jurisdiction\", "
        "\"action\": \"review\", \"text\": \"Novaya Kakhovka\"",
        /* the first one, in free text: review, not block */
        "\"field\": \"70\", \"role\": \"text\", \"kind\": \"jurisdiction\", \"action\": "
        "\"review\", \"text\": \"Novaya Zemlya\"",
        NULL};
    for (size_t i = 0; has[i]; i++)
        if (!strstr(s.json[0], has[i])) fail_msg("lacks %s: %s", has[i], s.json[0]);
    /* a word that only begins a listed name is not the name */
    const char *innocent = "{1:F01BANKDEFFAXXX0000000000}{2:I103CHASUS33XXXXN}{4:\r\n:20:JUR2\r\n"
                           ":23B:CRED\r\n:32A:260115EUR100,00\r\n:50K:ACME GMBH\r\n"
                           ":59:JOHN SMITH\r\nNOVAYA STREET 2\r\n:70:ZEMLYA NOVAYA\r\n"
                           ":71A:SHA\r\n-}";
    screen_buf(ps, innocent, strlen(innocent), &s);
    if (s.v[0] != EM_PAYMENT_PASS) fail_msg("innocent: %s", s.json[0]);
    em_payment_screener_free(ps);
    free(tsv);
    free(dir);
}

static int audit_one(void *ctx, const em_payment_result *r) {
    em_monitor *m = ctx;
    em_error err = {0};
    int64_t seq = 0;
    if (em_audit_payment(m, "tester", r, &seq, &err) != 0) fail_msg("audit: %s", err.message);
    assert_true(seq > 0);
    return 0;
}

static void test_audit(void **state) {
    (void)state;
    em_monitor *m = NULL;
    em_error err = {0};
    assert_int_equal(em_monitor_open(&m, E, NULL, &err), 0);
    size_t len;
    char *b = slurp(td("payments/mt103_batch_with_bad.txt"), &len);
    assert_int_equal(em_payment_screen(PS, b, len, "batch", audit_one, m, &err), 3);
    free(b);
    em_audit_verify_report rep;
    assert_int_equal(em_audit_verify(m, &rep, &err), 0);
    assert_true(rep.ok);
    assert_true(rep.entries >= 3);
    /* a payment entry is not a screening to replay */
    int same = 0;
    char *json = NULL;
    assert_int_equal(em_audit_replay(m, rep.entries, &same, &json, &err), -1);
    free(json);
    em_monitor_close(m);
}

/* ---- the memo: the same results, cold or warm, and none from older lists ------------------ */

static int collect_json(void *ctx, const em_payment_result *r) {
    em_buf_adds(ctx, em_payment_result_json(r));
    em_buf_addc(ctx, '\n');
    return 0;
}

/* every result of every test message, screened by ps, as one string */
static char *screen_all(em_payment_screener *ps) {
    static const char *const FILES[] = {"mt103_59f_bad_line.txt",
                                        "mt103_bad_32a.txt",
                                        "mt103_bad_57a.txt",
                                        "mt103_batch_with_bad.txt",
                                        "mt103_beneficiary_59f.txt",
                                        "mt103_bic_57a.txt",
                                        "mt103_clean.txt",
                                        "mt103_missing_59.txt",
                                        "mt103_unterminated.txt",
                                        "mt202cov_ministry.txt",
                                        "mt202cov_ministry_persian.txt",
                                        "mt202cov_missing_b59.txt",
                                        "pacs008_bad_date.xml",
                                        "pacs008_clean.xml",
                                        "pacs008_malformed.xml",
                                        "pacs008_no_cdtr.xml",
                                        "pacs008_not_iso.xml",
                                        "pacs008_vessel_name_only.xml",
                                        "pacs008_vessel_rmtinf.xml",
                                        "pacs009_bad_bic.xml",
                                        "pacs009_cov_embargoed_agent.xml",
                                        "pain001_batch100.xml",
                                        "pain001_missing_msgid.xml",
                                        NULL};
    em_buf out;
    em_buf_init(&out);
    for (size_t i = 0; FILES[i]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "payments/%s", FILES[i]);
        size_t len;
        char *b = slurp(td(rel), &len);
        /* twice in one input: the second copy is answered from the message's and the
           screener's memo */
        em_buf two;
        em_buf_init(&two);
        em_buf_add(&two, b, len);
        if (b[0] == '{') em_buf_add(&two, b, len);
        em_error err = {0};
        em_payment_screen(ps, em_buf_cstr(&two), two.len, FILES[i], collect_json, &out, &err);
        em_buf_free(&two);
        free(b);
    }
    return em_buf_detach(&out);
}

static void test_memo_identical(void **state) {
    (void)state;
    em_error err = {0};
    em_payment_screener *ps = NULL;
    if (em_payment_screener_new(&ps, E, NULL, &err) != 0) fail_msg("screener: %s", err.message);
    char *cold = screen_all(ps); /* a new screener: every query screened by the engine */
    char *warm = screen_all(ps); /* the same screener: agents, BICs and text from its memo */
    char *other = screen_all(PS);
    assert_true(strlen(cold) > 10000);
    assert_string_equal(cold, warm);
    assert_string_equal(cold, other);
    /* the second copy of an MT input has the first one's hits (ordinal and line aside) */
    assert_non_null(strstr(cold, "\"message\": 2, \"input\": \"mt103_bic_57a.txt\""));
    free(cold), free(warm), free(other);
    em_payment_screener_free(ps);
}

/* A BIC screened (and kept in the memo) before it was listed blocks once a list naming it is
   active: a new generation empties the memo. Last of the group: it adds a list to the home. */
static void test_memo_new_lists(void **state) {
    (void)state;
    const char *msg = "{1:F01BANKDEFFAXXX0000000000}{2:I103CHASUS33XXXXN}{4:\r\n:20:MEMO1\r\n"
                      ":23B:CRED\r\n:32A:260115EUR100,00\r\n:50K:ACME GMBH\r\n"
                      ":57A:QZMOGB2LXXX\r\n:59:JOHN SMITH\r\n:71A:SHA\r\n-}";
    seen s;
    screen_buf(PS, msg, strlen(msg), &s);
    assert_int_equal(s.n, 1);
    assert_null(strstr(s.json[0], "\"field\": \"57A\""));
    screen_buf(PS, msg, strlen(msg), &s); /* now from the memo */
    assert_null(strstr(s.json[0], "\"field\": \"57A\""));
    /* free text naming a party of the coming list: no word of it is an anchor yet */
    const char *text = "{1:F01BANKDEFFAXXX0000000000}{2:I103CHASUS33XXXXN}{4:\r\n:20:MEMO2\r\n"
                       ":23B:CRED\r\n:32A:260115EUR100,00\r\n:50K:ACME GMBH\r\n"
                       ":59:JOHN SMITH\r\n:70:FEES ZARVENDIK QUOLLMARK INV 7\r\n:71A:SHA\r\n-}";
    screen_buf(PS, text, strlen(text), &s);
    if (s.v[0] != EM_PAYMENT_PASS) fail_msg("before the new list: %s", s.json[0]);

    char *dir = tmpdir_new("payments_memo_list");
    char *csv = em_xasprintf("%s/bank.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("id,schema,name,identifiers,programs\n"
          "memo-1,Organization,Quizmo Test Bank,bic:QZMOGB2L,TEST\n"
          "memo-2,Organization,Zarvendik Quollmark,,TEST\n",
          f);
    fclose(f);
    em_error err = {0};
    em_store *st = NULL;
    if (em_store_open(&st, HOME_DIR, 0, &err) != 0) fail_msg("store: %s", err.message);
    const char *files[] = {csv};
    em_import_options io = {EM_IMPORT_OPTIONS_VERSION, "custom", 0, 0, 0, 0, 0, 0, NULL};
    if (em_store_import_opts(st, files, 1, &io, NULL, &err) != 0)
        fail_msg("import: %s", err.message);
    em_store_close(st);
    int swapped = 0;
    if (em_engine_refresh(E, 0, &swapped, &err) != 0) fail_msg("refresh: %s", err.message);
    assert_true(swapped);
    screen_buf(PS, msg, strlen(msg), &s);
    if (s.v[0] != EM_PAYMENT_BLOCK) fail_msg("after the new list: %s", s.json[0]);
    assert_non_null(strstr(s.json[0], "\"field\": \"57A\""));
    assert_non_null(strstr(s.json[0], "memo-1"));
    /* the free-text anchors are read from the new generation's vocabulary (the screener
       holds the engine's current matcher, not the one of its first screening) */
    screen_buf(PS, text, strlen(text), &s);
    if (s.v[0] != EM_PAYMENT_REVIEW || !strstr(s.json[0], "\"kind\": \"text_name\"") ||
        !strstr(s.json[0], "memo-2"))
        fail_msg("free text after the new list: %s", s.json[0]);
    free(csv);
    free(dir);
}

static int setup(void **state) {
    (void)state;
    em_error err = {0};
    HOME_DIR = tmpdir_new("payments_home");
    em_engine_options o = {EM_ENGINE_OPTIONS_VERSION, HOME_DIR, 0};
    if (em_engine_open(&E, &o, &err) != 0) fail_msg("engine: %s", err.message);
    if (em_payment_screener_new(&PS, E, NULL, &err) != 0) fail_msg("screener: %s", err.message);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    em_payment_screener_free(PS);
    em_engine_close(E);
    free(HOME_DIR);
    return 0;
}

int main(void) {
    const struct CMUnitTest parsers[] = {
        cmocka_unit_test(test_bic_iban),      cmocka_unit_test(test_mt103_parties),
        cmocka_unit_test(test_mt103_59f),     cmocka_unit_test(test_mt202cov_sequence_b),
        cmocka_unit_test(test_mt_malformed),  cmocka_unit_test(test_mt_batch_goes_on),
        cmocka_unit_test(test_mt_garbage),    cmocka_unit_test(test_pacs008),
        cmocka_unit_test(test_pacs009_cov),   cmocka_unit_test(test_pain001_batch),
        cmocka_unit_test(test_iso_malformed),
    };
    const struct CMUnitTest screening[] = {
        cmocka_unit_test(test_screen_messages), cmocka_unit_test(test_screen_batch100_two_hits),
        cmocka_unit_test(test_free_text_rule),  cmocka_unit_test(test_rules),
        cmocka_unit_test(test_audit),           cmocka_unit_test(test_jurisdiction_index),
        cmocka_unit_test(test_memo_identical),  cmocka_unit_test(test_memo_new_lists),
    };
    int rc = cmocka_run_group_tests_name("parsers", parsers, NULL, NULL);
    return rc | cmocka_run_group_tests_name("screening", screening, setup, teardown);
}
