/* test-analysis-kinds.c: the checks of RL, preference and broken runs, advice that
 * fits the kind (no LoRA advice for full fine-tunes), actions, verdicts, checkpoints
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

typedef double (*CurveFunc) (double t, gpointer data);

static double
gauss (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
  return sqrt (-2.0 * log (u1)) * cos (2 * G_PI * u2);
}

static DebriefRun *
new_run (DebriefMethod  method,
         DebriefAdapter adapter)
{
  g_autoptr(GFile) folder = g_file_new_for_path (g_get_tmp_dir ());
  DebriefRun *run = debrief_run_new (folder);
  DebriefRunConfig *c = debrief_run_get_config (run);

  debrief_run_set_format (run, "hf_trainer");
  debrief_run_set_method (run, method, "test");
  debrief_run_set_adapter (run, adapter, "test");
  c->dims = (DebriefModelDims) { 4096, 14336, 32, 32, 8, 128, 128256 };
  c->base_model = g_strdup ("meta-llama/Llama-3.1-8B");
  if (debrief_adapter_is_lora (adapter))
    {
      c->lora_rank = 16;
      c->target_modules = g_strsplit ("q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj", ",", -1);
      c->dataset_tokens = 2000000;
    }
  return run;
}

/* @n points at steps 1..n of f(t) (t in 0..1) plus Gaussian noise of @sigma. */
static DebriefSeries *
add_curve (DebriefRun        *run,
           const char        *key,
           DebriefSeriesKind  kind,
           gsize              n,
           double           (*f) (double t, const double *p),
           const double      *p,
           double             sigma,
           guint32            seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(DebriefSeries) s = debrief_series_new (key, kind);

  debrief_series_set_source_key (s, key);
  for (gsize i = 0; i < n; i++)
    debrief_series_append (s, (gint64) i + 1, f ((double) i / (double) (n - 1), p) + sigma * gauss (rand));
  debrief_series_finish (s, NULL);
  debrief_run_add_series (run, s);
  return s;
}

static double
f_const (double t, const double *p)
{
  return p[0];
}

/* p[0] + (p[1] - p[0]) (1 - exp(-t / p[2])) */
static double
f_rise (double t, const double *p)
{
  return p[0] + (p[1] - p[0]) * (1.0 - exp (-t / p[2]));
}

/* Rises to p[1] at t = p[2], then falls linearly to p[3] at the end. */
static double
f_peak (double t, const double *p)
{
  if (t <= p[2])
    return p[0] + (p[1] - p[0]) * t / p[2];
  return p[1] + (p[3] - p[1]) * (t - p[2]) / (1.0 - p[2]);
}

static double
f_exp_decay (double t, const double *p)
{
  return p[1] + (p[0] - p[1]) * exp (-t / p[2]);
}

static const char *
ids (DebriefAnalysis *a)
{
  static char buf[512];
  GListModel *m = debrief_analysis_get_findings (a);

  buf[0] = '\0';
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (m, i);
      g_strlcat (buf, debrief_finding_get_id (f), sizeof buf);
      g_strlcat (buf, " ", sizeof buf);
    }
  return buf;
}

static void
assert_only (DebriefAnalysis *a,
             const char      *expected)
{
  if (g_strcmp0 (ids (a), expected) != 0)
    {
      GListModel *m = debrief_analysis_get_findings (a);
      for (guint i = 0; i < g_list_model_get_n_items (m); i++)
        {
          g_autoptr(DebriefFinding) f = g_list_model_get_item (m, i);
          g_printerr ("%s: %s\n", debrief_finding_get_id (f), debrief_finding_get_evidence (f));
        }
      g_error ("findings: \"%s\", expected \"%s\"", ids (a), expected);
    }
}

static gboolean
has_action (DebriefFinding    *f,
            DebriefActionType  type)
{
  for (guint i = 0; i < debrief_finding_get_n_actions (f); i++)
    if (debrief_finding_get_action (f, i)->type == type)
      return TRUE;
  return FALSE;
}

/* No LoRA advice in any finding, the report or its recommendations. */
static void
assert_no_lora_advice (DebriefRun      *run,
                       DebriefAnalysis *a)
{
  GListModel *m = debrief_analysis_get_findings (a);
  g_autofree char *md = debrief_report_generate (run, a, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (m, i);
      g_autofree char *text = debrief_finding_to_markdown (f);

      if (strstr (text, "LoRA") || strstr (text, "rank"))
        g_error ("LoRA advice in %s: %s", debrief_finding_get_id (f), text);
      g_assert_false (has_action (f, DEBRIEF_ACTION_RAISE_RANK));
      g_assert_false (has_action (f, DEBRIEF_ACTION_TARGET_ALL_LINEAR));
    }
  g_assert_null (strstr (md, "LoRA rank"));
  g_assert_null (strstr (md, "10× the full"));
  g_assert_null (strstr (md, "LoRA parameters"));
}

/* ---- RL ------------------------------------------------------------------ */

static DebriefRun *
grpo_run (void)
{
  DebriefRun *run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
  static const double zero[] = { 0.0 };
  static const double kl[] = { 0.0, 0.02, 0.3 };
  static const double entropy[] = { 0.9 };
  static const double len[] = { 150.0 };

  debrief_run_get_config (run)->learning_rate = 5e-6;
  /* GRPO's surrogate loss: ~0, noisy. */
  add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 200, f_const, zero, 0.002, 1);
  add_curve (run, "kl", DEBRIEF_SERIES_OTHER, 200, f_rise, kl, 0.002, 2);
  add_curve (run, "entropy", DEBRIEF_SERIES_OTHER, 200, f_const, entropy, 0.05, 3);
  add_curve (run, "completions/mean_length", DEBRIEF_SERIES_OTHER, 200, f_const, len, 10.0, 4);
  return run;
}

static void
test_rl_healthy (void)
{
  g_autoptr(DebriefRun) run = grpo_run ();
  static const double rise[] = { 0.2, 0.8, 0.3 };
  g_autoptr(DebriefAnalysis) a = NULL;

  add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 200, f_rise, rise, 0.08, 10);
  a = debrief_test_analyse (run);
  /* The loss means nothing: no loss check speaks, the checklist's numbers are null. */
  assert_only (a, "");
  g_assert_true (isnan (debrief_analysis_get_convergence_percent (a)));
  g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_HEALTHY);
  g_assert_cmpuint (debrief_analysis_get_n_judged_series (a), >=, 4);
  {
    g_autofree char *md = debrief_report_generate (run, a, NULL);
    g_assert_nonnull (strstr (md, "## Reward, KL and entropy"));
    g_assert_nonnull (strstr (md, "| mean reward | `reward` | 200 |"));
    g_assert_null (strstr (md, "convergence (checklist"));
    g_assert_nonnull (strstr (md, "**Verdict:** `healthy`"));
  }
}

static void
test_rl_plateau (void)
{
  static const double flat[] = { 0.45 };
  static const double rise[] = { 0.1, 0.5, 0.1 };

  /* Flat at 0.45 of 1.0 from the start: did not learn, a warning. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 150, f_const, flat, 0.06, 11);
    a = debrief_test_analyse (run);
    assert_only (a, "reward_plateau ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_REWARD_PLATEAU);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_WARNING);
    g_assert_true (has_action (f, DEBRIEF_ACTION_RAISE_LR));
    g_assert_true (has_action (f, DEBRIEF_ACTION_LARGER_GROUPS));
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_ATTENTION);
  }
  /* Flat, with the learning rate already at the LoRA RL rule (1e-5) and most responses
   * cut at the length limit: the advice is the limit and the groups, not the rate. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    static const double cut[] = { 0.9 };
    DebriefFinding *f;

    debrief_run_get_config (run)->learning_rate = 1e-5;
    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 150, f_const, flat, 0.06, 11);
    add_curve (run, "completions/clipped_ratio", DEBRIEF_SERIES_OTHER, 150, f_const, cut, 0.02, 12);
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_REWARD_PLATEAU);
    g_assert_nonnull (f);
    g_assert_nonnull (debrief_analysis_get_finding (a, DEBRIEF_FINDING_LENGTH_CLIPPING));
    g_assert_false (has_action (f, DEBRIEF_ACTION_RAISE_LR));
    g_assert_true (has_action (f, DEBRIEF_ACTION_RAISE_MAX_TOKENS));
    g_assert_true (has_action (f, DEBRIEF_ACTION_LARGER_GROUPS));
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "already at the usual rate"));
    g_assert_null (strstr (debrief_finding_get_cause (f), "learning rate is too low"));
  }
  /* Rose quickly, then flat at 0.5: it learned and converged; the curve cannot say
   * more was within reach. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 150, f_rise, rise, 0.04, 12);
    a = debrief_test_analyse (run);
    assert_only (a, "");
  }
  /* A reward of unknown range (a sum of reward functions): no ceiling, no plateau. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    static const double wide[] = { 1.5 };
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 150, f_const, wide, 0.5, 13);
    a = debrief_test_analyse (run);
    assert_only (a, "");
  }
  /* The same reward with GRPO's groups still holding better and worse answers (10% of
   * them without a spread): not at its best, and it never improved — a plateau whose
   * remedy is the reward and the rate, not larger groups. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    static const double wide[] = { 1.5 };
    static const double some[] = { 0.1 };
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 150, f_const, wide, 0.5, 13);
    add_curve (run, "frac_reward_zero_std", DEBRIEF_SERIES_OTHER, 150, f_const, some, 0.03, 14);
    a = debrief_test_analyse (run);
    assert_only (a, "reward_plateau ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_REWARD_PLATEAU);
    g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "better and worse answers"));
    g_assert_false (has_action (f, DEBRIEF_ACTION_LARGER_GROUPS));
    g_assert_true (has_action (f, DEBRIEF_ACTION_CHECK_DATA));
  }
  /* ... but when most groups gave all their answers the same reward, the reward may
   * be at what the task allows: no plateau claimed (no_learning_signal says the rest). */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    static const double wide[] = { 1.5 };
    static const double most[] = { 0.7 };
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 150, f_const, wide, 0.5, 13);
    add_curve (run, "frac_reward_zero_std", DEBRIEF_SERIES_OTHER, 150, f_const, most, 0.03, 14);
    a = debrief_test_analyse (run);
    g_assert_null (debrief_analysis_get_finding (a, DEBRIEF_FINDING_REWARD_PLATEAU));
  }
}

static void
test_rl_collapse (void)
{
  static const double peak[] = { 0.1, 0.8, 0.5, 0.3 };
  g_autoptr(DebriefRun) run = grpo_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  DebriefCheckpoint cp = { (char *) "checkpoint-100", 100, (char *) "checkpoint-100", NULL, NAN, FALSE, FALSE };
  DebriefFinding *f;
  const DebriefAction *stop = NULL;

  debrief_run_add_checkpoint (run, &cp);
  add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 200, f_peak, peak, 0.05, 14);
  a = debrief_test_analyse (run);
  f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_REWARD_COLLAPSE);
  g_assert_nonnull (f);
  /* Near the true peak at step 100 (a shallow fall in noise leaves some doubt). */
  g_assert_cmpint (debrief_finding_get_step (f), >=, 75);
  g_assert_cmpint (debrief_finding_get_step (f), <=, 125);
  for (guint i = 0; i < debrief_finding_get_n_actions (f); i++)
    if (debrief_finding_get_action (f, i)->type == DEBRIEF_ACTION_STOP_AT_STEP)
      stop = debrief_finding_get_action (f, i);
  g_assert_nonnull (stop);
  /* The checkpoint at the peak, when it was saved at or just before it. */
  if (debrief_finding_get_step (f) >= 100)
    g_assert_cmpstr (stop->checkpoint, ==, "checkpoint-100");
  g_assert_true (has_action (f, DEBRIEF_ACTION_RAISE_KL_COEF));
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_REWARD_PLATEAU));
}

static void
test_rl_kl_entropy (void)
{
  static const double rise[] = { 0.2, 0.8, 0.3 };
  static const double kl_up[] = { 0.01, 0.01, 0.6, 1.0 };
  static const double st[] = { 0.03 };
  static const double drop[] = { 1.0, 0.01, 0.2 };

  /* A KL to the reference that grows past 0.1 and 10× its early level. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 200, f_rise, rise, 0.05, 20);
    add_curve (run, "kl", DEBRIEF_SERIES_OTHER, 200, f_peak, kl_up, 0.002, 21);
    a = debrief_test_analyse (run);
    assert_only (a, "kl_blowup ");
  }
  /* Normal GRPO growth from 0 to 0.02: not a blow-up (it starts at the reference). */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 200, f_rise, rise, 0.05, 22);
    a = debrief_test_analyse (run);
    g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_KL_BLOWUP));
  }
  /* Tinker's sample–train KL above 0.01. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "env/all/reward/total", DEBRIEF_SERIES_OTHER, 60, f_rise, rise, 0.05, 23);
    add_curve (run, "optim/kl_sample_train_v1", DEBRIEF_SERIES_OTHER, 60, f_const, st, 0.002, 24);
    a = debrief_test_analyse (run);
    assert_only (a, "kl_blowup ");
  }
  /* Entropy to near zero with the reward below its ceiling: a warning; at the ceiling: information. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 200, f_rise, rise, 0.05, 25);
    add_curve (run, "entropy", DEBRIEF_SERIES_OTHER, 200, f_exp_decay, drop, 0.002, 26);
    a = debrief_test_analyse (run);
    assert_only (a, "entropy_collapse ");
    g_assert_cmpint (debrief_finding_get_severity (debrief_analysis_get_finding (a, DEBRIEF_FINDING_ENTROPY_COLLAPSE)),
                     ==, DEBRIEF_SEVERITY_WARNING);
  }
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    static const double solved[] = { 0.6, 1.0, 0.05 };
    g_autoptr(DebriefAnalysis) a = NULL;
    g_autoptr(DebriefSeries) r = debrief_series_new ("env/all/reward/total", DEBRIEF_SERIES_OTHER);

    for (int i = 0; i < 100; i++)
      debrief_series_append (r, i, MIN (1.0, f_rise (i / 99.0, solved)));
    debrief_series_finish (r, NULL);
    debrief_run_add_series (run, r);
    add_curve (run, "optim/entropy", DEBRIEF_SERIES_OTHER, 100, f_exp_decay, drop, 0.001, 27);
    a = debrief_test_analyse (run);
    assert_only (a, "entropy_collapse ");
    g_assert_cmpint (debrief_finding_get_severity (debrief_analysis_get_finding (a, DEBRIEF_FINDING_ENTROPY_COLLAPSE)),
                     ==, DEBRIEF_SEVERITY_INFO);
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_HEALTHY);
  }
}

static void
test_rl_signal_and_lengths (void)
{
  static const double rise[] = { 0.2, 0.8, 0.3 };
  static const double most[] = { 0.7 };
  static const double some[] = { 0.2 };
  static const double clipped[] = { 0.4 };

  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 100, f_rise, rise, 0.05, 30);
    add_curve (run, "frac_reward_zero_std", DEBRIEF_SERIES_OTHER, 100, f_const, most, 0.05, 31);
    add_curve (run, "completions/clipped_ratio", DEBRIEF_SERIES_OTHER, 100, f_const, clipped, 0.05, 32);
    a = debrief_test_analyse (run);
    assert_only (a, "no_learning_signal length_clipping ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_NO_LEARNING_SIGNAL);
    g_assert_true (has_action (f, DEBRIEF_ACTION_LARGER_GROUPS));
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_LENGTH_CLIPPING);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_WARNING);
    g_assert_true (has_action (f, DEBRIEF_ACTION_RAISE_MAX_TOKENS));
  }
  /* A fifth of the groups without spread is normal. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 100, f_rise, rise, 0.05, 33);
    add_curve (run, "frac_reward_zero_std", DEBRIEF_SERIES_OTHER, 100, f_const, some, 0.05, 34);
    a = debrief_test_analyse (run);
    assert_only (a, "");
  }
  /* Mean length exactly at 4096 at many steps: the cap every response hit. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefSeries) len = debrief_series_new ("env/all/ac_tokens_per_turn", DEBRIEF_SERIES_OTHER);
    g_autoptr(DebriefAnalysis) a = NULL;

    debrief_series_set_source_key (len, "env/all/ac_tokens_per_turn");
    for (int i = 0; i < 40; i++)
      debrief_series_append (len, i, i < 15 ? 1000.0 + 150.0 * i : 4096.0);
    debrief_series_finish (len, NULL);
    debrief_run_add_series (run, len);
    add_curve (run, "env/all/reward/total", DEBRIEF_SERIES_OTHER, 40, f_rise, rise, 0.05, 35);
    a = debrief_test_analyse (run);
    g_assert_true (debrief_analysis_has_finding (a, DEBRIEF_FINDING_LENGTH_CLIPPING));
  }
}

/* TRL's PPO: objective/kl summed over each response, val/num_eos_tokens, under
 * @prefix ("" or a W&B/TensorBoard export's "train/"). */
static DebriefAnalysis *
analyse_ppo (const char   *prefix,
             const double *kl,
             double        kl_sigma,
             double        eos,
             guint32       seed)
{
  static const double scores[] = { 1.0, 6.0, 0.3 };
  g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
  g_autofree char *reward_key = g_strconcat (prefix, "objective/rlhf_reward", NULL);
  g_autofree char *kl_key = g_strconcat (prefix, "objective/kl", NULL);
  g_autofree char *eos_key = g_strconcat (prefix, "val/num_eos_tokens", NULL);
  double eos_level[] = { eos };

  add_curve (run, reward_key, DEBRIEF_SERIES_OTHER, 150, f_rise, scores, 0.3, seed);
  add_curve (run, kl_key, DEBRIEF_SERIES_OTHER, 150, f_rise, kl, kl_sigma, seed + 1);
  add_curve (run, eos_key, DEBRIEF_SERIES_OTHER, 150, f_const, eos_level, eos > 0 ? 2.0 : 0.0, seed + 2);
  return debrief_test_analyse (run);
}

static void
test_rl_ppo (void)
{
  static const double kl_far[] = { 0.5, 15.0, 0.3 };
  static const double kl_near[] = { 0.01, 0.5, 0.3 };
  DebriefFinding *f;

  /* 15 nats per response at the end, from 0.5 at the start: drifted beyond TRL's target of 6,
   * even though most of the drift happened early (the per-token rule's 10–30% window misses it). */
  {
    g_autoptr(DebriefAnalysis) a = analyse_ppo ("", kl_far, 1.0, 20.0, 90);

    assert_only (a, "kl_blowup ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_KL_BLOWUP);
    g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "per response"));
  }
  /* 0.5 nats per response after a rise from 0.01 (50×): far below the target, no blow-up;
   * and no response ever held an EOS token: every one was cut at response_length. */
  {
    g_autoptr(DebriefAnalysis) a = analyse_ppo ("train/", kl_near, 0.02, 0.0, 93);

    assert_only (a, "length_clipping ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_LENGTH_CLIPPING);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_WARNING);
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "missing_eos_penalty"));
  }
}

static void
test_rl_constant_reward_and_short (void)
{
  static const double zero[] = { 0.0 };
  static const double bad[] = { 1.0 };
  static const double rise[] = { 0.2, 0.8, 0.3 };

  /* On-policy distillation: reward 0 and every group "all bad" by construction. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "env/all/reward/total", DEBRIEF_SERIES_OTHER, 40, f_const, zero, 0.0, 40);
    add_curve (run, "env/all/by_group/frac_all_bad", DEBRIEF_SERIES_OTHER, 40, f_const, bad, 0.0, 41);
    add_curve (run, "env/all/by_group/frac_all_good", DEBRIEF_SERIES_OTHER, 40, f_const, zero, 0.0, 42);
    a = debrief_test_analyse (run);
    assert_only (a, "");
  }
  /* Five points: too short to judge, never "healthy". */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    g_autoptr(DebriefRun) one = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) b = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 5, f_rise, rise, 0.05, 43);
    a = debrief_test_analyse (run);
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_TOO_SHORT);
    g_assert_null (strstr (debrief_analysis_get_verdict (a), "healthy"));
    g_assert_cmpstr (debrief_run_verdict_to_string (DEBRIEF_RUN_VERDICT_TOO_SHORT), ==, "too_short");

    /* TRL GRPO with one logged point: "1 point, loss 0.000" is not healthy either. */
    add_curve (one, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 1, f_const, zero, 0.0, 44);
    add_curve (one, "reward", DEBRIEF_SERIES_OTHER, 1, f_const, zero, 0.0, 45);
    b = debrief_test_analyse (one);
    g_assert_cmpint (debrief_analysis_get_run_verdict (b), ==, DEBRIEF_RUN_VERDICT_TOO_SHORT);
  }
  /* Nothing at all. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_UNKNOWN, DEBRIEF_ADAPTER_UNKNOWN);
    g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);

    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_NO_DATA);
  }
}

/* ---- preference ---------------------------------------------------------- */

static DebriefRun *
dpo_run (gsize   n,
         double  margin_end,
         double  acc_end,
         guint32 seed)
{
  DebriefRun *run = new_run (DEBRIEF_METHOD_DPO, DEBRIEF_ADAPTER_LORA);
  double loss[] = { 0.693, 0.693 - 0.3 * (acc_end - 0.5), 0.3 };
  double margins[] = { 0.0, margin_end, 0.3 };
  double acc[] = { 0.5, acc_end, 0.3 };

  debrief_run_get_config (run)->learning_rate = 5e-6;
  add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, n, f_exp_decay, loss, 0.02, seed);
  add_curve (run, "rewards/margins", DEBRIEF_SERIES_OTHER, n, f_rise, margins, 0.05, seed + 1);
  add_curve (run, "rewards/accuracies", DEBRIEF_SERIES_OTHER, n, f_rise, acc, 0.05, seed + 2);
  return run;
}

static void
test_dpo (void)
{
  static const double chosen_flat[] = { -190.0 };
  static const double chosen_fall[] = { -190.0, -240.0, 0.5 };

  /* Healthy: margins grow, accuracy 0.8, chosen log-probs flat. */
  {
    g_autoptr(DebriefRun) run = dpo_run (100, 1.5, 0.8, 50);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "logps/chosen", DEBRIEF_SERIES_OTHER, 100, f_const, chosen_flat, 3.0, 53);
    a = debrief_test_analyse (run);
    assert_only (a, "");
    {
      g_autofree char *md = debrief_report_generate (run, a, NULL);
      g_assert_nonnull (strstr (md, "## Margins and accuracies"));
      g_assert_nonnull (strstr (md, "`rewards/margins`"));
    }
  }
  /* Margins stall near 0 and accuracy stays near chance. */
  {
    g_autoptr(DebriefRun) run = dpo_run (100, 0.02, 0.52, 60);
    g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
    DebriefFinding *f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_DPO_MARGIN_STALL);

    assert_only (a, "dpo_margin_stall ");
    g_assert_true (has_action (f, DEBRIEF_ACTION_RAISE_LR));
  }
  /* Chosen log-probabilities fall while the margins grow. */
  {
    g_autoptr(DebriefRun) run = dpo_run (100, 2.0, 0.85, 70);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "logps/chosen", DEBRIEF_SERIES_OTHER, 100, f_rise, chosen_fall, 3.0, 73);
    a = debrief_test_analyse (run);
    assert_only (a, "chosen_logps_falling ");
    g_assert_true (has_action (debrief_analysis_get_finding (a, DEBRIEF_FINDING_CHOSEN_LOGPS_FALLING),
                               DEBRIEF_ACTION_ADD_SFT_TERM));
  }
  /* Accuracies arrive as float32: 0.6 is 0.6000000238; 4 evaluations at exactly that, margins flat. */
  {
    g_autoptr(DebriefRun) run = dpo_run (60, 0.0, 0.45, 100);
    g_autoptr(DebriefSeries) eval = debrief_series_new ("eval_rewards/accuracies", DEBRIEF_SERIES_OTHER);
    g_autoptr(DebriefAnalysis) a = NULL;

    debrief_series_set_source_key (eval, "eval_rewards/accuracies");
    for (int i = 1; i <= 4; i++)
      debrief_series_append (eval, 13 * i, (double) 0.6f);
    debrief_series_finish (eval, NULL);
    debrief_run_add_series (run, eval);
    a = debrief_test_analyse (run);
    assert_only (a, "dpo_margin_stall ");
  }
  /* A run that reached its planned end (the schedule decayed to 0) is judged from its 15 points;
   * the same 15 points with the learning rate still at its peak are too few. */
  for (int finished = 0; finished <= 1; finished++)
    {
      static const double lr_decay[] = { 1e-7, 0.0, 0.3 };
      static const double lr_flat[] = { 1e-7 };
      g_autoptr(DebriefRun) run = dpo_run (15, 0.02, 0.5, 110);
      g_autoptr(DebriefAnalysis) a = NULL;

      add_curve (run, "learning_rate", DEBRIEF_SERIES_LEARNING_RATE, 15, finished ? f_exp_decay : f_const,
                 finished ? lr_decay : lr_flat, 0.0, 111);
      a = debrief_test_analyse (run);
      g_assert_cmpint (debrief_analysis_has_finding (a, DEBRIEF_FINDING_DPO_MARGIN_STALL), ==, finished);
    }
  /* The summed log-probabilities swing with the answers' lengths, but rewards/chosen (against the
   * reference, on the same pairs) falls steadily below 0 while the margins grow. */
  {
    static const double chosen_noisy[] = { -280.0 };
    static const double reward_fall[] = { 0.0, -1.7, 0.4 };
    g_autoptr(DebriefRun) run = dpo_run (200, 8.0, 0.98, 120);
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_curve (run, "logps/chosen", DEBRIEF_SERIES_OTHER, 200, f_const, chosen_noisy, 40.0, 121);
    add_curve (run, "rewards/chosen", DEBRIEF_SERIES_OTHER, 200, f_rise, reward_fall, 0.15, 122);
    a = debrief_test_analyse (run);
    assert_only (a, "chosen_logps_falling ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_CHOSEN_LOGPS_FALLING);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_WARNING);
    g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "rewards/chosen"));
  }
  /* ORPO has no reference: its rewards/chosen is beta × the policy's own log-probability. */
  {
    static const double reward_fall[] = { -0.3, -1.7, 0.4 };
    static const double odds[] = { -1.0 };
    g_autoptr(DebriefRun) run = dpo_run (200, 8.0, 0.98, 130);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "rewards/chosen", DEBRIEF_SERIES_OTHER, 200, f_rise, reward_fall, 0.15, 131);
    add_curve (run, "log_odds_ratio", DEBRIEF_SERIES_OTHER, 200, f_const, odds, 0.1, 132);
    a = debrief_test_analyse (run);
    assert_only (a, "");
  }
  /* Train accuracy 1, held-out preference loss rises after step 40 over 3 epochs. */
  {
    g_autoptr(DebriefRun) run = dpo_run (120, 3.0, 0.99, 80);
    g_autoptr(DebriefSeries) eval = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);
    static const double evals[] = { 0.69, 0.60, 0.55, 0.56, 0.60, 0.64, 0.69 };
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    debrief_run_get_config (run)->num_epochs = 3;
    for (guint i = 0; i < G_N_ELEMENTS (evals); i++)
      debrief_series_append (eval, 20 * i, evals[i]);
    debrief_series_finish (eval, NULL);
    debrief_run_add_series (run, eval);
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_DPO_OVERFIT);
    g_assert_nonnull (f);
    g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_OVERFITTING));
    g_assert_cmpint (debrief_finding_get_step (f), ==, 40);
    g_assert_true (has_action (f, DEBRIEF_ACTION_STOP_AT_STEP));
    g_assert_true (has_action (f, DEBRIEF_ACTION_FEWER_EPOCHS));
  }
}

/* ---- broken runs ---------------------------------------------------------- */

static void
test_broken (void)
{
  static const double zero[] = { 0.0 };
  static const double nan_value[] = { NAN };

  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 50, f_const, zero, 0.0, 90);
    add_curve (run, "grad_norm", DEBRIEF_SERIES_GRAD_NORM, 50, f_const, zero, 0.0, 91);
    a = debrief_test_analyse (run);
    assert_only (a, "broken_run ");
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_FAILED);
  }
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_NONE);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 30, f_const, nan_value, 0.0, 92);
    a = debrief_test_analyse (run);
    assert_only (a, "broken_run ");
  }
  /* GRPO's loss is 0 by construction: not broken while the gradient flows. */
  {
    g_autoptr(DebriefRun) run = grpo_run ();
    static const double rise[] = { 0.2, 0.8, 0.3 };
    static const double grad[] = { 0.5 };
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "reward", DEBRIEF_SERIES_OTHER, 100, f_rise, rise, 0.05, 93);
    add_curve (run, "grad_norm", DEBRIEF_SERIES_GRAD_NORM, 100, f_const, grad, 0.1, 94);
    a = debrief_test_analyse (run);
    assert_only (a, "");
  }
  /* A crash, named by its error line. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_RL, DEBRIEF_ADAPTER_LORA);
    static const double rise[] = { 0.2, 0.8, 0.3 };
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_curve (run, "env/all/reward/total", DEBRIEF_SERIES_OTHER, 7, f_rise, rise, 0.05, 95);
    debrief_run_set_crash (run, "BadRequestError: Prompt length plus max_tokens exceeds the model's "
                                "context window: 20847 + 16384 > 32768");
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_BROKEN_RUN);
    g_assert_nonnull (f);
    g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "context window"));
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "max_tokens"));
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_FAILED);
  }
  /* A crash after the planned last step (the final evaluation failed): the training is
   * whole, so a warning that names it; two steps short of the plan it is a crash. */
  for (int short_by = 0; short_by <= 2; short_by += 2)
    {
      g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_LORA);
      static const double fall[] = { 2.0, 1.0, 0.3 };
      g_autoptr(DebriefAnalysis) a = NULL;
      DebriefFinding *f;

      debrief_run_get_config (run)->max_steps = 50 + short_by;
      add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 50, f_exp_decay, fall, 0.02, 96);
      debrief_run_set_crash (run, "ValueError: Trainer: evaluation requires an eval_dataset.");
      a = debrief_test_analyse (run);
      f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_BROKEN_RUN);
      g_assert_nonnull (f);
      if (short_by == 0)
        {
          g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_WARNING);
          g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "planned end"));
          g_assert_null (strstr (debrief_finding_get_cause (f), "did not finish"));
        }
      else
        {
          g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_ERROR);
          g_assert_nonnull (strstr (debrief_finding_get_cause (f), "did not finish"));
        }
    }
}

/* ---- advice by adapter ---------------------------------------------------- */

static void
add_slow_sft (DebriefRun *run,
              guint32     seed)
{
  static const double slow[] = { 2.5, 1.2, 1.2 };
  static const double val[] = { 2.5, 1.25, 1.2 };
  g_autoptr(DebriefSeries) v = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);

  add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 1500, f_exp_decay, slow, 0.08, seed);
  for (int i = 0; i <= 10; i++)
    debrief_series_append (v, 150 * i, f_exp_decay (i / 10.0, val));
  debrief_series_finish (v, NULL);
  debrief_run_add_series (run, v);
}

static void
test_full_finetune_gets_no_lora_advice (void)
{
  static const double flat[] = { 2.0 };

  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_NONE);
    g_autoptr(DebriefAnalysis) a = NULL;

    debrief_run_get_config (run)->learning_rate = 2e-7;
    add_slow_sft (run, 100);
    a = debrief_test_analyse (run);
    assert_only (a, "slow_convergence ");
    g_assert_false (debrief_analysis_get_lora_advice (a));
    assert_no_lora_advice (run, a);
    /* The full fine-tuning rule: a tenth of LoRA's. */
    g_assert_nonnull (strstr (debrief_finding_get_fix (debrief_analysis_get_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE)),
                              "full fine-tuning"));
    g_assert_nonnull (strstr (debrief_analysis_get_capacity (a)->message, "Not a LoRA run"));
  }
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_NONE);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 500, f_const, flat, 0.05, 101);
    a = debrief_test_analyse (run);
    assert_only (a, "no_improvement ");
    assert_no_lora_advice (run, a);
  }
  /* Unknown adapter: the advice covers both and says so, with no LoRA-only action. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_UNKNOWN);
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 500, f_const, flat, 0.05, 102);
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_NO_IMPROVEMENT);
    g_assert_nonnull (f);
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "If this was a LoRA run"));
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "If the whole model was trained"));
    g_assert_false (has_action (f, DEBRIEF_ACTION_TARGET_ALL_LINEAR));
    g_assert_nonnull (strstr (debrief_analysis_get_notes (a)[0], "does not say whether"));
  }
  /* A LoRA run with the same curve gets the LoRA rule and its action. */
  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_LORA);
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;
    const DebriefAction *raise = NULL;

    debrief_run_get_config (run)->learning_rate = 2e-6;
    add_slow_sft (run, 103);
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE);
    g_assert_nonnull (f);
    for (guint i = 0; i < debrief_finding_get_n_actions (f); i++)
      if (debrief_finding_get_action (f, i)->type == DEBRIEF_ACTION_RAISE_LR)
        raise = debrief_finding_get_action (f, i);
    g_assert_nonnull (raise);
    g_assert_cmpfloat_with_epsilon (raise->from, 2e-6, 1e-12);
    /* 5e-5 × 10 × (2000 / 4096)^0.781 */
    g_assert_cmpfloat_with_epsilon (raise->to, 5e-4 * pow (2000.0 / 4096.0, 0.781), 1e-9);
  }
}

/* ---- checkpoints and mild overfitting ------------------------------------ */

static DebriefRun *
overfit_run (const double *evals,
             guint         n_evals,
             guint32       seed)
{
  DebriefRun *run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_LORA);
  static const double train[] = { 2.4, 0.6, 0.4 };
  g_autoptr(DebriefSeries) v = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);

  add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 1000, f_exp_decay, train, 0.03, seed);
  for (guint i = 0; i < n_evals; i++)
    debrief_series_append (v, (gint64) (1000 * i / (n_evals - 1)), evals[i]);
  debrief_series_finish (v, NULL);
  debrief_run_add_series (run, v);
  return run;
}

static const DebriefAction *
stop_action (DebriefFinding *f)
{
  for (guint i = 0; i < debrief_finding_get_n_actions (f); i++)
    if (debrief_finding_get_action (f, i)->type == DEBRIEF_ACTION_STOP_AT_STEP)
      return debrief_finding_get_action (f, i);
  return NULL;
}

static void
test_overfitting_checkpoints (void)
{
  static const double strong[] = { 2.4, 1.9, 1.7, 1.65, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2, 2.3 };
  static const double mild[] = { 2.4, 1.9, 1.7, 1.62, 1.60, 1.615, 1.62, 1.618, 1.625, 1.622, 1.63 };
  static const double floor_noise[] = { 2.4, 1.9, 1.7, 1.62, 1.60, 1.604, 1.598, 1.603, 1.601, 1.6, 1.602 };

  /* Checkpoints at 100, 500 and 1000; best at 300: the one at 100 is not near it
   * (more than 10% of the run before), and 500 is after it. */
  {
    g_autoptr(DebriefRun) run = overfit_run (strong, G_N_ELEMENTS (strong), 110);
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;
    const DebriefAction *stop;
    static const int saved[] = { 100, 500, 1000 };

    for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
      {
        int s = saved[i];
        g_autofree char *name = g_strdup_printf ("checkpoint-%d", s);
        DebriefCheckpoint cp = { name, s, name, NULL, NAN, s == 1000, FALSE };
        debrief_run_add_checkpoint (run, &cp);
      }
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING);
    if (f == NULL)
      assert_only (a, "overfitting ");
    g_assert_cmpint (debrief_finding_get_step (f), ==, 300);
    stop = stop_action (f);
    g_assert_nonnull (stop);
    g_assert_cmpint (stop->step, ==, 300);
    g_assert_null (stop->checkpoint);
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "save_steps=100"));
    g_assert_nonnull (strstr (debrief_finding_get_fix (f), "checkpoint-100"));
  }
  /* One saved 50 steps before the best one is near enough. */
  {
    g_autoptr(DebriefRun) run = overfit_run (strong, G_N_ELEMENTS (strong), 114);
    DebriefCheckpoint near = { (char *) "checkpoint-250", 250, (char *) "checkpoint-250", NULL, NAN, FALSE, FALSE };
    g_autoptr(DebriefAnalysis) a = NULL;

    debrief_run_add_checkpoint (run, &near);
    a = debrief_test_analyse (run);
    g_assert_cmpstr (stop_action (debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING))->checkpoint,
                     ==, "checkpoint-250");
  }
  /* ... and one saved at 300 is used; one saved after the best step never is. */
  {
    g_autoptr(DebriefRun) run = overfit_run (strong, G_N_ELEMENTS (strong), 111);
    DebriefCheckpoint before = { (char *) "checkpoint-300", 300, (char *) "checkpoint-300", NULL, NAN, FALSE, FALSE };
    DebriefCheckpoint after = { (char *) "checkpoint-310", 310, (char *) "checkpoint-310", NULL, NAN, FALSE, FALSE };
    g_autoptr(DebriefAnalysis) a = NULL;

    debrief_run_add_checkpoint (run, &after);
    debrief_run_add_checkpoint (run, &before);
    a = debrief_test_analyse (run);
    g_assert_cmpstr (stop_action (debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING))->checkpoint,
                     ==, "checkpoint-300");
  }
  /* Mild but real: stays above its minimum by more than its noise for six evaluations. */
  {
    g_autoptr(DebriefRun) run = overfit_run (mild, G_N_ELEMENTS (mild), 112);
    g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
    DebriefFinding *f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING);

    g_assert_nonnull (f);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_INFO);
    g_assert_cmpint (debrief_finding_get_step (f), ==, 400);
    g_assert_nonnull (stop_action (f));
  }
  /* Wobbling at its floor is not overfitting. */
  {
    g_autoptr(DebriefRun) run = overfit_run (floor_noise, G_N_ELEMENTS (floor_noise), 113);
    g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);

    g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_OVERFITTING));
  }
}

/* ---- actions in JSON ----------------------------------------------------- */

static void
test_actions_json (void)
{
  g_autoptr(DebriefAction) stop = debrief_action_new_stop_at_step (480, NULL);
  g_autoptr(DebriefAction) lower = debrief_action_new_change (DEBRIEF_ACTION_LOWER_LR, 3e-4, NAN);
  g_autoptr(DebriefAction) rank = debrief_action_new_change (DEBRIEF_ACTION_RAISE_RANK, 8, 64);
  g_autoptr(DebriefAction) clip = debrief_action_new_value (DEBRIEF_ACTION_CLIP_GRADIENTS, 1.0);
  g_autoptr(DebriefFinding) f = debrief_finding_new ("overfitting", DEBRIEF_SEVERITY_WARNING, "t", "e", "c", "x", 480);
  struct { DebriefAction *action; const char *json; } cases[] = {
    { stop, "{\"type\":\"stop_at_step\",\"step\":480,\"checkpoint\":null}" },
    { lower, "{\"type\":\"lower_lr\",\"from\":0.00029999999999999997,\"to\":null}" },
    { rank, "{\"type\":\"raise_rank\",\"from\":8,\"to\":64}" },
    { clip, "{\"type\":\"clip_gradients\",\"max_norm\":1.0}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = debrief_action_to_json (cases[i].action);
      g_autofree char *text = json_to_string (node, FALSE);
      g_assert_cmpstr (text, ==, cases[i].json);
    }
  debrief_finding_add_action (f, debrief_action_copy (stop));
  {
    g_autoptr(JsonNode) node = debrief_finding_to_json (f);
    JsonArray *actions = json_object_get_array_member (json_node_get_object (node), "actions");
    g_autofree char *md = debrief_finding_to_markdown (f);

    g_assert_cmpuint (json_array_get_length (actions), ==, 1);
    g_assert_nonnull (strstr (md, "(`stop_at_step`)"));
    g_assert_nonnull (strstr (md, "Stop at step 480 (no checkpoint was saved there)."));
  }
}

/* A few NaN among finite losses, finite again after: data to report, not a divergence. */
static void
test_isolated_nan (void)
{
  g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_DPO, DEBRIEF_ADAPTER_QLORA);
  g_autoptr(DebriefSeries) eval = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);
  static const double loss[] = { 0.693, 0.6, 0.5 };
  g_autoptr(DebriefAnalysis) a = NULL;
  gboolean noted = FALSE;

  add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 100, f_exp_decay, loss, 0.01, 120);
  for (int i = 1; i <= 10; i++)
    debrief_series_append (eval, 100 * i, i == 6 ? NAN : 0.63 - 0.017 * i);
  debrief_series_finish (eval, NULL);
  debrief_run_add_series (run, eval);
  a = debrief_test_analyse (run);
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_DIVERGED));
  for (const char *const *n = debrief_analysis_get_notes (a); *n; n++)
    noted = noted || strstr (*n, "not a divergence") != NULL;
  g_assert_true (noted);
}

/* ---- short finished runs, the shape of a minimum, a two-phase descent ------ */

/* @n evaluations at steps step0, 2·step0, ... of the values @v. */
static void
add_points (DebriefRun        *run,
            const char        *key,
            DebriefSeriesKind  kind,
            gint64             step0,
            const double      *v,
            gsize              n)
{
  g_autoptr(DebriefSeries) s = debrief_series_new (key, kind);

  debrief_series_set_source_key (s, key);
  for (gsize i = 0; i < n; i++)
    debrief_series_append (s, step0 * (gint64) (i + 1), v[i]);
  debrief_series_finish (s, NULL);
  debrief_run_add_series (run, s);
}

static void
test_finished_short_run (void)
{
  /* Ten epochs logged every 500 steps, evaluated after each: ten points of train loss,
   * the learning rate decayed to ~0. Validation bottoms out at epoch 6; the evaluation
   * right after the minimum is still on the floor (a smooth turning point), the three
   * after it stay above it while train keeps falling: mild overfitting, judged. */
  static const double train[] = { 1.14, 0.64, 0.52, 0.45, 0.40, 0.36, 0.32, 0.30, 0.27, 0.26 };
  static const double val[] = { 0.660, 0.555, 0.519, 0.494, 0.489, 0.4853, 0.4873, 0.4906, 0.4907, 0.4917 };
  static const double lr[] = { 1.8e-5, 1.6e-5, 1.45e-5, 1.27e-5, 1.09e-5, 9e-6, 7.2e-6, 5.4e-6, 3.6e-6, 1.8e-7 };

  {
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_NONE);
    g_autoptr(DebriefAnalysis) a = NULL;
    DebriefFinding *f;

    add_points (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 500, train, 10);
    add_points (run, "eval_loss", DEBRIEF_SERIES_VAL_LOSS, 549, val, 10);
    add_points (run, "learning_rate", DEBRIEF_SERIES_LEARNING_RATE, 500, lr, 10);
    a = debrief_test_analyse (run);
    assert_only (a, "overfitting ");
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_INFO);
    g_assert_cmpint (debrief_finding_get_step (f), ==, 6 * 549);
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_HEALTHY);
  }
  /* The same ten points with the learning rate still at its peak: the run may go on,
   * ten points are too few. */
  {
    static const double flat_lr[] = { 2e-5, 2e-5, 2e-5, 2e-5, 2e-5, 2e-5, 2e-5, 2e-5, 2e-5, 2e-5 };
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_NONE);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_points (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 500, train, 10);
    add_points (run, "learning_rate", DEBRIEF_SERIES_LEARNING_RATE, 500, flat_lr, 10);
    a = debrief_test_analyse (run);
    g_assert_cmpint (debrief_analysis_get_run_verdict (a), ==, DEBRIEF_RUN_VERDICT_TOO_SHORT);
  }
  /* A single evaluation above the minimum after it is noise: no finding. */
  {
    static const double bump[] = { 0.660, 0.555, 0.519, 0.494, 0.489, 0.4853, 0.4873, 0.4856, 0.4861, 0.4850 };
    g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_NONE);
    g_autoptr(DebriefAnalysis) a = NULL;

    add_points (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 500, train, 10);
    add_points (run, "eval_loss", DEBRIEF_SERIES_VAL_LOSS, 549, bump, 10);
    add_points (run, "learning_rate", DEBRIEF_SERIES_LEARNING_RATE, 500, lr, 10);
    a = debrief_test_analyse (run);
    g_assert_null (debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING));
  }
}

static double
f_linear (double t, const double *p)
{
  return p[0] + (p[1] - p[0]) * t;
}

/* A fast fall from p[0] to p[1] (τ = p[2] of the run), then a slow steady one by p[3]
 * more, levelling off only at the end: most of the drop after the fast fall comes late. */
static double
f_fast_then_slow (double t, const double *p)
{
  return p[1] + (p[0] - p[1]) * exp (-t / p[2]) - p[3] * t * (2.0 - t);
}

static void
test_two_phase_descent_is_no_plateau (void)
{
  /* A fall 3.9 → 2.1 in the first 1.5% of the run (as a LoRA's first steps do), then
   * a slow steady descent 2.1 → 1.85: the exponential fit has done "95%" of its drop
   * by 1.5% of the run, while the logged curve still has most of its drop from
   * the median of its first tenth (head → tail) to come. */
  static const double p[] = { 3.9, 2.12, 0.005, 0.27 };
  g_autoptr(DebriefRun) run = new_run (DEBRIEF_METHOD_SFT, DEBRIEF_ADAPTER_LORA);
  g_autoptr(DebriefAnalysis) a = NULL;

  static const double lr[] = { 2e-4, 0.0 };

  debrief_run_get_config (run)->learning_rate = 2e-4;
  /* Far more data than rank 16 holds: the capacity check fails, so a plateau would
   * be reported as its symptom. */
  debrief_run_get_config (run)->dataset_tokens = 2000000000;
  add_curve (run, "loss", DEBRIEF_SERIES_TRAIN_LOSS, 640, f_fast_then_slow, p, 0.03, 21);
  add_curve (run, "learning_rate", DEBRIEF_SERIES_LEARNING_RATE, 640, f_linear, lr, 0.0, 22);
  a = debrief_test_analyse (run);
  g_assert_null (debrief_analysis_get_finding (a, DEBRIEF_FINDING_EARLY_PLATEAU));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/analysis-kinds/rl/healthy", test_rl_healthy);
  g_test_add_func ("/analysis-kinds/rl/plateau", test_rl_plateau);
  g_test_add_func ("/analysis-kinds/rl/collapse", test_rl_collapse);
  g_test_add_func ("/analysis-kinds/rl/kl-entropy", test_rl_kl_entropy);
  g_test_add_func ("/analysis-kinds/rl/signal-lengths", test_rl_signal_and_lengths);
  g_test_add_func ("/analysis-kinds/rl/constant-reward-short", test_rl_constant_reward_and_short);
  g_test_add_func ("/analysis-kinds/rl/ppo", test_rl_ppo);
  g_test_add_func ("/analysis-kinds/dpo", test_dpo);
  g_test_add_func ("/analysis-kinds/broken", test_broken);
  g_test_add_func ("/analysis-kinds/advice/full-finetune", test_full_finetune_gets_no_lora_advice);
  g_test_add_func ("/analysis-kinds/overfitting/checkpoints", test_overfitting_checkpoints);
  g_test_add_func ("/analysis-kinds/actions/json", test_actions_json);
  g_test_add_func ("/analysis-kinds/isolated-nan", test_isolated_nan);
  g_test_add_func ("/analysis-kinds/finished-short-run", test_finished_short_run);
  g_test_add_func ("/analysis-kinds/two-phase-descent", test_two_phase_descent_is_no_plateau);
  return g_test_run ();
}
