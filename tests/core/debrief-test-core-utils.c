/* debrief-test-core-utils.c: helpers every test shares (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "debrief-test-core-utils.h"

static char *
data_path_va (const char *first_element,
              va_list     args)
{
  const char *root = g_getenv ("DEBRIEF_TEST_DATA");
  g_autoptr(GPtrArray) elements = g_ptr_array_new ();

  /* meson test sets it (tests/meson.build); without it every path is wrong. */
  g_assert_nonnull (root);
  g_ptr_array_add (elements, (gpointer) root);
  for (const char *e = first_element; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (elements, (gpointer) e);
  g_ptr_array_add (elements, NULL);
  return g_build_filenamev ((char **) elements->pdata);
}

/* A path below the test data (tests/data): ("runs", "overfit", NULL). */
char *
debrief_test_data_path (const char *first_element,
                        ...)
{
  va_list args;
  char *path;

  va_start (args, first_element);
  path = data_path_va (first_element, args);
  va_end (args);
  return path;
}

GFile *
debrief_test_data_file (const char *first_element,
                        ...)
{
  va_list args;
  g_autofree char *path = NULL;

  va_start (args, first_element);
  path = data_path_va (first_element, args);
  va_end (args);
  return g_file_new_for_path (path);
}

/* Loads a run folder below the test data; fails the test if it does not load. */
DebriefRun *
debrief_test_load_run (const char *first_element,
                       ...)
{
  va_list args;
  g_autofree char *path = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;
  DebriefRun *run;

  va_start (args, first_element);
  path = data_path_va (first_element, args);
  va_end (args);
  folder = g_file_new_for_path (path);
  run = debrief_run_load (folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  return run;
}

DebriefAnalysis *
debrief_test_analyse (DebriefRun *run)
{
  g_autoptr(GError) error = NULL;
  DebriefAnalysis *a = debrief_analysis_run (run, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

/* rm -r, without following symbolic links (the bad corpus has loops). */
void
debrief_test_remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          debrief_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until CONDITION holds; fails the test after
 * DEBRIEF_TEST_TIMEOUT_SECONDS. */
void
debrief_test_wait_until (DebriefTestCondition condition,
                         gpointer             data)
{
  gint64 deadline = g_get_monotonic_time () + DEBRIEF_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  /* A periodic wake-up so a blocking iteration always returns to check again,
   * also when what the condition reads changed in another thread. */
  guint tick = g_timeout_add (20, wake_up, NULL);

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* Dispatches what is ready (idle rebuilds, finished tasks). Bounded: a spinner
 * keeps a widget's frame clock ready for ever. */
void
debrief_test_drain (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static gboolean
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for a while: for what should not happen
 * (a file written when it must not be) or a debounce to pass. */
void
debrief_test_iterate_for (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Whether two PNG files hold the same pixels (both must load). */
gboolean
debrief_test_png_equal (const char *path_a,
                        const char *path_b)
{
  cairo_surface_t *a = cairo_image_surface_create_from_png (path_a);
  cairo_surface_t *b = cairo_image_surface_create_from_png (path_b);
  gboolean equal;

  g_assert_cmpint (cairo_surface_status (a), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (b), ==, CAIRO_STATUS_SUCCESS);
  equal = cairo_image_surface_get_format (a) == cairo_image_surface_get_format (b)
          && cairo_image_surface_get_width (a) == cairo_image_surface_get_width (b)
          && cairo_image_surface_get_height (a) == cairo_image_surface_get_height (b)
          && cairo_image_surface_get_stride (a) == cairo_image_surface_get_stride (b)
          && memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                     (gsize) cairo_image_surface_get_stride (a) * cairo_image_surface_get_height (a)) == 0;
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  return equal;
}

/* Listens on a free loopback port; returns it. */
guint
debrief_test_server_listen (SoupServer *server)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint port;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

/* Lets the last responses go out, then closes the listening sockets. */
void
debrief_test_server_stop (SoupServer *server)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  soup_server_disconnect (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The JSON object a client posted; owned by PARSER. */
JsonObject *
debrief_test_request_object (SoupServerMessage *msg,
                             JsonParser        *parser)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_true (json_parser_load_from_data (parser, body->data, body->length, &error));
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_get_object (root);
}

int
debrief_test_run_cli (const char *const *args,
                      char              **out_stdout,
                      char              **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("DEBRIEF_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out_stdout, out_stderr, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

JsonNode *
debrief_test_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

void
debrief_test_assert_member_type (JsonObject *o,
                                 const char *name,
                                 GType       type,
                                 gboolean    nullable)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL)
    g_error ("missing key “%s”", name);
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!nullable)
        g_error ("key “%s” is null", name);
      return;
    }
  if (type == JSON_TYPE_OBJECT)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  else if (type == JSON_TYPE_ARRAY)
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  else
    {
      GType value_type;
      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      value_type = json_node_get_value_type (node);
      /* JSON has one number type: an integral double prints as an integer. */
      if (type == G_TYPE_DOUBLE)
        g_assert_true (value_type == G_TYPE_DOUBLE || value_type == G_TYPE_INT64);
      else if (value_type != type)
        g_error ("key “%s” has type %s, expected %s", name, g_type_name (value_type), g_type_name (type));
    }
}
