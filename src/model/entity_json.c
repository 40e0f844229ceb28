/*
 * entity_json.c - the entity <-> JSON round trip (jansson). The store keeps
 * each entity as this JSON (compact, sorted keys, so equal entities give
 * equal bytes and equal digests); `embargo show --json` and the HTTP API
 * print it. Empty fields are omitted.
 */
#include "model/entity.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

static void set_str(json_t *o, const char *k, const char *v) {
    if (v && *v) json_object_set_new(o, k, json_string(v));
}

static void set_strvec(json_t *o, const char *k, const em_strvec *v) {
    if (!v->len) return;
    json_t *a = json_array();
    for (size_t i = 0; i < v->len; i++)
        json_array_append_new(a, json_string(v->items[i]));
    json_object_set_new(o, k, a);
}

json_t *em_entity_to_json(const em_entity *e) {
    json_t *o = json_object();
    set_str(o, "id", e->id);
    set_str(o, "source", e->source);
    set_str(o, "source_id", e->source_id);
    set_str(o, "schema", e->schema);
    set_str(o, "caption", e->caption);
    set_str(o, "gender", e->gender);
    set_str(o, "listed_on", e->listed_on);
    set_str(o, "remarks", e->remarks);
    if (e->names.len) {
        json_t *a = json_array();
        for (size_t i = 0; i < e->names.len; i++) {
            const em_name *n = &e->names.items[i];
            json_t *x = json_object();
            set_str(x, "full", n->full);
            set_str(x, "kind", n->kind);
            set_str(x, "strength", n->strength);
            set_str(x, "script", n->script);
            set_str(x, "first", n->first);
            set_str(x, "middle", n->middle);
            set_str(x, "last", n->last);
            json_array_append_new(a, x);
        }
        json_object_set_new(o, "names", a);
    }
    if (e->birth_dates.len) {
        json_t *a = json_array();
        for (size_t i = 0; i < e->birth_dates.len; i++) {
            const em_date *d = &e->birth_dates.items[i];
            json_t *x = json_object();
            set_str(x, "text", d->text);
            set_str(x, "from", d->from);
            set_str(x, "to", d->to);
            if (d->circa) json_object_set_new(x, "circa", json_true());
            json_array_append_new(a, x);
        }
        json_object_set_new(o, "birth_dates", a);
    }
    set_strvec(o, "birth_places", &e->birth_places);
    set_strvec(o, "nationalities", &e->nationalities);
    set_strvec(o, "citizenships", &e->citizenships);
    if (e->addresses.len) {
        json_t *a = json_array();
        for (size_t i = 0; i < e->addresses.len; i++) {
            const em_address *d = &e->addresses.items[i];
            json_t *x = json_object();
            set_str(x, "full", d->full);
            set_str(x, "street", d->street);
            set_str(x, "city", d->city);
            set_str(x, "region", d->region);
            set_str(x, "postal", d->postal);
            set_str(x, "country", d->country);
            json_array_append_new(a, x);
        }
        json_object_set_new(o, "addresses", a);
    }
    if (e->identifiers.len) {
        json_t *a = json_array();
        for (size_t i = 0; i < e->identifiers.len; i++) {
            const em_identifier *d = &e->identifiers.items[i];
            json_t *x = json_object();
            set_str(x, "type", d->type);
            set_str(x, "value", d->value);
            set_str(x, "country", d->country);
            set_str(x, "currency", d->currency);
            set_str(x, "label", d->label);
            set_str(x, "note", d->note);
            json_array_append_new(a, x);
        }
        json_object_set_new(o, "identifiers", a);
    }
    set_strvec(o, "programs", &e->programs);
    if (e->links.len) {
        json_t *a = json_array();
        for (size_t i = 0; i < e->links.len; i++) {
            const em_link *l = &e->links.items[i];
            json_t *x = json_object();
            set_str(x, "relation", l->relation);
            set_str(x, "target_id", l->target_id);
            set_str(x, "target_name", l->target_name);
            json_array_append_new(a, x);
        }
        json_object_set_new(o, "links", a);
    }
    if (e->props.len) {
        json_t *p = json_object();
        for (size_t i = 0; i < e->props.len; i++) {
            json_t *a = json_object_get(p, e->props.items[i].key);
            if (!a) {
                a = json_array();
                json_object_set_new(p, e->props.items[i].key, a);
            }
            json_array_append_new(a, json_string(e->props.items[i].value));
        }
        json_object_set_new(o, "properties", p);
    }
    return o;
}

static const char *gs(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s;
}

static void get_strvec(const json_t *o, const char *k, void (*add)(em_entity *, const char *),
                       em_entity *e) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, k), i, v) add(e, json_string_value(v));
}

em_entity *em_entity_from_json(const json_t *o, em_error *err) {
    if (!json_is_object(o) || !gs(o, "id") || !gs(o, "source")) {
        em_fail(err, EM_ERR_FORMAT, "stored entity is not a valid JSON entity object");
        return NULL;
    }
    em_entity *e = em_xcalloc(1, sizeof *e);
    e->id = em_xstrdup(gs(o, "id"));
    e->source = em_xstrdup(gs(o, "source"));
    e->source_id = em_xstrdup(gs(o, "source_id") ? gs(o, "source_id") : "");
    e->schema = em_xstrdup(gs(o, "schema") ? gs(o, "schema") : EM_SCHEMA_LEGAL_ENTITY);
    em_entity_set(&e->caption, gs(o, "caption"));
    em_entity_set(&e->gender, gs(o, "gender"));
    em_entity_set(&e->listed_on, gs(o, "listed_on"));
    em_entity_set(&e->remarks, gs(o, "remarks"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(o, "names"), i, x) {
        em_name *n =
            em_entity_add_name(e, gs(x, "full"), gs(x, "kind"), gs(x, "strength"), gs(x, "script"));
        if (!n) continue;
        em_entity_set(&n->first, gs(x, "first"));
        em_entity_set(&n->middle, gs(x, "middle"));
        em_entity_set(&n->last, gs(x, "last"));
    }
    json_array_foreach(json_object_get(o, "birth_dates"), i, x) em_entity_add_birth_date(
        e, gs(x, "text"), gs(x, "from"), gs(x, "to"), json_is_true(json_object_get(x, "circa")));
    get_strvec(o, "birth_places", em_entity_add_birth_place, e);
    get_strvec(o, "nationalities", em_entity_add_nationality, e);
    get_strvec(o, "citizenships", em_entity_add_citizenship, e);
    json_array_foreach(json_object_get(o, "addresses"), i, x) {
        em_address *a = em_entity_add_address(e, gs(x, "street"), gs(x, "city"), gs(x, "region"),
                                              gs(x, "postal"), gs(x, "country"));
        if (a) em_entity_set(&a->full, gs(x, "full"));
    }
    json_array_foreach(json_object_get(o, "identifiers"), i, x) {
        em_identifier *d = em_entity_add_identifier(e, gs(x, "type"), gs(x, "value"),
                                                    gs(x, "country"), gs(x, "label"));
        if (!d) continue;
        em_entity_set(&d->currency, gs(x, "currency"));
        em_entity_set(&d->note, gs(x, "note"));
    }
    get_strvec(o, "programs", em_entity_add_program, e);
    json_array_foreach(json_object_get(o, "links"), i, x)
        em_entity_add_link(e, gs(x, "relation"), gs(x, "target_id"), gs(x, "target_name"));
    const char *key;
    json_t *arr;
    json_object_foreach((json_t *)json_object_get(o, "properties"), key, arr) {
        json_array_foreach(arr, i, x) em_entity_add_prop(e, key, json_string_value(x));
    }
    return e;
}

char *em_entity_to_json_string(const em_entity *e, int pretty) {
    json_t *j = em_entity_to_json(e);
    char *s = json_dumps(j, pretty ? (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0)
                                   : JSON_COMPACT);
    json_decref(j);
    return s;
}
