/* debrief-jsonl-writer.h: lines appended to a JSON-lines file off the caller's thread
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * samples.jsonl and judgements.jsonl sit in the run folder, which may be on
 * NFS or sshfs: the app must not wait for a write on its main thread. A
 * writer appends its lines one after another, in the order given, in a worker
 * thread (each with debrief_jsonl_append_line(): one write() on an O_APPEND
 * descriptor), and tells each line's callback on the caller's main context
 * once the line is on disk or could not be written.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

/* @error is NULL when the line was written. */
typedef void (*DebriefJsonlWrittenFunc) (const GError *error,
                                         gpointer      user_data);

#define DEBRIEF_TYPE_JSONL_WRITER (debrief_jsonl_writer_get_type ())
G_DECLARE_FINAL_TYPE (DebriefJsonlWriter, debrief_jsonl_writer, DEBRIEF, JSONL_WRITER, GObject)

DebriefJsonlWriter *debrief_jsonl_writer_new      (const char              *path);
const char         *debrief_jsonl_writer_get_path (DebriefJsonlWriter      *self);
/* @line: one complete line, ending in "\n". @written may be NULL. The writer
 * keeps itself alive until every line is written. */
void                debrief_jsonl_writer_append   (DebriefJsonlWriter      *self,
                                                   const char              *line,
                                                   DebriefJsonlWrittenFunc  written,
                                                   gpointer                 user_data);
/* Lines given and not written yet. */
guint               debrief_jsonl_writer_get_n_pending (DebriefJsonlWriter *self);

G_END_DECLS
