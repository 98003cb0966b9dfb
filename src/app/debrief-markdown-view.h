/* debrief-markdown-view.h: a native CommonMark preview (no WebKit)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DebriefMarkdownView is the GtkTextView that shows what
 * debrief_markdown_render() (debrief-markdown-renderer.h) writes into its
 * buffer: it puts a grid on each table anchor and a picture on each image
 * anchor (files inside the run folder only, unless the user says otherwise),
 * opens links in the browser and scrolls to the block a source line produced.
 */
#pragma once

#include <gtk/gtk.h>

#include "debrief-markdown-renderer.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_MARKDOWN_VIEW (debrief_markdown_view_get_type ())
G_DECLARE_FINAL_TYPE (DebriefMarkdownView, debrief_markdown_view, DEBRIEF, MARKDOWN_VIEW, GtkTextView)

GtkWidget   *debrief_markdown_view_new                  (void);
/* Images and relative links resolve against this folder (the run's). */
void         debrief_markdown_view_set_base_folder      (DebriefMarkdownView *self,
                                                         GFile               *folder);
GFile       *debrief_markdown_view_get_base_folder      (DebriefMarkdownView *self);
/* Renders now (callers debounce). */
void         debrief_markdown_view_set_markdown         (DebriefMarkdownView *self,
                                                         const char          *markdown);
const DebriefMarkdownLayout *debrief_markdown_view_get_layout (DebriefMarkdownView *self);
/* Scrolls so the block made from source line @line (fractional: part-way
 * through a block) is at the top. */
void         debrief_markdown_view_scroll_to_source_line (DebriefMarkdownView *self,
                                                         double               line);
/* Forgets loaded images (the plot was re-rendered) and renders again. */
void         debrief_markdown_view_reload_images        (DebriefMarkdownView *self);
/* The URL of the link at a buffer offset, or NULL. */
const char  *debrief_markdown_view_get_link_at_offset   (DebriefMarkdownView *self,
                                                         int                  offset);
/* The files outside the run folder the user chose to show (real paths). */
GStrv        debrief_markdown_view_dup_allowed          (DebriefMarkdownView *self);

/* Resolves an image or link target against @base_path: its real path, or
 * NULL (with a reason) when it is remote, missing or leaves the folder (then
 * *@outside, if given, is its real path unless one of @allowed). Touches the
 * file system: call it from a worker thread. */
char        *debrief_markdown_resolve_local_path        (const char          *base_path,
                                                         const char          *url,
                                                         const char *const   *allowed,
                                                         char               **outside,
                                                         GError             **error);

G_END_DECLS
