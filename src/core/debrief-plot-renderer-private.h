/* debrief-plot-renderer-private.h: what the files of the plot renderer share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One object, DebriefPlotRenderer, drawn by several files around this header,
 * as Sysprof splits its chart into chart, layer and axis files:
 *
 *   debrief-plot-renderer.c              the object, its data and options, text,
 *                                        the frame (layout, grid, axes) and its geometry
 *   debrief-plot-renderer-view.c         the view: automatic ranges, zoom, pan
 *   debrief-plot-renderer-series.c       the curves, from their min/max pyramids; colours
 *   debrief-plot-renderer-groups.c       groups of runs as a mean and a band; colour scales
 *   debrief-plot-renderer-annotations.c  findings on the plot (best step, spikes, ...)
 *   debrief-plot-renderer-legend.c       the legend, its layout and hit tests
 *   debrief-plot-renderer-hover.c        the crosshair and the text under the pointer
 *   debrief-plot-renderer-describe.c     the accessible description
 *   debrief-plot-renderer-export.c       files: PNG, SVG, PDF; runs drawn to an image
 */
#pragma once

#include <math.h>

#include <pango/pangocairo.h>

#include "debrief-plot-renderer.h"

G_BEGIN_DECLS

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
/* More runs than this and the legend folds into a summary (and the colour scale). */
#define LEGEND_MAX_RUNS      8
/* More shown runs than this and best steps are marks, their labels on hover. */
#define LABEL_MAX_RUNS       4
/* A run whose range reaches this many times the typical span beyond the typical
 * runs is left out of the automatic y range (a diverged run, orders of magnitude off). */
#define OUTLIER_SPANS       10.0
/* Fraction of the y range left free above and below the data. */
#define Y_MARGIN            0.05
/* Zooming in stops at this many steps across the plot: a few points, big. */
#define MIN_X_SPAN           4.0
/* With an axis on log scale and no positive data, this many decades are shown. */
#define LOG_FALLBACK_DECADES 3.0

/* A run draws up to three layers, each with its own cache of columns. */
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
  gboolean has_color;
  DebriefPlotRGBA color;
  int group;                    /* index into groups, or -1 */
  gboolean outside;             /* left out of the last automatic y range */
} RunEntry;

typedef struct
{
  char *label;
  gboolean has_color;
  DebriefPlotRGBA color;
  GArray *members;              /* guint */
} Group;

typedef enum { LEGEND_RUN, LEGEND_LAYER, LEGEND_GROUP, LEGEND_SCALE, LEGEND_SUMMARY } LegendKind;

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

  GArray *groups;               /* Group */
  DebriefPlotBand band;
  DebriefPlotScaleKind scale_kind;
  char *scale_title;
  gboolean scale_log;
  double scale_min, scale_max;
  char **scale_categories;
  gboolean include_outliers;
  guint n_outside;

  Frame frame;
};

/* Pixel position of a step and a value in a frame. Inline: the curves call them
 * once per pixel column, from another file than the one keeping the frame. */
static inline double
frame_x (const Frame *f,
         double       step)
{
  double x = f->area.x + (step - f->x0) * f->area.width / (f->x1 - f->x0);
  return CLAMP (x, f->area.x - FAR_OUTSIDE, f->area.x + f->area.width + FAR_OUTSIDE);
}

static inline double
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

static inline void
set_color (cairo_t               *cr,
           const DebriefPlotRGBA *c,
           double                 alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* debrief-plot-renderer.c */
gboolean            _debrief_plot_renderer_layer_shown      (DebriefPlotRenderer   *self,
                                                             RunEntry              *entry,
                                                             guint                  cache);
DebriefPlotPyramid *_debrief_plot_run_entry_pyramid         (RunEntry              *entry,
                                                             guint                  cache);
PangoLayout        *_debrief_plot_renderer_make_layout      (DebriefPlotRenderer   *self,
                                                             cairo_t               *cr,
                                                             double                 scale);
void                _debrief_plot_text_size                 (PangoLayout           *layout,
                                                             const char            *text,
                                                             double                *width,
                                                             double                *height);
void                _debrief_plot_draw_text                 (cairo_t               *cr,
                                                             PangoLayout           *layout,
                                                             const char            *text,
                                                             double                 x,
                                                             double                 y,
                                                             double                 ax,
                                                             double                 ay,
                                                             const DebriefPlotRGBA *color);

/* debrief-plot-renderer-series.c */
DebriefPlotRGBA     _debrief_plot_renderer_run_color        (DebriefPlotRenderer   *self,
                                                             guint                  run,
                                                             gboolean               validation);
void                _debrief_plot_renderer_draw_series      (DebriefPlotRenderer   *self,
                                                             cairo_t               *cr);
void                _debrief_plot_add_nonfinite_mark        (cairo_t               *cr,
                                                             const Frame           *f,
                                                             double                 x,
                                                             guint                  flags);

/* debrief-plot-renderer-groups.c */
DebriefPlotRGBA     _debrief_plot_renderer_group_color      (DebriefPlotRenderer   *self,
                                                             guint                  group);
void                _debrief_plot_renderer_draw_groups      (DebriefPlotRenderer   *self,
                                                             cairo_t               *cr);
/* Whether the legend stands for the runs as a whole (a colour scale, a count). */
gboolean            _debrief_plot_renderer_folded           (DebriefPlotRenderer   *self);
/* Runs shown (visible, in no group) and groups shown: what labels crowd. */
guint               _debrief_plot_renderer_n_shown          (DebriefPlotRenderer   *self);
void                _debrief_plot_group_clear               (gpointer               group);
/* The value of @p at @step, linear between its points; FALSE outside them. */
gboolean            _debrief_plot_pyramid_value_at          (DebriefPlotPyramid    *p,
                                                             double                 step,
                                                             double                *value);

/* debrief-plot-renderer-annotations.c */
void                _debrief_plot_renderer_draw_annotations (DebriefPlotRenderer   *self,
                                                             cairo_t               *cr,
                                                             PangoLayout           *small,
                                                             gboolean               regions,
                                                             double                *label_y_inout);

/* debrief-plot-renderer-legend.c */
void                _debrief_plot_renderer_layout_legend    (DebriefPlotRenderer   *self,
                                                             PangoLayout           *layout,
                                                             double                 x,
                                                             double                 y,
                                                             double                 max_width,
                                                             double                *height);
void                _debrief_plot_renderer_draw_legend      (DebriefPlotRenderer   *self,
                                                             cairo_t               *cr,
                                                             PangoLayout           *layout);

/* debrief-plot-renderer-hover.c */
void                _debrief_plot_renderer_draw_hover       (DebriefPlotRenderer   *self,
                                                             cairo_t               *cr);

G_END_DECLS
