/*
 * encoding.h - getting list text into UTF-8. OFAC's legacy CSV files are
 * Windows-1252; some are already UTF-8. em_to_utf8 keeps valid UTF-8 as is
 * and converts anything else from Windows-1252 (via ICU's converters).
 */
#ifndef EM_TEXT_ENCODING_H
#define EM_TEXT_ENCODING_H

#include <stddef.h>

int em_is_valid_utf8(const char *s, size_t n);
/* Returns a new UTF-8 string (caller frees). */
char *em_to_utf8(const char *s, size_t n, const char *fallback_charset);

#endif
