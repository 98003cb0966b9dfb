/* debrief-cli-compare.c: `debrief-cli compare`, runs side by side and what the sweep says
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON is a contract (DESIGN.md): {"version", "runs": [RUN...] exactly as
 * `analyze --json` prints them, "columns", "groups", "findings"}; keys are
 * only ever added.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "debrief-cli-commands.h"
#include "debrief-cli-json.h"
#include "debrief-core.h"

/* Text wider than this is cut in the terminal table (the CSV has it whole). */
#define MAX_CELL_WIDTH 40

static char *
fit_cell (const char *text,
          glong       width)
{
  glong len = g_utf8_strlen (text, -1);
  GString *s;

  if (len > MAX_CELL_WIDTH)
    {
      s = g_string_new_len (text, g_utf8_offset_to_pointer (text, MAX_CELL_WIDTH - 1) - text);
      g_string_append (s, "…");
      len = MAX_CELL_WIDTH;
    }
  else
    s = g_string_new (text);
  for (; len < width; len++)
    g_string_append_c (s, ' ');
  return g_string_free (s, FALSE);
}

static void
print_table (DebriefSweep *sweep,
             const guint  *order)
{
  guint n_columns = debrief_sweep_get_n_columns (sweep);
  guint n_runs = debrief_sweep_get_n_runs (sweep);
  g_autofree glong *widths = g_new0 (glong, n_columns);

  for (guint c = 0; c < n_columns; c++)
    {
      const DebriefSweepColumn *column = debrief_sweep_get_column (sweep, c);
      widths[c] = MIN (g_utf8_strlen (column->label, -1), MAX_CELL_WIDTH);
      for (guint r = 0; r < n_runs; r++)
        {
          const char *text = debrief_sweep_get_text (sweep, r, c, NULL);
          widths[c] = MAX (widths[c], MIN (g_utf8_strlen (text ? text : "–", -1), MAX_CELL_WIDTH));
        }
    }
  for (guint c = 0; c < n_columns; c++)
    if (debrief_sweep_column_is_informative (sweep, c))
      {
        g_autofree char *cell = fit_cell (debrief_sweep_get_column (sweep, c)->label, widths[c]);
        printf ("%s  ", cell);
      }
  printf ("\n");
  for (guint k = 0; k < n_runs; k++)
    {
      for (guint c = 0; c < n_columns; c++)
        if (debrief_sweep_column_is_informative (sweep, c))
          {
            const char *text = debrief_sweep_get_text (sweep, order[k], c, NULL);
            g_autofree char *cell = fit_cell (text ? text : "–", widths[c]);
            printf ("%s  ", cell);
          }
      printf ("\n");
    }
}

static void
print_human (DebriefSweep *sweep,
             const guint  *order,
             const char   *written)
{
  GListModel *findings = debrief_sweep_get_findings (sweep);
  int better;
  const char *objective = debrief_sweep_get_objective (sweep, &better);

  print_table (sweep, order);
  printf ("\n");
  if (objective != NULL)
    {
      int c = debrief_sweep_find_column (sweep, objective);
      printf (_("Compared on: %s (%s)\n"), debrief_sweep_get_column (sweep, c)->label,
              better > 0 ? _("higher is better") : _("lower is better"));
    }
  for (guint g = 0; g < debrief_sweep_get_n_groups (sweep); g++)
    {
      const DebriefSweepGroup *group = debrief_sweep_get_group (sweep, g);
      if (isfinite (group->std))
        printf (g_dngettext (GETTEXT_PACKAGE, "  group %s: %u run, mean %.4f ± %.4f\n",
                             "  group %s: %u runs, mean %.4f ± %.4f\n", group->members->len),
                group->label, group->members->len, group->mean, group->std);
      else if (isfinite (group->mean))
        printf (g_dngettext (GETTEXT_PACKAGE, "  group %s: %u run, mean %.4f\n", "  group %s: %u runs, mean %.4f\n",
                             group->members->len),
                group->label, group->members->len, group->mean);
    }
  printf ("\n");
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) f = g_list_model_get_item (findings, i);

      printf ("[%s] %s (%s)\n", debrief_severity_to_string (debrief_finding_get_severity (f)),
              debrief_finding_get_title (f), debrief_finding_get_id (f));
      printf (_("    evidence: %s\n"), debrief_finding_get_evidence (f));
      printf (_("    cause: %s\n"), debrief_finding_get_cause (f));
      printf (_("    fix: %s\n"), debrief_finding_get_fix (f));
    }
  if (g_list_model_get_n_items (findings) == 0)
    printf ("%s\n", _("No sweep findings: nothing the numbers support beyond the table."));
  if (written)
    printf (_("wrote %s\n"), written);
}

static void
csv_field (GString    *s,
           const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  /* RFC 4180: quoted, quotes doubled. */
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

static void
print_csv (DebriefSweep *sweep,
           const guint  *order)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n_columns = debrief_sweep_get_n_columns (sweep);

  for (guint c = 0; c < n_columns; c++)
    {
      if (c > 0)
        g_string_append_c (s, ',');
      csv_field (s, debrief_sweep_get_column (sweep, c)->key);
    }
  g_string_append (s, ",path\r\n");
  for (guint k = 0; k < debrief_sweep_get_n_runs (sweep); k++)
    {
      DebriefSweepRun *run = debrief_sweep_get_run (sweep, order[k]);

      for (guint c = 0; c < n_columns; c++)
        {
          const DebriefSweepColumn *column = debrief_sweep_get_column (sweep, c);
          double number;
          const char *text = debrief_sweep_get_text (sweep, order[k], c, &number);

          if (c > 0)
            g_string_append_c (s, ',');
          /* Numbers in full precision for scripts, not as the table rounds them. */
          if (text != NULL && column->numeric && isfinite (number))
            {
              char buffer[G_ASCII_DTOSTR_BUF_SIZE];
              g_string_append (s, g_ascii_formatd (buffer, sizeof buffer, "%.10g", number));
            }
          else
            csv_field (s, text);
        }
      g_string_append_c (s, ',');
      csv_field (s, debrief_run_get_path (debrief_sweep_run_get_run (run)));
      g_string_append (s, "\r\n");
    }
  fwrite (s->str, 1, s->len, stdout);
}

int
debrief_cli_compare (int    argc,
                     char **argv)
{
  gboolean json = FALSE, csv = FALSE, no_write = FALSE;
  g_autofree char *sort = NULL;
  g_autofree char *group_by = NULL;
  g_autofree char *pattern = NULL;
  g_auto(GStrv) dirs = NULL;
  DebriefLoadOptions load_options = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object instead of a table"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print the table as CSV"), NULL },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort, N_("Sort by the column KEY (-KEY: descending); default: best first"), N_("KEY") },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &group_by, N_("Group the runs by the columns KEY[,KEY] (default, or “seeds”: runs that differ only by seed)"), N_("KEY") },
    { "no-write", 0, 0, G_OPTION_ARG_NONE, &no_write, N_("Do not write sweep.md into the runs' common folder"), NULL },
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &pattern, DEBRIEF_CLI_PATTERN_HELP, "REGEX" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, NULL, N_("DIR…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(DebriefWorkspace) workspace = NULL;
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DebriefSweep) sweep = NULL;
  g_autofree guint *order = NULL;
  g_autofree char *written = NULL;
  gboolean failed = FALSE;

  g_option_context_set_summary (context, _("Compares runs (a sweep of learning rates, ranks, seeds): the settings "
                                           "that differ, the results, groups of seeds, and which run is best "
                                           "compared with the seed-to-seed noise. Writes sweep.md into the "
                                           "runs' common folder."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;
  if (dirs == NULL || dirs[0] == NULL)
    {
      g_printerr (_("debrief-cli compare: no run folder given (DIR…)\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (json && csv)
    {
      g_printerr (_("debrief-cli compare: --json and --csv cannot be combined\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (!debrief_cli_check_pattern ("compare", pattern))
    return DEBRIEF_CLI_EXIT_USAGE;
  load_options.text_pattern = pattern;

  /* The app's workspace, run to completion: the same discovery, loading and
   * analysis as the window. */
  workspace = debrief_workspace_new ();
  debrief_workspace_set_load_options (workspace, &load_options);
  for (guint d = 0; dirs[d]; d++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (dirs[d]));
  batch = debrief_workspace_open_sync (workspace, (GFile **) files->pdata, files->len, DEBRIEF_OPEN_DISCOVER, NULL);
  for (guint i = 0; i < debrief_load_batch_get_n_results (batch); i++)
    {
      DebriefRun *run = debrief_load_batch_get_run (batch, i);

      if (run == NULL)
        {
          g_printerr ("debrief-cli compare: %s\n", debrief_load_batch_get_error (batch, i)->message);
          failed = TRUE;
          continue;
        }
      if (debrief_run_get_analysis (run) == NULL)
        {
          g_printerr (_("debrief-cli compare: %s: the analysis did not finish\n"), debrief_run_get_path (run));
          failed = TRUE;
          continue;
        }
      /* A folder asked for twice is one run. */
      if (!g_ptr_array_find (runs, run, NULL))
        g_ptr_array_add (runs, g_object_ref (run));
    }

  if (g_strcmp0 (group_by, "seeds") == 0)
    g_clear_pointer (&group_by, g_free);
  sweep = debrief_sweep_new_for_runs (runs, NULL);
  if (group_by != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!debrief_sweep_check_keys (sweep, "--group-by", group_by, &error))
        {
          g_printerr ("debrief-cli compare: %s", error->message);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      g_clear_object (&sweep);
      sweep = debrief_sweep_new_for_runs (runs, group_by);
    }

  order = g_new (guint, MAX (runs->len, 1));
  if (sort != NULL)
    {
      gboolean descending = sort[0] == '-';
      int c = debrief_sweep_find_column (sweep, sort + (descending ? 1 : 0));

      if (c < 0)
        {
          g_autoptr(GError) error = NULL;
          debrief_sweep_check_keys (sweep, "--sort", sort + (descending ? 1 : 0), &error);
          g_printerr ("debrief-cli compare: %s", error->message);
          return DEBRIEF_CLI_EXIT_USAGE;
        }
      debrief_sweep_sort (sweep, (guint) c, descending, order);
    }
  else
    {
      int better;
      const char *objective = debrief_sweep_get_objective (sweep, &better);

      if (objective != NULL)
        debrief_sweep_sort (sweep, (guint) debrief_sweep_find_column (sweep, objective), better > 0, order);
      else
        debrief_sweep_sort (sweep, 0, FALSE, order);
    }

  if (!no_write && runs->len >= 2)
    {
      g_autoptr(GFile) folder = debrief_sweep_get_common_folder (sweep);
      g_autoptr(GFile) edited = NULL;
      g_autoptr(GError) error = NULL;

      if (folder == NULL || g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
        {
          if (!json && !csv)
            g_printerr (_("debrief-cli compare: the runs share no folder to write sweep.md into\n"));
        }
      else if (!debrief_sweep_write (sweep, folder, &edited, NULL, &error))
        {
          g_printerr ("debrief-cli compare: %s\n", error->message);
          failed = TRUE;
        }
      else
        {
          g_autoptr(GFile) file = g_file_get_child (folder, DEBRIEF_SWEEP_FILENAME);
          written = g_file_get_parse_name (file);
          if (edited != NULL)
            {
              g_autofree char *name = g_file_get_parse_name (edited);
              g_printerr (_("debrief-cli compare: the generated part of %s was edited by hand; that version "
                            "is kept as %s\n"), written, name);
            }
        }
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      int better;
      const char *objective = debrief_sweep_get_objective (sweep, &better);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, PACKAGE_VERSION);
      json_builder_set_member_name (b, "runs");
      json_builder_begin_array (b);
      for (guint k = 0; k < runs->len; k++)
        {
          DebriefRun *run = debrief_sweep_run_get_run (debrief_sweep_get_run (sweep, order[k]));
          debrief_cli_add_run_json (b, run, debrief_run_get_analysis (run));
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "columns");
      json_builder_add_value (b, debrief_sweep_columns_to_json (sweep, order, runs->len));
      json_builder_set_member_name (b, "groups");
      json_builder_add_value (b, debrief_sweep_groups_to_json (sweep));
      json_builder_set_member_name (b, "findings");
      json_builder_add_value (b, debrief_sweep_findings_to_json (sweep));
      json_builder_set_member_name (b, "objective");
      if (objective != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "key");
          json_builder_add_string_value (b, objective);
          json_builder_set_member_name (b, "better");
          json_builder_add_string_value (b, better > 0 ? "higher" : "lower");
          json_builder_set_member_name (b, "seed_sigma");
          if (isfinite (debrief_sweep_get_seed_sigma (sweep)))
            json_builder_add_double_value (b, debrief_sweep_get_seed_sigma (sweep));
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "sweep_md");
      if (written)
        json_builder_add_string_value (b, written);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = debrief_cli_json_to_string (root, TRUE);
      printf ("%s\n", text);
    }
  else if (csv)
    print_csv (sweep, order);
  else
    print_human (sweep, order, written);
  return failed ? DEBRIEF_CLI_EXIT_FAILED : DEBRIEF_CLI_EXIT_OK;
}
