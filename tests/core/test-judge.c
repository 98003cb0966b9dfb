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

  /* 60 wins, 40 losses: the rate says success, but the interval (50.2–69.1%)
   * reaches into the 50–55% band: too few prompts, and 381 would do at 60%. */
  s.wins = 60; s.losses = 40;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_SUCCESS);
  g_assert_false (s.too_wide);
  g_assert_false (s.conclusive);
  g_assert_cmpuint (s.prompts_needed, ==, 381);
  g_assert_cmpstr (debrief_judge_summary_verdict_id (&s), ==, "too_few_prompts");
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "Win rate 60% (95% CI 50%–69%)"));
  g_assert_nonnull (strstr (text, "Too few prompts to conclude"));
  g_assert_nonnull (strstr (text, "about 381 prompts would settle it"));
  g_assert_nonnull (strstr (text, "leans towards success"));
  g_assert_null (strstr (text, "consider deployment"));
  g_clear_pointer (&text, g_free);

  /* 2 wins, 1 tie of 3: 83%, interval 44–97%: 12 prompts at that rate. */
  memset (&s, 0, sizeof s);
  s.wins = 2; s.ties = 1; s.unparseable = 2;
  debrief_judge_summary_compute (&s);
  g_assert_cmpuint (s.judged, ==, 3);
  g_assert_cmpfloat_with_epsilon (s.win_rate, 2.5 / 3, 1e-12);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_SUCCESS);
  g_assert_true (s.too_wide);
  g_assert_cmpuint (s.prompts_needed, ==, 12);
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "2 unparseable"));
  g_assert_nonnull (strstr (text, "about 12 prompts"));
  g_clear_pointer (&text, g_free);

  /* Three wins of three: 100%, but five prompts are the fewest that could show it. */
  memset (&s, 0, sizeof s);
  s.wins = 3;
  debrief_judge_summary_compute (&s);
  g_assert_false (s.conclusive);
  g_assert_cmpuint (s.prompts_needed, ==, 5);
  s.wins = 5;
  debrief_judge_summary_compute (&s);
  g_assert_true (s.conclusive);
  g_assert_cmpuint (s.prompts_needed, ==, 0);
  g_assert_cmpstr (debrief_judge_summary_verdict_id (&s), ==, "success");
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "consider deployment"));
  g_clear_pointer (&text, g_free);

  /* Ties count half: 10 ties + 1 win + 0 losses of 11 → 54.5%: between 50 and 55%. */
  memset (&s, 0, sizeof s);
  s.wins = 1; s.ties = 10;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_INCONCLUSIVE);
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "judge more prompts"));
  g_clear_pointer (&text, g_free);

  /* 30 of 100: settled below 50%. 10 of 100: iterate. */
  memset (&s, 0, sizeof s);
  s.wins = 30; s.losses = 70;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_ITERATE);
  g_assert_true (s.conclusive);
  g_assert_cmpstr (debrief_judge_summary_verdict_id (&s), ==, "iterate");
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "investigate failure modes"));
  g_clear_pointer (&text, g_free);

  /* Exactly 55%: not above, and no number of prompts separates it from the band's edge. */
  memset (&s, 0, sizeof s);
  s.wins = 55; s.losses = 45;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_INCONCLUSIVE);
  g_assert_cmpuint (s.prompts_needed, ==, G_MAXUINT);
  memset (&s, 0, sizeof s);
  s.wins = 50; s.losses = 50;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_INCONCLUSIVE);
  g_assert_cmpuint (s.prompts_needed, ==, G_MAXUINT);
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "no number of prompts would settle it"));
  g_clear_pointer (&text, g_free);
  /* Inside the band, a large evaluation can show it. */
  g_assert_cmpuint (debrief_judge_prompts_needed (0.525), ==, 1537);
  g_assert_cmpuint (debrief_judge_prompts_needed (0.3), ==, 25);
  g_assert_cmpuint (debrief_judge_prompts_needed (NAN), ==, G_MAXUINT);

  /* Several samples per prompt: the interval is over prompts. */
  memset (&s, 0, sizeof s);
  s.wins = 6; s.ties = 0; s.losses = 2; s.prompts = 4; s.prompt_successes = 3.0;
  debrief_judge_summary_compute (&s);
  g_assert_cmpfloat_with_epsilon (s.win_rate, 0.75, 1e-12);
  {
    double lo, hi;

    debrief_wilson_interval (3.0, 4, DEBRIEF_JUDGE_Z, &lo, &hi);
    g_assert_cmpfloat_with_epsilon (s.low, lo, 1e-12);
  }
  text = debrief_judge_summary_describe (&s);
  g_assert_nonnull (strstr (text, "over 4 prompts (8 answer pairs; wins: 6, ties: 0, losses: 2)"));
  g_clear_pointer (&text, g_free);

  /* Nothing judged. */
  memset (&s, 0, sizeof s);
  s.unparseable = 3;
  debrief_judge_summary_compute (&s);
  g_assert_cmpint (s.verdict, ==, DEBRIEF_VERDICT_NO_DATA);
  g_assert_cmpstr (debrief_judge_summary_verdict_id (&s), ==, "no_data");
  g_assert_true (isnan (s.win_rate));
  md = debrief_judge_summary_to_markdown (&s, "judge-x");
  g_assert_true (g_str_has_prefix (md, "Pairwise comparison by `judge-x`"));
  g_assert_nonnull (strstr (md, "No usable judgement (3 unparseable"));
}

/* ---- judging runs against a fake judge that is a real HTTP server ---- */

typedef enum
{
  JUDGE_CONSISTENT,   /* prefers the response holding "GOOD" (else the one without "BAD") wherever it stands */
  JUDGE_FIRST,        /* always prefers response A: pure position bias */
} JudgeKind;

typedef struct
{
  SoupServer *server;
  char *base;
  JudgeKind kind;
  guint requests;
  gboolean fail_marked;   /* answer HTTP 500 to prompts holding "FAIL" */
  guint delay_ms;         /* answer after this long (to cancel in between) */
} Judge;

static void
send_verdict (SoupServerMessage *msg,
              const char        *verdict)
{
  g_autofree char *chunk = g_strescape (verdict, NULL);
  g_autofree char *body = g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n"
                                           "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", chunk);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_COPY, body, strlen (body));
}

typedef struct
{
  SoupServerMessage *msg;
  char *verdict;
} Delayed;

static gboolean
send_delayed (gpointer data)
{
  Delayed *d = data;

  send_verdict (d->msg, d->verdict);
  soup_server_message_unpause (d->msg);
  g_object_unref (d->msg);
  g_free (d->verdict);
  g_free (d);
  return G_SOURCE_REMOVE;
}

/* "TIE" in both responses → tie; "NOISE" → an answer with no verdict. */
static void
judge_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  Judge *judge = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *messages;
  const char *user;
  const char *b_start;
  const char *verdict;

  judge->requests++;
  messages = json_object_get_array_member (debrief_test_request_object (msg, parser), "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
  user = json_object_get_string_member (json_array_get_object_element (messages, 1), "content");
  g_assert_nonnull (strstr (user, "[The start of response A]"));
  b_start = strstr (user, "[The start of response B]");
  g_assert_nonnull (b_start);
  if (judge->fail_marked && strstr (user, "FAIL") != NULL)
    {
      const char *err = "{\"error\":{\"message\":\"judge overloaded\"}}";

      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, err, strlen (err));
      return;
    }
  if (judge->kind == JUDGE_FIRST)
    verdict = "The first one reads better.\n[[A]]";
  else if (strstr (user, "NOISE") != NULL)
    verdict = "Well, hmm, these are responses.";
  else if (strstr (user, "TIE") != NULL)
    verdict = "Equally good.\n[[tie]]";
  else if (strstr (user, "GOOD") != NULL)
    verdict = strstr (user, "GOOD") < b_start ? "A is clearer.\n[[A]]" : "{\"winner\": \"B\"}";
  else
    {
      const char *bad = strstr (user, "BAD");

      g_assert_nonnull (bad);
      verdict = bad < b_start ? "Response B is better." : "Response A is better.";
    }
  if (judge->delay_ms > 0)
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->msg = g_object_ref (msg);
      d->verdict = g_strdup (verdict);
      soup_server_message_pause (msg);
      g_timeout_add (judge->delay_ms, send_delayed, d);
      return;
    }
  send_verdict (msg, verdict);
}

static void
judge_start (Judge     *judge,
             JudgeKind  kind)
{
  memset (judge, 0, sizeof *judge);
  judge->kind = kind;
  judge->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (judge->server, NULL, judge_handler, judge, NULL);
  judge->base = g_strdup_printf ("http://127.0.0.1:%u/v1", debrief_test_server_listen (judge->server));
}

static void
judge_stop (Judge *judge)
{
  debrief_test_server_stop (judge->server);
  g_clear_object (&judge->server);
  g_free (judge->base);
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

static DebriefSample *
make_checkpoint_sample (const char *prompt,
                        const char *checkpoint,
                        gint64      step,
                        guint       index,
                        const char *text)
{
  DebriefSample *s = make_sample (prompt, DEBRIEF_ROLE_FINE_TUNED, text);

  s->checkpoint = g_strdup (checkpoint);
  s->step = step;
  s->sample_index = index;
  return s;
}

typedef struct
{
  gboolean done;
  DebriefJudgeSummary *summary;
  GError *error;
  guint progress;
  guint total;
  GCancellable *cancel_after;   /* cancelled once @cancel_at requests came back */
  guint cancel_at;
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
  r->total = total;
  if (r->cancel_after != NULL && done == r->cancel_at)
    g_cancellable_cancel (r->cancel_after);
}

static void
run_result_clear (RunResult *r)
{
  g_clear_pointer (&r->summary, debrief_judge_summary_free);
  g_clear_error (&r->error);
  memset (r, 0, sizeof *r);
}

/* Runs a judge over @samples, appending to @path; @existing (may be NULL) as already judged. */
static DebriefJudge *
judge_run (Judge       *judge,
           GPtrArray   *samples,
           const char  *path,
           GPtrArray   *existing,
           RunResult   *r,
           void       (*setup) (DebriefJudge *))
{
  g_autoptr(DebriefClient) client = debrief_client_new (judge->base, NULL);
  DebriefJudge *j = debrief_judge_new (client, "judge-model");
  g_autoptr(GCancellable) cancellable = r->cancel_after != NULL ? g_object_ref (r->cancel_after) : NULL;

  debrief_client_set_retries (client, 0, 10);
  if (existing != NULL)
    debrief_judge_set_existing (j, existing);
  if (setup != NULL)
    setup (j);
  g_signal_connect (j, "progress", G_CALLBACK (progress_cb), r);
  debrief_judge_run_async (j, samples, path, cancellable, run_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  return j;
}

/* 8 prompts: the fine-tuned answer is better on p0–p4, worse on p5, tied on
 * p6, and the judge rambles on p7. */
static GPtrArray *
eight_prompts (void)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);

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
  return samples;
}

static char *
tmp_path (const char *dir)
{
  return g_build_filename (dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
}

static void
test_judge_run (void)
{
  g_autoptr(GPtrArray) samples = eight_prompts ();
  g_autofree char *dir = g_dir_make_tmp ("debrief-judge-XXXXXX", NULL);
  g_autofree char *path = tmp_path (dir);
  g_autoptr(DebriefJudge) first = NULL;
  g_autoptr(DebriefJudge) again = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  RunResult r = { 0 };
  Judge judge;
  DebriefJudgeSummary from_file;
  g_autofree char *model = NULL;
  guint fine_tuned_first = 0;

  judge_start (&judge, JUDGE_CONSISTENT);
  first = judge_run (&judge, samples, path, NULL, &r, NULL);
  g_assert_no_error (r.error);
  /* Every pair in both orders. */
  g_assert_cmpuint (judge.requests, ==, 16);
  g_assert_cmpuint (r.total, ==, 16);
  g_assert_cmpuint (r.summary->wins, ==, 5);
  g_assert_cmpuint (r.summary->losses, ==, 1);
  g_assert_cmpuint (r.summary->ties, ==, 1);
  g_assert_cmpuint (r.summary->unparseable, ==, 1);
  g_assert_cmpuint (r.summary->judged, ==, 7);
  /* A consistent judge: no verdict changes with the order. */
  g_assert_cmpuint (r.summary->position_flips, ==, 0);
  g_assert_cmpuint (r.summary->both_orders, ==, 7);
  g_assert_cmpfloat_with_epsilon (r.summary->win_rate, 5.5 / 7, 1e-12);
  g_assert_cmpint (r.summary->verdict, ==, DEBRIEF_VERDICT_SUCCESS);
  g_assert_false (r.summary->conclusive);
  g_assert_cmpuint (r.summary->prompts_needed, ==, 18);

  /* judgements.jsonl: one line per request, each order once per pair, and it reads back the same. */
  loaded = debrief_judgements_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 16);
  for (guint i = 0; i < loaded->len; i++)
    {
      DebriefJudgement *j = g_ptr_array_index (loaded, i);

      g_assert_cmpstr (j->judge_model, ==, "judge-model");
      g_assert_false (j->single_order);
      g_assert_nonnull (j->fine_tuned_hash);
      g_assert_cmpstr (j->candidate, ==, "tuned");
      fine_tuned_first += j->order == DEBRIEF_JUDGE_ORDER_FINE_TUNED_FIRST;
    }
  g_assert_cmpuint (fine_tuned_first, ==, 8);
  g_assert_true (debrief_judge_summary_load (path, &from_file, &model, &error));
  g_assert_cmpuint (from_file.wins, ==, 5);
  g_assert_cmpuint (from_file.unparseable, ==, 1);
  g_assert_cmpfloat_with_epsilon (from_file.win_rate, r.summary->win_rate, 1e-12);
  g_assert_cmpstr (model, ==, "judge-model");

  /* The report's blocks: a judge block from judgements.jsonl, no samples block without samples.jsonl. */
  {
    g_autoptr(GFile) folder = g_file_new_for_path (dir);
    g_autofree char *samples_md = NULL;
    g_autofree char *judge_md = NULL;

    debrief_judge_report_blocks (folder, &samples_md, &judge_md);
    g_assert_null (samples_md);
    g_assert_nonnull (judge_md);
    g_assert_nonnull (strstr (judge_md, "`judge-model`, each pair judged in both orders"));
    g_assert_nonnull (strstr (judge_md, "| 5 | 1 | 1 | 0 of 7 | 1 | 79% | 42%–95% | too few prompts |"));
  }
  run_result_clear (&r);

  /* Run again with what is there: nothing is judged twice, not even the rambling. */
  judge.requests = 0;
  again = judge_run (&judge, samples, path, loaded, &r, NULL);
  g_assert_no_error (r.error);
  g_assert_cmpuint (judge.requests, ==, 0);
  g_assert_cmpuint (debrief_judge_get_n_reused (again), ==, 16);
  g_assert_cmpuint (r.summary->wins, ==, 5);
  g_assert_cmpuint (debrief_judge_get_judgements (again)->len, ==, 16);
  run_result_clear (&r);

  /* Unless asked. */
  {
    g_autoptr(DebriefClient) client = debrief_client_new (judge.base, NULL);
    g_autoptr(DebriefJudge) j = debrief_judge_new (client, "judge-model");

    debrief_judge_set_existing (j, loaded);
    debrief_judge_set_rejudge (j, TRUE);
    g_signal_connect (j, "progress", G_CALLBACK (progress_cb), &r);
    debrief_judge_run_async (j, samples, path, NULL, run_cb, &r);
    while (!r.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (judge.requests, ==, 16);
    g_assert_cmpuint (debrief_judge_get_n_reused (j), ==, 0);
  }
  run_result_clear (&r);

  /* Another text is another judgement: a re-sampled answer is judged anew, only it. */
  {
    g_autoptr(GPtrArray) changed = eight_prompts ();

    g_ptr_array_add (changed, make_sample ("p0", DEBRIEF_ROLE_FINE_TUNED, "GOOD, resampled"));
    judge.requests = 0;
    g_clear_object (&again);
    g_clear_pointer (&loaded, g_ptr_array_unref);
    loaded = debrief_judgements_load (path, NULL);
    again = judge_run (&judge, changed, path, loaded, &r, NULL);
    g_assert_cmpuint (judge.requests, ==, 2);
    g_assert_cmpuint (r.summary->wins, ==, 5);
  }
  run_result_clear (&r);
  judge_stop (&judge);
  debrief_test_remove_tree (dir);
}

/* A judge that always prefers the first answer must come out as all ties. */
static void
test_position_bias (void)
{
  g_autoptr(GPtrArray) samples = eight_prompts ();
  g_autofree char *dir = g_dir_make_tmp ("debrief-judge-XXXXXX", NULL);
  g_autofree char *path = tmp_path (dir);
  g_autoptr(DebriefJudge) j = NULL;
  g_autofree char *text = NULL;
  RunResult r = { 0 };
  Judge judge;

  judge_start (&judge, JUDGE_FIRST);
  j = judge_run (&judge, samples, path, NULL, &r, NULL);
  g_assert_no_error (r.error);
  g_assert_cmpuint (judge.requests, ==, 16);
  g_assert_cmpuint (r.summary->wins, ==, 0);
  g_assert_cmpuint (r.summary->losses, ==, 0);
  g_assert_cmpuint (r.summary->ties, ==, 8);
  g_assert_cmpuint (r.summary->judged, ==, 8);
  g_assert_cmpuint (r.summary->position_flips, ==, 8);
  g_assert_cmpuint (r.summary->both_orders, ==, 8);
  g_assert_cmpfloat_with_epsilon (r.summary->win_rate, 0.5, 1e-12);
  text = debrief_judge_summary_describe (r.summary);
  g_assert_nonnull (strstr (text, "8 of 8 verdicts changed when the answers swapped places: 100% position bias"));
  g_assert_nonnull (strstr (text, "no number of prompts would settle it"));
  run_result_clear (&r);
  judge_stop (&judge);
  debrief_test_remove_tree (dir);
}

static void
set_single (DebriefJudge *j)
{
  debrief_judge_set_single_order (j, TRUE);
  debrief_judge_set_seed (j, 7);
}

static void
set_single_other_seed (DebriefJudge *j)
{
  debrief_judge_set_single_order (j, TRUE);
  debrief_judge_set_seed (j, 8);
}

static int
cmp_str_ptr (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The orders drawn, "p0=1;p1=2;…", from a run's judgements. */
static char *
orders_of (DebriefJudge *j)
{
  GPtrArray *list = debrief_judge_get_judgements (j);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      DebriefJudgement *jm = g_ptr_array_index (list, i);

      g_ptr_array_add (parts, g_strdup_printf ("%s=%d", jm->prompt, jm->order));
    }
  g_ptr_array_sort (parts, cmp_str_ptr);
  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (out, "%s;", (const char *) g_ptr_array_index (parts, i));
  return g_string_free (out, FALSE);
}

static void
test_single_order (void)
{
  g_autoptr(GPtrArray) samples = eight_prompts ();
  g_autoptr(DebriefJudge) j1 = NULL;
  g_autoptr(DebriefJudge) j2 = NULL;
  g_autoptr(DebriefJudge) j3 = NULL;
  g_autofree char *o1 = NULL;
  g_autofree char *o2 = NULL;
  g_autofree char *o3 = NULL;
  RunResult r = { 0 };
  Judge judge;

  judge_start (&judge, JUDGE_CONSISTENT);
  j1 = judge_run (&judge, samples, NULL, NULL, &r, set_single);
  g_assert_cmpuint (judge.requests, ==, 8);
  /* Whatever the order drawn, the judge's preference maps back to the right side. */
  g_assert_cmpuint (r.summary->wins, ==, 5);
  g_assert_cmpuint (r.summary->losses, ==, 1);
  g_assert_cmpuint (r.summary->both_orders, ==, 0);
  run_result_clear (&r);
  j2 = judge_run (&judge, samples, NULL, NULL, &r, set_single);
  run_result_clear (&r);
  j3 = judge_run (&judge, samples, NULL, NULL, &r, set_single_other_seed);
  g_assert_cmpuint (r.summary->wins, ==, 5);
  run_result_clear (&r);
  o1 = orders_of (j1);
  o2 = orders_of (j2);
  o3 = orders_of (j3);
  /* The same seed draws the same orders; another seed, other orders; both orders occur. */
  g_assert_cmpstr (o1, ==, o2);
  g_assert_cmpstr (o1, !=, o3);
  g_assert_nonnull (strstr (o1, "=1;"));
  g_assert_nonnull (strstr (o1, "=2;"));
  judge_stop (&judge);
}

static void
set_primary_last (DebriefJudge *j)
{
  debrief_judge_set_primary (j, "checkpoint-300");
}

/* Base, best and last: each checkpoint judged against the base on its own;
 * several samples per prompt; a judge request that fails is asked again on a
 * re-run, and only it. */
static void
test_checkpoints_and_failures (void)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);
  g_autofree char *dir = g_dir_make_tmp ("debrief-judge-XXXXXX", NULL);
  g_autofree char *path = tmp_path (dir);
  g_autoptr(DebriefJudge) j = NULL;
  g_autoptr(DebriefJudge) again = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_auto(GStrv) candidates = NULL;
  g_autofree char *md = NULL;
  DebriefJudgeSummary best, last;
  RunResult r = { 0 };
  Judge judge;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("q%u", i);

      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *base = g_strdup_printf ("plain %u", k);

          /* checkpoint-200 is better everywhere; checkpoint-300 only on its second samples;
           * q3's second sample of checkpoint-200 trips the judge. */
          g_ptr_array_add (samples, make_checkpoint_sample (prompt, "checkpoint-300", 300, k, k == 1 ? "GOOD late" : "BAD"));
          g_ptr_array_add (samples, make_checkpoint_sample (prompt, "checkpoint-200", 200, k,
                                                            i == 3 && k == 1 ? "GOOD FAIL" : "GOOD"));
          {
            DebriefSample *b = make_sample (prompt, DEBRIEF_ROLE_BASELINE, base);

            b->sample_index = k;
            g_ptr_array_add (samples, b);
          }
        }
    }
  judge_start (&judge, JUDGE_CONSISTENT);
  judge.fail_marked = TRUE;
  j = judge_run (&judge, samples, path, NULL, &r, NULL);
  g_assert_no_error (r.error);
  /* 2 checkpoints × 4 prompts × 2 samples × 2 orders. */
  g_assert_cmpuint (judge.requests, ==, 32);
  candidates = debrief_judgements_candidates (debrief_judge_get_judgements (j));
  g_assert_cmpuint (g_strv_length (candidates), ==, 2);
  g_assert_cmpstr (candidates[0], ==, "checkpoint-200");
  g_assert_cmpstr (candidates[1], ==, "checkpoint-300");
  /* The summary returned is the first candidate's. */
  g_assert_cmpuint (r.summary->wins, ==, 7);
  g_assert_cmpuint (r.summary->failed, ==, 1);
  debrief_judgements_summarize (debrief_judge_get_judgements (j), "checkpoint-300", &last);
  g_assert_cmpuint (last.wins, ==, 4);
  g_assert_cmpuint (last.losses, ==, 4);
  g_assert_cmpuint (last.prompts, ==, 4);
  /* Per prompt one win and one loss: 50% over 4 prompts. */
  g_assert_cmpfloat_with_epsilon (last.win_rate, 0.5, 1e-12);
  run_result_clear (&r);

  md = debrief_judgements_to_markdown (debrief_judge_get_judgements (j));
  g_assert_nonnull (strstr (md, "| `checkpoint-200` | 7 | 0 | 0 |"));
  g_assert_nonnull (strstr (md, "| `checkpoint-300` | 4 | 0 | 4 |"));
  g_assert_nonnull (strstr (md, "**Verdict for `checkpoint-300`:**"));

  /* Re-run: the failed requests (both orders of that pair) and only they are asked again. */
  judge.fail_marked = FALSE;
  judge.requests = 0;
  loaded = debrief_judgements_load (path, NULL);
  g_assert_cmpuint (loaded->len, ==, 32);
  again = judge_run (&judge, samples, path, loaded, &r, NULL);
  g_assert_cmpuint (judge.requests, ==, 2);
  g_assert_cmpuint (r.summary->wins, ==, 8);
  g_assert_cmpuint (r.summary->failed, ==, 0);
  run_result_clear (&r);
  /* The file reads back to the same; whose summary a run returns can be chosen. */
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = debrief_judgements_load (path, NULL);
  debrief_judgements_summarize (loaded, "checkpoint-200", &best);
  g_assert_cmpuint (best.wins, ==, 8);
  g_assert_true (debrief_judge_summary_load (path, &best, NULL, NULL));
  g_assert_cmpuint (best.wins, ==, 8);
  judge.requests = 0;
  g_clear_object (&again);
  again = judge_run (&judge, samples, path, loaded, &r, set_primary_last);
  g_assert_cmpuint (judge.requests, ==, 0);
  g_assert_cmpuint (r.summary->wins, ==, 4);
  g_assert_cmpuint (r.summary->losses, ==, 4);
  run_result_clear (&r);
  judge_stop (&judge);
  debrief_test_remove_tree (dir);
}

/* Cancelled half-way: what came back is kept; the re-run asks for the rest only. */
static void
test_cancel_and_resume (void)
{
  g_autoptr(GPtrArray) samples = eight_prompts ();
  g_autofree char *dir = g_dir_make_tmp ("debrief-judge-XXXXXX", NULL);
  g_autofree char *path = tmp_path (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DebriefJudge) j = NULL;
  g_autoptr(DebriefJudge) again = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  RunResult r = { 0 };
  Judge judge;
  guint kept;

  judge_start (&judge, JUDGE_CONSISTENT);
  judge.delay_ms = 20;
  r.cancel_after = cancellable;
  r.cancel_at = 5;
  j = judge_run (&judge, samples, path, NULL, &r, NULL);
  g_assert_error (r.error, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL);
  g_assert_null (r.summary);
  kept = debrief_judge_get_judgements (j)->len;
  g_assert_cmpuint (kept, >=, 5);
  g_assert_cmpuint (kept, <, 16);
  loaded = debrief_judgements_load (path, NULL);
  g_assert_cmpuint (loaded->len, ==, kept);
  run_result_clear (&r);
  while (g_main_context_iteration (NULL, FALSE));

  judge.requests = 0;
  again = judge_run (&judge, samples, path, loaded, &r, NULL);
  g_assert_no_error (r.error);
  g_assert_cmpuint (judge.requests, ==, 16 - kept);
  g_assert_cmpuint (r.summary->wins, ==, 5);
  g_assert_cmpuint (r.summary->incomplete, ==, 0);
  run_result_clear (&r);
  /* An old single-order file still reads. */
  {
    g_autofree char *old = g_build_filename (dir, "old.jsonl", NULL);
    DebriefJudgeSummary s;

    g_assert_true (g_file_set_contents (old,
      "{\"prompt\": \"a\", \"judge_model\": \"j\", \"fine_tuned_model\": \"t\", \"baseline_model\": \"b\", \"a\": \"baseline\", "
      "\"b\": \"fine-tuned\", \"answer\": \"[[B]]\", \"parsed\": \"B\", \"winner\": \"fine-tuned\", \"error\": null, \"time\": \"x\"}\n"
      "{\"prompt\": \"b\", \"judge_model\": \"j\", \"fine_tuned_model\": \"t\", \"baseline_model\": \"b\", \"a\": \"fine-tuned\", "
      "\"b\": \"baseline\", \"answer\": \"[[tie]]\", \"parsed\": \"tie\", \"winner\": \"tie\", \"error\": null, \"time\": \"x\"}\n"
      "not json\n", -1, NULL));
    g_assert_true (debrief_judge_summary_load (old, &s, NULL, NULL));
    g_assert_cmpuint (s.wins, ==, 1);
    g_assert_cmpuint (s.ties, ==, 1);
    g_assert_cmpuint (s.both_orders, ==, 0);
    g_unlink (old);
  }
  judge_stop (&judge);
  debrief_test_remove_tree (dir);
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
  g_test_add_func ("/judge/position-bias", test_position_bias);
  g_test_add_func ("/judge/single-order", test_single_order);
  g_test_add_func ("/judge/checkpoints-and-failures", test_checkpoints_and_failures);
  g_test_add_func ("/judge/cancel-and-resume", test_cancel_and_resume);
  g_test_add_func ("/judge/no-pairs", test_judge_no_pairs);
  return g_test_run ();
}
