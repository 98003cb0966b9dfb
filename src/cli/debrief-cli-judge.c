/* debrief-cli-judge.c: `debrief-cli judge`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "debrief-cli-commands.h"
#include "debrief-core.h"

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  DebriefJudgeSummary *summary;
  GError *error;
} JudgeCtx;

static void
judge_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  JudgeCtx *ctx = data;

  ctx->summary = debrief_judge_run_finish (DEBRIEF_JUDGE (source), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static void
on_progress (DebriefJudge *judge,
             guint         done,
             guint         total,
             gpointer      data)
{
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Judged %u of %u\n", "Judged %u of %u\n", total), done, total);
}

static gboolean
on_sigint (gpointer data)
{
  JudgeCtx *ctx = data;

  g_printerr ("%s\n", _("Interrupted: cancelling the judge requests."));
  g_cancellable_cancel (ctx->cancellable);
  return G_SOURCE_CONTINUE;
}

int
debrief_cli_judge (int argc, char **argv)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *judge_model = NULL;
  g_autofree char *api_key_env = NULL;
  g_autofree char *api_key = NULL;
  g_autofree char *samples_path = NULL;
  g_autofree char *judgements_path = NULL;
  g_autofree char *seed_s = NULL;
  g_autofree char *markdown = NULL;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(DebriefClient) client = NULL;
  g_autoptr(DebriefJudge) judge = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  gint concurrency = DEBRIEF_CLIENT_DEFAULT_CONCURRENCY;
  JudgeCtx ctx = { 0 };
  guint skipped = 0;
  guint sigint;
  const char *dir;
  GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, N_("OpenAI-compatible base URL of the judge"), "URL" },
    { "judge-model", 0, 0, G_OPTION_ARG_STRING, &judge_model, N_("Judge model name"), "NAME" },
    { "api-key-env", 0, 0, G_OPTION_ARG_STRING, &api_key_env, N_("Environment variable holding the API key (default OPENAI_API_KEY)"), "VAR" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency, N_("Requests in flight at once (default 4)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_s, N_("Seed for the order of the two responses (default: random)"), "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "DIR" },
    { NULL }
  };

  context = g_option_context_new (_("DIR — compare the samples with an LLM judge"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Reads DIR/samples.jsonl, appends to DIR/judgements.jsonl and prints the result as markdown.\n"
      "Exit status: 0 judged (whatever the verdict), 1 nothing could be judged, 2 usage error."));
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;
  if (endpoint == NULL || judge_model == NULL || rest == NULL || g_strv_length (rest) != 1)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("debrief-cli: %s\n\n%s",
                  rest == NULL || g_strv_length (rest) != 1 ? _("give exactly one DIR")
                                                            : _("--endpoint and --judge-model are required"),
                  help);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  dir = rest[0];
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr (_("debrief-cli: %s: not a folder\n"), dir);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (concurrency < 1 || concurrency > 32)
    {
      g_printerr ("%s\n", _("debrief-cli: --concurrency must be 1–32"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }

  samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  judgements_path = g_build_filename (dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  samples = debrief_samples_load (samples_path, &skipped, &error);
  if (samples == NULL)
    {
      g_printerr ("debrief-cli: %s\n", error->message);
      return DEBRIEF_CLI_EXIT_FAILED;
    }
  if (skipped > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "debrief-cli: %s: skipped %u line that is not a sample\n",
                              "debrief-cli: %s: skipped %u lines that are not samples\n", skipped),
                samples_path, skipped);

  api_key = debrief_client_api_key_from_env (api_key_env != NULL ? api_key_env : "OPENAI_API_KEY");
  if (api_key == NULL && api_key_env != NULL)
    g_printerr (_("debrief-cli: warning: $%s is not set; sending no API key\n"), api_key_env);
  client = debrief_client_new (endpoint, api_key);
  debrief_client_set_concurrency (client, concurrency);
  judge = debrief_judge_new (client, judge_model);
  if (seed_s != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (seed_s, 10, 0, G_MAXUINT32, &seed, NULL))
        {
          g_printerr (_("debrief-cli: --seed must be a whole number, not “%s”\n"), seed_s);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      debrief_judge_set_seed (judge, (guint32) seed);
    }
  g_signal_connect (judge, "progress", G_CALLBACK (on_progress), NULL);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  ctx.loop = loop;
  ctx.cancellable = cancellable;
  sigint = g_unix_signal_add (SIGINT, on_sigint, &ctx);
  debrief_judge_run_async (judge, samples, judgements_path, cancellable, judge_done, &ctx);
  g_main_loop_run (loop);
  g_source_remove (sigint);

  if (ctx.summary == NULL)
    {
      g_printerr ("debrief-cli: %s\n", ctx.error->message);
      g_clear_error (&ctx.error);
      return DEBRIEF_CLI_EXIT_FAILED;
    }
  markdown = debrief_judge_summary_to_markdown (ctx.summary, judge_model);
  printf ("## %s\n\n%s", _("Judge and next steps"), markdown);
  {
    g_autofree char *sentence = debrief_judge_summary_describe (ctx.summary);

    g_printerr ("%s\n", sentence);
  }
  {
    gboolean any = ctx.summary->judged > 0;

    debrief_judge_summary_free (ctx.summary);
    return any ? DEBRIEF_CLI_EXIT_OK : DEBRIEF_CLI_EXIT_FAILED;
  }
}
