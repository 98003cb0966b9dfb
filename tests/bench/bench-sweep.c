/* bench-sweep.c: opening a folder of 1,000 runs, as the window does
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   build/tests/bench/bench-sweep [--runs 1000] [--steps 10000] [--dir DIR]
 *
 * Writes a generated sweep (metrics.json per run, the seed format) unless DIR
 * already holds one, reads every file once so both measurements find them in
 * the page cache, then measures in one process:
 *  - the baseline: one run loaded, analysed and lined up, as a single call
 *    (the median of 11 runs), times the number of runs;
 *  - the workspace opening the parent folder (discovery, the bounded pool of
 *    loads and analyses) with the sweep model on top, as the window has it:
 *    the time to the first line of the table, to every line, and until every
 *    line has its results and verdict and the sweep (columns, groups,
 *    findings) is built; and the peak resident memory it added, against the
 *    points' own bytes (16 per point: a step and a value).
 * Prints one JSON line, then the same for people.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "bench-common.h"
#include "debrief-test-sweep.h"

/* Resets VmHWM to the current RSS (Linux 4.0+), so the peak is this phase's. */
static void
reset_peak (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");

  if (f != NULL)
    {
      fputs ("5", f);
      fclose (f);
    }
}

static void
read_all (const char *dir,
          GPtrArray  *folders)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, "metrics.json", NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL))
        g_ptr_array_add (folders, g_build_filename (dir, name, NULL));
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

typedef struct
{
  DebriefSweepModel *lines;
  guint n;
  gint64 start;
  double first_line;
  double all_lines;
} Watch;

static void
lines_changed (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               Watch      *w)
{
  double t = (g_get_monotonic_time () - w->start) / 1e6;
  guint n = g_list_model_get_n_items (model);

  if (n > 0 && w->first_line < 0)
    w->first_line = t;
  if (n == w->n && w->all_lines < 0)
    w->all_lines = t;
}

static gboolean
settled (Watch            *w,
         DebriefWorkspace *workspace)
{
  if (g_getenv ("DEBRIEF_BENCH_NO_MODEL"))
    return g_list_model_get_n_items (debrief_workspace_get_runs (workspace)) == w->n &&
           !debrief_workspace_get_busy (workspace);
  DebriefSweep *sweep = debrief_sweep_model_get_sweep (w->lines);

  return g_list_model_get_n_items (G_LIST_MODEL (w->lines)) == w->n && !debrief_sweep_model_get_busy (w->lines) &&
         sweep != NULL && debrief_sweep_get_n_runs (sweep) == w->n;
}

typedef struct
{
  double single, cpu_single;
  double first_line, all_lines, settled, cpu_open;
  double sweep_ms;
  long peak;
  gsize points;
} Phase;

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}

/* One run at a time, in one call each: the median of SINGLES runs spread over the folder. */
#define SINGLES 51

static void
measure_singles (GPtrArray *folders,
                 Phase     *p)
{
  double wall[SINGLES], cpu[SINGLES];

  for (guint k = 0; k < SINGLES; k++)
    {
      g_autoptr(GFile) folder = g_file_new_for_path (g_ptr_array_index (folders, k * folders->len / SINGLES));
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double c0 = bench_cpu_seconds ();
      g_autoptr(DebriefRun) run = debrief_run_load (folder, NULL, &error);
      g_autoptr(DebriefAnalysis) analysis = NULL;
      g_autoptr(DebriefSweepRun) line = NULL;

      g_assert_no_error (error);
      analysis = debrief_analysis_run (run, NULL, &error);
      debrief_run_set_analysis (run, analysis);
      line = debrief_sweep_run_new (run);
      wall[k] = (g_get_monotonic_time () - t0) / 1e6;
      cpu[k] = bench_cpu_seconds () - c0;
    }
  qsort (wall, SINGLES, sizeof (double), compare_doubles);
  qsort (cpu, SINGLES, sizeof (double), compare_doubles);
  p->single = wall[SINGLES / 2];
  p->cpu_single = cpu[SINGLES / 2];
}

/* The window's way: the workspace on the parent, the sweep model on its runs. */
static void
measure_open (const char *dir,
              guint       n_runs,
              Phase      *p)
{
  g_autoptr(DebriefWorkspace) workspace = NULL;
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_autoptr(GFile) parent = g_file_new_for_path (dir);
  Watch w = { NULL, n_runs, 0, -1, -1 };
  long rss_before;
  double cpu;

  reset_peak ();
  rss_before = bench_proc_status_kb ("VmRSS:");
  workspace = debrief_workspace_new ();
  /* DEBRIEF_BENCH_NO_MODEL: the workspace alone, to see what the table costs. */
  w.lines = debrief_sweep_model_new (g_getenv ("DEBRIEF_BENCH_NO_MODEL") ? G_LIST_MODEL (g_list_store_new (DEBRIEF_TYPE_RUN))
                                                                          : debrief_workspace_get_runs (workspace));
  g_signal_connect (w.lines, "items-changed", G_CALLBACK (lines_changed), &w);
  w.start = g_get_monotonic_time ();
  cpu = bench_cpu_seconds ();
  batch = debrief_workspace_open (workspace, &parent, 1, DEBRIEF_OPEN_DISCOVER);
  while (!settled (&w, workspace))
    g_main_context_iteration (NULL, TRUE);
  p->settled = (g_get_monotonic_time () - w.start) / 1e6;
  p->cpu_open = bench_cpu_seconds () - cpu;
  p->first_line = w.first_line;
  p->all_lines = w.all_lines;
  p->peak = bench_proc_status_kb ("VmHWM:") - rss_before;
  p->points = 0;
  for (guint i = 0; i < g_list_model_get_n_items (debrief_workspace_get_runs (workspace)); i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (debrief_workspace_get_runs (workspace), i);
      p->points += debrief_run_get_n_points (run);
    }
  {
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_object_unref);
    gint64 t0;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (w.lines)); i++)
      g_ptr_array_add (lines, g_list_model_get_item (G_LIST_MODEL (w.lines), i));
    t0 = g_get_monotonic_time ();
    g_object_unref (debrief_sweep_new (lines, NULL));
    p->sweep_ms = (g_get_monotonic_time () - t0) / 1e3;
  }
  g_clear_object (&w.lines);
  /* Let the workspace's last callbacks run before it goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  gint n_runs = 1000, steps = 10000, rounds = 3;
  g_autofree char *dir = NULL;
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs (a multiple of 20)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per run", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where the runs are (written when empty)", "DIR" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds of both measurements, alternating (the best counts)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  Phase best = { 0 };
  double baseline;
  gboolean made = FALSE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_runs < 20 || steps < 100)
    {
      g_printerr ("bench-sweep: %s\n", error ? error->message : "--runs ≥ 20, --steps ≥ 100");
      return 2;
    }
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("debrief-bench-sweep-XXXXXX", &error);
      g_assert_no_error (error);
      made = TRUE;
    }
  read_all (dir, folders);
  if (folders->len == 0)
    {
      DebriefTestSweepModel model;
      g_autoptr(GRand) rand = g_rand_new_with_seed (1);
      static const double rates[] = { 3e-4, 1e-3, 3e-3, 1e-2, 3e-2 };

      debrief_test_sweep_model_init (&model);
      model.steps = (guint) steps;
      model.eval_every = (guint) steps / 20;
      /* 5 rates × 4 ranks × seeds */
      for (int i = 0; i < n_runs; i++)
        {
          double lr = rates[i % 5];
          int rank = 4 << (2 * ((i / 5) % 4));
          int seed = i / 20;
          g_autofree char *name = debrief_test_sweep_run_name (lr, rank, seed);
          debrief_test_sweep_write_seed_run (&model, rand, dir, name, lr, rank, seed);
        }
      read_all (dir, folders);
    }
  n_runs = (gint) folders->len;

  for (guint round = 0; round < (guint) rounds; round++)
    {
      Phase p = { 0 };

      measure_singles (folders, &p);
      measure_open (dir, (guint) n_runs, &p);
      g_printerr ("round %u: one at a time %.2f ms (CPU %.2f), together %.3f s (CPU %.2f ms per run), "
                  "first line %.3f s, load %.1f\n", round + 1, p.single * 1000, p.cpu_single * 1000, p.settled,
                  p.cpu_open * 1000 / n_runs, p.first_line, load_average ());
      best.single = round == 0 ? p.single : MIN (best.single, p.single);
      best.cpu_single = round == 0 ? p.cpu_single : MIN (best.cpu_single, p.cpu_single);
      if (round == 0 || p.settled < best.settled)
        {
          best.settled = p.settled;
          best.first_line = p.first_line;
          best.all_lines = p.all_lines;
          best.cpu_open = p.cpu_open;
        }
      best.peak = MAX (best.peak, p.peak);
      best.points = p.points;
      best.sweep_ms = p.sweep_ms;
    }
  baseline = best.single * n_runs;

  printf ("{\"runs\": %d, \"steps\": %d, \"points\": %" G_GSIZE_FORMAT ", \"cores\": %u, \"rounds\": %d, "
          "\"load_average\": %.1f, \"single_run_s\": %.6f, \"baseline_s\": %.3f, \"first_line_s\": %.3f, "
          "\"all_lines_s\": %.3f, \"settled_s\": %.3f, \"speedup\": %.2f, \"cpu_single_s\": %.6f, "
          "\"cpu_open_s\": %.3f, \"sweep_build_ms\": %.1f, \"peak_kb\": %ld, \"points_kb\": %.0f, "
          "\"peak_over_points\": %.2f}\n",
          n_runs, steps, best.points, g_get_num_processors (), rounds, load_average (), best.single, baseline,
          best.first_line, best.all_lines, best.settled, baseline / best.settled, best.cpu_single, best.cpu_open,
          best.sweep_ms, best.peak, best.points * 16 / 1024.0, best.peak / (best.points * 16 / 1024.0));
  printf ("%d runs of %d steps (%" G_GSIZE_FORMAT " points) on %u cores, best of %d rounds (load average %.1f):\n"
          "  one run at a time: %.2f ms each (load, analyse, line up), × %d = %.2f s\n"
          "  the folder opened: first line of the table after %.3f s, every line after %.3f s,\n"
          "  every line read and analysed and the sweep built after %.2f s: %.2f× faster than one at a time\n"
          "  CPU time: %.2f ms per run one at a time, %.2f ms per run opened together; one sweep of all: %.1f ms\n"
          "  peak memory added: %.1f MB for %.1f MB of points (%.2f×)\n",
          n_runs, steps, best.points, g_get_num_processors (), rounds, load_average (), best.single * 1000, n_runs,
          baseline, best.first_line, best.all_lines, best.settled, baseline / best.settled, best.cpu_single * 1000,
          best.cpu_open * 1000 / n_runs, best.sweep_ms, best.peak / 1024.0, best.points * 16 / 1048576.0,
          best.peak / (best.points * 16 / 1024.0));

  if (made)
    debrief_test_remove_tree (dir);
  return 0;
}
