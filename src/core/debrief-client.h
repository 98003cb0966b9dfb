/* debrief-client.h: a client for OpenAI-compatible endpoints (libsoup 3)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Chat and text completions, streamed as server-sent events and parsed as they
 * arrive; at most `concurrency` requests in flight (the rest wait in a queue);
 * an inactivity timeout per request; retries with exponential backoff for 429
 * and 5xx answers and for connection failures before any text arrived,
 * honouring Retry-After; cancellation; JSON error bodies turned into readable
 * messages; a cap on the size of a response.
 *
 * The API key is only ever put in the Authorization header. It is never
 * logged, never put in an error message (it is redacted from anything a server
 * echoes back) and never written to a file.
 *
 * All callbacks run on the thread-default main context of the thread that
 * created the client; use the client from that thread only.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <math.h>

#include "debrief-types.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* Defaults, each settable. */
#define DEBRIEF_CLIENT_DEFAULT_CONCURRENCY 4       /* the checklist's bounded parallelism */
#define DEBRIEF_CLIENT_DEFAULT_TIMEOUT_S   120     /* no byte for this long = the request is stuck */
#define DEBRIEF_CLIENT_DEFAULT_RETRIES     3       /* 4 attempts in all */
#define DEBRIEF_CLIENT_DEFAULT_BACKOFF_MS  1000    /* first pause; doubles each retry */
#define DEBRIEF_CLIENT_MAX_BACKOFF_MS      60000   /* longest pause between attempts */
#define DEBRIEF_CLIENT_DEFAULT_MAX_RESPONSE (16 * 1024 * 1024) /* far above any sample text */

typedef enum
{
  DEBRIEF_API_CHAT,         /* POST {base}/chat/completions, messages */
  DEBRIEF_API_COMPLETIONS,  /* POST {base}/completions, prompt */
} DebriefApiKind;

struct _DebriefCompletionRequest
{
  DebriefApiKind api;
  const char *model;
  const char *system;       /* optional system message (chat only) */
  const char *prompt;
  double temperature;       /* NAN: leave it to the server */
  gint64 max_tokens;        /* <= 0: leave it to the server */
  gint64 seed;              /* < 0: none */
  gboolean stream;
  /* A JSON object whose members are added to the request body (a server's own
   * fields, e.g. llama-server's "lora"); members the client sets itself win. NULL: none. */
  const char *extra_json;
};

#define DEBRIEF_COMPLETION_REQUEST_INIT { DEBRIEF_API_CHAT, NULL, NULL, NULL, NAN, 0, -1, TRUE, NULL }

struct _DebriefCompletion
{
  char *text;
  char *finish_reason;      /* "stop", "length", ... NULL when unknown */
  char *model;              /* as the server named it, NULL when not said */
  gint64 prompt_tokens;     /* -1 unknown */
  gint64 completion_tokens; /* -1 unknown */
  double latency;           /* seconds from the first send to the end, retries included */
  double first_token;       /* seconds until the first text arrived, NAN if none did */
  guint attempts;
};

void debrief_completion_free (DebriefCompletion *completion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefCompletion, debrief_completion_free)

/* Text as it streams in (never empty). */
typedef void (*DebriefDeltaFunc) (const char *text,
                                  gpointer    user_data);

#define DEBRIEF_TYPE_CLIENT (debrief_client_get_type ())
G_DECLARE_FINAL_TYPE (DebriefClient, debrief_client, DEBRIEF, CLIENT, GObject)

/* @base_url like "http://127.0.0.1:8080/v1" (no trailing /chat/completions).
 * @api_key may be NULL. */
DebriefClient *debrief_client_new                (const char     *base_url,
                                                  const char     *api_key);
const char    *debrief_client_get_base_url       (DebriefClient  *self);
void           debrief_client_set_concurrency    (DebriefClient  *self,
                                                  guint           concurrency);
guint          debrief_client_get_concurrency    (DebriefClient  *self);
void           debrief_client_set_timeout        (DebriefClient  *self,
                                                  guint           seconds);
void           debrief_client_set_retries        (DebriefClient  *self,
                                                  guint           max_retries,
                                                  guint           initial_backoff_ms);
void           debrief_client_set_max_response_size (DebriefClient *self,
                                                  gsize           bytes);
/* How many requests are waiting for a slot / in flight (for tests and progress). */
guint          debrief_client_get_n_queued       (DebriefClient  *self);
guint          debrief_client_get_n_active       (DebriefClient  *self);

void           debrief_client_complete_async     (DebriefClient  *self,
                                                  const DebriefCompletionRequest *request,
                                                  DebriefDeltaFunc on_delta,
                                                  gpointer        delta_data,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
/* On failure returns NULL and sets @error; if some text had arrived before the
 * failure (a stream cut, a cancel) and @partial is not NULL, *@partial gets it. */
DebriefCompletion *debrief_client_complete_finish (DebriefClient *self,
                                                  GAsyncResult   *result,
                                                  DebriefCompletion **partial,
                                                  GError        **error);

/* GET {base}/models: the model ids the endpoint serves ("Test connection"). */
void           debrief_client_list_models_async  (DebriefClient  *self,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
GStrv          debrief_client_list_models_finish (DebriefClient  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* Turns an error body ({"error": {"message": ...}}, {"error": "..."},
 * {"detail": ...}, {"message": ...} or text) into one readable line. */
char          *debrief_client_describe_error_body (const char    *body,
                                                  gsize           len);

/* Parses a Retry-After value (seconds or an HTTP date) into milliseconds from
 * @now (unix seconds); -1 if it is not valid. */
gint64         debrief_client_parse_retry_after  (const char     *value,
                                                  gint64          now);

/* The API key from environment variable @env_var; NULL if unset or empty. */
char          *debrief_client_api_key_from_env   (const char     *env_var);

G_END_DECLS
