/* debrief-capacity-card.h: the capacity check of the open runs, with inputs for what is unknown
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each run of a GListModel of DebriefRun: status, LoRA parameters, capacity
 * and required bits, headroom or suggested rank; entries for the rank, dataset
 * tokens and base model (a name from the built-in model table), and a Check
 * button that writes them into the run's configuration and re-analyses the run.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DEBRIEF_TYPE_CAPACITY_CARD (debrief_capacity_card_get_type ())
G_DECLARE_FINAL_TYPE (DebriefCapacityCard, debrief_capacity_card, DEBRIEF, CAPACITY_CARD, AdwBin)

GtkWidget  *debrief_capacity_card_new      (GListModel          *runs);
void        debrief_capacity_card_set_runs (DebriefCapacityCard *self,
                                            GListModel          *runs);

G_END_DECLS
