/*
 * csvio.h - the input side of the batch commands (screen, compare --pairs):
 * a buffered reader over a FILE that yields CSV records (RFC 4180: quoted
 * fields, "" escapes, delimiters and newlines inside quotes, CRLF, a UTF-8
 * BOM) or plain lines (JSON lines), in bounded memory, counting the bytes
 * consumed for progress estimates. Also CSV field output.
 */
#ifndef EM_CLI_CSVIO_H
#define EM_CLI_CSVIO_H

#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"

typedef struct cli_reader cli_reader;

/* Reads from f (not closed by the reader). Records or lines longer than
   max_record bytes are reported as errors and skipped in bounded memory. */
cli_reader *cli_reader_new(FILE *f, size_t max_record);
void cli_reader_free(cli_reader *r);

/* Skips a UTF-8 BOM and leading white space; returns the first character
   that follows (not consumed), or EOF. */
int cli_reader_first_char(cli_reader *r);

/* The CSV delimiter: ',' by default; cli_reader_detect_delim() picks ',',
   ';' or TAB from the first line (the header), whichever occurs outside
   quotes and comes first in that order of preference. */
void cli_reader_set_delim(cli_reader *r, char delim);
char cli_reader_detect_delim(cli_reader *r);

/*
 * Reads the next CSV record, skipping blank lines. Returns 1 with the fields
 * available through cli_reader_nfields/field, 0 at end of input, -1 on a
 * read error. A malformed or too long record still returns 1, with
 * cli_reader_error() saying what was wrong (NULL for a good record).
 */
int cli_reader_record(cli_reader *r);
size_t cli_reader_nfields(const cli_reader *r);
const char *cli_reader_field(const cli_reader *r, size_t i); /* "" past the end */
const char *cli_reader_error(const cli_reader *r);

/* Reads the next line (without its CR LF) into `line`, skipping blank
   lines; same returns and errors as cli_reader_record. */
int cli_reader_line(cli_reader *r, em_buf *line);

uint64_t cli_reader_bytes(const cli_reader *r); /* consumed so far */

/* Writes one CSV field, quoted when it needs to be. */
void cli_csv_write_field(FILE *f, const char *s, char delim);

#endif
