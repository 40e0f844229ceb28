/*
 * matcher_history.c - an entity's history (first seen, last change, last
 * seen) from the matcher's snapshot, where the snapshot builder kept it
 * (em_history_bulk, store/history.c; index/snapshot_build.c): no store query, so a
 * result can say how new its listing is at the cost of one map lookup. The
 * entity is found through the snapshot's id map (SEC_BY_ID); its three
 * history fields are entries of the version table (SEC_VERSIONS), both
 * checked when the snapshot was opened.
 */
#include <stdio.h>
#include <string.h>

#include "index/smap.h"
#include "match/matcher_internal.h"

static void entry(const em_matcher *m, uint32_t i, int64_t *version, char at[32]) {
    const snap_version *v =
        (const snap_version *)((const char *)m->map + m->h->sec[SEC_VERSIONS].off);
    *version = v[i].id;
    snprintf(at, 32, "%s", m->strings + v[i].imported_at);
}

int em_matcher_entity_history(const em_matcher *m, const char *id, em_entity_history *out) {
    memset(out, 0, sizeof *out);
    if (!m || !m->h || !id) return -1;
    em_smap by_id;
    if (em_smap_open(&by_id, (const char *)m->map + m->h->sec[SEC_BY_ID].off,
                     m->h->sec[SEC_BY_ID].len, m->strings) != 0)
        return -1;
    uint32_t n = 0;
    const uint32_t *v = em_smap_get(&by_id, id, &n);
    if (!n || v[0] >= m->h->n_entities) return -1;
    const snap_entity *e = &m->entities[v[0]];
    if (!e->first_seen && !e->last_change && !e->last_seen) return -1; /* not known */
    entry(m, e->first_seen, &out->first_seen_version, out->first_seen);
    entry(m, e->last_change, &out->last_change_version, out->last_change);
    entry(m, e->last_seen, &out->last_seen_version, out->last_seen);
    return 0;
}
