/* debrief-plot-renderer-hover.c: what is under the pointer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The crosshair with a dot on each curve near it, and the same values as text
 * (the widget's tooltip).
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "debrief-plot-renderer-private.h"

void
debrief_plot_renderer_set_hover (DebriefPlotRenderer *self,
                                 gboolean             hover,
                                 double               px,
                                 double               py)
{
  self->hover = hover;
  self->hover_px = px;
  self->hover_py = py;
}

static gboolean
nearest_index (DebriefPlotPyramid *p,
               double              step,
               gsize              *index)
{
  gsize n, i;
  const gint64 *steps;

  if (p == NULL || (n = debrief_plot_pyramid_get_length (p)) == 0)
    return FALSE;
  steps = debrief_plot_pyramid_get_steps (p);
  i = debrief_plot_pyramid_lower_bound (p, step);
  if (i == n)
    i = n - 1;
  else if (i > 0 && fabs (steps[i - 1] - step) <= fabs (steps[i] - step))
    i--;
  *index = i;
  return TRUE;
}

void
_debrief_plot_renderer_draw_hover (DebriefPlotRenderer *self,
                                   cairo_t             *cr)
{
  const Frame *f = &self->frame;
  static const double dashes[] = { 3.0, 3.0 };
  double step;

  if (!self->hover || self->hover_px < f->area.x || self->hover_px > f->area.x + f->area.width ||
      self->hover_py < f->area.y || self->hover_py > f->area.y + f->area.height)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dashes, 2, 0);
  set_color (cr, &self->palette.dim, 0.8);
  cairo_move_to (cr, round (self->hover_px) + 0.5, f->area.y);
  cairo_line_to (cr, round (self->hover_px) + 0.5, f->area.y + f->area.height);
  cairo_move_to (cr, f->area.x, round (self->hover_py) + 0.5);
  cairo_line_to (cr, f->area.x + f->area.width, round (self->hover_py) + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  step = debrief_plot_renderer_x_to_step (self, self->hover_px);
  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      for (guint c = CACHE_SMOOTHED; c < N_CACHES; c++)
        {
          DebriefPlotPyramid *p = _debrief_plot_run_entry_pyramid (entry, c);
          DebriefPlotRGBA color = _debrief_plot_renderer_run_color (self, i, c == CACHE_VALIDATION);
          gsize idx;
          double v, x;

          if (!_debrief_plot_renderer_layer_shown (self, entry, c) || !nearest_index (p, step, &idx))
            continue;
          v = debrief_plot_pyramid_get_values (p)[idx];
          x = frame_x (f, debrief_plot_pyramid_get_steps (p)[idx]);
          if (!isfinite (v) || fabs (x - self->hover_px) > 24)
            continue;
          cairo_new_path (cr);
          cairo_arc (cr, x, frame_y (f, v), 4.0, 0, 2 * G_PI);
          set_color (cr, &color, 1.0);
          cairo_fill_preserve (cr);
          set_color (cr, &self->palette.background, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
}

static void
append_value (GString    *s,
              const char *name,
              double      v)
{
  if (isnan (v))
    g_string_append_printf (s, "%s NaN", name);
  else if (isinf (v))
    g_string_append_printf (s, "%s %s", name, v > 0 ? "+∞" : "−∞");
  else
    g_string_append_printf (s, "%s %.4g", name, v);
}

/* The title ("Step N") when the text is still empty, then a new line for a
 * run, named when there are several. */
static void
begin_run_line (GString         *s,
                gint64           title_step,
                DebriefPlotData *data,
                gboolean         several,
                gboolean         markup)
{
  if (s->len == 0)
    g_string_append_printf (s, markup ? "<b>%s %" G_GINT64_FORMAT "</b>" : "%s %" G_GINT64_FORMAT,
                            _("Step"), title_step);
  if (several)
    {
      g_autofree char *name = markup ? g_markup_escape_text (debrief_plot_data_get_name (data), -1)
                                     : g_strdup (debrief_plot_data_get_name (data));
      g_string_append_printf (s, "\n%s: ", name);
    }
  else
    g_string_append_c (s, '\n');
}

char *
debrief_plot_renderer_describe_step (DebriefPlotRenderer *self,
                                     double               step,
                                     gboolean             markup)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean any = FALSE;
  gboolean several = self->runs->len > 1;

  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      DebriefPlotPyramid *train = debrief_plot_data_get_train (entry->data);
      DebriefPlotPyramid *val = debrief_plot_data_get_validation (entry->data);
      gsize idx;
      gboolean header = FALSE;

      if (!entry->visible)
        continue;
      if (nearest_index (train, step, &idx) &&
          (self->layers & (DEBRIEF_PLOT_LAYER_RAW | DEBRIEF_PLOT_LAYER_SMOOTHED)))
        {
          gint64 at = debrief_plot_pyramid_get_steps (train)[idx];

          begin_run_line (s, at, entry->data, several, markup);
          header = TRUE;
          if (self->layers & DEBRIEF_PLOT_LAYER_RAW)
            append_value (s, _("raw"), debrief_plot_pyramid_get_values (train)[idx]);
          if (self->layers & DEBRIEF_PLOT_LAYER_SMOOTHED)
            {
              if (self->layers & DEBRIEF_PLOT_LAYER_RAW)
                g_string_append (s, "  ");
              append_value (s, _("smoothed"), debrief_plot_pyramid_get_values (debrief_plot_data_get_smoothed (entry->data))[idx]);
            }
          any = TRUE;
        }
      if ((self->layers & DEBRIEF_PLOT_LAYER_VALIDATION) && nearest_index (val, step, &idx))
        {
          gint64 at = debrief_plot_pyramid_get_steps (val)[idx];

          if (!header)
            begin_run_line (s, (gint64) round (step), entry->data, several, markup);
          else
            g_string_append (s, "  ");
          append_value (s, debrief_plot_data_get_held_out_name (entry->data) != NULL
                           ? C_("plot hover: the value of the evaluation line", "held-out") : _("validation"),
                        debrief_plot_pyramid_get_values (val)[idx]);
          g_string_append_printf (s, " (%s %" G_GINT64_FORMAT ")", _("step"), at);
          any = TRUE;
        }
    }
  if (!any)
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- many runs: what is under the pointer ---- */

/* Hover rows at most, with many runs: the curves nearest the pointer. */
#define POINT_MAX_ROWS 5
/* A best-step mark this near the pointer (px) is named. */
#define POINT_MARK_PX 8.0

typedef struct
{
  double distance;
  double value;
  const char *name;
  gboolean is_group;
} Near;

static int
compare_near (gconstpointer a,
              gconstpointer b)
{
  const Near *x = a, *y = b;
  return (x->distance > y->distance) - (x->distance < y->distance);
}

static guint
train_cache (DebriefPlotRenderer *self)
{
  return (self->layers & DEBRIEF_PLOT_LAYER_SMOOTHED) ? CACHE_SMOOTHED : CACHE_RAW;
}

char *
debrief_plot_renderer_describe_point (DebriefPlotRenderer *self,
                                      double               px,
                                      double               py,
                                      gboolean             markup)
{
  const Frame *f = &self->frame;
  double step = debrief_plot_renderer_x_to_step (self, px);
  g_autoptr(GArray) near = g_array_new (FALSE, FALSE, sizeof (Near));
  g_autoptr(GString) s = g_string_new (NULL);
  guint cache = train_cache (self);

  if (!f->valid || _debrief_plot_renderer_n_shown (self) <= LABEL_MAX_RUNS)
    return debrief_plot_renderer_describe_step (self, step, markup);

  g_string_append_printf (s, markup ? "<b>%s %" G_GINT64_FORMAT "</b>" : "%s %" G_GINT64_FORMAT, _("Step"),
                          (gint64) round (step));
  /* Best steps under the pointer, by name. */
  for (guint i = 0; i < self->annotations->len; i++)
    {
      const Annotation *a = &g_array_index (self->annotations, Annotation, i);
      RunEntry *entry;
      double v;

      if (a->kind != DEBRIEF_PLOT_ANNOTATION_BEST_STEP || a->run >= self->runs->len)
        continue;
      entry = &g_array_index (self->runs, RunEntry, a->run);
      if (!entry->visible || entry->group >= 0 || entry->outside ||
          !_debrief_plot_pyramid_value_at (debrief_plot_data_get_validation (entry->data), (double) a->step, &v) ||
          hypot (frame_x (f, (double) a->step) - px, frame_y (f, v) - py) > POINT_MARK_PX)
        continue;
      {
        g_autofree char *name = markup ? g_markup_escape_text (debrief_plot_data_get_name (entry->data), -1)
                                       : g_strdup (debrief_plot_data_get_name (entry->data));
        g_string_append_printf (s, "\n%s: ", name);
        g_string_append_printf (s, _("best · step %" PRId64), a->step);
        append_value (s, ",", v);
      }
    }
  /* The curves nearest the pointer: groups by their mean. */
  for (guint g = 0; g < self->groups->len; g++)
    {
      Group *group = &g_array_index (self->groups, Group, g);
      double sum = 0, v;
      guint n = 0;

      for (guint k = 0; k < group->members->len; k++)
        {
          RunEntry *entry = &g_array_index (self->runs, RunEntry, g_array_index (group->members, guint, k));
          if (entry->visible && _debrief_plot_pyramid_value_at (_debrief_plot_run_entry_pyramid (entry, cache), step, &v))
            {
              sum += v;
              n++;
            }
        }
      if (n > 0)
        {
          Near item = { fabs (frame_y (f, sum / n) - py), sum / n, group->label, TRUE };
          g_array_append_val (near, item);
        }
    }
  for (guint i = 0; i < self->runs->len; i++)
    {
      RunEntry *entry = &g_array_index (self->runs, RunEntry, i);
      double v;

      if (!entry->visible || entry->group >= 0 ||
          !_debrief_plot_pyramid_value_at (_debrief_plot_run_entry_pyramid (entry, cache), step, &v))
        continue;
      {
        Near item = { fabs (frame_y (f, v) - py), v, debrief_plot_data_get_name (entry->data), FALSE };
        g_array_append_val (near, item);
      }
    }
  g_array_sort (near, compare_near);
  for (guint k = 0; k < MIN (near->len, POINT_MAX_ROWS); k++)
    {
      Near *item = &g_array_index (near, Near, k);
      g_autofree char *name = markup ? g_markup_escape_text (item->name, -1) : g_strdup (item->name);

      g_string_append_printf (s, "\n%s: ", name);
      append_value (s, item->is_group ? _("mean") : (cache == CACHE_SMOOTHED ? _("smoothed") : _("raw")), item->value);
    }
  if (near->len > POINT_MAX_ROWS)
    {
      g_string_append_c (s, '\n');
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", near->len - POINT_MAX_ROWS),
                              near->len - POINT_MAX_ROWS);
    }
  if (near->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}
