/*
 * snapshot_format.h - the on-disk layout of a snapshot (little-endian, as
 * written by snapshot_build.c and mapped by snapshot_map.c). A header with
 * section offsets, then fixed-size record arrays and string-keyed maps; every
 * string is an offset into one string pool. Bump EM_SNAP_VERSION on change.
 */
#ifndef EM_INDEX_SNAPSHOT_FORMAT_H
#define EM_INDEX_SNAPSHOT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "index/smap.h"

#define EM_SNAP_MAGIC "EMBSNAP\0"
#define EM_SNAP_VERSION 4

enum {
    SEC_STRINGS,
    SEC_ENTITIES,
    SEC_DOBS,
    SEC_COUNTRIES,
    SEC_NAMES,
    SEC_NAME_TOKENS,
    SEC_TOKENS,
    SEC_POSTINGS,
    SEC_VOCAB,   /* token text -> token id */
    SEC_SKEL,    /* skeleton -> token ids */
    SEC_GROUPS,  /* "#<group>" -> token ids */
    SEC_DELETES, /* token with one letter deleted -> token ids */
    SEC_IDS,     /* normalised identifier -> entity ids */
    SEC_RELATED, /* entity id -> (entity index, reason string) pairs: the same party on other lists
                  */
    SEC_COUNT
};

typedef struct snap_section {
    uint64_t off, len;
} snap_section;

typedef struct snap_header {
    char magic[8];
    uint32_t version;
    uint32_t n_entities;
    uint32_t n_names;
    uint32_t n_tokens;
    uint64_t knowledge_hash;
    snap_section sec[SEC_COUNT];
} snap_header;

enum {
    SNAP_SCHEMA_PERSON = 1,
    SNAP_SCHEMA_ORG = 2,
    SNAP_SCHEMA_VESSEL = 3,
    SNAP_SCHEMA_AIRCRAFT = 4,
    SNAP_SCHEMA_OTHER = 5
};

typedef struct snap_entity {
    uint32_t id, caption, schema, source, programs; /* string offsets */
    uint32_t name_first, name_count;
    uint32_t dob_first, country_first;
    uint16_t dob_count, country_count;
    int64_t version;
    uint8_t gender; /* 0 unknown, 1 male, 2 female */
    uint8_t schema_kind;
    uint8_t pad[6];
} snap_entity;

typedef struct snap_dob {
    int32_t from, to;  /* YYYYMMDD, inclusive */
    uint8_t precision; /* 1 year, 2 month, 3 day */
    uint8_t circa;
    uint8_t pad[2];
} snap_dob;

typedef struct snap_name {
    uint32_t entity;
    uint32_t display; /* string offset */
    uint32_t tok_first;
    uint8_t tok_count;
    uint8_t kind; /* 0 primary, 1 aka, 2 fka, 3 nka */
    uint8_t weak;
    uint8_t abjad;
} snap_name;

typedef struct snap_token {
    uint32_t str;
    uint32_t df;
    float idf;
    uint32_t group;
    uint32_t skel; /* string offset */
    uint32_t post_first, post_count;
    uint16_t len, flags;
} snap_token;

#endif
