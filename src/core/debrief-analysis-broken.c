/* debrief-analysis-broken.c: a run that did not really train (any kind)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * broken_run (POSTTRAINING.md 3): the loss and gradient norm are exactly 0
 * throughout, every value is NaN, the loss never moves by a single bit, or the
 * run crashed (the exception at the end of its console log). The first three
 * mean the curves hold nothing to judge, so the other checks stay quiet; a
 * crash is reported next to whatever the logged part of the run shows.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* "Throughout" needs a few points to mean anything: one logged 0 is a first step. */
#define BROKEN_MIN_POINTS 3
/* A loss that is bit-for-bit the same at this many steps is not being trained
 * (batch noise alone changes the last digits of any real loss). */
#define BROKEN_MIN_CONSTANT_POINTS 5

typedef enum
{
  SERIES_ZERO,
  SERIES_NONFINITE,
  SERIES_CONSTANT,
  SERIES_OTHER,
} SeriesShape;

static SeriesShape
series_shape (DebriefSeries *s,
              gsize          min_points,
              double        *value)
{
  gsize n = s ? debrief_series_get_length (s) : 0;
  const double *v = s ? debrief_series_get_values (s) : NULL;
  gboolean zero, constant;

  *value = NAN;
  if (n < min_points)
    return SERIES_OTHER;
  if (debrief_series_get_n_nonfinite (s) == n)
    return SERIES_NONFINITE;
  if (debrief_series_get_n_nonfinite (s) > 0)
    return SERIES_OTHER;
  /* Every value finite: all zero, or all equal, is what the extremes say
   * (no pass over a million points). */
  zero = debrief_series_get_min (s) == 0.0 && debrief_series_get_max (s) == 0.0;
  constant = debrief_series_get_min (s) == debrief_series_get_max (s);
  *value = v[0];
  if (zero)
    return SERIES_ZERO;
  return constant && n >= BROKEN_MIN_CONSTANT_POINTS ? SERIES_CONSTANT : SERIES_OTHER;
}

static void
add_broken (DebriefAnalysisContext *ctx,
            const char             *title,
            const char             *evidence,
            const char             *cause,
            const char             *fix,
            gboolean                nothing_trained)
{
  DebriefFinding *f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_BROKEN_RUN, DEBRIEF_SEVERITY_ERROR,
                                                     title, evidence, cause, fix, -1);

  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
  ctx->broken = nothing_trained;
}

static char *
crash_fix (const char *crash,
           gboolean    after_training)
{
  g_autofree char *lower = g_ascii_strdown (crash, -1);

  if (strstr (lower, "out of memory") || strstr (lower, "outofmemory") || strstr (lower, "oom"))
    return g_strdup (_("It ran out of GPU memory: use a smaller batch (with more gradient accumulation), "
                       "shorter sequences, gradient checkpointing or a quantised base model."));
  if (strstr (lower, "context") && (strstr (lower, "length") || strstr (lower, "window")))
    return g_strdup (_("A prompt plus the response budget no longer fits the model's context: cap the "
                       "prompt length, lower max_tokens, or drop the over-long examples."));
  if (after_training)
    return g_strdup (_("Read the error and the traceback above it in the console log and fix the cause; "
                       "the training need not be repeated if its last checkpoint was saved: redo only the "
                       "evaluation or the export."));
  return g_strdup (_("Read the error and the traceback above it in the console log, fix the cause, and "
                     "resume from the last checkpoint."));
}

void
_debrief_analysis_check_broken (DebriefAnalysisContext *ctx)
{
  DebriefAnalysisInputs *in = ctx->in;
  double loss_value, grad_value;
  SeriesShape loss = series_shape (in->train, BROKEN_MIN_POINTS, &loss_value);
  SeriesShape grad = series_shape (in->grad_norm, BROKEN_MIN_POINTS, &grad_value);

  if (in->crash)
    {
      g_autofree char *evidence = NULL;
      g_autofree char *fix = crash_fix (in->crash, in->last_step >= 0 && _debrief_analysis_run_reached_planned_steps (ctx));
      /* A crash after the planned last step (at the final evaluation, while saving)
       * lost what came after the training, not the training itself. */
      if (in->last_step >= 0 && _debrief_analysis_run_reached_planned_steps (ctx))
        {
          evidence = g_strdup_printf (_("The training reached its planned end (step %" PRId64 "), then the "
                                        "process stopped with “%s”."), in->last_step, in->crash);
          DebriefFinding *f;

          /* The curves are whole: a warning about what is missing, not a failed run. */
          f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_BROKEN_RUN, DEBRIEF_SEVERITY_WARNING,
                                             _("The run crashed after training"), evidence,
                                             _("The error came after the last training step: at the final "
                                               "evaluation or while saving, so the final checkpoint or its "
                                               "results may be missing."), fix, -1);
          debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
        }
      else
        {
          if (in->last_step >= 0)
            evidence = g_strdup_printf (_("The run stopped with “%s” after step %" PRId64 "."), in->crash,
                                        in->last_step);
          else
            evidence = g_strdup_printf (_("The run stopped with “%s” before logging any step."), in->crash);
          add_broken (ctx, _("The run crashed"), evidence,
                      _("The training process ended with an error, so the run did not finish."), fix, FALSE);
        }
    }

  /* GRPO's loss is legitimately 0 at every step: for RL only the gradient says. */
  if (ctx->loss_checks && loss == SERIES_ZERO && (in->grad_norm == NULL || grad == SERIES_ZERO))
    {
      g_autofree char *evidence =
        g_strdup_printf (in->grad_norm
                         ? _("The train loss and the gradient norm are exactly 0 at every one of the %zu "
                             "logged steps.")
                         : _("The train loss is exactly 0 at every one of the %zu logged steps."),
                         debrief_series_get_length (in->train));
      add_broken (ctx, _("The run did not train"), evidence,
                  _("A setup bug: every label is masked (no token carries loss), the batches are empty, or "
                    "the loss is not connected to the model."),
                  _("Check the data collator's labels (not all -100), that examples are not truncated "
                    "away, and that the loss is computed on the model's output."), TRUE);
      return;
    }
  /* With a loss that moves, a gradient norm of 0 is the logger's (DeepSpeed
   * often logs none); without a meaningful loss it is the only evidence. */
  if (grad == SERIES_ZERO && !ctx->loss_checks)
    {
      g_autofree char *evidence =
        g_strdup_printf (_("The gradient norm is exactly 0 at every one of the %zu logged steps."),
                         debrief_series_get_length (in->grad_norm));
      add_broken (ctx, _("The run did not train"), evidence,
                  _("No gradient reached the weights: the trainable parameters are frozen or detached, "
                    "or every sample carries zero advantage or loss."),
                  _("Check which parameters require gradients (an adapter that is attached and trainable) "
                    "and that the loss or advantage is not zero by construction."), TRUE);
      return;
    }
  if (ctx->loss_checks && loss == SERIES_NONFINITE)
    {
      g_autofree char *evidence =
        g_strdup_printf (_("The train loss is NaN or infinite at every one of the %zu logged steps, "
                           "from the first."), debrief_series_get_length (in->train));
      add_broken (ctx, _("The loss is NaN from the start"), evidence,
                  _("The numbers broke before training started: a corrupt or empty batch, fp16 overflow, "
                    "or a learning rate so high the first step overflowed."),
                  _("Check the data for empty or corrupt examples, train in bf16 or fp32, and run a few "
                    "steps at a tenth of the learning rate."), TRUE);
      return;
    }
  if (ctx->loss_checks && loss == SERIES_CONSTANT)
    {
      g_autofree char *evidence =
        g_strdup_printf (_("The train loss is exactly %.6g at every one of the %zu logged steps."),
                         loss_value, debrief_series_get_length (in->train));
      add_broken (ctx, _("The loss never changes"), evidence,
                  _("Nothing is being trained, or the logged value is not the loss of the current batch."),
                  _("Check that the optimizer steps (learning rate above 0, parameters that require "
                    "gradients) and what the logger writes."), TRUE);
    }
}
