/* debrief-sweep.h: runs compared (a learning-rate sweep, ranks, seeds)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POSTTRAINING.md section 6. Runs opened together are lined up: the settings
 * that differ between them become columns (detected from what the readers
 * collected, not from a list), their results become more columns, runs that
 * are the same but for the seed form a group, and the sweep's findings answer
 * what a sweep must answer: which run or group is best, and by how much
 * compared with the seed-to-seed spread (or that it is not separable from
 * it); whether the best learning rate sits at the edge of the tried range;
 * whether a higher rank helped; which runs failed, and by which of their own
 * findings. The rules are those of the run findings: robust numbers, margins
 * scaled by the noise, and no finding rather than a false one.
 *
 * A DebriefSweep is immutable: build it (in a worker thread for thousands of
 * runs) from DebriefSweepRun lines, and build another when runs change.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "debrief-types.h"
#include "debrief-sweep-run.h"

G_BEGIN_DECLS

#define DEBRIEF_SWEEP_FILENAME "sweep.md"

/* The stable ids of the sweep findings. */
#define DEBRIEF_FINDING_SWEEP_BEST          "sweep_best"
#define DEBRIEF_FINDING_SWEEP_NOT_SEPARABLE "sweep_not_separable"
#define DEBRIEF_FINDING_SWEEP_LR_EDGE       "sweep_lr_edge"
#define DEBRIEF_FINDING_SWEEP_RANK_FLAT     "sweep_rank_flat"
#define DEBRIEF_FINDING_SWEEP_FAILED        "sweep_failed"

typedef enum
{
  DEBRIEF_SWEEP_COLUMN_NAME,     /* the run's name */
  DEBRIEF_SWEEP_COLUMN_KIND,     /* sft, rl, ... */
  DEBRIEF_SWEEP_COLUMN_VERDICT,  /* healthy, failed, ... */
  DEBRIEF_SWEEP_COLUMN_CONFIG,   /* a setting that differs between the runs */
  DEBRIEF_SWEEP_COLUMN_RESULT,   /* a result some run has */
} DebriefSweepColumnRole;

struct _DebriefSweepColumn
{
  char *key;                  /* "learning_rate", "best_val_loss" ... (JSON, --sort, --color-by) */
  char *label;                /* for people, translated: "Learning rate" */
  DebriefSweepColumnRole role;
  gboolean numeric;           /* every value present is a number */
  gboolean log_scale;         /* positive numbers better read on a log scale (learning rates, spans of decades) */
  int better;                 /* results: -1 lower is better, +1 higher; 0 for settings */
  char **aliases;             /* settings: the keys as the runs' files wrote them ("lr", "learning_rate") */
  guint n_distinct;           /* distinct values among the runs that have one */
  double min, max;            /* numeric: range of the values (NAN when none) */
};

/* Runs that belong together: the same settings but for the seed, or the same
 * value of the key the user grouped by. */
struct _DebriefSweepGroup
{
  char *id;                   /* "g1", "g2" ... in the order of their first run */
  char *label;                /* "learning_rate=0.003, lora_rank=16" */
  GArray *members;            /* guint: run indices */
  gboolean seeds;             /* the members differ only by seed (or not at all) */
  /* The objective over the members that did not fail and have it: */
  guint n;
  double mean, std, min, max; /* std NAN with fewer than two */
};

#define DEBRIEF_TYPE_SWEEP (debrief_sweep_get_type ())
G_DECLARE_FINAL_TYPE (DebriefSweep, debrief_sweep, DEBRIEF, SWEEP, GObject)

/* @runs: DebriefSweepRun. @group_by: column keys to group the runs by, "KEY"
 * or "KEY,KEY" (NULL: the runs that differ only by seed). Cheap enough for thousands of runs,
 * but pure: safe in a worker thread. */
DebriefSweep     *debrief_sweep_new                 (GPtrArray          *runs,
                                                     const char         *group_by);
/* Lines up @runs (DebriefRun, loaded and analysed) at once. */
DebriefSweep     *debrief_sweep_new_for_runs        (GPtrArray          *runs,
                                                     const char         *group_by);

guint             debrief_sweep_get_n_runs          (DebriefSweep       *self);
DebriefSweepRun  *debrief_sweep_get_run             (DebriefSweep       *self,
                                                     guint               i);

/* Name, kind, verdict, the settings that differ, then the results some run has. */
guint             debrief_sweep_get_n_columns       (DebriefSweep       *self);
const DebriefSweepColumn *debrief_sweep_get_column  (DebriefSweep       *self,
                                                     guint               i);
/* Whether the column says something about these runs: a kind or a result
 * they do not all share (the objective always). What the tables show by default. */
gboolean          debrief_sweep_column_is_informative (DebriefSweep     *self,
                                                     guint               column);
/* Index of the column of @key (also an alias as written: "lr"), or -1. */
int               debrief_sweep_find_column         (DebriefSweep       *self,
                                                     const char         *key);
/* The value of column @column for run @run as text for people ("3e-4",
 * "1.7123", "2 min 5 s"), NULL when the run has none; @number (may be NULL)
 * gets it as a number or NAN. */
const char       *debrief_sweep_get_text            (DebriefSweep       *self,
                                                     guint               run,
                                                     guint               column,
                                                     double             *number);
/* The same for any line, also one the sweep was not built from (a run that
 * arrived since): as the column shows its values. Free with g_free(). */
char             *debrief_sweep_format_run          (DebriefSweep       *self,
                                                     guint               column,
                                                     DebriefSweepRun    *run,
                                                     double             *number);
/* Orders run indices by @column (ascending, or descending), runs without a
 * value last, ties by name. @order gets n_runs indices. */
void              debrief_sweep_sort                (DebriefSweep       *self,
                                                     guint               column,
                                                     gboolean            descending,
                                                     guint              *order);

/* What "best" means here: the key of a result column and whether higher is
 * better (-1 lower). NULL when no result is shared by the runs. */
const char       *debrief_sweep_get_objective       (DebriefSweep       *self,
                                                     int                *better);
/* The standard deviation between seeds of the objective (pooled over the
 * seed groups), NAN without two runs differing only by seed. */
double            debrief_sweep_get_seed_sigma      (DebriefSweep       *self);

guint             debrief_sweep_get_n_groups        (DebriefSweep       *self);
const DebriefSweepGroup *debrief_sweep_get_group    (DebriefSweep       *self,
                                                     guint               i);
/* The group of run @run, or -1. */
int               debrief_sweep_get_run_group       (DebriefSweep       *self,
                                                     guint               run);

/* DebriefFinding items, most severe first. */
GListModel       *debrief_sweep_get_findings        (DebriefSweep       *self);
/* What could not be compared, and why ("different base models: not
 * ranked"), NULL-terminated, possibly empty. */
const char *const *debrief_sweep_get_notes          (DebriefSweep       *self);
/* The runs a finding is about (the winner, the runs that failed), as run
 * indices; NULL-free, possibly empty. */
GArray           *debrief_sweep_get_finding_runs    (DebriefSweep       *self,
                                                     DebriefFinding     *finding);

/* JSON of `debrief-cli compare`: "columns" (each with its values for the runs
 * in @order, @n_order of them), "groups", "findings". @order NULL: as held. */
JsonNode         *debrief_sweep_columns_to_json     (DebriefSweep       *self,
                                                     const guint        *order,
                                                     guint               n_order);
JsonNode         *debrief_sweep_groups_to_json      (DebriefSweep       *self);
JsonNode         *debrief_sweep_findings_to_json    (DebriefSweep       *self);

/* The folder the runs share (their deepest common ancestor), or NULL (runs
 * on different file systems or fewer than two runs). sweep.md goes there. */
GFile            *debrief_sweep_get_common_folder   (DebriefSweep       *self);
/* sweep.md: the table, the groups and the findings, then `## Notes` (the
 * user's, kept verbatim when written again). @date NULL: now. */
char             *debrief_sweep_to_markdown         (DebriefSweep       *self,
                                                     GDateTime          *date);
/* Writes @folder/sweep.md as analysis.md is written (the user's Notes kept,
 * atomic, a "~" backup, a hand-edited generated part kept as a copy that
 * @out_edited_copy receives). */
gboolean          debrief_sweep_write               (DebriefSweep       *self,
                                                     GFile              *folder,
                                                     GFile             **out_edited_copy,
                                                     GCancellable       *cancellable,
                                                     GError            **error);

/* The sweep's look on a plot of its runs: colours by the column @color_by
 * (NULL: the palette's; numbers as a gradient, log-scaled for learning rates
 * and spans of decades, anything else as distinct hues) with the legend's
 * colour scale, and, when @groups, the sweep's groups as means with bands.
 * @data_runs maps each run of @renderer to its run in @sweep (NULL: the same
 * order). FALSE with @error when @color_by or the grouping names no column. */
gboolean          debrief_sweep_style_plot          (DebriefSweep       *self,
                                                     DebriefPlotRenderer *renderer,
                                                     const guint        *data_runs,
                                                     const char         *color_by,
                                                     gboolean            groups,
                                                     gboolean            dark,
                                                     GError            **error);
/* Whether @keys ("KEY" or "KEY,KEY", also aliases as written) are columns;
 * else FALSE with an @error that starts with @option and lists the columns. */
gboolean          debrief_sweep_check_keys          (DebriefSweep       *self,
                                                     const char         *option,
                                                     const char         *keys,
                                                     GError            **error);
/* The keys one could colour or group by, one per line, for an error message. */
char             *debrief_sweep_describe_keys       (DebriefSweep       *self);

G_END_DECLS
