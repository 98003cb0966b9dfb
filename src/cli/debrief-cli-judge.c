/* debrief-cli-judge.c: `debrief-cli judge`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

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

static void
add_uint (JsonBuilder *b,
          const char  *name,
          guint        value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* A fraction, or null when there is none. */
static void
add_rate (JsonBuilder *b,
          const char  *name,
          gboolean     known,
          double       value)
{
  json_builder_set_member_name (b, name);
  if (known)
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_summary (JsonBuilder               *b,
             const DebriefJudgeSummary *s)
{
  json_builder_begin_object (b);
  add_uint (b, "wins", s->wins);
  add_uint (b, "losses", s->losses);
  add_uint (b, "ties", s->ties);
  add_rate (b, "win_rate", s->judged > 0, s->win_rate);
  add_rate (b, "low", TRUE, s->low);
  add_rate (b, "high", TRUE, s->high);
  add_uint (b, "position_flips", s->position_flips);
  add_uint (b, "judged", s->judged);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, debrief_judge_summary_verdict_id (s));
  /* Beyond the contract's keys: what they rest on. */
  add_uint (b, "both_orders", s->both_orders);
  add_rate (b, "position_flip_rate", s->both_orders > 0, (double) s->position_flips / MAX (s->both_orders, 1));
  add_uint (b, "prompts", s->prompts > 0 ? s->prompts : s->judged);
  add_uint (b, "unparseable", s->unparseable);
  add_uint (b, "failed", s->failed);
  add_uint (b, "incomplete", s->incomplete);
  json_builder_set_member_name (b, "conclusive");
  json_builder_add_boolean_value (b, s->conclusive);
  json_builder_set_member_name (b, "prompts_needed");
  if (s->prompts_needed != G_MAXUINT)
    json_builder_add_int_value (b, s->prompts_needed);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "leaning");
  json_builder_add_string_value (b, s->verdict == DEBRIEF_VERDICT_SUCCESS ? "success"
                                    : s->verdict == DEBRIEF_VERDICT_ITERATE ? "iterate"
                                    : s->verdict == DEBRIEF_VERDICT_INCONCLUSIVE ? "inconclusive" : "no_data");
  json_builder_end_object (b);
}

static void
print_json (GPtrArray                 *judgements,
            const char                *primary,
            const DebriefJudgeSummary *summary)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) candidates = debrief_judgements_candidates (judgements);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "candidate");
  if (primary != NULL)
    json_builder_add_string_value (b, primary);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "summary");
  add_summary (b, summary);
  json_builder_set_member_name (b, "judgements");
  json_builder_begin_array (b);
  for (guint i = 0; i < judgements->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autofree char *line = debrief_judgement_to_json (g_ptr_array_index (judgements, i));

      if (json_parser_load_from_data (parser, line, -1, NULL))
        json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      DebriefJudgeSummary s;

      debrief_judgements_summarize (judgements, candidates[i], &s);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "candidate");
      json_builder_add_string_value (b, candidates[i]);
      json_builder_set_member_name (b, "summary");
      add_summary (b, &s);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = debrief_cli_json_to_string (root, TRUE);
  printf ("%s\n", text);
}

/* The candidate whose verdict leads: the run's best checkpoint when it was judged. */
static char *
default_primary (const char *dir,
                 GPtrArray  *samples)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(DebriefRun) run = debrief_run_load (folder, NULL, NULL);
  const DebriefCheckpoint *best = run != NULL ? debrief_run_get_best_checkpoint (run) : NULL;

  for (guint i = 0; best != NULL && i < samples->len; i++)
    if (g_strcmp0 (((DebriefSample *) g_ptr_array_index (samples, i))->checkpoint, best->name) == 0)
      return g_strdup (best->name);
  return NULL;
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
  g_autofree char *primary = NULL;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(DebriefClient) client = NULL;
  g_autoptr(DebriefJudge) judge = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  gint concurrency = DEBRIEF_CLIENT_DEFAULT_CONCURRENCY;
  gboolean json = FALSE;
  gboolean rejudge = FALSE;
  gboolean single_order = FALSE;
  JudgeCtx ctx = { 0 };
  guint skipped = 0;
  guint sigint;
  const char *dir;
  GPtrArray *judgements;
  DebriefJudgeSummary summary;
  GOptionEntry entries[] = {
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, N_("OpenAI-compatible base URL of the judge"), "URL" },
    { "judge-model", 0, 0, G_OPTION_ARG_STRING, &judge_model, N_("Judge model name"), "NAME" },
    { "api-key-env", 0, 0, G_OPTION_ARG_STRING, &api_key_env, N_("Environment variable holding the API key (default OPENAI_API_KEY)"), "VAR" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency, N_("Requests in flight at once (default 4)"), "N" },
    { "checkpoint", 0, 0, G_OPTION_ARG_STRING, &primary, N_("Whose verdict leads when several checkpoints were sampled (default: the run’s best)"), "NAME" },
    { "rejudge", 0, 0, G_OPTION_ARG_NONE, &rejudge, N_("Judge again what judgements.jsonl already holds"), NULL },
    { "single-order", 0, 0, G_OPTION_ARG_NONE, &single_order, N_("Judge each pair once, in a random order (half the requests, no check of position bias)"), NULL },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_s, N_("With --single-order: seed for the order of the two responses (default: random)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON: the summary and every judgement"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "DIR" },
    { NULL }
  };

  context = g_option_context_new (_("DIR — compare the samples with an LLM judge"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Reads DIR/samples.jsonl, judges each fine-tuned answer against the baseline's in both orders, "
      "appends to DIR/judgements.jsonl and prints the result as markdown (or JSON). "
      "What judgements.jsonl already holds is not judged again unless --rejudge.\n"
      "Exit status: 0 judged (whatever the verdict), 1 nothing could be judged or judging was interrupted, 2 usage error."));
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
  existing = debrief_judgements_load (judgements_path, &error);
  if (existing == NULL)
    {
      g_printerr ("debrief-cli: %s\n", error->message);
      return DEBRIEF_CLI_EXIT_FAILED;
    }

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
  if (primary == NULL)
    primary = default_primary (dir, samples);
  debrief_judge_set_primary (judge, primary);
  debrief_judge_set_single_order (judge, single_order);
  debrief_judge_set_existing (judge, existing);
  debrief_judge_set_rejudge (judge, rejudge);
  g_signal_connect (judge, "progress", G_CALLBACK (on_progress), NULL);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  ctx.loop = loop;
  ctx.cancellable = cancellable;
  sigint = g_unix_signal_add (SIGINT, on_sigint, &ctx);
  debrief_judge_run_async (judge, samples, judgements_path, cancellable, judge_done, &ctx);
  g_main_loop_run (loop);
  g_source_remove (sigint);

  if (debrief_judge_get_n_reused (judge) > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u judgement was already in %s and was kept (--rejudge asks again)\n",
                              "%u judgements were already in %s and were kept (--rejudge asks again)\n",
                              debrief_judge_get_n_reused (judge)),
                debrief_judge_get_n_reused (judge), judgements_path);
  judgements = debrief_judge_get_judgements (judge);
  if (ctx.summary == NULL && (judgements == NULL || judgements->len == 0 ||
                              !g_error_matches (ctx.error, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL)))
    {
      g_printerr ("debrief-cli: %s\n", ctx.error->message);
      g_clear_error (&ctx.error);
      return DEBRIEF_CLI_EXIT_FAILED;
    }
  /* Interrupted: what came back still says something. */
  if (ctx.summary != NULL)
    summary = *ctx.summary;
  else
    debrief_judgements_summarize (judgements, primary, &summary);
  if (json)
    print_json (judgements, primary, &summary);
  else
    {
      markdown = debrief_judgements_to_markdown (judgements);
      printf ("## %s\n\n%s", _("Judge and next steps"), markdown);
    }
  {
    g_autofree char *sentence = debrief_judge_summary_describe (&summary);

    g_printerr ("%s\n", sentence);
  }
  g_clear_pointer (&ctx.summary, debrief_judge_summary_free);
  if (ctx.error != NULL)
    {
      g_printerr ("debrief-cli: %s\n", ctx.error->message);
      g_clear_error (&ctx.error);
      return DEBRIEF_CLI_EXIT_FAILED;
    }
  return summary.judged > 0 ? DEBRIEF_CLI_EXIT_OK : DEBRIEF_CLI_EXIT_FAILED;
}
