/*
 * fuzz_senzing_json.c - libFuzzer target: the Senzing JSON lines parser (em_parse_senzing_json)
 * over arbitrary bytes (plain or gzip); each entity must survive the JSON round trip, a failure
 * must say why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_senzing_json, "senzing", data, size);
    return 0;
}
