/* test-cli-follow.c: `debrief-cli analyze --follow` on a run being written
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built binary ($DEBRIEF_CLI) follows a folder that a writer in this
 * process appends to: one JSON object per line, each with more points or
 * other findings than the one before, at most about one a second; exit 0
 * when the run ends, 130 on Ctrl+C.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "debrief-test-core-utils.h"
#include "debrief-test-writers.h"

typedef struct
{
  GDataInputStream *out;
  GPtrArray *lines;
  gboolean eof;
  gint64 first_line_usec;
  gint64 last_line_usec;
} Reader;

static void read_next (Reader *reader);

static void
line_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      reader->eof = TRUE;
      return;
    }
  if (reader->lines->len == 0)
    reader->first_line_usec = g_get_monotonic_time ();
  reader->last_line_usec = g_get_monotonic_time ();
  g_ptr_array_add (reader->lines, line);
  read_next (reader);
}

static void
read_next (Reader *reader)
{
  g_data_input_stream_read_line_async (reader->out, G_PRIORITY_DEFAULT, NULL, line_read, reader);
}

static gboolean
reader_done (gpointer data)
{
  Reader *reader = data;
  return reader->eof;
}

static gboolean
reader_has_line (gpointer data)
{
  Reader *reader = data;
  return reader->lines->len > 0 || reader->eof;
}

static GSubprocess *
start_follow (const char *dir,
              gboolean    json,
              Reader     *reader)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("DEBRIEF_CLI"), "analyze",
                              "--follow", "--no-write", json ? "--json" : dir, json ? dir : NULL, NULL);
  g_assert_no_error (error);
  reader->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  reader->lines = g_ptr_array_new_with_free_func (g_free);
  read_next (reader);
  return process;
}

static void
reader_clear (Reader *reader)
{
  g_clear_object (&reader->out);
  g_clear_pointer (&reader->lines, g_ptr_array_unref);
}

static JsonObject *
parse_run (JsonParser *parser,
           const char *line)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *runs;

  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "version"));
  runs = json_object_get_array_member (root, "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 1);
  return json_array_get_object_element (runs, 0);
}

static gint64
train_points (JsonObject *run)
{
  JsonObject *series = json_object_get_object_member (run, "series");
  JsonNode *train = json_object_get_member (series, "train_loss");

  if (JSON_NODE_HOLDS_NULL (train))
    return 0;
  return json_object_get_int_member (json_node_get_object (train), "points");
}

/* After its output ended: the process is exiting. */
static void
wait_exit (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
}

/* A tinker log appended while followed, then its final checkpoint: exit 0. */
static void
test_follow_json_until_finished (void)
{
  const guint n_lines = 1500;
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-follow-XXXXXX", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autofree char *checkpoints = g_build_filename (dir, "checkpoints.jsonl", NULL);
  g_autofree char *first = debrief_test_tinker_line (0);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  DebriefTestWriter *writer;
  Reader reader = { 0 };
  gint64 last_points = 0;
  gint64 start = g_get_monotonic_time ();
  JsonObject *run = NULL;
  JsonObject *live = NULL;
  double seconds;

  g_assert_true (g_file_set_contents (metrics, first, -1, NULL));
  process = start_follow (dir, TRUE, &reader);
  /* Lines 0 .. n-1 after it (step 0 twice: the last one counts), at 500 a second. */
  writer = debrief_test_append_tinker (metrics, n_lines, 500);
  while (!debrief_test_writer_done (writer))
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  debrief_test_writer_join (writer);
  /* tinker-cookbook saves "final" when it is done. */
  g_assert_true (g_file_set_contents (checkpoints, "{\"name\": \"final\", \"batch\": 1500, "
                                                   "\"state_path\": \"tinker://x/weights/final\"}\n", -1, NULL));
  debrief_test_wait_until (reader_done, &reader);
  wait_exit (process);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpuint (reader.lines->len, >=, 2);
  /* At most about one print a second. */
  g_test_message ("%u lines in %.1f s", reader.lines->len, seconds);
  g_assert_cmpuint (reader.lines->len, <=, (guint) seconds + 2);
  for (guint i = 0; i < reader.lines->len; i++)
    {
      gint64 points;

      run = parse_run (parser, g_ptr_array_index (reader.lines, i));
      points = train_points (run);
      g_assert_cmpint (points, >=, last_points);
      last_points = points;
      live = json_object_get_object_member (run, "live");
      debrief_test_assert_member_type (live, "state", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (live, "step", G_TYPE_INT64, TRUE);
      debrief_test_assert_member_type (live, "fraction", G_TYPE_DOUBLE, TRUE);
      debrief_test_assert_member_type (live, "eta_seconds", G_TYPE_DOUBLE, TRUE);
      debrief_test_assert_member_type (live, "finished_by", G_TYPE_STRING, TRUE);
      debrief_test_assert_member_type (live, "last_write", G_TYPE_STRING, TRUE);
      if (i + 1 < reader.lines->len)
        g_assert_cmpstr (json_object_get_string_member (live, "state"), ==, "training");
    }
  /* The last print: every line, finished by its final checkpoint. */
  g_assert_cmpint (last_points, ==, n_lines);
  g_assert_nonnull (live);
  g_assert_cmpstr (json_object_get_string_member (live, "state"), ==, "finished");
  g_assert_nonnull (strstr (json_object_get_string_member (live, "finished_by"), "final"));

  reader_clear (&reader);
  debrief_test_remove_tree (dir);
}

/* Ctrl+C while following a run that is still training: 130. */
static void
test_follow_interrupted (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-follow-XXXXXX", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autoptr(GSubprocess) process = NULL;
  Reader reader = { 0 };
  gboolean said_live = FALSE;

  debrief_test_write_tinker_lines (metrics, 0, 50, TRUE);
  process = start_follow (dir, FALSE, &reader);
  debrief_test_wait_until (reader_has_line, &reader);
  /* The summary says how far it got. */
  while (!said_live && !reader.eof)
    {
      for (guint i = 0; i < reader.lines->len; i++)
        said_live |= strstr (g_ptr_array_index (reader.lines, i), "live: training") != NULL;
      if (!said_live)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (said_live);
  g_subprocess_send_signal (process, SIGINT);
  debrief_test_wait_until (reader_done, &reader);
  wait_exit (process);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);

  reader_clear (&reader);
  debrief_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/follow/json-until-finished", test_follow_json_until_finished);
  g_test_add_func ("/cli/follow/interrupted", test_follow_interrupted);
  return g_test_run ();
}
