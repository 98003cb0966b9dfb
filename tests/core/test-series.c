/* test-series.c: DebriefSeries and DebriefRun model tests
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "debrief-core.h"

static void
test_series_sorted (void)
{
  g_autoptr(DebriefSeries) s = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);
  gboolean backwards = TRUE;

  for (int i = 0; i < 10; i++)
    debrief_series_append (s, i, 10.0 - i);
  g_assert_cmpuint (debrief_series_finish (s, &backwards), ==, 0);
  g_assert_false (backwards);
  g_assert_cmpuint (debrief_series_get_length (s), ==, 10);
  g_assert_cmpfloat (debrief_series_get_min (s), ==, 1.0);
  g_assert_cmpfloat (debrief_series_get_max (s), ==, 10.0);
  g_assert_cmpuint (debrief_series_get_min_index (s), ==, 9);
  g_assert_cmpint (debrief_series_get_last_step (s), ==, 9);
  g_assert_cmpuint (debrief_series_lower_bound (s, 5), ==, 5);
  g_assert_cmpuint (debrief_series_lower_bound (s, 100), ==, 10);
}

static void
test_series_repeated_steps_keep_last (void)
{
  g_autoptr(DebriefSeries) s = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);
  gboolean backwards = FALSE;

  /* A resumed run: steps 0..4, then 3..5 again with new values. */
  for (int i = 0; i < 5; i++)
    debrief_series_append (s, i, 1.0);
  for (int i = 3; i < 6; i++)
    debrief_series_append (s, i, 2.0);
  g_assert_cmpuint (debrief_series_finish (s, &backwards), ==, 2);
  g_assert_true (backwards);
  g_assert_cmpuint (debrief_series_get_length (s), ==, 6);
  g_assert_cmpfloat (debrief_series_get_value (s, 2), ==, 1.0);
  g_assert_cmpfloat (debrief_series_get_value (s, 3), ==, 2.0);
  g_assert_cmpfloat (debrief_series_get_value (s, 5), ==, 2.0);
}

static void
test_series_nonfinite_is_data (void)
{
  g_autoptr(DebriefSeries) s = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);

  debrief_series_append (s, 0, 2.0);
  debrief_series_append (s, 1, NAN);
  debrief_series_append (s, 2, INFINITY);
  debrief_series_append (s, 3, 1.5);
  debrief_series_finish (s, NULL);
  g_assert_cmpuint (debrief_series_get_length (s), ==, 4);
  g_assert_cmpuint (debrief_series_get_n_nonfinite (s), ==, 2);
  g_assert_cmpfloat (debrief_series_get_min (s), ==, 1.5);
  g_assert_cmpfloat (debrief_series_get_max (s), ==, 2.0);
}

static void
test_run_model (void)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/tmp/some-run");
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) s = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);
  DebriefCheckpoint a = { .name = (char *) "checkpoint-10", .step = 10, .val_loss = 2.0 };
  DebriefCheckpoint b = { .name = (char *) "checkpoint-20", .step = 20, .val_loss = 1.5 };
  DebriefCheckpoint c = { .name = (char *) "final", .step = 30, .val_loss = NAN, .is_final = TRUE };

  g_assert_cmpstr (debrief_run_get_name (run), ==, "some-run");
  debrief_series_append (s, 0, 1.0);
  debrief_series_finish (s, NULL);
  debrief_run_add_series (run, s);
  g_assert_true (debrief_run_get_val_loss (run) == s);
  g_assert_null (debrief_run_get_train_loss (run));

  debrief_run_add_warning (run, "%s:%d: %s", "metrics.jsonl", 3, "skipped");
  g_assert_cmpstr (debrief_run_get_warnings (run)[0], ==, "metrics.jsonl:3: skipped");
  g_assert_null (debrief_run_get_warnings (run)[1]);

  debrief_run_add_checkpoint (run, &a);
  debrief_run_add_checkpoint (run, &b);
  debrief_run_add_checkpoint (run, &c);
  g_assert_cmpstr (debrief_run_get_best_checkpoint (run)->name, ==, "checkpoint-20");
  g_assert_true (isnan (debrief_run_get_config (run)->learning_rate));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/series/sorted", test_series_sorted);
  g_test_add_func ("/series/repeated-steps-keep-last", test_series_repeated_steps_keep_last);
  g_test_add_func ("/series/nonfinite-is-data", test_series_nonfinite_is_data);
  g_test_add_func ("/run/model", test_run_model);

  return g_test_run ();
}
