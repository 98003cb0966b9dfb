/* debrief-run-follower.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-error.h"
#include "debrief-folder-private.h"
#include "debrief-run.h"
#include "debrief-run-follower.h"

#define DEFAULT_POLL_INTERVAL_MS 2000
/* A local folder has monitors; its poll only catches what inotify cannot see. */
#define LOCAL_POLL_FACTOR 3
/* Trainers write in bursts (a line per metric, a flush per step): read once
 * the burst is over, and not more often than this. */
#define CHANGE_DELAY_MS 150
#define MIN_LOAD_INTERVAL_MS 500
/* A rewritten file caught half written: read again soon, a few times. */
#define CONFLICT_RETRY_MS 200
#define MAX_CONFLICTS 10
/* After another failure (the connection): try again, less and less often. */
#define ERROR_RETRY_MIN_MS 5000
#define ERROR_RETRY_MAX_MS 60000
/* The live state depends on the clock too (a run that went quiet). */
#define CLOCK_INTERVAL_S 30

struct _DebriefRunFollower
{
  GObject parent_instance;

  GFile *folder;
  char *text_pattern;
  DebriefLoadCache *cache;
  GMainContext *context;

  DebriefRun *run;
  DebriefRun *known;           /* the reading the caller had before the first */
  GError *error;
  DebriefLiveState state;
  gboolean started;

  /* Reading */
  GCancellable *cancellable;
  gboolean loading;
  gboolean dirty;            /* the files changed while they were being read */
  gboolean final_read_done;  /* read once more, not following, when it ended */
  guint n_conflicts;
  guint error_retry_ms;
  guint n_loads;
  GSource *load_source;
  gint64 load_due;           /* monotonic time load_source fires */
  gint64 last_load_end;      /* monotonic */

  /* Watching */
  GPtrArray *monitors;       /* GFileMonitor */
  GPtrArray *watched;        /* char *: the folders they watch, relative ("" the run folder) */
  GSource *poll_source;
  guint poll_interval;
  gboolean polling;
  GHashTable *stamps;        /* rel -> DebriefEntry, as the last poll saw them */
  gint64 newest_write_usec;  /* wall clock, from what the polls saw */
  GSource *clock_source;

  /* Pace */
  gint64 last_change_usec;   /* monotonic time of the last reading that brought points */
  gint64 last_change_step;
  double seconds_per_write;
  double seconds_per_step;
};

enum {
  PROP_0,
  PROP_FOLDER,
  PROP_RUN,
  PROP_STATE,
  PROP_ERROR,
  PROP_POLL_INTERVAL,
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefRunFollower, debrief_run_follower, G_TYPE_OBJECT)

static void schedule_load (DebriefRunFollower *self,
                           guint               delay_ms);
static void clear_source  (GSource           **source);
static void rearm_watches (DebriefRunFollower *self);
static void unwatch       (DebriefRunFollower *self);

/* ---- the live state ---- */

static void
update_state (DebriefRunFollower *self)
{
  DebriefRunProgress progress;
  DebriefLiveState state = DEBRIEF_LIVE_FINISHED;

  if (self->run != NULL)
    {
      debrief_run_progress_init (&progress);
      debrief_run_progress_copy (debrief_run_get_progress (self->run), &progress);
      progress.last_write_usec = MAX (progress.last_write_usec, self->newest_write_usec);
      state = debrief_run_progress_live_state (&progress, g_get_real_time (), self->seconds_per_write);
      debrief_run_progress_clear (&progress);
    }
  if (state == self->state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  /* It ended: read it once more as a finished run (a last line written without
   * its newline is read then). */
  if (state == DEBRIEF_LIVE_FINISHED && !self->final_read_done && self->started)
    schedule_load (self, 0);
}

static gboolean
clock_tick (gpointer user_data)
{
  update_state (user_data);
  return G_SOURCE_CONTINUE;
}

/* ---- reading ---- */

static gsize
series_points (DebriefRun *run)
{
  return run ? debrief_run_get_n_points (run) : 0;
}

static gboolean
same_strv (const char *const *a,
           const char *const *b)
{
  guint i;

  for (i = 0; a[i] && b[i]; i++)
    if (strcmp (a[i], b[i]) != 0)
      return FALSE;
  return a[i] == NULL && b[i] == NULL;
}

/* Whether a new reading says anything the one before did not. */
static gboolean
run_differs (DebriefRun *a,
             DebriefRun *b)
{
  GPtrArray *sa = debrief_run_get_series (a);
  GPtrArray *sb = debrief_run_get_series (b);
  DebriefRunProgress *pa = debrief_run_get_progress (a);
  DebriefRunProgress *pb = debrief_run_get_progress (b);

  if (sa->len != sb->len || debrief_run_get_n_checkpoints (a) != debrief_run_get_n_checkpoints (b))
    return TRUE;
  for (guint i = 0; i < sa->len; i++)
    if (debrief_series_get_length (g_ptr_array_index (sa, i)) != debrief_series_get_length (g_ptr_array_index (sb, i)) ||
        g_strcmp0 (debrief_series_get_name (g_ptr_array_index (sa, i)),
                   debrief_series_get_name (g_ptr_array_index (sb, i))) != 0)
      return TRUE;
  if (!same_strv (debrief_run_get_warnings (a), debrief_run_get_warnings (b)) ||
      !same_strv (debrief_run_get_source_files (a), debrief_run_get_source_files (b)))
    return TRUE;
  if (pa->step != pb->step || pa->total_steps != pb->total_steps || g_strcmp0 (pa->finished_by, pb->finished_by) != 0 ||
      !(pa->fraction == pb->fraction || (isnan (pa->fraction) && isnan (pb->fraction))) ||
      !(pa->remaining_seconds == pb->remaining_seconds ||
        (isnan (pa->remaining_seconds) && isnan (pb->remaining_seconds))))
    return TRUE;
  return g_strcmp0 (debrief_run_get_format (a), debrief_run_get_format (b)) != 0 ||
         g_strcmp0 (debrief_run_get_crash (a), debrief_run_get_crash (b)) != 0;
}

static gint64
last_step_of (DebriefRun *run)
{
  DebriefRunProgress *progress = debrief_run_get_progress (run);
  DebriefSeries *train = debrief_run_get_train_loss (run);
  GPtrArray *series = debrief_run_get_series (run);
  gint64 step = progress->step;

  if (train != NULL && debrief_series_get_length (train) > 0)
    step = MAX (step, debrief_series_get_last_step (train));
  else
    for (guint i = 0; i < series->len; i++)
      if (debrief_series_get_length (g_ptr_array_index (series, i)) > 0)
        step = MAX (step, debrief_series_get_last_step (g_ptr_array_index (series, i)));
  return step;
}

/* The pace seen here: the time between readings that brought points, per step. */
static void
update_pace (DebriefRunFollower *self,
             DebriefRun         *before,
             DebriefRun         *now)
{
  gint64 t = g_get_monotonic_time ();
  gint64 step = last_step_of (now);

  if (before != NULL && series_points (now) > series_points (before) && self->last_change_usec > 0)
    {
      double dt = (double) (t - self->last_change_usec) / G_USEC_PER_SEC;

      /* An average that follows a pace that changes (evaluation phases) without jumping. */
      self->seconds_per_write = isfinite (self->seconds_per_write) ? 0.7 * self->seconds_per_write + 0.3 * dt : dt;
      if (step > self->last_change_step && self->last_change_step >= 0)
        {
          double per_step = dt / (double) (step - self->last_change_step);
          self->seconds_per_step = isfinite (self->seconds_per_step) ? 0.7 * self->seconds_per_step + 0.3 * per_step
                                                                     : per_step;
        }
    }
  if (before == NULL || series_points (now) > series_points (before))
    {
      self->last_change_usec = t;
      self->last_change_step = step;
    }
}

static void
set_error (DebriefRunFollower *self,
           GError             *error)
{
  g_clear_error (&self->error);
  self->error = error;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DebriefRunFollower) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = debrief_run_load_finish (result, &error);

  self->loading = FALSE;
  self->last_load_end = g_get_monotonic_time ();

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
    return;
  self->n_loads++;

  if (run == NULL)
    {
      if (g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT) && self->n_conflicts++ < MAX_CONFLICTS)
        {
          /* A file caught being rewritten: the run shown stays, read it again soon. */
          schedule_load (self, CONFLICT_RETRY_MS);
          return;
        }
      set_error (self, g_steal_pointer (&error));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      /* A run that does not read yet (its log still empty) is looked at as often as
       * a run is polled, and watched; after the connection failed, less and less often. */
      if (self->run == NULL)
        self->error_retry_ms = self->poll_interval;
      else
        self->error_retry_ms = self->error_retry_ms == 0 ? ERROR_RETRY_MIN_MS
                                                         : MIN (self->error_retry_ms * 2, ERROR_RETRY_MAX_MS);
      rearm_watches (self);
      schedule_load (self, self->error_retry_ms);
      return;
    }

  self->n_conflicts = 0;
  self->error_retry_ms = 0;
  if (self->error != NULL)
    {
      set_error (self, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  self->newest_write_usec = MAX (self->newest_write_usec, debrief_run_get_progress (run)->last_write_usec);
  {
    /* A first reading that holds what the caller showed already is kept but
     * not handed over (a sweep of runs still training was each replaced once
     * right after it opened). */
    DebriefRun *before = self->run != NULL ? self->run : self->known;
    gboolean news = before == NULL || run_differs (before, run);

    if (news || self->run == NULL)
      {
        update_pace (self, self->run, run);
        g_set_object (&self->run, run);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
        if (news)
          g_signal_emit (self, signals[UPDATED], 0, run);
      }
  }
  g_clear_object (&self->known);
  rearm_watches (self);
  update_state (self);
  if (self->dirty)
    {
      self->dirty = FALSE;
      schedule_load (self, 0);
    }
}

static void
start_load (DebriefRunFollower *self)
{
  DebriefLoadOptions options = { 0 };

  options.text_pattern = self->text_pattern;
  options.cache = self->cache;
  /* A run that ended is read as a finished one, once. */
  options.following = !(self->state == DEBRIEF_LIVE_FINISHED && self->run != NULL && !self->final_read_done);
  if (!options.following)
    self->final_read_done = TRUE;
  self->loading = TRUE;
  debrief_run_load_with_options_async (self->folder, &options, NULL, NULL, NULL, self->cancellable, loaded_cb,
                                       g_object_ref (self));
}

static gboolean
load_now (gpointer user_data)
{
  DebriefRunFollower *self = user_data;

  g_clear_pointer (&self->load_source, g_source_unref);
  if (self->loading)
    self->dirty = TRUE;
  else
    start_load (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_load (DebriefRunFollower *self,
               guint               delay_ms)
{
  gint64 since = (g_get_monotonic_time () - self->last_load_end) / 1000;

  if (!self->started)
    return;
  if (self->loading)
    {
      self->dirty = TRUE;
      return;
    }
  if (self->last_load_end > 0 && since < MIN_LOAD_INTERVAL_MS)
    delay_ms = MAX (delay_ms, (guint) (MIN_LOAD_INTERVAL_MS - since));
  if (self->load_source != NULL)
    {
      /* One is already on its way; a change comes before a retry after an error. */
      if (self->load_due <= g_get_monotonic_time () + (gint64) delay_ms * 1000)
        return;
      clear_source (&self->load_source);
    }
  self->load_due = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  self->load_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->load_source, load_now, self, NULL);
  g_source_set_name (self->load_source, "[debrief] read a followed run again");
  g_source_attach (self->load_source, self->context);
}

/* ---- watching ---- */

/* Files the app and the CLI write into the run folder, and GIO's temporary
 * files: not the trainer's. */
static gboolean
is_own_file (const char *name)
{
  static const char *const names[] = { "analysis.md", "samples.jsonl", "judgements.jsonl", NULL };

  if (name == NULL || name[0] == '.' || g_str_has_suffix (name, "~"))
    return TRUE;
  return g_strv_contains (names, name) || g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".svg") ||
         g_str_has_suffix (name, ".pdf");
}

static void
monitor_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  DebriefRunFollower *self = user_data;
  g_autofree char *name = g_file_get_basename (file);

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || is_own_file (name))
    return;
  schedule_load (self, CHANGE_DELAY_MS);
}

/* The folders the run's files are in: the run folder, checkpoint-N/, runs/<date>/. */
static GPtrArray *
folders_to_watch (DebriefRunFollower *self)
{
  GPtrArray *folders = g_ptr_array_new_with_free_func (g_free);
  const char *const *files = self->run ? debrief_run_get_source_files (self->run) : NULL;

  g_ptr_array_add (folders, g_strdup (""));
  for (guint i = 0; files && files[i]; i++)
    {
      g_autofree char *dir = g_path_get_dirname (files[i]);
      const char *rel = strcmp (dir, ".") == 0 ? "" : dir;

      if (!g_ptr_array_find_with_equal_func (folders, rel, g_str_equal, NULL))
        g_ptr_array_add (folders, g_strdup (rel));
    }
  return folders;
}

static gboolean
same_folders (GPtrArray *a,
              GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

static void
unwatch (DebriefRunFollower *self)
{
  for (guint i = 0; self->monitors && i < self->monitors->len; i++)
    {
      GFileMonitor *monitor = g_ptr_array_index (self->monitors, i);
      g_signal_handlers_disconnect_by_data (monitor, self);
      g_file_monitor_cancel (monitor);
    }
  if (self->monitors)
    g_ptr_array_set_size (self->monitors, 0);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
}

typedef struct
{
  GFile *folder;
  GPtrArray *rels;           /* what to look at */
  GHashTable *stamps;        /* rel -> DebriefEntry, filled by the thread */
} PollData;

static void
poll_data_free (PollData *data)
{
  g_clear_object (&data->folder);
  g_clear_pointer (&data->rels, g_ptr_array_unref);
  g_clear_pointer (&data->stamps, g_hash_table_unref);
  g_free (data);
}

static void
poll_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PollData *data = task_data;
  g_autoptr(DebriefFolder) folder = debrief_folder_new (data->folder);

  /* A few stat calls; nothing is read. */
  for (guint i = 0; i < data->rels->len; i++)
    {
      const char *rel = g_ptr_array_index (data->rels, i);
      DebriefEntry *entry = g_new0 (DebriefEntry, 1);
      g_autoptr(GError) error = NULL;

      if (!debrief_folder_query (folder, *rel ? rel : NULL, entry, cancellable, &error) && error != NULL)
        {
          /* The connection: the next reading says so, and mounts it again. */
          g_free (entry);
          g_task_return_boolean (task, FALSE);
          return;
        }
      g_hash_table_insert (data->stamps, g_strdup (rel), entry);
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
stamps_equal (const DebriefEntry *a,
              const DebriefEntry *b)
{
  return a->type == b->type && a->size == b->size && a->mtime_usec == b->mtime_usec && a->inode == b->inode;
}

static void
polled_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DebriefRunFollower) self = user_data;
  PollData *data = g_task_get_task_data (G_TASK (result));
  gboolean reachable = g_task_propagate_boolean (G_TASK (result), NULL);
  gboolean changed = FALSE;
  GHashTableIter iter;
  gpointer key, value;

  self->polling = FALSE;
  if (!self->started)
    return;
  if (!reachable)
    {
      if (self->error == NULL)
        schedule_load (self, 0);  /* reading says what is wrong */
      return;
    }
  g_hash_table_iter_init (&iter, data->stamps);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      DebriefEntry *before = g_hash_table_lookup (self->stamps, key);
      DebriefEntry *now = value;

      if (before == NULL || !stamps_equal (before, now))
        changed = TRUE;
      if (now->type != DEBRIEF_ENTRY_FOLDER)
        self->newest_write_usec = MAX (self->newest_write_usec, now->mtime_usec);
    }
  /* The first poll only learns what is there. */
  if (changed && g_hash_table_size (self->stamps) > 0)
    schedule_load (self, 0);
  g_hash_table_unref (self->stamps);
  self->stamps = g_steal_pointer (&data->stamps);
  update_state (self);
}

static gboolean
poll_now (gpointer user_data)
{
  DebriefRunFollower *self = user_data;
  const char *const *files;
  g_autoptr(GTask) task = NULL;
  PollData *data;

  /* Before the first reading, the retries look at the folder. */
  if (self->polling || self->loading || self->run == NULL)
    return G_SOURCE_CONTINUE;
  files = debrief_run_get_source_files (self->run);
  data = g_new0 (PollData, 1);
  data->folder = g_object_ref (self->folder);
  data->rels = g_ptr_array_new_with_free_func (g_free);
  data->stamps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* The folder (a new file or checkpoint changes its time), the run's files and their folders. */
  if (self->watched != NULL)
    for (guint i = 0; i < self->watched->len; i++)
      g_ptr_array_add (data->rels, g_strdup (g_ptr_array_index (self->watched, i)));
  for (guint i = 0; files[i]; i++)
    g_ptr_array_add (data->rels, g_strdup (files[i]));

  self->polling = TRUE;
  task = g_task_new (NULL, self->cancellable, polled_cb, g_object_ref (self));
  g_task_set_source_tag (task, poll_now);
  g_task_set_task_data (task, data, (GDestroyNotify) poll_data_free);
  g_task_run_in_thread (task, poll_thread);
  return G_SOURCE_CONTINUE;
}

static void
rearm_watches (DebriefRunFollower *self)
{
  g_autoptr(GPtrArray) folders = folders_to_watch (self);
  gboolean local = g_file_is_native (self->folder);
  guint interval = self->poll_interval * (local ? LOCAL_POLL_FACTOR : 1);

  if (!same_folders (folders, self->watched))
    {
      unwatch (self);
      if (local)
        for (guint i = 0; i < folders->len; i++)
          {
            const char *rel = g_ptr_array_index (folders, i);
            g_autoptr(GFile) dir = *rel ? g_file_resolve_relative_path (self->folder, rel) : g_object_ref (self->folder);
            g_autoptr(GFileMonitor) monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, NULL, NULL);

            /* Without a monitor, the poll alone sees the changes. */
            if (monitor == NULL)
              continue;
            g_signal_connect (monitor, "changed", G_CALLBACK (monitor_changed), self);
            g_ptr_array_add (self->monitors, g_steal_pointer (&monitor));
          }
      self->watched = g_steal_pointer (&folders);
    }
  if (self->poll_source == NULL)
    {
      self->poll_source = g_timeout_source_new (interval);
      g_source_set_callback (self->poll_source, poll_now, self, NULL);
      g_source_set_name (self->poll_source, "[debrief] look at a followed run");
      g_source_attach (self->poll_source, self->context);
    }
  if (self->clock_source == NULL)
    {
      self->clock_source = g_timeout_source_new_seconds (CLOCK_INTERVAL_S);
      g_source_set_callback (self->clock_source, clock_tick, self, NULL);
      g_source_attach (self->clock_source, self->context);
    }
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* ---- the object ---- */

static void
debrief_run_follower_dispose (GObject *object)
{
  DebriefRunFollower *self = DEBRIEF_RUN_FOLLOWER (object);

  debrief_run_follower_stop (self);
  g_clear_object (&self->run);
  g_clear_object (&self->known);
  G_OBJECT_CLASS (debrief_run_follower_parent_class)->dispose (object);
}

static void
debrief_run_follower_finalize (GObject *object)
{
  DebriefRunFollower *self = DEBRIEF_RUN_FOLLOWER (object);

  g_clear_object (&self->folder);
  g_free (self->text_pattern);
  g_clear_pointer (&self->cache, debrief_load_cache_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_pointer (&self->stamps, g_hash_table_unref);
  G_OBJECT_CLASS (debrief_run_follower_parent_class)->finalize (object);
}

static void
debrief_run_follower_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DebriefRunFollower *self = DEBRIEF_RUN_FOLLOWER (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      g_value_set_object (value, self->folder);
      break;
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_run_follower_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DebriefRunFollower *self = DEBRIEF_RUN_FOLLOWER (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      self->folder = g_value_dup_object (value);
      break;
    case PROP_POLL_INTERVAL:
      debrief_run_follower_set_poll_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_run_follower_class_init (DebriefRunFollowerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_run_follower_dispose;
  object_class->finalize = debrief_run_follower_finalize;
  object_class->get_property = debrief_run_follower_get_property;
  object_class->set_property = debrief_run_follower_set_property;

  properties[PROP_FOLDER] =
    g_param_spec_object ("folder", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, DEBRIEF_TYPE_RUN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DEBRIEF_TYPE_LIVE_STATE, DEBRIEF_LIVE_FINISHED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 100, 600000, DEFAULT_POLL_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A new reading of the run, with something the one before did not have. */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, DEBRIEF_TYPE_RUN);
}

static void
debrief_run_follower_init (DebriefRunFollower *self)
{
  self->cache = debrief_load_cache_new ();
  self->state = DEBRIEF_LIVE_FINISHED;
  self->poll_interval = DEFAULT_POLL_INTERVAL_MS;
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->stamps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->seconds_per_write = NAN;
  self->seconds_per_step = NAN;
  self->last_change_step = -1;
}

DebriefRunFollower *
debrief_run_follower_new (GFile                    *folder,
                          const DebriefLoadOptions *options)
{
  DebriefRunFollower *self;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  self = g_object_new (DEBRIEF_TYPE_RUN_FOLLOWER, "folder", folder, NULL);
  if (options != NULL && options->text_pattern != NULL && *options->text_pattern != '\0')
    self->text_pattern = g_strdup (options->text_pattern);
  return self;
}

GFile *
debrief_run_follower_get_folder (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), NULL);
  return self->folder;
}

void
debrief_run_follower_set_known_run (DebriefRunFollower *self,
                                    DebriefRun         *run)
{
  g_return_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self));
  g_return_if_fail (run == NULL || DEBRIEF_IS_RUN (run));

  g_set_object (&self->known, run);
}

void
debrief_run_follower_start (DebriefRunFollower *self)
{
  g_return_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self));

  if (self->started)
    return;
  self->started = TRUE;
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  schedule_load (self, 0);
}

void
debrief_run_follower_stop (DebriefRunFollower *self)
{
  g_return_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self));

  if (!self->started)
    return;
  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_source (&self->load_source);
  clear_source (&self->poll_source);
  clear_source (&self->clock_source);
  unwatch (self);
  self->loading = FALSE;
  self->polling = FALSE;
  self->dirty = FALSE;
}

void
debrief_run_follower_reload (DebriefRunFollower *self)
{
  g_return_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self));

  self->error_retry_ms = 0;
  clear_source (&self->load_source);
  schedule_load (self, 0);
}

DebriefRun *
debrief_run_follower_get_run (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), NULL);
  return self->run;
}

const GError *
debrief_run_follower_get_error (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), NULL);
  return self->error;
}

DebriefLiveState
debrief_run_follower_get_state (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), DEBRIEF_LIVE_FINISHED);
  return self->state;
}

double
debrief_run_follower_get_eta (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), NAN);

  if (self->run == NULL || self->state == DEBRIEF_LIVE_FINISHED)
    return NAN;
  return debrief_run_progress_eta (debrief_run_get_progress (self->run), self->seconds_per_step);
}

double
debrief_run_follower_get_seconds_per_step (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), NAN);
  return self->seconds_per_step;
}

guint
debrief_run_follower_get_poll_interval (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), 0);
  return self->poll_interval;
}

void
debrief_run_follower_set_poll_interval (DebriefRunFollower *self,
                                        guint               milliseconds)
{
  g_return_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self));

  milliseconds = CLAMP (milliseconds, 100, 600000);
  if (self->poll_interval == milliseconds)
    return;
  self->poll_interval = milliseconds;
  clear_source (&self->poll_source);
  if (self->started && self->run != NULL)
    rearm_watches (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

gboolean
debrief_run_follower_get_settled (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), FALSE);

  return !self->loading && self->load_source == NULL && !self->dirty &&
         (self->state != DEBRIEF_LIVE_FINISHED || self->final_read_done || self->run == NULL);
}

DebriefLoadCache *
debrief_run_follower_get_cache (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), NULL);
  return self->cache;
}

guint
debrief_run_follower_get_n_loads (DebriefRunFollower *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_FOLLOWER (self), 0);
  return self->n_loads;
}
