/* debrief-endpoint-preferences.c: the sampling endpoint page of Preferences
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "debrief-endpoint-preferences.h"

static const SecretSchema *
api_key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.debrief.Debrief.ApiKey", SECRET_SCHEMA_NONE,
    {
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* In the order of the profile row's list (debrief-endpoint-preferences.ui). */
static const struct
{
  const char *id;
  const char *url;      /* NULL: keep what the user typed */
} profiles[] = {
  { "tinker", NULL },
  { "vllm", "http://127.0.0.1:8000/v1" },
  { "llama.cpp", "http://127.0.0.1:8080/v1" },
  { "ollama", "http://127.0.0.1:11434/v1" },
  { "custom", NULL },
};

const char *
debrief_endpoint_profile_default_url (const char *profile)
{
  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (g_strcmp0 (profiles[i].id, profile) == 0)
      return profiles[i].url;
  return NULL;
}

struct _DebriefEndpointPreferences
{
  AdwPreferencesPage parent_instance;

  GSettings *settings;
  AdwComboRow *profile_row;
  AdwEntryRow *url_row;
  AdwEntryRow *model_row;
  AdwEntryRow *baseline_row;
  AdwEntryRow *judge_row;
  AdwEntryRow *env_row;
  AdwPasswordEntryRow *key_row;
  AdwActionRow *key_status_row;
  GtkSpinButton *temperature_spin;
  GtkSpinButton *max_tokens_spin;
  GtkSpinButton *concurrency_spin;
  AdwActionRow *test_row;
  GtkButton *test_button;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (DebriefEndpointPreferences, debrief_endpoint_preferences, ADW_TYPE_PREFERENCES_PAGE)

/* ---- the API key ---- */

static void
lookup_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);
  GSettings *settings = g_task_get_task_data (task);

  if (secret != NULL && secret[0] != '\0')
    {
      char *key = g_strdup (secret);

      secret_password_free (secret);
      g_task_return_pointer (task, key, g_free);
      return;
    }
  secret_password_free (secret);
  if (error != NULL)
    g_debug ("Secret Service unavailable (%s); using the environment", error->message);
  {
    g_autofree char *var = g_settings_get_string (settings, "api-key-env");

    g_task_return_pointer (task, debrief_client_api_key_from_env (var), g_free);
  }
}

void
debrief_endpoint_lookup_api_key_async (GSettings           *settings,
                                       const char          *url,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, g_object_ref (settings), g_object_unref);
  secret_password_lookup (api_key_schema (), cancellable, lookup_done, task,
                          "endpoint", url != NULL ? url : "", NULL);
}

char *
debrief_endpoint_lookup_api_key_finish (GAsyncResult *result)
{
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

DebriefClient *
debrief_endpoint_new_client (GSettings  *settings,
                             const char *api_key)
{
  g_autofree char *url = g_settings_get_string (settings, "endpoint-url");
  DebriefClient *client = debrief_client_new (url, api_key);

  debrief_client_set_concurrency (client, g_settings_get_int (settings, "concurrency"));
  return client;
}

static void
key_stored (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(DebriefEndpointPreferences) self = data;
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    adw_action_row_set_subtitle (self->key_status_row, _("Stored in the keyring for this URL"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not store the key: %s. Use the environment variable instead."),
                                               error->message);

      adw_action_row_set_subtitle (self->key_status_row, text);
    }
}

static void
key_applied (DebriefEndpointPreferences *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  g_autofree char *url = g_settings_get_string (self->settings, "endpoint-url");
  g_autofree char *label = g_strdup_printf ("Debrief API key for %s", url);

  if (key[0] == '\0')
    {
      secret_password_clear (api_key_schema (), self->cancellable, NULL, NULL, "endpoint", url, NULL);
      adw_action_row_set_subtitle (self->key_status_row, _("Removed from the keyring"));
      return;
    }
  secret_password_store (api_key_schema (), SECRET_COLLECTION_DEFAULT, label, key, self->cancellable,
                         key_stored, g_object_ref (self), "endpoint", url, NULL);
  /* The key now lives in the keyring only: do not keep it in the widget. */
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
}

/* ---- test connection ---- */

static void
models_listed (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(DebriefEndpointPreferences) self = data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = debrief_client_list_models_finish (DEBRIEF_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
  if (ids == NULL)
    {
      adw_action_row_set_subtitle (self->test_row, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
  {
    guint n = g_strv_length (ids);
    g_autoptr(GString) list = g_string_new (NULL);
    g_autofree char *text = NULL;

    /* The first few names are enough to recognise the server. */
    for (guint i = 0; i < MIN (n, 5u); i++)
      g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", ids[i]);
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %u model (%s%s)",
                                         "Connected: %u models (%s%s)", n),
                            n, list->str, n > 5 ? ", …" : "");
    adw_action_row_set_subtitle (self->test_row, text);
  }
}

static void
key_for_test (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(DebriefEndpointPreferences) self = data;
  g_autofree char *key = debrief_endpoint_lookup_api_key_finish (result);
  g_autoptr(DebriefClient) client = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  client = debrief_endpoint_new_client (self->settings, key);
  debrief_client_set_timeout (client, 15);
  debrief_client_list_models_async (client, self->cancellable, models_listed, g_object_ref (self));
}

const char *
debrief_endpoint_preferences_get_connection_status (DebriefEndpointPreferences *self)
{
  return adw_action_row_get_subtitle (self->test_row);
}

gboolean
debrief_endpoint_preferences_is_testing (DebriefEndpointPreferences *self)
{
  return !gtk_widget_get_sensitive (GTK_WIDGET (self->test_button));
}

void
debrief_endpoint_preferences_test_connection (DebriefEndpointPreferences *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "endpoint-url");

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  adw_action_row_set_subtitle (self->test_row, _("Connecting…"));
  debrief_endpoint_lookup_api_key_async (self->settings, url, self->cancellable, key_for_test, g_object_ref (self));
}

/* ---- the page ---- */

static gboolean
profile_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (g_strcmp0 (profiles[i].id, id) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, G_N_ELEMENTS (profiles) - 1);
  return TRUE;
}

static GVariant *
profile_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (profiles[MIN (i, G_N_ELEMENTS (profiles) - 1)].id);
}

static void
profile_changed (DebriefEndpointPreferences *self)
{
  g_autofree char *profile = g_settings_get_string (self->settings, "endpoint-profile");
  g_autofree char *url = g_settings_get_string (self->settings, "endpoint-url");
  const char *default_url = debrief_endpoint_profile_default_url (profile);
  gboolean url_is_a_default = url[0] == '\0';

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].url != NULL && g_strcmp0 (profiles[i].url, url) == 0)
      url_is_a_default = TRUE;
  /* Switch to the profile's usual address unless the user typed their own. */
  if (default_url != NULL && url_is_a_default)
    g_settings_set_string (self->settings, "endpoint-url", default_url);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->model_row),
                                 g_strcmp0 (profile, "tinker") == 0
                                 ? _("Fine-tuned model (empty: the run's best sampler_path)")
                                 : g_strcmp0 (profile, "vllm") == 0 ? _("Fine-tuned model (LoRA module name)")
                                                                    : _("Fine-tuned model"));
}

static void
debrief_endpoint_preferences_dispose (GObject *object)
{
  DebriefEndpointPreferences *self = DEBRIEF_ENDPOINT_PREFERENCES (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (debrief_endpoint_preferences_parent_class)->dispose (object);
}

static void
debrief_endpoint_preferences_class_init (DebriefEndpointPreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = debrief_endpoint_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/debrief/Debrief/debrief-endpoint-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, profile_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, url_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, model_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, baseline_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, judge_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, env_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, key_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, key_status_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, temperature_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, max_tokens_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, test_row);
  gtk_widget_class_bind_template_child (widget_class, DebriefEndpointPreferences, test_button);
  gtk_widget_class_bind_template_callback (widget_class, key_applied);
  gtk_widget_class_bind_template_callback (widget_class, debrief_endpoint_preferences_test_connection);
}

static void
debrief_endpoint_preferences_init (DebriefEndpointPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
debrief_endpoint_preferences_new (GSettings *settings)
{
  DebriefEndpointPreferences *self;
  static const struct { const char *key; const char *property; gsize offset; } bindings[] = {
    { "endpoint-url", "text", G_STRUCT_OFFSET (DebriefEndpointPreferences, url_row) },
    { "model-name", "text", G_STRUCT_OFFSET (DebriefEndpointPreferences, model_row) },
    { "baseline-model-name", "text", G_STRUCT_OFFSET (DebriefEndpointPreferences, baseline_row) },
    { "judge-model-name", "text", G_STRUCT_OFFSET (DebriefEndpointPreferences, judge_row) },
    { "api-key-env", "text", G_STRUCT_OFFSET (DebriefEndpointPreferences, env_row) },
  };

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DEBRIEF_TYPE_ENDPOINT_PREFERENCES, NULL);
  self->settings = g_object_ref (settings);
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_settings_bind (settings, bindings[i].key, G_STRUCT_MEMBER (gpointer, self, bindings[i].offset),
                     bindings[i].property, G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "temperature", gtk_spin_button_get_adjustment (self->temperature_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "max-tokens", gtk_spin_button_get_adjustment (self->max_tokens_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "concurrency", gtk_spin_button_get_adjustment (self->concurrency_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "endpoint-profile", self->profile_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, profile_get_mapping, profile_set_mapping, NULL, NULL);
  g_signal_connect_object (settings, "changed::endpoint-profile", G_CALLBACK (profile_changed), self,
                           G_CONNECT_SWAPPED);
  profile_changed (self);
  return GTK_WIDGET (self);
}
