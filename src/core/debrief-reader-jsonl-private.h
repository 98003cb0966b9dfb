/* debrief-reader-jsonl-private.h: JSON-lines logs (tinker metrics.jsonl, LLaMA-Factory
 * trainer_log.jsonl, any <name>_metrics.jsonl with a step and a loss)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

typedef struct
{
  DebriefKeyMapFunc map;          /* NULL: debrief_key_map_default */
  /* The step column; NULL: any of debrief_key_is_step(). */
  const char *step_key;
  /* When set: the lines that hold a string under a key ending in "_path"
   * (tinker's state_path / sampler_path), as DebriefJsonlLine. */
  GArray *path_lines;
  /* Lines that parse but carry no value are a run, not an error (LLaMA-Factory
   * writes progress-only lines for a prediction run): the run opens empty. */
  gboolean allow_no_values;
} DebriefJsonlOptions;

typedef struct
{
  gsize offset;
  gsize length;
} DebriefJsonlLine;

/* Parses JSON lines from memory into ctx->run. Bad lines are skipped with a
 * warning (a truncated last line is a run still writing); an error when no
 * line could be read. */
gboolean debrief_reader_jsonl_parse       (DebriefReadContext         *ctx,
                                           const char                 *data,
                                           gsize                       length,
                                           const DebriefJsonlOptions  *options,
                                           GError                    **error);

/* Whether the first lines look like a JSON-lines log with a step column and a
 * loss-like key (for files with free names). */
gboolean debrief_reader_jsonl_detect      (const char                 *data,
                                           gsize                       length);
/* Whether the first line holds tinker-cookbook's keys (train_mean_nll ...). */
gboolean debrief_reader_jsonl_is_tinker   (const char                 *data,
                                           gsize                       length);

/* Calls @func for each line that parses as a JSON object (checkpoints.jsonl ...). */
typedef void (*DebriefJsonlObjectFunc) (DebriefJsonNode *object,
                                        guint            line,
                                        gpointer         user_data);
gboolean debrief_reader_jsonl_foreach_object (DebriefReadContext     *ctx,
                                              const char             *data,
                                              gsize                   length,
                                              DebriefJsonlObjectFunc  func,
                                              gpointer                user_data,
                                              GError                **error);

G_END_DECLS
