/* debrief-finding-row.h: one finding, with its evidence, cause and fix
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Its buttons activate win.show-step (int64: the finding's step) and
 * win.add-to-report (string: the finding as markdown); it also emits
 * ::show-step.
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_FINDING_ROW (debrief_finding_row_get_type ())
G_DECLARE_FINAL_TYPE (DebriefFindingRow, debrief_finding_row, DEBRIEF, FINDING_ROW, AdwExpanderRow)

GtkWidget      *debrief_finding_row_new         (DebriefFinding    *finding);
DebriefFinding *debrief_finding_row_get_finding (DebriefFindingRow *self);

/* The icon and style class a severity is shown with (also in the report's recommendations). */
const char     *debrief_severity_icon_name      (DebriefSeverity    severity);
const char     *debrief_severity_css_class      (DebriefSeverity    severity);

G_END_DECLS
