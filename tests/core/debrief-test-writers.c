/* debrief-test-writers.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "debrief-test-writers.h"

struct _DebriefTestWriter
{
  char *path;
  guint n;
  guint rate;
  gint done;
  GThread *thread;
};

double
debrief_test_expected_loss (guint step)
{
  return 3.0 / (1.0 + 0.01 * step) + 0.001 * (step % 7);
}

char *
debrief_test_tinker_line (guint step)
{
  /* %.17g: the double read back is the one written. */
  return g_strdup_printf ("{\"step\": %u, \"train_mean_nll\": %.17g, \"learning_rate\": %.17g, "
                          "\"num_tokens\": %u, \"progress/done_frac\": %.6f}\n",
                          step, debrief_test_expected_loss (step), 1e-4 * (1.0 - step / 1e5), 4096 + step % 13,
                          (step + 1) / 100000.0);
}

char *
debrief_test_trainer_state (guint n_entries,
                            guint max_steps)
{
  GString *s = g_string_new ("{\n  \"best_metric\": null,\n  \"epoch\": 0.5,\n");

  g_string_append_printf (s, "  \"global_step\": %u,\n  \"log_history\": [\n", n_entries * 10);
  for (guint i = 0; i < n_entries; i++)
    g_string_append_printf (s, "    {\n      \"epoch\": %.4f,\n      \"learning_rate\": 0.0001,\n"
                               "      \"loss\": %.17g,\n      \"step\": %u\n    }%s\n",
                            (i + 1) * 10.0 / max_steps, debrief_test_expected_loss (i), (i + 1) * 10,
                            i + 1 < n_entries ? "," : "");
  g_string_append_printf (s, "  ],\n  \"logging_steps\": 10,\n  \"max_steps\": %u,\n"
                             "  \"num_train_epochs\": 1,\n  \"train_batch_size\": 8\n}\n", max_steps);
  return g_string_free (s, FALSE);
}

void
debrief_test_write_all (int         fd,
                        const char *data,
                        gsize       length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      data += n;
      length -= n;
    }
}

void
debrief_test_write_tinker_lines (const char *path,
                                 guint       first,
                                 guint       n,
                                 gboolean    truncate)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0644);

  g_assert_cmpint (fd, >=, 0);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *line = debrief_test_tinker_line (i);
      debrief_test_write_all (fd, line, strlen (line));
    }
  close (fd);
}

static gpointer
append_thread (gpointer user_data)
{
  DebriefTestWriter *w = user_data;
  int fd = g_open (w->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);

  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < w->n; i++)
    {
      g_autofree char *line = debrief_test_tinker_line (i);
      gsize length = strlen (line);
      gsize cut = g_rand_int_range (rand, 1, (gint32) length);
      gint64 due = start + (gint64) (i + 1) * G_USEC_PER_SEC / w->rate;

      /* Half a line is on disk for a while: a reader must wait for the rest. */
      debrief_test_write_all (fd, line, cut);
      g_usleep (200);
      debrief_test_write_all (fd, line + cut, length - cut);
      if (g_get_monotonic_time () < due)
        g_usleep (due - g_get_monotonic_time ());
    }
  close (fd);
  g_atomic_int_set (&w->done, 1);
  return NULL;
}

static gpointer
rewrite_thread (gpointer user_data)
{
  DebriefTestWriter *w = user_data;
  guint max_steps = (w->n * w->rate + 100) * 10;

  for (guint v = 1; v <= w->n; v++)
    {
      g_autofree char *text = debrief_test_trainer_state (v * w->rate, max_steps);
      gsize length = strlen (text);
      /* As json.dump into open(path, "w"): truncated, then written in pieces. */
      int fd = g_open (w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      gsize third = length / 3;

      g_assert_cmpint (fd, >=, 0);
      debrief_test_write_all (fd, text, third);
      g_usleep (3000);
      debrief_test_write_all (fd, text + third, third);
      g_usleep (3000);
      debrief_test_write_all (fd, text + 2 * third, length - 2 * third);
      close (fd);
      g_usleep (44000);
    }
  g_atomic_int_set (&w->done, 1);
  return NULL;
}

/* CRC-32C written out bit by bit: not the reader's table, so a mistake in one is caught. */
static guint32
crc32c (const guint8 *data,
        gsize         length)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
    }
  return crc ^ 0xffffffffu;
}

static guint32
masked_crc (const guint8 *data,
            gsize         length)
{
  guint32 crc = crc32c (data, length);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

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
put_le32 (GByteArray *out,
          guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (out, b, 4);
}

/* One TFRecord: an Event {wall_time, step, summary {value {tag, simple_value}}}. */
static GByteArray *
event_record (guint step)
{
  g_autoptr(GByteArray) value = g_byte_array_new ();
  g_autoptr(GByteArray) summary = g_byte_array_new ();
  g_autoptr(GByteArray) event = g_byte_array_new ();
  GByteArray *record = g_byte_array_new ();
  static const char tag[] = "train/loss";
  float scalar = (float) debrief_test_expected_loss (step);
  double wall = 1.7e9 + step;
  guint64 length;
  guint8 length_le[8];

  put_varint (value, (1 << 3) | 2);
  put_varint (value, sizeof tag - 1);
  g_byte_array_append (value, (const guint8 *) tag, sizeof tag - 1);
  put_varint (value, (2 << 3) | 5);
  g_byte_array_append (value, (const guint8 *) &scalar, 4);
  put_varint (summary, (1 << 3) | 2);
  put_varint (summary, value->len);
  g_byte_array_append (summary, value->data, value->len);
  put_varint (event, (1 << 3) | 1);
  g_byte_array_append (event, (const guint8 *) &wall, 8);
  put_varint (event, (2 << 3) | 0);
  put_varint (event, step);
  put_varint (event, (5 << 3) | 2);
  put_varint (event, summary->len);
  g_byte_array_append (event, summary->data, summary->len);

  length = event->len;
  for (int i = 0; i < 8; i++)
    length_le[i] = (length >> (8 * i)) & 0xff;
  g_byte_array_append (record, length_le, 8);
  put_le32 (record, masked_crc (length_le, 8));
  g_byte_array_append (record, event->data, event->len);
  put_le32 (record, masked_crc (event->data, event->len));
  return record;
}

static gpointer
events_thread (gpointer user_data)
{
  DebriefTestWriter *w = user_data;
  int fd = g_open (w->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < w->n; i++)
    {
      g_autoptr(GByteArray) record = event_record (i);
      gsize cut = 1 + i % (record->len - 1);
      gint64 due = start + (gint64) (i + 1) * G_USEC_PER_SEC / w->rate;

      /* Half a record on disk for a while, its length or its checksum cut. */
      debrief_test_write_all (fd, (const char *) record->data, cut);
      g_usleep (200);
      debrief_test_write_all (fd, (const char *) record->data + cut, record->len - cut);
      if (g_get_monotonic_time () < due)
        g_usleep (due - g_get_monotonic_time ());
    }
  close (fd);
  g_atomic_int_set (&w->done, 1);
  return NULL;
}

static DebriefTestWriter *
writer_new (const char  *path,
            guint        n,
            guint        rate,
            GThreadFunc  func)
{
  DebriefTestWriter *w = g_new0 (DebriefTestWriter, 1);

  w->path = g_strdup (path);
  w->n = n;
  w->rate = rate;
  w->thread = g_thread_new ("writer", func, w);
  return w;
}

DebriefTestWriter *
debrief_test_append_tinker (const char *path,
                            guint       n_lines,
                            guint       per_second)
{
  return writer_new (path, n_lines, per_second, append_thread);
}

DebriefTestWriter *
debrief_test_rewrite_trainer_state (const char *path,
                                    guint       n_versions,
                                    guint       entries_per_version)
{
  return writer_new (path, n_versions, entries_per_version, rewrite_thread);
}

DebriefTestWriter *
debrief_test_append_events (const char *path,
                            guint       n_events,
                            guint       per_second)
{
  return writer_new (path, n_events, per_second, events_thread);
}

gboolean
debrief_test_writer_done (DebriefTestWriter *writer)
{
  return g_atomic_int_get (&writer->done);
}

void
debrief_test_writer_join (DebriefTestWriter *writer)
{
  g_thread_join (writer->thread);
  g_free (writer->path);
  g_free (writer);
}

void
debrief_test_check_tinker_prefix (DebriefRun *run)
{
  DebriefSeries *train = debrief_run_get_train_loss (run);
  gsize n = train ? debrief_series_get_length (train) : 0;

  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (debrief_series_get_step (train, i), ==, (gint64) i);
      g_assert_cmpfloat (debrief_series_get_value (train, i), ==, debrief_test_expected_loss ((guint) i));
    }
}

void
debrief_test_check_events_prefix (DebriefRun *run)
{
  DebriefSeries *train = debrief_run_get_train_loss (run);
  gsize n = train ? debrief_series_get_length (train) : 0;

  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (debrief_series_get_step (train, i), ==, (gint64) i);
      g_assert_cmpfloat (debrief_series_get_value (train, i), ==, (double) (float) debrief_test_expected_loss ((guint) i));
    }
}

void
debrief_test_check_state_prefix (DebriefRun *run,
                                 guint       entries_per_version)
{
  DebriefSeries *train = debrief_run_get_train_loss (run);
  gsize n = train ? debrief_series_get_length (train) : 0;

  g_assert_cmpuint (n % entries_per_version, ==, 0);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (debrief_series_get_step (train, i), ==, (gint64) (i + 1) * 10);
      g_assert_cmpfloat (debrief_series_get_value (train, i), ==, debrief_test_expected_loss ((guint) i));
    }
  for (const char *const *w = debrief_run_get_warnings (run); *w; w++)
    g_assert_null (strstr (*w, "ends early"));
}

void
debrief_test_watch_updated (DebriefRunFollower *follower,
                            DebriefRun         *run,
                            gpointer            user_data)
{
  DebriefTestWatch *watch = user_data;
  DebriefSeries *train = debrief_run_get_train_loss (run);
  gsize n = train ? debrief_series_get_length (train) : 0;

  g_assert_true (run == debrief_run_follower_get_run (follower));
  /* Whole records only, each once, never fewer than the reading before. */
  if (watch->tinker)
    debrief_test_check_tinker_prefix (run);
  if (watch->state_entries > 0)
    debrief_test_check_state_prefix (run, watch->state_entries);
  if (watch->events)
    debrief_test_check_events_prefix (run);
  g_assert_cmpuint (n, >=, watch->points);
  watch->points = n;
  watch->n_updates++;
}
