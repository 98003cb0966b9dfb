/* debrief-reader-wandb.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Framing as the SDK reads it (wandb/sdk/internal/datastore.py and
 * core/pkg/leveldb/record.go): a chunk never crosses a block; a damaged chunk
 * loses the rest of its block (the reader cannot know where the next chunk
 * starts), so reading resumes at the next block boundary and the warning says
 * how many bytes were skipped. An all-zero chunk header is the unwritten rest
 * of a block (the Go writer pads, files are preallocated): skipped silently.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "debrief-error.h"
#include "debrief-protobuf-private.h"
#include "debrief-reader-wandb-private.h"

#define WANDB_MAGIC 0xBEE1
#define WANDB_VERSION 0

enum
{
  CHUNK_FULL = 1,
  CHUNK_FIRST = 2,
  CHUNK_MIDDLE = 3,
  CHUNK_LAST = 4,
};

/* Record fields (wandb_internal.proto). */
enum
{
  RECORD_HISTORY = 2,
  RECORD_SUMMARY = 3,
  RECORD_OUTPUT = 4,
  RECORD_CONFIG = 5,
  RECORD_OUTPUT_RAW = 13,
  RECORD_RUN = 17,
  RECORD_EXIT = 18,
};

/* Console output kept for crash detection: a traceback fits in far less. */
#define OUTPUT_TAIL_MAX (256 * 1024)
/* Progress and cancellation checks every this many chunks. */
#define CHECK_EVERY 4096
/* Longest value_json read as a configuration value (larger ones are tables, media). */
#define MAX_CONFIG_VALUE 65536

void
debrief_wandb_info_clear (DebriefWandbInfo *info)
{
  g_clear_pointer (&info->config, debrief_json_node_free);
  g_clear_pointer (&info->display_name, g_free);
  g_clear_pointer (&info->project, g_free);
  g_clear_pointer (&info->group, g_free);
  g_clear_pointer (&info->run_id, g_free);
  if (info->output_tail)
    g_string_free (info->output_tail, TRUE);
  memset (info, 0, sizeof *info);
}

gboolean
debrief_key_map_wandb (const char         *key,
                       const char        **name,
                       DebriefSeriesKind  *kind)
{
  /* The Trainer's end-of-training summary and the per-eval timings, as the
   * HF integration logs them under train/ and eval/: not curves. */
  static const char *const summary_keys[] = {
    "train/train_loss", "train/train_runtime", "train/train_samples_per_second",
    "train/train_steps_per_second", "train/total_flos", "eval/runtime", "eval/samples_per_second",
    "eval/steps_per_second", NULL
  };

  /* _runtime, _timestamp and the like are W&B's bookkeeping. */
  if (key[0] == '_' || g_strv_contains (summary_keys, key))
    return FALSE;
  return debrief_key_map_default (key, name, kind);
}

/* One item (HistoryItem, ConfigItem, SummaryItem): its key (nested keys
 * joined with '.') into @key, and its value_json. */
static gboolean
read_item (DebriefPb     item,
           GString      *key,
           const char  **value,
           gsize        *value_length)
{
  guint field, wire;

  g_string_truncate (key, 0);
  *value = NULL;
  *value_length = 0;
  while (debrief_pb_field (&item, &field, &wire))
    {
      if ((field == 1 || field == 2) && wire == DEBRIEF_PB_BYTES)
        {
          DebriefPb s = debrief_pb_bytes (&item);
          if (s.bad)
            break;
          if (field == 2 && key->len > 0)
            g_string_append_c (key, '.');
          else if (field == 1)
            g_string_truncate (key, 0);
          g_string_append_len (key, (const char *) s.p, s.end - s.p);
        }
      else if (field == 16 && wire == DEBRIEF_PB_BYTES)
        {
          DebriefPb s = debrief_pb_bytes (&item);
          if (s.bad)
            break;
          *value = (const char *) s.p;
          *value_length = s.end - s.p;
        }
      else
        debrief_pb_skip (&item, wire);
    }
  return !item.bad && key->len > 0 && *value != NULL;
}

typedef struct
{
  DebriefReadContext *ctx;
  DebriefSeriesSet *set;
  DebriefWandbInfo *info;
  GString *key;
  GString *step_key;
  guint n_bad_records;
  guint64 row;
} Parse;

/* A history row: its numbers as pending values, committed at the row's step:
 * the trainer's own step key when the row has one (the HF integration logs
 * train/global_step on every row, _step only counts rows), else _step, else
 * HistoryStep.num, else the row's position. */
static gboolean
parse_history (Parse     *parse,
               DebriefPb  history,
               guint      record)
{
  guint field, wire, position = 0;
  gboolean have_step = FALSE, have_row_step = FALSE, have_num = FALSE;
  gint64 step = 0, row_step = 0, num = 0;

  while (debrief_pb_field (&history, &field, &wire))
    {
      if (field == 1 && wire == DEBRIEF_PB_BYTES)
        {
          DebriefPb item = debrief_pb_bytes (&history);
          const char *value;
          gsize value_length;
          double v;

          if (item.bad || !read_item (item, parse->key, &value, &value_length))
            continue;
          if (!debrief_json_string_to_number (value, value_length, &v))
            continue;  /* histograms, media, strings */
          if (debrief_key_is_step (parse->key->str, parse->key->len))
            {
              gint64 s;
              if (!debrief_step_from_double (v, &s))
                continue;
              if (strcmp (parse->key->str, "_step") == 0)
                {
                  row_step = s;
                  have_row_step = TRUE;
                }
              else if (!have_step || parse->step_key->len == 0 ||
                       strcmp (parse->key->str, parse->step_key->str) == 0)
                {
                  step = s;
                  have_step = TRUE;
                  if (parse->step_key->len == 0)
                    g_string_assign (parse->step_key, parse->key->str);
                }
              continue;
            }
          debrief_series_set_add (parse->set, position++, parse->key->str, parse->key->len, v);
        }
      else if (field == 2 && wire == DEBRIEF_PB_BYTES)
        {
          DebriefPb s = debrief_pb_bytes (&history);
          guint f, w;
          while (debrief_pb_field (&s, &f, &w))
            {
              if (f == 1 && w == DEBRIEF_PB_VARINT)
                {
                  num = (gint64) debrief_pb_varint (&s);
                  have_num = TRUE;
                }
              else
                debrief_pb_skip (&s, w);
            }
        }
      else
        debrief_pb_skip (&history, wire);
    }
  if (history.bad)
    {
      debrief_series_set_discard (parse->set);
      return FALSE;
    }
  if (!have_step)
    step = have_row_step ? row_step : have_num ? num : (gint64) parse->row;
  parse->row++;
  if (parse->info)
    parse->info->n_history++;
  if (debrief_series_set_n_pending (parse->set) > 0)
    debrief_series_set_commit (parse->set, step, record);
  return TRUE;
}

static void
parse_config (Parse     *parse,
              DebriefPb  config)
{
  guint field, wire;

  if (parse->info == NULL)
    return;
  if (parse->info->config == NULL)
    parse->info->config = debrief_json_node_new (DEBRIEF_JSON_OBJECT);
  while (debrief_pb_field (&config, &field, &wire))
    {
      if (field == 1 && wire == DEBRIEF_PB_BYTES)
        {
          DebriefPb item = debrief_pb_bytes (&config);
          const char *value;
          gsize value_length;
          DebriefJsonNode *node;

          if (item.bad || !read_item (item, parse->key, &value, &value_length) ||
              value_length > MAX_CONFIG_VALUE)
            continue;
          node = debrief_json_parse (value, value_length, "value_json", NULL);
          if (node != NULL)
            debrief_json_node_add_member (parse->info->config, parse->key->str, node);
        }
      else
        debrief_pb_skip (&config, wire);
    }
}

static void
parse_output (Parse     *parse,
              DebriefPb  output)
{
  guint field, wire;
  GString *tail;

  if (parse->info == NULL)
    return;
  if (parse->info->output_tail == NULL)
    parse->info->output_tail = g_string_new (NULL);
  tail = parse->info->output_tail;
  while (debrief_pb_field (&output, &field, &wire))
    {
      if (field == 3 && wire == DEBRIEF_PB_BYTES)
        {
          DebriefPb line = debrief_pb_bytes (&output);
          gsize n = debrief_pb_length (&line);
          if (n > OUTPUT_TAIL_MAX)
            {
              line.p = line.end - OUTPUT_TAIL_MAX;
              n = OUTPUT_TAIL_MAX;
            }
          if (tail->len + n > 2 * OUTPUT_TAIL_MAX)
            g_string_erase (tail, 0, tail->len + n - OUTPUT_TAIL_MAX);
          g_string_append_len (tail, (const char *) line.p, n);
        }
      else
        debrief_pb_skip (&output, wire);
    }
}

static void
take_string (DebriefPb  *pb,
             char      **slot)
{
  DebriefPb s = debrief_pb_bytes (pb);

  if (!s.bad && s.end > s.p)
    {
      g_free (*slot);
      *slot = g_utf8_make_valid ((const char *) s.p, s.end - s.p);
    }
}

static void
parse_run (Parse     *parse,
           DebriefPb  run)
{
  guint field, wire;

  if (parse->info == NULL)
    return;
  while (debrief_pb_field (&run, &field, &wire))
    {
      if (wire != DEBRIEF_PB_BYTES)
        debrief_pb_skip (&run, wire);
      else if (field == 1)
        take_string (&run, &parse->info->run_id);
      else if (field == 3)
        take_string (&run, &parse->info->project);
      else if (field == 6)
        take_string (&run, &parse->info->group);
      else if (field == 8)
        take_string (&run, &parse->info->display_name);
      else if (field == 4)
        {
          DebriefPb config = debrief_pb_bytes (&run);
          if (!config.bad)
            parse_config (parse, config);
        }
      else
        debrief_pb_skip (&run, wire);
    }
}

static void
parse_exit (Parse     *parse,
            DebriefPb  exit_record)
{
  guint field, wire;

  if (parse->info == NULL)
    return;
  parse->info->have_exit = TRUE;
  parse->info->exit_code = 0;
  while (debrief_pb_field (&exit_record, &field, &wire))
    {
      if (field == 1 && wire == DEBRIEF_PB_VARINT)
        parse->info->exit_code = (gint32) (guint32) debrief_pb_varint (&exit_record);
      else
        debrief_pb_skip (&exit_record, wire);
    }
}

static void
parse_record (Parse        *parse,
              const guint8 *data,
              gsize         length,
              guint         record,
              gsize         offset)
{
  DebriefPb pb = debrief_pb_init (data, length);
  guint field, wire;
  gboolean ok = TRUE;

  while (ok && debrief_pb_field (&pb, &field, &wire))
    {
      DebriefPb sub;

      if (wire != DEBRIEF_PB_BYTES ||
          (field != RECORD_HISTORY && field != RECORD_CONFIG && field != RECORD_OUTPUT &&
           field != RECORD_OUTPUT_RAW && field != RECORD_RUN && field != RECORD_EXIT))
        {
          debrief_pb_skip (&pb, wire);
          continue;
        }
      sub = debrief_pb_bytes (&pb);
      if (sub.bad)
        break;
      switch (field)
        {
        case RECORD_HISTORY:
          ok = parse_history (parse, sub, record);
          break;
        case RECORD_CONFIG:
          parse_config (parse, sub);
          break;
        case RECORD_OUTPUT:
        case RECORD_OUTPUT_RAW:
          parse_output (parse, sub);
          break;
        case RECORD_RUN:
          parse_run (parse, sub);
          break;
        case RECORD_EXIT:
          parse_exit (parse, sub);
          break;
        default:
          break;
        }
    }
  if (pb.bad || !ok)
    {
      if (parse->n_bad_records++ == 0)
        debrief_read_warn (parse->ctx, 0, _("record %u (byte %zu): not a valid W&B record; skipped"),
                           record, offset);
    }
  else if (parse->info)
    parse->info->n_records++;
}

static gboolean
chunk_checksum_ok (guint32       stored,
                   const guint8 *type_and_data,
                   gsize         length)
{
  /* W&B writes plain CRC-32; LevelDB proper writes masked CRC-32C. */
  return debrief_crc32_ieee (0, type_and_data, length) == stored ||
         debrief_tfrecord_mask_crc (debrief_crc32c (type_and_data, length)) == stored;
}

gboolean
debrief_reader_wandb_parse (DebriefReadContext *ctx,
                            const char         *data,
                            gsize               length,
                            DebriefWandbInfo   *info,
                            GError            **error)
{
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_wandb);
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) step_key = g_string_new (NULL);
  const guint8 *bytes = (const guint8 *) data;
  gboolean in_fragment = FALSE;
  gsize pending_offset = 0;
  gsize offset = DEBRIEF_WANDB_HEADER_SIZE;
  guint record = 0, chunks = 0;
  guint n_resync = 0;
  gsize bytes_skipped = 0;
  Parse parse = { ctx, set, info, key, step_key, 0, 0 };

  if (length < DEBRIEF_WANDB_HEADER_SIZE || memcmp (data, ":W&B", 4) != 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0,
                          length == 0 ? _("the file is empty")
                                      : _("expected a W&B transaction log; the file does not start with “:W&B”"));
      return FALSE;
    }
  if ((bytes[4] | (bytes[5] << 8)) != WANDB_MAGIC || bytes[6] != WANDB_VERSION)
    debrief_read_warn (ctx, 0, _("unknown W&B log version (magic %04x, version %u); read as version 0"),
                       bytes[4] | (bytes[5] << 8), bytes[6]);

  while (offset < length)
    {
      gsize in_block = offset % DEBRIEF_WANDB_BLOCK_SIZE;
      gsize block_left = DEBRIEF_WANDB_BLOCK_SIZE - in_block;
      gsize block_end = offset + block_left;
      const guint8 *h;
      guint32 checksum;
      guint16 chunk_length;
      guint8 type;
      const char *problem = NULL;

      if ((++chunks % CHECK_EVERY) == 0)
        {
          debrief_read_progress (ctx, offset, length);
          if (debrief_read_check_cancelled (ctx, error))
            return FALSE;
        }
      if (block_left < DEBRIEF_WANDB_HEADER_SIZE)
        {
          offset = block_end;  /* the block's trailer */
          continue;
        }
      if (length - offset < DEBRIEF_WANDB_HEADER_SIZE)
        {
          gboolean zeros = TRUE;
          for (gsize i = offset; i < length && zeros; i++)
            zeros = bytes[i] == 0;
          if (!zeros)
            debrief_read_warn (ctx, 0, _("byte %zu: the file ends inside a record header (is the run still "
                                         "writing?); the records before it are kept"), offset);
          break;
        }
      h = bytes + offset;
      checksum = debrief_read_le32 (h);
      chunk_length = (guint16) (h[4] | (h[5] << 8));
      type = h[6];
      if (checksum == 0 && chunk_length == 0 && type == 0)
        {
          /* Unwritten space: the rest of the block is zeros. */
          offset = block_end;
          continue;
        }
      if (DEBRIEF_WANDB_HEADER_SIZE + (gsize) chunk_length > block_left)
        problem = _("its length runs past the end of its block");
      else if (offset + DEBRIEF_WANDB_HEADER_SIZE + chunk_length > length)
        {
          debrief_read_warn (ctx, 0, _("byte %zu: the last record is incomplete (is the run still writing?); "
                                       "the records before it are kept"), offset);
          break;
        }
      else if (type < CHUNK_FULL || type > CHUNK_LAST)
        problem = _("unknown chunk type");
      else if (!chunk_checksum_ok (checksum, h + 6, 1 + (gsize) chunk_length))
        problem = _("the checksum does not match");

      if (problem != NULL)
        {
          gsize skipped = MIN (block_end, length) - offset;
          /* Translators: the first %s says what is wrong with the chunk */
          if (n_resync++ == 0)
            debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE,
                                                    "byte %zu: a damaged chunk (%s); %zu byte skipped up to "
                                                    "the next block",
                                                    "byte %zu: a damaged chunk (%s); %zu bytes skipped up to "
                                                    "the next block", skipped),
                               offset, problem, skipped);
          bytes_skipped += skipped;
          if (in_fragment)
            bytes_skipped += pending->len;
          in_fragment = FALSE;
          g_byte_array_set_size (pending, 0);
          offset = block_end;
          continue;
        }

      {
        const guint8 *payload = h + DEBRIEF_WANDB_HEADER_SIZE;
        gsize chunk_offset = offset;

        offset += DEBRIEF_WANDB_HEADER_SIZE + chunk_length;
        switch (type)
          {
          case CHUNK_FULL:
            if (in_fragment)
              bytes_skipped += pending->len;
            in_fragment = FALSE;
            parse_record (&parse, payload, chunk_length, ++record, chunk_offset);
            break;
          case CHUNK_FIRST:
            if (in_fragment)
              bytes_skipped += pending->len;
            g_byte_array_set_size (pending, 0);
            g_byte_array_append (pending, payload, chunk_length);
            pending_offset = chunk_offset;
            in_fragment = TRUE;
            break;
          case CHUNK_MIDDLE:
          case CHUNK_LAST:
            if (!in_fragment)
              {
                /* The start of this record was in a damaged block. */
                bytes_skipped += chunk_length;
                break;
              }
            g_byte_array_append (pending, payload, chunk_length);
            if (type == CHUNK_LAST)
              {
                parse_record (&parse, pending->data, pending->len, ++record, pending_offset);
                g_byte_array_set_size (pending, 0);
                in_fragment = FALSE;
              }
            break;
          default:
            g_assert_not_reached ();
          }
      }
    }
  if (in_fragment)
    debrief_read_warn (ctx, 0, _("byte %zu: the last record is incomplete (is the run still writing?); "
                                 "the records before it are kept"), pending_offset);
  if (n_resync > 1 || (n_resync == 1 && bytes_skipped > 0))
    debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE,
                                            "%u damaged chunk; %zu bytes skipped in all",
                                            "%u damaged chunks; %zu bytes skipped in all", n_resync),
                       n_resync, bytes_skipped);
  if (parse.n_bad_records > 1)
    debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE, "%u record that is not valid was skipped",
                                            "%u records that are not valid were skipped", parse.n_bad_records),
                       parse.n_bad_records);
  if (record == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0,
                          n_resync > 0 ? _("no record could be read (every chunk is damaged)")
                                       : _("the log holds no records"));
      return FALSE;
    }
  if (debrief_series_set_finish (set, ctx) == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "no metric was logged (%u record read, no history row with a number)",
                                       "no metric was logged (%u records read, no history row with a number)",
                                       record),
                          record);
      return FALSE;
    }
  return TRUE;
}

char *
debrief_reader_wandb_find_log (DebriefLoadJob *job)
{
  g_autoptr(GPtrArray) names = debrief_load_job_list (job, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      if (g_str_has_suffix (name, ".wandb") && name[0] != '.' && debrief_load_job_has_file (job, name))
        g_ptr_array_add (found, g_strdup (name));
    }
  if (found->len == 0)
    return NULL;
  /* One per run folder; when a copy sits beside it, run-<id>.wandb first. */
  for (guint i = 0; i < found->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (found, i), "run-"))
      return g_strdup (g_ptr_array_index (found, i));
  return g_strdup (g_ptr_array_index (found, 0));
}

/* Takes member @i out of @object (a null node is left in its place). */
static DebriefJsonNode *
steal_member (DebriefJsonNode *object,
              guint            i)
{
  DebriefJsonNode *value = g_ptr_array_index (object->values, i);

  g_ptr_array_index (object->values, i) = debrief_json_node_new (DEBRIEF_JSON_NULL);
  return value;
}

DebriefJsonNode *
debrief_reader_wandb_unwrap_config (DebriefJsonNode *config)
{
  DebriefJsonNode *flat = debrief_json_node_new (DEBRIEF_JSON_OBJECT);

  if (config == NULL || config->type != DEBRIEF_JSON_OBJECT)
    return flat;
  for (guint i = 0; i < config->keys->len; i++)
    {
      const char *key = g_ptr_array_index (config->keys, i);
      DebriefJsonNode *value = g_ptr_array_index (config->values, i);
      guint j;

      if (strcmp (key, "_wandb") == 0 || strcmp (key, "wandb_version") == 0)
        continue;
      /* {desc: null, value: X} (SDK < 0.19) or {value: X}. */
      if (value->type == DEBRIEF_JSON_OBJECT && value->keys->len <= 2 &&
          g_ptr_array_find_with_equal_func (value->keys, "value", g_str_equal, &j) &&
          (value->keys->len == 1 || g_ptr_array_find_with_equal_func (value->keys, "desc", g_str_equal, NULL)))
        debrief_json_node_add_member (flat, key, steal_member (value, j));
      else
        debrief_json_node_add_member (flat, key, steal_member (config, i));
    }
  return flat;
}

static gboolean
text_is_blank (const char *s)
{
  for (; s && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* How the run ended: a traceback at the end of files/output.log (or of the
 * console output recorded in the log), or a non-zero exit code. */
static void
detect_crash (DebriefLoadJob   *job,
              DebriefRun       *run,
              DebriefWandbInfo *info)
{
  static const char output_rel[] = "files/output.log";
  g_autofree char *crash = NULL;
  g_autofree char *where = NULL;

  if (debrief_load_job_has_file (job, output_rel))
    {
      g_autoptr(GBytes) bytes = debrief_load_job_read_part (job, output_rel, 0, G_MAXSIZE, NULL);
      gsize length = bytes ? g_bytes_get_size (bytes) : 0;

      if (length > 0)
        {
          const char *text = g_bytes_get_data (bytes, NULL);
          gsize from = length > OUTPUT_TAIL_MAX ? length - OUTPUT_TAIL_MAX : 0;
          gsize at = 0;

          crash = debrief_find_crash_line (text + from, length - from, &at);
          if (crash != NULL)
            where = g_strdup_printf ("%s:%u", output_rel, debrief_count_lines (text, from + at));
          debrief_run_add_source_file (run, output_rel);
        }
    }
  if (crash == NULL && info->output_tail != NULL && info->output_tail->len > 0)
    {
      crash = debrief_find_crash_line (info->output_tail->str, info->output_tail->len, NULL);
      if (crash != NULL)
        where = g_strdup_printf (_("%s (console output)"), debrief_run_get_source_files (run)[0]);
    }
  if (crash != NULL && !text_is_blank (crash))
    {
      debrief_run_set_crash (run, crash);
      debrief_run_add_warning (run, _("%s: the run crashed: %s"), where, crash);
    }
  else if (info->have_exit && info->exit_code != 0)
    {
      g_autofree char *line = g_strdup_printf (_("exit code %" PRId64), info->exit_code);
      debrief_run_set_crash (run, line);
      debrief_run_add_warning (run, _("the run ended with exit code %" PRId64 " (W&B marks it failed)"),
                               info->exit_code);
    }
}

/* The command line W&B recorded (files/wandb-metadata.json "args"), as
 * {key: value}: "--lora_rank 8", "--finetuning_type=lora", "--bf16" (true).
 * Trainer CLIs (LLaMA-Factory, HF examples) put there what config.yaml lacks:
 * the stage, the adapter, the model path. */
static DebriefJsonNode *
command_line_config (const DebriefJsonNode *metadata)
{
  DebriefJsonNode *flat = debrief_json_node_new (DEBRIEF_JSON_OBJECT);
  const DebriefJsonNode *args = debrief_json_node_get (metadata, "args");

  if (args == NULL || args->type != DEBRIEF_JSON_ARRAY)
    return flat;
  for (guint i = 0; i < args->values->len; i++)
    {
      const DebriefJsonNode *arg = g_ptr_array_index (args->values, i);
      const DebriefJsonNode *next = i + 1 < args->values->len ? g_ptr_array_index (args->values, i + 1) : NULL;
      const char *eq;
      g_autofree char *key = NULL;

      if (arg->type != DEBRIEF_JSON_STRING || !g_str_has_prefix (arg->string, "--") || arg->string[2] == '\0')
        continue;
      eq = strchr (arg->string, '=');
      if (eq != NULL)
        {
          key = g_strndup (arg->string + 2, eq - arg->string - 2);
          debrief_json_node_add_member (flat, key, debrief_json_node_from_text (eq + 1, strlen (eq + 1)));
        }
      else if (next != NULL && next->type == DEBRIEF_JSON_STRING && !g_str_has_prefix (next->string, "--"))
        {
          debrief_json_node_add_member (flat, arg->string + 2,
                                        debrief_json_node_from_text (next->string, strlen (next->string)));
          i++;
        }
      else
        debrief_json_node_add_member (flat, arg->string + 2, debrief_json_node_new (DEBRIEF_JSON_TRUE));
    }
  return flat;
}

gboolean
debrief_reader_wandb_load (DebriefLoadJob  *job,
                           DebriefRun      *run,
                           const char      *rel,
                           GError         **error)
{
  DebriefReadContext ctx;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(DebriefWandbInfo) info = { 0 };
  g_autoptr(DebriefJsonNode) yaml = NULL;
  g_autoptr(DebriefJsonNode) summary = NULL;
  g_autoptr(DebriefJsonNode) metadata = NULL;
  gboolean ok;

  bytes = debrief_load_job_read (job, run, rel, &path, &ctx, error);
  if (bytes == NULL)
    return FALSE;
  ok = debrief_reader_wandb_parse (&ctx, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &info, error);
  debrief_load_job_file_done (job, &ctx, g_bytes_get_size (bytes));
  if (!ok)
    return FALSE;
  debrief_run_add_source_file (run, rel);

  /* files/config.yaml is the final config; the log's ConfigRecords fill what it lacks (a run still going). */
  yaml = debrief_load_job_read_yaml (job, run, "files/config.yaml");
  if (yaml != NULL)
    {
      g_autoptr(DebriefJsonNode) flat = debrief_reader_wandb_unwrap_config (yaml);
      debrief_reader_apply_flat_config (run, flat, "files/config.yaml");
      debrief_reader_collect_params (run, flat, "files/config.yaml");
      debrief_run_add_source_file (run, "files/config.yaml");
    }
  if (info.config != NULL)
    {
      debrief_reader_apply_flat_config (run, info.config, rel);
      debrief_reader_collect_params (run, info.config, rel);
    }
  summary = debrief_load_job_read_json (job, run, "files/wandb-summary.json");
  if (summary != NULL)
    {
      g_autoptr(DebriefJsonNode) flat = debrief_json_node_new (DEBRIEF_JSON_OBJECT);
      /* "train/epoch", "train/global_step", "train/total_flos": as the trainer named them. */
      for (guint i = 0; i < summary->keys->len; i++)
        {
          const char *key = g_ptr_array_index (summary->keys, i);
          const char *slash = strrchr (key, '/');
          if (key[0] != '_')
            debrief_json_node_add_member (flat, slash ? slash + 1 : key, steal_member (summary, i));
        }
      debrief_reader_apply_flat_config (run, flat, "files/wandb-summary.json");
      debrief_run_add_source_file (run, "files/wandb-summary.json");
    }
  /* Last: the command line only fills what the config files left open. */
  metadata = debrief_load_job_read_json (job, run, "files/wandb-metadata.json");
  if (metadata != NULL)
    {
      g_autoptr(DebriefJsonNode) flat = command_line_config (metadata);
      if (flat->keys->len > 0)
        {
          debrief_reader_apply_flat_config (run, flat, "files/wandb-metadata.json");
          debrief_run_add_source_file (run, "files/wandb-metadata.json");
        }
    }
  if (info.display_name != NULL && !text_is_blank (info.display_name))
    debrief_run_set_name (run, info.display_name);
  if (info.group != NULL && !text_is_blank (info.group))
    debrief_run_set_group (run, info.group);
  else if (info.project != NULL && !text_is_blank (info.project))
    debrief_run_set_group (run, info.project);
  detect_crash (job, run, &info);
  return TRUE;
}
