/* debrief-capacity-card.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-capacity-card.h"

/* Spin button ranges: ranks beyond 65536 and datasets beyond 10^13 tokens are typos. */
#define MAX_RANK 65536
#define MAX_TOKENS 1e13

struct _DebriefCapacityCard
{
  AdwBin parent_instance;

  DebriefWorkspace *workspace;
  GListModel *runs;            /* the workspace's */
  GtkBox *box;
  GPtrArray *watched;
  guint rebuild_idle;
};

G_DEFINE_FINAL_TYPE (DebriefCapacityCard, debrief_capacity_card, ADW_TYPE_BIN)

typedef struct
{
  DebriefCapacityCard *card;   /* borrowed: the widgets die with the card */
  DebriefRun *run;
  GtkSpinButton *rank;
  GtkSpinButton *tokens;
  GtkEditable *model;
  AdwPreferencesGroup *group;
} Inputs;

static void
inputs_free (gpointer data)
{
  Inputs *inputs = data;

  g_clear_object (&inputs->run);
  g_free (inputs);
}

static GtkWidget *
number_row (const char *title,
            const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  return row;
}

/* What the user filled in goes to the workspace, which remembers it and
 * analyses the run again; this card shows the result when it arrives. */
static void
check_clicked (GtkButton *button,
               Inputs    *inputs)
{
  g_autoptr(GError) error = NULL;

  if (!debrief_workspace_edit_config (inputs->card->workspace, inputs->run,
                                      (gint64) gtk_spin_button_get_value (inputs->rank),
                                      (gint64) gtk_spin_button_get_value (inputs->tokens),
                                      gtk_editable_get_text (inputs->model), &error))
    {
      adw_preferences_group_set_description (inputs->group, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (inputs->model), "error");
      return;
    }
  adw_preferences_group_set_description (inputs->group, _("Checking…"));
}

static char *
format_count (double value)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return g_strdup_printf ("%'.0f", value);
}

static GtkWidget *
run_group (DebriefCapacityCard *self,
           DebriefRun          *run,
           gboolean             show_name)
{
  GtkWidget *group = adw_preferences_group_new ();
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);
  const DebriefCapacityResult *cap = analysis ? debrief_analysis_get_capacity (analysis) : NULL;
  DebriefRunConfig *config = debrief_run_get_config (run);
  Inputs *inputs = g_new0 (Inputs, 1);
  GtkWidget *row, *widget, *button;

  inputs->card = self;
  inputs->run = g_object_ref (run);
  inputs->group = ADW_PREFERENCES_GROUP (group);
  g_object_set_data_full (G_OBJECT (group), "inputs", inputs, inputs_free);

  if (show_name)
    {
      g_autofree char *title = g_strdup_printf (_("Capacity: %s"), debrief_run_get_name (run));
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
    }
  else
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Capacity"));

  if (cap == NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("Analysing…"));
  else
    {
      const char *icon_name = "dialog-question-symbolic", *css = "dim-label";
      GtkWidget *icon;

      if (cap->status == DEBRIEF_CAPACITY_OK)
        icon_name = "emblem-ok-symbolic", css = "success";
      else if (cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY)
        icon_name = "dialog-warning-symbolic", css = "warning";
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), debrief_capacity_status_to_string (cap->status));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), cap->message);
      icon = gtk_image_new_from_icon_name (icon_name);
      gtk_widget_add_css_class (icon, css);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_set_name (row, "status");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

      if (cap->lora_params > 0)
        {
          g_autofree char *params = format_count ((double) cap->lora_params);
          g_autofree char *bits = format_count (cap->capacity_bits);
          g_autofree char *detail = g_strdup_printf (_("%s (%s bits at 2 bits per parameter)"), params, bits);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), number_row (_("LoRA parameters"), detail));
        }
      if (isfinite (cap->required_bits))
        {
          g_autofree char *bits = format_count (cap->required_bits);
          g_autofree char *detail = g_strdup_printf (_("%s bits (%.2f bits per token)"), bits, cap->bits_per_token);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), number_row (_("Required"), detail));
        }
      if (isfinite (cap->headroom_percent))
        {
          g_autofree char *detail = g_strdup_printf ("%.1f%%", cap->headroom_percent);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), number_row (_("Headroom"), detail));
        }
      if (cap->status == DEBRIEF_CAPACITY_UNDERCAPACITY)
        {
          g_autofree char *detail = g_strdup_printf ("%" G_GINT64_FORMAT, cap->suggested_rank);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), number_row (_("Suggested rank"), detail));
        }
      if (cap->assumptions)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), number_row (_("Assumed"), cap->assumptions));
    }

  /* What the user can fill in. */
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("LoRA _rank"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  widget = gtk_spin_button_new_with_range (0, MAX_RANK, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), (double) config->lora_rank);
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_widget_set_name (widget, "rank");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("LoRA rank"), -1);
  inputs->rank = GTK_SPIN_BUTTON (widget);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Dataset _tokens"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("One epoch"));
  widget = gtk_spin_button_new_with_range (0, MAX_TOKENS, 1000);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), (double) config->dataset_tokens);
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_widget_set_name (widget, "tokens");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dataset tokens"), -1);
  inputs->tokens = GTK_SPIN_BUTTON (widget);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Base _model"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (config->dims_source)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), config->dims_source);
  widget = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (widget), _("e.g. Llama-3.1-8B"));
  gtk_editable_set_text (GTK_EDITABLE (widget), config->base_model ? config->base_model : "");
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_widget_set_name (widget, "model");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Base model"), -1);
  inputs->model = GTK_EDITABLE (widget);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  button = gtk_button_new_with_mnemonic (_("_Check Again"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (button, "check");
  g_signal_connect (button, "clicked", G_CALLBACK (check_clicked), inputs);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
  return group;
}

static void
rebuild (DebriefCapacityCard *self)
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
  DebriefCapacityCard *self = user_data;

  self->rebuild_idle = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_rebuild (DebriefCapacityCard *self)
{
  if (self->rebuild_idle == 0)
    /* Above GDK_PRIORITY_REDRAW: a busy frame clock (spinners, a large plot)
     * must not starve the update that stops the spinners. */
    self->rebuild_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle_cb, self, NULL);
}

static void
unwatch_all (DebriefCapacityCard *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
items_changed_cb (DebriefCapacityCard *self)
{
  guint n = self->runs ? g_list_model_get_n_items (self->runs) : 0;

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      DebriefRun *run = g_list_model_get_item (self->runs, i);

      g_signal_connect_swapped (run, "notify::analysis", G_CALLBACK (schedule_rebuild), self);
      g_ptr_array_add (self->watched, run);
    }
  rebuild (self);
}

static void
debrief_capacity_card_dispose (GObject *object)
{
  DebriefCapacityCard *self = (DebriefCapacityCard *)object;

  g_clear_handle_id (&self->rebuild_idle, g_source_remove);
  if (self->watched)
    unwatch_all (self);
  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (debrief_capacity_card_parent_class)->dispose (object);
}

static void
debrief_capacity_card_finalize (GObject *object)
{
  DebriefCapacityCard *self = (DebriefCapacityCard *)object;

  g_clear_pointer (&self->watched, g_ptr_array_unref);
  G_OBJECT_CLASS (debrief_capacity_card_parent_class)->finalize (object);
}

static void
debrief_capacity_card_class_init (DebriefCapacityCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_capacity_card_dispose;
  object_class->finalize = debrief_capacity_card_finalize;
}

static void
debrief_capacity_card_init (DebriefCapacityCard *self)
{
  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->box));
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
}

GtkWidget *
debrief_capacity_card_new (DebriefWorkspace *workspace)
{
  DebriefCapacityCard *self = g_object_new (DEBRIEF_TYPE_CAPACITY_CARD, NULL);

  debrief_capacity_card_set_workspace (self, workspace);
  return GTK_WIDGET (self);
}

void
debrief_capacity_card_set_workspace (DebriefCapacityCard *self,
                                     DebriefWorkspace    *workspace)
{
  g_return_if_fail (DEBRIEF_IS_CAPACITY_CARD (self));
  g_return_if_fail (workspace == NULL || DEBRIEF_IS_WORKSPACE (workspace));

  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_set_object (&self->workspace, workspace);
  if (workspace != NULL)
    {
      self->runs = g_object_ref (debrief_workspace_get_runs (workspace));
      g_signal_connect_swapped (self->runs, "items-changed", G_CALLBACK (items_changed_cb), self);
    }
  items_changed_cb (self);
}
