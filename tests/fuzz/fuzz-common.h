/* fuzz-common.h: shared set-up for the reader fuzz targets
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-core.h"
#include "debrief-reader-private.h"
#include "fuzz-target.h"

/* A run to read into; its folder is never touched by the memory entry points. */
static inline DebriefRun *
fuzz_run_new (DebriefReadContext *ctx,
              const char         *file)
{
  GFile *folder = g_file_new_for_path ("/nonexistent-fuzz-run");
  DebriefRun *run = debrief_run_new (folder);

  g_object_unref (folder);
  debrief_read_context_init (ctx, run, file, file);
  return run;
}

/* Touches everything a reader produced, so that sanitizers see bad values. */
static inline void
fuzz_run_check (DebriefRun *run)
{
  GPtrArray *series = debrief_run_get_series (run);
  const char *const *warnings = debrief_run_get_warnings (run);

  for (guint i = 0; i < series->len; i++)
    {
      DebriefSeries *s = g_ptr_array_index (series, i);
      gsize n = debrief_series_get_length (s);
      const gint64 *steps = debrief_series_get_steps (s);

      g_assert (g_utf8_validate (debrief_series_get_name (s), -1, NULL));
      for (gsize j = 1; j < n; j++)
        g_assert (steps[j - 1] < steps[j]);
    }
  for (guint i = 0; warnings[i]; i++)
    g_assert (warnings[i][0] != '\0');
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    (void) debrief_run_get_checkpoint (run, i)->name;
}
