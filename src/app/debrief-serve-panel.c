/* debrief-serve-panel.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>

#include <glib/gi18n.h>

#include "debrief-serve-panel.h"

#define COPIED_FEEDBACK_MS 1500

struct _DebriefServePanel
{
  GtkBox parent_instance;

  GSettings *settings;
  DebriefRun *run;
  DebriefServeSet *set;
  GStrv wanted;                    /* the checkpoints asked for; NULL: Debrief's pick */
  GCancellable *set_cancellable;   /* the plans being worked out */
  guint generation;                /* of the plans asked for: stale answers are dropped */
  gboolean building;
  gboolean filling_checkpoints;

  DebriefLlamaServer *llama;       /* started by us (running or starting), or NULL */
  gboolean llama_starting;
  GCancellable *llama_cancellable;
  char *llama_note;                /* how it ended, or why it could not start */
  GtkWidget *log_window;
  GtkTextView *log_view;          /* in log_window */
  GtkTextBuffer *log_buffer;

  GtkWidget *pages[DEBRIEF_N_SERVERS];     /* each page's content, rebuilt per set */
  GtkWidget *llama_extras;
  GtkLabel *base_label;
  GtkLabel *llama_status;
  GtkWidget *start_button;
  GtkWidget *stop_button;
  GtkWidget *log_button;

  /* Template widgets */
  GtkMenuButton *checkpoint_button;
  GtkBox *checkpoint_box;
  GtkLabel *summary_label;
  GtkStack *server_stack;
};

G_DEFINE_FINAL_TYPE (DebriefServePanel, debrief_serve_panel, GTK_TYPE_BOX)

enum
{
  SIGNAL_PLAN_CHOSEN,
  SIGNAL_LLAMA_CHANGED,
  SIGNAL_SET_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void rebuild (DebriefServePanel *self);
static void update_llama (DebriefServePanel *self);

/* A label that wraps instead of widening the window: without a cap its
 * natural width is its whole text on one line. */
static void
wrap_label (GtkLabel      *label,
            PangoWrapMode  mode)
{
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, mode);
  gtk_label_set_max_width_chars (label, 40);
  gtk_label_set_xalign (label, 0);
}

static GtkWidget *
dim_label (const char *text,
           gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (wrap)
    wrap_label (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

/* ---- copying a command ---- */

static gboolean
restore_copy_icon (gpointer data)
{
  GtkButton *button = data;

  gtk_button_set_icon_name (button, "edit-copy-symbolic");
  g_object_unref (button);
  return G_SOURCE_REMOVE;
}

static void
copy_clicked (GtkButton *button,
              gpointer   data)
{
  const char *text = g_object_get_data (G_OBJECT (button), "debrief-text");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
  gtk_button_set_icon_name (button, "object-select-symbolic");
  g_timeout_add (COPIED_FEEDBACK_MS, restore_copy_icon, g_object_ref (button));
}

/* A step: its title, the command in monospace (selectable) and a copy button. */
static GtkWidget *
step_row (guint       number,
          const char *title,
          const char *command)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *heading = g_strdup_printf ("%u. %s", number, title);
  GtkWidget *text = gtk_label_new (command);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *name = g_strdup_printf (_("Copy the command: %s"), title);

  gtk_box_append (GTK_BOX (box), dim_label (heading, TRUE));
  wrap_label (GTK_LABEL (text), PANGO_WRAP_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (text, "monospace");
  gtk_widget_set_margin_start (text, 6);
  gtk_widget_set_margin_top (text, 6);
  gtk_widget_set_margin_bottom (text, 6);
  gtk_widget_set_tooltip_text (copy, _("Copy"));
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data_full (G_OBJECT (copy), "debrief-text", g_strdup (command), g_free);
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_clicked), NULL);
  gtk_box_append (GTK_BOX (line), text);
  gtk_box_append (GTK_BOX (line), copy);
  gtk_widget_add_css_class (line, "card");
  gtk_box_append (GTK_BOX (box), line);
  return box;
}

/* ---- the pages ---- */

static char *
endpoint_text (const DebriefServePlan *plan)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("Endpoint %s"), plan->base_url);
  for (guint i = 0; i < plan->models->len; i++)
    {
      DebriefServeModel *m = g_ptr_array_index (plan->models, i);

      g_string_append (out, " · ");
      g_string_append_printf (out, _("%s as model %s"), m->checkpoint, m->model);
    }
  if (plan->baseline_model != NULL)
    {
      g_string_append (out, " · ");
      g_string_append_printf (out, _("baseline %s"), plan->baseline_model);
    }
  if (plan->api_key_env != NULL)
    {
      g_string_append (out, " · ");
      g_string_append_printf (out, _("API key in $%s"), plan->api_key_env);
    }
  return g_string_free (out, FALSE);
}

static void
use_clicked (GtkButton         *button,
             DebriefServePanel *self)
{
  debrief_serve_panel_use_plan (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "debrief-server")));
}

static void
fill_page (DebriefServePanel *self,
           DebriefServer      server)
{
  GtkWidget *box = self->pages[server];
  DebriefServePlan *plan;

  clear_box (box);
  if (self->set == NULL)
    {
      gtk_box_append (GTK_BOX (box), dim_label (self->run == NULL ? _("Open a run to see how to serve its checkpoints.")
                                                                  : _("Working out the commands…"), TRUE));
      return;
    }
  plan = g_ptr_array_index (self->set->plans, server);
  if (!plan->available)
    {
      gtk_box_append (GTK_BOX (box), dim_label (plan->reason, TRUE));
      return;
    }
  for (guint i = 0; i < plan->steps->len; i++)
    {
      DebriefServeStep *step = g_ptr_array_index (plan->steps, i);

      gtk_box_append (GTK_BOX (box), step_row (i + 1, step->title, step->command));
    }
  for (guint i = 0; i < plan->notes->len; i++)
    {
      g_autofree char *bullet = g_strdup_printf ("• %s", (const char *) g_ptr_array_index (plan->notes, i));

      gtk_box_append (GTK_BOX (box), dim_label (bullet, TRUE));
    }
  {
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    g_autofree char *text = endpoint_text (plan);
    GtkWidget *label = gtk_label_new (text);
    GtkWidget *use = gtk_button_new_with_mnemonic (_("_Use for Sampling"));

    wrap_label (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_selectable (GTK_LABEL (label), TRUE);
    gtk_widget_set_hexpand (label, TRUE);
    gtk_widget_set_tooltip_text (use, _("Sample the base model and these checkpoints through this endpoint"));
    gtk_widget_set_valign (use, GTK_ALIGN_CENTER);
    g_object_set_data (G_OBJECT (use), "debrief-server", GUINT_TO_POINTER (server));
    g_signal_connect (use, "clicked", G_CALLBACK (use_clicked), self);
    gtk_box_append (GTK_BOX (row), label);
    gtk_box_append (GTK_BOX (row), use);
    gtk_box_append (GTK_BOX (box), row);
  }
}

static void
update_summary (DebriefServePanel *self)
{
  DebriefRunConfig *config = self->run != NULL ? debrief_run_get_config (self->run) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *button = NULL;
  guint n = self->set != NULL ? g_strv_length (self->set->picked) : 0;

  if (config != NULL && config->base_model != NULL)
    g_string_append_printf (text, _("Base model %s"), config->base_model);
  if (config != NULL && config->lora_rank > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, _("LoRA rank %" PRId64), config->lora_rank);
    }
  if (self->set != NULL && self->set->best != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, _("Debrief picks %s (the best by validation loss, else the last)"), self->set->best);
    }
  gtk_label_set_text (self->summary_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), text->len > 0);
  if (n == 0)
    button = g_strdup (_("No Checkpoint"));
  else if (n == 1)
    button = g_strdup (self->set->picked[0]);
  else
    button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Checkpoint", "%u Checkpoints", n), n);
  gtk_menu_button_set_label (self->checkpoint_button, button);
  gtk_widget_set_sensitive (GTK_WIDGET (self->checkpoint_button), self->set != NULL && self->set->checkpoints[0] != NULL);
}

static void
checkpoint_toggled (GtkCheckButton    *check,
                    DebriefServePanel *self)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  GtkWidget *child;
  gboolean any = FALSE;

  if (self->filling_checkpoints)
    return;
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->checkpoint_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
      {
        g_strv_builder_add (b, g_object_get_data (G_OBJECT (child), "debrief-checkpoint"));
        any = TRUE;
      }
  if (!any)
    {
      /* At least one checkpoint: keep this one. */
      self->filling_checkpoints = TRUE;
      gtk_check_button_set_active (check, TRUE);
      self->filling_checkpoints = FALSE;
      return;
    }
  g_strfreev (self->wanted);
  self->wanted = g_strv_builder_end (b);
  rebuild (self);
}

static char *
checkpoint_label (DebriefServePanel *self,
                  const char        *name)
{
  GString *out = g_string_new (name);

  for (guint i = 0; self->run != NULL && i < debrief_run_get_n_checkpoints (self->run); i++)
    {
      const DebriefCheckpoint *c = debrief_run_get_checkpoint (self->run, i);

      if (g_strcmp0 (c->name, name) != 0)
        continue;
      if (!isnan (c->val_loss))
        {
          char v[32];

          g_ascii_formatd (v, sizeof v, "%.4g", c->val_loss);
          g_string_append (out, " · ");
          g_string_append_printf (out, _("validation loss %s"), v);
        }
    }
  if (self->set != NULL && g_strcmp0 (self->set->best, name) == 0)
    {
      g_string_append (out, " · ");
      g_string_append (out, _("best"));
    }
  return g_string_free (out, FALSE);
}

static void
fill_checkpoints (DebriefServePanel *self)
{
  clear_box (GTK_WIDGET (self->checkpoint_box));
  if (self->set == NULL)
    return;
  self->filling_checkpoints = TRUE;
  for (guint i = 0; self->set->checkpoints[i] != NULL; i++)
    {
      const char *name = self->set->checkpoints[i];
      g_autofree char *label = checkpoint_label (self, name);
      GtkWidget *check = gtk_check_button_new_with_label (label);

      g_object_set_data_full (G_OBJECT (check), "debrief-checkpoint", g_strdup (name), g_free);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strv_contains ((const char *const *) self->set->picked, name));
      g_signal_connect (check, "toggled", G_CALLBACK (checkpoint_toggled), self);
      gtk_box_append (self->checkpoint_box, check);
    }
  self->filling_checkpoints = FALSE;
}

static void
fill_all (DebriefServePanel *self)
{
  for (guint s = 0; s < DEBRIEF_N_SERVERS; s++)
    fill_page (self, s);
  fill_checkpoints (self);
  update_summary (self);
  update_llama (self);
}

static void
set_ready (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(DebriefServePanel) self = data;
  g_autoptr(GError) error = NULL;
  DebriefServeSet *set = debrief_serve_set_new_finish (result, &error);

  /* Cancelled (checked when the result is taken): newer plans are on their way. */
  if (set == NULL)
    return;
  g_clear_pointer (&self->set, debrief_serve_set_unref);
  self->set = set;
  self->building = FALSE;
  fill_all (self);
  g_signal_emit (self, signals[SIGNAL_SET_CHANGED], 0);
}

static void
rebuild (DebriefServePanel *self)
{
  g_autofree char *base = g_settings_get_string (self->settings, "llama-base-gguf");

  if (self->set_cancellable != NULL)
    g_cancellable_cancel (self->set_cancellable);
  g_clear_object (&self->set_cancellable);
  g_clear_pointer (&self->set, debrief_serve_set_unref);
  self->building = self->run != NULL;
  fill_all (self);
  if (self->run == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_SET_CHANGED], 0);
      return;
    }
  self->set_cancellable = g_cancellable_new ();
  debrief_serve_set_new_async (self->run, (const char *const *) self->wanted, base[0] != '\0' ? base : NULL,
                               self->set_cancellable, set_ready, g_object_ref (self));
}

/* ---- the llama-server Debrief starts ---- */

static DebriefServePlan *
llama_plan (DebriefServePanel *self)
{
  return self->set != NULL ? g_ptr_array_index (self->set->plans, DEBRIEF_SERVER_LLAMA_CPP) : NULL;
}

static void
update_llama (DebriefServePanel *self)
{
  DebriefServePlan *plan = llama_plan (self);
  gboolean running = self->llama != NULL && !self->llama_starting;
  g_autofree char *base = g_settings_get_string (self->settings, "llama-base-gguf");
  const char *used = plan != NULL && plan->llama_model != NULL ? plan->llama_model : base[0] != '\0' ? base : NULL;
  g_autofree char *base_name = used != NULL ? g_path_get_basename (used) : NULL;
  g_autofree char *status = NULL;

  if (base_name != NULL && base[0] == '\0')
    {
      /* Found beside the run. */
      char *found = g_strdup_printf (_("%s (found beside the run)"), base_name);

      g_free (base_name);
      base_name = found;
    }
  gtk_label_set_text (self->base_label, base_name != NULL ? base_name : _("Not chosen (none found beside the run)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->base_label), used);
  if (self->llama_starting)
    status = g_strdup (_("Starting llama-server (loading the model)…"));
  else if (running)
    {
      guint n = plan != NULL ? g_strv_length (plan->llama_adapters) : 0;

      status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "llama-server runs at %s with the base model and %u adapter",
                                             "llama-server runs at %s with the base model and %u adapters", n),
                                debrief_llama_server_get_base_url (self->llama), n);
    }
  else if (self->set == NULL)
    status = g_strdup ("");
  else if (self->set->llama_binary == NULL)
    status = g_strdup (self->set->llama_missing);
  else if (plan == NULL || !plan->available)
    status = g_strdup (_("llama.cpp cannot serve these checkpoints (see above)."));
  else if (plan->llama_model == NULL)
    status = g_strdup (_("Debrief starts llama-server itself once the base and the adapters are GGUF files: run the "
                         "conversions above, or choose the base model’s GGUF file."));
  else if (self->llama_note != NULL)
    status = g_strdup (self->llama_note);
  else
    status = g_strdup_printf (_("Ready to start %s"), self->set->llama_binary);
  gtk_label_set_text (self->llama_status, status);
  gtk_widget_set_sensitive (self->start_button, self->llama == NULL && plan != NULL && plan->llama_model != NULL &&
                                                self->set->llama_binary != NULL);
  gtk_widget_set_visible (self->start_button, !running && !self->llama_starting);
  gtk_widget_set_visible (self->stop_button, running || self->llama_starting);
  gtk_widget_set_sensitive (self->log_button, self->llama != NULL || self->log_buffer != NULL);
}

static void
append_log_line (DebriefServePanel *self,
                 const char        *line)
{
  GtkTextIter end;

  if (self->log_buffer == NULL)
    self->log_buffer = gtk_text_buffer_new (NULL);
  gtk_text_buffer_get_end_iter (self->log_buffer, &end);
  gtk_text_buffer_insert (self->log_buffer, &end, line, -1);
  gtk_text_buffer_get_end_iter (self->log_buffer, &end);
  gtk_text_buffer_insert (self->log_buffer, &end, "\n", 1);
  /* Follow the output, as a terminal does. */
  if (self->log_window != NULL)
    gtk_text_view_scroll_to_mark (self->log_view, gtk_text_buffer_get_insert (self->log_buffer), 0.0, FALSE, 0, 0);
}

static void
llama_log (DebriefLlamaServer *server,
           const char         *line,
           DebriefServePanel  *self)
{
  append_log_line (self, line);
}

static void
llama_exited (DebriefLlamaServer *server,
              int                 status,
              const char         *how,
              DebriefServePanel  *self)
{
  g_free (self->llama_note);
  self->llama_note = g_strdup (how);
  g_signal_handlers_disconnect_by_data (server, self);
  g_clear_object (&self->llama);
  self->llama_starting = FALSE;
  update_llama (self);
  g_signal_emit (self, signals[SIGNAL_LLAMA_CHANGED], 0);
}

static void
llama_started (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(DebriefServePanel) self = data;
  g_autoptr(GError) error = NULL;

  if (!debrief_llama_server_start_finish (DEBRIEF_LLAMA_SERVER (source), result, &error))
    {
      if (DEBRIEF_LLAMA_SERVER (source) == self->llama)
        {
          g_free (self->llama_note);
          self->llama_note = g_strdup (error->message);
          g_signal_handlers_disconnect_by_data (source, self);
          g_clear_object (&self->llama);
          self->llama_starting = FALSE;
          update_llama (self);
        }
      return;
    }
  if (DEBRIEF_LLAMA_SERVER (source) != self->llama)
    return;
  self->llama_starting = FALSE;
  update_llama (self);
  g_signal_emit (self, signals[SIGNAL_LLAMA_CHANGED], 0);
}

void
debrief_serve_panel_start_llama (DebriefServePanel *self)
{
  DebriefServePlan *plan = llama_plan (self);

  g_return_if_fail (DEBRIEF_IS_SERVE_PANEL (self));

  if (self->llama != NULL || plan == NULL || plan->llama_model == NULL || self->set->llama_binary == NULL)
    return;
  g_clear_pointer (&self->llama_note, g_free);
  if (self->log_buffer != NULL)
    gtk_text_buffer_set_text (self->log_buffer, "", 0);
  self->llama = debrief_llama_server_new (self->set->llama_binary, plan->llama_model,
                                          (const char *const *) plan->llama_adapters);
  debrief_llama_server_set_parallel (self->llama, g_settings_get_int (self->settings, "concurrency"));
  g_signal_connect (self->llama, "log", G_CALLBACK (llama_log), self);
  g_signal_connect (self->llama, "exited", G_CALLBACK (llama_exited), self);
  self->llama_starting = TRUE;
  g_clear_object (&self->llama_cancellable);
  self->llama_cancellable = g_cancellable_new ();
  debrief_llama_server_start_async (self->llama, self->llama_cancellable, llama_started, g_object_ref (self));
  update_llama (self);
}

void
debrief_serve_panel_stop_llama (DebriefServePanel *self)
{
  g_return_if_fail (DEBRIEF_IS_SERVE_PANEL (self));

  if (self->llama != NULL)
    debrief_llama_server_stop (self->llama);
}

static void
log_clicked (DebriefServePanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *view;
  GtkWidget *scroll;
  GtkWidget *box;

  if (self->log_window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->log_window));
      return;
    }
  if (self->log_buffer == NULL)
    self->log_buffer = gtk_text_buffer_new (NULL);
  self->log_window = adw_window_new ();
  g_object_add_weak_pointer (G_OBJECT (self->log_window), (gpointer *) &self->log_window);
  gtk_window_set_title (GTK_WINDOW (self->log_window), _("llama-server Log"));
  gtk_window_set_default_size (GTK_WINDOW (self->log_window), 900, 520);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self->log_window), GTK_WINDOW (root));
  gtk_window_set_hide_on_close (GTK_WINDOW (self->log_window), FALSE);
  view = gtk_text_view_new_with_buffer (self->log_buffer);
  self->log_view = GTK_TEXT_VIEW (view);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("llama-server output"), -1);
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), view);
  gtk_widget_set_vexpand (scroll, TRUE);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), scroll);
  adw_window_set_content (ADW_WINDOW (self->log_window), box);
  gtk_window_present (GTK_WINDOW (self->log_window));
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (self->log_buffer, &end);
    gtk_text_buffer_place_cursor (self->log_buffer, &end);
    gtk_text_view_scroll_to_mark (self->log_view, gtk_text_buffer_get_insert (self->log_buffer), 0.0, FALSE, 0, 0);
  }
}

static void
base_chosen (GtkNativeDialog   *dialog,
             int                response,
             DebriefServePanel *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        {
          g_settings_set_string (self->settings, "llama-base-gguf", path);
          rebuild (self);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_base_clicked (DebriefServePanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Base Model as GGUF"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("GGUF models"));
  gtk_file_filter_add_suffix (filter, "gguf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (base_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static GtkWidget *
button (const char *mnemonic,
        const char *tooltip,
        GCallback   callback,
        gpointer    data)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (b, "clicked", callback, data);
  return b;
}

/* The part of the llama.cpp page that starts and stops Debrief's own server. */
static GtkWidget *
llama_extras (DebriefServePanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *base_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *run_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (_("Let Debrief run it"));

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_margin_top (title, 6);
  gtk_box_append (GTK_BOX (box), title);

  gtk_box_append (GTK_BOX (base_row), gtk_label_new (_("Base model (GGUF):")));
  self->base_label = GTK_LABEL (dim_label ("", FALSE));
  gtk_label_set_ellipsize (self->base_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->base_label), TRUE);
  gtk_box_append (GTK_BOX (base_row), GTK_WIDGET (self->base_label));
  gtk_box_append (GTK_BOX (base_row), button (_("C_hoose…"), _("Choose the base model’s GGUF file"),
                                              G_CALLBACK (choose_base_clicked), self));
  gtk_box_append (GTK_BOX (box), base_row);

  self->llama_status = GTK_LABEL (dim_label ("", TRUE));
  gtk_widget_set_hexpand (GTK_WIDGET (self->llama_status), TRUE);
  gtk_label_set_selectable (self->llama_status, TRUE);
  gtk_box_append (GTK_BOX (run_row), GTK_WIDGET (self->llama_status));
  self->log_button = button (_("_Log"), _("Show llama-server’s output"), G_CALLBACK (log_clicked), self);
  self->stop_button = button (_("S_top"), _("Stop llama-server"), G_CALLBACK (debrief_serve_panel_stop_llama), self);
  self->start_button = button (_("_Start llama-server"), _("Start llama-server with the base model and the adapters, and sample through it"),
                               G_CALLBACK (debrief_serve_panel_start_llama), self);
  gtk_widget_add_css_class (self->start_button, "suggested-action");
  gtk_box_append (GTK_BOX (run_row), self->log_button);
  gtk_box_append (GTK_BOX (run_row), self->stop_button);
  gtk_box_append (GTK_BOX (run_row), self->start_button);
  gtk_box_append (GTK_BOX (box), run_row);
  return box;
}

/* ---- API ---- */

void
debrief_serve_panel_set_run (DebriefServePanel *self,
                             DebriefRun        *run)
{
  g_return_if_fail (DEBRIEF_IS_SERVE_PANEL (self));

  if (self->run == run)
    return;
  g_set_object (&self->run, run);
  g_clear_pointer (&self->wanted, g_strfreev);
  /* Another run's adapters: its server goes. */
  debrief_serve_panel_stop_llama (self);
  rebuild (self);
}

DebriefServeSet *
debrief_serve_panel_get_set (DebriefServePanel *self)
{
  return self->set;
}

void
debrief_serve_panel_set_checkpoints (DebriefServePanel *self,
                                     const char *const *checkpoints)
{
  g_strfreev (self->wanted);
  self->wanted = g_strdupv ((char **) checkpoints);
  rebuild (self);
}

gboolean
debrief_serve_panel_is_busy (DebriefServePanel *self)
{
  return self->building || self->llama_starting;
}

DebriefLlamaServer *
debrief_serve_panel_get_llama_server (DebriefServePanel *self)
{
  return self->llama != NULL && !self->llama_starting ? self->llama : NULL;
}

void
debrief_serve_panel_use_plan (DebriefServePanel *self,
                              DebriefServer      server)
{
  DebriefServePlan *plan;

  g_return_if_fail (DEBRIEF_IS_SERVE_PANEL (self));

  if (self->set == NULL || server >= DEBRIEF_N_SERVERS)
    return;
  plan = g_ptr_array_index (self->set->plans, server);
  if (!plan->available)
    return;
  /* The endpoint profile follows the plan (Preferences show it). */
  g_settings_set_string (self->settings, "endpoint-profile",
                         server == DEBRIEF_SERVER_SGLANG ? "vllm" : debrief_server_to_string (server));
  g_settings_set_string (self->settings, "endpoint-url", plan->base_url);
  if (plan->models->len > 0)
    g_settings_set_string (self->settings, "model-name", ((DebriefServeModel *) g_ptr_array_index (plan->models, 0))->model);
  g_settings_set_string (self->settings, "baseline-model-name", plan->baseline_model != NULL ? plan->baseline_model : "");
  if (plan->api_key_env != NULL)
    g_settings_set_string (self->settings, "api-key-env", plan->api_key_env);
  g_signal_emit (self, signals[SIGNAL_PLAN_CHOSEN], 0, plan);
}

const char *
debrief_serve_panel_get_llama_status (DebriefServePanel *self)
{
  return gtk_label_get_text (self->llama_status);
}

/* ---- object ---- */

static void
debrief_serve_panel_dispose (GObject *object)
{
  DebriefServePanel *self = DEBRIEF_SERVE_PANEL (object);

  if (self->set_cancellable != NULL)
    g_cancellable_cancel (self->set_cancellable);
  if (self->llama_cancellable != NULL)
    g_cancellable_cancel (self->llama_cancellable);
  /* The window closes: Debrief's llama-server goes with it. */
  if (self->llama != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->llama, self);
      debrief_llama_server_stop (self->llama);
      g_clear_object (&self->llama);
    }
  if (self->log_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->log_window));
  g_clear_object (&self->log_buffer);
  g_clear_object (&self->set_cancellable);
  g_clear_object (&self->llama_cancellable);
  g_clear_pointer (&self->set, debrief_serve_set_unref);
  g_clear_object (&self->run);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (object), DEBRIEF_TYPE_SERVE_PANEL);
  G_OBJECT_CLASS (debrief_serve_panel_parent_class)->dispose (object);
}

static void
debrief_serve_panel_finalize (GObject *object)
{
  DebriefServePanel *self = DEBRIEF_SERVE_PANEL (object);

  g_strfreev (self->wanted);
  g_free (self->llama_note);
  G_OBJECT_CLASS (debrief_serve_panel_parent_class)->finalize (object);
}

static void
debrief_serve_panel_class_init (DebriefServePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = debrief_serve_panel_dispose;
  object_class->finalize = debrief_serve_panel_finalize;

  /**
   * DebriefServePanel::plan-chosen:
   * @plan: (type DebriefServePlan): the plan to sample through
   */
  signals[SIGNAL_PLAN_CHOSEN] = g_signal_new ("plan-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 1, DEBRIEF_TYPE_SERVE_PLAN);
  /* Debrief's llama-server became ready, or went away. */
  signals[SIGNAL_LLAMA_CHANGED] = g_signal_new ("llama-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* New plans (other checkpoints, another run). */
  signals[SIGNAL_SET_CHANGED] = g_signal_new ("set-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-serve-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefServePanel, checkpoint_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefServePanel, checkpoint_box);
  gtk_widget_class_bind_template_child (widget_class, DebriefServePanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefServePanel, server_stack);
}

static void
debrief_serve_panel_init (DebriefServePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint s = 0; s < DEBRIEF_N_SERVERS; s++)
    {
      GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

      self->pages[s] = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      gtk_box_append (GTK_BOX (page), self->pages[s]);
      if (s == DEBRIEF_SERVER_LLAMA_CPP)
        {
          self->llama_extras = llama_extras (self);
          gtk_box_append (GTK_BOX (page), self->llama_extras);
        }
      gtk_stack_add_titled (self->server_stack, page, debrief_server_to_string (s), debrief_server_get_title (s));
    }
}

GtkWidget *
debrief_serve_panel_new (GSettings *settings)
{
  DebriefServePanel *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DEBRIEF_TYPE_SERVE_PANEL, NULL);
  self->settings = g_object_ref (settings);
  fill_all (self);
  return GTK_WIDGET (self);
}
