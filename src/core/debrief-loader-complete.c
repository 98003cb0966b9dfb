/* debrief-loader-complete.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the loader does once a run's main log was read: the configuration
 * files beside any log fill what the log did not say (a LLaMA-Factory folder
 * has adapter_config.json beside trainer_log.jsonl; a Tinker folder its
 * config.json), the built-in table gives the model's shapes, the token count
 * comes from the log or from the Trainer's total_flos, the tail of a console
 * log says whether the run crashed, and the run's kind is decided.
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-capacity.h"
#include "debrief-loader-private.h"
#include "debrief-model-table.h"
#include "debrief-reader-hf-private.h"
#include "debrief-reader-tinker-private.h"
#include "debrief-run-kind-private.h"
#include "debrief-yaml-private.h"

/* Only the end of a console log is read for a crash: a traceback fits in far less. */
#define CRASH_TAIL_BYTES (64 * 1024)
/* An error line this close to the end of a console log (non-blank lines) is how the run ended. */
#define CRASH_ERROR_LINES 40
/* A total_flos estimate below this many tokens per optimizer step is not a count
 * (DeepSpeed ZeRO-3 and FSDP count each device's shard of the parameters). */
#define MIN_PLAUSIBLE_TOKENS_PER_STEP 16.0
/* Trainer YAML files larger than this are not configurations. */
#define MAX_YAML_SIZE (256 * 1024)

static gboolean
has_module (char       **modules,
            const char *const *names)
{
  for (guint i = 0; modules && modules[i]; i++)
    for (guint j = 0; names[j]; j++)
      if (g_str_has_suffix (modules[i], names[j]))
        return TRUE;
  return FALSE;
}

/* GPT-2's MLP down projection is mlp.c_proj, its attention output attn.c_proj; PEFT
 * adapts every module whose name ends with a target, so "c_proj" covers both. */
static gboolean
gpt2_mlp_c_proj (char **modules)
{
  for (guint i = 0; modules && modules[i]; i++)
    if (g_str_has_suffix (modules[i], "c_proj") && !g_str_has_suffix (modules[i], "attn.c_proj"))
      return TRUE;
  return FALSE;
}

/* What the adapter covers, from target_modules when the trainer did not say. */
static void
derive_targets (DebriefRunConfig *config)
{
  static const char *const attn[] = { "q_proj", "k_proj", "v_proj", "o_proj", "qkv_proj", "c_attn",
                                      "query_key_value", "Wqkv", "query", "key", "value", "out_proj",
                                      "dense", NULL };
  static const char *const mlp[] = { "gate_proj", "up_proj", "down_proj", "gate_up_proj", "fc1", "fc2",
                                     "c_fc", "w1", "w2", "w3", "dense_h_to_4h", "dense_4h_to_h", "fc_in",
                                     "fc_out", NULL };
  static const char *const unembed[] = { "lm_head", "embed_out", "output", NULL };

  if (config->target_modules == NULL &&
      (config->train_attn != DEBRIEF_TRISTATE_UNKNOWN || config->train_mlp != DEBRIEF_TRISTATE_UNKNOWN))
    {
      /* Tinker's booleans, in the Llama/Qwen module names its models use. */
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      if (config->train_attn == DEBRIEF_TRISTATE_YES)
        {
          static const char *const names[] = { "q_proj", "k_proj", "v_proj", "o_proj", NULL };
          g_strv_builder_addv (builder, (const char **) names);
        }
      if (config->train_mlp == DEBRIEF_TRISTATE_YES)
        {
          static const char *const names[] = { "gate_proj", "up_proj", "down_proj", NULL };
          g_strv_builder_addv (builder, (const char **) names);
        }
      if (config->train_unembed == DEBRIEF_TRISTATE_YES)
        g_strv_builder_add (builder, "lm_head");
      config->target_modules = g_strv_builder_end (builder);
      return;
    }
  if (config->target_modules == NULL || config->target_modules[0] == NULL)
    return;
  if (g_strv_length (config->target_modules) == 1 &&
      g_ascii_strcasecmp (config->target_modules[0], "all-linear") == 0)
    {
      /* PEFT's all-linear: every linear layer except the output layer. */
      if (config->train_attn == DEBRIEF_TRISTATE_UNKNOWN)
        config->train_attn = DEBRIEF_TRISTATE_YES;
      if (config->train_mlp == DEBRIEF_TRISTATE_UNKNOWN)
        config->train_mlp = DEBRIEF_TRISTATE_YES;
      if (config->train_unembed == DEBRIEF_TRISTATE_UNKNOWN)
        config->train_unembed = DEBRIEF_TRISTATE_NO;
      return;
    }
  if (config->train_attn == DEBRIEF_TRISTATE_UNKNOWN)
    config->train_attn = has_module (config->target_modules, attn) ? DEBRIEF_TRISTATE_YES : DEBRIEF_TRISTATE_NO;
  if (config->train_mlp == DEBRIEF_TRISTATE_UNKNOWN)
    config->train_mlp = has_module (config->target_modules, mlp) || gpt2_mlp_c_proj (config->target_modules)
                        ? DEBRIEF_TRISTATE_YES : DEBRIEF_TRISTATE_NO;
  if (config->train_unembed == DEBRIEF_TRISTATE_UNKNOWN)
    config->train_unembed = has_module (config->target_modules, unembed) ? DEBRIEF_TRISTATE_YES
                                                                         : DEBRIEF_TRISTATE_NO;
}

/* Steps per epoch from the logged epoch column: Tinker logs the 0-based epoch
 * index (integers), the HF Trainer the fraction of epochs done. */
static gint64
steps_per_epoch_from_series (DebriefRun       *run,
                             DebriefRunConfig *config)
{
  DebriefSeries *epoch = debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_EPOCH);
  DebriefSeries *train = debrief_run_get_train_loss (run);
  gsize n;
  gboolean integral = TRUE;
  double first;

  if (epoch == NULL || (n = debrief_series_get_length (epoch)) < 2)
    return 0;
  first = debrief_series_get_value (epoch, 0);
  for (gsize i = 0; i < n && integral; i++)
    integral = debrief_series_get_value (epoch, i) == floor (debrief_series_get_value (epoch, i));
  for (gsize i = 1; i < n; i++)
    {
      double e = debrief_series_get_value (epoch, i);
      if (integral && e > first)
        return debrief_series_get_step (epoch, i) - debrief_series_get_step (epoch, 0);
      if (!integral && e >= 1.0 - 1e-9)
        return debrief_series_get_step (epoch, i);
    }
  /* A whole one-epoch run that never changed epoch. */
  if (integral && isfinite (config->num_epochs) && config->num_epochs == 1 && train != NULL &&
      debrief_series_get_length (train) > 1)
    return debrief_series_get_last_step (train) - debrief_series_get_first_step (train) + 1;
  return 0;
}

/* ---- configuration files beside any log ---- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
is_source (DebriefRun *run,
           const char *rel)
{
  return g_strv_contains (debrief_run_get_source_files (run), rel);
}

static void
apply_json_file (DebriefLoadJob *job,
                 DebriefRun     *run,
                 const char     *rel)
{
  g_autoptr(DebriefJsonNode) node = NULL;

  if (is_source (run, rel))
    return;
  /* Absent: nothing; a folder or a link out of the run: a warning naming it. */
  node = debrief_load_job_read_json (job, run, rel);
  if (node == NULL)
    return;
  debrief_reader_apply_config (run, node, rel);
  /* The Trainer's *_results.json hold outcomes, not settings to compare runs by. */
  if (!g_str_has_suffix (rel, "results.json"))
    debrief_reader_collect_params (run, node, rel);
  debrief_run_add_source_file (run, rel);
}

/* A trainer's YAML (LLaMA-Factory's training_args.yaml or the user's own
 * train.yaml, axolotl's config): recognised by its keys, not its name. */
static gboolean
is_trainer_yaml (const DebriefJsonNode *node)
{
  static const char *const keys[] = {
    "stage", "finetuning_type", "model_name_or_path", "base_model", "adapter", "rl", "lora_r", "lora_rank",
    "peft_type", NULL
  };

  for (guint i = 0; keys[i]; i++)
    if (debrief_json_node_get (node, keys[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
apply_yaml_files (DebriefLoadJob *job,
                  DebriefRun     *run)
{
  g_autoptr(GPtrArray) all = debrief_load_job_list (job, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < all->len; i++)
    {
      const char *name = g_ptr_array_index (all, i);
      if ((g_str_has_suffix (name, ".yaml") || g_str_has_suffix (name, ".yml")) && name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }
  /* training_args.yaml first (LLaMA-Factory writes it), then the others by name. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), "training_args.yaml") == 0 && i > 0)
      {
        gpointer first = g_ptr_array_steal_index (names, i);
        g_ptr_array_insert (names, 0, first);
      }
  for (guint i = 0; i < names->len; i++)
    {
      const char *rel = g_ptr_array_index (names, i);
      g_autoptr(DebriefJsonNode) node = NULL;
      DebriefEntry entry;

      if (is_source (run, rel) || !debrief_load_job_entry (job, rel, &entry) ||
          entry.target != DEBRIEF_ENTRY_FILE || entry.size > MAX_YAML_SIZE)
        continue;
      node = debrief_load_job_read_yaml (job, run, rel);
      if (node == NULL || !is_trainer_yaml (node))
        continue;
      debrief_reader_apply_config (run, node, rel);
      debrief_reader_collect_params (run, node, rel);
      debrief_run_add_source_file (run, rel);
    }
}

/* A model card tag an author gives a pre-training run ("pretraining", "Pretrain
 * Stage", "continued-pretraining", "cpt"): case, spaces and underscores aside. */
static gboolean
is_pretraining_tag (const char *tag)
{
  static const char *const tags[] = {
    "pretrain", "pretraining", "pre-training", "pretrain-stage", "pretraining-stage", "continued-pretraining",
    "continual-pretraining", "continued-pre-training", "continual-pre-training", "cpt", NULL
  };
  g_autofree char *norm = g_ascii_strdown (tag, -1);

  g_strstrip (norm);
  for (char *c = norm; *c; c++)
    if (*c == ' ' || *c == '_')
      *c = '-';
  return g_strv_contains (tags, norm);
}

/* The model card's front matter (README.md between "---" lines): TRL and
 * LLaMA-Factory write the trainer ("dpo", "grpo", "sft" ...) into its tags and
 * the base model into base_model. */
static void
apply_model_card (DebriefLoadJob *job,
                  DebriefRun     *run)
{
  static const char *const trainer_tags[] = {
    "sft", "dpo", "orpo", "kto", "cpo", "simpo", "grpo", "ppo", "rloo", "reward-trainer", NULL
  };
  DebriefRunConfig *config = debrief_run_get_config (run);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_autoptr(DebriefJsonNode) node = NULL;
  DebriefJsonNode *tags;
  const char *end;
  DebriefEntry entry;

  if (!debrief_load_job_entry (job, "README.md", &entry) || entry.target != DEBRIEF_ENTRY_FILE ||
      entry.size > MAX_YAML_SIZE ||
      (bytes = debrief_load_job_read_part (job, "README.md", 0, MAX_YAML_SIZE, NULL)) == NULL)
    return;
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!g_str_has_prefix (text, "---\n"))
    return;
  end = strstr (text + 4, "\n---");
  if (end == NULL)
    return;
  node = debrief_yaml_parse (text + 4, end - text - 3, "README.md", NULL);
  if (node == NULL || node->type != DEBRIEF_JSON_OBJECT)
    return;
  if (config->base_model == NULL)
    {
      const char *base = debrief_json_node_get_string (node, "base_model");
      if (base != NULL && *base != '\0')
        config->base_model = g_strdup (base);
    }
  tags = debrief_json_node_get (node, "tags");
  if (config->stage != NULL || tags == NULL || tags->type != DEBRIEF_JSON_ARRAY)
    return;
  for (guint i = 0; i < tags->values->len && config->stage == NULL; i++)
    {
      DebriefJsonNode *tag = g_ptr_array_index (tags->values, i);
      if (tag->type != DEBRIEF_JSON_STRING)
        continue;
      if (g_strv_contains (trainer_tags, tag->string))
        config->stage = g_strdup_printf ("%s (model card tag)", tag->string);
      else if (is_pretraining_tag (tag->string))
        config->stage = g_strdup_printf ("pt (model card tag “%s”)", tag->string);
      if (config->stage != NULL)
        config->stage_source = g_strdup ("README.md");
    }
}

static void
apply_side_files (DebriefLoadJob *job,
                  DebriefRun     *run)
{
  static const char *const json_files[] = {
    "adapter_config.json", "config.json", "all_results.json", "train_results.json", "training_args.json", NULL
  };

  for (guint i = 0; json_files[i]; i++)
    {
      g_autofree char *newest = NULL;

      if (!debrief_load_job_has_file (job, json_files[i]) && strcmp (json_files[i], "adapter_config.json") == 0)
        {
          /* A run that stopped early has its adapter only in its checkpoints. */
          newest = debrief_reader_hf_newest_checkpoint_file (job, json_files[i]);
          if (newest != NULL)
            {
              apply_json_file (job, run, newest);
              continue;
            }
        }
      apply_json_file (job, run, json_files[i]);
    }
  apply_yaml_files (job, run);
  apply_model_card (job, run);
}

/* ---- how the run ended ---- */

/* "… [ERROR] Request failed with non-retryable error: …": the message after the
 * log level of the last error line among the last lines of @text; NULL if none. */
static char *
find_error_line (const char *text,
                 gsize       length)
{
  static const char *const markers[] = { "[ERROR] ", " ERROR ", "ERROR: ", "| ERROR | ", NULL };
  const char *end = text + length;
  guint seen = 0;

  while (end > text && seen < CRASH_ERROR_LINES)
    {
      const char *stop = end;
      const char *start;

      while (stop > text && (stop[-1] == '\n' || stop[-1] == '\r'))
        stop--;
      start = stop;
      while (start > text && start[-1] != '\n')
        start--;
      if (stop > start)
        {
          seen++;
          for (guint i = 0; markers[i]; i++)
            {
              const char *hit = g_strstr_len (start, stop - start, markers[i]);
              if (hit != NULL)
                {
                  const char *msg = hit + strlen (markers[i]);
                  gsize n = MIN ((gsize) (stop - msg), 300);
                  while (n > 0 && ((guchar) msg[n] & 0xc0) == 0x80 && (gsize) (stop - msg) > n)
                    n--;
                  return g_utf8_make_valid (msg, n);
                }
            }
        }
      end = start;
    }
  return NULL;
}

/* Whether the log says the run stopped before its planned end (Tinker's
 * progress/done_frac, the HF max_steps); FALSE when it cannot tell. */
static gboolean
stopped_early (DebriefRun *run)
{
  DebriefSeries *done = debrief_run_get_series_by_name (run, "progress/done_frac");
  DebriefRunConfig *config = debrief_run_get_config (run);
  gint64 last = -1;
  GPtrArray *series = debrief_run_get_series (run);

  if (done != NULL && debrief_series_get_length (done) > 0)
    return debrief_series_get_last_value (done) < 0.999;
  for (guint i = 0; i < series->len; i++)
    {
      DebriefSeries *s = g_ptr_array_index (series, i);
      if (debrief_series_get_length (s) > 0)
        last = MAX (last, debrief_series_get_last_step (s));
    }
  return config->max_steps > 0 && last >= 0 && last + 1 < config->max_steps;
}

/* A console log beside the metrics (tinker-cookbook's logs.log, a Slurm .out,
 * LLaMA-Factory's running_log.txt) that ends in a traceback, or in error lines
 * while the metrics stop before the planned end: the run crashed. */
static void
detect_crash_in_console_logs (DebriefLoadJob *job,
                              DebriefRun     *run)
{
  static const char *const suffixes[] = { ".log", ".out", ".err", "running_log.txt", NULL };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (debrief_run_get_crash (run) != NULL)
    return;
  all = debrief_load_job_list (job, NULL);
  for (guint j = 0; j < all->len; j++)
    {
      const char *name = g_ptr_array_index (all, j);
      for (guint i = 0; suffixes[i]; i++)
        if (g_str_has_suffix (name, suffixes[i]) && name[0] != '.')
          {
            g_ptr_array_add (names, g_strdup (name));
            break;
          }
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *rel = g_ptr_array_index (names, i);
      g_autofree char *crash = NULL;
      g_autofree char *tail = NULL;
      g_autoptr(GBytes) bytes = NULL;
      DebriefEntry entry;
      gsize n;

      if (!debrief_load_job_entry (job, rel, &entry) || entry.target != DEBRIEF_ENTRY_FILE)
        continue;
      bytes = debrief_load_job_read_part (job, rel, entry.size > CRASH_TAIL_BYTES ? entry.size - CRASH_TAIL_BYTES : 0,
                                          CRASH_TAIL_BYTES, NULL);
      if (bytes == NULL || (n = g_bytes_get_size (bytes)) == 0)
        continue;
      tail = g_strndup (g_bytes_get_data (bytes, NULL), n);
      crash = debrief_find_crash_line (tail, n, NULL);
      if (crash == NULL && stopped_early (run))
        crash = find_error_line (tail, n);
      if (crash != NULL)
        {
          debrief_run_set_crash (run, crash);
          debrief_run_add_warning (run, _("%s: the run crashed: %s"), rel, crash);
          debrief_run_add_source_file (run, rel);
          return;
        }
    }
}

/* ---- tokens from total_flos ---- */

/* The HF Trainer adds 6 × tokens × parameters (without the embeddings) to
 * total_flos at every step, tokens counted with their padding. So one epoch
 * holds about total_flos / (6 N) / epochs tokens. */
static void
estimate_tokens_from_flos (DebriefRun *run)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  double epochs = isfinite (config->epochs_done) && config->epochs_done > 0 ? config->epochs_done
                                                                              : config->num_epochs;
  g_autofree char *quant = NULL;
  gint64 params;
  gint64 steps = 0;
  double tokens;
  GPtrArray *series = debrief_run_get_series (run);

  if (config->dataset_tokens > 0 || !isfinite (config->total_flos) || config->total_flos <= 0 ||
      !isfinite (epochs) || epochs <= 0)
    return;
  params = debrief_model_dims_trainer_params (&config->dims);
  if (params <= 0)
    return;
  /* The adapter's own weights are parameters of the model the Trainer counts. */
  if (config->lora_rank > 0)
    {
      DebriefCapacityInput input;
      g_autoptr(DebriefCapacityResult) lora = NULL;

      debrief_capacity_input_init (&input);
      input.rank = config->lora_rank;
      input.dims = config->dims;
      input.targets = debrief_capacity_targets_from_config (config);
      lora = debrief_capacity_check (&input);
      params += MAX (lora->lora_params, 0);
    }
  tokens = config->total_flos / (6.0 * (double) params);
  for (guint i = 0; i < series->len; i++)
    {
      DebriefSeries *s = g_ptr_array_index (series, i);
      if (debrief_series_get_length (s) > 0)
        steps = MAX (steps, debrief_series_get_last_step (s));
    }
  if (steps > 0 && tokens / (double) steps < MIN_PLAUSIBLE_TOKENS_PER_STEP)
    {
      debrief_run_add_warning (run, _("%s: total_flos %.3g means only %.1f tokens per step: counted per device "
                                      "(DeepSpeed ZeRO-3 or FSDP), not used for the token count"),
                               config->total_flos_source, config->total_flos, tokens / (double) steps);
      return;
    }
  /* A run shorter than an epoch stored what it saw, not the epoch it did not finish. */
  config->dataset_tokens = (gint64) llround (tokens / MAX (epochs, 1.0));
  if (config->quantization_bits == 4 || debrief_run_get_adapter (run) == DEBRIEF_ADAPTER_QLORA)
    quant = g_strdup (_("; 4-bit weights counted unpacked, as transformers ≥ 4.31 counts them"));
  g_free (config->dataset_tokens_source);
  config->dataset_tokens_source =
    epochs >= 1.0
    ? g_strdup_printf (_("estimate: total_flos %.3g (%s) ÷ (6 × %.3g parameters) ÷ %g epochs; padding counted, "
                         "a lower bound if the model was sharded (FSDP, ZeRO-3)%s"),
                       config->total_flos, config->total_flos_source, (double) params, epochs, quant ? quant : "")
    : g_strdup_printf (_("estimate: total_flos %.3g (%s) ÷ (6 × %.3g parameters), the tokens of %.2f epoch "
                         "trained; padding counted, a lower bound if the model was sharded (FSDP, ZeRO-3)%s"),
                       config->total_flos, config->total_flos_source, (double) params, epochs, quant ? quant : "");
}

/* TRL's PPO and RLOO trainers log "episode", the episodes seen so far (it only
 * grows); W&B and TensorBoard exports name it "train/episode". */
static void
count_cumulative_episodes (DebriefRun *run)
{
  static const char *const keys[] = { "episode", "train/episode", NULL };
  DebriefRunConfig *config = debrief_run_get_config (run);

  for (guint k = 0; keys[k]; k++)
    {
      DebriefSeries *s = debrief_run_get_series_by_name (run, keys[k]);
      gsize n = s ? debrief_series_get_length (s) : 0;
      double prev = -INFINITY, last = NAN;
      gboolean grows = n > 0;

      for (gsize i = 0; i < n && grows; i++)
        {
          double v = debrief_series_get_value (s, i);
          if (!isfinite (v))
            continue;
          grows = v >= prev;
          prev = last = v;
        }
      if (!grows || !(last >= 1))
        continue;
      config->rl_episodes = (gint64) llround (last);
      config->rl_episodes_source = g_strdup_printf (_("the last value of %s (episodes so far) at step %"
                                                      PRId64), keys[k], debrief_series_get_last_step (s));
      return;
    }
}

/* RL trains on episodes: tinker-cookbook logs how many each step had. */
static void
count_rl_episodes (DebriefRun *run)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  DebriefSeries *episodes = debrief_run_get_series_by_name (run, "env/all/total_episodes");
  double sum = 0;

  if (debrief_run_get_method (run) != DEBRIEF_METHOD_RL || config->rl_episodes > 0)
    return;
  if (episodes == NULL)
    {
      count_cumulative_episodes (run);
      return;
    }
  for (gsize i = 0; i < debrief_series_get_length (episodes); i++)
    if (isfinite (debrief_series_get_value (episodes, i)) && debrief_series_get_value (episodes, i) > 0)
      sum += debrief_series_get_value (episodes, i);
  if (sum < 1)
    return;
  config->rl_episodes = (gint64) llround (sum);
  config->rl_episodes_source = g_strdup_printf (_("the sum of env/all/total_episodes over %zu steps"),
                                                debrief_series_get_length (episodes));
}

void
debrief_loader_complete_run (DebriefLoadJob *job,
                             DebriefRun     *run)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  DebriefSeries *lr = debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_LEARNING_RATE);

  apply_side_files (job, run);
  detect_crash_in_console_logs (job, run);

  if (config->dims.hidden_size == 0 && config->base_model != NULL)
    {
      const char *name = debrief_model_table_lookup (config->base_model, &config->dims);
      if (name != NULL)
        {
          g_free (config->dims_source);
          config->dims_source = g_strdup_printf (_("built-in table: %s"), name);
        }
    }
  derive_targets (config);

  if (isnan (config->learning_rate) && lr != NULL && debrief_series_get_length (lr) > 0)
    config->learning_rate = debrief_series_get_max (lr);  /* the peak of the schedule */
  if (config->steps_per_epoch == 0 && config->max_steps > 0 && isfinite (config->num_epochs) &&
      config->num_epochs >= 1 && fmod ((double) config->max_steps, config->num_epochs) == 0)
    config->steps_per_epoch = (gint64) ((double) config->max_steps / config->num_epochs);
  if (config->steps_per_epoch == 0)
    config->steps_per_epoch = steps_per_epoch_from_series (run, config);
  debrief_reader_tinker_fill_dataset_tokens (run, _("logged tokens per step"));

  debrief_run_detect_kind (run);
  estimate_tokens_from_flos (run);
  count_rl_episodes (run);
}
