/* test-preferences.c: the log pattern in Preferences, checked as it is typed
 * and used by the window's loads
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "debrief-core.h"
#include "debrief-preferences-window.h"
#include "debrief-window.h"
#include "debrief-test-utils.h"

static const char log_text[] =
  "training starts\n"
  "it 10 loss=2.50 lr=0.0010\n"
  "it 20 loss=2.10 lr=0.0009\n"
  "it 30 loss=1.90 lr=0.0008\n";

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  debrief_test_drain ();
}

static void
assert_kept (GSettings  *settings,
             const char *pattern)
{
  g_autofree char *kept = g_settings_get_string (settings, "log-pattern");
  g_assert_cmpstr (kept, ==, pattern);
}

static void
test_pattern_row (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  DebriefPreferencesWindow *prefs;
  AdwEntryRow *row;
  GtkWidget *error;

  g_settings_reset (settings, "log-pattern");
  prefs = debrief_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (prefs));
  row = ADW_ENTRY_ROW (debrief_test_find_row (GTK_WIDGET (prefs), "Log _Pattern"));
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  /* Each mistake is said under the row while typing, and nothing is kept. */
  set_text (row, "it (?<step>\\d+ loss=(?<loss>\\S+)");
  error = debrief_test_find_widget (GTK_WIDGET (prefs), debrief_test_is_label_with, "not a valid regular expression");
  g_assert_nonnull (error);
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_signal_emit_by_name (row, "apply");
  assert_kept (settings, "");

  set_text (row, "it (?<n>\\d+) loss=(?<loss>\\S+)");
  g_assert_nonnull (debrief_test_find_widget (GTK_WIDGET (prefs), debrief_test_is_label_with, "no group named “step”"));
  set_text (row, "it (?<step>\\d+) loss=\\S+");
  g_assert_nonnull (debrief_test_find_widget (GTK_WIDGET (prefs), debrief_test_is_label_with, "names no metric"));
  g_signal_emit_by_name (row, "apply");
  assert_kept (settings, "");

  /* A pattern that works: no error, and Apply keeps it. */
  set_text (row, "it (?<step>\\d+) loss=(?<loss>\\S+)");
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_signal_emit_by_name (row, "apply");
  assert_kept (settings, "it (?<step>\\d+) loss=(?<loss>\\S+)");

  /* Emptied and applied: the pattern is off again. */
  set_text (row, "");
  g_assert_false (gtk_widget_get_visible (error));
  g_signal_emit_by_name (row, "apply");
  assert_kept (settings, "");

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_settings_reset (settings, "log-pattern");
}

static gboolean
window_is_idle (gpointer window)
{
  return !debrief_window_get_busy (window);
}

static DebriefRun *
only_run (DebriefWindow *window)
{
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 1);
  return g_list_model_get_item (debrief_window_get_runs (window), 0);
}

static void
test_window_uses_pattern (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *dir = g_dir_make_tmp ("debrief-pattern-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "train.log", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  DebriefWindow *window;

  g_assert_true (g_file_set_contents (log, log_text, -1, NULL));
  g_settings_set_string (settings, "log-pattern", "it (?<step>\\d+) loss=(?<loss>\\S+)");
  window = g_object_new (DEBRIEF_TYPE_WINDOW, "settings", settings, NULL);
  gtk_window_present (GTK_WINDOW (window));

  /* The shape is not one Debrief knows: the pattern of Preferences reads it. */
  debrief_window_open_files (window, &folder, 1);
  debrief_test_wait_until (window_is_idle, window);
  {
    g_autoptr(DebriefRun) run = only_run (window);
    g_assert_cmpstr (debrief_run_get_format (run), ==, "text");
    g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 3);
    g_assert_null (debrief_run_get_series_by_name (run, "learning_rate"));
  }

  /* A new pattern in Preferences reads the open runs again with it. */
  g_settings_set_string (settings, "log-pattern", "it (?<step>\\d+) loss=(?<loss>\\S+) lr=(?<lr>\\S+)");
  debrief_test_iterate_for (50);
  debrief_test_wait_until (window_is_idle, window);
  debrief_test_drain ();
  {
    g_autoptr(DebriefRun) run = only_run (window);
    DebriefSeries *lr = debrief_run_get_series_by_name (run, "learning_rate");
    g_assert_nonnull (lr);
    g_assert_cmpuint (debrief_series_get_length (lr), ==, 3);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  g_settings_reset (settings, "log-pattern");
  debrief_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;
  g_test_add_func ("/preferences/log-pattern-row", test_pattern_row);
  g_test_add_func ("/preferences/window-uses-log-pattern", test_window_uses_pattern);
  return g_test_run ();
}
