/* debrief-model-table.h: dimensions of common open base models
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include "debrief-types.h"
#include "debrief-run.h"

G_BEGIN_DECLS

/* Looks up a base model by its name as trainers write it
 * ("meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-8B", "unsloth/mistral-7b-v0.3-bnb-4bit").
 * Returns the table's canonical name (static) and fills @dims, or NULL. */
const char *debrief_model_table_lookup (const char       *model_name,
                                        DebriefModelDims *dims);

/* The parameters the HF Trainer counts for total_flos (num_parameters with
 * exclude_embeddings: every weight but the nn.Embedding tables; an untied
 * output layer counts), from the shapes; 0 when hidden size or layers are unknown. */
gint64      debrief_model_dims_trainer_params (const DebriefModelDims *dims);

G_END_DECLS
