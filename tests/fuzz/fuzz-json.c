/* fuzz-json.c: the tokenizer and the small DOM (configuration files)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-json-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefJsonNode) node = debrief_json_parse ((const char *) data, size, "config.json", &error);

  g_assert ((node == NULL) == (error != NULL));
  if (node != NULL)
    {
      GFile *folder = g_file_new_for_path ("/nonexistent-fuzz-run");
      DebriefRun *run = debrief_run_new (folder);
      DebriefModelDims dims;

      debrief_reader_apply_config (run, node, "config.json");
      debrief_reader_read_dims (node, &dims);
      g_object_unref (run);
      g_object_unref (folder);
    }
  else
    g_assert (g_str_has_prefix (error->message, "config.json"));
  return 0;
}
