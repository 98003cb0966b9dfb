/* debrief-run-overrides.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "debrief-error.h"
#include "debrief-model-table.h"
#include "debrief-run-overrides.h"

#define KEY_RANK   "lora-rank"
#define KEY_TOKENS "dataset-tokens"
#define KEY_EPISODES "episodes"
#define KEY_MODEL  "base-model"

/* What the user typed has no file behind it: the report and the JSON say "user". */
#define SOURCE_USER "user"

/* Serialises the read-modify-write of the store between the windows of one
 * process (each window's workspace saves from its own worker thread). */
static GMutex store_lock;

void
debrief_run_overrides_init (DebriefRunOverrides *overrides)
{
  memset (overrides, 0, sizeof *overrides);
}

void
debrief_run_overrides_clear (DebriefRunOverrides *overrides)
{
  g_clear_pointer (&overrides->dataset_tokens_source, g_free);
  g_clear_pointer (&overrides->base_model, g_free);
  g_clear_pointer (&overrides->dims_source, g_free);
  debrief_run_overrides_init (overrides);
}

gboolean
debrief_run_overrides_is_empty (const DebriefRunOverrides *overrides)
{
  return overrides->lora_rank <= 0 && overrides->dataset_tokens <= 0 && overrides->rl_episodes <= 0
         && !overrides->have_dims && overrides->base_model == NULL;
}

void
debrief_run_overrides_merge (DebriefRunOverrides       *into,
                             const DebriefRunOverrides *from)
{
  if (from->lora_rank > 0)
    into->lora_rank = from->lora_rank;
  if (from->dataset_tokens > 0)
    {
      into->dataset_tokens = from->dataset_tokens;
      g_free (into->dataset_tokens_source);
      into->dataset_tokens_source = g_strdup (from->dataset_tokens_source);
    }
  if (from->rl_episodes > 0)
    into->rl_episodes = from->rl_episodes;
  if (from->base_model != NULL)
    {
      g_free (into->base_model);
      into->base_model = g_strdup (from->base_model);
    }
  if (from->have_dims)
    {
      into->have_dims = TRUE;
      into->dims = from->dims;
      g_free (into->dims_source);
      into->dims_source = g_strdup (from->dims_source);
    }
}

gboolean
debrief_run_overrides_set_model (DebriefRunOverrides  *overrides,
                                 const char           *name,
                                 GError              **error)
{
  DebriefModelDims dims;
  const char *canonical;

  g_return_val_if_fail (name != NULL, FALSE);

  canonical = debrief_model_table_lookup (name, &dims);
  if (canonical == NULL)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("Unknown model “%s”: use a name such as Llama-3.1-8B or Qwen2.5-7B, "
                     "or put the model's config.json in the run folder."), name);
      return FALSE;
    }
  g_free (overrides->base_model);
  overrides->base_model = g_strdup (name);
  overrides->have_dims = TRUE;
  overrides->dims = dims;
  g_free (overrides->dims_source);
  overrides->dims_source = g_strdup_printf ("built-in table: %s", canonical);
  return TRUE;
}

void
debrief_run_overrides_apply (const DebriefRunOverrides *overrides,
                             DebriefRunConfig          *config)
{
  if (overrides->lora_rank > 0)
    config->lora_rank = overrides->lora_rank;
  if (overrides->dataset_tokens > 0)
    {
      config->dataset_tokens = overrides->dataset_tokens;
      g_free (config->dataset_tokens_source);
      config->dataset_tokens_source = g_strdup (overrides->dataset_tokens_source
                                                ? overrides->dataset_tokens_source : SOURCE_USER);
    }
  if (overrides->rl_episodes > 0)
    {
      config->rl_episodes = overrides->rl_episodes;
      g_free (config->rl_episodes_source);
      config->rl_episodes_source = g_strdup (SOURCE_USER);
    }
  if (overrides->have_dims)
    {
      config->dims = overrides->dims;
      g_free (config->dims_source);
      config->dims_source = g_strdup (overrides->dims_source);
    }
  if (overrides->base_model != NULL)
    {
      g_free (config->base_model);
      config->base_model = g_strdup (overrides->base_model);
    }
}

/* ---- remembered per folder ---- */

static char *
group_for (GFile *folder)
{
  /* The URI: unambiguous for any path, and remote folders (sftp://) have no path. */
  return g_file_get_uri (folder);
}

static GKeyFile *
read_store (GFile   *store,
            GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (!g_file_load_contents (store, NULL, &contents, &length, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&keys);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!g_key_file_load_from_data (keys, contents, length, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (store);
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, "%s: %s", name, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

gboolean
debrief_run_overrides_load (GFile                *store,
                            GFile                *folder,
                            DebriefRunOverrides  *overrides,
                            GError              **error)
{
  g_autoptr(GKeyFile) keys = NULL;
  g_autofree char *group = group_for (folder);
  g_autofree char *model = NULL;
  gint64 value;

  g_return_val_if_fail (G_IS_FILE (store), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  debrief_run_overrides_init (overrides);
  g_mutex_lock (&store_lock);
  keys = read_store (store, error);
  g_mutex_unlock (&store_lock);
  if (keys == NULL)
    return FALSE;
  if (!g_key_file_has_group (keys, group))
    return TRUE;

  /* A value that is not a positive number (edited by hand) is ignored, not fatal. */
  value = g_key_file_get_int64 (keys, group, KEY_RANK, NULL);
  if (value > 0)
    overrides->lora_rank = value;
  value = g_key_file_get_int64 (keys, group, KEY_TOKENS, NULL);
  if (value > 0)
    {
      overrides->dataset_tokens = value;
      overrides->dataset_tokens_source = g_strdup (SOURCE_USER);
    }
  value = g_key_file_get_int64 (keys, group, KEY_EPISODES, NULL);
  if (value > 0)
    overrides->rl_episodes = value;
  model = g_key_file_get_string (keys, group, KEY_MODEL, NULL);
  if (model != NULL && *model != '\0')
    debrief_run_overrides_set_model (overrides, model, NULL);
  return TRUE;
}

gboolean
debrief_run_overrides_save (GFile                      *store,
                            GFile                      *folder,
                            const DebriefRunOverrides  *overrides,
                            GError                    **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store_lock);
  g_autoptr(GKeyFile) keys = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (store);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *group = group_for (folder);
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (store), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  keys = read_store (store, error);
  if (keys == NULL)
    return FALSE;
  g_key_file_remove_group (keys, group, NULL);
  if (overrides->lora_rank > 0)
    g_key_file_set_int64 (keys, group, KEY_RANK, overrides->lora_rank);
  if (overrides->dataset_tokens > 0)
    g_key_file_set_int64 (keys, group, KEY_TOKENS, overrides->dataset_tokens);
  if (overrides->rl_episodes > 0)
    g_key_file_set_int64 (keys, group, KEY_EPISODES, overrides->rl_episodes);
  if (overrides->base_model != NULL)
    g_key_file_set_string (keys, group, KEY_MODEL, overrides->base_model);

  if (parent != NULL && !g_file_make_directory_with_parents (parent, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  data = g_key_file_to_data (keys, &length, NULL);
  /* Written to a temporary file and renamed over the old one: a crash leaves
   * either the old or the new store, never half of one. */
  if (!g_file_replace_contents (store, data, length, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                NULL, NULL, error))
    return FALSE;
  return TRUE;
}
