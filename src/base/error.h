/*
 * error.h - filling the public em_error from anywhere in the library.
 */
#ifndef EM_BASE_ERROR_H
#define EM_BASE_ERROR_H

#include "embargo.h"

#if defined(__GNUC__)
#define EM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EM_PRINTF(a, b)
#endif

/* Sets code and a formatted message; returns -1 so callers can `return em_fail(...)`. */
int em_fail(em_error *err, em_error_code code, const char *fmt, ...) EM_PRINTF(3, 4);
/* Prefixes the existing message with more context ("sdn.csv line 4: " + msg). */
int em_fail_prefix(em_error *err, const char *fmt, ...) EM_PRINTF(2, 3);
void em_error_clear(em_error *err);

#endif
