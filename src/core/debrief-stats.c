/* debrief-stats.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-stats-private.h"

double
debrief_stats_mean (const double *values,
                    gsize         n)
{
  double sum = 0.0;

  if (n == 0)
    return NAN;
  for (gsize i = 0; i < n; i++)
    sum += values[i];
  return sum / (double) n;
}

/* Wirth's selection: the k-th smallest of a, reordered in place so that
 * a[0..k-1] <= a[k] <= a[k+1..n-1]. */
static double
select_kth (double *a,
            gsize   n,
            gsize   k_unsigned)
{
  gssize l = 0, m = (gssize) n - 1, k = (gssize) k_unsigned;

  while (l < m)
    {
      double x = a[k];
      gssize i = l, j = m;

      do
        {
          while (a[i] < x)
            i++;
          while (x < a[j])
            j--;
          if (i <= j)
            {
              double t = a[i];
              a[i] = a[j];
              a[j] = t;
              i++;
              j--;
            }
        }
      while (i <= j);
      if (j < k)
        l = i;
      if (k < i)
        m = j;
    }
  return a[k];
}

static double
median_in_place (double *a,
                 gsize   n)
{
  double upper;
  double lower = -INFINITY;

  if (n == 0)
    return NAN;
  upper = select_kth (a, n, n / 2);
  if (n % 2 == 1)
    return upper;
  /* After selection everything below n/2 is <= upper: its maximum is the lower middle. */
  for (gsize i = 0; i < n / 2; i++)
    lower = MAX (lower, a[i]);
  return (lower + upper) / 2.0;
}

/* Below this many values, selection on a copy is as fast as anything. */
#define BAND_MIN_VALUES 256

/* The value the median is taken of: @src[i], or its distance from @center. */
static inline double
source_value (const double *src,
              gsize         i,
              double        center,
              gboolean      absdev)
{
  return absdev ? fabs (src[i] - center) : src[i];
}

/* The median of the @n values source_value (@src, i, ...) (@src not modified),
 * with @scratch (room for @n) as the only memory. The same value as
 * median_in_place on a copy (the median of a multiset is unique), found with
 * one pass over the data instead of a partition of all of it: two pivots
 * from an evenly spaced sample bracket the middle ranks, one branch-free pass
 * counts the values below the band and copies the band, and the selection
 * runs on the band alone (a few percent of the values). When the band misses
 * the middle (unlikely) or a value is NaN (unordered), the whole copy is
 * selected instead, exactly as before. */
static double
median_of (const double *src,
           gsize         n,
           double        center,
           gboolean      absdev,
           double       *scratch)
{
  gsize k_hi = n / 2, k_lo = n % 2 ? n / 2 : n / 2 - 1;
  gsize s, d, r1, r2, m = 0, below = 0, above = 0;
  double p1, p2;

  if (n == 0)
    return NAN;
  if (n >= BAND_MIN_VALUES)
    {
      /* A sample of ~4√n; the pivots sit 3 standard deviations of the sample
       * rank away from the middle on either side. */
      s = MIN (n / 4, 64 + (gsize) (4.0 * sqrt ((double) n)));
      for (gsize j = 0; j < s; j++)
        scratch[j] = source_value (src, (gsize) ((guint64) j * n / s) + n / (2 * s), center, absdev);
      d = 2 + (gsize) (1.5 * sqrt ((double) s));
      r1 = (gsize) ((guint64) k_lo * s / n);
      r2 = (gsize) ((guint64) k_hi * s / n);
      r1 = r1 > d ? r1 - d : 0;
      r2 = MIN (s - 1, r2 + d);
      p1 = select_kth (scratch, s, r1);
      /* Everything from r1 on is >= p1: the r2-th is the (r2 - r1)-th of the rest. */
      p2 = select_kth (scratch + r1, s - r1, r2 - r1);

      for (gsize i = 0; i < n; i++)
        {
          double v = source_value (src, i, center, absdev);

          scratch[m] = v;
          m += (v >= p1) & (v <= p2);
          below += v < p1;
          above += v > p2;
        }
      if (below + m + above == n && below <= k_lo && k_hi < below + m)
        {
          double upper = select_kth (scratch, m, k_hi - below);
          double lower = -INFINITY;

          if (n % 2 == 1)
            return upper;
          for (gsize i = 0; i < k_hi - below; i++)
            lower = MAX (lower, scratch[i]);
          return (lower + upper) / 2.0;
        }
    }
  for (gsize i = 0; i < n; i++)
    scratch[i] = source_value (src, i, center, absdev);
  return median_in_place (scratch, n);
}

double
debrief_stats_median_with (const double *values,
                           gsize         n,
                           double       *scratch)
{
  return median_of (values, n, 0.0, FALSE, scratch);
}

double
debrief_stats_median (const double *values,
                      gsize         n)
{
  g_autofree double *heap = NULL;
  double stack[BAND_MIN_VALUES];

  if (n == 0)
    return NAN;
  return median_of (values, n, 0.0, FALSE, n > G_N_ELEMENTS (stack) ? (heap = g_new (double, n)) : stack);
}

double
debrief_stats_mad_with (const double *values,
                        gsize         n,
                        double       *scratch)
{
  double med;

  if (n == 0)
    return NAN;
  med = median_of (values, n, 0.0, FALSE, scratch);
  return median_of (values, n, med, TRUE, scratch);
}

double
debrief_stats_mad (const double *values,
                   gsize         n)
{
  g_autofree double *scratch = NULL;

  if (n == 0)
    return NAN;
  scratch = g_new (double, n);
  return debrief_stats_mad_with (values, n, scratch);
}

/* 100,000 differences pin the MAD down to well under 1%; more only cost time and memory
 * on million-step runs, so longer series use evenly spread pairs of neighbours. */
#define NOISE_MAX_DIFFS 100000

gsize
debrief_stats_noise_stride (gsize  n,
                            gsize *n_diffs)
{
  gsize stride = n >= 2 ? (n - 1 + NOISE_MAX_DIFFS - 1) / NOISE_MAX_DIFFS : 1;

  *n_diffs = n >= 2 ? (n - 1) / stride : 0;
  return stride;
}

double
debrief_stats_noise_sigma_of_diffs (const double *diffs,
                                    gsize         n_diffs,
                                    double       *scratch)
{
  return DEBRIEF_STATS_MAD_TO_SIGMA * debrief_stats_mad_with (diffs, n_diffs, scratch) / G_SQRT2;
}

double
debrief_stats_noise_sigma_with (const double *values,
                                gsize         n,
                                double       *scratch)
{
  gsize m, stride;

  if (n < 3)
    return NAN;
  stride = debrief_stats_noise_stride (n, &m);
  for (gsize k = 0; k < m; k++)
    scratch[k] = values[k * stride + 1] - values[k * stride];
  return debrief_stats_noise_sigma_of_diffs (scratch, m, scratch + m);
}

double
debrief_stats_noise_sigma (const double *values,
                           gsize         n)
{
  g_autofree double *scratch = NULL;
  gsize m;

  if (n < 3)
    return NAN;
  debrief_stats_noise_stride (n, &m);
  scratch = g_new (double, 2 * m);
  return debrief_stats_noise_sigma_with (values, n, scratch);
}

void
debrief_stats_running_median (const double *values,
                              gsize         n,
                              gsize         window,
                              double       *out)
{
  gsize half = window / 2;

  for (gsize i = 0; i < n; i++)
    {
      gsize lo = i > half ? i - half : 0;
      gsize hi = MIN (n, i + half + 1);
      out[i] = debrief_stats_median (values + lo, hi - lo);
    }
}

gsize
debrief_stats_bin_medians (const gint64 *steps,
                           const double *y,
                           gsize         n,
                           gsize         max_bins,
                           double       *out_x,
                           double       *out_y,
                           double       *scratch)
{
  gsize bins = MIN (n, max_bins);

  for (gsize b = 0; b < bins; b++)
    {
      /* Equal-count bins; n * b fits in 64 bits for any series that fits in memory. */
      gsize lo = (gsize) ((guint64) n * b / bins);
      gsize hi = (gsize) ((guint64) n * (b + 1) / bins);
      double sum = 0.0;

      for (gsize i = lo; i < hi; i++)
        sum += (double) steps[i];
      out_x[b] = sum / (double) (hi - lo);
      out_y[b] = debrief_stats_median_with (y + lo, hi - lo, scratch);
    }
  return bins;
}

gsize
debrief_stats_bin_medians_scratch_size (gsize n,
                                        gsize max_bins)
{
  gsize bins = MIN (n, max_bins);
  return bins ? (n + bins - 1) / bins : 0;
}

double
debrief_stats_slope (const gint64 *x,
                     const double *y,
                     gsize         n,
                     double       *out_sxx)
{
  double mx, my, sxx = 0.0, sxy = 0.0, sum = 0.0;

  if (out_sxx)
    *out_sxx = 0.0;
  if (n < 2)
    return NAN;
  for (gsize i = 0; i < n; i++)
    sum += (double) x[i];
  mx = sum / (double) n;
  my = debrief_stats_mean (y, n);
  for (gsize i = 0; i < n; i++)
    {
      double dx = (double) x[i] - mx;
      sxx += dx * dx;
      sxy += dx * (y[i] - my);
    }
  if (out_sxx)
    *out_sxx = sxx;
  if (sxx <= 0.0)
    return NAN;
  return sxy / sxx;
}

/* tau from 1% to 10× the span: faster decays are indistinguishable from a step,
 * slower ones from a straight line. */
#define EXP_FIT_TAU_MIN_SHARE 0.01
#define EXP_FIT_TAU_MAX_SHARE 10.0
#define EXP_FIT_GRID 80

gboolean
debrief_stats_fit_exp_decay (const double  *x,
                             const double  *y,
                             gsize          n,
                             DebriefExpFit *fit)
{
  double x0, span, best_sse = INFINITY;
  g_autofree double *e = NULL;

  memset (fit, 0, sizeof *fit);
  fit->tau = NAN;
  if (n < 4)
    return FALSE;
  x0 = x[0];
  span = x[n - 1] - x0;
  if (!(span > 0.0))
    return FALSE;
  e = g_new (double, n);

  for (guint k = 0; k < EXP_FIT_GRID; k++)
    {
      double tau = span * EXP_FIT_TAU_MIN_SHARE
                   * pow (EXP_FIT_TAU_MAX_SHARE / EXP_FIT_TAU_MIN_SHARE,
                          (double) k / (EXP_FIT_GRID - 1));
      double me, my, see = 0.0, sey = 0.0, b, a, sse = 0.0;

      for (gsize i = 0; i < n; i++)
        e[i] = exp (-(x[i] - x0) / tau);
      me = debrief_stats_mean (e, n);
      my = debrief_stats_mean (y, n);
      for (gsize i = 0; i < n; i++)
        {
          see += (e[i] - me) * (e[i] - me);
          sey += (e[i] - me) * (y[i] - my);
        }
      if (see <= 1e-300)
        continue;
      b = sey / see;
      a = my - b * me;
      for (gsize i = 0; i < n; i++)
        {
          double r = a + b * e[i] - y[i];
          sse += r * r;
        }
      if (sse < best_sse)
        {
          best_sse = sse;
          fit->tau = tau;
          fit->asymptote = a;
          fit->amplitude = b;
        }
    }
  if (!isfinite (best_sse))
    return FALSE;
  fit->x0 = x0;
  fit->span = span;
  fit->rms = sqrt (best_sse / (double) n);
  return TRUE;
}

double
debrief_exp_fit_eval (const DebriefExpFit *fit,
                      double               x)
{
  return fit->asymptote + fit->amplitude * exp (-(x - fit->x0) / fit->tau);
}
