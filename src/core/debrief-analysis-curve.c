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
  g_clear_pointer (&c->steps_owned, g_free);
  g_clear_pointer (&c->y_owned, g_free);
  c->steps = NULL;
  c->y = NULL;
  g_clear_pointer (&c->scratch, g_free);
  g_clear_pointer (&c->bx, g_free);
  g_clear_pointer (&c->smooth, g_free);
}

void
_debrief_curve_init (DebriefCurve  *c,
                     DebriefSeries *series)
{
  _debrief_curve_setup (c, series);
  _debrief_curve_summarise (c);
}

void
_debrief_curve_setup (DebriefCurve  *c,
                      DebriefSeries *series)
{
  gsize len = series ? debrief_series_get_length (series) : 0;
  const gint64 *steps = series ? debrief_series_get_steps (series) : NULL;
  const double *values = series ? debrief_series_get_values (series) : NULL;

  memset (c, 0, sizeof *c);
  c->sigma = c->head = c->tail = c->drop = c->tau_share = c->remaining_share = NAN;
  if (series == NULL || debrief_series_get_n_nonfinite (series) > 0)
    {
      c->steps = c->steps_owned = g_new (gint64, MAX (len, 1));
      c->y = c->y_owned = g_new (double, MAX (len, 1));
      for (gsize i = 0; i < len; i++)
        if (isfinite (values[i]))
          {
            c->steps_owned[c->n] = steps[i];
            c->y_owned[c->n] = values[i];
            c->n++;
          }
    }
  else
    {
      /* The common case needs no copy at all (million-step runs). */
      c->steps = steps;
      c->y = values;
      c->n = len;
    }
  c->min = series ? debrief_series_get_min (series) : NAN;  /* over the finite values */
}

void
_debrief_curve_summarise (DebriefCurve *c)
{
  gsize k_head, k_tail, n_diffs, nb;
  g_autofree double *by = NULL;

  if (c->n < LEVEL_MIN_POINTS)
    return;

  k_head = MIN (c->n, MAX (LEVEL_MIN_POINTS, (gsize) (c->n * HEAD_SHARE)));
  k_tail = MIN (c->n, MAX (LEVEL_MIN_POINTS, (gsize) (c->n * TAIL_SHARE)));
  debrief_stats_noise_stride (c->n, &n_diffs);
  c->scratch_size = MAX (MAX (k_head, k_tail), MAX (2 * n_diffs,
                                                    debrief_stats_bin_medians_scratch_size (c->n, CURVE_MAX_BINS)));
  c->scratch = g_new (double, c->scratch_size);

  c->sigma = debrief_stats_noise_sigma_with (c->y, c->n, c->scratch);
  c->head = debrief_stats_median_with (c->y, k_head, c->scratch);
  c->tail = debrief_stats_median_with (c->y + c->n - k_tail, k_tail, c->scratch);
  c->drop = c->head - c->tail;

  nb = MIN (c->n, CURVE_MAX_BINS);
  c->bx = g_new (double, nb);
  by = g_new (double, nb);
  c->nb = debrief_stats_bin_medians (c->steps, c->y, c->n, CURVE_MAX_BINS, c->bx, by, c->scratch);
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


double
_debrief_curve_window_median (const DebriefCurve *c,
                              double              from,
                              double              to,
                              gsize              *k)
{
  gsize lo, hi;

  *k = 0;
  if (c->n == 0)
    return NAN;
  lo = (gsize) floor (CLAMP (from, 0.0, 1.0) * (double) c->n);
  hi = (gsize) ceil (CLAMP (to, 0.0, 1.0) * (double) c->n);
  hi = MIN (MAX (hi, lo + LEVEL_MIN_POINTS), c->n);
  if (hi - lo < LEVEL_MIN_POINTS)
    lo = hi > LEVEL_MIN_POINTS ? hi - LEVEL_MIN_POINTS : 0;
  *k = hi - lo;
  return debrief_stats_median (c->y + lo, hi - lo);
}

double
_debrief_curve_median_diff_z (const DebriefCurve *c,
                              double              diff,
                              gsize               k1,
                              gsize               k2)
{
  double se;

  if (k1 == 0 || k2 == 0 || !(c->sigma > 0))
    return isfinite (diff) && diff != 0.0 ? copysign (INFINITY, diff) : 0.0;
  se = 1.2533 * c->sigma * sqrt (1.0 / (double) k1 + 1.0 / (double) k2);
  return diff / se;
}

double
_debrief_curve_slope_t (const DebriefCurve *c,
                        double              from,
                        double             *slope)
{
  gsize first = (gsize) ((double) c->n * CLAMP (from, 0.0, 1.0));
  gsize k = c->n - MIN (first, c->n);
  double sxx = 0.0;

  *slope = NAN;
  if (k < LEVEL_MIN_POINTS || !(c->sigma > 0))
    return NAN;
  *slope = debrief_stats_slope (c->steps + first, c->y + first, k, &sxx);
  if (!(sxx > 0) || !isfinite (*slope))
    return NAN;
  return *slope / (c->sigma / sqrt (sxx));
}

gsize
_debrief_curve_peak_bin (const DebriefCurve *c)
{
  gsize best = 0;

  for (gsize i = 1; i < c->nb; i++)
    if (c->smooth[i] > c->smooth[best])
      best = i;
  return best;
}

double
_debrief_series_window_median (DebriefSeries *series,
                               double         from,
                               double         to,
                               gsize         *n)
{
  DebriefCurve c;
  gsize k;
  double level;

  _debrief_curve_init (&c, series);
  level = _debrief_curve_window_median (&c, from, to, &k);
  *n = c.n;
  _debrief_curve_clear (&c);
  return level;
}
