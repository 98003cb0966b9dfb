/* debrief-reader-tinker.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-reader-jsonl-private.h"
#include "debrief-reader-tinker-private.h"
#include "debrief-run-progress.h"

static void checkpoints_from_metrics (DebriefRun      *run,
                                      const GPtrArray *records);

static gboolean
parse_metrics (DebriefReadContext *ctx,
               const char         *data,
               gsize               length,
               GArray             *path_lines,
               GError            **error)
{
  DebriefJsonlOptions options = { debrief_key_map_tinker, "step", path_lines };

  return debrief_reader_jsonl_parse (ctx, data, length, &options, error);
}

gboolean
debrief_reader_tinker_parse_metrics (DebriefReadContext *ctx,
                                     const char         *data,
                                     gsize               length,
                                     GError            **error)
{
  g_autoptr(GArray) path_lines = g_array_new (FALSE, FALSE, sizeof (DebriefJsonlLine));
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_json_node_free);

  if (!parse_metrics (ctx, data, length, path_lines, error))
    return FALSE;
  for (guint i = 0; i < path_lines->len; i++)
    {
      const DebriefJsonlLine *where = &g_array_index (path_lines, DebriefJsonlLine, i);
      DebriefJsonNode *node = debrief_json_parse (data + where->offset, where->length, NULL, NULL);
      if (node != NULL)
        g_ptr_array_add (records, node);
    }
  checkpoints_from_metrics (ctx->run, records);
  return TRUE;
}

typedef struct
{
  DebriefReadContext *ctx;
  DebriefSeries *val;
} CheckpointsData;

static void
add_checkpoint (DebriefJsonNode *object,
                guint            line,
                gpointer         user_data)
{
  CheckpointsData *data = user_data;
  DebriefCheckpoint checkpoint = { 0 };
  const char *name = debrief_json_node_get_string (object, "name");

  checkpoint.step = -1;
  checkpoint.val_loss = NAN;
  if (!debrief_json_node_get_int (object, "batch", &checkpoint.step) &&
      !debrief_json_node_get_int (object, "step", &checkpoint.step))
    checkpoint.step = -1;
  /* Paths are kept as written (tinker://...): data, never opened. */
  checkpoint.path = (char *) debrief_json_node_get_string (object, "state_path");
  checkpoint.sampler_path = (char *) debrief_json_node_get_string (object, "sampler_path");
  checkpoint.is_final = debrief_json_node_get_bool (object, "final") == 1 || g_strcmp0 (name, "final") == 0;
  checkpoint.name = (char *) name;
  if (name == NULL && checkpoint.path == NULL && checkpoint.sampler_path == NULL)
    {
      debrief_read_warn (data->ctx, line, _("expected “name”, “state_path” or “sampler_path”; line skipped"));
      return;
    }
  if (data->val != NULL && checkpoint.step >= 0)
    {
      gsize j = debrief_series_lower_bound (data->val, checkpoint.step);
      if (j < debrief_series_get_length (data->val) && debrief_series_get_step (data->val, j) == checkpoint.step)
        checkpoint.val_loss = debrief_series_get_value (data->val, j);
    }
  debrief_run_add_checkpoint (data->ctx->run, &checkpoint);
}

gboolean
debrief_reader_tinker_parse_checkpoints (DebriefReadContext *ctx,
                                         const char         *data,
                                         gsize               length,
                                         GError            **error)
{
  CheckpointsData cd = { ctx, debrief_run_get_val_loss (ctx->run) };

  return debrief_reader_jsonl_foreach_object (ctx, data, length, add_checkpoint, &cd, error);
}

void
debrief_reader_tinker_fill_dataset_tokens (DebriefRun *run,
                                           const char *source)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  DebriefSeries *tokens = debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_TOKENS);
  DebriefSeries *epoch = debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_EPOCH);
  const gint64 *steps, *epoch_steps = NULL;
  const double *values, *epoch_values = NULL;
  double first_epoch = NAN;
  double sum = 0;
  gsize n, n_first = 0, n_epoch = 0;
  gboolean whole_run = FALSE;

  if (config->dataset_tokens > 0 || tokens == NULL || debrief_series_get_length (tokens) == 0)
    return;
  n = debrief_series_get_length (tokens);
  steps = debrief_series_get_steps (tokens);
  values = debrief_series_get_values (tokens);
  if (epoch != NULL && debrief_series_get_length (epoch) > 0)
    {
      first_epoch = debrief_series_get_value (epoch, 0);
      n_epoch = debrief_series_get_length (epoch);
      epoch_steps = debrief_series_get_steps (epoch);
      epoch_values = debrief_series_get_values (epoch);
    }
  for (gsize i = 0, j = 0; i < n; i++)
    {
      double v = values[i];

      if (!isfinite (v) || v < 0)
        continue;
      if (isfinite (first_epoch))
        {
          /* Both series are sorted by step: the epoch at or after this step by walking along. */
          while (j < n_epoch && epoch_steps[j] < steps[i])
            j++;
          if (j < n_epoch && epoch_steps[j] == steps[i] && epoch_values[j] != first_epoch)
            break;
        }
      sum += v;
      n_first++;
    }
  /* Without an epoch column, a multi-epoch run's sum covers every epoch. */
  whole_run = n_first == n && !isfinite (first_epoch);
  /* A run shorter than one epoch has not seen the whole dataset: the sum is a lower bound. */
  if (whole_run && isfinite (config->num_epochs) && config->num_epochs > 1)
    sum /= config->num_epochs;
  if (sum >= 1)
    {
      config->dataset_tokens = (gint64) llround (sum);
      g_free (config->dataset_tokens_source);
      if (whole_run && isfinite (config->num_epochs) && config->num_epochs > 1)
        config->dataset_tokens_source = g_strdup_printf (_("%s: sum of num_tokens ÷ %g epochs"),
                                                         source, config->num_epochs);
      else
        config->dataset_tokens_source = g_strdup_printf (_("%s: sum of num_tokens over the first epoch"),
                                                         source);
    }
}

/* Without checkpoints.jsonl, the metrics lines of checkpoint steps still carry
 * state_path / sampler_path: the JSON-lines reader noted which lines. */
static void
checkpoints_from_metrics (DebriefRun      *run,
                          const GPtrArray *records)
{
  DebriefSeries *val = debrief_run_get_val_loss (run);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      DebriefJsonNode *node = g_ptr_array_index (records, i);
      DebriefCheckpoint checkpoint = { 0 };
      g_autofree char *name = NULL;
      const char *path;

      if (node->type != DEBRIEF_JSON_OBJECT)
        continue;
      checkpoint.path = (char *) debrief_json_node_get_string (node, "state_path");
      checkpoint.sampler_path = (char *) debrief_json_node_get_string (node, "sampler_path");
      path = checkpoint.sampler_path ? checkpoint.sampler_path : checkpoint.path;
      if (path == NULL || !debrief_json_node_get_int (node, "step", &checkpoint.step))
        continue;
      name = g_path_get_basename (path);
      checkpoint.name = name;
      checkpoint.is_final = strcmp (name, "final") == 0;
      checkpoint.val_loss = NAN;
      if (val != NULL)
        {
          gsize j = debrief_series_lower_bound (val, checkpoint.step);
          if (j < debrief_series_get_length (val) && debrief_series_get_step (val, j) == checkpoint.step)
            checkpoint.val_loss = debrief_series_get_value (val, j);
        }
      debrief_run_add_checkpoint (run, &checkpoint);
    }
}

static char *
checkpoints_name_for (const char *metrics_rel)
{
  /* Recipes write <name>_metrics.jsonl, scripts also <name>-metrics.jsonl. */
  if (g_str_has_suffix (metrics_rel, "_metrics.jsonl") || g_str_has_suffix (metrics_rel, "-metrics.jsonl"))
    {
      g_autofree char *stem = g_strndup (metrics_rel, strlen (metrics_rel) - strlen ("_metrics.jsonl"));
      return g_strdup_printf ("%s%ccheckpoints.jsonl", stem, metrics_rel[strlen (stem)]);
    }
  return g_strdup ("checkpoints.jsonl");
}

gboolean
debrief_reader_tinker_load (DebriefLoadJob  *job,
                            DebriefRun      *run,
                            const char      *metrics_rel,
                            GError         **error)
{
  DebriefReadContext ctx;
  g_autofree char *checkpoints_rel = checkpoints_name_for (metrics_rel);
  DebriefJsonlOptions options = { debrief_key_map_tinker, "step", NULL, FALSE, TRUE };
  DebriefJsonlState *state = NULL;
  g_autoptr(DebriefJsonNode) config = NULL;

  if (!debrief_reader_jsonl_load (job, run, metrics_rel, &options, &state, error))
    return FALSE;
  if (!debrief_load_job_has_file (job, checkpoints_rel) &&
      !debrief_load_job_warn_unusable (job, run, checkpoints_rel))
    checkpoints_from_metrics (run, debrief_jsonl_state_get_path_records (state));

  config = debrief_load_job_read_json (job, run, "config.json");
  if (config != NULL)
    {
      debrief_reader_apply_config (run, config, "config.json");
      debrief_reader_collect_params (run, config, "config.json");
      debrief_run_add_source_file (run, "config.json");
    }
  debrief_reader_tinker_fill_dataset_tokens (run, metrics_rel);

  if (debrief_load_job_has_file (job, checkpoints_rel))
    {
      g_autofree char *cpath = NULL;
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) cbytes = debrief_load_job_read_settled (job, run, checkpoints_rel, &cpath, &ctx, &local);

      if (cbytes == NULL)
        debrief_run_add_warning (run, _("%s (ignored)"), local->message);
      else
        {
          const char *data = g_bytes_get_data (cbytes, NULL);
          gsize length = g_bytes_get_size (cbytes);

          /* A line still being written is read once it is whole. */
          while (job->following && length > 0 && data[length - 1] != '\n')
            length--;
          debrief_reader_tinker_parse_checkpoints (&ctx, data, length, NULL);
          debrief_load_job_file_done (job, &ctx, length);
          debrief_run_add_source_file (run, checkpoints_rel);
        }
    }

  /* tinker-cookbook saves a checkpoint named "final" when training ends. */
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    {
      DebriefRunProgress *progress = debrief_run_get_progress (run);
      const DebriefCheckpoint *checkpoint = debrief_run_get_checkpoint (run, i);
      if (checkpoint->is_final && progress->finished_by == NULL)
        progress->finished_by = g_strdup_printf (_("its checkpoint “%s” was saved"),
                                                 checkpoint->name ? checkpoint->name : "final");
    }
  return TRUE;
}
