/* test-public-runs.c: the real public runs of tests/data/public against their labels
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LABELS.json was written by reading each run as an ML engineer would, before
 * the detection was written. Every labelled folder must open with its format,
 * a method and an adapter the files support (with the evidence said), the
 * primary series the label names, and a capacity verdict exactly where the
 * files allow one. Also the detection's parts on their own: key roles, the
 * model-name table and the parameter count behind the total_flos estimate.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-model-table.h"
#include "debrief-run-kind-private.h"
#include "debrief-test-core-utils.h"

static gboolean
array_contains (JsonArray  *array,
                const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static void
test_labelled_run (gconstpointer data)
{
  JsonObject *label = (JsonObject *) data;
  const char *name = json_object_get_string_member (label, "__name");
  const char *format = json_object_get_string_member (label, "format");
  g_autoptr(GFile) top = debrief_test_data_file ("public", name, NULL);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;

  /* A labelled folder is one run, possibly below it (a W&B folder keeps wandb/run-*). */
  found = debrief_discover_runs (top, NULL, &error);
  if (found != NULL)
    {
      g_assert_cmpuint (found->len, ==, 1);
      run = debrief_run_load (g_ptr_array_index (found, 0), NULL, &error);
    }
  g_autoptr(DebriefAnalysis) analysis = NULL;
  const DebriefCapacityResult *capacity;
  JsonNode *primary = json_object_get_member (label, "primary_metric");
  const char *method, *adapter;

  g_assert_no_error (error);
  g_assert_nonnull (run);

  g_assert_cmpstr (debrief_run_get_format (run), ==, format);

  method = debrief_method_to_string (debrief_run_get_method (run));
  if (!array_contains (json_object_get_array_member (label, "accept_method"), method))
    g_error ("%s: method %s (%s) is not what the files support", name, method,
             debrief_run_get_method_evidence (run));
  adapter = debrief_adapter_to_string (debrief_run_get_adapter (run));
  if (!array_contains (json_object_get_array_member (label, "accept_adapter"), adapter))
    g_error ("%s: adapter %s (%s) is not what the files support", name, adapter,
             debrief_run_get_adapter_evidence (run));
  /* Every answer says why. */
  g_assert_nonnull (debrief_run_get_method_evidence (run));
  g_assert_nonnull (debrief_run_get_adapter_evidence (run));

  if (JSON_NODE_HOLDS_NULL (primary))
    g_assert_null (debrief_run_get_primary_metric (run));
  else
    {
      const char *want = json_node_get_string (primary);
      g_assert_cmpstr (debrief_run_get_primary_metric (run), ==, want);
      g_assert_nonnull (debrief_run_get_series_by_name (run, want));
    }

  analysis = debrief_analysis_run (run, NULL, &error);
  g_assert_no_error (error);
  capacity = debrief_analysis_get_capacity (analysis);
  if (json_object_get_boolean_member (label, "capacity_verdict_reachable"))
    {
      if (capacity->status == DEBRIEF_CAPACITY_UNKNOWN)
        g_error ("%s: the files allow a capacity verdict (%s), got UNKNOWN: %s", name,
                 json_object_get_string_member (label, "capacity_detail"), capacity->message);
    }
  else
    g_assert_cmpint (capacity->status, ==, DEBRIEF_CAPACITY_UNKNOWN);
}

static void
test_key_roles (void)
{
  static const struct { const char *key; DebriefKeyRole role; } cases[] = {
    { "loss", DEBRIEF_KEY_LOSS },
    { "train_mean_nll", DEBRIEF_KEY_LOSS },
    { "rewards/margins", DEBRIEF_KEY_PREFERENCE },
    { "eval_rewards/accuracies", DEBRIEF_KEY_PREFERENCE },
    { "train/logps/chosen", DEBRIEF_KEY_PREFERENCE },
    { "rewards/chosen_sum", DEBRIEF_KEY_PREFERENCE },          /* KTO */
    { "odds_ratio_loss", DEBRIEF_KEY_PREFERENCE },             /* ORPO */
    { "reward", DEBRIEF_KEY_RL },
    { "frac_reward_zero_std", DEBRIEF_KEY_RL },
    { "rewards/correctness_reward_func", DEBRIEF_KEY_RL },     /* GRPO, one per reward function */
    { "completions/clipped_ratio", DEBRIEF_KEY_RL },
    { "env/all/reward/total", DEBRIEF_KEY_RL },
    { "test/env/all/reward/total", DEBRIEF_KEY_RL },
    { "optim/kl_sample_train_v1", DEBRIEF_KEY_RL },
    { "teacher_kl", DEBRIEF_KEY_RL },
    { "objective/rlhf_reward", DEBRIEF_KEY_RL },               /* TRL PPO / RLOO */
    { "mean_token_accuracy", DEBRIEF_KEY_SFT },
    { "learning_rate", DEBRIEF_KEY_OTHER },
    { "entropy", DEBRIEF_KEY_OTHER },                          /* TRL SFT logs it too */
    { "accuracy", DEBRIEF_KEY_OTHER },                         /* only LLaMA-Factory's means preference */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (debrief_key_role (cases[i].key) != cases[i].role)
      g_error ("%s: role %d, expected %d", cases[i].key, debrief_key_role (cases[i].key), cases[i].role);
}

static void
test_model_names (void)
{
  static const struct { const char *name; const char *entry; } cases[] = {
    { "unsloth/Llama-3.2-1B-unsloth-bnb-4bit", "Llama-3.2-1B" },
    { "unsloth/llama-3.2-1b-instruct-unsloth-bnb-4bit", "Llama-3.2-1B" },
    { "./model/Meta-Llama-3-8B", "Llama-3-8B" },
    { "meta-llama/Meta-Llama-3.1-8B-Instruct", "Llama-3.1-8B" },
    { "unsloth/meta-llama-3.1-8b-instruct-bnb-4bit", "Llama-3.1-8B" },
    { "meta-llama/Llama-3.3-70B-Instruct", "Llama-3.1-70B" },
    { "meta-llama/Llama-2-7b-chat-hf", "Llama-2-7B" },
    { "./Qwen2.5-7B-Instruct  ", "Qwen2.5-7B" },
    { "/root/autodl-tmp/models/Qwen2.5-7B-Instruct/", "Qwen2.5-7B" },
    { "Qwen/Qwen2.5-72B-Instruct", "Qwen2.5-72B" },
    { "Qwen/Qwen2-1.5B-Instruct", "Qwen2-1.5B" },
    { "Qwen/Qwen3-4B-Instruct-2507", "Qwen3-4B" },
    { "Qwen/Qwen3-30B-A3B", "Qwen3-30B-A3B" },
    { "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "DeepSeek-R1-Distill-Qwen-7B (Qwen2.5-Math-7B shapes)" },
    { "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "DeepSeek-R1-Distill-Llama-8B (Llama-3.1-8B shapes)" },
    { "TheBloke/Mistral-7B-Instruct-v0.2-GGUF", "Mistral-7B" },
    { "mistralai/Mistral-7B-Instruct-v0.3", "Mistral-7B-v0.3" },
    { "mistralai/Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7B" },
    { "google/gemma-2-2b-it", "gemma-2-2b" },
    { "unsloth/gemma-3-1b-it-unsloth-bnb-4bit", "gemma-3-1b" },
    { "google/gemma-7b-it", "gemma-7b" },
    { "microsoft/Phi-3-mini-4k-instruct", "Phi-3-mini" },
    { "microsoft/Phi-4-mini-instruct", "Phi-4-mini" },
    { "microsoft/phi-4", "phi-4" },
    { "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "TinyLlama-1.1B" },
    { "HuggingFaceTB/SmolLM2-360M-Instruct", "SmolLM2-360M" },
    { "openai-community/gpt2-medium", "gpt2-medium" },
    { "gpt2", "gpt2" },
    { "distilgpt2", "distilgpt2" },
    { "THUDM/glm-4-9b-chat", "glm-4-9b" },
    { "THUDM/chatglm3-6b", "chatglm3-6b" },
    { "llama3.2:3b", "Llama-3.2-3B" },
    { "unsloth/gpt-oss-20b-BF16", "gpt-oss-20b" },
  };
  static const char *const unknown[] = {
    "bert-base-uncased", "suzushi/luojiu-7b_Tokenize_stage", "Qwen/Qwen1.5-7B", "Qwen/Qwen2.5-VL-7B-Instruct",
    "meta-llama/Llama-3.2-11B-Vision", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DebriefModelDims dims = { 0 };
      const char *entry = debrief_model_table_lookup (cases[i].name, &dims);
      if (g_strcmp0 (entry, cases[i].entry) != 0)
        g_error ("%s: table entry %s, expected %s", cases[i].name, entry, cases[i].entry);
      g_assert_cmpint (dims.hidden_size, >, 0);
      g_assert_cmpint (dims.tie_word_embeddings, >, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    if (debrief_model_table_lookup (unknown[i], NULL) != NULL)
      g_error ("%s: matched %s", unknown[i], debrief_model_table_lookup (unknown[i], NULL));
}

/* The parameters the Trainer counts: published totals minus the embedding
 * table (Llama-3.1-8B 8,030,261,248 − 525,336,576; Qwen2.5-0.5B, tied,
 * 494,032,768 − 136,134,656), within the norms and biases this leaves out. */
static void
test_trainer_params (void)
{
  static const struct { const char *name; double params; } cases[] = {
    { "Llama-3.1-8B", 8030261248.0 - 525336576.0 },
    { "Qwen2.5-0.5B", 494032768.0 - 136134656.0 },
    { "gpt2", 124439808.0 - 38597376.0 - 786432.0 },   /* wte and wpe are both nn.Embedding */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DebriefModelDims dims = { 0 };
      double got;

      g_assert_nonnull (debrief_model_table_lookup (cases[i].name, &dims));
      got = (double) debrief_model_dims_trainer_params (&dims);
      if (fabs (got - cases[i].params) / cases[i].params > 0.01)
        g_error ("%s: %.0f parameters, expected about %.0f", cases[i].name, got, cases[i].params);
    }
}

/* The folders the issue names: a tinker-cookbook RL folder opens; a LLaMA-Factory
 * folder reads its rank from the adapter_config.json beside trainer_log.jsonl. */
static void
test_issue_folders (void)
{
  g_autoptr(DebriefRun) rl = debrief_test_load_run ("public", "rl-tinker-llama3.2-1b-arithmetic", NULL);
  g_autoptr(DebriefRun) lf = debrief_test_load_run ("public", "sft-llamafactory-qwen2.5-7b-qlora-medical-trainer-log", NULL);
  const DebriefRunConfig *config;

  g_assert_nonnull (debrief_run_get_series_by_name (rl, "env/all/reward/total"));
  g_assert_nonnull (debrief_run_get_series_by_name (rl, "optim/entropy"));
  g_assert_cmpint (debrief_run_get_n_checkpoints (rl), ==, 6);
  g_assert_cmpint (debrief_run_get_method (rl), ==, DEBRIEF_METHOD_RL);

  config = debrief_run_get_config (lf);
  g_assert_cmpint (config->lora_rank, ==, 8);
  g_assert_cmpint (config->quantization_bits, ==, 4);
  g_assert_true (g_strv_contains (debrief_run_get_source_files (lf), "adapter_config.json"));
  g_assert_true (g_str_has_prefix (config->dataset_tokens_source, "estimate: total_flos"));
  g_assert_true (g_str_has_prefix (config->dims_source, "built-in table: Qwen2.5-7B"));
  g_assert_cmpint (debrief_run_get_adapter (lf), ==, DEBRIEF_ADAPTER_QLORA);
}

/* The second pass's runs: what the labels cannot say on their own. A model card
 * tag says continued pre-training; TRL PPO's cumulative episode count reaches the
 * RL capacity rule, also under a CSV export's train/ prefix; a reward model gets
 * no token-based capacity verdict. */
static void
test_kind_details (void)
{
  g_autoptr(DebriefRun) cpt = debrief_test_load_run ("public", "cpt-llamafactory-llama2-7b-qlora-zh-tw-3ep", NULL);
  g_autoptr(DebriefRun) ppo = debrief_test_load_run ("public", "ppo-trl-gemma3-1b-lora-lyrics-675steps", NULL);
  g_autoptr(DebriefRun) csv = debrief_test_load_run ("public", "ppo-csv-smollm2-135m-lora-qv-orca-3ep", NULL);
  g_autoptr(DebriefRun) rm = debrief_test_load_run ("public", "rm-trl-gemma3-1b-lora-lyrics-224steps", NULL);
  g_autoptr(DebriefAnalysis) rm_analysis = NULL;

  g_assert_cmpint (debrief_run_get_method (cpt), ==, DEBRIEF_METHOD_CPT);
  g_assert_nonnull (strstr (debrief_run_get_method_evidence (cpt), "Pretrain Stage"));
  g_assert_cmpint (debrief_run_get_config (ppo)->rl_episodes, ==, 5400);
  g_assert_cmpint (debrief_run_get_config (csv)->rl_episodes, ==, 27008);
  g_assert_nonnull (strstr (debrief_run_get_config (csv)->rl_episodes_source, "train/episode"));
  g_assert_cmpstr (debrief_run_get_primary_metric (csv), ==, "train/objective/rlhf_reward");
  g_assert_cmpint (debrief_run_get_method (rm), ==, DEBRIEF_METHOD_REWARD_MODEL);
  rm_analysis = debrief_analysis_run (rm, NULL, NULL);
  g_assert_cmpint (debrief_analysis_get_capacity (rm_analysis)->status, ==, DEBRIEF_CAPACITY_UNKNOWN);
  g_assert_nonnull (strstr (debrief_analysis_get_capacity (rm_analysis)->message, "reward model"));
}

/* axolotl trains on raw text when a dataset is of type completion (no template,
 * every token) or when it streams a pretraining_dataset: continued pre-training. */
static void
test_axolotl_raw_text_is_cpt (void)
{
  static const char *const yamls[] = {
    "base_model: meta-llama/Llama-3.2-1B\nadapter: lora\nlora_r: 8\ndatasets:\n  - path: corpus.jsonl\n    type: completion\n",
    "base_model: meta-llama/Llama-3.2-1B\npretraining_dataset:\n  - path: allenai/c4\n    name: en\n",
    "base_model: meta-llama/Llama-3.2-1B\nadapter: lora\nlora_r: 8\ndatasets:\n  - path: tatsu-lab/alpaca\n    type: alpaca\n",
  };
  static const DebriefMethod want[] = { DEBRIEF_METHOD_CPT, DEBRIEF_METHOD_CPT, DEBRIEF_METHOD_SFT };
  GString *state = g_string_new ("{\"global_step\": 30, \"log_history\": [");

  for (int i = 1; i <= 30; i++)
    g_string_append_printf (state, "%s{\"loss\": %.3f, \"step\": %d}", i > 1 ? ", " : "", 2.5 - 0.02 * i, i);
  g_string_append (state, "]}");
  for (guint i = 0; i < G_N_ELEMENTS (yamls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("debrief-axolotl-XXXXXX", &error);
      g_autofree char *state_path = g_build_filename (dir, "trainer_state.json", NULL);
      g_autofree char *yaml_path = g_build_filename (dir, "axolotl.yml", NULL);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);
      g_autoptr(DebriefRun) run = NULL;

      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (state_path, state->str, -1, NULL));
      g_assert_true (g_file_set_contents (yaml_path, yamls[i], -1, NULL));
      run = debrief_run_load (folder, NULL, &error);
      g_assert_no_error (error);
      if (debrief_run_get_method (run) != want[i])
        g_error ("axolotl config %u: method %s (%s)", i, debrief_method_to_string (debrief_run_get_method (run)),
                 debrief_run_get_method_evidence (run));
      g_unlink (state_path);
      g_unlink (yaml_path);
      g_rmdir (dir);
    }
  g_string_free (state, TRUE);
}

/* Whether an adapter covers the MLP, in the module names of each family: PEFT adapts
 * every module whose name ends with a target (GPT-2's "c_proj" is attn.c_proj and
 * mlp.c_proj; GPT-J's MLP is fc_in/fc_out; ChatGLM's and Falcon's dense_h_to_4h). */
static void
test_mlp_module_names (void)
{
  static const struct { const char *targets; DebriefTristate mlp; } cases[] = {
    { "[\"c_attn\"]", DEBRIEF_TRISTATE_NO },
    { "[\"c_attn\", \"c_proj\"]", DEBRIEF_TRISTATE_YES },
    { "[\"h.0.attn.c_attn\", \"h.0.attn.c_proj\"]", DEBRIEF_TRISTATE_NO },
    { "[\"q_proj\", \"v_proj\", \"fc_in\", \"fc_out\"]", DEBRIEF_TRISTATE_YES },
    { "[\"query_key_value\", \"dense\"]", DEBRIEF_TRISTATE_NO },
    { "[\"query_key_value\", \"dense_h_to_4h\", \"dense_4h_to_h\"]", DEBRIEF_TRISTATE_YES },
  };
  GString *state = g_string_new ("{\"global_step\": 30, \"log_history\": [");

  for (int i = 1; i <= 30; i++)
    g_string_append_printf (state, "%s{\"loss\": %.3f, \"step\": %d}", i > 1 ? ", " : "", 2.5 - 0.02 * i, i);
  g_string_append (state, "]}");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("debrief-targets-XXXXXX", &error);
      g_autofree char *state_path = g_build_filename (dir, "trainer_state.json", NULL);
      g_autofree char *adapter_path = g_build_filename (dir, "adapter_config.json", NULL);
      g_autofree char *adapter = g_strdup_printf ("{\"peft_type\": \"LORA\", \"r\": 8, \"target_modules\": %s}",
                                                  cases[i].targets);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);
      g_autoptr(DebriefRun) run = NULL;

      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (state_path, state->str, -1, NULL));
      g_assert_true (g_file_set_contents (adapter_path, adapter, -1, NULL));
      run = debrief_run_load (folder, NULL, &error);
      g_assert_no_error (error);
      if (debrief_run_get_config (run)->train_mlp != cases[i].mlp)
        g_error ("target_modules %s: train_mlp %d, expected %d", cases[i].targets,
                 debrief_run_get_config (run)->train_mlp, cases[i].mlp);
      g_unlink (state_path);
      g_unlink (adapter_path);
      g_rmdir (dir);
    }
  g_string_free (state, TRUE);
}

/* The total_flos estimate against a run whose dataset size is known (tests/data/runs/README.md:
 * healthy trained 3 epochs of 40960 tokens; its trainer_state.json has no token count). */
static void
test_flos_estimate (void)
{
  g_autoptr(DebriefRun) run = debrief_test_load_run ("runs", "healthy", NULL);
  const DebriefRunConfig *config = debrief_run_get_config (run);

  g_assert_true (g_str_has_prefix (config->dataset_tokens_source, "estimate: total_flos"));
  g_assert_cmpfloat (fabs ((double) config->dataset_tokens - 40960.0) / 40960.0, <, 0.01);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *labels;
  g_autoptr(GList) names = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/public-runs/key-roles", test_key_roles);
  g_test_add_func ("/public-runs/model-names", test_model_names);
  g_test_add_func ("/public-runs/trainer-params", test_trainer_params);
  g_test_add_func ("/public-runs/issue-folders", test_issue_folders);
  g_test_add_func ("/public-runs/flos-estimate", test_flos_estimate);
  g_test_add_func ("/public-runs/kind-details", test_kind_details);
  g_test_add_func ("/public-runs/axolotl-raw-text", test_axolotl_raw_text_is_cpt);
  g_test_add_func ("/public-runs/mlp-module-names", test_mlp_module_names);

  path = debrief_test_data_path ("public", "LABELS.json", NULL);
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  labels = json_node_get_object (json_parser_get_root (parser));
  names = json_object_get_members (labels);
  for (GList *l = names; l; l = l->next)
    {
      JsonObject *label = json_object_get_object_member (labels, l->data);
      g_autofree char *test = g_strdup_printf ("/public-runs/kind/%s", (const char *) l->data);
      json_object_set_string_member (label, "__name", l->data);
      g_test_add_data_func (test, label, test_labelled_run);
    }
  return g_test_run ();
}
