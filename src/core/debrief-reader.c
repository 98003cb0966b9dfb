/* debrief-reader.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "debrief-error.h"
#include "debrief-reader-private.h"
#include "debrief-yaml-private.h"

/* Small configuration files larger than this are not configuration files. */
#define MAX_CONFIG_FILE_SIZE (64 * 1024 * 1024)

void
debrief_read_context_init (DebriefReadContext *ctx,
                           DebriefRun         *run,
                           const char         *file,
                           const char         *rel)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->run = run;
  ctx->file = file;
  ctx->rel = rel ? rel : file;
}

void
debrief_read_context_finish (DebriefReadContext *ctx)
{
  if (ctx->n_suppressed > 0 && ctx->run != NULL)
    debrief_run_add_warning (ctx->run,
                             g_dngettext (GETTEXT_PACKAGE, "%s: %u more warning like the above",
                                          "%s: %u more warnings like the above", ctx->n_suppressed),
                             ctx->rel, ctx->n_suppressed);
  ctx->n_suppressed = 0;
}

void
debrief_read_warn (DebriefReadContext *ctx,
                   guint               line,
                   const char         *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (ctx->run == NULL)
    return;
  if (ctx->n_warnings >= DEBRIEF_READER_MAX_WARNINGS_PER_FILE)
    {
      ctx->n_suppressed++;
      return;
    }
  ctx->n_warnings++;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    debrief_run_add_warning (ctx->run, "%s:%u: %s", ctx->rel, line, message);
  else
    debrief_run_add_warning (ctx->run, "%s: %s", ctx->rel, message);
}

void
debrief_read_error (GError            **error,
                    DebriefReadContext *ctx,
                    int                 code,
                    guint               line,
                    const char         *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, DEBRIEF_ERROR, code, "%s:%u: %s", ctx->file, line, message);
  else
    g_set_error (error, DEBRIEF_ERROR, code, "%s: %s", ctx->file, message);
}

gboolean
debrief_read_check_cancelled (DebriefReadContext *ctx,
                              GError            **error)
{
  return g_cancellable_set_error_if_cancelled (ctx->cancellable, error);
}

void
debrief_read_release (const char *from,
                      const char *to,
                      gpointer    user_data)
{
  DebriefReadContext *ctx = user_data;
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize a, b;

  if (ctx->mapped_data == NULL || to <= from || from < ctx->mapped_data)
    return;
  /* Whole pages inside the range only (the mapping starts on a page boundary). */
  a = ((gsize) (from - ctx->mapped_data) + page - 1) / page * page;
  b = (gsize) (to - ctx->mapped_data) / page * page;
  if (b > a)
    madvise ((void *) (ctx->mapped_data + a), b - a, MADV_DONTNEED);
}

void
debrief_read_progress (DebriefReadContext *ctx,
                       gsize               done,
                       gsize               total)
{
  if (ctx->mapped_data != NULL && done > ctx->mapped_released)
    {
      gsize page = (gsize) sysconf (_SC_PAGESIZE);
      /* The mapping starts on a page boundary; release whole pages behind the reader. */
      gsize upto = (done / page) * page;
      if (upto > ctx->mapped_released)
        {
          madvise ((void *) (ctx->mapped_data + ctx->mapped_released), upto - ctx->mapped_released,
                   MADV_DONTNEED);
          ctx->mapped_released = upto;
        }
    }
  if (ctx->progress)
    ctx->progress (ctx->progress_data, done, total);
}

/* ---- load job ---- */

static void
job_progress (gpointer data,
              gsize    done,
              gsize    total)
{
  DebriefLoadJob *job = data;
  double fraction;

  if (job->progress == NULL || job->bytes_total == 0)
    return;
  fraction = (double) (job->bytes_done + done) / (double) job->bytes_total;
  job->progress (job->progress_data, CLAMP (fraction, 0.0, 1.0));
}

/* Keeps the first connection failure; the caller treats the file as absent. */
static void
job_note_error (DebriefLoadJob *job,
                GError         *error)
{
  if (error == NULL)
    return;
  if (job->connection_error == NULL && g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK))
    job->connection_error = error;
  else
    g_error_free (error);
}

void
debrief_load_job_context (DebriefLoadJob     *job,
                          DebriefRun         *run,
                          const char         *rel,
                          char              **out_path,
                          DebriefReadContext *ctx)
{
  *out_path = debrief_folder_display (job->folder, rel);
  debrief_read_context_init (ctx, run, *out_path, rel);
  ctx->cancellable = job->cancellable;
  ctx->progress = job_progress;
  ctx->progress_data = job;
}

GBytes *
debrief_load_job_read (DebriefLoadJob     *job,
                       DebriefRun         *run,
                       const char         *rel,
                       char              **out_path,
                       DebriefReadContext *ctx,
                       GError            **error)
{
  gboolean mapped = FALSE;
  GBytes *bytes;

  debrief_load_job_context (job, run, rel, out_path, ctx);
  bytes = debrief_folder_read (job->folder, rel, 0, G_MAXSIZE, &mapped, job->cancellable, error);
  /* A mapping is read-only and private: see DebriefReadContext.mapped_data. */
  if (bytes != NULL && mapped)
    ctx->mapped_data = g_bytes_get_data (bytes, NULL);
  return bytes;
}

/* A log read in pieces of this size when it is followed or remote (a local
 * one-off load maps it whole): memory stays bounded and nothing is mapped
 * that a writer could truncate under the reader. */
#define TAIL_CHUNK (16 * 1024 * 1024)
/* A file caught being rewritten is read again this many times at most. */
#define SETTLE_ATTEMPTS 6
#define SETTLE_WAIT_US (30 * 1000)

static gboolean
same_file (const DebriefEntry *before,
           const DebriefEntry *now)
{
  /* Another inode: replaced (a new run in the same folder). */
  if (before->inode != 0 && now->inode != 0 && (before->inode != now->inode || before->device != now->device))
    return FALSE;
  return TRUE;
}

static GBytes *
read_tail_chunk (DebriefLoadJob  *job,
                 const char      *rel,
                 DebriefTail     *tail,
                 GError         **error)
{
  guint64 from;
  gsize skip;
  gsize size;
  GBytes *bytes;

  skip = (gsize) MIN (tail->consumed, (guint64) DEBRIEF_TAIL_EDGE_BYTES);
  from = tail->consumed - skip;
  bytes = debrief_folder_read (job->folder, rel, from, skip + tail->chunk, NULL, job->cancellable, error);
  if (bytes == NULL)
    return NULL;
  size = g_bytes_get_size (bytes);
  if (job->cache != NULL)
    debrief_load_cache_add_bytes_read (job->cache, size);
  if (!tail->checked && tail->consumed > 0)
    {
      /* Rewritten in place (Lightning writes its metrics.csv anew at each save):
       * the bytes before the end of what was read are not the ones seen. */
      gsize edge_length = 0;
      const guint8 *edge = tail->edge ? g_bytes_get_data (tail->edge, &edge_length) : NULL;

      if (size < skip || edge_length != skip || (skip > 0 && memcmp (g_bytes_get_data (bytes, NULL), edge, skip) != 0))
        {
          g_bytes_unref (bytes);
          return NULL;
        }
    }
  tail->checked = TRUE;
  g_clear_pointer (&tail->buffer, g_bytes_unref);
  tail->buffer = bytes;
  tail->buffer_offset = from;
  tail->buffer_skip = MIN (skip, size);
  tail->more = size - tail->buffer_skip >= tail->chunk;
  return g_bytes_new_from_bytes (bytes, tail->buffer_skip, size - tail->buffer_skip);
}

GBytes *
debrief_load_job_read_tail (DebriefLoadJob      *job,
                            DebriefRun          *run,
                            const char          *rel,
                            const char          *reader,
                            char               **out_path,
                            DebriefReadContext  *ctx,
                            DebriefTail        **out_tail,
                            GError             **error)
{
  DebriefTail *tail = NULL;
  DebriefEntry entry = { 0 };
  GError *local = NULL;
  GBytes *bytes;

  if (*out_tail == NULL)
    debrief_load_job_context (job, run, rel, out_path, ctx);
  else
    tail = *out_tail;

  if (tail == NULL && job->cache == NULL && debrief_folder_is_local (job->folder))
    {
      /* A one-off local load: the whole file mapped, the fast path. */
      tail = g_new0 (DebriefTail, 1);
      if (job->one_off_tails == NULL)
        job->one_off_tails = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_tail_free);
      g_ptr_array_add (job->one_off_tails, tail);
      *out_tail = tail;
      g_clear_pointer (out_path, g_free);
      bytes = debrief_load_job_read (job, run, rel, out_path, ctx, error);
      tail->more = FALSE;
      return bytes;
    }

  if (tail == NULL)
    {
      if (job->cache != NULL)
        {
          g_autofree char *key = g_strconcat (rel, "\n", reader ? reader : "", NULL);
          tail = debrief_load_cache_tail (job->cache, key);
        }
      if (tail == NULL)
        {
          tail = g_new0 (DebriefTail, 1);
          if (job->one_off_tails == NULL)
            job->one_off_tails = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_tail_free);
          g_ptr_array_add (job->one_off_tails, tail);
        }
      *out_tail = tail;
      if (tail->chunk == 0)
        tail->chunk = TAIL_CHUNK;
      if (!debrief_folder_query (job->folder, rel, &entry, job->cancellable, &local) ||
          entry.target != DEBRIEF_ENTRY_FILE)
        {
          /* The folder says why (absent, a folder, a link leading out, the connection). */
          g_clear_error (&local);
          debrief_tail_reset (tail);
          return debrief_folder_read (job->folder, rel, 0, 0, NULL, job->cancellable, error);
        }
      if (tail->state != NULL && (!same_file (&tail->stamp, &entry) || entry.size < tail->consumed))
        debrief_tail_reset (tail);
      tail->stamp = entry;
    }

  bytes = read_tail_chunk (job, rel, tail, &local);
  if (bytes == NULL && local == NULL)
    {
      /* Rewritten: read it from the start, once. */
      entry = tail->stamp;
      debrief_tail_reset (tail);
      tail->stamp = entry;
      bytes = read_tail_chunk (job, rel, tail, &local);
    }
  if (bytes == NULL)
    g_propagate_error (error, local);
  return bytes;
}

void
debrief_load_job_tail_consumed (DebriefLoadJob *job,
                                DebriefTail    *tail,
                                GBytes         *bytes,
                                gsize           consumed)
{
  const guint8 *data;
  gsize size, end, from;

  if (tail->buffer == NULL)
    {
      /* A one-off mapped read: nothing to keep. */
      tail->consumed += consumed;
      return;
    }
  data = g_bytes_get_data (tail->buffer, &size);
  end = tail->buffer_skip + consumed;
  from = end > DEBRIEF_TAIL_EDGE_BYTES ? end - DEBRIEF_TAIL_EDGE_BYTES : 0;
  g_clear_pointer (&tail->edge, g_bytes_unref);
  tail->edge = g_bytes_new (data + from, end - from);
  tail->consumed = tail->buffer_offset + end;
  g_clear_pointer (&tail->buffer, g_bytes_unref);
  /* A record longer than a chunk: read more at a time until it fits. */
  if (consumed == 0 && tail->more)
    tail->chunk *= 2;
  else
    tail->chunk = TAIL_CHUNK;
}

static gboolean
entries_equal (const DebriefEntry *a,
               const DebriefEntry *b)
{
  return a->size == b->size && a->mtime_usec == b->mtime_usec && a->inode == b->inode && a->device == b->device;
}

GBytes *
debrief_load_job_read_settled (DebriefLoadJob     *job,
                               DebriefRun         *run,
                               const char         *rel,
                               char              **out_path,
                               DebriefReadContext *ctx,
                               GError            **error)
{
  GBytes *bytes = NULL;

  if (!job->following)
    return debrief_load_job_read (job, run, rel, out_path, ctx, error);

  debrief_load_job_context (job, run, rel, out_path, ctx);
  for (int attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++)
    {
      DebriefEntry before, after;
      GError *local = NULL;

      g_clear_pointer (&bytes, g_bytes_unref);
      if (attempt > 0)
        g_usleep (SETTLE_WAIT_US);
      /* Read, not mapped: a writer truncating the file under a mapping would kill the reader. */
      if (!debrief_folder_query (job->folder, rel, &before, job->cancellable, NULL))
        memset (&before, 0, sizeof before);
      bytes = debrief_folder_read (job->folder, rel, 0, G_MAXSIZE, NULL, job->cancellable, &local);
      if (bytes == NULL)
        {
          g_propagate_error (error, local);
          return NULL;
        }
      if (debrief_folder_query (job->folder, rel, &after, job->cancellable, NULL) &&
          entries_equal (&before, &after) && after.size == g_bytes_get_size (bytes))
        break;
    }
  return bytes;
}

GBytes *
debrief_load_job_read_part (DebriefLoadJob  *job,
                            const char      *rel,
                            guint64          offset,
                            gsize            max_length,
                            GError         **error)
{
  return debrief_folder_read (job->folder, rel, offset, max_length, NULL, job->cancellable, error);
}

void
debrief_load_job_file_done (DebriefLoadJob     *job,
                            DebriefReadContext *ctx,
                            gsize               length)
{
  debrief_read_context_finish (ctx);
  job->bytes_done += length;
  job_progress (job, 0, 0);
}

GPtrArray *
debrief_load_job_list (DebriefLoadJob *job,
                       const char     *rel)
{
  GError *error = NULL;
  GPtrArray *names = debrief_folder_list (job->folder, rel, job->cancellable, &error);

  if (names == NULL)
    {
      job_note_error (job, error);
      names = g_ptr_array_new_with_free_func (g_free);
    }
  return names;
}

gboolean
debrief_load_job_entry (DebriefLoadJob *job,
                        const char     *rel,
                        DebriefEntry   *entry)
{
  GError *error = NULL;
  gboolean exists = debrief_folder_query (job->folder, rel, entry, job->cancellable, &error);

  job_note_error (job, error);
  return exists;
}

gboolean
debrief_load_job_has_file (DebriefLoadJob *job,
                           const char     *rel)
{
  DebriefEntry entry;

  return debrief_load_job_entry (job, rel, &entry) && entry.target == DEBRIEF_ENTRY_FILE;
}

gboolean
debrief_load_job_has_folder (DebriefLoadJob *job,
                             const char     *rel)
{
  DebriefEntry entry;

  return debrief_load_job_entry (job, rel, &entry) && entry.target == DEBRIEF_ENTRY_FOLDER;
}

/* A side file read by several readers (config.json) is warned about once. */
static void
warn_once (DebriefRun *run,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
warn_once (DebriefRun *run,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (!g_strv_contains (debrief_run_get_warnings (run), message))
    debrief_run_add_warning (run, "%s", message);
}

gboolean
debrief_load_job_warn_unusable (DebriefLoadJob *job,
                                DebriefRun     *run,
                                const char     *rel)
{
  DebriefEntry entry;

  if (!debrief_load_job_entry (job, rel, &entry) || entry.target == DEBRIEF_ENTRY_FILE)
    return FALSE;
  if (entry.type == DEBRIEF_ENTRY_FOLDER)
    warn_once (run, _("%s: cannot read: expected a file, found a folder (ignored)"), rel);
  else if (entry.type == DEBRIEF_ENTRY_LINK)
    warn_once (run, _("%s: a symbolic link that leads outside the run folder, or cannot be resolved (ignored)"),
               rel);
  else
    warn_once (run, _("%s: cannot read: expected a file, found a special file (ignored)"), rel);
  return TRUE;
}

typedef DebriefJsonNode *(*SmallFileParser) (const char *data, gsize length, const char *file, GError **error);

static DebriefJsonNode *
read_small_file (DebriefLoadJob  *job,
                 DebriefRun      *run,
                 const char      *rel,
                 SmallFileParser  parse,
                 const char      *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  DebriefJsonNode *node = NULL;
  DebriefEntry entry;

  if (!debrief_load_job_entry (job, rel, &entry) || entry.target != DEBRIEF_ENTRY_FILE)
    {
      debrief_load_job_warn_unusable (job, run, rel);
      return NULL;
    }
  if (entry.size > MAX_CONFIG_FILE_SIZE)
    g_set_error (&error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                 g_dngettext (GETTEXT_PACKAGE, "%s: %zu byte is too large for a configuration file",
                              "%s: %zu bytes is too large for a configuration file", (gulong) entry.size),
                 rel, (gsize) entry.size);
  else
    {
      bytes = debrief_folder_read (job->folder, rel, 0, G_MAXSIZE, NULL, job->cancellable, &error);
      if (bytes == NULL && g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK))
        {
          job_note_error (job, g_steal_pointer (&error));
          return NULL;
        }
      if (bytes != NULL)
        {
          gsize length;
          const char *data = g_bytes_get_data (bytes, &length);

          if (length == 0)
            g_set_error (&error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: the file is empty"), rel);
          else
            node = parse (data, length, rel, &error);
        }
    }
  if (node == NULL)
    {
      /* The folder's own errors name the whole path; a side file is named as in the folder. */
      g_autofree char *full = debrief_folder_display (job->folder, rel);
      g_autofree char *message = NULL;
      if (g_str_has_prefix (error->message, full) && error->message[strlen (full)] == ':')
        message = g_strconcat (rel, error->message + strlen (full), NULL);
      warn_once (run, _("%s (ignored)"), message ? message : error->message);
    }
  else if (node->type != DEBRIEF_JSON_OBJECT)
    {
      warn_once (run, "%s:1: %s", rel, expected);
      g_clear_pointer (&node, debrief_json_node_free);
    }
  return node;
}

DebriefJsonNode *
debrief_load_job_read_json (DebriefLoadJob *job,
                            DebriefRun     *run,
                            const char     *rel)
{
  return read_small_file (job, run, rel, debrief_json_parse, _("expected a JSON object; ignored"));
}

DebriefJsonNode *
debrief_load_job_read_yaml (DebriefLoadJob *job,
                            DebriefRun     *run,
                            const char     *rel)
{
  return read_small_file (job, run, rel, debrief_yaml_parse, _("expected “key: value” lines; ignored"));
}

int
debrief_compare_strings (gconstpointer a,
                         gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* ---- how a run ended ---- */

/* "[rank0]: " (torchrun) and "E   " style prefixes in front of traceback lines. */
static const char *
strip_rank_prefix (const char *line,
                   const char *end)
{
  if (end - line > 6 && line[0] == '[' && strncmp (line + 1, "rank", 4) == 0)
    {
      const char *p = line + 5;
      while (p < end && g_ascii_isdigit (*p))
        p++;
      if (p + 1 < end && p[0] == ']' && p[1] == ':')
        {
          p += 2;
          if (p < end && *p == ' ')
            p++;
          return p;
        }
    }
  return line;
}

/* "torch.OutOfMemoryError: CUDA out of memory", "KeyboardInterrupt", "RuntimeError". */
static gboolean
is_exception_line (const char *line,
                   const char *end)
{
  const char *p = line;

  if (p >= end || !(g_ascii_isalpha (*p) || *p == '_'))
    return FALSE;
  while (p < end && (g_ascii_isalnum (*p) || *p == '_' || *p == '.'))
    p++;
  if (p == end || *p == '\r')
    return TRUE;
  return *p == ':';
}

char *
debrief_find_crash_line (const char *text,
                         gsize       length,
                         gsize      *out_offset)
{
  static const char marker[] = "Traceback (most recent call last):";
  const char *end = text + length;
  const char *start = NULL;
  const char *p = text;
  const char *line;
  guint lines_after = 0;
  const char *exception = NULL, *exception_end = NULL;

  /* The last traceback of the text. */
  while ((p = g_strstr_len (p, end - p, marker)) != NULL)
    {
      start = p;
      p += sizeof marker - 1;
    }
  if (start == NULL)
    return NULL;
  line = memchr (start, '\n', end - start);
  while (line != NULL && line < end)
    {
      const char *l = line + 1;
      const char *eol = memchr (l, '\n', end - l);
      const char *stop = eol ? eol : end;
      const char *body = strip_rank_prefix (l, stop);

      if (exception == NULL)
        {
          if (body < stop && body[0] != ' ' && body[0] != '\t' && body[0] != '\r' &&
              is_exception_line (body, stop))
            {
              exception = body;
              exception_end = stop;
            }
        }
      else if (stop > l)
        lines_after++;
      line = eol;
    }
  /* A traceback followed by a long stretch of output is one the run survived
   * (a caught error printed by a callback), not how it ended. */
  if (exception == NULL || lines_after > 200)
    return NULL;
  while (exception_end > exception && (exception_end[-1] == '\r' || exception_end[-1] == ' '))
    exception_end--;
  if (out_offset)
    *out_offset = exception - text;
  /* Messages can be very long (CUDA's out-of-memory advice): the first 300 bytes say it. */
  {
    gsize full = exception_end - exception;
    gsize n = MIN (full, 300);
    if (n < full)
      {
        /* Cut after a sentence when there is one, else inside a character never. */
        const char *stop = g_strrstr_len (exception, n, ". ");
        if (stop != NULL && stop - exception > 40)
          n = stop - exception + 1;
        while (n > 0 && ((guchar) exception[n] & 0xc0) == 0x80)
          n--;
      }
    return g_utf8_make_valid (exception, n);
  }
}

guint
debrief_count_lines (const char *text,
                     gsize       length)
{
  guint n = 1;
  const char *p = text, *end = text + length;

  while ((p = memchr (p, '\n', end - p)) != NULL)
    {
      n++;
      p++;
    }
  return n;
}

/* ---- series set ---- */

struct _DebriefSeriesSetSlot
{
  char *key;               /* valid UTF-8, for names */
  char *raw;               /* as in the file, the hash key */
  gsize key_length;        /* of raw */
  DebriefSeries *series;   /* NULL: ignored key */
  DebriefSeriesWriter writer;  /* open on series while reading */
  guint backwards_line;    /* first line where the step went backwards */
  gint64 backwards_step;
  gint64 backwards_after;
};
typedef DebriefSeriesSetSlot KeySlot;

typedef struct
{
  KeySlot *slot;
  double value;
} Pending;

struct _DebriefSeriesSet
{
  DebriefKeyMapFunc map;
  GHashTable *slots;        /* key -> KeySlot */
  GPtrArray *order;         /* KeySlot, first seen */
  GPtrArray *by_position;   /* KeySlot or NULL */
  /* The values of the record being read: one entry per key, written in place. */
  Pending *pending;
  guint n_pending;
  guint pending_capacity;
  GString *scratch;
  gsize reserve;
};

static void
key_slot_free (KeySlot *slot)
{
  if (slot->writer.series != NULL)
    debrief_series_writer_close (&slot->writer);
  g_free (slot->key);
  g_free (slot->raw);
  g_clear_object (&slot->series);
  g_free (slot);
}

DebriefSeriesSet *
debrief_series_set_new (DebriefKeyMapFunc map)
{
  DebriefSeriesSet *set = g_new0 (DebriefSeriesSet, 1);

  set->map = map ? map : debrief_key_map_default;
  set->slots = g_hash_table_new (g_str_hash, g_str_equal);
  set->order = g_ptr_array_new_with_free_func ((GDestroyNotify) key_slot_free);
  set->by_position = g_ptr_array_new ();
  set->scratch = g_string_new (NULL);
  return set;
}

void
debrief_series_set_free (DebriefSeriesSet *set)
{
  if (set == NULL)
    return;
  g_hash_table_unref (set->slots);
  g_ptr_array_unref (set->order);
  g_ptr_array_unref (set->by_position);
  g_free (set->pending);
  g_string_free (set->scratch, TRUE);
  g_free (set);
}

void
debrief_series_set_reserve (DebriefSeriesSet *set,
                            gsize             n_records)
{
  set->reserve = n_records;
}

static gboolean
name_taken (DebriefSeriesSet *set,
            const char       *name)
{
  for (guint i = 0; i < set->order->len; i++)
    {
      KeySlot *slot = g_ptr_array_index (set->order, i);
      if (slot->series && strcmp (debrief_series_get_name (slot->series), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static KeySlot *
create_slot (DebriefSeriesSet *set,
             const char       *key,
             gsize             key_length)
{
  KeySlot *slot = g_new0 (KeySlot, 1);
  const char *name = NULL;
  DebriefSeriesKind kind = DEBRIEF_SERIES_OTHER;

  slot->key = g_utf8_make_valid (key, key_length);
  slot->raw = g_strndup (key, key_length);
  slot->key_length = key_length;
  if (set->map (slot->key, &name, &kind))
    {
      if (name_taken (set, name))
        {
          /* A second key of the same kind ("loss" and "train_loss"): keep it under its own name. */
          name = slot->key;
          kind = DEBRIEF_SERIES_OTHER;
        }
      if (!name_taken (set, name))
        {
          slot->series = debrief_series_new (name, kind);
          debrief_series_set_source_key (slot->series, slot->key);
          if (set->reserve > 0 && (kind == DEBRIEF_SERIES_TRAIN_LOSS || set->order->len < 64))
            debrief_series_reserve (slot->series, set->reserve);
          debrief_series_writer_open (&slot->writer, slot->series);
        }
    }
  g_hash_table_insert (set->slots, slot->raw, slot);
  g_ptr_array_add (set->order, slot);
  return slot;
}

static G_GNUC_NO_INLINE KeySlot *
find_slot (DebriefSeriesSet *set,
           guint             position,
           const char       *key,
           gsize             key_length)
{
  KeySlot *slot;

  if (memchr (key, '\0', key_length) != NULL)
    return NULL;  /* a key with a NUL byte cannot be named */
  g_string_truncate (set->scratch, 0);
  g_string_append_len (set->scratch, key, key_length);
  slot = g_hash_table_lookup (set->slots, set->scratch->str);
  if (slot == NULL)
    slot = create_slot (set, key, key_length);
  /* Only short records get a position cache: wider ones use the hash. */
  if (position < 256)
    {
      if (position >= set->by_position->len)
        g_ptr_array_set_size (set->by_position, position + 1);
      g_ptr_array_index (set->by_position, position) = slot;
    }
  return slot;
}

DebriefSeriesSetSlot *
debrief_series_set_add_slot (DebriefSeriesSet *set,
                             guint             position,
                             const char       *key,
                             gsize             key_length,
                             double            value)
{
  KeySlot *slot = NULL;

  /* Records repeat their keys in the same order: the key seen at this
   * position last time is almost always the one here. */
  if (position < set->by_position->len)
    {
      KeySlot *candidate = g_ptr_array_index (set->by_position, position);
      if (candidate && candidate->key_length == key_length &&
          memcmp (candidate->raw, key, key_length) == 0)
        slot = candidate;
    }
  if (slot == NULL)
    slot = find_slot (set, position, key, key_length);
  if (slot != NULL)
    debrief_series_set_add_to (set, slot, value);
  return slot;
}

void
debrief_series_set_add (DebriefSeriesSet *set,
                        guint             position,
                        const char       *key,
                        gsize             key_length,
                        double            value)
{
  debrief_series_set_add_slot (set, position, key, key_length, value);
}

void
debrief_series_set_add_to (DebriefSeriesSet     *set,
                           DebriefSeriesSetSlot *slot,
                           double                value)
{
  if (slot->series == NULL)
    return;
  if (G_UNLIKELY (set->n_pending == set->pending_capacity))
    {
      set->pending_capacity = MAX (16, set->pending_capacity * 2);
      set->pending = g_renew (Pending, set->pending, set->pending_capacity);
    }
  set->pending[set->n_pending++] = (Pending) { slot, value };
}

void
debrief_series_set_commit (DebriefSeriesSet *set,
                           gint64            step,
                           guint             line)
{
  for (guint i = 0; i < set->n_pending; i++)
    {
      KeySlot *slot = set->pending[i].slot;
      DebriefSeriesWriter *w = &slot->writer;

      if (G_UNLIKELY (w->length > 0 && step < w->tally.last_step) && slot->backwards_line == 0)
        {
          slot->backwards_line = line;
          slot->backwards_step = step;
          slot->backwards_after = w->tally.last_step;
        }
      debrief_series_writer_append (w, step, set->pending[i].value);
    }
  set->n_pending = 0;
}

void
debrief_series_set_discard (DebriefSeriesSet *set)
{
  set->n_pending = 0;
}

guint
debrief_series_set_n_pending (DebriefSeriesSet *set)
{
  return set->n_pending;
}

DebriefSeries *
debrief_series_set_lookup (DebriefSeriesSet *set,
                           const char       *key)
{
  KeySlot *slot = g_hash_table_lookup (set->slots, key);

  if (slot == NULL || slot->series == NULL)
    return NULL;
  if (slot->writer.series != NULL)
    {
      /* Hand the points written so far to the series. */
      debrief_series_writer_close (&slot->writer);
      debrief_series_writer_open (&slot->writer, slot->series);
    }
  return slot->series;
}

static int
kind_rank (DebriefSeriesKind kind)
{
  switch (kind)
    {
    case DEBRIEF_SERIES_TRAIN_LOSS: return 0;
    case DEBRIEF_SERIES_VAL_LOSS: return 1;
    default: return 2;
    }
}

static gsize
finish_set (DebriefSeriesSet   *set,
            DebriefReadContext *ctx,
            gboolean            keep)
{
  gsize n_points = 0;

  for (int rank = 0; rank < 3; rank++)
    for (guint i = 0; i < set->order->len; i++)
      {
        KeySlot *slot = g_ptr_array_index (set->order, i);
        g_autoptr(DebriefSeries) series = NULL;
        gboolean backwards = FALSE;
        guint dropped;

        if (slot->series == NULL || kind_rank (debrief_series_get_kind (slot->series)) != rank)
          continue;
        if (slot->writer.series != NULL)
          debrief_series_writer_close (&slot->writer);
        if (debrief_series_get_length (slot->series) == 0)
          {
            if (keep)
              debrief_series_writer_open (&slot->writer, slot->series);
            continue;
          }
        if (keep)
          {
            /* The set's series goes on growing; the run gets what it holds now. */
            series = debrief_series_copy (slot->series);
            debrief_series_writer_open (&slot->writer, slot->series);
          }
        else
          series = g_object_ref (slot->series);
        dropped = debrief_series_finish (series, &backwards);
        /* Say it once per file, on the loss series (the others follow the same steps). */
        if (rank < 2 && slot->backwards_line > 0)
          debrief_read_warn (ctx, slot->backwards_line,
                             _("step %" PRId64 " of “%s” comes after step %" PRId64
                               " (a resumed run, or two processes writing one file?); "
                               "the last value logged for each step is kept"),
                             slot->backwards_step, slot->key, slot->backwards_after);
        else if (rank < 2 && dropped > 0)
          debrief_read_warn (ctx, 0,
                             g_dngettext (GETTEXT_PACKAGE,
                                          "“%s”: %u step logged more than once; the last value is kept",
                                          "“%s”: %u steps logged more than once; the last value is kept",
                                          dropped),
                             slot->key, dropped);
        n_points += debrief_series_get_length (series);
        debrief_run_add_series (ctx->run, series);
      }
  return n_points;
}

gsize
debrief_series_set_finish (DebriefSeriesSet   *set,
                           DebriefReadContext *ctx)
{
  return finish_set (set, ctx, FALSE);
}

gsize
debrief_series_set_snapshot (DebriefSeriesSet   *set,
                             DebriefReadContext *ctx)
{
  return finish_set (set, ctx, TRUE);
}

/* ---- key maps ---- */

static const char *const train_loss_keys[] = {
  "loss", "train_loss", "train/loss", "train_mean_nll", "train/nll", "training_loss",
  "train_loss_step", "train/loss_step", "loss_step", "trainer/loss", "train/train_loss", NULL
};

static const char *const val_loss_keys[] = {
  "eval_loss", "val_loss", "eval/loss", "val/loss", "test/nll", "eval/nll", "test_loss",
  "test/loss", "valid_loss", "validation_loss", "validation/loss", "val_loss_epoch",
  "val_loss_step", "eval/eval_loss", NULL
};

static const char *const lr_keys[] = {
  "learning_rate", "lr", "train/learning_rate", "learning-rate", "train/lr", "optim/lr", NULL
};

static const char *const grad_norm_keys[] = {
  "grad_norm", "train/grad_norm", "gradient_norm", "grad-norm", "train/gradient_norm", NULL
};

static gboolean
in_list (const char         *key,
         const char *const  *list)
{
  for (guint i = 0; list[i]; i++)
    if (strcmp (key, list[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
debrief_key_is_loss_like (const char *key)
{
  return in_list (key, train_loss_keys) || in_list (key, val_loss_keys);
}

gboolean
debrief_key_is_step (const char *key,
                     gsize       length)
{
#define STEP_KEY(k) { k, sizeof k - 1 }
  /* Called for every member of every line: lengths compared first. */
  static const struct { const char *key; gsize length; } step_keys[] = {
    STEP_KEY ("step"), STEP_KEY ("global_step"), STEP_KEY ("current_steps"), STEP_KEY ("_step"),
    STEP_KEY ("iteration"), STEP_KEY ("iter"), STEP_KEY ("train/global_step"),
    STEP_KEY ("trainer/global_step"), STEP_KEY ("Step"),
  };
#undef STEP_KEY

  for (guint i = 0; i < G_N_ELEMENTS (step_keys); i++)
    if (step_keys[i].length == length && memcmp (key, step_keys[i].key, length) == 0)
      return TRUE;
  return FALSE;
}

gboolean
debrief_key_map_default (const char         *key,
                         const char        **name,
                         DebriefSeriesKind  *kind)
{
  if (in_list (key, train_loss_keys))
    {
      *name = "train_loss";
      *kind = DEBRIEF_SERIES_TRAIN_LOSS;
    }
  else if (in_list (key, val_loss_keys))
    {
      *name = "val_loss";
      *kind = DEBRIEF_SERIES_VAL_LOSS;
    }
  else if (in_list (key, lr_keys) || g_str_has_prefix (key, "lr-"))
    {
      /* "lr-AdamW" is Lightning's LearningRateMonitor. */
      *name = "learning_rate";
      *kind = DEBRIEF_SERIES_LEARNING_RATE;
    }
  else if (in_list (key, grad_norm_keys))
    {
      *name = "grad_norm";
      *kind = DEBRIEF_SERIES_GRAD_NORM;
    }
  else if (strcmp (key, "epoch") == 0 || strcmp (key, "train/epoch") == 0)
    {
      *name = "epoch";
      *kind = DEBRIEF_SERIES_EPOCH;
    }
  else
    {
      *name = key;
      *kind = DEBRIEF_SERIES_OTHER;
    }
  return TRUE;
}

gboolean
debrief_key_map_tinker (const char         *key,
                        const char        **name,
                        DebriefSeriesKind  *kind)
{
  if (strcmp (key, "num_tokens") == 0)
    {
      /* tinker-cookbook logs the tokens of each batch, not a running total. */
      *name = "tokens";
      *kind = DEBRIEF_SERIES_TOKENS;
      return TRUE;
    }
  return debrief_key_map_default (key, name, kind);
}

gboolean
debrief_key_map_hf (const char         *key,
                    const char        **name,
                    DebriefSeriesKind  *kind)
{
  /* The Trainer's last log_history entry summarises the run: "train_loss" there is
   * the mean over all steps, not a point of the curve. Runtimes are not curves. */
  static const char *const summary_keys[] = {
    "train_loss", "train_runtime", "train_samples_per_second", "train_steps_per_second",
    "total_flos", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", NULL
  };

  if (in_list (key, summary_keys))
    return FALSE;
  return debrief_key_map_default (key, name, kind);
}

gboolean
debrief_key_map_llamafactory (const char         *key,
                              const char        **name,
                              DebriefSeriesKind  *kind)
{
  /* Progress bookkeeping, not curves: "total_steps" repeats max_steps on every line. */
  static const char *const progress_keys[] = {
    "total_steps", "percentage", "elapsed_time", "remaining_time", NULL
  };

  if (in_list (key, progress_keys))
    return FALSE;
  return debrief_key_map_default (key, name, kind);
}

gboolean
debrief_step_from_double (double  value,
                          gint64 *step)
{
  /* Steps beyond 2^53 are not exact in a double; no run is that long. */
  if (!isfinite (value) || value != floor (value) || fabs (value) > 9007199254740992.0)
    return FALSE;
  *step = (gint64) value;
  return TRUE;
}

/* ---- configuration ---- */

static void
fill_int (gint64                *slot,
          const DebriefJsonNode *object,
          const char            *key)
{
  gint64 v;

  if (*slot == 0 && debrief_json_node_get_int (object, key, &v) && v > 0)
    *slot = v;
}

static void
fill_double (double                *slot,
             const DebriefJsonNode *object,
             const char            *key)
{
  double v;

  if (isnan (*slot) && debrief_json_node_get_double (object, key, &v) && isfinite (v))
    *slot = v;
}

static void
fill_string (char                 **slot,
             const DebriefJsonNode *object,
             const char            *key)
{
  const char *v = debrief_json_node_get_string (object, key);

  if (*slot == NULL && v != NULL && *v != '\0')
    *slot = g_strdup (v);
}

static void
fill_tristate (DebriefTristate       *slot,
               const DebriefJsonNode *object,
               const char            *key)
{
  int v = debrief_json_node_get_bool (object, key);

  if (*slot == DEBRIEF_TRISTATE_UNKNOWN && v >= 0)
    *slot = v ? DEBRIEF_TRISTATE_YES : DEBRIEF_TRISTATE_NO;
}

static void
fill_dim (gint64                *slot,
          const DebriefJsonNode *object,
          const char *const     *keys)
{
  for (guint i = 0; keys[i] && *slot == 0; i++)
    fill_int (slot, object, keys[i]);
}

static gboolean
read_dims_flat (const DebriefJsonNode *object,
                DebriefModelDims      *dims)
{
  static const char *const hidden[] = { "hidden_size", "d_model", "n_embd", "n_embed", "hidden_dim", "dim", NULL };
  static const char *const inter[] = { "intermediate_size", "ffn_dim", "n_inner", "d_ff",
                                       "ffn_hidden_size", NULL };
  static const char *const layers[] = { "num_hidden_layers", "num_layers", "n_layer", "n_layers", NULL };
  static const char *const heads[] = { "num_attention_heads", "n_head", "n_heads", "num_heads", NULL };
  static const char *const kv[] = { "num_key_value_heads", "n_kv_heads", "num_kv_heads", "multi_query_group_num", NULL };
  static const char *const head_dim[] = { "head_dim", "kv_channels", NULL };
  static const char *const vocab[] = { "vocab_size", "n_vocab", "padded_vocab_size", NULL };
  DebriefModelDims found = { 0 };

  fill_dim (&found.hidden_size, object, hidden);
  if (found.hidden_size == 0)
    return FALSE;
  fill_dim (&found.intermediate_size, object, inter);
  fill_dim (&found.num_layers, object, layers);
  fill_dim (&found.num_attention_heads, object, heads);
  fill_dim (&found.num_key_value_heads, object, kv);
  fill_dim (&found.head_dim, object, head_dim);
  fill_dim (&found.vocab_size, object, vocab);
  {
    static const char *const experts[] = { "num_local_experts", "num_experts", "n_routed_experts", NULL };
    const char *type = debrief_json_node_get_string (object, "model_type");
    int tie = debrief_json_node_get_bool (object, "tie_word_embeddings");

    fill_dim (&found.num_experts, object, experts);
    /* An expert's MLP is moe_intermediate_size wide (intermediate_size is the dense one). */
    if (found.num_experts > 1)
      {
        gint64 moe = 0;
        fill_int (&moe, object, "moe_intermediate_size");
        if (moe > 0)
          found.intermediate_size = moe;
      }
    if (tie >= 0)
      found.tie_word_embeddings = tie ? 2 : 1;
    /* Plain two-matrix MLPs (c_fc/c_proj, fc1/fc2, dense_h_to_4h/dense_4h_to_h). */
    if (type != NULL && (strcmp (type, "gpt2") == 0 || strcmp (type, "bloom") == 0 || strcmp (type, "phi") == 0 ||
                         strcmp (type, "gpt_neox") == 0 || strcmp (type, "opt") == 0 || strcmp (type, "bart") == 0))
      found.mlp_matrices = 2;
    /* GPT-2 and BLOOM tie by default and do not write it. */
    if (tie < 0 && type != NULL && (strcmp (type, "gpt2") == 0 || strcmp (type, "bloom") == 0))
      found.tie_word_embeddings = 2;
  }
  *dims = found;
  return TRUE;
}

gboolean
debrief_reader_read_dims (const DebriefJsonNode *object,
                          DebriefModelDims      *dims)
{
  static const char *const nested[] = { "text_config", "model", "model_config", "llm_config", NULL };

  if (object == NULL || object->type != DEBRIEF_JSON_OBJECT)
    return FALSE;
  if (read_dims_flat (object, dims))
    return TRUE;
  for (guint i = 0; nested[i]; i++)
    {
      DebriefJsonNode *child = debrief_json_node_get (object, nested[i]);
      if (child && child->type == DEBRIEF_JSON_OBJECT && read_dims_flat (child, dims))
        return TRUE;
    }
  return FALSE;
}

static char **
read_target_modules (const DebriefJsonNode *node)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (node == NULL)
    return NULL;
  if (node->type == DEBRIEF_JSON_STRING && node->string[0] != '\0')
    {
      /* LLaMA-Factory's lora_target is "q_proj,v_proj" or "all"; PEFT also accepts
       * a regex or "all-linear", kept as written. */
      if (strcmp (node->string, "all") == 0)
        {
          char *all[] = { (char *) "all-linear", NULL };
          return g_strdupv (all);
        }
      if (strchr (node->string, ',') != NULL && strpbrk (node->string, "()|[*\\") == NULL)
        {
          g_auto(GStrv) parts = g_strsplit (node->string, ",", -1);
          builder = g_strv_builder_new ();
          for (guint i = 0; parts[i]; i++)
            {
              g_strstrip (parts[i]);
              if (parts[i][0] != '\0')
                g_strv_builder_add (builder, parts[i]);
            }
          return g_strv_builder_end (builder);
        }
      {
        char *one[] = { node->string, NULL };
        return g_strdupv (one);
      }
    }
  if (node->type != DEBRIEF_JSON_ARRAY)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < node->values->len; i++)
    {
      DebriefJsonNode *item = g_ptr_array_index (node->values, i);
      if (item->type == DEBRIEF_JSON_STRING)
        g_strv_builder_add (builder, item->string);
    }
  return g_strv_builder_end (builder);
}

static void
set_hint (char       **slot,
          char       **slot_source,
          const char  *value,
          const char  *source)
{
  if (*slot != NULL || value == NULL || *value == '\0')
    return;
  *slot = g_ascii_strdown (value, -1);
  g_strstrip (*slot);
  *slot_source = g_strdup (source);
}

static gboolean
has_key (const DebriefJsonNode *object,
         const char            *key)
{
  const DebriefJsonNode *value = debrief_json_node_get (object, key);
  return value != NULL && value->type != DEBRIEF_JSON_NULL;
}

/* What a configuration says about how the run trained: trainer configs say it
 * with a key (LLaMA-Factory stage / finetuning_type, axolotl rl / adapter),
 * TRL's with the options only one trainer has. */
static void
read_kind_hints (DebriefRunConfig      *config,
                 const DebriefJsonNode *object,
                 const char            *source)
{
  /* TRL configuration classes, by the options that belong to one trainer only. */
  static const struct { const char *key; const char *stage; } trl_keys[] = {
    { "num_generations", "grpo" },        /* GRPOConfig */
    { "rloo_k", "rloo" },                 /* RLOOConfig */
    { "num_ppo_epochs", "ppo" },          /* PPOConfig */
    { "cliprange_value", "ppo" },
    { "desirable_weight", "kto" },        /* KTOConfig */
    { "cpo_alpha", "cpo" },               /* CPOConfig */
    { "simpo_gamma", "simpo" },
    { "rpo_alpha", "dpo" },               /* DPOConfig */
    { "reference_free", "dpo" },
    { "center_rewards_coefficient", "rm" }, /* RewardConfig */
    { "dataset_text_field", "sft" },      /* SFTConfig */
    { "completion_only_loss", "sft" },
    { "kl_penalty_coef", "rl" },          /* tinker-cookbook RL configs */
    { "dpo_beta", "dpo" },                /* tinker-cookbook DPO */
    { "pretraining_dataset", "pt" },      /* axolotl: streamed raw text, continued pre-training */
  };
  const char *stage = debrief_json_node_get_string (object, "stage");
  const char *rl = debrief_json_node_get_string (object, "rl");
  const char *adapter = debrief_json_node_get_string (object, "adapter");
  const char *finetuning = debrief_json_node_get_string (object, "finetuning_type");
  const char *pref_loss = debrief_json_node_get_string (object, "pref_loss");
  DebriefJsonNode *quant;
  double bits;
  int flag;

  set_hint (&config->peft_type, &config->peft_type_source, debrief_json_node_get_string (object, "peft_type"),
            source);
  if (stage != NULL && pref_loss != NULL && strcmp (pref_loss, "sigmoid") != 0)
    {
      /* LLaMA-Factory's stage dpo also runs ORPO and SimPO: say which. */
      g_autofree char *both = g_strdup_printf ("%s (%s)", stage, pref_loss);
      set_hint (&config->stage, &config->stage_source, both, source);
    }
  set_hint (&config->stage, &config->stage_source, stage, source);
  set_hint (&config->stage, &config->stage_source, rl, source);
  {
    /* tinker-cookbook RL: the policy-gradient loss it optimises. */
    const char *loss_fn = debrief_json_node_get_string (object, "loss_fn");
    if (loss_fn != NULL && (strcmp (loss_fn, "importance_sampling") == 0 || strcmp (loss_fn, "ppo") == 0 ||
                            strcmp (loss_fn, "cispo") == 0))
      {
        g_autofree char *said = g_strdup_printf ("rl (loss_fn %s)", loss_fn);
        set_hint (&config->stage, &config->stage_source, said, source);
      }
  }
  for (guint i = 0; i < G_N_ELEMENTS (trl_keys) && config->stage == NULL; i++)
    if (has_key (object, trl_keys[i].key))
      {
        g_autofree char *said = g_strdup_printf ("%s (%s)", trl_keys[i].stage, trl_keys[i].key);
        set_hint (&config->stage, &config->stage_source, said, source);
      }
  {
    /* axolotl: a dataset of type "completion" is raw text trained on every token
     * (no prompt template, no masked prompt): continued pre-training. */
    DebriefJsonNode *datasets = debrief_json_node_get (object, "datasets");
    for (guint i = 0; config->stage == NULL && datasets && datasets->type == DEBRIEF_JSON_ARRAY
                      && i < datasets->values->len; i++)
      {
        DebriefJsonNode *d = g_ptr_array_index (datasets->values, i);
        const char *type = d->type == DEBRIEF_JSON_OBJECT ? debrief_json_node_get_string (d, "type") : NULL;
        if (type != NULL && strcmp (type, "completion") == 0)
          set_hint (&config->stage, &config->stage_source, "pt (datasets type completion: raw text)", source);
      }
  }

  set_hint (&config->finetuning_type, &config->finetuning_type_source, finetuning, source);
  set_hint (&config->finetuning_type, &config->finetuning_type_source, adapter, source);
  flag = debrief_json_node_get_bool (object, "use_peft");  /* TRL ModelConfig */
  if (flag >= 0)
    set_hint (&config->finetuning_type, &config->finetuning_type_source, flag ? "lora" : "full", source);

  if (config->quantization_bits == 0)
    {
      if (debrief_json_node_get_double (object, "quantization_bit", &bits) && (bits == 4 || bits == 8))
        config->quantization_bits = (gint64) bits;
      else if (debrief_json_node_get_bool (object, "load_in_4bit") == 1)
        config->quantization_bits = 4;
      else if (debrief_json_node_get_bool (object, "load_in_8bit") == 1)
        config->quantization_bits = 8;
      quant = debrief_json_node_get (object, "quantization_config");
      if (config->quantization_bits == 0 && quant != NULL && quant->type == DEBRIEF_JSON_OBJECT)
        {
          if (debrief_json_node_get_bool (quant, "load_in_4bit") == 1 ||
              (debrief_json_node_get_double (quant, "bits", &bits) && bits == 4))
            config->quantization_bits = 4;
          else if (debrief_json_node_get_bool (quant, "load_in_8bit") == 1 ||
                   (debrief_json_node_get_double (quant, "bits", &bits) && bits == 8))
            config->quantization_bits = 8;
        }
      if (config->quantization_bits != 0)
        config->quantization_source = g_strdup (source);
    }

  /* A model's own configuration (its architecture), not a training config: a
   * config.json beside the weights, or the model config the HF integration copies
   * into W&B's config.yaml. */
  if (has_key (object, "architectures") && has_key (object, "model_type"))
    {
      config->full_model_config = TRUE;
      if (config->full_model_config_source == NULL)
        config->full_model_config_source = g_strdup (source);
      /* P-Tuning v2 (ChatGLM's ptuning/main.py) stores the prefix length in the
       * model config it saves with the prefix encoder: such a folder is neither a
       * full fine-tune nor a LoRA. */
      if (config->prefix_length == 0 && debrief_json_node_get_double (object, "pre_seq_len", &bits)
          && bits >= 1 && bits <= 1e6)
        {
          config->prefix_length = (gint64) bits;
          config->prefix_length_source = g_strdup (source);
        }
    }

  if (isnan (config->total_flos) && debrief_json_node_get_double (object, "total_flos", &bits) &&
      isfinite (bits) && bits > 0)
    {
      config->total_flos = bits;
      config->total_flos_source = g_strdup (source);
      if (debrief_json_node_get_double (object, "epoch", &bits) && isfinite (bits) && bits > 0)
        config->epochs_done = bits;
    }
}

void
debrief_reader_apply_config (DebriefRun            *run,
                             const DebriefJsonNode *object,
                             const char            *source)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  DebriefJsonNode *model;
  double tokens;

  if (object == NULL || object->type != DEBRIEF_JSON_OBJECT)
    return;

  fill_int (&config->lora_rank, object, "lora_rank");
  /* PEFT writes "r"; only trust it next to other LoRA keys. */
  if (debrief_json_node_get (object, "lora_alpha") || debrief_json_node_get (object, "peft_type"))
    fill_int (&config->lora_rank, object, "r");
  fill_int (&config->lora_rank, object, "lora_r");
  fill_int (&config->lora_rank, object, "rank");
  if (config->lora_rank == 0)
    {
      /* The analysis needs the rank: a value it cannot use is said, not dropped. */
      static const char *const rank_keys[] = { "lora_rank", "r", "lora_r", NULL };
      for (guint i = 0; rank_keys[i]; i++)
        {
          DebriefJsonNode *value = debrief_json_node_get (object, rank_keys[i]);
          if (value != NULL && value->type != DEBRIEF_JSON_NULL &&
              (strcmp (rank_keys[i], "r") != 0 || debrief_json_node_get (object, "lora_alpha") ||
               debrief_json_node_get (object, "peft_type")))
            {
              debrief_run_add_warning (run, _("%s: “%s” is not a positive whole number; the LoRA rank is unknown"),
                                       source, rank_keys[i]);
              break;
            }
        }
    }
  fill_double (&config->lora_alpha, object, "lora_alpha");
  if (config->target_modules == NULL)
    config->target_modules = read_target_modules (debrief_json_node_get (object, "target_modules"));
  if (config->target_modules == NULL)
    config->target_modules = read_target_modules (debrief_json_node_get (object, "lora_target"));
  fill_tristate (&config->train_attn, object, "train_attn");
  fill_tristate (&config->train_mlp, object, "train_mlp");
  fill_tristate (&config->train_unembed, object, "train_unembed");
  fill_tristate (&config->use_rslora, object, "use_rslora");
  fill_tristate (&config->use_dora, object, "use_dora");

  fill_string (&config->base_model, object, "base_model_name_or_path");
  fill_string (&config->base_model, object, "model_name");
  fill_string (&config->base_model, object, "base_model");
  fill_string (&config->base_model, object, "model_name_or_path");
  model = debrief_json_node_get (object, "model");
  if (model && model->type == DEBRIEF_JSON_STRING)
    fill_string (&config->base_model, object, "model");

  if (config->dims.hidden_size == 0 && debrief_reader_read_dims (object, &config->dims))
    {
      g_free (config->dims_source);
      config->dims_source = g_strdup (source);
    }

  if (config->dataset_tokens == 0)
    {
      static const char *const token_keys[] = { "train_tokens", "dataset_tokens", "num_train_tokens", NULL };
      for (guint i = 0; token_keys[i]; i++)
        if (debrief_json_node_get_double (object, token_keys[i], &tokens) && isfinite (tokens) &&
            tokens >= 1 && tokens < 1e18)
          {
            config->dataset_tokens = (gint64) tokens;
            g_free (config->dataset_tokens_source);
            config->dataset_tokens_source = g_strdup_printf ("%s: %s", source, token_keys[i]);
            break;
          }
    }

  fill_double (&config->learning_rate, object, "learning_rate");
  fill_double (&config->learning_rate, object, "lr");
  fill_string (&config->lr_schedule, object, "lr_schedule");
  fill_string (&config->lr_schedule, object, "lr_scheduler_type");
  fill_double (&config->num_epochs, object, "num_epochs");
  fill_double (&config->num_epochs, object, "num_train_epochs");
  fill_double (&config->num_epochs, object, "epochs");
  fill_int (&config->max_steps, object, "max_steps");
  fill_int (&config->batch_size, object, "batch_size");
  fill_int (&config->batch_size, object, "per_device_train_batch_size");
  fill_int (&config->batch_size, object, "train_batch_size");
  fill_int (&config->steps_per_epoch, object, "steps_per_epoch");
  read_kind_hints (config, object, source);
}

/* Nesting deeper than this in a config is data (a dataset spec, a chat
 * template), not a setting anyone sweeps. */
#define PARAM_MAX_DEPTH 4
/* Longer values (a prompt, a template) are not settings either. */
#define PARAM_MAX_TEXT 200

static gboolean
param_scalar_text (const DebriefJsonNode *node,
                   GString               *out,
                   double                *number)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  switch (node->type)
    {
    case DEBRIEF_JSON_NUMBER:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.15g", node->number));
      *number = node->number;
      return TRUE;
    case DEBRIEF_JSON_TRUE:
      g_string_append (out, "true");
      return TRUE;
    case DEBRIEF_JSON_FALSE:
      g_string_append (out, "false");
      return TRUE;
    case DEBRIEF_JSON_STRING:
      {
        double value;
        /* MLflow and W&B store numbers as text: "0.001" is the number it says. */
        if (debrief_json_string_to_number (node->string, strlen (node->string), &value) && isfinite (value))
          *number = value;
        g_string_append (out, node->string);
        return TRUE;
      }
    default:
      return FALSE;
    }
}

static void
collect_params (DebriefRun            *run,
                const DebriefJsonNode *object,
                const char            *prefix,
                guint                  depth,
                const char            *source)
{
  for (guint i = 0; i < object->keys->len; i++)
    {
      const char *key = g_ptr_array_index (object->keys, i);
      const DebriefJsonNode *value = g_ptr_array_index (object->values, i);
      g_autofree char *full = NULL;
      g_autoptr(GString) text = NULL;
      double number = NAN;

      /* "_wandb", "_name_or_path" ...: bookkeeping of the tool, not settings. */
      if (key[0] == '_' || key[0] == '\0')
        continue;
      full = prefix ? g_strconcat (prefix, ".", key, NULL) : g_strdup (key);
      if (value->type == DEBRIEF_JSON_OBJECT)
        {
          if (depth + 1 < PARAM_MAX_DEPTH)
            collect_params (run, value, full, depth + 1, source);
          continue;
        }
      text = g_string_new (NULL);
      if (value->type == DEBRIEF_JSON_ARRAY)
        {
          gboolean scalars = TRUE;
          double ignored;

          for (guint j = 0; j < value->values->len && scalars; j++)
            {
              if (j > 0)
                g_string_append (text, ", ");
              scalars = param_scalar_text (g_ptr_array_index (value->values, j), text, &ignored);
            }
          if (!scalars)
            continue;
        }
      else if (!param_scalar_text (value, text, &number))
        continue;
      if (text->len > PARAM_MAX_TEXT || !g_utf8_validate (text->str, text->len, NULL))
        continue;
      debrief_run_set_param (run, full, text->str, number, source);
    }
}

void
debrief_reader_collect_params (DebriefRun            *run,
                               const DebriefJsonNode *object,
                               const char            *source)
{
  if (object == NULL || object->type != DEBRIEF_JSON_OBJECT)
    return;
  collect_params (run, object, NULL, 0, source);
}

/* Fills the run's config from a flat {key: value} object: the keys as they
 * are, then the nested objects trainers put there (PEFT's peft_config.default,
 * a "model" or "config" section) and the HF integration's prefixed summary
 * keys ("train/total_flos" -> "total_flos"). */
void
debrief_reader_apply_flat_config (DebriefRun            *run,
                                  const DebriefJsonNode *flat,
                                  const char            *source)
{
  static const char *const sections[] = { "peft_config", "lora_config", "config", "model_args", "training_args",
                                          "args", "cfg", NULL };
  const DebriefJsonNode *peft;
  const char *name = debrief_json_node_get_string (flat, "_name_or_path");

  debrief_reader_apply_config (run, flat, source);
  if (name != NULL && debrief_run_get_config (run)->base_model == NULL && *name != '\0')
    debrief_run_get_config (run)->base_model = g_strdup (name);
  for (guint i = 0; sections[i]; i++)
    {
      DebriefJsonNode *section = debrief_json_node_get (flat, sections[i]);
      if (section == NULL || section->type != DEBRIEF_JSON_OBJECT)
        continue;
      debrief_reader_apply_config (run, section, source);
      /* PEFT keys adapters by name: {"default": {"r": 16, ...}}. */
      peft = debrief_json_node_get (section, "default");
      if (peft != NULL && peft->type == DEBRIEF_JSON_OBJECT)
        debrief_reader_apply_config (run, peft, source);
    }
}
