/* test-cli-plot.c: `debrief-cli plot` exit codes and output files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "debrief-cli-commands.h"
#include "debrief-test-core-utils.h"

static int
run_cli (const char *const *args,
         char              **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DEBRIEF_CLI"));
  g_ptr_array_add (argv, (gpointer) "plot");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, out_stderr, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char *
run_dir (const char *name)
{
  return g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "runs", name, NULL);
}

static void
test_usage_errors (void)
{
  g_autofree char *overfit = run_dir ("overfit");
  const char *no_output[] = { overfit, NULL };
  const char *no_dir[] = { "--output", "x.png", NULL };
  const char *bad_ext[] = { "--output", "x.gif", overfit, NULL };
  const char *bad_size[] = { "--output", "x.png", "--width", "3", overfit, NULL };
  const char *bad_smoothing[] = { "--output", "x.png", "--smoothing", "1.5", overfit, NULL };
  const char *bad_method[] = { "--output", "x.png", "--smoothing-method", "mean", overfit, NULL };
  const char *bad_option[] = { "--frobnicate", NULL };
  const char *bad_axis[] = { "--output", "x.png", "--x-axis", "hours", overfit, NULL };

  g_assert_cmpint (run_cli (no_output, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (no_dir, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (bad_ext, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (bad_size, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (bad_smoothing, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (bad_method, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (bad_option, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
  g_assert_cmpint (run_cli (bad_axis, NULL), ==, DEBRIEF_CLI_EXIT_USAGE);
}

static void
test_missing_run (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-plot-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "plot.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-run", NULL);
  g_autofree char *overfit = run_dir ("overfit");
  g_autofree char *err = NULL;
  const char *args[] = { "--output", out, overfit, missing, NULL };

  g_assert_cmpint (run_cli (args, &err), ==, DEBRIEF_CLI_EXIT_FAILED);
  g_assert_nonnull (strstr (err, "no-such-run"));
  /* Nothing half-drawn is left behind. */
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static void
test_writes_each_format (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-plot-XXXXXX", NULL);
  g_autofree char *overfit = run_dir ("overfit");
  g_autofree char *healthy = run_dir ("healthy");
  const char *names[] = { "plot.png", "plot.svg", "plot.pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF-" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *out = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;
      const char *args[] = { "--output", out, "--width", "800", "--height", "450", "--smoothing", "0.8",
                             "--smoothing-method", i == 1 ? "median" : "ema", "--x-axis", "epochs",
                             "--log-y", overfit, healthy, NULL };

      g_assert_cmpint (run_cli (args, NULL), ==, DEBRIEF_CLI_EXIT_OK);
      g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
      g_assert_cmpuint (len, >, 1000);
      g_assert_true (g_str_has_prefix (contents, magic[i]));
      g_unlink (out);
    }
  g_rmdir (dir);
}

/* --series draws logged series other than the losses; an RL run without a loss draws its reward. */
static void
test_series (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-plot-XXXXXX", NULL);
  g_autofree char *dpo = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "public",
                                           "dpo-trl-llama2-7b-guanaco-1000steps-nan-eval", NULL);
  g_autofree char *rl = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "public",
                                          "rl-tinker-llama3.2-1b-arithmetic", NULL);
  g_autofree char *losses = g_build_filename (dir, "losses.png", NULL);
  g_autofree char *margins = g_build_filename (dir, "margins.png", NULL);
  g_autofree char *reward = g_build_filename (dir, "reward.png", NULL);
  g_autofree char *none = g_build_filename (dir, "none.png", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err_none = NULL;
  const char *args_losses[] = { "--output", losses, "--width", "640", "--height", "360", dpo, NULL };
  const char *args_margins[] = { "--output", margins, "--width", "640", "--height", "360",
                                 "--series", "rewards/margins", "--series", "rewards/accuracies", dpo, NULL };
  const char *args_reward[] = { "--output", reward, "--width", "640", "--height", "360", rl, NULL };
  const char *args_none[] = { "--output", none, "--series", "no/such/key", dpo, NULL };

  g_assert_cmpint (run_cli (args_losses, NULL), ==, DEBRIEF_CLI_EXIT_OK);
  g_assert_cmpint (run_cli (args_margins, NULL), ==, DEBRIEF_CLI_EXIT_OK);
  g_assert_false (debrief_test_png_equal (losses, margins));
  g_assert_cmpint (run_cli (args_reward, &err), ==, DEBRIEF_CLI_EXIT_OK);
  g_assert_nonnull (strstr (err, "env/all/reward/total"));
  g_assert_true (g_file_test (reward, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run_cli (args_none, &err_none), ==, DEBRIEF_CLI_EXIT_FAILED);
  g_assert_nonnull (strstr (err_none, "no/such/key"));
  g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  g_unlink (losses);
  g_unlink (margins);
  g_unlink (reward);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DEBRIEF_CLI") == NULL || g_getenv ("DEBRIEF_TEST_DATA") == NULL)
    {
      g_print ("1..0 # SKIP DEBRIEF_CLI and DEBRIEF_TEST_DATA must be set (run through meson test)\n");
      return 0;
    }
  g_test_add_func ("/cli/plot/usage", test_usage_errors);
  g_test_add_func ("/cli/plot/missing-run", test_missing_run);
  g_test_add_func ("/cli/plot/formats", test_writes_each_format);
  g_test_add_func ("/cli/plot/series", test_series);
  return g_test_run ();
}
