/* debrief-loader.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Minimal detection; the format readers replace the body of load_folder().
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-loader.h"

typedef struct
{
  const char *format;
  const char *file;
} KnownFile;

/* Richest first: when several are present the first one wins. */
static const KnownFile known_files[] = {
  { "hf_trainer", "trainer_state.json" },
  { "llamafactory", "trainer_log.jsonl" },
  { "tinker", "metrics.jsonl" },
  { "seed", "metrics.json" },
  { "lightning_csv", "metrics.csv" },
};

static const char *
detect_format (GFile *folder)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_files); i++)
    {
      g_autoptr(GFile) child = g_file_get_child (folder, known_files[i].file);
      if (g_file_query_file_type (child, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) == G_FILE_TYPE_REGULAR)
        return known_files[i].format;
    }
  return NULL;
}

gboolean
debrief_folder_is_run (GFile *folder)
{
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);
  return detect_format (folder) != NULL;
}

DebriefRun *
debrief_run_load (GFile         *folder,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(DebriefRun) run = NULL;
  g_autofree char *display = NULL;
  const char *format;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  display = g_file_get_parse_name (folder);
  format = detect_format (folder);
  if (format == NULL)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                   _("%s: no training log found (expected metrics.json, metrics.jsonl, "
                     "trainer_state.json, trainer_log.jsonl or metrics.csv)"), display);
      return NULL;
    }

  run = debrief_run_new (folder);
  debrief_run_set_format (run, format);
  for (guint i = 0; i < G_N_ELEMENTS (known_files); i++)
    {
      g_autoptr(GFile) child = g_file_get_child (folder, known_files[i].file);
      if (g_file_query_exists (child, cancellable))
        debrief_run_add_source_file (run, known_files[i].file);
    }
  return g_steal_pointer (&run);
}

typedef struct
{
  DebriefProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_notify;
} LoadData;

static void
load_data_free (LoadData *data)
{
  if (data->progress_notify)
    data->progress_notify (data->progress_data);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *folder = source_object;
  GError *error = NULL;
  DebriefRun *run;

  run = debrief_run_load (folder, cancellable, &error);
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, g_object_unref);
}

void
debrief_run_load_async (GFile               *folder,
                        DebriefProgressFunc  progress,
                        gpointer             progress_data,
                        GDestroyNotify       progress_notify,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (folder, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_run_load_async);
  data = g_new0 (LoadData, 1);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_notify = progress_notify;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

DebriefRun *
debrief_run_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == debrief_run_load_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
compare_files_by_name (gconstpointer a,
                       gconstpointer b)
{
  g_autofree char *na = g_file_get_basename (*(GFile **) a);
  g_autofree char *nb = g_file_get_basename (*(GFile **) b);
  return g_utf8_collate (na, nb);
}

GPtrArray *
debrief_discover_runs (GFile         *folder,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  display = g_file_get_parse_name (folder);
  if (debrief_folder_is_run (folder))
    {
      g_ptr_array_add (runs, g_object_ref (folder));
      return g_steal_pointer (&runs);
    }

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                        cancellable, error);
  if (children == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo *info;
      GFile *child;

      if (!g_file_enumerator_iterate (children, &info, &child, cancellable, error))
        return NULL;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY && debrief_folder_is_run (child))
        g_ptr_array_add (runs, g_object_ref (child));
    }

  if (runs->len == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                   _("%s: no training run found in this folder or its subfolders"), display);
      return NULL;
    }
  g_ptr_array_sort (runs, compare_files_by_name);
  return g_steal_pointer (&runs);
}
