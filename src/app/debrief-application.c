/* debrief-application.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One primary instance: a second `debrief DIR...` sends its folders here
 * (G_APPLICATION_HANDLES_OPEN) and they open in the active window.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-application.h"
#include "debrief-profile.h"
#include "debrief-preferences-window.h"
#include "debrief-window.h"

struct _DebriefApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (DebriefApplication, debrief_application, ADW_TYPE_APPLICATION)

/* DEBRIEF_PROFILE_STARTUP=1 (tests/bench/bench-startup.sh): print the time from
 * application creation to the first painted frame of the first window (and,
 * debrief_profile_print_startup, from the exec and in CPU), then quit. */
static gint64 process_start_us;

DebriefApplication *
debrief_application_new (void)
{
  if (process_start_us == 0)
    process_start_us = g_get_monotonic_time ();

  return g_object_new (DEBRIEF_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/debrief/Debrief",
                       NULL);
}

GSettings *
debrief_application_get_settings (DebriefApplication *self)
{
  g_return_val_if_fail (DEBRIEF_IS_APPLICATION (self), NULL);
  return self->settings;
}


static void
first_frame_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  GtkWindow *window = user_data;
  GApplication *app = G_APPLICATION (gtk_window_get_application (window));

  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, user_data);
  g_printerr ("first-frame-ms %.1f\n", (g_get_monotonic_time () - process_start_us) / 1000.0);
  debrief_profile_print_startup ();
  if (app != NULL)
    g_application_quit (app);
}

static void
window_realized_cb (GtkWidget *widget,
                    gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), widget);
}

static void
watch_first_frame (DebriefWindow *window)
{
  if (process_start_us == 0 || g_getenv ("DEBRIEF_PROFILE_STARTUP") == NULL)
    return;
  g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), NULL);
}

/* Each window has its own runs; what the user typed for a run folder and the
 * recent runs are shared by all of them (on disk, and in the one GSettings). */
static DebriefWindow *
create_window (DebriefApplication *self)
{
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  g_autoptr(GFile) state_file = g_file_new_build_filename (g_get_user_state_dir (), "debrief", "runs.ini", NULL);

  debrief_workspace_set_settings (workspace, self->settings);
  debrief_workspace_set_state_file (workspace, state_file);
  debrief_workspace_set_watch_files (workspace, TRUE);
  /* Runs still being written are followed: read as they grow, a badge and an ETA. */
  debrief_workspace_set_follow (workspace, DEBRIEF_FOLLOW_LIVE);
  return debrief_window_new (self, workspace);
}

static DebriefWindow *
get_or_create_window (DebriefApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  DebriefWindow *created;

  if (DEBRIEF_IS_WINDOW (window))
    return DEBRIEF_WINDOW (window);
  created = create_window (self);
  watch_first_frame (created);
  return created;
}

static void
debrief_application_activate (GApplication *app)
{
  DebriefWindow *window = get_or_create_window (DEBRIEF_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
}

static void
debrief_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  DebriefWindow *window = get_or_create_window (DEBRIEF_APPLICATION (app));

  debrief_window_open_files_on_present (window, files, (guint) n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
debrief_application_dispose (GObject *object)
{
  DebriefApplication *self = (DebriefApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (debrief_application_parent_class)->dispose (object);
}

static void
debrief_application_startup (GApplication *app)
{
  DebriefApplication *self = DEBRIEF_APPLICATION (app);

  G_APPLICATION_CLASS (debrief_application_parent_class)->startup (app);

  self->settings = g_settings_new (APPLICATION_ID);
  /* The windows' icon is set after their first frame (debrief-window.c): on
   * X11 a window being realized looks its icon up at five sizes and renders
   * them, 11 ms of the first frame's 170 on this machine. */
}

static void
debrief_application_class_init (DebriefApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);


  object_class->dispose = debrief_application_dispose;
  app_class->activate = debrief_application_activate;
  app_class->open = debrief_application_open;
  app_class->startup = debrief_application_startup;
}

static void
debrief_application_about_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  static const char *developers[] = { "The Debrief developers", NULL };
  DebriefApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "application-name", _("Debrief"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The Debrief developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Tells whether a fine-tuning run worked and what to do next."),
                        "website", "https://github.com/debrief/debrief",
                        "issue-url", "https://github.com/debrief/debrief/issues",
                        "developers", developers,
                        "copyright", "© 2026 The Debrief developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
debrief_application_preferences_action (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  DebriefApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  DebriefPreferencesWindow *prefs = debrief_preferences_window_new (window, self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
debrief_application_new_window_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  DebriefApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (create_window (self)));
}

static void
debrief_application_quit_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  DebriefApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Close each window through close-request so unsaved reports are asked about. */
  for (GList *iter = windows; iter != NULL; iter = iter->next)
    gtk_window_close (iter->data);
}

static const GActionEntry app_actions[] = {
  { "quit", debrief_application_quit_action },
  { "about", debrief_application_about_action },
  { "preferences", debrief_application_preferences_action },
  { "new-window", debrief_application_new_window_action },
};

static void
debrief_application_init (DebriefApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", (const char *[]) { "<primary>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", (const char *[]) { "<primary>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window", (const char *[]) { "<primary><shift>n", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open", (const char *[]) { "<primary>o", NULL });
  /* What GtkApplication sets when the help overlay is at gtk/help-overlay.ui. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", (const char *[]) { "<primary>question", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.close", (const char *[]) { "<primary>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.save-report", (const char *[]) { "<primary>s", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.reanalyze", (const char *[]) { "<primary>r", "F5", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-page('overview')", (const char *[]) { "<alt>1", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-page('samples')", (const char *[]) { "<alt>2", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-page('report')", (const char *[]) { "<alt>3", NULL });
}
