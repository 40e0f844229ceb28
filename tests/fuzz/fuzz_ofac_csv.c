/*
 * fuzz_ofac_csv.c - libFuzzer target: the OFAC legacy CSV set parser
 * (em_parse_ofac_csv). The input holds up to four files separated by
 * FUZZ_SEP lines: main (sdn.csv), add.csv, alt.csv, sdn_comments.csv.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_part parts[4];
    size_t n = fuzz_split(data, size, parts, 4);
    const char *paths[4] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < n; i++)
        paths[i] = fuzz_file((int)i, parts[i].data, parts[i].len);
    em_ofac_csv_files files = {paths[0], paths[1], paths[2], paths[3]};
    em_error err = {0};
    em_parse_meta meta;
    size_t count = 0;
    int rc =
        em_parse_ofac_csv(&files, n % 2 ? "ofac_sdn" : "ofac_cons", fuzz_sink, &count, &meta, &err);
    fuzz_check_result(rc, &err, "em_parse_ofac_csv");
    return 0;
}
