/* debrief-answer-view.h: one model's answer to one prompt, streaming in
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A column of a DebriefPromptCard: the column's title (Fine-tuned,
 * Baseline, a checkpoint), a status line (waiting, tokens and latency, the
 * error), the answer, and buttons to sample it again or stop it (::rerun,
 * ::cancel).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DEBRIEF_TYPE_ANSWER_VIEW (debrief_answer_view_get_type ())
G_DECLARE_FINAL_TYPE (DebriefAnswerView, debrief_answer_view, DEBRIEF, ANSWER_VIEW, GtkBox)

GtkWidget     *debrief_answer_view_new          (const char        *title);
void           debrief_answer_view_set_text     (DebriefAnswerView *self,
                                                 const char        *text);
void           debrief_answer_view_append_text  (DebriefAnswerView *self,
                                                 const char        *text);
char          *debrief_answer_view_dup_text     (DebriefAnswerView *self);
void           debrief_answer_view_set_status   (DebriefAnswerView *self,
                                                 const char        *status,
                                                 gboolean           is_error);
/* @can_rerun: an answer may be sampled again; @running: one is on its way (it can be stopped). */
void           debrief_answer_view_set_controls (DebriefAnswerView *self,
                                                 gboolean           can_rerun,
                                                 gboolean           running);

G_END_DECLS
