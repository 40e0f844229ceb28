/*
 * snapshot_check.h - deciding whether a snapshot file may be trusted: its
 * checksum and its structure (what and why: snapshot_format.h).
 */
#ifndef EM_INDEX_SNAPSHOT_CHECK_H
#define EM_INDEX_SNAPSHOT_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* XXH64 (seed 0) of len bytes. */
uint64_t em_xxh64(const void *data, size_t len);

/* Writes file_len and the checksum into the header of a complete snapshot
   image of len bytes (len >= sizeof(snap_header)). */
void em_snapshot_seal(void *image, size_t len);

enum {
    EM_SNAP_OK = 0,
    EM_SNAP_FOREIGN = -1, /* not a snapshot, or one of another format version */
    EM_SNAP_CORRUPT = -2  /* a snapshot of this version that is damaged */
};

/* Checks a whole snapshot image (a mapped file) before anything reads it:
   header, checksum, then every index in every record (one pass, no
   allocation). Returns EM_SNAP_OK, or EM_SNAP_FOREIGN / EM_SNAP_CORRUPT with
   what is wrong in why ("posting 123 points past the name table"). */
int em_snapshot_check(const void *image, size_t len, char *why, size_t cap);

#endif
