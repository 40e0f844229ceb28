/*
 * country_resolve.h - what users and lists write for a country ("IR",
 * "Iran", "Iran (Islamic Republic of)", "Korea, North") as an ISO 3166-1
 * alpha-2 code, through the one process-wide country table (built once,
 * immutable, thread-safe), for em_party (engine/) and the FtM form of an
 * entity (model/).
 */
#ifndef EM_TEXT_COUNTRY_RESOLVE_H
#define EM_TEXT_COUNTRY_RESOLVE_H

#include "embargo.h"

/* An ISO 3166-1 alpha-2 code (lower case) for what a user wrote; -1 with a
   message when it is no country. */
int em_country_resolve(const char *name, char code[3], em_error *err);

#endif
