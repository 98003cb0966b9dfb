/* fuzz-reader-wandb.c: W&B transaction logs and the YAML subset of config.yaml, from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "debrief-protobuf-private.h"
#include "debrief-reader-wandb-private.h"
#include "debrief-yaml-private.h"

/* Random bytes almost never carry a right CRC, so most inputs would stop at
 * the framing: a second copy gets every chunk's CRC-32 recomputed (walking the
 * blocks as the reader does), so that mutations reach the protobuf records. */
static guint8 *
with_valid_checksums (const uint8_t *data,
                      size_t         size)
{
  guint8 *copy = g_memdup2 (data, size);
  gsize offset = DEBRIEF_WANDB_HEADER_SIZE;

  while (offset + DEBRIEF_WANDB_HEADER_SIZE <= size)
    {
      gsize left = DEBRIEF_WANDB_BLOCK_SIZE - offset % DEBRIEF_WANDB_BLOCK_SIZE;
      gsize length;
      guint32 crc;

      if (left < DEBRIEF_WANDB_HEADER_SIZE)
        {
          offset += left;
          continue;
        }
      length = copy[offset + 4] | (copy[offset + 5] << 8);
      if (DEBRIEF_WANDB_HEADER_SIZE + length > left || offset + DEBRIEF_WANDB_HEADER_SIZE + length > size)
        break;
      crc = debrief_crc32_ieee (0, copy + offset + 6, 1 + length);
      copy[offset] = crc & 0xff;
      copy[offset + 1] = (crc >> 8) & 0xff;
      copy[offset + 2] = (crc >> 16) & 0xff;
      copy[offset + 3] = crc >> 24;
      offset += DEBRIEF_WANDB_HEADER_SIZE + length;
    }
  return copy;
}

static void
parse_log (const char *data,
           size_t      size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = fuzz_run_new (&ctx, "run-fuzz.wandb");
  g_autoptr(GError) error = NULL;
  g_auto(DebriefWandbInfo) info = { 0 };

  if (!debrief_reader_wandb_parse (&ctx, data, size, &info, &error))
    g_assert (error != NULL && g_str_has_prefix (error->message, "run-fuzz.wandb"));
  debrief_read_context_finish (&ctx);
  fuzz_run_check (run);
  if (info.output_tail != NULL)
    g_free (debrief_find_crash_line (info.output_tail->str, info.output_tail->len, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DebriefReadContext ctx;
  g_autoptr(DebriefRun) run = NULL;
  g_autoptr(GError) yaml_error = NULL;
  g_autoptr(DebriefJsonNode) yaml = NULL;
  g_autofree guint8 *valid = with_valid_checksums (data, size);

  /* The bytes as they are (damage, cut tails), and with the checksums made right. */
  parse_log ((const char *) data, size);
  parse_log ((const char *) valid, size);

  /* The same bytes as files/config.yaml. */
  yaml = debrief_yaml_parse ((const char *) data, size, "config.yaml", &yaml_error);
  g_assert ((yaml == NULL) == (yaml_error != NULL));
  if (yaml != NULL)
    {
      g_autoptr(DebriefJsonNode) flat = debrief_reader_wandb_unwrap_config (yaml);
      run = fuzz_run_new (&ctx, "config.yaml");
      debrief_reader_apply_config (run, flat, "config.yaml");
      debrief_read_context_finish (&ctx);
    }
  else
    g_assert (g_str_has_prefix (yaml_error->message, "config.yaml"));
  return 0;
}
