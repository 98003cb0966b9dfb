/* debrief-endpoint-preferences.h: the sampling endpoint page of Preferences,
 * and the API key kept in the Secret Service
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Profile, base URL, model names, judge model, API key variable, sampling
 * parameters (all GSettings), the API key itself (libsecret, schema
 * "io.github.debrief.Debrief.ApiKey", keyed by the endpoint URL: never in
 * GSettings), and "Test connection" (GET {base}/models).
 */
#pragma once

#include <adwaita.h>

#include "debrief-core.h"

G_BEGIN_DECLS

#define DEBRIEF_TYPE_ENDPOINT_PREFERENCES (debrief_endpoint_preferences_get_type ())
G_DECLARE_FINAL_TYPE (DebriefEndpointPreferences, debrief_endpoint_preferences, DEBRIEF,
                      ENDPOINT_PREFERENCES, AdwPreferencesPage)

GtkWidget *debrief_endpoint_preferences_new (GSettings *settings);

/* What the "Test Connection" button does, and the line that shows its result. */
void        debrief_endpoint_preferences_test_connection (DebriefEndpointPreferences *self);
const char *debrief_endpoint_preferences_get_connection_status (DebriefEndpointPreferences *self);
gboolean    debrief_endpoint_preferences_is_testing (DebriefEndpointPreferences *self);

/* The default base URL of a profile ("llama.cpp", "vllm", "ollama", ...), or NULL. */
const char *debrief_endpoint_profile_default_url (const char *profile);

/* The API key for @url: the Secret Service first, then the environment
 * variable named by the "api-key-env" setting. The result may be NULL (no key). */
void   debrief_endpoint_lookup_api_key_async  (GSettings           *settings,
                                               const char          *url,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char  *debrief_endpoint_lookup_api_key_finish (GAsyncResult        *result);

/* A client for the configured endpoint (concurrency from the settings). */
DebriefClient *debrief_endpoint_new_client   (GSettings           *settings,
                                              const char          *api_key);

G_END_DECLS
