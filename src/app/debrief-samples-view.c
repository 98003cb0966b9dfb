/* debrief-samples-view.c: the Samples page
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "debrief-endpoint-preferences.h"
#include "debrief-prompt-card.h"
#include "debrief-core.h"
#include "debrief-wrap-layout.h"
#include "debrief-samples-view.h"
#include "debrief-serve-panel.h"

/* Who answers: the checkpoints compared and the base model. */
typedef struct
{
  DebriefSampleRole role;
  char *model;
  char *checkpoint;
  gint64 step;
  char *request_extra;
} Column;

struct _DebriefSamplesView
{
  AdwBin parent_instance;

  DebriefWorkspace *workspace;
  GListModel *runs;               /* the workspace's */
  GSettings *settings;
  GCancellable *cancellable;      /* everything; cancelled on dispose */
  GCancellable *run_cancellable;  /* the current sampling run */
  DebriefSampler *sampler;
  gboolean sampling;
  gboolean judging;
  gboolean reading;               /* a prompt file or an evaluation set is being read */
  DebriefServePanel *serve_panel;
  DebriefServePlan *chosen_plan;  /* "Use for Sampling", or NULL: the settings' two models */
  GArray *columns;                /* Column, what the cards show and the next run samples */

  /* Template widgets */
  GtkLabel *run_label;
  GtkLabel *status_label;
  GtkLabel *judge_label;
  GtkWidget *judge_card;
  GtkWidget *sample_button;
  GtkWidget *cancel_button;
  GtkWidget *judge_button;
  GtkWidget *add_button;
  GtkWidget *load_button;
  GtkWidget *eval_button;
  GtkBox *serve_slot;
  GtkBox *prompts_box;
  GPtrArray *cards;               /* DebriefPromptCard, borrowed: children of prompts_box */
};

G_DEFINE_FINAL_TYPE (DebriefSamplesView, debrief_samples_view, ADW_TYPE_BIN)

static DebriefRun *
current_run (DebriefSamplesView *self)
{
  g_autoptr(DebriefRun) run = NULL;

  if (self->runs == NULL || g_list_model_get_n_items (self->runs) == 0)
    return NULL;
  run = g_list_model_get_item (self->runs, 0);
  return run;  /* the model keeps it alive */
}

static void
set_status (DebriefSamplesView *self,
            const char         *text,
            gboolean            is_error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && text[0] != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
update_sensitivity (DebriefSamplesView *self)
{
  gboolean have_run = current_run (self) != NULL;
  gboolean busy = self->sampling || self->judging;

  gtk_widget_set_sensitive (self->sample_button, have_run && !busy);
  gtk_widget_set_sensitive (self->judge_button, have_run && !busy);
  gtk_widget_set_sensitive (self->cancel_button, busy);
  gtk_widget_set_sensitive (self->add_button, !self->sampling);
  gtk_widget_set_sensitive (self->load_button, !self->sampling && !self->reading);
  gtk_widget_set_sensitive (self->eval_button, !self->sampling && !self->reading);
  for (guint i = 0; i < self->cards->len; i++)
    {
      DebriefPromptCard *card = g_ptr_array_index (self->cards, i);

      debrief_prompt_card_set_editable (card, !self->sampling);
      for (guint r = 0; r < debrief_prompt_card_get_n_columns (card); r++)
        {
          DebriefSampleState state = self->sampler != NULL && i < debrief_sampler_get_n_prompts (self->sampler) &&
                                     r < debrief_sampler_get_n_columns (self->sampler)
                                     ? debrief_sampler_get_state (self->sampler, i, r) : DEBRIEF_SAMPLE_STATE_IDLE;
          gboolean running = state == DEBRIEF_SAMPLE_STATE_WAITING || state == DEBRIEF_SAMPLE_STATE_STREAMING;

          debrief_answer_view_set_controls (debrief_prompt_card_get_column (card, r),
                                            self->sampler != NULL && !self->judging &&
                                            i < debrief_sampler_get_n_prompts (self->sampler) &&
                                            r < debrief_sampler_get_n_columns (self->sampler),
                                            running);
        }
    }
}

static void
update_run_label (DebriefSamplesView *self)
{
  DebriefRun *run = current_run (self);
  DebriefLlamaServer *llama = self->serve_panel != NULL ? debrief_serve_panel_get_llama_server (self->serve_panel) : NULL;
  g_autofree char *url = llama != NULL ? g_strdup (debrief_llama_server_get_base_url (llama))
                                       : g_settings_get_string (self->settings, "endpoint-url");
  g_autofree char *text = NULL;

  if (run == NULL)
    text = g_strdup (_("Open a run to sample its fine-tuned model next to the base model."));
  else if (llama != NULL)
    text = g_strdup_printf (_("Run “%s” · Debrief’s llama-server at %s"), debrief_run_get_name (run), url);
  else
    text = g_strdup_printf (_("Run “%s” · endpoint %s"), debrief_run_get_name (run), url);
  gtk_label_set_text (self->run_label, text);
  if (self->serve_panel != NULL)
    debrief_serve_panel_set_run (self->serve_panel, run);
  update_sensitivity (self);
}

/* ---- prompt cards ---- */

static guint
card_index (DebriefSamplesView *self,
            DebriefPromptCard  *card)
{
  guint index = G_MAXUINT;

  g_ptr_array_find (self->cards, card, &index);
  return index;
}

static void remove_prompt (DebriefSamplesView *self, DebriefPromptCard *card);

static void
rerun_cb (DebriefSamplesView *self,
          guint               column,
          DebriefPromptCard  *card)
{
  debrief_samples_view_rerun (self, card_index (self, card), column);
}

static void
cancel_item_cb (DebriefSamplesView *self,
                guint               column,
                DebriefPromptCard  *card)
{
  if (self->sampler != NULL)
    debrief_sampler_cancel_item (self->sampler, card_index (self, card), column);
}

static void
add_card (DebriefSamplesView *self,
          const char         *prompt)
{
  GtkWidget *card = debrief_prompt_card_new (prompt);

  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *col = &g_array_index (self->columns, Column, c);

      debrief_prompt_card_add_column (DEBRIEF_PROMPT_CARD (card),
                                      col->role == DEBRIEF_ROLE_BASELINE ? _("Baseline")
                                      : col->checkpoint != NULL ? col->checkpoint : _("Fine-tuned"));
    }
  g_signal_connect_object (card, "remove", G_CALLBACK (remove_prompt), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (card, "rerun", G_CALLBACK (rerun_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (card, "cancel", G_CALLBACK (cancel_item_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->prompts_box, card);
  g_ptr_array_add (self->cards, card);
}

static void
rebuild_cards (DebriefSamplesView *self,
               const char *const  *prompts)
{
  for (guint i = 0; i < self->cards->len; i++)
    gtk_box_remove (self->prompts_box, g_ptr_array_index (self->cards, i));
  g_ptr_array_set_size (self->cards, 0);
  for (guint i = 0; prompts != NULL && prompts[i] != NULL; i++)
    add_card (self, prompts[i]);
  update_sensitivity (self);
}

/* The prompts as edited, blank ones dropped. */
static GStrv
current_prompts (DebriefSamplesView *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->cards->len; i++)
    {
      DebriefPromptCard *card = g_ptr_array_index (self->cards, i);
      g_autofree char *text = g_strstrip (g_strdup (debrief_prompt_card_get_prompt (card)));

      if (text[0] != '\0')
        g_strv_builder_add (builder, text);
    }
  return g_strv_builder_end (builder);
}

static void
remove_prompt (DebriefSamplesView *self,
               DebriefPromptCard  *removed)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  if (self->sampling)
    return;
  for (guint i = 0; i < self->cards->len; i++)
    if (g_ptr_array_index (self->cards, i) != removed)
      g_strv_builder_add (builder, debrief_prompt_card_get_prompt (g_ptr_array_index (self->cards, i)));
  kept = g_strv_builder_end (builder);
  g_clear_object (&self->sampler);
  rebuild_cards (self, (const char *const *) kept);
}

static void
add_prompt_clicked (DebriefSamplesView *self)
{
  add_card (self, "");
  debrief_prompt_card_grab_focus (g_ptr_array_index (self->cards, self->cards->len - 1));
  update_sensitivity (self);
}

/* ---- reading prompts off the GUI thread ---- */

typedef struct
{
  char *path;
  gboolean data_set;   /* an evaluation set (a column, 50 rows), else a prompt file */
  char *column;        /* out */
  guint n_rows;        /* out */
} PromptsJob;

static void
prompts_job_free (PromptsJob *job)
{
  g_free (job->path);
  g_free (job->column);
  g_free (job);
}

static void
read_prompts_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  PromptsJob *job = data;
  GError *error = NULL;
  GStrv prompts;

  if (job->data_set)
    prompts = debrief_prompts_from_data (job->path, NULL, DEBRIEF_PROMPTS_DEFAULT_SAMPLE, 0, &job->column,
                                         &job->n_rows, NULL, &error);
  else
    prompts = debrief_prompts_load (job->path, &error);
  if (prompts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, prompts, (GDestroyNotify) g_strfreev);
}

static void
prompts_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  DebriefSamplesView *self = DEBRIEF_SAMPLES_VIEW (source);
  PromptsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) prompts = g_task_propagate_pointer (G_TASK (result), &error);

  self->reading = FALSE;
  if (prompts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message, TRUE);
      update_sensitivity (self);
      return;
    }
  g_clear_object (&self->sampler);
  rebuild_cards (self, (const char *const *) prompts);
  g_settings_set_strv (self->settings, "prompts", (const char *const *) prompts);
  if (job->data_set)
    {
      g_autofree char *name = g_path_get_basename (job->path);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u prompt from the column “%s” of %s (a sample of its rows, the same every time)",
                                                            "%u prompts from the column “%s” of %s (a sample of its rows, the same every time)",
                                                            job->n_rows),
                                               job->n_rows, job->column, name);

      set_status (self, text, FALSE);
    }
  else
    set_status (self, NULL, FALSE);
  update_sensitivity (self);
}

static void
read_prompts (DebriefSamplesView *self,
              const char         *path,
              gboolean            data_set)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, prompts_read, NULL);
  PromptsJob *job = g_new0 (PromptsJob, 1);

  job->path = g_strdup (path);
  job->data_set = data_set;
  g_task_set_task_data (task, job, (GDestroyNotify) prompts_job_free);
  self->reading = TRUE;
  update_sensitivity (self);
  g_task_run_in_thread (task, read_prompts_thread);
}

static void
prompts_file_chosen (GtkNativeDialog    *dialog,
                     int                 response,
                     DebriefSamplesView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL)
        set_status (self, _("Only local files can be read"), TRUE);
      else
        read_prompts (self, path, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "debrief-data-set")));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
load_prompts_clicked (DebriefSamplesView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Load Prompts"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN,
                                                              _("_Load"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Prompts (one per line, or JSON Lines)"));
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (prompts_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
eval_data_clicked (DebriefSamplesView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Prompts from an Evaluation Set"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN,
                                                              _("_Use"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  DebriefServeSet *set = debrief_serve_panel_get_set (self->serve_panel);

  gtk_file_filter_set_name (filter, _("Evaluation sets (JSON Lines, JSON, CSV)"));
  gtk_file_filter_add_suffix (filter, "jsonl");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* The file the run's config names, when it is here. */
  if (set != NULL && set->eval_data != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (set->eval_data);

      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL);
    }
  g_object_set_data (G_OBJECT (dialog), "debrief-data-set", GINT_TO_POINTER (TRUE));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (prompts_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- who answers ---- */

static void
column_clear (Column *c)
{
  g_free (c->model);
  g_free (c->checkpoint);
  g_free (c->request_extra);
}

static void
add_column (DebriefSamplesView *self,
            DebriefSampleRole   role,
            const char         *model,
            const char         *checkpoint,
            gint64              step,
            const char         *request_extra)
{
  Column c = { role, g_strdup (model), g_strdup (checkpoint), step, g_strdup (request_extra) };

  g_array_append_val (self->columns, c);
}

/* The plan sampled through: Debrief's llama-server while it runs, else the one chosen. */
static DebriefServePlan *
sampling_plan (DebriefSamplesView *self)
{
  DebriefServeSet *set = debrief_serve_panel_get_set (self->serve_panel);

  if (debrief_serve_panel_get_llama_server (self->serve_panel) != NULL && set != NULL)
    return g_ptr_array_index (set->plans, DEBRIEF_SERVER_LLAMA_CPP);
  return self->chosen_plan;
}

/* Columns from the plan sampled through, else the fine-tuned and baseline
 * models of the settings (for Tinker, the best checkpoint's sampler_path). */
static void
update_columns (DebriefSamplesView *self)
{
  DebriefServePlan *plan = sampling_plan (self);
  DebriefRun *run = current_run (self);
  g_auto(GStrv) prompts = current_prompts (self);

  g_array_set_size (self->columns, 0);
  if (plan != NULL)
    {
      g_autoptr(GArray) cols = debrief_serve_plan_get_columns (plan, run, TRUE);

      for (guint i = 0; i < cols->len; i++)
        {
          DebriefSampleColumn *c = &g_array_index (cols, DebriefSampleColumn, i);

          add_column (self, c->role, c->model, c->checkpoint, c->step, c->request_extra);
        }
    }
  else
    {
      g_autofree char *tuned = g_settings_get_string (self->settings, "model-name");
      g_autofree char *base = g_settings_get_string (self->settings, "baseline-model-name");
      const DebriefCheckpoint *best = run != NULL ? debrief_run_get_best_checkpoint (run) : NULL;

      if (tuned[0] == '\0' && best != NULL && best->sampler_path != NULL)
        add_column (self, DEBRIEF_ROLE_FINE_TUNED, best->sampler_path, best->name, best->step, NULL);
      else
        add_column (self, DEBRIEF_ROLE_FINE_TUNED, tuned, NULL, -1, NULL);
      add_column (self, DEBRIEF_ROLE_BASELINE,
                  base[0] != '\0' ? base : run != NULL ? debrief_run_get_config (run)->base_model : NULL, NULL, -1, NULL);
    }
  /* The cards get the new columns (a prompt's answers so far go with the old ones). */
  g_clear_object (&self->sampler);
  rebuild_cards (self, (const char *const *) prompts);
}

static void
plan_chosen (DebriefServePanel  *panel,
             DebriefServePlan   *plan,
             DebriefSamplesView *self)
{
  g_clear_pointer (&self->chosen_plan, debrief_serve_plan_unref);
  self->chosen_plan = debrief_serve_plan_ref (plan);
  if (!self->sampling && !self->judging)
    update_columns (self);
  update_run_label (self);
}

static void
serve_changed (DebriefServePanel  *panel,
               DebriefSamplesView *self)
{
  /* Other checkpoints ticked: a chosen plan is for the old ones. */
  if (self->chosen_plan != NULL)
    {
      DebriefServeSet *set = debrief_serve_panel_get_set (panel);

      if (set != NULL)
        plan_chosen (panel, g_ptr_array_index (set->plans, self->chosen_plan->server), self);
    }
  else if (!self->sampling && !self->judging)
    update_columns (self);
  update_run_label (self);
}

/* ---- sampling ---- */

static void
show_item (DebriefSamplesView *self,
           guint               prompt,
           DebriefSampleRole   role)
{
  DebriefAnswerView *answer;
  DebriefSampleState state;
  g_autofree char *text = NULL;

  if (self->sampler == NULL || prompt >= self->cards->len ||
      role >= debrief_prompt_card_get_n_columns (g_ptr_array_index (self->cards, prompt)))
    return;
  answer = debrief_prompt_card_get_column (g_ptr_array_index (self->cards, prompt), role);
  state = debrief_sampler_get_state (self->sampler, prompt, role);
  switch (state)
    {
    case DEBRIEF_SAMPLE_STATE_WAITING:
      debrief_answer_view_set_text (answer, "");
      text = g_strdup (_("Waiting…"));
      break;
    case DEBRIEF_SAMPLE_STATE_STREAMING:
      text = g_strdup (_("Streaming…"));
      break;
    case DEBRIEF_SAMPLE_STATE_DONE:
      {
        const DebriefSample *s = debrief_sampler_get_sample (self->sampler, prompt, role);
        char latency[32];

        debrief_answer_view_set_text (answer, s->text);
        g_ascii_formatd (latency, sizeof latency, "%.1f", s->latency);
        if (s->completion_tokens >= 0)
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %" PRId64 " token · %s s",
                                               "%s · %" PRId64 " tokens · %s s", s->completion_tokens),
                                  s->model, s->completion_tokens, latency);
        else
          text = g_strdup_printf ("%s · %s s", s->model, latency);
        if (s->finish_reason != NULL && g_strcmp0 (s->finish_reason, "stop") != 0)
          {
            char *longer = g_strdup_printf (_("%s · stopped: %s"), text, s->finish_reason);

            g_free (text);
            text = longer;
          }
      }
      break;
    case DEBRIEF_SAMPLE_STATE_FAILED:
      text = g_strdup (debrief_sampler_get_error (self->sampler, prompt, role));
      break;
    case DEBRIEF_SAMPLE_STATE_CANCELLED:
      text = g_strdup (_("Cancelled"));
      break;
    case DEBRIEF_SAMPLE_STATE_IDLE:
    default:
      break;
    }
  debrief_answer_view_set_status (answer, text, state == DEBRIEF_SAMPLE_STATE_FAILED);
}

static void
on_delta (DebriefSampler     *sampler,
          guint               prompt,
          guint               role,
          const char         *text,
          DebriefSamplesView *self)
{
  if (prompt >= self->cards->len || role >= debrief_prompt_card_get_n_columns (g_ptr_array_index (self->cards, prompt)))
    return;
  debrief_answer_view_append_text (debrief_prompt_card_get_column (g_ptr_array_index (self->cards, prompt), role),
                                   text);
}

static void
on_item_changed (DebriefSampler     *sampler,
                 guint               prompt,
                 guint               role,
                 DebriefSamplesView *self)
{
  show_item (self, prompt, role);
  update_sensitivity (self);
}

static void
sample_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(DebriefSamplesView) self = data;
  g_autoptr(GError) error = NULL;
  gssize n = debrief_sampler_run_finish (DEBRIEF_SAMPLER (source), result, &error);

  if (DEBRIEF_SAMPLER (source) != self->sampler)
    return;  /* a stale run */
  self->sampling = FALSE;
  if (n >= 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zd answer saved to samples.jsonl",
                                                            "%zd answers saved to samples.jsonl", n), n);

      set_status (self, text, FALSE);
    }
  else
    set_status (self, error->message, !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  update_sensitivity (self);
}

typedef struct
{
  DebriefSamplesView *self;
  char *samples_path;
  GStrv prompts;
} SampleStart;

static void
sample_start_free (SampleStart *start)
{
  g_object_unref (start->self);
  g_free (start->samples_path);
  g_strfreev (start->prompts);
  g_free (start);
}

static void
start_sampler (SampleStart   *start,
               DebriefClient *client)
{
  DebriefSamplesView *self = start->self;
  g_autoptr(GArray) cols = g_array_new (FALSE, TRUE, sizeof (DebriefSampleColumn));

  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *c = &g_array_index (self->columns, Column, i);
      DebriefSampleColumn sc = { c->role, c->model, c->checkpoint, c->step, c->request_extra };

      g_array_append_val (cols, sc);
    }
  if (self->sampler != NULL)
    g_signal_handlers_disconnect_by_data (self->sampler, self);
  g_clear_object (&self->sampler);
  self->sampler = debrief_sampler_new (client, start->samples_path);
  debrief_sampler_set_prompts (self->sampler, (const char *const *) start->prompts);
  debrief_sampler_set_columns (self->sampler, (DebriefSampleColumn *) cols->data, cols->len);
  debrief_sampler_set_params (self->sampler, DEBRIEF_API_CHAT, g_settings_get_double (self->settings, "temperature"),
                              g_settings_get_int (self->settings, "max-tokens"));
  g_signal_connect (self->sampler, "delta", G_CALLBACK (on_delta), self);
  g_signal_connect (self->sampler, "item-changed", G_CALLBACK (on_item_changed), self);
  set_status (self, _("Sampling…"), FALSE);
  debrief_sampler_run_async (self->sampler, self->run_cancellable, sample_done, g_object_ref (self));
}

static void
sample_key_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  SampleStart *start = data;
  DebriefSamplesView *self = start->self;
  g_autofree char *key = debrief_endpoint_lookup_api_key_finish (result);
  g_autoptr(DebriefClient) client = NULL;

  if (g_cancellable_is_cancelled (self->run_cancellable))
    {
      self->sampling = FALSE;
      set_status (self, _("Cancelled"), FALSE);
      update_sensitivity (self);
      sample_start_free (start);
      return;
    }
  client = debrief_endpoint_new_client (self->settings, key);
  start_sampler (start, client);
  sample_start_free (start);
}

static gboolean
has_fine_tuned (DebriefSamplesView *self)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *c = &g_array_index (self->columns, Column, i);

      if (c->role == DEBRIEF_ROLE_FINE_TUNED && c->model != NULL && c->model[0] != '\0')
        return TRUE;
    }
  return FALSE;
}

void
debrief_samples_view_sample (DebriefSamplesView *self)
{
  DebriefRun *run = current_run (self);
  DebriefLlamaServer *llama;
  g_autofree char *profile = NULL;
  g_autofree char *url = NULL;
  g_autofree char *dir = NULL;
  SampleStart *start;
  g_auto(GStrv) prompts = NULL;

  g_return_if_fail (DEBRIEF_IS_SAMPLES_VIEW (self));

  if (run == NULL || self->sampling || self->judging)
    return;
  prompts = current_prompts (self);
  if (prompts[0] == NULL)
    {
      set_status (self, _("Add a prompt first"), TRUE);
      return;
    }
  dir = g_file_get_path (debrief_run_get_folder (run));
  profile = g_settings_get_string (self->settings, "endpoint-profile");
  g_settings_set_strv (self->settings, "prompts", (const char *const *) prompts);
  /* The models as they are now (Preferences may have changed them); the cards follow. */
  update_columns (self);
  if (!has_fine_tuned (self))
    {
      set_status (self, g_strcmp0 (profile, "tinker") == 0
                        ? _("This run names no checkpoint sampler_path: set the fine-tuned model in Preferences → Sampling")
                        : _("Set the fine-tuned model name in Preferences → Sampling, or use a server for the checkpoints above"),
                  TRUE);
      return;
    }
  if (dir == NULL)
    {
      set_status (self, _("The run's folder is not a local folder"), TRUE);
      return;
    }
  start = g_new0 (SampleStart, 1);
  start->self = g_object_ref (self);
  start->samples_path = g_build_filename (dir, DEBRIEF_SAMPLES_FILE, NULL);
  start->prompts = g_steal_pointer (&prompts);

  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();
  self->sampling = TRUE;
  update_sensitivity (self);
  llama = debrief_serve_panel_get_llama_server (self->serve_panel);
  if (llama != NULL)
    {
      /* Debrief's own server: no key, its own address. */
      g_autoptr(DebriefClient) client = debrief_client_new (debrief_llama_server_get_base_url (llama), NULL);

      debrief_client_set_concurrency (client, g_settings_get_int (self->settings, "concurrency"));
      start_sampler (start, client);
      sample_start_free (start);
      return;
    }
  set_status (self, _("Connecting…"), FALSE);
  url = g_settings_get_string (self->settings, "endpoint-url");
  debrief_endpoint_lookup_api_key_async (self->settings, url, self->cancellable, sample_key_ready, start);
}

void
debrief_samples_view_cancel (DebriefSamplesView *self)
{
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

static void
rerun_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(DebriefSamplesView) self = data;
  g_autoptr(GError) error = NULL;

  if (!debrief_sampler_rerun_finish (DEBRIEF_SAMPLER (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (self, error->message, TRUE);
  update_sensitivity (self);
}

void
debrief_samples_view_rerun (DebriefSamplesView *self,
                            guint               prompt,
                            guint               role)
{
  if (self->sampler == NULL || prompt >= debrief_sampler_get_n_prompts (self->sampler))
    return;
  debrief_sampler_rerun_async (self->sampler, prompt, role, self->cancellable, rerun_done, g_object_ref (self));
  update_sensitivity (self);
}

/* ---- judging ---- */

/* Every candidate's verdict: one sentence for a single checkpoint, one per checkpoint else. */
static char *
judgement_text (GPtrArray *judgements)
{
  g_auto(GStrv) candidates = debrief_judgements_candidates (judgements);
  GString *out = g_string_new (NULL);

  for (guint i = 0; candidates[i] != NULL; i++)
    {
      DebriefJudgeSummary s;
      g_autofree char *sentence = NULL;

      debrief_judgements_summarize (judgements, candidates[i], &s);
      sentence = debrief_judge_summary_describe (&s);
      if (candidates[1] == NULL)
        g_string_append (out, sentence);
      else
        {
          g_autofree char *name = g_markup_escape_text (candidates[i], -1);
          g_autofree char *text = g_markup_escape_text (sentence, -1);

          g_string_append_printf (out, "%s<b>%s</b> — %s", i > 0 ? "\n\n" : "", name, text);
        }
    }
  return g_string_free (out, FALSE);
}

static void
judge_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(DebriefSamplesView) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefJudgeSummary) summary = debrief_judge_run_finish (DEBRIEF_JUDGE (source), result, &error);
  GPtrArray *judgements = debrief_judge_get_judgements (DEBRIEF_JUDGE (source));

  self->judging = FALSE;
  update_sensitivity (self);
  /* Interrupted: what came back still says something. */
  if (judgements != NULL && judgements->len > 0 &&
      (summary != NULL || g_error_matches (error, DEBRIEF_ERROR, DEBRIEF_ERROR_CANCELLED_PARTIAL)))
    {
      g_autofree char *text = judgement_text (judgements);
      guint reused = debrief_judge_get_n_reused (DEBRIEF_JUDGE (source));

      if (strstr (text, "<b>") != NULL)
        gtk_label_set_markup (self->judge_label, text);
      else
        gtk_label_set_text (self->judge_label, text);
      gtk_widget_set_visible (self->judge_card, TRUE);
      if (error != NULL)
        set_status (self, error->message, FALSE);
      else if (reused > 0)
        {
          g_autofree char *status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                  "Judgements saved to judgements.jsonl (%u was there already and was not asked again)",
                                                                  "Judgements saved to judgements.jsonl (%u were there already and were not asked again)",
                                                                  reused),
                                                     reused);

          set_status (self, status, FALSE);
        }
      else
        set_status (self, _("Judgements saved to judgements.jsonl"), FALSE);
      return;
    }
  set_status (self, error->message, !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
}

static void
judge_progress (DebriefJudge       *judge,
                guint               done,
                guint               total,
                DebriefSamplesView *self)
{
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Judged %u of %u…",
                                                        "Judged %u of %u…", total), done, total);

  set_status (self, text, FALSE);
}

typedef struct
{
  DebriefSamplesView *self;
  char *dir;
  char *model;
  char *key;
  GPtrArray *samples;      /* read in the thread */
  GPtrArray *judgements;
} JudgeStart;

static void
judge_start_free (JudgeStart *start)
{
  g_clear_object (&start->self);
  g_free (start->dir);
  g_free (start->model);
  g_free (start->key);
  g_clear_pointer (&start->samples, g_ptr_array_unref);
  g_clear_pointer (&start->judgements, g_ptr_array_unref);
  g_free (start);
}

static void
read_judge_inputs (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  JudgeStart *start = data;
  g_autofree char *samples_path = g_build_filename (start->dir, DEBRIEF_SAMPLES_FILE, NULL);
  g_autofree char *judgements_path = g_build_filename (start->dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  GError *error = NULL;

  start->samples = debrief_samples_load (samples_path, NULL, &error);
  if (start->samples != NULL)
    start->judgements = debrief_judgements_load (judgements_path, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
judge_inputs_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  DebriefSamplesView *self = DEBRIEF_SAMPLES_VIEW (source);
  JudgeStart *start = g_task_get_task_data (G_TASK (result));
  g_autofree char *judgements_path = g_build_filename (start->dir, DEBRIEF_JUDGEMENTS_FILE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefClient) client = NULL;
  g_autoptr(DebriefJudge) judge = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->judging = FALSE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message, TRUE);
      update_sensitivity (self);
      return;
    }
  client = debrief_endpoint_new_client (self->settings, start->key);
  judge = debrief_judge_new (client, start->model);
  /* What judgements.jsonl holds is not asked again. */
  debrief_judge_set_existing (judge, start->judgements);
  if (self->columns->len > 0 && g_array_index (self->columns, Column, 0).checkpoint != NULL)
    debrief_judge_set_primary (judge, g_array_index (self->columns, Column, 0).checkpoint);
  g_signal_connect_object (judge, "progress", G_CALLBACK (judge_progress), self, 0);
  set_status (self, _("Judging…"), FALSE);
  debrief_judge_run_async (judge, start->samples, judgements_path, self->run_cancellable, judge_done,
                           g_object_ref (self));
}

static void
judge_key_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  JudgeStart *start = data;
  DebriefSamplesView *self = start->self;
  g_autoptr(GTask) task = NULL;

  start->key = debrief_endpoint_lookup_api_key_finish (result);
  if (g_cancellable_is_cancelled (self->run_cancellable))
    {
      self->judging = FALSE;
      update_sensitivity (self);
      judge_start_free (start);
      return;
    }
  task = g_task_new (self, self->run_cancellable, judge_inputs_read, NULL);
  g_task_set_task_data (task, start, (GDestroyNotify) judge_start_free);
  g_task_run_in_thread (task, read_judge_inputs);
}

void
debrief_samples_view_judge (DebriefSamplesView *self)
{
  DebriefRun *run = current_run (self);
  g_autofree char *url = NULL;
  JudgeStart *start;

  g_return_if_fail (DEBRIEF_IS_SAMPLES_VIEW (self));

  if (run == NULL || self->sampling || self->judging)
    return;
  start = g_new0 (JudgeStart, 1);
  start->model = g_settings_get_string (self->settings, "judge-model-name");
  start->dir = g_file_get_path (debrief_run_get_folder (run));
  if (start->model[0] == '\0' || start->dir == NULL)
    {
      set_status (self, start->dir == NULL ? _("The run's folder is not a local folder")
                                           : _("Set the judge model in Preferences → Sampling"), TRUE);
      judge_start_free (start);
      return;
    }
  start->self = g_object_ref (self);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();
  self->judging = TRUE;
  update_sensitivity (self);
  url = g_settings_get_string (self->settings, "endpoint-url");
  debrief_endpoint_lookup_api_key_async (self->settings, url, self->cancellable, judge_key_ready, start);
}

/* ---- accessors ---- */

gboolean
debrief_samples_view_is_busy (DebriefSamplesView *self)
{
  gboolean item_running = FALSE;

  for (guint i = 0; self->sampler != NULL && i < debrief_sampler_get_n_prompts (self->sampler); i++)
    for (guint r = 0; r < debrief_sampler_get_n_columns (self->sampler); r++)
      {
        DebriefSampleState s = debrief_sampler_get_state (self->sampler, i, r);

        item_running |= s == DEBRIEF_SAMPLE_STATE_WAITING || s == DEBRIEF_SAMPLE_STATE_STREAMING;
      }
  return self->sampling || self->judging || self->reading || item_running ||
         debrief_serve_panel_is_busy (self->serve_panel);
}

guint
debrief_samples_view_get_n_columns (DebriefSamplesView *self)
{
  return self->columns->len;
}

GtkWidget *
debrief_samples_view_get_serve_panel (DebriefSamplesView *self)
{
  return GTK_WIDGET (self->serve_panel);
}

char *
debrief_samples_view_get_answer (DebriefSamplesView *self,
                                 guint               prompt,
                                 guint               role)
{
  g_return_val_if_fail (prompt < self->cards->len, NULL);
  return debrief_answer_view_dup_text (debrief_prompt_card_get_column (g_ptr_array_index (self->cards, prompt), role));
}

const char *
debrief_samples_view_get_status (DebriefSamplesView *self)
{
  return gtk_label_get_text (self->status_label);
}

const char *
debrief_samples_view_get_judgement (DebriefSamplesView *self)
{
  return gtk_widget_get_visible (self->judge_card) ? gtk_label_get_text (self->judge_label) : NULL;
}

/* ---- object ---- */

static void
debrief_samples_view_dispose (GObject *object)
{
  DebriefSamplesView *self = DEBRIEF_SAMPLES_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->sampler != NULL)
    g_signal_handlers_disconnect_by_data (self->sampler, self);
  g_clear_object (&self->sampler);
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_clear_object (&self->runs);
  g_clear_object (&self->workspace);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_pointer (&self->chosen_plan, debrief_serve_plan_unref);
  if (self->serve_panel != NULL)
    g_signal_handlers_disconnect_by_data (self->serve_panel, self);
  self->serve_panel = NULL;
  G_OBJECT_CLASS (debrief_samples_view_parent_class)->dispose (object);
}

static void
debrief_samples_view_finalize (GObject *object)
{
  DebriefSamplesView *self = DEBRIEF_SAMPLES_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->run_cancellable);
  g_array_unref (self->columns);
  G_OBJECT_CLASS (debrief_samples_view_parent_class)->finalize (object);
}

static void
debrief_samples_view_class_init (DebriefSamplesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = debrief_samples_view_dispose;
  object_class->finalize = debrief_samples_view_finalize;

  g_type_ensure (DEBRIEF_TYPE_WRAP_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-samples-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, run_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, status_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, judge_label);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, judge_card);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, sample_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, judge_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, add_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, load_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, eval_button);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, serve_slot);
  gtk_widget_class_bind_template_child (widget_class, DebriefSamplesView, prompts_box);
  gtk_widget_class_bind_template_callback (widget_class, load_prompts_clicked);
  gtk_widget_class_bind_template_callback (widget_class, add_prompt_clicked);
  gtk_widget_class_bind_template_callback (widget_class, eval_data_clicked);
  gtk_widget_class_bind_template_callback (widget_class, debrief_samples_view_cancel);
  gtk_widget_class_bind_template_callback (widget_class, debrief_samples_view_judge);
  gtk_widget_class_bind_template_callback (widget_class, debrief_samples_view_sample);
}

static void
debrief_samples_view_init (DebriefSamplesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->cards = g_ptr_array_new ();
  self->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (self->columns, (GDestroyNotify) column_clear);
}

GtkWidget *
debrief_samples_view_new (DebriefWorkspace *workspace,
                          GSettings        *settings)
{
  DebriefSamplesView *self;
  g_auto(GStrv) prompts = NULL;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DEBRIEF_TYPE_SAMPLES_VIEW, NULL);
  self->workspace = g_object_ref (workspace);
  self->runs = g_object_ref (debrief_workspace_get_runs (workspace));
  self->settings = g_object_ref (settings);
  self->serve_panel = DEBRIEF_SERVE_PANEL (debrief_serve_panel_new (settings));
  gtk_box_append (self->serve_slot, GTK_WIDGET (self->serve_panel));
  g_signal_connect (self->serve_panel, "plan-chosen", G_CALLBACK (plan_chosen), self);
  g_signal_connect (self->serve_panel, "set-changed", G_CALLBACK (serve_changed), self);
  g_signal_connect (self->serve_panel, "llama-changed", G_CALLBACK (serve_changed), self);
  g_signal_connect_swapped (self->settings, "changed::endpoint-url", G_CALLBACK (update_run_label), self);
  g_signal_connect_swapped (self->runs, "items-changed", G_CALLBACK (update_run_label), self);
  prompts = g_settings_get_strv (self->settings, "prompts");
  rebuild_cards (self, (const char *const *) prompts);
  update_columns (self);
  update_run_label (self);
  return GTK_WIDGET (self);
}
