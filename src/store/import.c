/*
 * import.c - from list files to a new active version, atomically.
 *
 * Flow: detect each file's format -> group files into lists (the four files
 * of an OFAC CSV set go together; each XML file is a list) -> parse each list
 * fully into memory (bounded by the limits in em_import_options) -> resolve
 * "Linked To" names to ids -> check each list against the source's active
 * version (same family of formats, no unexplained shrink) -> write every list
 * as a new version inside ONE SQLite transaction and activate it. Any error
 * before COMMIT leaves the store exactly as it was.
 */
#include <dirent.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "base/digest.h"
#include "base/error.h"
#include "sources/formats.h"
#include "sources/reader.h"
#include "store/import_rows.h"
#include "store/store_internal.h"

#define MAX_GROUPS 16

/* defaults of em_import_options (embargo.h) */
#define DEFAULT_MAX_SHRINK 0.10
#define DEFAULT_MAX_ENTITIES ((size_t)2000000)
#define DEFAULT_MAX_NAMES ((size_t)5000)
#define DEFAULT_MAX_FIELD ((size_t)256 << 10)
#define DEFAULT_MAX_INPUT ((int64_t)4 << 30)

typedef struct file_info {
    const char *path;
    em_format fmt;
    char sha[65];
    long long bytes;
} file_info;

typedef struct group {
    char source[64];
    em_format kind; /* the main file's format */
    file_info *main, *add, *alt, *comments;
    em_entity_list entities;
    em_entity_row *rows;
    em_parse_meta meta;
    em_error err;
    char sha[65];
    em_import_result res;
    const em_import_options *opts; /* defaults applied */
} group;

struct em_import_report {
    em_import_result *items;
    size_t len;
};

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int is_cons_name(const char *path) {
    const char *b = base_name(path);
    return strncasecmp(b, "cons", 4) == 0 || strcasestr(b, "consolidated") != NULL;
}

/* ---- limits on what one list may expand to ------------------------------- */

static const char *longest_field(const em_entity *e, size_t max) {
#define CHECK(v, what)                                                                             \
    if ((v) && strlen(v) > max) return what
    CHECK(e->caption, "the caption");
    CHECK(e->remarks, "the remarks");
    for (size_t i = 0; i < e->names.len; i++) {
        CHECK(e->names.items[i].full, "a name");
        CHECK(e->names.items[i].first, "a first name");
        CHECK(e->names.items[i].middle, "a middle name");
        CHECK(e->names.items[i].last, "a last name");
    }
    for (size_t i = 0; i < e->addresses.len; i++) {
        CHECK(e->addresses.items[i].full, "an address");
        CHECK(e->addresses.items[i].street, "an address");
    }
    for (size_t i = 0; i < e->identifiers.len; i++) {
        CHECK(e->identifiers.items[i].value, "an identifier");
        CHECK(e->identifiers.items[i].note, "an identifier's note");
    }
    for (size_t i = 0; i < e->props.len; i++)
        CHECK(e->props.items[i].value, e->props.items[i].key);
    for (size_t i = 0; i < e->birth_places.len; i++)
        CHECK(e->birth_places.items[i], "a birth place");
    for (size_t i = 0; i < e->programs.len; i++)
        CHECK(e->programs.items[i], "a program");
#undef CHECK
    return NULL;
}

/* Takes each parsed entity; refuses the list as soon as it passes a limit, so
   a list that would expand without bound is stopped before it takes the memory. */
static int sink(void *ctx, em_entity *e, em_error *err) {
    group *g = ctx;
    const em_import_options *o = g->opts;
    const char *what = NULL;
    int rc = 0;
    if (g->entities.len >= o->max_entities)
        rc = em_fail(err, EM_ERR_FORMAT,
                     "%s: more than %zu entities (the import limit); if this list really is that "
                     "large, raise it with --max-entities",
                     g->main->path, o->max_entities);
    else if (e->names.len > o->max_names)
        rc = em_fail(err, EM_ERR_FORMAT,
                     "%s: entity %s has %zu names, more than the limit of %zu; raise it with "
                     "--max-names if this is right",
                     g->main->path, e->id, e->names.len, o->max_names);
    else if ((what = longest_field(e, o->max_field_bytes)))
        rc = em_fail(err, EM_ERR_FORMAT,
                     "%s: %s of entity %s is longer than %zu bytes (the import limit; raise it "
                     "with --max-field-bytes if this is right)",
                     g->main->path, what, e->id, o->max_field_bytes);
    if (rc) {
        em_entity_free(e);
        return -1;
    }
    em_entity_list_push(&g->entities, e);
    return 0;
}

/* ---- grouping ---------------------------------------------------------- */

static group *group_for(group *gs, size_t *ng, const char *source, em_format kind, em_error *err) {
    for (size_t i = 0; i < *ng; i++)
        if (strcmp(gs[i].source, source) == 0) {
            if (kind != EM_FMT_UNKNOWN && gs[i].kind != EM_FMT_UNKNOWN && gs[i].kind != kind) {
                em_fail(err, EM_ERR_USAGE,
                        "two different files for the list %s in one import; import them "
                        "separately",
                        source);
                return NULL;
            }
            return &gs[i];
        }
    if (*ng == MAX_GROUPS) {
        em_fail(err, EM_ERR_USAGE, "too many lists in one import (at most %d)", MAX_GROUPS);
        return NULL;
    }
    group *g = &gs[(*ng)++];
    memset(g, 0, sizeof *g);
    snprintf(g->source, sizeof g->source, "%s", source);
    return g;
}

static int set_role(file_info **slot, file_info *f, const char *role, em_error *err) {
    if (*slot)
        return em_fail(err, EM_ERR_USAGE, "two %s files in one import: %s and %s", role,
                       (*slot)->path, f->path);
    *slot = f;
    return 0;
}

static int make_groups(file_info *files, size_t n, const char *source_override, group *gs,
                       size_t *ng, em_error *err) {
    *ng = 0;
    for (size_t i = 0; i < n; i++) {
        file_info *f = &files[i];
        const em_format_info *fi = em_format_get(f->fmt);
        const char *src = fi->default_source      ? fi->default_source
                          : is_cons_name(f->path) ? "ofac_cons"
                                                  : "ofac_sdn";
        int is_csv_part = fi->set_part;
        group *g = group_for(gs, ng, src, is_csv_part ? EM_FMT_UNKNOWN : f->fmt, err);
        if (!g) return -1;
        if (!is_csv_part) g->kind = f->fmt;
        int rc = 0;
        switch (f->fmt) {
        case EM_FMT_OFAC_CSV_ADD:
            rc = set_role(&g->add, f, "address (add.csv)", err);
            break;
        case EM_FMT_OFAC_CSV_ALT:
            rc = set_role(&g->alt, f, "alias (alt.csv)", err);
            break;
        case EM_FMT_OFAC_CSV_COMMENTS:
            rc = set_role(&g->comments, f, "comments", err);
            break;
        default:
            rc = set_role(&g->main, f, "main list", err);
            break;
        }
        if (rc) return -1;
    }
    for (size_t i = 0; i < *ng; i++) {
        group *g = &gs[i];
        if (!g->main) {
            file_info *any = g->add ? g->add : g->alt ? g->alt : g->comments;
            return em_fail(err, EM_ERR_USAGE,
                           "%s is part of an OFAC CSV set but the main file (sdn.csv or "
                           "cons_prim.csv) is missing; import the files of a set together",
                           any->path);
        }
        if (g->kind != EM_FMT_OFAC_CSV_MAIN && (g->add || g->alt || g->comments))
            return em_fail(err, EM_ERR_USAGE,
                           "OFAC CSV add/alt/comments files can only go with a CSV main file, "
                           "not with %s",
                           g->main->path);
    }
    if (source_override && *source_override) {
        if (*ng != 1)
            return em_fail(err, EM_ERR_USAGE, "--source needs the files of exactly one list");
        snprintf(gs[0].source, sizeof gs[0].source, "%s", source_override);
    }
    return 0;
}

/* ---- parsing and link resolution --------------------------------------- */

static int parse_group(group *g, em_error *err);
static void resolve_links(em_entity_list *l);

/* Parses one list and prepares its rows; runs on a worker thread per list. */
static int parse_and_prepare(void *p) {
    group *g = p;
    if (parse_group(g, &g->err) != 0) return -1;
    resolve_links(&g->entities);
    g->rows = em_xcalloc(g->entities.len, sizeof *g->rows);
    return em_prepare_rows(&g->entities, g->rows, &g->err);
}

static int parse_group(group *g, em_error *err) {
    const char *p = g->main->path;
    em_entity_list *l = &g->entities;
    int rc;
    const em_format_info *fi = em_format_get(g->kind);
    if (g->kind == EM_FMT_OFAC_CSV_MAIN) {
        em_ofac_csv_files f = {p, g->add ? g->add->path : NULL, g->alt ? g->alt->path : NULL,
                               g->comments ? g->comments->path : NULL};
        rc = em_parse_ofac_csv(&f, g->source, sink, g, &g->meta, err);
    } else if (fi->parse) {
        rc = fi->parse(p, g->source, sink, g, &g->meta, err);
    } else {
        return em_fail(err, EM_ERR_FORMAT, "%s: unsupported format", p);
    }
    if (rc != 0) {
        if (err && err->code == EM_OK) err->code = EM_ERR_FORMAT;
        return -1;
    }
    if (l->len == 0)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s: the list contains no entities; refusing to replace the active "
                       "version with an empty list",
                       p);
    return 0;
}

typedef struct name_ref {
    char *upper;
    const char *id;
} name_ref;

static int cmp_ref(const void *a, const void *b) {
    return strcmp(((const name_ref *)a)->upper, ((const name_ref *)b)->upper);
}

static char *upper_trim(const char *s) {
    char *u = em_xstrdup(s);
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    em_strtrim(u);
    size_t n = strlen(u);
    while (n && u[n - 1] == '.')
        u[--n] = '\0';
    return u;
}

/* Resolves links known only by name ("Linked To: NAME") to entity ids of the same list. */
static void resolve_links(em_entity_list *l) {
    size_t n = 0;
    for (size_t i = 0; i < l->len; i++)
        n += l->items[i]->names.len;
    name_ref *refs = em_xcalloc(n ? n : 1, sizeof *refs);
    size_t k = 0;
    for (size_t i = 0; i < l->len; i++)
        for (size_t j = 0; j < l->items[i]->names.len; j++) {
            refs[k].upper = upper_trim(l->items[i]->names.items[j].full);
            refs[k].id = l->items[i]->id;
            k++;
        }
    qsort(refs, k, sizeof *refs, cmp_ref);
    for (size_t i = 0; i < l->len; i++) {
        em_entity *e = l->items[i];
        for (size_t j = 0; j < e->links.len; j++) {
            em_link *ln = &e->links.items[j];
            if (ln->target_id || !ln->target_name) continue;
            name_ref key = {upper_trim(ln->target_name), NULL};
            name_ref *hit = bsearch(&key, refs, k, sizeof *refs, cmp_ref);
            if (hit) {
                /* prefer the first of equal names: a primary name sorts with its aliases */
                while (hit > refs && strcmp((hit - 1)->upper, key.upper) == 0)
                    hit--;
                if (strcmp(hit->id, e->id) != 0) ln->target_id = em_xstrdup(hit->id);
            }
            free(key.upper);
        }
    }
    for (size_t i = 0; i < k; i++)
        free(refs[i].upper);
    free(refs);
}

/* ---- writing ----------------------------------------------------------- */

static void group_sha(group *g) {
    file_info *fs[4] = {g->main, g->add, g->alt, g->comments};
    int count = 0;
    for (int i = 0; i < 4; i++)
        count += fs[i] != NULL;
    if (count == 1) {
        memcpy(g->sha, g->main->sha, sizeof g->sha);
        return;
    }
    em_buf b;
    em_buf_init(&b);
    const char *roles[4] = {"main", "add", "alt", "comments"};
    for (int i = 0; i < 4; i++)
        if (fs[i]) em_buf_printf(&b, "%s %s\n", roles[i], fs[i]->sha);
    em_sha256_hex(b.data, b.len, g->sha);
    em_buf_free(&b);
}

/* What the store holds of a source: its active version (sha, id, entities) and
   the format of its active version, else of its latest one ("" when none). */
typedef struct source_state {
    char sha[65];
    int64_t active_id;
    int64_t active_entities;
    char format[32];
} source_state;

static int source_state_get(em_store *st, const char *source, source_state *ss, em_error *err) {
    memset(ss, 0, sizeof *ss);
    sqlite3_stmt *s = em_db_prepare(st,
                                    "SELECT sha256, id, entities, format, active FROM versions"
                                    " WHERE source = ? ORDER BY active DESC, id DESC LIMIT 1",
                                    err);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(ss->format, sizeof ss->format, "%s", (const char *)sqlite3_column_text(s, 3));
        if (sqlite3_column_int(s, 4)) {
            snprintf(ss->sha, sizeof ss->sha, "%s", (const char *)sqlite3_column_text(s, 0));
            ss->active_id = sqlite3_column_int64(s, 1);
            ss->active_entities = sqlite3_column_int64(s, 2);
        }
    }
    sqlite3_finalize(s);
    return 0;
}

/* The guards against screening against less: the source's family of formats,
   and no unexplained shrink of the active version. */
static int check_guards(const group *g, const source_state *ss, em_error *err) {
    const char *fam = em_format_get(g->kind)->family;
    const char *bound = em_source_family(g->source);
    const em_format_info *prev = em_format_by_name(ss->format);
    if (!bound && prev) bound = prev->family;
    if (bound && strcmp(bound, fam) != 0)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s is a %s file, but the source %s takes only %s lists (%s); refusing to "
                       "replace it with another kind of list. Import it under a source name of "
                       "its own (--source NAME), or fix the source's URL",
                       g->main->path, em_format_name(g->kind), g->source, bound,
                       prev ? prev->name : "its publisher's formats");
    /* the publisher's own count: a file that holds fewer records than it says is cut or
       corrupt; one that holds exactly what it says vouches for a shrink */
    long declared = g->meta.declared;
    if (declared > 0 && (long)g->entities.len != declared)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s: the file says it holds %ld records, %zu were read; refusing a list "
                       "that does not match its own count",
                       g->main->path, declared, g->entities.len);
    if (ss->active_id && !g->opts->force && g->opts->max_shrink < 1.0 && declared <= 0) {
        double floor = (double)ss->active_entities * (1.0 - g->opts->max_shrink);
        if ((double)g->entities.len < floor)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s: the new version of %s has %zu entities, the active one (version "
                           "%lld) %lld: it would drop %.0f%%, more than the %.0f%% allowed. A cut "
                           "or partial file looks like this; if the publisher really removed them, "
                           "import with --force",
                           g->main->path, g->source, g->entities.len, (long long)ss->active_id,
                           (long long)ss->active_entities,
                           100.0 * (1.0 - (double)g->entities.len / (double)ss->active_entities),
                           100.0 * g->opts->max_shrink);
    }
    return 0;
}

static int step_done(em_store *st, sqlite3_stmt *s, em_error *err, const char *what) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return em_db_fail(st, err, what);
    return 0;
}

static int write_group(em_store *st, group *g, em_error *err) {
    size_t counts[5] = {0}, names = 0;
    for (size_t i = 0; i < g->entities.len; i++) {
        const char *sc = g->entities.items[i]->schema;
        int k = strcmp(sc, EM_SCHEMA_PERSON) == 0         ? 0
                : strcmp(sc, EM_SCHEMA_ORGANIZATION) == 0 ? 1
                : strcmp(sc, EM_SCHEMA_VESSEL) == 0       ? 2
                : strcmp(sc, EM_SCHEMA_AIRCRAFT) == 0     ? 3
                                                          : 4;
        counts[k]++;
        names += g->entities.items[i]->names.len;
    }
    em_buf files;
    em_buf_init(&files);
    file_info *fs[4] = {g->main, g->add, g->alt, g->comments};
    for (int i = 0; i < 4; i++)
        if (fs[i]) {
            if (files.len) em_buf_adds(&files, ", ");
            em_buf_adds(&files, base_name(fs[i]->path));
        }
    char now[32];
    em_now_iso(now);
    sqlite3_stmt *v = em_db_prepare(
        st,
        "INSERT INTO versions(source, format, published, sha256, files, entities, persons,"
        " organizations, vessels, aircraft, others, names, imported_at, active)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
        err);
    if (!v) {
        em_buf_free(&files);
        return -1;
    }
    sqlite3_bind_text(v, 1, g->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 2, g->meta.format[0] ? g->meta.format : em_format_name(g->kind), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 3, g->meta.published, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 4, g->sha, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 5, em_buf_cstr(&files), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(v, 6, (sqlite3_int64)g->entities.len);
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(v, 7 + i, (sqlite3_int64)counts[i]);
    sqlite3_bind_int64(v, 12, (sqlite3_int64)names);
    sqlite3_bind_text(v, 13, now, -1, SQLITE_TRANSIENT);
    em_buf_free(&files);
    int rc = step_done(st, v, err, "recording the version");
    sqlite3_finalize(v);
    if (rc) return -1;
    int64_t vid = sqlite3_last_insert_rowid(st->db);

    sqlite3_stmt *f = em_db_prepare(
        st, "INSERT INTO version_files(version_id, name, role, sha256, bytes) VALUES(?,?,?,?,?)",
        err);
    sqlite3_stmt *b =
        em_db_prepare(st, "INSERT OR IGNORE INTO blobs(digest, json) VALUES(?,?)", err);
    sqlite3_stmt *ve = em_db_prepare(st,
                                     "INSERT INTO version_entities(version_id, entity_id, schema,"
                                     " caption, digest) VALUES(?,?,?,?,?)",
                                     err);
    rc = (f && b && ve) ? 0 : -1;
    const char *roles[4] = {"main", "add", "alt", "comments"};
    for (int i = 0; i < 4 && rc == 0; i++) {
        if (!fs[i]) continue;
        sqlite3_bind_int64(f, 1, vid);
        sqlite3_bind_text(f, 2, base_name(fs[i]->path), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(f, 3, roles[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(f, 4, fs[i]->sha, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(f, 5, fs[i]->bytes);
        rc = step_done(st, f, err, "recording the input files");
    }
    for (size_t i = 0; i < g->entities.len && rc == 0; i++) {
        em_entity *e = g->entities.items[i];
        em_entity_row *row = &g->rows[i];
        sqlite3_bind_text(b, 1, row->digest, -1, SQLITE_STATIC);
        sqlite3_bind_text(b, 2, row->json, -1, SQLITE_STATIC);
        rc = step_done(st, b, err, "storing an entity");
        if (rc) break;
        sqlite3_bind_int64(ve, 1, vid);
        sqlite3_bind_text(ve, 2, e->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ve, 3, e->schema, -1, SQLITE_STATIC);
        sqlite3_bind_text(ve, 4, e->caption, -1, SQLITE_STATIC);
        sqlite3_bind_text(ve, 5, row->digest, -1, SQLITE_STATIC);
        if (sqlite3_step(ve) != SQLITE_DONE) {
            rc = sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_PRIMARYKEY
                     ? em_fail(err, EM_ERR_FORMAT, "%s: entity id %s appears twice", g->main->path,
                               e->id)
                     : em_db_fail(st, err, "storing an entity");
            break;
        }
        sqlite3_reset(ve);
    }
    sqlite3_finalize(f);
    sqlite3_finalize(b);
    sqlite3_finalize(ve);
    if (rc) return -1;
    rc = em_db_set_active(st, g->source, vid, err);
    g->res.version = vid;
    return rc;
}

/* ---- the public entry points ------------------------------------------- */

/* EMBARGO_TRACE=1 prints the time of each import phase to stderr. */
static void trace(const char *phase) {
    static struct timespec last;
    const char *t = getenv("EMBARGO_TRACE");
    if (!t || !*t || *t == '0') return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (phase)
        fprintf(stderr, "embargo: import: %-8s %.1f ms\n", phase,
                (double)(now.tv_sec - last.tv_sec) * 1e3 +
                    (double)(now.tv_nsec - last.tv_nsec) / 1e6);
    last = now;
}

/* "YYYY-MM-DD..." */
static int iso_day(const char *s) {
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return 0;
    return 1;
}

/* What an OFAC CSV set imported without its companions lacks (caller frees; "" = complete):
   the aliases live in alt.csv, the addresses in add.csv. */
static char *set_warning(const group *g) {
    if (g->kind != EM_FMT_OFAC_CSV_MAIN || (g->alt && g->add)) return em_xstrdup("");
    const char *main = base_name(g->main->path);
    if (!g->alt && !g->add)
        return em_xasprintf("%s came without its alt.csv and add.csv: no aliases and no "
                            "addresses were imported, so names listed only as aliases are not "
                            "found; import the files of the set together",
                            main);
    return em_xasprintf(!g->alt ? "%s came without its alt.csv: no aliases were imported, so "
                                  "names listed only as aliases are not found; import the "
                                  "files of the set together"
                                : "%s came without its add.csv: no addresses were imported "
                                  "(countries and cities of the entries are missing); import "
                                  "the files of the set together",
                        main);
}

static void options_defaults(em_import_options *o, const em_import_options *in) {
    memset(o, 0, sizeof *o);
    if (in) memcpy(o, in, in->version == 1 ? offsetof(em_import_options, published) : sizeof *o);
    o->version = EM_IMPORT_OPTIONS_VERSION;
    if (o->max_shrink <= 0 || o->max_shrink != o->max_shrink) o->max_shrink = DEFAULT_MAX_SHRINK;
    if (!o->max_entities) o->max_entities = DEFAULT_MAX_ENTITIES;
    if (!o->max_names) o->max_names = DEFAULT_MAX_NAMES;
    if (!o->max_field_bytes) o->max_field_bytes = DEFAULT_MAX_FIELD;
    if (o->max_input_bytes <= 0) o->max_input_bytes = DEFAULT_MAX_INPUT;
}

int em_store_import(em_store *st, const char *const *paths, size_t npaths, const char *source,
                    em_import_report **out, em_error *err) {
    em_import_options o = {EM_IMPORT_OPTIONS_VERSION, source, 0, 0, 0, 0, 0, 0, NULL};
    return em_store_import_opts(st, paths, npaths, &o, out, err);
}

int em_store_import_opts(em_store *st, const char *const *paths, size_t npaths,
                         const em_import_options *opts, em_import_report **out, em_error *err) {
    if (out) *out = NULL;
    if (opts && opts->version != EM_IMPORT_OPTIONS_VERSION && opts->version != 1)
        return em_fail(err, EM_ERR_USAGE,
                       "em_import_options version %u is not the library's %u; rebuild against "
                       "this embargo.h",
                       opts->version, EM_IMPORT_OPTIONS_VERSION);
    em_import_options o;
    options_defaults(&o, opts);
    const char *source = o.source;
    if (npaths == 0) return em_fail(err, EM_ERR_USAGE, "no list files given");
    file_info *files = em_xcalloc(npaths, sizeof *files);
    group gs[MAX_GROUPS];
    size_t ng = 0;
    int rc = 0;
    trace(NULL);
    for (size_t i = 0; i < npaths && rc == 0; i++) {
        files[i].path = paths[i];
        struct stat sb;
        if (stat(paths[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
            rc = em_fail(err, EM_ERR_IO, "%s: no such file", paths[i]);
            break;
        }
        files[i].bytes = (long long)sb.st_size;
        files[i].fmt = em_detect_format(paths[i], err);
        if (files[i].fmt == EM_FMT_UNKNOWN)
            rc = -1;
        else
            rc = em_file_sha256(paths[i], files[i].sha, o.max_input_bytes, NULL, err);
    }
    if (rc == 0) rc = make_groups(files, npaths, source, gs, &ng, err);
    for (size_t i = 0; i < ng; i++)
        gs[i].opts = &o;
    trace("detect");
    if (rc == 0 && ng > 0) {
        /* lists are independent: parse them side by side */
        rc = em_run_parallel(parse_and_prepare, gs, sizeof *gs, ng, em_cpu_count());
        for (size_t i = 0; i < ng && rc != 0; i++)
            if (gs[i].err.code != EM_OK) {
                if (err) *err = gs[i].err;
                break;
            }
        for (size_t i = 0; i < ng; i++) {
            group_sha(&gs[i]);
            /* files that state no date (the OFAC CSV sets): the date the caller knows */
            if (!gs[i].meta.published[0] && o.published && iso_day(o.published))
                snprintf(gs[i].meta.published, sizeof gs[i].meta.published, "%.10s", o.published);
        }
        trace("parse");
    }
    if (rc == 0) rc = em_db_exec(st, "BEGIN IMMEDIATE", err);
    if (rc == 0) {
        for (size_t i = 0; i < ng && rc == 0; i++) {
            group *g = &gs[i];
            source_state ss;
            rc = source_state_get(st, g->source, &ss, err);
            if (rc) break;
            if (strcmp(ss.sha, g->sha) == 0) {
                g->res.unchanged = 1;
                g->res.version = ss.active_id;
                continue;
            }
            rc = check_guards(g, &ss, err);
            if (rc == 0) rc = write_group(st, g, err);
        }
        trace("write");
        if (rc == 0) rc = em_db_exec(st, "COMMIT", err);
        trace("commit");
        if (rc != 0) em_db_exec(st, "ROLLBACK", NULL);
    }
    if (rc == 0 && out) {
        em_import_report *r = em_xcalloc(1, sizeof *r);
        r->items = em_xcalloc(ng, sizeof *r->items);
        r->len = ng;
        for (size_t i = 0; i < ng; i++) {
            em_import_result *x = &r->items[i];
            x->source = em_xstrdup(gs[i].source);
            x->format =
                em_xstrdup(gs[i].meta.format[0] ? gs[i].meta.format : em_format_name(gs[i].kind));
            x->published = em_xstrdup(gs[i].meta.published);
            x->sha256 = em_xstrdup(gs[i].sha);
            x->version = gs[i].res.version;
            x->entities = gs[i].entities.len;
            x->unchanged = gs[i].res.unchanged;
            x->warning = set_warning(&gs[i]);
        }
        *out = r;
    }
    for (size_t i = 0; i < ng; i++) {
        em_entity_rows_free(gs[i].rows, gs[i].entities.len);
        em_entity_list_free(&gs[i].entities);
    }
    free(files);
    return rc;
}

size_t em_import_report_count(const em_import_report *r) {
    return r ? r->len : 0;
}

const em_import_result *em_import_report_get(const em_import_report *r, size_t i) {
    return r && i < r->len ? &r->items[i] : NULL;
}

void em_import_report_free(em_import_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->len; i++) {
        free((char *)r->items[i].source), free((char *)r->items[i].format);
        free((char *)r->items[i].published), free((char *)r->items[i].sha256);
        free((char *)r->items[i].warning);
    }
    free(r->items);
    free(r);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The publication date of a bundled list directory from data/lists/MANIFEST
   ("DIR YYYY-MM-DD" lines, # comments): the OFAC CSV sets state none. */
static void manifest_date(const char *root, const char *dir, char out[11]) {
    out[0] = '\0';
    char *path = em_xasprintf("%s/MANIFEST", root);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) return;
    char line[512], name[256], date[64];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || sscanf(line, "%255s %63s", name, date) != 2) continue;
        if (strcmp(name, dir) == 0 && strlen(date) >= 10 && iso_day(date)) {
            snprintf(out, 11, "%.10s", date);
            break;
        }
    }
    fclose(f);
}

/* Appends b's results to a (b is freed). */
static void report_append(em_import_report *a, em_import_report *b) {
    a->items = em_xrealloc(a->items, (a->len + b->len) * sizeof *a->items);
    memcpy(a->items + a->len, b->items, b->len * sizeof *b->items);
    a->len += b->len;
    free(b->items);
    free(b);
}

/* One import per directory of data/lists (a source each), dated by the MANIFEST
   when its files state no date. */
int em_store_import_bundled(em_store *st, em_import_report **out, em_error *err) {
    if (out) *out = NULL;
    char *root = em_xasprintf("%s/lists", em_bundled_data_dir());
    em_strvec dirs;
    em_strvec_init(&dirs);
    DIR *d = opendir(root);
    if (!d) {
        em_fail(err, EM_ERR_IO,
                "bundled lists not found in %s; set EMBARGO_DATA_DIR to embargo's data directory",
                root);
        free(root);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') em_strvec_push(&dirs, de->d_name);
    closedir(d);
    qsort(dirs.items, dirs.len, sizeof *dirs.items, cmp_str);
    em_import_report *all = em_xcalloc(1, sizeof *all);
    int rc = 0;
    for (size_t k = 0; k < dirs.len && rc == 0; k++) {
        char *sub = em_xasprintf("%s/%s", root, dirs.items[k]);
        em_strvec paths;
        em_strvec_init(&paths);
        DIR *d2 = opendir(sub);
        if (d2) {
            struct dirent *f;
            while ((f = readdir(d2)))
                if (f->d_name[0] != '.')
                    em_strvec_take(&paths, em_xasprintf("%s/%s", sub, f->d_name));
            closedir(d2);
        }
        free(sub);
        if (paths.len) {
            qsort(paths.items, paths.len, sizeof *paths.items, cmp_str);
            char date[11];
            manifest_date(root, dirs.items[k], date);
            em_import_options o = {0};
            o.version = EM_IMPORT_OPTIONS_VERSION;
            o.published = date[0] ? date : NULL;
            em_import_report *r = NULL;
            rc = em_store_import_opts(st, (const char *const *)paths.items, paths.len, &o,
                                      out ? &r : NULL, err);
            if (r) report_append(all, r);
        }
        em_strvec_free(&paths);
    }
    em_strvec_free(&dirs);
    free(root);
    if (rc == 0 && out)
        *out = all;
    else
        em_import_report_free(all);
    return rc;
}
