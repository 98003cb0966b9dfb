/* bench-load.c: loads a run folder with Debrief and computes the checklist's
 * two numbers (FORMATS.md section 2), printing one JSON line. Driven by
 * bench-load.py, which runs the checklist's Python on the same file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "debrief-core.h"

#include "bench-common.h"

static double
mean (const double *values,
      gsize         n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += values[i];
  return sum / n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;
  DebriefSeries *train, *val;
  long rss_before, rss_after;
  gint64 start, end;
  double cpu_start, cpu_end;
  double convergence = NAN;
  gboolean overfitting = FALSE;

  if (argc != 2)
    {
      g_printerr ("usage: %s RUN_FOLDER\n", argv[0]);
      return 2;
    }
  folder = g_file_new_for_commandline_arg (argv[1]);
  /* Types registered before the clock starts: they are start-up, not loading. */
  g_type_ensure (DEBRIEF_TYPE_RUN);
  g_type_ensure (DEBRIEF_TYPE_SERIES);
  rss_before = bench_proc_status_kb ("VmRSS:");

  start = g_get_monotonic_time ();
  cpu_start = bench_cpu_seconds ();
  run = debrief_run_load (folder, NULL, &error);
  if (run == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  train = debrief_run_get_train_loss (run);
  val = debrief_run_get_val_loss (run);
  /* The checklist's numbers, computed as it does (FORMATS.md section 2). */
  if (train && debrief_series_get_length (train) > 100)
    {
      const double *v = debrief_series_get_values (train);
      gsize n = debrief_series_get_length (train);
      double early = mean (v, 10), late = mean (v + n - 10, 10);
      convergence = (early - late) / early * 100;
    }
  if (val && debrief_series_get_length (val) > 0)
    {
      const double *v = debrief_series_get_values (val);
      gsize n = debrief_series_get_length (val);
      overfitting = v[n - 1] > v[n / 2];
    }
  end = g_get_monotonic_time ();
  cpu_end = bench_cpu_seconds ();
  rss_after = bench_proc_status_kb ("VmRSS:");

  printf ("{\"impl\": \"debrief\", \"seconds\": %.6f, \"cpu_seconds\": %.6f, \"points\": %" G_GSIZE_FORMAT
          ", \"rss_before_kb\": %ld, \"rss_after_kb\": %ld, \"peak_rss_kb\": %ld, "
          "\"bytes_per_point\": %.2f, \"convergence_percent\": %.17g, \"seed_overfitting_warning\": %s}\n",
          (end - start) / 1e6, cpu_end - cpu_start, debrief_run_get_n_points (run), rss_before, rss_after,
          bench_proc_status_kb ("VmHWM:"),
          debrief_run_get_n_points (run) ? (rss_after - rss_before) * 1024.0 / debrief_run_get_n_points (run) : 0.0,
          convergence, overfitting ? "true" : "false");
  return 0;
}
