/* test-remote.c: run folders on another machine, through a real sshd and GVfs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-test-sshd.h"

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

  g_assert_true (debrief_test_sshd_mount (server, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (metrics, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
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
  g_test_add_func ("/remote/sftp/connection-loss", test_sftp_connection_loss);
  status = g_test_run ();
  g_clear_pointer (&server, debrief_test_sshd_stop);
  return status;
}
