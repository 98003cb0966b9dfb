/* debrief-analysis-rl.c: checks on an RL run (GRPO, PPO, RLOO, Tinker RL)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An RL run is judged on its mean reward, its KL, its entropy, the share of
 * groups that carry no learning signal and its response lengths (POSTTRAINING.md
 * sections 2 and 3), never on its loss. Each curve is summarised as the loss is
 * (debrief-analysis-curve.c: robust noise sigma, medians of windows, smoothed
 * bins), and every threshold is either relative to that noise or a share with a
 * meaning of its own. Keys are looked up as the trainers log them: TRL
 * (GRPOTrainer, RLOOTrainer, PPOTrainer), tinker-cookbook, verl, OpenRLHF.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

static const char *const reward_keys[] = {
  "reward", "env/all/reward/total", "train/reward", "rewards/mean", "critic/rewards/mean",
  "critic/score/mean", "objective/scores", "objective/rlhf_reward", "env/reward_mean", "reward_mean", NULL
};
static const char *const test_reward_keys[] = {
  "test/env/all/reward/total", "eval_reward", "eval/reward", "val/reward", "test/reward", NULL
};
static const char *const kl_ref_keys[] = {
  "kl", "objective/kl", "train/kl", "actor/kl_loss", "kl_policy_base", NULL
};
/* TRL's PPO and RLOO trainers log objective/kl summed over the response tokens
 * (kl.sum(1)): nats per response, not per token. */
static const char *const kl_per_response_keys[] = { "objective/kl", "train/objective/kl", NULL };
/* TRL's PPO and RLOO trainers: how many EOS tokens the responses of a step held. */
static const char *const eos_count_keys[] = { "val/num_eos_tokens", "train/val/num_eos_tokens", NULL };
/* tinker-cookbook's KL between the sampler's and the trainer's log-probabilities:
 * it should be ~0 (the same weights), whatever the policy learns. */
static const char *const kl_sample_train_keys[] = {
  "optim/kl_sample_train_v1", "optim/kl_sample_train_v2", NULL
};
static const char *const entropy_keys[] = {
  "entropy", "optim/entropy", "actor/entropy", "policy/entropy_avg", "objective/entropy", "train/entropy", NULL
};
static const char *const zero_std_keys[] = { "frac_reward_zero_std", "train/frac_reward_zero_std", NULL };
static const char *const all_good_keys[] = { "env/all/by_group/frac_all_good", NULL };
static const char *const all_bad_keys[] = { "env/all/by_group/frac_all_bad", NULL };
static const char *const reward_std_keys[] = { "reward_std", "train/reward_std", NULL };
static const char *const clipped_keys[] = {
  "completions/clipped_ratio", "train/completions/clipped_ratio", "response_length/clip_ratio", NULL
};
static const char *const length_keys[] = {
  "completions/mean_length", "train/completions/mean_length", "completion_length", "response_length/mean",
  "env/all/ac_tokens_per_turn", NULL
};
static const char *const max_length_keys[] = {
  "completions/max_length", "train/completions/max_length", "response_length/max", NULL
};

/* Trend checks need as many points as the loss-shape checks. */
#define RL_MIN_POINTS CURVE_MIN_POINTS
/* Share-based checks (a median of a fraction) need only a few steps. */
#define RL_MIN_SHARE_POINTS 5
/* "Improving" is a slope 2 standard errors above zero; "rose" a median difference
 * 3 standard errors above zero (one-sided, about 1 in 700 by chance). */
#define RL_IMPROVING_T 2.0
#define RL_SIGNIFICANT_Z 3.0
/* reward_plateau: a reward that did not improve (no rise above its start by 3
 * standard errors, and no rise over the second half), below a known ceiling (a
 * reward in [0, 1] is a pass rate or a score; its ceiling is 1) by at least a
 * tenth of it. A reward that rose and then levelled off has converged: the
 * curve alone cannot say a higher one was within reach, so it is no finding. */
#define PLATEAU_LATE_FROM 0.5
#define PLATEAU_MIN_GAP 0.1
/* A reward with no known ceiling (a sum of reward functions, a reward model's
 * score) cannot be said to sit below it, except by GRPO's own groups: when most
 * groups (more than NO_SIGNAL_SHARE) still hold answers with different rewards,
 * the policy samples answers better than its mean, so the mean is not at what
 * the task allows. Such a reward that never improved from its start is a plateau
 * too; one at its best would give every answer of a group the same reward. */
/* At the ceiling: the late median within 0.05 of it (a solved task). */
#define CEILING_GAP 0.05
/* reward_collapse: the peak is followed by at least 15% of the run, and the reward
 * falls from it by 3 standard errors and by at least 30% of what it had gained. */
#define COLLAPSE_MIN_AFTER_SHARE 0.15
#define COLLAPSE_MIN_SHARE 0.3
#define COLLAPSE_PEAK_WINDOW 0.05
/* kl_blowup: Tinker's sample–train KL above ~0.01 means sampler and trainer
 * disagree (numerics, a stale sampler). A KL to the reference starts at 0 and
 * grows as the policy learns: only ten times its early level *and* above 0.1
 * nats per token (far from the reference by any standard) is a blow-up. */
#define KL_SAMPLE_TRAIN_MAX 0.01
#define KL_BLOWUP_FACTOR 10.0
#define KL_REF_MIN_BLOWUP 0.1
/* A KL per response (TRL PPO/RLOO) starts at 0 too but grows with the response
 * length, so neither the per-token floor nor a ratio to an early window (PPO has
 * often drifted by then) measures it: its level does. TRL's adaptive KL controller
 * aimed at 6 nats per response (PPOConfig target=6, its classic default); a run
 * that ends above it, significantly above its start, has drifted further than the
 * trainer was designed to allow. */
#define KL_RESPONSE_MAX 6.0
/* entropy_collapse: the late entropy below a tenth of the early one. */
#define ENTROPY_COLLAPSE_SHARE 0.1
/* no_learning_signal: in most groups (half or more) every sample got the same
 * reward, so their advantages are 0 and they teach nothing. */
#define NO_SIGNAL_SHARE 0.5
/* length_clipping: a fifth of the responses cut at the limit biases the reward
 * (a truncated answer scores 0); a tenth is worth knowing. A mean length equal to
 * its maximum at 3 or more steps can only be a cap every response hit. */
#define CLIPPED_WARNING_SHARE 0.2
#define CLIPPED_INFO_SHARE 0.1
#define CAP_MIN_HITS 3
/* ... but answers of a fixed length sit at their maximum too (an arithmetic task
 * answers in exactly 5 tokens): a cap is only taken when the lengths were once
 * well below it (under 75% of it) and it is at least 16 tokens (no one limits a
 * response to fewer). */
#define CAP_MIN_SPREAD 0.75
#define CAP_MIN_TOKENS 16
#define CAP_WARNING_SHARE 0.9
#define CAP_INFO_SHARE 0.75
/* Learning-rate cuts for instability: a third, as for loss spikes. */
#define RL_LR_DIVISOR SPIKE_LR_DIVISOR

typedef struct
{
  DebriefSeries *series;
  DebriefCurve curve;
  double head, tail;       /* medians of the first and last 10% */
  gsize k_head, k_tail;
  double ceiling;          /* 1.0 for a reward in [0, 1], else NaN */
  gboolean constant;
  gboolean at_ceiling;
} Reward;

static const char *
key_of (DebriefSeries *s)
{
  return debrief_series_get_source_key (s) ? debrief_series_get_source_key (s) : debrief_series_get_name (s);
}

static void
reward_init (Reward        *r,
             DebriefSeries *series)
{
  double lo, hi;

  memset (r, 0, sizeof *r);
  r->series = series;
  r->ceiling = NAN;
  _debrief_curve_init (&r->curve, series);
  if (r->curve.n < LEVEL_MIN_POINTS)
    return;
  lo = debrief_series_get_min (series);
  hi = debrief_series_get_max (series);
  r->constant = lo == hi;
  if (lo >= 0.0 && hi <= 1.0)
    r->ceiling = 1.0;
  r->head = _debrief_curve_window_median (&r->curve, 0.0, 0.1, &r->k_head);
  r->tail = _debrief_curve_window_median (&r->curve, 0.9, 1.0, &r->k_tail);
  {
    gsize k;
    double late = _debrief_curve_window_median (&r->curve, 0.75, 1.0, &k);
    r->at_ceiling = isfinite (r->ceiling) && late >= r->ceiling - CEILING_GAP;
  }
}

/* The median of a share-valued series over the whole run (NaN when too short). */
static double
share_median (DebriefSeries *s,
              gsize         *n)
{
  const double *v;
  g_autofree double *finite = NULL;
  gsize k = 0, len;

  *n = 0;
  if (s == NULL)
    return NAN;
  len = debrief_series_get_length (s);
  v = debrief_series_get_values (s);
  finite = g_new (double, MAX (len, 1));
  for (gsize i = 0; i < len; i++)
    if (isfinite (v[i]))
      finite[k++] = v[i];
  *n = k;
  return k >= RL_MIN_SHARE_POINTS ? debrief_stats_median (finite, k) : NAN;
}

/* ---- reward -------------------------------------------------------------- */

/* tinker-cookbook names evaluator metrics "<evaluator>/env/all/reward/total"
 * ("test/…", "test/test/…", "eval_math/…"): any prefix of the train key is a
 * held-out reward. */
#define TINKER_REWARD_KEY "env/all/reward/total"

static DebriefSeries *
find_test_reward (DebriefAnalysisContext *ctx)
{
  DebriefSeries *s = _debrief_analysis_find_series (ctx->in, test_reward_keys);

  for (guint i = 0; s == NULL && i < ctx->in->series->len; i++)
    {
      DebriefSeries *t = g_ptr_array_index (ctx->in->series, i);
      const char *key = key_of (t);

      if (g_str_has_suffix (key, "/" TINKER_REWARD_KEY) && debrief_series_get_length (t) > 0)
        s = t;
    }
  return s;
}

/* Whether a held-out reward contradicts "not improving": its last evaluation is
 * above its first. A few evaluations cannot prove a gain, but a plateau claimed
 * against them would be a finding a careful reader rejects. */
static gboolean
test_reward_rising (DebriefSeries *test)
{
  gsize n = test ? debrief_series_get_length (test) : 0;
  double first, last;

  if (n < 2)
    return FALSE;
  first = debrief_series_get_value (test, 0);
  last = debrief_series_get_last_value (test);
  return isfinite (first) && isfinite (last) && last > first;
}

static void
check_reward_plateau (DebriefAnalysisContext *ctx,
                      const Reward           *r,
                      DebriefSeries          *test)
{
  const DebriefCurve *c = &r->curve;
  double slope, t, late, gain_z;
  gsize k_late;
  gboolean learned;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  g_autofree char *rule = NULL;
  g_autoptr(GString) text = NULL;
  double kind_lr, to;
  gboolean lr_at_rule, cut = FALSE;
  g_autofree char *cause = NULL;
  DebriefSeries *clipped;
  DebriefFinding *f;
  double spread_share = NAN;
  gsize n_spread = 0;
  gboolean with_spread;

  if (c->n < RL_MIN_POINTS || r->constant || r->at_ceiling)
    return;
  late = _debrief_curve_window_median (c, 0.75, 1.0, &k_late);
  if (isfinite (r->ceiling))
    {
      if (r->ceiling - late < PLATEAU_MIN_GAP)
        return;
    }
  else
    {
      spread_share = share_median (_debrief_analysis_find_series (ctx->in, zero_std_keys), &n_spread);
      if (!(isfinite (spread_share) && spread_share < NO_SIGNAL_SHARE))
        return;
    }
  t = _debrief_curve_slope_t (c, PLATEAU_LATE_FROM, &slope);
  if (!isfinite (t) || t >= RL_IMPROVING_T || test_reward_rising (test))
    return;
  gain_z = _debrief_curve_median_diff_z (c, late - r->head, r->k_head, k_late);
  learned = gain_z >= RL_SIGNIFICANT_Z;
  if (learned)
    return;

  text = g_string_new (NULL);
  if (isfinite (r->ceiling))
    g_string_append_printf (text, _("Mean reward (%s) did not improve: %.3f at the start, %.3f over the last "
                                    "quarter; over the second half it moved %+.3f per 100 steps (t = %.1f; "
                                    "noise ±%.3f per step), %.2f below its ceiling of %.1f."),
                            key_of (r->series), r->head, late, 100.0 * slope, t, c->sigma,
                            r->ceiling - late, r->ceiling);
  else
    g_string_append_printf (text, _("Mean reward (%s) did not improve: %.3f at the start, %.3f over the last "
                                    "quarter; over the second half it moved %+.3f per 100 steps (t = %.1f; "
                                    "noise ±%.3f per step). It is not at its best: in a median step "
                                    "%.0f%% of the groups gave every answer the same reward, the others held "
                                    "better and worse answers."),
                            key_of (r->series), r->head, late, 100.0 * slope, t, c->sigma,
                            100.0 * spread_share);
  if (test && debrief_series_get_length (test) >= 2)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Held-out reward: %.3f → %.3f over %zu evaluations."),
                              debrief_series_get_value (test, 0), debrief_series_get_last_value (test),
                              debrief_series_get_length (test));
    }
  evidence = g_string_free (g_steal_pointer (&text), FALSE);

  kind_lr = _debrief_analysis_kind_lr (ctx, &rule);
  to = isfinite (kind_lr) && (!isfinite (ctx->lr) || kind_lr > ctx->lr) ? kind_lr : NAN;
  /* A rate already at the rule of thumb (or above) is not the thing to raise. */
  lr_at_rule = isfinite (kind_lr) && isfinite (ctx->lr) && ctx->lr >= kind_lr;
  /* Groups with a spread did give advantages: larger groups are not the remedy,
   * a reward that ranks the answers as intended (and a rate that follows it) is. */
  with_spread = !isfinite (r->ceiling);
  if (with_spread && lr_at_rule)
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);

      fix = g_strdup_printf (_("Check that the reward ranks the answers as intended (score a few groups by "
                               "hand), or start with easier problems (a curriculum); the learning rate (%s) "
                               "is already at the usual rate (%s)."), cur, rule);
    }
  else if (with_spread && isfinite (to) && isfinite (ctx->lr))
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);
      g_autofree char *sug = _debrief_format_lr (to);

      fix = g_strdup_printf (_("Raise the learning rate from %s to about %s (%s), and check that the reward "
                               "ranks the answers as intended (score a few groups by hand)."), cur, sug, rule);
    }
  else if (with_spread)
    fix = g_strdup_printf (_("Check that the reward ranks the answers as intended (score a few groups by "
                             "hand), or raise the learning rate (%s)."),
                           rule ? rule : _("a LoRA learns best at about 10× the full fine-tuning rate"));
  else if (lr_at_rule)
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);

      fix = g_strdup_printf (_("Sample larger groups per prompt so more of them have a reward spread, or "
                               "start with easier problems (a curriculum); the learning rate (%s) is "
                               "already at the usual rate (%s)."), cur, rule);
    }
  else if (isfinite (to) && isfinite (ctx->lr))
    {
      g_autofree char *cur = _debrief_format_lr (ctx->lr);
      g_autofree char *sug = _debrief_format_lr (to);
      fix = g_strdup_printf (_("Raise the learning rate from %s to about %s (%s); sample larger groups "
                               "per prompt so more of them have a reward spread; or start with easier "
                               "problems (a curriculum)."), cur, sug, rule);
    }
  else
    fix = g_strdup_printf (_("Sample larger groups per prompt so more of them have a reward spread, start "
                             "with easier problems (a curriculum), or raise the learning rate (%s)."),
                           rule ? rule : _("a LoRA learns best at about 10× the full fine-tuning rate"));
  if (with_spread)
    cause = g_strdup (lr_at_rule
                      ? _("The groups hold better and worse answers, yet the policy does not move towards "
                          "the better ones: the reward may be too noisy to learn from, or the task too hard.")
                      : _("The groups hold better and worse answers, yet the policy does not move towards "
                          "the better ones: the learning rate may be too low, or the reward too noisy to "
                          "learn from."));
  else
    cause = g_strdup (lr_at_rule
                      ? _("Too little learning signal: the groups too small to show a reward spread, or "
                          "the task too hard.")
                      : _("Too little learning signal: the learning rate is too low, the groups too small "
                          "to show a reward spread, or the task too hard."));
  clipped = _debrief_analysis_find_series (ctx->in, clipped_keys);
  if (clipped)
    {
      gsize n;
      double share = _debrief_series_window_median (clipped, 0.5, 1.0, &n);

      /* A cut answer seldom earns the reward: the length limit comes first. */
      if (n >= RL_MIN_SHARE_POINTS && share >= CLIPPED_WARNING_SHARE)
        {
          char *with = g_strdup_printf (_("%s And %.0f%% of the responses are cut at the length limit "
                                          "(%s): a cut answer seldom earns the reward."),
                                        cause, 100.0 * share, key_of (clipped));

          g_free (cause);
          cause = with;
          with = g_strdup_printf (_("Raise the response length limit first (see \"Responses hit the length "
                                    "limit\"). %s"), fix);
          g_free (fix);
          fix = with;
          cut = TRUE;
        }
    }
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_REWARD_PLATEAU, DEBRIEF_SEVERITY_WARNING,
                                     _("Reward does not improve"), evidence, cause, fix, -1);
  if (cut)
    debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_RAISE_MAX_TOKENS));
  if (!lr_at_rule)
    debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_RAISE_LR, ctx->lr, to));
  if (!with_spread)
    debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_LARGER_GROUPS));
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
}

static void
check_reward_collapse (DebriefAnalysisContext *ctx,
                       const Reward           *r)
{
  const DebriefCurve *c = &r->curve;
  gsize p, i, half, lo, hi;
  double peak_x, peak, fall, gain;
  g_autofree char *evidence = NULL;
  g_autofree char *stop = NULL;
  g_autofree char *fix = NULL;
  DebriefAction *stop_action = NULL;
  DebriefFinding *f;

  if (c->n < RL_MIN_POINTS || r->constant || c->nb == 0 || !(c->sigma > 0))
    return;
  p = _debrief_curve_peak_bin (c);
  peak_x = c->bx[p];
  if (peak_x > _debrief_curve_x (c, 0)
                + (1.0 - COLLAPSE_MIN_AFTER_SHARE) * (_debrief_curve_x (c, c->n - 1) - _debrief_curve_x (c, 0)))
    return;
  /* The raw points around the peak, not the smoothed maximum (biased high on noise). */
  for (i = 0; i + 1 < c->n && _debrief_curve_x (c, i) < peak_x; i++)
    ;
  half = MAX (LEVEL_MIN_POINTS, (gsize) (COLLAPSE_PEAK_WINDOW * (double) c->n));
  lo = i > half ? i - half : 0;
  hi = MIN (c->n, i + half + 1);
  peak = debrief_stats_median (c->y + lo, hi - lo);
  fall = peak - r->tail;
  gain = peak - r->head;
  if (_debrief_curve_median_diff_z (c, gain, r->k_head, hi - lo) < RL_SIGNIFICANT_Z
      || _debrief_curve_median_diff_z (c, fall, hi - lo, r->k_tail) < RL_SIGNIFICANT_Z
      || fall < COLLAPSE_MIN_SHARE * gain)
    return;

  evidence = g_strdup_printf (_("Mean reward (%s) rose from %.3f to %.3f around step %.0f, then fell to "
                                "%.3f over the last 10%% of the run (−%.3f, %.0f%% of what it had gained; "
                                "noise ±%.3f per step)."),
                              key_of (r->series), r->head, peak, peak_x, r->tail, fall, 100.0 * fall / gain,
                              c->sigma);
  stop = _debrief_analysis_stop_advice (ctx, (gint64) peak_x, &stop_action);
  if (isfinite (ctx->lr))
    {
      g_autofree char *lr = _debrief_format_lr (ctx->lr / RL_LR_DIVISOR);
      fix = g_strdup_printf (_("%s Then lower the learning rate to %s and strengthen the KL penalty "
                               "(beta) so the policy stays nearer the reference."), stop, lr);
    }
  else
    fix = g_strdup_printf (_("%s Then lower the learning rate (a third is a good first try) and "
                             "strengthen the KL penalty (beta) so the policy stays nearer the reference."),
                           stop);
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_REWARD_COLLAPSE, DEBRIEF_SEVERITY_WARNING,
                                     _("Reward collapsed after its peak"), evidence,
                                     _("Policy collapse or reward hacking, or a learning rate too high."),
                                     fix, (gint64) peak_x);
  debrief_finding_add_action (f, stop_action);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, ctx->lr,
                                                            ctx->lr / RL_LR_DIVISOR));
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_RAISE_KL_COEF));
}

/* ---- KL ------------------------------------------------------------------ */

static void
check_kl (DebriefAnalysisContext *ctx)
{
  DebriefSeries *st = _debrief_analysis_find_series (ctx->in, kl_sample_train_keys);
  DebriefSeries *ref = _debrief_analysis_find_series (ctx->in, kl_ref_keys);
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  gboolean sample_train = FALSE;
  gint64 step = -1;
  DebriefFinding *f;

  if (st)
    {
      gsize n;
      double late = _debrief_series_window_median (st, 0.75, 1.0, &n);

      if (n >= RL_MIN_SHARE_POINTS && late > KL_SAMPLE_TRAIN_MAX)
        {
          evidence = g_strdup_printf (_("The KL between the sampler's and the trainer's log-probabilities "
                                        "(%s) is %.4f over the last quarter of the run, above the ~0.01 "
                                        "where they stop agreeing (it should be near 0)."), key_of (st), late);
          sample_train = TRUE;
        }
    }
  if (evidence == NULL && ref)
    {
      DebriefCurve c;
      gsize k_early, k_late;
      double early, late;
      gboolean per_response = g_strv_contains (kl_per_response_keys, key_of (ref));

      _debrief_curve_init (&c, ref);
      early = per_response ? _debrief_curve_window_median (&c, 0.0, 0.1, &k_early)
                           : _debrief_curve_window_median (&c, 0.1, 0.3, &k_early);
      late = _debrief_curve_window_median (&c, 0.85, 1.0, &k_late);
      if (c.n >= RL_MIN_POINTS && _debrief_curve_median_diff_z (&c, late - early, k_early, k_late) >= RL_SIGNIFICANT_Z)
        {
          if (per_response && late >= KL_RESPONSE_MAX)
            evidence = g_strdup_printf (_("The KL to the reference policy (%s, summed over each response) grew "
                                          "from %.2f at the start of the run to %.2f nats per response over "
                                          "its last 15%%, above the 6 that TRL's adaptive KL control aims to "
                                          "hold: the policy drifted far from where it started."),
                                        key_of (ref), early, late);
          else if (!per_response && late >= KL_REF_MIN_BLOWUP && late >= KL_BLOWUP_FACTOR * MAX (early, 0.0))
            evidence = g_strdup_printf (_("The KL to the reference policy (%s) grew from %.4f early in the run "
                                          "to %.4f over its last 15%% (%.0f×): the policy drifted far from "
                                          "where it started."), key_of (ref), early, late,
                                        early > 0 ? late / early : INFINITY);
          if (evidence)
            step = c.steps[c.n - 1];
        }
      _debrief_curve_clear (&c);
    }
  if (evidence == NULL)
    return;
  if (isfinite (ctx->lr))
    {
      g_autofree char *lr = _debrief_format_lr (ctx->lr / RL_LR_DIVISOR);
      fix = g_strdup_printf (sample_train
                             ? _("Lower the learning rate to %s and check the precision: sampler and "
                                 "trainer must compute the same log-probabilities (same dtype, same "
                                 "weights).")
                             : _("Lower the learning rate to %s and raise the KL coefficient (beta) to "
                                 "keep the policy near the reference."), lr);
    }
  else
    fix = g_strdup (sample_train
                    ? _("Lower the learning rate and check the precision: sampler and trainer must "
                        "compute the same log-probabilities (same dtype, same weights).")
                    : _("Lower the learning rate and raise the KL coefficient (beta) to keep the policy "
                        "near the reference."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_KL_BLOWUP, DEBRIEF_SEVERITY_WARNING,
                                     sample_train ? _("Sampler and trainer disagree") : _("KL blows up"),
                                     evidence,
                                     _("The learning rate is too high, the data is off-policy, or the "
                                       "numerics differ between sampling and training."),
                                     fix, step);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, ctx->lr,
                                                            ctx->lr / RL_LR_DIVISOR));
  if (!sample_train)
    debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_RAISE_KL_COEF));
}

/* ---- entropy ------------------------------------------------------------- */

static void
check_entropy (DebriefAnalysisContext *ctx,
               const Reward           *r)
{
  DebriefSeries *s = _debrief_analysis_find_series (ctx->in, entropy_keys);
  DebriefCurve c;
  gsize k_early, k_late;
  double early, late;
  gboolean collapsed;

  if (s == NULL)
    return;
  _debrief_curve_init (&c, s);
  early = _debrief_curve_window_median (&c, 0.0, 0.1, &k_early);
  late = _debrief_curve_window_median (&c, 0.9, 1.0, &k_late);
  collapsed = c.n >= RL_MIN_POINTS && early > 0 && late <= ENTROPY_COLLAPSE_SHARE * early
              && _debrief_curve_median_diff_z (&c, early - late, k_early, k_late) >= RL_SIGNIFICANT_Z;
  _debrief_curve_clear (&c);
  if (collapsed)
    {
      g_autofree char *evidence =
        g_strdup_printf (_("Policy entropy (%s) fell from %.3f to %.4f (%.1f%% of where it started)."),
                         key_of (s), early, late, 100.0 * late / early);
      DebriefFinding *f;

      if (r->at_ceiling)
        f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_ENTROPY_COLLAPSE, DEBRIEF_SEVERITY_INFO,
                                           _("Entropy fell to near zero (task solved)"), evidence,
                                           _("The policy became deterministic; with the reward at its "
                                             "ceiling that is the task being solved, not lost exploration."),
                                           _("Nothing to fix for this task; for further training use harder "
                                             "problems, or a higher temperature to keep exploring."), -1);
      else
        f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_ENTROPY_COLLAPSE, DEBRIEF_SEVERITY_WARNING,
                                           _("Entropy collapsed"), evidence,
                                           _("Exploration is lost: the policy samples nearly the same "
                                             "answer every time, so groups stop showing a reward spread."),
                                           _("Sample at a higher temperature, add an entropy bonus, or lower "
                                             "the learning rate."), -1);
      debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_RAISE_TEMPERATURE));
      if (!r->at_ceiling)
        debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, ctx->lr,
                                                                  ctx->lr / RL_LR_DIVISOR));
    }
}

/* ---- groups without a reward spread -------------------------------------- */

/* The share of groups whose samples all got the same reward: TRL's
 * frac_reward_zero_std, tinker-cookbook's frac_all_good + frac_all_bad (matched by
 * step), or the share of steps whose reward_std is exactly 0. */
static double
zero_spread_share (DebriefAnalysisContext *ctx,
                   double                 *good,
                   char                  **source)
{
  DebriefSeries *zs = _debrief_analysis_find_series (ctx->in, zero_std_keys);
  DebriefSeries *g = _debrief_analysis_find_series (ctx->in, all_good_keys);
  DebriefSeries *b = _debrief_analysis_find_series (ctx->in, all_bad_keys);
  DebriefSeries *rs = _debrief_analysis_find_series (ctx->in, reward_std_keys);
  gsize n;

  *good = NAN;
  if (zs)
    {
      double share = share_median (zs, &n);
      *source = g_strdup_printf (_("%s, median over %zu steps"), key_of (zs), n);
      return share;
    }
  if (g && b)
    {
      gsize len = debrief_series_get_length (g);
      g_autofree double *sum = g_new (double, MAX (len, 1));
      g_autofree double *good_v = g_new (double, MAX (len, 1));
      gsize k = 0;

      for (gsize i = 0; i < len; i++)
        {
          gint64 step = debrief_series_get_step (g, i);
          gsize j = debrief_series_lower_bound (b, step);
          double vg = debrief_series_get_value (g, i);

          if (j >= debrief_series_get_length (b) || debrief_series_get_step (b, j) != step
              || !isfinite (vg) || !isfinite (debrief_series_get_value (b, j)))
            continue;
          good_v[k] = vg;
          sum[k++] = vg + debrief_series_get_value (b, j);
        }
      if (k < RL_MIN_SHARE_POINTS)
        return NAN;
      *good = debrief_stats_median (good_v, k);
      *source = g_strdup_printf (_("frac_all_good + frac_all_bad, median over %zu steps"), k);
      return debrief_stats_median (sum, k);
    }
  if (rs)
    {
      gsize len = debrief_series_get_length (rs), zero = 0, finite = 0;

      for (gsize i = 0; i < len; i++)
        if (isfinite (debrief_series_get_value (rs, i)))
          {
            finite++;
            zero += debrief_series_get_value (rs, i) == 0.0;
          }
      if (finite < RL_MIN_SHARE_POINTS)
        return NAN;
      *source = g_strdup_printf (_("steps with %s exactly 0, of %zu"), key_of (rs), finite);
      return (double) zero / (double) finite;
    }
  return NAN;
}

static void
check_learning_signal (DebriefAnalysisContext *ctx,
                       const Reward           *r)
{
  g_autofree char *source = NULL;
  g_autofree char *evidence = NULL;
  double good, share = zero_spread_share (ctx, &good, &source);
  gboolean solved;
  DebriefFinding *f;

  if (!(share >= NO_SIGNAL_SHARE))
    return;
  solved = r->at_ceiling || (isfinite (good) && good >= NO_SIGNAL_SHARE);
  evidence = g_strdup_printf (_("%.0f%% of the groups got the same reward for every sample (%s), so their "
                                "advantages are 0 and they teach nothing."), 100.0 * share, source);
  if (solved)
    f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_NO_LEARNING_SIGNAL, DEBRIEF_SEVERITY_INFO,
                                       _("Most groups are solved"), evidence,
                                       _("The problems are too easy for the group size: every sample "
                                         "succeeds."),
                                       _("Filter the data by difficulty (drop what the model always "
                                         "solves) or move on to harder problems."), -1);
  else
    f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_NO_LEARNING_SIGNAL, DEBRIEF_SEVERITY_WARNING,
                                       _("Most groups carry no learning signal"), evidence,
                                       _("The problems are too hard (or too easy) for the group size: "
                                         "every sample of a group gets the same reward."),
                                       _("Sample larger groups per prompt, and filter the data by "
                                         "difficulty so each group is sometimes right and sometimes "
                                         "wrong."), -1);
  if (!solved)
    debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_LARGER_GROUPS));
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
}

/* ---- response lengths ---------------------------------------------------- */

/* The length limit, when the per-step mean (or maximum) length sits exactly at
 * its largest value at CAP_MIN_HITS steps or more, after being well below it;
 * 0 otherwise. */
static double
inferred_cap (DebriefSeries *s,
              guint         *hits)
{
  double top;

  *hits = 0;
  if (s == NULL || debrief_series_get_length (s) == 0)
    return 0;
  top = debrief_series_get_max (s);
  for (gsize i = 0; i < debrief_series_get_length (s); i++)
    *hits += debrief_series_get_value (s, i) == top;
  if (*hits < CAP_MIN_HITS || top < CAP_MIN_TOKENS || debrief_series_get_min (s) > CAP_MIN_SPREAD * top)
    return 0;
  return top;
}

static void
check_lengths (DebriefAnalysisContext *ctx)
{
  DebriefSeries *clipped = _debrief_analysis_find_series (ctx->in, clipped_keys);
  DebriefSeries *mean = _debrief_analysis_find_series (ctx->in, length_keys);
  DebriefSeries *longest = _debrief_analysis_find_series (ctx->in, max_length_keys);
  DebriefSeries *eos = _debrief_analysis_find_series (ctx->in, eos_count_keys);
  gboolean no_eos = FALSE;
  g_autofree char *evidence = NULL;
  DebriefSeverity severity = DEBRIEF_SEVERITY_INFO;
  DebriefFinding *f;

  if (clipped)
    {
      gsize n;
      double late = _debrief_series_window_median (clipped, 0.5, 1.0, &n);

      if (n >= RL_MIN_SHARE_POINTS && late >= CLIPPED_INFO_SHARE)
        {
          severity = late >= CLIPPED_WARNING_SHARE ? DEBRIEF_SEVERITY_WARNING : DEBRIEF_SEVERITY_INFO;
          evidence = g_strdup_printf (_("%.0f%% of the responses hit the length limit over the second half "
                                        "of the run (%s, median of %zu steps)."), 100.0 * late,
                                      key_of (clipped), n - n / 2);
        }
    }
  else if (mean)
    {
      guint hits = 0;
      double cap = inferred_cap (mean, &hits);
      gboolean all_clipped = cap > 0;

      if (cap == 0)
        cap = inferred_cap (longest, &hits);
      if (cap > 0)
        {
          gsize n;
          double late = _debrief_series_window_median (mean, 0.5, 1.0, &n);

          if (n >= RL_MIN_SHARE_POINTS && late >= CAP_INFO_SHARE * cap)
            {
              severity = late >= CAP_WARNING_SHARE * cap ? DEBRIEF_SEVERITY_WARNING : DEBRIEF_SEVERITY_INFO;
              evidence = all_clipped
                ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "The mean response length (%s) is exactly %.0f tokens, the "
                                                "limit, at %u step: every response of that step was cut. "
                                                "Over the second half it is %.0f (%.0f%% of the limit).",
                                                "The mean response length (%s) is exactly %.0f tokens, the "
                                                "limit, at %u steps: every response of those steps was "
                                                "cut. Over the second half it is %.0f (%.0f%% of the limit).",
                                                hits), key_of (mean), cap, hits, late, 100.0 * late / cap)
                : g_strdup_printf (_("The longest responses sit at %.0f tokens (%s), the limit; the mean "
                                     "(%s) is %.0f over the second half, %.0f%% of it."),
                                   cap, key_of (longest), key_of (mean), late, 100.0 * late / cap);
            }
        }
    }
  if (evidence == NULL && clipped == NULL && mean == NULL && eos != NULL)
    {
      /* No response of any step held an EOS token: every one ran to response_length. */
      gsize len = debrief_series_get_length (eos), finite = 0, zero = 0;

      for (gsize i = 0; i < len; i++)
        if (isfinite (debrief_series_get_value (eos, i)))
          {
            finite++;
            zero += debrief_series_get_value (eos, i) == 0.0;
          }
      if (finite >= RL_MIN_SHARE_POINTS && zero == finite)
        {
          severity = DEBRIEF_SEVERITY_WARNING;
          no_eos = TRUE;
          evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "No response ended: %s is 0 at the %zu logged step, so "
                                                   "every response ran to the length limit (response_length) "
                                                   "and was cut there.",
                                                   "No response ended: %s is 0 at all %zu logged steps, so "
                                                   "every response ran to the length limit (response_length) "
                                                   "and was cut there.", finite), key_of (eos), finite);
        }
    }
  if (evidence == NULL)
    return;
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_LENGTH_CLIPPING, severity,
                                     _("Responses hit the length limit"), evidence,
                                     no_eos
                                     ? _("The responses never reach an end-of-sequence token within the "
                                         "budget: it is too small, or generation does not stop at the "
                                         "token the model ends its answers with.")
                                     : _("The response budget is too small for the task, or the policy "
                                         "learnt that longer answers pay (length hacking)."),
                                     no_eos
                                     ? _("Raise response_length, stop generation at the end of an answer "
                                         "(TRL: stop_token=\"eos\"), and penalise responses that do not end "
                                         "(TRL: missing_eos_penalty, e.g. 1.0).")
                                     : _("Raise the maximum response length (TRL: max_completion_length; "
                                         "Tinker: max_tokens), or penalise length if the answers grow "
                                         "without getting better."), -1);
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_RAISE_MAX_TOKENS));
}

/* ---- all together -------------------------------------------------------- */

void
_debrief_analysis_check_rl (DebriefAnalysisContext *ctx)
{
  DebriefSeries *reward = _debrief_analysis_find_series (ctx->in, reward_keys);
  DebriefSeries *test = find_test_reward (ctx);
  Reward r;

  _debrief_analysis_judged (ctx, _("mean reward"), reward);
  _debrief_analysis_judged (ctx, _("held-out reward"), test);
  _debrief_analysis_judged (ctx, _("KL to the reference"), _debrief_analysis_find_series (ctx->in, kl_ref_keys));
  _debrief_analysis_judged (ctx, _("sampler–trainer KL"),
                            _debrief_analysis_find_series (ctx->in, kl_sample_train_keys));
  _debrief_analysis_judged (ctx, _("entropy"), _debrief_analysis_find_series (ctx->in, entropy_keys));
  _debrief_analysis_judged (ctx, _("response length"), _debrief_analysis_find_series (ctx->in, length_keys));
  _debrief_analysis_judged (ctx, _("share of responses cut at the limit"),
                            _debrief_analysis_find_series (ctx->in, clipped_keys));
  _debrief_analysis_judged (ctx, _("share of groups without reward spread"),
                            _debrief_analysis_find_series (ctx->in, zero_std_keys));
  reward_init (&r, reward);
  if (reward)
    ctx->primary = reward;
  else
    _debrief_analysis_add_note (ctx->self, g_strdup (_("No reward series: the reward checks do not apply.")));
  if (reward && r.constant)
    _debrief_analysis_add_note (ctx->self,
                                g_strdup_printf (_("The reward (%s) is %g at every step: nothing to judge "
                                                   "(on-policy distillation, for one, logs no reward)."),
                                                 key_of (reward), debrief_series_get_value (reward, 0)));
  else if (reward)
    {
      check_reward_plateau (ctx, &r, test);
      check_reward_collapse (ctx, &r);
    }
  check_kl (ctx);
  check_entropy (ctx, &r);
  if (!(reward && r.constant))
    check_learning_signal (ctx, &r);
  check_lengths (ctx);
  _debrief_curve_clear (&r.curve);
}
