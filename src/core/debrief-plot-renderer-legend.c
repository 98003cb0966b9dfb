/* debrief-plot-renderer-legend.c: the legend
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One entry per run (when there are several) and one per layer; each entry is
 * a toggle, and a hidden series stays in the legend, greyed, to bring it back.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "debrief-plot-renderer-private.h"

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
      {
        /* The first run's line says what is drawn: the train loss, or the series chosen instead. */
        const char *name = self->runs->len > 0
                           ? debrief_plot_data_get_series_name (g_array_index (self->runs, RunEntry, 0).data) : NULL;
        if (name != NULL && self->runs->len == 1)
          g_strlcpy (buf, name, size);
        else if (name != NULL)
          g_strlcpy (buf, C_("plot legend: the unsmoothed line", "Raw"), size);
        else
          g_strlcpy (buf, _("Train loss"), size);
      }
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
      _debrief_plot_text_size (layout, text, &w, NULL);
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
      if (e->kind == LEGEND_RUN)
        {
          on = g_array_index (self->runs, RunEntry, e->index).visible;
          color = _debrief_plot_renderer_run_color (self, e->index, FALSE);
        }
      else
        {
          on = (self->layers & e->index) != 0;
          color = several ? self->palette.foreground
                          : _debrief_plot_renderer_run_color (self, 0, e->index == DEBRIEF_PLOT_LAYER_VALIDATION);
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
  else if (e->kind == LEGEND_LAYER)
    self->layers ^= e->index;
}
