/* debrief-report-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view.h"

/* Typing stays smooth: the preview re-renders this long after the last key. */
#define RENDER_DELAY_MS 150
/* A crash loses at most this many seconds of typing. */
#define DRAFT_DELAY_S 3
/* Below this the view is still being laid out (or squeezed): panes are
 * placed once it is at least this wide. */
#define MIN_WIDTH_FOR_LAYOUT 700
/* The loss plot exported beside the report (linked from it when present). */
#define PLOT_FILENAME "loss.png"
/* How long "Saved" and similar notes stay up. */
#define MESSAGE_TIMEOUT_S 6

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

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_SETTINGS,
  PROP_RUN,
  PROP_MODIFIED,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefReportView, debrief_report_view, GTK_TYPE_WIDGET)

static void update_actions (DebriefReportView *self);
static void open_current (DebriefReportView *self);

/* ---------------------------------------------------------------- helpers */

static void
show_message (DebriefReportView *self,
              const char        *text);

static gboolean
hide_message_timeout (gpointer user_data)
{
  DebriefReportView *self = user_data;

  self->message_source = 0;
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* A note over the editor; @sticky ones (errors) stay until dismissed. */
static void
show_note (DebriefReportView *self,
           const char        *text,
           gboolean           sticky)
{
  gtk_label_set_text (self->message_label, text);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
  g_clear_handle_id (&self->message_source, g_source_remove);
  if (!sticky)
    self->message_source = g_timeout_add_seconds (MESSAGE_TIMEOUT_S, hide_message_timeout, self);
}

static void
show_message (DebriefReportView *self,
              const char        *text)
{
  show_note (self, text, FALSE);
}

static void
show_error (DebriefReportView *self,
            const GError      *error)
{
  show_note (self, error->message, TRUE);
}

static void
set_busy (DebriefReportView *self,
          gboolean           busy)
{
  gboolean was = self->n_busy > 0;

  if (busy)
    self->n_busy++;
  else if (self->n_busy > 0)
    self->n_busy--;
  if (was != (self->n_busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

char *
debrief_report_view_dup_text (DebriefReportView *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

/* Replaces the whole text. @undoable: as one user action (a reload or a
 * regeneration can be undone, so no words are lost); otherwise as the
 * document's starting point (opening a file). */
static void
replace_text (DebriefReportView *self,
              const char        *text,
              gboolean           undoable)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;

  if (undoable)
    {
      gtk_text_buffer_begin_user_action (buffer);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_delete (buffer, &start, &end);
      gtk_text_buffer_insert (buffer, &start, text, -1);
      gtk_text_buffer_end_user_action (buffer);
    }
  else
    {
      gtk_text_buffer_begin_irreversible_action (buffer);
      gtk_text_buffer_set_text (buffer, text, -1);
      gtk_text_buffer_end_irreversible_action (buffer);
    }
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

static void
update_status (DebriefReportView *self)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->document == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }
  name = g_file_get_basename (debrief_document_get_file (self->document));
  if (self->load_failed)
    text = g_strdup_printf (_("%s — could not be read"), name);
  else if (gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer)))
    text = g_strdup_printf (_("• %s — unsaved edits"), name);
  else if (self->unsaved_generated)
    text = g_strdup_printf (_("%s — generated, not saved yet"), name);
  else if (self->awaiting_analysis)
    text = g_strdup_printf (_("%s — waiting for the analysis"), name);
  else
    text = g_strdup (name);
  gtk_label_set_text (self->status_label, text);
}

gboolean
debrief_report_view_get_modified (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);
  return self->document != NULL && gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer));
}

gboolean
debrief_report_view_get_busy (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);
  return self->n_busy > 0;
}

GtkSourceBuffer *
debrief_report_view_get_buffer (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->buffer;
}

DebriefMarkdownView *
debrief_report_view_get_preview (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->preview;
}

DebriefDocument *
debrief_report_view_get_document (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->document;
}

gboolean
debrief_report_view_get_draft_offered (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);
  return self->draft_text != NULL;
}

const char *
debrief_report_view_get_disk_message (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return gtk_revealer_get_reveal_child (self->disk_revealer) ? self->disk_message : NULL;
}

/* ---------------------------------------------------------------- preview */

/* The editor's top visible line, 1-based and fractional (cmark counts from 1). */
static double
editor_top_line (DebriefReportView *self)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->editor_scroller);
  GtkTextIter iter;
  int line_top = 0, height = 0;
  double y = gtk_adjustment_get_value (vadj);

  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (self->source_view), &iter, (int) y, &line_top);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self->source_view), &iter, &line_top, &height);
  return gtk_text_iter_get_line (&iter) + 1 + (height > 0 ? CLAMP ((y - line_top) / height, 0.0, 1.0) : 0.0);
}

static void
sync_preview_scroll (DebriefReportView *self)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->editor_scroller);

  /* At the very end, show the preview's end too (its blocks can be taller). */
  if (gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj) >= gtk_adjustment_get_upper (vadj) - 1
      && gtk_adjustment_get_value (vadj) > 0)
    {
      GtkAdjustment *pvadj = gtk_scrolled_window_get_vadjustment (self->preview_scroller);
      gtk_adjustment_set_value (pvadj, gtk_adjustment_get_upper (pvadj));
      return;
    }
  debrief_markdown_view_scroll_to_source_line (self->preview, editor_top_line (self));
}

static void
on_editor_scrolled (GtkAdjustment     *vadj,
                    DebriefReportView *self)
{
  sync_preview_scroll (self);
}

static void
render_now (DebriefReportView *self)
{
  g_autofree char *text = debrief_report_view_dup_text (self);

  g_clear_handle_id (&self->render_source, g_source_remove);
  debrief_markdown_view_set_markdown (self->preview, text);
  sync_preview_scroll (self);
}

static gboolean
render_timeout (gpointer user_data)
{
  DebriefReportView *self = user_data;

  self->render_source = 0;
  render_now (self);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ draft */

static void
draft_saved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!debrief_document_save_draft_finish (DEBRIEF_DOCUMENT (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep a draft of the report: %s", error->message);
}

static gboolean
draft_timeout (gpointer user_data)
{
  DebriefReportView *self = user_data;
  g_autofree char *text = NULL;

  self->draft_source = 0;
  if (self->document == NULL || !debrief_report_view_get_modified (self))
    return G_SOURCE_REMOVE;
  text = debrief_report_view_dup_text (self);
  debrief_document_save_draft_async (self->document, text, self->cancellable, draft_saved, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed (GtkTextBuffer     *buffer,
                   DebriefReportView *self)
{
  self->change_serial++;
  g_clear_handle_id (&self->render_source, g_source_remove);
  self->render_source = g_timeout_add (RENDER_DELAY_MS, render_timeout, self);
  if (self->document != NULL && gtk_text_buffer_get_modified (buffer) && self->draft_source == 0)
    self->draft_source = g_timeout_add_seconds (DRAFT_DELAY_S, draft_timeout, self);
}

static void
on_modified_changed (GtkTextBuffer     *buffer,
                     DebriefReportView *self)
{
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
restore_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);
  g_autofree char *draft = g_steal_pointer (&self->draft_text);

  gtk_revealer_set_reveal_child (self->draft_revealer, FALSE);
  if (draft == NULL)
    return;
  /* Undo goes back to the file's version. */
  replace_text (self, draft, TRUE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), TRUE);
  update_actions (self);
}

static void
discard_draft_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  gtk_revealer_set_reveal_child (self->draft_revealer, FALSE);
  g_clear_pointer (&self->draft_text, g_free);
  if (self->document != NULL)
    debrief_document_discard_draft (self->document);
  update_actions (self);
}

/* ------------------------------------------------------------- documents */

static void
draft_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DebriefReportView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *text = NULL;

  draft = debrief_document_load_draft_finish (DEBRIEF_DOCUMENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || DEBRIEF_DOCUMENT (object) != self->document)
    return;
  if (error != NULL)
    {
      g_warning ("Could not read the report's draft: %s", error->message);
      return;
    }
  if (draft == NULL)
    return;
  text = debrief_report_view_dup_text (self);
  if (g_str_equal (draft, text))
    {
      /* The draft says what the file says: nothing to offer. */
      debrief_document_discard_draft (self->document);
      return;
    }
  g_free (self->draft_text);
  self->draft_text = g_steal_pointer (&draft);
  gtk_revealer_set_reveal_child (self->draft_revealer, TRUE);
  update_actions (self);
}

static void write_generated_report (DebriefReportView *self);
static void insert_pending (DebriefReportView *self);

static void
document_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DebriefReportView) self = user_data;
  DebriefDocument *document = DEBRIEF_DOCUMENT (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = debrief_document_load_finish (document, result, &error);
  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || document != self->document)
    return;

  self->loading = FALSE;
  self->load_failed = FALSE;
  self->awaiting_analysis = FALSE;
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      /* No report yet: write one from the analysis (now, or when it comes). */
      replace_text (self, "", FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      self->awaiting_analysis = TRUE;
      write_generated_report (self);
    }
  else if (error != NULL)
    {
      /* Unreadable (not UTF-8, too large, a folder): show why, and never
       * offer to save over it. */
      self->load_failed = TRUE;
      replace_text (self, "", FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      show_error (self, error);
    }
  else
    {
      replace_text (self, text, FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
    }
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->source_view), !self->load_failed);
  render_now (self);
  update_status (self);
  update_actions (self);

  if (!self->load_failed)
    debrief_document_load_draft_async (document, self->cancellable, draft_loaded, g_object_ref (self));
  insert_pending (self);
}

static void
set_disk_banner (DebriefReportView *self,
                 const char        *message)
{
  g_free (self->disk_message);
  self->disk_message = g_strdup (message);
  if (message != NULL)
    gtk_label_set_text (self->disk_label, message);
  gtk_revealer_set_reveal_child (self->disk_revealer, message != NULL);
  update_actions (self);
}

static void
on_changed_on_disk (DebriefDocument   *document,
                    GParamSpec        *pspec,
                    DebriefReportView *self)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!debrief_document_get_changed_on_disk (document))
    return;
  name = g_file_get_basename (debrief_document_get_file (document));
  if (debrief_report_view_get_modified (self))
    message = g_strdup_printf (_("%s was changed by another program, and you have unsaved edits here."), name);
  else
    message = g_strdup_printf (_("%s was changed by another program."), name);
  set_disk_banner (self, message);
}

static void keep_draft_of_unsaved (DebriefReportView *self);

static void
close_document (DebriefReportView *self)
{
  /* Edits typed since the last draft are not lost when the report closes
   * without an answer (window destroyed, run closed, run switched). */
  keep_draft_of_unsaved (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->draft_source, g_source_remove);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  g_clear_pointer (&self->draft_text, g_free);
  gtk_revealer_set_reveal_child (self->draft_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  set_disk_banner (self, NULL);
  self->loading = FALSE;
  self->load_failed = FALSE;
  self->awaiting_analysis = FALSE;
  self->unsaved_generated = FALSE;
  g_ptr_array_set_size (self->pending_inserts, 0);
}

static void
open_file (DebriefReportView *self,
           GFile             *file,
           GFile             *folder)
{
  close_document (self);
  self->cancellable = g_cancellable_new ();
  self->document = debrief_document_new (file);
  g_signal_connect (self->document, "notify::changed-on-disk", G_CALLBACK (on_changed_on_disk), self);
  debrief_markdown_view_set_base_folder (self->preview, folder);
  gtk_stack_set_visible_child_name (self->stack, "editor");
  set_busy (self, TRUE);
  self->loading = TRUE;
  debrief_document_load_async (self->document, self->cancellable, document_loaded, g_object_ref (self));
  update_status (self);
  update_actions (self);
}

/* ---------------------------------------------------------------- saving */

typedef struct
{
  guint64 serial;
} SaveData;

static void
document_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DebriefReportView *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!debrief_document_save_finish (DEBRIEF_DOCUMENT (object), result, &error))
    {
      if (DEBRIEF_DOCUMENT (object) == self->document)
        {
          if (g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT))
            {
              g_autofree char *message = g_strdup_printf (_("Not saved: %s. Reload it, or keep yours and save again."),
                                                          error->message);
              set_disk_banner (self, message);
            }
          else
            show_error (self, error);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (DEBRIEF_DOCUMENT (object) == self->document)
    {
      /* Typing during the save keeps the buffer modified. */
      if (data->serial == self->change_serial)
        gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      g_clear_handle_id (&self->draft_source, g_source_remove);
      self->unsaved_generated = FALSE;
      set_disk_banner (self, NULL);
      update_status (self);
    }
  g_task_return_boolean (task, TRUE);
}

void
debrief_report_view_save_async (DebriefReportView   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *text = NULL;
  SaveData *data;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_report_view_save_async);
  if (self->document == NULL)
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO,
                               _("No report is open"));
      return;
    }
  if (self->load_failed)
    {
      g_autofree char *name = g_file_get_parse_name (debrief_document_get_file (self->document));
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                               _("%s could not be read, so it is not overwritten"), name);
      return;
    }
  data = g_new0 (SaveData, 1);
  data->serial = self->change_serial;
  g_task_set_task_data (task, data, g_free);
  text = debrief_report_view_dup_text (self);
  set_busy (self, TRUE);
  debrief_document_save_async (self->document, text, DEBRIEF_DOCUMENT_SAVE_NONE, cancellable,
                               document_saved, g_steal_pointer (&task));
}

gboolean
debrief_report_view_save_finish (DebriefReportView  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
save_action_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);
  g_autoptr(GError) error = NULL;

  /* Failures are already on show (banner or note). */
  if (debrief_report_view_save_finish (self, result, &error))
    show_message (self, _("Saved"));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  debrief_report_view_save_async (DEBRIEF_REPORT_VIEW (widget), NULL, save_action_done, NULL);
}

static void
reloaded (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DebriefReportView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = debrief_document_load_finish (DEBRIEF_DOCUMENT (object), result, &error);
  set_busy (self, FALSE);
  if (DEBRIEF_DOCUMENT (object) != self->document || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      show_error (self, error);
      return;
    }
  /* One undoable step: Ctrl+Z brings back what was in the editor. */
  replace_text (self, text, TRUE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  set_disk_banner (self, NULL);
  render_now (self);
  show_message (self, _("Reloaded from disk. Undo brings back the previous text."));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  if (self->document == NULL)
    return;
  set_busy (self, TRUE);
  debrief_document_load_async (self->document, self->cancellable, reloaded, g_object_ref (self));
}

static void
keep_mine_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  if (self->document == NULL)
    return;
  debrief_document_keep_mine (self->document);
  /* The disk differs from the editor now: that is an unsaved change. */
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), TRUE);
  set_disk_banner (self, NULL);
}

static void
dismiss_message_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  g_clear_handle_id (&self->message_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
}

/* ---------------------------------------------------------- confirm close */

static void
confirm_saved (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* A failed save keeps the window open (the reason is on show). */
  g_task_return_boolean (task, debrief_report_view_save_finish (DEBRIEF_REPORT_VIEW (object), result, &error));
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   GTask            *task)
{
  DebriefReportView *self = g_task_get_source_object (task);

  /* One answer only: closing the dialog afterwards emits "cancel" again. */
  g_signal_handlers_disconnect_by_func (dialog, on_close_response, task);
  if (g_str_equal (response, "save"))
    debrief_report_view_save_async (self, NULL, confirm_saved, g_object_ref (task));
  else if (g_str_equal (response, "discard"))
    {
      if (self->document != NULL)
        debrief_document_discard_draft (self->document);
      g_clear_handle_id (&self->draft_source, g_source_remove);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_boolean (task, FALSE);
  g_object_unref (task);
}

void
debrief_report_view_confirm_close_async (DebriefReportView   *self,
                                         GtkWindow           *parent,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_report_view_confirm_close_async);
  if (!debrief_report_view_get_modified (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  name = g_file_get_basename (debrief_document_get_file (self->document));
  dialog = adw_message_dialog_new (parent, _("Save Report?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s has unsaved edits. If you close without saving, they are lost."),
                                  name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_close_response), g_steal_pointer (&task));
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
debrief_report_view_confirm_close_finish (DebriefReportView  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------ generation */

static DebriefAnalysis *
current_analysis (DebriefReportView *self)
{
  return self->run != NULL ? debrief_run_get_analysis (self->run) : NULL;
}

static gboolean
generate_markdown (DebriefReportView  *self,
                   char              **markdown,
                   GError            **error)
{
  DebriefAnalysis *analysis = current_analysis (self);
  DebriefReportExtras extras = { 0 };
  g_autoptr(GFile) plot = NULL;
  g_autofree char *samples_md = NULL;
  g_autofree char *judge_md = NULL;

  *markdown = NULL;
  if (analysis == NULL)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO,
                   _("The run has not been analysed yet"));
      return FALSE;
    }
  /* A plot exported beside the report is linked (and shown in the preview). */
  plot = g_file_get_child (debrief_run_get_folder (self->run), PLOT_FILENAME);
  if (g_file_query_exists (plot, NULL))
    extras.plot_image = PLOT_FILENAME;
  /* The samples and judge results beside the run (small JSONL files). */
  debrief_judge_report_blocks (debrief_run_get_folder (self->run), &samples_md, &judge_md);
  extras.samples_markdown = samples_md;
  extras.judge_markdown = judge_md;
  *markdown = debrief_report_generate (self->run, analysis, &extras);
  return TRUE;
}

/* No analysis.md yet: show one generated from the analysis (now, or when it
 * comes). It is not written until the user saves: opening a run in the app
 * does not change its folder, and closing without saving loses nothing the
 * user wrote (the text can be generated again), so it is not "modified". */
static void
write_generated_report (DebriefReportView *self)
{
  g_autofree char *markdown = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->awaiting_analysis || self->run == NULL || debrief_run_get_analysis (self->run) == NULL)
    return;
  if (!generate_markdown (self, &markdown, &error))
    {
      show_error (self, error);
      return;
    }
  self->awaiting_analysis = FALSE;
  self->unsaved_generated = TRUE;
  replace_text (self, markdown, FALSE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  render_now (self);
  update_status (self);
  insert_pending (self);
}

static void
edited_copy_written (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DebriefReportView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *path = g_file_get_parse_name (G_FILE (object));
      message = g_strdup_printf (_("Could not keep a copy of your edited report in %s: %s. "
                                   "Undo (Ctrl+Z) still brings it back."), path, error->message);
      show_note (self, message, TRUE);
      return;
    }
  name = g_file_get_basename (G_FILE (object));
  message = g_strdup_printf (_("You had edited the generated part of the report: that version is kept "
                               "in %s (and Undo brings it back). Your Notes are unchanged."), name);
  show_note (self, message, TRUE);
}

/* The report as it was, before a regeneration replaced hand edits outside
 * Notes: written beside it under the name debrief_report_write() uses. */
static void
keep_edited_copy (DebriefReportView *self,
                  const char        *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("analysis-edited-%s.md", stamp);
  g_autoptr(GFile) copy = g_file_get_child (debrief_run_get_folder (self->run), name);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  g_file_replace_contents_bytes_async (copy, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                       edited_copy_written, g_object_ref (self));
}

gboolean
debrief_report_view_regenerate (DebriefReportView  *self,
                                GError            **error)
{
  g_autofree char *generated = NULL;
  g_autofree char *current = NULL;
  g_autofree char *merged = NULL;
  gboolean edited = FALSE;

  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);

  if (self->document == NULL || self->load_failed)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO, _("No report is open"));
      return FALSE;
    }
  if (!generate_markdown (self, &generated, error))
    return FALSE;
  current = debrief_report_view_dup_text (self);
  /* An empty editor has nothing of the user's to keep. */
  merged = debrief_report_merge (generated, *current != '\0' ? current : NULL, &edited);
  if (edited && *current != '\0')
    keep_edited_copy (self, current);
  if (g_strcmp0 (merged, current) != 0)
    {
      /* One undoable step: Ctrl+Z brings back the text as it was. */
      replace_text (self, merged, TRUE);
      render_now (self);
    }
  return TRUE;
}

static void
regenerate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!debrief_report_view_regenerate (self, &error))
    show_error (self, error);
}

/* ------------------------------------------------------- insert, copy, search */

void
debrief_report_view_insert_markdown (DebriefReportView *self,
                                     const char        *markdown)
{
  GtkTextBuffer *buffer;
  GtkTextIter iter;
  g_autoptr(GString) block = NULL;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (markdown != NULL);

  if (self->document == NULL || self->load_failed)
    return;
  /* A finding added while the report is still being read (or generated):
   * it goes in once the text is there, not into text about to be replaced. */
  if (self->loading || self->awaiting_analysis)
    {
      g_ptr_array_add (self->pending_inserts, g_strdup (markdown));
      return;
    }
  buffer = GTK_TEXT_BUFFER (self->buffer);
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));

  /* A block of its own, after the line the cursor is in (never splitting a
   * line), with one blank line around it. */
  block = g_string_new (NULL);
  if (!gtk_text_iter_starts_line (&iter))
    {
      if (!gtk_text_iter_ends_line (&iter))
        gtk_text_iter_forward_to_line_end (&iter);
      g_string_append (block, "\n\n");
    }
  else if (gtk_text_iter_get_line (&iter) > 0)
    {
      GtkTextIter prev = iter;
      gtk_text_iter_backward_line (&prev);
      if (!gtk_text_iter_ends_line (&prev))
        g_string_append_c (block, '\n');
    }
  g_string_append (block, markdown);
  while (block->len > 0 && block->str[block->len - 1] == '\n')
    g_string_truncate (block, block->len - 1);
  if (gtk_text_iter_starts_line (&iter))
    {
      /* Before the cursor's line: end the block, then a blank line unless
       * the line is blank already. */
      g_string_append_c (block, '\n');
      if (!gtk_text_iter_ends_line (&iter))
        g_string_append_c (block, '\n');
    }
  else
    {
      /* After the cursor's line: its newline follows the block; one more
       * unless a blank line follows already. */
      GtkTextIter next = iter;

      if (gtk_text_iter_is_end (&iter)
          || !gtk_text_iter_forward_char (&next) || !gtk_text_iter_ends_line (&next))
        g_string_append_c (block, '\n');
    }

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &iter, block->str, block->len);
  gtk_text_buffer_end_user_action (buffer);
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (self->source_view), gtk_text_buffer_get_insert (buffer));
  render_now (self);
}

static void
insert_pending (DebriefReportView *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_inserts);

  self->pending_inserts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; pending != NULL && i < pending->len; i++)
    debrief_report_view_insert_markdown (self, g_ptr_array_index (pending, i));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);
  g_autofree char *text = debrief_report_view_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  show_message (self, _("Report copied as Markdown"));
}

static void
update_search_label (DebriefReportView *self)
{
  int count = gtk_source_search_context_get_occurrences_count (self->search_context);
  g_autofree char *text = NULL;

  if (count > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d match", "%d matches", count), count);
  else if (count == 0 && gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    text = g_strdup (_("No match"));
  gtk_label_set_text (self->search_label, text ? text : "");
}

static void
on_search_changed (GtkSearchEntry    *entry,
                   DebriefReportView *self)
{
  GtkSourceSearchSettings *settings = gtk_source_search_context_get_settings (self->search_context);

  gtk_source_search_settings_set_search_text (settings, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
search_move (DebriefReportView *self,
             gboolean           forward)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end, match_start, match_end;
  gboolean wrapped;
  gboolean found;

  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  if (forward)
    found = gtk_source_search_context_forward (self->search_context, &end, &match_start, &match_end, &wrapped);
  else
    found = gtk_source_search_context_backward (self->search_context, &start, &match_start, &match_end, &wrapped);
  if (!found)
    return;
  gtk_text_buffer_select_range (buffer, &match_start, &match_end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->source_view), &match_start, 0.1, FALSE, 0, 0);
}

static void
on_search_next (GtkWidget         *widget,
                DebriefReportView *self)
{
  search_move (self, TRUE);
}

static void
on_search_previous (GtkWidget         *widget,
                    DebriefReportView *self)
{
  search_move (self, FALSE);
}

static void
on_search_next_clicked (GtkButton         *button,
                        DebriefReportView *self)
{
  search_move (self, TRUE);
}

static void
on_search_previous_clicked (GtkButton         *button,
                            DebriefReportView *self)
{
  search_move (self, FALSE);
}

static void
on_search_stop (GtkSearchEntry    *entry,
                DebriefReportView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;

  /* Like gedit: a short selection becomes the search text. */
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end)
      && gtk_text_iter_get_line (&start) == gtk_text_iter_get_line (&end))
    {
      g_autofree char *selected = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), selected);
    }
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ----------------------------------------------------------------- export */

typedef struct
{
  GFile *folder;
  char *text;
  GPtrArray *images;   /* GFile pairs: source, destination */
  DebriefRun *run;     /* for the plot; its series do not change once loaded */
  DebriefAnalysis *analysis;   /* the run's, for the plot's marks; may be NULL */
  DebriefPlotImageOptions plot;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->folder);
  g_clear_object (&data->run);
  g_clear_object (&data->analysis);
  g_free (data->text);
  g_ptr_array_unref (data->images);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(GFile) target = g_file_get_child (data->folder, "analysis.md");
  g_autoptr(DebriefDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_make_directory_with_parents (data->folder, cancellable, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  /* Images the report shows, next to it under the same relative names. */
  for (guint i = 0; i + 1 < data->images->len; i += 2)
    {
      GFile *source = g_ptr_array_index (data->images, i);
      GFile *destination = g_ptr_array_index (data->images, i + 1);
      g_autoptr(GFile) parent = g_file_get_parent (destination);

      if (g_file_equal (source, destination))
        continue;
      if (!g_file_make_directory_with_parents (parent, cancellable, &error)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_clear_error (&error);
      if (!g_file_copy (source, destination, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  /* The loss plot, drawn fresh, as the report's PNG. */
  if (data->run != NULL && (debrief_run_get_train_loss (data->run) != NULL
                            || debrief_run_get_val_loss (data->run) != NULL))
    {
      g_autoptr(GFile) png = g_file_get_child (data->folder, PLOT_FILENAME);
      g_autofree char *png_path = g_file_get_path (png);
      g_autoptr(GPtrArray) runs = g_ptr_array_new ();
      g_autoptr(GPtrArray) analyses = g_ptr_array_new ();

      /* Drawn as `debrief-cli plot` draws it, marks of the analysis included. */
      g_ptr_array_add (runs, data->run);
      g_ptr_array_add (analyses, data->analysis);
      if (png_path == NULL || !debrief_plot_write_runs (runs, analyses, &data->plot, png_path, &error))
        {
          if (error == NULL)
            g_set_error (&error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: not a local folder"), png_path);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* Linked from the exported copy if the report does not show it yet. */
      if (strstr (data->text, "](" PLOT_FILENAME ")") == NULL)
        {
          const char *title_end = g_str_has_prefix (data->text, "# ") ? strchr (data->text, '\n') : NULL;
          g_autofree char *link = g_strdup_printf ("![%s](%s)\n\n", _("Loss curves"), PLOT_FILENAME);
          char *with_plot = title_end != NULL
                            ? g_strdup_printf ("%.*s\n%s%s", (int) (title_end - data->text + 1), data->text,
                                               link, title_end + 1)
                            : g_strconcat (link, data->text, NULL);
          g_free (data->text);
          data->text = with_plot;
        }
    }

  /* The markdown last, atomically, keeping any file it replaces as "~". */
  if (!g_file_replace_contents (target, data->text, strlen (data->text), NULL, TRUE,
                                G_FILE_CREATE_NONE, NULL, cancellable, &error))
    {
      g_autofree char *name = g_file_get_parse_name (target);
      g_prefix_error (&error, "%s: ", name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
debrief_report_view_export_async (DebriefReportView   *self,
                                  GFile               *folder,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const DebriefMarkdownLayout *layout;
  GFile *base;
  ExportData *data;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (G_IS_FILE (folder));

  render_now (self);
  data = g_new0 (ExportData, 1);
  data->folder = g_object_ref (folder);
  data->text = debrief_report_view_dup_text (self);
  data->images = g_ptr_array_new_with_free_func (g_object_unref);
  data->run = self->run != NULL ? g_object_ref (self->run) : NULL;
  if (self->run != NULL && debrief_run_get_analysis (self->run) != NULL)
    data->analysis = g_object_ref (debrief_run_get_analysis (self->run));
  debrief_plot_image_options_init (&data->plot);
  if (self->settings != NULL)
    {
      /* The plot as the window shows it. */
      g_autofree char *method = g_settings_get_string (self->settings, "smoothing-method");

      data->plot.smoothing = CLAMP (g_settings_get_double (self->settings, "smoothing"), 0.0, DEBRIEF_PLOT_SMOOTH_MAX);
      data->plot.smooth_method = g_strcmp0 (method, "median") == 0 ? DEBRIEF_PLOT_SMOOTH_MEDIAN
                                                                   : DEBRIEF_PLOT_SMOOTH_EMA;
    }

  layout = debrief_markdown_view_get_layout (self->preview);
  base = debrief_markdown_view_get_base_folder (self->preview);
  for (guint i = 0; layout != NULL && base != NULL && i < layout->anchors->len; i++)
    {
      GObject *anchor = g_ptr_array_index (layout->anchors, i);
      const char *url = g_object_get_data (anchor, DEBRIEF_MARKDOWN_ANCHOR_IMAGE);
      g_autoptr(GFile) source = NULL;
      g_autofree char *relative = NULL;

      if (url == NULL)
        continue;
      source = debrief_markdown_view_resolve_local (self->preview, url, NULL);
      if (source == NULL)
        continue;
      relative = g_file_get_relative_path (base, source);
      if (relative == NULL)
        {
          /* The base folder itself may be reached through a symlink. */
          g_autofree char *base_path = g_file_get_path (base);
          g_autofree char *real_base = base_path ? realpath (base_path, NULL) : NULL;
          g_autoptr(GFile) real_base_file = real_base ? g_file_new_for_path (real_base) : NULL;

          if (real_base_file != NULL)
            relative = g_file_get_relative_path (real_base_file, source);
        }
      if (relative == NULL)
        continue;
      g_ptr_array_add (data->images, g_object_ref (source));
      g_ptr_array_add (data->images, g_file_resolve_relative_path (folder, relative));
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_report_view_export_async);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
debrief_report_view_export_finish (DebriefReportView  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exported (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);
  g_autoptr(GError) error = NULL;

  if (!debrief_report_view_export_finish (self, result, &error))
    show_error (self, error);
  else
    show_message (self, _("Report exported"));
}

static void
on_export_folder_chosen (GtkNativeDialog   *chooser,
                         int                response,
                         DebriefReportView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (folder != NULL)
        debrief_report_view_export_async (self, folder, NULL, exported, NULL);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  /* GtkFileDialog is GTK 4.10; the native chooser works through the portal. */
  chooser = gtk_file_chooser_native_new (_("Export Report To"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Export"), _("_Cancel"));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_folder_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --------------------------------------------------------- recommendations */

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

  icon = gtk_image_new_from_icon_name (severity == DEBRIEF_SEVERITY_ERROR ? "dialog-error-symbolic"
                                       : severity == DEBRIEF_SEVERITY_WARNING ? "dialog-warning-symbolic"
                                       : "dialog-information-symbolic");
  gtk_widget_add_css_class (icon, severity == DEBRIEF_SEVERITY_ERROR ? "error"
                            : severity == DEBRIEF_SEVERITY_WARNING ? "warning" : "accent");
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
static void
populate_recommendations (DebriefReportView *self)
{
  DebriefAnalysis *analysis = current_analysis (self);
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

/* ------------------------------------------------------------------- runs */

static void
on_analysis_changed (DebriefRun        *run,
                     GParamSpec        *pspec,
                     DebriefReportView *self)
{
  populate_recommendations (self);
  /* A generated report nobody has touched or saved follows the analysis
   * (re-analysed after the run grew, or with a filled-in configuration). */
  if (self->unsaved_generated && !debrief_report_view_get_modified (self))
    {
      self->unsaved_generated = FALSE;
      self->awaiting_analysis = TRUE;
    }
  write_generated_report (self);
  update_actions (self);
}

static void
open_current (DebriefReportView *self)
{
  g_autoptr(GFile) file = NULL;
  GFile *folder;

  populate_recommendations (self);
  if (self->run == NULL)
    {
      close_document (self);
      replace_text (self, "", FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      debrief_markdown_view_set_base_folder (self->preview, NULL);
      render_now (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_status (self);
      update_actions (self);
      return;
    }
  folder = debrief_run_get_folder (self->run);
  file = g_file_get_child (folder, "analysis.md");
  open_file (self, file, folder);
}

static void
keep_draft_of_unsaved (DebriefReportView *self)
{
  g_autofree char *text = NULL;

  /* Unsaved edits wait as a draft, offered back when this run's report is
   * opened again. No cancellable: the write finishes even if the view is
   * gone by then. */
  if (self->document == NULL || !debrief_report_view_get_modified (self))
    return;
  text = debrief_report_view_dup_text (self);
  debrief_document_save_draft_async (self->document, text, NULL, draft_saved, NULL);
}

void
debrief_report_view_set_run (DebriefReportView *self,
                             DebriefRun        *run)
{
  gboolean same_folder;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (run == NULL || DEBRIEF_IS_RUN (run));

  if (self->run == run)
    return;
  same_folder = self->run != NULL && run != NULL
                && g_file_equal (debrief_run_get_folder (self->run), debrief_run_get_folder (run));
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_set_object (&self->run, run);
  if (run != NULL)
    g_signal_connect (run, "notify::analysis", G_CALLBACK (on_analysis_changed), self);
  /* The same folder read again (it grew, or changed on disk): the same
   * analysis.md, so the editor and its unsaved edits stay. */
  if (same_folder)
    on_analysis_changed (run, NULL, self);
  else
    open_current (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

DebriefRun *
debrief_report_view_get_run (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->run;
}

/* @run in @model, else the run of the same folder (the workspace replaces a
 * run it reads again), or NULL. */
static DebriefRun *
find_run (GListModel *model,
          DebriefRun *run,
          guint      *position)
{
  guint n = model != NULL && run != NULL ? g_list_model_get_n_items (model) : 0;
  g_autoptr(DebriefRun) same_folder = NULL;
  guint same_folder_position = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) item = g_list_model_get_item (model, i);

      if (item == run)
        {
          *position = i;
          return g_steal_pointer (&item);
        }
      if (same_folder == NULL && g_file_equal (debrief_run_get_folder (item), debrief_run_get_folder (run)))
        {
          same_folder = g_steal_pointer (&item);
          same_folder_position = i;
        }
    }
  *position = same_folder_position;
  return g_steal_pointer (&same_folder);
}

/* The runs changed: keep the run shown while it is open (runs are sorted,
 * so its position may move), else show the first. */
static void
follow_runs (DebriefReportView *self)
{
  guint n = self->runs != NULL ? g_list_model_get_n_items (self->runs) : 0;
  g_autoptr(DebriefRun) next = NULL;
  guint position = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->run_dropdown), n > 1);
  next = find_run (self->runs, self->run, &position);
  if (next == NULL && n > 0)
    next = g_list_model_get_item (self->runs, 0);
  if (next != NULL)
    {
      self->syncing_dropdown = TRUE;
      gtk_drop_down_set_selected (self->run_dropdown, position);
      self->syncing_dropdown = FALSE;
    }
  debrief_report_view_set_run (self, next);
}

static void
on_runs_changed (GListModel        *model,
                 guint              position,
                 guint              removed,
                 guint              added,
                 DebriefReportView *self)
{
  follow_runs (self);
}

/* The user picked a run in the drop-down. */
static void
on_run_selected (GtkDropDown       *dropdown,
                 GParamSpec        *pspec,
                 DebriefReportView *self)
{
  guint position = gtk_drop_down_get_selected (dropdown);
  g_autoptr(DebriefRun) run = NULL;

  if (self->syncing_dropdown || self->runs == NULL || position == GTK_INVALID_LIST_POSITION
      || position >= g_list_model_get_n_items (self->runs))
    return;
  run = g_list_model_get_item (self->runs, position);
  debrief_report_view_set_run (self, run);
}

void
debrief_report_view_set_workspace (DebriefReportView *self,
                                   DebriefWorkspace  *workspace)
{
  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (workspace == NULL || DEBRIEF_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_set_object (&self->workspace, workspace);
  if (workspace != NULL)
    self->runs = g_object_ref (debrief_workspace_get_runs (workspace));
  /* The drop-down first: it must know of a change before follow_runs() selects in it. */
  gtk_drop_down_set_model (self->run_dropdown, self->runs);
  if (self->runs != NULL)
    g_signal_connect (self->runs, "items-changed", G_CALLBACK (on_runs_changed), self);
  follow_runs (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

DebriefWorkspace *
debrief_report_view_get_workspace (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->workspace;
}

/* ----------------------------------------------------------------- actions */

static void
update_actions (DebriefReportView *self)
{
  gboolean open = self->document != NULL && !self->load_failed;
  gboolean analysed = current_analysis (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.save", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.regenerate", open && analysed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.export", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.copy", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.reload", self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.keep-mine", self->document != NULL);
}

/* ----------------------------------------------------------------- object */

GtkWidget *
debrief_report_view_new (void)
{
  return g_object_new (DEBRIEF_TYPE_REPORT_VIEW, NULL);
}

static void
debrief_report_view_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  GTK_WIDGET_CLASS (debrief_report_view_parent_class)->size_allocate (widget, width, height, baseline);
  /* Editor and preview share the space evenly the first time. */
  if (!self->pane_positioned && width >= MIN_WIDTH_FOR_LAYOUT)
    {
      int side = gtk_widget_get_visible (self->recommendations_box) ? 320 : 0;
      gtk_paned_set_position (self->outer_paned, MAX (520, width - side));
      gtk_paned_set_position (self->editor_paned, MAX (260, (width - side) / 2));
      self->pane_positioned = TRUE;
    }
}

static void
debrief_report_view_dispose (GObject *object)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  close_document (self);
  g_clear_handle_id (&self->render_source, g_source_remove);
  g_clear_handle_id (&self->message_source, g_source_remove);
  g_clear_object (&self->run);
  g_clear_object (&self->runs);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_object (&self->search_context);

  gtk_widget_dispose_template (GTK_WIDGET (self), DEBRIEF_TYPE_REPORT_VIEW);

  G_OBJECT_CLASS (debrief_report_view_parent_class)->dispose (object);
}

static void
debrief_report_view_finalize (GObject *object)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  g_clear_object (&self->buffer);
  g_clear_pointer (&self->pending_inserts, g_ptr_array_unref);
  g_free (self->draft_text);
  g_free (self->disk_message);

  G_OBJECT_CLASS (debrief_report_view_parent_class)->finalize (object);
}

static void
debrief_report_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, debrief_report_view_get_modified (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, debrief_report_view_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_report_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      debrief_report_view_set_workspace (self, g_value_get_object (value));
      break;
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    case PROP_RUN:
      debrief_report_view_set_run (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_report_view_class_init (DebriefReportViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (DEBRIEF_TYPE_MARKDOWN_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  object_class->dispose = debrief_report_view_dispose;
  object_class->finalize = debrief_report_view_finalize;
  object_class->get_property = debrief_report_view_get_property;
  object_class->set_property = debrief_report_view_set_property;
  widget_class->size_allocate = debrief_report_view_size_allocate;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, DEBRIEF_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, DEBRIEF_TYPE_RUN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-report-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "debrief-report-view");

  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, stack);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, disk_revealer);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, disk_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, draft_revealer);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, message_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, run_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, status_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, editor_paned);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, source_view);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, editor_scroller);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, preview_scroller);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, preview);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, recommendations_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, recommendations_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, recommendations_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);

  gtk_widget_class_install_action (widget_class, "report.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "report.regenerate", NULL, regenerate_action);
  gtk_widget_class_install_action (widget_class, "report.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "report.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "report.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "report.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "report.keep-mine", NULL, keep_mine_action);
  gtk_widget_class_install_action (widget_class, "report.restore-draft", NULL, restore_draft_action);
  gtk_widget_class_install_action (widget_class, "report.discard-draft", NULL, discard_draft_action);
  gtk_widget_class_install_action (widget_class, "report.dismiss-message", NULL, dismiss_message_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "report.search", NULL);
}

static void
update_style_scheme (DebriefReportView *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gtk_source_buffer_set_style_scheme (self->buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes,
                                                                                  dark ? "Adwaita-dark" : "Adwaita"));
}

static void
debrief_report_view_init (DebriefReportView *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceSearchSettings *search_settings;
  GtkExpression *name_expression;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pending_inserts = g_ptr_array_new_with_free_func (g_free);
  self->buffer = gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_language (self->buffer, gtk_source_language_manager_get_language (languages, "markdown"));
  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (self->buffer));
  /* After the default handler, which is what sets "modified". */
  g_signal_connect_after (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  g_signal_connect (self->buffer, "modified-changed", G_CALLBACK (on_modified_changed), self);

  search_settings = gtk_source_search_settings_new ();
  gtk_source_search_settings_set_wrap_around (search_settings, TRUE);
  self->search_context = gtk_source_search_context_new (self->buffer, search_settings);
  g_object_unref (search_settings);
  g_signal_connect_swapped (self->search_context, "notify::occurrences-count",
                            G_CALLBACK (update_search_label), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->editor_scroller), "value-changed",
                    G_CALLBACK (on_editor_scrolled), self);

  name_expression = gtk_property_expression_new (DEBRIEF_TYPE_RUN, NULL, "name");
  gtk_drop_down_set_expression (self->run_dropdown, name_expression);
  gtk_expression_unref (name_expression);
  g_signal_connect (self->run_dropdown, "notify::selected", G_CALLBACK (on_run_selected), self);

  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_status (self);
  update_actions (self);
}
