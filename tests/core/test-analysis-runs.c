/* test-analysis-runs.c: every labelled run (tests/data/runs, the generated
 * tests/data/analysis and the real public runs of tests/data/public) through the
 * real loader and the analysis: expected findings present, forbidden ones absent,
 * best_step where labelled; for the public runs also the verdict and no LoRA
 * advice for a run that did not train a LoRA
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

typedef struct
{
  char *dir;
  char *name;
  JsonObject *label;   /* owned by the parser kept alive in the fixture list */
} LabelledRun;

static GPtrArray *parsers;

static gboolean
strv_has (JsonArray  *array,
          const char *id)
{
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), id) == 0)
      return TRUE;
  return FALSE;
}

static void
test_labelled_run (gconstpointer data)
{
  const LabelledRun *lr = data;
  g_autofree char *path = g_build_filename (lr->dir, lr->name, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = debrief_run_load (folder, NULL, &error);
  g_autoptr(DebriefAnalysis) analysis = NULL;
  JsonArray *expected = json_object_get_array_member (lr->label, "expected");
  JsonArray *forbidden = json_object_get_array_member (lr->label, "forbidden");
  const char *format = json_object_get_string_member (lr->label, "format");
  GListModel *findings;

  g_assert_no_error (error);
  g_assert_nonnull (run);
  /* LABELS.json says "hf" for the Hugging Face Trainer. */
  if (g_str_equal (format, "hf"))
    format = "hf_trainer";
  g_assert_cmpstr (debrief_run_get_format (run), ==, format);

  analysis = debrief_analysis_run (run, NULL, &error);
  g_assert_no_error (error);
  findings = debrief_analysis_get_findings (analysis);

  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      const char *id = json_array_get_string_element (expected, i);
      if (!debrief_analysis_has_finding (analysis, id))
        g_error ("%s: expected finding %s is missing (verdict: %s)", lr->name, id,
                 debrief_analysis_get_verdict (analysis));
    }
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);
      const char *id = debrief_finding_get_id (f);

      if (strv_has (forbidden, id))
        g_error ("%s: forbidden finding %s: %s", lr->name, id, debrief_finding_get_evidence (f));
      /* Every finding explains itself. */
      g_assert_true (debrief_finding_get_title (f) && *debrief_finding_get_title (f));
      g_assert_true (debrief_finding_get_evidence (f) && *debrief_finding_get_evidence (f));
      g_assert_true (debrief_finding_get_cause (f) && *debrief_finding_get_cause (f));
      g_assert_true (debrief_finding_get_fix (f) && *debrief_finding_get_fix (f));
      g_assert_cmpuint (debrief_finding_get_n_actions (f), >, 0);
    }
  /* A run that is expected to be clean gets no warning of any kind. */
  if (json_array_get_length (expected) == 0 && json_array_get_length (forbidden) == 8)
    g_assert_cmpuint (g_list_model_get_n_items (findings), ==, 0);

  if (!json_object_get_null_member (lr->label, "best_step"))
    {
      gint64 best = json_object_get_int_member (lr->label, "best_step");
      DebriefFinding *overfit = debrief_analysis_get_finding (analysis, DEBRIEF_FINDING_OVERFITTING);

      g_assert_cmpint (debrief_analysis_get_best_step (analysis), ==, best);
      if (overfit)
        g_assert_cmpint (debrief_finding_get_step (overfit), ==, best);
    }
}

static gboolean
finding_gives_lora_advice (DebriefFinding *f)
{
  const char *texts[] = { debrief_finding_get_cause (f), debrief_finding_get_fix (f) };

  for (guint i = 0; i < debrief_finding_get_n_actions (f); i++)
    {
      DebriefActionType type = debrief_finding_get_action (f, i)->type;
      if (type == DEBRIEF_ACTION_RAISE_RANK || type == DEBRIEF_ACTION_TARGET_ALL_LINEAR)
        return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] && strstr (texts[i], "LoRA"))
      return TRUE;
  return FALSE;
}

/* Held-out runs whose label Debrief does not meet yet, with the reason. The label
 * stays as a careful reader wrote it (before Debrief ran on the run); the test
 * reports the miss as incomplete, and fails once Debrief finds it (then the entry
 * goes). */
static const struct
{
  const char *name;
  const char *finding;
  const char *why;
} known_misses[] = {
  { "grpo-unsloth-qwen3-4b-base-lora-flat-reward-3ep", "reward_plateau",
    "the task reward (rewards/correctness_reward_func/mean, 0.74 -> 0.73) did not improve in 3 epochs; "
    "the total reward rose 7% only through an auxiliary reasoning reward (0.12 -> 0.19), which the "
    "plateau check on the total reward takes for progress" },
};

static const char *
known_miss (const char *name,
            const char *finding)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_misses); i++)
    if (g_str_equal (known_misses[i].name, name) && g_str_equal (known_misses[i].finding, finding))
      return known_misses[i].why;
  return NULL;
}

/* A public run (tests/data/public/LABELS.json: expected, forbidden, accept_verdict,
 * no_lora_advice), found below its folder as the app finds it. */
static void
test_public_run (gconstpointer data)
{
  const LabelledRun *lr = data;
  g_autofree char *path = g_build_filename (lr->dir, lr->name, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = debrief_discover_runs (folder, NULL, &error);
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(DebriefAnalysis) analysis = NULL;
  g_autofree char *report = NULL;
  JsonArray *expected = json_object_get_array_member (lr->label, "expected");
  JsonArray *forbidden = json_object_get_array_member (lr->label, "forbidden");
  JsonArray *verdicts = json_object_get_array_member (lr->label, "accept_verdict");
  gboolean no_lora = json_object_has_member (lr->label, "no_lora_advice")
                     && json_object_get_boolean_member (lr->label, "no_lora_advice");
  const char *verdict;
  GListModel *findings;

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  run = debrief_run_load (g_ptr_array_index (found, 0), NULL, &error);
  g_assert_no_error (error);
  analysis = debrief_test_analyse (run);
  findings = debrief_analysis_get_findings (analysis);

  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      const char *id = json_array_get_string_element (expected, i);
      const char *why = known_miss (lr->name, id);

      if (debrief_analysis_has_finding (analysis, id) && why)
        g_error ("%s: %s is found now: remove it from known_misses", lr->name, id);
      if (!debrief_analysis_has_finding (analysis, id) && why)
        {
          g_autofree char *msg = g_strdup_printf ("known miss, %s: %s", id, why);

          g_test_incomplete (msg);
          return;
        }
      if (!debrief_analysis_has_finding (analysis, id))
        g_error ("%s: expected finding %s is missing (verdict: %s)", lr->name, id,
                 debrief_analysis_get_verdict (analysis));
    }
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);

      if (strv_has (forbidden, debrief_finding_get_id (f)))
        g_error ("%s: forbidden finding %s: %s", lr->name, debrief_finding_get_id (f),
                 debrief_finding_get_evidence (f));
      /* Every finding says what to do in machine-readable form too. */
      g_assert_cmpuint (debrief_finding_get_n_actions (f), >, 0);
      if (no_lora && finding_gives_lora_advice (f))
        g_error ("%s: LoRA advice for a run that is not a LoRA: %s: %s", lr->name,
                 debrief_finding_get_id (f), debrief_finding_get_fix (f));
    }
  verdict = debrief_run_verdict_to_string (debrief_analysis_get_run_verdict (analysis));
  if (!strv_has (verdicts, verdict))
    g_error ("%s: verdict %s (%s) is not one a careful reader accepts", lr->name, verdict,
             debrief_analysis_get_verdict (analysis));
  report = debrief_report_generate (run, analysis, NULL);
  if (no_lora)
    {
      static const char *const advice[] = { "the LoRA rank", "raise the rank", "10× the full",
                                            "LoRA parameters:", "Apply LoRA", NULL };
      for (guint i = 0; advice[i]; i++)
        if (strstr (report, advice[i]))
          g_error ("%s: the report gives LoRA advice (%s)", lr->name, advice[i]);
    }
}

static void
free_labelled_run (gpointer data)
{
  LabelledRun *lr = data;

  g_free (lr->dir);
  g_free (lr->name);
  g_free (lr);
}

static void
add_labelled_dir (GPtrArray     *runs,
                  const char    *subdir,
                  GTestDataFunc  func)
{
  g_autofree char *dir = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), subdir, NULL);
  g_autofree char *labels_path = g_build_filename (dir, "LABELS.json", NULL);
  JsonParser *parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *labels;

  json_parser_load_from_file (parser, labels_path, &error);
  g_assert_no_error (error);
  g_ptr_array_add (parsers, parser);
  labels = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (labels);
  for (GList *l = members; l; l = l->next)
    {
      LabelledRun *lr = g_new0 (LabelledRun, 1);
      g_autofree char *test_path = NULL;

      lr->dir = g_strdup (dir);
      lr->name = g_strdup (l->data);
      lr->label = json_object_get_object_member (labels, l->data);
      g_ptr_array_add (runs, lr);
      test_path = g_strdup_printf ("/analysis-runs/%s/%s", subdir, lr->name);
      g_test_add_data_func (test_path, lr, func);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (free_labelled_run);
  int status;

  g_test_init (&argc, &argv, NULL);

  parsers = g_ptr_array_new_with_free_func (g_object_unref);
  add_labelled_dir (runs, "runs", test_labelled_run);      /* the real runs the analysis was tuned on */
  add_labelled_dir (runs, "analysis", test_labelled_run);  /* generated: perturbations and synthetic defects */
  add_labelled_dir (runs, "public", test_public_run);      /* real public runs of every kind */
  add_labelled_dir (runs, "sweep", test_public_run);       /* a real LR × rank × seed sweep */
  g_assert_cmpuint (runs->len, >=, 6 + 20 + 40 + 20);

  status = g_test_run ();
  g_ptr_array_unref (parsers);
  return status;
}
