/* debrief-window-sweep.c: the runs table when more than one run is open
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run: its row above the plot, as before. Several: the runs table (with
 * the sweep's findings) above the plot instead, and the plot draws what the
 * table selects, coloured and grouped as the table says.
 */
#include "config.h"

#include "debrief-capacity-card.h"
#include "debrief-findings-view.h"
#include "debrief-window-private.h"

static void
plot_changed_cb (DebriefWindow    *self,
                 DebriefRunsTable *table)
{
  gboolean several = g_list_model_get_n_items (debrief_workspace_get_runs (self->workspace)) > 1;

  if (self->plot == NULL)
    return;
  if (!several)
    {
      debrief_plot_set_runs (self->plot, NULL);
      debrief_plot_set_sweep_style (self->plot, NULL, NULL, FALSE, DEBRIEF_PLOT_BAND_RANGE, FALSE);
      return;
    }
  debrief_plot_set_runs (self->plot, debrief_runs_table_get_plotted (table));
  debrief_plot_set_sweep_style (self->plot, debrief_runs_table_get_sweep (table), debrief_runs_table_get_color_by (table),
                                debrief_runs_table_get_groups (table), debrief_runs_table_get_band (table),
                                debrief_runs_table_get_include_outliers (table));
}

static void
toast_cb (DebriefWindow    *self,
          const char       *message,
          DebriefRunsTable *table)
{
  debrief_window_add_toast (self, message);
}

void
_debrief_window_setup_runs_table (DebriefWindow *self)
{
  self->runs_table = DEBRIEF_RUNS_TABLE (debrief_runs_table_new (self->workspace));
  debrief_runs_table_set_settings (self->runs_table, self->settings);
  adw_bin_set_child (self->table_slot, GTK_WIDGET (self->runs_table));
  debrief_plot_add_toolbar_group (self->plot, debrief_runs_table_get_plot_controls (self->runs_table));
  g_signal_connect_object (self->runs_table, "plot-changed", G_CALLBACK (plot_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->runs_table, "toast", G_CALLBACK (toast_cb), self, G_CONNECT_SWAPPED);
}

void
_debrief_window_update_runs_table (DebriefWindow *self)
{
  gboolean several = g_list_model_get_n_items (debrief_workspace_get_runs (self->workspace)) > 1;
  gboolean was = self->table_slot != NULL && gtk_widget_get_visible (GTK_WIDGET (self->table_slot));

  GtkWidget *findings = adw_bin_get_child (self->findings_slot);
  GtkWidget *capacity = adw_bin_get_child (self->capacity_slot);
  GListModel *focused;

  if (self->runs_table == NULL || several == was)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->table_slot), several);
  gtk_widget_set_visible (self->runs_scroller, !several);
  gtk_widget_set_visible (debrief_runs_table_get_plot_controls (self->runs_table), several);
  /* A row, a findings group and a capacity group per run are fine for a few
   * runs and a wall (and thousands of widgets) for a sweep: with several runs
   * the table lists them, and the side pane shows the runs it points at. */
  focused = several ? debrief_runs_table_get_focused (self->runs_table) : NULL;
  gtk_list_box_bind_model (self->runs_list, several ? NULL : debrief_workspace_get_runs (self->workspace),
                           several ? NULL : _debrief_window_create_run_row, self, NULL);
  if (DEBRIEF_IS_FINDINGS_VIEW (findings))
    debrief_findings_view_set_runs (DEBRIEF_FINDINGS_VIEW (findings), focused);
  if (DEBRIEF_IS_CAPACITY_CARD (capacity))
    debrief_capacity_card_set_runs (DEBRIEF_CAPACITY_CARD (capacity), focused);
  plot_changed_cb (self, self->runs_table);
}
