/*
 * table_csv.h - a small streaming reader for delimited text with a header
 * (the EU FSF, UK OFSI and FCDO CSV exports): quoted fields with "" escapes
 * that may span lines, a configurable delimiter, and text that is UTF-8 or
 * Windows-1252 (converted with em_to_utf8). Fields come back trimmed.
 */
#ifndef EM_SOURCES_TABLE_CSV_H
#define EM_SOURCES_TABLE_CSV_H

#include "base/buf.h"
#include "embargo.h"
#include "sources/reader.h"

typedef struct em_tcsv {
    em_reader *r;
    char *name; /* basename without ".gz", for messages */
    char delim;
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

/* Copy of s with runs of whitespace (tabs, newlines) turned into one space. */
char *em_tcsv_squash(const char *s);

#endif
