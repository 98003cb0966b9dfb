/* debrief-cli-plot.c: `debrief-cli plot`, the window's chart drawn into a file
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-cli-commands.h"
#include "debrief-core.h"

/* Image sides accepted on the command line, in pixels (PDF/SVG: points). */
#define MIN_SIDE 64
#define MAX_SIDE 16384

static void
unref_analysis (gpointer analysis)
{
  /* A run whose analysis failed is drawn with the marks its data shows. */
  if (analysis != NULL)
    g_object_unref (analysis);
}

static gboolean
has_points (DebriefSeries *series)
{
  return series != NULL && debrief_series_get_length (series) > 0;
}

int
debrief_cli_plot (int    argc,
                  char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *method = NULL;
  g_autofree char *x_axis = NULL;
  g_auto(GStrv) dirs = NULL;
  g_auto(GStrv) series = NULL;
  guint n_drawn = 0;
  int width = 1600, height = 900;
  double smoothing = 0.6;
  gboolean log_y = FALSE;
  gboolean dark = FALSE;
  /* Translators: FILE, N, W, METHOD, UNIT and DIR are the placeholders --help shows for the option
   * values (N a number of pixels, W a smoothing weight); the values themselves (ema, median, steps,
   * epochs, tokens) are typed as they are and stay in English */
  g_autofree char *pattern = NULL;
  g_autofree char *color_by = NULL;
  g_autofree char *group_by = NULL;
  g_autofree char *band = NULL;
  gboolean all_runs = FALSE;
  DebriefLoadOptions load_options = { 0 };
  GOptionEntry entries[] = {
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &pattern, DEBRIEF_CLI_PATTERN_HELP, "REGEX" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the plot to FILE (.png, .svg or .pdf)"), N_("FILE") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Width in pixels (default 1600)"), N_("N") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_("Height in pixels (default 900)"), N_("N") },
    { "smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &smoothing, N_("Smoothing weight, 0 to 0.999 (default 0.6)"), N_("W") },
    { "smoothing-method", 0, 0, G_OPTION_ARG_STRING, &method, N_("ema (default) or median"), N_("METHOD") },
    { "log-y", 0, 0, G_OPTION_ARG_NONE, &log_y, N_("Logarithmic loss axis"), NULL },
    { "x-axis", 0, 0, G_OPTION_ARG_STRING, &x_axis, N_("steps (default), epochs or tokens (when the first run logged them)"), N_("UNIT") },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_("Dark colours"), NULL },
    { "color-by", 0, 0, G_OPTION_ARG_STRING, &color_by,
      N_("Colour the runs by the column KEY of `compare` (numbers as a gradient, e.g. learning_rate)"), N_("KEY") },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &group_by,
      N_("Draw groups of runs as a mean with a band: “seeds” (runs that differ only by seed) or columns KEY[,KEY]"), N_("KEY") },
    { "band", 0, 0, G_OPTION_ARG_STRING, &band, N_("range (default) or std: the band around a group's mean"), N_("BAND") },
    { "all-runs", 0, 0, G_OPTION_ARG_NONE, &all_runs,
      N_("Let runs that diverged by orders of magnitude stretch the y axis too"), NULL },
    { "series", 0, 0, G_OPTION_ARG_STRING_ARRAY, &series,
      N_("Draw the logged series KEY instead of the losses (repeat for several; analyze --json lists the keys)"),
      N_("KEY") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, NULL, N_("DIR…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("DIR… — draw the loss chart of one or more runs"));
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) analyses = g_ptr_array_new_with_free_func (unref_analysis);
  g_autoptr(GError) error = NULL;
  DebriefPlotImageOptions options;
  g_autoptr(DebriefWorkspace) workspace = NULL;
  g_autoptr(DebriefLoadBatch) batch = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean failed = FALSE;

  debrief_plot_image_options_init (&options);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!debrief_cli_parse (context, &argc, &argv))
    return DEBRIEF_CLI_EXIT_USAGE;

  if (output == NULL || dirs == NULL || dirs[0] == NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("debrief-cli plot: %s\n\n%s",
                  output == NULL ? _("--output FILE is required") : _("give at least one run folder"), help);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (width < MIN_SIDE || width > MAX_SIDE || height < MIN_SIDE || height > MAX_SIDE)
    {
      g_printerr (_("debrief-cli plot: --width and --height must be between %d and %d\n"), MIN_SIDE, MAX_SIDE);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (!(smoothing >= 0.0 && smoothing <= DEBRIEF_PLOT_SMOOTH_MAX))
    {
      g_printerr (_("debrief-cli plot: --smoothing must be between 0 and %g\n"), DEBRIEF_PLOT_SMOOTH_MAX);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (method != NULL && g_strcmp0 (method, "median") == 0)
    options.smooth_method = DEBRIEF_PLOT_SMOOTH_MEDIAN;
  else if (method != NULL && g_strcmp0 (method, "ema") != 0)
    {
      g_printerr (_("debrief-cli plot: --smoothing-method must be ema or median, not “%s”\n"), method);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  if (x_axis != NULL && g_strcmp0 (x_axis, "epochs") == 0)
    options.x_unit = DEBRIEF_PLOT_X_EPOCHS;
  else if (x_axis != NULL && g_strcmp0 (x_axis, "tokens") == 0)
    options.x_unit = DEBRIEF_PLOT_X_TOKENS;
  else if (x_axis != NULL && g_strcmp0 (x_axis, "steps") != 0)
    {
      g_printerr (_("debrief-cli plot: --x-axis must be steps, epochs or tokens, not “%s”\n"), x_axis);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  {
    g_autofree char *lower = g_ascii_strdown (output, -1);
    if (!g_str_has_suffix (lower, ".png") && !g_str_has_suffix (lower, ".svg") && !g_str_has_suffix (lower, ".pdf"))
      {
        g_printerr (_("debrief-cli plot: %s: the output must end in .png, .svg or .pdf\n"), output);
        return DEBRIEF_CLI_EXIT_USAGE;
      }
  }

  if (band != NULL && g_strcmp0 (band, "std") == 0)
    options.band = DEBRIEF_PLOT_BAND_STD;
  else if (band != NULL && g_strcmp0 (band, "range") != 0)
    {
      g_printerr (_("debrief-cli plot: --band must be range or std, not “%s”\n"), band);
      return DEBRIEF_CLI_EXIT_USAGE;
    }
  options.color_by = color_by;
  options.group_by = group_by;
  options.include_outliers = all_runs;
  options.width = width;
  options.height = height;
  options.smoothing = smoothing;
  options.log_y = log_y;
  options.dark = dark;
  options.series = (const char *const *) series;

  if (!debrief_cli_check_pattern ("plot", pattern))
    return DEBRIEF_CLI_EXIT_USAGE;
  load_options.text_pattern = pattern;

  /* The app's workspace, run to completion: each folder as given (no
   * discovery), read and analysed as the window does. */
  workspace = debrief_workspace_new ();
  debrief_workspace_set_load_options (workspace, &load_options);
  for (guint i = 0; dirs[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (dirs[i]));
  batch = debrief_workspace_open_sync (workspace, (GFile **) files->pdata, files->len, DEBRIEF_OPEN_NONE, NULL);
  for (guint i = 0; i < debrief_load_batch_get_n_results (batch); i++)
    {
      DebriefRun *run = debrief_load_batch_get_run (batch, i);

      if (run == NULL)
        {
          g_printerr ("debrief-cli plot: %s\n", debrief_load_batch_get_error (batch, i)->message);
          failed = TRUE;
          continue;
        }
      for (const char *const *w = debrief_run_get_warnings (run); w != NULL && *w != NULL; w++)
        g_printerr (_("debrief-cli plot: warning: %s\n"), *w);
      if (series != NULL)
        {
          for (guint j = 0; series[j] != NULL; j++)
            if (debrief_run_get_series_by_name (run, series[j]) == NULL)
              g_printerr (_("debrief-cli plot: %s: no series “%s” (analyze --json lists the run's series)\n"),
                          debrief_run_get_path (run), series[j]);
            else
              n_drawn++;
        }
      else if (!has_points (debrief_run_get_train_loss (run)) && !has_points (debrief_run_get_val_loss (run)))
        {
          if (debrief_run_get_primary_metric (run) != NULL)
            g_printerr (_("debrief-cli plot: %s: no loss logged; drawing %s\n"), debrief_run_get_path (run),
                        debrief_run_get_primary_metric (run));
          else
            g_printerr (_("debrief-cli plot: %s: no loss series to draw\n"), debrief_run_get_path (run));
        }
      g_ptr_array_add (analyses, debrief_run_get_analysis (run) ? g_object_ref (debrief_run_get_analysis (run)) : NULL);
      g_ptr_array_add (runs, g_object_ref (run));
    }
  if (failed)
    return DEBRIEF_CLI_EXIT_FAILED;
  if (series != NULL && n_drawn == 0)
    {
      g_printerr (_("debrief-cli plot: none of the runs logged the series asked for\n"));
      return DEBRIEF_CLI_EXIT_FAILED;
    }

  if (!debrief_plot_data_run_has_unit (g_ptr_array_index (runs, 0), options.x_unit))
    g_printerr (_("debrief-cli plot: warning: the first run did not log %s; the axis shows steps\n"), x_axis);
  if (!debrief_plot_write_runs (runs, analyses, &options, output, &error))
    {
      g_printerr ("debrief-cli plot: %s\n", error->message);
      /* --color-by or --group-by naming no column is the caller's mistake. */
      return g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT) ? DEBRIEF_CLI_EXIT_USAGE
                                                                                  : DEBRIEF_CLI_EXIT_FAILED;
    }
  return DEBRIEF_CLI_EXIT_OK;
}
