/* debrief-serve-panel.h: "Serve this checkpoint" on the Samples page
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checkpoints to compare (Debrief's pick first: the best by validation
 * loss, else the last; any others the user ticks), and per server (vLLM,
 * SGLang, llama.cpp, Ollama, Tinker) the exact commands to serve them, each
 * with a copy button, and the endpoint that samples through it ("Use for
 * Sampling" emits ::plan-chosen). On the llama.cpp page, when the base and
 * the adapters are GGUF files and llama-server is installed, Start runs it
 * (DebriefLlamaServer), Stop stops it, Log shows its output; it is stopped
 * when the panel goes away. The plans are built off the GUI thread.
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_SERVE_PANEL (debrief_serve_panel_get_type ())
G_DECLARE_FINAL_TYPE (DebriefServePanel, debrief_serve_panel, DEBRIEF, SERVE_PANEL, GtkBox)

GtkWidget          *debrief_serve_panel_new          (GSettings          *settings);
/* The run whose checkpoints are served (NULL: none). */
void                debrief_serve_panel_set_run      (DebriefServePanel  *self,
                                                      DebriefRun         *run);
/* The plans for the checkpoints ticked, or NULL while they are worked out. */
DebriefServeSet    *debrief_serve_panel_get_set      (DebriefServePanel  *self);
/* Ticks exactly @checkpoints (names, "best", "last"). */
void                debrief_serve_panel_set_checkpoints (DebriefServePanel *self,
                                                         const char *const *checkpoints);
/* Whether the plans are being worked out (for tests). */
gboolean            debrief_serve_panel_is_busy      (DebriefServePanel  *self);

/* The llama-server Debrief started, while it runs (else NULL). */
DebriefLlamaServer *debrief_serve_panel_get_llama_server (DebriefServePanel *self);
/* What the buttons do (also for tests). */
void                debrief_serve_panel_start_llama  (DebriefServePanel  *self);
void                debrief_serve_panel_stop_llama   (DebriefServePanel  *self);
void                debrief_serve_panel_use_plan     (DebriefServePanel  *self,
                                                      DebriefServer       server);
/* The status line of the llama.cpp page (for tests). */
const char         *debrief_serve_panel_get_llama_status (DebriefServePanel *self);

G_END_DECLS
