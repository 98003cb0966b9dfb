/* test-readers-trackers.c: W&B run folders, MLflow stores, text logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"
#include "debrief-protobuf-private.h"
#include "debrief-reader-private.h"
#include "debrief-reader-text-private.h"
#include "debrief-reader-wandb-private.h"
#include "debrief-yaml-private.h"

static DebriefRun *
load_path (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  DebriefRun *run = debrief_run_load (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (run);
  return run;
}

static gsize
series_length (DebriefRun *run,
               const char *name)
{
  DebriefSeries *s = debrief_run_get_series_by_name (run, name);
  return s ? debrief_series_get_length (s) : 0;
}

static gboolean
has_warning (DebriefRun *run,
             const char *substring)
{
  const char *const *warnings = debrief_run_get_warnings (run);

  for (guint i = 0; warnings[i]; i++)
    if (strstr (warnings[i], substring))
      return TRUE;
  return FALSE;
}

static void
print_warnings (DebriefRun *run)
{
  const char *const *warnings = debrief_run_get_warnings (run);

  for (guint i = 0; warnings[i]; i++)
    g_test_message ("warning: %s", warnings[i]);
}

/* ---- a W&B transaction log writer, to make logs the reader must survive ---- */

static void
put_varint (GByteArray *out,
            guint64     v)
{
  do
    {
      guint8 b = v & 0x7f;
      v >>= 7;
      if (v)
        b |= 0x80;
      g_byte_array_append (out, &b, 1);
    }
  while (v);
}

static void
put_bytes (GByteArray *out,
           guint       field,
           const void *data,
           gsize       length)
{
  put_varint (out, (field << 3) | 2);
  put_varint (out, length);
  g_byte_array_append (out, data, length);
}

static void
put_string (GByteArray *out,
            guint       field,
            const char *s)
{
  put_bytes (out, field, s, strlen (s));
}

/* A Record holding a HistoryRecord of "key=value_json" pairs. */
static GByteArray *
history_record (const char *const *items)
{
  g_autoptr(GByteArray) history = g_byte_array_new ();
  GByteArray *record = g_byte_array_new ();

  for (guint i = 0; items[i]; i++)
    {
      g_autoptr(GByteArray) item = g_byte_array_new ();
      const char *eq = strchr (items[i], '=');
      g_autofree char *key = g_strndup (items[i], eq - items[i]);

      put_string (item, 1, key);
      put_string (item, 16, eq + 1);
      put_bytes (history, 1, item->data, item->len);
    }
  put_varint (record, 1 << 3);
  put_varint (record, 1);
  put_bytes (record, 2, history->data, history->len);
  return record;
}

typedef struct
{
  GByteArray *file;
  gboolean masked_crc32c;
} LogWriter;

static void
writer_init (LogWriter *w)
{
  static const guint8 header[7] = { ':', 'W', '&', 'B', 0xe1, 0xbe, 0 };

  w->file = g_byte_array_new ();
  w->masked_crc32c = FALSE;
  g_byte_array_append (w->file, header, 7);
}

static void
write_chunk (LogWriter    *w,
             guint8        type,
             const guint8 *data,
             gsize         length)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint32 crc;
  guint8 h[7];

  g_byte_array_append (body, &type, 1);
  g_byte_array_append (body, data, length);
  crc = w->masked_crc32c ? debrief_tfrecord_mask_crc (debrief_crc32c (body->data, body->len))
                         : debrief_crc32_ieee (0, body->data, body->len);
  h[0] = crc & 0xff;
  h[1] = (crc >> 8) & 0xff;
  h[2] = (crc >> 16) & 0xff;
  h[3] = crc >> 24;
  h[4] = length & 0xff;
  h[5] = length >> 8;
  h[6] = type;
  g_byte_array_append (w->file, h, 7);
  g_byte_array_append (w->file, data, length);
}

/* LevelDB's rule: a chunk never crosses a block; under 7 bytes left is padding. */
static void
write_record (LogWriter        *w,
              const GByteArray *record)
{
  gsize done = 0;
  gboolean first = TRUE;

  do
    {
      gsize left = DEBRIEF_WANDB_BLOCK_SIZE - w->file->len % DEBRIEF_WANDB_BLOCK_SIZE;
      gsize n;
      guint8 type;

      if (left < 7)
        {
          static const guint8 zeros[7] = { 0 };
          g_byte_array_append (w->file, zeros, left);
          left = DEBRIEF_WANDB_BLOCK_SIZE;
        }
      n = MIN (record->len - done, left - 7);
      if (first && done + n == record->len)
        type = 1;
      else if (first)
        type = 2;
      else if (done + n == record->len)
        type = 4;
      else
        type = 3;
      write_chunk (w, type, record->data + done, n);
      done += n;
      first = FALSE;
    }
  while (done < record->len);
}

static void
write_history_rows (LogWriter *w,
                    guint      first,
                    guint      n,
                    gsize      padding)
{
  g_autofree char *pad = g_strnfill (padding, 'x');

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *step = g_strdup_printf ("_step=%u", i);
      g_autofree char *loss = g_strdup_printf ("train/loss=%g", 3.0 - i * 0.01);
      g_autofree char *note = g_strdup_printf ("note=\"%s\"", pad);
      const char *items[] = { step, loss, "train/learning_rate=2e-05", note, NULL };
      g_autoptr(GByteArray) record = history_record (items);
      write_record (w, record);
    }
}

static DebriefRun *
parse_log (const GByteArray *file,
           DebriefWandbInfo *info,
           GError          **error)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent");
  DebriefRun *run = debrief_run_new (folder);
  DebriefReadContext ctx;

  debrief_read_context_init (&ctx, run, "run-test.wandb", "run-test.wandb");
  if (!debrief_reader_wandb_parse (&ctx, (const char *) file->data, file->len, info, error))
    g_clear_object (&run);
  else
    debrief_read_context_finish (&ctx);
  return run;
}

static void
test_wandb_framing (void)
{
  LogWriter w;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;
  g_auto(DebriefWandbInfo) info = { 0 };

  writer_init (&w);
  /* Records of 1 KB: several per block, some split FIRST/LAST over blocks. */
  write_history_rows (&w, 0, 200, 1000);
  /* One record of 100 KB: FIRST, MIDDLE, MIDDLE, LAST. */
  write_history_rows (&w, 200, 1, 100 * 1024);
  run = parse_log (w.file, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series_length (run, "train_loss"), ==, 201);
  g_assert_cmpuint (series_length (run, "learning_rate"), ==, 201);
  g_assert_cmpint (debrief_series_get_last_step (debrief_run_get_train_loss (run)), ==, 200);
  g_assert_cmpuint (info.n_history, ==, 201);
  g_assert_cmpuint (g_strv_length ((char **) debrief_run_get_warnings (run)), ==, 0);
  g_byte_array_unref (w.file);

  /* LevelDB's own masked CRC-32C is read too. */
  writer_init (&w);
  w.masked_crc32c = TRUE;
  write_history_rows (&w, 0, 10, 10);
  g_clear_object (&run);
  run = parse_log (w.file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series_length (run, "train_loss"), ==, 10);
  g_byte_array_unref (w.file);
}

static void
test_wandb_corruption (void)
{
  LogWriter w;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;
  gsize block2;

  writer_init (&w);
  write_history_rows (&w, 0, 300, 1000);
  g_assert_cmpuint (w.file->len, >, 3 * DEBRIEF_WANDB_BLOCK_SIZE);
  /* A flipped byte in the second block loses the records whose chunks are in it. */
  block2 = DEBRIEF_WANDB_BLOCK_SIZE + 5000;
  w.file->data[block2] ^= 0x55;
  run = parse_log (w.file, NULL, &error);
  g_assert_no_error (error);
  print_warnings (run);
  g_assert_cmpuint (series_length (run, "train_loss"), <, 300);
  g_assert_cmpuint (series_length (run, "train_loss"), >, 250);
  g_assert_true (has_warning (run, "run-test.wandb: byte "));
  g_assert_true (has_warning (run, "skipped up to the next block"));
  g_clear_object (&run);

  /* Truncated in the middle of a record: what came before is kept, and said. */
  g_byte_array_set_size (w.file, 2 * DEBRIEF_WANDB_BLOCK_SIZE + 100);
  w.file->data[block2] ^= 0x55;
  run = parse_log (w.file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_warning (run, "is the run still writing?"));
  g_assert_cmpuint (series_length (run, "train_loss"), >=, 55);
  g_clear_object (&run);

  /* Zeros where the writer has not written yet (preallocated): silent. */
  g_byte_array_set_size (w.file, 4 * DEBRIEF_WANDB_BLOCK_SIZE);
  memset (w.file->data + 2 * DEBRIEF_WANDB_BLOCK_SIZE, 0, 2 * DEBRIEF_WANDB_BLOCK_SIZE);
  run = parse_log (w.file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_warning (run, "is the run still writing?"));
  g_clear_object (&run);

  /* Not a W&B log at all. */
  memcpy (w.file->data, "SQLite ", 7);
  run = parse_log (w.file, NULL, &error);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "run-test.wandb: expected a W&B transaction log"));
  g_byte_array_unref (w.file);
}

static void
test_wandb_step_keys (void)
{
  LogWriter w;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;
  DebriefSeries *train, *val;

  writer_init (&w);
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *row = g_strdup_printf ("_step=%u", 2 * i - 2);
      g_autofree char *gs = g_strdup_printf ("train/global_step=%u", 10 * i);
      g_autofree char *loss = g_strdup_printf ("train/loss=%g", 2.0 / i);
      g_autofree char *eval_row = g_strdup_printf ("_step=%u", 2 * i - 1);
      const char *items[] = { row, gs, loss, "train/epoch=0.5", "_runtime=12.5", "media={\"_type\": \"image\"}",
                              NULL };
      const char *eval_items[] = { eval_row, gs, "eval/loss=NaN", "eval/runtime=3.2", NULL };
      g_autoptr(GByteArray) r1 = history_record (items);
      g_autoptr(GByteArray) r2 = history_record (eval_items);
      write_record (&w, r1);
      write_record (&w, r2);
    }
  run = parse_log (w.file, NULL, &error);
  g_assert_no_error (error);
  train = debrief_run_get_train_loss (run);
  val = debrief_run_get_val_loss (run);
  g_assert_cmpuint (debrief_series_get_length (train), ==, 5);
  g_assert_cmpint (debrief_series_get_first_step (train), ==, 10);
  g_assert_cmpint (debrief_series_get_last_step (train), ==, 50);
  g_assert_cmpuint (debrief_series_get_length (val), ==, 5);
  g_assert_true (isnan (debrief_series_get_last_value (val)));
  g_assert_null (debrief_run_get_series_by_name (run, "_runtime"));
  g_assert_null (debrief_run_get_series_by_name (run, "eval/runtime"));
  g_assert_null (debrief_run_get_series_by_name (run, "media"));
  g_assert_cmpuint (series_length (run, "epoch"), ==, 5);
  g_byte_array_unref (w.file);
}

/* ---- YAML ---- */

static void
test_yaml_subset (void)
{
  static const char text[] =
    "wandb_version: 1\n"
    "\n"
    "_wandb:\n"
    "  desc: null\n"
    "  value:\n"
    "    python_version: 3.10.12\n"
    "    t:\n"
    "      1:\n"
    "      - 1\n"
    "      - 11\n"
    "    m:\n"
    "    - 1: train/global_step\n"
    "      6:\n"
    "      - 3\n"
    "    - 1: train/loss  # a comment\n"
    "      5: 1\n"
    "learning_rate:\n"
    "  desc: null\n"
    "  value: 5.0e-05\n"
    "target_modules:\n"
    "  value: [q_proj, 'v_proj', \"o_proj\"]\n"
    "peft:\n"
    "  value: {r: 16, lora_alpha: 32}\n"
    "run_name:\n"
    "  value: a long name that PyYAML folds\n"
    "    over two lines\n"
    "note: |\n"
    "  first\n"
    "  second\n"
    "quoted: 'it''s # not a comment'\n"
    "empty:\n"
    "flag: True\n"
    "nan: .nan\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefJsonNode) root = debrief_yaml_parse (text, strlen (text), "config.yaml", &error);
  g_autoptr(DebriefJsonNode) flat = NULL;
  DebriefJsonNode *node, *m;
  double v;

  g_assert_no_error (error);
  g_assert_nonnull (root);
  node = debrief_json_node_get (root, "_wandb");
  node = debrief_json_node_get (node, "value");
  g_assert_cmpstr (debrief_json_node_get_string (node, "python_version"), ==, "3.10.12");
  m = debrief_json_node_get (node, "m");
  g_assert_cmpint (m->type, ==, DEBRIEF_JSON_ARRAY);
  g_assert_cmpuint (m->values->len, ==, 2);
  g_assert_cmpstr (debrief_json_node_get_string (g_ptr_array_index (m->values, 1), "1"), ==, "train/loss");
  node = debrief_json_node_get (g_ptr_array_index (m->values, 0), "6");
  g_assert_cmpint (node->type, ==, DEBRIEF_JSON_ARRAY);
  g_assert_cmpstr (debrief_json_node_get_string (root, "note"), ==, "first\nsecond");
  g_assert_cmpstr (debrief_json_node_get_string (root, "quoted"), ==, "it's # not a comment");
  g_assert_cmpint (debrief_json_node_get (root, "empty")->type, ==, DEBRIEF_JSON_NULL);
  g_assert_cmpint (debrief_json_node_get_bool (root, "flag"), ==, TRUE);
  g_assert_true (debrief_json_node_get_double (root, "nan", &v) && isnan (v));

  flat = debrief_reader_wandb_unwrap_config (root);
  g_assert_null (debrief_json_node_get (flat, "_wandb"));
  g_assert_true (debrief_json_node_get_double (flat, "learning_rate", &v));
  g_assert_cmpfloat (v, ==, 5e-5);
  node = debrief_json_node_get (flat, "target_modules");
  g_assert_cmpuint (node->values->len, ==, 3);
  g_assert_cmpstr (((DebriefJsonNode *) g_ptr_array_index (node->values, 2))->string, ==, "o_proj");
  g_assert_true (debrief_json_node_get_double (debrief_json_node_get (flat, "peft"), "r", &v) && v == 16);
  g_assert_cmpstr (debrief_json_node_get_string (flat, "run_name"), ==, "a long name that PyYAML folds over two lines");
}

static void
test_yaml_errors (void)
{
  static const char *const bad[] = {
    "a: 1\n  b: 2\n",          /* indented more than the line before */
    "- 1\n- 2\n",              /* a list, not a mapping */
    "a: [1, 2\n",              /* flow not closed */
    "a: 'x\n",                 /* quote not closed */
    "just text\n",
    "a: 1\nb\n",
    NULL
  };

  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DebriefJsonNode) root = debrief_yaml_parse (bad[i], strlen (bad[i]), "meta.yaml", &error);
      g_assert_null (root);
      g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
      g_assert_true (g_str_has_prefix (error->message, "meta.yaml:"));
    }
}

/* ---- crash lines ---- */

static void
test_crash_line (void)
{
  static const char crashed[] =
    "{'loss': 1.2, 'epoch': 0.1}\n"
    "Traceback (most recent call last):\n"
    "  File \"train.py\", line 99, in <module>\n"
    "    trainer.train()\n"
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 452.00 MiB.\n"
    "wandb: Synced 5 W&B file(s)\n";
  static const char torchrun[] =
    "[rank0]: Traceback (most recent call last):\n"
    "[rank0]:   File \"/x/train.py\", line 3, in <module>\n"
    "[rank0]: RuntimeError: NCCL error\n";
  static const char fine[] = "step 1 | loss 2.0\nstep 2 | loss 1.9\n";
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gsize at = 0;

  a = debrief_find_crash_line (crashed, strlen (crashed), &at);
  g_assert_cmpstr (a, ==, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 452.00 MiB.");
  g_assert_cmpuint (debrief_count_lines (crashed, at), ==, 5);
  b = debrief_find_crash_line (torchrun, strlen (torchrun), NULL);
  g_assert_cmpstr (b, ==, "RuntimeError: NCCL error");
  c = debrief_find_crash_line (fine, strlen (fine), NULL);
  g_assert_null (c);
}

/* The CRCs of W&B logs (CRC-32) and event files (CRC-32C), eight bytes a step:
 * the check values of both, and every length and offset against a byte loop. */
static guint32
crc_bytewise (guint32       polynomial,
              const guint8 *data,
              gsize         length)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? (crc >> 1) ^ polynomial : crc >> 1;
    }
  return crc ^ 0xffffffffu;
}

static void
test_crc (void)
{
  guint8 buf[100];

  g_assert_cmphex (debrief_crc32_ieee (0, (const guint8 *) "123456789", 9), ==, 0xcbf43926);
  g_assert_cmphex (debrief_crc32c ((const guint8 *) "123456789", 9), ==, 0xe3069283);
  for (guint i = 0; i < sizeof buf; i++)
    buf[i] = (guint8) (i * 37 + 11);
  for (gsize from = 0; from < 9; from++)
    for (gsize n = 0; from + n <= sizeof buf; n++)
      {
        g_assert_cmphex (debrief_crc32_ieee (0, buf + from, n), ==, crc_bytewise (0xedb88320u, buf + from, n));
        g_assert_cmphex (debrief_crc32c (buf + from, n), ==, crc_bytewise (0x82f63b78u, buf + from, n));
      }
  /* Chained: the CRC of a whole is that of its parts in turn. */
  g_assert_cmphex (debrief_crc32_ieee (debrief_crc32_ieee (0, buf, 13), buf + 13, 50), ==,
                   debrief_crc32_ieee (0, buf, 63));
}

/* ---- real W&B folders (tests/data/public) ---- */

static void
test_wandb_public_folders (void)
{
  g_autofree char *uasft = debrief_test_data_path ("public", "wandb-uasft-qwen-sft-offline-runs-oom", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (uasft);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = debrief_discover_runs (folder, NULL, &error);

  g_assert_no_error (error);
  /* A wandb/ folder with many runs opens as many runs. */
  g_assert_cmpuint (runs->len, ==, 3);
  for (guint i = 0; i < runs->len; i++)
    {
      g_autofree char *path = g_file_get_path (g_ptr_array_index (runs, i));
      g_autoptr(DebriefRun) run = load_path (path);

      g_assert_cmpstr (debrief_run_get_format (run), ==, "wandb");
      print_warnings (run);
      if (g_str_has_suffix (path, "sv7hxi9x"))
        {
          g_assert_cmpuint (series_length (run, "train_loss"), ==, 19);
          g_assert_true (g_str_has_prefix (debrief_run_get_crash (run), "torch.OutOfMemoryError: CUDA out of memory."));
          /* The model's dimensions come from the ConfigRecords in the log (no config.yaml). */
          g_assert_cmpint (debrief_run_get_config (run)->dims.hidden_size, ==, 4096);
        }
      else if (g_str_has_suffix (path, "v9z6xp4p"))
        {
          g_assert_cmpuint (series_length (run, "train_loss"), ==, 354);
          g_assert_null (debrief_run_get_crash (run));
          g_assert_true (has_warning (run, "is the run still writing?"));
        }
    }
}

/* ---- text logs ---- */

static DebriefRun *
parse_text (const char               *text,
            const DebriefTextPattern *pattern,
            GError                  **error)
{
  g_autoptr(GFile) folder = g_file_new_for_path ("/nonexistent");
  DebriefRun *run = debrief_run_new (folder);
  DebriefReadContext ctx;

  debrief_read_context_init (&ctx, run, "train.log", "train.log");
  if (!debrief_reader_text_parse (&ctx, text, strlen (text), pattern, error))
    g_clear_object (&run);
  else
    debrief_read_context_finish (&ctx);
  return run;
}

static void
test_text_shapes (void)
{
  static const struct
  {
    const char *text;
    const char *series;
    gsize points;
    gint64 last_step;
  } cases[] = {
    /* torchtune log_*.txt */
    { "Step 1 | loss:1.5400923490524292 lr:9.9e-05 tokens_per_second_per_gpu:101.2 peak_memory_alloc:4.5\n"
      "Step 2 | loss:1.3 lr:9.8e-05 tokens_per_second_per_gpu:99.0 peak_memory_alloc:4.5\n",
      "train_loss", 2, 2 },
    { "Step 1 | loss:1.5 lr:9.9e-05 tokens_per_second_per_gpu:101.2\nStep 2 | loss:1.3 lr:9.8e-05 tokens_per_second_per_gpu:99.0\n",
      "tokens_per_second_per_gpu", 2, 2 },
    /* build-nanogpt stdout and log.txt */
    { "step     0 | loss: 10.955010 | lr 6.0000e-04 | norm: 15.3420 | dt: 19152.47ms | tok/sec: 27374.43\n"
      "step     1 | loss: 10.014891 | lr 6.0000e-04 | norm: 3.8393 | dt: 394.95ms | tok/sec: 1327465.30\n",
      "grad_norm", 2, 1 },
    { "step     0 | loss: 10.955010 | lr 6.0000e-04 | norm: 15.3420 | dt: 19152.47ms | tok/sec: 27374.43\n",
      "tok/sec", 1, 0 },
    { "0 val 10.9522\n0 hella 0.2487\n0 train 10.955010\n1 train 10.014891\n250 val 6.1\n", "val_loss", 2, 250 },
    { "0 val 10.9522\n0 hella 0.2487\n0 train 10.955010\n1 train 10.014891\n", "hella", 1, 0 },
    /* nanoGPT train.py: the evaluation's train estimate is not the curve */
    { "step 0: train loss 4.2367, val loss 4.2475\niter 0: loss 4.2709, time 10268.08ms, mfu -100.00%\n"
      "iter 5: loss 4.2082, time 1431.27ms, mfu 0.01%\niter 10: loss nan, time 1434.03ms, mfu 0.01%\n"
      "step 10: train loss 3.9, val loss 3.95\n",
      "train_loss", 3, 10 },
    { "step 0: train loss 4.2367, val loss 4.2475\niter 0: loss 4.2709, time 10268.08ms, mfu -100.00%\n"
      "step 10: train loss 3.9, val loss 3.95\n",
      "train_loss_estimate", 2, 10 },
    /* llm.c main.log */
    { "s:0 tel:10.9841\ns:0 trl:10.9953 lr:0.000006 norm:15.03\ns:1 trl:10.6 lr:0.000012 norm:12.1\n", "train_loss", 2, 1 },
    { "s:0 tel:10.9841\ns:0 trl:10.9953 lr:0.000006 norm:15.03\ns:1 trl:10.6 lr:0.000012 norm:12.1\n", "val_loss", 1, 0 },
    /* llm.c stdout */
    { "step    1/74 | train loss 11.010 | norm 15.3 | lr 1.00e-04 | (1234.56 ms | 123456 tok/s)\n"
      "step    2/74 | train loss 10.9 | norm 14.3 | lr 1.00e-04 | (1234.56 ms | 123456 tok/s)\n",
      "train_loss", 2, 2 },
    /* logging prefixes, an epoch before the step, steps that restart each epoch */
    { "2024-01-01 12:00:00,123 - INFO - step 5 | loss 2.3\n[rank0]: step 6 | loss 2.2\n", "train_loss", 2, 6 },
    { "INFO:__main__:Epoch 0 | Step   10/100 | Loss: 8.2 | PPL: 4455.51\n"
      "INFO:__main__:Epoch 1 | Step    0/100 | Loss: 0.5 | PPL: 1.71\n",
      "train_loss", 2, 100 },
    { "Batch 1/100 | Step 1 | Loss: 3.4182 | Throughput: 49,210 tokens/sec\n", "train_loss", 1, 1 },
    /* HF Trainer console: tqdm's count is the step; eval dicts at the step of the last train dict */
    { "  0%|          | 9/4854 [00:14<2:13:35,  1.65s/it]  0%|          | 10/4854 [00:16<2:14:42,  1.67s/it]"
      "                                                   {'loss': 1.5618, 'grad_norm': 1.2043813467025757, "
      "'learning_rate': 9.981458590852905e-05, 'epoch': 0.01}\r"
      "  0%|          | 10/4854 [00:16<2:14:42,  1.67s/it]\r  0%|          | 20/4854 [00:32<2:12:31,  1.64s/it]"
      "{'loss': 1.2588, 'grad_norm': 0.26, 'learning_rate': 9.96e-05, 'epoch': 0.01}\n"
      "{'eval_loss': 1.31, 'eval_runtime': 3.2, 'eval_samples_per_second': 9.4, 'epoch': 0.01}\n"
      "Updated tokens: {'bos_token_id': None, 'pad_token_id': 151643}.\n"
      "{'train_runtime': 30096.3585, 'train_samples_per_second': 0.665, 'train_loss': 0.86, 'epoch': 1.0}\n",
      "train_loss", 2, 20 },
    /* A step line with a bar after it, and a bar whose postfix holds the step:
     * records, not bare bars passed over. */
    { "Step 1: loss 2.5 |  50%|#####     | 1/2 [00:01<00:01,  1.00it/s]\r"
      "Step 2: loss 2.4 | 100%|##########| 2/2 [00:02<00:00,  1.00it/s]\n",
      "train_loss", 2, 2 },
    { " 50%|#####     | 1/2 [00:01<00:01,  1.00it/s, step=1, loss=2.5]\r"
      "100%|##########| 2/2 [00:02<00:00,  1.00it/s, step=2, loss=2.4]\n",
      "train_loss", 2, 2 },
    { "{'loss': 1.5618, 'learning_rate': 2e-05, 'epoch': 0.01}\n{'loss': 1.2588, 'epoch': 0.02}\n"
      "{'eval_loss': tensor(1.31, device='cuda:0'), 'epoch': 0.02}\n",
      "val_loss", 1, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DebriefRun) run = parse_text (cases[i].text, NULL, &error);
      DebriefSeries *s;

      g_test_message ("case %u: %s", i, cases[i].series);
      g_assert_no_error (error);
      s = debrief_run_get_series_by_name (run, cases[i].series);
      g_assert_nonnull (s);
      g_assert_cmpuint (debrief_series_get_length (s), ==, cases[i].points);
      g_assert_cmpint (debrief_series_get_last_step (s), ==, cases[i].last_step);
      g_assert_null (debrief_run_get_series_by_name (run, "pad_token_id"));
      g_assert_null (debrief_run_get_series_by_name (run, "eval_runtime"));
    }

  /* Prose between the step lines is not a record: a sample the model wrote
   * (build-nanogpt prints them: "Step 2: Create Text (1, 2, 2,..." holds a
   * tuple) and the messages of a resumed run (words before the step). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DebriefRun) run = parse_text ("step     0 | loss: 10.955010 | lr 6.0000e-04 | norm: 15.3420\n"
                                            "rank 0 sample 1: Hello, I'm a language model,\n"
                                            "Step 2: Create Text (1, 2, 2,...\n"
                                            "Loaded checkpoint from log/model_19072.pt, epoch 1, step 19072, "
                                            "val_loss 3.071725368499756\n"
                                            "starting epoch 1 from step 19072 until 38146\n"
                                            "step     1 | loss: 10.014891 | lr 6.0000e-04 | norm: 3.8393\n",
                                            NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (series_length (run, "train_loss"), ==, 2);
    g_assert_null (debrief_run_get_series_by_name (run, "create_text"));
    g_assert_null (debrief_run_get_val_loss (run));
    g_assert_null (debrief_run_get_series_by_name (run, "until"));
  }
}

static void
test_text_detect (void)
{
  static const char *const logs[] = {
    "Step 1 | loss:1.5 lr:9.9e-05\n",
    "{'loss': 0.51, 'grad_norm': 1.2, 'learning_rate': 2e-05, 'epoch': 0.1}\n",
    "0 train 10.955010\n",
    NULL
  };
  static const char *const not_logs[] = {
    "numpy==1.26\ntorch>=2.1\n",
    "The model has 124 M parameters and was trained for 3 epochs.\nIt reached a loss of 2.1.\n",
    "Updated tokens: {'bos_token_id': None, 'pad_token_id': 151643}.\n",
    "2024-01-01 12:00:00 server started on port 8080\n",
    NULL
  };

  for (guint i = 0; logs[i]; i++)
    g_assert_true (debrief_reader_text_detect (logs[i], strlen (logs[i]), NULL));
  for (guint i = 0; not_logs[i]; i++)
    g_assert_false (debrief_reader_text_detect (not_logs[i], strlen (not_logs[i]), NULL));
}

static void
test_text_pattern (void)
{
  static const struct { const char *pattern; const char *message; } bad[] = {
    { "", "empty" },
    { "(?<step>[0-9]+", "not a valid regular expression" },
    { "loss=(?<loss>[0-9.]+)", "no group named “step”" },
    { "it (?<step>[0-9]+)", "names no metric" },
  };
  static const char text[] = "iteration #10 -> objective=2.5 / acc=0.4\niteration #20 -> objective=2.25 / acc=0.45\n"
                             "iteration #30 -> objective=oops / acc=0.5\n";
  g_autoptr(DebriefTextPattern) pattern = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_assert_false (debrief_load_check_text_pattern (bad[i].pattern, &e));
      g_assert_error (e, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (e->message, bad[i].message));
    }
  /* Without the pattern nothing in this log is a record. */
  run = parse_text (text, NULL, &error);
  g_assert_null (run);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA);
  g_clear_error (&error);

  pattern = debrief_text_pattern_new ("#(?<step>\\d+) -> objective=(?P<loss>\\S+) / acc=(?'accuracy'[0-9.]+)", &error);
  g_assert_no_error (error);
  run = parse_text (text, pattern, &error);
  g_assert_no_error (error);
  /* "objective=oops": the step and the accuracy are kept, the loss is not a number. */
  g_assert_cmpuint (series_length (run, "train_loss"), ==, 2);
  g_assert_cmpuint (series_length (run, "accuracy"), ==, 3);
}

static void
test_text_crash_and_cut (void)
{
  static const char text[] =
    "step 1 | loss 2.5\n"
    "step 2 | loss 2.4\n"
    "{'loss': 2.3, 'grad_norm': 1.2, 'learning_r\n"
    "Traceback (most recent call last):\n"
    "  File \"train.py\", line 10, in <module>\n"
    "RuntimeError: CUDA error: an illegal memory access was encountered\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = parse_text (text, NULL, &error);

  g_assert_no_error (error);
  print_warnings (run);
  g_assert_cmpuint (series_length (run, "train_loss"), ==, 2);
  g_assert_cmpstr (debrief_run_get_crash (run), ==, "RuntimeError: CUDA error: an illegal memory access was encountered");
  g_assert_true (has_warning (run, "train.log:6: the run crashed: RuntimeError"));
  g_assert_true (has_warning (run, "train.log:3: a line that starts like a log record is not one"));
}

static void
test_text_public_folders (void)
{
  static const struct { const char *folder; gsize train; gsize val; } cases[] = {
    { "pretrain-nanogpt-gpt2-124m-no-warmup-text-log", 19073, 78 },
    { "text-gpt2-lora-alpaca-epoch-local-steps", 1302, 0 },
    { "text-clinical-chatbot-hf-printed-dict", 1, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = debrief_test_data_path ("public", cases[i].folder, NULL);
      g_autoptr(DebriefRun) run = load_path (path);

      g_assert_cmpstr (debrief_run_get_format (run), ==, "text");
      g_assert_cmpuint (series_length (run, "train_loss"), ==, cases[i].train);
      g_assert_cmpuint (series_length (run, "val_loss"), ==, cases[i].val);
    }
}

/* ---- MLflow ---- */

static void
test_mlflow_file_stores (void)
{
  static const struct { const char *folder; guint runs; const char *group; } cases[] = {
    { "mlflow-self-training-llm-file-store", 3, "llm-self-training" },
    { "mlflow-deep-cnn-classifier-file-store", 1, "Default" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) folder = debrief_test_data_file ("public", cases[i].folder, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) runs = debrief_discover_runs (folder, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (runs->len, ==, cases[i].runs);
      for (guint j = 0; j < runs->len; j++)
        {
          g_autoptr(DebriefRun) run = debrief_run_load (g_ptr_array_index (runs, j), NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (debrief_run_get_format (run), ==, "mlflow");
          g_assert_cmpstr (debrief_run_get_group (run), ==, cases[i].group);
          g_assert_cmpuint (debrief_run_get_n_points (run), >, 0);
        }
    }
}

static char *
make_database (const char *dir,
               guint       n_points)
{
  g_autofree char *schema_path = debrief_test_data_path ("mlflow", "tracking-schema.sql", NULL);
  g_autofree char *schema = NULL;
  char *path = g_build_filename (dir, "mlflow.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_true (g_file_get_contents (schema_path, &schema, NULL, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema, NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
      "INSERT INTO experiments VALUES (0, 'Default', 'mlruns/0', 'active', 0, 0);"
      "INSERT INTO experiments VALUES (1, 'lora-sweep', 'mlruns/1', 'active', 0, 0);"
      "INSERT INTO runs VALUES ('aaaa1111', 'r8-lr2e-4', 'LOCAL', 'train.py', '', 'me', 'FINISHED', 1, 2, '', 'active', '', 1, NULL);"
      "INSERT INTO runs VALUES ('bbbb2222', 'r16-lr2e-4', 'LOCAL', 'train.py', '', 'me', 'FAILED', 3, 4, '', 'active', '', 1, NULL);"
      "INSERT INTO runs VALUES ('cccc3333', 'gone', 'LOCAL', 'train.py', '', 'me', 'FINISHED', 5, 6, '', 'deleted', '', 1, NULL);"
      "INSERT INTO runs VALUES ('dddd4444', 'parent', 'LOCAL', 'train.py', '', 'me', 'FINISHED', 7, 8, '', 'active', '', 1, NULL);"
      "INSERT INTO params VALUES ('n_children', '2', 'dddd4444');"
      "INSERT INTO metrics VALUES ('loss', 1.0, 700, 'cccc3333', 1, 0);"
      "INSERT INTO params VALUES ('lora_r', '16', 'bbbb2222');"
      "INSERT INTO params VALUES ('learning_rate', '0.0002', 'bbbb2222');"
      "INSERT INTO params VALUES ('model_name_or_path', 'meta-llama/Llama-3.2-1B', 'bbbb2222');"
      "INSERT INTO tags VALUES ('mlflow.runName', 'r16 (tag)', 'bbbb2222');"
      "INSERT INTO metrics VALUES ('eval_loss', 0, 500, 'bbbb2222', 10, 1);"
      "INSERT INTO metrics VALUES ('eval_loss', 2.0, 600, 'bbbb2222', 20, 0);"
      "INSERT INTO metrics VALUES ('loss', 3.0, 100, 'bbbb2222', 1, 0);"
      "INSERT INTO metrics VALUES ('loss', 2.9, 101, 'bbbb2222', 1, 0);",
      NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_points; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO metrics VALUES ('train_loss', %g, %u, 'aaaa1111', %u, 0);",
                                              3.0 - i * 1e-4, 1000 + i, i);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return path;
}

static void
test_mlflow_sqlite (void)
{
  g_autofree char *dir = g_dir_make_tmp ("debrief-mlflow-XXXXXX", NULL);
  g_autofree char *db = make_database (dir, 1000);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = debrief_discover_runs (folder, NULL, &error);
  g_autoptr(DebriefRun) a = NULL;
  g_autoptr(DebriefRun) b = NULL;
  g_autofree char *path_a = NULL;

  g_assert_no_error (error);
  /* The deleted run and the run that logged no metric are not listed; each run
   * is addressed as <database>/<run_uuid>. */
  g_assert_cmpuint (runs->len, ==, 2);
  path_a = g_file_get_path (g_ptr_array_index (runs, 0));
  g_assert_true (g_str_has_suffix (path_a, "mlflow.db/aaaa1111"));
  a = debrief_run_load (g_ptr_array_index (runs, 0), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (debrief_run_get_format (a), ==, "mlflow");
  g_assert_cmpstr (debrief_run_get_name (a), ==, "r8-lr2e-4");
  g_assert_cmpstr (debrief_run_get_group (a), ==, "lora-sweep");
  g_assert_cmpuint (series_length (a, "train_loss"), ==, 1000);
  b = debrief_run_load (g_ptr_array_index (runs, 1), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (debrief_run_get_name (b), ==, "r16 (tag)");
  g_assert_cmpuint (series_length (b, "val_loss"), ==, 2);
  g_assert_true (isnan (debrief_series_get_value (debrief_run_get_val_loss (b), 0)));
  g_assert_cmpuint (series_length (b, "train_loss"), ==, 1);   /* step 1 twice: the last is kept */
  g_assert_cmpfloat (debrief_series_get_value (debrief_run_get_train_loss (b), 0), ==, 2.9);
  g_assert_cmpint (debrief_run_get_config (b)->lora_rank, ==, 16);
  g_assert_cmpfloat (debrief_run_get_config (b)->learning_rate, ==, 2e-4);
  g_assert_cmpstr (debrief_run_get_crash (b), ==, "MLflow run status FAILED");

  /* The database itself opens as its runs too. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (db);
    g_autoptr(GPtrArray) again = debrief_discover_runs (file, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->len, ==, 2);
  }
  /* And one run of it by the path Debrief gives it. */
  {
    g_autoptr(GPtrArray) one = debrief_discover_runs (g_ptr_array_index (runs, 1), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (one->len, ==, 1);
    g_assert_true (g_file_equal (g_ptr_array_index (one, 0), g_ptr_array_index (runs, 1)));
  }
  debrief_test_remove_tree (dir);
}

/* A writer keeps writing while Debrief reads: it must never be locked out
 * (its own busy timeout is short), and every read sees a consistent run. */
static void
test_mlflow_sqlite_concurrent_writer (void)
{
  static const char writer[] =
    "import sqlite3, sys, time\n"
    "db = sqlite3.connect(sys.argv[1], timeout=0.5)\n"
    "start = time.monotonic(); i = 0\n"
    "while time.monotonic() - start < 3.0:\n"
    "    db.execute(\"INSERT INTO metrics VALUES ('train_loss', 1.0, ?, 'aaaa1111', ?, 0)\", (100000 + i, 100000 + i))\n"
    "    db.commit(); i += 1\n"
    "print(i)\n";
  g_autofree char *dir = g_dir_make_tmp ("debrief-mlflow-XXXXXX", NULL);
  g_autofree char *db = make_database (dir, 20000);
  g_autofree char *run_path = g_build_filename (db, "aaaa1111", NULL);
  g_autoptr(GFile) run_file = g_file_new_for_path (run_path);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize last = 0;
  guint reads = 0;
  gint64 until;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           "python3", "-c", writer, db, NULL);
  if (proc == NULL)
    {
      g_test_skip ("python3 is not available to write the database");
      return;
    }
  until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_autoptr(DebriefRun) run = debrief_run_load (run_file, NULL, &error);
      gsize n;

      g_assert_no_error (error);
      n = series_length (run, "train_loss");
      g_assert_cmpuint (n, >=, last);
      last = n;
      reads++;
    }
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("%u reads while the writer committed %s rows; %s", reads, g_strstrip (out), err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_cmpuint (reads, >=, 2);
  g_assert_cmpint (atoi (out), >, 0);
  debrief_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trackers/crc", test_crc);
  g_test_add_func ("/trackers/wandb/framing", test_wandb_framing);
  g_test_add_func ("/trackers/wandb/corruption", test_wandb_corruption);
  g_test_add_func ("/trackers/wandb/step-keys", test_wandb_step_keys);
  g_test_add_func ("/trackers/wandb/public-folders", test_wandb_public_folders);
  g_test_add_func ("/trackers/yaml/subset", test_yaml_subset);
  g_test_add_func ("/trackers/yaml/errors", test_yaml_errors);
  g_test_add_func ("/trackers/crash-line", test_crash_line);
  g_test_add_func ("/trackers/mlflow/file-stores", test_mlflow_file_stores);
  g_test_add_func ("/trackers/mlflow/sqlite", test_mlflow_sqlite);
  g_test_add_func ("/trackers/mlflow/sqlite-concurrent-writer", test_mlflow_sqlite_concurrent_writer);
  g_test_add_func ("/trackers/text/shapes", test_text_shapes);
  g_test_add_func ("/trackers/text/detect", test_text_detect);
  g_test_add_func ("/trackers/text/pattern", test_text_pattern);
  g_test_add_func ("/trackers/text/crash-and-cut", test_text_crash_and_cut);
  g_test_add_func ("/trackers/text/public-folders", test_text_public_folders);

  return g_test_run ();
}
