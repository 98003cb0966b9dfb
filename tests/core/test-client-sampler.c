/* test-client-sampler.c: samples.jsonl, prompt files, the markdown block and
 * DebriefSampler against an in-process SoupServer.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

static char *
tmp_file (const char *name,
          const char *contents)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-sampler-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);

  if (contents != NULL)
    g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
remove_tmp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_prompts_file (void)
{
  g_autofree char *path = tmp_file ("prompts.txt",
                                    "# my prompts\n"
                                    "Explain quantum computing\n"
                                    "\n"
                                    "{\"prompt\": \"Write a haiku\\nabout rain\", \"id\": 3}\n"
                                    "   What are the benefits of exercise?  \r\n");
  g_autofree char *bad = tmp_file ("bad.jsonl", "{\"prompt\": \"ok\"}\n{\"text\": \"no prompt\"}\n");
  g_autofree char *empty = tmp_file ("empty.txt", "\n# nothing\n\n");
  g_auto(GStrv) prompts = NULL;
  g_autoptr(GError) error = NULL;

  prompts = debrief_prompts_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (prompts), ==, 3);
  g_assert_cmpstr (prompts[0], ==, "Explain quantum computing");
  g_assert_cmpstr (prompts[1], ==, "Write a haiku\nabout rain");
  g_assert_cmpstr (prompts[2], ==, "What are the benefits of exercise?");

  g_assert_null (debrief_prompts_load (bad, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "bad.jsonl:2:"));
  g_clear_error (&error);
  g_assert_null (debrief_prompts_load (empty, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA);
  g_clear_error (&error);

  g_assert_cmpuint (g_strv_length ((char **) debrief_default_prompts ()), ==, 3);
  g_assert_cmpstr (debrief_default_prompts ()[1], ==, "Write a Python function to sort a list");
  remove_tmp (path);
  remove_tmp (bad);
  remove_tmp (empty);
}

static void
test_samples_roundtrip (void)
{
  g_autofree char *path = tmp_file (DEBRIEF_SAMPLES_FILE, NULL);
  g_autoptr(DebriefSample) s = debrief_sample_new ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) latest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *md = NULL;
  GString *long_text = g_string_new (NULL);
  guint skipped;
  FILE *f;

  s->prompt = g_strdup ("Explain quantum computing");
  s->model = g_strdup ("tinker://run/sampler_weights/000300");
  s->role = DEBRIEF_ROLE_FINE_TUNED;
  s->text = g_strdup ("Qubits “superpose”.\n\nThat's it.");
  s->finish_reason = g_strdup ("stop");
  s->completion_tokens = 9;
  s->latency = 1.23456;
  s->time = g_strdup ("2026-11-25T19:00:00Z");
  g_assert_true (debrief_samples_append (path, s, &error));
  /* A line that is not a sample, as a crash or a hand edit may leave. */
  f = g_fopen (path, "a");
  fputs ("{\"prompt\": \"Explain quantum computing\", \"role\": \"judge\", \"text\": \"x\"}\nnot json\n", f);
  fclose (f);
  for (guint i = 0; i < 700; i++)
    g_string_append_c (long_text, 'a' + i % 26);
  g_free (s->text);
  s->text = g_string_free (long_text, FALSE);
  s->role = DEBRIEF_ROLE_BASELINE;
  g_free (s->model);
  s->model = g_strdup ("Qwen/Qwen3-8B");
  s->latency = NAN;
  g_assert_true (debrief_samples_append (path, s, &error));
  g_free (s->text);
  s->text = g_strdup ("newer baseline");
  g_assert_true (debrief_samples_append (path, s, &error));

  loaded = debrief_samples_load (path, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3);
  g_assert_cmpuint (skipped, ==, 2);
  {
    DebriefSample *first = g_ptr_array_index (loaded, 0);

    g_assert_cmpstr (first->text, ==, "Qubits “superpose”.\n\nThat's it.");
    g_assert_cmpint (first->completion_tokens, ==, 9);
    g_assert_cmpint (first->prompt_tokens, ==, -1);
    g_assert_cmpfloat_with_epsilon (first->latency, 1.235, 1e-9);
    g_assert_cmpstr (first->finish_reason, ==, "stop");
    g_assert_true (isnan (((DebriefSample *) g_ptr_array_index (loaded, 1))->latency));
  }
  latest = debrief_samples_latest (loaded);
  g_assert_cmpuint (latest->len, ==, 2);
  g_assert_cmpstr (((DebriefSample *) g_ptr_array_index (latest, 1))->text, ==, "newer baseline");

  /* The report quotes at most 500 characters. */
  g_ptr_array_set_size (loaded, 2);
  md = debrief_samples_to_markdown (loaded);
  g_assert_true (g_str_has_prefix (md, "### “Explain quantum computing”\n\n"));
  g_assert_nonnull (strstr (md, "**Fine-tuned** (`tinker://run/sampler_weights/000300`, 9 tokens, 1.2 s):\n\n> Qubits “superpose”.\n>\n> That's it.\n"));
  g_assert_nonnull (strstr (md, "*(first 500 of 700 characters)*"));
  {
    const char *quote = strstr (md, "**Baseline**");
    const char *body = strstr (quote, "> ") + 2;
    const char *end = strchr (body, '\n');

    g_assert_cmpint (end - body, ==, 500);
  }
  remove_tmp (path);
}

/* Several threads append long lines at once: every line must come out whole. */
typedef struct
{
  const char *path;
  guint id;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(DebriefSample) s = debrief_sample_new ();

      s->prompt = g_strdup_printf ("writer %u line %u", w->id, i);
      s->model = g_strdup ("m");
      s->text = g_strnfill (3000 + (i * 37) % 5000, 'a' + w->id);
      g_assert_true (debrief_samples_append (w->path, s, NULL));
    }
  return NULL;
}

static void
test_samples_concurrent_append (void)
{
  g_autofree char *path = tmp_file (DEBRIEF_SAMPLES_FILE, NULL);
  Writer writers[4];
  GThread *threads[4];
  g_autoptr(GPtrArray) loaded = NULL;
  guint skipped = 99;

  for (guint i = 0; i < 4; i++)
    {
      writers[i].path = path;
      writers[i].id = i;
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  loaded = debrief_samples_load (path, &skipped, NULL);
  g_assert_cmpuint (loaded->len, ==, 400);
  g_assert_cmpuint (skipped, ==, 0);
  for (guint i = 0; i < loaded->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (loaded, i);
      guint id = s->prompt[7] - '0';

      g_assert_cmpuint (strspn (s->text, (char[]) { 'a' + id, 0 }), ==, strlen (s->text));
    }
  remove_tmp (path);
}

/* ---- DebriefSampler against a server ---- */

typedef struct
{
  SoupServerMessage *msg;
  GPtrArray *chunks;
  guint next;
  guint refs;
  gboolean finished;
} Stream;

static void
stream_unref (gpointer data)
{
  Stream *s = data;

  if (--s->refs > 0)
    return;
  g_ptr_array_unref (s->chunks);
  g_object_unref (s->msg);
  g_free (s);
}

static gboolean
stream_step (gpointer data)
{
  Stream *s = data;

  if (s->finished)
    return G_SOURCE_REMOVE;  /* the client went away */
  if (s->next < s->chunks->len)
    {
      const char *c = g_ptr_array_index (s->chunks, s->next++);

      soup_message_body_append (soup_server_message_get_response_body (s->msg), SOUP_MEMORY_COPY, c, strlen (c));
      soup_server_message_unpause (s->msg);
      return G_SOURCE_CONTINUE;
    }
  soup_message_body_complete (soup_server_message_get_response_body (s->msg));
  soup_server_message_unpause (s->msg);
  return G_SOURCE_REMOVE;
}

static void
stream_finished (SoupServerMessage *msg,
                 Stream            *s)
{
  s->finished = TRUE;
}

static char *
delta_event (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  return g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n", escaped);
}

/* Set: model "dies" answers like any other (a server that came back). */
static gboolean server_healed;

/* The adapter a request enables with llama-server's "lora" field, or -1. */
static gint64
enabled_lora (JsonObject *obj)
{
  JsonArray *lora;

  if (!json_object_has_member (obj, "lora"))
    return -1;
  lora = json_object_get_array_member (obj, "lora");
  for (guint i = 0; i < json_array_get_length (lora); i++)
    {
      JsonObject *a = json_array_get_object_element (lora, i);

      if (json_object_get_double_member (a, "scale") > 0)
        return json_object_get_int_member (a, "id");
    }
  return -1;
}

/* Streams "MODEL says: PROMPT" in two pieces ("MODEL[lora N]" when the
 * request enables an adapter); model "broken" → HTTP 400; model "slow" → one
 * piece every 200 ms; model "dies" → one piece, then the body ends with no
 * end marker (a server that died mid-stream) unless server_healed. */
static void
sampler_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  const char *model;
  const char *prompt;
  Stream *s;

  obj = debrief_test_request_object (msg, parser);
  model = json_object_get_string_member (obj, "model");
  prompt = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (obj, "messages"), 0), "content");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "temperature"), 0.7, 1e-9);
  g_assert_cmpint (json_object_get_int_member (obj, "max_tokens"), ==, 64);
  if (strcmp (model, "broken") == 0)
    {
      const char *err = "{\"error\":{\"message\":\"The model `broken` does not exist\",\"type\":\"not_found\"}}";

      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, err, strlen (err));
      return;
    }
  s = g_new0 (Stream, 1);
  s->msg = g_object_ref (msg);
  s->refs = 3;  /* the timeout source and the two signal handlers */
  s->chunks = g_ptr_array_new_with_free_func (g_free);
  if (enabled_lora (obj) >= 0)
    {
      g_autofree char *tagged = g_strdup_printf ("%s[lora %" G_GINT64_FORMAT "]", model, enabled_lora (obj));

      g_ptr_array_add (s->chunks, delta_event (tagged));
    }
  else
    g_ptr_array_add (s->chunks, delta_event (model));
  if (strcmp (model, "dies") != 0 || server_healed)
    {
      g_ptr_array_add (s->chunks, g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\" says: %s\"},\"finish_reason\":\"stop\"}],"
                                                   "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":%u}}\n\n",
                                                   prompt, (guint) strlen (prompt)));
      g_ptr_array_add (s->chunks, g_strdup ("data: [DONE]\n\n"));
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "text/event-stream", NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_server_message_pause (msg);
  g_signal_connect_data (msg, "finished", G_CALLBACK (stream_finished), s,
                         (GClosureNotify) (void (*) (void)) stream_unref, 0);
  g_signal_connect_data (msg, "disconnected", G_CALLBACK (stream_finished), s,
                         (GClosureNotify) (void (*) (void)) stream_unref, 0);
  g_timeout_add_full (G_PRIORITY_DEFAULT, strcmp (model, "slow") == 0 ? 200 : 1, stream_step, s, stream_unref);
}

typedef struct
{
  SoupServer *server;
  char *base;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  fx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fx->server, NULL, sampler_handler, NULL, NULL);
  fx->base = g_strdup_printf ("http://127.0.0.1:%u/v1", debrief_test_server_listen (fx->server));
  fx->path = tmp_file (DEBRIEF_SAMPLES_FILE, NULL);
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  debrief_test_server_stop (fx->server);
  g_clear_object (&fx->server);
  remove_tmp (fx->path);
  g_free (fx->path);
  g_free (fx->base);
}

typedef struct
{
  gboolean done;
  gssize n;
  GError *error;
  GString *streamed[2][DEBRIEF_N_ROLES];
} RunCtx;

static void
on_run (GObject *source, GAsyncResult *result, gpointer data)
{
  RunCtx *ctx = data;

  ctx->n = debrief_sampler_run_finish (DEBRIEF_SAMPLER (source), result, &ctx->error);
  ctx->done = TRUE;
}

static void
on_rerun (GObject *source, GAsyncResult *result, gpointer data)
{
  RunCtx *ctx = data;

  ctx->n = debrief_sampler_rerun_finish (DEBRIEF_SAMPLER (source), result, &ctx->error);
  ctx->done = TRUE;
}

static void
on_delta (DebriefSampler *sampler, guint prompt, guint role, const char *text, RunCtx *ctx)
{
  g_assert_cmpuint (prompt, <, 2);
  if (ctx->streamed[prompt][role] == NULL)
    ctx->streamed[prompt][role] = g_string_new (NULL);
  g_string_append (ctx->streamed[prompt][role], text);
}

static void
run_ctx_clear (RunCtx *ctx)
{
  for (guint p = 0; p < 2; p++)
    for (guint r = 0; r < DEBRIEF_N_ROLES; r++)
      if (ctx->streamed[p][r] != NULL)
        g_string_free (ctx->streamed[p][r], TRUE);
  g_clear_error (&ctx->error);
  memset (ctx, 0, sizeof *ctx);
}

static DebriefSampler *
make_sampler (Fixture    *fx,
              const char *tuned,
              const char *base)
{
  g_autoptr(DebriefClient) client = debrief_client_new (fx->base, NULL);
  DebriefSampler *sampler = debrief_sampler_new (client, fx->path);
  const char *prompts[] = { "Explain quantum computing", "What are the benefits of exercise?", NULL };

  debrief_client_set_retries (client, 0, 10);
  debrief_sampler_set_prompts (sampler, prompts);
  debrief_sampler_set_models (sampler, tuned, base);
  debrief_sampler_set_params (sampler, DEBRIEF_API_CHAT, 0.7, 64);
  return sampler;
}

static void
test_sampler_run (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefSampler) sampler = make_sampler (fx, "tuned", "base");
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) latest = NULL;
  RunCtx ctx = { 0 };

  g_signal_connect (sampler, "delta", G_CALLBACK (on_delta), &ctx);
  debrief_sampler_run_async (sampler, NULL, on_run, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (ctx.error);
  g_assert_cmpint (ctx.n, ==, 4);
  for (guint p = 0; p < 2; p++)
    for (guint r = 0; r < DEBRIEF_N_ROLES; r++)
      {
        const DebriefSample *s = debrief_sampler_get_sample (sampler, p, r);
        g_autofree char *expected = g_strdup_printf ("%s says: %s", r == DEBRIEF_ROLE_FINE_TUNED ? "tuned" : "base",
                                                     debrief_sampler_get_prompt (sampler, p));

        g_assert_cmpint (debrief_sampler_get_state (sampler, p, r), ==, DEBRIEF_SAMPLE_STATE_DONE);
        g_assert_cmpstr (s->text, ==, expected);
        g_assert_cmpstr (ctx.streamed[p][r]->str, ==, expected);
        g_assert_cmpint (s->completion_tokens, ==, (gint64) strlen (debrief_sampler_get_prompt (sampler, p)));
        g_assert_cmpfloat (s->latency, >, 0);
        g_assert_cmpuint (strlen (s->time), ==, 20);
      }

  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 4);
  for (guint i = 0; i < loaded->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (loaded, i);

      g_assert_cmpstr (s->model, ==, s->role == DEBRIEF_ROLE_FINE_TUNED ? "tuned" : "base");
      g_assert_true (g_str_has_suffix (s->text, s->prompt));
    }
  run_ctx_clear (&ctx);

  /* Re-run one: a fifth line, and it is the newest for its prompt and role. */
  debrief_sampler_rerun_async (sampler, 1, DEBRIEF_ROLE_BASELINE, NULL, on_rerun, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (ctx.error);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 5);
  latest = debrief_samples_latest (loaded);
  g_assert_cmpuint (latest->len, ==, 4);
  run_ctx_clear (&ctx);
}

static void
test_sampler_partial_failure (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefSampler) sampler = make_sampler (fx, "tuned", "broken");
  g_autoptr(GPtrArray) loaded = NULL;
  RunCtx ctx = { 0 };

  debrief_sampler_run_async (sampler, NULL, on_run, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (ctx.error);
  g_assert_cmpint (ctx.n, ==, 2);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 0, DEBRIEF_ROLE_BASELINE), ==, DEBRIEF_SAMPLE_STATE_FAILED);
  g_assert_nonnull (strstr (debrief_sampler_get_error (sampler, 0, DEBRIEF_ROLE_BASELINE),
                            "HTTP 400 Bad Request: The model `broken` does not exist (not_found)"));
  g_assert_null (debrief_sampler_get_sample (sampler, 0, DEBRIEF_ROLE_BASELINE));
  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 2);
  run_ctx_clear (&ctx);

  /* Everything failing is an error. */
  debrief_sampler_set_models (sampler, "broken", "broken");
  debrief_sampler_run_async (sampler, NULL, on_run, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (ctx.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  run_ctx_clear (&ctx);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_sampler_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefSampler) sampler = make_sampler (fx, "tuned", "slow");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) loaded = NULL;
  RunCtx ctx = { 0 };

  /* The fine-tuned answers finish in ms, the slow baseline ones (a piece every
   * 200 ms) are cancelled mid-stream: once the fine-tuned ones are done and the
   * first baseline piece has arrived. */
  debrief_sampler_run_async (sampler, cancellable, on_run, &ctx);
  while (!ctx.done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (!g_cancellable_is_cancelled (cancellable) &&
          debrief_sampler_get_state (sampler, 0, DEBRIEF_ROLE_FINE_TUNED) == DEBRIEF_SAMPLE_STATE_DONE &&
          debrief_sampler_get_state (sampler, 1, DEBRIEF_ROLE_FINE_TUNED) == DEBRIEF_SAMPLE_STATE_DONE &&
          debrief_sampler_get_state (sampler, 0, DEBRIEF_ROLE_BASELINE) == DEBRIEF_SAMPLE_STATE_STREAMING)
        cancel_cb (cancellable);
    }
  g_assert_error (ctx.error, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 0, DEBRIEF_ROLE_FINE_TUNED), ==, DEBRIEF_SAMPLE_STATE_DONE);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 0, DEBRIEF_ROLE_BASELINE), ==, DEBRIEF_SAMPLE_STATE_CANCELLED);
  /* What had streamed is still shown. */
  g_assert_cmpstr (debrief_sampler_get_text (sampler, 0, DEBRIEF_ROLE_BASELINE), ==, "slow");
  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 2);
  run_ctx_clear (&ctx);

  /* Cancelling one item leaves the others alone. */
  debrief_sampler_set_models (sampler, "slow", "tuned");
  debrief_sampler_run_async (sampler, NULL, on_run, &ctx);
  debrief_sampler_cancel_item (sampler, 1, DEBRIEF_ROLE_FINE_TUNED);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (ctx.error, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 0, DEBRIEF_ROLE_FINE_TUNED), ==, DEBRIEF_SAMPLE_STATE_DONE);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 1, DEBRIEF_ROLE_FINE_TUNED), ==, DEBRIEF_SAMPLE_STATE_CANCELLED);
  g_assert_cmpint (debrief_sampler_get_state (sampler, 1, DEBRIEF_ROLE_BASELINE), ==, DEBRIEF_SAMPLE_STATE_DONE);
  run_ctx_clear (&ctx);
}

/* Base, best and last side by side, two samples each; the last one's server
 * dies mid-stream; then the comparison resumes and asks only for what is missing. */
static void
test_sampler_columns (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = debrief_client_new (fx->base, NULL);
  g_autoptr(DebriefSampler) sampler = debrief_sampler_new (client, fx->path);
  g_autoptr(DebriefSampler) again = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *md = NULL;
  const char *prompts[] = { "Explain quantum computing", "What are the benefits of exercise?", NULL };
  const DebriefSampleColumn columns[] = {
    { DEBRIEF_ROLE_FINE_TUNED, "tuned", "checkpoint-200", 200, "{\"lora\": [{\"id\": 0, \"scale\": 1.0}]}" },
    { DEBRIEF_ROLE_FINE_TUNED, "dies", "checkpoint-300", 300, NULL },
    { DEBRIEF_ROLE_BASELINE, "base", NULL, -1, "{\"lora\": [{\"id\": 0, \"scale\": 0.0}]}" },
  };
  RunCtx ctx = { 0 };
  guint with_checkpoint = 0;

  server_healed = FALSE;
  debrief_client_set_retries (client, 0, 10);
  debrief_sampler_set_prompts (sampler, prompts);
  debrief_sampler_set_columns (sampler, columns, G_N_ELEMENTS (columns));
  debrief_sampler_set_samples_per_prompt (sampler, 2);
  debrief_sampler_set_params (sampler, DEBRIEF_API_CHAT, 0.7, 64);
  g_assert_cmpuint (debrief_sampler_get_n_columns (sampler), ==, 3);
  g_assert_cmpuint (debrief_sampler_get_n_prompts (sampler), ==, 4);
  g_assert_cmpstr (debrief_sampler_get_prompt (sampler, 3), ==, prompts[1]);
  g_assert_cmpuint (debrief_sampler_get_sample_index (sampler, 3), ==, 1);
  g_assert_cmpstr (debrief_sampler_get_column (sampler, 1)->checkpoint, ==, "checkpoint-300");

  debrief_sampler_run_async (sampler, NULL, on_run, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  /* A partial failure is no error: 8 of 12 answered. */
  g_assert_no_error (ctx.error);
  g_assert_cmpint (ctx.n, ==, 8);
  for (guint p = 0; p < 4; p++)
    {
      const DebriefSample *best = debrief_sampler_get_sample (sampler, p, 0);
      g_autofree char *expected = g_strdup_printf ("tuned[lora 0] says: %s", debrief_sampler_get_prompt (sampler, p));

      g_assert_cmpstr (best->text, ==, expected);
      g_assert_cmpstr (best->checkpoint, ==, "checkpoint-200");
      g_assert_cmpint (best->step, ==, 200);
      g_assert_cmpuint (best->sample_index, ==, p % 2);
      g_assert_cmpint (debrief_sampler_get_state (sampler, p, 1), ==, DEBRIEF_SAMPLE_STATE_FAILED);
      /* What streamed before the server died is kept on screen. */
      g_assert_cmpstr (debrief_sampler_get_text (sampler, p, 1), ==, "dies");
      /* The base's "lora" list enables no adapter. */
      g_assert_true (g_str_has_prefix (debrief_sampler_get_sample (sampler, p, 2)->text, "base says: "));
    }
  run_ctx_clear (&ctx);

  /* samples.jsonl says which checkpoint said what. */
  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 8);
  for (guint i = 0; i < loaded->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (loaded, i);

      g_assert_cmpfloat_with_epsilon (s->temperature, 0.7, 1e-9);
      g_assert_cmpint (s->max_tokens, ==, 64);
      if (s->role == DEBRIEF_ROLE_FINE_TUNED)
        {
          g_assert_cmpstr (s->checkpoint, ==, "checkpoint-200");
          with_checkpoint++;
        }
      else
        g_assert_null (s->checkpoint);
    }
  g_assert_cmpuint (with_checkpoint, ==, 4);
  md = debrief_samples_to_markdown (loaded);
  g_assert_nonnull (strstr (md, "**Fine-tuned · checkpoint-200** (`tuned`"));
  g_assert_nonnull (strstr (md, "**Fine-tuned · checkpoint-200 · sample 2** (`tuned`"));
  /* Checkpoints first, then the baseline. */
  g_assert_true (strstr (md, "**Fine-tuned · checkpoint-200**") < strstr (md, "**Baseline"));

  /* Re-run with what completed: only the four missing answers are asked for. */
  server_healed = TRUE;
  again = debrief_sampler_new (client, fx->path);
  debrief_sampler_set_prompts (again, prompts);
  debrief_sampler_set_columns (again, columns, G_N_ELEMENTS (columns));
  debrief_sampler_set_samples_per_prompt (again, 2);
  debrief_sampler_set_params (again, DEBRIEF_API_CHAT, 0.7, 64);
  debrief_sampler_set_existing (again, loaded);
  debrief_sampler_run_async (again, NULL, on_run, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (ctx.error);
  g_assert_cmpint (ctx.n, ==, 12);
  g_assert_cmpuint (debrief_sampler_get_n_reused (again), ==, 8);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 12);
  g_assert_cmpstr (debrief_sampler_get_sample (again, 3, 1)->checkpoint, ==, "checkpoint-300");
  run_ctx_clear (&ctx);

  /* All there: nothing is asked, and it finishes at once. */
  debrief_sampler_set_existing (again, loaded);
  debrief_sampler_run_async (again, NULL, on_run, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (ctx.n, ==, 12);
  g_assert_cmpuint (debrief_sampler_get_n_reused (again), ==, 12);
  run_ctx_clear (&ctx);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = debrief_samples_load (fx->path, NULL, NULL);
  g_assert_cmpuint (loaded->len, ==, 12);
}

static char *
write_tmp (const char *dir,
           const char *name,
           const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_eval_data (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-eval-XXXXXX", NULL);
  g_autofree char *alpaca = write_tmp (dir, "alpaca.jsonl",
    "{\"instruction\": \"Translate to English\", \"input\": \"Hallo Welt\", \"output\": \"Hello world\"}\n"
    "{\"instruction\": \"Add 2 and 2\", \"input\": \"\", \"output\": \"4\"}\n"
    "not a row\n"
    "{\"instruction\": \"\", \"input\": \"x\"}\n");
  g_autofree char *chat = write_tmp (dir, "chat.json",
    "[{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Name a colour\"},"
    " {\"role\": \"assistant\", \"content\": \"Red\"}]},"
    " {\"conversations\": [{\"from\": \"human\", \"value\": \"ShareGPT style\"}]},"
    " {\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"in parts\"}]}]}]");
  g_autofree char *csv = write_tmp (dir, "eval.csv",
    "\xef\xbb\xbfid,Question,answer\r\n1,\"What is \"\"x\"\"?\",x\r\n2,\"two\nlines\",y\r\n3,,z\r\n4,plain,w\r\n");
  g_autofree char *column = NULL;
  g_auto(GStrv) prompts = NULL;
  g_autoptr(GError) error = NULL;
  guint rows = 0, skipped = 0;

  prompts = debrief_prompts_from_data (alpaca, NULL, 0, 0, &column, &rows, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (column, ==, "instruction");
  g_assert_cmpuint (rows, ==, 2);
  g_assert_cmpuint (skipped, ==, 1);
  /* Alpaca: the instruction with its input. */
  g_assert_cmpstr (prompts[0], ==, "Translate to English\n\nHallo Welt");
  g_assert_cmpstr (prompts[1], ==, "Add 2 and 2");
  g_clear_pointer (&prompts, g_strfreev);
  g_clear_pointer (&column, g_free);

  /* The first user turn of chats, in either convention, in the same file. */
  prompts = debrief_prompts_from_data (chat, "messages", 0, 0, &column, &rows, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 2);
  g_assert_cmpstr (prompts[0], ==, "Name a colour");
  g_assert_cmpstr (prompts[1], ==, "in parts");
  g_clear_pointer (&prompts, g_strfreev);
  prompts = debrief_prompts_from_data (chat, "conversations", 0, 0, NULL, &rows, NULL, &error);
  g_assert_cmpstr (prompts[0], ==, "ShareGPT style");
  g_clear_pointer (&prompts, g_strfreev);
  g_clear_pointer (&column, g_free);

  /* CSV: a byte-order mark, quotes, a cell over two lines, an empty cell skipped, any case of the name. */
  prompts = debrief_prompts_from_data (csv, NULL, 0, 0, &column, &rows, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (column, ==, "Question");
  g_assert_cmpuint (rows, ==, 3);
  g_assert_cmpstr (prompts[0], ==, "What is \"x\"?");
  g_assert_cmpstr (prompts[1], ==, "two\nlines");
  g_assert_cmpstr (prompts[2], ==, "plain");
  g_clear_pointer (&prompts, g_strfreev);

  /* A column that is not there: the error lists those that are. */
  prompts = debrief_prompts_from_data (csv, "prompt", 0, 0, NULL, NULL, NULL, &error);
  g_assert_null (prompts);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA);
  g_assert_nonnull (strstr (error->message, "eval.csv: no column “prompt” (its columns: id, Question, answer)"));
  g_clear_error (&error);
  prompts = debrief_prompts_from_data (chat, "instruction", 0, 0, NULL, NULL, NULL, &error);
  g_assert_null (prompts);
  g_assert_nonnull (strstr (error->message, "its columns: messages"));
  g_clear_error (&error);

  /* A seeded sample: the same rows for the same seed, in file order; others for another seed. */
  {
    GString *big = g_string_new (NULL);
    g_autofree char *path = NULL;
    g_auto(GStrv) a = NULL;
    g_auto(GStrv) b = NULL;
    g_auto(GStrv) c = NULL;
    g_auto(GStrv) all = NULL;

    for (guint i = 0; i < 1000; i++)
      g_string_append_printf (big, "{\"prompt\": \"question %04u\"}\n", i);
    path = write_tmp (dir, "big.jsonl", big->str);
    g_string_free (big, TRUE);
    a = debrief_prompts_from_data (path, NULL, 50, 7, NULL, &rows, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows, ==, 50);
    b = debrief_prompts_from_data (path, NULL, 50, 7, NULL, NULL, NULL, NULL);
    c = debrief_prompts_from_data (path, NULL, 50, 8, NULL, NULL, NULL, NULL);
    g_assert_true (g_strv_equal ((const char *const *) a, (const char *const *) b));
    g_assert_false (g_strv_equal ((const char *const *) a, (const char *const *) c));
    for (guint i = 1; i < 50; i++)
      g_assert_cmpint (strcmp (a[i - 1], a[i]), <, 0);
    /* Spread over the file, not its head. */
    g_assert_cmpint (strcmp (a[49], "question 0500"), >, 0);
    all = debrief_prompts_from_data (path, NULL, 5000, 7, NULL, &rows, NULL, NULL);
    g_assert_cmpuint (rows, ==, 1000);
  }

  /* The evaluation file a run's config names: nested in JSON, in YAML, or named but absent. */
  {
    g_autofree char *run = g_build_filename (dir, "run", NULL);
    g_autofree char *found = NULL;
    g_autofree char *named_by = NULL;
    g_autofree char *missing = NULL;
    g_autofree char *expected = NULL;

    g_assert_cmpint (g_mkdir (run, 0755), ==, 0);
    g_free (write_tmp (run, "config.json", "{\"data\": {\"train_file\": \"train.jsonl\", \"validation_file\": \"/train/machine/val.jsonl\"}}"));
    found = debrief_eval_data_find (run, &named_by, &missing);
    g_assert_null (found);
    g_assert_cmpstr (named_by, ==, "config.json: validation_file");
    g_assert_cmpstr (missing, ==, "/train/machine/val.jsonl");
    g_clear_pointer (&named_by, g_free);
    g_clear_pointer (&missing, g_free);
    g_free (write_tmp (run, "val.jsonl", "{\"prompt\": \"p\"}\n"));
    g_free (write_tmp (run, "train_args.yaml", "model: x\neval_file: 'val.jsonl'   \n"));
    found = debrief_eval_data_find (run, &named_by, &missing);
    expected = g_build_filename (run, "val.jsonl", NULL);
    g_assert_cmpstr (found, ==, expected);
    g_assert_cmpstr (named_by, ==, "train_args.yaml: eval_file");
    g_assert_null (missing);
  }
  debrief_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/samples/prompts-file", test_prompts_file);
  g_test_add_func ("/samples/roundtrip", test_samples_roundtrip);
  g_test_add_func ("/samples/concurrent-append", test_samples_concurrent_append);
  g_test_add_func ("/samples/eval-data", test_eval_data);
  g_test_add ("/sampler/run", Fixture, NULL, fixture_set_up, test_sampler_run, fixture_tear_down);
  g_test_add ("/sampler/partial-failure", Fixture, NULL, fixture_set_up, test_sampler_partial_failure, fixture_tear_down);
  g_test_add ("/sampler/cancel", Fixture, NULL, fixture_set_up, test_sampler_cancel, fixture_tear_down);
  g_test_add ("/sampler/columns", Fixture, NULL, fixture_set_up, test_sampler_columns, fixture_tear_down);
  return g_test_run ();
}
