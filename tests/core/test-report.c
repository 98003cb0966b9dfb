/* test-report.c: analysis.md generation, the user's Notes surviving regeneration,
 * backups of the previous and of hand-edited versions
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

static DebriefRun *
make_run (const char *dir)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  DebriefRun *run = debrief_run_new (folder);
  DebriefRunConfig *c = debrief_run_get_config (run);
  g_autoptr(DebriefSeries) train = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(DebriefSeries) val = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);

  debrief_run_set_format (run, "seed");
  debrief_run_add_source_file (run, "metrics.json");
  /* Overfits: train keeps falling, validation turns at step 300 of 1000. */
  for (int i = 1; i <= 1000; i++)
    debrief_series_append (train, i, 0.3 + 2.0 * exp (-i / 250.0) + 0.02 * sin (i * 1.7));
  for (int i = 0; i <= 10; i++)
    debrief_series_append (val, i * 100, i <= 3 ? 2.3 - 0.25 * i : 1.55 + 0.06 * (i - 3));
  debrief_series_finish (train, NULL);
  debrief_series_finish (val, NULL);
  debrief_run_add_series (run, train);
  debrief_run_add_series (run, val);
  /* Rank 1 on the 8B with 1e9 tokens: fails the capacity check. */
  c->lora_rank = 1;
  c->dims = (DebriefModelDims) { 4096, 14336, 32, 32, 8, 128, 128256 };
  c->target_modules = g_strsplit ("q_proj|v_proj", "|", -1);
  c->dataset_tokens = 1000000000;
  return run;
}

static void
test_report_content (void)
{
  g_autoptr(DebriefRun) run = make_run (g_get_tmp_dir ());
  g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 11, 25, 18, 0, 0);
  DebriefReportExtras extras = { "**Prompt:** Explain quantum computing\n\nfine-tuned: ...", "Win rate 62% (95% CI 40–80%)",
                                 "loss.png", date };
  g_autofree char *md = debrief_report_generate (run, a, &extras);
  const char *under, *overfit, *notes;

  g_assert_true (debrief_analysis_has_finding (a, DEBRIEF_FINDING_OVERFITTING));
  g_assert_true (g_str_has_prefix (md, "# Debrief: "));
  g_assert_nonnull (strstr (md, "2026-11-25 18:00"));
  g_assert_nonnull (strstr (md, "![Loss curves](loss.png)"));
  g_assert_nonnull (strstr (md, "## Key numbers"));
  g_assert_nonnull (strstr (md, "| best step (lowest validation loss) | 300 (1.5500) |"));
  g_assert_nonnull (strstr (md, "| symptom | likely cause | fix | severity |"));
  g_assert_nonnull (strstr (md, "`overfitting`"));
  g_assert_nonnull (strstr (md, "`lora_targets_no_mlp`"));
  g_assert_nonnull (strstr (md, "**Too little capacity** (`UNDERCAPACITY`) — Insufficient capacity. Increase rank from 1 to "));
  /* Recommendations in the checklist's order: capacity first, then overfitting. */
  under = strstr (md, "Undercapacity: raise the LoRA rank");
  /* ... pointing at a checkpoint that exists, or saying that none was saved. */
  overfit = strstr (md, "Overfitting: Stop at step 300 (no checkpoint was saved there).");
  g_assert_nonnull (under);
  g_assert_nonnull (overfit);
  g_assert_true (under < overfit);
  g_assert_nonnull (strstr (md, "Explain quantum computing"));
  g_assert_nonnull (strstr (md, "Win rate 62%"));
  g_assert_null (strstr (md, "run the judge"));
  notes = strstr (md, "\n## Notes\n");
  g_assert_nonnull (notes);
  g_assert_true (strstr (md, "<!-- debrief:generated sha256=") < notes);
  g_assert_false (debrief_report_is_user_edited (md));

  /* Without extras: placeholders, and the judge is recommended. */
  {
    g_autofree char *plain = debrief_report_generate (run, a, NULL);
    g_assert_nonnull (strstr (plain, "No samples yet"));
    g_assert_nonnull (strstr (plain, "run the judge"));
  }
}

static void
test_report_table_cells_escaped (void)
{
  g_autoptr(DebriefRun) run = make_run (g_get_tmp_dir ());
  g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
  g_autofree char *md = debrief_report_generate (run, a, NULL);
  const char *table = strstr (md, "| symptom |");
  const char *end = strstr (table, "\n\n");

  /* Every row of the findings table has exactly 5 unescaped pipes. */
  for (const char *line = table; line < end; )
    {
      const char *eol = strchr (line, '\n');
      guint pipes = 0;

      for (const char *p = line; p < eol; p++)
        if (*p == '|' && (p == line || p[-1] != '\\'))
          pipes++;
      g_assert_cmpuint (pipes, ==, 5);
      line = eol + 1;
    }
}

static void
test_report_merge_keeps_notes (void)
{
  g_autoptr(DebriefRun) run = make_run (g_get_tmp_dir ());
  g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
  g_autofree char *first = debrief_report_generate (run, a, NULL);
  g_autofree char *existing = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *extracted = NULL;
  g_autofree char *head = NULL;
  const char *notes = "## Notes\n\nTried rank 64 next. \r\n\n## Notes on data\n\n| a | b |\n\ttabbed  \n";
  gboolean edited = TRUE;

  head = g_strndup (first, strstr (first, "## Notes\n") - first);
  existing = g_strconcat (head, notes, NULL);
  g_assert_false (debrief_report_is_user_edited (existing));
  extracted = debrief_report_extract_notes (existing);
  g_assert_cmpstr (extracted, ==, notes);

  merged = debrief_report_merge (first, existing, &edited);
  g_assert_false (edited);
  g_assert_true (g_str_has_suffix (merged, notes));
  g_assert_true (g_str_has_prefix (merged, head));

  /* No existing file: the generated text as is. */
  {
    g_autofree char *fresh = debrief_report_merge (first, NULL, &edited);
    g_assert_cmpstr (fresh, ==, first);
    g_assert_false (edited);
  }
}

static void
test_report_detects_hand_edits (void)
{
  g_autoptr(DebriefRun) run = make_run (g_get_tmp_dir ());
  g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
  g_autofree char *text = debrief_report_generate (run, a, NULL);
  g_autofree char *edited_text = g_strdup (text);
  g_autofree char *merged = NULL;
  gboolean edited = FALSE;
  char *verdict = strstr (edited_text, "**Verdict:**");

  g_assert_nonnull (verdict);
  verdict[2] = 'v';      /* one character in the generated part */
  g_assert_true (debrief_report_is_user_edited (edited_text));
  merged = debrief_report_merge (text, edited_text, &edited);
  g_assert_true (edited);
  /* A file that Debrief did not write (no marker) counts as edited. */
  g_assert_true (debrief_report_is_user_edited ("# My own analysis\n\n## Notes\n\nkeep\n"));
  g_assert_false (debrief_report_is_user_edited (""));
  {
    g_autofree char *kept = debrief_report_merge (text, "# Mine\n\n## Notes\n\nkeep me\n", &edited);
    g_assert_true (edited);
    g_assert_true (g_str_has_suffix (kept, "## Notes\n\nkeep me\n"));
  }
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
test_report_write_backups (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-report-XXXXXX", NULL);
  g_autoptr(DebriefRun) run = make_run (dir);
  g_autoptr(DebriefAnalysis) a = debrief_test_analyse (run);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) edited_copy = NULL;
  g_autofree char *first = NULL, *second = NULL, *backup = NULL, *third = NULL, *kept = NULL;
  g_autofree char *with_notes = NULL, *head = NULL, *hand_edited = NULL, *report_path = NULL;
  const char *notes = "## Notes\n\nThe adapter is too small; next: rank 64.\n";

  report_path = g_build_filename (dir, "analysis.md", NULL);
  g_assert_true (debrief_report_write (run, a, NULL, &edited_copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (edited_copy);
  first = read_file (dir, "analysis.md");
  g_assert_nonnull (first);

  /* The user writes notes; regenerating keeps them, and the previous file as analysis.md~. */
  head = g_strndup (first, strstr (first, "## Notes\n") - first);
  with_notes = g_strconcat (head, notes, NULL);
  g_assert_true (g_file_set_contents (report_path, with_notes, -1, NULL));
  g_assert_true (debrief_report_write (run, a, NULL, &edited_copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (edited_copy);
  second = read_file (dir, "analysis.md");
  g_assert_true (g_str_has_suffix (second, notes));
  backup = read_file (dir, "analysis.md~");
  g_assert_cmpstr (backup, ==, with_notes);

  /* The user edits the generated part: that version is kept whole before regenerating. */
  hand_edited = g_strconcat ("My summary: promising.\n\n", second, NULL);
  g_assert_true (g_file_set_contents (report_path, hand_edited, -1, NULL));
  g_assert_true (debrief_report_write (run, a, NULL, &edited_copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (edited_copy);
  g_assert_true (g_file_load_contents (edited_copy, NULL, &kept, NULL, NULL, NULL));
  g_assert_cmpstr (kept, ==, hand_edited);
  third = read_file (dir, "analysis.md");
  g_assert_true (g_str_has_suffix (third, notes));
  g_assert_false (debrief_report_is_user_edited (third));

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

static void
test_report_save_error_names_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent-debrief-dir/analysis.md");
  g_autoptr(GError) error = NULL;

  g_assert_false (debrief_report_save (file, "x", NULL, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent-debrief-dir/analysis.md"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/content", test_report_content);
  g_test_add_func ("/report/table-cells-escaped", test_report_table_cells_escaped);
  g_test_add_func ("/report/merge-keeps-notes", test_report_merge_keeps_notes);
  g_test_add_func ("/report/detects-hand-edits", test_report_detects_hand_edits);
  g_test_add_func ("/report/write-backups", test_report_write_backups);
  g_test_add_func ("/report/save-error-names-file", test_report_save_error_names_file);

  return g_test_run ();
}
