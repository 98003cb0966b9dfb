/* test-window-live.c: a run still being written, in the window
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A writer thread appends to a tinker log while the window shows the run: the
 * runs list says it is training (a badge, the step, the time left), the run
 * in the window grows without a reload, and the findings follow it.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include <time.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-run-row.h"
#include "debrief-window.h"
#include "debrief-test-utils.h"
#include "debrief-test-writers.h"

static gboolean
is_live_badge (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "live-badge");
}

typedef struct
{
  DebriefWindow *window;
  gsize points;
  const char *badge;
} Until;

static gsize
shown_points (DebriefWindow *window)
{
  GListModel *runs = debrief_window_get_runs (window);
  g_autoptr(DebriefRun) run = g_list_model_get_n_items (runs) > 0 ? g_list_model_get_item (runs, 0) : NULL;
  DebriefSeries *train = run ? debrief_run_get_train_loss (run) : NULL;

  return train ? debrief_series_get_length (train) : 0;
}

static GtkWidget *
badge_of (DebriefWindow *window)
{
  return debrief_test_find_widget (GTK_WIDGET (window), is_live_badge, NULL);
}

static gboolean
shows (gpointer data)
{
  Until *until = data;
  GtkWidget *badge = badge_of (until->window);

  if (shown_points (until->window) < until->points)
    return FALSE;
  if (until->badge == NULL)
    return TRUE;
  return badge != NULL && gtk_widget_get_visible (badge) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (badge)), until->badge) == 0;
}

static void
test_window_follows_training_run (void)
{
  const guint n_lines = 1200;
  g_autofree char *dir = g_dir_make_tmp ("debrief-window-live-XXXXXX", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autofree char *first = debrief_test_tinker_line (0);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  DebriefWindow *window = g_object_new (DEBRIEF_TYPE_WINDOW, NULL);
  Until until = { window, 1, "Training" };
  DebriefTestWriter *writer;
  GtkWidget *badge;

  /* A run that just started: one line, written a moment ago. */
  g_assert_true (g_file_set_contents (metrics, first, -1, NULL));
  gtk_window_present (GTK_WINDOW (window));
  debrief_window_open_files (window, &folder, 1);
  debrief_test_wait_until (shows, &until);

  /* The list says it is training, how far it got and how long is left (the log's own progress). */
  badge = badge_of (window);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (badge), "step"));

  /* It grows in the window without a reload, and stays a training run. */
  writer = debrief_test_append_tinker (metrics, n_lines, 400);
  until.points = n_lines;
  debrief_test_wait_until (shows, &until);
  debrief_test_writer_join (writer);
  g_assert_cmpuint (shown_points (window), ==, n_lines);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  debrief_test_remove_tree (dir);
}

/* A run that says nothing of an end but was last written an hour ago gets no badge. */
static void
test_window_quiet_run_not_live (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-window-live-XXXXXX", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  DebriefWindow *window = g_object_new (DEBRIEF_TYPE_WINDOW, NULL);
  Until until = { window, 50, NULL };
  struct utimbuf old = { 0 };
  GtkWidget *badge;

  debrief_test_write_tinker_lines (metrics, 0, 50, TRUE);
  old.actime = old.modtime = time (NULL) - 3600;
  g_assert_cmpint (g_utime (metrics, &old), ==, 0);
  gtk_window_present (GTK_WINDOW (window));
  debrief_window_open_files (window, &folder, 1);
  debrief_test_wait_until (shows, &until);
  debrief_test_iterate_for (300);
  badge = badge_of (window);
  g_assert_true (badge == NULL || !gtk_widget_get_visible (badge));

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  debrief_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;
  g_test_add_func ("/window/live/follows-training-run", test_window_follows_training_run);
  g_test_add_func ("/window/live/quiet-run-not-live", test_window_quiet_run_not_live);
  return g_test_run ();
}
