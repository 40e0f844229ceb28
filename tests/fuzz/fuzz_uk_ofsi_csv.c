/*
 * fuzz_uk_ofsi_csv.c - libFuzzer target: the UK OFSI consolidated list CSV parser
 * (em_parse_uk_ofsi_csv) over arbitrary bytes (plain or gzip); each entity must survive the JSON
 * round trip, a failure must say why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_uk_ofsi_csv, "uk_ofsi", data, size);
    return 0;
}
