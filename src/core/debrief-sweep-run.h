/* debrief-sweep-run.h: one run's line in a sweep (its settings and its results)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built from a loaded run (and its analysis, when there is one) in a worker
 * thread, then immutable: what the runs table shows and what DebriefSweep
 * compares. Settings come from whatever the readers collected (the run's
 * parameters, debrief_run_get_param(), then its DebriefRunConfig), with the
 * usual aliases merged under one key ("lr" and "learning_rate" are
 * "learning_rate"; PEFT's "r" is "lora_rank"), and identifiers left out (paths,
 * names, W&B and MLflow bookkeeping): they differ between any two runs without
 * being a setting. Results are robust numbers: the final train loss is the
 * median of the last 5% of the steps, not the last noisy point.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

/* Canonical keys of the usual settings (the JSON "key" of their columns). */
#define DEBRIEF_SWEEP_KEY_LEARNING_RATE "learning_rate"
#define DEBRIEF_SWEEP_KEY_LORA_RANK     "lora_rank"
#define DEBRIEF_SWEEP_KEY_LORA_ALPHA    "lora_alpha"
#define DEBRIEF_SWEEP_KEY_SEED          "seed"
#define DEBRIEF_SWEEP_KEY_BASE_MODEL    "base_model"

/* Keys of the results (columns and --sort). */
#define DEBRIEF_SWEEP_KEY_FINAL_TRAIN_LOSS "final_train_loss"
#define DEBRIEF_SWEEP_KEY_BEST_TRAIN_LOSS  "best_train_loss"
#define DEBRIEF_SWEEP_KEY_FINAL_VAL_LOSS   "final_val_loss"
#define DEBRIEF_SWEEP_KEY_BEST_VAL_LOSS    "best_val_loss"
#define DEBRIEF_SWEEP_KEY_BEST_VAL_STEP    "best_val_step"
#define DEBRIEF_SWEEP_KEY_PRIMARY          "primary_metric"
#define DEBRIEF_SWEEP_KEY_WIN_RATE         "win_rate"
#define DEBRIEF_SWEEP_KEY_TOKENS           "tokens"
#define DEBRIEF_SWEEP_KEY_DURATION         "duration_s"
#define DEBRIEF_SWEEP_KEY_STEPS            "steps"

/* One setting of a run, under its canonical key. */
struct _DebriefSweepParam
{
  const char *key;        /* canonical ("learning_rate") or as written ("dataset_builder.max_length") */
  const char *text;       /* "0.003", "true", "q_proj, v_proj" */
  double number;          /* NAN when not a number */
  const char *raw_key;    /* the key as the file wrote it ("lr"), or "config" for the run's typed config */
};

/* Results; NAN (or -1 for steps) where the run did not log what they need. */
struct _DebriefSweepResults
{
  double final_train_loss;   /* median of the last 5% of the train loss (at least 1, at most 100 points) */
  double best_train_loss;    /* lowest median over consecutive windows of that size */
  double final_val_loss;     /* last finite validation loss */
  double best_val_loss;      /* lowest validation loss */
  gint64 best_val_step;
  gint64 last_step;          /* of the train loss, else of the validation loss */
  const char *primary_metric; /* the series the run's kind is shown by, when not a loss (RL: the reward); NULL */
  double primary_final;      /* median of its last 5% */
  double primary_best;       /* best window median (highest reward) */
  int primary_better;        /* +1 higher is better (rewards), -1 lower (a KL to a teacher) */
  double win_rate;           /* judgements.jsonl beside the run, 0..1 */
  double tokens;             /* tokens trained on (sum of the per-step tokens) */
  double duration;           /* seconds, from the run's own timing series */
  /* What a difference between runs has to beat when there are no seeds to compare:
   * the standard error of final_train_loss and the step-to-step noise of the
   * validation loss. */
  double final_train_loss_noise;
  double val_loss_noise;
};

#define DEBRIEF_TYPE_SWEEP_RUN (debrief_sweep_run_get_type ())
G_DECLARE_FINAL_TYPE (DebriefSweepRun, debrief_sweep_run, DEBRIEF, SWEEP_RUN, GObject)

/* Reads @run (its series, configuration, analysis if it has one, and a
 * judgements.jsonl in its folder). Safe in a worker thread as long as nobody
 * changes the run meanwhile (as debrief_analysis_run). */
DebriefSweepRun  *debrief_sweep_run_new            (DebriefRun       *run);

DebriefRun       *debrief_sweep_run_get_run        (DebriefSweepRun  *self);
/* The analysis it was built with, or NULL (still analysing). */
DebriefAnalysis  *debrief_sweep_run_get_analysis   (DebriefSweepRun  *self);
const char       *debrief_sweep_run_get_name       (DebriefSweepRun  *self);
/* "sft", "rl", ... (debrief_method_to_string). */
const char       *debrief_sweep_run_get_kind       (DebriefSweepRun  *self);
/* "healthy", "attention", "failed", "too_short", "no_data", or "pending"
 * while the run is not analysed yet. */
const char       *debrief_sweep_run_get_verdict    (DebriefSweepRun  *self);
/* Verdict "failed": its results are not ranked. */
gboolean          debrief_sweep_run_get_failed     (DebriefSweepRun  *self);
/* A warning of its own says its training went unstable (the loss rose or
 * spiked, it diverged, the reward collapsed): a failure in a sweep, ranked
 * with the rest for what it reached. */
gboolean          debrief_sweep_run_get_unstable   (DebriefSweepRun  *self);
/* The ids of the findings that made the run fail: its errors and its
 * instability warnings, NULL-terminated. */
const char *const *debrief_sweep_run_get_failing_findings (DebriefSweepRun *self);

guint             debrief_sweep_run_get_n_params   (DebriefSweepRun  *self);
const DebriefSweepParam *debrief_sweep_run_get_param (DebriefSweepRun *self,
                                                    guint             i);
const DebriefSweepParam *debrief_sweep_run_lookup_param (DebriefSweepRun *self,
                                                    const char       *key);

const DebriefSweepResults *debrief_sweep_run_get_results (DebriefSweepRun *self);
/* A result by its key (DEBRIEF_SWEEP_KEY_*): NAN when unknown or not a result. */
double            debrief_sweep_run_get_result     (DebriefSweepRun  *self,
                                                    const char       *key);

/* The canonical key for a key as written ("lr" → "learning_rate"; PEFT's "r"
 * → "lora_rank"), or @raw itself; NULL for identifiers that are no setting
 * (paths, names, tracker bookkeeping). */
const char       *debrief_sweep_canonical_key      (const char       *raw);

G_END_DECLS
