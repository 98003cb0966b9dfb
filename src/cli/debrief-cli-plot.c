/* debrief-cli-plot.c: `debrief-cli plot`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-cli-commands.h"

/* Placeholder until the plot feature lands; replaced by its owner. */
int
debrief_cli_plot (int argc, char **argv)
{
  g_printerr (_("debrief-cli: “%s” is not available in this build yet\n"), "plot");
  return DEBRIEF_CLI_EXIT_FAILED;
}
