/* debrief-reader-mlflow.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both stores fill one series set per run: a metric key is a series, each
 * point committed at its own step (MLflow allows any order and repeats; the
 * series set keeps the last value per step and says so). Params become the
 * run's config the way a config.json would (numbers, True/False, strings).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "debrief-error.h"
#include "debrief-reader-mlflow-private.h"
#include "debrief-yaml-private.h"

/* Metric folders nest one level per '/' in a key; deeper than this is not MLflow. */
#define MLFLOW_MAX_KEY_DEPTH 8
/* A param or tag file larger than this is not a value. */
#define MLFLOW_MAX_VALUE (64 * 1024)
/* How long a query waits for a writer's lock before giving up (ms). */
#define MLFLOW_BUSY_TIMEOUT_MS 5000

/* MLflow's RunStatus. */
enum
{
  STATUS_RUNNING = 1,
  STATUS_SCHEDULED = 2,
  STATUS_FINISHED = 3,
  STATUS_FAILED = 4,
  STATUS_KILLED = 5,
};

/* A status that did not end well, as the run's crash line. */
static void
apply_status (DebriefRun *run,
              int         status,
              const char *source)
{
  const char *what = status == STATUS_FAILED ? "FAILED" : status == STATUS_KILLED ? "KILLED" : NULL;

  if (what == NULL)
    return;
  {
    g_autofree char *line = g_strdup_printf (_("MLflow run status %s"), what);
    debrief_run_set_crash (run, line);
    debrief_run_add_warning (run, _("%s: the run ended with status %s"), source, what);
  }
}

/* ---- file store ---- */

gboolean
debrief_reader_mlflow_folder_is_run (DebriefLoadJob *job)
{
  g_autoptr(GPtrArray) names = NULL;

  /* A run that logged no metric (a parent run of nested runs) has nothing to show. */
  if (!debrief_load_job_has_file (job, "meta.yaml"))
    return FALSE;
  names = debrief_load_job_list (job, "metrics");
  return names->len > 0;
}

gboolean
debrief_reader_mlflow_parse_metric (DebriefReadContext *ctx,
                                    DebriefSeriesSet   *set,
                                    const char         *key,
                                    const char         *data,
                                    gsize               length,
                                    GError            **error)
{
  const char *p = data;
  const char *end = data + length;
  gsize key_length = strlen (key);
  guint line = 0, n_bad = 0, first_bad = 0, n_points = 0;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *stop = eol ? eol : end;
      const char *fields[3];
      gsize lengths[3];
      guint n = 0;
      const char *q = p;
      double timestamp, value, step_value = 0;
      gint64 step = 0;

      line++;
      p = eol ? eol + 1 : end;
      while (q < stop && n < 3)
        {
          const char *start;
          while (q < stop && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
          if (q >= stop)
            break;
          start = q;
          while (q < stop && *q != ' ' && *q != '\t' && *q != '\r')
            q++;
          fields[n] = start;
          lengths[n++] = q - start;
        }
      while (q < stop && (*q == ' ' || *q == '\t' || *q == '\r'))
        q++;
      if (n == 0)
        continue;
      /* "timestamp value step" (MLflow >= 1.0; before, no step: MLflow reads it as step 0). */
      if (n < 2 || q < stop ||
          !debrief_json_string_to_number (fields[0], lengths[0], &timestamp) ||
          !debrief_json_string_to_number (fields[1], lengths[1], &value) ||
          (n == 3 && (!debrief_json_string_to_number (fields[2], lengths[2], &step_value) ||
                      !debrief_step_from_double (step_value, &step))))
        {
          if (n_bad++ == 0)
            first_bad = line;
          continue;
        }
      debrief_series_set_add (set, 0, key, key_length, value);
      debrief_series_set_commit (set, step, line);
      n_points++;
    }
  if (n_bad > 0)
    debrief_read_warn (ctx, first_bad,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "expected “timestamp value step”; %u line skipped",
                                    "expected “timestamp value step”; %u lines skipped", n_bad),
                       n_bad);
  if (n_points == 0 && length > 0 && n_bad > 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, first_bad,
                          _("expected “timestamp value step” lines; found none"));
      return FALSE;
    }
  return TRUE;
}

/* Every file under @top (metrics/: a key "train/loss" is metrics/train/loss), relative to it. */
static void
collect_metric_files (DebriefLoadJob *job,
                      const char     *top,
                      const char     *rel,
                      guint           depth,
                      GPtrArray      *out)
{
  g_autofree char *dir_rel = rel ? g_build_filename (top, rel, NULL) : g_strdup (top);
  g_autoptr(GPtrArray) names = NULL;

  if (depth > MLFLOW_MAX_KEY_DEPTH)
    return;
  names = debrief_load_job_list (job, dir_rel);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *child_rel = rel ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);
      g_autofree char *child = g_build_filename (top, child_rel, NULL);
      DebriefEntry entry;

      /* The entry's own type: links are not followed. */
      if (name[0] == '.' || !debrief_load_job_entry (job, child, &entry))
        continue;
      if (entry.type == DEBRIEF_ENTRY_FILE)
        g_ptr_array_add (out, g_steal_pointer (&child_rel));
      else if (entry.type == DEBRIEF_ENTRY_FOLDER)
        collect_metric_files (job, top, child_rel, depth + 1, out);
    }
}

/* params/ or tags/ as a {key: value} object (values as param_node makes them). */
static DebriefJsonNode *
read_value_folder (DebriefLoadJob *job,
                   DebriefRun     *run,
                   const char     *folder)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  DebriefJsonNode *object = debrief_json_node_new (DEBRIEF_JSON_OBJECT);

  collect_metric_files (job, folder, NULL, 0, files);
  g_ptr_array_sort (files, debrief_compare_strings);
  for (guint i = 0; i < files->len; i++)
    {
      const char *key = g_ptr_array_index (files, i);
      g_autofree char *rel = g_build_filename (folder, key, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (!debrief_load_job_has_file (job, rel))
        continue;
      bytes = debrief_load_job_read_part (job, rel, 0, MLFLOW_MAX_VALUE + 1, &error);
      if (bytes == NULL)
        {
          debrief_run_add_warning (run, _("%s (ignored)"), error->message);
          continue;
        }
      if (g_bytes_get_size (bytes) > MLFLOW_MAX_VALUE)
        continue;
      debrief_json_node_add_member (object, key,
                                    debrief_json_node_from_text (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
    }
  return object;
}

gboolean
debrief_reader_mlflow_load (DebriefLoadJob  *job,
                            DebriefRun      *run,
                            GError         **error)
{
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_default);
  g_autoptr(GPtrArray) metrics = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DebriefJsonNode) meta = NULL;
  g_autoptr(DebriefJsonNode) params = NULL;
  g_autoptr(DebriefJsonNode) tags = NULL;
  g_autoptr(DebriefJsonNode) experiment = NULL;
  g_autoptr(GFile) parent = NULL;
  DebriefReadContext ctx;
  const char *name;
  gint64 status = 0;

  collect_metric_files (job, "metrics", NULL, 0, metrics);
  g_ptr_array_sort (metrics, debrief_compare_strings);
  for (guint i = 0; i < metrics->len; i++)
    {
      const char *key = g_ptr_array_index (metrics, i);
      g_autofree char *rel = g_build_filename ("metrics", key, NULL);
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      GError *local = NULL;

      bytes = debrief_load_job_read (job, run, rel, &path, &ctx, &local);
      if (bytes != NULL &&
          debrief_reader_mlflow_parse_metric (&ctx, set, key, g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes), &local))
        debrief_run_add_source_file (run, rel);
      if (bytes != NULL)
        debrief_load_job_file_done (job, &ctx, g_bytes_get_size (bytes));
      if (local != NULL)
        {
          debrief_run_add_warning (run, _("%s (file skipped)"), local->message);
          g_error_free (local);
        }
      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return FALSE;
    }
  debrief_read_context_init (&ctx, run, job->folder_path, "metrics");
  if (debrief_series_set_finish (set, &ctx) == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA,
                   _("%s: an MLflow run with no metric points (metrics/ is empty or missing)"), job->folder_path);
      return FALSE;
    }
  debrief_read_context_finish (&ctx);

  meta = debrief_load_job_read_yaml (job, run, "meta.yaml");
  params = read_value_folder (job, run, "params");
  tags = read_value_folder (job, run, "tags");
  debrief_reader_apply_flat_config (run, params, "params");
  debrief_reader_collect_params (run, params, "params");
  if (params->keys->len > 0)
    debrief_run_add_source_file (run, "params");
  debrief_run_add_source_file (run, "meta.yaml");

  name = debrief_json_node_get_string (tags, "mlflow.runName");
  if (name == NULL && meta != NULL)
    name = debrief_json_node_get_string (meta, "run_name");
  if (name == NULL && meta != NULL)
    name = debrief_json_node_get_string (meta, "name");
  if (name != NULL && *name != '\0')
    debrief_run_set_name (run, name);

  /* The experiment: its meta.yaml one folder up names it. */
  parent = g_file_get_parent (debrief_folder_get_file (job->folder));
  if (parent != NULL)
    {
      g_autoptr(DebriefFolder) experiment_folder = debrief_folder_new (parent);
      g_autoptr(GBytes) bytes = debrief_folder_read (experiment_folder, "meta.yaml", 0, MLFLOW_MAX_VALUE, NULL,
                                                     job->cancellable, NULL);
      if (bytes != NULL && g_bytes_get_size (bytes) > 0)
        experiment = debrief_yaml_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                         "../meta.yaml", NULL);
    }
  if (experiment != NULL && debrief_json_node_get_string (experiment, "name") != NULL)
    debrief_run_set_group (run, debrief_json_node_get_string (experiment, "name"));
  else if (meta != NULL)
    {
      double id;
      const char *s = debrief_json_node_get_string (meta, "experiment_id");
      g_autofree char *text = s ? g_strdup (s)
                              : debrief_json_node_get_double (meta, "experiment_id", &id) ? g_strdup_printf ("%.0f", id)
                              : NULL;
      if (text != NULL)
        debrief_run_set_group (run, text);
    }
  if (meta != NULL && debrief_json_node_get_int (meta, "status", &status))
    apply_status (run, (int) status, "meta.yaml");
  return TRUE;
}

/* ---- SQLite store ---- */

gboolean
debrief_reader_mlflow_is_database (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean yes = FALSE;
  char header[16];
  FILE *f;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  f = g_fopen (path, "rb");
  if (f == NULL)
    return FALSE;
  yes = fread (header, 1, sizeof header, f) == sizeof header && memcmp (header, "SQLite format 3", 16) == 0;
  fclose (f);
  if (!yes)
    return FALSE;
  yes = FALSE;
  /* A writer holding its lock for a moment is no reason to say "not a database":
   * wait for it as open_database() does. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_busy_timeout (db, MLFLOW_BUSY_TIMEOUT_MS) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                              "name IN ('metrics', 'runs', 'experiments')", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    yes = sqlite3_column_int (stmt, 0) == 3;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return yes;
}

/* Read-only, and waiting (not failing) while a writer holds its lock for a moment. */
static sqlite3 *
open_database (const char  *path,
               GError     **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("%s: cannot open the MLflow database: %s"), path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, MLFLOW_BUSY_TIMEOUT_MS);
  return db;
}

static gboolean
db_error (GError     **error,
          sqlite3     *db,
          const char  *path)
{
  g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: cannot read the MLflow database: %s"), path,
               sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
table_exists (sqlite3    *db,
              const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gboolean yes = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      yes = sqlite3_step (stmt) == SQLITE_ROW;
    }
  sqlite3_finalize (stmt);
  return yes;
}

GPtrArray *
debrief_reader_mlflow_database_runs (const char  *path,
                                     GError     **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3 *db = open_database (path, error);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (db == NULL)
    return NULL;
  /* As in a file store, a run that logged no metric (a parent run, one that
   * failed at once) has nothing to show: it is not listed. MLflow keeps one
   * row per metric of a run in latest_metrics, far smaller than metrics (which
   * has no index on run_uuid); metrics is asked only for the runs missing
   * there (a store written by another tool, or older than latest_metrics). */
  if (sqlite3_prepare_v2 (db, table_exists (db, "latest_metrics")
                              ? "SELECT run_uuid FROM runs r WHERE (lifecycle_stage IS NULL OR lifecycle_stage != 'deleted') "
                                "AND (run_uuid IN (SELECT run_uuid FROM latest_metrics) "
                                "OR EXISTS (SELECT 1 FROM metrics m WHERE m.run_uuid = r.run_uuid)) "
                                "ORDER BY experiment_id, start_time, run_uuid"
                              : "SELECT run_uuid FROM runs r WHERE (lifecycle_stage IS NULL OR lifecycle_stage != 'deleted') "
                                "AND EXISTS (SELECT 1 FROM metrics m WHERE m.run_uuid = r.run_uuid) "
                                "ORDER BY experiment_id, start_time, run_uuid",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (error, db, path);
      sqlite3_close (db);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 0);
      if (uuid != NULL && *uuid != '\0' && strchr (uuid, '/') == NULL)
        {
          g_autofree char *run_path = g_build_filename (path, uuid, NULL);
          g_ptr_array_add (runs, g_file_new_for_path (run_path));
        }
    }
  if (rc != SQLITE_DONE)
    {
      db_error (error, db, path);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_steal_pointer (&runs);
}

gboolean
debrief_reader_mlflow_split_run_path (const char  *path,
                                      char       **database,
                                      char       **run_uuid)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  if (g_file_test (path, G_FILE_TEST_EXISTS) || !debrief_reader_mlflow_is_database (dir))
    return FALSE;
  *database = g_steal_pointer (&dir);
  *run_uuid = g_steal_pointer (&base);
  return TRUE;
}

gboolean
debrief_reader_mlflow_load_database_run (DebriefRun    *run,
                                         const char    *database,
                                         const char    *run_uuid,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_default);
  g_autoptr(DebriefJsonNode) params = debrief_json_node_new (DEBRIEF_JSON_OBJECT);
  g_autofree char *base = g_path_get_basename (database);
  g_autofree char *display = g_strdup_printf ("%s/%s", base, run_uuid);
  DebriefReadContext ctx;
  sqlite3 *db = open_database (database, error);
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;
  guint row = 0;
  int rc;

  if (db == NULL)
    return FALSE;
  debrief_read_context_init (&ctx, run, database, display);
  ctx.cancellable = cancellable;

  /* The run, its experiment, its status. */
  if (sqlite3_prepare_v2 (db, "SELECT r.name, r.status, e.name, r.experiment_id FROM runs r "
                              "LEFT JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.run_uuid = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  sqlite3_bind_text (stmt, 1, run_uuid, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *status = (const char *) sqlite3_column_text (stmt, 1);
      const char *experiment = (const char *) sqlite3_column_text (stmt, 2);
      const char *experiment_id = (const char *) sqlite3_column_text (stmt, 3);

      found = TRUE;
      if (name != NULL && *name != '\0')
        debrief_run_set_name (run, name);
      debrief_run_set_group (run, experiment != NULL ? experiment : experiment_id);
      if (g_strcmp0 (status, "FAILED") == 0)
        apply_status (run, STATUS_FAILED, display);
      else if (g_strcmp0 (status, "KILLED") == 0)
        apply_status (run, STATUS_KILLED, display);
    }
  else if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (!found)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NOT_A_RUN, _("%s: the MLflow database has no run %s"),
                   database, run_uuid);
      sqlite3_close (db);
      return FALSE;
    }

  /* Every point, each key in the order it was logged (time stamp, then step):
   * the order of the table's primary key (key, timestamp, step, ...), which
   * SQLite walks as a covering index instead of sorting the points (a third
   * of the read at a million points). NaN is stored as is_nan = 1 (value 0). */
  if (sqlite3_prepare_v2 (db, "SELECT key, value, step, is_nan FROM metrics WHERE run_uuid = ? "
                              "ORDER BY key, timestamp, step", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  sqlite3_bind_text (stmt, 1, run_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      double value = sqlite3_column_int (stmt, 3) ? NAN : sqlite3_column_double (stmt, 1);
      gint64 step = sqlite3_column_int64 (stmt, 2);

      if ((++row % 65536) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          sqlite3_finalize (stmt);
          sqlite3_close (db);
          return FALSE;
        }
      if (key == NULL)
        continue;
      debrief_series_set_add (set, 0, key, strlen (key), value);
      debrief_series_set_commit (set, step, row);
    }
  if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key", -1, &stmt, NULL) !=
      SQLITE_OK)
    goto failed;
  sqlite3_bind_text (stmt, 1, run_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);
      if (key != NULL && value != NULL)
        debrief_json_node_add_member (params, key, debrief_json_node_from_text (value, strlen (value)));
    }
  if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM tags WHERE run_uuid = ? AND key = 'mlflow.runName'", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, run_uuid, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL &&
          sqlite3_column_text (stmt, 0)[0] != '\0')
        debrief_run_set_name (run, (const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  if (debrief_series_set_finish (set, &ctx) == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA, _("%s: the MLflow run %s logged no metric"),
                   database, run_uuid);
      return FALSE;
    }
  debrief_read_context_finish (&ctx);
  debrief_reader_apply_flat_config (run, params, display);
  debrief_reader_collect_params (run, params, display);
  debrief_run_add_source_file (run, base);
  return TRUE;

failed:
  db_error (error, db, database);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return FALSE;
}
