/*
 * fuzz_uk_fcdo_csv.c - libFuzzer target: the FCDO UK Sanctions List CSV parser
 * (em_parse_uk_fcdo_csv) over arbitrary bytes (plain or gzip); each entity must survive the JSON
 * round trip, a failure must say why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_uk_fcdo_csv, "uk_fcdo", data, size);
    return 0;
}
