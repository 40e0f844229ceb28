/*
 * fuzz_ofac_sdn_xml.c - libFuzzer target: the OFAC SDN.XML / CONSOLIDATED.XML parser
 * (em_parse_ofac_sdn_xml) over arbitrary bytes (plain or gzip); each entity must survive the JSON
 * round trip, a failure must say why, and nothing may leak.
 */
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse(em_parse_ofac_sdn_xml, "ofac_sdn", data, size);
    return 0;
}
