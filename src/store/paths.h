/*
 * paths.h - locating the store home and the bundled data (see paths.c).
 */
#ifndef EM_STORE_PATHS_H
#define EM_STORE_PATHS_H

#include "embargo.h"

char *em_default_home(void); /* caller frees */
int em_mkdir_p(const char *path, em_error *err);

#endif
