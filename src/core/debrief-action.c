/* debrief-action.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "debrief-action.h"

G_DEFINE_BOXED_TYPE (DebriefAction, debrief_action, debrief_action_copy, debrief_action_free)

static const char *const type_names[] = {
  [DEBRIEF_ACTION_STOP_AT_STEP] = "stop_at_step",
  [DEBRIEF_ACTION_FEWER_EPOCHS] = "fewer_epochs",
  [DEBRIEF_ACTION_MORE_STEPS] = "more_steps",
  [DEBRIEF_ACTION_LOWER_LR] = "lower_lr",
  [DEBRIEF_ACTION_RAISE_LR] = "raise_lr",
  [DEBRIEF_ACTION_RAISE_RANK] = "raise_rank",
  [DEBRIEF_ACTION_TARGET_ALL_LINEAR] = "target_all_linear",
  [DEBRIEF_ACTION_MORE_DATA] = "more_data",
  [DEBRIEF_ACTION_CHECK_DATA] = "check_data",
  [DEBRIEF_ACTION_CLIP_GRADIENTS] = "clip_gradients",
  [DEBRIEF_ACTION_RAISE_KL_COEF] = "raise_kl_coef",
  [DEBRIEF_ACTION_RAISE_TEMPERATURE] = "raise_temperature",
  [DEBRIEF_ACTION_LARGER_GROUPS] = "larger_groups",
  [DEBRIEF_ACTION_RAISE_MAX_TOKENS] = "raise_max_tokens",
  [DEBRIEF_ACTION_ADD_SFT_TERM] = "add_sft_term",
  [DEBRIEF_ACTION_EXTEND_SWEEP] = "extend_sweep",
};

DebriefAction *
debrief_action_new (DebriefActionType type)
{
  DebriefAction *action = g_new0 (DebriefAction, 1);

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), action);

  action->type = type;
  action->step = -1;
  action->from = action->to = action->value = NAN;
  return action;
}

DebriefAction *
debrief_action_new_stop_at_step (gint64      step,
                                 const char *checkpoint)
{
  DebriefAction *action = debrief_action_new (DEBRIEF_ACTION_STOP_AT_STEP);

  action->step = step;
  action->checkpoint = g_strdup (checkpoint);
  return action;
}

DebriefAction *
debrief_action_new_change (DebriefActionType type,
                           double            from,
                           double            to)
{
  DebriefAction *action = debrief_action_new (type);

  action->from = from;
  action->to = to;
  return action;
}

DebriefAction *
debrief_action_new_value (DebriefActionType type,
                          double            value)
{
  DebriefAction *action = debrief_action_new (type);

  action->value = value;
  return action;
}

DebriefAction *
debrief_action_new_extend_sweep (const char   *key,
                                 const double *values,
                                 guint         n_values)
{
  DebriefAction *action = debrief_action_new (DEBRIEF_ACTION_EXTEND_SWEEP);

  action->key = g_strdup (key);
  action->values = g_memdup2 (values, n_values * sizeof (double));
  action->n_values = n_values;
  return action;
}

DebriefAction *
debrief_action_copy (const DebriefAction *action)
{
  DebriefAction *copy;

  g_return_val_if_fail (action != NULL, NULL);

  copy = g_memdup2 (action, sizeof *action);
  copy->checkpoint = g_strdup (action->checkpoint);
  copy->key = g_strdup (action->key);
  copy->values = g_memdup2 (action->values, action->n_values * sizeof (double));
  return copy;
}

void
debrief_action_free (DebriefAction *action)
{
  if (action == NULL)
    return;
  g_free (action->checkpoint);
  g_free (action->key);
  g_free (action->values);
  g_free (action);
}

const char *
debrief_action_type_to_string (DebriefActionType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), "check_data");
  return type_names[type];
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value,
            gboolean     integral)
{
  json_builder_set_member_name (b, name);
  if (!isfinite (value))
    json_builder_add_null_value (b);
  else if (integral)
    json_builder_add_int_value (b, (gint64) value);
  else
    json_builder_add_double_value (b, value);
}

JsonNode *
debrief_action_to_json (const DebriefAction *action)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (action != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, debrief_action_type_to_string (action->type));
  switch (action->type)
    {
    case DEBRIEF_ACTION_STOP_AT_STEP:
      add_number (b, "step", action->step >= 0 ? (double) action->step : NAN, TRUE);
      json_builder_set_member_name (b, "checkpoint");
      if (action->checkpoint)
        json_builder_add_string_value (b, action->checkpoint);
      else
        json_builder_add_null_value (b);
      break;
    case DEBRIEF_ACTION_FEWER_EPOCHS:
      add_number (b, "to", action->to, FALSE);
      break;
    case DEBRIEF_ACTION_MORE_STEPS:
      add_number (b, "factor", action->value, FALSE);
      break;
    case DEBRIEF_ACTION_LOWER_LR:
    case DEBRIEF_ACTION_RAISE_LR:
      add_number (b, "from", action->from, FALSE);
      add_number (b, "to", action->to, FALSE);
      break;
    case DEBRIEF_ACTION_RAISE_RANK:
      add_number (b, "from", action->from, TRUE);
      add_number (b, "to", action->to, TRUE);
      break;
    case DEBRIEF_ACTION_CLIP_GRADIENTS:
      add_number (b, "max_norm", action->value, FALSE);
      break;
    case DEBRIEF_ACTION_EXTEND_SWEEP:
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, action->key ? action->key : "");
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (guint i = 0; i < action->n_values; i++)
        json_builder_add_double_value (b, action->values[i]);
      json_builder_end_array (b);
      break;
    case DEBRIEF_ACTION_TARGET_ALL_LINEAR:
    case DEBRIEF_ACTION_MORE_DATA:
    case DEBRIEF_ACTION_CHECK_DATA:
    case DEBRIEF_ACTION_RAISE_KL_COEF:
    case DEBRIEF_ACTION_RAISE_TEMPERATURE:
    case DEBRIEF_ACTION_LARGER_GROUPS:
    case DEBRIEF_ACTION_RAISE_MAX_TOKENS:
    case DEBRIEF_ACTION_ADD_SFT_TERM:
    default:
      break;
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Learning rates as people write them: 0.003, 2.9e-04. */
static char *
format_rate (double lr)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, lr >= 1e-3 ? "%.2g" : "%.1e", lr));
}

static char *
describe_lr (const DebriefAction *action,
             gboolean             lower)
{
  g_autofree char *from = isfinite (action->from) ? format_rate (action->from) : NULL;
  g_autofree char *to = isfinite (action->to) ? format_rate (action->to) : NULL;

  if (from && to)
    return g_strdup_printf (lower ? _("Lower the learning rate from %s to %s.")
                                  : _("Raise the learning rate from %s to %s."), from, to);
  if (to)
    return g_strdup_printf (lower ? _("Lower the learning rate to %s.")
                                  : _("Raise the learning rate to %s."), to);
  return g_strdup (lower ? _("Lower the learning rate.") : _("Raise the learning rate."));
}

char *
debrief_action_describe (const DebriefAction *action)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (action != NULL, NULL);

  switch (action->type)
    {
    case DEBRIEF_ACTION_STOP_AT_STEP:
      if (action->checkpoint)
        return g_strdup_printf (_("Stop at step %" PRId64 " (use checkpoint %s)."), action->step,
                                action->checkpoint);
      return g_strdup_printf (_("Stop at step %" PRId64 " (no checkpoint was saved there)."), action->step);
    case DEBRIEF_ACTION_FEWER_EPOCHS:
      if (isfinite (action->to))
        return g_strdup_printf (_("Train for %s epochs."),
                                g_ascii_formatd (buf, sizeof buf, "%.1f", action->to));
      return g_strdup (_("Train for fewer epochs."));
    case DEBRIEF_ACTION_MORE_STEPS:
      if (isfinite (action->value))
        return g_strdup_printf (_("Train for %s× as many steps."),
                                g_ascii_formatd (buf, sizeof buf, "%.1f", action->value));
      return g_strdup (_("Train for more steps."));
    case DEBRIEF_ACTION_LOWER_LR:
      return describe_lr (action, TRUE);
    case DEBRIEF_ACTION_RAISE_LR:
      return describe_lr (action, FALSE);
    case DEBRIEF_ACTION_RAISE_RANK:
      if (isfinite (action->from) && isfinite (action->to))
        return g_strdup_printf (_("Raise the LoRA rank from %" PRId64 " to %" PRId64 "."),
                                (gint64) action->from, (gint64) action->to);
      return g_strdup (_("Raise the LoRA rank."));
    case DEBRIEF_ACTION_TARGET_ALL_LINEAR:
      return g_strdup (_("Apply LoRA to all linear layers."));
    case DEBRIEF_ACTION_MORE_DATA:
      return g_strdup (_("Add more (or more varied) training data."));
    case DEBRIEF_ACTION_CHECK_DATA:
      return g_strdup (_("Check the data and the training setup."));
    case DEBRIEF_ACTION_CLIP_GRADIENTS:
      if (isfinite (action->value))
        return g_strdup_printf (_("Clip gradients to a norm of %s."),
                                g_ascii_formatd (buf, sizeof buf, "%.1f", action->value));
      return g_strdup (_("Clip gradients."));
    case DEBRIEF_ACTION_RAISE_KL_COEF:
      return g_strdup (_("Raise the KL coefficient."));
    case DEBRIEF_ACTION_RAISE_TEMPERATURE:
      return g_strdup (_("Raise the sampling temperature (or add an entropy bonus)."));
    case DEBRIEF_ACTION_LARGER_GROUPS:
      return g_strdup (_("Sample larger groups per prompt."));
    case DEBRIEF_ACTION_RAISE_MAX_TOKENS:
      return g_strdup (_("Raise the maximum response length."));
    case DEBRIEF_ACTION_ADD_SFT_TERM:
      return g_strdup (_("Add an SFT (NLL) term on the chosen answers."));
    case DEBRIEF_ACTION_EXTEND_SWEEP:
      {
        g_autoptr(GString) list = g_string_new (NULL);
        for (guint i = 0; i < action->n_values; i++)
          {
            if (i > 0)
              g_string_append (list, ", ");
            g_string_append (list, g_ascii_formatd (buf, sizeof buf, "%g", action->values[i]));
          }
        /* Translators: the setting (e.g. learning_rate) and the values to try */
        return g_strdup_printf (_("Extend the sweep: try %s = %s."), action->key ? action->key : "?", list->str);
      }
    default:
      return g_strdup (debrief_action_type_to_string (action->type));
    }
}
