/* debrief-analysis.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the checks judge a curve: the train loss is reduced to at most
 * CURVE_MAX_BINS bin medians (robust, and cheap on million-step runs), lightly
 * smoothed with a running median, and summarised by
 *  - its noise sigma (1.4826 × MAD of consecutive raw differences / √2),
 *  - robust start and end levels (medians of the first 5% / last 10% of points),
 *  - an exponential-decay fit L(t) = a + b·exp(-(t - t0)/τ): τ relative to the
 *    run's length says whether the loss settled early (small τ), converged
 *    normally, or was still falling when the run stopped (large τ).
 * Every threshold below is relative to the run's own noise or its own drop,
 * so the same checks work for byte-level toy models and for 70B runs.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis.h"
#include "debrief-stats-private.h"

/* ---- thresholds ---------------------------------------------------------- */

/* The checklist computes convergence only for runs with more than 100 losses. */
#define SEED_MIN_TRAIN_LOSSES 100
#define SEED_WINDOW 10

/* Shape checks need enough points to tell a trend from noise. */
#define CURVE_MIN_POINTS 20
/* More bins than this add no information about the shape, only cost. */
#define CURVE_MAX_BINS 400
/* Start level: the first 5% of points (at least 3) — early enough to be "before training". */
#define HEAD_SHARE 0.05
/* End level: the last 10% of points (at least 3) — enough to average the noise down. */
#define TAIL_SHARE 0.10
#define LEVEL_MIN_POINTS 3
/* A running median this wide (in bins) removes single-batch noise without moving the knee. */
#define SMOOTH_WINDOW 5

/* diverged: the end level is above the start by at least 5% and 3 noise sigmas. */
#define DIVERGED_MIN_REL_RISE 0.05
#define DIVERGED_NOISE_SIGMAS 3.0

/* no_improvement: less than 2% drop of train (and validation) loss over the whole
 * run; any working fine-tune on new data moves its loss by more than that. */
#define NO_IMPROVEMENT_MAX_REL_DROP 0.02

/* loss_spikes: a point more than 4 robust sigmas (of the deviations from that
 * median) and 10% above the median of the 15 points before it (4σ is ~1 in 30,000
 * for Gaussian noise; the 10% keeps heavy-tailed but harmless noise out). It counts only when the loss stays up
 * (the median of the next 5 points is still 2σ and 5% above): an optimiser
 * overshoot takes steps to recover, one odd batch does not. Events closer than
 * 5 points are one event. */
#define SPIKE_BASELINE_POINTS 15
/* Sparse logs (a few dozen points, e.g. HF logging every 10 steps) get a shorter
 * baseline, a sixth of the points but at least 5, so their spikes are still seen. */
#define SPIKE_SHORT_BASELINE_DIVISOR 6
#define SPIKE_MIN_BASELINE_POINTS 5
#define SPIKE_SIGMAS 4.0
#define SPIKE_MIN_REL_JUMP 0.10
#define SPIKE_PERSIST_POINTS 5
/* Batch noise goes both ways, spikes only up: a spike must also rise 1.25× further
 * above its trailing median than the second-deepest dip falls below one. On heavy-tailed
 * noise (where the MAD understates the spread) this raises the bar by itself. */
#define SPIKE_DIP_FACTOR 1.25
#define SPIKE_PERSIST_SIGMAS 2.0
/* ... and by at least a quarter of the jump: an overshoot moved the weights and takes
 * many steps to undo, while a burst of correlated batch noise halves step by step. */
#define SPIKE_PERSIST_SHARE 0.25
#define SPIKE_MERGE_POINTS 5
/* A spike-driven LR cut: a third of the rate that spiked (LR instability sets in
 * within a factor of 2–4 above the best rate). */
#define SPIKE_LR_DIVISOR 3.0

/* overfitting: at least 4 evaluations, the minimum followed by at least 2 more,
 * the last one above the minimum by 3 validation-noise sigmas and 2%, and train
 * loss still falling meanwhile (if train rises too, it is instability, not
 * overfitting). */
#define OVERFIT_MIN_EVALS 4
#define OVERFIT_MIN_EVALS_AFTER 2
#define OVERFIT_NOISE_SIGMAS 3.0
#define OVERFIT_MIN_REL_RISE 0.02
#define OVERFIT_TRAIN_MIN_REL_DROP 0.01
/* The rise is measured between medians: of the 3 evaluations around the minimum and
 * of the last 3 (fewer when the run has fewer after the minimum). */
#define OVERFIT_END_EVALS 3
/* Above a 10% rise the checkpoint at the end is clearly worse than the best one. */
#define OVERFIT_WARNING_REL_RISE 0.05

/* slow_convergence: the fitted decay time is at least 35% of the run (a healthy
 * LoRA run settles within its first third: τ ≈ 0.1–0.2 of the run), and the fit
 * says at least 15% of the drop achieved so far is still to come. */
#define SLOW_MIN_TAU_SHARE 0.35
#define SLOW_MIN_REMAINING_SHARE 0.15
/* Validation agrees when its minimum is one of the last 2 evaluations and it fell by
 * at least 5% of its total drop (and 3 noise sigmas) over the last 30% of the run;
 * without validation the train loss's own decline over the last 30% must be 3
 * standard errors from flat. */
#define SLOW_VAL_LAST_EVALS 2
#define SLOW_LATE_SHARE 0.3
#define SLOW_VAL_MIN_LATE_SHARE 0.05
#define SLOW_NOISE_SIGMAS 3.0

/* early_plateau: τ at most 12% of the run, so 95% of the drop (3τ) is done before
 * ~36% of the run and the rest of the steps buy almost nothing. */
#define PLATEAU_MAX_TAU_SHARE 0.12
/* At most 3% of the drop comes after the plateau begins (the fit's own remainder). */
#define PLATEAU_MAX_LATE_SHARE 0.03
/* A plateau is only worth a finding when the drop itself is clearly above noise. */
#define PLATEAU_MIN_DROP_SIGMAS 2.0

/* undercapacity: the formula is an order-of-magnitude bound (FORMATS.md 4): a
 * warning only when the data needs 4× the capacity or more and the curve
 * plateaued; otherwise the failed check is information. */
#define UNDERCAP_WARNING_SHORTFALL 4.0

/* Rank to suggest for a plateau when the capacity check cannot give one. */
#define PLATEAU_RANK_FACTOR 4

/* LoRA's best LR is ~10× the full fine-tuning one; 2e-5 is a common full-FT LR. */
#define LORA_LR_FACTOR 10.0
#define TYPICAL_FULL_FT_LR 2e-5

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

enum {
  PROP_0,
  PROP_FINDINGS,
  PROP_CONVERGENCE_PERCENT,
  PROP_SEED_OVERFITTING_WARNING,
  PROP_BEST_STEP,
  PROP_BEST_VAL_LOSS,
  PROP_VERDICT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefAnalysis, debrief_analysis, G_TYPE_OBJECT)

static void
debrief_analysis_dispose (GObject *object)
{
  DebriefAnalysis *self = (DebriefAnalysis *)object;

  g_clear_object (&self->findings);
  G_OBJECT_CLASS (debrief_analysis_parent_class)->dispose (object);
}

static void
debrief_analysis_finalize (GObject *object)
{
  DebriefAnalysis *self = (DebriefAnalysis *)object;

  g_clear_pointer (&self->capacity, debrief_capacity_result_free);
  g_clear_pointer (&self->verdict, g_free);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  G_OBJECT_CLASS (debrief_analysis_parent_class)->finalize (object);
}

static void
debrief_analysis_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DebriefAnalysis *self = DEBRIEF_ANALYSIS (object);

  switch (prop_id)
    {
    case PROP_FINDINGS:
      g_value_set_object (value, self->findings);
      break;
    case PROP_CONVERGENCE_PERCENT:
      g_value_set_double (value, self->convergence_percent);
      break;
    case PROP_SEED_OVERFITTING_WARNING:
      g_value_set_boolean (value, self->seed_overfitting_warning);
      break;
    case PROP_BEST_STEP:
      g_value_set_int64 (value, self->best_step);
      break;
    case PROP_BEST_VAL_LOSS:
      g_value_set_double (value, self->best_val_loss);
      break;
    case PROP_VERDICT:
      g_value_set_string (value, self->verdict);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_analysis_class_init (DebriefAnalysisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = debrief_analysis_dispose;
  object_class->finalize = debrief_analysis_finalize;
  object_class->get_property = debrief_analysis_get_property;

  properties[PROP_FINDINGS] = g_param_spec_object ("findings", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_CONVERGENCE_PERCENT] =
    g_param_spec_double ("convergence-percent", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_SEED_OVERFITTING_WARNING] =
    g_param_spec_boolean ("seed-overfitting-warning", NULL, NULL, FALSE, flags);
  properties[PROP_BEST_STEP] = g_param_spec_int64 ("best-step", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_BEST_VAL_LOSS] =
    g_param_spec_double ("best-val-loss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_VERDICT] = g_param_spec_string ("verdict", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_analysis_init (DebriefAnalysis *self)
{
  self->findings = g_list_store_new (DEBRIEF_TYPE_FINDING);
  self->convergence_percent = NAN;
  self->best_step = -1;
  self->best_val_loss = NAN;
  self->noise_sigma = NAN;
  self->rule_of_thumb_lr = NAN;
  self->learning_rate = NAN;
  self->notes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->notes, NULL);
}

static void
add_note (DebriefAnalysis *self,
          char            *note)
{
  g_ptr_array_insert (self->notes, self->notes->len - 1, note);
}

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
} Inputs;

static void
inputs_free (Inputs *in)
{
  g_free (in->run_name);
  debrief_run_config_clear (&in->config);
  g_clear_object (&in->train);
  g_clear_object (&in->val);
  g_clear_object (&in->lr);
  g_clear_object (&in->epoch);
  g_clear_object (&in->tokens);
  g_clear_pointer (&in->checkpoint_steps, g_array_unref);
  g_clear_pointer (&in->checkpoint_names, g_ptr_array_unref);
  g_free (in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Inputs, inputs_free)

static DebriefSeries *
ref_series (DebriefRun        *run,
            DebriefSeriesKind  kind)
{
  DebriefSeries *s = debrief_run_get_series_by_kind (run, kind);
  return s ? g_object_ref (s) : NULL;
}

static Inputs *
inputs_new (DebriefRun *run)
{
  Inputs *in = g_new0 (Inputs, 1);
  const DebriefRunConfig *c = debrief_run_get_config (run);

  in->run_name = g_strdup (debrief_run_get_name (run));
  debrief_run_config_init (&in->config);
  in->config = *c;
  in->config.target_modules = g_strdupv (c->target_modules);
  in->config.base_model = g_strdup (c->base_model);
  in->config.dims_source = g_strdup (c->dims_source);
  in->config.dataset_tokens_source = g_strdup (c->dataset_tokens_source);
  in->config.lr_schedule = g_strdup (c->lr_schedule);
  in->train = debrief_run_get_train_loss (run) ? g_object_ref (debrief_run_get_train_loss (run)) : NULL;
  in->val = debrief_run_get_val_loss (run) ? g_object_ref (debrief_run_get_val_loss (run)) : NULL;
  in->lr = ref_series (run, DEBRIEF_SERIES_LEARNING_RATE);
  in->epoch = ref_series (run, DEBRIEF_SERIES_EPOCH);
  in->tokens = ref_series (run, DEBRIEF_SERIES_TOKENS);
  in->checkpoint_steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  in->checkpoint_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    {
      const DebriefCheckpoint *cp = debrief_run_get_checkpoint (run, i);
      if (cp->step < 0)
        continue;
      g_array_append_val (in->checkpoint_steps, cp->step);
      g_ptr_array_add (in->checkpoint_names, g_strdup (cp->name));
    }
  return in;
}

/* ---- curve summary ------------------------------------------------------- */

typedef struct
{
  gsize n;                 /* finite points */
  double *x;
  const double *y;         /* the series' own values when all are finite, else y_owned */
  double *y_owned;
  double sigma;
  double head, tail, drop;
  gsize nb;
  double *bx, *smooth;
  gboolean fit_ok;
  DebriefExpFit fit;
  double tau_share;        /* tau / span */
  double remaining_share;  /* fitted drop still to come / fitted drop achieved */
} Curve;

static void
curve_clear (Curve *c)
{
  g_clear_pointer (&c->x, g_free);
  g_clear_pointer (&c->y_owned, g_free);
  c->y = NULL;
  g_clear_pointer (&c->bx, g_free);
  g_clear_pointer (&c->smooth, g_free);
}

static void
curve_init (Curve         *c,
            DebriefSeries *series)
{
  gsize len = series ? debrief_series_get_length (series) : 0;
  const gint64 *steps = series ? debrief_series_get_steps (series) : NULL;
  const double *values = series ? debrief_series_get_values (series) : NULL;
  gsize k_head, k_tail;
  g_autofree double *by = NULL;

  memset (c, 0, sizeof *c);
  c->sigma = c->head = c->tail = c->drop = c->tau_share = c->remaining_share = NAN;
  c->x = g_new (double, MAX (len, 1));
  if (series == NULL || debrief_series_get_n_nonfinite (series) > 0)
    {
      c->y = c->y_owned = g_new (double, MAX (len, 1));
      for (gsize i = 0; i < len; i++)
        if (isfinite (values[i]))
          {
            c->x[c->n] = (double) steps[i];
            c->y_owned[c->n] = values[i];
            c->n++;
          }
    }
  else
    {
      /* The common case needs no copy of the values (million-step runs). */
      c->y = values;
      c->n = len;
      for (gsize i = 0; i < len; i++)
        c->x[i] = (double) steps[i];
    }
  if (c->n < LEVEL_MIN_POINTS)
    return;

  c->sigma = debrief_stats_noise_sigma (c->y, c->n);
  k_head = MAX (LEVEL_MIN_POINTS, (gsize) (c->n * HEAD_SHARE));
  k_tail = MAX (LEVEL_MIN_POINTS, (gsize) (c->n * TAIL_SHARE));
  c->head = debrief_stats_median (c->y, MIN (k_head, c->n));
  c->tail = debrief_stats_median (c->y + c->n - MIN (k_tail, c->n), MIN (k_tail, c->n));
  c->drop = c->head - c->tail;

  c->bx = g_new (double, MIN (c->n, CURVE_MAX_BINS));
  by = g_new (double, MIN (c->n, CURVE_MAX_BINS));
  c->nb = debrief_stats_bin_medians (c->x, c->y, c->n, CURVE_MAX_BINS, c->bx, by);
  c->smooth = g_new (double, c->nb);
  debrief_stats_running_median (by, c->nb, SMOOTH_WINDOW, c->smooth);

  if (c->n >= CURVE_MIN_POINTS)
    {
      c->fit_ok = debrief_stats_fit_exp_decay (c->bx, c->smooth, c->nb, &c->fit);
      if (c->fit_ok)
        {
          double e = exp (-c->fit.span / c->fit.tau);
          double achieved = c->fit.amplitude * (1.0 - e);

          c->tau_share = c->fit.tau / c->fit.span;
          c->remaining_share = achieved > 0 ? c->fit.amplitude * e / achieved : NAN;
        }
    }
}

/* Smoothed value of the curve at @step (nearest bin). */
static double
curve_level_at (const Curve *c,
                double       step)
{
  gsize best = 0;

  if (c->nb == 0)
    return NAN;
  for (gsize i = 1; i < c->nb; i++)
    if (fabs (c->bx[i] - step) < fabs (c->bx[best] - step))
      best = i;
  return c->smooth[best];
}

/* ---- helpers ------------------------------------------------------------- */

static double
rule_of_thumb_lr (const char *base_model,
                  gint64      hidden_size)
{
  /* FORMATS.md 3: lr ≈ 5e-5 × 10 × (2000 / hidden)^0.781 for Llama-family models;
   * Qwen's exponent is 0.0775. */
  double exponent = 0.781;
  g_autofree char *lower = NULL;

  if (hidden_size <= 0)
    return NAN;
  lower = base_model ? g_ascii_strdown (base_model, -1) : NULL;
  if (lower && strstr (lower, "qwen"))
    exponent = 0.0775;
  return 5e-5 * 10.0 * pow (2000.0 / (double) hidden_size, exponent);
}

/* 0.003, 0.025; 2.9e-04 rather than 0.00029. */
static char *
format_lr (double lr)
{
  return g_strdup_printf (lr >= 1e-3 ? "%.2g" : "%.1e", lr);
}

static const char *
nearest_checkpoint (const Inputs *in,
                    gint64        step)
{
  const char *best = NULL;
  gint64 best_dist = G_MAXINT64;

  for (guint i = 0; i < in->checkpoint_steps->len; i++)
    {
      gint64 s = g_array_index (in->checkpoint_steps, gint64, i);
      gint64 d = ABS (s - step);
      if (d < best_dist)
        {
          best_dist = d;
          best = in->checkpoint_names->pdata[i];
        }
    }
  return best;
}

/* Last step of the first epoch (inclusive), or -1 when it cannot be told. */
static gint64
first_epoch_last_step (const Inputs *in)
{
  const DebriefRunConfig *c = &in->config;
  gint64 first_step = in->train && debrief_series_get_length (in->train) > 0
                      ? debrief_series_get_first_step (in->train) : 1;

  if (c->steps_per_epoch > 0)
    return (first_step == 0 ? -1 : 0) + c->steps_per_epoch;
  if (in->epoch && debrief_series_get_length (in->epoch) > 0)
    {
      gsize n = debrief_series_get_length (in->epoch);
      const double *e = debrief_series_get_values (in->epoch);
      gboolean integral = TRUE;
      gint64 last = -1;

      for (gsize i = 0; i < n; i++)
        if (isfinite (e[i]) && e[i] != floor (e[i]))
          integral = FALSE;
      /* Tinker logs the 0-based epoch index, HF Trainer the fractional progress after the step. */
      for (gsize i = 0; i < n; i++)
        if (isfinite (e[i]) && (integral ? e[i] < 1.0 : e[i] <= 1.0 + 1e-9))
          last = debrief_series_get_step (in->epoch, i);
      if (last >= 0 && (!integral || debrief_series_get_value (in->epoch, n - 1) >= 1.0
                        || (isfinite (c->num_epochs) && c->num_epochs <= 1.0)
                        || !isfinite (c->num_epochs)))
        return last;
    }
  if (c->max_steps > 0 && isfinite (c->num_epochs) && c->num_epochs > 0)
    return (first_step == 0 ? -1 : 0) + (gint64) ((double) c->max_steps / c->num_epochs);
  if (isfinite (c->num_epochs) && c->num_epochs > 0 && in->train
      && debrief_series_get_length (in->train) > 0)
    return (gint64) ((double) debrief_series_get_last_step (in->train) / c->num_epochs);
  return -1;
}

/* ---- the checks ---------------------------------------------------------- */

typedef struct
{
  DebriefAnalysis *self;
  Inputs *in;
  Curve train;
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
} Ctx;

static void
add_finding (Ctx            *ctx,
             const char     *id,
             DebriefSeverity severity,
             const char     *title,
             const char     *evidence,
             const char     *cause,
             const char     *fix,
             gint64          step)
{
  g_autoptr(DebriefFinding) f = debrief_finding_new (id, severity, title, evidence, cause, fix, step);
  g_list_store_append (ctx->self->findings, f);
}

static void
check_seed_numbers (Ctx *ctx)
{
  DebriefSeries *train = ctx->in->train;
  DebriefSeries *val = ctx->in->val;

  /* Exactly the checklist's Python: means over all values as written (a NaN gives NaN). */
  if (train && debrief_series_get_length (train) > SEED_MIN_TRAIN_LOSSES)
    {
      gsize n = debrief_series_get_length (train);
      const double *v = debrief_series_get_values (train);
      double early = debrief_stats_mean (v, SEED_WINDOW);
      double late = debrief_stats_mean (v + n - SEED_WINDOW, SEED_WINDOW);

      ctx->self->convergence_percent = early != 0.0 ? (early - late) / early * 100.0 : NAN;
    }
  if (val && debrief_series_get_length (val) > 0)
    {
      gsize n = debrief_series_get_length (val);
      double last = debrief_series_get_value (val, n - 1);
      double middle = debrief_series_get_value (val, n / 2);

      /* NaN compares false, as in Python. */
      ctx->self->seed_overfitting_warning = last > middle;
    }
}

static void
check_diverged (Ctx *ctx)
{
  DebriefSeries *series[2] = { ctx->in->train, ctx->in->val };
  const Curve *c = &ctx->train;

  for (guint k = 0; k < 2; k++)
    {
      DebriefSeries *s = series[k];
      gsize bad;

      if (s == NULL || (bad = debrief_series_get_n_nonfinite (s)) == 0)
        continue;
      for (gsize i = 0; i < debrief_series_get_length (s); i++)
        if (!isfinite (debrief_series_get_value (s, i)))
          {
            gint64 step = debrief_series_get_step (s, i);
            g_autofree char *evidence =
              g_strdup_printf (k == 0 ? g_dngettext (GETTEXT_PACKAGE,
                                                     "The train loss is %s at step %" PRId64 " (%zu of %zu "
                                                     "point is not finite).",
                                                     "The train loss is %s at step %" PRId64 " (%zu of %zu "
                                                     "points are not finite).",
                                                     debrief_series_get_length (s))
                                      : g_dngettext (GETTEXT_PACKAGE,
                                                     "The validation loss is %s at step %" PRId64 " (%zu of "
                                                     "%zu point is not finite).",
                                                     "The validation loss is %s at step %" PRId64 " (%zu of "
                                                     "%zu points are not finite).",
                                                     debrief_series_get_length (s)),
                               isnan (debrief_series_get_value (s, i)) ? "NaN" : "Inf",
                               step, bad, debrief_series_get_length (s));
            g_autofree char *fix = NULL;

            if (isfinite (ctx->lr))
              {
                g_autofree char *lr = format_lr (ctx->lr / SPIKE_LR_DIVISOR);
                fix = g_strdup_printf (_("Lower the learning rate to %s or less, check the data for "
                                         "empty or corrupt examples, and train in bf16 or fp32 "
                                         "rather than fp16."), lr);
              }
            else
              fix = g_strdup (_("Lower the learning rate (a third of it is a good first try), check "
                                "the data for empty or corrupt examples, and train in bf16 or fp32 "
                                "rather than fp16."));
            add_finding (ctx, DEBRIEF_FINDING_DIVERGED, DEBRIEF_SEVERITY_ERROR,
                         _("Loss became NaN/Inf"), evidence,
                         _("The learning rate is far too high, or the numerics overflowed "
                           "(fp16, a bad batch)."),
                         fix, step);
            ctx->diverged = TRUE;
            return;
          }
    }

  if (ctx->has_train && c->n >= CURVE_MIN_POINTS && isfinite (c->sigma)
      && c->tail > c->head + MAX (DIVERGED_MIN_REL_RISE * fabs (c->head), DIVERGED_NOISE_SIGMAS * c->sigma))
    {
      gsize best = 0;
      g_autofree char *evidence = NULL;
      g_autofree char *fix = NULL;

      for (gsize i = 1; i < c->nb; i++)
        if (c->smooth[i] < c->smooth[best])
          best = i;
      evidence = g_strdup_printf (_("Train loss ends at %.3f (median of the last 10%%), above where "
                                    "it started (%.3f); its lowest smoothed value was %.3f near "
                                    "step %.0f."),
                                  c->tail, c->head, c->smooth[best], c->bx[best]);
      if (isfinite (ctx->lr))
        {
          g_autofree char *lr = format_lr (ctx->lr / SPIKE_LR_DIVISOR);
          fix = g_strdup_printf (_("Lower the learning rate to %s, keep warmup and gradient clipping "
                                   "(max norm 1.0), and check the data and precision."), lr);
        }
      else
        fix = g_strdup (_("Lower the learning rate (by 3× or more), keep warmup and gradient "
                          "clipping (max norm 1.0), and check the data and precision."));
      add_finding (ctx, DEBRIEF_FINDING_DIVERGED, DEBRIEF_SEVERITY_ERROR,
                   _("Loss ends above where it started"), evidence,
                   _("The learning rate is far too high, or the numerics are unstable."),
                   fix, (gint64) c->bx[best]);
      ctx->diverged = TRUE;
    }
}

static void
check_no_improvement (Ctx *ctx)
{
  const Curve *c = &ctx->train;
  double val_drop = NAN;
  g_autofree char *evidence = NULL;
  g_autofree char *cause = NULL;
  guint targets;

  if (ctx->diverged || !ctx->has_train || c->n < CURVE_MIN_POINTS || !(c->head > 0))
    return;
  if (c->drop / c->head >= NO_IMPROVEMENT_MAX_REL_DROP)
    return;
  if (ctx->val_n >= 2)
    {
      val_drop = (ctx->val_y[0] - ctx->val_min) / ctx->val_y[0];
      if (val_drop >= NO_IMPROVEMENT_MAX_REL_DROP)
        return;
    }
  ctx->flat = TRUE;
  if (isfinite (val_drop))
    evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Train loss went from %.3f to %.3f (%.1f%%) and validation "
                                             "loss improved by only %.1f%% over %zu point.",
                                             "Train loss went from %.3f to %.3f (%.1f%%) and validation "
                                             "loss improved by only %.1f%% over %zu points.", c->n),
                                c->head, c->tail, -100.0 * c->drop / c->head, 100.0 * val_drop, c->n);
  else
    evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Train loss went from %.3f to %.3f (%.1f%%) over %zu point; "
                                             "the noise alone is ±%.3f.",
                                             "Train loss went from %.3f to %.3f (%.1f%%) over %zu points; "
                                             "the noise alone is ±%.3f.", c->n),
                                c->head, c->tail, -100.0 * c->drop / c->head, c->n, c->sigma);
  targets = debrief_capacity_targets_from_config (&ctx->in->config);
  if (targets != 0 && !(targets & (DEBRIEF_TARGETS_MLP | DEBRIEF_TARGET_GATE_UP)))
    cause = g_strdup (_("The wrong layers are adapted: the adapter skips the MLP layers."));
  else
    cause = g_strdup (_("The wrong layers are adapted (or none: check that the adapter is trainable "
                        "and attached), or the learning rate is near zero."));
  add_finding (ctx, DEBRIEF_FINDING_NO_IMPROVEMENT, DEBRIEF_SEVERITY_WARNING,
               _("No improvement"), evidence, cause,
               _("Apply LoRA to all linear layers, the MLP layers especially (PEFT: "
                 "target_modules=\"all-linear\"; Tinker: train_mlp=True), and check that the "
                 "adapter's parameters require gradients."),
               -1);
}

static void
check_spikes (Ctx *ctx)
{
  const Curve *c = &ctx->train;
  g_autoptr(GString) list = NULL;
  g_autofree double *z = NULL;
  double sigma, threshold;
  double dips[2] = { 0.0, 0.0 };
  guint events = 0;
  gsize last_event = 0, baseline;
  double worst_jump = 0.0;
  gint64 worst_step = -1;
  gboolean log_scale = TRUE;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;

  if (!ctx->has_train || c->n < CURVE_MIN_POINTS)
    return;
  baseline = MIN (SPIKE_BASELINE_POINTS, MAX (SPIKE_MIN_BASELINE_POINTS, c->n / SPIKE_SHORT_BASELINE_DIVISOR));

  /* Loss noise is roughly proportional to the loss (a batch's loss varies by a share
   * of its level), so spikes are judged on log(loss) where one sigma fits the whole
   * run; losses that can be zero or negative stay linear. */
  for (gsize i = 0; i < c->n && log_scale; i++)
    log_scale = c->y[i] > 0;
  z = g_new (double, c->n);
  for (gsize i = 0; i < c->n; i++)
    z[i] = log_scale ? log (c->y[i]) : c->y[i];

  /* The two deepest dips below the trailing median. A point can only dip further
   * than the window's maximum allows, which skips the median for almost every point. */
  for (gsize i = baseline; i < c->n; i++)
    {
      double top = z[i - baseline], dip;

      for (gsize k = 1; k < baseline; k++)
        top = MAX (top, z[i - baseline + k]);
      if (top - z[i] <= dips[1])
        continue;
      dip = debrief_stats_median (z + i - baseline, baseline) - z[i];
      if (dip > dips[0])
        {
          dips[1] = dips[0];
          dips[0] = dip;
        }
      else if (dip > dips[1])
        dips[1] = dip;
    }
  /* The README's definition: 1.4826 × MAD of consecutive differences / √2. */
  sigma = debrief_stats_noise_sigma (z, c->n);
  if (!(sigma > 0))
    return;
  threshold = MAX (SPIKE_SIGMAS * sigma, SPIKE_DIP_FACTOR * dips[1]);

  list = g_string_new (NULL);
  for (gsize i = baseline; i + SPIKE_PERSIST_POINTS < c->n; i++)
    {
      double bottom = z[i - baseline], base, jump, after, min_jump;

      /* Cheap rejection first: the point must clear the window's minimum. */
      for (gsize k = 1; k < baseline; k++)
        bottom = MIN (bottom, z[i - baseline + k]);
      if (z[i] - bottom <= threshold)
        continue;
      base = debrief_stats_median (z + i - baseline, baseline);
      jump = z[i] - base;
      if (jump <= threshold)
        continue;
      min_jump = log_scale ? log1p (SPIKE_MIN_REL_JUMP) : SPIKE_MIN_REL_JUMP * fabs (base);
      if (jump <= min_jump)
        continue;
      after = debrief_stats_median (z + i + 1, SPIKE_PERSIST_POINTS) - base;
      if (after < SPIKE_PERSIST_SIGMAS * sigma || after < min_jump / 2 || after < SPIKE_PERSIST_SHARE * jump)
        continue;
      if (events > 0 && i - last_event <= SPIKE_MERGE_POINTS)
        {
          last_event = i;
          continue;
        }
      events++;
      last_event = i;
      {
        double base_value = log_scale ? exp (base) : base;
        double rise = c->y[i] - base_value;

        if (events <= 5)
          g_string_append_printf (list, "%s%.0f (%.3f → %.3f, %.0fσ)", events > 1 ? ", " : "", c->x[i],
                                  base_value, c->y[i], jump / sigma);
        if (rise > worst_jump)
          {
            worst_jump = rise;
            worst_step = (gint64) c->x[i];
          }
      }
    }
  if (events == 0)
    return;

  evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u spike above the preceding %d-point median at step %s; "
                                           "noise sigma %.3f.",
                                           "%u spikes above the preceding %d-point median at steps %s; "
                                           "noise sigma %.3f.", events),
                              events, (int) baseline, list->str, c->sigma);
  if (isfinite (ctx->lr))
    {
      double suggested = ctx->lr / SPIKE_LR_DIVISOR;
      g_autofree char *cur = format_lr (ctx->lr);
      g_autofree char *lr = NULL;

      if (isfinite (ctx->lr_rule) && ctx->lr_rule < ctx->lr)
        suggested = MAX (suggested, MIN (ctx->lr_rule, ctx->lr / 2.0));
      lr = format_lr (suggested);
      fix = g_strdup_printf (_("Reduce the learning rate from %s to about %s; keep warmup and "
                               "gradient clipping (max norm 1.0)."), cur, lr);
    }
  else if (isfinite (ctx->lr_rule))
    {
      g_autofree char *lr = format_lr (ctx->lr_rule);
      fix = g_strdup_printf (_("Reduce the learning rate to about %s (the rule of thumb for this "
                               "model); keep warmup and gradient clipping (max norm 1.0)."), lr);
    }
  else
    fix = g_strdup (_("Reduce the learning rate by about 3×; keep warmup and gradient clipping "
                      "(max norm 1.0)."));
  add_finding (ctx, DEBRIEF_FINDING_LOSS_SPIKES, DEBRIEF_SEVERITY_WARNING, _("Loss spikes"),
               evidence, _("The learning rate is too high."), fix, worst_step);
}

static void
check_overfitting (Ctx *ctx)
{
  double val_sigma, threshold, rise, last;
  guint after, above = 0;
  gint64 best_step;
  double train_at_best = NAN, train_end = NAN;
  g_autofree char *evidence = NULL;
  g_autoptr(GString) fix = NULL;
  const char *checkpoint;

  if (ctx->val_n < OVERFIT_MIN_EVALS)
    return;
  after = (guint) (ctx->val_n - 1 - ctx->val_min_index);
  if (after < OVERFIT_MIN_EVALS_AFTER)
    return;
  val_sigma = ctx->val_n >= 3 ? debrief_stats_noise_sigma (ctx->val_y, ctx->val_n) : 0.0;
  if (!isfinite (val_sigma))
    val_sigma = 0.0;
  threshold = MAX (OVERFIT_NOISE_SIGMAS * val_sigma, OVERFIT_MIN_REL_RISE * fabs (ctx->val_min));
  last = ctx->val_y[ctx->val_n - 1];
  rise = last - ctx->val_min;
  if (rise <= threshold)
    return;
  {
    /* The minimum of noisy evaluations is biased low and the last one may be a fluke:
     * compare the median of the evaluations around the minimum with the median of
     * the last ones. */
    gsize lo = ctx->val_min_index > 0 ? ctx->val_min_index - 1 : 0;
    gsize hi = MIN (ctx->val_n, ctx->val_min_index + 2);
    gsize k_end = MIN (OVERFIT_END_EVALS, after);
    double best_level = debrief_stats_median (ctx->val_y + lo, hi - lo);
    double end_level = debrief_stats_median (ctx->val_y + ctx->val_n - k_end, k_end);

    if (end_level - best_level <= threshold)
      return;
  }
  for (gsize i = ctx->val_min_index + 1; i < ctx->val_n; i++)
    if (ctx->val_y[i] > ctx->val_min + threshold / 2)
      above++;
  if (above < OVERFIT_MIN_EVALS_AFTER)
    return;
  best_step = (gint64) ctx->val_x[ctx->val_min_index];
  if (ctx->has_train && ctx->train.nb > 0)
    {
      train_at_best = curve_level_at (&ctx->train, (double) best_step);
      train_end = ctx->train.tail;
      /* Train rising with validation is instability, not memorisation. */
      if (!(train_end < train_at_best * (1.0 - OVERFIT_TRAIN_MIN_REL_DROP)))
        return;
    }

  if (isfinite (train_at_best))
    evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluation to %.3f (+%.3f, +%.1f%%) while "
                                             "train loss kept falling (%.3f → %.3f).",
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluations to %.3f (+%.3f, +%.1f%%) while "
                                             "train loss kept falling (%.3f → %.3f).", after),
                                ctx->val_min, best_step, after, last, rise,
                                100.0 * rise / ctx->val_min, train_at_best, train_end);
  else
    evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluation to %.3f (+%.3f, +%.1f%%).",
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluations to %.3f (+%.3f, +%.1f%%).",
                                             after),
                                ctx->val_min, best_step, after, last, rise,
                                100.0 * rise / ctx->val_min);
  fix = g_string_new (NULL);
  checkpoint = nearest_checkpoint (ctx->in, best_step);
  if (checkpoint)
    g_string_append_printf (fix, _("Stop at step %" PRId64 " (use checkpoint %s, the one nearest the best step)."),
                            best_step, checkpoint);
  else
    g_string_append_printf (fix, _("Stop at step %" PRId64 "."), best_step);
  g_string_append_c (fix, ' ');
  if (isfinite (ctx->in->config.num_epochs) && ctx->in->config.num_epochs > 1.0
      && ctx->in->config.max_steps > 0)
    {
      double epochs = ctx->in->config.num_epochs * (double) best_step / (double) ctx->in->config.max_steps;
      g_string_append_printf (fix, _("Add more (or more varied) training data, or train for about %.1f epochs "
                                     "instead of %.0f."),
                              MAX (epochs, 0.1), ctx->in->config.num_epochs);
    }
  else
    g_string_append (fix, _("Add more (or more varied) training data."));
  add_finding (ctx, DEBRIEF_FINDING_OVERFITTING,
               rise / ctx->val_min >= OVERFIT_WARNING_REL_RISE ? DEBRIEF_SEVERITY_WARNING
                                                              : DEBRIEF_SEVERITY_INFO,
               _("Validation loss increases"), evidence, _("Overfitting."), fix->str, best_step);
}

static char *
suggest_higher_lr (Ctx *ctx)
{
  if (isfinite (ctx->lr_rule) && (!isfinite (ctx->lr) || ctx->lr_rule > ctx->lr))
    {
      g_autofree char *rule = format_lr (ctx->lr_rule);
      if (isfinite (ctx->lr))
        {
          g_autofree char *cur = format_lr (ctx->lr);
          return g_strdup_printf (_("Raise the learning rate from %s to about %s (the rule of thumb "
                                    "for a %" PRId64 "-wide model: 5e-5 × 10 × "
                                    "(2000 / hidden)^0.781, i.e. 10× full fine-tuning)."),
                                  cur, rule, ctx->in->config.dims.hidden_size);
        }
      return g_strdup_printf (_("Use a learning rate of about %s (the rule of thumb for a %"
                                PRId64 "-wide model, i.e. 10× full fine-tuning)."),
                              rule, ctx->in->config.dims.hidden_size);
    }
  if (isfinite (ctx->lr))
    {
      g_autofree char *cur = format_lr (ctx->lr);
      g_autofree char *lr = format_lr (ctx->lr * LORA_LR_FACTOR);
      return g_strdup_printf (_("Raise the learning rate from %s towards %s: LoRA's best learning rate "
                                "is about 10× the full fine-tuning one; or train for longer."),
                              cur, lr);
    }
  {
    g_autofree char *lr = format_lr (TYPICAL_FULL_FT_LR * LORA_LR_FACTOR);
    return g_strdup_printf (_("Use the 10× rule: LoRA's best learning rate is about 10× the full "
                              "fine-tuning one (e.g. %s for a model fully fine-tuned at 2e-5)."), lr);
  }
}

static void
check_slow_convergence (Ctx *ctx)
{
  const Curve *c = &ctx->train;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  g_autofree char *lr_text = NULL;
  gboolean val_agrees = TRUE;

  if (ctx->diverged || ctx->flat || !ctx->has_train || !c->fit_ok || !(c->fit.amplitude > 0)
      || !(c->drop > 0))
    return;
  if (c->tau_share < SLOW_MIN_TAU_SHARE || !(c->remaining_share >= SLOW_MIN_REMAINING_SHARE))
    return;
  if (ctx->val_n >= OVERFIT_MIN_EVALS)
    {
      /* Validation, when there is enough of it, must agree: lowest at one of the last
       * evaluations, and still clearly falling over the last 30% of the evaluations. */
      gsize late = (gsize) floor ((double) (ctx->val_n - 1) * (1.0 - SLOW_LATE_SHARE));
      double val_sigma = ctx->val_n >= 3 ? debrief_stats_noise_sigma (ctx->val_y, ctx->val_n) : 0.0;
      double total = ctx->val_y[0] - ctx->val_min;
      double late_drop = ctx->val_y[late] - ctx->val_min;

      val_agrees = ctx->val_min_index + SLOW_VAL_LAST_EVALS >= ctx->val_n && total > 0
                   && late_drop >= SLOW_VAL_MIN_LATE_SHARE * total
                   && late_drop >= SLOW_NOISE_SIGMAS * (isfinite (val_sigma) ? val_sigma : 0.0);
    }
  else
    {
      /* Train alone: the decline over the last 30% of the points must be significant. */
      gsize first = (gsize) ((double) c->n * (1.0 - SLOW_LATE_SHARE));
      gsize k = c->n - first;
      double slope = debrief_stats_slope (c->x + first, c->y + first, k);
      double mx = debrief_stats_mean (c->x + first, k), sxx = 0.0;

      for (gsize i = first; i < c->n; i++)
        sxx += (c->x[i] - mx) * (c->x[i] - mx);
      val_agrees = k >= LEVEL_MIN_POINTS && sxx > 0 && isfinite (slope)
                   && -slope / (c->sigma / sqrt (sxx)) >= SLOW_NOISE_SIGMAS;
    }
  if (!val_agrees)
    return;
  ctx->slow = TRUE;

  if (isfinite (ctx->lr))
    {
      g_autofree char *lr = format_lr (ctx->lr);
      lr_text = g_strdup_printf (_("Train loss fell from %.3f to %.3f at a learning rate of %s and was "
                                   "still falling at the end: the fitted decay time is %.0f%% of the run "
                                   "and about %.0f%% more of the drop is still to come (the fit levels "
                                   "off at %.3f)."),
                                 c->head, c->tail, lr, 100.0 * c->tau_share, 100.0 * c->remaining_share,
                                 c->fit.asymptote);
    }
  else
    lr_text = g_strdup_printf (_("Train loss fell from %.3f to %.3f and was still falling at the end: "
                                 "the fitted decay time is %.0f%% of the run and about %.0f%% more of "
                                 "the drop is still to come (the fit levels off at %.3f)."),
                               c->head, c->tail, 100.0 * c->tau_share, 100.0 * c->remaining_share,
                               c->fit.asymptote);
  /* lr_text holds the first sentence; the validation remark is a sentence of its own */
  if (ctx->val_n >= OVERFIT_MIN_EVALS)
    evidence = g_strconcat (lr_text, " ", _("Validation loss is lowest at the last evaluation."), NULL);
  else
    evidence = g_strdup (lr_text);
  fix = suggest_higher_lr (ctx);
  add_finding (ctx, DEBRIEF_FINDING_SLOW_CONVERGENCE, DEBRIEF_SEVERITY_WARNING,
               _("Slow convergence"), evidence, _("The learning rate is too low."), fix, -1);
}

static void
compute_plateau_shape (Ctx *ctx)
{
  const Curve *c = &ctx->train;

  if (ctx->diverged || ctx->flat || ctx->slow || !ctx->has_train || !c->fit_ok
      || !(c->fit.amplitude > 0) || !(c->sigma > 0))
    return;
  if (c->tau_share > PLATEAU_MAX_TAU_SHARE || !(c->remaining_share <= PLATEAU_MAX_LATE_SHARE))
    return;
  if (c->drop < PLATEAU_MIN_DROP_SIGMAS * c->sigma)
    return;
  ctx->plateau_shape = TRUE;
  /* 95% of the fitted drop is done after 3τ. */
  ctx->plateau_step = (gint64) (c->fit.x0 + 3.0 * c->fit.tau);
}

static gint64
suggested_rank (Ctx *ctx)
{
  const DebriefCapacityResult *cap = ctx->self->capacity;

  if (cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY)
    return cap->suggested_rank;
  if (ctx->in->config.lora_rank > 0)
    return ctx->in->config.lora_rank * PLATEAU_RANK_FACTOR;
  return 0;
}

static void
check_early_plateau (Ctx *ctx)
{
  const Curve *c = &ctx->train;
  const DebriefCapacityResult *cap = ctx->self->capacity;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  double shortfall;
  gint64 rank;

  /* Every converged run plateaus; it is a problem only when a bigger adapter would
   * go lower. With capacity to spare it is the data's floor, not the adapter's, and
   * when capacity cannot be checked nothing says which, so no finding. */
  if (!ctx->plateau_shape || cap->status != DEBRIEF_CAPACITY_UNDERCAPACITY)
    return;
  shortfall = cap->required_bits / cap->capacity_bits;
  evidence = g_strdup_printf (_("Train loss fell from %.3f to %.3f and then stopped: 95%% of the drop "
                                "was done by step %" PRId64 " (%.0f%% of the run); after that "
                                "the fit gains only %.1f%% more."),
                              c->head, c->tail, ctx->plateau_step,
                              100.0 * 3.0 * c->tau_share, 100.0 * c->remaining_share);
  rank = suggested_rank (ctx);
  if (rank > 0)
    fix = g_strdup_printf (_("Increase the LoRA rank from %" PRId64 " to %" PRId64
                             " and re-run."),
                           ctx->in->config.lora_rank, rank);
  else
    fix = g_strdup_printf (_("Increase the LoRA rank (4× is a good step, e.g. 16 → 64) and re-run."));
  add_finding (ctx, DEBRIEF_FINDING_EARLY_PLATEAU,
               shortfall >= UNDERCAP_WARNING_SHORTFALL ? DEBRIEF_SEVERITY_WARNING
                                                       : DEBRIEF_SEVERITY_INFO,
               _("Loss plateaus early"), evidence,
               _("Undercapacity: the adapter is too small for the data."),
               fix, ctx->plateau_step);
}

static void
check_undercapacity (Ctx *ctx)
{
  const DebriefCapacityResult *cap = ctx->self->capacity;
  double shortfall;
  gboolean alarm;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;

  if (cap->status != DEBRIEF_CAPACITY_UNDERCAPACITY)
    return;
  shortfall = cap->required_bits / cap->capacity_bits;
  alarm = shortfall >= UNDERCAP_WARNING_SHORTFALL && ctx->plateau_shape;
  /* Translators: the parameter count decides the plural; the numbers are bits of capacity and data */
  evidence = g_strdup_printf (alarm ? g_dngettext (GETTEXT_PACKAGE,
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameter holds "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, and the loss plateaued "
                                                   "early.",
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameters hold "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, and the loss plateaued "
                                                   "early.", (gulong) cap->lora_params)
                                    : g_dngettext (GETTEXT_PACKAGE,
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameter holds "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, but the loss curve "
                                                   "does not show a plateau.",
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameters hold "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, but the loss curve "
                                                   "does not show a plateau.", (gulong) cap->lora_params),
                              cap->rank, cap->lora_params, cap->capacity_bits, cap->required_bits,
                              cap->bits_per_token, shortfall);
  fix = g_strdup_printf (alarm ? _("Raise the rank from %" PRId64 " to %" PRId64
                                   " and re-run.")
                               : _("If quality falls short, raise the rank from %" PRId64
                                   " to %" PRId64 "; the formula is an upper bound on what "
                                   "must be memorised, so this alone is not a failure."),
                         cap->rank, cap->suggested_rank);
  add_finding (ctx, DEBRIEF_FINDING_UNDERCAPACITY,
               alarm ? DEBRIEF_SEVERITY_WARNING : DEBRIEF_SEVERITY_INFO,
               _("Capacity check fails"), evidence, _("The rank is too small for the data."),
               fix, -1);
}

static void
check_targets (Ctx *ctx)
{
  const DebriefRunConfig *config = &ctx->in->config;
  guint targets = debrief_capacity_targets_from_config (config);
  g_autofree char *evidence = NULL;

  if (targets == 0 || (targets & (DEBRIEF_TARGETS_MLP | DEBRIEF_TARGET_GATE_UP)))
    return;
  if (config->target_modules && config->target_modules[0])
    {
      g_autofree char *list = g_strjoinv (", ", config->target_modules);
      evidence = g_strdup_printf (_("target_modules: %s (no MLP projection such as gate_proj, "
                                    "up_proj, down_proj)."), list);
    }
  else
    evidence = g_strdup (_("train_mlp is false: only attention is adapted."));
  add_finding (ctx, DEBRIEF_FINDING_LORA_TARGETS_NO_MLP, DEBRIEF_SEVERITY_WARNING,
               _("Adapter skips the MLP layers"), evidence,
               _("Configuration: LoRA on attention only underperforms; on all layers, the MLP "
                 "especially, it matches full fine-tuning."),
               _("Target all linear layers (PEFT: target_modules=\"all-linear\"; Tinker: "
                 "train_mlp=True)."),
               -1);
}

static void
run_capacity (Ctx *ctx)
{
  const DebriefRunConfig *config = &ctx->in->config;
  DebriefCapacityInput input;
  gint64 epoch_end = first_epoch_last_step (ctx->in);
  g_autofree char *bits_source = NULL;

  debrief_capacity_input_init (&input);
  input.rank = config->lora_rank;
  input.dims = config->dims;
  input.targets = debrief_capacity_targets_from_config (config);
  input.dataset_tokens = config->dataset_tokens;

  /* Dataset tokens from the logged per-step token counts over the first epoch. */
  if (input.dataset_tokens <= 0 && ctx->in->tokens && epoch_end >= 0)
    {
      DebriefSeries *t = ctx->in->tokens;
      double sum = 0;
      for (gsize i = 0; i < debrief_series_get_length (t); i++)
        if (debrief_series_get_step (t, i) <= epoch_end && isfinite (debrief_series_get_value (t, i)))
          sum += debrief_series_get_value (t, i);
      if (sum > 0)
        {
          input.dataset_tokens = (gint64) sum;
          add_note (ctx->self, g_strdup_printf (_("Dataset tokens: %" PRId64 ", the sum of "
                                                  "the logged tokens per step over the first epoch."),
                                                input.dataset_tokens));
        }
    }

  /* Bits per token: the first-epoch mean loss (nats) / ln 2. */
  if (ctx->has_train && ctx->train.n > 0)
    {
      double sum = 0;
      gsize count = 0;
      for (gsize i = 0; i < ctx->train.n; i++)
        if (epoch_end < 0 || ctx->train.x[i] <= (double) epoch_end)
          {
            sum += ctx->train.y[i];
            count++;
          }
      if (count > 0 && sum > 0)
        {
          input.bits_per_token = sum / (double) count / G_LN2;
          bits_source = g_strdup_printf (epoch_end >= 0
                                         ? _("first-epoch mean loss %.3f nats")
                                         : _("mean loss %.3f nats (epoch length unknown)"),
                                         sum / (double) count);
          input.bits_source = bits_source;
        }
    }
  ctx->self->capacity = debrief_capacity_check (&input);
  if (bits_source && ctx->self->capacity->status != DEBRIEF_CAPACITY_UNKNOWN)
    add_note (ctx->self, g_strdup_printf (_("Capacity uses %.2f bits per token (%s)."),
                                          input.bits_per_token, bits_source));
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  DebriefFinding *fa = (DebriefFinding *) a;
  DebriefFinding *fb = (DebriefFinding *) b;

  return (int) debrief_finding_get_severity (fb) - (int) debrief_finding_get_severity (fa);
}

static void
make_verdict (DebriefAnalysis *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));
  guint counts[3] = { 0, 0, 0 };
  g_autoptr(DebriefFinding) first = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      counts[debrief_finding_get_severity (f)]++;
    }
  if (n > 0)
    first = g_list_model_get_item (G_LIST_MODEL (self->findings), 0);
  if (counts[DEBRIEF_SEVERITY_ERROR] > 0)
    self->verdict = g_strdup_printf (_("Failed: %s"), debrief_finding_get_title (first));
  else if (counts[DEBRIEF_SEVERITY_WARNING] > 0)
    self->verdict = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Needs attention: %u warning (%s)",
                                                  "Needs attention: %u warnings (first: %s)",
                                                  counts[DEBRIEF_SEVERITY_WARNING]),
                                     counts[DEBRIEF_SEVERITY_WARNING], debrief_finding_get_title (first));
  else if (counts[DEBRIEF_SEVERITY_INFO] > 0)
    self->verdict = g_strdup (_("Looks healthy; some remarks below"));
  else
    self->verdict = g_strdup (_("Looks healthy: no problems found"));
}

static DebriefAnalysis *
analyse (Inputs        *in,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(DebriefAnalysis) self = g_object_new (DEBRIEF_TYPE_ANALYSIS, NULL);
  Ctx ctx = { 0 };
  g_autofree double *val_x = NULL;
  g_autofree double *val_y = NULL;

  ctx.self = self;
  ctx.in = in;
  ctx.plateau_step = -1;
  ctx.lr = in->config.learning_rate;
  if (!(ctx.lr > 0) && in->lr && debrief_series_get_length (in->lr) > 0)
    ctx.lr = debrief_series_get_max (in->lr);
  if (!(ctx.lr > 0))
    ctx.lr = NAN;
  ctx.lr_rule = rule_of_thumb_lr (in->config.base_model, in->config.dims.hidden_size);
  self->learning_rate = ctx.lr;
  self->rule_of_thumb_lr = ctx.lr_rule;

  check_seed_numbers (&ctx);

  curve_init (&ctx.train, in->train);
  ctx.has_train = ctx.train.n >= LEVEL_MIN_POINTS;
  self->noise_sigma = ctx.train.sigma;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      curve_clear (&ctx.train);
      return NULL;
    }

  if (in->val)
    {
      gsize n = debrief_series_get_length (in->val);
      val_x = g_new (double, MAX (n, 1));
      val_y = g_new (double, MAX (n, 1));
      for (gsize i = 0; i < n; i++)
        {
          double v = debrief_series_get_value (in->val, i);
          if (!isfinite (v))
            continue;
          val_x[ctx.val_n] = (double) debrief_series_get_step (in->val, i);
          val_y[ctx.val_n] = v;
          if (ctx.val_n == 0 || v < ctx.val_min)
            {
              ctx.val_min = v;
              ctx.val_min_index = ctx.val_n;
            }
          ctx.val_n++;
        }
      ctx.val_x = val_x;
      ctx.val_y = val_y;
      if (ctx.val_n > 0)
        {
          self->best_step = (gint64) val_x[ctx.val_min_index];
          self->best_val_loss = ctx.val_min;
        }
    }

  if (!ctx.has_train && ctx.val_n == 0)
    add_note (self, g_strdup (_("No loss series: the loss-based checks do not apply.")));
  else if (ctx.has_train && ctx.train.n < CURVE_MIN_POINTS)
    add_note (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Only %zu train loss point: too few to judge "
                                                  "the curve's shape.",
                                                  "Only %zu train loss points: too few to judge "
                                                  "the curve's shape.", ctx.train.n), ctx.train.n));

  run_capacity (&ctx);
  if (self->capacity->assumptions)
    add_note (self, g_strdup_printf (_("Capacity assumptions: %s."), self->capacity->assumptions));

  check_diverged (&ctx);
  check_no_improvement (&ctx);
  check_spikes (&ctx);
  check_overfitting (&ctx);
  check_slow_convergence (&ctx);
  compute_plateau_shape (&ctx);
  check_early_plateau (&ctx);
  check_undercapacity (&ctx);
  check_targets (&ctx);
  curve_clear (&ctx.train);

  g_list_store_sort (self->findings, compare_findings, NULL);
  make_verdict (self);
  return g_steal_pointer (&self);
}

/* ---- public -------------------------------------------------------------- */

DebriefAnalysis *
debrief_analysis_run (DebriefRun    *run,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(Inputs) in = NULL;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  in = inputs_new (run);
  return analyse (in, cancellable, error);
}

static void
analysis_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  DebriefAnalysis *analysis = analyse (task_data, cancellable, &error);

  if (analysis == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, analysis, g_object_unref);
}

void
debrief_analysis_run_async (DebriefRun          *run,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DEBRIEF_IS_RUN (run));

  task = g_task_new (run, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_analysis_run_async);
  /* The copy is made here, on the caller's thread: the run may change afterwards. */
  g_task_set_task_data (task, inputs_new (run), (GDestroyNotify) inputs_free);
  g_task_run_in_thread (task, analysis_thread);
}

DebriefAnalysis *
debrief_analysis_run_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == debrief_analysis_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
debrief_analysis_get_findings (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return G_LIST_MODEL (self->findings);
}

DebriefFinding *
debrief_analysis_get_finding (DebriefAnalysis *self,
                              const char      *id)
{
  guint n;

  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      if (g_strcmp0 (debrief_finding_get_id (f), id) == 0)
        return f;   /* the store keeps its reference */
    }
  return NULL;
}

gboolean
debrief_analysis_has_finding (DebriefAnalysis *self,
                              const char      *id)
{
  return debrief_analysis_get_finding (self, id) != NULL;
}

const DebriefCapacityResult *
debrief_analysis_get_capacity (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return self->capacity;
}

double
debrief_analysis_get_convergence_percent (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->convergence_percent;
}

gboolean
debrief_analysis_get_seed_overfitting_warning (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), FALSE);
  return self->seed_overfitting_warning;
}

gint64
debrief_analysis_get_best_step (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), -1);
  return self->best_step;
}

double
debrief_analysis_get_best_val_loss (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->best_val_loss;
}

double
debrief_analysis_get_noise_sigma (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->noise_sigma;
}

double
debrief_analysis_get_rule_of_thumb_lr (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->rule_of_thumb_lr;
}

double
debrief_analysis_get_learning_rate (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NAN);
  return self->learning_rate;
}

const char *
debrief_analysis_get_verdict (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return self->verdict;
}

const char *const *
debrief_analysis_get_notes (DebriefAnalysis *self)
{
  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), NULL);
  return (const char *const *) self->notes->pdata;
}

int
debrief_analysis_get_worst_severity (DebriefAnalysis *self)
{
  g_autoptr(DebriefFinding) first = NULL;

  g_return_val_if_fail (DEBRIEF_IS_ANALYSIS (self), -1);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->findings)) == 0)
    return -1;
  first = g_list_model_get_item (G_LIST_MODEL (self->findings), 0);
  return (int) debrief_finding_get_severity (first);
}
