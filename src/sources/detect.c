/*
 * detect.c - recognise a list format from the first bytes of a file, so that
 * `embargo import` never depends on file names for the format (names only
 * decide between the SDN and the consolidated OFAC list, see import.c).
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "sources/formats.h"
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
    /* an ODS spreadsheet: the FCDO UK Sanctions List. A zip whose "mimetype" entry says so
     * (stored, as ODF asks) or at least exists (Excel deflates it, and not first) */
    static const char ods_mime[] = "application/vnd.oasis.opendocument.spreadsheet";
    if (n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0 &&
        (memmem(buf, (size_t)n, ods_mime, sizeof ods_mime - 1) ||
         memmem(buf, (size_t)n, "mimetype", 8)))
        return EM_FMT_UK_FCDO_ODS;
    const char *p = buf;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p == '<') {
        if (strstr(p, "<CONSOLIDATED_LIST")) return EM_FMT_UN_XML;
        if (strstr(p, "http://eu.europa.ec/fpi/fsd/export")) return EM_FMT_EU_FSF_XML;
        if (strstr(p, "<Designations")) return EM_FMT_UK_FCDO_XML;
        if (strstr(p, "<sdnList")) return EM_FMT_OFAC_SDN_XML;
        if (strstr(p, "<sanctionsData")) return EM_FMT_OFAC_ENHANCED_XML;
        if (strstr(p, "<Sanctions")) return EM_FMT_OFAC_ADVANCED_XML;
        em_fail(err, EM_ERR_FORMAT,
                "%s: XML of an unknown layout (expected an OFAC sdnList, advanced or enhanced "
                "XML, the UN consolidated list, the EU FSF XML or the FCDO UK Sanctions List XML)",
                path);
        return EM_FMT_UNKNOWN;
    }
    if (*p == '{') { /* JSON lines: judge by the keys of the first object */
        char *line = buf + (p - buf);
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        if (strstr(line, "\"schema\"") && strstr(line, "\"properties\"")) return EM_FMT_FTM_JSON;
        if (strstr(line, "\"RECORD_ID\"") || strstr(line, "\"DATA_SOURCE\""))
            return EM_FMT_SENZING_JSON;
        if (!nl && (strstr(line, "\"schema\"") || strstr(line, "\"caption\"")))
            return EM_FMT_FTM_JSON; /* a first line longer than the peek window */
        em_fail(err, EM_ERR_FORMAT,
                "%s: JSON of an unknown layout (expected OpenSanctions FollowTheMoney entities "
                "or Senzing records, one object per line)",
                path);
        return EM_FMT_UNKNOWN;
    }
    /* a custom list (docs/CUSTOM_LISTS.md): header "id,...", with a "name" column */
    if (strncmp(p, "id,", 3) == 0) {
        size_t len = strcspn(p, "\r\n");
        for (size_t i = 0; i < len;) {
            size_t k = strcspn(p + i, ",\r\n");
            if (k == 4 && strncmp(p + i, "name", 4) == 0) return EM_FMT_CUSTOM_CSV;
            i += k + 1;
        }
    }
    /* EU FSF CSV (';', some copies quote each whole line), UK OFSI and FCDO CSV: by header */
    {
        const char *h = *p == '"' ? p + 1 : p;
        size_t len = strcspn(h, "\r\n");
        if ((memmem(h, len, "Entity_logical_id", 17) || memmem(h, len, "Entity_LogicalId", 16)) &&
            memchr(h, ';', len))
            return EM_FMT_EU_FSF_CSV;
        if ((strncmp(p, "Last Updated,", 13) == 0 && strstr(p, "\nName 6,")) ||
            strncmp(p, "Name 6,", 7) == 0)
            return EM_FMT_UK_OFSI_CSV;
        if (strncmp(p, "Unique ID,OFSI Group ID,Name", 28) == 0) return EM_FMT_UK_FCDO_CSV;
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
    char names[512];
    em_format_names(names, sizeof names);
    em_fail(err, EM_ERR_FORMAT,
            "%s: unknown list format (supported: %s; an OFAC CSV set is sdn.csv or "
            "cons_prim.csv with its add, alt and comments files; see docs/CUSTOM_LISTS.md for "
            "a list of your own)",
            path, names);
    return EM_FMT_UNKNOWN;
}

em_parse_meta *em_parse_meta_begin(em_parse_meta *meta, em_parse_meta *local, const char *format) {
    if (!meta) meta = local;
    memset(meta, 0, sizeof *meta);
    snprintf(meta->format, sizeof meta->format, "%s", format);
    return meta;
}
