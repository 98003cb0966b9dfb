/* debrief-action.h: what a finding says to do, in a form a script can act on
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every finding carries zero or more actions from a small vocabulary
 * (POSTTRAINING.md section 4); the prose fix says the same in words. In JSON:
 *   {"type": "stop_at_step", "step": N, "checkpoint": "checkpoint-N" | null}
 *   {"type": "fewer_epochs", "to": E}        {"type": "more_steps", "factor": F}
 *   {"type": "lower_lr", "from": X, "to": Y}  {"type": "raise_lr", "from": X, "to": Y}
 *   {"type": "raise_rank", "from": R, "to": S} {"type": "target_all_linear"}
 *   {"type": "more_data"}  {"type": "check_data"}  {"type": "clip_gradients", "max_norm": 1.0}
 *   {"type": "raise_kl_coef"}  {"type": "raise_temperature"}  {"type": "larger_groups"}
 *   {"type": "raise_max_tokens"}  {"type": "add_sft_term"}
 * and for a sweep (debrief-sweep.h):
 *   {"type": "extend_sweep", "key": "learning_rate", "values": [0.1, 0.3]}
 * with null for numbers that are not known.
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
  DEBRIEF_ACTION_STOP_AT_STEP,
  DEBRIEF_ACTION_FEWER_EPOCHS,
  DEBRIEF_ACTION_MORE_STEPS,
  DEBRIEF_ACTION_LOWER_LR,
  DEBRIEF_ACTION_RAISE_LR,
  DEBRIEF_ACTION_RAISE_RANK,
  DEBRIEF_ACTION_TARGET_ALL_LINEAR,
  DEBRIEF_ACTION_MORE_DATA,
  DEBRIEF_ACTION_CHECK_DATA,
  DEBRIEF_ACTION_CLIP_GRADIENTS,
  DEBRIEF_ACTION_RAISE_KL_COEF,
  DEBRIEF_ACTION_RAISE_TEMPERATURE,
  DEBRIEF_ACTION_LARGER_GROUPS,
  DEBRIEF_ACTION_RAISE_MAX_TOKENS,
  DEBRIEF_ACTION_ADD_SFT_TERM,
  DEBRIEF_ACTION_EXTEND_SWEEP,
} DebriefActionType;

/* Which fields mean something depends on the type; unknown numbers are NaN. */
struct _DebriefAction
{
  DebriefActionType type;
  gint64 step;          /* stop_at_step; -1 otherwise */
  char *checkpoint;     /* stop_at_step: a checkpoint that was saved, NULL when none was */
  double from;          /* lower_lr, raise_lr, raise_rank */
  double to;            /* lower_lr, raise_lr, raise_rank, fewer_epochs */
  double value;         /* more_steps: factor; clip_gradients: max_norm */
  char *key;            /* extend_sweep: the setting to try more values of */
  double *values;       /* extend_sweep: the values, n_values of them */
  guint n_values;
};

#define DEBRIEF_TYPE_ACTION (debrief_action_get_type ())
GType          debrief_action_get_type        (void) G_GNUC_CONST;

/* An action of @type with every number unknown. */
DebriefAction *debrief_action_new             (DebriefActionType    type);
DebriefAction *debrief_action_new_stop_at_step (gint64              step,
                                               const char          *checkpoint);
/* lower_lr, raise_lr, raise_rank, fewer_epochs (from ignored). */
DebriefAction *debrief_action_new_change      (DebriefActionType    type,
                                               double               from,
                                               double               to);
/* more_steps (factor), clip_gradients (max_norm). */
DebriefAction *debrief_action_new_value       (DebriefActionType    type,
                                               double               value);
/* extend_sweep: try @values (@n_values of them) of the setting @key. */
DebriefAction *debrief_action_new_extend_sweep (const char         *key,
                                               const double        *values,
                                               guint                n_values);
DebriefAction *debrief_action_copy            (const DebriefAction *action);
void           debrief_action_free            (DebriefAction       *action);

/* "stop_at_step", "lower_lr", ... (the JSON "type"). */
const char    *debrief_action_type_to_string  (DebriefActionType    type);
/* One JSON object, the shape listed above. */
JsonNode      *debrief_action_to_json         (const DebriefAction *action);
/* One short sentence for people: "Stop at step 480 (checkpoint-480)." */
char          *debrief_action_describe        (const DebriefAction *action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefAction, debrief_action_free)

G_END_DECLS
