/*
 * engine_open.h - an engine over a fixed matcher instead of a home's active
 * lists: whole-party screening, the same code path as em_engine_screen,
 * over a register's index (monitor/rescreen.c) or past list versions
 * (monitor/audit.c). It never refreshes.
 */
#ifndef EM_ENGINE_ENGINE_OPEN_H
#define EM_ENGINE_ENGINE_OPEN_H

#include "embargo.h"

/* Takes ownership of m on success (closed with the engine); on failure m is
   still the caller's. */
int em_engine_open_matcher(em_engine **out, em_matcher *m, em_error *err);

/* Calls fn with the matcher of the engine's current generation, held for the
   call (monitor/rescreen.c bounds a list change's effect with it); returns fn's
   result, or -1 with err when the engine has no lists. */
int em_engine_with_matcher(em_engine *e, int (*fn)(void *ctx, const em_matcher *m), void *ctx,
                           em_error *err);

/* The home the engine screens (NULL for an engine over a fixed matcher). */
const char *em_engine_home(const em_engine *e);

#endif
