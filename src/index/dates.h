/*
 * dates.h - dates as inclusive YYYYMMDD ranges, for list birth dates and
 * query birth dates alike ("1960" = 19600101..19601231).
 */
#ifndef EM_INDEX_DATES_H
#define EM_INDEX_DATES_H

#include <stdint.h>

/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (leading part of longer text is not
   accepted). Returns precision 1/2/3, or 0 when not a date. */
int em_date_range(const char *s, int32_t *from, int32_t *to);

#endif
