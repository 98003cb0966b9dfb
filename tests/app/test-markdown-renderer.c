/* test-markdown-renderer.c: debrief_markdown_render() and its pieces, on a
 * buffer with no view
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "debrief-markdown-renderer.h"
#include "debrief-test-utils.h"

static int
find_offset (GtkTextBuffer *buffer,
             const char    *needle)
{
  GtkTextIter start, match_start;

  gtk_text_buffer_get_start_iter (buffer, &start);
  if (!gtk_text_iter_forward_search (&start, needle, GTK_TEXT_SEARCH_TEXT_ONLY, &match_start, NULL, NULL))
    return -1;
  return gtk_text_iter_get_offset (&match_start);
}

static gboolean
has_tag_at (GtkTextBuffer *buffer,
            const char    *needle,
            const char    *tag_name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  int offset = find_offset (buffer, needle);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  g_assert_cmpint (offset, >=, 0);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  return gtk_text_iter_has_tag (&iter, tag);
}

static guint
block_line_at (const DebriefMarkdownLayout *layout,
               int                          offset)
{
  for (guint i = 0; i < layout->blocks->len; i++)
    if (g_array_index (layout->blocks, DebriefMarkdownBlock, i).offset == offset)
      return g_array_index (layout->blocks, DebriefMarkdownBlock, i).source_line;
  return 0;
}

static void
test_markdown_constructs (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autoptr(DebriefMarkdownLayout) layout = debrief_markdown_render (buffer, debrief_test_report_markdown);
  g_autofree char *text = debrief_test_buffer_text (buffer);
  DebriefMarkdownTable *table = NULL;
  const char *image = NULL;
  const char *alt = NULL;
  char **row;

  /* No markdown syntax left over. */
  g_assert_null (strstr (text, "**"));
  g_assert_null (strstr (text, "##"));
  g_assert_null (strstr (text, "```"));
  g_assert_null (strstr (text, "](http"));

  g_assert_true (has_tag_at (buffer, "Debrief: overfit", "h1"));
  g_assert_true (has_tag_at (buffer, "Key numbers", "h2"));
  g_assert_false (has_tag_at (buffer, "the model", "h1"));
  g_assert_true (has_tag_at (buffer, "Verdict:", "strong"));
  g_assert_true (has_tag_at (buffer, "overfits", "emphasis"));
  g_assert_false (has_tag_at (buffer, "the model", "emphasis"));
  g_assert_true (has_tag_at (buffer, "step 4500", "code"));
  g_assert_true (has_tag_at (buffer, "debrief-cli analyze", "code-block"));
  g_assert_true (has_tag_at (buffer, "A quoted remark.", "quote"));
  g_assert_true (has_tag_at (buffer, "the checklist", "link"));

  /* Lists: numbers, bullets, nesting (deeper margin). */
  g_assert_nonnull (strstr (text, "1. Stop at the best step."));
  g_assert_nonnull (strstr (text, "2. Review the data."));
  g_assert_nonnull (strstr (text, "\u25e6 nested point"));
  g_assert_nonnull (strstr (text, "\u2022 See the checklist."));
  g_assert_true (has_tag_at (buffer, "1. Stop", "item-1"));
  g_assert_true (has_tag_at (buffer, "\u25e6 nested", "item-2"));

  /* Links: the visible text, the URL behind it. */
  g_assert_cmpuint (layout->links->len, ==, 1);
  {
    const DebriefMarkdownLink *link = &g_array_index (layout->links, DebriefMarkdownLink, 0);
    g_assert_cmpstr (link->url, ==, "https://example.com/checklist");
    g_assert_cmpint (link->start, ==, find_offset (buffer, "the checklist"));
    g_assert_cmpint (link->end - link->start, ==, strlen ("the checklist"));
  }

  /* The pipe table and the image are anchors carrying their content. */
  g_assert_cmpuint (layout->anchors->len, ==, 2);
  for (guint i = 0; i < layout->anchors->len; i++)
    {
      GObject *anchor = g_ptr_array_index (layout->anchors, i);
      table = table ? table : g_object_get_data (anchor, DEBRIEF_MARKDOWN_ANCHOR_TABLE);
      image = image ? image : g_object_get_data (anchor, DEBRIEF_MARKDOWN_ANCHOR_IMAGE);
      alt = alt ? alt : g_object_get_data (anchor, DEBRIEF_MARKDOWN_ANCHOR_ALT);
    }
  g_assert_nonnull (table);
  g_assert_cmpuint (table->n_columns, ==, 2);
  g_assert_cmpuint (table->rows->len, ==, 3);
  g_assert_cmpint (table->align[1], ==, DEBRIEF_MARKDOWN_ALIGN_RIGHT);
  row = g_ptr_array_index (table->rows, 0);
  g_assert_cmpstr (row[0], ==, "Metric");
  row = g_ptr_array_index (table->rows, 2);
  g_assert_cmpstr (row[0], ==, "Best step");
  g_assert_cmpstr (row[1], ==, "**4500**");
  g_assert_null (strstr (text, "|---"));
  g_assert_cmpstr (image, ==, "loss.png");
  g_assert_cmpstr (alt, ==, "Loss plot");

  /* Source positions: each block knows its line. */
  g_assert_cmpuint (block_line_at (layout, find_offset (buffer, "Debrief: overfit")), ==, 1);
  g_assert_cmpuint (block_line_at (layout, find_offset (buffer, "Findings")), ==, 12);
  g_assert_cmpuint (block_line_at (layout, find_offset (buffer, "Notes")), ==, 27);
  g_assert_cmpuint (block_line_at (layout, find_offset (buffer, "debrief-cli")), ==, 23);
  for (guint i = 1; i < layout->blocks->len; i++)
    {
      g_assert_cmpuint (g_array_index (layout->blocks, DebriefMarkdownBlock, i).source_line, >,
                        g_array_index (layout->blocks, DebriefMarkdownBlock, i - 1).source_line);
      g_assert_cmpint (g_array_index (layout->blocks, DebriefMarkdownBlock, i).offset, >,
                       g_array_index (layout->blocks, DebriefMarkdownBlock, i - 1).offset);
    }

  /* Rendering again replaces, it does not append. */
  {
    g_autoptr(DebriefMarkdownLayout) again = debrief_markdown_render (buffer, "plain *words*");
    g_autofree char *text2 = debrief_test_buffer_text (buffer);
    g_assert_cmpstr (text2, ==, "plain words");
    g_assert_cmpuint (again->anchors->len, ==, 0);
  }
}

static void
test_markdown_table_parse (void)
{
  const char *ok[] = { "a | b | c", ":-- | :-: | --:", "`x|y` | \\| | short", NULL };
  const char *not_table[] = { "| a | b |", "| just text |", NULL };
  const char *mismatch[] = { "| a | b |", "|---|", NULL };
  DebriefMarkdownTable *table;
  char **row;

  table = debrief_markdown_table_parse (ok);
  g_assert_nonnull (table);
  g_assert_cmpuint (table->n_columns, ==, 3);
  g_assert_cmpint (table->align[0], ==, DEBRIEF_MARKDOWN_ALIGN_LEFT);
  g_assert_cmpint (table->align[1], ==, DEBRIEF_MARKDOWN_ALIGN_CENTER);
  g_assert_cmpint (table->align[2], ==, DEBRIEF_MARKDOWN_ALIGN_RIGHT);
  row = g_ptr_array_index (table->rows, 1);
  /* A pipe inside a code span or escaped does not split. */
  g_assert_cmpstr (row[0], ==, "`x|y`");
  g_assert_cmpstr (row[1], ==, "\\|");
  g_assert_cmpstr (row[2], ==, "short");
  debrief_markdown_table_free (table);

  g_assert_null (debrief_markdown_table_parse (not_table));
  g_assert_null (debrief_markdown_table_parse (mismatch));

  /* A paragraph of text followed by a table in the same paragraph. */
  {
    g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
    g_autoptr(DebriefMarkdownLayout) layout =
      debrief_markdown_render (buffer, "Numbers below:\n| k | v |\n|---|---|\n| a | 1 |\n");
    g_autofree char *text = debrief_test_buffer_text (buffer);

    g_assert_true (g_str_has_prefix (text, "Numbers below:"));
    g_assert_cmpuint (layout->anchors->len, ==, 1);
    g_assert_nonnull (g_object_get_data (g_ptr_array_index (layout->anchors, 0), DEBRIEF_MARKDOWN_ANCHOR_TABLE));
  }
}

static void
test_markdown_inline_pango (void)
{
  g_autofree char *a = debrief_markdown_inline_to_pango ("**a** `b|c` *d* [l](https://x.org/?q=1&r=2)");
  g_autofree char *b = debrief_markdown_inline_to_pango ("<script> & \"x\"");
  g_autofree char *c = debrief_markdown_inline_to_pango ("- not a list");

  g_assert_cmpstr (a, ==, "<b>a</b> <tt>b|c</tt> <i>d</i> <a href=\"https://x.org/?q=1&amp;r=2\">l</a>");
  g_assert_cmpstr (b, ==, "&lt;script&gt; &amp; &quot;x&quot;");
  g_assert_cmpstr (c, ==, "- not a list");
  {
    /* Valid markup for a label (<a> is GtkLabel's own). */
    GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
    gtk_label_set_markup (GTK_LABEL (label), a);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "a b|c d l");
    g_object_unref (label);
  }
}

int
main (int   argc,
      char *argv[])
{
  if (!debrief_test_init_gtk (&argc, &argv))
    return 0;

  g_test_add_func ("/markdown/constructs", test_markdown_constructs);
  g_test_add_func ("/markdown/table-parse", test_markdown_table_parse);
  g_test_add_func ("/markdown/inline-pango", test_markdown_inline_pango);
  return g_test_run ();
}
