/* fuzz-reader-jsonl.c: JSON-lines logs (generic, tinker metrics and
 * checkpoints, LLaMA-Factory) from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-jsonl-private.h"
#include "debrief-reader-tinker-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  DebriefJsonlOptions llamafactory = { debrief_key_map_llamafactory, "current_steps" };

  debrief_reader_jsonl_detect (text, size);
  debrief_reader_jsonl_is_tinker (text, size);
  {
    DebriefReadContext ctx;
    g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "log.jsonl");
    g_autoptr(GError) error = NULL;

    if (!debrief_reader_jsonl_parse (&ctx, text, size, NULL, &error))
      g_assert (error != NULL && g_str_has_prefix (error->message, "log.jsonl"));
    debrief_read_context_finish (&ctx);
    fuzz_run_check (run);
  }
  {
    DebriefReadContext ctx;
    g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "metrics.jsonl");
    g_autoptr(GError) error = NULL;

    if (debrief_reader_tinker_parse_metrics (&ctx, text, size, &error))
      {
        debrief_reader_tinker_parse_checkpoints (&ctx, text, size, NULL);
        debrief_reader_tinker_fill_dataset_tokens (run, "metrics.jsonl");
      }
    debrief_read_context_finish (&ctx);
    fuzz_run_check (run);
  }
  {
    DebriefReadContext ctx;
    g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "trainer_log.jsonl");

    debrief_reader_jsonl_parse (&ctx, text, size, &llamafactory, NULL);
    debrief_read_context_finish (&ctx);
    fuzz_run_check (run);
  }
  return 0;
}
