/* debrief-preferences-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "debrief-core.h"
#include "debrief-endpoint-preferences.h"
#include "debrief-preferences-window.h"

struct _DebriefPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkScale *smoothing_scale;
  AdwComboRow *method_row;
  GtkSwitch *log_switch;
  AdwEntryRow *pattern_row;
  GtkLabel *pattern_error;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (DebriefPreferencesWindow, debrief_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
method_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_uint (value, g_strcmp0 (g_variant_get_string (variant, NULL), "median") == 0 ? 1 : 0);
  return TRUE;
}

static GVariant *
method_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "median" : "ema");
}

/* Checked as it is typed: the reason it cannot be used shows under the row. */
static gboolean
check_pattern (DebriefPreferencesWindow *self)
{
  const char *pattern = gtk_editable_get_text (GTK_EDITABLE (self->pattern_row));
  g_autoptr(GError) error = NULL;
  gboolean ok = *pattern == '\0' || debrief_load_check_text_pattern (pattern, &error);

  gtk_label_set_text (self->pattern_error, ok ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->pattern_error), !ok);
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->pattern_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->pattern_row), "error");
  return ok;
}

static void
pattern_changed_cb (DebriefPreferencesWindow *self)
{
  check_pattern (self);
}

/* Only a pattern that works is kept (an empty one turns it off); the open runs
 * are read again with it. */
static void
pattern_apply_cb (DebriefPreferencesWindow *self)
{
  if (!check_pattern (self))
    {
      gtk_widget_error_bell (GTK_WIDGET (self->pattern_row));
      return;
    }
  g_settings_set_string (self->settings, "log-pattern", gtk_editable_get_text (GTK_EDITABLE (self->pattern_row)));
}

DebriefPreferencesWindow *
debrief_preferences_window_new (GtkWindow *parent,
                                GSettings *settings)
{
  DebriefPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DEBRIEF_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "smoothing",
                   gtk_range_get_adjustment (GTK_RANGE (self->smoothing_scale)), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "smoothing-method", self->method_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, method_get_mapping, method_set_mapping,
                                NULL, NULL);
  g_settings_bind (settings, "log-scale", self->log_switch, "active", G_SETTINGS_BIND_DEFAULT);
  {
    g_autofree char *pattern = g_settings_get_string (settings, "log-pattern");
    gtk_editable_set_text (GTK_EDITABLE (self->pattern_row), pattern);
    check_pattern (self);
  }
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (debrief_endpoint_preferences_new (settings)));

  return self;
}

static void
debrief_preferences_window_dispose (GObject *object)
{
  DebriefPreferencesWindow *self = (DebriefPreferencesWindow *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (debrief_preferences_window_parent_class)->dispose (object);
}

static void
debrief_preferences_window_class_init (DebriefPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = debrief_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/debrief/Debrief/debrief-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefPreferencesWindow, smoothing_scale);
  gtk_widget_class_bind_template_child (widget_class, DebriefPreferencesWindow, method_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefPreferencesWindow, log_switch);
  gtk_widget_class_bind_template_child (widget_class, DebriefPreferencesWindow, pattern_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefPreferencesWindow, pattern_error);
  gtk_widget_class_bind_template_callback (widget_class, pattern_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pattern_apply_cb);
}

static void
debrief_preferences_window_init (DebriefPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Further pages (endpoints for sampling) are added here, one line each. */
}
