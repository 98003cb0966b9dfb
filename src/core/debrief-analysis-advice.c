/* debrief-analysis-advice.c: the numbers the fixes suggest
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Learning-rate rules of thumb, how learning rates are written, which saved
 * checkpoint a fix can point at.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* LoRA's best LR is ~10× the full fine-tuning one; 2e-5 is a common full-FT LR. */
#define LORA_LR_FACTOR 10.0
#define TYPICAL_FULL_FT_LR 2e-5

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

const char *
_debrief_analysis_nearest_checkpoint (const DebriefAnalysisInputs *in,
                                      gint64                       step)
{
  const char *best = NULL;
  gint64 best_dist = G_MAXINT64;

  for (guint i = 0; i < in->checkpoint_steps->len; i++)
    {
      gint64 s = g_array_index (in->checkpoint_steps, gint64, i);
      gint64 d = ABS (s - step);
      if (d < best_dist)
        {
          best_dist = d;
          best = in->checkpoint_names->pdata[i];
        }
    }
  return best;
}

char *
_debrief_analysis_suggest_higher_lr (DebriefAnalysisContext *ctx)
{
  if (isfinite (ctx->lr_rule) && (!isfinite (ctx->lr) || ctx->lr_rule > ctx->lr))
    {
      g_autofree char *rule = _debrief_format_lr (ctx->lr_rule);
      if (isfinite (ctx->lr))
        {
          g_autofree char *cur = _debrief_format_lr (ctx->lr);
          return g_strdup_printf (_("Raise the learning rate from %s to about %s (the rule of thumb "
                                    "for a %" PRId64 "-wide model: 5e-5 × 10 × "
                                    "(2000 / hidden)^0.781, i.e. 10× full fine-tuning)."),
                                  cur, rule, ctx->in->config.dims.hidden_size);
        }
      return g_strdup_printf (_("Use a learning rate of about %s (the rule of thumb for a %"
                                PRId64 "-wide model, i.e. 10× full fine-tuning)."),
                              rule, ctx->in->config.dims.hidden_size);
    }
  if (isfinite (ctx->lr))
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);
      g_autofree char *lr = _debrief_format_lr (ctx->lr * LORA_LR_FACTOR);
      return g_strdup_printf (_("Raise the learning rate from %s towards %s: LoRA's best learning rate "
                                "is about 10× the full fine-tuning one; or train for longer."),
                              cur, lr);
    }
  {
    g_autofree char *lr = _debrief_format_lr (TYPICAL_FULL_FT_LR * LORA_LR_FACTOR);
    return g_strdup_printf (_("Use the 10× rule: LoRA's best learning rate is about 10× the full "
                              "fine-tuning one (e.g. %s for a model fully fine-tuned at 2e-5)."), lr);
  }
}

