/* debrief-plot-renderer-export.c: the plot drawn into files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-plot-renderer-private.h"
#include "debrief-sweep.h"

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

void
debrief_plot_image_options_init (DebriefPlotImageOptions *options)
{
  *options = (DebriefPlotImageOptions) {
    .width = 1600,
    .height = 900,
    .smooth_method = DEBRIEF_PLOT_SMOOTH_EMA,
    .smoothing = 0.6,
    .log_y = FALSE,
    .x_unit = DEBRIEF_PLOT_X_STEPS,
    .dark = FALSE,
    .series = NULL,
    .color_by = NULL,
    .group_by = NULL,
    .band = DEBRIEF_PLOT_BAND_RANGE,
    .include_outliers = FALSE,
  };
}

gboolean
debrief_plot_write_runs (GPtrArray                     *runs,
                         GPtrArray                     *analyses,
                         const DebriefPlotImageOptions *options,
                         const char                    *path,
                         GError                       **error)
{
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);
  g_autoptr(GArray) annotations = g_array_new (FALSE, TRUE, sizeof (DebriefPlotAnnotation));
  g_autoptr(DebriefPlotRenderer) renderer = debrief_plot_renderer_new ();
  g_autoptr(GArray) data_runs = g_array_new (FALSE, FALSE, sizeof (guint));
  DebriefPlotPalette palette;

  g_return_val_if_fail (runs != NULL, FALSE);
  g_return_val_if_fail (analyses == NULL || analyses->len == runs->len, FALSE);
  g_return_val_if_fail (options != NULL && path != NULL, FALSE);

  for (guint i = 0; i < runs->len; i++)
    {
      DebriefRun *run = g_ptr_array_index (runs, i);
      static const char *const losses[] = { NULL };
      const char *const *names = options->series != NULL && options->series[0] != NULL ? options->series : losses;

      for (guint j = 0; j == 0 || names[j] != NULL; j++)
        {
          DebriefPlotData *d;

          if (names[j] != NULL && debrief_run_get_series_by_name (run, names[j]) == NULL)
            continue;  /* this run did not log it: the caller says so */
          d = debrief_plot_data_new_for_series (run, names[j], options->smooth_method, options->smoothing);
          /* The same marks as the window's plot (best step, spike, overfitting,
           * divergence): they belong to the loss curves. */
          if (debrief_plot_data_get_series_name (d) == NULL)
            debrief_plot_data_analysis_annotations (d, data->len,
                                                    analyses != NULL ? g_ptr_array_index (analyses, i) : NULL,
                                                    annotations);
          g_ptr_array_add (data, d);
          g_array_append_val (data_runs, i);
          if (names[j] == NULL)
            break;
        }
    }
  debrief_plot_palette_init (&palette, options->dark);
  debrief_plot_renderer_set_palette (renderer, &palette);
  debrief_plot_renderer_set_font (renderer, "Sans", 10.0);
  debrief_plot_renderer_set_data (renderer, data);
  debrief_plot_renderer_set_log_y (renderer, options->log_y);
  debrief_plot_renderer_set_x_unit (renderer, options->x_unit);
  debrief_plot_renderer_set_annotations (renderer, (DebriefPlotAnnotation *) annotations->data, annotations->len);
  debrief_plot_renderer_set_band (renderer, options->band);
  debrief_plot_renderer_set_include_outliers (renderer, options->include_outliers);
  if (options->color_by != NULL || options->group_by != NULL)
    {
      gboolean seeds = g_strcmp0 (options->group_by, "seeds") == 0;
      g_autoptr(DebriefSweep) sweep = debrief_sweep_new_for_runs (runs, seeds ? NULL : options->group_by);

      if (!debrief_sweep_style_plot (sweep, renderer, (const guint *) data_runs->data, options->color_by,
                                     options->group_by != NULL, options->dark, error))
        return FALSE;
    }
  return debrief_plot_renderer_export (renderer, path, options->width, options->height, error);
}
