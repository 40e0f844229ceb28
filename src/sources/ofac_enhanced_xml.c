/*
 * ofac_enhanced_xml.c - the Sanctions List Service ENHANCED_XML layout.
 *
 *   sanctionsData
 *     publicationInfo/dataAsOf ("2024-08-28T00:00:00")
 *     referenceValues/referenceValue[@refId]: type value code   (resolved by refId)
 *     featureTypes/...                                         (ignored)
 *     entities/entity[@id = OFAC ent_num]
 *       generalInfo: identityId entityType title remarks
 *       sanctionsLists/sanctionsList[@datePublished]  sanctionsPrograms/sanctionsProgram
 *       names/name: isPrimary aliasType isLowQuality
 *                   translations/translation: isPrimary script[@refId] formatted*Name
 *                                             nameParts/namePart: type value
 *       addresses/address: country translations/translation/addressParts/addressPart
 *       features/feature: type value valueRefId valueDate
 *       identityDocuments/identityDocument: type documentNumber isValid issuingCountry
 *                                           issuingLocation issueDate expirationDate
 *       relationships/relationship: type relatedEntity[@entityId]
 *
 * Elements whose text is empty but that carry a refId are resolved through
 * the referenceValues, which precede the entities. Entities are handed to
 * the sink at </entity> only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "sources/ofac_common.h"
#include "sources/source.h"
#include "sources/xml.h"

#define MAX_DEPTH 64

typedef struct refval {
    long id;
    char *type, *value, *code;
} refval;

typedef struct tr_item { /* one translation of a name */
    int primary;
    char *script;
    char *f_first, *f_last, *f_full;   /* formatted*Name */
    char *p_first, *p_middle, *p_last; /* nameParts */
} tr_item;

typedef struct enh_ctx {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;

    char *refid[MAX_DEPTH]; /* refId attribute of the open element at each depth */
    EM_VEC(refval) refs;
    int refs_sorted;
    refval cur_ref;

    em_entity *e;
    long entry_line;
    char *ent_type;
    size_t n_names;
    /* name */
    int name_primary, low_quality;
    char *alias_type;
    EM_VEC(tr_item) trs;
    tr_item tr;
    char *np_type, *np_value;
    /* address */
    char *addr_country, *a1, *a2, *a3, *city, *region, *postal;
    char *part_type, *part_value;
    int addr_added;
    /* feature */
    char *f_type, *f_value, *f_value_ref;
    /* identity document */
    char *d_type, *d_number, *d_country, *d_location, *d_issue, *d_expire;
    int d_invalid;
    /* relationship */
    char *r_type, *r_target, *r_name;
} enh_ctx;

/* ---- reference values --------------------------------------------------- */

static int cmp_ref(const void *a, const void *b) {
    long x = ((const refval *)a)->id, y = ((const refval *)b)->id;
    return (x > y) - (x < y);
}

static const refval *find_ref(enh_ctx *c, const char *refid) {
    if (!refid || !*refid) return NULL;
    refval key = {.id = strtol(refid, NULL, 10)};
    if (c->refs_sorted) /* bsearch and qsort must not be given NULL, even with no items */
        return c->refs.len ? bsearch(&key, c->refs.items, c->refs.len, sizeof key, cmp_ref) : NULL;
    for (size_t i = 0; i < c->refs.len; i++)
        if (c->refs.items[i].id == key.id) return &c->refs.items[i];
    return NULL;
}

static void refval_free(refval *r) {
    free(r->type), free(r->value), free(r->code);
    memset(r, 0, sizeof *r);
}

/* The element's text, or the value its refId points to. */
static const char *val(enh_ctx *c, em_xml *x, const char *text) {
    if (text && *text) return text;
    int d = em_xml_depth(x);
    const refval *r = d > 0 && d <= MAX_DEPTH ? find_ref(c, c->refid[d - 1]) : NULL;
    return r && r->value ? r->value : "";
}

/* ---- helpers ------------------------------------------------------------ */

/* Copy of s without Unicode bidi controls (LRM, RLM, LRE..RLO, LRI..PDI), trimmed. */
static char *strip_bidi(const char *s) {
    if (!s) return NULL;
    em_buf b;
    em_buf_init(&b);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (p[0] == 0xE2 && p[1] == 0x80 &&
            (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE))) {
            p += 3;
            continue;
        }
        if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) {
            p += 3;
            continue;
        }
        em_buf_addc(&b, (char)*p++);
    }
    char *out = em_buf_detach(&b);
    if (!out) return NULL;
    em_strtrim(out);
    if (!*out) {
        free(out);
        return NULL;
    }
    return out;
}

static void set_clean(char **field, const char *text) {
    free(*field);
    *field = strip_bidi(text);
}

static void tr_clear(tr_item *t) {
    free(t->script), free(t->f_first), free(t->f_last), free(t->f_full);
    free(t->p_first), free(t->p_middle), free(t->p_last);
    memset(t, 0, sizeof *t);
}

static void clear_name(enh_ctx *c) {
    c->name_primary = c->low_quality = 0;
    em_entity_set(&c->alias_type, NULL);
    for (size_t i = 0; i < c->trs.len; i++)
        tr_clear(&c->trs.items[i]);
    c->trs.len = 0;
    tr_clear(&c->tr);
    em_entity_set(&c->np_type, NULL);
    em_entity_set(&c->np_value, NULL);
}

static void clear_address_parts(enh_ctx *c) {
    char **f[] = {&c->a1, &c->a2, &c->a3, &c->city, &c->region, &c->postal};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        em_entity_set(f[i], NULL);
}

static void clear_address(enh_ctx *c) {
    clear_address_parts(c);
    em_entity_set(&c->addr_country, NULL);
    em_entity_set(&c->part_type, NULL);
    em_entity_set(&c->part_value, NULL);
    c->addr_added = 0;
}

static void clear_feature(enh_ctx *c) {
    em_entity_set(&c->f_type, NULL);
    em_entity_set(&c->f_value, NULL);
    em_entity_set(&c->f_value_ref, NULL);
}

static void clear_doc(enh_ctx *c) {
    char **f[] = {&c->d_type,     &c->d_number, &c->d_country,
                  &c->d_location, &c->d_issue,  &c->d_expire};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        em_entity_set(f[i], NULL);
    c->d_invalid = 0;
}

static void clear_rel(enh_ctx *c) {
    em_entity_set(&c->r_type, NULL);
    em_entity_set(&c->r_target, NULL);
    em_entity_set(&c->r_name, NULL);
}

static void clear_entity(enh_ctx *c) {
    em_entity_free(c->e);
    c->e = NULL;
    em_entity_set(&c->ent_type, NULL);
    c->n_names = 0;
    clear_name(c);
    clear_address(c);
    clear_feature(c);
    clear_doc(c);
    clear_rel(c);
}

/* ---- finishing sub-records ------------------------------------------------ */

static const char *alias_kind(const char *t) {
    if (em_strcaseeq(t, "F.K.A.")) return EM_NAME_FKA;
    if (em_strcaseeq(t, "N.K.A.")) return EM_NAME_NKA;
    return EM_NAME_AKA;
}

static void add_translation(enh_ctx *c, const tr_item *t, const char *kind, const char *strength) {
    em_entity *e = c->e;
    char *built = NULL;
    const char *full = t->f_full;
    if (!full) {
        const char *last = t->f_last ? t->f_last : t->p_last;
        const char *first = t->f_first ? t->f_first : t->p_first;
        if (last && first)
            full = built = em_xasprintf("%s, %s", last, first);
        else
            full = last ? last : first;
    }
    if (!full) return;
    em_name *n = em_entity_add_name(e, full, kind, strength, t->script);
    if (n && strcmp(e->schema, EM_SCHEMA_PERSON) == 0) {
        /* formatted parts follow the "LAST, First" convention; name parts are the
           fallback (non-Latin translations put the whole name in formattedLastName) */
        if (t->f_first) { /* formattedFirstName already holds any middle name */
            em_entity_set(&n->first, t->f_first);
            em_entity_set(&n->last, t->f_last);
        } else {
            em_entity_set(&n->first, t->p_first);
            em_entity_set(&n->middle, t->p_middle);
            em_entity_set(&n->last, t->p_last ? t->p_last : t->f_last);
        }
    }
    free(built);
    c->n_names++;
}

static void finish_name(enh_ctx *c) {
    const char *kind = c->name_primary ? EM_NAME_PRIMARY : alias_kind(c->alias_type);
    const char *strength = c->name_primary ? NULL : c->low_quality ? "weak" : "strong";
    /* the primary (Latin) translation first, so the caption is the Latin name */
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < c->trs.len; i++)
            if (c->trs.items[i].primary == pass)
                add_translation(c, &c->trs.items[i], kind, strength);
    clear_name(c);
}

static void finish_address_translation(enh_ctx *c) {
    em_buf street;
    em_buf_init(&street);
    const char *parts[] = {c->a1, c->a2, c->a3};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        if (street.len) em_buf_adds(&street, ", ");
        em_buf_adds(&street, parts[i]);
    }
    if (street.len || c->city || c->region || c->postal) {
        em_entity_add_address(c->e, street.len ? em_buf_cstr(&street) : NULL, c->city, c->region,
                              c->postal, c->addr_country);
        c->addr_added = 1;
    }
    em_buf_free(&street);
    clear_address_parts(c);
}

static void finish_address_part(enh_ctx *c) {
    const char *t = c->part_type;
    char **slot = NULL;
    if (em_strcaseeq(t, "ADDRESS1"))
        slot = &c->a1;
    else if (em_strcaseeq(t, "ADDRESS2"))
        slot = &c->a2;
    else if (em_strcaseeq(t, "ADDRESS3"))
        slot = &c->a3;
    else if (em_strcaseeq(t, "CITY"))
        slot = &c->city;
    else if (em_strcaseeq(t, "STATE/PROVINCE"))
        slot = &c->region;
    else if (em_strcaseeq(t, "POSTAL CODE"))
        slot = &c->postal;
    if (slot && c->part_value) em_entity_set(slot, c->part_value);
    em_entity_set(&c->part_type, NULL);
    em_entity_set(&c->part_value, NULL);
}

static void finish_feature(enh_ctx *c) {
    em_entity *e = c->e;
    const char *label = c->f_type, *value = c->f_value;
    if (!value) {
        const refval *r = find_ref(c, c->f_value_ref);
        value = r ? r->value : NULL;
    }
    if (!label || !value) {
        clear_feature(c);
        return;
    }
    if (em_strcaseeq(label, "Birthdate"))
        em_ofac_add_birth_date(e, value);
    else if (em_strcaseeq(label, "Place of Birth"))
        em_entity_add_birth_place(e, value);
    else if (em_strcaseeq(label, "Nationality Country"))
        em_entity_add_nationality(e, value);
    else if (em_strcaseeq(label, "Citizenship Country"))
        em_entity_add_citizenship(e, value);
    else
        em_ofac_add_fact(e, label, value, NULL, NULL);
    clear_feature(c);
}

static void finish_doc(enh_ctx *c) {
    em_buf note;
    em_buf_init(&note);
    if (c->d_issue) em_buf_printf(&note, "issued %s", c->d_issue);
    if (c->d_expire) em_buf_printf(&note, "%sexpires %s", note.len ? "; " : "", c->d_expire);
    if (c->d_location) em_buf_printf(&note, "%sissued in %s", note.len ? "; " : "", c->d_location);
    if (c->d_invalid) em_buf_printf(&note, "%snot valid", note.len ? "; " : "");
    em_ofac_add_fact(c->e, c->d_type, c->d_number, c->d_country,
                     note.len ? em_buf_cstr(&note) : NULL);
    em_buf_free(&note);
    clear_doc(c);
}

static int finish_entity(enh_ctx *c, em_xml *x) {
    em_entity *e = c->e;
    if (c->n_names == 0)
        return em_xml_fail(x, "entity %s (starting at line %ld) has no name", e->source_id,
                           c->entry_line);
    em_entity_finish(e);
    c->e = NULL;
    clear_entity(c);
    return c->sink(c->sink_ctx, e, c->err);
}

/* ---- handlers -------------------------------------------------------------- */

static int is_iso15924(const char *s) {
    if (!s || strlen(s) != 4 || !isupper((unsigned char)s[0])) return 0;
    for (int i = 1; i < 4; i++)
        if (!islower((unsigned char)s[i])) return 0;
    return 1;
}

static int is(const char *a, const char *b) {
    return strcmp(a, b) == 0;
}

static int on_start(void *vctx, em_xml *x, const char *name, const char **attrs) {
    enh_ctx *c = vctx;
    int depth = em_xml_depth(x);
    if (depth <= MAX_DEPTH) em_entity_set(&c->refid[depth - 1], em_xml_attr(attrs, "refId"));
    if (depth == 1) {
        if (!is(name, "sanctionsData"))
            return em_xml_fail(x, "unexpected root element <%s>, expected <sanctionsData>", name);
        return 0;
    }
    const char *parent = em_xml_parent(x, 1);
    if (is(name, "referenceValue") && is(parent, "referenceValues")) {
        refval_free(&c->cur_ref);
        const char *id = em_xml_attr(attrs, "refId");
        if (!id || !*id) return em_xml_fail(x, "referenceValue without refId");
        c->cur_ref.id = strtol(id, NULL, 10);
        return 0;
    }
    if (is(name, "entity") && is(parent, "entities")) {
        if (c->e) return em_xml_fail(x, "nested <entity>");
        const char *id = em_xml_attr(attrs, "id");
        if (!id || !*id) return em_xml_fail(x, "entity without id attribute");
        clear_entity(c);
        c->e = em_entity_new(c->source, "ofac", id, EM_SCHEMA_LEGAL_ENTITY);
        c->entry_line = em_xml_line(x);
        return 0;
    }
    if (!c->e) return 0;
    if (is(name, "generalInfo")) {
        /* nothing */
    } else if (is(name, "name") && is(parent, "names")) {
        clear_name(c);
    } else if (is(name, "translation") && is(em_xml_parent(x, 2), "name")) {
        tr_clear(&c->tr);
    } else if (is(name, "address") && is(parent, "addresses")) {
        clear_address(c);
    } else if (is(name, "feature") && is(parent, "features")) {
        clear_feature(c);
    } else if (is(name, "identityDocument")) {
        clear_doc(c);
    } else if (is(name, "relationship")) {
        clear_rel(c);
    } else if (is(name, "relatedEntity")) {
        em_entity_set(&c->r_target, em_xml_attr(attrs, "entityId"));
    } else if (is(name, "sanctionsList") && is(parent, "sanctionsLists")) {
        const char *d = em_xml_attr(attrs, "datePublished");
        if (d && *d && (!c->e->listed_on || strcmp(d, c->e->listed_on) < 0))
            em_entity_set(&c->e->listed_on, d);
    }
    return 0;
}

static int end_reference(enh_ctx *c, const char *name, const char *parent, const char *text) {
    if (is(parent, "referenceValue")) {
        if (is(name, "type"))
            em_entity_set(&c->cur_ref.type, text);
        else if (is(name, "value"))
            em_entity_set(&c->cur_ref.value, text);
        else if (is(name, "code"))
            em_entity_set(&c->cur_ref.code, text);
    } else if (is(name, "referenceValue")) {
        em_vec_push(c->refs, c->cur_ref);
        memset(&c->cur_ref, 0, sizeof c->cur_ref);
    } else if (is(name, "referenceValues")) {
        if (c->refs.len) qsort(c->refs.items, c->refs.len, sizeof *c->refs.items, cmp_ref);
        c->refs_sorted = 1;
    }
    return 0;
}

static int on_end(void *vctx, em_xml *x, const char *name, const char *text) {
    enh_ctx *c = vctx;
    const char *parent = em_xml_parent(x, 1);
    if (!c->e) {
        if (is(parent, "publicationInfo") && is(name, "dataAsOf")) {
            if (*text && em_ofac_iso_date(text, c->meta->published, sizeof c->meta->published))
                return em_xml_fail(x, "unreadable dataAsOf \"%s\"", text);
            return 0;
        }
        return end_reference(c, name, parent, text);
    }
    em_entity *e = c->e;
    if (is(name, "entity") && is(parent, "entities")) return finish_entity(c, x);

    const char *gp = em_xml_parent(x, 2);
    if (is(parent, "generalInfo")) {
        if (is(name, "entityType")) {
            em_entity_set(&e->schema, em_ofac_schema(val(c, x, text)));
        } else if (is(name, "title")) {
            em_entity_add_prop(e, "title", text);
        } else if (is(name, "remarks")) {
            em_entity_set(&e->remarks, text);
        }
    } else if (is(parent, "sanctionsPrograms") && is(name, "sanctionsProgram")) {
        em_entity_add_program(e, val(c, x, text));
    } else if (is(parent, "sanctionsLists") && is(name, "sanctionsList")) {
        em_entity_add_prop(e, "sanctions_list", val(c, x, text));
    } else if (is(parent, "name") && is(gp, "names")) {
        if (is(name, "isPrimary"))
            c->name_primary = is(text, "true");
        else if (is(name, "isLowQuality"))
            c->low_quality = is(text, "true");
        else if (is(name, "aliasType"))
            em_entity_set(&c->alias_type, val(c, x, text));
    } else if (is(name, "name") && is(parent, "names")) {
        finish_name(c);
    } else if (is(parent, "translation") && is(em_xml_parent(x, 3), "name")) {
        tr_item *t = &c->tr;
        if (is(name, "isPrimary")) {
            t->primary = is(text, "true");
        } else if (is(name, "script")) {
            int d = em_xml_depth(x);
            const refval *r = d <= MAX_DEPTH ? find_ref(c, c->refid[d - 1]) : NULL;
            /* an ISO 15924 code ("Arab", "Cyrl", "Hant"); the files say "Latin" for
               Latin, so anything else is left to em_guess_script */
            em_entity_set(&t->script, r && is_iso15924(r->code) ? r->code : NULL);
        } else if (is(name, "formattedFirstName")) {
            set_clean(&t->f_first, text);
        } else if (is(name, "formattedLastName")) {
            set_clean(&t->f_last, text);
        } else if (is(name, "formattedFullName")) {
            set_clean(&t->f_full, text);
        }
    } else if (is(parent, "namePart")) {
        if (is(name, "type"))
            em_entity_set(&c->np_type, val(c, x, text));
        else if (is(name, "value"))
            set_clean(&c->np_value, text);
    } else if (is(name, "namePart")) {
        if (em_strcaseeq(c->np_type, "First Name"))
            em_entity_set(&c->tr.p_first, c->np_value);
        else if (em_strcaseeq(c->np_type, "Middle Name"))
            em_entity_set(&c->tr.p_middle, c->np_value);
        else if (em_strcaseeq(c->np_type, "Last Name"))
            em_entity_set(&c->tr.p_last, c->np_value);
        em_entity_set(&c->np_type, NULL);
        em_entity_set(&c->np_value, NULL);
    } else if (is(name, "translation") && is(em_xml_parent(x, 2), "name")) {
        em_vec_push(c->trs, c->tr);
        memset(&c->tr, 0, sizeof c->tr);
    } else if (is(parent, "address") && is(gp, "addresses")) {
        if (is(name, "country")) em_entity_set(&c->addr_country, val(c, x, text));
    } else if (is(parent, "addressPart")) {
        if (is(name, "type"))
            em_entity_set(&c->part_type, val(c, x, text));
        else if (is(name, "value"))
            em_entity_set(&c->part_value, text);
    } else if (is(name, "addressPart")) {
        finish_address_part(c);
    } else if (is(name, "translation") && is(em_xml_parent(x, 2), "address")) {
        finish_address_translation(c);
    } else if (is(name, "address") && is(parent, "addresses")) {
        if (!c->addr_added) em_entity_add_address(e, NULL, NULL, NULL, NULL, c->addr_country);
        clear_address(c);
    } else if (is(parent, "feature")) {
        if (is(name, "type"))
            em_entity_set(&c->f_type, val(c, x, text));
        else if (is(name, "value"))
            em_entity_set(&c->f_value, text);
        else if (is(name, "valueRefId"))
            em_entity_set(&c->f_value_ref, text);
    } else if (is(name, "feature") && is(parent, "features")) {
        finish_feature(c);
    } else if (is(parent, "identityDocument")) {
        if (is(name, "type"))
            em_entity_set(&c->d_type, val(c, x, text));
        else if (is(name, "documentNumber"))
            em_entity_set(&c->d_number, text);
        else if (is(name, "issuingCountry"))
            em_entity_set(&c->d_country, val(c, x, text));
        else if (is(name, "issuingLocation"))
            em_entity_set(&c->d_location, text);
        else if (is(name, "isValid"))
            c->d_invalid = is(text, "false");
    } else if (is(name, "fromDateBegin") && is(gp, "identityDocument")) {
        if (is(parent, "issueDate"))
            em_entity_set(&c->d_issue, text);
        else if (is(parent, "expirationDate"))
            em_entity_set(&c->d_expire, text);
    } else if (is(name, "identityDocument")) {
        finish_doc(c);
    } else if (is(parent, "relationship")) {
        if (is(name, "type"))
            em_entity_set(&c->r_type, val(c, x, text));
        else if (is(name, "relatedEntity"))
            em_entity_set(&c->r_name, text);
    } else if (is(name, "relationship")) {
        char *target = c->r_target ? em_xasprintf("ofac-%s", c->r_target) : NULL;
        em_entity_add_link(e, c->r_type, target, c->r_name);
        free(target);
        clear_rel(c);
    }
    return 0;
}

int em_parse_ofac_enhanced_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                               em_parse_meta *meta, em_error *err) {
    em_parse_meta dummy;
    meta = em_parse_meta_begin(meta, &dummy, "ofac-enhanced-xml");
    enh_ctx c;
    memset(&c, 0, sizeof c);
    c.source = source;
    c.sink = sink;
    c.sink_ctx = ctx;
    c.meta = meta;
    c.err = err;
    em_xml_handlers h = {on_start, on_end};
    int rc = em_xml_parse(path, &h, &c, err);
    clear_entity(&c);
    free(c.trs.items);
    for (size_t i = 0; i < c.refs.len; i++)
        refval_free(&c.refs.items[i]);
    free(c.refs.items);
    refval_free(&c.cur_ref);
    for (int i = 0; i < MAX_DEPTH; i++)
        free(c.refid[i]);
    return rc;
}
