/*
 * ofac_common.h - helpers shared by the OFAC XML parsers (sdnList and
 * ENHANCED_XML): OFAC date texts, and the mapping of OFAC "idType" /
 * feature labels to identifiers or to entity facts.
 */
#ifndef EM_SOURCES_OFAC_COMMON_H
#define EM_SOURCES_OFAC_COMMON_H

#include "model/entity.h"

/*
 * Parses an OFAC date text into ISO prefixes: "12 Mar 1960" -> "1960-03-12",
 * "Mar 1960" -> "1960-03", "1960" -> "1960", "circa 1960" (circa = 1),
 * "1960 to 1961" (from "1960", to "1961"); ISO "1960-03-12" is accepted too.
 * `from` and `to` must hold 16 bytes; `to` equals `from` for a single date.
 * Returns 0, or -1 (from/to set to "") when the text is not a date.
 */
int em_ofac_parse_date(const char *text, char *from, char *to, int *circa);

/* Adds a birth date from its OFAC text (kept as text only when unparseable). */
void em_ofac_add_birth_date(em_entity *e, const char *text);

/* Schema of an OFAC sdnType / entityType ("Individual", "Entity", "Vessel", "Aircraft"). */
const char *em_ofac_schema(const char *sdn_type);

/*
 * Adds one OFAC "idType" / feature to an entity: identifiers become
 * em_identifier (type mapped, label = `label`, country, note), facts such as
 * "Gender", "Vessel Flag", "Organization Established Date", "Target Type" or
 * "Additional Sanctions Information -" become e->gender or props.
 */
void em_ofac_add_fact(em_entity *e, const char *label, const char *value, const char *country,
                      const char *note);

/* "05/06/2024" (MM/DD/YYYY) or "2024-05-06T00:00:00" -> "2024-05-06"; 0 or -1. */
int em_ofac_iso_date(const char *text, char *out, size_t n);

#endif
