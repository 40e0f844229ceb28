/*
 * ofac_sdn_xml.c - the OFAC <sdnList> XML layout (SDN.XML, CONSOLIDATED.XML),
 * old treasury.gov (http://tempuri.org/sdnList.xsd) and new Sanctions List
 * Service namespaces alike: the xml layer strips namespaces.
 *
 *   sdnList
 *     publshInformation/Publish_Date (MM/DD/YYYY), Record_Count
 *     sdnEntry*: uid firstName lastName title sdnType remarks programList/program
 *                idList/id akaList/aka addressList/address
 *                dateOfBirthList/dateOfBirthItem placeOfBirthList/placeOfBirthItem
 *                nationalityList/nationality citizenshipList/citizenship vesselInfo
 *
 * Entities are handed to the sink at </sdnEntry> only, so a truncated file
 * never yields a half-read entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "sources/ofac_common.h"
#include "sources/source.h"
#include "sources/xml.h"

typedef struct aka_item {
    char *type, *category, *first, *last;
} aka_item;

typedef struct sdn_ctx {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;

    em_entity *e; /* the sdnEntry being read, NULL outside one */
    long entry_line;
    char *uid, *first, *last, *type;
    aka_item cur_aka;
    EM_VEC(aka_item) akas;
    /* current id */
    char *id_type, *id_number, *id_country, *id_issue, *id_expire;
    /* current address */
    char *a1, *a2, *a3, *city, *region, *postal, *country;
} sdn_ctx;

static void aka_clear(aka_item *a) {
    free(a->type), free(a->category), free(a->first), free(a->last);
    memset(a, 0, sizeof *a);
}

static void clear_id(sdn_ctx *c) {
    em_entity_set(&c->id_type, NULL);
    em_entity_set(&c->id_number, NULL);
    em_entity_set(&c->id_country, NULL);
    em_entity_set(&c->id_issue, NULL);
    em_entity_set(&c->id_expire, NULL);
}

static void clear_address(sdn_ctx *c) {
    char **f[] = {&c->a1, &c->a2, &c->a3, &c->city, &c->region, &c->postal, &c->country};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        em_entity_set(f[i], NULL);
}

static void clear_entry(sdn_ctx *c) {
    em_entity_free(c->e);
    c->e = NULL;
    em_entity_set(&c->uid, NULL);
    em_entity_set(&c->first, NULL);
    em_entity_set(&c->last, NULL);
    em_entity_set(&c->type, NULL);
    aka_clear(&c->cur_aka);
    for (size_t i = 0; i < c->akas.len; i++)
        aka_clear(&c->akas.items[i]);
    c->akas.len = 0;
    clear_id(c);
    clear_address(c);
}

static const char *name_kind(const char *type) {
    if (em_strcaseeq(type, "f.k.a.")) return EM_NAME_FKA;
    if (em_strcaseeq(type, "n.k.a.")) return EM_NAME_NKA;
    return EM_NAME_AKA;
}

static const char *strength(const char *category) {
    if (em_strcaseeq(category, "strong")) return "strong";
    if (em_strcaseeq(category, "weak")) return "weak";
    return NULL;
}

/* "LAST, First" (the legacy CSV convention), or the one part given. */
static void add_name(em_entity *e, int person, const char *last, const char *first,
                     const char *kind, const char *strength) {
    char *full;
    if (last && first)
        full = em_xasprintf("%s, %s", last, first);
    else if (last || first)
        full = em_xstrdup(last ? last : first);
    else
        return;
    em_name *n = em_entity_add_name(e, full, kind, strength, NULL);
    /* weak akas sometimes carry the whole "ZAHAR, Mahmoud" in lastName: no parts then */
    if (n && person && (first || (last && !strchr(last, ',')))) {
        em_entity_set(&n->last, last);
        em_entity_set(&n->first, first);
    }
    free(full);
}

static int finish_entry(sdn_ctx *c, em_xml *x) {
    if (!c->uid) return em_xml_fail(x, "sdnEntry starting at line %ld has no uid", c->entry_line);
    if (!c->last)
        return em_xml_fail(x, "sdnEntry %s (starting at line %ld) has no lastName", c->uid,
                           c->entry_line);
    em_entity *e = c->e;
    const char *schema = em_ofac_schema(c->type);
    int person = strcmp(schema, EM_SCHEMA_PERSON) == 0;
    em_entity_set(&e->schema, schema);
    em_entity_set(&e->source_id, c->uid);
    free(e->id);
    e->id = em_xasprintf("ofac-%s", c->uid);
    add_name(e, person, c->last, c->first, EM_NAME_PRIMARY, NULL);
    for (size_t i = 0; i < c->akas.len; i++) {
        aka_item *a = &c->akas.items[i];
        add_name(e, person, a->last, a->first, name_kind(a->type), strength(a->category));
    }
    em_entity_finish(e);
    c->e = NULL;
    clear_entry(c);
    return c->sink(c->sink_ctx, e, c->err);
}

static void finish_id(sdn_ctx *c) {
    char *note = NULL;
    if (c->id_issue && c->id_expire)
        note = em_xasprintf("issued %s; expires %s", c->id_issue, c->id_expire);
    else if (c->id_issue)
        note = em_xasprintf("issued %s", c->id_issue);
    else if (c->id_expire)
        note = em_xasprintf("expires %s", c->id_expire);
    em_ofac_add_fact(c->e, c->id_type, c->id_number, c->id_country, note);
    free(note);
    clear_id(c);
}

static void finish_address(sdn_ctx *c) {
    em_buf street;
    em_buf_init(&street);
    const char *parts[] = {c->a1, c->a2, c->a3};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        if (street.len) em_buf_adds(&street, ", ");
        em_buf_adds(&street, parts[i]);
    }
    em_entity_add_address(c->e, street.len ? em_buf_cstr(&street) : NULL, c->city, c->region,
                          c->postal, c->country);
    em_buf_free(&street);
    clear_address(c);
}

static int on_start(void *vctx, em_xml *x, const char *name, const char **attrs) {
    (void)attrs;
    sdn_ctx *c = vctx;
    int depth = em_xml_depth(x);
    if (depth == 1) {
        if (strcmp(name, "sdnList") != 0)
            return em_xml_fail(x, "unexpected root element <%s>, expected <sdnList>", name);
        return 0;
    }
    if (strcmp(name, "sdnEntry") == 0) {
        if (depth != 2 || c->e) return em_xml_fail(x, "<sdnEntry> not directly inside <sdnList>");
        clear_entry(c);
        c->e = em_entity_new(c->source, "ofac", "", EM_SCHEMA_LEGAL_ENTITY);
        c->entry_line = em_xml_line(x);
        return 0;
    }
    if (!c->e) return 0;
    if (strcmp(name, "aka") == 0)
        aka_clear(&c->cur_aka);
    else if (strcmp(name, "id") == 0)
        clear_id(c);
    else if (strcmp(name, "address") == 0)
        clear_address(c);
    return 0;
}

static int on_end(void *vctx, em_xml *x, const char *name, const char *text) {
    sdn_ctx *c = vctx;
    const char *parent = em_xml_parent(x, 1);
    if (strcmp(parent, "publshInformation") == 0) {
        if (strcmp(name, "Publish_Date") == 0 && *text &&
            em_ofac_iso_date(text, c->meta->published, sizeof c->meta->published) != 0)
            return em_xml_fail(x, "unreadable Publish_Date \"%s\"", text);
        if (strcmp(name, "Record_Count") == 0 && *text) {
            char *end = NULL;
            long n = strtol(text, &end, 10);
            if (*end || n < 0) return em_xml_fail(x, "unreadable Record_Count \"%s\"", text);
            c->meta->declared = n;
        }
        return 0;
    }
    if (!c->e) return 0;
    em_entity *e = c->e;
    if (strcmp(name, "sdnEntry") == 0) return finish_entry(c, x);

    if (strcmp(parent, "sdnEntry") == 0) {
        if (strcmp(name, "uid") == 0)
            em_entity_set(&c->uid, text);
        else if (strcmp(name, "firstName") == 0)
            em_entity_set(&c->first, text);
        else if (strcmp(name, "lastName") == 0)
            em_entity_set(&c->last, text);
        else if (strcmp(name, "sdnType") == 0)
            em_entity_set(&c->type, text);
        else if (strcmp(name, "title") == 0)
            em_entity_add_prop(e, "title", text);
        else if (strcmp(name, "remarks") == 0)
            em_entity_set(&e->remarks, text);
    } else if (strcmp(parent, "programList") == 0) {
        if (strcmp(name, "program") == 0) em_entity_add_program(e, text);
    } else if (strcmp(parent, "aka") == 0) {
        aka_item *a = &c->cur_aka;
        if (strcmp(name, "type") == 0)
            em_entity_set(&a->type, text);
        else if (strcmp(name, "category") == 0)
            em_entity_set(&a->category, text);
        else if (strcmp(name, "firstName") == 0)
            em_entity_set(&a->first, text);
        else if (strcmp(name, "lastName") == 0)
            em_entity_set(&a->last, text);
    } else if (strcmp(name, "aka") == 0) {
        em_vec_push(c->akas, c->cur_aka);
        memset(&c->cur_aka, 0, sizeof c->cur_aka);
    } else if (strcmp(parent, "id") == 0) {
        if (strcmp(name, "idType") == 0)
            em_entity_set(&c->id_type, text);
        else if (strcmp(name, "idNumber") == 0)
            em_entity_set(&c->id_number, text);
        else if (strcmp(name, "idCountry") == 0)
            em_entity_set(&c->id_country, text);
        else if (strcmp(name, "issueDate") == 0)
            em_entity_set(&c->id_issue, text);
        else if (strcmp(name, "expirationDate") == 0)
            em_entity_set(&c->id_expire, text);
    } else if (strcmp(name, "id") == 0 && strcmp(parent, "idList") == 0) {
        finish_id(c);
    } else if (strcmp(parent, "address") == 0) {
        if (strcmp(name, "address1") == 0)
            em_entity_set(&c->a1, text);
        else if (strcmp(name, "address2") == 0)
            em_entity_set(&c->a2, text);
        else if (strcmp(name, "address3") == 0)
            em_entity_set(&c->a3, text);
        else if (strcmp(name, "city") == 0)
            em_entity_set(&c->city, text);
        else if (strcmp(name, "stateOrProvince") == 0)
            em_entity_set(&c->region, text);
        else if (strcmp(name, "postalCode") == 0)
            em_entity_set(&c->postal, text);
        else if (strcmp(name, "country") == 0)
            em_entity_set(&c->country, text);
    } else if (strcmp(name, "address") == 0 && strcmp(parent, "addressList") == 0) {
        finish_address(c);
    } else if (strcmp(parent, "dateOfBirthItem") == 0) {
        if (strcmp(name, "dateOfBirth") == 0) em_ofac_add_birth_date(e, text);
    } else if (strcmp(parent, "placeOfBirthItem") == 0) {
        if (strcmp(name, "placeOfBirth") == 0) em_entity_add_birth_place(e, text);
    } else if (strcmp(parent, "nationality") == 0) {
        if (strcmp(name, "country") == 0) em_entity_add_nationality(e, text);
    } else if (strcmp(parent, "citizenship") == 0) {
        if (strcmp(name, "country") == 0) em_entity_add_citizenship(e, text);
    } else if (strcmp(parent, "vesselInfo") == 0) {
        if (strcmp(name, "callSign") == 0)
            em_entity_add_identifier(e, EM_ID_CALL_SIGN, text, NULL, "Call Sign");
        else if (strcmp(name, "vesselType") == 0)
            em_entity_add_prop(e, "vessel_type", text);
        else if (strcmp(name, "vesselFlag") == 0)
            em_entity_add_prop(e, "vessel_flag", text);
        else if (strcmp(name, "vesselOwner") == 0)
            em_entity_add_prop(e, "vessel_owner", text);
        else if (strcmp(name, "tonnage") == 0)
            em_entity_add_prop(e, "tonnage", text);
        else if (strcmp(name, "grossRegisteredTonnage") == 0)
            em_entity_add_prop(e, "gross_registered_tonnage", text);
    }
    return 0;
}

int em_parse_ofac_sdn_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                          em_parse_meta *meta, em_error *err) {
    em_parse_meta dummy;
    meta = em_parse_meta_begin(meta, &dummy, "ofac-xml");
    sdn_ctx c;
    memset(&c, 0, sizeof c);
    c.source = source;
    c.sink = sink;
    c.sink_ctx = ctx;
    c.meta = meta;
    c.err = err;
    em_xml_handlers h = {on_start, on_end};
    int rc = em_xml_parse(path, &h, &c, err);
    clear_entry(&c);
    free(c.akas.items);
    return rc;
}
