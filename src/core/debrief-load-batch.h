/* debrief-load-batch.h: one request to open folders, and what came of it
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * debrief_workspace_open() returns one. Each result is a run folder (found
 * under the folders asked for) with the run read from it or the error that
 * stopped it, in the order asked for, then in discovery order. The same
 * folder asked for twice in one batch is read once and listed twice.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

#include "debrief-run.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_LOAD_BATCH (debrief_load_batch_get_type ())
G_DECLARE_FINAL_TYPE (DebriefLoadBatch, debrief_load_batch, DEBRIEF, LOAD_BATCH, GObject)

/* TRUE once every folder was read or failed (notify::finished). */
gboolean      debrief_load_batch_get_finished  (DebriefLoadBatch *self);
/* 0..1 over the folders found so far. */
double        debrief_load_batch_get_progress  (DebriefLoadBatch *self);
/* Results so far (complete once finished). */
guint         debrief_load_batch_get_n_results (DebriefLoadBatch *self);
/* The run folder, or the folder asked for when nothing could be found in it. */
GFile        *debrief_load_batch_get_folder    (DebriefLoadBatch *self,
                                                guint             position);
/* The run, or NULL when it failed (or is still being read). */
DebriefRun   *debrief_load_batch_get_run       (DebriefLoadBatch *self,
                                                guint             position);
/* Why it failed, or NULL. */
const GError *debrief_load_batch_get_error     (DebriefLoadBatch *self,
                                                guint             position);
guint         debrief_load_batch_get_n_failed  (DebriefLoadBatch *self);

G_END_DECLS
