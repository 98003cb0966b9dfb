/* debrief-plot-pyramid.h: min/max pyramid over a series, for full-fidelity decimation
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built once per series in O(n) (about n/7 extra blocks of 24 bytes); then the
 * minimum, maximum and non-finite flags of any index range come in O(log n), so
 * decimating any zoom to one bucket per pixel column costs O(columns × log n).
 * Nothing is sampled: every extreme of every column is kept.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <math.h>

#include "debrief-types.h"
#include "debrief-series.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_PLOT_NONFINITE_NAN     = 1 << 0,
  DEBRIEF_PLOT_NONFINITE_POS_INF = 1 << 1,
  DEBRIEF_PLOT_NONFINITE_NEG_INF = 1 << 2,
} DebriefPlotNonfinite;

/* The points of one index range (one pixel column). */
struct _DebriefPlotBucket
{
  gsize  first_index;   /* range [first_index, last_index]; empty when n == 0 */
  gsize  last_index;
  gsize  n;
  double min;           /* over finite values; NAN when there are none */
  double max;
  guint  nonfinite;     /* DebriefPlotNonfinite flags */
};


/* Takes a reference on @series (finished). @values, when not NULL, replaces the
 * series' values (same length, e.g. a smoothed copy) and is owned by the pyramid. */
DebriefPlotPyramid *debrief_plot_pyramid_new          (DebriefSeries      *series,
                                                       double             *values);
DebriefPlotPyramid *debrief_plot_pyramid_ref          (DebriefPlotPyramid *self);
void                debrief_plot_pyramid_unref        (DebriefPlotPyramid *self);

gsize               debrief_plot_pyramid_get_length   (DebriefPlotPyramid *self);
const gint64       *debrief_plot_pyramid_get_steps    (DebriefPlotPyramid *self);
const double       *debrief_plot_pyramid_get_values   (DebriefPlotPyramid *self);
DebriefSeries      *debrief_plot_pyramid_get_series   (DebriefPlotPyramid *self);
/* Bytes used beyond the series itself (levels, and the values copy if any). */
gsize               debrief_plot_pyramid_get_overhead (DebriefPlotPyramid *self);

/* Min/max/flags of the points with index in [@begin, @end). */
void                debrief_plot_pyramid_query        (DebriefPlotPyramid *self,
                                                       gsize               begin,
                                                       gsize               end,
                                                       DebriefPlotBucket  *out);
/* First index whose step >= @step (as a double), length if none. */
gsize               debrief_plot_pyramid_lower_bound  (DebriefPlotPyramid *self,
                                                       double              step);

/* One bucket per column: column c holds the points whose step s has
 * debrief_plot_column_for_step (x0, x1, n_columns, s) == c. Returns how many
 * columns are not empty. */
guint               debrief_plot_pyramid_decimate     (DebriefPlotPyramid *self,
                                                       double              x0,
                                                       double              x1,
                                                       guint               n_columns,
                                                       DebriefPlotBucket  *columns);

/* The one definition of which pixel column a step falls in (may be outside
 * [0, n_columns) for steps outside [x0, x1)). */
static inline double
debrief_plot_column_for_step (double x0,
                              double x1,
                              guint  n_columns,
                              double step)
{
  return floor ((step - x0) * (double) n_columns / (x1 - x0));
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefPlotPyramid, debrief_plot_pyramid_unref)

G_END_DECLS
