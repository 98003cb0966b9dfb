/* debrief-report-view-recommendations.c: the findings and their fixes beside the editor
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-finding-row.h"
#include "debrief-report-view-private.h"

static GtkWidget *
recommendation_row (DebriefFinding *finding)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon;
  GtkWidget *title = gtk_label_new (debrief_finding_get_title (finding));
  GtkWidget *fix;
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Add to Report"));
  g_autofree char *markdown = debrief_finding_to_markdown (finding);
  g_autofree char *fix_text = NULL;
  DebriefSeverity severity = debrief_finding_get_severity (finding);

  icon = gtk_image_new_from_icon_name (debrief_severity_icon_name (severity));
  gtk_widget_add_css_class (icon, debrief_severity_css_class (severity));
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (header), icon);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (box), header);

  fix_text = g_strdup_printf (_("Fix: %s"), debrief_finding_get_fix (finding) ? debrief_finding_get_fix (finding) : "");
  fix = gtk_label_new (fix_text);
  gtk_label_set_wrap (GTK_LABEL (fix), TRUE);
  gtk_label_set_xalign (GTK_LABEL (fix), 0);
  gtk_label_set_selectable (GTK_LABEL (fix), TRUE);
  gtk_box_append (GTK_BOX (box), fix);

  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.add-to-report");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", markdown);
  gtk_widget_set_tooltip_text (button, _("Insert this finding and its fix at the cursor"));
  gtk_box_append (GTK_BOX (box), button);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, debrief_finding_get_title (finding),
                                  -1);
  return row;
}

static GtkWidget *
message_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/* Each finding with its fix, from the run's analysis, most severe first. */
void
_debrief_report_view_populate_recommendations (DebriefReportView *self)
{
  DebriefAnalysis *analysis = _debrief_report_view_current_analysis (self);
  GListModel *findings;
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recommendations_list))) != NULL)
    gtk_list_box_remove (self->recommendations_list, child);

  if (self->run == NULL)
    return;
  if (analysis == NULL)
    {
      gtk_list_box_append (self->recommendations_list, message_row (_("Waiting for the analysis…")));
      return;
    }
  findings = debrief_analysis_get_findings (analysis);
  n = g_list_model_get_n_items (findings);
  if (n == 0)
    {
      gtk_list_box_append (self->recommendations_list,
                           message_row (debrief_analysis_get_verdict (analysis)));
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, i);
      gtk_list_box_append (self->recommendations_list, recommendation_row (finding));
    }
}
