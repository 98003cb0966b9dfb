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
  GtkWidget *check_button;
  AdwActionRow *status_row;
  GtkImage *status_icon;
  AdwActionRow *params_row;
  AdwActionRow *required_row;
  AdwActionRow *headroom_row;
  AdwActionRow *suggested_row;
  AdwActionRow *data_row;
  AdwActionRow *assumed_row;
  AdwActionRow *rank_row;
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

/* An unknown value (0) is an empty field, not a count of zero. */
static gboolean
spin_output_cb (GtkSpinButton *spin)
{
  if (gtk_spin_button_get_value (spin) > 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), "");
  return TRUE;
}

/* RL counts episodes, about a bit each, where other kinds count tokens
 * (POSTTRAINING 4): the data field is the episodes then. */
static gboolean
counts_episodes (DebriefCapacityGroup *self)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (self->run);

  if (analysis != NULL)
    return debrief_analysis_get_capacity (analysis)->per_episode;
  return debrief_run_get_method (self->run) == DEBRIEF_METHOD_RL;
}

/* The capacity of a LoRA adapter is not a question for a full fine-tune or a
 * reward model: the group then says why and shows nothing to fill in. */
static gboolean
check_applies (DebriefCapacityGroup *self)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (self->run);

  if (analysis == NULL)
    return debrief_run_get_adapter (self->run) != DEBRIEF_ADAPTER_NONE;
  return debrief_analysis_get_capacity_applies (analysis);
}

/* The run's configuration in the inputs: when the group is made and after
 * an edit, not on every analysis (the user may be typing). */
static void
update_inputs (DebriefCapacityGroup *self)
{
  const DebriefRunConfig *config = debrief_run_get_config (self->run);
  gboolean episodes = counts_episodes (self);

  gtk_spin_button_set_value (self->rank_spin, (double) config->lora_rank);
  gtk_spin_button_set_value (self->tokens_spin, (double) (episodes ? config->rl_episodes : config->dataset_tokens));
  gtk_editable_set_text (self->model_entry, config->base_model ? config->base_model : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_entry), config->base_model);
  gtk_widget_remove_css_class (GTK_WIDGET (self->model_entry), "error");
  adw_action_row_set_subtitle (self->model_row, config->dims_source ? config->dims_source : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tokens_row), episodes ? _("_Episodes") : _("Dataset _tokens"));
  adw_action_row_set_subtitle (self->tokens_row, episodes ? _("About one bit each") : _("One epoch"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tokens_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  episodes ? _("Episodes") : _("Dataset tokens"), -1);
  adw_action_row_set_subtitle (self->rank_row, config->lora_rank > 0 || debrief_run_get_adapter (self->run) != DEBRIEF_ADAPTER_UNKNOWN
                                               ? "" : _("If the run trained a LoRA adapter"));
}

static void
config_changed_cb (DebriefCapacityGroup *self,
                   DebriefRun           *run)
{
  if (run == self->run)
    update_inputs (self);
}

/* How much data was counted and how: "40,960 in one epoch · estimate: ...". */
static char *
describe_data (DebriefCapacityGroup *self,
               gboolean              episodes)
{
  const DebriefRunConfig *config = debrief_run_get_config (self->run);
  gint64 count = episodes ? config->rl_episodes : config->dataset_tokens;
  const char *source = episodes ? config->rl_episodes_source : config->dataset_tokens_source;
  g_autofree char *number = format_count ((double) count);

  if (count <= 0)
    return NULL;
  if (g_strcmp0 (source, "user") == 0)
    source = _("entered here");
  if (episodes)
    /* Translators: a number of RL episodes, then how it was obtained */
    return source ? g_strdup_printf (_("%s · %s"), number, source) : g_strdup (number);
  /* Translators: a number of tokens in one epoch, then how it was obtained */
  return source ? g_strdup_printf (_("%s in one epoch · %s"), number, source)
                : g_strdup_printf (_("%s in one epoch"), number);
}

/* The numbers of the run's latest analysis. */
static void
update (DebriefCapacityGroup *self)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (self->run);
  const DebriefCapacityResult *cap = analysis ? debrief_analysis_get_capacity (analysis) : NULL;
  const char *icon_name = "dialog-question-symbolic", *css = "dim-label";
  gboolean applies = check_applies (self);
  gboolean episodes = counts_episodes (self);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), cap == NULL ? _("Analysing…") : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), cap != NULL);
  /* Nothing to fill in where the check does not apply. */
  gtk_widget_set_visible (self->check_button, applies);
  gtk_widget_set_visible (GTK_WIDGET (self->rank_row), applies);
  gtk_widget_set_visible (GTK_WIDGET (self->tokens_row), applies);
  gtk_widget_set_visible (GTK_WIDGET (self->model_row), applies);
  if (cap == NULL)
    {
      show_detail (self->params_row, FALSE, NULL);
      show_detail (self->required_row, FALSE, NULL);
      show_detail (self->headroom_row, FALSE, NULL);
      show_detail (self->suggested_row, FALSE, NULL);
      show_detail (self->data_row, FALSE, NULL);
      show_detail (self->assumed_row, FALSE, NULL);
      return;
    }

  if (cap->status == DEBRIEF_CAPACITY_OK)
    icon_name = "emblem-ok-symbolic", css = "success";
  else if (cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY)
    icon_name = "dialog-warning-symbolic", css = "warning";
  else if (!applies)
    icon_name = "dialog-information-symbolic";
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), debrief_analysis_get_capacity_label (analysis));
  adw_action_row_set_subtitle (self->status_row, cap->message);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_set_css_classes (GTK_WIDGET (self->status_icon), (const char *[]) { css, NULL });

  {
    g_autofree char *params = format_count ((double) cap->lora_params);
    g_autofree char *bits = format_count (cap->capacity_bits);

    show_detail (self->params_row, applies && cap->lora_params > 0,
                 g_strdup_printf (_("%s (%s bits at 2 bits per parameter)"), params, bits));
  }
  {
    g_autofree char *bits = format_count (cap->required_bits);

    show_detail (self->required_row, applies && isfinite (cap->required_bits),
                 cap->per_episode ? g_strdup_printf (_("%s bits (1 bit per episode)"), bits)
                                  : g_strdup_printf (_("%s bits (%.2f bits per token)"), bits, cap->bits_per_token));
  }
  show_detail (self->headroom_row, applies && isfinite (cap->headroom_percent),
               g_strdup_printf ("%.1f%%", cap->headroom_percent));
  show_detail (self->suggested_row, cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY,
               g_strdup_printf ("%" G_GINT64_FORMAT, cap->suggested_rank));
  /* Not the input's own title: this row says how the number was obtained. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->data_row),
                                 episodes ? _("Episodes trained") : _("Dataset size"));
  {
    char *data = applies ? describe_data (self, episodes) : NULL;
    show_detail (self->data_row, data != NULL, data);
  }
  show_detail (self->assumed_row, applies && cap->assumptions != NULL, g_strdup (cap->assumptions));
}

/* The analysis decides whether the data are episodes: the inputs follow. */
static void
analysis_changed_cb (DebriefCapacityGroup *self)
{
  update (self);
  update_inputs (self);
}

/* What the user filled in goes to the workspace, which remembers it and
 * analyses the run again; the group shows the result when it arrives. */
static void
check_clicked (DebriefCapacityGroup *self)
{
  g_autoptr(GError) error = NULL;
  gint64 data = (gint64) gtk_spin_button_get_value (self->tokens_spin);
  gboolean episodes = counts_episodes (self);

  if (!debrief_workspace_edit_config (self->workspace, self->run,
                                      (gint64) gtk_spin_button_get_value (self->rank_spin),
                                      episodes ? 0 : data, episodes ? data : 0,
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
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, check_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, status_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, params_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, required_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, headroom_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, suggested_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, data_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, assumed_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, rank_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, model_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, tokens_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, rank_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, tokens_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityGroup, model_entry);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked);
  gtk_widget_class_bind_template_callback (widget_class, spin_output_cb);
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
  g_signal_connect_object (run, "notify::analysis", G_CALLBACK (analysis_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (workspace, "config-changed", G_CALLBACK (config_changed_cb), self, G_CONNECT_SWAPPED);
  update_inputs (self);
  update (self);
  return GTK_WIDGET (self);
}
