/*
 * vec.c - the growth policy of EM_VEC (see vec.h): one function, so every
 * vector of the library grows the same way.
 */
#include "base/vec.h"

#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"

static void too_big(void) {
    fputs("embargo: vector too large\n", stderr);
    abort();
}

void *em_vec_grow_(void *items, size_t *cap, size_t len, size_t extra, size_t elem) {
    if (extra > SIZE_MAX - len) too_big();
    size_t need = len + extra, ncap = *cap;
    if (!ncap) { /* the first allocation: EM_VEC_MIN_CAP, or 32 bytes of small items */
        ncap = EM_VEC_MIN_CAP;
        while (elem && ncap * 2 * elem <= 32)
            ncap *= 2;
    }
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) too_big();
        ncap *= 2;
    }
    if (ncap == *cap) return items; /* already room */
    if (elem && ncap > SIZE_MAX / elem) too_big();
    items = em_xrealloc(items, ncap * elem);
    *cap = ncap;
    return items;
}
