/* debrief-finding.h: one diagnosis of a run (symptom, evidence, cause, fix)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "debrief-types.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_SEVERITY_INFO,
  DEBRIEF_SEVERITY_WARNING,
  DEBRIEF_SEVERITY_ERROR,
} DebriefSeverity;

#define DEBRIEF_TYPE_SEVERITY (debrief_severity_get_type ())
GType        debrief_severity_get_type       (void);
/* "info", "warning", "error" (the CLI's JSON values). */
const char  *debrief_severity_to_string      (DebriefSeverity severity);

/* The stable finding ids (FORMATS.md section 3). */
#define DEBRIEF_FINDING_EARLY_PLATEAU       "early_plateau"
#define DEBRIEF_FINDING_LOSS_SPIKES         "loss_spikes"
#define DEBRIEF_FINDING_OVERFITTING         "overfitting"
#define DEBRIEF_FINDING_NO_IMPROVEMENT      "no_improvement"
#define DEBRIEF_FINDING_SLOW_CONVERGENCE    "slow_convergence"
#define DEBRIEF_FINDING_DIVERGED            "diverged"
#define DEBRIEF_FINDING_UNDERCAPACITY       "undercapacity"
#define DEBRIEF_FINDING_LORA_TARGETS_NO_MLP "lora_targets_no_mlp"
/* POSTTRAINING.md section 3: RL, preference training, and any kind */
#define DEBRIEF_FINDING_REWARD_PLATEAU      "reward_plateau"
#define DEBRIEF_FINDING_REWARD_COLLAPSE     "reward_collapse"
#define DEBRIEF_FINDING_KL_BLOWUP           "kl_blowup"
#define DEBRIEF_FINDING_ENTROPY_COLLAPSE    "entropy_collapse"
#define DEBRIEF_FINDING_NO_LEARNING_SIGNAL  "no_learning_signal"
#define DEBRIEF_FINDING_LENGTH_CLIPPING     "length_clipping"
#define DEBRIEF_FINDING_DPO_MARGIN_STALL    "dpo_margin_stall"
#define DEBRIEF_FINDING_DPO_OVERFIT         "dpo_overfit"
#define DEBRIEF_FINDING_CHOSEN_LOGPS_FALLING "chosen_logps_falling"
#define DEBRIEF_FINDING_BROKEN_RUN          "broken_run"

#define DEBRIEF_TYPE_FINDING (debrief_finding_get_type ())
G_DECLARE_FINAL_TYPE (DebriefFinding, debrief_finding, DEBRIEF, FINDING, GObject)

/* @step is the step the finding points at, -1 when none. Immutable once made. */
DebriefFinding *debrief_finding_new           (const char      *id,
                                               DebriefSeverity  severity,
                                               const char      *title,
                                               const char      *evidence,
                                               const char      *cause,
                                               const char      *fix,
                                               gint64           step);
const char     *debrief_finding_get_id        (DebriefFinding  *self);
DebriefSeverity debrief_finding_get_severity  (DebriefFinding  *self);
const char     *debrief_finding_get_title     (DebriefFinding  *self);
const char     *debrief_finding_get_evidence  (DebriefFinding  *self);
const char     *debrief_finding_get_cause     (DebriefFinding  *self);
const char     *debrief_finding_get_fix       (DebriefFinding  *self);
gint64          debrief_finding_get_step      (DebriefFinding  *self);
/* Machine-readable next steps (debrief-action.h). Actions are added by whoever made
 * the finding, before anyone else sees it; takes ownership of @action. */
void            debrief_finding_add_action    (DebriefFinding  *self,
                                               DebriefAction   *action);
guint           debrief_finding_get_n_actions (DebriefFinding  *self);
const DebriefAction *debrief_finding_get_action (DebriefFinding *self,
                                               guint            i);
/* The CLI's JSON object: id, severity, title, evidence, cause, fix, step, actions. */
JsonNode       *debrief_finding_to_json       (DebriefFinding  *self);
/* A self-contained markdown block (heading, evidence, cause, fix) for the report. */
char           *debrief_finding_to_markdown   (DebriefFinding  *self);

G_END_DECLS
