/* test-judge.c: the judge's answer parser, the Wilson interval, the verdict,
 * and a judging run against an in-process SoupServer acting as the judge.
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

#define A DEBRIEF_JUDGE_ANSWER_A
#define B DEBRIEF_JUDGE_ANSWER_B
#define T DEBRIEF_JUDGE_ANSWER_TIE
#define U DEBRIEF_JUDGE_ANSWER_UNPARSEABLE

static const struct
{
  const char *text;
  DebriefJudgeAnswer expected;
} answers[] = {
  { "A", A },
  { "B", B },
  { " b.\n", B },
  { "**A**", A },
  { "`B`", B },
  { "Response B", B },
  { "Response A.", A },
  { "Assistant A", A },
  { "[[A]]", A },
  { "[[B]]", B },
  { "[[C]]", T },
  { "[[tie]]", T },
  { "Both are fine but A is more complete.\n\n[[A]]", A },
  { "Format: [[A]], [[B]] or [[tie]]. My verdict: [[B]]", B },
  { "{\"winner\": \"A\"}", A },
  { "```json\n{\"winner\": \"Response B\", \"reason\": \"clearer\"}\n```", B },
  { "{\"verdict\": \"tie\"}", T },
  { "{\"winner\": null}", T },
  { "tie", T },
  { "Tie.", T },
  { "It's a tie", T },
  { "Draw", T },
  { "Both responses are equally good.", T },
  { "The answer is A", A },
  { "Final answer: B", B },
  { "Winner: Response A", A },
  { "Verdict - B", B },
  { "Response A is better because it explains superposition.", A },
  { "After comparing both, I would choose Response B.", B },
  { "I prefer B", B },
  { "Response B wins.", B },
  { "A\nResponse A explains the concept while B does not.", A },
  { "Response A explains it well; response B is vague.\nB", B },
  { "", U },
  { "   ", U },
  { "I cannot decide.", U },
  { "Response A is better. Response B is better.", U },
  { "Response A is better, but it is a tie overall", U },
  { "The capital of France is Paris.", U },
  { "AB", U },
  { "a quantum computer uses qubits", U },
  { "{\"winner\": \"C-3PO\"}", U },
  { "{not json", U },
  { "[[D]]", U },
  { "Both are bad; I prefer neither.", U },
  { "BA", U },
  { "Bananas", U },
  { " código paralelo Джава ", U },
};

static void
test_parse_answers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      DebriefJudgeAnswer got = debrief_judge_parse_answer (answers[i].text, -1);

      if (got != answers[i].expected)
        g_error ("answer “%s”: expected %s, got %s", answers[i].text,
                 debrief_judge_answer_to_string (answers[i].expected), debrief_judge_answer_to_string (got));
    }
}

static void
test_parse_bounds (void)
{
  /* Length is respected: "AB" cut to "A" is A; NUL and invalid UTF-8 are safe. */
  const char nul[] = "[[B]]\0[[A]]";
  const char bad[] = "\xff\xfe [[A]] \xc3";

  g_assert_cmpint (debrief_judge_parse_answer ("AB", 1), ==, A);
  g_assert_cmpint (debrief_judge_parse_answer (nul, sizeof nul - 1), ==, B);
  g_assert_cmpint (debrief_judge_parse_answer (bad, sizeof bad - 1), ==, A);
  g_assert_cmpint (debrief_judge_parse_answer (NULL, 0), ==, U);
}

static void
test_wilson (void)
{
  double lo, hi;

  /* Reference values (Wilson 1927; e.g. statsmodels proportion_confint(method="wilson")). */
  debrief_wilson_interval (5, 10, DEBRIEF_JUDGE_Z, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 0.2366, 1e-4);
  g_assert_cmpfloat_with_epsilon (hi, 0.7634, 1e-4);
  debrief_wilson_interval (0, 10, DEBRIEF_JUDGE_Z, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 0.2775, 1e-4);
  debrief_wilson_interval (10, 10, DEBRIEF_JUDGE_Z, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 0.7225, 1e-4);
  g_assert_cmpfloat_with_epsilon (hi, 1.0, 1e-12);
  debrief_wilson_interval (60, 100, DEBRIEF_JUDGE_Z, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 0.5020, 1e-4);
  g_assert_cmpfloat_with_epsilon (hi, 0.6906, 1e-4);
  debrief_wilson_interval (0, 0, DEBRIEF_JUDGE_Z, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0.0);
  g_assert_cmpfloat (hi, ==, 1.0);
}

static void
test_verdicts (void)
{
  DebriefJudgeSummary s = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *md = NULL;

  /* 60 wins, 40 losses: success, interval 50.2–69.1%: above 50%, trusted. */
  s.wins = 60; s.losses = 40;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_SUCCESS);
  g_assert_false (s.too_wide);
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "Win rate 60% (95% CI 50%–69%)"));
  g_assert_nonnull (strstr (text, "consider deployment"));
  g_clear_pointer (&text, g_free);

  /* 2 wins, 1 tie of 3: 83%, but the interval reaches below 50%: say so. */
  memset (&s, 0, sizeof s);
  s.wins = 2; s.ties = 1; s.unparseable = 2;
  debrief_judge_summary_compute (&s);
  g_assert_cmpuint (s.judged, ==, 3);
  g_assert_cmpfloat_with_epsilon (s.win_rate, 2.5 / 3, 1e-12);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_SUCCESS);
  g_assert_true (s.too_wide);
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "too wide"));
  g_assert_nonnull (strstr (text, "2 unparseable"));
  g_clear_pointer (&text, g_free);

  /* Ties count half: 10 ties + 1 win + 0 losses of 11 → 54.5%: inconclusive. */
  memset (&s, 0, sizeof s);
  s.wins = 1; s.ties = 10;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_INCONCLUSIVE);
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "judge more prompts"));
  g_clear_pointer (&text, g_free);

  /* 30 of 100: iterate. Exactly 55%: not above, inconclusive. Exactly 50%: inconclusive. */
  memset (&s, 0, sizeof s);
  s.wins = 30; s.losses = 70;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_ITERATE);
  g_assert_false (s.too_wide);
  memset (&s, 0, sizeof s);
  s.wins = 55; s.losses = 45;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_INCONCLUSIVE);
  memset (&s, 0, sizeof s);
  s.wins = 50; s.losses = 50;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_INCONCLUSIVE);

  /* Nothing judged. */
  memset (&s, 0, sizeof s);
  s.unparseable = 3;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_NO_DATA);
  g_assert_true (isnan (s.win_rate));
  md = debrief_judge_summary_to_markdown (&s, "judge-x");
  g_assert_true (g_str_has_prefix (md, "Pairwise comparison by `judge-x`"));
  g_assert_nonnull (strstr (md, "No usable judgement (3 unparseable"));
}

/* ---- a judging run against a fake judge that is a real HTTP server ---- */

typedef struct
{
  SoupServer *server;
  char *base;
  GPtrArray *orders;   /* "GOOD first" / "GOOD second" per request, for checks */
} Judge;

/* Answers like a consistent judge: prefers the response holding "GOOD";
 * "TIE" in both → tie; "NOISE" → an answer with no verdict. */
static void
judge_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *messages;
  const char *user;
  const char *a_start, *b_start;
  const char *verdict;
  g_autofree char *body = NULL;
  g_autofree char *chunk = NULL;

  messages = json_object_get_array_member (debrief_test_request_object (msg, parser), "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
  user = json_object_get_string_member (json_array_get_object_element (messages, 1), "content");
  a_start = strstr (user, "[The start of response A]");
  b_start = strstr (user, "[The start of response B]");
  g_assert_nonnull (a_start);
  g_assert_nonnull (b_start);
  if (strstr (user, "NOISE") != NULL)
    verdict = "Well, hmm, these are responses.";
  else if (strstr (user, "TIE") != NULL)
    verdict = "Equally good.\n[[tie]]";
  else
    {
      const char *good = strstr (user, "GOOD");

      g_assert_nonnull (good);
      verdict = good < b_start ? "A is clearer.\n[[A]]" : "{\"winner\": \"B\"}";
    }
  chunk = g_strescape (verdict, NULL);
  body = g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n"
                          "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", chunk);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_COPY, body, strlen (body));
}

static DebriefSample *
make_sample (const char        *prompt,
             DebriefSampleRole  role,
             const char        *text)
{
  DebriefSample *s = debrief_sample_new ();

  s->prompt = g_strdup (prompt);
  s->role = role;
  s->model = g_strdup (role == DEBRIEF_ROLE_FINE_TUNED ? "tuned" : "base");
  s->text = g_strdup (text);
  return s;
}

typedef struct
{
  gboolean done;
  DebriefJudgeSummary *summary;
  GError *error;
  guint progress;
} RunResult;

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  RunResult *r = data;

  r->summary = debrief_judge_run_finish (DEBRIEF_JUDGE (source), result, &r->error);
  r->done = TRUE;
}

static void
progress_cb (DebriefJudge *judge,
             guint         done,
             guint         total,
             RunResult    *r)
{
  g_assert_cmpuint (done, ==, r->progress + 1);
  r->progress = done;
}

static int
cmp_str_ptr (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Runs the judge with @seed, returns the "a" role per prompt from judgements.jsonl. */
static char *
judge_once (const char  *base,
            GPtrArray   *samples,
            const char  *path,
            guint32      seed,
            RunResult   *r)
{
  g_autoptr(DebriefClient) client = debrief_client_new (base, NULL);
  g_autoptr(DebriefJudge) judge = debrief_judge_new (client, "judge-model");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GString *orders = g_string_new (NULL);

  g_unlink (path);
  debrief_judge_set_seed (judge, seed);
  g_signal_connect (judge, "progress", G_CALLBACK (progress_cb), r);
  debrief_judge_run_async (judge, samples, path, NULL, run_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  /* One line per judged prompt, each a JSON object; in completion order, so sort by prompt. */
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      obj = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (obj, "judge_model"), ==, "judge-model");
      g_string_append_printf (orders, "%s=%s;", json_object_get_string_member (obj, "prompt"),
                              json_object_get_string_member (obj, "a"));
    }
  {
    g_auto(GStrv) parts = g_strsplit (orders->str, ";", -1);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

    for (guint i = 0; parts[i] != NULL; i++)
      if (parts[i][0] != '\0')
        g_ptr_array_add (sorted, parts[i]);
    g_ptr_array_sort (sorted, cmp_str_ptr);
    g_string_truncate (orders, 0);
    for (guint i = 0; i < sorted->len; i++)
      g_string_append_printf (orders, "%s;", (char *) g_ptr_array_index (sorted, i));
  }
  return g_string_free (orders, FALSE);
}

static void
test_judge_run (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);
  g_autofree char *base = NULL;
  g_autofree char *dir = g_dir_make_tmp ("debrief-judge-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  RunResult r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
  g_autofree char *o1 = NULL;
  g_autofree char *o2 = NULL;
  g_autofree char *o3 = NULL;
  DebriefJudgeSummary loaded;
  g_autofree char *model = NULL;

  soup_server_add_handler (server, NULL, judge_handler, NULL, NULL);
  base = g_strdup_printf ("http://127.0.0.1:%u/v1", debrief_test_server_listen (server));

  /* 8 prompts: the fine-tuned answer is better on p0–p4, worse on p5,
   * tied on p6, and the judge rambles on p7. */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("p%u", i);
      const char *tuned = i < 5 ? "GOOD answer" : i == 5 ? "meh" : i == 6 ? "TIE" : "NOISE";
      const char *basel = i < 5 ? "meh" : i == 5 ? "GOOD answer" : i == 6 ? "TIE" : "NOISE";

      /* An older baseline answer comes first: only the newest counts. */
      if (i == 0)
        g_ptr_array_add (samples, make_sample (prompt, DEBRIEF_ROLE_BASELINE, "GOOD but stale"));
      g_ptr_array_add (samples, make_sample (prompt, DEBRIEF_ROLE_FINE_TUNED, tuned));
      g_ptr_array_add (samples, make_sample (prompt, DEBRIEF_ROLE_BASELINE, basel));
    }
  /* A prompt with only one side is not judged. */
  g_ptr_array_add (samples, make_sample ("lonely", DEBRIEF_ROLE_FINE_TUNED, "GOOD"));

  o1 = judge_once (base, samples, path, 7, &r1);
  g_assert_no_error (r1.error);
  g_assert_cmpuint (r1.progress, ==, 8);
  /* Whatever the order drawn, the judge's preference maps back to the right side. */
  g_assert_cmpuint (r1.summary->wins, ==, 5);
  g_assert_cmpuint (r1.summary->losses, ==, 1);
  g_assert_cmpuint (r1.summary->ties, ==, 1);
  g_assert_cmpuint (r1.summary->unparseable, ==, 1);
  g_assert_cmpuint (r1.summary->judged, ==, 7);
  g_assert_cmpfloat_with_epsilon (r1.summary->win_rate, 5.5 / 7, 1e-12);
  g_assert_cmpint (r1.summary->verdict, ==, DEBRIEF_VERDICT_SUCCESS);
  /* Both orders were drawn (8 fair coins: a single order would be 1/128). */
  g_assert_nonnull (strstr (o1, "=fine-tuned;"));
  g_assert_nonnull (strstr (o1, "=baseline;"));

  /* judgements.jsonl reads back to the same counts. */
  g_assert_true (debrief_judge_summary_load (path, &loaded, &model, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded.wins, ==, 5);
  g_assert_cmpstr (model, ==, "judge-model");
  g_assert_cmpuint (loaded.unparseable, ==, 1);
  g_assert_cmpfloat_with_epsilon (loaded.win_rate, r1.summary->win_rate, 1e-12);

  /* The report's blocks: a judge block from judgements.jsonl, no samples block without samples.jsonl. */
  {
    g_autoptr(GFile) folder = g_file_new_for_path (dir);
    g_autofree char *samples_md = NULL;
    g_autofree char *judge_md = NULL;

    debrief_judge_report_blocks (folder, &samples_md, &judge_md);
    g_assert_null (samples_md);
    g_assert_nonnull (judge_md);
    g_assert_nonnull (strstr (judge_md, "`judge-model`"));
    g_assert_nonnull (strstr (judge_md, "| 5 | 1 | 1 | 1 | 79% |"));
  }

  /* The same seed draws the same orders; another seed, other orders. */
  o2 = judge_once (base, samples, path, 7, &r2);
  g_assert_cmpstr (o1, ==, o2);
  o3 = judge_once (base, samples, path, 8, &r3);
  g_assert_cmpstr (o1, !=, o3);
  g_assert_cmpuint (r3.summary->wins, ==, 5);

  debrief_judge_summary_free (r1.summary);
  debrief_judge_summary_free (r2.summary);
  debrief_judge_summary_free (r3.summary);
  debrief_test_remove_tree (dir);
  debrief_test_server_stop (server);
}

static void
test_judge_no_pairs (void)
{
  g_autoptr(DebriefClient) client = debrief_client_new ("http://127.0.0.1:9/v1", NULL);
  g_autoptr(DebriefJudge) judge = debrief_judge_new (client, "j");
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);
  RunResult r = { 0 };

  g_ptr_array_add (samples, make_sample ("only", DEBRIEF_ROLE_FINE_TUNED, "x"));
  debrief_judge_run_async (judge, samples, NULL, NULL, run_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (r.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA);
  g_clear_error (&r.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/judge/parse-answers", test_parse_answers);
  g_test_add_func ("/judge/parse-bounds", test_parse_bounds);
  g_test_add_func ("/judge/wilson", test_wilson);
  g_test_add_func ("/judge/verdicts", test_verdicts);
  g_test_add_func ("/judge/run", test_judge_run);
  g_test_add_func ("/judge/no-pairs", test_judge_no_pairs);
  return g_test_run ();
}
