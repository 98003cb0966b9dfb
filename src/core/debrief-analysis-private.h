/* debrief-analysis-private.h: what the families of checks share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DebriefAnalysis is one object in several files, as GNOME Text Editor's
 * EditorPage: debrief-analysis.c owns the object, copies the run's inputs and
 * runs the checks in order; each debrief-analysis-*.c file holds one family of
 * checks and reads and writes the context below. A check adds at most one
 * finding, and records in the context what later checks must know (the loss
 * diverged, so it cannot also be slow).
 */
#pragma once

#include <gio/gio.h>

#include "debrief-action.h"
#include "debrief-analysis.h"
#include "debrief-capacity.h"
#include "debrief-finding.h"
#include "debrief-run.h"
#include "debrief-series.h"
#include "debrief-stats-private.h"

G_BEGIN_DECLS

/* ---- thresholds more than one family uses -------------------------------- */

/* Shape checks need enough points to tell a trend from noise. */
#define CURVE_MIN_POINTS 20
/* Start and end levels are medians of at least this many points. */
#define LEVEL_MIN_POINTS 3
/* Validation-based judgements (overfitting, and validation agreeing with a slow
 * train curve) need at least 4 evaluations. */
#define OVERFIT_MIN_EVALS 4
/* A run that reached its planned end will log nothing more: what it logged is the
 * whole answer, and 10 points of it can be judged (a one-epoch DPO logs 15, a
 * ten-epoch run that logs every 500 steps 10). */
#define FINISHED_MIN_POINTS 10
/* A third of the rate that spiked or diverged (LR instability sets in within a
 * factor of 2–4 above the best rate). */
#define SPIKE_LR_DIVISOR 3.0

/* ---- the object ---------------------------------------------------------- */

struct _DebriefAnalysis
{
  GObject parent_instance;

  GListStore *findings;
  DebriefCapacityResult *capacity;
  double convergence_percent;
  gboolean seed_overfitting_warning;
  gint64 best_step;
  double best_val_loss;
  double noise_sigma;
  double rule_of_thumb_lr;
  double learning_rate;
  char *verdict;
  DebriefRunVerdict run_verdict;
  DebriefMethod method;
  gboolean lora_advice;
  const char *capacity_label;  /* static translated words for the capacity status */
  gboolean capacity_applies;   /* FALSE: not a question for this kind of run (full fine-tune, reward model) */
  GPtrArray *judged;        /* DebriefSeries, with judged_labels in step */
  GPtrArray *judged_labels; /* const char *, static translated strings */
  GPtrArray *notes;
};

/* ---- inputs copied off the run ------------------------------------------- */

typedef struct
{
  char *run_name;
  char *format;
  DebriefRunConfig config;
  DebriefMethod method;
  DebriefAdapter adapter;
  GPtrArray *series;        /* every series of the run, for the checks that look keys up */
  gint64 last_step;         /* the last step any series logged, -1 when none */
  DebriefSeries *train;     /* owned refs; series are immutable once finished */
  DebriefSeries *val;
  DebriefSeries *lr;
  DebriefSeries *epoch;
  DebriefSeries *tokens;
  DebriefSeries *grad_norm;
  char *crash;              /* how the run ended when it crashed, NULL otherwise */
  /* How far the trainer says it got towards its planned steps (0–1), NAN when
   * it does not say; and whether its files say it is over. */
  double progress;
  gboolean finished_by_files;
  GArray *checkpoint_steps; /* gint64 */
  GPtrArray *checkpoint_names;
} DebriefAnalysisInputs;

/* ---- curve summary (debrief-analysis-curve.c) ---------------------------- */

typedef struct
{
  gsize n;                 /* finite points */
  const gint64 *steps;     /* the series' own arrays when all values are finite, else the */
  const double *y;         /* finite points copied into steps_owned and y_owned */
  gint64 *steps_owned;
  double *y_owned;
  double min;              /* of y */
  /* The analysis's one work area for medians (every check of the train loss
   * uses it; nothing is allocated per median): scratch_size doubles. */
  double *scratch;
  gsize scratch_size;
  double sigma;
  double head, tail, drop;
  gsize nb;
  double *bx, *smooth;
  gboolean fit_ok;
  DebriefExpFit fit;
  double tau_share;        /* tau / span */
  double remaining_share;  /* fitted drop still to come / fitted drop achieved */
} DebriefCurve;

void        _debrief_curve_init       (DebriefCurve        *c,
                                       DebriefSeries       *series);
/* The two halves of _debrief_curve_init: the points (steps, values, minimum),
 * then the summary (noise, levels, bins, fit) — for work on the points that
 * can start in between. */
void        _debrief_curve_setup      (DebriefCurve        *c,
                                       DebriefSeries       *series);
void        _debrief_curve_summarise  (DebriefCurve        *c);
/* The step of point @i, as the fits and the messages use it. */
static inline double
_debrief_curve_x (const DebriefCurve *c,
                  gsize               i)
{
  return (double) c->steps[i];
}
void        _debrief_curve_clear      (DebriefCurve        *c);
/* Smoothed value of the curve at @step (nearest bin). */
double      _debrief_curve_level_at   (const DebriefCurve  *c,
                                       double               step);
/* Median of the raw points from share @from to share @to of the points (0–1),
 * widened to at least LEVEL_MIN_POINTS; @k gets how many it took. NaN when empty. */
double      _debrief_curve_window_median (const DebriefCurve *c,
                                       double               from,
                                       double               to,
                                       gsize               *k);
/* How far a difference of two such medians is from zero, in standard errors: the
 * standard error of a median of k points with noise sigma is about 1.2533 σ / √k. */
double      _debrief_curve_median_diff_z (const DebriefCurve *c,
                                       double               diff,
                                       gsize                k1,
                                       gsize                k2);
/* Least-squares slope of the raw points from share @from to the end, and its
 * t statistic with the curve's own noise sigma (NaN when too few points). */
double      _debrief_curve_slope_t    (const DebriefCurve  *c,
                                       double               from,
                                       double              *slope);
/* _debrief_curve_window_median() of a whole series, for checks that need one level
 * of it; @n gets the series' finite points. */
double      _debrief_series_window_median (DebriefSeries   *series,
                                       double               from,
                                       double               to,
                                       gsize               *n);
/* The smoothed bin with the highest value. */
gsize       _debrief_curve_peak_bin   (const DebriefCurve  *c);

/* ---- the context the checks share ---------------------------------------- */

typedef struct
{
  DebriefAnalysis *self;
  DebriefAnalysisInputs *in;
  DebriefCurve train;
  gboolean has_train;
  double val_min;
  gsize val_min_index;
  gsize val_n;               /* finite evaluations */
  double *val_x, *val_y;
  double lr;                 /* configured or logged peak LR, NaN */
  double lr_rule;
  gboolean diverged;
  gboolean flat;
  gboolean slow;
  gboolean unstable;         /* train and validation loss rose together (a form of loss_spikes) */
  gboolean plateau_shape;    /* the curve settled early (independent of capacity) */
  gint64 plateau_step;
  /* The kind, as the checks and the advice take it (debrief-analysis-advice.c): */
  DebriefMethod method;      /* UNKNOWN is judged as SFT */
  gboolean lora;             /* LoRA advice applies: the run is a LoRA (its files say so) */
  gboolean adapter_unknown;  /* nothing says LoRA or full: advice covers both, and says so */
  gboolean loss_checks;      /* the train loss measures progress (not GRPO's) */
  gboolean broken;           /* broken_run: the other checks have nothing real to judge */
  DebriefSeries *primary;    /* the series the verdict counts points of, NULL when none */
  struct _DebriefSpikeScan *spike_scan;  /* started early on long curves (loss.c) */
} DebriefAnalysisContext;

typedef struct _DebriefSpikeScan DebriefSpikeScan;

/* Takes ownership of @note. */
void        _debrief_analysis_add_note              (DebriefAnalysis        *self,
                                                     char                   *note);
/* Adds a finding and returns it (owned by the analysis) so the check can add its
 * actions; the finding is published when the analysis is. */
DebriefFinding *_debrief_analysis_add_finding       (DebriefAnalysisContext *ctx,
                                                     const char             *id,
                                                     DebriefSeverity         severity,
                                                     const char             *title,
                                                     const char             *evidence,
                                                     const char             *cause,
                                                     const char             *fix,
                                                     gint64                  step);
/* Records that a check family read @series (NULL is ignored), for the report. */
void            _debrief_analysis_judged            (DebriefAnalysisContext *ctx,
                                                     const char             *label,
                                                     DebriefSeries          *series);
/* Whether the run reached its planned end: its learning rate decayed to almost 0,
 * or its planned epochs or steps were done. */
gboolean        _debrief_analysis_run_finished      (DebriefAnalysisContext      *ctx);
/* Only the planned epochs or steps (the learning rate near 0 is not enough: a cosine
 * schedule is there a few steps before the end). */
gboolean        _debrief_analysis_run_reached_planned_steps (DebriefAnalysisContext *ctx);
/* The first of @keys the run logged (as written in its files) with at least one point. */
DebriefSeries  *_debrief_analysis_find_series       (const DebriefAnalysisInputs *in,
                                                     const char *const      *keys);

/* ---- advice (debrief-analysis-advice.c) ---------------------------------- */

/* FORMATS.md 3's rule of thumb for a LoRA learning rate; NaN without a hidden size. */
double      _debrief_analysis_rule_of_thumb_lr      (const char             *base_model,
                                                     gint64                  hidden_size);
/* 0.003, 0.025; 2.9e-04 rather than 0.00029. */
char       *_debrief_format_lr                      (double                  lr);
/* Decides ctx->method, lora, adapter_unknown and loss_checks from the inputs. */
void        _debrief_analysis_decide_kind           (DebriefAnalysisContext *ctx);
/* The learning rate this kind of run usually works at (LoRA or full, SFT, DPO or RL),
 * NaN when nothing says; @rule gets a short phrase saying which rule it is (free it). */
double      _debrief_analysis_kind_lr               (DebriefAnalysisContext *ctx,
                                                     char                  **rule);
/* A sentence raising the learning rate, with numbers where they are known;
 * @to gets the rate it suggests (NaN when none). */
char       *_debrief_analysis_suggest_higher_lr     (DebriefAnalysisContext *ctx,
                                                     double                 *to);
/* "Stop at step N (use checkpoint-M, ...)." or how to save one next time, and the
 * stop_at_step action pointing at the saved checkpoint nearest to but not after @step. */
char       *_debrief_analysis_stop_advice           (DebriefAnalysisContext *ctx,
                                                     gint64                  step,
                                                     DebriefAction         **action);
/* The advice that fits the adapter: @lora for a LoRA, @full for a full fine-tune,
 * both (each introduced as such) when the run does not say. NULL when @full is
 * NULL and the run is not known to be a LoRA. */
char       *_debrief_analysis_adapter_fix           (DebriefAnalysisContext *ctx,
                                                     const char             *lora,
                                                     const char             *full);

/* ---- the families of checks, in the order debrief-analysis.c runs them ---- */

/* debrief-analysis-loss.c */
void        _debrief_analysis_check_seed_numbers     (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_diverged         (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_no_improvement   (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_spikes           (DebriefAnalysisContext *ctx);
/* On a long train curve, starts the spike check's walk in a thread (after
 * _debrief_curve_setup); check_spikes takes its result. Finish joins and
 * frees it if the check did not run. */
void        _debrief_analysis_start_spike_scan       (DebriefAnalysisContext *ctx);
void        _debrief_analysis_finish_spike_scan      (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_instability      (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_slow_convergence (DebriefAnalysisContext *ctx);
void        _debrief_analysis_compute_plateau_shape  (DebriefAnalysisContext *ctx);
/* debrief-analysis-validation.c */
typedef struct
{
  gint64 best_step;          /* the evaluation with the lowest loss */
  guint after;               /* evaluations after it */
  double last, rise;         /* the last evaluation, and its rise above the minimum */
  double train_at_best;      /* smoothed train loss there and at the end, NaN without train */
  double train_end;
  gboolean strong;           /* a clear rise (else a mild one: information) */
} DebriefValRise;

/* Whether validation loss bottomed out and rose (clearly, or mildly but for several
 * evaluations) while train loss kept falling. */
gboolean    _debrief_analysis_detect_val_rise        (DebriefAnalysisContext *ctx,
                                                      DebriefValRise         *out);
void        _debrief_analysis_check_overfitting      (DebriefAnalysisContext *ctx);
/* debrief-analysis-capacity.c */
void        _debrief_analysis_run_capacity           (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_early_plateau    (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_undercapacity    (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_targets          (DebriefAnalysisContext *ctx);
/* debrief-analysis-broken.c: a run that did not really train (any kind) */
void        _debrief_analysis_check_broken           (DebriefAnalysisContext *ctx);
/* debrief-analysis-rl.c: reward, KL, entropy, groups, lengths */
void        _debrief_analysis_check_rl               (DebriefAnalysisContext *ctx);
/* debrief-analysis-preference.c: margins, accuracies, chosen log-probabilities */
void        _debrief_analysis_check_preference       (DebriefAnalysisContext *ctx);

G_END_DECLS
