/* fuzz-prompts.c: the evaluation-data reader (JSON Lines, JSON arrays, CSV) from memory
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Oracles: no read past the input (ASan), an error always names the input,
 * every prompt is valid, non-blank UTF-8, and a sample of 3 rows is 3 of the
 * rows the whole read found (or all of them when there are fewer).
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "debrief-prompts-private.h"

static void
check (const char *data,
       size_t      size,
       gboolean    csv)
{
  g_autofree char *copy = g_strndup (data, size);
  g_autofree char *copy2 = g_strndup (data, size);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) all = debrief_prompts_parse ("fuzz.data", copy, strlen (copy), csv, NULL, 0, 0, NULL, NULL, NULL, &error);
  g_auto(GStrv) three = NULL;

  if (all == NULL)
    {
      g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz.data"));
      return;
    }
  for (guint i = 0; all[i] != NULL; i++)
    g_assert (g_utf8_validate (all[i], -1, NULL) && all[i][0] != '\0');
  three = debrief_prompts_parse ("fuzz.data", copy2, strlen (copy2), csv, NULL, 3, 1, NULL, NULL, NULL, NULL);
  g_assert (three != NULL);
  g_assert_cmpuint (g_strv_length (three), ==, MIN (3, g_strv_length (all)));
  for (guint i = 0; three[i] != NULL; i++)
    g_assert (g_strv_contains ((const char *const *) all, three[i]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check ((const char *) data, size, FALSE);
  check ((const char *) data, size, TRUE);
  return 0;
}
