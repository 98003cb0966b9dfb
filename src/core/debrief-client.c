/* debrief-client.c: a client for OpenAI-compatible endpoints (libsoup 3)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-client.h"
#include "debrief-error.h"
#include "debrief-json-private.h"
#include "debrief-sse-private.h"

/* One event of a completion stream is a few hundred bytes; 1 MiB leaves room
 * for servers that send whole answers in one event, and stops a runaway line. */
#define MAX_EVENT_SIZE (1024 * 1024)
/* Error bodies are short; we read at most this much of one. */
#define MAX_ERROR_BODY (64 * 1024)
/* Read granularity: small enough for tokens to show up as they arrive. */
#define READ_CHUNK 16384
/* A server asking us to wait longer than this is treated as a refusal, not a pause. */
#define MAX_RETRY_AFTER_MS (5 * 60 * 1000)

struct _DebriefClient
{
  GObject parent_instance;

  SoupSession *session;
  GMainContext *context;
  char *base_url;
  char *api_key;
  guint concurrency;
  guint timeout_s;
  guint max_retries;
  guint backoff_ms;
  gsize max_response;

  GQueue queue;     /* Job*, waiting for a slot */
  guint n_active;
};

G_DEFINE_FINAL_TYPE (DebriefClient, debrief_client, G_TYPE_OBJECT)

typedef enum
{
  JOB_QUEUED,
  JOB_RUNNING,
  JOB_BACKOFF,
  JOB_DONE,
} JobState;

typedef struct
{
  DebriefClient *client;   /* strong ref */
  GTask *task;             /* weak: the task owns the job */
  JobState state;

  DebriefApiKind api;
  char *model;
  char *system;
  char *prompt;
  double temperature;
  gint64 max_tokens;
  gint64 seed;
  gboolean stream;
  JsonNode *extra;             /* an object, or NULL */
  DebriefDeltaFunc on_delta;
  gpointer delta_data;

  GSource *cancel_source;      /* dispatches when the caller's cancellable fires */
  GCancellable *attempt_cancellable;
  GSource *timeout_source;
  GSource *backoff_source;
  gboolean timed_out;
  gboolean user_cancelled;

  guint attempts;
  gint64 start_us;
  gint64 first_token_us;

  SoupMessage *msg;
  GInputStream *stream_in;
  guint status;
  gboolean is_event_stream;
  DebriefSseParser *parser;
  GByteArray *body;        /* non-streamed answer or error body */
  gsize bytes_read;
  gboolean done_seen;

  GString *text;
  char *finish_reason;
  char *server_model;
  gint64 prompt_tokens;
  gint64 completion_tokens;

  DebriefCompletion *partial;
} Job;

static void job_start_attempt (Job *job);
static void client_pump (DebriefClient *self);

void
debrief_completion_free (DebriefCompletion *completion)
{
  if (completion == NULL)
    return;
  g_free (completion->text);
  g_free (completion->finish_reason);
  g_free (completion->model);
  g_free (completion);
}

static void
job_clear_attempt (Job *job)
{
  if (job->timeout_source != NULL)
    {
      g_source_destroy (job->timeout_source);
      g_clear_pointer (&job->timeout_source, g_source_unref);
    }
  g_clear_object (&job->attempt_cancellable);
  g_clear_object (&job->stream_in);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->parser, debrief_sse_parser_free);
  g_clear_pointer (&job->body, g_byte_array_unref);
}

static void
job_free (Job *job)
{
  job_clear_attempt (job);
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_source_unref (job->cancel_source);
    }
  if (job->backoff_source != NULL)
    {
      g_source_destroy (job->backoff_source);
      g_source_unref (job->backoff_source);
    }
  g_free (job->model);
  g_free (job->system);
  g_free (job->prompt);
  g_clear_pointer (&job->extra, json_node_unref);
  g_string_free (job->text, TRUE);
  g_free (job->finish_reason);
  g_free (job->server_model);
  debrief_completion_free (job->partial);
  g_clear_object (&job->client);
  g_free (job);
}

/* Replaces every occurrence of the API key in @message, in case a server echoes it. */
static char *
redact (DebriefClient *self,
        const char    *message)
{
  GString *out;
  const char *p;
  gsize key_len;

  if (self->api_key == NULL || self->api_key[0] == '\0' || strstr (message, self->api_key) == NULL)
    return g_strdup (message);
  key_len = strlen (self->api_key);
  out = g_string_new (NULL);
  for (p = message; *p != '\0';)
    {
      const char *hit = strstr (p, self->api_key);

      if (hit == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, hit - p);
      g_string_append (out, "[redacted]");
      p = hit + key_len;
    }
  return g_string_free (out, FALSE);
}

static char *
job_url (Job *job)
{
  return g_strconcat (job->client->base_url,
                      job->api == DEBRIEF_API_CHAT ? "/chat/completions" : "/completions",
                      NULL);
}

static DebriefCompletion *
job_make_completion (Job *job)
{
  DebriefCompletion *c = g_new0 (DebriefCompletion, 1);
  gint64 now = g_get_monotonic_time ();

  c->text = g_strndup (job->text->str, job->text->len);
  c->finish_reason = g_strdup (job->finish_reason);
  c->model = g_strdup (job->server_model);
  c->prompt_tokens = job->prompt_tokens;
  c->completion_tokens = job->completion_tokens;
  c->latency = (now - job->start_us) / (double) G_USEC_PER_SEC;
  c->first_token = job->first_token_us > 0
                   ? (job->first_token_us - job->start_us) / (double) G_USEC_PER_SEC : NAN;
  c->attempts = job->attempts;
  return c;
}

static gboolean
pump_idle (gpointer data)
{
  client_pump (DEBRIEF_CLIENT (data));
  return G_SOURCE_REMOVE;
}

/* Ends the job: @error NULL means success. Takes @error. */
static void
job_finish (Job    *job,
            GError *error)
{
  DebriefClient *client = job->client;
  GTask *task = job->task;
  JobState was = job->state;

  g_assert (was != JOB_DONE);
  job->state = JOB_DONE;
  if (was == JOB_QUEUED)
    g_queue_remove (&client->queue, job);
  else
    client->n_active--;
  job_clear_attempt (job);
  /* A retry that was waiting must not start after the end. */
  if (job->backoff_source != NULL)
    {
      g_source_destroy (job->backoff_source);
      g_clear_pointer (&job->backoff_source, g_source_unref);
    }

  /* Let the next waiting request start once we are out of this callback. */
  {
    GSource *idle = g_idle_source_new ();

    g_source_set_callback (idle, pump_idle, g_object_ref (client), g_object_unref);
    g_source_attach (idle, client->context);
    g_source_unref (idle);
  }

  if (error != NULL)
    {
      char *safe = redact (client, error->message);

      g_free (error->message);
      error->message = safe;
      if (job->text->len > 0)
        job->partial = job_make_completion (job);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, job_make_completion (job),
                           (GDestroyNotify) debrief_completion_free);
  g_object_unref (task);
}

static gboolean
job_cancelled_cb (GCancellable *cancellable,
                  gpointer      data)
{
  Job *job = data;

  g_clear_pointer (&job->cancel_source, g_source_unref);
  if (job->state == JOB_DONE)
    return G_SOURCE_REMOVE;
  job->user_cancelled = TRUE;
  if (job->state == JOB_RUNNING && job->attempt_cancellable != NULL)
    g_cancellable_cancel (job->attempt_cancellable);  /* the I/O callback finishes the job */
  else
    job_finish (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("The request was cancelled")));
  return G_SOURCE_REMOVE;
}

static gboolean
job_timeout_cb (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->timeout_source, g_source_unref);
  job->timed_out = TRUE;
  if (job->attempt_cancellable != NULL)
    g_cancellable_cancel (job->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

/* (Re)arms the inactivity timeout: called whenever bytes arrive. */
static void
job_touch (Job *job)
{
  if (job->timeout_source != NULL)
    {
      g_source_destroy (job->timeout_source);
      g_clear_pointer (&job->timeout_source, g_source_unref);
    }
  if (job->client->timeout_s == 0)
    return;
  job->timeout_source = g_timeout_source_new_seconds (job->client->timeout_s);
  g_source_set_callback (job->timeout_source, job_timeout_cb, job, NULL);
  g_source_attach (job->timeout_source, job->client->context);
}

static gboolean
job_backoff_cb (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->backoff_source, g_source_unref);
  job->state = JOB_RUNNING;
  job_start_attempt (job);
  return G_SOURCE_REMOVE;
}

/* Whether @job may try again, and after how long (ms). @retry_after_ms < 0: none given. */
static gboolean
job_schedule_retry (Job    *job,
                    gint64  retry_after_ms)
{
  DebriefClient *client = job->client;
  gint64 delay;

  if (job->attempts > client->max_retries || job->text->len > 0)
    return FALSE;
  if (retry_after_ms > MAX_RETRY_AFTER_MS)
    return FALSE;

  delay = (gint64) client->backoff_ms << MIN (job->attempts - 1, 16u);
  delay = MIN (delay, DEBRIEF_CLIENT_MAX_BACKOFF_MS);
  /* ±20% jitter so that parallel requests do not retry in lockstep. */
  delay = (gint64) (delay * g_random_double_range (0.8, 1.2));
  if (retry_after_ms > delay)
    delay = retry_after_ms;

  job_clear_attempt (job);
  job->state = JOB_BACKOFF;
  job->backoff_source = g_timeout_source_new ((guint) delay);
  g_source_set_callback (job->backoff_source, job_backoff_cb, job, NULL);
  g_source_attach (job->backoff_source, client->context);
  g_debug ("request to %s failed (attempt %u); retrying in %" G_GINT64_FORMAT " ms",
           client->base_url, job->attempts, delay);
  return TRUE;
}

/* An I/O error from libsoup or the stream: cancel, timeout or network. Takes @error. */
static void
job_io_failed (Job    *job,
               GError *error)
{
  g_autofree char *url = job_url (job);

  if (job->user_cancelled)
    {
      g_error_free (error);
      job_finish (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                            _("The request was cancelled")));
      return;
    }
  if (job->timed_out)
    {
      g_error_free (error);
      error = g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
                           _("%s: no answer for %u s (timed out)"), url, job->client->timeout_s);
      job->timed_out = FALSE;
      if (job_schedule_retry (job, -1))
        {
          g_error_free (error);
          return;
        }
      job_finish (job, error);
      return;
    }
  if (job_schedule_retry (job, -1))
    {
      g_error_free (error);
      return;
    }
  {
    GError *wrapped = g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
                                   job->text->len > 0 ? _("%s: %s (the answer is incomplete)") : "%s: %s",
                                   url, error->message);
    g_error_free (error);
    job_finish (job, wrapped);
  }
}

static void
read_usage (Job        *job,
            JsonObject *obj)
{
  JsonObject *usage;

  if (!json_object_has_member (obj, "usage"))
    return;
  usage = json_object_get_object_member (obj, "usage");
  if (usage == NULL)
    return;
  if (json_object_has_member (usage, "prompt_tokens"))
    job->prompt_tokens = json_object_get_int_member_with_default (usage, "prompt_tokens", -1);
  if (json_object_has_member (usage, "completion_tokens"))
    job->completion_tokens = json_object_get_int_member_with_default (usage, "completion_tokens", -1);
}

static const char *
string_member (JsonObject *obj,
               const char *name)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;
  node = json_object_get_member (obj, name);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static JsonObject *
object_member (JsonObject *obj,
               const char *name)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;
  node = json_object_get_member (obj, name);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
append_text (Job        *job,
             const char *text)
{
  if (text == NULL || text[0] == '\0')
    return;
  if (job->first_token_us == 0)
    job->first_token_us = g_get_monotonic_time ();
  g_string_append (job->text, text);
  if (job->on_delta != NULL)
    job->on_delta (text, job->delta_data);
}

/* One completion object (a stream chunk or a whole answer). FALSE + @error on an error object. */
static gboolean
job_take_object (Job         *job,
                 JsonObject  *obj,
                 gboolean     whole,
                 GError     **error)
{
  JsonNode *choices_node;
  const char *model;

  if (json_object_has_member (obj, "error"))
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *json = NULL;
      g_autofree char *desc = NULL;
      g_autofree char *url = job_url (job);

      json_node_set_object (root, obj);
      json_generator_set_root (gen, root);
      json_node_unref (g_steal_pointer (&root));
      json = json_generator_to_data (gen, NULL);
      desc = debrief_client_describe_error_body (json, strlen (json));
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP,
                   _("%s: the server reported an error in the answer: %s"), url, desc);
      return FALSE;
    }

  model = string_member (obj, "model");
  if (model != NULL && job->server_model == NULL)
    job->server_model = g_strdup (model);
  read_usage (job, obj);

  choices_node = json_object_has_member (obj, "choices") ? json_object_get_member (obj, "choices") : NULL;
  if (choices_node != NULL && JSON_NODE_HOLDS_ARRAY (choices_node))
    {
      JsonArray *choices = json_node_get_array (choices_node);

      if (json_array_get_length (choices) > 0)
        {
          JsonNode *first = json_array_get_element (choices, 0);
          JsonObject *choice = JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
          const char *finish = string_member (choice, "finish_reason");

          if (job->api == DEBRIEF_API_CHAT)
            append_text (job, string_member (object_member (choice, whole ? "message" : "delta"),
                                             "content"));
          else
            append_text (job, string_member (choice, "text"));
          if (finish != NULL)
            {
              g_free (job->finish_reason);
              job->finish_reason = g_strdup (finish);
            }
        }
    }
  return TRUE;
}

static JsonObject *
parse_object (const char  *data,
              gsize        len,
              JsonParser  *parser,
              GError     **error)
{
  JsonNode *root;

  if (!debrief_json_nesting_ok (data, len, DEBRIEF_JSON_MAX_DEPTH))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("nesting deeper than %d levels"), DEBRIEF_JSON_MAX_DEPTH);
      return NULL;
    }
  if (!debrief_json_glib_safe (data, len))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("several JSON values where one was expected"));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("not a JSON object"));
      return NULL;
    }
  return json_node_get_object (root);
}

typedef struct
{
  Job *job;
  GError *error;
} EventCtx;

static gboolean
on_event (const char *event,
          const char *data,
          gsize       len,
          gpointer    user_data)
{
  EventCtx *ctx = user_data;
  Job *job = ctx->job;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *obj;

  if (strcmp (event, "message") != 0 && strcmp (event, "error") != 0)
    return TRUE;  /* pings and vendor events */
  if (len == 6 && memcmp (data, "[DONE]", 6) == 0)
    {
      job->done_seen = TRUE;
      return TRUE;
    }
  parser = json_parser_new_immutable ();
  obj = parse_object (data, len, parser, &local);
  if (obj == NULL)
    {
      g_autofree char *url = job_url (job);
      g_autofree char *head = g_utf8_make_valid (data, MIN (len, 80));

      ctx->error = g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_PROTOCOL,
                                _("%s: malformed event in the stream (%s): “%s”"),
                                url, local->message, head);
      return FALSE;
    }
  return job_take_object (job, obj, FALSE, &ctx->error);
}

static void job_read (Job *job);

static gboolean
job_over_cap (Job   *job,
              gsize  more)
{
  job->bytes_read += more;
  return job->bytes_read > job->client->max_response;
}

static void
job_body_done (Job *job)
{
  g_autofree char *url = job_url (job);

  if (job->status >= 200 && job->status < 300)
    {
      if (job->is_event_stream)
        {
          gboolean complete = debrief_sse_parser_finish (job->parser);

          if (!job->done_seen && (job->finish_reason == NULL || !complete))
            {
              GError *error = g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
                                           job->text->len > 0
                                           ? _("%s: the event stream ended before its end marker (the "
                                               "answer is incomplete)")
                                           : _("%s: the event stream ended before its end marker"),
                                           url);

              if (job->text->len == 0 && job_schedule_retry (job, -1))
                {
                  g_error_free (error);
                  return;
                }
              job_finish (job, error);
              return;
            }
          job_finish (job, NULL);
        }
      else
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          g_autoptr(GError) local = NULL;
          GError *error = NULL;
          JsonObject *obj = parse_object ((const char *) job->body->data, job->body->len, parser, &local);

          if (obj == NULL)
            job_finish (job, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_PROTOCOL,
                                          _("%s: the answer is not a completion (%s)"), url, local->message));
          else if (!job_take_object (job, obj, TRUE, &error))
            job_finish (job, error);
          else
            job_finish (job, NULL);
        }
      return;
    }

  /* An error status: make its body readable, maybe retry. */
  {
    g_autofree char *desc = debrief_client_describe_error_body ((const char *) job->body->data,
                                                                job->body->len);
    const char *reason = soup_status_get_phrase (job->status);
    gboolean retryable = job->status == 429 || job->status == 500 || job->status == 502 ||
                         job->status == 503 || job->status == 504;
    gint64 retry_after = -1;
    const char *header = soup_message_headers_get_one (soup_message_get_response_headers (job->msg),
                                                       "Retry-After");
    GError *error;

    if (header != NULL)
      retry_after = debrief_client_parse_retry_after (header, g_get_real_time () / G_USEC_PER_SEC);
    error = g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP, "%s: HTTP %u%s%s%s%s", url, job->status,
                         reason != NULL ? " " : "", reason != NULL ? reason : "",
                         desc[0] != '\0' ? ": " : "", desc);
    if (retryable && retry_after > MAX_RETRY_AFTER_MS)
      {
        /* Translators: put before an error such as "https://…: HTTP 429 Too Many Requests" */
        g_prefix_error (&error, _("the server asks to wait %" PRId64 " s before retrying; "),
                        retry_after / 1000);
        job_finish (job, error);
        return;
      }
    if (retryable && job_schedule_retry (job, retry_after))
      {
        g_error_free (error);
        return;
      }
    job_finish (job, error);
  }
}

static void
job_read_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;
  const char *chunk;

  if (bytes == NULL)
    {
      job_io_failed (job, error);
      return;
    }
  if (job->user_cancelled)
    {
      job_io_failed (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      return;
    }
  chunk = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      job_body_done (job);
      return;
    }
  job_touch (job);

  {
    gboolean success = job->status >= 200 && job->status < 300;
    gsize cap = success ? job->client->max_response : MAX_ERROR_BODY;

    if (job_over_cap (job, len))
      {
        g_autofree char *url = job_url (job);

        job_finish (job, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "%s: the answer is larger than %zu byte; stopped reading",
                                                   "%s: the answer is larger than %zu bytes; stopped reading",
                                                   job->client->max_response),
                                      url, job->client->max_response));
        return;
      }
    if (success && job->is_event_stream)
      {
        EventCtx ctx = { job, NULL };
        GError *parse_error = NULL;

        if (!debrief_sse_parser_feed (job->parser, chunk, len, on_event, &ctx, &parse_error))
          {
            if (parse_error != NULL)
              {
                g_autofree char *url = job_url (job);

                g_clear_error (&ctx.error);
                g_prefix_error (&parse_error, "%s: ", url);
                job_finish (job, parse_error);
                return;
              }
            if (ctx.error != NULL)
              {
                job_finish (job, ctx.error);
                return;
              }
          }
        if (job->done_seen)
          {
            /* Do not wait for the server to close: [DONE] is the end. */
            job_body_done (job);
            return;
          }
      }
    else if (job->body->len + len <= cap)
      g_byte_array_append (job->body, (const guint8 *) chunk, len);
    else if (!success)
      {
        /* Enough of the error body to describe it: stop here. */
        g_byte_array_append (job->body, (const guint8 *) chunk, cap - job->body->len);
        job_body_done (job);
        return;
      }
  }
  job_read (job);
}

static void
job_read (Job *job)
{
  g_input_stream_read_bytes_async (job->stream_in, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   job->attempt_cancellable, job_read_cb, job);
}

static void
job_sent_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Job *job = data;
  GError *error = NULL;
  GInputStream *in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  const char *content_type;

  if (in == NULL)
    {
      job_io_failed (job, error);
      return;
    }
  job->stream_in = in;
  job_touch (job);
  job->status = soup_message_get_status (job->msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (job->msg), NULL);
  job->is_event_stream = content_type != NULL && g_ascii_strcasecmp (content_type, "text/event-stream") == 0;
  job->bytes_read = 0;
  job->body = g_byte_array_new ();
  job->parser = debrief_sse_parser_new (MAX_EVENT_SIZE);
  job->done_seen = FALSE;
  job_read (job);
}

static GBytes *
job_build_body (Job *job)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  char *json;
  gsize len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, job->model != NULL ? job->model : "");
  if (job->api == DEBRIEF_API_CHAT)
    {
      json_builder_set_member_name (b, "messages");
      json_builder_begin_array (b);
      if (job->system != NULL && job->system[0] != '\0')
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "role");
          json_builder_add_string_value (b, "system");
          json_builder_set_member_name (b, "content");
          json_builder_add_string_value (b, job->system);
          json_builder_end_object (b);
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, "user");
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, job->prompt);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  else
    {
      json_builder_set_member_name (b, "prompt");
      json_builder_add_string_value (b, job->prompt);
    }
  if (!isnan (job->temperature))
    {
      json_builder_set_member_name (b, "temperature");
      json_builder_add_double_value (b, job->temperature);
    }
  if (job->max_tokens > 0)
    {
      json_builder_set_member_name (b, "max_tokens");
      json_builder_add_int_value (b, job->max_tokens);
    }
  if (job->seed >= 0)
    {
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, job->seed);
    }
  json_builder_set_member_name (b, "stream");
  json_builder_add_boolean_value (b, job->stream);
  if (job->stream)
    {
      /* Ask for token counts in the last chunk (OpenAI, vLLM, SGLang, llama.cpp, Ollama). */
      json_builder_set_member_name (b, "stream_options");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "include_usage");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
    }
  if (job->extra != NULL)
    {
      static const char *const own[] = { "model", "messages", "prompt", "temperature", "max_tokens",
                                         "seed", "stream", "stream_options", NULL };
      JsonObject *extra = json_node_get_object (job->extra);
      g_autoptr(GList) members = json_object_get_members (extra);

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_strv_contains (own, l->data))
          {
            json_builder_set_member_name (b, l->data);
            json_builder_add_value (b, json_node_copy (json_object_get_member (extra, l->data)));
          }
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, &len);
  return g_bytes_new_take (json, len);
}

static SoupMessage *
client_new_message (DebriefClient  *self,
                    const char     *method,
                    const char     *url,
                    GError        **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  SoupMessage *msg;

  if (uri == NULL)
    return NULL;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an http or https address"), url);
      return NULL;
    }
  msg = soup_message_new_from_uri (method, uri);
  if (self->api_key != NULL && self->api_key[0] != '\0')
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->api_key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  return msg;
}

static void
job_start_attempt (Job *job)
{
  DebriefClient *client = job->client;
  g_autofree char *url = job_url (job);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  job->attempts++;
  job->timed_out = FALSE;
  g_clear_pointer (&job->finish_reason, g_free);
  g_clear_pointer (&job->server_model, g_free);
  job->prompt_tokens = -1;
  job->completion_tokens = -1;
  job->msg = client_new_message (client, SOUP_METHOD_POST, url, &error);
  if (job->msg == NULL)
    {
      g_prefix_error (&error, "%s: ", url);
      job_finish (job, error);
      return;
    }
  body = job_build_body (job);
  soup_message_set_request_body_from_bytes (job->msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (job->msg), "Accept",
                                job->stream ? "text/event-stream" : "application/json");
  job->attempt_cancellable = g_cancellable_new ();
  job_touch (job);
  soup_session_send_async (client->session, job->msg, G_PRIORITY_DEFAULT,
                           job->attempt_cancellable, job_sent_cb, job);
}

static void
client_pump (DebriefClient *self)
{
  while (self->n_active < self->concurrency && !g_queue_is_empty (&self->queue))
    {
      Job *job = g_queue_pop_head (&self->queue);

      self->n_active++;
      job->state = JOB_RUNNING;
      job->start_us = g_get_monotonic_time ();
      job_start_attempt (job);
    }
}

void
debrief_client_complete_async (DebriefClient                  *self,
                               const DebriefCompletionRequest *request,
                               DebriefDeltaFunc                on_delta,
                               gpointer                        delta_data,
                               GCancellable                   *cancellable,
                               GAsyncReadyCallback             callback,
                               gpointer                        user_data)
{
  GTask *task;
  Job *job;
  JsonNode *extra = NULL;

  g_return_if_fail (DEBRIEF_IS_CLIENT (self));
  g_return_if_fail (request != NULL && request->prompt != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_client_complete_async);
  if (request->extra_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!debrief_json_glib_safe (request->extra_json, -1) ||
          !json_parser_load_from_data (parser, request->extra_json, -1, NULL) ||
          json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                                   _("The extra request fields are not a JSON object: %s"), request->extra_json);
          g_object_unref (task);
          return;
        }
      extra = json_node_copy (json_parser_get_root (parser));
    }
  job = g_new0 (Job, 1);
  job->extra = extra;
  job->client = g_object_ref (self);
  job->task = task;
  job->state = JOB_QUEUED;
  job->api = request->api;
  job->model = g_strdup (request->model);
  job->system = g_strdup (request->system);
  job->prompt = g_strdup (request->prompt);
  job->temperature = request->temperature;
  job->max_tokens = request->max_tokens;
  job->seed = request->seed;
  job->stream = request->stream;
  job->on_delta = on_delta;
  job->delta_data = delta_data;
  job->text = g_string_new (NULL);
  job->prompt_tokens = -1;
  job->completion_tokens = -1;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  if (cancellable != NULL)
    {
      job->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (job->cancel_source, (GSourceFunc) (void (*) (void)) job_cancelled_cb, job, NULL);
      g_source_attach (job->cancel_source, self->context);
    }

  /* The task keeps itself alive until job_finish drops this reference. */
  g_queue_push_tail (&self->queue, job);
  client_pump (self);
}

DebriefCompletion *
debrief_client_complete_finish (DebriefClient      *self,
                                GAsyncResult       *result,
                                DebriefCompletion **partial,
                                GError            **error)
{
  DebriefCompletion *completion;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  completion = g_task_propagate_pointer (G_TASK (result), error);
  if (completion == NULL && partial != NULL)
    {
      Job *job = g_task_get_task_data (G_TASK (result));

      *partial = g_steal_pointer (&job->partial);
    }
  return completion;
}

/* ---- GET /models ---- */

static void
models_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  DebriefClient *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (msg));
  GError *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  guint status;
  const char *data_ptr;
  gsize len;
  JsonObject *obj;
  JsonNode *list;

  if (body == NULL)
    {
      g_autofree char *safe = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          return;
        }
      safe = redact (self, error->message);
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK, "%s: %s", url, safe);
      g_error_free (error);
      return;
    }
  status = soup_message_get_status (msg);
  data_ptr = g_bytes_get_data (body, &len);
  if (status < 200 || status >= 300)
    {
      g_autofree char *desc = debrief_client_describe_error_body (data_ptr, MIN (len, MAX_ERROR_BODY));
      g_autofree char *safe = redact (self, desc);

      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_HTTP, "%s: HTTP %u %s%s%s", url, status,
                               soup_status_get_phrase (status) ? soup_status_get_phrase (status) : "",
                               safe[0] ? ": " : "", safe);
      return;
    }
  obj = parse_object (data_ptr, len, parser, &local);
  list = obj != NULL && json_object_has_member (obj, "data") ? json_object_get_member (obj, "data") : NULL;
  if (list == NULL && obj != NULL && json_object_has_member (obj, "models"))
    list = json_object_get_member (obj, "models");  /* Ollama's native shape */
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      if (local)
        g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_PROTOCOL,
                                 _("%s: the answer is not a model list: %s"), url, local->message);
      else
        g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_PROTOCOL,
                                 _("%s: the answer is not a model list"), url);
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *id = string_member (m, "id");

      if (id == NULL)
        id = string_member (m, "name");
      if (id != NULL)
        g_ptr_array_add (ids, g_strdup (id));
    }
  g_ptr_array_add (ids, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (ids, NULL), (GDestroyNotify) g_strfreev);
}

void
debrief_client_list_models_async (DebriefClient       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (self->base_url, "/models", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, debrief_client_list_models_async);
  msg = client_new_message (self, SOUP_METHOD_GET, url, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    models_cb, g_steal_pointer (&task));
}

GStrv
debrief_client_list_models_finish (DebriefClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- helpers ---- */

char *
debrief_client_describe_error_body (const char *body,
                                    gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *valid = NULL;
  JsonObject *obj;
  GString *out;

  if (body == NULL || len == 0)
    return g_strdup ("");
  obj = parse_object (body, len, parser, NULL);
  if (obj != NULL)
    {
      JsonObject *err = object_member (obj, "error");
      const char *message = NULL;
      const char *type = NULL;
      const char *code = NULL;

      if (err != NULL)
        {
          message = string_member (err, "message");
          type = string_member (err, "type");
          code = string_member (err, "code");
        }
      else
        message = string_member (obj, "error");
      if (message == NULL)
        message = string_member (obj, "detail");
      if (message == NULL)
        message = string_member (obj, "message");
      if (message == NULL && json_object_has_member (obj, "detail"))
        {
          /* FastAPI validation errors: a list of {"msg": ...}. */
          JsonNode *detail = json_object_get_member (obj, "detail");

          if (JSON_NODE_HOLDS_ARRAY (detail) && json_array_get_length (json_node_get_array (detail)) > 0)
            {
              JsonNode *first = json_array_get_element (json_node_get_array (detail), 0);

              if (JSON_NODE_HOLDS_OBJECT (first))
                message = string_member (json_node_get_object (first), "msg");
            }
        }
      if (message != NULL)
        {
          out = g_string_new (message);
          if (type != NULL && code != NULL)
            g_string_append_printf (out, " (%s, %s)", type, code);
          else if (type != NULL || code != NULL)
            g_string_append_printf (out, " (%s)", type != NULL ? type : code);
          goto done;
        }
    }

  /* Not JSON (an HTML error page, plain text): its first line, shortened. */
  valid = g_utf8_make_valid (body, MIN (len, 2000));
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && out->len < 200; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r')
        {
          if (out->len > 0)
            break;
          continue;
        }
      if (g_unichar_iscntrl (c))
        continue;
      g_string_append_unichar (out, c);
    }
  if (out->len >= 200)
    g_string_append (out, "…");

done:
  {
    char *s = g_string_free (out, FALSE);

    return g_strstrip (s);
  }
}

gint64
debrief_client_parse_retry_after (const char *value,
                                  gint64      now)
{
  g_autoptr(GDateTime) date = NULL;
  const char *p;
  gint64 secs = 0;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  for (p = value; g_ascii_isdigit (*p); p++)
    {
      secs = secs * 10 + (*p - '0');
      if (secs > G_MAXINT32)
        return G_MAXINT32 * (gint64) 1000;
    }
  if (p != value)
    {
      while (g_ascii_isspace (*p))
        p++;
      return *p == '\0' ? secs * 1000 : -1;
    }
  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  secs = g_date_time_to_unix (date) - now;
  return MAX (secs, 0) * 1000;
}

char *
debrief_client_api_key_from_env (const char *env_var)
{
  const char *value;

  if (env_var == NULL || env_var[0] == '\0')
    return NULL;
  value = g_getenv (env_var);
  if (value == NULL || value[0] == '\0')
    return NULL;
  return g_strstrip (g_strdup (value));
}

/* ---- object ---- */

static void
debrief_client_dispose (GObject *object)
{
  DebriefClient *self = DEBRIEF_CLIENT (object);

  /* Jobs hold a reference on the client, so nothing can be queued here. */
  g_assert (g_queue_is_empty (&self->queue));
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (debrief_client_parent_class)->dispose (object);
}

static void
debrief_client_finalize (GObject *object)
{
  DebriefClient *self = DEBRIEF_CLIENT (object);

  g_free (self->base_url);
  if (self->api_key != NULL)
    {
      memset (self->api_key, 0, strlen (self->api_key));
      g_free (self->api_key);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (debrief_client_parent_class)->finalize (object);
}

static void
debrief_client_class_init (DebriefClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_client_dispose;
  object_class->finalize = debrief_client_finalize;
}

static void
debrief_client_init (DebriefClient *self)
{
  /* libsoup allows 2 connections per host by default: that would cap our
   * concurrency at 2. Allow up to the largest concurrency the settings permit. */
  self->session = soup_session_new_with_options ("max-conns", 64,
                                                 "max-conns-per-host", 32,
                                                 /* libsoup 3 gives up on a socket after 60 s without
                                                  * I/O; the client's own inactivity timeout (the
                                                  * user's setting) decides instead: a busy or slow
                                                  * server may take longer to send the first byte. */
                                                 "timeout", 0,
                                                 "user-agent", "Debrief/" PACKAGE_VERSION " ",
                                                 NULL);
  self->context = g_main_context_ref_thread_default ();
  self->concurrency = DEBRIEF_CLIENT_DEFAULT_CONCURRENCY;
  self->timeout_s = DEBRIEF_CLIENT_DEFAULT_TIMEOUT_S;
  self->max_retries = DEBRIEF_CLIENT_DEFAULT_RETRIES;
  self->backoff_ms = DEBRIEF_CLIENT_DEFAULT_BACKOFF_MS;
  self->max_response = DEBRIEF_CLIENT_DEFAULT_MAX_RESPONSE;
  g_queue_init (&self->queue);
}

DebriefClient *
debrief_client_new (const char *base_url,
                    const char *api_key)
{
  DebriefClient *self;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (DEBRIEF_TYPE_CLIENT, NULL);
  self->base_url = g_strstrip (g_strdup (base_url));
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
  self->api_key = api_key != NULL && api_key[0] != '\0' ? g_strdup (api_key) : NULL;
  return self;
}

const char *
debrief_client_get_base_url (DebriefClient *self)
{
  g_return_val_if_fail (DEBRIEF_IS_CLIENT (self), NULL);
  return self->base_url;
}

void
debrief_client_set_concurrency (DebriefClient *self,
                                guint          concurrency)
{
  g_return_if_fail (DEBRIEF_IS_CLIENT (self));
  self->concurrency = CLAMP (concurrency, 1, 32);
  client_pump (self);
}

guint
debrief_client_get_concurrency (DebriefClient *self)
{
  g_return_val_if_fail (DEBRIEF_IS_CLIENT (self), 0);
  return self->concurrency;
}

void
debrief_client_set_timeout (DebriefClient *self,
                            guint          seconds)
{
  g_return_if_fail (DEBRIEF_IS_CLIENT (self));
  self->timeout_s = seconds;
}

void
debrief_client_set_retries (DebriefClient *self,
                            guint          max_retries,
                            guint          initial_backoff_ms)
{
  g_return_if_fail (DEBRIEF_IS_CLIENT (self));
  self->max_retries = max_retries;
  self->backoff_ms = initial_backoff_ms;
}

void
debrief_client_set_max_response_size (DebriefClient *self,
                                      gsize          bytes)
{
  g_return_if_fail (DEBRIEF_IS_CLIENT (self));
  self->max_response = bytes > 0 ? bytes : DEBRIEF_CLIENT_DEFAULT_MAX_RESPONSE;
}

guint
debrief_client_get_n_queued (DebriefClient *self)
{
  return self->queue.length;
}

guint
debrief_client_get_n_active (DebriefClient *self)
{
  return self->n_active;
}
