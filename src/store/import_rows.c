/*
 * import_rows.c - parallel preparation of store rows (see import_rows.h).
 * Each worker owns its normaliser (ICU transliterators are not shared).
 */
#include "store/import_rows.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cpu.h"
#include "base/digest.h"
#include "base/error.h"

typedef struct par_job {
    int (*fn)(void *);
    char *args;
    size_t arg_size, n;
    size_t next;
    int rc;
    pthread_mutex_t mu;
} par_job;

static void *par_worker(void *p) {
    par_job *j = p;
    for (;;) {
        pthread_mutex_lock(&j->mu);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (i >= j->n) break;
        if (j->fn(j->args + i * j->arg_size) != 0) {
            pthread_mutex_lock(&j->mu);
            j->rc = -1;
            pthread_mutex_unlock(&j->mu);
        }
    }
    return NULL;
}

int em_run_parallel(int (*fn)(void *), void *args, size_t arg_size, size_t n, int threads) {
    par_job j = {fn, args, arg_size, n, 0, 0, PTHREAD_MUTEX_INITIALIZER};
    if (threads > (int)n) threads = (int)n;
    if (threads <= 1) {
        par_worker(&j);
        return j.rc;
    }
    pthread_t tids[64];
    int started = 0;
    for (int t = 0; t < threads && t < 64; t++)
        if (pthread_create(&tids[t], NULL, par_worker, &j) == 0) started++;
    if (started == 0) par_worker(&j);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&j.mu);
    return j.rc;
}

typedef struct slice {
    const em_entity_list *l;
    em_entity_row *rows;
    size_t from, to;
    em_error err;
} slice;

static int prepare_slice(void *p) {
    slice *s = p;
    for (size_t i = s->from; i < s->to; i++) {
        em_entity_row *r = &s->rows[i];
        r->json = em_entity_to_json_string(s->l->items[i], 0);
        em_sha256_hex(r->json, strlen(r->json), r->digest);
    }
    return 0;
}

int em_prepare_rows(const em_entity_list *l, em_entity_row *rows, em_error *err) {
    int threads = em_cpu_count();
    size_t n = l->len, per = (n + (size_t)threads - 1) / (size_t)threads;
    if (per < 4096) per = 4096; /* small lists: not worth a thread */
    size_t nslices = (n + per - 1) / per;
    slice *sl = em_xcalloc(nslices ? nslices : 1, sizeof *sl);
    for (size_t i = 0; i < nslices; i++) {
        sl[i].l = l;
        sl[i].rows = rows;
        sl[i].from = i * per;
        sl[i].to = (i + 1) * per < n ? (i + 1) * per : n;
    }
    int rc = em_run_parallel(prepare_slice, sl, sizeof *sl, nslices, threads);
    if (rc != 0) {
        for (size_t i = 0; i < nslices; i++)
            if (sl[i].err.code != EM_OK) {
                if (err) *err = sl[i].err;
                break;
            }
    }
    free(sl);
    return rc;
}

void em_entity_rows_free(em_entity_row *rows, size_t n) {
    if (!rows) return;
    for (size_t i = 0; i < n; i++) {
        free(rows[i].json);
    }
    free(rows);
}
