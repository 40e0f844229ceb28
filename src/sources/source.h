/*
 * source.h - the contract between list parsers and the importer.
 *
 * Every parser streams the file(s) of one list and hands each finished entity
 * to a sink (which takes ownership). It fills an em_parse_meta with what the
 * file says about itself. On malformed input it returns -1 with an error that
 * names the file, the line or element, and what was wrong; the importer then
 * discards everything, so a parser never needs to undo anything.
 */
#ifndef EM_SOURCES_SOURCE_H
#define EM_SOURCES_SOURCE_H

#include "model/entity.h"

/* Takes ownership of e (frees it even on error). Returns 0, or -1 to abort. */
typedef int (*em_sink_fn)(void *ctx, em_entity *e, em_error *err);

typedef struct em_parse_meta {
    char published[32]; /* ISO date of publication from the file, "" when none */
    char
        format[32]; /* "ofac-csv", "ofac-xml", "ofac-advanced-xml", "ofac-enhanced-xml", "un-xml" */
} em_parse_meta;

typedef enum em_format {
    EM_FMT_UNKNOWN = 0,
    EM_FMT_OFAC_CSV_MAIN,     /* sdn.csv / cons_prim.csv: 12 columns */
    EM_FMT_OFAC_CSV_ADD,      /* add.csv / cons_add.csv: 6 columns */
    EM_FMT_OFAC_CSV_ALT,      /* alt.csv / cons_alt.csv: 5 columns */
    EM_FMT_OFAC_CSV_COMMENTS, /* sdn_comments.csv / cons_comments.csv: 2 columns */
    EM_FMT_OFAC_SDN_XML,      /* <sdnList> (old treasury.gov and new SLS namespaces) */
    EM_FMT_OFAC_ADVANCED_XML, /* <Sanctions> advanced data model */
    EM_FMT_OFAC_ENHANCED_XML, /* <sanctionsData> ENHANCED_XML */
    EM_FMT_UN_XML             /* <CONSOLIDATED_LIST> */
} em_format;

/* Detects the format of a file from its first bytes (decompressed). */
em_format em_detect_format(const char *path, em_error *err);
const char *em_format_name(em_format f);

/* The files of one OFAC legacy CSV set; any but `main` may be NULL. */
typedef struct em_ofac_csv_files {
    const char *main, *add, *alt, *comments;
} em_ofac_csv_files;

/* `source` is "ofac_sdn" or "ofac_cons"; ids are "ofac-<ent_num>". */
int em_parse_ofac_csv(const em_ofac_csv_files *files, const char *source, em_sink_fn sink,
                      void *ctx, em_parse_meta *meta, em_error *err);
int em_parse_ofac_sdn_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                          em_parse_meta *meta, em_error *err);
int em_parse_ofac_advanced_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                               em_parse_meta *meta, em_error *err);
int em_parse_ofac_enhanced_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                               em_parse_meta *meta, em_error *err);
/* `source` is "un_sc"; ids are "un-<DATAID>". */
int em_parse_un_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                    em_parse_meta *meta, em_error *err);

#endif
