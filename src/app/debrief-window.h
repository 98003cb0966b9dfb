/* debrief-window.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "debrief-application.h"
#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_WINDOW (debrief_window_get_type ())
G_DECLARE_FINAL_TYPE (DebriefWindow, debrief_window, DEBRIEF, WINDOW, AdwApplicationWindow)

/* @application gives its GSettings; @workspace may be NULL (the window makes
 * one, as tests do). */
DebriefWindow *debrief_window_new            (DebriefApplication *application,
                                              DebriefWorkspace   *workspace);
/* The runs the window shows: it only observes them. */
DebriefWorkspace *debrief_window_get_workspace (DebriefWindow    *self);
/* The one path every way of opening takes: file chooser, drag and drop,
 * command line, recent runs. Folders that hold several runs open them all. */
void           debrief_window_open_files     (DebriefWindow      *self,
                                              GFile             **files,
                                              guint               n_files);
/* The same for a window about to be presented: its first frame shows that
 * the runs are being read, and they are read just after it. */
void           debrief_window_open_files_on_present (DebriefWindow  *self,
                                                     GFile         **files,
                                                     guint           n_files);
/* The workspace's runs (DebriefRun): the runs open in this window. */
GListModel    *debrief_window_get_runs       (DebriefWindow      *self);
/* "empty", "loading", "error" or "runs". */
const char    *debrief_window_get_state      (DebriefWindow      *self);
/* The message shown on the error page, or NULL. */
const char    *debrief_window_get_error_text (DebriefWindow      *self);
/* Whether loading or analysis is under way (tests wait on notify::busy). */
gboolean       debrief_window_get_busy       (DebriefWindow      *self);
void           debrief_window_add_toast      (DebriefWindow      *self,
                                              const char         *message);

G_END_DECLS
