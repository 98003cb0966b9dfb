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
  /* Keep the lines that hold a *_path string, parsed, with the state
   * (debrief_jsonl_state_get_path_records): a log read a piece at a time. */
  gboolean keep_path_records;
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

/* The same, a piece at a time, for a log still being written. @incremental:
 * the state lives on between loads (each finish adds copies of the series and
 * of the warnings to the load's run); else it is finished once. */
typedef struct _DebriefJsonlState DebriefJsonlState;

DebriefJsonlState *debrief_jsonl_state_new   (const DebriefJsonlOptions *options,
                                              gboolean                   incremental);
void     debrief_jsonl_state_free            (DebriefJsonlState         *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefJsonlState, debrief_jsonl_state_free)
/* Reads the whole lines of @data; a last line without its newline only when
 * @at_end (and then only when it parses: the rest may still come). *@consumed:
 * the bytes read, where the next piece starts. FALSE only when cancelled.
 * @path_lines: as DebriefJsonlOptions.path_lines, offsets into @data. */
gboolean debrief_jsonl_state_feed            (DebriefJsonlState         *state,
                                              DebriefReadContext        *ctx,
                                              const char                *data,
                                              gsize                      length,
                                              gboolean                   at_end,
                                              GArray                    *path_lines,
                                              gsize                     *consumed,
                                              GError                   **error);
/* The series read so far into ctx->run; the errors of debrief_reader_jsonl_parse(). */
gboolean debrief_jsonl_state_finish          (DebriefJsonlState         *state,
                                              DebriefReadContext        *ctx,
                                              GError                   **error);
/* The last line that parsed (its progress fields), or NULL. */
const char *debrief_jsonl_state_get_last_record (DebriefJsonlState      *state,
                                                 gsize                  *length);

/* The lines kept by DebriefJsonlOptions.keep_path_records (DebriefJsonNode), or NULL. */
GPtrArray  *debrief_jsonl_state_get_path_records (DebriefJsonlState     *state);

/* Reads the log @rel of the folder into @run: a followed run from where the last
 * load of it left off, else whole. Adds @rel to the run's files and what its
 * last line says of the run's progress. *@out_state: the parser's state (valid
 * until the job ends), for what else the reader keeps of the lines. */
gboolean debrief_reader_jsonl_load           (DebriefLoadJob            *job,
                                              DebriefRun                *run,
                                              const char                *rel,
                                              const DebriefJsonlOptions *options,
                                              DebriefJsonlState        **out_state,
                                              GError                   **error);

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
