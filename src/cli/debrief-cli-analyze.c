/* debrief-cli-analyze.c: `debrief-cli analyze`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON it prints is a contract other programs rely on (DESIGN.md, "The CLI
 * contract"): keep the keys, types and nulls stable.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <json-glib/json-glib.h>

#include "debrief-cli-commands.h"
#include "debrief-cli-json.h"
#include "debrief-core.h"

static void
add_double_or_null (JsonBuilder *b,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_series (JsonBuilder   *b,
            const char    *name,
            DebriefSeries *series)
{
  json_builder_set_member_name (b, name);
  if (series == NULL || debrief_series_get_length (series) == 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "points");
  json_builder_add_int_value (b, (gint64) debrief_series_get_length (series));
  json_builder_set_member_name (b, "first_step");
  json_builder_add_int_value (b, debrief_series_get_first_step (series));
  json_builder_set_member_name (b, "last_step");
  json_builder_add_int_value (b, debrief_series_get_last_step (series));
  add_double_or_null (b, "last", debrief_series_get_last_value (series));
  add_double_or_null (b, "min", debrief_series_get_min (series));
  add_double_or_null (b, "max", debrief_series_get_max (series));
  /* The key as the trainer logged it ("loss", "train/loss", "train_mean_nll"). */
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, debrief_series_get_source_key (series) ? debrief_series_get_source_key (series)
                                                                          : debrief_series_get_name (series));
  json_builder_end_object (b);
}

static void
set_int_or_null (JsonObject *object,
                 const char *member,
                 gint64      value)
{
  if (value > 0)
    json_object_set_int_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static void
set_string_or_null (JsonObject *object,
                    const char *member,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

/* The capacity object with where its inputs came from (keys added to the checklist's).
 * RL counts episodes (about one bit each), not tokens. */
static JsonNode *
capacity_json (DebriefRun      *run,
               DebriefAnalysis *analysis)
{
  const DebriefRunConfig *config = debrief_run_get_config (run);
  JsonNode *node = debrief_capacity_result_to_json (debrief_analysis_get_capacity (analysis));
  JsonObject *object = json_node_get_object (node);

  set_int_or_null (object, "rank", config->lora_rank);
  set_string_or_null (object, "model", config->base_model);
  set_string_or_null (object, "model_source", config->dims_source);
  set_int_or_null (object, "dataset_tokens", config->dataset_tokens);
  set_string_or_null (object, "dataset_tokens_source", config->dataset_tokens > 0 ? config->dataset_tokens_source : NULL);
  set_int_or_null (object, "episodes", config->rl_episodes);
  set_string_or_null (object, "episodes_source", config->rl_episodes > 0 ? config->rl_episodes_source : NULL);
  return node;
}

/* "live": whether the run is still being written, how far it got and how long is
 * left (from the trainer's own progress fields, or the pace a follower saw). */
static void
add_live_json (JsonBuilder        *b,
               DebriefRun         *run,
               DebriefRunFollower *follower)
{
  const DebriefRunProgress *progress = debrief_run_get_progress (run);
  DebriefLiveState state = follower ? debrief_run_follower_get_state (follower)
                                    : debrief_run_progress_live_state (progress, g_get_real_time (), NAN);
  double eta = follower ? debrief_run_follower_get_eta (follower)
                        : state == DEBRIEF_LIVE_FINISHED ? NAN : debrief_run_progress_eta (progress, NAN);

  json_builder_set_member_name (b, "live");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, debrief_live_state_to_string (state));
  json_builder_set_member_name (b, "step");
  if (progress->step >= 0)
    json_builder_add_int_value (b, progress->step);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "total_steps");
  if (progress->total_steps > 0)
    json_builder_add_int_value (b, progress->total_steps);
  else
    json_builder_add_null_value (b);
  add_double_or_null (b, "fraction", progress->fraction);
  add_double_or_null (b, "eta_seconds", eta);
  debrief_cli_add_string_or_null (b, "finished_by", progress->finished_by);
  json_builder_set_member_name (b, "last_write");
  if (progress->last_write_usec > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (progress->last_write_usec / G_USEC_PER_SEC);
      g_autofree char *text = g_date_time_format_iso8601 (when);
      json_builder_add_string_value (b, text);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

void
debrief_cli_add_run_json (JsonBuilder     *b,
                          DebriefRun      *run,
                          DebriefAnalysis *analysis)
{
  GListModel *findings = debrief_analysis_get_findings (analysis);
  const char *const *warnings = debrief_run_get_warnings (run);
  gint64 best = debrief_analysis_get_best_step (analysis);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, debrief_run_get_path (run));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, debrief_run_get_name (run));
  json_builder_set_member_name (b, "format");
  if (debrief_run_get_format (run))
    json_builder_add_string_value (b, debrief_run_get_format (run));
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, debrief_method_to_string (debrief_run_get_method (run)));
  json_builder_set_member_name (b, "adapter");
  json_builder_add_string_value (b, debrief_adapter_to_string (debrief_run_get_adapter (run)));
  json_builder_set_member_name (b, "kind_evidence");
  json_builder_begin_object (b);
  debrief_cli_add_string_or_null (b, "method", debrief_run_get_method_evidence (run));
  debrief_cli_add_string_or_null (b, "adapter", debrief_run_get_adapter_evidence (run));
  json_builder_end_object (b);
  debrief_cli_add_string_or_null (b, "primary_metric", debrief_run_get_primary_metric (run));

  json_builder_set_member_name (b, "series");
  json_builder_begin_object (b);
  add_series (b, "train_loss", debrief_run_get_train_loss (run));
  add_series (b, "val_loss", debrief_run_get_val_loss (run));
  /* Every other logged series, under its name (the key as logged, or the role
   * the readers gave it: learning_rate, grad_norm, epoch, tokens). */
  {
    GPtrArray *all = debrief_run_get_series (run);
    for (guint i = 0; i < all->len; i++)
      {
        DebriefSeries *series = g_ptr_array_index (all, i);
        if (series == debrief_run_get_train_loss (run) || series == debrief_run_get_val_loss (run) ||
            debrief_series_get_length (series) == 0)
          continue;
        add_series (b, debrief_series_get_name (series), series);
      }
  }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, debrief_run_verdict_to_string (debrief_analysis_get_run_verdict (analysis)));
  add_double_or_null (b, "convergence_percent", debrief_analysis_get_convergence_percent (analysis));
  json_builder_set_member_name (b, "seed_overfitting_warning");
  json_builder_add_boolean_value (b, debrief_analysis_get_seed_overfitting_warning (analysis));
  json_builder_set_member_name (b, "best_step");
  if (best >= 0)
    json_builder_add_int_value (b, best);
  else
    json_builder_add_null_value (b);
  add_double_or_null (b, "best_val_loss", debrief_analysis_get_best_val_loss (analysis));

  json_builder_set_member_name (b, "capacity");
  json_builder_add_value (b, capacity_json (run, analysis));

  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);

      json_builder_add_value (b, debrief_finding_to_json (f));
    }
  json_builder_end_array (b);

  add_live_json (b, run, NULL);

  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; warnings && warnings[i]; i++)
    json_builder_add_string_value (b, warnings[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
print_human (DebriefRun      *run,
             DebriefAnalysis *analysis,
             const char      *live,
             const char      *written)
{
  GListModel *findings = debrief_analysis_get_findings (analysis);
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);
  const DebriefCapacityResult *cap = debrief_analysis_get_capacity (analysis);
  double conv = debrief_analysis_get_convergence_percent (analysis);

  printf ("%s (%s, %s)\n", debrief_run_get_name (run),
          debrief_run_get_format (run) ? debrief_run_get_format (run) : "?", debrief_run_get_path (run));
  printf ("  %s — %s\n", debrief_run_verdict_to_label (debrief_analysis_get_run_verdict (analysis)),
          debrief_analysis_get_verdict (analysis));
  if (live != NULL)
    printf (_("  live: %s\n"), live);
  if (train && debrief_series_get_length (train) > 0)
    printf (g_dngettext (GETTEXT_PACKAGE,
                         "  train loss: %zu point, steps %" PRId64 "–%" PRId64 ", last %.4f, min %.4f\n",
                         "  train loss: %zu points, steps %" PRId64 "–%" PRId64 ", last %.4f, min %.4f\n",
                         debrief_series_get_length (train)),
            debrief_series_get_length (train), debrief_series_get_first_step (train),
            debrief_series_get_last_step (train), debrief_series_get_last_value (train),
            debrief_series_get_min (train));
  if (val && debrief_series_get_length (val) > 0)
    printf (g_dngettext (GETTEXT_PACKAGE,
                         "  validation loss: %zu point, last %.4f, best %.4f at step %" PRId64 "\n",
                         "  validation loss: %zu points, last %.4f, best %.4f at step %" PRId64 "\n",
                         debrief_series_get_length (val)),
            debrief_series_get_length (val), debrief_series_get_last_value (val),
            debrief_analysis_get_best_val_loss (analysis), debrief_analysis_get_best_step (analysis));
  if (isfinite (conv))
    printf (_("  convergence (checklist): %.1f%%\n"), conv);
  printf (_("  overfitting warning (checklist): %s\n"),
          debrief_analysis_get_seed_overfitting_warning (analysis) ? _("yes") : _("no"));
  printf (_("  capacity: %s — %s\n"), debrief_capacity_status_to_string (cap->status), cap->message);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);

      printf ("  [%s] %s (%s)\n", debrief_severity_to_string (debrief_finding_get_severity (f)),
              debrief_finding_get_title (f), debrief_finding_get_id (f));
      printf (_("      evidence: %s\n"), debrief_finding_get_evidence (f));
      printf (_("      cause: %s\n"), debrief_finding_get_cause (f));
      printf (_("      fix: %s\n"), debrief_finding_get_fix (f));
      for (guint k = 0; k < debrief_finding_get_n_actions (f); k++)
        {
          const DebriefAction *action = debrief_finding_get_action (f, k);
          g_autofree char *text = debrief_action_describe (action);

          printf (_("      action: %s (%s)\n"), text, debrief_action_type_to_string (action->type));
        }
    }
  if (written)
    printf (_("  wrote %s\n"), written);
  printf ("\n");
}

/* --model: a config.json (its dimensions) or a name from the built-in table. */
static gboolean
resolve_model (const char           *text,
               DebriefRunOverrides  *overrides,
               GError              **error)
{
  if (g_file_test (text, G_FILE_TEST_IS_REGULAR))
    {
      if (!debrief_model_dims_from_config_file (text, &overrides->dims, error))
        return FALSE;
      if (overrides->dims.hidden_size <= 0 || overrides->dims.num_layers <= 0)
        {
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                       _("%s: no hidden_size / num_hidden_layers in this config"), text);
          return FALSE;
        }
      overrides->have_dims = TRUE;
      overrides->dims_source = g_strdup_printf ("--model %s", text);
      return TRUE;
    }
  {
    const char *preset = debrief_model_table_lookup (text, &overrides->dims);

    if (preset != NULL)
      {
        overrides->have_dims = TRUE;
        overrides->dims_source = g_strdup_printf ("built-in table: %s", preset);
        return TRUE;
      }
  }
  g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
               _("--model: “%s” is neither a config.json file nor a known model"), text);
  return FALSE;
}

static gboolean
write_report (DebriefRun       *run,
              DebriefAnalysis  *analysis,
              char            **written,
              GError          **error)
{
  g_autoptr(GFile) edited = NULL;
  g_autofree char *samples_md = NULL;
  g_autofree char *judge_md = NULL;
  DebriefReportExtras extras = { 0 };
  g_autoptr(GFile) file = NULL;

  /* samples.jsonl and judgements.jsonl, when `sample` / `judge` made them. */
  debrief_judge_report_blocks (debrief_run_get_folder (run), &samples_md, &judge_md);
  extras.samples_markdown = samples_md;
  extras.judge_markdown = judge_md;
  if (!debrief_report_write (run, analysis, &extras, &edited, NULL, error))
    return FALSE;
  file = g_file_get_child (debrief_run_get_folder (run), DEBRIEF_REPORT_FILENAME);
  *written = g_file_get_parse_name (file);
  if (edited)
    {
      g_autofree char *name = g_file_get_parse_name (edited);
      g_printerr (_("debrief-cli analyze: the generated part of %s was edited by "
                    "hand; that version is kept as %s\n"), *written, name);
    }
  return TRUE;
}

/* ---- --follow ---- */

typedef struct
{
  DebriefWorkspace *workspace;
  gboolean json;
  gboolean no_write;
  GMainLoop *loop;
  GHashTable *printed;     /* folder URI -> what was last printed of it */
  guint tick;
  int status;
  gboolean failed;
  gboolean done;
} Follow;

/* What a print says: when none of it changed, nothing is printed again. */
static char *
follow_signature (Follow     *f,
                  DebriefRun *run)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);
  DebriefRunFollower *follower = debrief_workspace_get_follower (f->workspace, run);
  GListModel *findings = debrief_analysis_get_findings (analysis);
  GString *s = g_string_new (NULL);
  GPtrArray *series = debrief_run_get_series (run);

  for (guint i = 0; i < series->len; i++)
    g_string_append_printf (s, "%zu,", debrief_series_get_length (g_ptr_array_index (series, i)));
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, i);
      g_string_append_printf (s, "|%s@%" G_GINT64_FORMAT, debrief_finding_get_id (finding),
                              debrief_finding_get_step (finding));
    }
  g_string_append_printf (s, "|%d|%s", follower ? (int) debrief_run_follower_get_state (follower) : -1,
                          debrief_run_get_progress (run)->finished_by ? debrief_run_get_progress (run)->finished_by : "");
  return g_string_free (s, FALSE);
}

static void
follow_print (Follow     *f,
              DebriefRun *run)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);
  DebriefRunFollower *follower = debrief_workspace_get_follower (f->workspace, run);

  if (f->json)
    {
      /* One object per line: the same as analyze --json, with this run. */
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, PACKAGE_VERSION);
      json_builder_set_member_name (b, "runs");
      json_builder_begin_array (b);
      debrief_cli_add_run_json (b, run, analysis);
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = debrief_cli_json_to_string (root, FALSE);
      printf ("%s\n", text);
    }
  else
    {
      DebriefLiveState state = follower ? debrief_run_follower_get_state (follower) : DEBRIEF_LIVE_FINISHED;
      double eta = follower ? debrief_run_follower_get_eta (follower) : NAN;
      g_autofree char *live = debrief_run_progress_describe (debrief_run_get_progress (run), state, eta,
                                                             g_get_real_time ());
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *time = g_date_time_format (now, "%H:%M:%S");

      printf ("[%s] ", time);
      print_human (run, analysis, live, NULL);
    }
  fflush (stdout);
}

static void
follow_finish (Follow *f)
{
  GListModel *runs = debrief_workspace_get_runs (f->workspace);

  /* The report, once, of the run as it ended. */
  for (guint i = 0; !f->no_write && i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, i);
      g_autofree char *written = NULL;
      g_autoptr(GError) error = NULL;
      DebriefAnalysis *analysis = debrief_run_get_analysis (run);

      if (analysis == NULL || g_file_query_file_type (debrief_run_get_folder (run), G_FILE_QUERY_INFO_NONE, NULL) !=
                              G_FILE_TYPE_DIRECTORY)
        continue;
      if (!write_report (run, analysis, &written, &error))
        {
          g_printerr ("debrief-cli analyze: %s\n", error->message);
          f->failed = TRUE;
        }
      else if (!f->json)
        printf (_("wrote %s\n"), written);
    }
  f->status = f->failed ? DEBRIEF_CLI_EXIT_FAILED : DEBRIEF_CLI_EXIT_OK;
  f->done = TRUE;
  g_main_loop_quit (f->loop);
}

/* Once a second at most: a print for each run whose findings, points or state changed. */
static gboolean
follow_tick (gpointer user_data)
{
  Follow *f = user_data;
  GListModel *runs = debrief_workspace_get_runs (f->workspace);

  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, i);
      g_autofree char *key = g_file_get_uri (debrief_run_get_folder (run));
      g_autofree char *signature = NULL;

      /* Printed once its follower has read it (until then its state is not known). */
      if (debrief_run_get_analysis (run) == NULL ||
          (debrief_workspace_get_follower (f->workspace, run) != NULL &&
           debrief_run_follower_get_run (debrief_workspace_get_follower (f->workspace, run)) == NULL))
        continue;
      signature = follow_signature (f, run);
      if (g_strcmp0 (g_hash_table_lookup (f->printed, key), signature) == 0)
        continue;
      follow_print (f, run);
      g_hash_table_replace (f->printed, g_steal_pointer (&key), g_steal_pointer (&signature));
    }
  if (!debrief_workspace_get_busy (f->workspace) && debrief_workspace_get_followed_runs_done (f->workspace))
    {
      follow_finish (f);
      f->tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
follow_interrupted (gpointer user_data)
{
  Follow *f = user_data;

  /* Ctrl+C: the shell's convention, 128 + SIGINT. */
  f->status = 130;
  f->done = TRUE;
  g_main_loop_quit (f->loop);
  return G_SOURCE_CONTINUE;
}

static int
follow_runs (DebriefWorkspace *workspace,
             DebriefLoadBatch *batch,
             gboolean          json,
             gboolean          no_write)
{
  Follow f = { 0 };
  guint interrupt;

  for (guint i = 0; i < debrief_load_batch_get_n_results (batch); i++)
    if (debrief_load_batch_get_run (batch, i) == NULL)
      {
        g_printerr ("debrief-cli analyze: %s\n", debrief_load_batch_get_error (batch, i)->message);
        f.failed = TRUE;
      }
  if (g_list_model_get_n_items (debrief_workspace_get_runs (workspace)) == 0)
    return DEBRIEF_CLI_EXIT_FAILED;

  f.workspace = workspace;
  f.json = json;
  f.no_write = no_write;
  f.loop = g_main_loop_new (NULL, FALSE);
  f.printed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* Followed from here: logs read from where they were left, nothing read while quiet. */
  debrief_workspace_set_follow (workspace, DEBRIEF_FOLLOW_ALL);
  interrupt = g_unix_signal_add (SIGINT, follow_interrupted, &f);
  if (follow_tick (&f))
    f.tick = g_timeout_add_seconds (1, follow_tick, &f);
  if (!f.done)
    g_main_loop_run (f.loop);
  g_source_remove (interrupt);
  if (f.tick != 0)
    g_source_remove (f.tick);
  debrief_workspace_set_follow (workspace, DEBRIEF_FOLLOW_NONE);
  g_main_loop_unref (f.loop);
  g_hash_table_unref (f.printed);
  return f.status;
}

int
debrief_cli_analyze (int argc, char **argv)
{
  gboolean json = FALSE, no_write = FALSE, follow = FALSE;
  gint64 rank = 0, tokens = 0;
  g_autofree char *model = NULL;
  g_autofree char *pattern = NULL;
  DebriefLoadOptions load_options = { 0 };
  g_auto(GStrv) dirs = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(DebriefRunOverrides) overrides = { 0 };
  g_autoptr(DebriefWorkspace) workspace = NULL;
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean failed = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object instead of a summary"), NULL },
    { "no-write", 0, 0, G_OPTION_ARG_NONE, &no_write, N_("Do not write DIR/analysis.md"), NULL },
    { "follow", 0, 0, G_OPTION_ARG_NONE, &follow,
      N_("Follow runs still being written: print again when the findings or the point counts change "
         "(with --json, one object per line), exit when they end"), NULL },
    { "rank", 0, 0, G_OPTION_ARG_INT64, &rank, N_("LoRA rank, when the run does not say"), "N" },
    { "tokens", 0, 0, G_OPTION_ARG_INT64, &tokens, N_("Dataset tokens (one epoch), when the run does not say"), "N" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Base model: a config.json or a known model name"), "CONFIG_JSON_OR_PRESET" },
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &pattern, DEBRIEF_CLI_PATTERN_HELP, "REGEX" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, NULL, N_("DIR…") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Diagnoses training runs: loss curves, the known failure "
                                           "modes of LoRA fine-tuning, adapter capacity. Writes "
                                           "DIR/analysis.md."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;
  if (dirs == NULL || dirs[0] == NULL)
    {
      g_printerr (_("debrief-cli analyze: no run folder given (DIR…)\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (rank < 0 || tokens < 0)
    {
      g_printerr (_("debrief-cli analyze: --rank and --tokens must be positive\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (!debrief_cli_check_pattern ("analyze", pattern))
    return DEBRIEF_CLI_EXIT_USAGE;
  load_options.text_pattern = pattern;
  overrides.lora_rank = rank;
  overrides.dataset_tokens = tokens;
  if (tokens > 0)
    overrides.dataset_tokens_source = g_strdup ("--tokens");
  if (model)
    {
      g_autoptr(GError) error = NULL;
      if (!resolve_model (model, &overrides, &error))
        {
          g_printerr ("debrief-cli analyze: %s\n", error->message);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
    }

  /* The app's workspace, run to completion: the same discovery, loading and
   * analysis as the window. */
  workspace = debrief_workspace_new ();
  debrief_workspace_set_overrides (workspace, &overrides);
  debrief_workspace_set_load_options (workspace, &load_options);
  for (guint d = 0; dirs[d]; d++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (dirs[d]));
  batch = debrief_workspace_open_sync (workspace, (GFile **) files->pdata, files->len,
                                       DEBRIEF_OPEN_DISCOVER, NULL);
  if (follow)
    return follow_runs (workspace, batch, json, no_write);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);

  for (guint i = 0; i < debrief_load_batch_get_n_results (batch); i++)
    {
      DebriefRun *run = debrief_load_batch_get_run (batch, i);
      DebriefAnalysis *analysis = run != NULL ? debrief_run_get_analysis (run) : NULL;
      g_autofree char *written = NULL;
      g_autoptr(GError) error = NULL;

      if (run == NULL)
        {
          g_printerr ("debrief-cli analyze: %s\n", debrief_load_batch_get_error (batch, i)->message);
          failed = TRUE;
          continue;
        }
      if (analysis == NULL)
        {
          g_printerr (_("debrief-cli analyze: %s: the analysis did not finish\n"), debrief_run_get_path (run));
          failed = TRUE;
          continue;
        }
      if (!no_write && g_file_query_file_type (debrief_run_get_folder (run), G_FILE_QUERY_INFO_NONE, NULL) !=
                       G_FILE_TYPE_DIRECTORY)
        {
          /* A run inside an MLflow database has no folder of its own to write into. */
          if (!json)
            g_printerr (_("debrief-cli analyze: %s is a run in a database; no analysis.md is written for it\n"),
                        debrief_run_get_path (run));
        }
      else if (!no_write && !write_report (run, analysis, &written, &error))
        {
          g_printerr ("debrief-cli analyze: %s\n", error->message);
          failed = TRUE;
        }
      if (json)
        debrief_cli_add_run_json (builder, run, analysis);
      else
        print_human (run, analysis, NULL, written);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = debrief_cli_json_to_string (root, TRUE);
      printf ("%s\n", text);
    }
  return failed ? DEBRIEF_CLI_EXIT_FAILED : DEBRIEF_CLI_EXIT_OK;
}
