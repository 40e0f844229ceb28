/*
 * identifiers.c - identifier normal form (see identifiers.h).
 */
#include "index/identifiers.h"

#include <ctype.h>

int em_identifier_key(const char *v, char *key, size_t cap) {
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)v; p && *p && j + 1 < cap; p++)
        if (isalnum(*p)) key[j++] = (char)toupper(*p);
    key[j] = '\0';
    return j >= 4 ? 0 : -1;
}
