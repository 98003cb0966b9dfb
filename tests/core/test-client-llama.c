/* test-client-llama.c: sampling and judging against a real llama.cpp
 * llama-server (suite integration). build-aux/llama-server.sh builds it and a
 * tiny random-weight model and exports DEBRIEF_LLAMA_SERVER and
 * DEBRIEF_TEST_MODEL; without them this test SKIPs, loudly.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

#define API_KEY "sk-debrief-integration"
#define ALIAS   "tiny"
/* Starting takes well under a second; a loaded CI machine may need much more. */
#define STARTUP_TIMEOUT_S 120

static GSubprocess *server;
static char *base_url;
static char *work_dir;

static guint16
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* In the child: die with the test, even when an assertion aborts it before
 * the teardown could stop the server. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
start_server (const char *binary,
              const char *model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *port = g_strdup_printf ("%u", free_port ());
  g_autofree char *health = NULL;
  g_autofree char *log = g_build_filename (work_dir, "llama-server.log", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  gint64 deadline = g_get_monotonic_time () + STARTUP_TIMEOUT_S * G_USEC_PER_SEC;

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, binary, "-m", model, "--host", "127.0.0.1",
                                        "--port", port, "-a", ALIAS, "-c", "2048", "-np", "1", "-t", "2",
                                        "--seed", "42", "--api-key", API_KEY, NULL);
  g_assert_no_error (error);
  base_url = g_strdup_printf ("http://127.0.0.1:%s/v1", port);
  health = g_strdup_printf ("http://127.0.0.1:%s/health", port);
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      if (body != NULL && soup_message_get_status (msg) == 200)
        return TRUE;
      if (g_subprocess_get_identifier (server) == NULL)  /* it exited */
        break;
      g_usleep (100 * 1000);
    }
  {
    g_autofree char *text = NULL;

    g_file_get_contents (log, &text, NULL, NULL);
    g_printerr ("llama-server did not become healthy; its log:\n%s\n", text != NULL ? text : "(none)");
  }
  return FALSE;
}

static DebriefClient *
make_client (const char *key)
{
  DebriefClient *client = debrief_client_new (base_url, key);

  debrief_client_set_timeout (client, 60);
  /* The server has one slot (-np 1): a request queued behind another gets no
   * byte until that one is done, which under ASan can take longer than the timeout. */
  debrief_client_set_concurrency (client, 1);
  debrief_client_set_retries (client, 2, 200);
  return client;
}

typedef struct
{
  gboolean done;
  gpointer result;
  gssize n;
  GError *error;
  DebriefCompletion *partial;
  guint deltas;
} Wait;

static void
wait_for (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
models_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->result = debrief_client_list_models_finish (DEBRIEF_CLIENT (source), result, &w->error);
  w->done = TRUE;
}

static void
test_models_and_auth (void)
{
  g_autoptr(DebriefClient) client = make_client (API_KEY);
  g_autoptr(DebriefClient) nokey = make_client (NULL);
  Wait w = { 0 };
  GStrv ids;

  debrief_client_list_models_async (client, NULL, models_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  ids = w.result;
  g_assert_true (g_strv_contains ((const char *const *) ids, ALIAS));
  g_strfreev (ids);

  /* Without the key: a readable 401 from the server's JSON error body. */
  memset (&w, 0, sizeof w);
  debrief_client_list_models_async (nokey, NULL, models_cb, &w);
  wait_for (&w);
  g_assert_error (w.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_nonnull (strstr (w.error->message, "HTTP 401"));
  g_test_message ("without a key: %s", w.error->message);
  g_clear_error (&w.error);
}

static void
count_delta (const char *text, gpointer data)
{
  ((Wait *) data)->deltas++;
}

static void
complete_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->result = debrief_client_complete_finish (DEBRIEF_CLIENT (source), result, &w->partial, &w->error);
  w->done = TRUE;
}

static void
test_completions_and_cancel (void)
{
  g_autoptr(DebriefClient) client = make_client (API_KEY);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  DebriefCompletionRequest req = DEBRIEF_COMPLETION_REQUEST_INIT;
  DebriefCompletion *c;
  Wait w = { 0 };

  /* The text-completions endpoint, streamed. */
  req.api = DEBRIEF_API_COMPLETIONS;
  req.model = ALIAS;
  req.prompt = "Once upon a time";
  req.temperature = 0.7;
  req.max_tokens = 12;
  debrief_client_complete_async (client, &req, count_delta, &w, NULL, complete_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  c = w.result;
  g_assert_cmpint (c->completion_tokens, >, 0);
  g_assert_cmpint (c->completion_tokens, <=, 12);
  g_assert_true (g_strcmp0 (c->finish_reason, "length") == 0 || g_strcmp0 (c->finish_reason, "stop") == 0);
  g_assert_cmpuint (w.deltas, >=, 1);
  debrief_completion_free (c);

  /* Cancelled while streaming a long answer: partial text, and the server serves the next one. */
  memset (&w, 0, sizeof w);
  req.api = DEBRIEF_API_CHAT;
  req.prompt = "Explain quantum computing";
  req.max_tokens = 1500;
  debrief_client_complete_async (client, &req, count_delta, &w, cancellable, complete_cb, &w);
  while (w.deltas < 3 && !w.done)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  wait_for (&w);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (w.partial);
  g_assert_cmpuint (strlen (w.partial->text), >, 0);
  g_clear_error (&w.error);
  debrief_completion_free (w.partial);

  memset (&w, 0, sizeof w);
  req.max_tokens = 4;
  debrief_client_complete_async (client, &req, NULL, NULL, NULL, complete_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  debrief_completion_free (w.result);
}

static void
run_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->n = debrief_sampler_run_finish (DEBRIEF_SAMPLER (source), result, &w->error);
  w->done = TRUE;
}

static void
judge_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->result = debrief_judge_run_finish (DEBRIEF_JUDGE (source), result, &w->error);
  w->done = TRUE;
}

static void
test_sample_and_judge (void)
{
  g_autoptr(DebriefClient) client = make_client (API_KEY);
  g_autofree char *samples_path = g_build_filename (work_dir, DEBRIEF_SAMPLES_FILE, NULL);
  g_autofree char *judgements_path = g_build_filename (work_dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  g_autoptr(DebriefSampler) sampler = debrief_sampler_new (client, samples_path);
  g_autoptr(DebriefJudge) judge = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  DebriefJudgeSummary *summary;
  Wait w = { 0 };
  guint n_lines = 0;

  /* The checklist's defaults, fine-tuned and baseline side by side (same weights here). */
  debrief_sampler_set_models (sampler, ALIAS, ALIAS);
  debrief_sampler_set_params (sampler, DEBRIEF_API_CHAT, 0.7, 24);
  debrief_sampler_run_async (sampler, NULL, run_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.n, ==, 6);
  samples = debrief_samples_load (samples_path, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 6);
  for (guint i = 0; i < samples->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (samples, i);

      g_assert_cmpstr (s->model, ==, ALIAS);
      g_assert_cmpint (s->completion_tokens, >, 0);
      g_assert_cmpint (s->completion_tokens, <=, 24);
      g_assert_cmpint (s->prompt_tokens, >, 0);
      g_assert_true (g_strv_contains (debrief_default_prompts (), s->prompt));
    }
  {
    g_autofree char *md = debrief_samples_to_markdown (samples);

    g_assert_nonnull (strstr (md, "### “What are the benefits of exercise?”"));
    g_assert_nonnull (strstr (md, "**Baseline** (`tiny`"));
  }

  /* A random-weight judge answers garbage: each answer is either parsed or
   * excluded as unparseable, never a failure, and the file says which. */
  judge = debrief_judge_new (client, ALIAS);
  debrief_judge_set_seed (judge, 1);
  memset (&w, 0, sizeof w);
  debrief_judge_run_async (judge, samples, judgements_path, NULL, judge_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  summary = w.result;
  if (summary->failed > 0 && g_file_get_contents (judgements_path, &contents, NULL, NULL))
    g_printerr ("judgements.jsonl with %u failed:\n%s\n", summary->failed, contents);
  g_clear_pointer (&contents, g_free);
  g_assert_cmpuint (summary->failed, ==, 0);
  g_assert_cmpuint (summary->judged + summary->unparseable, ==, 3);
  g_test_message ("random judge: %u judged, %u unparseable, %u of %u flipped with the order", summary->judged,
                  summary->unparseable, summary->position_flips, summary->both_orders);
  g_assert_true (g_file_get_contents (judgements_path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++, n_lines++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;
      const char *answer;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      obj = json_node_get_object (json_parser_get_root (parser));
      answer = json_object_get_string_member (obj, "answer");
      g_assert_cmpstr (json_object_get_string_member (obj, "parsed"), ==,
                       debrief_judge_answer_to_string (debrief_judge_parse_answer (answer, -1)));
    }
  /* Each pair judged in both orders: a line per order. */
  g_assert_cmpuint (n_lines, ==, 6);
  debrief_judge_summary_free (summary);
}

static void
test_cli (void)
{
  const char *cli = g_getenv ("DEBRIEF_CLI");
  g_autofree char *dir = g_build_filename (work_dir, "cli-run", NULL);
  g_autofree char *prompts = g_build_filename (work_dir, "prompts.jsonl", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *judgements = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  g_autofree char *judgements_path = g_build_filename (dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  DebriefJudgeSummary loaded;

  if (cli == NULL)
    {
      g_test_skip ("DEBRIEF_CLI is not set");
      return;
    }
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (prompts, "{\"prompt\": \"Say hi\"}\nName a colour\n", -1, NULL));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "DEBRIEF_KEY", API_KEY, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "sample", "--endpoint", base_url, "--model", ALIAS,
                                      "--baseline-model", ALIAS, "--api-key-env", "DEBRIEF_KEY", "--prompts", prompts,
                                      "--max-tokens", "8", "--concurrency", "2", dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_test_message ("sample stderr:\n%s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_true (g_str_has_prefix (out, "## Samples\n"));
  g_assert_nonnull (strstr (out, "### “Name a colour”"));
  /* The key is never written anywhere. */
  g_assert_null (strstr (out, API_KEY));
  g_assert_null (strstr (err, API_KEY));
  samples = debrief_samples_load (samples_path, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 4);
  {
    g_autofree char *raw = NULL;

    g_assert_true (g_file_get_contents (samples_path, &raw, NULL, NULL));
    g_assert_null (strstr (raw, API_KEY));
  }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_object (&proc);
  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "judge", "--endpoint", base_url, "--judge-model", ALIAS,
                                      "--api-key-env", "DEBRIEF_KEY", "--seed", "5", dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_test_message ("judge stderr:\n%s", err);
  g_assert_true (g_str_has_prefix (out, "## Judge and next steps\n"));
  g_assert_true (debrief_judge_summary_load (judgements_path, &loaded, NULL, &error));
  g_assert_cmpuint (loaded.judged + loaded.unparseable, ==, 2);
  /* 0 when something could be judged, 1 when every answer was unparseable. */
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, loaded.judged > 0 ? 0 : 1);
  g_assert_true (g_file_get_contents (judgements_path, &judgements, NULL, NULL));
  g_assert_null (strstr (judgements, API_KEY));

  /* Again with --json: nothing is judged twice, and the contract's keys are there. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *again = NULL;
    JsonObject *root;
    JsonObject *summary;
    const char *const keys[] = { "wins", "losses", "ties", "win_rate", "low", "high", "position_flips", "judged", "verdict" };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_clear_object (&proc);
    proc = g_subprocess_launcher_spawn (launcher, &error, cli, "judge", "--endpoint", base_url, "--judge-model", ALIAS,
                                        "--api-key-env", "DEBRIEF_KEY", "--json", dir, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
    g_test_message ("judge --json stderr:\n%s", err);
    g_assert_nonnull (strstr (err, "were already in"));
    g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
    root = json_node_get_object (json_parser_get_root (parser));
    summary = json_object_get_object_member (root, "summary");
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      g_assert_true (json_object_has_member (summary, keys[i]));
    g_assert_cmpint (json_object_get_int_member (summary, "judged") + json_object_get_int_member (summary, "unparseable"), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "judgements")), ==, 4);
    g_assert_true (g_file_get_contents (judgements_path, &again, NULL, NULL));
    g_assert_cmpstr (again, ==, judgements);
  }

  /* Without --model / --baseline-model, a Tinker run's best sampler_path and its base model. */
  {
    g_autofree char *tinker = g_build_filename (work_dir, "tinker-run", NULL);
    g_autofree char *data = debrief_test_data_path ("runs", "attention_only", NULL);
    g_autofree char *tinker_samples = g_build_filename (tinker, DEBRIEF_SAMPLES_FILE, NULL);
    g_autoptr(GPtrArray) tsamples = NULL;
    const char *files[] = { "checkpoints.jsonl", "config.json", "metrics.jsonl" };

    g_assert_cmpint (g_mkdir (tinker, 0755), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *from = g_build_filename (data, files[i], NULL);
        g_autofree char *to = g_build_filename (tinker, files[i], NULL);
        g_autofree char *contents = NULL;
        gsize len;

        g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
        g_assert_true (g_file_set_contents (to, contents, len, NULL));
      }
    g_clear_object (&proc);
    proc = g_subprocess_launcher_spawn (launcher, &error, cli, "sample", "--endpoint", base_url,
                                        "--api-key-env", "DEBRIEF_KEY", "--prompts", prompts, "--max-tokens", "4",
                                        tinker, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait (proc, NULL, NULL));
    g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
    tsamples = debrief_samples_load (tinker_samples, NULL, NULL);
    g_assert_cmpuint (tsamples->len, ==, 4);
    for (guint i = 0; i < tsamples->len; i++)
      {
        DebriefSample *s = g_ptr_array_index (tsamples, i);

        if (s->role == DEBRIEF_ROLE_FINE_TUNED)
          g_assert_true (g_str_has_prefix (s->model, "tinker://") && g_str_has_suffix (s->model, "/sampler_weights/000400"));
        else
          g_assert_false (g_str_has_prefix (s->model, "tinker://"));
      }
  }

  /* Prompts from evaluation data: a seeded sample of its question column. */
  {
    g_autofree char *eval_dir = g_build_filename (work_dir, "eval-run", NULL);
    g_autofree char *csv = g_build_filename (work_dir, "eval.csv", NULL);
    g_autofree char *eval_samples = g_build_filename (eval_dir, DEBRIEF_SAMPLES_FILE, NULL);
    g_autoptr(GPtrArray) esamples = NULL;
    const char *const questions[] = { "What is 1+1?", "Name a fruit", "Say \"yes\"", "Spell cat", "Count to 3", NULL };

    g_assert_cmpint (g_mkdir (eval_dir, 0755), ==, 0);
    g_assert_true (g_file_set_contents (csv, "id,question,answer\n1,What is 1+1?,2\n2,Name a fruit,apple\n"
                                             "3,\"Say \"\"yes\"\"\",yes\n4,Spell cat,c-a-t\n5,Count to 3,1 2 3\n", -1, NULL));
    g_clear_object (&proc);
    proc = g_subprocess_launcher_spawn (launcher, &error, cli, "sample", "--endpoint", base_url, "--model", ALIAS,
                                        "--baseline-model", ALIAS, "--api-key-env", "DEBRIEF_KEY", "--eval-data", csv,
                                        "--prompt-sample", "2", "--max-tokens", "4", eval_dir, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait (proc, NULL, NULL));
    g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
    esamples = debrief_samples_load (eval_samples, NULL, NULL);
    g_assert_cmpuint (esamples->len, ==, 4);
    for (guint i = 0; i < esamples->len; i++)
      g_assert_true (g_strv_contains (questions, ((DebriefSample *) g_ptr_array_index (esamples, i))->prompt));
  }

  /* Usage errors exit 2. */
  g_clear_object (&proc);
  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "judge", "--endpoint", base_url, dir, NULL);
  g_assert_true (g_subprocess_wait (proc, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  const char *binary = g_getenv ("DEBRIEF_LLAMA_SERVER");
  const char *model = g_getenv ("DEBRIEF_TEST_MODEL");
  int status;

  if (binary == NULL || model == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (model, G_FILE_TEST_EXISTS))
    {
      g_print ("1..0 # SKIP llama-server not built (run build-aux/test.sh, which builds it with build-aux/llama-server.sh)\n");
      g_printerr ("SKIP: DEBRIEF_LLAMA_SERVER / DEBRIEF_TEST_MODEL are not set: the real-server tests did not run\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("debrief-llama-XXXXXX", NULL);
  if (!start_server (binary, model))
    {
      g_printerr ("llama-server failed to start\n");
      return 1;
    }
  g_test_add_func ("/llama-server/models-and-auth", test_models_and_auth);
  g_test_add_func ("/llama-server/completions-and-cancel", test_completions_and_cancel);
  g_test_add_func ("/llama-server/sample-and-judge", test_sample_and_judge);
  g_test_add_func ("/llama-server/cli", test_cli);
  status = g_test_run ();

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  debrief_test_remove_tree (work_dir);
  g_free (work_dir);
  g_free (base_url);
  return status;
}
