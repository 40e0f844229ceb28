/*
 * cpu.h - how many threads to run by default: the CPUs online (1 to 64).
 * Shared by parallel import, batch screening and the server's thread pool.
 */
#ifndef EM_BASE_CPU_H
#define EM_BASE_CPU_H

int em_cpu_count(void);

#endif
