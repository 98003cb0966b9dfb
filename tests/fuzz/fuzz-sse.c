/* fuzz-sse.c: the server-sent events parser on arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Oracle: feeding the input at once and in pieces (sizes drawn from the input)
 * gives the same events and the same completeness; nothing crashes or leaks.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined -DDEBRIEF_LIBFUZZER \
 *               -I build -I src/core tests/fuzz/fuzz-sse.c src/core/debrief-sse.c src/core/debrief-error.c \
 *               $(pkg-config --cflags --libs glib-2.0) -o fuzz-sse
 *             ./fuzz-sse tests/fuzz/corpus/sse
 * Corpus replay (meson suite fuzz-corpus): fuzz-sse-corpus FILE|DIR...
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "debrief-sse-private.h"

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

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

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

#ifndef DEBRIEF_LIBFUZZER
static guint n_inputs;

static void
replay (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          replay (child);
        }
      return;
    }
  if (!g_file_get_contents (path, &contents, &len, NULL))
    g_error ("cannot read %s", path);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  n_inputs++;
}

int
main (int   argc,
      char *argv[])
{
  for (int i = 1; i < argc; i++)
    replay (argv[i]);
  if (n_inputs == 0)
    g_error ("no corpus inputs");
  g_print ("1..1\nok 1 - %u inputs\n", n_inputs);
  return 0;
}
#endif
