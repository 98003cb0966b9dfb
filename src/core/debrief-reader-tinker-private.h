/* debrief-reader-tinker-private.h: tinker-cookbook log folders (metrics.jsonl,
 * config.json, checkpoints.jsonl)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* metrics.jsonl from memory: train = train_mean_nll, val = test/nll, tokens = num_tokens. */
gboolean debrief_reader_tinker_parse_metrics     (DebriefReadContext *ctx,
                                                  const char         *data,
                                                  gsize               length,
                                                  GError            **error);
/* checkpoints.jsonl from memory: one checkpoint per line (batch = step);
 * validation loss taken from the run's val_loss series when it has that step. */
gboolean debrief_reader_tinker_parse_checkpoints (DebriefReadContext *ctx,
                                                  const char         *data,
                                                  gsize               length,
                                                  GError            **error);
/* The folder: @metrics_rel is metrics.jsonl or <name>_metrics.jsonl. */
gboolean debrief_reader_tinker_load              (DebriefLoadJob     *job,
                                                  DebriefRun         *run,
                                                  const char         *metrics_rel,
                                                  GError            **error);
/* Tokens in the first epoch: the sum of the per-batch token counts. */
void     debrief_reader_tinker_fill_dataset_tokens (DebriefRun       *run,
                                                    const char       *source);

G_END_DECLS
