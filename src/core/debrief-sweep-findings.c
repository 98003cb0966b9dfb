/* debrief-sweep-findings.c: what a sweep answers (POSTTRAINING.md section 6)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same rules as the run findings: margins are judged against the noise
 * they must beat, and a finding that the numbers do not support is not made.
 *
 * The noise is the seed-to-seed spread of the objective, pooled over the
 * groups of runs that differ only by seed (an analysis of variance's within
 * group deviation, with its degrees of freedom, so two seeds of one setting
 * say far less than two seeds of ten settings). A difference of two means is
 * real when it exceeds Student's t (95%, two-sided) times its standard error.
 * Without any seed group the only noise known is each run's own measurement
 * noise (the step-to-step noise of its curves), which is smaller than the
 * seed spread: then a margin has to beat three times that, and the finding
 * says the seed noise is unknown.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-action.h"
#include "debrief-analysis.h"
#include "debrief-finding.h"
#include "debrief-run.h"
#include "debrief-sweep-private.h"

/* Without seeds, a margin must be this many times the measurement noise. */
#define MEASUREMENT_MARGIN 3.0

void
_debrief_sweep_finding_info_free (gpointer data)
{
  SweepFindingInfo *info = data;

  g_clear_pointer (&info->runs, g_array_unref);
  g_clear_pointer (&info->extra, json_object_unref);
  g_free (info);
}

static SweepFindingInfo *
add_finding (DebriefSweep    *self,
             const char      *id,
             DebriefSeverity  severity,
             const char      *title,
             const char      *evidence,
             const char      *cause,
             const char      *fix)
{
  g_autoptr(DebriefFinding) finding = debrief_finding_new (id, severity, title, evidence, cause, fix, -1);
  SweepFindingInfo *info = g_new0 (SweepFindingInfo, 1);
  guint position = g_list_model_get_n_items (G_LIST_MODEL (self->findings));

  info->runs = g_array_new (FALSE, FALSE, sizeof (guint));
  info->group = -1;
  info->extra = json_object_new ();
  info->finding = finding;
  /* Most severe first, otherwise in the order they were found. */
  for (guint i = 0; i < position; i++)
    {
      g_autoptr(DebriefFinding) other = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      if (debrief_finding_get_severity (other) < severity)
        {
          position = i;
          break;
        }
    }
  g_list_store_insert (self->findings, position, finding);
  g_hash_table_insert (self->finding_info, finding, info);
  return info;
}

static const DebriefSweepColumn *
column_at (DebriefSweep *self,
           int           c)
{
  return c >= 0 ? &g_array_index (self->columns, DebriefSweepColumn, c) : NULL;
}

static const char *
run_name (DebriefSweep *self,
          guint         run)
{
  return _debrief_sweep_run_label (self, run);
}

static double
objective_noise (DebriefSweep *self,
                 guint         run)
{
  const DebriefSweepResults *r = debrief_sweep_run_get_results (g_ptr_array_index (self->runs, run));

  if (g_strcmp0 (self->objective, DEBRIEF_SWEEP_KEY_BEST_VAL_LOSS) == 0)
    return r->val_loss_noise;
  if (g_strcmp0 (self->objective, DEBRIEF_SWEEP_KEY_FINAL_TRAIN_LOSS) == 0)
    return r->final_train_loss_noise;
  return NAN;
}

/* Whether @a beats @b (means over @na and @nb runs) by more than noise, and
 * the margin it needs. Measurement noises are for the no-seeds case. */
static gboolean
separable (DebriefSweep *self,
           double        a,
           guint         na,
           double        noise_a,
           double        b,
           guint         nb,
           double        noise_b,
           double       *needed)
{
  double margin = self->better > 0 ? a - b : b - a;

  if (self->seed_df > 0 && isfinite (self->seed_sigma))
    *needed = _debrief_sweep_t95 (self->seed_df) * self->seed_sigma * sqrt (1.0 / na + 1.0 / nb);
  else if (isfinite (noise_a) && isfinite (noise_b))
    *needed = MEASUREMENT_MARGIN * sqrt (noise_a * noise_a / na + noise_b * noise_b / nb);
  else
    {
      *needed = NAN;
      return FALSE;
    }
  return margin > *needed;
}

static gboolean
seeds_known (DebriefSweep *self)
{
  return self->seed_df > 0 && isfinite (self->seed_sigma);
}

/* ---- competitors ---- */

/* Seed groups and runs in none, with their mean objective; best first. */
static GArray *
make_units (DebriefSweep *self,
            gboolean    (*keep) (DebriefSweep *self, guint run, gpointer data),
            gpointer      data)
{
  GArray *units = g_array_new (FALSE, TRUE, sizeof (SweepUnit));
  g_autofree gboolean *seen = g_new0 (gboolean, self->seed_groups->len + 1);

  for (guint i = 0; i < self->runs->len; i++)
    {
      int g = g_array_index (self->run_seed_group, int, i);
      SweepUnit unit = { g, i, 0, NAN, NAN };
      double sum = 0, noise = 0;

      if (keep != NULL && !keep (self, i, data))
        continue;
      if (g >= 0)
        {
          DebriefSweepGroup *group = &g_array_index (self->seed_groups, DebriefSweepGroup, g);
          if (seen[g])
            continue;
          seen[g] = TRUE;
          for (guint k = 0; k < group->members->len; k++)
            {
              guint m = g_array_index (group->members, guint, k);
              double v = _debrief_sweep_objective (self, m);
              if (!isfinite (v))
                continue;
              if (unit.n == 0)
                unit.run = m;
              unit.n++;
              sum += v;
              noise += pow (objective_noise (self, m), 2);
            }
        }
      else
        {
          double v = _debrief_sweep_objective (self, i);
          if (isfinite (v))
            {
              unit.n = 1;
              sum = v;
              noise = pow (objective_noise (self, i), 2);
            }
        }
      if (unit.n == 0)
        continue;
      unit.mean = sum / unit.n;
      unit.noise = sqrt (noise / unit.n);
      g_array_append_val (units, unit);
    }
  return units;
}

static int
compare_units_lower (gconstpointer pa,
                     gconstpointer pb)
{
  const SweepUnit *a = pa, *b = pb;
  return (a->mean > b->mean) - (a->mean < b->mean);
}

static int
compare_units_higher (gconstpointer pa,
                      gconstpointer pb)
{
  return -compare_units_lower (pa, pb);
}

static void
sort_units (DebriefSweep *self,
            GArray       *units)
{
  g_array_sort (units, self->better > 0 ? compare_units_higher : compare_units_lower);
}

static char *
describe_unit (DebriefSweep    *self,
               const SweepUnit *unit)
{
  if (unit->group >= 0)
    return g_strdup (g_array_index (self->seed_groups, DebriefSweepGroup, unit->group).label);
  return g_strdup (run_name (self, unit->run));
}

static void
name_unit (DebriefSweep     *self,
           SweepFindingInfo *info,
           const SweepUnit  *unit,
           const char       *member)
{
  if (unit->group >= 0)
    {
      DebriefSweepGroup *group = &g_array_index (self->seed_groups, DebriefSweepGroup, unit->group);
      JsonArray *names = json_array_new ();

      /* The JSON names the group as the "groups" array does when grouped by seed. */
      json_object_set_string_member (info->extra, member, group->label);
      for (guint k = 0; k < group->members->len; k++)
        {
          guint m = g_array_index (group->members, guint, k);
          json_array_add_string_element (names, run_name (self, m));
          g_array_append_val (info->runs, m);
        }
      json_object_set_array_member (info->extra, "group_runs", names);
      if (self->groups == self->seed_groups)
        json_object_set_string_member (info->extra, "group_id", group->id);
      info->group = unit->group;
    }
  else
    {
      json_object_set_string_member (info->extra, "run", run_name (self, unit->run));
      g_array_append_val (info->runs, unit->run);
    }
}

static char *
describe_value (DebriefSweep    *self,
                const SweepUnit *unit)
{
  int c = debrief_sweep_find_column (self, self->objective);
  g_autofree char *value = _debrief_sweep_format_value (column_at (self, c), unit->mean);

  if (unit->group >= 0 && unit->n > 1)
    {
      DebriefSweepGroup *group = &g_array_index (self->seed_groups, DebriefSweepGroup, unit->group);
      g_autofree char *lo = _debrief_sweep_format_value (column_at (self, c), group->min);
      g_autofree char *hi = _debrief_sweep_format_value (column_at (self, c), group->max);
      /* Translators: a group's mean result, e.g. "1.7123 (mean of 2 seeds, 1.7050–1.7196)" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (mean of %u seed, %s–%s)",
                                           "%s (mean of %u seeds, %s–%s)", unit->n),
                              value, unit->n, lo, hi);
    }
  return g_steal_pointer (&value);
}

static char *
describe_noise (DebriefSweep *self,
                double        needed)
{
  if (seeds_known (self))
    /* Translators: the seed-to-seed spread and what a real difference needs; both are loss values */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "runs that differ only by seed spread by σ %.3g (%u degree of freedom); "
                                         "a real difference needs more than %.3g",
                                         "runs that differ only by seed spread by σ %.3g (%u degrees of freedom); "
                                         "a real difference needs more than %.3g", self->seed_df),
                            self->seed_sigma, self->seed_df, needed);
  /* Translators: %.3g is a loss difference */
  return g_strdup_printf (_("no two runs differ only by seed, so the seed-to-seed spread is unknown; "
                            "the runs' own measurement noise asks for more than %.3g"), needed);
}

static const char *
objective_label (DebriefSweep *self)
{
  int c = debrief_sweep_find_column (self, self->objective);
  return c >= 0 ? column_at (self, c)->label : self->objective;
}

static char *
describe_columns (DebriefSweep *self,
                  GArray       *columns,
                  guint         reference,
                  gboolean      with_values)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < columns->len; k++)
    {
      guint c = g_array_index (columns, guint, k);
      if (s->len > 0)
        g_string_append (s, ", ");
      if (with_values)
        g_string_append_printf (s, "%s=%s", column_at (self, (int) c)->key, _debrief_sweep_cell (self, c, reference)->text);
      else
        g_string_append (s, column_at (self, (int) c)->key);
    }
  return g_string_free (s, FALSE);
}

/* ---- the learning rate's position ---- */

typedef struct
{
  int lr_column;
  int skip_a, skip_b;      /* columns free inside the slice (besides the seed) */
  guint reference;         /* run whose other settings the slice shares */
} Slice;

static gboolean
in_slice (DebriefSweep *self,
          guint         run,
          gpointer      data)
{
  Slice *slice = data;

  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = column_at (self, (int) c);
      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || _debrief_sweep_column_is_seed (column) ||
          (int) c == slice->lr_column || (int) c == slice->skip_a || (int) c == slice->skip_b)
        continue;
      if (_debrief_sweep_cell (self, c, run)->value_id != _debrief_sweep_cell (self, c, slice->reference)->value_id)
        return FALSE;
    }
  return TRUE;
}

/* Means per value of @column over the units of the slice. */
typedef struct
{
  double value;
  guint n;                  /* runs with the objective */
  guint tried;              /* runs, failed ones too */
  double sum;
  double noise2;
  guint best_unit_n;
  double best_mean;         /* the best unit at this value (its other free settings at their best) */
  double best_noise;
} ValueStat;

static int
compare_value_stats (gconstpointer pa,
                     gconstpointer pb)
{
  const ValueStat *a = pa, *b = pb;
  return (a->value > b->value) - (a->value < b->value);
}

static GArray *
stats_by_value (DebriefSweep *self,
                int           column,
                Slice        *slice)
{
  GArray *stats = g_array_new (FALSE, TRUE, sizeof (ValueStat));
  g_autoptr(GArray) units = make_units (self, in_slice, slice);

  /* Every run tried at a value counts, also the ones that failed there. */
  for (guint i = 0; i < self->runs->len; i++)
    {
      double v = _debrief_sweep_cell (self, (guint) column, i)->number;
      ValueStat *stat = NULL;

      if (!isfinite (v) || !in_slice (self, i, slice))
        continue;
      for (guint k = 0; k < stats->len && stat == NULL; k++)
        if (g_array_index (stats, ValueStat, k).value == v)
          stat = &g_array_index (stats, ValueStat, k);
      if (stat == NULL)
        {
          ValueStat fresh = { v, 0, 0, 0, 0, 0, NAN, NAN };
          g_array_append_val (stats, fresh);
          stat = &g_array_index (stats, ValueStat, stats->len - 1);
        }
      stat->tried++;
    }
  for (guint u = 0; u < units->len; u++)
    {
      SweepUnit *unit = &g_array_index (units, SweepUnit, u);
      double v = _debrief_sweep_cell (self, (guint) column, unit->run)->number;

      for (guint k = 0; k < stats->len; k++)
        {
          ValueStat *stat = &g_array_index (stats, ValueStat, k);
          gboolean better;

          if (stat->value != v)
            continue;
          stat->n += unit->n;
          stat->sum += unit->mean * unit->n;
          better = !isfinite (stat->best_mean) ||
                   (self->better > 0 ? unit->mean > stat->best_mean : unit->mean < stat->best_mean);
          if (better)
            {
              stat->best_mean = unit->mean;
              stat->best_unit_n = unit->n;
              stat->best_noise = unit->noise;
            }
        }
    }
  g_array_sort (stats, compare_value_stats);
  return stats;
}

static gboolean
all_nice (const double *values,
          guint         n)
{
  static const double mantissas[] = { 1, 2, 2.5, 3, 5 };

  for (guint i = 0; i < n; i++)
    {
      double m = values[i] / pow (10, floor (log10 (values[i])));
      gboolean nice = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (mantissas) && !nice; k++)
        nice = fabs (m - mantissas[k]) < 1e-6 * mantissas[k] || fabs (m - 10 * mantissas[k]) < 1e-5;
      if (!nice)
        return FALSE;
    }
  return TRUE;
}

/* The value nearest @x in log distance among 1, 2, 3, 5 × 10^k (a 1-3-10
 * sweep goes on 0.03 → 0.1 → 0.3), or @x to two significant digits. */
static double
round_like_tried (double   x,
                  gboolean nice)
{
  static const double mantissas[] = { 1, 2, 3, 5, 10 };
  double decade = pow (10, floor (log10 (x)));
  double best = x, distance = INFINITY;

  if (!nice)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      return g_ascii_strtod (g_ascii_formatd (buffer, sizeof buffer, "%.2g", x), NULL);
    }
  for (guint k = 0; k < G_N_ELEMENTS (mantissas); k++)
    {
      double candidate = mantissas[k] * decade;
      double d = fabs (log10 (candidate) - log10 (x));
      if (d < distance)
        {
          distance = d;
          best = candidate;
        }
    }
  return best;
}

/* The next two values beyond the edge of the tried values, on their spacing:
 * the median step in log10 for a log-spaced sweep (×3, ×10), else the median
 * difference. */
static void
next_values (const DebriefSweepColumn *column,
             const double             *tried,
             guint                     n,
             gboolean                  up,
             double                   *next)
{
  g_autofree double *steps = g_new (double, MAX (n, 2));
  gboolean nice = all_nice (tried, n);
  double step, v;

  guint m = n - 1;

  for (guint i = 0; i < m; i++)
    steps[i] = column->log_scale ? log10 (tried[i + 1]) - log10 (tried[i]) : tried[i + 1] - tried[i];
  /* The median of a handful of steps: insertion sort. */
  for (guint i = 1; i < m; i++)
    for (guint j = i; j > 0 && steps[j - 1] > steps[j]; j--)
      {
        double t = steps[j];
        steps[j] = steps[j - 1];
        steps[j - 1] = t;
      }
  step = m % 2 == 1 ? steps[m / 2] : 0.5 * (steps[m / 2 - 1] + steps[m / 2]);
  v = up ? tried[n - 1] : tried[0];
  for (guint k = 0; k < 2; k++)
    {
      if (column->log_scale)
        v = round_like_tried (pow (10, log10 (v) + (up ? step : -step)), nice);
      else
        v = v + (up ? step : -step);
      next[k] = v;
    }
}

static void
check_lr_edge (DebriefSweep    *self,
               const SweepUnit *best,
               GString         *best_evidence)
{
  int c = debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_LEARNING_RATE);
  const DebriefSweepColumn *column = column_at (self, c);
  Slice slice = { c, -1, -1, best->run };
  g_autoptr(GArray) stats = NULL;
  g_autofree double *tried = NULL;
  ValueStat *top = NULL, *neighbour = NULL;
  guint best_index = 0, n;
  double needed;
  gboolean up;

  if (column == NULL || !column->numeric || column->n_distinct < 2 || !isfinite (_debrief_sweep_cell (self, c, best->run)->number))
    return;
  stats = stats_by_value (self, c, &slice);
  n = stats->len;
  if (n < 2)
    return;
  tried = g_new (double, n);
  for (guint k = 0; k < n; k++)
    {
      ValueStat *stat = &g_array_index (stats, ValueStat, k);
      tried[k] = stat->value;
      if (!isfinite (stat->best_mean))
        continue;
      if (top == NULL || (self->better > 0 ? stat->best_mean > top->best_mean : stat->best_mean < top->best_mean))
        {
          top = stat;
          best_index = k;
        }
    }
  if (top == NULL)
    return;
  {
    g_autofree char *value = _debrief_sweep_format_value (column, top->value);
    g_autofree char *lo = _debrief_sweep_format_value (column, tried[0]);
    g_autofree char *hi = _debrief_sweep_format_value (column, tried[n - 1]);

    if (best_index > 0 && best_index + 1 < n)
      {
        /* Translators: appended to the best run's evidence: the best learning rate and the range tried */
        g_string_append_printf (best_evidence, _(" Its learning rate %s lies inside the range tried (%s–%s)."),
                                value, lo, hi);
        return;
      }
    up = best_index + 1 == n;
    neighbour = &g_array_index (stats, ValueStat, up ? best_index - 1 : best_index + 1);
    if (!isfinite (neighbour->best_mean))
      return;
    if (!separable (self, top->best_mean, top->best_unit_n, top->best_noise, neighbour->best_mean,
                    neighbour->best_unit_n, neighbour->best_noise, &needed))
      {
        g_autofree char *other = _debrief_sweep_format_value (column, neighbour->value);
        /* Translators: appended to the best run's evidence when its learning rate is the highest or
         * lowest tried but not clearly better than the next one */
        g_string_append_printf (best_evidence,
                                _(" Its learning rate %s is at the edge of the range tried (%s–%s), but not "
                                  "clearly better than %s: the best rate is probably between the two."),
                                value, lo, hi, other);
        return;
      }

    {
      g_autofree char *other = _debrief_sweep_format_value (column, neighbour->value);
      g_autofree char *here = _debrief_sweep_format_value (column_at (self, debrief_sweep_find_column (self, self->objective)), top->best_mean);
      g_autofree char *there = _debrief_sweep_format_value (column_at (self, debrief_sweep_find_column (self, self->objective)), neighbour->best_mean);
      g_autofree char *noise = describe_noise (self, needed);
      g_autofree char *title = NULL, *evidence = NULL, *cause = NULL, *fix = NULL;
      g_autofree char *n0 = NULL, *n1 = NULL;
      double next[2];
      SweepFindingInfo *info;

      next_values (column, tried, n, up, next);
      n0 = _debrief_sweep_format_value (column, next[0]);
      n1 = _debrief_sweep_format_value (column, next[1]);
      title = g_strdup (up ? _("The best learning rate is the highest one tried")
                           : _("The best learning rate is the lowest one tried"));
      /* Translators: %s are, in order: the objective (e.g. "Best validation loss"), the best
       * rate, its result, the neighbouring rate, its result, the range tried, the noise sentence */
      evidence = g_strdup_printf (_("%s at learning rate %s: %s; at %s: %s. The range tried is %s–%s; %s."),
                                  objective_label (self), value, here, other, there, lo, hi, noise);
      cause = g_strdup (up ? _("The results still improve towards higher learning rates: the best rate for "
                               "these settings is probably above the range tried.")
                           : _("The results still improve towards lower learning rates: the best rate for "
                               "these settings is probably below the range tried."));
      /* Translators: the two learning rates to try next */
      fix = g_strdup_printf (_("Extend the sweep: try learning rates %s and %s with the same other settings."),
                             n0, n1);
      info = add_finding (self, DEBRIEF_FINDING_SWEEP_LR_EDGE, DEBRIEF_SEVERITY_WARNING, title, evidence, cause, fix);
      name_unit (self, info, best, "group");
      json_object_set_string_member (info->extra, "edge", up ? "high" : "low");
      json_object_set_double_member (info->extra, "best_value", top->value);
      debrief_finding_add_action (info->finding, debrief_action_new_extend_sweep (column->key, next, 2));
    }
  }
}

/* ---- rank ---- */

/* When @helped_note is given: no finding; a sentence for the best's evidence
 * when the higher rank clearly helped. Else: sweep_rank_flat when it did not. */
static void
rank_check (DebriefSweep    *self,
            const SweepUnit *best,
            GString         *helped_note)
{
  int c = debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_LORA_RANK);
  const DebriefSweepColumn *column = column_at (self, c);
  Slice slice = { c, debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_LEARNING_RATE),
                  debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_LORA_ALPHA), best->run };
  g_autoptr(GArray) stats = NULL;
  ValueStat *high, *lower = NULL;
  double needed;
  int oc = debrief_sweep_find_column (self, self->objective);

  if (column == NULL || !column->numeric || column->n_distinct < 2)
    return;
  /* Each rank at its best learning rate (and alpha): a higher rank may need another rate. */
  stats = stats_by_value (self, c, &slice);
  if (stats->len < 2)
    return;
  high = &g_array_index (stats, ValueStat, stats->len - 1);
  for (guint k = 0; k + 1 < stats->len; k++)
    {
      ValueStat *stat = &g_array_index (stats, ValueStat, k);
      if (isfinite (stat->best_mean) &&
          (lower == NULL || (self->better > 0 ? stat->best_mean > lower->best_mean : stat->best_mean < lower->best_mean)))
        lower = stat;
    }
  if (lower == NULL || !isfinite (high->best_mean))
    return;
  if (separable (self, high->best_mean, high->best_unit_n, high->best_noise, lower->best_mean, lower->best_unit_n,
                 lower->best_noise, &needed))
    {
      if (helped_note != NULL)
        {
          g_autofree char *rank_hi = _debrief_sweep_format_value (column, high->value);
          g_autofree char *rank_lo = _debrief_sweep_format_value (column, lower->value);
          /* Translators: appended to the best run's evidence: the higher rank, the lower rank, by how much */
          g_string_append_printf (helped_note, _(" A higher rank helped: rank %s beat rank %s by %.3g, each at its best "
                                                 "learning rate."), rank_hi, rank_lo, fabs (high->best_mean - lower->best_mean));
        }
      return;
    }
  if (helped_note != NULL || !isfinite (needed))
    return;

  {
    g_autofree char *rank_hi = _debrief_sweep_format_value (column, high->value);
    g_autofree char *rank_lo = _debrief_sweep_format_value (column, lower->value);
    g_autofree char *value_hi = _debrief_sweep_format_value (column_at (self, oc), high->best_mean);
    g_autofree char *value_lo = _debrief_sweep_format_value (column_at (self, oc), lower->best_mean);
    g_autofree char *noise = describe_noise (self, needed);
    g_autofree char *evidence = NULL, *cause = NULL, *fix = NULL;
    SweepFindingInfo *info;

    /* Translators: %s are: the objective, the higher rank, its result, the lower rank, its result, the noise */
    evidence = g_strdup_printf (_("%s at each rank's best learning rate: rank %s reached %s, rank %s reached %s; %s."),
                                objective_label (self), rank_hi, value_hi, rank_lo, value_lo, noise);
    /* Translators: %s is the lower rank */
    cause = g_strdup_printf (_("Capacity was not the limit: rank %s already holds what this data and this "
                               "length of training teach."), rank_lo);
    /* Translators: %s is the lower rank */
    fix = g_strdup_printf (_("Keep rank %s (fewer parameters, less memory, faster); look for gains in the "
                             "learning rate, the data or the length of training instead."), rank_lo);
    info = add_finding (self, DEBRIEF_FINDING_SWEEP_RANK_FLAT, DEBRIEF_SEVERITY_INFO,
                        _("A higher LoRA rank did not help"), evidence, cause, fix);
    json_object_set_double_member (info->extra, "rank", high->value);
    json_object_set_double_member (info->extra, "compared_with", lower->value);
  }
}

/* ---- failed runs ---- */

/* What the failed runs' own findings say to do, each kind of action once
 * (the first run's numbers: "lower_lr" from that run's rate). */
static void
add_failing_actions (DebriefSweep     *self,
                     SweepFindingInfo *info,
                     GArray           *failed)
{
  gboolean seen[DEBRIEF_ACTION_EXTEND_SWEEP + 1] = { FALSE };

  for (guint k = 0; k < failed->len; k++)
    {
      DebriefSweepRun *run = g_ptr_array_index (self->runs, g_array_index (failed, guint, k));
      DebriefAnalysis *analysis = debrief_sweep_run_get_analysis (run);
      GListModel *findings = analysis ? debrief_analysis_get_findings (analysis) : NULL;

      for (guint f = 0; findings && f < g_list_model_get_n_items (findings); f++)
        {
          g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, f);

          if (!g_strv_contains (debrief_sweep_run_get_failing_findings (run), debrief_finding_get_id (finding)))
            continue;
          for (guint a = 0; a < debrief_finding_get_n_actions (finding); a++)
            {
              const DebriefAction *action = debrief_finding_get_action (finding, a);
              if ((guint) action->type >= G_N_ELEMENTS (seen) || seen[action->type])
                continue;
              seen[action->type] = TRUE;
              debrief_finding_add_action (info->finding, debrief_action_copy (action));
            }
        }
    }
}

static gboolean
run_failed (DebriefSweep *self,
            guint         i)
{
  DebriefSweepRun *run = g_ptr_array_index (self->runs, i);
  return debrief_sweep_run_get_failed (run) || debrief_sweep_run_get_unstable (run);
}

/* Where the failures sit: when every failed run shares some settings and,
 * among the runs with those settings (the learning rate aside), every rate from
 * the lowest failed one up failed and every rate below did not, the usable
 * range ends there. NULL when the failures follow no such pattern. */
static char *
failure_pattern (DebriefSweep *self,
                 GArray       *failed,
                 const char  **fix)
{
  int lr = debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_LEARNING_RATE);
  guint reference = g_array_index (failed, guint, 0);
  g_autoptr(GArray) common = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) slice = g_array_new (FALSE, FALSE, sizeof (guint));
  double min_failed = INFINITY, max_ok = -INFINITY;
  g_autofree char *from = NULL, *ok = NULL, *where = NULL;

  if (lr < 0)
    return NULL;
  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = column_at (self, (int) c);
      gboolean same = TRUE;

      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || _debrief_sweep_column_is_seed (column) || (int) c == lr)
        continue;
      for (guint k = 1; k < failed->len && same; k++)
        same = _debrief_sweep_cell (self, c, g_array_index (failed, guint, k))->value_id ==
               _debrief_sweep_cell (self, c, reference)->value_id;
      if (same)
        g_array_append_val (common, c);
    }
  for (guint i = 0; i < self->runs->len; i++)
    {
      double rate = _debrief_sweep_cell (self, (guint) lr, i)->number;
      gboolean like = TRUE;

      for (guint k = 0; k < common->len && like; k++)
        like = _debrief_sweep_cell (self, g_array_index (common, guint, k), i)->value_id ==
               _debrief_sweep_cell (self, g_array_index (common, guint, k), reference)->value_id;
      if (!like || !isfinite (rate) ||
          g_strcmp0 (debrief_sweep_run_get_verdict (g_ptr_array_index (self->runs, i)), "pending") == 0)
        continue;
      if (run_failed (self, i))
        min_failed = MIN (min_failed, rate);
      else
        max_ok = MAX (max_ok, rate);
    }
  if (!isfinite (min_failed) || !isfinite (max_ok) || min_failed <= max_ok)
    return NULL;
  from = _debrief_sweep_format_value (column_at (self, lr), min_failed);
  ok = _debrief_sweep_format_value (column_at (self, lr), max_ok);
  *fix = _("Leave learning rates this high out of the next sweep for these settings, or add warm-up and "
           "gradient clipping if a rate that high is needed.");
  if (common->len == 0)
    /* Translators: the failed runs all had the highest learning rates; %s are learning rates */
    return g_strdup_printf (_("Every run with a learning rate of %s or more failed, and none up to %s did: the "
                              "learning rate was too high, and the usable range ends between the two."), from, ok);
  where = describe_columns (self, common, reference, TRUE);
  /* Translators: the settings the failed runs share, then two learning rates */
  return g_strdup_printf (_("The failed runs have %s; with these settings every run at a learning rate of %s or "
                            "more failed and none up to %s did: the learning rate was too high for them, and the "
                            "usable range ends between the two."), where, from, ok);
}

static void
check_failed (DebriefSweep *self)
{
  g_autoptr(GString) evidence = g_string_new (NULL);
  g_autoptr(GArray) failed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *title = NULL, *cause = NULL;
  const char *fix = NULL;
  SweepFindingInfo *info;
  JsonArray *runs;
  guint hard = 0;

  for (guint i = 0; i < self->runs->len; i++)
    if (run_failed (self, i))
      {
        g_array_append_val (failed, i);
        hard += debrief_sweep_run_get_failed (g_ptr_array_index (self->runs, i));
      }
  if (failed->len == 0)
    return;

  runs = json_array_new ();
  for (guint k = 0; k < failed->len; k++)
    {
      guint i = g_array_index (failed, guint, k);
      DebriefSweepRun *run = g_ptr_array_index (self->runs, i);
      const char *const *ids = debrief_sweep_run_get_failing_findings (run);
      DebriefAnalysis *analysis = debrief_sweep_run_get_analysis (run);
      g_autoptr(GString) reasons = g_string_new (NULL);
      JsonObject *entry = json_object_new ();
      JsonArray *findings = json_array_new ();

      for (guint f = 0; ids[f]; f++)
        json_array_add_string_element (findings, ids[f]);
      json_object_set_string_member (entry, "run", _debrief_sweep_run_label (self, i));
      json_object_set_string_member (entry, "path", debrief_run_get_path (debrief_sweep_run_get_run (run)));
      json_object_set_string_member (entry, "verdict", debrief_sweep_run_get_verdict (run));
      json_object_set_array_member (entry, "findings", findings);
      json_array_add_object_element (runs, entry);
      if (evidence->len > 0)
        g_string_append (evidence, "; ");
      /* "lr3e-2-r4-seed0: Loss rose during training (loss_spikes)" */
      for (guint f = 0; ids[f]; f++)
        {
          DebriefFinding *finding = analysis ? debrief_analysis_get_finding (analysis, ids[f]) : NULL;
          g_string_append_printf (reasons, "%s%s (%s)", f > 0 ? ", " : "",
                                  finding ? debrief_finding_get_title (finding) : ids[f], ids[f]);
        }
      g_string_append_printf (evidence, "%s: %s", _debrief_sweep_run_label (self, i), reasons->str);
    }
  g_string_append (evidence, ".");

  /* Translators: "3 of 20 runs failed" */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u runs failed", "%u of %u runs failed",
                                        self->runs->len), failed->len, self->runs->len);
  cause = failure_pattern (self, failed, &fix);
  if (cause == NULL)
    {
      cause = g_strdup (_("Each failed, or went unstable, for the reasons its own findings give."));
      fix = _("Open each failed run for its findings and fix; compare the rest without them.");
    }
  info = add_finding (self, DEBRIEF_FINDING_SWEEP_FAILED,
                      2 * hard > self->runs->len ? DEBRIEF_SEVERITY_ERROR : DEBRIEF_SEVERITY_WARNING,
                      title, evidence->str, cause, fix);
  add_failing_actions (self, info, failed);
  json_object_set_array_member (info->extra, "runs", runs);
  g_array_append_vals (info->runs, failed->data, failed->len);
}

/* ---- best ---- */

static gboolean
comparable (DebriefSweep *self)
{
  int model = debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_BASE_MODEL);

  /* Losses of different base models (tokenizers, sizes) are not one scale. */
  if (model >= 0)
    {
      g_ptr_array_add (self->notes, g_strdup (_("The runs fine-tune different base models: their results are "
                                                "shown but not ranked.")));
      return FALSE;
    }
  return TRUE;
}

static void
unit_runs (DebriefSweep    *self,
           const SweepUnit *unit,
           GArray          *runs)
{
  if (unit->group < 0)
    {
      g_array_append_val (runs, unit->run);
      return;
    }
  g_array_append_vals (runs, g_array_index (self->seed_groups, DebriefSweepGroup, unit->group).members->data,
                       g_array_index (self->seed_groups, DebriefSweepGroup, unit->group).members->len);
}

/* The settings (not seeds) on which the units @set (indices into @units) agree. */
static GArray *
common_settings (DebriefSweep *self,
                 GArray       *units,
                 GArray       *set)
{
  GArray *columns = g_array_new (FALSE, FALSE, sizeof (guint));
  guint reference = g_array_index (units, SweepUnit, g_array_index (set, guint, 0)).run;

  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = column_at (self, (int) c);
      gboolean same = TRUE;

      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || _debrief_sweep_column_is_seed (column))
        continue;
      for (guint k = 1; k < set->len && same; k++)
        same = _debrief_sweep_cell (self, c, g_array_index (units, SweepUnit, g_array_index (set, guint, k)).run)->value_id ==
               _debrief_sweep_cell (self, c, reference)->value_id;
      if (same)
        g_array_append_val (columns, c);
    }
  return columns;
}

static gboolean
unit_has (DebriefSweep    *self,
          const SweepUnit *unit,
          GArray          *columns,
          guint            reference)
{
  for (guint k = 0; k < columns->len; k++)
    {
      guint c = g_array_index (columns, guint, k);
      if (_debrief_sweep_cell (self, c, unit->run)->value_id != _debrief_sweep_cell (self, c, reference)->value_id)
        return FALSE;
    }
  return TRUE;
}


static void
set_common_json (DebriefSweep     *self,
                 SweepFindingInfo *info)
{
  json_object_set_string_member (info->extra, "objective", self->objective);
  json_object_set_string_member (info->extra, "noise", seeds_known (self) ? "seeds" : "measurement");
  if (seeds_known (self))
    json_object_set_double_member (info->extra, "seed_sigma", self->seed_sigma);
  else
    json_object_set_null_member (info->extra, "seed_sigma");
}

/* The best unit clearly ahead of the runner-up. */
static void
report_best_unit (DebriefSweep    *self,
                  const SweepUnit *best,
                  const SweepUnit *second,
                  double           needed)
{
  g_autofree char *who = describe_unit (self, best);
  g_autofree char *runner = describe_unit (self, second);
  g_autofree char *value = describe_value (self, best);
  g_autofree char *value2 = describe_value (self, second);
  g_autofree char *noise = describe_noise (self, needed);
  g_autofree char *title = NULL;
  g_autoptr(GString) evidence = g_string_new (NULL);
  double margin = fabs (best->mean - second->mean);
  SweepFindingInfo *info;

  /* Translators: %s is a run's name or a group's settings */
  title = g_strdup_printf (_("Best: %s"), who);
  if (seeds_known (self))
    /* Translators: the objective, the best's result, the runner-up's result, the runner-up, the margin, how
     * many seed standard deviations the margin is, then the noise (a clause: "runs that differ only by seed …") */
    g_string_append_printf (evidence, _("%s %s against %s for the runner-up (%s): a margin of %.3g, %.1f× the "
                                        "seed-to-seed spread; %s."),
                            objective_label (self), value, value2, runner, margin, margin / self->seed_sigma, noise);
  else
    /* Translators: the objective, the best's result, the runner-up's result, the runner-up, the margin, then
     * the noise (a clause: "no two runs differ only by seed …") */
    g_string_append_printf (evidence, _("%s %s against %s for the runner-up (%s): a margin of %.3g; %s."),
                            objective_label (self), value, value2, runner, margin, noise);
  check_lr_edge (self, best, evidence);
  rank_check (self, best, evidence);
  info = add_finding (self, DEBRIEF_FINDING_SWEEP_BEST, DEBRIEF_SEVERITY_INFO, title, evidence->str,
                      seeds_known (self)
                      ? _("The margin is beyond what changing the seed alone does.")
                      : _("The margin is beyond the runs' own noise, but without a second seed of these settings "
                          "the seed-to-seed spread is unknown."),
                      seeds_known (self)
                      ? _("Use these settings (their best checkpoint); the runner-up is clearly worse.")
                      : _("Use these settings, and train them once more with another seed to be sure the margin "
                          "is not luck."));
  name_unit (self, info, best, "group");
  set_common_json (self, info);
  json_object_set_double_member (info->extra, "value", best->mean);
  json_object_set_double_member (info->extra, "margin", margin);
  json_object_set_double_member (info->extra, "needed", needed);
}

/* Several settings tie for best, all sharing @common (e.g. one learning rate
 * at every rank), and every other setting is clearly worse: the shared
 * settings are the winner, and what varies among them did not matter. */
static void
report_best_settings (DebriefSweep    *self,
                      GArray          *units,
                      GArray          *tied,
                      GArray          *common,
                      const SweepUnit *outside)
{
  const SweepUnit *best = &g_array_index (units, SweepUnit, 0);
  g_autofree char *who = describe_columns (self, common, best->run, TRUE);
  g_autofree char *best_name = describe_unit (self, best);
  g_autofree char *runner = describe_unit (self, outside);
  g_autofree char *value = describe_value (self, best);
  g_autofree char *value2 = describe_value (self, outside);
  g_autoptr(GArray) free_columns = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *free_names = NULL;
  g_autofree char *title = NULL, *noise = NULL, *cause = NULL, *fix = NULL;
  g_autoptr(GString) evidence = g_string_new (NULL);
  JsonArray *names = json_array_new (), *free_json = json_array_new ();
  double margin = fabs (best->mean - outside->mean), needed;
  SweepFindingInfo *info;

  separable (self, best->mean, best->n, best->noise, outside->mean, outside->n, outside->noise, &needed);
  noise = describe_noise (self, needed);
  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = column_at (self, (int) c);
      gboolean shared = FALSE;
      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || _debrief_sweep_column_is_seed (column))
        continue;
      for (guint k = 0; k < common->len && !shared; k++)
        shared = g_array_index (common, guint, k) == c;
      if (!shared)
        {
          g_array_append_val (free_columns, c);
          json_array_add_string_element (free_json, column->key);
        }
    }
  free_names = describe_columns (self, free_columns, best->run, FALSE);

  /* Translators: %s are settings, e.g. "learning_rate=3e-3" */
  title = g_strdup_printf (_("Best: %s"), who);
  /* Translators: the number of tied settings, their shared settings, the objective, the best's result and name,
   * the settings that varied among them */
  g_string_append_printf (evidence, g_dngettext (GETTEXT_PACKAGE,
                                                 "The %u setting with %s is within the noise of the best (%s %s for %s), "
                                                 "whatever its %s.",
                                                 "The %u settings with %s are within the noise of the best (%s %s for %s), "
                                                 "whatever their %s.", tied->len),
                          tied->len, who, objective_label (self), value, best_name, free_names);
  if (seeds_known (self))
    /* Translators: the best other setting, its result, the margin, how many seed standard deviations the
     * margin is, then the noise (a clause: "runs that differ only by seed …") */
    g_string_append_printf (evidence, _(" The best other setting, %s, reached %s: a margin of %.3g, %.1f× the "
                                        "seed-to-seed spread; %s."),
                            runner, value2, margin, margin / self->seed_sigma, noise);
  else
    /* Translators: the best other setting, its result, the margin, then the noise (a clause: "no two runs
     * differ only by seed …") */
    g_string_append_printf (evidence, _(" The best other setting, %s, reached %s: a margin of %.3g; %s."),
                            runner, value2, margin, noise);
  check_lr_edge (self, best, evidence);
  rank_check (self, best, evidence);

  /* Translators: the shared settings, then the settings that did not matter */
  if (seeds_known (self))
    cause = g_strdup_printf (_("%s is what mattered; %s made no difference beyond the seed-to-seed spread."),
                             who, free_names);
  else
    /* Translators: the shared settings, then the settings that did not matter */
    cause = g_strdup_printf (_("%s is what mattered; %s made no difference beyond the runs' own noise. Without a "
                               "second seed of any setting the seed-to-seed spread is unknown."), who, free_names);
  /* Translators: the shared settings, then the settings that did not matter */
  fix = g_strdup_printf (_("Use %s; for %s take the cheapest value tried."), who, free_names);
  info = add_finding (self, DEBRIEF_FINDING_SWEEP_BEST, DEBRIEF_SEVERITY_INFO, title, evidence->str, cause, fix);
  for (guint k = 0; k < tied->len; k++)
    unit_runs (self, &g_array_index (units, SweepUnit, g_array_index (tied, guint, k)), info->runs);
  for (guint k = 0; k < info->runs->len; k++)
    json_array_add_string_element (names, run_name (self, g_array_index (info->runs, guint, k)));
  json_object_set_string_member (info->extra, "group", who);
  json_object_set_array_member (info->extra, "group_runs", names);
  json_object_set_array_member (info->extra, "free", free_json);
  set_common_json (self, info);
  json_object_set_double_member (info->extra, "value", best->mean);
  json_object_set_double_member (info->extra, "margin", margin);
  json_object_set_double_member (info->extra, "needed", needed);
}

static void
report_not_separable (DebriefSweep *self,
                      GArray       *units,
                      GArray       *tied,
                      GArray       *common,
                      double        needed)
{
  const SweepUnit *best = &g_array_index (units, SweepUnit, 0);
  const SweepUnit *second = &g_array_index (units, SweepUnit, 1);
  g_autofree char *who = describe_unit (self, best);
  g_autofree char *runner = describe_unit (self, second);
  g_autofree char *value = describe_value (self, best);
  g_autofree char *value2 = describe_value (self, second);
  g_autofree char *noise = describe_noise (self, needed);
  g_autoptr(GString) evidence = g_string_new (NULL);
  JsonArray *names = json_array_new ();
  double margin = fabs (best->mean - second->mean);
  SweepFindingInfo *info;

  /* Translators: the objective, the best's result and name, the runner-up's result and name, the margin */
  g_string_append_printf (evidence, _("%s %s for %s and %s for %s are %.3g apart; %s."),
                          objective_label (self), value, who, value2, runner, margin, noise);
  if (common->len > 0)
    {
      g_autofree char *shared = describe_columns (self, common, best->run, TRUE);
      /* Translators: the number of tied settings, then the settings they share */
      g_string_append_printf (evidence, g_dngettext (GETTEXT_PACKAGE,
                                                     " %u setting is within the noise of the best; they all have %s.",
                                                     " %u settings are within the noise of the best; they all have %s.",
                                                     tied->len),
                              tied->len, shared);
    }
  else
    g_string_append_printf (evidence, g_dngettext (GETTEXT_PACKAGE, " %u setting is within the noise of the best.",
                                                   " %u settings are within the noise of the best.", tied->len),
                            tied->len);
  check_lr_edge (self, best, evidence);
  info = add_finding (self, DEBRIEF_FINDING_SWEEP_NOT_SEPARABLE, DEBRIEF_SEVERITY_INFO,
                      _("The best runs are not separable from noise"), evidence->str,
                      _("The differences between these settings are smaller than what changing the seed does: the "
                        "sweep cannot tell them apart."),
                      _("Any of them will do: take the cheapest. To separate them, train each with more seeds."));
  for (guint k = 0; k < tied->len; k++)
    {
      g_autofree char *name = describe_unit (self, &g_array_index (units, SweepUnit, g_array_index (tied, guint, k)));
      json_array_add_string_element (names, name);
    }
  name_unit (self, info, best, "group");
  json_object_set_array_member (info->extra, "tied", names);
  set_common_json (self, info);
  json_object_set_double_member (info->extra, "value", best->mean);
  json_object_set_double_member (info->extra, "margin", margin);
  json_object_set_double_member (info->extra, "needed", needed);
}

static void
check_best (DebriefSweep *self)
{
  g_autoptr(GArray) units = NULL;
  g_autoptr(GArray) tied = NULL;
  g_autoptr(GArray) common = NULL;
  SweepUnit *best, *second;
  double needed, ignored;

  if (self->objective == NULL || self->runs->len < 2 || !comparable (self))
    return;
  units = make_units (self, NULL, NULL);
  if (units->len < 2)
    return;
  sort_units (self, units);
  best = &g_array_index (units, SweepUnit, 0);
  second = &g_array_index (units, SweepUnit, 1);
  if (separable (self, best->mean, best->n, best->noise, second->mean, second->n, second->noise, &needed))
    {
      report_best_unit (self, best, second, needed);
      rank_check (self, best, NULL);
      return;
    }
  if (!isfinite (needed))
    return;

  tied = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint u = 0; u < units->len; u++)
    {
      SweepUnit *unit = &g_array_index (units, SweepUnit, u);
      if (u == 0 || !separable (self, best->mean, best->n, best->noise, unit->mean, unit->n, unit->noise, &ignored))
        g_array_append_val (tied, u);
    }
  common = common_settings (self, units, tied);
  if (common->len > 0 && tied->len < units->len)
    {
      /* Is the tied set exactly the units with the shared settings? */
      gboolean exact = TRUE;
      const SweepUnit *outside = NULL;

      for (guint u = 0; u < units->len && exact; u++)
        {
          SweepUnit *unit = &g_array_index (units, SweepUnit, u);
          gboolean in_tied = FALSE;
          for (guint k = 0; k < tied->len && !in_tied; k++)
            in_tied = g_array_index (tied, guint, k) == u;
          if (unit_has (self, unit, common, best->run) != in_tied)
            exact = FALSE;
          if (!in_tied && outside == NULL)
            outside = unit;
        }
      if (exact && outside != NULL)
        {
          report_best_settings (self, units, tied, common, outside);
          rank_check (self, best, NULL);
          return;
        }
    }
  report_not_separable (self, units, tied, common, needed);
  rank_check (self, best, NULL);
}

void
_debrief_sweep_find (DebriefSweep *self)
{
  check_failed (self);
  check_best (self);
}
