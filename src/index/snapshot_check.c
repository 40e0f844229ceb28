/*
 * snapshot_check.c - the checksum of a snapshot (XXH64) and the one-pass
 * check of every index inside it, run once when a snapshot is opened so that
 * the search hot path may follow indices without bounds checks. What is
 * checked and why: snapshot_format.h.
 */
#include "index/snapshot_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "index/smap.h"
#include "index/snapshot_format.h"

/* ---- XXH64 (Yann Collet's algorithm, seed 0) ------------------------------ */

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t rd64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8); /* the format is little-endian, as are the hosts it runs on */
    return v;
}

static inline uint32_t rd32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t xround(uint64_t acc, uint64_t in) {
    return rotl(acc + in * P2, 31) * P1;
}

static inline uint64_t xmerge(uint64_t h, uint64_t v) {
    return (h ^ xround(0, v)) * P1 + P4;
}

uint64_t em_xxh64(const void *data, size_t len) {
    const unsigned char *p = data, *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
        const unsigned char *limit = end - 32;
        do {
            v1 = xround(v1, rd64(p));
            v2 = xround(v2, rd64(p + 8));
            v3 = xround(v3, rd64(p + 16));
            v4 = xround(v4, rd64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = xmerge(h, v1);
        h = xmerge(h, v2);
        h = xmerge(h, v3);
        h = xmerge(h, v4);
    } else {
        h = P5;
    }
    h += (uint64_t)len;
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ xround(0, rd64(p)), 27) * P1 + P4;
    if (p + 4 <= end) {
        h = rotl(h ^ (uint64_t)rd32(p) * P1, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        h = rotl(h ^ *p * P5, 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

void em_snapshot_seal(void *image, size_t len) {
    snap_header *h = image;
    h->file_len = len;
    h->checksum =
        em_xxh64((const char *)image + EM_SNAP_CHECKSUM_FROM, len - EM_SNAP_CHECKSUM_FROM);
}

/* ---- structure ------------------------------------------------------------ */

static const char *SECTION_NAMES[SEC_COUNT] = {
    "string pool", "entity table", "birth date table", "country table", "name table",
    "name tokens", "token table",  "postings",         "vocabulary",    "skeleton map",
    "variant map", "typo map",     "identifier map",   "related map",   "version table",
    "id map",      "sounds map",   "acronym table"};

#define BAD(...) return (snprintf(why, cap, __VA_ARGS__), EM_SNAP_CORRUPT)

static int check_sections(const snap_header *h, size_t len, char *why, size_t cap) {
    for (int s = 0; s < SEC_COUNT; s++) {
        uint64_t off = h->sec[s].off, n = h->sec[s].len;
        if (off < sizeof *h || off > len || n > len - off)
            BAD("the %s (%llu bytes at %llu) lies outside the file", SECTION_NAMES[s],
                (unsigned long long)n, (unsigned long long)off);
        if (off % 8) BAD("the %s is not aligned", SECTION_NAMES[s]);
    }
    static const struct {
        int sec;
        size_t size;
    } REC[] = {{SEC_ENTITIES, sizeof(snap_entity)}, {SEC_DOBS, sizeof(snap_dob)},
               {SEC_COUNTRIES, sizeof(uint16_t)},   {SEC_NAMES, sizeof(snap_name)},
               {SEC_NAME_TOKENS, sizeof(uint32_t)}, {SEC_TOKENS, sizeof(snap_token)},
               {SEC_POSTINGS, sizeof(uint32_t)},    {SEC_VERSIONS, sizeof(snap_version)},
               {SEC_ACRONYMS, sizeof(snap_acronym)}};
    for (size_t i = 0; i < sizeof REC / sizeof *REC; i++)
        if (h->sec[REC[i].sec].len % REC[i].size)
            BAD("the %s is not a whole number of records", SECTION_NAMES[REC[i].sec]);
    if (h->sec[SEC_ENTITIES].len / sizeof(snap_entity) != h->n_entities)
        BAD("the header counts %u entities, the entity table holds %llu", h->n_entities,
            (unsigned long long)(h->sec[SEC_ENTITIES].len / sizeof(snap_entity)));
    if (h->sec[SEC_NAMES].len / sizeof(snap_name) != h->n_names)
        BAD("the header counts %u names, the name table holds %llu", h->n_names,
            (unsigned long long)(h->sec[SEC_NAMES].len / sizeof(snap_name)));
    if (h->sec[SEC_TOKENS].len / sizeof(snap_token) != h->n_tokens)
        BAD("the header counts %u tokens, the token table holds %llu", h->n_tokens,
            (unsigned long long)(h->sec[SEC_TOKENS].len / sizeof(snap_token)));
    if (h->sec[SEC_STRINGS].len == 0) BAD("the string pool is empty");
    if (h->sec[SEC_VERSIONS].len == 0) BAD("the version table is empty");
    return EM_SNAP_OK;
}

typedef struct view {
    const char *strings;
    uint64_t ns; /* bytes in the pool */
    const snap_entity *entities;
    const snap_dob *dobs;
    const snap_name *names;
    const uint32_t *name_tokens, *postings;
    const snap_token *tokens;
    const snap_version *versions;
    const snap_acronym *acronyms;
    uint64_t ne, nd, nc, nn, nnt, nt, np, nv, na;
    float max_idf; /* the header's */
} view;

static int check_entities(const view *v, char *why, size_t cap) {
    uint64_t next_name = 0, next_dob = 0, next_country = 0;
    for (uint64_t i = 0; i < v->ne; i++) {
        const snap_entity *e = &v->entities[i];
        if (e->id >= v->ns || e->caption >= v->ns || e->schema >= v->ns || e->source >= v->ns ||
            e->programs >= v->ns)
            BAD("entity %llu has a string past the string pool", (unsigned long long)i);
        if (e->name_first != next_name || (next_name += e->name_count) > v->nn)
            BAD("names of entity %llu are not the next %u of the name table", (unsigned long long)i,
                e->name_count);
        if (e->dob_first != next_dob || (next_dob += e->dob_count) > v->nd)
            BAD("birth dates of entity %llu are not the next %u of the birth date table",
                (unsigned long long)i, e->dob_count);
        if (e->country_first != next_country || (next_country += e->country_count) > v->nc)
            BAD("countries of entity %llu are not the next %u of the country table",
                (unsigned long long)i, e->country_count);
        for (uint64_t j = e->name_first; j < next_name; j++)
            if (v->names[j].entity != i)
                BAD("name %llu is listed by entity %llu but points at entity %u",
                    (unsigned long long)j, (unsigned long long)i, v->names[j].entity);
        if (e->schema_kind < SNAP_SCHEMA_PERSON || e->schema_kind > SNAP_SCHEMA_OTHER ||
            e->gender > 2)
            BAD("entity %llu has an unknown schema kind or gender", (unsigned long long)i);
        if (e->first_seen >= v->nv || e->last_change >= v->nv || e->last_seen >= v->nv ||
            e->pad[0] || e->pad[1])
            BAD("the history of entity %llu is not in the version table", (unsigned long long)i);
    }
    for (uint64_t i = 0; i < v->nv; i++)
        if (v->versions[i].imported_at >= v->ns || v->versions[i].pad)
            BAD("version entry %llu has a time past the string pool", (unsigned long long)i);
    if (next_name != v->nn)
        BAD("%llu names belong to no entity", (unsigned long long)(v->nn - next_name));
    if (next_dob != v->nd)
        BAD("%llu birth dates belong to no entity", (unsigned long long)(v->nd - next_dob));
    if (next_country != v->nc)
        BAD("%llu countries belong to no entity", (unsigned long long)(v->nc - next_country));
    for (uint64_t i = 0; i < v->nd; i++) {
        const snap_dob *d = &v->dobs[i];
        if (d->from < 0 || d->from > d->to || d->to > 99991231 || d->precision < 1 ||
            d->precision > 3 || d->circa > 1)
            BAD("birth date %llu is not a date range", (unsigned long long)i);
    }
    return EM_SNAP_OK;
}

static int check_names(const view *v, char *why, size_t cap) {
    uint64_t next = 0;
    for (uint64_t i = 0; i < v->nn; i++) {
        const snap_name *n = &v->names[i];
        if (n->entity >= v->ne)
            BAD("name %llu points past the entity table", (unsigned long long)i);
        if (n->display >= v->ns)
            BAD("name %llu points past the string pool", (unsigned long long)i);
        if (n->tok_first != next || (next += n->tok_count) > v->nnt)
            BAD("tokens of name %llu are not the next %u name tokens", (unsigned long long)i,
                n->tok_count);
        if (n->kind > 3 || n->weak > 1 || n->abjad > 1)
            BAD("name %llu has an unknown kind", (unsigned long long)i);
    }
    if (next != v->nnt)
        BAD("%llu name tokens belong to no name", (unsigned long long)(v->nnt - next));
    for (uint64_t i = 0; i < v->nnt; i++)
        if (v->name_tokens[i] >= v->nt)
            BAD("name token %llu is %u, past the token table", (unsigned long long)i,
                v->name_tokens[i]);
    return EM_SNAP_OK;
}

static int check_tokens(const view *v, char *why, size_t cap) {
    uint64_t next = 0;
    float max_idf = 1.0f;
    for (uint64_t i = 0; i < v->nt; i++) {
        const snap_token *t = &v->tokens[i];
        if (t->str >= v->ns || t->skel >= v->ns)
            BAD("token %llu points past the string pool", (unsigned long long)i);
        /* the pool ends with NUL: strlen stays inside it */
        if (strlen(v->strings + t->str) != t->len)
            BAD("token %llu says %u bytes, its text has %zu", (unsigned long long)i, t->len,
                strlen(v->strings + t->str));
        if (!isfinite(t->idf) || t->idf < 0 || t->idf > 64)
            BAD("token %llu has a weight of %g", (unsigned long long)i, (double)t->idf);
        if (t->idf > max_idf) max_idf = t->idf;
        if (t->post_first != next || t->df != t->post_count || (next += t->post_count) > v->np)
            BAD("postings of token %llu are not the next %u postings", (unsigned long long)i,
                t->post_count);
        const uint32_t *p = v->postings + t->post_first;
        for (uint32_t j = 0; j < t->post_count; j++) {
            if (p[j] >= v->nn)
                BAD("posting %llu points past the name table",
                    (unsigned long long)(t->post_first + j));
            if (j && p[j] <= p[j - 1])
                BAD("postings of token %llu are not in increasing order", (unsigned long long)i);
        }
    }
    if (next != v->np) BAD("%llu postings belong to no token", (unsigned long long)(v->np - next));
    /* what a token no name has weighs (search.c): the builder's value, no other */
    if (!(v->max_idf == max_idf))
        BAD("the header's largest weight is %g, the tokens' %g", (double)v->max_idf,
            (double)max_idf);
    return EM_SNAP_OK;
}

/* The acronym table is binary searched (org.c): strictly increasing (key, name). */
static int check_acronyms(const view *v, char *why, size_t cap) {
    uint64_t prev_key = 0;
    uint32_t prev_name = 0;
    for (uint64_t i = 0; i < v->na; i++) {
        const snap_acronym *a = &v->acronyms[i];
        if (a->key == 0 || a->name >= v->nn || a->pad)
            BAD("acronym entry %llu is not a name's initials", (unsigned long long)i);
        if (i && (a->key < prev_key || (a->key == prev_key && a->name <= prev_name)))
            BAD("acronym entry %llu is out of order", (unsigned long long)i);
        prev_key = a->key;
        prev_name = a->name;
    }
    return EM_SNAP_OK;
}

int em_snapshot_check(const void *image, size_t len, char *why, size_t cap) {
    const snap_header *h = image;
    const char *base = image;
    if (len < sizeof *h || memcmp(h->magic, EM_SNAP_MAGIC, 8) != 0)
        return (snprintf(why, cap, "not an embargo snapshot"), EM_SNAP_FOREIGN);
    if (h->version != EM_SNAP_VERSION)
        return (snprintf(why, cap, "snapshot format %u, this build reads %u", h->version,
                         EM_SNAP_VERSION),
                EM_SNAP_FOREIGN);
    if (h->reserved) BAD("reserved header fields are not zero");
    if (h->file_len != len)
        BAD("%zu bytes where %llu were written", len, (unsigned long long)h->file_len);
    uint64_t sum = em_xxh64(base + EM_SNAP_CHECKSUM_FROM, len - EM_SNAP_CHECKSUM_FROM);
    if (sum != h->checksum)
        BAD("checksum %016llx, written as %016llx", (unsigned long long)sum,
            (unsigned long long)h->checksum);
    int rc = check_sections(h, len, why, cap);
    if (rc) return rc;
    view v = {0};
    v.strings = base + h->sec[SEC_STRINGS].off;
    v.ns = h->sec[SEC_STRINGS].len;
    if (v.strings[v.ns - 1] != '\0') BAD("the string pool does not end with NUL");
    v.entities = (const snap_entity *)(base + h->sec[SEC_ENTITIES].off);
    v.dobs = (const snap_dob *)(base + h->sec[SEC_DOBS].off);
    v.names = (const snap_name *)(base + h->sec[SEC_NAMES].off);
    v.name_tokens = (const uint32_t *)(base + h->sec[SEC_NAME_TOKENS].off);
    v.tokens = (const snap_token *)(base + h->sec[SEC_TOKENS].off);
    v.postings = (const uint32_t *)(base + h->sec[SEC_POSTINGS].off);
    v.versions = (const snap_version *)(base + h->sec[SEC_VERSIONS].off);
    v.acronyms = (const snap_acronym *)(base + h->sec[SEC_ACRONYMS].off);
    v.ne = h->n_entities;
    v.nd = h->sec[SEC_DOBS].len / sizeof(snap_dob);
    v.nc = h->sec[SEC_COUNTRIES].len / sizeof(uint16_t);
    v.nn = h->n_names;
    v.nnt = h->sec[SEC_NAME_TOKENS].len / sizeof(uint32_t);
    v.nt = h->n_tokens;
    v.np = h->sec[SEC_POSTINGS].len / sizeof(uint32_t);
    v.nv = h->sec[SEC_VERSIONS].len / sizeof(snap_version);
    v.na = h->sec[SEC_ACRONYMS].len / sizeof(snap_acronym);
    v.max_idf = h->max_idf;
    if ((rc = check_entities(&v, why, cap)) || (rc = check_names(&v, why, cap)) ||
        (rc = check_tokens(&v, why, cap)) || (rc = check_acronyms(&v, why, cap)))
        return rc;
    static const struct {
        int sec;
        int pairs; /* (entity, reason) */
        int of;    /* 0 tokens, 1 entities */
    } MAPS[] = {{SEC_VOCAB, 0, 0}, {SEC_SKEL, 0, 0},    {SEC_GROUPS, 0, 0}, {SEC_DELETES, 0, 0},
                {SEC_IDS, 0, 1},   {SEC_RELATED, 1, 1}, {SEC_BY_ID, 0, 1},  {SEC_SOUNDS, 0, 1}};
    for (size_t i = 0; i < sizeof MAPS / sizeof *MAPS; i++) {
        int s = MAPS[i].sec;
        char inner[200];
        if (em_smap_check(base + h->sec[s].off, h->sec[s].len, v.ns,
                          MAPS[i].of ? h->n_entities : h->n_tokens, MAPS[i].pairs, inner,
                          sizeof inner) != 0)
            BAD("%s: %s", SECTION_NAMES[s], inner);
    }
    return EM_SNAP_OK;
}
