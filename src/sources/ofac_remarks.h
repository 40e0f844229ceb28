/*
 * ofac_remarks.h - turning the Remarks column of OFAC's legacy CSV files
 * ("DOB 1960 to 1961; POB Ghayenat, ...; a.k.a. 'MOIS'; Linked To: X.")
 * into entity facts. The caller keeps the verbatim text in e->remarks; this
 * only adds what it recognises (dates, places, identifiers, weak aliases,
 * links, props). Unknown clauses are simply left in the verbatim remarks.
 */
#ifndef EM_SOURCES_OFAC_REMARKS_H
#define EM_SOURCES_OFAC_REMARKS_H

#include "model/entity.h"

/* Parses `remarks` (UTF-8, may be NULL) into e. Returns 0. */
int em_ofac_parse_remarks(em_entity *e, const char *remarks);

/*
 * Parses an OFAC date expression: "12 Mar 1960", "Mar 1960", "1960",
 * "circa 1960", "1960 to 1961", "circa 1960-1962". Fills from/to with ISO
 * prefixes ("1960-03-12", "1960-03", "1960"). Returns 1 when understood.
 */
int em_ofac_remarks_date(const char *text, char from[11], char to[11], int *circa);

#endif
