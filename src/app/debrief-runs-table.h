/* debrief-runs-table.h: the open runs side by side, and what the sweep says
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown when more than one run is open: the sweep's findings, then a
 * GtkColumnView of the runs (name, kind, verdict, the settings that differ,
 * the results), sortable by any column, filtered by a regular expression on
 * names and settings, with columns to show or hide. It observes the
 * workspace through a DebriefSweepModel (src/core), so a folder of a thousand
 * runs fills it as they load; rows are recycled, nothing is built per run up
 * front. The selection (or, with none, the first rows) is what the plot draws
 * (::plot-changed), coloured and grouped as chosen here.
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_RUNS_TABLE (debrief_runs_table_get_type ())
G_DECLARE_FINAL_TYPE (DebriefRunsTable, debrief_runs_table, DEBRIEF, RUNS_TABLE, AdwBin)

GtkWidget         *debrief_runs_table_new                  (DebriefWorkspace *workspace);
DebriefSweepModel *debrief_runs_table_get_model            (DebriefRunsTable *self);
/* Where the columns the user shows or hides are remembered. */
void               debrief_runs_table_set_settings         (DebriefRunsTable *self,
                                                            GSettings        *settings);
/* The colour, seeds and range controls, not placed: they go in the plot's
 * toolbar (next to what they change), shown while the table is. */
GtkWidget         *debrief_runs_table_get_plot_controls    (DebriefRunsTable *self);
/* The comparison shown, or NULL before the first one. */
DebriefSweep      *debrief_runs_table_get_sweep            (DebriefRunsTable *self);
/* DebriefRun items to plot: the selected runs in table order, or with no
 * selection the first rows as sorted and filtered (at most a hundred). */
GListModel        *debrief_runs_table_get_plotted          (DebriefRunsTable *self);
/* DebriefRun items whose findings to show: the first few selected runs, or
 * with no selection the top row. */
GListModel        *debrief_runs_table_get_focused          (DebriefRunsTable *self);
/* How the plot should look (::plot-changed when any of these change). */
const char        *debrief_runs_table_get_color_by         (DebriefRunsTable *self);
gboolean           debrief_runs_table_get_groups           (DebriefRunsTable *self);
DebriefPlotBand    debrief_runs_table_get_band             (DebriefRunsTable *self);
gboolean           debrief_runs_table_get_include_outliers (DebriefRunsTable *self);
/* The rows shown (sorted, filtered) and the filter in use (tests). */
GListModel        *debrief_runs_table_get_rows             (DebriefRunsTable *self);
void               debrief_runs_table_set_filter           (DebriefRunsTable *self,
                                                            const char       *regex);
/* Selects the rows of these runs (DebriefRun). */
void               debrief_runs_table_select_runs          (DebriefRunsTable *self,
                                                            GPtrArray        *runs);

G_END_DECLS
