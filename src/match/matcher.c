/*
 * matcher.c - opening a matcher: the knowledge tables, and the snapshot of
 * the active lists, compiled on demand into HOME/snapshots/ (named after the
 * active versions and the knowledge files, so a new list version or a new
 * knowledge table gives a new snapshot) and memory-mapped read-only. A
 * snapshot is checked whole before it is used (checksum and every index,
 * index/snapshot_check.c); through the store, one that fails is deleted and
 * built again.
 */
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bigmem.h"
#include "base/error.h"
#include "index/snapshot.h"
#include "index/snapshot_check.h"
#include "match/matcher_build.h"
#include "match/matcher_internal.h"
#include "match/org.h"
#include "match/tables.h"
#include "store/paths.h"
#include "store/store_read.h"

int em_matcher_load_tables(em_matcher *m, em_error *err) {
    m->tables = em_tables_acquire(err);
    if (!m->tables) return -1;
    m->knowledge_id = em_tables_id(m->tables);
    m->k = em_tables_knowledge(m->tables);
    m->countries = em_tables_countries(m->tables);
    return 0;
}

/* Maps a snapshot and checks it whole (snapshot_check.c) before anything reads it: a file
   that fails is unmapped and refused, never searched. */
int em_matcher_map(em_matcher *m, const char *path, em_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return em_fail(err, EM_ERR_IO, "cannot open snapshot %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || (size_t)sb.st_size < sizeof(snap_header)) {
        close(fd);
        return em_fail(err, EM_ERR_FORMAT,
                       "snapshot %s is corrupt (%lld bytes, shorter than its header); delete it, "
                       "it will be rebuilt",
                       path, (long long)sb.st_size);
    }
    void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return em_fail(err, EM_ERR_IO, "cannot map %s: %s", path, strerror(errno));
    const snap_header *h = map;
    size_t len = (size_t)sb.st_size;
    em_bigmem_advise(map, len);
    char why[300];
    int rc = em_snapshot_check(map, len, why, sizeof why);
    const char *base = map;
    int ok = rc == EM_SNAP_OK;
    if (ok) m->strings = base + h->sec[SEC_STRINGS].off;
#define SMAP(field, which)                                                                         \
    (ok = ok &&                                                                                    \
          em_smap_open(&m->field, base + h->sec[which].off, h->sec[which].len, m->strings) == 0)
    SMAP(vocab, SEC_VOCAB);
    SMAP(skel, SEC_SKEL);
    SMAP(groups, SEC_GROUPS);
    SMAP(deletes, SEC_DELETES);
    SMAP(ids, SEC_IDS);
    SMAP(related, SEC_RELATED);
    SMAP(sounds, SEC_SOUNDS);
#undef SMAP
    if (!ok) {
        munmap(map, len);
        m->strings = NULL;
        if (rc == EM_SNAP_FOREIGN)
            return em_fail(err, EM_ERR_FORMAT,
                           "%s is not a snapshot this version of embargo reads (%s); delete it, "
                           "it will be rebuilt",
                           path, why);
        return em_fail(err, EM_ERR_FORMAT,
                       "snapshot %s is corrupt (%s); delete it, it will be rebuilt", path,
                       rc == EM_SNAP_OK ? "a map header" : why);
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
    m->max_idf = h->max_idf; /* the builder's, checked */
    m->path = em_xstrdup(path);
    m->acronyms = em_org_acronyms_open(m);
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

/* 1 for a snapshot another process is still writing: "snap-<hash>.emb.tmp.<pid>.<x>"
   (snapshot_build.c) whose process lives */
static int being_written(const char *name) {
    const char *t = strstr(name, ".emb.tmp.");
    if (!t) return 0;
    char *end;
    long pid = strtol(t + 9, &end, 10);
    if (*end != '.' || pid <= 0) return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* removes snapshots other than `keep` (readers that still map them keep their pages),
   and what a process that died left half written; not what another process (an import
   beside a server, both compiling) is writing now: it would find its file gone */
static void remove_old(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strncmp(de->d_name, "snap-", 5) == 0 && strcmp(de->d_name, keep) != 0 &&
            strstr(de->d_name, ".emb") && !being_written(de->d_name)) {
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

/* the store's stream into a snapshot builder, one entity at a time */
static int build_one(void *ctx, em_entity *e, int64_t version, em_error *err) {
    (void)err;
    em_snapshot_builder_add(ctx, e, version);
    em_entity_free(e);
    return 0;
}

/* Streams the store's versions (ids[0..n), or the active ones when ids is NULL) into a
   snapshot builder (*out; the caller finishes it); the entities are never held as a list. */
static int stream_snapshot(em_matcher *m, em_store *st, const int64_t *ids, size_t n, em_buf *stamp,
                           em_snapshot_builder **out, em_error *err) {
    *out = NULL;
    em_snapshot_builder *sb = em_snapshot_builder_new(m->k, err);
    if (!sb) return -1;
    int rc = ids ? em_store_each_version(st, ids, n, build_one, sb, stamp, err)
                 : em_store_each_active(st, build_one, sb, stamp, err);
    em_store_release_memory(st); /* the pages of the read: before the builder writes */
    if (rc != 0) {
        em_snapshot_builder_free(sb);
        return -1;
    }
    *out = sb;
    return 0;
}

/* Builds the snapshot of the store's active versions into dir; *path becomes the file built,
   named after the versions actually read (the store may have moved on). */
static int build_snapshot(em_matcher *m, em_store *st, const char *dir, uint64_t kh, em_buf *stamp,
                          char **path, em_error *err) {
    char name[64];
    em_snapshot_builder *sb = NULL;
    int rc = em_mkdir_p(dir, err);
    if (rc == 0) rc = stream_snapshot(m, st, NULL, 0, stamp, &sb, err);
    if (rc == 0) {
        snapshot_name(kh, stamp, name);
        free(*path);
        *path = em_xasprintf("%s/%s", dir, name);
        rc = em_snapshot_builder_finish(sb, *path, err);
    }
    if (rc == 0) remove_old(dir, name);
    return rc;
}

int em_matcher_open(em_matcher **out, em_store *st, em_error *err) {
    *out = NULL;
    em_matcher *m = em_xcalloc(1, sizeof *m);
    if (em_matcher_load_tables(m, err) != 0) {
        em_matcher_close(m);
        return -1;
    }
    /* a home without lists would answer "no match" for everyone */
    if (em_store_require_lists(st, err) != 0) {
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
    uint64_t kh = m->knowledge_id;
    char *dir = em_xasprintf("%s/snapshots", em_store_home(st));
    char name[64];
    snapshot_name(kh, &stamp, name);
    char *path = em_xasprintf("%s/%s", dir, name);
    /* a snapshot that is damaged, or of another format, is never trusted: it is deleted
       and built again from the store */
    int rc = 1;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        em_error merr = {0};
        rc = em_matcher_map(m, path, &merr);
        if (rc != 0 && merr.code == EM_ERR_FORMAT) {
            unlink(path);
            rc = 1;
        } else if (rc != 0 && err) {
            *err = merr;
        }
    }
    if (rc == 1) {
        rc = build_snapshot(m, st, dir, kh, &stamp, &path, err);
        if (rc == 0) rc = em_matcher_map(m, path, err);
    }
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

void em_matcher_unmap(em_matcher *m) {
    if (m->map) munmap(m->map, m->map_len);
    free(m->path);
    em_org_acronyms_free(m->acronyms);
    em_tables *t = m->tables;
    uint64_t id = m->knowledge_id;
    memset(m, 0, sizeof *m);
    m->tables = t;
    m->knowledge_id = id;
    if (t) m->k = em_tables_knowledge(t), m->countries = em_tables_countries(t);
    m->max_idf = 1.0f;
}

void em_matcher_close(em_matcher *m) {
    if (!m) return;
    em_matcher_unmap(m);
    em_tables_release(m->tables);
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

/* ---- matchers over other entities (matcher_build.h) ----------------------- */

void em_matcher_set_max_candidates(em_matcher *m, size_t n) {
    m->max_candidates = n;
}

int em_matcher_build(em_matcher **out, const em_entity_list *l, const int64_t *versions,
                     const char *path, em_error *err) {
    *out = NULL;
    em_matcher *m = em_xcalloc(1, sizeof *m);
    int rc = em_matcher_load_tables(m, err);
    if (rc == 0) rc = em_snapshot_build(l, versions, m->k, path, err);
    if (rc == 0) rc = em_matcher_map(m, path, err);
    if (rc != 0) {
        em_matcher_close(m);
        return -1;
    }
    *out = m;
    return 0;
}

int em_matcher_open_versions(em_matcher **out, em_store *st, const int64_t *ids, size_t n,
                             em_error *err) {
    *out = NULL;
    em_buf stamp;
    em_buf_init(&stamp);
    for (size_t i = 0; i < n; i++)
        em_buf_printf(&stamp, "%sv%lld", i ? "," : "", (long long)ids[i]);
    char name[64];
    em_matcher *m = em_xcalloc(1, sizeof *m);
    int rc = em_matcher_load_tables(m, err);
    snapshot_name(m->knowledge_id, &stamp, name);
    char *dir = em_xasprintf("%s/snapshots/past", em_store_home(st));
    char *path = em_xasprintf("%s/%s", dir, name);
    struct stat sb;
    int have = rc == 0 && stat(path, &sb) == 0 && em_matcher_map(m, path, NULL) == 0;
    if (rc == 0 && !have) {
        em_buf got;
        em_buf_init(&got);
        em_snapshot_builder *bld = NULL;
        rc = em_mkdir_p(dir, err);
        if (rc == 0) rc = stream_snapshot(m, st, ids, n, &got, &bld, err);
        if (rc == 0 && em_snapshot_builder_count(bld) == 0) {
            rc = em_fail(err, EM_ERR_NOTFOUND, "the list versions %s are no longer in the store",
                         em_buf_cstr(&stamp));
            em_snapshot_builder_free(bld);
        } else if (rc == 0) {
            rc = em_snapshot_builder_finish(bld, path, err);
        }
        if (rc == 0) rc = em_matcher_map(m, path, err);
        em_buf_free(&got);
    }
    free(dir);
    free(path);
    em_buf_free(&stamp);
    if (rc != 0) {
        em_matcher_close(m);
        return -1;
    }
    *out = m;
    return 0;
}

void em_knowledge_version(char out[17]) {
    snprintf(out, 17, "%016llx", (unsigned long long)em_tables_current_id());
}

void em_matcher_knowledge_version(const em_matcher *m, char out[17]) {
    snprintf(out, 17, "%016llx", (unsigned long long)m->knowledge_id);
}
