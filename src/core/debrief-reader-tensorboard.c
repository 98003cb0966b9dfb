/* debrief-reader-tensorboard.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-protobuf-private.h"
#include "debrief-reader-tensorboard-private.h"

/* Event files are searched this many folder levels down. */
#define TB_MAX_DEPTH 2
/* Progress and cancellation checks every this many records. */
#define TB_CHECK_EVERY 65536

/* TensorFlow DataType values used by scalar summaries. */
enum
{
  DT_FLOAT = 1,
  DT_DOUBLE = 2,
  DT_INT32 = 3,
  DT_INT64 = 9,
  DT_BFLOAT16 = 14,
  DT_HALF = 19,
};

static float
le_float (const guint8 *p)
{
  guint32 bits = debrief_read_le32 (p);
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

static double
le_double (const guint8 *p)
{
  guint64 bits = debrief_read_le64 (p);
  double d;
  memcpy (&d, &bits, sizeof d);
  return d;
}

static double
half_to_double (guint16 h)
{
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  double sign = (h & 0x8000) ? -1.0 : 1.0;

  if (exponent == 0)
    return sign * ldexp (mantissa, -24);
  if (exponent == 31)
    return mantissa ? NAN : sign * INFINITY;
  return sign * ldexp (mantissa + 1024, exponent - 25);
}

static double
bfloat16_to_double (guint16 b)
{
  guint32 bits = (guint32) b << 16;
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* A TensorProto holding exactly one number. */
static gboolean
tensor_scalar (DebriefPb      tensor,
               double *value)
{
  guint field, wire;
  guint64 dtype = 0;
  const guint8 *content = NULL;
  gsize content_length = 0;
  guint n_values = 0;
  double v = NAN;

  while (debrief_pb_field (&tensor, &field, &wire))
    {
      if (field == 1 && wire == 0)
        dtype = debrief_pb_varint (&tensor);
      else if (field == 4 && wire == 2)
        {
          DebriefPb bytes = debrief_pb_bytes (&tensor);
          content = bytes.p;
          content_length = bytes.end - bytes.p;
        }
      else if (field == 5 && wire == 5 && tensor.end - tensor.p >= 4)
        {
          v = le_float (tensor.p);
          tensor.p += 4;
          n_values++;
        }
      else if (field == 5 && wire == 2)
        {
          DebriefPb packed = debrief_pb_bytes (&tensor);
          gsize n = packed.bad ? 0 : (gsize) (packed.end - packed.p);
          if (n >= 4)
            v = le_float (packed.p);
          n_values += n / 4;
        }
      else if (field == 6 && wire == 1 && tensor.end - tensor.p >= 8)
        {
          v = le_double (tensor.p);
          tensor.p += 8;
          n_values++;
        }
      else if (field == 6 && wire == 2)
        {
          DebriefPb packed = debrief_pb_bytes (&tensor);
          gsize n = packed.bad ? 0 : (gsize) (packed.end - packed.p);
          if (n >= 8)
            v = le_double (packed.p);
          n_values += n / 8;
        }
      else
        debrief_pb_skip (&tensor, wire);
    }
  if (tensor.bad)
    return FALSE;
  if (content != NULL)
    {
      switch (dtype)
        {
        case DT_FLOAT:
          if (content_length != 4)
            return FALSE;
          *value = le_float (content);
          return TRUE;
        case DT_DOUBLE:
          if (content_length != 8)
            return FALSE;
          *value = le_double (content);
          return TRUE;
        case DT_HALF:
          if (content_length != 2)
            return FALSE;
          *value = half_to_double ((guint16) (content[0] | (content[1] << 8)));
          return TRUE;
        case DT_BFLOAT16:
          if (content_length != 2)
            return FALSE;
          *value = bfloat16_to_double ((guint16) (content[0] | (content[1] << 8)));
          return TRUE;
        case DT_INT32:
          if (content_length != 4)
            return FALSE;
          *value = (gint32) debrief_read_le32 (content);
          return TRUE;
        case DT_INT64:
          if (content_length != 8)
            return FALSE;
          *value = (double) (gint64) debrief_read_le64 (content);
          return TRUE;
        default:
          return FALSE;
        }
    }
  if (n_values == 1)
    {
      *value = v;
      return TRUE;
    }
  return FALSE;
}

/* One Summary.Value: its tag and scalar, if it has one. */
static gboolean
summary_value (DebriefPb           value,
               const char **tag,
               gsize       *tag_length,
               double      *scalar)
{
  guint field, wire;
  gboolean have_value = FALSE;

  *tag = NULL;
  while (debrief_pb_field (&value, &field, &wire))
    {
      if (field == 1 && wire == 2)
        {
          DebriefPb s = debrief_pb_bytes (&value);
          if (!s.bad)
            {
              *tag = (const char *) s.p;
              *tag_length = s.end - s.p;
            }
        }
      else if (field == 2 && wire == 5 && value.end - value.p >= 4)
        {
          *scalar = le_float (value.p);
          value.p += 4;
          have_value = TRUE;
        }
      else if (field == 8 && wire == 2)
        {
          DebriefPb tensor = debrief_pb_bytes (&value);
          if (!tensor.bad && tensor_scalar (tensor, scalar))
            have_value = TRUE;
        }
      else
        debrief_pb_skip (&value, wire);
    }
  return !value.bad && have_value && *tag != NULL && *tag_length > 0;
}

/* Parses one Event; adds its scalars to @set. FALSE when malformed. */
static gboolean
parse_event (DebriefSeriesSet *set,
             const guint8     *data,
             gsize             length,
             const char       *tag_prefix,
             GString          *scratch,
             guint             record)
{
  DebriefPb event = { data, data + length, FALSE };
  guint field, wire;
  gint64 step = 0;
  guint position = 0;

  while (debrief_pb_field (&event, &field, &wire))
    {
      if (field == 2 && wire == 0)
        step = (gint64) debrief_pb_varint (&event);
      else if (field == 5 && wire == 2)
        {
          DebriefPb summary = debrief_pb_bytes (&event);
          guint sfield, swire;

          while (!summary.bad && debrief_pb_field (&summary, &sfield, &swire))
            {
              if (sfield == 1 && swire == 2)
                {
                  DebriefPb value = debrief_pb_bytes (&summary);
                  const char *tag = NULL;
                  gsize tag_length = 0;
                  double scalar = NAN;

                  if (!value.bad && summary_value (value, &tag, &tag_length, &scalar))
                    {
                      g_string_truncate (scratch, 0);
                      if (tag_prefix)
                        g_string_append (scratch, tag_prefix);
                      g_string_append_len (scratch, tag, tag_length);
                      debrief_series_set_add (set, position++, scratch->str, scratch->len, scalar);
                    }
                }
              else
                debrief_pb_skip (&summary, swire);
            }
          if (summary.bad)
            event.bad = TRUE;
        }
      else
        debrief_pb_skip (&event, wire);
    }
  if (event.bad)
    {
      debrief_series_set_discard (set);
      return FALSE;
    }
  if (debrief_series_set_n_pending (set) > 0)
    debrief_series_set_commit (set, step, record);
  return TRUE;
}

gboolean
debrief_reader_tensorboard_feed (DebriefReadContext *ctx,
                                 DebriefReadContext *load_ctx,
                                 DebriefSeriesSet   *set,
                                 DebriefTbFile      *file,
                                 const char         *data,
                                 gsize               length,
                                 const char         *tag_prefix,
                                 gboolean            at_end,
                                 gsize              *consumed,
                                 GError            **error)
{
  const guint8 *p = (const guint8 *) data;
  const guint8 *end = p + length;
  g_autoptr(GString) scratch = NULL;

  *consumed = 0;
  if (file->broken)
    {
      /* Framing lost earlier: the rest of the file cannot be read. */
      *consumed = length;
      return TRUE;
    }
  if (length == 0 && file->records == 0)
    {
      if (!at_end)
        return TRUE;
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      return FALSE;
    }

  scratch = g_string_new (NULL);
  while (p < end)
    {
      guint64 n;
      gsize offset = (gsize) file->offset + (p - (const guint8 *) data);
      guint record = file->records + 1;

      if ((record % TB_CHECK_EVERY) == 0)
        {
          debrief_read_progress (load_ctx, p - (const guint8 *) data, length);
          if (debrief_read_check_cancelled (load_ctx, error))
            return FALSE;
        }
      if (end - p < 12)
        {
          if (!at_end)
            break;  /* a record still being written: read it next time */
          if (record == 1)
            {
              debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "expected a TensorBoard event file; it is too short (%zu byte)",
                                               "expected a TensorBoard event file; it is too short (%zu bytes)",
                                               length),
                                  length);
              return FALSE;
            }
          /* Said on this load only: the rest may still come. */
          debrief_read_warn (load_ctx, 0, _("record %u (byte %zu): incomplete (is the run still "
                                            "writing?); the records before it are kept"), record, offset);
          break;
        }
      n = debrief_read_le64 (p);
      if (debrief_tfrecord_mask_crc (debrief_crc32c (p, 8)) != debrief_read_le32 (p + 8))
        {
          if (record == 1)
            {
              debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0,
                                  _("expected a TensorBoard event file (TFRecord); the checksum of the "
                                    "first record's length does not match"));
              return FALSE;
            }
          debrief_read_warn (ctx, 0, _("record %u (byte %zu): the length checksum does not "
                                       "match; the rest of the file is skipped"), record, offset);
          file->broken = TRUE;
          p = end;
          break;
        }
      if (n > (guint64) (end - p) - 12 || (guint64) (end - p) - 12 - n < 4)
        {
          if (!at_end)
            break;
          /* The sizes say whether this is a record being written or a length
           * that cannot be (the rest of the file cannot be resynchronised). */
          /* Translators: the plural follows the number of bytes left (the last number) */
          debrief_read_warn (load_ctx, 0, g_dngettext (GETTEXT_PACKAGE,
                                                       "record %u (byte %zu): incomplete: its length is %" PRIu64
                                                       " bytes, %zu byte is left (is the run still writing?); "
                                                       "the records before it are kept",
                                                       "record %u (byte %zu): incomplete: its length is %" PRIu64
                                                       " bytes, %zu bytes are left (is the run still writing?); "
                                                       "the records before it are kept",
                                                       (gulong) ((gsize) (end - p) - 12)),
                             record, offset, n, (gsize) (end - p) - 12);
          break;
        }
      file->records++;
      if (debrief_tfrecord_mask_crc (debrief_crc32c (p + 12, n)) != debrief_read_le32 (p + 12 + n))
        {
          if (file->n_bad_data++ == 0)
            debrief_read_warn (ctx, 0, _("record %u (byte %zu): the data checksum does not "
                                         "match; record skipped"), record, offset);
        }
      else if (!parse_event (set, p + 12, n, tag_prefix, scratch, record))
        debrief_read_warn (ctx, 0, _("record %u (byte %zu): not a valid Event; skipped"),
                           record, offset);
      p += 12 + n + 4;
    }
  *consumed = p - (const guint8 *) data;
  file->offset += *consumed;
  return TRUE;
}

void
debrief_reader_tensorboard_file_done (DebriefReadContext *ctx,
                                      const DebriefTbFile *file)
{
  if (file->n_bad_data > 1)
    debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE, "%u record with a bad data checksum skipped",
                                              "%u records with a bad data checksum skipped", file->n_bad_data),
                       file->n_bad_data);
}

gboolean
debrief_reader_tensorboard_parse_into (DebriefReadContext *ctx,
                                       DebriefSeriesSet   *set,
                                       const char         *data,
                                       gsize               length,
                                       const char         *tag_prefix,
                                       GError            **error)
{
  DebriefTbFile file = { 0 };
  gsize consumed;

  if (!debrief_reader_tensorboard_feed (ctx, ctx, set, &file, data, length, tag_prefix, TRUE, &consumed, error))
    return FALSE;
  debrief_reader_tensorboard_file_done (ctx, &file);
  return TRUE;
}

gboolean
debrief_key_map_tensorboard (const char         *key,
                             const char        **name,
                             DebriefSeriesKind  *kind)
{
  debrief_key_map_default (key, name, kind);
  /* Keras writes "epoch_loss" into train/ and validation/ subfolders. */
  if (*kind == DEBRIEF_SERIES_OTHER && g_str_has_suffix (key, "loss"))
    {
      if (g_str_has_prefix (key, "eval/") || g_str_has_prefix (key, "val") || g_str_has_prefix (key, "test"))
        {
          *name = "val_loss";
          *kind = DEBRIEF_SERIES_VAL_LOSS;
        }
      else if (strcmp (key, "epoch_loss") == 0 || strcmp (key, "train/epoch_loss") == 0)
        {
          *name = "train_loss";
          *kind = DEBRIEF_SERIES_TRAIN_LOSS;
        }
    }
  return TRUE;
}

gboolean
debrief_reader_tensorboard_parse (DebriefReadContext *ctx,
                                  const char         *data,
                                  gsize               length,
                                  GError            **error)
{
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_tensorboard);

  if (!debrief_reader_tensorboard_parse_into (ctx, set, data, length, NULL, error))
    return FALSE;
  if (debrief_series_set_finish (set, ctx) == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0, _("expected scalar summaries; found none"));
      return FALSE;
    }
  return TRUE;
}

/* Only the subfolders trainers write events into: a parent folder of several
 * runs must not be taken for one run. */
static gboolean
is_log_subfolder (const char *name,
                  int         depth)
{
  static const char *const containers[] = { "runs", "logs", "tensorboard", "tb", "tb_logs",
                                            "lightning_logs", NULL };
  static const char *const splits[] = { "train", "validation", "val", "eval", "test", NULL };

  if (depth == 0)
    return g_strv_contains (containers, name) || g_strv_contains (splits, name);
  /* One level into a container: runs/<date_host>/, lightning_logs/version_0/. */
  return name[0] != '.';
}

static void
find_event_files (DebriefLoadJob *job,
                  const char     *rel,
                  int             depth,
                  GPtrArray      *found)
{
  g_autoptr(GPtrArray) names = debrief_load_job_list (job, rel);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *child_rel = rel ? g_build_filename (rel, n, NULL) : g_strdup (n);
      DebriefEntry entry;

      /* The entry's own type: symbolic links are not followed (no loops, nothing outside the run). */
      if (!debrief_load_job_entry (job, child_rel, &entry))
        continue;
      if (entry.type == DEBRIEF_ENTRY_FILE && g_str_has_prefix (n, "events.out.tfevents."))
        g_ptr_array_add (found, g_steal_pointer (&child_rel));
      else if (entry.type == DEBRIEF_ENTRY_FOLDER && depth < TB_MAX_DEPTH && is_log_subfolder (n, depth))
        find_event_files (job, child_rel, depth + 1, found);
    }
}

static GPtrArray *
event_files (DebriefLoadJob *job)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  find_event_files (job, NULL, 0, found);
  g_ptr_array_sort (found, debrief_compare_strings);
  return found;
}

gboolean
debrief_reader_tensorboard_folder_has_events (DebriefLoadJob *job)
{
  g_autoptr(GPtrArray) files = event_files (job);
  return files->len > 0;
}

/* Files in a validation subfolder hold validation values under the same tags. */
static const char *
prefix_for (const char *rel)
{
  g_autofree char *dir = g_path_get_dirname (rel);
  g_autofree char *base = g_path_get_basename (dir);

  if (strcmp (base, "validation") == 0 || strcmp (base, "val") == 0 || strcmp (base, "eval") == 0 ||
      strcmp (base, "test") == 0)
    return "eval/";
  return NULL;
}

/* What the loads of a followed run keep of its event files: the series of all
 * of them (one set: several files log the same tags), the warnings said so far. */
typedef struct
{
  DebriefSeriesSet *set;
  DebriefRun *notes;
  guint n_warnings;
  guint n_suppressed;
  GHashTable *files;        /* rel -> DebriefTbFile */
} TbState;

/* The cache key of the folder-wide state: no file has a newline in its name here. */
#define TB_STATE_KEY "\ntensorboard"

static void
tb_state_free (TbState *tb)
{
  debrief_series_set_free (tb->set);
  g_clear_object (&tb->notes);
  g_hash_table_unref (tb->files);
  g_free (tb);
}

static TbState *
tb_state_new (DebriefRun *run)
{
  TbState *tb = g_new0 (TbState, 1);

  tb->set = debrief_series_set_new (debrief_key_map_tensorboard);
  tb->notes = debrief_run_new (debrief_run_get_folder (run));
  tb->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return tb;
}

/* The per-file tails mark a file as read with a state of their own. */
#define TB_FILE_MARK GINT_TO_POINTER (1)

gboolean
debrief_reader_tensorboard_load (DebriefLoadJob  *job,
                                 DebriefRun      *run,
                                 GError         **error)
{
  g_autoptr(GPtrArray) files = event_files (job);
  DebriefTail *folder_tail = job->cache ? debrief_load_cache_tail (job->cache, TB_STATE_KEY) : NULL;
  TbState *one_off = NULL;
  TbState *tb;
  GError *first_error = NULL;
  guint n_read = 0;
  gboolean restarted = FALSE;
  DebriefReadContext ctx;

  if (folder_tail != NULL && folder_tail->state == NULL)
    debrief_tail_set_state (folder_tail, tb_state_new (run), (GDestroyNotify) tb_state_free);
  tb = folder_tail ? folder_tail->state : (one_off = tb_state_new (run));

restart:
  for (guint i = 0; i < files->len; i++)
    {
      const char *rel = g_ptr_array_index (files, i);
      g_autofree char *path = NULL;
      DebriefTail *tail = NULL;
      DebriefTbFile *file;
      DebriefReadContext notes_ctx;
      gsize total = 0;
      GError *local = NULL;

      for (;;)
        {
          g_autoptr(GBytes) bytes = debrief_load_job_read_tail (job, run, rel, "tensorboard", &path, &ctx, &tail, &local);
          gsize consumed = 0;

          if (bytes == NULL)
            break;
          if (tail->state == NULL)
            {
              if (g_hash_table_contains (tb->files, rel) && !restarted)
                {
                  /* A file read before was replaced or rewritten: its old points are
                   * in the set with the others', so every file is read again. */
                  restarted = TRUE;
                  debrief_tail_set_state (folder_tail, tb_state_new (run), (GDestroyNotify) tb_state_free);
                  tb = folder_tail->state;
                  for (guint j = 0; j < files->len; j++)
                    {
                      g_autofree char *key = g_strconcat (g_ptr_array_index (files, j), "\ntensorboard", NULL);
                      debrief_tail_reset (debrief_load_cache_tail (job->cache, key));
                    }
                  debrief_load_job_file_done (job, &ctx, total);
                  goto restart;
                }
              debrief_tail_set_state (tail, TB_FILE_MARK, NULL);
              g_hash_table_replace (tb->files, g_strdup (rel), g_new0 (DebriefTbFile, 1));
            }
          file = g_hash_table_lookup (tb->files, rel);
          /* Warnings about records stay with the state: every later load shows them too. */
          notes_ctx = ctx;
          if (folder_tail != NULL)
            {
              notes_ctx.run = tb->notes;
              notes_ctx.n_warnings = tb->n_warnings;
              notes_ctx.n_suppressed = tb->n_suppressed;
            }
          if (!debrief_reader_tensorboard_feed (&notes_ctx, &ctx, tb->set, file, g_bytes_get_data (bytes, NULL),
                                                g_bytes_get_size (bytes), prefix_for (rel),
                                                !tail->more && !job->following, &consumed, &local))
            {
              /* The file cannot be read: skipped from now on, as it is now. */
              consumed = g_bytes_get_size (bytes);
              file->broken = TRUE;
            }
          if (folder_tail != NULL)
            {
              tb->n_warnings = notes_ctx.n_warnings;
              tb->n_suppressed = notes_ctx.n_suppressed;
            }
          else
            {
              ctx.n_warnings = notes_ctx.n_warnings;
              ctx.n_suppressed = notes_ctx.n_suppressed;
            }
          debrief_load_job_tail_consumed (job, tail, bytes, consumed);
          total += g_bytes_get_size (bytes);
          if (local != NULL || !tail->more)
            break;
        }
      if (tail != NULL)
        {
          file = g_hash_table_lookup (tb->files, rel);
          if (file != NULL && local == NULL)
            debrief_reader_tensorboard_file_done (&ctx, file);
          if (file != NULL && file->records > 0 && local == NULL)
            {
              n_read++;
              debrief_run_add_source_file (run, rel);
            }
          debrief_load_job_file_done (job, &ctx, total);
        }
      if (local != NULL)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_error (&first_error);
              if (folder_tail != NULL)
                debrief_tail_reset (folder_tail);  /* half read: the next load starts over */
              g_clear_pointer (&one_off, tb_state_free);
              g_propagate_error (error, local);
              return FALSE;
            }
          if (first_error == NULL)
            first_error = local;
          else
            {
              debrief_run_add_warning (run, _("%s (file skipped)"), local->message);
              g_error_free (local);
            }
        }
    }

  if (n_read == 0)
    {
      if (first_error == NULL)
        g_set_error (&first_error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                     _("%s: no TensorBoard event files"), job->folder_path);
      g_propagate_error (error, first_error);
      g_clear_pointer (&one_off, tb_state_free);
      return FALSE;
    }
  if (first_error != NULL)
    {
      debrief_run_add_warning (run, _("%s (file skipped)"), first_error->message);
      g_error_free (first_error);
    }
  if (folder_tail != NULL)
    {
      const char *const *notes = debrief_run_get_warnings (tb->notes);
      for (guint i = 0; notes[i]; i++)
        debrief_run_add_warning (run, "%s", notes[i]);
    }
  debrief_read_context_init (&ctx, run, job->folder_path, g_ptr_array_index (files, 0));
  if ((folder_tail != NULL ? debrief_series_set_snapshot (tb->set, &ctx) : debrief_series_set_finish (tb->set, &ctx)) == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA,
                   _("%s: the event files hold no scalar summaries"), job->folder_path);
      g_clear_pointer (&one_off, tb_state_free);
      return FALSE;
    }
  debrief_read_context_finish (&ctx);
  g_clear_pointer (&one_off, tb_state_free);
  return TRUE;
}
