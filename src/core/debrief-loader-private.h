/* debrief-loader-private.h: what the loader does once a run's log was read (private to libdebrief)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* Fills what the log left open from the files beside it (adapter_config.json,
 * config.json, all_results.json, a trainer YAML, the model card's front
 * matter, the tail of a console log), then the model dimensions from the
 * built-in table, the dataset tokens (exact, else the total_flos estimate),
 * and the run's kind (debrief_run_detect_kind). */
void debrief_loader_complete_run (DebriefLoadJob *job,
                                  DebriefRun     *run);

G_END_DECLS
