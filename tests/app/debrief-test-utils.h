/* debrief-test-utils.h: helpers the GTK tests share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "debrief-test-core-utils.h"

G_BEGIN_DECLS

typedef gboolean (*DebriefWidgetPredicate) (GtkWidget     *widget,
                                            gconstpointer  data);

gboolean    debrief_test_init_gtk          (int                     *argc,
                                            char                  ***argv);

GtkWidget  *debrief_test_find_widget       (GtkWidget               *root,
                                            DebriefWidgetPredicate   predicate,
                                            gconstpointer            data);
GtkWidget  *debrief_test_find_named        (GtkWidget               *root,
                                            const char              *name);
GtkWidget  *debrief_test_find_row          (GtkWidget               *root,
                                            const char              *title);
GtkWidget  *debrief_test_find_of_type      (GtkWidget               *root,
                                            GType                    type);
gboolean    debrief_test_is_named          (GtkWidget               *widget,
                                            gconstpointer            name);
gboolean    debrief_test_is_row_titled     (GtkWidget               *widget,
                                            gconstpointer            title);
gboolean    debrief_test_is_label_with     (GtkWidget               *widget,
                                            gconstpointer            text);

GdkTexture *debrief_test_render_widget     (GtkWidget               *widget);
char       *debrief_test_buffer_text       (GtkTextBuffer           *buffer);

/* A SoupServer handler for /v1/models and chat completions (streamed):
 * "MODEL says: PROMPT", or "[[A]]" for the model "judge". */
void        debrief_test_openai_handler    (SoupServer              *server,
                                            SoupServerMessage       *msg,
                                            const char              *path,
                                            GHashTable              *query,
                                            gpointer                 data);

/* A report in the markdown the generated report uses, with every construct. */
extern const char debrief_test_report_markdown[];

G_END_DECLS
