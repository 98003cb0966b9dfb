/* debrief-test-writers.h: writers that write run folders the way trainers do
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the tests that follow a run while it is written (test-follow, and
 * test-remote through sftp): each writer runs in a thread of its own.
 */
#pragma once

#include "debrief-core.h"

G_BEGIN_DECLS

typedef struct _DebriefTestWriter DebriefTestWriter;

/* The train loss written at @step (the tinker lines and the trainer states). */
double             debrief_test_expected_loss     (guint        step);
/* One tinker-cookbook metrics.jsonl line, newline included. */
char              *debrief_test_tinker_line       (guint        step);
/* A trainer_state.json of @n_entries log entries (steps 10, 20, ...). */
char              *debrief_test_trainer_state     (guint        n_entries,
                                                   guint        max_steps);

/* Writes tinker lines @first .. @first + @n - 1 to @path at once (anew, or appended). */
void               debrief_test_write_tinker_lines (const char *path,
                                                    guint       first,
                                                    guint       n,
                                                    gboolean    truncate);

/* Appends lines 0 .. @n_lines - 1 to @path at @per_second, each in two writes
 * with a pause between them (half a line is on disk for a while). */
DebriefTestWriter *debrief_test_append_tinker     (const char  *path,
                                                   guint        n_lines,
                                                   guint        per_second);
/* Writes @path as a trainer_state.json @n_versions times, every 50 ms, the way
 * the HF Trainer does: truncated, then written in three pieces with pauses.
 * Version v holds v × @entries_per_version entries. */
DebriefTestWriter *debrief_test_rewrite_trainer_state (const char *path,
                                                   guint        n_versions,
                                                   guint        entries_per_version);
/* Appends @n_events TensorBoard scalar events ("train/loss" at steps 0 ..) to
 * @path at @per_second, each record in two writes with a pause between. */
DebriefTestWriter *debrief_test_append_events     (const char  *path,
                                                   guint        n_events,
                                                   guint        per_second);
gboolean           debrief_test_writer_done       (DebriefTestWriter *writer);
/* Waits for the writer to finish and frees it. */
void               debrief_test_writer_join       (DebriefTestWriter *writer);

/* Asserts that @run's train loss is lines 0 .. n-1 of the tinker writer, each once. */
void               debrief_test_check_tinker_prefix (DebriefRun  *run);
/* Asserts that @run's train loss is events 0 .. n-1 of the TensorBoard writer. */
void               debrief_test_check_events_prefix (DebriefRun  *run);
/* Asserts that @run's train loss is one whole version of the trainer states. */
void               debrief_test_check_state_prefix  (DebriefRun  *run,
                                                     guint        entries_per_version);

/* What a test sees of a follower's readings: each one checked as it comes. */
typedef struct
{
  guint n_updates;
  gsize points;             /* train-loss points of the last reading */
  gboolean tinker;          /* each reading: lines of debrief_test_append_tinker() */
  guint state_entries;      /* each reading: a version of debrief_test_rewrite_trainer_state() */
  gboolean events;          /* each reading: events of debrief_test_append_events() */
} DebriefTestWatch;

/* A DebriefRunFollower::updated handler; @user_data is a DebriefTestWatch. Also
 * asserts that a reading never has fewer points than the one before. */
void               debrief_test_watch_updated     (DebriefRunFollower *follower,
                                                   DebriefRun         *run,
                                                   gpointer            user_data);

void               debrief_test_write_all         (int                 fd,
                                                   const char         *data,
                                                   gsize               length);

G_END_DECLS
