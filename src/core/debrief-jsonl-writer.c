/* debrief-jsonl-writer.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-jsonl-writer.h"
#include "debrief-samples.h"

struct _DebriefJsonlWriter
{
  GObject parent_instance;

  char *path;
  GQueue lines;               /* Line*, oldest first */
  gboolean writing;
};

typedef struct
{
  char *text;
  DebriefJsonlWrittenFunc written;
  gpointer user_data;
} Line;

G_DEFINE_FINAL_TYPE (DebriefJsonlWriter, debrief_jsonl_writer, G_TYPE_OBJECT)

static void
line_free (Line *line)
{
  g_free (line->text);
  g_free (line);
}

static void write_next (DebriefJsonlWriter *self);

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  DebriefJsonlWriter *self = source_object;
  Line *line = task_data;
  GError *error = NULL;

  /* self->path never changes after construction. */
  if (!debrief_jsonl_append_line (self->path, line->text, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DebriefJsonlWriter *self = DEBRIEF_JSONL_WRITER (object);
  Line *line = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  self->writing = FALSE;
  if (line->written != NULL)
    line->written (error, line->user_data);
  else if (error != NULL)
    g_warning ("%s", error->message);
  write_next (self);
}

static void
write_next (DebriefJsonlWriter *self)
{
  g_autoptr(GTask) task = NULL;
  Line *line;

  if (self->writing || (line = g_queue_pop_head (&self->lines)) == NULL)
    return;
  self->writing = TRUE;
  /* The task holds the writer until the line is written. */
  task = g_task_new (self, NULL, written_cb, NULL);
  g_task_set_source_tag (task, write_next);
  g_task_set_task_data (task, line, (GDestroyNotify) line_free);
  g_task_run_in_thread (task, write_thread);
}

static void
debrief_jsonl_writer_finalize (GObject *object)
{
  DebriefJsonlWriter *self = (DebriefJsonlWriter *)object;

  /* A line still queued holds no reference: the writer only goes once every
   * task is done, and write_next() drains the queue before that. */
  g_queue_clear_full (&self->lines, (GDestroyNotify) line_free);
  g_free (self->path);
  G_OBJECT_CLASS (debrief_jsonl_writer_parent_class)->finalize (object);
}

static void
debrief_jsonl_writer_class_init (DebriefJsonlWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = debrief_jsonl_writer_finalize;
}

static void
debrief_jsonl_writer_init (DebriefJsonlWriter *self)
{
  g_queue_init (&self->lines);
}

DebriefJsonlWriter *
debrief_jsonl_writer_new (const char *path)
{
  DebriefJsonlWriter *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DEBRIEF_TYPE_JSONL_WRITER, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
debrief_jsonl_writer_get_path (DebriefJsonlWriter *self)
{
  g_return_val_if_fail (DEBRIEF_IS_JSONL_WRITER (self), NULL);
  return self->path;
}

void
debrief_jsonl_writer_append (DebriefJsonlWriter      *self,
                             const char              *text,
                             DebriefJsonlWrittenFunc  written,
                             gpointer                 user_data)
{
  Line *line;

  g_return_if_fail (DEBRIEF_IS_JSONL_WRITER (self));
  g_return_if_fail (text != NULL);

  line = g_new0 (Line, 1);
  line->text = g_strdup (text);
  line->written = written;
  line->user_data = user_data;
  g_queue_push_tail (&self->lines, line);
  write_next (self);
}

guint
debrief_jsonl_writer_get_n_pending (DebriefJsonlWriter *self)
{
  g_return_val_if_fail (DEBRIEF_IS_JSONL_WRITER (self), 0);
  return g_queue_get_length (&self->lines) + (self->writing ? 1 : 0);
}
