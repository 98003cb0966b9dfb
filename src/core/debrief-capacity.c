/* debrief-capacity.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "debrief-capacity.h"
#include "debrief-error.h"

/* LoRA stores about 2 bits per parameter (FORMATS.md section 4). */
#define BITS_PER_LORA_PARAM 2.0
/* The checklist's default cost of a token when the run logged no loss. */
#define DEFAULT_BITS_PER_TOKEN 1.0
/* Llama-style MLP width when the model does not say (the classic transformer ratio). */
#define DEFAULT_INTERMEDIATE_RATIO 4

G_DEFINE_BOXED_TYPE (DebriefCapacityResult, debrief_capacity_result,
                     debrief_capacity_result_copy, debrief_capacity_result_free)

const char *
debrief_capacity_status_to_string (DebriefCapacityStatus status)
{
  switch (status)
    {
    case DEBRIEF_CAPACITY_OK:
      return "OK";
    case DEBRIEF_CAPACITY_UNDERCAPACITY:
      return "UNDERCAPACITY";
    case DEBRIEF_CAPACITY_UNKNOWN:
    default:
      return "UNKNOWN";
    }
}

void
debrief_capacity_input_init (DebriefCapacityInput *input)
{
  memset (input, 0, sizeof *input);
  input->bits_per_token = NAN;
}

DebriefCapacityResult *
debrief_capacity_result_copy (const DebriefCapacityResult *result)
{
  DebriefCapacityResult *copy = g_new (DebriefCapacityResult, 1);

  *copy = *result;
  copy->message = g_strdup (result->message);
  copy->assumptions = g_strdup (result->assumptions);
  return copy;
}

void
debrief_capacity_result_free (DebriefCapacityResult *result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_free (result->assumptions);
  g_free (result);
}

static DebriefCapacityResult *
result_new (void)
{
  DebriefCapacityResult *r = g_new0 (DebriefCapacityResult, 1);

  r->status = DEBRIEF_CAPACITY_UNKNOWN;
  r->capacity_bits = NAN;
  r->required_bits = NAN;
  r->headroom_percent = NAN;
  r->bits_per_token = NAN;
  return r;
}

DebriefCapacityResult *
debrief_capacity_check (const DebriefCapacityInput *input)
{
  g_autoptr(DebriefCapacityResult) r = result_new ();
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) assumed = g_ptr_array_new_with_free_func (g_free);
  const DebriefModelDims *d = &input->dims;
  gint64 h, inter, kv, vocab, per_layer_attn = 0, per_layer_mlp = 0;
  guint targets = input->targets;
  double ratio;

  g_return_val_if_fail (input != NULL, NULL);

  r->rank = input->rank;
  r->per_episode = input->per_episode;
  if (input->rank <= 0)
    g_ptr_array_add (missing, (gpointer) _("LoRA rank"));
  if (d->hidden_size <= 0)
    g_ptr_array_add (missing, (gpointer) _("hidden size"));
  if (d->num_layers <= 0)
    g_ptr_array_add (missing, (gpointer) _("number of layers"));
  if (input->dataset_tokens <= 0)
    g_ptr_array_add (missing, (gpointer) (input->per_episode ? _("number of episodes") : _("dataset tokens")));
  if ((targets & DEBRIEF_TARGET_UNEMBED) && d->vocab_size <= 0)
    g_ptr_array_add (missing, (gpointer) _("vocabulary size (the output layer is adapted)"));

  h = d->hidden_size;
  inter = d->intermediate_size;
  vocab = d->vocab_size;
  if (targets == 0)
    {
      targets = DEBRIEF_TARGETS_ALL_LINEAR;
      g_ptr_array_add (assumed, g_strdup (_("adapted layers unknown: assumed all linear layers")));
    }
  if (h > 0 && inter <= 0 && (targets & (DEBRIEF_TARGETS_MLP | DEBRIEF_TARGET_GATE_UP)))
    {
      inter = DEFAULT_INTERMEDIATE_RATIO * h;
      g_ptr_array_add (assumed, g_strdup_printf (_("intermediate size unknown: assumed 4 × hidden = %" PRId64), inter));
    }
  if (d->num_key_value_heads > 0)
    {
      gint64 head_dim = d->head_dim;
      if (head_dim <= 0 && d->num_attention_heads > 0)
        head_dim = h / d->num_attention_heads;
      kv = head_dim > 0 ? d->num_key_value_heads * head_dim : 0;
    }
  else
    kv = 0;
  if (h > 0 && kv <= 0 && (targets & (DEBRIEF_TARGET_K | DEBRIEF_TARGET_V | DEBRIEF_TARGET_QKV)))
    {
      kv = h;
      g_ptr_array_add (assumed, g_strdup (_("key/value width unknown: assumed no grouped-query attention (kv = hidden)")));
    }
  /* The attention output width is heads × head_dim, which is h for Llama but not for
   * every model (Gemma, Qwen3 set head_dim explicitly). */
  {
    gint64 q_out = h;
    if (d->num_attention_heads > 0 && d->head_dim > 0)
      q_out = d->num_attention_heads * d->head_dim;

    if (targets & DEBRIEF_TARGET_Q)
      per_layer_attn += h + q_out;
    if (targets & DEBRIEF_TARGET_K)
      per_layer_attn += h + kv;
    if (targets & DEBRIEF_TARGET_V)
      per_layer_attn += h + kv;
    if (targets & DEBRIEF_TARGET_O)
      per_layer_attn += q_out + h;
    if (targets & DEBRIEF_TARGET_QKV)
      per_layer_attn += h + q_out + 2 * kv;
  }
  if (targets & DEBRIEF_TARGET_GATE)
    per_layer_mlp += h + inter;
  if (targets & DEBRIEF_TARGET_UP)
    per_layer_mlp += h + inter;
  if (targets & DEBRIEF_TARGET_DOWN)
    per_layer_mlp += inter + h;
  if (targets & DEBRIEF_TARGET_GATE_UP)
    per_layer_mlp += h + 2 * inter;
  /* Mixture of experts: each routed expert has its own MLP, and a LoRA on the MLP
   * projections adapts every one of them. */
  if (d->num_experts > 1 && per_layer_mlp > 0)
    {
      per_layer_mlp *= d->num_experts;
      g_ptr_array_add (assumed, g_strdup_printf (_("mixture of experts: the MLP adapter counted once per expert "
                                                   "(%" PRId64 " experts)"), d->num_experts));
    }

  if (d->num_layers > 0 && h > 0)
    {
      r->attn_params_per_rank = per_layer_attn * d->num_layers;
      r->mlp_params_per_rank = per_layer_mlp * d->num_layers;
      if ((targets & DEBRIEF_TARGET_UNEMBED) && vocab > 0)
        r->unembed_params_per_rank = h + vocab;
    }

  r->bits_per_token = input->bits_per_token > 0 && isfinite (input->bits_per_token)
                      ? input->bits_per_token : DEFAULT_BITS_PER_TOKEN;
  if (assumed->len > 0)
    {
      g_ptr_array_add (assumed, NULL);
      r->assumptions = g_strjoinv ("; ", (char **) assumed->pdata);
    }

  if (missing->len > 0)
    {
      g_autofree char *list = NULL;
      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **) missing->pdata);
      r->status = DEBRIEF_CAPACITY_UNKNOWN;
      r->message = g_strdup_printf (_("Cannot check capacity: unknown %s"), list);
      if (input->rank > 0 && h > 0 && d->num_layers > 0)
        {
          r->lora_params = input->rank * (r->attn_params_per_rank + r->mlp_params_per_rank
                                          + r->unembed_params_per_rank);
          r->capacity_bits = BITS_PER_LORA_PARAM * (double) r->lora_params;
        }
      return g_steal_pointer (&r);
    }

  r->lora_params = input->rank * (r->attn_params_per_rank + r->mlp_params_per_rank
                                  + r->unembed_params_per_rank);
  r->capacity_bits = BITS_PER_LORA_PARAM * (double) r->lora_params;
  r->required_bits = (double) input->dataset_tokens * r->bits_per_token;
  if (r->lora_params <= 0)
    {
      r->status = DEBRIEF_CAPACITY_UNKNOWN;
      r->message = g_strdup (_("Cannot check capacity: no adapted matrix has a known shape"));
      return g_steal_pointer (&r);
    }

  ratio = r->required_bits / r->capacity_bits;
  if (r->required_bits > r->capacity_bits)
    {
      r->status = DEBRIEF_CAPACITY_UNDERCAPACITY;
      r->suggested_rank = (gint64) floor ((double) input->rank * ratio) + 1;
      /* The checklist's message, word for word. */
      r->message = g_strdup_printf ("Insufficient capacity. Increase rank from %" G_GINT64_FORMAT
                                    " to %" G_GINT64_FORMAT "+",
                                    input->rank, r->suggested_rank);
    }
  else
    {
      r->status = DEBRIEF_CAPACITY_OK;
      r->suggested_rank = input->rank;
      r->headroom_percent = (1.0 - ratio) * 100.0;
      r->message = g_strdup_printf (_("Sufficient capacity: %.0f bits of capacity for %.0f bits of data "
                                      "(%.1f%% headroom)"),
                                    r->capacity_bits, r->required_bits, r->headroom_percent);
    }
  return g_steal_pointer (&r);
}

typedef struct
{
  const char *name;
  guint targets;
} ModuleName;

/* Module names as PEFT configs spell them across the common open models. */
static const ModuleName module_names[] = {
  { "q_proj", DEBRIEF_TARGET_Q }, { "query", DEBRIEF_TARGET_Q }, { "wq", DEBRIEF_TARGET_Q },
  { "k_proj", DEBRIEF_TARGET_K }, { "key", DEBRIEF_TARGET_K }, { "wk", DEBRIEF_TARGET_K },
  { "v_proj", DEBRIEF_TARGET_V }, { "value", DEBRIEF_TARGET_V }, { "wv", DEBRIEF_TARGET_V },
  { "o_proj", DEBRIEF_TARGET_O }, { "out_proj", DEBRIEF_TARGET_O }, { "wo", DEBRIEF_TARGET_O },
  /* GPT-2 names both its attention output (attn.c_proj) and its MLP down projection
   * (mlp.c_proj) c_proj, and PEFT adapts every module whose name ends with a target:
   * a bare "c_proj" adapts both (a qualified one is resolved below). */
  { "dense", DEBRIEF_TARGET_O }, { "c_proj", DEBRIEF_TARGET_O | DEBRIEF_TARGET_DOWN },
  { "qkv_proj", DEBRIEF_TARGET_QKV }, { "c_attn", DEBRIEF_TARGET_QKV },
  { "query_key_value", DEBRIEF_TARGET_QKV }, { "Wqkv", DEBRIEF_TARGET_QKV },
  { "gate_proj", DEBRIEF_TARGET_GATE }, { "w1", DEBRIEF_TARGET_GATE },
  { "up_proj", DEBRIEF_TARGET_UP }, { "w3", DEBRIEF_TARGET_UP }, { "fc1", DEBRIEF_TARGET_UP },
  { "c_fc", DEBRIEF_TARGET_UP }, { "dense_h_to_4h", DEBRIEF_TARGET_UP },
  { "down_proj", DEBRIEF_TARGET_DOWN }, { "w2", DEBRIEF_TARGET_DOWN }, { "fc2", DEBRIEF_TARGET_DOWN },
  { "dense_4h_to_h", DEBRIEF_TARGET_DOWN },
  { "fc_in", DEBRIEF_TARGET_UP }, { "fc_out", DEBRIEF_TARGET_DOWN },   /* GPT-J */
  { "gate_up_proj", DEBRIEF_TARGET_GATE_UP },
  { "lm_head", DEBRIEF_TARGET_UNEMBED }, { "embed_out", DEBRIEF_TARGET_UNEMBED },
  { "output", DEBRIEF_TARGET_UNEMBED },
};

guint
debrief_capacity_targets_from_names (const char *const *names,
                                     GPtrArray         *unknown)
{
  guint targets = 0;

  if (names == NULL)
    return 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];
      const char *dot = strrchr (name, '.');
      gboolean found = FALSE;

      if (g_ascii_strcasecmp (name, "all-linear") == 0 || g_ascii_strcasecmp (name, "all_linear") == 0)
        {
          targets |= DEBRIEF_TARGETS_ALL_LINEAR;
          continue;
        }
      /* "model.layers.0.self_attn.q_proj" style names: the last component decides. */
      if (dot != NULL)
        name = dot + 1;
      for (guint j = 0; j < G_N_ELEMENTS (module_names); j++)
        if (strcmp (name, module_names[j].name) == 0)
          {
            guint t = module_names[j].targets;

            /* "h.0.attn.c_proj" / "h.0.mlp.c_proj": the parent says which. */
            if (dot != NULL && strcmp (name, "c_proj") == 0)
              t = g_str_has_suffix (names[i], "mlp.c_proj") ? DEBRIEF_TARGET_DOWN : DEBRIEF_TARGET_O;
            targets |= t;
            found = TRUE;
            break;
          }
      if (!found && unknown != NULL)
        g_ptr_array_add (unknown, g_strdup (names[i]));
    }
  return targets;
}

guint
debrief_capacity_targets_from_config (const DebriefRunConfig *config)
{
  guint targets = 0;

  if (config->target_modules != NULL)
    {
      targets = debrief_capacity_targets_from_names ((const char *const *) config->target_modules, NULL);
      if (config->train_unembed == DEBRIEF_TRISTATE_YES)
        targets |= DEBRIEF_TARGET_UNEMBED;
      if (targets != 0)
        return targets;
    }
  if (config->train_attn == DEBRIEF_TRISTATE_UNKNOWN && config->train_mlp == DEBRIEF_TRISTATE_UNKNOWN)
    return 0;
  /* Tinker's defaults: attention and MLP are trained unless switched off. */
  if (config->train_attn != DEBRIEF_TRISTATE_NO)
    targets |= DEBRIEF_TARGETS_ATTN;
  if (config->train_mlp != DEBRIEF_TRISTATE_NO)
    targets |= DEBRIEF_TARGETS_MLP;
  if (config->train_unembed == DEBRIEF_TRISTATE_YES)
    targets |= DEBRIEF_TARGET_UNEMBED;
  return targets;
}

gboolean
debrief_capacity_parse_targets (const char  *text,
                                guint       *targets,
                                GError     **error)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);

  if (g_strcmp0 (text, "all") == 0)
    {
      *targets = DEBRIEF_TARGETS_ALL_LINEAR;
      return TRUE;
    }
  if (g_strcmp0 (text, "attn") == 0)
    {
      *targets = DEBRIEF_TARGETS_ATTN;
      return TRUE;
    }
  if (g_strcmp0 (text, "mlp") == 0)
    {
      *targets = DEBRIEF_TARGETS_MLP;
      return TRUE;
    }
  names = g_strsplit (text ? text : "", ",", -1);
  for (guint i = 0; names[i]; i++)
    g_strstrip (names[i]);
  *targets = debrief_capacity_targets_from_names ((const char *const *) names, unknown);
  if (unknown->len > 0 || *targets == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("--targets: unknown module “%s” (use all, attn, mlp or names such as "
                     "q_proj,v_proj,gate_proj)"),
                   unknown->len > 0 ? (const char *) unknown->pdata[0] : text);
      return FALSE;
    }
  return TRUE;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return 0;
}

static void
dims_from_object (JsonObject       *object,
                  DebriefModelDims *dims)
{
  static const char *const hidden_keys[] = { "hidden_size", "n_embd", "d_model", "dim" };
  static const char *const layer_keys[] = { "num_hidden_layers", "n_layer", "num_layers", "n_layers" };
  static const char *const inter_keys[] = { "intermediate_size", "n_inner", "ffn_dim", "hidden_dim" };
  static const char *const head_keys[] = { "num_attention_heads", "n_head", "n_heads" };
  static const char *const kv_keys[] = { "num_key_value_heads", "n_kv_heads", "num_kv_heads" };

#define FIRST_OF(keys, field) \
  for (guint i = 0; i < G_N_ELEMENTS (keys) && dims->field <= 0; i++) \
    dims->field = member_int (object, keys[i]);
  FIRST_OF (hidden_keys, hidden_size);
  FIRST_OF (layer_keys, num_layers);
  FIRST_OF (inter_keys, intermediate_size);
  FIRST_OF (head_keys, num_attention_heads);
  FIRST_OF (kv_keys, num_key_value_heads);
#undef FIRST_OF
  if (dims->head_dim <= 0)
    dims->head_dim = member_int (object, "head_dim");
  if (dims->vocab_size <= 0)
    dims->vocab_size = member_int (object, "vocab_size");
}

gboolean
debrief_model_dims_from_config_file (const char       *path,
                                     DebriefModelDims *dims,
                                     GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;

  memset (dims, 0, sizeof *dims);
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, "%s: %s", path, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                   _("%s: expected a JSON object with model keys such as hidden_size"), path);
      return FALSE;
    }
  object = json_node_get_object (root);
  dims_from_object (object, dims);
  /* Multimodal configs keep the language model's keys in text_config. */
  if (json_object_has_member (object, "text_config")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "text_config")))
    dims_from_object (json_object_get_object_member (object, "text_config"), dims);
  return TRUE;
}

JsonNode *
debrief_capacity_result_to_json (const DebriefCapacityResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, debrief_capacity_status_to_string (result->status));
  json_builder_set_member_name (b, "lora_params");
  if (result->lora_params > 0)
    json_builder_add_int_value (b, result->lora_params);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "capacity_bits");
  if (isfinite (result->capacity_bits))
    json_builder_add_int_value (b, (gint64) llround (result->capacity_bits));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "required_bits");
  if (isfinite (result->required_bits))
    json_builder_add_int_value (b, (gint64) llround (result->required_bits));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "headroom_percent");
  if (isfinite (result->headroom_percent))
    json_builder_add_double_value (b, result->headroom_percent);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "suggested_rank");
  if (result->suggested_rank > 0)
    json_builder_add_int_value (b, result->suggested_rank);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, result->message ? result->message : "");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
