/* debrief-cli-commands.h: one function per debrief-cli subcommand
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 success, 1 a run could
 * not be loaded / the operation failed, 2 usage error.
 */
#pragma once

#include <glib.h>

/* Only the commands that write JSON include json-glib itself. */
typedef struct _JsonBuilder JsonBuilder;
typedef struct _JsonNode JsonNode;

G_BEGIN_DECLS

#define DEBRIEF_CLI_EXIT_OK     0
#define DEBRIEF_CLI_EXIT_FAILED 1
#define DEBRIEF_CLI_EXIT_USAGE  2

int debrief_cli_analyze  (int argc, char **argv);
int debrief_cli_capacity (int argc, char **argv);
int debrief_cli_sample   (int argc, char **argv);
int debrief_cli_judge    (int argc, char **argv);
int debrief_cli_plot     (int argc, char **argv);
int debrief_cli_serve_command (int argc, char **argv);
int debrief_cli_compare  (int argc, char **argv);

/* Parses @context over @argv; on failure prints the error and the usage to stderr. */
/* --pattern of analyze and plot: TRUE when absent or usable, else prints why
 * ("debrief-cli COMMAND: ...") and returns FALSE (a usage error). */
gboolean debrief_cli_check_pattern (const char *command,
                                    const char *pattern);
#define DEBRIEF_CLI_PATTERN_HELP N_("Regular expression for text logs of another shape: a named group “step” and one per metric, e.g. 'it (?<step>\\d+) loss=(?<loss>\\S+)'")

/* "member": "value", or null when @value is NULL (the JSON of every subcommand). */
void     debrief_cli_add_string_or_null (JsonBuilder *b,
                                         const char  *member,
                                         const char  *value);

/* json_to_string (), with numbers json-glib 1.6 writes wrongly made JSON again:
 * a double whose shortest form has an exponent and no '.' gets ".0" appended
 * ("6e-10.0", "1e+20.0"), which no JSON parser reads. */
char    *debrief_cli_json_to_string (JsonNode *node,
                                     gboolean  pretty);

gboolean debrief_cli_parse (GOptionContext *context,
                            int            *argc,
                            char         ***argv);

G_END_DECLS
