/* fuzz-reader-csv.c: CSV logs from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-csv-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "metrics.csv");
  g_autoptr(GError) error = NULL;

  debrief_reader_csv_detect ((const char *) data, size);
  if (!debrief_reader_csv_parse (&ctx, (const char *) data, size, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "metrics.csv"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  return 0;
}
