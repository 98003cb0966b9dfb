/* test-runs-table.c: the runs table of a sweep in the window
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generated sweep on disk opened in a real window: the table replaces the
 * run rows, is sorted best first, filters by a regular expression (a bad one
 * says so and hides nothing), hides columns, and drives the plot (the
 * selection, colours by the learning rate, seeds as bands); one run alone
 * keeps the window as it was.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-plot.h"
#include "debrief-runs-table.h"
#include "debrief-test-sweep.h"
#include "debrief-test-utils.h"
#include "debrief-window.h"

static const double rates[] = { 1e-3, 3e-3, 1e-2, 3e-2, 1e-1 };

typedef struct
{
  char *dir;
  DebriefWindow *window;
  DebriefRunsTable *table;
  DebriefPlot *plot;
} Fixture;

static gboolean
has_table (gpointer data)
{
  return debrief_test_find_of_type (data, DEBRIEF_TYPE_RUNS_TABLE) != NULL;
}

/* The window builds its overview just after its first frame. */
static DebriefRunsTable *
wait_for_table (DebriefWindow *window)
{
  debrief_test_wait_until (has_table, window);
  return DEBRIEF_RUNS_TABLE (debrief_test_find_of_type (GTK_WIDGET (window), DEBRIEF_TYPE_RUNS_TABLE));
}

/* The side pane follows the order: the plotted runs are taken on a timeout
 * after the rows change, so an order the incremental sort finished after the
 * last one is followed a moment later. */
static gboolean
focus_is_top (Fixture *f)
{
  GListModel *rows = debrief_runs_table_get_rows (f->table);
  GListModel *focused = debrief_runs_table_get_focused (f->table);
  g_autoptr(DebriefSweepRun) top = NULL;
  g_autoptr(DebriefRun) run = NULL;

  if (g_list_model_get_n_items (rows) == 0 || g_list_model_get_n_items (focused) != 1)
    return FALSE;
  top = g_list_model_get_item (rows, 0);
  run = g_list_model_get_item (focused, 0);
  return run == debrief_sweep_run_get_run (top);
}

static gboolean
table_settled (gpointer data)
{
  Fixture *f = data;
  DebriefSweepModel *model = debrief_runs_table_get_model (f->table);
  DebriefSweep *sweep = debrief_runs_table_get_sweep (f->table);

  return sweep != NULL && !debrief_sweep_model_get_busy (model) && debrief_sweep_get_n_runs (sweep) == 20 &&
         !debrief_workspace_get_busy (debrief_window_get_workspace (f->window)) &&
         g_list_model_get_n_items (debrief_runs_table_get_plotted (f->table)) == 20 &&
         /* A line analysed again is replaced: the filter sees the new one in its next slice. */
         g_list_model_get_n_items (debrief_runs_table_get_rows (f->table)) == 20 &&
         !debrief_plot_get_busy (f->plot) && focus_is_top (f);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  DebriefTestSweepModel model;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GFile) parent = NULL;

  /* Columns shown or hidden by an earlier test are not this one's. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    g_settings_reset (settings, "runs-table-shown-columns");
    g_settings_reset (settings, "runs-table-hidden-columns");
  }
  debrief_test_sweep_model_init (&model);
  model.diverge_lr = 0.1;
  f->dir = g_dir_make_tmp ("debrief-runs-table-XXXXXX", NULL);
  for (guint l = 0; l < G_N_ELEMENTS (rates); l++)
    for (int r = 0; r < 2; r++)
      for (int s = 0; s < 2; s++)
        {
          g_autofree char *name = debrief_test_sweep_run_name (rates[l], 4 << (2 * r), s);
          debrief_test_sweep_write_run (&model, rand, f->dir, name, rates[l], 4 << (2 * r), s, NULL);
        }
  f->window = debrief_window_new (NULL, NULL);
  gtk_window_present (GTK_WINDOW (f->window));
  parent = g_file_new_for_path (f->dir);
  debrief_window_open_files (f->window, &parent, 1);
  f->table = wait_for_table (f->window);
  f->plot = DEBRIEF_PLOT (debrief_test_find_of_type (GTK_WIDGET (f->window), DEBRIEF_TYPE_PLOT));
  g_assert_nonnull (f->table);
  g_assert_nonnull (f->plot);
  debrief_test_wait_until (table_settled, f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  debrief_test_drain ();
  debrief_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
sorted (gpointer data)
{
  Fixture *f = data;
  GListModel *rows = debrief_runs_table_get_rows (f->table);
  double previous = -INFINITY;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(DebriefSweepRun) line = g_list_model_get_item (rows, i);
      double v = debrief_sweep_run_get_results (line)->best_val_loss;
      if (v < previous)
        return FALSE;
      previous = v;
    }
  return TRUE;
}

/* Several runs: the table, sorted best first, the sweep's findings over it. */
static void
test_shown_sorted (Fixture       *f,
                   gconstpointer  data)
{
  DebriefSweep *sweep = debrief_runs_table_get_sweep (f->table);
  GtkWidget *columns = NULL;
  GtkWidget *findings;

  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (f->table))));
  g_assert_cmpuint (g_list_model_get_n_items (debrief_runs_table_get_rows (f->table)), ==, 20);
  debrief_test_wait_until (sorted, f);
  g_assert_cmpint (debrief_sweep_find_column (sweep, "learning_rate"), >=, 0);
  /* The columns of the view follow the sweep's. */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (f->table)); w && !columns; w = gtk_widget_get_next_sibling (w))
    columns = debrief_test_find_of_type (w, GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (columns);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (GTK_COLUMN_VIEW (columns))), ==,
                    debrief_sweep_get_n_columns (sweep));
  /* The runs at 1e-1 diverge: the sweep says they failed, above the table. */
  findings = debrief_test_find_row (GTK_WIDGET (f->table), "4 of 20 runs failed");
  g_assert_nonnull (findings);
}

static gboolean
rows_are (gpointer data)
{
  Fixture *f = data;
  GListModel *rows = debrief_runs_table_get_rows (f->table);
  return g_list_model_get_n_items (rows) == GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->table), "want"));
}

static void
wait_rows (Fixture *f,
           guint    n)
{
  g_object_set_data (G_OBJECT (f->table), "want", GUINT_TO_POINTER (n));
  debrief_test_wait_until (rows_are, f);
}

/* A regular expression on names and settings; a bad one is said inline and
 * filters nothing. */
static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *error;

  debrief_runs_table_set_filter (f->table, "lr3e-3");
  wait_rows (f, 4);
  debrief_runs_table_set_filter (f->table, "lora_rank=16.*seed=1");
  wait_rows (f, 5);
  debrief_runs_table_set_filter (f->table, "lr[");
  wait_rows (f, 20);
  error = debrief_test_find_widget (GTK_WIDGET (f->table), debrief_test_is_label_with, "Not a regular expression");
  g_assert_nonnull (error);
  g_assert_true (gtk_widget_get_visible (error));
  debrief_runs_table_set_filter (f->table, "");
  wait_rows (f, 20);
  g_assert_false (gtk_widget_get_visible (error));
}

static gboolean
plotted_is (gpointer data)
{
  Fixture *f = data;
  guint want = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->table), "want"));
  return g_list_model_get_n_items (debrief_runs_table_get_plotted (f->table)) == want && !debrief_plot_get_busy (f->plot) &&
         debrief_plot_renderer_get_n_runs (debrief_plot_get_renderer (f->plot)) == want;
}

/* The selection is what the plot draws; coloured by learning rate, seeds as bands. */
static void
test_selection_drives_plot (Fixture       *f,
                            gconstpointer  data)
{
  DebriefPlotRenderer *renderer = debrief_plot_get_renderer (f->plot);
  GListModel *rows = debrief_runs_table_get_rows (f->table);
  g_autoptr(GPtrArray) runs = g_ptr_array_new ();

  /* With nothing selected, every run (up to a hundred); the side pane shows
   * the findings of the top row only. */
  g_assert_cmpuint (debrief_plot_renderer_get_n_runs (renderer), ==, 20);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_runs_table_get_focused (f->table)), ==, 1);
  {
    g_autoptr(DebriefSweepRun) top = g_list_model_get_item (rows, 0);
    g_autoptr(DebriefRun) focused = g_list_model_get_item (debrief_runs_table_get_focused (f->table), 0);
    g_assert_true (focused == debrief_sweep_run_get_run (top));
  }
  g_assert_cmpstr (debrief_runs_table_get_color_by (f->table), ==, "learning_rate");
  g_assert_true (debrief_runs_table_get_groups (f->table));
  g_assert_cmpuint (debrief_plot_renderer_get_n_groups (renderer), ==, 10);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(DebriefSweepRun) line = g_list_model_get_item (rows, i);
      g_ptr_array_add (runs, debrief_sweep_run_get_run (line));
    }
  debrief_runs_table_select_runs (f->table, runs);
  g_object_set_data (G_OBJECT (f->table), "want", GUINT_TO_POINTER (2));
  debrief_test_wait_until (plotted_is, f);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_runs_table_get_focused (f->table)), ==, 2);
}

static gboolean
is_check_labelled (GtkWidget     *widget,
                   gconstpointer  label)
{
  return GTK_IS_CHECK_BUTTON (widget) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), label) == 0;
}

/* Columns can be hidden from the menu; the choice stays when the sweep is rebuilt. */
static void
test_hide_column (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *toggle = debrief_test_find_widget (GTK_WIDGET (f->table), is_check_labelled, "Seed");
  GtkWidget *view = debrief_test_find_of_type (GTK_WIDGET (f->table), GTK_TYPE_COLUMN_VIEW);
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  GtkColumnViewColumn *seed = NULL;

  g_assert_nonnull (toggle);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Seed") == 0)
        seed = column;
    }
  g_assert_nonnull (seed);
  g_assert_true (gtk_column_view_column_get_visible (seed));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (toggle), FALSE);
  g_assert_false (gtk_column_view_column_get_visible (seed));
  debrief_sweep_model_set_group_by (debrief_runs_table_get_model (f->table), "lora_rank");
  debrief_test_iterate_for (300);
  g_assert_false (gtk_column_view_column_get_visible (seed));
}

static gboolean
sort_done (gpointer data)
{
  Fixture *f = data;
  return gtk_sort_list_model_get_pending (GTK_SORT_LIST_MODEL (debrief_runs_table_get_rows (f->table))) == 0;
}

/* A line's value in a column, as the user reads it: a number (settings and
 * results) or a text; FALSE when it has none. */
static gboolean
value_of (DebriefSweepRun          *line,
          const DebriefSweepColumn *column,
          double                   *number,
          const char              **text)
{
  const DebriefSweepParam *param;

  *number = NAN;
  *text = NULL;
  switch (column->role)
    {
    case DEBRIEF_SWEEP_COLUMN_NAME:
      *text = debrief_sweep_run_get_name (line);
      return TRUE;
    case DEBRIEF_SWEEP_COLUMN_KIND:
      *text = debrief_sweep_run_get_kind (line);
      return *text != NULL;
    case DEBRIEF_SWEEP_COLUMN_VERDICT:
      *text = debrief_sweep_run_get_verdict (line);
      return *text != NULL;
    case DEBRIEF_SWEEP_COLUMN_CONFIG:
      param = debrief_sweep_run_lookup_param (line, column->key);
      if (param == NULL)
        return FALSE;
      *number = param->number;
      *text = param->text;
      return TRUE;
    case DEBRIEF_SWEEP_COLUMN_RESULT:
    default:
      *number = debrief_sweep_run_get_result (line, column->key);
      return isfinite (*number);
    }
}

/* Every column sorts both ways: values in order, runs without one last. */
static void
test_sort_every_column (Fixture       *f,
                        gconstpointer  data)
{
  DebriefSweep *sweep = debrief_runs_table_get_sweep (f->table);
  GtkWidget *view = debrief_test_find_of_type (GTK_WIDGET (f->table), GTK_TYPE_COLUMN_VIEW);
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  GListModel *rows = debrief_runs_table_get_rows (f->table);
  guint checked = 0;

  for (guint c = 0; c < debrief_sweep_get_n_columns (sweep); c++)
    {
      const DebriefSweepColumn *spec = debrief_sweep_get_column (sweep, c);
      GtkColumnViewColumn *column = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (columns) && column == NULL; i++)
        {
          g_autoptr(GtkColumnViewColumn) candidate = g_list_model_get_item (columns, i);
          if (g_strcmp0 (gtk_column_view_column_get_title (candidate), spec->label) == 0)
            column = candidate;
        }
      g_assert_nonnull (column);
      for (int order = 0; order < 2; order++)
        {
          gboolean missing = FALSE;
          double previous = NAN;
          g_autofree char *previous_key = NULL;

          gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), column,
                                          order == 0 ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING);
          debrief_test_wait_until (sort_done, f);
          g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 20);
          for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
            {
              g_autoptr(DebriefSweepRun) line = g_list_model_get_item (rows, i);
              double number;
              const char *text;

              if (!value_of (line, spec, &number, &text))
                {
                  missing = TRUE;
                  continue;
                }
              /* Runs with a value come first, whichever the order. */
              g_assert_false (missing);
              if (spec->numeric && isfinite (number))
                {
                  if (!isnan (previous))
                    g_assert_true (order == 0 ? previous <= number : previous >= number);
                  previous = number;
                }
              else
                {
                  g_autofree char *key = g_utf8_collate_key_for_filename (text, -1);
                  if (previous_key != NULL)
                    g_assert_true (order == 0 ? strcmp (previous_key, key) <= 0 : strcmp (previous_key, key) >= 0);
                  g_free (previous_key);
                  previous_key = g_steal_pointer (&key);
                }
            }
          checked++;
        }
    }
  /* Name, verdict, learning rate, rank, seed and the results at least. */
  g_assert_cmpuint (checked, >=, 2 * 8);
}

static gboolean
is_save_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "document-save-symbolic") == 0;
}

static gboolean
file_has (gpointer data)
{
  Fixture *f = data;
  g_autofree char *path = g_build_filename (f->dir, "sweep.md", NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, "# ") != NULL &&
         strstr (text, "Mine, kept.") != NULL && strstr (text, "Old generated text.") == NULL;
}

static gboolean
toast_shown (gpointer data)
{
  Fixture *f = data;
  return debrief_test_find_widget (GTK_WIDGET (f->window), debrief_test_is_label_with, "Saved") != NULL;
}

/* sweep.md from the window, in the runs' common folder: the generated part
 * replaced, the Notes kept, the old file kept as sweep.md~, off the GUI thread. */
static void
test_save_sweep_md (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "sweep.md", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autofree char *text = NULL;
  GtkWidget *button = debrief_test_find_widget (GTK_WIDGET (f->table), is_save_button, NULL);

  g_assert_true (g_file_set_contents (path, "# Old\n\nOld generated text.\n\n## Notes\n\nMine, kept.\n", -1, NULL));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  debrief_test_wait_until (file_has, f);
  g_assert_true (g_file_get_contents (backup, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "Old generated text."));
  /* The toast that says where. */
  debrief_test_wait_until (toast_shown, f);
}

/* A column hidden in one window stays hidden in the next (GSettings). */
static void
test_hidden_remembered (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *toggle = debrief_test_find_widget (GTK_WIDGET (f->table), is_check_labelled, "Rank");
  g_autoptr(GFile) parent = g_file_new_for_path (f->dir);
  DebriefWindow *second;
  DebriefRunsTable *table;
  GtkWidget *again;

  g_assert_nonnull (toggle);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (toggle), FALSE);
  second = debrief_window_new (NULL, NULL);
  gtk_window_present (GTK_WINDOW (second));
  debrief_window_open_files (second, &parent, 1);
  table = wait_for_table (second);
  while (debrief_runs_table_get_sweep (table) == NULL ||
         debrief_sweep_find_column (debrief_runs_table_get_sweep (table), "lora_rank") < 0)
    g_main_context_iteration (NULL, TRUE);
  again = debrief_test_find_widget (GTK_WIDGET (table), is_check_labelled, "Rank");
  g_assert_nonnull (again);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (again)));
  /* Shown again for the next test. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (again), TRUE);
  gtk_window_destroy (GTK_WINDOW (second));
  debrief_test_drain ();
}

/* One run open: the run row, no table, the plot draws it as before. */
static void
test_one_run (void)
{
  g_autoptr(GFile) folder = debrief_test_data_file ("runs", "healthy", NULL);
  DebriefWindow *window = debrief_window_new (NULL, NULL);
  DebriefRunsTable *table;

  gtk_window_present (GTK_WINDOW (window));
  debrief_window_open_files (window, &folder, 1);
  table = wait_for_table (window);
  while (g_list_model_get_n_items (debrief_window_get_runs (window)) == 0 ||
         debrief_workspace_get_busy (debrief_window_get_workspace (window)))
    g_main_context_iteration (NULL, TRUE);
  debrief_test_iterate_for (100);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (table))));
  g_assert_nonnull (debrief_test_find_row (GTK_WIDGET (window), "healthy"));
  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;

  g_test_add ("/runs-table/shown-sorted", Fixture, NULL, fixture_set_up, test_shown_sorted, fixture_tear_down);
  g_test_add ("/runs-table/filter", Fixture, NULL, fixture_set_up, test_filter, fixture_tear_down);
  g_test_add ("/runs-table/selection-drives-plot", Fixture, NULL, fixture_set_up, test_selection_drives_plot,
              fixture_tear_down);
  g_test_add ("/runs-table/hide-column", Fixture, NULL, fixture_set_up, test_hide_column, fixture_tear_down);
  g_test_add ("/runs-table/sort-every-column", Fixture, NULL, fixture_set_up, test_sort_every_column, fixture_tear_down);
  g_test_add ("/runs-table/hidden-remembered", Fixture, NULL, fixture_set_up, test_hidden_remembered, fixture_tear_down);
  g_test_add ("/runs-table/save-sweep-md", Fixture, NULL, fixture_set_up, test_save_sweep_md, fixture_tear_down);
  g_test_add_func ("/runs-table/one-run", test_one_run);
  return g_test_run ();
}
