/*
 * server_search.h - /search's listing (server_search_index.c) and the
 * yente-shaped /search handler (server_search.c).
 */
#ifndef EM_SERVER_SEARCH_H
#define EM_SERVER_SEARCH_H

#include <jansson.h>
#include <stdint.h>

#include "base/hmap.h"

struct em_server;
struct srv_gen;
struct em_error;

/* one listed entity as /search filters and counts it; the lists are
   NUL-separated values ending with an empty one ("ir\0ru\0\0") */
typedef struct srv_search_doc {
    char *id, *source, *schema, *caption;
    int64_t version;
    char *countries, *topics, *identifiers, *genders;
    char *props; /* "birthDate:1960\0programId:CYBER2\0...\0" (string values) */
    char first_seen[32], last_change[32], last_seen[32]; /* ISO, "" when unknown */
} srv_search_doc;

typedef struct srv_search_index {
    int refs;             /* under em_server.search_lock */
    uint64_t generation;  /* the generation it was built for */
    char *stamp;          /* the list versions it holds ("ofac_sdn:12,...") */
    srv_search_doc *docs; /* by id */
    size_t n;
    em_hmap by_id;         /* id -> srv_search_doc * */
    em_hmap country_names; /* ISO code -> English name (owned), for the facet labels */
} srv_search_index;

/* The index of g's generation (built on first use); NULL with err set when the store
   cannot be read. Release every index acquired. */
srv_search_index *srv_search_index_acquire(struct em_server *s, struct srv_gen *g,
                                           struct em_error *err);
void srv_search_index_release(struct em_server *s, srv_search_index *idx);
const srv_search_doc *srv_search_index_find(const srv_search_index *idx, const char *id);
/* The facts of one entity from its FtM object (em_entity_ftm, srv_entity_fragment);
   country_names (may be NULL) receives the English names of its country codes (owned
   copies). Clear with srv_search_doc_clear. */
void srv_search_doc_fill(srv_search_doc *d, json_t *ftm, int64_t version, em_hmap *country_names);
void srv_search_doc_clear(srv_search_doc *d);
/* At server stop: drops the server's reference. */
void srv_search_stop(struct em_server *s);
/* 1 when the NUL-separated list holds v */
int srv_search_list_has(const char *list, const char *v);

#endif
