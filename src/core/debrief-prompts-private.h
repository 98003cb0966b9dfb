/* debrief-prompts-private.h: the evaluation-data reader from memory (tests, fuzzing)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* debrief_prompts_from_data on @contents (@len bytes, NUL-terminated, changed
 * in place) read as CSV when @csv, else JSON Lines or a JSON array; errors
 * name @path. */
GStrv debrief_prompts_parse (const char  *path,
                             char        *contents,
                             gsize        len,
                             gboolean     csv,
                             const char  *column,
                             guint        n,
                             guint32      seed,
                             char       **column_used,
                             guint       *n_rows,
                             guint       *n_skipped,
                             GError     **error);

G_END_DECLS
