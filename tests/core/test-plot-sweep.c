/* test-plot-sweep.c: the plot of many runs — groups with bands, colour scales, a folded
 * legend, crowded marks, diverged runs left out of the y range
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "debrief-plot-renderer-private.h"
#include "debrief-test-sweep.h"

/* A run whose train and validation loss are @level at every step (and @blowup
 * times higher over the last quarter). */
static DebriefPlotData *
flat_run (double level,
          double blowup)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent/flat");
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) train = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefSeries) val = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);
  g_autofree char *name = g_strdup_printf ("level-%.2f", level);

  debrief_run_set_name (run, name);
  for (gint64 i = 0; i < 400; i++)
    {
      double v = i >= 300 ? level * blowup : level;
      debrief_series_append (train, i, v);
      if (i % 40 == 0)
        debrief_series_append (val, i, v);
    }
  debrief_series_finish (train, NULL);
  debrief_series_finish (val, NULL);
  debrief_run_add_series (run, train);
  debrief_run_add_series (run, val);
  /* No smoothing: the mean and the band are exact. */
  return debrief_plot_data_new (run, DEBRIEF_PLOT_SMOOTH_EMA, 0.0);
}

static DebriefPlotRenderer *
renderer_with (const double *levels,
               const double *blowups,
               guint         n)
{
  DebriefPlotRenderer *r = debrief_plot_renderer_new ();
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (data, flat_run (levels[i], blowups ? blowups[i] : 1.0));
  debrief_plot_renderer_set_data (r, data);
  return r;
}

/* One run at 10⁴ beside losses near 2 is left out of the automatic y range,
 * counted, and put back on request; half the runs off is no outlier. */
static void
test_outliers (void)
{
  static const double levels[] = { 2.0, 2.1, 1.9, 2.05 };
  static const double one_off[] = { 1, 1, 5000, 1 };
  static const double half_off[] = { 5000, 1, 5000, 1 };
  g_autoptr(DebriefPlotRenderer) r = renderer_with (levels, one_off, 4);
  g_autoptr(DebriefPlotRenderer) half = renderer_with (levels, half_off, 4);
  g_autoptr(DebriefPlotRenderer) two = renderer_with (levels, one_off + 1, 2);
  double x0, x1, y0, y1;

  debrief_plot_renderer_get_view (r, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, <, 3.0);
  g_assert_cmpuint (debrief_plot_renderer_get_n_outside (r), ==, 1);
  debrief_plot_renderer_set_include_outliers (r, TRUE);
  debrief_plot_renderer_get_view (r, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, >, 9000.0);
  g_assert_cmpuint (debrief_plot_renderer_get_n_outside (r), ==, 0);

  debrief_plot_renderer_get_view (half, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, >, 9000.0);
  g_assert_cmpuint (debrief_plot_renderer_get_n_outside (half), ==, 0);

  /* Of two runs, the one orders of magnitude off. */
  debrief_plot_renderer_get_view (two, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, <, 3.0);
  g_assert_cmpuint (debrief_plot_renderer_get_n_outside (two), ==, 1);

  /* A log axis: decades, not spans. */
  debrief_plot_renderer_set_log_y (r, TRUE);
  debrief_plot_renderer_set_include_outliers (r, FALSE);
  debrief_plot_renderer_get_view (r, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, <, 3.0);
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  guint8 *row = cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface);
  return ((guint32 *) row)[x] & 0xffffff;
}

/* Two runs at 1 and 2 as a group: the band spans them (range), or the mean
 * ± one standard deviation (0.707 here), the mean line at 1.5; the members'
 * own lines are not drawn. */
static void
test_group_band (void)
{
  static const double levels[] = { 1.0, 2.0, 0.5, 2.5 };
  g_autoptr(DebriefPlotRenderer) r = renderer_with (levels, NULL, 4);
  static const guint members[] = { 0, 1 };
  DebriefPlotGroup group = { "g", members, 2, TRUE, { 0.8, 0.1, 0.1, 1.0 } };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 600, 400);
  cairo_t *cr = cairo_create (surface);
  guint32 background;
  int x;

  debrief_plot_renderer_set_layers (r, DEBRIEF_PLOT_LAYER_RAW | DEBRIEF_PLOT_LAYER_SMOOTHED);
  debrief_plot_renderer_set_view (r, 0, 299, 0.0, 3.0);
  debrief_plot_renderer_set_groups (r, &group, 1);
  g_assert_cmpuint (debrief_plot_renderer_get_n_groups (r), ==, 1);
  debrief_plot_renderer_draw (r, cr, 600, 400);
  cairo_surface_flush (surface);
  x = (int) debrief_plot_renderer_step_to_x (r, 150);
  background = pixel (surface, x, (int) debrief_plot_renderer_value_to_y (r, 2.8));
  /* Inside the band, the mean, outside it. */
  g_assert_cmpuint (pixel (surface, x, (int) debrief_plot_renderer_value_to_y (r, 1.25)), !=, background);
  g_assert_cmpuint (pixel (surface, x, (int) round (debrief_plot_renderer_value_to_y (r, 1.5))), !=,
                    pixel (surface, x, (int) debrief_plot_renderer_value_to_y (r, 1.25)));
  g_assert_cmpuint (pixel (surface, x, (int) debrief_plot_renderer_value_to_y (r, 0.75)), ==, background);

  debrief_plot_renderer_set_band (r, DEBRIEF_PLOT_BAND_STD);
  debrief_plot_renderer_draw (r, cr, 600, 400);
  cairo_surface_flush (surface);
  /* 1.5 − 0.707 = 0.79: 0.85 is inside now, 0.75 still outside. */
  g_assert_cmpuint (pixel (surface, x, (int) debrief_plot_renderer_value_to_y (r, 0.85)), !=, background);
  g_assert_cmpuint (pixel (surface, x, (int) debrief_plot_renderer_value_to_y (r, 0.7)), ==, background);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_color_scale (void)
{
  DebriefPlotColorScale scale = { DEBRIEF_PLOT_SCALE_SEQUENTIAL, "Learning rate", TRUE, 1e-4, 1e-2, NULL };
  DebriefPlotColorScale linear = scale;
  DebriefPlotRGBA lo = debrief_plot_color_scale_sequential (&scale, 1e-4, FALSE);
  DebriefPlotRGBA mid = debrief_plot_color_scale_sequential (&scale, 1e-3, FALSE);
  DebriefPlotRGBA hi = debrief_plot_color_scale_sequential (&scale, 1e-2, FALSE);
  DebriefPlotRGBA mid_linear;

  /* Luminance rises along the gradient, and 1e-3 is halfway on a log scale. */
  g_assert_cmpfloat (0.3 * lo.red + 0.6 * lo.green + 0.1 * lo.blue, <, 0.3 * mid.red + 0.6 * mid.green + 0.1 * mid.blue);
  g_assert_cmpfloat (0.3 * mid.red + 0.6 * mid.green + 0.1 * mid.blue, <, 0.3 * hi.red + 0.6 * hi.green + 0.1 * hi.blue);
  linear.log = FALSE;
  mid_linear = debrief_plot_color_scale_sequential (&linear, 1e-3, FALSE);
  g_assert_cmpfloat (fabs (mid_linear.green - lo.green), <, fabs (mid.green - lo.green));
  /* Distinct hues for categories. */
  g_assert_true (debrief_plot_color_scale_category (0, FALSE).red != debrief_plot_color_scale_category (1, FALSE).red);
}

static guint
count_legend (DebriefPlotRenderer *r,
              LegendKind           kind)
{
  guint n = 0;

  for (guint i = 0; i < r->frame.legend->len; i++)
    n += g_array_index (r->frame.legend, LegendEntry, i).kind == kind;
  return n;
}

/* Fifty runs: a summary and the colour scale, not fifty names; best steps as
 * marks without labels. */
static void
test_folded_legend (void)
{
  double levels[50];
  g_autoptr(DebriefPlotRenderer) r = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  cairo_t *cr = cairo_create (surface);
  DebriefPlotColorScale scale = { DEBRIEF_PLOT_SCALE_SEQUENTIAL, "Learning rate", TRUE, 1e-4, 1e-2, NULL };

  for (guint i = 0; i < 50; i++)
    levels[i] = 1.0 + 0.01 * i;
  r = renderer_with (levels, NULL, 50);
  debrief_plot_renderer_draw (r, cr, 800, 500);
  g_assert_cmpuint (count_legend (r, LEGEND_RUN), ==, 0);
  g_assert_cmpuint (count_legend (r, LEGEND_SUMMARY), ==, 1);
  debrief_plot_renderer_set_color_scale (r, &scale);
  debrief_plot_renderer_draw (r, cr, 800, 500);
  g_assert_cmpuint (count_legend (r, LEGEND_SCALE), ==, 1);

  /* Under the pointer: the curves nearest it, not all fifty. */
  {
    double px = debrief_plot_renderer_step_to_x (r, 200);
    double py = debrief_plot_renderer_value_to_y (r, 1.2);
    g_autofree char *text = debrief_plot_renderer_describe_point (r, px, py, FALSE);
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 5 + 1);
    g_assert_true (g_str_has_prefix (lines[1], "level-1.20:"));
  }

  /* Four runs keep their names. */
  g_clear_object (&r);
  r = renderer_with (levels, NULL, 4);
  debrief_plot_renderer_draw (r, cr, 800, 500);
  g_assert_cmpuint (count_legend (r, LEGEND_RUN), ==, 4);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The whole path: a generated sweep on disk drawn by debrief_plot_write_runs
 * coloured by rate and grouped by seed; a key that is no column is an error. */
static void
test_write_sweep (void)
{
  DebriefTestSweepModel model;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *dir = g_dir_make_tmp ("debrief-plot-sweep-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "sweep.png", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain.png", NULL);
  DebriefPlotImageOptions options;
  g_autoptr(GError) error = NULL;

  debrief_test_sweep_model_init (&model);
  for (guint l = 0; l < 3; l++)
    for (int s = 0; s < 2; s++)
      g_ptr_array_add (runs, debrief_test_sweep_run (&model, rand, dir, 1e-3 * pow (3, l), 8, s));
  debrief_plot_image_options_init (&options);
  options.width = 640;
  options.height = 400;
  g_assert_true (debrief_plot_write_runs (runs, NULL, &options, plain, &error));
  options.color_by = "learning_rate";
  options.group_by = "seeds";
  g_assert_true (debrief_plot_write_runs (runs, NULL, &options, png, &error));
  g_assert_no_error (error);
  g_assert_false (debrief_test_png_equal (png, plain));
  options.color_by = "no_such_column";
  g_assert_false (debrief_plot_write_runs (runs, NULL, &options, png, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
  debrief_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot-sweep/outliers", test_outliers);
  g_test_add_func ("/plot-sweep/group-band", test_group_band);
  g_test_add_func ("/plot-sweep/color-scale", test_color_scale);
  g_test_add_func ("/plot-sweep/folded-legend", test_folded_legend);
  g_test_add_func ("/plot-sweep/write-sweep", test_write_sweep);
  return g_test_run ();
}
