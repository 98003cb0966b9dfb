/* fuzz-judge-answer.c: the judge's answer parser on arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Oracles: never reads past the given length (ASan), the result is a valid
 * answer, and an explicit length gives the same result as a NUL-terminated copy.
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *               -I build -I src/core tests/fuzz/fuzz-judge-answer.c src/core/debrief-judge.c \
 *               src/core/debrief-samples.c src/core/debrief-client.c src/core/debrief-sse.c \
 *               src/core/debrief-error.c $(pkg-config --cflags --libs gio-2.0 json-glib-1.0 libsoup-3.0) -lm \
 *               -o fuzz-judge-answer
 *             ./fuzz-judge-answer tests/fuzz/corpus/judge-answer
 * Corpus replay (meson suite fuzz-corpus): fuzz-judge-answer-corpus FILE|DIR... (with fuzz-main.c)
 */
#include "config.h"

#include <string.h>

#include "debrief-core.h"
#include "fuzz-target.h"

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
