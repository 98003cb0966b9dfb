/* make-sweep.c: writes a generated sweep (learning rates × ranks × seeds) as run folders
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   build/tests/bench/make-sweep DIR [--lrs 5] [--ranks 2] [--seeds 2] [--steps 200]
 *                                    [--diverge LR] [--format tinker|seed] [--seed N]
 *
 * For the sweep benchmark and for looking at the window with many runs. The
 * response surface is tests/core/debrief-test-sweep.c's: best rate 3e-3.
 */
#include <stdlib.h>

#include "debrief-test-sweep.h"

int
main (int   argc,
      char *argv[])
{
  gint n_lrs = 5, n_ranks = 2, n_seeds = 2, steps = 200, seed = 1;
  double diverge = 0;
  g_autofree char *format = NULL;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "lrs", 0, 0, G_OPTION_ARG_INT, &n_lrs, "Learning rates (1-3-10 steps from 3e-4)", "N" },
    { "ranks", 0, 0, G_OPTION_ARG_INT, &n_ranks, "Ranks (4, 16, 64 …)", "N" },
    { "seeds", 0, 0, G_OPTION_ARG_INT, &n_seeds, "Seeds per setting", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per run", "N" },
    { "diverge", 0, 0, G_OPTION_ARG_DOUBLE, &diverge, "Runs at this rate or above diverge", "LR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "tinker (default) or seed", "FORMAT" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed of the noise", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  DebriefTestSweepModel model;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rest == NULL || rest[0] == NULL ||
      n_lrs < 1 || n_ranks < 1 || n_seeds < 1 || steps < 2)
    {
      g_printerr ("make-sweep: %s\n", error ? error->message : "give DIR and positive counts");
      return 2;
    }
  rand = g_rand_new_with_seed ((guint32) seed);
  debrief_test_sweep_model_init (&model);
  model.steps = (guint) steps;
  model.eval_every = MAX (1, (guint) steps / 10);
  model.diverge_lr = diverge;
  for (int l = 0; l < n_lrs; l++)
    for (int r = 0; r < n_ranks; r++)
      for (int s = 0; s < n_seeds; s++)
        {
          /* 3e-4, 1e-3, 3e-3, 1e-2 …: the 1-3-10 steps people sweep. */
          double lr = 3e-4 * pow (10, floor ((l + 1) / 2.0)) / ((l % 2) ? 3.0 : 1.0);
          int rank = 4 << (2 * r);
          g_autofree char *name = debrief_test_sweep_run_name (lr, rank, s);

          if (g_strcmp0 (format, "seed") == 0)
            debrief_test_sweep_write_seed_run (&model, rand, rest[0], name, lr, rank, s);
          else
            debrief_test_sweep_write_run (&model, rand, rest[0], name, lr, rank, s, NULL);
        }
  return 0;
}
