/* debrief-test-sweep.h: generated sweeps with a known truth (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A response surface in the learning rate and the rank, seed-to-seed
 * offsets, step noise, divergence above a rate: runs whose right answer is
 * known, drawn many times so a test checks how often a finding is made (its
 * power and its false-alarm rate) rather than fitting one sweep.
 */
#pragma once

#include "debrief-test-core-utils.h"

G_BEGIN_DECLS

typedef struct
{
  double lr_opt;          /* the learning rate with the lowest loss floor */
  double curvature;       /* rise of the floor per decade² away from lr_opt */
  double rank_gain;       /* drop of the floor per doubling of the rank (0: rank does not matter) */
  double floor;           /* the floor at lr_opt, lowest rank */
  double start;           /* the loss at step 0 */
  double seed_sigma;      /* standard deviation of a run's floor offset between seeds */
  double step_sigma;      /* train loss noise per step */
  double val_sigma;       /* validation noise per evaluation */
  double diverge_lr;      /* runs at this rate or above diverge (0: none do) */
  guint steps;
  guint eval_every;
} DebriefTestSweepModel;

/* A learning-rate sweep whose best rate is 3e-3, rank without effect, seed σ 0.004. */
void        debrief_test_sweep_model_init  (DebriefTestSweepModel       *model);

/* A run of the model in memory (folder @dir/@name, which need not exist), its
 * settings as parameters (learning_rate, lora_rank, seed), analysed. */
DebriefRun *debrief_test_sweep_run         (const DebriefTestSweepModel *model,
                                            GRand                       *rand,
                                            const char                  *dir,
                                            double                       lr,
                                            int                          rank,
                                            int                          seed);
/* The same, written as a tinker-cookbook log folder @dir/@name (config.json,
 * metrics.jsonl); @extra_config (may be NULL) is added to config.json as is,
 * e.g. "\"wandb_name\": \"x\", ". */
void        debrief_test_sweep_write_run   (const DebriefTestSweepModel *model,
                                            GRand                       *rand,
                                            const char                  *dir,
                                            const char                  *name,
                                            double                       lr,
                                            int                          rank,
                                            int                          seed,
                                            const char                  *extra_config);
/* The same as a plain metrics.json (the seed format): train_losses,
 * val_losses with val_steps, config. The most compact of the formats, for
 * sweeps of thousands of long runs. */
void        debrief_test_sweep_write_seed_run (const DebriefTestSweepModel *model,
                                            GRand                       *rand,
                                            const char                  *dir,
                                            const char                  *name,
                                            double                       lr,
                                            int                          rank,
                                            int                          seed);
/* The name the runs get: "lr3e-3-r16-seed0". */
char       *debrief_test_sweep_run_name    (double                       lr,
                                            int                          rank,
                                            int                          seed);

G_END_DECLS
