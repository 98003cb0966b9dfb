/* debrief-sweep-private.h: what the files of the sweep share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   debrief-sweep-run.c       one run's settings (aliases merged) and results
 *   debrief-sweep.c           the object: columns, values, groups, seed noise, sorting
 *   debrief-sweep-findings.c  best run or group, learning-rate edge, rank, failed runs
 *   debrief-sweep-report.c    JSON, sweep.md, the common folder
 */
#pragma once

#include <json-glib/json-glib.h>

#include "debrief-sweep.h"

G_BEGIN_DECLS

/* One value of a column for one run. */
typedef struct
{
  char *text;                 /* for people; NULL: the run has none */
  double number;              /* NAN when not a number */
  guint value_id;             /* equal values, equal ids (0: none); for grouping */
} SweepCell;

/* A competitor for "best": a seed group, or a run in no group. */
typedef struct
{
  int group;                  /* seed group index, or -1 */
  guint run;                  /* its first run */
  guint n;                    /* members with the objective, not failed */
  double mean;
  double noise;               /* measurement noise of one member's objective (no seeds) */
} SweepUnit;

/* What a finding names, for JSON and for the window (select its runs). */
typedef struct
{
  GArray *runs;               /* guint */
  int group;                  /* seed group it names, -1 */
  JsonObject *extra;          /* members added to its JSON ("run", "group", "runs", ...) */
  DebriefFinding *finding;    /* (not owned) to add its actions while it is made */
} SweepFindingInfo;

struct _DebriefSweep
{
  GObject parent_instance;

  GPtrArray *runs;            /* DebriefSweepRun */
  GPtrArray *labels;          /* char*: each run's name, or its path under the common folder when
                               * two runs share a name (two sweeps side by side) */
  GHashTable *index;          /* DebriefRun* -> position + 1 */
  GArray *columns;            /* DebriefSweepColumn */
  GPtrArray *cells;           /* per column: SweepCell[n_runs] */
  char *group_by;

  GArray *groups;             /* DebriefSweepGroup: shown (seed groups, or by group_by) */
  GArray *run_group;          /* int per run */
  GArray *seed_groups;        /* DebriefSweepGroup: the same settings but the seed */
  GArray *run_seed_group;     /* int per run */

  const char *objective;      /* a result key, or NULL */
  int better;
  double seed_sigma;          /* pooled standard deviation between seeds */
  guint seed_df;              /* its degrees of freedom */
  GPtrArray *notes;           /* char*: what could not be compared, and why */

  GListStore *findings;       /* DebriefFinding */
  GHashTable *finding_info;   /* DebriefFinding* -> SweepFindingInfo* */
};

/* debrief-sweep-run.c: a line with what can be read on the main thread (the
 * settings, the analysis; nothing but the name when @pending), then its
 * results from the series (O(points), file IO for judgements.jsonl: in a
 * worker thread). */
DebriefSweepRun *_debrief_sweep_run_prepare (DebriefRun        *run,
                                             gboolean           pending);
void         _debrief_sweep_run_compute     (DebriefSweepRun   *self);
gboolean     _debrief_sweep_run_is_computed (DebriefSweepRun   *self);
/* A line of the same run with its analysis (and settings) read again, its
 * results kept (main thread). */
DebriefSweepRun *_debrief_sweep_run_reanalysed (DebriefSweepRun *line);
/* Position of a canonical key in the table of usual settings. */
guint        _debrief_sweep_canonical_order (const char        *key);

/* debrief-sweep.c */
/* The name run @run goes by in this sweep (unique among its runs). */
const char  *_debrief_sweep_run_label       (DebriefSweep      *self,
                                             guint              run);
const SweepCell *_debrief_sweep_cell        (DebriefSweep      *self,
                                             guint              column,
                                             guint              run);
/* The objective of run @run, NAN when it failed or has none. */
double       _debrief_sweep_objective       (DebriefSweep      *self,
                                             guint              run);
/* Whether a column is the seed (it does not make runs different settings). */
gboolean     _debrief_sweep_column_is_seed  (const DebriefSweepColumn *column);
/* @value formatted as the column shows it. */
char        *_debrief_sweep_format_value    (const DebriefSweepColumn *column,
                                             double             value);
/* "learning_rate=0.003, lora_rank=16": the settings of @run in the config
 * columns, except those @skip says (may be NULL). */
char        *_debrief_sweep_describe_settings (DebriefSweep    *self,
                                             guint              run,
                                             gboolean         (*skip) (const DebriefSweepColumn *column));
/* Student's t for a two-sided 95% interval with @df degrees of freedom. */
double       _debrief_sweep_t95             (guint              df);

/* debrief-sweep-findings.c */
void         _debrief_sweep_find            (DebriefSweep      *self);
void         _debrief_sweep_finding_info_free (gpointer         info);

G_END_DECLS
