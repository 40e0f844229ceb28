/*
 * fuzz_ftm_json.c - libFuzzer target: the OpenSanctions FollowTheMoney JSON lines parser
 * (em_parse_ftm_json) over arbitrary bytes (plain or gzip); each entity must survive the JSON round
 * trip, a failure must say why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_ftm_json, "opensanctions", data, size);
    return 0;
}
