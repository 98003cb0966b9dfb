/* fuzz-sse.c: the server-sent events parser on arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Oracle: feeding the input at once and in pieces (sizes drawn from the input)
 * gives the same events and the same completeness; nothing crashes or leaks.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *               -I build -I src/core tests/fuzz/fuzz-sse.c src/core/debrief-sse.c src/core/debrief-error.c \
 *               $(pkg-config --cflags --libs glib-2.0) -o fuzz-sse
 *             ./fuzz-sse tests/fuzz/corpus/sse
 * Corpus replay (meson suite fuzz-corpus): fuzz-sse-corpus FILE|DIR... (with fuzz-main.c)
 */
#include "config.h"

#include <string.h>

#include "debrief-sse-private.h"
#include "fuzz-target.h"

/* Small enough that the fuzzer reaches the size cap. */
#define FUZZ_MAX_EVENT 4096

static gboolean
collect (const char *event,
         const char *data,
         gsize       len,
         gpointer    user_data)
{
  GString *out = user_data;

  g_assert (data[len] == '\0');
  g_string_append_printf (out, "%s\x1f", event);
  g_string_append_len (out, data, len);
  g_string_append_c (out, '\x1e');
  return TRUE;
}

static char *
run (const uint8_t *data,
     size_t         size,
     gboolean       split,
     gboolean      *complete,
     gboolean      *failed)
{
  g_autoptr(DebriefSseParser) parser = debrief_sse_parser_new (FUZZ_MAX_EVENT);
  GString *out = g_string_new (NULL);
  size_t i = 0;
  guint k = 0;

  *failed = FALSE;
  while (i < size)
    {
      size_t step = split ? (size_t) (1 + data[k++ % size] % 7) : size;
      g_autoptr(GError) error = NULL;

      step = MIN (step, size - i);
      if (!debrief_sse_parser_feed (parser, (const char *) data + i, step, collect, out, &error))
        {
          g_assert (error != NULL);
          *failed = TRUE;
          break;
        }
      i += step;
    }
  *complete = debrief_sse_parser_finish (parser);
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  gboolean c1, c2, f1, f2;
  g_autofree char *whole = run (data, size, FALSE, &c1, &f1);
  g_autofree char *pieces = run (data, size, TRUE, &c2, &f2);

  g_assert (f1 == f2);
  if (!f1)
    {
      g_assert (strcmp (whole, pieces) == 0);
      g_assert (c1 == c2);
    }
  return 0;
}
