/*
 * formats.c - the table of list formats and of the well-known sources (see
 * formats.h). Adding a format: one row here, its detection in detect.c, its
 * parser in its own file.
 */
#include "sources/formats.h"

#include <stdio.h>
#include <string.h>

static const em_format_info FORMATS[] = {
    {EM_FMT_UNKNOWN, "unknown", "", NULL, 0, 0, NULL},
    {EM_FMT_OFAC_CSV_MAIN, "ofac-csv", "ofac", NULL, 0, 1, NULL},
    {EM_FMT_OFAC_CSV_ADD, "ofac-csv-add", "ofac", NULL, 1, 1, NULL},
    {EM_FMT_OFAC_CSV_ALT, "ofac-csv-alt", "ofac", NULL, 1, 1, NULL},
    {EM_FMT_OFAC_CSV_COMMENTS, "ofac-csv-comments", "ofac", NULL, 1, 1, NULL},
    {EM_FMT_OFAC_SDN_XML, "ofac-xml", "ofac", NULL, 0, 1, em_parse_ofac_sdn_xml},
    {EM_FMT_OFAC_ADVANCED_XML, "ofac-advanced-xml", "ofac", NULL, 0, 1, em_parse_ofac_advanced_xml},
    {EM_FMT_OFAC_ENHANCED_XML, "ofac-enhanced-xml", "ofac", NULL, 0, 1, em_parse_ofac_enhanced_xml},
    {EM_FMT_UN_XML, "un-xml", "un", "un_sc", 0, 1, em_parse_un_xml},
    {EM_FMT_FTM_JSON, "ftm-json", "ftm", "opensanctions", 0, 0, em_parse_ftm_json},
    {EM_FMT_SENZING_JSON, "senzing-json", "senzing", "senzing", 0, 0, em_parse_senzing_json},
    {EM_FMT_CUSTOM_CSV, "custom-csv", "custom", "custom", 0, 0, em_parse_custom_csv},
    {EM_FMT_EU_FSF_XML, "eu-fsf-xml", "eu_fsf", "eu_fsf", 0, 1, em_parse_eu_fsf_xml},
    {EM_FMT_EU_FSF_CSV, "eu-fsf-csv", "eu_fsf", "eu_fsf", 0, 0, em_parse_eu_fsf_csv},
    {EM_FMT_UK_OFSI_CSV, "uk-ofsi-csv", "uk_ofsi", "uk_ofsi", 0, 0, em_parse_uk_ofsi_csv},
    {EM_FMT_UK_FCDO_CSV, "uk-fcdo-csv", "uk_fcdo", "uk_fcdo", 0, 0, em_parse_uk_fcdo_csv},
    {EM_FMT_UK_FCDO_ODS, "uk-fcdo-ods", "uk_fcdo", "uk_fcdo", 0, 1, em_parse_uk_fcdo_ods},
    {EM_FMT_UK_FCDO_XML, "uk-fcdo-xml", "uk_fcdo", "uk_fcdo", 0, 1, em_parse_uk_fcdo_xml},
};

void em_format_names(char *out, size_t cap) {
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 1; i < sizeof FORMATS / sizeof *FORMATS && n < cap; i++) {
        if (FORMATS[i].set_part) continue; /* imported with their main file */
        int k = snprintf(out + n, cap - n, "%s%s", n ? ", " : "", FORMATS[i].name);
        if (k < 0) break;
        n += (size_t)k;
    }
}

const em_format_info *em_format_get(em_format f) {
    for (size_t i = 0; i < sizeof FORMATS / sizeof *FORMATS; i++)
        if (FORMATS[i].format == f) return &FORMATS[i];
    return &FORMATS[0];
}

const em_format_info *em_format_by_name(const char *name) {
    for (size_t i = 1; name && i < sizeof FORMATS / sizeof *FORMATS; i++)
        if (strcmp(FORMATS[i].name, name) == 0) return &FORMATS[i];
    return NULL;
}

const char *em_format_name(em_format f) {
    return em_format_get(f)->name;
}

/* The sources embargo configures itself (data/update.conf) and their families. */
static const struct {
    const char *source, *family;
} SOURCES[] = {
    {"ofac_sdn", "ofac"},     {"ofac_cons", "ofac"},  {"un_sc", "un"},
    {"eu_fsf", "eu_fsf"},     {"uk_ofsi", "uk_ofsi"}, {"uk_fcdo", "uk_fcdo"},
    {"opensanctions", "ftm"}, {"senzing", "senzing"},
};

const char *em_source_family(const char *source) {
    for (size_t i = 0; source && i < sizeof SOURCES / sizeof *SOURCES; i++)
        if (strcmp(SOURCES[i].source, source) == 0) return SOURCES[i].family;
    return NULL;
}
