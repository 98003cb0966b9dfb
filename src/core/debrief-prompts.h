/* debrief-prompts.h: prompts from a run's own evaluation data
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three prompts say little; the run's evaluation set says what the model was
 * trained for. A data set file (JSON Lines, a JSON array of objects, or CSV
 * with a header) gives its prompt column; a reproducible sample of N rows
 * (seeded, kept in file order) keeps the judge affordable.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

/* How many rows are taken from a data set when the user does not say. */
#define DEBRIEF_PROMPTS_DEFAULT_SAMPLE 50

/* The prompts of @path: the column @column (NULL: the first of "prompt",
 * "instruction" (with its "input"), "question", "query", "input", "problem",
 * "messages" / "conversations" (the first user turn), "text"), @n rows of it
 * (0: all) drawn with @seed. *@column_used (may be NULL) gets the column,
 * *@n_rows (may be NULL) how many rows had a prompt, *@n_skipped (may be
 * NULL) how many lines were not rows. Errors name the file, and the columns
 * it has when none fits. */
GStrv  debrief_prompts_from_data  (const char  *path,
                                   const char  *column,
                                   guint        n,
                                   guint32      seed,
                                   char       **column_used,
                                   guint       *n_rows,
                                   guint       *n_skipped,
                                   GError     **error);

/* The evaluation data a run's configuration names (eval_file,
 * validation_file, val_data_path, test_file, ... in a JSON or YAML config
 * file in @dir): its path when the file is there, else NULL. *@named_by
 * (may be NULL) gets "FILE: KEY" of the entry; *@missing (may be NULL) the
 * path named when no such file exists here (it was written on the training
 * machine). Reads small files: call it off the GUI thread. */
char  *debrief_eval_data_find     (const char  *dir,
                                   char       **named_by,
                                   char       **missing);

G_END_DECLS
