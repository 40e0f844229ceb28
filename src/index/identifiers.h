/*
 * identifiers.h - the normal form of identifier values, shared by the
 * snapshot (list side) and the matcher (query side): letters and digits
 * only, upper case ("IMO 9187629" -> "IMO9187629", "ab-12 345" -> "AB12345").
 */
#ifndef EM_INDEX_IDENTIFIERS_H
#define EM_INDEX_IDENTIFIERS_H

#include <stddef.h>

/* Returns 0 and fills key, or -1 when fewer than 4 letters/digits remain. */
int em_identifier_key(const char *value, char *key, size_t cap);

#endif
