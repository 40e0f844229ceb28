/*
 * record.h - one record of a user's register (a customer, counterparty,
 * vendor, vessel or wallet) in its canonical form, and what is derived from
 * it: the party screened, the entity the register's index holds, the facts
 * whose change is material. Read from CSV or JSON lines by record_read.c.
 *
 * The canonical form is a JSON object with sorted keys:
 *   {"id": "C-1", "schema": "Person", "names": [...], "weak_names": [...],
 *    "birth_dates": [...], "countries": ["ir"], "gender": "male",
 *    "identifiers": [{"type": "passport", "value": "X1"}], "extra": {...}}
 * Everything but "id" and "extra" is a material fact: its change re-screens
 * the record and lifts a good-guy suppression.
 */
#ifndef EM_MONITOR_RECORD_H
#define EM_MONITOR_RECORD_H

#include <jansson.h>

#include "embargo.h"
#include "model/entity.h"

/* The record's material facts (a new reference; the object without id and extra). */
json_t *em_record_facts(json_t *record);
/* SHA-256 hex of the canonical text of the record's material facts. */
void em_record_digest(json_t *record, char out[65]);
/* The party screened for a record (names, dates, countries, gender, identifiers). */
em_party *em_record_party(json_t *record, em_error *err);
/* The record as an entity of the register's index (source "register", id "rec-" + id). */
em_entity *em_record_entity(json_t *record);
/* The record id of an index entity id ("rec-C-1" -> "C-1"). */
const char *em_record_id_of(const char *entity_id);

/* The material facts of a listed entity (names, schema, gender, birth dates,
   countries, identifiers) as a JSON object: what, when it changes, re-screens
   the register and lifts a suppression; programs, remarks, addresses other than
   their country are context. */
json_t *em_entity_facts(const em_entity *e);
/* The parties a listed entity is as a query against a register's index: its names
   (EM_PARTY_MAX_NAMES per party) and identifiers, no qualifiers, so that the
   retrieval is generous. Fills up to cap parties; returns how many. */
size_t em_entity_parties(const em_entity *e, em_party **out, size_t cap);

/* The keys of two fact objects whose values differ, as a JSON array (new reference). */
json_t *em_facts_changed(json_t *before, json_t *after);

#endif
