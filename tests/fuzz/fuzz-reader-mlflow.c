/* fuzz-reader-mlflow.c: MLflow file-store metric files and meta.yaml, from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-reader-mlflow-private.h"
#include "debrief-yaml-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "metrics/loss");
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_default);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) yaml_error = NULL;
  g_autoptr(DebriefJsonNode) meta = NULL;

  if (!debrief_reader_mlflow_parse_metric (&ctx, set, "loss", (const char *) data, size, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "metrics/loss"));
  debrief_series_set_finish (set, &ctx);
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  meta = debrief_yaml_parse ((const char *) data, size, "meta.yaml", &yaml_error);
  g_assert ((meta == NULL) == (yaml_error != NULL));
  if (meta != NULL)
    debrief_reader_apply_flat_config (run, meta, "meta.yaml");
  return 0;
}
