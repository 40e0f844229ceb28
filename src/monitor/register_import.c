/*
 * register_import.c - importing a register file: every record compared with
 * the stored one by its material digest (record.h), a revision written for
 * each added, changed or restored record, records missing from the file
 * removed (unless the import is partial), all in one transaction; then the
 * changed records are screened (the whole register on its first import)
 * and the register's index rebuilt for the delta re-screens to come.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "monitor/monitor_internal.h"
#include "monitor/record.h"
#include "monitor/record_read.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int em_register_import(em_monitor *m, const char *reg, const char *path, int partial,
                       em_monitor_report *rep, em_error *err) {
    em_monitor_report local;
    if (!rep) rep = &local;
    memset(rep, 0, sizeof *rep);
    const char *name = reg && *reg ? reg : "default";
    if (strlen(name) > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-.") != strlen(name))
        return em_fail(
            err, EM_ERR_USAGE,
            "a register name is 1 to 64 letters, digits, '_', '-' or '.' ('%.70s' is not)", name);
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    em_record_reader *rr = NULL;
    if (em_record_reader_open(&rr, path, err) != 0) return -1;
    pthread_mutex_lock(&m->lock);
    snprintf(m->regname, sizeof m->regname, "%s", name);
    rep->register_name = m->regname;
    /* the lists must be there before anything is written: a register screened
       against nothing would say "no alert" for everyone */
    int rc = em_engine_refresh(m->engine, 0, NULL, err);
    em_mreg r = {0};
    if (rc == 0) rc = em_mdb_begin(m->st, err);
    int in_tx = rc == 0;
    if (rc == 0) rc = em_mdb_register(m->st, name, 1, &r, err);
    int first = rc == 0 && r.screened[0] == '\0';
    em_strvec seen, todo, warnings;
    em_strvec_init(&seen);
    em_strvec_init(&todo);
    em_strvec_init(&warnings);
    json_t *rec = NULL;
    int more;
    while (rc == 0 && (more = em_record_reader_next(rr, &rec, &warnings, err)) == 1) {
        const char *rid = json_string_value(json_object_get(rec, "id"));
        em_strvec_push(&seen, rid);
        char digest[65], old_digest[65] = "";
        em_record_digest(rec, digest);
        json_t *old = NULL;
        rc = em_mdb_record_get(m->st, r.id, rid, &old, old_digest, err);
        int same_extra =
            old && json_equal(json_object_get(old, "extra"), json_object_get(rec, "extra"));
        if (rc == 0 && !old) {
            rc = em_mdb_record_put(m->st, r.id, rid, rec, digest, "added", err);
            em_strvec_push(&todo, rid);
            rep->added++;
        } else if (rc == 0 && strcmp(old_digest, digest) != 0) {
            rc = em_mdb_record_put(m->st, r.id, rid, rec, digest, "changed", err);
            em_strvec_push(&todo, rid);
            rep->changed++;
        } else if (rc == 0 && !same_extra) {
            /* only what is not screened changed: a revision, no screening */
            rc = em_mdb_record_put(m->st, r.id, rid, rec, digest, "changed (not material)", err);
            rep->unchanged++;
        } else if (rc == 0) {
            rep->unchanged++;
        }
        json_decref(old);
        json_decref(rec);
        rec = NULL;
        if (seen.len % 10000 == 0) em_monitor_progress(m, "import", seen.len, 0);
    }
    if (rc == 0 && more < 0) rc = -1;
    em_record_reader_close(rr);
    /* a record id twice in one file is a fault of the file */
    if (rc == 0 && seen.len) {
        qsort(seen.items, seen.len, sizeof *seen.items, cmp_str);
        for (size_t i = 1; rc == 0 && i < seen.len; i++)
            if (!strcmp(seen.items[i], seen.items[i - 1]))
                rc = em_fail(err, EM_ERR_FORMAT,
                             "%s: record id '%s' appears more than once; each record needs its "
                             "own id",
                             path, seen.items[i]);
    }
    if (rc == 0 && !seen.len)
        rc = em_fail(err, EM_ERR_FORMAT,
                     "%s has no records: nothing was changed (an empty file would remove every "
                     "record of the register)",
                     path);
    if (rc == 0 && !partial) {
        em_strvec all;
        em_strvec_init(&all);
        rc = em_mdb_record_ids(m->st, r.id, &all, err);
        for (size_t i = 0; rc == 0 && i < all.len; i++) {
            if (bsearch(&all.items[i], seen.items, seen.len, sizeof *seen.items, cmp_str)) continue;
            rc = em_mdb_record_remove(m->st, r.id, all.items[i], err);
            if (rc == 0) rc = em_rescreen_record_removed(m, &r, all.items[i], rep, err);
            rep->removed++;
        }
        em_strvec_free(&all);
    }
    rep->warnings = warnings.len;
    if (warnings.len)
        snprintf(rep->first_warning, sizeof rep->first_warning, "%s", warnings.items[0]);
    int changed = rep->added || rep->changed || rep->removed;
    if (rc == 0 && changed) {
        free(r.index_stamp);
        r.index_stamp = em_xstrdup(""); /* rebuilt below */
        rc = em_mdb_register_update(m->st, &r, err);
    }
    if (rc == 0) {
        json_t *p = json_object();
        json_object_set_new(p, "register", json_string(name));
        json_object_set_new(p, "file", json_string(path));
        json_object_set_new(p, "added", json_integer((json_int_t)rep->added));
        json_object_set_new(p, "changed", json_integer((json_int_t)rep->changed));
        json_object_set_new(p, "removed", json_integer((json_int_t)rep->removed));
        json_object_set_new(p, "unchanged", json_integer((json_int_t)rep->unchanged));
        rc = em_audit_append(m, "register_import", "system", p, 1, NULL, err);
        json_decref(p);
    }
    if (rc == 0)
        rc = em_mdb_commit(m->st, err);
    else if (in_tx)
        em_mdb_rollback(m->st);
    /* screening: the whole register the first time (and when the lists moved since
       its last screen: the delta first, so that the new records meet current lists) */
    if (rc == 0) {
        char *stamp = em_monitor_lists_stamp(m, NULL, err);
        if (!stamp) rc = -1;
        if (rc == 0 && !first && strcmp(stamp, r.screened) != 0)
            rc = em_rescreen_delta(m, &r, rep, err);
        if (rc == 0 && (first || todo.len)) {
            rep->full = first;
            rc = em_rescreen(m, &r, first ? NULL : &todo, NULL, rep, err);
        }
        if (rc == 0 && first) {
            free(r.screened);
            r.screened = em_xstrdup(stamp);
            char at[32];
            em_now_iso(at);
            free(r.screened_at);
            r.screened_at = em_xstrdup(at);
            rc = em_mdb_register_update(m->st, &r, err);
        }
        free(stamp);
        /* the index the next list change is matched against */
        if (rc == 0 && (changed || !r.index_stamp[0])) {
            em_engine *idx = NULL;
            rc = em_register_index(m, &r, &idx, err);
            em_engine_close(idx);
        }
    }
    if (r.id) rep->records = em_mdb_record_count(m->st, r.id);
    em_mreg_free(&r);
    em_strvec_free(&seen);
    em_strvec_free(&todo);
    em_strvec_free(&warnings);
    pthread_mutex_unlock(&m->lock);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    rep->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    rep->cpu_seconds = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    return rc;
}
