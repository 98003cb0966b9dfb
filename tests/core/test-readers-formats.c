/* test-readers-formats.c: every format's fixtures, the quirks of real logs, the bad-input corpus
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-core.h"
#include "debrief-reader-jsonl-private.h"
#include "debrief-reader-seed-private.h"
#include "debrief-test-core-utils.h"

static char *
data_path (const char *sub)
{
  return debrief_test_data_path (sub, NULL);
}

static DebriefRun *
load (const char *sub)
{
  return debrief_test_load_run (sub, NULL);
}

/* The load fails; returns the message. */
static char *
load_error (const char *sub,
            int         code)
{
  g_autofree char *path = data_path (sub);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = debrief_run_load (folder, NULL, &error);

  g_assert_null (run);
  g_assert_error (error, DEBRIEF_ERROR, code);
  return g_strdup (error->message);
}

static gboolean
has_warning (DebriefRun *run,
             const char *prefix,
             const char *fragment)
{
  const char *const *warnings = debrief_run_get_warnings (run);

  for (guint i = 0; warnings[i]; i++)
    if (g_str_has_prefix (warnings[i], prefix) && strstr (warnings[i], fragment) != NULL)
      return TRUE;
  return FALSE;
}

static guint
n_warnings (DebriefRun *run)
{
  return g_strv_length ((char **) debrief_run_get_warnings (run));
}

/* ---- seed ---- */

static void
test_seed_ugly (void)
{
  g_autoptr(DebriefRun) run = load ("formats/seed/ugly");
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);
  DebriefRunConfig *config = debrief_run_get_config (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, "seed");
  /* 10 losses, one null: steps 1..10 without 4; NaN and ±Infinity kept as data. */
  g_assert_cmpuint (debrief_series_get_length (train), ==, 9);
  g_assert_cmpint (debrief_series_get_first_step (train), ==, 1);
  g_assert_cmpint (debrief_series_get_last_step (train), ==, 10);
  g_assert_cmpint (debrief_series_get_step (train, 3), ==, 5);
  g_assert_true (isnan (debrief_series_get_value (train, 3)));
  g_assert_cmpuint (debrief_series_get_n_nonfinite (train), ==, 3);
  g_assert_cmpfloat (debrief_series_get_value (train, 2), ==, 2.0);  /* "2.0" */
  g_assert_true (has_warning (run, "metrics.json:2: ", "step 4 is null"));
  /* eval_every 2 and 6 evaluations for 10 steps: 0, 2, ..., 10. */
  g_assert_cmpuint (debrief_series_get_length (val), ==, 6);
  g_assert_cmpint (debrief_series_get_step (val, 0), ==, 0);
  g_assert_cmpint (debrief_series_get_step (val, 5), ==, 10);
  g_assert_cmpint (config->lora_rank, ==, 32);  /* "32" */
  g_assert_cmpint (config->use_rslora, ==, DEBRIEF_TRISTATE_YES);
  g_assert_cmpint (config->train_mlp, ==, DEBRIEF_TRISTATE_YES);
  g_assert_cmpint (config->train_unembed, ==, DEBRIEF_TRISTATE_NO);
  g_assert_cmpint (config->dataset_tokens, ==, 1200000);
  g_assert_cmpint (config->dims.hidden_size, ==, 3584);
  g_assert_cmpstr (config->dims_source, ==, "built-in table: Qwen2.5-7B");
  g_assert_nonnull (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_LEARNING_RATE));
}

static void
test_seed_val_spread (void)
{
  g_autoptr(DebriefRun) run = load ("formats/seed/val-spread");
  DebriefSeries *val = debrief_run_get_val_loss (run);
  DebriefRunConfig *config = debrief_run_get_config (run);

  /* No val_steps, no eval_every: 4 evaluations spread over 12 steps. */
  g_assert_cmpint (debrief_series_get_step (val, 0), ==, 3);
  g_assert_cmpint (debrief_series_get_step (val, 1), ==, 6);
  g_assert_cmpint (debrief_series_get_step (val, 3), ==, 12);
  /* The config.json beside metrics.json. */
  g_assert_cmpint (config->lora_rank, ==, 8);
  g_assert_cmpint (config->train_mlp, ==, DEBRIEF_TRISTATE_NO);
  g_assert_cmpint (config->dims.num_layers, ==, 16);
}

static void
test_seed_truncated (void)
{
  g_autoptr(DebriefRun) run = load ("formats/seed/truncated");

  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 10);
  g_assert_true (has_warning (run, "metrics.json:2: ", "ends early"));
}

static void
test_seed_single_point (void)
{
  g_autoptr(DebriefRun) run = load ("formats/seed/single-point");
  DebriefSeries *train = debrief_run_get_train_loss (run);

  g_assert_cmpuint (debrief_series_get_length (train), ==, 1);
  g_assert_cmpint (debrief_series_get_step (train, 0), ==, 1);
  g_assert_null (debrief_run_get_val_loss (run));
  g_assert_cmpuint (n_warnings (run), ==, 0);
}

static void
test_seed_tokens_per_step (void)
{
  g_autoptr(DebriefRun) run = load ("formats/seed/tokens-per-step");
  DebriefRunConfig *config = debrief_run_get_config (run);

  /* 6 steps over 2 epochs: 3 steps of 2048 tokens per epoch. */
  g_assert_cmpint (config->dataset_tokens, ==, 3 * 2048);
  g_assert_nonnull (strstr (config->dataset_tokens_source, "tokens_per_step"));
  g_assert_cmpint (debrief_series_get_step (debrief_run_get_val_loss (run), 1), ==, 6);
}

static void
test_seed_memory_entry_point (void)
{
  const char *text = "{\"val_losses\": [2.0, 1.5], \"train_losses\": [3, 2, 1, 0.5]}";
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent");
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(GError) error = NULL;
  DebriefReadContext ctx;

  g_assert_true (debrief_reader_seed_detect (text, strlen (text)));
  debrief_read_context_init (&ctx, run, "mem.json", "mem.json");
  g_assert_true (debrief_reader_seed_parse (&ctx, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_cmpint (debrief_series_get_step (debrief_run_get_val_loss (run), 1), ==, 4);
}

/* ---- hf_trainer ---- */

static void
test_hf_checkpoints_only (void)
{
  g_autoptr(DebriefRun) run = load ("formats/hf_trainer/checkpoints-only");
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefRunConfig *config = debrief_run_get_config (run);
  const DebriefCheckpoint *best = debrief_run_get_best_checkpoint (run);

  /* No root trainer_state.json: the newest checkpoint's. */
  g_assert_true (g_strv_contains (debrief_run_get_source_files (run), "checkpoint-20/trainer_state.json"));
  g_assert_cmpuint (debrief_series_get_length (train), ==, 20);
  g_assert_cmpuint (debrief_series_get_n_nonfinite (train), ==, 1);  /* bare NaN */
  g_assert_cmpstr (best->name, ==, "checkpoint-10");  /* best_model_checkpoint, matched by name */
  g_assert_cmpfloat_with_epsilon (best->val_loss, 1.8, 1e-12);
  g_assert_true (debrief_run_get_checkpoint (run, 1)->is_final);
  /* TRL keys kept under their names. */
  g_assert_nonnull (debrief_run_get_series_by_name (run, "mean_token_accuracy"));
  g_assert_nonnull (debrief_run_get_series_by_name (run, "entropy"));
  g_assert_null (debrief_run_get_series_by_name (run, "eval_runtime"));
  /* Adapter only in the checkpoint; dimensions from the table. */
  g_assert_cmpint (config->lora_rank, ==, 8);
  g_assert_cmpint (config->use_dora, ==, DEBRIEF_TRISTATE_YES);
  g_assert_cmpint (config->train_unembed, ==, DEBRIEF_TRISTATE_YES);
  g_assert_cmpstr (config->dims_source, ==, "built-in table: Llama-3.2-1B");
  g_assert_cmpint (config->dims.head_dim, ==, 64);
  /* TRL's running num_tokens at the end of epoch 1. */
  g_assert_cmpint (config->dataset_tokens, ==, 20 * 4096);
}

static void
test_hf_text_config (void)
{
  g_autoptr(DebriefRun) run = load ("formats/hf_trainer/text-config");
  DebriefRunConfig *config = debrief_run_get_config (run);

  g_assert_cmpint (config->dims.hidden_size, ==, 2560);
  g_assert_cmpint (config->dims.num_layers, ==, 34);
  g_assert_cmpint (config->dims.head_dim, ==, 256);
  g_assert_cmpstr (config->dims_source, ==, "config.json");
  g_assert_cmpint (config->dataset_tokens, ==, 98304 / 2);
  g_assert_cmpint (config->steps_per_epoch, ==, 3);
  g_assert_nonnull (strstr (config->dataset_tokens_source, "num_input_tokens_seen"));
  /* The final summary entry (train_loss, mean over the run) is not a point. */
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 6);
  g_assert_null (debrief_run_get_series_by_name (run, "train_runtime"));
  g_assert_cmpint (config->train_mlp, ==, DEBRIEF_TRISTATE_YES);  /* all-linear */
}

static void
test_llamafactory_loaded_once (void)
{
  g_autoptr(DebriefRun) run = load ("formats/llamafactory/basic");
  GPtrArray *series = debrief_run_get_series (run);
  guint n_train = 0;

  g_assert_cmpstr (debrief_run_get_format (run), ==, "llamafactory");
  for (guint i = 0; i < series->len; i++)
    n_train += debrief_series_get_kind (g_ptr_array_index (series, i)) == DEBRIEF_SERIES_TRAIN_LOSS;
  g_assert_cmpuint (n_train, ==, 1);
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 10);
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_val_loss (run)), ==, 2);
  g_assert_cmpint (debrief_run_get_config (run)->dims.hidden_size, ==, 4096);
}

static void
test_llamafactory_log_alone (void)
{
  /* trainer_log.jsonl by itself, through the memory entry point. */
  g_autofree char *path = data_path ("formats/llamafactory/basic/trainer_log.jsonl");
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent");
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(GError) error = NULL;
  DebriefJsonlOptions options = { debrief_key_map_llamafactory, "current_steps" };
  DebriefReadContext ctx;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  debrief_read_context_init (&ctx, run, path, "trainer_log.jsonl");
  g_assert_true (debrief_reader_jsonl_parse (&ctx, text, length, &options, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 10);
  g_assert_cmpstr (debrief_series_get_source_key (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_LEARNING_RATE)),
                   ==, "lr");
  g_assert_null (debrief_run_get_series_by_name (run, "total_steps"));
}

/* ---- tinker ---- */

static void
test_tinker_resumed (void)
{
  g_autoptr(DebriefRun) run = load ("formats/tinker/resumed");
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);
  DebriefRunConfig *config = debrief_run_get_config (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, "tinker");
  /* Steps 0..11 once each; the resumed values (written last) win. */
  g_assert_cmpuint (debrief_series_get_length (train), ==, 12);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (train, 6), 1.9 - 0.06, 1e-12);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (train, 5), 2.4 - 0.5, 1e-12);
  g_assert_true (has_warning (run, "sl_metrics.jsonl:11: ", "comes after step 9"));
  g_assert_true (has_warning (run, "sl_metrics.jsonl:17: ", "is null"));
  g_assert_true (has_warning (run, "sl_metrics.jsonl:18: ", "incomplete"));
  g_assert_cmpint (debrief_series_get_last_step (val), ==, 9);
  /* <name>_checkpoints.jsonl, val loss of the eval at that step. */
  g_assert_cmpuint (debrief_run_get_n_checkpoints (run), ==, 3);
  g_assert_cmpfloat_with_epsilon (debrief_run_get_checkpoint (run, 0)->val_loss, 2.0 - 0.06, 1e-12);
  g_assert_cmpstr (debrief_run_get_best_checkpoint (run)->name, ==, "000009");
  /* The epoch column turns 1 at step 6. */
  g_assert_cmpint (config->steps_per_epoch, ==, 6);
  /* Tokens over the first epoch (steps 0..5). */
  g_assert_cmpint (config->dataset_tokens, ==, 6000);
  g_assert_cmpint (config->dims.hidden_size, ==, 4096);
  g_assert_cmpstr (config->dims_source, ==, "built-in table: Qwen3-8B");
  g_assert_cmpint (g_strv_length (config->target_modules), ==, 7);
}

static void
test_tinker_checkpoints_from_metrics (void)
{
  g_autoptr(DebriefRun) run = load ("formats/tinker/no-checkpoints-file");
  const DebriefCheckpoint *checkpoint;

  g_assert_cmpuint (debrief_run_get_n_checkpoints (run), ==, 1);
  checkpoint = debrief_run_get_checkpoint (run, 0);
  g_assert_cmpstr (checkpoint->name, ==, "000002");
  g_assert_cmpint (checkpoint->step, ==, 2);
  g_assert_cmpstr (checkpoint->sampler_path, ==, "tinker://run-7:train:0/sampler_weights/000002");
  g_assert_cmpfloat (checkpoint->val_loss, ==, 2.1);
  g_assert_cmpint (debrief_run_get_config (run)->dataset_tokens, ==, 4 * 512);
  g_assert_cmpstr (debrief_run_get_config (run)->dims_source, ==, "built-in table: Llama-3.1-8B");
}

/* ---- CSV ---- */

static void
test_lightning_resumed (void)
{
  g_autoptr(DebriefRun) run = load ("formats/lightning_csv/resumed");
  DebriefSeries *train = debrief_run_get_train_loss (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, "lightning_csv");
  g_assert_cmpstr (debrief_series_get_source_key (train), ==, "train_loss_step");
  g_assert_cmpuint (debrief_series_get_length (train), ==, 6);
  g_assert_true (isnan (debrief_series_get_last_value (train)));
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_val_loss (run)), ==, 2);
  g_assert_cmpstr (debrief_series_get_source_key (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_LEARNING_RATE)),
                   ==, "lr-AdamW");
  g_assert_nonnull (debrief_run_get_series_by_name (run, "train_loss_epoch"));
  g_assert_true (has_warning (run, "metrics.csv:7: ", "header repeats"));
}

static void
test_generic_csv (void)
{
  g_autoptr(DebriefRun) run = load ("formats/generic/history-csv");

  g_assert_cmpstr (debrief_run_get_format (run), ==, "generic");
  g_assert_cmpstr (debrief_run_get_source_files (run)[0], ==, "history.csv");
  g_assert_cmpfloat (debrief_series_get_last_value (debrief_run_get_train_loss (run)), ==, 2.3);  /* "2.3", CRLF */
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_val_loss (run)), ==, 1);
}

/* ---- generic JSON lines ---- */

static void
test_generic_jsonl (void)
{
  g_autoptr(DebriefRun) run = load ("formats/generic/script-jsonl");
  DebriefSeries *train = debrief_run_get_train_loss (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, "generic");
  g_assert_cmpstr (debrief_series_get_source_key (train), ==, "train/loss");
  g_assert_cmpuint (debrief_series_get_length (train), ==, 4);
  g_assert_cmpfloat (debrief_series_get_value (train, 0), ==, 2.31);
  g_assert_cmpstr (debrief_series_get_source_key (debrief_run_get_val_loss (run)), ==, "eval/loss");
  g_assert_cmpuint (n_warnings (run), ==, 0);
}

static void
test_rl_no_loss (void)
{
  g_autoptr(DebriefRun) run = load ("formats/generic/rl-no-loss");

  g_assert_null (debrief_run_get_train_loss (run));
  g_assert_nonnull (debrief_run_get_series_by_name (run, "reward/mean"));
  g_assert_true (has_warning (run, "metrics.jsonl: ", "no loss was logged"));
}

/* ---- TensorBoard ---- */

static void
test_tensorboard_hf_style (void)
{
  g_autoptr(DebriefRun) run = load ("formats/tensorboard/hf-style");
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, "tensorboard");
  /* 20 steps, record of step 7 fails its CRC. */
  g_assert_cmpuint (debrief_series_get_length (train), ==, 19);
  g_assert_cmpuint (debrief_series_lower_bound (train, 7), ==, 6);
  g_assert_cmpint (debrief_series_get_step (train, 6), ==, 8);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (train, 0), 2.95, 1e-6);
  /* eval/loss written as a TF2 tensor. */
  g_assert_cmpuint (debrief_series_get_length (val), ==, 4);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (val, 0), 2.7, 1e-6);
  g_assert_true (has_warning (run, "runs/", "data checksum does not match"));
  g_assert_true (has_warning (run, "runs/", "incomplete"));
}

static void
test_tensorboard_keras (void)
{
  g_autoptr(DebriefRun) run = load ("formats/tensorboard/keras");

  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 5);
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_val_loss (run)), ==, 5);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (debrief_run_get_val_loss (run), 0), 2.2, 1e-6);
}

/* ---- discovery and async ---- */

static void
test_discover_formats_tree (void)
{
  g_autofree char *path = data_path ("formats");
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = debrief_discover_runs (folder, NULL, &error);

  g_assert_no_error (error);
  /* Every fixture folder two levels down (formats/<format>/<case>). */
  g_assert_cmpuint (runs->len, ==, 16);
  for (guint i = 1; i < runs->len; i++)
    {
      g_autofree char *a = g_file_get_path (g_ptr_array_index (runs, i - 1));
      g_autofree char *b = g_file_get_path (g_ptr_array_index (runs, i));
      g_assert_cmpint (strcmp (a, b), <, 0);
    }
}

static void
test_discover_nothing (void)
{
  g_autofree char *path = data_path ("formats/seed/ugly/metrics.json");
  g_autofree char *bad = data_path ("bad/symlink-loop/checkpoint-30");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) loop = g_file_new_for_path (bad);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = debrief_discover_runs (file, NULL, &error);

  g_assert_null (runs);
  g_assert_nonnull (error);
  g_assert_false (debrief_folder_is_run (file));
  g_assert_false (debrief_folder_is_run (loop));
}

typedef struct
{
  GMainLoop *loop;
  DebriefRun *run;
  GError *error;
  double last_fraction;
  guint n_progress;
  gboolean notified;
} AsyncData;

static void
on_progress (double   fraction,
             gpointer user_data)
{
  AsyncData *data = user_data;

  g_assert_true (fraction >= data->last_fraction);
  g_assert_true (fraction <= 1.0);
  data->last_fraction = fraction;
  data->n_progress++;
}

static void
on_progress_done (gpointer user_data)
{
  ((AsyncData *) user_data)->notified = TRUE;
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncData *data = user_data;

  data->run = debrief_run_load_finish (result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
test_load_async (void)
{
  g_autofree char *path = data_path ("runs/attention_only");
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  AsyncData data = { 0 };

  data.loop = g_main_loop_new (NULL, FALSE);
  debrief_run_load_async (folder, on_progress, &data, on_progress_done, NULL, on_loaded, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_nonnull (data.run);
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (data.run)), ==, 500);
  g_assert_cmpuint (data.n_progress, >, 0);
  g_assert_cmpfloat (data.last_fraction, ==, 1.0);
  /* The task data (and with it the notify) goes with the task, once the
   * worker thread has dropped its reference too. */
  g_clear_object (&data.run);
  for (int i = 0; i < 500 && !data.notified; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (!data.notified)
        g_usleep (10000);
    }
  g_assert_true (data.notified);
  g_clear_object (&data.run);
  g_main_loop_unref (data.loop);
}

static void
test_load_cancelled (void)
{
  g_autofree char *path = data_path ("runs/attention_only");
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncData data = { 0 };

  data.loop = g_main_loop_new (NULL, FALSE);
  g_cancellable_cancel (cancellable);
  debrief_run_load_async (folder, NULL, NULL, NULL, cancellable, on_loaded, &data);
  g_main_loop_run (data.loop);
  g_assert_null (data.run);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&data.error);
  g_main_loop_unref (data.loop);
}

/* ---- bad inputs: an error naming the file (and line), or warnings; never a crash ---- */

typedef struct
{
  const char *folder;
  int code;            /* -1: loads, with a warning containing @fragment */
  const char *fragment;
} BadCase;

static const BadCase bad_cases[] = {
  { "bad/empty", DEBRIEF_ERROR_PARSE, "bad/empty/metrics.json: the file is empty" },
  { "bad/binary", DEBRIEF_ERROR_PARSE, "bad/binary/metrics.jsonl:1: expected an object" },
  { "bad/wrong-types", DEBRIEF_ERROR_NO_DATA, "bad/wrong-types/metrics.json: expected numbers" },
  { "bad/deep-nesting", DEBRIEF_ERROR_PARSE, "bad/deep-nesting/metrics.json:1: nesting deeper" },
  { "bad/deep-nesting-jsonl", DEBRIEF_ERROR_PARSE, "bad/deep-nesting-jsonl/metrics.jsonl:1: nesting deeper" },
  { "bad/folder-as-file", DEBRIEF_ERROR_FAILED, "bad/folder-as-file/metrics.json: cannot read: expected a file" },
  { "bad/dangling-symlink", DEBRIEF_ERROR_FAILED, "bad/dangling-symlink/metrics.json: a symbolic link" },
  { "bad/csv-no-step", DEBRIEF_ERROR_PARSE, "bad/csv-no-step/metrics.csv:1: expected a header with a step" },
  { "bad/tfevents-garbage", DEBRIEF_ERROR_PARSE, "events.out.tfevents.123.host: expected a TensorBoard event file" },
  { "bad/only-blank-lines", DEBRIEF_ERROR_PARSE, "bad/only-blank-lines/metrics.jsonl: the file holds only blank" },
  { "bad/huge-numbers", -1, "metrics.jsonl:1: the step is not a whole number" },
  { "bad/jsonl-mid-garbage", -1, "metrics.jsonl:3: line skipped: expected an object" },
  { "bad/non-utf8", -1, NULL },
  { "bad/truncated-state", -1, "trainer_state.json:119: the file ends early" },
  { "bad/symlink-loop", -1, "checkpoint-30: a symbolic link that loops" },
};

static void
test_bad_case (gconstpointer user_data)
{
  const BadCase *bad = user_data;

  if (bad->code >= 0)
    {
      g_autofree char *message = load_error (bad->folder, bad->code);
      g_test_message ("%s", message);
      g_assert_nonnull (strstr (message, bad->fragment));
    }
  else
    {
      g_autoptr(DebriefRun) run = load (bad->folder);
      g_assert_nonnull (debrief_run_get_train_loss (run));
      if (bad->fragment)
        g_assert_true (has_warning (run, "", bad->fragment));
    }
}

static void
test_bad_details (void)
{
  g_autoptr(DebriefRun) huge = load ("bad/huge-numbers");
  g_autoptr(DebriefRun) garbage = load ("bad/jsonl-mid-garbage");
  g_autoptr(DebriefRun) utf8 = load ("bad/non-utf8");
  g_autoptr(DebriefRun) loop = load ("bad/symlink-loop");
  DebriefSeries *train = debrief_run_get_train_loss (huge);
  GPtrArray *series = debrief_run_get_series (utf8);

  /* 1e999999 is +Infinity: data, not an error. */
  g_assert_cmpuint (debrief_series_get_length (train), ==, 4);
  g_assert_true (isinf (debrief_series_get_value (train, 0)));
  g_assert_true (isinf (debrief_series_get_value (train, 1)) && debrief_series_get_value (train, 1) < 0);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (train, 2), 0.1111111111111111, 1e-15);
  g_assert_true (isinf (debrief_series_get_value (train, 3)));  /* 1 followed by 400 zeros */
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (garbage)), ==, 4);
  for (guint i = 0; i < series->len; i++)
    g_assert_true (g_utf8_validate (debrief_series_get_name (g_ptr_array_index (series, i)), -1, NULL));
  g_assert_cmpuint (debrief_run_get_n_checkpoints (loop), ==, 0);
  g_assert_true (has_warning (loop, "checkpoint-40: ", "outside the run folder"));
}

static void
test_warning_cap (void)
{
  /* A bad value on every line: a bounded list of warnings plus a count. */
  GString *text = g_string_new (NULL);
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent");
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(GError) error = NULL;
  DebriefReadContext ctx;

  for (int i = 0; i < 1000; i++)
    g_string_append_printf (text, "{\"step\": %d, \"loss\": %s}\n", i, i % 2 ? "1.0" : "[oops");
  debrief_read_context_init (&ctx, run, "/x/log.jsonl", "log.jsonl");
  g_assert_true (debrief_reader_jsonl_parse (&ctx, text->str, text->len, NULL, &error));
  debrief_read_context_finish (&ctx);
  g_assert_no_error (error);
  g_assert_cmpuint (n_warnings (run), <=, 21);
  g_assert_true (has_warning (run, "log.jsonl: ", "more warnings"));
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (run)), ==, 500);
  g_string_free (text, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/readers/seed/ugly", test_seed_ugly);
  g_test_add_func ("/readers/seed/val-spread", test_seed_val_spread);
  g_test_add_func ("/readers/seed/truncated", test_seed_truncated);
  g_test_add_func ("/readers/seed/single-point", test_seed_single_point);
  g_test_add_func ("/readers/seed/memory", test_seed_memory_entry_point);
  g_test_add_func ("/readers/seed/tokens-per-step", test_seed_tokens_per_step);
  g_test_add_func ("/readers/hf/checkpoints-only", test_hf_checkpoints_only);
  g_test_add_func ("/readers/hf/text-config", test_hf_text_config);
  g_test_add_func ("/readers/llamafactory/loaded-once", test_llamafactory_loaded_once);
  g_test_add_func ("/readers/llamafactory/log-alone", test_llamafactory_log_alone);
  g_test_add_func ("/readers/tinker/resumed", test_tinker_resumed);
  g_test_add_func ("/readers/tinker/checkpoints-from-metrics", test_tinker_checkpoints_from_metrics);
  g_test_add_func ("/readers/csv/lightning-resumed", test_lightning_resumed);
  g_test_add_func ("/readers/csv/generic", test_generic_csv);
  g_test_add_func ("/readers/jsonl/generic", test_generic_jsonl);
  g_test_add_func ("/readers/jsonl/rl-no-loss", test_rl_no_loss);
  g_test_add_func ("/readers/tensorboard/hf-style", test_tensorboard_hf_style);
  g_test_add_func ("/readers/tensorboard/keras", test_tensorboard_keras);
  g_test_add_func ("/readers/discover/formats-tree", test_discover_formats_tree);
  g_test_add_func ("/readers/discover/nothing", test_discover_nothing);
  g_test_add_func ("/readers/async/load", test_load_async);
  g_test_add_func ("/readers/async/cancelled", test_load_cancelled);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/readers/%s", bad_cases[i].folder);
      g_test_add_data_func (name, &bad_cases[i], test_bad_case);
    }
  g_test_add_func ("/readers/bad/details", test_bad_details);
  g_test_add_func ("/readers/bad/warning-cap", test_warning_cap);

  return g_test_run ();
}
