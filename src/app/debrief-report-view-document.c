/* debrief-report-view-document.c: analysis.md: open, drafts, save, reload, outside changes, asking on close
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view-private.h"

static void keep_draft_of_unsaved (DebriefReportView *self);

typedef struct
{
  guint64 serial;
} SaveData;

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

/* A crash loses at most this many seconds of typing. */
#define DRAFT_DELAY_S 3

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
  _debrief_report_view_replace_text (self, draft, TRUE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), TRUE);
  _debrief_report_view_update_actions (self);
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
  _debrief_report_view_update_actions (self);
}

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
  _debrief_report_view_update_actions (self);
}

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
  _debrief_report_view_set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || document != self->document)
    return;

  self->loading = FALSE;
  self->load_failed = FALSE;
  self->awaiting_analysis = FALSE;
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      /* No report yet: write one from the analysis (now, or when it comes). */
      _debrief_report_view_replace_text (self, "", FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      self->awaiting_analysis = TRUE;
      _debrief_report_view_write_generated_report (self);
    }
  else if (error != NULL)
    {
      /* Unreadable (not UTF-8, too large, a folder): show why, and never
       * offer to save over it. */
      self->load_failed = TRUE;
      _debrief_report_view_replace_text (self, "", FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      _debrief_report_view_show_error (self, error);
    }
  else
    {
      _debrief_report_view_replace_text (self, text, FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
    }
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->source_view), !self->load_failed);
  _debrief_report_view_render_now (self);
  _debrief_report_view_update_status (self);
  _debrief_report_view_update_actions (self);

  if (!self->load_failed)
    debrief_document_load_draft_async (document, self->cancellable, draft_loaded, g_object_ref (self));
  _debrief_report_view_insert_pending (self);
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
  _debrief_report_view_update_actions (self);
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

void
_debrief_report_view_close_document (DebriefReportView *self)
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

void
_debrief_report_view_open_file (DebriefReportView *self,
                                GFile             *file,
                                GFile             *folder)
{
  _debrief_report_view_close_document (self);
  self->cancellable = g_cancellable_new ();
  self->document = debrief_document_new (file);
  g_signal_connect (self->document, "notify::changed-on-disk", G_CALLBACK (on_changed_on_disk), self);
  debrief_markdown_view_set_base_folder (self->preview, folder);
  gtk_stack_set_visible_child_name (self->stack, "editor");
  _debrief_report_view_set_busy (self, TRUE);
  self->loading = TRUE;
  /* Nothing typed before the file is read would survive its arrival. */
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->source_view), FALSE);
  debrief_document_load_async (self->document, self->cancellable, document_loaded, g_object_ref (self));
  _debrief_report_view_update_status (self);
  _debrief_report_view_update_actions (self);
}

static void
document_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DebriefReportView *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  _debrief_report_view_set_busy (self, FALSE);
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
            _debrief_report_view_show_error (self, error);
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
      _debrief_report_view_update_status (self);
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
  _debrief_report_view_set_busy (self, TRUE);
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
    _debrief_report_view_show_message (self, _("Saved"));
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
  _debrief_report_view_set_busy (self, FALSE);
  if (DEBRIEF_DOCUMENT (object) != self->document || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      _debrief_report_view_show_error (self, error);
      return;
    }
  /* One undoable step: Ctrl+Z brings back what was in the editor. */
  _debrief_report_view_replace_text (self, text, TRUE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  set_disk_banner (self, NULL);
  _debrief_report_view_render_now (self);
  _debrief_report_view_show_message (self, _("Reloaded from disk. Undo brings back the previous text."));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  if (self->document == NULL)
    return;
  _debrief_report_view_set_busy (self, TRUE);
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
_debrief_report_view_schedule_draft (DebriefReportView *self)
{
  if (self->document != NULL && gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer))
      && self->draft_source == 0)
    self->draft_source = g_timeout_add_seconds (DRAFT_DELAY_S, draft_timeout, self);
}

void
_debrief_report_view_class_init_document (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "report.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "report.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "report.keep-mine", NULL, keep_mine_action);
  gtk_widget_class_install_action (widget_class, "report.restore-draft", NULL, restore_draft_action);
  gtk_widget_class_install_action (widget_class, "report.discard-draft", NULL, discard_draft_action);
}
