/* debrief-loader.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finds the logs in a run folder by content, reads each candidate with its
 * reader, keeps the richest (a LLaMA-Factory folder holds the same points in
 * trainer_log.jsonl and trainer_state.json: they are loaded once), then fills
 * what the files leave open (model dimensions from the built-in table, what
 * the adapter covers).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "debrief-error.h"
#include "debrief-loader.h"
#include "debrief-loader-private.h"
#include "debrief-reader-private.h"
#include "debrief-reader-csv-private.h"
#include "debrief-reader-hf-private.h"
#include "debrief-reader-jsonl-private.h"
#include "debrief-reader-seed-private.h"
#include "debrief-reader-tensorboard-private.h"
#include "debrief-reader-tinker-private.h"
#include "debrief-reader-mlflow-private.h"
#include "debrief-reader-text-private.h"
#include "debrief-reader-wandb-private.h"
#include "debrief-run-progress.h"

/* How much of a file detection reads. */
#define PEEK_SIZE (64 * 1024)
/* Progress is sent to the main context at most this often (fraction steps). */
#define PROGRESS_GRANULARITY 0.01

typedef enum
{
  CANDIDATE_HF,
  CANDIDATE_LLAMAFACTORY,
  CANDIDATE_TINKER,
  CANDIDATE_SEED,
  CANDIDATE_LIGHTNING_CSV,
  CANDIDATE_TENSORBOARD,
  CANDIDATE_GENERIC_JSONL,
  CANDIDATE_GENERIC_CSV,
  CANDIDATE_WANDB,
  CANDIDATE_TEXT,
  CANDIDATE_MLFLOW,
} CandidateKind;

typedef struct
{
  CandidateKind kind;
  char *rel;        /* the main file, relative to the folder; NULL for hf / tensorboard */
} Candidate;

static void
candidate_free (Candidate *candidate)
{
  g_free (candidate->rel);
  g_free (candidate);
}

static const char *
candidate_format (CandidateKind kind)
{
  switch (kind)
    {
    case CANDIDATE_HF: return "hf_trainer";
    case CANDIDATE_LLAMAFACTORY: return "llamafactory";
    case CANDIDATE_TINKER: return "tinker";
    case CANDIDATE_SEED: return "seed";
    case CANDIDATE_LIGHTNING_CSV: return "lightning_csv";
    case CANDIDATE_TENSORBOARD: return "tensorboard";
    case CANDIDATE_WANDB: return "wandb";
    case CANDIDATE_TEXT: return "text";
    case CANDIDATE_MLFLOW: return "mlflow";
    case CANDIDATE_GENERIC_JSONL:
    case CANDIDATE_GENERIC_CSV:
    default:
      return "generic";
    }
}

static void
add_candidate (GPtrArray     *candidates,
               CandidateKind  kind,
               const char    *rel)
{
  Candidate *c = g_new0 (Candidate, 1);

  c->kind = kind;
  c->rel = g_strdup (rel);
  g_ptr_array_add (candidates, c);
}

/* The first bytes of a file (never more than PEEK_SIZE), NUL-terminated; NULL when unreadable. */
static char *
peek_file (DebriefLoadJob *job,
           const char     *rel,
           gsize          *length)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  char *buf;

  if (!debrief_load_job_has_file (job, rel))
    return NULL;
  bytes = debrief_load_job_read_part (job, rel, 0, PEEK_SIZE, &error);
  if (bytes == NULL)
    {
      if (job->connection_error == NULL && g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK))
        job->connection_error = g_steal_pointer (&error);
      return NULL;
    }
  data = g_bytes_get_data (bytes, length);
  buf = g_malloc (*length + 1);
  if (*length > 0)
    memcpy (buf, data, *length);
  buf[*length] = '\0';
  return buf;
}

/* Files of other tools that happen to be JSON lines or CSV. */
static gboolean
is_excluded_log (const char *name)
{
  static const char *const excluded[] = {
    "checkpoints.jsonl", "samples.jsonl", "judgements.jsonl", "trainer_log.jsonl", NULL
  };

  for (guint i = 0; excluded[i]; i++)
    if (strcmp (name, excluded[i]) == 0)
      return TRUE;
  return g_str_has_suffix (name, "_checkpoints.jsonl") || g_str_has_suffix (name, "-checkpoints.jsonl");
}

/* tinker-cookbook's metrics.jsonl, a recipe's <name>_metrics.jsonl, a script's <name>-metrics.jsonl. */
static gboolean
is_metrics_name (const char *name)
{
  return strcmp (name, "metrics.jsonl") == 0 || g_str_has_suffix (name, "_metrics.jsonl") ||
         g_str_has_suffix (name, "-metrics.jsonl");
}

static GPtrArray *
find_candidates (DebriefLoadJob *job)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  g_autoptr(GPtrArray) names = debrief_load_job_list (job, NULL);
  gboolean have_tinker = FALSE;

  if (names->len == 0)
    return g_steal_pointer (&candidates);

  if (debrief_reader_hf_folder_has_state (job))
    add_candidate (candidates, CANDIDATE_HF, NULL);
  if (debrief_load_job_has_file (job, "trainer_log.jsonl"))
    add_candidate (candidates, CANDIDATE_LLAMAFACTORY, "trainer_log.jsonl");

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *peek = NULL;
      gsize length = 0;

      if (!g_str_has_suffix (n, ".jsonl") || is_excluded_log (n))
        continue;
      if (!is_metrics_name (n) && g_str_has_prefix (n, "."))
        continue;
      peek = peek_file (job, n, &length);
      if (peek == NULL)
        continue;
      if (is_metrics_name (n) && !have_tinker && debrief_reader_jsonl_is_tinker (peek, length))
        {
          add_candidate (candidates, CANDIDATE_TINKER, n);
          have_tinker = TRUE;
        }
      else if (debrief_reader_jsonl_detect (peek, length) ||
               (strcmp (n, "metrics.jsonl") == 0 && length > 0))
        add_candidate (candidates, CANDIDATE_GENERIC_JSONL, n);
    }

  if (debrief_load_job_has_file (job, "metrics.json"))
    {
      g_autofree char *peek = NULL;
      gsize length = 0;

      /* metrics.json is the checklist's own name: try it even when its keys are
       * not in the first bytes, so that a broken file gets a real error. */
      peek = peek_file (job, "metrics.json", &length);
      if (peek != NULL)
        add_candidate (candidates, CANDIDATE_SEED, "metrics.json");
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *peek = NULL;
      gsize length = 0;

      if (!g_str_has_suffix (n, ".csv") || g_str_has_prefix (n, "."))
        continue;
      peek = peek_file (job, n, &length);
      if (peek == NULL)
        continue;
      if (strcmp (n, "metrics.csv") == 0)
        add_candidate (candidates, CANDIDATE_LIGHTNING_CSV, n);
      else if (debrief_reader_csv_detect (peek, length))
        add_candidate (candidates, CANDIDATE_GENERIC_CSV, n);
    }


  if (debrief_reader_tensorboard_folder_has_events (job))
    add_candidate (candidates, CANDIDATE_TENSORBOARD, NULL);

  {
    g_autofree char *wandb = debrief_reader_wandb_find_log (job);
    if (wandb != NULL)
      add_candidate (candidates, CANDIDATE_WANDB, wandb);
  }

  if (debrief_reader_mlflow_folder_is_run (job))
    add_candidate (candidates, CANDIDATE_MLFLOW, NULL);

  {
    g_autoptr(GPtrArray) logs = debrief_reader_text_find_logs (job, job->text_pattern);
    for (guint i = 0; i < logs->len; i++)
      add_candidate (candidates, CANDIDATE_TEXT, g_ptr_array_index (logs, i));
  }

  /* A log under its well-known name that is a folder, a dangling link or a
   * link leading elsewhere: reading it gives an error that names it, instead
   * of "no training log found". */
  if (candidates->len == 0)
    {
      static const struct { const char *name; CandidateKind kind; } known[] = {
        { "metrics.json", CANDIDATE_SEED },
        { "metrics.jsonl", CANDIDATE_GENERIC_JSONL },
        { "trainer_log.jsonl", CANDIDATE_LLAMAFACTORY },
        { "metrics.csv", CANDIDATE_LIGHTNING_CSV },
        { "trainer_state.json", CANDIDATE_HF },
      };
      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        {
          DebriefEntry entry;
          if (debrief_load_job_entry (job, known[i].name, &entry) && entry.target != DEBRIEF_ENTRY_FILE)
            add_candidate (candidates, known[i].kind, known[i].name);
        }
    }

  return g_steal_pointer (&candidates);
}

static gboolean
load_candidate (DebriefLoadJob  *job,
                DebriefRun      *run,
                Candidate       *candidate,
                GError         **error)
{
  DebriefReadContext ctx;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize length;
  gboolean ok = FALSE;

  if (candidate->kind == CANDIDATE_HF)
    return debrief_reader_hf_load (job, run, error);
  if (candidate->kind == CANDIDATE_TINKER)
    return debrief_reader_tinker_load (job, run, candidate->rel, error);
  if (candidate->kind == CANDIDATE_TENSORBOARD)
    return debrief_reader_tensorboard_load (job, run, error);
  if (candidate->kind == CANDIDATE_MLFLOW)
    return debrief_reader_mlflow_load (job, run, error);
  if (candidate->kind == CANDIDATE_WANDB)
    return debrief_reader_wandb_load (job, run, candidate->rel, error);
  if (candidate->kind == CANDIDATE_LLAMAFACTORY)
    {
      DebriefJsonlOptions options = { debrief_key_map_llamafactory, "current_steps", NULL, TRUE };
      return debrief_reader_jsonl_load (job, run, candidate->rel, &options, NULL, error);
    }
  if (candidate->kind == CANDIDATE_GENERIC_JSONL)
    return debrief_reader_jsonl_load (job, run, candidate->rel, NULL, NULL, error);

  /* Files rewritten whole (metrics.json) are read again; CSV and text logs too. */
  bytes = debrief_load_job_read_settled (job, run, candidate->rel, &path, &ctx, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &length);
  if (job->following && candidate->kind != CANDIDATE_SEED)
    {
      /* A last line still being written is read once it is whole, not as a short row. */
      while (length > 0 && data[length - 1] != '\n')
        length--;
    }
  switch (candidate->kind)
    {
    case CANDIDATE_SEED:
      ok = debrief_reader_seed_parse (&ctx, data, length, error);
      break;
    case CANDIDATE_LIGHTNING_CSV:
    case CANDIDATE_GENERIC_CSV:
      ok = debrief_reader_csv_parse (&ctx, data, length, error);
      break;
    case CANDIDATE_TEXT:
      ok = debrief_reader_text_parse (&ctx, data, length, job->text_pattern, error);
      break;
    case CANDIDATE_HF:
    case CANDIDATE_TINKER:
    case CANDIDATE_TENSORBOARD:
    case CANDIDATE_WANDB:
    case CANDIDATE_MLFLOW:
    case CANDIDATE_LLAMAFACTORY:
    case CANDIDATE_GENERIC_JSONL:
    default:
      g_assert_not_reached ();
    }
  debrief_load_job_file_done (job, &ctx, length);
  if (ok)
    debrief_run_add_source_file (run, candidate->rel);
  return ok;
}

static gsize
loss_points (DebriefRun *run)
{
  gsize n = 0;
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);

  if (train)
    n += debrief_series_get_length (train);
  if (val)
    n += debrief_series_get_length (val);
  return n;
}

static gboolean
richer (DebriefRun *a,
        DebriefRun *b)
{
  gsize la = loss_points (a), lb = loss_points (b);

  if (la != lb)
    return la > lb;
  return debrief_run_get_n_points (a) > debrief_run_get_n_points (b);
}

/* A remote folder whose connection failed during the load: one error for the
 * folder (the app offers to try again), not a run made of what was read before. */
static gboolean
connection_lost (DebriefLoadJob  *job,
                 GError         **error)
{
  if (job->connection_error == NULL)
    return FALSE;
  g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
               _("%s: the connection to the folder failed while reading it (%s)"),
               job->folder_path, job->connection_error->message);
  return TRUE;
}

/* What says the run is over whatever wrote it, and when its files last changed. */
static void
complete_progress (DebriefLoadJob *job,
                   DebriefRun     *run)
{
  static const char *const end_files[] = { "train_results.json", "all_results.json", NULL };
  DebriefRunProgress *progress = debrief_run_get_progress (run);
  const char *const *files = debrief_run_get_source_files (run);
  DebriefEntry entry;

  for (guint i = 0; end_files[i] && progress->finished_by == NULL; i++)
    if (debrief_load_job_has_file (job, end_files[i]))
      /* Translators: %s is a file name, as in "finished: train_results.json was written" */
      progress->finished_by = g_strdup_printf (_("%s was written"), end_files[i]);
  if (progress->finished_by == NULL && debrief_run_get_crash (run) != NULL)
    progress->finished_by = g_strdup_printf (_("it crashed: %s"), debrief_run_get_crash (run));
  for (guint i = 0; files[i]; i++)
    if (debrief_load_job_entry (job, files[i], &entry) && entry.mtime_usec > progress->last_write_usec)
      progress->last_write_usec = entry.mtime_usec;
  /* The trainer did not say where it is: the last step it logged. */
  if (progress->step < 0)
    {
      DebriefSeries *train = debrief_run_get_train_loss (run);
      GPtrArray *series = debrief_run_get_series (run);

      if (train != NULL && debrief_series_get_length (train) > 0)
        progress->step = debrief_series_get_last_step (train);
      for (guint i = 0; progress->step < 0 && i < series->len; i++)
        if (debrief_series_get_length (g_ptr_array_index (series, i)) > 0)
          progress->step = debrief_series_get_last_step (g_ptr_array_index (series, i));
    }
}

static DebriefRun *
load_folder (DebriefLoadJob  *job,
             GFile           *folder,
             GError         **error)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(DebriefRun) best = NULL;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  const char *format = NULL;
  gboolean llamafactory = FALSE;
  DebriefEntry entry;

  if (!debrief_load_job_entry (job, NULL, &entry) || entry.target != DEBRIEF_ENTRY_FOLDER)
    {
      if (connection_lost (job, error))
        return NULL;
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                   _("%s: not a folder (a run is the folder its trainer wrote)"), job->folder_path);
      return NULL;
    }

  candidates = find_candidates (job);
  if (connection_lost (job, error))
    return NULL;
  if (candidates->len == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                   _("%s: no training log found (expected metrics.json, metrics.jsonl, trainer_state.json, "
                     "trainer_log.jsonl, metrics.csv, events.out.tfevents.*, a W&B run-*.wandb, "
                     "a JSON-lines/CSV log with a step and a loss, or a text log with lines such as "
                     "“step 100 | loss 2.31”)"), job->folder_path);
      return NULL;
    }

  /* Progress: by bytes of the main files. */
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);
      if (c->rel != NULL && debrief_load_job_entry (job, c->rel, &entry))
        job->bytes_total += entry.size;
      if (c->kind == CANDIDATE_LLAMAFACTORY)
        llamafactory = TRUE;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);
      g_autoptr(DebriefRun) run = debrief_run_new (folder);
      GError *local = NULL;

      if (!load_candidate (job, run, c, &local))
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, local);
              return NULL;
            }
          if (job->connection_error == NULL && g_error_matches (local, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK))
            job->connection_error = g_error_copy (local);
          if (connection_lost (job, error))
            {
              g_error_free (local);
              return NULL;
            }
          g_ptr_array_add (failures, local);
          continue;
        }
      if (best == NULL || richer (run, best))
        {
          g_set_object (&best, run);
          format = candidate_format (c->kind);
        }
    }

  if (best == NULL)
    {
      GError *first = g_ptr_array_steal_index (failures, 0);
      g_propagate_error (error, first);
      return NULL;
    }
  for (guint i = 0; i < failures->len; i++)
    debrief_run_add_warning (best, _("%s (another log was used)"),
                             ((GError *) g_ptr_array_index (failures, i))->message);

  /* The folder is a LLaMA-Factory run even when its trainer_state.json was the richer file. */
  debrief_run_set_format (best, llamafactory && g_strcmp0 (format, "hf_trainer") == 0 ? "llamafactory" : format);
  debrief_loader_complete_run (job, best);
  complete_progress (job, best);
  if (connection_lost (job, error))
    return NULL;

  if (job->progress != NULL)
    job->progress (job->progress_data, 1.0);

  if (loss_points (best) == 0)
    debrief_run_add_warning (best, _("%s: no loss was logged (an RL run logging rewards?); its curves are "
                                     "shown, the loss-based checks do not apply"),
                             debrief_run_get_source_files (best)[0] ? debrief_run_get_source_files (best)[0]
                                                                    : job->folder_path);
  return g_steal_pointer (&best);
}

gboolean
debrief_load_check_text_pattern (const char  *pattern,
                                 GError     **error)
{
  g_autoptr(DebriefTextPattern) compiled = debrief_text_pattern_new (pattern, error);
  return compiled != NULL;
}

static void
job_init (DebriefLoadJob *job,
          GFile          *folder)
{
  job->folder = debrief_folder_new (folder);
  job->folder_path = g_strdup (debrief_folder_get_display (job->folder));
}

static void
job_clear (DebriefLoadJob *job)
{
  g_clear_pointer (&job->folder, debrief_folder_free);
  g_clear_pointer (&job->folder_path, g_free);
  g_clear_error (&job->connection_error);
  g_clear_pointer (&job->one_off_tails, g_ptr_array_unref);
}

static DebriefRun *
load_with_progress (GFile                    *folder,
                    const DebriefLoadOptions *options,
                    GCancellable             *cancellable,
                    void                    (*progress) (gpointer, double),
                    gpointer                  progress_data,
                    GError                  **error)
{
  DebriefLoadJob job = { 0 };
  g_autoptr(DebriefTextPattern) pattern = NULL;
  DebriefRun *run;

  if (options != NULL && options->text_pattern != NULL && options->text_pattern[0] != '\0')
    {
      pattern = debrief_text_pattern_new (options->text_pattern, error);
      if (pattern == NULL)
        return NULL;
    }
  /* A remote folder is mounted first (again, when its connection dropped): Retry is a new load. */
  if (!debrief_mount_folder (folder, cancellable, error))
    return NULL;
  job_init (&job, folder);
  job.text_pattern = pattern;
  job.cancellable = cancellable;
  job.progress = progress;
  job.progress_data = progress_data;
  {
    /* A run of an MLflow database: "<database>/<run_uuid>". */
    g_autofree char *database = NULL;
    g_autofree char *run_uuid = NULL;
    if (debrief_reader_mlflow_split_run_path (job.folder_path, &database, &run_uuid))
      {
        run = debrief_run_new (folder);
        if (!debrief_reader_mlflow_load_database_run (run, database, run_uuid, cancellable, error))
          g_clear_object (&run);
        else
          {
            debrief_run_set_format (run, "mlflow");
            debrief_loader_complete_run (&job, run);
          }
        job_clear (&job);
        return run;
      }
  }
  if (options != NULL && options->cache != NULL)
    {
      guint64 load = debrief_load_cache_begin (options->cache);

      job.cache = options->cache;
      job.following = options->following;
      run = load_folder (&job, folder, error);
      debrief_load_cache_end (options->cache, load);
    }
  else
    run = load_folder (&job, folder, error);
  job_clear (&job);
  return run;
}

/* Pattern for discovery; an invalid one is no pattern (loading says why). */
static DebriefTextPattern *
options_pattern (const DebriefLoadOptions *options)
{
  if (options == NULL || options->text_pattern == NULL || options->text_pattern[0] == '\0')
    return NULL;
  return debrief_text_pattern_new (options->text_pattern, NULL);
}

static gboolean
folder_is_run (GFile                    *folder,
               const DebriefTextPattern *pattern)
{
  DebriefLoadJob job = { 0 };
  g_autoptr(GPtrArray) candidates = NULL;
  gboolean is_run = FALSE;

  job_init (&job, folder);
  job.text_pattern = pattern;
  if (debrief_load_job_has_folder (&job, NULL))
    {
      candidates = find_candidates (&job);
      is_run = candidates->len > 0;
    }
  job_clear (&job);
  return is_run;
}

gboolean
debrief_folder_is_run (GFile *folder)
{
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);
  return folder_is_run (folder, NULL);
}

gboolean
debrief_folder_is_run_with_options (GFile                    *folder,
                                    const DebriefLoadOptions *options)
{
  g_autoptr(DebriefTextPattern) pattern = NULL;

  g_return_val_if_fail (G_IS_FILE (folder), FALSE);
  pattern = options_pattern (options);
  return folder_is_run (folder, pattern);
}

DebriefRun *
debrief_run_load (GFile         *folder,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_return_val_if_fail (G_IS_FILE (folder), NULL);
  return load_with_progress (folder, NULL, cancellable, NULL, NULL, error);
}

DebriefRun *
debrief_run_load_with_options (GFile                    *folder,
                               const DebriefLoadOptions *options,
                               GCancellable             *cancellable,
                               GError                  **error)
{
  g_return_val_if_fail (G_IS_FILE (folder), NULL);
  return load_with_progress (folder, options, cancellable, NULL, NULL, error);
}

typedef struct
{
  DebriefProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_notify;
  GMainContext *context;
  double last_sent;
  DebriefLoadOptions options;   /* strings owned */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free ((char *) data->options.text_pattern);
  g_clear_pointer (&data->options.cache, debrief_load_cache_unref);
  if (data->progress_notify)
    data->progress_notify (data->progress_data);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

typedef struct
{
  GTask *task;
  double fraction;
} ProgressMessage;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressMessage *message = user_data;
  LoadData *data = g_task_get_task_data (message->task);

  if (data->progress)
    data->progress (message->fraction, data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_message_free (gpointer user_data)
{
  ProgressMessage *message = user_data;

  g_object_unref (message->task);
  g_free (message);
}

static void
thread_progress (gpointer user_data,
                 double   fraction)
{
  GTask *task = user_data;
  LoadData *data = g_task_get_task_data (task);
  ProgressMessage *message;

  if (data->progress == NULL || (fraction - data->last_sent < PROGRESS_GRANULARITY && fraction < 1.0))
    return;
  if (fraction >= 1.0 && data->last_sent >= 1.0)
    return;
  data->last_sent = fraction;
  message = g_new0 (ProgressMessage, 1);
  message->task = g_object_ref (task);
  message->fraction = fraction;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_progress, message,
                              progress_message_free);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *folder = source_object;
  GError *error = NULL;
  DebriefRun *run;

  LoadData *data = task_data;

  run = load_with_progress (folder, &data->options, cancellable, thread_progress, task, &error);
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, g_object_unref);
}

void
debrief_run_load_async (GFile               *folder,
                        DebriefProgressFunc  progress,
                        gpointer             progress_data,
                        GDestroyNotify       progress_notify,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  debrief_run_load_with_options_async (folder, NULL, progress, progress_data, progress_notify, cancellable,
                                       callback, user_data);
}

void
debrief_run_load_with_options_async (GFile                    *folder,
                                     const DebriefLoadOptions *options,
                                     DebriefProgressFunc       progress,
                                     gpointer                  progress_data,
                                     GDestroyNotify            progress_notify,
                                     GCancellable             *cancellable,
                                     GAsyncReadyCallback       callback,
                                     gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (folder, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_run_load_with_options_async);
  g_task_set_return_on_cancel (task, FALSE);
  data = g_new0 (LoadData, 1);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_notify = progress_notify;
  data->context = g_main_context_ref_thread_default ();
  if (options != NULL)
    {
      data->options.text_pattern = g_strdup (options->text_pattern);
      data->options.cache = options->cache ? debrief_load_cache_ref (options->cache) : NULL;
      data->options.following = options->following;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

DebriefRun *
debrief_run_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == debrief_run_load_with_options_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
compare_files_by_path (gconstpointer a,
                       gconstpointer b)
{
  /* Paths for local folders, URIs for remote ones (which have no path). */
  g_autofree char *na = g_file_get_path (*(GFile **) a);
  g_autofree char *nb = g_file_get_path (*(GFile **) b);

  if (na == NULL || nb == NULL)
    {
      g_free (na);
      g_free (nb);
      na = g_file_get_uri (*(GFile **) a);
      nb = g_file_get_uri (*(GFile **) b);
    }
  return g_strcmp0 (na, nb);
}

/* Children of @folder that are runs; @recurse looks one level further into the others. */
static gboolean
collect_runs (GFile                    *folder,
              const DebriefTextPattern *pattern,
              gboolean                  recurse,
              GPtrArray                *runs,
              GCancellable             *cancellable,
              GError                  **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                        cancellable, error);
  if (children == NULL)
    return FALSE;

  for (;;)
    {
      GFileInfo *info;
      GFile *child;
      gboolean container;

      if (!g_file_enumerator_iterate (children, &info, &child, cancellable, error))
        return FALSE;
      if (info == NULL)
        break;
      /* Symbolic links are not followed: a link loop must not hang discovery. */
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
        continue;
      /* mlruns/<experiment>/<run>: an MLflow store is searched two levels further. */
      container = g_strcmp0 (g_file_info_get_name (info), "mlruns") == 0;
      if (folder_is_run (child, pattern))
        g_ptr_array_add (found, g_object_ref (child));
      else if ((recurse || container) && !collect_runs (child, pattern, container, found, cancellable, NULL) &&
               g_cancellable_is_cancelled (cancellable))
        return g_cancellable_set_error_if_cancelled (cancellable, error), FALSE;
    }
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (runs, g_object_ref (g_ptr_array_index (found, i)));
  return TRUE;
}

GPtrArray *
debrief_discover_runs (GFile         *folder,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return debrief_discover_runs_with_options (folder, NULL, cancellable, error);
}

GPtrArray *
debrief_discover_runs_with_options (GFile                    *folder,
                                    const DebriefLoadOptions *options,
                                    GCancellable             *cancellable,
                                    GError                  **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *display = NULL;
  g_autoptr(DebriefTextPattern) pattern = NULL;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  pattern = options_pattern (options);
  display = g_file_get_parse_name (folder);
  if (!debrief_mount_folder (folder, cancellable, error))
    return NULL;
  {
    /* An MLflow database, or a folder with one: each of its runs. */
    g_autofree char *path = g_file_get_path (folder);
    g_autofree char *database = path && g_file_test (path, G_FILE_TEST_IS_DIR)
                                ? g_build_filename (path, "mlflow.db", NULL) : g_strdup (path);
    g_autofree char *db_of_run = NULL;
    g_autofree char *run_uuid = NULL;

    /* One run of a database, as <database>/<run_uuid> (the path Debrief prints). */
    if (path != NULL && debrief_reader_mlflow_split_run_path (path, &db_of_run, &run_uuid))
      {
        g_ptr_array_add (runs, g_object_ref (folder));
        return g_steal_pointer (&runs);
      }
    if (database != NULL && debrief_reader_mlflow_is_database (database))
      {
        g_autoptr(GPtrArray) db_runs = debrief_reader_mlflow_database_runs (database, error);
        if (db_runs == NULL)
          return NULL;
        for (guint i = 0; i < db_runs->len; i++)
          g_ptr_array_add (runs, g_object_ref (g_ptr_array_index (db_runs, i)));
        if (!g_file_test (path, G_FILE_TEST_IS_DIR))
          {
            if (runs->len == 0)
              {
                g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                             _("%s: the MLflow database holds no run that logged a metric"), display);
                return NULL;
              }
            return g_steal_pointer (&runs);
          }
      }
  }
  if (runs->len == 0 && folder_is_run (folder, pattern))
    {
      g_ptr_array_add (runs, g_object_ref (folder));
      return g_steal_pointer (&runs);
    }
  if (!collect_runs (folder, pattern, TRUE, runs, cancellable, error))
    return NULL;
  if (runs->len == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                   _("%s: no training run found in this folder or its subfolders"), display);
      return NULL;
    }
  g_ptr_array_sort (runs, compare_files_by_path);
  return g_steal_pointer (&runs);
}

/* ---- remote folders ---- */

/* A mount whose connection dropped stays registered while gvfsd takes it down
 * ("Backend currently unmounting"): mounting again succeeds only after that. */
#define MOUNT_ATTEMPTS 25
#define MOUNT_RETRY_MS 200

typedef struct
{
  GMountOperation *operation;
  guint attempt;
} MountData;

static void
mount_data_free (MountData *data)
{
  g_clear_object (&data->operation);
  g_free (data);
}

static void mount_attempt (GTask *task);

static void
mount_failed (GTask  *task,
              GError *cause)
{
  g_autofree char *display = g_file_get_parse_name (g_task_get_source_object (task));

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, cause);
  else
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK, _("%s: cannot connect: %s"),
                               display, cause->message);
      g_error_free (cause);
    }
  g_object_unref (task);
}

static gboolean
mount_retry (gpointer user_data)
{
  mount_attempt (user_data);
  return G_SOURCE_REMOVE;
}

static void
mount_queried (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  MountData *data = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (info != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && ++data->attempt < MOUNT_ATTEMPTS)
    {
      g_autoptr(GSource) timeout = g_timeout_source_new (MOUNT_RETRY_MS);

      g_error_free (error);
      g_source_set_callback (timeout, mount_retry, task, NULL);
      g_source_attach (timeout, g_task_get_context (task));
      return;
    }
  mount_failed (task, error);
}

static void
mount_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_file_mount_enclosing_volume_finish (G_FILE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ALREADY_MOUNTED))
    {
      mount_failed (task, error);
      return;
    }
  g_clear_error (&error);
  g_file_query_info_async (G_FILE (source), G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, g_task_get_cancellable (task), mount_queried, task);
}

static void
mount_attempt (GTask *task)
{
  MountData *data = g_task_get_task_data (task);

  g_file_mount_enclosing_volume (g_task_get_source_object (task), G_MOUNT_MOUNT_NONE, data->operation,
                                 g_task_get_cancellable (task), mount_done, task);
}

void
debrief_mount_folder_async (GFile               *folder,
                            GMountOperation     *operation,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  MountData *data;

  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (folder, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_mount_folder_async);
  if (g_file_is_native (folder))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  data = g_new0 (MountData, 1);
  data->operation = operation ? g_object_ref (operation) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) mount_data_free);
  mount_attempt (task);
}

gboolean
debrief_mount_folder_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == debrief_mount_folder_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} MountWait;

static void
mount_sync_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  MountWait *wait = user_data;

  wait->ok = debrief_mount_folder_finish (result, &wait->error);
  wait->done = TRUE;
}

/* A mount that does not answer (a host that went away mid-handshake) gives up
 * after this long instead of holding the load forever. */
#define MOUNT_TIMEOUT_S 60

static void
cancel_inner (GCancellable *outer,
              gpointer      inner)
{
  g_cancellable_cancel (inner);
}

static gboolean
mount_timed_out (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

gboolean
debrief_mount_folder (GFile         *folder,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GCancellable) inner = NULL;
  g_autoptr(GSource) timeout = NULL;
  MountWait wait = { FALSE, FALSE, NULL };
  gulong handler = 0;
  gboolean is_main;

  if (g_file_is_native (folder))
    return TRUE;
  /* GVfs's client learns of new mounts from D-Bus signals delivered to the
   * global default context: on the thread that runs it (debrief-cli), iterate
   * that one; a worker thread uses a context of its own. */
  is_main = g_main_context_acquire (g_main_context_default ());
  context = is_main ? g_main_context_ref (g_main_context_default ()) : g_main_context_new ();
  inner = g_cancellable_new ();
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_inner), inner, NULL);
  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new_seconds (MOUNT_TIMEOUT_S);
  g_source_set_callback (timeout, mount_timed_out, inner, NULL);
  g_source_attach (timeout, context);
  debrief_mount_folder_async (folder, NULL, inner, mount_sync_done, &wait);
  while (!wait.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);
  if (is_main)
    g_main_context_release (g_main_context_default ());
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (!wait.ok && g_cancellable_is_cancelled (inner) && !g_cancellable_is_cancelled (cancellable))
    {
      g_autofree char *display = g_file_get_parse_name (folder);
      g_clear_error (&wait.error);
      g_set_error (&wait.error, DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
                   _("%s: cannot connect: no answer in %d seconds"), display, MOUNT_TIMEOUT_S);
    }
  if (!wait.ok)
    g_propagate_error (error, wait.error);
  return wait.ok;
}
