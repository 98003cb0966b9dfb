/* debrief-capacity.h: can a LoRA adapter of this rank hold this dataset?
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checklist's validate_capacity(rank, hidden_dim, num_layers, dataset_tokens)
 * computed from the real shapes of the adapted matrices (FORMATS.md section 4):
 * LoRA parameters = rank × Σ (d_in + d_out) over the adapted matrices, capacity =
 * 2 bits per parameter, required = tokens × bits per token.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "debrief-types.h"
#include "debrief-run.h"

G_BEGIN_DECLS

/* Which matrices carry an adapter. Fused projections (Phi-3's qkv_proj and
 * gate_up_proj, GPT-2's c_attn) count with their fused shapes. */
typedef enum
{
  DEBRIEF_TARGET_Q        = 1 << 0,
  DEBRIEF_TARGET_K        = 1 << 1,
  DEBRIEF_TARGET_V        = 1 << 2,
  DEBRIEF_TARGET_O        = 1 << 3,
  DEBRIEF_TARGET_GATE     = 1 << 4,
  DEBRIEF_TARGET_UP       = 1 << 5,
  DEBRIEF_TARGET_DOWN     = 1 << 6,
  DEBRIEF_TARGET_UNEMBED  = 1 << 7,
  DEBRIEF_TARGET_QKV      = 1 << 8,
  DEBRIEF_TARGET_GATE_UP  = 1 << 9,
} DebriefTargets;

#define DEBRIEF_TARGETS_ATTN (DEBRIEF_TARGET_Q | DEBRIEF_TARGET_K | DEBRIEF_TARGET_V | DEBRIEF_TARGET_O)
#define DEBRIEF_TARGETS_MLP (DEBRIEF_TARGET_GATE | DEBRIEF_TARGET_UP | DEBRIEF_TARGET_DOWN)
/* PEFT's "all-linear": every linear layer except the output layer. */
#define DEBRIEF_TARGETS_ALL_LINEAR (DEBRIEF_TARGETS_ATTN | DEBRIEF_TARGETS_MLP)

typedef enum
{
  DEBRIEF_CAPACITY_UNKNOWN,
  DEBRIEF_CAPACITY_OK,
  DEBRIEF_CAPACITY_UNDERCAPACITY,
} DebriefCapacityStatus;

/* "OK", "UNDERCAPACITY", "UNKNOWN" (the checklist's spelling). */
const char *debrief_capacity_status_to_string (DebriefCapacityStatus status);

struct _DebriefCapacityInput
{
  gint64 rank;                 /* 0 unknown */
  DebriefModelDims dims;       /* 0 unknown; only hidden_size and num_layers are required */
  guint targets;               /* DebriefTargets; 0 = unknown (assume all-linear and say so) */
  gint64 dataset_tokens;       /* one epoch; 0 unknown */
  double bits_per_token;       /* NaN or <= 0: 1 bit per token (the checklist's default) */
  const char *bits_source;     /* e.g. "first-epoch mean loss 2.17 nats" (for the message) */
  gboolean per_episode;        /* RL: dataset_tokens counts episodes, about one bit each */
};

void debrief_capacity_input_init (DebriefCapacityInput *input);

struct _DebriefCapacityResult
{
  DebriefCapacityStatus status;
  gint64 rank;
  gint64 lora_params;           /* 0 when unknown */
  /* Per unit of rank, all layers together: */
  gint64 attn_params_per_rank;
  gint64 mlp_params_per_rank;
  gint64 unembed_params_per_rank; /* counted only when the unembedding is adapted */
  double capacity_bits;         /* NaN when unknown */
  double required_bits;         /* NaN when unknown */
  double bits_per_token;
  /* Share of the capacity left unused, (capacity - required) / capacity × 100, when OK; else NaN. */
  double headroom_percent;
  /* UNDERCAPACITY: floor(rank × required / capacity) + 1; OK: the rank itself; UNKNOWN: 0. */
  gint64 suggested_rank;
  char *message;                /* the checklist's message, or what is missing */
  char *assumptions;            /* defaults used (I = 4h, kv = h, targets), NULL when none */
  gboolean per_episode;         /* the data were counted in RL episodes (bits_per_token is per episode) */
};

#define DEBRIEF_TYPE_CAPACITY_RESULT (debrief_capacity_result_get_type ())
GType                  debrief_capacity_result_get_type (void);
DebriefCapacityResult *debrief_capacity_result_copy     (const DebriefCapacityResult *result);
void                   debrief_capacity_result_free     (DebriefCapacityResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefCapacityResult, debrief_capacity_result_free)

DebriefCapacityResult *debrief_capacity_check           (const DebriefCapacityInput *input);

/* Module names (PEFT target_modules, or "all-linear") to targets. Names it does
 * not know are returned in @unknown (may be NULL) and otherwise ignored. */
guint                  debrief_capacity_targets_from_names (const char *const *names,
                                                            GPtrArray         *unknown);
/* Targets from a run's configuration: target_modules when known, else the
 * train_attn/train_mlp/train_unembed booleans; 0 when nothing says. */
guint                  debrief_capacity_targets_from_config (const DebriefRunConfig *config);
/* Parses --targets: "all", "attn", "mlp", or a comma-separated list of module names. */
gboolean               debrief_capacity_parse_targets   (const char  *text,
                                                         guint       *targets,
                                                         GError     **error);

/* Model dimensions from a Hugging Face config.json (also a nested text_config).
 * Missing keys stay 0. Fails when the file is unreadable or not a JSON object. */
gboolean               debrief_model_dims_from_config_file (const char       *path,
                                                            DebriefModelDims *dims,
                                                            GError          **error);

/* The CLI contract's "capacity" object: status, lora_params, capacity_bits,
 * required_bits, headroom_percent, suggested_rank, message (unknown values null). */
JsonNode              *debrief_capacity_result_to_json  (const DebriefCapacityResult *result);

G_END_DECLS
