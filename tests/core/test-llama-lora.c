/* test-llama-lora.c: Debrief starts a real llama-server with GGUF LoRA
 * adapters and samples base, adapter and a zero adapter side by side (suite
 * integration). build-aux/llama-server.sh builds llama-server, a tiny model
 * and two adapters for it (DEBRIEF_LLAMA_SERVER, DEBRIEF_TEST_MODEL,
 * DEBRIEF_TEST_LORA, DEBRIEF_TEST_LORA_ZERO); without them this test SKIPs.
 *
 * What it shows: at temperature 0 with a fixed seed the adapter's answers
 * differ from the base's, while an adapter whose B is zero answers exactly
 * like the base (so the difference comes from the adapter, not from the
 * request), and the base through the adapters' server equals a server
 * started without any adapter.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

static const char *binary;
static const char *model;
static const char *lora;
static const char *lora_zero;
static char *work_dir;

static const char *const prompts[] = {
  "Explain quantum computing", "Write a Python function to sort a list", "What are the benefits of exercise?", NULL
};

typedef struct
{
  gboolean done;
  gboolean ok;
  gssize n;
  GError *error;
} Wait;

static void
started_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = debrief_llama_server_start_finish (DEBRIEF_LLAMA_SERVER (source), result, &w->error);
  w->done = TRUE;
}

static void
sampled_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->n = debrief_sampler_run_finish (DEBRIEF_SAMPLER (source), result, &w->error);
  w->done = TRUE;
}

static void
wait_for (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static DebriefLlamaServer *
start (const char        *base,
       const char *const *adapters)
{
  DebriefLlamaServer *server = debrief_llama_server_new (binary, base, adapters);
  const char *const args[] = { "-t", "2", NULL };
  Wait w = { 0 };

  debrief_llama_server_set_extra_args (server, args);
  debrief_llama_server_set_startup_timeout (server, 120);
  debrief_llama_server_start_async (server, NULL, started_cb, &w);
  wait_for (&w);
  if (w.error != NULL)
    g_printerr ("llama-server log:\n%s\n", debrief_llama_server_get_log (server));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_true (debrief_llama_server_is_running (server));
  g_assert_true (g_str_has_prefix (debrief_llama_server_get_base_url (server), "http://127.0.0.1:"));
  return server;
}

static void
stop (DebriefLlamaServer *server)
{
  debrief_llama_server_stop (server);
  while (debrief_llama_server_is_running (server))
    g_main_context_iteration (NULL, TRUE);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            gsize       len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

static void
copy_file (const char *from,
           const char *dir,
           const char *name)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  write_file (dir, name, contents, len);
}

/* An HF Trainer run whose checkpoints hold GGUF adapters: checkpoint-10 the
 * real one, checkpoint-20 the zero one. The folder's name has a comma and
 * quotes in it, which the --lora row must survive. */
static char *
make_run (const char *name)
{
  g_autofree char *leaf = g_strdup_printf ("%s, \"quoted\" 'too'", name);
  g_autofree char *dir = g_build_filename (work_dir, leaf, NULL);
  const char *state = "{\"global_step\": 20, \"best_model_checkpoint\": \"/out/checkpoint-10\", \"log_history\": ["
                      "{\"loss\": 2.0, \"step\": 5}, {\"eval_loss\": 1.5, \"step\": 10}, {\"loss\": 1.8, \"step\": 15},"
                      " {\"eval_loss\": 1.7, \"step\": 20}]}";
  const char *config = "{\"base_model_name_or_path\": \"debrief-tiny-random\", \"peft_type\": \"LORA\", \"r\": 8, "
                       "\"lora_alpha\": 16, \"target_modules\": [\"q_proj\", \"v_proj\", \"down_proj\"]}";
  const char *names[] = { "checkpoint-10", "checkpoint-20" };
  const char *files[] = { lora, lora_zero };

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  write_file (dir, "trainer_state.json", state, -1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *ck = g_build_filename (dir, names[i], NULL);

      g_assert_cmpint (g_mkdir (ck, 0755), ==, 0);
      write_file (ck, "adapter_config.json", config, -1);
      copy_file (files[i], ck, "adapter.gguf");
    }
  return g_steal_pointer (&dir);
}

/* Samples @columns through @url at temperature 0, seed 42; the answers, column-major. */
static GPtrArray *
sample (const char                *url,
        const DebriefSampleColumn *columns,
        guint                      n_columns,
        const char                *samples_path)
{
  g_autoptr(DebriefClient) client = debrief_client_new (url, NULL);
  g_autoptr(DebriefSampler) sampler = debrief_sampler_new (client, samples_path);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  Wait w = { 0 };

  debrief_client_set_timeout (client, 60);
  debrief_sampler_set_prompts (sampler, prompts);
  debrief_sampler_set_columns (sampler, columns, n_columns);
  debrief_sampler_set_params (sampler, DEBRIEF_API_CHAT, 0.0, 16);
  debrief_sampler_set_seed (sampler, 42);
  debrief_sampler_run_async (sampler, NULL, sampled_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.n, ==, n_columns * g_strv_length ((char **) prompts));
  for (guint c = 0; c < n_columns; c++)
    for (guint p = 0; prompts[p] != NULL; p++)
      g_ptr_array_add (texts, g_strdup (debrief_sampler_get_sample (sampler, p, c)->text));
  return texts;
}

static void
test_adapter_changes_answers (void)
{
  g_autofree char *dir = make_run ("run");
  g_autofree char *samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(DebriefServePlan) plan = NULL;
  g_autoptr(DebriefLlamaServer) server = NULL;
  g_autoptr(DebriefLlamaServer) plain = NULL;
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(GPtrArray) plain_answers = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  const char *const both[] = { "checkpoint-10", "checkpoint-20", NULL };
  DebriefServeOptions options = { model, 0 };
  guint n = g_strv_length ((char **) prompts);
  guint differ = 0;

  run = debrief_run_load (folder, NULL, &error);
  g_assert_no_error (error);
  /* The run's adapters and the base are GGUF files: nothing to convert, Debrief can start it. */
  plan = debrief_serve_plan_new (run, DEBRIEF_SERVER_LLAMA_CPP, both, &options);
  g_assert_true (plan->available);
  g_assert_cmpuint (plan->steps->len, ==, 1);
  g_assert_nonnull (plan->llama_model);
  g_assert_cmpuint (g_strv_length (plan->llama_adapters), ==, 2);
  g_assert_nonnull (strstr (plan->llama_adapters[0], "checkpoint-10"));

  server = start (plan->llama_model, (const char *const *) plan->llama_adapters);
  /* Both adapters loaded from a path with a comma and quotes. */
  g_assert_nonnull (strstr (debrief_llama_server_get_log (server), "--lora"));
  columns = debrief_serve_plan_get_columns (plan, run, TRUE);
  g_assert_cmpuint (columns->len, ==, 3);
  answers = sample (debrief_llama_server_get_base_url (server), (DebriefSampleColumn *) columns->data, columns->len,
                    samples_path);
  stop (server);
  g_assert_false (debrief_llama_server_is_running (server));

  for (guint p = 0; p < n; p++)
    {
      const char *tuned = g_ptr_array_index (answers, p);
      const char *zero = g_ptr_array_index (answers, n + p);
      const char *base = g_ptr_array_index (answers, 2 * n + p);

      g_test_message ("“%s”\n  adapter: %s\n  zero B:  %s\n  base:    %s", prompts[p], tuned, zero, base);
      /* The control: an adapter that adds nothing changes nothing. */
      g_assert_cmpstr (zero, ==, base);
      differ += strcmp (tuned, base) != 0;
    }
  /* The adapter changes what the model says (every prompt here). */
  g_assert_cmpuint (differ, ==, n);

  /* The base through the adapters' server (all scales 0) is the base without any adapter. */
  plain = start (model, NULL);
  {
    DebriefSampleColumn base_only = { DEBRIEF_ROLE_FINE_TUNED, "tiny", NULL, -1, NULL };

    plain_answers = sample (debrief_llama_server_get_base_url (plain), &base_only, 1, NULL);
  }
  stop (plain);
  for (guint p = 0; p < n; p++)
    g_assert_cmpstr (g_ptr_array_index (plain_answers, p), ==, g_ptr_array_index (answers, 2 * n + p));

  /* samples.jsonl says which checkpoint said what. */
  loaded = debrief_samples_load (samples_path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 3 * n);
  for (guint i = 0; i < loaded->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (loaded, i);

      if (s->role == DEBRIEF_ROLE_BASELINE)
        g_assert_null (s->checkpoint);
      else
        g_assert_true (g_strcmp0 (s->checkpoint, "checkpoint-10") == 0 || g_strcmp0 (s->checkpoint, "checkpoint-20") == 0);
    }
}

static void
kill_server (DebriefLlamaServer *server)
{
  GPid pid = debrief_llama_server_get_pid (server);

  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
}

static void
on_delta (DebriefSampler *sampler, guint prompt, guint column, const char *text, gpointer data)
{
  guint *source = data;

  /* Once the first long answer streams, the server dies. */
  if (*source == 0 && debrief_sampler_get_text (sampler, prompt, column)[0] != '\0' && prompt == 1)
    *source = 1;
}

typedef struct
{
  gboolean exited;
  char *how;
} Exited;

static void
on_exited (DebriefLlamaServer *server, int status, const char *how, Exited *e)
{
  e->exited = TRUE;
  e->how = g_strdup (how);
}

/* The server dies mid-stream: what completed is kept, the rest fails with what
 * had streamed, and the object says how the server ended. */
static void
test_server_dies (void)
{
  g_autofree char *samples_path = g_build_filename (work_dir, "dies.jsonl", NULL);
  g_autoptr(DebriefLlamaServer) server = start (model, NULL);
  g_autoptr(DebriefClient) client = debrief_client_new (debrief_llama_server_get_base_url (server), NULL);
  g_autoptr(DebriefSampler) sampler = debrief_sampler_new (client, samples_path);
  g_autoptr(GPtrArray) loaded = NULL;
  const char *const two[] = { "Say one word", "Explain quantum computing in great detail", NULL };
  Exited e = { 0 };
  guint streaming = 0;
  gboolean killed = FALSE;
  Wait w = { 0 };

  /* One request at a time, the first short, the second long. */
  debrief_client_set_concurrency (client, 1);
  debrief_client_set_retries (client, 0, 10);
  g_signal_connect (server, "exited", G_CALLBACK (on_exited), &e);
  g_signal_connect (sampler, "delta", G_CALLBACK (on_delta), &streaming);
  debrief_sampler_set_prompts (sampler, two);
  debrief_sampler_set_models (sampler, "tiny", NULL);
  debrief_sampler_set_params (sampler, DEBRIEF_API_CHAT, 0.0, 4000);
  debrief_sampler_set_seed (sampler, 1);
  {
    DebriefSampleColumn c = { DEBRIEF_ROLE_FINE_TUNED, "tiny", NULL, -1, NULL };

    debrief_sampler_set_columns (sampler, &c, 1);
  }
  debrief_sampler_run_async (sampler, NULL, sampled_cb, &w);
  while (!w.done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (streaming && !killed && debrief_sampler_get_state (sampler, 0, 0) == DEBRIEF_SAMPLE_STATE_DONE)
        {
          kill_server (server);
          killed = TRUE;
        }
    }
  g_assert_true (killed);
  /* A partial failure is no error: one answer kept. */
  g_assert_no_error (w.error);
  g_assert_cmpint (w.n, ==, 1);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 0, 0), ==, DEBRIEF_SAMPLE_STATE_DONE);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 1, 0), ==, DEBRIEF_SAMPLE_STATE_FAILED);
  g_assert_cmpuint (strlen (debrief_sampler_get_text (sampler, 1, 0)), >, 0);
  g_test_message ("after the kill: %s", debrief_sampler_get_error (sampler, 1, 0));
  loaded = debrief_samples_load (samples_path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 1);
  while (!e.exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (debrief_llama_server_is_running (server));
  g_assert_nonnull (strstr (e.how, "signal 9"));
  g_free (e.how);
}

/* debrief-cli sample --llama-server: starts it, samples, stops it. */
static void
test_cli (void)
{
  const char *cli = g_getenv ("DEBRIEF_CLI");
  g_autofree char *dir = make_run ("cli");
  g_autofree char *samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *ready;
  g_autofree char *url = NULL;

  if (cli == NULL)
    {
      g_test_skip ("DEBRIEF_CLI is not set");
      return;
    }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, cli, "sample",
                           "--llama-server", "--base-gguf", model, "--checkpoint", "best", "--temperature", "0",
                           "--seed", "42", "--max-tokens", "8", dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_test_message ("stderr:\n%s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (out, "**Fine-tuned · checkpoint-10**"));
  loaded = debrief_samples_load (samples_path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 6);
  /* It is gone once the command ended: nothing answers where it listened. */
  ready = strstr (err, "llama-server is ready at ");
  g_assert_nonnull (ready);
  url = g_strndup (ready + strlen ("llama-server is ready at "), strcspn (ready + strlen ("llama-server is ready at "), "\n"));
  g_assert_nonnull (strstr (err, "llama-server stopped"));
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *models = g_strconcat (url, "/models", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", models);
    g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);

    g_assert_null (body);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  binary = g_getenv ("DEBRIEF_LLAMA_SERVER");
  model = g_getenv ("DEBRIEF_TEST_MODEL");
  lora = g_getenv ("DEBRIEF_TEST_LORA");
  lora_zero = g_getenv ("DEBRIEF_TEST_LORA_ZERO");
  if (binary == NULL || model == NULL || lora == NULL || lora_zero == NULL ||
      !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (lora, G_FILE_TEST_EXISTS) ||
      !g_file_test (lora_zero, G_FILE_TEST_EXISTS))
    {
      g_print ("1..0 # SKIP llama-server or the test adapters are not built (build-aux/test.sh builds them with build-aux/llama-server.sh)\n");
      g_printerr ("SKIP: DEBRIEF_LLAMA_SERVER / DEBRIEF_TEST_MODEL / DEBRIEF_TEST_LORA(_ZERO) are not set\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("debrief-lora-XXXXXX", NULL);
  g_test_add_func ("/llama-lora/adapter-changes-answers", test_adapter_changes_answers);
  g_test_add_func ("/llama-lora/server-dies", test_server_dies);
  g_test_add_func ("/llama-lora/cli", test_cli);
  status = g_test_run ();
  debrief_test_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
