/* debrief-run-row.h: one open run in the window's runs list
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_RUN_ROW (debrief_run_row_get_type ())
G_DECLARE_FINAL_TYPE (DebriefRunRow, debrief_run_row, DEBRIEF, RUN_ROW, AdwExpanderRow)

GtkWidget  *debrief_run_row_new     (DebriefRun    *run);
DebriefRun *debrief_run_row_get_run (DebriefRunRow *self);
/* A run still being written: a badge (Training, Stalled, Unreachable) and how far it got. */
void        debrief_run_row_set_follower (DebriefRunRow      *self,
                                          DebriefRunFollower *follower);

G_END_DECLS
