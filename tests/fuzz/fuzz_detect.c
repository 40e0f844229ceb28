/*
 * fuzz_detect.c - libFuzzer target: format detection (em_detect_format) as
 * `embargo import` uses it: detect the format of arbitrary bytes, then hand
 * them to the parser of that format. Detection must answer a known format or
 * fail with a message, and the chosen parser must cope.
 */
#include <string.h>

#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fuzz_parse_fn parser_of(em_format f) {
    switch (f) {
    case EM_FMT_OFAC_SDN_XML:
        return em_parse_ofac_sdn_xml;
    case EM_FMT_OFAC_ADVANCED_XML:
        return em_parse_ofac_advanced_xml;
    case EM_FMT_OFAC_ENHANCED_XML:
        return em_parse_ofac_enhanced_xml;
    case EM_FMT_UN_XML:
        return em_parse_un_xml;
    case EM_FMT_FTM_JSON:
        return em_parse_ftm_json;
    case EM_FMT_SENZING_JSON:
        return em_parse_senzing_json;
    case EM_FMT_CUSTOM_CSV:
        return em_parse_custom_csv;
    case EM_FMT_EU_FSF_XML:
        return em_parse_eu_fsf_xml;
    case EM_FMT_EU_FSF_CSV:
        return em_parse_eu_fsf_csv;
    case EM_FMT_UK_OFSI_CSV:
        return em_parse_uk_ofsi_csv;
    case EM_FMT_UK_FCDO_CSV:
        return em_parse_uk_fcdo_csv;
    case EM_FMT_UK_FCDO_ODS:
        return em_parse_uk_fcdo_ods;
    case EM_FMT_UK_FCDO_XML:
        return em_parse_uk_fcdo_xml;
    default:
        return NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    em_error err = {0};
    em_format f = em_detect_format(path, &err);
    const char *name = em_format_name(f);
    if (!name || !*name) fuzz_fail("format %d has no name", (int)f);
    if (f == EM_FMT_UNKNOWN) {
        fuzz_check_result(-1, &err, "em_detect_format");
        return 0;
    }
    if (strcmp(name, "unknown") == 0) fuzz_fail("format %d is named unknown", (int)f);
    fuzz_parse_fn fn = parser_of(f);
    em_parse_meta meta;
    em_error perr = {0};
    int rc;
    if (fn) {
        rc = fn(path, "fuzz", fuzz_sink, NULL, &meta, &perr);
    } else { /* one file of an OFAC CSV set, as main when it is the main file */
        em_ofac_csv_files files = {0};
        const char **slot = f == EM_FMT_OFAC_CSV_MAIN  ? &files.main
                            : f == EM_FMT_OFAC_CSV_ADD ? &files.add
                            : f == EM_FMT_OFAC_CSV_ALT ? &files.alt
                                                       : &files.comments;
        *slot = path;
        if (!files.main) files.main = fuzz_file(1, (const uint8_t *)"", 0);
        rc = em_parse_ofac_csv(&files, "ofac_sdn", fuzz_sink, NULL, &meta, &perr);
    }
    fuzz_check_result(rc, &perr, name);
    return 0;
}
