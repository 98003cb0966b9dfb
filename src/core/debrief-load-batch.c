/* debrief-load-batch.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-workspace-private.h"

struct _DebriefLoadBatch
{
  GObject parent_instance;

  GPtrArray **requests;       /* per folder asked for: DebriefLoadResult*, borrowed */
  guint n_requests;
  GPtrArray *unique;          /* DebriefLoadResult*, owned, one per folder */
  GHashTable *by_folder;      /* folder URI -> DebriefLoadResult* */
  GPtrArray *flat;            /* results in order; rebuilt when NULL */
  guint pending;              /* discoveries and loads not finished */
  guint n_failed;
  gboolean quiet;
  gboolean finished;
};

enum {
  PROP_0,
  PROP_FINISHED,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefLoadBatch, debrief_load_batch, G_TYPE_OBJECT)

static void
load_result_free (DebriefLoadResult *result)
{
  g_clear_object (&result->folder);
  g_clear_object (&result->run);
  g_clear_error (&result->error);
  g_free (result);
}

static void
debrief_load_batch_finalize (GObject *object)
{
  DebriefLoadBatch *self = (DebriefLoadBatch *)object;

  for (guint i = 0; i < self->n_requests; i++)
    g_ptr_array_unref (self->requests[i]);
  g_free (self->requests);
  g_clear_pointer (&self->flat, g_ptr_array_unref);
  g_clear_pointer (&self->by_folder, g_hash_table_unref);
  g_clear_pointer (&self->unique, g_ptr_array_unref);

  G_OBJECT_CLASS (debrief_load_batch_parent_class)->finalize (object);
}

static void
debrief_load_batch_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DebriefLoadBatch *self = DEBRIEF_LOAD_BATCH (object);

  switch (prop_id)
    {
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, debrief_load_batch_get_progress (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_load_batch_class_init (DebriefLoadBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = debrief_load_batch_finalize;
  object_class->get_property = debrief_load_batch_get_property;

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_load_batch_init (DebriefLoadBatch *self)
{
  self->unique = g_ptr_array_new_with_free_func ((GDestroyNotify) load_result_free);
  self->by_folder = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

DebriefLoadBatch *
_debrief_load_batch_new (guint    n_requests,
                         gboolean quiet)
{
  DebriefLoadBatch *self = g_object_new (DEBRIEF_TYPE_LOAD_BATCH, NULL);

  self->n_requests = n_requests;
  self->requests = g_new0 (GPtrArray *, MAX (n_requests, 1));
  for (guint i = 0; i < n_requests; i++)
    self->requests[i] = g_ptr_array_new ();
  self->quiet = quiet;
  return self;
}

gboolean
_debrief_load_batch_is_quiet (DebriefLoadBatch *self)
{
  return self->quiet;
}

DebriefLoadResult *
_debrief_load_batch_add (DebriefLoadBatch *self,
                         guint             request,
                         GFile            *folder,
                         gboolean         *is_new)
{
  g_autofree char *key = _debrief_workspace_key (folder);
  DebriefLoadResult *result = g_hash_table_lookup (self->by_folder, key);

  g_return_val_if_fail (request < self->n_requests, NULL);

  *is_new = result == NULL;
  if (result == NULL)
    {
      result = g_new0 (DebriefLoadResult, 1);
      result->folder = g_object_ref (folder);
      g_ptr_array_add (self->unique, result);
      g_hash_table_insert (self->by_folder, g_steal_pointer (&key), result);
      self->pending++;
    }
  g_ptr_array_add (self->requests[request], result);
  g_clear_pointer (&self->flat, g_ptr_array_unref);
  return result;
}

void
_debrief_load_batch_expect (DebriefLoadBatch *self)
{
  self->pending++;
}

void
_debrief_load_batch_discovered (DebriefLoadBatch *self)
{
  g_return_if_fail (self->pending > 0);
  self->pending--;
}

void
_debrief_load_batch_set_done (DebriefLoadBatch  *self,
                              DebriefLoadResult *result,
                              DebriefRun        *run,
                              const GError      *error)
{
  g_return_if_fail (!result->done);
  g_return_if_fail (self->pending > 0);

  result->done = TRUE;
  result->fraction = 1.0;
  g_set_object (&result->run, run);
  if (run == NULL)
    {
      result->error = error != NULL ? g_error_copy (error) : NULL;
      self->n_failed++;
    }
  self->pending--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

void
_debrief_load_batch_set_fraction (DebriefLoadBatch  *self,
                                  DebriefLoadResult *result,
                                  double             fraction)
{
  fraction = CLAMP (fraction, 0.0, 1.0);
  if (result->done || fraction == result->fraction)
    return;
  result->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

void
_debrief_load_batch_count (DebriefLoadBatch *self,
                           double           *done,
                           guint            *total)
{
  for (guint i = 0; i < self->unique->len; i++)
    *done += ((DebriefLoadResult *) g_ptr_array_index (self->unique, i))->fraction;
  *total += self->unique->len;
}

gboolean
_debrief_load_batch_is_complete (DebriefLoadBatch *self)
{
  return self->pending == 0;
}

void
_debrief_load_batch_finish (DebriefLoadBatch *self)
{
  g_return_if_fail (self->pending == 0);

  if (self->finished)
    return;
  self->finished = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
}

/* ---- public ---- */

static GPtrArray *
flat_results (DebriefLoadBatch *self)
{
  if (self->flat == NULL)
    {
      self->flat = g_ptr_array_new ();
      for (guint i = 0; i < self->n_requests; i++)
        for (guint j = 0; j < self->requests[i]->len; j++)
          g_ptr_array_add (self->flat, g_ptr_array_index (self->requests[i], j));
    }
  return self->flat;
}

static DebriefLoadResult *
get_result (DebriefLoadBatch *self,
            guint             position)
{
  GPtrArray *flat = flat_results (self);

  g_return_val_if_fail (position < flat->len, NULL);
  return g_ptr_array_index (flat, position);
}

gboolean
debrief_load_batch_get_finished (DebriefLoadBatch *self)
{
  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), FALSE);
  return self->finished;
}

double
debrief_load_batch_get_progress (DebriefLoadBatch *self)
{
  double done = 0.0;
  guint total = 0;

  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), 0.0);

  if (self->finished)
    return 1.0;
  _debrief_load_batch_count (self, &done, &total);
  return total > 0 ? done / total : 0.0;
}

guint
debrief_load_batch_get_n_results (DebriefLoadBatch *self)
{
  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), 0);
  return flat_results (self)->len;
}

GFile *
debrief_load_batch_get_folder (DebriefLoadBatch *self,
                               guint             position)
{
  DebriefLoadResult *result;

  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), NULL);
  result = get_result (self, position);
  return result != NULL ? result->folder : NULL;
}

DebriefRun *
debrief_load_batch_get_run (DebriefLoadBatch *self,
                            guint             position)
{
  DebriefLoadResult *result;

  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), NULL);
  result = get_result (self, position);
  return result != NULL ? result->run : NULL;
}

const GError *
debrief_load_batch_get_error (DebriefLoadBatch *self,
                              guint             position)
{
  DebriefLoadResult *result;

  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), NULL);
  result = get_result (self, position);
  return result != NULL ? result->error : NULL;
}

guint
debrief_load_batch_get_n_failed (DebriefLoadBatch *self)
{
  g_return_val_if_fail (DEBRIEF_IS_LOAD_BATCH (self), 0);
  return self->n_failed;
}
