/* fuzz-gguf.c: GGUF metadata from memory, as a whole file and as a prefix
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Oracles: no read past the input (ASan), an error always names the input,
 * a result always leaves the strings valid UTF-8, and a prefix parse of a
 * complete file that parsed finds the same keys.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "debrief-gguf-private.h"

static void
check_info (const DebriefGgufInfo *info)
{
  const char *strings[] = { info->type, info->architecture, info->name, info->adapter_type };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_assert (strings[i] == NULL || g_utf8_validate (strings[i], -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* An exact-size heap copy, so ASan catches a read past the end. */
  g_autofree guint8 *exact = g_memdup2 (data, size);
  g_autoptr(GError) error = NULL;
  DebriefGgufInfo whole;
  DebriefGgufInfo prefix;
  gboolean ok;

  ok = debrief_gguf_parse (exact, size, TRUE, "fuzz.gguf", &whole, &error);
  if (!ok)
    g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz.gguf"));
  else
    check_info (&whole);
  g_clear_error (&error);
  if (debrief_gguf_parse (exact, size, FALSE, "fuzz.gguf", &prefix, &error))
    {
      check_info (&prefix);
      if (ok)
        {
          g_assert_cmpstr (prefix.type, ==, whole.type);
          g_assert_cmpstr (prefix.architecture, ==, whole.architecture);
        }
    }
  else
    g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz.gguf"));
  debrief_gguf_info_clear (&whole);
  debrief_gguf_info_clear (&prefix);
  return 0;
}
