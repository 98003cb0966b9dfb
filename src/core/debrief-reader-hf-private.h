/* debrief-reader-hf-private.h: Hugging Face Trainer output folders (trainer_state.json)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* The top-level numbers of a trainer_state.json; unknown: 0 / NAN / NULL. */
typedef struct
{
  double best_metric;
  char *best_model_checkpoint;
  gint64 global_step;
  gint64 max_steps;
  gint64 logging_steps;
  gint64 eval_steps;
  gint64 save_steps;
  gint64 num_input_tokens_seen;
  gint64 train_batch_size;
  double num_train_epochs;
  double epoch;
  double total_flos;
  gboolean has_log_history;
  gboolean ends_early;        /* cut off in the middle (caught being written) */
} DebriefHfState;

void     debrief_hf_state_init          (DebriefHfState     *state);
void     debrief_hf_state_clear         (DebriefHfState     *state);

gboolean debrief_reader_hf_detect       (const char         *data,
                                         gsize               length);
/* Parses a trainer_state.json from memory: log_history into ctx->run's series,
 * the rest into @state (may be NULL). */
gboolean debrief_reader_hf_parse_state  (DebriefReadContext *ctx,
                                         const char         *data,
                                         gsize               length,
                                         DebriefHfState     *state,
                                         GError            **error);
/* Whether the folder holds a trainer_state.json (itself or in a checkpoint-N/). */
gboolean debrief_reader_hf_folder_has_state (DebriefLoadJob *job);
/* "checkpoint-N/@file" of the highest N that has it, relative to the folder; NULL when none. */
char    *debrief_reader_hf_newest_checkpoint_file (DebriefLoadJob *job,
                                                   const char     *file);
/* A whole Trainer output folder: the latest trainer_state.json, checkpoints,
 * adapter_config.json, config.json, *_results.json. */
gboolean debrief_reader_hf_load         (DebriefLoadJob     *job,
                                         DebriefRun         *run,
                                         GError            **error);

G_END_DECLS
