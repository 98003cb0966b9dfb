/* debrief-workspace.c: the object, the open runs and the job pool
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-workspace-private.h"

/* Jobs at once: loads are bound by the disk and the parser, analyses by the
 * CPU. More than the cores helps little; fewer than two lets one slow folder
 * (NFS, sshfs) hold up every other. */
#define MIN_JOBS 2
#define MAX_JOBS 8

enum {
  PROP_0,
  PROP_RUNS,
  PROP_BUSY,
  PROP_LOADING,
  PROP_PROGRESS,
  PROP_ERROR,
  PROP_STATE_FILE,
  PROP_SETTINGS,
  PROP_RECENT_RUNS,
  PROP_WATCH_FILES,
  N_PROPS
};

enum {
  SIGNAL_CONFIG_CHANGED,
  SIGNAL_WARNING,
  SIGNAL_LIVE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefWorkspace, debrief_workspace, G_TYPE_OBJECT)

typedef struct
{
  WorkspaceJobFunc func;
  gpointer data;
} WorkspaceJob;

static void
run_state_free (RunState *state)
{
  _debrief_workspace_unfollow (state);
  _debrief_workspace_unwatch (state);
  g_clear_pointer (&state->monitors, g_ptr_array_unref);
  if (state->analysis_cancellable != NULL)
    g_cancellable_cancel (state->analysis_cancellable);
  g_clear_object (&state->analysis_cancellable);
  g_clear_object (&state->run);
  debrief_run_overrides_clear (&state->overrides);
  g_free (state->key);
  g_free (state);
}

/* ---- the pool ---- */

static void
start_jobs (DebriefWorkspace *self)
{
  /* A job whose callback runs at once (a cancelled one) calls job_done from
   * inside this loop: the loop picks up the next one. */
  if (self->starting_jobs)
    return;
  self->starting_jobs = TRUE;
  while (self->running_jobs < self->max_jobs)
    {
      WorkspaceJob *job = g_queue_pop_head (&self->analysis_jobs);

      if (job == NULL)
        job = g_queue_pop_head (&self->load_jobs);
      if (job == NULL)
        break;
      self->running_jobs++;
      self->peak_jobs = MAX (self->peak_jobs, self->running_jobs);
      job->func (self, job->data);
      g_free (job);
    }
  self->starting_jobs = FALSE;
}

void
_debrief_workspace_queue_job (DebriefWorkspace *self,
                              WorkspaceJobKind  kind,
                              WorkspaceJobFunc  func,
                              gpointer          data)
{
  WorkspaceJob *job = g_new0 (WorkspaceJob, 1);

  job->func = func;
  job->data = data;
  g_queue_push_tail (kind == WORKSPACE_JOB_ANALYSIS ? &self->analysis_jobs : &self->load_jobs, job);
  start_jobs (self);
}

void
_debrief_workspace_job_done (DebriefWorkspace *self)
{
  g_return_if_fail (self->running_jobs > 0);

  self->running_jobs--;
  start_jobs (self);
}

guint
_debrief_workspace_get_peak_jobs (DebriefWorkspace *self)
{
  return self->peak_jobs;
}

void
_debrief_workspace_set_max_jobs (DebriefWorkspace *self,
                                 guint             max_jobs)
{
  self->max_jobs = MAX (max_jobs, 1);
  start_jobs (self);
}

/* ---- the open runs ---- */

char *
_debrief_workspace_key (GFile *folder)
{
  return g_file_get_uri (folder);
}

RunState *
_debrief_workspace_lookup (DebriefWorkspace *self,
                           DebriefRun       *run)
{
  g_autofree char *key = _debrief_workspace_key (debrief_run_get_folder (run));
  RunState *state = g_hash_table_lookup (self->states, key);

  return state != NULL && state->run == run ? state : NULL;
}

static gboolean
find_position (DebriefWorkspace *self,
               DebriefRun       *run,
               guint            *position)
{
  return g_list_store_find (self->runs, run, position);
}

static int
compare_runs_by_name (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  return g_utf8_collate (debrief_run_get_name ((DebriefRun *) a), debrief_run_get_name ((DebriefRun *) b));
}

void
_debrief_workspace_replace_run (DebriefWorkspace *self,
                                RunState         *state,
                                DebriefRun       *run)
{
  guint position;

  if (state->run == run)
    return;
  if (find_position (self, state->run, &position))
    {
      g_set_object (&state->run, run);
      g_list_store_splice (self->runs, position, 1, (gpointer *) &run, 1);
    }
  else
    {
      g_set_object (&state->run, run);
      g_list_store_insert_sorted (self->runs, run, compare_runs_by_name, NULL);
    }
}

void
_debrief_workspace_emit_live_changed (DebriefWorkspace *self,
                                      DebriefRun       *run)
{
  g_signal_emit (self, signals[SIGNAL_LIVE_CHANGED], 0, run);
}

void
_debrief_workspace_insert_run (DebriefWorkspace          *self,
                               DebriefRun                *run,
                               const DebriefRunOverrides *remembered)
{
  g_autofree char *key = _debrief_workspace_key (debrief_run_get_folder (run));
  RunState *state = g_hash_table_lookup (self->states, key);

  if (state != NULL)
    {
      /* Read again: the new run takes the old one's place. The values in
       * memory win over @remembered, which may predate an edit made while
       * the folder was being read. */
      debrief_run_overrides_apply (&state->overrides, debrief_run_get_config (run));
      _debrief_workspace_replace_run (self, state, run);
    }
  else
    {
      state = g_new0 (RunState, 1);
      state->workspace = self;
      state->key = g_steal_pointer (&key);
      state->run = g_object_ref (run);
      state->monitors = g_ptr_array_new_with_free_func (g_object_unref);
      debrief_run_overrides_init (&state->overrides);
      if (remembered != NULL)
        {
          debrief_run_overrides_merge (&state->overrides, remembered);
          debrief_run_overrides_apply (&state->overrides, debrief_run_get_config (run));
        }
      g_hash_table_insert (self->states, state->key, state);
      g_list_store_insert_sorted (self->runs, run, compare_runs_by_name, NULL);
    }

  _debrief_workspace_analyse (self, state);
  _debrief_workspace_watch (self, state);
}

static void
remove_state (DebriefWorkspace *self,
              RunState         *state)
{
  _debrief_workspace_stop_analysis (self, state);
  g_hash_table_remove (self->states, state->key);
}

void
debrief_workspace_add_run (DebriefWorkspace *self,
                           DebriefRun       *run)
{
  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));
  g_return_if_fail (DEBRIEF_IS_RUN (run));

  debrief_run_overrides_apply (&self->overrides, debrief_run_get_config (run));
  _debrief_workspace_insert_run (self, run, NULL);
  _debrief_workspace_update_state (self);
}

DebriefRun *
debrief_workspace_find_run (DebriefWorkspace *self,
                            GFile            *folder)
{
  g_autofree char *key = NULL;
  RunState *state;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  key = _debrief_workspace_key (folder);
  state = g_hash_table_lookup (self->states, key);
  return state != NULL ? state->run : NULL;
}

void
debrief_workspace_close_run (DebriefWorkspace *self,
                             DebriefRun       *run)
{
  RunState *state;
  guint position;

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));
  g_return_if_fail (DEBRIEF_IS_RUN (run));

  state = _debrief_workspace_lookup (self, run);
  if (state != NULL)
    remove_state (self, state);
  if (find_position (self, run, &position))
    g_list_store_remove (self->runs, position);
  _debrief_workspace_update_state (self);
}

void
debrief_workspace_close_all (DebriefWorkspace *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      _debrief_workspace_stop_analysis (self, value);
      g_hash_table_iter_remove (&iter);
    }
  g_list_store_remove_all (self->runs);
  if (self->error != NULL && self->batches->len == 0)
    {
      g_clear_pointer (&self->error, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  _debrief_workspace_update_state (self);
}

GListModel *
debrief_workspace_get_runs (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  return G_LIST_MODEL (self->runs);
}

/* ---- state ---- */

void
_debrief_workspace_update_state (DebriefWorkspace *self)
{
  gboolean loading = self->batches->len > 0;
  gboolean busy = loading || self->n_analysing > 0;
  double done = 0.0;
  guint total = 0;
  double progress;

  for (guint i = 0; i < self->batches->len; i++)
    _debrief_load_batch_count (g_ptr_array_index (self->batches, i), &done, &total);
  progress = loading ? (total > 0 ? done / total : 0.0) : 0.0;

  g_object_freeze_notify (G_OBJECT (self));
  if (progress != self->progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (loading != self->loading)
    {
      self->loading = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
_debrief_workspace_warn (DebriefWorkspace *self,
                         const char       *message)
{
  g_signal_emit (self, signals[SIGNAL_WARNING], 0, message);
}

gboolean
debrief_workspace_get_busy (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), FALSE);
  return self->busy;
}

gboolean
debrief_workspace_get_loading (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), FALSE);
  return self->loading;
}

double
debrief_workspace_get_progress (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), 0.0);
  return self->progress;
}

const char *
debrief_workspace_get_error (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  return self->error;
}

/* ---- object ---- */

DebriefWorkspace *
debrief_workspace_new (void)
{
  return g_object_new (DEBRIEF_TYPE_WORKSPACE, NULL);
}

static void
debrief_workspace_dispose (GObject *object)
{
  DebriefWorkspace *self = (DebriefWorkspace *)object;

  g_cancellable_cancel (self->load_cancellable);
  if (self->states != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->states);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        _debrief_workspace_stop_analysis (self, value);
      g_hash_table_remove_all (self->states);
    }
  _debrief_workspace_config_dispose (self);
  _debrief_workspace_recent_dispose (self);
  if (self->runs != NULL)
    g_list_store_remove_all (self->runs);

  G_OBJECT_CLASS (debrief_workspace_parent_class)->dispose (object);
}

static void
debrief_workspace_finalize (GObject *object)
{
  DebriefWorkspace *self = (DebriefWorkspace *)object;

  /* Every job holds a reference: none is left once the last one is gone. */
  g_assert (g_queue_is_empty (&self->analysis_jobs) && g_queue_is_empty (&self->load_jobs));
  g_clear_object (&self->runs);
  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->batches, g_ptr_array_unref);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->session_errors, g_ptr_array_unref);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->text_pattern, g_free);
  debrief_run_overrides_clear (&self->overrides);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (debrief_workspace_parent_class)->finalize (object);
}

static void
debrief_workspace_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DebriefWorkspace *self = DEBRIEF_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_RUNS:
      g_value_set_object (value, self->runs);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_STATE_FILE:
      g_value_set_object (value, self->state_file);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_RECENT_RUNS:
      g_value_set_object (value, debrief_workspace_get_recent_runs (self));
      break;
    case PROP_WATCH_FILES:
      g_value_set_boolean (value, self->watch_files);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_workspace_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DebriefWorkspace *self = DEBRIEF_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_STATE_FILE:
      debrief_workspace_set_state_file (self, g_value_get_object (value));
      break;
    case PROP_SETTINGS:
      debrief_workspace_set_settings (self, g_value_get_object (value));
      break;
    case PROP_WATCH_FILES:
      debrief_workspace_set_watch_files (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_workspace_class_init (DebriefWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_workspace_dispose;
  object_class->finalize = debrief_workspace_finalize;
  object_class->get_property = debrief_workspace_get_property;
  object_class->set_property = debrief_workspace_set_property;

  properties[PROP_RUNS] =
    g_param_spec_object ("runs", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_FILE] =
    g_param_spec_object ("state-file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECENT_RUNS] =
    g_param_spec_object ("recent-runs", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WATCH_FILES] =
    g_param_spec_boolean ("watch-files", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DebriefWorkspace::config-changed:
   * @run: the run whose configuration the user filled in
   *
   * Emitted after debrief_workspace_edit_config() changed @run's
   * configuration, before the new analysis starts.
   */
  signals[SIGNAL_CONFIG_CHANGED] =
    g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, DEBRIEF_TYPE_RUN);
  /**
   * DebriefWorkspace::warning:
   * @message: a sentence for the user
   *
   * Something the user should know that did not stop the work: a value that
   * could not be remembered, an analysis that failed.
   */
  /* A followed run's live state, ETA or reading changed (DebriefRun *run). */
  signals[SIGNAL_LIVE_CHANGED] =
    g_signal_new ("live-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DEBRIEF_TYPE_RUN);
  signals[SIGNAL_WARNING] =
    g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
debrief_workspace_init (DebriefWorkspace *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->runs = g_list_store_new (DEBRIEF_TYPE_RUN);
  self->states = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) run_state_free);
  self->batches = g_ptr_array_new_with_free_func (g_object_unref);
  self->load_cancellable = g_cancellable_new ();
  self->session_errors = g_ptr_array_new_with_free_func (g_free);
  self->max_jobs = CLAMP (g_get_num_processors (), MIN_JOBS, MAX_JOBS);
  g_queue_init (&self->analysis_jobs);
  g_queue_init (&self->load_jobs);
  debrief_run_overrides_init (&self->overrides);
}

void
_debrief_workspace_emit_config_changed (DebriefWorkspace *self,
                                        DebriefRun       *run)
{
  g_signal_emit (self, signals[SIGNAL_CONFIG_CHANGED], 0, run);
}
