/* debrief-cli-capacity.c: `debrief-cli capacity`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-cli-commands.h"

/* Placeholder until the capacity feature lands; replaced by its owner. */
int
debrief_cli_capacity (int argc, char **argv)
{
  g_printerr (_("debrief-cli: “%s” is not available in this build yet\n"), "capacity");
  return DEBRIEF_CLI_EXIT_FAILED;
}
