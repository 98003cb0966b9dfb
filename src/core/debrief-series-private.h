/* debrief-series-private.h: writing a series from a reader's hot loop (libdebrief only)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>

#include "debrief-series.h"

G_BEGIN_DECLS

/* Appending from a reader's hot loop without a call per point: the writer
 * holds the series' arrays while it is open (nothing else may append to
 * the series meanwhile) and gives them back, with the new length, in
 * debrief_series_writer_close(). */
typedef struct _DebriefSeriesTally DebriefSeriesTally;
typedef struct _DebriefSeriesWriter DebriefSeriesWriter;

/* What finish() needs, kept as the points arrive: when the steps only went
 * up there is nothing left to sort, merge or scan. */
struct _DebriefSeriesTally
{
  gint64 last_step;
  gboolean increasing;  /* every step above the one before */
  double min;           /* of the finite values; +inf while there are none */
  double max;           /* -inf while there are none */
  gsize min_index;      /* first point of the minimum */
  gsize n_nonfinite;
};

struct _DebriefSeriesWriter
{
  DebriefSeries *series;
  gint64 *steps;
  double *values;
  gsize length;
  gsize capacity;
  DebriefSeriesTally tally;
};

void               debrief_series_writer_open     (DebriefSeriesWriter *writer,
                                                   DebriefSeries     *series);
/* Room for at least @n_more points after the current length. */
void               debrief_series_writer_reserve  (DebriefSeriesWriter *writer,
                                                   gsize              n_more);
/* The caller wrote @n values at values[length ...]: their steps are
 * @first_step, @first_step + 1, ... (arrays indexed by step). */
void               debrief_series_writer_add_consecutive (DebriefSeriesWriter *writer,
                                                          gint64             first_step,
                                                          gsize              n);
void               debrief_series_writer_close    (DebriefSeriesWriter *writer);

static inline void
debrief_series_writer_append (DebriefSeriesWriter *writer,
                              gint64               step,
                              double               value)
{
  DebriefSeriesTally *t = &writer->tally;

  if (G_UNLIKELY (writer->length == writer->capacity))
    debrief_series_writer_reserve (writer, 1);
  t->increasing &= writer->length == 0 || step > t->last_step;
  t->last_step = step;
  if (G_LIKELY (isfinite (value)))
    {
      if (value < t->min)
        {
          t->min = value;
          t->min_index = writer->length;
        }
      if (value > t->max)
        t->max = value;
    }
  else
    t->n_nonfinite++;
  writer->steps[writer->length] = step;
  writer->values[writer->length] = value;
  writer->length++;
}

/* A new series with the same name, kind, source key and points (not finished). */
DebriefSeries     *debrief_series_copy            (DebriefSeries       *series);

G_END_DECLS
