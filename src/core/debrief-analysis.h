/* debrief-analysis.h: the diagnosis of one run (numbers, findings, capacity)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * debrief_analysis_run() reads a loaded DebriefRun (its loss series and its
 * configuration) and returns an immutable DebriefAnalysis:
 *  - the checklist's own numbers, computed exactly as its Python does
 *    (convergence_percent, seed_overfitting_warning), and
 *  - Debrief's checks, one DebriefFinding per problem (ids in debrief-finding.h),
 *    judged on smoothed curves with robust statistics scaled by the run's noise,
 *  - the capacity check (debrief-capacity.h) with the run's first-epoch loss.
 * Fill gaps in the configuration (rank, tokens, model dimensions) on the run's
 * DebriefRunConfig before analysing; the async variant copies what it needs, so
 * the run may be edited while it works.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-capacity.h"
#include "debrief-finding.h"
#include "debrief-run.h"

G_BEGIN_DECLS

/* The run's verdict in one word (the CLI's JSON "verdict"; the window and the
 * report show debrief_run_verdict_to_label()). */
typedef enum
{
  DEBRIEF_RUN_VERDICT_HEALTHY,    /* judged, nothing worse than remarks */
  DEBRIEF_RUN_VERDICT_ATTENTION,  /* at least one warning */
  DEBRIEF_RUN_VERDICT_FAILED,     /* at least one error: the run did not work */
  DEBRIEF_RUN_VERDICT_TOO_SHORT,  /* too few points to judge, and nothing found */
  DEBRIEF_RUN_VERDICT_NO_DATA,    /* nothing to judge: no loss, reward or other curve the checks read */
} DebriefRunVerdict;

/* "healthy", "attention", "failed", "too_short", "no_data". */
const char      *debrief_run_verdict_to_string        (DebriefRunVerdict    verdict);
/* "Healthy", "Needs attention", "Failed", "Too short to judge", "No data" (translated). */
const char      *debrief_run_verdict_to_label         (DebriefRunVerdict    verdict);

#define DEBRIEF_TYPE_ANALYSIS (debrief_analysis_get_type ())
G_DECLARE_FINAL_TYPE (DebriefAnalysis, debrief_analysis, DEBRIEF, ANALYSIS, GObject)

/* Fails only when cancelled. A run without loss series gives an analysis without
 * loss-based findings (debrief_analysis_get_notes() says why). Thread-safe as long
 * as nobody modifies @run meanwhile. */
DebriefAnalysis *debrief_analysis_run                 (DebriefRun          *run,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void             debrief_analysis_run_async           (DebriefRun          *run,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
DebriefAnalysis *debrief_analysis_run_finish          (GAsyncResult        *result,
                                                       GError             **error);

/* DebriefFinding items, most severe first. */
GListModel      *debrief_analysis_get_findings        (DebriefAnalysis     *self);
/* The finding with @id, or NULL. */
DebriefFinding  *debrief_analysis_get_finding         (DebriefAnalysis     *self,
                                                       const char          *id);
gboolean         debrief_analysis_has_finding         (DebriefAnalysis     *self,
                                                       const char          *id);
const DebriefCapacityResult *debrief_analysis_get_capacity (DebriefAnalysis *self);

/* Seed-compatible numbers: NaN when the checklist gives None (100 losses or fewer). */
double           debrief_analysis_get_convergence_percent     (DebriefAnalysis *self);
gboolean         debrief_analysis_get_seed_overfitting_warning (DebriefAnalysis *self);

/* Where validation loss bottomed out; -1 / NaN without validation loss. */
gint64           debrief_analysis_get_best_step       (DebriefAnalysis     *self);
double           debrief_analysis_get_best_val_loss   (DebriefAnalysis     *self);
/* Step-to-step noise of the train loss (robust sigma), NaN when too short. */
double           debrief_analysis_get_noise_sigma     (DebriefAnalysis     *self);
/* Learning-rate rule of thumb for the base model (FORMATS.md 3), NaN when unknown. */
double           debrief_analysis_get_rule_of_thumb_lr (DebriefAnalysis    *self);
/* The run's (peak) learning rate as configured or logged, NaN when unknown. */
double           debrief_analysis_get_learning_rate   (DebriefAnalysis     *self);
/* One line: "No problems found", "2 warnings: ...". */
const char      *debrief_analysis_get_verdict         (DebriefAnalysis     *self);
DebriefRunVerdict debrief_analysis_get_run_verdict    (DebriefAnalysis     *self);
/* The kind the checks and the advice assumed (the run's own, or what its config implies):
 * a LoRA adapter is assumed when nothing says otherwise, and the notes say so. */
DebriefMethod    debrief_analysis_get_method          (DebriefAnalysis     *self);
gboolean         debrief_analysis_get_lora_advice     (DebriefAnalysis     *self);
/* The series the kind's checks read beyond the losses (RL: reward, KL, entropy,
 * lengths; preference: margins, accuracies, log-probabilities), in the order the
 * report shows them; @label gets what it is, in words ("mean reward"). */
guint            debrief_analysis_get_n_judged_series (DebriefAnalysis     *self);
DebriefSeries   *debrief_analysis_get_judged_series   (DebriefAnalysis     *self,
                                                       guint                i,
                                                       const char         **label);
/* The capacity status in words ("Enough capacity", "Does not apply" for a full
 * fine-tune or a reward model, "Adapter unknown", "Cannot check yet"), as the
 * window's card and the report say it; and whether the check applies at all. */
const char      *debrief_analysis_get_capacity_label   (DebriefAnalysis    *self);
gboolean         debrief_analysis_get_capacity_applies (DebriefAnalysis    *self);
/* What to say when no check found anything, in the words of the run's kind and
 * verdict (the window's findings and the report say the same): a sentence, and
 * in @title (may be NULL) a few words ("No problems found", "Too short to judge"). */
const char      *debrief_analysis_describe_no_findings (DebriefAnalysis    *self,
                                                        const char        **title);
/* Remarks about what could not be checked (NULL-terminated, may be empty). */
const char *const *debrief_analysis_get_notes         (DebriefAnalysis     *self);
/* The worst severity among the findings, or -1 when there are none. */
int              debrief_analysis_get_worst_severity  (DebriefAnalysis     *self);

G_END_DECLS
