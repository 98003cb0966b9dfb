/* debrief-capacity-group.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "debrief-capacity-group.h"

struct _DebriefCapacityGroup
{
  AdwPreferencesGroup parent_instance;

  DebriefWorkspace *workspace;
  DebriefRun *run;

  /* Template widgets */
  AdwActionRow *status_row;
  GtkImage *status_icon;
  AdwActionRow *params_row;
  AdwActionRow *required_row;
  AdwActionRow *headroom_row;
  AdwActionRow *suggested_row;
  AdwActionRow *assumed_row;
  AdwActionRow *model_row;
  AdwActionRow *tokens_row;
  GtkSpinButton *rank_spin;
  GtkSpinButton *tokens_spin;
  GtkEditable *model_entry;
};

G_DEFINE_FINAL_TYPE (DebriefCapacityGroup, debrief_capacity_group, ADW_TYPE_PREFERENCES_GROUP)

static char *
format_count (double value)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return g_strdup_printf ("%'.0f", value);
}

static void
show_detail (AdwActionRow *row,
             gboolean      shown,
             char         *text)   /* owned */
{
  gtk_widget_set_visible (GTK_WIDGET (row), shown);
  adw_action_row_set_subtitle (row, shown && text != NULL ? text : "");
  g_free (text);
}

/* The run's configuration in the inputs: when the group is made and after
 * an edit, not on every analysis (the user may be typing). */
static void
update_inputs (DebriefCapacityGroup *self)
{
  const DebriefRunConfig *config = debrief_run_get_config (self->run);

  gtk_spin_button_set_value (self->rank_spin, (double) config->lora_rank);
  gtk_spin_button_set_value (self->tokens_spin, (double) config->dataset_tokens);
  gtk_editable_set_text (self->model_entry, config->base_model ? config->base_model : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->model_entry), "error");
  adw_action_row_set_subtitle (self->model_row, config->dims_source ? config->dims_source : "");
  /* Where the count came from: a log, a config, or the total_flos estimate. */
  if (config->dataset_tokens > 0 && config->dataset_tokens_source != NULL)
    {
      /* Translators: the dataset tokens row's subtitle; %s says how they were counted */
      g_autofree char *subtitle = g_strdup_printf (_("One epoch · %s"), config->dataset_tokens_source);
      adw_action_row_set_subtitle (self->tokens_row, subtitle);
    }
  else if (config->rl_episodes > 0)
    {
      /* Translators: an RL run's capacity counts episodes; %s says how they were counted */
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "RL: %" G_GINT64_FORMAT " episode "
                                                                "(%s), about one bit each",
                                                                "RL: %" G_GINT64_FORMAT " episodes (%s), about "
                                                                "one bit each", (gulong) config->rl_episodes),
                                                   config->rl_episodes, config->rl_episodes_source);
      adw_action_row_set_subtitle (self->tokens_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->tokens_row, _("One epoch"));
}

static void
config_changed_cb (DebriefCapacityGroup *self,
                   DebriefRun           *run)
{
  if (run == self->run)
    update_inputs (self);
}

/* The numbers of the run's latest analysis. */
static void
update (DebriefCapacityGroup *self)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (self->run);
  const DebriefCapacityResult *cap = analysis ? debrief_analysis_get_capacity (analysis) : NULL;
  const char *icon_name = "dialog-question-symbolic", *css = "dim-label";

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), cap == NULL ? _("Analysing…") : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), cap != NULL);
  if (cap == NULL)
    {
      show_detail (self->params_row, FALSE, NULL);
      show_detail (self->required_row, FALSE, NULL);
      show_detail (self->headroom_row, FALSE, NULL);
      show_detail (self->suggested_row, FALSE, NULL);
      show_detail (self->assumed_row, FALSE, NULL);
      return;
    }

  if (cap->status == DEBRIEF_CAPACITY_OK)
    icon_name = "emblem-ok-symbolic", css = "success";
  else if (cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY)
    icon_name = "dialog-warning-symbolic", css = "warning";
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), debrief_capacity_status_to_string (cap->status));
  adw_action_row_set_subtitle (self->status_row, cap->message);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_set_css_classes (GTK_WIDGET (self->status_icon), (const char *[]) { css, NULL });

  {
    g_autofree char *params = format_count ((double) cap->lora_params);
    g_autofree char *bits = format_count (cap->capacity_bits);

    show_detail (self->params_row, cap->lora_params > 0,
                 g_strdup_printf (_("%s (%s bits at 2 bits per parameter)"), params, bits));
  }
  {
    g_autofree char *bits = format_count (cap->required_bits);

    show_detail (self->required_row, isfinite (cap->required_bits),
                 g_strdup_printf (_("%s bits (%.2f bits per token)"), bits, cap->bits_per_token));
  }
  show_detail (self->headroom_row, isfinite (cap->headroom_percent), g_strdup_printf ("%.1f%%", cap->headroom_percent));
  show_detail (self->suggested_row, cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY,
               g_strdup_printf ("%" G_GINT64_FORMAT, cap->suggested_rank));
  show_detail (self->assumed_row, cap->assumptions != NULL, g_strdup (cap->assumptions));
}

/* What the user filled in goes to the workspace, which remembers it and
 * analyses the run again; the group shows the result when it arrives. */
static void
check_clicked (DebriefCapacityGroup *self)
{
  g_autoptr(GError) error = NULL;

  if (!debrief_workspace_edit_config (self->workspace, self->run,
                                      (gint64) gtk_spin_button_get_value (self->rank_spin),
                                      (gint64) gtk_spin_button_get_value (self->tokens_spin),
                                      gtk_editable_get_text (self->model_entry), &error))
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->model_entry), "error");
      return;
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), _("Checking…"));
}

static void
debrief_capacity_group_dispose (GObject *object)
{
  DebriefCapacityGroup *self = DEBRIEF_CAPACITY_GROUP (object);

  g_clear_object (&self->run);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (debrief_capacity_group_parent_class)->dispose (object);
}

static void
debrief_capacity_group_class_init (DebriefCapacityGroupClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = debrief_capacity_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-capacity-group.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, status_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, params_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, required_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, headroom_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, suggested_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, assumed_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, model_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, tokens_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, rank_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, tokens_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, model_entry);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked);
}

static void
debrief_capacity_group_init (DebriefCapacityGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
debrief_capacity_group_new (DebriefWorkspace *workspace,
                            DebriefRun       *run,
                            gboolean          show_name)
{
  DebriefCapacityGroup *self;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  self = g_object_new (DEBRIEF_TYPE_CAPACITY_GROUP, NULL);
  self->workspace = g_object_ref (workspace);
  self->run = g_object_ref (run);
  if (show_name)
    {
      g_autofree char *title = g_strdup_printf (_("Capacity: %s"), debrief_run_get_name (run));
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), title);
    }
  /* A new analysis (after an edit, or the run read again) updates the
   * numbers in place; nothing else the user typed is lost. */
  g_signal_connect_object (run, "notify::analysis", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (workspace, "config-changed", G_CALLBACK (config_changed_cb), self, G_CONNECT_SWAPPED);
  update_inputs (self);
  update (self);
  return GTK_WIDGET (self);
}
