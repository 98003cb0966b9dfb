/* test-client.c: the OpenAI-compatible client against an in-process SoupServer
 * that injects faults.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

#define API_KEY "sk-test-0123456789-secret"

typedef struct
{
  SoupServer *server;
  char *base;
  GHashTable *hits;          /* path → count */
  guint in_flight;
  guint max_in_flight;
  GPtrArray *streams;        /* Stream*, alive */
  GPtrArray *paused;         /* SoupServerMessage* that never get an answer */
  gint64 first_hit_us[8];
  gint64 last_hit_us;
} Fixture;

typedef struct
{
  Fixture *fx;
  SoupServerMessage *msg;
  GPtrArray *chunks;         /* char* */
  guint next;
  guint interval_ms;
  enum { END_COMPLETE, END_DROP, END_ENDLESS } end;
  guint source;
  gboolean finished;
  gboolean counted_out;      /* no longer counted as in flight */
} Stream;

static void
stream_free (Stream *s)
{
  if (s->source != 0)
    g_source_remove (s->source);
  g_signal_handlers_disconnect_by_data (s->msg, s);
  g_object_unref (s->msg);
  g_ptr_array_unref (s->chunks);
  g_free (s);
}

static void
stream_finished_cb (SoupServerMessage *msg,
                    Stream            *s)
{
  Fixture *fx = s->fx;

  /* "finished" or "disconnected", whichever comes first: the stream ends here. */
  s->finished = TRUE;
  if (!s->counted_out)
    fx->in_flight--;
  g_ptr_array_remove (fx->streams, s);
}

static gboolean
stream_step (gpointer data)
{
  Stream *s = data;
  SoupMessageBody *body = soup_server_message_get_response_body (s->msg);

  if (s->next < s->chunks->len)
    {
      const char *chunk = g_ptr_array_index (s->chunks, s->next++);

      /* The request stops counting as in flight once its last event is out. */
      if (s->next == s->chunks->len && !s->counted_out && s->end == END_COMPLETE)
        {
          s->counted_out = TRUE;
          s->fx->in_flight--;
        }
      soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, strlen (chunk));
      soup_server_message_unpause (s->msg);
      return G_SOURCE_CONTINUE;
    }
  switch (s->end)
    {
    case END_COMPLETE:
      s->source = 0;
      soup_message_body_complete (body);
      soup_server_message_unpause (s->msg);
      return G_SOURCE_REMOVE;
    case END_DROP:
      {
        /* Cut the connection in the middle of the chunked body. */
        GSocket *socket = soup_server_message_get_socket (s->msg);

        s->source = 0;
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
        return G_SOURCE_REMOVE;
      }
    case END_ENDLESS:
      {
        g_autofree char *filler = g_strnfill (8000, 'x');
        g_autofree char *event = g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\"%s\"}}]}\n\n", filler);

        soup_message_body_append (body, SOUP_MEMORY_COPY, event, strlen (event));
        soup_server_message_unpause (s->msg);
        return G_SOURCE_CONTINUE;
      }
    }
  g_assert_not_reached ();
}

static Stream *
stream_start (Fixture           *fx,
              SoupServerMessage *msg,
              guint              interval_ms)
{
  Stream *s = g_new0 (Stream, 1);

  s->fx = fx;
  s->msg = g_object_ref (msg);
  s->chunks = g_ptr_array_new_with_free_func (g_free);
  s->interval_ms = interval_ms;
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "text/event-stream", NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_server_message_pause (msg);
  g_signal_connect (msg, "finished", G_CALLBACK (stream_finished_cb), s);
  g_signal_connect (msg, "disconnected", G_CALLBACK (stream_finished_cb), s);
  g_ptr_array_add (fx->streams, s);
  return s;
}

static void
stream_go (Stream *s)
{
  s->source = g_timeout_add (s->interval_ms, stream_step, s);
}

static void
add_delta (Stream     *s,
           const char *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, "served-model");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "delta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "content");
  if (text != NULL)
    json_builder_add_string_value (b, text);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  g_ptr_array_add (s->chunks, g_strdup_printf ("data: %s\n\n", json));
}

static void
add_end (Stream *s)
{
  g_ptr_array_add (s->chunks, g_strdup ("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"));
  g_ptr_array_add (s->chunks, g_strdup ("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}\n\n"));
  g_ptr_array_add (s->chunks, g_strdup ("data: [DONE]\n\n"));
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static guint
count_hit (Fixture    *fx,
           const char *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fx->hits, key)) + 1;

  g_hash_table_insert (fx->hits, g_strdup (key), GUINT_TO_POINTER (n));
  if (n <= G_N_ELEMENTS (fx->first_hit_us))
    fx->first_hit_us[n - 1] = g_get_monotonic_time ();
  fx->last_hit_us = g_get_monotonic_time ();
  return n;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  Fixture *fx = data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_auto(GStrv) parts = g_strsplit (path, "/", 3);  /* "", "case", "rest" */
  const char *name = parts[1] != NULL ? parts[1] : "";
  guint n = count_hit (fx, name);
  Stream *s;

  if (g_strcmp0 (auth, "Bearer " API_KEY) != 0)
    {
      /* Like some servers, echo the key that was sent. */
      g_autofree char *json = g_strdup_printf ("{\"error\":{\"message\":\"Invalid API key %s\","
                                               "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}",
                                               auth != NULL && strlen (auth) > 7 ? auth + 7 : "");

      reply_json (msg, 401, json);
      return;
    }
  if (g_str_has_suffix (path, "/models"))
    {
      reply_json (msg, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"base\"},{\"id\":\"tuned\"}]}");
      return;
    }

  fx->in_flight++;
  fx->max_in_flight = MAX (fx->max_in_flight, fx->in_flight);

  if (strcmp (name, "ok") == 0 || strcmp (name, "busy") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj = debrief_test_request_object (msg, parser);

      g_assert_true (json_object_get_boolean_member (obj, "stream"));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "temperature"), 0.7, 1e-9);
      s = stream_start (fx, msg, strcmp (name, "busy") == 0 ? 100 : 5);
      add_delta (s, NULL);  /* llama.cpp starts with content: null */
      add_delta (s, "Hello");
      add_delta (s, ", wörld");
      add_end (s);
      stream_go (s);
    }
  else if (strcmp (name, "slow") == 0)
    {
      /* Never answers: the client's timeout must fire. */
      soup_server_message_pause (msg);
      g_ptr_array_add (fx->paused, g_object_ref (msg));
      fx->in_flight--;
    }
  else if (strcmp (name, "slowfirst") == 0)
    {
      /* Headers at once, first byte of the body only after 1.5 s. */
      s = stream_start (fx, msg, 1500);
      add_delta (s, "late");
      add_end (s);
      stream_go (s);
    }
  else if (strcmp (name, "ratelimit") == 0 && n == 1)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      reply_json (msg, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit\"}}");
      fx->in_flight--;
    }
  else if (strcmp (name, "ratelimit") == 0 || (strcmp (name, "flaky") == 0 && n == 3))
    {
      s = stream_start (fx, msg, 1);
      add_delta (s, "after retry");
      add_end (s);
      stream_go (s);
    }
  else if (strcmp (name, "flaky") == 0 || strcmp (name, "broken") == 0)
    {
      reply_json (msg, 500, "{\"error\":{\"code\":500,\"message\":\"Internal failure in the model\",\"type\":\"server_error\"}}");
      fx->in_flight--;
    }
  else if (strcmp (name, "html") == 0)
    {
      const char *page = "<html><body>404 page not found\nmore</body></html>";

      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
      fx->in_flight--;
    }
  else if (strcmp (name, "malformed") == 0)
    {
      s = stream_start (fx, msg, 1);
      add_delta (s, "fine");
      g_ptr_array_add (s->chunks, g_strdup ("data: {\"choices\": [ nope\n\n"));
      add_end (s);
      stream_go (s);
    }
  else if (strcmp (name, "truncated") == 0)
    {
      s = stream_start (fx, msg, 1);
      add_delta (s, "half an ");
      add_delta (s, "answer");
      g_ptr_array_add (s->chunks, g_strdup ("data: {\"choices\":[{\"delta\":{\"content\":\"cut"));
      s->end = END_COMPLETE;   /* a clean end of body, but no end marker */
      stream_go (s);
    }
  else if (strcmp (name, "drop") == 0)
    {
      s = stream_start (fx, msg, 5);
      add_delta (s, "before ");
      add_delta (s, "the drop");
      s->end = END_DROP;
      stream_go (s);
    }
  else if (strcmp (name, "huge") == 0)
    {
      s = stream_start (fx, msg, 1);
      s->end = END_ENDLESS;
      stream_go (s);
    }
  else if (strcmp (name, "hugeerror") == 0)
    {
      g_autofree char *big = g_strnfill (10 * 1024 * 1024, 'e');

      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, big, strlen (big));
      fx->in_flight--;
    }
  else if (strcmp (name, "streamerror") == 0)
    {
      s = stream_start (fx, msg, 1);
      add_delta (s, "partial ");
      g_ptr_array_add (s->chunks, g_strdup ("data: {\"error\":{\"message\":\"Model overloaded\",\"type\":\"overloaded\"}}\n\n"));
      stream_go (s);
    }
  else if (strcmp (name, "plain") == 0)
    {
      /* A server that ignores stream: true and answers with one JSON object. */
      if (g_str_has_suffix (path, "/completions") && !g_str_has_suffix (path, "/chat/completions"))
        reply_json (msg, 200, "{\"choices\":[{\"text\":\"as text\",\"finish_reason\":\"length\"}],"
                              "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":7}}");
      else
        reply_json (msg, 200, "{\"model\":\"m\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},"
                              "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}");
      fx->in_flight--;
    }
  else
    {
      reply_json (msg, 404, "{\"detail\":\"Not Found\"}");
      fx->in_flight--;
    }
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->server = soup_server_new (NULL, NULL);
  fx->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fx->streams = g_ptr_array_new_with_free_func ((GDestroyNotify) stream_free);
  fx->paused = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (fx->server, NULL, handler, fx, NULL);
  fx->base = g_strdup_printf ("http://127.0.0.1:%u", debrief_test_server_listen (fx->server));
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  for (guint i = 0; i < fx->paused->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (fx->paused, i);

      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_unpause (msg);
    }
  debrief_test_server_stop (fx->server);
  g_clear_object (&fx->server);
  g_ptr_array_unref (fx->paused);
  g_ptr_array_unref (fx->streams);
  g_hash_table_unref (fx->hits);
  g_free (fx->base);
}

static guint
hits (Fixture    *fx,
      const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fx->hits, name));
}

typedef struct
{
  gboolean done;
  DebriefCompletion *completion;
  DebriefCompletion *partial;
  GError *error;
  GString *streamed;
  GCancellable *cancel_on_delta;   /* cancelled as soon as text arrives */
} Call;

static void
call_clear (Call *call)
{
  debrief_completion_free (call->completion);
  debrief_completion_free (call->partial);
  g_clear_error (&call->error);
  if (call->streamed != NULL)
    g_string_free (call->streamed, TRUE);
  memset (call, 0, sizeof *call);
}

static void
on_delta (const char *text,
          gpointer    data)
{
  Call *call = data;

  g_assert_cmpuint (strlen (text), >, 0);
  g_string_append (call->streamed, text);
  if (call->cancel_on_delta != NULL)
    g_cancellable_cancel (call->cancel_on_delta);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Call *call = data;

  call->completion = debrief_client_complete_finish (DEBRIEF_CLIENT (source), result,
                                                     &call->partial, &call->error);
  call->done = TRUE;
}

static DebriefClient *
make_client (Fixture    *fx,
             const char *name,
             const char *key)
{
  g_autofree char *base = g_strdup_printf ("%s/%s/v1/", fx->base, name);
  DebriefClient *client = debrief_client_new (base, key);

  debrief_client_set_retries (client, 2, 10);
  debrief_client_set_timeout (client, 5);
  return client;
}

static void
start_call (DebriefClient *client,
            Call          *call,
            DebriefApiKind api,
            GCancellable  *cancellable)
{
  DebriefCompletionRequest req = DEBRIEF_COMPLETION_REQUEST_INIT;

  req.api = api;
  req.model = "tuned";
  req.prompt = "Explain quantum computing";
  req.temperature = 0.7;
  req.max_tokens = 64;
  call->streamed = g_string_new (NULL);
  debrief_client_complete_async (client, &req, on_delta, call, cancellable, on_done, call);
}

static void
run_call (DebriefClient *client,
          Call          *call,
          DebriefApiKind api)
{
  start_call (client, call, api, NULL);
  while (!call->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_no_key (const char *s)
{
  g_assert_null (strstr (s, API_KEY));
}

static void
test_stream_ok (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "ok", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.completion->text, ==, "Hello, wörld");
  g_assert_cmpstr (call.streamed->str, ==, "Hello, wörld");
  g_assert_cmpstr (call.completion->finish_reason, ==, "stop");
  g_assert_cmpstr (call.completion->model, ==, "served-model");
  g_assert_cmpint (call.completion->prompt_tokens, ==, 5);
  g_assert_cmpint (call.completion->completion_tokens, ==, 3);
  g_assert_cmpuint (call.completion->attempts, ==, 1);
  g_assert_cmpfloat (call.completion->latency, >, 0);
  g_assert_cmpfloat (call.completion->first_token, <=, call.completion->latency);
  call_clear (&call);
}

static void
test_plain_json (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "plain", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.completion->text, ==, "whole");
  g_assert_cmpint (call.completion->completion_tokens, ==, 1);
  call_clear (&call);

  run_call (client, &call, DEBRIEF_API_COMPLETIONS);
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.completion->text, ==, "as text");
  g_assert_cmpstr (call.completion->finish_reason, ==, "length");
  call_clear (&call);
}

static void
test_unauthorized (Fixture *fx, gconstpointer data)
{
  /* The server echoes the (wrong) key it got: it must not reach the message. */
  g_autoptr(DebriefClient) client = make_client (fx, "ok", API_KEY "-wrong");
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_nonnull (strstr (call.error->message, "HTTP 401"));
  g_assert_nonnull (strstr (call.error->message, "Invalid API key [redacted]"));
  g_assert_nonnull (strstr (call.error->message, "(invalid_request_error, invalid_api_key)"));
  assert_no_key (call.error->message);
  g_assert_null (strstr (call.error->message, "-wrong"));
  g_assert_cmpuint (hits (fx, "ok"), ==, 1);  /* 401 is not retried */
  call_clear (&call);
}

static void
test_slow_timeout (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "slow", API_KEY);
  Call call = { 0 };
  gint64 start = g_get_monotonic_time ();

  debrief_client_set_timeout (client, 1);
  debrief_client_set_retries (client, 0, 10);
  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK);
  g_assert_nonnull (strstr (call.error->message, "timed out"));
  /* Only an upper bound: libsoup's timeouts are whole-second sources that GLib
   * may fire early to coalesce wake-ups, so a 1 s timeout can end after ~0.7 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  call_clear (&call);
}

static void
test_slow_first_byte (Fixture *fx, gconstpointer data)
{
  /* 1.5 s before the first byte: a 1 s timeout fails, a 3 s one waits it out. */
  g_autoptr(DebriefClient) client = make_client (fx, "slowfirst", API_KEY);
  Call call = { 0 };

  debrief_client_set_retries (client, 0, 10);
  debrief_client_set_timeout (client, 1);
  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK);
  g_assert_nonnull (strstr (call.error->message, "timed out"));
  call_clear (&call);

  debrief_client_set_timeout (client, 3);
  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.completion->text, ==, "late");
  g_assert_cmpfloat (call.completion->first_token, >=, 1.4);
  call_clear (&call);
}

static void
test_retry_after (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "ratelimit", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.completion->text, ==, "after retry");
  g_assert_cmpuint (call.completion->attempts, ==, 2);
  g_assert_cmpuint (hits (fx, "ratelimit"), ==, 2);
  /* Backoff alone is 10 ms; Retry-After: 1 must have held the retry back ~1 s. */
  g_assert_cmpint (fx->first_hit_us[1] - fx->first_hit_us[0], >=, 950 * 1000);
  call_clear (&call);
}

static void
test_retry_5xx (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) flaky = make_client (fx, "flaky", API_KEY);
  g_autoptr(DebriefClient) broken = make_client (fx, "broken", API_KEY);
  Call call = { 0 };

  /* Two 500s, then success: the third attempt wins, after exponential backoff. */
  debrief_client_set_retries (flaky, 2, 100);
  run_call (flaky, &call, DEBRIEF_API_CHAT);
  g_assert_no_error (call.error);
  g_assert_cmpuint (call.completion->attempts, ==, 3);
  g_assert_cmpint (fx->first_hit_us[1] - fx->first_hit_us[0], >=, 80 * 1000);
  g_assert_cmpint (fx->first_hit_us[2] - fx->first_hit_us[1], >=, 160 * 1000);
  call_clear (&call);

  /* Always 500: gives up after 1 + 2 attempts with the server's message. */
  run_call (broken, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_nonnull (strstr (call.error->message, "HTTP 500 Internal Server Error: Internal failure in the model (server_error)"));
  g_assert_cmpuint (hits (fx, "broken"), ==, 3);
  call_clear (&call);
}

static void
test_html_error (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "html", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_nonnull (strstr (call.error->message, "HTTP 404 Not Found: <html><body>404 page not found"));
  g_assert_null (strstr (call.error->message, "more"));
  g_assert_cmpuint (hits (fx, "html"), ==, 1);
  call_clear (&call);
}

static void
test_malformed (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "malformed", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (call.error->message, "malformed event"));
  g_assert_nonnull (call.partial);
  g_assert_cmpstr (call.partial->text, ==, "fine");
  g_assert_cmpuint (hits (fx, "malformed"), ==, 1);  /* text had arrived: no retry */
  call_clear (&call);
}

static void
test_truncated (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "truncated", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK);
  g_assert_nonnull (strstr (call.error->message, "ended before its end marker (the answer is incomplete)"));
  g_assert_cmpstr (call.partial->text, ==, "half an answer");
  g_assert_cmpstr (call.streamed->str, ==, "half an answer");
  call_clear (&call);
}

static void
test_dropped (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "drop", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK);
  g_assert_nonnull (strstr (call.error->message, "(the answer is incomplete)"));
  g_assert_cmpstr (call.partial->text, ==, "before the drop");
  g_assert_cmpuint (hits (fx, "drop"), ==, 1);
  call_clear (&call);
}

static void
test_huge (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "huge", API_KEY);
  g_autoptr(DebriefClient) errclient = make_client (fx, "hugeerror", API_KEY);
  Call call = { 0 };

  debrief_client_set_max_response_size (client, 256 * 1024);
  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE);
  g_assert_nonnull (call.partial);
  g_assert_cmpuint (strlen (call.partial->text), <=, 256 * 1024);
  g_assert_cmpuint (strlen (call.partial->text), >, 100 * 1024);
  call_clear (&call);

  /* A 10 MB error body: read only a bounded prefix, describe it briefly. */
  run_call (errclient, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_cmpuint (strlen (call.error->message), <, 400);
  call_clear (&call);
}

static void
test_stream_error (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "streamerror", API_KEY);
  Call call = { 0 };

  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_nonnull (strstr (call.error->message, "Model overloaded (overloaded)"));
  g_assert_cmpstr (call.partial->text, ==, "partial ");
  call_clear (&call);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) slow = make_client (fx, "slow", API_KEY);
  g_autoptr(DebriefClient) busy = make_client (fx, "busy", API_KEY);
  g_autoptr(GCancellable) c1 = g_cancellable_new ();
  g_autoptr(GCancellable) c2 = g_cancellable_new ();
  Call call = { 0 };
  gint64 start = g_get_monotonic_time ();

  /* While waiting for headers. */
  start_call (slow, &call, DEBRIEF_API_CHAT, c1);
  g_timeout_add (100, cancel_later, c1);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  call_clear (&call);

  /* Mid-stream (an event every 100 ms), from the delta callback itself: the text so far is kept. */
  call.cancel_on_delta = c2;
  start_call (busy, &call, DEBRIEF_API_CHAT, c2);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (call.partial);
  g_assert_cmpstr (call.partial->text, ==, "Hello");
  g_assert_cmpstr (call.streamed->str, ==, "Hello");
  call_clear (&call);

  /* While waiting to retry after a 500: no further attempt is made. */
  {
    g_autoptr(DebriefClient) broken = make_client (fx, "broken", API_KEY);
    g_autoptr(GCancellable) c3 = g_cancellable_new ();

    debrief_client_set_retries (broken, 3, 400);
    start = g_get_monotonic_time ();
    start_call (broken, &call, DEBRIEF_API_CHAT, c3);
    g_timeout_add (150, cancel_later, c3);
    while (!call.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 300 * 1000);
    call_clear (&call);
    /* Past the first backoff (400 ms ± 20%): still one request only. */
    {
      gint64 until = g_get_monotonic_time () + 700 * 1000;

      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE), g_usleep (10 * 1000);
    }
    g_assert_cmpuint (hits (fx, "broken"), ==, 1);
  }

  /* Already cancelled before it could start. */
  start_call (busy, &call, DEBRIEF_API_CHAT, c2);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  call_clear (&call);
}

static void
test_concurrency (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "busy", API_KEY);
  g_autoptr(GCancellable) cancel_queued = g_cancellable_new ();
  Call calls[8] = { 0 };
  guint done = 0;

  debrief_client_set_concurrency (client, 3);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    start_call (client, &calls[i], DEBRIEF_API_CHAT, i == 7 ? cancel_queued : NULL);
  g_assert_cmpuint (debrief_client_get_n_active (client), ==, 3);
  g_assert_cmpuint (debrief_client_get_n_queued (client), ==, 5);
  /* Cancelling a queued request ends it without it ever reaching the server. */
  g_cancellable_cancel (cancel_queued);
  while (done < G_N_ELEMENTS (calls))
    {
      g_main_context_iteration (NULL, TRUE);
      done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
        done += calls[i].done;
    }
  for (guint i = 0; i < 7; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_cmpstr (calls[i].completion->text, ==, "Hello, wörld");
    }
  g_assert_error (calls[7].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fx->max_in_flight, ==, 3);
  g_assert_cmpuint (hits (fx, "busy"), ==, 7);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    call_clear (&calls[i]);
}

static void
on_models (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Call *call = data;
  g_auto(GStrv) ids = debrief_client_list_models_finish (DEBRIEF_CLIENT (source), result, &call->error);

  call->streamed = g_string_new (NULL);
  if (ids != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", ids);

      g_string_append (call->streamed, joined);
    }
  call->done = TRUE;
}

static void
test_models (Fixture *fx, gconstpointer data)
{
  g_autoptr(DebriefClient) client = make_client (fx, "ok", API_KEY);
  g_autoptr(DebriefClient) bad = make_client (fx, "ok", "nope");
  Call call = { 0 };

  debrief_client_list_models_async (client, NULL, on_models, &call);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (call.error);
  g_assert_cmpstr (call.streamed->str, ==, "base,tuned");
  call_clear (&call);

  debrief_client_list_models_async (bad, NULL, on_models, &call);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP);
  g_assert_nonnull (strstr (call.error->message, "401"));
  call_clear (&call);
}

static void
test_connection_refused (void)
{
  /* A port nobody listens on (bound, then closed). */
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(DebriefClient) client = NULL;
  g_autofree char *url = NULL;
  Call call = { 0 };

  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (sock, NULL);
  client = debrief_client_new (url, NULL);
  debrief_client_set_retries (client, 1, 10);
  run_call (client, &call, DEBRIEF_API_CHAT);
  g_assert_error (call.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (call.error->message, url));
  g_assert_null (call.partial);
  call_clear (&call);
  while (g_main_context_iteration (NULL, FALSE));
}

static void
test_helpers (void)
{
  g_autofree char *a = debrief_client_describe_error_body ("{\"error\":\"plain string\"}", 24);
  g_autofree char *b = debrief_client_describe_error_body ("{\"detail\":[{\"msg\":\"field required\"}]}", 37);
  g_autofree char *c = debrief_client_describe_error_body ("\n\n  oops\x01 \n next", 17);
  g_autofree char *d = debrief_client_describe_error_body ("", 0);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 25, 12, 0, 0);
  gint64 t = g_date_time_to_unix (now);

  g_assert_cmpstr (a, ==, "plain string");
  g_assert_cmpstr (b, ==, "field required");
  g_assert_cmpstr (c, ==, "oops");
  g_assert_cmpstr (d, ==, "");
  g_assert_cmpint (debrief_client_parse_retry_after ("7", t), ==, 7000);
  g_assert_cmpint (debrief_client_parse_retry_after (" 0 ", t), ==, 0);
  g_assert_cmpint (debrief_client_parse_retry_after ("Wed, 25 Nov 2026 12:00:30 GMT", t), ==, 30000);
  g_assert_cmpint (debrief_client_parse_retry_after ("Wed, 25 Nov 2026 11:00:00 GMT", t), ==, 0);
  g_assert_cmpint (debrief_client_parse_retry_after ("soon", t), ==, -1);
  g_assert_cmpint (debrief_client_parse_retry_after ("-3", t), ==, -1);
  g_assert_cmpint (debrief_client_parse_retry_after ("5s", t), ==, -1);

  g_setenv ("DEBRIEF_TEST_KEY", "  sk-abc \n", TRUE);
  {
    g_autofree char *key = debrief_client_api_key_from_env ("DEBRIEF_TEST_KEY");

    g_assert_cmpstr (key, ==, "sk-abc");
  }
  g_assert_null (debrief_client_api_key_from_env ("DEBRIEF_TEST_KEY_UNSET"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/client/stream-ok", test_stream_ok);
  ADD ("/client/plain-json", test_plain_json);
  ADD ("/client/unauthorized", test_unauthorized);
  ADD ("/client/slow-timeout", test_slow_timeout);
  ADD ("/client/slow-first-byte", test_slow_first_byte);
  ADD ("/client/retry-after", test_retry_after);
  ADD ("/client/retry-5xx", test_retry_5xx);
  ADD ("/client/html-error", test_html_error);
  ADD ("/client/malformed", test_malformed);
  ADD ("/client/truncated", test_truncated);
  ADD ("/client/dropped", test_dropped);
  ADD ("/client/huge", test_huge);
  ADD ("/client/stream-error", test_stream_error);
  ADD ("/client/cancel", test_cancel);
  ADD ("/client/concurrency", test_concurrency);
  ADD ("/client/models", test_models);
#undef ADD
  g_test_add_func ("/client/connection-refused", test_connection_refused);
  g_test_add_func ("/client/helpers", test_helpers);
  return g_test_run ();
}
