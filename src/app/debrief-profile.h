/* debrief-profile.h: start-up timing for tests/bench/bench-startup.sh
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only (GLib only), shared by the app and the benchmark's smallest
 * libadwaita window so that both are timed the same way.
 */
#pragma once

#include <stdlib.h>
#include <time.h>

#include <glib.h>

/* At the first painted frame: the time since the exec (when bench-exec
 * --start-env DEBRIEF_PROFILE_EXEC_US started the process: dynamic linking
 * included) and the CPU time of the whole process so far (all threads). */
static inline void
debrief_profile_print_startup (void)
{
  const char *exec_us = g_getenv ("DEBRIEF_PROFILE_EXEC_US");
  struct timespec cpu;

  if (exec_us != NULL)
    g_printerr ("first-frame-exec-ms %.1f\n",
                (g_get_monotonic_time () - g_ascii_strtoll (exec_us, NULL, 10)) / 1000.0);
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  g_printerr ("first-frame-cpu-ms %.1f\n", cpu.tv_sec * 1000.0 + cpu.tv_nsec / 1e6);
}
