/*
 * batch.c - em_engine_batch: many parties screened on N threads, delivered
 * in input order, with bounded memory.
 *
 * A ring of `window` slots. The caller's thread reads parties into free
 * slots (next), wakes the workers, and delivers the oldest slot as soon as it
 * is screened (deliver, progress), so at most `window` parties and their
 * results are alive at once and the output order is the input order whatever
 * the thread timing. Workers take slots in input order and screen each with
 * em_engine_screen, which holds its generation for exactly that party: a
 * refresh during a batch moves later parties to the new lists and loses
 * none.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu.h"
#include "base/error.h"
#include "engine/engine_internal.h"

typedef struct slot {
    em_party *party;
    em_results *results;
    em_error err;
    size_t index;
    int state; /* 0 free, 1 read (waiting), 2 screening, 3 done */
} slot;

typedef struct batch {
    em_engine *e;
    const em_batch_options *o;
    slot *slots;
    size_t window;
    size_t head;    /* next index to deliver */
    size_t tail;    /* next index to read */
    size_t pending; /* next index a worker takes */
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
} batch;

static void *worker(void *arg) {
    batch *b = arg;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (!b->stop && b->pending == b->tail)
            pthread_cond_wait(&b->work, &b->mu);
        if (b->pending == b->tail && b->stop) break;
        slot *s = &b->slots[b->pending % b->window];
        b->pending++;
        s->state = 2;
        pthread_mutex_unlock(&b->mu);
        em_error_clear(&s->err);
        if (em_engine_screen(b->e, s->party, b->o->screen, &s->results, &s->err) != 0)
            s->results = NULL;
        pthread_mutex_lock(&b->mu);
        s->state = 3;
        pthread_cond_broadcast(&b->done);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

int em_engine_batch(em_engine *e, const em_batch_options *o, em_error *err) {
    if (!o || o->version != EM_BATCH_OPTIONS_VERSION || !o->next || !o->deliver)
        return em_fail(err, EM_ERR_USAGE,
                       "em_engine_batch needs em_batch_options (version %u) with next and deliver",
                       EM_BATCH_OPTIONS_VERSION);
    batch b = {0};
    b.e = e;
    b.o = o;
    b.window = o->window ? o->window : 512;
    b.slots = em_xcalloc(b.window, sizeof *b.slots);
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.work, NULL);
    pthread_cond_init(&b.done, NULL);
    unsigned nt = o->threads ? o->threads : (unsigned)em_cpu_count();
    if (nt < 1) nt = 1;
    if (nt > 256) nt = 256;
    pthread_t *th = em_xcalloc(nt, sizeof *th);
    unsigned started = 0;
    for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, worker, &b) != 0) break;
    int rc = started ? 0 : em_fail(err, EM_ERR_INTERNAL, "cannot start screening threads");
    int eof = 0;
    while (rc == 0) {
        /* read while there is room */
        while (!eof && b.tail - b.head < b.window) {
            em_party *p = NULL;
            int got = o->next(o->ctx, &p, err);
            if (got < 0) {
                rc = -1;
                break;
            }
            if (got == 0 || !p) {
                eof = 1;
                break;
            }
            pthread_mutex_lock(&b.mu);
            slot *s = &b.slots[b.tail % b.window];
            s->party = p;
            s->results = NULL;
            s->index = b.tail;
            s->state = 1;
            b.tail++;
            pthread_cond_signal(&b.work);
            pthread_mutex_unlock(&b.mu);
        }
        if (rc != 0 || b.head == b.tail) break;
        /* deliver the oldest when it is done */
        pthread_mutex_lock(&b.mu);
        slot *s = &b.slots[b.head % b.window];
        while (s->state != 3)
            pthread_cond_wait(&b.done, &b.mu);
        pthread_mutex_unlock(&b.mu);
        if (o->deliver(o->ctx, s->index, s->party, s->results, s->results ? NULL : &s->err) != 0)
            rc = -1;
        em_results_free(s->results);
        em_party_free(s->party);
        s->results = NULL;
        s->party = NULL;
        pthread_mutex_lock(&b.mu);
        s->state = 0;
        b.head++;
        pthread_mutex_unlock(&b.mu);
        if (o->progress) o->progress(o->ctx, b.head);
    }
    /* stop the workers; on abort, wait for what is being screened and drop the rest */
    pthread_mutex_lock(&b.mu);
    b.stop = 1;
    if (rc != 0) b.tail = b.pending; /* nothing new is taken */
    pthread_cond_broadcast(&b.work);
    pthread_mutex_unlock(&b.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (size_t i = 0; i < b.window; i++) {
        em_results_free(b.slots[i].results);
        em_party_free(b.slots[i].party);
    }
    free(th);
    free(b.slots);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.work);
    pthread_cond_destroy(&b.done);
    return rc;
}
