/* debrief-report-view-search.c: find in the editor
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view-private.h"

static void
update_search_label (DebriefReportView *self)
{
  int count = gtk_source_search_context_get_occurrences_count (self->search_context);
  g_autofree char *text = NULL;

  if (count > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d match", "%d matches", count), count);
  else if (count == 0 && gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    text = g_strdup (_("No match"));
  gtk_label_set_text (self->search_label, text ? text : "");
}

static void
on_search_changed (GtkSearchEntry    *entry,
                   DebriefReportView *self)
{
  GtkSourceSearchSettings *settings = gtk_source_search_context_get_settings (self->search_context);

  gtk_source_search_settings_set_search_text (settings, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
search_move (DebriefReportView *self,
             gboolean           forward)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end, match_start, match_end;
  gboolean wrapped;
  gboolean found;

  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  if (forward)
    found = gtk_source_search_context_forward (self->search_context, &end, &match_start, &match_end, &wrapped);
  else
    found = gtk_source_search_context_backward (self->search_context, &start, &match_start, &match_end, &wrapped);
  if (!found)
    return;
  gtk_text_buffer_select_range (buffer, &match_start, &match_end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->source_view), &match_start, 0.1, FALSE, 0, 0);
}

static void
on_search_next (GtkWidget         *widget,
                DebriefReportView *self)
{
  search_move (self, TRUE);
}

static void
on_search_previous (GtkWidget         *widget,
                    DebriefReportView *self)
{
  search_move (self, FALSE);
}

static void
on_search_next_clicked (GtkButton         *button,
                        DebriefReportView *self)
{
  search_move (self, TRUE);
}

static void
on_search_previous_clicked (GtkButton         *button,
                            DebriefReportView *self)
{
  search_move (self, FALSE);
}

static void
on_search_stop (GtkSearchEntry    *entry,
                DebriefReportView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;

  /* Like gedit: a short selection becomes the search text. */
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end)
      && gtk_text_iter_get_line (&start) == gtk_text_iter_get_line (&end))
    {
      g_autofree char *selected = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), selected);
    }
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}


void
_debrief_report_view_init_search (DebriefReportView *self)
{
  GtkSourceSearchSettings *search_settings = gtk_source_search_settings_new ();
  gtk_source_search_settings_set_wrap_around (search_settings, TRUE);
  self->search_context = gtk_source_search_context_new (self->buffer, search_settings);
  g_object_unref (search_settings);
  g_signal_connect_swapped (self->search_context, "notify::occurrences-count",
                            G_CALLBACK (update_search_label), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

}

void
_debrief_report_view_class_init_search (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_install_action (widget_class, "report.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "report.search", NULL);
}
