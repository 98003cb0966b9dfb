/* debrief-findings-view.h: the findings of the open runs, with evidence, cause and fix
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Watches a GListModel of DebriefRun. Runs without an analysis are analysed in the
 * background (debrief_analysis_run_async) as soon as they appear, and the result is
 * set as the run's "analysis" property; the view shows each run's findings.
 * Buttons activate "win.show-step" (int64 step) and "win.add-to-report" (string:
 * the finding as markdown); the view also emits ::show-step.
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_FINDINGS_VIEW (debrief_findings_view_get_type ())
G_DECLARE_FINAL_TYPE (DebriefFindingsView, debrief_findings_view, DEBRIEF, FINDINGS_VIEW, AdwBin)

GtkWidget  *debrief_findings_view_new      (GListModel          *runs);
GListModel *debrief_findings_view_get_runs (DebriefFindingsView *self);
void        debrief_findings_view_set_runs (DebriefFindingsView *self,
                                            GListModel          *runs);

/* Analyses @run off the main thread and sets its "analysis" property when done;
 * of several overlapping calls for one run, the last one started wins. */
void        debrief_run_analyse_in_background (DebriefRun   *run,
                                               GCancellable *cancellable);

G_END_DECLS
