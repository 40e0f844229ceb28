/*
 * tables.h - the knowledge and country tables every matcher reads, loaded once
 * per process and shared by reference (tables.c).
 */
#ifndef EMBARGO_MATCH_TABLES_H
#define EMBARGO_MATCH_TABLES_H

#include <stdint.h>

#include "base/error.h"
#include "text/knowledge.h"
#include "text/tokens.h"

typedef struct em_tables em_tables;

/* The tables of the bundled knowledge files as they are now (their hash, id, taken
   on each call): the ones already loaded when the files have not changed, else
   loaded. One reference for the caller; NULL with err set when a file is unreadable
   or malformed. */
em_tables *em_tables_acquire(em_error *err);
/* Gives back a reference; the last one frees the tables. NULL is ignored. */
void em_tables_release(em_tables *t);

const em_knowledge *em_tables_knowledge(const em_tables *t);
const em_countries *em_tables_countries(const em_tables *t);
/* the id the tables of the knowledge files as they are now have (their hash), without
   loading them */
uint64_t em_tables_current_id(void);
/* the hash of the knowledge files (and of the tokeniser's version) they were loaded from */
uint64_t em_tables_id(const em_tables *t);

#endif
