/* debrief-plot-renderer-series.c: the curves of the plot renderer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every series is drawn from its min/max pyramid: when a pixel column holds
 * more than one point, the column becomes one vertical stroke from its minimum
 * to its maximum, joined to its neighbours by its first and last values (the
 * "M4" reduction). This is exactly what a polyline through all points would
 * light up, so no spike is ever lost, at a cost set by the width in pixels.
 */
#include "config.h"

#include "debrief-plot-renderer-private.h"

typedef struct
{
  DebriefPlotRGBA color;
  double width;
  gboolean dashed;
  gboolean markers;
  gboolean bars;      /* dense data as one filled bar per column (thin raw curves) */
} Style;

static DebriefPlotBucket *
columns_for (ColumnCache        *cache,
             DebriefPlotPyramid *pyramid,
             const Frame        *f,
             guint               n_columns)
{
  if (cache->valid && cache->x0 == f->x0 && cache->x1 == f->x1 && cache->n_columns == n_columns)
    return cache->buckets;
  if (cache->n_columns != n_columns || cache->buckets == NULL)
    {
      g_free (cache->buckets);
      cache->buckets = g_new (DebriefPlotBucket, MAX (n_columns, 1));
    }
  debrief_plot_pyramid_decimate (pyramid, f->x0, f->x1, n_columns, cache->buckets);
  cache->x0 = f->x0;
  cache->x1 = f->x1;
  cache->n_columns = n_columns;
  cache->valid = TRUE;
  return cache->buckets;
}

void
_debrief_plot_add_nonfinite_mark (cairo_t     *cr,
                                  const Frame *f,
                                  double       x,
                                  guint        flags)
{
  /* NaN and +Inf point down from the top edge, -Inf up from the bottom. */
  if (flags & (DEBRIEF_PLOT_NONFINITE_NAN | DEBRIEF_PLOT_NONFINITE_POS_INF))
    {
      cairo_move_to (cr, x - 4, f->area.y);
      cairo_line_to (cr, x + 4, f->area.y);
      cairo_line_to (cr, x, f->area.y + 7);
      cairo_close_path (cr);
    }
  if (flags & DEBRIEF_PLOT_NONFINITE_NEG_INF)
    {
      double bottom = f->area.y + f->area.height;
      cairo_move_to (cr, x - 4, bottom);
      cairo_line_to (cr, x + 4, bottom);
      cairo_line_to (cr, x, bottom - 7);
      cairo_close_path (cr);
    }
}

/* Whether most columns span several pixels: a thick zig-zag, which strokes
 * slowly (every turn-back overlaps) and looks the same drawn as bars. */
static gboolean
is_noisy (const Frame             *f,
          const DebriefPlotBucket *columns,
          guint                    n_columns)
{
  guint tall = 0, filled = 0;

  for (guint c = 0; c < n_columns; c++)
    if (columns[c].n > 0 && !isnan (columns[c].min))
      {
        filled++;
        tall += fabs (frame_y (f, columns[c].max) - frame_y (f, columns[c].min)) > NOISY_COLUMN_PX;
      }
  return tall * 4 > filled;
}

/* Dense data as a polyline: per column its first value, its extremes and its
 * last value, but a single vertex where the column spans under a pixel. Bevel
 * joins: at these turn-backs round joins cost an arc each, and show nothing more. */
static void
dense_line (cairo_t                 *cr,
            const Frame             *f,
            const DebriefPlotBucket *columns,
            guint                    n_columns,
            const gint64            *steps,
            const double            *values,
            gsize                    n,
            gsize                    first_index)
{
  gboolean connected = FALSE;
  gssize last_index = -1;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  /* Enter from the point just left of the view. */
  if (first_index != G_MAXSIZE && first_index > 0 && isfinite (values[first_index - 1]))
    {
      cairo_move_to (cr, frame_x (f, steps[first_index - 1]), frame_y (f, values[first_index - 1]));
      connected = TRUE;
    }
  for (guint c = 0; c < n_columns; c++)
    {
      const DebriefPlotBucket *b = &columns[c];
      double x = f->area.x + c + 0.5;
      double vf, vl, y_min, y_max, y_first, y_last;

      if (b->n == 0)
        continue;
      last_index = b->last_index;
      if (isnan (b->min))
        {
          connected = FALSE;
          continue;
        }
      vf = values[b->first_index];
      vl = values[b->last_index];
      y_min = frame_y (f, b->min);
      y_max = frame_y (f, b->max);
      y_first = isfinite (vf) ? frame_y (f, vf) : y_min;
      y_last = isfinite (vl) ? frame_y (f, vl) : y_max;
      if (fabs (y_max - y_min) < 1.0)
        {
          if (connected && isfinite (vf))
            cairo_line_to (cr, x, y_last);
          else
            {
              cairo_move_to (cr, x, y_first);
              cairo_line_to (cr, x, y_last);
            }
        }
      else
        {
          /* Visit the extreme nearer the first value first: fewer turn-backs. */
          double y_a = fabs (y_first - y_min) < fabs (y_first - y_max) ? y_min : y_max;
          double y_b = y_a == y_min ? y_max : y_min;

          if (connected && isfinite (vf))
            cairo_line_to (cr, x, y_first);
          else
            cairo_move_to (cr, x, y_first);
          cairo_line_to (cr, x, y_a);
          cairo_line_to (cr, x, y_b);
          cairo_line_to (cr, x, y_last);
        }
      connected = isfinite (vl);
    }
  /* Leave towards the point just right of it. */
  if (connected && last_index >= 0 && (gsize) last_index + 1 < n && isfinite (values[last_index + 1]))
    cairo_line_to (cr, frame_x (f, steps[last_index + 1]), frame_y (f, values[last_index + 1]));
  cairo_stroke (cr);
}

/* Dense data as one bar per pixel column, from its minimum to its maximum and
 * reaching the previous column's last value: exactly the pixels a 1 px polyline
 * through every point lights, as disjoint rectangles (no stroking). Columns
 * with empty ones between them are joined by real line segments. */
static void
dense_bars (cairo_t                 *cr,
            const Frame             *f,
            const DebriefPlotBucket *columns,
            guint                    n_columns,
            const gint64            *steps,
            const double            *values,
            gsize                    n,
            gsize                    first_index,
            const Style             *style)
{
  g_autoptr(GArray) links = g_array_new (FALSE, FALSE, sizeof (double));   /* x0 y0 x1 y1 ... */
  double prev_x = NAN, prev_y = NAN;
  gssize prev_c = G_MINSSIZE;
  gssize last_index = -1;
  double half = style->width / 2;

  if (first_index != G_MAXSIZE && first_index > 0 && isfinite (values[first_index - 1]))
    {
      prev_x = frame_x (f, steps[first_index - 1]);
      prev_y = frame_y (f, values[first_index - 1]);
    }
  for (guint c = 0; c < n_columns; c++)
    {
      const DebriefPlotBucket *b = &columns[c];
      double x = f->area.x + c + 0.5;
      double top, bottom, vf, vl;

      if (b->n == 0)
        continue;
      last_index = b->last_index;
      if (isnan (b->min))
        {
          prev_y = NAN;
          continue;
        }
      top = frame_y (f, b->max);
      bottom = frame_y (f, b->min);
      vf = values[b->first_index];
      vl = values[b->last_index];
      if (isfinite (vf) && !isnan (prev_y))
        {
          if (prev_c == (gssize) c - 1)
            {
              top = MIN (top, prev_y);
              bottom = MAX (bottom, prev_y);
            }
          else
            {
              double link[4] = { prev_x, prev_y, x, frame_y (f, vf) };
              g_array_append_vals (links, link, 4);
            }
        }
      {
        /* Whole pixels: cairo fills aligned boxes without rasterising polygons.
         * Rounding only ever grows a bar, so nothing is lost. */
        double y0 = floor (top - half + 0.5), y1 = ceil (bottom + half - 0.5);
        cairo_rectangle (cr, floor (x - half + 0.5), y0, style->width, MAX (y1 - y0, 1.0));
      }
      prev_x = x;
      prev_y = isfinite (vl) ? frame_y (f, vl) : NAN;
      prev_c = c;
    }
  cairo_fill (cr);

  if (!isnan (prev_y) && last_index >= 0 && (gsize) last_index + 1 < n && isfinite (values[last_index + 1]))
    {
      double link[4] = { prev_x, prev_y, frame_x (f, steps[last_index + 1]), frame_y (f, values[last_index + 1]) };
      g_array_append_vals (links, link, 4);
    }
  for (guint i = 0; i + 3 < links->len; i += 4)
    {
      cairo_move_to (cr, g_array_index (links, double, i), g_array_index (links, double, i + 1));
      cairo_line_to (cr, g_array_index (links, double, i + 2), g_array_index (links, double, i + 3));
    }
  cairo_stroke (cr);
}

static void
draw_pyramid (DebriefPlotRenderer *self,
              cairo_t             *cr,
              ColumnCache         *cache,
              DebriefPlotPyramid  *pyramid,
              const Style         *style,
              gboolean             mark_nonfinite)
{
  const Frame *f = &self->frame;
  const gint64 *steps = debrief_plot_pyramid_get_steps (pyramid);
  const double *values = debrief_plot_pyramid_get_values (pyramid);
  gsize n = debrief_plot_pyramid_get_length (pyramid);
  guint n_columns = (guint) MAX (1.0, ceil (f->area.width));
  gsize begin = debrief_plot_pyramid_lower_bound (pyramid, f->x0);
  gsize end = debrief_plot_pyramid_lower_bound (pyramid, floor (f->x1) + 1.0);
  gboolean connected = FALSE;

  if (n == 0)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, style->width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (style->dashed)
    {
      static const double dashes[] = { 6.0, 4.0 };
      cairo_set_dash (cr, dashes, 2, 0);
    }
  set_color (cr, &style->color, 1.0);
  cairo_new_path (cr);

  if (end - begin <= n_columns)
    {
      /* Fewer points than pixels: draw them all, with the neighbours just outside. */
      gsize from = begin > 0 ? begin - 1 : 0;
      gsize to = MIN (end + 1, n);

      for (gsize i = from; i < to; i++)
        {
          double v = values[i];
          if (!isfinite (v))
            {
              connected = FALSE;
              continue;
            }
          if (connected)
            cairo_line_to (cr, frame_x (f, steps[i]), frame_y (f, v));
          else
            {
              cairo_move_to (cr, frame_x (f, steps[i]), frame_y (f, v));
              cairo_close_path (cr);  /* a lone point still shows as a round dot */
              cairo_move_to (cr, frame_x (f, steps[i]), frame_y (f, v));
            }
          connected = TRUE;
        }
      cairo_stroke (cr);

      if (style->markers && (to - from) * 4 <= n_columns)
        {
          for (gsize i = from; i < to; i++)
            if (isfinite (values[i]))
              {
                cairo_new_sub_path (cr);
                cairo_arc (cr, frame_x (f, steps[i]), frame_y (f, values[i]), style->width + 1.5, 0, 2 * G_PI);
              }
          cairo_fill_preserve (cr);
          set_color (cr, &self->palette.background, 1.0);
          cairo_set_dash (cr, NULL, 0, 0);
          cairo_set_line_width (cr, 1.0);
          cairo_stroke (cr);
        }
      if (mark_nonfinite)
        {
          for (gsize i = begin; i < end; i++)
            if (!isfinite (values[i]))
              _debrief_plot_add_nonfinite_mark (cr, f, frame_x (f, steps[i]),
                                                isnan (values[i]) ? DEBRIEF_PLOT_NONFINITE_NAN :
                                                values[i] > 0 ? DEBRIEF_PLOT_NONFINITE_POS_INF :
                                                DEBRIEF_PLOT_NONFINITE_NEG_INF);
          set_color (cr, &self->palette.danger, 1.0);
          cairo_fill (cr);
        }
    }
  else
    {
      DebriefPlotBucket *columns = columns_for (cache, pyramid, f, n_columns);
      gsize first_index = G_MAXSIZE;

      for (guint c = 0; c < n_columns; c++)
        if (columns[c].n > 0)
          {
            first_index = columns[c].first_index;
            break;
          }
      if (style->bars || is_noisy (f, columns, n_columns))
        dense_bars (cr, f, columns, n_columns, steps, values, n, first_index, style);
      else
        dense_line (cr, f, columns, n_columns, steps, values, n, first_index);

      if (mark_nonfinite)
        {
          for (guint c = 0; c < n_columns; c++)
            if (columns[c].nonfinite != 0)
              _debrief_plot_add_nonfinite_mark (cr, f, f->area.x + c + 0.5, columns[c].nonfinite);
          set_color (cr, &self->palette.danger, 1.0);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
}

/* The one place a run gets its colour (curves, legend swatch, best-step line),
 * so a colour scale over runs (by a config value) replaces only this. */
DebriefPlotRGBA
_debrief_plot_renderer_run_color (DebriefPlotRenderer *self,
                                  guint                run,
                                  gboolean             validation)
{
  RunEntry *entry = run < self->runs->len ? &g_array_index (self->runs, RunEntry, run) : NULL;

  /* A colour by a setting (a sweep's scale) first, then its group's. */
  if (entry != NULL && entry->has_color)
    return entry->color;
  if (entry != NULL && entry->group >= 0)
    return _debrief_plot_renderer_group_color (self, (guint) entry->group);
  /* One run: train and validation in two hues. Several: one hue per run. */
  if (self->runs->len <= 1)
    return self->palette.series[validation ? 1 : 0];
  return self->palette.series[run % DEBRIEF_PLOT_N_COLORS];
}

/* Every visible layer of every run, one pyramid at a time; a series drawn for
 * a group of runs (a mean with a band) is one more pass here. */
void
_debrief_plot_renderer_draw_series (DebriefPlotRenderer *self,
                                    cairo_t             *cr)
{
  gboolean several = self->runs->len > 1;
  gboolean crowded = _debrief_plot_renderer_n_shown (self) > LEGEND_MAX_RUNS;

  /* Raw first (under everything), then the groups' bands and means, then
   * smoothed, then validation on top. A run in a group is drawn by its group. */
  for (guint c = 0; c < N_CACHES; c++)
    {
      if (c == CACHE_SMOOTHED)
        _debrief_plot_renderer_draw_groups (self, cr);
      for (guint i = 0; i < self->runs->len; i++)
      {
        RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
        Style style = { 0, };

        if (entry->group >= 0 || !_debrief_plot_renderer_layer_shown (self, entry, c))
          continue;
        style.color = _debrief_plot_renderer_run_color (self, i, c == CACHE_VALIDATION);
        switch (c)
          {
          case CACHE_RAW:
            /* Faint, thin, so the smoothed trend reads first but every spike stays visible. */
            style.color.alpha = crowded ? 0.10 : several ? 0.25 : 0.35;
            style.width = 1.0;
            style.bars = TRUE;
            break;
          case CACHE_SMOOTHED:
            style.width = 2.0;
            break;
          case CACHE_VALIDATION:
          default:
            style.width = 1.5;
            style.dashed = several;
            style.markers = !crowded;
            break;
          }
        /* A run off the range is a diverged one the plot already names: no row of NaN marks. */
        draw_pyramid (self, cr, &entry->caches[c], _debrief_plot_run_entry_pyramid (entry, c), &style,
                      !entry->outside &&
                      (c == CACHE_RAW || (c == CACHE_SMOOTHED && !(self->layers & DEBRIEF_PLOT_LAYER_RAW))));
      }
    }
}
