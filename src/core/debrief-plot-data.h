/* debrief-plot-data.h: what the plot needs from one run, prepared once
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Immutable once built, so it may be built in a worker thread (O(n) for the
 * pyramids, O(n) or O(n log n) for the smoothing) and handed to the renderer.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include "debrief-types.h"
#include "debrief-plot-pyramid.h"
#include "debrief-plot-smooth.h"
#include "debrief-run.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_PLOT_X_STEPS,
  DEBRIEF_PLOT_X_EPOCHS,   /* needs an epoch series (DEBRIEF_SERIES_EPOCH) */
  DEBRIEF_PLOT_X_TOKENS,   /* needs a tokens series (DEBRIEF_SERIES_TOKENS), cumulated */
} DebriefPlotXUnit;


/* Reads the run's train and validation loss (and its epoch/token series);
 * does not keep the run itself. Safe in a thread while nobody changes the run. */
DebriefPlotData    *debrief_plot_data_new             (DebriefRun              *run,
                                                       DebriefPlotSmoothMethod  method,
                                                       double                   weight);
/* The same with @series_name (a name of debrief_run_get_series_by_name) drawn
 * raw and smoothed in place of the train loss, and its evaluation counterpart
 * (eval_NAME, eval/NAME, test/NAME) in place of the validation loss; NULL: the
 * run's primary metric (an RL run's reward, also when it logged a loss), else
 * the losses; "train_loss": the losses. */
DebriefPlotData    *debrief_plot_data_new_for_series  (DebriefRun              *run,
                                                       const char              *series_name,
                                                       DebriefPlotSmoothMethod  method,
                                                       double                   weight);
/* The series drawn instead of the losses; NULL when the losses are drawn. */
const char         *debrief_plot_data_get_series_name (DebriefPlotData         *self);
/* The evaluation counterpart drawn in the validation slot, or NULL. */
const char         *debrief_plot_data_get_held_out_name (DebriefPlotData       *self);
/* The same data with another smoothing; the raw pyramids are shared. */
DebriefPlotData    *debrief_plot_data_resmooth        (DebriefPlotData         *self,
                                                       DebriefPlotSmoothMethod  method,
                                                       double                   weight);
DebriefPlotData    *debrief_plot_data_ref             (DebriefPlotData         *self);
void                debrief_plot_data_unref           (DebriefPlotData         *self);

const char         *debrief_plot_data_get_name        (DebriefPlotData         *self);
/* The same for the same curve of the same run folder, in any reading of it
 * (a run still being written is read again and again). */
const char         *debrief_plot_data_get_key         (DebriefPlotData         *self);
/* Any of these may be NULL (the run did not log it). */
DebriefPlotPyramid *debrief_plot_data_get_train       (DebriefPlotData         *self);
DebriefPlotPyramid *debrief_plot_data_get_smoothed    (DebriefPlotData         *self);
DebriefPlotPyramid *debrief_plot_data_get_validation  (DebriefPlotData         *self);
DebriefPlotSmoothMethod debrief_plot_data_get_method  (DebriefPlotData         *self);
double              debrief_plot_data_get_weight      (DebriefPlotData         *self);

gboolean            debrief_plot_data_has_unit        (DebriefPlotData         *self,
                                                       DebriefPlotXUnit         unit);
/* Whether a chart of @run can have @unit on its x axis (what has_unit says of
 * the DebriefPlotData made from it), without preparing the run's data. */
gboolean            debrief_plot_data_run_has_unit    (DebriefRun              *run,
                                                       DebriefPlotXUnit         unit);
/* Step -> epoch/tokens and back, piecewise linear between logged points and
 * extended linearly past the ends. Identity for DEBRIEF_PLOT_X_STEPS. */
double              debrief_plot_data_step_to_unit    (DebriefPlotData         *self,
                                                       DebriefPlotXUnit         unit,
                                                       double                   step);
double              debrief_plot_data_unit_to_step    (DebriefPlotData         *self,
                                                       DebriefPlotXUnit         unit,
                                                       double                   value);

/* Marks the data shows by itself, for when no analysis is at hand: the step of
 * the lowest validation loss and the first non-finite train loss. Fills up to
 * DEBRIEF_PLOT_DATA_MAX_BASIC annotations (labels NULL) and returns how many. */
#define DEBRIEF_PLOT_DATA_MAX_BASIC 2
guint               debrief_plot_data_basic_annotations (DebriefPlotData         *self,
                                                         guint                    run_index,
                                                         DebriefPlotAnnotation   *out);
/* The analysis' marks (NULL for the basic ones above):
 * best step, the largest spike, the overfitting region up to the end of the
 * run, divergence. Appends DebriefPlotAnnotation (labels NULL) to @out. */
void                debrief_plot_data_analysis_annotations (DebriefPlotData      *self,
                                                            guint                 run_index,
                                                            DebriefAnalysis      *analysis,
                                                            GArray               *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefPlotData, debrief_plot_data_unref)

G_END_DECLS
