/* debrief-test-sweep.c: generated sweeps with a known truth
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "debrief-test-sweep.h"

void
debrief_test_sweep_model_init (DebriefTestSweepModel *model)
{
  model->lr_opt = 3e-3;
  model->curvature = 0.12;
  model->rank_gain = 0;
  model->floor = 1.70;
  model->start = 2.60;
  model->seed_sigma = 0.004;
  model->step_sigma = 0.06;
  model->val_sigma = 0.002;
  model->diverge_lr = 0;
  model->steps = 200;
  model->eval_every = 20;
}

static double
gauss (GRand *rand)
{
  /* Box-Muller: GRand has no normal deviates. */
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

char *
debrief_test_sweep_run_name (double lr,
                             int    rank,
                             int    seed)
{
  char mantissa[32];
  int exponent = (int) floor (log10 (lr) + 1e-9);
  double m = lr / pow (10, exponent);

  g_snprintf (mantissa, sizeof mantissa, "%g", round (m * 100) / 100);
  return g_strdup_printf ("lr%se%d-r%d-seed%d", mantissa, exponent, rank, seed);
}

/* Fills @train and @val (steps 0..steps-1, val every eval_every and at the end). */
static void
curves (const DebriefTestSweepModel *model,
        GRand                       *rand,
        double                       lr,
        int                          rank,
        double                      *train,
        double                      *val)
{
  double decades = log10 (lr) - log10 (model->lr_opt);
  double floor_ = model->floor + model->curvature * decades * decades -
                  model->rank_gain * log2 ((double) rank / 4.0) + model->seed_sigma * gauss (rand);
  /* Higher rates descend faster, within reason. */
  double tau = CLAMP (0.15 * model->steps * sqrt (model->lr_opt / lr), 3.0, 2.0 * model->steps);
  gboolean diverges = model->diverge_lr > 0 && lr >= model->diverge_lr;
  guint t_diverge = model->steps / 3;
  double blowup = 1;

  for (guint t = 0; t < model->steps; t++)
    {
      double level = floor_ + (model->start - floor_) * exp (-(double) t / tau);

      if (diverges && t >= t_diverge)
        {
          blowup *= 1.08;
          level *= blowup;
        }
      train[t] = level + model->step_sigma * gauss (rand);
      val[t] = level + 0.03 + model->val_sigma * gauss (rand);
      if (level > 1e3)
        train[t] = val[t] = NAN;
    }
}

static gboolean
is_eval_step (const DebriefTestSweepModel *model,
              guint                        t)
{
  return t % model->eval_every == 0 || t + 1 == model->steps;
}

DebriefRun *
debrief_test_sweep_run (const DebriefTestSweepModel *model,
                        GRand                       *rand,
                        const char                  *dir,
                        double                       lr,
                        int                          rank,
                        int                          seed)
{
  g_autofree char *name = debrief_test_sweep_run_name (lr, rank, seed);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  DebriefRun *run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) train = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefSeries) val = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);
  g_autoptr(DebriefAnalysis) analysis = NULL;
  g_autofree double *t_values = g_new (double, model->steps);
  g_autofree double *v_values = g_new (double, model->steps);
  char text[64];

  curves (model, rand, lr, rank, t_values, v_values);
  for (guint t = 0; t < model->steps; t++)
    {
      debrief_series_append (train, t, t_values[t]);
      if (is_eval_step (model, t))
        debrief_series_append (val, t, v_values[t]);
    }
  debrief_series_finish (train, NULL);
  debrief_series_finish (val, NULL);
  debrief_run_add_series (run, train);
  debrief_run_add_series (run, val);
  debrief_run_set_format (run, "tinker");

  g_ascii_formatd (text, sizeof text, "%.15g", lr);
  debrief_run_set_param (run, "learning_rate", text, lr, "config.json");
  g_snprintf (text, sizeof text, "%d", rank);
  debrief_run_set_param (run, "lora_rank", text, rank, "config.json");
  g_snprintf (text, sizeof text, "%d", seed);
  debrief_run_set_param (run, "seed", text, seed, "config.json");
  debrief_run_set_param (run, "model_name", "tiny-byte-llama", NAN, "config.json");
  debrief_run_set_param (run, "log_path", path, NAN, "config.json");
  debrief_run_get_config (run)->learning_rate = lr;
  debrief_run_get_config (run)->lora_rank = rank;

  analysis = debrief_analysis_run (run, NULL, NULL);
  debrief_run_set_analysis (run, analysis);
  return run;
}

void
debrief_test_sweep_write_run (const DebriefTestSweepModel *model,
                              GRand                       *rand,
                              const char                  *dir,
                              const char                  *name,
                              double                       lr,
                              int                          rank,
                              int                          seed,
                              const char                  *extra_config)
{
  g_autofree char *folder = g_build_filename (dir, name, NULL);
  g_autofree char *config_path = g_build_filename (folder, "config.json", NULL);
  g_autofree char *metrics_path = g_build_filename (folder, "metrics.jsonl", NULL);
  g_autofree double *train = g_new (double, model->steps);
  g_autofree double *val = g_new (double, model->steps);
  g_autofree char *config = NULL;
  char lr_text[G_ASCII_DTOSTR_BUF_SIZE];
  GString *metrics = g_string_sized_new (model->steps * 160);
  double elapsed = 0;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  curves (model, rand, lr, rank, train, val);
  g_ascii_formatd (lr_text, sizeof lr_text, "%.15g", lr);
  config = g_strdup_printf ("{\n  \"log_path\": \"%s\",\n  \"model_name\": \"tiny-byte-llama\",\n"
                            "  \"dataset\": \"python-stdlib-src\",\n  %s\"learning_rate\": %s,\n"
                            "  \"lr_schedule\": \"cosine\",\n  \"num_epochs\": 1,\n  \"lora_rank\": %d,\n"
                            "  \"lora_alpha\": 16,\n  \"batch_size\": 8,\n  \"seed\": %d,\n"
                            "  \"eval_every\": %u\n}\n",
                            folder, extra_config ? extra_config : "", lr_text, rank, seed, model->eval_every);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));

  for (guint t = 0; t < model->steps; t++)
    {
      char value[G_ASCII_DTOSTR_BUF_SIZE];

      elapsed += 0.25;
      g_string_append_printf (metrics, "{\"step\": %u, \"epoch\": 0, \"learning_rate\": %s, \"num_tokens\": 1024, ",
                              t, lr_text);
      if (isfinite (train[t]))
        g_string_append_printf (metrics, "\"train_mean_nll\": %s",
                                g_ascii_formatd (value, sizeof value, "%.6f", train[t]));
      else
        g_string_append (metrics, "\"train_mean_nll\": NaN");
      if (is_eval_step (model, t))
        {
          if (isfinite (val[t]))
            g_string_append_printf (metrics, ", \"test/nll\": %s", g_ascii_formatd (value, sizeof value, "%.6f", val[t]));
          else
            g_string_append (metrics, ", \"test/nll\": NaN");
        }
      g_string_append_printf (metrics, ", \"time/total\": %s}\n", g_ascii_formatd (value, sizeof value, "%.2f", elapsed));
    }
  g_assert_true (g_file_set_contents (metrics_path, metrics->str, (gssize) metrics->len, NULL));
  g_string_free (metrics, TRUE);
}

static void
append_number (GString *s,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isfinite (value))
    g_string_append (s, g_ascii_formatd (buffer, sizeof buffer, "%.5f", value));
  else
    g_string_append (s, "NaN");
}

void
debrief_test_sweep_write_seed_run (const DebriefTestSweepModel *model,
                                   GRand                       *rand,
                                   const char                  *dir,
                                   const char                  *name,
                                   double                       lr,
                                   int                          rank,
                                   int                          seed)
{
  g_autofree char *folder = g_build_filename (dir, name, NULL);
  g_autofree char *path = g_build_filename (folder, "metrics.json", NULL);
  g_autofree double *train = g_new (double, model->steps);
  g_autofree double *val = g_new (double, model->steps);
  GString *s = g_string_sized_new (model->steps * 9 + 1024);
  char lr_text[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean first = TRUE;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  curves (model, rand, lr, rank, train, val);
  g_string_append (s, "{\"train_losses\": [");
  for (guint t = 0; t < model->steps; t++)
    {
      if (t > 0)
        g_string_append (s, ", ");
      append_number (s, train[t]);
    }
  g_string_append (s, "],\n \"val_losses\": [");
  for (guint t = 0; t < model->steps; t++)
    if (is_eval_step (model, t))
      {
        if (!first)
          g_string_append (s, ", ");
        append_number (s, val[t]);
        first = FALSE;
      }
  g_string_append (s, "],\n \"val_steps\": [");
  first = TRUE;
  for (guint t = 0; t < model->steps; t++)
    if (is_eval_step (model, t))
      {
        g_string_append_printf (s, "%s%u", first ? "" : ", ", t);
        first = FALSE;
      }
  g_ascii_formatd (lr_text, sizeof lr_text, "%.15g", lr);
  g_string_append_printf (s, "],\n \"config\": {\"base_model\": \"tiny-byte-llama\", \"lora_rank\": %d, "
                          "\"lora_alpha\": 16, \"learning_rate\": %s, \"batch_size\": 8, \"seed\": %d, "
                          "\"max_steps\": %u}}\n", rank, lr_text, seed, model->steps);
  g_assert_true (g_file_set_contents (path, s->str, (gssize) s->len, NULL));
  g_string_free (s, TRUE);
}
