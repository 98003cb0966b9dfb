/* test-readers.c: the loader and the format readers on the real example runs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-core.h"
#include "debrief-json-private.h"
#include "debrief-test-core-utils.h"

static DebriefRun *
load_run (const char *name)
{
  return debrief_test_load_run ("runs", name, NULL);
}

typedef struct
{
  const char *name;
  const char *format;
  gsize n_train;
  gsize n_val;
  gint64 first_train_step;
  gint64 last_train_step;
  gint64 lora_rank;
  double learning_rate;
  gint64 dataset_tokens;   /* 0: not in the files */
  gboolean has_dims;
} RealRun;

/* From tests/data/runs/README.md and LABELS.json. */
static const RealRun real_runs[] = {
  { "attention_only", "tinker", 500, 20, 0, 499, 16, 0.003, 512000, FALSE },
  { "healthy", "hf_trainer", 120, 12, 4, 480, 16, 0.003, 0, TRUE },
  { "lr_too_high", "tinker", 300, 15, 0, 299, 16, 0.025, 614400, FALSE },
  { "lr_too_low", "hf_trainer", 100, 10, 5, 500, 16, 3e-05, 0, TRUE },
  { "overfit", "seed", 320, 41, 1, 320, 16, 0.003, 8192, TRUE },
  { "undercapacity", "seed", 700, 21, 1, 700, 1, 0.003, 716800, TRUE },
};

static void
test_real_run (gconstpointer data)
{
  const RealRun *expected = data;
  g_autoptr(DebriefRun) run = load_run (expected->name);
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);
  DebriefRunConfig *config = debrief_run_get_config (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, expected->format);
  g_assert_nonnull (train);
  g_assert_nonnull (val);
  g_assert_cmpuint (debrief_series_get_length (train), ==, expected->n_train);
  g_assert_cmpuint (debrief_series_get_length (val), ==, expected->n_val);
  g_assert_cmpint (debrief_series_get_first_step (train), ==, expected->first_train_step);
  g_assert_cmpint (debrief_series_get_last_step (train), ==, expected->last_train_step);
  g_assert_cmpint (config->lora_rank, ==, expected->lora_rank);
  g_assert_cmpfloat_with_epsilon (config->learning_rate, expected->learning_rate, 1e-12);
  if (expected->dataset_tokens > 0)
    {
      g_assert_cmpint (config->dataset_tokens, ==, expected->dataset_tokens);
      g_assert_nonnull (config->dataset_tokens_source);
    }
  if (expected->has_dims)
    {
      g_assert_cmpint (config->dims.hidden_size, ==, 128);
      g_assert_cmpint (config->dims.num_layers, ==, 2);
      g_assert_cmpint (config->dims.intermediate_size, ==, 344);
      g_assert_cmpint (config->dims.num_key_value_heads, ==, 2);
      g_assert_cmpint (config->dims.head_dim, ==, 32);
      g_assert_cmpint (config->dims.vocab_size, ==, 256);
      g_assert_nonnull (config->dims_source);
    }
  g_assert_cmpstr (config->base_model, ==, "tiny-byte-llama-2l-128d");
  g_assert_nonnull (config->target_modules);
  g_assert_cmpstr (debrief_series_get_name (train), ==, "train_loss");
  g_assert_cmpstr (debrief_series_get_name (val), ==, "val_loss");
  /* The real runs are clean: nothing to warn about. */
  g_assert_null (debrief_run_get_warnings (run)[0]);
}

static void
test_seed_val_steps (void)
{
  g_autoptr(DebriefRun) run = load_run ("overfit");
  DebriefSeries *val = debrief_run_get_val_loss (run);
  DebriefSeries *train = debrief_run_get_train_loss (run);

  /* LABELS.json: best_step 40, val min 2.115 @ 40; first val @ 0, last @ 320. */
  g_assert_cmpint (debrief_series_get_step (val, debrief_series_get_min_index (val)), ==, 40);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_min (val), 2.115, 0.001);
  g_assert_cmpint (debrief_series_get_first_step (val), ==, 0);
  g_assert_cmpint (debrief_series_get_last_step (val), ==, 320);
  g_assert_cmpfloat_with_epsilon (debrief_series_get_value (train, 0), 2.529705047607422, 1e-15);
  g_assert_nonnull (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_LEARNING_RATE));
  g_assert_nonnull (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_GRAD_NORM));
}

static void
test_hf_checkpoints (void)
{
  g_autoptr(DebriefRun) run = load_run ("healthy");
  const DebriefCheckpoint *best = debrief_run_get_best_checkpoint (run);
  DebriefRunConfig *config = debrief_run_get_config (run);

  g_assert_cmpuint (debrief_run_get_n_checkpoints (run), ==, 3);
  g_assert_nonnull (best);
  g_assert_cmpstr (best->name, ==, "checkpoint-480");
  g_assert_cmpint (best->step, ==, 480);
  g_assert_true (best->is_best);
  g_assert_cmpfloat_with_epsilon (best->val_loss, 1.842086672782898, 1e-12);
  g_assert_cmpint (debrief_run_get_checkpoint (run, 0)->step, ==, 160);
  g_assert_cmpfloat (config->lora_alpha, ==, 16);
  g_assert_cmpint (config->use_rslora, ==, DEBRIEF_TRISTATE_NO);
  g_assert_cmpint (config->train_mlp, ==, DEBRIEF_TRISTATE_YES);
  g_assert_cmpint (config->train_unembed, ==, DEBRIEF_TRISTATE_NO);
  g_assert_cmpint (config->max_steps, ==, 480);
  g_assert_cmpint (config->steps_per_epoch, ==, 160);
  g_assert_cmpstr (config->dims_source, ==, "config.json");
}

static void
test_tinker_checkpoints (void)
{
  g_autoptr(DebriefRun) run = load_run ("attention_only");
  DebriefRunConfig *config = debrief_run_get_config (run);
  const DebriefCheckpoint *last;

  g_assert_cmpuint (debrief_run_get_n_checkpoints (run), ==, 5);
  last = debrief_run_get_checkpoint (run, 4);
  g_assert_true (last->is_final);
  g_assert_cmpint (last->step, ==, 500);
  g_assert_true (g_str_has_prefix (last->sampler_path, "tinker://"));
  g_assert_true (g_str_has_suffix (last->sampler_path, "/sampler_weights/final"));
  /* The checkpoint at 400 has the eval of step 400. */
  g_assert_cmpint (debrief_run_get_checkpoint (run, 3)->step, ==, 400);
  g_assert_false (isnan (debrief_run_get_checkpoint (run, 3)->val_loss));
  g_assert_cmpint (config->train_attn, ==, DEBRIEF_TRISTATE_YES);
  g_assert_cmpint (config->train_mlp, ==, DEBRIEF_TRISTATE_NO);
  g_assert_nonnull (debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_TOKENS));
  g_assert_cmpstr (debrief_series_get_source_key (debrief_run_get_train_loss (run)), ==, "train_mean_nll");
  /* One epoch of 500 steps (epoch column 0 throughout, num_epochs 1). */
  g_assert_cmpint (config->steps_per_epoch, ==, 500);
  g_assert_cmpstr (debrief_series_get_source_key (debrief_run_get_val_loss (run)), ==, "test/nll");
}

static void
test_discover_parent (void)
{
  g_autofree char *path = debrief_test_data_path ("runs", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = debrief_discover_runs (folder, NULL, &error);
  g_autofree char *first = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 6);
  first = g_file_get_basename (g_ptr_array_index (runs, 0));
  g_assert_cmpstr (first, ==, "attention_only");
  g_assert_false (debrief_folder_is_run (folder));
}

/* ---- tokenizer ---- */

static void
test_json_numbers (void)
{
  static const struct { const char *text; double value; } cases[] = {
    { "0", 0 }, { "-0.5", -0.5 }, { "2.529705047607422", 2.529705047607422 },
    { "1e-5", 1e-5 }, { "6.000000000000005e-06", 6.000000000000005e-06 },
    { "0.0029857831269562546", 0.0029857831269562546 }, { "12345678901234567890", 12345678901234567890.0 },
    { "1.7976931348623157e308", 1.7976931348623157e308 }, { "5e-324", 5e-324 },
    { "3.0", 3.0 }, { "0.1", 0.1 }, { "1E+2", 100 },
  };
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *p = cases[i].text;
      double v = NAN;
      g_assert_true (debrief_json_parse_number (&p, p + strlen (p), &v));
      g_assert_cmpfloat (v, ==, cases[i].value);
    }

  /* The fast paths must agree with a correctly rounded conversion, bit for bit. */
  for (guint i = 0; i < 200000; i++)
    {
      char buf[64];
      double x = g_rand_double (rand) * pow (10, g_rand_int_range (rand, -12, 12));
      const char *p = buf;
      double v = NAN;
      int digits = g_rand_int_range (rand, 1, 18);

      g_snprintf (buf, sizeof buf, "%.*g", digits, x);
      g_assert_true (debrief_json_parse_number (&p, buf + strlen (buf), &v));
      g_assert_cmpfloat (v, ==, g_ascii_strtod (buf, NULL));
    }
  g_rand_free (rand);
}

static void
test_json_nonfinite_tokens (void)
{
  const char *text = "[NaN, Infinity, -Infinity, \"1.5\", null, \"nan\", 2]";
  DebriefJsonReader reader;
  double values[8];
  DebriefJsonType types[8];
  guint n = 0;

  debrief_json_reader_init (&reader, text, strlen (text), "x.json", 1);
  g_assert_true (debrief_json_reader_begin_array (&reader));
  while (debrief_json_reader_next_element (&reader) && n < 8)
    {
      types[n] = debrief_json_reader_read_number (&reader, &values[n]);
      n++;
    }
  g_assert_false (debrief_json_reader_failed (&reader));
  g_assert_cmpuint (n, ==, 7);
  g_assert_true (isnan (values[0]));
  g_assert_true (isinf (values[1]) && values[1] > 0);
  g_assert_true (isinf (values[2]) && values[2] < 0);
  g_assert_cmpfloat (values[3], ==, 1.5);
  g_assert_cmpint (types[4], ==, DEBRIEF_JSON_NULL);
  g_assert_true (isnan (values[5]));
  g_assert_cmpfloat (values[6], ==, 2);
  debrief_json_reader_clear (&reader);
}

static void
test_json_errors_name_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefJsonNode) node = debrief_json_parse ("{\n  \"a\": 1,\n  \"b\": tru\n}", 22, "cfg.json", &error);
  g_autofree char *deep = g_strnfill (100000, '[');

  g_assert_null (node);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "cfg.json:3: "));
  g_clear_error (&error);

  node = debrief_json_parse (deep, strlen (deep), "deep.json", &error);
  g_assert_null (node);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "deep.json:1: nesting deeper"));
}

static void
test_json_dom (void)
{
  const char *text = "{\"r\": 8, \"r\": 16, \"s\": \"a\\u00e9\\ud83d\\ude00\", \"t\": true, \"n\": \"32\", \"m\": {\"x\": [1, 2]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefJsonNode) node = debrief_json_parse (text, strlen (text), "d.json", &error);
  gint64 v = 0;

  g_assert_no_error (error);
  g_assert_true (debrief_json_node_get_int (node, "r", &v));
  g_assert_cmpint (v, ==, 16);  /* the last one wins, as in Python */
  g_assert_cmpstr (debrief_json_node_get_string (node, "s"), ==, "a\xc3\xa9\xf0\x9f\x98\x80");
  g_assert_cmpint (debrief_json_node_get_bool (node, "t"), ==, 1);
  g_assert_true (debrief_json_node_get_int (node, "n", &v));
  g_assert_cmpint (v, ==, 32);
  g_assert_cmpuint (debrief_json_node_get (node, "m")->type, ==, DEBRIEF_JSON_OBJECT);
}

static void
test_model_table (void)
{
  DebriefModelDims dims = { 0 };

  g_assert_cmpstr (debrief_model_table_lookup ("meta-llama/Llama-3.1-8B-Instruct", &dims), ==, "Llama-3.1-8B");
  g_assert_cmpint (dims.hidden_size, ==, 4096);
  g_assert_cmpint (dims.intermediate_size, ==, 14336);
  g_assert_cmpint (dims.num_key_value_heads * dims.head_dim, ==, 1024);
  g_assert_cmpint (dims.vocab_size, ==, 128256);
  g_assert_cmpstr (debrief_model_table_lookup ("unsloth/Meta-Llama-3.1-8B-bnb-4bit", NULL), ==, "Llama-3.1-8B");
  g_assert_cmpstr (debrief_model_table_lookup ("Qwen/Qwen2.5-72B-Instruct", &dims), ==, "Qwen2.5-72B");
  g_assert_cmpint (dims.hidden_size, ==, 8192);
  g_assert_cmpstr (debrief_model_table_lookup ("Qwen/Qwen2.5-7B", NULL), ==, "Qwen2.5-7B");
  g_assert_cmpstr (debrief_model_table_lookup ("qwen3:8b", NULL), ==, "Qwen3-8B");
  /* Mixture of experts: the routed experts per layer come with the shapes. */
  g_assert_cmpstr (debrief_model_table_lookup ("Qwen/Qwen3-30B-A3B", &dims), ==, "Qwen3-30B-A3B");
  g_assert_cmpint (dims.num_experts, ==, 128);
  g_assert_cmpstr (debrief_model_table_lookup ("mistralai/Mistral-7B-Instruct-v0.3", NULL), ==, "Mistral-7B-v0.3");
  g_assert_cmpstr (debrief_model_table_lookup ("google/gemma-2-9b-it", &dims), ==, "gemma-2-9b");
  g_assert_cmpint (dims.head_dim, ==, 256);
  g_assert_cmpstr (debrief_model_table_lookup ("microsoft/Phi-3.5-mini-instruct", NULL), ==, "Phi-3-mini");
  g_assert_cmpstr (debrief_model_table_lookup ("tiny-byte-llama-2l-128d", NULL), ==, NULL);
}

/* What may be handed to json-glib: bounded nesting, one value (json-glib 1.6
 * parses "[1] [2]" as [2] and leaks the first). */
static void
test_json_glib_safe (void)
{
  g_autofree char *deep = g_strnfill (DEBRIEF_JSON_MAX_DEPTH + 1, '[');

  g_assert_true (debrief_json_glib_safe ("{\"a\": [1, {\"b\": \"[x] {y}\"}]}", -1));
  g_assert_true (debrief_json_glib_safe ("  [1, 2]  \n", -1));
  g_assert_true (debrief_json_glib_safe ("\"a string\"", -1));
  g_assert_true (debrief_json_glib_safe ("{\"a\": \"\\\"}\"} ", -1));
  g_assert_false (debrief_json_glib_safe ("[1, 2.5]\n[2, 2.4]\n", -1));
  g_assert_false (debrief_json_glib_safe ("{\"a\": 1} {\"b\": 2}", -1));
  g_assert_false (debrief_json_glib_safe ("[1]{}", -1));
  /* Only the first @length bytes count. */
  g_assert_true (debrief_json_glib_safe ("[1] [2]", 3));
  g_assert_false (debrief_json_glib_safe (deep, -1));
  g_assert_true (debrief_json_nesting_ok ("[1] [2]", -1, 4));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (real_runs); i++)
    {
      g_autofree char *name = g_strdup_printf ("/readers/real/%s", real_runs[i].name);
      g_test_add_data_func (name, &real_runs[i], test_real_run);
    }
  g_test_add_func ("/readers/real/seed-val-steps", test_seed_val_steps);
  g_test_add_func ("/readers/real/hf-checkpoints", test_hf_checkpoints);
  g_test_add_func ("/readers/real/tinker-checkpoints", test_tinker_checkpoints);
  g_test_add_func ("/readers/real/discover-parent", test_discover_parent);
  g_test_add_func ("/readers/json/numbers", test_json_numbers);
  g_test_add_func ("/readers/json/nonfinite-tokens", test_json_nonfinite_tokens);
  g_test_add_func ("/readers/json/errors-name-line", test_json_errors_name_line);
  g_test_add_func ("/readers/json/dom", test_json_dom);
  g_test_add_func ("/readers/json/glib-safe", test_json_glib_safe);
  g_test_add_func ("/readers/model-table", test_model_table);

  return g_test_run ();
}
