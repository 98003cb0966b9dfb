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
 * Actions on the widget: plot.reset-zoom, plot.zoom-in, plot.zoom-out.
 */
#pragma once

#include <gtk/gtk.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_PLOT (debrief_plot_get_type ())
G_DECLARE_FINAL_TYPE (DebriefPlot, debrief_plot, DEBRIEF, PLOT, GtkWidget)

GtkWidget           *debrief_plot_new                (void);
/* A GListModel of DebriefRun; their analyses become annotations as they arrive. */
void                 debrief_plot_set_runs           (DebriefPlot         *self,
                                                      GListModel          *runs);
GListModel          *debrief_plot_get_runs           (DebriefPlot         *self);
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
/* The save dialog (GtkFileChooserNative) then export; errors as a toast on
 * @window when it is a DebriefWindow, else a warning. */
void                 debrief_plot_export_with_dialog (DebriefPlot         *self,
                                                      GtkWindow           *window);

G_END_DECLS
