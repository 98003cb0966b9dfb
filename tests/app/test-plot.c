/* test-plot.c: the DebriefPlot widget, rendered to pixels under Xvfb
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-plot.h"
#include "debrief-test-utils.h"

#define SPIKE_STEP 3000
#define N_POINTS 10000

static gboolean
plot_is_idle (gpointer plot)
{
  return !debrief_plot_get_busy (plot);
}

static void
wait_until_ready (DebriefPlot *plot)
{
  debrief_test_wait_until (plot_is_idle, plot);
  debrief_test_drain ();
}

static gboolean
pointer_is_cleared (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

static DebriefRun *
make_run (const char *name,
          double      scale)
{
  /* A folder of its own: the workspace keeps one run per folder. */
  g_autoptr(GFile) folder = g_file_new_build_filename ("/nonexistent", name, NULL);
  DebriefRun *run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) train = debrief_series_new ("loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefSeries) val = debrief_series_new ("eval_loss", DEBRIEF_SERIES_VAL_LOSS);

  debrief_run_set_name (run, name);
  for (gint64 i = 1; i <= N_POINTS; i++)
    {
      double v = scale * (1.0 + exp (-(double) i / 2000.0)) + 0.02 * sin ((double) i);
      debrief_series_append (train, i, i == SPIKE_STEP ? 6.0 : v);
      if (i % 1000 == 0)
        debrief_series_append (val, i, scale * (1.1 + exp (-(double) i / 2000.0)));
    }
  debrief_series_finish (train, NULL);
  debrief_series_finish (val, NULL);
  debrief_run_add_series (run, train);
  debrief_run_add_series (run, val);
  return run;
}

typedef struct
{
  guint8 *pixels;
  int width, height;
  gsize stride;
} Pixels;

static void
download (GdkTexture *texture,
          Pixels     *out)
{
  out->width = gdk_texture_get_width (texture);
  out->height = gdk_texture_get_height (texture);
  out->stride = out->width * 4;
  out->pixels = g_malloc (out->stride * out->height);
  gdk_texture_download (texture, out->pixels, out->stride);
}

/* BGRA premultiplied, compared with the background at (bx, by). */
static gboolean
differs (const Pixels *p,
         int           x,
         int           y,
         int           bx,
         int           by)
{
  const guint8 *a = p->pixels + y * p->stride + x * 4;
  const guint8 *b = p->pixels + by * p->stride + bx * 4;

  return abs (a[0] - b[0]) + abs (a[1] - b[1]) + abs (a[2] - b[2]) > 30;
}

typedef struct
{
  GtkWindow *window;
  DebriefPlot *plot;
  DebriefWorkspace *workspace;
  GSettings *settings;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DebriefRun) run = make_run ("alpha", 1.0);

  f->workspace = debrief_workspace_new ();
  f->settings = g_settings_new (APPLICATION_ID);
  debrief_workspace_add_run (f->workspace, run);
  f->plot = DEBRIEF_PLOT (debrief_plot_new (f->workspace, f->settings));
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 600);
  gtk_window_set_child (f->window, GTK_WIDGET (f->plot));
  gtk_window_present (f->window);
  wait_until_ready (f->plot);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->plot));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gpointer plot = f->plot;

  /* The widget goes away with its window: no reference left behind by its
   * worker threads, signal handlers or the settings bindings. */
  g_object_add_weak_pointer (G_OBJECT (plot), &plot);
  gtk_window_destroy (f->window);
  g_clear_object (&f->workspace);
  g_clear_object (&f->settings);
  debrief_test_wait_until (pointer_is_cleared, &plot);
  debrief_test_drain ();
}

static void
test_plot_pixels (Fixture       *f,
                  gconstpointer  data)
{
  DebriefPlotRenderer *r = debrief_plot_get_renderer (f->plot);
  g_autoptr(GdkTexture) texture = debrief_test_render_widget (GTK_WIDGET (f->plot));
  Pixels p;
  DebriefPlotRect area;
  double top_offset, x, y_spike, y_curve;
  int empty_x, empty_y, lit = 0, rows = 0;

  g_assert_cmpuint (debrief_plot_renderer_get_n_runs (r), ==, 1);
  download (texture, &p);
  g_assert_true (debrief_plot_renderer_get_plot_area (r, &area));
  /* The chart sits under the toolbar: the renderer's coordinates start there. */
  {
    graphene_point_t in = GRAPHENE_POINT_INIT (0, 0), out;
    /* Find the toolbar height from the allocation: the first child's height. */
    GtkWidget *toolbar = gtk_widget_get_first_child (GTK_WIDGET (f->plot));
    g_assert_true (gtk_widget_compute_point (toolbar, GTK_WIDGET (f->plot), &in, &out));
    top_offset = gtk_widget_get_height (toolbar) + out.y;
  }

  /* A background pixel: inside the plot, far above the curve, away from grid lines. */
  x = debrief_plot_renderer_step_to_x (r, SPIKE_STEP);
  y_spike = debrief_plot_renderer_value_to_y (r, 6.0) + top_offset;
  y_curve = debrief_plot_renderer_value_to_y (r, 2.5) + top_offset;
  empty_x = (int) (x + 150);
  empty_y = (int) ((y_spike + y_curve) / 2);
  g_assert_false (differs (&p, empty_x, empty_y, empty_x + 1, empty_y));

  /* The spike, one point in ten thousand, is drawn from its tip down to the curve. */
  for (int y = (int) ceil (y_spike) + 1; y < (int) y_curve; y++, rows++)
    {
      gboolean any = FALSE;
      for (int dx = -1; dx <= 1; dx++)
        any |= differs (&p, (int) x + dx, y, empty_x, empty_y);
      lit += any;
    }
  g_assert_cmpint (rows, >, 20);
  g_assert_cmpint (lit, ==, rows);
  /* Nothing is drawn in the empty sky beside it. */
  g_assert_false (differs (&p, (int) x + 60, empty_y, empty_x, empty_y));
  g_assert_false (differs (&p, (int) x - 60, empty_y, empty_x, empty_y));

  /* The curve itself at the end of the run is drawn. */
  {
    double ex = debrief_plot_renderer_step_to_x (r, N_POINTS * 0.9);
    double ey = debrief_plot_renderer_value_to_y (r, 1.0 + exp (-0.9 * N_POINTS / 2000.0)) + top_offset;
    gboolean any = FALSE;
    for (int dy = -3; dy <= 3; dy++)
      any |= differs (&p, (int) ex, (int) ey + dy, empty_x, empty_y);
    g_assert_true (any);
  }
  g_free (p.pixels);
}

static gboolean
workspace_idle (gpointer workspace)
{
  return !debrief_workspace_get_busy (workspace);
}

static void
test_plot_interaction (Fixture       *f,
                       gconstpointer  data)
{
  DebriefPlotRenderer *r = debrief_plot_get_renderer (f->plot);
  GSettings *settings = f->settings;
  g_autoptr(DebriefRun) second = make_run ("beta", 0.8);
  double x0, x1;

  /* A finding's step: zoomed around it. */
  debrief_plot_show_step (f->plot, 7000);
  debrief_plot_renderer_get_view (r, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat (x0, <, 7000);
  g_assert_cmpfloat (x1, >, 7000);
  g_assert_cmpfloat (x1 - x0, <, N_POINTS / 2);
  g_assert_true (debrief_plot_renderer_is_zoomed (r));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->plot), "plot.reset-zoom", NULL));
  g_assert_false (debrief_plot_renderer_is_zoomed (r));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->plot), "plot.zoom-in", NULL));
  g_assert_true (debrief_plot_renderer_is_zoomed (r));
  debrief_plot_reset_zoom (f->plot);

  /* Settings drive the chart. */
  g_settings_set_boolean (settings, "log-scale", TRUE);
  g_assert_true (debrief_plot_renderer_get_log_y (r));
  g_settings_set_boolean (settings, "log-scale", FALSE);
  g_settings_set_string (settings, "smoothing-method", "median");
  wait_until_ready (f->plot);
  g_assert_cmpint (debrief_plot_data_get_method (debrief_plot_renderer_get_run (r, 0)), ==, DEBRIEF_PLOT_SMOOTH_MEDIAN);
  g_settings_set_double (settings, "smoothing", 0.9);
  wait_until_ready (f->plot);
  g_assert_cmpfloat (debrief_plot_data_get_weight (debrief_plot_renderer_get_run (r, 0)), ==, 0.9);
  g_settings_reset (settings, "smoothing");
  g_settings_reset (settings, "smoothing-method");
  wait_until_ready (f->plot);

  /* A second run is overlaid; the analysis' marks follow notify::analysis
   * (the workspace analyses the run; the plot only watches). */
  debrief_workspace_add_run (f->workspace, second);
  wait_until_ready (f->plot);
  g_assert_cmpuint (debrief_plot_renderer_get_n_runs (r), ==, 2);
  debrief_test_wait_until (workspace_idle, f->workspace);
  g_assert_nonnull (debrief_run_get_analysis (second));
  /* At least the best step (validation bottoms out at the end of this run). */
  g_assert_cmpuint (debrief_plot_renderer_get_n_annotations (r), >=, 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->plot));
}

/* The series picker lists what the runs logged besides their losses; choosing
 * one draws it in place of the losses, and the default view comes back. */
static void
test_plot_series (Fixture       *f,
                  gconstpointer  data)
{
  DebriefPlotRenderer *r = debrief_plot_get_renderer (f->plot);
  g_autoptr(DebriefRun) rl = NULL;
  g_autoptr(GFile) folder = g_file_new_build_filename ("/nonexistent", "gamma", NULL);
  g_autoptr(DebriefSeries) reward = debrief_series_new ("reward", DEBRIEF_SERIES_OTHER);
  GtkDropDown *picker = GTK_DROP_DOWN (debrief_test_find_named (GTK_WIDGET (f->plot), "series"));
  GListModel *names = gtk_drop_down_get_model (picker);
  guint index = GTK_INVALID_LIST_POSITION;

  rl = debrief_run_new (folder);
  debrief_run_set_name (rl, "gamma");
  for (gint64 i = 1; i <= 200; i++)
    debrief_series_append (reward, i, 1.0 - exp (-(double) i / 50.0));
  debrief_series_finish (reward, NULL);
  debrief_run_add_series (rl, reward);
  debrief_run_set_primary_metric (rl, "reward");
  debrief_workspace_add_run (f->workspace, rl);
  wait_until_ready (f->plot);

  /* The RL run without a loss shows its primary metric by default. */
  g_assert_cmpuint (debrief_plot_renderer_get_n_runs (r), ==, 2);
  g_assert_cmpstr (debrief_plot_data_get_series_name (debrief_plot_renderer_get_run (r, 1)), ==, "reward");
  g_assert_null (debrief_plot_data_get_series_name (debrief_plot_renderer_get_run (r, 0)));

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "reward") == 0)
      index = i;
  g_assert_cmpuint (index, !=, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (index, >, 0);
  gtk_drop_down_set_selected (picker, index);
  wait_until_ready (f->plot);
  g_assert_cmpstr (debrief_plot_data_get_series_name (debrief_plot_renderer_get_run (r, 0)), ==, "reward");
  gtk_drop_down_set_selected (picker, 0);
  wait_until_ready (f->plot);
  g_assert_null (debrief_plot_data_get_series_name (debrief_plot_renderer_get_run (r, 0)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->plot));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;
  g_assert_true (debrief_plot_export_finish (DEBRIEF_PLOT (object), result, error) || *error != NULL);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static void
test_plot_export (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-plot-XXXXXX", NULL);
  g_autoptr(GFile) file = g_file_new_build_filename (dir, "view.png", NULL);
  g_autofree char *path = g_file_get_path (file);
  GError *error = NULL;
  cairo_surface_t *image;

  debrief_plot_show_step (f->plot, 5000);
  debrief_plot_export_async (f->plot, file, 640, 360, NULL, export_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);   /* the "done" marker: no export error */
  g_clear_error (&error);
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 360);
  cairo_surface_destroy (image);
  g_unlink (path);
  g_rmdir (dir);
}

/* The toolbar wraps onto more lines in a narrow pane rather than asking for
 * more width than the pane has (GTK would clip it on the left), and every
 * control stays inside the plot. */
static void
test_plot_toolbar_wraps (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *plot = GTK_WIDGET (f->plot);
  int min_width = 0, nat_width = 0, wide = 0, narrow = 0;

  g_assert_cmpint (gtk_widget_get_request_mode (plot), ==, GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH);
  gtk_widget_measure (plot, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  /* The overview pane is at least 360 px wide. */
  g_assert_cmpint (min_width, <=, 360);
  gtk_widget_measure (plot, GTK_ORIENTATION_VERTICAL, nat_width, &wide, NULL, NULL, NULL);
  gtk_widget_measure (plot, GTK_ORIENTATION_VERTICAL, 360, &narrow, NULL, NULL, NULL);
  g_assert_cmpint (narrow, >, wide);

  gtk_window_set_default_size (f->window, 360, 600);
  gtk_widget_set_size_request (GTK_WIDGET (f->window), -1, -1);
  debrief_test_iterate_for (100);
  gtk_test_widget_wait_for_draw (plot);
  g_assert_cmpint (gtk_widget_get_width (plot), <=, 400);
  for (GtkWidget *w = gtk_widget_get_first_child (plot); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (w, plot, &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (plot) + 0.5);
    }
  {
    /* Each group of controls inside the toolbar. */
    GtkWidget *toolbar = gtk_widget_get_first_child (plot);
    for (GtkWidget *w = gtk_widget_get_first_child (toolbar); w != NULL; w = gtk_widget_get_next_sibling (w))
      {
        graphene_rect_t bounds;

        g_assert_true (gtk_widget_compute_bounds (w, plot, &bounds));
        g_assert_cmpfloat (bounds.origin.x, >=, 0);
        g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (plot) + 0.5);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;

  g_test_add ("/plot/pixels", Fixture, NULL, fixture_set_up, test_plot_pixels, fixture_tear_down);
  g_test_add ("/plot/interaction", Fixture, NULL, fixture_set_up, test_plot_interaction, fixture_tear_down);
  g_test_add ("/plot/export", Fixture, NULL, fixture_set_up, test_plot_export, fixture_tear_down);
  g_test_add ("/plot/series", Fixture, NULL, fixture_set_up, test_plot_series, fixture_tear_down);
  g_test_add ("/plot/toolbar-wraps", Fixture, NULL, fixture_set_up, test_plot_toolbar_wraps, fixture_tear_down);
  return g_test_run ();
}
