/* debrief-plot-renderer-annotations.c: findings drawn on the plot
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Best step, spikes, the overfitting region and divergence, given by the
 * caller as DebriefPlotAnnotation (the renderer does not know the analysis).
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "debrief-plot-renderer-private.h"

static gboolean
value_at_step (DebriefPlotPyramid *p,
               gint64              step,
               double             *value)
{
  gsize i;

  if (p == NULL)
    return FALSE;
  i = debrief_plot_pyramid_lower_bound (p, (double) step);
  if (i >= debrief_plot_pyramid_get_length (p) || debrief_plot_pyramid_get_steps (p)[i] != step)
    return FALSE;
  *value = debrief_plot_pyramid_get_values (p)[i];
  return TRUE;
}

static void
draw_label_box (DebriefPlotRenderer   *self,
                cairo_t               *cr,
                PangoLayout           *layout,
                const char            *text,
                double                 x,
                double                *y_free,
                const DebriefPlotRGBA *color)
{
  const Frame *f = &self->frame;
  double w, h;

  _debrief_plot_text_size (layout, text, &w, &h);
  /* Keep the box inside the plot. */
  x = CLAMP (x + 4, f->area.x + 2, f->area.x + f->area.width - w - 6);
  set_color (cr, &self->palette.background, 0.85);
  cairo_rectangle (cr, x - 2, *y_free, w + 4, h);
  cairo_fill (cr);
  _debrief_plot_draw_text (cr, layout, text, x, *y_free, 0, 0, color);
  *y_free += h + 2;
}

/* A best step as a ring on the run's validation curve (its lowest point), a
 * divergence as a short tick at the top edge: no line across the plot. */
static void
draw_crowded_mark (DebriefPlotRenderer *self,
                   cairo_t             *cr,
                   const Annotation    *a,
                   RunEntry            *entry,
                   double               x)
{
  const Frame *f = &self->frame;
  DebriefPlotRGBA color = _debrief_plot_renderer_run_color (self, a->run, TRUE);
  double v;

  cairo_save (cr);
  cairo_new_path (cr);
  if (a->kind == DEBRIEF_PLOT_ANNOTATION_DIVERGENCE)
    {
      set_color (cr, &self->palette.danger, 0.9);
      cairo_set_line_width (cr, 2.0);
      cairo_move_to (cr, round (x) + 0.5, f->area.y);
      cairo_line_to (cr, round (x) + 0.5, f->area.y + 8);
      cairo_stroke (cr);
    }
  else if (value_at_step (debrief_plot_data_get_validation (entry->data), a->step, &v) && isfinite (v))
    {
      cairo_arc (cr, x, frame_y (f, v), 3.5, 0, 2 * G_PI);
      set_color (cr, &color, 1.0);
      cairo_fill_preserve (cr);
      set_color (cr, &self->palette.background, 1.0);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
_debrief_plot_renderer_draw_annotations (DebriefPlotRenderer *self,
                                         cairo_t             *cr,
                                         PangoLayout         *small,
                                         gboolean             regions,
                                         double              *label_y_inout)
{
  const Frame *f = &self->frame;
  double label_y = *label_y_inout;
  /* Fifty best-step lines with fifty labels are a wall: marks, labels on hover. */
  gboolean crowded = _debrief_plot_renderer_n_shown (self) > LABEL_MAX_RUNS;

  for (guint i = 0; i < self->annotations->len; i++)
    {
      const Annotation *a = &g_array_index (self->annotations, Annotation, i);
      RunEntry *entry;
      double x, x_end;
      g_autofree char *text = NULL;

      if (a->run >= self->runs->len)
        continue;
      entry = &g_array_index (self->runs, RunEntry, a->run);
      /* A run drawn by its group, or off the range, has no marks of its own here. */
      if (!entry->visible || entry->group >= 0 || entry->outside)
        continue;
      if (regions != (a->kind == DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION))
        continue;
      x = frame_x (f, a->step);
      x_end = frame_x (f, a->step_end);
      if (x_end < f->area.x - 1 || x > f->area.x + f->area.width + 1)
        continue;

      switch (a->kind)
        {
        case DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION:
          set_color (cr, &self->palette.warning, 0.11);
          cairo_rectangle (cr, x, f->area.y, MAX (x_end - x, 1.0), f->area.height);
          cairo_fill (cr);
          text = g_strdup (a->label ? a->label : _("Overfitting"));
          draw_label_box (self, cr, small, text, MAX (x, f->area.x), &label_y, &self->palette.foreground);
          break;

        case DEBRIEF_PLOT_ANNOTATION_BEST_STEP:
        case DEBRIEF_PLOT_ANNOTATION_DIVERGENCE:
          if (crowded)
            {
              draw_crowded_mark (self, cr, a, entry, x);
              break;
            }
          {
            gboolean best = a->kind == DEBRIEF_PLOT_ANNOTATION_BEST_STEP;
            /* With several runs a best step wears its run's colour. */
            DebriefPlotRGBA run_hue = _debrief_plot_renderer_run_color (self, a->run, TRUE);
            const DebriefPlotRGBA *color = !best ? &self->palette.danger
                                           : self->runs->len > 1 ? &run_hue : &self->palette.accent;
            static const double dashes[] = { 5.0, 3.0 };

            cairo_save (cr);
            cairo_set_line_width (cr, 1.5);
            if (best)
              cairo_set_dash (cr, dashes, 2, 0);
            set_color (cr, color, 0.9);
            cairo_move_to (cr, round (x) + 0.5, f->area.y);
            cairo_line_to (cr, round (x) + 0.5, f->area.y + f->area.height);
            cairo_stroke (cr);
            cairo_restore (cr);
            if (a->label)
              text = g_strdup (a->label);
            else if (best)
              text = g_strdup_printf (_("Best · step %" PRId64), a->step);
            else
              text = g_strdup_printf (_("Diverged · step %" PRId64), a->step);
            draw_label_box (self, cr, small, text, x, &label_y, color);
          }
          break;

        case DEBRIEF_PLOT_ANNOTATION_SPIKE:
        default:
          {
            double v;
            double y;

            if (!value_at_step (debrief_plot_data_get_train (entry->data), a->step, &v) || !isfinite (v))
              {
                /* Not a logged finite point: mark the step at the top edge. */
                cairo_new_path (cr);
                _debrief_plot_add_nonfinite_mark (cr, f, x, DEBRIEF_PLOT_NONFINITE_NAN);
                set_color (cr, &self->palette.danger, 1.0);
                cairo_fill (cr);
                break;
              }
            y = CLAMP (frame_y (f, v), f->area.y + 6, f->area.y + f->area.height - 6);
            cairo_save (cr);
            cairo_new_path (cr);   /* text leaves a current point behind */
            cairo_set_line_width (cr, 2.0);
            set_color (cr, &self->palette.danger, 1.0);
            cairo_arc (cr, x, y, 5.0, 0, 2 * G_PI);
            cairo_stroke (cr);
            cairo_restore (cr);
          }
          break;
        }
    }
  *label_y_inout = label_y;
}
