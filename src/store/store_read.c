/*
 * store_read.c - bulk reading of the active versions (see store_read.h).
 */
#include "store/store_read.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/error.h"
#include "base/vec.h"
#include "store/store_internal.h"

int em_store_active_stamp(em_store *st, em_buf *stamp, em_error *err) {
    sqlite3_stmt *s =
        em_db_prepare(st, "SELECT id FROM versions WHERE active = 1 ORDER BY id", err);
    if (!s) return -1;
    em_buf_reset(stamp);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        em_buf_printf(stamp, "%sv%lld", stamp->len ? "," : "",
                      (long long)sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return em_db_fail(st, err, "reading the active versions");
    em_buf_cstr(stamp);
    return 0;
}

/* ---- the stored JSON, read without a jansson tree ------------------------------- */

/*
 * The store's JSON is the one em_entity_to_json writes (compact, its keys in
 * the order em_entity_from_json reads them). fast_entity reads that shape
 * straight into an entity, with the same em_entity_add_* calls in the same
 * order as em_entity_from_json, decoding each string in place in a copy of
 * the text. Anything else (another key order, an unknown key, a number, a
 * null, \u0000, a control character, text after the object) makes it give up
 * (NULL), and the row is read through jansson as before: the fast path only
 * ever reads what both would read the same.
 */
typedef struct jcur {
    char *p, *end;
} jcur;

static void jws(jcur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int jeat(jcur *c, char ch) {
    jws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static int jhex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char h = p[i];
        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f')
            v |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            v |= (unsigned)(h - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A string, decoded in place (never longer than its escaped form), NUL-terminated. */
static char *jstr(jcur *c) {
    if (!jeat(c, '"')) return NULL;
    char *out = c->p, *w = c->p, *p = c->p;
    while (p < c->end && *p != '"') {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20) return NULL;
        if (ch != '\\') {
            *w++ = *p++;
            continue;
        }
        if (p + 1 >= c->end) return NULL;
        char x = p[1];
        p += 2;
        switch (x) {
        case '"':
            *w++ = '"';
            break;
        case '\\':
            *w++ = '\\';
            break;
        case '/':
            *w++ = '/';
            break;
        case 'b':
            *w++ = '\b';
            break;
        case 'f':
            *w++ = '\f';
            break;
        case 'n':
            *w++ = '\n';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'u': {
            unsigned u, lo;
            if (c->end - p < 4 || jhex4(p, &u) != 0 || u == 0) return NULL;
            p += 4;
            if (u >= 0xDC00 && u <= 0xDFFF) return NULL;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (c->end - p < 6 || p[0] != '\\' || p[1] != 'u' || jhex4(p + 2, &lo) != 0 ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return NULL;
                p += 6;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (u < 0x80) {
                *w++ = (char)u;
            } else if (u < 0x800) {
                *w++ = (char)(0xC0 | (u >> 6));
                *w++ = (char)(0x80 | (u & 0x3F));
            } else if (u < 0x10000) {
                *w++ = (char)(0xE0 | (u >> 12));
                *w++ = (char)(0x80 | ((u >> 6) & 0x3F));
                *w++ = (char)(0x80 | (u & 0x3F));
            } else {
                *w++ = (char)(0xF0 | (u >> 18));
                *w++ = (char)(0x80 | ((u >> 12) & 0x3F));
                *w++ = (char)(0x80 | ((u >> 6) & 0x3F));
                *w++ = (char)(0x80 | (u & 0x3F));
            }
            break;
        }
        default:
            return NULL;
        }
    }
    if (p >= c->end) return NULL;
    c->p = p + 1;
    *w = '\0'; /* w <= p: inside the string's own bytes */
    return out;
}

/* The index of key s in keys[0..n), or -1. */
static int jkey(const char *s, const char *const *keys, int n) {
    for (int i = 0; i < n; i++)
        if (strcmp(s, keys[i]) == 0) return i;
    return -1;
}

/* An object of string fields named keys[0..n) (each at most once, "circa" may be true or
   false: *circa); vals[i] NULL when absent. Returns 0, or -1 to give up. */
static int jfields(jcur *c, const char *const *keys, int n, const char **vals, int *circa) {
    for (int i = 0; i < n; i++)
        vals[i] = NULL;
    if (circa) *circa = 0;
    int seen_circa = 0;
    if (!jeat(c, '{')) return -1;
    if (jeat(c, '}')) return 0;
    do {
        char *k = jstr(c);
        if (!k || !jeat(c, ':')) return -1;
        jws(c);
        if (circa && strcmp(k, "circa") == 0) {
            if (seen_circa) return -1;
            seen_circa = 1;
            if (c->end - c->p >= 4 && memcmp(c->p, "true", 4) == 0)
                *circa = 1, c->p += 4;
            else if (c->end - c->p >= 5 && memcmp(c->p, "false", 5) == 0)
                c->p += 5;
            else
                return -1;
            continue;
        }
        int i = jkey(k, keys, n);
        if (i < 0 || vals[i]) return -1;
        if (!(vals[i] = jstr(c))) return -1;
    } while (jeat(c, ','));
    return jeat(c, '}') ? 0 : -1;
}

/* An array of strings, each given to add. */
static int jstrings(jcur *c, em_entity *e, void (*add)(em_entity *, const char *)) {
    if (!jeat(c, '[')) return -1;
    if (jeat(c, ']')) return 0;
    do {
        const char *v = jstr(c);
        if (!v) return -1;
        add(e, v);
    } while (jeat(c, ','));
    return jeat(c, ']') ? 0 : -1;
}

enum {
    JK_ID,
    JK_SOURCE,
    JK_SOURCE_ID,
    JK_SCHEMA,
    JK_CAPTION,
    JK_GENDER,
    JK_LISTED,
    JK_REMARKS,
    JK_NAMES,
    JK_DOBS,
    JK_BPLACES,
    JK_NATS,
    JK_CITS,
    JK_ADDRS,
    JK_IDS,
    JK_PROGRAMS,
    JK_LINKS,
    JK_PROPS,
    JK_N
};

static const char *const JKEYS[JK_N] = {
    "id",           "source",    "source_id",   "schema",      "caption",      "gender",
    "listed_on",    "remarks",   "names",       "birth_dates", "birth_places", "nationalities",
    "citizenships", "addresses", "identifiers", "programs",    "links",        "properties"};

/* The scalars, read first, set as em_entity_from_json sets them; -1 without id or source. */
static int jscalars(em_entity *e, const char **sc) {
    if (!sc[JK_ID] || !sc[JK_SOURCE]) return -1;
    e->id = em_xstrdup(sc[JK_ID]);
    e->source = em_xstrdup(sc[JK_SOURCE]);
    e->source_id = em_xstrdup(sc[JK_SOURCE_ID] ? sc[JK_SOURCE_ID] : "");
    e->schema = em_xstrdup(sc[JK_SCHEMA] ? sc[JK_SCHEMA] : EM_SCHEMA_LEGAL_ENTITY);
    em_entity_set(&e->caption, sc[JK_CAPTION]);
    em_entity_set(&e->gender, sc[JK_GENDER]);
    em_entity_set(&e->listed_on, sc[JK_LISTED]);
    em_entity_set(&e->remarks, sc[JK_REMARKS]);
    return 0;
}

static int jvalue(jcur *c, em_entity *e, int k) {
    const char *v[7];
    int circa;
    switch (k) {
    case JK_NAMES:
    case JK_DOBS:
    case JK_ADDRS:
    case JK_IDS:
    case JK_LINKS:
        if (!jeat(c, '[')) return -1;
        if (jeat(c, ']')) return 0;
        do {
            if (k == JK_NAMES) {
                static const char *const f[] = {"full",  "kind",   "strength", "script",
                                                "first", "middle", "last"};
                if (jfields(c, f, 7, v, NULL) != 0) return -1;
                em_name *n = em_entity_add_name(e, v[0], v[1], v[2], v[3]);
                if (!n) continue;
                em_entity_set(&n->first, v[4]);
                em_entity_set(&n->middle, v[5]);
                em_entity_set(&n->last, v[6]);
            } else if (k == JK_DOBS) {
                static const char *const f[] = {"text", "from", "to"};
                if (jfields(c, f, 3, v, &circa) != 0) return -1;
                em_entity_add_birth_date(e, v[0], v[1], v[2], circa);
            } else if (k == JK_ADDRS) {
                static const char *const f[] = {"full",   "street", "city",
                                                "region", "postal", "country"};
                if (jfields(c, f, 6, v, NULL) != 0) return -1;
                em_address *a = em_entity_add_address(e, v[1], v[2], v[3], v[4], v[5]);
                if (a) em_entity_set(&a->full, v[0]);
            } else if (k == JK_IDS) {
                static const char *const f[] = {"type",     "value", "country",
                                                "currency", "label", "note"};
                if (jfields(c, f, 6, v, NULL) != 0) return -1;
                em_identifier *d = em_entity_add_identifier(e, v[0], v[1], v[2], v[4]);
                if (!d) continue;
                em_entity_set(&d->currency, v[3]);
                em_entity_set(&d->note, v[5]);
            } else {
                static const char *const f[] = {"relation", "target_id", "target_name"};
                if (jfields(c, f, 3, v, NULL) != 0) return -1;
                em_entity_add_link(e, v[0], v[1], v[2]);
            }
        } while (jeat(c, ','));
        return jeat(c, ']') ? 0 : -1;
    case JK_BPLACES:
        return jstrings(c, e, em_entity_add_birth_place);
    case JK_NATS:
        return jstrings(c, e, em_entity_add_nationality);
    case JK_CITS:
        return jstrings(c, e, em_entity_add_citizenship);
    case JK_PROGRAMS:
        return jstrings(c, e, em_entity_add_program);
    case JK_PROPS: {
        if (!jeat(c, '{')) return -1;
        if (jeat(c, '}')) return 0;
        size_t first = e->props.len;
        do {
            const char *key = jstr(c);
            if (!key || !*key || !jeat(c, ':') || !jeat(c, '[')) return -1;
            for (size_t i = first; i < e->props.len; i++) /* a key twice: jansson's job */
                if (strcmp(e->props.items[i].key, key) == 0) return -1;
            if (jeat(c, ']')) continue;
            do {
                const char *val = jstr(c);
                if (!val) return -1;
                em_entity_add_prop(e, key, val);
            } while (jeat(c, ','));
            if (!jeat(c, ']')) return -1;
        } while (jeat(c, ','));
        return jeat(c, '}') ? 0 : -1;
    }
    }
    return -1;
}

/* The entity of the stored JSON text s (n bytes, copied into scratch), or NULL to read it
   through jansson. */
static em_entity *fast_entity(const char *s, size_t n, em_buf *scratch) {
    em_buf_reset(scratch);
    em_buf_add(scratch, s, n);
    jcur c = {scratch->data, scratch->data + n};
    em_entity *e = em_xcalloc(1, sizeof *e);
    const char *sc[JK_NAMES] = {0};
    int last = -1, scalars_done = 0;
    if (!jeat(&c, '{')) goto fail;
    if (!jeat(&c, '}')) {
        do {
            char *k = jstr(&c);
            int i = k ? jkey(k, JKEYS, JK_N) : -1;
            if (i <= last || !jeat(&c, ':')) goto fail; /* unknown, repeated or out of order */
            last = i;
            if (i < JK_NAMES) {
                if (!(sc[i] = jstr(&c))) goto fail;
                continue;
            }
            if (!scalars_done && jscalars(e, sc) != 0) goto fail;
            scalars_done = 1;
            if (jvalue(&c, e, i) != 0) goto fail;
        } while (jeat(&c, ','));
        if (!jeat(&c, '}')) goto fail;
    }
    jws(&c);
    if (c.p != c.end || (!scalars_done && jscalars(e, sc) != 0)) goto fail;
    return e;
fail:
    em_entity_free(e);
    return NULL;
}

/* the page cache of a bulk read (KiB) */
#define READ_CACHE_KIB 16384

/* the cache_size the connection had (PRAGMA cache_size: -KiB or pages) */
static void restore_cache(em_store *st, int cache) {
    if (cache < 0 ? cache >= -READ_CACHE_KIB : cache <= 0) return; /* it was not changed */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=%d", cache);
    em_db_exec(st, sql, NULL);
}

/*
 * The bulk read's spool. The JSON is stored by digest (the blob table's key), the
 * entities are wanted in key order: read one by one in that order, each JSON is a
 * random read in a table far larger than any cache (at 1M entities, one 16 KiB page
 * read from the file per entity). So the keys are read first (version, id, digest),
 * the JSON then fetched in the order of the digests (the table's own order: each page
 * read once) and written with its key to a temporary file, one record per entity,
 * which is then read back in the entities' order (small reads from the page cache).
 */
/* Memory of the bulk read's own, mapped apart from malloc: large blocks that malloc
   maps and unmaps would raise its mapping threshold (glibc's is dynamic), and the
   builder's growing tables would then fragment the heap (+25% peak RSS measured) */
typedef struct mblock {
    char *p;
    size_t len, cap;
} mblock;

static void mblock_free(mblock *m) {
    if (m->p) munmap(m->p, m->cap);
    memset(m, 0, sizeof *m);
}

/* room for n more bytes; the block's address may change */
static void *mblock_grow(mblock *m, size_t n) {
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap : (size_t)1 << 20;
        while (cap < m->len + n)
            cap *= 2;
        void *q = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (q == MAP_FAILED) {
            fputs("embargo: out of memory\n", stderr);
            abort();
        }
        if (m->len) memcpy(q, m->p, m->len);
        if (m->p) munmap(m->p, m->cap);
        m->p = q;
        m->cap = cap;
    }
    void *r = m->p + m->len;
    m->len += n;
    return r;
}

typedef struct spool_rec {
    uint64_t off;
    uint32_t len;
} spool_rec;

typedef struct spool {
    FILE *f;
    mblock rec; /* spool_rec per entity, in the entities' order */
    size_t len;
} spool;

static void spool_free(spool *sp) {
    if (sp->f) fclose(sp->f);
    mblock_free(&sp->rec);
    memset(sp, 0, sizeof *sp);
}

typedef struct spool_key {
    size_t id_off, digest_off; /* in the arena, while it grows */
    const char *id, *digest;
    /* the first 8 bytes of id and digest as big-endian numbers, zero-padded: they
       order as memcmp and strcmp do, and are compared before the strings (which lie
       far apart in the arena: a cache miss each) */
    uint64_t id_pre, digest_pre;
    int64_t version;
    uint32_t idn, pos;
} spool_key;

static uint64_t prefix8(const char *s, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (i < n ? (unsigned char)s[i] : 0);
    return v;
}

/* the entities' order: version, then length(id), id (the order the snapshot lists them) */
static int cmp_entity_order(const void *a, const void *b) {
    const spool_key *x = a, *y = b;
    if (x->version != y->version) return x->version < y->version ? -1 : 1;
    if (x->idn != y->idn) return x->idn < y->idn ? -1 : 1;
    if (x->id_pre != y->id_pre) return x->id_pre < y->id_pre ? -1 : 1;
    return memcmp(x->id, y->id, x->idn);
}

static int cmp_digest(const void *a, const void *b) {
    const spool_key *x = a, *y = b;
    if (x->digest_pre != y->digest_pre) return x->digest_pre < y->digest_pre ? -1 : 1;
    int c = strcmp(x->digest, y->digest);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* an unlinked temporary file in the home (beside the store), else in TMPDIR */
static FILE *spool_file(em_store *st) {
    char *path = em_xasprintf("%s/.read-XXXXXX", st->home ? st->home : ".");
    int fd = mkstemp(path);
    FILE *f = NULL;
    if (fd >= 0) {
        unlink(path);
        f = fdopen(fd, "w+b");
        if (!f) close(fd);
    }
    free(path);
    return f ? f : tmpfile();
}

/* Reads the keys of s (version, id, digest; any order), puts them in the entities'
   order, and spools each entity's record (its JSON read in digest order) into sp. */
static int spool_fill(em_store *st, sqlite3_stmt *s, spool *sp, em_error *err) {
    mblock arena = {0}, keyb = {0}; /* each id and digest, NUL-terminated; the keys */
    int step, rc = 0;
    size_t n = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        size_t idn = (size_t)sqlite3_column_bytes(s, 1), dn = (size_t)sqlite3_column_bytes(s, 2);
        spool_key *k = mblock_grow(&keyb, sizeof *k);
        memset(k, 0, sizeof *k);
        k->version = sqlite3_column_int64(s, 0);
        k->idn = (uint32_t)idn;
        k->id_off = arena.len;
        memcpy(mblock_grow(&arena, idn + 1), sqlite3_column_text(s, 1), idn + 1);
        k->id_pre = prefix8((const char *)sqlite3_column_text(s, 1), idn);
        k->digest_off = arena.len;
        memcpy(mblock_grow(&arena, dn + 1), sqlite3_column_text(s, 2), dn + 1);
        k->digest_pre = prefix8((const char *)sqlite3_column_text(s, 2), dn);
        n++;
    }
    if (step != SQLITE_DONE) rc = em_db_fail(st, err, "reading the active lists");
    spool_key *keys = (spool_key *)keyb.p;
    for (size_t i = 0; i < n; i++) {
        keys[i].id = arena.p + keys[i].id_off;
        keys[i].digest = arena.p + keys[i].digest_off;
    }
    if (n) qsort(keys, n, sizeof *keys, cmp_entity_order);
    for (size_t i = 0; i < n; i++)
        keys[i].pos = (uint32_t)i;
    if (n) qsort(keys, n, sizeof *keys, cmp_digest);
    sqlite3_stmt *b =
        rc == 0 && n ? em_db_prepare(st, "SELECT json FROM blobs WHERE digest = ?", err) : NULL;
    if (rc == 0 && n && !b) rc = -1;
    if (rc == 0 && n && !(sp->f = spool_file(st)))
        rc = em_fail(err, EM_ERR_IO, "reading the active lists: no temporary file: %s",
                     strerror(errno));
    spool_rec *rec = NULL;
    if (rc == 0 && n) {
        rec = mblock_grow(&sp->rec, n * sizeof *rec);
        sp->len = n;
    }
    uint64_t at = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const spool_key *k = &keys[i];
        sqlite3_bind_text(b, 1, k->digest, -1, SQLITE_STATIC);
        if (sqlite3_step(b) != SQLITE_ROW) {
            rc = em_fail(err, EM_ERR_STORE, "a stored entity cannot be read; re-import the list");
            break;
        }
        const void *json = sqlite3_column_text(b, 0);
        uint32_t jn = (uint32_t)sqlite3_column_bytes(b, 0);
        uint32_t head[2] = {k->idn, jn};
        if (fwrite(&k->version, 8, 1, sp->f) != 1 || fwrite(head, 4, 2, sp->f) != 2 ||
            fwrite(k->id, 1, k->idn, sp->f) != k->idn || fwrite(json, 1, jn, sp->f) != jn)
            rc = em_fail(err, EM_ERR_IO, "reading the active lists: a temporary file: %s",
                         strerror(errno));
        sqlite3_reset(b);
        rec[k->pos].off = at;
        rec[k->pos].len = 16 + k->idn + jn;
        at += 16 + (uint64_t)k->idn + jn;
    }
    if (b) sqlite3_finalize(b);
    if (rc == 0 && sp->f && fflush(sp->f) != 0)
        rc = em_fail(err, EM_ERR_IO, "reading the active lists: a temporary file: %s",
                     strerror(errno));
    mblock_free(&keyb);
    mblock_free(&arena);
    return rc;
}

/* Streams the entities of the active versions (ids NULL) or of the versions ids[0..n). */
static int each_version(em_store *st, const int64_t *ids, size_t n, em_store_entity_fn fn,
                        void *ctx, em_buf *stamp, em_error *err) {
    if (em_db_exec(st, "BEGIN", err) != 0) return -1; /* one consistent read */
    /* a bulk read: the JSON is read once from a table far larger than any cache (the
       spool below), so the connection's page cache is kept small while it lasts (its
       b-tree pages stay), and set back after */
    int cache = 0;
    sqlite3_stmt *cs = em_db_prepare(st, "PRAGMA cache_size", NULL);
    if (cs && sqlite3_step(cs) == SQLITE_ROW) cache = sqlite3_column_int(cs, 0);
    if (cs) sqlite3_finalize(cs);
    if (cache < 0 ? cache < -READ_CACHE_KIB : cache > 0) em_store_set_cache_kib(st, READ_CACHE_KIB);
    int rc = 0;
    em_buf where;
    em_buf_init(&where);
    if (ids) {
        em_buf_adds(&where, "v.id IN (0");
        for (size_t i = 0; i < n; i++) {
            em_buf_printf(&where, ",%lld", (long long)ids[i]);
            em_buf_printf(stamp, "%sv%lld", i ? "," : "", (long long)ids[i]);
        }
        em_buf_adds(&where, ")");
        em_buf_cstr(stamp);
    } else {
        em_buf_adds(&where, "v.active = 1");
        rc = em_store_active_stamp(st, stamp, err);
    }
    /* within the same read: when each entity was first seen, last changed, last seen */
    em_history_bulk *hb = NULL;
    if (rc == 0) rc = em_history_bulk_new(st, em_buf_cstr(&where), &hb, err);
    /* the keys, in the table's order (spool_fill sorts them) */
    char *sql = em_xasprintf("SELECT ve.version_id, ve.entity_id, ve.digest FROM versions v"
                             " JOIN version_entities ve ON ve.version_id = v.id WHERE %s",
                             em_buf_cstr(&where));
    em_buf_free(&where);
    sqlite3_stmt *s = rc ? NULL : em_db_prepare(st, sql, err);
    free(sql);
    spool sp;
    memset(&sp, 0, sizeof sp);
    if (s) rc = spool_fill(st, s, &sp, err);
    if (s) sqlite3_finalize(s);
    if (!s) rc = -1;
    em_buf scratch, text;
    em_buf_init(&scratch);
    em_buf_init(&text);
    for (size_t i = 0; rc == 0 && i < sp.len; i++) {
        /* the record: version, id length, JSON length, id, JSON */
        em_buf_reset(&text);
        const spool_rec *r = (const spool_rec *)sp.rec.p + i;
        em_buf_reserve(&text, r->len + 1);
        if (pread(fileno(sp.f), text.data, r->len, (off_t)r->off) != (ssize_t)r->len) {
            rc = em_fail(err, EM_ERR_IO, "reading the active lists: a temporary file: %s",
                         strerror(errno));
            break;
        }
        text.len = r->len;
        text.data[text.len] = '\0';
        int64_t version;
        uint32_t idn, jn;
        memcpy(&version, text.data, 8);
        memcpy(&idn, text.data + 8, 4);
        memcpy(&jn, text.data + 12, 4);
        char *id = text.data + 16, *json = id + idn;
        em_entity *e = fast_entity(json, jn, &scratch);
        if (!e) {
            json_error_t je;
            json_t *j = json_loadb(json, jn, 0, &je);
            e = j ? em_entity_from_json(j, err) : NULL;
            json_decref(j);
        }
        if (!e) {
            rc = em_fail(err, EM_ERR_STORE, "a stored entity cannot be read; re-import the list");
            break;
        }
        id[idn] = '\0'; /* the JSON after it is read */
        em_history_bulk_get(hb, id, version, &e->history);
        rc = fn(ctx, e, version, err);
    }
    em_buf_free(&scratch);
    em_buf_free(&text);
    spool_free(&sp);
    em_history_bulk_free(hb);
    em_db_exec(st, "COMMIT", NULL);
    restore_cache(st, cache);
    return rc;
}

int em_store_each_active(em_store *st, em_store_entity_fn fn, void *ctx, em_buf *stamp,
                         em_error *err) {
    return each_version(st, NULL, 0, fn, ctx, stamp, err);
}

int em_store_each_version(em_store *st, const int64_t *ids, size_t n, em_store_entity_fn fn,
                          void *ctx, em_buf *stamp, em_error *err) {
    return each_version(st, ids, n, fn, ctx, stamp, err);
}

/* the list loaders: the stream collected */
typedef struct collect {
    em_entity_list *out;
    int64_t *versions;
    size_t cap;
} collect;

static int collect_one(void *ctx, em_entity *e, int64_t version, em_error *err) {
    (void)err;
    collect *c = ctx;
    c->versions = em_vec_grow_(c->versions, &c->cap, c->out->len, 1, sizeof *c->versions);
    c->versions[c->out->len] = version;
    em_entity_list_push(c->out, e);
    return 0;
}

static int load_versions(em_store *st, const int64_t *ids, size_t n, em_entity_list *out,
                         int64_t **versions, em_buf *stamp, em_error *err) {
    collect c = {out, NULL, 0};
    int rc = each_version(st, ids, n, collect_one, &c, stamp, err);
    *versions = c.versions;
    return rc;
}

int em_store_load_active(em_store *st, em_entity_list *out, int64_t **versions, em_buf *stamp,
                         em_error *err) {
    return load_versions(st, NULL, 0, out, versions, stamp, err);
}

int em_store_load_versions(em_store *st, const int64_t *ids, size_t n, em_entity_list *out,
                           int64_t **versions, em_buf *stamp, em_error *err) {
    return load_versions(st, ids, n, out, versions, stamp, err);
}
