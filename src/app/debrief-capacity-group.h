/* debrief-capacity-group.h: the capacity check of one run, with inputs for what is unknown
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Status, LoRA parameters, capacity and required bits, headroom or suggested
 * rank, from the run's analysis (updated as it arrives); entries for the rank,
 * dataset tokens and base model (a name from the built-in model table), and a
 * Check button that hands them to debrief_workspace_edit_config().
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_CAPACITY_GROUP (debrief_capacity_group_get_type ())
G_DECLARE_FINAL_TYPE (DebriefCapacityGroup, debrief_capacity_group, DEBRIEF, CAPACITY_GROUP, AdwPreferencesGroup)

/* @show_name: the title names the run (several runs open). */
GtkWidget *debrief_capacity_group_new (DebriefWorkspace *workspace,
                                       DebriefRun       *run,
                                       gboolean          show_name);

G_END_DECLS
