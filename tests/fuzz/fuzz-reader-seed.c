/* fuzz-reader-seed.c: metrics.json (seed format) from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-seed-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "metrics.json");
  g_autoptr(GError) error = NULL;

  debrief_reader_seed_detect ((const char *) data, size);
  if (debrief_reader_seed_parse (&ctx, (const char *) data, size, &error))
    g_assert (error == NULL);
  else
    g_assert (error != NULL && g_str_has_prefix (error->message, "metrics.json"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  return 0;
}
