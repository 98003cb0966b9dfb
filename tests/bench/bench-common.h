/* bench-common.h: what the benchmarks measure themselves with
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A field of /proc/self/status ("VmRSS:", "VmHWM:") in kB; 0 if unknown. */
long   bench_proc_status_kb (const char *field);
/* CPU time of this process (all its threads), in seconds. */
double bench_cpu_seconds    (void);
/* CPU time of the calling thread, in seconds. */
double bench_thread_cpu_seconds (void);

G_END_DECLS
