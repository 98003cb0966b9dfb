/* debrief-markdown-view.c: the report preview, a GtkTextView showing what
 * debrief-markdown-renderer.c wrote into its buffer
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-markdown-view.h"

/* Re-lay out tables and images only when the width changed this much. */
#define RELAYOUT_WIDTH_DELTA 24
/* Before the first allocation, assume a narrow pane (it only grows). */
#define FALLBACK_WIDTH 400
/* Narrowest a table column gets, in characters. */
#define MIN_COLUMN_CHARS 8
/* An image larger than this is not a report's plot (and could be a
 * decompression bomb): not loaded. */
#define MAX_IMAGE_PIXELS (12000 * 12000)

/* An image of the report, by its URL. Everything that touches the file
 * (resolving the path, its time stamp, decoding) and the scaling happens in
 * worker threads: a run folder on NFS or sshfs must not freeze the preview. */
typedef struct
{
  char *path;            /* resolved, once read */
  GdkPixbuf *pixbuf;
  gint64 mtime;          /* of the file when it was read: a newer plot is read again */
  char *error;
  char *outside;         /* the real path of an image outside the folder, for "Show Image" */
  GdkTexture *scaled;
  int scaled_width;
  int scaling_width;     /* a scaling in flight, or 0 */
  gboolean loading;
  gboolean checking;     /* a look at the file's time stamp in flight */
  gboolean check_again;  /* asked for while one was in flight: it may have looked too early */
} ImageEntry;

static void
image_entry_free (ImageEntry *entry)
{
  g_clear_object (&entry->pixbuf);
  g_clear_object (&entry->scaled);
  g_free (entry->path);
  g_free (entry->error);
  g_free (entry->outside);
  g_free (entry);
}

struct _DebriefMarkdownView
{
  GtkTextView parent_instance;

  GFile *base_folder;
  char *markdown;
  DebriefMarkdownLayout *layout;
  GHashTable *images;          /* URL → ImageEntry */
  GHashTable *allowed;         /* canonical paths outside the folder the user chose to show */
  GCancellable *cancellable;
  int rendered_width;
  guint relayout_source;
  gboolean hovering_link;
};

enum {
  PROP_0,
  PROP_BASE_FOLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DebriefMarkdownView, debrief_markdown_view, GTK_TYPE_TEXT_VIEW)

static void rerender (DebriefMarkdownView *self);
static void launch_uri (DebriefMarkdownView *self, const char *uri);

char *
debrief_markdown_resolve_local_path (const char         *base_path,
                                     const char         *url,
                                     const char *const  *allowed,
                                     char              **outside,
                                     GError            **error)
{
  const char *scheme;
  g_autofree char *path = NULL;
  g_autofree char *real_base = NULL;
  g_autofree char *real = NULL;
  g_autofree char *candidate = NULL;
  g_autofree char *prefix = NULL;

  if (outside != NULL)
    *outside = NULL;
  if (base_path == NULL)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO,
                   _("%s: no run folder to look in"), url);
      return NULL;
    }
  scheme = g_uri_peek_scheme (url);
  if (scheme != NULL && !g_str_equal (scheme, "file"))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("%s: remote files are not loaded"), url);
      return NULL;
    }
  if (scheme != NULL)
    path = g_filename_from_uri (url, NULL, NULL);
  else
    {
      g_autofree char *no_fragment = g_strndup (url, strcspn (url, "#?"));
      path = g_uri_unescape_string (no_fragment, NULL);
    }
  if (path == NULL || *path == '\0')
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT, _("%s: not a file name"), url);
      return NULL;
    }

  candidate = g_path_is_absolute (path) ? g_strdup (path) : g_build_filename (base_path, path, NULL);
  real_base = realpath (base_path, NULL);
  real = realpath (candidate, NULL);
  if (real == NULL || real_base == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: not found"), url);
      return NULL;
    }
  /* Symlinks count where they point: a link to /etc is outside the folder. */
  prefix = g_str_has_suffix (real_base, "/") ? g_strdup (real_base) : g_strconcat (real_base, "/", NULL);
  if (!g_str_has_prefix (real, prefix) && (allowed == NULL || !g_strv_contains (allowed, real)))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("%s is outside the run folder"), url);
      /* Only a plain relative or absolute path may be shown on request. */
      if (outside != NULL && scheme == NULL)
        *outside = g_steal_pointer (&real);
      return NULL;
    }
  return g_steal_pointer (&real);
}

GStrv
debrief_markdown_view_dup_allowed (DebriefMarkdownView *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self), NULL);

  g_hash_table_iter_init (&iter, self->allowed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

/* What a worker thread needs to find a file of the report. */
typedef struct
{
  char *base_path;
  char *url;
  GStrv allowed;
  char *path;            /* known already: only its time stamp is looked at */
  gint64 mtime;
  int width;             /* scaling */
  GdkPixbuf *pixbuf;
} ImageJob;

static void
image_job_free (ImageJob *job)
{
  g_free (job->base_path);
  g_free (job->url);
  g_strfreev (job->allowed);
  g_free (job->path);
  g_clear_object (&job->pixbuf);
  g_free (job);
}

static ImageJob *
image_job_new (DebriefMarkdownView *self,
               const char          *url)
{
  ImageJob *job = g_new0 (ImageJob, 1);

  job->base_path = self->base_folder != NULL ? g_file_get_path (self->base_folder) : NULL;
  job->url = g_strdup (url);
  job->allowed = debrief_markdown_view_dup_allowed (self);
  return job;
}

static gint64
file_mtime (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000 : 0;
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ImageJob *job = task_data;
  GError *error = NULL;
  char *path = debrief_markdown_resolve_local_path (job->base_path, job->url,
                                                    (const char *const *) job->allowed, NULL, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
link_resolved (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (path == NULL)
    {
      g_debug ("Not opening link: %s", error->message);
      return;
    }
  file = g_file_new_for_path (path);
  uri = g_file_get_uri (file);
  launch_uri (self, uri);
}

static void
open_uri (DebriefMarkdownView *self,
          const char          *url)
{
  const char *scheme = g_uri_peek_scheme (url);
  g_autofree char *uri = NULL;

  if (url == NULL || *url == '\0' || url[0] == '#')
    return;
  if (scheme == NULL)
    {
      /* A file of the run folder: found off the main thread, then opened. */
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, link_resolved, NULL);

      g_task_set_source_tag (task, open_uri);
      g_task_set_task_data (task, image_job_new (self, url), (GDestroyNotify) image_job_free);
      g_task_run_in_thread (task, resolve_thread);
      return;
    }
  else if (g_str_equal (scheme, "http") || g_str_equal (scheme, "https") || g_str_equal (scheme, "mailto"))
    uri = g_strdup (url);
  else
    {
      /* file:, javascript:, smb: ... from a report are not followed. */
      g_debug ("Not opening link %s: scheme %s is not allowed", url, scheme);
      return;
    }
  launch_uri (self, uri);
}

static void
launch_uri (DebriefMarkdownView *self,
            const char          *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);
    gtk_uri_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL, NULL, NULL);
  }
#else
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
#endif
}

static gboolean
on_label_activate_link (GtkLabel            *label,
                        const char          *uri,
                        DebriefMarkdownView *self)
{
  open_uri (self, uri);
  return TRUE;
}

/* Reading: resolve the URL, note the time stamp, decode. An image outside
 * the folder comes back without a picture and with its real path, for
 * "Show Image". */
typedef struct
{
  char *path;            /* the file read, or the reason it was not */
  gint64 mtime;
  GdkPixbuf *pixbuf;
  char *outside;
} ImageRead;

static void
image_read_free (ImageRead *read)
{
  g_free (read->path);
  g_clear_object (&read->pixbuf);
  g_free (read->outside);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImageRead, image_read_free)

static void
load_image_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ImageJob *job = task_data;
  g_autoptr(GError) error = NULL;
  ImageRead *read = g_new0 (ImageRead, 1);
  int width = 0, height = 0;

  read->path = job->path != NULL ? g_strdup (job->path)
               : debrief_markdown_resolve_local_path (job->base_path, job->url, (const char *const *) job->allowed,
                                                      &read->outside, &error);
  if (read->path == NULL)
    ;
  else if (gdk_pixbuf_get_file_info (read->path, &width, &height) == NULL)
    g_set_error (&error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                 _("%s: not an image this system can read"), read->path);
  else if ((gint64) width * height > MAX_IMAGE_PIXELS)
    g_set_error (&error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                 _("%s: %d×%d pixels is too large to show"), read->path, width, height);
  else
    {
      read->mtime = file_mtime (read->path);
      read->pixbuf = gdk_pixbuf_new_from_file (read->path, &error);
    }
  if (error != NULL)
    {
      g_free (read->path);
      read->path = g_strdup (error->message);
      g_clear_object (&read->pixbuf);
    }
  g_task_return_pointer (task, read, (GDestroyNotify) image_read_free);
}

static void
load_image_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree char *url = user_data;
  g_autoptr(ImageRead) read = g_task_propagate_pointer (G_TASK (result), NULL);
  DebriefMarkdownView *self;
  ImageEntry *entry;

  if (read == NULL)
    return;   /* cancelled: the images were forgotten */
  self = DEBRIEF_MARKDOWN_VIEW (object);
  entry = g_hash_table_lookup (self->images, url);
  if (entry == NULL)
    return;
  entry->loading = FALSE;
  entry->checking = FALSE;
  g_clear_pointer (&entry->error, g_free);
  g_clear_pointer (&entry->outside, g_free);
  if (read->pixbuf == NULL)
    {
      entry->error = g_steal_pointer (&read->path);
      entry->outside = g_steal_pointer (&read->outside);
      g_clear_object (&entry->pixbuf);
      g_clear_object (&entry->scaled);
    }
  else
    {
      g_free (entry->path);
      entry->path = g_steal_pointer (&read->path);
      entry->mtime = read->mtime;
      g_set_object (&entry->pixbuf, read->pixbuf);
      g_clear_object (&entry->scaled);
      entry->scaled_width = 0;
      entry->scaling_width = 0;
    }
  rerender (self);
}

static void
start_load (DebriefMarkdownView *self,
            const char          *url,
            ImageJob            *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, load_image_done, g_strdup (url));

  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, job, (GDestroyNotify) image_job_free);
  g_task_run_in_thread (task, load_image_thread);
}

static void check_image (DebriefMarkdownView *self, const char *url, ImageEntry *entry);

/* Drawn again since it was read (debrief-cli plot, Export)? A look at the
 * time stamp, in a thread; read again when it changed. */
static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ImageJob *job = task_data;

  g_task_return_boolean (task, file_mtime (job->path) != job->mtime);
}

static void
checked (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree char *url = user_data;
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);
  g_autoptr(GError) error = NULL;
  gboolean changed = g_task_propagate_boolean (G_TASK (result), &error);
  ImageEntry *entry;
  ImageJob *job;

  if (error != NULL)
    return;
  entry = g_hash_table_lookup (self->images, url);
  if (entry == NULL || entry->loading)
    return;
  entry->checking = FALSE;
  if (!changed)
    {
      if (entry->check_again)
        check_image (self, url, entry);
      return;
    }
  job = image_job_new (self, url);
  job->path = g_strdup (entry->path);
  entry->loading = TRUE;
  start_load (self, url, job);
}

static void
check_image (DebriefMarkdownView *self,
             const char          *url,
             ImageEntry          *entry)
{
  g_autoptr(GTask) task = NULL;
  ImageJob *job;

  if (entry->loading || entry->path == NULL)
    return;
  if (entry->checking)
    {
      entry->check_again = TRUE;
      return;
    }
  entry->checking = TRUE;
  entry->check_again = FALSE;
  job = image_job_new (self, url);
  job->path = g_strdup (entry->path);
  job->mtime = entry->mtime;
  task = g_task_new (self, self->cancellable, checked, g_strdup (url));
  g_task_set_source_tag (task, check_image);
  g_task_set_task_data (task, job, (GDestroyNotify) image_job_free);
  g_task_run_in_thread (task, check_thread);
}

/* Scaling a large image to the pane takes a while: in a thread too. */
static void
scale_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ImageJob *job = task_data;
  int width = gdk_pixbuf_get_width (job->pixbuf);
  int height = gdk_pixbuf_get_height (job->pixbuf);
  int scaled_height = MAX (1, (int) ((double) height * job->width / width + 0.5));

  g_task_return_pointer (task,
                         job->width == width ? g_object_ref (job->pixbuf)
                         : gdk_pixbuf_scale_simple (job->pixbuf, job->width, scaled_height, GDK_INTERP_BILINEAR),
                         g_object_unref);
}

static void
scaled (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autofree char *url = user_data;
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);
  ImageJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkPixbuf) pixbuf = g_task_propagate_pointer (G_TASK (result), NULL);
  ImageEntry *entry;

  if (pixbuf == NULL)
    return;
  entry = g_hash_table_lookup (self->images, url);
  if (entry == NULL || entry->pixbuf != job->pixbuf || entry->scaling_width != job->width)
    return;
  entry->scaling_width = 0;
  g_clear_object (&entry->scaled);
  entry->scaled = gdk_texture_new_for_pixbuf (pixbuf);
  entry->scaled_width = job->width;
  rerender (self);
}

static void
scale_image (DebriefMarkdownView *self,
             const char          *url,
             ImageEntry          *entry,
             int                  width)
{
  g_autoptr(GTask) task = NULL;
  ImageJob *job;

  if (entry->scaling_width == width)
    return;
  entry->scaling_width = width;
  job = g_new0 (ImageJob, 1);
  job->pixbuf = g_object_ref (entry->pixbuf);
  job->width = width;
  task = g_task_new (self, self->cancellable, scaled, g_strdup (url));
  g_task_set_source_tag (task, scale_image);
  g_task_set_task_data (task, job, (GDestroyNotify) image_job_free);
  g_task_run_in_thread (task, scale_thread);
}

/* The width tables and images are laid out for. Taken from the scrolled
 * window around the view when there is one: the view itself is at least as
 * wide as its widest table, so its own width would never let a table shrink
 * (the scrolled window's is the pane's, whatever the children ask). */
static int
content_width (DebriefMarkdownView *self)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  int width = gtk_widget_get_width (scroller != NULL ? scroller : GTK_WIDGET (self));

  if (width <= 1)
    width = FALLBACK_WIDTH;
  /* Margins, and room for an overlay scrollbar. */
  width -= gtk_text_view_get_left_margin (GTK_TEXT_VIEW (self))
           + gtk_text_view_get_right_margin (GTK_TEXT_VIEW (self)) + 16;
  return MAX (width, 120);
}

static GtkWidget *
placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
on_show_outside_clicked (GtkButton           *button,
                         DebriefMarkdownView *self)
{
  const char *url = g_object_get_data (G_OBJECT (button), "url");
  ImageEntry *entry = g_hash_table_lookup (self->images, url);

  if (entry == NULL || entry->outside == NULL)
    return;
  g_hash_table_add (self->allowed, g_strdup (entry->outside));
  g_hash_table_remove (self->images, url);
  rerender (self);
}

static GtkWidget *
build_image_widget (DebriefMarkdownView *self,
                    const char          *url,
                    const char          *alt)
{
  ImageEntry *entry = g_hash_table_lookup (self->images, url);
  int width;

  if (entry == NULL)
    {
      entry = g_new0 (ImageEntry, 1);
      entry->loading = TRUE;
      g_hash_table_insert (self->images, g_strdup (url), entry);
      start_load (self, url, image_job_new (self, url));
    }
  else
    check_image (self, url, entry);

  if (entry->pixbuf == NULL && entry->loading)
    return placeholder (_("Loading image…"));
  if (entry->pixbuf == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Image not shown: %s"), entry->error);
      GtkWidget *label = placeholder (text);
      GtkWidget *box, *button;

      /* Outside the folder: shown only when the user says so. */
      if (entry->outside == NULL)
        return label;
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      button = gtk_button_new_with_label (_("Show Image"));
      g_object_set_data_full (G_OBJECT (button), "url", g_strdup (url), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_show_outside_clicked), self);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), button);
      return box;
    }

  width = MIN (gdk_pixbuf_get_width (entry->pixbuf), content_width (self));
  if (entry->scaled_width != width)
    scale_image (self, url, entry, width);
  if (entry->scaled == NULL)
    return placeholder (_("Loading image…"));
  {
    GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (entry->scaled));

    gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
    if (alt != NULL && *alt != '\0')
      {
        gtk_picture_set_alternative_text (GTK_PICTURE (picture), alt);
        gtk_widget_set_tooltip_text (picture, alt);
      }
    return picture;
  }
}

static float
align_to_xalign (DebriefMarkdownAlign align)
{
  switch (align)
    {
    case DEBRIEF_MARKDOWN_ALIGN_CENTER:
      return 0.5f;
    case DEBRIEF_MARKDOWN_ALIGN_RIGHT:
      return 1.0f;
    case DEBRIEF_MARKDOWN_ALIGN_LEFT:
    case DEBRIEF_MARKDOWN_ALIGN_NONE:
    default:
      return 0.0f;
    }
}

/* Shares the width among columns: narrow ones get what they need, wide ones
 * split the rest (water filling), so a findings table wraps its long "fix"
 * column instead of running off the pane. */
static void
column_widths (const DebriefMarkdownTable *table,
               int                         budget_chars,
               int                        *widths)
{
  g_autofree int *need = g_new0 (int, table->n_columns);
  g_autofree int *word = g_new0 (int, table->n_columns);
  g_autofree gboolean *done = g_new0 (gboolean, table->n_columns);
  int remaining = budget_chars;
  guint open = table->n_columns;

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_auto(GStrv) words = g_strsplit (row[c], " ", -1);

          need[c] = MAX (need[c], (int) g_utf8_strlen (row[c], -1));
          for (guint w = 0; words[w] != NULL; w++)
            word[c] = MAX (word[c], (int) g_utf8_strlen (words[w], -1));
        }
    }
  for (guint c = 0; c < table->n_columns; c++)
    widths[c] = 0;

  while (open > 0)
    {
      int share = MAX (MIN_COLUMN_CHARS, remaining / (int) open);
      gboolean progress = FALSE;

      for (guint c = 0; c < table->n_columns; c++)
        if (!done[c] && need[c] <= share)
          {
            widths[c] = MAX (need[c], 1);
            remaining -= widths[c];
            done[c] = TRUE;
            open--;
            progress = TRUE;
          }
      if (!progress)
        {
          /* What is left goes to the wide columns by how much they hold:
           * a long "fix" gets more than a short "cause". */
          int open_need = 0;

          for (guint c = 0; c < table->n_columns; c++)
            if (!done[c])
              open_need += need[c];
          for (guint c = 0; c < table->n_columns; c++)
            if (!done[c])
              widths[c] = MAX (MIN_COLUMN_CHARS, (int) ((gint64) remaining * need[c] / MAX (open_need, 1)));
          break;
        }
    }
  /* Never narrower than the longest word: breaking "symptom" into
   * "sympto-m" reads worse than a table a little wider than the pane. */
  for (guint c = 0; c < table->n_columns; c++)
    widths[c] = MAX (widths[c], MIN (word[c], need[c]));
}

/* A table whose words do not fit the pane (long metric keys) scrolls
 * sideways on its own, rather than being cut at the pane's edge or widening
 * the whole preview (a text view gives a child its minimum width). */
static GtkWidget *
scroll_if_wider (DebriefMarkdownView *self,
                 GtkWidget           *table)
{
  GtkWidget *scroller;
  int natural = 0;
  int available = content_width (self);

  gtk_widget_measure (table, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  if (natural <= available)
    return table;
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scroller), available);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), table);
  return scroller;
}

static GtkWidget *
build_table_widget (DebriefMarkdownView        *self,
                    const DebriefMarkdownTable *table)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  g_autofree int *widths = g_new0 (int, table->n_columns);
  PangoFontMetrics *metrics;
  int char_width;
  int budget;

  metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (self)), NULL, NULL);
  /* GtkLabel turns width-chars into pixels with the larger of these two. */
  char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                    pango_font_metrics_get_approximate_digit_width (metrics));
  char_width = MAX (1, PANGO_PIXELS_CEIL (char_width));
  pango_font_metrics_unref (metrics);
  /* Each cell has 16 px of padding. */
  budget = (content_width (self) - 16 * (int) table->n_columns - 4) / char_width;
  column_widths (table, MAX (budget, MIN_COLUMN_CHARS * (int) table->n_columns), widths);

  gtk_widget_add_css_class (frame, "debrief-markdown-table");
  gtk_frame_set_child (GTK_FRAME (frame), grid);
  gtk_widget_set_halign (frame, GTK_ALIGN_START);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      /* "| | |" headers (key/value tables): no empty header band. */
      if (r == 0)
        {
          gboolean empty = TRUE;
          for (guint c = 0; c < table->n_columns && empty; c++)
            empty = row[c][0] == '\0';
          if (empty)
            continue;
        }
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_autofree char *markup = debrief_markdown_inline_to_pango (row[c]);
          GtkWidget *label = gtk_label_new (NULL);

          if (r == 0)
            {
              g_autofree char *bold = g_strconcat ("<b>", markup, "</b>", NULL);
              gtk_label_set_markup (GTK_LABEL (label), bold);
              gtk_widget_add_css_class (label, "header");
            }
          else
            gtk_label_set_markup (GTK_LABEL (label), markup);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          /* A text view gives its children their minimum size, and a wrapping
           * label's minimum is one character: ask for the column's width. */
          gtk_label_set_width_chars (GTK_LABEL (label), widths[c]);
          gtk_label_set_max_width_chars (GTK_LABEL (label), widths[c]);
          gtk_label_set_xalign (GTK_LABEL (label), align_to_xalign (table->align[c]));
          gtk_label_set_yalign (GTK_LABEL (label), 0);
          gtk_widget_set_hexpand (label, TRUE);
          gtk_widget_add_css_class (label, "cell");
          if (r % 2 == 0 && r > 0)
            gtk_widget_add_css_class (label, "even");
          g_signal_connect (label, "activate-link", G_CALLBACK (on_label_activate_link), self);
          gtk_grid_attach (GTK_GRID (grid), label, c, r, 1, 1);
        }
    }
  return scroll_if_wider (self, frame);
}

static void
attach_widgets (DebriefMarkdownView *self)
{
  for (guint i = 0; i < self->layout->anchors->len; i++)
    {
      GtkTextChildAnchor *anchor = g_ptr_array_index (self->layout->anchors, i);
      DebriefMarkdownTable *table = g_object_get_data (G_OBJECT (anchor), DEBRIEF_MARKDOWN_ANCHOR_TABLE);
      const char *url = g_object_get_data (G_OBJECT (anchor), DEBRIEF_MARKDOWN_ANCHOR_IMAGE);
      GtkWidget *child = NULL;

      if (table != NULL)
        child = build_table_widget (self, table);
      else if (url != NULL)
        child = build_image_widget (self, url, g_object_get_data (G_OBJECT (anchor), DEBRIEF_MARKDOWN_ANCHOR_ALT));
      if (child != NULL)
        gtk_text_view_add_child_at_anchor (GTK_TEXT_VIEW (self), child, anchor);
    }
}

static void
rerender (DebriefMarkdownView *self)
{
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  double value = vadj != NULL ? gtk_adjustment_get_value (vadj) : 0;

  g_clear_pointer (&self->layout, debrief_markdown_layout_free);
  self->layout = debrief_markdown_render (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)),
                                          self->markdown ? self->markdown : "");
  self->rendered_width = content_width (self);
  attach_widgets (self);
  if (vadj != NULL)
    gtk_adjustment_set_value (vadj, value);
}

void
debrief_markdown_view_set_markdown (DebriefMarkdownView *self,
                                    const char          *markdown)
{
  g_return_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self));

  g_free (self->markdown);
  self->markdown = g_strdup (markdown ? markdown : "");
  rerender (self);
}

const DebriefMarkdownLayout *
debrief_markdown_view_get_layout (DebriefMarkdownView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self), NULL);
  return self->layout;
}

void
debrief_markdown_view_reload_images (DebriefMarkdownView *self)
{
  g_return_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->images);
  rerender (self);
}

static int
block_y (DebriefMarkdownView *self,
         int                  offset)
{
  GtkTextIter iter;
  int y = 0, height = 0;

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter, offset);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self), &iter, &y, &height);
  return y;
}

void
debrief_markdown_view_scroll_to_source_line (DebriefMarkdownView *self,
                                             double               line)
{
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  GArray *blocks;
  guint lo = 0, hi;
  double y, y0, y1, line0, line1;

  g_return_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self));

  if (vadj == NULL || self->layout == NULL || self->layout->blocks->len == 0)
    return;
  blocks = self->layout->blocks;
  if (line <= g_array_index (blocks, DebriefMarkdownBlock, 0).source_line)
    {
      gtk_adjustment_set_value (vadj, gtk_adjustment_get_lower (vadj));
      return;
    }
  /* The last block starting at or before @line. */
  hi = blocks->len;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (blocks, DebriefMarkdownBlock, mid).source_line <= line)
        lo = mid;
      else
        hi = mid;
    }
  line0 = g_array_index (blocks, DebriefMarkdownBlock, lo).source_line;
  y0 = block_y (self, g_array_index (blocks, DebriefMarkdownBlock, lo).offset);
  if (lo + 1 < blocks->len)
    {
      line1 = g_array_index (blocks, DebriefMarkdownBlock, lo + 1).source_line;
      y1 = block_y (self, g_array_index (blocks, DebriefMarkdownBlock, lo + 1).offset);
    }
  else
    {
      GtkTextIter end;
      int h = 0;

      line1 = line0 + 1;
      gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &end);
      gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self), &end, &h, NULL);
      y1 = MAX (y0, h);
    }
  /* Part-way through a long block (a table, a code listing): part-way
   * through what it became. */
  y = y0 + CLAMP ((line - line0) / MAX (1.0, line1 - line0), 0.0, 1.0) * (y1 - y0);
  gtk_adjustment_set_value (vadj, CLAMP (y, gtk_adjustment_get_lower (vadj),
                                         gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj)));
}

const char *
debrief_markdown_view_get_link_at_offset (DebriefMarkdownView *self,
                                          int                  offset)
{
  g_return_val_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self), NULL);

  if (self->layout == NULL)
    return NULL;
  for (guint i = 0; i < self->layout->links->len; i++)
    {
      const DebriefMarkdownLink *link = &g_array_index (self->layout->links, DebriefMarkdownLink, i);
      if (offset >= link->start && offset < link->end)
        return link->url;
    }
  return NULL;
}

static const char *
link_at_position (DebriefMarkdownView *self,
                  double               x,
                  double               y)
{
  GtkTextIter iter;
  int bx, by;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), &iter, bx, by))
    return NULL;
  return debrief_markdown_view_get_link_at_offset (self, gtk_text_iter_get_offset (&iter));
}

static void
on_click_released (GtkGestureClick     *gesture,
                   int                  n_press,
                   double               x,
                   double               y,
                   DebriefMarkdownView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  const char *url;

  /* Selecting text across a link is not clicking it. */
  if (gtk_text_buffer_get_has_selection (buffer))
    return;
  url = link_at_position (self, x, y);
  if (url != NULL)
    open_uri (self, url);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           DebriefMarkdownView      *self)
{
  gboolean over = link_at_position (self, x, y) != NULL;

  if (over == self->hovering_link)
    return;
  self->hovering_link = over;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over ? "pointer" : "text");
}

static void
update_link_color (DebriefMarkdownView *self)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, "link");
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  /* libadwaita's link colours (accent blue, lighter on dark). */
  if (tag != NULL)
    g_object_set (tag, "foreground", dark ? "#78aeed" : "#1c71d8", NULL);
}

static gboolean
relayout_idle (gpointer user_data)
{
  DebriefMarkdownView *self = user_data;

  self->relayout_source = 0;
  rerender (self);
  return G_SOURCE_REMOVE;
}

static void
debrief_markdown_view_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (widget);

  GTK_WIDGET_CLASS (debrief_markdown_view_parent_class)->size_allocate (widget, width, height, baseline);

  /* Tables and images were sized for the old width. */
  if (self->layout != NULL && self->layout->anchors->len > 0
      && ABS (content_width (self) - self->rendered_width) >= RELAYOUT_WIDTH_DELTA
      && self->relayout_source == 0)
    self->relayout_source = g_idle_add (relayout_idle, self);
}

void
debrief_markdown_view_set_base_folder (DebriefMarkdownView *self,
                                       GFile               *folder)
{
  g_return_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self));

  if (folder == self->base_folder || (folder != NULL && self->base_folder != NULL
                                      && g_file_equal (folder, self->base_folder)))
    return;
  g_set_object (&self->base_folder, folder);
  g_hash_table_remove_all (self->allowed);
  debrief_markdown_view_reload_images (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_FOLDER]);
}

GFile *
debrief_markdown_view_get_base_folder (DebriefMarkdownView *self)
{
  g_return_val_if_fail (DEBRIEF_IS_MARKDOWN_VIEW (self), NULL);
  return self->base_folder;
}

GtkWidget *
debrief_markdown_view_new (void)
{
  return g_object_new (DEBRIEF_TYPE_MARKDOWN_VIEW, NULL);
}

static void
debrief_markdown_view_dispose (GObject *object)
{
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->relayout_source, g_source_remove);
  g_clear_pointer (&self->layout, debrief_markdown_layout_free);

  G_OBJECT_CLASS (debrief_markdown_view_parent_class)->dispose (object);
}

static void
debrief_markdown_view_finalize (GObject *object)
{
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);

  g_clear_object (&self->base_folder);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->images, g_hash_table_unref);
  g_clear_pointer (&self->allowed, g_hash_table_unref);
  g_free (self->markdown);

  G_OBJECT_CLASS (debrief_markdown_view_parent_class)->finalize (object);
}

static void
debrief_markdown_view_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_BASE_FOLDER:
      g_value_set_object (value, self->base_folder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_markdown_view_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DebriefMarkdownView *self = DEBRIEF_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_BASE_FOLDER:
      debrief_markdown_view_set_base_folder (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_markdown_view_class_init (DebriefMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = debrief_markdown_view_dispose;
  object_class->finalize = debrief_markdown_view_finalize;
  object_class->get_property = debrief_markdown_view_get_property;
  object_class->set_property = debrief_markdown_view_set_property;
  widget_class->size_allocate = debrief_markdown_view_size_allocate;

  properties[PROP_BASE_FOLDER] =
    g_param_spec_object ("base-folder", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
debrief_markdown_view_init (DebriefMarkdownView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) image_entry_free);
  self->allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, FALSE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (view, 18);
  gtk_text_view_set_right_margin (view, 18);
  gtk_text_view_set_top_margin (view, 12);
  gtk_text_view_set_bottom_margin (view, 24);
  gtk_widget_add_css_class (GTK_WIDGET (self), "debrief-markdown-view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Report preview"),
                                  -1);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  /* Tags exist from the start, so the link colour can follow dark mode. */
  self->layout = debrief_markdown_render (gtk_text_view_get_buffer (view), "");
  update_link_color (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_link_color), self, G_CONNECT_SWAPPED);
}
