/* debrief-reader-private.h: what every format reader shares (private to libdebrief)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "debrief-folder-private.h"
#include "debrief-load-cache-private.h"
#include "debrief-json-private.h"
#include "debrief-run.h"
#include "debrief-series-private.h"

G_BEGIN_DECLS

/* One reader working on one file. */
typedef struct
{
  DebriefRun *run;
  const char *file;            /* for errors: the path as the user knows it */
  const char *rel;             /* for warnings: relative to the run folder */
  GCancellable *cancellable;
  /* Bytes of this file consumed so far; called every few MB at most. */
  void (*progress) (gpointer data, gsize done, gsize total);
  gpointer progress_data;
  guint n_warnings;
  guint n_suppressed;
  /* Set when the data is a read-only private file mapping: pages already
   * parsed are given back at each progress report, so that a 500 MB log does
   * not stay resident while its points are read (they reload from the page
   * cache if touched again). */
  const char *mapped_data;
  gsize mapped_released;
} DebriefReadContext;

/* More warnings than this from one file are counted, not listed: a 500 MB log
 * with a bad value on every line must not produce a million-line warning list. */
#define DEBRIEF_READER_MAX_WARNINGS_PER_FILE 20

void     debrief_read_context_init     (DebriefReadContext *ctx,
                                        DebriefRun         *run,
                                        const char         *file,
                                        const char         *rel);
/* Adds the "and N more" summary when warnings were suppressed. */
void     debrief_read_context_finish   (DebriefReadContext *ctx);
/* "rel:line: message" (line 0: "rel: message"). */
void     debrief_read_warn             (DebriefReadContext *ctx,
                                        guint               line,
                                        const char         *format,
                                        ...) G_GNUC_PRINTF (3, 4);
void     debrief_read_error            (GError            **error,
                                        DebriefReadContext *ctx,
                                        int                 code,
                                        guint               line,
                                        const char         *format,
                                        ...) G_GNUC_PRINTF (5, 6);
gboolean debrief_read_check_cancelled  (DebriefReadContext *ctx,
                                        GError            **error);
void     debrief_read_progress         (DebriefReadContext *ctx,
                                        gsize               done,
                                        gsize               total);
/* Gives back the pages of a mapped file within [@from, @to) (read already),
 * from any thread; nothing when the data is not a mapping. A
 * DebriefJsonReleaseFunc for the context as user data. */
void     debrief_read_release          (const char         *from,
                                        const char         *to,
                                        gpointer            ctx);

/* ---- one folder being loaded ---- */

typedef struct _DebriefTextPattern DebriefTextPattern;

typedef struct
{
  /* The folder as the user knows it (its path, or its URI when it is remote):
   * for messages only. Files are read through @folder. */
  char *folder_path;
  DebriefFolder *folder;
  const DebriefTextPattern *text_pattern;  /* the user's log pattern, or NULL */
  GCancellable *cancellable;
  void (*progress) (gpointer data, double fraction);
  gpointer progress_data;
  guint64 bytes_total;      /* of the files to read, for progress */
  guint64 bytes_done;
  /* The first failure of a remote folder that is not about one of its files (the
   * connection dropped): the loader ends the load with it instead of trying on. */
  GError *connection_error;
  /* What the last loads of the folder learnt (NULL: a one-off load), and whether
   * the run may still be written (DebriefLoadOptions). */
  DebriefLoadCache *cache;
  gboolean following;
  GPtrArray *one_off_tails;  /* DebriefTail of a load without a cache */
} DebriefLoadJob;

/* Sets up @ctx for the file @rel of the folder; *out_path receives its full path (or URI). */
void     debrief_load_job_context      (DebriefLoadJob     *job,
                                        DebriefRun         *run,
                                        const char         *rel,
                                        char              **out_path,
                                        DebriefReadContext *ctx);
/* Reads @rel (a regular file inside the folder) and sets up @ctx for it: a local file
 * is mapped, a remote one read through GIO. */
GBytes  *debrief_load_job_read         (DebriefLoadJob     *job,
                                        DebriefRun         *run,
                                        const char         *rel,
                                        char              **out_path,
                                        DebriefReadContext *ctx,
                                        GError            **error);
/* For a log that only grows: the bytes of @rel that the last loads did not parse
 * (all of it the first time, or when the file was replaced, truncated or
 * rewritten), and in *@tail where the reader left off: tail->state is NULL when
 * the reader starts afresh (it keeps its own state there for the next load).
 * The reader then says how much of the bytes it parsed with
 * debrief_load_job_tail_consumed(). Without a cache, the whole file and a tail of
 * this load only. @reader names the reader and how it reads (a file read by two
 * readers, or by one with other options, has a tail for each). */
GBytes  *debrief_load_job_read_tail    (DebriefLoadJob     *job,
                                        DebriefRun         *run,
                                        const char         *rel,
                                        const char         *reader,
                                        char              **out_path,
                                        DebriefReadContext *ctx,
                                        DebriefTail       **tail,
                                        GError            **error);
void     debrief_load_job_tail_consumed (DebriefLoadJob    *job,
                                         DebriefTail       *tail,
                                         GBytes            *bytes,
                                         gsize              consumed);
/* A rewritten file (trainer_state.json at each save) read while it may be
 * written: read until two reads agree with the file's size and time, a few
 * times at most; the caller also retries when what it read does not parse. */
GBytes  *debrief_load_job_read_settled (DebriefLoadJob     *job,
                                        DebriefRun         *run,
                                        const char         *rel,
                                        char              **out_path,
                                        DebriefReadContext *ctx,
                                        GError            **error);
/* At most @max_length bytes of @rel from @offset (the tail of a console log). */
GBytes  *debrief_load_job_read_part    (DebriefLoadJob     *job,
                                        const char         *rel,
                                        guint64             offset,
                                        gsize               max_length,
                                        GError            **error);
void     debrief_load_job_file_done    (DebriefLoadJob     *job,
                                        DebriefReadContext *ctx,
                                        gsize               length);
/* The names in the subfolder @rel of the folder (NULL: the folder itself),
 * sorted; empty when it cannot be listed. */
GPtrArray *debrief_load_job_list       (DebriefLoadJob     *job,
                                        const char         *rel);
/* What @rel is; FALSE when it does not exist. */
gboolean debrief_load_job_entry        (DebriefLoadJob     *job,
                                        const char         *rel,
                                        DebriefEntry       *entry);
/* Whether @rel exists as a regular file inside the folder. Symbolic links are
 * accepted only when they resolve inside the folder. */
gboolean debrief_load_job_has_file     (DebriefLoadJob     *job,
                                        const char         *rel);
/* The same for a subfolder. */
gboolean debrief_load_job_has_folder   (DebriefLoadJob     *job,
                                        const char         *rel);
/* When @rel exists but is not a usable file (a folder, a dangling link, a link
 * leading out of the folder): a warning on @run naming it, and TRUE. */
gboolean debrief_load_job_warn_unusable (DebriefLoadJob    *job,
                                         DebriefRun        *run,
                                         const char        *rel);
/* Parses a small JSON file of the folder; NULL when it is absent, NULL and a
 * warning on @run (once per message) when it is unusable, unreadable or malformed. */
DebriefJsonNode *debrief_load_job_read_json (DebriefLoadJob *job,
                                             DebriefRun     *run,
                                             const char     *rel);
/* As debrief_load_job_read_json, for the YAML subset of debrief-yaml.h. */
DebriefJsonNode *debrief_load_job_read_yaml (DebriefLoadJob *job,
                                             DebriefRun     *run,
                                             const char     *rel);

/* For g_ptr_array_sort of strings. */
int      debrief_compare_strings       (gconstpointer       a,
                                        gconstpointer       b);

/* ---- how a run ended ---- */

/* When the text ends with a Python traceback (the run crashed): its exception
 * line ("torch.OutOfMemoryError: CUDA out of memory. ..."), at most 300 bytes,
 * valid UTF-8, and its byte offset in @text; NULL when it does not. */
char    *debrief_find_crash_line       (const char         *text,
                                        gsize               length,
                                        gsize              *out_offset);
/* 1 + the number of newlines in @text: the line number at its end. */
guint    debrief_count_lines           (const char         *text,
                                        gsize               length);

/* ---- collecting series keyed by name, one record (line, log entry, event) at a time ---- */

/* Decides the series name and kind for a key; FALSE to ignore the key. */
typedef gboolean (*DebriefKeyMapFunc) (const char         *key,
                                       const char        **name,
                                       DebriefSeriesKind  *kind);

typedef struct _DebriefSeriesSet DebriefSeriesSet;

DebriefSeriesSet *debrief_series_set_new      (DebriefKeyMapFunc   map);
void              debrief_series_set_free     (DebriefSeriesSet   *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefSeriesSet, debrief_series_set_free)

/* Member @position of the current record (a hint for a fast key lookup). */
void              debrief_series_set_add      (DebriefSeriesSet   *set,
                                               guint               position,
                                               const char         *key,
                                               gsize               key_length,
                                               double              value);
/* Where the values of one key go (or not: an ignored key), valid as long as the set. */
typedef struct _DebriefSeriesSetSlot DebriefSeriesSetSlot;
/* As debrief_series_set_add; returns the key's slot (NULL for a key that
 * cannot be named), so that a reader that knows the key is the same again
 * adds the next value with debrief_series_set_add_to(), without a lookup. */
DebriefSeriesSetSlot *debrief_series_set_add_slot (DebriefSeriesSet *set,
                                                   guint             position,
                                                   const char       *key,
                                                   gsize             key_length,
                                                   double            value);
void              debrief_series_set_add_to   (DebriefSeriesSet     *set,
                                               DebriefSeriesSetSlot *slot,
                                               double                value);
/* Appends the pending values of the record at @step; @line for warnings. */
void              debrief_series_set_commit   (DebriefSeriesSet   *set,
                                               gint64              step,
                                               guint               line);
void              debrief_series_set_discard  (DebriefSeriesSet   *set);
guint             debrief_series_set_n_pending (DebriefSeriesSet  *set);
/* Expected number of records, to size the arrays once. */
void              debrief_series_set_reserve  (DebriefSeriesSet   *set,
                                               gsize               n_records);
/* Finishes every series (keep-last per step, warnings through @ctx) and adds
 * them to @run: train loss, val loss, then the others in first-seen order.
 * Returns the number of points added. */
gsize             debrief_series_set_finish   (DebriefSeriesSet   *set,
                                               DebriefReadContext *ctx);
/* As finish, for a set that goes on growing (a log still being written): @run
 * gets finished copies of the series, the set keeps its own. */
gsize             debrief_series_set_snapshot (DebriefSeriesSet   *set,
                                               DebriefReadContext *ctx);
DebriefSeries    *debrief_series_set_lookup   (DebriefSeriesSet   *set,
                                               const char         *key);

/* Key maps shared by the JSON-lines, trainer_state, CSV and TensorBoard readers. */
gboolean debrief_key_map_default   (const char *key, const char **name, DebriefSeriesKind *kind);
/* As default, plus per-batch token counts ("num_tokens") as the tokens series. */
gboolean debrief_key_map_tinker    (const char *key, const char **name, DebriefSeriesKind *kind);
/* As default, without the Trainer's end-of-training summary keys. */
gboolean debrief_key_map_hf        (const char *key, const char **name, DebriefSeriesKind *kind);
/* As default, without LLaMA-Factory's progress columns. */
gboolean debrief_key_map_llamafactory (const char *key, const char **name, DebriefSeriesKind *kind);
/* TRUE for keys that hold a loss (train or validation). */
gboolean debrief_key_is_loss_like  (const char *key);
/* TRUE for keys that number the steps ("step", "global_step", "current_steps", ...). */
gboolean debrief_key_is_step       (const char *key,
                                    gsize       length);

/* Reads a step value; FALSE (and a warning) when it is not a whole number in range. */
gboolean debrief_step_from_double  (double      value,
                                    gint64     *step);

/* ---- configuration ---- */

/* Fills the fields of the run's config that are still unknown from a
 * configuration object (config.json, adapter_config.json, an embedded
 * "config"). @source names the file for dims_source / dataset_tokens_source. */
void     debrief_reader_apply_config   (DebriefRun            *run,
                                        const DebriefJsonNode *object,
                                        const char            *source);
/* As debrief_reader_apply_config for a tracker's flat {key: value} config
 * (W&B config, MLflow params): also the nested sections trainers log there
 * (peft_config.default, model_args ...) and "_name_or_path". */
void     debrief_reader_apply_flat_config (DebriefRun            *run,
                                           const DebriefJsonNode *flat,
                                           const char            *source);
/* Records every scalar value of a training configuration (@object: config.json
 * of a script, Tinker's config, W&B's config, MLflow's params, PEFT's
 * adapter_config.json) as the run's parameters, nested keys joined with "."
 * (debrief_run_set_param): what a sweep lines up. Not for result files
 * (all_results.json, a summary): their values are outcomes, not settings. */
void     debrief_reader_collect_params (DebriefRun            *run,
                                        const DebriefJsonNode *object,
                                        const char            *source);
/* Reads model dimensions from @object, its "text_config" or its "model"
 * object; TRUE if hidden_size was found. */
gboolean debrief_reader_read_dims      (const DebriefJsonNode *object,
                                        DebriefModelDims      *dims);

G_END_DECLS
