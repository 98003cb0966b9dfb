/* debrief-findings-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-findings-view.h"

struct _DebriefFindingsView
{
  AdwBin parent_instance;

  DebriefWorkspace *workspace;
  GListModel *runs;            /* the workspace's */
  GtkBox *box;
  GPtrArray *watched;          /* DebriefRun whose notify::analysis we follow */
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

static const char *
severity_icon (DebriefSeverity severity)
{
  switch (severity)
    {
    case DEBRIEF_SEVERITY_ERROR:
      return "dialog-error-symbolic";
    case DEBRIEF_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case DEBRIEF_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static const char *
severity_class (DebriefSeverity severity)
{
  switch (severity)
    {
    case DEBRIEF_SEVERITY_ERROR:
      return "error";
    case DEBRIEF_SEVERITY_WARNING:
      return "warning";
    case DEBRIEF_SEVERITY_INFO:
    default:
      return "accent";
    }
}

static const char *
severity_label (DebriefSeverity severity)
{
  switch (severity)
    {
    case DEBRIEF_SEVERITY_ERROR:
      return _("Error");
    case DEBRIEF_SEVERITY_WARNING:
      return _("Warning");
    case DEBRIEF_SEVERITY_INFO:
    default:
      return _("Information");
    }
}

static GtkWidget *
text_row (const char *title,
          const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text ? text : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static void
show_step_clicked (GtkButton           *button,
                   DebriefFindingsView *self)
{
  DebriefFinding *finding = g_object_get_data (G_OBJECT (button), "finding");
  gint64 step = debrief_finding_get_step (finding);

  g_signal_emit (self, signals[SIGNAL_SHOW_STEP], 0, step);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-step", "x", step);
}

static void
add_to_report_clicked (GtkButton           *button,
                       DebriefFindingsView *self)
{
  DebriefFinding *finding = g_object_get_data (G_OBJECT (button), "finding");
  g_autofree char *markdown = debrief_finding_to_markdown (finding);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.add-to-report", "s", markdown);
}

static GtkWidget *
finding_row (DebriefFindingsView *self,
             DebriefFinding      *finding)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (severity_icon (debrief_finding_get_severity (finding)));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button_row = gtk_list_box_row_new ();
  GtkWidget *report_button = gtk_button_new_with_mnemonic (_("_Add to Report"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), debrief_finding_get_title (finding));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), debrief_finding_get_cause (finding));
  gtk_widget_add_css_class (icon, severity_class (debrief_finding_get_severity (finding)));
  gtk_widget_set_tooltip_text (icon, severity_label (debrief_finding_get_severity (finding)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  severity_label (debrief_finding_get_severity (finding)), -1);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);
  g_object_set_data_full (G_OBJECT (row), "finding", g_object_ref (finding), g_object_unref);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (_("Evidence"), debrief_finding_get_evidence (finding)));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (_("Likely cause"), debrief_finding_get_cause (finding)));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (_("Fix"), debrief_finding_get_fix (finding)));

  gtk_widget_set_margin_top (buttons, 6);
  gtk_widget_set_margin_bottom (buttons, 6);
  gtk_widget_set_margin_start (buttons, 12);
  gtk_widget_set_margin_end (buttons, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  if (debrief_finding_get_step (finding) >= 0)
    {
      g_autofree char *label = g_strdup_printf (_("Show Step %" PRId64 " on Plot"),
                                                debrief_finding_get_step (finding));
      GtkWidget *show_button = gtk_button_new_with_label (label);

      g_object_set_data_full (G_OBJECT (show_button), "finding", g_object_ref (finding), g_object_unref);
      g_signal_connect (show_button, "clicked", G_CALLBACK (show_step_clicked), self);
      gtk_widget_set_name (show_button, "show-step");
      gtk_box_append (GTK_BOX (buttons), show_button);
    }
  g_object_set_data_full (G_OBJECT (report_button), "finding", g_object_ref (finding), g_object_unref);
  g_signal_connect (report_button, "clicked", G_CALLBACK (add_to_report_clicked), self);
  gtk_widget_set_name (report_button, "add-to-report");
  gtk_box_append (GTK_BOX (buttons), report_button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (button_row), buttons);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (button_row), FALSE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), button_row);
  /* Warnings and errors open by default: they are what the user came for. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row),
                                 debrief_finding_get_severity (finding) != DEBRIEF_SEVERITY_INFO);
  return row;
}

static GtkWidget *
run_group (DebriefFindingsView *self,
           DebriefRun          *run,
           gboolean             show_name)
{
  GtkWidget *group = adw_preferences_group_new ();
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);

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
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), finding_row (self, finding));
      }
    if (n == 0)
      {
        GtkWidget *row = adw_action_row_new ();
        GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

        gtk_widget_add_css_class (icon, "success");
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No problems found"));
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     _("The loss curves show none of the known failure modes."));
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      }
  }
  return group;
}

static void
rebuild (DebriefFindingsView *self)
{
  GtkWidget *child;
  guint n = self->runs ? g_list_model_get_n_items (self->runs) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_box_remove (self->box, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (self->runs, i);
      gtk_box_append (self->box, run_group (self, run, n > 1));
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
}

static void
debrief_findings_view_init (DebriefFindingsView *self)
{
  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->box));
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
