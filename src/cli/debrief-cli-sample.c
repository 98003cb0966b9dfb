/* debrief-cli-sample.c: `debrief-cli sample`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "debrief-cli-commands.h"
#include "debrief-core.h"

/* The checklist samples at 0.7; the schema allows 0–2 as the OpenAI API does. */
#define DEFAULT_TEMPERATURE 0.7
#define DEFAULT_MAX_TOKENS  512

typedef struct
{
  GMainLoop *loop;
  DebriefSampler *sampler;
  GCancellable *cancellable;
  gssize n_ok;
  GError *error;
  guint total;
  guint finished;
  gboolean stream;
} SampleCtx;

static void
on_item_changed (DebriefSampler *sampler,
                 guint           prompt,
                 guint           role,   /* the column */
                 SampleCtx      *ctx)
{
  DebriefSampleState state = debrief_sampler_get_state (sampler, prompt, role);
  const DebriefSampleColumn *column = debrief_sampler_get_column (sampler, role);
  const char *role_name = column->role == DEBRIEF_ROLE_BASELINE ? debrief_sample_role_to_string (column->role)
                          : column->checkpoint != NULL ? column->checkpoint : column->model;
  const char *full = debrief_sampler_get_prompt (sampler, prompt);
  g_autofree char *short_prompt = g_utf8_substring (full, 0, MIN (g_utf8_strlen (full, -1), 40));

  switch (state)
    {
    case DEBRIEF_SAMPLE_STATE_DONE:
      {
        const DebriefSample *s = debrief_sampler_get_sample (sampler, prompt, role);
        char latency[32];

        ctx->finished++;
        g_ascii_formatd (latency, sizeof latency, "%.2f", s->latency);
        g_printerr (g_dngettext (GETTEXT_PACKAGE, "[%u/%u] %s “%s”: %" PRId64 " token, %s s, %s\n",
                                  "[%u/%u] %s “%s”: %" PRId64 " tokens, %s s, %s\n",
                                  (gulong) MAX (s->completion_tokens, 0)), ctx->finished, ctx->total,
                    role_name, short_prompt, s->completion_tokens, latency,
                    s->finish_reason != NULL ? s->finish_reason : "?");
      }
      break;
    case DEBRIEF_SAMPLE_STATE_FAILED:
      ctx->finished++;
      g_printerr (_("[%u/%u] %s “%s”: failed: %s\n"), ctx->finished, ctx->total, role_name, short_prompt,
                  debrief_sampler_get_error (sampler, prompt, role));
      break;
    case DEBRIEF_SAMPLE_STATE_CANCELLED:
      ctx->finished++;
      g_printerr (_("[%u/%u] %s “%s”: cancelled\n"), ctx->finished, ctx->total, role_name, short_prompt);
      break;
    case DEBRIEF_SAMPLE_STATE_IDLE:
    case DEBRIEF_SAMPLE_STATE_WAITING:
    case DEBRIEF_SAMPLE_STATE_STREAMING:
    default:
      break;
    }
}

static void
on_delta (DebriefSampler *sampler,
          guint           prompt,
          guint           role,
          const char     *text,
          SampleCtx      *ctx)
{
  if (ctx->stream)
    {
      fputs (text, stdout);
      fflush (stdout);
    }
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  SampleCtx *ctx = data;

  ctx->n_ok = debrief_sampler_run_finish (DEBRIEF_SAMPLER (source), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static gboolean
on_sigint (gpointer data)
{
  SampleCtx *ctx = data;

  g_printerr ("%s\n", _("Interrupted: cancelling the requests; finished samples are kept."));
  g_cancellable_cancel (ctx->cancellable);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gboolean done;
  GError *error;
} StartCtx;

static void
server_started (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  StartCtx *ctx = data;

  debrief_llama_server_start_finish (DEBRIEF_LLAMA_SERVER (source), result, &ctx->error);
  ctx->done = TRUE;
}

static gboolean
cancel_on_sigint (gpointer data)
{
  g_printerr ("%s\n", _("Interrupted: stopping llama-server."));
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

static void
server_exited (DebriefLlamaServer *server,
               int                 status,
               const char         *how,
               gpointer            data)
{
  const char *log = debrief_llama_server_get_log (server);
  gsize len = strlen (log);

  g_printerr ("debrief-cli: %s; the end of its log:\n%s\n", how, len > 2000 ? log + len - 2000 : log);
}

/* Starts llama-server with @plan's base and adapters; NULL on failure (said on stderr). */
static DebriefLlamaServer *
start_llama_server (DebriefServePlan *plan,
                    const char       *dir,
                    guint             concurrency)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = NULL;
  g_autoptr(DebriefLlamaServer) server = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  StartCtx ctx = { FALSE, NULL };
  guint sigint;

  if (plan->llama_model == NULL)
    {
      g_printerr (_("debrief-cli: %s: the base model and the adapters must be GGUF files for Debrief to start "
                    "llama-server; convert them first with these commands:\n"), dir);
      for (guint i = 0; i + 1 < plan->steps->len; i++)
        g_printerr ("    %s\n", ((DebriefServeStep *) g_ptr_array_index (plan->steps, i))->command);
      return NULL;
    }
  binary = debrief_llama_server_find (&error);
  if (binary == NULL)
    {
      g_printerr ("debrief-cli: %s\n", error->message);
      return NULL;
    }
  server = debrief_llama_server_new (binary, plan->llama_model, (const char *const *) plan->llama_adapters);
  debrief_llama_server_set_parallel (server, concurrency);
  {
    g_autofree char *cmd = debrief_llama_server_get_command_line (server);

    g_printerr (_("Starting %s\n"), cmd);
  }
  sigint = g_unix_signal_add (SIGINT, cancel_on_sigint, cancellable);
  debrief_llama_server_start_async (server, cancellable, server_started, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sigint);
  if (ctx.error != NULL)
    {
      g_printerr ("debrief-cli: %s\n", ctx.error->message);
      g_clear_error (&ctx.error);
      return NULL;
    }
  g_printerr (_("llama-server is ready at %s\n"), debrief_llama_server_get_base_url (server));
  /* If it dies while sampling, say how and show its last words. */
  g_signal_connect (server, "exited", G_CALLBACK (server_exited), NULL);
  return g_steal_pointer (&server);
}

/* Stops @server and waits (a little) for it to be gone, so that nothing outlives the command. */
static void
stop_llama_server (DebriefLlamaServer *server)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* Stopped by us at the end: nothing to say. */
  g_signal_handlers_disconnect_by_func (server, server_exited, NULL);
  debrief_llama_server_stop (server);
  while (debrief_llama_server_is_running (server) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static const DebriefCheckpoint *
find_checkpoint (DebriefRun *run,
                 const char *name)
{
  for (guint i = 0; run != NULL && i < debrief_run_get_n_checkpoints (run); i++)
    if (g_strcmp0 (debrief_run_get_checkpoint (run, i)->name, name) == 0)
      return debrief_run_get_checkpoint (run, i);
  return NULL;
}

int
debrief_cli_sample (int argc, char **argv)
{
  g_autofree char *endpoint = NULL;
  g_auto(GStrv) models = NULL;
  g_auto(GStrv) checkpoint_args = NULL;
  g_autofree char *server_name = NULL;
  g_autofree char *baseline = NULL;
  g_autofree char *api_key_env = NULL;
  g_autofree char *prompts_file = NULL;
  g_autofree char *temperature_s = NULL;
  g_autofree char *api_key = NULL;
  g_autofree char *samples_path = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *base_gguf = NULL;
  g_autofree char *eval_data = NULL;
  g_autofree char *prompt_column = NULL;
  g_autofree char *prompt_seed_s = NULL;
  g_auto(GStrv) prompts = NULL;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefClient) client = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(DebriefServePlan) plan = NULL;
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GError) run_error = NULL;
  gint max_tokens = DEFAULT_MAX_TOKENS;
  gint concurrency = DEBRIEF_CLIENT_DEFAULT_CONCURRENCY;
  gint per_prompt = 1;
  gint prompt_sample = DEBRIEF_PROMPTS_DEFAULT_SAMPLE;
  gboolean eval_from_config = FALSE;
  gboolean managed = FALSE;
  g_autofree char *seed_s = NULL;
  g_autoptr(DebriefLlamaServer) llama = NULL;
  gboolean stream = FALSE;
  gboolean resume = FALSE;
  double temperature = DEFAULT_TEMPERATURE;
  SampleCtx ctx = { 0 };
  guint sigint;
  guint n_baselines = 0;
  const char *dir;
  GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, N_("OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 (default with --server: its usual address)"), "URL" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_name, N_("The server the checkpoints are served by, as serve-command printed: vllm, sglang, llama.cpp, ollama, tinker"), "NAME" },
    { "checkpoint", 0, 0, G_OPTION_ARG_STRING_ARRAY, &checkpoint_args, N_("Checkpoint to sample (repeat to compare several; “best”, “last”; default: the best by validation loss)"), "NAME" },
    { "model", 0, 0, G_OPTION_ARG_STRING_ARRAY, &models, N_("Fine-tuned model name (repeatable; default: from --server, or the run’s sampler_path)"), "NAME" },
    { "baseline-model", 0, 0, G_OPTION_ARG_STRING, &baseline, N_("Base model name to compare with (default: the run’s base model)"), "NAME" },
    { "llama-server", 0, 0, G_OPTION_ARG_NONE, &managed, N_("Start llama-server with the base model and the checkpoints’ GGUF adapters, sample through it, stop it"), NULL },
    { "base-gguf", 0, 0, G_OPTION_ARG_FILENAME, &base_gguf, N_("With --server llama.cpp or --llama-server: the base model’s GGUF file"), "FILE" },
    { "api-key-env", 0, 0, G_OPTION_ARG_STRING, &api_key_env, N_("Environment variable holding the API key (default OPENAI_API_KEY)"), "VAR" },
    { "prompts", 0, 0, G_OPTION_ARG_FILENAME, &prompts_file, N_("Prompts: one per line, or JSON Lines with \"prompt\""), "FILE" },
    { "eval-data", 0, 0, G_OPTION_ARG_FILENAME, &eval_data, N_("Prompts from an evaluation set (JSON Lines, JSON array or CSV): its prompt column"), "FILE" },
    { "eval-data-from-config", 0, 0, G_OPTION_ARG_NONE, &eval_from_config, N_("Prompts from the evaluation file the run’s config names (eval_file, validation_file, …)"), NULL },
    { "prompt-column", 0, 0, G_OPTION_ARG_STRING, &prompt_column, N_("With --eval-data: the column holding the prompt (default: prompt, instruction, question, messages, …)"), "NAME" },
    { "prompt-sample", 0, 0, G_OPTION_ARG_INT, &prompt_sample, N_("With --eval-data: how many rows to sample (default 50; 0: all)"), "N" },
    { "prompt-seed", 0, 0, G_OPTION_ARG_STRING, &prompt_seed_s, N_("With --eval-data: seed of the row sample (default 0: the same rows every time)"), "N" },
    { "samples-per-prompt", 0, 0, G_OPTION_ARG_INT, &per_prompt, N_("Answers per prompt and model (default 1)"), "N" },
    { "temperature", 0, 0, G_OPTION_ARG_STRING, &temperature_s, N_("Sampling temperature (default 0.7)"), "T" },
    { "max-tokens", 0, 0, G_OPTION_ARG_INT, &max_tokens, N_("Maximum tokens per answer (default 512)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_s, N_("The seed sent with each request (with --temperature 0, the same answers every time)"), "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency, N_("Requests in flight at once (default 4)"), "N" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume, N_("Keep the answers samples.jsonl already holds for the same model and settings; ask only for the rest"), NULL },
    { "stream", 0, 0, G_OPTION_ARG_NONE, &stream, N_("Print tokens to stdout as they arrive"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "DIR" },
    { NULL }
  };

  context = g_option_context_new (_("DIR — sample fine-tuned checkpoints and the base model side by side"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Results are appended to DIR/samples.jsonl as each completes; the samples are printed as markdown on stdout.\n"
      "Exit status: 0 all samples done, 1 some failed or were cancelled, 2 usage error."));
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;

  if (managed)
    {
      if (models != NULL || endpoint != NULL || (server_name != NULL && g_strcmp0 (server_name, "llama.cpp") != 0))
        {
          g_printerr ("%s\n", _("debrief-cli: --llama-server starts its own server: it takes no --model, --endpoint or other --server"));
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      g_free (server_name);
      server_name = g_strdup ("llama.cpp");
    }
  if ((endpoint == NULL && server_name == NULL) || rest == NULL || g_strv_length (rest) != 1)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("debrief-cli: %s\n\n%s", rest == NULL || g_strv_length (rest) != 1 ? _("give exactly one DIR")
                                                                                 : _("--endpoint or --server is required"),
                  help);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  dir = rest[0];
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr (_("debrief-cli: %s: not a folder\n"), dir);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (temperature_s != NULL)
    {
      char *end = NULL;

      temperature = g_ascii_strtod (temperature_s, &end);
      if (end == temperature_s || *end != '\0' || !(temperature >= 0.0 && temperature <= 2.0))
        {
          g_printerr (_("debrief-cli: --temperature must be a number from 0 to 2, not “%s”\n"), temperature_s);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
    }
  if (max_tokens < 1 || max_tokens > 32768 || concurrency < 1 || concurrency > 32)
    {
      g_printerr ("%s\n", _("debrief-cli: --max-tokens must be 1–32768 and --concurrency 1–32"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (per_prompt < 1 || per_prompt > 100)
    {
      g_printerr ("%s\n", _("debrief-cli: --samples-per-prompt must be 1–100"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if ((prompts_file != NULL) + (eval_data != NULL) + eval_from_config > 1)
    {
      g_printerr ("%s\n", _("debrief-cli: give one of --prompts, --eval-data and --eval-data-from-config"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (prompt_sample < 0)
    {
      g_printerr ("%s\n", _("debrief-cli: --prompt-sample must be 0 (all rows) or more"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (eval_from_config)
    {
      g_autofree char *named_by = NULL;
      g_autofree char *missing = NULL;

      eval_data = debrief_eval_data_find (dir, &named_by, &missing);
      if (eval_data == NULL)
        {
          if (missing != NULL)
            g_printerr (_("debrief-cli: %s names %s, which is not on this machine; give the file with --eval-data\n"),
                        named_by, missing);
          else
            g_printerr (_("debrief-cli: %s: no config file names an evaluation file; give one with --eval-data\n"), dir);
          return DEBRIEF_CLI_EXIT_FAILED;
        }
      g_printerr (_("Evaluation data: %s (named by %s)\n"), eval_data, named_by);
    }
  if (eval_data != NULL)
    {
      g_autofree char *column = NULL;
      guint64 seed = 0;
      guint n_rows = 0;
      guint n_skipped = 0;

      if (prompt_seed_s != NULL && !g_ascii_string_to_unsigned (prompt_seed_s, 10, 0, G_MAXUINT32, &seed, NULL))
        {
          g_printerr (_("debrief-cli: --prompt-seed must be a whole number, not “%s”\n"), prompt_seed_s);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      prompts = debrief_prompts_from_data (eval_data, prompt_column, prompt_sample, (guint32) seed, &column,
                                           &n_rows, &n_skipped, &error);
      if (prompts == NULL)
        {
          g_printerr ("debrief-cli: %s\n", error->message);
          return DEBRIEF_CLI_EXIT_FAILED;
        }
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "Prompts: %u row of %s, column “%s” (seed %u)\n",
                                "Prompts: %u rows of %s, column “%s” (seed %u)\n", n_rows),
                  n_rows, eval_data, column, (guint) seed);
      if (n_skipped > 0)
        g_printerr (g_dngettext (GETTEXT_PACKAGE, "debrief-cli: %s: skipped %u line that is not a row\n",
                                  "debrief-cli: %s: skipped %u lines that are not rows\n", n_skipped),
                    eval_data, n_skipped);
    }
  else if (prompts_file != NULL)
    {
      prompts = debrief_prompts_load (prompts_file, &error);
      if (prompts == NULL)
        {
          g_printerr ("debrief-cli: %s\n", error->message);
          return DEBRIEF_CLI_EXIT_FAILED;
        }
    }
  else
    prompts = g_strdupv ((char **) debrief_default_prompts ());

  /* The run says what was trained (its checkpoints, its base model). */
  {
    g_autoptr(GFile) folder = g_file_new_for_path (dir);

    run = debrief_run_load (folder, NULL, &run_error);
  }
  if (models == NULL)
    {
      DebriefServer server = DEBRIEF_SERVER_TINKER;
      DebriefServeOptions options = { base_gguf, 0 };

      if (server_name != NULL && !debrief_server_from_string (server_name, &server))
        {
          g_printerr (_("debrief-cli: unknown server “%s” (vllm, sglang, llama.cpp, ollama, tinker)\n"), server_name);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      if (run == NULL)
        {
          g_printerr ("debrief-cli: %s\n", run_error->message);
          return DEBRIEF_CLI_EXIT_FAILED;
        }
      plan = debrief_serve_plan_new (run, server, (const char *const *) checkpoint_args, &options);
      if (!plan->available)
        {
          if (server_name == NULL)
            g_printerr (_("debrief-cli: %s: no checkpoint names a sampler_path; give the model with --model, or the server with --server (%s)\n"),
                        dir, plan->reason);
          else
            g_printerr ("debrief-cli: %s\n", plan->reason);
          return DEBRIEF_CLI_EXIT_FAILED;
        }
      if (managed)
        {
          llama = start_llama_server (plan, dir, concurrency);
          if (llama == NULL)
            return DEBRIEF_CLI_EXIT_FAILED;
          g_free (endpoint);
          endpoint = g_strdup (debrief_llama_server_get_base_url (llama));
        }
      columns = debrief_serve_plan_get_columns (plan, run, baseline == NULL);
      for (guint i = 0; i < plan->models->len; i++)
        {
          DebriefServeModel *m = g_ptr_array_index (plan->models, i);

          g_printerr (_("Checkpoint “%s”: model %s\n"), m->checkpoint, m->model);
        }
      if (endpoint == NULL)
        endpoint = g_strdup (plan->base_url);
      if (api_key_env == NULL && plan->api_key_env != NULL && g_getenv (plan->api_key_env) != NULL)
        api_key_env = g_strdup (plan->api_key_env);
    }
  else
    {
      guint n_models = g_strv_length (models);
      guint n_checkpoints = checkpoint_args != NULL ? g_strv_length (checkpoint_args) : 0;

      if (n_checkpoints > 0 && n_checkpoints != n_models)
        {
          g_printerr ("%s\n", _("debrief-cli: with --model, give one --checkpoint per --model (it names which checkpoint each is) or none"));
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      columns = g_array_new (FALSE, TRUE, sizeof (DebriefSampleColumn));
      for (guint i = 0; i < n_models; i++)
        {
          const char *name = n_checkpoints > 0 ? checkpoint_args[i] : NULL;
          const DebriefCheckpoint *ck = name != NULL ? find_checkpoint (run, name) : NULL;
          DebriefSampleColumn c = { DEBRIEF_ROLE_FINE_TUNED, models[i], name, ck != NULL ? ck->step : -1, NULL };

          g_array_append_val (columns, c);
        }
    }
  if (baseline == NULL && plan == NULL && run != NULL && debrief_run_get_config (run)->base_model != NULL)
    baseline = g_strdup (debrief_run_get_config (run)->base_model);
  if (baseline != NULL && baseline[0] != '\0')
    {
      DebriefSampleColumn c = { DEBRIEF_ROLE_BASELINE, baseline, NULL, -1,
                                plan != NULL ? plan->baseline_request_extra : NULL };

      g_array_append_val (columns, c);
    }
  for (guint i = 0; i < columns->len; i++)
    if (g_array_index (columns, DebriefSampleColumn, i).role == DEBRIEF_ROLE_BASELINE)
      n_baselines++;
  if (n_baselines == 0)
    g_printerr ("%s\n", _("debrief-cli: no --baseline-model: sampling the fine-tuned model only"));
  else
    g_printerr (_("Baseline: model %s\n"), g_array_index (columns, DebriefSampleColumn, columns->len - 1).model);

  api_key = debrief_client_api_key_from_env (api_key_env != NULL ? api_key_env : "OPENAI_API_KEY");
  if (api_key == NULL && api_key_env != NULL)
    g_printerr (_("debrief-cli: warning: $%s is not set; sending no API key\n"), api_key_env);

  client = debrief_client_new (endpoint, api_key);
  debrief_client_set_concurrency (client, concurrency);
  samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  ctx.sampler = debrief_sampler_new (client, samples_path);
  debrief_sampler_set_prompts (ctx.sampler, (const char *const *) prompts);
  debrief_sampler_set_columns (ctx.sampler, (DebriefSampleColumn *) columns->data, columns->len);
  debrief_sampler_set_samples_per_prompt (ctx.sampler, per_prompt);
  debrief_sampler_set_params (ctx.sampler, DEBRIEF_API_CHAT, temperature, max_tokens);
  if (seed_s != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (seed_s, 10, 0, G_MAXINT64, &seed, NULL))
        {
          g_printerr (_("debrief-cli: --seed must be a whole number, not “%s”\n"), seed_s);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      debrief_sampler_set_seed (ctx.sampler, (gint64) seed);
    }
  if (resume)
    {
      g_autoptr(GPtrArray) existing = debrief_samples_load (samples_path, NULL, &error);

      if (existing == NULL)
        {
          g_printerr ("debrief-cli: %s\n", error->message);
          return DEBRIEF_CLI_EXIT_FAILED;
        }
      debrief_sampler_set_existing (ctx.sampler, existing);
    }
  ctx.total = debrief_sampler_get_n_prompts (ctx.sampler) * columns->len;
  ctx.stream = stream;
  g_signal_connect (ctx.sampler, "item-changed", G_CALLBACK (on_item_changed), &ctx);
  g_signal_connect (ctx.sampler, "delta", G_CALLBACK (on_delta), &ctx);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  ctx.loop = loop;
  ctx.cancellable = cancellable;
  sigint = g_unix_signal_add (SIGINT, on_sigint, &ctx);
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Sampling %u prompt from %s at temperature %.2g, %d at a time\n",
                            "Sampling %u prompts from %s at temperature %.2g, %d at a time\n",
                            g_strv_length (prompts)),
              g_strv_length (prompts), debrief_client_get_base_url (client), temperature, concurrency);
  debrief_sampler_run_async (ctx.sampler, cancellable, run_done, &ctx);
  g_main_loop_run (loop);
  g_source_remove (sigint);

  samples = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);
  for (guint p = 0; p < debrief_sampler_get_n_prompts (ctx.sampler); p++)
    for (guint c = 0; c < debrief_sampler_get_n_columns (ctx.sampler); c++)
      if (debrief_sampler_get_sample (ctx.sampler, p, c) != NULL)
        g_ptr_array_add (samples, debrief_sample_copy (debrief_sampler_get_sample (ctx.sampler, p, c)));
  if (debrief_sampler_get_n_reused (ctx.sampler) > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u answer was already in %s and was kept\n",
                              "%u answers were already in %s and were kept\n",
                              debrief_sampler_get_n_reused (ctx.sampler)),
                debrief_sampler_get_n_reused (ctx.sampler), samples_path);
  g_clear_object (&ctx.sampler);
  if (llama != NULL)
    {
      stop_llama_server (llama);
      g_printerr ("%s\n", _("llama-server stopped"));
    }

  if (stream)
    fputs ("\n", stdout);
  markdown = debrief_samples_to_markdown (samples);
  printf ("## %s\n\n%s", _("Samples"), markdown);

  if (ctx.error != NULL)
    {
      g_printerr ("debrief-cli: %s\n", ctx.error->message);
      g_clear_error (&ctx.error);
      return DEBRIEF_CLI_EXIT_FAILED;
    }
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "%zd of %u sample done; appended to %s\n",
                            "%zd of %u samples done; appended to %s\n", ctx.total), ctx.n_ok, ctx.total, samples_path);
  return (guint) ctx.n_ok == ctx.total ? DEBRIEF_CLI_EXIT_OK : DEBRIEF_CLI_EXIT_FAILED;
}
