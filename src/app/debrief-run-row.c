/* debrief-run-row.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Title: the run's name. Subtitle: its format and point counts, then, once the
 * analysis arrives, the key numbers a researcher compares across runs (final
 * train loss, best validation loss and its step) and the verdict. Expanded: the
 * files read and the reader's warnings. The close button activates
 * win.close-run with the run's path.
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-run-row.h"

/* Warnings listed per run; the rest are counted. */
#define WARNINGS_SHOWN_MAX 5

struct _DebriefRunRow
{
  AdwExpanderRow parent_instance;

  DebriefRun *run;
  DebriefRunFollower *follower;   /* a run still being written, or NULL */

  /* Template widgets */
  GtkWidget *status_icon;
  GtkWidget *live_badge;
  GtkWidget *notes_icon;
  GtkWidget *close_button;
};

G_DEFINE_FINAL_TYPE (DebriefRunRow, debrief_run_row, ADW_TYPE_EXPANDER_ROW)

static const char *
format_display_name (const char *format)
{
  static const struct { const char *id; const char *name; } names[] = {
    { "seed", N_("metrics.json") },
    { "hf_trainer", N_("Hugging Face Trainer") },
    { "tinker", N_("Tinker") },
    { "llamafactory", N_("LLaMA-Factory") },
    { "lightning_csv", N_("Lightning CSV") },
    { "tensorboard", N_("TensorBoard") },
    { "generic", N_("Generic log") },
    { "text", N_("Text log") },
    { "wandb", N_("W&B") },
    { "mlflow", N_("MLflow") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (format, names[i].id) == 0)
      return _(names[i].name);
  return format ? format : _("Unknown format");
}

static void
set_subtitle_selectable (AdwActionRow *row)
{
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_action_row_set_subtitle_selectable (row, TRUE);
#endif
}

/* "DPO, LoRA": what kind of training, as the row's subtitle says it; NULL when nothing is known. */
static char *
kind_label (DebriefRun *run)
{
  const char *method = debrief_method_to_label (debrief_run_get_method (run));
  const char *adapter = debrief_adapter_to_label (debrief_run_get_adapter (run));

  if (method != NULL && adapter != NULL)
    /* Translators: the kind of training and the adapter, e.g. "Preference training, LoRA" */
    return g_strdup_printf (_("%s, %s"), method, adapter);
  return g_strdup (method ? method : adapter);
}

/* What the analysis calls @series ("mean reward"), else its logged key. */
static const char *
series_label (DebriefAnalysis *analysis,
              DebriefSeries   *series)
{
  for (guint i = 0; analysis != NULL && i < debrief_analysis_get_n_judged_series (analysis); i++)
    {
      const char *label = NULL;

      if (debrief_analysis_get_judged_series (analysis, i, &label) == series && label != NULL)
        return label;
    }
  return debrief_series_get_source_key (series) ? debrief_series_get_source_key (series)
                                                : debrief_series_get_name (series);
}

/* The judged series the analysis calls @label (one of its own words), or NULL. */
static DebriefSeries *
judged_series (DebriefAnalysis *analysis,
               const char      *label)
{
  for (guint i = 0; analysis != NULL && i < debrief_analysis_get_n_judged_series (analysis); i++)
    {
      const char *l = NULL;
      DebriefSeries *series = debrief_analysis_get_judged_series (analysis, i, &l);

      if (g_strcmp0 (l, label) == 0 && debrief_series_get_length (series) > 0)
        return series;
    }
  return NULL;
}

static void
append_last_value (GString         *text,
                   const char      *separator,
                   DebriefAnalysis *analysis,
                   DebriefSeries   *series)
{
  double last = series ? debrief_series_get_last_value (series) : NAN;

  if (!isfinite (last))
    return;
  g_string_append (text, separator);
  /* Translators: a series' name (e.g. "mean reward") and its value at the last logged step */
  g_string_append_printf (text, _("final %s %.3g"), series_label (analysis, series), last);
}

static char *
describe_run (DebriefRun *run)
{
  DebriefSeries *train = debrief_run_get_train_loss (run);
  DebriefSeries *val = debrief_run_get_val_loss (run);
  DebriefAnalysis *analysis = debrief_run_get_analysis (run);
  g_autoptr(GString) text = g_string_new (format_display_name (debrief_run_get_format (run)));
  g_autofree char *kind = kind_label (run);
  const char *primary = debrief_run_get_primary_metric (run);
  DebriefSeries *shown = NULL;

  if (kind != NULL)
    g_string_append_printf (text, " · %s", kind);

  /* A run whose first series is not its loss (RL: the reward; GRPO's loss is a
   * surrogate near zero) is described by that series, as the plot draws it. */
  if (primary != NULL && g_strcmp0 (primary, "train_loss") != 0)
    shown = debrief_run_get_series_by_name (run, primary);
  if (shown != NULL && debrief_series_get_length (shown) == 0)
    shown = NULL;

  if (shown != NULL)
    {
      gsize n = debrief_series_get_length (shown);
      g_string_append (text, " · ");
      /* Translators: %zu points of the series named by the second %s (e.g. "mean reward") */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%zu point of %s", "%zu points of %s", n), n,
                              series_label (analysis, shown));
    }
  else if (train != NULL || val != NULL)
    {
      if (train != NULL)
        {
          gsize n = debrief_series_get_length (train);
          g_string_append (text, " · ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%zu train point", "%zu train points", n), n);
        }
      if (val != NULL)
        {
          gsize n = debrief_series_get_length (val);
          g_string_append (text, " · ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%zu evaluation", "%zu evaluations", n), n);
        }
    }
  else
    {
      g_string_append (text, " · ");
      g_string_append (text, _("no loss logged"));
    }

  if (analysis != NULL)
    {
      gsize before = text->len;

      if (shown != NULL)
        append_last_value (text, "\n", analysis, shown);
      else
        {
          if (train != NULL && isfinite (debrief_series_get_last_value (train)))
            {
              g_string_append (text, "\n");
              /* Translators: the train loss at the last logged step */
              g_string_append_printf (text, _("final train %.3f"), debrief_series_get_last_value (train));
            }
          if (debrief_analysis_get_best_step (analysis) >= 0 && isfinite (debrief_analysis_get_best_val_loss (analysis)))
            {
              g_string_append (text, text->len > before ? " · " : "\n");
              /* Translators: lowest validation loss and the step where it was reached */
              g_string_append_printf (text, _("best val %.3f at step %" PRId64),
                                      debrief_analysis_get_best_val_loss (analysis),
                                      debrief_analysis_get_best_step (analysis));
            }
          /* Preference training: the margins and accuracies say more than its loss. */
          if (debrief_analysis_get_method (analysis) == DEBRIEF_METHOD_DPO)
            {
              append_last_value (text, text->len > before ? " · " : "\n", analysis,
                                 judged_series (analysis, _("reward margin")));
              append_last_value (text, text->len > before ? " · " : "\n", analysis,
                                 judged_series (analysis, _("reward accuracy")));
            }
        }
      g_string_append (text, "\n");
      g_string_append (text, debrief_analysis_get_verdict (analysis));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "Training: step 4,200 of 10,000 (42 %), about 1 h 20 min left", or NULL. */
static char *
describe_live (DebriefRunRow *self)
{
  DebriefLiveState state;
  g_autofree char *text = NULL;

  if (self->follower == NULL)
    return NULL;
  state = debrief_run_follower_get_state (self->follower);
  text = debrief_run_progress_describe (debrief_run_get_progress (self->run), state,
                                        debrief_run_follower_get_eta (self->follower), g_get_real_time ());
  if (text != NULL && *text != '\0')
    text[0] = g_ascii_toupper (text[0]);
  return g_steal_pointer (&text);
}

static void
update_live (DebriefRunRow *self)
{
  DebriefLiveState state = self->follower ? debrief_run_follower_get_state (self->follower) : DEBRIEF_LIVE_FINISHED;
  const GError *error = self->follower ? debrief_run_follower_get_error (self->follower) : NULL;
  g_autofree char *tip = describe_live (self);

  gtk_widget_remove_css_class (self->live_badge, "accent");
  gtk_widget_remove_css_class (self->live_badge, "warning");
  gtk_widget_remove_css_class (self->live_badge, "error");
  if (error != NULL && state != DEBRIEF_LIVE_FINISHED)
    {
      /* Translators: a badge: the run's files cannot be read at the moment */
      gtk_label_set_label (GTK_LABEL (self->live_badge), C_("live badge", "Unreachable"));
      gtk_widget_add_css_class (self->live_badge, "error");
      g_free (tip);
      tip = g_strdup (error->message);
    }
  else if (state == DEBRIEF_LIVE_TRAINING)
    {
      /* Translators: a badge on a run that is still being written */
      gtk_label_set_label (GTK_LABEL (self->live_badge), C_("live badge", "Training"));
      gtk_widget_add_css_class (self->live_badge, "accent");
    }
  else if (state == DEBRIEF_LIVE_STALLED)
    {
      /* Translators: a badge on a run that stopped writing without saying it ended */
      gtk_label_set_label (GTK_LABEL (self->live_badge), C_("live badge", "Stalled"));
      gtk_widget_add_css_class (self->live_badge, "warning");
    }
  gtk_widget_set_visible (self->live_badge, self->follower != NULL && (state != DEBRIEF_LIVE_FINISHED || error));
  gtk_widget_set_tooltip_text (self->live_badge, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->live_badge), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  tip ? tip : "", -1);
}

static void
update_status (DebriefRunRow *self)
{
  DebriefAnalysis *analysis = debrief_run_get_analysis (self->run);
  g_autofree char *described = describe_run (self->run);
  g_autofree char *live = describe_live (self);
  g_autofree char *subtitle = live && self->follower &&
                              debrief_run_follower_get_state (self->follower) != DEBRIEF_LIVE_FINISHED
                              ? g_strdup_printf ("%s\n%s", live, described) : g_strdup (described);
  int verdict = analysis ? (int) debrief_analysis_get_run_verdict (analysis) : -1;
  const char *icon = NULL;
  const char *css = NULL;
  const char *label = NULL;

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);

  gtk_widget_remove_css_class (self->status_icon, "success");
  gtk_widget_remove_css_class (self->status_icon, "warning");
  gtk_widget_remove_css_class (self->status_icon, "error");
  /* The verdict's own words, as in the report and debrief-cli analyze. */
  if (verdict >= 0)
    label = debrief_run_verdict_to_label (verdict);
  switch (verdict)
    {
    case -1:
      break;
    case DEBRIEF_RUN_VERDICT_HEALTHY:
      icon = "emblem-ok-symbolic", css = "success";
      break;
    case DEBRIEF_RUN_VERDICT_ATTENTION:
      icon = "dialog-warning-symbolic", css = "warning";
      break;
    case DEBRIEF_RUN_VERDICT_FAILED:
      icon = "dialog-error-symbolic", css = "error";
      break;
    case DEBRIEF_RUN_VERDICT_TOO_SHORT:
    case DEBRIEF_RUN_VERDICT_NO_DATA:
    default:
      icon = "dialog-question-symbolic";
      break;
    }
  gtk_widget_set_visible (self->status_icon, icon != NULL);
  if (icon != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (self->status_icon), icon);
      if (css != NULL)
        gtk_widget_add_css_class (self->status_icon, css);
      gtk_widget_set_tooltip_text (self->status_icon, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
}

static void
add_detail_row (DebriefRunRow *self,
                const char    *title,
                const char    *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      set_subtitle_selectable (ADW_ACTION_ROW (row));
    }
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
}

static void
debrief_run_row_dispose (GObject *object)
{
  DebriefRunRow *self = (DebriefRunRow *)object;

  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  if (self->follower != NULL)
    g_signal_handlers_disconnect_by_data (self->follower, self);
  g_clear_object (&self->follower);

  G_OBJECT_CLASS (debrief_run_row_parent_class)->dispose (object);
}

static void
debrief_run_row_class_init (DebriefRunRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = debrief_run_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/debrief/Debrief/debrief-run-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefRunRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunRow, notes_icon);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunRow, live_badge);
  gtk_widget_class_bind_template_child (widget_class, DebriefRunRow, close_button);
}

static void
debrief_run_row_init (DebriefRunRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
debrief_run_row_new (DebriefRun *run)
{
  DebriefRunRow *self;
  const char *const *files;
  const char *const *warnings;
  g_autofree char *files_text = NULL;
  guint n_warnings;

  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  self = g_object_new (DEBRIEF_TYPE_RUN_ROW, NULL);
  self->run = g_object_ref (run);
  files = debrief_run_get_source_files (run);
  warnings = debrief_run_get_warnings (run);
  n_warnings = warnings ? g_strv_length ((char **) warnings) : 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), debrief_run_get_name (run));
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_expander_row_set_subtitle_lines (ADW_EXPANDER_ROW (self), 3);
#endif
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), debrief_run_get_path (run));

  if (n_warnings > 0)
    {
      g_autofree char *tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note while reading",
                                                           "%u notes while reading", n_warnings),
                                              n_warnings);
      gtk_widget_set_tooltip_text (self->notes_icon, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->notes_icon), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      gtk_widget_set_visible (self->notes_icon, TRUE);
    }
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->close_button), "s", debrief_run_get_path (run));

  files_text = files && files[0] ? g_strjoinv (", ", (char **) files) : g_strdup (C_("files read", "none"));
  add_detail_row (self, _("Files read"), files_text);
  /* Why Debrief thinks it is this kind of run. */
  if (debrief_run_get_method_evidence (run) != NULL)
    add_detail_row (self, _("Training method"), debrief_run_get_method_evidence (run));
  if (debrief_run_get_adapter_evidence (run) != NULL)
    add_detail_row (self, _("Adapter"), debrief_run_get_adapter_evidence (run));
  add_detail_row (self, _("Folder"), debrief_run_get_path (run));
  for (guint i = 0; i < n_warnings && i < WARNINGS_SHOWN_MAX; i++)
    add_detail_row (self, _("Note"), warnings[i]);
  if (n_warnings > WARNINGS_SHOWN_MAX)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "…and %u more note",
                                                            "…and %u more notes",
                                                            n_warnings - WARNINGS_SHOWN_MAX),
                                               n_warnings - WARNINGS_SHOWN_MAX);
      add_detail_row (self, more, NULL);
    }

  g_signal_connect_swapped (run, "notify::analysis", G_CALLBACK (update_status), self);
  update_status (self);

  return GTK_WIDGET (self);
}

static void
live_changed_cb (DebriefRunRow *self)
{
  update_live (self);
  update_status (self);
}

void
debrief_run_row_set_follower (DebriefRunRow      *self,
                              DebriefRunFollower *follower)
{
  g_return_if_fail (DEBRIEF_IS_RUN_ROW (self));

  if (self->follower == follower)
    return;
  if (self->follower != NULL)
    g_signal_handlers_disconnect_by_data (self->follower, self);
  g_set_object (&self->follower, follower);
  if (follower != NULL)
    {
      g_signal_connect_swapped (follower, "notify::state", G_CALLBACK (live_changed_cb), self);
      g_signal_connect_swapped (follower, "notify::error", G_CALLBACK (live_changed_cb), self);
    }
  live_changed_cb (self);
}

DebriefRun *
debrief_run_row_get_run (DebriefRunRow *self)
{
  g_return_val_if_fail (DEBRIEF_IS_RUN_ROW (self), NULL);
  return self->run;
}
