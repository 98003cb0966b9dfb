/* debrief-stats-private.h: robust statistics for the analysis (median, MAD, smoothing, fits)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain functions on arrays of doubles; no allocation is kept. Inputs are
 * expected to be finite unless a function says otherwise.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 1.4826 × MAD estimates the standard deviation of normally distributed data. */
#define DEBRIEF_STATS_MAD_TO_SIGMA 1.4826

double   debrief_stats_mean              (const double *values,
                                          gsize         n);
/* Median of @values (not modified); NaN when @n is 0. O(n) expected. */
double   debrief_stats_median            (const double *values,
                                          gsize         n);
/* Median absolute deviation from the median (unscaled); NaN when @n is 0. */
double   debrief_stats_mad               (const double *values,
                                          gsize         n);
/* The step-to-step noise of a curve: 1.4826 × MAD of consecutive differences / √2
 * (on long series, of up to 100,000 evenly spread differences).
 * Insensitive to the curve's trend and to isolated spikes. NaN when @n < 3. */
double   debrief_stats_noise_sigma       (const double *values,
                                          gsize         n);

/* The same three without allocating: the work happens in @scratch, which must
 * hold @n values (noise_sigma: 2 × the number of differences it takes, see
 * debrief_stats_noise_stride). An analysis allocates one scratch buffer for
 * all of them. */
double   debrief_stats_median_with       (const double *values,
                                          gsize         n,
                                          double       *scratch);
double   debrief_stats_mad_with          (const double *values,
                                          gsize         n,
                                          double       *scratch);
double   debrief_stats_noise_sigma_with  (const double *values,
                                          gsize         n,
                                          double       *scratch);
/* Which differences the noise sigma of @n values takes: values[k·stride + 1] -
 * values[k·stride] for k < *@n_diffs. Returns the stride. */
gsize    debrief_stats_noise_stride      (gsize         n,
                                          gsize        *n_diffs);
/* The noise sigma from those differences (computed by the caller); @scratch
 * holds @n_diffs values. */
double   debrief_stats_noise_sigma_of_diffs (const double *diffs,
                                             gsize         n_diffs,
                                             double       *scratch);
/* Centred running median with an odd @window (shrinking at the ends) into @out. */
void     debrief_stats_running_median    (const double *values,
                                          gsize         n,
                                          gsize         window,
                                          double       *out);
/* Reduce (@steps, @y) to at most @max_bins points: each bin holds consecutive points
 * and gives the mean of its steps and the median of its y (a robust smoother that
 * keeps long runs cheap). Returns the number of bins written to @out_x/@out_y,
 * which must hold MIN (@n, @max_bins) values; @scratch holds
 * debrief_stats_bin_medians_scratch_size() values. */
gsize    debrief_stats_bin_medians       (const gint64 *steps,
                                          const double *y,
                                          gsize         n,
                                          gsize         max_bins,
                                          double       *out_x,
                                          double       *out_y,
                                          double       *scratch);
gsize    debrief_stats_bin_medians_scratch_size (gsize n,
                                                 gsize max_bins);
/* Least-squares slope of y over the steps @x; NaN when x does not vary.
 * *@out_sxx (may be NULL) receives the sum of squared deviations of x. */
double   debrief_stats_slope             (const gint64 *x,
                                          const double *y,
                                          gsize         n,
                                          double       *out_sxx);

/* y ≈ asymptote + amplitude × exp(-(x - x0) / tau), fitted by least squares
 * over a log-spaced grid of tau (1% to 10× the span of x), with asymptote and
 * amplitude solved exactly for each tau. */
typedef struct
{
  double x0;
  double span;          /* x[n-1] - x0 */
  double tau;
  double asymptote;
  double amplitude;
  double rms;           /* root mean square residual */
} DebriefExpFit;

gboolean debrief_stats_fit_exp_decay     (const double  *x,
                                          const double  *y,
                                          gsize          n,
                                          DebriefExpFit *fit);
/* The fitted curve's value at @x. */
double   debrief_exp_fit_eval            (const DebriefExpFit *fit,
                                          double               x);

G_END_DECLS
