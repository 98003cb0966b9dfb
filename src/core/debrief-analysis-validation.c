/* debrief-analysis-validation.c: checks on the validation loss
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* overfitting: at least OVERFIT_MIN_EVALS evaluations, the minimum followed by at
 * least 2 more, the last one above the minimum by 3 validation-noise sigmas and 2%,
 * and train loss still falling meanwhile (if train rises too, it is instability,
 * not overfitting). */
#define OVERFIT_MIN_EVALS_AFTER 2
#define OVERFIT_NOISE_SIGMAS 3.0
#define OVERFIT_MIN_REL_RISE 0.02
#define OVERFIT_TRAIN_MIN_REL_DROP 0.01
/* The rise is measured between medians: of the 3 evaluations around the minimum and
 * of the last 3 (fewer when the run has fewer after the minimum). */
#define OVERFIT_END_EVALS 3
/* Above a 5% rise the checkpoint at the end is clearly worse than the best one. */
#define OVERFIT_WARNING_REL_RISE 0.05
/* Mild overfitting, reported as information: validation bottomed out and every one
 * of at least 3 evaluations after the minimum stayed above it by 2 noise sigmas and
 * 0.5% (validation sets of a few hundred examples wobble by about that much), while
 * train loss kept falling. One evaluation above the floor is noise; three in a row
 * above it, with train still falling, is the start of memorisation. */
#define MILD_MIN_EVALS_AFTER 3
#define MILD_NOISE_SIGMAS 2.0
#define MILD_MIN_REL_RISE 0.005

gboolean
_debrief_analysis_detect_val_rise (DebriefAnalysisContext *ctx,
                                   DebriefValRise         *out)
{
  double val_sigma, threshold, mild_threshold, rise, last;
  guint after, above = 0;
  gboolean strong = TRUE, mild = TRUE;

  memset (out, 0, sizeof *out);
  out->train_at_best = out->train_end = NAN;
  if (ctx->val_n < OVERFIT_MIN_EVALS)
    return FALSE;
  after = (guint) (ctx->val_n - 1 - ctx->val_min_index);
  if (after < OVERFIT_MIN_EVALS_AFTER)
    return FALSE;
  val_sigma = ctx->val_n >= 3 ? debrief_stats_noise_sigma (ctx->val_y, ctx->val_n) : 0.0;
  if (!isfinite (val_sigma))
    val_sigma = 0.0;
  threshold = MAX (OVERFIT_NOISE_SIGMAS * val_sigma, OVERFIT_MIN_REL_RISE * fabs (ctx->val_min));
  /* The noise of the evaluations from the minimum on: before it, the curvature of
   * the descent inflates the differences the noise is estimated from. */
  {
    double floor_sigma = after >= MILD_MIN_EVALS_AFTER
                         ? debrief_stats_noise_sigma (ctx->val_y + ctx->val_min_index, after + 1) : NAN;
    mild_threshold = MAX (MILD_NOISE_SIGMAS * (isfinite (floor_sigma) ? floor_sigma : val_sigma),
                          MILD_MIN_REL_RISE * fabs (ctx->val_min));
  }
  last = ctx->val_y[ctx->val_n - 1];
  rise = last - ctx->val_min;
  if (rise <= threshold)
    strong = FALSE;
  else
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
        strong = FALSE;
    }
  if (strong)
    {
      for (gsize i = ctx->val_min_index + 1; i < ctx->val_n; i++)
        if (ctx->val_y[i] > ctx->val_min + threshold / 2)
          above++;
      if (above < OVERFIT_MIN_EVALS_AFTER)
        strong = FALSE;
    }
  if (after < MILD_MIN_EVALS_AFTER)
    mild = FALSE;
  for (gsize i = ctx->val_min_index + 1; mild && i < ctx->val_n; i++)
    if (!(ctx->val_y[i] > ctx->val_min + mild_threshold))
      {
        /* A smooth minimum is a turning point: the evaluation right after it may
         * still sit on the floor. The later ones (at least MILD_MIN_EVALS_AFTER)
         * staying above it is what shows memorisation. */
        if (i == ctx->val_min_index + 1 && after >= MILD_MIN_EVALS_AFTER + 1)
          continue;
        mild = FALSE;
      }
  if (!strong && !mild)
    return FALSE;

  out->best_step = (gint64) ctx->val_x[ctx->val_min_index];
  out->after = after;
  out->last = last;
  out->rise = rise;
  out->strong = strong;
  if (ctx->has_train && ctx->train.nb > 0)
    {
      out->train_at_best = _debrief_curve_level_at (&ctx->train, (double) out->best_step);
      out->train_end = ctx->train.tail;
      /* Train rising with validation is instability, not memorisation. */
      if (!(out->train_end < out->train_at_best * (1.0 - OVERFIT_TRAIN_MIN_REL_DROP)))
        return FALSE;
    }
  else if (!strong)
    return FALSE;   /* a mild rise needs train falling to mean anything */
  return TRUE;
}

void
_debrief_analysis_check_overfitting (DebriefAnalysisContext *ctx)
{
  DebriefValRise r;
  g_autofree char *evidence = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GString) fix = NULL;
  DebriefAction *stop_action = NULL;
  DebriefFinding *f;
  double epochs = NAN;
  const DebriefRunConfig *config = &ctx->in->config;

  if (!_debrief_analysis_detect_val_rise (ctx, &r))
    return;

  if (isfinite (r.train_at_best))
    evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluation to %.3f (+%.3f, +%.1f%%) while "
                                             "train loss kept falling (%.3f → %.3f).",
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluations to %.3f (+%.3f, +%.1f%%) while "
                                             "train loss kept falling (%.3f → %.3f).", r.after),
                                ctx->val_min, r.best_step, r.after, r.last, r.rise,
                                100.0 * r.rise / ctx->val_min, r.train_at_best, r.train_end);
  else
    evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluation to %.3f (+%.3f, +%.1f%%).",
                                             "Validation loss bottomed out at %.3f at step %" PRId64
                                             ", then rose for %u evaluations to %.3f (+%.3f, +%.1f%%).",
                                             r.after),
                                ctx->val_min, r.best_step, r.after, r.last, r.rise,
                                100.0 * r.rise / ctx->val_min);
  fix = g_string_new (NULL);
  stop = _debrief_analysis_stop_advice (ctx, r.best_step, &stop_action);
  g_string_append (fix, stop);
  g_string_append_c (fix, ' ');
  if (isfinite (config->num_epochs) && config->num_epochs > 1.0 && config->max_steps > 0)
    {
      epochs = MAX (config->num_epochs * (double) r.best_step / (double) config->max_steps, 0.1);
      g_string_append_printf (fix, _("Add more (or more varied) training data, or train for about %.1f epochs "
                                     "instead of %.0f."), epochs, config->num_epochs);
    }
  else
    g_string_append (fix, _("Add more (or more varied) training data."));
  if (r.strong)
    f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_OVERFITTING,
                                       r.rise / ctx->val_min >= OVERFIT_WARNING_REL_RISE
                                       ? DEBRIEF_SEVERITY_WARNING : DEBRIEF_SEVERITY_INFO,
                                       _("Validation loss increases"), evidence, _("Overfitting."),
                                       fix->str, r.best_step);
  else
    f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_OVERFITTING, DEBRIEF_SEVERITY_INFO,
                                       _("Validation loss stopped improving"), evidence,
                                       _("Mild overfitting: the model starts to memorise the training "
                                         "data; the best checkpoint is at the validation minimum."),
                                       fix->str, r.best_step);
  debrief_finding_add_action (f, stop_action);
  if (isfinite (epochs))
    debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_FEWER_EPOCHS, NAN,
                                                              round (epochs * 10.0) / 10.0));
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_MORE_DATA));
}
