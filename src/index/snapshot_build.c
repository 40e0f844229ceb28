/*
 * snapshot_build.c - compiles entities into a snapshot file (layout in
 * snapshot_format.h). Every name is tokenised exactly as queries are
 * (text/tokens.c); tokens get document frequencies and IDF weights, and the
 * retrieval maps are filled: token -> names (postings), skeleton -> tokens,
 * variant group -> tokens, one-letter deletions -> tokens (typo neighbours),
 * normalised identifiers -> entities, and entity ids -> entities. Each
 * entity's history (first seen, last change, last seen, from the store) is
 * kept as entries of a small table of the versions it names. Sealed with a checksum over the
 * whole file (snapshot_check.c), written to a temporary file and renamed, so
 * a reader never sees half a snapshot.
 *
 * Entities come one at a time (em_snapshot_builder_add: the store streams
 * them, match/matcher.c), so no list is held whole; the file is written
 * section by section from the builder's own tables, each map freed once
 * written, and never assembled in memory.
 */
#include "index/snapshot.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/vec.h"
#include "index/dates.h"
#include "index/identifiers.h"
#include "index/snapshot_check.h"
#include "index/snapshot_format.h"
#include "match/org.h"
#include "match/weights.h"
#include "text/tokens.h"

/* a key that says "the same party": shared by entities of different lists */
typedef struct link_key {
    char *key;    /* "0un:QDI006" (sorts first: the best reason), "imo:9187629", "nd:ali
                     hassan|19600101" */
    char *reason; /* readable: "UN reference QDi.006" */
    uint32_t entity;
} link_key;

typedef struct builder {
    em_strpool *pool;
    em_normalizer *norm;
    const em_knowledge *k;
    em_countries *countries;
    EM_VEC(snap_entity) entities;
    EM_VEC(snap_dob) dobs;
    EM_VEC(uint16_t) countries_v;
    EM_VEC(snap_name) names;
    EM_VEC(uint32_t) name_tokens;
    EM_VEC(snap_token) tokens;
    EM_VEC(uint8_t) article_keyed; /* per token: its "~" key after the article is in skel */
    uint32_t *postings;            /* all tokens' postings, made from name_tokens by _finish */
    em_smap_builder *vocab, *skel, *groups, *deletes, *ids, *related, *by_id, *sounds;
    EM_VEC(link_key) links;
    EM_VEC(snap_version) versions; /* entry 0: unknown */
} builder;

/* the version table's entry for version `id` imported at `at` (0 when unknown) */
static uint32_t version_entry(builder *b, int64_t id, const char *at) {
    if (!id) return 0;
    for (size_t i = b->versions.len; i-- > 1;) /* a handful of versions: the newest first */
        if (b->versions.items[i].id == id) return (uint32_t)i;
    snap_version sv = {id, em_strpool_add(b->pool, at ? at : ""), 0};
    em_vec_push(b->versions, sv);
    return (uint32_t)(b->versions.len - 1);
}

/* A part after the Arabic article is also found under the phonetic key of the two
   glued (al-Assad: "~LST"), as the scripts that write a name by its sounds glue
   them (알아사드 "alasadeu", アルアサド): search.c finds it by the query part's key. */
static void article_key(builder *b, const em_token *art, const em_token *t, uint32_t tid) {
    if (!(art->flags & EM_TOK_PARTICLE) || (t->flags & (EM_TOK_PARTICLE | EM_TOK_NUMBER)) ||
        (strcmp(art->text, "al") != 0 && strcmp(art->text, "el") != 0) || t->len < 3 ||
        t->len + 3 > 48)
        return;
    while (b->article_keyed.len <= tid)
        em_vec_push(b->article_keyed, 0);
    if (b->article_keyed.items[tid]) return;
    b->article_keyed.items[tid] = 1;
    char glued[48], pk[48], own[48];
    snprintf(glued, sizeof glued, "%s%s", art->text, t->text);
    size_t nk = em_phonetic_key(glued, pk + 1, sizeof pk - 1);
    if (nk < EM_PHONETIC_MIN_KEY) return;
    if (em_phonetic_key(t->text, own, sizeof own) == nk && memcmp(own, pk + 1, nk) == 0) return;
    pk[0] = '~';
    em_smap_add_bulk(b->skel, pk, tid);
}

/* A Latin name of two parts or more is also found by its sound as a whole (its parts
   glued in order, and with the first part last: "HLAING, Min Aung"), in the sounds map
   (key -> entity): a name a script writes by its sounds in one word (Burmese
   မင်းအောင်လှိုင်) or with other word breaks (Мин Аун Хлайн) finds it. */
static void name_sound_keys(builder *b, const em_name_tokens *nt, uint32_t eidx) {
    if (nt->len < 2 || nt->by_sound ||
        (nt->items[0].flags & (EM_TOK_ABJAD | EM_TOK_SYLLABIC | EM_TOK_HEBREW)))
        return;
    char k0[64], k1[64];
    for (size_t first = 0; first < 2; first++) {
        char *k = first ? k1 : k0;
        size_t n = em_name_sound_key(nt->items, nt->len, first, k, sizeof k0);
        if (n < EM_NAME_SOUND_KEY_MIN || (first && strcmp(k0, k1) == 0)) continue;
        em_smap_add_bulk(b->sounds, k, eidx);
    }
}

static uint8_t schema_kind(const char *s) {
    if (strcmp(s, EM_SCHEMA_PERSON) == 0) return SNAP_SCHEMA_PERSON;
    if (strcmp(s, EM_SCHEMA_ORGANIZATION) == 0) return SNAP_SCHEMA_ORG;
    if (strcmp(s, EM_SCHEMA_VESSEL) == 0) return SNAP_SCHEMA_VESSEL;
    if (strcmp(s, EM_SCHEMA_AIRCRAFT) == 0) return SNAP_SCHEMA_AIRCRAFT;
    return SNAP_SCHEMA_OTHER;
}

/* The one-letter deletions of a token of len bytes (at most DELETE_KEY_MAX - 1 of them
   used): the key of the deletion at pos written into del. */
#define DELETE_KEY_MAX (EM_SKEL_MAX * 4)
_Static_assert(DELETE_KEY_MAX <= EM_SMAP_KEY_MAX, "a deletion key fits the map's buffer");
static void delete_key_of(const char *text, size_t n2, size_t pos, char *del) {
    memcpy(del, text, pos);
    memcpy(del + pos, text + pos + 1, n2 - pos - 1);
    del[n2 - 1] = '\0';
}

/* the deletion map's key function (em_smap_builder_key_fn): the key of (token, pos) from
   the token's text in the pool (read again each time: the pool grows as maps fold) */
static void delete_key(void *ctx, uint32_t tid, uint32_t pos, char *del) {
    const builder *b = ctx;
    const snap_token *st = &b->tokens.items[tid];
    size_t n2 = st->len < DELETE_KEY_MAX ? st->len : DELETE_KEY_MAX - 1;
    delete_key_of(em_strpool_data(b->pool)->data + st->str, n2, pos, del);
}

static uint32_t token_id(builder *b, const em_token *t) {
    uint32_t n;
    const uint32_t *hit = em_smap_builder_find(b->vocab, t->text, &n);
    if (hit) return hit[0];
    uint32_t id = (uint32_t)b->tokens.len;
    snap_token st = {0};
    st.str = em_strpool_add(b->pool, t->text);
    st.group = t->group;
    st.skel = em_strpool_add(b->pool, t->skel);
    st.len = t->len;
    st.flags = (uint16_t)t->flags;
    em_vec_push(b->tokens, st);
    em_smap_add(b->vocab, b->pool, t->text, id);
    if (t->skel[0] && !(t->flags & EM_TOK_NUMBER)) em_smap_add_bulk(b->skel, t->skel, id);
    /* the phonetic key, "~" + key, in the same map: how a foreign name written by its
       sounds finds this spelling (em_phonetic_key; a key one class short too for parts
       longer than EM_PHONETIC_MIN_LEN, as align.c meets them) */
    char pk[48];
    size_t nk = 0;
    if (!(t->flags & (EM_TOK_NUMBER | EM_TOK_PHONETIC)) && t->len >= EM_PHONETIC_MIN_LEN &&
        ((nk = em_phonetic_key(t->text, pk + 1, sizeof pk - 1)) >= EM_PHONETIC_MIN_KEY ||
         (nk + 1 == EM_PHONETIC_MIN_KEY && t->len > EM_PHONETIC_MIN_LEN))) {
        pk[0] = '~';
        em_smap_add_bulk(b->skel, pk, id);
    }
    if (t->group) {
        char g[16];
        snprintf(g, sizeof g, "#%u", t->group);
        em_smap_add(b->groups, b->pool, g, id);
    }
    if (t->len >= 4 && !(t->flags & EM_TOK_NUMBER)) {
        /* each deletion kept as (token, position): its key made again from the token's
           text in the pool when the map is folded (delete_key), not held till then */
        char del[DELETE_KEY_MAX];
        size_t n2 = t->len < sizeof del ? t->len : sizeof del - 1;
        for (size_t i = 0; i < n2; i++) {
            delete_key_of(t->text, n2, i, del);
            em_smap_add_bulk_ref(b->deletes, em_hash_str(del), id, (uint32_t)i);
        }
    }
    return id;
}

static void add_country(builder *b, snap_entity *se, const char *name) {
    char code[3];
    if (!name || em_country_code(b->countries, b->norm, name, code) != 0) return;
    uint16_t c = (uint16_t)((code[0] << 8) | code[1]);
    for (size_t i = se->country_first; i < b->countries_v.len; i++)
        if (b->countries_v.items[i] == c) return;
    em_vec_push(b->countries_v, c);
    se->country_count++;
}

static void add_link_key(builder *b, uint32_t eidx, const char *kind, const char *value,
                         const char *label) {
    char key[300];
    if (em_identifier_key(value, key, sizeof key) != 0) return;
    link_key lk = {em_xasprintf("%s:%s", kind, key), em_xasprintf("%s %s", label, value), eidx};
    em_vec_push(b->links, lk);
}

/* The facts that identify a party across lists: a UN reference number, strong
   identifiers, and for people the same full name with the same full birth date. */
static void collect_link_keys(builder *b, const em_entity *e, uint32_t eidx) {
    for (size_t i = 0; i < e->props.len; i++)
        if (strcmp(e->props.items[i].key, "un_reference") == 0)
            add_link_key(b, eidx, "0un", e->props.items[i].value, "UN reference");
    static const struct {
        const char *type, *label;
    } STRONG[] = {{EM_ID_IMO, "IMO"},           {EM_ID_MMSI, "MMSI"},
                  {EM_ID_PASSPORT, "passport"}, {EM_ID_NATIONAL, "national ID"},
                  {EM_ID_BIC, "BIC"},           {EM_ID_CRYPTO, "wallet"},
                  {EM_ID_TAX, "tax ID"},        {EM_ID_REGISTRATION, "registration number"}};
    for (size_t i = 0; i < e->identifiers.len; i++) {
        const em_identifier *d = &e->identifiers.items[i];
        for (size_t k = 0; k < sizeof STRONG / sizeof *STRONG; k++)
            if (strcmp(d->type, STRONG[k].type) == 0) {
                char v[256];
                const char *val = d->value;
                if (!strcmp(d->type, EM_ID_IMO) && !strncasecmp(val, "IMO", 3)) val += 3;
                snprintf(v, sizeof v, "%s", val);
                /* short numbers collide by chance: only 6+ characters link */
                char key[300];
                if (em_identifier_key(v, key, sizeof key) == 0 && strlen(key) >= 6)
                    add_link_key(b, eidx, STRONG[k].type, v, STRONG[k].label);
            }
    }
    if (strcmp(e->schema, EM_SCHEMA_PERSON) != 0 || !e->caption) return;
    char *name = em_normalize_key(b->norm, e->caption);
    for (size_t i = 0; i < e->birth_dates.len && *name; i++) {
        const em_date *d = &e->birth_dates.items[i];
        int32_t f, t;
        if (em_date_range(d->from, &f, &t) != 3 || (d->to && strcmp(d->to, d->from) != 0)) continue;
        link_key lk = {em_xasprintf("nd:%s|%d", name, f),
                       em_xasprintf("same name and birth date %s", d->from), eidx};
        em_vec_push(b->links, lk);
    }
    free(name);
}

static int cmp_link(const void *x, const void *y) {
    const link_key *a = x, *c = y;
    int r = strcmp(a->key, c->key);
    return r ? r : (a->entity > c->entity) - (a->entity < c->entity);
}

/* Entities sharing a key on different lists are the same party: each one lists the others. */
static void build_related(builder *b) {
    if (b->links.len) qsort(b->links.items, b->links.len, sizeof *b->links.items, cmp_link);
    for (size_t i = 0; i < b->links.len;) {
        size_t j = i;
        while (j < b->links.len && strcmp(b->links.items[j].key, b->links.items[i].key) == 0)
            j++;
        if (j - i >= 2 && j - i <= 16) { /* a key shared by dozens is not an identity */
            for (size_t x = i; x < j; x++)
                for (size_t y = i; y < j; y++) {
                    uint32_t ex = b->links.items[x].entity, ey = b->links.items[y].entity;
                    if (ex == ey) continue;
                    const snap_entity *a = &b->entities.items[ex], *c = &b->entities.items[ey];
                    if (a->source == c->source) continue; /* other lists only */
                    const char *id = em_strpool_data(b->pool)->data + a->id;
                    char *idc = em_xstrdup(id); /* the pool may move while adding */
                    uint32_t n;
                    const uint32_t *have = em_smap_builder_find(b->related, idc, &n);
                    int dup = 0;
                    for (uint32_t k = 0; k + 1 < n; k += 2)
                        dup |= have[k] == ey;
                    if (!dup) {
                        uint32_t reason = em_strpool_add(b->pool, b->links.items[y].reason);
                        em_smap_add(b->related, b->pool, idc, ey);
                        em_smap_add(b->related, b->pool, idc, reason);
                    }
                    free(idc);
                }
        }
        i = j;
    }
    for (size_t i = 0; i < b->links.len; i++)
        free(b->links.items[i].key), free(b->links.items[i].reason);
    free(b->links.items);
}

static void add_entity(builder *b, const em_entity *e, int64_t version) {
    uint32_t eidx = (uint32_t)b->entities.len;
    snap_entity se = {0};
    se.id = em_strpool_add(b->pool, e->id);
    se.caption = em_strpool_add(b->pool, e->caption);
    se.schema = em_strpool_add(b->pool, e->schema);
    se.source = em_strpool_add(b->pool, e->source);
    em_buf progs;
    em_buf_init(&progs);
    for (size_t i = 0; i < e->programs.len; i++) {
        if (i) em_buf_adds(&progs, "; ");
        em_buf_adds(&progs, e->programs.items[i]);
    }
    se.programs = em_strpool_add(b->pool, em_buf_cstr(&progs));
    em_buf_free(&progs);
    se.version = version;
    const em_entity_history *h = &e->history;
    se.first_seen = version_entry(b, h->first_seen_version, h->first_seen);
    se.last_change = version_entry(b, h->last_change_version, h->last_change);
    se.last_seen = version_entry(b, h->last_seen_version, h->last_seen);
    se.schema_kind = schema_kind(e->schema);
    se.gender = e->gender ? (strcmp(e->gender, "male") == 0     ? 1
                             : strcmp(e->gender, "female") == 0 ? 2
                                                                : 0)
                          : 0;
    se.dob_first = (uint32_t)b->dobs.len;
    for (size_t i = 0; i < e->birth_dates.len; i++) {
        const em_date *d = &e->birth_dates.items[i];
        int32_t f1, t1, f2, t2;
        int p = em_date_range(d->from, &f1, &t1);
        if (!p) continue;
        if (!em_date_range(d->to ? d->to : d->from, &f2, &t2)) t2 = t1;
        snap_dob sd = {f1, t2 > t1 ? t2 : t1, (uint8_t)p, (uint8_t)(d->circa != 0), {0}};
        em_vec_push(b->dobs, sd);
        se.dob_count++;
    }
    se.country_first = (uint32_t)b->countries_v.len;
    for (size_t i = 0; i < e->nationalities.len; i++)
        add_country(b, &se, e->nationalities.items[i]);
    for (size_t i = 0; i < e->citizenships.len; i++)
        add_country(b, &se, e->citizenships.items[i]);
    for (size_t i = 0; i < e->addresses.len; i++)
        add_country(b, &se, e->addresses.items[i].country);
    int kind = se.schema_kind == SNAP_SCHEMA_PERSON ? EM_KIND_PERSON : EM_KIND_ORG;
    se.name_first = (uint32_t)b->names.len;
    for (size_t i = 0; i < e->names.len; i++) {
        const em_name *n = &e->names.items[i];
        em_name_tokens nt;
        em_tokenize_name(b->norm, b->k, n->full, kind, &nt);
        if (nt.len == 0) {
            em_name_tokens_free(&nt);
            continue;
        }
        snap_name sn = {0};
        sn.entity = eidx;
        sn.display = em_strpool_add(b->pool, n->full);
        sn.tok_first = (uint32_t)b->name_tokens.len;
        sn.tok_count = (uint8_t)nt.len;
        sn.kind = strcmp(n->kind, EM_NAME_PRIMARY) == 0 ? 0
                  : strcmp(n->kind, EM_NAME_FKA) == 0   ? 2
                  : strcmp(n->kind, EM_NAME_NKA) == 0   ? 3
                                                        : 1;
        sn.weak = n->strength && strcmp(n->strength, "weak") == 0;
        sn.abjad = (uint8_t)nt.abjad;
        em_vec_push(b->names, sn);
        for (size_t j = 0; j < nt.len; j++) {
            uint32_t tid = token_id(b, &nt.items[j]);
            em_vec_push(b->name_tokens, tid);
            if (j > 0) article_key(b, &nt.items[j - 1], &nt.items[j], tid);
        }
        name_sound_keys(b, &nt, eidx);
        se.name_count++;
        em_name_tokens_free(&nt);
    }
    for (size_t i = 0; i < e->identifiers.len; i++) {
        char key[256];
        const em_identifier *d = &e->identifiers.items[i];
        if (em_identifier_key(d->value, key, sizeof key) == 0) em_smap_add_bulk(b->ids, key, eidx);
        if (strcmp(d->type, EM_ID_IMO) == 0 || strcmp(d->type, EM_ID_MMSI) == 0) {
            char pref[300];
            snprintf(pref, sizeof pref, "%s%s", strcmp(d->type, EM_ID_IMO) == 0 ? "IMO" : "MMSI",
                     key);
            em_smap_add_bulk(b->ids, pref, eidx);
        }
    }
    em_vec_push(b->entities, se);
    em_smap_add_bulk(b->by_id, e->id, eidx);
    collect_link_keys(b, e, eidx);
}

struct em_snapshot_builder {
    builder b;
};

em_snapshot_builder *em_snapshot_builder_new(const em_knowledge *k, em_error *err) {
    em_snapshot_builder *sb = em_xcalloc(1, sizeof *sb);
    builder *b = &sb->b;
    b->pool = em_strpool_new();
    b->norm = em_normalizer_new(err);
    b->k = k;
    char *kdir = em_xasprintf("%s/knowledge", em_bundled_data_dir());
    b->countries = em_countries_new(kdir, err);
    free(kdir);
    if (!b->norm || !b->countries) {
        em_normalizer_free(b->norm);
        em_countries_free(b->countries);
        em_strpool_free(b->pool);
        free(sb);
        return NULL;
    }
    b->vocab = em_smap_builder_new();
    b->skel = em_smap_builder_new();
    b->groups = em_smap_builder_new();
    b->deletes = em_smap_builder_new();
    em_smap_builder_key_fn(b->deletes, delete_key, b);
    b->ids = em_smap_builder_new();
    b->related = em_smap_builder_new();
    b->by_id = em_smap_builder_new();
    b->sounds = em_smap_builder_new();
    snap_version none = {0, em_strpool_add(b->pool, ""), 0};
    em_vec_push(b->versions, none);
    return sb;
}

void em_snapshot_builder_add(em_snapshot_builder *sb, const em_entity *e, int64_t version) {
    add_entity(&sb->b, e, version);
}

size_t em_snapshot_builder_count(const em_snapshot_builder *sb) {
    return sb->b.entities.len;
}

static void builder_release(builder *b) {
    free(b->postings);
    for (size_t i = 0; i < b->links.len; i++)
        free(b->links.items[i].key), free(b->links.items[i].reason);
    free(b->links.items);
    free(b->entities.items), free(b->dobs.items), free(b->countries_v.items), free(b->names.items);
    free(b->name_tokens.items), free(b->tokens.items), free(b->versions.items);
    free(b->article_keyed.items);
    em_smap_builder_free(b->vocab), em_smap_builder_free(b->skel), em_smap_builder_free(b->groups);
    em_smap_builder_free(b->deletes), em_smap_builder_free(b->ids);
    em_smap_builder_free(b->related), em_smap_builder_free(b->by_id);
    em_smap_builder_free(b->sounds);
    em_strpool_free(b->pool);
    em_normalizer_free(b->norm);
    em_countries_free(b->countries);
    memset(b, 0, sizeof *b);
}

void em_snapshot_builder_free(em_snapshot_builder *sb) {
    if (!sb) return;
    builder_release(&sb->b);
    free(sb);
}

/* The file is written section by section straight from the builder's tables
   (no image of the whole snapshot in memory), then sealed: its length and
   checksum read back through a mapping and written into the header. */
typedef struct out_file {
    FILE *f;
    uint64_t len;
    int failed;
} out_file;

static void out_write(out_file *o, const void *p, size_t n) {
    if (o->failed || !n) return;
    if (fwrite(p, 1, n, o->f) != n)
        o->failed = 1;
    else
        o->len += n;
}

static void out_align8(out_file *o) {
    static const char zero[8] = {0};
    if (o->len % 8) out_write(o, zero, 8 - o->len % 8);
}

static void out_section(out_file *o, snap_header *h, int sec, const void *p, size_t n) {
    out_align8(o);
    h->sec[sec].off = o->len;
    out_write(o, p, n);
    h->sec[sec].len = n;
}

static void out_piece(void *o, const void *p, size_t n) {
    out_write(o, p, n);
}

static void out_smap(out_file *o, snap_header *h, int sec, em_smap_builder **m, em_strpool *pool) {
    em_smap_builder_fold(*m, pool); /* its bulk pairs into lists, keys into the pool */
    out_align8(o);
    h->sec[sec].off = o->len;
    em_smap_write(*m, out_piece, o); /* straight into the file */
    h->sec[sec].len = o->len - h->sec[sec].off;
    em_smap_builder_free(*m); /* done with it: its memory goes back before the next map */
    *m = NULL;
}

/* Seals the file of len bytes at fd: file length and checksum into the header. */
static int seal_file(int fd, uint64_t len) {
    void *map = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) return -1;
    madvise(map, (size_t)len, MADV_SEQUENTIAL);
    em_snapshot_seal(map, (size_t)len);
    int rc = msync(map, (size_t)len, MS_SYNC);
    munmap(map, (size_t)len);
    return rc;
}

int em_snapshot_builder_finish(em_snapshot_builder *sb, const char *path, em_error *err) {
    builder *b = &sb->b;
    build_related(b);
    b->links.items = NULL, b->links.len = 0;
    /* no more names to tokenise: the normaliser (its memo, ICU's rules) goes */
    em_normalizer_free(b->norm), em_countries_free(b->countries);
    b->norm = NULL, b->countries = NULL;
    free(b->article_keyed.items);
    b->article_keyed.items = NULL, b->article_keyed.len = b->article_keyed.cap = 0;
    size_t nt = b->tokens.len, nn = b->names.len;

    int rc = 0;
    /* "<path>.tmp.<pid>.<unique>": two processes, or two threads of one, may build the
       same snapshot at once; matcher.c leaves a living process's file alone */
    char *tmp = em_xasprintf("%s.tmp.%ld.XXXXXX", path, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd >= 0) fchmod(fd, 0644); /* as fopen made it: readable by the server's user */
    out_file o = {fd >= 0 ? fdopen(fd, "w+b") : NULL, 0, 0};
    if (fd >= 0 && !o.f) {
        close(fd);
        unlink(tmp);
    }
    if (!o.f) {
        rc = em_fail(err, EM_ERR_IO, "cannot write snapshot %s: %s", tmp, strerror(errno));
        free(tmp);
        em_snapshot_builder_free(sb);
        return rc;
    }
    snap_header h = {0};
    memcpy(h.magic, EM_SNAP_MAGIC, 8);
    h.version = EM_SNAP_VERSION;
    h.n_entities = (uint32_t)b->entities.len;
    h.n_names = (uint32_t)b->names.len;
    h.n_tokens = (uint32_t)b->tokens.len;
    out_write(&o, &h, sizeof h); /* rewritten with the sections' places at the end */
    out_smap(&o, &h, SEC_VOCAB, &b->vocab, b->pool);
    out_smap(&o, &h, SEC_SKEL, &b->skel, b->pool);
    out_smap(&o, &h, SEC_GROUPS, &b->groups, b->pool);
    out_smap(&o, &h, SEC_DELETES, &b->deletes, b->pool);
    out_smap(&o, &h, SEC_IDS, &b->ids, b->pool);
    out_smap(&o, &h, SEC_RELATED, &b->related, b->pool);
    out_smap(&o, &h, SEC_BY_ID, &b->by_id, b->pool);
    out_smap(&o, &h, SEC_SOUNDS, &b->sounds, b->pool);
    /* the postings and weights once the maps are written and freed: not beside them at
       the compile's peak (the maps' folding) */
    double n_names = (double)(nn ? nn : 1);
    uint32_t post_total = 0;
    float max_idf = 1.0f; /* the weight of a token no name has, if larger */
    {
        /* postings laid out token by token, each token's names in name order (a name once,
           however often the token is in it), counted then filled from name_tokens: one
           array, no vector per token; then document frequencies and IDF */
        uint32_t *start = em_xcalloc(nt + 1, sizeof *start);       /* token -> first posting */
        uint32_t *seen = em_xmalloc((nt ? nt : 1) * sizeof *seen); /* token -> last name + 1 */
        memset(seen, 0, (nt ? nt : 1) * sizeof *seen);
        for (int pass = 0; pass < 2; pass++) {
            uint32_t *post = pass ? em_xmalloc((start[nt] ? start[nt] : 1) * sizeof *post) : NULL;
            for (size_t i = 0; i < nn; i++) {
                size_t from = b->names.items[i].tok_first,
                       to = i + 1 < nn ? b->names.items[i + 1].tok_first : b->name_tokens.len;
                for (size_t j = from; j < to; j++) {
                    uint32_t t = b->name_tokens.items[j];
                    if (seen[t] == i + 1) continue;
                    seen[t] = (uint32_t)(i + 1);
                    if (pass)
                        post[start[t]++] = (uint32_t)i;
                    else
                        start[t + 1]++;
                }
            }
            if (!pass) { /* counts -> starts */
                for (size_t t = 0; t < nt; t++)
                    start[t + 1] += start[t];
                memset(seen, 0, (nt ? nt : 1) * sizeof *seen);
            } else {
                b->postings = post; /* start[t] is now the end of t's postings */
            }
        }
        free(seen);
        for (size_t t = 0; t < nt; t++) {
            snap_token *st = &b->tokens.items[t];
            uint32_t df = start[t] - post_total;
            st->df = df;
            st->idf = (float)log(1.0 + n_names / (double)(df ? df : 1));
            if (st->idf > max_idf) max_idf = st->idf;
            st->post_first = post_total;
            st->post_count = df;
            post_total += df;
        }
        free(start);
    }
    h.max_idf = max_idf;
    /* the organisation names by their initials (the pool no longer moves) */
    snap_acronym *acronyms = NULL;
    size_t n_acronyms =
        em_org_acronyms_compute(b->entities.items, b->names.items, nn, b->name_tokens.items,
                                b->tokens.items, em_strpool_data(b->pool)->data, &acronyms);
    out_section(&o, &h, SEC_ENTITIES, b->entities.items,
                b->entities.len * sizeof *b->entities.items);
    out_section(&o, &h, SEC_DOBS, b->dobs.items, b->dobs.len * sizeof *b->dobs.items);
    out_section(&o, &h, SEC_COUNTRIES, b->countries_v.items,
                b->countries_v.len * sizeof *b->countries_v.items);
    out_section(&o, &h, SEC_NAMES, b->names.items, b->names.len * sizeof *b->names.items);
    out_section(&o, &h, SEC_NAME_TOKENS, b->name_tokens.items,
                b->name_tokens.len * sizeof *b->name_tokens.items);
    out_section(&o, &h, SEC_TOKENS, b->tokens.items, b->tokens.len * sizeof *b->tokens.items);
    out_align8(&o);
    h.sec[SEC_POSTINGS].off = o.len;
    out_write(&o, b->postings, (size_t)post_total * sizeof *b->postings);
    free(b->postings);
    b->postings = NULL;
    h.sec[SEC_POSTINGS].len = (uint64_t)post_total * sizeof(uint32_t);
    out_section(&o, &h, SEC_VERSIONS, b->versions.items,
                b->versions.len * sizeof *b->versions.items);
    out_section(&o, &h, SEC_ACRONYMS, acronyms, n_acronyms * sizeof *acronyms);
    free(acronyms);
    const em_buf *strings = em_strpool_data(b->pool);
    out_section(&o, &h, SEC_STRINGS, strings->data, strings->len);
    uint64_t len = o.len;
    em_snapshot_builder_free(sb); /* before the seal maps the file */
#ifdef __GLIBC__
    /* the builder's tables were hundreds of megabytes at a million entities, freed in
       pieces amid the heap: glibc keeps such memory (150 MB at 1M); a server that
       compiles in its own process gives it back before it maps the snapshot */
    malloc_trim(0);
#endif
    if (!o.failed && (fseek(o.f, 0, SEEK_SET) != 0 || fwrite(&h, 1, sizeof h, o.f) != sizeof h))
        o.failed = 1;
    if (!o.failed && fflush(o.f) != 0) o.failed = 1;
    if (o.failed || seal_file(fileno(o.f), len) != 0 || fsync(fileno(o.f)) != 0) {
        rc = em_fail(err, EM_ERR_IO, "cannot write snapshot %s: %s", tmp, strerror(errno));
        fclose(o.f);
        unlink(tmp);
    } else if (fclose(o.f) != 0 || rename(tmp, path) != 0) {
        rc = em_fail(err, EM_ERR_IO, "cannot install snapshot %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int em_snapshot_build(const em_entity_list *entities, const int64_t *versions,
                      const em_knowledge *k, const char *path, em_error *err) {
    em_snapshot_builder *sb = em_snapshot_builder_new(k, err);
    if (!sb) return -1;
    for (size_t i = 0; i < entities->len; i++)
        em_snapshot_builder_add(sb, entities->items[i], versions ? versions[i] : 0);
    return em_snapshot_builder_finish(sb, path, err);
}
