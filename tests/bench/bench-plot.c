/* bench-plot.c: frame time of the loss plot at 10 million points (not a test)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints one JSON object per line. Frames are drawn by the same renderer as the
 * window and debrief-cli plot, into a 1600×900 cairo image surface:
 *   cold   – first frame after the data is prepared (decimation computed)
 *   warm   – the same view again (hover redraws: decimation cached)
 *   pan    – the view moved by 8 px each frame (decimation recomputed)
 *   zoom   – a new zoom level each frame, in to 1/1000 of the run and out again
 * plus a naive baseline (cairo_line_to through every point) on a smaller N, in
 * the same process, and the resident memory.
 *
 * Usage: bench-plot [N] [NAIVE_N]   (defaults 10000000 and 100000)
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debrief-core.h"
#include "debrief-plot-renderer.h"

#define WIDTH 1600
#define HEIGHT 900
#define WARM_FRAMES 50
#define MOVING_FRAMES 50

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line ? strtol (line + 6, NULL, 10) : -1;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static DebriefRun *
make_run (gsize n)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/bench");
  DebriefRun *run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) train = debrief_series_new ("loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefSeries) val = debrief_series_new ("eval_loss", DEBRIEF_SERIES_VAL_LOSS);
  GRand *rand = g_rand_new_with_seed (7);

  debrief_run_set_name (run, "bench");
  debrief_series_reserve (train, n);
  for (gsize i = 0; i < n; i++)
    {
      double v = 1.0 + 2.0 * exp (-(double) i / (n / 5.0)) + g_rand_double_range (rand, -0.2, 0.2);
      if (i == n / 3)
        v = 25.0;   /* the one spike that must show */
      debrief_series_append (train, (gint64) i, v);
      if (i % (n / 50) == 0)
        debrief_series_append (val, (gint64) i, 1.1 + 2.0 * exp (-(double) i / (n / 5.0)));
    }
  debrief_series_finish (train, NULL);
  debrief_series_finish (val, NULL);
  debrief_run_add_series (run, train);
  debrief_run_add_series (run, val);
  g_rand_free (rand);
  return run;
}

static double
naive_frame (DebriefSeries *series,
             cairo_t       *cr)
{
  gsize n = debrief_series_get_length (series);
  const gint64 *steps = debrief_series_get_steps (series);
  const double *values = debrief_series_get_values (series);
  double t0 = now_ms ();

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgba (cr, 0.1, 0.44, 0.85, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, 0, HEIGHT - values[0] * 100);
  for (gsize i = 1; i < n; i++)
    cairo_line_to (cr, (double) steps[i] * WIDTH / n, HEIGHT - values[i] * 100);
  cairo_stroke (cr);
  cairo_surface_flush (cairo_get_target (cr));
  return now_ms () - t0;
}

int
main (int   argc,
      char *argv[])
{
  gsize n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 10000000;
  gsize naive_n = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 100000;
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(DebriefRun) small = NULL;
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);
  g_autoptr(DebriefPlotRenderer) renderer = debrief_plot_renderer_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  double times[MAX (WARM_FRAMES, MOVING_FRAMES)];
  double t0, prepare, cold, warm, pan, zoom, naive, hover;
  long rss_start, rss_series, rss_ready;
  DebriefPlotRect area;
  double x0, x1;

  rss_start = rss_kib ();
  run = make_run (n);
  rss_series = rss_kib ();

  t0 = now_ms ();
  g_ptr_array_add (data, debrief_plot_data_new (run, DEBRIEF_PLOT_SMOOTH_EMA, 0.6));
  prepare = now_ms () - t0;
  rss_ready = rss_kib ();
  debrief_plot_renderer_set_data (renderer, data);

  t0 = now_ms ();
  debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
  cairo_surface_flush (surface);
  cold = now_ms () - t0;

  for (guint i = 0; i < WARM_FRAMES; i++)
    {
      t0 = now_ms ();
      debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
      cairo_surface_flush (surface);
      times[i] = now_ms () - t0;
    }
  warm = median (times, WARM_FRAMES);

  debrief_plot_renderer_get_plot_area (renderer, &area);
  for (guint i = 0; i < WARM_FRAMES; i++)
    {
      debrief_plot_renderer_set_hover (renderer, TRUE, area.x + 10 + i * 20, area.y + area.height / 2);
      t0 = now_ms ();
      debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
      cairo_surface_flush (surface);
      times[i] = now_ms () - t0;
    }
  hover = median (times, WARM_FRAMES);
  debrief_plot_renderer_set_hover (renderer, FALSE, 0, 0);

  debrief_plot_renderer_set_view_x (renderer, n * 0.3, n * 0.5);
  debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
  for (guint i = 0; i < MOVING_FRAMES; i++)
    {
      debrief_plot_renderer_pan (renderer, -8, 0);
      t0 = now_ms ();
      debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
      cairo_surface_flush (surface);
      times[i] = now_ms () - t0;
    }
  pan = median (times, MOVING_FRAMES);

  debrief_plot_renderer_reset_view (renderer);
  debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
  for (guint i = 0; i < MOVING_FRAMES; i++)
    {
      /* In by 0.8× per frame for 25 frames (to ~1/260 of the run), then out. */
      debrief_plot_renderer_zoom_at (renderer, i < MOVING_FRAMES / 2 ? 0.8 : 1.25,
                                     area.x + area.width / 3, area.y + 10, FALSE);
      t0 = now_ms ();
      debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
      cairo_surface_flush (surface);
      times[i] = now_ms () - t0;
    }
  zoom = median (times, MOVING_FRAMES);
  debrief_plot_renderer_get_view (renderer, &x0, &x1, NULL, NULL);

  small = make_run (naive_n);
  naive_frame (debrief_run_get_train_loss (small), cr);   /* warm up the allocator */
  for (guint i = 0; i < 5; i++)
    times[i] = naive_frame (debrief_run_get_train_loss (small), cr);
  naive = median (times, 5);

  printf ("{\"bench\":\"plot\",\"what\":\"prepare\",\"points\":%zu,\"ms\":%.1f,"
          "\"note\":\"pyramids for raw + smoothed, EMA; once per run/smoothing, in a worker thread in the app\"}\n",
          n, prepare);
  printf ("{\"bench\":\"plot\",\"what\":\"frame_cold\",\"points\":%zu,\"width\":%d,\"height\":%d,\"ms\":%.2f}\n",
          n, WIDTH, HEIGHT, cold);
  printf ("{\"bench\":\"plot\",\"what\":\"frame_warm\",\"points\":%zu,\"frames\":%d,\"median_ms\":%.2f,\"target_ms\":8}\n",
          n, WARM_FRAMES, warm);
  printf ("{\"bench\":\"plot\",\"what\":\"frame_hover\",\"points\":%zu,\"frames\":%d,\"median_ms\":%.2f}\n",
          n, WARM_FRAMES, hover);
  printf ("{\"bench\":\"plot\",\"what\":\"frame_pan\",\"points\":%zu,\"frames\":%d,\"median_ms\":%.2f}\n",
          n, MOVING_FRAMES, pan);
  printf ("{\"bench\":\"plot\",\"what\":\"frame_zoom\",\"points\":%zu,\"frames\":%d,\"median_ms\":%.2f}\n",
          n, MOVING_FRAMES, zoom);
  printf ("{\"bench\":\"plot\",\"what\":\"naive_line_to\",\"points\":%zu,\"median_ms\":%.1f,"
          "\"ms_per_million\":%.1f,\"extrapolated_ms_at_n\":%.0f}\n",
          naive_n, naive, naive * 1e6 / naive_n, naive * (double) n / naive_n);
  printf ("{\"bench\":\"plot\",\"what\":\"ratio\",\"naive_at_n_over_warm\":%.0f,\"naive_small_over_warm_at_n\":%.0f}\n",
          naive * (double) n / naive_n / warm, naive / warm);
  printf ("{\"bench\":\"plot\",\"what\":\"memory\",\"rss_start_kib\":%ld,\"series_kib\":%ld,\"plot_data_kib\":%ld,"
          "\"plot_bytes_per_point\":%.1f}\n",
          rss_start, rss_series - rss_start, rss_ready - rss_series,
          (rss_ready - rss_series) * 1024.0 / n);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return 0;
}
