/* test-findings-view.c: DebriefFindingsView and DebriefCapacityCard on real runs (under Xvfb)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "debrief-capacity-card.h"
#include "debrief-core.h"
#include "debrief-findings-view.h"
#include "debrief-test-utils.h"

static DebriefRun *
load_run (const char *name)
{
  return debrief_test_load_run ("runs", name, NULL);
}

static gboolean
all_analysed (gpointer runs)
{
  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, i);
      if (debrief_run_get_analysis (run) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
wait_for_analysis (GListModel *runs)
{
  debrief_test_wait_until (all_analysed, runs);
  debrief_test_drain ();
}

typedef struct
{
  gint64 step;
  char *markdown;
  gint64 signal_step;
} Received;

static void
show_step_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  Received *received = user_data;
  received->step = g_variant_get_int64 (parameter);
}

static void
add_to_report_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  Received *received = user_data;
  g_free (received->markdown);
  received->markdown = g_variant_dup_string (parameter, NULL);
}

static void
show_step_signal (DebriefFindingsView *view,
                  gint64               step,
                  Received            *received)
{
  received->signal_step = step;
}

static void
test_findings_view (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  GListModel *runs = debrief_workspace_get_runs (workspace);
  g_autoptr(DebriefRun) overfit = load_run ("overfit");
  g_autoptr(DebriefRun) healthy = load_run ("healthy");
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) show_step = g_simple_action_new ("show-step", G_VARIANT_TYPE_INT64);
  g_autoptr(GSimpleAction) add_to_report = g_simple_action_new ("add-to-report", G_VARIANT_TYPE_STRING);
  Received received = { -1, NULL, -1 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view, *row, *button;

  g_signal_connect (show_step, "activate", G_CALLBACK (show_step_activated), &received);
  g_signal_connect (add_to_report, "activate", G_CALLBACK (add_to_report_activated), &received);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (show_step));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (add_to_report));
  gtk_widget_insert_action_group (window, "win", G_ACTION_GROUP (group));

  view = debrief_findings_view_new (workspace);
  g_signal_connect (view, "show-step", G_CALLBACK (show_step_signal), &received);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  /* The workspace analyses the runs it is given; the view shows them waiting. */
  debrief_workspace_add_run (workspace, overfit);
  debrief_workspace_add_run (workspace, healthy);
  g_assert_nonnull (debrief_test_find_row (view, "Analysing…"));
  wait_for_analysis (runs);
  g_assert_true (debrief_analysis_has_finding (debrief_run_get_analysis (overfit),
                                               DEBRIEF_FINDING_OVERFITTING));
  g_assert_null (debrief_test_find_row (view, "Analysing…"));

  row = debrief_test_find_row (view, "Validation loss increases");
  g_assert_nonnull (row);
  g_assert_true (ADW_IS_EXPANDER_ROW (row));
  g_assert_nonnull (debrief_test_find_row (row, "Evidence"));
  g_assert_nonnull (debrief_test_find_row (row, "Likely cause"));
  g_assert_nonnull (debrief_test_find_row (row, "Fix"));
  /* The finding's actions, in words. */
  {
    GtkWidget *steps = debrief_test_find_row (row, "Next steps");

    g_assert_nonnull (steps);
    g_assert_true (gtk_widget_get_visible (steps));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (steps)), "Stop at step 40"));
  }
  /* The healthy run says so, in the words of a loss curve. */
  row = debrief_test_find_named (view, "no-findings");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "No problems found");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "loss curves"));
  row = debrief_test_find_row (view, "Validation loss increases");

  button = debrief_test_find_named (row, "show-step");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (received.signal_step, ==, 40);
  g_assert_cmpint (received.step, ==, 40);

  button = debrief_test_find_named (row, "add-to-report");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_nonnull (received.markdown);
  g_assert_nonnull (strstr (received.markdown, "`overfitting`"));
  g_assert_nonnull (strstr (received.markdown, "Stop at step 40"));

  /* Closing a run removes its findings. */
  debrief_workspace_close_run (workspace, overfit);
  g_assert_null (debrief_test_find_row (view, "Validation loss increases"));

  g_free (received.markdown);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
status_is (GtkWidget  *card,
           const char *status)
{
  GtkWidget *row = debrief_test_find_named (card, "status");
  return row && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), status) == 0;
}

static void
test_capacity_card (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  GListModel *runs = debrief_workspace_get_runs (workspace);
  g_autoptr(DebriefRun) run = load_run ("overfit");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *card, *view;
  DebriefAnalysis *first;
  gint64 deadline;

  view = debrief_findings_view_new (workspace);
  card = debrief_capacity_card_new (workspace);
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    gtk_box_append (GTK_BOX (box), view);
    gtk_box_append (GTK_BOX (box), card);
    gtk_window_set_child (GTK_WINDOW (window), box);
  }
  gtk_window_present (GTK_WINDOW (window));
  debrief_workspace_add_run (workspace, run);
  wait_for_analysis (runs);
  /* 73,984 parameters for 8,192 tokens at ~3.75 bits. */
  g_assert_true (status_is (card, "Enough capacity"));
  g_assert_true (gtk_widget_get_visible (debrief_test_find_row (card, "Headroom")));
  g_assert_false (gtk_widget_get_visible (debrief_test_find_row (card, "Suggested rank")));

  /* An unknown model name is refused and nothing changes. */
  first = debrief_run_get_analysis (run);
  gtk_editable_set_text (GTK_EDITABLE (debrief_test_find_named (card, "model")), "no-such-model-xyz");
  g_signal_emit_by_name (debrief_test_find_named (card, "check"), "clicked");
  g_assert_true (debrief_run_get_analysis (run) == first);
  g_assert_false (debrief_workspace_get_busy (workspace));
  g_assert_cmpint (debrief_run_get_config (run)->dims.hidden_size, ==, 128);
  /* The reason is on the card. */
  g_assert_nonnull (debrief_test_find_widget (card, debrief_test_is_label_with, "no-such-model-xyz"));

  /* The user says the data is bigger: rank 1, a million tokens; the check runs again. */
  gtk_editable_set_text (GTK_EDITABLE (debrief_test_find_named (card, "model")),
                         debrief_run_get_config (run)->base_model ? debrief_run_get_config (run)->base_model : "");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (debrief_test_find_named (card, "rank")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (debrief_test_find_named (card, "tokens")), 1000000);
  g_signal_emit_by_name (debrief_test_find_named (card, "check"), "clicked");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (debrief_run_get_analysis (run) == first || !status_is (card, "Too little capacity"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (debrief_run_get_config (run)->lora_rank, ==, 1);
  g_assert_cmpint (debrief_run_get_config (run)->dataset_tokens, ==, 1000000);
  g_assert_true (gtk_widget_get_visible (debrief_test_find_row (card, "Suggested rank")));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A view and a card on a run of tests/data/public, analysed. */
static GtkWidget *
show_public_run (DebriefWorkspace  *workspace,
                 const char        *name,
                 DebriefRun       **run,
                 GtkWidget        **view,
                 GtkWidget        **card)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  *run = debrief_test_load_run ("public", name, NULL);
  *view = debrief_findings_view_new (workspace);
  *card = debrief_capacity_card_new (workspace);
  gtk_box_append (GTK_BOX (box), *view);
  gtk_box_append (GTK_BOX (box), *card);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  debrief_workspace_add_run (workspace, *run);
  wait_for_analysis (debrief_workspace_get_runs (workspace));
  return window;
}

static const char *
subtitle_of (GtkWidget  *root,
             const char *title)
{
  GtkWidget *row = debrief_test_find_row (root, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* An RL run is not judged on a loss, and its capacity counts episodes. */
static void
test_rl_run (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(DebriefRun) run = NULL;
  GtkWidget *view, *card, *row;
  GtkWidget *window = show_public_run (workspace, "rl-tinker-qwen3-4b-ifeval-judge-113steps", &run, &view, &card);

  row = debrief_test_find_named (view, "no-findings");
  g_assert_nonnull (row);
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "loss"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "RL"));
  /* What the analysis could not use is there, folded. */
  g_assert_nonnull (debrief_test_find_named (view, "notes"));

  g_assert_true (status_is (card, "Enough capacity"));
  g_assert_nonnull (strstr (subtitle_of (card, "Required"), "1 bit per episode"));
  g_assert_null (strstr (subtitle_of (card, "Required"), "token"));
  g_assert_null (debrief_test_find_row (card, "Dataset tokens"));
  /* The count, how it was counted, and the field to correct it. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (debrief_test_find_named (card, "data"))),
                            "28"));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (debrief_test_find_named (card, "tokens"))), ==,
                     (double) debrief_run_get_config (run)->rl_episodes);
  g_assert_cmpint (debrief_run_get_config (run)->rl_episodes, >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A full fine-tune has no LoRA adapter: no field asks for its rank. */
static void
test_full_fine_tune (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(DebriefRun) run = NULL;
  GtkWidget *view, *card;
  GtkWidget *window = show_public_run (workspace, "sft-full-llama3-8b-law-llamafactory-zero3-6ep", &run, &view, &card);

  g_assert_cmpint (debrief_run_get_adapter (run), ==, DEBRIEF_ADAPTER_NONE);
  g_assert_true (status_is (card, "Does not apply"));
  g_assert_false (gtk_widget_is_visible (debrief_test_find_named (card, "rank")));
  g_assert_false (gtk_widget_is_visible (debrief_test_find_named (card, "tokens")));
  g_assert_false (gtk_widget_is_visible (debrief_test_find_named (card, "check")));
  g_assert_false (gtk_widget_is_visible (debrief_test_find_row (card, "LoRA parameters")));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Too few points: never "healthy", never "no problems found". */
static void
test_too_short_run (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(DebriefRun) run = NULL;
  GtkWidget *view, *card, *row;
  GtkWidget *window = show_public_run (workspace, "dpo-trl-llama3.1-8b-qlora-finance-2points", &run, &view, &card);

  g_assert_cmpint (debrief_analysis_get_run_verdict (debrief_run_get_analysis (run)), ==,
                   DEBRIEF_RUN_VERDICT_TOO_SHORT);
  g_assert_null (debrief_test_find_row (view, "No problems found"));
  row = debrief_test_find_named (view, "no-findings");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Too short to judge");
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "show none"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A sweep's clean runs share one line per verdict; a run with findings keeps
 * its own group. */
static void
test_many_runs (void)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  static const char *const names[] = { "lr1e-2-r16-seed0", "lr1e-2-r16-seed1", "lr1e-3-r16-seed0",
                                       "lr1e-3-r16-seed1", "lr1e-2-r4-seed0" };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = debrief_findings_view_new (workspace);
  g_autoptr(DebriefRun) overfit = load_run ("overfit");
  GtkWidget *row;
  guint clean = 0;

  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(DebriefRun) run = debrief_test_load_run ("sweep", names[i], NULL);
      debrief_workspace_add_run (workspace, run);
    }
  debrief_workspace_add_run (workspace, overfit);
  wait_for_analysis (debrief_workspace_get_runs (workspace));
  debrief_test_drain ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(DebriefRun) run = debrief_test_load_run ("sweep", names[i], NULL);
      DebriefRun *open = debrief_workspace_find_run (workspace, debrief_run_get_folder (run));
      if (g_list_model_get_n_items (debrief_analysis_get_findings (debrief_run_get_analysis (open))) == 0)
        clean++;
    }
  g_assert_cmpuint (clean, >=, 2);
  row = debrief_test_find_named (view, "clean-runs");
  g_assert_nonnull (row);
  {
    g_autofree char *title = g_strdup_printf ("%u runs", clean);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
  }
  g_assert_nonnull (debrief_test_find_row (view, "Validation loss increases"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A run read again (a followed run: a new object, the same name, the
 * findings of the reading before until its own come) keeps its rows; its
 * new analysis replaces them. */
static void
test_same_analysis_kept (void)
{
  g_autoptr(GListStore) runs = g_list_store_new (DEBRIEF_TYPE_RUN);
  g_autoptr(DebriefRun) run = load_run ("overfit");
  g_autoptr(DebriefRun) again = load_run ("overfit");
  g_autoptr(DebriefAnalysis) analysis = debrief_analysis_run (run, NULL, NULL);
  g_autoptr(DebriefAnalysis) fresh = debrief_analysis_run (again, NULL, NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = debrief_findings_view_new (NULL);
  g_autoptr(GtkWidget) row = NULL;   /* held: a new row cannot take its address */

  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  debrief_run_set_analysis (run, analysis);
  g_list_store_append (runs, run);
  debrief_findings_view_set_runs (DEBRIEF_FINDINGS_VIEW (view), G_LIST_MODEL (runs));
  debrief_test_drain ();
  row = g_object_ref (debrief_test_find_row (view, "Validation loss increases"));

  debrief_run_set_analysis (again, analysis);
  g_list_store_splice (runs, 0, 1, (gpointer *) &again, 1);
  debrief_test_drain ();
  g_assert_true (debrief_test_find_row (view, "Validation loss increases") == row);

  debrief_run_set_analysis (again, fresh);
  debrief_test_drain ();
  g_assert_nonnull (debrief_test_find_row (view, "Validation loss increases"));
  g_assert_true (debrief_test_find_row (view, "Validation loss increases") != row);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;

  g_test_add_func ("/findings-view/overfit-and-healthy", test_findings_view);
  g_test_add_func ("/capacity-card/recheck", test_capacity_card);
  g_test_add_func ("/findings-view/rl-run", test_rl_run);
  g_test_add_func ("/findings-view/full-fine-tune", test_full_fine_tune);
  g_test_add_func ("/findings-view/too-short", test_too_short_run);
  g_test_add_func ("/findings-view/many-runs", test_many_runs);
  g_test_add_func ("/findings-view/same-analysis-kept", test_same_analysis_kept);

  return g_test_run ();
}
