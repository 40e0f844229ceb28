/*
 * cpu.c - the number of CPUs online (see cpu.h).
 */
#include "base/cpu.h"

#include <unistd.h>

int em_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
