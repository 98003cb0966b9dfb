/* debrief-findings-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-finding-row.h"
#include "debrief-findings-view.h"

struct _DebriefFindingsView
{
  AdwBin parent_instance;

  DebriefWorkspace *workspace;
  GListModel *runs;            /* the workspace's, or those set */
  gboolean show_names;         /* runs set: name each, even one */
  GtkBox *box;
  GPtrArray *watched;          /* DebriefRun whose notify::analysis we follow */
  /* What the rows were built from: each run's name and analysis (held, so
   * that a new analysis never takes an old one's address). A run read again
   * while it trains is a new object with the same name and, until its own
   * comes, the same analysis: its rows need not be built again. */
  GPtrArray *shown_analyses;   /* DebriefAnalysis or NULL, one per run */
  GPtrArray *shown_names;      /* char *, one per run */
  gboolean shown_with_names;
  guint rebuild_idle;
};

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

enum {
  SIGNAL_SHOW_STEP,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefFindingsView, debrief_findings_view, ADW_TYPE_BIN)

static void schedule_rebuild (DebriefFindingsView *self);

/* ---- rows ----------------------------------------------------------------- */

static void
row_show_step_cb (DebriefFindingsView *self,
                  gint64               step)
{
  g_signal_emit (self, signals[SIGNAL_SHOW_STEP], 0, step);
}

/* Nothing found: said in the words of the run's kind, and not "healthy" when
 * the run is too short to judge (the report says the same). */
static GtkWidget *
no_findings_row (DebriefAnalysis *analysis)
{
  GtkWidget *row = adw_action_row_new ();
  const char *title = NULL;
  const char *text = debrief_analysis_describe_no_findings (analysis, &title);
  gboolean judged = debrief_analysis_get_run_verdict (analysis) == DEBRIEF_RUN_VERDICT_HEALTHY;
  GtkWidget *icon = gtk_image_new_from_icon_name (judged ? "emblem-ok-symbolic" : "dialog-question-symbolic");

  gtk_widget_add_css_class (icon, judged ? "success" : "dim-label");
  gtk_widget_set_name (row, "no-findings");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

/* What the analysis could not use (a loss that means nothing, a missing
 * config, what it assumed), folded: the report lists the same. */
static GtkWidget *
notes_row (const char *const *notes)
{
  guint n = notes ? g_strv_length ((char **) notes) : 0;
  GtkWidget *row, *icon;
  g_autofree char *count = NULL;

  if (n == 0)
    return NULL;
  row = adw_expander_row_new ();
  gtk_widget_set_name (row, "notes");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("What the analysis could not use"));
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note", "%u notes", n), n);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), count);
  icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  gtk_widget_add_css_class (icon, "dim-label");
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *note = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (notes[i]);

      /* The whole text in a label of its own: a row's title would be cut to a line. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_prefix (ADW_ACTION_ROW (note), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (note), GTK_ACCESSIBLE_PROPERTY_LABEL, notes[i], -1);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), note);
    }
  return row;
}

static GtkWidget *
run_group (DebriefFindingsView *self,
           DebriefRun          *run,
           gboolean             show_name)
{
  GtkWidget *group = adw_preferences_group_new ();
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);
  GtkWidget *notes;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   show_name ? debrief_run_get_name (run) : _("Findings"));
  if (analysis == NULL)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("content-loading-symbolic");

      /* A still icon, not a spinner: analyses take a fraction of a second, and an
       * animation would keep the frame clock busy for nothing. */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Analysing…"));
      gtk_widget_add_css_class (icon, "dim-label");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      return group;
    }

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         debrief_analysis_get_verdict (analysis));
  {
    GListModel *findings = debrief_analysis_get_findings (analysis);
    guint n = g_list_model_get_n_items (findings);

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, i);
        GtkWidget *row = debrief_finding_row_new (finding);

        g_signal_connect_object (row, "show-step", G_CALLBACK (row_show_step_cb), self, G_CONNECT_SWAPPED);
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      }
    if (n == 0)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), no_findings_row (analysis));
  }
  notes = notes_row (debrief_analysis_get_notes (analysis));
  if (notes != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), notes);
  return group;
}

/* With several runs open, the runs in which nothing was found share one group
 * per verdict (a sweep of twenty healthy runs is one line, not twenty cards);
 * the runs with findings keep a group each, first. A few runs keep a group
 * each: side by side, "healthy" beside "overfit" reads best. */
#define CLEAN_GROUP_MIN_RUNS 4

static gboolean
is_clean (DebriefRun *run)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);

  return analysis != NULL && g_list_model_get_n_items (debrief_analysis_get_findings (analysis)) == 0;
}

static GtkWidget *
clean_group (GPtrArray         *runs,   /* DebriefRun, all clean, of one verdict */
             DebriefRunVerdict  verdict)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *icon;
  const char *title = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *count = NULL;

  debrief_analysis_describe_no_findings (debrief_run_get_analysis (g_ptr_array_index (runs, 0)), &title);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_widget_set_name (expander, "clean-runs");
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", runs->len), runs->len);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), count);
  icon = gtk_image_new_from_icon_name (verdict == DEBRIEF_RUN_VERDICT_HEALTHY ? "emblem-ok-symbolic"
                                                                              : "dialog-question-symbolic");
  gtk_widget_add_css_class (icon, verdict == DEBRIEF_RUN_VERDICT_HEALTHY ? "success" : "dim-label");
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (expander), icon);
  for (guint i = 0; i < runs->len; i++)
    {
      DebriefRun *run = g_ptr_array_index (runs, i);
      GtkWidget *row = adw_action_row_new ();

      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, debrief_run_get_name (run));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), debrief_run_get_name (run));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   debrief_analysis_describe_no_findings (debrief_run_get_analysis (run), NULL));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), names->str);
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_expander_row_set_subtitle_lines (ADW_EXPANDER_ROW (expander), 2);
#endif
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);

  /* What the analysis could not use, once for the group: the runs of a sweep
   * share their format and config, so their notes are mostly the same. */
  {
    g_autoptr(GPtrArray) notes = g_ptr_array_new ();
    GtkWidget *row;

    for (guint i = 0; i < runs->len; i++)
      {
        const char *const *own = debrief_analysis_get_notes (debrief_run_get_analysis (g_ptr_array_index (runs, i)));

        for (guint j = 0; own != NULL && own[j] != NULL; j++)
          if (!g_ptr_array_find_with_equal_func (notes, own[j], g_str_equal, NULL))
            g_ptr_array_add (notes, (gpointer) own[j]);
      }
    g_ptr_array_add (notes, NULL);
    row = notes_row ((const char *const *) notes->pdata);
    if (row != NULL)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  }
  return group;
}

static void
unref_analysis (gpointer analysis)
{
  if (analysis != NULL)
    g_object_unref (analysis);
}

/* Whether the rows shown were built from these runs' names and analyses;
 * remembers them if not. */
static gboolean
same_as_shown (DebriefFindingsView *self)
{
  guint n = self->runs ? g_list_model_get_n_items (self->runs) : 0;
  gboolean same = self->shown_analyses != NULL && self->shown_analyses->len == n &&
                  self->shown_with_names == self->show_names;
  g_autoptr(GPtrArray) analyses = g_ptr_array_new_full (n, unref_analysis);
  g_autoptr(GPtrArray) names = g_ptr_array_new_full (n, g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (self->runs, i);
      DebriefAnalysis *analysis = debrief_run_get_analysis (run);

      same = same && g_ptr_array_index (self->shown_analyses, i) == (gpointer) analysis &&
             g_strcmp0 (g_ptr_array_index (self->shown_names, i), debrief_run_get_name (run)) == 0;
      g_ptr_array_add (analyses, analysis != NULL ? g_object_ref (analysis) : NULL);
      g_ptr_array_add (names, g_strdup (debrief_run_get_name (run)));
    }
  if (same)
    return TRUE;
  g_clear_pointer (&self->shown_analyses, g_ptr_array_unref);
  g_clear_pointer (&self->shown_names, g_ptr_array_unref);
  self->shown_analyses = g_steal_pointer (&analyses);
  self->shown_names = g_steal_pointer (&names);
  self->shown_with_names = self->show_names;
  return FALSE;
}

static void
rebuild (DebriefFindingsView *self)
{
  GtkWidget *child;
  guint n = self->runs ? g_list_model_get_n_items (self->runs) : 0;
  GPtrArray *clean[DEBRIEF_RUN_VERDICT_NO_DATA + 1] = { NULL, };

  if (same_as_shown (self))
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_box_remove (self->box, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (self->runs, i);
      DebriefRunVerdict verdict;

      if (n < CLEAN_GROUP_MIN_RUNS || !is_clean (run))
        {
          gtk_box_append (self->box, run_group (self, run, n > 1 || self->show_names));
          continue;
        }
      verdict = debrief_analysis_get_run_verdict (debrief_run_get_analysis (run));
      if (clean[verdict] == NULL)
        clean[verdict] = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (clean[verdict], g_object_ref (run));
    }
  for (guint v = 0; v < G_N_ELEMENTS (clean); v++)
    if (clean[v] != NULL)
      {
        gtk_box_append (self->box, clean_group (clean[v], v));
        g_ptr_array_unref (clean[v]);
      }
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  DebriefFindingsView *self = user_data;

  self->rebuild_idle = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_rebuild (DebriefFindingsView *self)
{
  if (self->rebuild_idle == 0)
    /* Above GDK_PRIORITY_REDRAW: a busy frame clock (spinners, a large plot)
     * must not starve the update that stops the spinners. */
    self->rebuild_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle_cb, self, NULL);
}

static void
unwatch_all (DebriefFindingsView *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
runs_changed (DebriefFindingsView *self)
{
  guint n = self->runs ? g_list_model_get_n_items (self->runs) : 0;

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      DebriefRun *run = g_list_model_get_item (self->runs, i);

      g_signal_connect_swapped (run, "notify::analysis", G_CALLBACK (schedule_rebuild), self);
      g_ptr_array_add (self->watched, run);   /* takes the reference */
    }
  rebuild (self);
}

static void
items_changed_cb (GListModel          *model,
                  guint                position,
                  guint                removed,
                  guint                added,
                  DebriefFindingsView *self)
{
  runs_changed (self);
}

/* ---- object --------------------------------------------------------------- */

static void
debrief_findings_view_dispose (GObject *object)
{
  DebriefFindingsView *self = (DebriefFindingsView *)object;

  g_clear_handle_id (&self->rebuild_idle, g_source_remove);
  if (self->watched)
    unwatch_all (self);
  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (debrief_findings_view_parent_class)->dispose (object);
}

static void
debrief_findings_view_finalize (GObject *object)
{
  DebriefFindingsView *self = (DebriefFindingsView *)object;

  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->shown_analyses, g_ptr_array_unref);
  g_clear_pointer (&self->shown_names, g_ptr_array_unref);
  G_OBJECT_CLASS (debrief_findings_view_parent_class)->finalize (object);
}

static void
debrief_findings_view_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DebriefFindingsView *self = DEBRIEF_FINDINGS_VIEW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_findings_view_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DebriefFindingsView *self = DEBRIEF_FINDINGS_VIEW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      debrief_findings_view_set_workspace (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_findings_view_class_init (DebriefFindingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_findings_view_dispose;
  object_class->finalize = debrief_findings_view_finalize;
  object_class->get_property = debrief_findings_view_get_property;
  object_class->set_property = debrief_findings_view_set_property;

  properties[PROP_WORKSPACE] = g_param_spec_object ("workspace", NULL, NULL, DEBRIEF_TYPE_WORKSPACE,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DebriefFindingsView::show-step:
   * @step: the step a finding points at
   *
   * Emitted when the user asks to see a finding on the plot.
   */
  signals[SIGNAL_SHOW_STEP] = g_signal_new ("show-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (DEBRIEF_TYPE_FINDING_ROW);
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               "/io/github/debrief/Debrief/debrief-findings-view.ui");
  gtk_widget_class_bind_template_child (GTK_WIDGET_CLASS (klass), DebriefFindingsView, box);
}

static void
debrief_findings_view_init (DebriefFindingsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
}

GtkWidget *
debrief_findings_view_new (DebriefWorkspace *workspace)
{
  return g_object_new (DEBRIEF_TYPE_FINDINGS_VIEW, "workspace", workspace, NULL);
}

DebriefWorkspace *
debrief_findings_view_get_workspace (DebriefFindingsView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDINGS_VIEW (self), NULL);
  return self->workspace;
}

void
debrief_findings_view_set_workspace (DebriefFindingsView *self,
                                     DebriefWorkspace    *workspace)
{
  g_return_if_fail (DEBRIEF_IS_FINDINGS_VIEW (self));
  g_return_if_fail (workspace == NULL || DEBRIEF_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;
  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_set_object (&self->workspace, workspace);
  if (workspace != NULL)
    {
      self->runs = g_object_ref (debrief_workspace_get_runs (workspace));
      g_signal_connect (self->runs, "items-changed", G_CALLBACK (items_changed_cb), self);
    }
  runs_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

void
debrief_findings_view_set_runs (DebriefFindingsView *self,
                                GListModel          *runs)
{
  g_return_if_fail (DEBRIEF_IS_FINDINGS_VIEW (self));

  /* One run of many: which one is shown must be said. */
  self->show_names = runs != NULL;
  if (runs == NULL && self->workspace != NULL)
    runs = debrief_workspace_get_runs (self->workspace);
  if (runs == self->runs)
    {
      rebuild (self);
      return;
    }
  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_set_object (&self->runs, runs);
  if (runs != NULL)
    g_signal_connect (self->runs, "items-changed", G_CALLBACK (items_changed_cb), self);
  runs_changed (self);
}
