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
 * Usage: bench-plot [N] [NAIVE_N]   (defaults 10000000 and 50000)
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "debrief-core.h"

#define WIDTH 1600
#define HEIGHT 900
#define WARM_FRAMES 50
#define MOVING_FRAMES 50

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time of this thread: on a shared machine it is what the frame cost us,
 * without the time other jobs held the cores (cairo's image backend draws in
 * the calling thread). */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct
{
  double wall[64];
  double cpu[64];
  guint n;
} Frames;

static void
frame (DebriefPlotRenderer *renderer,
       cairo_t             *cr,
       Frames              *frames)
{
  double w0 = now_ms (), c0 = cpu_ms ();

  debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
  cairo_surface_flush (cairo_get_target (cr));
  frames->wall[frames->n] = now_ms () - w0;
  frames->cpu[frames->n] = cpu_ms () - c0;
  frames->n++;
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

/* Sorts @v; v[0] is then the fastest frame (least disturbed by other jobs). */
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

static void
print_frames (const char *what,
              gsize       n,
              Frames     *f)
{
  double wall = median (f->wall, f->n);
  double cpu = median (f->cpu, f->n);

  printf ("{\"bench\":\"plot\",\"what\":\"%s\",\"points\":%zu,\"width\":%d,\"height\":%d,\"frames\":%u,"
          "\"cpu_median_ms\":%.2f,\"wall_median_ms\":%.2f,\"wall_min_ms\":%.2f,\"target_ms\":8}\n",
          what, n, WIDTH, HEIGHT, f->n, cpu, wall, f->wall[0]);
}

int
main (int   argc,
      char *argv[])
{
  gsize n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 10000000;
  gsize naive_n = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 50000;
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(DebriefRun) small = NULL;
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);
  g_autoptr(DebriefPlotRenderer) renderer = debrief_plot_renderer_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  Frames cold = { 0, }, warm = { 0, }, hover = { 0, }, pan = { 0, }, zoom = { 0, };
  double t0, c0, prepare, prepare_cpu, naive[5], naive_cpu[5], naive_ms, naive_cpu_ms, warm_cpu;
  long rss_start, rss_series, rss_ready;
  DebriefPlotRect area;

  /* Fonts and pango are loaded once per process: not part of a cold frame. */
  {
    g_autoptr(DebriefPlotRenderer) warmup = debrief_plot_renderer_new ();
    debrief_plot_renderer_draw (warmup, cr, WIDTH, HEIGHT);
  }
  rss_start = rss_kib ();
  run = make_run (n);
  rss_series = rss_kib ();

  t0 = now_ms ();
  c0 = cpu_ms ();
  g_ptr_array_add (data, debrief_plot_data_new (run, DEBRIEF_PLOT_SMOOTH_EMA, 0.6));
  prepare = now_ms () - t0;
  prepare_cpu = cpu_ms () - c0;
  rss_ready = rss_kib ();
  debrief_plot_renderer_set_data (renderer, data);

  /* Cold: the first frame of new data (decimation not cached yet). */
  frame (renderer, cr, &cold);

  for (guint i = 0; i < WARM_FRAMES; i++)
    frame (renderer, cr, &warm);

  debrief_plot_renderer_get_plot_area (renderer, &area);
  for (guint i = 0; i < WARM_FRAMES; i++)
    {
      debrief_plot_renderer_set_hover (renderer, TRUE, area.x + 10 + i * 20, area.y + area.height / 2);
      frame (renderer, cr, &hover);
    }
  debrief_plot_renderer_set_hover (renderer, FALSE, 0, 0);

  debrief_plot_renderer_set_view_x (renderer, n * 0.3, n * 0.5);
  debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
  for (guint i = 0; i < MOVING_FRAMES; i++)
    {
      debrief_plot_renderer_pan (renderer, -8, 0);
      frame (renderer, cr, &pan);
    }

  debrief_plot_renderer_reset_view (renderer);
  debrief_plot_renderer_draw (renderer, cr, WIDTH, HEIGHT);
  for (guint i = 0; i < MOVING_FRAMES; i++)
    {
      /* In by 0.8× per frame for 25 frames (to ~1/260 of the run), then out. */
      debrief_plot_renderer_zoom_at (renderer, i < MOVING_FRAMES / 2 ? 0.8 : 1.25,
                                     area.x + area.width / 3, area.y + 10, FALSE);
      frame (renderer, cr, &zoom);
    }

  small = make_run (naive_n);
  naive_frame (debrief_run_get_train_loss (small), cr);   /* warm up the allocator */
  for (guint i = 0; i < 5; i++)
    {
      c0 = cpu_ms ();
      naive[i] = naive_frame (debrief_run_get_train_loss (small), cr);
      naive_cpu[i] = cpu_ms () - c0;
    }
  naive_ms = median (naive, 5);
  naive_cpu_ms = median (naive_cpu, 5);

  printf ("{\"bench\":\"plot\",\"what\":\"prepare\",\"points\":%zu,\"cpu_ms\":%.1f,\"wall_ms\":%.1f,"
          "\"note\":\"pyramids for raw + smoothed, EMA; once per run/smoothing, in a worker thread in the app\"}\n",
          n, prepare_cpu, prepare);
  print_frames ("frame_cold", n, &cold);
  print_frames ("frame_warm", n, &warm);
  print_frames ("frame_hover", n, &hover);
  print_frames ("frame_pan", n, &pan);
  print_frames ("frame_zoom", n, &zoom);
  warm_cpu = median (warm.cpu, warm.n);
  printf ("{\"bench\":\"plot\",\"what\":\"naive_line_to\",\"points\":%zu,\"cpu_median_ms\":%.1f,\"wall_median_ms\":%.1f,"
          "\"cpu_ms_at_n_linear\":%.0f}\n",
          naive_n, naive_cpu_ms, naive_ms, naive_cpu_ms * (double) n / naive_n);
  printf ("{\"bench\":\"plot\",\"what\":\"ratio\",\"naive_at_%zu_over_warm_at_%zu\":%.0f,"
          "\"naive_extrapolated_to_%zu_over_warm\":%.0f}\n",
          naive_n, n, naive_cpu_ms / warm_cpu, n, naive_cpu_ms * (double) n / naive_n / warm_cpu);
  printf ("{\"bench\":\"plot\",\"what\":\"memory\",\"rss_start_kib\":%ld,\"series_kib\":%ld,\"plot_data_kib\":%ld,"
          "\"plot_bytes_per_point\":%.1f}\n",
          rss_start, rss_series - rss_start, rss_ready - rss_series,
          (rss_ready - rss_series) * 1024.0 / n);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return 0;
}
