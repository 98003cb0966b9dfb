/* debrief-plot-renderer-groups.c: runs drawn as groups, and colour scales
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A group (the seeds of one setting) is drawn as the mean of its members'
 * curves with a band around it (their range, or ± one standard deviation),
 * both sampled once per pixel column. Colours by a setting: a sequential
 * gradient for numbers (an LR sweep reads from dark to light), distinct hues
 * for anything else.
 */
#include "config.h"

#include "debrief-plot-renderer-private.h"

/* ---- colour scales ---- */

/* Viridis (matplotlib's perceptually even map), in nine stops. */
static const guint32 viridis[] = {
  0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725,
};

static DebriefPlotRGBA
rgb (guint32 hex)
{
  return (DebriefPlotRGBA) { ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0, (hex & 0xff) / 255.0, 1.0 };
}

DebriefPlotRGBA
debrief_plot_color_scale_sequential (const DebriefPlotColorScale *scale,
                                     double                       value,
                                     gboolean                     dark)
{
  double lo = scale->min, hi = scale->max, t, pos;
  /* Yellow vanishes on white and dark violet on black: each background skips one end. */
  double t0 = dark ? 0.22 : 0.0, t1 = dark ? 1.0 : 0.82;
  guint k;
  DebriefPlotRGBA a, b;

  if (scale->log && lo > 0 && hi > 0 && value > 0)
    {
      lo = log10 (lo);
      hi = log10 (hi);
      value = log10 (value);
    }
  t = hi > lo ? CLAMP ((value - lo) / (hi - lo), 0.0, 1.0) : 0.5;
  if (!isfinite (value))
    t = 0.5;
  pos = (t0 + t * (t1 - t0)) * (G_N_ELEMENTS (viridis) - 1);
  k = MIN ((guint) floor (pos), G_N_ELEMENTS (viridis) - 2);
  a = rgb (viridis[k]);
  b = rgb (viridis[k + 1]);
  pos -= k;
  return (DebriefPlotRGBA) { a.red + (b.red - a.red) * pos, a.green + (b.green - a.green) * pos,
                             a.blue + (b.blue - a.blue) * pos, 1.0 };
}

DebriefPlotRGBA
debrief_plot_color_scale_category (guint    index,
                                   gboolean dark)
{
  /* The GNOME palette's six hues, then four more of it. */
  static const guint32 light[] = {
    0x1c71d8, 0xe66100, 0x26a269, 0x813d9c, 0x986a44, 0x1a8a9a, 0xc01c28, 0x5e5c64, 0xc64600, 0x9141ac,
  };
  static const guint32 dark_hues[] = {
    0x62a0ea, 0xffa348, 0x57e389, 0xc061cb, 0xcdab8f, 0x5bc8d5, 0xf66151, 0xdeddda, 0xffbe6f, 0xdc8add,
  };

  return rgb (dark ? dark_hues[index % G_N_ELEMENTS (dark_hues)] : light[index % G_N_ELEMENTS (light)]);
}

void
debrief_plot_renderer_set_color_scale (DebriefPlotRenderer         *self,
                                       const DebriefPlotColorScale *scale)
{
  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));

  g_clear_pointer (&self->scale_title, g_free);
  g_clear_pointer (&self->scale_categories, g_strfreev);
  self->scale_kind = scale ? scale->kind : DEBRIEF_PLOT_SCALE_NONE;
  if (scale == NULL)
    return;
  self->scale_title = g_strdup (scale->title);
  self->scale_log = scale->log;
  self->scale_min = scale->min;
  self->scale_max = scale->max;
  self->scale_categories = g_strdupv ((char **) scale->categories);
}

void
debrief_plot_renderer_set_run_color (DebriefPlotRenderer   *self,
                                     guint                  run,
                                     const DebriefPlotRGBA *color)
{
  RunEntry *entry;

  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));
  g_return_if_fail (run < self->runs->len);

  entry = &g_array_index (self->runs, RunEntry, run);
  entry->has_color = color != NULL;
  if (color)
    entry->color = *color;
}

/* ---- groups ---- */

void
_debrief_plot_group_clear (gpointer data)
{
  Group *group = data;

  g_clear_pointer (&group->label, g_free);
  g_clear_pointer (&group->members, g_array_unref);
}

void
debrief_plot_renderer_set_groups (DebriefPlotRenderer    *self,
                                  const DebriefPlotGroup *groups,
                                  guint                   n_groups)
{
  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));

  g_array_set_size (self->groups, 0);
  for (guint i = 0; i < self->runs->len; i++)
    g_array_index (self->runs, RunEntry, i).group = -1;
  for (guint g = 0; g < n_groups; g++)
    {
      Group group = { 0 };

      group.label = g_strdup (groups[g].label);
      group.has_color = groups[g].has_color;
      group.color = groups[g].color;
      group.members = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint k = 0; k < groups[g].n_members; k++)
        {
          guint run = groups[g].members[k];
          if (run >= self->runs->len || g_array_index (self->runs, RunEntry, run).group >= 0)
            continue;
          g_array_index (self->runs, RunEntry, run).group = (int) self->groups->len;
          g_array_append_val (group.members, run);
        }
      g_array_append_val (self->groups, group);
    }
}

guint
debrief_plot_renderer_get_n_groups (DebriefPlotRenderer *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT_RENDERER (self), 0);
  return self->groups->len;
}

void
debrief_plot_renderer_set_band (DebriefPlotRenderer *self,
                                DebriefPlotBand      band)
{
  g_return_if_fail (DEBRIEF_IS_PLOT_RENDERER (self));
  self->band = band;
}

DebriefPlotBand
debrief_plot_renderer_get_band (DebriefPlotRenderer *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PLOT_RENDERER (self), DEBRIEF_PLOT_BAND_RANGE);
  return self->band;
}

DebriefPlotRGBA
_debrief_plot_renderer_group_color (DebriefPlotRenderer *self,
                                    guint                group)
{
  Group *g = &g_array_index (self->groups, Group, group);

  if (g->has_color)
    return g->color;
  return self->palette.series[group % DEBRIEF_PLOT_N_COLORS];
}

gboolean
_debrief_plot_renderer_folded (DebriefPlotRenderer *self)
{
  return self->scale_kind != DEBRIEF_PLOT_SCALE_NONE || _debrief_plot_renderer_n_shown (self) > LEGEND_MAX_RUNS;
}

guint
_debrief_plot_renderer_n_shown (DebriefPlotRenderer *self)
{
  guint n = self->groups->len;

  for (guint i = 0; i < self->runs->len; i++)
    if (g_array_index (self->runs, RunEntry, i).group < 0)
      n++;
  return n;
}

gboolean
_debrief_plot_pyramid_value_at (DebriefPlotPyramid *p,
                                double              step,
                                double             *value)
{
  gsize n = p ? debrief_plot_pyramid_get_length (p) : 0;
  const gint64 *steps;
  const double *values;
  gsize i;
  double t;

  if (n == 0)
    return FALSE;
  steps = debrief_plot_pyramid_get_steps (p);
  values = debrief_plot_pyramid_get_values (p);
  if (step < steps[0] || step > steps[n - 1])
    return FALSE;
  i = debrief_plot_pyramid_lower_bound (p, step);
  if (i < n && steps[i] == step)
    {
      *value = values[i];
      return isfinite (*value);
    }
  if (i == 0 || i >= n || !isfinite (values[i - 1]) || !isfinite (values[i]))
    return FALSE;
  t = (step - steps[i - 1]) / (double) (steps[i] - steps[i - 1]);
  *value = values[i - 1] + t * (values[i] - values[i - 1]);
  return TRUE;
}

typedef struct
{
  double mean, lo, hi;
} Column;

/* The group's mean and band per pixel column of the layer @cache. */
static gboolean
sample_group (DebriefPlotRenderer *self,
              Group               *group,
              guint                cache,
              Column              *columns,
              guint                n_columns)
{
  const Frame *f = &self->frame;
  gboolean any = FALSE;

  for (guint c = 0; c < n_columns; c++)
    {
      double step = f->x0 + (c + 0.5) * (f->x1 - f->x0) / n_columns;
      double sum = 0, sq = 0, lo = INFINITY, hi = -INFINITY;
      guint n = 0;

      for (guint k = 0; k < group->members->len; k++)
        {
          RunEntry *entry = &g_array_index (self->runs, RunEntry, g_array_index (group->members, guint, k));
          double v;

          if (!entry->visible || !_debrief_plot_renderer_layer_shown (self, entry, cache) ||
              !_debrief_plot_pyramid_value_at (_debrief_plot_run_entry_pyramid (entry, cache), step, &v))
            continue;
          n++;
          sum += v;
          sq += v * v;
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
      columns[c].mean = n ? sum / n : NAN;
      if (n == 0)
        columns[c].lo = columns[c].hi = NAN;
      else if (self->band == DEBRIEF_PLOT_BAND_STD)
        {
          double var = n > 1 ? MAX (0.0, (sq - sum * sum / n) / (n - 1)) : 0.0;
          columns[c].lo = columns[c].mean - sqrt (var);
          columns[c].hi = columns[c].mean + sqrt (var);
        }
      else
        {
          columns[c].lo = lo;
          columns[c].hi = hi;
        }
      any |= n > 0;
    }
  return any;
}

static void
draw_band (cairo_t      *cr,
           const Frame  *f,
           const Column *columns,
           guint         n_columns)
{
  guint c = 0;

  while (c < n_columns)
    {
      guint start, end;

      while (c < n_columns && isnan (columns[c].mean))
        c++;
      start = c;
      while (c < n_columns && !isnan (columns[c].mean))
        c++;
      end = c;
      if (end <= start)
        continue;
      cairo_move_to (cr, f->area.x + start + 0.5, frame_y (f, columns[start].hi));
      for (guint k = start + 1; k < end; k++)
        cairo_line_to (cr, f->area.x + k + 0.5, frame_y (f, columns[k].hi));
      for (guint k = end; k > start; k--)
        cairo_line_to (cr, f->area.x + k - 1 + 0.5, frame_y (f, columns[k - 1].lo));
      cairo_close_path (cr);
    }
  cairo_fill (cr);
}

static void
draw_mean (cairo_t      *cr,
           const Frame  *f,
           const Column *columns,
           guint         n_columns)
{
  gboolean connected = FALSE;

  for (guint c = 0; c < n_columns; c++)
    {
      double x = f->area.x + c + 0.5;
      if (isnan (columns[c].mean))
        {
          connected = FALSE;
          continue;
        }
      if (connected)
        cairo_line_to (cr, x, frame_y (f, columns[c].mean));
      else
        cairo_move_to (cr, x, frame_y (f, columns[c].mean));
      connected = TRUE;
    }
  cairo_stroke (cr);
}

void
_debrief_plot_renderer_draw_groups (DebriefPlotRenderer *self,
                                    cairo_t             *cr)
{
  const Frame *f = &self->frame;
  guint n_columns = (guint) MAX (1.0, ceil (f->area.width));
  g_autofree Column *columns = g_new (Column, n_columns);

  for (guint g = 0; g < self->groups->len; g++)
    {
      Group *group = &g_array_index (self->groups, Group, g);
      DebriefPlotRGBA color = _debrief_plot_renderer_group_color (self, g);
      /* The smoothed trend when shown, else the raw curve. */
      guint train = (self->layers & DEBRIEF_PLOT_LAYER_SMOOTHED) ? CACHE_SMOOTHED : CACHE_RAW;

      cairo_save (cr);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      if (sample_group (self, group, train, columns, n_columns))
        {
          set_color (cr, &color, 0.22);
          draw_band (cr, f, columns, n_columns);
          set_color (cr, &color, 1.0);
          cairo_set_line_width (cr, 2.0);
          draw_mean (cr, f, columns, n_columns);
        }
      if (sample_group (self, group, CACHE_VALIDATION, columns, n_columns))
        {
          static const double dashes[] = { 6.0, 4.0 };
          set_color (cr, &color, 0.12);
          draw_band (cr, f, columns, n_columns);
          set_color (cr, &color, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_set_dash (cr, dashes, 2, 0);
          draw_mean (cr, f, columns, n_columns);
        }
      cairo_restore (cr);
    }
}
