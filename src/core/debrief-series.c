/* debrief-series.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Storage is two flat arrays (8 + 8 bytes per point) so that a
 * 10-million-point run stays within DESIGN.md's 32 bytes/point budget.
 * They grow by doubling (large blocks are remapped, not copied) and are
 * trimmed in finish(). Readers append through a DebriefSeriesWriter.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-series-private.h"

struct _DebriefSeries
{
  GObject parent_instance;

  char *name;
  char *source_key;
  DebriefSeriesKind kind;

  gint64 *steps;
  double *values;
  gsize length;
  gsize capacity;
  DebriefSeriesTally tally;  /* of the points appended */

  double min;
  double max;
  gsize min_index;
  gsize n_nonfinite;
  guint finished : 1;
};

G_DEFINE_FINAL_TYPE (DebriefSeries, debrief_series, G_TYPE_OBJECT)

static const DebriefSeriesTally EMPTY_TALLY = { 0, TRUE, INFINITY, -INFINITY, 0, 0 };

GType
debrief_series_kind_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { DEBRIEF_SERIES_TRAIN_LOSS, "DEBRIEF_SERIES_TRAIN_LOSS", "train-loss" },
        { DEBRIEF_SERIES_VAL_LOSS, "DEBRIEF_SERIES_VAL_LOSS", "val-loss" },
        { DEBRIEF_SERIES_LEARNING_RATE, "DEBRIEF_SERIES_LEARNING_RATE", "learning-rate" },
        { DEBRIEF_SERIES_GRAD_NORM, "DEBRIEF_SERIES_GRAD_NORM", "grad-norm" },
        { DEBRIEF_SERIES_EPOCH, "DEBRIEF_SERIES_EPOCH", "epoch" },
        { DEBRIEF_SERIES_TOKENS, "DEBRIEF_SERIES_TOKENS", "tokens" },
        { DEBRIEF_SERIES_OTHER, "DEBRIEF_SERIES_OTHER", "other" },
        { 0, NULL, NULL }
      };
      GType id = g_enum_register_static ("DebriefSeriesKind", values);
      g_once_init_leave (&type_id, id);
    }

  return type_id;
}

static void
debrief_series_finalize (GObject *object)
{
  DebriefSeries *self = (DebriefSeries *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->source_key, g_free);
  g_clear_pointer (&self->steps, g_free);
  g_clear_pointer (&self->values, g_free);

  G_OBJECT_CLASS (debrief_series_parent_class)->finalize (object);
}

static void
debrief_series_class_init (DebriefSeriesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = debrief_series_finalize;
}

static void
debrief_series_init (DebriefSeries *self)
{
  self->tally = EMPTY_TALLY;
  self->min = NAN;
  self->max = NAN;
}

DebriefSeries *
debrief_series_new (const char        *name,
                    DebriefSeriesKind  kind)
{
  DebriefSeries *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (DEBRIEF_TYPE_SERIES, NULL);
  self->name = g_strdup (name);
  self->kind = kind;
  return self;
}

const char *
debrief_series_get_name (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NULL);
  return self->name;
}

DebriefSeriesKind
debrief_series_get_kind (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), DEBRIEF_SERIES_OTHER);
  return self->kind;
}

const char *
debrief_series_get_source_key (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NULL);
  return self->source_key ? self->source_key : self->name;
}

void
debrief_series_set_source_key (DebriefSeries *self,
                               const char    *key)
{
  g_return_if_fail (DEBRIEF_IS_SERIES (self));
  g_free (self->source_key);
  self->source_key = g_strdup (key);
}

static void
set_capacity (DebriefSeries *self,
              gsize          capacity)
{
  self->steps = g_renew (gint64, self->steps, capacity);
  self->values = g_renew (double, self->values, capacity);
  self->capacity = capacity;
}

void
debrief_series_reserve (DebriefSeries *self,
                        gsize          n_points)
{
  g_return_if_fail (DEBRIEF_IS_SERIES (self));

  if (n_points > self->capacity)
    set_capacity (self, n_points);
}

static void
grow (DebriefSeries *self,
      gsize          n_more)
{
  gsize need = self->length + n_more;

  if (need > self->capacity)
    set_capacity (self, MAX (need, MAX (self->capacity * 2, 64)));
}

void
debrief_series_append (DebriefSeries *self,
                       gint64         step,
                       double         value)
{
  DebriefSeriesWriter writer;

  debrief_series_writer_open (&writer, self);
  debrief_series_writer_append (&writer, step, value);
  debrief_series_writer_close (&writer);
}

DebriefSeries *
debrief_series_copy (DebriefSeries *series)
{
  DebriefSeries *copy;

  g_return_val_if_fail (DEBRIEF_IS_SERIES (series), NULL);

  copy = debrief_series_new (series->name, series->kind);
  debrief_series_set_source_key (copy, series->source_key);
  set_capacity (copy, series->length);
  if (series->length > 0)
    {
      memcpy (copy->steps, series->steps, series->length * sizeof (gint64));
      memcpy (copy->values, series->values, series->length * sizeof (double));
    }
  copy->length = series->length;
  copy->tally = series->tally;
  return copy;
}

void
debrief_series_writer_open (DebriefSeriesWriter *writer,
                            DebriefSeries       *series)
{
  g_return_if_fail (DEBRIEF_IS_SERIES (series));

  writer->series = series;
  writer->steps = series->steps;
  writer->values = series->values;
  writer->length = series->length;
  writer->capacity = series->capacity;
  writer->tally = series->tally;
}

static void
writer_store (DebriefSeriesWriter *writer)
{
  DebriefSeries *self = writer->series;

  self->length = writer->length;
  self->tally = writer->tally;
  self->finished = FALSE;
}

void
debrief_series_writer_reserve (DebriefSeriesWriter *writer,
                               gsize                n_more)
{
  DebriefSeries *self = writer->series;

  writer_store (writer);
  grow (self, n_more);
  writer->steps = self->steps;
  writer->values = self->values;
  writer->capacity = self->capacity;
}

void
debrief_series_writer_add_consecutive (DebriefSeriesWriter *writer,
                                       gint64               first_step,
                                       gsize                n)
{
  g_return_if_fail (writer->length + n <= writer->capacity);

  DebriefSeriesTally t = writer->tally;
  const double *values = writer->values + writer->length;

  if (n == 0)
    return;
  t.increasing &= writer->length == 0 || first_step > t.last_step;
  t.last_step = first_step + (gint64) n - 1;
  for (gsize i = 0; i < n; i++)
    {
      double v = values[i];

      writer->steps[writer->length + i] = first_step + (gint64) i;
      if (G_UNLIKELY (!isfinite (v)))
        {
          t.n_nonfinite++;
          continue;
        }
      if (v < t.min)
        {
          t.min = v;
          t.min_index = writer->length + i;
        }
      if (v > t.max)
        t.max = v;
    }
  writer->tally = t;
  writer->length += n;
}

void
debrief_series_writer_close (DebriefSeriesWriter *writer)
{
  writer_store (writer);
  memset (writer, 0, sizeof *writer);
}

typedef struct { gint64 step; gsize order; } StepOrder;

static int
compare_step_order (gconstpointer a,
                    gconstpointer b)
{
  const StepOrder *sa = a, *sb = b;

  if (sa->step != sb->step)
    return sa->step < sb->step ? -1 : 1;
  return sa->order < sb->order ? -1 : (sa->order > sb->order);
}

static gboolean
steps_sorted (const gint64 *steps,
              gsize         n)
{
  for (gsize i = 1; i < n; i++)
    if (steps[i] < steps[i - 1])
      return FALSE;
  return TRUE;
}

/* The rare case (resumed runs, two writers, repeated steps): sort by step,
 * stable in file order, and keep the last value of each step. */
static gsize
sort_and_merge (DebriefSeries *self,
                gboolean      *backwards)
{
  gint64 *steps = self->steps;
  double *values = self->values;
  gsize n = self->length;
  gsize out = 0;

  if (!steps_sorted (steps, n))
    {
      g_autofree StepOrder *perm = g_new (StepOrder, n);
      g_autofree double *vcopy = g_memdup2 (values, n * sizeof (double));

      *backwards = TRUE;
      for (gsize i = 0; i < n; i++)
        perm[i] = (StepOrder) { steps[i], i };
      qsort (perm, n, sizeof *perm, compare_step_order);
      for (gsize i = 0; i < n; i++)
        {
          steps[i] = perm[i].step;
          values[i] = vcopy[perm[i].order];
        }
    }
  for (gsize i = 0; i < n; i++)
    {
      if (out > 0 && steps[out - 1] == steps[i])
        values[out - 1] = values[i];
      else
        {
          steps[out] = steps[i];
          values[out] = values[i];
          out++;
        }
    }
  return out;
}

guint
debrief_series_finish (DebriefSeries *self,
                       gboolean      *out_went_backwards)
{
  gsize n, out;
  gboolean backwards = FALSE;

  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);

  n = self->length;
  if (!self->tally.increasing)
    {
      /* Sorted and merged: tally the points again, in their new order. */
      DebriefSeriesTally t = EMPTY_TALLY;
      const double *values;

      out = sort_and_merge (self, &backwards);
      values = self->values;
      for (gsize i = 0; i < out; i++)
        {
          double v = values[i];

          if (!isfinite (v))
            t.n_nonfinite++;
          else
            {
              if (v < t.min)
                {
                  t.min = v;
                  t.min_index = i;
                }
              if (v > t.max)
                t.max = v;
            }
        }
      t.last_step = out ? self->steps[out - 1] : 0;
      self->tally = t;
      self->length = out;
    }
  out = self->length;
  if (out < self->capacity && out > 0)
    set_capacity (self, out);

  /* The minimum and maximum over the finite values; NaN when there are none. */
  self->min = isfinite (self->tally.min) ? self->tally.min : NAN;
  self->max = isfinite (self->tally.max) ? self->tally.max : NAN;
  self->min_index = isfinite (self->tally.min) ? self->tally.min_index : 0;
  self->n_nonfinite = self->tally.n_nonfinite;
  self->finished = TRUE;

  if (out_went_backwards)
    *out_went_backwards = backwards;
  return (guint) (n - out);
}

gsize
debrief_series_get_length (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->length;
}

const gint64 *
debrief_series_get_steps (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NULL);
  return self->steps;
}

const double *
debrief_series_get_values (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NULL);
  return self->values;
}

gint64
debrief_series_get_step (DebriefSeries *self,
                         gsize          i)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  g_return_val_if_fail (i < self->length, 0);
  return self->steps[i];
}

double
debrief_series_get_value (DebriefSeries *self,
                          gsize          i)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NAN);
  g_return_val_if_fail (i < self->length, NAN);
  return self->values[i];
}

gint64
debrief_series_get_first_step (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->length ? self->steps[0] : 0;
}

gint64
debrief_series_get_last_step (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->length ? self->steps[self->length - 1] : 0;
}

double
debrief_series_get_last_value (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NAN);
  return self->length ? self->values[self->length - 1] : NAN;
}

double
debrief_series_get_min (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NAN);
  g_warn_if_fail (self->finished);
  return self->min;
}

double
debrief_series_get_max (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NAN);
  g_warn_if_fail (self->finished);
  return self->max;
}

gsize
debrief_series_get_min_index (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->min_index;
}

gsize
debrief_series_get_n_nonfinite (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->n_nonfinite;
}

gsize
debrief_series_lower_bound (DebriefSeries *self,
                            gint64         step)
{
  const gint64 *steps;
  gsize lo = 0, hi;

  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);

  steps = self->steps;
  hi = self->length;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (steps[mid] < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}
