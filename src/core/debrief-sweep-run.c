/* debrief-sweep-run.c: one run's settings and results, for comparing runs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-analysis.h"
#include "debrief-finding.h"
#include "debrief-judge.h"
#include "debrief-run.h"
#include "debrief-series.h"
#include "debrief-stats-private.h"
#include "debrief-sweep-private.h"

struct _DebriefSweepRun
{
  GObject parent_instance;

  DebriefRun *run;
  DebriefAnalysis *analysis;
  char *name;
  const char *kind;
  const char *verdict;
  gboolean failed;
  gboolean unstable;
  GPtrArray *failing;          /* char*, NULL-terminated */
  GArray *params;              /* SweepParamSlot, in canonical order then as read */
  DebriefSweepResults results;
  char *primary_metric;
  gboolean computed;            /* results read from the series */
  double window;                /* points in the final train-loss median */
};

/* A DebriefSweepParam and the strings it points at. */
typedef struct
{
  DebriefSweepParam param;
  char *key;
  char *text;
  char *raw_key;
} SweepParamSlot;

G_DEFINE_FINAL_TYPE (DebriefSweepRun, debrief_sweep_run, G_TYPE_OBJECT)

/* ---- keys ---- */

typedef struct
{
  const char *key;
  const char *const *aliases;   /* in order of preference; the canonical key first */
} Canonical;

#define ALIASES(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* The settings people sweep, each with the names trainers give it. The order is
 * the order of the columns. */
static const Canonical canonical_keys[] = {
  { DEBRIEF_SWEEP_KEY_LEARNING_RATE, ALIASES ("learning_rate", "lr", "learning-rate", "peak_lr", "max_lr") },
  { DEBRIEF_SWEEP_KEY_LORA_RANK, ALIASES ("lora_rank", "lora_r", "r", "rank") },
  { DEBRIEF_SWEEP_KEY_LORA_ALPHA, ALIASES ("lora_alpha", "alpha") },
  { "lora_dropout", ALIASES ("lora_dropout") },
  { "target_modules", ALIASES ("target_modules", "lora_target", "lora_target_modules") },
  { "batch_size", ALIASES ("batch_size", "train_batch_size", "per_device_train_batch_size", "bs") },
  { "gradient_accumulation_steps", ALIASES ("gradient_accumulation_steps", "grad_accum", "gradient_accumulation") },
  { "num_epochs", ALIASES ("num_epochs", "num_train_epochs", "epochs", "n_epochs") },
  { "max_steps", ALIASES ("max_steps", "num_train_steps", "train_steps") },
  { "lr_schedule", ALIASES ("lr_schedule", "lr_scheduler_type", "lr_scheduler", "scheduler") },
  { "warmup_steps", ALIASES ("warmup_steps", "num_warmup_steps") },
  { "warmup_ratio", ALIASES ("warmup_ratio") },
  { "weight_decay", ALIASES ("weight_decay", "wd") },
  { "max_grad_norm", ALIASES ("max_grad_norm", "grad_clip_norm", "gradient_clipping", "clip_grad_norm", "grad_clip") },
  { DEBRIEF_SWEEP_KEY_BASE_MODEL, ALIASES ("base_model", "model_name", "base_model_name_or_path",
                                           "model_name_or_path", "pretrained_model_name_or_path", "model") },
  { DEBRIEF_SWEEP_KEY_SEED, ALIASES ("seed", "random_seed", "train_seed") },
};

/* Sections trainers nest their settings in: "training_args.learning_rate" is
 * the learning rate; "dataset_builder.common_config.batch_size" is not
 * necessarily the trainer's batch size and keeps its own name. */
static const char *const setting_sections[] = {
  "config", "args", "training_args", "train", "training", "trainer", "optimizer", "optim", "hparams",
  "hyperparameters", "peft_config", "lora_config", "lora", "default", "model_args", "cfg", NULL
};

/* Identifiers differ between any two runs without being settings. */
static const char *const identifier_names[] = {
  "name", "run_name", "exp_name", "experiment", "experiment_name", "project", "entity", "group", "notes",
  "tags", "output_dir", "logging_dir", "log_dir", "save_dir", "run_id", "id", "uuid", "hub_model_id",
  "hub_token", "resume_from_checkpoint", "base_url", "url", "host", "hostname", "timestamp", "date", "time",
  "run_dir", "wandb", "report_to", "push_to_hub", "overwrite_output_dir", NULL
};
static const char *const identifier_suffixes[] = { "_path", "_dir", "_url", "_uri", "_file", "_id", "_name", "_token", NULL };
static const char *const identifier_prefixes[] = { "wandb", "mlflow", "hub_", "logging_", "tensorboard", NULL };

static gboolean
in_list (const char        *word,
         const char *const *list,
         gsize              length)
{
  for (guint i = 0; list[i]; i++)
    if (strlen (list[i]) == length && strncmp (word, list[i], length) == 0)
      return TRUE;
  return FALSE;
}

static const Canonical *
find_canonical (const char *leaf)
{
  for (guint i = 0; i < G_N_ELEMENTS (canonical_keys); i++)
    for (guint j = 0; canonical_keys[i].aliases[j]; j++)
      if (strcmp (leaf, canonical_keys[i].aliases[j]) == 0)
        return &canonical_keys[i];
  return NULL;
}

/* Preference of @raw among the aliases of @c (0 best). */
static guint
alias_rank (const Canonical *c,
            const char      *leaf)
{
  for (guint j = 0; c->aliases[j]; j++)
    if (strcmp (leaf, c->aliases[j]) == 0)
      return j;
  return G_MAXUINT;
}

static gboolean
sections_only (const char *raw,
               const char *leaf)
{
  for (const char *p = raw; p < leaf; )
    {
      const char *dot = strchr (p, '.');
      if (dot == NULL || dot >= leaf || !in_list (p, setting_sections, dot - p))
        return FALSE;
      p = dot + 1;
    }
  return TRUE;
}

static gboolean
is_identifier (const char *leaf)
{
  gsize len = strlen (leaf);

  if (in_list (leaf, identifier_names, len))
    return TRUE;
  for (guint i = 0; identifier_suffixes[i]; i++)
    if (g_str_has_suffix (leaf, identifier_suffixes[i]))
      return TRUE;
  for (guint i = 0; identifier_prefixes[i]; i++)
    if (g_str_has_prefix (leaf, identifier_prefixes[i]))
      return TRUE;
  return FALSE;
}

static const Canonical *
canonical_for (const char *raw)
{
  const char *leaf = strrchr (raw, '.');

  leaf = leaf ? leaf + 1 : raw;
  if (!sections_only (raw, leaf))
    return NULL;
  return find_canonical (leaf);
}

const char *
debrief_sweep_canonical_key (const char *raw)
{
  const Canonical *c;
  const char *leaf;

  g_return_val_if_fail (raw != NULL, NULL);

  c = canonical_for (raw);
  if (c != NULL)
    return c->key;
  leaf = strrchr (raw, '.');
  leaf = leaf ? leaf + 1 : raw;
  if (is_identifier (leaf))
    return NULL;
  return raw;
}

guint
_debrief_sweep_canonical_order (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (canonical_keys); i++)
    if (strcmp (key, canonical_keys[i].key) == 0)
      return i;
  return G_MAXUINT;
}

/* ---- settings ---- */

static void
param_slot_clear (SweepParamSlot *slot)
{
  g_free (slot->key);
  g_free (slot->text);
  g_free (slot->raw_key);
}

static SweepParamSlot *
find_slot (GArray     *params,
           const char *key)
{
  for (guint i = 0; i < params->len; i++)
    {
      SweepParamSlot *slot = &g_array_index (params, SweepParamSlot, i);
      if (strcmp (slot->key, key) == 0)
        return slot;
    }
  return NULL;
}

static void
add_param (GArray     *params,
           const char *key,
           const char *text,
           double      number,
           const char *raw_key)
{
  SweepParamSlot slot = { { 0 } };

  slot.key = g_strdup (key);
  slot.text = g_strdup (text);
  slot.raw_key = g_strdup (raw_key);
  slot.param.number = number;
  g_array_append_val (params, slot);
}

static void
add_number (GArray     *params,
            const char *key,
            double      number,
            const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (number) || find_slot (params, key) != NULL)
    return;
  add_param (params, key, g_ascii_formatd (buffer, sizeof buffer, format, number), number, "config");
}

/* The typed configuration holds what readers derived without a key of their own
 * (the Trainer's batch size from trainer_state.json, the peak of the logged
 * learning rate); it fills what the parameters did not say. */
static void
add_typed_config (GArray     *params,
                  DebriefRun *run)
{
  DebriefRunConfig *config = debrief_run_get_config (run);

  add_number (params, DEBRIEF_SWEEP_KEY_LEARNING_RATE, config->learning_rate, "%.6g");
  if (config->lora_rank > 0)
    add_number (params, DEBRIEF_SWEEP_KEY_LORA_RANK, (double) config->lora_rank, "%.0f");
  add_number (params, DEBRIEF_SWEEP_KEY_LORA_ALPHA, config->lora_alpha, "%g");
  if (config->batch_size > 0)
    add_number (params, "batch_size", (double) config->batch_size, "%.0f");
  add_number (params, "num_epochs", config->num_epochs, "%g");
  if (config->max_steps > 0)
    add_number (params, "max_steps", (double) config->max_steps, "%.0f");
  if (config->target_modules != NULL && find_slot (params, "target_modules") == NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", config->target_modules);
      add_param (params, "target_modules", joined, NAN, "config");
    }
  if (config->base_model != NULL && find_slot (params, DEBRIEF_SWEEP_KEY_BASE_MODEL) == NULL)
    add_param (params, DEBRIEF_SWEEP_KEY_BASE_MODEL, config->base_model, NAN, "config");
  if (config->lr_schedule != NULL && find_slot (params, "lr_schedule") == NULL)
    add_param (params, "lr_schedule", config->lr_schedule, NAN, "config");
}

/* Runs named "…-seed3" that do not log their seed. */
static void
add_seed_from_name (GArray     *params,
                    const char *name)
{
  static GRegex *seed_regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (name == NULL || find_slot (params, DEBRIEF_SWEEP_KEY_SEED) != NULL)
    return;
  if (g_once_init_enter (&seed_regex))
    g_once_init_leave (&seed_regex, g_regex_new ("(?:^|[^a-z])seed[-_=]?([0-9]+)(?:$|[^0-9])",
                                                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL));
  if (g_regex_match (seed_regex, name, 0, &match))
    {
      g_autofree char *digits = g_match_info_fetch (match, 1);
      add_param (params, DEBRIEF_SWEEP_KEY_SEED, digits, g_ascii_strtod (digits, NULL), "name");
    }
}

static GArray *
collect_params (DebriefRun *run)
{
  GArray *params = g_array_new (FALSE, TRUE, sizeof (SweepParamSlot));
  guint n = debrief_run_get_n_params (run);
  g_autofree guint *preference = g_new0 (guint, G_N_ELEMENTS (canonical_keys));

  g_array_set_clear_func (params, (GDestroyNotify) param_slot_clear);

  /* Canonical settings first, each from its most usual alias. */
  for (guint i = 0; i < n; i++)
    {
      const DebriefRunParam *p = debrief_run_get_param (run, i);
      const Canonical *c = canonical_for (p->key);
      const char *leaf = strrchr (p->key, '.');
      guint index, rank;

      if (c == NULL)
        continue;
      leaf = leaf ? leaf + 1 : p->key;
      index = (guint) (c - canonical_keys);
      rank = alias_rank (c, leaf) + 1;
      /* "model" is a setting only as a name; PEFT's "r" only next to LoRA keys is sure,
       * but a config that says "r" means the rank often enough. */
      if (strcmp (c->key, DEBRIEF_SWEEP_KEY_BASE_MODEL) == 0 && isfinite (p->number))
        continue;
      if (preference[index] != 0 && preference[index] <= rank)
        continue;
      if (preference[index] != 0)
        {
          SweepParamSlot *slot = find_slot (params, c->key);
          g_free (slot->text);
          g_free (slot->raw_key);
          slot->text = g_strdup (p->text);
          slot->raw_key = g_strdup (p->key);
          slot->param.number = p->number;
        }
      else
        add_param (params, c->key, p->text, p->number, p->key);
      preference[index] = rank;
    }
  add_typed_config (params, run);
  add_seed_from_name (params, debrief_run_get_name (run));

  /* Then every other setting as written. An alias that lost to a preferred
   * one keeps its own name: it may say something else (a per-device batch). */
  for (guint i = 0; i < n; i++)
    {
      const DebriefRunParam *p = debrief_run_get_param (run, i);
      const char *key = debrief_sweep_canonical_key (p->key);
      SweepParamSlot *slot;

      if (key == NULL)
        continue;
      slot = find_slot (params, key);
      if (slot != NULL && g_strcmp0 (slot->raw_key, p->key) == 0)
        continue;
      if (slot != NULL || canonical_for (p->key) != NULL)
        key = p->key;
      if (find_slot (params, key) == NULL)
        add_param (params, key, p->text, p->number, p->key);
    }

  for (guint i = 0; i < params->len; i++)
    {
      SweepParamSlot *slot = &g_array_index (params, SweepParamSlot, i);
      slot->param.key = slot->key;
      slot->param.text = slot->text;
      slot->param.raw_key = slot->raw_key;
    }
  return params;
}

/* ---- results ---- */

/* Window of the "final" and "best" medians: 5% of the points, 1 to 100. */
static gsize
result_window (gsize n)
{
  return CLAMP (n / 20, 1, 100);
}

static double *
finite_values (DebriefSeries *series,
               gsize         *out_n,
               gint64       **out_steps)
{
  gsize n = series ? debrief_series_get_length (series) : 0;
  const double *values = n ? debrief_series_get_values (series) : NULL;
  const gint64 *steps = n ? debrief_series_get_steps (series) : NULL;
  double *out = g_new (double, MAX (n, 1));
  gint64 *out_s = out_steps ? g_new (gint64, MAX (n, 1)) : NULL;
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        if (out_s)
          out_s[m] = steps[i];
        out[m++] = values[i];
      }
  *out_n = m;
  if (out_steps)
    *out_steps = out_s;
  return out;
}

/* Median of the last window, and the best (lowest or, with @higher, highest)
 * median over consecutive windows. */
static void
window_medians (DebriefSeries *series,
                gboolean       higher,
                double        *final,
                double        *best,
                double        *window)
{
  gsize n, w;
  g_autofree double *v = finite_values (series, &n, NULL);
  g_autofree double *scratch = NULL;

  *final = *best = NAN;
  if (n == 0)
    return;
  w = result_window (n);
  scratch = g_new (double, w);
  *final = debrief_stats_median_with (v + n - w, w, scratch);
  *best = *final;
  for (gsize start = 0; start + w <= n; start += w)
    {
      double m = debrief_stats_median_with (v + start, w, scratch);
      if (higher ? m > *best : m < *best)
        *best = m;
    }
  if (window)
    *window = (double) w;
}

/* The standard error of the final train loss (a median of w noisy points:
 * 1.2533 σ / √w), with the step noise σ the analysis measured. */
static void
set_train_noise (DebriefSweepRun *self)
{
  double sigma = self->analysis ? debrief_analysis_get_noise_sigma (self->analysis) : NAN;

  self->results.final_train_loss_noise = self->window > 0 && isfinite (sigma) ? 1.2533 * sigma / sqrt (self->window)
                                                                               : NAN;
}

static double
tail_noise (DebriefSeries *series)
{
  gsize n;
  g_autofree double *v = finite_values (series, &n, NULL);

  /* Over the second half: where the runs are compared, and past the fast early drop. */
  if (n < 6)
    return NAN;
  return debrief_stats_noise_sigma (v + n / 2, n - n / 2);
}

static double
last_finite (DebriefSeries *series)
{
  gsize n = series ? debrief_series_get_length (series) : 0;

  for (gsize i = n; i > 0; i--)
    if (isfinite (debrief_series_get_value (series, i - 1)))
      return debrief_series_get_value (series, i - 1);
  return NAN;
}

/* Seconds a timing series adds up to: its last value when it counts up
 * (elapsed time), the sum of its values when it times each step
 * (tinker-cookbook's "time/total" is the step's own time). */
static double
total_time (DebriefSeries *series)
{
  gsize n = series ? debrief_series_get_length (series) : 0;
  double sum = 0, previous = -INFINITY;
  gboolean counting_up = TRUE;
  guint finite = 0;

  for (gsize i = 0; i < n; i++)
    {
      double v = debrief_series_get_value (series, i);
      if (!isfinite (v) || v < 0)
        continue;
      finite++;
      sum += v;
      counting_up = counting_up && v >= previous;
      previous = v;
    }
  if (finite == 0)
    return NAN;
  return counting_up && finite > 2 ? previous : sum;
}

static const char *const duration_keys[] = {
  "time/total", "wall_time_s", "wall_time", "elapsed_time", "time_elapsed", "_runtime", "runtime", "time/step", NULL
};

static void
compute_results (DebriefSweepRun *self)
{
  DebriefSweepResults *r = &self->results;
  DebriefSeries *train = debrief_run_get_train_loss (self->run);
  DebriefSeries *val = debrief_run_get_val_loss (self->run);
  DebriefSeries *tokens = debrief_run_get_series_by_kind (self->run, DEBRIEF_SERIES_TOKENS);

  window_medians (train, FALSE, &r->final_train_loss, &r->best_train_loss, &self->window);
  set_train_noise (self);
  r->final_val_loss = last_finite (val);
  r->best_val_loss = val ? debrief_series_get_min (val) : NAN;
  r->best_val_step = -1;
  if (val != NULL && isfinite (r->best_val_loss))
    r->best_val_step = debrief_series_get_step (val, debrief_series_get_min_index (val));
  r->val_loss_noise = tail_noise (val);
  r->last_step = -1;
  if (train != NULL && debrief_series_get_length (train) > 0)
    r->last_step = debrief_series_get_last_step (train);
  else if (val != NULL && debrief_series_get_length (val) > 0)
    r->last_step = debrief_series_get_last_step (val);

  /* The metric the run's kind is shown by, when it is not a loss (RL: the reward). */
  r->primary_final = r->primary_best = NAN;
  {
    const char *primary = debrief_run_get_primary_metric (self->run);
    DebriefSeries *s = primary ? debrief_run_get_series_by_name (self->run, primary) : NULL;

    if (s != NULL && debrief_series_get_kind (s) == DEBRIEF_SERIES_OTHER && debrief_series_get_length (s) > 0)
      {
        self->primary_metric = g_strdup (primary);
        r->primary_metric = self->primary_metric;
        /* A KL or a loss goes down; rewards, scores and accuracies go up. */
        r->primary_better = strstr (primary, "kl") != NULL || strstr (primary, "loss") != NULL ? -1 : 1;
        window_medians (s, r->primary_better > 0, &r->primary_final, &r->primary_best, NULL);
      }
  }

  r->tokens = NAN;
  if (tokens != NULL && debrief_series_get_length (tokens) > 0)
    {
      double sum = 0;
      for (gsize i = 0; i < debrief_series_get_length (tokens); i++)
        if (isfinite (debrief_series_get_value (tokens, i)))
          sum += debrief_series_get_value (tokens, i);
      r->tokens = sum;
    }

  r->duration = NAN;
  for (guint i = 0; duration_keys[i] && !isfinite (r->duration); i++)
    r->duration = total_time (debrief_run_get_series_by_name (self->run, duration_keys[i]));

  r->win_rate = NAN;
  if (debrief_run_get_path (self->run) != NULL)
    {
      g_autofree char *path = g_build_filename (debrief_run_get_path (self->run), "judgements.jsonl", NULL);
      DebriefJudgeSummary summary = { 0 };

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
          debrief_judge_summary_load (path, &summary, NULL, NULL) && summary.judged > 0)
        r->win_rate = summary.win_rate;
    }
}

/* ---- verdict ---- */

/* Findings that say a run went unstable: it did not train as it should, even
 * when its verdict is only "needs attention". */
static const char *const instability_ids[] = {
  DEBRIEF_FINDING_DIVERGED, DEBRIEF_FINDING_LOSS_SPIKES, DEBRIEF_FINDING_NO_IMPROVEMENT,
  DEBRIEF_FINDING_REWARD_COLLAPSE, DEBRIEF_FINDING_KL_BLOWUP, DEBRIEF_FINDING_BROKEN_RUN, NULL
};

static void
compute_verdict (DebriefSweepRun *self)
{
  GListModel *findings;
  DebriefRunVerdict verdict;

  self->failing = g_ptr_array_new_with_free_func (g_free);
  if (self->analysis == NULL)
    {
      self->verdict = "pending";
      g_ptr_array_add (self->failing, NULL);
      return;
    }
  /* The findings that failed it: its errors, and the warnings that its
   * training went unstable (the loss rose or spiked, the reward collapsed). */
  findings = debrief_analysis_get_findings (self->analysis);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);
      DebriefSeverity severity = debrief_finding_get_severity (f);
      gboolean instability = g_strv_contains (instability_ids, debrief_finding_get_id (f));

      if (severity == DEBRIEF_SEVERITY_ERROR || (severity == DEBRIEF_SEVERITY_WARNING && instability))
        g_ptr_array_add (self->failing, g_strdup (debrief_finding_get_id (f)));
      self->unstable |= severity >= DEBRIEF_SEVERITY_WARNING && instability;
    }
  g_ptr_array_add (self->failing, NULL);

  verdict = debrief_analysis_get_run_verdict (self->analysis);
  self->verdict = debrief_run_verdict_to_string (verdict);
  self->failed = verdict == DEBRIEF_RUN_VERDICT_FAILED;
}

/* ---- object ---- */

static void
debrief_sweep_run_finalize (GObject *object)
{
  DebriefSweepRun *self = (DebriefSweepRun *) object;

  g_clear_object (&self->run);
  g_clear_object (&self->analysis);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->failing, g_ptr_array_unref);
  g_clear_pointer (&self->params, g_array_unref);
  g_clear_pointer (&self->primary_metric, g_free);

  G_OBJECT_CLASS (debrief_sweep_run_parent_class)->finalize (object);
}

static void
debrief_sweep_run_class_init (DebriefSweepRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = debrief_sweep_run_finalize;
}

static void
debrief_sweep_run_init (DebriefSweepRun *self)
{
}

DebriefSweepRun *
_debrief_sweep_run_prepare (DebriefRun *run,
                            gboolean    pending)
{
  DebriefSweepRun *self;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  self = g_object_new (DEBRIEF_TYPE_SWEEP_RUN, NULL);
  self->run = g_object_ref (run);
  if (!pending && debrief_run_get_analysis (run) != NULL)
    self->analysis = g_object_ref (debrief_run_get_analysis (run));
  self->name = g_strdup (debrief_run_get_name (run));
  self->kind = debrief_method_to_string (debrief_run_get_method (run));
  self->params = pending ? g_array_new (FALSE, TRUE, sizeof (SweepParamSlot)) : collect_params (run);
  compute_verdict (self);
  self->results.best_val_step = self->results.last_step = -1;
  self->results.final_train_loss = self->results.best_train_loss = NAN;
  self->results.final_val_loss = self->results.best_val_loss = NAN;
  self->results.primary_final = self->results.primary_best = NAN;
  self->results.win_rate = self->results.tokens = self->results.duration = NAN;
  self->results.final_train_loss_noise = self->results.val_loss_noise = NAN;
  return self;
}

void
_debrief_sweep_run_compute (DebriefSweepRun *self)
{
  compute_results (self);
  self->computed = TRUE;
}

gboolean
_debrief_sweep_run_is_computed (DebriefSweepRun *self)
{
  return self->computed;
}

DebriefSweepRun *
_debrief_sweep_run_reanalysed (DebriefSweepRun *line)
{
  DebriefSweepRun *self = _debrief_sweep_run_prepare (line->run, FALSE);

  /* The results come from the series alone: the same for the new analysis. */
  self->results = line->results;
  self->primary_metric = g_strdup (line->primary_metric);
  self->results.primary_metric = self->primary_metric;
  self->computed = line->computed;
  self->window = line->window;
  set_train_noise (self);
  return self;
}

DebriefSweepRun *
debrief_sweep_run_new (DebriefRun *run)
{
  DebriefSweepRun *self = _debrief_sweep_run_prepare (run, FALSE);

  _debrief_sweep_run_compute (self);
  return self;
}

DebriefRun *
debrief_sweep_run_get_run (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return self->run;
}

DebriefAnalysis *
debrief_sweep_run_get_analysis (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return self->analysis;
}

const char *
debrief_sweep_run_get_name (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return self->name;
}

const char *
debrief_sweep_run_get_kind (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return self->kind;
}

const char *
debrief_sweep_run_get_verdict (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return self->verdict;
}

gboolean
debrief_sweep_run_get_failed (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), FALSE);
  return self->failed;
}

gboolean
debrief_sweep_run_get_unstable (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), FALSE);
  return self->unstable;
}

const char *const *
debrief_sweep_run_get_failing_findings (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return (const char *const *) self->failing->pdata;
}

guint
debrief_sweep_run_get_n_params (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), 0);
  return self->params->len;
}

const DebriefSweepParam *
debrief_sweep_run_get_param (DebriefSweepRun *self,
                             guint            i)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  g_return_val_if_fail (i < self->params->len, NULL);
  return &g_array_index (self->params, SweepParamSlot, i).param;
}

const DebriefSweepParam *
debrief_sweep_run_lookup_param (DebriefSweepRun *self,
                                const char      *key)
{
  SweepParamSlot *slot;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);

  slot = find_slot (self->params, key);
  return slot ? &slot->param : NULL;
}

const DebriefSweepResults *
debrief_sweep_run_get_results (DebriefSweepRun *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NULL);
  return &self->results;
}

double
debrief_sweep_run_get_result (DebriefSweepRun *self,
                              const char      *key)
{
  const DebriefSweepResults *r;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (self), NAN);

  r = &self->results;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_FINAL_TRAIN_LOSS) == 0)
    return r->final_train_loss;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_BEST_TRAIN_LOSS) == 0)
    return r->best_train_loss;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_FINAL_VAL_LOSS) == 0)
    return r->final_val_loss;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_BEST_VAL_LOSS) == 0)
    return r->best_val_loss;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_BEST_VAL_STEP) == 0)
    return r->best_val_step >= 0 ? (double) r->best_val_step : NAN;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_PRIMARY) == 0)
    return r->primary_final;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_WIN_RATE) == 0)
    return r->win_rate;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_TOKENS) == 0)
    return r->tokens;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_DURATION) == 0)
    return r->duration;
  if (strcmp (key, DEBRIEF_SWEEP_KEY_STEPS) == 0)
    return r->last_step >= 0 ? (double) r->last_step : NAN;
  return NAN;
}
