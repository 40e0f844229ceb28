/*
 * ftm_json.c - OpenSanctions FollowTheMoney entities, one JSON object per line
 * (entities.ftm.json): {"id", "caption", "schema", "properties": {prop:
 * [values]}, "datasets", "referents", "first_seen", "last_seen", "target"}.
 *
 * Party schemas (Person, Organization, Company, PublicBody, LegalEntity,
 * Vessel, Airplane) become entities "os-<FtM id>". The other lines describe
 * facts about those parties and may come before or after them in the file:
 *   - relations (Ownership, Directorship, Membership, Employment, Family,
 *     Associate, UnknownLink, Representation, Succession) become links on
 *     both ends ("owner_of" on the owner, "owned_by" on the asset, ...) when
 *     both ends are parties of the file;
 *   - Sanction adds its program(s), authority ("sanction_authority") and
 *     start/listing date (listed_on) to its entity;
 *   - Passport / Identification add an identifier to their holder, and a
 *     CryptoWallet its key (a crypto identifier) to its holder; a wallet
 *     whose holder is not in the file becomes an entity itself;
 *   - Address entities give the text of "addressEntity" references.
 *
 * The nested export (targets.nested.json) writes the entities a party's
 * properties refer to inside them, as objects where the flat export has ids
 * ("familyPerson": [{"schema": "Family", "properties": {"relative": [{a
 * Person}]}}]). Each nested object is taken out and read as a line of its
 * own, its reference to the party that holds it filled in from the FtM
 * reverse property when it is left out (REVERSES); a nested party (a
 * relative, an owner) is not emitted, it names the far end of a link.
 *
 * Hence two passes over the file. Pass 1 parses and validates every line
 * (nothing is emitted if any line is malformed) and keeps, per line, only the
 * small facts above plus the id and caption of every party. Pass 2 parses the
 * file again and emits each party as soon as its line is read, with its facts
 * attached. Memory is bounded by the number of facts and parties (a few
 * hundred bytes each), never by whole entities or the file.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "sources/reader.h"
#include "sources/source.h"

/* ---- schemas ---------------------------------------------------------------- */

typedef struct party_schema {
    const char *ftm, *schema;
} party_schema;

static const party_schema parties[] = {
    {"Person", EM_SCHEMA_PERSON},
    {"Organization", EM_SCHEMA_ORGANIZATION},
    {"Company", EM_SCHEMA_ORGANIZATION},
    {"PublicBody", EM_SCHEMA_ORGANIZATION},
    {"LegalEntity", EM_SCHEMA_LEGAL_ENTITY},
    {"Vessel", EM_SCHEMA_VESSEL},
    {"Airplane", EM_SCHEMA_AIRCRAFT},
};

static const char *party_of(const char *ftm) {
    for (size_t i = 0; i < sizeof parties / sizeof *parties; i++)
        if (strcmp(parties[i].ftm, ftm) == 0) return parties[i].schema;
    return NULL;
}

typedef struct relation_schema {
    const char *ftm, *subject, *object, *forward, *reverse;
} relation_schema;

static const relation_schema relations[] = {
    {"Ownership", "owner", "asset", "owner_of", "owned_by"},
    {"Directorship", "director", "organization", "director_of", "has_director"},
    {"Membership", "member", "organization", "member_of", "has_member"},
    {"Employment", "employee", "employer", "employee_of", "employer_of"},
    {"Family", "person", "relative", "family", "family"},
    {"Associate", "person", "associate", "associate", "associate"},
    {"UnknownLink", "subject", "object", "linked_to", "linked_to"},
    {"Representation", "agent", "client", "agent_of", "represented_by"},
    {"Succession", "predecessor", "successor", "predecessor_of", "successor_of"},
};

static const relation_schema *relation_of(const char *ftm) {
    for (size_t i = 0; i < sizeof relations / sizeof *relations; i++)
        if (strcmp(relations[i].ftm, ftm) == 0) return &relations[i];
    return NULL;
}

/* FtM identifier properties -> model identifier types */
typedef struct id_prop {
    const char *prop, *type;
} id_prop;

static const id_prop id_props[] = {
    {"passportNumber", EM_ID_PASSPORT},
    {"taxNumber", EM_ID_TAX},
    {"innCode", EM_ID_TAX},
    {"vatCode", EM_ID_TAX},
    {"registrationNumber", EM_ID_REGISTRATION},
    {"ogrnCode", EM_ID_REGISTRATION},
    {"okpoCode", EM_ID_REGISTRATION},
    {"swiftBic", EM_ID_BIC},
    {"imoNumber", EM_ID_IMO},
    {"mmsi", EM_ID_MMSI},
    {"callSign", EM_ID_CALL_SIGN},
    {"email", EM_ID_EMAIL},
    {"website", EM_ID_WEBSITE},
    {"phone", EM_ID_PHONE},
    {"leiCode", EM_ID_OTHER},
    {"dunsCode", EM_ID_OTHER},
    {"uniqueEntityId", EM_ID_OTHER},
    {"permId", EM_ID_OTHER},
    {"icaoCode", EM_ID_OTHER},
    {"publicKey", EM_ID_CRYPTO},
};

/* FtM properties kept verbatim as props (key = model prop name) */
typedef struct copy_prop {
    const char *prop, *key;
} copy_prop;

static const copy_prop copy_props[] = {
    {"position", "position"},
    {"title", "title"},
    {"topics", "topics"},
    {"sourceUrl", "source_url"},
    {"legalForm", "legal_form"},
    {"status", "status"},
    {"jurisdiction", "jurisdiction"},
    {"incorporationDate", "incorporation_date"},
    {"dissolutionDate", "dissolution_date"},
    {"deathDate", "death_date"},
    {"birthCountry", "birth_country"},
    {"flag", "vessel_flag"},
    {"type", "vessel_type"},
    {"buildDate", "build_date"},
    {"model", "model"},
    {"ethnicity", "ethnicity"},
    {"religion", "religion"},
    {"education", "education"},
    {"kppCode", "kpp"},
};

/* ---- the index built by pass 1 ----------------------------------------------- */

typedef struct keyed { /* an id with one string (caption / address text) */
    char *id, *text;
    long line;
} keyed;

/* kept sorted by id once pass 1 is over (binary search) */
typedef EM_VEC(keyed) keyed_vec;

enum { FACT_LINK, FACT_PROGRAM, FACT_AUTHORITY, FACT_LISTED, FACT_IDENT };

typedef struct fact {
    char *ent; /* FtM id of the party it belongs to */
    int kind;
    char *a, *b, *c, *d; /* LINK: relation, target | IDENT: type, value, country, label */
    size_t seq;          /* file order */
} fact;

typedef struct ftm_index {
    keyed_vec ids;    /* parties: id -> caption */
    keyed_vec nested; /* parties only nested in another's properties: id -> caption */
    keyed_vec addrs;  /* Address entities (and their referents): id -> text */
    EM_VEC(fact) facts;
    char last_seen[11];
} ftm_index;

static void keyed_push(keyed_vec *v, const char *id, const char *text, long line) {
    keyed *k = em_vec_add(*v);
    k->id = em_xstrdup(id);
    k->text = em_xstrdup(text);
    k->line = line;
}

static fact *fact_push(ftm_index *x, const char *ent, int kind) {
    fact *f = em_vec_add(x->facts);
    f->ent = em_xstrdup(ent);
    f->kind = kind;
    f->seq = x->facts.len - 1;
    return f;
}

static void index_free(ftm_index *x) {
    for (size_t i = 0; i < x->ids.len; i++)
        free(x->ids.items[i].id), free(x->ids.items[i].text);
    for (size_t i = 0; i < x->nested.len; i++)
        free(x->nested.items[i].id), free(x->nested.items[i].text);
    for (size_t i = 0; i < x->addrs.len; i++)
        free(x->addrs.items[i].id), free(x->addrs.items[i].text);
    for (size_t i = 0; i < x->facts.len; i++) {
        fact *f = &x->facts.items[i];
        free(f->ent), free(f->a), free(f->b), free(f->c), free(f->d);
    }
    em_vec_free(x->ids);
    em_vec_free(x->nested);
    em_vec_free(x->addrs);
    em_vec_free(x->facts);
    memset(x, 0, sizeof *x);
}

static int keyed_cmp(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int fact_cmp(const void *a, const void *b) {
    const fact *x = a, *y = b;
    int c = strcmp(x->ent, y->ent);
    if (c) return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const keyed *keyed_find(const keyed_vec *kv, const char *id) {
    const keyed *v = kv->items;
    size_t lo = 0, hi = kv->len, n = kv->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(v[lo].id, id) == 0 ? &v[lo] : NULL;
}

static const fact *facts_of(const ftm_index *x, const char *id, size_t *n) {
    size_t lo = 0, hi = x->facts.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(x->facts.items[mid].ent, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    while (k < x->facts.len && strcmp(x->facts.items[k].ent, id) == 0)
        k++;
    *n = k - lo;
    return x->facts.len ? &x->facts.items[lo] : NULL; /* no facts at all: facts is NULL */
}

/* ---- reading and validating one line --------------------------------------- */

typedef struct ftm_line {
    json_t *root;
    const char *id, *schema, *caption;
    json_t *props;
    json_t *nested; /* the entities nested in its properties, taken out (or NULL) */
} ftm_line;

static void line_free(ftm_line *l) {
    json_decref(l->root);
    json_decref(l->nested);
    l->root = l->nested = NULL;
}

/* FtM reverse properties: a party's property holding nested entities -> the
   property of the nested entity that refers back to the party */
static const struct {
    const char *prop, *back;
} REVERSES[] = {
    {"ownershipOwner", "owner"},
    {"ownershipAsset", "asset"},
    {"directorshipDirector", "director"},
    {"directorshipOrganization", "organization"},
    {"membershipMember", "member"},
    {"membershipOrganization", "organization"},
    {"employers", "employee"},
    {"employees", "employer"},
    {"familyPerson", "person"},
    {"familyRelative", "relative"},
    {"associates", "person"},
    {"associations", "associate"},
    {"unknownLinkSubject", "subject"},
    {"unknownLinkObject", "object"},
    {"agencyClient", "agent"},
    {"agentRepresentation", "client"},
    {"successors", "predecessor"},
    {"predecessors", "successor"},
    {"sanctions", "entity"},
    {"identification", "holder"},
    {"passport", "holder"},
    {"cryptoWallets", "holder"},
};

#define NEST_MAX 8 /* nested entities inside nested entities, at most */

/* Checks the "id", "schema", "caption" and "properties" of an entity object (a
   line, or an object nested in one at depth > 0); nested objects are moved
   into `nested` and replaced by their ids. Returns 0, or -1 with err. */
static int check_entity(json_t *o, const char *path, long ln, int depth, json_t *nested,
                        em_error *err) {
    const char *what = depth ? "a nested entity" : "entity";
    json_t *id = json_object_get(o, "id"), *schema = json_object_get(o, "schema");
    json_t *caption = json_object_get(o, "caption");
    json_t *props = json_object_get(o, "properties");
    if (!json_is_string(id) || !*json_string_value(id))
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: %s: \"id\" must be a non-empty string",
                       path, ln, what);
    const char *eid = json_string_value(id);
    if (!json_is_string(schema) || !*json_string_value(schema))
        return em_fail(err, EM_ERR_FORMAT,
                       "%s line %ld: %s %s: \"schema\" must be a non-empty string", path, ln, what,
                       eid);
    if (caption && !json_is_string(caption) && !json_is_null(caption))
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: %s %s: \"caption\" must be a string", path,
                       ln, what, eid);
    if (!json_is_object(props))
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: %s %s: \"properties\" must be an object",
                       path, ln, what, eid);
    const char *key;
    json_t *vals;
    json_object_foreach(props, key, vals) {
        size_t k;
        json_t *v;
        if (!json_is_array(vals))
            return em_fail(err, EM_ERR_FORMAT,
                           "%s line %ld: %s %s: property \"%s\" must be an array of strings or "
                           "entities",
                           path, ln, what, eid, key);
        json_array_foreach(vals, k, v) {
            if (json_is_string(v)) continue;
            if (!json_is_object(v))
                return em_fail(err, EM_ERR_FORMAT,
                               "%s line %ld: %s %s: property \"%s\" must be an array of strings "
                               "or entities",
                               path, ln, what, eid, key);
            if (depth + 1 > NEST_MAX)
                return em_fail(err, EM_ERR_FORMAT,
                               "%s line %ld: %s %s: entities nested more than %d deep", path, ln,
                               what, eid, NEST_MAX);
            if (check_entity(v, path, ln, depth + 1, nested, err) != 0) return -1;
            json_t *vp = json_object_get(v, "properties");
            for (size_t r = 0; r < sizeof REVERSES / sizeof *REVERSES; r++)
                if (strcmp(REVERSES[r].prop, key) == 0 && !json_object_get(vp, REVERSES[r].back))
                    json_object_set_new(vp, REVERSES[r].back, json_pack("[s]", eid));
            json_array_append(nested, v);
            json_array_set_new(vals, k, json_string(json_string_value(json_object_get(v, "id"))));
        }
    }
    const char *list_keys[] = {"datasets", "referents"};
    for (int k = 0; k < 2; k++) {
        json_t *a = json_object_get(o, list_keys[k]);
        if (a && !json_is_array(a))
            return em_fail(err, EM_ERR_FORMAT, "%s line %ld: %s %s: \"%s\" must be an array", path,
                           ln, what, eid, list_keys[k]);
    }
    return 0;
}

/* the line view of an entity object that check_entity accepted */
static void line_view(json_t *o, ftm_line *out) {
    out->root = o;
    out->id = json_string_value(json_object_get(o, "id"));
    out->schema = json_string_value(json_object_get(o, "schema"));
    json_t *caption = json_object_get(o, "caption");
    out->caption = json_is_string(caption) ? json_string_value(caption) : NULL;
    out->props = json_object_get(o, "properties");
    out->nested = NULL;
}

/* Parses a line; returns 1 for an entity, 0 for a blank line, -1 on error. */
/* The line without the white space around it: s[*from..*to). */
static const char *trimmed(const em_buf *line, size_t *from, size_t *to) {
    const char *s = line->data ? line->data : "";
    size_t n = line->len, i = 0;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    *from = i;
    *to = n;
    return s;
}

static int read_entity(em_reader *r, em_buf *line, ftm_line *out, em_error *err) {
    const char *path = em_reader_path(r);
    long ln = em_reader_line(r);
    memset(out, 0, sizeof *out);
    size_t i, n;
    const char *s = trimmed(line, &i, &n);
    if (i == n) return 0;
    json_error_t je;
    json_t *root = json_loadb(s + i, n - i, 0, &je);
    if (!root)
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: invalid JSON (%s, column %d)", path, ln,
                       je.text, je.column);
    if (!json_is_object(root)) {
        json_decref(root);
        return em_fail(err, EM_ERR_FORMAT, "%s line %ld: expected a JSON object per line", path,
                       ln);
    }
    json_t *nested = json_array();
    if (check_entity(root, path, ln, 0, nested, err) != 0) {
        json_decref(nested);
        json_decref(root);
        return -1;
    }
    line_view(root, out);
    if (json_array_size(nested))
        out->nested = nested;
    else
        json_decref(nested);
    return 1;
}

/* The values of a property (validated: strings), or NULL. */
static json_t *values(const ftm_line *l, const char *prop) {
    json_t *a = json_object_get(l->props, prop);
    return json_array_size(a) ? a : NULL;
}

static const char *first(const ftm_line *l, const char *prop) {
    json_t *a = values(l, prop);
    return a ? json_string_value(json_array_get(a, 0)) : NULL;
}

/* "1988-01-07", "1988-01", "1988" (any following time part is cut) -> length, else 0 */
static size_t iso_prefix(const char *s) {
    if (!s) return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    if (s[4] != '-') return s[4] == '\0' || s[4] == 'T' ? 4 : 0;
    if (!isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6])) return 0;
    if (s[7] != '-') return s[7] == '\0' || s[7] == 'T' ? 7 : 0;
    if (!isdigit((unsigned char)s[8]) || !isdigit((unsigned char)s[9])) return 0;
    return s[10] == '\0' || s[10] == 'T' || s[10] == ' ' ? 10 : 0;
}

/* ---- pass 1 ------------------------------------------------------------------ */

static void index_line(ftm_index *x, const ftm_line *l, long ln, int nested) {
    const char *sch = l->schema;
    size_t i;
    json_t *v;
    const char *ls = json_string_value(json_object_get(l->root, "last_seen"));
    if (ls && iso_prefix(ls) == 10 && strncmp(ls, x->last_seen, 10) > 0) {
        memcpy(x->last_seen, ls, 10);
        x->last_seen[10] = '\0';
    }
    if (party_of(sch)) {
        const char *cap = l->caption && *l->caption ? l->caption : first(l, "name");
        keyed_push(nested ? &x->nested : &x->ids, l->id, cap, ln);
        return;
    }
    const relation_schema *rs = relation_of(sch);
    if (rs) {
        json_t *subj = values(l, rs->subject), *obj = values(l, rs->object);
        size_t j;
        json_t *w;
        json_array_foreach(subj, i, v) {
            json_array_foreach(obj, j, w) {
                fact *f = fact_push(x, json_string_value(v), FACT_LINK);
                f->a = em_xstrdup(rs->forward);
                f->b = em_xstrdup(json_string_value(w));
                f = fact_push(x, json_string_value(w), FACT_LINK);
                f->a = em_xstrdup(rs->reverse);
                f->b = em_xstrdup(json_string_value(v));
            }
        }
        return;
    }
    if (strcmp(sch, "Sanction") == 0) {
        json_array_foreach(values(l, "entity"), i, v) {
            const char *ent = json_string_value(v);
            const char *ps[] = {"program", "programId"};
            for (int k = 0; k < 2; k++) {
                size_t j;
                json_t *w;
                json_array_foreach(values(l, ps[k]), j, w) {
                    fact_push(x, ent, FACT_PROGRAM)->a = em_xstrdup(json_string_value(w));
                }
            }
            size_t j;
            json_t *w;
            json_array_foreach(values(l, "authority"), j, w) {
                fact_push(x, ent, FACT_AUTHORITY)->a = em_xstrdup(json_string_value(w));
            }
            const char *ds[] = {"listingDate", "startDate"};
            for (int k = 0; k < 2; k++)
                json_array_foreach(values(l, ds[k]), j, w) {
                    const char *d = json_string_value(w);
                    size_t p = iso_prefix(d);
                    if (p) fact_push(x, ent, FACT_LISTED)->a = em_xstrndup(d, p);
                }
        }
        return;
    }
    if (strcmp(sch, "Passport") == 0 || strcmp(sch, "Identification") == 0) {
        const char *num = first(l, "number");
        if (!num) return;
        const char *type = sch[0] == 'P' ? EM_ID_PASSPORT : EM_ID_NATIONAL;
        const char *t = first(l, "type");
        if (t && (strstr(t, "assport") || strstr(t, "ASSPORT"))) type = EM_ID_PASSPORT;
        json_array_foreach(values(l, "holder"), i, v) {
            fact *f = fact_push(x, json_string_value(v), FACT_IDENT);
            f->a = em_xstrdup(type);
            f->b = em_xstrdup(num);
            f->c = em_xstrdup(first(l, "country"));
            f->d = em_xstrdup(t ? t : sch);
        }
        return;
    }
    if (strcmp(sch, "CryptoWallet") == 0) {
        const char *key = first(l, "publicKey");
        if (!key) return;
        json_array_foreach(values(l, "holder"), i, v) {
            fact *f = fact_push(x, json_string_value(v), FACT_IDENT);
            f->a = em_xstrdup(EM_ID_CRYPTO);
            f->b = em_xstrdup(key);
            f->c = em_xstrdup(first(l, "currency"));
            f->d = em_xstrdup("publicKey");
        }
        return;
    }
    if (strcmp(sch, "Address") == 0) {
        const char *full = first(l, "full");
        if (!full) full = l->caption;
        if (!full || !*full) return;
        keyed_push(&x->addrs, l->id, full, ln);
        json_array_foreach(json_object_get(l->root, "referents"), i, v) {
            if (json_is_string(v)) keyed_push(&x->addrs, json_string_value(v), full, ln);
        }
    }
}

/* ---- pass 1 for a plain party line, without a jansson tree ------------------------ */

/*
 * Most lines of a large file are parties whose properties are arrays of
 * strings. Pass 1 needs of them only their id, schema, caption (or first
 * name) and last_seen, once it knows the line is valid: scan_party checks the
 * line in one pass over its bytes and keeps where those strings are. It
 * accepts only what jansson and check_entity accept the same way (one
 * object; top-level values strings, true, false, null or arrays of strings;
 * "properties" an object of arrays of strings; every string valid UTF-8 with
 * valid escapes and no \u0000; no key twice at the top level; "id" and
 * "schema" non-empty, "caption" a string or null) and answers 0 for
 * everything else (a number, a nested entity, a malformed line...), which
 * pass 1 then reads through jansson as before, errors included.
 */
typedef struct span {
    const char *p; /* the raw string between its quotes, or NULL */
    size_t n;
} span;

typedef struct scan {
    const char *p, *end;
} scan;

static void sc_ws(scan *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int sc_eat(scan *c, char ch) {
    sc_ws(c);
    if (c->p < c->end && *c->p == ch) return c->p++, 1;
    return 0;
}

static int sc_hex4(const char *p, unsigned *v) {
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int h = p[i];
        int d = h >= '0' && h <= '9'   ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        *v = *v << 4 | (unsigned)d;
    }
    return 0;
}

/* A string: checked, its raw bytes in *out. Returns 0 or -1. */
static int sc_str(scan *c, span *out) {
    if (!sc_eat(c, '"')) return -1;
    const unsigned char *p = (const unsigned char *)c->p, *end = (const unsigned char *)c->end;
    const unsigned char *start = p;
    while (p < end && *p != '"') {
        unsigned ch = *p;
        if (ch < 0x20) return -1;
        if (ch == '\\') {
            if (p + 1 >= end) return -1;
            unsigned char x = p[1];
            if (x == 'u') {
                unsigned u, lo;
                if (end - p < 6 || sc_hex4((const char *)p + 2, &u) != 0 || u == 0) return -1;
                p += 6;
                if (u >= 0xDC00 && u <= 0xDFFF) return -1;
                if (u >= 0xD800 && u <= 0xDBFF) {
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
                        sc_hex4((const char *)p + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                        return -1;
                    p += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", x) || !x) return -1;
            p += 2;
            continue;
        }
        if (ch < 0x80) {
            p++;
            continue;
        }
        int n;
        unsigned cp;
        if (ch >= 0xC2 && ch <= 0xDF)
            n = 1, cp = ch & 0x1F;
        else if (ch >= 0xE0 && ch <= 0xEF)
            n = 2, cp = ch & 0x0F;
        else if (ch >= 0xF0 && ch <= 0xF4)
            n = 3, cp = ch & 0x07;
        else
            return -1;
        if (end - p <= n) return -1;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return -1;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        p += n + 1;
    }
    if (p >= end) return -1;
    if (out) out->p = (const char *)start, out->n = (size_t)(p - start);
    c->p = (const char *)p + 1;
    return 0;
}

typedef EM_VEC(span) span_vec;

/* An array of strings; the first one in *first (when given and not empty), all of them
   appended to *all (when given). */
static int sc_strings(scan *c, span *first, span_vec *all) {
    if (!sc_eat(c, '[')) return -1;
    if (sc_eat(c, ']')) return 0;
    int k = 0;
    do {
        span v;
        if (sc_str(c, &v) != 0) return -1;
        if (first && k++ == 0) *first = v;
        if (all) em_vec_push(*all, v);
    } while (sc_eat(c, ','));
    return sc_eat(c, ']') ? 0 : -1;
}

static int sc_lit(scan *c, const char *w) {
    size_t n = strlen(w);
    sc_ws(c);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return -1;
    c->p += n;
    return 0;
}

/* decodes a checked string onto the end of b (no NUL added) */
static void span_decode(span s, em_buf *b) {
    const char *p = s.p, *end = s.p + s.n;
    while (p < end) {
        if (*p != '\\') {
            const char *q = memchr(p, '\\', (size_t)(end - p));
            if (!q) q = end;
            em_buf_add(b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        char x = p[1];
        p += 2;
        if (x != 'u') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            em_buf_addc(b, to[strchr(from, x) - from]);
            continue;
        }
        unsigned u, lo;
        sc_hex4(p, &u);
        p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) {
            sc_hex4(p + 2, &lo);
            p += 6;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        }
        char o[4];
        size_t k;
        if (u < 0x80)
            o[0] = (char)u, k = 1;
        else if (u < 0x800)
            o[0] = (char)(0xC0 | (u >> 6)), o[1] = (char)(0x80 | (u & 0x3F)), k = 2;
        else if (u < 0x10000)
            o[0] = (char)(0xE0 | (u >> 12)), o[1] = (char)(0x80 | ((u >> 6) & 0x3F)),
            o[2] = (char)(0x80 | (u & 0x3F)), k = 3;
        else
            o[0] = (char)(0xF0 | (u >> 18)), o[1] = (char)(0x80 | ((u >> 12) & 0x3F)),
            o[2] = (char)(0x80 | ((u >> 6) & 0x3F)), o[3] = (char)(0x80 | (u & 0x3F)), k = 4;
        em_buf_add(b, o, k);
    }
}

/* decodes a checked string into a fresh C string */
static char *span_dup(span s) {
    em_buf b;
    em_buf_init(&b);
    span_decode(s, &b);
    char *r = em_xstrndup(b.data ? b.data : "", b.len);
    em_buf_free(&b);
    return r;
}

static int span_is(span s, const char *w) {
    return s.p && s.n == strlen(w) && memcmp(s.p, w, s.n) == 0;
}

typedef struct party_scan {
    span id, schema, caption, name, last_seen;
} party_scan;

/*
 * Pass 2 reads a party through this view of its line: each property's values as C
 * strings, the top-level "datasets" strings, the id, schema and caption. A plain party
 * line fills it straight from scan_party's spans (no jansson tree); any other line from
 * its jansson tree (view_from_json), so build_party reads both the same way.
 */
typedef struct pprop {
    const char *key;       /* not NUL-terminated */
    size_t klen, first, n; /* its values: vals[first .. first + n) */
} pprop;

typedef struct pview {
    const char *id, *schema, *caption; /* caption NULL when absent or null */
    EM_VEC(pprop) props;
    size_t ds_first, ds_n; /* the top-level "datasets" strings, in vals */
    span_vec raw;          /* scan_party: the spans of the values, in order */
    em_buf arena;          /* the decoded strings, each NUL-terminated */
    EM_VEC(size_t) offs;   /* each value's offset in arena */
    EM_VEC(const char *) vals;
    size_t id_off, schema_off, caption_off;
    int has_caption;
} pview;

static void view_free(pview *w) {
    em_vec_free(w->props);
    em_vec_free(w->raw);
    em_buf_free(&w->arena);
    em_vec_free(w->offs);
    em_vec_free(w->vals);
}

static void view_reset(pview *w) {
    w->props.len = w->raw.len = w->offs.len = w->vals.len = 0;
    w->ds_first = w->ds_n = 0;
    em_buf_reset(&w->arena);
    w->has_caption = 0;
}

/* appends a string (decoded from a checked span when raw, else as it is) to the arena;
   returns its offset */
static size_t view_put(pview *w, const char *p, size_t n, int raw) {
    size_t off = w->arena.len;
    if (raw) {
        span sp = {p, n};
        span_decode(sp, &w->arena);
    } else {
        em_buf_add(&w->arena, p, n);
    }
    em_buf_addc(&w->arena, '\0');
    return off;
}

/* the arena is whole: offsets become pointers */
static void view_seal(pview *w) {
    const char *a = w->arena.data;
    for (size_t i = 0; i < w->offs.len; i++)
        em_vec_push(w->vals, a + w->offs.items[i]);
    w->id = a + w->id_off;
    w->schema = a + w->schema_off;
    w->caption = w->has_caption ? a + w->caption_off : NULL;
}

/* after scan_party accepted the line: the spans decoded */
static void view_from_scan(pview *w, const party_scan *ps) {
    for (size_t i = 0; i < w->raw.len; i++) {
        size_t off = view_put(w, w->raw.items[i].p, w->raw.items[i].n, 1);
        em_vec_push(w->offs, off);
    }
    w->id_off = view_put(w, ps->id.p, ps->id.n, 1);
    w->schema_off = view_put(w, ps->schema.p, ps->schema.n, 1);
    if ((w->has_caption = ps->caption.p != NULL))
        w->caption_off = view_put(w, ps->caption.p, ps->caption.n, 1);
    view_seal(w);
}

/* a line read by jansson (check_entity accepted it: properties are arrays of strings) */
static void view_from_json(pview *w, const ftm_line *l) {
    view_reset(w);
    const char *key;
    json_t *vals, *v;
    size_t i;
    json_object_foreach(l->props, key, vals) {
        pprop *pp = em_vec_add(w->props);
        pp->key = key;
        pp->klen = strlen(key);
        pp->first = w->offs.len;
        json_array_foreach(vals, i, v) {
            size_t off = view_put(w, json_string_value(v), json_string_length(v), 0);
            em_vec_push(w->offs, off);
        }
        pp->n = w->offs.len - pp->first;
    }
    w->ds_first = w->offs.len;
    json_array_foreach(json_object_get(l->root, "datasets"), i, v) {
        if (!json_is_string(v)) continue;
        size_t off = view_put(w, json_string_value(v), json_string_length(v), 0);
        em_vec_push(w->offs, off);
    }
    w->ds_n = w->offs.len - w->ds_first;
    w->id_off = view_put(w, l->id, strlen(l->id), 0);
    w->schema_off = view_put(w, l->schema, strlen(l->schema), 0);
    if ((w->has_caption = l->caption != NULL))
        w->caption_off = view_put(w, l->caption, strlen(l->caption), 0);
    view_seal(w);
}

/* the values of a property (n == 0 when it has none) */
typedef struct strs {
    const char *const *v;
    size_t n;
} strs;

static strs pvalues(const pview *w, const char *prop) {
    size_t n = strlen(prop);
    for (size_t i = 0; i < w->props.len; i++) {
        const pprop *pp = &w->props.items[i];
        if (pp->klen == n && memcmp(pp->key, prop, n) == 0) {
            /* "name": [] in a list with no value yet: no pointer arithmetic on NULL */
            strs r = {pp->n ? w->vals.items + pp->first : NULL, pp->n};
            return r;
        }
    }
    strs none = {NULL, 0};
    return none;
}

static const char *pfirst(const pview *w, const char *prop) {
    strs a = pvalues(w, prop);
    return a.n ? a.v[0] : NULL;
}

/* 1 when the line (trimmed, n bytes) is a plain party line, its strings in *ps (and,
   when w is given, the spans of its values in w, for view_from_scan); else 0. */
static int scan_party(const char *s, size_t n, party_scan *ps, pview *w) {
    memset(ps, 0, sizeof *ps);
    if (w) view_reset(w);
    scan c = {s, s + n};
    int have_props = 0;
    span keys[32];
    size_t nkeys = 0;
    if (!sc_eat(&c, '{')) return 0;
    if (sc_eat(&c, '}')) return 0;
    do {
        span k;
        if (sc_str(&c, &k) != 0 || !sc_eat(&c, ':')) return 0;
        for (size_t i = 0; i < nkeys; i++) /* a key twice: jansson keeps the last */
            if (keys[i].n == k.n && memcmp(keys[i].p, k.p, k.n) == 0) return 0;
        if (nkeys == sizeof keys / sizeof *keys) return 0;
        keys[nkeys++] = k;
        if (memchr(k.p, '\\', k.n)) return 0; /* an escaped key: not worth the care */
        sc_ws(&c);
        if (c.p >= c.end) return 0;
        if (span_is(k, "properties")) {
            have_props = 1;
            if (!sc_eat(&c, '{')) return 0;
            if (sc_eat(&c, '}')) continue;
            span pkeys[64];
            size_t np = 0;
            do {
                span pk, first = {0};
                if (sc_str(&c, &pk) != 0 || !sc_eat(&c, ':')) return 0;
                if (memchr(pk.p, '\\', pk.n) || np == sizeof pkeys / sizeof *pkeys) return 0;
                for (size_t i = 0; i < np; i++)
                    if (pkeys[i].n == pk.n && memcmp(pkeys[i].p, pk.p, pk.n) == 0) return 0;
                pkeys[np++] = pk;
                pprop *pp = NULL;
                if (w) {
                    pp = em_vec_add(w->props);
                    pp->key = pk.p;
                    pp->klen = pk.n;
                    pp->first = w->raw.len;
                }
                if (sc_strings(&c, &first, w ? &w->raw : NULL) != 0) return 0;
                if (pp) pp->n = w->raw.len - pp->first;
                if (span_is(pk, "name")) ps->name = first;
            } while (sc_eat(&c, ','));
            if (!sc_eat(&c, '}')) return 0;
            continue;
        }
        span v = {0};
        char ch = *c.p;
        if (ch == '"') {
            if (sc_str(&c, &v) != 0) return 0;
        } else if (ch == '[') {
            int ds = w && span_is(k, "datasets");
            if (ds) w->ds_first = w->raw.len;
            if (sc_strings(&c, NULL, ds ? &w->raw : NULL) != 0) return 0;
            if (ds) w->ds_n = w->raw.len - w->ds_first;
        } else if (sc_lit(&c, ch == 't' ? "true" : ch == 'f' ? "false" : "null") != 0) {
            return 0;
        }
        if (span_is(k, "id")) {
            if (!v.p || !v.n) return 0;
            ps->id = v;
        } else if (span_is(k, "schema")) {
            if (!v.p || !v.n) return 0;
            ps->schema = v;
        } else if (span_is(k, "caption")) {
            if (!v.p && ch != 'n') return 0; /* a string or null */
            ps->caption = v;
        } else if (span_is(k, "last_seen")) {
            ps->last_seen = v;
        } else if ((span_is(k, "datasets") || span_is(k, "referents")) && ch != '[') {
            return 0;
        }
    } while (sc_eat(&c, ','));
    if (!sc_eat(&c, '}')) return 0;
    sc_ws(&c);
    if (c.p != c.end || !have_props || !ps->id.p || !ps->schema.p) return 0;
    char sch[32];
    if (ps->schema.n >= sizeof sch || memchr(ps->schema.p, '\\', ps->schema.n)) return 0;
    memcpy(sch, ps->schema.p, ps->schema.n);
    sch[ps->schema.n] = '\0';
    return party_of(sch) != NULL;
}

/* Pass 1 for a plain party line: what index_line keeps of it. 1 when it was one. */
static int index_party_fast(ftm_index *x, const em_buf *line, long ln) {
    size_t i, n;
    const char *s = trimmed(line, &i, &n);
    party_scan ps;
    if (i == n || !scan_party(s + i, n - i, &ps, NULL)) return 0;
    if (ps.last_seen.p) {
        char *ls = span_dup(ps.last_seen);
        if (iso_prefix(ls) == 10 && strncmp(ls, x->last_seen, 10) > 0) {
            memcpy(x->last_seen, ls, 10);
            x->last_seen[10] = '\0';
        }
        free(ls);
    }
    char *id = span_dup(ps.id);
    char *cap = ps.caption.p && ps.caption.n ? span_dup(ps.caption)
                : ps.name.p                  ? span_dup(ps.name)
                                             : NULL;
    keyed *k = em_vec_add(x->ids);
    k->id = id;
    k->text = cap;
    k->line = ln;
    return 1;
}

/* ---- pass 2: building a party ---------------------------------------------- */

/* for each value v (a C string) of the property prop, its index in i */
#define each_value(w, prop, i, v)                                                                  \
    for (strs each_ = pvalues((w), (prop)); each_.n; each_.n = 0)                                  \
        for ((i) = 0; (i) < each_.n && ((v) = each_.v[(i)], 1); (i)++)

static int has_name(const em_entity *e, const char *s) {
    for (size_t i = 0; i < e->names.len; i++)
        if (strcmp(e->names.items[i].full, s) == 0) return 1;
    return 0;
}

static int has_address(const em_entity *e, const char *s) {
    for (size_t i = 0; i < e->addresses.len; i++)
        if (e->addresses.items[i].street && strcmp(e->addresses.items[i].street, s) == 0) return 1;
    return 0;
}

static void add_names(em_entity *e, const pview *l) {
    strs names = pvalues(l, "name");
    size_t i, primary = 0;
    const char *v;
    for (i = 0; i < names.n; i++) {
        if (l->caption && strcmp(names.v[i], l->caption) == 0) {
            primary = i;
            break;
        }
    }
    if (names.n)
        em_entity_add_name(e, names.v[primary], EM_NAME_PRIMARY, NULL, NULL);
    else
        em_entity_add_name(e, l->caption, EM_NAME_PRIMARY, NULL, NULL);
    for (i = 0; i < names.n; i++) {
        if (i != primary) em_entity_add_name(e, names.v[i], EM_NAME_AKA, "strong", NULL);
    }
    static const struct {
        const char *prop, *kind, *strength;
    } others[] = {{"alias", EM_NAME_AKA, "strong"},
                  {"previousName", EM_NAME_FKA, "strong"},
                  {"weakAlias", EM_NAME_AKA, "weak"},
                  {"abbreviation", EM_NAME_AKA, "weak"}};
    for (size_t k = 0; k < sizeof others / sizeof *others; k++)
        each_value(l, others[k].prop, i, v) {
            const char *s = v;
            if (has_name(e, s)) continue;
            em_entity_add_name(e, s, others[k].kind, others[k].strength, NULL);
        }
}

/* Adds an identifier unless the same type and value is there; sets the crypto currency. */
static void add_identifier(em_entity *e, const char *type, const char *value, const char *country,
                           const char *label, const char *currency) {
    for (size_t i = 0; i < e->identifiers.len; i++)
        if (strcmp(e->identifiers.items[i].type, type) == 0 &&
            strcmp(e->identifiers.items[i].value, value) == 0)
            return; /* taxNumber and innCode often repeat one number */
    em_identifier *d = em_entity_add_identifier(e, type, value, country, label);
    if (d && currency && *currency) d->currency = em_xstrdup(currency);
}

/* listed_on: the earliest sanction date, else listingDate, else createdAt */
static void set_listed(em_entity *e, const char *d) {
    size_t p = iso_prefix(d);
    if (!p) return;
    if (e->listed_on && strncmp(e->listed_on, d, p) <= 0) return;
    char *s = em_xstrndup(d, p);
    em_entity_set(&e->listed_on, s);
    free(s);
}

static em_entity *build_party(const pview *l, const char *schema, const ftm_index *x,
                              const char *source) {
    em_entity *e = em_entity_new(source, "os", l->id, schema);
    int person = strcmp(schema, EM_SCHEMA_PERSON) == 0;
    add_names(e, l);
    size_t i;
    const char *v;
    each_value(l, "birthDate", i, v) {
        const char *d = v;
        size_t p = iso_prefix(d);
        char *from = p ? em_xstrndup(d, p) : NULL;
        em_entity_add_birth_date(e, d, from, from, 0);
        free(from);
    }
    each_value(l, "birthPlace", i, v) {
        em_entity_add_birth_place(e, v);
    }
    each_value(l, "nationality", i, v) {
        em_entity_add_nationality(e, v);
    }
    each_value(l, "citizenship", i, v) {
        em_entity_add_citizenship(e, v);
    }
    const char *g = pfirst(l, "gender");
    if (g && (em_strcaseeq(g, "male") || em_strcaseeq(g, "female"))) {
        char low[8];
        snprintf(low, sizeof low, "%s", g);
        for (char *p = low; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        em_entity_set(&e->gender, low);
    }
    each_value(l, "address", i, v) {
        em_entity_add_address(e, v, NULL, NULL, NULL, NULL);
    }
    each_value(l, "addressEntity", i, v) {
        const keyed *a = keyed_find(&x->addrs, v);
        if (a && !has_address(e, a->text))
            em_entity_add_address(e, a->text, NULL, NULL, NULL, NULL);
    }
    each_value(l, "country", i, v) {
        em_entity_add_address(e, NULL, NULL, NULL, NULL, v);
        em_entity_add_prop(e, "country", v);
    }
    if (person) each_value(l, "idNumber", i, v) {
            add_identifier(e, EM_ID_NATIONAL, v, NULL, "idNumber", NULL);
        }
    else
        each_value(l, "idNumber", i, v) {
            add_identifier(e, EM_ID_OTHER, v, NULL, "idNumber", NULL);
        }
    for (size_t k = 0; k < sizeof id_props / sizeof *id_props; k++)
        each_value(l, id_props[k].prop, i, v) {
            const char *cur =
                strcmp(id_props[k].type, EM_ID_CRYPTO) == 0 ? pfirst(l, "currency") : NULL;
            add_identifier(e, id_props[k].type, v, NULL, id_props[k].prop, cur);
        }
    const char *ps[] = {"programId", "program"};
    for (int k = 0; k < 2; k++)
        each_value(l, ps[k], i, v) {
            em_entity_add_program(e, v);
        }
    for (size_t k = 0; k < sizeof copy_props / sizeof *copy_props; k++)
        each_value(l, copy_props[k].prop, i, v) {
            em_entity_add_prop(e, copy_props[k].key, v);
        }
    for (i = 0; i < l->ds_n; i++) {
        em_entity_add_prop(e, "dataset", l->vals.items[l->ds_first + i]);
    }
    em_buf rem;
    em_buf_init(&rem);
    const char *rs[] = {"notes", "summary", "description"};
    for (int k = 0; k < 3; k++)
        each_value(l, rs[k], i, v) {
            if (rem.len) em_buf_addc(&rem, '\n');
            em_buf_adds(&rem, v);
        }
    if (rem.len) em_entity_set(&e->remarks, em_buf_cstr(&rem));
    em_buf_free(&rem);

    /* facts from other lines */
    size_t nf;
    const fact *f = facts_of(x, l->id, &nf);
    int sanction_date = 0;
    for (size_t k = 0; k < nf; k++) {
        switch (f[k].kind) {
        case FACT_LINK: {
            const keyed *t = keyed_find(&x->ids, f[k].b);
            if (!t) t = keyed_find(&x->nested, f[k].b);
            if (!t || strcmp(f[k].b, l->id) == 0) break;
            char *tid = em_xasprintf("os-%s", f[k].b);
            em_entity_add_link(e, f[k].a, tid, t->text);
            free(tid);
            break;
        }
        case FACT_PROGRAM:
            em_entity_add_program(e, f[k].a);
            break;
        case FACT_AUTHORITY:
            em_entity_add_prop(e, "sanction_authority", f[k].a);
            break;
        case FACT_LISTED:
            set_listed(e, f[k].a);
            sanction_date = 1;
            break;
        case FACT_IDENT:
            if (strcmp(f[k].a, EM_ID_CRYPTO) == 0)
                add_identifier(e, f[k].a, f[k].b, NULL, f[k].d, f[k].c); /* c: currency */
            else
                add_identifier(e, f[k].a, f[k].b, f[k].c, f[k].d, NULL);
            break;
        default:
            break;
        }
    }
    if (!sanction_date) {
        const char *ld = pfirst(l, "listingDate");
        set_listed(e, ld ? ld : pfirst(l, "createdAt"));
    }
    em_entity_finish(e);
    return e;
}

/* A wallet whose holder is not in the file: an entity of its own. */
static em_entity *build_wallet(const pview *l, const char *source) {
    const char *key = pfirst(l, "publicKey");
    em_entity *e = em_entity_new(source, "os", l->id, EM_SCHEMA_LEGAL_ENTITY);
    em_entity_add_name(e, l->caption && *l->caption ? l->caption : key, EM_NAME_PRIMARY, NULL,
                       NULL);
    if (key) {
        em_identifier *d = em_entity_add_identifier(e, EM_ID_CRYPTO, key, NULL, "publicKey");
        if (d) d->currency = em_xstrdup(pfirst(l, "currency"));
    }
    size_t i;
    const char *v;
    each_value(l, "topics", i, v) {
        em_entity_add_prop(e, "topics", v);
    }
    em_entity_add_prop(e, "ftm_schema", "CryptoWallet");
    em_entity_finish(e);
    return e;
}

/* ---- the parser ------------------------------------------------------------- */

int em_parse_ftm_json(const char *path, const char *source, em_sink_fn sink, void *ctx,
                      em_parse_meta *meta, em_error *err) {
    if (!path || !source || !sink)
        return em_fail(err, EM_ERR_USAGE, "em_parse_ftm_json: missing path, source or sink");
    em_parse_meta local_meta;
    meta = em_parse_meta_begin(meta, &local_meta, "ftm-json");
    ftm_index x;
    memset(&x, 0, sizeof x);
    em_buf line;
    em_buf_init(&line);
    ftm_line l;
    pview w;
    memset(&w, 0, sizeof w);
    int rc = -1, got;
    size_t emittable = 0;

    /* pass 1: validate everything, collect the facts */
    em_reader *r = em_reader_open(path, err);
    if (!r) goto done;
    while ((got = em_reader_getline(r, &line, err)) == 1) {
        if (index_party_fast(&x, &line, em_reader_line(r))) {
            emittable++;
            continue;
        }
        int k = read_entity(r, &line, &l, err);
        if (k < 0) goto done;
        if (k == 0) continue;
        index_line(&x, &l, em_reader_line(r), 0);
        if (party_of(l.schema) || strcmp(l.schema, "CryptoWallet") == 0) emittable++;
        size_t i;
        json_t *o;
        json_array_foreach(l.nested, i, o) {
            ftm_line nl;
            line_view(o, &nl);
            index_line(&x, &nl, em_reader_line(r), 1);
        }
        line_free(&l);
    }
    if (got < 0) goto done;
    if (emittable == 0) {
        em_fail(err, EM_ERR_FORMAT,
                "%s line %ld: no entities with a name (Person, Organization, Company, "
                "LegalEntity, PublicBody, Vessel, Airplane)",
                path, em_reader_line(r) + 1);
        goto done;
    }
    if (x.ids.len) qsort(x.ids.items, x.ids.len, sizeof *x.ids.items, keyed_cmp);
    for (size_t i = 1; i < x.ids.len; i++)
        if (strcmp(x.ids.items[i - 1].id, x.ids.items[i].id) == 0) {
            em_fail(err, EM_ERR_FORMAT,
                    "%s line %ld: entity id %s appears twice (first at line %ld)", path,
                    x.ids.items[i].line, x.ids.items[i].id, x.ids.items[i - 1].line);
            goto done;
        }
    if (x.nested.len) qsort(x.nested.items, x.nested.len, sizeof *x.nested.items, keyed_cmp);
    if (x.addrs.len) qsort(x.addrs.items, x.addrs.len, sizeof *x.addrs.items, keyed_cmp);
    if (x.facts.len) qsort(x.facts.items, x.facts.len, sizeof *x.facts.items, fact_cmp);
    if (meta) snprintf(meta->published, sizeof meta->published, "%s", x.last_seen);
    em_reader_close(r);
    r = NULL;

    /* pass 2: emit */
    r = em_reader_open(path, err);
    if (!r) goto done;
    while ((got = em_reader_getline(r, &line, err)) == 1) {
        size_t from, to;
        const char *s = trimmed(&line, &from, &to);
        party_scan ps;
        memset(&l, 0, sizeof l);
        if (from == to) continue;
        if (scan_party(s + from, to - from, &ps, &w)) { /* a plain party line */
            view_from_scan(&w, &ps);
        } else {
            int k = read_entity(r, &line, &l, err);
            if (k < 0) goto done;
            if (k == 0) continue;
            view_from_json(&w, &l);
        }
        const char *schema = party_of(w.schema);
        em_entity *e = NULL;
        if (schema) {
            e = build_party(&w, schema, &x, source);
        } else if (strcmp(w.schema, "CryptoWallet") == 0) {
            int held = 0;
            strs h = pvalues(&w, "holder");
            for (size_t i = 0; i < h.n; i++)
                held |= keyed_find(&x.ids, h.v[i]) != NULL;
            if (!held) e = build_wallet(&w, source);
        }
        line_free(&l);
        if (e && sink(ctx, e, err) < 0) goto done;
    }
    if (got < 0) goto done;
    rc = 0;
done:
    if (r) em_reader_close(r);
    em_buf_free(&line);
    view_free(&w);
    index_free(&x);
    return rc;
}
