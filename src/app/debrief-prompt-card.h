/* debrief-prompt-card.h: a prompt of the Samples page and its answers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The prompt (editable), a button to remove it (::remove), and one
 * DebriefAnswerView per column sampled (fine-tuned, baseline, checkpoints);
 * a column's buttons arrive as ::rerun / ::cancel with its index.
 */
#pragma once

#include <gtk/gtk.h>

#include "debrief-answer-view.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_PROMPT_CARD (debrief_prompt_card_get_type ())
G_DECLARE_FINAL_TYPE (DebriefPromptCard, debrief_prompt_card, DEBRIEF, PROMPT_CARD, GtkBox)

GtkWidget         *debrief_prompt_card_new          (const char        *prompt);
const char        *debrief_prompt_card_get_prompt   (DebriefPromptCard *self);
void               debrief_prompt_card_set_editable (DebriefPromptCard *self,
                                                     gboolean           editable);
void               debrief_prompt_card_grab_focus   (DebriefPromptCard *self);
/* Appends a column; the card owns it. */
DebriefAnswerView *debrief_prompt_card_add_column   (DebriefPromptCard *self,
                                                     const char        *title);
guint              debrief_prompt_card_get_n_columns (DebriefPromptCard *self);
DebriefAnswerView *debrief_prompt_card_get_column   (DebriefPromptCard *self,
                                                     guint              column);

G_END_DECLS
