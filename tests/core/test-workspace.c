/* test-workspace.c: DebriefWorkspace on real run folders
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"
#include "debrief-workspace-private.h"

static gboolean
workspace_idle (gpointer data)
{
  return !debrief_workspace_get_busy (data);
}

static void
wait_idle (DebriefWorkspace *workspace)
{
  debrief_test_wait_until (workspace_idle, workspace);
}

static DebriefLoadBatch *
open_one (DebriefWorkspace *workspace,
          GFile            *folder)
{
  DebriefLoadBatch *batch = debrief_workspace_open (workspace, &folder, 1, DEBRIEF_OPEN_DISCOVER);

  g_assert_true (debrief_workspace_get_busy (workspace));
  g_assert_true (debrief_workspace_get_loading (workspace));
  wait_idle (workspace);
  g_assert_true (debrief_load_batch_get_finished (batch));
  return batch;
}

/* A run's folder copied into a fresh temporary folder (the tests write into it). */
static char *
copy_run (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("debrief-workspace-XXXXXX", &error);
  g_autofree char *source = debrief_test_data_path ("runs", name, NULL);
  g_autofree char *target = g_build_filename (tmp, name, NULL);
  g_autoptr(GDir) dir = g_dir_open (source, 0, &error);
  const char *entry;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (target, 0700), ==, 0);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (source, entry, NULL);
      g_autofree char *to = g_build_filename (target, entry, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
        continue;
      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
    }
  return g_steal_pointer (&target);
}

static void
remove_copy (const char *run_dir)
{
  g_autofree char *tmp = g_path_get_dirname (run_dir);

  debrief_test_remove_tree (tmp);
}

static void
test_workspace_open_folder (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) folder = debrief_test_data_file ("runs", "overfit", NULL);
  g_autoptr(DebriefLoadBatch) batch = open_one (workspace, folder);
  g_autoptr(DebriefRun) run = NULL;

  run = g_list_model_get_item (debrief_workspace_get_runs (workspace), 0);
  g_assert_nonnull (run);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 1);
  g_assert_cmpstr (debrief_run_get_name (run), ==, "overfit");
  /* The workspace analysed it; nobody asked. */
  g_assert_nonnull (debrief_run_get_analysis (run));
  g_assert_null (debrief_workspace_get_error (workspace));
  g_assert_false (debrief_workspace_get_loading (workspace));
  g_assert_cmpfloat (debrief_workspace_get_progress (workspace), ==, 0.0);
  g_assert_cmpuint (debrief_load_batch_get_n_results (batch), ==, 1);
  g_assert_true (debrief_load_batch_get_run (batch, 0) == run);
  g_assert_null (debrief_load_batch_get_error (batch, 0));
  g_assert_true (debrief_workspace_find_run (workspace, folder) == run);
}

static void
test_workspace_open_parent (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) parent = debrief_test_data_file ("runs", NULL);
  g_autoptr(DebriefLoadBatch) batch = open_one (workspace, parent);
  GListModel *runs = debrief_workspace_get_runs (workspace);
  g_autofree char *previous = NULL;

  /* tests/data/runs holds the six labelled runs. */
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 6);
  g_assert_cmpuint (debrief_load_batch_get_n_results (batch), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, i);

      g_assert_nonnull (debrief_run_get_analysis (run));
      if (previous != NULL)
        g_assert_cmpint (g_utf8_collate (previous, debrief_run_get_name (run)), <, 0);
      g_free (previous);
      previous = g_strdup (debrief_run_get_name (run));
    }
}

static void
test_workspace_reopen_in_place (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) folder = debrief_test_data_file ("runs", "healthy", NULL);
  g_autoptr(DebriefLoadBatch) first = open_one (workspace, folder);
  g_autoptr(DebriefRun) before = g_list_model_get_item (debrief_workspace_get_runs (workspace), 0);
  g_autoptr(DebriefLoadBatch) second = open_one (workspace, folder);
  g_autoptr(DebriefRun) after = g_list_model_get_item (debrief_workspace_get_runs (workspace), 0);

  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 1);
  g_assert_true (before != after);
  g_assert_nonnull (debrief_run_get_analysis (after));

  /* Reload: every open run read again, in place. */
  debrief_workspace_reload (workspace);
  g_assert_true (debrief_workspace_get_loading (workspace));
  wait_idle (workspace);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 1);
  g_assert_true (debrief_workspace_find_run (workspace, folder) != after);
}

static void
count_notify (guint *count)
{
  (*count)++;
}

static void
test_workspace_bad_folder (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("debrief-empty-XXXXXX", &error);
  g_autoptr(GFile) empty = g_file_new_for_path (tmp);
  g_autoptr(GFile) good = debrief_test_data_file ("runs", "healthy", NULL);
  g_autoptr(DebriefLoadBatch) batch = NULL;
  guint notified = 0;

  g_assert_no_error (error);
  g_signal_connect_swapped (workspace, "notify::error", G_CALLBACK (count_notify), &notified);

  batch = open_one (workspace, empty);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 0);
  /* The message names the folder, so the user knows which one failed. */
  g_assert_nonnull (debrief_workspace_get_error (workspace));
  g_assert_nonnull (strstr (debrief_workspace_get_error (workspace), tmp));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (debrief_load_batch_get_n_results (batch), ==, 1);
  g_assert_cmpuint (debrief_load_batch_get_n_failed (batch), ==, 1);
  g_assert_null (debrief_load_batch_get_run (batch, 0));
  g_assert_error (debrief_load_batch_get_error (batch, 0), DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN);
  g_clear_object (&batch);

  /* A good folder after a bad one: the old error goes. */
  batch = open_one (workspace, good);
  g_assert_null (debrief_workspace_get_error (workspace));
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 1);
  g_rmdir (tmp);
}

static void
test_workspace_close (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) parent = debrief_test_data_file ("runs", NULL);
  g_autoptr(DebriefLoadBatch) batch = open_one (workspace, parent);
  g_autoptr(DebriefRun) first = g_list_model_get_item (debrief_workspace_get_runs (workspace), 0);
  g_autoptr(GFile) folder = g_object_ref (debrief_run_get_folder (first));

  debrief_workspace_close_run (workspace, first);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 5);
  g_assert_null (debrief_workspace_find_run (workspace, folder));

  /* Closing a run whose analysis is still running leaves the workspace idle at once. */
  g_clear_object (&batch);
  batch = debrief_workspace_open (workspace, &folder, 1, DEBRIEF_OPEN_NONE);
  wait_idle (workspace);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 6);
  {
    g_autoptr(DebriefRun) run = g_object_ref (debrief_workspace_find_run (workspace, folder));

    g_assert_true (debrief_workspace_edit_config (workspace, run, 5, 0, 0, NULL, NULL));
    g_assert_true (debrief_workspace_get_busy (workspace));
    debrief_workspace_close_run (workspace, run);
    g_assert_false (debrief_workspace_get_busy (workspace));
  }

  debrief_workspace_close_all (workspace);
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 0);
  g_assert_false (debrief_workspace_get_busy (workspace));
  debrief_test_drain ();
}

static void
note_changed_run (gpointer         *run,
                  DebriefRun       *changed,
                  DebriefWorkspace *workspace)
{
  *run = changed;
}

static void
test_workspace_edit_config (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) folder = debrief_test_data_file ("runs", "overfit", NULL);
  g_autoptr(DebriefLoadBatch) batch = open_one (workspace, folder);
  g_autoptr(DebriefRun) run = g_list_model_get_item (debrief_workspace_get_runs (workspace), 0);
  g_autoptr(DebriefAnalysis) before = g_object_ref (debrief_run_get_analysis (run));
  g_autoptr(GError) error = NULL;
  gpointer changed = NULL;
  const DebriefCapacityResult *capacity;

  g_signal_connect_swapped (workspace, "config-changed", G_CALLBACK (note_changed_run), &changed);

  /* An unknown model changes nothing. */
  g_assert_false (debrief_workspace_edit_config (workspace, run, 8, 0, 0, "No-Such-Model-7B", &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "No-Such-Model-7B"));
  g_assert_null (changed);
  g_assert_true (debrief_run_get_analysis (run) == before);
  g_clear_error (&error);

  /* Two edits in a row: the second analysis is the one that counts. */
  g_assert_true (debrief_workspace_edit_config (workspace, run, 4, 0, 0, "Llama-3.1-8B", &error));
  g_assert_no_error (error);
  g_assert_true (changed == run);
  g_assert_true (debrief_workspace_edit_config (workspace, run, 16, 2000000, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (debrief_workspace_get_busy (workspace));
  wait_idle (workspace);

  g_assert_true (debrief_run_get_analysis (run) != before);
  capacity = debrief_analysis_get_capacity (debrief_run_get_analysis (run));
  g_assert_cmpint (capacity->rank, ==, 16);
  g_assert_cmpint (debrief_run_get_config (run)->lora_rank, ==, 16);
  g_assert_cmpint (debrief_run_get_config (run)->dataset_tokens, ==, 2000000);
  g_assert_cmpstr (debrief_run_get_config (run)->dataset_tokens_source, ==, "user");
  g_assert_cmpstr (debrief_run_get_config (run)->base_model, ==, "Llama-3.1-8B");
  g_assert_nonnull (strstr (debrief_run_get_config (run)->dims_source, "built-in table"));
  g_assert_cmpint (debrief_run_get_config (run)->dims.hidden_size, ==, 4096);
  g_assert_true (capacity->lora_params > 0);

  /* Read again, the values stay (they belong to the folder). */
  debrief_workspace_reload (workspace);
  wait_idle (workspace);
  g_clear_object (&run);
  run = g_object_ref (debrief_workspace_find_run (workspace, folder));
  g_assert_cmpint (debrief_run_get_config (run)->lora_rank, ==, 16);
  g_assert_cmpint (debrief_run_get_config (run)->dataset_tokens, ==, 2000000);
}

static gboolean
file_mentions (gpointer data)
{
  const char **what = data;
  g_autofree char *contents = NULL;

  return g_file_get_contents (what[0], &contents, NULL, NULL) && strstr (contents, what[1]) != NULL;
}

static DebriefWorkspace *
workspace_with_store (GFile *store)
{
  DebriefWorkspace *workspace = debrief_workspace_new ();

  debrief_workspace_set_state_file (workspace, store);
  return workspace;
}

/* An RL run's capacity counts episodes: the number the user gives is episodes,
 * at one bit each, and it is remembered as such. */
static void
test_workspace_edit_episodes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("debrief-state-XXXXXX", &error);
  g_autofree char *store_path = g_build_filename (tmp, "runs.ini", NULL);
  g_autoptr(GFile) store = g_file_new_for_path (store_path);
  g_autoptr(GFile) folder = debrief_test_data_file ("public", "grpo-unsloth-gemma3-1b-lora-gsm8k-250steps", NULL);
  const char *wait_for[] = { store_path, "episodes=4000", NULL };
  const DebriefCapacityResult *capacity;

  g_assert_no_error (error);
  {
    g_autoptr(DebriefWorkspace) workspace = workspace_with_store (store);
    g_autoptr(DebriefLoadBatch) batch = open_one (workspace, folder);
    DebriefRun *run = debrief_workspace_find_run (workspace, folder);

    g_assert_cmpint (debrief_run_get_method (run), ==, DEBRIEF_METHOD_RL);
    capacity = debrief_analysis_get_capacity (debrief_run_get_analysis (run));
    g_assert_true (capacity->per_episode);
    g_assert_cmpint (capacity->status, ==, DEBRIEF_CAPACITY_UNKNOWN);
    g_assert_nonnull (strstr (capacity->message, "episodes"));

    g_assert_true (debrief_workspace_edit_config (workspace, run, 0, 0, 4000, NULL, &error));
    g_assert_no_error (error);
    wait_idle (workspace);
    run = debrief_workspace_find_run (workspace, folder);
    capacity = debrief_analysis_get_capacity (debrief_run_get_analysis (run));
    g_assert_cmpint (capacity->status, ==, DEBRIEF_CAPACITY_OK);
    g_assert_true (capacity->per_episode);
    g_assert_cmpfloat (capacity->required_bits, ==, 4000.0);
    g_assert_cmpint (debrief_run_get_config (run)->rl_episodes, ==, 4000);
    g_assert_cmpstr (debrief_run_get_config (run)->rl_episodes_source, ==, "user");
    g_assert_cmpint (debrief_run_get_config (run)->dataset_tokens, <=, 0);
    debrief_test_wait_until (file_mentions, wait_for);
  }
  {
    /* Another session: the episodes come back. */
    g_autoptr(DebriefWorkspace) workspace = workspace_with_store (store);
    g_autoptr(DebriefLoadBatch) batch = open_one (workspace, folder);
    DebriefRun *run = debrief_workspace_find_run (workspace, folder);

    g_assert_cmpint (debrief_run_get_config (run)->rl_episodes, ==, 4000);
    g_assert_cmpfloat (debrief_analysis_get_capacity (debrief_run_get_analysis (run))->required_bits, ==, 4000.0);
  }
  g_assert_cmpint (g_remove (store_path), ==, 0);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

static void
test_workspace_remembers_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("debrief-state-XXXXXX", &error);
  g_autofree char *store_path = g_build_filename (tmp, "debrief", "runs.ini", NULL);
  g_autoptr(GFile) store = g_file_new_for_path (store_path);
  g_autoptr(GFile) folder = debrief_test_data_file ("runs", "overfit", NULL);
  g_autoptr(GFile) other = debrief_test_data_file ("runs", "healthy", NULL);
  const char *wait_for[] = { store_path, "dataset-tokens=123456", NULL };

  g_assert_no_error (error);
  {
    g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
    g_autoptr(DebriefLoadBatch) batch = NULL;
    g_autoptr(DebriefRun) run = NULL;

    debrief_workspace_set_state_file (workspace, store);
    batch = open_one (workspace, folder);
    run = g_list_model_get_item (debrief_workspace_get_runs (workspace), 0);
    g_assert_true (debrief_workspace_edit_config (workspace, run, 12, 123456, 0, NULL, &error));
    g_assert_no_error (error);
    wait_idle (workspace);
    /* Written in the background. */
    debrief_test_wait_until (file_mentions, wait_for);
  }
  {
    /* Another session (another window, tomorrow): the folder gets its values back. */
    g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
    g_autoptr(DebriefLoadBatch) batch = NULL;
    DebriefRun *run;

    debrief_workspace_set_state_file (workspace, store);
    g_clear_object (&batch);
    batch = open_one (workspace, folder);
    run = debrief_workspace_find_run (workspace, folder);
    g_assert_cmpint (debrief_run_get_config (run)->lora_rank, ==, 12);
    g_assert_cmpint (debrief_run_get_config (run)->dataset_tokens, ==, 123456);
    g_assert_cmpstr (debrief_run_get_config (run)->dataset_tokens_source, ==, "user");
    g_assert_cmpint (debrief_analysis_get_capacity (debrief_run_get_analysis (run))->rank, ==, 12);

    /* Only that folder. */
    g_clear_object (&batch);
    batch = open_one (workspace, other);
    g_assert_cmpint (debrief_run_get_config (debrief_workspace_find_run (workspace, other))->dataset_tokens, !=, 123456);
  }
  {
    /* Without a store nothing is remembered (debrief-cli). */
    g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
    g_autoptr(DebriefLoadBatch) batch = open_one (workspace, folder);

    g_assert_cmpint (debrief_run_get_config (debrief_workspace_find_run (workspace, folder))->dataset_tokens, !=, 123456);
  }
  debrief_test_remove_tree (tmp);
}

static void
test_workspace_open_sync (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_auto(DebriefRunOverrides) overrides = { 0 };
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_autoptr(GError) error = NULL;

  overrides.lora_rank = 7;
  overrides.dataset_tokens = 99999;
  overrides.dataset_tokens_source = g_strdup ("--tokens");
  debrief_workspace_set_overrides (workspace, &overrides);

  g_ptr_array_add (files, debrief_test_data_file ("runs", "overfit", NULL));
  g_ptr_array_add (files, debrief_test_data_file ("no-such-folder", NULL));
  g_ptr_array_add (files, debrief_test_data_file ("runs", "healthy", NULL));
  g_ptr_array_add (files, debrief_test_data_file ("runs", "overfit", NULL));
  batch = debrief_workspace_open_sync (workspace, (GFile **) files->pdata, files->len, DEBRIEF_OPEN_DISCOVER, NULL);

  /* In the order asked for; the same folder twice is read once. */
  g_assert_true (debrief_load_batch_get_finished (batch));
  g_assert_false (debrief_workspace_get_busy (workspace));
  g_assert_cmpuint (debrief_load_batch_get_n_results (batch), ==, 4);
  g_assert_cmpstr (debrief_run_get_name (debrief_load_batch_get_run (batch, 0)), ==, "overfit");
  g_assert_null (debrief_load_batch_get_run (batch, 1));
  g_assert_nonnull (debrief_load_batch_get_error (batch, 1));
  g_assert_cmpstr (debrief_run_get_name (debrief_load_batch_get_run (batch, 2)), ==, "healthy");
  g_assert_true (debrief_load_batch_get_run (batch, 3) == debrief_load_batch_get_run (batch, 0));
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 2);
  for (guint i = 0; i < 4; i++)
    {
      DebriefRun *run = debrief_load_batch_get_run (batch, i);

      if (run == NULL)
        continue;
      /* Analysed, with the flags applied before. */
      g_assert_nonnull (debrief_run_get_analysis (run));
      g_assert_cmpint (debrief_run_get_config (run)->lora_rank, ==, 7);
      g_assert_cmpstr (debrief_run_get_config (run)->dataset_tokens_source, ==, "--tokens");
      g_assert_cmpint (debrief_analysis_get_capacity (debrief_run_get_analysis (run))->rank, ==, 7);
    }
}

static void
test_workspace_bounded_pool (void)
{
  g_autoptr(GFile) parent = debrief_test_data_file ("analysis", NULL);
  g_autoptr(GPtrArray) found = debrief_discover_runs (parent, NULL, NULL);

  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, >, 10);
  {
    g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
    g_autoptr(DebriefLoadBatch) batch = NULL;

    /* Twenty-odd runs, one job at a time: each loaded and analysed all the same. */
    _debrief_workspace_set_max_jobs (workspace, 1);
    batch = open_one (workspace, parent);
    g_assert_cmpuint (_debrief_workspace_get_peak_jobs (workspace), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, found->len);
  }
  {
    g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
    g_autoptr(DebriefLoadBatch) batch = open_one (workspace, parent);

    /* The default pool: never a thread per run. */
    g_assert_cmpuint (_debrief_workspace_get_peak_jobs (workspace), <=, 8);
    g_assert_cmpuint (_debrief_workspace_get_peak_jobs (workspace), >=, 2);
    for (guint i = 0; i < found->len; i++)
      g_assert_nonnull (debrief_run_get_analysis (debrief_workspace_find_run (workspace, g_ptr_array_index (found, i))));
  }
}

typedef struct
{
  DebriefWorkspace *workspace;
  GFile *folder;
  DebriefRun *old;
} Replaced;

static gboolean
run_replaced (gpointer data)
{
  Replaced *r = data;
  DebriefRun *now = debrief_workspace_find_run (r->workspace, r->folder);

  return now != NULL && now != r->old && debrief_run_get_analysis (now) != NULL
         && !debrief_workspace_get_busy (r->workspace);
}

static void
test_workspace_watch_files (void)
{
  g_autofree char *dir = copy_run ("overfit");
  g_autofree char *metrics = g_build_filename (dir, "metrics.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  Replaced replaced;

  debrief_workspace_set_watch_files (workspace, TRUE);
  batch = open_one (workspace, folder);
  replaced.workspace = workspace;
  replaced.folder = folder;
  replaced.old = g_object_ref (debrief_workspace_find_run (workspace, folder));

  /* The trainer writes its log again: the run is read and analysed again, by itself. */
  g_assert_true (g_file_get_contents (metrics, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (metrics, contents, length, NULL));
  debrief_test_wait_until (run_replaced, &replaced);
  g_assert_null (debrief_workspace_get_error (workspace));
  g_assert_cmpuint (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)), ==, 1);
  g_object_unref (replaced.old);

  debrief_workspace_close_all (workspace);
  remove_copy (dir);
}

static gboolean
recent_has (gpointer data)
{
  DebriefWorkspace *workspace = data;

  return g_list_model_get_n_items (debrief_workspace_get_recent_runs (workspace)) == 1;
}

static void
test_workspace_recent_runs (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autofree char *existing = debrief_test_data_path ("runs", "healthy", NULL);
  g_autofree char *overfit = debrief_test_data_path ("runs", "overfit", NULL);
  const char *recent[] = { "/no/such/run/folder", existing, NULL };
  g_autoptr(GFile) folder = g_file_new_for_path (overfit);
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_auto(GStrv) after = NULL;
  g_autoptr(GFile) first = NULL;

  g_settings_set_strv (settings, "recent-runs", recent);
  debrief_workspace_set_settings (workspace, settings);
  /* Only folders that still exist are offered (checked off the main thread). */
  debrief_test_wait_until (recent_has, workspace);
  first = g_list_model_get_item (debrief_workspace_get_recent_runs (workspace), 0);
  g_assert_cmpstr (g_file_peek_path (first), ==, existing);

  batch = open_one (workspace, folder);
  after = g_settings_get_strv (settings, "recent-runs");
  g_assert_cmpstr (after[0], ==, overfit);
  g_assert_cmpstr (after[1], ==, "/no/such/run/folder");
  g_assert_cmpstr (after[2], ==, existing);
  g_settings_reset (settings, "recent-runs");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/workspace/open-folder", test_workspace_open_folder);
  g_test_add_func ("/workspace/open-parent", test_workspace_open_parent);
  g_test_add_func ("/workspace/reopen-in-place", test_workspace_reopen_in_place);
  g_test_add_func ("/workspace/bad-folder", test_workspace_bad_folder);
  g_test_add_func ("/workspace/close", test_workspace_close);
  g_test_add_func ("/workspace/edit-config", test_workspace_edit_config);
  g_test_add_func ("/workspace/remembers-config", test_workspace_remembers_config);
  g_test_add_func ("/workspace/edit-episodes", test_workspace_edit_episodes);
  g_test_add_func ("/workspace/open-sync", test_workspace_open_sync);
  g_test_add_func ("/workspace/bounded-pool", test_workspace_bounded_pool);
  g_test_add_func ("/workspace/watch-files", test_workspace_watch_files);
  g_test_add_func ("/workspace/recent-runs", test_workspace_recent_runs);

  return g_test_run ();
}
