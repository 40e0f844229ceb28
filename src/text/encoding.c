/*
 * encoding.c - UTF-8 validation and legacy charset conversion (ICU ucnv).
 */
#include "text/encoding.h"

#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/utf8.h>

#include "base/buf.h"

int em_is_valid_utf8(const char *s, size_t n) {
    int32_t i = 0, len = (int32_t)n;
    while (i < len) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0) return 0;
    }
    return 1;
}

char *em_to_utf8(const char *s, size_t n, const char *fallback_charset) {
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) {
            ascii = 0;
            break;
        }
    if (ascii || em_is_valid_utf8(s, n)) return em_xstrndup(s, n);
    UErrorCode st = U_ZERO_ERROR;
    size_t cap = n * 3 + 1;
    char *out = em_xmalloc(cap);
    int32_t k = ucnv_convert("UTF-8", fallback_charset ? fallback_charset : "windows-1252", out,
                             (int32_t)cap, s, (int32_t)n, &st);
    if (U_FAILURE(st)) {
        /* cannot happen for windows-1252 (every byte maps); keep ASCII only */
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x80) out[j++] = s[i];
        out[j] = '\0';
        return out;
    }
    out[k] = '\0';
    return out;
}
