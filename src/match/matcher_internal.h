/*
 * matcher_internal.h - the matcher and searcher structures shared by
 * matcher.c (opening, snapshot management) and search.c (queries).
 */
#ifndef EM_MATCH_MATCHER_INTERNAL_H
#define EM_MATCH_MATCHER_INTERNAL_H

#include "embargo.h"
#include "index/snapshot_format.h"
#include "text/knowledge.h"
#include "text/tokens.h"

struct em_matcher {
    /* the process's shared knowledge and country tables (tables.c): one reference */
    struct em_tables *tables;
    const em_knowledge *k;
    uint64_t knowledge_id; /* the hash of the knowledge files, taken when k was loaded */
    const em_countries *countries;
    char *path;
    void *map;
    size_t map_len;
    /* views into the mapped snapshot (all NULL / 0 for a names-only matcher) */
    const snap_header *h;
    const char *strings;
    const snap_entity *entities;
    const snap_dob *dobs;
    const uint16_t *countries_v;
    const snap_name *names;
    const uint32_t *name_tokens;
    const snap_token *tokens;
    const uint32_t *postings;
    em_smap vocab, skel, groups, deletes, ids, related, sounds;
    float max_idf;
    /* names aligned per query: 0 = EM_MAX_CANDIDATES; a register's index, searched
       with a listed name to find every record it may match, takes more */
    size_t max_candidates;
    /* the initials of the organisation names (match/org.h): the snapshot's section */
    struct em_org_acronyms *acronyms;
};

/* Loads knowledge and country tables from the bundled data directory. */
int em_matcher_load_tables(em_matcher *m, em_error *err);
/* Maps and validates a snapshot file into m. */
int em_matcher_map(em_matcher *m, const char *path, em_error *err);
/* Unmaps m's snapshot (views cleared, tables kept): m is names-only again. */
void em_matcher_unmap(em_matcher *m);

#endif
