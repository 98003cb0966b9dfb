/* debrief-plot-renderer.h: the loss chart, drawn with cairo (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds what to draw (runs as DebriefPlotData, annotations, options, the view)
 * and draws it into any cairo context: the widget's snapshot, an image for the
 * benchmark, or PNG/SVG/PDF files for debrief-cli plot and the report.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <cairo.h>
#include <glib-object.h>

#include "debrief-types.h"
#include "debrief-plot-data.h"

G_BEGIN_DECLS

struct _DebriefPlotRGBA
{
  double red, green, blue, alpha;
};

#define DEBRIEF_PLOT_N_COLORS 6

struct _DebriefPlotPalette
{
  DebriefPlotRGBA background;
  DebriefPlotRGBA foreground;   /* labels, legend */
  DebriefPlotRGBA dim;          /* axis, tick labels, crosshair */
  DebriefPlotRGBA grid;
  DebriefPlotRGBA accent;       /* best step */
  DebriefPlotRGBA danger;       /* spikes, divergence, non-finite values */
  DebriefPlotRGBA warning;      /* overfitting region */
  DebriefPlotRGBA series[DEBRIEF_PLOT_N_COLORS];
};

/* GNOME palette colours that read well on a light (or dark) background. */
void debrief_plot_palette_init (DebriefPlotPalette *palette,
                                gboolean            dark);

typedef enum
{
  DEBRIEF_PLOT_ANNOTATION_SPIKE,
  DEBRIEF_PLOT_ANNOTATION_BEST_STEP,
  DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION,
  DEBRIEF_PLOT_ANNOTATION_DIVERGENCE,
} DebriefPlotAnnotationKind;

/* The renderer's input for findings; it does not know the analysis types. */
struct _DebriefPlotAnnotation
{
  DebriefPlotAnnotationKind kind;
  guint        run;        /* index of the run it belongs to */
  gint64       step;
  gint64       step_end;   /* end of an overfitting region; == step otherwise */
  const char  *label;      /* may be NULL; copied by the renderer */
};

typedef enum
{
  DEBRIEF_PLOT_LAYER_RAW        = 1 << 0,
  DEBRIEF_PLOT_LAYER_SMOOTHED   = 1 << 1,
  DEBRIEF_PLOT_LAYER_VALIDATION = 1 << 2,
  DEBRIEF_PLOT_LAYER_ALL        = 0x7,
} DebriefPlotLayers;

struct _DebriefPlotRect
{
  double x, y, width, height;
};

/* How a group of runs (seeds of one setting) is drawn: its mean and a band. */
typedef enum
{
  DEBRIEF_PLOT_BAND_RANGE,      /* from the lowest to the highest member */
  DEBRIEF_PLOT_BAND_STD,        /* mean ± one standard deviation */
} DebriefPlotBand;

/* Runs drawn as one: @members index the runs given to set_data. */
struct _DebriefPlotGroup
{
  const char *label;
  const guint *members;
  guint n_members;
  gboolean has_color;           /* else the palette's colour by the group's index */
  DebriefPlotRGBA color;
};

typedef enum
{
  DEBRIEF_PLOT_SCALE_NONE,
  DEBRIEF_PLOT_SCALE_SEQUENTIAL, /* numbers: a gradient from min to max (log10 when log) */
  DEBRIEF_PLOT_SCALE_CATEGORICAL,/* values: one hue each */
} DebriefPlotScaleKind;

/* What the colours of the runs mean, for the legend (and the colours themselves). */
struct _DebriefPlotColorScale
{
  DebriefPlotScaleKind kind;
  const char *title;            /* "Learning rate" */
  gboolean log;
  double min, max;              /* sequential */
  const char *const *categories; /* categorical: the values, in the order of their hues */
};

/* The colour of @value on a sequential @scale (a perceptually even gradient,
 * ends kept readable on a light or a @dark background). */
DebriefPlotRGBA debrief_plot_color_scale_sequential (const DebriefPlotColorScale *scale,
                                                     double                       value,
                                                     gboolean                     dark);
/* The hue of category @index (10 distinct ones, then again). */
DebriefPlotRGBA debrief_plot_color_scale_category   (guint                        index,
                                                     gboolean                     dark);

#define DEBRIEF_TYPE_PLOT_RENDERER (debrief_plot_renderer_get_type ())
G_DECLARE_FINAL_TYPE (DebriefPlotRenderer, debrief_plot_renderer, DEBRIEF, PLOT_RENDERER, GObject)

DebriefPlotRenderer *debrief_plot_renderer_new              (void);
/* A renderer with the same data (shared, immutable), options, annotations and
 * view, to draw in another thread (an export) while this one keeps drawing. */
DebriefPlotRenderer *debrief_plot_renderer_copy             (DebriefPlotRenderer *self);

/* @data: DebriefPlotData, in run order (colours follow it). Keeps the view
 * when the runs stay the same (resmoothed), else resets it. */
void      debrief_plot_renderer_set_data          (DebriefPlotRenderer       *self,
                                                   GPtrArray                 *data);
guint     debrief_plot_renderer_get_n_runs        (DebriefPlotRenderer       *self);
DebriefPlotData *debrief_plot_renderer_get_run    (DebriefPlotRenderer       *self,
                                                   guint                      i);

void      debrief_plot_renderer_set_palette       (DebriefPlotRenderer       *self,
                                                   const DebriefPlotPalette  *palette);
void      debrief_plot_renderer_set_font          (DebriefPlotRenderer       *self,
                                                   const char                *family,
                                                   double                     size_pt);
void      debrief_plot_renderer_set_log_y         (DebriefPlotRenderer       *self,
                                                   gboolean                   log_y);
gboolean  debrief_plot_renderer_get_log_y         (DebriefPlotRenderer       *self);
void      debrief_plot_renderer_set_x_unit        (DebriefPlotRenderer       *self,
                                                   DebriefPlotXUnit           unit);
/* The unit in use: the one asked for if the first run has it, else steps. */
DebriefPlotXUnit debrief_plot_renderer_get_x_unit (DebriefPlotRenderer       *self);
void      debrief_plot_renderer_set_layers       (DebriefPlotRenderer       *self,
                                                   DebriefPlotLayers          layers);
DebriefPlotLayers debrief_plot_renderer_get_layers (DebriefPlotRenderer      *self);
void      debrief_plot_renderer_set_run_visible   (DebriefPlotRenderer       *self,
                                                   guint                      run,
                                                   gboolean                   visible);
gboolean  debrief_plot_renderer_get_run_visible   (DebriefPlotRenderer       *self,
                                                   guint                      run);
void      debrief_plot_renderer_set_annotations   (DebriefPlotRenderer       *self,
                                                   const DebriefPlotAnnotation *annotations,
                                                   guint                      n_annotations);
guint     debrief_plot_renderer_get_n_annotations (DebriefPlotRenderer       *self);

/* A colour for run @run instead of the palette's (NULL: the palette's again). */
void      debrief_plot_renderer_set_run_color     (DebriefPlotRenderer       *self,
                                                   guint                      run,
                                                   const DebriefPlotRGBA     *color);
/* What the run colours mean; the legend shows it (NULL: nothing). Copied. */
void      debrief_plot_renderer_set_color_scale   (DebriefPlotRenderer       *self,
                                                   const DebriefPlotColorScale *scale);
/* Runs drawn as groups: each group's mean curve with a band, instead of its
 * members' curves. Copied; set_data with other runs drops them. */
void      debrief_plot_renderer_set_groups        (DebriefPlotRenderer       *self,
                                                   const DebriefPlotGroup    *groups,
                                                   guint                      n_groups);
guint     debrief_plot_renderer_get_n_groups      (DebriefPlotRenderer       *self);
void      debrief_plot_renderer_set_band          (DebriefPlotRenderer       *self,
                                                   DebriefPlotBand            band);
DebriefPlotBand debrief_plot_renderer_get_band    (DebriefPlotRenderer       *self);
/* Whether the automatic y range also takes in runs that went off by orders of
 * magnitude (diverged). Off by default: they are left out and the plot says so. */
void      debrief_plot_renderer_set_include_outliers (DebriefPlotRenderer    *self,
                                                   gboolean                   include);
gboolean  debrief_plot_renderer_get_include_outliers (DebriefPlotRenderer    *self);
/* How many shown runs the automatic y range of the last frame left out. */
guint     debrief_plot_renderer_get_n_outside     (DebriefPlotRenderer       *self);

/* The view, in steps (x) and loss (y). Auto axes follow the data: x its
 * whole extent, y the extremes of what is visible inside the x range. */
void      debrief_plot_renderer_reset_view        (DebriefPlotRenderer       *self);
void      debrief_plot_renderer_set_view_x        (DebriefPlotRenderer       *self,
                                                   double                     x0,
                                                   double                     x1);
void      debrief_plot_renderer_set_view          (DebriefPlotRenderer       *self,
                                                   double                     x0,
                                                   double                     x1,
                                                   double                     y0,
                                                   double                     y1);
void      debrief_plot_renderer_get_view          (DebriefPlotRenderer       *self,
                                                   double                    *x0,
                                                   double                    *x1,
                                                   double                    *y0,
                                                   double                    *y1);
gboolean  debrief_plot_renderer_get_data_bounds   (DebriefPlotRenderer       *self,
                                                   double                    *x0,
                                                   double                    *x1);
gboolean  debrief_plot_renderer_is_zoomed         (DebriefPlotRenderer       *self);
/* Whether y follows the data (not set by a rectangle or a y zoom). */
gboolean  debrief_plot_renderer_get_auto_y        (DebriefPlotRenderer       *self);
/* Zoom by @factor (< 1 zooms in) about the point (@px, @py) of the last drawn
 * frame; y only when @zoom_y (else y stays as it is, auto or not). */
void      debrief_plot_renderer_zoom_at           (DebriefPlotRenderer       *self,
                                                   double                     factor,
                                                   double                     px,
                                                   double                     py,
                                                   gboolean                   zoom_y);
/* Move the view by pixels of the last drawn frame. */
void      debrief_plot_renderer_pan               (DebriefPlotRenderer       *self,
                                                   double                     dx,
                                                   double                     dy);
/* Zoom to the rectangle between two points of the last drawn frame. */
void      debrief_plot_renderer_zoom_to_rect      (DebriefPlotRenderer       *self,
                                                   double                     px0,
                                                   double                     py0,
                                                   double                     px1,
                                                   double                     py1);
/* Centre @step (to @step_end) with some context around it, y automatic. */
void      debrief_plot_renderer_show_step         (DebriefPlotRenderer       *self,
                                                   gint64                     step,
                                                   gint64                     step_end);

/* Geometry of the last drawn frame. */
gboolean  debrief_plot_renderer_get_plot_area     (DebriefPlotRenderer       *self,
                                                   DebriefPlotRect           *area);
double    debrief_plot_renderer_x_to_step         (DebriefPlotRenderer       *self,
                                                   double                     px);
double    debrief_plot_renderer_step_to_x         (DebriefPlotRenderer       *self,
                                                   double                     step);
double    debrief_plot_renderer_value_to_y        (DebriefPlotRenderer       *self,
                                                   double                     value);
double    debrief_plot_renderer_y_to_value        (DebriefPlotRenderer       *self,
                                                   double                     py);
/* Index of the legend entry under (x, y), or -1. */
int       debrief_plot_renderer_legend_hit        (DebriefPlotRenderer       *self,
                                                   double                     x,
                                                   double                     y);
void      debrief_plot_renderer_toggle_legend     (DebriefPlotRenderer       *self,
                                                   int                        entry);

/* Crosshair at a pixel of the last frame; FALSE hides it. */
void      debrief_plot_renderer_set_hover         (DebriefPlotRenderer       *self,
                                                   gboolean                   hover,
                                                   double                     px,
                                                   double                     py);
/* Step, raw, smoothed and validation values of every visible run near @step;
 * Pango markup when @markup. NULL when there is nothing there. */
char     *debrief_plot_renderer_describe_step     (DebriefPlotRenderer       *self,
                                                   double                     step,
                                                   gboolean                   markup);
/* What is under the pixel (@px, @py) of the last frame: with few runs what
 * describe_step says; with many, the best-step marks under the pointer and the
 * few curves (or group means) nearest it, so fifty runs need no fifty labels. */
char     *debrief_plot_renderer_describe_point    (DebriefPlotRenderer       *self,
                                                   double                     px,
                                                   double                     py,
                                                   gboolean                   markup);
/* A sentence or two summarising the curves (accessible description). */
char     *debrief_plot_renderer_describe          (DebriefPlotRenderer       *self);

void      debrief_plot_renderer_draw              (DebriefPlotRenderer       *self,
                                                   cairo_t                   *cr,
                                                   int                        width,
                                                   int                        height);
/* PNG, SVG or PDF by the extension of @path. */
gboolean  debrief_plot_renderer_export            (DebriefPlotRenderer       *self,
                                                   const char                *path,
                                                   int                        width,
                                                   int                        height,
                                                   GError                   **error);

/* A chart drawn into a file: what besides the runs it depends on. */
struct _DebriefPlotImageOptions
{
  int width, height;                      /* pixels (points for SVG and PDF) */
  DebriefPlotSmoothMethod smooth_method;
  double smoothing;                       /* 0 to DEBRIEF_PLOT_SMOOTH_MAX */
  gboolean log_y;
  DebriefPlotXUnit x_unit;                /* steps where the first run lacks it */
  gboolean dark;
  /* Series names to draw of every run (each its own line, named "run · series"),
   * NULL-terminated; NULL: the losses (an RL run: its reward). */
  const char *const *series;
  /* A sweep's look (debrief-sweep.h): colour the runs by a column's values
   * (NULL: by run), draw groups as a mean with a band ("seeds": the runs that
   * differ only by seed; "KEY" or "KEY,KEY": by those columns; NULL: no
   * groups), the band, and whether diverged runs stretch the y range. */
  const char *color_by;
  const char *group_by;
  DebriefPlotBand band;
  gboolean include_outliers;
};

/* 1600×900, EMA 0.6 (the app's default smoothing), linear, steps, light. */
void      debrief_plot_image_options_init         (DebriefPlotImageOptions   *options);

/* The loss chart of @runs (DebriefRun, colours in this order) with the marks of
 * their analyses, into @path (PNG, SVG or PDF by its extension): what
 * `debrief-cli plot` writes and what the report exports as loss.png, so the two
 * cannot differ. @analyses holds a DebriefAnalysis or NULL per run (NULL for
 * none at all: then the marks the data shows by itself). Runs in a worker
 * thread as long as nobody changes the runs' series meanwhile. */
gboolean  debrief_plot_write_runs                 (GPtrArray                     *runs,
                                                   GPtrArray                     *analyses,
                                                   const DebriefPlotImageOptions *options,
                                                   const char                    *path,
                                                   GError                       **error);

G_END_DECLS
