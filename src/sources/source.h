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
    long declared;      /* records the publisher says the file holds (OFAC Record_Count), 0 =
                           not stated; the importer checks it against what was parsed */
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
    EM_FMT_UN_XML,            /* <CONSOLIDATED_LIST> */
    EM_FMT_FTM_JSON,          /* OpenSanctions FollowTheMoney entities, JSON lines */
    EM_FMT_SENZING_JSON,      /* Senzing JSON lines */
    EM_FMT_CUSTOM_CSV,        /* a firm's own list: CSV with header "id,...,name,..." */
    EM_FMT_EU_FSF_XML,        /* EU FSF <export xmlns="http://eu.europa.ec/fpi/fsd/export"> */
    EM_FMT_EU_FSF_CSV,        /* EU FSF CSV: ';' with an Entity_logical_id column */
    EM_FMT_UK_OFSI_CSV,       /* OFSI ConList.csv: "Last Updated,..." then "Name 6,..." */
    EM_FMT_UK_FCDO_CSV,       /* FCDO UK Sanctions List summary: "Unique ID,OFSI Group ID,Name" */
    EM_FMT_UK_FCDO_ODS,       /* the same summary as an ODS spreadsheet */
    EM_FMT_UK_FCDO_XML        /* FCDO UK Sanctions List XML export: <Designations> */
} em_format;

/* How every parser starts: returns the meta to fill (the caller's, or `local`
   when it passed none, which parsers allow), cleared and named `format`. */
em_parse_meta *em_parse_meta_begin(em_parse_meta *meta, em_parse_meta *local, const char *format);

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
/* `source` defaults to "opensanctions"; ids are "os-<FtM id>". */
int em_parse_ftm_json(const char *path, const char *source, em_sink_fn sink, void *ctx,
                      em_parse_meta *meta, em_error *err);
/* `source` defaults to "senzing"; ids are "sz-<RECORD_ID>". */
int em_parse_senzing_json(const char *path, const char *source, em_sink_fn sink, void *ctx,
                          em_parse_meta *meta, em_error *err);
/* docs/CUSTOM_LISTS.md; `source` defaults to "custom"; ids are "<source>-<id>". */
int em_parse_custom_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                        em_parse_meta *meta, em_error *err);
/* EU Financial Sanctions Files; `source` defaults to "eu_fsf"; ids are "eu-<logicalId>". */
int em_parse_eu_fsf_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                        em_parse_meta *meta, em_error *err);
int em_parse_eu_fsf_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                        em_parse_meta *meta, em_error *err);
/* UK OFSI consolidated list CSV; `source` defaults to "uk_ofsi"; ids are "ofsi-<Group ID>". */
int em_parse_uk_ofsi_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err);
/* FCDO UK Sanctions List summary; `source` defaults to "uk_fcdo"; ids "ukfcdo-<Unique ID>". */
int em_parse_uk_fcdo_csv(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err);
/* FCDO UK Sanctions List XML export (uk_fcdo_xml.c); ids "ukfcdo-<UniqueID>". */
int em_parse_uk_fcdo_xml(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err);
int em_parse_uk_fcdo_ods(const char *path, const char *source, em_sink_fn sink, void *ctx,
                         em_parse_meta *meta, em_error *err);

#endif
