/* debrief-plot-ticks-private.h: "nice" axis ticks and their labels
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_PLOT_TICKS_REAL,     /* any value: 0.25, 1.5 */
  DEBRIEF_PLOT_TICKS_INTEGER,  /* steps, tokens: never a fractional tick; 12k, 1.5M */
} DebriefPlotTicksKind;

typedef struct
{
  double value;
  char   label[32];
  gboolean minor;      /* log axes: a 2× or 5× tick between decades */
} DebriefPlotTick;

/* The 1-2-5 step (2.5 too for real axes) that puts at most @max_ticks ticks in [lo, hi]. */
double  debrief_plot_ticks_step     (double               lo,
                                     double               hi,
                                     guint                max_ticks,
                                     DebriefPlotTicksKind kind);
/* Ticks inside [lo, hi], multiples of debrief_plot_ticks_step(). Array of DebriefPlotTick. */
GArray *debrief_plot_ticks_linear   (double               lo,
                                     double               hi,
                                     guint                max_ticks,
                                     DebriefPlotTicksKind kind);
/* Ticks for a log axis over [lo, hi] (both > 0): decades, with 2× and 5× when
 * there is room; a linear set when the range is under a decade. */
GArray *debrief_plot_ticks_log      (double               lo,
                                     double               hi,
                                     guint                max_ticks);
/* Label @value for a tick grid of spacing @step ("0.25", "12k", "1.5M"). */
void    debrief_plot_ticks_format   (double               value,
                                     double               step,
                                     DebriefPlotTicksKind kind,
                                     char                *buf,
                                     gsize                size);

G_END_DECLS
