/*
 * fuzz_reader.c - libFuzzer target: the plain/gzip streaming reader every
 * parser reads through (src/sources/reader.c): lines, raw chunks of odd
 * sizes, peeking and the SHA-256 of the decompressed content. Reading the
 * same bytes in chunks and by peeking must agree.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "sources/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    em_error err = {0};
    /* 1. lines */
    em_reader *r = em_reader_open(path, &err);
    if (!r) fuzz_fail("cannot open the memfd: %s", err.message);
    em_buf line;
    em_buf_init(&line);
    int rc;
    long lines = 0;
    while ((rc = em_reader_getline(r, &line, &err)) == 1)
        if (em_reader_line(r) != ++lines) fuzz_fail("line count %ld", em_reader_line(r));
    if (rc < 0) fuzz_check_result(-1, &err, "em_reader_getline");
    em_buf_free(&line);
    em_reader_close(r);
    /* 2. chunks of a size taken from the input, and a peek: the same bytes */
    size_t chunk = size ? 1 + data[0] % 97 : 1;
    r = em_reader_open(path, &err);
    if (!r) fuzz_fail("cannot reopen the memfd: %s", err.message);
    char peek[4096], buf[97];
    size_t got = 0;
    long k;
    err = (em_error){0};
    while ((k = em_reader_read(r, buf, chunk, &err)) > 0) {
        if ((size_t)k > chunk) fuzz_fail("read %ld bytes for %zu", k, chunk);
        if (got < sizeof peek) {
            size_t c = (size_t)k < sizeof peek - got ? (size_t)k : sizeof peek - got;
            memcpy(peek + got, buf, c);
        }
        got += (size_t)k;
    }
    int read_failed = k < 0;
    if (read_failed) fuzz_check_result(-1, &err, "em_reader_read");
    em_reader_close(r);
    char p2[sizeof peek];
    em_error perr = {0};
    long pn = em_peek_file(path, p2, sizeof p2, &perr);
    if (pn < 0) {
        fuzz_check_result(-1, &perr, "em_peek_file");
    } else if (!read_failed) {
        size_t want = got < sizeof peek ? got : sizeof peek;
        if ((size_t)pn != want || memcmp(peek, p2, want) != 0)
            fuzz_fail("peek (%ld bytes) differs from reading (%zu)", pn, want);
    }
    char hex[65];
    em_error herr = {0};
    int64_t bytes = -1;
    if (em_file_sha256(path, hex, 0, &bytes, &herr) != 0)
        fuzz_check_result(-1, &herr, "em_file_sha256");
    else if (strlen(hex) != 64)
        fuzz_fail("digest %s", hex);
    else if (!read_failed && bytes != (int64_t)got)
        fuzz_fail("digest over %lld bytes, reading gave %zu", (long long)bytes, got);
    return 0;
}
