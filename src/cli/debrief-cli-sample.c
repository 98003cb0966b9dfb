/* debrief-cli-sample.c: `debrief-cli sample`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-cli-commands.h"

/* Placeholder until the sample feature lands; replaced by its owner. */
int
debrief_cli_sample (int argc, char **argv)
{
  g_printerr (_("debrief-cli: “%s” is not available in this build yet\n"), "sample");
  return DEBRIEF_CLI_EXIT_FAILED;
}
