/* debrief-samples-view.h: the Samples page — fine-tuned and baseline answers
 * streaming side by side, per prompt, and the LLM judge
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prompts come from the "prompts" setting (editable here, or loaded from a
 * file); the endpoint, model names and parameters from the settings the
 * Sampling page of Preferences edits. Results are appended to samples.jsonl
 * and judgements.jsonl in the folder of the first open run.
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_SAMPLES_VIEW (debrief_samples_view_get_type ())
G_DECLARE_FINAL_TYPE (DebriefSamplesView, debrief_samples_view, DEBRIEF, SAMPLES_VIEW, AdwBin)

/* @settings: NULL for the application's schema. */
/* Samples the first run of @workspace with the endpoint in @settings. */
GtkWidget  *debrief_samples_view_new          (DebriefWorkspace   *workspace,
                                               GSettings          *settings);

/* What the buttons do (also for tests). */
void        debrief_samples_view_sample       (DebriefSamplesView *self);
void        debrief_samples_view_cancel       (DebriefSamplesView *self);
void        debrief_samples_view_judge        (DebriefSamplesView *self);
/* @column: as shown, left to right (the checkpoints, then the baseline). */
void        debrief_samples_view_rerun        (DebriefSamplesView *self,
                                               guint               prompt,
                                               guint               column);

/* For tests: whether sampling or judging is going on, the shown answer text,
 * the status line and the judge result line. */
gboolean    debrief_samples_view_is_busy      (DebriefSamplesView *self);
char       *debrief_samples_view_get_answer   (DebriefSamplesView *self,
                                               guint               prompt,
                                               guint               column);
/* The columns shown and their titles (the checkpoints, "Baseline"). */
guint       debrief_samples_view_get_n_columns (DebriefSamplesView *self);
/* The "Serve the checkpoint" panel on the page. */
GtkWidget  *debrief_samples_view_get_serve_panel (DebriefSamplesView *self);
const char *debrief_samples_view_get_status   (DebriefSamplesView *self);
const char *debrief_samples_view_get_judgement (DebriefSamplesView *self);

G_END_DECLS
