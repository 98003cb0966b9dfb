/* debrief-sweep-model.h: the open runs as sweep lines, kept up to date
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of DebriefSweepRun that follows a GListModel of DebriefRun
 * (the workspace's runs): a line appears as soon as its run does (its name
 * only, "pending"), its settings and results follow from a worker thread, and
 * again when the run's analysis arrives; the DebriefSweep of all lines (the
 * columns, groups and findings) is rebuilt in a worker when they settle. The
 * runs table of the window is a view of it; GIO only, so tests and the sweep
 * benchmark drive it without a display.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_SWEEP_MODEL (debrief_sweep_model_get_type ())
G_DECLARE_FINAL_TYPE (DebriefSweepModel, debrief_sweep_model, DEBRIEF, SWEEP_MODEL, GObject)

/* @runs: DebriefRun items (kept). */
DebriefSweepModel *debrief_sweep_model_new          (GListModel        *runs);
/* The comparison of the lines as of the last rebuild, or NULL before the
 * first one (notify::sweep). Lines that arrived since are in the model but
 * not in it yet: format them with debrief_sweep_format_run(). */
DebriefSweep      *debrief_sweep_model_get_sweep    (DebriefSweepModel *self);
/* Columns to group by ("KEY" or "KEY,KEY"), NULL: runs that differ only by seed. */
const char        *debrief_sweep_model_get_group_by (DebriefSweepModel *self);
void               debrief_sweep_model_set_group_by (DebriefSweepModel *self,
                                                     const char        *group_by);
/* Lines still being read, or the sweep being rebuilt. */
gboolean           debrief_sweep_model_get_busy     (DebriefSweepModel *self);

G_END_DECLS
