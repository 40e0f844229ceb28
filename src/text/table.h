/*
 * table.h - reading one data file of data/knowledge line by line (text/table.c).
 */
#ifndef EM_TEXT_TABLE_H
#define EM_TEXT_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

/* One data file being read. */
typedef struct em_table {
    const char *name; /* file name for messages, e.g. "given_names.txt" */
    FILE *f;
    char *line;
    size_t cap;
    uint32_t lineno;
} em_table;

/* Opens dir/name; -1 with an EM_ERR_IO error naming the file when it cannot. */
int em_table_open(em_table *r, const char *dir, const char *name, em_error *err);
void em_table_close(em_table *r);
/* Next non-blank line with the comment ('#' to end of line), a UTF-8 byte order mark and
   the blanks at both ends removed (tabs inside kept); NULL at the end of the file. */
char *em_table_next(em_table *r);
/* Sets an EM_ERR_FORMAT error "NAME line N: ..."; returns -1. */
int em_table_fail(const em_table *r, em_error *err, const char *fmt, ...) EM_PRINTF(3, 4);

#endif
