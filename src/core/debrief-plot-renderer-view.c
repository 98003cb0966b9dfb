/* debrief-plot-renderer-view.c: the view, in steps and loss
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Automatic axes follow the data (x its whole extent, y what is visible in the
 * x range); zooming, panning and showing a step set them by hand.
 */
#include "config.h"

#include <stdlib.h>

#include "debrief-plot-renderer-private.h"

gboolean
debrief_plot_renderer_get_data_bounds (DebriefPlotRenderer *self,
                                       double              *x0,
                                       double              *x1)
{
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      for (guint c = 0; c < N_CACHES; c++)
        {
          DebriefPlotPyramid *p = _debrief_plot_run_entry_pyramid (entry, c);
          gsize n;

          if (p == NULL || (n = debrief_plot_pyramid_get_length (p)) == 0)
            continue;
          lo = MIN (lo, (double) debrief_plot_pyramid_get_steps (p)[0]);
          hi = MAX (hi, (double) debrief_plot_pyramid_get_steps (p)[n - 1]);
        }
    }
  if (lo > hi)
    {
      *x0 = 0.0;
      *x1 = 1.0;
      return FALSE;
    }
  if (lo == hi)
    {
      lo -= 1.0;
      hi += 1.0;
    }
  *x0 = lo;
  *x1 = hi;
  return TRUE;
}

typedef struct
{
  double lo, hi, positive_lo;
} Extent;

/* Extremes of one run's shown layers inside [x0, x1]; FALSE when it has none. */
static gboolean
run_extent (DebriefPlotRenderer *self,
            RunEntry            *entry,
            double               x0,
            double               x1,
            Extent              *e)
{
  e->lo = e->positive_lo = INFINITY;
  e->hi = -INFINITY;
  if (!entry->visible)
    return FALSE;
  for (guint c = 0; c < N_CACHES; c++)
    {
      DebriefPlotPyramid *p = _debrief_plot_run_entry_pyramid (entry, c);
      DebriefPlotBucket b;
      gsize begin, end;

      if (p == NULL || !_debrief_plot_renderer_layer_shown (self, entry, c))
        continue;
      begin = debrief_plot_pyramid_lower_bound (p, x0);
      end = debrief_plot_pyramid_lower_bound (p, floor (x1) + 1.0);
      debrief_plot_pyramid_query (p, begin, end, &b);
      if (b.n == 0 || isnan (b.min))
        continue;
      e->lo = MIN (e->lo, b.min);
      e->hi = MAX (e->hi, b.max);
      if (b.min > 0)
        e->positive_lo = MIN (e->positive_lo, b.min);
      else if (b.max > 0)
        e->positive_lo = MIN (e->positive_lo, b.max * 1e-3);  /* some values <= 0: show three decades */
    }
  return e->lo <= e->hi;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Marks the runs that went off by orders of magnitude (a diverged run at 10⁴
 * beside losses of 2): beyond the typical runs by OUTLIER_SPANS times their
 * typical span (on a log axis, in decades). The typical top is the lower
 * median of the runs' tops, so one run of two can be the odd one. */
static void
mark_outliers (DebriefPlotRenderer *self,
               Extent              *extents,
               gboolean            *has,
               guint                n)
{
  g_autofree double *tops = g_new (double, MAX (n, 1));
  g_autofree double *bottoms = g_new (double, MAX (n, 1));
  g_autofree double *spans = g_new (double, MAX (n, 1));
  guint m = 0, outside = 0;
  double top, bottom, span;
  gboolean log_y = self->log_y;

  for (guint i = 0; i < n; i++)
    if (has[i] && (!log_y || extents[i].hi > 0))
      {
        tops[m] = log_y ? log10 (extents[i].hi) : extents[i].hi;
        bottoms[m] = log_y ? log10 (extents[i].positive_lo) : extents[i].lo;
        spans[m] = tops[m] - bottoms[m];
        m++;
      }
  if (m < 2)
    return;
  qsort (tops, m, sizeof (double), compare_doubles);
  qsort (bottoms, m, sizeof (double), compare_doubles);
  qsort (spans, m, sizeof (double), compare_doubles);
  top = tops[(m - 1) / 2];
  bottom = bottoms[m / 2];
  /* The typical span: of a run (a loss falling from 2.6 to 1.7), of the runs
   * together, and never under half the level itself (flat curves): "orders of
   * magnitude off" then means ten times beyond that. */
  span = MAX (MAX (spans[(m - 1) / 2], top - bottom), log_y ? 0.3 : 0.5 * fabs (top));
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
        double hi, lo;
        gboolean off;

        if (!has[i])
          continue;
        hi = log_y ? (extents[i].hi > 0 ? log10 (extents[i].hi) : -INFINITY) : extents[i].hi;
        lo = log_y ? log10 (extents[i].positive_lo) : extents[i].lo;
        off = hi > top + OUTLIER_SPANS * span || lo < bottom - OUTLIER_SPANS * span;
        /* Half the runs off is no outlier: then no run is typical (but of
         * two runs, the lower is the typical one). */
        if (pass == 0)
          outside += off;
        else if (2 * outside < m || (m == 2 && outside == 1))
          {
            entry->outside = off;
            self->n_outside += off;
          }
      }
}

/* The automatic y range: the extremes of every shown layer inside [x0, x1],
 * of the runs that are not off by orders of magnitude (unless asked). */
static void
auto_y_range (DebriefPlotRenderer *self,
              double               x0,
              double               x1,
              double              *y0,
              double              *y1)
{
  double lo = INFINITY, hi = -INFINITY;
  double positive_lo = INFINITY;
  guint n = self->runs->len;
  g_autofree Extent *extents = g_new (Extent, MAX (n, 1));
  g_autofree gboolean *has = g_new0 (gboolean, MAX (n, 1));

  self->n_outside = 0;
  for (guint i = 0; i < n; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      entry->outside = FALSE;
      has[i] = run_extent (self, entry, x0, x1, &extents[i]);
    }
  if (!self->include_outliers)
    mark_outliers (self, extents, has, n);
  for (guint i = 0; i < n; i++)
    {
      if (!has[i] || g_array_index (self->runs, RunEntry, i).outside)
        continue;
      lo = MIN (lo, extents[i].lo);
      hi = MAX (hi, extents[i].hi);
      positive_lo = MIN (positive_lo, extents[i].positive_lo);
    }

  if (self->log_y)
    {
      double l0, l1, pad;

      if (!(hi > 0))
        {
          *y0 = 0.1;
          *y1 = 0.1 * pow (10.0, LOG_FALLBACK_DECADES);
          return;
        }
      l0 = log10 (positive_lo);
      l1 = log10 (hi);
      if (l1 - l0 < 1e-9)
        {
          l0 -= 0.05;
          l1 += 0.05;
        }
      pad = (l1 - l0) * Y_MARGIN;
      *y0 = pow (10.0, l0 - pad);
      *y1 = pow (10.0, l1 + pad);
      return;
    }

  if (lo > hi)
    {
      *y0 = 0.0;
      *y1 = 1.0;
      return;
    }
  if (hi - lo < 1e-12 * MAX (1.0, fabs (hi)))
    {
      double half = MAX (fabs (hi) * 0.05, 1e-3);
      lo -= half;
      hi += half;
    }
  *y0 = lo - (hi - lo) * Y_MARGIN;
  *y1 = hi + (hi - lo) * Y_MARGIN;
}

void
debrief_plot_renderer_get_view (DebriefPlotRenderer *self,
                                double              *x0,
                                double              *x1,
                                double              *y0,
                                double              *y1)
{
  double a, b, c, d;

  if (self->x_auto)
    debrief_plot_renderer_get_data_bounds (self, &a, &b);
  else
    {
      a = self->vx0;
      b = self->vx1;
    }
  if (self->y_auto)
    auto_y_range (self, a, b, &c, &d);
  else
    {
      c = self->vy0;
      d = self->vy1;
    }
  if (x0) *x0 = a;
  if (x1) *x1 = b;
  if (y0) *y0 = c;
  if (y1) *y1 = d;
}

void
debrief_plot_renderer_reset_view (DebriefPlotRenderer *self)
{
  self->x_auto = self->y_auto = TRUE;
}

void
debrief_plot_renderer_set_view_x (DebriefPlotRenderer *self,
                                  double               x0,
                                  double               x1)
{
  double d0, d1;

  if (!(x1 > x0) || !isfinite (x0) || !isfinite (x1))
    return;
  if (x1 - x0 < MIN_X_SPAN)
    {
      double mid = (x0 + x1) / 2;
      x0 = mid - MIN_X_SPAN / 2;
      x1 = mid + MIN_X_SPAN / 2;
    }
  debrief_plot_renderer_get_data_bounds (self, &d0, &d1);
  /* Zoomed out past the data: back to following it. */
  if (x0 <= d0 && x1 >= d1)
    {
      self->x_auto = TRUE;
      return;
    }
  self->x_auto = FALSE;
  self->vx0 = x0;
  self->vx1 = x1;
}

void
debrief_plot_renderer_set_view (DebriefPlotRenderer *self,
                                double               x0,
                                double               x1,
                                double               y0,
                                double               y1)
{
  debrief_plot_renderer_set_view_x (self, x0, x1);
  if (y1 > y0 && isfinite (y0) && isfinite (y1) && (!self->log_y || y0 > 0))
    {
      self->y_auto = FALSE;
      self->vy0 = y0;
      self->vy1 = y1;
    }
}

gboolean
debrief_plot_renderer_is_zoomed (DebriefPlotRenderer *self)
{
  return !self->x_auto || !self->y_auto;
}

gboolean
debrief_plot_renderer_get_auto_y (DebriefPlotRenderer *self)
{
  return self->y_auto;
}

static double
y_to_linear (DebriefPlotRenderer *self,
             double               v)
{
  return self->log_y ? log10 (v) : v;
}

static double
linear_to_y (DebriefPlotRenderer *self,
             double               l)
{
  return self->log_y ? pow (10.0, l) : l;
}

void
debrief_plot_renderer_zoom_at (DebriefPlotRenderer *self,
                               double               factor,
                               double               px,
                               double               py,
                               gboolean             zoom_y)
{
  double x0, x1, y0, y1, ax;

  if (!(factor > 0) || !self->frame.valid)
    return;
  debrief_plot_renderer_get_view (self, &x0, &x1, &y0, &y1);
  ax = debrief_plot_renderer_x_to_step (self, px);
  debrief_plot_renderer_set_view_x (self, ax + (x0 - ax) * factor, ax + (x1 - ax) * factor);
  if (zoom_y)
    {
      double ay = y_to_linear (self, debrief_plot_renderer_y_to_value (self, py));
      double l0 = y_to_linear (self, y0), l1 = y_to_linear (self, y1);

      self->y_auto = FALSE;
      self->vy0 = linear_to_y (self, ay + (l0 - ay) * factor);
      self->vy1 = linear_to_y (self, ay + (l1 - ay) * factor);
    }
}

void
debrief_plot_renderer_pan (DebriefPlotRenderer *self,
                           double               dx,
                           double               dy)
{
  double x0, x1, y0, y1;
  DebriefPlotRect *area = &self->frame.area;

  if (!self->frame.valid || area->width <= 0 || area->height <= 0)
    return;
  debrief_plot_renderer_get_view (self, &x0, &x1, &y0, &y1);
  if (dx != 0)
    {
      double shift = -dx * (x1 - x0) / area->width;
      self->x_auto = FALSE;
      self->vx0 = x0 + shift;
      self->vx1 = x1 + shift;
    }
  if (dy != 0)
    {
      double l0 = y_to_linear (self, y0), l1 = y_to_linear (self, y1);
      double shift = dy * (l1 - l0) / area->height;
      self->y_auto = FALSE;
      self->vy0 = linear_to_y (self, l0 + shift);
      self->vy1 = linear_to_y (self, l1 + shift);
    }
}

void
debrief_plot_renderer_zoom_to_rect (DebriefPlotRenderer *self,
                                    double               px0,
                                    double               py0,
                                    double               px1,
                                    double               py1)
{
  double x0, x1, y0, y1;

  if (!self->frame.valid)
    return;
  x0 = debrief_plot_renderer_x_to_step (self, MIN (px0, px1));
  x1 = debrief_plot_renderer_x_to_step (self, MAX (px0, px1));
  y0 = debrief_plot_renderer_y_to_value (self, MAX (py0, py1));
  y1 = debrief_plot_renderer_y_to_value (self, MIN (py0, py1));
  debrief_plot_renderer_set_view (self, x0, x1, y0, y1);
}

void
debrief_plot_renderer_show_step (DebriefPlotRenderer *self,
                                 gint64               step,
                                 gint64               step_end)
{
  double d0, d1, span, mid;

  debrief_plot_renderer_get_data_bounds (self, &d0, &d1);
  if (step_end > step)
    span = (step_end - step) * 1.5;
  else
    span = (d1 - d0) / 5.0;   /* a fifth of the run: the step and what led to it */
  span = MAX (span, MIN_X_SPAN * 4);
  mid = (step + MAX (step, step_end)) / 2.0;
  self->y_auto = TRUE;
  debrief_plot_renderer_set_view_x (self, mid - span / 2, mid + span / 2);
}

void
debrief_plot_renderer_set_include_outliers (DebriefPlotRenderer *self,
                                            gboolean             include)
{
  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));
  self->include_outliers = include;
}

gboolean
debrief_plot_renderer_get_include_outliers (DebriefPlotRenderer *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT_RENDERER (self), FALSE);
  return self->include_outliers;
}

guint
debrief_plot_renderer_get_n_outside (DebriefPlotRenderer *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT_RENDERER (self), 0);
  return self->y_auto ? self->n_outside : 0;
}
