/* debrief-model-table.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Values from each model's published config.json (hidden_size,
 * intermediate_size, num_hidden_layers, num_attention_heads,
 * num_key_value_heads, head_dim, vocab_size). Used only when the run folder
 * has no config.json of its own. Mixture-of-experts models are left out: their
 * LoRA shapes depend on the expert layout, so a guess would mislead the capacity check.
 */
#include "config.h"

#include <string.h>

#include "debrief-model-table.h"

typedef struct
{
  const char *name;
  const char *patterns[5];  /* substrings of the normalised name, most specific first */
  DebriefModelDims dims;
} ModelEntry;

/* Order matters: longer, more specific patterns before ones they contain. */
static const ModelEntry models[] = {
  { "Llama-3.2-1B", { "llama-3.2-1b", "llama3.2-1b", NULL },
    { 2048, 8192, 16, 32, 8, 64, 128256 } },
  { "Llama-3.2-3B", { "llama-3.2-3b", "llama3.2-3b", NULL },
    { 3072, 8192, 28, 24, 8, 128, 128256 } },
  { "Llama-3.1-8B", { "llama-3.1-8b", "llama3.1-8b", "llama-3-8b", "llama3-8b", NULL },
    { 4096, 14336, 32, 32, 8, 128, 128256 } },
  { "Llama-3.1-70B", { "llama-3.1-70b", "llama3.1-70b", "llama-3.3-70b", "llama3.3-70b", "llama-3-70b" },
    { 8192, 28672, 80, 64, 8, 128, 128256 } },
  { "Llama-3-70B", { "llama3-70b", NULL },
    { 8192, 28672, 80, 64, 8, 128, 128256 } },

  { "Qwen2.5-0.5B", { "qwen2.5-0.5b", NULL }, { 896, 4864, 24, 14, 2, 64, 151936 } },
  { "Qwen2.5-1.5B", { "qwen2.5-1.5b", NULL }, { 1536, 8960, 28, 12, 2, 128, 151936 } },
  { "Qwen2.5-3B", { "qwen2.5-3b", NULL }, { 2048, 11008, 36, 16, 2, 128, 151936 } },
  { "Qwen2.5-7B", { "qwen2.5-7b", NULL }, { 3584, 18944, 28, 28, 4, 128, 152064 } },
  { "Qwen2.5-14B", { "qwen2.5-14b", NULL }, { 5120, 13824, 48, 40, 8, 128, 152064 } },
  { "Qwen2.5-32B", { "qwen2.5-32b", NULL }, { 5120, 27648, 64, 40, 8, 128, 152064 } },
  { "Qwen2.5-72B", { "qwen2.5-72b", NULL }, { 8192, 29568, 80, 64, 8, 128, 152064 } },

  { "Qwen3-0.6B", { "qwen3-0.6b", NULL }, { 1024, 3072, 28, 16, 8, 128, 151936 } },
  { "Qwen3-1.7B", { "qwen3-1.7b", NULL }, { 2048, 6144, 28, 16, 8, 128, 151936 } },
  { "Qwen3-4B", { "qwen3-4b", NULL }, { 2560, 9728, 36, 32, 8, 128, 151936 } },
  { "Qwen3-8B", { "qwen3-8b", NULL }, { 4096, 12288, 36, 32, 8, 128, 151936 } },
  { "Qwen3-14B", { "qwen3-14b", NULL }, { 5120, 17408, 40, 40, 8, 128, 151936 } },
  { "Qwen3-32B", { "qwen3-32b", NULL }, { 5120, 25600, 64, 64, 8, 128, 151936 } },

  { "Mistral-7B-v0.3", { "mistral-7b-v0.3", "mistral-7b-instruct-v0.3", NULL },
    { 4096, 14336, 32, 32, 8, 128, 32768 } },
  { "Mistral-7B", { "mistral-7b", NULL }, { 4096, 14336, 32, 32, 8, 128, 32000 } },

  { "gemma-2-2b", { "gemma-2-2b", "gemma2-2b", NULL }, { 2304, 9216, 26, 8, 4, 256, 256000 } },
  { "gemma-2-9b", { "gemma-2-9b", "gemma2-9b", NULL }, { 3584, 14336, 42, 16, 8, 256, 256000 } },
  { "gemma-2-27b", { "gemma-2-27b", "gemma2-27b", NULL }, { 4608, 36864, 46, 32, 16, 128, 256000 } },

  { "Phi-3-mini", { "phi-3-mini", "phi-3.5-mini", "phi3-mini", "phi3.5-mini", NULL },
    { 3072, 8192, 32, 32, 32, 96, 32064 } },
  { "Phi-3-small", { "phi-3-small", "phi3-small", NULL }, { 4096, 14336, 32, 32, 8, 128, 100352 } },
  { "Phi-3-medium", { "phi-3-medium", "phi3-medium", NULL }, { 5120, 17920, 40, 40, 10, 128, 32064 } },
};

static char *
normalise (const char *model_name)
{
  const char *slash = strrchr (model_name, '/');
  char *name = g_ascii_strdown (slash ? slash + 1 : model_name, -1);

  for (char *p = name; *p; p++)
    if (*p == '_' || *p == ' ' || *p == ':')
      *p = '-';
  /* "Meta-Llama-3.1-8B" is "Llama-3.1-8B". */
  if (g_str_has_prefix (name, "meta-"))
    memmove (name, name + 5, strlen (name + 5) + 1);
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
