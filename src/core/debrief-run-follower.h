/* debrief-run-follower.h: a run that is still being written, read again as it grows
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A follower reads a run folder, then watches the files it was read from: a
 * GFileMonitor for a local folder (with a slow poll behind it, for network
 * file systems whose writes inotify does not see), a poll of a few
 * g_file_query_info() calls for a remote one. When they change it reads the
 * run again through a DebriefLoadCache, so logs that only grow are read from
 * their last complete record and nothing is read while the run is quiet.
 * Each new reading is a new DebriefRun (::updated), handed over on the main
 * context; the one before is never changed, so views and analyses that hold
 * it need no lock. GIO only, no GTK.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-loader.h"
#include "debrief-run-progress.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_RUN_FOLLOWER (debrief_run_follower_get_type ())
G_DECLARE_FINAL_TYPE (DebriefRunFollower, debrief_run_follower, DEBRIEF, RUN_FOLLOWER, GObject)

/* @options (copied; may be NULL): the user's log pattern. */
DebriefRunFollower *debrief_run_follower_new          (GFile                    *folder,
                                                       const DebriefLoadOptions *options);
GFile              *debrief_run_follower_get_folder   (DebriefRunFollower       *self);

/* The reading the caller has already (before start()): a first reading that
 * holds the same is not handed over as ::updated. */
void                debrief_run_follower_set_known_run (DebriefRunFollower  *self,
                                                        DebriefRun          *run);
/* Reads the run now and watches it from then on (callbacks on the thread-default
 * main context of the caller); stop() ends both. */
void                debrief_run_follower_start        (DebriefRunFollower       *self);
void                debrief_run_follower_stop         (DebriefRunFollower       *self);
/* Reads it again now (after an error: the Retry). */
void                debrief_run_follower_reload       (DebriefRunFollower       *self);

/* The latest reading, or NULL before the first; notify::run and ::updated. */
DebriefRun         *debrief_run_follower_get_run      (DebriefRunFollower       *self);
/* Why the last reading failed (the run before it stays), or NULL. */
const GError       *debrief_run_follower_get_error    (DebriefRunFollower       *self);
/* Whether it is still training; notify::state when that changes. */
DebriefLiveState    debrief_run_follower_get_state    (DebriefRunFollower       *self);
/* Seconds left (the trainer's estimate, or its pace seen here), NAN unknown. */
double              debrief_run_follower_get_eta      (DebriefRunFollower       *self);
/* The pace seen while following: seconds per step; NAN until two readings moved. */
double              debrief_run_follower_get_seconds_per_step (DebriefRunFollower *self);

/* Nothing being read or about to be, and a run that ended read once more as
 * finished: what it shows is what its files hold. */
gboolean            debrief_run_follower_get_settled  (DebriefRunFollower       *self);

/* How often a remote folder is looked at (milliseconds; default 2000). A local
 * one is watched by GFileMonitor and looked at every poll-interval × 3. */
guint               debrief_run_follower_get_poll_interval (DebriefRunFollower  *self);
void                debrief_run_follower_set_poll_interval (DebriefRunFollower  *self,
                                                            guint                milliseconds);
/* What the readings share (tests look at how much they read). */
DebriefLoadCache   *debrief_run_follower_get_cache    (DebriefRunFollower       *self);
/* Readings done so far (a run read again only when its files changed: tests). */
guint               debrief_run_follower_get_n_loads  (DebriefRunFollower       *self);

G_END_DECLS
