/*
 * reader.h - streaming input for every parser: reads plain or gzip-compressed
 * files (zlib detects which), counts lines, and yields lines or raw chunks.
 * Bounded memory: one chunk buffer plus the current line.
 */
#ifndef EM_SOURCES_READER_H
#define EM_SOURCES_READER_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "embargo.h"

typedef struct em_reader em_reader;

/* The longest line em_reader_getline accepts (no list has lines near it). */
#define EM_READER_MAX_LINE (64 << 20)

em_reader *em_reader_open(const char *path, em_error *err);
void em_reader_close(em_reader *r);
const char *em_reader_path(const em_reader *r);
const char *em_reader_basename(const em_reader *r);

/* Reads up to n raw (decompressed) bytes; returns bytes read, 0 at end, -1 on error. */
long em_reader_read(em_reader *r, void *buf, size_t n, em_error *err);

/*
 * Reads one line (without its "\n" or "\r\n") into `line`. Returns 1 when a
 * line was read, 0 at end of file, -1 on error. em_reader_line() is the
 * 1-based number of the line last returned.
 */
int em_reader_getline(em_reader *r, em_buf *line, em_error *err);
long em_reader_line(const em_reader *r);

/* Reads the first n decompressed bytes of a file (for format detection). */
long em_peek_file(const char *path, char *buf, size_t n, em_error *err);

/* SHA-256 (hex) over the decompressed content of a file; refuses a file that
   decompresses to more than max_bytes (0 = no limit). *bytes (may be NULL)
   receives the decompressed size. */
int em_file_sha256(const char *path, char hex[65], int64_t max_bytes, int64_t *bytes,
                   em_error *err);

#endif
