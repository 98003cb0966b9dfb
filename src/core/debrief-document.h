/* debrief-document.h: a text file on disk that is never silently overwritten
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file side of the report editor, modelled on GNOME Text Editor's
 * document: load, atomic replace with a "~" backup, conflict detection by
 * etag (the file changed on disk since we read or wrote it), a file monitor,
 * and a crash draft kept in $XDG_STATE_HOME/debrief/drafts/ while edits are
 * unsaved. No GTK: the text itself lives in whatever buffer edits it.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_DOCUMENT_SAVE_NONE = 0,
  /* Replace the file even if it changed on disk since we last read or wrote
   * it (the user chose "keep mine"). The old content still goes to the "~"
   * backup, so nothing is lost. */
  DEBRIEF_DOCUMENT_SAVE_OVERWRITE = 1 << 0,
} DebriefDocumentSaveFlags;

#define DEBRIEF_TYPE_DOCUMENT (debrief_document_get_type ())
G_DECLARE_FINAL_TYPE (DebriefDocument, debrief_document, DEBRIEF, DOCUMENT, GObject)

DebriefDocument *debrief_document_new                    (GFile                    *file);
GFile           *debrief_document_get_file               (DebriefDocument          *self);
/* The file's etag as of our last load or save; NULL if it did not exist. */
const char      *debrief_document_get_etag               (DebriefDocument          *self);
/* TRUE once the monitor (or a check) saw the file differ from what we last
 * read or wrote: changed, created or deleted by someone else. */
gboolean         debrief_document_get_changed_on_disk    (DebriefDocument          *self);

/* Reads the file as UTF-8 text (capped at DEBRIEF_DOCUMENT_MAX_SIZE) and
 * remembers its etag. A missing file is G_IO_ERROR_NOT_FOUND (and resets the
 * etag, so saving will create it). Clears changed-on-disk. */
void             debrief_document_load_async             (DebriefDocument          *self,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
char            *debrief_document_load_finish            (DebriefDocument          *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);

/* Atomically replaces the file with @text: written to a temporary file in the
 * same folder, the old content kept as "NAME~", then renamed into place. On
 * any error the old file is left as it was. Unless OVERWRITE is given, a file
 * that changed on disk since our last load/save fails with
 * DEBRIEF_ERROR_CONFLICT. A successful save removes the crash draft. */
void             debrief_document_save_async             (DebriefDocument          *self,
                                                          const char               *text,
                                                          DebriefDocumentSaveFlags  flags,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean         debrief_document_save_finish            (DebriefDocument          *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);

/* What save_async does once it is past the conflict check, for a file
 * written without a document (sweep.md, analysis.md from the CLI): the same
 * atomic replacement with "NAME~" kept (local files by hand, never half
 * written; others through GIO with a backup). Blocks: call it from a worker. */
gboolean         debrief_document_replace_contents       (GFile                    *file,
                                                          const char               *text,
                                                          gsize                     length,
                                                          GCancellable             *cancellable,
                                                          GError                  **error);

/* Compares the file on disk with our etag now (the monitor does this on its
 * own; this is for "the window got focus" and for tests). Result: TRUE if it
 * changed. Sets changed-on-disk. */
void             debrief_document_check_async            (DebriefDocument          *self,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean         debrief_document_check_finish           (DebriefDocument          *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
/* The user chose to keep their text over the changed file: adopt the disk's
 * current etag so the next save replaces it (the disk version goes to the
 * "~" backup). Clears changed-on-disk. */
void             debrief_document_keep_mine              (DebriefDocument          *self);

/* Crash drafts: $XDG_STATE_HOME/debrief/drafts/<sha256 of the file's URI>.md */
GFile           *debrief_document_get_draft_file         (DebriefDocument          *self);
void             debrief_document_save_draft_async       (DebriefDocument          *self,
                                                          const char               *text,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean         debrief_document_save_draft_finish      (DebriefDocument          *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
/* The draft's text, or NULL without error when there is none. */
void             debrief_document_load_draft_async       (DebriefDocument          *self,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
char            *debrief_document_load_draft_finish      (DebriefDocument          *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
/* Removes the draft (edits were discarded) in a worker thread; drafts asked
 * for before it are not written even if their thread runs later, and drafts
 * asked for after it are kept. The plain call does the same and does not
 * wait. */
void             debrief_document_discard_draft_async    (DebriefDocument          *self,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean         debrief_document_discard_draft_finish   (DebriefDocument          *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
void             debrief_document_discard_draft          (DebriefDocument          *self);

/* A report is a few kilobytes; anything far larger is not one. */
#define DEBRIEF_DOCUMENT_MAX_SIZE (16 * 1024 * 1024)

G_END_DECLS
