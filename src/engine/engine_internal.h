/*
 * engine_internal.h - what the engine's files share: the party (party.c),
 * generations and screening (engine.c), the batch runner (batch.c).
 */
#ifndef EM_ENGINE_INTERNAL_H
#define EM_ENGINE_INTERNAL_H

#include "base/buf.h"
#include "embargo.h"

typedef struct em_party_name_t {
    char *text;
    unsigned flags;
} em_party_name_t;

struct em_party {
    const char *schema; /* the schema table's name, NULL = any */
    em_party_name_t names[EM_PARTY_MAX_NAMES];
    size_t nnames;
    em_strvec birth_dates; /* as given, validated: "1962", "1960..1962" */
    em_strvec countries;   /* ISO alpha-2, lower case, distinct */
    const char *gender;    /* "male", "female" or NULL */
    em_strvec id_types, id_values;
};

/* The matcher of the engine's current generation (NULL when it has none), held until
   em_engine_drop_matcher(e, *hold): a caller reading the snapshot's vocabulary next to
   its screenings (payments/screen.c: free-text anchors) reads the very tables they use;
   *number (may be NULL) receives the generation's number. */
const em_matcher *em_engine_hold_matcher(em_engine *e, void **hold, uint64_t *number);
void em_engine_drop_matcher(em_engine *e, void *hold);

#endif
