/*
 * test_ofac_xml.c - the OFAC XML parsers: <sdnList> (SDN.XML / CONSOLIDATED.XML,
 * old and new namespaces) and ENHANCED_XML <sanctionsData>, on the real OFAC
 * samples in tests/data/ofac, hand-made fixtures, and broken files.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/ofac_common.h"
#include "sources/reader.h"
#include "sources/source.h"
#include "sources/xml.h"

#define CONS_XML "ofac/consolidated_2024-05-06.xml.gz"
#define IRGC_XML "ofac/irgc_enhanced_2024-08-28.xml.gz"
#define NS_NEW "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"
#define NS_OLD "http://tempuri.org/sdnList.xsd"

/* ---- helpers ---------------------------------------------------------- */

/* The decompressed content of a file. */
static char *slurp(const char *path, size_t *len) {
    em_error err = {0};
    em_reader *r = em_reader_open(path, &err);
    if (!r) fail_msg("cannot open %s: %s", path, err.message);
    em_buf b;
    em_buf_init(&b);
    char chunk[65536];
    long n;
    while ((n = em_reader_read(r, chunk, sizeof chunk, &err)) > 0)
        em_buf_add(&b, chunk, (size_t)n);
    assert_true(n == 0);
    em_reader_close(r);
    if (len) *len = b.len;
    return em_buf_detach(&b);
}

static void write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* s with the first occurrence of `from` replaced by `to` (caller frees). */
static char *replace_once(const char *s, const char *from, const char *to) {
    const char *p = strstr(s, from);
    assert_non_null(p);
    return em_xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

/* Writes `text` to <TEST_TMP_DIR>/<dir>/<file>; returns the path (caller frees). */
static char *fixture(const char *dir, const char *file, const char *text) {
    char *d = tmpdir_new(dir);
    char *path = em_xasprintf("%s/%s", d, file);
    write_file(path, text, strlen(text));
    free(d);
    return path;
}

typedef struct counter {
    const char *name, *parent; /* count <name> elements directly inside <parent> */
    long count;
    char record_count[32];
} counter;

static int count_end(void *ctx, em_xml *x, const char *name, const char *text) {
    counter *c = ctx;
    if (strcmp(name, c->name) == 0 && strcmp(em_xml_parent(x, 1), c->parent) == 0) c->count++;
    if (strcmp(name, "Record_Count") == 0)
        snprintf(c->record_count, sizeof c->record_count, "%s", text);
    return 0;
}

/* Counts elements with the xml layer alone, independently of the parsers. */
static counter count_elements(const char *path, const char *name, const char *parent) {
    counter c = {name, parent, 0, ""};
    em_xml_handlers h = {NULL, count_end};
    em_error err = {0};
    assert_int_equal(em_xml_parse(path, &h, &c, &err), 0);
    return c;
}

static int parse_sdn(const char *path, em_entity_list *l, em_parse_meta *m, em_error *err) {
    return em_parse_ofac_sdn_xml(path, "ofac_cons", collect_sink, l, m, err);
}

static int parse_enh(const char *path, em_entity_list *l, em_parse_meta *m, em_error *err) {
    return em_parse_ofac_enhanced_xml(path, "ofac_sdn", collect_sink, l, m, err);
}

static const em_name *get_kind_name(const em_entity *e, const char *full, const char *kind) {
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, full) == 0 && strcmp(e->names.items[i].kind, kind) == 0)
            return &e->names.items[i];
    fail_msg("%s has no %s name \"%s\"", e->id, kind, full);
    return NULL;
}

static const em_link *find_link(const em_entity *e, const char *target_id) {
    for (size_t i = 0; i < e->links.len; i++)
        if (e->links.items[i].target_id && strcmp(e->links.items[i].target_id, target_id) == 0)
            return &e->links.items[i];
    return NULL;
}

static void assert_str_or_null(const char *got, const char *want) {
    if (!want)
        assert_null(got);
    else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

static void assert_date(const em_date *d, const char *text, const char *from, const char *to,
                        int circa) {
    assert_str_or_null(d->text, text);
    assert_str_or_null(d->from, from);
    assert_str_or_null(d->to, to);
    assert_int_equal(d->circa, circa);
}

/* Every entity of `part` is identical (as JSON) to the entity of `full` with its id. */
static void assert_same_entities(const em_entity_list *part, const em_entity_list *full) {
    for (size_t i = 0; i < part->len; i++) {
        em_entity *a = part->items[i], *b = find_entity(full, a->id);
        assert_non_null(b);
        char *ja = em_entity_to_json_string(a, 0), *jb = em_entity_to_json_string(b, 0);
        assert_string_equal(ja, jb);
        free(ja);
        free(jb);
    }
}

/* ---- shared helpers ------------------------------------------------------ */

static void test_date_parsing(void **state) {
    (void)state;
    char from[16], to[16];
    int circa;
    assert_int_equal(em_ofac_parse_date("12 Mar 1960", from, to, &circa), 0);
    assert_string_equal(from, "1960-03-12");
    assert_string_equal(to, "1960-03-12");
    assert_int_equal(circa, 0);
    assert_int_equal(em_ofac_parse_date("09 Jan 1965", from, to, &circa), 0);
    assert_string_equal(from, "1965-01-09");
    assert_int_equal(em_ofac_parse_date("Mar 1960", from, to, &circa), 0);
    assert_string_equal(from, "1960-03");
    assert_string_equal(to, "1960-03");
    assert_int_equal(em_ofac_parse_date("1960", from, to, &circa), 0);
    assert_string_equal(from, "1960");
    assert_int_equal(em_ofac_parse_date("circa 1960", from, to, &circa), 0);
    assert_string_equal(from, "1960");
    assert_string_equal(to, "1960");
    assert_int_equal(circa, 1);
    assert_int_equal(em_ofac_parse_date("1960 to 1961", from, to, &circa), 0);
    assert_string_equal(from, "1960");
    assert_string_equal(to, "1961");
    assert_int_equal(circa, 0);
    assert_int_equal(em_ofac_parse_date("Mar 1955 to Mar 1956", from, to, &circa), 0);
    assert_string_equal(from, "1955-03");
    assert_string_equal(to, "1956-03");
    assert_int_equal(em_ofac_parse_date("01 Mar 1961 to 01 Mar 1962", from, to, &circa), 0);
    assert_string_equal(from, "1961-03-01");
    assert_string_equal(to, "1962-03-01");
    assert_int_equal(em_ofac_parse_date("1960-03-12", from, to, &circa), 0);
    assert_string_equal(from, "1960-03-12");
    /* not dates */
    assert_int_equal(em_ofac_parse_date("", from, to, &circa), -1);
    assert_int_equal(em_ofac_parse_date("unknown", from, to, &circa), -1);
    assert_int_equal(em_ofac_parse_date("32 Mar 1960", from, to, &circa), -1);
    assert_int_equal(em_ofac_parse_date("12 Foo 1960", from, to, &circa), -1);
    assert_int_equal(em_ofac_parse_date("1960 to", from, to, &circa), -1);
    assert_string_equal(from, "");
    assert_int_equal(em_ofac_parse_date("12 Mar 1960 extra", from, to, &circa), -1);

    char iso[32];
    assert_int_equal(em_ofac_iso_date("05/06/2024", iso, sizeof iso), 0);
    assert_string_equal(iso, "2024-05-06");
    assert_int_equal(em_ofac_iso_date("2024-08-28T00:00:00", iso, sizeof iso), 0);
    assert_string_equal(iso, "2024-08-28");
    assert_int_equal(em_ofac_iso_date("yesterday", iso, sizeof iso), -1);

    /* unparseable birth dates are kept as text */
    em_entity *e = em_entity_new("t", "t", "1", EM_SCHEMA_PERSON);
    em_ofac_add_birth_date(e, "circa 1971");
    em_ofac_add_birth_date(e, "Spring 1970");
    assert_int_equal(e->birth_dates.len, 2);
    assert_date(&e->birth_dates.items[0], "circa 1971", "1971", "1971", 1);
    assert_date(&e->birth_dates.items[1], "Spring 1970", NULL, NULL, 0);
    em_entity_free(e);
}

static void test_fact_mapping(void **state) {
    (void)state;
    em_entity *e = em_entity_new("t", "t", "1", EM_SCHEMA_VESSEL);
    em_ofac_add_fact(e, "Vessel Registration Identification", "IMO 9187629", NULL, NULL);
    em_ofac_add_fact(e, "MMSI", "422026600", NULL, NULL);
    em_ofac_add_fact(e, "Digital Currency Address - XBT", "1ABC", NULL, NULL);
    em_ofac_add_fact(e, "Digital Currency Address - ETH", "0xdef", NULL, NULL);
    em_ofac_add_fact(e, "Passport", "G9333110", "Iran", "issued 2014-03-03");
    em_ofac_add_fact(e, "National ID No.", "0383595282", "Iran", NULL);
    em_ofac_add_fact(e, "Tax ID No.", "7710", "Russia", NULL);
    em_ofac_add_fact(e, "Unified Social Credit Code (USCC)", "91650", NULL, NULL);
    em_ofac_add_fact(e, "Registration ID", "123", NULL, NULL);
    em_ofac_add_fact(e, "SWIFT/BIC", "CKLBCNBJ", NULL, NULL);
    em_ofac_add_fact(e, "Email Address", "a@b.c", NULL, NULL);
    em_ofac_add_fact(e, "Website", "www.x.ir", NULL, NULL);
    em_ofac_add_fact(e, "Phone Number", "98", NULL, NULL);
    em_ofac_add_fact(e, "Other Vessel Call Sign", "9BQM", NULL, NULL);
    em_ofac_add_fact(e, "ISIN", "RU000", NULL, NULL);
    em_ofac_add_fact(e, "Gender", "Female", NULL, NULL);
    em_ofac_add_fact(e, "Vessel Year of Build", "1998", NULL, NULL);
    em_ofac_add_fact(e, "Vessel Flag", "Iran", NULL, NULL);
    em_ofac_add_fact(e, "Organization Established Date", "2004", NULL, NULL);
    em_ofac_add_fact(e, "Target Type", "State-Owned Enterprise", NULL, NULL);
    em_ofac_add_fact(e, "Additional Sanctions Information -", "Subject to Secondary Sanctions",
                     NULL, NULL);
    em_ofac_add_fact(e, "Effective Date (EO 14024 Directive 2):", "24 Mar 2022", NULL, NULL);
    em_ofac_add_fact(e, "Nationality of Registration", NULL, "Russia", NULL);
    em_ofac_add_fact(e, "Passport", "", NULL, NULL); /* empty: nothing */

    const em_identifier *d = find_identifier(e, EM_ID_IMO, "9187629");
    assert_non_null(d);
    assert_string_equal(d->label, "Vessel Registration Identification");
    assert_non_null(find_identifier(e, EM_ID_MMSI, "422026600"));
    d = find_identifier(e, EM_ID_CRYPTO, "1ABC");
    assert_non_null(d);
    assert_string_equal(d->currency, "XBT");
    assert_string_equal(find_identifier(e, EM_ID_CRYPTO, "0xdef")->currency, "ETH");
    d = find_identifier(e, EM_ID_PASSPORT, "G9333110");
    assert_non_null(d);
    assert_string_equal(d->country, "Iran");
    assert_string_equal(d->note, "issued 2014-03-03");
    assert_non_null(find_identifier(e, EM_ID_NATIONAL, "0383595282"));
    assert_non_null(find_identifier(e, EM_ID_TAX, "7710"));
    assert_non_null(find_identifier(e, EM_ID_REGISTRATION, "91650"));
    assert_non_null(find_identifier(e, EM_ID_REGISTRATION, "123"));
    assert_non_null(find_identifier(e, EM_ID_BIC, "CKLBCNBJ"));
    assert_non_null(find_identifier(e, EM_ID_EMAIL, "a@b.c"));
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "www.x.ir"));
    assert_non_null(find_identifier(e, EM_ID_PHONE, "98"));
    assert_non_null(find_identifier(e, EM_ID_CALL_SIGN, "9BQM"));
    assert_string_equal(find_identifier(e, EM_ID_OTHER, "RU000")->label, "ISIN");
    assert_int_equal(e->identifiers.len, 15);

    assert_string_equal(e->gender, "female");
    assert_true(has_prop(e, "build_year", "1998"));
    assert_true(has_prop(e, "vessel_flag", "Iran"));
    assert_true(has_prop(e, "incorporation_date", "2004"));
    assert_true(has_prop(e, "target_type", "State-Owned Enterprise"));
    assert_true(has_prop(e, "sanctions_info", "Subject to Secondary Sanctions"));
    assert_true(has_prop(e, "effective_date", "24 Mar 2022 (EO 14024 Directive 2)"));
    assert_true(has_prop(e, "registration_country", "Russia"));
    assert_int_equal(e->props.len, 7);
    em_entity_free(e);
}

/* ---- sdnList ----------------------------------------------------------- */

static void test_sdn_consolidated(void **state) {
    (void)state;
    const char *path = td(CONS_XML);
    counter c = count_elements(path, "sdnEntry", "sdnList");
    assert_int_equal(c.count, 443);
    assert_string_equal(c.record_count, "443");

    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_sdn(path, &l, &m, &err), 0);
    assert_int_equal(l.len, c.count);
    assert_string_equal(m.published, "2024-05-06");
    assert_string_equal(m.format, "ofac-xml");
    for (size_t i = 0; i < l.len; i++) {
        assert_non_null(l.items[i]->caption);
        assert_true(l.items[i]->names.len > 0);
        assert_true(l.items[i]->programs.len > 0);
    }

    /* 9639 HANIYA, Ismail Abdul Salah: a person with akas, DOB, POB */
    em_entity *e = find_entity(&l, "ofac-9639");
    assert_non_null(e);
    assert_string_equal(e->source, "ofac_cons");
    assert_string_equal(e->source_id, "9639");
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "HANIYA, Ismail Abdul Salah");
    assert_int_equal(e->names.len, 3);
    const em_name *n = get_kind_name(e, "HANIYA, Ismail Abdul Salah", EM_NAME_PRIMARY);
    assert_string_equal(n->last, "HANIYA");
    assert_string_equal(n->first, "Ismail Abdul Salah");
    assert_null(n->strength);
    n = get_kind_name(e, "HANIYA, Ismail", EM_NAME_AKA);
    assert_string_equal(n->strength, "strong");
    assert_string_equal(n->first, "Ismail");
    n = get_kind_name(e, "HANIYYA, Ismaeel", EM_NAME_AKA);
    assert_string_equal(n->strength, "strong");
    assert_string_equal(n->last, "HANIYYA");
    assert_int_equal(e->birth_dates.len, 1);
    assert_date(&e->birth_dates.items[0], "1962", "1962", "1962", 0);
    assert_int_equal(e->birth_places.len, 1);
    assert_string_equal(e->birth_places.items[0], "Shati");
    assert_int_equal(e->programs.len, 1);
    assert_true(has_program(e, "NS-PLC"));
    assert_int_equal(e->identifiers.len, 0);
    assert_int_equal(e->addresses.len, 0);
    assert_null(e->gender);
    assert_null(e->remarks);

    /* 9647 ZAHHAR: gender and a sanctions-risk fact from idList, weak akas, nationality */
    e = find_entity(&l, "ofac-9647");
    assert_non_null(e);
    assert_string_equal(e->caption, "ZAHHAR, Mahmoud Khaled");
    assert_string_equal(e->gender, "male");
    assert_string_equal(e->remarks, "(Linked To: HAMAS)");
    assert_int_equal(e->identifiers.len, 0); /* Gender and the risk note are facts */
    assert_string_equal(
        get_prop(e, "secondary_sanctions_risk", 0),
        "section 1(b) of Executive Order 13224, as amended by Executive Order 13886");
    n = get_kind_name(e, "ZAHAR, Mahmoud", EM_NAME_AKA);
    assert_string_equal(n->strength, "weak");
    assert_null(n->first); /* the whole name is in lastName: no parts */
    assert_true(em_strvec_contains(&e->nationalities, "Palestinian"));
    assert_true(has_program(e, "SDGT"));
    assert_date(&e->birth_dates.items[0], "1945", "1945", "1945", 0);

    /* 15268 BANK OF KUNLUN: an organization with f.k.a.s, a BIC and four addresses */
    e = find_entity(&l, "ofac-15268");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "BANK OF KUNLUN CO LTD");
    n = get_kind_name(e, "KARAMAY URBAN CREDIT COOPERATIVES", EM_NAME_FKA);
    assert_string_equal(n->strength, "strong");
    assert_null(n->last); /* parts only for people */
    assert_true(has_name(e, "KARAMAY CITY COMMERCIAL BANK CO LTD.", EM_NAME_FKA));
    assert_int_equal(e->identifiers.len, 1);
    const em_identifier *d = find_identifier(e, EM_ID_BIC, "CKLBCNBJ");
    assert_non_null(d);
    assert_string_equal(d->label, "SWIFT/BIC");
    assert_int_equal(e->addresses.len, 4);
    const em_address *a = &e->addresses.items[0];
    assert_string_equal(a->street,
                        "172 Xibin Rd, Ranghulu District, (Daqing, Heilongjiang Branch)");
    assert_string_equal(a->city, "Daqing");
    assert_string_equal(a->postal, "163453");
    assert_string_equal(a->country, "China");
    assert_null(a->region);
    assert_string_equal(
        a->full,
        "172 Xibin Rd, Ranghulu District, (Daqing, Heilongjiang Branch), Daqing, 163453, China");
    assert_true(has_program(e, "561-Related"));
    assert_true(strstr(e->remarks, "correspondent account") != NULL);

    /* 17014 RUSSIAN AGRICULTURAL BANK: registration numbers with countries, directive facts */
    e = find_entity(&l, "ofac-17014");
    assert_non_null(e);
    d = find_identifier(e, EM_ID_REGISTRATION, "1027700342890");
    assert_non_null(d);
    assert_string_equal(d->country, "Russia");
    assert_string_equal(d->label, "Registration Number");
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "http://www.rshb.ru"));
    assert_non_null(find_identifier(e, EM_ID_BIC, "RUAGRUMM"));
    assert_true(has_prop(e, "sanctions_info",
                         "Executive Order 13662 Directive Determination - Subject to Directive 1"));
    assert_true(has_name(e, "RUSAG", EM_NAME_AKA));

    em_entity_list_free(&l);
}

static void test_sdn_old_namespace(void **state) {
    (void)state;
    size_t len;
    char *xml = slurp(td(CONS_XML), &len);
    char *old = replace_once(xml, NS_NEW, NS_OLD);
    assert_null(strstr(old, NS_NEW));
    char *dir = tmpdir_new("ofac_xml_oldns");
    char *path = em_xasprintf("%s/SDN.XML", dir);
    write_file(path, old, strlen(old));

    em_entity_list a = {0}, b = {0};
    em_parse_meta ma, mb;
    em_error err = {0};
    assert_int_equal(parse_sdn(td(CONS_XML), &a, &ma, &err), 0);
    assert_int_equal(parse_sdn(path, &b, &mb, &err), 0);
    assert_int_equal(a.len, 443);
    assert_int_equal(b.len, a.len);
    assert_string_equal(mb.published, ma.published);
    for (size_t i = 0; i < a.len; i++)
        assert_string_equal(a.items[i]->id, b.items[i]->id);
    assert_same_entities(&b, &a);

    em_entity_list_free(&a);
    em_entity_list_free(&b);
    free(xml);
    free(old);
    free(path);
    free(dir);
}

static const char *SDN_FIXTURE =
    "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
    "<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">\n"
    "  <publshInformation><Publish_Date>12/31/2021</Publish_Date>"
    "<Record_Count>3</Record_Count></publshInformation>\n"
    "  <sdnEntry>\n"
    "    <uid>9702</uid><lastName>SEA STAR</lastName><sdnType>Vessel</sdnType>\n"
    "    <programList><program>IRAN</program><program>IRGC</program></programList>\n"
    "    <idList>\n"
    "      <id><uid>1</uid><idType>Vessel Registration Identification</idType>"
    "<idNumber>IMO 9187629</idNumber></id>\n"
    "      <id><uid>2</uid><idType>MMSI</idType><idNumber>422026600</idNumber></id>\n"
    "      <id><uid>3</uid><idType>Vessel Year of Build</idType><idNumber>1998</idNumber></id>\n"
    "    </idList>\n"
    "    <akaList><aka><uid>5</uid><type>f.k.a.</type><category>strong</category>"
    "<lastName>OCEAN STAR</lastName></aka>"
    "<aka><uid>6</uid><type>n.k.a.</type><category>weak</category>"
    "<lastName>STAR</lastName></aka></akaList>\n"
    "    <vesselInfo><callSign>9BQM</callSign><vesselType>Crude Oil Tanker</vesselType>"
    "<vesselFlag>Iran</vesselFlag><vesselOwner>NITC</vesselOwner><tonnage>1000</tonnage>"
    "<grossRegisteredTonnage>2000</grossRegisteredTonnage></vesselInfo>\n"
    "  </sdnEntry>\n"
    "  <sdnEntry>\n"
    "    <uid>36000</uid><firstName>Maria</firstName><lastName>PEREZ</lastName>"
    "<title>Minister of Finance</title><sdnType>Individual</sdnType>"
    "<remarks>Some remark.</remarks>\n"
    "    <programList><program>VENEZUELA</program></programList>\n"
    "    <idList><id><uid>7</uid><idType>Passport</idType><idNumber>P123</idNumber>"
    "<idCountry>Venezuela</idCountry><issueDate>01 Jan 2015</issueDate>"
    "<expirationDate>01 Jan 2025</expirationDate></id>"
    "<id><uid>8</uid><idType>Gender</idType><idNumber>Female</idNumber></id>"
    "<id><uid>9</uid><idType>Digital Currency Address - XBT</idType>"
    "<idNumber>1ABCdef</idNumber></id></idList>\n"
    "    <addressList><address><uid>10</uid><address1>Av. Urdaneta</address1>"
    "<address2>Edificio 1</address2><address3>Piso 2</address3><city>Caracas</city>"
    "<stateOrProvince>Distrito Capital</stateOrProvince><postalCode>1010</postalCode>"
    "<country>Venezuela</country></address></addressList>\n"
    "    <dateOfBirthList>"
    "<dateOfBirthItem><uid>11</uid><dateOfBirth>circa 1960</dateOfBirth></dateOfBirthItem>"
    "<dateOfBirthItem><uid>12</uid><dateOfBirth>1962 to 1963</dateOfBirth></dateOfBirthItem>"
    "<dateOfBirthItem><uid>13</uid><dateOfBirth>12 Mar 1961</dateOfBirth></dateOfBirthItem>"
    "</dateOfBirthList>\n"
    "    <placeOfBirthList><placeOfBirthItem><uid>14</uid><placeOfBirth>Maracaibo, Venezuela"
    "</placeOfBirth></placeOfBirthItem></placeOfBirthList>\n"
    "    <nationalityList><nationality><uid>15</uid><country>Venezuela</country>"
    "</nationality></nationalityList>\n"
    "    <citizenshipList><citizenship><uid>16</uid><country>Spain</country>"
    "</citizenship></citizenshipList>\n"
    "  </sdnEntry>\n"
    "  <sdnEntry><uid>36001</uid><lastName>EP-ABC</lastName><sdnType>Aircraft</sdnType>"
    "<programList><program>IRAN</program></programList></sdnEntry>\n"
    "</sdnList>\n";

static void test_sdn_fixture(void **state) {
    (void)state;
    char *path = fixture("ofac_xml_fixture", "sdn.xml", SDN_FIXTURE);
    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_sdn(path, &l, &m, &err), 0);
    assert_int_equal(l.len, 3);
    assert_string_equal(m.published, "2021-12-31");

    em_entity *e = find_entity(&l, "ofac-9702");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_VESSEL);
    assert_string_equal(e->caption, "SEA STAR");
    assert_string_equal(get_kind_name(e, "OCEAN STAR", EM_NAME_FKA)->strength, "strong");
    assert_string_equal(get_kind_name(e, "STAR", EM_NAME_NKA)->strength, "weak");
    assert_non_null(find_identifier(e, EM_ID_IMO, "9187629"));
    assert_non_null(find_identifier(e, EM_ID_MMSI, "422026600"));
    assert_non_null(find_identifier(e, EM_ID_CALL_SIGN, "9BQM"));
    assert_int_equal(e->identifiers.len, 3);
    assert_true(has_prop(e, "build_year", "1998"));
    assert_true(has_prop(e, "vessel_type", "Crude Oil Tanker"));
    assert_true(has_prop(e, "vessel_flag", "Iran"));
    assert_true(has_prop(e, "vessel_owner", "NITC"));
    assert_true(has_prop(e, "tonnage", "1000"));
    assert_true(has_prop(e, "gross_registered_tonnage", "2000"));
    assert_true(has_program(e, "IRGC"));

    e = find_entity(&l, "ofac-36000");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "PEREZ, Maria");
    assert_string_equal(e->gender, "female");
    assert_string_equal(e->remarks, "Some remark.");
    assert_true(has_prop(e, "title", "Minister of Finance"));
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "P123");
    assert_non_null(d);
    assert_string_equal(d->country, "Venezuela");
    assert_string_equal(d->label, "Passport");
    assert_string_equal(d->note, "issued 01 Jan 2015; expires 01 Jan 2025");
    d = find_identifier(e, EM_ID_CRYPTO, "1ABCdef");
    assert_non_null(d);
    assert_string_equal(d->currency, "XBT");
    assert_int_equal(e->identifiers.len, 2);
    assert_int_equal(e->addresses.len, 1);
    const em_address *a = &e->addresses.items[0];
    assert_string_equal(a->street, "Av. Urdaneta, Edificio 1, Piso 2");
    assert_string_equal(a->city, "Caracas");
    assert_string_equal(a->region, "Distrito Capital");
    assert_string_equal(a->postal, "1010");
    assert_string_equal(a->country, "Venezuela");
    assert_int_equal(e->birth_dates.len, 3);
    assert_date(&e->birth_dates.items[0], "circa 1960", "1960", "1960", 1);
    assert_date(&e->birth_dates.items[1], "1962 to 1963", "1962", "1963", 0);
    assert_date(&e->birth_dates.items[2], "12 Mar 1961", "1961-03-12", "1961-03-12", 0);
    assert_string_equal(e->birth_places.items[0], "Maracaibo, Venezuela");
    assert_true(em_strvec_contains(&e->nationalities, "Venezuela"));
    assert_true(em_strvec_contains(&e->citizenships, "Spain"));

    e = find_entity(&l, "ofac-36001");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_AIRCRAFT);

    em_entity_list_free(&l);
    free(path);
}

/* ---- broken sdnList files ---------------------------------------------- */

static void assert_format_error(const em_error *err, const char *path, const char *what) {
    assert_int_equal(err->code, EM_ERR_FORMAT);
    assert_non_null(strstr(err->message, path));
    assert_non_null(strstr(err->message, "line "));
    if (what) assert_non_null(strstr(err->message, what));
}

static void test_sdn_truncated(void **state) {
    (void)state;
    size_t len;
    char *xml = slurp(td(CONS_XML), &len);
    char *dir = tmpdir_new("ofac_xml_truncated");
    char *path = em_xasprintf("%s/cut.xml", dir);
    write_file(path, xml, len / 2); /* cut in the middle of an entry */

    em_entity_list full = {0}, part = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_sdn(td(CONS_XML), &full, &m, &err), 0);
    assert_int_equal(parse_sdn(path, &part, &m, &err), -1);
    assert_format_error(&err, path, "malformed XML");
    /* earlier complete entries were handed over, the half-read one was not */
    assert_true(part.len > 0 && part.len < full.len);
    assert_same_entities(&part, &full);
    /* the number of complete entries before the cut */
    size_t complete = 0;
    for (const char *p = xml; (p = strstr(p, "</sdnEntry>")) && p < xml + len / 2; p++)
        complete++;
    assert_int_equal(part.len, complete);

    em_entity_list_free(&full);
    em_entity_list_free(&part);
    free(xml);
    free(path);
    free(dir);
}

static void test_sdn_missing_uid_and_name(void **state) {
    (void)state;
    const char *no_uid = "<sdnList>\n"
                         "  <sdnEntry><uid>1</uid><lastName>GOOD</lastName>"
                         "<sdnType>Entity</sdnType></sdnEntry>\n"
                         "  <sdnEntry>\n"
                         "    <lastName>NO UID</lastName><sdnType>Entity</sdnType>\n"
                         "  </sdnEntry>\n"
                         "</sdnList>\n";
    char *path = fixture("ofac_xml_nouid", "nouid.xml", no_uid);
    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_sdn(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "no uid");
    assert_non_null(strstr(err.message, "line 3"));
    assert_int_equal(l.len, 1); /* the good entry before it */
    assert_string_equal(l.items[0]->id, "ofac-1");
    em_entity_list_free(&l);
    free(path);

    const char *no_name = "<sdnList>\n  <sdnEntry><uid>7</uid><firstName>X</firstName>"
                          "<sdnType>Individual</sdnType></sdnEntry>\n</sdnList>\n";
    path = fixture("ofac_xml_noname", "noname.xml", no_name);
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_sdn(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "no lastName");
    assert_non_null(strstr(err.message, "sdnEntry 7"));
    assert_int_equal(l.len, 0);
    em_entity_list_free(&l);
    free(path);
}

static void test_sdn_garbage_and_wrong_root(void **state) {
    (void)state;
    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    char *path = fixture("ofac_xml_garbage", "garbage.xml", "this is, not; XML\n1,2,3\n");
    assert_int_equal(parse_sdn(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "malformed XML");
    free(path);

    path = fixture("ofac_xml_empty", "empty.xml", "");
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_sdn(path, &l, &m, &err), -1);
    assert_format_error(&err, path, NULL);
    free(path);

    path =
        fixture("ofac_xml_root", "un.xml",
                "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_sdn(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "unexpected root element <CONSOLIDATED_LIST>");
    assert_non_null(strstr(err.message, "line 2"));
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_enh(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "expected <sanctionsData>");
    free(path);

    /* an sdnList given to the enhanced parser and vice versa */
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_enh(td(CONS_XML), &l, &m, &err), -1);
    assert_format_error(&err, td(CONS_XML), "<sdnList>");
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_sdn(td(IRGC_XML), &l, &m, &err), -1);
    assert_format_error(&err, td(IRGC_XML), "<sanctionsData>");
    assert_int_equal(l.len, 0);
    em_entity_list_free(&l);
}

typedef struct limited {
    em_entity_list l;
    size_t max;
} limited;

static int limited_sink(void *ctx, em_entity *e, em_error *err) {
    limited *s = ctx;
    if (s->l.len == s->max) {
        em_entity_free(e);
        snprintf(err->message, sizeof err->message, "store full");
        err->code = EM_ERR_STORE;
        return -1;
    }
    em_entity_list_push(&s->l, e);
    return 0;
}

static void test_sink_abort(void **state) {
    (void)state;
    limited s = {{0}, 3};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(em_parse_ofac_sdn_xml(td(CONS_XML), "ofac_cons", limited_sink, &s, &m, &err),
                     -1);
    assert_int_equal(err.code, EM_ERR_STORE);
    assert_string_equal(err.message, "store full");
    assert_int_equal(s.l.len, 3);
    em_entity_list_free(&s.l);

    s.max = 2;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        em_parse_ofac_enhanced_xml(td(IRGC_XML), "ofac_sdn", limited_sink, &s, &m, &err), -1);
    assert_int_equal(err.code, EM_ERR_STORE);
    assert_int_equal(s.l.len, 2);
    em_entity_list_free(&s.l);
}

/* ---- ENHANCED_XML -------------------------------------------------------- */

static void test_enhanced_irgc(void **state) {
    (void)state;
    const char *path = td(IRGC_XML);
    counter c = count_elements(path, "entity", "entities");
    assert_int_equal(c.count, 293);

    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_enh(path, &l, &m, &err), 0);
    assert_int_equal(l.len, c.count);
    assert_string_equal(m.published, "2024-08-28");
    assert_string_equal(m.format, "ofac-enhanced-xml");
    size_t persons = 0, orgs = 0, aircraft = 0;
    for (size_t i = 0; i < l.len; i++) {
        em_entity *e = l.items[i];
        assert_true(has_program(e, "IRGC")); /* the file is filtered on IRGC */
        persons += strcmp(e->schema, EM_SCHEMA_PERSON) == 0;
        orgs += strcmp(e->schema, EM_SCHEMA_ORGANIZATION) == 0;
        aircraft += strcmp(e->schema, EM_SCHEMA_AIRCRAFT) == 0;
    }
    assert_int_equal(persons, 165);
    assert_int_equal(orgs, 84);
    assert_int_equal(aircraft, 44);

    /* 10391: the IRGC itself (same ent_num as in the legacy CSV) */
    em_entity *e = find_entity(&l, "ofac-10391");
    assert_non_null(e);
    assert_string_equal(e->source, "ofac_sdn");
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "ISLAMIC REVOLUTIONARY GUARD CORPS");
    assert_int_equal(e->names.len, 23);
    const em_name *n = get_kind_name(e, "IRGC", EM_NAME_AKA);
    assert_string_equal(n->strength, "strong");
    assert_string_equal(n->script, "Latn");
    assert_true(has_name(e, "SEPAH-E PASDARAN-E ENQELAB-E ESLAMI", EM_NAME_AKA));
    assert_int_equal(e->programs.len, 8);
    assert_true(has_program(e, "FTO"));
    assert_true(has_program(e, "SDGT"));
    assert_true(has_program(e, "ELECTION-EO13848"));
    assert_string_equal(e->listed_on, "2007-10-25");
    assert_int_equal(e->addresses.len, 2);
    assert_string_equal(e->addresses.items[0].city, "Tehran");
    assert_string_equal(e->addresses.items[0].country, "Iran");
    assert_string_equal(e->addresses.items[0].full, "Tehran, Iran");
    assert_string_equal(e->addresses.items[1].full, "Syria");
    assert_true(has_prop(e, "sanctions_info", "Subject to Secondary Sanctions"));
    assert_true(has_prop(e, "sanctions_list", "SDN List"));

    /* 28683 SABURINEZHAD, Hasan: DOB, gender, nationality, national ID, Arabic name, link */
    e = find_entity(&l, "ofac-28683");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "SABURINEZHAD, Hasan");
    assert_string_equal(e->gender, "male");
    n = get_kind_name(e, "SABURINEZHAD, Hasan", EM_NAME_PRIMARY);
    assert_string_equal(n->first, "Hasan");
    assert_string_equal(n->last, "SABURINEZHAD");
    assert_string_equal(n->script, "Latn");
    /* the Arabic translation, without its bidi embedding marks */
    n = get_kind_name(e, "حسن سبری نژاد", EM_NAME_PRIMARY);
    assert_string_equal(n->script, "Arab");
    assert_string_equal(n->first, "حسن");
    assert_string_equal(n->last, "سبری نژاد");
    assert_string_equal(get_kind_name(e, "Engineer Morteza", EM_NAME_AKA)->strength, "weak");
    assert_string_equal(get_kind_name(e, "SABURINEJAD, Ali", EM_NAME_AKA)->strength, "strong");
    assert_int_equal(e->names.len, 8);
    assert_int_equal(e->birth_dates.len, 1);
    assert_date(&e->birth_dates.items[0], "09 Jan 1965", "1965-01-09", "1965-01-09", 0);
    assert_int_equal(e->nationalities.len, 1);
    assert_string_equal(e->nationalities.items[0], "Iran");
    const em_identifier *d = find_identifier(e, EM_ID_NATIONAL, "0383595282");
    assert_non_null(d);
    assert_string_equal(d->country, "Iran");
    assert_string_equal(d->label, "National ID No.");
    assert_int_equal(e->identifiers.len, 1);
    assert_int_equal(e->addresses.len, 3);
    const em_link *k = find_link(e, "ofac-10465");
    assert_non_null(k);
    assert_string_equal(k->relation, "Acting for or on behalf of");
    assert_string_equal(k->target_name, "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE");
    assert_true(has_program(e, "IFSR"));
    assert_string_equal(e->listed_on, "2020-03-26");

    /* 26123 SAJJAD, Rasoul: a passport with issue and expiry dates */
    e = find_entity(&l, "ofac-26123");
    assert_non_null(e);
    d = find_identifier(e, EM_ID_PASSPORT, "G9333110");
    assert_non_null(d);
    assert_string_equal(d->country, "Iran");
    assert_string_equal(d->note, "issued 2014-03-03; expires 2019-03-03");

    /* 26526 EBRAHIMI: year-only DOB, place of birth, link to ANSAR BANK */
    e = find_entity(&l, "ofac-26526");
    assert_non_null(e);
    assert_date(&e->birth_dates.items[0], "1972", "1972", "1972", 0);
    assert_string_equal(e->birth_places.items[0], "Qomshaneh, Hamadan Province, Iran");
    assert_non_null(find_link(e, "ofac-12478"));
    assert_int_equal(e->addresses.len, 0); /* <address id=".."/> carries nothing */

    /* 24475 EP-PUL: an aircraft */
    e = find_entity(&l, "ofac-24475");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_AIRCRAFT);
    assert_string_equal(e->caption, "EP-PUL");
    assert_true(has_prop(e, "aircraft_model", "IL-76"));
    assert_true(has_prop(e, "aircraft_operator", "Pouya Air"));
    assert_true(has_prop(e, "build_date", "1983"));
    d = find_identifier(e, EM_ID_OTHER, "33448393");
    assert_non_null(d);
    assert_string_equal(d->label, "Aircraft Manufacturer’s Serial Number (MSN)");
    k = find_link(e, "ofac-13109");
    assert_non_null(k);
    assert_string_equal(k->relation, "Owned or Controlled By");

    /* 26120 ALCHWIKI: a Cyrillic translation; 47234: traditional Chinese */
    e = find_entity(&l, "ofac-26120");
    assert_non_null(e);
    assert_string_equal(get_kind_name(e, "АЛЬШВИКИ, Мхд Амер", EM_NAME_AKA)->script, "Cyrl");
    assert_string_equal(get_kind_name(e, "ALCHWIKI, Mhd Amer", EM_NAME_PRIMARY)->first, "Mhd Amer");
    assert_string_equal(e->caption, "ALCHWIKI, Mhd Amer");
    e = find_entity(&l, "ofac-47234");
    assert_non_null(e);
    assert_string_equal(get_kind_name(e, "中國中油股份有限公司", EM_NAME_PRIMARY)->script, "Hant");

    /* crypto addresses: 7 XBT addresses in the file, all with their currency */
    size_t crypto = 0;
    for (size_t i = 0; i < l.len; i++)
        for (size_t j = 0; j < l.items[i]->identifiers.len; j++) {
            const em_identifier *x = &l.items[i]->identifiers.items[j];
            if (strcmp(x->type, EM_ID_CRYPTO) != 0) continue;
            assert_string_equal(x->currency, "XBT");
            crypto++;
        }
    assert_int_equal(crypto, 7);

    em_entity_list_free(&l);
}

static void test_enhanced_truncated(void **state) {
    (void)state;
    size_t len;
    char *xml = slurp(td(IRGC_XML), &len);
    char *dir = tmpdir_new("ofac_enh_truncated");
    char *path = em_xasprintf("%s/cut.xml", dir);
    write_file(path, xml, len * 2 / 3);

    em_entity_list full = {0}, part = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_enh(td(IRGC_XML), &full, &m, &err), 0);
    assert_int_equal(parse_enh(path, &part, &m, &err), -1);
    assert_format_error(&err, path, "malformed XML");
    assert_true(part.len > 0 && part.len < full.len);
    assert_same_entities(&part, &full);

    em_entity_list_free(&full);
    em_entity_list_free(&part);
    free(xml);
    free(path);
    free(dir);
}

static void test_enhanced_missing_id(void **state) {
    (void)state;
    const char *doc = "<sanctionsData xmlns=\"https://sanctionslistservice.ofac.treas.gov/api/"
                      "PublicationPreview/exports/ENHANCED_XML\">\n"
                      "<entities>\n"
                      "<entity>\n"
                      "<generalInfo><entityType>Entity</entityType></generalInfo>\n"
                      "</entity>\n</entities></sanctionsData>\n";
    char *path = fixture("ofac_enh_noid", "noid.xml", doc);
    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_enh(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "without id");
    assert_non_null(strstr(err.message, "line 3"));
    free(path);

    const char *noname = "<sanctionsData><entities><entity id=\"5\">\n"
                         "<generalInfo><entityType>Entity</entityType></generalInfo>\n"
                         "</entity></entities></sanctionsData>\n";
    path = fixture("ofac_enh_noname", "noname.xml", noname);
    memset(&err, 0, sizeof err);
    assert_int_equal(parse_enh(path, &l, &m, &err), -1);
    assert_format_error(&err, path, "entity 5");
    assert_int_equal(l.len, 0);
    em_entity_list_free(&l);
    free(path);
}

/* refId values are resolved through <referenceValues> when the text is absent */
static void test_enhanced_reference_values(void **state) {
    (void)state;
    const char *doc =
        "<sanctionsData>\n"
        "<publicationInfo><dataAsOf>2024-01-02T00:00:00</dataAsOf></publicationInfo>\n"
        "<referenceValues>\n"
        "<referenceValue refId=\"601\"><type>PARTY "
        "TYPE</type><value>Vessel</value></referenceValue>\n"
        "<referenceValue refId=\"1401\"><type>ALIAS "
        "TYPE</type><value>F.K.A.</value></referenceValue>\n"
        "<referenceValue refId=\"20100\"><type>SCRIPT</type><value>Arabic</value><code>Arab</code>"
        "</referenceValue>\n"
        "<referenceValue refId=\"11109\"><type>COUNTRY</type><value>Iran</value></referenceValue>\n"
        "<referenceValue "
        "refId=\"91526\"><type>Gender</type><value>Female</value></referenceValue>\n"
        "</referenceValues>\n"
        "<entities><entity id=\"77\">\n"
        "<generalInfo><entityType refId=\"601\"/></generalInfo>\n"
        "<sanctionsPrograms><sanctionsProgram "
        "refId=\"1\">IRAN</sanctionsProgram></sanctionsPrograms>\n"
        "<names><name><isPrimary>true</isPrimary><translations><translation>"
        "<isPrimary>true</isPrimary><formattedFullName>SHIP ONE</formattedFullName></translation>"
        "</translations></name>\n"
        "<name><isPrimary>false</isPrimary><aliasType refId=\"1401\"/><isLowQuality>true"
        "</isLowQuality><translations><translation><isPrimary>false</isPrimary>"
        "<script refId=\"20100\"/><formattedFullName>سفينة</formattedFullName></translation>"
        "</translations></name></names>\n"
        "<addresses><address><country refId=\"11109\"/></address></addresses>\n"
        "<features><feature><type>Gender</type><valueRefId>91526</valueRefId></feature>"
        "<feature><type>Vessel Registration Identification</type><value>IMO 1234567</value>"
        "</feature></features>\n"
        "<identityDocuments><identityDocument><type>Passport</type>"
        "<documentNumber>X1</documentNumber><isValid>false</isValid>"
        "<issuingCountry refId=\"11109\"/></identityDocument></identityDocuments>\n"
        "</entity></entities></sanctionsData>\n";
    char *path = fixture("ofac_enh_refs", "refs.xml", doc);
    em_entity_list l = {0};
    em_parse_meta m;
    em_error err = {0};
    assert_int_equal(parse_enh(path, &l, &m, &err), 0);
    assert_string_equal(m.published, "2024-01-02");
    assert_int_equal(l.len, 1);
    em_entity *e = l.items[0];
    assert_string_equal(e->id, "ofac-77");
    assert_string_equal(e->schema, EM_SCHEMA_VESSEL);
    assert_string_equal(e->caption, "SHIP ONE");
    const em_name *n = get_kind_name(e, "سفينة", EM_NAME_FKA);
    assert_string_equal(n->script, "Arab");
    assert_string_equal(n->strength, "weak");
    assert_int_equal(e->addresses.len, 1);
    assert_string_equal(e->addresses.items[0].country, "Iran");
    assert_string_equal(e->gender, "female");
    assert_non_null(find_identifier(e, EM_ID_IMO, "1234567"));
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "X1");
    assert_non_null(d);
    assert_string_equal(d->country, "Iran");
    assert_string_equal(d->note, "not valid");
    em_entity_list_free(&l);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parsing),
        cmocka_unit_test(test_fact_mapping),
        cmocka_unit_test(test_sdn_consolidated),
        cmocka_unit_test(test_sdn_old_namespace),
        cmocka_unit_test(test_sdn_fixture),
        cmocka_unit_test(test_sdn_truncated),
        cmocka_unit_test(test_sdn_missing_uid_and_name),
        cmocka_unit_test(test_sdn_garbage_and_wrong_root),
        cmocka_unit_test(test_sink_abort),
        cmocka_unit_test(test_enhanced_irgc),
        cmocka_unit_test(test_enhanced_truncated),
        cmocka_unit_test(test_enhanced_missing_id),
        cmocka_unit_test(test_enhanced_reference_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
