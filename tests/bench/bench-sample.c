/* bench-sample.c: 12 prompts at concurrency 4 vs 1 against a server with 300 ms latency
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An in-process SoupServer answers each completion after LATENCY_MS with a
 * short event stream; DebriefSampler samples N_PROMPTS prompts (fine-tuned
 * only) through one DebriefClient. Prints one JSON line per concurrency and a
 * summary line with the speed-up. Target: >= 3x at concurrency 4.
 *   build/tests/bench/bench-sample [LATENCY_MS]
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libsoup/soup.h>

#include "debrief-core.h"

#define N_PROMPTS 12
#define DEFAULT_LATENCY_MS 300

static guint latency_ms = DEFAULT_LATENCY_MS;

static gboolean
answer_later (gpointer data)
{
  SoupServerMessage *msg = data;
  const char *body =
    "data: {\"choices\":[{\"delta\":{\"content\":\"Exercise strengthens the heart\"},\"finish_reason\":null}]}\n\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\" and the mind.\"},\"finish_reason\":\"stop\"}],"
    "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":8}}\n\n"
    "data: [DONE]\n\n";

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_STATIC, body, strlen (body));
  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  soup_server_message_pause (msg);
  g_timeout_add (latency_ms, answer_later, g_object_ref (msg));
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  gssize *n = data;

  *n = debrief_sampler_run_finish (DEBRIEF_SAMPLER (source), result, NULL);
}

static double
run (const char *base,
     guint       concurrency)
{
  g_autoptr(DebriefClient) client = debrief_client_new (base, NULL);
  g_autoptr(DebriefSampler) sampler = debrief_sampler_new (client, NULL);
  g_autoptr(GPtrArray) prompts = g_ptr_array_new_with_free_func (g_free);
  gssize n = -2;
  gint64 start;

  for (guint i = 0; i < N_PROMPTS; i++)
    g_ptr_array_add (prompts, g_strdup_printf ("What are the benefits of exercise? (%u)", i));
  g_ptr_array_add (prompts, NULL);
  debrief_client_set_concurrency (client, concurrency);
  debrief_sampler_set_prompts (sampler, (const char *const *) prompts->pdata);
  debrief_sampler_set_models (sampler, "tuned", NULL);
  start = g_get_monotonic_time ();
  debrief_sampler_run_async (sampler, NULL, run_done, &n);
  while (n == -2)
    g_main_context_iteration (NULL, TRUE);
  if (n != N_PROMPTS)
    g_error ("only %zd of %d samples succeeded", n, N_PROMPTS);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  GSList *uris;
  double t1, t4;
  char b1[32], b4[32], ratio[32];

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (argc > 1)
    latency_ms = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("%s", error->message);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  t1 = run (base, 1);
  t4 = run (base, 4);
  printf ("{\"bench\": \"sample\", \"prompts\": %d, \"latency_ms\": %u, \"concurrency\": 1, \"seconds\": %s}\n",
          N_PROMPTS, latency_ms, g_ascii_formatd (b1, sizeof b1, "%.3f", t1));
  printf ("{\"bench\": \"sample\", \"prompts\": %d, \"latency_ms\": %u, \"concurrency\": 4, \"seconds\": %s}\n",
          N_PROMPTS, latency_ms, g_ascii_formatd (b4, sizeof b4, "%.3f", t4));
  printf ("{\"bench\": \"sample\", \"speedup\": %s, \"target\": 3.0, \"met\": %s}\n",
          g_ascii_formatd (ratio, sizeof ratio, "%.2f", t1 / t4), t1 / t4 >= 3.0 ? "true" : "false");
  soup_server_disconnect (server);
  return 0;
}
