/* debrief-capacity-card.h: the capacity check of the open runs, with inputs for what is unknown
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each run of its workspace: status, LoRA parameters, capacity and required
 * bits, headroom or suggested rank; entries for the rank, dataset tokens and
 * base model (a name from the built-in model table), and a Check button that
 * hands them to debrief_workspace_edit_config() (which remembers them and
 * analyses the run again).
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_CAPACITY_CARD (debrief_capacity_card_get_type ())
G_DECLARE_FINAL_TYPE (DebriefCapacityCard, debrief_capacity_card, DEBRIEF, CAPACITY_CARD, AdwBin)

GtkWidget  *debrief_capacity_card_new           (DebriefWorkspace    *workspace);
void        debrief_capacity_card_set_workspace (DebriefCapacityCard *self,
                                                 DebriefWorkspace    *workspace);

/* A group for each of @runs (the runs table's selection when many runs are
 * open) instead of each of the workspace's; NULL: all again. */
void       debrief_capacity_card_set_runs      (DebriefCapacityCard *self,
                                                GListModel          *runs);

G_END_DECLS
