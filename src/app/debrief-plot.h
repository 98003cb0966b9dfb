/* debrief-plot.h: the loss chart at the centre of the window
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws the open runs with DebriefPlotRenderer (src/core) and adds what a
 * screen needs: a toolbar (smoothing, median, log scale, reset zoom, export),
 * hover crosshair and tooltip, zoom (scroll, Shift+drag rectangle, keys), pan
 * (drag, arrow keys), a legend that toggles series, and theme colours.
 * Smoothing, median and log scale follow GSettings (smoothing,
 * smoothing-method, log-scale). The per-run data (pyramids, smoothing) is
 * prepared in a worker thread; export runs in one too.
 *
 * Actions on the widget: plot.reset-zoom, plot.zoom-in, plot.zoom-out. Its
 * export button activates win.export-plot: the window runs the dialog and
 * shows the result.
 */
#pragma once

#include <gtk/gtk.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_PLOT (debrief_plot_get_type ())
G_DECLARE_FINAL_TYPE (DebriefPlot, debrief_plot, DEBRIEF, PLOT, GtkWidget)

/* Draws @workspace's runs; their analyses become annotations as they arrive.
 * Smoothing, median and log scale follow @settings. */
GtkWidget           *debrief_plot_new                (DebriefWorkspace    *workspace,
                                                      GSettings           *settings);
DebriefWorkspace    *debrief_plot_get_workspace      (DebriefPlot         *self);
/* The chart's size on screen, without the toolbar ("As Shown" exports). */
void                 debrief_plot_get_chart_size     (DebriefPlot         *self,
                                                      int                 *width,
                                                      int                 *height);
/* The runs drawn: @runs (DebriefRun items, e.g. the runs table's selection),
 * or NULL for all of the workspace's. */
void                 debrief_plot_set_runs           (DebriefPlot         *self,
                                                      GListModel          *runs);
/* A sweep's look: colours by the column @color_by of @sweep (NULL: by run),
 * its groups as a mean with a @band when @groups, and whether runs off by
 * orders of magnitude count in the y range. @sweep NULL: none. */
void                 debrief_plot_set_sweep_style    (DebriefPlot         *self,
                                                      DebriefSweep        *sweep,
                                                      const char          *color_by,
                                                      gboolean             groups,
                                                      DebriefPlotBand      band,
                                                      gboolean             include_outliers);
/* Adds @group (a box of controls) to the toolbar, before the view controls. */
void                 debrief_plot_add_toolbar_group  (DebriefPlot         *self,
                                                      GtkWidget           *group);
/* Zooms the view to show @step (a finding's), y automatic. */
void                 debrief_plot_show_step          (DebriefPlot         *self,
                                                      gint64               step);
void                 debrief_plot_reset_zoom         (DebriefPlot         *self);
DebriefPlotRenderer *debrief_plot_get_renderer       (DebriefPlot         *self);
/* TRUE while run data is being prepared in the background (tests wait on notify::busy). */
gboolean             debrief_plot_get_busy           (DebriefPlot         *self);

/* Draws the current view (same data, colours, zoom) into @path: PNG, SVG or
 * PDF by its extension, in a worker thread. */
void                 debrief_plot_export_async       (DebriefPlot         *self,
                                                      GFile               *file,
                                                      int                  width,
                                                      int                  height,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean             debrief_plot_export_finish      (DebriefPlot         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
G_END_DECLS
