/* debrief-workspace-config.c: the user's values per run folder, remembered on disk
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-workspace-private.h"

typedef struct
{
  GFile *folder;
  DebriefRunOverrides overrides;
} SaveEntry;

static void
save_entry_free (SaveEntry *entry)
{
  g_clear_object (&entry->folder);
  debrief_run_overrides_clear (&entry->overrides);
  g_free (entry);
}

static void
overrides_free (DebriefRunOverrides *overrides)
{
  debrief_run_overrides_clear (overrides);
  g_free (overrides);
}

/* ---- reading (for a folder being opened) ---- */

static void
recall_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile **files = task_data;   /* store, folder */
  DebriefRunOverrides *overrides = g_new0 (DebriefRunOverrides, 1);
  g_autoptr(GError) error = NULL;

  if (!debrief_run_overrides_load (files[0], files[1], overrides, &error))
    {
      /* An unreadable store loses the remembered values, not the run. */
      g_warning ("%s", error->message);
      debrief_run_overrides_clear (overrides);
    }
  g_task_return_pointer (task, overrides, (GDestroyNotify) overrides_free);
}

static void
free_file_pair (GFile **files)
{
  g_clear_object (&files[0]);
  g_clear_object (&files[1]);
  g_free (files);
}

void
_debrief_workspace_recall_async (DebriefWorkspace    *self,
                                 GFile               *folder,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GFile **files = g_new0 (GFile *, 2);

  files[0] = g_object_ref (self->state_file);
  files[1] = g_object_ref (folder);
  g_task_set_source_tag (task, _debrief_workspace_recall_async);
  g_task_set_task_data (task, files, (GDestroyNotify) free_file_pair);
  g_task_run_in_thread (task, recall_thread);
}

void
_debrief_workspace_recall_finish (DebriefWorkspace    *self,
                                  GAsyncResult        *result,
                                  DebriefRunOverrides *overrides)
{
  DebriefRunOverrides *read = g_task_propagate_pointer (G_TASK (result), NULL);

  debrief_run_overrides_init (overrides);
  if (read == NULL)
    return;
  /* Shallow: the strings move over. */
  *overrides = *read;
  g_free (read);
}

/* ---- writing, one save at a time so a later edit is never overwritten by an earlier one ---- */

static void start_saving (DebriefWorkspace *self);

typedef struct
{
  GFile *store;
  GHashTable *entries;   /* folder URI -> SaveEntry */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->entries, g_hash_table_unref);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, data->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SaveEntry *entry = value;
      g_autoptr(GError) error = NULL;

      if (!debrief_run_overrides_save (data->store, entry->folder, &entry->overrides, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DebriefWorkspace *self = DEBRIEF_WORKSPACE (object);
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The values you entered could not be remembered: %s"),
                                                  error->message);
      _debrief_workspace_warn (self, message);
    }
  start_saving (self);
}

static void
start_saving (DebriefWorkspace *self)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  if (self->saving || self->unsaved == NULL || g_hash_table_size (self->unsaved) == 0 || self->state_file == NULL)
    return;
  self->saving = TRUE;
  task = g_task_new (self, NULL, saved_cb, NULL);
  g_task_set_source_tag (task, start_saving);
  /* The thread gets the entries; edits made meanwhile go into a new table. */
  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (self->state_file);
  data->entries = g_steal_pointer (&self->unsaved);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static void
remember (DebriefWorkspace *self,
          RunState         *state)
{
  SaveEntry *entry;

  if (self->state_file == NULL)
    return;
  if (self->unsaved == NULL)
    self->unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) save_entry_free);
  entry = g_new0 (SaveEntry, 1);
  entry->folder = g_object_ref (debrief_run_get_folder (state->run));
  debrief_run_overrides_merge (&entry->overrides, &state->overrides);
  g_hash_table_replace (self->unsaved, g_strdup (state->key), entry);
  start_saving (self);
}

void
_debrief_workspace_config_dispose (DebriefWorkspace *self)
{
  /* Nothing waits here in practice: every edit starts a save at once, and a
   * save in flight holds the workspace until it is written. */
  g_clear_pointer (&self->unsaved, g_hash_table_unref);
  g_clear_object (&self->state_file);
}

/* ---- public ---- */

gboolean
debrief_workspace_edit_config (DebriefWorkspace  *self,
                               DebriefRun        *run,
                               gint64             lora_rank,
                               gint64             dataset_tokens,
                               gint64             rl_episodes,
                               const char        *base_model,
                               GError           **error)
{
  g_auto(DebriefRunOverrides) edit = { 0 };
  DebriefRunConfig *config;
  RunState *state;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), FALSE);
  g_return_val_if_fail (DEBRIEF_IS_RUN (run), FALSE);

  state = _debrief_workspace_lookup (self, run);
  g_return_val_if_fail (state != NULL, FALSE);

  /* Only what differs from the run's own values becomes the user's: a rank
   * the log states, left as it was, must follow the log when it changes. */
  config = debrief_run_get_config (run);
  if (base_model != NULL && *base_model != '\0' && g_strcmp0 (base_model, config->base_model) != 0
      && !debrief_run_overrides_set_model (&edit, base_model, error))
    return FALSE;
  if (lora_rank > 0 && lora_rank != config->lora_rank)
    edit.lora_rank = lora_rank;
  if (dataset_tokens > 0 && dataset_tokens != config->dataset_tokens)
    {
      edit.dataset_tokens = dataset_tokens;
      edit.dataset_tokens_source = g_strdup ("user");
    }
  if (rl_episodes > 0 && rl_episodes != config->rl_episodes)
    edit.rl_episodes = rl_episodes;

  if (!debrief_run_overrides_is_empty (&edit))
    {
      debrief_run_overrides_merge (&state->overrides, &edit);
      debrief_run_overrides_apply (&edit, config);
      remember (self, state);
      _debrief_workspace_emit_config_changed (self, run);
    }
  /* Asked to check again: the analysis runs even when nothing changed. */
  _debrief_workspace_analyse (self, state);
  return TRUE;
}

void
debrief_workspace_set_overrides (DebriefWorkspace          *self,
                                 const DebriefRunOverrides *overrides)
{
  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  debrief_run_overrides_clear (&self->overrides);
  if (overrides != NULL)
    debrief_run_overrides_merge (&self->overrides, overrides);
}

GFile *
debrief_workspace_get_state_file (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  return self->state_file;
}

void
debrief_workspace_set_state_file (DebriefWorkspace *self,
                                  GFile            *state_file)
{
  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));
  g_return_if_fail (state_file == NULL || G_IS_FILE (state_file));

  if (g_set_object (&self->state_file, state_file))
    g_object_notify (G_OBJECT (self), "state-file");
}
