/* fuzz-reader-text.c: text logs (every built-in shape, and a user pattern), from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-text-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static DebriefTextPattern *pattern;
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "train.log");
  g_autoptr(DebriefRun) run2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  if (pattern == NULL)
    pattern = debrief_text_pattern_new ("it (?<step>-?\\d+)[:,]? (?<loss>\\S+)(?: acc=(?<acc>[^ ]*))?", NULL);
  (void) debrief_reader_text_detect ((const char *) data, size, NULL);
  if (!debrief_reader_text_parse (&ctx, (const char *) data, size, NULL, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "train.log"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);

  run2 = fuzz_run_new (&ctx, "train.log");
  if (!debrief_reader_text_parse (&ctx, (const char *) data, size, pattern, &error2))
    g_assert (error2 != NULL && g_str_has_prefix (error2->message, "train.log"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run2);
  return 0;
}
