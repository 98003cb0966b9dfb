/* test-cli-analyze.c: `debrief-cli analyze` and `debrief-cli capacity` against the CLI contract
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the built binary ($DEBRIEF_CLI) on tests/data/runs and checks exit codes,
 * the JSON keys, their types and nulls (DESIGN.md, "The CLI contract").
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "debrief-test-core-utils.h"

static const char *const run_names[] = {
  "attention_only", "healthy", "lr_too_high", "lr_too_low", "overfit", "undercapacity",
};

static const char *const finding_ids[] = {
  "early_plateau", "loss_spikes", "overfitting", "no_improvement", "slow_convergence",
  "diverged", "undercapacity", "lora_targets_no_mlp",
};

static char *
data_path (const char *name)
{
  return debrief_test_data_path ("runs", name, NULL);
}


/* @in_run: the object of analyze --json, which also says where its inputs came from. */
static void
validate_capacity (JsonObject *cap,
                   gboolean    in_run)
{
  const char *status;

  debrief_test_assert_member_type (cap, "status", G_TYPE_STRING, FALSE);
  status = json_object_get_string_member (cap, "status");
  g_assert_true (g_str_equal (status, "OK") || g_str_equal (status, "UNDERCAPACITY")
                 || g_str_equal (status, "UNKNOWN"));
  debrief_test_assert_member_type (cap, "lora_params", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (cap, "capacity_bits", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (cap, "required_bits", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (cap, "headroom_percent", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (cap, "suggested_rank", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (cap, "message", G_TYPE_STRING, FALSE);
  if (g_str_equal (status, "OK"))
    g_assert_false (json_object_get_null_member (cap, "headroom_percent"));
  else
    g_assert_true (json_object_get_null_member (cap, "headroom_percent"));
  if (g_str_equal (status, "UNDERCAPACITY"))
    g_assert_true (g_str_has_prefix (json_object_get_string_member (cap, "message"),
                                     "Insufficient capacity. Increase rank from "));
  if (!in_run)
    return;
  /* 0.2: where the inputs came from. */
  debrief_test_assert_member_type (cap, "rank", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (cap, "model", G_TYPE_STRING, TRUE);
  debrief_test_assert_member_type (cap, "model_source", G_TYPE_STRING, TRUE);
  debrief_test_assert_member_type (cap, "dataset_tokens", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (cap, "dataset_tokens_source", G_TYPE_STRING, TRUE);
  g_assert_cmpint (json_object_get_null_member (cap, "dataset_tokens"), ==,
                   json_object_get_null_member (cap, "dataset_tokens_source"));
}

static void
validate_series (JsonObject *series,
                 const char *name)
{
  JsonObject *s;

  debrief_test_assert_member_type (series, name, JSON_TYPE_OBJECT, TRUE);
  if (json_object_get_null_member (series, name))
    return;
  s = json_object_get_object_member (series, name);
  debrief_test_assert_member_type (s, "points", G_TYPE_INT64, FALSE);
  debrief_test_assert_member_type (s, "first_step", G_TYPE_INT64, FALSE);
  debrief_test_assert_member_type (s, "last_step", G_TYPE_INT64, FALSE);
  debrief_test_assert_member_type (s, "last", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (s, "min", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (s, "max", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (s, "key", G_TYPE_STRING, FALSE);
  g_assert_cmpint (json_object_get_int_member (s, "points"), >, 0);
  g_assert_cmpint (json_object_get_int_member (s, "first_step"), <=, json_object_get_int_member (s, "last_step"));
}

static void
validate_run (JsonObject *run)
{
  JsonArray *findings, *warnings;
  const char *format;

  debrief_test_assert_member_type (run, "path", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (run, "name", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (run, "format", G_TYPE_STRING, FALSE);
  format = json_object_get_string_member (run, "format");
  g_assert_true (g_strv_contains ((const char *const[]) { "seed", "hf_trainer", "tinker", "llamafactory",
                                                          "lightning_csv", "tensorboard", "generic", NULL },
                                  format));
  /* 0.2: the kind of run, each answer with its evidence, and every logged series. */
  debrief_test_assert_member_type (run, "method", G_TYPE_STRING, FALSE);
  g_assert_true (g_strv_contains ((const char *const[]) { "sft", "cpt", "pretrain", "dpo", "rl", "reward_model",
                                                          "unknown", NULL },
                                  json_object_get_string_member (run, "method")));
  debrief_test_assert_member_type (run, "adapter", G_TYPE_STRING, FALSE);
  g_assert_true (g_strv_contains ((const char *const[]) { "lora", "qlora", "dora", "none", "unknown", NULL },
                                  json_object_get_string_member (run, "adapter")));
  debrief_test_assert_member_type (run, "kind_evidence", JSON_TYPE_OBJECT, FALSE);
  debrief_test_assert_member_type (json_object_get_object_member (run, "kind_evidence"), "method", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (json_object_get_object_member (run, "kind_evidence"), "adapter", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (run, "primary_metric", G_TYPE_STRING, TRUE);
  debrief_test_assert_member_type (run, "series", JSON_TYPE_OBJECT, FALSE);
  validate_series (json_object_get_object_member (run, "series"), "train_loss");
  validate_series (json_object_get_object_member (run, "series"), "val_loss");
  {
    JsonObject *series = json_object_get_object_member (run, "series");
    g_autoptr(GList) names = json_object_get_members (series);
    for (GList *l = names; l; l = l->next)
      validate_series (series, l->data);
    if (!json_object_get_null_member (run, "primary_metric"))
      g_assert_true (json_object_has_member (series, json_object_get_string_member (run, "primary_metric")));
  }
  debrief_test_assert_member_type (run, "convergence_percent", G_TYPE_DOUBLE, TRUE);
  debrief_test_assert_member_type (run, "seed_overfitting_warning", G_TYPE_BOOLEAN, FALSE);
  debrief_test_assert_member_type (run, "best_step", G_TYPE_INT64, TRUE);
  debrief_test_assert_member_type (run, "best_val_loss", G_TYPE_DOUBLE, TRUE);
  g_assert_cmpint (json_object_get_null_member (run, "best_step"), ==,
                   json_object_get_null_member (run, "best_val_loss"));
  debrief_test_assert_member_type (run, "capacity", JSON_TYPE_OBJECT, FALSE);
  validate_capacity (json_object_get_object_member (run, "capacity"), TRUE);
  debrief_test_assert_member_type (run, "findings", JSON_TYPE_ARRAY, FALSE);
  findings = json_object_get_array_member (run, "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *f = json_array_get_object_element (findings, i);
      const char *severity;

      debrief_test_assert_member_type (f, "id", G_TYPE_STRING, FALSE);
      g_assert_true (g_strv_contains (finding_ids, json_object_get_string_member (f, "id")));
      debrief_test_assert_member_type (f, "severity", G_TYPE_STRING, FALSE);
      severity = json_object_get_string_member (f, "severity");
      g_assert_true (g_str_equal (severity, "info") || g_str_equal (severity, "warning")
                     || g_str_equal (severity, "error"));
      debrief_test_assert_member_type (f, "title", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (f, "evidence", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (f, "cause", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (f, "fix", G_TYPE_STRING, FALSE);
      debrief_test_assert_member_type (f, "step", G_TYPE_INT64, TRUE);
    }
  debrief_test_assert_member_type (run, "warnings", JSON_TYPE_ARRAY, FALSE);
  warnings = json_object_get_array_member (run, "warnings");
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (warnings, i)), ==, G_TYPE_STRING);
}

static void
test_analyze_json_contract (void)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *runs;

  g_ptr_array_add (args, g_strdup ("analyze"));
  g_ptr_array_add (args, g_strdup ("--json"));
  g_ptr_array_add (args, g_strdup ("--no-write"));
  for (guint i = 0; i < G_N_ELEMENTS (run_names); i++)
    g_ptr_array_add (args, data_path (run_names[i]));
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (debrief_test_run_cli ((const char *const *) args->pdata, &out, &err), ==, 0);

  root = debrief_test_parse_json (out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  o = json_node_get_object (root);
  debrief_test_assert_member_type (o, "version", G_TYPE_STRING, FALSE);
  debrief_test_assert_member_type (o, "runs", JSON_TYPE_ARRAY, FALSE);
  runs = json_object_get_array_member (o, "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, G_N_ELEMENTS (run_names));
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      validate_run (run);
      g_assert_cmpstr (json_object_get_string_member (run, "name"), ==, run_names[i]);
      if (g_str_equal (run_names[i], "healthy"))
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (run, "findings")), ==, 0);
      if (g_str_equal (run_names[i], "overfit"))
        {
          JsonObject *f = json_array_get_object_element (json_object_get_array_member (run, "findings"), 0);
          g_assert_cmpint (json_object_get_int_member (run, "best_step"), ==, 40);
          g_assert_cmpstr (json_object_get_string_member (f, "id"), ==, "overfitting");
          g_assert_cmpint (json_object_get_int_member (f, "step"), ==, 40);
          g_assert_false (json_object_get_null_member (run, "convergence_percent"));
        }
      if (g_str_equal (run_names[i], "lr_too_low"))
        /* 100 logged losses: the checklist gives None. */
        g_assert_true (json_object_get_null_member (run, "convergence_percent"));
    }
}

/* Values whose shortest form has an exponent and no '.' ("6e-10", "1e+20"):
 * json-glib 1.6 writes them with ".0" after the exponent, which is not JSON. */
static void
test_analyze_json_exponents (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-exp-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *args[] = { "analyze", "--json", "--no-write", dir, NULL };
  JsonObject *series;

  for (int s = 1; s <= 50; s++)
    g_string_append_printf (lines, "{\"step\": %d, \"loss\": %.3f, \"lr\": 6e-10, \"flos\": 1e+20}\n",
                            s, 2.0 - s * 0.01);
  g_assert_true (g_file_set_contents (log, lines->str, -1, NULL));
  g_assert_cmpint (debrief_test_run_cli (args, &out, NULL), ==, 0);
  g_assert_null (strstr (out, "e-10.0"));
  g_assert_null (strstr (out, "e+20.0"));
  root = debrief_test_parse_json (out);
  series = json_object_get_object_member (json_array_get_object_element (
             json_object_get_array_member (json_node_get_object (root), "runs"), 0), "series");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (series, "learning_rate"), "last"),
                     ==, 6e-10);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (series, "flos"), "max"),
                     ==, 1e+20);
  debrief_test_remove_tree (dir);
}

static void
test_analyze_parent_folder (void)
{
  g_autofree char *runs = g_build_filename (g_getenv ("DEBRIEF_TEST_DATA"), "runs", NULL);
  const char *args[] = { "analyze", "--json", "--no-write", runs, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) root = NULL;

  /* A parent folder opens as all the runs under it. */
  g_assert_cmpint (debrief_test_run_cli (args, &out, &err), ==, 0);
  root = debrief_test_parse_json (out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "runs")),
                    ==, G_N_ELEMENTS (run_names));
}

static void
test_analyze_exit_codes (void)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "debrief-no-such-run-folder", NULL);
  g_autofree char *healthy = data_path ("healthy");
  g_autofree char *empty = g_dir_make_tmp ("debrief-cli-empty-XXXXXX", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *none[] = { "analyze", NULL };
  const char *bad_option[] = { "analyze", "--frobnicate", healthy, NULL };
  const char *bad_rank[] = { "analyze", "--rank", "many", healthy, NULL };
  const char *bad_model[] = { "analyze", "--no-write", "--model", "no-such-model-or-file", healthy, NULL };
  const char *not_found[] = { "analyze", "--no-write", missing, NULL };
  const char *not_run[] = { "analyze", "--no-write", "--json", empty, healthy, NULL };

  g_assert_cmpint (debrief_test_run_cli (none, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (bad_option, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (bad_rank, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (bad_model, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (not_found, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "debrief-no-such-run-folder"));
  g_clear_pointer (&err, g_free);
  /* One folder fails, the other is still analysed and printed. */
  g_assert_cmpint (debrief_test_run_cli (not_run, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, empty));
  {
    g_autoptr(JsonNode) root = debrief_test_parse_json (out);
    JsonArray *runs = json_object_get_array_member (json_node_get_object (root), "runs");
    g_assert_cmpuint (json_array_get_length (runs), ==, 1);
    validate_run (json_array_get_object_element (runs, 0));
  }
  g_rmdir (empty);
}

static JsonObject *
single_run_capacity (JsonNode *root)
{
  JsonArray *runs = json_object_get_array_member (json_node_get_object (root), "runs");

  g_assert_cmpuint (json_array_get_length (runs), ==, 1);
  validate_run (json_array_get_object_element (runs, 0));
  return json_object_get_object_member (json_array_get_object_element (runs, 0), "capacity");
}

static void
test_analyze_overrides (void)
{
  g_autofree char *healthy = data_path ("healthy");
  g_autofree char *dir = g_dir_make_tmp ("debrief-cli-model-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (dir, "config.json", NULL);
  const char *tokens[] = { "analyze", "--json", "--no-write", "--tokens", "40960", healthy, NULL };
  const char *model_file[] = { "analyze", "--json", "--no-write", "--tokens", "1000", "--model", config,
                               healthy, NULL };
  const char *preset[] = { "analyze", "--json", "--no-write", "--rank", "8", "--tokens", "1000",
                           "--model", "meta-llama/Llama-3.1-8B", healthy, NULL };
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL;
  g_autoptr(JsonNode) root1 = NULL, root2 = NULL, root3 = NULL;
  JsonObject *cap;

  /* The healthy run's files do not say how many tokens its dataset has. */
  g_assert_cmpint (debrief_test_run_cli (tokens, &out1, NULL), ==, 0);
  root1 = debrief_test_parse_json (out1);
  cap = single_run_capacity (root1);
  g_assert_cmpstr (json_object_get_string_member (cap, "status"), ==, "OK");
  g_assert_cmpint (json_object_get_int_member (cap, "lora_params"), ==, 73984);

  /* --model with a config.json: Llama-3.1-8B's shapes, rank 16 from the adapter config. */
  g_assert_true (g_file_set_contents (config,
    "{\"hidden_size\": 4096, \"intermediate_size\": 14336, \"num_hidden_layers\": 32, "
    "\"num_attention_heads\": 32, \"num_key_value_heads\": 8, \"vocab_size\": 128256}", -1, NULL));
  g_assert_cmpint (debrief_test_run_cli (model_file, &out2, NULL), ==, 0);
  root2 = debrief_test_parse_json (out2);
  cap = single_run_capacity (root2);
  g_assert_cmpint (json_object_get_int_member (cap, "lora_params"), ==, 16 * (851968 + 1769472));

  /* --model with a name from the built-in table, and --rank. */
  g_assert_cmpint (debrief_test_run_cli (preset, &out3, NULL), ==, 0);
  root3 = debrief_test_parse_json (out3);
  cap = single_run_capacity (root3);
  g_assert_cmpint (json_object_get_int_member (cap, "lora_params"), ==, 8 * (851968 + 1769472));

  g_unlink (config);
  g_rmdir (dir);
}

static void
test_capacity_json (void)
{
  const char *args[] = { "capacity", "--rank", "16", "--hidden", "4096", "--layers", "32",
                         "--tokens", "100000000", "--intermediate", "14336", "--kv-heads", "8",
                         "--head-dim", "128", "--vocab", "128256",
                         "--targets", "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj,lm_head",
                         "--json", NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_cmpint (debrief_test_run_cli (args, &out, NULL), ==, 0);
  root = debrief_test_parse_json (out);
  o = json_node_get_object (root);
  validate_capacity (o, FALSE);
  /* Llama-3.1-8B per unit of rank: 851,968 + 1,769,472 + 132,352. */
  g_assert_cmpint (json_object_get_int_member (o, "lora_params"), ==, 16 * (851968 + 1769472 + 132352));
  g_assert_cmpint (json_object_get_int_member (o, "required_bits"), ==, 100000000);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "UNDERCAPACITY");
  g_assert_cmpint (json_object_get_int_member (o, "suggested_rank"), ==, 19);
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
                   "Insufficient capacity. Increase rank from 16 to 19+");
}

static void
test_capacity_checklist_example (void)
{
  const char *args[] = { "capacity", "--rank", "64", "--hidden", "4096", "--layers", "32",
                         "--tokens", "1000000", "--json", NULL };
  const char *human[] = { "capacity", "--rank", "64", "--hidden", "4096", "--layers", "32",
                          "--tokens", "1000000", NULL };
  g_autofree char *out = NULL, *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_cmpint (debrief_test_run_cli (args, &out, NULL), ==, 0);
  root = debrief_test_parse_json (out);
  o = json_node_get_object (root);
  validate_capacity (o, FALSE);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "OK");
  g_assert_cmpint (json_object_get_int_member (o, "lora_params"), ==, (gint64) 64 * 32 * (32768 + 61440));
  g_assert_cmpint (json_object_get_int_member (o, "suggested_rank"), ==, 64);
  g_assert_cmpint (debrief_test_run_cli (human, &text, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (text, "OK: "));
  g_assert_nonnull (strstr (text, "assumed 4 × hidden"));
}

static void
test_capacity_usage (void)
{
  const char *missing[] = { "capacity", "--rank", "16", "--hidden", "4096", NULL };
  const char *zero[] = { "capacity", "--rank", "0", "--hidden", "4096", "--layers", "32", "--tokens", "10", NULL };
  const char *targets[] = { "capacity", "--rank", "1", "--hidden", "8", "--layers", "1", "--tokens", "10",
                            "--targets", "q_proj,bogus", NULL };
  const char *vocab[] = { "capacity", "--rank", "1", "--hidden", "8", "--layers", "1", "--tokens", "10",
                          "--targets", "lm_head", NULL };
  const char *extra[] = { "capacity", "--rank", "1", "--hidden", "8", "--layers", "1", "--tokens", "10",
                          "stray", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (debrief_test_run_cli (missing, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--layers"));
  g_assert_cmpint (debrief_test_run_cli (zero, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (targets, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (vocab, NULL, NULL), ==, 2);
  g_assert_cmpint (debrief_test_run_cli (extra, NULL, NULL), ==, 2);
}

static void
copy_dir (GFile *from,
          GFile *to)
{
  g_autoptr(GFileEnumerator) e = g_file_enumerate_children (from, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                                            G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  g_assert_nonnull (e);
  g_file_make_directory_with_parents (to, NULL, NULL);
  while ((info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autoptr(GFile) src = g_file_get_child (from, g_file_info_get_name (info));
      g_autoptr(GFile) dst = g_file_get_child (to, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        copy_dir (src, dst);
      else
        g_assert_true (g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
    }
}

static void
test_analyze_writes_report (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("debrief-cli-write-XXXXXX", NULL);
  g_autofree char *src_path = data_path ("overfit");
  g_autoptr(GFile) src = g_file_new_for_path (src_path);
  g_autofree char *run_path = g_build_filename (tmp, "overfit", NULL);
  g_autoptr(GFile) run = g_file_new_for_path (run_path);
  g_autofree char *report_path = g_build_filename (run_path, "analysis.md", NULL);
  g_autofree char *backup_path = g_build_filename (run_path, "analysis.md~", NULL);
  g_autofree char *text = NULL, *again = NULL;
  g_autofree char *with_notes = NULL, *head = NULL;
  const char *args[] = { "analyze", run_path, NULL };
  const char *notes = "## Notes\n\nMy own words | with a pipe\n\n- and a list\n";

  copy_dir (src, run);
  g_assert_cmpint (debrief_test_run_cli (args, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (report_path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "# "));
  g_assert_nonnull (strstr (text, "\n## Notes\n"));

  /* The user writes notes; regenerating keeps them verbatim and keeps a backup. */
  head = g_strndup (text, strstr (text, "## Notes") - text);
  with_notes = g_strconcat (head, notes, NULL);
  g_assert_true (g_file_set_contents (report_path, with_notes, -1, NULL));
  g_assert_cmpint (debrief_test_run_cli (args, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (report_path, &again, NULL, NULL));
  g_assert_true (g_str_has_suffix (again, notes));
  g_assert_true (g_file_test (backup_path, G_FILE_TEST_IS_REGULAR));

  debrief_test_remove_tree (tmp);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/analyze/json-contract", test_analyze_json_contract);
  g_test_add_func ("/cli/analyze/json-exponents", test_analyze_json_exponents);
  g_test_add_func ("/cli/analyze/parent-folder", test_analyze_parent_folder);
  g_test_add_func ("/cli/analyze/exit-codes", test_analyze_exit_codes);
  g_test_add_func ("/cli/analyze/writes-report", test_analyze_writes_report);
  g_test_add_func ("/cli/analyze/overrides", test_analyze_overrides);
  g_test_add_func ("/cli/capacity/json", test_capacity_json);
  g_test_add_func ("/cli/capacity/checklist-example", test_capacity_checklist_example);
  g_test_add_func ("/cli/capacity/usage", test_capacity_usage);

  return g_test_run ();
}
