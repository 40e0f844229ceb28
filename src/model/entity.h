/*
 * entity.h - the entity model every parser fills and every later stage reads.
 *
 * Inspired by FollowTheMoney: one em_entity per listed party, with all its
 * names, dates, places, identifiers, programs and links. Parsers build
 * entities with the em_entity_add_* helpers (all of which copy their string
 * arguments; NULL or "" values are ignored), then hand them to a sink.
 * The struct is internal to the library; the public API sees an opaque handle.
 */
#ifndef EM_MODEL_ENTITY_H
#define EM_MODEL_ENTITY_H

#include "base/buf.h"
#include "base/vec.h" /* EM_VEC */
#include "embargo.h"

/* Schemas (FtM names) */
#define EM_SCHEMA_PERSON "Person"
#define EM_SCHEMA_ORGANIZATION "Organization"
#define EM_SCHEMA_VESSEL "Vessel"
#define EM_SCHEMA_AIRCRAFT "Aircraft"
#define EM_SCHEMA_LEGAL_ENTITY "LegalEntity" /* when the source does not say */

/* Name kinds */
#define EM_NAME_PRIMARY "primary"
#define EM_NAME_AKA "aka"
#define EM_NAME_FKA "fka"
#define EM_NAME_NKA "nka"

typedef struct em_name {
    char *full;     /* as the source writes it, UTF-8 ("KHATIB, Esmail") */
    char *kind;     /* EM_NAME_* */
    char *strength; /* "strong", "weak" or NULL when the source does not grade */
    char *script;   /* ISO 15924 ("Latn", "Arab", "Cyrl") or NULL when unknown */
    /* parts when the source separates them; any may be NULL */
    char *first, *middle, *last;
} em_name;

/*
 * A date as precise as the source gives it. `from`/`to` are ISO prefixes:
 * "1962" (a year), "1962-05" or "1962-05-10"; a range "DOB 1960 to 1961" has
 * from "1960" and to "1961"; a single date has to == from. circa marks "circa".
 */
typedef struct em_date {
    char *text; /* the original text */
    char *from, *to;
    int circa;
} em_date;

typedef struct em_address {
    char *full; /* one-line form */
    char *street, *city, *region, *postal, *country;
} em_address;

/* Identifier types */
#define EM_ID_PASSPORT "passport"
#define EM_ID_NATIONAL "national_id"
#define EM_ID_TAX "tax_id"
#define EM_ID_REGISTRATION "registration"
#define EM_ID_IMO "imo"
#define EM_ID_MMSI "mmsi"
#define EM_ID_CALL_SIGN "call_sign"
#define EM_ID_BIC "bic"
#define EM_ID_CRYPTO "crypto"
#define EM_ID_EMAIL "email"
#define EM_ID_WEBSITE "website"
#define EM_ID_PHONE "phone"
#define EM_ID_OTHER "other"

typedef struct em_identifier {
    char *type; /* EM_ID_* */
    char *value;
    char *country;  /* issuing country when known */
    char *currency; /* for EM_ID_CRYPTO: "XBT", "ETH", ... */
    char *label;    /* the source's own label ("Passport", "Cedula No.") */
    char *note;     /* anything else the source says (issue date, "expires ...") */
} em_identifier;

typedef struct em_link {
    char *relation;  /* "linked_to", "associate", ... */
    char *target_id; /* resolved entity id, or NULL when only the name is known */
    char *target_name;
} em_link;

typedef struct em_prop { /* any other fact: title, position, vessel flag, ... */
    char *key, *value;
} em_prop;

struct em_entity {
    char *id;        /* "<prefix>-<source_id>" */
    char *source;    /* "ofac_sdn", "ofac_cons", "un_sc" */
    char *source_id; /* the list's own id (OFAC ent_num, UN DATAID) */
    char *schema;    /* EM_SCHEMA_* */
    char *caption;   /* primary name */
    char *gender;    /* "male", "female" or NULL */
    char *listed_on; /* ISO date or NULL */
    char *remarks;   /* free text, verbatim */
    EM_VEC(em_name) names;
    EM_VEC(em_date) birth_dates;
    em_strvec birth_places;
    em_strvec nationalities;
    em_strvec citizenships;
    EM_VEC(em_address) addresses;
    EM_VEC(em_identifier) identifiers;
    em_strvec programs;
    EM_VEC(em_link) links;
    EM_VEC(em_prop) props;
    /* when the entity was first seen, last changed and last seen in the store's
       versions; filled by em_store_load_active, all zero when unknown. Not part
       of the stored JSON (nor of the content digest). */
    em_entity_history history;
};

em_entity *em_entity_new(const char *source, const char *id_prefix, const char *source_id,
                         const char *schema);
void em_entity_set(char **field, const char *value); /* replace a scalar field (copy) */

/* Each returns the new element (or NULL when the value was empty / a duplicate). */
em_name *em_entity_add_name(em_entity *e, const char *full, const char *kind, const char *strength,
                            const char *script);
em_date *em_entity_add_birth_date(em_entity *e, const char *text, const char *from, const char *to,
                                  int circa);
em_address *em_entity_add_address(em_entity *e, const char *street, const char *city,
                                  const char *region, const char *postal, const char *country);
em_identifier *em_entity_add_identifier(em_entity *e, const char *type, const char *value,
                                        const char *country, const char *label);
em_link *em_entity_add_link(em_entity *e, const char *relation, const char *target_id,
                            const char *target_name);
void em_entity_add_prop(em_entity *e, const char *key, const char *value);
void em_entity_add_program(em_entity *e, const char *program);
void em_entity_add_nationality(em_entity *e, const char *country);
void em_entity_add_citizenship(em_entity *e, const char *country);
void em_entity_add_birth_place(em_entity *e, const char *place);
/* Sets the caption from the first primary name when not set; fills address.full. */
void em_entity_finish(em_entity *e);

/* Guesses the ISO 15924 script of a UTF-8 string ("Latn", "Arab", ...) or NULL. */
const char *em_guess_script(const char *utf8);

/* JSON (jansson) round trip; the store keeps entities in this form. */
struct json_t;
struct json_t *em_entity_to_json(const em_entity *e);
em_entity *em_entity_from_json(const struct json_t *j, em_error *err);

/* The FollowTheMoney form of an entity (entity_ftm.c): {id, schema, caption,
   datasets, first_seen, last_seen, last_change, referents, target, properties,
   country_names}. h may be NULL (then e->history is used when known). */
struct json_t *em_entity_ftm(const em_entity *e, const em_entity_history *h);

/* A growable list of entities, owned. */
typedef struct em_entity_list {
    em_entity **items;
    size_t len, cap;
} em_entity_list;
void em_entity_list_push(em_entity_list *l, em_entity *e);
void em_entity_list_free(em_entity_list *l);

#endif
