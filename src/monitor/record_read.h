/*
 * record_read.h - streams a register file (CSV with a header, or JSON lines)
 * into canonical records (record.h). A structural fault (broken CSV or JSON,
 * no id column, a row without an id) is an error that stops the import; a
 * value that cannot be used (an unknown country, a malformed date) is a
 * warning and the record is kept without it.
 */
#ifndef EM_MONITOR_RECORD_READ_H
#define EM_MONITOR_RECORD_READ_H

#include <jansson.h>

#include "base/buf.h"
#include "embargo.h"

typedef struct em_record_reader em_record_reader;

int em_record_reader_open(em_record_reader **out, const char *path, em_error *err);
/* 1 with *rec (a new reference), 0 at the end, -1 on a structural fault. Each
   warning (with its line) is appended to warnings. A record with neither a
   name nor an identifier is skipped with a warning. */
int em_record_reader_next(em_record_reader *r, json_t **rec, em_strvec *warnings, em_error *err);
void em_record_reader_close(em_record_reader *r);

#endif
