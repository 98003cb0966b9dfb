/* debrief-cli-capacity.c: `debrief-cli capacity`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "debrief-cli-commands.h"
#include "debrief-core.h"

static void
print_human (const DebriefCapacityResult *r)
{
  printf ("%s: %s\n", debrief_capacity_status_to_string (r->status), r->message);
  if (r->lora_params > 0)
    {
      printf (_("LoRA parameters: %" PRId64 " (per unit of rank: attention %" PRId64
                ", MLP %" PRId64 ", unembedding %" PRId64 ")\n"),
              r->lora_params, r->attn_params_per_rank, r->mlp_params_per_rank,
              r->unembed_params_per_rank);
      printf (_("Capacity: %.0f bits (2 bits per parameter)\n"), r->capacity_bits);
    }
  if (isfinite (r->required_bits))
    printf (_("Required: %.0f bits (%.2f bits per token)\n"), r->required_bits, r->bits_per_token);
  if (r->assumptions)
    printf (_("Assumed: %s\n"), r->assumptions);
}

int
debrief_cli_capacity (int argc, char **argv)
{
  gint64 rank = 0, hidden = 0, layers = 0, tokens = 0, intermediate = 0;
  gint64 kv_heads = 0, head_dim = 0, vocab = 0, heads = 0;
  g_autofree char *targets_text = NULL;
  gboolean json = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefCapacityResult) result = NULL;
  DebriefCapacityInput input;
  const GOptionEntry entries[] = {
    { "rank", 0, 0, G_OPTION_ARG_INT64, &rank, N_("LoRA rank"), "N" },
    { "hidden", 0, 0, G_OPTION_ARG_INT64, &hidden, N_("Hidden size of the base model"), "N" },
    { "layers", 0, 0, G_OPTION_ARG_INT64, &layers, N_("Number of transformer layers"), "N" },
    { "tokens", 0, 0, G_OPTION_ARG_INT64, &tokens, N_("Dataset size in tokens (one epoch)"), "N" },
    { "intermediate", 0, 0, G_OPTION_ARG_INT64, &intermediate, N_("MLP width (default 4 × hidden)"), "N" },
    { "kv-heads", 0, 0, G_OPTION_ARG_INT64, &kv_heads, N_("Key/value heads (grouped-query attention)"), "N" },
    { "heads", 0, 0, G_OPTION_ARG_INT64, &heads, N_("Attention heads (for the head size)"), "N" },
    { "head-dim", 0, 0, G_OPTION_ARG_INT64, &head_dim, N_("Size of one attention head"), "N" },
    { "vocab", 0, 0, G_OPTION_ARG_INT64, &vocab, N_("Vocabulary size (when the output layer is adapted)"), "N" },
    { "targets", 0, 0, G_OPTION_ARG_STRING, &targets_text, N_("Adapted layers: all, attn, mlp or a list such as q_proj,v_proj,lm_head (default all)"), "all|attn|mlp|LIST" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Checks whether a LoRA rank can hold a dataset: "
                                           "2 bits per adapter parameter against the dataset's tokens."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      g_printerr (_("debrief-cli capacity: unexpected argument “%s”\n"), argv[1]);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (rank <= 0 || hidden <= 0 || layers <= 0 || tokens <= 0)
    {
      g_printerr (_("debrief-cli capacity: --rank, --hidden, --layers and --tokens are required "
                    "and must be positive\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (intermediate < 0 || kv_heads < 0 || head_dim < 0 || vocab < 0 || heads < 0)
    {
      g_printerr (_("debrief-cli capacity: sizes must be positive\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }

  debrief_capacity_input_init (&input);
  input.rank = rank;
  input.dims.hidden_size = hidden;
  input.dims.num_layers = layers;
  input.dims.intermediate_size = intermediate;
  input.dims.num_key_value_heads = kv_heads;
  input.dims.num_attention_heads = heads;
  input.dims.head_dim = head_dim;
  input.dims.vocab_size = vocab;
  input.dataset_tokens = tokens;
  input.targets = DEBRIEF_TARGETS_ALL_LINEAR;
  if (targets_text && !debrief_capacity_parse_targets (targets_text, &input.targets, &error))
    {
      g_printerr ("debrief-cli capacity: %s\n", error->message);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (kv_heads > 0 && head_dim <= 0 && heads <= 0)
    {
      g_printerr (_("debrief-cli capacity: --kv-heads needs --head-dim (or --heads)\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if ((input.targets & DEBRIEF_TARGET_UNEMBED) && vocab <= 0)
    {
      g_printerr (_("debrief-cli capacity: the output layer is adapted: --vocab is required\n"));
      return DEBRIEF_CLI_EXIT_USAGE;
    }

  result = debrief_capacity_check (&input);
  if (json)
    {
      g_autoptr(JsonNode) node = debrief_capacity_result_to_json (result);
      g_autofree char *text = debrief_cli_json_to_string (node, TRUE);
      printf ("%s\n", text);
    }
  else
    print_human (result);
  return DEBRIEF_CLI_EXIT_OK;
}
