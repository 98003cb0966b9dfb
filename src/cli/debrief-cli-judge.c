/* debrief-cli-judge.c: `debrief-cli judge`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-cli-commands.h"

/* Placeholder until the judge feature lands; replaced by its owner. */
int
debrief_cli_judge (int argc, char **argv)
{
  g_printerr (_("debrief-cli: “%s” is not available in this build yet\n"), "judge");
  return DEBRIEF_CLI_EXIT_FAILED;
}
