/* test-cli-compare.c: `debrief-cli compare` against the CLI contract
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the built binary on a generated sweep written as tinker-cookbook
 * folders (one learning rate diverges) beside a folder that is no run, and
 * checks the JSON schema, that every RUN is the object `analyze --json`
 * prints, the CSV, sorting, grouping, sweep.md and the exit codes.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-test-sweep.h"

static const double rates[] = { 1e-3, 3e-3, 1e-2, 0.2 };

typedef struct
{
  char *dir;
  char *bad;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  DebriefTestSweepModel model;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  debrief_test_sweep_model_init (&model);
  model.diverge_lr = 0.1;
  fixture->dir = g_dir_make_tmp ("debrief-compare-XXXXXX", NULL);
  for (guint l = 0; l < G_N_ELEMENTS (rates); l++)
    for (int s = 0; s < 2; s++)
      {
        g_autofree char *name = debrief_test_sweep_run_name (rates[l], 8, s);
        debrief_test_sweep_write_run (&model, rand, fixture->dir, name, rates[l], 8, s, NULL);
      }
  fixture->bad = g_build_filename (fixture->dir, "not-a-run", NULL);
  g_assert_cmpint (g_mkdir (fixture->bad, 0755), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  debrief_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->bad);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The run folders (without the bad one), sorted. */
static GPtrArray *
run_dirs (Fixture *fixture)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "lr"))
      g_ptr_array_add (dirs, g_build_filename (fixture->dir, name, NULL));
  g_ptr_array_sort (dirs, compare_paths);
  return dirs;
}

static void
validate_column (JsonObject *column,
                 guint       n_runs)
{
  const char *role, *type;

  debrief_test_assert_member_type (column, "key", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (column, "label", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (column, "role", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (column, "type", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (column, "scale", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (column, "better", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (column, "aliases", JSON_TYPE_ARRAY, FALSE);
  debrief_test_assert_member_type (column, "distinct", G_TYPE_INT64, FALSE);
  debrief_test_assert_member_type (column, "values", JSON_TYPE_ARRAY, FALSE);
  role = json_object_get_string_member (column, "role");
  type = json_object_get_string_member (column, "type");
  g_assert_true (g_str_equal (role, "name") || g_str_equal (role, "kind") || g_str_equal (role, "verdict") ||
                 g_str_equal (role, "config") || g_str_equal (role, "result"));
  g_assert_true (g_str_equal (type, "number") || g_str_equal (type, "string"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (column, "values")), ==, n_runs);
  for (guint i = 0; i < n_runs; i++)
    {
      JsonNode *v = json_array_get_element (json_object_get_array_member (column, "values"), i);
      if (JSON_NODE_HOLDS_NULL (v))
        continue;
      if (g_str_equal (type, "number"))
        g_assert_true (json_node_get_value_type (v) == G_TYPE_DOUBLE || json_node_get_value_type (v) == G_TYPE_INT64);
      else
        g_assert_true (json_node_get_value_type (v) == G_TYPE_STRING);
    }
}

static void
validate_group (JsonObject *group)
{
  debrief_test_assert_member_type (group, "id", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (group, "label", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (group, "by", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (group, "runs", JSON_TYPE_ARRAY, FALSE);
  debrief_test_assert_member_type (group, "objective", G_TYPE_STRING, TRUE);
  debrief_test_assert_member_type (group, "n", G_TYPE_INT64, FALSE);
  debrief_test_assert_member_type (group, "mean", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (group, "std", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (group, "min", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (group, "max", G_TYPE_DOUBLE, TRUE);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (group, "runs")), >=, 1);
}

static void
validate_finding (JsonObject *finding)
{
  const char *id;
  JsonArray *actions;

  debrief_test_assert_member_type (finding, "id", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (finding, "severity", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (finding, "title", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (finding, "evidence", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (finding, "cause", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (finding, "fix", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (finding, "step", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (finding, "actions", JSON_TYPE_ARRAY, FALSE);
  id = json_object_get_string_member (finding, "id");
  g_assert_true (g_str_equal (id, "sweep_best") || g_str_equal (id, "sweep_not_separable") ||
                 g_str_equal (id, "sweep_lr_edge") || g_str_equal (id, "sweep_rank_flat") ||
                 g_str_equal (id, "sweep_failed"));
  if (g_str_equal (id, "sweep_best") || g_str_equal (id, "sweep_not_separable"))
    {
      g_assert_true (json_object_has_member (finding, "run") || json_object_has_member (finding, "group"));
      debrief_test_assert_member_type (finding, "objective", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (finding, "value", G_TYPE_DOUBLE, FALSE);
      debrief_test_assert_member_type (finding, "margin", G_TYPE_DOUBLE, FALSE);
      debrief_test_assert_member_type (finding, "noise", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (finding, "seed_sigma", G_TYPE_DOUBLE, TRUE);
    }
  if (g_str_equal (id, "sweep_failed"))
    {
      JsonArray *runs;
      debrief_test_assert_member_type (finding, "runs", JSON_TYPE_ARRAY, FALSE);
      runs = json_object_get_array_member (finding, "runs");
      g_assert_cmpuint (json_array_get_length (runs), >=, 1);
      for (guint i = 0; i < json_array_get_length (runs); i++)
        {
          JsonObject *entry = json_array_get_object_element (runs, i);
          debrief_test_assert_member_type (entry, "run", G_TYPE_STRING, FALSE);
          debrief_test_assert_member_type (entry, "path", G_TYPE_STRING, FALSE);
          debrief_test_assert_member_type (entry, "findings", JSON_TYPE_ARRAY, FALSE);
        }
    }
  actions = json_object_get_array_member (finding, "actions");
  for (guint i = 0; i < json_array_get_length (actions); i++)
    {
      JsonObject *action = json_array_get_object_element (actions, i);
      debrief_test_assert_member_type (action, "type", G_TYPE_STRING, FALSE);
      if (g_str_equal (json_object_get_string_member (action, "type"), "extend_sweep"))
        {
          JsonArray *values;
          debrief_test_assert_member_type (action, "key", G_TYPE_STRING, FALSE);
          debrief_test_assert_member_type (action, "values", JSON_TYPE_ARRAY, FALSE);
          values = json_object_get_array_member (action, "values");
          g_assert_cmpuint (json_array_get_length (values), >=, 1);
          for (guint v = 0; v < json_array_get_length (values); v++)
            g_assert_true (json_node_get_value_type (json_array_get_element (values, v)) == G_TYPE_DOUBLE);
        }
    }
}

static JsonObject *
find_run (JsonArray  *runs,
          const char *path)
{
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      if (g_str_equal (json_object_get_string_member (run, "path"), path))
        return run;
    }
  return NULL;
}

/* --json: the schema, the RUN objects of analyze, the bad folder named and
 * the rest compared (exit 1), sweep.md written into the common folder. */
static void
test_json (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL, *analyze_out = NULL;
  const char *args[] = { "compare", "--json", fixture->dir, fixture->bad, NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) analyzed = NULL;
  g_autoptr(GPtrArray) dirs = run_dirs (fixture);
  g_autoptr(GPtrArray) analyze_args = g_ptr_array_new ();
  g_autofree char *sweep_md = g_build_filename (fixture->dir, "sweep.md", NULL);
  JsonObject *o;
  JsonArray *runs, *columns, *groups, *findings;
  gboolean failed = FALSE;

  g_assert_cmpint (debrief_test_run_cli (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, fixture->bad));
  root = debrief_test_parse_json (out);
  o = json_node_get_object (root);
  debrief_test_assert_member_type (o, "version", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (o, "runs", JSON_TYPE_ARRAY, FALSE);
  debrief_test_assert_member_type (o, "columns", JSON_TYPE_ARRAY, FALSE);
  debrief_test_assert_member_type (o, "groups", JSON_TYPE_ARRAY, FALSE);
  debrief_test_assert_member_type (o, "findings", JSON_TYPE_ARRAY, FALSE);
  debrief_test_assert_member_type (o, "objective", JSON_TYPE_OBJECT, TRUE);
  debrief_test_assert_member_type (o, "sweep_md", G_TYPE_STRING, TRUE);
  g_assert_cmpstr (json_object_get_string_member (o, "sweep_md"), ==, sweep_md);
  g_assert_true (g_file_test (sweep_md, G_FILE_TEST_IS_REGULAR));

  runs = json_object_get_array_member (o, "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, dirs->len);
  columns = json_object_get_array_member (o, "columns");
  for (guint i = 0; i < json_array_get_length (columns); i++)
    validate_column (json_array_get_object_element (columns, i), dirs->len);
  groups = json_object_get_array_member (o, "groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, G_N_ELEMENTS (rates));
  for (guint i = 0; i < json_array_get_length (groups); i++)
    validate_group (json_array_get_object_element (groups, i));
  findings = json_object_get_array_member (o, "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *f = json_array_get_object_element (findings, i);
      validate_finding (f);
      failed |= g_str_equal (json_object_get_string_member (f, "id"), "sweep_failed");
    }
  g_assert_true (failed);
  /* The first column names the runs, in the order of "runs". */
  for (guint i = 0; i < json_array_get_length (runs); i++)
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_array_get_object_element (columns, 0), "values"), i),
                     ==, json_object_get_string_member (json_array_get_object_element (runs, i), "name"));

  /* Each RUN is what analyze --json prints for its folder. */
  g_ptr_array_add (analyze_args, (gpointer) "analyze");
  g_ptr_array_add (analyze_args, (gpointer) "--json");
  g_ptr_array_add (analyze_args, (gpointer) "--no-write");
  for (guint i = 0; i < dirs->len; i++)
    g_ptr_array_add (analyze_args, g_ptr_array_index (dirs, i));
  g_ptr_array_add (analyze_args, NULL);
  g_assert_cmpint (debrief_test_run_cli ((const char *const *) analyze_args->pdata, &analyze_out, NULL), ==, 0);
  analyzed = debrief_test_parse_json (analyze_out);
  for (guint i = 0; i < dirs->len; i++)
    {
      JsonArray *expected = json_object_get_array_member (json_node_get_object (analyzed), "runs");
      JsonObject *a = find_run (expected, g_ptr_array_index (dirs, i));
      JsonObject *b = find_run (runs, g_ptr_array_index (dirs, i));
      g_autoptr(JsonNode) na = json_node_init_object (json_node_alloc (), a);
      g_autoptr(JsonNode) nb = json_node_init_object (json_node_alloc (), b);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_true (json_node_equal (na, nb));
    }
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  const char *args[] = { "compare", "--csv", "--no-write", fixture->dir, NULL };
  g_auto(GStrv) lines = NULL;
  g_autofree char *sweep_md = g_build_filename (fixture->dir, "sweep.md", NULL);
  g_autoptr(GPtrArray) dirs = run_dirs (fixture);

  /* Under a parent, a folder that holds no run is not one: not an error. */
  g_assert_cmpint (debrief_test_run_cli (args, &out, NULL), ==, 0);
  g_assert_false (g_file_test (sweep_md, G_FILE_TEST_EXISTS));
  lines = g_strsplit (out, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, dirs->len + 2);
  g_assert_true (g_str_has_prefix (lines[0], "name,kind,verdict,learning_rate,"));
  g_assert_true (g_str_has_suffix (lines[0], ",path"));
  g_assert_cmpstr (lines[dirs->len + 1], ==, "");
}

/* --sort -KEY, --group-by KEY, and the table for people. */
static void
test_sort_group (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) dirs = run_dirs (fixture);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL, *human = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *runs, *groups;
  const char *human_args[] = { "compare", "--no-write", NULL, NULL };

  g_ptr_array_add (args, (gpointer) "compare");
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, (gpointer) "--no-write");
  g_ptr_array_add (args, (gpointer) "--sort");
  g_ptr_array_add (args, (gpointer) "-lr");
  g_ptr_array_add (args, (gpointer) "--group-by");
  g_ptr_array_add (args, (gpointer) "seed");
  for (guint i = 0; i < dirs->len; i++)
    g_ptr_array_add (args, g_ptr_array_index (dirs, i));
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (debrief_test_run_cli ((const char *const *) args->pdata, &out, NULL), ==, 0);
  root = debrief_test_parse_json (out);
  runs = json_object_get_array_member (json_node_get_object (root), "runs");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (runs, 0), "name"), "lr2e-1"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (runs, dirs->len - 1), "name"),
                                   "lr1e-3"));
  groups = json_object_get_array_member (json_node_get_object (root), "groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (groups, 0), "by"), ==, "seed");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (groups, 0), "label"), ==, "seed=0");

  human_args[2] = g_ptr_array_index (dirs, 0);
  g_assert_cmpint (debrief_test_run_cli (human_args, &human, NULL), ==, 0);
  g_assert_nonnull (strstr (human, "Run"));
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  const char *none[] = { "compare", NULL };
  const char *both[] = { "compare", "--json", "--csv", fixture->dir, NULL };
  const char *bad_group[] = { "compare", "--no-write", "--group-by", "no_such_key", fixture->dir, NULL };
  const char *bad_sort[] = { "compare", "--no-write", "--sort", "no_such_key", fixture->dir, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (debrief_test_run_cli (none, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (both, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (bad_group, NULL, &err), ==, 2);
  /* It says which keys there are. */
  g_assert_nonnull (strstr (err, "learning_rate"));
  g_assert_cmpint (debrief_test_run_cli (bad_sort, NULL, NULL), ==, 2);
}

/* debrief-cli plot with the sweep's look: coloured by a column, seeds as
 * bands; a column that does not exist is a usage error. */
static void
test_plot (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *png = g_build_filename (fixture->dir, "sweep.png", NULL);
  g_autoptr(GPtrArray) dirs = run_dirs (fixture);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char *bad[] = { "plot", "--output", png, "--color-by", "no_such_key", NULL, NULL, NULL };
  const char *bad_band[] = { "plot", "--output", png, "--band", "wide", NULL, NULL };

  g_ptr_array_add (args, (gpointer) "plot");
  g_ptr_array_add (args, (gpointer) "--output");
  g_ptr_array_add (args, png);
  g_ptr_array_add (args, (gpointer) "--color-by");
  g_ptr_array_add (args, (gpointer) "lr");
  g_ptr_array_add (args, (gpointer) "--group-by");
  g_ptr_array_add (args, (gpointer) "seeds");
  g_ptr_array_add (args, (gpointer) "--band");
  g_ptr_array_add (args, (gpointer) "std");
  for (guint i = 0; i < dirs->len; i++)
    g_ptr_array_add (args, g_ptr_array_index (dirs, i));
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (debrief_test_run_cli ((const char *const *) args->pdata, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  bad[5] = g_ptr_array_index (dirs, 0);
  bad[6] = g_ptr_array_index (dirs, dirs->len - 1);
  g_assert_cmpint (debrief_test_run_cli (bad, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "learning_rate"));
  bad_band[5] = g_ptr_array_index (dirs, 0);
  g_assert_cmpint (debrief_test_run_cli (bad_band, NULL, NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/compare/json", Fixture, NULL, fixture_set_up, test_json, fixture_tear_down);
  g_test_add ("/cli/compare/csv", Fixture, NULL, fixture_set_up, test_csv, fixture_tear_down);
  g_test_add ("/cli/compare/sort-group", Fixture, NULL, fixture_set_up, test_sort_group, fixture_tear_down);
  g_test_add ("/cli/compare/usage", Fixture, NULL, fixture_set_up, test_usage, fixture_tear_down);
  g_test_add ("/cli/plot/sweep", Fixture, NULL, fixture_set_up, test_plot, fixture_tear_down);
  return g_test_run ();
}
