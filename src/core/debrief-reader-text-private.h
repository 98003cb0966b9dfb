/* debrief-reader-text-private.h: trainer console output and text logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recognised by content, line by line (a carriage return also ends a line,
 * so that tqdm's redraws do not hide what follows them):
 * - the HF Trainer's printed dicts: {'loss': 0.51, 'grad_norm': 1.2, 'learning_rate': 2e-05, 'epoch': 0.1}
 *   (they carry no step: it is tqdm's "N/M" counter printed before them when
 *   there is one, else the dict's number in the log);
 * - step lines: "step 400 | loss 3.21 | lr 6e-4", "step 2000: train loss 3.12, val loss 3.23",
 *   "iter 100: loss 4.23, time 123.45ms", torchtune's "Step 1 | loss:1.23 lr:2e-05 ...",
 *   llm.c's "s:0 trl:10.9": a step key first, then "name value" or "name:value" pairs;
 * - nanoGPT / build-nanogpt's "N train X", "N val X", "N hella X";
 * - a user pattern: a regular expression with a named group "step" and one
 *   named group per metric ((?<loss>[0-9.]+)).
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* Compiles and checks a user pattern: a GRegex (PCRE syntax) with a named
 * group "step" and at least one other named group. The error says what is
 * wrong in a sentence (DEBRIEF_ERROR_INVALID_ARGUMENT). */
DebriefTextPattern *debrief_text_pattern_new      (const char          *pattern,
                                                   GError             **error);
void                debrief_text_pattern_free     (DebriefTextPattern  *pattern);
const char         *debrief_text_pattern_get_source (const DebriefTextPattern *pattern);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefTextPattern, debrief_text_pattern_free)

/* Whether @data (the first and last bytes of a file) holds training records. */
gboolean            debrief_reader_text_detect    (const char               *data,
                                                   gsize                     length,
                                                   const DebriefTextPattern *pattern);
/* Reads a whole text log from memory into ctx->run; @pattern may be NULL.
 * Sets the run's crash when the log ends in a traceback. */
gboolean            debrief_reader_text_parse     (DebriefReadContext       *ctx,
                                                   const char               *data,
                                                   gsize                     length,
                                                   const DebriefTextPattern *pattern,
                                                   GError                  **error);
/* The text logs of a folder worth trying (by name: *.log, *.txt, *.out, *.err,
 * stdout ...; then by content), sorted by name. */
GPtrArray          *debrief_reader_text_find_logs (DebriefLoadJob           *job,
                                                   const DebriefTextPattern *pattern);
gboolean            debrief_key_map_text          (const char               *key,
                                                   const char              **name,
                                                   DebriefSeriesKind        *kind);

G_END_DECLS
