/*
 * import.c - from list files to a new active version, atomically.
 *
 * Flow: detect each file's format -> group files into lists (the four files
 * of an OFAC CSV set go together; each XML file is a list) -> ONE SQLite
 * transaction: per list, check it against the source's active version (same
 * family of formats), then stream it: the parser's entities (bounded by the
 * limits in em_import_options) go into the new version in batches, their rows
 * (JSON, digest) made in parallel, so memory does not grow with the list; the
 * few with "Linked To" names are held back and written last, resolved to ids
 * through hashes of every name of the list -> the guards that need the whole
 * list (its declared count, no unexplained shrink) -> activate. Any error
 * before COMMIT rolls back, leaving the store exactly as it was.
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
#include "base/hmap.h"
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

/* a name of the list so far, for the links known only by name: the hash of its
   upper-cased, trimmed text and the entity's place in the list */
typedef struct name_ref {
    uint64_t hash;
    uint32_t entity;
} name_ref;

typedef struct group {
    char source[64];
    em_format kind; /* the main file's format */
    file_info *main, *add, *alt, *comments;
    em_parse_meta meta;
    char sha[65];
    em_import_result res;
    const em_import_options *opts; /* defaults applied */
    /* while streaming into the store */
    em_store *st;
    int64_t vid;
    sqlite3_stmt *blob, *ve;
    em_entity_list batch;    /* parsed, waiting for their rows */
    em_entity_list deferred; /* with links known only by name: written last */
    size_t count;            /* entities of the list */
    size_t counts[5], names; /* by schema; names */
    EM_VEC(name_ref) refs;
    em_buf ids;              /* each entity's id, NUL-terminated, in list order */
    EM_VEC(uint32_t) id_off; /* entity -> offset in ids */
    em_buf pend;             /* stored JSON not yet inserted: digest + NUL + JSON + NUL */
    EM_VEC(size_t) pend_off; /* each one's offset in pend */
} group;

/* entities turned into rows and written per batch (the rows in parallel) */
#define BATCH 4096
/* the stored JSON of several batches, inserted together in digest order */
#define PENDING_BYTES ((size_t)48 << 20)

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

static int take_entity(group *g, em_entity *e, em_error *err);
static int iso_day(const char *s);

/* Takes each parsed entity; refuses the list as soon as it passes a limit, so
   a list that would expand without bound is stopped before it takes the memory. */
static int sink(void *ctx, em_entity *e, em_error *err) {
    group *g = ctx;
    const em_import_options *o = g->opts;
    const char *what = NULL;
    int rc = 0;
    if (g->count >= o->max_entities)
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
    return take_entity(g, e, err);
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

/* ---- parsing, streamed into the store ---------------------------------- */

static int step_done(em_store *st, sqlite3_stmt *s, em_error *err, const char *what) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return em_db_fail(st, err, what);
    return 0;
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

static uint64_t name_hash(const char *s) {
    char *u = upper_trim(s);
    uint64_t h = em_hash_bytes(u, strlen(u));
    free(u);
    return h;
}

static int has_name_link(const em_entity *e) {
    for (size_t j = 0; j < e->links.len; j++)
        if (!e->links.items[j].target_id && e->links.items[j].target_name) return 1;
    return 0;
}

/* Inserts the pending JSON in the order of the digests (the blob table's key): the
   more rows at once, the fewer times each page of a table far larger than the page
   cache is read and written (at 1M entities, one batch of 4,096 touched a fifth of
   its pages). */
static const char *PEND; /* for cmp_pending (flush_pending is not reentrant) */

static int cmp_pending(const void *a, const void *b) {
    return strcmp(PEND + *(const size_t *)a, PEND + *(const size_t *)b);
}

static int flush_pending(group *g, em_error *err) {
    size_t n = g->pend_off.len;
    int rc = 0;
    PEND = g->pend.data;
    if (n) qsort(g->pend_off.items, n, sizeof *g->pend_off.items, cmp_pending);
    PEND = NULL;
    for (size_t k = 0; k < n && rc == 0; k++) {
        const char *digest = g->pend.data + g->pend_off.items[k];
        sqlite3_bind_text(g->blob, 1, digest, -1, SQLITE_STATIC);
        sqlite3_bind_text(g->blob, 2, digest + strlen(digest) + 1, -1, SQLITE_STATIC);
        rc = step_done(g->st, g->blob, err, "storing an entity");
    }
    g->pend_off.len = 0; /* the buffers are kept for the next rows */
    em_buf_reset(&g->pend);
    return rc;
}

/* Writes the entities of l (their rows made in parallel) into the new version: the
   version's rows in list order, the JSON kept pending (flush_pending). */
static int write_entities(group *g, em_entity_list *l, em_error *err) {
    if (!l->len) return 0;
    em_entity_row *rows = em_xcalloc(l->len, sizeof *rows);
    int rc = em_prepare_rows(l, rows, err);
    for (size_t i = 0; i < l->len && rc == 0; i++) {
        em_vec_push(g->pend_off, g->pend.len);
        em_buf_add(&g->pend, rows[i].digest, strlen(rows[i].digest) + 1);
        em_buf_add(&g->pend, rows[i].json, strlen(rows[i].json) + 1);
    }
    if (rc == 0 && g->pend.len >= PENDING_BYTES) rc = flush_pending(g, err);
    for (size_t i = 0; i < l->len && rc == 0; i++) {
        em_entity *e = l->items[i];
        em_entity_row *row = &rows[i];
        sqlite3_bind_int64(g->ve, 1, g->vid);
        sqlite3_bind_text(g->ve, 2, e->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(g->ve, 3, e->schema, -1, SQLITE_STATIC);
        sqlite3_bind_text(g->ve, 4, e->caption, -1, SQLITE_STATIC);
        sqlite3_bind_text(g->ve, 5, row->digest, -1, SQLITE_STATIC);
        if (sqlite3_step(g->ve) != SQLITE_DONE) {
            rc = sqlite3_extended_errcode(g->st->db) == SQLITE_CONSTRAINT_PRIMARYKEY
                     ? em_fail(err, EM_ERR_FORMAT, "%s: entity id %s appears twice", g->main->path,
                               e->id)
                     : em_db_fail(g->st, err, "storing an entity");
        }
        sqlite3_reset(g->ve);
        sqlite3_clear_bindings(g->ve);
    }
    em_entity_rows_free(rows, l->len);
    for (size_t i = 0; i < l->len; i++) /* the list's array is kept for the next batch */
        em_entity_free(l->items[i]);
    l->len = 0;
    return rc;
}

/* One entity of the list: counted, its names kept as hashes for the links by name, then
   batched into the store, or held back when it has a link known only by name. */
static int take_entity(group *g, em_entity *e, em_error *err) {
    uint32_t idx = (uint32_t)g->count++;
    const char *sc = e->schema;
    int k = strcmp(sc, EM_SCHEMA_PERSON) == 0         ? 0
            : strcmp(sc, EM_SCHEMA_ORGANIZATION) == 0 ? 1
            : strcmp(sc, EM_SCHEMA_VESSEL) == 0       ? 2
            : strcmp(sc, EM_SCHEMA_AIRCRAFT) == 0     ? 3
                                                      : 4;
    g->counts[k]++;
    g->names += e->names.len;
    for (size_t j = 0; j < e->names.len; j++) {
        name_ref r = {name_hash(e->names.items[j].full), idx};
        em_vec_push(g->refs, r);
    }
    em_vec_push(g->id_off, (uint32_t)g->ids.len);
    em_buf_add(&g->ids, e->id, strlen(e->id) + 1);
    if (has_name_link(e)) {
        em_entity_list_push(&g->deferred, e);
        return 0;
    }
    em_entity_list_push(&g->batch, e);
    return g->batch.len >= BATCH ? write_entities(g, &g->batch, err) : 0;
}

static int cmp_ref(const void *a, const void *b) {
    const name_ref *x = a, *y = b;
    if (x->hash != y->hash) return (x->hash > y->hash) - (x->hash < y->hash);
    return (x->entity > y->entity) - (x->entity < y->entity);
}

/* Resolves the links known only by name ("Linked To: NAME") of the held-back entities to
   the ids of the same list: the first entity of the list with that name. */
static void resolve_links(group *g) {
    if (!g->deferred.len) return;
    name_ref *refs = g->refs.items;
    size_t k = g->refs.len;
    if (k) qsort(refs, k, sizeof *refs, cmp_ref);
    for (size_t i = 0; i < g->deferred.len; i++) {
        em_entity *e = g->deferred.items[i];
        for (size_t j = 0; j < e->links.len; j++) {
            em_link *ln = &e->links.items[j];
            if (ln->target_id || !ln->target_name) continue;
            name_ref key = {name_hash(ln->target_name), 0};
            name_ref *hit = k ? bsearch(&key, refs, k, sizeof *refs, cmp_ref) : NULL;
            if (!hit) {
                /* bsearch found no (hash, 0): look for the first of that hash */
                size_t lo = 0, hi = k;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (refs[mid].hash < key.hash)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                hit = lo < k && refs[lo].hash == key.hash ? &refs[lo] : NULL;
            }
            if (!hit) continue;
            const char *id = g->ids.data + g->id_off.items[hit->entity];
            if (strcmp(id, e->id) != 0) ln->target_id = em_xstrdup(id);
        }
    }
}

static int parse_group(group *g, em_error *err) {
    const char *p = g->main->path;
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
    if (g->count == 0)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s: the list contains no entities; refusing to replace the active "
                       "version with an empty list",
                       p);
    return 0;
}

static void group_clear(group *g) {
    em_entity_list_free(&g->batch);
    em_entity_list_free(&g->deferred);
    em_vec_free(g->refs);
    em_vec_free(g->id_off);
    em_buf_free(&g->ids);
    em_buf_free(&g->pend);
    em_vec_free(g->pend_off);
    if (g->blob) sqlite3_finalize(g->blob);
    if (g->ve) sqlite3_finalize(g->ve);
    g->blob = g->ve = NULL;
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

/* The guards against screening against less: the source's family of formats (before
   the list is read), and no unexplained shrink of the active version (once it is). */
static int check_family(const group *g, const source_state *ss, em_error *err) {
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
    return 0;
}

static int check_counts(const group *g, const source_state *ss, em_error *err) {
    /* the publisher's own count: a file that holds fewer records than it says is cut or
       corrupt; one that holds exactly what it says vouches for a shrink */
    long declared = g->meta.declared;
    if (declared > 0 && (long)g->count != declared)
        return em_fail(err, EM_ERR_FORMAT,
                       "%s: the file says it holds %ld records, %zu were read; refusing a list "
                       "that does not match its own count",
                       g->main->path, declared, g->count);
    if (ss->active_id && !g->opts->force && g->opts->max_shrink < 1.0 && declared <= 0) {
        double floor = (double)ss->active_entities * (1.0 - g->opts->max_shrink);
        if ((double)g->count < floor)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s: the new version of %s has %zu entities, the active one (version "
                           "%lld) %lld: it would drop %.0f%%, more than the %.0f%% allowed. A cut "
                           "or partial file looks like this; if the publisher really removed them, "
                           "import with --force",
                           g->main->path, g->source, g->count, (long long)ss->active_id,
                           (long long)ss->active_entities,
                           100.0 * (1.0 - (double)g->count / (double)ss->active_entities),
                           100.0 * g->opts->max_shrink);
    }
    return 0;
}

/* Streams one list into a new version of its source (inside the caller's transaction):
   the version's row first, the entities in batches as they are parsed, then the guards
   that need the whole list, the version's counts, and its activation. */
static int stream_group(em_store *st, group *g, const em_import_options *o, em_error *err) {
    source_state ss;
    if (source_state_get(st, g->source, &ss, err) != 0) return -1;
    if (strcmp(ss.sha, g->sha) == 0) { /* the active version already: nothing to read */
        g->res.unchanged = 1;
        g->res.version = ss.active_id;
        g->count = (size_t)ss.active_entities;
        return 0;
    }
    if (check_family(g, &ss, err) != 0) return -1;
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
    /* counts and the file's own format and date are filled in once it is read */
    sqlite3_stmt *v = em_db_prepare(
        st,
        "INSERT INTO versions(source, format, published, sha256, files, entities, persons,"
        " organizations, vessels, aircraft, others, names, imported_at, active)"
        " VALUES(?,?,'',?,?,0,0,0,0,0,0,0,?,0)",
        err);
    if (!v) {
        em_buf_free(&files);
        return -1;
    }
    sqlite3_bind_text(v, 1, g->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 2, em_format_name(g->kind), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 3, g->sha, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 4, em_buf_cstr(&files), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 5, now, -1, SQLITE_TRANSIENT);
    em_buf_free(&files);
    int rc = step_done(st, v, err, "recording the version");
    sqlite3_finalize(v);
    if (rc) return -1;
    g->vid = sqlite3_last_insert_rowid(st->db);
    g->st = st;

    sqlite3_stmt *f = em_db_prepare(
        st, "INSERT INTO version_files(version_id, name, role, sha256, bytes) VALUES(?,?,?,?,?)",
        err);
    rc = f ? 0 : -1;
    const char *roles[4] = {"main", "add", "alt", "comments"};
    for (int i = 0; i < 4 && rc == 0; i++) {
        if (!fs[i]) continue;
        sqlite3_bind_int64(f, 1, g->vid);
        sqlite3_bind_text(f, 2, base_name(fs[i]->path), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(f, 3, roles[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(f, 4, fs[i]->sha, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(f, 5, fs[i]->bytes);
        rc = step_done(st, f, err, "recording the input files");
    }
    if (f) sqlite3_finalize(f);
    if (rc) return -1;
    g->blob = em_db_prepare(st, "INSERT OR IGNORE INTO blobs(digest, json) VALUES(?,?)", err);
    g->ve = em_db_prepare(st,
                          "INSERT INTO version_entities(version_id, entity_id, schema,"
                          " caption, digest) VALUES(?,?,?,?,?)",
                          err);
    if (!g->blob || !g->ve) return -1;

    if (parse_group(g, err) != 0) return -1;
    if (write_entities(g, &g->batch, err) != 0) return -1;
    resolve_links(g);
    if (write_entities(g, &g->deferred, err) != 0) return -1;
    if (flush_pending(g, err) != 0) return -1;
    /* files that state no date (the OFAC CSV sets): the date the caller knows */
    if (!g->meta.published[0] && o->published && iso_day(o->published))
        snprintf(g->meta.published, sizeof g->meta.published, "%.10s", o->published);
    if (check_counts(g, &ss, err) != 0) return -1;

    v = em_db_prepare(st,
                      "UPDATE versions SET format = ?, published = ?, entities = ?, persons = ?,"
                      " organizations = ?, vessels = ?, aircraft = ?, others = ?, names = ?"
                      " WHERE id = ?",
                      err);
    if (!v) return -1;
    sqlite3_bind_text(v, 1, g->meta.format[0] ? g->meta.format : em_format_name(g->kind), -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(v, 2, g->meta.published, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(v, 3, (sqlite3_int64)g->count);
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(v, 4 + i, (sqlite3_int64)g->counts[i]);
    sqlite3_bind_int64(v, 9, (sqlite3_int64)g->names);
    sqlite3_bind_int64(v, 10, g->vid);
    rc = step_done(st, v, err, "recording the version");
    sqlite3_finalize(v);
    if (rc) return -1;
    rc = em_db_set_active(st, g->source, g->vid, err);
    g->res.version = g->vid;
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
    for (size_t i = 0; i < ng; i++)
        group_sha(&gs[i]);
    /* one transaction: each list is parsed straight into its new version, in batches, so
       no list is held whole; any failure rolls every list back */
    if (rc == 0 && ng > 0) rc = em_db_exec(st, "BEGIN IMMEDIATE", err);
    if (rc == 0 && ng > 0) {
        for (size_t i = 0; i < ng && rc == 0; i++) {
            rc = stream_group(st, &gs[i], &o, err);
            group_clear(&gs[i]);
        }
        trace("parse+write");
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
            x->entities = gs[i].count;
            x->unchanged = gs[i].res.unchanged;
            x->warning = set_warning(&gs[i]);
        }
        *out = r;
    }
    for (size_t i = 0; i < ng; i++)
        group_clear(&gs[i]);
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
