/*
 * formats.h - the one table of list formats: for each em_format its name, the
 * family of publisher files it belongs to, the source it is imported as by
 * default, whether a cut file is detectable, and its parse function. The
 * importer (store/import.c), the update guards and `embargo lists` read it;
 * nothing else switches over formats.
 *
 * A *family* is what a configured source is bound to: the OFAC SDN list may
 * arrive as the CSV set, SDN.XML, the advanced or the enhanced XML (family
 * "ofac"), the UN list only as its XML ("un"). An update or import that
 * delivers another family under a source is refused (see em_source_family).
 */
#ifndef EM_SOURCES_FORMATS_H
#define EM_SOURCES_FORMATS_H

#include "sources/source.h"

/* Parses one single-file list (every format but the OFAC CSV set). */
typedef int (*em_parse_file_fn)(const char *path, const char *source, em_sink_fn sink, void *ctx,
                                em_parse_meta *meta, em_error *err);

typedef struct em_format_info {
    em_format format;
    const char *name;           /* "ofac-csv", "un-xml", ... (stored with each version) */
    const char *family;         /* "ofac", "un", "eu_fsf", "uk_ofsi", "uk_fcdo", "ftm", ... */
    const char *default_source; /* the source a file of this format is imported as;
                                   NULL for OFAC: sdn or cons, decided by the file name */
    int set_part;               /* 1: an add/alt/comments file of an OFAC CSV set */
    int end_marker;             /* 1: a file cut anywhere is refused by the parser (XML
                                   closing tags, OFAC CSV's 0x1A); 0: a cut at a line end
                                   parses, only the shrink guard can catch it */
    em_parse_file_fn parse;     /* NULL for the OFAC CSV set (em_parse_ofac_csv) */
} em_format_info;

/* The entry of a format; the UNKNOWN entry for anything else (never NULL). */
const em_format_info *em_format_get(em_format f);
/* The names of the formats a file may be imported as ("ofac-csv, ofac-xml, ..."), for
   messages; truncated to cap. */
void em_format_names(char *out, size_t cap);
/* The entry whose name is `name` ("ofac-csv"), or NULL. */
const em_format_info *em_format_by_name(const char *name);

/* The family a well-known source is bound to ("ofac_sdn" -> "ofac"), or NULL
   for a source of the user's own (bound to the family of its first version). */
const char *em_source_family(const char *source);

#endif
