/* fuzz-reader-tensorboard.c: TensorBoard event files from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-tensorboard-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "events.out.tfevents.0");
  g_autoptr(GError) error = NULL;

  if (!debrief_reader_tensorboard_parse (&ctx, (const char *) data, size, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "events.out.tfevents.0"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  return 0;
}
