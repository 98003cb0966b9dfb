/* debrief-answer-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "debrief-answer-view.h"

struct _DebriefAnswerView
{
  GtkBox parent_instance;

  /* Template widgets */
  GtkLabel *title_label;
  GtkLabel *status_label;
  GtkWidget *rerun_button;
  GtkWidget *cancel_button;
  GtkTextView *text_view;
};

enum {
  SIGNAL_RERUN,
  SIGNAL_CANCEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DebriefAnswerView, debrief_answer_view, GTK_TYPE_BOX)

static void
rerun_clicked (DebriefAnswerView *self)
{
  g_signal_emit (self, signals[SIGNAL_RERUN], 0);
}

static void
cancel_clicked (DebriefAnswerView *self)
{
  g_signal_emit (self, signals[SIGNAL_CANCEL], 0);
}

static void
debrief_answer_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DEBRIEF_TYPE_ANSWER_VIEW);
  G_OBJECT_CLASS (debrief_answer_view_parent_class)->dispose (object);
}

static void
debrief_answer_view_class_init (DebriefAnswerViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = debrief_answer_view_dispose;

  /**
   * DebriefAnswerView::rerun:
   *
   * The user asks for this answer again.
   */
  signals[SIGNAL_RERUN] = g_signal_new ("rerun", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DebriefAnswerView::cancel:
   *
   * The user stops this answer.
   */
  signals[SIGNAL_CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-answer-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefAnswerView, title_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefAnswerView, status_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefAnswerView, rerun_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefAnswerView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefAnswerView, text_view);
  gtk_widget_class_bind_template_callback (widget_class, rerun_clicked);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked);
}

static void
debrief_answer_view_init (DebriefAnswerView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
debrief_answer_view_new (const char *title)
{
  DebriefAnswerView *self = g_object_new (DEBRIEF_TYPE_ANSWER_VIEW, NULL);

  gtk_label_set_text (self->title_label, title);
  return GTK_WIDGET (self);
}

void
debrief_answer_view_set_text (DebriefAnswerView *self,
                              const char        *text)
{
  g_return_if_fail (DEBRIEF_IS_ANSWER_VIEW (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
}

void
debrief_answer_view_append_text (DebriefAnswerView *self,
                                 const char        *text)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_return_if_fail (DEBRIEF_IS_ANSWER_VIEW (self));

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
}

char *
debrief_answer_view_dup_text (DebriefAnswerView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (DEBRIEF_IS_ANSWER_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
debrief_answer_view_set_status (DebriefAnswerView *self,
                                const char        *status,
                                gboolean           is_error)
{
  g_return_if_fail (DEBRIEF_IS_ANSWER_VIEW (self));

  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), status);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

void
debrief_answer_view_set_controls (DebriefAnswerView *self,
                                  gboolean           can_rerun,
                                  gboolean           running)
{
  g_return_if_fail (DEBRIEF_IS_ANSWER_VIEW (self));

  gtk_widget_set_sensitive (self->rerun_button, can_rerun && !running);
  gtk_widget_set_sensitive (self->cancel_button, running);
}
