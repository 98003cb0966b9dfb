/* debrief-sweep-report.c: a sweep as JSON (debrief-cli compare) and as sweep.md
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-finding.h"
#include "debrief-report.h"
#include "debrief-run.h"
#include "debrief-sweep-private.h"

/* sweep.md lists this many runs; the CSV and the JSON have them all. */
#define MARKDOWN_MAX_RUNS 500

static const char *
role_to_string (DebriefSweepColumnRole role)
{
  switch (role)
    {
    case DEBRIEF_SWEEP_COLUMN_NAME:
      return "name";
    case DEBRIEF_SWEEP_COLUMN_KIND:
      return "kind";
    case DEBRIEF_SWEEP_COLUMN_VERDICT:
      return "verdict";
    case DEBRIEF_SWEEP_COLUMN_CONFIG:
      return "config";
    case DEBRIEF_SWEEP_COLUMN_RESULT:
    default:
      return "result";
    }
}

static void
add_number_or_null (JsonBuilder *b,
                    const char  *member,
                    double       value)
{
  if (member)
    json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
debrief_sweep_columns_to_json (DebriefSweep *self,
                               const guint  *order,
                               guint         n_order)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  if (order == NULL)
    n_order = self->runs->len;
  json_builder_begin_array (b);
  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, column->key);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, column->label);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, role_to_string (column->role));
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, column->numeric ? "number" : "string");
      json_builder_set_member_name (b, "scale");
      json_builder_add_string_value (b, column->log_scale ? "log" : "linear");
      json_builder_set_member_name (b, "better");
      json_builder_add_string_value (b, column->better < 0 ? "lower" : column->better > 0 ? "higher" : "none");
      json_builder_set_member_name (b, "aliases");
      json_builder_begin_array (b);
      for (guint a = 0; column->aliases && column->aliases[a]; a++)
        json_builder_add_string_value (b, column->aliases[a]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "distinct");
      json_builder_add_int_value (b, column->n_distinct);
      /* Values in the order of "runs": numbers as numbers, settings written as
       * text as text, null where the run has none. */
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (guint k = 0; k < n_order; k++)
        {
          const SweepCell *cell = _debrief_sweep_cell (self, c, order ? order[k] : k);
          if (cell->text == NULL)
            json_builder_add_null_value (b);
          else if (column->numeric)
            add_number_or_null (b, NULL, cell->number);
          else
            json_builder_add_string_value (b, cell->text);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

JsonNode *
debrief_sweep_groups_to_json (DebriefSweep *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  json_builder_begin_array (b);
  for (guint g = 0; g < self->groups->len; g++)
    {
      const DebriefSweepGroup *group = &g_array_index (self->groups, DebriefSweepGroup, g);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, group->id);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, group->label);
      json_builder_set_member_name (b, "by");
      if (group->seeds)
        json_builder_add_string_value (b, "seed");
      else
        json_builder_add_string_value (b, self->group_by);
      json_builder_set_member_name (b, "runs");
      json_builder_begin_array (b);
      for (guint k = 0; k < group->members->len; k++)
        json_builder_add_string_value (b, _debrief_sweep_run_label (self, g_array_index (group->members, guint, k)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "objective");
      if (self->objective)
        json_builder_add_string_value (b, self->objective);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, group->n);
      add_number_or_null (b, "mean", group->mean);
      add_number_or_null (b, "std", group->std);
      add_number_or_null (b, "min", group->min);
      add_number_or_null (b, "max", group->max);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static JsonNode *
finding_to_json (DebriefSweep   *self,
                 DebriefFinding *finding)
{
  SweepFindingInfo *info = g_hash_table_lookup (self->finding_info, finding);
  /* The run findings' object (analyze --json), then what names the runs. */
  JsonNode *node = debrief_finding_to_json (finding);
  JsonObject *object = json_node_get_object (node);
  GList *members = info ? json_object_get_members (info->extra) : NULL;

  for (GList *l = members; l; l = l->next)
    json_object_set_member (object, l->data, json_node_copy (json_object_get_member (info->extra, l->data)));
  g_list_free (members);
  return node;
}

JsonNode *
debrief_sweep_findings_to_json (DebriefSweep *self)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(DebriefFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      json_array_add_element (array, finding_to_json (self, finding));
    }
  json_node_take_array (node, array);
  return node;
}

GFile *
debrief_sweep_get_common_folder (DebriefSweep *self)
{
  g_autoptr(GFile) common = NULL;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  if (self->runs->len < 2)
    return NULL;
  common = g_object_ref (debrief_run_get_folder (debrief_sweep_run_get_run (g_ptr_array_index (self->runs, 0))));
  for (guint i = 1; i < self->runs->len && common != NULL; i++)
    {
      GFile *folder = debrief_run_get_folder (debrief_sweep_run_get_run (g_ptr_array_index (self->runs, i)));

      while (common != NULL && !g_file_equal (common, folder) && !g_file_has_prefix (folder, common))
        {
          GFile *parent = g_file_get_parent (common);
          g_object_unref (common);
          common = parent;
        }
    }
  return g_steal_pointer (&common);
}

/* Run indices, best objective first (as the table opens). */
static guint *
objective_order (DebriefSweep *self)
{
  guint *order = g_new (guint, MAX (self->runs->len, 1));
  int c = self->objective ? debrief_sweep_find_column (self, self->objective) : -1;

  if (c >= 0)
    debrief_sweep_sort (self, (guint) c, self->better > 0, order);
  else
    debrief_sweep_sort (self, 0, FALSE, order);
  return order;
}

static void
append_table (DebriefSweep *self,
              GString      *s)
{
  g_autofree guint *order = objective_order (self);
  guint shown = MIN (self->runs->len, MARKDOWN_MAX_RUNS);

  g_string_append (s, "|");
  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);
      if (!debrief_sweep_column_is_informative (self, c))
        continue;
      g_string_append_c (s, ' ');
      debrief_report_append_cell (s, column->label);
      g_string_append (s, " |");
    }
  g_string_append (s, "\n|");
  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);
      if (!debrief_sweep_column_is_informative (self, c))
        continue;
      g_string_append (s, column->numeric ? "---:|" : "---|");
    }
  g_string_append_c (s, '\n');
  for (guint k = 0; k < shown; k++)
    {
      g_string_append (s, "|");
      for (guint c = 0; c < self->columns->len; c++)
        {
          const SweepCell *cell = _debrief_sweep_cell (self, c, order[k]);
          if (!debrief_sweep_column_is_informative (self, c))
            continue;
          g_string_append_c (s, ' ');
          debrief_report_append_cell (s, cell->text ? cell->text : "–");
          g_string_append (s, " |");
        }
      g_string_append_c (s, '\n');
    }
  if (shown < self->runs->len)
    g_string_append_printf (s, "\n%s\n", _("_More runs than this table shows: `debrief-cli compare --csv` lists them all._"));
  g_string_append_c (s, '\n');
}

static void
append_groups (DebriefSweep *self,
               GString      *s)
{
  int c = self->objective ? debrief_sweep_find_column (self, self->objective) : -1;
  const DebriefSweepColumn *column = c >= 0 ? &g_array_index (self->columns, DebriefSweepColumn, c) : NULL;

  if (self->groups->len == 0 || column == NULL)
    return;
  g_string_append_printf (s, "## %s\n\n", _("Groups"));
  /* Translators: the header of the groups table in sweep.md; %s is the objective ("Best validation loss") */
  g_string_append_printf (s, _("| Group | Runs | %s (mean) | Standard deviation | Min | Max |\n"), column->label);
  g_string_append (s, "|---|---:|---:|---:|---:|---:|\n");
  for (guint g = 0; g < self->groups->len; g++)
    {
      const DebriefSweepGroup *group = &g_array_index (self->groups, DebriefSweepGroup, g);
      g_autofree char *mean = _debrief_sweep_format_value (column, group->mean);
      g_autofree char *std = isfinite (group->std) ? g_strdup_printf ("%.3g", group->std) : NULL;
      g_autofree char *lo = _debrief_sweep_format_value (column, group->min);
      g_autofree char *hi = _debrief_sweep_format_value (column, group->max);

      g_string_append (s, "| ");
      debrief_report_append_cell (s, group->label);
      g_string_append_printf (s, " | %u | %s | %s | %s | %s |\n", group->members->len, mean ? mean : "–",
                              std ? std : "–", lo ? lo : "–", hi ? hi : "–");
    }
  g_string_append_c (s, '\n');
}

char *
debrief_sweep_to_markdown (DebriefSweep *self,
                           GDateTime    *date)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *when = NULL;
  GListModel *findings = G_LIST_MODEL (self->findings);

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  now = date ? g_date_time_ref (date) : g_date_time_new_now_utc ();
  when = g_date_time_format (now, "%Y-%m-%d %H:%M %Z");
  folder = debrief_sweep_get_common_folder (self);
  name = folder ? g_file_get_basename (folder) : g_strdup (_("runs"));

  g_string_append_printf (s, "# %s: %s\n\n", _("Debrief sweep"), name);
  g_string_append_c (s, '_');
  /* Translators: the byline of sweep.md: the date, the number of runs */
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "Compared on %s: %u run", "Compared on %s: %u runs",
                                          self->runs->len), when, self->runs->len);
  g_string_append_printf (s, ", Debrief %s._\n\n", PACKAGE_VERSION);

  if (self->objective)
    {
      int c = debrief_sweep_find_column (self, self->objective);
      const char *label = g_array_index (self->columns, DebriefSweepColumn, c).label;

      g_string_append_printf (s, "**%s** %s (%s)", _("Compared on:"), label,
                              self->better > 0 ? _("higher is better") : _("lower is better"));
      if (self->seed_df > 0)
        /* Translators: the seed-to-seed standard deviation and its degrees of freedom */
        g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "; seed-to-seed spread σ %.3g (%u degree of freedom)",
                                                "; seed-to-seed spread σ %.3g (%u degrees of freedom)", self->seed_df),
                                self->seed_sigma, self->seed_df);
      else
        g_string_append_printf (s, "; %s", _("no two runs differ only by seed"));
      g_string_append (s, ".\n\n");
    }

  g_string_append_printf (s, "## %s\n\n", _("Findings"));
  if (g_list_model_get_n_items (findings) == 0)
    g_string_append_printf (s, "%s\n\n", _("_Nothing the numbers support beyond the table._"));
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, i);
      g_autofree char *md = debrief_finding_to_markdown (finding);
      g_string_append (s, md);
      g_string_append_c (s, '\n');
    }

  g_string_append_printf (s, "## %s\n\n", _("Runs"));
  append_table (self, s);
  append_groups (self, s);

  if (self->notes->len > 0)
    {
      g_string_append_printf (s, "## %s\n\n", _("What could not be compared"));
      for (guint i = 0; i < self->notes->len; i++)
        g_string_append_printf (s, "- %s\n", (char *) g_ptr_array_index (self->notes, i));
      g_string_append_c (s, '\n');
    }
  debrief_report_finish (s);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
debrief_sweep_write (DebriefSweep  *self,
                     GFile         *folder,
                     GFile        **out_edited_copy,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  file = g_file_get_child (folder, DEBRIEF_SWEEP_FILENAME);
  text = debrief_sweep_to_markdown (self, NULL);
  return debrief_report_write_file (file, text, out_edited_copy, cancellable, error);
}
