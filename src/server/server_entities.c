/*
 * server_entities.c - GET /entities/{id} and /entities/{id}/adjacent[/{prop}]
 * in yente's shapes. The entity is the FtM object of the renderer
 * (em_entity_ftm, with its history: first_seen, last_change, last_seen from
 * the store's versions), plus embargo's stored form ("embargo") and the same
 * party on other lists ("related").
 *
 * Nested entities (yente's nested=true, the default): the entity's Sanction
 * and CryptoWallet entities (the renderer nests them), and one UnknownLink
 * per link the list states ("Linked To:" on OFAC's lists) under
 * unknownLinkSubject, its object the linked entity in full (one level: the
 * linked entity's own nested entities are left out, as yente stops at the
 * first Thing). nested=false gives the entity's own properties only.
 *
 * /adjacent: {"entity" (not nested), "adjacent": {prop: {"results", "total",
 * "limit", "offset"}}} for each entity-valued property (sanctions,
 * cryptoWallets, unknownLinkSubject); /adjacent/{prop} one of them, 404 for
 * a property that holds no entities. Incoming links (unknownLinkObject:
 * the entities whose listing names this one) are not given: the store has
 * no index of link targets. No id is ever merged into another in embargo's
 * store (the lists' ids are stable), so there is no 308 redirect.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/entity.h"
#include "server/server_internal.h"

#define ADJACENT_DEFAULT_LIMIT 10
#define ADJACENT_MAX_LIMIT 500

/* the entity-valued properties embargo gives (yente: any property of an entity range) */
static const char *const ENTITY_PROPS[] = {"sanctions", "cryptoWallets", "unknownLinkSubject",
                                           NULL};

static int entity_prop(const char *name) {
    for (size_t i = 0; ENTITY_PROPS[i]; i++)
        if (strcmp(ENTITY_PROPS[i], name) == 0) return 1;
    return 0;
}

/* the entity as stored, or NULL with the response filled (404 / 500) when required */
static em_entity *load(em_server *s, const char *id, srv_response *r) {
    em_entity *e = NULL;
    em_error err = {0};
    pthread_mutex_lock(&s->st_lock);
    int rc = em_store_entity(s->st, id, 0, &e, &err);
    pthread_mutex_unlock(&s->st_lock);
    if (rc == 0) return e;
    if (!r) return NULL;
    if (err.code == EM_ERR_NOTFOUND)
        srv_error(r, 404, "not_found", "No such entity: '%s' is in none of the active lists", id);
    else
        srv_error(r, 500, "internal", "%s", err.message);
    return NULL;
}

/* drops the entity-valued properties (nested=false; a nested entity's own) */
static void flatten(json_t *ftm) {
    json_t *props = json_object_get(ftm, "properties");
    for (size_t i = 0; ENTITY_PROPS[i]; i++)
        json_object_del(props, ENTITY_PROPS[i]);
}

/* the UnknownLink entities of e's links; their object the linked entity in full
   (flattened) when `full`, else its id */
static json_t *links_json(em_server *s, const em_entity *e, int full) {
    json_t *out = json_array();
    for (size_t i = 0; i < e->links.len; i++) {
        const em_link *l = &e->links.items[i];
        if (!l->target_id || !*l->target_id) continue;
        json_t *object = NULL;
        em_entity *t = full ? load(s, l->target_id, NULL) : NULL;
        if (t) {
            object = srv_entity_ftm(s, t, 0);
            json_object_del(object, "country_names");
            flatten(object);
            em_entity_free(t);
        } else {
            object = json_string(l->target_id);
        }
        json_t *p = json_object();
        json_object_set_new(p, "subject", json_pack("[s]", e->id));
        json_object_set_new(p, "object", json_pack("[o]", object));
        const char *role = l->relation && strcmp(l->relation, "linked_to") == 0 ? "Linked To"
                           : l->relation                                        ? l->relation
                                                                                : "";
        if (*role) json_object_set_new(p, "role", json_pack("[s]", role));
        char *id = em_xasprintf("%s-link-%s", e->id, l->target_id);
        const char *caption = l->target_name && *l->target_name ? l->target_name : l->target_id;
        json_t *ds = json_array();
        if (e->source) json_array_append_new(ds, json_string(e->source));
        json_array_append_new(out,
                              json_pack("{s:s, s:s, s:s, s:o, s:[], s:b, s:o}", "id", id, "schema",
                                        "UnknownLink", "caption", caption, "datasets", ds,
                                        "referents", "target", 0, "properties", p));
        free(id);
    }
    return out;
}

static int parse_bool(const char *v, int *out) {
    if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 ||
        strcasecmp(v, "on") == 0)
        return *out = 1, 0;
    if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
        strcasecmp(v, "off") == 0)
        return *out = 0, 0;
    return -1;
}

static void entity(em_server *s, const char *id, const srv_params *p, srv_response *r) {
    int nested = 1;
    const char *v = srv_params_get(p, "nested");
    if (v && parse_bool(v, &nested) != 0) {
        srv_invalid(r, "bool_parsing", "query/nested",
                    "Input should be a valid boolean, unable to interpret input", json_string(v));
        return;
    }
    em_entity *e = load(s, id, r);
    if (!e) return;
    json_t *out = srv_entity_ftm(s, e, 0);
    if (nested) {
        json_t *links = links_json(s, e, 1);
        if (json_array_size(links))
            json_object_set_new(json_object_get(out, "properties"), "unknownLinkSubject", links);
        else
            json_decref(links);
    } else {
        flatten(out);
    }
    json_object_set_new(out, "embargo", em_entity_to_json(e));
    em_entity_free(e);
    /* the same party on other lists, from the current snapshot */
    srv_gen *g = srv_gen_acquire(s);
    json_t *related = NULL;
    if (g) {
        char *rel = em_engine_related(g->engine, id);
        related = json_loads(rel, 0, NULL);
        free(rel);
        srv_gen_release(s, g);
    }
    json_object_set_new(out, "related", related ? related : json_array());
    srv_json(r, 200, out);
}

/* {"results", "total", "limit", "offset"} of one property's entities */
static json_t *page(json_t *values, size_t limit, size_t offset) {
    json_t *res = json_array();
    size_t n = json_array_size(values);
    for (size_t i = offset; i < n && i < offset + limit; i++)
        json_array_append(res, json_array_get(values, i));
    return json_pack("{s:o, s:{s:I, s:s}, s:I, s:I}", "results", res, "total", "value",
                     (json_int_t)n, "relation", "eq", "limit", (json_int_t)limit, "offset",
                     (json_int_t)offset);
}

static int window(const srv_params *p, size_t *limit, size_t *offset, srv_response *r) {
    const char *v;
    unsigned long n;
    *limit = ADJACENT_DEFAULT_LIMIT;
    *offset = 0;
    if ((v = srv_params_get(p, "limit"))) {
        if (srv_parse_count(v, 0, 1000000000ul, &n) != 0) {
            srv_error(r, 400, "invalid_parameter",
                      "limit must be a decimal integer between 0 and 500 (digits only)");
            return -1;
        }
        if (n > ADJACENT_MAX_LIMIT)
            return srv_invalid(r, "less_than_equal", "query/limit",
                               "Input should be less than or equal to 500", json_string(v));
        *limit = n;
    }
    if ((v = srv_params_get(p, "offset"))) {
        if (srv_parse_count(v, 0, 1000000000ul, &n) != 0) {
            srv_error(r, 400, "invalid_parameter",
                      "offset must be a decimal integer (digits only)");
            return -1;
        }
        *offset = n;
    }
    return 0;
}

static void adjacent(em_server *s, const char *id, const char *prop, const srv_params *p,
                     srv_response *r) {
    if (prop && !entity_prop(prop)) {
        srv_error(r, 404, "not_found",
                  "No such property: '%.100s' holds no entities (embargo's: sanctions, "
                  "cryptoWallets, unknownLinkSubject)",
                  srv_utf8_valid(prop, strlen(prop)) ? prop : "?");
        return;
    }
    size_t limit, offset;
    if (window(p, &limit, &offset, r) != 0) return;
    em_entity *e = load(s, id, r);
    if (!e) return;
    json_t *root = srv_entity_ftm(s, e, 0);
    json_t *props = json_object_get(root, "properties");
    json_object_set_new(props, "unknownLinkSubject", links_json(s, e, 1));
    em_entity_free(e);
    json_t *out;
    if (prop) {
        json_t *empty = json_array(), *v = json_object_get(props, prop);
        out = page(v ? v : empty, limit, offset);
        json_decref(empty);
    } else {
        json_t *adj = json_object();
        for (size_t i = 0; ENTITY_PROPS[i]; i++) {
            json_t *v = json_object_get(props, ENTITY_PROPS[i]);
            if (json_array_size(v))
                json_object_set_new(adj, ENTITY_PROPS[i], page(v, limit, offset));
        }
        out = json_object();
        json_object_set_new(out, "adjacent", adj);
    }
    if (!prop) {
        flatten(root);
        json_object_set_new(out, "entity", root);
    } else {
        json_decref(root);
    }
    srv_json(r, 200, out);
}

void srv_handle_entities(em_server *s, const char *arg, const srv_params *p, srv_response *r) {
    size_t n = arg ? strcspn(arg, "/") : 0;
    if (!n || n > 256 || !srv_utf8_valid(arg, n)) {
        srv_error(r, 404, "not_found", "No such entity: give an id such as /entities/ofac-39017");
        return;
    }
    char *id = em_xstrndup(arg, n);
    const char *rest = arg + n;
    if (!*rest) {
        entity(s, id, p, r);
    } else if (strcmp(rest, "/adjacent") == 0) {
        adjacent(s, id, NULL, p, r);
    } else if (strncmp(rest, "/adjacent/", 10) == 0 && rest[10] && !strchr(rest + 10, '/')) {
        adjacent(s, id, rest + 10, p, r);
    } else {
        srv_error(r, 404, "not_found", "no such path");
    }
    free(id);
}
