/* debrief-report-view-private.h: what the report view's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * debrief-report-view.c                  the object, the preview, the runs it follows, insert and copy
 * debrief-report-view-document.c         analysis.md: open, drafts, save, reload, outside changes, asking on close
 * debrief-report-view-generate.c         the report generated from the analysis, regenerated keeping the Notes
 * debrief-report-view-export.c           the report, its images and the loss plot written to a folder
 * debrief-report-view-search.c           find in the editor
 * debrief-report-view-recommendations.c  the findings and their fixes beside the editor
 */
#pragma once

#include <adwaita.h>

#include "debrief-report-view.h"

G_BEGIN_DECLS

/* The loss plot exported beside the report (linked from it when present). */
#define PLOT_FILENAME "loss.png"

struct _DebriefReportView
{
  GtkWidget parent_instance;

  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkRevealer *disk_revealer;
  GtkLabel *disk_label;
  GtkRevealer *draft_revealer;
  GtkRevealer *message_revealer;
  GtkLabel *message_label;
  GtkDropDown *run_dropdown;
  GtkLabel *status_label;
  GtkPaned *outer_paned;
  GtkPaned *editor_paned;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkLabel *search_label;
  GtkToggleButton *search_button;
  GtkSourceView *source_view;
  GtkScrolledWindow *editor_scroller;
  GtkScrolledWindow *preview_scroller;
  DebriefMarkdownView *preview;
  GtkWidget *recommendations_box;
  GtkListBox *recommendations_list;
  GtkToggleButton *recommendations_button;

  GtkSourceBuffer *buffer;
  GtkSourceSearchContext *search_context;

  DebriefWorkspace *workspace;
  GListModel *runs;              /* the workspace's */
  GSettings *settings;           /* smoothing of the exported plot; NULL: the defaults */
  DebriefRun *run;
  DebriefDocument *document;
  GCancellable *cancellable;     /* the current document's reads; cancelled on switch */
  char *draft_text;              /* a recovered draft on offer */
  char *disk_message;

  guint render_source;
  guint draft_source;
  guint message_source;
  guint64 change_serial;         /* bumped on every edit: a save only clears "modified" for what it wrote */
  guint n_busy;

  GPtrArray *pending_inserts;    /* markdown added before the text was there to add it to */

  guint loading : 1;             /* the document is being read */
  guint load_failed : 1;         /* the file exists but could not be read: never save over it */
  guint awaiting_analysis : 1;   /* no analysis.md: generate one when the analysis arrives */
  guint unsaved_generated : 1;   /* showing a generated report that is not on disk yet */
  guint syncing_dropdown : 1;    /* the drop-down follows the model, not the user */
  guint pane_positioned : 1;
};

/* debrief-report-view.c */
void             _debrief_report_view_show_note               (DebriefReportView *self,
                                                               const char        *text,
                                                               gboolean           sticky);
void             _debrief_report_view_show_message            (DebriefReportView *self,
                                                               const char        *text);
void             _debrief_report_view_show_error              (DebriefReportView *self,
                                                               const GError      *error);
void             _debrief_report_view_set_busy                (DebriefReportView *self,
                                                               gboolean           busy);
void             _debrief_report_view_replace_text            (DebriefReportView *self,
                                                               const char        *text,
                                                               gboolean           undoable);
void             _debrief_report_view_update_status           (DebriefReportView *self);
void             _debrief_report_view_update_actions          (DebriefReportView *self);
void             _debrief_report_view_render_now              (DebriefReportView *self);
DebriefAnalysis *_debrief_report_view_current_analysis        (DebriefReportView *self);
void             _debrief_report_view_insert_pending          (DebriefReportView *self);

/* debrief-report-view-document.c */
void             _debrief_report_view_open_file               (DebriefReportView *self,
                                                               GFile             *file,
                                                               GFile             *folder);
void             _debrief_report_view_close_document          (DebriefReportView *self);
/* After an edit: a draft is written a few seconds later. */
void             _debrief_report_view_schedule_draft          (DebriefReportView *self);
void             _debrief_report_view_class_init_document     (GtkWidgetClass    *widget_class);

/* debrief-report-view-generate.c */
void             _debrief_report_view_write_generated_report  (DebriefReportView *self);
void             _debrief_report_view_class_init_generate     (GtkWidgetClass    *widget_class);

/* debrief-report-view-export.c */
void             _debrief_report_view_class_init_export       (GtkWidgetClass    *widget_class);

/* debrief-report-view-search.c */
void             _debrief_report_view_init_search             (DebriefReportView *self);
void             _debrief_report_view_class_init_search       (GtkWidgetClass    *widget_class);

/* debrief-report-view-recommendations.c */
void             _debrief_report_view_populate_recommendations (DebriefReportView *self);

G_END_DECLS
