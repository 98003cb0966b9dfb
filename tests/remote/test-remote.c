/* test-remote.c: run folders on another machine, through a real sshd and GVfs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sys/resource.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-test-sshd.h"
#include "debrief-test-writers.h"

static DebriefTestSshd *server;

static char *
make_run (const char *name,
          guint       n_lines)
{
  g_autofree char *run = g_build_filename (debrief_test_sshd_get_dir (server), name, NULL);
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  g_mkdir_with_parents (run, 0755);
  for (guint i = 1; i <= n_lines; i++)
    g_string_append_printf (text, "{\"step\": %u, \"train_mean_nll\": %.4f}\n", i, 3.0 / (1.0 + i));
  g_assert_true (g_file_set_contents (metrics, text->str, text->len, NULL));
  return g_steal_pointer (&run);
}

static void
append_text (const char *path,
             const char *text)
{
  FILE *f = fopen (path, "a");

  g_assert_nonnull (f);
  fputs (text, f);
  fclose (f);
}

/* The GIO operations a remote run depends on: list, stat, read, read what was appended. */
static void
test_sftp_file_access (void)
{
  g_autofree char *run = make_run ("access", 3);
  g_autofree char *local_metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autoptr(GFile) folder = g_file_new_for_uri (uri);
  g_autoptr(GFile) metrics = g_file_get_child (folder, "metrics.jsonl");
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  goffset size;
  char buf[256];
  gssize n;
  GFileInfo *child;
  gboolean seen = FALSE;

  g_assert_null (g_file_get_path (folder));  /* no FUSE: the readers must use GIO */
  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  while ((child = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      seen |= strcmp (g_file_info_get_name (child), "metrics.jsonl") == 0;
      g_object_unref (child);
    }
  g_assert_no_error (error);
  g_assert_true (seen);

  g_assert_true (g_file_load_contents (metrics, NULL, &contents, &length, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "\"step\": 3"));

  info = g_file_query_info (metrics, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  size = g_file_info_get_size (info);
  g_assert_cmpint (size, ==, (goffset) length);

  /* Appended on the server: the new bytes are read from where the last read ended. */
  append_text (local_metrics, "{\"step\": 4, \"train_mean_nll\": 0.5}\n");
  in = g_file_read (metrics, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_seekable_seek (G_SEEKABLE (in), size, G_SEEK_SET, NULL, &error));
  g_assert_no_error (error);
  n = g_input_stream_read (G_INPUT_STREAM (in), buf, sizeof buf - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  buf[n] = '\0';
  g_assert_cmpstr (buf, ==, "{\"step\": 4, \"train_mean_nll\": 0.5}\n");
}

/* The connection dropping under an open stream is an error, then a new mount works. */
static void
test_sftp_connection_loss (void)
{
  g_autofree char *run = make_run ("loss", 50000);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autoptr(GFile) metrics = NULL;
  g_autoptr(GFile) folder = g_file_new_for_uri (uri);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  char buf[4096];
  goffset total = sizeof buf;
  gssize n;

  metrics = g_file_get_child (folder, "metrics.jsonl");
  in = g_file_read (metrics, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (G_INPUT_STREAM (in), buf, sizeof buf, NULL, &error), ==, sizeof buf);

  debrief_test_sshd_drop_connections (server);
  /* Reads fail (the backend went away with its ssh) rather than hang or crash. */
  /* What was read ahead may still come; then an error, never a silent short file. */
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, sizeof buf, NULL, &error)) > 0)
    total += n;
  if (error == NULL)
    {
      g_autoptr(GFileInfo) info = g_file_query_info (metrics, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
      g_test_message ("the whole file had been read ahead (%" G_GOFFSET_FORMAT " bytes)", total);
      g_assert_true (info == NULL || g_file_info_get_size (info) == total);
    }
  else
    g_test_message ("read after the connection dropped: %s", error->message);
  g_clear_error (&error);
  g_clear_object (&in);

  /* A new read of the dropped mount fails with an error. */
  in = g_file_read (metrics, NULL, &error);
  g_assert_null (in);
  g_assert_nonnull (error);
  g_test_message ("open after the connection dropped: %s", error->message);
  g_clear_error (&error);

  /* Loading the run again is the retry: the loader mounts the folder again first. */
  {
    g_autoptr(DebriefRun) loaded = debrief_run_load (folder, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (loaded)), ==, 50000);
  }
  g_assert_true (g_file_load_contents (metrics, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
}

typedef struct
{
  gboolean done;
  DebriefRun *run;
  GError *error;
} LoadWait;

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadWait *wait = user_data;

  wait->run = debrief_run_load_finish (result, &wait->error);
  wait->done = TRUE;
}

static gboolean
drop_connections (gpointer user_data)
{
  debrief_test_sshd_drop_connections (server);
  return G_SOURCE_REMOVE;
}

/* The connection drops while a big log is being read in the loader's thread (as in
 * the app): the load ends with an error naming the folder, or had read it whole;
 * loading again (the app's Retry) mounts it again and reads it whole. */
static void
test_sftp_connection_loss_mid_read (void)
{
  const guint n_lines = 400000;
  g_autofree char *run = make_run ("mid-read", n_lines);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autoptr(GFile) folder = g_file_new_for_uri (uri);
  g_autofree char *display = g_file_get_parse_name (folder);
  LoadWait wait = { FALSE, NULL, NULL };
  LoadWait again = { FALSE, NULL, NULL };

  debrief_test_sshd_allow_gvfs_reconnect ();
  debrief_run_load_async (folder, NULL, NULL, NULL, NULL, load_done, &wait);
  g_timeout_add (30, drop_connections, NULL);
  /* At worst the mount's own limit (a minute) ends it. */
  g_assert_true (debrief_test_wait_for (&wait.done, 150000));
  if (wait.run != NULL)
    {
      g_test_message ("the log was read before the connection dropped");
      g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (wait.run)), ==, n_lines);
    }
  else
    {
      g_test_message ("%s", wait.error->message);
      g_assert_error (wait.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK);
      g_assert_true (g_str_has_prefix (wait.error->message, display));
    }
  g_clear_object (&wait.run);
  g_clear_error (&wait.error);

  debrief_run_load_async (folder, NULL, NULL, NULL, NULL, load_done, &again);
  g_assert_true (debrief_test_wait_for (&again.done, 150000));
  g_assert_no_error (again.error);
  g_assert_cmpuint (debrief_series_get_length (debrief_run_get_train_loss (again.run)), ==, n_lines);
  g_clear_object (&again.run);
}

static void
wait_for_points (DebriefTestWatch  *watch,
                 DebriefTestWriter *writer,
                 gsize              points)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!(debrief_test_writer_done (writer) && watch->points >= points))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* A tinker log appended at 1,000 lines a second, half lines included, followed
 * through sftp:// (polled: GVfs has no file monitor for sftp). */
static void
test_sftp_follow_append (void)
{
  const guint n_lines = 3000;
  g_autofree char *run = g_build_filename (debrief_test_sshd_get_dir (server), "follow-append", NULL);
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autoptr(GFile) folder = g_file_new_for_uri (uri);
  g_autoptr(DebriefRunFollower) follower = debrief_run_follower_new (folder, NULL);
  DebriefTestWatch watch = { 0, 0, TRUE, 0 };
  DebriefTestWriter *writer;

  g_mkdir_with_parents (run, 0755);
  g_assert_true (g_file_set_contents (metrics, "", 0, NULL));
  debrief_run_follower_set_poll_interval (follower, 300);
  g_signal_connect (follower, "updated", G_CALLBACK (debrief_test_watch_updated), &watch);
  writer = debrief_test_append_tinker (metrics, n_lines, 1000);
  debrief_run_follower_start (follower);
  wait_for_points (&watch, writer, n_lines);
  debrief_test_writer_join (writer);
  g_test_message ("%u readings handed over through sftp", watch.n_updates);
  g_assert_cmpuint (watch.points, ==, n_lines);
  g_assert_cmpuint (watch.n_updates, >=, 2);
  g_assert_cmpint (debrief_run_follower_get_state (follower), ==, DEBRIEF_LIVE_TRAINING);
  debrief_run_follower_stop (follower);
}

/* trainer_state.json rewritten in place every 50 ms, followed through sftp://:
 * never half a file. */
static void
test_sftp_follow_rewritten (void)
{
  const guint n_versions = 60, per_version = 2;
  g_autofree char *run = g_build_filename (debrief_test_sshd_get_dir (server), "follow-rewritten", NULL);
  g_autofree char *state = g_build_filename (run, "trainer_state.json", NULL);
  g_autofree char *first = debrief_test_trainer_state (per_version, 10000);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autoptr(GFile) folder = g_file_new_for_uri (uri);
  g_autoptr(DebriefRunFollower) follower = debrief_run_follower_new (folder, NULL);
  DebriefTestWatch watch = { 0, 0, FALSE, per_version };
  DebriefTestWriter *writer;

  g_mkdir_with_parents (run, 0755);
  g_assert_true (g_file_set_contents (state, first, -1, NULL));
  debrief_run_follower_set_poll_interval (follower, 300);
  g_signal_connect (follower, "updated", G_CALLBACK (debrief_test_watch_updated), &watch);
  debrief_run_follower_start (follower);
  writer = debrief_test_rewrite_trainer_state (state, n_versions, per_version);
  wait_for_points (&watch, writer, n_versions * per_version);
  debrief_test_writer_join (writer);
  g_test_message ("%u readings handed over through sftp", watch.n_updates);
  g_assert_cmpuint (watch.points, ==, n_versions * per_version);
  debrief_run_follower_stop (follower);
}

/* debrief-cli on a folder of another machine: reads it, writes analysis.md into it. */
static void
test_sftp_cli_analyze (void)
{
  g_autofree char *run = make_run ("cli", 500);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autofree char *report = g_build_filename (run, "analysis.md", NULL);
  const char *cli = g_getenv ("DEBRIEF_CLI");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (cli == NULL)
    {
      g_test_skip ("DEBRIEF_CLI is not set (run through meson test)");
      return;
    }
  /* It inherits the private bus: the same GVfs, the same mount. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              cli, "analyze", "--json", uri, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "\"train_loss\" : {"));
  g_assert_nonnull (strstr (out, "\"points\" : 500"));
  g_assert_true (g_file_test (report, G_FILE_TEST_IS_REGULAR));
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* A followed remote run that nobody writes: a poll of a few stat calls, nothing read. */
static void
test_sftp_follow_idle (void)
{
  g_autofree char *run = make_run ("follow-idle", 20000);
  g_autofree char *uri = debrief_test_sshd_uri (server, run);
  g_autoptr(GFile) folder = g_file_new_for_uri (uri);
  g_autoptr(DebriefRunFollower) follower = debrief_run_follower_new (folder, NULL);
  DebriefTestWatch watch = { 0 };
  guint loads;
  guint64 bytes;
  double cpu;
  gint64 start;

  g_signal_connect (follower, "updated", G_CALLBACK (debrief_test_watch_updated), &watch);
  debrief_run_follower_start (follower);
  while (watch.n_updates == 0 || !debrief_run_follower_get_settled (follower))
    g_main_context_iteration (NULL, TRUE);
  loads = debrief_run_follower_get_n_loads (follower);
  bytes = debrief_load_cache_get_bytes_read (debrief_run_follower_get_cache (follower));
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  /* Five polls at the default 2 s. */
  while (g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (20000);
  cpu = cpu_seconds () - cpu;
  g_test_message ("idle follow through sftp: %.3f s of CPU in 10 s (%.2f %%), %u loads before, %u after",
                  cpu, cpu * 10, loads, debrief_run_follower_get_n_loads (follower));
  g_assert_cmpuint (debrief_run_follower_get_n_loads (follower), ==, loads);
  g_assert_cmpuint (debrief_load_cache_get_bytes_read (debrief_run_follower_get_cache (follower)), ==, bytes);
  debrief_run_follower_stop (follower);
}

/* @text with every @from replaced by @to. */
static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);
  return g_strjoinv (to, parts);
}

static void
assert_same_series (DebriefSeries *a,
                    DebriefSeries *b)
{
  gsize n = debrief_series_get_length (a);

  g_assert_cmpstr (debrief_series_get_name (a), ==, debrief_series_get_name (b));
  g_assert_cmpint (debrief_series_get_kind (a), ==, debrief_series_get_kind (b));
  g_assert_cmpuint (n, ==, debrief_series_get_length (b));
  if (n > 0)
    {
      /* Bit for bit: NaN and ±Inf are data too. */
      g_assert_cmpmem (debrief_series_get_steps (a), n * sizeof (gint64), debrief_series_get_steps (b),
                       n * sizeof (gint64));
      g_assert_cmpmem (debrief_series_get_values (a), n * sizeof (double), debrief_series_get_values (b),
                       n * sizeof (double));
    }
}

/* Loads @local_dir from disk and through sftp://: the same run, or the same error
 * (messages naming the folder by its URI instead of its path). */
static void
assert_same_load (const char *local_dir)
{
  g_autoptr(GFile) local_file = g_file_new_for_path (local_dir);
  g_autofree char *uri = debrief_test_sshd_uri (server, local_dir);
  g_autoptr(GFile) remote_file = g_file_new_for_uri (uri);
  g_autofree char *remote_display = g_file_get_parse_name (remote_file);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) remote_error = NULL;
  g_autoptr(DebriefRun) local = debrief_run_load (local_file, NULL, &local_error);
  g_autoptr(DebriefRun) remote = debrief_run_load (remote_file, NULL, &remote_error);
  GPtrArray *ls, *rs;
  const char *const *lw, *const *rw;
  const char *const *lf, *const *rf;
  DebriefRunConfig *lc, *rc;

  g_test_message ("%s", local_dir);
  if (local == NULL)
    {
      g_autofree char *expected = replace_all (local_error->message, local_dir, remote_display);
      g_assert_nonnull (remote_error);
      g_assert_cmpuint (remote_error->domain, ==, local_error->domain);
      g_assert_cmpint (remote_error->code, ==, local_error->code);
      g_assert_cmpstr (remote_error->message, ==, expected);
      return;
    }
  g_assert_no_error (remote_error);
  g_assert_nonnull (remote);

  g_assert_cmpstr (debrief_run_get_format (remote), ==, debrief_run_get_format (local));
  g_assert_cmpstr (debrief_run_get_name (remote), ==, debrief_run_get_name (local));
  ls = debrief_run_get_series (local);
  rs = debrief_run_get_series (remote);
  g_assert_cmpuint (rs->len, ==, ls->len);
  for (guint i = 0; i < ls->len; i++)
    assert_same_series (g_ptr_array_index (ls, i), g_ptr_array_index (rs, i));

  lf = debrief_run_get_source_files (local);
  rf = debrief_run_get_source_files (remote);
  g_assert_cmpuint (g_strv_length ((char **) rf), ==, g_strv_length ((char **) lf));
  for (guint i = 0; lf[i]; i++)
    g_assert_cmpstr (rf[i], ==, lf[i]);

  lw = debrief_run_get_warnings (local);
  rw = debrief_run_get_warnings (remote);
  g_assert_cmpuint (g_strv_length ((char **) rw), ==, g_strv_length ((char **) lw));
  for (guint i = 0; lw[i]; i++)
    {
      g_autofree char *expected = replace_all (lw[i], local_dir, remote_display);
      g_assert_cmpstr (rw[i], ==, expected);
    }

  g_assert_cmpuint (debrief_run_get_n_checkpoints (remote), ==, debrief_run_get_n_checkpoints (local));
  for (guint i = 0; i < debrief_run_get_n_checkpoints (local); i++)
    {
      const DebriefCheckpoint *a = debrief_run_get_checkpoint (local, i);
      const DebriefCheckpoint *b = debrief_run_get_checkpoint (remote, i);
      g_assert_cmpstr (b->name, ==, a->name);
      g_assert_cmpint (b->step, ==, a->step);
      g_assert_cmpint (b->is_final, ==, a->is_final);
      g_assert_cmpint (b->is_best, ==, a->is_best);
    }

  lc = debrief_run_get_config (local);
  rc = debrief_run_get_config (remote);
  g_assert_cmpint (rc->lora_rank, ==, lc->lora_rank);
  g_assert_cmpstr (rc->base_model, ==, lc->base_model);
  g_assert_cmpint (rc->dims.hidden_size, ==, lc->dims.hidden_size);
  g_assert_cmpint (rc->dims.num_layers, ==, lc->dims.num_layers);
  g_assert_cmpint (rc->dataset_tokens, ==, lc->dataset_tokens);
  g_assert_cmpint (rc->max_steps, ==, lc->max_steps);
  g_assert_cmpint (rc->steps_per_epoch, ==, lc->steps_per_epoch);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every run folder of the test data, through sftp:// as from disk. */
static void
test_sftp_same_as_local (gconstpointer data)
{
  const char *set = data;
  g_autofree char *top = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), set, NULL);
  g_autoptr(GDir) dir = g_dir_open (top, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 3);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (top, g_ptr_array_index (names, i), NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_same_load (path);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *skip = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  debrief_test_sshd_allow_gvfs_reconnect ();

  server = debrief_test_sshd_start (&skip, &error);
  if (server == NULL && skip != NULL)
    {
      printf ("1..0 # SKIP %s\n", skip);
      return 0;
    }
  if (server == NULL)
    {
      g_printerr ("could not start the test's sshd: %s\n", error->message);
      return 1;
    }
  if (!debrief_test_sshd_mount (server, &error))
    {
      /* Ended here, not by an assertion: the processes it started must not outlive the test. */
      g_printerr ("%s\n", error->message);
      debrief_test_sshd_stop (server);
      return 1;
    }

  g_test_add_func ("/remote/sftp/file-access", test_sftp_file_access);
  g_test_add_data_func ("/remote/sftp/same-as-local/runs", "runs", test_sftp_same_as_local);
  g_test_add_data_func ("/remote/sftp/same-as-local/formats", "formats", test_sftp_same_as_local);
  g_test_add_data_func ("/remote/sftp/same-as-local/bad", "bad", test_sftp_same_as_local);
  g_test_add_data_func ("/remote/sftp/same-as-local/public", "public", test_sftp_same_as_local);
  g_test_add_func ("/remote/sftp/follow-append", test_sftp_follow_append);
  g_test_add_func ("/remote/sftp/follow-rewritten", test_sftp_follow_rewritten);
  g_test_add_func ("/remote/sftp/follow-idle", test_sftp_follow_idle);
  g_test_add_func ("/remote/sftp/cli-analyze", test_sftp_cli_analyze);
  g_test_add_func ("/remote/sftp/connection-loss", test_sftp_connection_loss);
  g_test_add_func ("/remote/sftp/connection-loss-mid-read", test_sftp_connection_loss_mid_read);
  status = g_test_run ();
  g_clear_pointer (&server, debrief_test_sshd_stop);
  return status;
}
