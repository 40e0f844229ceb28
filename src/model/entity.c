/*
 * entity.c - building and freeing entities (see entity.h). Parsers call the
 * em_entity_add_* helpers; duplicates and empty values are dropped here so
 * that every parser gets the same hygiene.
 */
#include "model/entity.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

static int empty(const char *s) {
    return !s || !*s;
}

static char *dup_or_null(const char *s) {
    return empty(s) ? NULL : em_xstrdup(s);
}

static int same(const char *a, const char *b) {
    if (empty(a) && empty(b)) return 1;
    return a && b && strcmp(a, b) == 0;
}

em_entity *em_entity_new(const char *source, const char *id_prefix, const char *source_id,
                         const char *schema) {
    em_entity *e = em_xcalloc(1, sizeof *e);
    e->source = em_xstrdup(source);
    e->source_id = em_xstrdup(source_id);
    e->id = em_xasprintf("%s-%s", id_prefix, source_id);
    e->schema = em_xstrdup(schema ? schema : EM_SCHEMA_LEGAL_ENTITY);
    em_strvec_init(&e->birth_places);
    em_strvec_init(&e->nationalities);
    em_strvec_init(&e->citizenships);
    em_strvec_init(&e->programs);
    return e;
}

void em_entity_set(char **field, const char *value) {
    free(*field);
    *field = dup_or_null(value);
}

const char *em_guess_script(const char *s) {
    if (!s) return NULL;
    int32_t i = 0, n = (int32_t)strlen(s);
    UScriptCode found = USCRIPT_INVALID_CODE;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) return NULL;
        UErrorCode st = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &st);
        if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED) continue;
        if (found == USCRIPT_INVALID_CODE)
            found = sc;
        else if (found != sc) {
            /* Han mixed with Kana is Japanese; otherwise report the first script */
            if ((found == USCRIPT_HAN || sc == USCRIPT_HAN) &&
                (found == USCRIPT_HIRAGANA || found == USCRIPT_KATAKANA || sc == USCRIPT_HIRAGANA ||
                 sc == USCRIPT_KATAKANA))
                return "Jpan";
        }
    }
    if (found == USCRIPT_INVALID_CODE) return NULL;
    return uscript_getShortName(found);
}

em_name *em_entity_add_name(em_entity *e, const char *full, const char *kind, const char *strength,
                            const char *script) {
    if (empty(full)) return NULL;
    if (!kind) kind = EM_NAME_AKA;
    for (size_t i = 0; i < e->names.len; i++) {
        em_name *n = &e->names.items[i];
        if (strcmp(n->full, full) == 0 && strcmp(n->kind, kind) == 0) return NULL;
    }
    em_name *n = em_vec_add(e->names);
    n->full = em_xstrdup(full);
    n->kind = em_xstrdup(kind);
    n->strength = dup_or_null(strength);
    n->script = dup_or_null(script ? script : em_guess_script(full));
    return n;
}

em_date *em_entity_add_birth_date(em_entity *e, const char *text, const char *from, const char *to,
                                  int circa) {
    if (empty(from) && empty(text)) return NULL;
    if (empty(to)) to = from;
    for (size_t i = 0; i < e->birth_dates.len; i++) {
        em_date *d = &e->birth_dates.items[i];
        if (same(d->from, from) && same(d->to, to) && d->circa == circa) return NULL;
    }
    em_date *d = em_vec_add(e->birth_dates);
    d->text = dup_or_null(text ? text : from);
    d->from = dup_or_null(from);
    d->to = dup_or_null(to);
    d->circa = circa;
    return d;
}

em_address *em_entity_add_address(em_entity *e, const char *street, const char *city,
                                  const char *region, const char *postal, const char *country) {
    if (empty(street) && empty(city) && empty(region) && empty(postal) && empty(country))
        return NULL;
    for (size_t i = 0; i < e->addresses.len; i++) {
        em_address *a = &e->addresses.items[i];
        if (same(a->street, street) && same(a->city, city) && same(a->region, region) &&
            same(a->postal, postal) && same(a->country, country))
            return NULL;
    }
    em_address *a = em_vec_add(e->addresses);
    a->street = dup_or_null(street);
    a->city = dup_or_null(city);
    a->region = dup_or_null(region);
    a->postal = dup_or_null(postal);
    a->country = dup_or_null(country);
    return a;
}

em_identifier *em_entity_add_identifier(em_entity *e, const char *type, const char *value,
                                        const char *country, const char *label) {
    if (empty(value)) return NULL;
    if (!type) type = EM_ID_OTHER;
    for (size_t i = 0; i < e->identifiers.len; i++) {
        em_identifier *d = &e->identifiers.items[i];
        if (strcmp(d->type, type) == 0 && strcmp(d->value, value) == 0 &&
            same(d->country, country) && same(d->label, label))
            return NULL;
    }
    em_identifier *d = em_vec_add(e->identifiers);
    d->type = em_xstrdup(type);
    d->value = em_xstrdup(value);
    d->country = dup_or_null(country);
    d->label = dup_or_null(label);
    return d;
}

em_link *em_entity_add_link(em_entity *e, const char *relation, const char *target_id,
                            const char *target_name) {
    if (empty(target_id) && empty(target_name)) return NULL;
    if (!relation) relation = "linked_to";
    for (size_t i = 0; i < e->links.len; i++) {
        em_link *l = &e->links.items[i];
        if (strcmp(l->relation, relation) == 0 && same(l->target_id, target_id) &&
            same(l->target_name, target_name))
            return NULL;
    }
    em_link *l = em_vec_add(e->links);
    l->relation = em_xstrdup(relation);
    l->target_id = dup_or_null(target_id);
    l->target_name = dup_or_null(target_name);
    return l;
}

void em_entity_add_prop(em_entity *e, const char *key, const char *value) {
    if (empty(key) || empty(value)) return;
    for (size_t i = 0; i < e->props.len; i++)
        if (strcmp(e->props.items[i].key, key) == 0 && strcmp(e->props.items[i].value, value) == 0)
            return;
    em_prop *p = em_vec_add(e->props);
    p->key = em_xstrdup(key);
    p->value = em_xstrdup(value);
}

void em_entity_add_program(em_entity *e, const char *program) {
    em_strvec_push_unique(&e->programs, program);
}

void em_entity_add_nationality(em_entity *e, const char *country) {
    em_strvec_push_unique(&e->nationalities, country);
}

void em_entity_add_citizenship(em_entity *e, const char *country) {
    em_strvec_push_unique(&e->citizenships, country);
}

void em_entity_add_birth_place(em_entity *e, const char *place) {
    em_strvec_push_unique(&e->birth_places, place);
}

void em_entity_finish(em_entity *e) {
    if (!e->caption) {
        for (size_t i = 0; i < e->names.len; i++)
            if (strcmp(e->names.items[i].kind, EM_NAME_PRIMARY) == 0) {
                e->caption = em_xstrdup(e->names.items[i].full);
                break;
            }
        if (!e->caption && e->names.len) e->caption = em_xstrdup(e->names.items[0].full);
        if (!e->caption) e->caption = em_xstrdup(e->id);
    }
    for (size_t i = 0; i < e->addresses.len; i++) {
        em_address *a = &e->addresses.items[i];
        if (a->full) continue;
        em_buf b;
        em_buf_init(&b);
        const char *parts[] = {a->street, a->city, a->region, a->postal, a->country};
        for (size_t k = 0; k < 5; k++) {
            if (empty(parts[k])) continue;
            if (b.len) em_buf_adds(&b, ", ");
            em_buf_adds(&b, parts[k]);
        }
        a->full = em_buf_detach(&b);
    }
}

const char *em_entity_id(const em_entity *e) {
    return e->id;
}
const char *em_entity_schema(const em_entity *e) {
    return e->schema;
}
const char *em_entity_caption(const em_entity *e) {
    return e->caption;
}
const char *em_entity_source(const em_entity *e) {
    return e->source;
}

void em_entity_free(em_entity *e) {
    if (!e) return;
    free(e->id);
    free(e->source);
    free(e->source_id);
    free(e->schema);
    free(e->caption);
    free(e->gender);
    free(e->listed_on);
    free(e->remarks);
    for (size_t i = 0; i < e->names.len; i++) {
        em_name *n = &e->names.items[i];
        free(n->full), free(n->kind), free(n->strength), free(n->script);
        free(n->first), free(n->middle), free(n->last);
    }
    free(e->names.items);
    for (size_t i = 0; i < e->birth_dates.len; i++) {
        em_date *d = &e->birth_dates.items[i];
        free(d->text), free(d->from), free(d->to);
    }
    free(e->birth_dates.items);
    em_strvec_free(&e->birth_places);
    em_strvec_free(&e->nationalities);
    em_strvec_free(&e->citizenships);
    for (size_t i = 0; i < e->addresses.len; i++) {
        em_address *a = &e->addresses.items[i];
        free(a->full), free(a->street), free(a->city), free(a->region), free(a->postal);
        free(a->country);
    }
    free(e->addresses.items);
    for (size_t i = 0; i < e->identifiers.len; i++) {
        em_identifier *d = &e->identifiers.items[i];
        free(d->type), free(d->value), free(d->country), free(d->currency), free(d->label);
        free(d->note);
    }
    free(e->identifiers.items);
    em_strvec_free(&e->programs);
    for (size_t i = 0; i < e->links.len; i++) {
        em_link *l = &e->links.items[i];
        free(l->relation), free(l->target_id), free(l->target_name);
    }
    free(e->links.items);
    for (size_t i = 0; i < e->props.len; i++)
        free(e->props.items[i].key), free(e->props.items[i].value);
    free(e->props.items);
    free(e);
}

void em_entity_list_push(em_entity_list *l, em_entity *e) {
    em_vec_push(*l, e);
}

void em_entity_list_free(em_entity_list *l) {
    for (size_t i = 0; i < l->len; i++)
        em_entity_free(l->items[i]);
    em_vec_free(*l);
}
