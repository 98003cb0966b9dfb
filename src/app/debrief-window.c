/* debrief-window.c: the window shows its workspace
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workspace (src/core) owns the runs, their loading and analysis; the
 * window follows its busy / loading / progress / error properties and its
 * runs, and puts the views into their slots. The actions are in
 * debrief-window-actions.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-capacity-card.h"
#include "debrief-findings-view.h"
#include "debrief-run-row.h"
#include "debrief-samples-view.h"
#include "debrief-window-private.h"

/* How long a toast stays, in seconds: long enough to read a file name. */
#define TOAST_TIMEOUT_S 6

G_DEFINE_FINAL_TYPE (DebriefWindow, debrief_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_STATE,
  PROP_WORKSPACE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DebriefWindow *
debrief_window_new (DebriefApplication *application,
                    DebriefWorkspace   *workspace)
{
  return g_object_new (DEBRIEF_TYPE_WINDOW,
                       "application", application,
                       "settings", application != NULL ? debrief_application_get_settings (application) : NULL,
                       "workspace", workspace,
                       NULL);
}

DebriefWorkspace *
debrief_window_get_workspace (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), NULL);
  return self->workspace;
}

GListModel *
debrief_window_get_runs (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), NULL);
  return debrief_workspace_get_runs (self->workspace);
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
  return debrief_workspace_get_error (self->workspace);
}

gboolean
debrief_window_get_busy (DebriefWindow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WINDOW (self), FALSE);
  return debrief_workspace_get_busy (self->workspace) || self->pending_files != NULL;
}

void
debrief_window_add_toast (DebriefWindow *self,
                          const char    *message)
{
  AdwToast *toast;

  g_return_if_fail (DEBRIEF_IS_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, TOAST_TIMEOUT_S);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void ensure_overview (DebriefWindow *self);

static void
show_reading (DebriefWindow *self,
              guint          n_files)
{
  gtk_label_set_label (self->loading_label,
                       g_dngettext (GETTEXT_PACKAGE, "Reading run…", "Reading runs…", n_files));
}

/* Files to open once the first frame is painted: the window shows that it
 * is reading them meanwhile. */
static void
defer_files (DebriefWindow  *self,
             GFile         **files,
             guint           n_files)
{
  if (self->pending_files == NULL)
    self->pending_files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (self->pending_files, g_object_ref (files[i]));
  _debrief_window_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* For a window about to be presented with folders (the command line, Files'
 * Open With): its first frame is the loading page, not the empty one (whose
 * 128 px icon is an SVG rendered for that frame only), and the folders are
 * read just after it. */
void
debrief_window_open_files_on_present (DebriefWindow  *self,
                                       GFile         **files,
                                       guint           n_files)
{
  g_return_if_fail (DEBRIEF_IS_WINDOW (self));

  if (self->painted || gtk_widget_get_mapped (GTK_WIDGET (self)) || n_files == 0)
    {
      debrief_window_open_files (self, files, n_files);
      return;
    }
  show_reading (self, n_files);
  defer_files (self, files, n_files);
}

void
debrief_window_open_files (DebriefWindow  *self,
                           GFile         **files,
                           guint           n_files)
{
  g_return_if_fail (DEBRIEF_IS_WINDOW (self));

  if (n_files == 0)
    return;
  show_reading (self, n_files);
  if (!self->painted && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* Launched with folders: the window first, the runs just after. */
      defer_files (self, files, n_files);
      return;
    }
  ensure_overview (self);
  {
    g_autoptr(DebriefLoadBatch) batch = debrief_workspace_open (self->workspace, files, n_files,
                                                                DEBRIEF_OPEN_DISCOVER);
    /* A folder on another machine whose connection failed gets a Retry. */
    _debrief_window_watch_batch (self, batch);
  }
}

/* ---- runs and recent runs ---- */

GtkWidget *
_debrief_window_create_run_row (gpointer item,
                                gpointer user_data)
{
  DebriefWindow *self = user_data;
  GtkWidget *row = debrief_run_row_new (DEBRIEF_RUN (item));

  debrief_run_row_set_follower (DEBRIEF_RUN_ROW (row), debrief_workspace_get_follower (self->workspace, item));
  return row;
}

static GtkWidget *
create_recent_row (gpointer item,
                   gpointer user_data)
{
  GFile *folder = item;
  g_autofree char *name = g_file_get_basename (folder);
  g_autoptr(GFile) parent = g_file_get_parent (folder);
  g_autofree char *dir = parent != NULL ? g_file_get_parse_name (parent) : NULL;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir != NULL ? dir : "");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
recent_row_activated_cb (DebriefWindow *self,
                         GtkListBoxRow *row)
{
  GListModel *recent = debrief_workspace_get_recent_runs (self->workspace);
  g_autoptr(GFile) folder = g_list_model_get_item (recent, gtk_list_box_row_get_index (row));

  if (folder != NULL)
    debrief_window_open_files (self, &folder, 1);
}

static void
recent_changed_cb (DebriefWindow *self)
{
  GListModel *recent = debrief_workspace_get_recent_runs (self->workspace);

  gtk_widget_set_visible (GTK_WIDGET (self->recent_box), g_list_model_get_n_items (recent) > 0);
}

/* ---- state ---- */

static void
update_title (DebriefWindow *self)
{
  GListModel *runs = debrief_workspace_get_runs (self->workspace);
  guint n = g_list_model_get_n_items (runs);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  if (n == 1)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, 0);
      subtitle = g_strdup (debrief_run_get_name (run));
    }
  else if (n > 1)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", n), n);

  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  title = subtitle ? g_strdup_printf ("%s — %s", subtitle, _("Debrief")) : g_strdup (_("Debrief"));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

void
_debrief_window_update_state (DebriefWindow *self)
{
  guint n = g_list_model_get_n_items (debrief_workspace_get_runs (self->workspace));
  gboolean loading = debrief_workspace_get_loading (self->workspace);
  const char *state;

  if (n > 0)
    state = "runs";
  else if (loading || self->pending_files != NULL)
    state = "loading";
  else if (debrief_workspace_get_error (self->workspace) != NULL)
    state = "error";
  else
    state = "empty";

  gtk_spinner_set_spinning (self->loading_spinner, g_strcmp0 (state, "loading") == 0);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reanalyze", n > 0 && !loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-runs", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", loading);

  _debrief_window_update_runs_table (self);
  if (g_strcmp0 (state, debrief_window_get_state (self)) != 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, state);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  update_title (self);
}

static void
progress_changed_cb (DebriefWindow *self)
{
  gtk_progress_bar_set_fraction (self->loading_progress, debrief_workspace_get_progress (self->workspace));
}

static void
busy_changed_cb (DebriefWindow *self)
{
  _debrief_window_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* What the last loads could not open: the error page when nothing is open,
 * else a toast over the runs that did open. */
static void
error_changed_cb (DebriefWindow *self)
{
  const char *error = debrief_workspace_get_error (self->workspace);

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error);
      if (g_list_model_get_n_items (debrief_workspace_get_runs (self->workspace)) > 0)
        debrief_window_add_toast (self, error);
    }
  _debrief_window_update_state (self);
}

static void
warning_cb (DebriefWindow    *self,
            const char       *message,
            DebriefWorkspace *workspace)
{
  debrief_window_add_toast (self, message);
}

/* ---- drag and drop ---- */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DebriefWindow *self)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
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

/* ---- the report and samples views, built after the first frame ---- */

void
_debrief_window_ensure_report_view (DebriefWindow *self)
{
  if (self->report_view != NULL || self->workspace == NULL)
    return;
  self->report_view = g_object_new (DEBRIEF_TYPE_REPORT_VIEW,
                                    "workspace", self->workspace,
                                    "settings", self->settings,
                                    NULL);
  adw_bin_set_child (self->report_slot, GTK_WIDGET (self->report_view));
}

/* The overview's views, one line each; each observes the workspace. */
static void
ensure_overview (DebriefWindow *self)
{
  if (self->plot != NULL || self->workspace == NULL)
    return;
  self->plot = DEBRIEF_PLOT (debrief_plot_new (self->workspace, self->settings));
  adw_bin_set_child (self->plot_slot, GTK_WIDGET (self->plot));
  _debrief_window_setup_runs_table (self);
  adw_bin_set_child (self->findings_slot, debrief_findings_view_new (self->workspace));
  adw_bin_set_child (self->capacity_slot, debrief_capacity_card_new (self->workspace));
}

/* The Samples tab is not on the first frame: its view (prompt cards, the
 * serve panel) is built just after it, like the report editor. */
static void
ensure_samples_view (DebriefWindow *self)
{
  if (adw_bin_get_child (self->samples_slot) != NULL || self->workspace == NULL)
    return;
  adw_bin_set_child (self->samples_slot, debrief_samples_view_new (self->workspace, self->settings));
}

static gboolean
create_deferred_cb (gpointer user_data)
{
  DebriefWindow *self = user_data;
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_files);

  if (self->painted)
    return G_SOURCE_REMOVE;
  self->painted = TRUE;
  /* Every window without an icon of its own, this one included (X11 gets
   * the icon now; Wayland takes it from the desktop file). */
  if (g_strcmp0 (gtk_window_get_default_icon_name (), APPLICATION_ID) != 0)
    gtk_window_set_default_icon_name (APPLICATION_ID);
  ensure_overview (self);
  if (pending != NULL)
    {
      debrief_window_open_files (self, (GFile **) pending->pdata, pending->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  ensure_samples_view (self);
  _debrief_window_ensure_report_view (self);
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
  /* GtkSourceView parses its language and style files when the editor is
   * built (~80 ms) and the samples view takes ~12 ms of CPU to build and
   * measure: neither need delay the first frame. */
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (first_frame_painted_cb), widget, 0);
  else
    create_deferred_cb (widget);
}

/* ---- object ---- */

static gboolean
debrief_window_close_request (GtkWindow *window)
{
  DebriefWindow *self = DEBRIEF_WINDOW (window);
  int width, height;

  if (!self->close_confirmed && self->report_view != NULL &&
      debrief_report_view_get_modified (self->report_view))
    {
      _debrief_window_close_after_asking (self);
      return TRUE;
    }

  gtk_window_get_default_size (window, &width, &height);
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  debrief_workspace_cancel (self->workspace);

  return GTK_WINDOW_CLASS (debrief_window_parent_class)->close_request (window);
}

/* The pattern is checked in Preferences as it is typed; one written by other
 * means (gsettings) that does not compile is left out, with a warning. */
static void
apply_log_pattern (DebriefWindow *self,
                   gboolean       reload)
{
  g_autofree char *pattern = g_settings_get_string (self->settings, "log-pattern");
  g_autoptr(GError) error = NULL;
  DebriefLoadOptions options = { NULL };

  if (*pattern != '\0' && debrief_load_check_text_pattern (pattern, &error))
    options.text_pattern = pattern;
  else if (error != NULL)
    g_message ("log-pattern: %s", error->message);
  debrief_workspace_set_load_options (self->workspace, &options);
  /* The open runs are read again with it (a text log may now give other series). */
  if (reload)
    debrief_workspace_reload (self->workspace);
}

static void
log_pattern_changed_cb (DebriefWindow *self)
{
  apply_log_pattern (self, TRUE);
}

static void
debrief_window_constructed (GObject *object)
{
  DebriefWindow *self = (DebriefWindow *)object;
  GListModel *recent;

  G_OBJECT_CLASS (debrief_window_parent_class)->constructed (object);

  /* A window made without an application (tests) makes its own; the
   * application gives every window its one GSettings and a workspace. */
  if (self->settings == NULL)
    self->settings = g_settings_new (APPLICATION_ID);
  if (self->workspace == NULL)
    {
      self->workspace = debrief_workspace_new ();
      debrief_workspace_set_settings (self->workspace, self->settings);
      debrief_workspace_set_watch_files (self->workspace, TRUE);
      debrief_workspace_set_follow (self->workspace, DEBRIEF_FOLLOW_LIVE);
    }

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  gtk_list_box_bind_model (self->runs_list, debrief_workspace_get_runs (self->workspace),
                           _debrief_window_create_run_row, self, NULL);
  recent = debrief_workspace_get_recent_runs (self->workspace);
  gtk_list_box_bind_model (self->recent_list, recent, create_recent_row, self, NULL);
  g_signal_connect_object (recent, "items-changed", G_CALLBACK (recent_changed_cb), self, G_CONNECT_SWAPPED);
  recent_changed_cb (self);

  g_signal_connect_object (debrief_workspace_get_runs (self->workspace), "items-changed",
                           G_CALLBACK (_debrief_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->workspace, "notify::busy", G_CALLBACK (busy_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->workspace, "notify::loading", G_CALLBACK (_debrief_window_update_state),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->workspace, "notify::progress", G_CALLBACK (progress_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->workspace, "notify::error", G_CALLBACK (error_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->workspace, "warning", G_CALLBACK (warning_cb), self, G_CONNECT_SWAPPED);

  /* Text logs of other shapes are read with the pattern of Preferences. */
  apply_log_pattern (self, FALSE);
  g_signal_connect_object (self->settings, "changed::log-pattern", G_CALLBACK (log_pattern_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* The views are built when the first frame is painted (or runs open before it). */
  g_signal_connect (self, "map", G_CALLBACK (window_mapped_cb), NULL);
  _debrief_window_live_init (self);

  _debrief_window_update_state (self);
}

static void
debrief_window_dispose (GObject *object)
{
  DebriefWindow *self = (DebriefWindow *)object;

  /* The window's runs go with it: loads stop, analyses are dropped. */
  if (self->workspace != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->workspace, self);
      debrief_workspace_cancel (self->workspace);
      debrief_workspace_close_all (self->workspace);
    }
  _debrief_window_live_clear (self);
  self->report_view = NULL;  /* owned by report_slot */
  self->plot = NULL;         /* owned by plot_slot */
  self->runs_table = NULL;   /* owned by table_slot */
  g_clear_pointer (&self->pending_files, g_ptr_array_unref);
  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (self->shortcuts_window);
      g_clear_object (&self->shortcuts_window);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), DEBRIEF_TYPE_WINDOW);

  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (debrief_window_parent_class)->dispose (object);
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
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DebriefWindow *self = DEBRIEF_WINDOW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_window_class_init (DebriefWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = debrief_window_constructed;
  object_class->dispose = debrief_window_dispose;
  object_class->get_property = debrief_window_get_property;
  object_class->set_property = debrief_window_set_property;
  window_class->close_request = debrief_window_close_request;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "empty",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, DEBRIEF_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, header_end_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, recent_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, runs_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, plot_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, table_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, runs_scroller);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, findings_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, capacity_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, samples_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefWindow, report_slot);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);

  _debrief_window_class_add_actions (klass);
  _debrief_window_class_add_live_actions (widget_class);
}

static void
debrief_window_init (DebriefWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (drop, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (drop, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
