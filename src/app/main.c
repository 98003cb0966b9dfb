/* main.c: the debrief GUI
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "debrief-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DebriefApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* DEBRIEF_LOCALEDIR points at an uninstalled catalog tree (tests, translators) */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DEBRIEF_LOCALEDIR") ? g_getenv ("DEBRIEF_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = debrief_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
