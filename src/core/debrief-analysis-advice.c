/* debrief-analysis-advice.c: advice that fits the kind of run
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What kind of run the checks judge (method, and whether LoRA advice applies),
 * the learning-rate rules of thumb per kind, how learning rates are written,
 * and which saved checkpoint a fix can point at (POSTTRAINING.md section 4).
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* LoRA's best LR is ~10× the full fine-tuning one, for SFT and RL alike
 * (Thinking Machines, "LoRA Without Regret", 2025); 2e-5 is a common full-FT SFT LR. */
#define LORA_LR_FACTOR 10.0
#define TYPICAL_FULL_FT_LR 2e-5
/* Preference training and RL run at far smaller full fine-tuning rates than SFT:
 * 1e-6 is TRL's default for DPOTrainer and GRPOTrainer alike (DPO is often run at
 * 5e-7, Zephyr's; GRPO at 1e-6, DeepSeekMath's). */
#define TYPICAL_FULL_DPO_LR 1e-6
#define TYPICAL_FULL_RL_LR 1e-6
/* A checkpoint saved at most this share of the run before the best step is "near"
 * it: the weights there are nearly as good. */
#define STOP_NEAR_SHARE 0.1

double
_debrief_analysis_rule_of_thumb_lr (const char *base_model,
                                    gint64      hidden_size)
{
  /* FORMATS.md 3: lr ≈ 5e-5 × 10 × (2000 / hidden)^0.781 for Llama-family models;
   * Qwen's exponent is 0.0775. */
  double exponent = 0.781;
  g_autofree char *lower = NULL;

  if (hidden_size <= 0)
    return NAN;
  lower = base_model ? g_ascii_strdown (base_model, -1) : NULL;
  if (lower && strstr (lower, "qwen"))
    exponent = 0.0775;
  return 5e-5 * 10.0 * pow (2000.0 / (double) hidden_size, exponent);
}

char *
_debrief_format_lr (double lr)
{
  return g_strdup_printf (lr >= 1e-3 ? "%.2g" : "%.1e", lr);
}

static DebriefSeries *
series_named (const DebriefAnalysisInputs *in,
              const char                  *key)
{
  for (guint i = 0; i < in->series->len; i++)
    {
      DebriefSeries *s = g_ptr_array_index (in->series, i);
      const char *source = debrief_series_get_source_key (s);

      if (debrief_series_get_length (s) > 0
          && (g_strcmp0 (debrief_series_get_name (s), key) == 0 || g_strcmp0 (source, key) == 0))
        return s;
    }
  return NULL;
}

DebriefSeries *
_debrief_analysis_find_series (const DebriefAnalysisInputs *in,
                               const char *const           *keys)
{
  for (guint k = 0; keys[k]; k++)
    {
      DebriefSeries *s = series_named (in, keys[k]);
      if (s)
        return s;
    }
  /* W&B, TensorBoard and their CSV exports name the trainer's keys "train/<key>"
   * (HF's integrations add the prefix): the same series. */
  for (guint k = 0; keys[k]; k++)
    {
      g_autofree char *prefixed = NULL;
      DebriefSeries *s;

      if (g_str_has_prefix (keys[k], "train/") || g_str_has_prefix (keys[k], "eval"))
        continue;
      prefixed = g_strconcat ("train/", keys[k], NULL);
      if ((s = series_named (in, prefixed)))
        return s;
    }
  return NULL;
}

/* The planned end: the learning-rate schedule decayed to under 5% of its peak
 * (linear and cosine schedules reach 0 at the last step), or the epochs or steps
 * the configuration planned were reached. */
#define RUN_END_LR_SHARE 0.05
#define RUN_END_EPOCHS_DONE 0.99

gboolean
_debrief_analysis_run_reached_planned_steps (DebriefAnalysisContext *ctx)
{
  const DebriefRunConfig *config = &ctx->in->config;
  DebriefSeries *epoch = ctx->in->epoch;

  if (epoch && debrief_series_get_length (epoch) > 0 && isfinite (config->num_epochs) && config->num_epochs > 0
      && debrief_series_get_max (epoch) >= RUN_END_EPOCHS_DONE * config->num_epochs)
    return TRUE;
  return config->max_steps > 0 && ctx->in->last_step >= config->max_steps;
}

gboolean
_debrief_analysis_run_finished (DebriefAnalysisContext *ctx)
{
  DebriefSeries *lr = ctx->in->lr;

  if (lr && debrief_series_get_length (lr) >= LEVEL_MIN_POINTS && debrief_series_get_max (lr) > 0
      && debrief_series_get_last_value (lr) <= RUN_END_LR_SHARE * debrief_series_get_max (lr))
    return TRUE;
  return _debrief_analysis_run_reached_planned_steps (ctx);
}

void
_debrief_analysis_decide_kind (DebriefAnalysisContext *ctx)
{
  const DebriefAnalysisInputs *in = ctx->in;
  const DebriefRunConfig *c = &in->config;

  ctx->method = in->method;
  switch (in->adapter)
    {
    case DEBRIEF_ADAPTER_NONE:
      ctx->lora = FALSE;
      break;
    case DEBRIEF_ADAPTER_LORA:
    case DEBRIEF_ADAPTER_QLORA:
    case DEBRIEF_ADAPTER_DORA:
      ctx->lora = TRUE;
      break;
    case DEBRIEF_ADAPTER_UNKNOWN:
    default:
      /* A rank or LoRA targets in the config are LoRA settings. With nothing at all
       * it may be either: LoRA-only advice would be wrong for a full fine-tune, so
       * the advice covers both and the LoRA-only checks (rank, targets) stay quiet. */
      ctx->lora = c->lora_rank > 0 || (c->target_modules && c->target_modules[0])
                  || c->train_mlp != DEBRIEF_TRISTATE_UNKNOWN;
      ctx->adapter_unknown = !ctx->lora;
      break;
    }
  /* GRPO and its family log a "loss" that is near zero by construction (the
   * policy-gradient surrogate); it says nothing about progress. */
  ctx->loss_checks = ctx->method != DEBRIEF_METHOD_RL;
  ctx->self->method = ctx->method;
  ctx->self->lora_advice = ctx->lora;
}

double
_debrief_analysis_kind_lr (DebriefAnalysisContext  *ctx,
                           char                   **rule)
{
  gint64 hidden = ctx->in->config.dims.hidden_size;

  *rule = NULL;
  switch (ctx->method)
    {
    case DEBRIEF_METHOD_DPO:
      *rule = g_strdup (ctx->lora ? _("preference training with LoRA: about 10× the full fine-tuning "
                                      "rate of 1e-6")
                                  : _("preference training, full fine-tuning: about 1e-6, TRL's default"));
      return TYPICAL_FULL_DPO_LR * (ctx->lora ? LORA_LR_FACTOR : 1.0);
    case DEBRIEF_METHOD_RL:
      *rule = g_strdup (ctx->lora ? _("RL with LoRA: about 10× the full fine-tuning rate of 1e-6")
                                  : _("RL, full fine-tuning: about 1e-6, TRL's default"));
      return TYPICAL_FULL_RL_LR * (ctx->lora ? LORA_LR_FACTOR : 1.0);
    case DEBRIEF_METHOD_SFT:
    case DEBRIEF_METHOD_CPT:
    case DEBRIEF_METHOD_PRETRAIN:
    case DEBRIEF_METHOD_REWARD_MODEL:
    case DEBRIEF_METHOD_UNKNOWN:
    default:
      if (!isfinite (ctx->lr_rule))
        return NAN;
      if (ctx->adapter_unknown)
        {
          g_autofree char *lora = _debrief_format_lr (ctx->lr_rule);
          g_autofree char *full = _debrief_format_lr (ctx->lr_rule / LORA_LR_FACTOR);

          /* The rule depends on the adapter, which the run does not name: no single number. */
          *rule = g_strdup_printf (_("for a %" PRId64 "-wide model about %s with LoRA, %s fully "
                                     "fine-tuned"), hidden, lora, full);
          return NAN;
        }
      *rule = g_strdup_printf (ctx->lora ? _("the LoRA rule of thumb for a %" PRId64 "-wide model, "
                                             "10× full fine-tuning")
                                         : _("the full fine-tuning rule of thumb for a %" PRId64
                                             "-wide model"), hidden);
      /* A full fine-tune's best rate is a tenth of LoRA's (the same 10× rule, read backwards). */
      return ctx->lora ? ctx->lr_rule : ctx->lr_rule / LORA_LR_FACTOR;
    }
}

char *
_debrief_analysis_suggest_higher_lr (DebriefAnalysisContext *ctx,
                                     double                 *to)
{
  g_autofree char *rule = NULL;
  double target = _debrief_analysis_kind_lr (ctx, &rule);

  *to = NAN;
  if (isfinite (target) && (!isfinite (ctx->lr) || target > ctx->lr))
    {
      g_autofree char *text = _debrief_format_lr (target);

      *to = target;
      if (isfinite (ctx->lr))
        {
          g_autofree char *cur = _debrief_format_lr (ctx->lr);

          /* Say how far off it is when that is the point (2× or more). */
          if (target / ctx->lr >= 2.0)
            return g_strdup_printf (_("Raise the learning rate from %s (%.0f× below the rule) to about %s "
                                      "(%s)."), cur, target / ctx->lr, text, rule);
          return g_strdup_printf (_("Raise the learning rate from %s to about %s (%s)."), cur, text, rule);
        }
      return g_strdup_printf (_("Use a learning rate of about %s (%s)."), text, rule);
    }
  if (rule && ctx->adapter_unknown)
    {
      g_autofree char *cur = isfinite (ctx->lr) ? _debrief_format_lr (ctx->lr) : NULL;

      if (cur)
        return g_strdup_printf (_("Raise the learning rate from %s (the rule of thumb is %s) or train "
                                  "for longer."), cur, rule);
      return g_strdup_printf (_("Use the rule of thumb (%s) or train for longer."), rule);
    }
  if (isfinite (ctx->lr))
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);

      if (ctx->lora)
        {
          g_autofree char *lr = _debrief_format_lr (ctx->lr * LORA_LR_FACTOR);
          *to = ctx->lr * LORA_LR_FACTOR;
          return g_strdup_printf (_("Raise the learning rate from %s towards %s: LoRA's best learning rate "
                                    "is about 10× the full fine-tuning one; or train for longer."),
                                  cur, lr);
        }
      return g_strdup_printf (_("Raise the learning rate from %s (try 3×) or train for longer."), cur);
    }
  if (ctx->lora)
    {
      g_autofree char *lr = _debrief_format_lr (TYPICAL_FULL_FT_LR * LORA_LR_FACTOR);
      return g_strdup_printf (_("Use the 10× rule: LoRA's best learning rate is about 10× the full "
                                "fine-tuning one (e.g. %s for a model fully fine-tuned at 2e-5)."), lr);
    }
  return g_strdup (_("Raise the learning rate (try 3×) or train for longer."));
}

/* The step interval between evaluations (for "save as often as you evaluate"), 0 unknown. */
static gint64
eval_interval (DebriefAnalysisContext *ctx)
{
  if (ctx->val_n >= 2)
    return (gint64) (ctx->val_x[ctx->val_n - 1] - ctx->val_x[ctx->val_n - 2]);
  return 0;
}

static char *
how_to_save (DebriefAnalysisContext *ctx)
{
  gint64 every = eval_interval (ctx);
  const char *format = ctx->in->format ? ctx->in->format : "";

  if (g_str_equal (format, "tinker"))
    return every > 0 ? g_strdup_printf (_("Tinker: save_every=%" PRId64 ", as often as it evaluates"), every)
                     : g_strdup (_("Tinker: a smaller save_every"));
  if (g_str_equal (format, "hf_trainer") || g_str_equal (format, "llamafactory"))
    return every > 0 ? g_strdup_printf (_("Trainer: save_strategy=\"steps\", save_steps=%" PRId64
                                          ", as often as it evaluates"), every)
                     : g_strdup (_("Trainer: a smaller save_steps"));
  return every > 0 ? g_strdup_printf (_("save a checkpoint every %" PRId64 " steps, as often as it "
                                        "evaluates"), every)
                   : g_strdup (_("save a checkpoint at every evaluation"));
}

char *
_debrief_analysis_stop_advice (DebriefAnalysisContext  *ctx,
                               gint64                   step,
                               DebriefAction          **action)
{
  const DebriefAnalysisInputs *in = ctx->in;
  gint64 span = MAX (MAX (step, in->last_step), 1), found_step = -1;
  const char *found = NULL;
  g_autofree char *how = NULL;

  for (guint i = 0; i < in->checkpoint_steps->len; i++)
    {
      gint64 s = g_array_index (in->checkpoint_steps, gint64, i);
      if (s <= step && s > found_step)
        {
          found_step = s;
          found = in->checkpoint_names->pdata[i];
        }
    }
  if (found && (double) (step - found_step) <= STOP_NEAR_SHARE * (double) span)
    {
      *action = debrief_action_new_stop_at_step (step, found);
      if (found_step == step)
        return g_strdup_printf (_("Stop at step %" PRId64 ": use checkpoint %s, saved at that step."),
                                step, found);
      return g_strdup_printf (_("Stop at step %" PRId64 ": use checkpoint %s (saved at step %" PRId64
                                ", the last one before it)."), step, found, found_step);
    }
  *action = debrief_action_new_stop_at_step (step, NULL);
  how = how_to_save (ctx);
  if (found)
    return g_strdup_printf (_("Stop at step %" PRId64 ". No checkpoint was saved near it (the last one "
                              "before it, %s, is from step %" PRId64 "): save more often (%s) and "
                              "train to step %" PRId64 " again."), step, found, found_step, how, step);
  return g_strdup_printf (_("Stop at step %" PRId64 ". No checkpoint was saved at or before it: save "
                            "checkpoints (%s) and train to step %" PRId64 " again."), step, how, step);
}

char *
_debrief_analysis_adapter_fix (DebriefAnalysisContext *ctx,
                               const char             *lora,
                               const char             *full)
{
  if (ctx->lora)
    return g_strdup (lora);
  if (!ctx->adapter_unknown || full == NULL)
    return g_strdup (full);
  /* Translators: the first %s is the advice for a LoRA run, the second for a full fine-tune */
  return g_strdup_printf (_("If this was a LoRA run: %s If the whole model was trained: %s"), lora, full);
}
