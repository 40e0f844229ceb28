/*
 * server_datasets.h - the dataset names the HTTP API takes: embargo's own source
 * names, the OpenSanctions names clients configured for yente send (aliases of
 * embargo's sources) and the collections (default, sanctions) that hold every
 * active list. One table (server_datasets.c), used by every route that takes a
 * dataset. It could live in the library (a source's public names are a fact of
 * the source, like its formats in src/sources/formats.c); kept in the server
 * for now.
 */
#ifndef EM_SERVER_DATASETS_H
#define EM_SERVER_DATASETS_H

#include <stddef.h>

struct srv_gen;
struct srv_params;

/* One source's OpenSanctions identity. */
typedef struct srv_dataset_info {
    const char *name;   /* OpenSanctions name: "us_ofac_sdn" */
    const char *source; /* embargo source name: "ofac_sdn" */
    const char *title;
    const char *summary;
    const char *url;
    const char *publisher;
} srv_dataset_info;

/* The collections /catalog lists, NULL-terminated: {"default", "sanctions", NULL}. */
extern const char *const srv_collections[];

#define SRV_DATASET_MAX_SOURCES 4

/* What a dataset name selects. */
typedef struct srv_dataset_sel {
    int all;                                      /* a collection: every active list */
    size_t n;                                     /* else these embargo sources */
    const char *sources[SRV_DATASET_MAX_SOURCES]; /* static or owned by the view */
} srv_dataset_sel;

/*
 * Resolves a dataset name: a collection ("default", "sanctions", "all") selects
 * every list; an OpenSanctions name ("us_ofac_sdn") its embargo source; an
 * embargo source name itself. g (may be NULL: no check) is the view whose
 * loaded sources a name must be among. Returns 0, or -1 for a name that is
 * none of these or whose source is not loaded (the routes answer 404).
 */
int srv_dataset_resolve(const struct srv_gen *g, const char *name, srv_dataset_sel *out);
/* 1 when the name is a collection. */
int srv_dataset_is_collection(const char *name);
/* The OpenSanctions identity of an embargo source, or NULL (custom lists). */
const srv_dataset_info *srv_dataset_of_source(const char *source);
/* The identity of an OpenSanctions name, or NULL. */
const srv_dataset_info *srv_dataset_of_name(const char *name);
/*
 * Rewrites the dataset-valued query parameters (include_dataset,
 * exclude_dataset) in place to embargo source names: an alias becomes its
 * source; a collection in include_dataset drops every include_dataset
 * (a collection includes all). Unknown names are left as they are.
 */
void srv_datasets_rewrite_params(struct srv_params *p);

#endif
