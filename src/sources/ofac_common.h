/*
 * ofac_common.h - helpers shared by the OFAC parsers (sdnList and
 * ENHANCED_XML, and the legacy CSV's remarks): OFAC date texts, and the
 * mapping of OFAC "idType" / feature labels to identifiers or to entity facts.
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

/*
 * One date without "circa" or "to" in exactly n bytes of s: "12 Mar 1960" ->
 * "1960-03-12", "Mar 1960" -> "1960-03", "1960" -> "1960" in out. Months are
 * "Mar" or "Mar."; flags widen or narrow that. Returns 0, or -1.
 */
enum {
    EM_OFAC_DATE_ISO = 1,         /* also "1960-03-12" and "1960-03" */
    EM_OFAC_DATE_FULL_MONTH = 2,  /* "Mar" or "March" ("Sept"), not "Mar." */
    EM_OFAC_DATE_SPACES_ONLY = 4, /* words part at ' ' only, not at any white space */
};
int em_ofac_date_single(const char *s, size_t n, char out[11], int flags);

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
