/* debrief-series.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Storage is two flat arrays (8 + 8 bytes per point) so that a
 * 10-million-point run stays within DESIGN.md's 32 bytes/point budget.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-series.h"

struct _DebriefSeries
{
  GObject parent_instance;

  char *name;
  char *source_key;
  DebriefSeriesKind kind;

  GArray *steps;   /* gint64 */
  GArray *values;  /* double */

  double min;
  double max;
  gsize min_index;
  gsize n_nonfinite;
  guint finished : 1;
};

G_DEFINE_FINAL_TYPE (DebriefSeries, debrief_series, G_TYPE_OBJECT)

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
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->values, g_array_unref);

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
  self->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
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

void
debrief_series_reserve (DebriefSeries *self,
                        gsize          n_points)
{
  g_return_if_fail (DEBRIEF_IS_SERIES (self));

  if (n_points > self->steps->len)
    {
      /* GArray has no reserve; growing then shrinking the length keeps the allocation. */
      guint len = self->steps->len;
      g_array_set_size (self->steps, n_points);
      g_array_set_size (self->values, n_points);
      g_array_set_size (self->steps, len);
      g_array_set_size (self->values, len);
    }
}

void
debrief_series_append (DebriefSeries *self,
                       gint64         step,
                       double         value)
{
  g_array_append_val (self->steps, step);
  g_array_append_val (self->values, value);
  self->finished = FALSE;
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

guint
debrief_series_finish (DebriefSeries *self,
                       gboolean      *out_went_backwards)
{
  gint64 *steps = (gint64 *)(gpointer)self->steps->data;
  double *values = (double *)(gpointer)self->values->data;
  gsize n = self->steps->len;
  gsize out = 0;
  gboolean backwards = FALSE;

  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);

  if (!steps_sorted (steps, n))
    {
      /* Rare (resumed runs, two writers): sort a permutation, stable by file order. */
      g_autofree StepOrder *perm = g_new (StepOrder, n);
      g_autofree double *vcopy = g_memdup2 (values, n * sizeof (double));

      backwards = TRUE;
      for (gsize i = 0; i < n; i++)
        perm[i] = (StepOrder) { steps[i], i };
      qsort (perm, n, sizeof *perm, compare_step_order);
      for (gsize i = 0; i < n; i++)
        {
          steps[i] = perm[i].step;
          values[i] = vcopy[perm[i].order];
        }
    }

  /* Keep the last value logged for each step. */
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
  g_array_set_size (self->steps, out);
  g_array_set_size (self->values, out);

  self->min = NAN;
  self->max = NAN;
  self->min_index = 0;
  self->n_nonfinite = 0;
  for (gsize i = 0; i < out; i++)
    {
      double v = values[i];

      if (!isfinite (v))
        {
          self->n_nonfinite++;
          continue;
        }
      if (isnan (self->min) || v < self->min)
        {
          self->min = v;
          self->min_index = i;
        }
      if (isnan (self->max) || v > self->max)
        self->max = v;
    }
  self->finished = TRUE;

  if (out_went_backwards)
    *out_went_backwards = backwards;
  return (guint) (n - out);
}

gsize
debrief_series_get_length (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->steps->len;
}

const gint64 *
debrief_series_get_steps (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NULL);
  return (const gint64 *)(gpointer)self->steps->data;
}

const double *
debrief_series_get_values (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NULL);
  return (const double *)(gpointer)self->values->data;
}

gint64
debrief_series_get_step (DebriefSeries *self,
                         gsize          i)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  g_return_val_if_fail (i < self->steps->len, 0);
  return g_array_index (self->steps, gint64, i);
}

double
debrief_series_get_value (DebriefSeries *self,
                          gsize          i)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NAN);
  g_return_val_if_fail (i < self->values->len, NAN);
  return g_array_index (self->values, double, i);
}

gint64
debrief_series_get_first_step (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->steps->len ? g_array_index (self->steps, gint64, 0) : 0;
}

gint64
debrief_series_get_last_step (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), 0);
  return self->steps->len ? g_array_index (self->steps, gint64, self->steps->len - 1) : 0;
}

double
debrief_series_get_last_value (DebriefSeries *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SERIES (self), NAN);
  return self->values->len ? g_array_index (self->values, double, self->values->len - 1) : NAN;
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

  steps = (const gint64 *)(gpointer)self->steps->data;
  hi = self->steps->len;
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
