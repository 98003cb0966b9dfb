/* debrief-test-utils.c: helpers the GTK tests share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "debrief-test-utils.h"

/* g_test_init, then GTK and libadwaita. Without a display it prints the TAP
 * plan that makes meson report SKIP (not a pass) and returns FALSE: main then
 * returns 0. */
gboolean
debrief_test_init_gtk (int    *argc,
                       char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return FALSE;
    }
  adw_init ();
  return TRUE;
}

/* The first widget at or below ROOT (depth first) for which PREDICATE holds. */
GtkWidget *
debrief_test_find_widget (GtkWidget              *root,
                          DebriefWidgetPredicate  predicate,
                          gconstpointer           data)
{
  if (predicate (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = debrief_test_find_widget (child, predicate, data);
      if (found)
        return found;
    }
  return NULL;
}

gboolean
debrief_test_is_named (GtkWidget     *widget,
                       gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

gboolean
debrief_test_is_row_titled (GtkWidget     *widget,
                            gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The widget gtk_widget_set_name() called NAME. */
GtkWidget *
debrief_test_find_named (GtkWidget  *root,
                         const char *name)
{
  return debrief_test_find_widget (root, debrief_test_is_named, name);
}

/* The AdwPreferencesRow titled TITLE. */
GtkWidget *
debrief_test_find_row (GtkWidget  *root,
                       const char *title)
{
  return debrief_test_find_widget (root, debrief_test_is_row_titled, title);
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

/* The first widget of TYPE (or a subtype). */
GtkWidget *
debrief_test_find_of_type (GtkWidget *root,
                           GType      type)
{
  return debrief_test_find_widget (root, is_of_type, GSIZE_TO_POINTER (type));
}

/* A label whose text contains TEXT. */
gboolean
debrief_test_is_label_with (GtkWidget     *widget,
                            gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

/* The widget's pixels as they are on screen now (TOOLCHAIN.md "Rendering a
 * widget to pixels in GTK 4.8"): it must be mapped in a window. */
GdkTexture *
debrief_test_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  return texture;
}

/* The constructs the generated report uses (FORMATS.md section 7). */
const char debrief_test_report_markdown[] =
  "# Debrief: overfit\n"                                   /* 1 */
  "\n"
  "**Verdict:** the model *overfits* after `step 4500`.\n" /* 3 */
  "\n"
  "## Key numbers\n"                                       /* 5 */
  "\n"
  "| Metric | Value |\n"                                   /* 7 */
  "|---|---:|\n"
  "| Steps | 9000 |\n"
  "| Best step | **4500** |\n"
  "\n"
  "## Findings\n"                                          /* 12 */
  "\n"
  "1. Stop at the best step.\n"                            /* 14 */
  "2. Review the data.\n"
  "   - nested point\n"
  "- See [the checklist](https://example.com/checklist).\n" /* 17 */
  "\n"
  "![Loss plot](loss.png)\n"                               /* 19 */
  "\n"
  "> A quoted remark.\n"                                   /* 21 */
  "\n"
  "```\n"                                                  /* 23 */
  "debrief-cli analyze runs/overfit\n"
  "```\n"
  "\n"
  "## Notes\n"                                             /* 27 */
  "\n"
  "Mine.\n";

/* The whole text of BUFFER (free it). */
char *
debrief_test_buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* An OpenAI-compatible endpoint in the test process, streaming every answer:
 * "MODEL says: PROMPT", or for the judge model always "[[A]]". */
void
debrief_test_openai_handler (SoupServer        *server,
                             SoupServerMessage *msg,
                             const char        *path,
                             GHashTable        *query,
                             gpointer           data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  JsonObject *obj;
  JsonArray *messages;
  const char *model;

  if (g_str_has_suffix (path, "/models"))
    {
      const char *list = "{\"data\":[{\"id\":\"tuned\"},{\"id\":\"base\"}]}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, list, strlen (list));
      return;
    }
  obj = debrief_test_request_object (msg, parser);
  model = json_object_get_string_member (obj, "model");
  messages = json_object_get_array_member (obj, "messages");
  if (strcmp (model, "judge") == 0)
    text = g_strdup ("[[A]]");
  else
    text = g_strdup_printf ("%s says: %s", model,
                            json_object_get_string_member (json_array_get_object_element (messages, 0), "content"));
  escaped = g_strescape (text, NULL);
  body = g_strdup_printf ("data: {\"choices\":[{\"delta\":{\"content\":\"%s\"},\"finish_reason\":\"stop\"}],"
                          "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n", escaped);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/event-stream", SOUP_MEMORY_COPY, body, strlen (body));
}

