/*
 * snapshot_format.h - the on-disk layout of a snapshot (little-endian, as
 * written by snapshot_build.c, checked by snapshot_check.c and mapped by
 * match/matcher.c). A header with section offsets, then fixed-size record
 * arrays and string-keyed maps; every string is an offset into one string
 * pool. Bump EM_SNAP_VERSION on change.
 *
 * Trust. A snapshot is a file in the home that anything may have damaged (a
 * disk, a copy cut short, an editor, an attacker), and the search hot path
 * follows its indices without a single bounds check. So a snapshot is checked
 * once, when it is opened, and never mapped into a matcher unless it passes:
 *
 *  1. A checksum (EM_SNAP_CHECKSUM_FROM below): XXH64, seed 0, of every byte
 *     after the checksum field, written by the builder, verified on every
 *     open. It catches accidental damage: a truncated, bit-flipped or
 *     partially overwritten file. `tail -c +25 FILE | xxhsum -H64` shows it.
 *  2. The structure (em_snapshot_check), one linear pass, no allocation, so
 *     that even a file with a valid checksum (a builder bug, a crafted file)
 *     cannot make the matcher read outside the mapping, loop or hit undefined
 *     behaviour:
 *     - the header: magic, version, reserved fields zero, file length, every
 *       section within the file, 8-aligned, after the header, a whole number
 *       of records, and the record counts agree with the header;
 *     - the string pool ends with NUL, so every offset below its length is a
 *       NUL-terminated string inside it; every string offset is checked so;
 *     - entities own contiguous, in-order ranges of names, birth dates and
 *       countries that tile those tables exactly, and every name points back
 *       at the entity that owns it; names own contiguous ranges of name
 *       tokens that tile that table; tokens own contiguous posting lists that
 *       tile the postings (df equals the list length);
 *     - every name token is a token id; every posting is a name id, strictly
 *       increasing within its list; token lengths are the lengths of their
 *       text (alignment copies by length); IDF weights are finite, in [0,64];
 *       birth dates are 0 <= from <= to <= 99991231 (date arithmetic cannot
 *       overflow); enumerations (schema kind, gender, name kind) in range;
 *     - the header's max_idf is the largest token IDF (or 1, if larger), as the
 *       builder wrote it;
 *     - the acronym table: whole records, strictly increasing (key, name), keys
 *       not 0, names below the name count, pad zero (it is binary searched);
 *     - an entity's history fields are entries of the version table, whose
 *       import times are strings of the pool (entry 0: none), pad zero;
 *     - each string map (smap.c): a power-of-two table with at least one
 *       empty slot (probing terminates), every slot 0 or an entry number
 *       (its low bits; the high bits a fingerprint, not checked),
 *       exactly n slots used, keys in the pool, value lists contiguous and
 *       tiling the value array, values below their limit (token ids for the
 *       vocabulary, skeleton, group and deletion maps, entity ids for the
 *       identifier and id maps, (entity id, string offset) pairs for related).
 *     Not checked, because a wrong value only changes a score and never an
 *     access: the stored key hashes of the maps (a lookup misses), flags,
 *     country codes, versions, which names an acronym key lists (a name more or
 *     fewer retrieved). The only table binary searched is the acronym table,
 *     checked sorted.
 *  Both run on every open (em_matcher_open and em_matcher_open_file); the
 *  search path adds no check. Cost on the bundled lists (14 MB): about 1.7 ms
 *  of checksum and 1.5 ms of structure, plus faulting the pages in (which the
 *  first searches would otherwise pay). The string maps, the largest part,
 *  are checked in a branch-free pass, walked again only to name a fault.
 *  A file that fails is refused with EM_ERR_FORMAT naming the file and the
 *  fault; em_matcher_open then deletes it and builds it again from the store.
 */
#ifndef EM_INDEX_SNAPSHOT_FORMAT_H
#define EM_INDEX_SNAPSHOT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "index/smap.h"

#define EM_SNAP_MAGIC "EMBSNAP\0"
/* 7: fingerprints in the string maps' slots (smap.c); 8: SEC_SOUNDS; 9: SEC_ACRONYMS and the
   header's max_idf, computed by the builder rather than at every open */
#define EM_SNAP_VERSION 9

enum {
    SEC_STRINGS,
    SEC_ENTITIES,
    SEC_DOBS,
    SEC_COUNTRIES,
    SEC_NAMES,
    SEC_NAME_TOKENS,
    SEC_TOKENS,
    SEC_POSTINGS,
    SEC_VOCAB,    /* token text -> token id */
    SEC_SKEL,     /* skeleton -> token ids */
    SEC_GROUPS,   /* "#<group>" -> token ids */
    SEC_DELETES,  /* token with one letter deleted -> token ids */
    SEC_IDS,      /* normalised identifier -> entity ids */
    SEC_RELATED,  /* entity id -> (entity index, reason string) pairs: the same party on other lists
                   */
    SEC_VERSIONS, /* the list versions entities' histories name (snap_version; entry 0: none) */
    SEC_BY_ID,    /* entity id -> entity index */
    SEC_SOUNDS,   /* the sound of a whole Latin name (em_name_sound_key) -> entity ids */
    SEC_ACRONYMS, /* snap_acronym: organisation names by their initials (match/org.c) */
    SEC_COUNT
};

typedef struct snap_section {
    uint64_t off, len;
} snap_section;

typedef struct snap_header {
    char magic[8];
    uint32_t version;
    uint32_t reserved; /* 0 */
    uint64_t checksum; /* XXH64 (seed 0) of bytes [EM_SNAP_CHECKSUM_FROM, file_len) */
    uint64_t file_len; /* the whole file, header included */
    uint32_t n_entities;
    uint32_t n_names;
    uint32_t n_tokens;
    float max_idf; /* the largest token IDF, at least 1 (the weight of a token no name has) */
    uint64_t knowledge_hash;
    snap_section sec[SEC_COUNT];
} snap_header;

/* the checksum covers everything after itself */
#define EM_SNAP_CHECKSUM_FROM (offsetof(snap_header, checksum) + sizeof(uint64_t))

enum {
    SNAP_SCHEMA_PERSON = 1,
    SNAP_SCHEMA_ORG = 2,
    SNAP_SCHEMA_VESSEL = 3,
    SNAP_SCHEMA_AIRCRAFT = 4,
    SNAP_SCHEMA_OTHER = 5
};

typedef struct snap_entity {
    uint32_t id, caption, schema, source, programs; /* string offsets */
    /* the entity's history in the store (em_entity_history): entries of the version
       table (SEC_VERSIONS) where it was first seen, last changed, last seen; 0 = unknown */
    uint32_t first_seen, last_change, last_seen;
    uint32_t name_first, name_count;
    uint32_t dob_first, country_first;
    uint16_t dob_count, country_count;
    uint8_t gender; /* 0 unknown, 1 male, 2 female */
    uint8_t schema_kind;
    uint8_t pad[2];
    int64_t version;
} snap_entity;

/* one list version named by a history; entry 0 is {0, "" } (unknown) */
typedef struct snap_version {
    int64_t id;           /* the store's version id */
    uint32_t imported_at; /* string offset: ISO 8601 UTC */
    uint32_t pad;         /* 0 */
} snap_version;

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

/* One organisation name under one of its initials (org.c: em_org_acronyms_compute):
   the initials packed five bits a letter (a = 1 .. z = 26), the name's index; the
   section is sorted by (key, name), each pair once, and binary searched on key. */
typedef struct snap_acronym {
    uint64_t key;
    uint32_t name;
    uint32_t pad; /* 0 */
} snap_acronym;

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
