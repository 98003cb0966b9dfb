/* debrief-series.h: one logged metric of a run, as (step, value) pairs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib-object.h>

#include "debrief-types.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_SERIES_TRAIN_LOSS,
  DEBRIEF_SERIES_VAL_LOSS,
  DEBRIEF_SERIES_LEARNING_RATE,
  DEBRIEF_SERIES_GRAD_NORM,
  DEBRIEF_SERIES_EPOCH,   /* step -> epoch mapping, for epoch axes */
  DEBRIEF_SERIES_TOKENS,  /* tokens in that step's batch (not cumulative) */
  DEBRIEF_SERIES_OTHER,   /* accuracy, reward, other eval_* keys ... */
} DebriefSeriesKind;

#define DEBRIEF_TYPE_SERIES_KIND (debrief_series_kind_get_type ())
GType debrief_series_kind_get_type (void);

#define DEBRIEF_TYPE_SERIES (debrief_series_get_type ())
G_DECLARE_FINAL_TYPE (DebriefSeries, debrief_series, DEBRIEF, SERIES, GObject)

DebriefSeries     *debrief_series_new             (const char        *name,
                                                   DebriefSeriesKind  kind);
const char        *debrief_series_get_name        (DebriefSeries     *self);
DebriefSeriesKind  debrief_series_get_kind        (DebriefSeries     *self);
/* The key the value came from in the file (e.g. "train_mean_nll"), for the UI to say so. */
const char        *debrief_series_get_source_key  (DebriefSeries     *self);
void               debrief_series_set_source_key  (DebriefSeries     *self,
                                                   const char        *key);

/* Room for @n_points in all (address space only until written). */
void               debrief_series_reserve         (DebriefSeries     *self,
                                                   gsize              n_points);
/* Values may be NaN or ±Inf: they are data (a diverged run). */
void               debrief_series_append          (DebriefSeries     *self,
                                                   gint64             step,
                                                   double             value);

/* Sort by step (stable), keep the last value logged for each step, compute
 * statistics. Returns how many points were dropped as repeated steps, and
 * whether any step went backwards in file order. Call once, after the last
 * append; a series appended in increasing step order costs one pass over
 * its values here. */
guint              debrief_series_finish          (DebriefSeries     *self,
                                                   gboolean          *out_went_backwards);

gsize              debrief_series_get_length      (DebriefSeries     *self);
const gint64      *debrief_series_get_steps       (DebriefSeries     *self);
const double      *debrief_series_get_values      (DebriefSeries     *self);
gint64             debrief_series_get_step        (DebriefSeries     *self,
                                                   gsize              i);
double             debrief_series_get_value       (DebriefSeries     *self,
                                                   gsize              i);
gint64             debrief_series_get_first_step  (DebriefSeries     *self);
gint64             debrief_series_get_last_step   (DebriefSeries     *self);
double             debrief_series_get_last_value  (DebriefSeries     *self);
/* Over finite values only; NaN when there are none. */
double             debrief_series_get_min         (DebriefSeries     *self);
double             debrief_series_get_max         (DebriefSeries     *self);
gsize              debrief_series_get_min_index   (DebriefSeries     *self);
gsize              debrief_series_get_n_nonfinite (DebriefSeries     *self);
/* Index of the first point with step >= @step (binary search); length if none. */
gsize              debrief_series_lower_bound     (DebriefSeries     *self,
                                                   gint64             step);

G_END_DECLS
