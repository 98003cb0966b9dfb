/* debrief-plot-renderer-describe.c: the accessible description
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a screen reader says for the plot: a sentence or two per run, then the
 * findings marked on it.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "debrief-plot-renderer-private.h"

/* Runs described one by one; the rest are counted. */
#define DESCRIBE_MAX_RUNS 12

char *
debrief_plot_renderer_describe (DebriefPlotRenderer *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint counts[4] = { 0, };

  if (self->runs->len == 0)
    return g_strdup (_("Loss plot: no run open."));
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "Loss plot of %u run.", "Loss plot of %u runs.",
                                          self->runs->len), self->runs->len);
  if (self->groups->len > 0)
    {
      g_string_append_c (s, ' ');
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u group drawn as its mean with a band.",
                                              "%u groups drawn as their means with bands.", self->groups->len),
                              self->groups->len);
    }
  if (debrief_plot_renderer_get_n_outside (self) > 0)
    {
      g_string_append_c (s, ' ');
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u diverged run is outside the range shown.",
                                              "%u diverged runs are outside the range shown.",
                                              debrief_plot_renderer_get_n_outside (self)),
                              debrief_plot_renderer_get_n_outside (self));
    }
  for (guint i = 0; i < self->runs->len; i++)
    {
      DebriefPlotData *d = g_array_index (self->runs, RunEntry, i).data;

      /* A sweep of thousands: the first runs, and how many more (the runs table reads out the rest). */
      if (i == DESCRIBE_MAX_RUNS && self->runs->len > DESCRIBE_MAX_RUNS + 1)
        {
          g_string_append_c (s, ' ');
          g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "And %u more run.", "And %u more runs.",
                                                  self->runs->len - i), self->runs->len - i);
          break;
        }
      DebriefPlotPyramid *train = debrief_plot_data_get_train (d);
      DebriefPlotPyramid *val = debrief_plot_data_get_validation (d);

      g_string_append_printf (s, " %s:", debrief_plot_data_get_name (d));
      if (train != NULL)
        {
          DebriefSeries *series = debrief_plot_pyramid_get_series (train);
          gsize n = debrief_series_get_length (series);

          /* Translators: one sentence per run of the plot's accessible description,
           * after "RUN NAME: "; the sentences are joined with a space */
          g_string_append_c (s, ' ');
          if (debrief_plot_data_get_series_name (d) != NULL)
            /* Translators: as the train loss sentence, for a series drawn instead
             * (the first %s is its logged key, e.g. "reward") */
            g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                                    "%s over %zu step, from %.3g at step %" PRId64
                                                    " to %.3g at step %" PRId64 ", lowest %.3g at step %" PRId64
                                                    ", highest %.3g.",
                                                    "%s over %zu steps, from %.3g at step %" PRId64
                                                    " to %.3g at step %" PRId64 ", lowest %.3g at step %" PRId64
                                                    ", highest %.3g.",
                                                    n),
                                    debrief_plot_data_get_series_name (d),
                                    n, debrief_series_get_value (series, 0), debrief_series_get_first_step (series),
                                    debrief_series_get_last_value (series), debrief_series_get_last_step (series),
                                    debrief_series_get_min (series),
                                    debrief_series_get_step (series, debrief_series_get_min_index (series)),
                                    debrief_series_get_max (series));
          else
            g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                                    "train loss over %zu step, from %.3g at step %" PRId64
                                                    " to %.3g at step %" PRId64 ", lowest %.3g at step %" PRId64 ".",
                                                    "train loss over %zu steps, from %.3g at step %" PRId64
                                                    " to %.3g at step %" PRId64 ", lowest %.3g at step %" PRId64 ".",
                                                    n),
                                    n, debrief_series_get_value (series, 0), debrief_series_get_first_step (series),
                                    debrief_series_get_last_value (series), debrief_series_get_last_step (series),
                                    debrief_series_get_min (series),
                                    debrief_series_get_step (series, debrief_series_get_min_index (series)));
          if (debrief_series_get_n_nonfinite (series) > 0)
            {
              g_string_append_c (s, ' ');
              g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%zu value is not finite (diverged).",
                                                      "%zu values are not finite (diverged).",
                                                      debrief_series_get_n_nonfinite (series)),
                                      debrief_series_get_n_nonfinite (series));
            }
        }
      else
        {
          g_string_append_c (s, ' ');
          g_string_append (s, _("no train loss."));
        }
      if (val != NULL)
        {
          DebriefSeries *series = debrief_plot_pyramid_get_series (val);
          g_string_append_c (s, ' ');
          if (debrief_plot_data_get_held_out_name (d) != NULL)
            /* Translators: the evaluation counterpart of a series (its logged key first) */
            g_string_append_printf (s, _("%s lowest %.3g at step %" PRId64 ", highest %.3g, last %.3g."),
                                    debrief_plot_data_get_held_out_name (d),
                                    debrief_series_get_min (series),
                                    debrief_series_get_step (series, debrief_series_get_min_index (series)),
                                    debrief_series_get_max (series), debrief_series_get_last_value (series));
          else
            g_string_append_printf (s, _("Validation loss lowest %.3g at step %" PRId64 ", last %.3g."),
                                    debrief_series_get_min (series),
                                    debrief_series_get_step (series, debrief_series_get_min_index (series)),
                                    debrief_series_get_last_value (series));
        }
    }
  for (guint i = 0; i < self->annotations->len; i++)
    counts[g_array_index (self->annotations, Annotation, i).kind]++;
  if (counts[DEBRIEF_PLOT_ANNOTATION_SPIKE])
    {
      g_string_append_c (s, ' ');
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u spike marked.", "%u spikes marked.",
                                              counts[DEBRIEF_PLOT_ANNOTATION_SPIKE]),
                              counts[DEBRIEF_PLOT_ANNOTATION_SPIKE]);
    }
  for (guint i = 0; i < self->annotations->len && self->runs->len <= DESCRIBE_MAX_RUNS + 1; i++)
    {
      const Annotation *a = &g_array_index (self->annotations, Annotation, i);
      if (a->kind != DEBRIEF_PLOT_ANNOTATION_BEST_STEP && a->kind != DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION
          && a->kind != DEBRIEF_PLOT_ANNOTATION_DIVERGENCE)
        continue;
      g_string_append_c (s, ' ');
      if (a->kind == DEBRIEF_PLOT_ANNOTATION_BEST_STEP)
        g_string_append_printf (s, _("Best step %" PRId64 "."), a->step);
      else if (a->kind == DEBRIEF_PLOT_ANNOTATION_OVERFIT_REGION)
        g_string_append_printf (s, _("Overfitting from step %" PRId64 " to %" PRId64 "."),
                                a->step, a->step_end);
      else
        g_string_append_printf (s, _("Diverged at step %" PRId64 "."), a->step);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}
