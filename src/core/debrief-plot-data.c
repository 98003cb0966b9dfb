/* debrief-plot-data.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-analysis.h"
#include "debrief-plot-data.h"
#include "debrief-plot-renderer.h"

typedef struct
{
  double *steps;
  double *values;   /* non-decreasing */
  gsize n;
} Mapping;

struct _DebriefPlotData
{
  gatomicrefcount ref_count;
  char *name;
  char *key;          /* the run's folder and the series: the same curve in a newer reading */
  char *series_name;  /* the series drawn in the train slot when it is not the train loss; NULL: the losses */
  char *held_out_name; /* its evaluation counterpart drawn in the validation slot, or NULL */
  DebriefPlotPyramid *train;
  DebriefPlotPyramid *smoothed;
  DebriefPlotPyramid *validation;
  DebriefPlotSmoothMethod method;
  double weight;
  Mapping *epochs;    /* shared between resmoothed copies: immutable */
  Mapping *tokens;
  gatomicrefcount *mappings_ref;
};

static Mapping *
mapping_new (DebriefSeries *series,
             gboolean       cumulate)
{
  Mapping *m;
  double total = 0.0;
  double last = -INFINITY;

  if (series == NULL)
    return NULL;
  m = g_new0 (Mapping, 1);
  m->steps = g_new (double, debrief_series_get_length (series) + 1);
  m->values = g_new (double, debrief_series_get_length (series) + 1);
  for (gsize i = 0; i < debrief_series_get_length (series); i++)
    {
      double v = debrief_series_get_value (series, i);

      if (!isfinite (v))
        continue;
      if (cumulate)
        v = (total += MAX (v, 0.0));
      /* A mapping must not go backwards (a restarted epoch counter): keep it monotonic. */
      if (v < last)
        continue;
      m->steps[m->n] = (double) debrief_series_get_step (series, i);
      m->values[m->n] = v;
      last = v;
      m->n++;
    }
  if (m->n < 2)
    {
      g_free (m->steps);
      g_free (m->values);
      g_free (m);
      return NULL;
    }
  return m;
}

static void
mapping_free (Mapping *m)
{
  if (m == NULL)
    return;
  g_free (m->steps);
  g_free (m->values);
  g_free (m);
}

/* Steps to @unit for @run; NULL for steps or when the run did not log it. */
static Mapping *
mapping_of_run (DebriefRun       *run,
                DebriefPlotXUnit  unit)
{
  switch (unit)
    {
    case DEBRIEF_PLOT_X_EPOCHS:
      return mapping_new (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_EPOCH), FALSE);
    case DEBRIEF_PLOT_X_TOKENS:
      /* Logged per step: the axis shows them summed. */
      return mapping_new (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_TOKENS), TRUE);
    case DEBRIEF_PLOT_X_STEPS:
    default:
      return NULL;
    }
}

/* Piecewise linear through (xs, ys), extended with the end segments. */
static double
interpolate (const double *xs,
             const double *ys,
             gsize         n,
             double        x)
{
  gsize lo = 0, hi = n;
  gsize i;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (xs[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  i = CLAMP (lo, 1, n - 1);
  /* Flat pieces (same x) cannot be inverted: fall back to the next distinct one. */
  while (i < n - 1 && xs[i] == xs[i - 1])
    i++;
  if (xs[i] == xs[i - 1])
    return ys[i];
  return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
}

DebriefPlotData *
debrief_plot_data_new (DebriefRun              *run,
                       DebriefPlotSmoothMethod  method,
                       double                   weight)
{
  return debrief_plot_data_new_for_series (run, NULL, method, weight);
}

/* The evaluation counterpart of a logged series, as trainers name it:
 * "eval_rewards/margins" (HF Trainer), "eval/x" beside "train/x" (W&B
 * exports), "test/env/all/reward/total" (tinker-cookbook). */
static DebriefSeries *
held_out_series (DebriefRun  *run,
                 const char  *name,
                 const char **found)
{
  static const char *const prefixes[] = { "eval_", "eval/", "test/", "val/", "validation/" };
  const char *base = g_str_has_prefix (name, "train/") ? name + strlen ("train/") : name;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *key = g_strconcat (prefixes[i], base, NULL);
      DebriefSeries *series = debrief_run_get_series_by_name (run, key);

      if (series != NULL && debrief_series_get_length (series) > 0)
        {
          *found = debrief_series_get_name (series);
          return series;
        }
    }
  return NULL;
}

DebriefPlotData *
debrief_plot_data_new_for_series (DebriefRun              *run,
                                  const char              *series_name,
                                  DebriefPlotSmoothMethod  method,
                                  double                   weight)
{
  DebriefPlotData *self;
  DebriefSeries *train, *val;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  self = g_new0 (DebriefPlotData, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->method = method;
  self->weight = CLAMP (weight, 0.0, DEBRIEF_PLOT_SMOOTH_MAX);

  train = debrief_run_get_train_loss (run);
  val = debrief_run_get_val_loss (run);
  /* A run is drawn first by its primary metric: an RL run by its reward, also
   * when it logged a loss (GRPO's is a surrogate near zero that says nothing). */
  if (series_name == NULL)
    {
      const char *primary = debrief_run_get_primary_metric (run);
      DebriefSeries *series = primary ? debrief_run_get_series_by_name (run, primary) : NULL;

      if (series != NULL && debrief_series_get_length (series) > 0)
        series_name = primary;
      else if ((train == NULL || debrief_series_get_length (train) == 0) &&
               (val == NULL || debrief_series_get_length (val) == 0))
        series_name = primary;
    }
  if (series_name != NULL && g_strcmp0 (series_name, "train_loss") != 0)
    {
      const char *held_out = NULL;

      train = debrief_run_get_series_by_name (run, series_name);
      val = held_out_series (run, series_name, &held_out);
      self->series_name = g_strdup (series_name);
      self->held_out_name = g_strdup (held_out);
      /* Several series of one run overlaid: the legend names each. */
      self->name = g_strdup_printf ("%s · %s", debrief_run_get_name (run), series_name);
    }
  else
    self->name = g_strdup (debrief_run_get_name (run));
  self->key = g_strdup_printf ("%s\n%s", debrief_run_get_path (run), series_name ? series_name : "");

  if (train != NULL && debrief_series_get_length (train) > 0)
    {
      double *smoothed = debrief_plot_smooth (debrief_series_get_values (train),
                                              debrief_series_get_length (train),
                                              method, self->weight);
      self->train = debrief_plot_pyramid_new (train, NULL);
      self->smoothed = debrief_plot_pyramid_new (train, smoothed);
    }
  if (val != NULL && debrief_series_get_length (val) > 0)
    self->validation = debrief_plot_pyramid_new (val, NULL);

  self->epochs = mapping_of_run (run, DEBRIEF_PLOT_X_EPOCHS);
  self->tokens = mapping_of_run (run, DEBRIEF_PLOT_X_TOKENS);
  self->mappings_ref = g_new (gatomicrefcount, 1);
  g_atomic_ref_count_init (self->mappings_ref);
  return self;
}

const char *
debrief_plot_data_get_series_name (DebriefPlotData *self)
{
  return self->series_name;
}

const char *
debrief_plot_data_get_held_out_name (DebriefPlotData *self)
{
  return self->held_out_name;
}

DebriefPlotData *
debrief_plot_data_resmooth (DebriefPlotData         *self,
                            DebriefPlotSmoothMethod  method,
                            double                   weight)
{
  DebriefPlotData *copy;

  copy = g_new0 (DebriefPlotData, 1);
  g_atomic_ref_count_init (&copy->ref_count);
  copy->name = g_strdup (self->name);
  copy->key = g_strdup (self->key);
  copy->series_name = g_strdup (self->series_name);
  copy->held_out_name = g_strdup (self->held_out_name);
  copy->method = method;
  copy->weight = CLAMP (weight, 0.0, DEBRIEF_PLOT_SMOOTH_MAX);
  if (self->train != NULL)
    {
      DebriefSeries *series = debrief_plot_pyramid_get_series (self->train);
      double *smoothed = debrief_plot_smooth (debrief_series_get_values (series),
                                              debrief_series_get_length (series),
                                              method, copy->weight);
      copy->train = debrief_plot_pyramid_ref (self->train);
      copy->smoothed = debrief_plot_pyramid_new (series, smoothed);
    }
  if (self->validation != NULL)
    copy->validation = debrief_plot_pyramid_ref (self->validation);
  copy->epochs = self->epochs;
  copy->tokens = self->tokens;
  copy->mappings_ref = self->mappings_ref;
  g_atomic_ref_count_inc (copy->mappings_ref);
  return copy;
}

DebriefPlotData *
debrief_plot_data_ref (DebriefPlotData *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
debrief_plot_data_unref (DebriefPlotData *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->train, debrief_plot_pyramid_unref);
  g_clear_pointer (&self->smoothed, debrief_plot_pyramid_unref);
  g_clear_pointer (&self->validation, debrief_plot_pyramid_unref);
  if (g_atomic_ref_count_dec (self->mappings_ref))
    {
      mapping_free (self->epochs);
      mapping_free (self->tokens);
      g_free (self->mappings_ref);
    }
  g_free (self->name);
  g_free (self->key);
  g_free (self->series_name);
  g_free (self->held_out_name);
  g_free (self);
}

const char *
debrief_plot_data_get_key (DebriefPlotData *self)
{
  return self->key;
}

const char *
debrief_plot_data_get_name (DebriefPlotData *self)
{
  return self->name;
}

DebriefPlotPyramid *
debrief_plot_data_get_train (DebriefPlotData *self)
{
  return self->train;
}

DebriefPlotPyramid *
debrief_plot_data_get_smoothed (DebriefPlotData *self)
{
  return self->smoothed;
}

DebriefPlotPyramid *
debrief_plot_data_get_validation (DebriefPlotData *self)
{
  return self->validation;
}

DebriefPlotSmoothMethod
debrief_plot_data_get_method (DebriefPlotData *self)
{
  return self->method;
}

double
debrief_plot_data_get_weight (DebriefPlotData *self)
{
  return self->weight;
}

static Mapping *
mapping_for (DebriefPlotData  *self,
             DebriefPlotXUnit  unit)
{
  switch (unit)
    {
    case DEBRIEF_PLOT_X_EPOCHS:
      return self->epochs;
    case DEBRIEF_PLOT_X_TOKENS:
      return self->tokens;
    case DEBRIEF_PLOT_X_STEPS:
    default:
      return NULL;
    }
}

gboolean
debrief_plot_data_has_unit (DebriefPlotData  *self,
                            DebriefPlotXUnit  unit)
{
  return unit == DEBRIEF_PLOT_X_STEPS || mapping_for (self, unit) != NULL;
}

gboolean
debrief_plot_data_run_has_unit (DebriefRun       *run,
                                DebriefPlotXUnit  unit)
{
  Mapping *m;

  if (unit == DEBRIEF_PLOT_X_STEPS)
    return TRUE;
  m = mapping_of_run (run, unit);
  mapping_free (m);
  return m != NULL;
}

double
debrief_plot_data_step_to_unit (DebriefPlotData  *self,
                                DebriefPlotXUnit  unit,
                                double            step)
{
  Mapping *m = mapping_for (self, unit);

  if (m == NULL)
    return step;
  return interpolate (m->steps, m->values, m->n, step);
}

double
debrief_plot_data_unit_to_step (DebriefPlotData  *self,
                                DebriefPlotXUnit  unit,
                                double            value)
{
  Mapping *m = mapping_for (self, unit);

  if (m == NULL)
    return value;
  return interpolate (m->values, m->steps, m->n, value);
}

guint
debrief_plot_data_basic_annotations (DebriefPlotData       *self,
                                     guint                  run_index,
                                     DebriefPlotAnnotation *out)
{
  guint n = 0;

  if (self->validation != NULL)
    {
      DebriefSeries *val = debrief_plot_pyramid_get_series (self->validation);
      if (!isnan (debrief_series_get_min (val)))
        {
          gint64 step = debrief_series_get_step (val, debrief_series_get_min_index (val));
          out[n++] = (DebriefPlotAnnotation) { DEBRIEF_PLOT_ANNOTATION_BEST_STEP, run_index, step, step, NULL };
        }
    }
  if (self->train != NULL)
    {
      const double *values = debrief_plot_pyramid_get_values (self->train);
      gsize len = debrief_plot_pyramid_get_length (self->train);

      for (gsize i = 0; i < len; i++)
        if (!isfinite (values[i]))
          {
            gint64 step = debrief_plot_pyramid_get_steps (self->train)[i];
            out[n++] = (DebriefPlotAnnotation) { DEBRIEF_PLOT_ANNOTATION_DIVERGENCE, run_index, step, step, NULL };
            break;
          }
    }
  return n;
}

static gint64
last_step (DebriefPlotData *self)
{
  gint64 last = G_MININT64;

  if (self->train != NULL && debrief_plot_pyramid_get_length (self->train) > 0)
    last = debrief_plot_pyramid_get_steps (self->train)[debrief_plot_pyramid_get_length (self->train) - 1];
  if (self->validation != NULL && debrief_plot_pyramid_get_length (self->validation) > 0)
    last = MAX (last, debrief_plot_pyramid_get_steps (self->validation)[debrief_plot_pyramid_get_length (self->validation) - 1]);
  return last;
}

void
debrief_plot_data_analysis_annotations (DebriefPlotData *self,
                                        guint            run_index,
                                        DebriefAnalysis *analysis,
                                        GArray          *out)
{
  DebriefAnalysis *a = analysis;
  DebriefFinding *finding;
  gint64 best;

  g_return_if_fail (analysis == NULL || DEBRIEF_IS_ANALYSIS (analysis));

  if (analysis == NULL)
    {
      DebriefPlotAnnotation basic[DEBRIEF_PLOT_DATA_MAX_BASIC];
      guint n = debrief_plot_data_basic_annotations (self, run_index, basic);
      g_array_append_vals (out, basic, n);
      return;
    }

  best = debrief_analysis_get_best_step (a);
  finding = debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING);
  if (finding != NULL)
    {
      gint64 from = debrief_finding_get_step (finding) >= 0 ? debrief_finding_get_step (finding) : best;
      gint64 to = last_step (self);
      if (from >= 0 && to > from)
        {
          DebriefPlotAnnotation region = { DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION, run_index, from, to, NULL };
          g_array_append_val (out, region);
        }
    }
  if (best >= 0)
    {
      DebriefPlotAnnotation mark = { DEBRIEF_PLOT_ANNOTATION_BEST_STEP, run_index, best, best, NULL };
      g_array_append_val (out, mark);
    }
  finding = debrief_analysis_get_finding (a, DEBRIEF_FINDING_LOSS_SPIKES);
  if (finding != NULL && debrief_finding_get_step (finding) >= 0)
    {
      DebriefPlotAnnotation mark = { DEBRIEF_PLOT_ANNOTATION_SPIKE, run_index,
                                     debrief_finding_get_step (finding), debrief_finding_get_step (finding), NULL };
      g_array_append_val (out, mark);
    }
  finding = debrief_analysis_get_finding (a, DEBRIEF_FINDING_DIVERGED);
  if (finding != NULL && debrief_finding_get_step (finding) >= 0)
    {
      DebriefPlotAnnotation mark = { DEBRIEF_PLOT_ANNOTATION_DIVERGENCE, run_index,
                                     debrief_finding_get_step (finding), debrief_finding_get_step (finding), NULL };
      g_array_append_val (out, mark);
    }
}
