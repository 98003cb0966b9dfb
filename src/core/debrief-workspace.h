/* debrief-workspace.h: the open runs, their loading and their analysis
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A workspace owns a set of open runs, like GNOME Text Editor's EditorSession
 * owns documents: it reads them (load batches, progress, errors, cancel),
 * analyses every run it holds, again whenever the run's inputs change (a value
 * the user filled in, a log file changed on disk), and remembers recent runs
 * and the user's values per run folder. Windows and views are given a
 * workspace and only observe it: the runs model, each run's notify::analysis,
 * and the busy / progress / error properties. debrief-cli uses the same code
 * through debrief_workspace_open_sync(). GIO only: no GTK.
 *
 * Work runs in a bounded pool of worker threads (loads, discovery, analyses;
 * analyses go first), so a folder of a thousand runs shows each run as it
 * arrives without starting a thousand threads.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

#include "debrief-load-batch.h"
#include "debrief-loader.h"
#include "debrief-run.h"
#include "debrief-run-follower.h"
#include "debrief-run-overrides.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_OPEN_NONE     = 0,
  /* A folder that is not itself a run opens the runs found under it. */
  DEBRIEF_OPEN_DISCOVER = 1 << 0,
} DebriefOpenFlags;

/* Which open runs are followed while they are written (DebriefRunFollower):
 * read again from their last complete record as they grow, analysed again at
 * most once a second. */
typedef enum
{
  DEBRIEF_FOLLOW_NONE,   /* watch-files alone reads a changed run again whole */
  DEBRIEF_FOLLOW_LIVE,   /* the runs that look still training (the app) */
  DEBRIEF_FOLLOW_ALL,    /* every open run (debrief-cli analyze --follow) */
} DebriefFollowMode;

#define DEBRIEF_TYPE_WORKSPACE (debrief_workspace_get_type ())
G_DECLARE_FINAL_TYPE (DebriefWorkspace, debrief_workspace, DEBRIEF, WORKSPACE, GObject)

DebriefWorkspace *debrief_workspace_new             (void);

/* DebriefRun items, sorted by name. Each run's analysis arrives on
 * notify::analysis (main thread). */
GListModel       *debrief_workspace_get_runs        (DebriefWorkspace        *self);
DebriefRun       *debrief_workspace_find_run        (DebriefWorkspace        *self,
                                                     GFile                   *folder);

/* Reads @files in the background. A folder already open is read again and
 * replaced in place. Returns the batch (transfer full), to follow it or to
 * read its results in order; dropping it does not stop it. */
DebriefLoadBatch *debrief_workspace_open            (DebriefWorkspace        *self,
                                                     GFile                  **files,
                                                     guint                    n_files,
                                                     DebriefOpenFlags         flags);
/* The same, waiting until the batch is read and its runs are analysed, by
 * iterating a private main context: for programs without a main loop
 * (debrief-cli). Call it on an idle workspace. */
DebriefLoadBatch *debrief_workspace_open_sync       (DebriefWorkspace        *self,
                                                     GFile                  **files,
                                                     guint                    n_files,
                                                     DebriefOpenFlags         flags,
                                                     GCancellable            *cancellable);
/* Adds a run read elsewhere (tests, runs built in memory); replaces the open
 * run of the same folder. The workspace analyses it. */
void              debrief_workspace_add_run         (DebriefWorkspace        *self,
                                                     DebriefRun              *run);
/* Reads every open run again (a run still training has grown). */
void              debrief_workspace_reload          (DebriefWorkspace        *self);
/* Stops the loads in flight; the runs open so far stay. */
void              debrief_workspace_cancel          (DebriefWorkspace        *self);
void              debrief_workspace_close_run       (DebriefWorkspace        *self,
                                                     DebriefRun              *run);
void              debrief_workspace_close_all       (DebriefWorkspace        *self);

/* Loading or analysing. */
gboolean          debrief_workspace_get_busy        (DebriefWorkspace        *self);
/* Loading (a subset of busy). */
gboolean          debrief_workspace_get_loading     (DebriefWorkspace        *self);
/* 0..1 over the loads in flight. */
double            debrief_workspace_get_progress    (DebriefWorkspace        *self);
/* What the last loads could not open, one line per folder (each naming its
 * file), or NULL. Cleared when new loads start after the last ones ended. */
const char       *debrief_workspace_get_error       (DebriefWorkspace        *self);

/* Fills gaps in @run's configuration with what the user typed (a value <= 0
 * or a NULL / empty @base_model leaves that value as it is; @rl_episodes is
 * what an RL run's capacity counts instead of tokens), remembers it for
 * the run's folder, emits ::config-changed and analyses the run again. FALSE
 * with @error (nothing changed) when @base_model is not a known model. */
gboolean          debrief_workspace_edit_config     (DebriefWorkspace        *self,
                                                     DebriefRun              *run,
                                                     gint64                   lora_rank,
                                                     gint64                   dataset_tokens,
                                                     gint64                   rl_episodes,
                                                     const char              *base_model,
                                                     GError                 **error);
/* Applied to every run read from now on, and not remembered
 * (debrief-cli's --rank / --tokens / --model). */
void              debrief_workspace_set_overrides   (DebriefWorkspace        *self,
                                                     const DebriefRunOverrides *overrides);

/* How folders are read from now on (the user's log pattern); copied. */
void              debrief_workspace_set_load_options (DebriefWorkspace       *self,
                                                     const DebriefLoadOptions *options);

/* Where the user's values are remembered per run folder (a key file; the app
 * uses $XDG_STATE_HOME/debrief/runs.ini), or NULL to remember nothing. */
GFile            *debrief_workspace_get_state_file  (DebriefWorkspace        *self);
void              debrief_workspace_set_state_file  (DebriefWorkspace        *self,
                                                     GFile                   *state_file);
/* Recent runs live in the "recent-runs" key of @settings (the application's
 * GSettings), or nowhere when NULL. */
GSettings        *debrief_workspace_get_settings    (DebriefWorkspace        *self);
void              debrief_workspace_set_settings    (DebriefWorkspace        *self,
                                                     GSettings               *settings);
/* GFile items: recently opened run folders that still exist, newest first
 * (checked in a worker thread). */
GListModel       *debrief_workspace_get_recent_runs (DebriefWorkspace        *self);

/* Watch the files each run was read from and read the run again, shortly
 * after they stop changing. Off by default. */
gboolean          debrief_workspace_get_watch_files (DebriefWorkspace        *self);
void              debrief_workspace_set_watch_files (DebriefWorkspace        *self,
                                                     gboolean                 watch_files);

DebriefFollowMode debrief_workspace_get_follow      (DebriefWorkspace        *self);
void              debrief_workspace_set_follow      (DebriefWorkspace        *self,
                                                     DebriefFollowMode        mode);
/* The follower of @run's folder (its live state, ETA, error), or NULL when it is
 * not followed. ::live-changed (DebriefRun *run) says its state or reading changed. */
DebriefRunFollower *debrief_workspace_get_follower  (DebriefWorkspace        *self,
                                                     DebriefRun              *run);
/* Whether every followed run has ended and its last reading is analysed (for
 * debrief-cli analyze --follow, which exits then). TRUE when none is followed. */
gboolean          debrief_workspace_get_followed_runs_done (DebriefWorkspace *self);

G_END_DECLS
