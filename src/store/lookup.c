/*
 * lookup.c - normalised exact name lookup over the active versions: the
 * query is normalised with the same function that built the stored keys
 * (script, case, accents, punctuation and word order do not matter). The
 * fuzzy, explained matcher lives in src/match/ and builds on the snapshot.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "store/store_internal.h"

struct em_hits {
    em_hit *items;
    size_t len, cap;
};

int em_store_lookup(em_store *st, const char *name, const char *schema, size_t limit, em_hits **out,
                    em_error *err) {
    *out = NULL;
    em_normalizer *norm = em_store_normalizer(st, err);
    if (!norm) return -1;
    char *key = em_normalize_key(norm, name ? name : "");
    if (!*key) {
        free(key);
        return em_fail(err, EM_ERR_USAGE, "the name to search is empty after normalisation");
    }
    sqlite3_stmt *s = em_db_prepare(
        st,
        "SELECT nk.entity_id, min(nk.name), nk.version_id, v.source, b.json"
        " FROM name_keys nk JOIN versions v ON v.id = nk.version_id AND v.active = 1"
        " JOIN version_entities ve ON ve.version_id = nk.version_id AND ve.entity_id = nk.entity_id"
        " JOIN blobs b ON b.digest = ve.digest"
        " WHERE nk.key = ?1 AND (?2 IS NULL OR ve.schema = ?2)"
        " GROUP BY nk.entity_id, nk.version_id ORDER BY v.source, length(nk.entity_id), "
        "nk.entity_id",
        err);
    if (!s) {
        free(key);
        return -1;
    }
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    if (schema) sqlite3_bind_text(s, 2, schema, -1, SQLITE_TRANSIENT);
    em_hits *h = em_xcalloc(1, sizeof *h);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && (!limit || h->len < limit)) {
        if (h->len == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 8;
            h->items = em_xrealloc(h->items, h->cap * sizeof *h->items);
        }
        em_hit *x = &h->items[h->len++];
        memset(x, 0, sizeof *x);
        x->id = em_xstrdup((const char *)sqlite3_column_text(s, 0));
        x->matched_name = em_xstrdup((const char *)sqlite3_column_text(s, 1));
        x->version = sqlite3_column_int64(s, 2);
        x->source = em_xstrdup((const char *)sqlite3_column_text(s, 3));
        x->score = 1.0;
        json_t *j = json_loads((const char *)sqlite3_column_text(s, 4), 0, NULL);
        x->caption = em_xstrdup(json_string_value(json_object_get(j, "caption")));
        x->schema = em_xstrdup(json_string_value(json_object_get(j, "schema")));
        em_buf p;
        em_buf_init(&p);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(j, "programs"), i, v) {
            if (p.len) em_buf_adds(&p, "; ");
            em_buf_adds(&p, json_string_value(v));
        }
        x->programs = em_buf_detach(&p);
        json_decref(j);
    }
    sqlite3_finalize(s);
    free(key);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        em_hits_free(h);
        return em_db_fail(st, err, "looking up a name");
    }
    *out = h;
    return 0;
}

size_t em_hits_count(const em_hits *h) {
    return h ? h->len : 0;
}

const em_hit *em_hits_get(const em_hits *h, size_t i) {
    return h && i < h->len ? &h->items[i] : NULL;
}

void em_hits_free(em_hits *h) {
    if (!h) return;
    for (size_t i = 0; i < h->len; i++) {
        em_hit *x = &h->items[i];
        free((char *)x->id), free((char *)x->caption), free((char *)x->schema);
        free((char *)x->source), free((char *)x->matched_name), free((char *)x->programs);
    }
    free(h->items);
    free(h);
}
