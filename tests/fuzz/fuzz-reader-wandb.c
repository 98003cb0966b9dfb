/* fuzz-reader-wandb.c: W&B transaction logs and the YAML subset of config.yaml, from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-wandb-private.h"
#include "debrief-yaml-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "run-fuzz.wandb");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) yaml_error = NULL;
  g_autoptr(DebriefJsonNode) yaml = NULL;
  g_auto(DebriefWandbInfo) info = { 0 };

  if (!debrief_reader_wandb_parse (&ctx, (const char *) data, size, &info, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "run-fuzz.wandb"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  if (info.output_tail != NULL)
    g_free (debrief_find_crash_line (info.output_tail->str, info.output_tail->len, NULL));

  /* The same bytes as files/config.yaml. */
  yaml = debrief_yaml_parse ((const char *) data, size, "config.yaml", &yaml_error);
  g_assert ((yaml == NULL) == (yaml_error != NULL));
  if (yaml != NULL)
    {
      g_autoptr(DebriefJsonNode) flat = debrief_reader_wandb_unwrap_config (yaml);
      debrief_reader_apply_config (run, flat, "config.yaml");
    }
  else
    g_assert (g_str_has_prefix (yaml_error->message, "config.yaml"));
  return 0;
}
