/* debrief-workspace-analysis.c: every open run analysed, again when its inputs change
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place that decides which analysis of a run counts: each start bumps
 * the folder's generation and cancels the one before, and a result is kept
 * only when its generation is still the newest and its run still the one
 * open. So a slow analysis started before the user filled in the rank cannot
 * overwrite the one started after.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-analysis.h"
#include "debrief-workspace-private.h"

/* Training writes its logs every few steps; a run is read again once its
 * files have been quiet this long, not on every write. */
#define RELOAD_DELAY_MS 1000

typedef struct
{
  DebriefWorkspace *self;
  DebriefRun *run;
  char *key;
  guint generation;
  GCancellable *cancellable;
} AnalysisJob;

static void
analysis_job_free (AnalysisJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->run);
  g_clear_object (&job->cancellable);
  g_free (job->key);
  g_free (job);
}

static void
analysed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AnalysisJob *job = user_data;
  DebriefWorkspace *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefAnalysis) analysis = debrief_analysis_run_finish (result, &error);
  RunState *state = g_hash_table_lookup (self->states, job->key);

  if (state != NULL && state->run == job->run && state->generation == job->generation)
    {
      state->analysing = FALSE;
      self->n_analysing--;
      if (analysis != NULL)
        debrief_run_set_analysis (job->run, analysis);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("%s could not be analysed: %s"),
                                                      debrief_run_get_path (job->run), error->message);
          _debrief_workspace_warn (self, message);
        }
    }
  _debrief_workspace_update_state (self);
  _debrief_workspace_job_done (self);
  analysis_job_free (job);
}

static void
start_analysis (DebriefWorkspace *self,
                gpointer          data)
{
  AnalysisJob *job = data;

  debrief_analysis_run_async (job->run, job->cancellable, analysed_cb, job);
}

void
_debrief_workspace_analyse (DebriefWorkspace *self,
                            RunState         *state)
{
  AnalysisJob *job;

  if (state->analysis_cancellable != NULL)
    g_cancellable_cancel (state->analysis_cancellable);
  g_clear_object (&state->analysis_cancellable);
  state->analysis_cancellable = g_cancellable_new ();
  state->generation++;
  if (!state->analysing)
    {
      state->analysing = TRUE;
      self->n_analysing++;
    }

  job = g_new0 (AnalysisJob, 1);
  job->self = g_object_ref (self);
  job->run = g_object_ref (state->run);
  job->key = g_strdup (state->key);
  job->generation = state->generation;
  job->cancellable = g_object_ref (state->analysis_cancellable);
  _debrief_workspace_queue_job (self, WORKSPACE_JOB_ANALYSIS, start_analysis, job);
  _debrief_workspace_update_state (self);
}

void
_debrief_workspace_stop_analysis (DebriefWorkspace *self,
                                  RunState         *state)
{
  if (state->analysis_cancellable != NULL)
    g_cancellable_cancel (state->analysis_cancellable);
  if (state->analysing)
    {
      state->analysing = FALSE;
      self->n_analysing--;
    }
  /* Its generation moves on, so a result still on its way is dropped. */
  state->generation++;
}

/* ---- files changed on disk ---- */

static gboolean
reload_cb (gpointer user_data)
{
  RunState *state = user_data;

  g_clear_pointer (&state->reload_source, g_source_unref);
  if (state->reloading)
    state->changed_again = TRUE;
  else
    _debrief_workspace_reload_quietly (state->workspace, state);
  return G_SOURCE_REMOVE;
}

static void
file_changed_cb (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 RunState          *state)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
      break;
    default:
      return;
    }
  /* Each change restarts the wait. */
  if (state->reload_source != NULL)
    {
      g_source_destroy (state->reload_source);
      g_clear_pointer (&state->reload_source, g_source_unref);
    }
  state->reload_source = g_timeout_source_new (RELOAD_DELAY_MS);
  g_source_set_callback (state->reload_source, reload_cb, state, NULL);
  g_source_set_name (state->reload_source, "[debrief] reload a changed run");
  g_source_attach (state->reload_source, state->workspace->context);
}

void
_debrief_workspace_unwatch (RunState *state)
{
  for (guint i = 0; state->monitors != NULL && i < state->monitors->len; i++)
    {
      GFileMonitor *monitor = g_ptr_array_index (state->monitors, i);

      g_signal_handlers_disconnect_by_data (monitor, state);
      g_file_monitor_cancel (monitor);
    }
  if (state->monitors != NULL)
    g_ptr_array_set_size (state->monitors, 0);
  if (state->reload_source != NULL)
    {
      g_source_destroy (state->reload_source);
      g_clear_pointer (&state->reload_source, g_source_unref);
    }
}

void
_debrief_workspace_watch (DebriefWorkspace *self,
                          RunState         *state)
{
  const char *const *sources;
  GFile *folder;

  _debrief_workspace_unwatch (state);
  /* A run still being written is followed instead: read from where it was left. */
  if (_debrief_workspace_follow (self, state))
    return;
  if (!self->watch_files)
    return;

  folder = debrief_run_get_folder (state->run);
  sources = debrief_run_get_source_files (state->run);
  for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_resolve_relative_path (folder, sources[i]);
      g_autoptr(GFileMonitor) monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);

      /* No monitor (a remote folder without one): the run is only read again on request. */
      if (monitor == NULL)
        continue;
      g_signal_connect (monitor, "changed", G_CALLBACK (file_changed_cb), state);
      g_ptr_array_add (state->monitors, g_steal_pointer (&monitor));
    }
}

gboolean
debrief_workspace_get_watch_files (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), FALSE);
  return self->watch_files;
}

void
debrief_workspace_set_watch_files (DebriefWorkspace *self,
                                   gboolean          watch_files)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  watch_files = !!watch_files;
  if (self->watch_files == watch_files)
    return;
  self->watch_files = watch_files;
  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _debrief_workspace_watch (self, value);
  g_object_notify (G_OBJECT (self), "watch-files");
}
