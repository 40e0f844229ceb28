/*
 * update_internal.h - a forwarding header only: the updater's internals moved
 * to src/update/update_internal.h and the update log to store/update_log.h.
 * Kept until tests/unit/test_update.c includes those two directly; then
 * delete this file. Nothing in src/ includes it.
 */
#ifndef EM_STORE_UPDATE_INTERNAL_H
#define EM_STORE_UPDATE_INTERNAL_H

#include "store/update_log.h"
#include "update/update_internal.h"

#endif
