/*
 * import_rows.c - parallel preparation of store rows (see import_rows.h):
 * each entity's stored JSON, written straight from the entity (the bytes
 * em_entity_to_json_string gives, without its jansson tree), and its digest.
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
#include "text/encoding.h"

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

/* ---- the stored JSON, written without a jansson tree ---------------------------- */

/*
 * em_entity_to_json builds a tree that json_dumps(JSON_COMPACT) writes: keys in
 * insertion order, "," and ":" without spaces, a string's '"' and '\\' and
 * its control characters escaped (\b \f \n \r \t, else \u00XX in upper-case
 * hex), everything else (UTF-8 included) as it is. Jansson drops a string
 * that is not valid UTF-8 (json_string gives NULL); rather than copy how each
 * container takes that, such an entity, or a NULL where jansson would be given
 * a string, is left to jansson (-1).
 */

static int put_str(em_buf *o, const char *s) {
    if (!s || !em_is_valid_utf8(s, strlen(s))) return -1;
    static const char hex[] = "0123456789ABCDEF";
    em_buf_addc(o, '"');
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        if (p > run) em_buf_add(o, run, (size_t)(p - run));
        if (!c) break;
        char esc[6] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
            n = 6;
        }
        em_buf_add(o, esc, n);
        run = p + 1;
    }
    em_buf_addc(o, '"');
    return 0;
}

/* ,"key": (the comma unless first) */
static void put_key(em_buf *o, int *first, const char *k) {
    if (!*first) em_buf_addc(o, ',');
    *first = 0;
    em_buf_addc(o, '"');
    em_buf_adds(o, k); /* the keys below: plain ASCII */
    em_buf_adds(o, "\":");
}

/* set_str: a field only when it is not empty */
static int put_field(em_buf *o, int *first, const char *k, const char *v) {
    if (!v || !*v) return 0;
    put_key(o, first, k);
    return put_str(o, v);
}

static int put_strvec(em_buf *o, int *first, const char *k, const em_strvec *v) {
    if (!v->len) return 0;
    put_key(o, first, k);
    em_buf_addc(o, '[');
    for (size_t i = 0; i < v->len; i++) {
        if (i) em_buf_addc(o, ',');
        if (put_str(o, v->items[i]) != 0) return -1;
    }
    em_buf_addc(o, ']');
    return 0;
}

int em_entity_row_json(const em_entity *e, em_buf *o) {
    int f = 1, rc = 0;
    em_buf_addc(o, '{');
    rc |= put_field(o, &f, "id", e->id);
    rc |= put_field(o, &f, "source", e->source);
    rc |= put_field(o, &f, "source_id", e->source_id);
    rc |= put_field(o, &f, "schema", e->schema);
    rc |= put_field(o, &f, "caption", e->caption);
    rc |= put_field(o, &f, "gender", e->gender);
    rc |= put_field(o, &f, "listed_on", e->listed_on);
    rc |= put_field(o, &f, "remarks", e->remarks);
    if (e->names.len) {
        put_key(o, &f, "names");
        em_buf_addc(o, '[');
        for (size_t i = 0; i < e->names.len; i++) {
            const em_name *n = &e->names.items[i];
            int g = 1;
            em_buf_adds(o, i ? ",{" : "{");
            rc |= put_field(o, &g, "full", n->full);
            rc |= put_field(o, &g, "kind", n->kind);
            rc |= put_field(o, &g, "strength", n->strength);
            rc |= put_field(o, &g, "script", n->script);
            rc |= put_field(o, &g, "first", n->first);
            rc |= put_field(o, &g, "middle", n->middle);
            rc |= put_field(o, &g, "last", n->last);
            em_buf_addc(o, '}');
        }
        em_buf_addc(o, ']');
    }
    if (e->birth_dates.len) {
        put_key(o, &f, "birth_dates");
        em_buf_addc(o, '[');
        for (size_t i = 0; i < e->birth_dates.len; i++) {
            const em_date *d = &e->birth_dates.items[i];
            int g = 1;
            em_buf_adds(o, i ? ",{" : "{");
            rc |= put_field(o, &g, "text", d->text);
            rc |= put_field(o, &g, "from", d->from);
            rc |= put_field(o, &g, "to", d->to);
            if (d->circa) {
                put_key(o, &g, "circa");
                em_buf_adds(o, "true");
            }
            em_buf_addc(o, '}');
        }
        em_buf_addc(o, ']');
    }
    rc |= put_strvec(o, &f, "birth_places", &e->birth_places);
    rc |= put_strvec(o, &f, "nationalities", &e->nationalities);
    rc |= put_strvec(o, &f, "citizenships", &e->citizenships);
    if (e->addresses.len) {
        put_key(o, &f, "addresses");
        em_buf_addc(o, '[');
        for (size_t i = 0; i < e->addresses.len; i++) {
            const em_address *d = &e->addresses.items[i];
            int g = 1;
            em_buf_adds(o, i ? ",{" : "{");
            rc |= put_field(o, &g, "full", d->full);
            rc |= put_field(o, &g, "street", d->street);
            rc |= put_field(o, &g, "city", d->city);
            rc |= put_field(o, &g, "region", d->region);
            rc |= put_field(o, &g, "postal", d->postal);
            rc |= put_field(o, &g, "country", d->country);
            em_buf_addc(o, '}');
        }
        em_buf_addc(o, ']');
    }
    if (e->identifiers.len) {
        put_key(o, &f, "identifiers");
        em_buf_addc(o, '[');
        for (size_t i = 0; i < e->identifiers.len; i++) {
            const em_identifier *d = &e->identifiers.items[i];
            int g = 1;
            em_buf_adds(o, i ? ",{" : "{");
            rc |= put_field(o, &g, "type", d->type);
            rc |= put_field(o, &g, "value", d->value);
            rc |= put_field(o, &g, "country", d->country);
            rc |= put_field(o, &g, "currency", d->currency);
            rc |= put_field(o, &g, "label", d->label);
            rc |= put_field(o, &g, "note", d->note);
            em_buf_addc(o, '}');
        }
        em_buf_addc(o, ']');
    }
    rc |= put_strvec(o, &f, "programs", &e->programs);
    if (e->links.len) {
        put_key(o, &f, "links");
        em_buf_addc(o, '[');
        for (size_t i = 0; i < e->links.len; i++) {
            const em_link *l = &e->links.items[i];
            int g = 1;
            em_buf_adds(o, i ? ",{" : "{");
            rc |= put_field(o, &g, "relation", l->relation);
            rc |= put_field(o, &g, "target_id", l->target_id);
            rc |= put_field(o, &g, "target_name", l->target_name);
            em_buf_addc(o, '}');
        }
        em_buf_addc(o, ']');
    }
    if (e->props.len) { /* one array per key, the keys in the order first seen */
        put_key(o, &f, "properties");
        em_buf_addc(o, '{');
        size_t np = e->props.len;
        for (size_t i = 0; i < np && rc == 0; i++) {
            const char *k = e->props.items[i].key;
            size_t j = 0;
            if (!k) return -1;
            while (j < i && strcmp(e->props.items[j].key, k) != 0)
                j++;
            if (j < i) continue; /* written with the first of its key */
            if (i) em_buf_addc(o, ',');
            rc |= put_str(o, k);
            em_buf_adds(o, ":[");
            for (size_t m = i, c = 0; m < np; m++)
                if (strcmp(e->props.items[m].key, k) == 0) {
                    if (c++) em_buf_addc(o, ',');
                    rc |= put_str(o, e->props.items[m].value);
                }
            em_buf_addc(o, ']');
        }
        em_buf_addc(o, '}');
    }
    em_buf_addc(o, '}');
    return rc ? -1 : 0;
}

typedef struct slice {
    const em_entity_list *l;
    em_entity_row *rows;
    size_t from, to;
    em_error err;
} slice;

static int prepare_slice(void *p) {
    slice *s = p;
    em_buf b;
    em_buf_init(&b);
    for (size_t i = s->from; i < s->to; i++) {
        em_entity_row *r = &s->rows[i];
        em_buf_reset(&b);
        if (em_entity_row_json(s->l->items[i], &b) == 0) {
            r->json = em_xstrndup(b.data, b.len);
            em_sha256_hex(b.data, b.len, r->digest);
        } else {
            r->json = em_entity_to_json_string(s->l->items[i], 0);
            em_sha256_hex(r->json, strlen(r->json), r->digest);
        }
    }
    em_buf_free(&b);
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
