/* debrief-folder-private.h: the files of one run folder, local or remote (libdebrief only)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The readers parse (data, length) buffers; this decides how the bytes are
 * obtained. A local folder is read with POSIX calls and whole files are
 * mapped (the fast path, unchanged); any other GFile (sftp://, smb://, a
 * GVfs mount) goes through GIO: enumerate, query_info, GInputStream.
 * Relative names use '/' and never leave the folder: a symbolic link counts
 * only when it resolves inside it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_ENTRY_NONE,      /* missing, unreadable, or a link that dangles or leads out */
  DEBRIEF_ENTRY_FILE,
  DEBRIEF_ENTRY_FOLDER,
  DEBRIEF_ENTRY_LINK,      /* only as the entry's own type */
  DEBRIEF_ENTRY_SPECIAL,
} DebriefEntryType;

typedef struct
{
  DebriefEntryType type;      /* the entry itself, a link not followed */
  DebriefEntryType target;    /* what it is once links inside the folder are followed */
  guint64 size;               /* of the target */
  gint64 mtime_usec;          /* of the target; 0 unknown */
  guint64 inode;              /* 0 where the file system does not say (sftp) */
  guint64 device;
} DebriefEntry;

typedef struct _DebriefFolder DebriefFolder;

DebriefFolder *debrief_folder_new          (GFile          *folder);
void           debrief_folder_free         (DebriefFolder  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefFolder, debrief_folder_free)

GFile         *debrief_folder_get_file     (DebriefFolder  *self);
gboolean       debrief_folder_is_local     (DebriefFolder  *self);
/* The folder as the user knows it: its path, or its URI when it is remote. */
const char    *debrief_folder_get_display  (DebriefFolder  *self);
/* A file of it as the user knows it. */
char          *debrief_folder_display      (DebriefFolder  *self,
                                            const char     *rel);

/* What @rel is (NULL or "": the folder). FALSE (entry->type NONE) when it does not
 * exist; a remote error other than "not found" (the connection dropped) is set in
 * @error, a missing entry is not an error. */
gboolean       debrief_folder_query        (DebriefFolder  *self,
                                            const char     *rel,
                                            DebriefEntry   *entry,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* The names in the subfolder @rel (NULL: the folder), sorted; NULL and @error when it
 * cannot be listed. */
GPtrArray     *debrief_folder_list         (DebriefFolder  *self,
                                            const char     *rel,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* The bytes of @rel from @offset, at most @max_length (G_MAXSIZE: to its end).
 * With @out_mapped, a whole local file is mapped (*out_mapped TRUE: pages may be
 * given back with madvise); without, it is read (a file that may be truncated
 * while it is parsed must not be mapped). The file must be a regular file inside the folder. Errors name the
 * file; a remote file that cannot be read for a reason other than its type or
 * absence is DEBRIEF_ERROR_NETWORK. */
GBytes        *debrief_folder_read         (DebriefFolder  *self,
                                            const char     *rel,
                                            guint64         offset,
                                            gsize           max_length,
                                            gboolean       *out_mapped,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* Forgets what was learnt of the entries (a remote listing remembers their types
 * and sizes to save round trips): before looking again at a folder that changes. */
void           debrief_folder_forget       (DebriefFolder  *self);

G_END_DECLS
