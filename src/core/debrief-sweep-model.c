/* debrief-sweep-model.c: the open runs as sweep lines, kept up to date
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One worker at a time reads the results of the lines waiting (a batch: the
 * thousand runs of a folder arrive faster than one task each would start), and
 * one rebuilds the sweep, at most every REBUILD_DELAY_MS while runs keep
 * arriving, so the window's table grows as the runs load instead of waiting
 * for the last one.
 */
#include "config.h"

#include "debrief-analysis.h"
#include "debrief-run.h"
#include "debrief-sweep-model.h"
#include "debrief-sweep-private.h"

/* While runs keep arriving, the columns and findings are brought up to date
 * this often (or ten times as long as a rebuild takes); once no run has come
 * for QUIET_MS and every line is read, at once. */
#define REBUILD_DELAY_MS 500
#define QUIET_MS 100

struct _DebriefSweepModel
{
  GObject parent_instance;

  GListModel *runs;
  GPtrArray *items;             /* DebriefSweepRun, as runs */
  GHashTable *watched;          /* DebriefRun* -> handler id of notify::analysis */
  GHashTable *waiting;          /* DebriefRun* (ref) -> DebriefSweepRun prepared, to compute */
  GHashTable *reanalysed;       /* DebriefRun*: analysis arrived, line to redo */
  guint reanalysed_source;
  gboolean computing;
  GCancellable *cancellable;

  DebriefSweep *sweep;
  char *group_by;
  gboolean rebuilding;
  gboolean rebuild_again;
  guint rebuild_source;
  gint64 rebuild_due;          /* when rebuild_source fires (monotonic) */
  gint64 last_rebuild;
  gint64 rebuild_started;
  gint64 last_runs_change;
  guint rebuild_cost_ms;        /* how long the last rebuild took */
};

enum {
  PROP_0,
  PROP_SWEEP,
  PROP_GROUP_BY,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DebriefSweepModel, debrief_sweep_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void schedule_compute (DebriefSweepModel *self);
static void schedule_rebuild (DebriefSweepModel *self);

/* ---- GListModel ---- */

static GType
get_item_type (GListModel *model)
{
  return DEBRIEF_TYPE_SWEEP_RUN;
}

static guint
get_n_items (GListModel *model)
{
  return DEBRIEF_SWEEP_MODEL (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- busy ---- */

static gboolean
compute_busy (DebriefSweepModel *self)
{
  return self->computing || g_hash_table_size (self->waiting) > 0 || self->reanalysed_source != 0 ||
         self->rebuilding || self->rebuild_source != 0;
}

static void
update_busy (DebriefSweepModel *self,
             gboolean           was_busy)
{
  if (compute_busy (self) != was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- the lines ---- */

static void analysis_changed (DebriefRun *run, GParamSpec *pspec, DebriefSweepModel *self);

static void
wait_for (DebriefSweepModel *self,
          DebriefRun        *run)
{
  /* Settings and the analysis are read here, on the main thread, where they change. */
  g_hash_table_replace (self->waiting, g_object_ref (run), _debrief_sweep_run_prepare (run, FALSE));
  schedule_compute (self);
}

static void
watch (DebriefSweepModel *self,
       DebriefRun        *run)
{
  gulong id;

  if (g_hash_table_contains (self->watched, run))
    return;
  id = g_signal_connect (run, "notify::analysis", G_CALLBACK (analysis_changed), self);
  g_hash_table_insert (self->watched, run, GSIZE_TO_POINTER (id));
}

static void
unwatch (DebriefSweepModel *self,
         DebriefRun        *run)
{
  gpointer id;

  if (!g_hash_table_lookup_extended (self->watched, run, NULL, &id))
    return;
  g_signal_handler_disconnect (run, GPOINTER_TO_SIZE (id));
  g_hash_table_remove (self->watched, run);
}

/* Analyses arrive one by one: one pass over the lines for all that came in
 * since the last main-loop turn. */
static gboolean
apply_analyses (gpointer user_data)
{
  DebriefSweepModel *self = user_data;
  gboolean was_busy = compute_busy (self);
  guint first = G_MAXUINT, last = 0;

  self->reanalysed_source = 0;
  for (guint i = 0; i < self->items->len; i++)
    {
      DebriefSweepRun *line = g_ptr_array_index (self->items, i);
      DebriefRun *run = debrief_sweep_run_get_run (line);

      if (!g_hash_table_contains (self->reanalysed, run))
        continue;
      if (!_debrief_sweep_run_is_computed (line) || g_hash_table_contains (self->waiting, run))
        {
          /* Still to be read: read it with its analysis. */
          wait_for (self, run);
          continue;
        }
      g_ptr_array_index (self->items, i) = _debrief_sweep_run_reanalysed (line);
      g_object_unref (line);
      first = MIN (first, i);
      last = i;
    }
  g_hash_table_remove_all (self->reanalysed);
  if (first != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
  schedule_rebuild (self);
  update_busy (self, was_busy);
  return G_SOURCE_REMOVE;
}

static void
analysis_changed (DebriefRun        *run,
                  GParamSpec        *pspec,
                  DebriefSweepModel *self)
{
  gboolean was_busy = compute_busy (self);

  g_hash_table_add (self->reanalysed, run);
  if (self->reanalysed_source == 0)
    self->reanalysed_source = g_idle_add (apply_analyses, self);
  update_busy (self, was_busy);
}

static void
runs_changed (GListModel        *runs,
              guint              position,
              guint              removed,
              guint              added,
              DebriefSweepModel *self)
{
  gboolean was_busy = compute_busy (self);
  g_autoptr(GPtrArray) still = g_ptr_array_new ();

  for (guint i = 0; i < removed; i++)
    {
      DebriefSweepRun *line = g_ptr_array_index (self->items, position + i);
      g_ptr_array_add (still, debrief_sweep_run_get_run (line));
    }
  g_ptr_array_remove_range (self->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (runs, position + i);

      /* The row shows at once, by name; the rest follows from the worker. */
      g_ptr_array_insert (self->items, (gint) (position + i), _debrief_sweep_run_prepare (run, TRUE));
      watch (self, run);
      wait_for (self, run);
    }
  /* A run replaced in place (read again) is a new object: forget the old one. */
  for (guint i = 0; i < still->len; i++)
    {
      DebriefRun *run = g_ptr_array_index (still, i);
      gboolean present = FALSE;
      for (guint k = 0; k < added && !present; k++)
        present = debrief_sweep_run_get_run (g_ptr_array_index (self->items, position + k)) == run;
      if (!present)
        {
          unwatch (self, run);
          g_hash_table_remove (self->waiting, run);
          g_hash_table_remove (self->reanalysed, run);
        }
    }
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  self->last_runs_change = g_get_monotonic_time ();
  schedule_rebuild (self);
  update_busy (self, was_busy);
}

/* ---- computing lines in a worker ---- */

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GPtrArray *lines = task_data;

  for (guint i = 0; i < lines->len && !g_cancellable_is_cancelled (cancellable); i++)
    _debrief_sweep_run_compute (g_ptr_array_index (lines, i));
  g_task_return_boolean (task, TRUE);
}

static void
computed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (object);
  GPtrArray *lines = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) fresh = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  gboolean was_busy = compute_busy (self);
  guint first = G_MAXUINT, last = 0;

  self->computing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;
  for (guint i = 0; i < lines->len; i++)
    {
      DebriefSweepRun *line = g_ptr_array_index (lines, i);
      g_hash_table_insert (fresh, debrief_sweep_run_get_run (line), line);
    }
  /* One pass over the lines; one items-changed for the span that changed. */
  for (guint i = 0; i < self->items->len; i++)
    {
      DebriefSweepRun *current = g_ptr_array_index (self->items, i);
      DebriefSweepRun *line = g_hash_table_lookup (fresh, debrief_sweep_run_get_run (current));

      /* A run whose analysis arrived while it was read waits for another turn. */
      if (line == NULL || g_hash_table_contains (self->waiting, debrief_sweep_run_get_run (current)))
        continue;
      g_ptr_array_index (self->items, i) = g_object_ref (line);
      g_object_unref (current);
      first = MIN (first, i);
      last = i;
    }
  if (first != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
  schedule_compute (self);
  schedule_rebuild (self);
  update_busy (self, was_busy);
}

static void
schedule_compute (DebriefSweepModel *self)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *lines;
  GHashTableIter iter;
  gpointer line;

  if (self->computing || g_hash_table_size (self->waiting) == 0)
    return;
  lines = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, &line))
    g_ptr_array_add (lines, g_object_ref (line));
  g_hash_table_remove_all (self->waiting);
  self->computing = TRUE;
  task = g_task_new (self, self->cancellable, computed_cb, NULL);
  g_task_set_source_tag (task, schedule_compute);
  g_task_set_task_data (task, lines, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, compute_thread);
}

/* ---- rebuilding the sweep in a worker ---- */

typedef struct
{
  GPtrArray *lines;
  char *group_by;
} RebuildData;

static void
rebuild_data_free (RebuildData *data)
{
  g_ptr_array_unref (data->lines);
  g_free (data->group_by);
  g_free (data);
}

static void
rebuild_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RebuildData *data = task_data;

  g_task_return_pointer (task, debrief_sweep_new (data->lines, data->group_by), g_object_unref);
}

static void start_rebuild (DebriefSweepModel *self);
static gint64 rebuild_delay (DebriefSweepModel *self);

static void
rebuilt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (object);
  g_autoptr(DebriefSweep) sweep = g_task_propagate_pointer (G_TASK (result), NULL);
  gboolean was_busy = compute_busy (self);

  self->rebuilding = FALSE;
  self->last_rebuild = g_get_monotonic_time ();
  self->rebuild_cost_ms = (guint) ((self->last_rebuild - self->rebuild_started) / 1000);
  if (sweep != NULL)
    {
      g_set_object (&self->sweep, sweep);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SWEEP]);
    }
  if (self->rebuild_again)
    {
      self->rebuild_again = FALSE;
      schedule_rebuild (self);
    }
  update_busy (self, was_busy);
}

static void
start_rebuild (DebriefSweepModel *self)
{
  g_autoptr(GTask) task = NULL;
  RebuildData *data = g_new0 (RebuildData, 1);

  data->lines = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (data->lines, g_object_ref (g_ptr_array_index (self->items, i)));
  data->group_by = g_strdup (self->group_by);
  self->rebuilding = TRUE;
  self->rebuild_started = g_get_monotonic_time ();
  task = g_task_new (self, self->cancellable, rebuilt_cb, NULL);
  g_task_set_source_tag (task, start_rebuild);
  g_task_set_task_data (task, data, (GDestroyNotify) rebuild_data_free);
  g_task_run_in_thread (task, rebuild_thread);
}

static gboolean
rebuild_timeout (gpointer user_data)
{
  DebriefSweepModel *self = user_data;

  self->rebuild_source = 0;
  if (self->rebuilding)
    self->rebuild_again = TRUE;
  else if (rebuild_delay (self) > 0)
    schedule_rebuild (self);   /* runs came meanwhile: not yet */
  else
    start_rebuild (self);
  return G_SOURCE_REMOVE;
}

/* How long to wait before rebuilding: no time once every line is read and no
 * run has come for QUIET_MS; while runs arrive, until the interval since the
 * last rebuild is over. */
static gint64
rebuild_delay (DebriefSweepModel *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 since = (now - self->last_rebuild) / 1000;
  gint64 quiet = (now - self->last_runs_change) / 1000;
  gboolean reading = self->computing || g_hash_table_size (self->waiting) > 0 || self->reanalysed_source != 0;
  gint64 interval = MAX (REBUILD_DELAY_MS, 10 * (gint64) self->rebuild_cost_ms);
  gint64 until_interval = MAX (0, interval - since);

  if (!reading && quiet >= QUIET_MS)
    return 0;
  if (!reading)
    return MIN (QUIET_MS - quiet, until_interval);
  return until_interval > 0 ? until_interval : 0;
}

static void
schedule_rebuild (DebriefSweepModel *self)
{
  gint64 delay, due;

  if (self->rebuilding)
    {
      self->rebuild_again = TRUE;
      return;
    }
  delay = rebuild_delay (self);
  due = g_get_monotonic_time () + delay * 1000;
  /* A rebuild planned for later is brought forward when it can come sooner:
   * once the last line is read, QUIET_MS after the last run came, not at the
   * end of the interval planned while runs were still being read (the sweep
   * of a folder of 1,000 runs settled up to 0.4 s after its last line). */
  if (self->rebuild_source != 0 && self->rebuild_due <= due)
    return;
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  self->rebuild_due = due;
  self->rebuild_source = g_timeout_add ((guint) delay, rebuild_timeout, self);
}

/* ---- object ---- */

static void
debrief_sweep_model_dispose (GObject *object)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (object);
  GHashTableIter iter;
  gpointer run, id;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->reanalysed_source, g_source_remove);
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  if (self->watched != NULL)
    {
      g_hash_table_iter_init (&iter, self->watched);
      while (g_hash_table_iter_next (&iter, &run, &id))
        g_signal_handler_disconnect (run, GPOINTER_TO_SIZE (id));
      g_hash_table_remove_all (self->watched);
    }
  g_clear_object (&self->runs);
  g_clear_object (&self->sweep);

  G_OBJECT_CLASS (debrief_sweep_model_parent_class)->dispose (object);
}

static void
debrief_sweep_model_finalize (GObject *object)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->waiting, g_hash_table_unref);
  g_clear_pointer (&self->reanalysed, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->group_by, g_free);

  G_OBJECT_CLASS (debrief_sweep_model_parent_class)->finalize (object);
}

static void
debrief_sweep_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (object);

  switch (prop_id)
    {
    case PROP_SWEEP:
      g_value_set_object (value, self->sweep);
      break;
    case PROP_GROUP_BY:
      g_value_set_string (value, self->group_by);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, compute_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_sweep_model_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DebriefSweepModel *self = DEBRIEF_SWEEP_MODEL (object);

  switch (prop_id)
    {
    case PROP_GROUP_BY:
      debrief_sweep_model_set_group_by (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_sweep_model_class_init (DebriefSweepModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_sweep_model_dispose;
  object_class->finalize = debrief_sweep_model_finalize;
  object_class->get_property = debrief_sweep_model_get_property;
  object_class->set_property = debrief_sweep_model_set_property;

  properties[PROP_SWEEP] = g_param_spec_object ("sweep", NULL, NULL, DEBRIEF_TYPE_SWEEP,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GROUP_BY] = g_param_spec_string ("group-by", NULL, NULL, NULL,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_sweep_model_init (DebriefSweepModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched = g_hash_table_new (NULL, NULL);
  self->waiting = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->reanalysed = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

DebriefSweepModel *
debrief_sweep_model_new (GListModel *runs)
{
  DebriefSweepModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (runs), NULL);

  self = g_object_new (DEBRIEF_TYPE_SWEEP_MODEL, NULL);
  self->runs = g_object_ref (runs);
  g_signal_connect (runs, "items-changed", G_CALLBACK (runs_changed), self);
  runs_changed (runs, 0, 0, g_list_model_get_n_items (runs), self);
  return self;
}

DebriefSweep *
debrief_sweep_model_get_sweep (DebriefSweepModel *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_MODEL (self), NULL);
  return self->sweep;
}

const char *
debrief_sweep_model_get_group_by (DebriefSweepModel *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_MODEL (self), NULL);
  return self->group_by;
}

void
debrief_sweep_model_set_group_by (DebriefSweepModel *self,
                                  const char        *group_by)
{
  gboolean was_busy;

  g_return_if_fail (DEBRIEF_IS_SWEEP_MODEL (self));

  if (g_strcmp0 (self->group_by, group_by) == 0)
    return;
  was_busy = compute_busy (self);
  g_free (self->group_by);
  self->group_by = g_strdup (group_by);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP_BY]);
  schedule_rebuild (self);
  update_busy (self, was_busy);
}

gboolean
debrief_sweep_model_get_busy (DebriefSweepModel *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_MODEL (self), FALSE);
  return compute_busy (self);
}
