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
  GPtrArray *notes;
};

/* ---- inputs copied off the run ------------------------------------------- */

typedef struct
{
  char *run_name;
  DebriefRunConfig config;
  DebriefSeries *train;     /* owned refs; series are immutable once finished */
  DebriefSeries *val;
  DebriefSeries *lr;
  DebriefSeries *epoch;
  DebriefSeries *tokens;
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
  gboolean plateau_shape;    /* the curve settled early (independent of capacity) */
  gint64 plateau_step;
} DebriefAnalysisContext;

/* Takes ownership of @note. */
void        _debrief_analysis_add_note              (DebriefAnalysis        *self,
                                                     char                   *note);
void        _debrief_analysis_add_finding           (DebriefAnalysisContext *ctx,
                                                     const char             *id,
                                                     DebriefSeverity         severity,
                                                     const char             *title,
                                                     const char             *evidence,
                                                     const char             *cause,
                                                     const char             *fix,
                                                     gint64                  step);

/* ---- advice (debrief-analysis-advice.c) ---------------------------------- */

/* FORMATS.md 3's rule of thumb for a LoRA learning rate; NaN without a hidden size. */
double      _debrief_analysis_rule_of_thumb_lr      (const char             *base_model,
                                                     gint64                  hidden_size);
/* 0.003, 0.025; 2.9e-04 rather than 0.00029. */
char       *_debrief_format_lr                      (double                  lr);
/* The name of the saved checkpoint nearest @step, or NULL when none was saved. */
const char *_debrief_analysis_nearest_checkpoint    (const DebriefAnalysisInputs *in,
                                                     gint64                  step);
/* A sentence raising the learning rate, with numbers where they are known. */
char       *_debrief_analysis_suggest_higher_lr     (DebriefAnalysisContext *ctx);

/* ---- the families of checks, in the order debrief-analysis.c runs them ---- */

/* debrief-analysis-loss.c */
void        _debrief_analysis_check_seed_numbers     (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_diverged         (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_no_improvement   (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_spikes           (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_slow_convergence (DebriefAnalysisContext *ctx);
void        _debrief_analysis_compute_plateau_shape  (DebriefAnalysisContext *ctx);
/* debrief-analysis-validation.c */
void        _debrief_analysis_check_overfitting      (DebriefAnalysisContext *ctx);
/* debrief-analysis-capacity.c */
void        _debrief_analysis_run_capacity           (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_early_plateau    (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_undercapacity    (DebriefAnalysisContext *ctx);
void        _debrief_analysis_check_targets          (DebriefAnalysisContext *ctx);

G_END_DECLS
