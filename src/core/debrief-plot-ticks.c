/* debrief-plot-ticks.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "debrief-plot-ticks-private.h"

double
debrief_plot_ticks_step (double               lo,
                         double               hi,
                         guint                max_ticks,
                         DebriefPlotTicksKind kind)
{
  static const double mantissas[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
  double span = hi - lo;
  double raw, magnitude;

  if (!(span > 0) || !isfinite (span))
    return 1.0;
  max_ticks = MAX (max_ticks, 2);
  raw = span / (max_ticks - 1);
  magnitude = pow (10.0, floor (log10 (raw)));
  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    {
      double step = mantissas[i] * magnitude;

      /* 2.5 would give fractional ticks on an integer axis below 10. */
      if (mantissas[i] == 2.5 && kind == DEBRIEF_PLOT_TICKS_INTEGER && magnitude < 10.0)
        continue;
      if (step >= raw * (1.0 - 1e-9))
        return kind == DEBRIEF_PLOT_TICKS_INTEGER ? MAX (step, 1.0) : step;
    }
  return kind == DEBRIEF_PLOT_TICKS_INTEGER ? MAX (10.0 * magnitude, 1.0) : 10.0 * magnitude;
}

static void
format_plain (double value,
              double step,
              char  *buf,
              gsize  size)
{
  int decimals = 0;

  if (step > 0 && isfinite (step))
    {
      /* Enough decimals for the step (2.5 × 10^k needs one more than 10^k). */
      double scaled = step;
      while (decimals < 12 && fabs (scaled - round (scaled)) > 1e-9 * MAX (1.0, fabs (scaled)))
        {
          scaled *= 10.0;
          decimals++;
        }
    }
  if (fabs (value) < step * 1e-9)
    value = 0.0;   /* no "-0.0" */
  g_snprintf (buf, size, "%.*f", decimals, value);
}

void
debrief_plot_ticks_format (double               value,
                           double               step,
                           DebriefPlotTicksKind kind,
                           char                *buf,
                           gsize                size)
{
  static const struct { double scale; const char *suffix; } units[] = {
    { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
  };

  if (kind == DEBRIEF_PLOT_TICKS_INTEGER)
    for (guint i = 0; i < G_N_ELEMENTS (units); i++)
      if (fabs (value) >= units[i].scale && step >= units[i].scale / 100.0)
        {
          char number[24];
          format_plain (value / units[i].scale, step / units[i].scale, number, sizeof number);
          /* "1k 1.2k 1.4k", not "1.0k": the suffix already says the scale. */
          if (strchr (number, '.') != NULL)
            {
              char *end = number + strlen (number) - 1;
              while (*end == '0')
                *end-- = '\0';
              if (*end == '.')
                *end = '\0';
            }
          g_snprintf (buf, size, "%s%s", number, units[i].suffix);
          return;
        }
  format_plain (value, step, buf, size);
}

GArray *
debrief_plot_ticks_linear (double               lo,
                           double               hi,
                           guint                max_ticks,
                           DebriefPlotTicksKind kind)
{
  GArray *ticks = g_array_new (FALSE, TRUE, sizeof (DebriefPlotTick));
  double step;
  double first;

  if (!(hi > lo) || !isfinite (lo) || !isfinite (hi))
    return ticks;
  step = debrief_plot_ticks_step (lo, hi, max_ticks, kind);
  first = ceil (lo / step - 1e-9);
  for (double k = first; k * step <= hi + step * 1e-9 && ticks->len < 1000; k++)
    {
      DebriefPlotTick tick = { 0, };

      tick.value = k * step;
      debrief_plot_ticks_format (tick.value, step, kind, tick.label, sizeof tick.label);
      g_array_append_val (ticks, tick);
    }
  return ticks;
}

static void
format_log (double value,
            char  *buf,
            gsize  size)
{
  double decade = floor (log10 (value) + 1e-9);
  /* The value's own decade sets the decimals: 0.02, 0.5, 20, 5000. */
  debrief_plot_ticks_format (value, pow (10.0, decade), DEBRIEF_PLOT_TICKS_REAL, buf, size);
}

GArray *
debrief_plot_ticks_log (double lo,
                        double hi,
                        guint  max_ticks)
{
  GArray *ticks;
  double d0, d1;
  gboolean with_minor;

  if (!(lo > 0) || !(hi > lo) || !isfinite (hi))
    return g_array_new (FALSE, TRUE, sizeof (DebriefPlotTick));
  if (log10 (hi) - log10 (lo) < 1.0)
    return debrief_plot_ticks_linear (lo, hi, max_ticks, DEBRIEF_PLOT_TICKS_REAL);

  ticks = g_array_new (FALSE, TRUE, sizeof (DebriefPlotTick));
  d0 = floor (log10 (lo));
  d1 = ceil (log10 (hi));
  with_minor = (d1 - d0) * 3 <= MAX (max_ticks, 3);
  for (double d = d0; d <= d1; d++)
    {
      static const double multiples[] = { 1.0, 2.0, 5.0 };
      for (guint i = 0; i < G_N_ELEMENTS (multiples); i++)
        {
          DebriefPlotTick tick = { 0, };

          if (i > 0 && !with_minor)
            break;
          tick.value = multiples[i] * pow (10.0, d);
          if (tick.value < lo * (1 - 1e-9) || tick.value > hi * (1 + 1e-9))
            continue;
          tick.minor = i > 0;
          format_log (tick.value, tick.label, sizeof tick.label);
          g_array_append_val (ticks, tick);
        }
    }
  return ticks;
}
