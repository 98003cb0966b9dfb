/* debrief-sampler.c: samples the fine-tuned and baseline models side by side
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "debrief-error.h"
#include "debrief-sampler.h"

typedef struct _Batch Batch;

typedef struct
{
  DebriefSampler *self;      /* weak: items live in the sampler */
  guint prompt;
  DebriefSampleRole role;
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

struct _DebriefSampler
{
  GObject parent_instance;

  DebriefClient *client;
  char *samples_path;
  GPtrArray *prompts;        /* char* */
  char *models[DEBRIEF_N_ROLES];
  DebriefApiKind api;
  double temperature;
  gint64 max_tokens;
  GPtrArray *items;          /* Item*, prompt-major: index = prompt * 2 + role */
  GPtrArray *retired;        /* Item* of replaced prompts, kept for requests still in flight */
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
} Request;

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

static Item *
get_item (DebriefSampler    *self,
          guint              prompt,
          DebriefSampleRole  role)
{
  guint i = prompt * DEBRIEF_N_ROLES + role;

  g_return_val_if_fail (i < self->items->len, NULL);
  return g_ptr_array_index (self->items, i);
}

static void
item_changed (Item *item)
{
  g_signal_emit (item->self, signals[SIGNAL_ITEM_CHANGED], 0, item->prompt, (guint) item->role);
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
  g_signal_emit (item->self, signals[SIGNAL_DELTA], 0, item->prompt, (guint) item->role, text);
}

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

      s->prompt = g_strdup (g_ptr_array_index (self->prompts, item->prompt));
      s->model = g_strdup (self->models[item->role]);
      s->role = item->role;
      s->text = g_strdup (c->text);
      s->finish_reason = g_strdup (c->finish_reason);
      s->prompt_tokens = c->prompt_tokens;
      s->completion_tokens = c->completion_tokens;
      s->latency = c->latency;
      s->first_token = c->first_token;
      s->time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

      /* Kept as soon as it completes, even if a re-run superseded it. */
      if (self->samples_path != NULL)
        {
          g_autoptr(GError) write_error = NULL;

          if (!debrief_samples_append (self->samples_path, s, &write_error))
            {
              g_warning ("%s", write_error->message);
              if (error == NULL)
                error = g_steal_pointer (&write_error);
            }
        }
      if (current && error == NULL)
        {
          debrief_sample_free (item->sample);
          item->sample = s;
          g_string_assign (item->text, c->text);
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
  g_object_unref (self);
  g_free (req);
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

  creq.api = self->api;
  creq.model = self->models[item->role];
  creq.prompt = g_ptr_array_index (self->prompts, item->prompt);
  creq.temperature = self->temperature;
  creq.max_tokens = self->max_tokens;
  creq.stream = TRUE;
  item_changed (item);
  debrief_client_complete_async (self->client, &creq, on_delta, req, item->cancellable,
                                 complete_cb, req);
  g_object_ref (self);
}

static gboolean
role_enabled (DebriefSampler    *self,
              DebriefSampleRole  role)
{
  return self->models[role] != NULL && self->models[role][0] != '\0';
}

void
debrief_sampler_run_async (DebriefSampler      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Batch *batch;

  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_sampler_run_async);
  if (self->prompts->len == 0 || !role_enabled (self, DEBRIEF_ROLE_FINE_TUNED))
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                               self->prompts->len == 0 ? _("No prompts to sample")
                                                       : _("No fine-tuned model name is set"));
      g_object_unref (task);
      return;
    }
  /* Returning the result checks the cancellable; partial results are reported by the batch. */
  g_task_set_check_cancellable (task, FALSE);
  batch = g_new0 (Batch, 1);
  batch->task = task;
  for (guint p = 0; p < self->prompts->len; p++)
    for (int role = DEBRIEF_ROLE_FINE_TUNED; role <= DEBRIEF_ROLE_BASELINE; role++)
      if (role_enabled (self, role))
        batch->pending++;
  /* Prompt-major order: each prompt's two answers stream at the same time. */
  for (guint p = 0; p < self->prompts->len; p++)
    for (int role = DEBRIEF_ROLE_FINE_TUNED; role <= DEBRIEF_ROLE_BASELINE; role++)
      if (role_enabled (self, role))
        item_start (get_item (self, p, role), batch, NULL, cancellable);
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
                             DebriefSampleRole    role,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));
  g_return_if_fail (prompt < self->prompts->len);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_sampler_rerun_async);
  if (!role_enabled (self, role))
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                               "%s", role == DEBRIEF_ROLE_BASELINE ? _("No baseline model name is set")
                                                                   : _("No fine-tuned model name is set"));
      g_object_unref (task);
      return;
    }
  item_start (get_item (self, prompt, role), NULL, task, cancellable);
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
debrief_sampler_cancel_item (DebriefSampler    *self,
                             guint              prompt,
                             DebriefSampleRole  role)
{
  Item *item = get_item (self, prompt, role);

  if (item != NULL && item->cancellable != NULL)
    g_cancellable_cancel (item->cancellable);
}

DebriefSampleState
debrief_sampler_get_state (DebriefSampler    *self,
                           guint              prompt,
                           DebriefSampleRole  role)
{
  Item *item = get_item (self, prompt, role);

  return item != NULL ? item->state : DEBRIEF_SAMPLE_STATE_IDLE;
}

const char *
debrief_sampler_get_text (DebriefSampler    *self,
                          guint              prompt,
                          DebriefSampleRole  role)
{
  Item *item = get_item (self, prompt, role);

  return item != NULL ? item->text->str : NULL;
}

const DebriefSample *
debrief_sampler_get_sample (DebriefSampler    *self,
                            guint              prompt,
                            DebriefSampleRole  role)
{
  Item *item = get_item (self, prompt, role);

  return item != NULL ? item->sample : NULL;
}

const char *
debrief_sampler_get_error (DebriefSampler    *self,
                           guint              prompt,
                           DebriefSampleRole  role)
{
  Item *item = get_item (self, prompt, role);

  return item != NULL ? item->error : NULL;
}

void
debrief_sampler_set_prompts (DebriefSampler    *self,
                             const char *const *prompts)
{
  g_return_if_fail (DEBRIEF_IS_SAMPLER (self));

  /* Requests in flight for the old prompts are cancelled; their items go away
   * only after their callbacks ran (each request holds the sampler, not the item). */
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item->cancellable != NULL)
        g_cancellable_cancel (item->cancellable);
      item->generation++;
    }
  g_ptr_array_set_size (self->prompts, 0);
  g_ptr_array_extend_and_steal (self->retired, self->items);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  for (guint p = 0; prompts != NULL && prompts[p] != NULL; p++)
    {
      g_ptr_array_add (self->prompts, g_strdup (prompts[p]));
      for (int role = DEBRIEF_ROLE_FINE_TUNED; role <= DEBRIEF_ROLE_BASELINE; role++)
        {
          Item *item = g_new0 (Item, 1);

          item->self = self;
          item->prompt = p;
          item->role = role;
          item->text = g_string_new (NULL);
          g_ptr_array_add (self->items, item);
        }
    }
}

guint
debrief_sampler_get_n_prompts (DebriefSampler *self)
{
  return self->prompts->len;
}

const char *
debrief_sampler_get_prompt (DebriefSampler *self,
                            guint           index)
{
  g_return_val_if_fail (index < self->prompts->len, NULL);
  return g_ptr_array_index (self->prompts, index);
}

void
debrief_sampler_set_models (DebriefSampler *self,
                            const char     *fine_tuned,
                            const char     *baseline)
{
  g_free (self->models[DEBRIEF_ROLE_FINE_TUNED]);
  g_free (self->models[DEBRIEF_ROLE_BASELINE]);
  self->models[DEBRIEF_ROLE_FINE_TUNED] = g_strdup (fine_tuned);
  self->models[DEBRIEF_ROLE_BASELINE] = g_strdup (baseline);
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
  g_clear_object (&self->client);
  G_OBJECT_CLASS (debrief_sampler_parent_class)->dispose (object);
}

static void
debrief_sampler_finalize (GObject *object)
{
  DebriefSampler *self = DEBRIEF_SAMPLER (object);

  g_ptr_array_unref (self->prompts);
  g_free (self->samples_path);
  g_free (self->models[0]);
  g_free (self->models[1]);
  G_OBJECT_CLASS (debrief_sampler_parent_class)->finalize (object);
}

static void
debrief_sampler_class_init (DebriefSamplerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_sampler_dispose;
  object_class->finalize = debrief_sampler_finalize;

  /* (prompt index, role, text) */
  signals[SIGNAL_DELTA] = g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                        G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
  /* (prompt index, role): state, sample or error changed */
  signals[SIGNAL_ITEM_CHANGED] = g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                               G_TYPE_UINT, G_TYPE_UINT);
}

static void
debrief_sampler_init (DebriefSampler *self)
{
  self->prompts = g_ptr_array_new_with_free_func (g_free);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->api = DEBRIEF_API_CHAT;
  self->temperature = 0.7;
  self->max_tokens = 512;
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
  debrief_sampler_set_prompts (self, debrief_default_prompts ());
  return self;
}
