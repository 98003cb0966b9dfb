/* debrief-runs-table.c: the open runs side by side, and what the sweep says
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "debrief-finding-row.h"
#include "debrief-runs-table.h"
#include "debrief-wrap-layout.h"

/* With nothing selected, the plot draws this many of the first rows; the
 * findings pane shows at most this many of the selected runs. */
#define PLOT_DEFAULT_MAX 100
#define FOCUS_MAX 8
/* The sweep's findings above the table, at most (they scroll beyond). */
#define FINDINGS_MAX_HEIGHT 180
/* Selection and sorting settle before the plot is asked to redraw; while
 * runs are still arriving (a thousand of them reorder the first rows all the
 * time) the plot and the findings pane follow at a calmer pace. */
#define PLOTTED_DELAY_MS 60
#define PLOTTED_LOADING_DELAY_MS 750

/* The seeds drop-down's items. */
enum {
  SEEDS_EVERY,
  SEEDS_RANGE,
  SEEDS_STD,
};

typedef struct _Column Column;

struct _DebriefRunsTable
{
  AdwBin parent_instance;

  GtkListBox *findings_list;
  GtkWidget *findings_scroller;
  GtkSearchEntry *filter_entry;
  GtkLabel *count_label;
  GtkLabel *filter_error;
  GtkWidget *plot_controls;      /* in the plot's toolbar, see get_plot_controls() */
  GtkDropDown *color_dropdown;
  GtkStringList *color_names;
  GtkDropDown *seeds_dropdown;   /* SEEDS_* */
  GtkToggleButton *outliers_button;
  GtkMenuButton *columns_button;
  GtkBox *columns_box;
  GtkButton *save_button;
  GtkColumnView *view;

  DebriefWorkspace *workspace;
  DebriefSweepModel *model;
  DebriefSweep *sweep;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkMultiSelection *selection;
  GRegex *regex;
  GListStore *plotted;            /* DebriefRun */
  GListStore *focused;            /* DebriefRun: selected, or those needing attention */
  guint plotted_source;

  GPtrArray *columns;             /* Column* */
  GHashTable *chosen_visibility;  /* key -> GINT (1 shown, 2 hidden): the user's own choice */
  GSettings *settings;            /* where that choice is remembered, or NULL */
  GHashTable *collate_keys;       /* text -> its collation key */
  GPtrArray *color_keys;          /* char*, parallel to color_names; [0] NULL: by run */
  char *color_by;
  gboolean color_chosen;          /* the user picked a colour: keep it */
  gboolean group_chosen;
  gboolean sorted_by_objective;
  gboolean follow_top;            /* keep the top row in sight until the user scrolls or selects */
  guint top_source;
  gboolean updating;
  GCancellable *cancellable;
};

struct _Column
{
  DebriefRunsTable *table;        /* not owned */
  char *key;
  DebriefSweepColumnRole role;
  gboolean numeric;
  int index;                      /* in the table's sweep, -1 when it has no such column */
  GtkColumnViewColumn *column;
  GtkCheckButton *toggle;
  GHashTable *bound;              /* GtkInscription* -> DebriefSweepRun* of the cells on screen */
};

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

enum {
  SIGNAL_PLOT_CHANGED,
  SIGNAL_TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefRunsTable, debrief_runs_table, ADW_TYPE_BIN)

static void schedule_plotted (DebriefRunsTable *self);
static void scroll_to_row    (DebriefRunsTable *self,
                              guint             position);

/* ---- values ---- */

static const char *
verdict_label (const char *verdict)
{
  static const DebriefRunVerdict verdicts[] = {
    DEBRIEF_RUN_VERDICT_HEALTHY, DEBRIEF_RUN_VERDICT_ATTENTION, DEBRIEF_RUN_VERDICT_FAILED,
    DEBRIEF_RUN_VERDICT_TOO_SHORT, DEBRIEF_RUN_VERDICT_NO_DATA,
  };

  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    if (g_strcmp0 (verdict, debrief_run_verdict_to_string (verdicts[i])) == 0)
      return debrief_run_verdict_to_label (verdicts[i]);
  /* Translators: the verdict of a run still being read or analysed, in the runs table */
  return _("Analysing…");
}

static const char *
verdict_css (const char *verdict)
{
  if (g_strcmp0 (verdict, "failed") == 0)
    return "error";
  if (g_strcmp0 (verdict, "attention") == 0)
    return "warning";
  if (g_strcmp0 (verdict, "healthy") == 0)
    return "success";
  return "dim-label";
}

/* A line's value of a column, without formatting (sorting thousands of rows). */
static gboolean
line_value (DebriefSweepRun *line,
            const Column    *column,
            double          *number,
            const char     **text)
{
  const DebriefSweepParam *param;

  *number = NAN;
  *text = NULL;
  switch (column->role)
    {
    case DEBRIEF_SWEEP_COLUMN_NAME:
      *text = debrief_sweep_run_get_name (line);
      break;
    case DEBRIEF_SWEEP_COLUMN_KIND:
      *text = debrief_sweep_run_get_kind (line);
      break;
    case DEBRIEF_SWEEP_COLUMN_VERDICT:
      *text = debrief_sweep_run_get_verdict (line);
      break;
    case DEBRIEF_SWEEP_COLUMN_CONFIG:
      param = debrief_sweep_run_lookup_param (line, column->key);
      if (param == NULL)
        return FALSE;
      *number = param->number;
      *text = param->text;
      break;
    case DEBRIEF_SWEEP_COLUMN_RESULT:
    default:
      *number = debrief_sweep_run_get_result (line, column->key);
      return isfinite (*number);
    }
  return *text != NULL;
}

/* Sorting 5,000 rows by a text compares some 60,000 pairs: each text is
 * made a collation key once ("run-10" after "run-9", as Files sorts). */
static const char *
collate_key (DebriefRunsTable *self,
             const char       *text)
{
  char *key;

  if (text == NULL)
    text = "";
  key = g_hash_table_lookup (self->collate_keys, text);
  if (key == NULL)
    {
      key = g_utf8_collate_key_for_filename (text, -1);
      g_hash_table_insert (self->collate_keys, g_strdup (text), key);
    }
  return key;
}

static int
compare_lines (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Column *column = user_data;
  double na, nb;
  const char *ta, *tb;
  gboolean ha = line_value ((DebriefSweepRun *) a, column, &na, &ta);
  gboolean hb = line_value ((DebriefSweepRun *) b, column, &nb, &tb);
  int result;

  /* Rows without a value sort after those with one. */
  if (ha != hb)
    return ha ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  if (!ha)
    result = 0;
  else if (column->numeric && isfinite (na) && isfinite (nb))
    result = (na > nb) - (na < nb);
  else
    result = strcmp (collate_key (column->table, ta), collate_key (column->table, tb));
  if (result == 0)
    result = g_strcmp0 (debrief_sweep_run_get_name ((DebriefSweepRun *) a),
                        debrief_sweep_run_get_name ((DebriefSweepRun *) b));
  return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static char *
cell_text (Column          *column,
           DebriefSweepRun *line)
{
  DebriefRunsTable *self = column->table;

  if (column->role == DEBRIEF_SWEEP_COLUMN_VERDICT)
    return g_strdup (verdict_label (debrief_sweep_run_get_verdict (line)));
  if (self->sweep == NULL || column->index < 0)
    return NULL;
  return debrief_sweep_format_run (self->sweep, (guint) column->index, line, NULL);
}

static void
update_cell (Column          *column,
             GtkInscription  *cell,
             DebriefSweepRun *line)
{
  g_autofree char *text = cell_text (column, line);

  gtk_inscription_set_text (cell, text ? text : "–");
  if (column->role == DEBRIEF_SWEEP_COLUMN_VERDICT)
    {
      static const char *const classes[] = { "error", "warning", "success", "dim-label", NULL };
      for (guint i = 0; classes[i]; i++)
        gtk_widget_remove_css_class (GTK_WIDGET (cell), classes[i]);
      gtk_widget_add_css_class (GTK_WIDGET (cell), verdict_css (debrief_sweep_run_get_verdict (line)));
    }
}

/* ---- columns ---- */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          Column                   *column)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  /* Widths in characters: a run's name wants room, a number its digits. */
  if (column->role == DEBRIEF_SWEEP_COLUMN_NAME)
    {
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 12);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 22);
    }
  else if (column->role == DEBRIEF_SWEEP_COLUMN_VERDICT)
    gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 15);   /* "Needs attention" */
  else
    gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), column->numeric ? 7 : 12);
  /* Numbers line up on the right, in digits of one width. */
  if (column->numeric)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1.0);
      gtk_widget_add_css_class (cell, "numeric");
    }
  gtk_list_item_set_child (item, cell);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         Column                   *column)
{
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  DebriefSweepRun *line = gtk_list_item_get_item (item);

  g_hash_table_insert (column->bound, cell, line);
  update_cell (column, cell, line);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           Column                   *column)
{
  g_hash_table_remove (column->bound, gtk_list_item_get_child (item));
}

static void
column_free (Column *column)
{
  g_free (column->key);
  g_clear_pointer (&column->bound, g_hash_table_unref);
  g_clear_object (&column->column);
  g_free (column);
}

static Column *
find_column (DebriefRunsTable *self,
             const char       *key)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      if (strcmp (column->key, key) == 0)
        return column;
    }
  return NULL;
}

/* A column the user hid stays hidden (and one shown, shown) for the next
 * runs opened, and the next session: by its key, so "seed" is the seed's
 * column in any sweep. */
static void
save_visibility (DebriefRunsTable *self)
{
  g_autoptr(GStrvBuilder) shown = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) hidden = g_strv_builder_new ();
  g_auto(GStrv) shown_keys = NULL;
  g_auto(GStrv) hidden_keys = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (self->settings == NULL)
    return;
  g_hash_table_iter_init (&iter, self->chosen_visibility);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_strv_builder_add (GPOINTER_TO_INT (value) == 1 ? shown : hidden, key);
  shown_keys = g_strv_builder_end (shown);
  hidden_keys = g_strv_builder_end (hidden);
  g_settings_set_strv (self->settings, "runs-table-shown-columns", (const char *const *) shown_keys);
  g_settings_set_strv (self->settings, "runs-table-hidden-columns", (const char *const *) hidden_keys);
}

static void
toggle_cb (GtkCheckButton *toggle,
           Column         *column)
{
  DebriefRunsTable *self = column->table;
  gboolean shown = gtk_check_button_get_active (toggle);

  if (self->updating)
    return;
  g_hash_table_insert (self->chosen_visibility, g_strdup (column->key), GINT_TO_POINTER (shown ? 1 : 2));
  gtk_column_view_column_set_visible (column->column, shown);
  save_visibility (self);
}

static Column *
add_column (DebriefRunsTable         *self,
            const DebriefSweepColumn *spec,
            guint                     position)
{
  Column *column = g_new0 (Column, 1);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;

  column->table = self;
  column->key = g_strdup (spec->key);
  column->role = spec->role;
  column->numeric = spec->numeric;
  column->index = -1;
  column->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), column);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), column);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), column);
  column->column = gtk_column_view_column_new (spec->label, factory);
  gtk_column_view_column_set_resizable (column->column, TRUE);
  gtk_column_view_column_set_expand (column->column, spec->role == DEBRIEF_SWEEP_COLUMN_NAME);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_lines, column, NULL));
  gtk_column_view_column_set_sorter (column->column, sorter);
  gtk_column_view_insert_column (self->view, position, column->column);

  column->toggle = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (spec->label));
  gtk_widget_set_sensitive (GTK_WIDGET (column->toggle), spec->role != DEBRIEF_SWEEP_COLUMN_NAME);
  g_signal_connect (column->toggle, "toggled", G_CALLBACK (toggle_cb), column);
  gtk_box_append (self->columns_box, GTK_WIDGET (column->toggle));
  g_ptr_array_add (self->columns, column);
  return column;
}

static void
remove_column (DebriefRunsTable *self,
               Column           *column)
{
  gtk_column_view_remove_column (self->view, column->column);
  gtk_box_remove (self->columns_box, GTK_WIDGET (column->toggle));
  g_ptr_array_remove (self->columns, column);
}

/* The columns follow the sweep's: new settings appear as runs arrive. */
static void
sync_columns (DebriefRunsTable *self)
{
  guint n = self->sweep ? debrief_sweep_get_n_columns (self->sweep) : 0;
  g_autoptr(GPtrArray) stale = g_ptr_array_new ();

  self->updating = TRUE;
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      column->index = self->sweep ? debrief_sweep_find_column (self->sweep, column->key) : -1;
      /* An alias found its column under another key: not this one. */
      if (column->index >= 0 &&
          strcmp (debrief_sweep_get_column (self->sweep, (guint) column->index)->key, column->key) != 0)
        column->index = -1;
      if (column->index < 0 && column->role != DEBRIEF_SWEEP_COLUMN_NAME &&
          column->role != DEBRIEF_SWEEP_COLUMN_VERDICT)
        g_ptr_array_add (stale, column);
    }
  for (guint i = 0; i < stale->len; i++)
    remove_column (self, g_ptr_array_index (stale, i));
  for (guint c = 0; c < n; c++)
    {
      const DebriefSweepColumn *spec = debrief_sweep_get_column (self->sweep, c);
      Column *column = find_column (self, spec->key);
      gpointer chosen;
      gboolean shown;

      if (column == NULL)
        column = add_column (self, spec, MIN (c, g_list_model_get_n_items (gtk_column_view_get_columns (self->view))));
      column->index = (int) c;
      column->numeric = spec->numeric;
      gtk_column_view_column_set_title (column->column, spec->label);
      gtk_check_button_set_label (column->toggle, spec->label);
      chosen = g_hash_table_lookup (self->chosen_visibility, spec->key);
      shown = chosen != NULL ? GPOINTER_TO_INT (chosen) == 1 : debrief_sweep_column_is_informative (self->sweep, c);
      gtk_column_view_column_set_visible (column->column, shown);
      gtk_check_button_set_active (column->toggle, shown);
    }
  self->updating = FALSE;

  /* Cells on screen take the new formatting (3e-4 once the column knows it is a rate). */
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      GHashTableIter iter;
      gpointer cell, line;

      g_hash_table_iter_init (&iter, column->bound);
      while (g_hash_table_iter_next (&iter, &cell, &line))
        update_cell (column, cell, line);
    }
}

/* The fixed columns exist before any sweep: a run's row shows at once. */
static void
add_fixed_columns (DebriefRunsTable *self)
{
  DebriefSweepColumn name = { .key = (char *) "name", .label = (char *) _("Run"), .role = DEBRIEF_SWEEP_COLUMN_NAME };
  DebriefSweepColumn verdict = { .key = (char *) "verdict", .label = (char *) _("Verdict"),
                                 .role = DEBRIEF_SWEEP_COLUMN_VERDICT };

  add_column (self, &name, 0);
  add_column (self, &verdict, 1);
}

/* The list keeps the row that was on top in sight while rows come and are
 * sorted in: as a folder of runs loads, the best rows arrive above the view
 * and the table opened scrolled to the middle. Until the user scrolls or
 * selects, and after each new order, the top row is what shows. */
static gboolean
scroll_to_top_idle (gpointer user_data)
{
  DebriefRunsTable *self = user_data;

  self->top_source = 0;
  if (self->follow_top && g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) > 0)
    scroll_to_row (self, 0);
  return G_SOURCE_REMOVE;
}

static void
sort_pending_cb (DebriefRunsTable *self)
{
  if (self->sorted == NULL)
    return;   /* disposed */
  if (self->follow_top && self->top_source == 0 && gtk_sort_list_model_get_pending (self->sorted) == 0)
    /* After the list has laid the new order out. */
    self->top_source = g_idle_add_full (G_PRIORITY_LOW, scroll_to_top_idle, self, NULL);
}

static void
sorter_changed_cb (DebriefRunsTable *self)
{
  self->follow_top = TRUE;
  /* A short list is sorted already when the sorter says it changed. */
  sort_pending_cb (self);
}

static gboolean
user_scrolled_cb (DebriefRunsTable *self)
{
  self->follow_top = FALSE;
  return FALSE;
}

static void
scrollbar_pressed_cb (GtkGestureClick  *gesture,
                      int               n_press,
                      double            x,
                      double            y,
                      DebriefRunsTable *self)
{
  self->follow_top = FALSE;
}

static void
sort_by_objective (DebriefRunsTable *self)
{
  int better;
  const char *objective;
  Column *column;

  if (self->sorted_by_objective || self->sweep == NULL)
    return;
  objective = debrief_sweep_get_objective (self->sweep, &better);
  column = objective ? find_column (self, objective) : NULL;
  if (column == NULL)
    return;
  /* Best first, until the user sorts by something else. */
  gtk_column_view_sort_by_column (self->view, column->column, better > 0 ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  self->sorted_by_objective = TRUE;
}

/* ---- the colour, groups and band the plot uses ---- */

static void
emit_plot_changed (DebriefRunsTable *self)
{
  g_signal_emit (self, signals[SIGNAL_PLOT_CHANGED], 0);
}

static void
sync_colors (DebriefRunsTable *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint selected = 0;

  self->updating = TRUE;
  g_ptr_array_set_size (self->color_keys, 0);
  g_ptr_array_add (self->color_keys, NULL);
  /* Translators: the colour drop-down of the runs table: one colour per run */
  g_ptr_array_add (labels, (gpointer) _("Colour by Run"));
  for (guint c = 0; self->sweep != NULL && c < debrief_sweep_get_n_columns (self->sweep); c++)
    {
      const DebriefSweepColumn *spec = debrief_sweep_get_column (self->sweep, c);
      if (spec->role != DEBRIEF_SWEEP_COLUMN_CONFIG && spec->role != DEBRIEF_SWEEP_COLUMN_RESULT &&
          spec->role != DEBRIEF_SWEEP_COLUMN_VERDICT)
        continue;
      if (spec->role == DEBRIEF_SWEEP_COLUMN_RESULT && !spec->numeric)
        continue;
      g_ptr_array_add (self->color_keys, g_strdup (spec->key));
      g_ptr_array_add (labels, spec->label);
    }
  g_ptr_array_add (labels, NULL);
  gtk_string_list_splice (self->color_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->color_names)),
                          (const char *const *) labels->pdata);
  /* A learning-rate sweep reads as a gradient from the start. */
  if (!self->color_chosen && self->sweep != NULL &&
      debrief_sweep_find_column (self->sweep, DEBRIEF_SWEEP_KEY_LEARNING_RATE) >= 0)
    {
      g_free (self->color_by);
      self->color_by = g_strdup (DEBRIEF_SWEEP_KEY_LEARNING_RATE);
    }
  for (guint i = 1; i < self->color_keys->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->color_keys, i), self->color_by) == 0)
      selected = i;
  if (selected == 0)
    g_clear_pointer (&self->color_by, g_free);
  gtk_drop_down_set_selected (self->color_dropdown, selected);

  /* Seeds as bands when there are seeds to draw so. */
  {
    gboolean seeds = self->sweep != NULL && debrief_sweep_get_n_groups (self->sweep) > 0;
    gtk_widget_set_sensitive (GTK_WIDGET (self->seeds_dropdown), seeds);
    if (!self->group_chosen)
      gtk_drop_down_set_selected (self->seeds_dropdown, seeds ? SEEDS_RANGE : SEEDS_EVERY);
  }
  self->updating = FALSE;
}

static void
color_changed_cb (DebriefRunsTable *self)
{
  guint selected = gtk_drop_down_get_selected (self->color_dropdown);

  if (self->updating)
    return;
  self->color_chosen = TRUE;
  g_free (self->color_by);
  self->color_by = selected < self->color_keys->len ? g_strdup (g_ptr_array_index (self->color_keys, selected)) : NULL;
  emit_plot_changed (self);
}

static void
seeds_changed_cb (DebriefRunsTable *self)
{
  if (self->updating)
    return;
  self->group_chosen = TRUE;
  emit_plot_changed (self);
}

static void
outliers_changed_cb (DebriefRunsTable *self)
{
  if (!self->updating)
    emit_plot_changed (self);
}

/* ---- sweep findings above the table ---- */

static void
select_finding_runs_cb (GtkButton        *button,
                        DebriefRunsTable *self)
{
  DebriefFinding *finding = g_object_get_data (G_OBJECT (button), "finding");
  GArray *indices = self->sweep ? debrief_sweep_get_finding_runs (self->sweep, finding) : NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new ();

  for (guint i = 0; indices != NULL && i < indices->len; i++)
    g_ptr_array_add (runs, debrief_sweep_run_get_run (debrief_sweep_get_run (self->sweep, g_array_index (indices, guint, i))));
  debrief_runs_table_select_runs (self, runs);
}

/* The header row inside an AdwExpanderRow (libadwaita 1.2 has no
 * subtitle-lines on the expander itself). */
static AdwActionRow *
find_action_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *found = ADW_IS_ACTION_ROW (child) ? ADW_ACTION_ROW (child) : find_action_row (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
sync_findings (DebriefRunsTable *self)
{
  GListModel *findings = self->sweep ? debrief_sweep_get_findings (self->sweep) : NULL;
  GtkWidget *child;
  guint n = findings ? g_list_model_get_n_items (findings) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list))) != NULL)
    gtk_list_box_remove (self->findings_list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, i);
      GtkWidget *row = debrief_finding_row_new (finding);
      GArray *runs = debrief_sweep_get_finding_runs (self->sweep, finding);

      AdwActionRow *header = find_action_row (row);

      /* One line each, folded: the table and the plot are what the space is
       * for; the whole cause is the first thing the row shows unfolded. */
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
      if (header != NULL)
        {
          adw_action_row_set_title_lines (header, 1);
          adw_action_row_set_subtitle_lines (header, 1);
        }
      if (runs != NULL && runs->len > 0)
        {
          GtkWidget *button = gtk_button_new_with_label (g_dngettext (GETTEXT_PACKAGE, "Select Its Run",
                                                                      "Select Its Runs", runs->len));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          g_object_set_data_full (G_OBJECT (button), "finding", g_object_ref (finding), g_object_unref);
          g_signal_connect (button, "clicked", G_CALLBACK (select_finding_runs_cb), self);
          adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
        }
      gtk_list_box_append (self->findings_list, row);
    }
  for (const char *const *note = self->sweep ? debrief_sweep_get_notes (self->sweep) : NULL; note && *note; note++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *note);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->findings_list, row);
      n++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->findings_scroller), n > 0);
  {
    /* Three findings (a sweep's usual: failed, best, range or rank) show
     * whole in a short window too: the plot under the table gives way. */
    int min = 0, nat = 0;

    gtk_widget_measure (GTK_WIDGET (self->findings_list), GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
    gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->findings_scroller), -1);
    gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->findings_scroller),
                                                MIN (nat, FINDINGS_MAX_HEIGHT));
  }
}

/* ---- the sweep ---- */

static void
update_count (DebriefRunsTable *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint all = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = NULL;

  /* Without a filter every run shows (the filter's slices may still be counting). */
  if (shown == all || self->regex == NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", all), all);
  else
    /* Translators: the runs a filter leaves, of all runs */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u run", "%u of %u runs", all), shown, all);
  gtk_label_set_label (self->count_label, text);
}

static void
sweep_changed_cb (DebriefRunsTable *self)
{
  DebriefSweep *sweep = debrief_sweep_model_get_sweep (self->model);
  GFile *folder;

  g_set_object (&self->sweep, sweep);
  sync_columns (self);
  sort_by_objective (self);
  sync_colors (self);
  sync_findings (self);
  folder = NULL;
  if (self->sweep != NULL)
    folder = debrief_sweep_get_common_folder (self->sweep);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), folder != NULL);
  g_clear_object (&folder);
  emit_plot_changed (self);
}

/* ---- filter ---- */

/* "name learning_rate=0.003 lora_rank=16 …": what a filter is matched against,
 * built once per line. */
static const char *
search_text (DebriefSweepRun *line)
{
  static GQuark quark;
  char *text;

  if (quark == 0)
    quark = g_quark_from_static_string ("debrief-runs-table-search-text");
  text = g_object_get_qdata (G_OBJECT (line), quark);
  if (text == NULL)
    {
      GString *s = g_string_new (debrief_sweep_run_get_name (line));

      for (guint i = 0; i < debrief_sweep_run_get_n_params (line); i++)
        {
          const DebriefSweepParam *p = debrief_sweep_run_get_param (line, i);
          g_string_append_printf (s, " %s=%s", p->key, p->text);
        }
      g_string_append_printf (s, " %s", debrief_sweep_run_get_verdict (line));
      text = g_string_free (s, FALSE);
      g_object_set_qdata_full (G_OBJECT (line), quark, text, g_free);
    }
  return text;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  DebriefRunsTable *self = user_data;

  return self->regex == NULL || g_regex_match (self->regex, search_text (item), 0, NULL);
}

static void
filter_changed_cb (DebriefRunsTable *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  g_autoptr(GError) error = NULL;
  GRegex *regex = NULL;

  if (text != NULL && *text != '\0')
    regex = g_regex_new (text, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
  /* A pattern half typed is no error yet worth hiding rows for: say what is
   * wrong under the entry and keep every row. */
  gtk_widget_set_visible (GTK_WIDGET (self->filter_error), error != NULL);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not a regular expression: %s"), error->message);
      gtk_label_set_label (self->filter_error, message);
      gtk_widget_add_css_class (GTK_WIDGET (self->filter_entry), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_entry), "error");
  g_clear_pointer (&self->regex, g_regex_unref);
  self->regex = regex;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- what the plot draws ---- */

/* Replaces the store's runs with @runs, unless they are the same already (no
 * redraw of the plot for a selection that did not change). */
static void
replace_store (GListStore *store,
               GPtrArray  *runs)
{
  gboolean same = runs->len == g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; same && i < runs->len; i++)
    {
      g_autoptr(DebriefRun) run = g_list_model_get_item (G_LIST_MODEL (store), i);
      same = run == g_ptr_array_index (runs, i);
    }
  if (!same)
    g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), runs->pdata, runs->len);
}

static gboolean
plotted_timeout (gpointer user_data)
{
  DebriefRunsTable *self = user_data;
  GtkBitset *selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GListModel *rows = G_LIST_MODEL (self->sorted);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (rows);

  self->plotted_source = 0;
  if (!gtk_bitset_is_empty (selected))
    {
      GtkBitsetIter iter;
      guint position;

      for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
           ok = gtk_bitset_iter_next (&iter, &position))
        {
          g_autoptr(DebriefSweepRun) line = g_list_model_get_item (rows, position);
          if (line != NULL)
            g_ptr_array_add (runs, g_object_ref (debrief_sweep_run_get_run (line)));
        }
    }
  else
    for (guint i = 0; i < MIN (n, PLOT_DEFAULT_MAX); i++)
      {
        g_autoptr(DebriefSweepRun) line = g_list_model_get_item (rows, i);
        g_ptr_array_add (runs, g_object_ref (debrief_sweep_run_get_run (line)));
      }
  {
    /* The side pane: the findings of the selected runs (a few: a card per
     * run stacked fifty times reads as nothing), or with none selected those
     * of the top row, the best run as the table opens. The verdict column
     * says the rest at a glance. */
    g_autoptr(GPtrArray) focus = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < runs->len && focus->len < (gtk_bitset_is_empty (selected) ? 1 : FOCUS_MAX); i++)
      g_ptr_array_add (focus, g_object_ref (g_ptr_array_index (runs, i)));
    replace_store (self->focused, focus);
  }
  gtk_bitset_unref (selected);
  replace_store (self->plotted, runs);
  update_count (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_plotted (DebriefRunsTable *self)
{
  gboolean loading = debrief_sweep_model_get_busy (self->model) ||
                     debrief_workspace_get_loading (self->workspace);

  if (self->plotted_source == 0 && self->sorted != NULL)
    self->plotted_source = g_timeout_add (loading ? PLOTTED_LOADING_DELAY_MS : PLOTTED_DELAY_MS, plotted_timeout, self);
}

/* The user's own selection is followed at once. */
static void
selection_changed_cb (DebriefRunsTable *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  if (!gtk_bitset_is_empty (selected))
    self->follow_top = FALSE;
  g_clear_handle_id (&self->plotted_source, g_source_remove);
  if (self->sorted != NULL)
    self->plotted_source = g_timeout_add (PLOTTED_DELAY_MS, plotted_timeout, self);
}

/* GTK 4.8 has no gtk_column_view_scroll_to (4.12): its list view child has
 * the action. */
static void
scroll_to_row (DebriefRunsTable *self,
               guint             position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

void
debrief_runs_table_select_runs (DebriefRunsTable *self,
                                GPtrArray        *runs)
{
  GListModel *rows;
  g_autoptr(GtkBitset) selected = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) mask = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new (NULL, NULL);
  guint n;

  g_return_if_fail (DEBRIEF_IS_RUNS_TABLE (self));

  rows = G_LIST_MODEL (self->sorted);
  n = g_list_model_get_n_items (rows);
  for (guint i = 0; i < runs->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (runs, i));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefSweepRun) line = g_list_model_get_item (rows, i);
      if (g_hash_table_contains (wanted, debrief_sweep_run_get_run (line)))
        gtk_bitset_add (selected, i);
    }
  mask = gtk_bitset_new_range (0, n);
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), selected, mask);
  if (!gtk_bitset_is_empty (selected))
    scroll_to_row (self, gtk_bitset_get_minimum (selected));
}

/* ---- sweep.md ---- */

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DebriefSweep *sweep = task_data;
  g_autoptr(GFile) folder = debrief_sweep_get_common_folder (sweep);
  g_autoptr(GFile) edited = NULL;
  g_autoptr(GError) error = NULL;

  if (folder == NULL || !debrief_sweep_write (sweep, folder, &edited, cancellable, &error))
    {
      if (error == NULL)
        g_set_error (&error, DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("The runs share no folder to write sweep.md into"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  {
    g_autoptr(GFile) file = g_file_get_child (folder, DEBRIEF_SWEEP_FILENAME);
    g_autofree char *name = g_file_get_parse_name (file);

    if (edited != NULL)
      {
        g_autofree char *copy = g_file_get_parse_name (edited);
        g_task_return_pointer (task, g_strdup_printf (_("Saved %s; your edits to its generated part are kept in %s"),
                                                      name, copy), g_free);
      }
    else
      g_task_return_pointer (task, g_strdup_printf (_("Saved %s"), name), g_free);
  }
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DebriefRunsTable *self = DEBRIEF_RUNS_TABLE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message != NULL ? message : error->message);
}

static void
save_clicked_cb (DebriefRunsTable *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->sweep == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  task = g_task_new (self, self->cancellable, saved_cb, NULL);
  g_task_set_source_tag (task, save_clicked_cb);
  g_task_set_task_data (task, g_object_ref (self->sweep), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

/* ---- object ---- */

static void
debrief_runs_table_constructed (GObject *object)
{
  DebriefRunsTable *self = DEBRIEF_RUNS_TABLE (object);
  GtkSorter *sorter;

  G_OBJECT_CLASS (debrief_runs_table_parent_class)->constructed (object);

  self->model = debrief_sweep_model_new (debrief_workspace_get_runs (self->workspace));
  g_signal_connect_object (self->model, "notify::sweep", G_CALLBACK (sweep_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::busy", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->model)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  /* Thousands of rows filter and sort in slices between frames. */
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  sorter = gtk_column_view_get_sorter (self->view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                          sorter ? g_object_ref (sorter) : NULL);
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  if (sorter != NULL)
    g_signal_connect_object (sorter, "changed", G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "notify::pending", G_CALLBACK (sort_pending_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (sort_pending_cb), self, G_CONNECT_SWAPPED);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (schedule_plotted), self, G_CONNECT_SWAPPED);
  self->follow_top = TRUE;
  {
    GtkWidget *scroller = gtk_widget_get_parent (GTK_WIDGET (self->view));
    GtkEventController *wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
    GtkGesture *press = gtk_gesture_click_new ();

    gtk_event_controller_set_propagation_phase (wheel, GTK_PHASE_CAPTURE);
    g_signal_connect_swapped (wheel, "scroll", G_CALLBACK (user_scrolled_cb), self);
    gtk_widget_add_controller (scroller, wheel);
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
    g_signal_connect (press, "pressed", G_CALLBACK (scrollbar_pressed_cb), self);
    gtk_widget_add_controller (gtk_scrolled_window_get_vscrollbar (GTK_SCROLLED_WINDOW (scroller)),
                               GTK_EVENT_CONTROLLER (press));
  }
  add_fixed_columns (self);
  sweep_changed_cb (self);
  schedule_plotted (self);
}

static void
debrief_runs_table_dispose (GObject *object)
{
  DebriefRunsTable *self = DEBRIEF_RUNS_TABLE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->plotted_source, g_source_remove);
  g_clear_handle_id (&self->top_source, g_source_remove);
  if (self->view != NULL)
    gtk_column_view_set_model (self->view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->model);
  g_clear_object (&self->sweep);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->regex, g_regex_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DEBRIEF_TYPE_RUNS_TABLE);
  G_OBJECT_CLASS (debrief_runs_table_parent_class)->dispose (object);
}

static void
debrief_runs_table_finalize (GObject *object)
{
  DebriefRunsTable *self = DEBRIEF_RUNS_TABLE (object);

  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->chosen_visibility, g_hash_table_unref);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->collate_keys, g_hash_table_unref);
  g_clear_pointer (&self->color_keys, g_ptr_array_unref);
  g_clear_pointer (&self->color_by, g_free);
  g_clear_object (&self->plotted);
  g_clear_object (&self->focused);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (debrief_runs_table_parent_class)->finalize (object);
}

static void
debrief_runs_table_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DebriefRunsTable *self = DEBRIEF_RUNS_TABLE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_runs_table_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DebriefRunsTable *self = DEBRIEF_RUNS_TABLE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_runs_table_class_init (DebriefRunsTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = debrief_runs_table_constructed;
  object_class->dispose = debrief_runs_table_dispose;
  object_class->finalize = debrief_runs_table_finalize;
  object_class->get_property = debrief_runs_table_get_property;
  object_class->set_property = debrief_runs_table_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, DEBRIEF_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The plotted runs, their colour, groups, band or range changed. */
  signals[SIGNAL_PLOT_CHANGED] = g_signal_new ("plot-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A message for the window to show (saving sweep.md). */
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (DEBRIEF_TYPE_WRAP_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-runs-table.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, findings_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, findings_scroller);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, count_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, filter_error);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, plot_controls);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, color_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, color_names);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, seeds_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, outliers_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, columns_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, columns_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, save_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunsTable, view);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
}

static void
debrief_runs_table_init (DebriefRunsTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  self->chosen_visibility = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->collate_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->color_keys = g_ptr_array_new_with_free_func (g_free);
  self->plotted = g_list_store_new (DEBRIEF_TYPE_RUN);
  self->focused = g_list_store_new (DEBRIEF_TYPE_RUN);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->color_dropdown, "notify::selected", G_CALLBACK (color_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->seeds_dropdown, "notify::selected", G_CALLBACK (seeds_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outliers_button, "toggled", G_CALLBACK (outliers_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
debrief_runs_table_new (DebriefWorkspace *workspace)
{
  return g_object_new (DEBRIEF_TYPE_RUNS_TABLE, "workspace", workspace, NULL);
}

DebriefSweepModel *
debrief_runs_table_get_model (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return self->model;
}

void
debrief_runs_table_set_settings (DebriefRunsTable *self,
                                 GSettings        *settings)
{
  g_auto(GStrv) shown = NULL;
  g_auto(GStrv) hidden = NULL;

  g_return_if_fail (DEBRIEF_IS_RUNS_TABLE (self));

  g_set_object (&self->settings, settings);
  if (settings == NULL)
    return;
  shown = g_settings_get_strv (settings, "runs-table-shown-columns");
  hidden = g_settings_get_strv (settings, "runs-table-hidden-columns");
  for (guint i = 0; shown[i] != NULL; i++)
    g_hash_table_insert (self->chosen_visibility, g_strdup (shown[i]), GINT_TO_POINTER (1));
  for (guint i = 0; hidden[i] != NULL; i++)
    g_hash_table_insert (self->chosen_visibility, g_strdup (hidden[i]), GINT_TO_POINTER (2));
  sync_columns (self);
}

GtkWidget *
debrief_runs_table_get_plot_controls (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return self->plot_controls;
}

DebriefSweep *
debrief_runs_table_get_sweep (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return self->sweep;
}

GListModel *
debrief_runs_table_get_plotted (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return G_LIST_MODEL (self->plotted);
}

GListModel *
debrief_runs_table_get_focused (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return G_LIST_MODEL (self->focused);
}

const char *
debrief_runs_table_get_color_by (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return self->color_by;
}

gboolean
debrief_runs_table_get_groups (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->seeds_dropdown)) &&
         gtk_drop_down_get_selected (self->seeds_dropdown) != SEEDS_EVERY;
}

DebriefPlotBand
debrief_runs_table_get_band (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), DEBRIEF_PLOT_BAND_RANGE);
  return gtk_drop_down_get_selected (self->seeds_dropdown) == SEEDS_STD ? DEBRIEF_PLOT_BAND_STD : DEBRIEF_PLOT_BAND_RANGE;
}

gboolean
debrief_runs_table_get_include_outliers (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), FALSE);
  return gtk_toggle_button_get_active (self->outliers_button);
}

GListModel *
debrief_runs_table_get_rows (DebriefRunsTable *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUNS_TABLE (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

void
debrief_runs_table_set_filter (DebriefRunsTable *self,
                               const char       *regex)
{
  g_return_if_fail (DEBRIEF_IS_RUNS_TABLE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), regex ? regex : "");
  filter_changed_cb (self);
}
