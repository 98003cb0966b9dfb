/* debrief-workspace-load.c: load batches (discovery, loads, progress, errors, cancel)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-loader.h"
#include "debrief-workspace-private.h"

typedef struct
{
  DebriefWorkspace *self;
  DebriefLoadBatch *batch;
  GCancellable *cancellable;
  guint request;
  GFile *file;
  char *text_pattern;
} DiscoverJob;

typedef struct
{
  DebriefWorkspace *self;
  DebriefLoadBatch *batch;
  GCancellable *cancellable;
  DebriefLoadResult *result;      /* owned by the batch */
  char *text_pattern;
  DebriefRun *run;                /* read, waiting for the remembered values */
} LoadJob;

/* The loader reports progress until its task is gone, which may be after the
 * load's callback: the target keeps the batch alive on its own. */
typedef struct
{
  DebriefWorkspace *self;
  DebriefLoadBatch *batch;
  DebriefLoadResult *result;
} ProgressTarget;

static void
discover_job_free (DiscoverJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->batch);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->file);
  g_free (job->text_pattern);
  g_free (job);
}

static void
load_job_free (LoadJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->batch);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->run);
  g_free (job->text_pattern);
  g_free (job);
}

static void
progress_target_free (ProgressTarget *target)
{
  g_clear_object (&target->self);
  g_clear_object (&target->batch);
  g_free (target);
}

static guint
count_user_batches (DebriefWorkspace *self)
{
  guint n = 0;

  for (guint i = 0; i < self->batches->len; i++)
    n += !_debrief_load_batch_is_quiet (g_ptr_array_index (self->batches, i));
  return n;
}

static void
note_error (DebriefWorkspace *self,
            DebriefLoadBatch *batch,
            const GError     *error)
{
  if (_debrief_load_batch_is_quiet (batch) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_ptr_array_add (self->session_errors, g_strdup (error->message));
}

static void
set_error (DebriefWorkspace *self,
           char             *error)
{
  if (g_strcmp0 (error, self->error) == 0)
    {
      g_free (error);
      return;
    }
  g_free (self->error);
  self->error = error;
  g_object_notify (G_OBJECT (self), "error");
}

/* The batch is done when its discoveries and loads are; the error of the
 * loads the user asked for is set when the last of them is done. */
static void
finish_if_complete (DebriefWorkspace *self,
                    DebriefLoadBatch *batch)
{
  gboolean quiet = _debrief_load_batch_is_quiet (batch);

  if (!_debrief_load_batch_is_complete (batch) || debrief_load_batch_get_finished (batch))
    return;
  g_object_ref (batch);
  g_ptr_array_remove (self->batches, batch);
  if (!quiet && count_user_batches (self) == 0)
    {
      char *text = NULL;

      if (self->session_errors->len > 0)
        {
          g_ptr_array_add (self->session_errors, NULL);
          text = g_strjoinv ("\n", (char **) self->session_errors->pdata);
          g_ptr_array_set_size (self->session_errors, 0);
        }
      set_error (self, text);
      _debrief_workspace_flush_recent (self);
    }
  _debrief_load_batch_finish (batch);
  g_object_unref (batch);
}

/* ---- loads ---- */

static void
load_progress_cb (double   fraction,
                  gpointer user_data)
{
  ProgressTarget *target = user_data;

  _debrief_load_batch_set_fraction (target->batch, target->result, fraction);
  _debrief_workspace_update_state (target->self);
}

static void
finish_load (LoadJob             *job,
             DebriefRun          *run,
             const GError        *error,
             DebriefRunOverrides *remembered)
{
  DebriefWorkspace *self = job->self;
  g_autofree char *key = _debrief_workspace_key (job->result->folder);
  RunState *state;

  if (run != NULL)
    {
      debrief_run_overrides_apply (&self->overrides, debrief_run_get_config (run));
      _debrief_workspace_insert_run (self, run, remembered);
      if (!_debrief_load_batch_is_quiet (job->batch))
        _debrief_workspace_remember_recent (self, run);
    }
  else
    note_error (self, job->batch, error);
  _debrief_load_batch_set_done (job->batch, job->result, run, error);

  /* A change on disk while it was read: read it once more. */
  state = g_hash_table_lookup (self->states, key);
  if (state != NULL && state->reloading)
    {
      state->reloading = FALSE;
      if (state->changed_again)
        {
          state->changed_again = FALSE;
          _debrief_workspace_reload_quietly (self, state);
        }
    }

  finish_if_complete (self, job->batch);
  _debrief_workspace_update_state (self);
  _debrief_workspace_job_done (self);
}

static void
recalled_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  LoadJob *job = user_data;
  g_auto(DebriefRunOverrides) remembered = { 0 };

  _debrief_workspace_recall_finish (job->self, result, &remembered);
  finish_load (job, job->run, NULL, &remembered);
  load_job_free (job);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadJob *job = user_data;
  DebriefWorkspace *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = debrief_run_load_finish (result, &error);

  /* The user's values for a folder not open yet are on disk: read them off
   * this thread too. An open folder's are in memory. */
  if (run != NULL && self->state_file != NULL && debrief_workspace_find_run (self, job->result->folder) == NULL)
    {
      job->run = g_steal_pointer (&run);
      _debrief_workspace_recall_async (self, job->result->folder, job->cancellable, recalled_cb, job);
      return;
    }
  finish_load (job, run, error, NULL);
  load_job_free (job);
}

static void
start_load (DebriefWorkspace *self,
            gpointer          data)
{
  LoadJob *job = data;
  ProgressTarget *target = g_new0 (ProgressTarget, 1);

  target->self = g_object_ref (self);
  target->batch = g_object_ref (job->batch);
  target->result = job->result;
  DebriefLoadOptions options = { .text_pattern = job->text_pattern };

  debrief_run_load_with_options_async (job->result->folder, &options,
                                       load_progress_cb, target, (GDestroyNotify) progress_target_free,
                                       job->cancellable, loaded_cb, job);
}

static void
queue_load (DebriefWorkspace  *self,
            DebriefLoadBatch  *batch,
            DebriefLoadResult *result,
            GCancellable      *cancellable)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  job->self = g_object_ref (self);
  job->batch = g_object_ref (batch);
  job->cancellable = g_object_ref (cancellable);
  job->result = result;
  job->text_pattern = g_strdup (self->text_pattern);
  _debrief_workspace_queue_job (self, WORKSPACE_JOB_LOAD, start_load, job);
}

/* ---- discovery ---- */

static void
discover_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DiscoverJob *job = task_data;
  DebriefLoadOptions options = { .text_pattern = job->text_pattern };
  GError *error = NULL;
  GPtrArray *folders;

  if (g_task_return_error_if_cancelled (task))
    return;
  folders = debrief_discover_runs_with_options (job->file, &options, cancellable, &error);
  if (folders == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, folders, (GDestroyNotify) g_ptr_array_unref);
}

static void
discovered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DiscoverJob *job = user_data;
  DebriefWorkspace *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean is_new;

  if (folders == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      DebriefLoadResult *failed = _debrief_load_batch_add (job->batch, job->request, job->file, &is_new);

      if (is_new)
        {
          note_error (self, job->batch, error);
          _debrief_load_batch_set_done (job->batch, failed, NULL, error);
        }
    }
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      DebriefLoadResult *found = _debrief_load_batch_add (job->batch, job->request,
                                                         g_ptr_array_index (folders, i), &is_new);
      if (is_new)
        queue_load (self, job->batch, found, job->cancellable);
    }
  _debrief_load_batch_discovered (job->batch);

  finish_if_complete (self, job->batch);
  _debrief_workspace_update_state (self);
  _debrief_workspace_job_done (self);
  discover_job_free (job);
}

static void
start_discovery (DebriefWorkspace *self,
                 gpointer          data)
{
  DiscoverJob *job = data;
  g_autoptr(GTask) task = g_task_new (self, job->cancellable, discovered_cb, job);

  g_task_set_source_tag (task, start_discovery);
  /* The job is only freed in the callback, after the thread. */
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, discover_thread);
}

/* ---- batches ---- */

static DebriefLoadBatch *
open_batch (DebriefWorkspace *self,
            GFile           **files,
            guint             n_files,
            DebriefOpenFlags  flags,
            gboolean          quiet)
{
  g_autoptr(DebriefLoadBatch) batch = _debrief_load_batch_new (n_files, quiet);

  if (!quiet && count_user_batches (self) == 0)
    {
      /* New loads after the last ones ended: their errors are old news. */
      g_ptr_array_set_size (self->session_errors, 0);
      set_error (self, NULL);
    }
  g_ptr_array_add (self->batches, g_object_ref (batch));

  for (guint i = 0; i < n_files; i++)
    {
      if (flags & DEBRIEF_OPEN_DISCOVER)
        {
          DiscoverJob *job = g_new0 (DiscoverJob, 1);

          job->self = g_object_ref (self);
          job->batch = g_object_ref (batch);
          job->cancellable = g_object_ref (self->load_cancellable);
          job->request = i;
          job->file = g_object_ref (files[i]);
          job->text_pattern = g_strdup (self->text_pattern);
          _debrief_load_batch_expect (batch);
          _debrief_workspace_queue_job (self, WORKSPACE_JOB_LOAD, start_discovery, job);
        }
      else
        {
          gboolean is_new;
          DebriefLoadResult *result = _debrief_load_batch_add (batch, i, files[i], &is_new);

          if (is_new)
            queue_load (self, batch, result, self->load_cancellable);
        }
    }
  finish_if_complete (self, batch);
  _debrief_workspace_update_state (self);
  return g_steal_pointer (&batch);
}

DebriefLoadBatch *
debrief_workspace_open (DebriefWorkspace  *self,
                        GFile            **files,
                        guint              n_files,
                        DebriefOpenFlags   flags)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (files != NULL || n_files == 0, NULL);

  return open_batch (self, files, n_files, flags, FALSE);
}

static void
cancel_cb (GCancellable     *cancellable,
           DebriefWorkspace *self)
{
  debrief_workspace_cancel (self);
}

DebriefLoadBatch *
debrief_workspace_open_sync (DebriefWorkspace  *self,
                             GFile            **files,
                             guint              n_files,
                             DebriefOpenFlags   flags,
                             GCancellable      *cancellable)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DebriefLoadBatch) batch = NULL;
  gulong handler = 0;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (!self->busy, NULL);
  g_return_val_if_fail (!self->watch_files, NULL);

  /* Every task the batch starts (loads, then the analyses they lead to)
   * reports to this context, so nothing else is dispatched meanwhile. */
  g_main_context_push_thread_default (context);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cb), self, NULL);
  batch = debrief_workspace_open (self, files, n_files, flags);
  while (!debrief_load_batch_get_finished (batch) || self->busy)
    g_main_context_iteration (context, TRUE);
  g_cancellable_disconnect (cancellable, handler);
  g_main_context_pop_thread_default (context);
  return g_steal_pointer (&batch);
}

void
debrief_workspace_reload (DebriefWorkspace *self)
{
  guint n;
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      g_ptr_array_add (folders, g_object_ref (debrief_run_get_folder (run)));
    }
  if (folders->len > 0)
    g_object_unref (open_batch (self, (GFile **) folders->pdata, folders->len, DEBRIEF_OPEN_NONE, FALSE));
}

void
_debrief_workspace_reload_quietly (DebriefWorkspace *self,
                                   RunState         *state)
{
  GFile *folder = debrief_run_get_folder (state->run);

  state->reloading = TRUE;
  g_object_unref (open_batch (self, &folder, 1, DEBRIEF_OPEN_NONE, TRUE));
}

void
debrief_workspace_set_load_options (DebriefWorkspace         *self,
                                    const DebriefLoadOptions *options)
{
  const char *pattern;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  pattern = options != NULL && options->text_pattern != NULL && *options->text_pattern != '\0'
            ? options->text_pattern : NULL;
  if (g_strcmp0 (pattern, self->text_pattern) == 0)
    return;
  g_free (self->text_pattern);
  self->text_pattern = g_strdup (pattern);
  /* A follower reads with the options it was made with: its next reading, with
   * the old pattern, would take the place of a reload with the new one. */
  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RunState *state = value;

      if (state->follower == NULL)
        continue;
      _debrief_workspace_unfollow (state);
      _debrief_workspace_watch (self, state);
    }
}

void
debrief_workspace_cancel (DebriefWorkspace *self)
{
  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  /* Queued and running jobs hold the old cancellable; new loads get a fresh one. */
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
}
