/* debrief-sweep.c: runs lined up — the columns, their values, the groups, the seed noise
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-analysis.h"
#include "debrief-finding.h"
#include "debrief-run.h"
#include "debrief-sweep-private.h"

G_DEFINE_FINAL_TYPE (DebriefSweep, debrief_sweep, G_TYPE_OBJECT)

/* ---- labels and formats ---- */

static const struct
{
  const char *key;
  const char *label;
} column_labels[] = {
  { DEBRIEF_SWEEP_KEY_LEARNING_RATE, N_("Learning rate") },
  { DEBRIEF_SWEEP_KEY_LORA_RANK, N_("Rank") },
  { DEBRIEF_SWEEP_KEY_LORA_ALPHA, N_("Alpha") },
  { "lora_dropout", N_("LoRA dropout") },
  { "target_modules", N_("Targets") },
  { "batch_size", N_("Batch size") },
  { "gradient_accumulation_steps", N_("Accumulation") },
  { "num_epochs", N_("Epochs") },
  { "max_steps", N_("Max steps") },
  { "lr_schedule", N_("Schedule") },
  { "warmup_steps", N_("Warm-up steps") },
  { "warmup_ratio", N_("Warm-up ratio") },
  { "weight_decay", N_("Weight decay") },
  { "max_grad_norm", N_("Gradient clip") },
  { DEBRIEF_SWEEP_KEY_BASE_MODEL, N_("Base model") },
  { DEBRIEF_SWEEP_KEY_SEED, N_("Seed") },
  { DEBRIEF_SWEEP_KEY_FINAL_TRAIN_LOSS, N_("Final train loss") },
  { DEBRIEF_SWEEP_KEY_BEST_TRAIN_LOSS, N_("Best train loss") },
  { DEBRIEF_SWEEP_KEY_FINAL_VAL_LOSS, N_("Final validation loss") },
  { DEBRIEF_SWEEP_KEY_BEST_VAL_LOSS, N_("Best validation loss") },
  { DEBRIEF_SWEEP_KEY_BEST_VAL_STEP, N_("Best step") },
  { DEBRIEF_SWEEP_KEY_PRIMARY, N_("Primary metric") },
  { DEBRIEF_SWEEP_KEY_WIN_RATE, N_("Win rate") },
  { DEBRIEF_SWEEP_KEY_TOKENS, N_("Tokens") },
  { DEBRIEF_SWEEP_KEY_DURATION, N_("Duration") },
  { DEBRIEF_SWEEP_KEY_STEPS, N_("Steps") },
};

/* Results in column order, and which way is better. */
static const struct
{
  const char *key;
  int better;
} result_keys[] = {
  { DEBRIEF_SWEEP_KEY_BEST_VAL_LOSS, -1 },
  { DEBRIEF_SWEEP_KEY_BEST_VAL_STEP, 0 },
  { DEBRIEF_SWEEP_KEY_FINAL_VAL_LOSS, -1 },
  { DEBRIEF_SWEEP_KEY_FINAL_TRAIN_LOSS, -1 },
  { DEBRIEF_SWEEP_KEY_BEST_TRAIN_LOSS, -1 },
  { DEBRIEF_SWEEP_KEY_PRIMARY, 1 },
  { DEBRIEF_SWEEP_KEY_WIN_RATE, 1 },
  { DEBRIEF_SWEEP_KEY_TOKENS, 0 },
  { DEBRIEF_SWEEP_KEY_DURATION, 0 },
  { DEBRIEF_SWEEP_KEY_STEPS, 0 },
};

static const char *
label_for (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_labels); i++)
    if (strcmp (column_labels[i].key, key) == 0)
      return _(column_labels[i].label);
  return key;
}

gboolean
_debrief_sweep_column_is_seed (const DebriefSweepColumn *column)
{
  const char *leaf;

  if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG)
    return FALSE;
  leaf = strrchr (column->key, '.');
  leaf = leaf ? leaf + 1 : column->key;
  /* "seed", "data_seed", "sampling_seed": all decide randomness, not the setting. */
  return strcmp (leaf, "seed") == 0 || g_str_has_suffix (leaf, "_seed") || g_str_has_prefix (leaf, "seed_");
}

/* 3e-4 rather than 0.0003: how people write learning rates. */
static char *
format_scientific (double value)
{
  g_autofree char *text = g_strdup_printf ("%.2e", value);
  char *e = strchr (text, 'e');
  g_autoptr(GString) s = NULL;
  int exponent;

  if (e == NULL)
    return g_steal_pointer (&text);
  exponent = atoi (e + 1);
  *e = '\0';
  /* Trim the mantissa's trailing zeros: "3.00" → "3", "2.50" → "2.5". */
  for (char *p = e - 1; p > text && (*p == '0' || *p == '.'); p--)
    {
      gboolean dot = *p == '.';
      *p = '\0';
      if (dot)
        break;
    }
  s = g_string_new (text);
  if (exponent != 0)
    g_string_append_printf (s, "e%d", exponent);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
format_duration (double seconds)
{
  gint64 s = (gint64) llround (seconds);

  if (seconds < 60)
    /* Translators: a duration in seconds in the runs table */
    return g_strdup_printf (_("%.0f s"), seconds);
  if (s < 3600)
    /* Translators: a duration in minutes and seconds in the runs table */
    return g_strdup_printf (_("%d min %02d s"), (int) (s / 60), (int) (s % 60));
  /* Translators: a duration in hours and minutes in the runs table */
  return g_strdup_printf (_("%d h %02d min"), (int) (s / 3600), (int) (s % 3600 / 60));
}

static char *
format_count (double value)
{
  if (value >= 1e9)
    return g_strdup_printf ("%.2fG", value / 1e9);
  if (value >= 1e6)
    return g_strdup_printf ("%.2fM", value / 1e6);
  if (value >= 1e4)
    return g_strdup_printf ("%.1fk", value / 1e3);
  return g_strdup_printf ("%.0f", value);
}

char *
_debrief_sweep_format_value (const DebriefSweepColumn *column,
                             double                    value)
{
  const char *key = column->key;

  if (!isfinite (value))
    return NULL;
  if (column->role == DEBRIEF_SWEEP_COLUMN_RESULT)
    {
      if (strcmp (key, DEBRIEF_SWEEP_KEY_DURATION) == 0)
        return format_duration (value);
      if (strcmp (key, DEBRIEF_SWEEP_KEY_TOKENS) == 0)
        return format_count (value);
      if (strcmp (key, DEBRIEF_SWEEP_KEY_WIN_RATE) == 0)
        return g_strdup_printf ("%.0f%%", 100 * value);
      if (strcmp (key, DEBRIEF_SWEEP_KEY_STEPS) == 0 || strcmp (key, DEBRIEF_SWEEP_KEY_BEST_VAL_STEP) == 0)
        return g_strdup_printf ("%.0f", value);
      if (strcmp (key, DEBRIEF_SWEEP_KEY_PRIMARY) == 0)
        return g_strdup_printf ("%.4g", value);
      return g_strdup_printf ("%.4f", value);
    }
  if (value != 0 && (strcmp (key, DEBRIEF_SWEEP_KEY_LEARNING_RATE) == 0 ||
                     (fabs (value) < 1e-2 && column->log_scale)))
    return format_scientific (value);
  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);
  {
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
  }
}

double
_debrief_sweep_t95 (guint df)
{
  static const double t[] = { NAN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                              2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086 };

  if (df < G_N_ELEMENTS (t))
    return t[df];
  if (df <= 30)
    return 2.042;
  if (df <= 60)
    return 2.000;
  return 1.960;
}

/* ---- columns ---- */

typedef struct
{
  DebriefSweepColumn column;
  SweepCell *cells;
  guint order;
  guint present;
} ColumnBuild;

static void
cells_free (SweepCell *cells,
            guint      n)
{
  for (guint i = 0; i < n; i++)
    g_free (cells[i].text);
  g_free (cells);
}

static void
column_clear (DebriefSweepColumn *column)
{
  g_clear_pointer (&column->key, g_free);
  g_clear_pointer (&column->label, g_free);
  g_clear_pointer (&column->aliases, g_strfreev);
}

static void
group_clear (DebriefSweepGroup *group)
{
  g_clear_pointer (&group->id, g_free);
  g_clear_pointer (&group->label, g_free);
  g_clear_pointer (&group->members, g_array_unref);
}

/* Gives equal values equal ids (numbers by value: "0.001" is 1e-3) and counts them. */
static void
number_values (SweepCell  *cells,
               guint       n,
               gboolean    numeric,
               guint      *n_distinct)
{
  /* Numbers by their bits (g_double_hash truncates to an integer: every loss
   * near 1.7 would share one bucket), texts by text. */
  g_autoptr(GHashTable) ids = numeric ? g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL)
                                      : g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      gpointer key, id;
      double value = cells[i].number == 0 ? 0.0 : cells[i].number;   /* -0 is 0 */
      gint64 bits;

      if (cells[i].text == NULL)
        continue;
      memcpy (&bits, &value, sizeof bits);
      key = numeric ? (gpointer) &bits : (gpointer) cells[i].text;
      id = g_hash_table_lookup (ids, key);
      if (id == NULL)
        {
          id = GUINT_TO_POINTER (g_hash_table_size (ids) + 1);
          g_hash_table_insert (ids, numeric ? g_memdup2 (&bits, sizeof bits) : key, id);
        }
      cells[i].value_id = GPOINTER_TO_UINT (id);
    }
  *n_distinct = g_hash_table_size (ids);
}

/* Whether @b says nothing @a does not: wherever @b has a value, @a has the same. */
static gboolean
same_values (const SweepCell *a,
             const SweepCell *b,
             guint            n)
{
  for (guint i = 0; i < n; i++)
    {
      if (b[i].text == NULL)
        continue;
      if (a[i].text == NULL)
        return FALSE;
      if (isfinite (a[i].number) && isfinite (b[i].number))
        {
          if (a[i].number != b[i].number)
            return FALSE;
        }
      else if (strcmp (a[i].text, b[i].text) != 0)
        return FALSE;
    }
  return TRUE;
}

static int
compare_builds (gconstpointer pa,
                gconstpointer pb)
{
  const ColumnBuild *a = *(ColumnBuild *const *) pa;
  const ColumnBuild *b = *(ColumnBuild *const *) pb;
  gboolean seed_a = _debrief_sweep_column_is_seed (&a->column);
  gboolean seed_b = _debrief_sweep_column_is_seed (&b->column);
  int dots_a = 0, dots_b = 0;

  /* The usual settings in their usual order, then the others, seeds last. */
  if (seed_a != seed_b)
    return seed_a - seed_b;
  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  for (const char *p = a->column.key; *p; p++)
    dots_a += *p == '.';
  for (const char *p = b->column.key; *p; p++)
    dots_b += *p == '.';
  if (dots_a != dots_b)
    return dots_a - dots_b;
  return strcmp (a->column.key, b->column.key);
}

static void
column_build_free (ColumnBuild *build,
                   guint        n_runs)
{
  column_clear (&build->column);
  if (build->cells)
    cells_free (build->cells, n_runs);
  g_free (build);
}

static void
add_column (DebriefSweep       *self,
            DebriefSweepColumn *column,
            SweepCell          *cells)
{
  g_array_append_val (self->columns, *column);
  g_ptr_array_add (self->cells, cells);
}

/* Runs are named after their folders: two sweeps opened together both have
 * an "lr1e-3-seed0". Those names become their paths under the common folder. */
static void
make_labels (DebriefSweep *self)
{
  g_autoptr(GHashTable) count = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GFile) common = NULL;
  gboolean repeated = FALSE;

  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->index = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const char *name = debrief_sweep_run_get_name (g_ptr_array_index (self->runs, i));
      guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (count, name));
      g_hash_table_insert (count, (gpointer) name, GUINT_TO_POINTER (seen + 1));
      repeated |= seen > 0;
      g_hash_table_insert (self->index, debrief_sweep_run_get_run (g_ptr_array_index (self->runs, i)),
                           GUINT_TO_POINTER (i + 1));
    }
  common = repeated ? debrief_sweep_get_common_folder (self) : NULL;
  for (guint i = 0; i < self->runs->len; i++)
    {
      DebriefSweepRun *line = g_ptr_array_index (self->runs, i);
      const char *name = debrief_sweep_run_get_name (line);
      char *label = NULL;

      if (common != NULL && GPOINTER_TO_UINT (g_hash_table_lookup (count, name)) > 1)
        label = g_file_get_relative_path (common, debrief_run_get_folder (debrief_sweep_run_get_run (line)));
      g_ptr_array_add (self->labels, label ? label : g_strdup (name));
    }
}

const char *
_debrief_sweep_run_label (DebriefSweep *self,
                          guint         run)
{
  return g_ptr_array_index (self->labels, run);
}

static void
add_fixed_columns (DebriefSweep *self)
{
  static const struct { DebriefSweepColumnRole role; const char *key; const char *label; } fixed[] = {
    { DEBRIEF_SWEEP_COLUMN_NAME, "name", N_("Run") },
    { DEBRIEF_SWEEP_COLUMN_KIND, "kind", N_("Kind") },
    { DEBRIEF_SWEEP_COLUMN_VERDICT, "verdict", N_("Verdict") },
  };
  guint n = self->runs->len;

  for (guint f = 0; f < G_N_ELEMENTS (fixed); f++)
    {
      DebriefSweepColumn column = { 0 };
      SweepCell *cells = g_new0 (SweepCell, MAX (n, 1));

      column.key = g_strdup (fixed[f].key);
      column.label = g_strdup (_(fixed[f].label));
      column.role = fixed[f].role;
      column.min = column.max = NAN;
      for (guint i = 0; i < n; i++)
        {
          DebriefSweepRun *run = g_ptr_array_index (self->runs, i);
          const char *text = fixed[f].role == DEBRIEF_SWEEP_COLUMN_NAME ? _debrief_sweep_run_label (self, i)
                             : fixed[f].role == DEBRIEF_SWEEP_COLUMN_KIND ? debrief_sweep_run_get_kind (run)
                             : debrief_sweep_run_get_verdict (run);
          cells[i].text = g_strdup (text);
          cells[i].number = NAN;
        }
      number_values (cells, n, FALSE, &column.n_distinct);
      add_column (self, &column, cells);
    }
}

static void
add_config_columns (DebriefSweep *self)
{
  guint n = self->runs->len;
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) builds = g_ptr_array_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      DebriefSweepRun *run = g_ptr_array_index (self->runs, i);

      for (guint p = 0; p < debrief_sweep_run_get_n_params (run); p++)
        {
          const DebriefSweepParam *param = debrief_sweep_run_get_param (run, p);
          ColumnBuild *build = g_hash_table_lookup (by_key, param->key);

          if (build == NULL)
            {
              build = g_new0 (ColumnBuild, 1);
              build->column.key = g_strdup (param->key);
              build->column.role = DEBRIEF_SWEEP_COLUMN_CONFIG;
              build->column.aliases = g_new0 (char *, 1);
              build->column.numeric = TRUE;
              build->cells = g_new0 (SweepCell, n);
              for (guint k = 0; k < n; k++)
                build->cells[k].number = NAN;
              build->order = _debrief_sweep_canonical_order (param->key);
              g_hash_table_insert (by_key, build->column.key, build);
              g_ptr_array_add (builds, build);
            }
          if (build->cells[i].text != NULL)
            continue;
          build->cells[i].text = g_strdup (param->text);
          build->cells[i].number = param->number;
          build->present++;
          if (!isfinite (param->number))
            build->column.numeric = FALSE;
          if (strcmp (param->raw_key, "config") != 0 && strcmp (param->raw_key, "name") != 0 &&
              !g_strv_contains ((const char *const *) build->column.aliases, param->raw_key))
            {
              guint len = g_strv_length (build->column.aliases);
              build->column.aliases = g_renew (char *, build->column.aliases, len + 2);
              build->column.aliases[len] = g_strdup (param->raw_key);
              build->column.aliases[len + 1] = NULL;
            }
        }
    }

  for (guint b = 0; b < builds->len; b++)
    {
      ColumnBuild *build = g_ptr_array_index (builds, b);
      DebriefSweepColumn *c = &build->column;
      gboolean duplicate = FALSE;

      number_values (build->cells, n, c->numeric, &c->n_distinct);
      /* Only what differs is a column of the sweep. */
      if (c->n_distinct < 2)
        continue;
      /* A text every run has its own of (a timestamp, a hash) is an identifier. */
      if (!c->numeric && build->order == G_MAXUINT && n >= 3 && c->n_distinct == n)
        continue;
      for (guint k = 0; k < kept->len && !duplicate; k++)
        {
          ColumnBuild *other = g_ptr_array_index (kept, k);
          gboolean covers = same_values (other->cells, build->cells, n);
          gboolean covered = same_values (build->cells, other->cells, n);

          /* One setting written twice ("batch_size" and
           * "dataset_builder.common_config.batch_size"): keep the one more runs
           * have, and of two alike the usual name. */
          if (covers && covered)
            {
              if (compare_builds (&build, &other) < 0)
                g_ptr_array_index (kept, k) = build;
              duplicate = TRUE;
            }
          else if (covers)
            duplicate = TRUE;
          else if (covered)
            {
              g_ptr_array_index (kept, k) = build;
              duplicate = TRUE;
            }
        }
      if (!duplicate)
        g_ptr_array_add (kept, build);
    }
  g_ptr_array_sort (kept, compare_builds);

  for (guint k = 0; k < kept->len; k++)
    {
      ColumnBuild *build = g_ptr_array_index (kept, k);
      DebriefSweepColumn *c = &build->column;
      gboolean positive = c->numeric;

      c->label = g_strdup (label_for (c->key));
      c->min = INFINITY;
      c->max = -INFINITY;
      for (guint i = 0; i < n && c->numeric; i++)
        if (build->cells[i].text != NULL)
          {
            c->min = MIN (c->min, build->cells[i].number);
            c->max = MAX (c->max, build->cells[i].number);
            positive = positive && build->cells[i].number > 0;
          }
      if (!c->numeric)
        c->min = c->max = NAN;
      /* Learning rates are tried on a log scale; so is anything positive spanning decades. */
      c->log_scale = positive && (strcmp (c->key, DEBRIEF_SWEEP_KEY_LEARNING_RATE) == 0 || c->max >= 20 * c->min);
      if (c->numeric)
        for (guint i = 0; i < n; i++)
          if (build->cells[i].text != NULL)
            {
              g_free (build->cells[i].text);
              build->cells[i].text = _debrief_sweep_format_value (c, build->cells[i].number);
            }
      add_column (self, c, g_steal_pointer (&build->cells));
      memset (c, 0, sizeof *c);
    }

  for (guint b = 0; b < builds->len; b++)
    column_build_free (g_ptr_array_index (builds, b), n);
}

static void
add_result_columns (DebriefSweep *self)
{
  guint n = self->runs->len;

  for (guint r = 0; r < G_N_ELEMENTS (result_keys); r++)
    {
      DebriefSweepColumn column = { 0 };
      SweepCell *cells = g_new0 (SweepCell, MAX (n, 1));
      const char *primary = NULL;
      guint present = 0;

      column.key = g_strdup (result_keys[r].key);
      column.role = DEBRIEF_SWEEP_COLUMN_RESULT;
      column.numeric = TRUE;
      column.better = result_keys[r].better;
      column.min = INFINITY;
      column.max = -INFINITY;
      for (guint i = 0; i < n; i++)
        {
          DebriefSweepRun *run = g_ptr_array_index (self->runs, i);
          double v = debrief_sweep_run_get_result (run, result_keys[r].key);

          cells[i].number = v;
          if (!isfinite (v))
            continue;
          present++;
          column.min = MIN (column.min, v);
          column.max = MAX (column.max, v);
          cells[i].text = _debrief_sweep_format_value (&column, v);
          if (primary == NULL)
            {
              primary = debrief_sweep_run_get_results (run)->primary_metric;
              if (strcmp (result_keys[r].key, DEBRIEF_SWEEP_KEY_PRIMARY) == 0)
                column.better = debrief_sweep_run_get_results (run)->primary_better;
            }
        }
      if (present == 0)
        {
          column_clear (&column);
          cells_free (cells, n);
          continue;
        }
      number_values (cells, n, TRUE, &column.n_distinct);
      if (primary != NULL)
        /* Translators: the column of the metric RL runs are shown by; %s is its key as logged */
        column.label = g_strdup_printf (_("Primary metric (%s)"), primary);
      else
        column.label = g_strdup (label_for (column.key));
      add_column (self, &column, cells);
    }
}

/* ---- groups ---- */

static char *
settings_signature (DebriefSweep *self,
                    guint         run,
                    gboolean      with_seed)
{
  GString *s = g_string_new (NULL);

  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);
      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || (!with_seed && _debrief_sweep_column_is_seed (column)))
        continue;
      g_string_append_printf (s, "%u,", _debrief_sweep_cell (self, c, run)->value_id);
    }
  return g_string_free (s, FALSE);
}

char *
_debrief_sweep_describe_settings (DebriefSweep *self,
                                  guint         run,
                                  gboolean    (*skip) (const DebriefSweepColumn *column))
{
  GString *s = g_string_new (NULL);

  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);
      const SweepCell *cell = _debrief_sweep_cell (self, c, run);

      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || (skip != NULL && skip (column)) || cell->text == NULL)
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append_printf (s, "%s=%s", column->key, cell->text);
    }
  if (s->len == 0)
    g_string_append (s, _("the same settings"));
  return g_string_free (s, FALSE);
}

static void
group_stats (DebriefSweep      *self,
             DebriefSweepGroup *group)
{
  double sum = 0, sq = 0;

  group->n = 0;
  group->min = INFINITY;
  group->max = -INFINITY;
  for (guint k = 0; k < group->members->len; k++)
    {
      double v = _debrief_sweep_objective (self, g_array_index (group->members, guint, k));
      if (!isfinite (v))
        continue;
      group->n++;
      sum += v;
      group->min = MIN (group->min, v);
      group->max = MAX (group->max, v);
    }
  group->mean = group->n ? sum / group->n : NAN;
  for (guint k = 0; k < group->members->len && group->n > 1; k++)
    {
      double v = _debrief_sweep_objective (self, g_array_index (group->members, guint, k));
      if (isfinite (v))
        sq += (v - group->mean) * (v - group->mean);
    }
  group->std = group->n > 1 ? sqrt (sq / (group->n - 1)) : NAN;
  if (group->n == 0)
    group->min = group->max = NAN;
}

static GArray *
new_group_array (void)
{
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (DebriefSweepGroup));
  g_array_set_clear_func (groups, (GDestroyNotify) group_clear);
  return groups;
}

static GArray *
new_run_index (guint n)
{
  GArray *index = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
  int none = -1;

  for (guint i = 0; i < n; i++)
    g_array_append_val (index, none);
  return index;
}

/* Groups runs by @signature (NULL: no group); keeps groups of at least @min_size. */
static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  DebriefSweep *self = user_data;
  guint ra = g_array_index (*(GArray *const *) a, guint, 0);
  guint rb = g_array_index (*(GArray *const *) b, guint, 0);

  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);
      const SweepCell *ca = _debrief_sweep_cell (self, c, ra);
      const SweepCell *cb = _debrief_sweep_cell (self, c, rb);
      int result;

      if (column->role != DEBRIEF_SWEEP_COLUMN_CONFIG || ca->value_id == cb->value_id)
        continue;
      if (ca->text == NULL || cb->text == NULL)
        return ca->text == NULL ? 1 : -1;
      result = column->numeric ? (ca->number > cb->number) - (ca->number < cb->number)
                               : g_utf8_collate (ca->text, cb->text);
      if (result != 0)
        return result;
    }
  return (ra > rb) - (ra < rb);
}

static void
make_groups (DebriefSweep  *self,
             char         **signatures,
             guint          min_size,
             gboolean       seeds,
             GArray        *label_columns,
             GArray       **out_groups,
             GArray       **out_run_group)
{
  guint n = self->runs->len;
  g_autoptr(GHashTable) by_signature = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *groups = new_group_array ();
  GArray *run_group = new_run_index (n);

  for (guint i = 0; i < n; i++)
    {
      gpointer slot;
      GArray *m;

      if (signatures[i] == NULL)
        continue;
      if (!g_hash_table_lookup_extended (by_signature, signatures[i], NULL, &slot))
        {
          slot = GUINT_TO_POINTER (members->len);
          g_hash_table_insert (by_signature, signatures[i], slot);
          g_ptr_array_add (members, g_array_new (FALSE, FALSE, sizeof (guint)));
        }
      m = g_ptr_array_index (members, GPOINTER_TO_UINT (slot));
      g_array_append_val (m, i);
    }
  /* Groups in the order of their settings' values (3e-4 before 1e-3), not of names. */
  g_ptr_array_sort_with_data (members, compare_groups, self);
  for (guint g = 0; g < members->len; g++)
    {
      GArray *m = g_ptr_array_index (members, g);
      DebriefSweepGroup group = { 0 };
      guint first;

      if (m->len < min_size)
        continue;
      first = g_array_index (m, guint, 0);
      group.id = g_strdup_printf ("g%u", groups->len + 1);
      if (label_columns != NULL)
        {
          GString *label = g_string_new (NULL);
          for (guint k = 0; k < label_columns->len; k++)
            {
              int c = g_array_index (label_columns, int, k);
              g_string_append_printf (label, "%s%s=%s", k > 0 ? ", " : "",
                                      g_array_index (self->columns, DebriefSweepColumn, c).key,
                                      _debrief_sweep_cell (self, (guint) c, first)->text);
            }
          group.label = g_string_free (label, FALSE);
        }
      else
        group.label = _debrief_sweep_describe_settings (self, first, _debrief_sweep_column_is_seed);
      group.members = g_array_ref (m);
      group.seeds = seeds;
      for (guint k = 0; k < m->len; k++)
        g_array_index (run_group, int, g_array_index (m, guint, k)) = (int) groups->len;
      g_array_append_val (groups, group);
    }
  *out_groups = groups;
  *out_run_group = run_group;
}

/* The columns of "KEY" or "KEY,KEY"; NULL when one is not a column. */
static GArray *
group_columns (DebriefSweep *self)
{
  g_auto(GStrv) keys = g_strsplit (self->group_by, ",", -1);
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint k = 0; keys[k]; k++)
    {
      int c = debrief_sweep_find_column (self, g_strstrip (keys[k]));
      if (c < 0)
        return NULL;
      g_array_append_val (columns, c);
    }
  return columns->len > 0 ? g_steal_pointer (&columns) : NULL;
}

static void
build_groups (DebriefSweep *self)
{
  guint n = self->runs->len;
  g_autofree char **signatures = g_new0 (char *, MAX (n, 1));
  g_autoptr(GArray) by = self->group_by ? group_columns (self) : NULL;

  /* Runs that say nothing of their settings are not "the same settings". */
  for (guint i = 0; i < n; i++)
    if (debrief_sweep_run_get_n_params (g_ptr_array_index (self->runs, i)) > 0)
      signatures[i] = settings_signature (self, i, FALSE);
  make_groups (self, signatures, 2, TRUE, NULL, &self->seed_groups, &self->run_seed_group);
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&signatures[i], g_free);

  if (by == NULL)
    {
      self->groups = g_array_ref (self->seed_groups);
      self->run_group = g_array_ref (self->run_seed_group);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      GString *signature = g_string_new (NULL);
      gboolean all = TRUE;

      for (guint k = 0; k < by->len && all; k++)
        {
          const SweepCell *cell = _debrief_sweep_cell (self, (guint) g_array_index (by, int, k), i);
          all = cell->text != NULL;
          g_string_append_printf (signature, "%u,", cell->value_id);
        }
      signatures[i] = all ? g_string_free (signature, FALSE) : (g_string_free (signature, TRUE), NULL);
    }
  make_groups (self, signatures, 1, FALSE, by, &self->groups, &self->run_group);
  for (guint i = 0; i < n; i++)
    g_free (signatures[i]);
}

/* ---- objective and noise ---- */

static void
choose_objective (DebriefSweep *self)
{
  guint n_ok = 0, n_val = 0, n_train = 0, n_primary = 0, n_rl = 0;

  for (guint i = 0; i < self->runs->len; i++)
    {
      DebriefSweepRun *run = g_ptr_array_index (self->runs, i);
      const DebriefSweepResults *r = debrief_sweep_run_get_results (run);

      if (debrief_sweep_run_get_failed (run))
        continue;
      n_ok++;
      n_val += isfinite (r->best_val_loss);
      n_train += isfinite (r->final_train_loss);
      n_primary += isfinite (r->primary_final);
      n_rl += strcmp (debrief_sweep_run_get_kind (run), "rl") == 0;
    }
  self->objective = NULL;
  self->better = 0;
  if (n_ok == 0)
    return;
  /* RL is judged by its reward; the rest by held-out loss when most runs
   * evaluated, else by the train loss. */
  if (2 * n_rl > n_ok && 2 * n_primary >= n_ok)
    {
      int c = debrief_sweep_find_column (self, DEBRIEF_SWEEP_KEY_PRIMARY);
      self->objective = DEBRIEF_SWEEP_KEY_PRIMARY;
      self->better = c >= 0 && g_array_index (self->columns, DebriefSweepColumn, c).better < 0 ? -1 : 1;
    }
  else if (2 * n_val >= n_ok && n_val >= 1)
    {
      self->objective = DEBRIEF_SWEEP_KEY_BEST_VAL_LOSS;
      self->better = -1;
    }
  else if (n_train >= 1)
    {
      self->objective = DEBRIEF_SWEEP_KEY_FINAL_TRAIN_LOSS;
      self->better = -1;
    }
}

double
_debrief_sweep_objective (DebriefSweep *self,
                          guint         run)
{
  DebriefSweepRun *r = g_ptr_array_index (self->runs, run);

  if (self->objective == NULL || debrief_sweep_run_get_failed (r))
    return NAN;
  return debrief_sweep_run_get_result (r, self->objective);
}

static void
seed_noise (DebriefSweep *self)
{
  double sq = 0;
  guint df = 0;

  for (guint g = 0; g < self->seed_groups->len; g++)
    {
      DebriefSweepGroup *group = &g_array_index (self->seed_groups, DebriefSweepGroup, g);
      if (group->n < 2)
        continue;
      sq += group->std * group->std * (group->n - 1);
      df += group->n - 1;
    }
  self->seed_df = df;
  self->seed_sigma = df > 0 ? sqrt (sq / df) : NAN;
}

/* ---- object ---- */

static void
debrief_sweep_finalize (GObject *object)
{
  DebriefSweep *self = (DebriefSweep *) object;

  for (guint c = 0; self->cells && c < self->cells->len; c++)
    cells_free (g_ptr_array_index (self->cells, c), self->runs->len);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->columns, g_array_unref);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->group_by, g_free);
  g_clear_pointer (&self->groups, g_array_unref);
  g_clear_pointer (&self->run_group, g_array_unref);
  g_clear_pointer (&self->seed_groups, g_array_unref);
  g_clear_pointer (&self->run_seed_group, g_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->finding_info, g_hash_table_unref);
  g_clear_object (&self->findings);

  G_OBJECT_CLASS (debrief_sweep_parent_class)->finalize (object);
}

static void
debrief_sweep_class_init (DebriefSweepClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = debrief_sweep_finalize;
}

static void
debrief_sweep_init (DebriefSweep *self)
{
  self->columns = g_array_new (FALSE, TRUE, sizeof (DebriefSweepColumn));
  g_array_set_clear_func (self->columns, (GDestroyNotify) column_clear);
  self->cells = g_ptr_array_new ();
  self->notes = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->findings = g_list_store_new (DEBRIEF_TYPE_FINDING);
  self->finding_info = g_hash_table_new_full (NULL, NULL, NULL, _debrief_sweep_finding_info_free);
  self->seed_sigma = NAN;
}

DebriefSweep *
debrief_sweep_new (GPtrArray  *runs,
                   const char *group_by)
{
  DebriefSweep *self;

  g_return_val_if_fail (runs != NULL, NULL);

  self = g_object_new (DEBRIEF_TYPE_SWEEP, NULL);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < runs->len; i++)
    g_ptr_array_add (self->runs, g_object_ref (g_ptr_array_index (runs, i)));
  self->group_by = g_strdup (group_by);

  make_labels (self);
  add_fixed_columns (self);
  add_config_columns (self);
  add_result_columns (self);
  choose_objective (self);
  build_groups (self);
  for (guint g = 0; g < self->seed_groups->len; g++)
    group_stats (self, &g_array_index (self->seed_groups, DebriefSweepGroup, g));
  if (self->groups != self->seed_groups)
    for (guint g = 0; g < self->groups->len; g++)
      group_stats (self, &g_array_index (self->groups, DebriefSweepGroup, g));
  seed_noise (self);
  _debrief_sweep_find (self);
  return self;
}

DebriefSweep *
debrief_sweep_new_for_runs (GPtrArray  *runs,
                            const char *group_by)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (runs != NULL, NULL);

  for (guint i = 0; i < runs->len; i++)
    g_ptr_array_add (lines, debrief_sweep_run_new (g_ptr_array_index (runs, i)));
  return debrief_sweep_new (lines, group_by);
}

guint
debrief_sweep_get_n_runs (DebriefSweep *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), 0);
  return self->runs->len;
}

DebriefSweepRun *
debrief_sweep_get_run (DebriefSweep *self,
                       guint         i)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  g_return_val_if_fail (i < self->runs->len, NULL);
  return g_ptr_array_index (self->runs, i);
}

guint
debrief_sweep_get_n_columns (DebriefSweep *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), 0);
  return self->columns->len;
}

const DebriefSweepColumn *
debrief_sweep_get_column (DebriefSweep *self,
                          guint         i)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  g_return_val_if_fail (i < self->columns->len, NULL);
  return &g_array_index (self->columns, DebriefSweepColumn, i);
}

int
debrief_sweep_find_column (DebriefSweep *self,
                           const char   *key)
{
  const char *canonical;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), -1);
  g_return_val_if_fail (key != NULL, -1);

  canonical = debrief_sweep_canonical_key (key);
  for (guint c = 0; c < self->columns->len; c++)
    {
      const DebriefSweepColumn *column = &g_array_index (self->columns, DebriefSweepColumn, c);
      if (strcmp (column->key, key) == 0 || (canonical && strcmp (column->key, canonical) == 0) ||
          (column->aliases && g_strv_contains ((const char *const *) column->aliases, key)))
        return (int) c;
    }
  return -1;
}

const SweepCell *
_debrief_sweep_cell (DebriefSweep *self,
                     guint         column,
                     guint         run)
{
  SweepCell *cells = g_ptr_array_index (self->cells, column);
  return &cells[run];
}

const char *
debrief_sweep_get_text (DebriefSweep *self,
                        guint         run,
                        guint         column,
                        double       *number)
{
  const SweepCell *cell;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  g_return_val_if_fail (run < self->runs->len && column < self->columns->len, NULL);

  cell = _debrief_sweep_cell (self, column, run);
  if (number)
    *number = cell->number;
  return cell->text;
}

typedef struct
{
  DebriefSweep *self;
  guint column;
  gboolean descending;
  gboolean numeric;
} SortData;

static int
compare_runs (gconstpointer pa,
              gconstpointer pb,
              gpointer      user_data)
{
  SortData *d = user_data;
  guint a = *(const guint *) pa, b = *(const guint *) pb;
  const SweepCell *ca = _debrief_sweep_cell (d->self, d->column, a);
  const SweepCell *cb = _debrief_sweep_cell (d->self, d->column, b);
  int result = 0;

  /* Runs without a value go last whichever the direction. */
  if ((ca->text == NULL) != (cb->text == NULL))
    return ca->text == NULL ? 1 : -1;
  if (ca->text != NULL)
    {
      if (d->numeric)
        result = (ca->number > cb->number) - (ca->number < cb->number);
      else
        result = g_utf8_collate (ca->text, cb->text);
      if (d->descending)
        result = -result;
    }
  if (result == 0)
    {
      const char *na = _debrief_sweep_run_label (d->self, a);
      const char *nb = _debrief_sweep_run_label (d->self, b);
      result = g_strcmp0 (na, nb);
    }
  return result != 0 ? result : (a > b) - (a < b);
}

void
debrief_sweep_sort (DebriefSweep *self,
                    guint         column,
                    gboolean      descending,
                    guint        *order)
{
  SortData data = { self, column, descending, FALSE };

  g_return_if_fail (DEBRIEF_IS_SWEEP (self));
  g_return_if_fail (column < self->columns->len);

  data.numeric = g_array_index (self->columns, DebriefSweepColumn, column).numeric;
  for (guint i = 0; i < self->runs->len; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) self->runs->len, sizeof (guint), compare_runs, &data);
}

const char *
debrief_sweep_get_objective (DebriefSweep *self,
                             int          *better)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  if (better)
    *better = self->better;
  return self->objective;
}

double
debrief_sweep_get_seed_sigma (DebriefSweep *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NAN);
  return self->seed_sigma;
}

guint
debrief_sweep_get_n_groups (DebriefSweep *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), 0);
  return self->groups->len;
}

const DebriefSweepGroup *
debrief_sweep_get_group (DebriefSweep *self,
                         guint         i)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  g_return_val_if_fail (i < self->groups->len, NULL);
  return &g_array_index (self->groups, DebriefSweepGroup, i);
}

int
debrief_sweep_get_run_group (DebriefSweep *self,
                             guint         run)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), -1);
  g_return_val_if_fail (run < self->runs->len, -1);
  return g_array_index (self->run_group, int, run);
}

GListModel *
debrief_sweep_get_findings (DebriefSweep *self)
{
  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  return G_LIST_MODEL (self->findings);
}

GArray *
debrief_sweep_get_finding_runs (DebriefSweep   *self,
                                DebriefFinding *finding)
{
  SweepFindingInfo *info;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  info = g_hash_table_lookup (self->finding_info, finding);
  return info ? info->runs : NULL;
}

char *
debrief_sweep_format_run (DebriefSweep    *self,
                          guint            column,
                          DebriefSweepRun *run,
                          double          *number)
{
  const DebriefSweepColumn *c;
  const DebriefSweepParam *param;
  double value = NAN;
  char *text = NULL;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);
  g_return_val_if_fail (column < self->columns->len, NULL);
  g_return_val_if_fail (DEBRIEF_IS_SWEEP_RUN (run), NULL);

  c = &g_array_index (self->columns, DebriefSweepColumn, column);
  switch (c->role)
    {
    case DEBRIEF_SWEEP_COLUMN_NAME:
      {
        /* By its DebriefRun: a line read again since is the same run. */
        guint at = GPOINTER_TO_UINT (g_hash_table_lookup (self->index, debrief_sweep_run_get_run (run)));
        text = g_strdup (at > 0 ? _debrief_sweep_run_label (self, at - 1) : debrief_sweep_run_get_name (run));
      }
      break;
    case DEBRIEF_SWEEP_COLUMN_KIND:
      text = g_strdup (debrief_sweep_run_get_kind (run));
      break;
    case DEBRIEF_SWEEP_COLUMN_VERDICT:
      text = g_strdup (debrief_sweep_run_get_verdict (run));
      break;
    case DEBRIEF_SWEEP_COLUMN_CONFIG:
      param = debrief_sweep_run_lookup_param (run, c->key);
      if (param == NULL)
        break;
      value = param->number;
      text = c->numeric && isfinite (value) ? _debrief_sweep_format_value (c, value) : g_strdup (param->text);
      break;
    case DEBRIEF_SWEEP_COLUMN_RESULT:
    default:
      value = debrief_sweep_run_get_result (run, c->key);
      text = _debrief_sweep_format_value (c, value);
      break;
    }
  if (number)
    *number = value;
  return text;
}

gboolean
debrief_sweep_column_is_informative (DebriefSweep *self,
                                     guint         column)
{
  const DebriefSweepColumn *c;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), FALSE);
  g_return_val_if_fail (column < self->columns->len, FALSE);

  c = &g_array_index (self->columns, DebriefSweepColumn, column);
  switch (c->role)
    {
    case DEBRIEF_SWEEP_COLUMN_KIND:
      return c->n_distinct > 1;
    case DEBRIEF_SWEEP_COLUMN_RESULT:
      /* A result every run shares (the same number of steps) says nothing here. */
      return c->n_distinct > 1 || g_strcmp0 (c->key, self->objective) == 0;
    default:
      return TRUE;
    }
}

const char *const *
debrief_sweep_get_notes (DebriefSweep *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  return self->notes->len > 0 ? (const char *const *) self->notes->pdata : none;
}
