/* debrief-report-view-export.c: the report, its images and the loss plot written to a folder
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view-private.h"

typedef struct
{
  GFile *folder;
  char *text;
  char *base_path;     /* the preview's folder, where the images' URLs start */
  GStrv image_urls;    /* as the report writes them */
  GStrv allowed;       /* files outside the folder the user chose to show */
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
  g_free (data->base_path);
  g_strfreev (data->image_urls);
  g_strfreev (data->allowed);
  g_free (data);
}

/* The image's file and where its copy goes (the same path relative to the
 * export folder), or NULL when it is not a file of the run folder. In the
 * export thread: resolving follows symbolic links on disk. */
static GFile *
resolve_image (ExportData  *data,
               const char  *url,
               GFile      **destination)
{
  g_autofree char *real = debrief_markdown_resolve_local_path (data->base_path, url,
                                                               (const char *const *) data->allowed, NULL, NULL);
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) base = NULL;
  g_autofree char *relative = NULL;

  if (real == NULL)
    return NULL;
  source = g_file_new_for_path (real);
  base = g_file_new_for_path (data->base_path);
  relative = g_file_get_relative_path (base, source);
  if (relative == NULL)
    {
      /* The base folder itself may be reached through a symlink. */
      g_autofree char *real_base = realpath (data->base_path, NULL);
      g_autoptr(GFile) real_base_file = real_base ? g_file_new_for_path (real_base) : NULL;

      if (real_base_file != NULL)
        relative = g_file_get_relative_path (real_base_file, source);
    }
  if (relative == NULL)
    return NULL;
  *destination = g_file_resolve_relative_path (data->folder, relative);
  return g_steal_pointer (&source);
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
  for (guint i = 0; data->image_urls != NULL && data->image_urls[i] != NULL; i++)
    {
      g_autoptr(GFile) source = NULL;
      g_autoptr(GFile) destination = NULL;
      g_autoptr(GFile) parent = NULL;

      source = resolve_image (data, data->image_urls[i], &destination);
      if (source == NULL || g_file_equal (source, destination))
        continue;
      parent = g_file_get_parent (destination);
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

  _debrief_report_view_render_now (self);
  data = g_new0 (ExportData, 1);
  data->folder = g_object_ref (folder);
  data->text = debrief_report_view_dup_text (self);
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
  data->base_path = base != NULL ? g_file_get_path (base) : NULL;
  data->allowed = debrief_markdown_view_dup_allowed (self->preview);
  {
    g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();

    for (guint i = 0; layout != NULL && data->base_path != NULL && i < layout->anchors->len; i++)
      {
        const char *url = g_object_get_data (g_ptr_array_index (layout->anchors, i), DEBRIEF_MARKDOWN_ANCHOR_IMAGE);

        if (url != NULL)
          g_strv_builder_add (urls, url);
      }
    data->image_urls = g_strv_builder_end (urls);
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
    _debrief_report_view_show_error (self, error);
  else
    _debrief_report_view_show_message (self, _("Report exported"));
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


void
_debrief_report_view_class_init_export (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "report.export", NULL, export_action);
}
