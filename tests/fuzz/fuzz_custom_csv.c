/*
 * fuzz_custom_csv.c - libFuzzer target: the custom-list CSV parser (em_parse_custom_csv) over
 * arbitrary bytes (plain or gzip); each entity must survive the JSON round trip, a failure must say
 * why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_custom_csv, "custom", data, size);
    return 0;
}
