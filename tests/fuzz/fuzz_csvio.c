/*
 * fuzz_csvio.c - libFuzzer target: the CLI's batch input reader
 * (src/cli/csvio.c, compiled into this target) as `embargo screen` and
 * `compare --pairs` use it: first character, delimiter detection, then CSV
 * records or JSON lines, with a small record limit chosen by the first byte.
 * Every good CSV record, written back with cli_csv_write_field, must read
 * back as the same fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/csvio.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const cli_reader *r, char delim) {
    size_t n = cli_reader_nfields(r);
    if (n == 1 && !*cli_reader_field(r, 0)) return; /* written as a blank line, skipped */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(delim, f);
        cli_csv_write_field(f, cli_reader_field(r, i), delim);
    }
    fputc('\n', f);
    fclose(f);
    FILE *in = fmemopen(text, len, "r");
    cli_reader *back = cli_reader_new(in, 0);
    cli_reader_set_delim(back, delim);
    if (cli_reader_record(back) != 1 || cli_reader_error(back))
        fuzz_fail("written record does not read back: %s", text);
    if (cli_reader_nfields(back) != n)
        fuzz_fail("%zu fields read back as %zu: %s", n, cli_reader_nfields(back), text);
    for (size_t i = 0; i < n; i++)
        if (strcmp(cli_reader_field(r, i), cli_reader_field(back, i)) != 0)
            fuzz_fail("field %zu \"%s\" read back as \"%s\"", i, cli_reader_field(r, i),
                      cli_reader_field(back, i));
    cli_reader_free(back);
    fclose(in);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    size_t max_record = data[0] & 1 ? 16 + data[0] : 0; /* 0: the default 1 MiB */
    FILE *f = size > 1 ? fmemopen((void *)(data + 1), size - 1, "r") : fopen("/dev/null", "r");
    if (!f) fuzz_fail("cannot open the input stream");
    cli_reader *r = cli_reader_new(f, max_record);
    int first = cli_reader_first_char(r);
    int rc;
    if (first == '{') {
        em_buf line;
        em_buf_init(&line);
        while ((rc = cli_reader_line(r, &line)) == 1)
            if (!cli_reader_error(r) && memchr(line.data, '\n', line.len))
                fuzz_fail("a line holds a newline");
        em_buf_free(&line);
    } else if (first != EOF) {
        char delim = cli_reader_detect_delim(r);
        if (delim != ',' && delim != ';' && delim != '\t') fuzz_fail("delimiter %d", delim);
        uint64_t last = 0;
        while ((rc = cli_reader_record(r)) == 1) {
            if (cli_reader_bytes(r) <= last) fuzz_fail("a record consumed nothing");
            last = cli_reader_bytes(r);
            if (!cli_reader_error(r)) roundtrip(r, delim);
        }
    } else {
        rc = 0;
    }
    if (rc != 0) fuzz_fail("read error on a memory stream");
    if (cli_reader_bytes(r) > size - 1) fuzz_fail("consumed more than the input");
    cli_reader_free(r);
    fclose(f);
    return 0;
}
