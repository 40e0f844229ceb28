/*
 * fuzzutil.h - what the libFuzzer targets under tests/fuzz share: the fuzz
 * bytes as a file the parsers can open by path (a memfd, reopened through
 * /proc/self/fd), a sink that checks and frees every parsed entity, the
 * common oracle for a parser's answer, and splitting one input into parts.
 */
#ifndef EM_FUZZUTIL_H
#define EM_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "sources/source.h"

/* The parts of a multi-file input are separated by this line. */
#define FUZZ_SEP "\n--8<--\n"
#define FUZZ_MAX_PARTS 4

typedef int (*fuzz_parse_fn)(const char *path, const char *source, em_sink_fn sink, void *ctx,
                             em_parse_meta *meta, em_error *err);

/* Makes the n bytes the content of file `slot` (0..FUZZ_MAX_PARTS-1); returns its path. */
const char *fuzz_file(int slot, const uint8_t *data, size_t n);

/*
 * Every entity goes through the store's JSON round trip (to JSON, back, to
 * JSON again: the two texts must be equal) and is freed. ctx may be NULL or
 * point to a size_t counting the entities.
 */
int fuzz_sink(void *ctx, em_entity *e, em_error *err);

/* What every parser must answer: 0, or -1 with an error code and a message. */
void fuzz_check_result(int rc, const em_error *err, const char *what);

/* Runs a path-based parser over the bytes; returns its result (checked). */
int fuzz_parse(fuzz_parse_fn fn, const char *source, const uint8_t *data, size_t n);

/* Splits the bytes at FUZZ_SEP into at most max parts (the last takes the rest). */
typedef struct fuzz_part {
    const uint8_t *data;
    size_t len;
} fuzz_part;
size_t fuzz_split(const uint8_t *data, size_t n, fuzz_part *parts, size_t max);

/* Prints a message and aborts (so libFuzzer records a crash). */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
