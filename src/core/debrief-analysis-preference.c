/* debrief-analysis-preference.c: checks on preference training (DPO, IPO, ORPO, ...)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A preference run is judged on its reward margins and accuracies (the share of
 * pairs where the chosen answer scores above the rejected one), train and eval,
 * and on the log-probability of the chosen answers (POSTTRAINING.md 3). The keys
 * are TRL's (DPOTrainer, ORPOTrainer, CPOTrainer) and LLaMA-Factory's, which
 * logs the same ones; eval_ keys are the held-out pairs.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis-private.h"

static const char *const margin_keys[] = { "rewards/margins", "train/rewards/margins", NULL };
static const char *const accuracy_keys[] = { "rewards/accuracies", "train/rewards/accuracies", NULL };
static const char *const eval_accuracy_keys[] = {
  "eval_rewards/accuracies", "eval/rewards/accuracies", NULL
};
static const char *const eval_margin_keys[] = { "eval_rewards/margins", "eval/rewards/margins", NULL };
static const char *const chosen_logps_keys[] = { "logps/chosen", "train/logps/chosen", NULL };
static const char *const chosen_reward_keys[] = { "rewards/chosen", "train/rewards/chosen", NULL };
static const char *const rejected_logps_keys[] = { "logps/rejected", "train/logps/rejected", NULL };

/* Trend checks on train series need as many points as the loss checks; held-out
 * accuracies are judged from 3 evaluations on. A run that reached its planned end
 * (below) is judged on what it logged from 10 points on: it will not log more,
 * and its trend over the whole run is the answer (a short one-epoch DPO logs 15). */
#define PREF_MIN_POINTS CURVE_MIN_POINTS
#define PREF_FINISHED_MIN_POINTS FINISHED_MIN_POINTS
#define PREF_MIN_EVALS 3
/* dpo_margin_stall: accuracy (held-out when there are evaluations) at most 0.6 over
 * the last quarter (0.5 is chance), with margins not growing over the second half
 * (slope under 2 standard errors). Trainers log float32 values (0.6 arrives as
 * 0.6000000238), hence the slack. */
#define STALL_MAX_ACCURACY 0.6
#define FLOAT32_SLACK 1e-6
#define STALL_LATE_FROM 0.5
#define PREF_IMPROVING_T 2.0
/* dpo_overfit: train accuracy this close to 1 means the pairs are memorised. */
#define OVERFIT_TRAIN_ACCURACY 0.95
/* chosen_logps_falling: a steady fall (slope 3 standard errors below zero over the
 * run), by at least 2% of its level, while the margins grew by 3 standard errors. */
#define CHOSEN_FALL_T -3.0
#define CHOSEN_MIN_REL_FALL 0.02
#define PREF_SIGNIFICANT_Z 3.0

static const char *
key_of (DebriefSeries *s)
{
  return debrief_series_get_source_key (s) ? debrief_series_get_source_key (s) : debrief_series_get_name (s);
}

/* Median of the last quarter of @s (at least LEVEL_MIN_POINTS points). */
static double
late_level (DebriefSeries *s)
{
  gsize n;

  return _debrief_series_window_median (s, 0.75, 1.0, &n);
}

/* The points a trend check on a train series needs. */
static gsize
pref_min_points (DebriefAnalysisContext *ctx)
{
  return _debrief_analysis_run_finished (ctx) ? PREF_FINISHED_MIN_POINTS : PREF_MIN_POINTS;
}

static void
check_margin_stall (DebriefAnalysisContext *ctx)
{
  DebriefSeries *margins = _debrief_analysis_find_series (ctx->in, margin_keys);
  DebriefSeries *acc = _debrief_analysis_find_series (ctx->in, accuracy_keys);
  DebriefSeries *eval_acc = _debrief_analysis_find_series (ctx->in, eval_accuracy_keys);
  DebriefSeries *judged;
  DebriefCurve m;
  double accuracy, slope, t, to;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  DebriefFinding *f;

  gsize min_points = pref_min_points (ctx);

  if (margins == NULL || debrief_series_get_length (margins) < min_points)
    return;
  judged = eval_acc && debrief_series_get_length (eval_acc) >= PREF_MIN_EVALS ? eval_acc : acc;
  if (judged == NULL || debrief_series_get_length (judged) < (judged == eval_acc ? PREF_MIN_EVALS : min_points))
    return;
  accuracy = late_level (judged);
  if (!(accuracy <= STALL_MAX_ACCURACY + FLOAT32_SLACK))
    return;
  _debrief_curve_init (&m, margins);
  t = _debrief_curve_slope_t (&m, STALL_LATE_FROM, &slope);
  if (!isfinite (t) || t >= PREF_IMPROVING_T)
    {
      _debrief_curve_clear (&m);
      return;
    }
  evidence = g_strdup_printf (_("Reward accuracy (%s) is %.2f over the last quarter of the run, near the "
                                "0.5 of chance, and the margin (%s) stopped growing: %.3f at the end, "
                                "%+.4f per 100 steps over the second half (t = %.1f)."),
                              key_of (judged), accuracy, key_of (margins), m.tail, 100.0 * slope, t);
  _debrief_curve_clear (&m);
  fix = _debrief_analysis_suggest_higher_lr (ctx, &to);
  {
    char *both = g_strdup_printf (_("%s Check the pairs: is the chosen answer really better, are pairs "
                                    "duplicated or swapped? A larger beta also sharpens the signal."), fix);
    g_free (fix);
    fix = both;
  }
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_DPO_MARGIN_STALL, DEBRIEF_SEVERITY_WARNING,
                                     _("Preference margins stall"), evidence,
                                     _("The learning rate is too low, beta is off, or the pairs are noisy "
                                       "(the chosen answer is not clearly better)."),
                                     fix, -1);
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_RAISE_LR, ctx->lr, to));
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_CHECK_DATA));
}

static void
check_overfit (DebriefAnalysisContext *ctx)
{
  DebriefSeries *acc = _debrief_analysis_find_series (ctx->in, accuracy_keys);
  DebriefSeries *eval_acc = _debrief_analysis_find_series (ctx->in, eval_accuracy_keys);
  DebriefSeries *eval_margins = _debrief_analysis_find_series (ctx->in, eval_margin_keys);
  double train_acc = acc && debrief_series_get_length (acc) >= LEVEL_MIN_POINTS ? late_level (acc) : NAN;
  DebriefValRise r;
  g_autoptr(GString) evidence = NULL;
  g_autoptr(GString) fix = NULL;
  g_autofree char *stop = NULL;
  DebriefAction *stop_action = NULL;
  DebriefFinding *f;
  double epochs = ctx->in->config.num_epochs;

  /* The held-out preference loss bottomed out and rose while train kept falling. */
  if (!_debrief_analysis_detect_val_rise (ctx, &r))
    return;
  evidence = g_string_new (NULL);
  if (isfinite (r.train_at_best))
    g_string_append_printf (evidence, g_dngettext (GETTEXT_PACKAGE,
                                                   "Held-out preference loss bottomed out at %.3f at step %" PRId64
                                                   " and rose to %.3f over the next %u evaluation while train loss "
                                                   "kept falling (%.3f → %.3f).",
                                                   "Held-out preference loss bottomed out at %.3f at step %" PRId64
                                                   " and rose to %.3f over the next %u evaluations while train loss "
                                                   "kept falling (%.3f → %.3f).", r.after),
                            ctx->val_min, r.best_step, r.last, r.after, r.train_at_best, r.train_end);
  else
    g_string_append_printf (evidence, g_dngettext (GETTEXT_PACKAGE,
                                                   "Held-out preference loss bottomed out at %.3f at step %" PRId64
                                                   " and rose to %.3f over the next %u evaluation.",
                                                   "Held-out preference loss bottomed out at %.3f at step %" PRId64
                                                   " and rose to %.3f over the next %u evaluations.", r.after),
                            ctx->val_min, r.best_step, r.last, r.after);
  if (isfinite (train_acc))
    {
      g_string_append_c (evidence, ' ');
      g_string_append_printf (evidence, _("Train accuracy is %.2f over the last quarter."), train_acc);
    }
  if (eval_acc && debrief_series_get_length (eval_acc) >= 2)
    {
      g_string_append_c (evidence, ' ');
      g_string_append_printf (evidence, _("Held-out accuracy: best %.2f, last %.2f."),
                              debrief_series_get_max (eval_acc), debrief_series_get_last_value (eval_acc));
    }
  if (eval_margins && debrief_series_get_length (eval_margins) >= 2)
    {
      g_string_append_c (evidence, ' ');
      g_string_append_printf (evidence, _("Held-out margin: best %.3f, last %.3f."),
                              debrief_series_get_max (eval_margins), debrief_series_get_last_value (eval_margins));
    }
  stop = _debrief_analysis_stop_advice (ctx, r.best_step, &stop_action);
  fix = g_string_new (stop);
  g_string_append_c (fix, ' ');
  g_string_append (fix, isfinite (epochs) && epochs > 1.0
                        ? _("Train for one epoch: preference pairs are memorised quickly.")
                        : _("Stop at the best held-out step next time (load_best_model_at_end with "
                            "metric_for_best_model=\"eval_loss\")."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_DPO_OVERFIT,
                                     r.strong && (!isfinite (train_acc) || train_acc >= OVERFIT_TRAIN_ACCURACY
                                                  || r.rise / ctx->val_min >= 0.05)
                                     ? DEBRIEF_SEVERITY_WARNING : DEBRIEF_SEVERITY_INFO,
                                     _("Preference pairs memorised"), evidence->str,
                                     _("The model memorises the training pairs instead of learning the "
                                       "preference."), fix->str, r.best_step);
  debrief_finding_add_action (f, stop_action);
  if (isfinite (epochs) && epochs > 1.0)
    debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_FEWER_EPOCHS, NAN, 1.0));
}

/* ORPO (TRL, LLaMA-Factory) trains without a reference model: its rewards/chosen
 * is beta times the policy's own log-probability, not a change against a reference. */
static const char *const reference_free_keys[] = { "log_odds_ratio", "odds_ratio_loss", NULL };

/* How far the last-10% median of @c sits below 0, in standard errors. */
static double
below_zero_z (const DebriefCurve *c,
              double              tail,
              gsize               k_tail)
{
  if (k_tail == 0 || !(c->sigma > 0))
    return tail < 0 ? INFINITY : 0.0;
  return -tail / (1.2533 * c->sigma / sqrt ((double) k_tail));
}

static void
check_chosen_logps (DebriefAnalysisContext *ctx)
{
  DebriefSeries *chosen = _debrief_analysis_find_series (ctx->in, chosen_logps_keys);
  DebriefSeries *margins = _debrief_analysis_find_series (ctx->in, margin_keys);
  DebriefSeries *chosen_reward = _debrief_analysis_find_series (ctx->in, chosen_reward_keys);
  gboolean reference_free = _debrief_analysis_find_series (ctx->in, reference_free_keys) != NULL;
  gsize min_points = pref_min_points (ctx);
  DebriefCurve c, m;
  gsize k_head, k_tail, mk_head, mk_tail;
  double head = NAN, tail = NAN, slope, t = NAN, m_head, m_tail, reward_end = NAN;
  gboolean margins_grew, falling = FALSE, reward_falling = FALSE;
  g_autofree char *evidence = NULL;
  g_autofree char *fix = NULL;
  DebriefFinding *f;

  if (margins == NULL || debrief_series_get_length (margins) < min_points)
    return;
  _debrief_curve_init (&m, margins);
  m_head = _debrief_curve_window_median (&m, 0.0, 0.1, &mk_head);
  m_tail = _debrief_curve_window_median (&m, 0.9, 1.0, &mk_tail);
  margins_grew = _debrief_curve_median_diff_z (&m, m_tail - m_head, mk_head, mk_tail) >= PREF_SIGNIFICANT_Z;
  _debrief_curve_clear (&m);
  if (!margins_grew)
    return;

  if (chosen != NULL && debrief_series_get_length (chosen) >= min_points)
    {
      _debrief_curve_init (&c, chosen);
      head = _debrief_curve_window_median (&c, 0.0, 0.1, &k_head);
      tail = _debrief_curve_window_median (&c, 0.9, 1.0, &k_tail);
      t = _debrief_curve_slope_t (&c, 0.0, &slope);
      falling = isfinite (t) && t <= CHOSEN_FALL_T && head - tail >= CHOSEN_MIN_REL_FALL * fabs (head)
                && _debrief_curve_median_diff_z (&c, head - tail, k_head, k_tail) >= PREF_SIGNIFICANT_Z;
      _debrief_curve_clear (&c);
    }
  /* The summed log-probability of a batch swings with the length of its answers;
   * rewards/chosen (beta × the change against the reference on the same pairs) does
   * not: a steady fall of it to clearly below 0 is the same displacement. */
  if (!falling && !reference_free && chosen_reward != NULL
      && debrief_series_get_length (chosen_reward) >= min_points)
    {
      _debrief_curve_init (&c, chosen_reward);
      head = _debrief_curve_window_median (&c, 0.0, 0.1, &k_head);
      tail = _debrief_curve_window_median (&c, 0.9, 1.0, &k_tail);
      t = _debrief_curve_slope_t (&c, 0.0, &slope);
      reward_falling = isfinite (t) && t <= CHOSEN_FALL_T
                       && _debrief_curve_median_diff_z (&c, head - tail, k_head, k_tail) >= PREF_SIGNIFICANT_Z
                       && below_zero_z (&c, tail, k_tail) >= PREF_SIGNIFICANT_Z;
      _debrief_curve_clear (&c);
    }
  if (!falling && !reward_falling)
    return;
  if (reward_falling)
    {
      reward_end = tail;
      evidence = g_strdup_printf (_("The reward of the chosen answers (%s, beta × the change of their "
                                    "log-probability against the reference model) fell from %.3f to %.3f "
                                    "(t = %.1f) while the margin (%s) grew from %.3f to %.3f: the chosen "
                                    "answers are now less likely than under the reference model, and the "
                                    "rejected ones fall faster."),
                                  key_of (chosen_reward), head, tail, t, key_of (margins), m_head, m_tail);
    }
  else
    {
      if (!reference_free && chosen_reward && debrief_series_get_length (chosen_reward) >= LEVEL_MIN_POINTS)
        reward_end = late_level (chosen_reward);
      evidence = g_strdup_printf (_("The log-probability of the chosen answers (%s) fell from %.1f to %.1f "
                                    "(t = %.1f) while the margin (%s) grew from %.3f to %.3f: the policy "
                                    "pushes the rejected answers down faster than the chosen ones, and both "
                                    "go down."), key_of (chosen), head, tail, t, key_of (margins), m_head, m_tail);
      if (isfinite (reward_end) && reward_end < 0)
        {
          char *more = g_strdup_printf (_("%s The chosen answers are now less likely than under the reference "
                                          "model (%s %.3f)."), evidence, key_of (chosen_reward), reward_end);
          g_free (evidence);
          evidence = more;
        }
    }
  if (isfinite (ctx->lr))
    {
      g_autofree char *lr = _debrief_format_lr (ctx->lr / 2.0);
      fix = g_strdup_printf (_("Add an SFT (NLL) term on the chosen answers (TRL: rpo_alpha, e.g. 1.0; "
                               "LLaMA-Factory: pref_ftx) and lower the learning rate to %s."), lr);
    }
  else
    fix = g_strdup (_("Add an SFT (NLL) term on the chosen answers (TRL: rpo_alpha, e.g. 1.0; "
                      "LLaMA-Factory: pref_ftx) and lower the learning rate."));
  f = _debrief_analysis_add_finding (ctx, DEBRIEF_FINDING_CHOSEN_LOGPS_FALLING,
                                     isfinite (reward_end) && reward_end < 0 ? DEBRIEF_SEVERITY_WARNING
                                                                             : DEBRIEF_SEVERITY_INFO,
                                     _("Chosen answers become less likely"), evidence,
                                     _("Likelihood displacement: DPO only needs the margin to grow, and "
                                       "lowering both answers does that too."),
                                     fix, -1);
  debrief_finding_add_action (f, debrief_action_new (DEBRIEF_ACTION_ADD_SFT_TERM));
  debrief_finding_add_action (f, debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, ctx->lr, ctx->lr / 2.0));
}

void
_debrief_analysis_check_preference (DebriefAnalysisContext *ctx)
{
  _debrief_analysis_judged (ctx, _("reward margin"), _debrief_analysis_find_series (ctx->in, margin_keys));
  _debrief_analysis_judged (ctx, _("held-out reward margin"),
                            _debrief_analysis_find_series (ctx->in, eval_margin_keys));
  _debrief_analysis_judged (ctx, _("reward accuracy"), _debrief_analysis_find_series (ctx->in, accuracy_keys));
  _debrief_analysis_judged (ctx, _("held-out reward accuracy"),
                            _debrief_analysis_find_series (ctx->in, eval_accuracy_keys));
  _debrief_analysis_judged (ctx, _("log-probability of the chosen answers"),
                            _debrief_analysis_find_series (ctx->in, chosen_logps_keys));
  _debrief_analysis_judged (ctx, _("log-probability of the rejected answers"),
                            _debrief_analysis_find_series (ctx->in, rejected_logps_keys));
  check_margin_stall (ctx);
  check_overfit (ctx);
  check_chosen_logps (ctx);
}
