/*
 * schema.h - the one table of entity schemata, FollowTheMoney-shaped: every
 * schema name embargo accepts or stores, its parent, the kind of party the
 * matcher treats it as, the spellings users write for it, and which listed
 * schemata a query of it may meet. Parsers, the importer, the snapshot, the
 * matcher, the engine, the CLI and the server derive their lists and checks
 * from here; nothing else spells schema names out.
 *
 * Matchable schemata follow FtM: a Person query meets Person and
 * LegalEntity, an Organization or Company query meets Organization, Company,
 * PublicBody and LegalEntity, a Vessel meets Vessel, an Airplane (embargo's
 * Aircraft) meets Airplane; LegalEntity and Thing meet every party.
 */
#ifndef EM_MODEL_SCHEMA_H
#define EM_MODEL_SCHEMA_H

#include <stddef.h>

/* the kind of party the matcher scores a schema as */
typedef enum em_party_kind {
    EM_PARTY_ANY = 0, /* LegalEntity, Thing: not said */
    EM_PARTY_PERSON,
    EM_PARTY_ORGANIZATION,
    EM_PARTY_VESSEL,
    EM_PARTY_AIRCRAFT
} em_party_kind;

typedef struct em_schema_info {
    const char *name;   /* the FtM name ("Person", "Airplane") */
    const char *parent; /* FtM parent, NULL for Thing */
    em_party_kind kind;
    const char *aliases; /* other spellings, '|'-separated, compared case-insensitively */
} em_schema_info;

/* The schema a name or alias denotes ("individual" -> Person), or NULL. */
const em_schema_info *em_schema_find(const char *name);
/* Entry i of the table (NULL past the end): for listings (OpenAPI, usage). */
const em_schema_info *em_schema_at(size_t i);
/* 1 when a query of schema `query` may meet a listed party of schema `listed`
   (either NULL = any). */
int em_schema_matchable(const char *query, const char *listed);
/* The FtM name of a stored schema ("Aircraft" -> "Airplane"); unknown names as given. */
const char *em_schema_ftm_name(const char *schema);

#endif
