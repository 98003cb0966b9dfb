/* debrief-window-actions.c: the window's actions
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a user triggers at window level is a win.* action here; child
 * widgets reach the window only through them (win.show-step, win.add-to-report,
 * win.export-plot, win.toast), never by calling into the window.
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "debrief-window-private.h"

#define DEFAULT_EXPORT_WIDTH  1600
#define DEFAULT_EXPORT_HEIGHT  900
/* The smallest side "As Shown" exports, when the plot is squeezed. */
#define MIN_EXPORT_SIDE 64

/* ---- opening ---- */

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  DebriefWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n = g_list_model_get_n_items (files);
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      debrief_window_open_files (self, (GFile **) array->pdata, array->len);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  GtkFileChooserNative *chooser;

  /* GtkFileChooserNative goes through the portal in Flatpak; GtkFileDialog is GTK 4.10. */
  chooser = gtk_file_chooser_native_new (_("Open Run Folders"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The demo run: $DEBRIEF_DEMO_RUN, the installed copy, or the source tree's
 * (build-aux/run.sh). Looked for off the main thread, like any folder. */
static void
find_demo_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  const char *candidates[] = {
    g_getenv ("DEBRIEF_DEMO_RUN"),
    PKGDATADIR "/demo/healthy",
    DEBRIEF_SOURCE_DIR "/data/demo/healthy",
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
      {
        g_task_return_pointer (task, g_file_new_for_path (candidates[i]), g_object_unref);
        return;
      }
  g_task_return_pointer (task, NULL, NULL);
}

static void
demo_found_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DebriefWindow *self = DEBRIEF_WINDOW (object);
  g_autoptr(GFile) demo = g_task_propagate_pointer (G_TASK (result), NULL);

  if (demo == NULL)
    debrief_window_add_toast (self, _("The demo run is not installed"));
  else
    debrief_window_open_files (self, &demo, 1);
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GTask) task = g_task_new (widget, NULL, demo_found_cb, NULL);

  g_task_set_source_tag (task, open_demo_action);
  g_task_run_in_thread (task, find_demo_thread);
}

static void
reanalyze_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  /* Re-reading the files picks up a run that is still training; the
   * workspace analyses every run it reads. */
  gtk_label_set_label (self->loading_label, _("Reading runs…"));
  debrief_workspace_reload (self->workspace);
}

static void
cancel_load_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  debrief_workspace_cancel (DEBRIEF_WINDOW (widget)->workspace);
}

/* ---- closing: the window or a run whose report has unsaved edits asks first
 * (Save / Discard / Cancel, in the report view); it goes on only when the
 * answer lets it. ---- */

typedef enum
{
  CLOSING_WINDOW,
  CLOSING_ALL_RUNS,
  CLOSING_ONE_RUN,
} Closing;

typedef struct
{
  DebriefWindow *window;
  Closing what;
  char *path;
} CloseRequest;

static void
close_request_free (CloseRequest *request)
{
  g_clear_object (&request->window);
  g_free (request->path);
  g_free (request);
}

static DebriefRun *
find_run_by_path (DebriefWindow *self,
                  const char    *path)
{
  GListModel *runs = debrief_workspace_get_runs (self->workspace);

  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, i);

      if (g_strcmp0 (debrief_run_get_path (run), path) == 0)
        return run;   /* the model keeps it */
    }
  return NULL;
}

static void
do_close (DebriefWindow *self,
          Closing        what,
          const char    *path)
{
  DebriefRun *run;

  switch (what)
    {
    case CLOSING_WINDOW:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case CLOSING_ALL_RUNS:
      debrief_workspace_cancel (self->workspace);
      debrief_workspace_close_all (self->workspace);
      break;
    case CLOSING_ONE_RUN:
      run = find_run_by_path (self, path);
      if (run != NULL)
        debrief_workspace_close_run (self->workspace, run);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
do_close_idle_cb (gpointer user_data)
{
  CloseRequest *request = user_data;

  do_close (request->window, request->what, request->path);
  return G_SOURCE_REMOVE;
}

static void
close_confirmed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CloseRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  if (debrief_report_view_confirm_close_finish (DEBRIEF_REPORT_VIEW (object), result, &error))
    {
      /* Not from inside the dialog's response: it is transient for this window
       * and must be gone before the window goes. */
      g_idle_add_full (G_PRIORITY_DEFAULT, do_close_idle_cb, request, (GDestroyNotify) close_request_free);
      return;
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    debrief_window_add_toast (request->window, error->message);
  close_request_free (request);
}

static void
close_after_asking (DebriefWindow *self,
                    Closing        what,
                    const char    *path)
{
  DebriefRun *shown = self->report_view ? debrief_report_view_get_run (self->report_view) : NULL;
  gboolean affects_report = shown != NULL &&
                            (what != CLOSING_ONE_RUN || g_strcmp0 (debrief_run_get_path (shown), path) == 0);
  CloseRequest *request;

  if (!affects_report || !debrief_report_view_get_modified (self->report_view))
    {
      do_close (self, what, path);
      return;
    }

  request = g_new0 (CloseRequest, 1);
  request->window = g_object_ref (self);
  request->what = what;
  request->path = g_strdup (path);
  debrief_report_view_confirm_close_async (self->report_view, GTK_WINDOW (self), NULL,
                                           close_confirmed_cb, request);
}

void
_debrief_window_close_after_asking (DebriefWindow *self)
{
  close_after_asking (self, CLOSING_WINDOW, NULL);
}

static void
close_runs_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  close_after_asking (DEBRIEF_WINDOW (widget), CLOSING_ALL_RUNS, NULL);
}

static void
close_run_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  close_after_asking (DEBRIEF_WINDOW (widget), CLOSING_ONE_RUN, g_variant_get_string (parameter, NULL));
}

/* ---- pages, the plot ---- */

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  const char *page = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (page, "report") == 0)
    _debrief_window_ensure_report_view (self);
  if (g_list_model_get_n_items (debrief_workspace_get_runs (self->workspace)) > 0)
    adw_view_stack_set_visible_child_name (self->view_stack, page);
}

/* A finding's step (from the findings list) on the plot. */
static void
show_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "overview");
  debrief_plot_show_step (self->plot, g_variant_get_int64 (parameter));
}

typedef struct
{
  DebriefWindow *window;
  GFile *file;
} PlotExport;

static void
plot_export_free (PlotExport *export)
{
  g_clear_object (&export->window);
  g_clear_object (&export->file);
  g_free (export);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlotExport, plot_export_free)

static void
plot_exported_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PlotExport) export = user_data;
  DebriefWindow *self = export->window;
  g_autoptr(GError) error = NULL;

  if (!debrief_plot_export_finish (DEBRIEF_PLOT (object), result, &error))
    debrief_window_add_toast (self, error->message);
  else
    {
      g_autofree char *name = g_file_get_basename (export->file);
      g_autofree char *message = g_strdup_printf (_("Plot saved as “%s”"), name);

      debrief_window_add_toast (self, message);
    }
}

static void
export_plot_response_cb (GtkNativeDialog *dialog,
                         int              response,
                         DebriefWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->plot != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      const char *size = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "size");
      int width = DEFAULT_EXPORT_WIDTH, height = DEFAULT_EXPORT_HEIGHT;
      g_autofree char *basename = file != NULL ? g_file_get_basename (file) : NULL;

      if (g_strcmp0 (size, "view") == 0)
        {
          debrief_plot_get_chart_size (self->plot, &width, &height);
          width = MAX (width, MIN_EXPORT_SIDE);
          height = MAX (height, MIN_EXPORT_SIDE);
        }
      else if (size != NULL && sscanf (size, "%dx%d", &width, &height) != 2)
        {
          width = DEFAULT_EXPORT_WIDTH;
          height = DEFAULT_EXPORT_HEIGHT;
        }
      /* No known extension: PNG, the one the report embeds. */
      if (basename != NULL)
        {
          g_autofree char *lower = g_ascii_strdown (basename, -1);

          if (!g_str_has_suffix (lower, ".png") && !g_str_has_suffix (lower, ".svg") && !g_str_has_suffix (lower, ".pdf"))
            {
              g_autoptr(GFile) parent = g_file_get_parent (file);
              g_autofree char *with_png = g_strconcat (basename, ".png", NULL);

              g_clear_object (&file);
              file = g_file_get_child (parent, with_png);
            }
        }
      if (file != NULL)
        {
          PlotExport *export = g_new0 (PlotExport, 1);

          export->window = g_object_ref (self);
          export->file = g_object_ref (file);
          debrief_plot_export_async (self->plot, file, width, height, NULL, plot_exported_cb, export);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_plot_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;
  static const char *sizes[] = { "1600x900", "1920x1080", "1200x675", "view", NULL };
  const char *size_labels[] = { "1600 × 900", "1920 × 1080", "1200 × 675", _("As Shown"), NULL };
  static const struct { const char *name; const char *pattern; } types[] = {
    { N_("PNG Image"), "*.png" }, { N_("SVG Image"), "*.svg" }, { N_("PDF Document"), "*.pdf" },
  };

  dialog = gtk_file_chooser_native_new (_("Export Plot"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "loss.png");
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Images and PDF"));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    gtk_file_filter_add_pattern (filter, types[i].pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(types[i].name));
      gtk_file_filter_add_pattern (filter, types[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "size", _("Size"), sizes, size_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "size", sizes[0]);
  g_signal_connect (dialog, "response", G_CALLBACK (export_plot_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- the report ---- */

static void
save_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  if (self->report_view != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->report_view), "report.save", NULL);
}

static void
add_to_report_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  _debrief_window_ensure_report_view (self);
  debrief_report_view_insert_markdown (self->report_view, g_variant_get_string (parameter, NULL));
  /* Show where it went. */
  if (g_list_model_get_n_items (debrief_workspace_get_runs (self->workspace)) > 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "report");
}

/* Any widget's message for the user, shown over the window's content. */
static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  debrief_window_add_toast (DEBRIEF_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* The keyboard shortcuts, built the first time they are asked for (as
 * GtkApplicationWindow's help overlay, but not with every window). */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/debrief/Debrief/debrief-shortcuts-window.ui");

      self->shortcuts_window = GTK_WINDOW (g_object_ref_sink (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }
  gtk_window_present (self->shortcuts_window);
}

void
_debrief_window_class_add_actions (DebriefWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.reanalyze", NULL, reanalyze_action);
  gtk_widget_class_install_action (widget_class, "win.close-runs", NULL, close_runs_action);
  gtk_widget_class_install_action (widget_class, "win.close-run", "s", close_run_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL, cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-step", "x", show_step_action);
  gtk_widget_class_install_action (widget_class, "win.export-plot", NULL, export_plot_action);
  gtk_widget_class_install_action (widget_class, "win.save-report", NULL, save_report_action);
  gtk_widget_class_install_action (widget_class, "win.add-to-report", "s", add_to_report_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
}
