/* debrief-folder.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "debrief-error.h"
#include "debrief-folder-private.h"

/* Links followed in a row before giving up (a loop). */
#define MAX_LINK_HOPS 8
/* Remote reads ask for this much at a time (gvfsd-sftp pipelines requests). */
#define REMOTE_READ_CHUNK (1024 * 1024)

#define REMOTE_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
                          G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_SYMLINK_TARGET "," \
                          G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC "," \
                          G_FILE_ATTRIBUTE_UNIX_INODE "," G_FILE_ATTRIBUTE_UNIX_DEVICE

struct _DebriefFolder
{
  GFile *file;
  char *display;
  char *path;        /* local folders only */
  char *real_path;   /* realpath of path, for the "inside the folder" test */
  GHashTable *known; /* remote: rel -> DebriefEntry learnt from listings */
};

DebriefFolder *
debrief_folder_new (GFile *folder)
{
  DebriefFolder *self = g_new0 (DebriefFolder, 1);

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  self->file = g_object_ref (folder);
  self->path = g_file_get_path (folder);
  if (self->path != NULL)
    {
      self->display = g_strdup (self->path);
      self->real_path = realpath (self->path, NULL);
    }
  else
    self->display = g_file_get_parse_name (folder);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
debrief_folder_free (DebriefFolder *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->file);
  g_free (self->display);
  g_free (self->path);
  free (self->real_path);
  g_hash_table_unref (self->known);
  g_free (self);
}

GFile *
debrief_folder_get_file (DebriefFolder *self)
{
  return self->file;
}

gboolean
debrief_folder_is_local (DebriefFolder *self)
{
  return self->path != NULL;
}

const char *
debrief_folder_get_display (DebriefFolder *self)
{
  return self->display;
}

char *
debrief_folder_display (DebriefFolder *self,
                        const char    *rel)
{
  if (rel == NULL || *rel == '\0')
    return g_strdup (self->display);
  if (self->path != NULL)
    return g_build_filename (self->path, rel, NULL);
  return g_strconcat (self->display, g_str_has_suffix (self->display, "/") ? "" : "/", rel, NULL);
}

void
debrief_folder_forget (DebriefFolder *self)
{
  g_hash_table_remove_all (self->known);
}

/* ---- local ---- */

static DebriefEntryType
type_of_mode (mode_t mode)
{
  if (S_ISREG (mode))
    return DEBRIEF_ENTRY_FILE;
  if (S_ISDIR (mode))
    return DEBRIEF_ENTRY_FOLDER;
  if (S_ISLNK (mode))
    return DEBRIEF_ENTRY_LINK;
  return DEBRIEF_ENTRY_SPECIAL;
}

static void
fill_from_stat (DebriefEntry   *entry,
                const GStatBuf *st)
{
  entry->size = (guint64) st->st_size;
  entry->mtime_usec = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
  entry->inode = (guint64) st->st_ino;
  entry->device = (guint64) st->st_dev;
}

static gboolean
local_inside (DebriefFolder *self,
              const char    *path)
{
  g_autofree char *real = NULL;
  gsize n;

  if (self->real_path == NULL || (real = realpath (path, NULL)) == NULL)
    return FALSE;
  n = strlen (self->real_path);
  return strncmp (real, self->real_path, n) == 0 &&
         (real[n] == '/' || real[n] == '\0' || (n == 1 && self->real_path[0] == '/'));
}

static gboolean
local_query (DebriefFolder *self,
             const char    *rel,
             DebriefEntry  *entry)
{
  g_autofree char *path = g_build_filename (self->path, rel, NULL);
  GStatBuf st;

  if (rel == NULL || *rel == '\0')
    {
      /* The folder the user chose may itself be a link: follow it. */
      if (g_stat (self->path, &st) != 0)
        return FALSE;
      entry->type = entry->target = type_of_mode (st.st_mode);
      fill_from_stat (entry, &st);
      return TRUE;
    }
  if (g_lstat (path, &st) != 0)
    return FALSE;
  entry->type = type_of_mode (st.st_mode);
  if (entry->type != DEBRIEF_ENTRY_LINK)
    {
      entry->target = entry->type;
      fill_from_stat (entry, &st);
      return TRUE;
    }
  if (local_inside (self, path) && g_stat (path, &st) == 0)
    {
      entry->target = type_of_mode (st.st_mode);
      fill_from_stat (entry, &st);
    }
  return TRUE;
}

static GBytes *
local_read_range (const char   *path,
                  const char   *display,
                  guint64       offset,
                  gsize         max_length,
                  GError      **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  GStatBuf st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gsize want;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot read: %s"),
                   display, g_strerror (saved));
      return NULL;
    }
  /* The size is a hint: a file being written may have grown since. */
  want = (guint64) st.st_size > offset ? (gsize) MIN ((guint64) st.st_size - offset, (guint64) max_length) : 0;
  g_byte_array_set_size (buf, MAX (want, 4096));
  g_byte_array_set_size (buf, 0);
  while (buf->len < max_length)
    {
      gsize room = MIN (max_length - buf->len, (gsize) 1024 * 1024);
      guint len = buf->len;
      ssize_t n;

      g_byte_array_set_size (buf, len + room);
      do
        n = pread (fd, buf->data + len, room, (off_t) (offset + len));
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot read: %s"),
                       display, g_strerror (saved));
          return NULL;
        }
      g_byte_array_set_size (buf, len + (guint) n);
      if (n == 0)
        break;
    }
  close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* ---- remote ---- */

static DebriefEntryType
type_of_info (GFileInfo *info)
{
  switch (g_file_info_get_file_type (info))
    {
    case G_FILE_TYPE_REGULAR: return DEBRIEF_ENTRY_FILE;
    case G_FILE_TYPE_DIRECTORY: return DEBRIEF_ENTRY_FOLDER;
    case G_FILE_TYPE_SYMBOLIC_LINK: return DEBRIEF_ENTRY_LINK;
    case G_FILE_TYPE_UNKNOWN: return DEBRIEF_ENTRY_NONE;
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    default:
      return DEBRIEF_ENTRY_SPECIAL;
    }
}

static void
fill_from_info (DebriefEntry *entry,
                GFileInfo    *info)
{
  entry->size = g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE)
                ? (guint64) MAX (g_file_info_get_size (info), 0) : 0;
  entry->mtime_usec = 0;
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED))
    entry->mtime_usec = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) *
                        G_USEC_PER_SEC +
                        g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  entry->inode = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE);
  entry->device = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
}

static GFile *
child_of (DebriefFolder *self,
          const char    *rel)
{
  if (rel == NULL || *rel == '\0')
    return g_object_ref (self->file);
  return g_file_resolve_relative_path (self->file, rel);
}

static gboolean
is_missing (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
}

/* A remote failure that is not about the file itself: the connection. */
static void
set_remote_error (GError        **error,
                  GError         *cause,
                  DebriefFolder  *self,
                  const char     *rel)
{
  g_autofree char *display = debrief_folder_display (self, rel);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK, _("%s: cannot read: %s"), display, cause->message);
      g_error_free (cause);
    }
}

static gboolean
remote_query (DebriefFolder *self,
              const char    *rel,
              DebriefEntry  *entry,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GFile) file = child_of (self, rel);
  g_autoptr(GFileInfo) info = NULL;
  GError *local = NULL;
  DebriefEntry *known = rel ? g_hash_table_lookup (self->known, rel) : NULL;
  GFileQueryInfoFlags flags = rel == NULL || *rel == '\0' ? G_FILE_QUERY_INFO_NONE
                                                          : G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS;

  if (known != NULL)
    {
      *entry = *known;
      return entry->type != DEBRIEF_ENTRY_NONE;
    }
  info = g_file_query_info (file, REMOTE_ATTRIBUTES, flags, cancellable, &local);
  if (info == NULL)
    {
      if (is_missing (local))
        {
          g_error_free (local);
          return FALSE;
        }
      set_remote_error (error, local, self, rel);
      return FALSE;
    }
  entry->type = type_of_info (info);
  if (entry->type != DEBRIEF_ENTRY_LINK)
    {
      entry->target = entry->type;
      fill_from_info (entry, info);
      return entry->type != DEBRIEF_ENTRY_NONE;
    }

  /* Follow the link while it stays inside the folder. */
  {
    g_autoptr(GFile) current = g_object_ref (file);

    for (int hop = 0; hop < MAX_LINK_HOPS; hop++)
      {
        const char *target = g_file_info_get_symlink_target (info);
        g_autoptr(GFile) parent = g_file_get_parent (current);
        g_autoptr(GFile) resolved = NULL;
        g_autoptr(GFileInfo) next = NULL;

        if (target == NULL || parent == NULL)
          break;
        resolved = g_file_resolve_relative_path (parent, target);
        if (!g_file_has_prefix (resolved, self->file))
          break;
        next = g_file_query_info (resolved, REMOTE_ATTRIBUTES, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                  cancellable, &local);
        if (next == NULL)
          {
            if (is_missing (local))
              {
                g_clear_error (&local);
                break;
              }
            set_remote_error (error, local, self, rel);
            return FALSE;
          }
        g_set_object (&info, next);
        if (type_of_info (info) != DEBRIEF_ENTRY_LINK)
          {
            entry->target = type_of_info (info);
            fill_from_info (entry, info);
            break;
          }
        g_set_object (&current, resolved);
      }
  }
  return TRUE;
}

static GBytes *
remote_read_range (DebriefFolder *self,
                   const char    *rel,
                   guint64        offset,
                   gsize          max_length,
                   guint64        size_hint,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFile) file = child_of (self, rel);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  GError *local = NULL;

  in = g_file_read (file, cancellable, &local);
  if (in == NULL || (offset > 0 && !g_seekable_seek (G_SEEKABLE (in), (goffset) offset, G_SEEK_SET,
                                                     cancellable, &local)))
    {
      set_remote_error (error, local, self, rel);
      return NULL;
    }
  if (size_hint > offset)
    {
      g_byte_array_set_size (buf, (guint) MIN (size_hint - offset, (guint64) max_length));
      g_byte_array_set_size (buf, 0);
    }
  while (buf->len < max_length)
    {
      gsize room = MIN (max_length - buf->len, (gsize) REMOTE_READ_CHUNK);
      guint len = buf->len;
      gsize n = 0;

      g_byte_array_set_size (buf, len + room);
      if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf->data + len, room, &n, cancellable, &local))
        {
          set_remote_error (error, local, self, rel);
          return NULL;
        }
      g_byte_array_set_size (buf, len + (guint) n);
      if (n < room)
        break;
    }
  g_input_stream_close (G_INPUT_STREAM (in), NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* ---- both ---- */

gboolean
debrief_folder_query (DebriefFolder *self,
                      const char    *rel,
                      DebriefEntry  *entry,
                      GCancellable  *cancellable,
                      GError       **error)
{
  memset (entry, 0, sizeof *entry);
  if (self->path != NULL)
    return local_query (self, rel, entry);
  return remote_query (self, rel, entry, cancellable, error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

GPtrArray *
debrief_folder_list (DebriefFolder *self,
                     const char    *rel,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (self->path != NULL)
    {
      g_autofree char *path = rel ? g_build_filename (self->path, rel, NULL) : g_strdup (self->path);
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      const char *name;

      if (dir == NULL)
        return NULL;
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
    }
  else
    {
      g_autoptr(GFile) dir = child_of (self, rel);
      g_autoptr(GFileEnumerator) children = NULL;
      GError *local = NULL;

      children = g_file_enumerate_children (dir, REMOTE_ATTRIBUTES, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                            cancellable, &local);
      if (children == NULL)
        {
          if (is_missing (local))
            g_propagate_error (error, local);
          else
            set_remote_error (error, local, self, rel);
          return NULL;
        }
      for (;;)
        {
          GFileInfo *info;
          DebriefEntry *entry;
          const char *name;

          if (!g_file_enumerator_iterate (children, &info, NULL, cancellable, &local))
            {
              set_remote_error (error, local, self, rel);
              return NULL;
            }
          if (info == NULL)
            break;
          name = g_file_info_get_name (info);
          g_ptr_array_add (names, g_strdup (name));
          /* One round trip per folder instead of one per file; links are asked about later. */
          if (type_of_info (info) == DEBRIEF_ENTRY_LINK)
            continue;
          entry = g_new0 (DebriefEntry, 1);
          entry->type = entry->target = type_of_info (info);
          fill_from_info (entry, info);
          g_hash_table_replace (self->known, rel ? g_build_filename (rel, name, NULL) : g_strdup (name), entry);
        }
    }
  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

GBytes *
debrief_folder_read (DebriefFolder *self,
                     const char    *rel,
                     guint64        offset,
                     gsize          max_length,
                     gboolean      *out_mapped,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *display = debrief_folder_display (self, rel);
  DebriefEntry entry;
  GError *local = NULL;

  if (out_mapped)
    *out_mapped = FALSE;
  /* A listing's sizes are stale for a file being written: ask again before reading. */
  if (rel != NULL)
    g_hash_table_remove (self->known, rel);
  if (!debrief_folder_query (self, rel, &entry, cancellable, &local))
    {
      if (local != NULL)
        g_propagate_error (error, local);
      else
        g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot read: %s"), display,
                     g_strerror (ENOENT));
      return NULL;
    }
  if (entry.type == DEBRIEF_ENTRY_LINK && entry.target == DEBRIEF_ENTRY_NONE)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                   _("%s: a symbolic link that leads outside the run folder, or cannot be resolved"), display);
      return NULL;
    }
  if (entry.target != DEBRIEF_ENTRY_FILE)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                   _("%s: cannot read: expected a file, found %s"), display,
                   entry.target == DEBRIEF_ENTRY_FOLDER ? _("a folder") : _("a special file"));
      return NULL;
    }

  if (self->path == NULL)
    return remote_read_range (self, rel, offset, max_length, entry.size, cancellable, error);

  {
    g_autofree char *path = g_build_filename (self->path, rel, NULL);
    GMappedFile *mapped;

    /* Mapped only where the caller accepts a mapping: a file a writer truncates under
     * a mapping kills the reader (SIGBUS), so files that may be rewritten are read. */
    if (offset > 0 || max_length < entry.size || out_mapped == NULL)
      return local_read_range (path, display, offset, max_length, error);
    mapped = g_mapped_file_new (path, FALSE, &local);
    if (mapped == NULL)
      {
        g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot read: %s"), display, local->message);
        g_error_free (local);
        return NULL;
      }
    if (out_mapped)
      *out_mapped = g_mapped_file_get_length (mapped) > 0;
    {
      GBytes *bytes = g_mapped_file_get_bytes (mapped);
      g_mapped_file_unref (mapped);
      return bytes;
    }
  }
}
