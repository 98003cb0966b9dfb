/* bench-startup-minimal.c: the baseline for bench-startup.sh
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The smallest libadwaita application (one window with a header bar and a
 * status page), timed the same way as Debrief (DEBRIEF_PROFILE_STARTUP): from
 * application creation to the first painted frame. What GTK, libadwaita and the
 * display cost on this machine, against which Debrief's own start-up is read.
 */
#include <adwaita.h>

#include "debrief-profile.h"

static gint64 start_us;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
  g_printerr ("first-frame-ms %.1f\n", (g_get_monotonic_time () - start_us) / 1000.0);
  debrief_profile_print_startup ();
  g_application_quit (G_APPLICATION (user_data));
}

static void
realize_cb (GtkWidget *window,
            gpointer   app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), app);
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (status), "Hello");
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  start_us = g_get_monotonic_time ();
  app = adw_application_new ("io.github.debrief.BenchStartup", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
