/* test-sse.c: the incremental server-sent events parser
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "debrief-core.h"
#include "debrief-sse-private.h"

static gboolean
collect (const char *event,
         const char *data,
         gsize       len,
         gpointer    user_data)
{
  GPtrArray *events = user_data;

  g_assert_cmpuint (strlen (data), ==, len);
  g_ptr_array_add (events, g_strdup_printf ("%s|%s", event, data));
  return TRUE;
}

/* Feeds @input in pieces of @step bytes; returns "event|data" lines joined by "\n". */
static char *
parse_in_steps (const char *input,
                gsize       step,
                gboolean   *complete)
{
  g_autoptr(DebriefSseParser) parser = debrief_sse_parser_new (4096);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (input);

  for (gsize i = 0; i < len; i += step)
    g_assert_true (debrief_sse_parser_feed (parser, input + i, MIN (step, len - i), collect, events, NULL));
  *complete = debrief_sse_parser_finish (parser);
  g_ptr_array_add (events, NULL);
  return g_strjoinv ("\n", (char **) events->pdata);
}

static void
check_all_splits (const char *input,
                  const char *expected,
                  gboolean    expected_complete)
{
  for (gsize step = 1; step <= strlen (input) + 1; step++)
    {
      gboolean complete;
      g_autofree char *got = parse_in_steps (input, step, &complete);

      g_assert_cmpstr (got, ==, expected);
      g_assert_cmpint (complete, ==, expected_complete);
    }
}

static void
test_sse_basic (void)
{
  check_all_splits ("data: {\"a\":1}\n\ndata: [DONE]\n\n", "message|{\"a\":1}\nmessage|[DONE]", TRUE);
}

static void
test_sse_line_endings (void)
{
  /* CRLF, CR alone and LF, mixed; a CR at the end of one feed and its LF in the next. */
  check_all_splits ("data: a\r\n\r\ndata: b\r\rdata: c\n\n", "message|a\nmessage|b\nmessage|c", TRUE);
}

static void
test_sse_multiline_and_fields (void)
{
  check_all_splits (": a comment\nevent: ping\ndata\ndata:x\ndata:  two spaces\nid: 7\nretry: 1500\nbogus: 1\n\n",
                    "ping|\nx\n two spaces", TRUE);
  {
    g_autoptr(DebriefSseParser) parser = debrief_sse_parser_new (0);
    const char *s = "id: 42\nretry: 12x\nretry: 250\n\n";

    g_assert_true (debrief_sse_parser_feed (parser, s, strlen (s), NULL, NULL, NULL));
    g_assert_cmpstr (debrief_sse_parser_get_last_id (parser), ==, "42");
    g_assert_cmpint (debrief_sse_parser_get_retry (parser), ==, 250);
  }
}

static void
test_sse_bom (void)
{
  check_all_splits ("\xEF\xBB\xBF" "data: bom\n\n", "message|bom", TRUE);
  /* Only one BOM is skipped, and only at the start. */
  check_all_splits ("data: \xEF\xBB\xBF" "x\n\n", "message|\xEF\xBB\xBF" "x", TRUE);
  /* Bytes that start like a BOM but are not one stay content. */
  check_all_splits ("\xEF" "data: y\n\n", "", TRUE);
}

static void
test_sse_empty_events (void)
{
  /* An empty line with no data does not dispatch; "data:" with nothing dispatches "". */
  check_all_splits ("\n\n\nevent: x\n\ndata:\n\n", "message|", TRUE);
}

static void
test_sse_truncated (void)
{
  check_all_splits ("data: one\n\ndata: tw", "message|one", FALSE);
  check_all_splits ("data: one\n\ndata: two\n", "message|one", FALSE);
}

static void
test_sse_too_large (void)
{
  g_autoptr(DebriefSseParser) parser = debrief_sse_parser_new (16);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  const char *ok = "data: 0123456789\n\n";
  const char *big = "data: 0123456789abcdef";

  g_assert_true (debrief_sse_parser_feed (parser, ok, strlen (ok), collect, events, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_false (debrief_sse_parser_feed (parser, big, strlen (big), collect, events, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE);

  /* Many data lines adding up past the cap. */
  {
    g_autoptr(DebriefSseParser) p2 = debrief_sse_parser_new (16);
    g_autoptr(GError) e2 = NULL;
    const char *lines = "data: 12345\ndata: 12345\ndata: 12345\n";

    g_assert_false (debrief_sse_parser_feed (p2, lines, strlen (lines), collect, events, &e2));
    g_assert_error (e2, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE);
  }
}

static gboolean
stop_after_first (const char *event,
                  const char *data,
                  gsize       len,
                  gpointer    user_data)
{
  (*(guint *) user_data)++;
  return FALSE;
}

static void
test_sse_stop (void)
{
  g_autoptr(DebriefSseParser) parser = debrief_sse_parser_new (0);
  g_autoptr(GError) error = NULL;
  const char *s = "data: a\n\ndata: b\n\n";
  guint n = 0;

  g_assert_false (debrief_sse_parser_feed (parser, s, strlen (s), stop_after_first, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  /* A stopped parser stays stopped. */
  g_assert_false (debrief_sse_parser_feed (parser, s, strlen (s), stop_after_first, &n, &error));
  g_assert_cmpuint (n, ==, 1);
}

static void
test_sse_binary (void)
{
  /* NUL bytes and invalid UTF-8 inside data must not crash or cut the event. */
  g_autoptr(DebriefSseParser) parser = debrief_sse_parser_new (0);
  const char s[] = "data: a\0b\xff\n\n";
  guint n = 0;

  g_assert_true (debrief_sse_parser_feed (parser, s, sizeof s - 1, NULL, NULL, NULL));
  g_assert_false (debrief_sse_parser_feed (parser, s, sizeof s - 1, stop_after_first, &n, NULL));
  g_assert_cmpuint (n, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sse/basic", test_sse_basic);
  g_test_add_func ("/sse/line-endings", test_sse_line_endings);
  g_test_add_func ("/sse/multiline-and-fields", test_sse_multiline_and_fields);
  g_test_add_func ("/sse/bom", test_sse_bom);
  g_test_add_func ("/sse/empty-events", test_sse_empty_events);
  g_test_add_func ("/sse/truncated", test_sse_truncated);
  g_test_add_func ("/sse/too-large", test_sse_too_large);
  g_test_add_func ("/sse/stop", test_sse_stop);
  g_test_add_func ("/sse/binary", test_sse_binary);
  return g_test_run ();
}
