/* test-plot.c: the plot renderer's pieces: decimation, smoothing, ticks, view, export
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-plot-ticks-private.h"
#include "debrief-test-core-utils.h"

/* ---- helpers ---- */

static DebriefSeries *
random_series (gsize    n,
               guint    n_spikes,
               gboolean with_nonfinite)
{
  DebriefSeries *s = debrief_series_new ("loss", DEBRIEF_SERIES_TRAIN_LOSS);
  gint64 step = g_test_rand_int_range (-50, 50);
  g_autofree double *values = g_new (double, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    values[i] = 2.0 + g_test_rand_double_range (-0.5, 0.5);
  /* Spikes up and down, anywhere, as the only extremes of the series. */
  for (guint k = 0; k < n_spikes && n > 0; k++)
    {
      gsize at = g_test_rand_int_range (0, (gint32) n);
      values[at] = g_test_rand_bit () ? 1000.0 + k : -1000.0 - k;
    }
  if (with_nonfinite && n > 0)
    {
      values[g_test_rand_int_range (0, (gint32) n)] = NAN;
      values[g_test_rand_int_range (0, (gint32) n)] = INFINITY;
      values[g_test_rand_int_range (0, (gint32) n)] = -INFINITY;
    }
  debrief_series_reserve (s, n);
  for (gsize i = 0; i < n; i++)
    {
      debrief_series_append (s, step, values[i]);
      /* Uneven logging: mostly every step, sometimes big gaps. */
      step += g_test_rand_int_range (0, 10) == 0 ? g_test_rand_int_range (2, 500) : 1;
    }
  debrief_series_finish (s, NULL);
  return s;
}

static guint
flag_of (double v)
{
  if (isnan (v))
    return DEBRIEF_PLOT_NONFINITE_NAN;
  if (isinf (v))
    return v > 0 ? DEBRIEF_PLOT_NONFINITE_POS_INF : DEBRIEF_PLOT_NONFINITE_NEG_INF;
  return 0;
}

static void
brute_force (const double      *values,
             gsize              begin,
             gsize              end,
             DebriefPlotBucket *out)
{
  out->n = end - begin;
  out->min = NAN;
  out->max = NAN;
  out->nonfinite = 0;
  for (gsize i = begin; i < end; i++)
    {
      if (!isfinite (values[i]))
        out->nonfinite |= flag_of (values[i]);
      else
        {
          out->min = isnan (out->min) ? values[i] : MIN (out->min, values[i]);
          out->max = isnan (out->max) ? values[i] : MAX (out->max, values[i]);
        }
    }
}

static void
assert_same_bucket (const DebriefPlotBucket *got,
                    const DebriefPlotBucket *want)
{
  g_assert_cmpuint (got->n, ==, want->n);
  g_assert_cmpuint (got->nonfinite, ==, want->nonfinite);
  if (isnan (want->min))
    {
      g_assert_true (isnan (got->min));
      g_assert_true (isnan (got->max));
    }
  else
    {
      g_assert_cmpfloat (got->min, ==, want->min);
      g_assert_cmpfloat (got->max, ==, want->max);
    }
}

/* ---- decimation ---- */

static void
test_pyramid_query_matches_brute_force (void)
{
  for (guint pass = 0; pass < 40; pass++)
    {
      gsize n = g_test_rand_int_range (0, 5000);
      g_autoptr(DebriefSeries) s = random_series (n, g_test_rand_int_range (0, 5), pass % 2);
      g_autoptr(DebriefPlotPyramid) p = debrief_plot_pyramid_new (s, NULL);
      const double *values = debrief_series_get_values (s);

      for (guint q = 0; q < 200 && n > 0; q++)
        {
          gsize a = g_test_rand_int_range (0, (gint32) n + 1);
          gsize b = g_test_rand_int_range (0, (gint32) n + 1);
          DebriefPlotBucket got, want;

          if (a > b)
            {
              gsize t = a; a = b; b = t;
            }
          debrief_plot_pyramid_query (p, a, b, &got);
          brute_force (values, a, b, &want);
          assert_same_bucket (&got, &want);
        }
    }
}

/* The property that matters: at any zoom, every column holds exactly the
 * extremes of its points, so a planted spike is in its column's min or max. */
static void
test_decimation_keeps_every_extreme (void)
{
  for (guint pass = 0; pass < 60; pass++)
    {
      gsize n = g_test_rand_int_range (1, 40000);
      guint n_spikes = g_test_rand_int_range (1, 8);
      g_autoptr(DebriefSeries) s = random_series (n, n_spikes, pass % 3 == 0);
      g_autoptr(DebriefPlotPyramid) p = debrief_plot_pyramid_new (s, NULL);
      const gint64 *steps = debrief_series_get_steps (s);
      const double *values = debrief_series_get_values (s);
      double first = steps[0], last = steps[n - 1];
      double span = MAX (last - first, 1.0);
      guint n_columns = g_test_rand_int_range (1, 1700);
      /* Random zooms, including views partly or wholly outside the data. */
      double x0 = first + g_test_rand_double_range (-0.2, 0.9) * span;
      double x1 = x0 + g_test_rand_double_range (1e-3, 1.3) * span;
      g_autofree DebriefPlotBucket *cols = g_new (DebriefPlotBucket, n_columns);
      g_autofree gsize *begin = g_new0 (gsize, n_columns + 1);
      gsize i = 0;
      guint spikes_in_view = 0, spikes_seen = 0;

      debrief_plot_pyramid_decimate (p, x0, x1, n_columns, cols);

      /* Brute force: walk every point, assign it to its column. */
      while (i < n && debrief_plot_column_for_step (x0, x1, n_columns, steps[i]) < 0)
        i++;
      for (guint c = 0; c < n_columns; c++)
        {
          DebriefPlotBucket want;
          gsize start = i;

          while (i < n && debrief_plot_column_for_step (x0, x1, n_columns, steps[i]) == c)
            i++;
          brute_force (values, start, i, &want);
          assert_same_bucket (&cols[c], &want);
          if (want.n > 0)
            {
              g_assert_cmpuint (cols[c].first_index, ==, start);
              g_assert_cmpuint (cols[c].last_index, ==, i - 1);
            }
          for (gsize k = start; k < i; k++)
            if (fabs (values[k]) >= 1000.0 && isfinite (values[k]))
              {
                spikes_in_view++;
                /* The column's stroke, from min to max, reaches the spike. */
                if (values[k] <= cols[c].max && values[k] >= cols[c].min)
                  spikes_seen++;
              }
        }
      g_assert_cmpuint (spikes_seen, ==, spikes_in_view);
    }
}

static void
test_decimation_ten_million_one_spike (void)
{
  const gsize n = 10 * 1000 * 1000;
  g_autoptr(DebriefSeries) s = debrief_series_new ("loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefPlotPyramid) p = NULL;
  gsize spike = g_test_rand_int_range (0, (gint32) n);
  DebriefPlotBucket cols[1600];
  guint found = 0;

  if (!g_test_slow () && !g_test_thorough ())
    {
      /* Still big enough that a sampler would miss the spike. */
    }
  debrief_series_reserve (s, n);
  for (gsize i = 0; i < n; i++)
    debrief_series_append (s, (gint64) i, i == spike ? 50.0 : 1.0 + (i % 7) * 0.01);
  debrief_series_finish (s, NULL);
  p = debrief_plot_pyramid_new (s, NULL);
  debrief_plot_pyramid_decimate (p, 0, (double) n, G_N_ELEMENTS (cols), cols);
  for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
    if (cols[c].max == 50.0)
      {
        found++;
        g_assert_cmpuint (cols[c].first_index, <=, spike);
        g_assert_cmpuint (cols[c].last_index, >=, spike);
      }
  g_assert_cmpuint (found, ==, 1);
  /* Small overhead: levels are n/7 blocks of 24 bytes (under 4 bytes a point). */
  g_assert_cmpuint (debrief_plot_pyramid_get_overhead (p), <, n * 4);
}

/* ---- smoothing ---- */

static void
test_smooth_ema_by_hand (void)
{
  /* TensorBoard with weight 0.5 over 1, 2, NaN, 3:
   * last = 0.5, 1.25, -, 2.125; debias 0.5, 0.75, -, 0.875. */
  const double in[] = { 1.0, 2.0, NAN, 3.0 };
  double out[4];

  debrief_plot_smooth_ema (in, 4, 0.5, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 1.25 / 0.75, 1e-12);
  g_assert_true (isnan (out[2]));
  g_assert_cmpfloat_with_epsilon (out[3], 2.125 / 0.875, 1e-12);

  /* Weight 0 is no smoothing at all. */
  debrief_plot_smooth_ema (in, 4, 0.0, out);
  g_assert_cmpfloat (out[1], ==, 2.0);
  g_assert_cmpfloat (out[3], ==, 3.0);
}

static void
test_smooth_median_by_hand (void)
{
  const double in[] = { 5.0, 1.0, 4.0, 2.0, 3.0, INFINITY, 7.0 };
  /* Windows of 3, cut at the ends, the infinite point left out but kept as data:
   * {5,1} {5,1,4} {1,4,2} {4,2,3} {2,3} (inf) {7} */
  const double want[] = { 3.0, 4.0, 2.0, 3.0, 2.5, INFINITY, 7.0 };
  double out[G_N_ELEMENTS (in)];

  debrief_plot_smooth_median (in, G_N_ELEMENTS (in), 1, out);
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    g_assert_cmpfloat (out[i], ==, want[i]);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
test_smooth_median_matches_brute_force (void)
{
  for (guint pass = 0; pass < 30; pass++)
    {
      gsize n = g_test_rand_int_range (1, 400);
      gsize half = g_test_rand_int_range (0, 60);
      g_autofree double *in = g_new (double, n);
      g_autofree double *out = g_new (double, n);
      g_autofree double *window = g_new (double, n);

      for (gsize i = 0; i < n; i++)
        in[i] = g_test_rand_int_range (0, 8) == 0 ? NAN : round (g_test_rand_double_range (0, 20));
      debrief_plot_smooth_median (in, n, half, out);
      for (gsize i = 0; i < n; i++)
        {
          gsize m = 0;
          if (isnan (in[i]))
            {
              g_assert_true (isnan (out[i]));
              continue;
            }
          for (gsize k = (i >= half ? i - half : 0); k <= MIN (n - 1, i + half); k++)
            if (isfinite (in[k]))
              window[m++] = in[k];
          qsort (window, m, sizeof (double), compare_doubles);
          g_assert_cmpfloat (out[i], ==, (window[(m - 1) / 2] + window[m / 2]) / 2);
        }
    }
}

static void
test_smooth_does_not_move_along_x (void)
{
  /* An isolated spike: the smoothed peak stays at the spike's own index. */
  double in[101], out[101];
  gsize peak = 0;

  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    in[i] = i == 50 ? 10.0 : 1.0;
  debrief_plot_smooth_ema (in, G_N_ELEMENTS (in), 0.9, out);
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    if (out[i] > out[peak])
      peak = i;
  g_assert_cmpuint (peak, ==, 50);
  g_assert_cmpfloat_with_epsilon (out[49], 1.0, 1e-9);   /* nothing before it moves */

  /* A step: the centred median switches exactly at the step. */
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    in[i] = i < 50 ? 1.0 : 2.0;
  debrief_plot_smooth_median (in, G_N_ELEMENTS (in), 7, out);
  g_assert_cmpfloat (out[49], ==, 1.0);
  g_assert_cmpfloat (out[50], ==, 2.0);
}

/* ---- ticks ---- */

static void
assert_ticks (GArray      *ticks,
              const char **labels)
{
  guint n = g_strv_length ((char **) labels);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < ticks->len; i++)
    g_string_append_printf (got, "%s ", g_array_index (ticks, DebriefPlotTick, i).label);
  g_test_message ("ticks: %s", got->str);
  g_assert_cmpuint (ticks->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_array_index (ticks, DebriefPlotTick, i).label, ==, labels[i]);
}

static void
test_ticks (void)
{
  g_autoptr(GArray) a = debrief_plot_ticks_linear (0.0, 1.0, 6, DEBRIEF_PLOT_TICKS_REAL);
  g_autoptr(GArray) b = debrief_plot_ticks_linear (1.0, 10000.0, 6, DEBRIEF_PLOT_TICKS_INTEGER);
  g_autoptr(GArray) c = debrief_plot_ticks_linear (0.0, 3.0, 20, DEBRIEF_PLOT_TICKS_INTEGER);
  g_autoptr(GArray) d = debrief_plot_ticks_log (0.01, 100.0, 6);
  g_autoptr(GArray) e = debrief_plot_ticks_linear (1.23, 1.31, 5, DEBRIEF_PLOT_TICKS_REAL);
  g_autoptr(GArray) f = debrief_plot_ticks_linear (0, 2.5e6, 6, DEBRIEF_PLOT_TICKS_INTEGER);
  g_autoptr(GArray) g = debrief_plot_ticks_log (1.5, 3.0, 6);
  const char *want_a[] = { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0", NULL };
  const char *want_b[] = { "2k", "4k", "6k", "8k", "10k", NULL };
  const char *want_c[] = { "0", "1", "2", "3", NULL };   /* no 0.5 steps on a step axis */
  const char *want_d[] = { "0.01", "0.1", "1", "10", "100", NULL };
  const char *want_e[] = { "1.24", "1.26", "1.28", "1.30", NULL };
  const char *want_f[] = { "0", "500k", "1M", "1.5M", "2M", "2.5M", NULL };
  char buf[32];

  assert_ticks (a, want_a);
  assert_ticks (b, want_b);
  assert_ticks (c, want_c);
  assert_ticks (d, want_d);
  assert_ticks (e, want_e);
  assert_ticks (f, want_f);
  /* Under a decade, a log axis gets linear ticks inside the range. */
  g_assert_cmpuint (g->len, >=, 3);
  for (guint i = 0; i < g->len; i++)
    {
      double v = g_array_index (g, DebriefPlotTick, i).value;
      g_assert_cmpfloat (v, >=, 1.5);
      g_assert_cmpfloat (v, <=, 3.0);
    }
  /* Empty and degenerate ranges give no ticks, not a crash. */
  {
    g_autoptr(GArray) none = debrief_plot_ticks_linear (1.0, 1.0, 5, DEBRIEF_PLOT_TICKS_REAL);
    g_autoptr(GArray) nolog = debrief_plot_ticks_log (-1.0, 1.0, 5);
    g_autoptr(GArray) nan = debrief_plot_ticks_linear (NAN, 1.0, 5, DEBRIEF_PLOT_TICKS_REAL);
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_cmpuint (nolog->len, ==, 0);
    g_assert_cmpuint (nan->len, ==, 0);
  }
  debrief_plot_ticks_format (-0.0, 0.5, DEBRIEF_PLOT_TICKS_REAL, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.0");
}

/* ---- renderer ---- */

static DebriefRun *
make_run (const char *name,
          gsize       n,
          gsize       spike_at,
          gboolean    diverge)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent/run");
  DebriefRun *run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) train = debrief_series_new ("loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefSeries) val = debrief_series_new ("eval_loss", DEBRIEF_SERIES_VAL_LOSS);
  g_autoptr(DebriefSeries) epoch = debrief_series_new ("epoch", DEBRIEF_SERIES_EPOCH);

  debrief_run_set_name (run, name);
  debrief_series_reserve (train, n);
  for (gsize i = 1; i <= n; i++)
    {
      double v = 1.0 + 2.0 * exp (-(double) i / (n / 4.0)) + 0.05 * sin (i * 0.7);
      if (i == spike_at)
        v = 8.0;
      if (diverge && i > n * 9 / 10)
        v = NAN;
      debrief_series_append (train, (gint64) i, v);
      debrief_series_append (epoch, (gint64) i, (double) i / (n / 4.0));
      if (i % (n / 8) == 0)
        debrief_series_append (val, (gint64) i, 1.2 + 1.5 * exp (-(double) i / (n / 4.0)));
    }
  debrief_series_finish (train, NULL);
  debrief_series_finish (val, NULL);
  debrief_series_finish (epoch, NULL);
  debrief_run_add_series (run, train);
  debrief_run_add_series (run, val);
  debrief_run_add_series (run, epoch);
  return run;
}

static DebriefPlotRenderer *
make_renderer (guint    n_runs,
               gsize    n,
               gsize    spike_at,
               gboolean diverge)
{
  DebriefPlotRenderer *r = debrief_plot_renderer_new ();
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);

  for (guint i = 0; i < n_runs; i++)
    {
      g_autofree char *name = g_strdup_printf ("run-%u", i);
      g_autoptr(DebriefRun) run = make_run (name, n, spike_at, diverge && i == 0);
      g_ptr_array_add (data, debrief_plot_data_new (run, DEBRIEF_PLOT_SMOOTH_EMA, 0.6));
    }
  debrief_plot_renderer_set_data (r, data);
  return r;
}

static gboolean
pixel_differs (cairo_surface_t       *surface,
               int                    x,
               int                    y,
               const DebriefPlotRGBA *bg)
{
  guint8 *row = cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface);
  guint32 px = ((guint32 *) row)[x];
  int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

  return abs (r - (int) (bg->red * 255)) + abs (g - (int) (bg->green * 255)) + abs (b - (int) (bg->blue * 255)) > 24;
}

static void
test_render_spike_is_drawn (void)
{
  const gsize n = 2 * 1000 * 1000;
  gsize spike = g_test_rand_int_range (n / 10, n - n / 10);
  g_autoptr(DebriefPlotRenderer) r = make_renderer (1, n, spike, FALSE);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 450);
  cairo_t *cr = cairo_create (surface);
  DebriefPlotPalette palette;
  DebriefPlotRect area;
  double x, y_top, y_base;
  guint lit = 0;

  debrief_plot_palette_init (&palette, FALSE);
  debrief_plot_renderer_set_palette (r, &palette);
  debrief_plot_renderer_draw (r, cr, 800, 450);
  cairo_surface_flush (surface);
  g_assert_true (debrief_plot_renderer_get_plot_area (r, &area));

  /* The y axis reaches the spike. */
  g_assert_cmpfloat (debrief_plot_renderer_y_to_value (r, area.y), >=, 8.0);
  x = debrief_plot_renderer_step_to_x (r, (double) spike);
  y_top = debrief_plot_renderer_value_to_y (r, 8.0);
  y_base = debrief_plot_renderer_value_to_y (r, 4.0);
  /* Every pixel row between the spike's tip and well above the curve is lit in its column. */
  for (int y = (int) ceil (y_top) + 1; y < (int) y_base; y++)
    {
      gboolean any = FALSE;
      for (int dx = -1; dx <= 1; dx++)
        any |= pixel_differs (surface, (int) x + dx, y, &palette.background);
      lit += any;
    }
  g_assert_cmpuint (lit, ==, (guint) ((int) y_base - (int) ceil (y_top) - 1));
  /* ... and the same rows a few columns away are empty (grid lines aside). */
  g_assert_false (pixel_differs (surface, (int) x + 40, (int) ((y_top + y_base) / 2), &palette.background) &&
                  pixel_differs (surface, (int) x - 40, (int) ((y_top + y_base) / 2), &palette.background));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_render_nonfinite_does_not_crash (void)
{
  g_autoptr(DebriefPlotRenderer) r = make_renderer (2, 1000, 500, TRUE);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 360);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *summary = NULL;

  debrief_plot_renderer_set_log_y (r, TRUE);
  debrief_plot_renderer_set_x_unit (r, DEBRIEF_PLOT_X_EPOCHS);
  g_assert_cmpint (debrief_plot_renderer_get_x_unit (r), ==, DEBRIEF_PLOT_X_EPOCHS);
  debrief_plot_renderer_draw (r, cr, 640, 360);
  debrief_plot_renderer_set_hover (r, TRUE, 400, 200);
  debrief_plot_renderer_draw (r, cr, 640, 360);
  /* Degenerate sizes. */
  debrief_plot_renderer_draw (r, cr, 1, 1);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  summary = debrief_plot_renderer_describe (r);
  g_assert_nonnull (strstr (summary, "2 runs"));
  g_assert_nonnull (strstr (summary, "not finite"));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_view_zoom_pan_reset (void)
{
  g_autoptr(DebriefPlotRenderer) r = make_renderer (1, 10000, 0, FALSE);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1000, 500);
  cairo_t *cr = cairo_create (surface);
  DebriefPlotRect area;
  double x0, x1, y0, y1, mid;
  g_autofree char *tip = NULL;

  debrief_plot_renderer_draw (r, cr, 1000, 500);
  debrief_plot_renderer_get_view (r, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat (x0, ==, 1);
  g_assert_cmpfloat (x1, ==, 10000);
  g_assert_false (debrief_plot_renderer_is_zoomed (r));
  g_assert_true (debrief_plot_renderer_get_plot_area (r, &area));

  /* Zoom in 2× about the middle: the middle step stays put. */
  mid = area.x + area.width / 2;
  {
    double before = debrief_plot_renderer_x_to_step (r, mid);
    debrief_plot_renderer_zoom_at (r, 0.5, mid, area.y + 10, FALSE);
    debrief_plot_renderer_get_view (r, &x0, &x1, NULL, NULL);
    g_assert_cmpfloat_with_epsilon (x1 - x0, 9999.0 / 2, 1e-6);
    /* The anchor keeps its place in the view (the frame may move by a label width). */
    g_assert_cmpfloat_with_epsilon ((before - x0) / (x1 - x0), 0.5, 1e-9);
    debrief_plot_renderer_draw (r, cr, 1000, 500);
    g_assert_true (debrief_plot_renderer_get_plot_area (r, &area));
    g_assert_true (debrief_plot_renderer_is_zoomed (r));
  }
  /* Pan right by 100 px moves the view left by 100 px worth of steps. */
  debrief_plot_renderer_get_view (r, &x0, &x1, NULL, NULL);
  debrief_plot_renderer_pan (r, 100, 0);
  {
    double a, b;
    debrief_plot_renderer_get_view (r, &a, &b, NULL, NULL);
    g_assert_cmpfloat_with_epsilon (a, x0 - 100 * (x1 - x0) / area.width, 1e-6);
  }
  /* A rectangle sets both axes. */
  debrief_plot_renderer_draw (r, cr, 1000, 500);
  debrief_plot_renderer_zoom_to_rect (r, area.x, area.y, area.x + area.width / 4, area.y + area.height / 2);
  debrief_plot_renderer_get_view (r, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y1, >, y0);
  /* Show a step: centred on it, y automatic again. */
  debrief_plot_renderer_show_step (r, 7000, 7000);
  debrief_plot_renderer_get_view (r, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat_with_epsilon ((x0 + x1) / 2, 7000, 1e-6);
  g_assert_cmpfloat (x1 - x0, <, 9999);
  /* Reset. */
  debrief_plot_renderer_reset_view (r);
  g_assert_false (debrief_plot_renderer_is_zoomed (r));

  debrief_plot_renderer_draw (r, cr, 1000, 500);
  tip = debrief_plot_renderer_describe_step (r, 5000, FALSE);
  g_assert_nonnull (strstr (tip, "Step 5000"));
  g_assert_nonnull (strstr (tip, "raw"));
  g_assert_nonnull (strstr (tip, "smoothed"));
  g_assert_nonnull (strstr (tip, "validation"));

  /* The legend toggles layers. */
  for (guint i = 0; i < 3; i++)
    {
      int hit = -1;
      for (double x = 0; x < 1000 && hit < 0; x += 2)
        {
          int h = debrief_plot_renderer_legend_hit (r, x, 20);
          if (h == (int) i)
            hit = h;
        }
      g_assert_cmpint (hit, ==, (int) i);
      debrief_plot_renderer_toggle_legend (r, hit);
    }
  g_assert_cmpint (debrief_plot_renderer_get_layers (r), ==, 0);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ---- export ---- */

static void
check_xml (const char *path)
{
  static const GMarkupParser parser = { 0, };
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) ctx = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_nonnull (strstr (contents, "<svg"));
  ctx = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  /* GMarkup does not read DTDs: drop the <?xml ...?> header. */
  g_assert_true (g_markup_parse_context_parse (ctx, strstr (contents, "<svg"), -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
}

static void
test_export_files (void)
{
  g_autoptr(DebriefPlotRenderer) r = make_renderer (2, 5000, 1234, FALSE);
  g_autofree char *dir = g_dir_make_tmp ("debrief-plot-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "plot.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "plot.SVG", NULL);
  g_autofree char *pdf = g_build_filename (dir, "plot.pdf", NULL);
  g_autofree char *bad = g_build_filename (dir, "plot.gif", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "plot.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  cairo_surface_t *image;
  static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  DebriefPlotAnnotation notes[] = {
    { DEBRIEF_PLOT_ANNOTATION_SPIKE, 0, 1234, 1234, NULL },
    { DEBRIEF_PLOT_ANNOTATION_BEST_STEP, 1, 2500, 2500, "Best" },
    { DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION, 0, 3000, 5000, NULL },
    { DEBRIEF_PLOT_ANNOTATION_DIVERGENCE, 0, 4000, 4000, NULL },
  };

  debrief_plot_renderer_set_annotations (r, notes, G_N_ELEMENTS (notes));
  g_assert_true (debrief_plot_renderer_export (r, png, 1200, 700, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  g_assert_cmpuint (len, >, sizeof png_signature);
  g_assert_cmpmem (contents, sizeof png_signature, png_signature, sizeof png_signature);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1200);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 700);
  cairo_surface_destroy (image);

  g_assert_true (debrief_plot_renderer_export (r, svg, 800, 450, &error));
  g_assert_no_error (error);
  check_xml (svg);

  g_clear_pointer (&contents, g_free);
  g_assert_true (debrief_plot_renderer_export (r, pdf, 800, 450, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_nonnull (g_strrstr_len (contents + len - MIN (len, 64), MIN (len, 64), "%%EOF"));

  g_assert_false (debrief_plot_renderer_export (r, bad, 800, 450, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "plot.gif"));
  g_clear_error (&error);
  g_assert_false (debrief_plot_renderer_export (r, missing, 800, 450, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_unlink (png);
  g_unlink (svg);
  g_unlink (pdf);
  g_rmdir (dir);
}

/* The tooltip text with several runs: one line per run, named. */
static void
test_describe_step_several (void)
{
  g_autoptr(DebriefPlotRenderer) r = make_renderer (2, 8000, 0, FALSE);
  g_autofree char *all = NULL;
  g_autofree char *validation = NULL;

  all = debrief_plot_renderer_describe_step (r, 4000, TRUE);
  g_assert_true (g_str_has_prefix (all, "<b>Step 4000</b>\nrun-0: raw "));
  g_assert_nonnull (strstr (all, "\nrun-1: raw "));
  g_assert_nonnull (strstr (all, "  smoothed "));
  g_assert_nonnull (strstr (all, "  validation "));
  g_assert_nonnull (strstr (all, " (step 4000)"));
  /* Validation alone: the title is the step asked about, the line names the run. */
  debrief_plot_renderer_set_layers (r, DEBRIEF_PLOT_LAYER_VALIDATION);
  validation = debrief_plot_renderer_describe_step (r, 4010, FALSE);
  g_assert_true (g_str_has_prefix (validation, "Step 4010\nrun-0: validation "));
  g_assert_nonnull (strstr (validation, "\nrun-1: validation "));
  g_assert_null (strstr (validation, "raw"));
}

/* The chart files of debrief-cli plot and of the report's loss.png. */
static void
test_write_runs (void)
{
  g_autoptr(DebriefRun) run = debrief_test_load_run ("runs", "overfit", NULL);
  g_autoptr(DebriefAnalysis) analysis = debrief_analysis_run (run, NULL, NULL);
  g_autoptr(GPtrArray) runs = g_ptr_array_new ();
  g_autoptr(GPtrArray) analyses = g_ptr_array_new ();
  g_autofree char *dir = g_dir_make_tmp ("debrief-plot-XXXXXX", NULL);
  g_autofree char *marked = g_build_filename (dir, "marked.png", NULL);
  g_autofree char *again = g_build_filename (dir, "again.png", NULL);
  g_autofree char *bare = g_build_filename (dir, "bare.png", NULL);
  g_autofree char *dark = g_build_filename (dir, "dark.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "plot.jpeg", NULL);
  g_autoptr(GError) error = NULL;
  DebriefPlotImageOptions options;
  cairo_surface_t *image;

  g_assert_nonnull (analysis);
  g_ptr_array_add (runs, run);
  g_ptr_array_add (analyses, analysis);
  debrief_plot_image_options_init (&options);
  options.width = 900;
  options.height = 500;

  g_assert_true (debrief_plot_write_runs (runs, analyses, &options, marked, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (marked);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 900);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 500);
  cairo_surface_destroy (image);
  /* The same input draws the same pixels; the analysis' marks show. */
  g_assert_true (debrief_plot_write_runs (runs, analyses, &options, again, &error));
  g_assert_true (debrief_test_png_equal (marked, again));
  g_assert_true (debrief_plot_write_runs (runs, NULL, &options, bare, &error));
  g_assert_false (debrief_test_png_equal (marked, bare));
  options.dark = TRUE;
  g_assert_true (debrief_plot_write_runs (runs, analyses, &options, dark, &error));
  g_assert_false (debrief_test_png_equal (marked, dark));

  g_assert_false (debrief_plot_write_runs (runs, analyses, &options, bad, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "plot.jpeg"));

  /* What the x axis can show, without preparing the plot data. */
  {
    g_autoptr(DebriefRun) healthy = debrief_test_load_run ("runs", "healthy", NULL);   /* logs epochs */
    DebriefRun *both[] = { run, healthy };

    g_assert_true (debrief_plot_data_run_has_unit (healthy, DEBRIEF_PLOT_X_EPOCHS));
    g_assert_false (debrief_plot_data_run_has_unit (healthy, DEBRIEF_PLOT_X_TOKENS));
    for (guint i = 0; i < G_N_ELEMENTS (both); i++)
      {
        DebriefPlotData *d = debrief_plot_data_new (both[i], DEBRIEF_PLOT_SMOOTH_EMA, 0.6);

        for (DebriefPlotXUnit unit = DEBRIEF_PLOT_X_STEPS; unit <= DEBRIEF_PLOT_X_TOKENS; unit++)
          g_assert_cmpint (debrief_plot_data_run_has_unit (both[i], unit), ==, debrief_plot_data_has_unit (d, unit));
        debrief_plot_data_unref (d);
      }
  }
  debrief_test_remove_tree (dir);
}

static void
test_resmooth_keeps_view (void)
{
  g_autoptr(DebriefPlotRenderer) r = make_renderer (1, 1000, 0, FALSE);
  DebriefPlotData *d = debrief_plot_renderer_get_run (r, 0);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);
  double x0, x1;

  debrief_plot_renderer_set_view_x (r, 100, 200);
  g_ptr_array_add (again, debrief_plot_data_resmooth (d, DEBRIEF_PLOT_SMOOTH_MEDIAN, 0.9));
  g_assert_true (debrief_plot_data_get_train (g_ptr_array_index (again, 0)) == debrief_plot_data_get_train (d));
  debrief_plot_renderer_set_data (r, again);
  debrief_plot_renderer_get_view (r, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat (x0, ==, 100);
  g_assert_cmpfloat (x1, ==, 200);
  /* The epoch mapping goes both ways. */
  d = debrief_plot_renderer_get_run (r, 0);
  g_assert_cmpfloat_with_epsilon (debrief_plot_data_step_to_unit (d, DEBRIEF_PLOT_X_EPOCHS, 500), 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (debrief_plot_data_unit_to_step (d, DEBRIEF_PLOT_X_EPOCHS, 2.0), 500, 1e-9);
  g_assert_false (debrief_plot_data_has_unit (d, DEBRIEF_PLOT_X_TOKENS));
}

/* Each run opens on its primary series: an RL run on its reward even when it
 * logged a loss (GRPO's surrogate), with the held-out counterpart as the
 * validation line; its loss stays one choice away. */
static void
test_primary_series_first (void)
{
  g_autoptr(DebriefRun) grpo = debrief_test_load_run ("public", "grpo-unsloth-gemma3-1b-lora-gsm8k-250steps", NULL);
  g_autoptr(DebriefRun) tinker = debrief_test_load_run ("public", "rl-tinker-qwen3-4b-ifeval-judge-113steps", NULL);
  g_autoptr(DebriefRun) sft = debrief_test_load_run ("runs", "healthy", NULL);
  DebriefPlotData *d;

  g_assert_nonnull (debrief_run_get_train_loss (grpo));
  d = debrief_plot_data_new_for_series (grpo, NULL, DEBRIEF_PLOT_SMOOTH_EMA, 0.6);
  g_assert_cmpstr (debrief_plot_data_get_series_name (d), ==, "reward");
  g_assert_null (debrief_plot_data_get_held_out_name (d));
  debrief_plot_data_unref (d);
  d = debrief_plot_data_new_for_series (grpo, "train_loss", DEBRIEF_PLOT_SMOOTH_EMA, 0.6);
  g_assert_null (debrief_plot_data_get_series_name (d));
  g_assert_nonnull (debrief_plot_data_get_train (d));
  debrief_plot_data_unref (d);

  d = debrief_plot_data_new_for_series (tinker, NULL, DEBRIEF_PLOT_SMOOTH_EMA, 0.6);
  g_assert_cmpstr (debrief_plot_data_get_series_name (d), ==, "env/all/reward/total");
  g_assert_cmpstr (debrief_plot_data_get_held_out_name (d), ==, "test/env/all/reward/total");
  g_assert_nonnull (debrief_plot_data_get_validation (d));
  debrief_plot_data_unref (d);

  d = debrief_plot_data_new_for_series (sft, NULL, DEBRIEF_PLOT_SMOOTH_EMA, 0.6);
  g_assert_null (debrief_plot_data_get_series_name (d));
  g_assert_nonnull (debrief_plot_data_get_validation (d));
  debrief_plot_data_unref (d);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/plot/pyramid/query", test_pyramid_query_matches_brute_force);
  g_test_add_func ("/plot/decimate/keeps-every-extreme", test_decimation_keeps_every_extreme);
  g_test_add_func ("/plot/decimate/ten-million-one-spike", test_decimation_ten_million_one_spike);
  g_test_add_func ("/plot/smooth/ema-by-hand", test_smooth_ema_by_hand);
  g_test_add_func ("/plot/smooth/median-by-hand", test_smooth_median_by_hand);
  g_test_add_func ("/plot/smooth/median-brute-force", test_smooth_median_matches_brute_force);
  g_test_add_func ("/plot/smooth/no-x-shift", test_smooth_does_not_move_along_x);
  g_test_add_func ("/plot/ticks", test_ticks);
  g_test_add_func ("/plot/render/spike-drawn", test_render_spike_is_drawn);
  g_test_add_func ("/plot/render/nonfinite", test_render_nonfinite_does_not_crash);
  g_test_add_func ("/plot/view", test_view_zoom_pan_reset);
  g_test_add_func ("/plot/export", test_export_files);
  g_test_add_func ("/plot/write-runs", test_write_runs);
  g_test_add_func ("/plot/describe-step/several", test_describe_step_several);
  g_test_add_func ("/plot/resmooth", test_resmooth_keeps_view);
  g_test_add_func ("/plot/primary-series-first", test_primary_series_first);

  return g_test_run ();
}
