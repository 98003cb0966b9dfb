/* debrief-analysis-loss.c: checks on the train loss curve
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checklist's own numbers, divergence, no improvement, spikes, slow
 * convergence and the shape of an early plateau (debrief-analysis-curve.c says
 * how the curve is summarised).
 */
#include <inttypes.h>
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* The checklist computes convergence only for runs with more than 100 losses. */
#define SEED_MIN_TRAIN_LOSSES 100
#define SEED_WINDOW 10

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
/* Validation also agrees when, its minimum not among the last evaluations, it is
 * still falling over the later half of them (slope that many standard errors
 * below zero): noise moves the minimum of a slowly falling curve around. */
#define SLOW_VAL_LATE_HALF 0.5
/* A learning rate 10× or more below the kind's rule of thumb is evidence of its
 * own: then 2 standard errors of decline at the end are enough, and a curve the
 * exponential fit does not describe (a near-linear fall) counts when its last 30%
 * still brought a tenth of its drop. */
#define SLOW_LR_FAR_BELOW 10.0
#define SLOW_LR_EVIDENCE_SIGMAS 2.0
#define SLOW_MIN_LATE_DROP_SHARE 0.1
/* A run short of this share of its planned steps is on its way: a loss still
 * falling at its end is what such a run looks like, not a slow one. */
#define SLOW_MIN_PROGRESS 0.9
/* Several epochs without validation: train loss keeps falling by memorising the
 * data, which says nothing about the learning rate. */
#define SLOW_MAX_EPOCHS_WITHOUT_VAL 1.5

/* loss_spikes, the sustained form: the loss does not jump at one step but climbs for
 * a stretch while the learning rate is high, and comes back (if at all) only as the
 * schedule lowers it. Told from noise and from overfitting by validation, a fixed
 * set: it must rise from its running minimum by 3 of its noise sigmas and 3% of its
 * level, while the train loss over the same stretch rises too, by 3 standard errors
 * of its local medians and 2% of its level (in overfitting the train loss falls).
 * Without validation no such finding: a harder stretch of an unshuffled dataset
 * raises the train loss alone. */
#define INSTABILITY_VAL_SIGMAS 3.0
#define INSTABILITY_VAL_MIN_REL_RISE 0.03
#define INSTABILITY_TRAIN_Z 3.0
#define INSTABILITY_TRAIN_MIN_REL_RISE 0.02
/* The train level at an evaluation: the median of the points within 5% of the run
 * on either side of it. */
#define INSTABILITY_TRAIN_HALF_WINDOW 0.05

/* slow_convergence says the learning rate is too low; where no rule of thumb knows
 * the model, a rate this high is already at or beyond the top of what fine-tunes of
 * that kind use (LoRA: typically 1e-5–2e-3; full fine-tunes 1e-6–6e-4, GPT-2's
 * pre-training rate), so a curve that is still falling says "train longer", not
 * "raise the rate". */
#define SLOW_LORA_LR_CEILING 5e-3
#define SLOW_FULL_LR_CEILING 1e-3

/* early_plateau: τ at most 12% of the run, so 95% of the drop (3τ) is done before
 * ~36% of the run and the rest of the steps buy almost nothing. */
#define PLATEAU_MAX_TAU_SHARE 0.12
/* At most 3% of the drop comes after the plateau begins (the fit's own remainder). */
#define PLATEAU_MAX_LATE_SHARE 0.03
/* A plateau is only worth a finding when the drop itself is clearly above noise. */
#define PLATEAU_MIN_DROP_SIGMAS 2.0
/* ... and when the logged curve agrees with the fit: a fast first fall and a slow
 * steady second one fit an exponential whose remainder is ~0 while the smoothed
 * loss keeps falling. When most of the drop (more than half) still comes after
 * the step the fit calls 95% done, the fit describes the first fall only and the
 * curve has not levelled off. */
#define PLATEAU_MAX_DATA_LATE_SHARE 0.5

/* The gradient-clipping norm the fixes recommend (the HF Trainer's default). */
#define CLIP_MAX_NORM 1.0

static void
add_lower_lr (DebriefFinding *f,
              double          from,
              double          to)
{
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, from,
                                                            isfinite (from) ? to : NAN));
}

/* A run whose loss became NaN and stayed so diverged; a few NaN points among finite
 * ones (a bad batch, an evaluation that overflowed in fp16) with the loss finite
 * again afterwards did not. Recovered means: the last point is finite and at least
 * 90% of the points after the first NaN are. */
#define NONFINITE_RECOVERED_SHARE 0.9

static gboolean
nonfinite_recovered (DebriefAnalysisContext *ctx,
                     DebriefSeries          *s,
                     gboolean                train)
{
  gsize n = debrief_series_get_length (s), first = n, finite_after = 0;

  for (gsize i = 0; i < n; i++)
    if (!isfinite (debrief_series_get_value (s, i)))
      {
        first = i;
        break;
      }
  if (first >= n || !isfinite (debrief_series_get_value (s, n - 1)))
    return FALSE;
  for (gsize i = first + 1; i < n; i++)
    if (isfinite (debrief_series_get_value (s, i)))
      finite_after++;
  if ((double) finite_after < NONFINITE_RECOVERED_SHARE * (double) (n - first - 1))
    return FALSE;
  _debrief_analysis_add_note (ctx->self,
                              g_strdup_printf (train
                                               ? g_dngettext (GETTEXT_PACKAGE,
                                                              "The train loss is not finite at %zu point "
                                                              "(first at step %" PRId64 ") but finite again "
                                                              "afterwards: a bad batch, not a divergence.",
                                                              "The train loss is not finite at %zu points "
                                                              "(first at step %" PRId64 ") but finite again "
                                                              "afterwards: bad batches, not a divergence.",
                                                              debrief_series_get_n_nonfinite (s))
                                               : g_dngettext (GETTEXT_PACKAGE,
                                                              "The validation loss is not finite at %zu "
                                                              "evaluation (first at step %" PRId64 ") but "
                                                              "finite again afterwards: an evaluation that "
                                                              "overflowed, not a divergence.",
                                                              "The validation loss is not finite at %zu "
                                                              "evaluations (first at step %" PRId64 ") but "
                                                              "finite again afterwards: evaluations that "
                                                              "overflowed, not a divergence.",
                                                              debrief_series_get_n_nonfinite (s)),
                                               debrief_series_get_n_nonfinite (s),
                                               debrief_series_get_step (s, first)));
  return TRUE;
}

void
_debrief_analysis_check_seed_numbers (DebriefAnalysisContext *ctx)
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

void
_debrief_analysis_check_diverged (DebriefAnalysisContext *ctx)
{
  DebriefSeries *series[2] = { ctx->in->train, ctx->in->val };
  const DebriefCurve *c = &ctx->train;

  for (guint k = 0; k < 2; k++)
    {
      DebriefSeries *s = series[k];
      gsize bad;

      if (s == NULL || (bad = debrief_series_get_n_nonfinite (s)) == 0)
        continue;
      if (nonfinite_recovered (ctx, s, k == 0))
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
            DebriefFinding *f;

            if (isfinite (ctx->lr))
              {
                g_autofree char *lr = _debrief_format_lr (ctx->lr / SPIKE_LR_DIVISOR);
                fix = g_strdup_printf (_("Lower the learning rate to %s or less, check the data for "
                                         "empty or corrupt examples, and train in bf16 or fp32 "
                                         "rather than fp16."), lr);
              }
            else
              fix = g_strdup (_("Lower the learning rate (a third of it is a good first try), check "
                                "the data for empty or corrupt examples, and train in bf16 or fp32 "
                                "rather than fp16."));
            f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_DIVERGED, DEBRIEF_SEVERITY_ERROR,
                                               _("Loss became NaN/Inf"), evidence,
                                               _("The learning rate is far too high, or the numerics "
                                                 "overflowed (fp16, a bad batch)."),
                                               fix, step);
            add_lower_lr (f, ctx->lr, ctx->lr / SPIKE_LR_DIVISOR);
            debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
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
      DebriefFinding *f;

      for (gsize i = 1; i < c->nb; i++)
        if (c->smooth[i] < c->smooth[best])
          best = i;
      evidence = g_strdup_printf (_("Train loss ends at %.3f (median of the last 10%%), above where "
                                    "it started (%.3f); its lowest smoothed value was %.3f near "
                                    "step %.0f."),
                                  c->tail, c->head, c->smooth[best], c->bx[best]);
      if (isfinite (ctx->lr))
        {
          g_autofree char *lr = _debrief_format_lr (ctx->lr / SPIKE_LR_DIVISOR);
          fix = g_strdup_printf (_("Lower the learning rate to %s, keep warmup and gradient clipping "
                                   "(max norm 1.0), and check the data and precision."), lr);
        }
      else
        fix = g_strdup (_("Lower the learning rate (by 3× or more), keep warmup and gradient "
                          "clipping (max norm 1.0), and check the data and precision."));
      f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_DIVERGED, DEBRIEF_SEVERITY_ERROR,
                                         _("Loss ends above where it started"), evidence,
                                         _("The learning rate is far too high, or the numerics are unstable."),
                                         fix, (gint64) c->bx[best]);
      add_lower_lr (f, ctx->lr, ctx->lr / SPIKE_LR_DIVISOR);
      debrief_finding_add_action (f, debrief_action_new_value (DEBRIEF_ACTION_CLIP_GRADIENTS, CLIP_MAX_NORM));
      debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
      ctx->diverged = TRUE;
    }
}

void
_debrief_analysis_check_no_improvement (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  double val_drop = NAN;
  g_autofree char *evidence = NULL;
  g_autofree char *cause = NULL;
  g_autofree char *fix = NULL;
  guint targets;
  DebriefFinding *f;

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
  if (!ctx->lora)
    /* A full fine-tune trains every layer: the layers cannot be the cause. */
    cause = g_strdup (_("Nothing is being trained: the parameters do not require gradients, the "
                        "learning rate is near zero, or the loss is computed on the wrong tokens."));
  else if (targets != 0 && !(targets & (DEBRIEF_TARGETS_MLP | DEBRIEF_TARGET_GATE_UP)))
    cause = g_strdup (_("The wrong layers are adapted: the adapter skips the MLP layers."));
  else
    cause = g_strdup (_("The wrong layers are adapted (or none: check that the adapter is trainable "
                        "and attached), or the learning rate is near zero."));
  fix = _debrief_analysis_adapter_fix (ctx,
                                       _("Apply LoRA to all linear layers, the MLP layers especially "
                                         "(PEFT: target_modules=\"all-linear\"; Tinker: train_mlp=True), "
                                         "and check that the adapter's parameters require gradients."),
                                       _("Check that the model's parameters require gradients and reach "
                                         "the optimizer, that the learning rate schedule is not stuck at "
                                         "zero, and that the labels are not all masked."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_NO_IMPROVEMENT, DEBRIEF_SEVERITY_WARNING,
                                     _("No improvement"), evidence, cause, fix, -1);
  if (ctx->lora)
    debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_TARGET_ALL_LINEAR));
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
}

/* The spike check judges the curve on its own scale z (log(loss), or the
 * loss), without a copy of the run on that scale: the windows' maximum and
 * minimum slide along the losses themselves (recomputed only when the extreme
 * leaves the window), and z is computed only for the few points that may
 * pass a test. On the log scale a point is ruled out on the losses first,
 * with a margin (SPIKE_RULE_OUT_MARGIN, far above log's rounding error) that
 * makes the ruling exact: it rules out only points the test on z rejects. */
#define SPIKE_RULE_OUT_MARGIN 1e-9

static inline double
spike_scale (gboolean log_scale,
             double   y)
{
  return log_scale ? log (y) : y;
}

static void
spike_scale_into (const double *y,
                  gboolean      log_scale,
                  gsize         n,
                  double       *out)
{
  for (gsize j = 0; j < n; j++)
    out[j] = spike_scale (log_scale, y[j]);
}

/* The largest (@want_max) or smallest of @y[@from .. @to) (finite values:
 * any order of comparisons gives the same extreme, so two run side by side). */
static double
extreme_of (const double *y,
            gsize         from,
            gsize         to,
            gboolean      want_max)
{
  double e0 = y[from], e1 = y[from];
  gsize j = from + 1;

  for (; j + 1 < to; j += 2)
    {
      e0 = want_max ? MAX (e0, y[j]) : MIN (e0, y[j]);
      e1 = want_max ? MAX (e1, y[j + 1]) : MIN (e1, y[j + 1]);
    }
  if (j < to)
    e0 = want_max ? MAX (e0, y[j]) : MIN (e0, y[j]);
  return want_max ? MAX (e0, e1) : MIN (e0, e1);
}

/* The walks go block by block: every trailing window of a point lies within
 * its block and the one before, so the extreme of those two blocks bounds the
 * window's extreme for all the block's points at once. */
#define SPIKE_BLOCK 16
G_STATIC_ASSERT (SPIKE_BLOCK >= SPIKE_BASELINE_POINTS);

/* The spike check's walk over the curve; reads the curve only (its points
 * and minimum), so that it can run in its own thread while the rest of the
 * analysis summarises the same curve. */
struct _DebriefSpikeScan
{
  const DebriefCurve *curve;
  GThread *thread;
  /* The result: */
  guint events;
  gsize baseline;
  gint64 worst_step;
  GString *list;          /* the first events, for the evidence */
};

static void
spike_scan_run (DebriefSpikeScan *scan)
{
  const DebriefCurve *c = scan->curve;
  const double *y = c->y;
  g_autofree double *scratch = NULL;
  GString *list = NULL;
  double window[SPIKE_BASELINE_POINTS], ahead[SPIKE_PERSIST_POINTS];
  double sigma, threshold, rule_out, previous_extreme = 0.0;
  double dips[2] = { 0.0, 0.0 };
  guint events = 0;
  gsize last_event = 0, baseline, stride, n_diffs, k_diff = 0, next_diff = 1;
  double worst_jump = 0.0;
  gint64 worst_step = -1;
  gboolean log_scale;

  baseline = MIN (SPIKE_BASELINE_POINTS, MAX (SPIKE_MIN_BASELINE_POINTS, c->n / SPIKE_SHORT_BASELINE_DIVISOR));

  /* Loss noise is roughly proportional to the loss (a batch's loss varies by a share
   * of its level), so spikes are judged on log(loss) where one sigma fits the whole
   * run; losses that can be zero or negative stay linear. */
  log_scale = c->min > 0;

  /* The two deepest dips below the trailing median. A point can only dip further
   * than the window's maximum allows, which skips the median for almost every point.
   * The same walk takes the differences for the noise sigma of z. */
  stride = debrief_stats_noise_stride (c->n, &n_diffs);
  scratch = g_new (double, MAX (2 * n_diffs, 1));
  rule_out = exp (dips[1] - SPIKE_RULE_OUT_MARGIN);
  for (gsize block = 0; block < c->n; block += SPIKE_BLOCK)
    {
      gsize block_end = MIN (c->n, block + SPIKE_BLOCK);
      double block_top = extreme_of (y, block, block_end, TRUE);
      /* At least the maximum of the window of every point of the block. */
      double top = block > 0 ? MAX (previous_extreme, block_top) : block_top;

      previous_extreme = block_top;
      for (gsize i = block; i < block_end; i++)
        {
          double z, dip, window_top;

          if (i == next_diff && k_diff < n_diffs)
            {
              scratch[k_diff++] = spike_scale (log_scale, y[i]) - spike_scale (log_scale, y[i - 1]);
              next_diff += stride;
            }
          if (i < baseline)
            continue;
          /* Ruled out on the bound, then on the window's maximum itself. */
          if (log_scale ? y[i] >= DBL_MIN && top <= y[i] * rule_out : top - y[i] <= dips[1])
            continue;
          window_top = extreme_of (y, i - baseline, i, TRUE);
          if (log_scale ? y[i] >= DBL_MIN && window_top <= y[i] * rule_out : window_top - y[i] <= dips[1])
            continue;
          spike_scale_into (y + i - baseline, log_scale, baseline, window);
          z = spike_scale (log_scale, y[i]);
          if (extreme_of (window, 0, baseline, TRUE) - z <= dips[1])
            continue;
          dip = debrief_stats_median (window, baseline) - z;
          if (dip > dips[0])
            {
              dips[1] = dips[0];
              dips[0] = dip;
            }
          else if (dip > dips[1])
            dips[1] = dip;
          rule_out = exp (dips[1] - SPIKE_RULE_OUT_MARGIN);
        }
    }
  /* The README's definition: 1.4826 × MAD of consecutive differences / √2. */
  sigma = debrief_stats_noise_sigma_of_diffs (scratch, n_diffs, scratch + n_diffs);
  scan->baseline = baseline;
  scan->worst_step = -1;
  if (!(sigma > 0))
    return;
  threshold = MAX (SPIKE_SIGMAS * sigma, SPIKE_DIP_FACTOR * dips[1]);

  list = scan->list = g_string_new (NULL);
  rule_out = exp (threshold - SPIKE_RULE_OUT_MARGIN);
  for (gsize block = 0; block < c->n; block += SPIKE_BLOCK)
    {
      gsize block_end = MIN (c->n, block + SPIKE_BLOCK);
      double block_bottom = extreme_of (y, block, block_end, FALSE);
      /* At most the minimum of the window of every point of the block. */
      double bottom = block > 0 ? MIN (previous_extreme, block_bottom) : block_bottom;

      previous_extreme = block_bottom;
      for (gsize i = MAX (block, baseline); i < block_end && i + SPIKE_PERSIST_POINTS < c->n; i++)
        {
          double z, base, jump, after, min_jump, window_bottom;

          /* Cheap rejection first: the point must clear the window's minimum (its
           * bound, then the minimum itself). */
          if (log_scale ? bottom >= DBL_MIN && y[i] <= bottom * rule_out : y[i] - bottom <= threshold)
            continue;
          window_bottom = extreme_of (y, i - baseline, i, FALSE);
          if (log_scale ? window_bottom >= DBL_MIN && y[i] <= window_bottom * rule_out
                        : y[i] - window_bottom <= threshold)
            continue;
          spike_scale_into (y + i - baseline, log_scale, baseline, window);
          z = spike_scale (log_scale, y[i]);
          if (z - extreme_of (window, 0, baseline, FALSE) <= threshold)
            continue;
          base = debrief_stats_median (window, baseline);
          jump = z - base;
          if (jump <= threshold)
            continue;
          min_jump = log_scale ? log1p (SPIKE_MIN_REL_JUMP) : SPIKE_MIN_REL_JUMP * fabs (base);
          if (jump <= min_jump)
            continue;
          spike_scale_into (y + i + 1, log_scale, SPIKE_PERSIST_POINTS, ahead);
          after = debrief_stats_median (ahead, SPIKE_PERSIST_POINTS) - base;
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
            double rise = y[i] - base_value;

            if (events <= 5)
              g_string_append_printf (list, "%s%.0f (%.3f → %.3f, %.0fσ)", events > 1 ? ", " : "",
                                      _debrief_curve_x (c, i), base_value, y[i], jump / sigma);
            if (rise > worst_jump)
              {
                worst_jump = rise;
                worst_step = c->steps[i];
              }
          }
        }
    }
  scan->events = events;
  scan->worst_step = worst_step;
}

static gpointer
spike_scan_thread (gpointer data)
{
  spike_scan_run (data);
  return NULL;
}

static void
spike_scan_free (DebriefSpikeScan *scan)
{
  if (scan->thread)
    g_thread_join (scan->thread);
  if (scan->list)
    g_string_free (scan->list, TRUE);
  g_free (scan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefSpikeScan, spike_scan_free)

/* Long curves: the spike walk is as long as the rest of the loss checks put
 * together, so it starts in a second thread as soon as the curve's points are
 * known (the result is taken, and the finding made, in its place in the order). */
#define SPIKE_THREAD_MIN_POINTS 100000

void
_debrief_analysis_start_spike_scan (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  DebriefSpikeScan *scan;

  if (ctx->spike_scan != NULL || c->n < SPIKE_THREAD_MIN_POINTS || g_get_num_processors () < 2)
    return;
  scan = ctx->spike_scan = g_new0 (DebriefSpikeScan, 1);
  scan->curve = c;
  scan->thread = g_thread_new ("debrief-spikes", spike_scan_thread, scan);
}

void
_debrief_analysis_finish_spike_scan (DebriefAnalysisContext *ctx)
{
  g_clear_pointer (&ctx->spike_scan, spike_scan_free);
}

void
_debrief_analysis_check_spikes (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  g_autoptr(DebriefSpikeScan) scan = g_steal_pointer (&ctx->spike_scan);
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  double suggested = NAN, rule;
  g_autofree char *rule_text = NULL;
  DebriefFinding *f;
  guint events;
  gsize baseline;
  gint64 worst_step;

  if (!ctx->has_train || c->n < CURVE_MIN_POINTS)
    return;
  if (scan == NULL)
    {
      scan = g_new0 (DebriefSpikeScan, 1);
      scan->curve = c;
      spike_scan_run (scan);
    }
  else if (scan->thread)
    g_thread_join (g_steal_pointer (&scan->thread));
  events = scan->events;
  baseline = scan->baseline;
  worst_step = scan->worst_step;

  if (events == 0)
    return;

  evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u spike above the preceding %d-point median at step %s; "
                                           "noise sigma %.3f.",
                                           "%u spikes above the preceding %d-point median at steps %s; "
                                           "noise sigma %.3f.", events),
                              events, (int) baseline, scan->list->str, c->sigma);
  rule = _debrief_analysis_kind_lr (ctx, &rule_text);
  if (isfinite (ctx->lr))
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);
      g_autofree char *lr = NULL;

      suggested = ctx->lr / SPIKE_LR_DIVISOR;
      if (isfinite (rule) && rule < ctx->lr)
        suggested = MAX (suggested, MIN (rule, ctx->lr / 2.0));
      lr = _debrief_format_lr (suggested);
      fix = g_strdup_printf (_("Reduce the learning rate from %s to about %s; keep warmup and "
                               "gradient clipping (max norm 1.0)."), cur, lr);
    }
  else if (isfinite (rule))
    {
      g_autofree char *lr = _debrief_format_lr (rule);

      suggested = rule;
      fix = g_strdup_printf (_("Reduce the learning rate to about %s (%s); keep warmup and gradient "
                               "clipping (max norm 1.0)."), lr, rule_text);
    }
  else
    fix = g_strdup (_("Reduce the learning rate by about 3×; keep warmup and gradient clipping "
                      "(max norm 1.0)."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_LOSS_SPIKES, DEBRIEF_SEVERITY_WARNING,
                                     _("Loss spikes"), evidence, _("The learning rate is too high."),
                                     fix, worst_step);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, ctx->lr, suggested));
  debrief_finding_add_action (f, debrief_action_new_value (DEBRIEF_ACTION_CLIP_GRADIENTS, CLIP_MAX_NORM));
}

/* The share of the train loss's points logged before @step. */
static double
share_at_step (const DebriefCurve *c,
               double              step)
{
  gsize lo = 0, hi = c->n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if ((double) c->steps[mid] < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (double) lo / (double) c->n;
}

void
_debrief_analysis_check_instability (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  double val_sigma, best_rise = 0.0, rule, suggested = NAN;
  gsize from = 0, to = 0, running_min = 0;
  double train_from, train_to, z;
  gsize k_from, k_to;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  g_autofree char *rule_text = NULL;
  DebriefFinding *f;

  if (ctx->diverged || !ctx->has_train || c->n < CURVE_MIN_POINTS || !(c->sigma > 0)
      || ctx->val_n < OVERFIT_MIN_EVALS
      || debrief_analysis_has_finding (ctx->self, DEBRIEF_FINDING_LOSS_SPIKES))
    return;
  val_sigma = debrief_stats_noise_sigma (ctx->val_y, ctx->val_n);
  if (!(val_sigma > 0))
    return;

  /* The largest rise of validation above its running minimum. */
  for (gsize j = 1; j < ctx->val_n; j++)
    {
      if (ctx->val_y[j] < ctx->val_y[running_min])
        running_min = j;
      else if (ctx->val_y[j] - ctx->val_y[running_min] > best_rise)
        {
          best_rise = ctx->val_y[j] - ctx->val_y[running_min];
          from = running_min;
          to = j;
        }
    }
  if (best_rise < INSTABILITY_VAL_SIGMAS * val_sigma
      || best_rise < INSTABILITY_VAL_MIN_REL_RISE * fabs (ctx->val_y[from]))
    return;

  /* Did the train loss rise over the same stretch? */
  {
    double s_from = share_at_step (c, ctx->val_x[from]);
    double s_to = share_at_step (c, ctx->val_x[to]);

    train_from = _debrief_curve_window_median (c, s_from - INSTABILITY_TRAIN_HALF_WINDOW,
                                               s_from + INSTABILITY_TRAIN_HALF_WINDOW, &k_from);
    train_to = _debrief_curve_window_median (c, s_to - INSTABILITY_TRAIN_HALF_WINDOW,
                                             s_to + INSTABILITY_TRAIN_HALF_WINDOW, &k_to);
  }
  z = _debrief_curve_median_diff_z (c, train_to - train_from, k_from, k_to);
  if (!(z >= INSTABILITY_TRAIN_Z) || train_to - train_from < INSTABILITY_TRAIN_MIN_REL_RISE * fabs (train_from))
    return;
  ctx->unstable = TRUE;

  evidence = g_strdup_printf (_("Between steps %.0f and %.0f the model got worse on both sets: train "
                                "loss rose from %.3f to %.3f (local medians, %.1f standard errors) "
                                "and validation loss from %.3f to %.3f (%.1f of its noise sigmas). "
                                "Validation ends at %.3f, its best was %.3f."),
                              ctx->val_x[from], ctx->val_x[to], train_from, train_to, z,
                              ctx->val_y[from], ctx->val_y[to], best_rise / val_sigma,
                              ctx->val_y[ctx->val_n - 1], ctx->val_min);
  rule = _debrief_analysis_kind_lr (ctx, &rule_text);
  if (isfinite (ctx->lr))
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);
      g_autofree char *lr = NULL;

      suggested = ctx->lr / SPIKE_LR_DIVISOR;
      if (isfinite (rule) && rule < ctx->lr)
        suggested = MAX (suggested, MIN (rule, ctx->lr / 2.0));
      lr = _debrief_format_lr (suggested);
      fix = g_strdup_printf (_("Reduce the learning rate from %s to about %s; keep warmup and "
                               "gradient clipping (max norm 1.0)."), cur, lr);
    }
  else
    fix = g_strdup (_("Reduce the learning rate by about 3×; keep warmup and gradient clipping "
                      "(max norm 1.0)."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_LOSS_SPIKES, DEBRIEF_SEVERITY_WARNING,
                                     _("Loss rose during training"), evidence,
                                     _("The learning rate is too high: the optimiser overshoots while "
                                       "the rate is high and recovers only as the schedule lowers it."),
                                     fix, (gint64) ctx->val_x[to]);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, ctx->lr, suggested));
  debrief_finding_add_action (f, debrief_action_new_value (DEBRIEF_ACTION_CLIP_GRADIENTS, CLIP_MAX_NORM));
}

void
_debrief_analysis_check_slow_convergence (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  g_autofree char *lr_text = NULL;
  gboolean val_agrees = TRUE, lr_far_below, shape_slow;
  double to = NAN, kind_lr, sigmas, late_t, late_slope, late_share;
  g_autofree char *rule = NULL;
  DebriefFinding *f;

  if (ctx->diverged || ctx->flat || ctx->unstable || !ctx->has_train || c->n < CURVE_MIN_POINTS
      || !(c->drop > 0))
    return;
  if (isfinite (ctx->in->progress) && ctx->in->progress < SLOW_MIN_PROGRESS && !ctx->in->finished_by_files &&
      ctx->in->crash == NULL && !_debrief_analysis_run_finished (ctx))
    {
      _debrief_analysis_add_note (ctx->self,
                                  g_strdup_printf (_("Slow convergence is not judged yet: the run is at %.0f%% of "
                                                     "its planned steps, where a loss still falling is what a "
                                                     "run on its way looks like."),
                                                   100.0 * ctx->in->progress));
      return;
    }
  kind_lr = _debrief_analysis_kind_lr (ctx, &rule);
  /* A rate at or above the kind's rule, or (no rule) above what the kind uses at all,
   * is not too low, however slowly the loss falls. */
  if (isfinite (ctx->lr) && isfinite (kind_lr) && ctx->lr >= kind_lr)
    return;
  if (isfinite (ctx->lr) && !isfinite (kind_lr)
      && ctx->lr >= (ctx->lora || ctx->adapter_unknown ? SLOW_LORA_LR_CEILING : SLOW_FULL_LR_CEILING))
    return;
  lr_far_below = isfinite (ctx->lr) && isfinite (kind_lr) && ctx->lr * SLOW_LR_FAR_BELOW <= kind_lr;
  sigmas = lr_far_below ? SLOW_LR_EVIDENCE_SIGMAS : SLOW_NOISE_SIGMAS;

  /* Still falling at the end: the train loss's own decline over the last 30%. */
  late_t = -_debrief_curve_slope_t (c, 1.0 - SLOW_LATE_SHARE, &late_slope);
  late_share = -late_slope * (_debrief_curve_x (c, c->n - 1)
                              - _debrief_curve_x (c, (gsize) ((double) c->n * (1.0 - SLOW_LATE_SHARE))))
               / c->drop;
  shape_slow = c->fit_ok && c->fit.amplitude > 0 && c->tau_share >= SLOW_MIN_TAU_SHARE
               && c->remaining_share >= SLOW_MIN_REMAINING_SHARE;
  if (!shape_slow && !(lr_far_below && late_share >= SLOW_MIN_LATE_DROP_SHARE))
    return;
  if (ctx->val_n >= OVERFIT_MIN_EVALS)
    {
      /* Validation, when there is enough of it, must agree: still clearly falling over
       * the last 30% of the evaluations, its minimum among the last ones or its later
       * half still sloping down. */
      gsize late = (gsize) floor ((double) (ctx->val_n - 1) * (1.0 - SLOW_LATE_SHARE));
      double val_sigma = ctx->val_n >= 3 ? debrief_stats_noise_sigma (ctx->val_y, ctx->val_n) : 0.0;
      double total = ctx->val_y[0] - ctx->val_min;
      double late_drop = ctx->val_y[late] - ctx->val_min;
      gboolean min_late = ctx->val_min_index + SLOW_VAL_LAST_EVALS >= ctx->val_n;

      if (!isfinite (val_sigma))
        val_sigma = 0.0;
      if (!min_late && val_sigma > 0)
        {
          gsize first = (gsize) floor ((double) ctx->val_n * SLOW_VAL_LATE_HALF);
          gsize k = ctx->val_n - first;
          double mx = debrief_stats_mean (ctx->val_x + first, k), sxy = 0.0, sxx = 0.0, my;

          my = debrief_stats_mean (ctx->val_y + first, k);
          for (gsize i = first; i < ctx->val_n; i++)
            {
              sxx += (ctx->val_x[i] - mx) * (ctx->val_x[i] - mx);
              sxy += (ctx->val_x[i] - mx) * (ctx->val_y[i] - my);
            }
          min_late = k >= LEVEL_MIN_POINTS && sxx > 0 && -(sxy / sxx) / (val_sigma / sqrt (sxx)) >= sigmas;
        }
      val_agrees = min_late && total > 0 && late_drop >= SLOW_VAL_MIN_LATE_SHARE * total
                   && late_drop >= sigmas * val_sigma;
    }
  else
    {
      if (isfinite (ctx->in->config.num_epochs) && ctx->in->config.num_epochs > SLOW_MAX_EPOCHS_WITHOUT_VAL)
        return;
      /* Train alone: the decline over the last 30% of the points must be significant. */
      val_agrees = isfinite (late_t) && late_t >= sigmas;
    }
  if (!val_agrees)
    return;
  ctx->slow = TRUE;

  if (!shape_slow)
    {
      g_autofree char *lr = _debrief_format_lr (ctx->lr);
      g_autofree char *rule_lr = _debrief_format_lr (kind_lr);

      /* Translators: the second %s is the rule of thumb's name, e.g. "the LoRA rule of thumb for a 4096-wide model" */
      lr_text = g_strdup_printf (_("Train loss fell steadily from %.3f to %.3f at a learning rate of %s, "
                                   "%.0f× below %s (%s), and was still falling at the end: its last 30%% "
                                   "brought %.0f%% of the drop (t = %.1f)."),
                                 c->head, c->tail, lr, kind_lr / ctx->lr, rule, rule_lr,
                                 100.0 * late_share, late_t);
    }
  else if (isfinite (ctx->lr))
    {
      g_autofree char *lr = _debrief_format_lr (ctx->lr);
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
    evidence = g_strconcat (lr_text, " ", ctx->val_min_index + 1 == ctx->val_n
                                          ? _("Validation loss is lowest at the last evaluation.")
                                          : _("Validation loss is still falling over its later evaluations."),
                            NULL);
  else
    evidence = g_strdup (lr_text);
  fix = _debrief_analysis_suggest_higher_lr (ctx, &to);
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_SLOW_CONVERGENCE, DEBRIEF_SEVERITY_WARNING,
                                     _("Slow convergence"), evidence, _("The learning rate is too low."),
                                     fix, -1);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_RAISE_LR, ctx->lr, to));
  /* At the same rate, 95% of the fitted drop takes 3τ: that many steps, rounded to half a run. */
  if (c->fit_ok && isfinite (c->tau_share))
    debrief_finding_add_action (f, debrief_action_new_value (DEBRIEF_ACTION_MORE_STEPS,
                                                             MAX (1.5, ceil (2.0 * 3.0 * c->tau_share) / 2.0)));
}

void
_debrief_analysis_compute_plateau_shape (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  double step;

  if (ctx->diverged || ctx->flat || ctx->slow || !ctx->has_train || !c->fit_ok
      || !(c->fit.amplitude > 0) || !(c->sigma > 0))
    return;
  if (c->tau_share > PLATEAU_MAX_TAU_SHARE || !(c->remaining_share <= PLATEAU_MAX_LATE_SHARE))
    return;
  if (c->drop < PLATEAU_MIN_DROP_SIGMAS * c->sigma)
    return;
  /* 95% of the fitted drop is done after 3τ. */
  step = c->fit.x0 + 3.0 * c->fit.tau;
  if (!(_debrief_curve_level_at (c, step) - c->tail <= PLATEAU_MAX_DATA_LATE_SHARE * c->drop))
    return;
  ctx->plateau_shape = TRUE;
  ctx->plateau_step = (gint64) step;
}

