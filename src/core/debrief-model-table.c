/* debrief-model-table.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shapes of the common open models, used when the run folder has no
 * config.json of its own: each row is the model's published config.json
 * (hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
 * num_key_value_heads, head_dim, vocab_size, tie_word_embeddings, experts).
 * The comment above a row names the config.json it was read from: "checked"
 * rows were compared against a copy of that file (huggingface.co pages, a
 * config.json committed beside a run in tests/data/public, or a copy in another
 * project, named in the comment) or, where the comment says so, against a
 * transcription that cites the file; "not re-checked" rows keep the values
 * written when the row was added.
 * Mixture-of-experts rows carry the routed experts per layer: a LoRA on the
 * expert MLPs adapts every expert.
 */
#include "config.h"

#include <string.h>

#include "debrief-model-table.h"

typedef struct
{
  const char *name;
  const char *patterns[6];  /* substrings of the normalised name, most specific first */
  DebriefModelDims dims;
} ModelEntry;

/* hidden, intermediate, layers, heads, kv heads, head_dim, vocab, tied (1 no, 2 yes), MLP matrices, experts */
#define DIMS(h, i, l, a, kv, hd, v, tie, mlp, e) \
  { .hidden_size = h, .intermediate_size = i, .num_layers = l, .num_attention_heads = a, \
    .num_key_value_heads = kv, .head_dim = hd, .vocab_size = v, .tie_word_embeddings = tie, \
    .mlp_matrices = mlp, .num_experts = e }
#define UNTIED 1
#define TIED 2

/* Order matters: longer, more specific patterns before ones they contain. */
static const ModelEntry models[] = {
  /* DeepSeek-R1 distills keep their base model's shapes (DeepSeek-R1 model card):
   * Llama-8B is Llama-3.1-8B, Llama-70B Llama-3.3-70B, Qwen-1.5B/7B Qwen2.5-Math, 14B/32B Qwen2.5. */
  { "DeepSeek-R1-Distill-Llama-8B (Llama-3.1-8B shapes)", { "r1-distill-llama-8b", NULL },
    DIMS (4096, 14336, 32, 32, 8, 128, 128256, UNTIED, 3, 0) },
  { "DeepSeek-R1-Distill-Llama-70B (Llama-3.3-70B shapes)", { "r1-distill-llama-70b", NULL },
    DIMS (8192, 28672, 80, 64, 8, 128, 128256, UNTIED, 3, 0) },
  { "DeepSeek-R1-Distill-Qwen-1.5B (Qwen2.5-Math-1.5B shapes)", { "r1-distill-qwen-1.5b", NULL },
    DIMS (1536, 8960, 28, 12, 2, 128, 151936, UNTIED, 3, 0) },
  { "DeepSeek-R1-Distill-Qwen-7B (Qwen2.5-Math-7B shapes)", { "r1-distill-qwen-7b", NULL },
    DIMS (3584, 18944, 28, 28, 4, 128, 152064, UNTIED, 3, 0) },
  { "DeepSeek-R1-Distill-Qwen-14B (Qwen2.5-14B shapes)", { "r1-distill-qwen-14b", NULL },
    DIMS (5120, 13824, 48, 40, 8, 128, 152064, UNTIED, 3, 0) },
  { "DeepSeek-R1-Distill-Qwen-32B (Qwen2.5-32B shapes)", { "r1-distill-qwen-32b", NULL },
    DIMS (5120, 27648, 64, 40, 8, 128, 152064, UNTIED, 3, 0) },

  /* meta-llama/Llama-2-{7b,13b,70b}-hf config.json; checked (huggingface.co copies with
   * _name_or_path meta-llama/Llama-2-*-hf: TheBloke/Llama-2-70B-fp16, Softechlb/Llama_2_13b_NEE,
   * kashif/stack-llama-2). */
  { "Llama-2-7B", { "llama-2-7b", "llama2-7b", NULL }, DIMS (4096, 11008, 32, 32, 32, 128, 32000, UNTIED, 3, 0) },
  { "Llama-2-13B", { "llama-2-13b", "llama2-13b", NULL }, DIMS (5120, 13824, 40, 40, 40, 128, 32000, UNTIED, 3, 0) },
  { "Llama-2-70B", { "llama-2-70b", "llama2-70b", NULL }, DIMS (8192, 28672, 80, 64, 8, 128, 32000, UNTIED, 3, 0) },
  /* meta-llama/Llama-3.2-1B, Llama-3.2-3B config.json (tied embeddings); 3B checked (a copy in
   * citsjtu2020/LLM-Prof sglang/Model_Config.md), 1B checked against GenZ-LLM-Analyzer's transcription
   * of its config.json (abhibambhaniya/GenZ-LLM-Analyzer Models/Model_sets/meta.py). */
  { "Llama-3.2-1B", { "llama-3.2-1b", "llama3.2-1b", NULL }, DIMS (2048, 8192, 16, 32, 8, 64, 128256, TIED, 3, 0) },
  { "Llama-3.2-3B", { "llama-3.2-3b", "llama3.2-3b", NULL }, DIMS (3072, 8192, 28, 24, 8, 128, 128256, TIED, 3, 0) },
  /* meta-llama/Llama-3.1-8B and Meta-Llama-3-8B config.json (same shapes, 128256 tokens); checked
   * (3.1: LLM-Prof's copy and AI-Hypercomputer/maxtext checkpoint_conversion/utils/hf_model_configs.py;
   * 3: the config.json of sft-full-llama3-8b-law-llamafactory-zero3-6ep). */
  { "Llama-3.1-8B", { "llama-3.1-8b", "llama3.1-8b", NULL }, DIMS (4096, 14336, 32, 32, 8, 128, 128256, UNTIED, 3, 0) },
  { "Llama-3-8B", { "llama-3-8b", "llama3-8b", NULL }, DIMS (4096, 14336, 32, 32, 8, 128, 128256, UNTIED, 3, 0) },
  /* meta-llama/Llama-3.1-70B, Llama-3.3-70B-Instruct, Meta-Llama-3-70B config.json; 3.1 checked
   * (maxtext hf_model_configs.py, GenZ meta.py); 3.3 and 3 not re-checked. */
  { "Llama-3.1-70B", { "llama-3.1-70b", "llama3.1-70b", "llama-3.3-70b", "llama3.3-70b", NULL },
    DIMS (8192, 28672, 80, 64, 8, 128, 128256, UNTIED, 3, 0) },
  { "Llama-3-70B", { "llama-3-70b", "llama3-70b", NULL }, DIMS (8192, 28672, 80, 64, 8, 128, 128256, UNTIED, 3, 0) },
  /* TinyLlama/TinyLlama-1.1B-Chat-v1.0 config.json; checked (several committed copies). */
  { "TinyLlama-1.1B", { "tinyllama", NULL }, DIMS (2048, 5632, 22, 32, 4, 64, 32000, UNTIED, 3, 0) },

  /* Qwen/Qwen2-{0.5B,1.5B,7B,72B} config.json; 0.5B checked (rwth-i6/i6_experiments qwen2_configs.py
   * copy), 7B checked (Qwen2-7B-Instruct's Qwen2Config printed in Retruth/deontic nlp_models/qwen2),
   * 72B checked against GenZ alibaba.py; 1.5B not re-checked. */
  { "Qwen2-0.5B", { "qwen2-0.5b", NULL }, DIMS (896, 4864, 24, 14, 2, 64, 151936, TIED, 3, 0) },
  { "Qwen2-1.5B", { "qwen2-1.5b", NULL }, DIMS (1536, 8960, 28, 12, 2, 128, 151936, TIED, 3, 0) },
  { "Qwen2-7B", { "qwen2-7b", NULL }, DIMS (3584, 18944, 28, 28, 4, 128, 152064, UNTIED, 3, 0) },
  { "Qwen2-72B", { "qwen2-72b", NULL }, DIMS (8192, 29568, 80, 64, 8, 128, 152064, UNTIED, 3, 0) },
  /* Qwen/Qwen2.5-Math-1.5B, -7B config.json (not re-checked). */
  { "Qwen2.5-Math-1.5B", { "qwen2.5-math-1.5b", NULL }, DIMS (1536, 8960, 28, 12, 2, 128, 151936, UNTIED, 3, 0) },
  { "Qwen2.5-Math-7B", { "qwen2.5-math-7b", NULL }, DIMS (3584, 18944, 28, 28, 4, 128, 152064, UNTIED, 3, 0) },
  /* Qwen/Qwen2.5-*-Instruct config.json; 0.5B and 7B checked (osllmai-community/Qwen2.5-0.5B,
   * osllmai-community/Qwen2.5-7B-Instruct copies), 3B, 14B, 32B checked (LLM-Prof's copies), 1.5B
   * checked against GenZ alibaba.py; 72B not re-checked. 0.5B-3B tie their embeddings. */
  { "Qwen2.5-0.5B", { "qwen2.5-0.5b", NULL }, DIMS (896, 4864, 24, 14, 2, 64, 151936, TIED, 3, 0) },
  { "Qwen2.5-1.5B", { "qwen2.5-1.5b", NULL }, DIMS (1536, 8960, 28, 12, 2, 128, 151936, TIED, 3, 0) },
  { "Qwen2.5-3B", { "qwen2.5-3b", NULL }, DIMS (2048, 11008, 36, 16, 2, 128, 151936, TIED, 3, 0) },
  { "Qwen2.5-7B", { "qwen2.5-7b", NULL }, DIMS (3584, 18944, 28, 28, 4, 128, 152064, UNTIED, 3, 0) },
  { "Qwen2.5-14B", { "qwen2.5-14b", NULL }, DIMS (5120, 13824, 48, 40, 8, 128, 152064, UNTIED, 3, 0) },
  { "Qwen2.5-32B", { "qwen2.5-32b", NULL }, DIMS (5120, 27648, 64, 40, 8, 128, 152064, UNTIED, 3, 0) },
  { "Qwen2.5-72B", { "qwen2.5-72b", NULL }, DIMS (8192, 29568, 80, 64, 8, 128, 152064, UNTIED, 3, 0) },
  /* Qwen/Qwen3-* config.json; 8B checked (the config.json of cpt-full-qwen3-8b-base-natural-science-llamafactory),
   * 0.6B checked (rm-trl-qwen3-0.6b-full-orca-3ep's config.json), 0.6B/4B/8B/14B/32B and 30B-A3B checked
   * (LLM-Prof's copies, maxtext hf_model_configs.py); 1.7B not re-checked. 0.6B-4B tie their
   * embeddings; Qwen3-4B-Instruct-2507 keeps Qwen3-4B's shapes. */
  { "Qwen3-30B-A3B", { "qwen3-30b-a3b", NULL }, DIMS (2048, 768, 48, 32, 4, 128, 151936, UNTIED, 3, 128) },
  { "Qwen3-0.6B", { "qwen3-0.6b", NULL }, DIMS (1024, 3072, 28, 16, 8, 128, 151936, TIED, 3, 0) },
  { "Qwen3-1.7B", { "qwen3-1.7b", NULL }, DIMS (2048, 6144, 28, 16, 8, 128, 151936, TIED, 3, 0) },
  { "Qwen3-4B", { "qwen3-4b", NULL }, DIMS (2560, 9728, 36, 32, 8, 128, 151936, TIED, 3, 0) },
  { "Qwen3-8B", { "qwen3-8b", NULL }, DIMS (4096, 12288, 36, 32, 8, 128, 151936, UNTIED, 3, 0) },
  { "Qwen3-14B", { "qwen3-14b", NULL }, DIMS (5120, 17408, 40, 40, 8, 128, 151936, UNTIED, 3, 0) },
  { "Qwen3-32B", { "qwen3-32b", NULL }, DIMS (5120, 25600, 64, 64, 8, 128, 151936, UNTIED, 3, 0) },

  /* mistralai/Mistral-7B-v0.1, -Instruct-v0.2, -v0.3 config.json (v0.3: 32768 tokens); v0.2 checked
   * against GenZ mistral.py; v0.3 not re-checked. */
  { "Mistral-7B-v0.3", { "mistral-7b-v0.3", "mistral-7b-instruct-v0.3", NULL },
    DIMS (4096, 14336, 32, 32, 8, 128, 32768, UNTIED, 3, 0) },
  { "Mistral-7B", { "mistral-7b", NULL }, DIMS (4096, 14336, 32, 32, 8, 128, 32000, UNTIED, 3, 0) },
  /* mistralai/Mixtral-8x7B-v0.1, Mixtral-8x22B-v0.1 config.json; checked (maxtext hf_model_configs.py
   * copies of the -Instruct-v0.1 config.json). */
  { "Mixtral-8x7B", { "mixtral-8x7b", NULL }, DIMS (4096, 14336, 32, 32, 8, 128, 32000, UNTIED, 3, 8) },
  { "Mixtral-8x22B", { "mixtral-8x22b", NULL }, DIMS (6144, 16384, 56, 48, 8, 128, 32768, UNTIED, 3, 8) },
  /* openai/gpt-oss-20b config.json; checked (the checkpoints of grpo-gpt-oss-20b-manual-lora-minesweeper-500steps). */
  { "gpt-oss-20b", { "gpt-oss-20b", NULL }, DIMS (2880, 2880, 24, 64, 8, 64, 201088, UNTIED, 3, 32) },

  /* google/gemma-{2b,7b} config.json; checked (unsloth/gemma-2b-it, meher146/gemma-doctor-chat-model copies). */
  { "gemma-2b", { "gemma-2b", "gemma-1.1-2b", NULL }, DIMS (2048, 16384, 18, 8, 1, 256, 256000, TIED, 3, 0) },
  { "gemma-7b", { "gemma-7b", "gemma-1.1-7b", NULL }, DIMS (3072, 24576, 28, 16, 16, 256, 256000, TIED, 3, 0) },
  /* google/gemma-2-{2b,9b,27b} config.json; checked (maxtext hf_model_configs.py, GenZ google.py). */
  { "gemma-2-2b", { "gemma-2-2b", "gemma2-2b", NULL }, DIMS (2304, 9216, 26, 8, 4, 256, 256000, TIED, 3, 0) },
  { "gemma-2-9b", { "gemma-2-9b", "gemma2-9b", NULL }, DIMS (3584, 14336, 42, 16, 8, 256, 256000, TIED, 3, 0) },
  { "gemma-2-27b", { "gemma-2-27b", "gemma2-27b", NULL }, DIMS (4608, 36864, 46, 32, 16, 128, 256000, TIED, 3, 0) },
  /* google/gemma-3-1b-it config.json, gemma-3-{4b,12b,27b}-it text_config; 4b/12b/27b checked
   * (maxtext hf_model_configs.py; its copies write the tokenizer's 262144 tokens where the checkpoints
   * use Gemma3TextConfig's default of 262208 rows); 1b not re-checked. */
  { "gemma-3-1b", { "gemma-3-1b", "gemma3-1b", NULL }, DIMS (1152, 6912, 26, 4, 1, 256, 262144, TIED, 3, 0) },
  { "gemma-3-4b", { "gemma-3-4b", "gemma3-4b", NULL }, DIMS (2560, 10240, 34, 8, 4, 256, 262208, TIED, 3, 0) },
  { "gemma-3-12b", { "gemma-3-12b", "gemma3-12b", NULL }, DIMS (3840, 15360, 48, 16, 8, 256, 262208, TIED, 3, 0) },
  { "gemma-3-27b", { "gemma-3-27b", "gemma3-27b", NULL }, DIMS (5376, 21504, 62, 32, 16, 128, 262208, TIED, 3, 0) },

  /* microsoft/Phi-3-mini-4k-instruct, Phi-3-small-8k, Phi-3-medium-4k config.json (Phi-3.5-mini the same as
   * mini); checked against GenZ microsoft.py. */
  { "Phi-3-mini", { "phi-3-mini", "phi-3.5-mini", "phi3-mini", "phi3.5-mini", NULL },
    DIMS (3072, 8192, 32, 32, 32, 96, 32064, UNTIED, 3, 0) },
  { "Phi-3-small", { "phi-3-small", "phi3-small", NULL }, DIMS (4096, 14336, 32, 32, 8, 128, 100352, UNTIED, 3, 0) },
  { "Phi-3-medium", { "phi-3-medium", "phi3-medium", NULL }, DIMS (5120, 17920, 40, 40, 10, 128, 32064, UNTIED, 3, 0) },
  /* microsoft/Phi-4-mini-instruct, microsoft/phi-4 config.json (not re-checked). */
  { "Phi-4-mini", { "phi-4-mini", "phi4-mini", NULL }, DIMS (3072, 8192, 32, 24, 8, 128, 200064, TIED, 3, 0) },
  { "phi-4", { "phi-4", "phi4", NULL }, DIMS (5120, 17920, 40, 40, 10, 128, 100352, UNTIED, 3, 0) },

  /* HuggingFaceTB/SmolLM2-{135M,360M,1.7B} config.json (tied); 135M checked (rm-trl-smollm2-135m-full-orca-3ep's
   * config.json), 360M checked but for its intermediate size (JXL884/Entropy-aware-branching smollm.py);
   * 1.7B not re-checked. */
  { "SmolLM2-135M", { "smollm2-135m", NULL }, DIMS (576, 1536, 30, 9, 3, 64, 49152, TIED, 3, 0) },
  { "SmolLM2-360M", { "smollm2-360m", NULL }, DIMS (960, 2560, 32, 15, 5, 64, 49152, TIED, 3, 0) },
  { "SmolLM2-1.7B", { "smollm2-1.7b", NULL }, DIMS (2048, 8192, 24, 32, 32, 64, 49152, TIED, 3, 0) },

  /* openai-community/gpt2{,-medium,-large,-xl} and distilbert/distilgpt2 config.json (n_embd,
   * n_layer, n_head; n_inner null = 4 × n_embd; tied; c_fc and c_proj). distilgpt2 checked
   * (the config.json of sft-full-gpt2-friendvoice-no-log-entries and sft-full-distilgpt2-chess-1ep: 6 layers),
   * gpt2 checked against GenZ meta.py; medium, large, xl not re-checked. */
  { "distilgpt2", { "distilgpt2", NULL }, DIMS (768, 3072, 6, 12, 12, 64, 50257, TIED, 2, 0) },
  { "gpt2-xl", { "gpt2-xl", NULL }, DIMS (1600, 6400, 48, 25, 25, 64, 50257, TIED, 2, 0) },
  { "gpt2-large", { "gpt2-large", NULL }, DIMS (1280, 5120, 36, 20, 20, 64, 50257, TIED, 2, 0) },
  { "gpt2-medium", { "gpt2-medium", NULL }, DIMS (1024, 4096, 24, 16, 16, 64, 50257, TIED, 2, 0) },
  { "gpt2", { "gpt2", NULL }, DIMS (768, 3072, 12, 12, 12, 64, 50257, TIED, 2, 0) },

  /* THUDM/chatglm3-6b, THUDM/glm-4-9b-chat config.json (hidden_size, ffn_hidden_size,
   * num_layers, multi_query_group_num = kv heads, kv_channels = head_dim, padded_vocab_size); glm-4-9b
   * checked against GenZ misc.py; chatglm3-6b not re-checked. */
  { "chatglm3-6b", { "chatglm3-6b", "chatglm2-6b", NULL }, DIMS (4096, 13696, 28, 32, 2, 128, 65024, UNTIED, 3, 0) },
  { "glm-4-9b", { "glm-4-9b", "glm4-9b", NULL }, DIMS (4096, 13696, 40, 32, 2, 128, 151552, UNTIED, 3, 0) },

  /* bigscience/bloom-{560m,1b7,3b,7b1} config.json (n_embed, n_layer, n_head; 4h MLP, tied; not re-checked). */
  { "bloom-3b", { "bloom-3b", "bloomz-3b", NULL }, DIMS (2560, 10240, 30, 32, 32, 80, 250880, TIED, 2, 0) },
  { "bloom-560m", { "bloom-560m", "bloomz-560m", NULL }, DIMS (1024, 4096, 24, 16, 16, 64, 250880, TIED, 2, 0) },
};

/* "unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit", "./models/Qwen2.5-7B-Instruct/ ",
 * "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M": the last path component,
 * lower case, separators as '-' (Ollama's "llama3.2:3b" is "llama3.2-3b"), without
 * the prefixes that name a publisher.
 * Suffixes (-Instruct, -Chat, -it, -hf, -bnb-4bit, -GGUF, -v0.2) need no
 * stripping: the patterns are matched as substrings that end at a size. */
static char *
normalise (const char *model_name)
{
  static const char *const prefixes[] = { "meta-", "unsloth-", "hf-", NULL };
  g_autofree char *trimmed = g_strstrip (g_strdup (model_name));
  gsize n = strlen (trimmed);
  const char *slash;
  char *name;

  while (n > 1 && (trimmed[n - 1] == '/' || trimmed[n - 1] == '\\'))
    trimmed[--n] = '\0';
  slash = strrchr (trimmed, '/');
  name = g_ascii_strdown (slash ? slash + 1 : trimmed, -1);
  for (char *p = name; *p; p++)
    if (*p == '_' || *p == ' ' || *p == ':')
      *p = '-';
  /* "Meta-Llama-3.1-8B" is "Llama-3.1-8B". */
  for (guint i = 0; prefixes[i]; i++)
    if (g_str_has_prefix (name, prefixes[i]))
      memmove (name, name + strlen (prefixes[i]), strlen (name + strlen (prefixes[i])) + 1);
  return name;
}

const char *
debrief_model_table_lookup (const char       *model_name,
                            DebriefModelDims *dims)
{
  g_autofree char *name = NULL;

  if (model_name == NULL || *model_name == '\0')
    return NULL;
  name = normalise (model_name);
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    for (guint j = 0; j < G_N_ELEMENTS (models[i].patterns) && models[i].patterns[j]; j++)
      {
        const char *hit = strstr (name, models[i].patterns[j]);
        gsize n = strlen (models[i].patterns[j]);

        /* "qwen3-8b" must not match "qwen3-8b0"; a size ends the pattern. */
        if (hit != NULL && !g_ascii_isdigit (hit[n]) && hit[n] != '.')
          {
            if (dims)
              *dims = models[i].dims;
            return models[i].name;
          }
      }
  return NULL;
}

gint64
debrief_model_dims_trainer_params (const DebriefModelDims *d)
{
  gint64 h = d->hidden_size, layers = d->num_layers;
  gint64 head_dim, q, kv, inter, matrices, experts, per_layer, total;

  if (h <= 0 || layers <= 0)
    return 0;
  head_dim = d->head_dim > 0 ? d->head_dim : (d->num_attention_heads > 0 ? h / d->num_attention_heads : 0);
  q = d->num_attention_heads > 0 && head_dim > 0 ? d->num_attention_heads * head_dim : h;
  kv = d->num_key_value_heads > 0 && head_dim > 0 ? d->num_key_value_heads * head_dim : q;
  inter = d->intermediate_size > 0 ? d->intermediate_size : 4 * h;
  matrices = d->mlp_matrices > 0 ? d->mlp_matrices : 3;
  experts = d->num_experts > 0 ? d->num_experts : 1;
  /* q, k, v, o; the MLP (every expert, and the router); two norms. */
  per_layer = h * q + 2 * h * kv + q * h + matrices * h * inter * experts + (experts > 1 ? h * experts : 0) + 2 * h;
  total = layers * per_layer + h;
  /* The Trainer leaves out nn.Embedding modules only: an untied output layer counts. */
  if (d->tie_word_embeddings != 2 && d->vocab_size > 0)
    total += d->vocab_size * h;
  return total;
}
