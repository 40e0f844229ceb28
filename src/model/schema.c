/*
 * schema.c - the schema table (see schema.h).
 */
#include "model/schema.h"

#include <string.h>
#include <strings.h>

/* The stored model writes "Aircraft" (the lists' word); FtM says "Airplane": both are here. */
static const em_schema_info SCHEMAS[] = {
    {"Thing", NULL, EM_PARTY_ANY, "any"},
    {"LegalEntity", "Thing", EM_PARTY_ANY, "legal entity|legal_entity|entity|unknown"},
    {"Person", "LegalEntity", EM_PARTY_PERSON, "individual|natural person|people|human"},
    {"Organization", "LegalEntity", EM_PARTY_ORGANIZATION, "organisation|org|group|body"},
    {"Company", "Organization", EM_PARTY_ORGANIZATION, "business|firm|corporation|enterprise"},
    {"PublicBody", "Organization", EM_PARTY_ORGANIZATION, "public body|government body|agency"},
    {"Vessel", "Thing", EM_PARTY_VESSEL, "ship|boat"},
    {"Airplane", "Thing", EM_PARTY_AIRCRAFT, "aircraft|plane"},
    {"Aircraft", "Thing", EM_PARTY_AIRCRAFT, NULL},
};
#define NSCHEMAS (sizeof SCHEMAS / sizeof SCHEMAS[0])

static int alias_has(const char *aliases, const char *name) {
    size_t n = strlen(name);
    for (const char *p = aliases; p && *p;) {
        size_t k = strcspn(p, "|");
        if (k == n && strncasecmp(p, name, n) == 0) return 1;
        p += k;
        if (*p) p++;
    }
    return 0;
}

const em_schema_info *em_schema_find(const char *name) {
    if (!name || !*name) return NULL;
    for (size_t i = 0; i < NSCHEMAS; i++)
        if (strcasecmp(SCHEMAS[i].name, name) == 0) return &SCHEMAS[i];
    for (size_t i = 0; i < NSCHEMAS; i++)
        if (alias_has(SCHEMAS[i].aliases, name)) return &SCHEMAS[i];
    return NULL;
}

const em_schema_info *em_schema_at(size_t i) {
    return i < NSCHEMAS ? &SCHEMAS[i] : NULL;
}

/* is `s` the schema `anc` or one of its descendants? */
static int descends(const em_schema_info *s, const char *anc) {
    while (s) {
        if (strcmp(s->name, anc) == 0) return 1;
        s = s->parent ? em_schema_find(s->parent) : NULL;
    }
    return 0;
}

int em_schema_matchable(const char *query, const char *listed) {
    const em_schema_info *q = em_schema_find(query), *l = em_schema_find(listed);
    if (!q || !l || q->kind == EM_PARTY_ANY || l->kind == EM_PARTY_ANY) return 1;
    if (q->kind != l->kind) return 0;
    /* the same kind: persons meet persons, organisations of any sub-schema meet each other */
    return q->kind != EM_PARTY_ORGANIZATION || descends(l, "Organization");
}

const char *em_schema_ftm_name(const char *schema) {
    if (schema && strcmp(schema, "Aircraft") == 0) return "Airplane";
    return schema;
}
