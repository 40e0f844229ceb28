/*
 * diff.c - what changed between two versions of a list: entities added,
 * removed, and changed (with, for each changed fact, the values that left
 * and the values that arrived). Unchanged entities share a blob digest, so
 * only entities whose digest differs are decoded and compared.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/store_internal.h"

struct em_diff {
    int64_t from, to;
    em_change *items;
    size_t len, cap;
};

static em_change *push(em_diff *d, em_change_kind kind, sqlite3_stmt *s) {
    em_change *c = em_vec_add(*d);
    c->kind = kind;
    c->id = em_xstrdup((const char *)sqlite3_column_text(s, 0));
    c->caption = em_xstrdup((const char *)sqlite3_column_text(s, 1));
    c->schema = em_xstrdup((const char *)sqlite3_column_text(s, 2));
    return c;
}

static int array_has(json_t *arr, json_t *v) {
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_equal(x, v)) return 1;
    return 0;
}

/* values of a that are not in b, as a JSON array text */
static char *minus(json_t *a, json_t *b) {
    json_t *out = json_array();
    if (json_is_array(a)) {
        size_t i;
        json_t *x;
        json_array_foreach(a, i, x) if (!json_is_array(b) || !array_has(b, x))
            json_array_append(out, x);
    } else if (a) {
        json_array_append(out, a);
    }
    char *s = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(out);
    return s;
}

typedef struct field_diff {
    em_strvec fields, removed, added;
} field_diff;

static void compare_value(field_diff *fd, const char *name, json_t *a, json_t *b);

/* Compares two objects member by member, in key order; nested members are named
   "prefix.key" ("properties.target_type"). */
static void compare_members(field_diff *fd, const char *prefix, json_t *a, json_t *b) {
    em_strvec keys;
    em_strvec_init(&keys);
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v) em_strvec_push_unique(&keys, k);
    json_object_foreach(b, k, v) em_strvec_push_unique(&keys, k);
    em_strvec_sort(&keys);
    for (size_t i = 0; i < keys.len; i++) {
        char *name =
            prefix ? em_xasprintf("%s.%s", prefix, keys.items[i]) : em_xstrdup(keys.items[i]);
        compare_value(fd, name, json_object_get(a, keys.items[i]),
                      json_object_get(b, keys.items[i]));
        free(name);
    }
    em_strvec_free(&keys);
}

/* Compares one fact; objects (the free-form properties) are compared member by member. */
static void compare_value(field_diff *fd, const char *name, json_t *a, json_t *b) {
    if (a && b && json_equal(a, b)) return;
    if (json_is_object(a) || json_is_object(b)) {
        compare_members(fd, name, a, b);
        return;
    }
    em_strvec_push(&fd->fields, name);
    int arrays = json_is_array(a) || json_is_array(b);
    em_strvec_take(&fd->removed, minus(a, arrays ? b : NULL));
    em_strvec_take(&fd->added, minus(b, arrays ? a : NULL));
}

static void compare(em_change *c, const char *old_json, const char *new_json) {
    json_t *o = json_loads(old_json, 0, NULL), *n = json_loads(new_json, 0, NULL);
    field_diff fd;
    em_strvec_init(&fd.fields);
    em_strvec_init(&fd.removed);
    em_strvec_init(&fd.added);
    compare_members(&fd, NULL, o, n);
    /* hand the arrays over to the change (its fields are released in em_diff_free) */
    c->nfields = fd.fields.len;
    c->fields = (const char *const *)fd.fields.items;
    c->removed_values = (const char *const *)fd.removed.items;
    c->added_values = (const char *const *)fd.added.items;
    json_decref(o);
    json_decref(n);
}

static int version_source(em_store *st, int64_t id, char **source, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st, "SELECT source FROM versions WHERE id = ?", err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *source = em_xstrdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return em_fail(err, EM_ERR_NOTFOUND, "no version %lld; see `embargo lists`", (long long)id);
    return 0;
}

static int64_t scalar(em_store *st, const char *sql, const char *text, int64_t num, em_error *err) {
    sqlite3_stmt *s = em_db_prepare(st, sql, err);
    if (!s) return -1;
    sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, num);
    int64_t v = 0;
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int resolve(em_store *st, const char *source, int64_t *from, int64_t *to, em_error *err) {
    char *src_to = NULL, *src_from = NULL;
    if (!*to) {
        if (!source) return em_fail(err, EM_ERR_USAGE, "give --source or both --from and --to");
        *to = scalar(st, "SELECT id FROM versions WHERE source = ?1 AND active = 1 AND ?2 = ?2",
                     source, 0, err);
        if (*to <= 0)
            return em_fail(err, EM_ERR_NOTFOUND, "no active version of %s; see `embargo lists`",
                           source);
    }
    if (version_source(st, *to, &src_to, err) != 0) return -1;
    if (source && strcmp(source, src_to) != 0) {
        em_fail(err, EM_ERR_USAGE, "version %lld belongs to %s, not %s", (long long)*to, src_to,
                source);
        free(src_to);
        return -1;
    }
    if (!*from) {
        *from = scalar(st, "SELECT max(id) FROM versions WHERE source = ?1 AND id < ?2", src_to,
                       *to, err);
        if (*from <= 0) {
            em_fail(err, EM_ERR_NOTFOUND,
                    "version %lld is the first version of %s; import another version to compare",
                    (long long)*to, src_to);
            free(src_to);
            return -1;
        }
    }
    int rc = version_source(st, *from, &src_from, err);
    if (rc == 0 && strcmp(src_from, src_to) != 0)
        rc = em_fail(err, EM_ERR_USAGE, "versions %lld (%s) and %lld (%s) are of different lists",
                     (long long)*from, src_from, (long long)*to, src_to);
    free(src_to);
    free(src_from);
    return rc;
}

int em_store_diff(em_store *st, const char *source, int64_t from, int64_t to, em_diff **out,
                  em_error *err) {
    *out = NULL;
    if (resolve(st, source, &from, &to, err) != 0) return -1;
    em_diff *d = em_xcalloc(1, sizeof *d);
    d->from = from;
    d->to = to;
    static const char *SIDE =
        "SELECT a.entity_id, a.caption, a.schema FROM version_entities a WHERE a.version_id = ?1"
        " AND NOT EXISTS (SELECT 1 FROM version_entities b WHERE b.version_id = ?2"
        " AND b.entity_id = a.entity_id) ORDER BY length(a.entity_id), a.entity_id";
    static const char *CHANGED =
        "SELECT t.entity_id, t.caption, t.schema, fb.json, tb.json FROM version_entities t"
        " JOIN version_entities f ON f.entity_id = t.entity_id AND f.version_id = ?2"
        " JOIN blobs fb ON fb.digest = f.digest JOIN blobs tb ON tb.digest = t.digest"
        " WHERE t.version_id = ?1 AND t.digest <> f.digest"
        " ORDER BY length(t.entity_id), t.entity_id";
    struct {
        const char *sql;
        int64_t a, b;
        em_change_kind kind;
    } q[3] = {
        {SIDE, to, from, EM_ADDED}, {SIDE, from, to, EM_REMOVED}, {CHANGED, to, from, EM_CHANGED}};
    for (int i = 0; i < 3; i++) {
        sqlite3_stmt *s = em_db_prepare(st, q[i].sql, err);
        if (!s) {
            em_diff_free(d);
            return -1;
        }
        sqlite3_bind_int64(s, 1, q[i].a);
        sqlite3_bind_int64(s, 2, q[i].b);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            em_change *c = push(d, q[i].kind, s);
            if (q[i].kind == EM_CHANGED)
                compare(c, (const char *)sqlite3_column_text(s, 3),
                        (const char *)sqlite3_column_text(s, 4));
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) {
            em_diff_free(d);
            return em_db_fail(st, err, "computing the diff");
        }
    }
    *out = d;
    return 0;
}

int64_t em_diff_from(const em_diff *d) {
    return d->from;
}
int64_t em_diff_to(const em_diff *d) {
    return d->to;
}
size_t em_diff_count(const em_diff *d) {
    return d ? d->len : 0;
}
const em_change *em_diff_get(const em_diff *d, size_t i) {
    return d && i < d->len ? &d->items[i] : NULL;
}

void em_diff_free(em_diff *d) {
    if (!d) return;
    for (size_t i = 0; i < d->len; i++) {
        em_change *c = &d->items[i];
        free((char *)c->id), free((char *)c->caption), free((char *)c->schema);
        for (size_t k = 0; k < c->nfields; k++) {
            free((char *)c->fields[k]);
            free((char *)c->removed_values[k]);
            free((char *)c->added_values[k]);
        }
        free((void *)c->fields), free((void *)c->removed_values), free((void *)c->added_values);
    }
    free(d->items);
    free(d);
}
