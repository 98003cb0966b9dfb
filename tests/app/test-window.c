/* test-window.c: the main window opens runs the way a drop does
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-report-view.h"
#include "debrief-window.h"
#include "debrief-test-utils.h"

static gboolean
window_is_idle (gpointer window)
{
  return !debrief_window_get_busy (window);
}

static void
wait_until_idle (DebriefWindow *window)
{
  debrief_test_wait_until (window_is_idle, window);
  /* Let idle handlers (list rows, state) settle. */
  debrief_test_drain ();
}

static GFile *
test_run (const char *name)
{
  return debrief_test_data_file ("runs", name, NULL);
}

static DebriefWindow *
new_window (void)
{
  DebriefWindow *window = g_object_new (DEBRIEF_TYPE_WINDOW, NULL);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
test_window_empty_state (void)
{
  DebriefWindow *window = new_window ();

  g_assert_cmpstr (debrief_window_get_state (window), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_open_folder (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GFile) folder = test_run ("overfit");
  g_autoptr(DebriefRun) run = NULL;

  /* The same entry point the drop target, the file chooser and the command line use. */
  debrief_window_open_files (window, &folder, 1);
  g_assert_true (debrief_window_get_busy (window));
  wait_until_idle (window);

  g_assert_cmpstr (debrief_window_get_state (window), ==, "runs");
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 1);
  run = g_list_model_get_item (debrief_window_get_runs (window), 0);
  g_assert_cmpstr (debrief_run_get_name (run), ==, "overfit");
  g_assert_cmpstr (debrief_run_get_format (run), ==, "seed");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "overfit"));

  /* Opening it again reloads in place rather than adding a second copy. */
  debrief_window_open_files (window, &folder, 1);
  wait_until_idle (window);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Launched with a folder: the first frame says it is being read (never the
 * empty page), the folder is read just after it, and the window gets its
 * icon then. */
static void
test_window_open_on_present (void)
{
  DebriefWindow *window = debrief_window_new (NULL, NULL);
  g_autoptr(GFile) folder = test_run ("overfit");

  debrief_window_open_files_on_present (window, &folder, 1);
  g_assert_cmpstr (debrief_window_get_state (window), ==, "loading");
  g_assert_true (debrief_window_get_busy (window));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);
  g_assert_cmpstr (debrief_window_get_state (window), ==, "runs");
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 1);
  g_assert_cmpstr (gtk_window_get_default_icon_name (), ==, APPLICATION_ID);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_visible_shortcuts_window (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && !found; i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      found = GTK_IS_SHORTCUTS_WINDOW (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
              gtk_window_get_transient_for (w) == data;
    }
  return found;
}

/* The keyboard shortcuts window is built when asked for, not with the window. */
static void
test_window_shortcuts (void)
{
  DebriefWindow *window = new_window ();

  g_assert_false (is_visible_shortcuts_window (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  debrief_test_wait_until (is_visible_shortcuts_window, window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_open_parent_folder (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GFile) parent = g_file_new_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "runs", NULL);
  GListModel *runs;

  debrief_window_open_files (window, &parent, 1);
  wait_until_idle (window);

  runs = debrief_window_get_runs (window);
  /* tests/data/runs holds the six labelled runs. */
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 6);
  g_assert_cmpstr (debrief_window_get_state (window), ==, "runs");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_open_unreadable_folder (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("debrief-empty-XXXXXX", &error);
  g_autoptr(GFile) folder = NULL;

  g_assert_no_error (error);
  folder = g_file_new_for_path (tmp);
  debrief_window_open_files (window, &folder, 1);
  wait_until_idle (window);

  g_assert_cmpstr (debrief_window_get_state (window), ==, "error");
  g_assert_nonnull (debrief_window_get_error_text (window));
  /* The message names the folder so the user knows which one failed. */
  g_assert_nonnull (strstr (debrief_window_get_error_text (window), tmp));

  /* The window stays usable: a good folder opens after a bad one. */
  {
    g_autoptr(GFile) good = test_run ("healthy");
    debrief_window_open_files (window, &good, 1);
    wait_until_idle (window);
    g_assert_cmpstr (debrief_window_get_state (window), ==, "runs");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (tmp);
}

static void
test_window_close_runs (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GFile) folder = test_run ("healthy");

  debrief_window_open_files (window, &folder, 1);
  wait_until_idle (window);
  g_assert_cmpstr (debrief_window_get_state (window), ==, "runs");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-runs", NULL);
  g_assert_cmpstr (debrief_window_get_state (window), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (debrief_window_get_runs (window)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_keyboard_focus_chain (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GFile) folder = test_run ("overfit");
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gboolean reached_open_button = FALSE;

  debrief_window_open_files (window, &folder, 1);
  wait_until_idle (window);

  /* Tab through the window as a keyboard user would: focus must move through
   * many distinct controls, including the header bar's, without getting stuck. */
  for (guint i = 0; i < 80; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus == NULL)
        continue;
      g_hash_table_add (seen, focus);
      if (GTK_IS_ACTIONABLE (focus) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)), "win.open") == 0)
        reached_open_button = TRUE;
    }
  g_assert_cmpuint (g_hash_table_size (seen), >=, 6);
  g_assert_true (reached_open_button);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
report_idle (gpointer view)
{
  return !debrief_report_view_get_busy (view) && debrief_report_view_get_document (view) != NULL;
}

static AdwMessageDialog *
find_message_dialog (AdwMessageDialog *not_this)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && (gpointer) w != (gpointer) not_this &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static void
test_window_close_asks_about_unsaved_report (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GFile) folder = test_run ("overfit");
  GtkWidget *report_widget;
  DebriefReportView *report = NULL;
  GtkTextIter end;
  AdwMessageDialog *dialog;
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  debrief_window_open_files (window, &folder, 1);
  wait_until_idle (window);

  report_widget = debrief_test_find_of_type (GTK_WIDGET (window), DEBRIEF_TYPE_REPORT_VIEW);
  g_assert_nonnull (report_widget);
  report = DEBRIEF_REPORT_VIEW (report_widget);
  debrief_test_wait_until (report_idle, report);

  /* The user types into the report. */
  gtk_text_buffer_get_end_iter (GTK_TEXT_BUFFER (debrief_report_view_get_buffer (report)), &end);
  gtk_text_buffer_insert (GTK_TEXT_BUFFER (debrief_report_view_get_buffer (report)), &end,
                          "\nMy own words.\n", -1);
  g_assert_true (debrief_report_view_get_modified (report));

  /* Closing asks instead of closing. */
  gtk_window_close (GTK_WINDOW (window));
  debrief_test_drain ();
  g_assert_nonnull (weak);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  dialog = find_message_dialog (NULL);
  g_assert_nonnull (dialog);

  /* Cancel keeps the window and the words. */
  adw_message_dialog_response (dialog, "cancel");
  debrief_test_drain ();
  g_assert_nonnull (weak);
  g_assert_true (debrief_report_view_get_modified (report));

  /* Discard closes it. */
  gtk_window_close (GTK_WINDOW (window));
  debrief_test_drain ();
  dialog = find_message_dialog (dialog);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  {
    gint64 deadline = g_get_monotonic_time () + DEBRIEF_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
    while (weak != NULL && gtk_widget_get_visible (GTK_WIDGET (window)) &&
           g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }
  if (weak != NULL)
    {
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
      g_object_remove_weak_pointer (G_OBJECT (window), &weak);
    }
}

/* The window and its views only observe the workspace; the window's actions
 * are how child widgets reach it. */
static void
test_window_observes_workspace (void)
{
  DebriefWindow *window = new_window ();
  DebriefWorkspace *workspace = debrief_window_get_workspace (window);
  g_autoptr(GFile) folder = test_run ("overfit");
  DebriefReportView *report;
  DebriefRun *run;
  g_autofree char *text = NULL;

  g_assert_true (DEBRIEF_IS_WORKSPACE (workspace));
  g_assert_true (debrief_window_get_runs (window) == debrief_workspace_get_runs (workspace));

  /* Opened through the workspace directly: the window follows. */
  g_object_unref (debrief_workspace_open (workspace, &folder, 1, DEBRIEF_OPEN_DISCOVER));
  g_assert_true (debrief_window_get_busy (window));
  wait_until_idle (window);
  g_assert_cmpstr (debrief_window_get_state (window), ==, "runs");
  run = debrief_workspace_find_run (workspace, folder);
  g_assert_nonnull (run);
  g_assert_nonnull (debrief_run_get_analysis (run));
  /* The findings list shows what the workspace found. */
  g_assert_nonnull (debrief_test_find_row (GTK_WIDGET (window), "Validation loss increases"));

  /* A finding added to the report, through the window's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-to-report", "s", "Words of mine."));
  report = DEBRIEF_REPORT_VIEW (debrief_test_find_of_type (GTK_WIDGET (window), DEBRIEF_TYPE_REPORT_VIEW));
  g_assert_nonnull (report);
  /* Even before the report was read: the words go in once it is there. */
  debrief_test_wait_until (report_idle, report);
  text = debrief_report_view_dup_text (report);
  g_assert_nonnull (strstr (text, "Words of mine."));
  g_assert_nonnull (strstr (text, "# Debrief: overfit"));
  g_assert_true (debrief_report_view_get_modified (report));

  /* Reload: a new run object for the folder; the report and its unsaved words stay. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reanalyze", NULL));
  wait_until_idle (window);
  g_assert_true (debrief_workspace_find_run (workspace, folder) != run);
  g_assert_true (debrief_report_view_get_run (report) == debrief_workspace_find_run (workspace, folder));
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (report);
  g_assert_nonnull (strstr (text, "Words of mine."));
  g_assert_true (debrief_report_view_get_modified (report));

  /* Nothing of the user's is left behind. */
  debrief_document_discard_draft (debrief_report_view_get_document (report));
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (debrief_report_view_get_buffer (report)), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-runs", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 0);
  g_assert_false (debrief_window_get_busy (window));
  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
}

/* The window fits the smallest screen the metainfo promises (768 px) with
 * runs of long names open on every page: no toolbar, run picker or table sets
 * a wider minimum (GTK would then clip the window's content). */
static void
test_window_fits_small_screens (void)
{
  DebriefWindow *window = new_window ();
  g_autoptr(GFile) rl = debrief_test_data_file ("public", "rl-tinker-qwen3-4b-ifeval-judge-113steps", NULL);
  g_autoptr(GFile) dpo = debrief_test_data_file ("public", "dpo-trl-llama3.2-1b-lora-explainer-3ep-saturated", NULL);
  GFile *files[] = { rl, dpo };
  static const char *const pages[] = { "overview", "samples", "report" };
  int min = 0;

  debrief_window_open_files (window, files, G_N_ELEMENTS (files));
  wait_until_idle (window);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]);
      debrief_test_drain ();
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      g_test_message ("%s: minimum width %d", pages[i], min);
      g_assert_cmpint (min, <=, 800);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With animations off (a setting many users choose), nothing is allocated a
 * negative size: the hidden view switcher bar's revealer gave its child a
 * height of -1 (a Gtk-WARNING, fatal here). */
static void
test_window_without_animations (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  g_autoptr(GFile) folder = test_run ("overfit");
  static const char *const pages[] = { "report", "samples", "overview" };
  DebriefWindow *window;

  g_object_set (settings, "gtk-enable-animations", FALSE, NULL);
  window = new_window ();
  debrief_window_open_files (window, &folder, 1);
  wait_until_idle (window);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", pages[i]);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      debrief_test_drain ();
    }
  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  gtk_settings_reset_property (settings, "gtk-enable-animations");
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;

  g_test_add_func ("/window/empty-state", test_window_empty_state);
  g_test_add_func ("/window/open-folder", test_window_open_folder);
  g_test_add_func ("/window/open-on-present", test_window_open_on_present);
  g_test_add_func ("/window/shortcuts", test_window_shortcuts);
  g_test_add_func ("/window/open-parent-folder", test_window_open_parent_folder);
  g_test_add_func ("/window/open-unreadable-folder", test_window_open_unreadable_folder);
  g_test_add_func ("/window/close-runs", test_window_close_runs);
  g_test_add_func ("/window/keyboard-focus-chain", test_window_keyboard_focus_chain);
  g_test_add_func ("/window/close-asks-about-unsaved-report", test_window_close_asks_about_unsaved_report);
  g_test_add_func ("/window/observes-workspace", test_window_observes_workspace);
  g_test_add_func ("/window/fits-small-screens", test_window_fits_small_screens);
  g_test_add_func ("/window/without-animations", test_window_without_animations);

  return g_test_run ();
}
