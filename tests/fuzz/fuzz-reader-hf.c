/* fuzz-reader-hf.c: trainer_state.json from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-hf-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "trainer_state.json");
  g_autoptr(GError) error = NULL;
  DebriefHfState state;

  debrief_hf_state_init (&state);
  debrief_reader_hf_detect ((const char *) data, size);
  if (!debrief_reader_hf_parse_state (&ctx, (const char *) data, size, &state, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "trainer_state.json"));
  debrief_hf_state_clear (&state);
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  return 0;
}
