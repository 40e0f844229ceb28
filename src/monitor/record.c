/*
 * record.c - a register record in its canonical form (see record.h) and
 * what is derived from it; also the material facts of a listed entity, the
 * other half of what a good-guy suppression remembers.
 */
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/error.h"
#include "monitor/record.h"

static const char *str(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

json_t *em_record_facts(json_t *record) {
    json_t *f = json_deep_copy(record);
    json_object_del(f, "id");
    json_object_del(f, "extra");
    return f;
}

void em_record_digest(json_t *record, char out[65]) {
    json_t *f = em_record_facts(record);
    char *txt = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    em_sha256_hex(txt, strlen(txt), out);
    free(txt);
    json_decref(f);
}

em_party *em_record_party(json_t *r, em_error *err) {
    em_party *p = em_party_new();
    int rc = em_party_set_schema(p, str(r, "schema"), err);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(r, "names"), i, v) {
        if (rc == 0) rc = em_party_add_name(p, json_string_value(v), 0, err);
    }
    json_array_foreach(json_object_get(r, "weak_names"), i, v) {
        if (rc == 0) rc = em_party_add_name(p, json_string_value(v), EM_NAME_WEAK, err);
    }
    json_array_foreach(json_object_get(r, "birth_dates"), i, v) {
        if (rc == 0) rc = em_party_add_birth_date(p, json_string_value(v), err);
    }
    json_array_foreach(json_object_get(r, "countries"), i, v) {
        if (rc == 0) rc = em_party_add_country(p, json_string_value(v), err);
    }
    if (rc == 0) rc = em_party_set_gender(p, str(r, "gender"), err);
    json_array_foreach(json_object_get(r, "identifiers"), i, v) {
        if (rc == 0)
            rc = em_party_add_identifier(p, str(v, "type"),
                                         json_string_value(json_object_get(v, "value")), err);
    }
    if (rc != 0) {
        em_party_free(p);
        return NULL;
    }
    return p;
}

/* A query glues adjacent parts of its name ("wsym ly" meets "esmail" as
   "wsymly"); the index side of a search does not. A register's index is
   searched the other way round (a listed name as the query), so each name of a
   record is also indexed with each pair of adjacent parts glued: the reverse
   search then finds what the forward one would. */
static void add_glued(em_entity *e, const char *name) {
    em_strvec parts;
    em_strvec_init(&parts);
    char *copy = em_xstrdup(name), *save = NULL;
    for (char *t = strtok_r(copy, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save))
        em_strvec_push(&parts, t);
    free(copy);
    for (size_t i = 0; parts.len >= 2 && parts.len <= 8 && i + 1 < parts.len; i++) {
        em_buf b;
        em_buf_init(&b);
        for (size_t k = 0; k < parts.len; k++) {
            if (k && k != i + 1) em_buf_addc(&b, ' ');
            em_buf_adds(&b, parts.items[k]);
        }
        em_entity_add_name(e, em_buf_cstr(&b), EM_NAME_AKA, "weak", NULL);
        em_buf_free(&b);
    }
    em_strvec_free(&parts);
}

em_entity *em_record_entity(json_t *r) {
    const char *schema = str(r, "schema");
    em_entity *e = em_entity_new("register", "rec", str(r, "id"), schema ? schema : "LegalEntity");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(r, "names"), i, v) {
        em_entity_add_name(e, json_string_value(v), e->names.len ? EM_NAME_AKA : EM_NAME_PRIMARY,
                           NULL, NULL);
        if (!e->caption) em_entity_set(&e->caption, json_string_value(v));
    }
    json_array_foreach(json_object_get(r, "weak_names"), i, v) {
        em_entity_add_name(e, json_string_value(v), EM_NAME_AKA, "weak", NULL);
        if (!e->caption) em_entity_set(&e->caption, json_string_value(v));
    }
    json_array_foreach(json_object_get(r, "names"), i, v) {
        add_glued(e, json_string_value(v));
    }
    json_array_foreach(json_object_get(r, "weak_names"), i, v) {
        add_glued(e, json_string_value(v));
    }
    json_array_foreach(json_object_get(r, "birth_dates"), i, v) {
        const char *d = json_string_value(v);
        const char *dots = d ? strstr(d, "..") : NULL;
        if (dots) {
            char *from = em_xstrndup(d, (size_t)(dots - d));
            em_entity_add_birth_date(e, d, from, dots + 2, 0);
            free(from);
        } else if (d) {
            em_entity_add_birth_date(e, d, d, d, 0);
        }
    }
    json_array_foreach(json_object_get(r, "countries"), i, v) {
        em_strvec_push(&e->nationalities, json_string_value(v));
    }
    if (str(r, "gender")) em_entity_set(&e->gender, str(r, "gender"));
    json_array_foreach(json_object_get(r, "identifiers"), i, v) {
        em_entity_add_identifier(e, str(v, "type"), str(v, "value"), NULL, NULL);
    }
    return e;
}

const char *em_record_id_of(const char *entity_id) {
    return strncmp(entity_id, "rec-", 4) == 0 ? entity_id + 4 : entity_id;
}

/* ---- listed entities ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* a sorted array of distinct strings */
static json_t *sorted(em_strvec *v) {
    if (v->len) qsort(v->items, v->len, sizeof *v->items, cmp_str);
    json_t *a = json_array();
    for (size_t i = 0; i < v->len; i++)
        if (i == 0 || strcmp(v->items[i], v->items[i - 1]) != 0)
            json_array_append_new(a, json_string(v->items[i]));
    em_strvec_free(v);
    return a;
}

json_t *em_entity_facts(const em_entity *e) {
    json_t *f = json_object();
    json_object_set_new(f, "schema", json_string(e->schema ? e->schema : ""));
    json_object_set_new(f, "gender", json_string(e->gender ? e->gender : ""));
    em_strvec v;
    em_strvec_init(&v);
    for (size_t i = 0; i < e->names.len; i++) {
        const em_name *n = &e->names.items[i];
        char *s = em_xasprintf("%s%s", n->full,
                               n->strength && !strcmp(n->strength, "weak") ? " (weak)" : "");
        em_strvec_push(&v, s);
        free(s);
    }
    json_object_set_new(f, "names", sorted(&v));
    em_strvec_init(&v);
    for (size_t i = 0; i < e->birth_dates.len; i++) {
        const em_date *d = &e->birth_dates.items[i];
        char *s = em_xasprintf("%s..%s", d->from ? d->from : "", d->to ? d->to : "");
        em_strvec_push(&v, s);
        free(s);
    }
    json_object_set_new(f, "birth_dates", sorted(&v));
    em_strvec_init(&v);
    for (size_t i = 0; i < e->nationalities.len; i++)
        em_strvec_push(&v, e->nationalities.items[i]);
    for (size_t i = 0; i < e->citizenships.len; i++)
        em_strvec_push(&v, e->citizenships.items[i]);
    for (size_t i = 0; i < e->addresses.len; i++)
        if (e->addresses.items[i].country) em_strvec_push(&v, e->addresses.items[i].country);
    json_object_set_new(f, "countries", sorted(&v));
    em_strvec_init(&v);
    for (size_t i = 0; i < e->identifiers.len; i++) {
        const em_identifier *d = &e->identifiers.items[i];
        char *s = em_xasprintf("%s:%s", d->type ? d->type : "", d->value ? d->value : "");
        em_strvec_push(&v, s);
        free(s);
    }
    json_object_set_new(f, "identifiers", sorted(&v));
    return f;
}

size_t em_entity_parties(const em_entity *e, em_party **out, size_t cap) {
    size_t n = 0;
    em_error err = {0};
    size_t name = 0;
    do {
        if (n == cap) break;
        em_party *p = em_party_new();
        for (; name < e->names.len && em_party_name_count(p) < EM_PARTY_MAX_NAMES; name++)
            em_party_add_name(p, e->names.items[name].full, 0, &err);
        for (size_t i = 0;
             n == 0 && i < e->identifiers.len && em_party_identifier_count(p) < EM_PARTY_MAX_VALUES;
             i++)
            if (em_party_add_identifier(p, e->identifiers.items[i].type,
                                        e->identifiers.items[i].value, &err) != 0)
                em_party_add_identifier(p, "other", e->identifiers.items[i].value, &err);
        if (!em_party_name_count(p) && !em_party_identifier_count(p)) {
            em_party_free(p);
            break;
        }
        out[n++] = p;
    } while (name < e->names.len);
    return n;
}

json_t *em_facts_changed(json_t *before, json_t *after) {
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(after, k, v) {
        if (!json_equal(v, json_object_get(before, k))) json_array_append_new(out, json_string(k));
    }
    json_object_foreach(before, k, v) {
        if (!json_object_get(after, k)) json_array_append_new(out, json_string(k));
    }
    return out;
}
