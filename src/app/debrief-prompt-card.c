/* debrief-prompt-card.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-prompt-card.h"

struct _DebriefPromptCard
{
  GtkBox parent_instance;

  GPtrArray *answers;          /* DebriefAnswerView, borrowed: children of columns */

  /* Template widgets */
  GtkEditable *entry;
  GtkBox *columns;
};

enum {
  SIGNAL_REMOVE,
  SIGNAL_RERUN,
  SIGNAL_CANCEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefPromptCard, debrief_prompt_card, GTK_TYPE_BOX)

static void
remove_clicked (DebriefPromptCard *self)
{
  g_signal_emit (self, signals[SIGNAL_REMOVE], 0);
}

static guint
column_of (DebriefPromptCard *self,
           DebriefAnswerView *answer)
{
  guint column = 0;

  g_ptr_array_find (self->answers, answer, &column);
  return column;
}

static void
answer_rerun_cb (DebriefPromptCard *self,
                 DebriefAnswerView *answer)
{
  g_signal_emit (self, signals[SIGNAL_RERUN], 0, column_of (self, answer));
}

static void
answer_cancel_cb (DebriefPromptCard *self,
                  DebriefAnswerView *answer)
{
  g_signal_emit (self, signals[SIGNAL_CANCEL], 0, column_of (self, answer));
}

static void
debrief_prompt_card_dispose (GObject *object)
{
  DebriefPromptCard *self = DEBRIEF_PROMPT_CARD (object);

  g_clear_pointer (&self->answers, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), DEBRIEF_TYPE_PROMPT_CARD);
  G_OBJECT_CLASS (debrief_prompt_card_parent_class)->dispose (object);
}

static void
debrief_prompt_card_class_init (DebriefPromptCardClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = debrief_prompt_card_dispose;

  /**
   * DebriefPromptCard::remove:
   *
   * The user removes this prompt.
   */
  signals[SIGNAL_REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DebriefPromptCard::rerun:
   * @column: the column whose answer is asked for again
   */
  signals[SIGNAL_RERUN] = g_signal_new ("rerun", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * DebriefPromptCard::cancel:
   * @column: the column whose answer is stopped
   */
  signals[SIGNAL_CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-prompt-card.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefPromptCard, entry);
  gtk_widget_class_bind_template_child (widget_class, DebriefPromptCard, columns);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked);
}

static void
debrief_prompt_card_init (DebriefPromptCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->answers = g_ptr_array_new ();
}

GtkWidget *
debrief_prompt_card_new (const char *prompt)
{
  DebriefPromptCard *self = g_object_new (DEBRIEF_TYPE_PROMPT_CARD, NULL);

  gtk_editable_set_text (self->entry, prompt != NULL ? prompt : "");
  return GTK_WIDGET (self);
}

const char *
debrief_prompt_card_get_prompt (DebriefPromptCard *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PROMPT_CARD (self), NULL);
  return gtk_editable_get_text (self->entry);
}

void
debrief_prompt_card_set_editable (DebriefPromptCard *self,
                                  gboolean           editable)
{
  g_return_if_fail (DEBRIEF_IS_PROMPT_CARD (self));
  gtk_editable_set_editable (self->entry, editable);
}

void
debrief_prompt_card_grab_focus (DebriefPromptCard *self)
{
  g_return_if_fail (DEBRIEF_IS_PROMPT_CARD (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

DebriefAnswerView *
debrief_prompt_card_add_column (DebriefPromptCard *self,
                                const char        *title)
{
  GtkWidget *answer;

  g_return_val_if_fail (DEBRIEF_IS_PROMPT_CARD (self), NULL);

  answer = debrief_answer_view_new (title);
  g_signal_connect_object (answer, "rerun", G_CALLBACK (answer_rerun_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (answer, "cancel", G_CALLBACK (answer_cancel_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->columns, answer);
  g_ptr_array_add (self->answers, answer);
  return DEBRIEF_ANSWER_VIEW (answer);
}

guint
debrief_prompt_card_get_n_columns (DebriefPromptCard *self)
{
  g_return_val_if_fail (DEBRIEF_IS_PROMPT_CARD (self), 0);
  return self->answers->len;
}

DebriefAnswerView *
debrief_prompt_card_get_column (DebriefPromptCard *self,
                                guint              column)
{
  g_return_val_if_fail (DEBRIEF_IS_PROMPT_CARD (self), NULL);
  g_return_val_if_fail (column < self->answers->len, NULL);
  return g_ptr_array_index (self->answers, column);
}
