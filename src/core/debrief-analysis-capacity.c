/* debrief-analysis-capacity.c: the capacity check and what it explains
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dataset tokens and bits per token from the logs, the capacity check itself
 * (debrief-capacity.c), the findings that need it (an early plateau, a failed
 * check) and the LoRA targets.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

/* undercapacity: the formula is an order-of-magnitude bound (FORMATS.md 4): a
 * warning only when the data needs 4× the capacity or more and the curve
 * plateaued; otherwise the failed check is information. */
#define UNDERCAP_WARNING_SHORTFALL 4.0

/* Rank to suggest for a plateau when the capacity check cannot give one. */
#define PLATEAU_RANK_FACTOR 4

/* Last step of the first epoch (inclusive), or -1 when it cannot be told. */
static gint64
first_epoch_last_step (const DebriefAnalysisInputs *in)
{
  const DebriefRunConfig *c = &in->config;
  gint64 first_step = in->train && debrief_series_get_length (in->train) > 0
                      ? debrief_series_get_first_step (in->train) : 1;

  if (c->steps_per_epoch > 0)
    return (first_step == 0 ? -1 : 0) + c->steps_per_epoch;
  if (in->epoch && debrief_series_get_length (in->epoch) > 0)
    {
      gsize n = debrief_series_get_length (in->epoch);
      const double *e = debrief_series_get_values (in->epoch);
      gboolean integral = TRUE;
      gint64 last = -1;

      for (gsize i = 0; i < n; i++)
        if (isfinite (e[i]) && e[i] != floor (e[i]))
          integral = FALSE;
      /* Tinker logs the 0-based epoch index, HF Trainer the fractional progress after the step. */
      for (gsize i = 0; i < n; i++)
        if (isfinite (e[i]) && (integral ? e[i] < 1.0 : e[i] <= 1.0 + 1e-9))
          last = debrief_series_get_step (in->epoch, i);
      if (last >= 0 && (!integral || debrief_series_get_value (in->epoch, n - 1) >= 1.0
                        || (isfinite (c->num_epochs) && c->num_epochs <= 1.0)
                        || !isfinite (c->num_epochs)))
        return last;
    }
  if (c->max_steps > 0 && isfinite (c->num_epochs) && c->num_epochs > 0)
    return (first_step == 0 ? -1 : 0) + (gint64) ((double) c->max_steps / c->num_epochs);
  if (isfinite (c->num_epochs) && c->num_epochs > 0 && in->train
      && debrief_series_get_length (in->train) > 0)
    return (gint64) ((double) debrief_series_get_last_step (in->train) / c->num_epochs);
  return -1;
}

static gint64
suggested_rank (DebriefAnalysisContext *ctx)
{
  const DebriefCapacityResult *cap = ctx->self->capacity;

  if (cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY)
    return cap->suggested_rank;
  if (ctx->in->config.lora_rank > 0)
    return ctx->in->config.lora_rank * PLATEAU_RANK_FACTOR;
  return 0;
}

void
_debrief_analysis_check_early_plateau (DebriefAnalysisContext *ctx)
{
  const DebriefCurve *c = &ctx->train;
  const DebriefCapacityResult *cap = ctx->self->capacity;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  double shortfall;
  gint64 rank;
  DebriefFinding *f;

  /* Every converged run plateaus; it is a problem only when a bigger adapter would
   * go lower. With capacity to spare it is the data's floor, not the adapter's, and
   * when capacity cannot be checked nothing says which, so no finding. */
  if (!ctx->plateau_shape || cap->status != DEBRIEF_CAPACITY_UNDERCAPACITY)
    return;
  shortfall = cap->required_bits / cap->capacity_bits;
  evidence = g_strdup_printf (_("Train loss fell from %.3f to %.3f and then stopped: 95%% of the drop "
                                "was done by step %" PRId64 " (%.0f%% of the run); after that "
                                "the fit gains only %.1f%% more."),
                              c->head, c->tail, ctx->plateau_step,
                              100.0 * 3.0 * c->tau_share, 100.0 * c->remaining_share);
  rank = suggested_rank (ctx);
  if (rank > 0)
    fix = g_strdup_printf (_("Increase the LoRA rank from %" PRId64 " to %" PRId64
                             " and re-run."),
                           ctx->in->config.lora_rank, rank);
  else
    fix = g_strdup_printf (_("Increase the LoRA rank (4× is a good step, e.g. 16 → 64) and re-run."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_EARLY_PLATEAU,
                                     shortfall >= UNDERCAP_WARNING_SHORTFALL ? DEBRIEF_SEVERITY_WARNING
                                                                             : DEBRIEF_SEVERITY_INFO,
                                     _("Loss plateaus early"), evidence,
                                     _("Undercapacity: the adapter is too small for the data."),
                                     fix, ctx->plateau_step);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_RAISE_RANK,
                                                            ctx->in->config.lora_rank > 0
                                                            ? (double) ctx->in->config.lora_rank : NAN,
                                                            rank > 0 ? (double) rank : NAN));
}

void
_debrief_analysis_check_undercapacity (DebriefAnalysisContext *ctx)
{
  const DebriefCapacityResult *cap = ctx->self->capacity;
  double shortfall;
  gboolean alarm;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  DebriefFinding *f;

  /* Preference pairs are not memorised token by token: the token count says nothing. */
  if (cap->status != DEBRIEF_CAPACITY_UNDERCAPACITY || ctx->method == DEBRIEF_METHOD_DPO)
    return;
  shortfall = cap->required_bits / cap->capacity_bits;
  alarm = shortfall >= UNDERCAP_WARNING_SHORTFALL && ctx->plateau_shape;
  /* Translators: the parameter count decides the plural; the numbers are bits of capacity and data */
  evidence = g_strdup_printf (alarm ? g_dngettext (GETTEXT_PACKAGE,
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameter holds "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, and the loss plateaued "
                                                   "early.",
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameters hold "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, and the loss plateaued "
                                                   "early.", (gulong) cap->lora_params)
                                    : g_dngettext (GETTEXT_PACKAGE,
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameter holds "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, but the loss curve "
                                                   "does not show a plateau.",
                                                   "Rank %" PRId64 ": %" PRId64 " LoRA parameters hold "
                                                   "about %.0f bits; the data needs %.0f bits (%.2f bits "
                                                   "per token): %.1f× the capacity, but the loss curve "
                                                   "does not show a plateau.", (gulong) cap->lora_params),
                              cap->rank, cap->lora_params, cap->capacity_bits, cap->required_bits,
                              cap->bits_per_token, shortfall);
  fix = g_strdup_printf (alarm ? _("Raise the rank from %" PRId64 " to %" PRId64
                                   " and re-run.")
                               : _("If quality falls short, raise the rank from %" PRId64
                                   " to %" PRId64 "; the formula is an upper bound on what "
                                   "must be memorised, so this alone is not a failure."),
                         cap->rank, cap->suggested_rank);
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_UNDERCAPACITY,
                                     alarm ? DEBRIEF_SEVERITY_WARNING : DEBRIEF_SEVERITY_INFO,
                                     _("Capacity check fails"), evidence,
                                     _("The rank is too small for the data."), fix, -1);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_RAISE_RANK, (double) cap->rank,
                                                            (double) cap->suggested_rank));
}

void
_debrief_analysis_check_targets (DebriefAnalysisContext *ctx)
{
  const DebriefRunConfig *config = &ctx->in->config;
  guint targets = debrief_capacity_targets_from_config (config);
  g_autofree char *evidence = NULL;
  DebriefFinding *f;

  if (targets == 0 || (targets & (DEBRIEF_TARGETS_MLP | DEBRIEF_TARGET_GATE_UP)))
    return;
  if (config->target_modules && config->target_modules[0])
    {
      g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);

      /* A module name Debrief does not know (GPT-J's fc_in, BLOOM's dense_h_to_4h ...)
       * may well be the MLP: no finding rather than a false one. */
      debrief_capacity_targets_from_names ((const char *const *) config->target_modules, unknown);
      if (unknown->len > 0)
        {
          g_autofree char *names = NULL;

          g_ptr_array_add (unknown, NULL);
          names = g_strjoinv (", ", (char **) unknown->pdata);
          _debrief_analysis_add_note (ctx->self,
                                      g_strdup_printf (_("target_modules names modules Debrief does not "
                                                         "know (%s): whether the MLP is adapted is not "
                                                         "checked."), names));
          return;
        }
    }
  if (config->target_modules && config->target_modules[0])
    {
      g_autofree char *list = g_strjoinv (", ", config->target_modules);
      evidence = g_strdup_printf (_("target_modules: %s (no MLP projection such as gate_proj, "
                                    "up_proj, down_proj)."), list);
    }
  else
    evidence = g_strdup (_("train_mlp is false: only attention is adapted."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_LORA_TARGETS_NO_MLP, DEBRIEF_SEVERITY_WARNING,
                                     _("Adapter skips the MLP layers"), evidence,
                                     _("Configuration: LoRA on attention only underperforms; on all layers, "
                                       "the MLP especially, it matches full fine-tuning."),
                                     _("Target all linear layers (PEFT: target_modules=\"all-linear\"; "
                                       "Tinker: train_mlp=True)."),
                                     -1);
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_TARGET_ALL_LINEAR));
}

/* The status in words for the window and the report: a check that does not
 * apply to the kind of run is not a check that failed to find its inputs. */
static void
label_capacity (DebriefAnalysisContext *ctx,
                gboolean                applies)
{
  ctx->self->capacity_applies = applies;
  switch (ctx->self->capacity->status)
    {
    case DEBRIEF_CAPACITY_OK:
      ctx->self->capacity_label = _("Enough capacity");
      break;
    case DEBRIEF_CAPACITY_UNDERCAPACITY:
      ctx->self->capacity_label = _("Too little capacity");
      break;
    case DEBRIEF_CAPACITY_UNKNOWN:
    default:
      ctx->self->capacity_label = !applies ? _("Does not apply")
                                  : ctx->adapter_unknown ? _("Adapter unknown") : _("Cannot check yet");
      break;
    }
}

void
_debrief_analysis_run_capacity (DebriefAnalysisContext *ctx)
{
  const DebriefRunConfig *config = &ctx->in->config;
  DebriefCapacityInput input;
  gint64 epoch_end = first_epoch_last_step (ctx->in);
  g_autofree char *bits_source = NULL;

  debrief_capacity_input_init (&input);
  if (!ctx->lora)
    {
      /* A full fine-tune trains every weight: the LoRA formula does not apply; and
       * without a rank or targets nothing says there is an adapter to count. */
      ctx->self->capacity = debrief_capacity_check (&input);
      g_clear_pointer (&ctx->self->capacity->assumptions, g_free);
      g_free (ctx->self->capacity->message);
      ctx->self->capacity->message = g_strdup (ctx->adapter_unknown
                                               ? _("Not checked: the run does not say that it trained a "
                                                   "LoRA adapter (no rank or target modules in its files).")
                                               : _("Not a LoRA run: the capacity check counts the "
                                                   "parameters of a LoRA adapter; a full fine-tune trains "
                                                   "every weight of the model."));
      label_capacity (ctx, ctx->adapter_unknown);
      return;
    }
  if (ctx->method == DEBRIEF_METHOD_REWARD_MODEL)
    {
      /* A reward model learns one score per pair (about a bit of which answer wins),
       * not the tokens it reads: the token rule would overstate the data by the
       * length of the answers, and the logs do not count the pairs. */
      ctx->self->capacity = debrief_capacity_check (&input);
      g_clear_pointer (&ctx->self->capacity->assumptions, g_free);
      g_free (ctx->self->capacity->message);
      ctx->self->capacity->message = g_strdup (_("Not checked: a reward model learns about one bit per "
                                                 "preference pair (which answer scores higher), not per "
                                                 "token, and the logs do not count the pairs."));
      label_capacity (ctx, FALSE);
      return;
    }
  input.rank = config->lora_rank;
  input.dims = config->dims;
  input.targets = debrief_capacity_targets_from_config (config);
  /* RL counts episodes (below), never the tokens it sampled. */
  input.dataset_tokens = ctx->method == DEBRIEF_METHOD_RL ? 0 : config->dataset_tokens;
  input.per_episode = ctx->method == DEBRIEF_METHOD_RL;

  /* Dataset tokens from the logged per-step token counts over the first epoch. */
  if (input.dataset_tokens <= 0 && ctx->method != DEBRIEF_METHOD_RL && ctx->in->tokens && epoch_end >= 0)
    {
      DebriefSeries *t = ctx->in->tokens;
      double sum = 0;
      for (gsize i = 0; i < debrief_series_get_length (t); i++)
        if (debrief_series_get_step (t, i) <= epoch_end && isfinite (debrief_series_get_value (t, i)))
          sum += debrief_series_get_value (t, i);
      if (sum > 0)
        {
          input.dataset_tokens = (gint64) sum;
          _debrief_analysis_add_note (ctx->self, g_strdup_printf (_("Dataset tokens: %" PRId64 ", the sum of "
                                                                    "the logged tokens per step over the first epoch."),
                                                                  input.dataset_tokens));
        }
    }

  /* RL: a policy-gradient episode carries about one bit ("LoRA Without Regret",
   * Thinking Machines 2025), so the rule counts episodes, not tokens. */
  if (input.dataset_tokens <= 0 && config->rl_episodes > 0)
    {
      input.dataset_tokens = config->rl_episodes;
      input.bits_per_token = 1.0;
      bits_source = g_strdup_printf (_("RL: %" PRId64 " episodes (%s), about one bit each"), config->rl_episodes,
                                     config->rl_episodes_source);
      input.bits_source = bits_source;
    }
  /* Bits per token: the first-epoch mean loss (nats) / ln 2; a preference loss is
   * not a per-token loss, so preference runs keep the checklist's 1 bit. */
  else if (ctx->has_train && ctx->train.n > 0 && ctx->method != DEBRIEF_METHOD_DPO && !input.per_episode)
    {
      double sum = 0;
      gsize count = 0;
      for (gsize i = 0; i < ctx->train.n; i++)
        if (epoch_end < 0 || _debrief_curve_x (&ctx->train, i) <= (double) epoch_end)
          {
            sum += ctx->train.y[i];
            count++;
          }
      if (count > 0 && sum > 0)
        {
          input.bits_per_token = sum / (double) count / G_LN2;
          bits_source = g_strdup_printf (epoch_end >= 0
                                         ? _("first-epoch mean loss %.3f nats")
                                         : _("mean loss %.3f nats (epoch length unknown)"),
                                         sum / (double) count);
          input.bits_source = bits_source;
        }
    }
  ctx->self->capacity = debrief_capacity_check (&input);
  label_capacity (ctx, TRUE);
  if (bits_source && ctx->self->capacity->status != DEBRIEF_CAPACITY_UNKNOWN && !input.per_episode)
    _debrief_analysis_add_note (ctx->self, g_strdup_printf (_("Capacity uses %.2f bits per token (%s)."),
                                                            input.bits_per_token, bits_source));
}

