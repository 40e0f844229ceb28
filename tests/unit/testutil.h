/*
 * testutil.h - shared helpers for the cmocka unit tests: test data paths,
 * scratch directories, and entity lookups by id.
 */
#ifndef EM_TESTUTIL_H
#define EM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/entity.h"

/* TEST_DATA_DIR "/" rel, in one of 8 rotating static buffers (valid for 8 calls). */
const char *td(const char *rel);
/* A fresh, empty scratch directory under TEST_TMP_DIR (caller frees). */
char *tmpdir_new(const char *name);
/* Copies a file (or writes the first `limit` bytes when limit >= 0). */
void copy_file(const char *from, const char *to, long limit);

/* Collects parsed entities: use as the sink of a parser. */
int collect_sink(void *ctx, em_entity *e, em_error *err);
em_entity *find_entity(const em_entity_list *l, const char *id);
int has_name(const em_entity *e, const char *full, const char *kind);
int has_program(const em_entity *e, const char *p);
const em_identifier *find_identifier(const em_entity *e, const char *type, const char *value);

#endif
