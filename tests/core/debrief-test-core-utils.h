/* debrief-test-core-utils.h: helpers every test shares (no GTK)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GTK tests add their own in tests/app/debrief-test-utils.h, which
 * includes this header.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "debrief-core.h"

G_BEGIN_DECLS

/* Long enough for a sanitizer build on a loaded 2-core machine, short enough
 * to fail a hung test. */
#define DEBRIEF_TEST_TIMEOUT_SECONDS 150

typedef gboolean (*DebriefTestCondition) (gpointer data);

char       *debrief_test_data_path       (const char           *first_element,
                                          ...) G_GNUC_NULL_TERMINATED;
GFile      *debrief_test_data_file       (const char           *first_element,
                                          ...) G_GNUC_NULL_TERMINATED;
DebriefRun *debrief_test_load_run        (const char           *first_element,
                                          ...) G_GNUC_NULL_TERMINATED;
void        debrief_test_remove_tree     (const char           *path);
/* debrief_analysis_run() that must succeed. */
DebriefAnalysis *debrief_test_analyse    (DebriefRun           *run);

void        debrief_test_wait_until      (DebriefTestCondition  condition,
                                          gpointer              data);
void        debrief_test_drain           (void);
void        debrief_test_iterate_for     (guint                 milliseconds);

gboolean    debrief_test_png_equal       (const char           *path_a,
                                          const char           *path_b);

guint       debrief_test_server_listen   (SoupServer           *server);
void        debrief_test_server_stop     (SoupServer           *server);
JsonObject *debrief_test_request_object  (SoupServerMessage    *msg,
                                          JsonParser           *parser);

/* Runs $DEBRIEF_CLI with @args (NULL-terminated); returns its exit status.
 * @out_stdout and @out_stderr (may be NULL) get what it printed. */
int         debrief_test_run_cli         (const char *const    *args,
                                          char                **out_stdout,
                                          char                **out_stderr);
/* Parses @text as JSON (asserting it is); a copy of the root. */
JsonNode   *debrief_test_parse_json      (const char           *text);
/* Asserts @o has @name of @type (G_TYPE_STRING, G_TYPE_INT64, G_TYPE_DOUBLE,
 * G_TYPE_BOOLEAN, JSON_TYPE_OBJECT, JSON_TYPE_ARRAY), or null when @nullable. */
void        debrief_test_assert_member_type (JsonObject        *o,
                                          const char           *name,
                                          GType                 type,
                                          gboolean              nullable);

G_END_DECLS
