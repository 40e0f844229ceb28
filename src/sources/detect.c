/*
 * detect.c - recognise a list format from the first bytes of a file, so that
 * `embargo import` never depends on file names for the format (names only
 * decide between the SDN and the consolidated OFAC list, see import.c).
 */
#include <string.h>

#include "base/error.h"
#include "sources/reader.h"
#include "sources/source.h"

/* Counts the columns of the first CSV record (quotes respected). */
static int csv_columns(const char *s, size_t n) {
    int cols = 1, inq = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            inq = !inq;
        else if (c == ',' && !inq)
            cols++;
        else if ((c == '\n' || c == '\r') && !inq)
            return cols;
    }
    return inq ? -1 : cols;
}

em_format em_detect_format(const char *path, em_error *err) {
    char buf[8192];
    long n = em_peek_file(path, buf, sizeof buf - 1, err);
    if (n < 0) return EM_FMT_UNKNOWN;
    buf[n] = '\0';
    if (n == 0) {
        em_fail(err, EM_ERR_FORMAT, "%s: file is empty", path);
        return EM_FMT_UNKNOWN;
    }
    const char *p = buf;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p == '<') {
        if (strstr(p, "<CONSOLIDATED_LIST")) return EM_FMT_UN_XML;
        if (strstr(p, "<sdnList")) return EM_FMT_OFAC_SDN_XML;
        if (strstr(p, "<sanctionsData")) return EM_FMT_OFAC_ENHANCED_XML;
        if (strstr(p, "<Sanctions")) return EM_FMT_OFAC_ADVANCED_XML;
        em_fail(err, EM_ERR_FORMAT,
                "%s: XML of an unknown layout (expected an OFAC sdnList, advanced or enhanced "
                "XML, or the UN consolidated list)",
                path);
        return EM_FMT_UNKNOWN;
    }
    /* OFAC legacy CSV: no header; first field is a numeric ent_num */
    const char *q = p;
    if (*q == '"') q++;
    if (*q >= '0' && *q <= '9') {
        int cols = csv_columns(p, (size_t)n - (size_t)(p - buf));
        switch (cols) {
        case 12:
            return EM_FMT_OFAC_CSV_MAIN;
        case 6:
            return EM_FMT_OFAC_CSV_ADD;
        case 5:
            return EM_FMT_OFAC_CSV_ALT;
        case 2:
            return EM_FMT_OFAC_CSV_COMMENTS;
        default:
            break;
        }
        if (cols < 0) {
            /* a comments row may be longer than the peek window */
            return EM_FMT_OFAC_CSV_COMMENTS;
        }
    }
    em_fail(err, EM_ERR_FORMAT,
            "%s: unknown list format (supported: OFAC sdn/add/alt/sdn_comments CSV and cons_* "
            "CSV, OFAC SDN.XML, SDN_ADVANCED.XML, ENHANCED_XML, UN consolidated XML)",
            path);
    return EM_FMT_UNKNOWN;
}

const char *em_format_name(em_format f) {
    switch (f) {
    case EM_FMT_OFAC_CSV_MAIN:
        return "ofac-csv";
    case EM_FMT_OFAC_CSV_ADD:
        return "ofac-csv-add";
    case EM_FMT_OFAC_CSV_ALT:
        return "ofac-csv-alt";
    case EM_FMT_OFAC_CSV_COMMENTS:
        return "ofac-csv-comments";
    case EM_FMT_OFAC_SDN_XML:
        return "ofac-xml";
    case EM_FMT_OFAC_ADVANCED_XML:
        return "ofac-advanced-xml";
    case EM_FMT_OFAC_ENHANCED_XML:
        return "ofac-enhanced-xml";
    case EM_FMT_UN_XML:
        return "un-xml";
    default:
        return "unknown";
    }
}
