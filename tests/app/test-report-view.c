/* test-report-view.c: the markdown preview and the report editor
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-markdown-view.h"
#include "debrief-report-view.h"
#include "debrief-test-utils.h"

/* The constructs the generated report uses (FORMATS.md section 7). */
static const char *const report_md = debrief_test_report_markdown;

/* ------------------------------------------------------------- the view */

typedef struct
{
  char *dir;
  char *run_dir;
  char *path;
} Folder;

static void
folder_setup (Folder *f)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("debrief-report-XXXXXX", &error);
  g_assert_no_error (error);
  f->run_dir = g_build_filename (f->dir, "run", NULL);
  g_assert_cmpint (g_mkdir (f->run_dir, 0755), ==, 0);
  f->path = g_build_filename (f->run_dir, "analysis.md", NULL);
}

static void
folder_teardown (Folder *f)
{
  debrief_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->run_dir);
  g_free (f->path);
}

static void
write_png (const char *path,
           int         width,
           int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

static GtkWidget *
anchor_widget (DebriefMarkdownView *view,
               const char           *key)
{
  const DebriefMarkdownLayout *layout = debrief_markdown_view_get_layout (view);

  for (guint i = 0; i < layout->anchors->len; i++)
    {
      GtkTextChildAnchor *anchor = g_ptr_array_index (layout->anchors, i);
      guint n = 0;
      GtkWidget **widgets;
      GtkWidget *widget;

      if (g_object_get_data (G_OBJECT (anchor), key) == NULL)
        continue;
      widgets = gtk_text_child_anchor_get_widgets (anchor, &n);
      widget = n > 0 ? widgets[0] : NULL;
      g_free (widgets);
      return widget;
    }
  return NULL;
}

static gboolean
picture_shown (gpointer data)
{
  GtkWidget *widget = anchor_widget (data, DEBRIEF_MARKDOWN_ANCHOR_IMAGE);
  return widget != NULL && GTK_IS_PICTURE (widget);
}

static gboolean
square_picture_shown (gpointer data)
{
  GtkWidget *widget = anchor_widget (data, DEBRIEF_MARKDOWN_ANCHOR_IMAGE);
  GdkPaintable *paintable;

  if (widget == NULL || !GTK_IS_PICTURE (widget))
    {
      /* Rendering again picks up the new file once its load is done. */
      return FALSE;
    }
  paintable = gtk_picture_get_paintable (GTK_PICTURE (widget));
  return gdk_paintable_get_intrinsic_width (paintable) == gdk_paintable_get_intrinsic_height (paintable);
}

static gboolean
outside_label_shown (gpointer view)
{
  GtkWidget *widget = anchor_widget (view, DEBRIEF_MARKDOWN_ANCHOR_IMAGE);

  return widget != NULL && debrief_test_find_widget (widget, debrief_test_is_label_with, "outside the run folder");
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static void
test_markdown_view_widgets (void)
{
  Folder f;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  DebriefMarkdownView *view = DEBRIEF_MARKDOWN_VIEW (debrief_markdown_view_new ());
  g_autoptr(GFile) folder = NULL;
  g_autofree char *png = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *table_widget;
  GtkWidget *grid;
  GtkWidget *picture;
  GdkPaintable *paintable;

  folder_setup (&f);
  folder = g_file_new_for_path (f.run_dir);
  png = g_build_filename (f.run_dir, "loss.png", NULL);
  secret = g_build_filename (f.dir, "secret.png", NULL);
  write_png (png, 1600, 900);
  write_png (secret, 10, 10);

  gtk_window_set_default_size (GTK_WINDOW (window), 500, 400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));
  debrief_markdown_view_set_base_folder (view, folder);
  debrief_markdown_view_set_markdown (view, report_md);

  /* The table is a grid of labels with the cells' inline markup. */
  table_widget = anchor_widget (view, DEBRIEF_MARKDOWN_ANCHOR_TABLE);
  g_assert_true (GTK_IS_FRAME (table_widget));
  grid = gtk_frame_get_child (GTK_FRAME (table_widget));
  g_assert_true (GTK_IS_GRID (grid));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 0, 1))), ==, "Steps");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 1, 2))), ==, "<b>4500</b>");
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 1, 1))), ==, 1.0);

  /* The image beside the report is loaded (off the main thread) and fitted
   * to the pane. */
  debrief_test_wait_until (picture_shown, view);
  picture = anchor_widget (view, DEBRIEF_MARKDOWN_ANCHOR_IMAGE);
  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), <, 1600);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), >, 100);

  /* The plot is drawn again (say, by debrief-cli plot): the preview shows
   * the new one on its next render. */
  write_png (png, 300, 300);
  {
    /* A later mtime than the first file's, whatever the clock's grain. */
    g_autoptr(GFile) png_file = g_file_new_for_path (png);
    g_file_set_attribute_uint64 (png_file, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                 g_get_real_time () / G_USEC_PER_SEC + 5, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  }
  debrief_markdown_view_set_markdown (view, report_md);
  debrief_test_wait_until (square_picture_shown, view);

  /* Outside the run folder: not shown unless the user chooses. */
  debrief_markdown_view_set_markdown (view, "![x](../secret.png)\n\n![y](/etc/hostname)\n\n![z](https://example.com/a.png)\n");
  debrief_test_wait_until (outside_label_shown, view);
  g_assert_false (picture_shown (view));
  /* The user chooses to see it. */
  {
    GtkWidget *button = debrief_test_find_widget (anchor_widget (view, DEBRIEF_MARKDOWN_ANCHOR_IMAGE),
                                                  is_button_labelled, "Show Image");

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    debrief_test_wait_until (picture_shown, view);
  }

  /* The rules, as the worker threads apply them. */
  {
    g_autofree char *base = g_file_get_path (folder);
    g_autofree char *outside = NULL;
    g_autofree char *path = debrief_markdown_resolve_local_path (base, "../secret.png", NULL, &outside, &error);
    g_autofree char *real_secret = realpath (secret, NULL);
    const char *allowed[] = { real_secret, NULL };

    g_assert_null (path);
    g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (outside, ==, real_secret);
    g_clear_error (&error);
    path = debrief_markdown_resolve_local_path (base, "../secret.png", allowed, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (path, ==, real_secret);
    g_clear_pointer (&path, g_free);
    path = debrief_markdown_resolve_local_path (base, "https://example.com/a.png", NULL, NULL, &error);
    g_assert_null (path);
    g_assert_nonnull (error);
    g_clear_error (&error);
    path = debrief_markdown_resolve_local_path (base, "loss.png", NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (path);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  folder_teardown (&f);
}

static gboolean
has_allocation (gpointer data)
{
  return gtk_widget_get_height (data) > 0;
}

static void
test_markdown_view_scroll_sync (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  DebriefMarkdownView *view = DEBRIEF_MARKDOWN_VIEW (debrief_markdown_view_new ());
  g_autoptr(GString) md = g_string_new (NULL);
  GtkAdjustment *vadj;
  GtkTextIter top;
  g_autofree char *top_line = NULL;
  GtkTextIter line_end;

  /* Paragraph N on source line 2N - 1. */
  for (int i = 1; i <= 120; i++)
    g_string_append_printf (md, "Paragraph %d.\n\n", i);

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));
  debrief_markdown_view_set_markdown (view, md->str);
  debrief_test_wait_until (has_allocation, view);
  debrief_test_drain ();

  debrief_markdown_view_scroll_to_source_line (view, 2 * 60 - 1);
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), >, 0);
  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (view), &top, (int) gtk_adjustment_get_value (vadj) + 1, NULL);
  line_end = top;
  gtk_text_iter_forward_to_line_end (&line_end);
  top_line = gtk_text_iter_get_text (&top, &line_end);
  g_assert_cmpstr (top_line, ==, "Paragraph 60.");

  debrief_markdown_view_scroll_to_source_line (view, 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
}

/* ------------------------------------------------------ the report view */

typedef struct
{
  Folder folder;
  GtkWidget *window;
  DebriefReportView *view;
  DebriefRun *run;
} ReportFixture;

static gboolean
view_idle (gpointer data)
{
  return !debrief_report_view_get_busy (data);
}

/* A report view on FX->run in a window, with the run's report open. */
static void
show_view (ReportFixture *fx)
{
  fx->window = GTK_WIDGET (adw_application_window_new (NULL));
  fx->view = DEBRIEF_REPORT_VIEW (debrief_report_view_new ());
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1200, 700);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (fx->window), GTK_WIDGET (fx->view));
  gtk_window_present (GTK_WINDOW (fx->window));
  debrief_report_view_set_run (fx->view, fx->run);
  debrief_test_wait_until (view_idle, fx->view);
  debrief_test_drain ();
}

static void
report_setup (ReportFixture *fx,
              gconstpointer  data)
{
  const char *initial = data;
  g_autoptr(GFile) run_folder = NULL;

  folder_setup (&fx->folder);
  if (initial != NULL)
    g_assert_true (g_file_set_contents (fx->folder.path, initial, -1, NULL));
  run_folder = g_file_new_for_path (fx->folder.run_dir);
  fx->run = debrief_run_new (run_folder);
  show_view (fx);
}

static void
report_teardown (ReportFixture *fx,
                 gconstpointer  data)
{
  if (fx->view != NULL && debrief_report_view_get_document (fx->view) != NULL)
    debrief_document_discard_draft (debrief_report_view_get_document (fx->view));
  if (fx->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fx->window));
  debrief_test_drain ();
  g_clear_object (&fx->run);
  folder_teardown (&fx->folder);
}

static void
type_at_end (DebriefReportView *view,
             const char        *text)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (debrief_report_view_get_buffer (view));
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  gtk_text_buffer_end_user_action (buffer);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
regenerate_view (DebriefReportView  *view,
                 GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  debrief_report_view_regenerate_async (view, NULL, store_result, &result);
  debrief_test_wait_until (result_arrived, &result);
  return debrief_report_view_regenerate_finish (view, result, error);
}

static gboolean
save_view (DebriefReportView  *view,
           GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  debrief_report_view_save_async (view, NULL, store_result, &result);
  debrief_test_wait_until (result_arrived, &result);
  return debrief_report_view_save_finish (view, result, error);
}

static char *
read_file (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
on_notify_modified (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  (*(int *) user_data)++;
}

static void
test_report_open_edit_save (ReportFixture *fx,
                            gconstpointer  data)
{
  g_autofree char *text = debrief_report_view_dup_text (fx->view);
  g_autofree char *saved = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *backup_path = g_strconcat (fx->folder.path, "~", NULL);
  g_autoptr(GError) error = NULL;
  int notified = 0;

  g_assert_cmpstr (text, ==, report_md);
  g_assert_false (debrief_report_view_get_modified (fx->view));
  g_signal_connect (fx->view, "notify::modified", G_CALLBACK (on_notify_modified), &notified);

  type_at_end (fx->view, "More of mine.\n");
  g_assert_true (debrief_report_view_get_modified (fx->view));
  g_assert_cmpint (notified, ==, 1);

  /* The preview follows within the debounce. */
  debrief_test_iterate_for (600);
  {
    GtkTextBuffer *preview = gtk_text_view_get_buffer (GTK_TEXT_VIEW (debrief_report_view_get_preview (fx->view)));
    g_autofree char *preview_text = debrief_test_buffer_text (preview);
    g_assert_nonnull (strstr (preview_text, "More of mine."));
  }

  g_assert_true (save_view (fx->view, &error));
  g_assert_no_error (error);
  g_assert_false (debrief_report_view_get_modified (fx->view));
  g_assert_cmpint (notified, ==, 2);
  saved = read_file (fx->folder.path);
  backup = read_file (backup_path);
  g_assert_true (g_str_has_suffix (saved, "Mine.\nMore of mine.\n"));
  g_assert_cmpstr (backup, ==, report_md);
}

static gboolean
disk_change_seen (gpointer data)
{
  return debrief_report_view_get_disk_message (data) != NULL;
}

static void
test_report_external_change (ReportFixture *fx,
                             gconstpointer  data)
{
  g_autofree char *text = NULL;
  g_autofree char *on_disk = NULL;
  g_autoptr(GError) error = NULL;

  type_at_end (fx->view, "Edited here.\n");
  g_assert_true (g_file_set_contents (fx->folder.path, "# Written elsewhere\n", -1, NULL));

  /* Noticed without anyone asking (file monitor). */
  debrief_test_wait_until (disk_change_seen, fx->view);
  g_assert_nonnull (strstr (debrief_report_view_get_disk_message (fx->view), "unsaved edits"));

  /* A save now would overwrite their version: refused, theirs intact. */
  g_assert_false (save_view (fx->view, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT);
  on_disk = read_file (fx->folder.path);
  g_assert_cmpstr (on_disk, ==, "# Written elsewhere\n");
  g_assert_true (debrief_report_view_get_modified (fx->view));

  /* Reload takes theirs; Undo brings mine back. */
  gtk_widget_activate_action (GTK_WIDGET (fx->view), "report.reload", NULL);
  debrief_test_wait_until (view_idle, fx->view);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_cmpstr (text, ==, "# Written elsewhere\n");
  g_assert_false (debrief_report_view_get_modified (fx->view));
  g_assert_null (debrief_report_view_get_disk_message (fx->view));
  gtk_text_buffer_undo (GTK_TEXT_BUFFER (debrief_report_view_get_buffer (fx->view)));
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_true (g_str_has_suffix (text, "Mine.\nEdited here.\n"));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

/* Asks to close, answers the dialog with @response; returns may-close. */
static gboolean
close_with (ReportFixture *fx,
            const char    *response)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean may_close;

  debrief_report_view_confirm_close_async (fx->view, GTK_WINDOW (fx->window), NULL, store_result, &result);
  if (response != NULL)
    {
      AdwMessageDialog *dialog;

      debrief_test_wait_until (dialog_shown, NULL);
      dialog = find_dialog ();
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Report?");
      /* What a click on the button does: respond, then close. */
      adw_message_dialog_response (dialog, response);
      gtk_window_close (GTK_WINDOW (dialog));
      debrief_test_wait_until (dialog_gone, NULL);
    }
  debrief_test_wait_until (result_arrived, &result);
  may_close = debrief_report_view_confirm_close_finish (fx->view, result, &error);
  g_assert_no_error (error);
  return may_close;
}

static void
test_report_close_asks (ReportFixture *fx,
                        gconstpointer  data)
{
  g_autofree char *on_disk = NULL;

  /* Nothing unsaved: no question. */
  g_assert_true (close_with (fx, NULL));
  g_assert_null (find_dialog ());

  type_at_end (fx->view, "Unsaved.\n");
  g_assert_false (close_with (fx, "cancel"));
  g_assert_true (debrief_report_view_get_modified (fx->view));

  g_assert_true (close_with (fx, "save"));
  g_assert_false (debrief_report_view_get_modified (fx->view));
  on_disk = read_file (fx->folder.path);
  g_assert_true (g_str_has_suffix (on_disk, "Unsaved.\n"));

  type_at_end (fx->view, "Thrown away.\n");
  g_assert_true (close_with (fx, "discard"));
  g_clear_pointer (&on_disk, g_free);
  on_disk = read_file (fx->folder.path);
  g_assert_null (strstr (on_disk, "Thrown away."));
}

static gboolean
draft_exists (gpointer data)
{
  return g_file_query_exists (debrief_document_get_draft_file (data), NULL);
}

static gboolean
draft_offered (gpointer data)
{
  return view_idle (data) && debrief_report_view_get_draft_offered (data);
}

static void
test_report_draft_after_crash (ReportFixture *fx,
                               gconstpointer  data)
{
  DebriefDocument *document = debrief_report_view_get_document (fx->view);
  g_autoptr(GFile) draft = g_object_ref (debrief_document_get_draft_file (document));
  g_autofree char *text = NULL;
  g_autofree char *on_disk = NULL;
  DebriefReportView *second;
  GtkWidget *window2;

  type_at_end (fx->view, "Typed before the crash.\n");
  debrief_test_wait_until (draft_exists, document);

  /* "Crash": the window goes away without saving or asking. */
  gtk_window_destroy (GTK_WINDOW (fx->window));
  fx->window = NULL;
  fx->view = NULL;
  debrief_test_drain ();
  g_assert_true (g_file_query_exists (draft, NULL));
  on_disk = read_file (fx->folder.path);
  g_assert_cmpstr (on_disk, ==, report_md);

  /* Next time: the file as it was, and the draft offered back. */
  window2 = GTK_WIDGET (adw_application_window_new (NULL));
  second = DEBRIEF_REPORT_VIEW (debrief_report_view_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window2), GTK_WIDGET (second));
  gtk_window_present (GTK_WINDOW (window2));
  debrief_report_view_set_run (second, fx->run);
  debrief_test_wait_until (view_idle, second);
  debrief_test_wait_until (draft_offered, second);
  text = debrief_report_view_dup_text (second);
  g_assert_cmpstr (text, ==, report_md);
  gtk_widget_activate_action (GTK_WIDGET (second), "report.restore-draft", NULL);
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (second);
  g_assert_true (g_str_has_suffix (text, "Typed before the crash.\n"));
  g_assert_true (debrief_report_view_get_modified (second));

  fx->window = window2;
  fx->view = second;
}

static void
test_report_add_to_report (ReportFixture *fx,
                           gconstpointer  data)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (debrief_report_view_get_buffer (fx->view));
  GtkTextIter iter;
  g_autofree char *text = NULL;

  /* Cursor in the middle of the verdict line. */
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 2, 5);
  gtk_text_buffer_place_cursor (buffer, &iter);

  /* What the window's win.add-to-report (the findings list's buttons) calls. */
  debrief_report_view_insert_markdown (fx->view, "### Overfitting\n\nStop at step 4500.");
  text = debrief_report_view_dup_text (fx->view);
  g_assert_nonnull (strstr (text, "after `step 4500`.\n\n### Overfitting\n\nStop at step 4500.\n\n## Key numbers\n"));
  g_assert_true (debrief_report_view_get_modified (fx->view));

  /* At the start of a line: before it, still a block of its own. */
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 0);
  gtk_text_buffer_place_cursor (buffer, &iter);
  debrief_report_view_insert_markdown (fx->view, "First.");
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_true (g_str_has_prefix (text, "First.\n\n# Debrief: overfit\n"));
  gtk_text_buffer_undo (buffer);

  /* One undo step takes it out again. */
  gtk_text_buffer_undo (buffer);
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_cmpstr (text, ==, report_md);
}

static void
test_report_failed_save_keeps_file (ReportFixture *fx,
                                    gconstpointer  data)
{
  g_autofree char *backup_dir = g_strconcat (fx->folder.path, "~", NULL);
  g_autofree char *inside = g_build_filename (backup_dir, "x", NULL);
  g_autofree char *on_disk = NULL;
  g_autoptr(GError) error = NULL;

  /* The backup cannot be made (a non-empty folder sits on its name). */
  g_assert_cmpint (g_mkdir (backup_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));
  type_at_end (fx->view, "Not saved.\n");
  g_assert_false (save_view (fx->view, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANT_CREATE_BACKUP);
  g_assert_true (debrief_report_view_get_modified (fx->view));
  on_disk = read_file (fx->folder.path);
  g_assert_cmpstr (on_disk, ==, report_md);
}

static void
test_report_search (ReportFixture *fx,
                    gconstpointer  data)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (debrief_report_view_get_buffer (fx->view));
  GtkTextIter start, end;
  g_autofree char *selected = NULL;
  GtkWidget *entry;

  gtk_widget_activate_action (GTK_WIDGET (fx->view), "report.search", NULL);
  entry = gtk_window_get_focus (GTK_WINDOW (fx->window));
  g_assert_nonnull (entry);
  g_assert_nonnull (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY));
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY)), "Notes");
  g_signal_emit_by_name (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY), "search-changed");
  debrief_test_drain ();
  g_signal_emit_by_name (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY), "activate");
  debrief_test_drain ();
  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
  selected = gtk_text_iter_get_text (&start, &end);
  g_assert_cmpstr (selected, ==, "Notes");
  g_assert_cmpint (gtk_text_iter_get_line (&start), ==, 26);
}

static void
test_report_missing_file (ReportFixture *fx,
                          gconstpointer  data)
{
  g_autofree char *text = debrief_report_view_dup_text (fx->view);

  /* No analysis.md and no analysis yet: an empty editor, nothing written. */
  g_assert_cmpstr (text, ==, "");
  g_assert_false (debrief_report_view_get_modified (fx->view));
  g_assert_false (g_file_test (fx->folder.path, G_FILE_TEST_EXISTS));
}

/* A real run (the shared "overfit" run) in a folder of its own. */
static void
analysed_setup (ReportFixture *fx,
                gconstpointer  data)
{
  g_autofree char *source = debrief_test_data_path ("runs", "overfit", "metrics.json", NULL);
  g_autofree char *target = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GFile) run_folder = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  folder_setup (&fx->folder);
  target = g_build_filename (fx->folder.run_dir, "metrics.json", NULL);
  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (target, contents, length, NULL));
  run_folder = g_file_new_for_path (fx->folder.run_dir);
  fx->run = debrief_run_load (run_folder, NULL, &error);
  g_assert_no_error (error);

  show_view (fx);
}

static void
analyse (ReportFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefAnalysis) analysis = debrief_analysis_run (fx->run, NULL, &error);

  g_assert_no_error (error);
  debrief_run_set_analysis (fx->run, analysis);
  /* The report is generated once what it shows beside the analysis is read. */
  debrief_test_wait_until (view_idle, fx->view);
}

static guint
count_edited_copies (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "analysis-edited-"))
      n++;
  return n;
}

static char *
first_edited_copy (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "analysis-edited-"))
      {
        g_autofree char *path = g_build_filename (dir_path, name, NULL);
        return read_file (path);
      }
  return NULL;
}

/* Complete: written to the end (the Notes come last). */
static gboolean
edited_copy_written (gpointer data)
{
  g_autofree char *copy = count_edited_copies (data) > 0 ? first_edited_copy (data) : NULL;
  return copy != NULL && strstr (copy, "Tuesday") != NULL;
}

static void
replace_in_buffer (DebriefReportView *view,
                   const char        *needle,
                   const char        *replacement)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (debrief_report_view_get_buffer (view));
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL));
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &match_start, &match_end);
  gtk_text_buffer_insert (buffer, &match_start, replacement, -1);
  gtk_text_buffer_end_user_action (buffer);
}

static void
test_report_regenerate_keeps_notes (ReportFixture *fx,
                                    gconstpointer  data)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (debrief_report_view_get_buffer (fx->view));
  g_autofree char *text = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(GError) error = NULL;
  const char *my_notes = "## Notes\n\nTried rank 64 on Tuesday: *worse*.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

  /* No analysis.md and no analysis: nothing to regenerate from yet. */
  g_assert_false (regenerate_view (fx->view, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO);
  g_clear_error (&error);

  /* The analysis arrives: the report appears, generated, not yet on disk. */
  analyse (fx);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_true (g_str_has_prefix (text, "# Debrief: run"));
  g_assert_nonnull (strstr (text, "## Notes"));
  g_assert_false (debrief_report_view_get_modified (fx->view));
  g_assert_false (g_file_test (fx->folder.path, G_FILE_TEST_EXISTS));
  /* Analysed again (F5): the untouched generated text follows, still unsaved. */
  analyse (fx);
  g_assert_false (debrief_report_view_get_modified (fx->view));
  g_assert_false (g_file_test (fx->folder.path, G_FILE_TEST_EXISTS));

  /* The recommendations panel lists the findings with their fixes. */
  {
    GListModel *findings = debrief_analysis_get_findings (debrief_run_get_analysis (fx->run));
    g_autoptr(DebriefFinding) finding = g_list_model_get_item (findings, 0);
    g_assert_cmpuint (g_list_model_get_n_items (findings), >, 0);
    g_assert_nonnull (debrief_test_find_widget (GTK_WIDGET (fx->view), debrief_test_is_label_with,
                                                debrief_finding_get_fix (finding)));
  }

  /* The user writes notes (everything from "## Notes" on) and saves. */
  notes = debrief_report_extract_notes (text);
  replace_in_buffer (fx->view, notes, my_notes);
  g_assert_true (save_view (fx->view, &error));
  g_assert_no_error (error);

  /* Regenerating keeps the notes byte for byte; with no hand edits above
   * them, no copy is made. */
  g_assert_true (regenerate_view (fx->view, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_true (g_str_has_suffix (text, my_notes));
  /* Give a (wrong) copy time to appear. */
  debrief_test_iterate_for (500);
  g_assert_cmpuint (count_edited_copies (fx->folder.run_dir), ==, 0);

  /* Now a hand edit in the generated part: regenerating replaces it, but
   * keeps it — in a copy beside the report, and in Undo. */
  replace_in_buffer (fx->view, "## Findings", "## Findings (checked by hand: agreed)");
  g_assert_true (regenerate_view (fx->view, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_null (strstr (text, "checked by hand"));
  g_assert_true (g_str_has_suffix (text, my_notes));
  debrief_test_wait_until (edited_copy_written, fx->folder.run_dir);
  copy = first_edited_copy (fx->folder.run_dir);
  g_assert_nonnull (strstr (copy, "## Findings (checked by hand: agreed)"));
  g_assert_true (g_str_has_suffix (copy, my_notes));
  gtk_text_buffer_undo (buffer);
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (fx->view);
  g_assert_nonnull (strstr (text, "checked by hand"));
}

static void
test_report_export (ReportFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *out_dir = g_build_filename (fx->folder.dir, "export", "nested", NULL);
  g_autofree char *md_path = g_build_filename (out_dir, "analysis.md", NULL);
  g_autofree char *png_path = g_build_filename (out_dir, "loss.png", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) plot = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *text = NULL;

  analyse (fx);
  text = debrief_report_view_dup_text (fx->view);
  debrief_report_view_export_async (fx->view, out, NULL, store_result, &result);
  debrief_test_wait_until (result_arrived, &result);
  g_assert_true (debrief_report_view_export_finish (fx->view, result, &error));
  g_assert_no_error (error);

  /* The markdown, with the plot linked, and the plot itself. */
  exported = read_file (md_path);
  g_assert_nonnull (strstr (exported, "](loss.png)"));
  g_assert_true (g_str_has_prefix (exported, "# Debrief: run\n"));
  g_assert_true (g_str_has_suffix (exported, strchr (text, '\n') + 1));
  plot = gdk_pixbuf_new_from_file (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (plot), ==, 1600);
  g_assert_cmpint (gdk_pixbuf_get_height (plot), ==, 900);
  /* The very chart `debrief-cli plot` draws of the run, marks included. */
  {
    g_autofree char *cli_path = g_build_filename (fx->folder.dir, "cli.png", NULL);
    g_autofree char *bare_path = g_build_filename (fx->folder.dir, "bare.png", NULL);
    const char *argv[] = { g_getenv ("DEBRIEF_CLI"), "plot", "-o", cli_path, fx->folder.run_dir, NULL };
    g_autoptr(GPtrArray) runs = g_ptr_array_new ();
    DebriefPlotImageOptions options;
    int status = -1;

    g_assert_nonnull (argv[0]);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_true (debrief_test_png_equal (png_path, cli_path));

    /* Without the analysis (what the export drew before): another picture. */
    g_ptr_array_add (runs, fx->run);
    debrief_plot_image_options_init (&options);
    g_assert_true (debrief_plot_write_runs (runs, NULL, &options, bare_path, &error));
    g_assert_no_error (error);
    g_assert_false (debrief_test_png_equal (png_path, bare_path));
  }
  /* The editor's text is untouched by the export. */
  g_clear_pointer (&exported, g_free);
  exported = debrief_report_view_dup_text (fx->view);
  g_assert_cmpstr (exported, ==, text);
}

static gboolean
preview_has (gpointer data)
{
  DebriefReportView *view = data;
  GtkTextBuffer *preview = gtk_text_view_get_buffer (GTK_TEXT_VIEW (debrief_report_view_get_preview (view)));
  g_autofree char *text = debrief_test_buffer_text (preview);

  return strstr (text, "Paragraph 150.") != NULL;
}

static void
test_report_scroll_follows_editor (ReportFixture *fx,
                                   gconstpointer  data)
{
  GtkTextView *editor = GTK_TEXT_VIEW (debrief_test_find_of_type (GTK_WIDGET (fx->view), GTK_SOURCE_TYPE_VIEW));
  GtkTextView *preview = GTK_TEXT_VIEW (debrief_report_view_get_preview (fx->view));
  GtkAdjustment *editor_vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (editor));
  GtkAdjustment *preview_vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (preview));
  g_autoptr(GString) md = g_string_new ("# Long report\n\n");
  GtkTextIter iter, end;
  g_autofree char *top_line = NULL;
  int y = 0;

  /* Paragraph N on source line 2N + 1 (0-based line 2N). */
  for (int i = 1; i <= 150; i++)
    g_string_append_printf (md, "Paragraph %d.\n\n", i);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (debrief_report_view_get_buffer (fx->view)), md->str, -1);
  debrief_test_wait_until (preview_has, fx->view);
  debrief_test_drain ();

  /* Scroll the editor so paragraph 100 is at the top. */
  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (editor), &iter, 2 * 100);
  gtk_text_view_get_line_yrange (editor, &iter, &y, NULL);
  gtk_adjustment_set_value (editor_vadj, y);
  debrief_test_drain ();

  /* The preview shows the block that line made at its top. */
  g_assert_cmpfloat (gtk_adjustment_get_value (preview_vadj), >, 0);
  gtk_text_view_get_line_at_y (preview, &iter, (int) gtk_adjustment_get_value (preview_vadj) + 1, NULL);
  end = iter;
  gtk_text_iter_forward_to_line_end (&end);
  top_line = gtk_text_iter_get_text (&iter, &end);
  g_assert_cmpstr (top_line, ==, "Paragraph 100.");
}

static void
test_report_runs_selector (void)
{
  Folder a, b, c;
  g_autoptr(GFile) folder_a = NULL;
  g_autoptr(GFile) folder_b = NULL;
  g_autoptr(GFile) folder_c = NULL;
  g_autoptr(DebriefRun) run_a = NULL;
  g_autoptr(DebriefRun) run_b = NULL;
  g_autoptr(DebriefWorkspace) workspace = debrief_workspace_new ();
  GtkWidget *window = GTK_WIDGET (adw_application_window_new (NULL));
  DebriefReportView *view = DEBRIEF_REPORT_VIEW (debrief_report_view_new ());
  GtkDropDown *dropdown;
  g_autofree char *text = NULL;

  folder_setup (&a);
  folder_setup (&b);
  folder_setup (&c);
  g_assert_true (g_file_set_contents (a.path, "# Report A\n", -1, NULL));
  g_assert_true (g_file_set_contents (b.path, "# Report B\n", -1, NULL));
  g_assert_true (g_file_set_contents (c.path, "# Report C\n", -1, NULL));
  folder_a = g_file_new_for_path (a.run_dir);
  folder_b = g_file_new_for_path (b.run_dir);
  folder_c = g_file_new_for_path (c.run_dir);
  run_a = debrief_run_new (folder_a);
  run_b = debrief_run_new (folder_b);
  debrief_run_set_name (run_a, "a");
  debrief_run_set_name (run_b, "b");

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  debrief_report_view_set_workspace (view, workspace);
  g_assert_null (debrief_report_view_get_run (view));

  /* The first run opened is the one shown; no selector for one run. */
  debrief_workspace_add_run (workspace, run_a);
  debrief_test_wait_until (view_idle, view);
  text = debrief_report_view_dup_text (view);
  g_assert_cmpstr (text, ==, "# Report A\n");
  dropdown = GTK_DROP_DOWN (debrief_test_find_of_type (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));

  /* Two runs: a selector, and choosing switches the report. */
  debrief_workspace_add_run (workspace, run_b);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_true (debrief_report_view_get_run (view) == run_a);
  gtk_drop_down_set_selected (dropdown, 1);
  debrief_test_wait_until (view_idle, view);
  g_clear_pointer (&text, g_free);
  text = debrief_report_view_dup_text (view);
  g_assert_cmpstr (text, ==, "# Report B\n");

  /* A run opened before it in the (sorted) list: the report stays. */
  {
    g_autoptr(DebriefRun) run_c = debrief_run_new (folder_c);
    debrief_run_set_name (run_c, "0");
    debrief_workspace_add_run (workspace, run_c);
    debrief_test_wait_until (view_idle, view);
    g_assert_true (debrief_report_view_get_run (view) == run_b);
    g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 2);
    debrief_workspace_close_run (workspace, run_c);
    g_assert_true (debrief_report_view_get_run (view) == run_b);
  }

  /* Its folder read again (a new run object in its place): the same report,
   * the user's unsaved words kept. */
  {
    g_autoptr(DebriefRun) again = debrief_run_new (folder_b);
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER (debrief_report_view_get_buffer (view));
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, "Mine.\n", -1);
    debrief_run_set_name (again, "b");
    debrief_workspace_add_run (workspace, again);
    g_assert_true (debrief_report_view_get_run (view) == again);
    g_assert_true (debrief_report_view_get_modified (view));
    g_clear_pointer (&text, g_free);
    text = debrief_report_view_dup_text (view);
    g_assert_cmpstr (text, ==, "# Report B\nMine.\n");
    debrief_document_discard_draft (debrief_report_view_get_document (view));
    gtk_text_buffer_set_modified (buffer, FALSE);

    /* Its run closed: back to the remaining one. */
    debrief_workspace_close_run (workspace, again);
  }
  debrief_test_wait_until (view_idle, view);
  g_assert_true (debrief_report_view_get_run (view) == run_a);

  debrief_workspace_close_all (workspace);
  g_assert_null (debrief_report_view_get_run (view));
  gtk_window_destroy (GTK_WINDOW (window));
  debrief_test_drain ();
  folder_teardown (&a);
  folder_teardown (&b);
  folder_teardown (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = NULL;

  /* Drafts go to $XDG_STATE_HOME; keep them out of the real one. (Not
   * G_TEST_OPTION_ISOLATE_DIRS: it hides GtkSourceView's language files.) */
  state = g_dir_make_tmp ("debrief-state-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);

  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;

  g_test_add_func ("/markdown/view-widgets", test_markdown_view_widgets);
  g_test_add_func ("/markdown/scroll-sync", test_markdown_view_scroll_sync);

#define ADD(name, data, func) \
  g_test_add (name, ReportFixture, data, report_setup, func, report_teardown)
  ADD ("/report-view/open-edit-save", report_md, test_report_open_edit_save);
  ADD ("/report-view/external-change", report_md, test_report_external_change);
  ADD ("/report-view/close-asks", report_md, test_report_close_asks);
  ADD ("/report-view/draft-after-crash", report_md, test_report_draft_after_crash);
  ADD ("/report-view/add-to-report", report_md, test_report_add_to_report);
  ADD ("/report-view/failed-save-keeps-file", report_md, test_report_failed_save_keeps_file);
  ADD ("/report-view/search", report_md, test_report_search);
  ADD ("/report-view/missing-file", NULL, test_report_missing_file);
  ADD ("/report-view/scroll-follows-editor", report_md, test_report_scroll_follows_editor);
  g_test_add_func ("/report-view/runs-selector", test_report_runs_selector);
  g_test_add ("/report-view/regenerate-keeps-notes", ReportFixture, NULL, analysed_setup,
              test_report_regenerate_keeps_notes, report_teardown);
  g_test_add ("/report-view/export", ReportFixture, NULL, analysed_setup,
              test_report_export, report_teardown);
#undef ADD

  {
    int status = g_test_run ();
    debrief_test_remove_tree (state);
    return status;
  }
}
