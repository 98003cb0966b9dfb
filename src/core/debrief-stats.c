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

double
debrief_stats_median (const double *values,
                      gsize         n)
{
  g_autofree double *copy = NULL;
  double stack[64];
  double *a = stack;

  if (n == 0)
    return NAN;
  if (n > G_N_ELEMENTS (stack))
    a = copy = g_new (double, n);
  memcpy (a, values, n * sizeof (double));
  return median_in_place (a, n);
}

double
debrief_stats_mad (const double *values,
                   gsize         n)
{
  g_autofree double *dev = NULL;
  double med;

  if (n == 0)
    return NAN;
  med = debrief_stats_median (values, n);
  dev = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    dev[i] = fabs (values[i] - med);
  return median_in_place (dev, n);
}

/* 100,000 differences pin the MAD down to well under 1%; more only cost time and memory
 * on million-step runs, so longer series use evenly spread pairs of neighbours. */
#define NOISE_MAX_DIFFS 100000

double
debrief_stats_noise_sigma (const double *values,
                           gsize         n)
{
  g_autofree double *diff = NULL;
  gsize m, stride;

  if (n < 3)
    return NAN;
  stride = (n - 1 + NOISE_MAX_DIFFS - 1) / NOISE_MAX_DIFFS;
  m = (n - 1) / stride;
  diff = g_new (double, m);
  for (gsize k = 0; k < m; k++)
    diff[k] = values[k * stride + 1] - values[k * stride];
  return DEBRIEF_STATS_MAD_TO_SIGMA * debrief_stats_mad (diff, m) / G_SQRT2;
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
debrief_stats_bin_medians (const double *x,
                           const double *y,
                           gsize         n,
                           gsize         max_bins,
                           double       *out_x,
                           double       *out_y)
{
  gsize bins = MIN (n, max_bins);

  for (gsize b = 0; b < bins; b++)
    {
      /* Equal-count bins; n * b fits in 64 bits for any series that fits in memory. */
      gsize lo = (gsize) ((guint64) n * b / bins);
      gsize hi = (gsize) ((guint64) n * (b + 1) / bins);

      out_x[b] = debrief_stats_mean (x + lo, hi - lo);
      out_y[b] = debrief_stats_median (y + lo, hi - lo);
    }
  return bins;
}

double
debrief_stats_slope (const double *x,
                     const double *y,
                     gsize         n)
{
  double mx, my, sxx = 0.0, sxy = 0.0;

  if (n < 2)
    return NAN;
  mx = debrief_stats_mean (x, n);
  my = debrief_stats_mean (y, n);
  for (gsize i = 0; i < n; i++)
    {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
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
