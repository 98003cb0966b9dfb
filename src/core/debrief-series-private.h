/* debrief-series-private.h: writing a series from a reader's hot loop (libdebrief only)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-series.h"

G_BEGIN_DECLS

/* Appending from a reader's hot loop without a call per point: the writer
 * holds the series' arrays while it is open (nothing else may append to
 * the series meanwhile) and gives them back, with the new length, in
 * debrief_series_writer_close(). */
typedef struct _DebriefSeriesWriter DebriefSeriesWriter;
struct _DebriefSeriesWriter
{
  DebriefSeries *series;
  gint64 *steps;
  double *values;
  gsize length;
  gsize capacity;
  gint64 last_step;
  gboolean increasing;  /* every step above the one before (nothing to sort or merge) */
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
  if (G_UNLIKELY (writer->length == writer->capacity))
    debrief_series_writer_reserve (writer, 1);
  writer->increasing &= writer->length == 0 || step > writer->last_step;
  writer->last_step = step;
  writer->steps[writer->length] = step;
  writer->values[writer->length] = value;
  writer->length++;
}

G_END_DECLS
