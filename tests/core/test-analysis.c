/* test-analysis.c: each check on synthetic curves with known defects, positive and
 * negative cases (including noisy-but-healthy runs), and the seed-compatible numbers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

typedef enum { NOISE_GAUSS, NOISE_HEAVY } NoiseKind;

static double
noise (GRand     *rand,
       NoiseKind  kind)
{
  /* Box–Muller; "heavy" is a Student-t with 3 degrees of freedom scaled to a similar spread. */
  double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
  double z = sqrt (-2.0 * log (u1)) * cos (2 * G_PI * u2);

  if (kind == NOISE_HEAVY)
    {
      double chi = 0;
      for (int k = 0; k < 3; k++)
        {
          double a = g_rand_double_range (rand, 1e-12, 1.0), b = g_rand_double (rand);
          double y = sqrt (-2.0 * log (a)) * cos (2 * G_PI * b);
          chi += y * y;
        }
      z = z / sqrt (chi / 3.0) / 1.7;
    }
  return z;
}

static DebriefRun *
new_run (void)
{
  g_autoptr(GFile) folder = g_file_new_for_path (g_get_tmp_dir ());
  DebriefRun *run = debrief_run_new (folder);
  DebriefRunConfig *c = debrief_run_get_config (run);

  debrief_run_set_format (run, "seed");
  /* Llama-3.1-8B, rank 16 on all linear layers, 2M tokens: capacity OK by a wide margin. */
  c->lora_rank = 16;
  c->dims = (DebriefModelDims) { 4096, 14336, 32, 32, 8, 128, 128256 };
  c->target_modules = g_strsplit ("q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj", ",", -1);
  c->dataset_tokens = 2000000;
  c->learning_rate = 2e-4;
  c->base_model = g_strdup ("meta-llama/Llama-3.1-8B");
  return run;
}

static void
add_series (DebriefRun        *run,
            DebriefSeriesKind  kind,
            const gint64      *steps,
            const double      *values,
            gsize              n)
{
  g_autoptr(DebriefSeries) s = debrief_series_new (kind == DEBRIEF_SERIES_TRAIN_LOSS ? "train_loss" : "val_loss", kind);

  for (gsize i = 0; i < n; i++)
    debrief_series_append (s, steps[i], values[i]);
  debrief_series_finish (s, NULL);
  debrief_run_add_series (run, s);
}

/* L(t) = end + (start - end) exp(-t / tau), t = step / n, with multiplicative noise. */
static void
add_decay (DebriefRun *run,
           gsize       n,
           double      start,
           double      end,
           double      tau,
           double      rel_noise,
           NoiseKind   kind,
           guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree gint64 *steps = g_new (gint64, n);
  g_autofree double *values = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    {
      double t = (double) i / (double) (n - 1);
      steps[i] = (gint64) i + 1;
      values[i] = (end + (start - end) * exp (-t / tau)) * (1.0 + rel_noise * noise (rand, kind));
    }
  add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, n);
}

static void
add_val (DebriefRun *run,
         gsize       n_steps,
         guint       evals,
         double      start,
         double      end,
         double      tau,
         double      sigma,
         double      rise_from,
         double      rise,
         guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree gint64 *steps = g_new (gint64, evals + 1);
  g_autofree double *values = g_new (double, evals + 1);

  for (guint i = 0; i <= evals; i++)
    {
      double t = (double) i / evals;
      steps[i] = (gint64) (t * n_steps);
      values[i] = end + (start - end) * exp (-t / tau) + sigma * noise (rand, NOISE_GAUSS);
      if (t > rise_from)
        values[i] += rise * (t - rise_from) / (1.0 - rise_from);
    }
  add_series (run, DEBRIEF_SERIES_VAL_LOSS, steps, values, evals + 1);
}

static void
assert_no_findings (DebriefAnalysis *a,
                    const char      *what)
{
  GListModel *m = debrief_analysis_get_findings (a);

  if (g_list_model_get_n_items (m) != 0)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (m, 0);
      g_error ("%s: unexpected finding %s: %s", what, debrief_finding_get_id (f),
               debrief_finding_get_evidence (f));
    }
}

/* ---- seed-compatible numbers ---------------------------------------------- */

static void
test_seed_convergence_percent (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefRun) short_run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  g_autoptr(DebriefAnalysis) b = NULL;
  gint64 steps[101];
  double values[101];
  double early = 0, late = 0;

  /* 101 losses: more than 100, so the checklist computes it. */
  for (int i = 0; i < 101; i++)
    {
      steps[i] = i;
      values[i] = 3.0 - 0.02 * i + ((i % 3) ? 0.01 : -0.02);
    }
  for (int i = 0; i < 10; i++)
    {
      early += values[i];
      late += values[91 + i];
    }
  early /= 10;
  late /= 10;
  add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 101);
  a = debrief_test_analyse (run);
  g_assert_cmpfloat_with_epsilon (debrief_analysis_get_convergence_percent (a),
                                  (early - late) / early * 100.0, 1e-12);

  /* Exactly 100: None in the checklist, NaN (JSON null) here. */
  add_series (short_run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 100);
  b = debrief_test_analyse (short_run);
  g_assert_true (isnan (debrief_analysis_get_convergence_percent (b)));
}

static void
test_seed_overfitting_warning (void)
{
  struct { double v[6]; gsize n; gboolean expected; } cases[] = {
    /* val[-1] > val[len // 2] */
    { { 2.0, 1.5, 1.4, 1.45 }, 4, TRUE },      /* index 2: 1.45 > 1.4 */
    { { 2.0, 1.5, 1.4, 1.3 }, 4, FALSE },
    { { 2.0, 1.0, 1.5, 1.2, 1.1 }, 5, FALSE }, /* index 2: 1.1 < 1.5 */
    { { 2.0, 1.0, 1.5, 1.2, 1.6 }, 5, TRUE },
    { { 2.0 }, 1, FALSE },                     /* index 0 is the last: not greater */
    { { 2.0, 1.5, NAN, 1.45 }, 4, FALSE },     /* NaN compares false, as in Python */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(DebriefRun) run = new_run ();
      g_autoptr(DebriefAnalysis) a = NULL;
      gint64 steps[6] = { 0, 10, 20, 30, 40, 50 };

      add_series (run, DEBRIEF_SERIES_VAL_LOSS, steps, cases[c].v, cases[c].n);
      a = debrief_test_analyse (run);
      g_assert_cmpint (debrief_analysis_get_seed_overfitting_warning (a), ==, cases[c].expected);
    }
  {
    g_autoptr(DebriefRun) run = new_run ();
    g_autoptr(DebriefAnalysis) a = NULL;

    add_decay (run, 200, 2.5, 1.5, 0.15, 0.03, NOISE_GAUSS, 1);
    a = debrief_test_analyse (run);
    g_assert_false (debrief_analysis_get_seed_overfitting_warning (a));
    g_assert_cmpint (debrief_analysis_get_best_step (a), ==, -1);
    g_assert_true (isnan (debrief_analysis_get_best_val_loss (a)));
  }
}

/* ---- healthy runs: no findings at all -------------------------------------- */

static void
test_healthy_variants (void)
{
  const gsize lengths[] = { 150, 600, 3000, 20000 };
  const double noises[] = { 0.01, 0.04, 0.08 };
  const double taus[] = { 0.1, 0.18, 0.25 };
  guint32 seed = 100;

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    for (guint k = 0; k < 2; k++)
      for (guint s = 0; s < G_N_ELEMENTS (noises); s++)
        {
          g_autoptr(DebriefRun) run = new_run ();
          g_autoptr(DebriefAnalysis) a = NULL;
          g_autofree char *what = g_strdup_printf ("n=%" G_GSIZE_FORMAT " %s noise %.2f", lengths[l],
                                                   k ? "heavy" : "gauss", noises[s]);

          add_decay (run, lengths[l], 2.4, 1.3, taus[(l + s) % 3], noises[s], k ? NOISE_HEAVY : NOISE_GAUSS, seed++);
          add_val (run, lengths[l], 10, 2.3, 1.45, 0.2, 0.01, 2.0, 0.0, seed++);
          a = debrief_test_analyse (run);
          assert_no_findings (a, what);
          g_assert_cmpint (debrief_analysis_get_worst_severity (a), ==, -1);
        }
}

static void
test_healthy_unknown_config (void)
{
  g_autoptr(GFile) folder = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(DebriefAnalysis) a = NULL;

  /* Fast early drop, then flat: with nothing known about the adapter, a plateau
   * is no evidence of undercapacity. */
  add_decay (run, 800, 2.4, 1.3, 0.05, 0.05, NOISE_GAUSS, 7);
  a = debrief_test_analyse (run);
  assert_no_findings (a, "unknown config");
  g_assert_cmpint (debrief_analysis_get_capacity (a)->status, ==, DEBRIEF_CAPACITY_UNKNOWN);
}

static void
test_healthy_single_outlier (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  gint64 steps[1000];
  double values[1000];

  /* One odd batch (+40%) is not an optimiser spike: the loss is back the next step. */
  for (int i = 0; i < 1000; i++)
    {
      steps[i] = i + 1;
      values[i] = (1.4 + exp (-i / 150.0)) * (1.0 + 0.03 * noise (rand, NOISE_GAUSS));
    }
  values[500] *= 1.4;
  add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 1000);
  a = debrief_test_analyse (run);
  assert_no_findings (a, "single outlier");
}

/* ---- each defect ----------------------------------------------------------- */

static void
test_spikes (void)
{
  const gsize lengths[] = { 500, 3000 };

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      g_autoptr(DebriefRun) run = new_run ();
      g_autoptr(DebriefAnalysis) a = NULL;
      g_autoptr(GRand) rand = g_rand_new_with_seed (40 + l);
      gsize n = lengths[l];
      g_autofree gint64 *steps = g_new (gint64, n);
      g_autofree double *values = g_new (double, n);
      DebriefFinding *f;

      /* The loss jumps by 0.8 and recovers over ~20 steps, twice: what an LR too high does. */
      for (gsize i = 0; i < n; i++)
        {
          steps[i] = (gint64) i + 1;
          values[i] = (1.4 + exp (-(double) i / (0.15 * n))) * (1.0 + 0.03 * noise (rand, NOISE_GAUSS));
          for (int k = 1; k <= 2; k++)
            {
              gssize at = (gssize) (k * n / 3);
              if ((gssize) i >= at && (gssize) i < at + 30)
                values[i] += 0.8 * exp (-((gssize) i - at) / 6.0);
            }
        }
      add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, n);
      a = debrief_test_analyse (run);
      f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_LOSS_SPIKES);
      g_assert_nonnull (f);
      g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_WARNING);
      g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "2 spikes"));
      g_assert_true (debrief_finding_get_step (f) == (gint64) (n / 3) + 1
                     || debrief_finding_get_step (f) == (gint64) (2 * n / 3) + 1);
      /* LR 2e-4 is already below the 8B rule of thumb (2.9e-4): the fix cuts it to a third. */
      g_assert_nonnull (strstr (debrief_finding_get_fix (f), "6.7e-05"));
      g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_OVERFITTING));
      g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE));
    }
}

static void
test_overfitting (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  DebriefFinding *f;
  DebriefRunConfig *c = debrief_run_get_config (run);

  c->num_epochs = 10;
  c->max_steps = 2000;
  add_decay (run, 2000, 2.4, 0.4, 0.3, 0.04, NOISE_GAUSS, 11);
  /* Validation falls until 30% of the run, then climbs by 0.4. */
  add_val (run, 2000, 20, 2.4, 1.6, 0.1, 0.01, 0.3, 0.4, 12);
  a = debrief_test_analyse (run);
  f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_OVERFITTING);
  g_assert_nonnull (f);
  g_assert_cmpint (debrief_finding_get_step (f), ==, debrief_analysis_get_best_step (a));
  g_assert_cmpint (debrief_analysis_get_best_step (a), >=, 400);
  g_assert_cmpint (debrief_analysis_get_best_step (a), <=, 700);
  g_assert_nonnull (strstr (debrief_finding_get_fix (f), "Stop at step"));
  g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "evaluations"));
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE));
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_LOSS_SPIKES));
  g_assert_true (debrief_analysis_get_seed_overfitting_warning (a));
}

static void
test_overfitting_negatives (void)
{
  /* Noisy validation that is flat at the end: the seed rule fires, Debrief does not. */
  {
    g_autoptr(DebriefRun) run = new_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    gint64 steps[] = { 0, 100, 200, 300, 400, 500, 600, 700, 800 };
    double values[] = { 2.3, 1.8, 1.6, 1.52, 1.50, 1.49, 1.505, 1.495, 1.51 };

    add_decay (run, 800, 2.4, 1.4, 0.15, 0.04, NOISE_GAUSS, 21);
    add_series (run, DEBRIEF_SERIES_VAL_LOSS, steps, values, G_N_ELEMENTS (steps));
    a = debrief_test_analyse (run);
    g_assert_true (debrief_analysis_get_seed_overfitting_warning (a));
    g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_OVERFITTING));
    g_assert_cmpint (debrief_analysis_get_best_step (a), ==, 500);
  }
  /* Validation and train rise together: instability, not overfitting. */
  {
    g_autoptr(DebriefRun) run = new_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    gint64 steps[800], vsteps[9];
    double values[800], vvalues[9];

    for (int i = 0; i < 800; i++)
      {
        steps[i] = i + 1;
        values[i] = i < 300 ? 2.4 - i * 0.002 : 1.8 + (i - 300) * 0.0006;
      }
    for (int i = 0; i < 9; i++)
      {
        vsteps[i] = i * 100;
        vvalues[i] = i < 3 ? 2.4 - i * 0.2 : 2.0 + (i - 3) * 0.06;
      }
    add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 800);
    add_series (run, DEBRIEF_SERIES_VAL_LOSS, vsteps, vvalues, 9);
    a = debrief_test_analyse (run);
    g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_OVERFITTING));
  }
}

static void
test_slow_convergence (void)
{
  const double taus[] = { 0.7, 2.0 };

  for (guint t = 0; t < G_N_ELEMENTS (taus); t++)
    {
      g_autoptr(DebriefRun) run = new_run ();
      g_autoptr(DebriefAnalysis) a = NULL;
      DebriefFinding *f;

      debrief_run_get_config (run)->learning_rate = 1e-6;
      add_decay (run, 1000, 2.5, 1.2, taus[t], 0.04, NOISE_GAUSS, 31 + t);
      add_val (run, 1000, 10, 2.5, 1.25, taus[t], 0.005, 2.0, 0.0, 33 + t);
      a = debrief_test_analyse (run);
      f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE);
      g_assert_nonnull (f);
      /* The 8B rule of thumb: 5e-5 × 10 × (2000/4096)^0.781 ≈ 2.9e-4. */
      g_assert_nonnull (strstr (debrief_finding_get_fix (f), "2.9e-04"));
      g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_EARLY_PLATEAU));
      g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_NO_IMPROVEMENT));
    }
  g_assert_cmpfloat_with_epsilon (5e-5 * 10 * pow (2000.0 / 4096, 0.781), 2.86e-4, 1e-6);

  /* The same curve from a run its trainer says is a third of the way
   * through: still falling is what it should be doing; at 95 % it is judged. */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(DebriefRun) run = new_run ();
      g_autoptr(DebriefAnalysis) a = NULL;
      const char *const *notes;
      gboolean noted = FALSE;

      debrief_run_get_config (run)->learning_rate = 1e-6;
      debrief_run_get_progress (run)->fraction = k == 0 ? 0.3 : 0.95;
      add_decay (run, 1000, 2.5, 1.2, 2.0, 0.04, NOISE_GAUSS, 32);
      add_val (run, 1000, 10, 2.5, 1.25, 2.0, 0.005, 2.0, 0.0, 34);
      a = debrief_test_analyse (run);
      notes = debrief_analysis_get_notes (a);
      for (guint i = 0; notes && notes[i]; i++)
        noted = noted || strstr (notes[i], "not judged yet: the run is at 30%") != NULL;
      g_assert_cmpint (debrief_analysis_has_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE), ==, k == 1);
      g_assert_cmpint (noted, ==, k == 0);
    }
}

static void
test_diverged (void)
{
  {
    g_autoptr(DebriefRun) run = new_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    gint64 steps[300];
    double values[300];
    DebriefFinding *f;

    for (int i = 0; i < 300; i++)
      {
        steps[i] = i + 1;
        values[i] = i < 250 ? 2.0 - i * 0.001 : NAN;
      }
    add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 300);
    a = debrief_test_analyse (run);
    f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_DIVERGED);
    g_assert_nonnull (f);
    g_assert_cmpint (debrief_finding_get_severity (f), ==, DEBRIEF_SEVERITY_ERROR);
    g_assert_cmpint (debrief_finding_get_step (f), ==, 251);
    g_assert_true (isnan (debrief_analysis_get_convergence_percent (a)));
  }
  {
    g_autoptr(DebriefRun) run = new_run ();
    g_autoptr(DebriefAnalysis) a = NULL;
    g_autoptr(GRand) rand = g_rand_new_with_seed (3);
    gint64 steps[600];
    double values[600];

    for (int i = 0; i < 600; i++)
      {
        steps[i] = i + 1;
        values[i] = (i < 200 ? 2.4 - i * 0.003 : 1.8 + (i - 200) * 0.004) * (1 + 0.03 * noise (rand, NOISE_GAUSS));
      }
    add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 600);
    a = debrief_test_analyse (run);
    g_assert_true (debrief_analysis_has_finding (a, DEBRIEF_FINDING_DIVERGED));
    g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_NO_IMPROVEMENT));
    g_assert_cmpstr (debrief_analysis_get_verdict (a), !=, NULL);
    g_assert_true (g_str_has_prefix (debrief_analysis_get_verdict (a), "Failed"));
  }
}

static void
test_no_improvement_and_targets (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  DebriefRunConfig *c = debrief_run_get_config (run);
  gint64 steps[500];
  double values[500];
  DebriefFinding *f;

  g_strfreev (c->target_modules);
  c->target_modules = g_strsplit ("q_proj,v_proj", ",", -1);
  for (int i = 0; i < 500; i++)
    {
      steps[i] = i + 1;
      values[i] = 2.0 * (1.0 + 0.05 * noise (rand, NOISE_GAUSS));
    }
  add_series (run, DEBRIEF_SERIES_TRAIN_LOSS, steps, values, 500);
  a = debrief_test_analyse (run);
  f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_NO_IMPROVEMENT);
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (debrief_finding_get_cause (f), "MLP"));
  f = debrief_analysis_get_finding (a, DEBRIEF_FINDING_LORA_TARGETS_NO_MLP);
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (debrief_finding_get_evidence (f), "q_proj, v_proj"));
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_SLOW_CONVERGENCE));
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_EARLY_PLATEAU));
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_LOSS_SPIKES));
}

static void
test_tinker_booleans_no_mlp (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  DebriefRunConfig *c = debrief_run_get_config (run);

  g_clear_pointer (&c->target_modules, g_strfreev);
  c->train_attn = DEBRIEF_TRISTATE_YES;
  c->train_mlp = DEBRIEF_TRISTATE_NO;
  add_decay (run, 300, 2.4, 1.5, 0.15, 0.03, NOISE_GAUSS, 9);
  a = debrief_test_analyse (run);
  g_assert_true (debrief_analysis_has_finding (a, DEBRIEF_FINDING_LORA_TARGETS_NO_MLP));
  g_assert_cmpuint (g_list_model_get_n_items (debrief_analysis_get_findings (a)), ==, 1);
}

static void
test_early_plateau_undercapacity (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  DebriefRunConfig *c = debrief_run_get_config (run);
  DebriefFinding *plateau, *under;

  /* Rank 1 on 1B tokens: 2.6M params hold ~5M bits, the data needs ≥1e9. */
  c->lora_rank = 1;
  c->dataset_tokens = 1000000000;
  add_decay (run, 2000, 2.6, 1.9, 0.06, 0.05, NOISE_GAUSS, 13);
  a = debrief_test_analyse (run);
  plateau = debrief_analysis_get_finding (a, DEBRIEF_FINDING_EARLY_PLATEAU);
  under = debrief_analysis_get_finding (a, DEBRIEF_FINDING_UNDERCAPACITY);
  g_assert_nonnull (plateau);
  g_assert_nonnull (under);
  g_assert_cmpint (debrief_finding_get_severity (under), ==, DEBRIEF_SEVERITY_WARNING);
  g_assert_cmpint (debrief_analysis_get_capacity (a)->status, ==, DEBRIEF_CAPACITY_UNDERCAPACITY);
  {
    g_autofree char *rank = g_strdup_printf ("to %" G_GINT64_FORMAT,
                                             debrief_analysis_get_capacity (a)->suggested_rank);
    g_assert_nonnull (strstr (debrief_finding_get_fix (plateau), rank));
  }
  g_assert_cmpint (debrief_finding_get_step (plateau), >, 0);
  g_assert_cmpint (debrief_finding_get_step (plateau), <, 2000 * 0.36);
}

static void
test_undercapacity_small_shortfall_is_info (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  g_autoptr(DebriefAnalysis) a = NULL;
  DebriefRunConfig *c = debrief_run_get_config (run);
  DebriefFinding *under;

  /* Rank 16 all-linear on the 8B: 41.9M params = 83.9M bits; the data needs a little more. */
  c->dataset_tokens = 40000000;
  add_decay (run, 1000, 2.4, 1.3, 0.2, 0.03, NOISE_GAUSS, 17);
  a = debrief_test_analyse (run);
  under = debrief_analysis_get_finding (a, DEBRIEF_FINDING_UNDERCAPACITY);
  g_assert_nonnull (under);
  g_assert_cmpint (debrief_finding_get_severity (under), ==, DEBRIEF_SEVERITY_INFO);
  g_assert_false (debrief_analysis_has_finding (a, DEBRIEF_FINDING_EARLY_PLATEAU));
}

static void
test_no_loss (void)
{
  g_autoptr(GFile) folder = g_file_new_for_path (g_get_tmp_dir ());
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
  const char *const *notes = debrief_analysis_get_notes (a);

  assert_no_findings (a, "no loss");
  g_assert_nonnull (notes[0]);
  g_assert_nonnull (strstr (notes[0], "do not apply"));
}

static void
on_analysed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DebriefAnalysis **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = debrief_analysis_run_finish (result, &error);
  g_assert_no_error (error);
}

static void
on_cancelled (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefAnalysis) a = debrief_analysis_run_finish (result, &error);

  g_assert_null (a);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_async (void)
{
  g_autoptr(DebriefRun) run = new_run ();
  DebriefAnalysis *a = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean done = FALSE;

  add_decay (run, 5000, 2.4, 1.3, 0.15, 0.03, NOISE_GAUSS, 19);
  debrief_analysis_run_async (run, NULL, on_analysed, &a);
  /* The copy was taken when the task started: editing the run now does not race. */
  debrief_run_get_config (run)->lora_rank = 1;
  while (a == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (DEBRIEF_IS_ANALYSIS (a));
  g_assert_cmpint (debrief_analysis_get_capacity (a)->rank, ==, 16);
  g_object_unref (a);

  g_cancellable_cancel (cancellable);
  debrief_analysis_run_async (run, cancellable, on_cancelled, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_finding_markdown (void)
{
  g_autoptr(DebriefFinding) f = debrief_finding_new (DEBRIEF_FINDING_OVERFITTING, DEBRIEF_SEVERITY_WARNING,
                                                     "Validation loss increases", "min 1.5 at 40",
                                                     "Overfitting.", "Stop at step 40.", 40);
  g_autofree char *md = debrief_finding_to_markdown (f);

  g_assert_true (g_str_has_prefix (md, "### Validation loss increases (`overfitting`, warning)"));
  g_assert_nonnull (strstr (md, "min 1.5 at 40"));
  g_assert_nonnull (strstr (md, "Stop at step 40."));
  g_assert_cmpint (debrief_finding_get_step (f), ==, 40);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/analysis/seed/convergence-percent", test_seed_convergence_percent);
  g_test_add_func ("/analysis/seed/overfitting-warning", test_seed_overfitting_warning);
  g_test_add_func ("/analysis/healthy/variants", test_healthy_variants);
  g_test_add_func ("/analysis/healthy/unknown-config", test_healthy_unknown_config);
  g_test_add_func ("/analysis/healthy/single-outlier", test_healthy_single_outlier);
  g_test_add_func ("/analysis/spikes", test_spikes);
  g_test_add_func ("/analysis/overfitting", test_overfitting);
  g_test_add_func ("/analysis/overfitting/negatives", test_overfitting_negatives);
  g_test_add_func ("/analysis/slow-convergence", test_slow_convergence);
  g_test_add_func ("/analysis/diverged", test_diverged);
  g_test_add_func ("/analysis/no-improvement-and-targets", test_no_improvement_and_targets);
  g_test_add_func ("/analysis/targets/tinker-booleans", test_tinker_booleans_no_mlp);
  g_test_add_func ("/analysis/early-plateau-undercapacity", test_early_plateau_undercapacity);
  g_test_add_func ("/analysis/undercapacity/small-shortfall", test_undercapacity_small_shortfall_is_info);
  g_test_add_func ("/analysis/no-loss", test_no_loss);
  g_test_add_func ("/analysis/async", test_async);
  g_test_add_func ("/analysis/finding-markdown", test_finding_markdown);

  return g_test_run ();
}
