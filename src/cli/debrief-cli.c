/* debrief-cli.c: the headless front end
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-cli-commands.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "analyze", debrief_cli_analyze, N_("Diagnose runs, print findings, write analysis.md") },
  { "capacity", debrief_cli_capacity, N_("Check whether a LoRA rank can hold a dataset") },
  { "compare", debrief_cli_compare, N_("Compare runs: a sweep's table, seed groups, the best run against seed noise") },
  { "plot", debrief_cli_plot, N_("Draw the loss chart into a PNG, SVG or PDF file") },
  { "sample", debrief_cli_sample, N_("Sample the fine-tuned and base model side by side") },
  { "judge", debrief_cli_judge, N_("Compare the samples with an LLM judge, report the win rate") },
  { "serve-command", debrief_cli_serve_command, N_("Print how to serve a checkpoint with vLLM, SGLang, llama.cpp, Ollama or Tinker") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: debrief-cli COMMAND [OPTION…] [DIR…]"));
  fprintf (out, "\n%s\n", _("Tells whether a fine-tuning run worked and what to do next."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  %-14s %s\n", "--help", _("Show this help; COMMAND --help shows a command's options"));
  fprintf (out, "  %-14s %s\n", "--version", _("Show the version"));
}

gboolean
debrief_cli_check_pattern (const char *command,
                           const char *pattern)
{
  g_autoptr(GError) error = NULL;

  if (pattern == NULL || debrief_load_check_text_pattern (pattern, &error))
    return TRUE;
  g_printerr ("debrief-cli %s: --pattern: %s\n", command, error->message);
  return FALSE;
}

void
debrief_cli_add_string_or_null (JsonBuilder *b,
                                const char  *member,
                                const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
debrief_cli_json_to_string (JsonNode *node,
                            gboolean  pretty)
{
  char *text = json_to_string (node, pretty);
  char *r = text, *w = text;
  gboolean in_string = FALSE;

  /* Outside strings an 'e' after a digit is a number's exponent. */
  while (*r != '\0')
    {
      char c = *r;

      if (in_string)
        {
          *w++ = *r++;
          if (c == '\\' && *r != '\0')
            *w++ = *r++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if ((c == 'e' || c == 'E') && w > text && g_ascii_isdigit (w[-1]))
        {
          *w++ = *r++;
          if (*r == '+' || *r == '-')
            *w++ = *r++;
          while (g_ascii_isdigit (*r))
            *w++ = *r++;
          if (r[0] == '.' && r[1] == '0' && !g_ascii_isdigit (r[2]))
            r += 2;
          continue;
        }
      *w++ = *r++;
    }
  *w = '\0';
  return text;
}

gboolean
debrief_cli_parse (GOptionContext *context,
                   int            *argc,
                   char         ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("debrief-cli: %s\n\n%s", error->message, help);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  /* DEBRIEF_LOCALEDIR points at an uninstalled catalog tree (tests, translators) */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DEBRIEF_LOCALEDIR") ? g_getenv ("DEBRIEF_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("debrief-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return DEBRIEF_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("debrief-cli %s\n", PACKAGE_VERSION);
      return DEBRIEF_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("debrief-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return DEBRIEF_CLI_EXIT_USAGE;
}
