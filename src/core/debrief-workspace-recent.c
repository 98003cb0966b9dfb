/* debrief-workspace-recent.c: recently opened runs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept in the application's GSettings ("recent-runs", newest first); shown
 * only while the folder still exists, which is checked off the main thread
 * (a folder on a stalled NFS mount must not freeze the empty window).
 */
#include "config.h"

#include "debrief-workspace-private.h"

/* Enough to find last week's runs, short enough to scan. */
#define RECENT_RUNS_MAX 8
#define RECENT_RUNS_KEY "recent-runs"

void
_debrief_workspace_remember_recent (DebriefWorkspace *self,
                                    DebriefRun       *run)
{
  const char *path = debrief_run_get_path (run);

  if (self->settings == NULL || path == NULL)
    return;
  if (self->recent_pending == NULL)
    self->recent_pending = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->recent_pending, g_strdup (path));
}

void
_debrief_workspace_flush_recent (DebriefWorkspace *self)
{
  g_auto(GStrv) old = NULL;
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GHashTable) seen = NULL;
  guint n = 0;

  if (self->settings == NULL || self->recent_pending == NULL || self->recent_pending->len == 0)
    return;

  builder = g_strv_builder_new ();
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  old = g_settings_get_strv (self->settings, RECENT_RUNS_KEY);
  /* The last one read is the newest. */
  for (guint i = self->recent_pending->len; i > 0 && n < RECENT_RUNS_MAX; i--)
    {
      const char *path = g_ptr_array_index (self->recent_pending, i - 1);

      if (g_hash_table_add (seen, (gpointer) path))
        {
          g_strv_builder_add (builder, path);
          n++;
        }
    }
  for (guint i = 0; old[i] != NULL && n < RECENT_RUNS_MAX; i++)
    if (g_hash_table_add (seen, old[i]))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_ptr_array_set_size (self->recent_pending, 0);
  g_settings_set_strv (self->settings, RECENT_RUNS_KEY, (const char *const *) recent);
}

/* ---- the model ---- */

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *const *paths = task_data;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; paths[i] != NULL; i++)
    if (g_file_test (paths[i], G_FILE_TEST_IS_DIR))
      g_ptr_array_add (existing, g_file_new_for_path (paths[i]));
  g_task_return_pointer (task, g_steal_pointer (&existing), (GDestroyNotify) g_ptr_array_unref);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DebriefWorkspace *self = DEBRIEF_WORKSPACE (object);
  g_autoptr(GPtrArray) existing = g_task_propagate_pointer (G_TASK (result), NULL);

  if (existing == NULL || self->recent == NULL)
    return;   /* cancelled: a newer check follows */
  g_list_store_splice (self->recent, 0, g_list_model_get_n_items (G_LIST_MODEL (self->recent)),
                       existing->pdata, existing->len);
}

static void
refresh_recent (DebriefWorkspace *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->recent_cancellable != NULL)
    g_cancellable_cancel (self->recent_cancellable);
  g_clear_object (&self->recent_cancellable);
  if (self->recent == NULL)
    return;
  if (self->settings == NULL)
    {
      g_list_store_remove_all (self->recent);
      return;
    }
  self->recent_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->recent_cancellable, checked_cb, NULL);
  g_task_set_source_tag (task, refresh_recent);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_settings_get_strv (self->settings, RECENT_RUNS_KEY), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, check_thread);
}

GListModel *
debrief_workspace_get_recent_runs (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);

  if (self->recent == NULL)
    {
      self->recent = g_list_store_new (G_TYPE_FILE);
      refresh_recent (self);
    }
  return G_LIST_MODEL (self->recent);
}

GSettings *
debrief_workspace_get_settings (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  return self->settings;
}

void
debrief_workspace_set_settings (DebriefWorkspace *self,
                                GSettings        *settings)
{
  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings == settings)
    return;
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, refresh_recent, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_swapped (settings, "changed::" RECENT_RUNS_KEY, G_CALLBACK (refresh_recent), self);
  refresh_recent (self);
  g_object_notify (G_OBJECT (self), "settings");
}

void
_debrief_workspace_recent_dispose (DebriefWorkspace *self)
{
  if (self->recent_cancellable != NULL)
    g_cancellable_cancel (self->recent_cancellable);
  g_clear_object (&self->recent_cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, refresh_recent, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent);
  g_clear_pointer (&self->recent_pending, g_ptr_array_unref);
}
