/* debrief-document.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "debrief-document.h"
#include "debrief-error.h"

/* Coalesce the burst of monitor events one save produces (delete, create,
 * changes-done) into one look at the file. */
#define CHECK_DELAY_MS 100

/* The draft is written and removed in worker threads, which run in any
 * order. The last request must win: a removal (edits discarded, or the file
 * saved) over a draft write asked for before it, a draft write over a removal
 * or an older write asked for before it. Each request takes a ticket on the
 * main thread (an atomic counter: the main thread never waits for the lock,
 * which a worker holds while it writes to a possibly slow disk); a worker
 * acts only when its ticket is newer than the last one acted on, under a
 * lock that makes "check, act, record" one step among the workers. */
typedef struct
{
  gatomicrefcount ref_count;
  gint next_ticket;         /* atomic */
  GMutex lock;
  gint done_ticket;         /* under lock */
} DraftSlot;

static DraftSlot *
draft_slot_new (void)
{
  DraftSlot *slot = g_new0 (DraftSlot, 1);

  g_atomic_ref_count_init (&slot->ref_count);
  g_mutex_init (&slot->lock);
  return slot;
}

static DraftSlot *
draft_slot_ref (DraftSlot *slot)
{
  g_atomic_ref_count_inc (&slot->ref_count);
  return slot;
}

static void
draft_slot_unref (DraftSlot *slot)
{
  if (slot == NULL || !g_atomic_ref_count_dec (&slot->ref_count))
    return;
  g_mutex_clear (&slot->lock);
  g_free (slot);
}

/* On the main thread, when a write or a removal is asked for. */
static gint
draft_slot_take_ticket (DraftSlot *slot)
{
  return g_atomic_int_add (&slot->next_ticket, 1) + 1;
}

/* In a worker, with the lock held: whether the request of @ticket is still
 * the newest one acted on (and if so, it is recorded as acted on). */
static gboolean
draft_slot_claim (DraftSlot *slot,
                  gint       ticket)
{
  if (ticket <= slot->done_ticket)
    return FALSE;
  slot->done_ticket = ticket;
  return TRUE;
}

/* In a worker: removes the draft unless a newer request came first. */
static void
draft_slot_remove (DraftSlot *slot,
                   gint       ticket,
                   GFile     *draft_file)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&slot->lock);

  if (draft_slot_claim (slot, ticket))
    g_file_delete (draft_file, NULL, NULL);
}

struct _DebriefDocument
{
  GObject parent_instance;

  GFile *file;
  GFile *draft_file;
  DraftSlot *draft;         /* orders the draft's writes and removals (worker threads) */
  char *etag;               /* "sha256:..." of the content we last read or wrote; NULL: no file */
  char *disk_etag;          /* what the last check saw on disk */
  GFileMonitor *monitor;
  GCancellable *cancellable; /* internal checks; cancelled in dispose */
  guint check_source;
  guint n_saving;           /* saves in flight: their own monitor events are not "someone else" */
  guint check_pending : 1;
  guint changed_on_disk : 1;
};

enum {
  PROP_0,
  PROP_FILE,
  PROP_CHANGED_ON_DISK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefDocument, debrief_document, G_TYPE_OBJECT)

static void schedule_check (DebriefDocument *self);

/* The etag is a hash of the content, not the mtime: file systems stamp mtime
 * with a coarse clock (a jiffy), so a write right after our read could keep
 * the same mtime and size; a content hash cannot be fooled that way, and a
 * "touch" without a change is (rightly) not a conflict. Reports are small. */
static char *
etag_for_contents (const char *contents,
                   gsize       length)
{
  g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                      (const guchar *) contents, length);
  return g_strconcat ("sha256:", hex, NULL);
}

static void
set_changed_on_disk (DebriefDocument *self,
                     gboolean         changed)
{
  changed = !!changed;
  if (self->changed_on_disk == changed)
    return;
  self->changed_on_disk = changed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGED_ON_DISK]);
}

static void
set_etag (DebriefDocument *self,
          const char      *etag)
{
  if (g_strcmp0 (self->etag, etag) == 0)
    return;
  g_free (self->etag);
  self->etag = g_strdup (etag);
}

/* Reads the whole file (thread). Returns FALSE with G_IO_ERROR_NOT_FOUND for
 * a missing file; the error names the file. */
static gboolean
read_file (GFile         *file,
           char         **contents,
           gsize         *length,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s: is a folder, not a text file"), name);
      return FALSE;
    }
  if (g_file_info_get_size (info) > DEBRIEF_DOCUMENT_MAX_SIZE)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "%s: %" PRId64 " byte is too large for a report (limit %d)",
                               "%s: %" PRId64 " bytes is too large for a report (limit %d)",
                               (gulong) g_file_info_get_size (info)),
                   name, (gint64) g_file_info_get_size (info), DEBRIEF_DOCUMENT_MAX_SIZE);
      return FALSE;
    }
  if (!g_file_load_contents (file, cancellable, contents, length, NULL, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return FALSE;
    }
  return TRUE;
}

/* Thread: the etag of the file now, NULL if it does not exist. */
static gboolean
disk_etag (GFile         *file,
           char         **etag,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  *etag = NULL;
  if (!read_file (file, &contents, &length, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *etag = etag_for_contents (contents, length);
  return TRUE;
}

/* ------------------------------------------------------------------ load */

typedef struct
{
  GFile *file;
  char *text;
  char *etag;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data->text);
  g_free (data->etag);
  g_free (data);
}

/* The line (1-based) holding the first invalid byte, for the message. */
static guint
line_of_offset (const char *text,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (text[i] == '\n')
      line++;
  return line;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *end = NULL;
  gsize length = 0;

  if (!read_file (data->file, &contents, &length, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_utf8_validate_len (contents, length, &end))
    {
      g_autofree char *name = g_file_get_parse_name (data->file);
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                               _("%s:%u: not UTF-8 text"),
                               name, line_of_offset (contents, end - contents));
      return;
    }
  data->etag = etag_for_contents (contents, length);
  data->text = g_steal_pointer (&contents);
  g_task_return_boolean (task, TRUE);
}

void
debrief_document_load_async (DebriefDocument     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (self->file);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_document_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

char *
debrief_document_load_finish (DebriefDocument  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  LoadData *data;

  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), &local_error))
    {
      /* A missing file is a fresh start: saving will create it. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          set_etag (self, NULL);
          set_changed_on_disk (self, FALSE);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  set_etag (self, data->etag);
  set_changed_on_disk (self, FALSE);
  return g_steal_pointer (&data->text);
}

/* ------------------------------------------------------------------ save */

typedef struct
{
  GFile *file;
  GFile *draft_file;
  DraftSlot *draft;
  gint draft_ticket;
  char *text;
  char *expected_etag;
  char *new_etag;
  DebriefDocumentSaveFlags flags;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->draft_file);
  g_clear_pointer (&data->draft, draft_slot_unref);
  g_free (data->text);
  g_free (data->expected_etag);
  g_free (data->new_etag);
  g_free (data);
}

static gboolean
write_all (int          fd,
           const char  *text,
           gsize        length,
           int         *errsv)
{
  while (length > 0)
    {
      gssize n = write (fd, text, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *errsv = errno;
          return FALSE;
        }
      text += n;
      length -= n;
    }
  return TRUE;
}

/* Thread. Write temp + rename, keeping the old file as NAME~ (a hard link to
 * the old inode, so making the backup copies nothing). Every failure before
 * the final rename leaves the original untouched and removes the temp file.
 * GLib's g_file_replace() falls back to rewriting the file in place when it
 * cannot make a temporary file; a report must never be half-written, so the
 * local case is done here by hand. */
static gboolean
replace_local (const char  *path,
               const char  *text,
               gsize        length,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp_base = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp_path = g_build_filename (dir, tmp_base, NULL);
  g_autofree char *backup_path = g_strconcat (path, "~", NULL);
  gboolean have_original;
  GStatBuf st;
  int errsv = 0;
  int fd;

  have_original = g_lstat (path, &st) == 0;
  if (have_original && S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s: is a folder, not a text file"), path);
      return FALSE;
    }

  fd = g_mkstemp_full (tmp_path, O_WRONLY, have_original ? (st.st_mode & 0777) : 0644);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("%s: cannot create a temporary file in %s: %s"),
                   path, dir, g_strerror (errsv));
      return FALSE;
    }
  if (!write_all (fd, text, length, &errsv) || fsync (fd) != 0)
    {
      if (errsv == 0)
        errsv = errno;
      close (fd);
      g_unlink (tmp_path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("%s: writing failed, the file was left unchanged: %s"),
                   path, g_strerror (errsv));
      return FALSE;
    }
  if (close (fd) != 0)
    {
      errsv = errno;
      g_unlink (tmp_path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("%s: writing failed, the file was left unchanged: %s"),
                   path, g_strerror (errsv));
      return FALSE;
    }

  if (have_original && S_ISREG (st.st_mode))
    {
      if (g_unlink (backup_path) != 0 && errno != ENOENT)
        {
          errsv = errno;
          g_unlink (tmp_path);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANT_CREATE_BACKUP,
                       _("%s: cannot replace the backup %s (%s); the file was left unchanged"),
                       path, backup_path, g_strerror (errsv));
          return FALSE;
        }
      if (link (path, backup_path) != 0)
        {
          /* No hard links here (some network and FAT file systems): copy. */
          g_autoptr(GFile) original = g_file_new_for_path (path);
          g_autoptr(GFile) backup = g_file_new_for_path (backup_path);
          g_autoptr(GError) copy_error = NULL;

          if (!g_file_copy (original, backup, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &copy_error))
            {
              g_unlink (tmp_path);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANT_CREATE_BACKUP,
                           _("%s: cannot create the backup %s (%s); the file was left unchanged"),
                           path, backup_path, copy_error->message);
              return FALSE;
            }
        }
    }

  if (g_rename (tmp_path, path) != 0)
    {
      errsv = errno;
      g_unlink (tmp_path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("%s: cannot move the new version into place: %s; the file was left unchanged"),
                   path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

gboolean
debrief_document_replace_contents (GFile         *file,
                                   const char    *text,
                                   gsize          length,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  path = g_file_get_path (file);
  if (path != NULL)
    return replace_local (path, text, length, error);
  if (!g_file_replace_contents (file, text, length, NULL, TRUE, G_FILE_CREATE_NONE, NULL, cancellable, error))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  return TRUE;
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (data->file);
  gsize length = strlen (data->text);

  if (!(data->flags & DEBRIEF_DOCUMENT_SAVE_OVERWRITE))
    {
      g_autofree char *current = NULL;

      if (!disk_etag (data->file, &current, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_strcmp0 (current, data->expected_etag) != 0)
        {
          g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT,
                                   current == NULL
                                   ? _("%s was removed since it was opened")
                                   : data->expected_etag == NULL
                                   ? _("%s was created by another program since it was opened")
                                   : _("%s was changed by another program since it was opened"),
                                   name);
          return;
        }
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!debrief_document_replace_contents (data->file, data->text, length, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->new_etag = etag_for_contents (data->text, length);
  /* Saved: the crash draft has done its job (unless edits came since). */
  draft_slot_remove (data->draft, data->draft_ticket, data->draft_file);
  g_task_return_boolean (task, TRUE);
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);
  SaveData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_assert (self->n_saving > 0);
  self->n_saving--;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    {
      set_etag (self, data->new_etag);
      set_changed_on_disk (self, FALSE);
      g_task_return_boolean (outer, TRUE);
    }

  if (self->n_saving == 0 && self->check_pending)
    schedule_check (self);
}

void
debrief_document_save_async (DebriefDocument          *self,
                             const char               *text,
                             DebriefDocumentSaveFlags  flags,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;
  SaveData *data;

  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));
  g_return_if_fail (text != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, debrief_document_save_async);

  data = g_new0 (SaveData, 1);
  data->file = g_object_ref (self->file);
  data->draft_file = g_object_ref (self->draft_file);
  /* The saved text supersedes the drafts asked for before it. */
  data->draft = draft_slot_ref (self->draft);
  data->draft_ticket = draft_slot_take_ticket (self->draft);
  data->text = g_strdup (text);
  data->expected_etag = g_strdup (self->etag);
  data->flags = flags;

  self->n_saving++;
  /* The inner task updates our etag on the main thread whether or not the
   * caller ever calls _finish, then completes the caller's task. */
  inner = g_task_new (self, cancellable, save_done, outer);
  g_task_set_source_tag (inner, save_thread);
  g_task_set_task_data (inner, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (inner, save_thread);
}

gboolean
debrief_document_save_finish (DebriefDocument  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ----------------------------------------------------------------- check */

static void
etag_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GError) error = NULL;
  char *etag = NULL;

  if (!disk_etag (file, &etag, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, etag, g_free);
}

/* Applies a disk etag; returns whether it differs from ours. */
static gboolean
apply_disk_etag (DebriefDocument *self,
                 GTask           *etag_task,
                 GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *etag = g_task_propagate_pointer (etag_task, &local_error);
  gboolean changed;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* A save of ours finished or started meanwhile: its etag is the truth and
   * its own events will bring us back here. */
  if (self->n_saving > 0)
    {
      self->check_pending = TRUE;
      return FALSE;
    }
  g_free (self->disk_etag);
  self->disk_etag = g_strdup (etag);
  changed = g_strcmp0 (etag, self->etag) != 0;
  if (changed)
    set_changed_on_disk (self, TRUE);
  return changed;
}

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);
  g_autoptr(GError) error = NULL;
  gboolean changed;

  changed = apply_disk_etag (self, G_TASK (result), &error);
  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, changed);
}

static void
start_etag_task (DebriefDocument     *self,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, etag_thread);
  g_task_set_task_data (task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (task, etag_thread);
}

void
debrief_document_check_async (DebriefDocument     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, debrief_document_check_async);
  start_etag_task (self, cancellable, check_done, outer);
}

gboolean
debrief_document_check_finish (DebriefDocument  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
monitor_check_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The document may be gone (its cancellable then fired). */
  if (g_task_had_error (G_TASK (result)))
    {
      g_task_propagate_pointer (G_TASK (result), &error);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Checking the file on disk: %s", error->message);
      return;
    }
  apply_disk_etag (DEBRIEF_DOCUMENT (object), G_TASK (result), NULL);
}

static gboolean
check_timeout (gpointer user_data)
{
  DebriefDocument *self = user_data;

  self->check_source = 0;
  if (self->n_saving > 0)
    {
      self->check_pending = TRUE;
      return G_SOURCE_REMOVE;
    }
  self->check_pending = FALSE;
  start_etag_task (self, self->cancellable, monitor_check_done, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_check (DebriefDocument *self)
{
  if (self->check_source != 0)
    return;
  self->check_source = g_timeout_add (CHECK_DELAY_MS, check_timeout, self);
}

static void
monitor_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 DebriefDocument   *self)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      schedule_check (self);
      break;
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      break;
    }
}

void
debrief_document_keep_mine (DebriefDocument *self)
{
  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));

  /* Adopting the version the check saw makes the next save replace it (it
   * goes to the "~" backup), while a further outside change after this
   * point is still a conflict. */
  if (self->changed_on_disk)
    set_etag (self, self->disk_etag);
  set_changed_on_disk (self, FALSE);
}

/* ----------------------------------------------------------------- draft */

static void
save_draft_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GFile) dir = g_file_get_parent (data->draft_file);
  g_autoptr(GError) error = NULL;

  if (!g_file_make_directory_with_parents (dir, cancellable, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&data->draft->lock);

    /* Discarded, saved or written again since it was asked for. */
    if (!draft_slot_claim (data->draft, data->draft_ticket))
      {
        g_task_return_boolean (task, TRUE);
        return;
      }
    if (!g_file_replace_contents (data->draft_file, data->text, strlen (data->text), NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, cancellable, &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  }
  g_task_return_boolean (task, TRUE);
}

void
debrief_document_save_draft_async (DebriefDocument     *self,
                                   const char          *text,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));
  g_return_if_fail (text != NULL);

  data = g_new0 (SaveData, 1);
  data->draft_file = g_object_ref (self->draft_file);
  data->draft = draft_slot_ref (self->draft);
  data->draft_ticket = draft_slot_take_ticket (self->draft);
  data->text = g_strdup (text);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_document_save_draft_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_draft_thread);
}

gboolean
debrief_document_save_draft_finish (DebriefDocument  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_draft_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GFile *draft = task_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!read_file (draft, &contents, &length, cancellable, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_task_return_pointer (task, NULL, NULL);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (draft);
      g_free (contents);
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                               _("%s: the draft is not UTF-8 text"), name);
      return;
    }
  g_task_return_pointer (task, contents, g_free);
}

void
debrief_document_load_draft_async (DebriefDocument     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_document_load_draft_async);
  g_task_set_task_data (task, g_object_ref (self->draft_file), g_object_unref);
  g_task_run_in_thread (task, load_draft_thread);
}

char *
debrief_document_load_draft_finish (DebriefDocument  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
discard_draft_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  SaveData *data = task_data;

  draft_slot_remove (data->draft, data->draft_ticket, data->draft_file);
  g_task_return_boolean (task, TRUE);
}

void
debrief_document_discard_draft_async (DebriefDocument     *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (DEBRIEF_IS_DOCUMENT (self));

  data = g_new0 (SaveData, 1);
  data->draft_file = g_object_ref (self->draft_file);
  data->draft = draft_slot_ref (self->draft);
  /* From now on, drafts asked for earlier are not written. */
  data->draft_ticket = draft_slot_take_ticket (self->draft);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_document_discard_draft_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, discard_draft_thread);
}

gboolean
debrief_document_discard_draft_finish (DebriefDocument  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
debrief_document_discard_draft (DebriefDocument *self)
{
  debrief_document_discard_draft_async (self, NULL, NULL, NULL);
}

GFile *
debrief_document_get_draft_file (DebriefDocument *self)
{
  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), NULL);
  return self->draft_file;
}

/* ---------------------------------------------------------------- object */

GFile *
debrief_document_get_file (DebriefDocument *self)
{
  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), NULL);
  return self->file;
}

const char *
debrief_document_get_etag (DebriefDocument *self)
{
  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), NULL);
  return self->etag;
}

gboolean
debrief_document_get_changed_on_disk (DebriefDocument *self)
{
  g_return_val_if_fail (DEBRIEF_IS_DOCUMENT (self), FALSE);
  return self->changed_on_disk;
}

DebriefDocument *
debrief_document_new (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  return g_object_new (DEBRIEF_TYPE_DOCUMENT, "file", file, NULL);
}

static void
debrief_document_constructed (GObject *object)
{
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *draft_name = NULL;

  G_OBJECT_CLASS (debrief_document_parent_class)->constructed (object);

  g_assert (self->file != NULL);

  uri = g_file_get_uri (self->file);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
  draft_name = g_strconcat (hash, ".md", NULL);
  self->draft_file = g_file_new_build_filename (g_get_user_state_dir (), "debrief", "drafts",
                                                draft_name, NULL);
  self->draft = draft_slot_new ();

  self->monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor == NULL)
    g_debug ("Not watching %s: %s", uri, error->message);
  else
    g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed), self, 0);
}

static void
debrief_document_dispose (GObject *object)
{
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (debrief_document_parent_class)->dispose (object);
}

static void
debrief_document_finalize (GObject *object)
{
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);

  g_clear_object (&self->file);
  g_clear_object (&self->draft_file);
  g_clear_pointer (&self->draft, draft_slot_unref);
  g_clear_object (&self->cancellable);
  g_free (self->etag);
  g_free (self->disk_etag);

  G_OBJECT_CLASS (debrief_document_parent_class)->finalize (object);
}

static void
debrief_document_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_CHANGED_ON_DISK:
      g_value_set_boolean (value, self->changed_on_disk);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_document_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DebriefDocument *self = DEBRIEF_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_document_class_init (DebriefDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = debrief_document_constructed;
  object_class->dispose = debrief_document_dispose;
  object_class->finalize = debrief_document_finalize;
  object_class->get_property = debrief_document_get_property;
  object_class->set_property = debrief_document_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHANGED_ON_DISK] =
    g_param_spec_boolean ("changed-on-disk", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_document_init (DebriefDocument *self)
{
  self->cancellable = g_cancellable_new ();
}
