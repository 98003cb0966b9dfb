/* debrief-report-view.h: analysis.md editor, live preview, recommendations
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Goes in the window's report_slot. Edits DIR/analysis.md of the current run
 * (the first of the runs model, or the one picked in its drop-down) in a
 * GtkSourceView with a native preview beside it, saves like GNOME Text Editor
 * (atomic, "~" backup, outside changes noticed, crash drafts) and offers the
 * analysis' findings for the report.
 *
 * Its actions are report.*; the window's win.save-report (Ctrl+S) and
 * win.add-to-report call into it. "settings" (construct-only) gives the
 * smoothing of the plot an export draws.
 */
#pragma once

#include <gtk/gtk.h>
#include <gtksourceview/gtksource.h>

#include "debrief-core.h"
#include "debrief-markdown-view.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_REPORT_VIEW (debrief_report_view_get_type ())
G_DECLARE_FINAL_TYPE (DebriefReportView, debrief_report_view, DEBRIEF, REPORT_VIEW, GtkWidget)

GtkWidget           *debrief_report_view_new                 (void);

/* The window's workspace; the report follows its first run, or the one
 * chosen when several are open. */
void                 debrief_report_view_set_workspace       (DebriefReportView   *self,
                                                              DebriefWorkspace    *workspace);
DebriefWorkspace    *debrief_report_view_get_workspace       (DebriefReportView   *self);
void                 debrief_report_view_set_run             (DebriefReportView   *self,
                                                              DebriefRun          *run);
DebriefRun          *debrief_report_view_get_run             (DebriefReportView   *self);

/* Unsaved edits in the editor. */
gboolean             debrief_report_view_get_modified        (DebriefReportView   *self);
/* TRUE while a file is being read (tests wait for it). */
gboolean             debrief_report_view_get_busy            (DebriefReportView   *self);
char                *debrief_report_view_dup_text            (DebriefReportView   *self);
GtkSourceBuffer     *debrief_report_view_get_buffer          (DebriefReportView   *self);
DebriefMarkdownView *debrief_report_view_get_preview         (DebriefReportView   *self);
DebriefDocument     *debrief_report_view_get_document        (DebriefReportView   *self);
/* A draft from an earlier session (unsaved edits, kept through a crash) is
 * on offer: report.restore-draft / report.discard-draft. */
gboolean             debrief_report_view_get_draft_offered   (DebriefReportView   *self);
/* The banner text shown for an outside change, or NULL when hidden. */
const char          *debrief_report_view_get_disk_message    (DebriefReportView   *self);

/* Inserts a markdown block at the cursor, as one undoable step. */
void                 debrief_report_view_insert_markdown     (DebriefReportView   *self,
                                                              const char          *markdown);
/* Rebuilds the generated parts from the run's analysis; the "## Notes"
 * section stays verbatim, and edits elsewhere are kept in a backup file
 * (and in Undo). FALSE with @error when there is no analysis yet. */
void                 debrief_report_view_regenerate_async    (DebriefReportView   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             debrief_report_view_regenerate_finish   (DebriefReportView   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

void                 debrief_report_view_save_async          (DebriefReportView   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             debrief_report_view_save_finish         (DebriefReportView   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* Asks (Save / Discard / Cancel) when there are unsaved edits. Result TRUE:
 * the window may close (saved, discarded, or nothing to ask about). */
void                 debrief_report_view_confirm_close_async (DebriefReportView   *self,
                                                              GtkWindow           *parent,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             debrief_report_view_confirm_close_finish (DebriefReportView  *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* Writes analysis.md (and the loss plot, loss.png, when it can be drawn)
 * into @folder. */
void                 debrief_report_view_export_async        (DebriefReportView   *self,
                                                              GFile               *folder,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             debrief_report_view_export_finish       (DebriefReportView   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS
