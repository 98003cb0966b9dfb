/* debrief-findings-view.h: the findings of the open runs, with evidence, cause and fix
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the findings of each run of its workspace as the workspace's analyses
 * arrive (notify::analysis); it starts nothing itself.
 * Buttons activate "win.show-step" (int64 step) and "win.add-to-report" (string:
 * the finding as markdown); the view also emits ::show-step.
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_FINDINGS_VIEW (debrief_findings_view_get_type ())
G_DECLARE_FINAL_TYPE (DebriefFindingsView, debrief_findings_view, DEBRIEF, FINDINGS_VIEW, AdwBin)

GtkWidget        *debrief_findings_view_new           (DebriefWorkspace    *workspace);
DebriefWorkspace *debrief_findings_view_get_workspace (DebriefFindingsView *self);
void              debrief_findings_view_set_workspace (DebriefFindingsView *self,
                                                       DebriefWorkspace    *workspace);

/* Shows the findings of @runs (DebriefRun items; the runs table's selection
 * when many runs are open) instead of all the workspace's; NULL: all again. */
void              debrief_findings_view_set_runs      (DebriefFindingsView *self,
                                                       GListModel          *runs);

G_END_DECLS
