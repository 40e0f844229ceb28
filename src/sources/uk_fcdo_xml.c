/*
 * uk_fcdo_xml.c - the FCDO UK Sanctions List XML export (UK_Sanctions_List.xml:
 * root <Designations>, one <Designation> per listed party with <UniqueID>,
 * <OFSIGroupID>, <UNReferenceNumber>, <Names>/<Name> (Name1..Name6, Name6 the
 * surname, NameType "Primary Name" / "Alias" / "Primary Name Variation",
 * AliasStrength), <NonLatinNames>, <RegimeName>, <IndividualEntityShip>,
 * <Addresses>, <IndividualDetails> (DOBs, nationalities, passports, national
 * identifiers, positions, birth places, genders), <EntityDetails>
 * (registration numbers) and <ShipDetails> (IMO numbers, flags, types)).
 *
 * Element names are matched without regard to case, and unknown elements are
 * ignored, so small renames in the publisher's export do not break the import.
 * Ids are "ukfcdo-<UniqueID>", the same as the CSV and ODS exports, so versions
 * in different formats compare. Streams: one entity per </Designation>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "sources/source.h"
#include "sources/xml.h"

typedef struct fcdo_ctx {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;
    int root_seen;
    long count;
    /* the designation being read */
    int in_designation;
    char *uid, *group, *unref, *regime, *type, *listed, *other, *reasons, *designation_source;
    em_strvec names, name_kinds, name_strengths, nonlatin, dobs, nationalities, passports,
        passport_notes, national_ids, positions, births, genders, regnums, imos, flags, vtypes;
    em_strvec addresses; /* "line1, line2, ..., country" */
    char *parts[7];      /* Name1..Name6 of the current <Name> */
    char *name_type, *alias_strength;
    em_buf addr;
    char *addr_country;
    char *pp_number, *pp_info, *town, *country_birth;
} fcdo_ctx;

#define NAME_IS(n, s) (strcasecmp((n), (s)) == 0)

static void set(char **f, const char *v) {
    free(*f);
    *f = em_str_empty(v) ? NULL : em_collapse_spaces(v);
}

static void vec_free_all(fcdo_ctx *c) {
    em_strvec *v[] = {&c->names,        &c->name_kinds,    &c->name_strengths, &c->nonlatin,
                      &c->dobs,         &c->nationalities, &c->passports,      &c->passport_notes,
                      &c->national_ids, &c->positions,     &c->births,         &c->genders,
                      &c->regnums,      &c->imos,          &c->flags,          &c->vtypes,
                      &c->addresses};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        em_strvec_free(v[i]);
}

static void reset(fcdo_ctx *c) {
    char **f[] = {&c->uid,          &c->group,          &c->unref,
                  &c->regime,       &c->type,           &c->listed,
                  &c->other,        &c->reasons,        &c->designation_source,
                  &c->name_type,    &c->alias_strength, &c->addr_country,
                  &c->pp_number,    &c->pp_info,        &c->town,
                  &c->country_birth};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        set(f[i], NULL);
    for (int i = 0; i < 7; i++)
        set(&c->parts[i], NULL);
    vec_free_all(c);
    em_buf_reset(&c->addr);
}

/* "24/10/1966", "00/00/1966", "1966" or ISO -> ISO prefix; "" when not a date */
static void uk_date(const char *s, char out[40]) {
    int d = 0, m = 0, y = 0;
    out[0] = '\0';
    if (!s) return;
    if (sscanf(s, "%d/%d/%d", &d, &m, &y) == 3 && y > 1000 && y < 10000) {
        if (m >= 1 && m <= 12 && d >= 1 && d <= 31)
            snprintf(out, 40, "%04d-%02d-%02d", y, m, d);
        else if (m >= 1 && m <= 12)
            snprintf(out, 40, "%04d-%02d", y, m);
        else
            snprintf(out, 40, "%04d", y);
    } else if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) >= 1 && y > 1000) {
        snprintf(out, 40, "%.10s", s);
    }
}

static const char *schema_of(const char *t) {
    if (!t) return EM_SCHEMA_LEGAL_ENTITY;
    if (strcasecmp(t, "Individual") == 0) return EM_SCHEMA_PERSON;
    if (strcasecmp(t, "Entity") == 0) return EM_SCHEMA_ORGANIZATION;
    if (strcasecmp(t, "Ship") == 0) return EM_SCHEMA_VESSEL;
    return EM_SCHEMA_LEGAL_ENTITY;
}

static int emit(fcdo_ctx *c, em_xml *x) {
    if (em_str_empty(c->uid)) return em_xml_fail(x, "<Designation> without a <UniqueID>");
    if (!c->names.len) return em_xml_fail(x, "<Designation> %s has no name", c->uid);
    em_entity *e = em_entity_new(c->source, "ukfcdo", c->uid, schema_of(c->type));
    int primary_done = 0;
    for (size_t i = 0; i < c->names.len; i++) {
        int primary = !primary_done && strcasecmp(c->name_kinds.items[i], "primary name") == 0;
        const char *st = c->name_strengths.items[i];
        em_name *n =
            em_entity_add_name(e, c->names.items[i], primary ? EM_NAME_PRIMARY : EM_NAME_AKA,
                               st[0] ? (strcasestr(st, "low") ? "weak" : "strong") : NULL, NULL);
        if (primary && n) primary_done = 1;
    }
    if (!primary_done) {
        /* no name marked primary: the first one is */
        free(e->names.items[0].kind);
        e->names.items[0].kind = em_xstrdup(EM_NAME_PRIMARY);
    }
    for (size_t i = 0; i < c->nonlatin.len; i++)
        em_entity_add_name(e, c->nonlatin.items[i], EM_NAME_AKA, "strong", NULL);
    for (size_t i = 0; i < c->dobs.len; i++) {
        char iso[40];
        uk_date(c->dobs.items[i], iso);
        if (iso[0]) em_entity_add_birth_date(e, c->dobs.items[i], iso, iso, 0);
    }
    for (size_t i = 0; i < c->nationalities.len; i++)
        em_entity_add_nationality(e, c->nationalities.items[i]);
    for (size_t i = 0; i < c->births.len; i++)
        em_entity_add_birth_place(e, c->births.items[i]);
    for (size_t i = 0; i < c->genders.len; i++)
        em_entity_set(&e->gender, strcasecmp(c->genders.items[i], "male") == 0     ? "male"
                                  : strcasecmp(c->genders.items[i], "female") == 0 ? "female"
                                                                                   : NULL);
    for (size_t i = 0; i < c->passports.len; i++) {
        em_identifier *d =
            em_entity_add_identifier(e, EM_ID_PASSPORT, c->passports.items[i], NULL, "Passport");
        if (d && c->passport_notes.items[i][0]) em_entity_set(&d->note, c->passport_notes.items[i]);
    }
    for (size_t i = 0; i < c->national_ids.len; i++)
        em_entity_add_identifier(e, EM_ID_NATIONAL, c->national_ids.items[i], NULL,
                                 "National identifier");
    for (size_t i = 0; i < c->regnums.len; i++)
        em_entity_add_identifier(e, EM_ID_REGISTRATION, c->regnums.items[i], NULL,
                                 "Business registration number");
    for (size_t i = 0; i < c->imos.len; i++)
        em_entity_add_identifier(e, EM_ID_IMO, c->imos.items[i], NULL, "IMO number");
    for (size_t i = 0; i < c->flags.len; i++)
        em_entity_add_prop(e, "vessel_flag", c->flags.items[i]);
    for (size_t i = 0; i < c->vtypes.len; i++)
        em_entity_add_prop(e, "vessel_type", c->vtypes.items[i]);
    for (size_t i = 0; i < c->positions.len; i++)
        em_entity_add_prop(e, "position", c->positions.items[i]);
    for (size_t i = 0; i < c->addresses.len; i++) {
        /* the country travels as the last ", "-separated part */
        const char *full = c->addresses.items[i];
        const char *comma = strrchr(full, '|');
        char *street = comma ? em_xstrndup(full, (size_t)(comma - full)) : em_xstrdup(full);
        em_entity_add_address(e, street[0] ? street : NULL, NULL, NULL, NULL,
                              comma ? comma + 1 : NULL);
        free(street);
    }
    if (c->regime) em_entity_add_program(e, c->regime);
    if (c->group) em_entity_add_prop(e, "ofsi_group_id", c->group);
    if (c->unref) {
        em_entity_add_identifier(e, EM_ID_OTHER, c->unref, NULL, "UN Reference Number");
        em_entity_add_prop(e, "un_reference", c->unref);
    }
    if (c->designation_source) em_entity_add_prop(e, "designation_source", c->designation_source);
    char iso[40];
    uk_date(c->listed, iso);
    if (iso[0]) em_entity_set(&e->listed_on, iso);
    em_buf rem;
    em_buf_init(&rem);
    if (c->other) em_buf_adds(&rem, c->other);
    if (c->reasons) {
        if (rem.len) em_buf_adds(&rem, "\n\n");
        em_buf_adds(&rem, c->reasons);
    }
    if (rem.len) em_entity_set(&e->remarks, em_buf_cstr(&rem));
    em_buf_free(&rem);
    em_entity_finish(e);
    c->count++;
    return c->sink(c->sink_ctx, e, c->err);
}

static int on_start(void *ctx, em_xml *x, const char *name, const char **attrs) {
    (void)attrs;
    fcdo_ctx *c = ctx;
    if (em_xml_depth(x) == 1) {
        if (!NAME_IS(name, "Designations"))
            return em_xml_fail(x, "expected the FCDO <Designations> root, found <%s>", name);
        c->root_seen = 1;
    } else if (NAME_IS(name, "Designation") && em_xml_depth(x) == 2) {
        reset(c);
        c->in_designation = 1;
    } else if (NAME_IS(name, "Name") && c->in_designation) {
        for (int i = 0; i < 7; i++)
            set(&c->parts[i], NULL);
        set(&c->name_type, NULL);
        set(&c->alias_strength, NULL);
    } else if (NAME_IS(name, "Address")) {
        em_buf_reset(&c->addr);
        set(&c->addr_country, NULL);
    } else if (NAME_IS(name, "PassportDetail")) {
        set(&c->pp_number, NULL);
        set(&c->pp_info, NULL);
    } else if (NAME_IS(name, "Location")) {
        set(&c->town, NULL);
        set(&c->country_birth, NULL);
    }
    return 0;
}

static int on_end(void *ctx, em_xml *x, const char *name, const char *text) {
    fcdo_ctx *c = ctx;
    if (em_xml_depth(x) == 2 && NAME_IS(name, "DateGenerated")) {
        char iso[40];
        uk_date(text, iso);
        memcpy(c->meta->published, iso, strnlen(iso, 10));
        c->meta->published[strnlen(iso, 10)] = '\0';
        return 0;
    }
    if (!c->in_designation) return 0;
    if (NAME_IS(name, "Designation") && em_xml_depth(x) == 2) {
        c->in_designation = 0;
        return emit(c, x);
    }
    if (NAME_IS(name, "UniqueID"))
        set(&c->uid, text);
    else if (NAME_IS(name, "OFSIGroupID"))
        set(&c->group, text);
    else if (NAME_IS(name, "UNReferenceNumber"))
        set(&c->unref, text);
    else if (NAME_IS(name, "RegimeName"))
        set(&c->regime, text);
    else if (NAME_IS(name, "IndividualEntityShip"))
        set(&c->type, text);
    else if (NAME_IS(name, "DateDesignated"))
        set(&c->listed, text);
    else if (NAME_IS(name, "OtherInformation"))
        set(&c->other, text);
    else if (NAME_IS(name, "UKStatementofReasons"))
        set(&c->reasons, text);
    else if (NAME_IS(name, "DesignationSource"))
        set(&c->designation_source, text);
    else if (strncasecmp(name, "Name", 4) == 0 && name[4] >= '1' && name[4] <= '6' && !name[5])
        set(&c->parts[name[4] - '0'], text);
    else if (NAME_IS(name, "NameType"))
        set(&c->name_type, text);
    else if (NAME_IS(name, "AliasStrength"))
        set(&c->alias_strength, text);
    else if (NAME_IS(name, "Name")) {
        /* Name1..Name5 are given names and patronymics, Name6 the surname */
        em_buf full;
        em_buf_init(&full);
        for (int i = 1; i <= 6; i++)
            if (c->parts[i]) {
                if (full.len) em_buf_addc(&full, ' ');
                em_buf_adds(&full, c->parts[i]);
            }
        if (full.len) {
            em_strvec_push(&c->names, em_buf_cstr(&full));
            em_strvec_push(&c->name_kinds, c->name_type ? c->name_type : "");
            em_strvec_push(&c->name_strengths, c->alias_strength ? c->alias_strength : "");
        }
        em_buf_free(&full);
    } else if (NAME_IS(name, "NameNonLatinScript")) {
        if (!em_str_empty(text)) em_strvec_push(&c->nonlatin, text);
    } else if (strncasecmp(name, "AddressLine", 11) == 0 || NAME_IS(name, "AddressPostalCode")) {
        if (!em_str_empty(text)) {
            if (c->addr.len) em_buf_adds(&c->addr, ", ");
            em_buf_adds(&c->addr, text);
        }
    } else if (NAME_IS(name, "AddressCountry"))
        set(&c->addr_country, text);
    else if (NAME_IS(name, "Address")) {
        if (c->addr.len || c->addr_country) {
            char *a = em_xasprintf("%s|%s", em_buf_cstr(&c->addr),
                                   c->addr_country ? c->addr_country : "");
            em_strvec_take(&c->addresses, a);
        }
    } else if (NAME_IS(name, "DOB")) {
        if (!em_str_empty(text)) em_strvec_push(&c->dobs, text);
    } else if (NAME_IS(name, "Nationality")) {
        if (!em_str_empty(text)) em_strvec_push(&c->nationalities, text);
    } else if (NAME_IS(name, "PassportNumber"))
        set(&c->pp_number, text);
    else if (NAME_IS(name, "PassportAdditionalInformation"))
        set(&c->pp_info, text);
    else if (NAME_IS(name, "PassportDetail")) {
        if (c->pp_number) {
            em_strvec_push(&c->passports, c->pp_number);
            em_strvec_push(&c->passport_notes, c->pp_info ? c->pp_info : "");
        }
    } else if (NAME_IS(name, "NationalIdentifierNumber")) {
        if (!em_str_empty(text)) em_strvec_push(&c->national_ids, text);
    } else if (NAME_IS(name, "Position")) {
        if (!em_str_empty(text)) em_strvec_push(&c->positions, text);
    } else if (NAME_IS(name, "TownOfBirth"))
        set(&c->town, text);
    else if (NAME_IS(name, "CountryOfBirth"))
        set(&c->country_birth, text);
    else if (NAME_IS(name, "Location")) {
        if (c->town || c->country_birth) {
            char *b = em_xasprintf("%s%s%s", c->town ? c->town : "",
                                   c->town && c->country_birth ? ", " : "",
                                   c->country_birth ? c->country_birth : "");
            em_strvec_take(&c->births, b);
        }
    } else if (NAME_IS(name, "Gender")) {
        if (!em_str_empty(text)) em_strvec_push(&c->genders, text);
    } else if (NAME_IS(name, "BusinessRegistrationNumber")) {
        if (!em_str_empty(text)) em_strvec_push(&c->regnums, text);
    } else if (NAME_IS(name, "IMONumber")) {
        if (!em_str_empty(text)) em_strvec_push(&c->imos, text);
    } else if (NAME_IS(name, "Flag")) {
        if (!em_str_empty(text)) em_strvec_push(&c->flags, text);
    } else if (NAME_IS(name, "TypeOfShip")) {
        if (!em_str_empty(text)) em_strvec_push(&c->vtypes, text);
    }
    return 0;
}

int em_parse_uk_fcdo_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err) {
    em_parse_meta dummy;
    meta = em_parse_meta_begin(meta, &dummy, "uk-fcdo-xml");
    fcdo_ctx c;
    memset(&c, 0, sizeof c);
    c.source = source ? source : "uk_fcdo";
    c.sink = sink;
    c.sink_ctx = ctx;
    c.meta = meta;
    c.err = err;
    em_buf_init(&c.addr);
    em_xml_handlers h = {on_start, on_end};
    int rc = em_xml_parse(path, &h, &c, err);
    reset(&c);
    em_buf_free(&c.addr);
    if (rc == 0 && !c.root_seen)
        rc = em_fail(err, EM_ERR_FORMAT, "%s: no <Designations> root", path);
    return rc;
}
