/* debrief-workspace-private.h: what the workspace's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * debrief-workspace.c          the object, the open runs, the job pool
 * debrief-workspace-load.c     load batches: discovery, loads, progress, errors, cancel
 * debrief-workspace-analysis.c analyses (one generation counter per run) and file watching
 * debrief-workspace-config.c   the user's values per run folder, remembered on disk
 * debrief-workspace-recent.c   recent runs
 * debrief-workspace-follow.c   runs still being written, followed as they grow
 * debrief-load-batch.c         the DebriefLoadBatch a caller gets back
 */
#pragma once

#include "debrief-load-batch.h"
#include "debrief-workspace.h"

G_BEGIN_DECLS

typedef enum
{
  WORKSPACE_JOB_ANALYSIS,  /* short: ahead of every load */
  WORKSPACE_JOB_LOAD,      /* discovery and loads, in the order asked for */
} WorkspaceJobKind;

/* Starts the job's asynchronous work; its callback must call
 * _debrief_workspace_job_done() exactly once. */
typedef void (*WorkspaceJobFunc) (DebriefWorkspace *self,
                                  gpointer          data);

/* One open run folder. It outlives the DebriefRun objects that a reload
 * replaces: the generation counter, the user's values and the file monitors
 * belong to the folder. */
typedef struct
{
  DebriefWorkspace *workspace;        /* borrowed: the workspace owns the state */
  char *key;                          /* the folder's URI */
  DebriefRun *run;
  DebriefRunOverrides overrides;      /* what the user typed (remembered) */

  guint generation;                   /* bumped by each analysis started */
  GCancellable *analysis_cancellable;
  gboolean analysing;                 /* counted in n_analysing */

  GPtrArray *monitors;                /* GFileMonitor on the files the run was read from */
  GSource *reload_source;             /* the debounce after a change */
  gboolean reloading;                 /* a reload after a change is in flight */
  gboolean changed_again;             /* and the files changed meanwhile */

  DebriefRunFollower *follower;       /* a run still being written: it hands over each new reading */
  GSource *analysis_source;           /* the analysis of a followed run, at most once a second */
} RunState;

struct _DebriefWorkspace
{
  GObject parent_instance;

  GMainContext *context;              /* where callbacks and timeouts run */
  GListStore *runs;                   /* DebriefRun, sorted by name */
  GHashTable *states;                 /* folder URI -> RunState */

  /* Loading */
  GPtrArray *batches;                 /* DebriefLoadBatch in flight */
  GCancellable *load_cancellable;
  char *text_pattern;                 /* DebriefLoadOptions, copied */
  GPtrArray *session_errors;          /* messages since the loads last went idle */
  char *error;
  double progress;

  /* The pool */
  GQueue analysis_jobs;
  GQueue load_jobs;
  guint running_jobs;
  guint max_jobs;
  guint peak_jobs;
  gboolean starting_jobs;
  guint n_analysing;

  /* The user's values and recent runs */
  DebriefRunOverrides overrides;      /* for every run (debrief-cli flags) */
  GFile *state_file;
  GHashTable *unsaved;                /* folder URI -> SaveEntry, to write */
  gboolean saving;
  GSettings *settings;
  GListStore *recent;                 /* GFile */
  GPtrArray *recent_pending;          /* paths read since the loads last went idle */
  GCancellable *recent_cancellable;

  DebriefFollowMode follow;

  guint busy : 1;
  guint loading : 1;
  guint watch_files : 1;
};

/* debrief-workspace.c */
void              _debrief_workspace_queue_job        (DebriefWorkspace *self,
                                                       WorkspaceJobKind  kind,
                                                       WorkspaceJobFunc  func,
                                                       gpointer          data);
void              _debrief_workspace_job_done         (DebriefWorkspace *self);
/* The most jobs that ran at once (tests). */
guint             _debrief_workspace_get_peak_jobs    (DebriefWorkspace *self);
void              _debrief_workspace_set_max_jobs     (DebriefWorkspace *self,
                                                       guint             max_jobs);
char             *_debrief_workspace_key              (GFile            *folder);
RunState         *_debrief_workspace_lookup           (DebriefWorkspace *self,
                                                       DebriefRun       *run);
/* Puts @run into the runs model (replacing the run of the same folder), with
 * @remembered as the user's values when the folder was not open; analyses it. */
void              _debrief_workspace_insert_run       (DebriefWorkspace *self,
                                                       DebriefRun       *run,
                                                       const DebriefRunOverrides *remembered);
/* Recomputes busy, loading and progress and notifies what changed. */
void              _debrief_workspace_update_state     (DebriefWorkspace *self);
void              _debrief_workspace_warn             (DebriefWorkspace *self,
                                                       const char       *message);
void              _debrief_workspace_emit_config_changed (DebriefWorkspace *self,
                                                       DebriefRun       *run);

/* debrief-workspace-load.c */
void              _debrief_workspace_reload_quietly   (DebriefWorkspace *self,
                                                       RunState         *state);

/* debrief-workspace-follow.c */
/* Follows @state's run when the follow mode says so (TRUE: the follower watches it). */
gboolean          _debrief_workspace_follow           (DebriefWorkspace *self,
                                                       RunState         *state);
void              _debrief_workspace_unfollow         (RunState         *state);
void              _debrief_workspace_emit_live_changed (DebriefWorkspace *self,
                                                       DebriefRun       *run);
/* Puts @run where the run of @state is in the runs model. */
void              _debrief_workspace_replace_run      (DebriefWorkspace *self,
                                                       RunState         *state,
                                                       DebriefRun       *run);

/* debrief-workspace-analysis.c */
void              _debrief_workspace_analyse          (DebriefWorkspace *self,
                                                       RunState         *state);
void              _debrief_workspace_stop_analysis    (DebriefWorkspace *self,
                                                       RunState         *state);
void              _debrief_workspace_watch            (DebriefWorkspace *self,
                                                       RunState         *state);
void              _debrief_workspace_unwatch          (RunState         *state);

/* debrief-workspace-config.c */
void              _debrief_workspace_recall_async     (DebriefWorkspace *self,
                                                       GFile            *folder,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
/* The remembered values for the folder (empty when none or on error). */
void              _debrief_workspace_recall_finish    (DebriefWorkspace *self,
                                                       GAsyncResult     *result,
                                                       DebriefRunOverrides *overrides);
void              _debrief_workspace_config_dispose   (DebriefWorkspace *self);

/* debrief-workspace-recent.c */
void              _debrief_workspace_remember_recent  (DebriefWorkspace *self,
                                                       DebriefRun       *run);
/* Writes what was remembered since the last flush (one settings write per batch). */
void              _debrief_workspace_flush_recent     (DebriefWorkspace *self);
void              _debrief_workspace_recent_dispose   (DebriefWorkspace *self);

/* debrief-load-batch.c: filled by debrief-workspace-load.c */
typedef struct
{
  GFile *folder;
  DebriefRun *run;
  GError *error;
  double fraction;
  gboolean done;
} DebriefLoadResult;

DebriefLoadBatch *_debrief_load_batch_new             (guint             n_requests,
                                                       gboolean          quiet);
gboolean          _debrief_load_batch_is_quiet        (DebriefLoadBatch *self);
/* A folder found for request @request; *is_new FALSE when the batch has it already. */
DebriefLoadResult *_debrief_load_batch_add            (DebriefLoadBatch *self,
                                                       guint             request,
                                                       GFile            *folder,
                                                       gboolean         *is_new);
/* Discovery under the folder of @request: one pending job fewer when it ends. */
void              _debrief_load_batch_expect          (DebriefLoadBatch *self);
void              _debrief_load_batch_discovered      (DebriefLoadBatch *self);
void              _debrief_load_batch_set_done        (DebriefLoadBatch *self,
                                                       DebriefLoadResult *result,
                                                       DebriefRun       *run,
                                                       const GError     *error);
void              _debrief_load_batch_set_fraction    (DebriefLoadBatch *self,
                                                       DebriefLoadResult *result,
                                                       double            fraction);
/* Sums over the results so far, for the workspace's progress. */
void              _debrief_load_batch_count           (DebriefLoadBatch *self,
                                                       double           *done,
                                                       guint            *total);
gboolean          _debrief_load_batch_is_complete     (DebriefLoadBatch *self);
void              _debrief_load_batch_finish          (DebriefLoadBatch *self);

G_END_DECLS
