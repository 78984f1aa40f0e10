/*
 * cpu.h - how many processors this process may run on.
 */
#ifndef LB_UTIL_CPU_H
#define LB_UTIL_CPU_H

/* The processors in the calling thread's affinity mask (taskset, cgroup
 * cpusets); 1 when the mask cannot be read. */
int lb_cpu_count(void);

#endif
