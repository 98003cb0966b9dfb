/* bench-runs-table.c: the window with thousands of runs open
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GSK_RENDERER=cairo xvfb-run -a build-release/tests/bench/bench-runs-table [--runs 5000] [--steps 1000] [--dir DIR]
 *
 * Opens a generated sweep (metrics.json per run; written unless DIR holds
 * one) in a real window and measures, with a 5 ms ticker at high priority,
 * the longest the main loop went without dispatching (a stall the user
 * sees) while the runs load and the table fills, then while the table sorts
 * by another column and while a regular expression filters it (both in
 * slices); and how long each took. Prints one JSON line, then the same for
 * people.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "bench-common.h"
#include "debrief-plot.h"
#include "debrief-runs-table.h"
#include "debrief-test-sweep.h"
#include "debrief-test-utils.h"
#include "debrief-window.h"

typedef struct
{
  gint64 last;
  gint64 worst;
} Ticker;

static gboolean
tick (gpointer data)
{
  Ticker *t = data;
  gint64 now = g_get_monotonic_time ();

  if (t->last > 0)
    t->worst = MAX (t->worst, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

static void
ticker_reset (Ticker *t)
{
  t->last = 0;
  t->worst = 0;
}

#define FILTER "lora_rank=(16|64).*seed=1[0-9] "

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char *const *) a, *(const char *const *) b);
}

static double
elapsed (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static gboolean
is_column_titled (GtkColumnViewColumn *column,
                  const char          *title)
{
  return g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0;
}

int
main (int   argc,
      char *argv[])
{
  gint n_runs = 5000, steps = 1000;
  g_autofree char *dir = NULL;
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per run", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where the runs are (written when empty)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) parent = NULL;
  DebriefWindow *window;
  DebriefRunsTable *table;
  GtkWidget *view;
  GtkSortListModel *sorted;
  GtkFilterListModel *filtered;
  GListModel *columns;
  GtkColumnViewColumn *by = NULL;
  Ticker ticker = { 0, 0 };
  gint64 start;
  double first_row = -1, all_rows = -1, settled, sort_s, filter_s;
  double cpu, load_cpu, sort_cpu, sort_base, filter_cpu, filter_base;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  guint matched = 0;
  gint64 load_stall, sort_stall, filter_stall;
  gboolean made = FALSE;
  guint shown;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-runs-table: %s\n", error->message);
      return 2;
    }
  gtk_init ();
  adw_init ();
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("debrief-bench-table-XXXXXX", NULL);
      made = TRUE;
    }
  /* A folder named that does not exist yet is made and filled (it waited
   * forever on an empty parent folder). */
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_printerr ("bench-runs-table: cannot make %s: %s\n", dir, g_strerror (errno));
      return 1;
    }
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    if (d != NULL && g_dir_read_name (d) == NULL)
      {
        DebriefTestSweepModel model;
        g_autoptr(GRand) rand = g_rand_new_with_seed (1);
        static const double rates[] = { 3e-4, 1e-3, 3e-3, 1e-2, 3e-2 };

        debrief_test_sweep_model_init (&model);
        model.steps = (guint) steps;
        model.eval_every = MAX (1, (guint) steps / 10);
        for (int i = 0; i < n_runs; i++)
          {
            g_autofree char *name = debrief_test_sweep_run_name (rates[i % 5], 4 << (2 * ((i / 5) % 4)), i / 20);
            debrief_test_sweep_write_seed_run (&model, rand, dir, name, rates[i % 5], 4 << (2 * ((i / 5) % 4)), i / 20);
          }
      }
  }

  /* DEBRIEF_BENCH_NO_WATCH: a workspace that does not watch the runs' files. */
  if (g_getenv ("DEBRIEF_BENCH_NO_WATCH"))
    {
      g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
      window = debrief_window_new (NULL, workspace);
    }
  else
    window = debrief_window_new (NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
  /* The overview is built just after the first frame. */
  while (debrief_test_find_of_type (GTK_WIDGET (window), DEBRIEF_TYPE_RUNS_TABLE) == NULL)
    g_main_context_iteration (NULL, TRUE);
  table = DEBRIEF_RUNS_TABLE (debrief_test_find_of_type (GTK_WIDGET (window), DEBRIEF_TYPE_RUNS_TABLE));
  view = debrief_test_find_of_type (GTK_WIDGET (table), GTK_TYPE_COLUMN_VIEW);
  sorted = GTK_SORT_LIST_MODEL (debrief_runs_table_get_rows (table));
  filtered = GTK_FILTER_LIST_MODEL (gtk_sort_list_model_get_model (sorted));
  /* Let the empty window settle before the clock starts. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_timeout_add_full (G_PRIORITY_HIGH, 5, tick, &ticker, NULL);

  parent = g_file_new_for_path (dir);
  start = g_get_monotonic_time ();
  cpu = bench_thread_cpu_seconds ();
  ticker_reset (&ticker);
  debrief_window_open_files (window, &parent, 1);
  for (;;)
    {
      DebriefSweep *sweep;
      guint rows;

      g_main_context_iteration (NULL, TRUE);
      sweep = debrief_runs_table_get_sweep (table);   /* the table's, replaced as runs come */
      rows = g_list_model_get_n_items (G_LIST_MODEL (sorted));
      if (rows > 0 && first_row < 0)
        first_row = elapsed (start);
      if (rows > 0 && rows >= g_list_model_get_n_items (debrief_window_get_runs (window)) &&
          !debrief_workspace_get_loading (debrief_window_get_workspace (window)) && all_rows < 0)
        all_rows = elapsed (start);
      if (sweep != NULL && debrief_sweep_get_n_runs (sweep) == rows && all_rows >= 0 &&
          !debrief_sweep_model_get_busy (debrief_runs_table_get_model (table)) &&
          !debrief_workspace_get_busy (debrief_window_get_workspace (window)) &&
          gtk_sort_list_model_get_pending (sorted) == 0)
        break;
    }
  settled = elapsed (start);
  load_cpu = bench_thread_cpu_seconds () - cpu;
  load_stall = ticker.worst;
  shown = g_list_model_get_n_items (G_LIST_MODEL (sorted));

  /* Sort by the run names, then wait for the slices to finish. */
  columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  for (guint i = 0; i < g_list_model_get_n_items (columns) && by == NULL; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      if (is_column_titled (column, "Run"))
        by = column;
    }
  g_assert_nonnull (by);
  ticker_reset (&ticker);
  start = g_get_monotonic_time ();
  cpu = bench_thread_cpu_seconds ();
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), by, GTK_SORT_DESCENDING);
  do
    g_main_context_iteration (NULL, FALSE);
  while (gtk_sort_list_model_get_pending (sorted) > 0);
  sort_s = elapsed (start);
  sort_cpu = bench_thread_cpu_seconds () - cpu;
  sort_stall = ticker.worst;

  /* The baselines: the same names sorted, the same texts matched, in a plain array. */
  names = g_ptr_array_new_with_free_func (g_free);
  texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < shown; i++)
    {
      g_autoptr(DebriefSweepRun) line = g_list_model_get_item (G_LIST_MODEL (sorted), i);
      GString *text = g_string_new (debrief_sweep_run_get_name (line));

      for (guint k = 0; k < debrief_sweep_run_get_n_params (line); k++)
        g_string_append_printf (text, " %s=%s", debrief_sweep_run_get_param (line, k)->key,
                                debrief_sweep_run_get_param (line, k)->text);
      g_string_append_printf (text, " %s", debrief_sweep_run_get_verdict (line));
      g_ptr_array_add (names, g_strdup (debrief_sweep_run_get_name (line)));
      g_ptr_array_add (texts, g_string_free (text, FALSE));
    }
  cpu = bench_thread_cpu_seconds ();
  g_ptr_array_sort (names, compare_names);
  sort_base = bench_thread_cpu_seconds () - cpu;

  ticker_reset (&ticker);
  start = g_get_monotonic_time ();
  cpu = bench_thread_cpu_seconds ();
  debrief_runs_table_set_filter (table, FILTER);
  do
    g_main_context_iteration (NULL, FALSE);
  while (gtk_filter_list_model_get_pending (filtered) > 0 || gtk_sort_list_model_get_pending (sorted) > 0);
  filter_s = elapsed (start);
  filter_cpu = bench_thread_cpu_seconds () - cpu;
  filter_stall = ticker.worst;

  cpu = bench_thread_cpu_seconds ();
  {
    g_autoptr(GRegex) regex = g_regex_new (FILTER, G_REGEX_OPTIMIZE, 0, NULL);
    for (guint i = 0; i < texts->len; i++)
      matched += g_regex_match (regex, g_ptr_array_index (texts, i), 0, NULL);
  }
  filter_base = bench_thread_cpu_seconds () - cpu;
  g_assert_cmpuint (matched, ==, g_list_model_get_n_items (G_LIST_MODEL (sorted)));

  printf ("{\"runs\": %u, \"steps\": %d, \"first_row_s\": %.3f, \"all_rows_s\": %.3f, \"settled_s\": %.3f, "
          "\"load_main_thread_cpu_s\": %.3f, \"load_longest_stall_ms\": %.1f, "
          "\"sort_s\": %.3f, \"sort_main_thread_cpu_s\": %.4f, \"sort_baseline_cpu_s\": %.4f, "
          "\"sort_longest_stall_ms\": %.1f, "
          "\"filter_s\": %.3f, \"filter_main_thread_cpu_s\": %.4f, \"filter_baseline_cpu_s\": %.4f, "
          "\"filter_longest_stall_ms\": %.1f, \"filtered_rows\": %u}\n",
          shown, steps, first_row, all_rows, settled, load_cpu, load_stall / 1e3,
          sort_s, sort_cpu, sort_base, sort_stall / 1e3,
          filter_s, filter_cpu, filter_base, filter_stall / 1e3, matched);
  printf ("%u runs of %d steps in the window:\n"
          "  first row of the table after %.2f s, every row after %.2f s, everything analysed and lined up after %.2f s;\n"
          "  the main thread's CPU meanwhile %.2f s, its longest stall %.0f ms\n"
          "  sorting by name: %.3f s, %.3f s of the main thread = %.1f x sorting the names in an array (longest stall %.0f ms)\n"
          "  filtering by a regular expression: %.3f s, %.3f s of the main thread = %.1f x matching the texts in an array "
          "(longest stall %.0f ms)\n",
          shown, steps, first_row, all_rows, settled, load_cpu, load_stall / 1e3,
          sort_s, sort_cpu, sort_cpu / sort_base, sort_stall / 1e3,
          filter_s, filter_cpu, filter_cpu / filter_base, filter_stall / 1e3);
  gtk_window_destroy (GTK_WINDOW (window));
  if (made)
    debrief_test_remove_tree (dir);
  return 0;
}
