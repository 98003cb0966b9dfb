/* debrief-report-view-generate.c: the report generated from the analysis, regenerated keeping the Notes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view-private.h"

static gboolean
generate_markdown (DebriefReportView  *self,
                   char              **markdown,
                   GError            **error)
{
  DebriefAnalysis *analysis = _debrief_report_view_current_analysis (self);
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
void
_debrief_report_view_write_generated_report (DebriefReportView *self)
{
  g_autofree char *markdown = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->awaiting_analysis || self->run == NULL || debrief_run_get_analysis (self->run) == NULL)
    return;
  if (!generate_markdown (self, &markdown, &error))
    {
      _debrief_report_view_show_error (self, error);
      return;
    }
  self->awaiting_analysis = FALSE;
  self->unsaved_generated = TRUE;
  _debrief_report_view_replace_text (self, markdown, FALSE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  _debrief_report_view_render_now (self);
  _debrief_report_view_update_status (self);
  _debrief_report_view_insert_pending (self);
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
      _debrief_report_view_replace_text (self, merged, TRUE);
      _debrief_report_view_render_now (self);
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
    _debrief_report_view_show_error (self, error);
}


void
_debrief_report_view_class_init_generate (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "report.regenerate", NULL, regenerate_action);
}
