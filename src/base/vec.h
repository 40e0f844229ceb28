/*
 * vec.h - the one growable array of the library: EM_VEC(T) and the macros
 * that grow it. Every "append to an array that may be full" goes through
 * here, so the growth policy lives in one place.
 *
 * Design notes
 * ------------
 * A vector is a plain struct { T *items; size_t len, cap; }, declared in
 * place with EM_VEC(T) (an anonymous struct type) or written out by hand as a
 * named struct with the same three members: the macros only use the member
 * names, so both work, and `{0}` is an empty vector that owns nothing.
 *
 * Growth is geometric: when an append finds len == cap, the capacity doubles,
 * or doubles as often as an em_vec_reserve needs. The first allocation holds
 * EM_VEC_MIN_CAP items, or more of small items (as many as fit 32 bytes, a
 * power of two: 4 pointers, 8 uint32_t), so capacities stay powers of two,
 * a vector of a few large structs (the names of an entity) does not reserve
 * room for many, and one of small items does not reallocate at every
 * append. Appending n items therefore costs O(n) copies in total and about
 * log2(n) reallocations. Allocation goes through em_xrealloc, so it never
 * fails (the process aborts instead, see buf.h). The vector never shrinks;
 * em_vec_free releases the array (not what the items point to: that is the
 * owner's business) and leaves {0}.
 *
 * Pointers into items[] are invalidated by any append that grows the array.
 *
 * The macros evaluate their vector argument more than once: pass an lvalue
 * without side effects (`x->names`, not `*next++`).
 */
#ifndef EM_BASE_VEC_H
#define EM_BASE_VEC_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define EM_VEC(T)                                                                                  \
    struct {                                                                                       \
        T *items;                                                                                  \
        size_t len, cap;                                                                           \
    }

/* The fewest items of a vector's first allocation (see above). */
#define EM_VEC_MIN_CAP 2

/* Returns items reallocated so that cap >= len + extra (updating *cap);
   the growth policy described above. The engine room of the macros. */
void *em_vec_grow_(void *items, size_t *cap, size_t len, size_t extra, size_t elem);

/* Makes room for `extra` more items without appending them. */
#define em_vec_reserve(v, extra)                                                                   \
    ((v).len + (extra) > (v).cap ? (void)((v).items = em_vec_grow_((v).items, &(v).cap, (v).len,   \
                                                                   (extra), sizeof *(v).items))    \
                                 : (void)0)

/* Appends the value x (of the item type). */
#define em_vec_push(v, x) (em_vec_reserve((v), 1), (void)((v).items[(v).len++] = (x)))

/* Appends one zero-filled item and returns a pointer to it. */
#define em_vec_add(v)                                                                              \
    (em_vec_reserve((v), 1), memset(&(v).items[(v).len], 0, sizeof *(v).items),                    \
     &(v).items[(v).len++])

/* The last item (the vector must not be empty). */
#define em_vec_last(v) ((v).items[(v).len - 1])

/* Frees the array and leaves an empty vector. */
#define em_vec_free(v) (free((v).items), (v).items = NULL, (v).len = (v).cap = 0)

#endif
