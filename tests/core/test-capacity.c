/* test-capacity.c: the capacity check against known values
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-core.h"

static void
llama_31_8b (DebriefCapacityInput *in)
{
  debrief_capacity_input_init (in);
  in->dims.hidden_size = 4096;
  in->dims.intermediate_size = 14336;
  in->dims.num_layers = 32;
  in->dims.num_attention_heads = 32;
  in->dims.num_key_value_heads = 8;
  in->dims.head_dim = 128;
  in->dims.vocab_size = 128256;
}

static void
test_capacity_llama_check_values (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) r = NULL;

  llama_31_8b (&in);
  in.rank = 1;
  in.dataset_tokens = 1000;
  in.targets = DEBRIEF_TARGETS_ALL_LINEAR | DEBRIEF_TARGET_UNEMBED;
  r = debrief_capacity_check (&in);
  /* FORMATS.md section 4's check values, per unit of rank. */
  g_assert_cmpint (r->attn_params_per_rank, ==, 851968);
  g_assert_cmpint (r->mlp_params_per_rank, ==, 1769472);
  g_assert_cmpint (r->unembed_params_per_rank, ==, 132352);
  g_assert_cmpint (r->lora_params, ==, 851968 + 1769472 + 132352);
  g_assert_cmpfloat (r->capacity_bits, ==, 2.0 * (851968 + 1769472 + 132352));
  g_assert_null (r->assumptions);
}

static void
test_capacity_unembedding_only_when_adapted (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) r = NULL;

  llama_31_8b (&in);
  in.rank = 16;
  in.dataset_tokens = 1000;
  in.targets = DEBRIEF_TARGETS_ALL_LINEAR;
  r = debrief_capacity_check (&in);
  g_assert_cmpint (r->unembed_params_per_rank, ==, 0);
  g_assert_cmpint (r->lora_params, ==, 16 * (851968 + 1769472));
}

static void
test_capacity_checklist_example (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) r = NULL;

  /* The checklist's validate_capacity(64, 4096, 32, 1_000_000): I and kv unknown. */
  debrief_capacity_input_init (&in);
  in.rank = 64;
  in.dims.hidden_size = 4096;
  in.dims.num_layers = 32;
  in.dataset_tokens = 1000000;
  in.targets = DEBRIEF_TARGETS_ALL_LINEAR;
  r = debrief_capacity_check (&in);
  /* per layer per rank: 4 × (h + h) attention + 3 × (h + 4h) MLP = 32768 + 61440 */
  g_assert_cmpint (r->lora_params, ==, (gint64) 64 * 32 * (32768 + 61440));
  g_assert_cmpint (r->status, ==, DEBRIEF_CAPACITY_OK);
  g_assert_cmpfloat (r->required_bits, ==, 1000000.0);
  g_assert_cmpfloat_with_epsilon (r->headroom_percent,
                                  100.0 * (1.0 - 1e6 / (2.0 * r->lora_params)), 1e-9);
  g_assert_cmpint (r->suggested_rank, ==, 64);
  g_assert_nonnull (r->assumptions);
  g_assert_nonnull (strstr (r->assumptions, "4 × hidden"));
  g_assert_nonnull (strstr (r->assumptions, "kv = hidden"));
}

static void
test_capacity_undercapacity_message (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) r = NULL;
  gint64 params;

  llama_31_8b (&in);
  in.rank = 16;
  in.targets = DEBRIEF_TARGETS_ALL_LINEAR;
  in.dataset_tokens = 100000000;
  r = debrief_capacity_check (&in);
  params = 16 * (851968 + 1769472);
  g_assert_cmpint (r->status, ==, DEBRIEF_CAPACITY_UNDERCAPACITY);
  g_assert_cmpint (r->suggested_rank, ==, (gint64) floor (16.0 * 1e8 / (2.0 * params)) + 1);
  g_assert_cmpint (r->suggested_rank, ==, 20);
  g_assert_cmpstr (r->message, ==, "Insufficient capacity. Increase rank from 16 to 20+");
  g_assert_true (isnan (r->headroom_percent));
}

static void
test_capacity_bits_per_token (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) one = NULL;
  g_autoptr(DebriefCapacityResult) loss = NULL;

  /* The tiny model of tests/data/runs, healthy run: 73984 params, 40960 tokens. */
  debrief_capacity_input_init (&in);
  in.rank = 16;
  in.dims = (DebriefModelDims) { 128, 344, 2, 4, 2, 32, 256 };
  in.targets = DEBRIEF_TARGETS_ALL_LINEAR;
  in.dataset_tokens = 40960;
  one = debrief_capacity_check (&in);
  g_assert_cmpint (one->lora_params, ==, 73984);
  g_assert_cmpint (one->status, ==, DEBRIEF_CAPACITY_OK);
  in.bits_per_token = 3.13;
  loss = debrief_capacity_check (&in);
  g_assert_cmpfloat_with_epsilon (loss->required_bits, 40960 * 3.13, 1e-6);
  g_assert_cmpint (loss->status, ==, DEBRIEF_CAPACITY_OK);
  in.bits_per_token = 4.0; /* 163840 > 147968 */
  g_clear_pointer (&loss, debrief_capacity_result_free);
  loss = debrief_capacity_check (&in);
  g_assert_cmpint (loss->status, ==, DEBRIEF_CAPACITY_UNDERCAPACITY);
  g_assert_cmpint (loss->suggested_rank, ==, (gint64) floor (16.0 * 163840.0 / 147968.0) + 1);
}

static void
test_capacity_fixture_params (void)
{
  const DebriefModelDims tiny = { 128, 344, 2, 4, 2, 32, 256 };
  struct { const char *targets; gint64 rank; gint64 params; } cases[] = {
    /* LoRA params from tests/data/runs/README.md */
    { "q_proj,k_proj,v_proj,o_proj", 16, 28672 },
    { "all", 16, 73984 },
    { "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj,lm_head", 16, 80128 },
    { "all-linear", 1, 4624 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DebriefCapacityInput in;
      g_autoptr(DebriefCapacityResult) r = NULL;
      g_autoptr(GError) error = NULL;

      debrief_capacity_input_init (&in);
      in.rank = cases[i].rank;
      in.dims = tiny;
      in.dataset_tokens = 1000;
      g_assert_true (debrief_capacity_parse_targets (cases[i].targets, &in.targets, &error));
      g_assert_no_error (error);
      r = debrief_capacity_check (&in);
      g_assert_cmpint (r->lora_params, ==, cases[i].params);
    }
}

static void
test_capacity_unknown (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  debrief_capacity_input_init (&in);
  in.rank = 8;
  in.dims.hidden_size = 2048;
  r = debrief_capacity_check (&in);
  g_assert_cmpint (r->status, ==, DEBRIEF_CAPACITY_UNKNOWN);
  g_assert_nonnull (strstr (r->message, "number of layers"));
  g_assert_nonnull (strstr (r->message, "dataset tokens"));
  g_assert_null (strstr (r->message, "hidden size"));

  node = debrief_capacity_result_to_json (r);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "UNKNOWN");
  g_assert_true (json_object_get_null_member (o, "required_bits"));
  g_assert_true (json_object_get_null_member (o, "headroom_percent"));
  g_assert_true (json_object_get_null_member (o, "suggested_rank"));
}

static void
test_capacity_targets (void)
{
  const char *attn_only[] = { "q_proj", "k_proj", "v_proj", "o_proj", NULL };
  const char *dotted[] = { "model.layers.0.mlp.down_proj", "self_attn.q_proj", NULL };
  const char *fused[] = { "qkv_proj", "gate_up_proj", "o_proj", "down_proj", NULL };
  const char *strange[] = { "q_proj", "my_adapter", NULL };
  const char *all[] = { "all-linear", NULL };
  g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);
  DebriefRunConfig config;
  guint targets = 0;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (debrief_capacity_targets_from_names (attn_only, NULL), ==, DEBRIEF_TARGETS_ATTN);
  g_assert_cmpuint (debrief_capacity_targets_from_names (all, NULL), ==, DEBRIEF_TARGETS_ALL_LINEAR);
  g_assert_cmpuint (debrief_capacity_targets_from_names (dotted, NULL), ==,
                    DEBRIEF_TARGET_DOWN | DEBRIEF_TARGET_Q);
  g_assert_cmpuint (debrief_capacity_targets_from_names (fused, NULL), ==,
                    DEBRIEF_TARGET_QKV | DEBRIEF_TARGET_GATE_UP | DEBRIEF_TARGET_O | DEBRIEF_TARGET_DOWN);
  g_assert_cmpuint (debrief_capacity_targets_from_names (strange, unknown), ==, DEBRIEF_TARGET_Q);
  g_assert_cmpuint (unknown->len, ==, 1);
  g_assert_cmpstr (unknown->pdata[0], ==, "my_adapter");
  /* GPT-2: PEFT's "c_proj" adapts attn.c_proj and mlp.c_proj; a qualified name one
   * of them. GPT-J's MLP is fc_in/fc_out. */
  {
    const char *gpt2[] = { "c_attn", "c_proj", NULL };
    const char *gpt2_attn[] = { "h.0.attn.c_attn", "h.0.attn.c_proj", NULL };
    const char *gpt2_mlp[] = { "h.0.mlp.c_fc", "h.0.mlp.c_proj", NULL };
    const char *gptj[] = { "q_proj", "v_proj", "fc_in", "fc_out", NULL };

    g_assert_cmpuint (debrief_capacity_targets_from_names (gpt2, NULL), ==,
                      DEBRIEF_TARGET_QKV | DEBRIEF_TARGET_O | DEBRIEF_TARGET_DOWN);
    g_assert_cmpuint (debrief_capacity_targets_from_names (gpt2_attn, NULL), ==,
                      DEBRIEF_TARGET_QKV | DEBRIEF_TARGET_O);
    g_assert_cmpuint (debrief_capacity_targets_from_names (gpt2_mlp, NULL), ==,
                      DEBRIEF_TARGET_UP | DEBRIEF_TARGET_DOWN);
    g_assert_cmpuint (debrief_capacity_targets_from_names (gptj, NULL), ==,
                      DEBRIEF_TARGET_Q | DEBRIEF_TARGET_V | DEBRIEF_TARGET_UP | DEBRIEF_TARGET_DOWN);
  }

  g_assert_false (debrief_capacity_parse_targets ("q_proj,nonsense", &targets, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (debrief_capacity_parse_targets ("mlp", &targets, &error));
  g_assert_cmpuint (targets, ==, DEBRIEF_TARGETS_MLP);

  /* Tinker's booleans. */
  debrief_run_config_init (&config);
  g_assert_cmpuint (debrief_capacity_targets_from_config (&config), ==, 0);
  config.train_attn = DEBRIEF_TRISTATE_YES;
  config.train_mlp = DEBRIEF_TRISTATE_NO;
  config.train_unembed = DEBRIEF_TRISTATE_NO;
  g_assert_cmpuint (debrief_capacity_targets_from_config (&config), ==, DEBRIEF_TARGETS_ATTN);
  config.train_mlp = DEBRIEF_TRISTATE_YES;
  config.train_unembed = DEBRIEF_TRISTATE_YES;
  g_assert_cmpuint (debrief_capacity_targets_from_config (&config), ==,
                    DEBRIEF_TARGETS_ALL_LINEAR | DEBRIEF_TARGET_UNEMBED);
  debrief_run_config_clear (&config);
}

static void
test_capacity_fused_shapes (void)
{
  DebriefCapacityInput in;
  g_autoptr(DebriefCapacityResult) r = NULL;

  /* Phi-3-mini: h 3072, I 8192, 32 heads of 96, no GQA, 32 layers. */
  debrief_capacity_input_init (&in);
  in.rank = 1;
  in.dims = (DebriefModelDims) { 3072, 8192, 32, 32, 32, 96, 32064 };
  in.dataset_tokens = 1;
  in.targets = DEBRIEF_TARGET_QKV | DEBRIEF_TARGET_O | DEBRIEF_TARGET_GATE_UP | DEBRIEF_TARGET_DOWN;
  r = debrief_capacity_check (&in);
  g_assert_cmpint (r->attn_params_per_rank, ==, 32 * ((3072 + 3 * 3072) + (3072 + 3072)));
  g_assert_cmpint (r->mlp_params_per_rank, ==, 32 * ((3072 + 2 * 8192) + (8192 + 3072)));
}

static void
test_capacity_config_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-capacity-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "config.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  DebriefModelDims dims;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path,
    "{\"architectures\": [\"Gemma3ForConditionalGeneration\"], \"text_config\": "
    "{\"hidden_size\": 2560, \"intermediate_size\": 10240, \"num_hidden_layers\": 34, "
    "\"num_attention_heads\": 8, \"num_key_value_heads\": 4, \"head_dim\": 256, "
    "\"vocab_size\": 262208}}", -1, NULL));
  g_assert_true (debrief_model_dims_from_config_file (path, &dims, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dims.hidden_size, ==, 2560);
  g_assert_cmpint (dims.num_layers, ==, 34);
  g_assert_cmpint (dims.head_dim, ==, 256);
  g_assert_cmpint (dims.vocab_size, ==, 262208);

  g_assert_true (g_file_set_contents (bad, "[1, 2", -1, NULL));
  g_assert_false (debrief_model_dims_from_config_file (bad, &dims, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "bad.json"));

  g_unlink (path);
  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/capacity/llama-3.1-8b-check-values", test_capacity_llama_check_values);
  g_test_add_func ("/capacity/unembedding-only-when-adapted", test_capacity_unembedding_only_when_adapted);
  g_test_add_func ("/capacity/checklist-example", test_capacity_checklist_example);
  g_test_add_func ("/capacity/undercapacity-message", test_capacity_undercapacity_message);
  g_test_add_func ("/capacity/bits-per-token", test_capacity_bits_per_token);
  g_test_add_func ("/capacity/fixture-params", test_capacity_fixture_params);
  g_test_add_func ("/capacity/unknown", test_capacity_unknown);
  g_test_add_func ("/capacity/targets", test_capacity_targets);
  g_test_add_func ("/capacity/fused-shapes", test_capacity_fused_shapes);
  g_test_add_func ("/capacity/config-file", test_capacity_config_file);

  return g_test_run ();
}
