/*
 * test_ofac_advanced.c - the OFAC advanced XML parser (SDN_ADVANCED / CONS_ADVANCED): the real
 * consolidated list of 2020-03-17 pinned fact by fact, a small hand-written file for what that
 * sample lacks (non-Latin names, vessels, date ranges, documents with dates), and broken files.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/reader.h"
#include "sources/source.h"

#define CONS_ADV "ofac/cons_advanced_2020-03-17.xml.gz"

static const em_prop *find_prop(const em_entity *e, const char *key, const char *value) {
    for (size_t i = 0; i < e->props.len; i++)
        if (strcmp(e->props.items[i].key, key) == 0 &&
            (!value || strcmp(e->props.items[i].value, value) == 0))
            return &e->props.items[i];
    return NULL;
}

static const em_name *find_name(const em_entity *e, const char *full) {
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, full) == 0) return &e->names.items[i];
    return NULL;
}

static void write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Writes the first `limit` decompressed bytes of a (gzipped) test file. */
static void write_decompressed(const char *from, const char *to, long limit) {
    em_error err = {0};
    em_reader *r = em_reader_open(from, &err);
    assert_non_null(r);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    char buf[65536];
    long total = 0, n;
    while (total < limit && (n = em_reader_read(r, buf, sizeof buf, &err)) > 0) {
        if (total + n > limit) n = limit - total;
        fwrite(buf, 1, (size_t)n, f);
        total += n;
    }
    fclose(f);
    em_reader_close(r);
    assert_int_equal(total, limit);
}

/* ---- the real consolidated list ----------------------------------------------------------- */

static void test_real_consolidated_list(void **state) {
    (void)state;
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(
        em_parse_ofac_advanced_xml(td(CONS_ADV), "ofac_cons", collect_sink, &l, &meta, &err), 0);
    /* grep -c '<DistinctParty ' CONS_ADVANCED.XML */
    assert_int_equal(l.len, 375);
    assert_string_equal(meta.published, "2020-03-17");
    assert_string_equal(meta.format, "ofac-advanced-xml");
    size_t persons = 0, orgs = 0, links = 0;
    for (size_t i = 0; i < l.len; i++) {
        em_entity *e = l.items[i];
        assert_true(e->names.len > 0);
        assert_non_null(e->listed_on);
        assert_true(e->programs.len > 0);
        links += e->links.len;
        if (strcmp(e->schema, EM_SCHEMA_PERSON) == 0) persons++;
        if (strcmp(e->schema, EM_SCHEMA_ORGANIZATION) == 0) orgs++;
    }
    assert_int_equal(persons, 82); /* Profiles with PartySubTypeID="4" (Individual) */
    assert_int_equal(orgs, 293);   /* PartySubTypeID="3" (Entity) */
    assert_int_equal(links, 276);  /* grep -c '<ProfileRelationship ' */
    /* file order: the first DistinctParty is 9639 */
    assert_string_equal(l.items[0]->id, "ofac-9639");

    /* 9639: HANIYA, Ismail Abdul Salah (Non-SDN Palestinian Legislative Council list) */
    em_entity *e = find_entity(&l, "ofac-9639");
    assert_non_null(e);
    assert_string_equal(e->source, "ofac_cons");
    assert_string_equal(e->source_id, "9639");
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "HANIYA, Ismail Abdul Salah");
    const em_name *n = find_name(e, "HANIYA, Ismail Abdul Salah");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_PRIMARY);
    assert_string_equal(n->strength, "strong");
    assert_string_equal(n->script, "Latn");
    assert_string_equal(n->last, "HANIYA");
    assert_string_equal(n->first, "Ismail Abdul Salah");
    assert_true(has_name(e, "HANIYA, Ismail", EM_NAME_AKA));
    assert_true(has_name(e, "HANIYYA, Ismaeel", EM_NAME_AKA));
    assert_int_equal(e->names.len, 3);
    /* DatePeriod 1962-01-01 .. 1962-12-31: the year 1962 */
    assert_int_equal(e->birth_dates.len, 1);
    assert_string_equal(e->birth_dates.items[0].from, "1962");
    assert_string_equal(e->birth_dates.items[0].to, "1962");
    assert_int_equal(e->birth_dates.items[0].circa, 0);
    assert_int_equal(e->birth_places.len, 1);
    assert_string_equal(e->birth_places.items[0], "Shati");
    assert_int_equal(e->addresses.len, 0); /* Location 12812 is only "undetermined" */
    assert_true(has_program(e, "NS-PLC"));
    assert_int_equal(e->programs.len, 1);
    /* two SanctionsEntries: created 2006-04-12 (NS-PLC list) and 2014-10-10 (consolidated) */
    assert_string_equal(e->listed_on, "2006-04-12");
    assert_non_null(find_prop(e, "list", "Non-SDN Palestinian Legislative Council List"));
    assert_non_null(find_prop(e, "list", "Consolidated List"));

    /* 26182: KAYAKIRAN, Evren - gender, exact birth date, citizenship, passport */
    e = find_entity(&l, "ofac-26182");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "KAYAKIRAN, Evren");
    assert_string_equal(e->gender, "male");
    assert_int_equal(e->birth_dates.len, 1);
    assert_string_equal(e->birth_dates.items[0].from, "1980-02-08");
    assert_string_equal(e->birth_dates.items[0].to, "1980-02-08");
    assert_int_equal(e->citizenships.len, 1);
    assert_string_equal(e->citizenships.items[0], "Turkey");
    const em_identifier *d = find_identifier(e, EM_ID_PASSPORT, "U00242309");
    assert_non_null(d);
    assert_string_equal(d->country, "Turkey");
    assert_string_equal(d->label, "Passport");
    assert_true(has_program(e, "FSE-IR"));
    assert_string_equal(e->listed_on, "2019-02-07");
    assert_non_null(find_prop(e, "list", "FSE List"));

    /* 17015: Vnesheconombank - weak alias, address, BIC, website, email, directive, remarks */
    e = find_entity(&l, "ofac-17015");
    assert_non_null(e);
    assert_string_equal(e->schema, EM_SCHEMA_ORGANIZATION);
    assert_string_equal(e->caption, "Vnesheconombank");
    n = find_name(e, "VEB");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_AKA);
    assert_string_equal(n->strength, "weak"); /* LowQuality="true" */
    assert_null(n->last);
    n = find_name(e, "Bank for Development and Foreign Economic Affairs (Vnesheconombank) State "
                     "Corporation");
    assert_non_null(n);
    assert_string_equal(n->strength, "strong");
    assert_int_equal(e->addresses.len, 1);
    const em_address *a = &e->addresses.items[0];
    assert_string_equal(a->street, "9 Akademika Sakharova prospekt");
    assert_string_equal(a->city, "Moscow");
    assert_string_equal(a->postal, "107996");
    assert_string_equal(a->country, "Russia");
    assert_string_equal(a->full, "9 Akademika Sakharova prospekt, Moscow, 107996, Russia");
    assert_non_null(find_identifier(e, EM_ID_BIC, "BFEARUMM"));
    assert_non_null(find_identifier(e, EM_ID_WEBSITE, "http://www.veb.ru"));
    assert_non_null(find_identifier(e, EM_ID_EMAIL, "info@veb.ru"));
    assert_non_null(find_prop(e, "bik_ru", "044525060"));
    assert_non_null(
        find_prop(e, "executive_order_13662_directive_determination", "Subject to Directive 1"));
    assert_true(has_program(e, "UKRAINE-EO13662"));
    assert_string_equal(e->listed_on, "2014-07-16");
    assert_non_null(find_prop(e, "list", "Sectoral Sanctions Identifications List"));
    assert_non_null(e->remarks);
    assert_non_null(strstr(e->remarks, "For more information on directives"));

    /* 17013: VTB BANK OAO - documents from <IDRegDocuments> (Identity 8757), F.K.A. names */
    e = find_entity(&l, "ofac-17013");
    assert_non_null(e);
    assert_string_equal(e->caption, "VTB BANK OAO");
    assert_true(has_name(e, "VNESHTORGBANK", EM_NAME_FKA));
    assert_true(has_name(e, "JSC VTB BANK", EM_NAME_AKA));
    d = find_identifier(e, EM_ID_REGISTRATION, "1027739609391");
    assert_non_null(d);
    assert_string_equal(d->country, "Russia");
    assert_string_equal(d->label, "Registration ID");
    d = find_identifier(e, EM_ID_TAX, "7702070139");
    assert_non_null(d);
    assert_string_equal(d->label, "Tax ID No.");
    d = find_identifier(e, EM_ID_OTHER, "00032520");
    assert_non_null(d);
    assert_string_equal(d->label, "Government Gazette Number");
    assert_int_equal(e->addresses.len, 3);
    assert_non_null(find_identifier(e, EM_ID_BIC, "VTBRRUMM"));

    /* 18275 is "Owned or Controlled By" 17015 (ProfileRelationship 2187) */
    e = find_entity(&l, "ofac-18275");
    assert_non_null(e);
    assert_int_equal(e->links.len, 1);
    assert_string_equal(e->links.items[0].relation, "Owned or Controlled By");
    assert_string_equal(e->links.items[0].target_id, "ofac-17015");
    assert_null(e->links.items[0].target_name);

    em_entity_list_free(&l);
}

/* ---- a hand-written file ------------------------------------------------------------------ */

static const char *head_xml =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<Sanctions xmlns=\"http://www.un.org/sanctions/1.0\">\n"
    "<DateOfIssue CalendarTypeID=\"1\"><Year>2024</Year><Month>1</Month><Day>5</Day>"
    "</DateOfIssue>\n"
    "<ReferenceValueSets>\n"
    "<AliasTypeValues><AliasType ID=\"1400\">A.K.A.</AliasType>"
    "<AliasType ID=\"1401\">F.K.A.</AliasType><AliasType ID=\"1403\">Name</AliasType>"
    "</AliasTypeValues>\n"
    "<AreaCodeValues><AreaCode ID=\"11\" CountryID=\"11\" Description=\"Iran\">IR</AreaCode>"
    "</AreaCodeValues>\n"
    "<CountryValues><Country ID=\"11\" ISO2=\"IR\">Iran</Country>"
    "<Country ID=\"12\" ISO2=\"PA\">Panama</Country></CountryValues>\n"
    "<DetailReferenceValues><DetailReference ID=\"91526\">Male</DetailReference>"
    "<DetailReference ID=\"7\">Crude Oil Tanker</DetailReference></DetailReferenceValues>\n"
    "<EntryEventTypeValues><EntryEventType ID=\"1\">Created</EntryEventType>"
    "</EntryEventTypeValues>\n"
    "<FeatureTypeValues><FeatureType ID=\"8\">Birthdate</FeatureType>"
    "<FeatureType ID=\"10\">Nationality Country</FeatureType>"
    "<FeatureType ID=\"25\">Location</FeatureType>"
    "<FeatureType ID=\"344\">Digital Currency Address - XBT</FeatureType>"
    "<FeatureType ID=\"3\">Vessel Call Sign</FeatureType>"
    "<FeatureType ID=\"4\">Vessel Type</FeatureType>"
    "<FeatureType ID=\"5\">Vessel Flag</FeatureType>"
    "<FeatureType ID=\"26\">Title</FeatureType>"
    "<FeatureType ID=\"646\">Organization Established Date</FeatureType>"
    "</FeatureTypeValues>\n"
    "<IDRegDocDateTypeValues><IDRegDocDateType ID=\"1480\">Issue Date</IDRegDocDateType>"
    "</IDRegDocDateTypeValues>\n"
    "<IDRegDocTypeValues><IDRegDocType ID=\"1571\">Passport</IDRegDocType>"
    "<IDRegDocType ID=\"1626\">Vessel Registration Identification</IDRegDocType>"
    "<IDRegDocType ID=\"1627\">MMSI</IDRegDocType></IDRegDocTypeValues>\n"
    "<ListValues><List ID=\"1550\">SDN List</List></ListValues>\n"
    "<LocPartTypeValues><LocPartType ID=\"1454\">CITY</LocPartType></LocPartTypeValues>\n"
    "<NamePartTypeValues><NamePartType ID=\"1520\">Last Name</NamePartType>"
    "<NamePartType ID=\"1521\">First Name</NamePartType>"
    "<NamePartType ID=\"1522\">Middle Name</NamePartType>"
    "<NamePartType ID=\"1526\">Vessel Name</NamePartType></NamePartTypeValues>\n"
    "<PartySubTypeValues><PartySubType ID=\"1\" PartyTypeID=\"4\">Vessel</PartySubType>"
    "<PartySubType ID=\"4\" PartyTypeID=\"1\">Unknown</PartySubType></PartySubTypeValues>\n"
    "<PartyTypeValues><PartyType ID=\"1\">Individual</PartyType>"
    "<PartyType ID=\"4\">Transport</PartyType></PartyTypeValues>\n"
    "<RelationTypeValues><RelationType ID=\"1555\">Associate Of</RelationType>"
    "</RelationTypeValues>\n"
    "<SanctionsTypeValues><SanctionsType ID=\"1\">Program</SanctionsType>"
    "<SanctionsType ID=\"1705\">Block</SanctionsType></SanctionsTypeValues>\n"
    "<ScriptValues><Script ID=\"215\" ScriptCode=\"Latn\">Latin</Script>"
    "<Script ID=\"220\" ScriptCode=\"Arab\">Arabic</Script></ScriptValues>\n"
    "</ReferenceValueSets>\n"
    "<Locations><Location ID=\"500\"><LocationAreaCode AreaCodeID=\"11\"/>"
    "<LocationCountry CountryID=\"11\"/><LocationPart LocPartTypeID=\"1454\">"
    "<LocationPartValue Primary=\"true\"><Value>Tehran</Value></LocationPartValue>"
    "</LocationPart></Location>\n"
    "<Location ID=\"501\"><LocationCountry CountryID=\"11\"/></Location></Locations>\n"
    "<IDRegDocuments>\n"
    "<IDRegDocument ID=\"1\" IDRegDocTypeID=\"1571\" IdentityID=\"90\" IssuedBy-CountryID=\"11\">"
    "<IDRegistrationNo>K123</IDRegistrationNo><DocumentDate IDRegDocDateTypeID=\"1480\">"
    "<DatePeriod CalendarTypeID=\"1\"><Start Approximate=\"false\"><From><Year>2010</Year>"
    "<Month>3</Month><Day>1</Day></From></Start><End Approximate=\"false\"><To><Year>2010</Year>"
    "<Month>3</Month><Day>1</Day></To></End></DatePeriod></DocumentDate></IDRegDocument>\n"
    "<IDRegDocument ID=\"2\" IDRegDocTypeID=\"1626\" IdentityID=\"91\">"
    "<IDRegistrationNo>IMO 9187629</IDRegistrationNo></IDRegDocument>\n"
    "<IDRegDocument ID=\"3\" IDRegDocTypeID=\"1627\" IdentityID=\"91\">"
    "<IDRegistrationNo>572469210</IDRegistrationNo></IDRegDocument>\n"
    "</IDRegDocuments>\n"
    "<DistinctParties>\n";

/* %s: the AliasTypeID of the first alias */
static const char *person_xml =
    "<DistinctParty FixedRef=\"100\"><Comment>Linked To: IRISL.</Comment>"
    "<Profile ID=\"100\" PartySubTypeID=\"4\">"
    "<Identity ID=\"90\" Primary=\"true\">"
    "<Alias AliasTypeID=\"%s\" Primary=\"true\" LowQuality=\"false\">"
    "<DocumentedName ID=\"1\"><DocumentedNamePart><NamePartValue NamePartGroupID=\"1\" "
    "ScriptID=\"215\">KHATIB</NamePartValue></DocumentedNamePart><DocumentedNamePart>"
    "<NamePartValue NamePartGroupID=\"2\" ScriptID=\"215\">Esmail</NamePartValue>"
    "</DocumentedNamePart><DocumentedNamePart><NamePartValue NamePartGroupID=\"3\" "
    "ScriptID=\"215\">Seyed</NamePartValue></DocumentedNamePart></DocumentedName>"
    "<DocumentedName ID=\"2\"><DocumentedNamePart><NamePartValue NamePartGroupID=\"4\" "
    "ScriptID=\"220\">\xd8\xae\xd8\xb7\xdb\x8c\xd8\xa8</NamePartValue></DocumentedNamePart>"
    "</DocumentedName></Alias>"
    "<Alias AliasTypeID=\"1401\" Primary=\"false\" LowQuality=\"true\">"
    "<DocumentedName ID=\"3\"><DocumentedNamePart><NamePartValue NamePartGroupID=\"5\" "
    "ScriptID=\"215\">KHATIB</NamePartValue></DocumentedNamePart></DocumentedName></Alias>"
    "<NamePartGroups><MasterNamePartGroup><NamePartGroup ID=\"1\" NamePartTypeID=\"1520\"/>"
    "</MasterNamePartGroup><MasterNamePartGroup><NamePartGroup ID=\"2\" "
    "NamePartTypeID=\"1521\"/></MasterNamePartGroup><MasterNamePartGroup>"
    "<NamePartGroup ID=\"3\" NamePartTypeID=\"1522\"/></MasterNamePartGroup>"
    "<MasterNamePartGroup><NamePartGroup ID=\"4\" NamePartTypeID=\"1520\"/>"
    "</MasterNamePartGroup><MasterNamePartGroup><NamePartGroup ID=\"5\" "
    "NamePartTypeID=\"1520\"/></MasterNamePartGroup></NamePartGroups></Identity>"
    "<Feature FeatureTypeID=\"8\"><FeatureVersion><DatePeriod CalendarTypeID=\"1\">"
    "<Start Approximate=\"true\"><From><Year>1960</Year><Month>1</Month><Day>1</Day></From>"
    "<To><Year>1960</Year><Month>1</Month><Day>1</Day></To></Start><End Approximate=\"true\">"
    "<From><Year>1961</Year><Month>12</Month><Day>31</Day></From><To><Year>1961</Year>"
    "<Month>12</Month><Day>31</Day></To></End></DatePeriod></FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"8\"><FeatureVersion><DatePeriod CalendarTypeID=\"1\">"
    "<Start Approximate=\"false\"><From><Year>1962</Year><Month>5</Month><Day>1</Day></From>"
    "</Start><End Approximate=\"false\"><To><Year>1962</Year><Month>5</Month><Day>31</Day>"
    "</To></End></DatePeriod></FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"10\"><FeatureVersion><VersionLocation LocationID=\"501\"/>"
    "</FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"25\"><FeatureVersion><VersionLocation LocationID=\"500\"/>"
    "</FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"344\"><FeatureVersion><VersionDetail DetailTypeID=\"1432\">"
    "1ABCxyz</VersionDetail></FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"26\"><FeatureVersion><VersionDetail DetailTypeID=\"1432\">"
    "Minister of Intelligence</VersionDetail></FeatureVersion></Feature>"
    "</Profile></DistinctParty>\n"
    "<DistinctParty FixedRef=\"200\"><Comment/><Profile ID=\"200\" PartySubTypeID=\"1\">"
    "<Identity ID=\"91\"><Alias AliasTypeID=\"1403\" Primary=\"true\" LowQuality=\"false\">"
    "<DocumentedName ID=\"9\"><DocumentedNamePart><NamePartValue NamePartGroupID=\"9\" "
    "ScriptID=\"215\">SHIBA</NamePartValue></DocumentedNamePart></DocumentedName></Alias>"
    "<NamePartGroups><MasterNamePartGroup><NamePartGroup ID=\"9\" NamePartTypeID=\"1526\"/>"
    "</MasterNamePartGroup></NamePartGroups></Identity>"
    "<Feature FeatureTypeID=\"3\"><FeatureVersion><VersionDetail DetailTypeID=\"1432\">"
    "9HXM9</VersionDetail></FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"4\"><FeatureVersion><VersionDetail DetailTypeID=\"1431\" "
    "DetailReferenceID=\"7\"/></FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"5\"><FeatureVersion><VersionLocation LocationID=\"501\"/>"
    "</FeatureVersion></Feature>"
    "<Feature FeatureTypeID=\"646\"><FeatureVersion><DatePeriod CalendarTypeID=\"1\">"
    "<Start Approximate=\"false\"><From><Year>1999</Year><Month>7</Month><Day>4</Day></From>"
    "</Start><End Approximate=\"false\"><To><Year>1999</Year><Month>7</Month><Day>4</Day></To>"
    "</End></DatePeriod></FeatureVersion></Feature>"
    "</Profile></DistinctParty>\n";

static const char *tail_xml =
    "</DistinctParties>\n"
    "<ProfileRelationships><ProfileRelationship ID=\"1\" From-ProfileID=\"200\" "
    "To-ProfileID=\"100\" RelationTypeID=\"1555\"/></ProfileRelationships>\n"
    "<SanctionsEntries><SanctionsEntry ID=\"1\" ProfileID=\"100\" ListID=\"1550\">"
    "<EntryEvent EntryEventTypeID=\"1\"><Date CalendarTypeID=\"1\"><Year>2019</Year>"
    "<Month>12</Month><Day>11</Day></Date></EntryEvent>"
    "<SanctionsMeasure SanctionsTypeID=\"1705\"><Comment/></SanctionsMeasure>"
    "<SanctionsMeasure SanctionsTypeID=\"1\"><Comment>SDGT</Comment></SanctionsMeasure>"
    "<SanctionsMeasure SanctionsTypeID=\"1\"><Comment>CYBER2</Comment></SanctionsMeasure>"
    "</SanctionsEntry></SanctionsEntries>\n"
    "</Sanctions>\n";

static char *write_fixture(const char *dir, const char *name, const char *alias_type) {
    char *path = em_xasprintf("%s/%s", dir, name);
    char *person = em_xasprintf(person_xml, alias_type);
    char *all = em_xasprintf("%s%s%s", head_xml, person, tail_xml);
    write_file(path, all, strlen(all));
    free(person);
    free(all);
    return path;
}

static void test_handwritten(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_advanced_hand");
    char *path = write_fixture(dir, "adv.xml", "1403");
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    int rc = em_parse_ofac_advanced_xml(path, "ofac_sdn", collect_sink, &l, &meta, &err);
    if (rc != 0) fail_msg("%s", err.message);
    assert_int_equal(l.len, 2);
    assert_string_equal(meta.published, "2024-01-05");

    em_entity *e = l.items[0];
    assert_string_equal(e->id, "ofac-100");
    assert_string_equal(e->schema, EM_SCHEMA_PERSON);
    assert_string_equal(e->caption, "KHATIB, Esmail Seyed");
    assert_string_equal(e->remarks, "Linked To: IRISL.");
    const em_name *n = find_name(e, "KHATIB, Esmail Seyed");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_PRIMARY);
    assert_string_equal(n->first, "Esmail");
    assert_string_equal(n->middle, "Seyed");
    assert_string_equal(n->last, "KHATIB");
    /* the Arabic DocumentedName of the primary alias: its own name, script Arab, not primary */
    n = find_name(e, "\xd8\xae\xd8\xb7\xdb\x8c\xd8\xa8");
    assert_non_null(n);
    assert_string_equal(n->script, "Arab");
    assert_string_equal(n->kind, EM_NAME_AKA);
    n = find_name(e, "KHATIB");
    assert_non_null(n);
    assert_string_equal(n->kind, EM_NAME_FKA);
    assert_string_equal(n->strength, "weak");
    assert_int_equal(e->birth_dates.len, 2);
    assert_string_equal(e->birth_dates.items[0].from, "1960");
    assert_string_equal(e->birth_dates.items[0].to, "1961");
    assert_int_equal(e->birth_dates.items[0].circa, 1);
    assert_string_equal(e->birth_dates.items[0].text, "circa 1960 to 1961");
    assert_string_equal(e->birth_dates.items[1].from, "1962-05");
    assert_string_equal(e->birth_dates.items[1].to, "1962-05");
    assert_int_equal(e->nationalities.len, 1);
    assert_string_equal(e->nationalities.items[0], "Iran");
    assert_int_equal(e->addresses.len, 1);
    assert_string_equal(e->addresses.items[0].full, "Tehran, Iran");
    const em_identifier *d = find_identifier(e, EM_ID_CRYPTO, "1ABCxyz");
    assert_non_null(d);
    assert_string_equal(d->currency, "XBT");
    d = find_identifier(e, EM_ID_PASSPORT, "K123");
    assert_non_null(d);
    assert_string_equal(d->country, "Iran");
    assert_string_equal(d->note, "Issue Date 2010-03-01");
    assert_non_null(find_prop(e, "title", "Minister of Intelligence"));
    assert_true(has_program(e, "SDGT"));
    assert_true(has_program(e, "CYBER2"));
    assert_int_equal(e->programs.len, 2);
    assert_string_equal(e->listed_on, "2019-12-11");
    assert_non_null(find_prop(e, "list", "SDN List"));

    e = l.items[1];
    assert_string_equal(e->id, "ofac-200");
    assert_string_equal(e->schema, EM_SCHEMA_VESSEL);
    assert_string_equal(e->caption, "SHIBA");
    assert_null(e->remarks);
    assert_non_null(find_identifier(e, EM_ID_IMO, "9187629"));
    assert_non_null(find_identifier(e, EM_ID_MMSI, "572469210"));
    assert_non_null(find_identifier(e, EM_ID_CALL_SIGN, "9HXM9"));
    assert_non_null(find_prop(e, "vessel_type", "Crude Oil Tanker"));
    assert_non_null(find_prop(e, "vessel_flag", "Iran"));
    assert_non_null(find_prop(e, "incorporation_date", "1999-07-04"));
    assert_int_equal(e->links.len, 1);
    assert_string_equal(e->links.items[0].relation, "Associate Of");
    assert_string_equal(e->links.items[0].target_id, "ofac-100");
    assert_null(e->listed_on); /* no SanctionsEntry */

    em_entity_list_free(&l);
    free(path);
    free(dir);
}

/* ---- broken files ------------------------------------------------------------------------- */

static void expect_format_error(const char *path, const char *what) {
    em_entity_list l = {0};
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(em_parse_ofac_advanced_xml(path, "ofac_sdn", collect_sink, &l, &meta, &err),
                     -1);
    assert_int_equal(err.code, EM_ERR_FORMAT);
    if (!strstr(err.message, path) || !strstr(err.message, " line ") ||
        (what && !strstr(err.message, what)))
        fail_msg("unexpected message: %s", err.message);
    assert_int_equal(l.len, 0); /* nothing, not even a half-built entity, reaches the sink */
    em_entity_list_free(&l);
}

static void test_truncated(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_advanced_trunc");
    char *path = em_xasprintf("%s/cut.xml", dir);
    /* 1,500,000 of 2,717,162 bytes: in the middle of <DistinctParties> */
    write_decompressed(td(CONS_ADV), path, 1500000);
    expect_format_error(path, "malformed XML");
    /* cut just before </Sanctions>: every party is complete, yet nothing may be emitted */
    write_decompressed(td(CONS_ADV), path, 2717162 - 13);
    expect_format_error(path, "malformed XML");
    free(path);
    free(dir);
}

static void test_unknown_alias_type(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_advanced_badref");
    char *path = write_fixture(dir, "badref.xml", "9999");
    expect_format_error(path, "unknown AliasTypeID 9999");
    free(path);
    free(dir);
}

static void test_garbage(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_advanced_garbage");
    char *path = em_xasprintf("%s/garbage.xml", dir);
    const char bytes[] = "\x01\x02\xff\xfe<<<&&& not xml at all \x00\x7f";
    write_file(path, bytes, sizeof bytes);
    expect_format_error(path, "line 1");
    free(path);
    free(dir);
}

static void test_structural_errors(void **state) {
    (void)state;
    char *dir = tmpdir_new("ofac_advanced_struct");
    char *path = em_xasprintf("%s/x.xml", dir);
    const char *wrong_root = "<?xml version=\"1.0\"?>\n<sdnList><publshInformation/></sdnList>\n";
    write_file(path, wrong_root, strlen(wrong_root));
    expect_format_error(path, "expected <Sanctions>");

    /* a Profile without ID */
    char *person = em_xasprintf(person_xml, "1403");
    char *p = strstr(person, "<Profile ID=\"100\"");
    assert_non_null(p);
    memcpy(p + 9, "XX", 2); /* <Profile XX="100" ... */
    char *all = em_xasprintf("%s%s%s", head_xml, person, tail_xml);
    write_file(path, all, strlen(all));
    expect_format_error(path, "<Profile> without ID");
    free(all);
    free(person);

    /* a feature pointing at a location that does not exist */
    person = em_xasprintf(person_xml, "1403");
    p = strstr(person, "LocationID=\"500\"");
    assert_non_null(p);
    memcpy(p + 12, "777", 3);
    all = em_xasprintf("%s%s%s", head_xml, person, tail_xml);
    write_file(path, all, strlen(all));
    expect_format_error(path, "unknown LocationID 777");
    free(all);
    free(person);
    free(path);
    free(dir);
}

static int stop_after_one(void *ctx, em_entity *e, em_error *err) {
    int *n = ctx;
    em_entity_free(e);
    if (++*n < 2) return 0;
    snprintf(err->message, sizeof err->message, "stop");
    err->code = EM_ERR_STORE;
    return -1;
}

static void test_sink_abort(void **state) {
    (void)state;
    int n = 0;
    em_parse_meta meta;
    em_error err = {0};
    assert_int_equal(
        em_parse_ofac_advanced_xml(td(CONS_ADV), "ofac_cons", stop_after_one, &n, &meta, &err), -1);
    assert_int_equal(n, 2);
    assert_int_equal(err.code, EM_ERR_STORE); /* the sink's error is kept */
    assert_string_equal(err.message, "stop");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_consolidated_list),
        cmocka_unit_test(test_handwritten),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_unknown_alias_type),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_structural_errors),
        cmocka_unit_test(test_sink_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
