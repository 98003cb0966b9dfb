/* debrief-window-private.h: what the window's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * debrief-window.c          the object, its state (empty / loading / error / runs)
 *                           following the workspace, recent runs, drag and drop
 * debrief-window-actions.c  every win.* action: open, reload, close, export the
 *                           plot, save and add to the report, toasts
 * debrief-window-sweep.c    the runs table when more than one run is open, and
 *                           the plot following its selection and colours
 */
#pragma once

#include "debrief-plot.h"
#include "debrief-report-view.h"
#include "debrief-runs-table.h"
#include "debrief-window.h"

G_BEGIN_DECLS

struct _DebriefWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwHeaderBar *header_bar;
  GtkBox *header_end_box;
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *empty_page;
  AdwStatusPage *error_page;
  GtkButton *retry_button;
  GtkBox *recent_box;
  GtkListBox *recent_list;
  GtkSpinner *loading_spinner;
  GtkLabel *loading_label;
  GtkProgressBar *loading_progress;
  AdwViewStack *view_stack;
  GtkListBox *runs_list;
  AdwBin *plot_slot;
  AdwBin *table_slot;
  GtkWidget *runs_scroller;
  AdwBin *findings_slot;
  AdwBin *capacity_slot;
  AdwBin *samples_slot;
  AdwBin *report_slot;

  DebriefPlot *plot;
  DebriefRunsTable *runs_table;
  DebriefReportView *report_view;      /* built after the first frame, see ensure_report_view() */
  gboolean close_confirmed;            /* the user answered the unsaved-report question */
  GtkWindow *shortcuts_window;         /* built when first asked for (win.show-help-overlay) */
  /* Until the first frame is painted, folders given to open wait here (the
   * window shows "Reading run…" meanwhile): reading and analysing them, and
   * building their overview, come just after it. */
  gboolean painted;
  GPtrArray *pending_files;            /* GFile */

  DebriefWorkspace *workspace;
  GSettings *settings;

  /* debrief-window-live.c */
  GHashTable *live_seen;               /* folder URI -> what was told of a followed run */
  GPtrArray *retry_files;              /* GFile: folders whose connection failed */
};

/* debrief-window.c */
void _debrief_window_update_state       (DebriefWindow      *self);
void _debrief_window_ensure_report_view (DebriefWindow      *self);
/* A run's row above the plot (one run open). */
GtkWidget *_debrief_window_create_run_row (gpointer         item,
                                           gpointer         user_data);

/* debrief-window-sweep.c */
void _debrief_window_setup_runs_table   (DebriefWindow      *self);
/* Shows the table with more than one run open, the run rows with one. */
void _debrief_window_update_runs_table  (DebriefWindow      *self);

/* debrief-window-live.c: runs still being written, remote folders */
void _debrief_window_live_init          (DebriefWindow      *self);
void _debrief_window_live_clear         (DebriefWindow      *self);
void _debrief_window_watch_batch        (DebriefWindow      *self,
                                         DebriefLoadBatch   *batch);
void _debrief_window_class_add_live_actions (GtkWidgetClass *widget_class);

/* debrief-window-actions.c */
void _debrief_window_class_add_actions  (DebriefWindowClass *klass);
/* Asks about unsaved report edits first (window-close path). */
void _debrief_window_close_after_asking (DebriefWindow      *self);

G_END_DECLS
