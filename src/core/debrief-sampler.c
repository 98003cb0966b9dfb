/* debrief-sampler.c: samples the fine-tuned and baseline models side by side
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "debrief-error.h"
#include "debrief-jsonl-writer.h"
#include "debrief-sampler.h"

typedef struct _Batch Batch;

typedef struct
{
  DebriefSampler *self;      /* weak: items live in the sampler */
  guint prompt;              /* the row: prompt * per_prompt + sample index */
  guint column;
  DebriefSampleState state;
  GString *text;
  DebriefSample *sample;
  char *error;
  GCancellable *cancellable; /* this item's request */
  gulong batch_handler;
  GCancellable *batch_cancellable;
  guint generation;          /* bumped on every (re)start: stale callbacks are ignored */
} Item;

struct _Batch
{
  GTask *task;
  guint pending;
  guint ok;
  guint cancelled;
  GError *first_error;
};

typedef struct
{
  DebriefSampleColumn pub;   /* strings below */
  char *model;
  char *checkpoint;
  char *request_extra;
} Column;

struct _DebriefSampler
{
  GObject parent_instance;

  DebriefClient *client;
  char *samples_path;
  DebriefJsonlWriter *writer;  /* samples_path's lines, written off this thread */
  GPtrArray *prompts;        /* char*, as set */
  guint per_prompt;          /* samples of each prompt */
  GPtrArray *columns;        /* Column* */
  DebriefApiKind api;
  double temperature;
  gint64 max_tokens;
  gint64 seed;
  GPtrArray *items;          /* Item*, row-major: index = row * n_columns + column */
  GPtrArray *retired;        /* Item* of replaced rows, kept for requests still in flight */
  GPtrArray *existing;       /* DebriefSample*, completed earlier; NULL none */
  guint n_reused;
};

G_DEFINE_FINAL_TYPE (DebriefSampler, debrief_sampler, G_TYPE_OBJECT)

enum
{
  SIGNAL_DELTA,
  SIGNAL_ITEM_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  Item *item;
  guint generation;
  Batch *batch;              /* NULL for a single re-run */
  GTask *single;             /* for a re-run */
  /* What was asked, as it was (the settings may change while it streams). */
  Column *column;            /* a reference-less copy owned by the request */
  char *prompt;
  guint sample_index;
  double temperature;
  gint64 max_tokens;
} Request;

static void
column_free (Column *c)
{
  g_free (c->model);
  g_free (c->checkpoint);
  g_free (c->request_extra);
  g_free (c);
}

static Column *
column_copy (const Column *c)
{
  Column *copy = g_new0 (Column, 1);

  copy->model = g_strdup (c->model);
  copy->checkpoint = g_strdup (c->checkpoint);
  copy->request_extra = g_strdup (c->request_extra);
  copy->pub = c->pub;
  copy->pub.model = copy->model;
  copy->pub.checkpoint = copy->checkpoint;
  copy->pub.request_extra = copy->request_extra;
  return copy;
}

static void
request_free (Request *req)
{
  column_free (req->column);
  g_free (req->prompt);
  g_free (req);
}

static void
item_free (Item *item)
{
  if (item->batch_handler != 0)
    g_cancellable_disconnect (item->batch_cancellable, item->batch_handler);
  g_clear_object (&item->batch_cancellable);
  g_string_free (item->text, TRUE);
  debrief_sample_free (item->sample);
  g_free (item->error);
  g_clear_object (&item->cancellable);
  g_free (item);
}

static Column *
get_column (DebriefSampler *self,
            guint           column)
{
  g_return_val_if_fail (column < self->columns->len, NULL);
  return g_ptr_array_index (self->columns, column);
}

static Item *
get_item (DebriefSampler *self,
          guint           prompt,
          guint           column)
{
  guint i = prompt * self->columns->len + column;

  if (column >= self->columns->len || i >= self->items->len)
    return NULL;
  return g_ptr_array_index (self->items, i);
}

static const char *
row_prompt (DebriefSampler *self,
            guint           row)
{
  return g_ptr_array_index (self->prompts, row / self->per_prompt);
}

static void
item_changed (Item *item)
{
  g_signal_emit (item->self, signals[SIGNAL_ITEM_CHANGED], 0, item->prompt, item->column);
}

static void
on_delta (const char *text,
          gpointer    data)
{
  Request *req = data;
  Item *item = req->item;

  if (req->generation != item->generation)
    return;
  g_string_append (item->text, text);
  if (item->state != DEBRIEF_SAMPLE_STATE_STREAMING)
    {
      item->state = DEBRIEF_SAMPLE_STATE_STREAMING;
      item_changed (item);
    }
  g_signal_emit (item->self, signals[SIGNAL_DELTA], 0, item->prompt, item->column, text);
}

static void item_reuse (Item *item, const DebriefSample *sample);

static void
batch_item_done (Batch        *batch,
                 Item         *item,
                 const GError *error)
{
  if (error == NULL)
    batch->ok++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    batch->cancelled++;
  else if (batch->first_error == NULL)
    batch->first_error = g_error_copy (error);

  if (--batch->pending > 0)
    return;

  if (batch->cancelled > 0 && batch->ok == 0)
    g_task_return_new_error (batch->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sampling was cancelled"));
  else if (batch->cancelled > 0)
    g_task_return_new_error (batch->task, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL,
                             g_dngettext (GETTEXT_PACKAGE, "Sampling was cancelled; %u completion was kept",
                                          "Sampling was cancelled; %u completions were kept", batch->ok),
                             batch->ok);
  else if (batch->ok == 0 && batch->first_error != NULL)
    g_task_return_error (batch->task, g_steal_pointer (&batch->first_error));
  else
    g_task_return_int (batch->task, batch->ok);
  g_clear_error (&batch->first_error);
  g_object_unref (batch->task);
  g_free (batch);
}

/* The second half of a completion: the item's new state, the batch, the caller. */
static void
finish_completion (Request       *req,
                   gboolean       current,
                   DebriefSample *s,          /* owned, may be NULL */
                   const char    *text,
                   GError        *error)      /* owned, may be NULL */
{
  Item *item = req->item;
  DebriefSampler *self = item->self;

  if (s != NULL)
    {
      if (current && error == NULL)
        {
          debrief_sample_free (item->sample);
          item->sample = s;
          g_string_assign (item->text, text);
          item->state = DEBRIEF_SAMPLE_STATE_DONE;
        }
      else
        debrief_sample_free (s);
    }
  if (current && error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        item->state = DEBRIEF_SAMPLE_STATE_CANCELLED;
      else
        {
          item->state = DEBRIEF_SAMPLE_STATE_FAILED;
          g_free (item->error);
          item->error = g_strdup (error->message);
        }
    }
  if (current)
    item_changed (item);

  if (req->batch != NULL)
    batch_item_done (req->batch, item, error);
  if (req->single != NULL)
    {
      if (error != NULL)
        g_task_return_error (req->single, g_steal_pointer (&error));
      else
        g_task_return_boolean (req->single, TRUE);
      g_object_unref (req->single);
    }
  g_clear_error (&error);
  g_object_unref (self);
  request_free (req);
}

typedef struct
{
  Request *req;
  DebriefSample *sample;
  char *text;
  GError *error;              /* of the request itself */
  gboolean current;
} Completion;

static void
sample_written_cb (const GError *write_error,
                   gpointer      user_data)
{
  Completion *completion = user_data;
  GError *error = completion->error;

  if (write_error != NULL)
    {
      g_warning ("%s", write_error->message);
      if (error == NULL)
        error = g_error_copy (write_error);
    }
  /* Re-run while the line was being written: that run's state stands. */
  finish_completion (completion->req,
                     completion->current && completion->req->generation == completion->req->item->generation,
                     completion->sample, completion->text, error);
  g_free (completion->text);
  g_free (completion);
}

static void
complete_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Request *req = data;
  Item *item = req->item;
  DebriefSampler *self = item->self;
  g_autoptr(DebriefCompletion) partial = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefCompletion) c = debrief_client_complete_finish (DEBRIEF_CLIENT (source), result,
                                                                   &partial, &error);
  gboolean current = req->generation == item->generation;

  if (current)
    {
      if (item->batch_handler != 0)
        g_cancellable_disconnect (item->batch_cancellable, item->batch_handler);
      item->batch_handler = 0;
      g_clear_object (&item->batch_cancellable);
    }

  if (c != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      DebriefSample *s = debrief_sample_new ();
      Column *col = req->column;

      s->prompt = g_strdup (req->prompt);
      s->model = g_strdup (col->model);
      s->role = col->pub.role;
      s->checkpoint = g_strdup (col->checkpoint);
      s->step = col->pub.step;
      s->sample_index = req->sample_index;
      s->temperature = req->temperature;
      s->max_tokens = req->max_tokens;
      s->text = g_strdup (c->text);
      s->finish_reason = g_strdup (c->finish_reason);
      s->prompt_tokens = c->prompt_tokens;
      s->completion_tokens = c->completion_tokens;
      s->latency = c->latency;
      s->first_token = c->first_token;
      s->time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

      /* Kept as soon as it completes, even if a re-run superseded it; the
       * item is done once its line is on disk (or could not be written). */
      if (self->writer != NULL)
        {
          Completion *completion = g_new0 (Completion, 1);
          g_autofree char *line = debrief_sample_to_json_line (s);

          completion->req = req;
          completion->sample = s;
          completion->text = g_strdup (c->text);
          completion->error = g_steal_pointer (&error);
          completion->current = current;
          debrief_jsonl_writer_append (self->writer, line, sample_written_cb, completion);
          return;
        }
      finish_completion (req, current, s, c->text, g_steal_pointer (&error));
      return;
    }
  finish_completion (req, current, NULL, NULL, g_steal_pointer (&error));
}

static void
batch_cancelled_cb (GCancellable *cancellable,
                    Item         *item)
{
  /* May run in another thread: GCancellable is thread-safe, and the client
   * notices through its own cancellable source on our context. */
  g_cancellable_cancel (item->cancellable);
}

static void
item_start (Item         *item,
            Batch        *batch,
            GTask        *single,
            GCancellable *outer)
{
  DebriefSampler *self = item->self;
  DebriefCompletionRequest creq = DEBRIEF_COMPLETION_REQUEST_INIT;
  Request *req = g_new0 (Request, 1);

  /* A new request supersedes a running one for the same item. */
  if (item->cancellable != NULL)
    g_cancellable_cancel (item->cancellable);
  if (item->batch_handler != 0)
    g_cancellable_disconnect (item->batch_cancellable, item->batch_handler);
  item->batch_handler = 0;
  g_clear_object (&item->batch_cancellable);
  g_clear_object (&item->cancellable);

  item->cancellable = g_cancellable_new ();
  item->generation++;
  item->state = DEBRIEF_SAMPLE_STATE_WAITING;
  g_string_truncate (item->text, 0);
  g_clear_pointer (&item->sample, debrief_sample_free);
  g_clear_pointer (&item->error, g_free);
  if (outer != NULL)
    {
      item->batch_cancellable = g_object_ref (outer);
      item->batch_handler = g_cancellable_connect (outer, G_CALLBACK (batch_cancelled_cb), item, NULL);
    }

  req->item = item;
  req->generation = item->generation;
  req->batch = batch;
  req->single = single;
  req->column = column_copy (get_column (self, item->column));
  req->prompt = g_strdup (row_prompt (self, item->prompt));
  req->sample_index = item->prompt % self->per_prompt;
  req->temperature = self->temperature;
  req->max_tokens = self->max_tokens;

  creq.api = self->api;
  creq.model = req->column->model;
  creq.prompt = req->prompt;
  creq.temperature = self->temperature;
  creq.max_tokens = self->max_tokens;
  creq.seed = self->seed;
  creq.stream = TRUE;
  creq.extra_json = req->column->request_extra;
  item_changed (item);
  debrief_client_complete_async (self->client, &creq, on_delta, req, item->cancellable,
                                 complete_cb, req);
  g_object_ref (self);
}

static gboolean
column_enabled (DebriefSampler *self,
                guint           column)
{
  Column *c = column < self->columns->len ? g_ptr_array_index (self->columns, column) : NULL;

  return c != NULL && c->model != NULL && c->model[0] != '\0';
}

static gboolean
any_fine_tuned (DebriefSampler *self)
{
  for (guint c = 0; c < self->columns->len; c++)
    if (column_enabled (self, c) && get_column (self, c)->pub.role == DEBRIEF_ROLE_FINE_TUNED)
      return TRUE;
  return FALSE;
}

static gboolean
same_double (double a,
             double b)
{
  return fabs (a - b) < 1e-9;
}

/* A completed sample that answers @item as the settings now ask, or NULL. */
static const DebriefSample *
find_existing (DebriefSampler *self,
               Item           *item)
{
  Column *col = get_column (self, item->column);
  const char *prompt = row_prompt (self, item->prompt);
  guint index = item->prompt % self->per_prompt;

  if (self->existing == NULL)
    return NULL;
  /* The newest match: later lines were written later. */
  for (guint i = self->existing->len; i > 0; i--)
    {
      const DebriefSample *s = g_ptr_array_index (self->existing, i - 1);

      if (s->role == col->pub.role && s->sample_index == index && g_strcmp0 (s->prompt, prompt) == 0 &&
          g_strcmp0 (s->model, col->model) == 0 && g_strcmp0 (s->checkpoint, col->checkpoint) == 0 &&
          same_double (s->temperature, self->temperature) && s->max_tokens == self->max_tokens)
        return s;
    }
  return NULL;
}

void
debrief_sampler_run_async (DebriefSampler      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Batch *batch;
  guint rows;

  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_sampler_run_async);
  if (self->prompts->len == 0 || !any_fine_tuned (self))
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                               "%s", self->prompts->len == 0 ? _("No prompts to sample")
                                                             : _("No fine-tuned model name is set"));
      g_object_unref (task);
      return;
    }
  /* Returning the result checks the cancellable; partial results are reported by the batch. */
  g_task_set_check_cancellable (task, FALSE);
  batch = g_new0 (Batch, 1);
  batch->task = task;
  self->n_reused = 0;
  rows = debrief_sampler_get_n_prompts (self);
  /* Keep what already completed; count the rest before starting any. */
  for (guint p = 0; p < rows; p++)
    for (guint c = 0; c < self->columns->len; c++)
      if (column_enabled (self, c))
        {
          Item *item = get_item (self, p, c);
          const DebriefSample *done = find_existing (self, item);

          if (done != NULL)
            {
              item_reuse (item, done);
              self->n_reused++;
              batch->ok++;
            }
          else
            batch->pending++;
        }
  if (batch->pending == 0)
    {
      g_task_return_int (task, batch->ok);
      g_object_unref (task);
      g_free (batch);
      return;
    }
  /* Row-major order: each prompt's answers stream at the same time. */
  for (guint p = 0; p < rows; p++)
    for (guint c = 0; c < self->columns->len; c++)
      if (column_enabled (self, c) && get_item (self, p, c)->state != DEBRIEF_SAMPLE_STATE_DONE)
        item_start (get_item (self, p, c), batch, NULL, cancellable);
}

gssize
debrief_sampler_run_finish (DebriefSampler  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

void
debrief_sampler_rerun_async (DebriefSampler      *self,
                             guint                prompt,
                             guint                column,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));
  g_return_if_fail (prompt < debrief_sampler_get_n_prompts (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_sampler_rerun_async);
  if (!column_enabled (self, column))
    {
      gboolean baseline = column < self->columns->len && get_column (self, column)->pub.role == DEBRIEF_ROLE_BASELINE;

      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                               "%s", baseline ? _("No baseline model name is set")
                                              : _("No fine-tuned model name is set"));
      g_object_unref (task);
      return;
    }
  item_start (get_item (self, prompt, column), NULL, task, cancellable);
}

gboolean
debrief_sampler_rerun_finish (DebriefSampler  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
debrief_sampler_cancel_item (DebriefSampler *self,
                             guint           prompt,
                             guint           column)
{
  Item *item = get_item (self, prompt, column);

  if (item != NULL && item->cancellable != NULL)
    g_cancellable_cancel (item->cancellable);
}

DebriefSampleState
debrief_sampler_get_state (DebriefSampler *self,
                           guint           prompt,
                           guint           column)
{
  Item *item = get_item (self, prompt, column);

  return item != NULL ? item->state : DEBRIEF_SAMPLE_STATE_IDLE;
}

const char *
debrief_sampler_get_text (DebriefSampler *self,
                          guint           prompt,
                          guint           column)
{
  Item *item = get_item (self, prompt, column);

  return item != NULL ? item->text->str : NULL;
}

const DebriefSample *
debrief_sampler_get_sample (DebriefSampler *self,
                            guint           prompt,
                            guint           column)
{
  Item *item = get_item (self, prompt, column);

  return item != NULL ? item->sample : NULL;
}

const char *
debrief_sampler_get_error (DebriefSampler *self,
                           guint           prompt,
                           guint           column)
{
  Item *item = get_item (self, prompt, column);

  return item != NULL ? item->error : NULL;
}

/* Cancels what is in flight and makes a fresh item per row × column. */
static void
reset_items (DebriefSampler *self)
{
  guint rows = self->prompts->len * self->per_prompt;

  /* Requests in flight are cancelled; their items go away only after their
   * callbacks ran (each request holds the sampler, not the item). */
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item->cancellable != NULL)
        g_cancellable_cancel (item->cancellable);
      item->generation++;
    }
  g_ptr_array_extend_and_steal (self->retired, self->items);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  for (guint p = 0; p < rows; p++)
    for (guint c = 0; c < self->columns->len; c++)
      {
        Item *item = g_new0 (Item, 1);

        item->self = self;
        item->prompt = p;
        item->column = c;
        item->text = g_string_new (NULL);
        g_ptr_array_add (self->items, item);
      }
}

static void
item_reuse (Item                *item,
            const DebriefSample *sample)
{
  item->generation++;
  item->state = DEBRIEF_SAMPLE_STATE_DONE;
  debrief_sample_free (item->sample);
  item->sample = debrief_sample_copy (sample);
  g_string_assign (item->text, sample->text != NULL ? sample->text : "");
  g_clear_pointer (&item->error, g_free);
  item_changed (item);
}

void
debrief_sampler_set_prompts (DebriefSampler    *self,
                             const char *const *prompts)
{
  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));

  g_ptr_array_set_size (self->prompts, 0);
  for (guint p = 0; prompts != NULL && prompts[p] != NULL; p++)
    g_ptr_array_add (self->prompts, g_strdup (prompts[p]));
  reset_items (self);
}

guint
debrief_sampler_get_n_prompts (DebriefSampler *self)
{
  return self->prompts->len * self->per_prompt;
}

const char *
debrief_sampler_get_prompt (DebriefSampler *self,
                            guint           index)
{
  g_return_val_if_fail (index < debrief_sampler_get_n_prompts (self), NULL);
  return row_prompt (self, index);
}

void
debrief_sampler_set_samples_per_prompt (DebriefSampler *self,
                                        guint           n)
{
  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));
  g_return_if_fail (n >= 1);

  self->per_prompt = n;
  reset_items (self);
}

guint
debrief_sampler_get_samples_per_prompt (DebriefSampler *self)
{
  return self->per_prompt;
}

guint
debrief_sampler_get_sample_index (DebriefSampler *self,
                                  guint           index)
{
  return index % self->per_prompt;
}

void
debrief_sampler_set_columns (DebriefSampler            *self,
                             const DebriefSampleColumn *columns,
                             guint                      n_columns)
{
  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));

  g_ptr_array_set_size (self->columns, 0);
  for (guint i = 0; i < n_columns; i++)
    {
      Column c = { columns[i], (char *) columns[i].model, (char *) columns[i].checkpoint,
                   (char *) columns[i].request_extra };

      g_ptr_array_add (self->columns, column_copy (&c));
    }
  reset_items (self);
}

guint
debrief_sampler_get_n_columns (DebriefSampler *self)
{
  return self->columns->len;
}

const DebriefSampleColumn *
debrief_sampler_get_column (DebriefSampler *self,
                            guint           column)
{
  Column *c = get_column (self, column);

  return c != NULL ? &c->pub : NULL;
}

void
debrief_sampler_set_models (DebriefSampler *self,
                            const char     *fine_tuned,
                            const char     *baseline)
{
  DebriefSampleColumn columns[2] = {
    { DEBRIEF_ROLE_FINE_TUNED, fine_tuned, NULL, -1, NULL },
    { DEBRIEF_ROLE_BASELINE, baseline, NULL, -1, NULL },
  };

  debrief_sampler_set_columns (self, columns, 2);
}

void
debrief_sampler_set_seed (DebriefSampler *self,
                          gint64          seed)
{
  self->seed = seed;
}

void
debrief_sampler_set_existing (DebriefSampler *self,
                              GPtrArray      *samples)
{
  g_clear_pointer (&self->existing, g_ptr_array_unref);
  if (samples != NULL)
    self->existing = g_ptr_array_ref (samples);
}

guint
debrief_sampler_get_n_reused (DebriefSampler *self)
{
  return self->n_reused;
}

void
debrief_sampler_set_params (DebriefSampler *self,
                            DebriefApiKind  api,
                            double          temperature,
                            gint64          max_tokens)
{
  self->api = api;
  self->temperature = temperature;
  self->max_tokens = max_tokens;
}

static void
debrief_sampler_dispose (GObject *object)
{
  DebriefSampler *self = DEBRIEF_SAMPLER (object);

  /* Requests hold a reference on the sampler: none are in flight here. */
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_clear_pointer (&self->existing, g_ptr_array_unref);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (debrief_sampler_parent_class)->dispose (object);
}

static void
debrief_sampler_finalize (GObject *object)
{
  DebriefSampler *self = DEBRIEF_SAMPLER (object);

  g_ptr_array_unref (self->prompts);
  g_ptr_array_unref (self->columns);
  g_free (self->samples_path);
  g_clear_object (&self->writer);
  G_OBJECT_CLASS (debrief_sampler_parent_class)->finalize (object);
}

static void
debrief_sampler_class_init (DebriefSamplerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_sampler_dispose;
  object_class->finalize = debrief_sampler_finalize;

  /* (prompt row, column, text) */
  signals[SIGNAL_DELTA] = g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                        G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
  /* (prompt row, column): state, sample or error changed */
  signals[SIGNAL_ITEM_CHANGED] = g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                               G_TYPE_UINT, G_TYPE_UINT);
}

static void
debrief_sampler_init (DebriefSampler *self)
{
  self->prompts = g_ptr_array_new_with_free_func (g_free);
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  self->per_prompt = 1;
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->api = DEBRIEF_API_CHAT;
  self->temperature = 0.7;
  self->max_tokens = 512;
  self->seed = -1;
}

DebriefSampler *
debrief_sampler_new (DebriefClient *client,
                     const char    *samples_path)
{
  DebriefSampler *self;

  g_return_val_if_fail (DEBRIEF_IS_CLIENT (client), NULL);

  self = g_object_new (DEBRIEF_TYPE_SAMPLER, NULL);
  self->client = g_object_ref (client);
  self->samples_path = g_strdup (samples_path);
  if (samples_path != NULL)
    self->writer = debrief_jsonl_writer_new (samples_path);
  debrief_sampler_set_models (self, NULL, NULL);
  debrief_sampler_set_prompts (self, debrief_default_prompts ());
  return self;
}
