/*
 * import_rows.h - turning parsed entities into store rows (compact JSON and
 * its SHA-256 digest), spread over all cores.
 * Used by import.c between parsing and the single SQLite transaction.
 */
#ifndef EM_STORE_IMPORT_ROWS_H
#define EM_STORE_IMPORT_ROWS_H

#include "base/buf.h"
#include "base/cpu.h"
#include "model/entity.h"

typedef struct em_entity_row {
    char *json;
    char digest[65];
} em_entity_row;

/* Appends e's stored JSON, the bytes em_entity_to_json_string(e, 0) gives, to out;
   -1 (out half written) for an entity it leaves to jansson (a string that is not
   UTF-8). */
int em_entity_row_json(const em_entity *e, em_buf *out);
/* Fills rows[i] for every entity of l (rows has l->len elements). */
int em_prepare_rows(const em_entity_list *l, em_entity_row *rows, em_error *err);
void em_entity_rows_free(em_entity_row *rows, size_t n);

/* Runs fn(arg_i) for i in [0, n) on up to `threads` threads; returns the first failure. */
int em_run_parallel(int (*fn)(void *), void *args, size_t arg_size, size_t n, int threads);

#endif
