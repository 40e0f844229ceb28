/*
 * entity_ftm.c - an entity in FollowTheMoney form (em_entity_ftm,
 * em_entity_to_ftm_json): what `embargo show --json`, /entities and match
 * results give. The store keeps embargo's own JSON (entity_json.c); this is
 * a view of it, computed, never stored.
 *
 * How embargo's model maps to FtM (every property value is an array of
 * strings, duplicates dropped, empty values left out):
 *
 *   embargo (em_entity)              FtM
 *   -------------------------------  ------------------------------------------------
 *   id, caption                      id, caption
 *   schema                           schema, FtM name (em_schema_ftm_name: Aircraft ->
 *                                    Airplane)
 *   source                           datasets [source]
 *   history (store versions)         first_seen, last_change, last_seen (ISO, or null)
 *   names primary (+ parts)          name (+ firstName, middleName, lastName)
 *   names aka/nka, strong or ungraded alias
 *   names aka, weak                  weakAlias
 *   names fka                        previousName
 *   gender                           gender
 *   birth_dates from / to            birthDate (both ends of a range)
 *   birth_places                     birthPlace
 *   nationalities, citizenships      nationality, citizenship (ISO 3166-1 alpha-2)
 *   addresses full / country         address (one line) / country (ISO)
 *   identifiers by type              passportNumber, idNumber (national_id, other),
 *                                    taxNumber, registrationNumber, leiCode (other
 *                                    labelled LEI), imoNumber, mmsi, callSign,
 *                                    swiftBic, email, phone, website, cryptoWallet
 *   identifiers crypto               also cryptoWallets: nested CryptoWallet
 *                                    {publicKey, currency, holder}
 *   programs                         program, programId (the publisher's codes,
 *                                    "CYBER2"; not OpenSanctions' "US-..." ids)
 *   programs, listed_on, source      sanctions: one nested Sanction {entity,
 *                                    authority, country, program, programId,
 *                                    startDate, listingDate, sourceUrl, reason,
 *                                    summary}
 *   listed_on                        createdAt
 *   remarks                          notes
 *   links target ids                 associates
 *   props: title, position           title, position
 *   props: vessel_flag, registration_country   flag, jurisdiction (ISO)
 *   props: vessel_type, tonnage, gross_registered_tonnage, build_date/year,
 *          incorporation_date, death_date, last_updated, source_url, topics,
 *          legal_form, aircraft_model, un_reference
 *                                    type, tonnage, grossRegisteredTonnage,
 *                                    buildDate, incorporationDate, deathDate,
 *                                    modifiedAt, sourceUrl, topics, legalForm,
 *                                    model, unscId
 *   other props                      their key in camelCase (sanctions_info ->
 *                                    sanctionsInfo), as the server always did
 *   source, programs                 topics: the list's and the programmes' from
 *                                    data/knowledge/topics.tsv (ofac_sdn: sanction;
 *                                    CYBER2: crime.cyber; SDGT: crime.terror...)
 *   (a sanctions source)             sourceUrl (the listing)
 *
 * Countries: a value the country table resolves (em_country_resolve: ISO
 * codes, English names, the lists' spellings) becomes its code in lower
 * case; one it cannot resolve stays as written, never dropped. Beside the
 * properties, "country_names" gives the English name of every code used
 * ({"ir": "Iran"}), so a reader need not carry a country table.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "base/buf.h"
#include "model/entity.h"
#include "model/schema.h"
#include "model/topics.h"
#include "text/country_resolve.h"

typedef struct ftm {
    json_t *props;
    json_t *country_names; /* code -> English name */
} ftm;

static void add(json_t *props, const char *key, const char *value) {
    if (!value || !*value) return;
    json_t *a = json_object_get(props, key);
    if (!a) {
        a = json_array();
        json_object_set_new(props, key, a);
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (strcmp(json_string_value(v), value) == 0) return;
    json_array_append_new(a, json_string(value));
}

static void add_topic(void *props, const char *topic) {
    add(props, "topics", topic);
}

/* the English name of an ISO code ("ir" -> "Iran"), from ICU */
static void country_name(const char *code, char *out, size_t cap) {
    char loc[8];
    snprintf(loc, sizeof loc, "und_%c%c", code[0] - 32 * (code[0] >= 'a'),
             code[1] - 32 * (code[1] >= 'a'));
    UChar name[128];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = uloc_getDisplayCountry(loc, "en", name, 128, &st);
    out[0] = '\0';
    if (U_FAILURE(st) || n <= 0) return;
    st = U_ZERO_ERROR;
    u_strToUTF8(out, (int32_t)cap, NULL, name, n, &st);
    if (U_FAILURE(st)) out[0] = '\0';
}

/* a country property: the ISO code when the value resolves to one, else the value */
static void add_country(ftm *f, const char *key, const char *value) {
    if (!value || !*value) return;
    char code[3];
    if (em_country_resolve(value, code, NULL) != 0) {
        add(f->props, key, value);
        return;
    }
    add(f->props, key, code);
    if (!json_object_get(f->country_names, code)) {
        char name[256];
        country_name(code, name, sizeof name);
        json_object_set_new(f->country_names, code, json_string(*name ? name : value));
    }
}

static const char *id_property(const em_identifier *d) {
    static const char *const MAP[][2] = {
        {EM_ID_PASSPORT, "passportNumber"}, {EM_ID_NATIONAL, "idNumber"},
        {EM_ID_TAX, "taxNumber"},           {EM_ID_REGISTRATION, "registrationNumber"},
        {EM_ID_IMO, "imoNumber"},           {EM_ID_MMSI, "mmsi"},
        {EM_ID_CALL_SIGN, "callSign"},      {EM_ID_BIC, "swiftBic"},
        {EM_ID_CRYPTO, "cryptoWallet"},     {EM_ID_EMAIL, "email"},
        {EM_ID_WEBSITE, "website"},         {EM_ID_PHONE, "phone"},
    };
    for (size_t i = 0; i < sizeof MAP / sizeof *MAP; i++)
        if (strcmp(d->type, MAP[i][0]) == 0) return MAP[i][1];
    if (d->label &&
        (strcasecmp(d->label, "leiCode") == 0 || strcasecmp(d->label, "LEI") == 0 ||
         strncasecmp(d->label, "LEI ", 4) == 0 || strcasecmp(d->label, "Legal Entity Number") == 0))
        return "leiCode";
    return "idNumber";
}

/* stored property keys with an FtM name; `country` marks country-valued ones */
static const struct {
    const char *key, *prop;
    int country;
} PROPS[] = {
    {"title", "title", 0},
    {"position", "position", 0},
    {"vessel_flag", "flag", 1},
    {"former_vessel_flag", "pastFlags", 1},
    {"registration_country", "jurisdiction", 1},
    {"jurisdiction", "jurisdiction", 1},
    {"country", "country", 1},
    {"birth_country", "birthCountry", 1},
    {"vessel_type", "type", 0},
    {"tonnage", "tonnage", 0},
    {"gross_registered_tonnage", "grossRegisteredTonnage", 0},
    {"build_date", "buildDate", 0},
    {"build_year", "buildDate", 0},
    {"incorporation_date", "incorporationDate", 0},
    {"dissolution_date", "dissolutionDate", 0},
    {"death_date", "deathDate", 0},
    {"last_updated", "modifiedAt", 0},
    {"source_url", "sourceUrl", 0},
    {"topics", "topics", 0},
    {"legal_form", "legalForm", 0},
    {"aircraft_model", "model", 0},
    {"un_reference", "unscId", 0},
    {"gender", "gender", 0},
    /* facts of the listing: on the Sanction, not the entity */
    {"listing_date", NULL, 0},
    {"sanction_authority", NULL, 0},
    {"designation_details", NULL, 0},
    {"sanctions_info", NULL, 0},
    {"dataset", NULL, 0},
    {"ftm_schema", NULL, 0},
};

/* a stored property key ("sanctions_info") in FtM camelCase ("sanctionsInfo") */
static void camel(const char *key, char *out, size_t cap) {
    size_t o = 0;
    int up = 0;
    for (const char *p = key; *p && o + 1 < cap; p++) {
        if (*p == '_' || *p == ' ' || *p == '-') {
            up = o > 0;
            continue;
        }
        out[o++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        up = 0;
    }
    out[o] = '\0';
}

/* who lists the parties of a source: authority, its country, the listing's address */
typedef struct publisher {
    const char *prefix, *authority, *country, *url; /* url: %s = the list's own id, or none */
} publisher;

static const publisher PUBLISHERS[] = {
    {"ofac", "Office of Foreign Assets Control", "us",
     "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=%s"},
    {"un_", "United Nations Security Council", "zz",
     "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"},
    {"eu_", "European Union", "eu",
     "https://data.europa.eu/data/datasets/"
     "consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions"},
    {"uk_ofsi", "Office of Financial Sanctions Implementation", "gb",
     "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"},
    {"uk_", "Foreign, Commonwealth & Development Office", "gb",
     "https://www.gov.uk/government/publications/the-uk-sanctions-list"},
};

static const publisher *publisher_of(const char *source) {
    for (size_t i = 0; source && i < sizeof PUBLISHERS / sizeof *PUBLISHERS; i++)
        if (strncmp(source, PUBLISHERS[i].prefix, strlen(PUBLISHERS[i].prefix)) == 0)
            return &PUBLISHERS[i];
    return NULL;
}

static const char *prop_value(const em_entity *e, const char *key) {
    for (size_t i = 0; i < e->props.len; i++)
        if (strcmp(e->props.items[i].key, key) == 0) return e->props.items[i].value;
    return NULL;
}

static void set_history(json_t *o, const char *key, const char *iso) {
    json_object_set_new(o, key, iso && *iso ? json_string(iso) : json_null());
}

/* a nested entity (Sanction, CryptoWallet) of e */
static json_t *nested(const em_entity *e, const char *id, const char *schema, const char *caption,
                      json_t *props) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "schema", json_string(schema));
    json_object_set_new(o, "caption", json_string(caption ? caption : id));
    json_object_set_new(o, "properties", props);
    json_t *ds = json_array();
    if (e->source && *e->source) json_array_append_new(ds, json_string(e->source));
    json_object_set_new(o, "datasets", ds);
    json_object_set_new(o, "referents", json_array());
    json_object_set_new(o, "target", json_false());
    return o;
}

static json_t *sanction(const em_entity *e, const publisher *pub, const char *url) {
    json_t *p = json_object();
    add(p, "entity", e->id);
    const char *auth = prop_value(e, "sanction_authority");
    add(p, "authority", auth ? auth : pub ? pub->authority : NULL);
    if (pub) add(p, "country", pub->country);
    for (size_t i = 0; i < e->programs.len; i++) {
        add(p, "program", e->programs.items[i]);
        add(p, "programId", e->programs.items[i]);
    }
    add(p, "startDate", e->listed_on);
    add(p, "listingDate", e->listed_on);
    for (size_t i = 0; i < e->props.len; i++) {
        const em_prop *x = &e->props.items[i];
        if (strcmp(x->key, "listing_date") == 0) add(p, "listingDate", x->value);
        if (strcmp(x->key, "designation_details") == 0) add(p, "reason", x->value);
        if (strcmp(x->key, "sanctions_info") == 0) add(p, "summary", x->value);
        if (strcmp(x->key, "regulation") == 0) add(p, "program", x->value);
    }
    add(p, "sourceUrl", url);
    char *id = em_xasprintf("%s-sanction", e->id);
    json_t *caption = json_object_get(p, "authority");
    json_t *o = nested(e, id, "Sanction",
                       caption ? json_string_value(json_array_get(caption, 0)) : NULL, p);
    free(id);
    return o;
}

json_t *em_entity_ftm(const em_entity *e, const em_entity_history *h) {
    if (!h && e->history.first_seen_version) h = &e->history;
    ftm f = {json_object(), json_object()};
    json_t *props = f.props;
    for (size_t i = 0; i < e->names.len; i++) {
        const em_name *n = &e->names.items[i];
        if (strcmp(n->kind, EM_NAME_PRIMARY) == 0) {
            add(props, "name", n->full);
            add(props, "firstName", n->first);
            add(props, "middleName", n->middle);
            add(props, "lastName", n->last);
        } else if (strcmp(n->kind, EM_NAME_FKA) == 0) {
            add(props, "previousName", n->full);
        } else if (n->strength && strcmp(n->strength, "weak") == 0) {
            add(props, "weakAlias", n->full);
        } else {
            add(props, "alias", n->full);
        }
    }
    if (!json_object_get(props, "name")) add(props, "name", e->caption);
    add(props, "gender", e->gender);
    for (size_t i = 0; i < e->birth_dates.len; i++) {
        add(props, "birthDate", e->birth_dates.items[i].from);
        add(props, "birthDate", e->birth_dates.items[i].to);
    }
    for (size_t i = 0; i < e->birth_places.len; i++)
        add(props, "birthPlace", e->birth_places.items[i]);
    for (size_t i = 0; i < e->nationalities.len; i++)
        add_country(&f, "nationality", e->nationalities.items[i]);
    for (size_t i = 0; i < e->citizenships.len; i++)
        add_country(&f, "citizenship", e->citizenships.items[i]);
    for (size_t i = 0; i < e->addresses.len; i++) {
        add(props, "address", e->addresses.items[i].full);
        add_country(&f, "country", e->addresses.items[i].country);
    }
    json_t *wallets = json_array();
    for (size_t i = 0; i < e->identifiers.len; i++) {
        const em_identifier *d = &e->identifiers.items[i];
        add(props, id_property(d), d->value);
        if (strcmp(d->type, EM_ID_CRYPTO) == 0) {
            json_t *p = json_object();
            add(p, "publicKey", d->value);
            add(p, "currency", d->currency);
            add(p, "holder", e->id);
            char *id = em_xasprintf("%s-wallet-%s", e->id, d->value);
            json_array_append_new(wallets, nested(e, id, "CryptoWallet", d->value, p));
            free(id);
        }
    }
    for (size_t i = 0; i < e->programs.len; i++) {
        add(props, "program", e->programs.items[i]);
        add(props, "programId", e->programs.items[i]);
    }
    add(props, "notes", e->remarks);
    add(props, "createdAt", e->listed_on);
    for (size_t i = 0; i < e->links.len; i++)
        add(props, "associates", e->links.items[i].target_id);
    for (size_t i = 0; i < e->props.len; i++) {
        const em_prop *x = &e->props.items[i];
        size_t k = 0, n = sizeof PROPS / sizeof *PROPS;
        while (k < n && strcmp(PROPS[k].key, x->key) != 0)
            k++;
        if (k < n && !PROPS[k].prop) continue;
        if (k < n && PROPS[k].country) {
            add_country(&f, PROPS[k].prop, x->value);
        } else if (k < n) {
            add(props, PROPS[k].prop, x->value);
        } else {
            char ck[128];
            camel(x->key, ck, sizeof ck);
            add(props, ck, x->value);
        }
    }
    /* the listing: topics, its address, and the Sanction */
    const publisher *pub = publisher_of(e->source);
    char url[512] = "";
    if (pub && strstr(pub->url, "%s")) {
        if (e->source_id && *e->source_id) snprintf(url, sizeof url, pub->url, e->source_id);
    } else if (pub) {
        snprintf(url, sizeof url, "%s", pub->url);
    }
    if (!json_object_get(props, "sourceUrl")) add(props, "sourceUrl", url);
    /* topics: the list's and its programmes' (data/knowledge/topics.tsv), beside any
       the list itself gives */
    em_topics_of(e->source, (const char *const *)e->programs.items, e->programs.len, add_topic,
                 props);
    if (pub || e->programs.len || e->listed_on) {
        json_t *s = json_array();
        json_array_append_new(s, sanction(e, pub, url));
        json_object_set_new(props, "sanctions", s);
    }
    if (json_array_size(wallets))
        json_object_set_new(props, "cryptoWallets", wallets);
    else
        json_decref(wallets);

    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(e->id ? e->id : ""));
    json_object_set_new(o, "schema", json_string(em_schema_ftm_name(e->schema)));
    json_object_set_new(o, "caption", json_string(e->caption ? e->caption : e->id ? e->id : ""));
    json_t *ds = json_array();
    if (e->source && *e->source) json_array_append_new(ds, json_string(e->source));
    json_object_set_new(o, "datasets", ds);
    set_history(o, "first_seen", h ? h->first_seen : NULL);
    set_history(o, "last_change", h ? h->last_change : NULL);
    set_history(o, "last_seen", h ? h->last_seen : NULL);
    json_object_set_new(o, "referents", json_array());
    json_object_set_new(o, "target", json_true());
    json_object_set_new(o, "properties", props);
    json_object_set_new(o, "country_names", f.country_names);
    return o;
}

char *em_entity_to_ftm_json(const em_entity *e, const em_entity_history *h, int pretty) {
    if (!e) return NULL;
    json_t *j = em_entity_ftm(e, h);
    char *s = json_dumps(j, pretty ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
                                   : JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return s;
}
