/*
 * bigmem.h - large zeroed arrays that are read at random (a searcher's state per
 * listed name, tens of megabytes at a million entities), placed in their own
 * mapping on transparent huge pages where the kernel grants them: a random read
 * then costs a cache miss without a TLB miss as well (2 MiB pages: 20 of them
 * cover 40 MB, where 4 KiB pages need 10,000 TLB entries).
 *
 * em_bigmem_alloc never fails (it aborts, as em_xmalloc); free with the same size.
 */
#ifndef EM_BASE_BIGMEM_H
#define EM_BASE_BIGMEM_H

#include <stddef.h>

void *em_bigmem_alloc(size_t bytes);
void em_bigmem_free(void *p, size_t bytes);
/* asks for huge pages over an existing mapping (a snapshot's), where the kernel can */
void em_bigmem_advise(const void *p, size_t bytes);

#endif
