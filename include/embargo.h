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

/* The one place the version is defined (CMakeLists.txt reads it from here). */
#define EMBARGO_VERSION "0.1.0"

/*
 * The library's ABI is exactly what this header declares: libembargo is
 * built with -fvisibility=hidden, and everything declared between this push
 * and the matching pop is exported (tests/e2e/abi_exports.sh checks
 * `nm -D` against this header).
 */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* ---- errors ----------------------------------------------------------- */

typedef enum em_error_code {
    EM_OK = 0,
    EM_ERR_IO,       /* a file could not be read or written */
    EM_ERR_FORMAT,   /* a list file is malformed or of an unknown format */
    EM_ERR_STORE,    /* the SQLite store failed */
    EM_ERR_NOTFOUND, /* the entity / version / source does not exist */
    EM_ERR_USAGE,    /* the caller passed invalid arguments */
    EM_ERR_NOMEM,
    EM_ERR_INTERNAL,
    EM_ERR_CONFLICT /* the object's state does not allow it now (an alert already decided,
                       a true match its proposer would confirm: four eyes) */
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
/*
 * The entity as a FollowTheMoney entity (what `embargo show --json`, the
 * HTTP API's /entities and match results give): {"id", "schema" (FtM name:
 * Person, Organization, Vessel, Airplane, LegalEntity...), "caption",
 * "datasets", "first_seen", "last_change", "last_seen" (ISO times, from h),
 * "referents", "target", "properties" (FtM property names, every value an
 * array of strings; countries as ISO 3166-1 alpha-2 codes, lower case;
 * sanctions as nested Sanction entities), "country_names" ({"ir": "Iran"}:
 * the English name of every code used)}. h (may be NULL: the history the
 * entity was loaded with, if any) is what em_store_entity_history or
 * em_matcher_entity_history gave. Caller frees with free().
 */
struct em_entity_history; /* below, with the store */
char *em_entity_to_ftm_json(const em_entity *e, const struct em_entity_history *h, int pretty);
void em_entity_free(em_entity *e);

/* ---- the versioned list store ------------------------------------------ */

typedef struct em_store em_store;

enum {
    EM_STORE_NO_SEED = 1 << 0, /* do not import the bundled lists into a new home */
    EM_STORE_READONLY = 1 << 1,
    EM_STORE_SEEDING = 1 << 2 /* internal: the temporary store a new home is seeded in */
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
/* The home used when none is given (see em_store_open; caller frees). */
char *em_default_home(void);
/* 1 when `home` (NULL = the default home) holds no store yet: em_store_open will
   create it, seeded from the bundled lists unless EM_STORE_NO_SEED. */
int em_store_is_new(const char *home);

/* The outcome of importing one list (one source) */
typedef struct em_import_result {
    const char *source;    /* "ofac_sdn", "ofac_cons", "un_sc", ... */
    const char *format;    /* "ofac-csv", "ofac-xml", "ofac-advanced-xml", ... */
    const char *published; /* publication date from the file (else from the options'
                              `published`, the bundle manifest), or "" */
    const char *sha256;    /* over the decompressed input bytes */
    int64_t version;       /* the new, now active, version id */
    size_t entities;
    int unchanged;       /* 1 when identical to the active version (no new version made) */
    const char *warning; /* "" or what the input lacks, e.g. an OFAC CSV set without
                            alt.csv (no aliases) or add.csv (no addresses) */
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

/*
 * What an import may accept. Guards that keep a home from silently screening
 * against less:
 *   - a source is bound to its family of formats: the well-known sources to
 *     theirs (ofac_sdn: the OFAC CSV set or XMLs, un_sc: the UN XML, ...), a
 *     source of the user's own to the family of its first version. Another
 *     kind of file under that source is refused (force does not change that:
 *     import it under another source name);
 *   - a new version with fewer than (1 - max_shrink) x the entities of the
 *     active one is refused unless `force` is set (a cut or partial file);
 *   - limits on what one import may expand to; each refusal names the limit
 *     and the option that raises it.
 * A zeroed struct (or NULL) gives the defaults; set `version` to
 * EM_IMPORT_OPTIONS_VERSION.
 */
#define EM_IMPORT_OPTIONS_VERSION 2 /* 1 is accepted too (no `published`) */
typedef struct em_import_options {
    unsigned version;
    const char *source;      /* NULL = the source each format is imported as */
    int force;               /* 1: accept a new version that shrinks beyond max_shrink */
    double max_shrink;       /* share of the active version's entities a new version may
                                lose; 0 = 0.10, >= 1 = no shrink guard */
    size_t max_entities;     /* per list; 0 = 2,000,000 */
    size_t max_names;        /* per entity; 0 = 5,000 */
    size_t max_field_bytes;  /* longest name, remark or other value; 0 = 256 KiB */
    int64_t max_input_bytes; /* decompressed bytes per file; 0 = 4 GiB */
    /* version 2: the publication date (YYYY-MM-DD) of lists whose files state none
       (the OFAC CSV sets): the publisher's Last-Modified, a bundle manifest; NULL = none */
    const char *published;
} em_import_options;

/* em_store_import with options (NULL = defaults; source from opts->source). */
int em_store_import_opts(em_store *st, const char *const *paths, size_t npaths,
                         const em_import_options *opts, em_import_report **out, em_error *err);

/*
 * Checks that the home holds at least one active list. Screening against an
 * empty home would answer "no match" for everyone: every screening entry
 * point (em_matcher_open, the CLI, the server) refuses it with
 * EM_ERR_NOTFOUND and a message that says how to get lists.
 */
int em_store_require_lists(em_store *st, em_error *err);

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

/*
 * List freshness: the age of a list version from its publication date, and
 * whether it is older than its source is allowed to be: EM_MAX_AGE_OFAC_DAYS
 * for OFAC's lists (source names "ofac..."), EM_MAX_AGE_DAYS for the others,
 * or the days given in $EMBARGO_MAX_AGE_OFAC / $EMBARGO_MAX_AGE. A stale list
 * is still screened against; every front end says so (lists, search, serve's
 * /readyz "degraded", /metrics, /catalog, the web UI).
 */
#define EM_MAX_AGE_OFAC_DAYS 7
#define EM_MAX_AGE_DAYS 30
typedef struct em_list_age {
    double age_days;     /* since publication; -1 when the publication date is unknown */
    double max_age_days; /* allowed for the source */
    int stale;           /* 1: age_days > max_age_days */
} em_list_age;
/* `published` is "YYYY-MM-DD" or an ISO date-time; now is seconds since the epoch
   (0 = the current time). */
void em_list_age_of(const char *source, const char *published, int64_t now, em_list_age *out);
/* The age allowed for a source, in days. */
double em_list_max_age_days(const char *source);

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

/*
 * An entity's history from the store's own versions (of its source): when it
 * first appeared, when its facts last changed (any fact: names, programs,
 * dates, remarks...), and the last version it appears in. Times are the ISO
 * 8601 UTC import times of those versions. `version` 0 = the active version.
 */
typedef struct em_entity_history {
    int64_t first_seen_version, last_change_version, last_seen_version;
    char first_seen[32], last_change[32], last_seen[32];
} em_entity_history;

int em_store_entity_history(em_store *st, const char *id, int64_t version, em_entity_history *out,
                            em_error *err);

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
/* The same party on other lists (shared UN reference, strong identifier, or the
   same full name and birth date), as a JSON array text [{"id", "source",
   "caption", "reason"}]; "[]" when none. Caller frees with free(). */
char *em_matcher_related(const em_matcher *m, const char *id);
/* An entity's history (as em_store_entity_history gives it for the active
   version) from the snapshot, where it was computed when the snapshot was
   built: no store query. Returns 0, or -1 when the snapshot has no entity
   `id` or does not know its history (a snapshot built without a store). */
int em_matcher_entity_history(const em_matcher *m, const char *id, em_entity_history *out);

/* One list version a matcher screens against. */
typedef struct em_list_info {
    const char *source; /* "ofac_sdn" (valid while the matcher is open) */
    int64_t version;    /* the store's version id */
    size_t entities;
} em_list_info;

/* The list versions the matcher's snapshot holds, sorted by source: what every
   answer was screened against. *out (free() it) receives *n entries; a
   names-only matcher has none. */
int em_matcher_lists(const em_matcher *m, em_list_info **out, size_t *n, em_error *err);

/* The default alert threshold, chosen on the development data (docs/QUALITY.md). */
#define EM_DEFAULT_THRESHOLD 0.70

typedef struct em_query {
    const char *name;               /* the name to screen; may be NULL when identifiers are given */
    const char *schema;             /* "Person", "Organization", "Vessel", "Aircraft"; NULL = any */
    const char *birth_date;         /* "YYYY", "YYYY-MM", "YYYY-MM-DD" or a range "FROM..TO";
                                       several separated by ';'; NULL = unknown */
    const char *country;            /* nationality / country: ISO 3166 alpha-2 code or English
                                       name; several separated by ';'; NULL = unknown */
    const char *gender;             /* "male", "female" or NULL */
    const char *const *identifiers; /* identifier values (passport, IMO, wallet, BIC...) */
    size_t nidentifiers;
    double threshold; /* results at or above it have match = 1; <= 0 = default */
    size_t limit;     /* maximum results; 0 = 10 */
    int all;          /* 1: return results below the threshold too (up to limit) */
    double cutoff;    /* with all: only results scoring at least this (0 = any) */
    int weak_name;    /* 1: the name is a nickname or short form (scored like a weak alias) */
} em_query;

/*
 * Why a result scored what it did, as C data: the explanation of a result
 * (em_result_explanation). The readable `explanation` and the JSON
 * `explanation_json` of a result are both rendered from it.
 */

/* How a part of the query met a part of the listed name. */
typedef enum em_part_how {
    EM_HOW_EXACT = 0,       /* the same token (or number, or initial) */
    EM_HOW_VARIANT,         /* the same given name in another transliteration (data/knowledge) */
    EM_HOW_SKELETON,        /* the same consonant skeleton ("khtb"; one side in an abjad) */
    EM_HOW_FUZZY,           /* a typo: a small edit distance, or the same letters reordered */
    EM_HOW_INITIAL,         /* an initial ("j" ~ "john"), two initials ("jc" ~ "jean+claude") */
    EM_HOW_JOINED,          /* one part met two glued parts of the other side */
    EM_HOW_NICKNAME,        /* a nickname of the given name ("bill" ~ "william") */
    EM_HOW_UNMATCHED_QUERY, /* a query part that met nothing */
    EM_HOW_UNMATCHED_LIST,  /* a part of the listed name that met nothing */
    EM_HOW_PHONETIC,        /* a foreign name written by its sounds ("bassharu" ~ "bashar") */
    EM_HOW_ARABIC_LETTER, /* Arabic-script letters in another Latin rendering ("kazm" ~ "kathim") */
    EM_HOW_ARABIC_ARTICLE, /* the same, with the article dropped or assimilated ("alsyd" ~ "sayed")
                            */
    EM_HOW_ARABIC_WORD,  /* an Arabic word and its translation (data/knowledge/arabic_words.tsv) */
    EM_HOW_ACRONYM,      /* an organisation's acronym met its words ("pla" ~
                            "peoples+liberation+army") */
    EM_HOW_ABBREVIATION, /* an abbreviated word ("intl" ~ "international") */
    EM_HOW_LEGAL_TYPO,   /* a legal form misspelt ("akg" ~ "ag") */
    EM_HOW_COUNTRY,      /* a country as its name or adjective ("iranian" ~ "iran") */
    EM_HOW_CASE_ENDING,  /* a Lithuanian / Latvian case ending ("putinas" ~ "putin") */
    EM_HOW_NAME_SOUND, /* the whole name by its sound, its parts glued ("Мин Аун Хлайн" ~
                          "HLAING, Min Aung"): a lead below the threshold */
    EM_HOW_HEBREW_LETTER /* Hebrew letters in a Latin rendering ("יצחק" ~ "yitzhak") */
} em_part_how;

/* The word for `how` in the JSON explanation: "exact", "variant", "skeleton",
   "fuzzy", "initial", "joined", "nickname", "unmatched_query", "unmatched_list",
   "phonetic", "arabic letter variant", "arabic article", "arabic word", "acronym",
   "abbreviation", "legal_form_typo", "country_adjective". "joined" is also words
   split or joined ("vanderbilt" ~ "van+der+bilt"). */
const char *em_part_how_name(em_part_how how);

/* One part of the name alignment: a pair of parts that met, or a part left over. */
typedef struct em_explain_part {
    const char *query;  /* normalised query part ("esmail"), "a+b" for two glued
                           parts; NULL for EM_HOW_UNMATCHED_LIST */
    const char *listed; /* the listed part(s) (JSON "list"); NULL for EM_HOW_UNMATCHED_QUERY */
    em_part_how how;
    double similarity;    /* in (0, 1] for a pair; 0 for a part left over */
    double query_weight;  /* IDF-based weight of the query part(s); 0 when there is none */
    double listed_weight; /* of the listed part(s); 0 when there is none */
} em_explain_part;

/* What one other fact did to the name score. */
typedef struct em_explain_qualifier {
    const char *fact;   /* "schema", "birth_date", "country" or "gender" */
    double effect;      /* added to the name score: > 0 supports the match, < 0 argues against */
    const char *detail; /* readable ("query birth date within the listed 1960..1961") */
} em_explain_qualifier;

typedef struct em_explanation {
    double score;           /* name score plus qualifiers, in [0, 1]; a weak query name
                               (em_query.weak_name) then scales the result's score */
    int weak_query_name;    /* 1: the result's score is score x the weak alias factor */
    const char *identifier; /* the query identifier listed for the party (an exact
                               match on its own, score 1), or NULL */
    /* The name evidence. query_name is NULL when the result rests on an
       identifier alone (then the other name fields are NULL or 0 too). */
    const char *query_name;   /* the query name as given */
    const char *matched_name; /* the listed name that scored best, as listed */
    const char *name_kind;    /* "primary", "aka", "fka" or "nka" */
    int weak_alias;           /* 1: that name is a weak alias (scored x the weak alias factor) */
    int common_names;         /* 1: the matched parts are common names (score reduced) */
    double name_score;        /* before qualifiers */
    double query_coverage;    /* weighted share of the query parts met */
    double list_coverage;     /* weighted share of the listed parts met */
    /* the pairs in the order the alignment took them (best evidence first), then
       the query parts left over (query order), then the listed ones (list order) */
    const em_explain_part *parts;
    size_t nparts;
    /* the qualifiers that changed the score, in the order applied (schema,
       birth_date, country, gender) */
    const em_explain_qualifier *qualifiers;
    size_t nqualifiers;
} em_explanation;

typedef struct em_result {
    const char *id, *caption, *schema;
    const char *source;           /* dataset, e.g. "ofac_sdn" */
    int64_t version;              /* the list version the entity comes from */
    double score;                 /* in [0, 1] */
    int match;                    /* score >= threshold */
    const char *matched_name;     /* the listed name that scored best */
    const char *programs;         /* "; "-separated */
    const char *explanation;      /* readable: which part met which and how, qualifiers */
    const char *explanation_json; /* the same as a JSON object text */
    /* the same party on other lists, as a JSON array text:
       [{"id", "source", "caption", "reason"}] ("[]" when none) */
    const char *related_json;
    /* the explanation as C data (read it with em_result_explanation); it lives
       in the allocation of `explanation` and goes with it */
    const em_explanation *explain;
} em_result;

/* The explanation of a result as C data, valid as long as the result (until
   em_results_free); NULL for NULL. */
const em_explanation *em_result_explanation(const em_result *r);

/*
 * The result's per-feature scores (the yente "features"): "name" (the name
 * score) when a name matched, "identifier" (1.0) for an exact identifier, and
 * each qualifier's effect by its fact ("birth_date", "country", ...), in that
 * order. Fills up to cap names (valid as long as r) and values, and returns how
 * many there are (at most 6); names and values may be NULL.
 */
size_t em_result_features(const em_result *r, const char **names, double *values, size_t cap);

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

/* ---- the engine: screening whole parties -------------------------------- */

/*
 * em_party - the query as an entity, not a string: one schema, all of a
 * customer's names (each may be marked weak), name parts, birth dates,
 * countries (converted to ISO 3166-1 alpha-2), gender and typed identifiers.
 * Every setter copies its arguments and checks them: a value the engine
 * cannot use is refused (-1, EM_ERR_USAGE, a message saying what is wrong),
 * never silently dropped.
 */
typedef struct em_party em_party;

#define EM_PARTY_MAX_NAMES 32
#define EM_PARTY_MAX_VALUES 32 /* dates, countries, identifiers each */
#define EM_PARTY_MAX_VALUE_BYTES 1024

enum { EM_NAME_WEAK = 1 << 0 /* a nickname or short form: matched with less weight */ };

em_party *em_party_new(void);
void em_party_free(em_party *p);
/* An FtM schema (Person, Organization, Company, LegalEntity, Vessel, Airplane,
   ...) or a common spelling ("individual", "ship"); NULL/"" = any party. */
int em_party_set_schema(em_party *p, const char *schema, em_error *err);
int em_party_add_name(em_party *p, const char *name, unsigned flags, em_error *err);
/* Given, middle and family name; screened as one more name. Any may be NULL. */
int em_party_add_name_parts(em_party *p, const char *first, const char *middle, const char *last,
                            em_error *err);
/* "YYYY", "YYYY-MM", "YYYY-MM-DD" or a range "YYYY[-MM[-DD]]..YYYY[-MM[-DD]]". */
int em_party_add_birth_date(em_party *p, const char *date, em_error *err);
/* An ISO code, an English name or a list's spelling ("Korea, North"). */
int em_party_add_country(em_party *p, const char *country, em_error *err);
/* "male", "female" (also "m", "f"); "" / NULL = unknown. */
int em_party_set_gender(em_party *p, const char *gender, em_error *err);
/* type: passport, national_id, tax_id, registration, lei, bic, imo, mmsi,
   call_sign, crypto, email, phone, website, other (NULL = other); an exact
   match is a match on its own. */
int em_party_add_identifier(em_party *p, const char *type, const char *value, em_error *err);

/* What the party holds, as normalised (pointers valid until em_party_free). */
const char *em_party_schema(const em_party *p); /* NULL = any */
size_t em_party_name_count(const em_party *p);
const char *em_party_name(const em_party *p, size_t i, unsigned *flags);
size_t em_party_birth_date_count(const em_party *p);
const char *em_party_birth_date(const em_party *p, size_t i);
size_t em_party_country_count(const em_party *p);
const char *em_party_country(const em_party *p, size_t i); /* "ir" */
const char *em_party_gender(const em_party *p);            /* NULL = unknown */
size_t em_party_identifier_count(const em_party *p);
const char *em_party_identifier(const em_party *p, size_t i, const char **type);

/*
 * em_engine - the library's screening service over a home: it owns the
 * active snapshot generation (reference counted: a new list version is
 * swapped in by em_engine_refresh without failing a screening in flight), a
 * pool of searchers, and the batch runner. Thread-safe: any number of threads
 * may call em_engine_screen at once. The CLI, the server and every later
 * front end screen through it.
 */
typedef struct em_engine em_engine;

#define EM_ENGINE_OPTIONS_VERSION 1
typedef struct em_engine_options {
    unsigned version;     /* EM_ENGINE_OPTIONS_VERSION */
    const char *home;     /* NULL = the default home (see em_store_open) */
    unsigned store_flags; /* EM_STORE_* */
} em_engine_options;

/* Opens the home and its active lists (compiling the snapshot if needed). A
   home without active lists is an error (see em_store_require_lists). */
int em_engine_open(em_engine **out, const em_engine_options *opts, em_error *err);
void em_engine_close(em_engine *e);
/* Swaps in a new generation when the store's active versions changed (or
   always with force). *swapped (may be NULL) says whether it did. On error the
   current generation stays. */
int em_engine_refresh(em_engine *e, int force, int *swapped, em_error *err);
/* The generation number (1 for the first, +1 per swap). */
uint64_t em_engine_generation(const em_engine *e);
/* The list versions the current generation screens against; release with
   em_list_info_free(*out, *n). */
int em_engine_lists(em_engine *e, em_list_info **out, size_t *n, em_error *err);
void em_list_info_free(em_list_info *lists, size_t n);
/* Of the current generation's snapshot (each call takes and drops its own
   reference; e may be NULL): the same party on other lists, as the JSON array
   text em_matcher_related gives ("[]" when none; caller frees); the snapshot
   file's path (NULL when there is none; caller frees); the number of
   entities screened (0 for NULL). */
char *em_engine_related(em_engine *e, const char *id);
char *em_engine_snapshot_path(em_engine *e);
size_t em_engine_entity_count(em_engine *e);

#define EM_SCREEN_OPTIONS_VERSION 1
typedef struct em_screen_options {
    unsigned version;            /* EM_SCREEN_OPTIONS_VERSION */
    double threshold;            /* results at or above it have match = 1; <= 0 = default */
    size_t limit;                /* maximum results; 0 = 10 */
    int all;                     /* 1: results below the threshold too (down to cutoff) */
    double cutoff;               /* with all: only results scoring at least this */
    const char *const *datasets; /* only these sources; NULL = every active list */
    size_t ndatasets;
} em_screen_options;

/*
 * Screens a whole party: every name of the party against every listed
 * entity of a matchable schema; the best name pair decides the name
 * evidence, the qualifiers (birth dates, countries, gender, schema) count
 * once, an exact identifier is a match on its own. Results are merged by
 * entity, best first; each result's explanation says which query name met
 * which listed name. opts may be NULL (defaults).
 */
int em_engine_screen(em_engine *e, const em_party *p, const em_screen_options *opts,
                     em_results **out, em_error *err);
/* The list versions these results were screened against (valid until
   em_results_free; none for results of em_search). */
size_t em_results_list_count(const em_results *r);
const em_list_info *em_results_list(const em_results *r, size_t i);
uint64_t em_results_generation(const em_results *r); /* 0 for em_search results */

/*
 * Batch screening: parties read by `next` on the caller's thread, screened on
 * `threads` threads, delivered by `deliver` in input order (also on the
 * caller's thread), with at most `window` parties in flight (bounded memory).
 * A refresh between parties is allowed; each delivered result set says
 * its generation. Returns -1 when next or deliver returned -1, or on an
 * internal failure; a party that cannot be screened is delivered with its
 * error and the batch goes on.
 */
#define EM_BATCH_OPTIONS_VERSION 1
typedef struct em_batch_options {
    unsigned version; /* EM_BATCH_OPTIONS_VERSION */
    unsigned threads; /* 0 = number of CPUs */
    size_t window;    /* parties in flight; 0 = 512 */
    const em_screen_options *screen;
    /* returns 1 with *party set (ownership passes to the engine), 0 at the end, -1 to abort */
    int (*next)(void *ctx, em_party **party, em_error *err);
    /* index: 0-based input position; results NULL when err says why it failed;
       return -1 to abort */
    int (*deliver)(void *ctx, size_t index, const em_party *party, const em_results *results,
                   const em_error *err);
    /* may be NULL: called on the caller's thread after each delivered party */
    void (*progress)(void *ctx, size_t done);
    void *ctx;
} em_batch_options;

int em_engine_batch(em_engine *e, const em_batch_options *opts, em_error *err);

/* ---- monitoring: registers, alerts, good-guy list, audit ---------------- */

/*
 * em_monitor - continuous screening of the user's own records (customers,
 * counterparties, vendors, vessels, wallets), kept in *registers* in the
 * home's store. A register is screened in full when first imported; after
 * that, em_monitor_sync re-screens it against each new list version by
 * delta: only listed entities added or materially changed are matched,
 * against an index of the register's names, and only the records they touch
 * (plus those near the threshold) are screened again, so the alerts equal
 * those of a full re-screen (see src/monitor/monitor.c).
 *
 * Each (record, listed entity) pair over the threshold is one *alert*:
 * open -> escalated | false_positive | true_match (needs a second analyst
 * when four-eyes is on) | closed (delisted, no longer matching, record
 * removed). A false positive is remembered (the *good-guy list*) and stays
 * suppressed until the record or the listed entity changes materially;
 * then the alert reopens with what changed.
 *
 * Every screening decision and every alert decision is appended to the
 * *audit chain*: each entry carries the SHA-256 of the one before, so an
 * edited, removed or reordered entry is found by em_audit_verify, and
 * em_audit_replay re-runs a past screening on the exact list versions it used.
 *
 * Listings are returned as JSON text (caller frees): the same documents the
 * HTTP API serves and `--json` prints. A monitor is thread-safe (calls are
 * serialised); it screens through the engine it was opened with.
 */
typedef struct em_monitor em_monitor;

#define EM_MONITOR_OPTIONS_VERSION 1
typedef struct em_monitor_options {
    unsigned version; /* EM_MONITOR_OPTIONS_VERSION */
    int no_four_eyes; /* 1: one analyst may confirm a true match alone */
    unsigned threads; /* screening threads for full screens; 0 = number of CPUs */
    /* may be NULL: progress of long runs ("import", "screen", "index"), done of total
       (total 0 when unknown); called on the calling thread */
    void (*progress)(void *ctx, const char *phase, size_t done, size_t total);
    void *progress_ctx;
} em_monitor_options;

/* The number of registers in the home: whether a list change has anything to re-screen. */
size_t em_store_register_count(em_store *st);

/* Opens the monitor of the engine's home (the engine must outlive it); opts
   may be NULL. */
int em_monitor_open(em_monitor **out, em_engine *engine, const em_monitor_options *opts,
                    em_error *err);
void em_monitor_close(em_monitor *m);

/* What an import or a screening run did. */
typedef struct em_monitor_report {
    const char *register_name;                 /* valid until the next call on the monitor */
    size_t records;                            /* records in the register after the run */
    size_t added, changed, removed, unchanged; /* records, for an import */
    size_t screened;                           /* records screened */
    size_t entities_checked; /* listed entities matched against the register (delta) */
    /* delta: where the records screened again came from (one record may come from
       several): the reverse search of those entities and the alerts on changed or
       removed ones; holding a rare name whose weight the change moved beyond the
       band; a stored score within the drift bound of the threshold */
    size_t by_search, by_rare_name, by_score;
    double band; /* delta: how far the change can move a score through the weights of
                    names it did not touch (match/drift.c); a record with a stored score
                    this close to the threshold, or a little further for a name holding
                    a touched token, was screened again */
    int full;    /* 1: a full screen, 0: a delta */
    size_t alerts_opened, alerts_reopened, alerts_closed, alerts_updated, alerts_noted;
    size_t suppressed; /* matches kept quiet by the good-guy list */
    size_t webhooks_queued;
    size_t warnings;         /* values of records that could not be used (the record is
                                kept without them) */
    char first_warning[256]; /* the first of them, with its line */
    double seconds;
    double cpu_seconds; /* CPU time of the process meanwhile (all threads): on a shared
                           machine, what the run cost */
} em_monitor_report;

/*
 * Imports FILE (CSV with a header naming the columns: id, name, aliases,
 * weak_aliases, first_name, middle_name, last_name, schema, birth_date,
 * nationality, citizenship, country, gender, passport, national_id, tax_id,
 * registration, lei, bic, imo, mmsi, call_sign, crypto, email, phone,
 * website; or JSON lines with the same keys, values strings or arrays) into
 * register `reg` (created when new; NULL = "default"). Re-importing
 * updates records (each change is kept as a revision), adds new ones and
 * removes those absent from the file, unless `partial` (then absent records
 * stay). New and changed records are screened against the active lists
 * (the whole register on its first import); removed records' alerts close.
 * A malformed file changes nothing (one transaction).
 */
int em_register_import(em_monitor *m, const char *reg, const char *path, int partial,
                       em_monitor_report *rep, em_error *err);
/* Screens the whole register now (NULL = "default"). */
int em_register_screen(em_monitor *m, const char *reg, em_monitor_report *rep, em_error *err);
/* Brings every register up to date with the active list versions (delta
   re-screening; the engine is refreshed first). reps (may be NULL) receives
   one report per register screened (caller frees *reps), *n their number. */
int em_monitor_sync(em_monitor *m, em_monitor_report **reps, size_t *n, em_error *err);
/* Sets the register's webhook (url NULL or "" = none); the secret signs each
   POST (X-Embargo-Signature: sha256=HMAC-SHA256(secret, body) in hex). */
int em_register_set_webhook(em_monitor *m, const char *reg, const char *url, const char *secret,
                            em_error *err);
/* [{name, records, alerts_open, screened_against, screened_at, webhook}] */
int em_register_list_json(em_monitor *m, char **json, em_error *err);
/* The record with its revisions and alerts. */
int em_register_record_json(em_monitor *m, const char *reg, const char *id, char **json,
                            em_error *err);

/* Which alerts em_alerts_json lists; zero/NULL fields do not filter. */
typedef struct em_alert_filter {
    const char *register_name;
    const char *state; /* "open", "escalated", "pending", "true_match", "false_positive",
                          "closed", or "active" (open, escalated, pending) */
    const char *assignee;
    int64_t older_than_s; /* opened at least this many seconds ago */
    size_t limit, offset; /* limit 0 = 1000 */
} em_alert_filter;
/* {"total": N, "alerts": [...]} newest first */
int em_alerts_json(em_monitor *m, const em_alert_filter *f, char **json, em_error *err);
/* One alert with its record, its listed entity, explanation and history. */
int em_alert_json(em_monitor *m, int64_t id, char **json, em_error *err);
/*
 * Decides an alert: "false_positive" (suppressed until something material
 * changes), "true_match" (with four-eyes: the first analyst proposes, the
 * alert is "pending" until a different analyst confirms), "escalate", or
 * "reopen". user names the analyst (required); comment is required for
 * false_positive and true_match.
 */
int em_alert_decide(em_monitor *m, int64_t id, const char *decision, const char *comment,
                    const char *user, em_error *err);
int em_alert_assign(em_monitor *m, int64_t id, const char *assignee, const char *user,
                    em_error *err);
/* [{id, alert, register, record, entity, since, by, comment, state}] */
int em_goodguys_json(em_monitor *m, const char *reg, int all, char **json, em_error *err);
/* Revokes a suppression: its alert opens again. */
int em_goodguy_revoke(em_monitor *m, int64_t id, const char *user, em_error *err);

/* Appends a screening decision made outside the monitor (CLI search/screen,
   API /match) to the audit chain: kind ("search", "screen", "match"), the
   party and options screened, and its results. Returns the entry's number in
   *seq (may be NULL). */
int em_audit_screening(em_monitor *m, const char *kind, const char *user, const em_party *p,
                       const em_screen_options *opts, const em_results *res, int64_t *seq,
                       em_error *err);
typedef struct em_audit_verify_report {
    int64_t entries;
    int ok;            /* 1: the chain is whole */
    int64_t first_bad; /* the first entry that does not verify (0 when ok) */
    char problem[256]; /* what is wrong with it */
    char head[65];     /* hash of the last entry: write it down to anchor the chain */
} em_audit_verify_report;
int em_audit_verify(em_monitor *m, em_audit_verify_report *rep, em_error *err);
/* Re-runs entry `seq` (a screening) on the list versions it used; *same = 1
   when the results are the same; *json (caller frees) says what was compared. */
int em_audit_replay(em_monitor *m, int64_t seq, int *same, char **json, em_error *err);
/* Writes entries between from and to (ISO dates or timestamps; NULL = open)
   as "csv" or "json" to the FILE * out. */
int em_audit_export(em_monitor *m, const char *from, const char *to, const char *format, void *out,
                    em_error *err);
/* Sends the webhooks due (new and reopened alerts), retrying failed ones with
   backoff; *sent / *failed (may be NULL) count this call's deliveries. */
int em_monitor_deliver(em_monitor *m, size_t *sent, size_t *failed, em_error *err);

/* ---- payments: SWIFT MT and ISO 20022 messages (`embargo screen-payment`) - */

/*
 * A payment screener reads wire messages (SWIFT MT103 and MT202COV; ISO 20022
 * pacs.008, pacs.009 with its COV variant, pain.001, any namespace version)
 * and screens every party and agent they name through the engine, each with
 * the schema its field implies (an agent is an Organization), its BIC (a BIC8
 * matches its BIC11 branches), LEI and other identifiers; the countries of
 * its address, BIC and IBAN against a table of embargoed jurisdictions kept
 * as data (data/knowledge/embargoed_jurisdictions.tsv: countries, and regions
 * such as Crimea by name or city in address lines); and the free text (MT 70,
 * 72, 77B; RmtInf, InstrInf, RgltryRptg) for listed names, vessel names and
 * IMO numbers (see src/payments/screen.c for the rule that keeps common words
 * quiet). One result per message, with every field-level hit and a verdict
 * from configurable rules. Thread-safe: any number of threads may screen
 * through one screener. See docs/PAYMENTS.md.
 */
typedef struct em_payment_screener em_payment_screener;
typedef struct em_payment_result em_payment_result;

typedef enum em_payment_verdict {
    EM_PAYMENT_PASS = 0,
    EM_PAYMENT_REVIEW = 1,
    EM_PAYMENT_BLOCK = 2,
    EM_PAYMENT_INVALID = 3 /* the message could not be read: em_payment_result_error says why */
} em_payment_verdict;

/* "pass", "review", "block", "invalid" */
const char *em_payment_verdict_name(em_payment_verdict v);

/* What a kind of hit does to the verdict: 0 (EM_PAYMENT_RULE_DEFAULT) keeps the default. */
typedef enum em_payment_rule {
    EM_PAYMENT_RULE_DEFAULT = 0,
    EM_PAYMENT_RULE_IGNORE, /* reported, no effect on the verdict */
    EM_PAYMENT_RULE_REVIEW,
    EM_PAYMENT_RULE_BLOCK
} em_payment_rule;

#define EM_PAYMENT_OPTIONS_VERSION 1
typedef struct em_payment_options {
    unsigned version;             /* EM_PAYMENT_OPTIONS_VERSION */
    double threshold;             /* a party's name hit at or above it counts; <= 0 = 0.70 */
    double block_threshold;       /* a name hit at or above it blocks; <= 0 = never by name alone */
    double text_threshold;        /* a name inside free text; <= 0 = 0.80 */
    em_payment_rule identifier;   /* exact BIC, LEI, IMO or other identifier of a listed party:
                                     default block */
    em_payment_rule name;         /* a party's name at or above threshold: default review */
    em_payment_rule text;         /* a listed name, vessel or IMO number in free text: default
                                     review (an IMO number written as such: identifier) */
    em_payment_rule jurisdiction; /* an embargoed jurisdiction: default the table's action
                                     (block for comprehensive programmes) */
    const char *jurisdictions_path; /* NULL = the bundled table */
    const char *const *datasets;    /* only these sources; NULL = every active list */
    size_t ndatasets;
} em_payment_options;

/* A screener over the engine (which must outlive it); opts may be NULL. */
int em_payment_screener_new(em_payment_screener **out, em_engine *e, const em_payment_options *opts,
                            em_error *err);
void em_payment_screener_free(em_payment_screener *ps);

/*
 * Screens every message of data (len bytes: one or more MT messages, or one
 * XML document holding one or more ISO 20022 messages; the format is
 * detected), calling deliver once per message in input order, on the
 * calling thread; the result is valid during the call. A message that
 * cannot be read is delivered as EM_PAYMENT_INVALID with its error, and the
 * next one is screened. `input` names the data in errors (a file name; may
 * be NULL). Returns the number of messages, or -1 (err) when the data is
 * neither MT nor XML, when screening failed, or when deliver returned -1.
 */
long em_payment_screen(em_payment_screener *ps, const char *data, size_t len, const char *input,
                       int (*deliver)(void *ctx, const em_payment_result *r), void *ctx,
                       em_error *err);

/* One field-level hit. */
typedef struct em_payment_hit {
    const char *field;       /* MT tag ("59F", "B/50K", "1" for block 1) or XML path
                                ("CdtTrfTxInf[2]/Cdtr", "CdtTrfTxInf[1]/RmtInf/Ustrd") */
    const char *role;        /* "beneficiary", "debtor_agent"...; "text" for free text */
    const char *transaction; /* ISO: EndToEndId (or PmtInfId); NULL for MT */
    const char *kind;        /* "bic", "lei", "identifier", "name", "text_name", "imo",
                                "jurisdiction" */
    const char *text;        /* what in the message matched */
    const char *entity_id;   /* the listed party (NULL for a jurisdiction) */
    const char *entity_name;
    const char *entity_schema;
    const char *dataset;
    const char *programs;
    const char *jurisdiction;  /* for a jurisdiction hit: "IR", "UA-43" */
    double score;              /* 1 for identifiers and jurisdictions */
    em_payment_verdict action; /* what this hit asks for (pass = reported only) */
    const char *explanation;
} em_payment_hit;

em_payment_verdict em_payment_result_verdict(const em_payment_result *r);
size_t em_payment_result_ordinal(const em_payment_result *r);     /* 1-based, in the input */
const char *em_payment_result_id(const em_payment_result *r);     /* MT 20 / MsgId; NULL */
const char *em_payment_result_format(const em_payment_result *r); /* "MT103", "pacs.008.001.08" */
const char *em_payment_result_error(const em_payment_result *r);  /* NULL unless invalid */
size_t em_payment_result_hit_count(const em_payment_result *r);
const em_payment_hit *em_payment_result_hit(const em_payment_result *r, size_t i);
/* The whole result as a JSON object text (valid as long as r): message, id,
   format, line, verdict, error, transactions, parties, hits, lists. */
const char *em_payment_result_json(const em_payment_result *r);

/* Appends a payment verdict to the audit chain (kind "payment": the result's
   JSON, the list versions). *seq (may be NULL) receives the entry's number. */
int em_audit_payment(em_monitor *m, const char *user, const em_payment_result *r, int64_t *seq,
                     em_error *err);

/* ---- updating from the publishers (`embargo update`) -------------------- */

/*
 * Downloads each configured source from its publisher (or a private mirror)
 * and imports it with em_store_import, so a failed, truncated, malformed or
 * empty download never replaces the active version. Every attempt is written
 * to the store's update log (see em_store_update_status).
 *
 * The config file lists one source per line, `source URL [URL...]`, with
 * `#` comments; an indented line adds URLs to the source above it. The files
 * of a multi-file source (the OFAC CSV set) are downloaded one after the
 * other and imported together. URLs may be https, http or file. The default
 * config is HOME/update.conf, created from the bundled data/update.conf the
 * first time it is needed.
 *
 * Downloads use libcurl: conditional requests (the ETag / Last-Modified of
 * the download that produced the active version; a 304 means "not modified"
 * and imports nothing), connect and total timeouts, a low-speed limit,
 * retries with exponential backoff on connection errors, timeouts and HTTP
 * 5xx (never on 4xx, nor on errors that cannot heal: a host name that does not
 * resolve, a TLS failure), a size limit, at most 5 redirects (an https URL
 * never redirects to http), a browser-shaped User-Agent (see user_agent).
 * Downloads go to
 * temporary files under HOME/downloads/, removed in every case.
 *
 * Threads: em_store_update may run on a background thread with its own
 * em_store handle (e.g. a server's scheduled update). libcurl is initialised
 * lazily, once per process (pthread_once); em_update_global_cleanup()
 * releases it at exit and must not run while an update is in progress.
 */
typedef struct em_update_options {
    const char *config_path;    /* NULL = HOME/update.conf (see above) */
    const char *const *sources; /* only these sources; NULL/0 = all in the config */
    size_t nsources;
    int force;                  /* 1: ignore ETag / Last-Modified, always download, and accept
                                   a list that shrinks beyond the import guard (em_import_options) */
    double timeout;             /* total seconds per file transfer; 0 = 600 */
    double connect_timeout;     /* seconds; 0 = 30 */
    long low_speed_limit;       /* bytes/s ... */
    long low_speed_time;        /* ... for this many seconds aborts; 0 = 1024 B/s, 30 s */
    int tries;                  /* attempts per file, the first included; 0 = 4 */
    double retry_delay;         /* first backoff delay in seconds, doubled per retry;
                                   0 = 1.0 (1 s, 2 s, 4 s) */
    int64_t max_bytes;          /* per file, after content decoding; 0 = 256 MiB */
    const volatile int *cancel; /* may be NULL; when it becomes non-zero the running
                                   transfer is aborted and remaining sources fail */
    /* may be NULL: told about progress ("downloading URL", "retrying in 2 s: ...") */
    void (*notify)(void *ctx, const char *source, const char *message);
    void *notify_ctx;
    /* NULL = $EMBARGO_USER_AGENT, else EM_UPDATE_USER_AGENT: OFAC's Sanctions List
       Service answers 403 unless the User-Agent looks like a browser's ("Mozilla/"
       and a digit, 40 characters or more) */
    const char *user_agent;
} em_update_options;
#define EM_UPDATE_USER_AGENT                                                                       \
    "Mozilla/5.0 (X11; Linux x86_64) embargo/" EMBARGO_VERSION                                     \
    " (sanctions list update; like Gecko)"

/* Fills the defaults (the same as a zeroed struct). */
void em_update_options_init(em_update_options *o);

typedef enum em_update_outcome {
    EM_UPDATE_UPDATED = 0,      /* new content imported: `version` is the new active version */
    EM_UPDATE_NOT_MODIFIED = 1, /* the publisher answered 304: nothing downloaded */
    EM_UPDATE_UNCHANGED = 2,    /* downloaded, identical to the active version */
    EM_UPDATE_FAILED = 3        /* nothing changed: the previous version stays active */
} em_update_outcome;

/* "updated", "not_modified", "unchanged", "failed" (the update log's words) */
const char *em_update_outcome_name(em_update_outcome o);

typedef struct em_update_result {
    const char *source;
    const char *const *urls;
    size_t nurls;
    em_update_outcome outcome;
    long http_status;         /* last HTTP status seen; 0 for file:// or no response */
    int64_t bytes;            /* bytes downloaded (decoded), all files of the source */
    const char *sha256;       /* of the bytes downloaded (for several files: of the list of
                                 "name sha256" lines); "" when nothing was downloaded */
    int64_t version;          /* active version after the update (0 = none) */
    int64_t previous_version; /* active version before (0 = none) */
    size_t entities;          /* of the imported list (updated / unchanged) */
    const char *published;    /* publication date stated by the list, or "" */
    const char *error;        /* why it failed, "" otherwise */
    em_error_code error_code; /* EM_OK unless failed */
    int tries;                /* HTTP requests made, retries included */
    double duration;          /* seconds */
} em_update_result;

typedef struct em_update_report em_update_report;

/*
 * Updates the configured sources (opts may be NULL), one at a time; a failing
 * source is reported and recorded and the others are still processed.
 * Returns -1 only when nothing could be attempted (unreadable or invalid
 * config, unknown source name in opts->sources, store not writable); per
 * source failures are in the report (em_update_report_failures).
 */
int em_store_update(em_store *st, const em_update_options *opts, em_update_report **out,
                    em_error *err);
size_t em_update_report_count(const em_update_report *r);
const em_update_result *em_update_report_get(const em_update_report *r, size_t i);
size_t em_update_report_failures(const em_update_report *r);
void em_update_report_free(em_update_report *r);

/* Releases libcurl's global state; optional, at process exit. */
void em_update_global_cleanup(void);

/*
 * The state of updates per source, from the update log. Times are ISO 8601
 * UTC, "" when there is none. A success is an attempt that ended updated,
 * not_modified or unchanged. Sorted by source.
 */
typedef struct em_update_status {
    const char *source;
    const char *last_attempt;         /* time the last attempt finished */
    const char *last_outcome;         /* its outcome (see em_update_outcome_name) */
    const char *last_success;         /* time of the last success, "" = never */
    const char *last_success_outcome; /* "updated", "not_modified" or "unchanged" */
    int64_t last_success_version;     /* version active after the last success */
    const char *last_failure;         /* time of the last failure, "" = never */
    const char *last_failure_error;   /* its message */
    const char *etag;                 /* validators of the last success ("" = none; */
    const char *last_modified;        /*  one line per file for a multi-file source) */
    unsigned consecutive_failures;    /* failures since the last success */
    size_t attempts;                  /* attempts recorded */
} em_update_status;

typedef struct em_update_status_list em_update_status_list;

/* Works on read-only stores and on stores that never ran an update (empty list). */
int em_store_update_status(em_store *st, em_update_status_list **out, em_error *err);
size_t em_update_status_count(const em_update_status_list *l);
const em_update_status *em_update_status_get(const em_update_status_list *l, size_t i);
/* The entry of one source, or NULL. */
const em_update_status *em_update_status_find(const em_update_status_list *l, const char *source);
void em_update_status_list_free(em_update_status_list *l);

/* ---- HTTP server ------------------------------------------------------ */

/*
 * The HTTP service (`embargo serve`): the OpenSanctions/yente match API
 * (POST /match/{dataset}), quick search, entities, catalog, health, metrics,
 * OpenAPI document and the embedded web UI, on libmicrohttpd. It follows the
 * store: when a new list version becomes active (imported by another
 * process) it swaps to a new matcher without failing a request.
 */
typedef struct em_server em_server;

typedef struct em_server_options {
    const char *listen;          /* "HOST:PORT" or "[V6]:PORT"; NULL = "127.0.0.1:8080" */
    unsigned threads;            /* worker threads; 0 = number of CPUs */
    const char *home;            /* store home; NULL = default (see em_store_open) */
    unsigned store_flags;        /* EM_STORE_* for opening the home */
    const char *api_keys_file;   /* lines "KEY [scope [NAME]]" (screen, analyst or admin; NAME names
                                    the analyst of decisions); NULL = none */
    int no_env_keys;             /* 1: ignore $EMBARGO_API_KEYS ("key1:screen,key2:admin") */
    const char *allow_cors;      /* Access-Control-Allow-Origin value; NULL = CORS off */
    size_t max_body_bytes;       /* largest request body; 0 = 1 MiB */
    unsigned request_timeout;    /* idle seconds before a connection is closed; 0 = 30 */
    void *access_log;            /* a FILE * for the access log (JSON lines); NULL: path */
    const char *access_log_path; /* file to append to, "-" = stderr; both NULL = stderr */
    int no_access_log;           /* 1: no access log at all */
    int log_personal_data;       /* 1: the access log may contain query names */
    unsigned reload_interval_ms; /* store polling for new versions; 0 = 2000 */
    unsigned update_every_s;     /* run em_store_update this often (0 = never); the new
                                    versions are then picked up like any other import */
    const char *update_config;   /* the update config for it; NULL = HOME/update.conf */
    /* Request limits. A request over one gets a 4xx JSON error that names the
       limit (and, for /match, how to split the request); 0 = the default. */
    size_t max_url_bytes;         /* request target with its query string; 0 = 16 KiB (414) */
    unsigned max_query_params;    /* query-string parameters; 0 = 256 (414) */
    unsigned max_queries;         /* queries in one POST /match; 0 = 100 (413) */
    unsigned max_names_per_query; /* name, alias and previousName values of one query;
                                     0 = 32 (422) */
    unsigned max_names;           /* name values in one POST /match, all queries; 0 = 500 (413) */
    size_t max_name_bytes;        /* bytes of one name value; 0 = 512 (422) */
    unsigned match_workers;       /* threads that screen (/match, /search, /admin/reload), apart
                                     from the HTTP threads, so that /healthz, /readyz and
                                     /metrics never wait behind screening; 0 = `threads` */
} em_server_options;

/*
 * Starts serving in background threads. Without API keys configured (file
 * or environment) only a loopback address is accepted. Fails with a message
 * when the address cannot be bound.
 */
int em_server_start(em_server **out, const em_server_options *opts, em_error *err);
/* Opens a new matcher on the store's active versions now and swaps it in. */
int em_server_reload(em_server *srv, em_error *err);
/* Stops listening, waits for running requests, frees everything. */
void em_server_stop(em_server *srv);
/* The bound address ("127.0.0.1:8080"; the real port when 0 was asked). */
const char *em_server_address(const em_server *srv);
size_t em_server_api_key_count(const em_server *srv);
/* 1 when a matcher is loaded (what GET /readyz says). */
int em_server_ready(const em_server *srv);
/* The loaded lists as JSON in embargo's own shape (source, numeric version,
   entities, published: what `serve` prints at start; GET /catalog serves them
   in yente's shape); caller frees. */
char *em_server_catalog_json(em_server *srv);

/* ---- text ------------------------------------------------------------- */

/* The normalised key of a name: Latin, lower case, no marks or
   punctuation, tokens sorted. Caller frees with free(). NULL on error. */
char *em_name_key(const char *name);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
