/* fuzz-judge-answer.c: the judge's answer parser on arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Oracles: never reads past the given length (ASan), the result is a valid
 * answer, and an explicit length gives the same result as a NUL-terminated copy.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined -DDEBRIEF_LIBFUZZER \
 *               -I build -I src/core tests/fuzz/fuzz-judge-answer.c src/core/debrief-judge.c \
 *               src/core/debrief-samples.c src/core/debrief-client.c src/core/debrief-sse.c \
 *               src/core/debrief-error.c $(pkg-config --cflags --libs gio-2.0 json-glib-1.0 libsoup-3.0) -lm \
 *               -o fuzz-judge-answer
 *             ./fuzz-judge-answer tests/fuzz/corpus/judge-answer
 * Corpus replay (meson suite fuzz-corpus): fuzz-judge-answer-corpus FILE|DIR...
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "debrief-core.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* An exact-size heap copy, so ASan catches a read past the end. */
  g_autofree char *exact = g_memdup2 (data, size);
  g_autofree char *terminated = g_strndup ((const char *) data, size);
  DebriefJudgeAnswer a = debrief_judge_parse_answer (exact, size);
  DebriefJudgeAnswer b = debrief_judge_parse_answer (terminated, -1);

  g_assert (a >= DEBRIEF_JUDGE_ANSWER_UNPARSEABLE && a <= DEBRIEF_JUDGE_ANSWER_TIE);
  g_assert (a == b);
  g_assert (debrief_judge_answer_to_string (a) != NULL);
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
