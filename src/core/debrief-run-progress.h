/* debrief-run-progress.h: how far a run got, and whether it is still training
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * People open a run while it trains, to see whether it is worth letting it
 * finish. The readers fill what the trainer itself says about its progress
 * (LLaMA-Factory's current_steps / total_steps / remaining_time, tinker's
 * progress/done_frac and time/total, the HF Trainer's global_step and
 * max_steps) and what says it is over (train_results.json, a checkpoint named
 * "final", 100 %). Whether it is still being written also takes the clock: a
 * run that says nothing of an end is live while its files keep changing.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <glib-object.h>

#include "debrief-types.h"

G_BEGIN_DECLS

struct _DebriefRunProgress
{
  gint64 step;                /* the last step logged; -1 unknown */
  gint64 total_steps;         /* the planned number (max_steps, total_steps); 0 unknown */
  double fraction;            /* 0..1 as the trainer says; NAN unknown */
  double elapsed_seconds;     /* as the trainer says; NAN unknown */
  double remaining_seconds;   /* as the trainer says; NAN unknown */
  char *finished_by;          /* what says the run is over, for the user; NULL when nothing does */
  gint64 last_write_usec;     /* wall-clock time of the newest write to the files read; 0 unknown */
};

typedef enum
{
  DEBRIEF_LIVE_FINISHED,      /* something says it is over, or nothing moved for long */
  DEBRIEF_LIVE_TRAINING,      /* still being written */
  DEBRIEF_LIVE_STALLED,       /* not over, but quiet for much longer than its pace */
} DebriefLiveState;

#define DEBRIEF_TYPE_LIVE_STATE (debrief_live_state_get_type ())
GType      debrief_live_state_get_type        (void) G_GNUC_CONST;
/* "finished", "training", "stalled" (debrief-cli --json). */
const char *debrief_live_state_to_string      (DebriefLiveState          state);

void       debrief_run_progress_init          (DebriefRunProgress       *progress);
void       debrief_run_progress_clear         (DebriefRunProgress       *progress);
void       debrief_run_progress_copy          (const DebriefRunProgress *from,
                                               DebriefRunProgress       *to);

/* No new data for this long and nothing says when it ends: it is not training. */
#define DEBRIEF_LIVE_QUIET_SECONDS (30 * 60)

/* Whether the run is still training at @now_usec. @seconds_per_write is how
 * often its files changed while it was watched (NAN unknown): a run quiet for
 * ten times that (two minutes at least) is stalled, one quiet for
 * DEBRIEF_LIVE_QUIET_SECONDS (or ten times its pace) is over. */
DebriefLiveState debrief_run_progress_live_state (const DebriefRunProgress *progress,
                                                  gint64                    now_usec,
                                                  double                    seconds_per_write);
/* How far the trainer says it got towards its planned steps (0–1): its own
 * fraction, else step / total steps; NAN when it says neither. */
double     debrief_run_progress_done_fraction (const DebriefRunProgress *progress);
/* Seconds left, from the trainer's own estimate or its progress, else from
 * @seconds_per_step (the pace seen while watching; NAN unknown) and the steps
 * left; NAN when nothing says. */
double     debrief_run_progress_eta           (const DebriefRunProgress *progress,
                                               double                    seconds_per_step);
/* Fills @progress from one record of a log (the last line of a JSON-lines log),
 * as an object: the keys LLaMA-Factory and tinker-cookbook write. */
void       debrief_run_progress_read_record   (DebriefRunProgress       *progress,
                                               const char               *record,
                                               gsize                     length);
/* "1 h 20 min", "45 s", "3 d 4 h": a duration for people (translated). */
char      *debrief_format_duration            (double                    seconds);
/* One sentence for people: "training: step 4,200 of 10,000 (42 %), about 1 h 20 min
 * left", "stalled: no new data for 12 min", "finished: train_results.json was written". */
char      *debrief_run_progress_describe      (const DebriefRunProgress *progress,
                                               DebriefLiveState          state,
                                               double                    eta_seconds,
                                               gint64                    now_usec);
/* "1:02:03" (LLaMA-Factory's elapsed_time / remaining_time) in seconds; NAN if not that. */
double     debrief_parse_clock_time           (const char               *text);

G_END_DECLS
