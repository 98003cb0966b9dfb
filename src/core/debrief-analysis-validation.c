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
/* Above a 10% rise the checkpoint at the end is clearly worse than the best one. */
#define OVERFIT_WARNING_REL_RISE 0.05

void
_debrief_analysis_check_overfitting (DebriefAnalysisContext *ctx)
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
      train_at_best = _debrief_curve_level_at (&ctx->train, (double) best_step);
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
  checkpoint = _debrief_analysis_nearest_checkpoint (ctx->in, best_step);
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
  _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_OVERFITTING,
                                 rise / ctx->val_min >= OVERFIT_WARNING_REL_RISE ? DEBRIEF_SEVERITY_WARNING
                                                                                : DEBRIEF_SEVERITY_INFO,
                                 _("Validation loss increases"), evidence, _("Overfitting."), fix->str, best_step);
}

