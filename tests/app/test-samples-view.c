/* test-samples-view.c: the Samples page and the Sampling preferences page
 * against an in-process OpenAI-compatible server
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-endpoint-preferences.h"
#include "debrief-core.h"
#include "debrief-samples-view.h"
#include "debrief-serve-panel.h"
#include "debrief-test-utils.h"

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

static GtkWidget *
show_view (DebriefWorkspace *workspace,
           GSettings        *settings,
           GtkWidget       **window)
{
  GtkWidget *view = debrief_samples_view_new (workspace, settings);

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1000, 700);
  gtk_window_set_child (GTK_WINDOW (*window), view);
  gtk_window_present (GTK_WINDOW (*window));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  return view;
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

  soup_server_add_handler (server, NULL, debrief_test_openai_handler, NULL, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1", debrief_test_server_listen (server));

  g_settings_set_string (settings, "endpoint-profile", "custom");
  g_settings_set_string (settings, "endpoint-url", url);
  g_settings_set_string (settings, "model-name", "tuned");
  g_settings_set_string (settings, "baseline-model-name", "base");
  g_settings_set_string (settings, "judge-model-name", "judge");
  g_settings_set_string (settings, "api-key-env", "DEBRIEF_TEST_NO_SUCH_KEY");
  g_settings_set_strv (settings, "prompts", prompts);

  debrief_workspace_add_run (workspace, run);
  view = show_view (workspace, settings, &window);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);

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

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

/* An HF Trainer + PEFT run with checkpoints 100, 200 (the best) and 300; @adapters
 * (may be NULL) are copied into checkpoint 200 and 300 as adapter.gguf. */
static char *
make_peft_run (const char        *parent,
               const char *const *adapters)
{
  g_autofree char *dir = g_build_filename (parent, "peft-run", NULL);
  const char *config = "{\"base_model_name_or_path\": \"debrief-tiny-random\", \"peft_type\": \"LORA\", \"r\": 8, "
                       "\"lora_alpha\": 16, \"target_modules\": [\"q_proj\", \"v_proj\"]}";
  const char *state = "{\"best_model_checkpoint\": \"/out/checkpoint-200\", \"global_step\": 300, \"log_history\": ["
                      "{\"loss\": 2.0, \"step\": 50}, {\"eval_loss\": 1.8, \"step\": 100}, {\"eval_loss\": 1.5, \"step\": 200},"
                      " {\"loss\": 1.4, \"step\": 250}, {\"eval_loss\": 1.6, \"step\": 300}]}";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  write_file (dir, "trainer_state.json", state, -1);
  for (guint step = 100; step <= 300; step += 100)
    {
      g_autofree char *name = g_strdup_printf ("checkpoint-%u", step);
      g_autofree char *ck = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_mkdir (ck, 0755), ==, 0);
      write_file (ck, "adapter_config.json", config, -1);
      write_file (ck, "adapter_model.safetensors", "weights", -1);
      if (adapters != NULL && step >= 200)
        {
          g_autofree char *contents = NULL;
          gsize len;

          g_assert_true (g_file_get_contents (adapters[step / 100 - 2], &contents, &len, NULL));
          write_file (ck, "adapter.gguf", contents, len);
        }
    }
  return g_steal_pointer (&dir);
}

/* Base, best and last side by side through a server's endpoint; samples.jsonl
 * and the judge say which checkpoint said what. */
static void
test_checkpoints_side_by_side (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *tmp = g_dir_make_tmp ("debrief-samples-view-XXXXXX", NULL);
  g_autofree char *dir = make_peft_run (tmp, NULL);
  g_autofree char *samples_path = g_build_filename (dir, "samples.jsonl", NULL);
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *answer = NULL;
  const char *prompts[] = { "Explain quantum computing", NULL };
  const char *const best_last[] = { "best", "last", NULL };
  DebriefServePanel *panel;
  DebriefServeSet *set;
  GtkWidget *window;
  GtkWidget *view;
  const char *judgement;

  soup_server_add_handler (server, NULL, debrief_test_openai_handler, NULL, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1", debrief_test_server_listen (server));
  g_settings_set_string (settings, "judge-model-name", "judge");
  g_settings_set_string (settings, "api-key-env", "DEBRIEF_TEST_NO_SUCH_KEY");
  g_settings_set_strv (settings, "prompts", prompts);
  run = debrief_run_load (folder, NULL, &error);
  g_assert_no_error (error);
  debrief_workspace_add_run (workspace, run);
  view = show_view (workspace, settings, &window);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);
  panel = DEBRIEF_SERVE_PANEL (debrief_samples_view_get_serve_panel (DEBRIEF_SAMPLES_VIEW (view)));

  /* Debrief's pick: the best by validation loss. */
  set = debrief_serve_panel_get_set (panel);
  g_assert_nonnull (set);
  g_assert_cmpstr (set->best, ==, "checkpoint-200");
  g_assert_cmpuint (g_strv_length (set->picked), ==, 1);
  g_assert_true (((DebriefServePlan *) g_ptr_array_index (set->plans, DEBRIEF_SERVER_VLLM))->available);

  /* Best and last, served by vLLM: the endpoint profile follows, the cards get a column each. */
  debrief_serve_panel_set_checkpoints (panel, best_last);
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  set = debrief_serve_panel_get_set (panel);
  g_assert_cmpuint (g_strv_length (set->picked), ==, 2);
  debrief_serve_panel_use_plan (panel, DEBRIEF_SERVER_VLLM);
  {
    g_autofree char *profile = g_settings_get_string (settings, "endpoint-profile");
    g_autofree char *endpoint = g_settings_get_string (settings, "endpoint-url");
    g_autofree char *baseline = g_settings_get_string (settings, "baseline-model-name");

    g_assert_cmpstr (profile, ==, "vllm");
    g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:8000/v1");
    g_assert_cmpstr (baseline, ==, "debrief-tiny-random");
  }
  g_assert_cmpuint (debrief_samples_view_get_n_columns (DEBRIEF_SAMPLES_VIEW (view)), ==, 3);
  /* The test's server stands in for vLLM. */
  g_settings_set_string (settings, "endpoint-url", url);
  debrief_samples_view_sample (DEBRIEF_SAMPLES_VIEW (view));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  answer = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 0, 1);
  g_assert_cmpstr (answer, ==, "peft-run-checkpoint-300 says: Explain quantum computing");
  g_clear_pointer (&answer, g_free);
  answer = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 0, 2);
  g_assert_cmpstr (answer, ==, "debrief-tiny-random says: Explain quantum computing");
  samples = debrief_samples_load (samples_path, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 3);
  for (guint i = 0; i < samples->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (samples, i);

      if (s->role == DEBRIEF_ROLE_FINE_TUNED)
        g_assert_true (g_strcmp0 (s->checkpoint, "checkpoint-200") == 0 || g_strcmp0 (s->checkpoint, "checkpoint-300") == 0);
    }

  /* The judge (always "A") on each checkpoint: every verdict flips with the order. */
  debrief_samples_view_judge (DEBRIEF_SAMPLES_VIEW (view));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  judgement = debrief_samples_view_get_judgement (DEBRIEF_SAMPLES_VIEW (view));
  g_assert_nonnull (judgement);
  g_assert_nonnull (strstr (judgement, "checkpoint-200 — Win rate 50% "));
  g_assert_nonnull (strstr (judgement, "checkpoint-300 — Win rate 50% "));
  g_assert_nonnull (strstr (judgement, "1 of 1 verdict changed when the answers swapped places"));
  /* DEBRIEF_TEST_SCREENSHOT=FILE.png: the page as it looks now (to check the layout by eye). */
  if (g_getenv ("DEBRIEF_TEST_SCREENSHOT") != NULL)
    {
      g_autoptr(GdkTexture) texture = NULL;

      gtk_test_widget_wait_for_draw (view);
      texture = debrief_test_render_widget (view);

      g_assert_true (gdk_texture_save_to_png (texture, g_getenv ("DEBRIEF_TEST_SCREENSHOT")));
    }
  /* Again: nothing is judged twice. */
  debrief_samples_view_judge (DEBRIEF_SAMPLES_VIEW (view));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  g_assert_nonnull (strstr (debrief_samples_view_get_status (DEBRIEF_SAMPLES_VIEW (view)), "were there already"));

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  g_assert_null (view);
  debrief_test_remove_tree (tmp);
  debrief_test_server_stop (server);
}

/* Debrief starts llama-server from the page (real one; SKIPs without it),
 * samples through it, shows its log, and it goes when the window does. */
static void
test_managed_llama_server (void)
{
  const char *model = g_getenv ("DEBRIEF_TEST_MODEL");
  const char *const adapters[] = { g_getenv ("DEBRIEF_TEST_LORA"), g_getenv ("DEBRIEF_TEST_LORA_ZERO"), NULL };
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *tmp = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) folder = NULL;
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *zero = NULL;
  g_autofree char *base = NULL;
  const char *prompts[] = { "Explain quantum computing", NULL };
  const char *const best_last[] = { "best", "last", NULL };
  DebriefServePanel *panel;
  DebriefLlamaServer *llama;
  GtkWidget *window;
  GtkWidget *view;

  if (g_getenv ("DEBRIEF_LLAMA_SERVER") == NULL || model == NULL || adapters[0] == NULL || adapters[1] == NULL)
    {
      g_test_skip ("llama-server and the test adapters are not built (build-aux/llama-server.sh)");
      return;
    }
  tmp = g_dir_make_tmp ("debrief-samples-view-XXXXXX", NULL);
  dir = make_peft_run (tmp, adapters);
  folder = g_file_new_for_path (dir);
  g_settings_set_strv (settings, "prompts", prompts);
  g_settings_set_string (settings, "llama-base-gguf", model);
  g_settings_set_double (settings, "temperature", 0.0);
  g_settings_set_int (settings, "max-tokens", 12);
  run = debrief_run_load (folder, NULL, &error);
  g_assert_no_error (error);
  debrief_workspace_add_run (workspace, run);
  view = show_view (workspace, settings, &window);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);
  panel = DEBRIEF_SERVE_PANEL (debrief_samples_view_get_serve_panel (DEBRIEF_SAMPLES_VIEW (view)));
  debrief_serve_panel_set_checkpoints (panel, best_last);
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  g_assert_true (g_str_has_prefix (debrief_serve_panel_get_llama_status (panel), "Ready to start"));

  debrief_serve_panel_start_llama (panel);
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  llama = debrief_serve_panel_get_llama_server (panel);
  g_assert_nonnull (llama);
  g_assert_true (debrief_llama_server_is_running (llama));
  g_object_add_weak_pointer (G_OBJECT (llama), (gpointer *) &llama);
  g_assert_nonnull (strstr (debrief_serve_panel_get_llama_status (panel), "runs at http://127.0.0.1:"));
  g_assert_nonnull (strstr (debrief_llama_server_get_log (llama), "--lora"));
  /* checkpoint-200 (the adapter), checkpoint-300 (the zero adapter), the base. */
  g_assert_cmpuint (debrief_samples_view_get_n_columns (DEBRIEF_SAMPLES_VIEW (view)), ==, 3);
  debrief_samples_view_sample (DEBRIEF_SAMPLES_VIEW (view));
  wait_until_idle (DEBRIEF_SAMPLES_VIEW (view));
  zero = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 0, 1);
  base = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 0, 2);
  g_assert_cmpuint (strlen (base), >, 0);
  g_assert_cmpstr (zero, ==, base);
  {
    g_autofree char *tuned = debrief_samples_view_get_answer (DEBRIEF_SAMPLES_VIEW (view), 0, 0);

    g_assert_cmpstr (tuned, !=, base);
  }

  /* The window goes: so does the server. */
  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  g_assert_null (view);
  g_assert_null (llama);
  debrief_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;
  g_test_add_func ("/samples-view/sample-rerun-judge-preferences", test_samples_view);
  g_test_add_func ("/samples-view/checkpoints-side-by-side", test_checkpoints_side_by_side);
  g_test_add_func ("/samples-view/managed-llama-server", test_managed_llama_server);
  return g_test_run ();
}
