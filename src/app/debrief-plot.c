/* debrief-plot.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-plot.h"
#include "debrief-wrap-layout.h"

/* One scroll notch zooms by this much: ten notches are about 6×. */
#define SCROLL_ZOOM       1.2
/* Keys pan by this fraction of the plot's width. */
#define KEY_PAN_FRACTION  0.1
/* A drag shorter than this (px) is a click, not a zoom rectangle. */
#define MIN_RECT_PX       4.0
/* Pixels a discrete scroll step pans by (Shift+wheel, horizontal wheels). */
#define SCROLL_PAN_PX    40.0

struct _DebriefPlot
{
  GtkWidget parent_instance;

  GtkWidget *toolbar;
  GtkAdjustment *smoothing_adjustment;
  GtkToggleButton *median_button;
  GtkToggleButton *log_button;
  GtkDropDown *x_unit_dropdown;
  GtkDropDown *series_dropdown;
  GtkStringList *series_names;   /* item 0: the default view (losses, or an RL run's reward) */
  char *series;                  /* the series drawn instead of the default; NULL for the default */
  char *data_series;             /* what self->data was prepared for */
  gboolean updating_series;

  DebriefWorkspace *workspace;
  GListModel *runs;              /* the workspace's */
  GSettings *settings;
  DebriefPlotRenderer *renderer;
  GPtrArray *data_runs;          /* DebriefRun, in the renderer's order */
  GPtrArray *data;               /* DebriefPlotData, same order */
  GCancellable *cancellable;
  gboolean busy;
  gboolean pending;

  /* A sweep's look (debrief_plot_set_sweep_style): colours by a column, groups. */
  DebriefSweep *sweep;
  char *color_by;
  gboolean groups;

  double top;                    /* the chart starts under the toolbar */
  double pointer_x, pointer_y;   /* in chart coordinates */
  gboolean drag_rect;
  gboolean dragging;
  double drag_x, drag_y, drag_dx, drag_dy, drag_last_dx, drag_last_dy;
};

G_DEFINE_FINAL_TYPE (DebriefPlot, debrief_plot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_SETTINGS,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void request_prepare (DebriefPlot *self);
static void apply_sweep_style (DebriefPlot *self);

/* ---- state shown to assistive technologies and the actions ---- */

static void
update_view_state (DebriefPlot *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.reset-zoom",
                                 debrief_plot_renderer_is_zoomed (self->renderer));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_accessible (DebriefPlot *self)
{
  g_autofree char *summary = debrief_plot_renderer_describe (self->renderer);
  g_autofree char *description = g_strdup_printf ("%s %s", summary,
    _("Scroll to zoom, drag to pan, Shift+drag to zoom to a rectangle, double-click to reset; "
      "plus, minus, arrow keys and 0 do the same from the keyboard."));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loss plot"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
update_annotations (DebriefPlot *self)
{
  g_autoptr(GArray) annotations = g_array_new (FALSE, TRUE, sizeof (DebriefPlotAnnotation));

  for (guint i = 0; self->data != NULL && i < self->data->len; i++)
    debrief_plot_data_analysis_annotations (g_ptr_array_index (self->data, i), i,
                                            debrief_run_get_analysis (g_ptr_array_index (self->data_runs, i)),
                                            annotations);
  debrief_plot_renderer_set_annotations (self->renderer, (DebriefPlotAnnotation *) annotations->data,
                                         annotations->len);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_busy (DebriefPlot *self,
          gboolean     busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- preparing the data in a worker thread ---- */

typedef struct
{
  GPtrArray *runs;        /* DebriefRun */
  GPtrArray *old_runs;    /* DebriefRun, may be NULL */
  GPtrArray *old_data;    /* DebriefPlotData, parallel to old_runs */
  DebriefPlotSmoothMethod method;
  double weight;
  char *series;           /* NULL: each run's default view */
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_clear_pointer (&p->runs, g_ptr_array_unref);
  g_clear_pointer (&p->old_runs, g_ptr_array_unref);
  g_clear_pointer (&p->old_data, g_ptr_array_unref);
  g_free (p->series);
  g_free (p);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Prepare *p = task_data;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);

  for (guint i = 0; i < p->runs->len; i++)
    {
      DebriefRun *run = g_ptr_array_index (p->runs, i);
      DebriefPlotData *old = NULL;
      guint j;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (p->old_runs != NULL && g_ptr_array_find (p->old_runs, run, &j))
        old = g_ptr_array_index (p->old_data, j);
      if (old != NULL && debrief_plot_data_get_method (old) == p->method
          && debrief_plot_data_get_weight (old) == CLAMP (p->weight, 0.0, DEBRIEF_PLOT_SMOOTH_MAX))
        g_ptr_array_add (result, debrief_plot_data_ref (old));
      else if (old != NULL)
        g_ptr_array_add (result, debrief_plot_data_resmooth (old, p->method, p->weight));
      else
        g_ptr_array_add (result, debrief_plot_data_new_for_series (run, p->series, p->method, p->weight));
    }
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) g_ptr_array_unref);
}

static void
analysis_changed_cb (DebriefPlot *self)
{
  update_annotations (self);
}

static void
prepare_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DebriefPlot *self = DEBRIEF_PLOT (object);
  Prepare *p = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) data = g_task_propagate_pointer (G_TASK (result), NULL);

  if (data == NULL || self->renderer == NULL)
    return;   /* cancelled, or the widget was disposed meanwhile */

  for (guint i = 0; self->data_runs != NULL && i < self->data_runs->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->data_runs, i), analysis_changed_cb, self);
  g_clear_pointer (&self->data_runs, g_ptr_array_unref);
  g_clear_pointer (&self->data, g_ptr_array_unref);
  self->data_runs = g_ptr_array_ref (p->runs);
  self->data = g_steal_pointer (&data);
  g_free (self->data_series);
  self->data_series = g_strdup (p->series);
  for (guint i = 0; i < self->data_runs->len; i++)
    g_signal_connect_object (g_ptr_array_index (self->data_runs, i), "notify::analysis",
                             G_CALLBACK (analysis_changed_cb), self, G_CONNECT_SWAPPED);

  debrief_plot_renderer_set_data (self->renderer, self->data);
  apply_sweep_style (self);
  update_annotations (self);
  update_view_state (self);

  set_busy (self, FALSE);
  if (self->pending)
    {
      self->pending = FALSE;
      request_prepare (self);
    }
}

static void
request_prepare (DebriefPlot *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *method = NULL;
  Prepare *p;

  if (self->busy)
    {
      /* One job at a time; the newest settings win when it is done. */
      self->pending = TRUE;
      return;
    }

  p = g_new0 (Prepare, 1);
  p->runs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; self->runs != NULL && i < g_list_model_get_n_items (self->runs); i++)
    g_ptr_array_add (p->runs, g_list_model_get_item (self->runs, i));
  /* Data prepared for another series is not reused. */
  if (self->data_runs != NULL && g_strcmp0 (self->data_series, self->series) == 0)
    {
      p->old_runs = g_ptr_array_ref (self->data_runs);
      p->old_data = g_ptr_array_ref (self->data);
    }
  p->series = g_strdup (self->series);
  method = g_settings_get_string (self->settings, "smoothing-method");
  p->method = g_strcmp0 (method, "median") == 0 ? DEBRIEF_PLOT_SMOOTH_MEDIAN : DEBRIEF_PLOT_SMOOTH_EMA;
  p->weight = g_settings_get_double (self->settings, "smoothing");

  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, prepare_done_cb, NULL);
  g_task_set_source_tag (task, request_prepare);
  g_task_set_task_data (task, p, (GDestroyNotify) prepare_free);
  g_task_run_in_thread (task, prepare_thread);
}

/* ---- public API ---- */

GtkWidget *
debrief_plot_new (DebriefWorkspace *workspace,
                  GSettings        *settings)
{
  return g_object_new (DEBRIEF_TYPE_PLOT, "workspace", workspace, "settings", settings, NULL);
}

/* The series picker lists every series any open run logged (as TensorBoard
 * lists its tags), after the default view; a choice the runs still have stays. */
static void
update_series_picker (DebriefPlot *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint selected = 0;
  guint n_old;

  for (guint i = 0; self->runs != NULL && i < g_list_model_get_n_items (self->runs); i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (self->runs, i);
      GPtrArray *series = debrief_run_get_series (run);
      DebriefSeries *train = debrief_run_get_train_loss (run);
      const char *primary = debrief_run_get_primary_metric (run);

      /* A run first drawn by another series (an RL run's reward) still has its
       * loss one choice away. */
      if (train != NULL && debrief_series_get_length (train) > 0 && primary != NULL &&
          strcmp (primary, "train_loss") != 0 && debrief_run_get_series_by_name (run, primary) != NULL &&
          !g_ptr_array_find_with_equal_func (names, "train_loss", g_str_equal, NULL))
        g_ptr_array_insert (names, 0, (gpointer) "train_loss");

      for (guint j = 0; j < series->len; j++)
        {
          DebriefSeries *s = g_ptr_array_index (series, j);
          const char *name = debrief_series_get_name (s);
          DebriefSeriesKind kind = debrief_series_get_kind (s);

          if (kind == DEBRIEF_SERIES_TRAIN_LOSS || kind == DEBRIEF_SERIES_VAL_LOSS ||
              debrief_series_get_length (s) == 0 ||
              g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            continue;
          g_ptr_array_add (names, (gpointer) name);
        }
    }
  self->updating_series = TRUE;
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->series_names));
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->series_names, 1, n_old - 1, (const char *const *) names->pdata);
  for (guint i = 0; self->series != NULL && names->pdata[i] != NULL; i++)
    if (strcmp (names->pdata[i], self->series) == 0)
      selected = i + 1;
  if (selected == 0)
    g_clear_pointer (&self->series, g_free);
  gtk_drop_down_set_selected (self->series_dropdown, selected);
  self->updating_series = FALSE;
}

static void
series_changed_cb (DebriefPlot *self)
{
  guint selected = gtk_drop_down_get_selected (self->series_dropdown);

  if (self->updating_series)
    return;
  g_free (self->series);
  self->series = selected > 0 && selected != GTK_INVALID_LIST_POSITION
                 ? g_strdup (gtk_string_list_get_string (self->series_names, selected)) : NULL;
  request_prepare (self);
}

static void
runs_changed_cb (DebriefPlot *self)
{
  update_series_picker (self);
  request_prepare (self);
}

/* ---- a sweep's look ---- */

/* The renderer's runs coloured and grouped by the sweep (each run found in it
 * by its DebriefRun); without a sweep, the palette's colours and no groups. */
static void
apply_sweep_style (DebriefPlot *self)
{
  guint n = debrief_plot_renderer_get_n_runs (self->renderer);
  g_autofree guint *map = g_new (guint, MAX (n, 1));
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GError) error = NULL;

  debrief_plot_renderer_set_color_scale (self->renderer, NULL);
  debrief_plot_renderer_set_groups (self->renderer, NULL, 0);
  for (guint i = 0; i < n; i++)
    debrief_plot_renderer_set_run_color (self->renderer, i, NULL);
  if (self->sweep == NULL || self->data_runs == NULL || (self->color_by == NULL && !self->groups))
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  index = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < debrief_sweep_get_n_runs (self->sweep); i++)
    g_hash_table_insert (index, debrief_sweep_run_get_run (debrief_sweep_get_run (self->sweep, i)),
                         GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < n && i < self->data_runs->len; i++)
    {
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (index, g_ptr_array_index (self->data_runs, i)));
      /* A run the sweep has not lined up yet keeps the palette's colour. */
      map[i] = at > 0 ? at - 1 : G_MAXUINT;
    }
  if (!debrief_sweep_style_plot (self->sweep, self->renderer, map, self->color_by, self->groups,
                                 adw_style_manager_get_dark (adw_style_manager_get_default ()), &error))
    g_debug ("plot: %s", error->message);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
debrief_plot_set_runs (DebriefPlot *self,
                       GListModel  *runs)
{
  g_return_if_fail (DEBRIEF_IS_PLOT (self));

  if (runs == NULL)
    runs = debrief_workspace_get_runs (self->workspace);
  if (runs == self->runs)
    return;
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_func (self->runs, runs_changed_cb, self);
  g_set_object (&self->runs, runs);
  g_signal_connect_object (self->runs, "items-changed", G_CALLBACK (runs_changed_cb), self, G_CONNECT_SWAPPED);
  runs_changed_cb (self);
}

void
debrief_plot_set_sweep_style (DebriefPlot     *self,
                              DebriefSweep    *sweep,
                              const char      *color_by,
                              gboolean         groups,
                              DebriefPlotBand  band,
                              gboolean         include_outliers)
{
  g_return_if_fail (DEBRIEF_IS_PLOT (self));

  g_set_object (&self->sweep, sweep);
  g_free (self->color_by);
  self->color_by = g_strdup (color_by);
  self->groups = groups;
  debrief_plot_renderer_set_band (self->renderer, band);
  debrief_plot_renderer_set_include_outliers (self->renderer, include_outliers);
  apply_sweep_style (self);
  update_accessible (self);
}

void
debrief_plot_add_toolbar_group (DebriefPlot *self,
                                GtkWidget   *group)
{
  GtkWidget *view_controls;

  g_return_if_fail (DEBRIEF_IS_PLOT (self));

  /* The view controls end the last line (halign END). */
  view_controls = gtk_widget_get_last_child (self->toolbar);
  gtk_box_insert_child_after (GTK_BOX (self->toolbar), group, gtk_widget_get_prev_sibling (view_controls));
}

DebriefWorkspace *
debrief_plot_get_workspace (DebriefPlot *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT (self), NULL);
  return self->workspace;
}

void
debrief_plot_get_chart_size (DebriefPlot *self,
                             int         *width,
                             int         *height)
{
  g_return_if_fail (DEBRIEF_IS_PLOT (self));

  /* The chart starts under the toolbar. */
  *width = gtk_widget_get_width (GTK_WIDGET (self));
  *height = (int) (gtk_widget_get_height (GTK_WIDGET (self)) - self->top);
}

DebriefPlotRenderer *
debrief_plot_get_renderer (DebriefPlot *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT (self), NULL);
  return self->renderer;
}

gboolean
debrief_plot_get_busy (DebriefPlot *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT (self), FALSE);
  return self->busy;
}

void
debrief_plot_show_step (DebriefPlot *self,
                        gint64       step)
{
  g_return_if_fail (DEBRIEF_IS_PLOT (self));
  debrief_plot_renderer_show_step (self->renderer, step, step);
  update_view_state (self);
}

void
debrief_plot_reset_zoom (DebriefPlot *self)
{
  g_return_if_fail (DEBRIEF_IS_PLOT (self));
  debrief_plot_renderer_reset_view (self->renderer);
  update_view_state (self);
}

/* ---- export ---- */

typedef struct
{
  DebriefPlotRenderer *renderer;
  char *path;
  int width, height;
} Export;

static void
export_free (Export *e)
{
  g_clear_object (&e->renderer);
  g_free (e->path);
  g_free (e);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Export *e = task_data;
  GError *error = NULL;

  if (!debrief_plot_renderer_export (e->renderer, e->path, e->width, e->height, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
debrief_plot_export_async (DebriefPlot         *self,
                           GFile               *file,
                           int                  width,
                           int                  height,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Export *e;

  g_return_if_fail (DEBRIEF_IS_PLOT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_plot_export_async);
  e = g_new0 (Export, 1);
  e->path = g_file_get_path (file);
  e->width = width;
  e->height = height;
  if (e->path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      export_free (e);
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                               _("%s: plots can only be saved to local files"), uri);
      return;
    }
  /* A copy: the widget keeps drawing (and zooming) while the file is written. */
  e->renderer = debrief_plot_renderer_copy (self->renderer);
  debrief_plot_renderer_set_hover (e->renderer, FALSE, 0, 0);
  g_task_set_task_data (task, e, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
debrief_plot_export_finish (DebriefPlot   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- style ---- */

static void
lookup (GtkStyleContext *context,
        const char      *name,
        DebriefPlotRGBA *out)
{
  GdkRGBA rgba;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (gtk_style_context_lookup_color (context, name, &rgba))
    *out = (DebriefPlotRGBA) { rgba.red, rgba.green, rgba.blue, rgba.alpha };
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
update_style (DebriefPlot *self)
{
  DebriefPlotPalette palette;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  PangoContext *pango = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (pango);
  GtkStyleContext *context;

  debrief_plot_palette_init (&palette, dark);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (GTK_WIDGET (self));
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* The theme's own named colours (libadwaita), so the chart sits in the window. */
  lookup (context, "window_bg_color", &palette.background);
  lookup (context, "accent_color", &palette.accent);
  lookup (context, "error_color", &palette.danger);
  debrief_plot_renderer_set_palette (self->renderer, &palette);
  if (font != NULL && pango_font_description_get_family (font) != NULL)
    {
      double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
      /* Axis labels a notch under the text size, as charts usually are. */
      debrief_plot_renderer_set_font (self->renderer, pango_font_description_get_family (font),
                                      size > 0 ? size * 0.8 : 9.0);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
debrief_plot_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (debrief_plot_parent_class)->css_changed (widget, change);
  update_style (DEBRIEF_PLOT (widget));
}

/* ---- layout and drawing ---- */

static void
debrief_plot_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  DebriefPlot *self = DEBRIEF_PLOT (widget);
  int min = 0, nat = 0;

  /* The toolbar wraps: its height depends on the width it gets. */
  gtk_widget_measure (self->toolbar, orientation,
                      orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1, &min, &nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      /* Room for a readable chart under the toolbar. */
      *minimum = min + 200;
      *natural = nat + 360;
    }
  else
    {
      *minimum = MAX (min, 320);
      *natural = MAX (nat, 640);
    }
}

static GtkSizeRequestMode
debrief_plot_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
debrief_plot_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  DebriefPlot *self = DEBRIEF_PLOT (widget);
  int min = 0, nat = 0;

  gtk_widget_measure (self->toolbar, GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL, NULL);
  gtk_widget_allocate (self->toolbar, width, nat, -1, NULL);
  self->top = nat;
}

static void
debrief_plot_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  DebriefPlot *self = DEBRIEF_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget) - (int) self->top;
  cairo_t *cr;

  gtk_widget_snapshot_child (widget, self->toolbar, snapshot);
  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, self->top, width, height));
  cairo_translate (cr, 0, self->top);
  debrief_plot_renderer_draw (self->renderer, cr, width, height);

  if (self->dragging && self->drag_rect)
    {
      DebriefPlotRGBA accent = { 0.21, 0.52, 0.89, 1.0 };
      GdkRGBA rgba;
      GtkStyleContext *context;
      double x = MIN (self->drag_x, self->drag_x + self->drag_dx);
      double y = MIN (self->drag_y, self->drag_y + self->drag_dy);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      context = gtk_widget_get_style_context (widget);
      if (gtk_style_context_lookup_color (context, "accent_bg_color", &rgba))
        accent = (DebriefPlotRGBA) { rgba.red, rgba.green, rgba.blue, 1.0 };
      G_GNUC_END_IGNORE_DEPRECATIONS
      cairo_rectangle (cr, round (x) + 0.5, round (y) + 0.5, round (fabs (self->drag_dx)), round (fabs (self->drag_dy)));
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.15);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.8);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

/* ---- input ---- */

static gboolean
in_plot (DebriefPlot *self,
         double       x,
         double       y)
{
  DebriefPlotRect area;

  return debrief_plot_renderer_get_plot_area (self->renderer, &area) &&
         x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           DebriefPlot              *self)
{
  self->pointer_x = x;
  self->pointer_y = y - self->top;
  debrief_plot_renderer_set_hover (self->renderer, !self->dragging && y >= self->top, x, y - self->top);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          DebriefPlot              *self)
{
  debrief_plot_renderer_set_hover (self->renderer, FALSE, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
query_tooltip_cb (GtkWidget   *widget,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  DebriefPlot *self)
{
  g_autofree char *text = NULL;

  if (keyboard || y < self->top || !in_plot (self, x, y - self->top))
    return FALSE;
  /* Many runs: the few curves near the pointer, and the best step under it. */
  text = debrief_plot_renderer_describe_point (self->renderer, x, y - self->top, TRUE);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           DebriefPlot              *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (!in_plot (self, self->pointer_x, self->pointer_y))
    return FALSE;
  if ((mods & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  if (dx != 0)
    debrief_plot_renderer_pan (self->renderer, -dx * SCROLL_PAN_PX, 0);
  if (dy != 0)
    /* Ctrl zooms the loss axis too. */
    debrief_plot_renderer_zoom_at (self->renderer, pow (SCROLL_ZOOM, dy), self->pointer_x, self->pointer_y,
                                   (mods & GDK_CONTROL_MASK) != 0);
  update_view_state (self);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               DebriefPlot    *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  y -= self->top;
  if (!in_plot (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->dragging = TRUE;
  self->drag_rect = button == GDK_BUTTON_SECONDARY || (mods & GDK_SHIFT_MASK) != 0;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_dx = self->drag_dy = self->drag_last_dx = self->drag_last_dy = 0;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                DebriefPlot    *self)
{
  if (!self->dragging)
    return;
  self->drag_dx = dx;
  self->drag_dy = dy;
  if (!self->drag_rect)
    {
      /* Pan along y only once y was zoomed: a loose hand should not freeze the auto axis. */
      double ddy = debrief_plot_renderer_get_auto_y (self->renderer) ? 0 : dy - self->drag_last_dy;
      debrief_plot_renderer_pan (self->renderer, dx - self->drag_last_dx, ddy);
      self->drag_last_dx = dx;
      self->drag_last_dy = dy;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
      update_view_state (self);
    }
  debrief_plot_renderer_set_hover (self->renderer, FALSE, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             DebriefPlot    *self)
{
  if (!self->dragging)
    return;
  if (self->drag_rect)
    {
      if (fabs (dx) >= MIN_RECT_PX && fabs (dy) >= MIN_RECT_PX)
        debrief_plot_renderer_zoom_to_rect (self->renderer, self->drag_x, self->drag_y,
                                            self->drag_x + dx, self->drag_y + dy);
      else if (fabs (dx) >= MIN_RECT_PX)
        debrief_plot_renderer_set_view_x (self->renderer,
                                          debrief_plot_renderer_x_to_step (self->renderer, MIN (self->drag_x, self->drag_x + dx)),
                                          debrief_plot_renderer_x_to_step (self->renderer, MAX (self->drag_x, self->drag_x + dx)));
    }
  self->dragging = FALSE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  update_view_state (self);
}

static void
click_pressed_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  DebriefPlot     *self)
{
  int entry;

  y -= self->top;
  if (y < 0)
    return;
  entry = debrief_plot_renderer_legend_hit (self->renderer, x, y);
  if (entry >= 0 && n_press == 1)
    {
      debrief_plot_renderer_toggle_legend (self->renderer, entry);
      update_accessible (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (n_press == 2 && in_plot (self, x, y))
    debrief_plot_reset_zoom (self);
}

static void
zoom_by (DebriefPlot *self,
         double       factor)
{
  DebriefPlotRect area;

  if (!debrief_plot_renderer_get_plot_area (self->renderer, &area))
    return;
  debrief_plot_renderer_zoom_at (self->renderer, factor, area.x + area.width / 2, area.y + area.height / 2, FALSE);
  update_view_state (self);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DebriefPlot           *self)
{
  DebriefPlotRect area;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  if (!debrief_plot_renderer_get_plot_area (self->renderer, &area))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      zoom_by (self, 1.0 / SCROLL_ZOOM);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      zoom_by (self, SCROLL_ZOOM);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      debrief_plot_renderer_pan (self->renderer, area.width * KEY_PAN_FRACTION, 0);
      update_view_state (self);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      debrief_plot_renderer_pan (self->renderer, -area.width * KEY_PAN_FRACTION, 0);
      update_view_state (self);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
    case GDK_KEY_Home:
      debrief_plot_reset_zoom (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  zoom_by (DEBRIEF_PLOT (widget), 1.0 / SCROLL_ZOOM);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  zoom_by (DEBRIEF_PLOT (widget), SCROLL_ZOOM);
}

static void
reset_zoom_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  debrief_plot_reset_zoom (DEBRIEF_PLOT (widget));
}

/* ---- settings ---- */

static gboolean
method_to_active (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_boolean (value, g_strcmp0 (g_variant_get_string (variant, NULL), "median") == 0);
  return TRUE;
}

static GVariant *
active_to_method (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_string (g_value_get_boolean (value) ? "median" : "ema");
}

static void
smoothing_changed_cb (DebriefPlot *self)
{
  request_prepare (self);
}

static void
log_scale_changed_cb (DebriefPlot *self)
{
  debrief_plot_renderer_set_log_y (self->renderer, g_settings_get_boolean (self->settings, "log-scale"));
  update_view_state (self);
}

static void
x_unit_changed_cb (DebriefPlot *self)
{
  /* The list's order is DebriefPlotXUnit's; a unit the run lacks falls back to steps. */
  debrief_plot_renderer_set_x_unit (self->renderer, gtk_drop_down_get_selected (self->x_unit_dropdown));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- GObject ---- */

static void
debrief_plot_constructed (GObject *object)
{
  DebriefPlot *self = DEBRIEF_PLOT (object);

  G_OBJECT_CLASS (debrief_plot_parent_class)->constructed (object);

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self->workspace));
  g_return_if_fail (G_IS_SETTINGS (self->settings));

  g_settings_bind (self->settings, "smoothing", self->smoothing_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "smoothing-method", self->median_button, "active",
                                G_SETTINGS_BIND_DEFAULT, method_to_active, active_to_method, NULL, NULL);
  g_settings_bind (self->settings, "log-scale", self->log_button, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::smoothing", G_CALLBACK (smoothing_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::smoothing-method", G_CALLBACK (smoothing_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::log-scale", G_CALLBACK (log_scale_changed_cb),
                           self, G_CONNECT_SWAPPED);
  debrief_plot_renderer_set_log_y (self->renderer, g_settings_get_boolean (self->settings, "log-scale"));

  self->runs = g_object_ref (debrief_workspace_get_runs (self->workspace));
  g_signal_connect_object (self->runs, "items-changed", G_CALLBACK (runs_changed_cb), self, G_CONNECT_SWAPPED);
  update_series_picker (self);
  request_prepare (self);
}

static void
debrief_plot_dispose (GObject *object)
{
  DebriefPlot *self = DEBRIEF_PLOT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_func (self->runs, runs_changed_cb, self);
  g_clear_object (&self->workspace);
  for (guint i = 0; self->data_runs != NULL && i < self->data_runs->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->data_runs, i), analysis_changed_cb, self);
  g_clear_pointer (&self->toolbar, gtk_widget_unparent);
  g_clear_object (&self->runs);
  g_clear_pointer (&self->data_runs, g_ptr_array_unref);
  g_clear_pointer (&self->data, g_ptr_array_unref);
  g_clear_pointer (&self->series, g_free);
  g_clear_pointer (&self->data_series, g_free);
  g_clear_object (&self->sweep);
  g_clear_pointer (&self->color_by, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->renderer);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (debrief_plot_parent_class)->dispose (object);
}

static void
debrief_plot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DebriefPlot *self = DEBRIEF_PLOT (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_plot_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DebriefPlot *self = DEBRIEF_PLOT (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_plot_class_init (DebriefPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = debrief_plot_constructed;
  object_class->dispose = debrief_plot_dispose;
  object_class->get_property = debrief_plot_get_property;
  object_class->set_property = debrief_plot_set_property;
  widget_class->get_request_mode = debrief_plot_get_request_mode;
  widget_class->measure = debrief_plot_measure;
  widget_class->size_allocate = debrief_plot_size_allocate;
  widget_class->snapshot = debrief_plot_snapshot;
  widget_class->css_changed = debrief_plot_css_changed;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, DEBRIEF_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DEBRIEF_TYPE_WRAP_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-plot.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, toolbar);
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, median_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, log_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, x_unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, series_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DebriefPlot, series_names);

  gtk_widget_class_install_action (widget_class, "plot.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "plot.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "plot.reset-zoom", NULL, reset_zoom_action);

  gtk_widget_class_set_css_name (widget_class, "debrief-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
debrief_plot_init (DebriefPlot *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->renderer = debrief_plot_renderer_new ();
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->series_dropdown, "notify::selected", G_CALLBACK (series_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->x_unit_dropdown, "notify::selected", G_CALLBACK (x_unit_changed_cb),
                           self, G_CONNECT_SWAPPED);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  update_style (self);
  update_accessible (self);
  update_view_state (self);
}
