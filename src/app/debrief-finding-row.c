/* debrief-finding-row.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-finding-row.h"

struct _DebriefFindingRow
{
  AdwExpanderRow parent_instance;

  DebriefFinding *finding;

  /* Template widgets */
  GtkImage *severity_icon;
  AdwActionRow *evidence_row;
  AdwActionRow *cause_row;
  AdwActionRow *fix_row;
  AdwActionRow *actions_row;
  GtkButton *show_step_button;
  GtkButton *report_button;
};

enum {
  PROP_0,
  PROP_FINDING,
  N_PROPS
};

enum {
  SIGNAL_SHOW_STEP,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefFindingRow, debrief_finding_row, ADW_TYPE_EXPANDER_ROW)

const char *
debrief_severity_icon_name (DebriefSeverity severity)
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

/* libadwaita's "error" and "warning" classes are the severities' own names. */
const char *
debrief_severity_css_class (DebriefSeverity severity)
{
  return severity == DEBRIEF_SEVERITY_ERROR || severity == DEBRIEF_SEVERITY_WARNING
         ? debrief_severity_to_string (severity) : "accent";
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

static void
show_step_clicked (DebriefFindingRow *self)
{
  gint64 step = debrief_finding_get_step (self->finding);

  g_signal_emit (self, signals[SIGNAL_SHOW_STEP], 0, step);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-step", "x", step);
}

static void
add_to_report_clicked (DebriefFindingRow *self)
{
  g_autofree char *markdown = debrief_finding_to_markdown (self->finding);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.add-to-report", "s", markdown);
}

static void
set_finding (DebriefFindingRow *self,
             DebriefFinding    *finding)
{
  DebriefSeverity severity = debrief_finding_get_severity (finding);
  gint64 step = debrief_finding_get_step (finding);

  self->finding = g_object_ref (finding);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), debrief_finding_get_title (finding));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), debrief_finding_get_cause (finding));
  gtk_image_set_from_icon_name (self->severity_icon, debrief_severity_icon_name (severity));
  gtk_widget_add_css_class (GTK_WIDGET (self->severity_icon), debrief_severity_css_class (severity));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->severity_icon), severity_label (severity));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->severity_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  severity_label (severity), -1);
  adw_action_row_set_subtitle (self->evidence_row, debrief_finding_get_evidence (finding) ?: "");
  adw_action_row_set_subtitle (self->cause_row, debrief_finding_get_cause (finding) ?: "");
  adw_action_row_set_subtitle (self->fix_row, debrief_finding_get_fix (finding) ?: "");
  if (debrief_finding_get_n_actions (finding) > 0)
    {
      g_autoptr(GString) actions = g_string_new (NULL);

      /* One line per action, the ones debrief-cli analyze --json lists. */
      for (guint i = 0; i < debrief_finding_get_n_actions (finding); i++)
        {
          g_autofree char *text = debrief_action_describe (debrief_finding_get_action (finding, i));
          g_string_append_printf (actions, "%s%s", i > 0 ? "\n" : "", text);
        }
      adw_action_row_set_subtitle (self->actions_row, actions->str);
      gtk_widget_set_visible (GTK_WIDGET (self->actions_row), TRUE);
    }
  if (step >= 0)
    {
      g_autofree char *label = g_strdup_printf (_("Show Step %" PRId64 " on Plot"), step);

      gtk_button_set_label (self->show_step_button, label);
      gtk_widget_set_visible (GTK_WIDGET (self->show_step_button), TRUE);
    }
  /* Warnings and errors open by default: they are what the user came for. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), severity != DEBRIEF_SEVERITY_INFO);
}

static void
debrief_finding_row_dispose (GObject *object)
{
  DebriefFindingRow *self = DEBRIEF_FINDING_ROW (object);

  g_clear_object (&self->finding);
  G_OBJECT_CLASS (debrief_finding_row_parent_class)->dispose (object);
}

static void
debrief_finding_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DebriefFindingRow *self = DEBRIEF_FINDING_ROW (object);

  switch (prop_id)
    {
    case PROP_FINDING:
      g_value_set_object (value, self->finding);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_finding_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DebriefFindingRow *self = DEBRIEF_FINDING_ROW (object);

  switch (prop_id)
    {
    case PROP_FINDING:
      set_finding (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_finding_row_class_init (DebriefFindingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = debrief_finding_row_dispose;
  object_class->get_property = debrief_finding_row_get_property;
  object_class->set_property = debrief_finding_row_set_property;

  properties[PROP_FINDING] =
    g_param_spec_object ("finding", NULL, NULL, DEBRIEF_TYPE_FINDING,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DebriefFindingRow::show-step:
   * @step: the finding's step
   *
   * Emitted when the user asks to see the finding on the plot.
   */
  signals[SIGNAL_SHOW_STEP] = g_signal_new ("show-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-finding-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, severity_icon);
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, evidence_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, cause_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, fix_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, actions_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, show_step_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefFindingRow, report_button);
  gtk_widget_class_bind_template_callback (widget_class, show_step_clicked);
  gtk_widget_class_bind_template_callback (widget_class, add_to_report_clicked);
}

static void
debrief_finding_row_init (DebriefFindingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
debrief_finding_row_new (DebriefFinding *finding)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING (finding), NULL);
  return g_object_new (DEBRIEF_TYPE_FINDING_ROW, "finding", finding, NULL);
}

DebriefFinding *
debrief_finding_row_get_finding (DebriefFindingRow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_FINDING_ROW (self), NULL);
  return self->finding;
}
