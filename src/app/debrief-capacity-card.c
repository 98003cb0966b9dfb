/* debrief-capacity-card.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-capacity-card.h"
#include "debrief-capacity-group.h"

struct _DebriefCapacityCard
{
  AdwBin parent_instance;

  DebriefWorkspace *workspace;
  GListModel *runs;            /* the workspace's */

  /* Template widgets */
  GtkBox *box;
};

G_DEFINE_FINAL_TYPE (DebriefCapacityCard, debrief_capacity_card, ADW_TYPE_BIN)

/* A group per run; each follows its run's analysis by itself. */
static void
runs_changed_cb (DebriefCapacityCard *self)
{
  guint n = self->runs ? g_list_model_get_n_items (self->runs) : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_box_remove (self->box, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (self->runs, i);
      gtk_box_append (self->box, debrief_capacity_group_new (self->workspace, run, n > 1));
    }
}

static void
debrief_capacity_card_dispose (GObject *object)
{
  DebriefCapacityCard *self = (DebriefCapacityCard *)object;

  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_clear_object (&self->workspace);
  G_OBJECT_CLASS (debrief_capacity_card_parent_class)->dispose (object);
}

static void
debrief_capacity_card_class_init (DebriefCapacityCardClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = debrief_capacity_card_dispose;

  g_type_ensure (DEBRIEF_TYPE_CAPACITY_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-capacity-card.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefCapacityCard, box);
}

static void
debrief_capacity_card_init (DebriefCapacityCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
      g_signal_connect_swapped (self->runs, "items-changed", G_CALLBACK (runs_changed_cb), self);
    }
  runs_changed_cb (self);
}

void
debrief_capacity_card_set_runs (DebriefCapacityCard *self,
                                GListModel          *runs)
{
  g_return_if_fail (DEBRIEF_IS_CAPACITY_CARD (self));

  if (runs == NULL && self->workspace != NULL)
    runs = debrief_workspace_get_runs (self->workspace);
  if (runs == self->runs)
    return;
  if (self->runs)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_set_object (&self->runs, runs);
  if (runs != NULL)
    g_signal_connect_swapped (self->runs, "items-changed", G_CALLBACK (runs_changed_cb), self);
  runs_changed_cb (self);
}
