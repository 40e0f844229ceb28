/*
 * matcher.c - opening a matcher: the knowledge tables, and the snapshot of
 * the active lists, compiled on demand into HOME/snapshots/ (named after the
 * active versions and the knowledge files, so a new list version or a new
 * knowledge table gives a new snapshot) and memory-mapped read-only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "index/snapshot.h"
#include "match/matcher_internal.h"
#include "store/paths.h"
#include "store/store_read.h"

static const char *KNOWLEDGE_FILES[] = {"given_names.txt", "particles.txt",     "honorifics.txt",
                                        "legal_forms.tsv", "org_stopwords.txt", "countries.tsv",
                                        "nicknames.txt"};

int em_matcher_load_tables(em_matcher *m, em_error *err) {
    char *dir = em_xasprintf("%s/knowledge", em_bundled_data_dir());
    m->k = em_knowledge_load(dir, err);
    if (m->k) m->countries = em_countries_new(dir, err);
    free(dir);
    return m->k && m->countries ? 0 : -1;
}

/* FNV-1a over the knowledge files: part of the snapshot name */
static uint64_t knowledge_hash(void) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof KNOWLEDGE_FILES / sizeof *KNOWLEDGE_FILES; i++) {
        char *p = em_xasprintf("%s/knowledge/%s", em_bundled_data_dir(), KNOWLEDGE_FILES[i]);
        FILE *f = fopen(p, "rb");
        free(p);
        if (!f) continue;
        int c;
        while ((c = fgetc(f)) != EOF)
            h = (h ^ (unsigned char)c) * 1099511628211ull;
        fclose(f);
    }
    return h;
}

static int sec_ok(const snap_header *h, size_t len, int s, size_t elem) {
    return h->sec[s].off <= len && h->sec[s].len <= len - h->sec[s].off && h->sec[s].off % 4 == 0 &&
           (elem == 0 || h->sec[s].len % elem == 0);
}

int em_matcher_map(em_matcher *m, const char *path, em_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return em_fail(err, EM_ERR_IO, "cannot open snapshot %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || (size_t)sb.st_size < sizeof(snap_header)) {
        close(fd);
        return em_fail(err, EM_ERR_FORMAT, "%s is not an embargo snapshot (too short)", path);
    }
    void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return em_fail(err, EM_ERR_IO, "cannot map %s: %s", path, strerror(errno));
    const snap_header *h = map;
    size_t len = (size_t)sb.st_size;
    int ok = memcmp(h->magic, EM_SNAP_MAGIC, 8) == 0 && h->version == EM_SNAP_VERSION;
    for (int s = 0; ok && s < SEC_COUNT; s++)
        ok = sec_ok(h, len, s, 0);
    ok = ok && sec_ok(h, len, SEC_ENTITIES, sizeof(snap_entity)) &&
         h->sec[SEC_ENTITIES].len / sizeof(snap_entity) == h->n_entities &&
         sec_ok(h, len, SEC_NAMES, sizeof(snap_name)) &&
         h->sec[SEC_NAMES].len / sizeof(snap_name) == h->n_names &&
         sec_ok(h, len, SEC_TOKENS, sizeof(snap_token)) &&
         h->sec[SEC_TOKENS].len / sizeof(snap_token) == h->n_tokens &&
         h->sec[SEC_STRINGS].len > 0 &&
         ((const char *)map)[h->sec[SEC_STRINGS].off + h->sec[SEC_STRINGS].len - 1] == '\0';
    const char *base = map;
    m->strings = base + h->sec[SEC_STRINGS].off;
#define SMAP(field, which)                                                                         \
    (ok = ok &&                                                                                    \
          em_smap_open(&m->field, base + h->sec[which].off, h->sec[which].len, m->strings) == 0)
    SMAP(vocab, SEC_VOCAB);
    SMAP(skel, SEC_SKEL);
    SMAP(groups, SEC_GROUPS);
    SMAP(deletes, SEC_DELETES);
    SMAP(ids, SEC_IDS);
    SMAP(related, SEC_RELATED);
#undef SMAP
    if (!ok) {
        munmap(map, len);
        return em_fail(err, EM_ERR_FORMAT,
                       "%s is not a valid embargo snapshot of this version; delete it and it will "
                       "be rebuilt",
                       path);
    }
    m->map = map;
    m->map_len = len;
    m->h = h;
    m->entities = (const snap_entity *)(base + h->sec[SEC_ENTITIES].off);
    m->dobs = (const snap_dob *)(base + h->sec[SEC_DOBS].off);
    m->countries_v = (const uint16_t *)(base + h->sec[SEC_COUNTRIES].off);
    m->names = (const snap_name *)(base + h->sec[SEC_NAMES].off);
    m->name_tokens = (const uint32_t *)(base + h->sec[SEC_NAME_TOKENS].off);
    m->tokens = (const snap_token *)(base + h->sec[SEC_TOKENS].off);
    m->postings = (const uint32_t *)(base + h->sec[SEC_POSTINGS].off);
    m->max_idf = 1.0f;
    for (uint32_t i = 0; i < h->n_tokens; i++)
        if (m->tokens[i].idf > m->max_idf) m->max_idf = m->tokens[i].idf;
    m->path = em_xstrdup(path);
    return 0;
}

int em_matcher_open_names_only(em_matcher **out, em_error *err) {
    *out = NULL;
    em_matcher *m = em_xcalloc(1, sizeof *m);
    if (em_matcher_load_tables(m, err) != 0) {
        em_matcher_close(m);
        return -1;
    }
    m->max_idf = 1.0f;
    *out = m;
    return 0;
}

int em_matcher_open_file(em_matcher **out, const char *path, em_error *err) {
    *out = NULL;
    em_matcher *m = em_xcalloc(1, sizeof *m);
    if (em_matcher_load_tables(m, err) != 0 || em_matcher_map(m, path, err) != 0) {
        em_matcher_close(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* removes snapshots other than `keep` (readers that still map them keep their pages) */
static void remove_old(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strncmp(de->d_name, "snap-", 5) == 0 && strcmp(de->d_name, keep) != 0 &&
            strstr(de->d_name, ".emb")) {
            char *p = em_xasprintf("%s/%s", dir, de->d_name);
            unlink(p);
            free(p);
        }
    closedir(d);
}

/* "snap-<hash>.emb": the hash of the knowledge files, the snapshot format and
   the active versions, so any of them changing gives a new snapshot */
static void snapshot_name(uint64_t knowledge, const em_buf *stamp, char name[64]) {
    uint64_t h = knowledge ^ ((uint64_t)EM_SNAP_VERSION << 56);
    for (size_t i = 0; i < stamp->len; i++)
        h = (h ^ (unsigned char)stamp->data[i]) * 1099511628211ull;
    snprintf(name, 64, "snap-%016llx.emb", (unsigned long long)h);
}

int em_matcher_open(em_matcher **out, em_store *st, em_error *err) {
    *out = NULL;
    em_matcher *m = em_xcalloc(1, sizeof *m);
    if (em_matcher_load_tables(m, err) != 0) {
        em_matcher_close(m);
        return -1;
    }
    em_buf stamp;
    em_buf_init(&stamp);
    if (em_store_active_stamp(st, &stamp, err) != 0) {
        em_buf_free(&stamp);
        em_matcher_close(m);
        return -1;
    }
    uint64_t kh = knowledge_hash();
    char *dir = em_xasprintf("%s/snapshots", em_store_home(st));
    char name[64];
    snapshot_name(kh, &stamp, name);
    char *path = em_xasprintf("%s/%s", dir, name);
    int rc = 0;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        em_entity_list l = {0};
        int64_t *versions = NULL;
        rc = em_mkdir_p(dir, err);
        if (rc == 0) rc = em_store_load_active(st, &l, &versions, &stamp, err);
        if (rc == 0) {
            /* name the snapshot after what was actually read: the store may have moved on */
            snapshot_name(kh, &stamp, name);
            free(path);
            path = em_xasprintf("%s/%s", dir, name);
            rc = em_snapshot_build(&l, versions, m->k, path, err);
        }
        if (rc == 0) remove_old(dir, name);
        free(versions);
        em_entity_list_free(&l);
    }
    if (rc == 0) rc = em_matcher_map(m, path, err);
    free(path);
    free(dir);
    em_buf_free(&stamp);
    if (rc != 0) {
        em_matcher_close(m);
        return -1;
    }
    *out = m;
    return 0;
}

void em_matcher_close(em_matcher *m) {
    if (!m) return;
    if (m->map) munmap(m->map, m->map_len);
    em_knowledge_free(m->k);
    em_countries_free(m->countries);
    free(m->path);
    free(m);
}

size_t em_matcher_entity_count(const em_matcher *m) {
    return m->h ? m->h->n_entities : 0;
}

char *em_matcher_related(const em_matcher *m, const char *id) {
    em_buf b;
    em_buf_init(&b);
    em_buf_addc(&b, '[');
    uint32_t n = 0;
    const uint32_t *v = m->h && id ? em_smap_get(&m->related, id, &n) : NULL;
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        if (v[i] >= m->h->n_entities) continue;
        const snap_entity *e = &m->entities[v[i]];
        if (b.len > 1) em_buf_addc(&b, ',');
        em_buf_adds(&b, "{\"id\":");
        em_buf_json_str(&b, m->strings + e->id);
        em_buf_adds(&b, ",\"source\":");
        em_buf_json_str(&b, m->strings + e->source);
        em_buf_adds(&b, ",\"caption\":");
        em_buf_json_str(&b, m->strings + e->caption);
        em_buf_adds(&b, ",\"reason\":");
        em_buf_json_str(&b, m->strings + v[i + 1]);
        em_buf_addc(&b, '}');
    }
    em_buf_addc(&b, ']');
    return em_buf_detach(&b);
}

const char *em_matcher_snapshot_path(const em_matcher *m) {
    return m->path;
}
