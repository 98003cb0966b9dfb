/* test-samples-view.c: the Samples page and the Sampling preferences page
 * against an in-process OpenAI-compatible server
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-endpoint-preferences.h"
#include "debrief-core.h"
#include "debrief-samples-view.h"
#include "debrief-test-utils.h"

/* "MODEL says: PROMPT", or for the judge model always "[[A]]". */
static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  JsonObject *obj;
  JsonArray *messages;
  const char *model;

  if (g_str_has_suffix (path, "/models"))
    {
      const char *list = "{\"data\":[{\"id\":\"tuned\"},{\"id\":\"base\"}]}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, list, strlen (list));
      return;
    }
  obj = debrief_test_request_object (msg, parser);
  model = json_object_get_string_member (obj, "model");
  messages = json_object_get_array_member (obj, "messages");
  if (strcmp (model, "judge") == 0)
    text = g_strdup ("[[A]]");
  else
    text = g_strdup_printf ("%s says: %s", model,
                            json_object_get_string_member (json_array_get_object_element (messages, 0), "content"));
  escaped = g_strescape (text, NULL);
  body = g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\"%s\"},\"finish_reason\":\"stop\"}],"
                          "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n", escaped);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
view_is_idle (gpointer view)
{
  return !debrief_samples_view_is_busy (view);
}

static void
wait_until_idle (DebriefSamplesView *view)
{
  /* One iteration first: the view may still be starting. */
  g_main_context_iteration (NULL, FALSE);
  debrief_test_wait_until (view_is_idle, view);
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *p = contents; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static void
test_samples_view (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *dir = g_dir_make_tmp ("debrief-samples-view-XXXXXX", NULL);
  g_autofree char *samples_path = g_build_filename (dir, "samples.jsonl", NULL);
  g_autofree char *judgements_path = g_build_filename (dir, "judgements.jsonl", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(DebriefRun) run = debrief_run_new (folder);
  g_autofree char *url = NULL;
  g_autofree char *answer = NULL;
  const char *prompts[] = { "Explain quantum computing", "What are the benefits of exercise?", NULL };
  GtkWidget *window;
  GtkWidget *view;
  GtkWidget *prefs;

  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1", debrief_test_server_listen (server));

  g_settings_set_string (settings, "endpoint-profile", "custom");
  g_settings_set_string (settings, "endpoint-url", url);
  g_settings_set_string (settings, "model-name", "tuned");
  g_settings_set_string (settings, "baseline-model-name", "base");
  g_settings_set_string (settings, "judge-model-name", "judge");
  g_settings_set_string (settings, "api-key-env", "DEBRIEF_TEST_NO_SUCH_KEY");
  g_settings_set_strv (settings, "prompts", prompts);

  debrief_workspace_add_run (workspace, run);
  view = debrief_samples_view_new (workspace, settings);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  /* Sample: both answers of both prompts stream into their cards and into samples.jsonl. */
  debrief_samples_view_sample (DEBRIEF_SAMPLES_VIEW (view));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  answer = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 0, DEBRIEF_ROLE_FINE_TUNED);
  g_assert_cmpstr (answer, ==, "tuned says: Explain quantum computing");
  g_clear_pointer (&answer, g_free);
  answer = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 1, DEBRIEF_ROLE_BASELINE);
  g_assert_cmpstr (answer, ==, "base says: What are the benefits of exercise?");
  g_assert_cmpstr (debrief_samples_view_get_status (DEBRIEF_SAMPLES_VIEW (view)), ==, "4 answers saved to samples.jsonl");
  g_assert_cmpuint (count_lines (samples_path), ==, 4);

  /* Re-run one answer: one more line. */
  debrief_samples_view_rerun (DEBRIEF_SAMPLES_VIEW (view), 1, DEBRIEF_ROLE_BASELINE);
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  g_assert_cmpuint (count_lines (samples_path), ==, 5);

  /* Judge: the fake judge always says A; each pair is judged in both orders, so
   * every verdict flips with the order and counts as a tie. */
  g_assert_null (debrief_samples_view_get_judgement (DEBRIEF_SAMPLES_VIEW (view)));
  debrief_samples_view_judge (DEBRIEF_SAMPLES_VIEW (view));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  g_assert_nonnull (debrief_samples_view_get_judgement (DEBRIEF_SAMPLES_VIEW (view)));
  g_assert_true (g_str_has_prefix (debrief_samples_view_get_judgement (DEBRIEF_SAMPLES_VIEW (view)), "Win rate 50% "));
  g_assert_nonnull (strstr (debrief_samples_view_get_judgement (DEBRIEF_SAMPLES_VIEW (view)),
                            "2 of 2 verdicts changed when the answers swapped places"));
  g_assert_cmpuint (count_lines (judgements_path), ==, 4);

  /* Preferences → Sampling → Test Connection. */
  prefs = debrief_endpoint_preferences_new (settings);
  g_object_ref_sink (prefs);
  debrief_endpoint_preferences_test_connection (DEBRIEF_ENDPOINT_PREFERENCES (prefs));
  while (debrief_endpoint_preferences_is_testing (DEBRIEF_ENDPOINT_PREFERENCES (prefs)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (debrief_endpoint_preferences_get_connection_status (DEBRIEF_ENDPOINT_PREFERENCES (prefs)), ==,
                   "Connected: 2 models (tuned, base)");
  /* Choosing a profile moves a default URL to that profile's, but keeps one the user typed. */
  g_settings_set_string (settings, "endpoint-profile", "ollama");
  {
    g_autofree char *now = g_settings_get_string (settings, "endpoint-url");

    g_assert_cmpstr (now, ==, url);
  }
  g_settings_set_string (settings, "endpoint-url", "http://127.0.0.1:8080/v1");
  g_settings_set_string (settings, "endpoint-profile", "vllm");
  {
    g_autofree char *now = g_settings_get_string (settings, "endpoint-url");

    g_assert_cmpstr (now, ==, "http://127.0.0.1:8000/v1");
  }
  g_assert_finalize_object (prefs);

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  g_assert_null (view);

  debrief_test_remove_tree (dir);
  debrief_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;
  g_test_add_func ("/samples-view/sample-rerun-judge-preferences", test_samples_view);
  return g_test_run ();
}
