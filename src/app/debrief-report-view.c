/* debrief-report-view.c: the object, the preview, the runs it follows, insert and copy
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-report-view-private.h"

/* Typing stays smooth: the preview re-renders this long after the last key. */
#define RENDER_DELAY_MS 150
/* Below this the view is still being laid out (or squeezed): panes are
 * placed once it is at least this wide. */
#define MIN_WIDTH_FOR_LAYOUT 700
/* How long "Saved" and similar notes stay up. */
#define MESSAGE_TIMEOUT_S 6

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_SETTINGS,
  PROP_RUN,
  PROP_MODIFIED,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefReportView, debrief_report_view, GTK_TYPE_WIDGET)

static void open_current (DebriefReportView *self);

/* ---------------------------------------------------------------- helpers */

static gboolean
hide_message_timeout (gpointer user_data)
{
  DebriefReportView *self = user_data;

  self->message_source = 0;
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* A note over the editor; @sticky ones (errors) stay until dismissed. */
void
_debrief_report_view_show_note (DebriefReportView *self,
                                const char        *text,
                                gboolean           sticky)
{
  gtk_label_set_text (self->message_label, text);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
  g_clear_handle_id (&self->message_source, g_source_remove);
  if (!sticky)
    self->message_source = g_timeout_add_seconds (MESSAGE_TIMEOUT_S, hide_message_timeout, self);
}

void
_debrief_report_view_show_message (DebriefReportView *self,
                                   const char        *text)
{
  _debrief_report_view_show_note (self, text, FALSE);
}

void
_debrief_report_view_show_error (DebriefReportView *self,
                                 const GError      *error)
{
  _debrief_report_view_show_note (self, error->message, TRUE);
}

void
_debrief_report_view_set_busy (DebriefReportView *self,
                               gboolean           busy)
{
  gboolean was = self->n_busy > 0;

  if (busy)
    self->n_busy++;
  else if (self->n_busy > 0)
    self->n_busy--;
  if (was != (self->n_busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

char *
debrief_report_view_dup_text (DebriefReportView *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

/* Replaces the whole text. @undoable: as one user action (a reload or a
 * regeneration can be undone, so no words are lost); otherwise as the
 * document's starting point (opening a file). */
void
_debrief_report_view_replace_text (DebriefReportView *self,
                                   const char        *text,
                                   gboolean           undoable)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;

  if (undoable)
    {
      gtk_text_buffer_begin_user_action (buffer);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_delete (buffer, &start, &end);
      gtk_text_buffer_insert (buffer, &start, text, -1);
      gtk_text_buffer_end_user_action (buffer);
    }
  else
    {
      gtk_text_buffer_begin_irreversible_action (buffer);
      gtk_text_buffer_set_text (buffer, text, -1);
      gtk_text_buffer_end_irreversible_action (buffer);
    }
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

void
_debrief_report_view_update_status (DebriefReportView *self)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->document == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }
  name = g_file_get_basename (debrief_document_get_file (self->document));
  if (self->load_failed)
    text = g_strdup_printf (_("%s — could not be read"), name);
  else if (gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer)))
    text = g_strdup_printf (_("• %s — unsaved edits"), name);
  else if (self->unsaved_generated)
    text = g_strdup_printf (_("%s — generated, not saved yet"), name);
  else if (self->awaiting_analysis)
    text = g_strdup_printf (_("%s — waiting for the analysis"), name);
  else
    text = g_strdup (name);
  gtk_label_set_text (self->status_label, text);
}

gboolean
debrief_report_view_get_modified (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);
  return self->document != NULL && gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer));
}

gboolean
debrief_report_view_get_busy (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);
  return self->n_busy > 0;
}

GtkSourceBuffer *
debrief_report_view_get_buffer (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->buffer;
}

DebriefMarkdownView *
debrief_report_view_get_preview (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->preview;
}

DebriefDocument *
debrief_report_view_get_document (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->document;
}

gboolean
debrief_report_view_get_draft_offered (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), FALSE);
  return self->draft_text != NULL;
}

const char *
debrief_report_view_get_disk_message (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return gtk_revealer_get_reveal_child (self->disk_revealer) ? self->disk_message : NULL;
}

/* ---------------------------------------------------------------- preview */

/* The editor's top visible line, 1-based and fractional (cmark counts from 1). */
static double
editor_top_line (DebriefReportView *self)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->editor_scroller);
  GtkTextIter iter;
  int line_top = 0, height = 0;
  double y = gtk_adjustment_get_value (vadj);

  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (self->source_view), &iter, (int) y, &line_top);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self->source_view), &iter, &line_top, &height);
  return gtk_text_iter_get_line (&iter) + 1 + (height > 0 ? CLAMP ((y - line_top) / height, 0.0, 1.0) : 0.0);
}

static void
sync_preview_scroll (DebriefReportView *self)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->editor_scroller);

  /* At the very end, show the preview's end too (its blocks can be taller). */
  if (gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj) >= gtk_adjustment_get_upper (vadj) - 1
      && gtk_adjustment_get_value (vadj) > 0)
    {
      GtkAdjustment *pvadj = gtk_scrolled_window_get_vadjustment (self->preview_scroller);
      gtk_adjustment_set_value (pvadj, gtk_adjustment_get_upper (pvadj));
      return;
    }
  debrief_markdown_view_scroll_to_source_line (self->preview, editor_top_line (self));
}

static void
on_editor_scrolled (GtkAdjustment     *vadj,
                    DebriefReportView *self)
{
  sync_preview_scroll (self);
}

void
_debrief_report_view_render_now (DebriefReportView *self)
{
  g_autofree char *text = debrief_report_view_dup_text (self);

  g_clear_handle_id (&self->render_source, g_source_remove);
  debrief_markdown_view_set_markdown (self->preview, text);
  sync_preview_scroll (self);
}

static gboolean
render_timeout (gpointer user_data)
{
  DebriefReportView *self = user_data;

  self->render_source = 0;
  _debrief_report_view_render_now (self);
  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed (GtkTextBuffer     *buffer,
                   DebriefReportView *self)
{
  self->change_serial++;
  g_clear_handle_id (&self->render_source, g_source_remove);
  self->render_source = g_timeout_add (RENDER_DELAY_MS, render_timeout, self);
  _debrief_report_view_schedule_draft (self);
}

static void
on_modified_changed (GtkTextBuffer     *buffer,
                     DebriefReportView *self)
{
  _debrief_report_view_update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
dismiss_message_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  g_clear_handle_id (&self->message_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
}

DebriefAnalysis *
_debrief_report_view_current_analysis (DebriefReportView *self)
{
  return self->run != NULL ? debrief_run_get_analysis (self->run) : NULL;
}

/* ------------------------------------------------------------ insert, copy */

void
debrief_report_view_insert_markdown (DebriefReportView *self,
                                     const char        *markdown)
{
  GtkTextBuffer *buffer;
  GtkTextIter iter;
  g_autoptr(GString) block = NULL;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (markdown != NULL);

  if (self->document == NULL || self->load_failed)
    return;
  /* A finding added while the report is still being read (or generated):
   * it goes in once the text is there, not into text about to be replaced. */
  if (self->loading || self->awaiting_analysis)
    {
      g_ptr_array_add (self->pending_inserts, g_strdup (markdown));
      return;
    }
  buffer = GTK_TEXT_BUFFER (self->buffer);
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));

  /* A block of its own, after the line the cursor is in (never splitting a
   * line), with one blank line around it. */
  block = g_string_new (NULL);
  if (!gtk_text_iter_starts_line (&iter))
    {
      if (!gtk_text_iter_ends_line (&iter))
        gtk_text_iter_forward_to_line_end (&iter);
      g_string_append (block, "\n\n");
    }
  else if (gtk_text_iter_get_line (&iter) > 0)
    {
      GtkTextIter prev = iter;
      gtk_text_iter_backward_line (&prev);
      if (!gtk_text_iter_ends_line (&prev))
        g_string_append_c (block, '\n');
    }
  g_string_append (block, markdown);
  while (block->len > 0 && block->str[block->len - 1] == '\n')
    g_string_truncate (block, block->len - 1);
  if (gtk_text_iter_starts_line (&iter))
    {
      /* Before the cursor's line: end the block, then a blank line unless
       * the line is blank already. */
      g_string_append_c (block, '\n');
      if (!gtk_text_iter_ends_line (&iter))
        g_string_append_c (block, '\n');
    }
  else
    {
      /* After the cursor's line: its newline follows the block; one more
       * unless a blank line follows already. */
      GtkTextIter next = iter;

      if (gtk_text_iter_is_end (&iter)
          || !gtk_text_iter_forward_char (&next) || !gtk_text_iter_ends_line (&next))
        g_string_append_c (block, '\n');
    }

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &iter, block->str, block->len);
  gtk_text_buffer_end_user_action (buffer);
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (self->source_view), gtk_text_buffer_get_insert (buffer));
  _debrief_report_view_render_now (self);
}

void
_debrief_report_view_insert_pending (DebriefReportView *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_inserts);

  self->pending_inserts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; pending != NULL && i < pending->len; i++)
    debrief_report_view_insert_markdown (self, g_ptr_array_index (pending, i));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);
  g_autofree char *text = debrief_report_view_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  _debrief_report_view_show_message (self, _("Report copied as Markdown"));
}

/* ------------------------------------------------------------------- runs */

static void
on_analysis_changed (DebriefRun        *run,
                     GParamSpec        *pspec,
                     DebriefReportView *self)
{
  _debrief_report_view_populate_recommendations (self);
  /* A generated report nobody has touched or saved follows the analysis
   * (re-analysed after the run grew, or with a filled-in configuration). */
  if (self->unsaved_generated && !debrief_report_view_get_modified (self))
    {
      self->unsaved_generated = FALSE;
      self->awaiting_analysis = TRUE;
    }
  _debrief_report_view_write_generated_report (self);
  _debrief_report_view_update_actions (self);
}

static void
open_current (DebriefReportView *self)
{
  g_autoptr(GFile) file = NULL;
  GFile *folder;

  _debrief_report_view_populate_recommendations (self);
  if (self->run == NULL)
    {
      _debrief_report_view_close_document (self);
      _debrief_report_view_replace_text (self, "", FALSE);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
      debrief_markdown_view_set_base_folder (self->preview, NULL);
      _debrief_report_view_render_now (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      _debrief_report_view_update_status (self);
      _debrief_report_view_update_actions (self);
      return;
    }
  folder = debrief_run_get_folder (self->run);
  file = g_file_get_child (folder, "analysis.md");
  _debrief_report_view_open_file (self, file, folder);
}

void
debrief_report_view_set_run (DebriefReportView *self,
                             DebriefRun        *run)
{
  gboolean same_folder;

  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (run == NULL || DEBRIEF_IS_RUN (run));

  if (self->run == run)
    return;
  same_folder = self->run != NULL && run != NULL
                && g_file_equal (debrief_run_get_folder (self->run), debrief_run_get_folder (run));
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_set_object (&self->run, run);
  if (run != NULL)
    g_signal_connect (run, "notify::analysis", G_CALLBACK (on_analysis_changed), self);
  /* The same folder read again (it grew, or changed on disk): the same
   * analysis.md, so the editor and its unsaved edits stay. */
  if (same_folder)
    on_analysis_changed (run, NULL, self);
  else
    open_current (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

DebriefRun *
debrief_report_view_get_run (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->run;
}

/* @run in @model, else the run of the same folder (the workspace replaces a
 * run it reads again), or NULL. */
static DebriefRun *
find_run (GListModel *model,
          DebriefRun *run,
          guint      *position)
{
  guint n = model != NULL && run != NULL ? g_list_model_get_n_items (model) : 0;
  g_autoptr(DebriefRun) same_folder = NULL;
  guint same_folder_position = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DebriefRun) item = g_list_model_get_item (model, i);

      if (item == run)
        {
          *position = i;
          return g_steal_pointer (&item);
        }
      if (same_folder == NULL && g_file_equal (debrief_run_get_folder (item), debrief_run_get_folder (run)))
        {
          same_folder = g_steal_pointer (&item);
          same_folder_position = i;
        }
    }
  *position = same_folder_position;
  return g_steal_pointer (&same_folder);
}

/* The runs changed: keep the run shown while it is open (runs are sorted,
 * so its position may move), else show the first. */
static void
follow_runs (DebriefReportView *self)
{
  guint n = self->runs != NULL ? g_list_model_get_n_items (self->runs) : 0;
  g_autoptr(DebriefRun) next = NULL;
  guint position = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->run_dropdown), n > 1);
  next = find_run (self->runs, self->run, &position);
  if (next == NULL && n > 0)
    next = g_list_model_get_item (self->runs, 0);
  if (next != NULL)
    {
      self->syncing_dropdown = TRUE;
      gtk_drop_down_set_selected (self->run_dropdown, position);
      self->syncing_dropdown = FALSE;
    }
  debrief_report_view_set_run (self, next);
}

static void
on_runs_changed (GListModel        *model,
                 guint              position,
                 guint              removed,
                 guint              added,
                 DebriefReportView *self)
{
  follow_runs (self);
}

/* The user picked a run in the drop-down. */
static void
on_run_selected (GtkDropDown       *dropdown,
                 GParamSpec        *pspec,
                 DebriefReportView *self)
{
  guint position = gtk_drop_down_get_selected (dropdown);
  g_autoptr(DebriefRun) run = NULL;

  if (self->syncing_dropdown || self->runs == NULL || position == GTK_INVALID_LIST_POSITION
      || position >= g_list_model_get_n_items (self->runs))
    return;
  run = g_list_model_get_item (self->runs, position);
  debrief_report_view_set_run (self, run);
}

void
debrief_report_view_set_workspace (DebriefReportView *self,
                                   DebriefWorkspace  *workspace)
{
  g_return_if_fail (DEBRIEF_IS_REPORT_VIEW (self));
  g_return_if_fail (workspace == NULL || DEBRIEF_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_set_object (&self->workspace, workspace);
  if (workspace != NULL)
    self->runs = g_object_ref (debrief_workspace_get_runs (workspace));
  /* The drop-down first: it must know of a change before follow_runs() selects in it. */
  gtk_drop_down_set_model (self->run_dropdown, self->runs);
  if (self->runs != NULL)
    g_signal_connect (self->runs, "items-changed", G_CALLBACK (on_runs_changed), self);
  follow_runs (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

DebriefWorkspace *
debrief_report_view_get_workspace (DebriefReportView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_REPORT_VIEW (self), NULL);
  return self->workspace;
}

/* ----------------------------------------------------------------- actions */

void
_debrief_report_view_update_actions (DebriefReportView *self)
{
  gboolean open = self->document != NULL && !self->load_failed;
  gboolean analysed = _debrief_report_view_current_analysis (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.save", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.regenerate", open && analysed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.export", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.copy", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.reload", self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.keep-mine", self->document != NULL);
}

/* ----------------------------------------------------------------- object */

GtkWidget *
debrief_report_view_new (void)
{
  return g_object_new (DEBRIEF_TYPE_REPORT_VIEW, NULL);
}

static void
debrief_report_view_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (widget);

  GTK_WIDGET_CLASS (debrief_report_view_parent_class)->size_allocate (widget, width, height, baseline);
  /* Editor and preview share the space evenly the first time. */
  if (!self->pane_positioned && width >= MIN_WIDTH_FOR_LAYOUT)
    {
      int side = gtk_widget_get_visible (self->recommendations_box) ? 320 : 0;
      gtk_paned_set_position (self->outer_paned, MAX (520, width - side));
      gtk_paned_set_position (self->editor_paned, MAX (260, (width - side) / 2));
      self->pane_positioned = TRUE;
    }
}

static void
debrief_report_view_dispose (GObject *object)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  _debrief_report_view_close_document (self);
  g_clear_handle_id (&self->render_source, g_source_remove);
  g_clear_handle_id (&self->message_source, g_source_remove);
  g_clear_object (&self->run);
  g_clear_object (&self->runs);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_object (&self->search_context);
  /* Tearing the editor down moves its adjustment and may touch the buffer:
   * nothing of this view may answer then (the scroll sync asked the
   * scroller gone with the template). */
  if (self->editor_scroller != NULL)
    g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_vadjustment (self->editor_scroller), self);
  if (self->buffer != NULL)
    g_signal_handlers_disconnect_by_data (self->buffer, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), DEBRIEF_TYPE_REPORT_VIEW);

  G_OBJECT_CLASS (debrief_report_view_parent_class)->dispose (object);
}

static void
debrief_report_view_finalize (GObject *object)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  g_clear_object (&self->buffer);
  g_clear_pointer (&self->pending_inserts, g_ptr_array_unref);
  g_free (self->draft_text);
  g_free (self->disk_message);

  G_OBJECT_CLASS (debrief_report_view_parent_class)->finalize (object);
}

static void
debrief_report_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, debrief_report_view_get_modified (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, debrief_report_view_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_report_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DebriefReportView *self = DEBRIEF_REPORT_VIEW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      debrief_report_view_set_workspace (self, g_value_get_object (value));
      break;
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    case PROP_RUN:
      debrief_report_view_set_run (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_report_view_class_init (DebriefReportViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (DEBRIEF_TYPE_MARKDOWN_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  object_class->dispose = debrief_report_view_dispose;
  object_class->finalize = debrief_report_view_finalize;
  object_class->get_property = debrief_report_view_get_property;
  object_class->set_property = debrief_report_view_set_property;
  widget_class->size_allocate = debrief_report_view_size_allocate;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, DEBRIEF_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, DEBRIEF_TYPE_RUN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-report-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "debrief-report-view");

  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, stack);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, disk_revealer);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, disk_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, draft_revealer);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, message_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, run_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, status_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, editor_paned);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, search_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, source_view);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, editor_scroller);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, preview_scroller);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, preview);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, recommendations_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, recommendations_list);
  gtk_widget_class_bind_template_child (widget_class, DebriefReportView, recommendations_button);

  gtk_widget_class_install_action (widget_class, "report.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "report.dismiss-message", NULL, dismiss_message_action);


  _debrief_report_view_class_init_document (widget_class);
  _debrief_report_view_class_init_generate (widget_class);
  _debrief_report_view_class_init_export (widget_class);
  _debrief_report_view_class_init_search (widget_class);
}

static void
update_style_scheme (DebriefReportView *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  gtk_source_buffer_set_style_scheme (self->buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes,
                                                                                  dark ? "Adwaita-dark" : "Adwaita"));
}

static void
debrief_report_view_init (DebriefReportView *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkExpression *name_expression;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pending_inserts = g_ptr_array_new_with_free_func (g_free);
  self->buffer = gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_language (self->buffer, gtk_source_language_manager_get_language (languages, "markdown"));
  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (self->buffer));
  /* After the default handler, which is what sets "modified". */
  g_signal_connect_after (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  g_signal_connect (self->buffer, "modified-changed", G_CALLBACK (on_modified_changed), self);

  _debrief_report_view_init_search (self);

  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->editor_scroller), "value-changed",
                    G_CALLBACK (on_editor_scrolled), self);

  name_expression = gtk_property_expression_new (DEBRIEF_TYPE_RUN, NULL, "name");
  gtk_drop_down_set_expression (self->run_dropdown, name_expression);
  gtk_expression_unref (name_expression);
  g_signal_connect (self->run_dropdown, "notify::selected", G_CALLBACK (on_run_selected), self);

  gtk_stack_set_visible_child_name (self->stack, "empty");
  _debrief_report_view_update_status (self);
  _debrief_report_view_update_actions (self);
}

