/*
 * bigmem.c - large zeroed arrays on transparent huge pages (bigmem.h).
 *
 * Small arrays come from calloc. A large one is an anonymous mapping rounded up to
 * whole 2 MiB pages and aligned on one (mapped 2 MiB larger, the ends trimmed), then
 * madvise(MADV_HUGEPAGE): with the kernel's THP mode "madvise" (Debian's default)
 * that is what makes the kernel back it with huge pages. A kernel that refuses leaves
 * ordinary pages: the same memory, only slower to reach at random.
 */
#include "base/bigmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "base/buf.h"

#define HUGE_PAGE ((size_t)2 << 20)
/* below this, calloc (a huge page would be mostly empty) */
#define BIGMEM_MIN ((size_t)1 << 20)

static size_t rounded(size_t bytes) {
    return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

void *em_bigmem_alloc(size_t bytes) {
    if (bytes < BIGMEM_MIN) return em_xcalloc(1, bytes ? bytes : 1);
    size_t len = rounded(bytes);
    char *p =
        mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fputs("embargo: out of memory\n", stderr);
        abort();
    }
    char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (a > p) munmap(p, (size_t)(a - p));
    if (a + len < p + len + HUGE_PAGE) munmap(a + len, (size_t)(p + len + HUGE_PAGE - (a + len)));
#ifdef MADV_HUGEPAGE
    madvise(a, len, MADV_HUGEPAGE);
#endif
    return a; /* zeroed */
}

void em_bigmem_free(void *p, size_t bytes) {
    if (!p) return;
    if (bytes < BIGMEM_MIN)
        free(p);
    else
        munmap(p, rounded(bytes));
}

void em_bigmem_advise(const void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}
