/* debrief-report-view-generate.c: the report generated from the analysis, regenerated keeping the Notes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view-private.h"

/* What the report shows beside the analysis, read from the run folder in a
 * worker thread: whether a plot was exported there, and the samples and
 * judge results (small JSONL files). The markdown itself is written on the
 * main thread, where the run's configuration may change. */
typedef struct
{
  DebriefAnalysis *analysis;   /* the one the extras go with */
  gboolean plot_exists;
  char *samples_markdown;
  char *judge_markdown;
} Extras;

static void
extras_free (Extras *extras)
{
  g_clear_object (&extras->analysis);
  g_free (extras->samples_markdown);
  g_free (extras->judge_markdown);
  g_free (extras);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Extras, extras_free)

/* The thread's input: the folder, and which analysis the extras are for (a
 * newer one makes them stale). */
typedef struct
{
  GFile *folder;
  DebriefAnalysis *analysis;
} ExtrasRequest;

static void
extras_request_free (ExtrasRequest *request)
{
  g_clear_object (&request->folder);
  g_clear_object (&request->analysis);
  g_free (request);
}

static void
read_extras_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ExtrasRequest *request = task_data;
  GFile *folder = request->folder;
  g_autoptr(GFile) plot = g_file_get_child (folder, PLOT_FILENAME);
  Extras *extras = g_new0 (Extras, 1);

  extras->analysis = g_object_ref (request->analysis);
  extras->plot_exists = g_file_query_exists (plot, cancellable);
  debrief_judge_report_blocks (folder, &extras->samples_markdown, &extras->judge_markdown);
  g_task_return_pointer (task, extras, (GDestroyNotify) extras_free);
}

static void
read_extras_async (DebriefReportView   *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ExtrasRequest *request = g_new0 (ExtrasRequest, 1);

  request->folder = g_object_ref (debrief_run_get_folder (self->run));
  request->analysis = g_object_ref (_debrief_report_view_current_analysis (self));
  g_task_set_source_tag (task, read_extras_async);
  g_task_set_task_data (task, request, (GDestroyNotify) extras_request_free);
  g_task_run_in_thread (task, read_extras_thread);
}

/* The extras, with the analysis they were read for. */
static Extras *
read_extras_finish (DebriefReportView  *self,
                    GAsyncResult       *result,
                    GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
generate_markdown (DebriefReportView *self,
                   const Extras      *extras)
{
  DebriefReportExtras report_extras = { 0 };

  /* A plot exported beside the report is linked (and shown in the preview). */
  if (extras->plot_exists)
    report_extras.plot_image = PLOT_FILENAME;
  report_extras.samples_markdown = extras->samples_markdown;
  report_extras.judge_markdown = extras->judge_markdown;
  return debrief_report_generate (self->run, extras->analysis, &report_extras);
}

static void
generated_extras_read (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);
  DebriefDocument *document = user_data;   /* borrowed: only compared */
  g_autoptr(GError) error = NULL;
  g_autoptr(Extras) extras = read_extras_finish (self, result, &error);
  g_autofree char *markdown = NULL;

  _debrief_report_view_set_busy (self, FALSE);
  /* Something changed meanwhile (another run, a newer analysis, the user's text). */
  if (extras == NULL || document != self->document || !self->awaiting_analysis
      || extras->analysis != _debrief_report_view_current_analysis (self))
    return;
  markdown = generate_markdown (self, extras);
  self->awaiting_analysis = FALSE;
  self->unsaved_generated = TRUE;
  _debrief_report_view_replace_text (self, markdown, FALSE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  _debrief_report_view_render_now (self);
  _debrief_report_view_update_status (self);
  _debrief_report_view_insert_pending (self);
}

/* No analysis.md yet: show one generated from the analysis (now, or when it
 * comes). It is not written until the user saves: opening a run in the app
 * does not change its folder, and closing without saving loses nothing the
 * user wrote (the text can be generated again), so it is not "modified". */
void
_debrief_report_view_write_generated_report (DebriefReportView *self)
{
  if (!self->awaiting_analysis || self->run == NULL || debrief_run_get_analysis (self->run) == NULL)
    return;
  _debrief_report_view_set_busy (self, TRUE);
  read_extras_async (self, self->cancellable, generated_extras_read, self->document);
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
      _debrief_report_view_show_note (self, message, TRUE);
      return;
    }
  name = g_file_get_basename (G_FILE (object));
  message = g_strdup_printf (_("You had edited the generated part of the report: that version is kept "
                               "in %s (and Undo brings it back). Your Notes are unchanged."), name);
  _debrief_report_view_show_note (self, message, TRUE);
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

static void
regenerate_extras_read (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);
  DebriefDocument *document = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Extras) extras = read_extras_finish (self, result, &error);
  g_autofree char *generated = NULL;
  g_autofree char *current = NULL;
  g_autofree char *merged = NULL;
  gboolean edited = FALSE;

  _debrief_report_view_set_busy (self, FALSE);
  if (extras == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (document != self->document || extras->analysis != _debrief_report_view_current_analysis (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Another report was opened meanwhile"));
      return;
    }
  generated = generate_markdown (self, extras);
  current = debrief_report_view_dup_text (self);
  /* An empty editor has nothing of the user's to keep. */
  merged = debrief_report_merge (generated, *current != '\0' ? current : NULL, &edited);
  if (edited && *current != '\0')
    keep_edited_copy (self, current);
  if (g_strcmp0 (merged, current) != 0)
    {
      /* One undoable step: Ctrl+Z brings back the text as it was. */
      _debrief_report_view_replace_text (self, merged, TRUE);
      _debrief_report_view_render_now (self);
    }
  g_task_return_boolean (task, TRUE);
}

void
debrief_report_view_regenerate_async (DebriefReportView   *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_report_view_regenerate_async);
  if (self->document == NULL || self->load_failed)
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO, _("No report is open"));
      return;
    }
  if (_debrief_report_view_current_analysis (self) == NULL)
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO,
                               _("The run has not been analysed yet"));
      return;
    }
  g_task_set_task_data (task, g_object_ref (self->document), g_object_unref);
  _debrief_report_view_set_busy (self, TRUE);
  read_extras_async (self, cancellable, regenerate_extras_read, g_steal_pointer (&task));
}

gboolean
debrief_report_view_regenerate_finish (DebriefReportView  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
regenerated (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);
  g_autoptr(GError) error = NULL;

  if (!debrief_report_view_regenerate_finish (self, result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _debrief_report_view_show_error (self, error);
}

static void
regenerate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  debrief_report_view_regenerate_async (DEBRIEF_REPORT_VIEW (widget), NULL, regenerated, NULL);
}

void
_debrief_report_view_class_init_generate (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "report.regenerate", NULL, regenerate_action);
}
