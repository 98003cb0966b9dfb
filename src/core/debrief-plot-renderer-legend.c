/* debrief-plot-renderer-legend.c: the legend
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One entry per run (when there are several) and one per layer; each entry is
 * a toggle, and a hidden series stays in the legend, greyed, to bring it back.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "debrief-plot-renderer-private.h"

/* The gradient bar of a sequential colour scale, in pixels. */
#define SCALE_BAR 96.0

static void
format_scale_value (DebriefPlotRenderer *self,
                    double               value,
                    char                *buf,
                    gsize                size)
{
  /* Learning rates as people write them: 3e-4 rather than 0.0003. */
  if (self->scale_log && value != 0 && fabs (value) < 1e-2)
    {
      char mantissa[32];
      int exponent = (int) floor (log10 (fabs (value)));
      double m = value / pow (10, exponent);

      /* 9.99e-5 rounds up to 10e-5: carry into the exponent. */
      if (fabs (round (m * 10) / 10) >= 10)
        {
          m /= 10;
          exponent++;
        }
      g_snprintf (mantissa, sizeof mantissa, "%.2g", m);
      g_snprintf (buf, size, "%se%d", mantissa, exponent);
    }
  else
    g_snprintf (buf, size, "%.3g", value);
}

static void
scale_labels (DebriefPlotRenderer *self,
              char                *lo,
              char                *hi,
              gsize                size)
{
  format_scale_value (self, self->scale_min, lo, size);
  format_scale_value (self, self->scale_max, hi, size);
}

/* A layer's entry: the first run's series name (by @get) with one run,
 * @several with more, @losses when the losses are drawn. */
static void
layer_name (DebriefPlotRenderer *self,
            const char          *(*get) (DebriefPlotData *data),
            const char          *several,
            const char          *losses,
            char                *buf,
            gsize                size)
{
  const char *name = self->runs->len > 0 ? get (g_array_index (self->runs, RunEntry, 0).data) : NULL;

  g_strlcpy (buf, name == NULL ? losses : self->runs->len == 1 ? name : several, size);
}

static void
legend_text (DebriefPlotRenderer *self,
             const LegendEntry   *e,
             char                *buf,
             gsize                size)
{
  switch (e->kind)
    {
    case LEGEND_RUN:
      g_strlcpy (buf, debrief_plot_data_get_name (g_array_index (self->runs, RunEntry, e->index).data), size);
      return;
    case LEGEND_GROUP:
      g_strlcpy (buf, g_array_index (self->groups, Group, e->index).label, size);
      return;
    case LEGEND_SCALE:
      if (self->scale_kind == DEBRIEF_PLOT_SCALE_CATEGORICAL)
        g_strlcpy (buf, self->scale_categories[e->index], size);
      else
        g_strlcpy (buf, self->scale_title ? self->scale_title : "", size);
      return;
    case LEGEND_SUMMARY:
      if (e->index > 0)
        /* Translators: the folded legend of a sweep: "+3 more" values of the colour scale */
        g_snprintf (buf, size, _("+%u more"), e->index);
      else if (self->groups->len > 0)
        /* Translators: the folded legend of a sweep, e.g. "40 runs in 20 groups" */
        g_snprintf (buf, size, g_dngettext (GETTEXT_PACKAGE, "%u run in %u groups", "%u runs in %u groups",
                                            self->runs->len), self->runs->len, self->groups->len);
      else
        g_snprintf (buf, size, g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", self->runs->len), self->runs->len);
      return;
    case LEGEND_LAYER:
    default:
      break;
    }
  switch (e->index)
    {
    case DEBRIEF_PLOT_LAYER_RAW:
      /* The first run's line says what is drawn: the train loss, or the series chosen instead. */
      layer_name (self, debrief_plot_data_get_series_name,
                  C_("plot legend: the unsmoothed line", "Raw"), _("Train loss"), buf, size);
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
      /* The evaluation counterpart of a series drawn instead of the losses. */
      layer_name (self, debrief_plot_data_get_held_out_name,
                  C_("plot legend: the evaluation line", "Held-out"), _("Validation loss"), buf, size);
      break;
    }
}

/* Entries are laid out in the order appended here; what stands for many runs
 * at once (a legend folded for large sweeps) is decided here, and the drawing
 * and hit tests only read self->frame.legend. */
void
_debrief_plot_renderer_layout_legend (DebriefPlotRenderer *self,
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
  _debrief_plot_text_size (layout, "Ag", NULL, &line_h);
  if (_debrief_plot_renderer_folded (self))
    {
      /* Fifty names say nothing: the colour scale and a count do. */
      if (self->scale_kind == DEBRIEF_PLOT_SCALE_SEQUENTIAL)
        {
          LegendEntry e = { { 0, }, LEGEND_SCALE, 0 };
          g_array_append_val (legend, e);
        }
      else if (self->scale_kind == DEBRIEF_PLOT_SCALE_CATEGORICAL)
        {
          guint n = self->scale_categories ? g_strv_length (self->scale_categories) : 0;
          for (guint i = 0; i < MIN (n, LEGEND_MAX_RUNS); i++)
            {
              LegendEntry e = { { 0, }, LEGEND_SCALE, i };
              g_array_append_val (legend, e);
            }
          if (n > LEGEND_MAX_RUNS)
            {
              LegendEntry e = { { 0, }, LEGEND_SUMMARY, n - LEGEND_MAX_RUNS };
              g_array_append_val (legend, e);
            }
        }
      {
        LegendEntry e = { { 0, }, LEGEND_SUMMARY, 0 };
        g_array_append_val (legend, e);
      }
    }
  else if (self->runs->len > 1)
    {
      for (guint g = 0; g < self->groups->len; g++)
        {
          LegendEntry e = { { 0, }, LEGEND_GROUP, g };
          g_array_append_val (legend, e);
        }
      for (guint i = 0; i < self->runs->len; i++)
        if (g_array_index (self->runs, RunEntry, i).group < 0)
          {
            LegendEntry e = { { 0, }, LEGEND_RUN, i };
            g_array_append_val (legend, e);
          }
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
      _debrief_plot_text_size (layout, text, &w, NULL);
      w += e->kind == LEGEND_SUMMARY ? 0 : LEGEND_SWATCH + 6;
      if (e->kind == LEGEND_SCALE && self->scale_kind == DEBRIEF_PLOT_SCALE_SEQUENTIAL)
        {
          char lo[32], hi[32];
          double wl, wh;
          scale_labels (self, lo, hi, sizeof lo);
          _debrief_plot_text_size (layout, lo, &wl, NULL);
          _debrief_plot_text_size (layout, hi, &wh, NULL);
          w = w - LEGEND_SWATCH + 8 + wl + 4 + SCALE_BAR + 4 + wh;
        }
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

/* "Learning rate  3e-04 [gradient] 0.03" */
static void
draw_gradient (DebriefPlotRenderer *self,
               cairo_t             *cr,
               PangoLayout         *layout,
               const LegendEntry   *e,
               const char          *title)
{
  char lo[32], hi[32];
  double x = e->rect.x + 3, y = e->rect.y + 2, w, h, wl;
  gboolean dark = self->palette.background.red < 0.5;
  DebriefPlotColorScale scale = { self->scale_kind, self->scale_title, self->scale_log, self->scale_min,
                                  self->scale_max, NULL };
  cairo_pattern_t *gradient;

  scale_labels (self, lo, hi, sizeof lo);
  _debrief_plot_draw_text (cr, layout, title, x, y, 0, 0, &self->palette.foreground);
  _debrief_plot_text_size (layout, title, &w, &h);
  x += w + 8;
  _debrief_plot_draw_text (cr, layout, lo, x, y, 0, 0, &self->palette.dim);
  _debrief_plot_text_size (layout, lo, &wl, NULL);
  x += wl + 4;
  gradient = cairo_pattern_create_linear (x, 0, x + SCALE_BAR, 0);
  for (guint k = 0; k <= 8; k++)
    {
      double t = k / 8.0;
      double v = self->scale_log && self->scale_min > 0 && self->scale_max > 0
                 ? pow (10, log10 (self->scale_min) + t * (log10 (self->scale_max) - log10 (self->scale_min)))
                 : self->scale_min + t * (self->scale_max - self->scale_min);
      DebriefPlotRGBA c = debrief_plot_color_scale_sequential (&scale, v, dark);
      cairo_pattern_add_color_stop_rgb (gradient, t, c.red, c.green, c.blue);
    }
  cairo_save (cr);
  cairo_set_source (cr, gradient);
  cairo_rectangle (cr, x, y + h / 2 - 5, SCALE_BAR, 10);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_pattern_destroy (gradient);
  x += SCALE_BAR + 4;
  _debrief_plot_draw_text (cr, layout, hi, x, y, 0, 0, &self->palette.dim);
}

void
_debrief_plot_renderer_draw_legend (DebriefPlotRenderer *self,
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
      if (e->kind == LEGEND_SUMMARY)
        {
          _debrief_plot_draw_text (cr, layout, text, e->rect.x + 3, e->rect.y + 2, 0, 0, &self->palette.dim);
          continue;
        }
      if (e->kind == LEGEND_SCALE && self->scale_kind == DEBRIEF_PLOT_SCALE_SEQUENTIAL)
        {
          draw_gradient (self, cr, layout, e, text);
          continue;
        }
      if (e->kind == LEGEND_RUN)
        {
          on = g_array_index (self->runs, RunEntry, e->index).visible;
          color = _debrief_plot_renderer_run_color (self, e->index, FALSE);
        }
      else if (e->kind == LEGEND_GROUP)
        {
          Group *group = &g_array_index (self->groups, Group, e->index);
          on = FALSE;
          for (guint k = 0; k < group->members->len; k++)
            on |= g_array_index (self->runs, RunEntry, g_array_index (group->members, guint, k)).visible;
          color = _debrief_plot_renderer_group_color (self, e->index);
        }
      else if (e->kind == LEGEND_SCALE)
        {
          on = TRUE;
          color = debrief_plot_color_scale_category (e->index, self->palette.background.red < 0.5);
        }
      else
        {
          on = (self->layers & e->index) != 0;
          color = several ? self->palette.foreground
                          : _debrief_plot_renderer_run_color (self, 0, e->index == DEBRIEF_PLOT_LAYER_VALIDATION);
        }
      alpha = on ? 1.0 : 0.35;   /* a hidden series stays in the legend, greyed, to bring it back */

      cairo_save (cr);
      if (e->kind != LEGEND_LAYER)
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
        _debrief_plot_draw_text (cr, layout, text, sx + LEGEND_SWATCH + 6, e->rect.y + 2, 0, 0, &fg);
      }
    }
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
  else if (e->kind == LEGEND_GROUP && e->index < self->groups->len)
    {
      Group *group = &g_array_index (self->groups, Group, e->index);
      gboolean any = FALSE;
      for (guint k = 0; k < group->members->len; k++)
        any |= g_array_index (self->runs, RunEntry, g_array_index (group->members, guint, k)).visible;
      for (guint k = 0; k < group->members->len; k++)
        g_array_index (self->runs, RunEntry, g_array_index (group->members, guint, k)).visible = !any;
    }
  else if (e->kind == LEGEND_LAYER)
    self->layers ^= e->index;
}
