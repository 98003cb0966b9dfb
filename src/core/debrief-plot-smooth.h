/* debrief-plot-smooth.h: smoothing of a loss curve
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib.h>

#include "debrief-types.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_PLOT_SMOOTH_EMA,     /* TensorBoard's debiased exponential moving average */
  DEBRIEF_PLOT_SMOOTH_MEDIAN,  /* centred running median */
} DebriefPlotSmoothMethod;

/* Smoothing weights are clamped to [0, DEBRIEF_PLOT_SMOOTH_MAX]: the GSettings
 * range, and at 1 the EMA would never move. */
#define DEBRIEF_PLOT_SMOOTH_MAX 0.999

/* Writes n smoothed values into @out (may not alias @values). Each output stays
 * at its input's index (and so its step): nothing moves along x. Non-finite
 * inputs are copied through (they are data: a diverged run) and skipped by the
 * smoother. */
void   debrief_plot_smooth_ema            (const double *values,
                                           gsize         n,
                                           double        weight,
                                           double       *out);
/* Centred window of 2 × half + 1 points (cut at the ends), O(n log n) for any window. */
void   debrief_plot_smooth_median         (const double *values,
                                           gsize         n,
                                           gsize         half,
                                           double       *out);
/* The median half-window that matches an EMA weight: the EMA's mean lag w/(1-w). */
gsize  debrief_plot_smooth_median_half    (double        weight);

/* Dispatch on @method; returns a newly allocated array of @n values. */
double *debrief_plot_smooth               (const double           *values,
                                           gsize                   n,
                                           DebriefPlotSmoothMethod method,
                                           double                  weight);

G_END_DECLS
