/*
 * ofac_advanced_xml.c - the OFAC "advanced" sanctions data model
 * (SDN_ADVANCED.XML / CONS_ADVANCED.XML, root <Sanctions>).
 *
 * The file is a normalised database dump, in this order:
 *   DateOfIssue, ReferenceValueSets (id -> text lookups), Locations,
 *   IDRegDocuments, DistinctParties, ProfileRelationships, SanctionsEntries.
 * Reference values and locations are kept in maps (em_hmap). Documents, relationships
 * and sanctions entries refer to parties by IdentityID / ProfileID, and the
 * last two come AFTER the parties, so every parsed party is kept in memory
 * until </Sanctions> and only then handed to the sink, in file order. Memory
 * is therefore bounded by the size of the file (a few tens of MB for the full
 * SDN list), and a truncated or invalid file never emits anything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/hmap.h"
#include "sources/source.h"
#include "sources/xml.h"

/* ---- parsed pieces ------------------------------------------------------------------------- */

typedef struct loc {
    char *street, *city, *region, *postal, *country, *other;
} loc;

static void loc_free(void *p) {
    loc *l = p;
    if (!l) return;
    free(l->street);
    free(l->city);
    free(l->region);
    free(l->postal);
    free(l->country);
    free(l->other);
    free(l);
}

typedef struct dpoint {
    int y, m, d; /* y == 0: not given */
} dpoint;

typedef struct dperiod {
    dpoint p[2][2]; /* [Start/End][From/To]; a single Date goes in p[0][0] */
    int approx;
} dperiod;

typedef struct npart {
    char *group, *value;
    const char *script; /* Script text from the reference values */
    const char *script_code;
} npart;

typedef struct docname {
    const char *alias_type;
    int primary, low;
    EM_VEC(npart) parts;
} docname;

typedef struct regdoc {
    char *identity, *number;
    const char *type, *country;
    em_buf note;
} regdoc;

typedef struct parser {
    const char *source;
    em_sink_fn sink;
    void *sink_ctx;
    em_parse_meta *meta;
    em_error *err;
    em_hmap refs;       /* "<Set>:<ID>" -> char* text */
    em_hmap locs;       /* Location ID -> loc* */
    em_hmap profiles;   /* Profile ID -> em_entity* (owned by `parties`) */
    em_hmap identities; /* Identity ID -> em_entity* (owned by `parties`) */
    em_entity_list parties;
    EM_VEC(regdoc *) docs;

    /* reference value being read */
    char *ref_set, *ref_id, *ref_extra;
    /* location being read */
    loc *cur_loc;
    char *cur_loc_id;
    const char *cur_part_type;
    int cur_part_primary, cur_loc_parts, cur_loc_unknown_parts;
    /* document being read */
    regdoc *cur_doc;
    const char *cur_doc_date_type;
    dperiod doc_date;
    /* party being read */
    char *pending_remarks;
    em_entity *cur; /* current profile's entity (owned by `parties`) */
    const char *party_type;
    EM_VEC(docname) names; /* DocumentedNames of the current identity */
    em_hmap groups;        /* NamePartGroup ID -> NamePartType text (borrowed) */
    docname *cur_name;
    const char *alias_type;
    int alias_primary, alias_low;
    /* feature being read */
    const char *feat_type;
    char *feat_text;
    const char *feat_ref;
    const loc *feat_loc;
    dperiod feat_date;
    int feat_has_date;
    /* sanctions entry being read */
    em_entity *entry;
    const char *measure_type;
    const char *event_type;
    dperiod event_date;
    dperiod issue_date;
    dperiod *cur_period;
    int boundary, point; /* indices into dperiod.p while reading a date */
} parser;

/* ---- small helpers ------------------------------------------------------------------------- */

static int is(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

static void set_str(char **field, const char *v) {
    free(*field);
    *field = em_str_empty(v) ? NULL : em_xstrdup(v);
}

static void append(char **field, const char *v, const char *sep) {
    if (em_str_empty(v)) return;
    if (!*field) {
        *field = em_xstrdup(v);
        return;
    }
    char *s = em_xasprintf("%s%s%s", *field, sep, v);
    free(*field);
    *field = s;
}

static const char *ref_get(parser *p, const char *set, const char *id) {
    char key[256];
    snprintf(key, sizeof key, "%s:%s", set, id ? id : "");
    return em_hmap_get(&p->refs, key);
}

/* Looks up attribute `attr` of `elem` in reference set `set`. Missing attribute: NULL (or an
 * error when required); unknown id: always an error. Returns 0 or -1. */
static int ref_attr(parser *p, em_xml *x, const char **attrs, const char *elem, const char *attr,
                    const char *set, int required, const char **out) {
    const char *id = em_xml_attr(attrs, attr);
    *out = NULL;
    if (em_str_empty(id)) {
        if (required) return em_xml_fail(x, "<%s> without %s", elem, attr);
        return 0;
    }
    *out = ref_get(p, set, id);
    if (!*out) return em_xml_fail(x, "<%s> refers to unknown %s %s", elem, attr, id);
    return 0;
}

static void date_iso(const dpoint *d, char *out, size_t n) {
    if (!d->y)
        *out = 0;
    else if (!d->m)
        snprintf(out, n, "%04d", d->y);
    else if (!d->d)
        snprintf(out, n, "%04d-%02d", d->y, d->m);
    else
        snprintf(out, n, "%04d-%02d-%02d", d->y, d->m, d->d);
}

static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

/*
 * Reduces a DatePeriod to ISO from/to as precise as it really is: a single day, a whole month
 * ("1962-05"), whole years ("1962", or "1960".."1961"), else the two days. Returns 0 when empty.
 */
static int period_range(const dperiod *dp, char *from, char *to, size_t n) {
    dpoint s = dp->p[0][0].y ? dp->p[0][0] : dp->p[0][1];
    dpoint e = dp->p[1][1].y ? dp->p[1][1] : dp->p[1][0];
    if (!s.y) s = e;
    if (!e.y) e = s;
    *from = *to = 0;
    if (!s.y) return 0;
    if (s.y == e.y && s.m == e.m && s.d == e.d) {
        date_iso(&s, from, n);
        snprintf(to, n, "%s", from);
    } else if (s.m == 1 && s.d == 1 && e.m == 12 && e.d == 31) {
        snprintf(from, n, "%04d", s.y);
        snprintf(to, n, "%04d", e.y);
    } else if (s.y == e.y && s.m == e.m && s.d == 1 && e.d == days_in_month(e.y, e.m)) {
        snprintf(from, n, "%04d-%02d", s.y, s.m);
        snprintf(to, n, "%s", from);
    } else {
        date_iso(&s, from, n);
        date_iso(&e, to, n);
    }
    return 1;
}

/* "1962", "1960 to 1961", "circa 1962" */
static char *period_text(const dperiod *dp, const char *from, const char *to) {
    return em_xasprintf("%s%s%s%s", dp->approx ? "circa " : "", from,
                        strcmp(from, to) ? " to " : "", strcmp(from, to) ? to : "");
}

static char *snake_case(const char *s) {
    em_buf b;
    em_buf_init(&b);
    int sep = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            if (sep && b.len) em_buf_addc(&b, '_');
            em_buf_addc(&b, (char)c);
            sep = 0;
        } else if (c >= 'A' && c <= 'Z') {
            if (sep && b.len) em_buf_addc(&b, '_');
            em_buf_addc(&b, (char)(c - 'A' + 'a'));
            sep = 0;
        } else {
            sep = 1;
        }
    }
    return em_buf_detach(&b);
}

static const char *script_iso(const npart *np) {
    const char *t = np->script;
    if (!t) return NULL;
    if (is(t, "Latin")) return "Latn";
    if (is(t, "Arabic")) return "Arab";
    if (is(t, "Cyrillic")) return "Cyrl";
    if (em_starts_with_ci(t, "Chinese")) return "Hani";
    if (is(t, "Korean")) return "Kore";
    if (is(t, "Japanese")) return "Jpan";
    if (is(t, "Greek")) return "Grek";
    if (is(t, "Hebrew")) return "Hebr";
    if (np->script_code && strlen(np->script_code) == 4) return np->script_code;
    return NULL; /* em_entity_add_name guesses from the text */
}

/* ---- building names ------------------------------------------------------------------------ */

static void docname_free(docname *d) {
    for (size_t i = 0; i < d->parts.len; i++) {
        free(d->parts.items[i].group);
        free(d->parts.items[i].value);
    }
    free(d->parts.items);
}

static void names_reset(parser *p) {
    for (size_t i = 0; i < p->names.len; i++)
        docname_free(&p->names.items[i]);
    p->names.len = 0;
    p->cur_name = NULL;
    em_hmap_free(&p->groups, NULL);
}

static const char *alias_kind(const char *alias_type) {
    if (is(alias_type, "F.K.A.")) return EM_NAME_FKA;
    if (is(alias_type, "N.K.A.")) return EM_NAME_NKA;
    return EM_NAME_AKA;
}

/* Turns the DocumentedNames of the identity just read into names of the current entity. */
static void flush_names(parser *p) {
    em_entity *e = p->cur;
    int person = is(e->schema, EM_SCHEMA_PERSON);
    int primary_done = 0;
    for (size_t i = 0; i < p->names.len; i++) {
        docname *d = &p->names.items[i];
        char *last = NULL, *first = NULL, *middle = NULL, *other = NULL;
        const char *script = NULL;
        int latin = 1;
        for (size_t k = 0; k < d->parts.len; k++) {
            npart *np = &d->parts.items[k];
            const char *type = em_hmap_get(&p->groups, np->group);
            if (k == 0) {
                script = script_iso(np);
                latin = !np->script || is(script, "Latn");
            }
            if (!person)
                append(&other, np->value, " ");
            else if (is(type, "Last Name"))
                append(&last, np->value, " ");
            else if (is(type, "First Name"))
                append(&first, np->value, " ");
            else if (is(type, "Middle Name") || is(type, "Patronymic") || is(type, "Matronymic"))
                append(&middle, np->value, " ");
            else
                append(&other, np->value, " ");
        }
        char *given = NULL, *full = NULL;
        append(&given, first, " ");
        append(&given, middle, " ");
        append(&given, other, " ");
        if (last && given)
            full = em_xasprintf("%s, %s", last, given);
        else
            full = em_xstrdup(last ? last : given ? given : "");
        const char *kind = alias_kind(d->alias_type);
        if (d->primary && latin && !primary_done) {
            kind = EM_NAME_PRIMARY;
            primary_done = 1;
        }
        em_name *n = em_entity_add_name(e, full, kind, d->low ? "weak" : "strong", script);
        if (n && person) {
            em_entity_set(&n->last, last);
            em_entity_set(&n->first, first);
            em_entity_set(&n->middle, middle);
        }
        free(last);
        free(first);
        free(middle);
        free(other);
        free(given);
        free(full);
    }
    names_reset(p);
}

/* ---- features ------------------------------------------------------------------------------ */

static char *loc_text(const loc *l) {
    char *s = NULL;
    append(&s, l->street, ", ");
    append(&s, l->city, ", ");
    append(&s, l->region, ", ");
    append(&s, l->postal, ", ");
    append(&s, l->country, ", ");
    return s;
}

static void feature_reset(parser *p) {
    free(p->feat_text);
    p->feat_text = NULL;
    p->feat_ref = NULL;
    p->feat_loc = NULL;
    p->feat_has_date = 0;
    memset(&p->feat_date, 0, sizeof p->feat_date);
}

static void add_id(em_entity *e, const char *type, const char *value, const char *label) {
    em_entity_add_identifier(e, type, value, NULL, label);
}

/* Applies one FeatureVersion of the current feature to the current entity. */
static void apply_feature(parser *p) {
    em_entity *e = p->cur;
    const char *t = p->feat_type;
    if (!e || !t) return;
    const loc *l = p->feat_loc;
    char from[16], to[16];
    int has_date = p->feat_has_date && period_range(&p->feat_date, from, to, sizeof from);
    /* the feature's value as text, whatever form it takes */
    char *value = NULL;
    const char *country = NULL;
    if (!em_str_empty(p->feat_text))
        value = em_xstrdup(p->feat_text);
    else if (p->feat_ref)
        value = em_xstrdup(p->feat_ref);
    else if (l)
        value = loc_text(l);
    else if (has_date)
        value = period_text(&p->feat_date, from, to);
    if (l) country = l->country;
    if (!country) country = value;

    if (is(t, "Birthdate")) {
        if (has_date) {
            char *text = period_text(&p->feat_date, from, to);
            em_entity_add_birth_date(e, text, from, to, p->feat_date.approx);
            free(text);
        } else if (value) {
            em_entity_add_birth_date(e, value, NULL, NULL, 0);
        }
    } else if (is(t, "Place of Birth")) {
        em_entity_add_birth_place(e, value);
    } else if (is(t, "Nationality Country")) {
        em_entity_add_nationality(e, country);
    } else if (is(t, "Citizenship Country")) {
        em_entity_add_citizenship(e, country);
    } else if (is(t, "Gender")) {
        if (em_strcaseeq(value ? value : "", "male"))
            em_entity_set(&e->gender, "male");
        else if (em_strcaseeq(value ? value : "", "female"))
            em_entity_set(&e->gender, "female");
    } else if (is(t, "Location")) {
        if (l) em_entity_add_address(e, l->street, l->city, l->region, l->postal, l->country);
    } else if (is(t, "Vessel Call Sign")) {
        add_id(e, EM_ID_CALL_SIGN, value, t);
    } else if (em_starts_with_ci(t, "Digital Currency Address")) {
        em_identifier *d = em_entity_add_identifier(e, EM_ID_CRYPTO, value, NULL, t);
        const char *dash = strstr(t, " - ");
        if (d && dash && dash[3]) em_entity_set(&d->currency, dash + 3);
    } else if (is(t, "Email Address")) {
        add_id(e, EM_ID_EMAIL, value, t);
    } else if (is(t, "Website")) {
        add_id(e, EM_ID_WEBSITE, value, t);
    } else if (is(t, "Phone Number")) {
        add_id(e, EM_ID_PHONE, value, t);
    } else if (is(t, "SWIFT/BIC")) {
        add_id(e, EM_ID_BIC, value, t);
    } else if (is(t, "Vessel Flag")) {
        em_entity_add_prop(e, "vessel_flag", country);
    } else if (is(t, "Organization Established Date")) {
        em_entity_add_prop(e, "incorporation_date", has_date ? from : value);
    } else if (em_starts_with_ci(t, "Additional Sanctions Information")) {
        em_entity_add_prop(e, "sanctions_info", value);
    } else {
        char *key = snake_case(t);
        em_entity_add_prop(e, key, value);
        free(key);
    }
    free(value);
}

/* ---- identification documents -------------------------------------------------------------- */

static void regdoc_free(regdoc *d) {
    if (!d) return;
    free(d->identity);
    free(d->number);
    em_buf_free(&d->note);
    free(d);
}

static const char *doc_id_type(const char *t) {
    if (!t) return EM_ID_OTHER;
    if (strstr(t, "Passport")) return EM_ID_PASSPORT;
    if (em_starts_with_ci(t, "National ID")) return EM_ID_NATIONAL;
    if (em_starts_with_ci(t, "Tax ID") || is(t, "V.A.T. Number")) return EM_ID_TAX;
    if (is(t, "Vessel Registration Identification")) return EM_ID_IMO;
    if (is(t, "MMSI")) return EM_ID_MMSI;
    if (is(t, "SWIFT/BIC")) return EM_ID_BIC;
    if (strstr(t, "Registration") || strstr(t, "Registry") || is(t, "Company Number"))
        return EM_ID_REGISTRATION;
    return EM_ID_OTHER;
}

static void attach_doc(parser *p, const regdoc *d) {
    em_entity *e = em_hmap_get(&p->identities, d->identity);
    if (!e || em_str_empty(d->number)) return;
    const char *type = doc_id_type(d->type);
    const char *value = d->number;
    if (is(type, EM_ID_IMO) && em_starts_with_ci(value, "IMO")) {
        value += 3;
        while (*value == ' ')
            value++;
    }
    em_identifier *id = em_entity_add_identifier(e, type, value, d->country, d->type);
    if (id && d->note.len) em_entity_set(&id->note, d->note.data);
}

/* ---- the handlers -------------------------------------------------------------------------- */

static int on_start(void *ctx, em_xml *x, const char *name, const char **attrs) {
    parser *p = ctx;
    int depth = em_xml_depth(x);
    const char *parent = em_xml_parent(x, 1);

    if (depth == 1) {
        if (!is(name, "Sanctions"))
            return em_xml_fail(x, "root element is <%s>, expected <Sanctions>", name);
        return 0;
    }
    if (depth == 2 && is(name, "DateOfIssue")) {
        p->cur_period = &p->issue_date;
        p->boundary = p->point = 0;
        return 0;
    }
    if (depth == 4 && is(em_xml_parent(x, 2), "ReferenceValueSets")) {
        const char *id = em_xml_attr(attrs, "ID");
        if (em_str_empty(id)) return em_xml_fail(x, "reference value <%s> without ID", name);
        set_str(&p->ref_set, name);
        set_str(&p->ref_id, id);
        set_str(&p->ref_extra, NULL);
        if (is(name, "AreaCode")) set_str(&p->ref_extra, em_xml_attr(attrs, "Description"));
        if (is(name, "PartySubType")) set_str(&p->ref_extra, em_xml_attr(attrs, "PartyTypeID"));
        if (is(name, "Script")) set_str(&p->ref_extra, em_xml_attr(attrs, "ScriptCode"));
        return 0;
    }

    /* Locations */
    if (is(name, "Location") && is(parent, "Locations")) {
        const char *id = em_xml_attr(attrs, "ID");
        if (em_str_empty(id)) return em_xml_fail(x, "<Location> without ID");
        loc_free(p->cur_loc);
        p->cur_loc = em_xcalloc(1, sizeof *p->cur_loc);
        set_str(&p->cur_loc_id, id);
        p->cur_loc_parts = p->cur_loc_unknown_parts = 0;
        return 0;
    }
    if (p->cur_loc) {
        const char *v;
        if (is(name, "LocationAreaCode")) {
            if (ref_attr(p, x, attrs, name, "AreaCodeID", "AreaCode", 0, &v)) return -1;
            if (v && !p->cur_loc->country && !em_strcaseeq(v, "undetermined"))
                set_str(&p->cur_loc->country, v);
        } else if (is(name, "LocationCountry")) {
            if (ref_attr(p, x, attrs, name, "CountryID", "Country", 1, &v)) return -1;
            if (!em_strcaseeq(v, "undetermined")) set_str(&p->cur_loc->country, v);
        } else if (is(name, "LocationPart")) {
            if (ref_attr(p, x, attrs, name, "LocPartTypeID", "LocPartType", 1, &p->cur_part_type))
                return -1;
        } else if (is(name, "LocationPartValue")) {
            const char *pr = em_xml_attr(attrs, "Primary");
            p->cur_part_primary = !pr || is(pr, "true");
        }
        return 0;
    }

    /* IDRegDocuments */
    if (is(name, "IDRegDocument")) {
        regdoc *d = em_xcalloc(1, sizeof *d);
        em_buf_init(&d->note);
        regdoc_free(p->cur_doc);
        p->cur_doc = d;
        d->identity = em_xstrdup(em_xml_attr(attrs, "IdentityID"));
        if (!d->identity) return em_xml_fail(x, "<IDRegDocument> without IdentityID");
        if (ref_attr(p, x, attrs, name, "IDRegDocTypeID", "IDRegDocType", 1, &d->type)) return -1;
        if (ref_attr(p, x, attrs, name, "IssuedBy-CountryID", "Country", 0, &d->country)) return -1;
        return 0;
    }
    if (p->cur_doc) {
        if (is(name, "DocumentDate")) {
            if (ref_attr(p, x, attrs, name, "IDRegDocDateTypeID", "IDRegDocDateType", 0,
                         &p->cur_doc_date_type))
                return -1;
            memset(&p->doc_date, 0, sizeof p->doc_date);
        } else if (is(name, "DatePeriod") && is(parent, "DocumentDate")) {
            p->cur_period = &p->doc_date;
        }
        /* fall through to the generic date handling below */
    }

    /* DistinctParties */
    if (is(name, "Profile") && is(parent, "DistinctParty")) {
        const char *id = em_xml_attr(attrs, "ID");
        if (em_str_empty(id)) return em_xml_fail(x, "<Profile> without ID");
        const char *sub, *ptype = NULL, *schema = EM_SCHEMA_LEGAL_ENTITY;
        if (ref_attr(p, x, attrs, name, "PartySubTypeID", "PartySubType", 1, &sub)) return -1;
        const char *ptid = ref_get(p, "PartySubTypeParty", em_xml_attr(attrs, "PartySubTypeID"));
        if (ptid) ptype = ref_get(p, "PartyType", ptid);
        if (is(sub, "Vessel"))
            schema = EM_SCHEMA_VESSEL;
        else if (is(sub, "Aircraft"))
            schema = EM_SCHEMA_AIRCRAFT;
        else if (is(ptype, "Individual"))
            schema = EM_SCHEMA_PERSON;
        else if (is(ptype, "Entity"))
            schema = EM_SCHEMA_ORGANIZATION;
        if (em_hmap_get(&p->profiles, id)) return em_xml_fail(x, "duplicate Profile ID %s", id);
        em_entity *e = em_entity_new(p->source, "ofac", id, schema);
        em_entity_list_push(&p->parties, e);
        em_hmap_put(&p->profiles, id, e);
        if (p->pending_remarks) em_entity_set(&e->remarks, p->pending_remarks);
        p->cur = e;
        return 0;
    }
    if (p->cur) {
        if (is(name, "Identity")) {
            const char *id = em_xml_attr(attrs, "ID");
            if (!em_str_empty(id)) em_hmap_put(&p->identities, id, p->cur);
            names_reset(p);
        } else if (is(name, "Alias")) {
            if (ref_attr(p, x, attrs, name, "AliasTypeID", "AliasType", 1, &p->alias_type))
                return -1;
            p->alias_primary = is(em_xml_attr(attrs, "Primary"), "true");
            p->alias_low = is(em_xml_attr(attrs, "LowQuality"), "true");
        } else if (is(name, "DocumentedName") && is(parent, "Alias")) {
            docname *d = em_vec_add(p->names);
            d->alias_type = p->alias_type;
            d->primary = p->alias_primary;
            d->low = p->alias_low;
            p->cur_name = d;
        } else if (is(name, "NamePartValue") && p->cur_name) {
            docname *d = p->cur_name;
            const char *script;
            if (ref_attr(p, x, attrs, name, "ScriptID", "Script", 0, &script)) return -1;
            npart *np = em_vec_add(d->parts);
            np->group = em_xstrdup(em_xml_attr(attrs, "NamePartGroupID"));
            np->script = script;
            np->script_code = ref_get(p, "ScriptCode", em_xml_attr(attrs, "ScriptID"));
        } else if (is(name, "NamePartGroup")) {
            const char *id = em_xml_attr(attrs, "ID"), *type;
            if (ref_attr(p, x, attrs, name, "NamePartTypeID", "NamePartType", 1, &type)) return -1;
            if (!em_str_empty(id)) em_hmap_put(&p->groups, id, (void *)type);
        } else if (is(name, "Feature")) {
            if (ref_attr(p, x, attrs, name, "FeatureTypeID", "FeatureType", 1, &p->feat_type))
                return -1;
            feature_reset(p);
        } else if (is(name, "FeatureVersion")) {
            feature_reset(p);
        } else if (is(name, "DatePeriod") && is(parent, "FeatureVersion")) {
            p->cur_period = &p->feat_date;
            p->feat_has_date = 1;
        } else if (is(name, "VersionDetail")) {
            if (ref_attr(p, x, attrs, name, "DetailReferenceID", "DetailReference", 0,
                         &p->feat_ref))
                return -1;
        } else if (is(name, "VersionLocation")) {
            const char *id = em_xml_attr(attrs, "LocationID");
            p->feat_loc = em_hmap_get(&p->locs, id ? id : "");
            if (!p->feat_loc)
                return em_xml_fail(x, "<VersionLocation> refers to unknown LocationID %s",
                                   id ? id : "(none)");
        }
    }

    /* ProfileRelationships */
    if (is(name, "ProfileRelationship")) {
        const char *rel;
        if (ref_attr(p, x, attrs, name, "RelationTypeID", "RelationType", 1, &rel)) return -1;
        const char *from = em_xml_attr(attrs, "From-ProfileID");
        const char *to = em_xml_attr(attrs, "To-ProfileID");
        em_entity *e = em_hmap_get(&p->profiles, from ? from : "");
        if (e && !em_str_empty(to)) {
            char *target = em_xasprintf("ofac-%s", to);
            em_entity_add_link(e, rel, target, NULL);
            free(target);
        }
        return 0;
    }

    /* SanctionsEntries: entries for profiles not in this file are ignored */
    if (is(name, "SanctionsEntry")) {
        const char *list;
        if (ref_attr(p, x, attrs, name, "ListID", "List", 0, &list)) return -1;
        const char *pid = em_xml_attr(attrs, "ProfileID");
        p->entry = em_hmap_get(&p->profiles, pid ? pid : "");
        if (p->entry) em_entity_add_prop(p->entry, "list", list);
        return 0;
    }
    if (is(name, "EntryEvent")) {
        if (ref_attr(p, x, attrs, name, "EntryEventTypeID", "EntryEventType", 0, &p->event_type))
            return -1;
        memset(&p->event_date, 0, sizeof p->event_date);
        return 0;
    }
    if (is(name, "Date") && is(parent, "EntryEvent")) {
        p->cur_period = &p->event_date;
        p->boundary = p->point = 0;
        return 0;
    }
    if (is(name, "SanctionsMeasure")) {
        if (ref_attr(p, x, attrs, name, "SanctionsTypeID", "SanctionsType", 0, &p->measure_type))
            return -1;
        return 0;
    }

    /* dates: DatePeriod > Start|End > From|To > Year|Month|Day */
    if (p->cur_period) {
        if (is(name, "Start") || is(name, "End")) {
            p->boundary = is(name, "End");
            if (is(em_xml_attr(attrs, "Approximate"), "true")) p->cur_period->approx = 1;
        } else if (is(name, "From") || is(name, "To")) {
            p->point = is(name, "To");
        }
    }
    return 0;
}

static int on_end(void *ctx, em_xml *x, const char *name, const char *text) {
    parser *p = ctx;
    const char *parent = em_xml_parent(x, 1);
    int depth = em_xml_depth(x);

    /* date parts */
    if (p->cur_period && (is(name, "Year") || is(name, "Month") || is(name, "Day"))) {
        dpoint *d = &p->cur_period->p[p->boundary][p->point];
        int v = atoi(text);
        if (is(name, "Year"))
            d->y = v;
        else if (is(name, "Month"))
            d->m = v;
        else
            d->d = v;
        return 0;
    }
    if (p->cur_period && (is(name, "DatePeriod") || is(name, "Date") || is(name, "DateOfIssue"))) {
        if (is(name, "DateOfIssue")) {
            char iso[16];
            date_iso(&p->issue_date.p[0][0], iso, sizeof iso);
            snprintf(p->meta->published, sizeof p->meta->published, "%s", iso);
        }
        p->cur_period = NULL;
        p->boundary = p->point = 0;
        return 0;
    }

    /* reference values */
    if (depth == 4 && p->ref_set && is(name, p->ref_set) &&
        is(em_xml_parent(x, 2), "ReferenceValueSets")) {
        char key[256];
        const char *val = text;
        if (is(name, "AreaCode") && p->ref_extra) val = p->ref_extra;
        snprintf(key, sizeof key, "%s:%s", name, p->ref_id);
        free(em_hmap_put(&p->refs, key, em_xstrdup(val)));
        if (is(name, "PartySubType") && p->ref_extra) {
            snprintf(key, sizeof key, "PartySubTypeParty:%s", p->ref_id);
            free(em_hmap_put(&p->refs, key, em_xstrdup(p->ref_extra)));
        }
        if (is(name, "Script") && p->ref_extra) {
            snprintf(key, sizeof key, "ScriptCode:%s", p->ref_id);
            free(em_hmap_put(&p->refs, key, em_xstrdup(p->ref_extra)));
        }
        set_str(&p->ref_set, NULL);
        return 0;
    }

    /* locations */
    if (p->cur_loc) {
        loc *l = p->cur_loc;
        if (is(name, "Value") && is(parent, "LocationPartValue") && p->cur_part_primary &&
            !em_str_empty(text)) {
            const char *t = p->cur_part_type;
            p->cur_loc_parts++;
            if (is(t, "ADDRESS1") || is(t, "ADDRESS2") || is(t, "ADDRESS3"))
                append(&l->street, text, ", ");
            else if (is(t, "CITY"))
                append(&l->city, text, ", ");
            else if (is(t, "STATE/PROVINCE") || is(t, "REGION"))
                append(&l->region, text, ", ");
            else if (is(t, "POSTAL CODE"))
                append(&l->postal, text, " ");
            else {
                append(&l->other, text, ", ");
                p->cur_loc_unknown_parts++;
            }
        } else if (is(name, "Location")) {
            if (l->other) {
                /* a lone untyped part with no country is how OFAC writes a bare country */
                if (!l->country && p->cur_loc_parts == p->cur_loc_unknown_parts)
                    set_str(&l->country, l->other);
                else
                    append(&l->street, l->other, ", ");
            }
            loc_free(em_hmap_put(&p->locs, p->cur_loc_id, l));
            p->cur_loc = NULL;
        }
        return 0;
    }

    /* documents */
    if (p->cur_doc) {
        regdoc *d = p->cur_doc;
        if (is(name, "IDRegistrationNo")) {
            set_str(&d->number, text);
        } else if (is(name, "Comment") && is(parent, "IDRegDocument") && !em_str_empty(text)) {
            if (d->note.len) em_buf_adds(&d->note, "; ");
            em_buf_adds(&d->note, text);
        } else if (is(name, "DocumentDate")) {
            char from[16], to[16];
            if (period_range(&p->doc_date, from, to, sizeof from)) {
                if (d->note.len) em_buf_adds(&d->note, "; ");
                em_buf_printf(&d->note, "%s %s",
                              p->cur_doc_date_type ? p->cur_doc_date_type : "Date", from);
                if (strcmp(from, to)) em_buf_printf(&d->note, " to %s", to);
            }
        } else if (is(name, "IDRegDocument")) {
            em_vec_push(p->docs, d);
            p->cur_doc = NULL;
        }
        return 0;
    }

    /* parties */
    if (is(name, "Comment") && is(parent, "DistinctParty")) {
        set_str(&p->pending_remarks, text);
        if (p->cur) em_entity_set(&p->cur->remarks, text);
        return 0;
    }
    if (is(name, "DistinctParty")) {
        set_str(&p->pending_remarks, NULL);
        p->cur = NULL;
        return 0;
    }
    if (p->cur) {
        if (is(name, "NamePartValue") && p->cur_name && p->cur_name->parts.len) {
            npart *np = &p->cur_name->parts.items[p->cur_name->parts.len - 1];
            set_str(&np->value, text);
        } else if (is(name, "DocumentedName")) {
            p->cur_name = NULL;
        } else if (is(name, "Identity")) {
            flush_names(p);
        } else if (is(name, "VersionDetail")) {
            set_str(&p->feat_text, text);
        } else if (is(name, "FeatureVersion")) {
            apply_feature(p);
            feature_reset(p);
        } else if (is(name, "Feature")) {
            p->feat_type = NULL;
        } else if (is(name, "Profile")) {
            p->cur = NULL;
        }
        return 0;
    }

    /* sanctions entries */
    if (is(name, "Comment") && is(parent, "SanctionsMeasure")) {
        if (p->entry && is(p->measure_type, "Program")) em_entity_add_program(p->entry, text);
        return 0;
    }
    if (is(name, "EntryEvent")) {
        char iso[16];
        date_iso(&p->event_date.p[0][0], iso, sizeof iso);
        if (p->entry && is(p->event_type, "Created") && *iso &&
            (!p->entry->listed_on || strcmp(iso, p->entry->listed_on) < 0))
            em_entity_set(&p->entry->listed_on, iso);
        return 0;
    }
    if (is(name, "SanctionsEntry")) {
        p->entry = NULL;
        return 0;
    }

    /* the end: attach documents, emit every party in file order */
    if (depth == 1) {
        for (size_t i = 0; i < p->docs.len; i++)
            attach_doc(p, p->docs.items[i]);
        for (size_t i = 0; i < p->parties.len; i++) {
            em_entity *e = p->parties.items[i];
            p->parties.items[i] = NULL;
            em_entity_finish(e);
            if (p->sink(p->sink_ctx, e, p->err) != 0) {
                if (!p->err || p->err->code == EM_OK)
                    return em_xml_fail(x, "the sink rejected an entity");
                return -1; /* keep the sink's own error */
            }
        }
    }
    return 0;
}

static void parser_free(parser *p) {
    em_hmap_free(&p->refs, free);
    em_hmap_free(&p->locs, loc_free);
    em_hmap_free(&p->profiles, NULL);
    em_hmap_free(&p->identities, NULL);
    em_entity_list_free(&p->parties); /* parties not handed to the sink (NULL once emitted) */
    for (size_t i = 0; i < p->docs.len; i++)
        regdoc_free(p->docs.items[i]);
    free(p->docs.items);
    free(p->ref_set);
    free(p->ref_id);
    free(p->ref_extra);
    loc_free(p->cur_loc);
    free(p->cur_loc_id);
    regdoc_free(p->cur_doc);
    free(p->pending_remarks);
    names_reset(p);
    free(p->names.items);
    feature_reset(p);
}

int em_parse_ofac_advanced_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                               em_parse_meta *meta, em_error *err) {
    em_parse_meta scratch;
    meta = em_parse_meta_begin(meta, &scratch, "ofac-advanced-xml");
    parser p;
    memset(&p, 0, sizeof p);
    p.source = source;
    p.sink = sink;
    p.sink_ctx = ctx;
    p.meta = meta;
    p.err = err;
    em_xml_handlers h = {on_start, on_end};
    int rc = em_xml_parse(path, &h, &p, err);
    parser_free(&p);
    return rc;
}
