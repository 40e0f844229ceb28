/*
 * testutil.h - shared helpers for the cmocka unit tests: test data paths,
 * scratch directories and files, and entity lookups (by id, name, prop).
 */
#ifndef EM_TESTUTIL_H
#define EM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "embargo.h"
#include "model/entity.h"
#include "sources/source.h"
#include "text/knowledge.h"
#include "text/normalize.h"

/* TEST_DATA_DIR "/" rel, in one of 8 rotating static buffers (valid for 8 calls). */
const char *td(const char *rel);
/* A fresh, empty scratch directory under TEST_TMP_DIR (caller frees). */
char *tmpdir_new(const char *name);
/* Copies a file (or writes the first `limit` bytes when limit >= 0). */
void copy_file(const char *from, const char *to, long limit);
/* Writes content to dir/name; returns that path (caller frees). Fails the test when it cannot. */
char *write_test_file(const char *dir, const char *name, const char *content);

/* Collects parsed entities: use as the sink of a parser. */
int collect_sink(void *ctx, em_entity *e, em_error *err);
em_entity *find_entity(const em_entity_list *l, const char *id);
/* Like find_entity, failing the test when there is none. */
em_entity *get_entity(const em_entity_list *l, const char *id);
/* The name of e written `full`, failing the test when there is none. */
const em_name *get_name(const em_entity *e, const char *full);
/* The value of the nth (from 0) prop `key` of e, or NULL. */
const char *get_prop(const em_entity *e, const char *key, int nth);
int has_prop(const em_entity *e, const char *key, const char *value);
int has_name(const em_entity *e, const char *full, const char *kind);
int has_program(const em_entity *e, const char *p);
const em_identifier *find_identifier(const em_entity *e, const char *type, const char *value);

/* What the matching tests share: a normaliser, the bundled knowledge, a names-only matcher
   and its searcher (for em_compare); with a home name, also a store seeded from the bundled
   lists in a fresh scratch directory, its matcher and a searcher. Fails the test when any
   cannot be opened. */
typedef struct match_fixture {
    em_normalizer *nz;
    em_knowledge *k;
    em_matcher *names;
    em_searcher *cmp;
    em_store *st; /* NULL without a home */
    em_matcher *m;
    em_searcher *s;
    char *home;
} match_fixture;
void match_fixture_open(match_fixture *f, const char *home /* NULL: names only */);
void match_fixture_close(match_fixture *f);

/* A file's names-only fixture F and the cmocka group setup and teardown that open and
   close it (the script tests: test_arabic, test_greek, test_hebrew, test_thai). */
#define NAMES_ONLY_FIXTURE(F)                                                                      \
    static match_fixture F;                                                                        \
    static int setup(void **state) {                                                               \
        (void)state;                                                                               \
        match_fixture_open(&F, NULL);                                                              \
        return 0;                                                                                  \
    }                                                                                              \
    static int teardown(void **state) {                                                            \
        (void)state;                                                                               \
        match_fixture_close(&F);                                                                   \
        return 0;                                                                                  \
    }

/* em_compare of a and b through the fixture's names-only searcher; with rule, fails the
   test unless the explanation names that rule ("how":"rule"). */
double match_fixture_compare(match_fixture *f, const char *schema, const char *a, const char *b,
                             const char *rule);

/* A list parser (the em_parse_* functions of sources/source.h). */
typedef int (*parse_fn)(const char *, const char *, em_sink_fn, void *, em_parse_meta *,
                        em_error *);
/* Parses path as source into l (emptied first), failing the test on an error. */
void parse_list_ok(parse_fn fn, const char *path, const char *source, em_entity_list *l,
                   em_parse_meta *meta);
/* The link of e with this relation to entity target, failing the test when there is none. */
const em_link *get_link(const em_entity *e, const char *relation, const char *target);
/* Has e an address whose street line is `full` (NULL: any) in country (NULL: any)? */
int has_address_line(const em_entity *e, const char *full, const char *country);
/* Entities of l with this schema. */
size_t count_schema(const em_entity_list *l, const char *schema);

#endif
