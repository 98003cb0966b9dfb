/* debrief-plot-renderer.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every series is drawn from its min/max pyramid: when a pixel column holds
 * more than one point, the column becomes one vertical stroke from its minimum
 * to its maximum, joined to its neighbours by its first and last values (the
 * "M4" reduction). This is exactly what a polyline through all points would
 * light up, so no spike is ever lost, at a cost set by the width in pixels.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "debrief-error.h"
#include "debrief-plot-renderer.h"
#include "debrief-plot-ticks-private.h"

/* Layout, in pixels at 96 dpi. */
#define PAD                 12.0   /* outer margin */
#define LEGEND_SWATCH       18.0
#define LEGEND_GAP          18.0
#define TICK_GAP             6.0
#define X_TICK_SPACING      90.0   /* at most one x label per 90 px: "1.25M" fits with air */
#define Y_TICK_SPACING      36.0   /* about three text lines between y grid lines */
/* Pixel coordinates are clamped this far outside the plot: cairo's fixed point
 * overflows near ±8 million, and a huge spike only needs to reach the edge. */
#define FAR_OUTSIDE     1.0e6
/* A column this tall (px) in more than a quarter of the plot makes a curve "noisy". */
#define NOISY_COLUMN_PX      3.0
/* Fraction of the y range left free above and below the data. */
#define Y_MARGIN            0.05
/* Zooming in stops at this many steps across the plot: a few points, big. */
#define MIN_X_SPAN           4.0
/* With an axis on log scale and no positive data, this many decades are shown. */
#define LOG_FALLBACK_DECADES 3.0

enum { CACHE_RAW, CACHE_SMOOTHED, CACHE_VALIDATION, N_CACHES };

typedef struct
{
  double x0, x1;
  guint n_columns;
  DebriefPlotBucket *buckets;
  gboolean valid;
} ColumnCache;

typedef struct
{
  DebriefPlotData *data;
  gboolean visible;
  ColumnCache caches[N_CACHES];
} RunEntry;

typedef enum { LEGEND_RUN, LEGEND_LAYER } LegendKind;

typedef struct
{
  DebriefPlotRect rect;
  LegendKind kind;
  guint index;        /* run index, or a DebriefPlotLayers bit */
} LegendEntry;

typedef struct
{
  gboolean valid;
  int width, height;
  DebriefPlotRect area;
  double x0, x1, y0, y1;
  gboolean log_y;
  GArray *legend;
} Frame;

typedef struct
{
  DebriefPlotAnnotationKind kind;
  guint run;
  gint64 step;
  gint64 step_end;
  char *label;
} Annotation;

struct _DebriefPlotRenderer
{
  GObject parent_instance;

  GArray *runs;                 /* RunEntry */
  GArray *annotations;          /* Annotation */
  DebriefPlotPalette palette;
  char *font_family;
  double font_size;
  gboolean log_y;
  DebriefPlotXUnit x_unit;
  DebriefPlotLayers layers;

  gboolean x_auto, y_auto;
  double vx0, vx1, vy0, vy1;

  gboolean hover;
  double hover_px, hover_py;

  Frame frame;
};

G_DEFINE_FINAL_TYPE (DebriefPlotRenderer, debrief_plot_renderer, G_TYPE_OBJECT)

static DebriefPlotRGBA
rgba_hex (guint32 rgb,
          double  alpha)
{
  return (DebriefPlotRGBA) { ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                             (rgb & 0xff) / 255.0, alpha };
}

void
debrief_plot_palette_init (DebriefPlotPalette *palette,
                           gboolean            dark)
{
  /* GNOME HIG palette: the "3" shades on light, the brighter "2"/"1" on dark. */
  static const guint32 light_series[DEBRIEF_PLOT_N_COLORS] = {
    0x1c71d8, 0xe66100, 0x26a269, 0x813d9c, 0x986a44, 0x1a8a9a,
  };
  static const guint32 dark_series[DEBRIEF_PLOT_N_COLORS] = {
    0x62a0ea, 0xffa348, 0x57e389, 0xc061cb, 0xcdab8f, 0x5bc8d5,
  };

  if (dark)
    {
      palette->background = rgba_hex (0x1e1e1e, 1.0);
      palette->foreground = rgba_hex (0xffffff, 0.92);
      palette->dim = rgba_hex (0xffffff, 0.55);
      palette->grid = rgba_hex (0xffffff, 0.09);
      palette->accent = rgba_hex (0x78aeed, 1.0);
      palette->danger = rgba_hex (0xff7b63, 1.0);
      palette->warning = rgba_hex (0xf8e45c, 0.6);
    }
  else
    {
      palette->background = rgba_hex (0xffffff, 1.0);
      palette->foreground = rgba_hex (0x000000, 0.8);
      palette->dim = rgba_hex (0x000000, 0.55);
      palette->grid = rgba_hex (0x000000, 0.08);
      palette->accent = rgba_hex (0x1c71d8, 1.0);
      palette->danger = rgba_hex (0xc01c28, 1.0);
      palette->warning = rgba_hex (0xe5a50a, 1.0);
    }
  for (guint i = 0; i < DEBRIEF_PLOT_N_COLORS; i++)
    palette->series[i] = rgba_hex (dark ? dark_series[i] : light_series[i], 1.0);
}

static void
run_entry_clear (gpointer p)
{
  RunEntry *entry = p;

  for (guint i = 0; i < N_CACHES; i++)
    g_clear_pointer (&entry->caches[i].buckets, g_free);
  g_clear_pointer (&entry->data, debrief_plot_data_unref);
}

static void
annotation_clear (gpointer p)
{
  Annotation *a = p;
  g_clear_pointer (&a->label, g_free);
}

static void
debrief_plot_renderer_finalize (GObject *object)
{
  DebriefPlotRenderer *self = DEBRIEF_PLOT_RENDERER (object);

  g_clear_pointer (&self->runs, g_array_unref);
  g_clear_pointer (&self->annotations, g_array_unref);
  g_clear_pointer (&self->frame.legend, g_array_unref);
  g_clear_pointer (&self->font_family, g_free);
  G_OBJECT_CLASS (debrief_plot_renderer_parent_class)->finalize (object);
}

static void
debrief_plot_renderer_class_init (DebriefPlotRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = debrief_plot_renderer_finalize;
}

static void
debrief_plot_renderer_init (DebriefPlotRenderer *self)
{
  self->runs = g_array_new (FALSE, TRUE, sizeof (RunEntry));
  g_array_set_clear_func (self->runs, run_entry_clear);
  self->annotations = g_array_new (FALSE, TRUE, sizeof (Annotation));
  g_array_set_clear_func (self->annotations, annotation_clear);
  self->frame.legend = g_array_new (FALSE, TRUE, sizeof (LegendEntry));
  debrief_plot_palette_init (&self->palette, FALSE);
  self->font_family = g_strdup ("Sans");
  self->font_size = 9.0;
  self->layers = DEBRIEF_PLOT_LAYER_ALL;
  self->x_auto = self->y_auto = TRUE;
}

DebriefPlotRenderer *
debrief_plot_renderer_new (void)
{
  return g_object_new (DEBRIEF_TYPE_PLOT_RENDERER, NULL);
}

DebriefPlotRenderer *
debrief_plot_renderer_copy (DebriefPlotRenderer *self)
{
  DebriefPlotRenderer *copy = debrief_plot_renderer_new ();
  double x0, x1, y0, y1;

  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry entry = { 0, };
      entry.data = debrief_plot_data_ref (g_array_index (self->runs, RunEntry, i).data);
      entry.visible = g_array_index (self->runs, RunEntry, i).visible;
      g_array_append_val (copy->runs, entry);
    }
  for (guint i = 0; i < self->annotations->len; i++)
    {
      Annotation a = g_array_index (self->annotations, Annotation, i);
      a.label = g_strdup (a.label);
      g_array_append_val (copy->annotations, a);
    }
  copy->palette = self->palette;
  debrief_plot_renderer_set_font (copy, self->font_family, self->font_size);
  copy->log_y = self->log_y;
  copy->x_unit = self->x_unit;
  copy->layers = self->layers;
  /* The view as shown: an automatic y follows the same data, so it matches. */
  debrief_plot_renderer_get_view (self, &x0, &x1, &y0, &y1);
  copy->x_auto = self->x_auto;
  copy->y_auto = self->y_auto;
  copy->vx0 = x0;
  copy->vx1 = x1;
  copy->vy0 = y0;
  copy->vy1 = y1;
  return copy;
}

/* ---- data and options ---- */

void
debrief_plot_renderer_set_data (DebriefPlotRenderer *self,
                                GPtrArray           *data)
{
  gboolean same_runs;
  g_autoptr(GArray) old = NULL;

  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));

  same_runs = data != NULL && data->len == self->runs->len;
  for (guint i = 0; same_runs && i < data->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      DebriefPlotData *d = g_ptr_array_index (data, i);
      same_runs = debrief_plot_data_get_train (d) == debrief_plot_data_get_train (entry->data) &&
                  debrief_plot_data_get_validation (d) == debrief_plot_data_get_validation (entry->data);
    }

  old = g_steal_pointer (&self->runs);
  self->runs = g_array_new (FALSE, TRUE, sizeof (RunEntry));
  g_array_set_clear_func (self->runs, run_entry_clear);
  for (guint i = 0; data != NULL && i < data->len; i++)
    {
      RunEntry entry = { 0, };

      entry.data = debrief_plot_data_ref (g_ptr_array_index (data, i));
      entry.visible = same_runs ? g_array_index (old, RunEntry, i).visible : TRUE;
      g_array_append_val (self->runs, entry);
    }
  if (!same_runs)
    debrief_plot_renderer_reset_view (self);
}

guint
debrief_plot_renderer_get_n_runs (DebriefPlotRenderer *self)
{
  return self->runs->len;
}

DebriefPlotData *
debrief_plot_renderer_get_run (DebriefPlotRenderer *self,
                               guint                i)
{
  g_return_val_if_fail (i < self->runs->len, NULL);
  return g_array_index (self->runs, RunEntry, i).data;
}

void
debrief_plot_renderer_set_palette (DebriefPlotRenderer      *self,
                                   const DebriefPlotPalette *palette)
{
  self->palette = *palette;
}

void
debrief_plot_renderer_set_font (DebriefPlotRenderer *self,
                                const char          *family,
                                double               size_pt)
{
  g_free (self->font_family);
  self->font_family = g_strdup (family != NULL ? family : "Sans");
  self->font_size = size_pt > 0 ? size_pt : 9.0;
}

void
debrief_plot_renderer_set_log_y (DebriefPlotRenderer *self,
                                 gboolean             log_y)
{
  log_y = !!log_y;
  if (self->log_y == log_y)
    return;
  self->log_y = log_y;
  /* An explicit y range does not carry over between scales. */
  self->y_auto = TRUE;
}

gboolean
debrief_plot_renderer_get_log_y (DebriefPlotRenderer *self)
{
  return self->log_y;
}

void
debrief_plot_renderer_set_x_unit (DebriefPlotRenderer *self,
                                  DebriefPlotXUnit     unit)
{
  self->x_unit = unit;
}

DebriefPlotXUnit
debrief_plot_renderer_get_x_unit (DebriefPlotRenderer *self)
{
  if (self->runs->len == 0)
    return DEBRIEF_PLOT_X_STEPS;
  if (!debrief_plot_data_has_unit (g_array_index (self->runs, RunEntry, 0).data, self->x_unit))
    return DEBRIEF_PLOT_X_STEPS;
  return self->x_unit;
}

void
debrief_plot_renderer_set_layers (DebriefPlotRenderer *self,
                                  DebriefPlotLayers    layers)
{
  self->layers = layers & DEBRIEF_PLOT_LAYER_ALL;
}

DebriefPlotLayers
debrief_plot_renderer_get_layers (DebriefPlotRenderer *self)
{
  return self->layers;
}

void
debrief_plot_renderer_set_run_visible (DebriefPlotRenderer *self,
                                       guint                run,
                                       gboolean             visible)
{
  g_return_if_fail (run < self->runs->len);
  g_array_index (self->runs, RunEntry, run).visible = !!visible;
}

gboolean
debrief_plot_renderer_get_run_visible (DebriefPlotRenderer *self,
                                       guint                run)
{
  g_return_val_if_fail (run < self->runs->len, FALSE);
  return g_array_index (self->runs, RunEntry, run).visible;
}

void
debrief_plot_renderer_set_annotations (DebriefPlotRenderer         *self,
                                       const DebriefPlotAnnotation *annotations,
                                       guint                        n_annotations)
{
  g_array_set_size (self->annotations, 0);
  for (guint i = 0; i < n_annotations; i++)
    {
      Annotation a = {
        annotations[i].kind, annotations[i].run, annotations[i].step,
        MAX (annotations[i].step_end, annotations[i].step), g_strdup (annotations[i].label),
      };
      g_array_append_val (self->annotations, a);
    }
}

guint
debrief_plot_renderer_get_n_annotations (DebriefPlotRenderer *self)
{
  return self->annotations->len;
}

/* ---- the view ---- */

static gboolean
layer_shown (DebriefPlotRenderer *self,
             RunEntry            *entry,
             guint                cache)
{
  if (!entry->visible)
    return FALSE;
  switch (cache)
    {
    case CACHE_RAW:
      return (self->layers & DEBRIEF_PLOT_LAYER_RAW) && debrief_plot_data_get_train (entry->data);
    case CACHE_SMOOTHED:
      return (self->layers & DEBRIEF_PLOT_LAYER_SMOOTHED) && debrief_plot_data_get_smoothed (entry->data);
    case CACHE_VALIDATION:
    default:
      return (self->layers & DEBRIEF_PLOT_LAYER_VALIDATION) && debrief_plot_data_get_validation (entry->data);
    }
}

static DebriefPlotPyramid *
pyramid_of (RunEntry *entry,
            guint     cache)
{
  switch (cache)
    {
    case CACHE_RAW:
      return debrief_plot_data_get_train (entry->data);
    case CACHE_SMOOTHED:
      return debrief_plot_data_get_smoothed (entry->data);
    case CACHE_VALIDATION:
    default:
      return debrief_plot_data_get_validation (entry->data);
    }
}

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
          DebriefPlotPyramid *p = pyramid_of (entry, c);
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

static void
auto_y_range (DebriefPlotRenderer *self,
              double               x0,
              double               x1,
              double              *y0,
              double              *y1)
{
  double lo = INFINITY, hi = -INFINITY;
  double positive_lo = INFINITY;

  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      for (guint c = 0; c < N_CACHES; c++)
        {
          DebriefPlotPyramid *p = pyramid_of (entry, c);
          DebriefPlotBucket b;
          gsize begin, end;

          if (p == NULL || !layer_shown (self, entry, c))
            continue;
          begin = debrief_plot_pyramid_lower_bound (p, x0);
          end = debrief_plot_pyramid_lower_bound (p, floor (x1) + 1.0);
          debrief_plot_pyramid_query (p, begin, end, &b);
          if (b.n == 0 || isnan (b.min))
            continue;
          lo = MIN (lo, b.min);
          hi = MAX (hi, b.max);
          if (b.min > 0)
            positive_lo = MIN (positive_lo, b.min);
          else if (b.max > 0)
            positive_lo = MIN (positive_lo, b.max * 1e-3);  /* some values <= 0: show three decades */
        }
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

/* ---- geometry of the last frame ---- */

gboolean
debrief_plot_renderer_get_plot_area (DebriefPlotRenderer *self,
                                     DebriefPlotRect     *area)
{
  if (!self->frame.valid)
    return FALSE;
  *area = self->frame.area;
  return TRUE;
}

static double
frame_x (const Frame *f,
         double       step)
{
  double x = f->area.x + (step - f->x0) * f->area.width / (f->x1 - f->x0);
  return CLAMP (x, f->area.x - FAR_OUTSIDE, f->area.x + f->area.width + FAR_OUTSIDE);
}

static double
frame_y (const Frame *f,
         double       value)
{
  double t, y;

  if (f->log_y)
    {
      if (!(value > 0))
        return f->area.y + f->area.height + FAR_OUTSIDE;
      t = (log10 (value) - log10 (f->y0)) / (log10 (f->y1) - log10 (f->y0));
    }
  else
    t = (value - f->y0) / (f->y1 - f->y0);
  y = f->area.y + f->area.height * (1.0 - t);
  return CLAMP (y, f->area.y - FAR_OUTSIDE, f->area.y + f->area.height + FAR_OUTSIDE);
}

double
debrief_plot_renderer_x_to_step (DebriefPlotRenderer *self,
                                 double               px)
{
  const Frame *f = &self->frame;

  if (!f->valid || f->area.width <= 0)
    return 0.0;
  return f->x0 + (px - f->area.x) * (f->x1 - f->x0) / f->area.width;
}

double
debrief_plot_renderer_step_to_x (DebriefPlotRenderer *self,
                                 double               step)
{
  return self->frame.valid ? frame_x (&self->frame, step) : 0.0;
}

double
debrief_plot_renderer_value_to_y (DebriefPlotRenderer *self,
                                  double               value)
{
  return self->frame.valid ? frame_y (&self->frame, value) : 0.0;
}

double
debrief_plot_renderer_y_to_value (DebriefPlotRenderer *self,
                                  double               py)
{
  const Frame *f = &self->frame;
  double t;

  if (!f->valid || f->area.height <= 0)
    return 0.0;
  t = 1.0 - (py - f->area.y) / f->area.height;
  if (f->log_y)
    return pow (10.0, log10 (f->y0) + t * (log10 (f->y1) - log10 (f->y0)));
  return f->y0 + t * (f->y1 - f->y0);
}

int
debrief_plot_renderer_legend_hit (DebriefPlotRenderer *self,
                                  double               x,
                                  double               y)
{
  for (guint i = 0; self->frame.legend != NULL && i < self->frame.legend->len; i++)
    {
      const DebriefPlotRect *r = &g_array_index (self->frame.legend, LegendEntry, i).rect;
      if (x >= r->x && x < r->x + r->width && y >= r->y && y < r->y + r->height)
        return (int) i;
    }
  return -1;
}

void
debrief_plot_renderer_toggle_legend (DebriefPlotRenderer *self,
                                     int                  entry)
{
  const LegendEntry *e;

  if (entry < 0 || (guint) entry >= self->frame.legend->len)
    return;
  e = &g_array_index (self->frame.legend, LegendEntry, entry);
  if (e->kind == LEGEND_RUN && e->index < self->runs->len)
    {
      RunEntry *run = &g_array_index (self->runs, RunEntry, e->index);
      run->visible = !run->visible;
    }
  else if (e->kind == LEGEND_LAYER)
    self->layers ^= e->index;
}

void
debrief_plot_renderer_set_hover (DebriefPlotRenderer *self,
                                 gboolean             hover,
                                 double               px,
                                 double               py)
{
  self->hover = hover;
  self->hover_px = px;
  self->hover_py = py;
}

/* ---- text ---- */

static PangoLayout *
make_layout (DebriefPlotRenderer *self,
             cairo_t             *cr,
             double               scale)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (self->font_family);

  pango_font_description_set_size (font, (int) (self->font_size * scale * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

static void
text_size (PangoLayout *layout,
           const char  *text,
           double      *width,
           double      *height)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  if (width) *width = w;
  if (height) *height = h;
}

static void
set_color (cairo_t               *cr,
           const DebriefPlotRGBA *c,
           double                 alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* Draw @text with its box aligned by (@ax, @ay) in [0, 1] on (@x, @y). */
static void
draw_text (cairo_t               *cr,
           PangoLayout           *layout,
           const char            *text,
           double                 x,
           double                 y,
           double                 ax,
           double                 ay,
           const DebriefPlotRGBA *color)
{
  double w, h;

  text_size (layout, text, &w, &h);
  set_color (cr, color, 1.0);
  cairo_move_to (cr, round (x - w * ax), round (y - h * ay));
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
}

/* ---- series ---- */

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

static void
add_nonfinite_mark (cairo_t     *cr,
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
              add_nonfinite_mark (cr, f, frame_x (f, steps[i]),
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
              add_nonfinite_mark (cr, f, f->area.x + c + 0.5, columns[c].nonfinite);
          set_color (cr, &self->palette.danger, 1.0);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
}

static DebriefPlotRGBA
run_color (DebriefPlotRenderer *self,
           guint                run,
           gboolean             validation)
{
  /* One run: train and validation in two hues. Several: one hue per run. */
  if (self->runs->len <= 1)
    return self->palette.series[validation ? 1 : 0];
  return self->palette.series[run % DEBRIEF_PLOT_N_COLORS];
}

static void
draw_runs (DebriefPlotRenderer *self,
           cairo_t             *cr)
{
  gboolean several = self->runs->len > 1;

  /* Raw first (under everything), then smoothed, then validation on top. */
  for (guint c = 0; c < N_CACHES; c++)
    for (guint i = 0; i < self->runs->len; i++)
      {
        RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
        Style style = { 0, };

        if (!layer_shown (self, entry, c))
          continue;
        style.color = run_color (self, i, c == CACHE_VALIDATION);
        switch (c)
          {
          case CACHE_RAW:
            /* Faint, thin, so the smoothed trend reads first but every spike stays visible. */
            style.color.alpha = several ? 0.25 : 0.35;
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
            style.markers = TRUE;
            break;
          }
        draw_pyramid (self, cr, &entry->caches[c], pyramid_of (entry, c), &style,
                      c == CACHE_RAW || (c == CACHE_SMOOTHED && !(self->layers & DEBRIEF_PLOT_LAYER_RAW)));
      }
}

static DebriefPlotRGBA run_color (DebriefPlotRenderer *self,
                                  guint                run,
                                  gboolean             validation);

/* ---- annotations ---- */

static gboolean
value_at_step (DebriefPlotPyramid *p,
               gint64              step,
               double             *value)
{
  gsize i;

  if (p == NULL)
    return FALSE;
  i = debrief_plot_pyramid_lower_bound (p, (double) step);
  if (i >= debrief_plot_pyramid_get_length (p) || debrief_plot_pyramid_get_steps (p)[i] != step)
    return FALSE;
  *value = debrief_plot_pyramid_get_values (p)[i];
  return TRUE;
}

static void
draw_label_box (DebriefPlotRenderer   *self,
                cairo_t               *cr,
                PangoLayout           *layout,
                const char            *text,
                double                 x,
                double                *y_free,
                const DebriefPlotRGBA *color)
{
  const Frame *f = &self->frame;
  double w, h;

  text_size (layout, text, &w, &h);
  /* Keep the box inside the plot. */
  x = CLAMP (x + 4, f->area.x + 2, f->area.x + f->area.width - w - 6);
  set_color (cr, &self->palette.background, 0.85);
  cairo_rectangle (cr, x - 2, *y_free, w + 4, h);
  cairo_fill (cr);
  draw_text (cr, layout, text, x, *y_free, 0, 0, color);
  *y_free += h + 2;
}

static void
draw_annotations (DebriefPlotRenderer *self,
                  cairo_t             *cr,
                  PangoLayout         *small,
                  gboolean             regions,
                  double              *label_y_inout)
{
  const Frame *f = &self->frame;
  double label_y = *label_y_inout;

  for (guint i = 0; i < self->annotations->len; i++)
    {
      const Annotation *a = &g_array_index (self->annotations, Annotation, i);
      RunEntry *entry;
      double x, x_end;
      g_autofree char *text = NULL;

      if (a->run >= self->runs->len)
        continue;
      entry = &g_array_index (self->runs, RunEntry, a->run);
      if (!entry->visible)
        continue;
      if (regions != (a->kind == DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION))
        continue;
      x = frame_x (f, a->step);
      x_end = frame_x (f, a->step_end);
      if (x_end < f->area.x - 1 || x > f->area.x + f->area.width + 1)
        continue;

      switch (a->kind)
        {
        case DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION:
          set_color (cr, &self->palette.warning, 0.11);
          cairo_rectangle (cr, x, f->area.y, MAX (x_end - x, 1.0), f->area.height);
          cairo_fill (cr);
          text = g_strdup (a->label ? a->label : _("Overfitting"));
          draw_label_box (self, cr, small, text, MAX (x, f->area.x), &label_y, &self->palette.foreground);
          break;

        case DEBRIEF_PLOT_ANNOTATION_BEST_STEP:
        case DEBRIEF_PLOT_ANNOTATION_DIVERGENCE:
          {
            gboolean best = a->kind == DEBRIEF_PLOT_ANNOTATION_BEST_STEP;
            /* With several runs a best step wears its run's colour. */
            DebriefPlotRGBA run_hue = run_color (self, a->run, TRUE);
            const DebriefPlotRGBA *color = !best ? &self->palette.danger
                                           : self->runs->len > 1 ? &run_hue : &self->palette.accent;
            static const double dashes[] = { 5.0, 3.0 };

            cairo_save (cr);
            cairo_set_line_width (cr, 1.5);
            if (best)
              cairo_set_dash (cr, dashes, 2, 0);
            set_color (cr, color, 0.9);
            cairo_move_to (cr, round (x) + 0.5, f->area.y);
            cairo_line_to (cr, round (x) + 0.5, f->area.y + f->area.height);
            cairo_stroke (cr);
            cairo_restore (cr);
            if (a->label)
              text = g_strdup (a->label);
            else if (best)
              text = g_strdup_printf (_("Best · step %" PRId64), a->step);
            else
              text = g_strdup_printf (_("Diverged · step %" PRId64), a->step);
            draw_label_box (self, cr, small, text, x, &label_y, color);
          }
          break;

        case DEBRIEF_PLOT_ANNOTATION_SPIKE:
        default:
          {
            double v;
            double y;

            if (!value_at_step (debrief_plot_data_get_train (entry->data), a->step, &v) || !isfinite (v))
              {
                /* Not a logged finite point: mark the step at the top edge. */
                cairo_new_path (cr);
                add_nonfinite_mark (cr, f, x, DEBRIEF_PLOT_NONFINITE_NAN);
                set_color (cr, &self->palette.danger, 1.0);
                cairo_fill (cr);
                break;
              }
            y = CLAMP (frame_y (f, v), f->area.y + 6, f->area.y + f->area.height - 6);
            cairo_save (cr);
            cairo_new_path (cr);   /* text leaves a current point behind */
            cairo_set_line_width (cr, 2.0);
            set_color (cr, &self->palette.danger, 1.0);
            cairo_arc (cr, x, y, 5.0, 0, 2 * G_PI);
            cairo_stroke (cr);
            cairo_restore (cr);
          }
          break;
        }
    }
  *label_y_inout = label_y;
}

/* ---- legend ---- */

static void
legend_text (DebriefPlotRenderer *self,
             const LegendEntry   *e,
             char                *buf,
             gsize                size)
{
  if (e->kind == LEGEND_RUN)
    {
      g_strlcpy (buf, debrief_plot_data_get_name (g_array_index (self->runs, RunEntry, e->index).data), size);
      return;
    }
  switch (e->index)
    {
    case DEBRIEF_PLOT_LAYER_RAW:
      g_strlcpy (buf, _("Train loss"), size);
      break;
    case DEBRIEF_PLOT_LAYER_SMOOTHED:
      {
        DebriefPlotData *d = g_array_index (self->runs, RunEntry, 0).data;
        if (debrief_plot_data_get_method (d) == DEBRIEF_PLOT_SMOOTH_MEDIAN)
          g_snprintf (buf, size, _("Smoothed (median of %u)"),
                      (guint) (2 * debrief_plot_smooth_median_half (debrief_plot_data_get_weight (d)) + 1));
        else
          g_snprintf (buf, size, _("Smoothed (EMA %.3g)"), debrief_plot_data_get_weight (d));
      }
      break;
    case DEBRIEF_PLOT_LAYER_VALIDATION:
    default:
      g_strlcpy (buf, _("Validation loss"), size);
      break;
    }
}

static void
build_legend (DebriefPlotRenderer *self,
              PangoLayout         *layout,
              double               x,
              double               y,
              double               max_width,
              double              *height)
{
  GArray *legend = self->frame.legend;
  double cx = x, cy = y, line_h;
  static const guint layer_bits[] = {
    DEBRIEF_PLOT_LAYER_RAW, DEBRIEF_PLOT_LAYER_SMOOTHED, DEBRIEF_PLOT_LAYER_VALIDATION,
  };
  gboolean has_layer[3] = { FALSE, FALSE, FALSE };

  g_array_set_size (legend, 0);
  text_size (layout, "Ag", NULL, &line_h);
  if (self->runs->len > 1)
    for (guint i = 0; i < self->runs->len; i++)
      {
        LegendEntry e = { { 0, }, LEGEND_RUN, i };
        g_array_append_val (legend, e);
      }
  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      has_layer[0] |= debrief_plot_data_get_train (entry->data) != NULL;
      has_layer[1] |= debrief_plot_data_get_smoothed (entry->data) != NULL;
      has_layer[2] |= debrief_plot_data_get_validation (entry->data) != NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (layer_bits); i++)
    if (has_layer[i])
      {
        LegendEntry e = { { 0, }, LEGEND_LAYER, layer_bits[i] };
        g_array_append_val (legend, e);
      }

  for (guint i = 0; i < legend->len; i++)
    {
      LegendEntry *e = &g_array_index (legend, LegendEntry, i);
      char text[128];
      double w;

      legend_text (self, e, text, sizeof text);
      text_size (layout, text, &w, NULL);
      w += LEGEND_SWATCH + 6;
      if (cx > x && cx + w > x + max_width)
        {
          cx = x;
          cy += line_h + 4;
        }
      e->rect = (DebriefPlotRect) { cx - 3, cy - 2, w + 6, line_h + 4 };
      cx += w + LEGEND_GAP;
    }
  *height = legend->len > 0 ? cy - y + line_h : 0;
}

static void
draw_legend (DebriefPlotRenderer *self,
             cairo_t             *cr,
             PangoLayout         *layout)
{
  GArray *legend = self->frame.legend;
  gboolean several = self->runs->len > 1;

  for (guint i = 0; i < legend->len; i++)
    {
      const LegendEntry *e = &g_array_index (legend, LegendEntry, i);
      gboolean on;
      char text[128];
      double sx = e->rect.x + 3, sy = e->rect.y + e->rect.height / 2;
      DebriefPlotRGBA color;
      double alpha;

      legend_text (self, e, text, sizeof text);
      if (e->kind == LEGEND_RUN)
        {
          on = g_array_index (self->runs, RunEntry, e->index).visible;
          color = run_color (self, e->index, FALSE);
        }
      else
        {
          on = (self->layers & e->index) != 0;
          color = several ? self->palette.foreground
                          : run_color (self, 0, e->index == DEBRIEF_PLOT_LAYER_VALIDATION);
        }
      alpha = on ? 1.0 : 0.35;   /* a hidden series stays in the legend, greyed, to bring it back */

      cairo_save (cr);
      if (e->kind == LEGEND_RUN)
        {
          set_color (cr, &color, alpha);
          cairo_rectangle (cr, sx + 3, sy - 6, 12, 12);
          cairo_fill (cr);
        }
      else
        {
          switch (e->index)
            {
            case DEBRIEF_PLOT_LAYER_RAW:
              set_color (cr, &color, alpha * (several ? 0.5 : 0.45));
              cairo_set_line_width (cr, 1.0);
              cairo_move_to (cr, sx, sy + 3);
              cairo_line_to (cr, sx + 5, sy - 4);
              cairo_line_to (cr, sx + 9, sy + 2);
              cairo_line_to (cr, sx + 13, sy - 3);
              cairo_line_to (cr, sx + LEGEND_SWATCH, sy + 1);
              cairo_stroke (cr);
              break;
            case DEBRIEF_PLOT_LAYER_SMOOTHED:
              set_color (cr, &color, alpha);
              cairo_set_line_width (cr, 2.0);
              cairo_move_to (cr, sx, sy);
              cairo_line_to (cr, sx + LEGEND_SWATCH, sy);
              cairo_stroke (cr);
              break;
            default:
              set_color (cr, &color, alpha);
              cairo_set_line_width (cr, 1.5);
              cairo_move_to (cr, sx, sy);
              cairo_line_to (cr, sx + LEGEND_SWATCH, sy);
              cairo_stroke (cr);
              cairo_arc (cr, sx + LEGEND_SWATCH / 2, sy, 3.0, 0, 2 * G_PI);
              cairo_fill (cr);
              break;
            }
        }
      cairo_restore (cr);
      {
        DebriefPlotRGBA fg = self->palette.foreground;
        fg.alpha *= alpha;
        draw_text (cr, layout, text, sx + LEGEND_SWATCH + 6, e->rect.y + 2, 0, 0, &fg);
      }
    }
}

/* ---- hover ---- */

static gboolean
nearest_index (DebriefPlotPyramid *p,
               double              step,
               gsize              *index)
{
  gsize n, i;
  const gint64 *steps;

  if (p == NULL || (n = debrief_plot_pyramid_get_length (p)) == 0)
    return FALSE;
  steps = debrief_plot_pyramid_get_steps (p);
  i = debrief_plot_pyramid_lower_bound (p, step);
  if (i == n)
    i = n - 1;
  else if (i > 0 && fabs (steps[i - 1] - step) <= fabs (steps[i] - step))
    i--;
  *index = i;
  return TRUE;
}

static void
draw_hover (DebriefPlotRenderer *self,
            cairo_t             *cr)
{
  const Frame *f = &self->frame;
  static const double dashes[] = { 3.0, 3.0 };
  double step;

  if (!self->hover || self->hover_px < f->area.x || self->hover_px > f->area.x + f->area.width ||
      self->hover_py < f->area.y || self->hover_py > f->area.y + f->area.height)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dashes, 2, 0);
  set_color (cr, &self->palette.dim, 0.8);
  cairo_move_to (cr, round (self->hover_px) + 0.5, f->area.y);
  cairo_line_to (cr, round (self->hover_px) + 0.5, f->area.y + f->area.height);
  cairo_move_to (cr, f->area.x, round (self->hover_py) + 0.5);
  cairo_line_to (cr, f->area.x + f->area.width, round (self->hover_py) + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  step = debrief_plot_renderer_x_to_step (self, self->hover_px);
  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      for (guint c = CACHE_SMOOTHED; c < N_CACHES; c++)
        {
          DebriefPlotPyramid *p = pyramid_of (entry, c);
          DebriefPlotRGBA color = run_color (self, i, c == CACHE_VALIDATION);
          gsize idx;
          double v, x;

          if (!layer_shown (self, entry, c) || !nearest_index (p, step, &idx))
            continue;
          v = debrief_plot_pyramid_get_values (p)[idx];
          x = frame_x (f, debrief_plot_pyramid_get_steps (p)[idx]);
          if (!isfinite (v) || fabs (x - self->hover_px) > 24)
            continue;
          cairo_new_path (cr);
          cairo_arc (cr, x, frame_y (f, v), 4.0, 0, 2 * G_PI);
          set_color (cr, &color, 1.0);
          cairo_fill_preserve (cr);
          set_color (cr, &self->palette.background, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
}

/* ---- the frame ---- */

static const char *
x_axis_title (DebriefPlotXUnit unit)
{
  switch (unit)
    {
    case DEBRIEF_PLOT_X_EPOCHS:
      return _("Epoch");
    case DEBRIEF_PLOT_X_TOKENS:
      return _("Tokens");
    case DEBRIEF_PLOT_X_STEPS:
    default:
      return _("Step");
    }
}

void
debrief_plot_renderer_draw (DebriefPlotRenderer *self,
                            cairo_t             *cr,
                            int                  width,
                            int                  height)
{
  Frame *f = &self->frame;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoLayout) small = NULL;
  g_autoptr(GArray) y_ticks = NULL;
  g_autoptr(GArray) x_ticks = NULL;
  DebriefPlotXUnit unit = debrief_plot_renderer_get_x_unit (self);
  DebriefPlotData *unit_data = self->runs->len > 0 ? g_array_index (self->runs, RunEntry, 0).data : NULL;
  double line_h, legend_h, label_w = 0, top, bottom, left;
  double ux0, ux1, last_right = -INFINITY;
  const char *y_title = self->log_y ? _("Loss (log scale)") : _("Loss");

  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));

  cairo_save (cr);
  layout = make_layout (self, cr, 1.0);
  small = make_layout (self, cr, 0.9);
  text_size (layout, "0", NULL, &line_h);

  set_color (cr, &self->palette.background, 1.0);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  f->valid = TRUE;
  f->width = width;
  f->height = height;
  f->log_y = self->log_y;
  debrief_plot_renderer_get_view (self, &f->x0, &f->x1, &f->y0, &f->y1);

  /* Vertical layout: legend, plot, x labels, x title. */
  build_legend (self, layout, PAD, PAD, width - 2 * PAD - 60, &legend_h);
  top = PAD + legend_h + (legend_h > 0 ? 10 : 0);
  bottom = PAD + line_h + 4 + line_h + TICK_GAP;
  f->area.y = ceil (top);
  f->area.height = MAX (10.0, floor (height - f->area.y - bottom));

  y_ticks = self->log_y ? debrief_plot_ticks_log (f->y0, f->y1, (guint) (f->area.height / Y_TICK_SPACING) + 1)
                        : debrief_plot_ticks_linear (f->y0, f->y1, (guint) (f->area.height / Y_TICK_SPACING) + 1,
                                                     DEBRIEF_PLOT_TICKS_REAL);
  for (guint i = 0; i < y_ticks->len; i++)
    {
      double w;
      text_size (layout, g_array_index (y_ticks, DebriefPlotTick, i).label, &w, NULL);
      label_w = MAX (label_w, w);
    }
  /* Whole pixels, so that column bars fall on the pixel grid. */
  left = ceil (PAD + line_h + 8 + label_w + TICK_GAP);
  f->area.x = left;
  f->area.width = MAX (10.0, floor (width - left - PAD - 8));

  /* The legend lines up with the plot. */
  build_legend (self, layout, left, PAD, width - left - PAD, &legend_h);

  if (unit_data != NULL)
    {
      ux0 = debrief_plot_data_step_to_unit (unit_data, unit, f->x0);
      ux1 = debrief_plot_data_step_to_unit (unit_data, unit, f->x1);
    }
  else
    {
      ux0 = f->x0;
      ux1 = f->x1;
    }
  x_ticks = debrief_plot_ticks_linear (ux0, ux1, (guint) (f->area.width / X_TICK_SPACING) + 1,
                                       unit == DEBRIEF_PLOT_X_EPOCHS ? DEBRIEF_PLOT_TICKS_REAL
                                                                     : DEBRIEF_PLOT_TICKS_INTEGER);

  /* Grid. */
  cairo_set_line_width (cr, 1.0);
  set_color (cr, &self->palette.grid, 1.0);
  for (guint i = 0; i < y_ticks->len; i++)
    {
      double y = round (frame_y (f, g_array_index (y_ticks, DebriefPlotTick, i).value)) + 0.5;
      cairo_move_to (cr, f->area.x, y);
      cairo_line_to (cr, f->area.x + f->area.width, y);
    }
  for (guint i = 0; i < x_ticks->len; i++)
    {
      DebriefPlotTick *t = &g_array_index (x_ticks, DebriefPlotTick, i);
      double step = unit_data ? debrief_plot_data_unit_to_step (unit_data, unit, t->value) : t->value;
      double x = round (frame_x (f, step)) + 0.5;
      cairo_move_to (cr, x, f->area.y);
      cairo_line_to (cr, x, f->area.y + f->area.height);
    }
  cairo_stroke (cr);

  /* Axis line and labels. */
  set_color (cr, &self->palette.dim, 0.6);
  cairo_move_to (cr, f->area.x, round (f->area.y + f->area.height) + 0.5);
  cairo_line_to (cr, f->area.x + f->area.width, round (f->area.y + f->area.height) + 0.5);
  cairo_stroke (cr);
  for (guint i = 0; i < y_ticks->len; i++)
    {
      DebriefPlotTick *t = &g_array_index (y_ticks, DebriefPlotTick, i);
      draw_text (cr, layout, t->label, f->area.x - TICK_GAP, frame_y (f, t->value), 1.0, 0.5, &self->palette.dim);
    }
  for (guint i = 0; i < x_ticks->len; i++)
    {
      DebriefPlotTick *t = &g_array_index (x_ticks, DebriefPlotTick, i);
      double step = unit_data ? debrief_plot_data_unit_to_step (unit_data, unit, t->value) : t->value;
      double x = frame_x (f, step), w;

      text_size (layout, t->label, &w, NULL);
      if (x - w / 2 < last_right + 8 || x + w / 2 > width)
        continue;
      draw_text (cr, layout, t->label, x, f->area.y + f->area.height + TICK_GAP, 0.5, 0.0, &self->palette.dim);
      last_right = x + w / 2;
    }
  draw_text (cr, layout, x_axis_title (unit), f->area.x + f->area.width / 2,
             height - PAD, 0.5, 1.0, &self->palette.foreground);
  {
    double w;
    text_size (layout, y_title, &w, NULL);
    cairo_save (cr);
    cairo_translate (cr, PAD, f->area.y + f->area.height / 2 + w / 2);
    cairo_rotate (cr, -G_PI / 2);
    draw_text (cr, layout, y_title, 0, 0, 0, 0, &self->palette.foreground);
    cairo_restore (cr);
  }

  /* Data, clipped to the plot. */
  cairo_save (cr);
  cairo_rectangle (cr, f->area.x, f->area.y - 1, f->area.width, f->area.height + 2);
  cairo_clip (cr);
  {
    double label_y = f->area.y + 4;
    draw_annotations (self, cr, small, TRUE, &label_y);
    draw_runs (self, cr);
    draw_annotations (self, cr, small, FALSE, &label_y);
  }
  draw_hover (self, cr);
  cairo_restore (cr);

  draw_legend (self, cr, layout);
  cairo_restore (cr);
}

/* ---- describing ---- */

static void
append_value (GString    *s,
              const char *name,
              double      v)
{
  if (isnan (v))
    g_string_append_printf (s, "%s NaN", name);
  else if (isinf (v))
    g_string_append_printf (s, "%s %s", name, v > 0 ? "+∞" : "−∞");
  else
    g_string_append_printf (s, "%s %.4g", name, v);
}

char *
debrief_plot_renderer_describe_step (DebriefPlotRenderer *self,
                                     double               step,
                                     gboolean             markup)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean any = FALSE;
  gboolean several = self->runs->len > 1;

  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      DebriefPlotPyramid *train = debrief_plot_data_get_train (entry->data);
      DebriefPlotPyramid *val = debrief_plot_data_get_validation (entry->data);
      gsize idx;
      gboolean header = FALSE;

      if (!entry->visible)
        continue;
      if (nearest_index (train, step, &idx) &&
          (self->layers & (DEBRIEF_PLOT_LAYER_RAW | DEBRIEF_PLOT_LAYER_SMOOTHED)))
        {
          gint64 at = debrief_plot_pyramid_get_steps (train)[idx];

          if (s->len == 0)
            g_string_append_printf (s, markup ? "<b>%s %" G_GINT64_FORMAT "</b>" : "%s %" G_GINT64_FORMAT,
                                    _("Step"), at);
          if (several)
            {
              g_autofree char *name = markup ? g_markup_escape_text (debrief_plot_data_get_name (entry->data), -1)
                                             : g_strdup (debrief_plot_data_get_name (entry->data));
              g_string_append_printf (s, "\n%s: ", name);
            }
          else
            g_string_append_c (s, '\n');
          header = TRUE;
          if (self->layers & DEBRIEF_PLOT_LAYER_RAW)
            append_value (s, _("raw"), debrief_plot_pyramid_get_values (train)[idx]);
          if (self->layers & DEBRIEF_PLOT_LAYER_SMOOTHED)
            {
              if (self->layers & DEBRIEF_PLOT_LAYER_RAW)
                g_string_append (s, "  ");
              append_value (s, _("smoothed"), debrief_plot_pyramid_get_values (debrief_plot_data_get_smoothed (entry->data))[idx]);
            }
          any = TRUE;
        }
      if ((self->layers & DEBRIEF_PLOT_LAYER_VALIDATION) && nearest_index (val, step, &idx))
        {
          gint64 at = debrief_plot_pyramid_get_steps (val)[idx];

          if (s->len == 0)
            g_string_append_printf (s, markup ? "<b>%s %" G_GINT64_FORMAT "</b>" : "%s %" G_GINT64_FORMAT,
                                    _("Step"), (gint64) round (step));
          if (!header)
            {
              if (several)
                {
                  g_autofree char *name = markup ? g_markup_escape_text (debrief_plot_data_get_name (entry->data), -1)
                                                 : g_strdup (debrief_plot_data_get_name (entry->data));
                  g_string_append_printf (s, "\n%s: ", name);
                }
              else
                g_string_append_c (s, '\n');
            }
          else
            g_string_append (s, "  ");
          append_value (s, _("validation"), debrief_plot_pyramid_get_values (val)[idx]);
          g_string_append_printf (s, " (%s %" G_GINT64_FORMAT ")", _("step"), at);
          any = TRUE;
        }
    }
  if (!any)
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
debrief_plot_renderer_describe (DebriefPlotRenderer *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint counts[4] = { 0, };

  if (self->runs->len == 0)
    return g_strdup (_("Loss plot: no run open."));
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "Loss plot of %u run.", "Loss plot of %u runs.",
                                          self->runs->len), self->runs->len);
  for (guint i = 0; i < self->runs->len; i++)
    {
      DebriefPlotData *d = g_array_index (self->runs, RunEntry, i).data;
      DebriefPlotPyramid *train = debrief_plot_data_get_train (d);
      DebriefPlotPyramid *val = debrief_plot_data_get_validation (d);

      g_string_append_printf (s, " %s:", debrief_plot_data_get_name (d));
      if (train != NULL)
        {
          DebriefSeries *series = debrief_plot_pyramid_get_series (train);
          gsize n = debrief_series_get_length (series);

          /* Translators: one sentence per run of the plot's accessible description,
           * after "RUN NAME: "; the sentences are joined with a space */
          g_string_append_c (s, ' ');
          g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                                  "train loss over %zu step, from %.3g at step %" PRId64
                                                  " to %.3g at step %" PRId64 ", lowest %.3g at step %" PRId64 ".",
                                                  "train loss over %zu steps, from %.3g at step %" PRId64
                                                  " to %.3g at step %" PRId64 ", lowest %.3g at step %" PRId64 ".",
                                                  n),
                                  n, debrief_series_get_value (series, 0), debrief_series_get_first_step (series),
                                  debrief_series_get_last_value (series), debrief_series_get_last_step (series),
                                  debrief_series_get_min (series),
                                  debrief_series_get_step (series, debrief_series_get_min_index (series)));
          if (debrief_series_get_n_nonfinite (series) > 0)
            {
              g_string_append_c (s, ' ');
              g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%zu value is not finite (diverged).",
                                                      "%zu values are not finite (diverged).",
                                                      debrief_series_get_n_nonfinite (series)),
                                      debrief_series_get_n_nonfinite (series));
            }
        }
      else
        {
          g_string_append_c (s, ' ');
          g_string_append (s, _("no train loss."));
        }
      if (val != NULL)
        {
          DebriefSeries *series = debrief_plot_pyramid_get_series (val);
          g_string_append_c (s, ' ');
          g_string_append_printf (s, _("Validation loss lowest %.3g at step %" PRId64 ", last %.3g."),
                                  debrief_series_get_min (series),
                                  debrief_series_get_step (series, debrief_series_get_min_index (series)),
                                  debrief_series_get_last_value (series));
        }
    }
  for (guint i = 0; i < self->annotations->len; i++)
    counts[g_array_index (self->annotations, Annotation, i).kind]++;
  if (counts[DEBRIEF_PLOT_ANNOTATION_SPIKE])
    {
      g_string_append_c (s, ' ');
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u spike marked.", "%u spikes marked.",
                                              counts[DEBRIEF_PLOT_ANNOTATION_SPIKE]),
                              counts[DEBRIEF_PLOT_ANNOTATION_SPIKE]);
    }
  for (guint i = 0; i < self->annotations->len; i++)
    {
      const Annotation *a = &g_array_index (self->annotations, Annotation, i);
      if (a->kind != DEBRIEF_PLOT_ANNOTATION_BEST_STEP && a->kind != DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION
          && a->kind != DEBRIEF_PLOT_ANNOTATION_DIVERGENCE)
        continue;
      g_string_append_c (s, ' ');
      if (a->kind == DEBRIEF_PLOT_ANNOTATION_BEST_STEP)
        g_string_append_printf (s, _("Best step %" PRId64 "."), a->step);
      else if (a->kind == DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION)
        g_string_append_printf (s, _("Overfitting from step %" PRId64 " to %" PRId64 "."),
                                a->step, a->step_end);
      else
        g_string_append_printf (s, _("Diverged at step %" PRId64 "."), a->step);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- export ---- */

gboolean
debrief_plot_renderer_export (DebriefPlotRenderer  *self,
                              const char           *path,
                              int                   width,
                              int                   height,
                              GError              **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  Frame saved = self->frame;
  gboolean saved_hover = self->hover;

  g_return_val_if_fail (DEBRIEF_IS_PLOT_RENDERER (self), FALSE);

  if (width < 16 || height < 16 || width > 32768 || height > 32768)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("%s: size %d×%d is out of range (16 to 32768 pixels a side)"), path, width, height);
      return FALSE;
    }
  if (g_str_has_suffix (lower, ".png"))
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, width, height);
  else
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("%s: unknown image type (use .png, .svg or .pdf)"), path);
      return FALSE;
    }

  /* The export draws its own frame: keep the widget's geometry for hit tests. */
  self->frame.legend = g_array_new (FALSE, TRUE, sizeof (LegendEntry));
  self->hover = FALSE;
  cr = cairo_create (surface);
  debrief_plot_renderer_draw (self, cr, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && g_str_has_suffix (lower, ".png"))
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  g_array_unref (self->frame.legend);
  self->frame = saved;
  self->hover = saved_hover;

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                   _("%s: could not write the plot: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
