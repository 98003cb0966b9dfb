/* debrief-sweep-plot.c: a sweep's look on the plot (colours by a setting, groups)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-plot-renderer.h"
#include "debrief-sweep-private.h"

char *
debrief_sweep_describe_keys (DebriefSweep *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), NULL);

  for (guint c = 0; c < self->columns->len; c++)
    g_string_append_printf (s, "  %s\n", g_array_index (self->columns, DebriefSweepColumn, c).key);
  return g_string_free (s, FALSE);
}

static gboolean
check_key (DebriefSweep  *self,
           const char    *option,
           const char    *key,
           GError       **error)
{
  g_autofree char *keys = NULL;

  if (debrief_sweep_find_column (self, key) >= 0)
    return TRUE;
  keys = debrief_sweep_describe_keys (self);
  /* Translators: %s are: the option (--color-by), the key asked for, the keys there are, one per line */
  g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
               _("%s: no column “%s”; the columns are:\n%s"), option, key, keys);
  return FALSE;
}

gboolean
debrief_sweep_check_keys (DebriefSweep  *self,
                          const char    *option,
                          const char    *keys,
                          GError       **error)
{
  g_auto(GStrv) list = NULL;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);

  list = g_strsplit (keys, ",", -1);
  for (guint k = 0; list[k]; k++)
    if (!check_key (self, option, g_strstrip (list[k]), error))
      return FALSE;
  return TRUE;
}

gboolean
debrief_sweep_style_plot (DebriefSweep         *self,
                          DebriefPlotRenderer  *renderer,
                          const guint          *data_runs,
                          const char           *color_by,
                          gboolean              groups,
                          gboolean              dark,
                          GError              **error)
{
  guint n = debrief_plot_renderer_get_n_runs (renderer);
  g_autofree DebriefPlotRGBA *run_colors = g_new (DebriefPlotRGBA, MAX (self->runs->len, 1));
  g_autofree gboolean *colored = g_new0 (gboolean, MAX (self->runs->len, 1));
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();
  DebriefPlotColorScale scale = { DEBRIEF_PLOT_SCALE_NONE };
  int c = -1;

  g_return_val_if_fail (DEBRIEF_IS_SWEEP (self), FALSE);
  g_return_val_if_fail (DEBRIEF_IS_PLOT_RENDERER (renderer), FALSE);

  if (color_by != NULL && !check_key (self, "--color-by", color_by, error))
    return FALSE;
  if (groups && self->group_by != NULL && !debrief_sweep_check_keys (self, "--group-by", self->group_by, error))
    return FALSE;

  if (color_by != NULL)
    {
      const DebriefSweepColumn *column;

      c = debrief_sweep_find_column (self, color_by);
      column = &g_array_index (self->columns, DebriefSweepColumn, c);
      scale.title = column->label;
      if (column->numeric && isfinite (column->min))
        {
          scale.kind = DEBRIEF_PLOT_SCALE_SEQUENTIAL;
          scale.log = column->log_scale;
          scale.min = column->min;
          scale.max = column->max;
        }
      else
        scale.kind = DEBRIEF_PLOT_SCALE_CATEGORICAL;
      for (guint i = 0; i < self->runs->len; i++)
        {
          const SweepCell *cell = _debrief_sweep_cell (self, (guint) c, i);
          if (cell->text == NULL)
            continue;
          colored[i] = TRUE;
          if (scale.kind == DEBRIEF_PLOT_SCALE_SEQUENTIAL)
            run_colors[i] = debrief_plot_color_scale_sequential (&scale, cell->number, dark);
          else
            {
              /* Hues in the order the values first appear; equal values, equal hues. */
              guint index;
              for (index = 0; index < categories->len; index++)
                if (strcmp (g_ptr_array_index (categories, index), cell->text) == 0)
                  break;
              if (index == categories->len)
                g_ptr_array_add (categories, cell->text);
              run_colors[i] = debrief_plot_color_scale_category (index, dark);
            }
        }
      g_ptr_array_add (categories, NULL);
      scale.categories = (const char *const *) categories->pdata;
      debrief_plot_renderer_set_color_scale (renderer, &scale);
      for (guint d = 0; d < n; d++)
        {
          guint run = data_runs ? data_runs[d] : d;
          if (run < self->runs->len && colored[run])
            debrief_plot_renderer_set_run_color (renderer, d, &run_colors[run]);
        }
    }

  if (groups)
    {
      g_autoptr(GArray) plot_groups = g_array_new (FALSE, TRUE, sizeof (DebriefPlotGroup));
      g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      gboolean uniform = color_by != NULL;

      /* Groups take their runs' colour when every group's runs share the value
       * coloured by; else (colour by rank, group by rate) one hue per group,
       * and the colour scale would mislead. */
      for (guint g = 0; g < self->groups->len && uniform; g++)
        {
          const DebriefSweepGroup *group = &g_array_index (self->groups, DebriefSweepGroup, g);
          guint first = g_array_index (group->members, guint, 0);
          for (guint k = 1; k < group->members->len && uniform; k++)
            uniform = _debrief_sweep_cell (self, (guint) c, g_array_index (group->members, guint, k))->value_id ==
                      _debrief_sweep_cell (self, (guint) c, first)->value_id;
        }
      if (color_by != NULL && !uniform)
        debrief_plot_renderer_set_color_scale (renderer, NULL);

      for (guint g = 0; g < self->groups->len; g++)
        {
          const DebriefSweepGroup *group = &g_array_index (self->groups, DebriefSweepGroup, g);
          GArray *m = g_array_new (FALSE, FALSE, sizeof (guint));
          DebriefPlotGroup pg = { group->label, NULL, 0, FALSE };
          guint first = g_array_index (group->members, guint, 0);

          /* The plot's entries of the group's runs. */
          for (guint d = 0; d < n; d++)
            for (guint k = 0; k < group->members->len; k++)
              if ((data_runs ? data_runs[d] : d) == g_array_index (group->members, guint, k))
                g_array_append_val (m, d);
          g_ptr_array_add (members, m);
          pg.members = (const guint *) m->data;
          pg.n_members = m->len;
          if (uniform && colored[first])
            {
              pg.has_color = TRUE;
              pg.color = run_colors[first];
            }
          else
            {
              pg.has_color = TRUE;
              pg.color = debrief_plot_color_scale_category (g, dark);
            }
          g_array_append_val (plot_groups, pg);
        }
      debrief_plot_renderer_set_groups (renderer, (const DebriefPlotGroup *) plot_groups->data, plot_groups->len);
    }
  return TRUE;
}
