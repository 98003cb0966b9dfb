/* debrief-plot-renderer.c: the loss chart, drawn with cairo (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The object, its data and options, the text helpers and the frame: layout,
 * grid, axes, then the layers each file draws (see
 * debrief-plot-renderer-private.h for which file holds what).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "debrief-plot-renderer-private.h"
#include "debrief-plot-ticks-private.h"

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
  g_clear_pointer (&self->groups, g_array_unref);
  g_clear_pointer (&self->scale_title, g_free);
  g_clear_pointer (&self->scale_categories, g_strfreev);
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
  self->groups = g_array_new (FALSE, TRUE, sizeof (Group));
  g_array_set_clear_func (self->groups, _debrief_plot_group_clear);
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
      RunEntry *from = &g_array_index (self->runs, RunEntry, i);
      RunEntry entry = { 0, };
      entry.data = debrief_plot_data_ref (from->data);
      entry.visible = from->visible;
      entry.has_color = from->has_color;
      entry.color = from->color;
      entry.group = -1;
      g_array_append_val (copy->runs, entry);
    }
  for (guint g = 0; g < self->groups->len; g++)
    {
      Group *from = &g_array_index (self->groups, Group, g);
      DebriefPlotGroup group = { from->label, (const guint *) from->members->data, from->members->len,
                                 from->has_color, from->color };
      Group *to;
      g_array_set_size (copy->groups, copy->groups->len + 1);
      to = &g_array_index (copy->groups, Group, copy->groups->len - 1);
      to->label = g_strdup (group.label);
      to->has_color = group.has_color;
      to->color = group.color;
      to->members = g_array_copy (from->members);
      for (guint k = 0; k < to->members->len; k++)
        g_array_index (copy->runs, RunEntry, g_array_index (to->members, guint, k)).group = (int) g;
    }
  copy->band = self->band;
  copy->include_outliers = self->include_outliers;
  if (self->scale_kind != DEBRIEF_PLOT_SCALE_NONE)
    {
      DebriefPlotColorScale scale = { self->scale_kind, self->scale_title, self->scale_log, self->scale_min,
                                      self->scale_max, (const char *const *) self->scale_categories };
      debrief_plot_renderer_set_color_scale (copy, &scale);
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
  double old_x0 = 0, old_x1 = 0;

  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));

  /* The same curves, maybe read again (a run still being written grows): the
   * user's view, colours and hidden runs stay. */
  same_runs = data != NULL && data->len == self->runs->len;
  for (guint i = 0; same_runs && i < data->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      DebriefPlotData *d = g_ptr_array_index (data, i);
      same_runs = g_strcmp0 (debrief_plot_data_get_key (d), debrief_plot_data_get_key (entry->data)) == 0;
    }
  if (same_runs && !self->x_auto)
    debrief_plot_renderer_get_data_bounds (self, &old_x0, &old_x1);

  old = g_steal_pointer (&self->runs);
  self->runs = g_array_new (FALSE, TRUE, sizeof (RunEntry));
  g_array_set_clear_func (self->runs, run_entry_clear);
  for (guint i = 0; data != NULL && i < data->len; i++)
    {
      RunEntry entry = { 0, };

      entry.data = debrief_plot_data_ref (g_ptr_array_index (data, i));
      entry.visible = same_runs ? g_array_index (old, RunEntry, i).visible : TRUE;
      /* Colours and groups belong to these runs: kept when they stay. */
      entry.has_color = same_runs && g_array_index (old, RunEntry, i).has_color;
      entry.color = same_runs ? g_array_index (old, RunEntry, i).color : entry.color;
      entry.group = same_runs ? g_array_index (old, RunEntry, i).group : -1;
      g_array_append_val (self->runs, entry);
    }
  if (!same_runs)
    {
      g_array_set_size (self->groups, 0);
      debrief_plot_renderer_reset_view (self);
    }
  else if (!self->x_auto)
    {
      double x0, x1;

      /* A view that showed the last step follows the end as the run grows, its width kept. */
      debrief_plot_renderer_get_data_bounds (self, &x0, &x1);
      /* "At the end": within a few pixels' worth of it (a zoom at the pointer rarely lands on it). */
      if (x1 > old_x1 && self->vx1 >= old_x1 - 0.02 * (self->vx1 - self->vx0))
        {
          self->vx0 += x1 - old_x1;
          self->vx1 += x1 - old_x1;
        }
    }
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

/* ---- runs ---- */

gboolean
_debrief_plot_renderer_layer_shown (DebriefPlotRenderer *self,
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

/* A layer's points. The layers are the run's DebriefPlotData: another logged
 * series is drawn by making DebriefPlotData from it, not by a layer here. */
DebriefPlotPyramid *
_debrief_plot_run_entry_pyramid (RunEntry *entry,
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

/* ---- text ---- */

PangoLayout *
_debrief_plot_renderer_make_layout (DebriefPlotRenderer *self,
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

void
_debrief_plot_text_size (PangoLayout *layout,
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

/* Draw @text with its box aligned by (@ax, @ay) in [0, 1] on (@x, @y). */
void
_debrief_plot_draw_text (cairo_t               *cr,
                         PangoLayout           *layout,
                         const char            *text,
                         double                 x,
                         double                 y,
                         double                 ax,
                         double                 ay,
                         const DebriefPlotRGBA *color)
{
  double w, h;

  _debrief_plot_text_size (layout, text, &w, &h);
  set_color (cr, color, 1.0);
  cairo_move_to (cr, round (x - w * ax), round (y - h * ay));
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
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


/* "Loss", or the name of the one series every run draws instead (a reward),
 * or "Value" when the runs draw different ones. */
static char *
plot_y_title (DebriefPlotRenderer *self)
{
  const char *name = NULL;
  gboolean mixed = FALSE;

  for (guint i = 0; i < self->runs->len; i++)
    {
      const char *n = debrief_plot_data_get_series_name (g_array_index (self->runs, RunEntry, i).data);
      if (i == 0)
        name = n;
      else if (g_strcmp0 (n, name) != 0)
        mixed = TRUE;
    }
  if (mixed)
    return g_strdup (self->log_y ? _("Value (log scale)") : _("Value"));
  if (name != NULL)
    /* Translators: the y axis of a chart of one logged series on a log scale, e.g. "reward (log scale)" */
    return self->log_y ? g_strdup_printf (_("%s (log scale)"), name) : g_strdup (name);
  return g_strdup (self->log_y ? _("Loss (log scale)") : _("Loss"));
}

/* The automatic range left runs out: say so in the plot's corner, so a flat
 * line is not taken for all there is. */
static void
draw_outside_note (DebriefPlotRenderer *self,
                   cairo_t             *cr,
                   PangoLayout         *layout)
{
  const Frame *f = &self->frame;
  guint n = debrief_plot_renderer_get_n_outside (self);
  g_autofree char *text = NULL;
  double w, h, x, y;

  if (n == 0)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u diverged run outside the range",
                                       "%u diverged runs outside the range", n), n);
  _debrief_plot_text_size (layout, text, &w, &h);
  x = f->area.x + f->area.width - w - 8;
  y = f->area.y + 4;
  set_color (cr, &self->palette.background, 0.85);
  cairo_rectangle (cr, x - 3, y - 1, w + 6, h + 2);
  cairo_fill (cr);
  _debrief_plot_draw_text (cr, layout, text, x, y, 0, 0, &self->palette.danger);
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
  g_autofree char *y_title = plot_y_title (self);

  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));

  cairo_save (cr);
  layout = _debrief_plot_renderer_make_layout (self, cr, 1.0);
  small = _debrief_plot_renderer_make_layout (self, cr, 0.9);
  _debrief_plot_text_size (layout, "0", NULL, &line_h);

  set_color (cr, &self->palette.background, 1.0);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  f->valid = TRUE;
  f->width = width;
  f->height = height;
  f->log_y = self->log_y;
  debrief_plot_renderer_get_view (self, &f->x0, &f->x1, &f->y0, &f->y1);

  /* Vertical layout: legend, plot, x labels, x title. */
  _debrief_plot_renderer_layout_legend (self, layout, PAD, PAD, width - 2 * PAD - 60, &legend_h);
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
      _debrief_plot_text_size (layout, g_array_index (y_ticks, DebriefPlotTick, i).label, &w, NULL);
      label_w = MAX (label_w, w);
    }
  /* Whole pixels, so that column bars fall on the pixel grid. */
  left = ceil (PAD + line_h + 8 + label_w + TICK_GAP);
  f->area.x = left;
  f->area.width = MAX (10.0, floor (width - left - PAD - 8));

  /* The legend lines up with the plot. */
  _debrief_plot_renderer_layout_legend (self, layout, left, PAD, width - left - PAD, &legend_h);

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
      _debrief_plot_draw_text (cr, layout, t->label, f->area.x - TICK_GAP, frame_y (f, t->value), 1.0, 0.5, &self->palette.dim);
    }
  for (guint i = 0; i < x_ticks->len; i++)
    {
      DebriefPlotTick *t = &g_array_index (x_ticks, DebriefPlotTick, i);
      double step = unit_data ? debrief_plot_data_unit_to_step (unit_data, unit, t->value) : t->value;
      double x = frame_x (f, step), w;

      _debrief_plot_text_size (layout, t->label, &w, NULL);
      if (x - w / 2 < last_right + 8 || x + w / 2 > width)
        continue;
      _debrief_plot_draw_text (cr, layout, t->label, x, f->area.y + f->area.height + TICK_GAP, 0.5, 0.0, &self->palette.dim);
      last_right = x + w / 2;
    }
  _debrief_plot_draw_text (cr, layout, x_axis_title (unit), f->area.x + f->area.width / 2,
                           height - PAD, 0.5, 1.0, &self->palette.foreground);
  {
    double w;
    _debrief_plot_text_size (layout, y_title, &w, NULL);
    cairo_save (cr);
    cairo_translate (cr, PAD, f->area.y + f->area.height / 2 + w / 2);
    cairo_rotate (cr, -G_PI / 2);
    _debrief_plot_draw_text (cr, layout, y_title, 0, 0, 0, 0, &self->palette.foreground);
    cairo_restore (cr);
  }

  /* Data, clipped to the plot. */
  cairo_save (cr);
  cairo_rectangle (cr, f->area.x, f->area.y - 1, f->area.width, f->area.height + 2);
  cairo_clip (cr);
  {
    double label_y = f->area.y + 4;
    _debrief_plot_renderer_draw_annotations (self, cr, small, TRUE, &label_y);
    _debrief_plot_renderer_draw_series (self, cr);
    _debrief_plot_renderer_draw_annotations (self, cr, small, FALSE, &label_y);
  }
  _debrief_plot_renderer_draw_hover (self, cr);
  draw_outside_note (self, cr, small);
  cairo_restore (cr);

  _debrief_plot_renderer_draw_legend (self, cr, layout);
  cairo_restore (cr);
}
