/*
 * table_csv.h - a small streaming reader for delimited text (the EU FSF,
 * UK OFSI and FCDO CSV exports, custom lists, OFAC's legacy CSV): quoted
 * fields with "" escapes that may span lines, a configurable delimiter, a
 * UTF-8 byte order mark, and text that is UTF-8 or Windows-1252 (converted
 * with em_to_utf8). Fields come back trimmed. Options for the stricter or
 * odder formats: text after a closing quote as an error, a null marker
 * ("-0-") read as an empty field, an end-of-file marker byte (0x1A).
 */
#ifndef EM_SOURCES_TABLE_CSV_H
#define EM_SOURCES_TABLE_CSV_H

#include "base/buf.h"
#include "embargo.h"
#include "sources/reader.h"

typedef struct em_tcsv {
    em_reader *r;
    char *name; /* basename without ".gz", for messages (the caller may replace it) */
    char delim;
    /* options, all off after em_tcsv_open; set them before the first em_tcsv_next */
    int strict_quotes;     /* text after a closing quote is an error */
    const char *null_text; /* a field equal to this (once trimmed) comes back "" */
    char end_marker;       /* a byte that ends the file (0x1A), 0 for none: */
                           /* only white space may follow it */
    int keep_bom;          /* a UTF-8 byte order mark is kept as text */
    int ended;             /* end_marker was seen */
    em_buf line, cur;
    em_strvec fields; /* the fields of the last record (UTF-8, trimmed) */
    long rec_line;    /* line where the last record started */
} em_tcsv;

int em_tcsv_open(em_tcsv *c, const char *path, char delim, em_error *err);
void em_tcsv_close(em_tcsv *c);
/* Reads the next record (blank lines are skipped): 1, 0 at end, -1 on error. */
int em_tcsv_next(em_tcsv *c, em_error *err);
/* 1 when every field of the last record is empty (",,,,"). */
int em_tcsv_blank(const em_tcsv *c);
/* Splits one line of text (quotes respected) into trimmed fields appended to out. */
void em_tcsv_split(const char *s, char delim, em_strvec *out);
/* Frees the strings of v and empties it. */
void em_tcsv_clear(em_strvec *v);

/* Index of the first header field equal (case-insensitively) to one of the
 * NULL-terminated names, or -1. */
int em_tcsv_col(const em_strvec *header, const char *const *names);

/*
 * "13/04/2018" or "13-04-2018" (00 for an unknown day or month) or
 * "2018-04-13" -> ISO prefix "2018-04-13", "2018-04" or "2018" in out.
 * Returns 0, or -1 when s is not such a date.
 */
int em_tcsv_date(const char *s, char out[11]);

#endif
