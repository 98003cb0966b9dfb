/* debrief-reader-mlflow-private.h: MLflow tracking stores
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * File store: mlruns/<experiment_id>/<run_id>/ with meta.yaml (run_name,
 * status: 1 RUNNING … 3 FINISHED, 4 FAILED, 5 KILLED), metrics/<key> (one
 * "timestamp value step" line per point; keys with '/' are subfolders),
 * params/<key> and tags/<key> (one value per file, mlflow.runName among the
 * tags); mlruns/<experiment_id>/meta.yaml names the experiment.
 * SQLite store (mlflow.db): tables experiments, runs, metrics (key, value,
 * timestamp, step, is_nan, run_uuid), params, tags, read through SQLite's
 * own library, read-only and never holding a lock longer than one query. A
 * run of a database is addressed as the path "<database>/<run_uuid>".
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* Whether the folder is one run of a file store (meta.yaml beside a metrics/ folder that is not empty). */
gboolean   debrief_reader_mlflow_folder_is_run (DebriefLoadJob *job);
/* One metric file from memory (lines "timestamp value [step]") into @set under @key. */
gboolean   debrief_reader_mlflow_parse_metric  (DebriefReadContext *ctx,
                                                DebriefSeriesSet   *set,
                                                const char         *key,
                                                const char         *data,
                                                gsize               length,
                                                GError            **error);
gboolean   debrief_reader_mlflow_load          (DebriefLoadJob     *job,
                                                DebriefRun         *run,
                                                GError            **error);

/* Whether @path is an SQLite file holding MLflow's tables. */
gboolean   debrief_reader_mlflow_is_database   (const char         *path);
/* The active runs of the database, as GFiles "<database>/<run_uuid>", sorted. */
GPtrArray *debrief_reader_mlflow_database_runs (const char         *path,
                                                GError            **error);
/* When @path is "<database>/<run_uuid>": the database path (and the run id). */
gboolean   debrief_reader_mlflow_split_run_path (const char        *path,
                                                 char             **database,
                                                 char             **run_uuid);
gboolean   debrief_reader_mlflow_load_database_run (DebriefRun      *run,
                                                    const char      *database,
                                                    const char      *run_uuid,
                                                    GCancellable    *cancellable,
                                                    GError         **error);

G_END_DECLS
