/* test-follow.c: runs that are still being written, followed as they grow
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writers in a thread of their own write the way trainers do (JSON lines
 * flushed in two pieces, a trainer_state.json truncated and written again in
 * pieces) while a DebriefRunFollower follows the folder; every reading it
 * hands over must hold whole records only, each once, and the last one all
 * of them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "debrief-load-cache-private.h"
#include "debrief-test-core-utils.h"
#include "debrief-test-writers.h"

typedef struct
{
  DebriefTestWatch *watch;
  guint points;
  DebriefTestWriter *writer;
} UntilPoints;

static gboolean
has_points (gpointer data)
{
  UntilPoints *until = data;

  return (until->writer == NULL || debrief_test_writer_done (until->writer)) &&
         until->watch->points >= until->points;
}

static char *
make_run_folder (const char *name)
{
  g_autofree char *template = g_strdup_printf ("debrief-follow-%s-XXXXXX", name);
  char *dir = g_dir_make_tmp (template, NULL);

  g_assert_nonnull (dir);
  return dir;
}

static void
test_follow_jsonl_append (void)
{
  const guint n_lines = 4000;
  g_autofree char *dir = make_run_folder ("jsonl");
  g_autofree char *path = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRunFollower) follower = NULL;
  DebriefTestWatch watch = { 0, 0, TRUE, 0 };
  UntilPoints until = { &watch, n_lines, NULL };
  guint64 size;
  guint64 read;
  GStatBuf st;

  /* The log exists, empty, when the follower starts (a run that just began). */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  follower = debrief_run_follower_new (folder, NULL);
  g_signal_connect (follower, "updated", G_CALLBACK (debrief_test_watch_updated), &watch);
  until.writer = debrief_test_append_tinker (path, n_lines, 1000);
  debrief_run_follower_start (follower);
  debrief_test_wait_until (has_points, &until);
  debrief_test_writer_join (until.writer);

  g_assert_cmpuint (watch.points, ==, n_lines);
  debrief_test_check_tinker_prefix (debrief_run_follower_get_run (follower));
  g_assert_cmpstr (debrief_run_get_format (debrief_run_follower_get_run (follower)), ==, "tinker");
  /* Read a piece at a time: all the readings together read the file about once. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  size = st.st_size;
  read = debrief_load_cache_get_bytes_read (debrief_run_follower_get_cache (follower));
  g_test_message ("%u readings handed over, %u loads, %" G_GUINT64_FORMAT " bytes read of a %"
                  G_GUINT64_FORMAT "-byte log", watch.n_updates, debrief_run_follower_get_n_loads (follower),
                  read, size);
  g_assert_cmpuint (watch.n_updates, >=, 2);
  g_assert_cmpuint (read, <, size + size / 2);

  /* Quiet: nothing is read while nothing is written. */
  {
    guint loads = debrief_run_follower_get_n_loads (follower);
    guint64 before = debrief_load_cache_get_bytes_read (debrief_run_follower_get_cache (follower));
    debrief_test_iterate_for (1500);
    g_assert_cmpuint (debrief_run_follower_get_n_loads (follower), ==, loads);
    g_assert_cmpuint (debrief_load_cache_get_bytes_read (debrief_run_follower_get_cache (follower)), ==, before);
  }

  debrief_run_follower_stop (follower);
  debrief_test_remove_tree (dir);
}

/* ---- TensorBoard records appended, half records included ---- */

static void
test_follow_tensorboard_append (void)
{
  const guint n_events = 2000;
  g_autofree char *dir = make_run_folder ("tb");
  g_autofree char *logs = g_build_filename (dir, "runs", "Dec04_host", NULL);
  g_autofree char *path = g_build_filename (logs, "events.out.tfevents.1733300000.host.1.0", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRunFollower) follower = NULL;
  DebriefTestWatch watch = { 0, 0, FALSE, 0, TRUE };
  UntilPoints until = { &watch, n_events, NULL };
  GStatBuf st;
  guint64 read;

  g_assert_cmpint (g_mkdir_with_parents (logs, 0755), ==, 0);
  until.writer = debrief_test_append_events (path, n_events, 1000);
  /* The first records first: the folder is a TensorBoard run when it is first read. */
  while (g_stat (path, &st) != 0 || st.st_size < 200)
    g_usleep (1000);
  follower = debrief_run_follower_new (folder, NULL);
  g_signal_connect (follower, "updated", G_CALLBACK (debrief_test_watch_updated), &watch);
  debrief_run_follower_start (follower);
  debrief_test_wait_until (has_points, &until);
  debrief_test_writer_join (until.writer);

  g_assert_cmpuint (watch.points, ==, n_events);
  g_assert_cmpstr (debrief_run_get_format (debrief_run_follower_get_run (follower)), ==, "tensorboard");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  read = debrief_load_cache_get_bytes_read (debrief_run_follower_get_cache (follower));
  g_test_message ("%u readings, %" G_GUINT64_FORMAT " bytes read of %" G_GOFFSET_FORMAT,
                  watch.n_updates, read, (goffset) st.st_size);
  g_assert_cmpuint (read, <, (guint64) st.st_size + st.st_size / 2);
  /* No warning about a record cut in half: those were read once whole. */
  for (const char *const *w = debrief_run_get_warnings (debrief_run_follower_get_run (follower)); *w; w++)
    g_assert_null (strstr (*w, "incomplete"));

  debrief_run_follower_stop (follower);
  debrief_test_remove_tree (dir);
}

/* ---- a file truncated, then replaced ---- */

typedef struct
{
  DebriefTestWatch *watch;
  gsize points;
  gint64 first_step;
} UntilSeries;

static gboolean
has_series (gpointer data)
{
  UntilSeries *until = data;
  return until->watch->points == until->points;
}

static void
reset_watch_cb (DebriefRunFollower *follower,
                DebriefRun         *run,
                gpointer            user_data)
{
  DebriefTestWatch *watch = user_data;
  DebriefSeries *train = debrief_run_get_train_loss (run);

  watch->n_updates++;
  watch->points = train ? debrief_series_get_length (train) : 0;
}

static void
test_follow_truncated_and_replaced (void)
{
  g_autofree char *dir = make_run_folder ("replaced");
  g_autofree char *path = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autofree char *other = g_build_filename (dir, "metrics.jsonl.new", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRunFollower) follower = NULL;
  DebriefTestWatch watch = { 0 };
  UntilSeries until = { &watch, 100, 0 };
  DebriefSeries *train;

  debrief_test_write_tinker_lines (path, 0, 100, TRUE);
  follower = debrief_run_follower_new (folder, NULL);
  g_signal_connect (follower, "updated", G_CALLBACK (reset_watch_cb), &watch);
  debrief_run_follower_start (follower);
  debrief_test_wait_until (has_series, &until);

  /* Truncated and written again (a new run in the same folder), longer than before. */
  debrief_test_write_tinker_lines (path, 500, 150, TRUE);
  until.points = 150;
  debrief_test_wait_until (has_series, &until);
  train = debrief_run_get_train_loss (debrief_run_follower_get_run (follower));
  g_assert_cmpint (debrief_series_get_first_step (train), ==, 500);
  g_assert_cmpint (debrief_series_get_last_step (train), ==, 649);

  /* Replaced by another file (written aside, renamed over it). */
  debrief_test_write_tinker_lines (other, 900, 30, TRUE);
  g_assert_cmpint (g_rename (other, path), ==, 0);
  until.points = 30;
  debrief_test_wait_until (has_series, &until);
  train = debrief_run_get_train_loss (debrief_run_follower_get_run (follower));
  g_assert_cmpint (debrief_series_get_first_step (train), ==, 900);
  for (gsize i = 0; i < 30; i++)
    g_assert_cmpfloat (debrief_series_get_value (train, i), ==, debrief_test_expected_loss (900 + i));

  debrief_run_follower_stop (follower);
  debrief_test_remove_tree (dir);
}

static void
test_follow_trainer_state_rewritten (void)
{
  const guint n_versions = 80, per_version = 3;
  g_autofree char *dir = make_run_folder ("hf");
  g_autofree char *path = g_build_filename (dir, "trainer_state.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRunFollower) follower = NULL;
  DebriefTestWatch watch = { 0, 0, FALSE, per_version };
  UntilPoints until = { &watch, n_versions * per_version, NULL };
  g_autofree char *first = debrief_test_trainer_state (per_version, 10000);
  DebriefRunProgress *progress;

  g_assert_true (g_file_set_contents (path, first, -1, NULL));
  follower = debrief_run_follower_new (folder, NULL);
  g_signal_connect (follower, "updated", G_CALLBACK (debrief_test_watch_updated), &watch);
  debrief_run_follower_start (follower);
  until.writer = debrief_test_rewrite_trainer_state (path, n_versions, per_version);
  debrief_test_wait_until (has_points, &until);
  debrief_test_writer_join (until.writer);

  g_assert_cmpuint (watch.points, ==, until.points);
  g_test_message ("%u readings handed over, %u loads", watch.n_updates, debrief_run_follower_get_n_loads (follower));
  g_assert_cmpuint (watch.n_updates, >=, 3);
  progress = debrief_run_get_progress (debrief_run_follower_get_run (follower));
  g_assert_cmpint (progress->step, ==, (gint64) until.points * 10);
  g_assert_cmpint (progress->total_steps, >, progress->step);
  /* Written a moment ago, far from its end: training. */
  g_assert_cmpint (debrief_run_follower_get_state (follower), ==, DEBRIEF_LIVE_TRAINING);

  debrief_run_follower_stop (follower);
  debrief_test_remove_tree (dir);
}

/* ---- live or finished, and how long is left ---- */

static gboolean
state_is (gpointer data)
{
  gpointer *pair = data;
  return (int) debrief_run_follower_get_state (pair[0]) == GPOINTER_TO_INT (pair[1]) &&
         debrief_run_follower_get_run (pair[0]) != NULL;
}

static void
test_follow_llamafactory_progress (void)
{
  g_autofree char *dir = make_run_folder ("lf");
  g_autofree char *path = g_build_filename (dir, "trainer_log.jsonl", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRunFollower) follower = NULL;
  gpointer pair[2];
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  for (guint i = 1; i <= 20; i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"current_steps\": %u, \"total_steps\": 200, \"loss\": %.4f, "
                                               "\"lr\": 0.0001, \"epoch\": %.2f, \"percentage\": %.2f, "
                                               "\"elapsed_time\": \"0:%02u:00\", \"remaining_time\": \"1:0%u:00\"}\n",
                                               i * 5, 2.0 - i * 0.01, i * 0.05, i * 2.5, i, i % 10);
      debrief_test_write_all (fd, line, strlen (line));
    }
  close (fd);
  follower = debrief_run_follower_new (folder, NULL);
  debrief_run_follower_start (follower);
  pair[0] = follower;
  pair[1] = GINT_TO_POINTER (DEBRIEF_LIVE_TRAINING);
  debrief_test_wait_until (state_is, pair);
  /* The trainer's own estimate: "remaining_time": "1:00:00" on its last line. */
  g_assert_cmpfloat (debrief_run_follower_get_eta (follower), ==, 3600.0);
  g_assert_cmpint (debrief_run_get_progress (debrief_run_follower_get_run (follower))->step, ==, 100);
  g_assert_cmpint (debrief_run_get_progress (debrief_run_follower_get_run (follower))->total_steps, ==, 200);

  /* The last line says 100 %: finished. */
  g_assert_null (debrief_run_get_progress (debrief_run_follower_get_run (follower))->finished_by);
  {
    static const char last[] = "{\"current_steps\": 200, \"total_steps\": 200, \"percentage\": 100.0, "
                               "\"elapsed_time\": \"0:41:00\", \"remaining_time\": \"0:00:00\"}\n";
    fd = g_open (path, O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
    debrief_test_write_all (fd, last, strlen (last));
    close (fd);
  }
  pair[1] = GINT_TO_POINTER (DEBRIEF_LIVE_FINISHED);
  debrief_test_wait_until (state_is, pair);
  g_assert_nonnull (debrief_run_get_progress (debrief_run_follower_get_run (follower))->finished_by);

  debrief_run_follower_stop (follower);
  debrief_test_remove_tree (dir);
}

/* ---- the plot keeps the user's zoom as the run grows ---- */

static DebriefRun *
run_with_steps (GFile *folder,
                guint  n)
{
  DebriefRun *run = debrief_run_new (folder);
  g_autoptr(DebriefSeries) train = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);

  for (guint i = 0; i < n; i++)
    debrief_series_append (train, i, debrief_test_expected_loss (i));
  debrief_series_finish (train, NULL);
  debrief_run_add_series (run, train);
  return run;
}

static GPtrArray *
plot_data_of (DebriefRun *run)
{
  GPtrArray *data = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_plot_data_unref);

  g_ptr_array_add (data, debrief_plot_data_new (run, DEBRIEF_PLOT_SMOOTH_EMA, 0.6));
  return data;
}

static void
test_plot_keeps_zoom (void)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent/run");
  g_autoptr(GFile) other = g_file_new_for_path ("/nonexistent/other");
  g_autoptr(DebriefPlotRenderer) renderer = debrief_plot_renderer_new ();
  g_autoptr(DebriefRun) first = run_with_steps (folder, 1001);
  g_autoptr(DebriefRun) grown = run_with_steps (folder, 2001);
  g_autoptr(DebriefRun) more = run_with_steps (folder, 2101);
  g_autoptr(DebriefRun) another = run_with_steps (other, 2101);
  g_autoptr(GPtrArray) d1 = plot_data_of (first);
  g_autoptr(GPtrArray) d2 = plot_data_of (grown);
  g_autoptr(GPtrArray) d3 = plot_data_of (more);
  g_autoptr(GPtrArray) d4 = plot_data_of (another);
  double x0, x1;

  /* Zoomed on the last 200 steps: a newer reading of the same run follows the end. */
  debrief_plot_renderer_set_data (renderer, d1);
  debrief_plot_renderer_set_view_x (renderer, 800, 1000);
  debrief_plot_renderer_set_data (renderer, d2);
  g_assert_true (debrief_plot_renderer_is_zoomed (renderer));
  debrief_plot_renderer_get_view (renderer, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat_with_epsilon (x0, 1800, 1e-6);
  g_assert_cmpfloat_with_epsilon (x1, 2000, 1e-6);

  /* Zoomed on the middle: the view stays where the user put it. */
  debrief_plot_renderer_set_view_x (renderer, 300, 400);
  debrief_plot_renderer_set_data (renderer, d3);
  debrief_plot_renderer_get_view (renderer, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat_with_epsilon (x0, 300, 1e-6);
  g_assert_cmpfloat_with_epsilon (x1, 400, 1e-6);

  /* Another run: the view starts over. */
  debrief_plot_renderer_set_data (renderer, d4);
  g_assert_false (debrief_plot_renderer_is_zoomed (renderer));
}

static void
test_progress_rules (void)
{
  DebriefRunProgress p;
  gint64 now = g_get_real_time ();

  g_assert_cmpfloat (debrief_parse_clock_time ("1:02:03"), ==, 3723);
  g_assert_cmpfloat (debrief_parse_clock_time ("0:00:00"), ==, 0);
  g_assert_cmpfloat (debrief_parse_clock_time ("2 days, 1:00:00"), ==, 2 * 86400 + 3600);
  g_assert_true (isnan (debrief_parse_clock_time ("soon")));
  g_assert_true (isnan (debrief_parse_clock_time (NULL)));

  debrief_run_progress_init (&p);
  /* Nothing known of its files: not live. */
  g_assert_cmpint (debrief_run_progress_live_state (&p, now, NAN), ==, DEBRIEF_LIVE_FINISHED);
  p.last_write_usec = now - 30 * G_USEC_PER_SEC;
  g_assert_cmpint (debrief_run_progress_live_state (&p, now, NAN), ==, DEBRIEF_LIVE_TRAINING);
  /* Written every 2 s while watched, quiet for 5 minutes: stalled; for an hour: over. */
  p.last_write_usec = now - 300 * G_USEC_PER_SEC;
  g_assert_cmpint (debrief_run_progress_live_state (&p, now, 2.0), ==, DEBRIEF_LIVE_STALLED);
  p.last_write_usec = now - (gint64) 3600 * G_USEC_PER_SEC;
  g_assert_cmpint (debrief_run_progress_live_state (&p, now, 2.0), ==, DEBRIEF_LIVE_FINISHED);
  /* At its last step: finished however recent. */
  p.last_write_usec = now;
  p.step = 500;
  p.total_steps = 500;
  g_assert_cmpint (debrief_run_progress_live_state (&p, now, NAN), ==, DEBRIEF_LIVE_FINISHED);
  g_assert_cmpfloat (debrief_run_progress_eta (&p, 1.0), ==, 0);
  /* The ETA: the trainer's progress and clock, else the pace seen. */
  p.total_steps = 1000;
  p.fraction = 0.25;
  p.elapsed_seconds = 100;
  g_assert_cmpfloat (debrief_run_progress_eta (&p, NAN), ==, 300);
  p.fraction = NAN;
  p.elapsed_seconds = NAN;
  g_assert_cmpfloat (debrief_run_progress_eta (&p, 0.5), ==, 250);
  g_assert_true (isnan (debrief_run_progress_eta (&p, NAN)));
  debrief_run_progress_clear (&p);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/follow/progress-rules", test_progress_rules);
  g_test_add_func ("/follow/plot-keeps-zoom", test_plot_keeps_zoom);
  g_test_add_func ("/follow/jsonl-append", test_follow_jsonl_append);
  g_test_add_func ("/follow/tensorboard-append", test_follow_tensorboard_append);
  g_test_add_func ("/follow/truncated-and-replaced", test_follow_truncated_and_replaced);
  g_test_add_func ("/follow/trainer-state-rewritten", test_follow_trainer_state_rewritten);
  g_test_add_func ("/follow/llamafactory-progress", test_follow_llamafactory_progress);
  return g_test_run ();
}
