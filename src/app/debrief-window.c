/* debrief-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-capacity-card.h"
#include "debrief-findings-view.h"
#include "debrief-run-row.h"
#include "debrief-window.h"
#include "debrief-report-view.h"
#include "debrief-plot.h"
#include "debrief-samples-view.h"

/* Recent runs kept in GSettings: enough to find last week's runs, short enough to scan. */
#define RECENT_RUNS_MAX 8

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
  GtkBox *recent_box;
  GtkListBox *recent_list;
  GtkSpinner *loading_spinner;
  GtkLabel *loading_label;
  GtkProgressBar *loading_progress;
  AdwViewStack *view_stack;
  GtkListBox *runs_list;
  AdwBin *plot_slot;
  DebriefPlot *plot;
  AdwBin *findings_slot;
  AdwBin *capacity_slot;
  AdwBin *samples_slot;
  AdwBin *report_slot;

  DebriefReportView *report_view;
  gboolean close_confirmed;    /* the user answered the unsaved-report question */

  GSettings *settings;
  GListStore *runs;
  GCancellable *cancellable;   /* cancelled when the window closes or on Cancel */
  char *error_text;

  /* The open batch in flight: how many loads are pending and what failed. */
  guint pending;
  guint batch_loaded;
  GPtrArray *batch_errors;
  GHashTable *progress;        /* folder path -> double* fraction */
};

G_DEFINE_FINAL_TYPE (DebriefWindow, debrief_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_state (DebriefWindow *self);
static void ensure_report_view (DebriefWindow *self);

DebriefWindow *
debrief_window_new (DebriefApplication *application)
{
  return g_object_new (DEBRIEF_TYPE_WINDOW, "application", application, NULL);
}

GListModel *
debrief_window_get_runs (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->runs);
}

const char *
debrief_window_get_state (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

const char *
debrief_window_get_error_text (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), NULL);
  return self->error_text;
}

gboolean
debrief_window_get_busy (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), FALSE);
  return self->pending > 0;
}

void
debrief_window_add_toast (DebriefWindow *self,
                          const char    *message)
{
  AdwToast *toast;

  g_return_if_fail (DEBRIEF_IS_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static GtkWidget *
create_run_row (gpointer item,
                gpointer user_data)
{
  return debrief_run_row_new (DEBRIEF_RUN (item));
}

/* Recent runs */

static void
remember_recent (DebriefWindow *self,
                 DebriefRun    *run)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-runs");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  const char *path = debrief_run_get_path (run);
  guint n = 1;

  if (path == NULL)
    return;
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < RECENT_RUNS_MAX; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-runs", (const char *const *) recent);
}

static void
rebuild_recent_list (DebriefWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-runs");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autofree char *dir = g_path_get_dirname (recent[i]);
      GtkWidget *row;

      if (!g_file_test (recent[i], G_FILE_TEST_IS_DIR))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_box), shown > 0);
}

static void
recent_row_activated_cb (DebriefWindow *self,
                         GtkListBoxRow *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  debrief_window_open_files (self, &file, 1);
}

/* State */

static void
update_title (DebriefWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  if (n == 1)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), 0);
      subtitle = g_strdup (debrief_run_get_name (run));
    }
  else if (n > 1)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", n), n);

  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  title = subtitle ? g_strdup_printf ("%s — %s", subtitle, _("Debrief")) : g_strdup (_("Debrief"));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_state (DebriefWindow *self)
{
  const char *state;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));

  if (n > 0)
    state = "runs";
  else if (self->pending > 0)
    state = "loading";
  else if (self->error_text != NULL)
    state = "error";
  else
    state = "empty";

  if (g_strcmp0 (state, "empty") == 0)
    rebuild_recent_list (self);

  gtk_spinner_set_spinning (self->loading_spinner, g_strcmp0 (state, "loading") == 0);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reanalyze", n > 0 && self->pending == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-runs", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", self->pending > 0);

  if (g_strcmp0 (state, debrief_window_get_state (self)) != 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, state);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  update_title (self);
}

static void
runs_items_changed_cb (DebriefWindow *self)
{
  update_state (self);
}

/* Opening */

typedef struct
{
  DebriefWindow *window;  /* strong: keeps the window alive until the callback */
  char *path;
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->window);
  g_free (request->path);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadRequest, load_request_free)

static void
update_progress (DebriefWindow *self)
{
  GHashTableIter iter;
  gpointer value;
  double sum = 0;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->progress);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      sum += *(double *) value;
      n++;
    }
  gtk_progress_bar_set_fraction (self->loading_progress, n ? sum / n : 0.0);
}

static void
load_progress_cb (double   fraction,
                  gpointer user_data)
{
  LoadRequest *request = user_data;
  double *slot = g_hash_table_lookup (request->window->progress, request->path);

  if (slot == NULL)
    return;
  *slot = CLAMP (fraction, 0.0, 1.0);
  update_progress (request->window);
}

static gboolean
find_run_by_path (DebriefWindow *self,
                  const char    *path,
                  guint         *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      if (g_strcmp0 (debrief_run_get_path (run), path) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static int
compare_runs_by_name (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  return g_utf8_collate (debrief_run_get_name ((DebriefRun *) a), debrief_run_get_name ((DebriefRun *) b));
}

static void
finish_batch_if_done (DebriefWindow *self)
{
  if (self->pending > 0)
    return;

  g_clear_pointer (&self->error_text, g_free);
  if (self->batch_errors->len > 0)
    {
      g_ptr_array_add (self->batch_errors, NULL);
      self->error_text = g_strjoinv ("\n", (char **) self->batch_errors->pdata);
      g_ptr_array_set_size (self->batch_errors, 0);

      adw_status_page_set_description (self->error_page, self->error_text);
      if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) > 0)
        debrief_window_add_toast (self, self->error_text);
    }
  g_hash_table_remove_all (self->progress);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
run_loaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  DebriefWindow *self = request->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;
  guint position;

  run = debrief_run_load_finish (result, &error);
  self->pending--;

  if (run == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_ptr_array_add (self->batch_errors, g_strdup (error->message));
    }
  else
    {
      /* Opening a run that is already open reloads it in place. */
      if (find_run_by_path (self, debrief_run_get_path (run), &position))
        g_list_store_splice (self->runs, position, 1, (gpointer *) &run, 1);
      else
        g_list_store_insert_sorted (self->runs, run, compare_runs_by_name, NULL);
      remember_recent (self, run);
      self->batch_loaded++;
    }

  finish_batch_if_done (self);
}

static void
start_load (DebriefWindow *self,
            GFile         *folder)
{
  LoadRequest *request = g_new0 (LoadRequest, 1);

  request->window = g_object_ref (self);
  request->path = g_file_get_path (folder);
  if (request->path == NULL)
    request->path = g_file_get_uri (folder);
  g_hash_table_insert (self->progress, g_strdup (request->path), g_new0 (double, 1));

  self->pending++;
  debrief_run_load_async (folder, load_progress_cb, request, NULL, self->cancellable,
                          run_loaded_cb, request);
}

static void
discover_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *folders = debrief_discover_runs (G_FILE (task_data), cancellable, &error);

  if (folders == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, folders, (GDestroyNotify) g_ptr_array_unref);
}

static void
discovered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DebriefWindow *self = DEBRIEF_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = g_task_propagate_pointer (G_TASK (result), &error);

  if (folders == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_ptr_array_add (self->batch_errors, g_strdup (error->message));
    }
  else
    {
      for (guint i = 0; i < folders->len; i++)
        start_load (self, g_ptr_array_index (folders, i));
    }

  /* The discovery itself counted as one pending job. */
  self->pending--;
  finish_batch_if_done (self);
}

void
debrief_window_open_files (DebriefWindow  *self,
                           GFile         **files,
                           guint           n_files)
{
  g_return_if_fail (DEBRIEF_IS_WINDOW (self));

  if (n_files == 0)
    return;

  if (self->pending == 0)
    {
      self->batch_loaded = 0;
      g_ptr_array_set_size (self->batch_errors, 0);
      g_clear_pointer (&self->error_text, g_free);
    }
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, discovered_cb, NULL);

      g_task_set_source_tag (task, debrief_window_open_files);
      g_task_set_task_data (task, g_object_ref (files[i]), g_object_unref);
      self->pending++;
      g_task_run_in_thread (task, discover_thread);
    }

  gtk_label_set_label (self->loading_label,
                       g_dngettext (GETTEXT_PACKAGE, "Reading run…", "Reading runs…", n_files));
  gtk_progress_bar_set_fraction (self->loading_progress, 0.0);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Actions */

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

static char *
find_demo_run (void)
{
  const char *env = g_getenv ("DEBRIEF_DEMO_RUN");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "demo", "healthy", NULL);
  g_autofree char *source = g_build_filename (DEBRIEF_SOURCE_DIR, "data", "demo", "healthy", NULL);

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_DIR))
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&installed);
  if (g_file_test (source, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&source);
  return NULL;
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  g_autofree char *path = find_demo_run ();
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    {
      debrief_window_add_toast (self, _("The demo run is not installed"));
      return;
    }
  file = g_file_new_for_path (path);
  debrief_window_open_files (self, &file, 1);
}

static void
reanalyze_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);

  /* Re-reading the files picks up a run that is still training; the analysis
   * follows every newly loaded run. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      g_ptr_array_add (folders, g_object_ref (debrief_run_get_folder (run)));
    }
  for (guint i = 0; i < folders->len; i++)
    start_load (self, g_ptr_array_index (folders, i));
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Closing the window or the run whose report has unsaved edits asks first
 * (Save / Discard / Cancel, in the report view); the action goes on only when
 * the answer lets it. */
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

static void
do_close (DebriefWindow *self,
          Closing        what,
          const char    *path)
{
  guint position;

  switch (what)
    {
    case CLOSING_WINDOW:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case CLOSING_ALL_RUNS:
      g_list_store_remove_all (self->runs);
      g_clear_pointer (&self->error_text, g_free);
      update_state (self);
      break;
    case CLOSING_ONE_RUN:
      if (find_run_by_path (self, path, &position))
        g_list_store_remove (self->runs, position);
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

static void
cancel_load_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  g_cancellable_cancel (self->cancellable);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);
  const char *page = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (page, "report") == 0)
    ensure_report_view (self);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) > 0)
    adw_view_stack_set_visible_child_name (self->view_stack, page);
}

/* Drag and drop */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DebriefWindow *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  if (files->len == 0)
    return FALSE;

  debrief_window_open_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               DebriefWindow *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self->main_stack), "drop-highlight");
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               DebriefWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->main_stack), "drop-highlight");
}

/* Window state */

static gboolean
debrief_window_close_request (GtkWindow *window)
{
  DebriefWindow *self = DEBRIEF_WINDOW (window);
  int width, height;

  if (!self->close_confirmed && self->report_view != NULL &&
      debrief_report_view_get_modified (self->report_view))
    {
      close_after_asking (self, CLOSING_WINDOW, NULL);
      return TRUE;
    }

  gtk_window_get_default_size (window, &width, &height);
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (debrief_window_parent_class)->close_request (window);
}

static void
debrief_window_dispose (GObject *object)
{
  DebriefWindow *self = (DebriefWindow *)object;

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->report_view = NULL;  /* owned by report_slot */
  g_clear_object (&self->runs);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), DEBRIEF_TYPE_WINDOW);

  G_OBJECT_CLASS (debrief_window_parent_class)->dispose (object);
}

static void
debrief_window_finalize (GObject *object)
{
  DebriefWindow *self = (DebriefWindow *)object;

  g_clear_pointer (&self->error_text, g_free);
  g_clear_pointer (&self->batch_errors, g_ptr_array_unref);
  g_clear_pointer (&self->progress, g_hash_table_unref);

  G_OBJECT_CLASS (debrief_window_parent_class)->finalize (object);
}

static void
debrief_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DebriefWindow *self = DEBRIEF_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, debrief_window_get_busy (self));
      break;
    case PROP_STATE:
      g_value_set_string (value, debrief_window_get_state (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The plot: a finding's step (from the findings list), and the export dialog. */
static void
show_step_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "overview");
  debrief_plot_show_step (self->plot, g_variant_get_int64 (param));
}

static void
export_plot_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  DebriefWindow *self = DEBRIEF_WINDOW (widget);

  debrief_plot_export_with_dialog (self->plot, GTK_WINDOW (self));
}

/* Deferred widgets */

static void
ensure_report_view (DebriefWindow *self)
{
  if (self->report_view != NULL || self->runs == NULL)
    return;
  self->report_view = g_object_new (DEBRIEF_TYPE_REPORT_VIEW, "runs", self->runs, NULL);
  adw_bin_set_child (self->report_slot, GTK_WIDGET (self->report_view));
}

static gboolean
create_deferred_cb (gpointer user_data)
{
  DebriefWindow *self = user_data;

  ensure_report_view (self);
  return G_SOURCE_REMOVE;
}

static void
first_frame_painted_cb (GdkFrameClock *clock,
                        DebriefWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted_cb, self);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, create_deferred_cb, g_object_ref (self), g_object_unref);
}

static void
window_mapped_cb (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_handlers_disconnect_by_func (widget, window_mapped_cb, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (first_frame_painted_cb), widget, 0);
  else
    ensure_report_view (DEBRIEF_WINDOW (widget));
}

static void
debrief_window_class_init (DebriefWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = debrief_window_dispose;
  object_class->finalize = debrief_window_finalize;
  object_class->get_property = debrief_window_get_property;
  window_class->close_request = debrief_window_close_request;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "empty",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, header_end_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, recent_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, runs_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, plot_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, findings_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, capacity_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, samples_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, report_slot);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.reanalyze", NULL, reanalyze_action);
  gtk_widget_class_install_action (widget_class, "win.close-runs", NULL, close_runs_action);
  gtk_widget_class_install_action (widget_class, "win.close-run", "s", close_run_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL, cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-step", "x", show_step_action);
  gtk_widget_class_install_action (widget_class, "win.export-plot", NULL, export_plot_action);
}

static void
debrief_window_init (DebriefWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->runs = g_list_store_new (DEBRIEF_TYPE_RUN);
  self->cancellable = g_cancellable_new ();
  self->batch_errors = g_ptr_array_new_with_free_func (g_free);
  self->progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  gtk_list_box_bind_model (self->runs_list, G_LIST_MODEL (self->runs), create_run_row, self, NULL);
  g_signal_connect_object (self->runs, "items-changed", G_CALLBACK (runs_items_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent-runs", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (drop, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (drop, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* Feature widgets go into their slots here, one line each. */
  adw_bin_set_child (self->plot_slot, GTK_WIDGET (self->plot = g_object_new (DEBRIEF_TYPE_PLOT, "runs", self->runs, NULL)));
  /* The report editor (GtkSourceView parses its language and style files) is
   * built after the first frame; see ensure_report_view(). */
  g_signal_connect (self, "map", G_CALLBACK (window_mapped_cb), NULL);
  adw_bin_set_child (self->findings_slot, debrief_findings_view_new (G_LIST_MODEL (self->runs)));
  adw_bin_set_child (self->capacity_slot, debrief_capacity_card_new (G_LIST_MODEL (self->runs)));
  adw_bin_set_child (self->samples_slot, debrief_samples_view_new (G_LIST_MODEL (self->runs), self->settings));

  update_state (self);
}
