/* debrief-reader-hf.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-reader-hf-private.h"
#include "debrief-run-progress.h"

#define HF_DETECT_WINDOW (64 * 1024)
/* Progress and cancellation checks every this many log entries. */
#define HF_CHECK_EVERY 16384

void
debrief_hf_state_init (DebriefHfState *state)
{
  memset (state, 0, sizeof *state);
  state->best_metric = NAN;
  state->num_train_epochs = NAN;
  state->epoch = NAN;
  state->total_flos = NAN;
}

void
debrief_hf_state_clear (DebriefHfState *state)
{
  g_clear_pointer (&state->best_model_checkpoint, g_free);
}

gboolean
debrief_reader_hf_detect (const char *data,
                          gsize       length)
{
  gsize window = MIN (length, HF_DETECT_WINDOW);
  gsize i = debrief_utf8_bom_length (data, window);

  while (i < window && g_ascii_isspace (data[i]))
    i++;
  return i < window && data[i] == '{' && g_strstr_len (data, window, "\"log_history\"") != NULL;
}

static gboolean
key_is (const char *key,
        gsize       length,
        const char *literal)
{
  return strlen (literal) == length && memcmp (key, literal, length) == 0;
}

static void
read_entry (DebriefReadContext *ctx,
            DebriefJsonReader  *reader,
            DebriefSeriesSet   *set,
            guint              *n_without_step)
{
  const char *key;
  gsize key_length;
  guint line = reader->line;
  guint position = 0;
  gboolean have_step = FALSE;
  gint64 step = 0;

  if (debrief_json_reader_peek (reader) != DEBRIEF_JSON_OBJECT)
    {
      debrief_json_reader_skip (reader);
      return;
    }
  debrief_json_reader_begin_object (reader);
  while (debrief_json_reader_next_member (reader, &key, &key_length))
    {
      double v;
      DebriefJsonType type;

      if (key_is (key, key_length, "step"))
        {
          if (debrief_json_reader_read_number (reader, &v) == DEBRIEF_JSON_NUMBER &&
              debrief_step_from_double (v, &step))
            have_step = TRUE;
          continue;
        }
      if (reader->scratch && key == reader->scratch->str)
        {
          g_autofree char *copy = g_strndup (key, key_length);
          if (debrief_json_reader_read_number (reader, &v) == DEBRIEF_JSON_NUMBER)
            debrief_series_set_add (set, position, copy, key_length, v);
        }
      else
        {
          type = debrief_json_reader_read_number (reader, &v);
          if (type == DEBRIEF_JSON_NUMBER)
            debrief_series_set_add (set, position, key, key_length, v);
          else if (type == DEBRIEF_JSON_NULL && (key_is (key, key_length, "loss") ||
                                                 key_is (key, key_length, "eval_loss")))
            debrief_read_warn (ctx, reader->line, _("“%.*s” is null; skipped"), (int) key_length, key);
        }
      position++;
    }
  if (debrief_json_reader_failed (reader))
    {
      debrief_series_set_discard (set);
      return;
    }
  if (!have_step)
    {
      if (debrief_series_set_n_pending (set) > 0 && (*n_without_step)++ == 0)
        debrief_read_warn (ctx, line, _("a log_history entry without a “step”; skipped"));
      debrief_series_set_discard (set);
      return;
    }
  debrief_series_set_commit (set, step, line);
}

static void
read_top_number (DebriefJsonReader *reader,
                 const char        *key,
                 gsize              key_length,
                 DebriefHfState    *state)
{
  double v = NAN;
  gint64 i = 0;

  debrief_json_reader_read_number (reader, &v);
  if (!isfinite (v))
    return;
  if (key_is (key, key_length, "best_metric"))
    state->best_metric = v;
  else if (key_is (key, key_length, "num_train_epochs"))
    state->num_train_epochs = v;
  else if (key_is (key, key_length, "epoch"))
    state->epoch = v;
  else if (key_is (key, key_length, "total_flos"))
    state->total_flos = v;
  else if (debrief_step_from_double (v, &i) && i >= 0)
    {
      if (key_is (key, key_length, "global_step"))
        state->global_step = i;
      else if (key_is (key, key_length, "max_steps"))
        state->max_steps = i;
      else if (key_is (key, key_length, "logging_steps"))
        state->logging_steps = i;
      else if (key_is (key, key_length, "eval_steps"))
        state->eval_steps = i;
      else if (key_is (key, key_length, "save_steps"))
        state->save_steps = i;
      else if (key_is (key, key_length, "num_input_tokens_seen"))
        state->num_input_tokens_seen = i;
      else if (key_is (key, key_length, "train_batch_size"))
        state->train_batch_size = i;
    }
}

gboolean
debrief_reader_hf_parse_state (DebriefReadContext *ctx,
                               const char         *data,
                               gsize               length,
                               DebriefHfState     *state_out,
                               GError            **error)
{
  DebriefJsonReader reader;
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_hf);
  DebriefHfState local_state;
  DebriefHfState *state = state_out ? state_out : &local_state;
  const char *key;
  gsize key_length;
  GError *parse_error;
  guint n_without_step = 0;
  gsize n_points;

  if (state == &local_state)
    debrief_hf_state_init (&local_state);
  if (length == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      return FALSE;
    }

  debrief_json_reader_init (&reader, data, length, ctx->file, 1);
  if (debrief_json_reader_begin_object (&reader))
    while (debrief_json_reader_next_member (&reader, &key, &key_length))
      {
        if (key_is (key, key_length, "log_history") &&
            debrief_json_reader_peek (&reader) == DEBRIEF_JSON_ARRAY)
          {
            guint n = 0;

            state->has_log_history = TRUE;
            debrief_json_reader_begin_array (&reader);
            while (debrief_json_reader_next_element (&reader))
              {
                read_entry (ctx, &reader, set, &n_without_step);
                if ((++n % HF_CHECK_EVERY) == 0)
                  {
                    debrief_read_progress (ctx, reader.pos - reader.start, length);
                    if (g_cancellable_is_cancelled (ctx->cancellable))
                      break;
                  }
              }
          }
        else if (key_is (key, key_length, "best_model_checkpoint"))
          {
            g_free (state->best_model_checkpoint);
            state->best_model_checkpoint = debrief_json_reader_read_string (&reader);
          }
        else if (debrief_json_reader_peek (&reader) == DEBRIEF_JSON_NUMBER)
          read_top_number (&reader, key, key_length, state);
        else
          debrief_json_reader_skip (&reader);
        if (debrief_json_reader_failed (&reader) || g_cancellable_is_cancelled (ctx->cancellable))
          break;
      }

  if (debrief_read_check_cancelled (ctx, error))
    {
      debrief_json_reader_clear (&reader);
      if (state == &local_state)
        debrief_hf_state_clear (&local_state);
      return FALSE;
    }

  parse_error = debrief_json_reader_steal_error (&reader);
  if (parse_error != NULL)
    {
      if (reader.at_eof_error && state->has_log_history)
        {
          state->ends_early = TRUE;
          debrief_read_warn (ctx, reader.line,
                             _("the file ends early (is the Trainer still writing it?); "
                               "loaded the log entries before that"));
          g_clear_error (&parse_error);
        }
      else
        {
          g_propagate_error (error, parse_error);
          debrief_json_reader_clear (&reader);
          if (state == &local_state)
            debrief_hf_state_clear (&local_state);
          return FALSE;
        }
    }
  debrief_json_reader_clear (&reader);
  if (state == &local_state)
    debrief_hf_state_clear (&local_state);

  if (!state->has_log_history)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0, _("expected a “log_history” array"));
      return FALSE;
    }
  if (n_without_step > 1)
    debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE, "%u log_history entry without a “step” skipped",
                                              "%u log_history entries without a “step” skipped", n_without_step),
                       n_without_step);
  n_points = debrief_series_set_finish (set, ctx);
  if (n_points == 0)
    debrief_read_warn (ctx, 0, _("log_history holds no logged values yet"));
  return TRUE;
}

/* ---- folder ---- */

typedef struct
{
  gint64 step;
  char *name;
} CheckpointDir;

static void
checkpoint_dir_clear (CheckpointDir *dir)
{
  g_free (dir->name);
}

static int
compare_checkpoint_dirs (gconstpointer a,
                         gconstpointer b)
{
  const CheckpointDir *da = a, *db = b;
  return da->step < db->step ? -1 : da->step > db->step;
}

static gboolean
parse_checkpoint_name (const char *name,
                       gint64     *step)
{
  const char *digits;
  char *end = NULL;
  guint64 v;

  if (!g_str_has_prefix (name, "checkpoint-"))
    return FALSE;
  digits = name + strlen ("checkpoint-");
  if (!g_ascii_isdigit (*digits))
    return FALSE;
  v = g_ascii_strtoull (digits, &end, 10);
  if (*end != '\0' || v > G_MAXINT64 / 2)
    return FALSE;
  *step = (gint64) v;
  return TRUE;
}

/* checkpoint-N folders, sorted by N. Symbolic links count only when they
 * resolve to a folder inside the run (a loop or a link elsewhere is skipped). */
static GArray *
list_checkpoint_dirs (DebriefLoadJob *job,
                      DebriefRun     *run)
{
  g_autoptr(GArray) dirs = g_array_new (FALSE, FALSE, sizeof (CheckpointDir));
  g_autoptr(GPtrArray) names = debrief_load_job_list (job, NULL);

  g_array_set_clear_func (dirs, (GDestroyNotify) checkpoint_dir_clear);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      CheckpointDir entry;
      DebriefEntry what;

      if (!parse_checkpoint_name (name, &entry.step) || !debrief_load_job_entry (job, name, &what))
        continue;
      if (what.type == DEBRIEF_ENTRY_LINK && what.target != DEBRIEF_ENTRY_FOLDER)
        {
          debrief_run_add_warning (run, _("%s: a symbolic link that loops, dangles or leads "
                                          "outside the run folder; skipped"), name);
          continue;
        }
      if (what.target != DEBRIEF_ENTRY_FOLDER)
        continue;
      entry.name = g_strdup (name);
      g_array_append_val (dirs, entry);
    }
  g_array_sort (dirs, compare_checkpoint_dirs);
  return g_steal_pointer (&dirs);
}

char *
debrief_reader_hf_newest_checkpoint_file (DebriefLoadJob *job,
                                          const char     *file)
{
  g_autoptr(GPtrArray) names = debrief_load_job_list (job, NULL);
  g_autofree char *best = NULL;
  gint64 best_step = -1;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      gint64 step;
      g_autofree char *rel = NULL;

      if (!parse_checkpoint_name (name, &step) || step <= best_step)
        continue;
      rel = g_build_filename (name, file, NULL);
      if (!debrief_load_job_has_file (job, rel))
        continue;
      best_step = step;
      g_free (best);
      best = g_steal_pointer (&rel);
    }
  return g_steal_pointer (&best);
}

gboolean
debrief_reader_hf_folder_has_state (DebriefLoadJob *job)
{
  g_autoptr(GPtrArray) names = NULL;

  if (debrief_load_job_has_file (job, "trainer_state.json"))
    return TRUE;
  names = debrief_load_job_list (job, NULL);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      gint64 step;
      g_autofree char *rel = NULL;

      if (!parse_checkpoint_name (name, &step))
        continue;
      rel = g_build_filename (name, "trainer_state.json", NULL);
      if (debrief_load_job_has_file (job, rel))
        return TRUE;
    }
  return FALSE;
}

static void copy_run_contents (DebriefRun *from,
                               DebriefRun *to);

/* The Trainer rewrites trainer_state.json in place at every save (open "w",
 * then json.dump): a run being followed is read until a read parses whole. */
#define STATE_ATTEMPTS 8
#define STATE_RETRY_US (40 * 1000)

static gboolean
load_state (DebriefLoadJob  *job,
            DebriefRun      *run,
            const char      *rel,
            DebriefHfState  *state,
            GError         **error)
{
  for (int attempt = 0;; attempt++)
    {
      DebriefReadContext ctx;
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(DebriefRun) scratch = NULL;
      GError *local = NULL;
      gboolean ok;

      if (!job->following)
        {
          bytes = debrief_load_job_read (job, run, rel, &path, &ctx, error);
          if (bytes == NULL)
            return FALSE;
          ok = debrief_reader_hf_parse_state (&ctx, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                              state, error);
          debrief_load_job_file_done (job, &ctx, g_bytes_get_size (bytes));
          if (ok)
            debrief_run_add_source_file (run, rel);
          return ok;
        }

      /* Parsed aside: a read caught half written leaves nothing behind. */
      scratch = debrief_run_new (debrief_run_get_folder (run));
      bytes = debrief_load_job_read_settled (job, scratch, rel, &path, &ctx, error);
      if (bytes == NULL)
        return FALSE;
      debrief_hf_state_clear (state);
      debrief_hf_state_init (state);
      ok = debrief_reader_hf_parse_state (&ctx, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                          state, &local);
      debrief_load_job_file_done (job, &ctx, g_bytes_get_size (bytes));
      if (ok && !state->ends_early)
        {
          copy_run_contents (scratch, run);
          debrief_run_add_source_file (run, rel);
          return TRUE;
        }
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) || attempt + 1 >= STATE_ATTEMPTS)
        {
          if (local == NULL)
            g_set_error (&local, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT,
                         _("%s: the file was being written each time it was read"), path);
          else if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              /* Said as what it probably is; a load of the run once it stops changing says more. */
              GError *conflict = g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT,
                                              _("%s (it was being written each time it was read)"), local->message);
              g_error_free (local);
              local = conflict;
            }
          g_propagate_error (error, local);
          return FALSE;
        }
      g_clear_error (&local);
      g_usleep (STATE_RETRY_US);
    }
}

static void
copy_run_contents (DebriefRun *from,
                   DebriefRun *to)
{
  GPtrArray *series = debrief_run_get_series (from);
  const char *const *warnings = debrief_run_get_warnings (from);
  const char *const *files = debrief_run_get_source_files (from);

  for (guint i = 0; i < series->len; i++)
    debrief_run_add_series (to, g_ptr_array_index (series, i));
  for (guint i = 0; warnings[i]; i++)
    debrief_run_add_warning (to, "%s", warnings[i]);
  for (guint i = 0; files[i]; i++)
    debrief_run_add_source_file (to, files[i]);
}

/* Tokens in one epoch: num_input_tokens_seen over the epochs trained, or TRL's
 * running "num_tokens" at the end of the first epoch. */
static void
fill_dataset_tokens (DebriefRun           *run,
                     const DebriefHfState *state,
                     const char           *state_rel)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  double epochs = isfinite (state->epoch) && state->epoch > 0 ? state->epoch : state->num_train_epochs;
  DebriefSeries *num_tokens = debrief_run_get_series_by_name (run, "num_tokens");
  DebriefSeries *epoch = debrief_run_get_series_by_kind (run, DEBRIEF_SERIES_EPOCH);

  if (config->dataset_tokens > 0)
    return;
  if (state->num_input_tokens_seen > 0 && isfinite (epochs) && epochs > 0)
    {
      config->dataset_tokens = (gint64) llround ((double) state->num_input_tokens_seen / epochs);
      config->dataset_tokens_source = g_strdup_printf (_("%s: num_input_tokens_seen ÷ %g epochs"),
                                                       state_rel, epochs);
      return;
    }
  if (num_tokens != NULL && epoch != NULL && debrief_series_get_length (num_tokens) > 0)
    {
      gsize n = debrief_series_get_length (num_tokens);
      double last_epoch = debrief_series_get_last_value (epoch);
      double tokens = NAN;

      if (isfinite (last_epoch) && last_epoch > 0 && last_epoch <= 1.0)
        tokens = debrief_series_get_last_value (num_tokens) / last_epoch;
      else
        for (gsize i = 0; i < n; i++)
          {
            gint64 step = debrief_series_get_step (num_tokens, i);
            gsize j = debrief_series_lower_bound (epoch, step);
            if (j < debrief_series_get_length (epoch) && debrief_series_get_step (epoch, j) == step &&
                debrief_series_get_value (epoch, j) <= 1.0 + 1e-9)
              tokens = debrief_series_get_value (num_tokens, i);
          }
      if (isfinite (tokens) && tokens >= 1)
        {
          config->dataset_tokens = (gint64) llround (tokens);
          config->dataset_tokens_source = g_strdup_printf (_("%s: num_tokens (TRL, running total) "
                                                             "at the end of the first epoch"), state_rel);
        }
    }
}

gboolean
debrief_reader_hf_load (DebriefLoadJob  *job,
                        DebriefRun      *run,
                        GError         **error)
{
  g_autoptr(GArray) dirs = list_checkpoint_dirs (job, run);
  g_autofree char *state_rel = NULL;
  g_autofree char *latest_rel = NULL;
  DebriefHfState state;
  DebriefRunConfig *config = debrief_run_get_config (run);
  DebriefSeries *val;
  gboolean have_root = debrief_load_job_has_file (job, "trainer_state.json");
  DebriefEntry root_entry;
  gint64 best_step = -1;
  g_autofree char *best_name = NULL;

  debrief_hf_state_init (&state);

  /* The newest checkpoint with a state: a crashed or running job has no root state yet. */
  for (guint i = dirs->len; i > 0 && latest_rel == NULL; i--)
    {
      CheckpointDir *d = &g_array_index (dirs, CheckpointDir, i - 1);
      g_autofree char *rel = g_build_filename (d->name, "trainer_state.json", NULL);
      if (debrief_load_job_has_file (job, rel))
        latest_rel = g_steal_pointer (&rel);
    }

  if (have_root)
    {
      if (!load_state (job, run, "trainer_state.json", &state, error))
        {
          debrief_hf_state_clear (&state);
          return FALSE;
        }
      state_rel = g_strdup ("trainer_state.json");
      /* A root state older than the newest checkpoint (saved by an earlier run in the same folder). */
      if (latest_rel != NULL && dirs->len > 0 &&
          g_array_index (dirs, CheckpointDir, dirs->len - 1).step > state.global_step)
        {
          g_autoptr(DebriefRun) newer = debrief_run_new (debrief_run_get_folder (run));
          DebriefHfState newer_state;
          g_autoptr(GError) newer_error = NULL;

          debrief_hf_state_init (&newer_state);
          if (load_state (job, newer, latest_rel, &newer_state, &newer_error) &&
              newer_state.global_step > state.global_step)
            {
              debrief_run_add_warning (run, _("trainer_state.json: older than %s (step %" PRId64
                                              " < %" PRId64 "); the newer one is used"),
                                       latest_rel, state.global_step, newer_state.global_step);
              /* Replace the series read from the root state. */
              g_ptr_array_set_size (debrief_run_get_series (run), 0);
              copy_run_contents (newer, run);
              debrief_hf_state_clear (&state);
              state = newer_state;
              g_free (state_rel);
              state_rel = g_strdup (latest_rel);
            }
          else
            debrief_hf_state_clear (&newer_state);
        }
    }
  else if (latest_rel == NULL && debrief_load_job_entry (job, "trainer_state.json", &root_entry))
    {
      /* trainer_state.json is a folder or a link out of the folder: the error names it. */
      load_state (job, run, "trainer_state.json", &state, error);
      debrief_hf_state_clear (&state);
      return FALSE;
    }
  else if (latest_rel != NULL)
    {
      if (!load_state (job, run, latest_rel, &state, error))
        {
          debrief_hf_state_clear (&state);
          return FALSE;
        }
      state_rel = g_strdup (latest_rel);
    }
  else
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN,
                   _("%s: no trainer_state.json in the folder or its checkpoint-N folders"),
                   job->folder_path);
      return FALSE;
    }

  /* Configuration: the adapter, then the base model, then the Trainer's summaries. */
  {
    static const char *const config_files[] = { "adapter_config.json", "config.json",
                                                "all_results.json", "train_results.json", NULL };
    for (guint i = 0; config_files[i]; i++)
      {
        g_autoptr(DebriefJsonNode) node = debrief_load_job_read_json (job, run, config_files[i]);
        g_autofree char *rel = NULL;

        if (node == NULL && i <= 1 && dirs->len > 0)
          {
            /* Only the checkpoints hold the adapter (or the model's config.json) when
             * the run stopped early or the final save went elsewhere. */
            rel = g_build_filename (g_array_index (dirs, CheckpointDir, dirs->len - 1).name,
                                    config_files[i], NULL);
            node = debrief_load_job_read_json (job, run, rel);
            if (node)
              debrief_run_add_source_file (run, rel);
          }
        else if (node != NULL)
          debrief_run_add_source_file (run, config_files[i]);
        debrief_reader_apply_config (run, node, node && rel ? rel : config_files[i]);
        /* The adapter's settings are the run's; config.json is the base model's,
         * the results files hold outcomes. */
        if (i == 0)
          debrief_reader_collect_params (run, node, config_files[i]);
      }
  }

  {
    DebriefRunProgress *progress = debrief_run_get_progress (run);
    if (state.global_step > 0)
      progress->step = state.global_step;
    if (state.max_steps > 0)
      progress->total_steps = state.max_steps;
  }
  if (config->max_steps == 0 && state.max_steps > 0)
    config->max_steps = state.max_steps;
  if (isnan (config->num_epochs) && isfinite (state.num_train_epochs) && state.num_train_epochs > 0)
    config->num_epochs = state.num_train_epochs;
  if (config->batch_size == 0 && state.train_batch_size > 0)
    config->batch_size = state.train_batch_size;
  if (config->steps_per_epoch == 0 && state.max_steps > 0 && isfinite (state.num_train_epochs) &&
      state.num_train_epochs >= 1 && fmod ((double) state.max_steps, state.num_train_epochs) == 0)
    config->steps_per_epoch = (gint64) ((double) state.max_steps / state.num_train_epochs);
  fill_dataset_tokens (run, &state, state_rel);
  if (isnan (config->total_flos) && isfinite (state.total_flos) && state.total_flos > 0)
    {
      config->total_flos = state.total_flos;
      config->total_flos_source = g_strdup (state_rel);
      config->epochs_done = state.epoch;
    }

  /* Checkpoints: the folders on disk; best_model_checkpoint is matched by name only
   * (it is a path on the training machine: data, never followed). */
  if (state.best_model_checkpoint != NULL)
    best_name = g_path_get_basename (state.best_model_checkpoint);
  val = debrief_run_get_val_loss (run);
  for (guint i = 0; i < dirs->len; i++)
    {
      CheckpointDir *d = &g_array_index (dirs, CheckpointDir, i);
      g_autofree char *path = debrief_folder_display (job->folder, d->name);
      DebriefCheckpoint checkpoint = { 0 };

      checkpoint.name = d->name;
      checkpoint.step = d->step;
      checkpoint.path = path;
      checkpoint.val_loss = NAN;
      if (val != NULL)
        {
          gsize j = debrief_series_lower_bound (val, d->step);
          if (j < debrief_series_get_length (val) && debrief_series_get_step (val, j) == d->step)
            checkpoint.val_loss = debrief_series_get_value (val, j);
        }
      checkpoint.is_final = i == dirs->len - 1 && state.global_step > 0 && d->step >= state.global_step;
      checkpoint.is_best = best_name != NULL && strcmp (best_name, d->name) == 0;
      if (checkpoint.is_best)
        best_step = d->step;
      debrief_run_add_checkpoint (run, &checkpoint);
    }
  if (best_name != NULL && best_step < 0 && dirs->len > 0)
    debrief_run_add_warning (run, _("%s: best_model_checkpoint “%s” is not among the checkpoint folders"),
                             state_rel, best_name);

  debrief_hf_state_clear (&state);
  return TRUE;
}
