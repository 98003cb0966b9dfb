/* debrief-window-live.c: runs still being written, and runs on another machine
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workspace follows the runs that are still training; the window tells
 * the user what happens while they look elsewhere (a desktop notification
 * when a warning first appears in a followed run, or when it ends, unless the
 * window has the focus) and offers to try again when a run's folder on another
 * machine could not be read (the connection dropped).
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "debrief-run-row.h"
#include "debrief-window-private.h"

typedef struct
{
  GHashTable *findings;       /* "id@step" of the warnings already seen */
  DebriefLiveState state;
  gboolean had_error;
} LiveSeen;

static void
live_seen_free (LiveSeen *seen)
{
  g_hash_table_unref (seen->findings);
  g_free (seen);
}

static LiveSeen *
seen_for (DebriefWindow *self,
          DebriefRun    *run,
          gboolean      *is_new)
{
  g_autofree char *key = g_file_get_uri (debrief_run_get_folder (run));
  LiveSeen *seen = g_hash_table_lookup (self->live_seen, key);

  *is_new = seen == NULL;
  if (seen == NULL)
    {
      seen = g_new0 (LiveSeen, 1);
      seen->findings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      seen->state = DEBRIEF_LIVE_TRAINING;
      g_hash_table_insert (self->live_seen, g_steal_pointer (&key), seen);
    }
  return seen;
}

static void
notify (DebriefWindow *self,
        DebriefRun    *run,
        const char    *what,
        const char    *body)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;

  /* The user is looking: the window shows it already. */
  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)) || g_application_get_dbus_connection (app) == NULL)
    return;
  /* Translators: a notification title, e.g. "exp3: Loss spikes" */
  title = g_strdup_printf (_("%s: %s"), debrief_run_get_name (run), what);
  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  id = g_strdup_printf ("live-%s", debrief_run_get_path (run));
  g_application_send_notification (app, id, notification);
}

/* A warning that was not there before, on a run that is still training. */
static void
check_findings (DebriefWindow *self,
                DebriefRun    *run)
{
  DebriefRunFollower *follower = debrief_workspace_get_follower (self->workspace, run);
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);
  GListModel *findings;
  gboolean first;
  LiveSeen *seen;

  if (follower == NULL || analysis == NULL)
    return;
  seen = seen_for (self, run, &first);
  findings = debrief_analysis_get_findings (analysis);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, i);
      g_autofree char *key = NULL;

      if (debrief_finding_get_severity (finding) < DEBRIEF_SEVERITY_WARNING)
        continue;
      /* One finding seen once: a spike that moves to a later step is the same warning. */
      key = g_strdup (debrief_finding_get_id (finding));
      if (g_hash_table_contains (seen->findings, key))
        continue;
      g_hash_table_add (seen->findings, g_steal_pointer (&key));
      /* What was there when the run was opened is not news. */
      if (first || debrief_run_follower_get_state (follower) == DEBRIEF_LIVE_FINISHED)
        continue;
      if (debrief_finding_get_step (finding) >= 0)
        {
          /* Translators: a notification, e.g. "Loss spikes at step 4,200" */
          g_autofree char *body = g_strdup_printf (_("%s at step %'" PRId64),
                                                   debrief_finding_get_title (finding),
                                                   debrief_finding_get_step (finding));
          notify (self, run, debrief_finding_get_title (finding), body);
        }
      else
        notify (self, run, debrief_finding_get_title (finding), debrief_finding_get_evidence (finding));
    }
}

static void
analysis_changed_cb (DebriefRun    *run,
                     GParamSpec    *pspec,
                     DebriefWindow *self)
{
  check_findings (self, run);
}

static void
runs_changed_cb (GListModel    *runs,
                 guint          position,
                 guint          removed,
                 guint          added,
                 DebriefWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, i);

      g_signal_connect_object (run, "notify::analysis", G_CALLBACK (analysis_changed_cb), self, 0);
      check_findings (self, run);
    }
}

static void
live_changed_cb (DebriefWorkspace *workspace,
                 DebriefRun       *run,
                 DebriefWindow    *self)
{
  DebriefRunFollower *follower = debrief_workspace_get_follower (workspace, run);
  const GError *error;
  DebriefLiveState state;
  gboolean first;
  LiveSeen *seen;

  if (follower == NULL)
    return;
  /* A run's row is made when the run arrives, before it is followed (and a
   * first reading that changed nothing does not replace the run). */
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->runs_list, i);

      if (row == NULL)
        break;
      if (DEBRIEF_IS_RUN_ROW (row) && debrief_run_row_get_run (DEBRIEF_RUN_ROW (row)) == run)
        {
          debrief_run_row_set_follower (DEBRIEF_RUN_ROW (row), follower);
          break;
        }
    }
  seen = seen_for (self, run, &first);
  state = debrief_run_follower_get_state (follower);
  error = debrief_run_follower_get_error (follower);
  if (state == DEBRIEF_LIVE_FINISHED && seen->state != DEBRIEF_LIVE_FINISHED && debrief_run_follower_get_run (follower))
    {
      g_autofree char *why = debrief_run_progress_describe (debrief_run_get_progress (run), state, NAN,
                                                            g_get_real_time ());
      if (!first)
        notify (self, run, _("Training ended"), why);
    }
  seen->state = state;

  /* The folder could not be read again (a remote one whose connection dropped): say so once, with Retry. */
  if (error != NULL && !seen->had_error)
    {
      g_autoptr(AdwToast) toast = adw_toast_new (error->message);
      g_autofree char *uri = g_file_get_uri (debrief_run_get_folder (run));

      adw_toast_set_timeout (toast, 0);
      adw_toast_set_button_label (toast, _("_Retry"));
      adw_toast_set_action_name (toast, "win.retry-follow");
      adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
      adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
    }
  seen->had_error = error != NULL;
}

static void
retry_follow_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  g_autoptr(GFile) folder = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  DebriefRun *run = debrief_workspace_find_run (self->workspace, folder);
  DebriefRunFollower *follower = run ? debrief_workspace_get_follower (self->workspace, run) : NULL;

  if (follower != NULL)
    debrief_run_follower_reload (follower);
}

/* ---- opening again what could not be read ---- */

static void
batch_finished_cb (DebriefLoadBatch *batch,
                   GParamSpec       *pspec,
                   DebriefWindow    *self)
{
  if (!debrief_load_batch_get_finished (batch))
    return;
  g_ptr_array_set_size (self->retry_files, 0);
  for (guint i = 0; i < debrief_load_batch_get_n_results (batch); i++)
    {
      const GError *error = debrief_load_batch_get_error (batch, i);

      /* What failed because of the connection, not because of its files. */
      if (error != NULL && g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK))
        g_ptr_array_add (self->retry_files, g_object_ref (debrief_load_batch_get_folder (batch, i)));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), self->retry_files->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-open", self->retry_files->len > 0);
}

void
_debrief_window_watch_batch (DebriefWindow    *self,
                             DebriefLoadBatch *batch)
{
  g_signal_connect_object (batch, "notify::finished", G_CALLBACK (batch_finished_cb), self, 0);
}

static void
retry_open_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  g_autoptr(GPtrArray) files = g_ptr_array_ref (self->retry_files);

  self->retry_files = g_ptr_array_new_with_free_func (g_object_unref);
  debrief_window_open_files (self, (GFile **) files->pdata, files->len);
}

void
_debrief_window_live_init (DebriefWindow *self)
{
  GListModel *runs = debrief_workspace_get_runs (self->workspace);

  self->live_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) live_seen_free);
  self->retry_files = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect_object (self->workspace, "live-changed", G_CALLBACK (live_changed_cb), self, 0);
  g_signal_connect_object (runs, "items-changed", G_CALLBACK (runs_changed_cb), self, 0);
  runs_changed_cb (runs, 0, 0, g_list_model_get_n_items (runs), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-open", FALSE);
}

void
_debrief_window_live_clear (DebriefWindow *self)
{
  g_clear_pointer (&self->live_seen, g_hash_table_unref);
  g_clear_pointer (&self->retry_files, g_ptr_array_unref);
}

void
_debrief_window_class_add_live_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.retry-follow", "s", retry_follow_action);
  gtk_widget_class_install_action (widget_class, "win.retry-open", NULL, retry_open_action);
}
