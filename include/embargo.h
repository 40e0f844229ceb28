/*
 * embargo.h - the public C API of libembargo, a sanctions screening engine.
 *
 * Everything real lives in the library; the `embargo` CLI and the server only
 * translate. Conventions:
 *   - Handles are opaque. Whatever a function returns through an `out`
 *     pointer is owned by the caller and released with the matching *_free.
 *   - Functions return 0 on success and -1 on failure; on failure the
 *     em_error (when not NULL) says what went wrong and what to do.
 *   - Strings are UTF-8, NUL-terminated.
 *
 * Data flows one way: list file -> parser -> entities -> store (a version)
 * -> (later) compiled snapshot -> matcher -> results.
 */
#ifndef EMBARGO_H
#define EMBARGO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EMBARGO_VERSION "0.1.0"

/* ---- errors ----------------------------------------------------------- */

typedef enum em_error_code {
    EM_OK = 0,
    EM_ERR_IO,       /* a file could not be read or written */
    EM_ERR_FORMAT,   /* a list file is malformed or of an unknown format */
    EM_ERR_STORE,    /* the SQLite store failed */
    EM_ERR_NOTFOUND, /* the entity / version / source does not exist */
    EM_ERR_USAGE,    /* the caller passed invalid arguments */
    EM_ERR_NOMEM,
    EM_ERR_INTERNAL
} em_error_code;

typedef struct em_error {
    em_error_code code;
    char message[1024];
} em_error;

/* ---- entities ---------------------------------------------------------- */

/* One listed party (Person, Organization, Vessel, Aircraft, LegalEntity). */
typedef struct em_entity em_entity;

const char *em_entity_id(const em_entity *e);      /* e.g. "ofac-12111" */
const char *em_entity_schema(const em_entity *e);  /* e.g. "Person" */
const char *em_entity_caption(const em_entity *e); /* primary name */
const char *em_entity_source(const em_entity *e);  /* e.g. "ofac_sdn" */
/* All facts as pretty JSON (FtM-inspired). Caller frees with free(). */
char *em_entity_to_json_string(const em_entity *e, int pretty);
void em_entity_free(em_entity *e);

/* ---- the versioned list store ------------------------------------------ */

typedef struct em_store em_store;

enum {
    EM_STORE_NO_SEED = 1 << 0, /* do not import the bundled lists into a new home */
    EM_STORE_READONLY = 1 << 1
};

/*
 * Opens (creating when needed) the store in directory `home`. NULL selects
 * $EMBARGO_HOME, else $XDG_DATA_HOME/embargo, else ~/.local/share/embargo.
 * A newly created home is seeded from the bundled lists unless
 * EM_STORE_NO_SEED is given.
 */
int em_store_open(em_store **out, const char *home, unsigned flags, em_error *err);
void em_store_close(em_store *st);
const char *em_store_home(const em_store *st);

/* Where the bundled lists live (data/ of an install or of the source tree). */
const char *em_bundled_data_dir(void);

/* The outcome of importing one list (one source) */
typedef struct em_import_result {
    const char *source;    /* "ofac_sdn", "ofac_cons", "un_sc", ... */
    const char *format;    /* "ofac-csv", "ofac-xml", "ofac-advanced-xml", ... */
    const char *published; /* publication date from the file, or "" */
    const char *sha256;    /* over the decompressed input bytes */
    int64_t version;       /* the new, now active, version id */
    size_t entities;
    int unchanged; /* 1 when identical to the active version (no new version made) */
} em_import_result;

typedef struct em_import_report em_import_report;

/*
 * Parses the given list files (format detected from content; the four files
 * of an OFAC CSV set go together), stores one new version per source in one
 * transaction each, and activates it only when complete. `source` (may be
 * NULL) overrides the source name. On any error nothing is changed.
 */
int em_store_import(em_store *st, const char *const *paths, size_t npaths, const char *source,
                    em_import_report **out, em_error *err);
size_t em_import_report_count(const em_import_report *r);
const em_import_result *em_import_report_get(const em_import_report *r, size_t i);
void em_import_report_free(em_import_report *r);

/* Imports every list bundled with embargo (see em_bundled_data_dir). */
int em_store_import_bundled(em_store *st, em_import_report **out, em_error *err);

/* One stored version of one source */
typedef struct em_version_info {
    int64_t id;
    const char *source;
    const char *format;
    const char *published;   /* from the file, "" if none */
    const char *imported_at; /* ISO 8601 UTC */
    const char *sha256;
    const char *files; /* file names, separated by ", " */
    size_t entities;
    size_t persons, organizations, vessels, aircraft, others;
    size_t names;
    int active;
} em_version_info;

typedef struct em_version_list em_version_list;

/* All versions (active ones first per source); source NULL = every source */
int em_store_versions(em_store *st, const char *source, em_version_list **out, em_error *err);
size_t em_version_list_count(const em_version_list *l);
const em_version_info *em_version_list_get(const em_version_list *l, size_t i);
void em_version_list_free(em_version_list *l);

/* Makes an existing version the active one of its source. */
int em_store_activate(em_store *st, int64_t version, em_error *err);

/*
 * Loads one entity. `version` 0 = the active version of its source.
 * Ids are "<prefix>-<source id>" ("ofac-12111", "un-6908555").
 */
int em_store_entity(em_store *st, const char *id, int64_t version, em_entity **out, em_error *err);

/* ---- diff between two versions of a source ----------------------------- */

typedef enum em_change_kind { EM_ADDED, EM_REMOVED, EM_CHANGED } em_change_kind;

typedef struct em_change {
    em_change_kind kind;
    const char *id;
    const char *caption;
    const char *schema;
    size_t nfields;
    const char *const *fields; /* which facts changed ("programs", "names", ...) */
    /* for each changed field, values only in the old / only in the new version,
       each as a JSON array text */
    const char *const *removed_values;
    const char *const *added_values;
} em_change;

typedef struct em_diff em_diff;

/*
 * Compares two versions of `source`. from = 0: the version before `to`;
 * to = 0: the active version. When source is NULL, from/to must be given.
 */
int em_store_diff(em_store *st, const char *source, int64_t from, int64_t to, em_diff **out,
                  em_error *err);
int64_t em_diff_from(const em_diff *d);
int64_t em_diff_to(const em_diff *d);
size_t em_diff_count(const em_diff *d);
const em_change *em_diff_get(const em_diff *d, size_t i);
void em_diff_free(em_diff *d);

/* ---- lookup (normalised exact; the fuzzy matcher comes in a later layer) */

typedef struct em_hit {
    const char *id;
    const char *caption;
    const char *schema;
    const char *source;
    int64_t version;
    const char *matched_name; /* the listed name that matched */
    const char *programs;     /* "; "-separated */
    double score;
} em_hit;

typedef struct em_hits em_hits;

/* Finds entities (active versions) one of whose names normalises to the same
   key as `name` (case, accents, punctuation, script and word order ignored). */
int em_store_lookup(em_store *st, const char *name, const char *schema, size_t limit, em_hits **out,
                    em_error *err);
size_t em_hits_count(const em_hits *h);
const em_hit *em_hits_get(const em_hits *h, size_t i);
void em_hits_free(em_hits *h);

/* ---- matching ----------------------------------------------------------- */

/*
 * The matcher: the active lists compiled into one snapshot file, memory-mapped
 * read-only, plus the name knowledge tables (data/knowledge). Immutable once
 * open and safe to share between threads; each thread searches through its
 * own em_searcher.
 */
typedef struct em_matcher em_matcher;

/* Compiles the snapshot of the store's active versions when it is missing or
   stale (HOME/snapshots/), then maps it. */
int em_matcher_open(em_matcher **out, em_store *st, em_error *err);
/* Maps an existing snapshot file. */
int em_matcher_open_file(em_matcher **out, const char *snapshot_path, em_error *err);
/* A matcher without lists: only name comparison (em_compare) works. */
int em_matcher_open_names_only(em_matcher **out, em_error *err);
void em_matcher_close(em_matcher *m);
size_t em_matcher_entity_count(const em_matcher *m);
const char *em_matcher_snapshot_path(const em_matcher *m); /* NULL for names-only */

/* The default alert threshold, chosen on the development data (docs/QUALITY.md). */
#define EM_DEFAULT_THRESHOLD 0.70

typedef struct em_query {
    const char *name;       /* the name to screen; may be NULL when identifiers are given */
    const char *schema;     /* "Person", "Organization", "Vessel", "Aircraft"; NULL = any */
    const char *birth_date; /* "YYYY", "YYYY-MM" or "YYYY-MM-DD"; NULL = unknown */
    const char *country;    /* nationality / country: ISO 3166 alpha-2 code or English
                               name; several separated by ';'; NULL = unknown */
    const char *gender;     /* "male", "female" or NULL */
    const char *const *identifiers; /* identifier values (passport, IMO, wallet, BIC...) */
    size_t nidentifiers;
    double threshold; /* results at or above it have match = 1; <= 0 = default */
    size_t limit;     /* maximum results; 0 = 10 */
    int all;          /* 1: return results below the threshold too (up to limit) */
} em_query;

typedef struct em_result {
    const char *id, *caption, *schema;
    const char *source; /* dataset, e.g. "ofac_sdn" */
    int64_t version;    /* the list version the entity comes from */
    double score;       /* in [0, 1] */
    int match;          /* score >= threshold */
    const char *matched_name; /* the listed name that scored best */
    const char *programs;     /* "; "-separated */
    const char *explanation;      /* readable: which part met which and how, qualifiers */
    const char *explanation_json; /* the same as a JSON object text */
} em_result;

typedef struct em_searcher em_searcher;
typedef struct em_results em_results;

/* Per-thread search state (scratch memory, transliterator). Not thread-safe. */
em_searcher *em_searcher_new(const em_matcher *m, em_error *err);
void em_searcher_free(em_searcher *s);

/* Screens one party against the lists; results sorted by score, best first. */
int em_search(em_searcher *s, const em_query *q, em_results **out, em_error *err);
size_t em_results_count(const em_results *r);
const em_result *em_results_get(const em_results *r, size_t i);
void em_results_free(em_results *r);

/* Scores two names against each other (schema may be NULL). `explanation`
   (may be NULL) receives a JSON object text to free(). */
int em_compare(em_searcher *s, const char *schema, const char *name1, const char *name2,
               double *score, char **explanation, em_error *err);

/* ---- text ------------------------------------------------------------- */

/* The normalised lookup key of a name: Latin, lower case, no marks or
   punctuation, tokens sorted. Caller frees with free(). NULL on error. */
char *em_name_key(const char *name);

#ifdef __cplusplus
}
#endif
#endif
