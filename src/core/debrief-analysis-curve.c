/* debrief-analysis-curve.c: the summary of a loss curve the checks judge
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
 * Every threshold of the checks is relative to the run's own noise or its own
 * drop, so the same checks work for byte-level toy models and for 70B runs.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* More bins than this add no information about the shape, only cost. */
#define CURVE_MAX_BINS 400
/* Start level: the first 5% of points (at least 3) — early enough to be "before training". */
#define HEAD_SHARE 0.05
/* End level: the last 10% of points (at least LEVEL_MIN_POINTS) — enough to average the noise down. */
#define TAIL_SHARE 0.10
/* A running median this wide (in bins) removes single-batch noise without moving the knee. */
#define SMOOTH_WINDOW 5

void
_debrief_curve_clear (DebriefCurve *c)
{
  g_clear_pointer (&c->x, g_free);
  g_clear_pointer (&c->y_owned, g_free);
  c->y = NULL;
  g_clear_pointer (&c->bx, g_free);
  g_clear_pointer (&c->smooth, g_free);
}

void
_debrief_curve_init (DebriefCurve  *c,
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

double
_debrief_curve_level_at (const DebriefCurve *c,
                         double              step)
{
  gsize best = 0;

  if (c->nb == 0)
    return NAN;
  for (gsize i = 1; i < c->nb; i++)
    if (fabs (c->bx[i] - step) < fabs (c->bx[best] - step))
      best = i;
  return c->smooth[best];
}

