/*
 * fuzz_un_xml.c - libFuzzer target: the UN consolidated list XML parser (em_parse_un_xml) over
 * arbitrary bytes (plain or gzip); each entity must survive the JSON round trip, a failure must say
 * why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_un_xml, "un_sc", data, size);
    return 0;
}
