/* debrief-plot-pyramid.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-plot-pyramid.h"

/* Points per block at each level. 8 keeps the extra memory at n/7 blocks while
 * a range query touches at most 2 × 7 entries per level (8 levels for 10^7). */
#define FANOUT 8
#define MAX_LEVELS 24

/* One block's summary in one place: a query reads one cache line per block. */
typedef struct
{
  double min;
  double max;
  guint8 flags;
} Block;

typedef struct
{
  gsize  n_blocks;
  Block *blocks;
} Level;

struct _DebriefPlotPyramid
{
  gatomicrefcount ref_count;
  DebriefSeries *series;
  const gint64 *steps;
  const double *values;
  double *owned_values;
  gsize n;
  guint n_levels;          /* levels above the raw points */
  Level levels[MAX_LEVELS];
};

static inline guint
flag_of (double v)
{
  if (isnan (v))
    return DEBRIEF_PLOT_NONFINITE_NAN;
  if (isinf (v))
    return v > 0 ? DEBRIEF_PLOT_NONFINITE_POS_INF : DEBRIEF_PLOT_NONFINITE_NEG_INF;
  return 0;
}

static void
build_level_from_values (Level        *level,
                         const double *values,
                         gsize         n)
{
  level->n_blocks = (n + FANOUT - 1) / FANOUT;
  level->blocks = g_new (Block, level->n_blocks);
  for (gsize b = 0; b < level->n_blocks; b++)
    {
      gsize end = MIN (n, (b + 1) * FANOUT);
      double lo = INFINITY, hi = -INFINITY;
      guint flags = 0;

      for (gsize i = b * FANOUT; i < end; i++)
        {
          double v = values[i];
          if (G_LIKELY (isfinite (v)))
            {
              lo = MIN (lo, v);
              hi = MAX (hi, v);
            }
          else
            flags |= flag_of (v);
        }
      level->blocks[b].min = lo;   /* +INF/-INF mean "no finite value" inside the pyramid */
      level->blocks[b].max = hi;
      level->blocks[b].flags = flags;
    }
}

static void
build_level_from_level (Level       *level,
                        const Level *below)
{
  level->n_blocks = (below->n_blocks + FANOUT - 1) / FANOUT;
  level->blocks = g_new (Block, level->n_blocks);
  for (gsize b = 0; b < level->n_blocks; b++)
    {
      gsize end = MIN (below->n_blocks, (b + 1) * FANOUT);
      double lo = INFINITY, hi = -INFINITY;
      guint flags = 0;

      for (gsize i = b * FANOUT; i < end; i++)
        {
          lo = MIN (lo, below->blocks[i].min);
          hi = MAX (hi, below->blocks[i].max);
          flags |= below->blocks[i].flags;
        }
      level->blocks[b].min = lo;
      level->blocks[b].max = hi;
      level->blocks[b].flags = flags;
    }
}

DebriefPlotPyramid *
debrief_plot_pyramid_new (DebriefSeries *series,
                          double        *values)
{
  DebriefPlotPyramid *self;

  g_return_val_if_fail (DEBRIEF_IS_SERIES (series), NULL);

  self = g_new0 (DebriefPlotPyramid, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->series = g_object_ref (series);
  self->n = debrief_series_get_length (series);
  self->steps = debrief_series_get_steps (series);
  self->owned_values = values;
  self->values = values != NULL ? values : debrief_series_get_values (series);

  if (self->n > FANOUT)
    {
      build_level_from_values (&self->levels[0], self->values, self->n);
      self->n_levels = 1;
      while (self->levels[self->n_levels - 1].n_blocks > FANOUT && self->n_levels < MAX_LEVELS)
        {
          build_level_from_level (&self->levels[self->n_levels], &self->levels[self->n_levels - 1]);
          self->n_levels++;
        }
    }
  return self;
}

DebriefPlotPyramid *
debrief_plot_pyramid_ref (DebriefPlotPyramid *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
debrief_plot_pyramid_unref (DebriefPlotPyramid *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint l = 0; l < self->n_levels; l++)
    {
      g_free (self->levels[l].blocks);
    }
  g_free (self->owned_values);
  g_object_unref (self->series);
  g_free (self);
}

gsize
debrief_plot_pyramid_get_length (DebriefPlotPyramid *self)
{
  return self->n;
}

const gint64 *
debrief_plot_pyramid_get_steps (DebriefPlotPyramid *self)
{
  return self->steps;
}

const double *
debrief_plot_pyramid_get_values (DebriefPlotPyramid *self)
{
  return self->values;
}

DebriefSeries *
debrief_plot_pyramid_get_series (DebriefPlotPyramid *self)
{
  return self->series;
}

gsize
debrief_plot_pyramid_get_overhead (DebriefPlotPyramid *self)
{
  gsize bytes = sizeof *self;

  for (guint l = 0; l < self->n_levels; l++)
    bytes += self->levels[l].n_blocks * sizeof (Block);
  if (self->owned_values != NULL)
    bytes += self->n * sizeof (double);
  return bytes;
}

typedef struct
{
  double lo, hi;
  guint flags;
} Accumulator;

static inline void
add_point (const DebriefPlotPyramid *self,
           Accumulator              *acc,
           guint                     level,
           gsize                     i)
{
  if (level == 0)
    {
      double v = self->values[i];

      if (G_LIKELY (isfinite (v)))
        {
          acc->lo = MIN (acc->lo, v);
          acc->hi = MAX (acc->hi, v);
        }
      else
        acc->flags |= flag_of (v);
    }
  else
    {
      const Block *block = &self->levels[level - 1].blocks[i];

      acc->lo = MIN (acc->lo, block->min);
      acc->hi = MAX (acc->hi, block->max);
      acc->flags |= block->flags;
    }
}

void
debrief_plot_pyramid_query (DebriefPlotPyramid *self,
                            gsize               begin,
                            gsize               end,
                            DebriefPlotBucket  *out)
{
  Accumulator acc = { INFINITY, -INFINITY, 0 };
  guint level = 0;   /* 0 = raw points, l > 0 = self->levels[l - 1] */
  gsize a, b;

  end = MIN (end, self->n);
  out->first_index = begin;
  out->last_index = end > 0 ? end - 1 : 0;
  out->n = end > begin ? end - begin : 0;
  out->nonfinite = 0;
  out->min = out->max = NAN;
  if (out->n == 0)
    return;

  /* Take the unaligned ends at each level, then climb to the next with what
   * is left: at most 2 × (FANOUT - 1) entries a level. */
  a = begin;
  b = end;
  while (a < b && level < self->n_levels)
    {
      while (a < b && a % FANOUT != 0)
        add_point (self, &acc, level, a++);
      while (b > a && b % FANOUT != 0)
        add_point (self, &acc, level, --b);
      a /= FANOUT;
      b /= FANOUT;
      level++;
    }
  for (gsize i = a; i < b; i++)
    add_point (self, &acc, level, i);

  out->nonfinite = acc.flags;
  if (acc.lo <= acc.hi)
    {
      out->min = acc.lo;
      out->max = acc.hi;
    }
}

gsize
debrief_plot_pyramid_lower_bound (DebriefPlotPyramid *self,
                                  double              step)
{
  gsize lo = 0, hi = self->n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if ((double) self->steps[mid] < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First index in [lo, hi) whose column is >= @column. */
static gsize
column_lower_bound (DebriefPlotPyramid *self,
                    gsize               lo,
                    gsize               hi,
                    double              x0,
                    double              x1,
                    guint               n_columns,
                    double              column)
{
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (debrief_plot_column_for_step (x0, x1, n_columns, (double) self->steps[mid]) < column)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

guint
debrief_plot_pyramid_decimate (DebriefPlotPyramid *self,
                               double              x0,
                               double              x1,
                               guint               n_columns,
                               DebriefPlotBucket  *columns)
{
  guint non_empty = 0;
  gsize begin;

  g_return_val_if_fail (x1 > x0, 0);

  begin = column_lower_bound (self, 0, self->n, x0, x1, n_columns, 0);
  for (guint c = 0; c < n_columns; c++)
    {
      /* Gallop from the column's start: the next boundary is near, and the
       * probes stay in cache instead of hopping across the whole series. */
      gsize reach = 1, end;

      while (begin + reach < self->n &&
             debrief_plot_column_for_step (x0, x1, n_columns, (double) self->steps[begin + reach]) < (double) c + 1)
        reach *= 2;
      end = column_lower_bound (self, begin + reach / 2, MIN (begin + reach, self->n), x0, x1, n_columns,
                                (double) c + 1);

      debrief_plot_pyramid_query (self, begin, end, &columns[c]);
      if (columns[c].n > 0)
        non_empty++;
      begin = end;
    }
  return non_empty;
}
