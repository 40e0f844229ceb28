/*
 * test_ofac_csv.c - the OFAC legacy CSV parser (sdn.csv + add/alt/comments)
 * and its Remarks clause parser, on real OFAC files and on malformed input.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "sources/ofac_remarks.h"
#include "sources/reader.h"
#include "sources/source.h"

/* ---- helpers -------------------------------------------------------------- */

static int parse(const char *main, const char *add, const char *alt, const char *comments,
                 const char *source, em_entity_list *l, em_error *err) {
    em_ofac_csv_files f = {main, add, alt, comments};
    em_parse_meta meta;
    memset(l, 0, sizeof *l);
    memset(err, 0, sizeof *err);
    int rc = em_parse_ofac_csv(&f, source, collect_sink, l, &meta, err);
    if (rc == 0) {
        assert_string_equal(meta.format, "ofac-csv");
        assert_string_equal(meta.published, "");
    }
    return rc;
}

static const char *bundled(const char *rel) {
    static char bufs[4][4096]; /* several are passed to one call */
    static int k;
    char *buf = bufs[k++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", BUNDLED_DATA_DIR, rel);
    return buf;
}

/* Like td(), with several buffers: one call may take four paths. */
static const char *tdp(const char *rel) {
    static char bufs[4][4096];
    static int k;
    char *buf = bufs[k++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", TEST_DATA_DIR, rel);
    return buf;
}

static char *tmp_path(const char *dir, const char *name) {
    return em_xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, const char *data) {
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fwrite(data, 1, strlen(data), f);
    fclose(f);
}

/* Decompresses a (gzip) file into `to`, keeping the first `limit` bytes when limit >= 0. */
static long decompress(const char *from, const char *to, long limit) {
    em_error err = {0};
    em_reader *r = em_reader_open(from, &err);
    assert_non_null(r);
    FILE *out = fopen(to, "wb");
    assert_non_null(out);
    char buf[65536];
    long total = 0, k;
    while ((k = em_reader_read(r, buf, sizeof buf, &err)) > 0) {
        if (limit >= 0 && total + k > limit) k = limit - total;
        fwrite(buf, 1, (size_t)k, out);
        total += k;
        if (limit >= 0 && total >= limit) break;
    }
    assert_true(k >= 0);
    fclose(out);
    em_reader_close(r);
    return total;
}

static const em_name *name_of(const em_entity *e, const char *full) {
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, full) == 0) return &e->names.items[i];
    return NULL;
}

static int has_address(const em_entity *e, const char *street, const char *city,
                       const char *country) {
    for (size_t i = 0; i < e->addresses.len; i++) {
        const em_address *a = &e->addresses.items[i];
        if (a->street && strcmp(a->street, street) == 0 && a->city && strcmp(a->city, city) == 0 &&
            a->country && strcmp(a->country, country) == 0)
            return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A valid 12-column main record. */
#define REC(num, name, type, remarks)                                                              \
    num ",\"" name "\"," type ",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ," remarks "\r\n"

/* ---- the bundled 2023-12-28 SDN set ----------------------------------------- */

static em_entity_list sdn2023;

static int setup_sdn2023(void **state) {
    (void)state;
    em_error err;
    int rc = parse(bundled("lists/ofac_sdn/sdn.csv.gz"), bundled("lists/ofac_sdn/add.csv.gz"),
                   bundled("lists/ofac_sdn/alt.csv.gz"),
                   bundled("lists/ofac_sdn/sdn_comments.csv.gz"), "ofac_sdn", &sdn2023, &err);
    if (rc != 0) fprintf(stderr, "parse failed: %s\n", err.message);
    return rc;
}

static int teardown_sdn2023(void **state) {
    (void)state;
    em_entity_list_free(&sdn2023);
    return 0;
}

static void test_sdn2023_count(void **state) {
    (void)state;
    assert_int_equal(sdn2023.len, 13821);
    for (size_t i = 0; i < sdn2023.len; i++) {
        assert_string_equal(sdn2023.items[i]->source, "ofac_sdn");
        assert_non_null(sdn2023.items[i]->caption);
    }
}

static void test_sdn2023_mois(void **state) {
    (void)state;
    em_entity *e = find_entity(&sdn2023, "ofac-12111");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->source_id, "12111");
    assert_string_equal(e->caption, "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY");
    const em_name *n = name_of(e, "MOIS");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_AKA);
    assert_string_equal(n->strength, "weak");
    n = name_of(e, "VEVAK");
    assert_non_null(n);
    assert_string_equal(n->strength, "weak");
    n = name_of(e, "VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_AKA);
    assert_string_equal(n->strength, "strong");
    const char *progs[] = {"SDGT",   "SYRIA",           "IFSR", "IRAN-HR", "HRIT-IR",
                           "CYBER2", "HOSTAGES-EO14078"};
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++)
        assert_true(has_program(e, progs[i]));
    assert_int_equal(e->programs.len, 7);
    assert_int_equal(e->addresses.len, 2);
    assert_true(has_address(e,
                            "bounded roughly by Sanati Street on the west, 30th Street on the "
                            "south, and Iraqi Street on the east",
                            "Tehran", "Iran"));
    assert_true(has_address(e,
                            "Ministry of Intelligence, Second Negarestan Street, Pasdaran Avenue",
                            "Tehran", "Iran"));
    assert_string_equal(get_prop(e, "target_type", 0), "Government Entity");
    assert_string_equal(get_prop(e, "sanctions_info", 0), "Subject to Secondary Sanctions");
    assert_string_equal(e->remarks, "Additional Sanctions Information - Subject to Secondary "
                                    "Sanctions; Target Type Government Entity; a.k.a. 'MOIS'; "
                                    "a.k.a. 'VEVAK'.");
}

static void test_sdn2023_khatib(void **state) {
    (void)state;
    em_entity *e = find_entity(&sdn2023, "ofac-39017");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "KHATIB, Esmail");
    const em_name *n = name_of(e, "KHATIB, Esmail");
    assert_string_equal(n->kind, EM_NAME_PRIMARY);
    assert_string_equal(n->last, "KHATIB");
    assert_string_equal(n->first, "Esmail");
    n = name_of(e, "KHATIB, Seyed Esmaeil");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_AKA);
    assert_string_equal(n->strength, "strong");
    assert_string_equal(n->first, "Seyed Esmaeil");
    assert_int_equal(e->birth_dates.len, 1);
    assert_string_equal(e->birth_dates.items[0].from, "1960");
    assert_string_equal(e->birth_dates.items[0].to, "1961");
    assert_string_equal(e->birth_dates.items[0].text, "1960 to 1961");
    assert_int_equal(e->birth_dates.items[0].circa, 0);
    assert_int_equal(e->birth_places.len, 1);
    assert_string_equal(e->birth_places.items[0], "Ghayenat, South Khorasan Province, Iran");
    assert_int_equal(e->nationalities.len, 1);
    assert_string_equal(e->nationalities.items[0], "Iran");
    assert_string_equal(e->gender, "male");
    assert_int_equal(e->links.len, 1);
    assert_string_equal(e->links.items[0].relation, "linked_to");
    assert_null(e->links.items[0].target_id);
    assert_string_equal(e->links.items[0].target_name,
                        "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY");
    assert_int_equal(e->programs.len, 3);
    assert_true(has_program(e, "IFSR"));
    assert_true(has_program(e, "IRAN-HR"));
    assert_true(has_program(e, "CYBER2"));
    assert_int_equal(e->addresses.len, 1);
    assert_string_equal(e->addresses.items[0].country, "Iran");
}

static void test_sdn2023_sberbank(void **state) {
    (void)state;
    em_entity *e = find_entity(&sdn2023, "ofac-17018");
    assert_non_null(e);
    assert_string_equal(e->caption, "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA");
    assert_non_null(find_identifier(e, EM_ID_BIC, "SABRRUMM"));
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "www.sberbank.ru"));
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "www.sberbank.com"));
    /* the tax id is only in sdn_comments.csv */
    const em_identifier *d = find_identifier(e, EM_ID_TAX, "7707083893");
    assert_non_null(d);
    assert_string_equal(d->country, "Russia");
    assert_string_equal(d->label, "Tax ID No.");
    d = find_identifier(e, EM_ID_REGISTRATION, "1027700132195");
    assert_non_null(d);
    assert_string_equal(d->country, "Russia");
    /* remarks: the main text continued mid-clause by the comments row */
    assert_non_null(strstr(e->remarks, "Listing Date (EO 14024 Directive 3): 24 Feb 2022; "));
    assert_true(ends_with(e->remarks, "Programs/Pages/ukraine.aspx#directives."));
    assert_true(strncmp(e->remarks, "SWIFT/BIC SABRRUMM; Website www.sberbank.ru;", 44) == 0);
    assert_true(has_name(e, "SBERBANK ROSSII OAO", EM_NAME_FKA));
    assert_true(has_program(e, "RUSSIA-EO14024"));
}

static void test_sdn2023_crypto(void **state) {
    (void)state;
    em_entity *e = find_entity(&sdn2023, "ofac-29584");
    assert_non_null(e);
    assert_string_equal(e->caption, "POTEKHIN, Danil");
    const em_identifier *d = find_identifier(e, EM_ID_CRYPTO, "1Q9UAQbcDezmyouFrzt94t4dSMxgsUfW1X");
    assert_non_null(d);
    assert_string_equal(d->currency, "XBT");
    assert_string_equal(d->label, "Digital Currency Address - XBT");
    assert_non_null(find_identifier(e, EM_ID_EMAIL, "potekhinl4@bk.ru"));
    assert_int_equal(e->birth_dates.len, 3);
    assert_string_equal(e->birth_dates.items[0].from, "1995-09-14");
    assert_string_equal(e->birth_dates.items[2].from, "1990-08-08");

    e = find_entity(&sdn2023, "ofac-27307"); /* LAZARUS GROUP: ETH, remarks continued */
    assert_non_null(e);
    d = find_identifier(e, EM_ID_CRYPTO, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
    assert_non_null(d);
    assert_string_equal(d->currency, "ETH");
    /* the weak alias split across sdn.csv and sdn_comments.csv ("...G TEAM'") */
    assert_true(has_name(e, "APPLEWORM", EM_NAME_AKA));
    assert_true(ends_with(e->remarks, "a.k.a. 'APPLEWORM'."));
}

static void test_sdn2023_vessel(void **state) {
    (void)state;
    em_entity *e = find_entity(&sdn2023, "ofac-4243");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_VESSEL);
    assert_string_equal(e->caption, "EBANO");
    assert_non_null(find_identifier(e, EM_ID_IMO, "7406784"));
    assert_string_equal(get_prop(e, "vessel_type", 0), "General Cargo");
    assert_string_equal(get_prop(e, "tonnage", 0), "2595");
    assert_string_equal(get_prop(e, "gross_registered_tonnage", 0), "1865");
    assert_string_equal(get_prop(e, "vessel_flag", 0), "Panama");
    const em_name *n = name_of(e, "ANA I");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_FKA);
    assert_string_equal(n->strength, "weak");
    assert_true(has_name(e, "SAND SWAN", EM_NAME_FKA));

    e = find_entity(&sdn2023, "ofac-4249"); /* TIFON: call sign column */
    assert_non_null(e);
    assert_non_null(find_identifier(e, EM_ID_CALL_SIGN, "CL2059"));
    assert_non_null(find_identifier(e, EM_ID_IMO, "7206512"));
}

static void test_sdn2023_schemas(void **state) {
    (void)state;
    size_t person = 0, org = 0, vessel = 0, aircraft = 0;
    for (size_t i = 0; i < sdn2023.len; i++) {
        const char *s = sdn2023.items[i]->schema;
        if (strcmp(s, EM_SCHEMA_PERSON) == 0) person++;
        if (strcmp(s, EM_SCHEMA_ORGANIZATION) == 0) org++;
        if (strcmp(s, EM_SCHEMA_VESSEL) == 0) vessel++;
        if (strcmp(s, EM_SCHEMA_AIRCRAFT) == 0) aircraft++;
    }
    assert_int_equal(person + org + vessel + aircraft, 13821);
    assert_true(person > 6000 && org > 5000 && vessel > 500 && aircraft > 250);
}

/* ---- other real sets ---------------------------------------------------- */

static void test_consolidated(void **state) {
    (void)state;
    em_entity_list l;
    em_error err;
    int rc = parse(bundled("lists/ofac_cons/cons_prim.csv.gz"),
                   bundled("lists/ofac_cons/cons_add.csv.gz"),
                   bundled("lists/ofac_cons/cons_alt.csv.gz"),
                   bundled("lists/ofac_cons/cons_comments.csv.gz"), "ofac_cons", &l, &err);
    if (rc) fail_msg("%s", err.message);
    assert_int_equal(l.len, 442);
    assert_string_equal(l.items[0]->source, "ofac_cons");
    size_t addrs = 0, names = 0;
    for (size_t i = 0; i < l.len; i++) {
        addrs += l.items[i]->addresses.len;
        names += l.items[i]->names.len;
    }
    assert_true(addrs > 300);
    assert_true(names > 442);
    em_entity_list_free(&l);
}

static void test_sdn2021(void **state) {
    (void)state;
    em_entity_list l;
    em_error err;
    int rc = parse(tdp("ofac/sdn_2021-07_sdn.csv.gz"), tdp("ofac/sdn_2021-07_add.csv.gz"),
                   tdp("ofac/sdn_2021-07_alt.csv.gz"), tdp("ofac/sdn_2021-07_sdn_comments.csv.gz"),
                   "ofac_sdn", &l, &err);
    if (rc) fail_msg("%s", err.message);
    assert_int_equal(l.len, 8976);
    em_entity *e = find_entity(&l, "ofac-12111");
    assert_non_null(e);
    assert_true(has_name(e, "MOIS", EM_NAME_AKA));
    assert_int_equal(e->addresses.len, 2);
    em_entity_list_free(&l);
}

static void test_sdn2024_main_only(void **state) {
    (void)state;
    em_entity_list l;
    em_error err;
    int rc = parse(tdp("ofac/sdn_2024-05-03.csv.gz"), NULL, NULL, NULL, "ofac_sdn", &l, &err);
    if (rc) fail_msg("%s", err.message);
    assert_int_equal(l.len, 14965);
    em_entity *e = find_entity(&l, "ofac-39017");
    assert_non_null(e);
    assert_int_equal(e->names.len, 1); /* no alt.csv */
    assert_int_equal(e->addresses.len, 0);
    assert_string_equal(e->gender, "male");
    em_entity_list_free(&l);
}

static void test_sdn2022_delta(void **state) {
    (void)state;
    em_entity_list a, b;
    em_error err;
    int rc = parse(tdp("ofac/sdn_2022-09-08.csv.gz"), NULL, NULL, NULL, "ofac_sdn", &a, &err);
    if (rc) fail_msg("%s", err.message);
    rc = parse(tdp("ofac/sdn_2022-09-09.csv.gz"), NULL, NULL, NULL, "ofac_sdn", &b, &err);
    if (rc) fail_msg("%s", err.message);
    assert_int_equal(a.len, 10483);
    assert_int_equal(b.len, 10484);
    em_entity *e = find_entity(&a, "ofac-12111");
    assert_non_null(e);
    assert_false(has_program(e, "CYBER2"));
    assert_true(has_program(e, "HRIT-IR"));
    assert_null(find_entity(&a, "ofac-39017"));
    e = find_entity(&b, "ofac-12111");
    assert_true(has_program(e, "CYBER2"));
    assert_non_null(find_entity(&b, "ofac-39017"));
    em_entity_list_free(&a);
    em_entity_list_free(&b);
}

/* ---- synthetic, well-formed edge cases ------------------------------------------ */

static void test_windows1252_and_multiline(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_csv_cp1252");
    char *main = tmp_path(dir, "sdn.csv");
    char *alt = tmp_path(dir, "alt.csv");
    char *add = tmp_path(dir, "add.csv");
    char *com = tmp_path(dir, "sdn_comments.csv");
    /* real files carry no non-ASCII byte today; OFAC's encoding is Windows-1252 */
    write_file(main,
               REC("1", "MU\xd1OZ, Jos\xe9", "\"individual\"",
                   "\"DOB 12 Mar 1960; POB Bogot\xe1, Colombia; a.k.a. \"\"EL \x93"
                   "JEFE\x94\"\"\"") REC("2", "ACME \"\"QUOTED\"\" TRADING", "-0- ",
                                         "\"Website www.acme.test;\r\n alt. Phone Number 123.\"")
                   REC("3", "SEA STAR", "\"vessel\"", "-0- ") "\x1a");
    /* alias rows for an ent_num that is not in the main file are ignored */
    write_file(alt, "1,10,\"aka\",\"MU\xd1OZ, Pepe\",-0- \r\n99,11,\"aka\",\"GHOST\",-0- "
                    "\r\n3,12,\"fka\",\"OLD STAR\",-0- \r\n\x1a");
    write_file(add, "2,20,\"1 Rue de la Paix\",\"Paris 75002\",\"France\",-0- \r\n\x1a");
    /* LF line ends and no end-of-file marker: accepted for the comments file */
    write_file(com, "1,\"; Gender Male.\"\n");

    em_entity_list l;
    em_error err;
    int rc = parse(main, add, alt, com, "ofac_sdn", &l, &err);
    if (rc) fail_msg("%s", err.message);
    assert_int_equal(l.len, 3);

    em_entity *e = find_entity(&l, "ofac-1");
    assert_string_equal(e->caption, "MU\xc3\x91OZ, Jos\xc3\xa9");
    assert_string_equal(e->names.items[0].last, "MU\xc3\x91OZ");
    assert_string_equal(e->names.items[0].first, "Jos\xc3\xa9");
    assert_true(has_name(e, "MU\xc3\x91OZ, Pepe", EM_NAME_AKA));
    assert_true(has_name(e, "EL \xe2\x80\x9cJEFE\xe2\x80\x9d", EM_NAME_AKA));
    assert_string_equal(e->birth_places.items[0], "Bogot\xc3\xa1, Colombia");
    assert_string_equal(e->birth_dates.items[0].from, "1960-03-12");
    assert_string_equal(e->gender, "male");
    assert_true(ends_with(e->remarks, "\"; Gender Male."));

    e = find_entity(&l, "ofac-2");
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "ACME \"QUOTED\" TRADING");
    assert_string_equal(e->remarks, "Website www.acme.test;\n alt. Phone Number 123.");
    assert_true(has_address(e, "1 Rue de la Paix", "Paris 75002", "France"));

    e = find_entity(&l, "ofac-3");
    assert_string_equal(e->schema, EM_SCHEMA_VESSEL);
    assert_null(e->remarks);
    assert_true(has_name(e, "OLD STAR", EM_NAME_FKA));

    em_entity_list_free(&l);
    free(main);
    free(alt);
    free(add);
    free(com);
    free(dir);
}

/* ---- malformed input ----------------------------------------------------------- */

static void expect_format_error(const char *main, const char *add, const char *alt,
                                const char *comments, const char *needle1, const char *needle2) {
    em_entity_list l;
    em_error err;
    int rc = parse(main, add, alt, comments, "ofac_sdn", &l, &err);
    if (rc == 0) fail_msg("expected an error containing '%s'", needle2);
    assert_int_equal(rc, -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    if (!strstr(err.message, needle1) || !strstr(err.message, needle2))
        fail_msg("message '%s' lacks '%s' / '%s'", err.message, needle1, needle2);
    em_entity_list_free(&l);
}

static void test_truncated_real_file(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_csv_trunc");
    char *full = tmp_path(dir, "full.csv");
    char *cut = tmp_path(dir, "sdn.csv");
    long size = decompress(tdp("ofac/sdn_2024-05-03.csv.gz"), full, -1);
    assert_true(size > 1000000);

    /* cut inside the last record's quoted remarks */
    decompress(tdp("ofac/sdn_2024-05-03.csv.gz"), cut, size - 20);
    expect_format_error(cut, NULL, NULL, NULL,
                        "sdn.csv line 14965: ", "unterminated quoted field (file truncated?)");

    /* cut at the last line boundary: only the 0x1A marker is missing */
    decompress(tdp("ofac/sdn_2024-05-03.csv.gz"), cut, size - 1);
    expect_format_error(cut, NULL, NULL, NULL, "sdn.csv line 14965: ",
                        "file appears truncated (missing the end-of-file marker 0x1A)");

    /* the same for an add.csv cut at a line boundary */
    char *add = tmp_path(dir, "add.csv");
    write_file(add, "1,20,-0- ,-0- ,\"Iran\",-0- \r\n");
    write_file(full, REC("1", "X", "-0- ", "-0- ") "\x1a");
    expect_format_error(full, add, NULL, NULL,
                        "add.csv line 1: ", "missing the end-of-file marker");

    free(add);
    free(full);
    free(cut);
    free(dir);
}

static void test_malformed(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_csv_bad");
    char *p = tmp_path(dir, "sdn.csv");

    /* unterminated quote at the end of a small file */
    write_file(p,
               REC("1", "A", "-0- ", "-0- ") "2,\"B\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
                                             ",-0- ,\"DOB 1960; POB Par");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 2: ", "unterminated quoted field");

    /* cut mid-record outside quotes: too few columns */
    write_file(p, REC("1", "A", "-0- ", "-0- ") "2,\"B\",-0- ,\"SDGT\",-0- ,-0- ,-0- \r\n\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 2: ", "expected 12 columns, found 7");

    /* too many columns */
    write_file(p, REC("1", "A", "-0- ", "-0- ,-0- ") "\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 1: ", "expected 12 columns, found 13");

    /* non-numeric, zero and negative ent_num */
    write_file(p, REC("1", "A", "-0- ", "-0- ") REC("12a", "B", "-0- ", "-0- ") "\x1a");
    expect_format_error(p, NULL, NULL, NULL,
                        "sdn.csv line 2: ", "ent_num must be a positive integer, found '12a'");
    write_file(p, REC("0", "B", "-0- ", "-0- ") "\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 1: ", "positive integer");
    write_file(p, REC("-5", "B", "-0- ", "-0- ") "\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 1: ", "positive integer");

    /* duplicate ent_num */
    write_file(p, REC("7", "A", "-0- ", "-0- ") REC("8", "B", "-0- ", "-0- ")
                      REC("7", "C", "-0- ", "-0- ") "\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 3: ", "duplicate ent_num 7");

    /* unknown SDN_Type (a shifted column) */
    write_file(p, REC("7", "A", "\"SDGT\"", "-0- ") "\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 1: ", "unknown SDN_Type 'SDGT'");

    /* empty file, and a file with only the marker */
    write_file(p, "");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 1: ", "empty file");
    write_file(p, "\x1a");
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line ", "empty file");

    /* data after the end-of-file marker */
    write_file(p, REC("1", "A", "-0- ", "-0- ") "\x1a\r\n" REC("2", "B", "-0- ", "-0- "));
    expect_format_error(p, NULL, NULL, NULL, "sdn.csv line 3: ", "after the end-of-file marker");

    /* errors in the side files name them */
    write_file(p, REC("1", "A", "-0- ", "-0- ") "\x1a");
    char *alt = tmp_path(dir, "alt.csv");
    write_file(alt, "1,10,\"aka\",\"B\"\r\n\x1a");
    expect_format_error(p, NULL, alt, NULL, "alt.csv line 1: ", "expected 5 columns, found 4");
    write_file(alt, "1,10,\"aka\",\"B\",-0- \r\nx,11,\"aka\",\"C\",-0- \r\n\x1a");
    expect_format_error(p, NULL, alt, NULL, "alt.csv line 2: ", "positive integer");
    char *com = tmp_path(dir, "sdn_comments.csv");
    write_file(com, "1,\"abc\r\n");
    expect_format_error(p, NULL, NULL, com, "sdn_comments.csv line 1: ", "unterminated");

    /* a missing file is an I/O error */
    em_entity_list l;
    em_error err;
    char *missing = tmp_path(dir, "nope.csv");
    assert_int_equal(parse(missing, NULL, NULL, NULL, "ofac_sdn", &l, &err), -1);
    assert_int_equal(err.code, EM_ERR_IO);
    assert_non_null(strstr(err.message, "nope.csv"));
    em_entity_list_free(&l);

    free(missing);
    free(com);
    free(alt);
    free(p);
    free(dir);
}

static int failing_sink(void *ctx, em_entity *e, em_error *err) {
    int *n = ctx;
    em_entity_free(e);
    if (++*n == 2) return em_fail(err, EM_ERR_STORE, "sink full");
    return 0;
}

static void test_sink_abort(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_csv_sink");
    char *p = tmp_path(dir, "sdn.csv");
    write_file(p, REC("1", "A", "-0- ", "-0- ") REC("2", "B", "-0- ", "-0- ")
                      REC("3", "C", "-0- ", "-0- ") "\x1a");
    em_ofac_csv_files f = {p, NULL, NULL, NULL};
    em_error err = {0};
    int n = 0;
    assert_int_equal(em_parse_ofac_csv(&f, "ofac_sdn", failing_sink, &n, NULL, &err), -1);
    assert_int_equal(n, 2);
    assert_int_equal(err.code, EM_ERR_STORE);
    free(p);
    free(dir);
}

/* ---- the remarks clause parser --------------------------------------------------- */

static em_entity *remarks(const char *schema, const char *text) {
    em_entity *e = em_entity_new("ofac_sdn", "ofac", "1", schema);
    assert_int_equal(em_ofac_parse_remarks(e, text), 0);
    return e;
}

static void test_dates(void **state) {
    (void)state;
    char from[11], to[11];
    int circa;
    assert_true(em_ofac_remarks_date("12 Mar 1960", from, to, &circa));
    assert_string_equal(from, "1960-03-12");
    assert_string_equal(to, "1960-03-12");
    assert_int_equal(circa, 0);
    assert_true(em_ofac_remarks_date("Mar 1960", from, to, &circa));
    assert_string_equal(from, "1960-03");
    assert_true(em_ofac_remarks_date("1960", from, to, &circa));
    assert_string_equal(to, "1960");
    assert_true(em_ofac_remarks_date("circa 1951", from, to, &circa));
    assert_string_equal(from, "1951");
    assert_int_equal(circa, 1);
    assert_true(em_ofac_remarks_date("circa 1958-1962", from, to, &circa));
    assert_string_equal(from, "1958");
    assert_string_equal(to, "1962");
    assert_true(em_ofac_remarks_date("01 Jan 2015 to 31 Dec 2015", from, to, &circa));
    assert_string_equal(from, "2015-01-01");
    assert_string_equal(to, "2015-12-31");
    assert_true(em_ofac_remarks_date("Jan 1972 to Dec 1973", from, to, &circa));
    assert_string_equal(to, "1973-12");
    assert_true(em_ofac_remarks_date("5 Sep 1990", from, to, &circa));
    assert_string_equal(from, "1990-09-05");
    assert_false(em_ofac_remarks_date("1960s", from, to, &circa));
    assert_false(em_ofac_remarks_date("32 Mar 1960", from, to, &circa));
    assert_false(em_ofac_remarks_date("12 Foo 1960", from, to, &circa));
    assert_false(em_ofac_remarks_date("", from, to, &circa));
}

static void test_remarks_person(void **state) {
    (void)state;
    em_entity *e = remarks(
        EM_SCHEMA_PERSON, "DOB 1938; alt. DOB 1936; DOB circa 1951; alt. DOB 12 Mar 1960; POB "
                          "Najf Al Ashraf (Najaf), Iraq; alt. POB Karbala, Iraq; nationality Iran; "
                          "alt. nationality Iraq; citizen Lebanon; Gender Female; Passport "
                          "L8081303 (Iran) issued 14 Mar 2006 expires 14 Mar 2011; alt. Passport "
                          "D9008347 (Iran); National ID No. 216040 (Yemen); Cedula No. 6068015 "
                          "(Colombia); C.U.R.P. AIMM67125HCHRRG06 (Mexico) issued 1968; "
                          "Identification Number AO 2879097 (Italy) expires 30 Oct 2012; Linked "
                          "To: BIESTRA S.A.; Linked To: HIZBALLAH.");
    assert_int_equal(e->birth_dates.len, 4);
    assert_string_equal(e->birth_dates.items[0].from, "1938");
    assert_string_equal(e->birth_dates.items[1].text, "1936");
    assert_int_equal(e->birth_dates.items[2].circa, 1);
    assert_string_equal(e->birth_dates.items[2].text, "circa 1951");
    assert_string_equal(e->birth_dates.items[3].from, "1960-03-12");
    assert_string_equal(e->birth_dates.items[3].to, "1960-03-12");
    assert_int_equal(e->birth_places.len, 2);
    assert_string_equal(e->birth_places.items[0], "Najf Al Ashraf (Najaf), Iraq");
    assert_string_equal(e->birth_places.items[1], "Karbala, Iraq");
    assert_int_equal(e->nationalities.len, 2);
    assert_string_equal(e->nationalities.items[1], "Iraq");
    assert_string_equal(e->citizenships.items[0], "Lebanon");
    assert_string_equal(e->gender, "female");

    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "L8081303");
    assert_non_null(d);
    assert_string_equal(d->country, "Iran");
    assert_string_equal(d->label, "Passport");
    assert_string_equal(d->note, "issued 14 Mar 2006 expires 14 Mar 2011");
    d = find_identifier(e, EM_ID_PASSPORT, "D9008347");
    assert_non_null(d);
    assert_null(d->note);
    d = find_identifier(e, EM_ID_NATIONAL, "216040");
    assert_string_equal(d->country, "Yemen");
    d = find_identifier(e, EM_ID_REGISTRATION, "6068015");
    assert_string_equal(d->label, "Cedula No.");
    d = find_identifier(e, EM_ID_REGISTRATION, "AIMM67125HCHRRG06");
    assert_string_equal(d->note, "issued 1968");
    d = find_identifier(e, EM_ID_REGISTRATION, "AO 2879097");
    assert_string_equal(d->country, "Italy");
    assert_string_equal(d->note, "expires 30 Oct 2012");

    assert_int_equal(e->links.len, 2);
    assert_string_equal(e->links.items[0].target_name, "BIESTRA S.A."); /* not the last clause */
    assert_string_equal(e->links.items[1].target_name, "HIZBALLAH");    /* sentence "." dropped */
    em_entity_free(e);
}

static void test_remarks_aliases(void **state) {
    (void)state;
    em_entity *e = remarks(EM_SCHEMA_ORGANIZATION,
                           "a.k.a. 'MOIS'; a.k.a. 'VEVAK'; f.k.a. 'ANA I'; n.k.a. 'LGOK'; a.k.a. "
                           "'ISLAMIC GAMA'AT'; a.k.a. ''FOOPIE''; a.k.a. ''ALI, Abu'; a.k.a. 'A; "
                           "B'; alt. a.k.a. 'R.E.N.T.A.L A.S.'.");
    const em_name *n = name_of(e, "MOIS");
    assert_string_equal(n->kind, EM_NAME_AKA);
    assert_string_equal(n->strength, "weak");
    assert_true(has_name(e, "VEVAK", EM_NAME_AKA));
    assert_true(has_name(e, "ANA I", EM_NAME_FKA));
    assert_true(has_name(e, "LGOK", EM_NAME_NKA));
    assert_true(has_name(e, "ISLAMIC GAMA'AT", EM_NAME_AKA));
    assert_true(has_name(e, "A; B", EM_NAME_AKA));
    assert_true(has_name(e, "FOOPIE", EM_NAME_AKA));
    assert_true(has_name(e, "'ALI, Abu", EM_NAME_AKA)); /* the apostrophe is an 'ayn */
    assert_true(has_name(e, "R.E.N.T.A.L A.S.", EM_NAME_AKA));
    assert_int_equal(e->names.len, 9);
    em_entity_free(e);
}

static void test_remarks_contact_and_crypto(void **state) {
    (void)state;
    em_entity *e = remarks(
        EM_SCHEMA_ORGANIZATION,
        "Website www.mebank.ir; Email Address dam.d.free@net.sy; Email:adelb@shabakah.net.sa; "
        "Phone Number 982188526300; alt. Phone Number 982188526301; Telephone (98)(21)(66153220); "
        "SWIFT/BIC SABRRUMM; Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; "
        "alt. Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96; Tax ID "
        "No. 7707083893 (Russia); Registration Number 1027700132195 (Russia); R.F.C. "
        "DIB-771110-HQ1 (Mexico).; NIT # 800018928-0 (Colombia); Legal Entity Number "
        "253400V1H6ART1UQ0N98 (Russia); Unified Social Credit Code (USCC) 9113100033607322XK "
        "(China); D-U-N-S Number 542957624; Company Number 01074897 (United Kingdom); Trade "
        "License No. 683633 (United Arab Emirates); Organization Established Date 12 Feb 2009; "
        "Organization Type: Activities of holding companies; Target Type Private Company; "
        "Additional Sanctions Information - Subject to Secondary Sanctions; Listing Date (EO 14024 "
        "Directive 2): 24 Feb 2022; Member of the Upper House of Parliament.");
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "www.mebank.ir"));
    assert_non_null(find_identifier(e, EM_ID_EMAIL, "dam.d.free@net.sy"));
    assert_non_null(find_identifier(e, EM_ID_EMAIL, "adelb@shabakah.net.sa"));
    assert_non_null(find_identifier(e, EM_ID_PHONE, "982188526300"));
    assert_non_null(find_identifier(e, EM_ID_PHONE, "982188526301"));
    assert_non_null(find_identifier(e, EM_ID_PHONE, "(98)(21)(66153220)"));
    assert_non_null(find_identifier(e, EM_ID_BIC, "SABRRUMM"));
    const em_identifier *d = find_identifier(e, EM_ID_CRYPTO, "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h");
    assert_string_equal(d->currency, "XBT");
    assert_string_equal(d->label, "Digital Currency Address - XBT");
    d = find_identifier(e, EM_ID_CRYPTO, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
    assert_string_equal(d->currency, "ETH");
    d = find_identifier(e, EM_ID_TAX, "7707083893");
    assert_string_equal(d->country, "Russia");
    assert_non_null(find_identifier(e, EM_ID_REGISTRATION, "1027700132195"));
    d = find_identifier(e, EM_ID_TAX, "DIB-771110-HQ1");
    assert_string_equal(d->country, "Mexico");
    assert_null(d->note);
    assert_non_null(find_identifier(e, EM_ID_TAX, "800018928-0"));
    d = find_identifier(e, EM_ID_REGISTRATION, "253400V1H6ART1UQ0N98");
    assert_string_equal(d->label, "Legal Entity Number");
    d = find_identifier(e, EM_ID_REGISTRATION, "9113100033607322XK");
    assert_string_equal(d->country, "China");
    d = find_identifier(e, EM_ID_OTHER, "542957624");
    assert_string_equal(d->label, "D-U-N-S Number");
    assert_non_null(find_identifier(e, EM_ID_REGISTRATION, "01074897"));
    assert_non_null(find_identifier(e, EM_ID_REGISTRATION, "683633"));
    assert_string_equal(get_prop(e, "incorporation_date", 0), "2009-02-12");
    assert_string_equal(get_prop(e, "organization_type", 0), "Activities of holding companies");
    assert_string_equal(get_prop(e, "target_type", 0), "Private Company");
    assert_string_equal(get_prop(e, "sanctions_info", 0), "Subject to Secondary Sanctions");
    /* nothing from the listing date or the prose clause */
    assert_int_equal(e->props.len, 4);
    assert_int_equal(e->identifiers.len, 18);
    em_entity_free(e);
}

static void test_remarks_vessel_aircraft(void **state) {
    (void)state;
    em_entity *e = remarks(
        EM_SCHEMA_VESSEL, "Vessel Registration Identification IMO 9187629; MMSI 572469210; Other "
                          "Vessel Call Sign 5IM713; Other Vessel Flag Tanzania; Former Vessel Flag "
                          "Malta; Vessel Year of Build 1999; Vessel Registration Identification RS "
                          "150443 (Russia); Vessel Registration Identification IMO  8730455.");
    assert_non_null(find_identifier(e, EM_ID_IMO, "9187629"));
    assert_non_null(find_identifier(e, EM_ID_IMO, "8730455"));
    assert_non_null(find_identifier(e, EM_ID_MMSI, "572469210"));
    assert_non_null(find_identifier(e, EM_ID_CALL_SIGN, "5IM713"));
    const em_identifier *d = find_identifier(e, EM_ID_REGISTRATION, "RS 150443");
    assert_non_null(d);
    assert_string_equal(d->country, "Russia");
    assert_string_equal(get_prop(e, "vessel_flag", 0), "Tanzania");
    assert_string_equal(get_prop(e, "former_vessel_flag", 0), "Malta");
    assert_string_equal(get_prop(e, "build_year", 0), "1999");
    em_entity_free(e);

    e = remarks(EM_SCHEMA_AIRCRAFT,
                "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft "
                "Manufacture Date 1992; Aircraft Model IL-76TD; Aircraft Operator Iran Air; "
                "Aircraft Manufacturer's Serial Number (MSN) 1023409321; Aircraft Tail Number "
                "EP-MMH; Previous Aircraft Tail Number YI-NAE; Nationality of Registration Korea, "
                "North.");
    d = find_identifier(e, EM_ID_OTHER, "1023409321");
    assert_string_equal(d->label, "Aircraft Manufacturer's Serial Number (MSN)");
    d = find_identifier(e, EM_ID_OTHER, "8401");
    assert_string_equal(d->label, "Aircraft Construction Number (also called L/N or S/N or F/N)");
    assert_non_null(find_identifier(e, EM_ID_REGISTRATION, "EP-MMH"));
    assert_non_null(find_identifier(e, EM_ID_OTHER, "YI-NAE"));
    assert_string_equal(get_prop(e, "aircraft_model", 0), "IL-76TD");
    assert_string_equal(get_prop(e, "aircraft_operator", 0), "Iran Air");
    assert_string_equal(get_prop(e, "build_date", 0), "1992");
    assert_string_equal(get_prop(e, "registration_country", 0), "Korea, North");
    em_entity_free(e);
}

static void test_remarks_generic_and_unknown(void **state) {
    (void)state;
    em_entity *e = remarks(EM_SCHEMA_PERSON,
                           "Driver's License No. 180839 (Mexico); Electoral Registry No. 07385114 "
                           "(Afghanistan).; Member of the Upper House of Parliament.; "
                           "nationality possibly Palestinian;arrested 23 Apr 2002; ICTY indictee; "
                           "Secondary sanctions risk: section 1(b) of Executive Order 13224");
    const em_identifier *d = find_identifier(e, EM_ID_OTHER, "180839");
    assert_non_null(d);
    assert_string_equal(d->label, "Driver's License No.");
    assert_string_equal(d->country, "Mexico");
    d = find_identifier(e, EM_ID_OTHER, "07385114");
    assert_string_equal(d->label, "Electoral Registry No.");
    assert_null(d->note);
    assert_int_equal(e->identifiers.len, 2);
    assert_int_equal(e->nationalities.len, 0);
    assert_int_equal(e->props.len, 0);
    assert_int_equal(e->names.len, 0);
    em_entity_free(e);

    e = remarks(EM_SCHEMA_PERSON, NULL);
    assert_int_equal(e->identifiers.len, 0);
    em_entity_free(e);
    e = remarks(EM_SCHEMA_PERSON, "; ; .");
    assert_int_equal(e->identifiers.len + e->names.len + e->props.len, 0);
    em_entity_free(e);
}

int main(void) {
    const struct CMUnitTest sdn2023_tests[] = {
        cmocka_unit_test(test_sdn2023_count),   cmocka_unit_test(test_sdn2023_mois),
        cmocka_unit_test(test_sdn2023_khatib),  cmocka_unit_test(test_sdn2023_sberbank),
        cmocka_unit_test(test_sdn2023_crypto),  cmocka_unit_test(test_sdn2023_vessel),
        cmocka_unit_test(test_sdn2023_schemas),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consolidated),
        cmocka_unit_test(test_sdn2021),
        cmocka_unit_test(test_sdn2024_main_only),
        cmocka_unit_test(test_sdn2022_delta),
        cmocka_unit_test(test_windows1252_and_multiline),
        cmocka_unit_test(test_truncated_real_file),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_sink_abort),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_remarks_person),
        cmocka_unit_test(test_remarks_aliases),
        cmocka_unit_test(test_remarks_contact_and_crypto),
        cmocka_unit_test(test_remarks_vessel_aircraft),
        cmocka_unit_test(test_remarks_generic_and_unknown),
    };
    int fails = cmocka_run_group_tests_name("ofac_csv_sdn2023", sdn2023_tests, setup_sdn2023,
                                            teardown_sdn2023);
    fails += cmocka_run_group_tests_name("ofac_csv", tests, NULL, NULL);
    return fails;
}
