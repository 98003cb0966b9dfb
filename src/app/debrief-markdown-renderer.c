/* debrief-markdown-renderer.c: CommonMark (cmark) into a GtkTextBuffer
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <cmark.h>

#include "debrief-markdown-renderer.h"

/* Indentation per list / quote level, in pixels. */
#define INDENT_STEP 22
/* A bullet or "1." plus its space, so wrapped item lines align with the text. */
#define HANGING_INDENT 16
#define MAX_INDENT_LEVEL 8

/* ---------------------------------------------------------------- tables */

void
debrief_markdown_table_free (DebriefMarkdownTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table->align);
  g_free (table);
}

/* Splits one table row on unescaped pipes outside code spans. */
static GPtrArray *
split_row (const char *line)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *trimmed = g_strstrip (g_strdup (line));
  GString *cell = g_string_new (NULL);
  const char *p = trimmed;
  gsize len = strlen (trimmed);
  gboolean trailing_pipe = FALSE;
  guint in_code = 0;

  if (*p == '|')
    p++;
  if (len > 1 && trimmed[len - 1] == '|' && trimmed[len - 2] != '\\')
    {
      trimmed[len - 1] = '\0';
      trailing_pipe = TRUE;
    }
  (void) trailing_pipe;

  for (; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          g_string_append_c (cell, *p++);
          g_string_append_c (cell, *p);
          continue;
        }
      if (*p == '`')
        {
          guint run = 0;
          while (p[run] == '`')
            run++;
          if (in_code == 0)
            in_code = run;
          else if (in_code == run)
            in_code = 0;
          g_string_append_len (cell, p, run);
          p += run - 1;
          continue;
        }
      if (*p == '|' && in_code == 0)
        {
          g_ptr_array_add (cells, g_strstrip (g_string_free (cell, FALSE)));
          cell = g_string_new (NULL);
          continue;
        }
      g_string_append_c (cell, *p);
    }
  g_ptr_array_add (cells, g_strstrip (g_string_free (cell, FALSE)));
  return cells;
}

static gboolean
parse_delimiter (const char           *cell,
                 DebriefMarkdownAlign *align)
{
  gsize len = strlen (cell);
  gboolean left, right;

  if (len == 0)
    return FALSE;
  left = cell[0] == ':';
  right = len > 1 && cell[len - 1] == ':';
  for (gsize i = left ? 1 : 0; i < (right ? len - 1 : len); i++)
    if (cell[i] != '-')
      return FALSE;
  if (len - left - right < 1)
    return FALSE;
  *align = left && right ? DEBRIEF_MARKDOWN_ALIGN_CENTER
         : right ? DEBRIEF_MARKDOWN_ALIGN_RIGHT
         : left ? DEBRIEF_MARKDOWN_ALIGN_LEFT
         : DEBRIEF_MARKDOWN_ALIGN_NONE;
  return TRUE;
}

DebriefMarkdownTable *
debrief_markdown_table_parse (const char *const *lines)
{
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) delimiter = NULL;
  DebriefMarkdownTable *table;

  if (lines == NULL || lines[0] == NULL || lines[1] == NULL)
    return NULL;
  if (strchr (lines[0], '|') == NULL || strchr (lines[1], '-') == NULL)
    return NULL;

  header = split_row (lines[0]);
  delimiter = split_row (lines[1]);
  /* GFM: the delimiter row must match the header cell for cell. */
  if (header->len != delimiter->len || header->len == 0)
    return NULL;

  table = g_new0 (DebriefMarkdownTable, 1);
  table->n_columns = header->len;
  table->align = g_new0 (DebriefMarkdownAlign, table->n_columns);
  for (guint c = 0; c < table->n_columns; c++)
    if (!parse_delimiter (g_ptr_array_index (delimiter, c), &table->align[c]))
      {
        g_free (table->align);
        g_free (table);
        return NULL;
      }

  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) cells = NULL;
      char **row;

      if (i == 1)
        continue;
      cells = split_row (lines[i]);
      row = g_new0 (char *, table->n_columns + 1);
      /* Short rows are padded, long ones cut, as GFM does. */
      for (guint c = 0; c < table->n_columns; c++)
        row[c] = g_strdup (c < cells->len ? (const char *) g_ptr_array_index (cells, c) : "");
      g_ptr_array_add (table->rows, row);
    }
  return table;
}

/* ---------------------------------------------------------- inline pango */

static void
append_pango (GString    *out,
              cmark_node *node)
{
  for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
    {
      const char *literal = cmark_node_get_literal (child);
      g_autofree char *escaped = NULL;

      switch (cmark_node_get_type (child))
        {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_HTML_INLINE:
          escaped = g_markup_escape_text (literal ? literal : "", -1);
          g_string_append (out, escaped);
          break;
        case CMARK_NODE_CODE:
          escaped = g_markup_escape_text (literal ? literal : "", -1);
          g_string_append_printf (out, "<tt>%s</tt>", escaped);
          break;
        case CMARK_NODE_SOFTBREAK:
          g_string_append_c (out, ' ');
          break;
        case CMARK_NODE_LINEBREAK:
          g_string_append_c (out, '\n');
          break;
        case CMARK_NODE_EMPH:
          g_string_append (out, "<i>");
          append_pango (out, child);
          g_string_append (out, "</i>");
          break;
        case CMARK_NODE_STRONG:
          g_string_append (out, "<b>");
          append_pango (out, child);
          g_string_append (out, "</b>");
          break;
        case CMARK_NODE_LINK:
          escaped = g_markup_escape_text (cmark_node_get_url (child) ? cmark_node_get_url (child) : "", -1);
          g_string_append_printf (out, "<a href=\"%s\">", escaped);
          append_pango (out, child);
          g_string_append (out, "</a>");
          break;
        case CMARK_NODE_IMAGE:
        default:
          append_pango (out, child);
          break;
        }
    }
}

char *
debrief_markdown_inline_to_pango (const char *markdown)
{
  cmark_node *doc;
  cmark_node *first;
  GString *out;

  g_return_val_if_fail (markdown != NULL, NULL);

  doc = cmark_parse_document (markdown, strlen (markdown), CMARK_OPT_DEFAULT);
  first = cmark_node_first_child (doc);
  /* A cell is inline content; "- x" or "# x" would parse as blocks: keep
   * such a cell as the plain text it is. */
  if (first == NULL || cmark_node_get_type (first) != CMARK_NODE_PARAGRAPH || cmark_node_next (first) != NULL)
    {
      cmark_node_free (doc);
      return g_markup_escape_text (markdown, -1);
    }
  out = g_string_new (NULL);
  append_pango (out, first);
  cmark_node_free (doc);
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- render */

typedef struct
{
  GtkTextBuffer *buffer;
  char **lines;                /* source lines, for tables */
  guint n_lines;
  guint line_offset;           /* source line of a fragment's line 1, minus one */
  DebriefMarkdownLayout *layout;
  GPtrArray *inline_tags;      /* GtkTextTag*, the emphasis/strong/code/link in force */
  int list_depth;
  int quote_depth;
  gboolean tight;
  char *pending_marker;        /* the bullet of a list item not yet written */
} Renderer;

static void render_blocks (Renderer *r, cmark_node *parent);

static void
ensure_tags (GtkTextBuffer *buffer)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  static const double heading_scale[] = { 1.8, 1.45, 1.2, 1.1, 1.0, 0.9 };

  if (gtk_text_tag_table_lookup (table, "strong") != NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (heading_scale); i++)
    {
      g_autofree char *name = g_strdup_printf ("h%u", i + 1);
      gtk_text_buffer_create_tag (buffer, name,
                                  "weight", i < 4 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_SEMIBOLD,
                                  "scale", heading_scale[i],
                                  "pixels-above-lines", i == 0 ? 6 : 14,
                                  "pixels-below-lines", 8,
                                  NULL);
    }
  gtk_text_buffer_create_tag (buffer, "paragraph", "pixels-below-lines", 10, NULL);
  gtk_text_buffer_create_tag (buffer, "tight", "pixels-below-lines", 3, NULL);
  gtk_text_buffer_create_tag (buffer, "emphasis", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_create_tag (buffer, "strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "code",
                              "family", "monospace",
                              "background-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 0.18 },
                              NULL);
  gtk_text_buffer_create_tag (buffer, "code-block",
                              "family", "monospace",
                              "wrap-mode", GTK_WRAP_CHAR,
                              "paragraph-background-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 0.14 },
                              "left-margin", 12,
                              "right-margin", 12,
                              NULL);
  gtk_text_buffer_create_tag (buffer, "code-block-end", "pixels-below-lines", 10, NULL);
  gtk_text_buffer_create_tag (buffer, "quote", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_create_tag (buffer, "link",
                              "underline", PANGO_UNDERLINE_SINGLE,
                              "foreground", "#1c71d8",
                              NULL);
  gtk_text_buffer_create_tag (buffer, "table", "pixels-below-lines", 12, "pixels-above-lines", 2, NULL);
  gtk_text_buffer_create_tag (buffer, "image", "pixels-below-lines", 12, NULL);
  gtk_text_buffer_create_tag (buffer, "rule",
                              "justification", GTK_JUSTIFY_CENTER,
                              "foreground-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 1.0 },
                              "pixels-below-lines", 10,
                              NULL);
  for (int level = 1; level <= MAX_INDENT_LEVEL; level++)
    {
      g_autofree char *item = g_strdup_printf ("item-%d", level);
      g_autofree char *indent = g_strdup_printf ("indent-%d", level);

      gtk_text_buffer_create_tag (buffer, indent, "left-margin", level * INDENT_STEP, NULL);
      gtk_text_buffer_create_tag (buffer, item,
                                  "left-margin", (level - 1) * INDENT_STEP + HANGING_INDENT + 4,
                                  "indent", -HANGING_INDENT,
                                  NULL);
    }
}

static int
end_offset (Renderer *r)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (r->buffer, &end);
  return gtk_text_iter_get_offset (&end);
}

static void
apply_tag_by_name (Renderer   *r,
                   const char *name,
                   int         start,
                   int         end)
{
  GtkTextIter a, b;

  gtk_text_buffer_get_iter_at_offset (r->buffer, &a, start);
  gtk_text_buffer_get_iter_at_offset (r->buffer, &b, end);
  gtk_text_buffer_apply_tag_by_name (r->buffer, name, &a, &b);
}

static void
insert_text (Renderer   *r,
             const char *text,
             int         len)
{
  GtkTextIter end;
  int start;

  if (text == NULL || *text == '\0')
    return;
  start = end_offset (r);
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  gtk_text_buffer_insert (r->buffer, &end, text, len);
  if (r->inline_tags->len > 0)
    {
      GtkTextIter a, b;

      gtk_text_buffer_get_iter_at_offset (r->buffer, &a, start);
      gtk_text_buffer_get_end_iter (r->buffer, &b);
      for (guint i = 0; i < r->inline_tags->len; i++)
        gtk_text_buffer_apply_tag (r->buffer, g_ptr_array_index (r->inline_tags, i), &a, &b);
    }
}

static void
push_tag (Renderer   *r,
          const char *name)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (r->buffer);

  g_ptr_array_add (r->inline_tags, gtk_text_tag_table_lookup (table, name));
}

static void
pop_tag (Renderer *r)
{
  g_ptr_array_set_size (r->inline_tags, r->inline_tags->len - 1);
}

static void
add_block (Renderer   *r,
           cmark_node *node,
           int         offset)
{
  DebriefMarkdownBlock block;
  guint line = cmark_node_get_start_line (node);

  if (line == 0)
    return;
  block.source_line = line + r->line_offset;
  block.offset = offset;
  /* Keep the array monotonic in both fields: nested blocks come in order. */
  if (r->layout->blocks->len > 0)
    {
      DebriefMarkdownBlock *last = &g_array_index (r->layout->blocks, DebriefMarkdownBlock,
                                                   r->layout->blocks->len - 1);
      if (last->source_line >= block.source_line)
        return;
    }
  g_array_append_val (r->layout->blocks, block);
}

/* Starts a block: returns its first offset, after the list bullet. */
static int
begin_block (Renderer   *r,
             cmark_node *node)
{
  int start = end_offset (r);

  add_block (r, node, start);
  if (r->pending_marker != NULL)
    {
      g_autofree char *marker = g_steal_pointer (&r->pending_marker);
      g_autofree char *with_space = g_strconcat (marker, " ", NULL);
      GPtrArray *saved = r->inline_tags;

      r->inline_tags = g_ptr_array_new ();
      insert_text (r, with_space, -1);
      g_ptr_array_unref (r->inline_tags);
      r->inline_tags = saved;
    }
  return start;
}

/* Ends a block: a newline, then the block's paragraph tags over it. */
static void
end_block (Renderer   *r,
           int         start,
           const char *spacing_tag)
{
  GtkTextIter end;
  int level = MIN (r->list_depth + r->quote_depth, MAX_INDENT_LEVEL);

  gtk_text_buffer_get_end_iter (r->buffer, &end);
  gtk_text_buffer_insert (r->buffer, &end, "\n", 1);
  if (spacing_tag != NULL)
    apply_tag_by_name (r, spacing_tag, start, end_offset (r));
  if (r->quote_depth > 0)
    apply_tag_by_name (r, "quote", start, end_offset (r));
  if (level > 0)
    {
      g_autofree char *name = g_strdup_printf (r->list_depth > 0 ? "item-%d" : "indent-%d", level);
      apply_tag_by_name (r, name, start, end_offset (r));
    }
}

static void
collect_text (GString    *out,
              cmark_node *node)
{
  for (cmark_node *child = cmark_node_first_child (node); child != NULL; child = cmark_node_next (child))
    {
      const char *literal = cmark_node_get_literal (child);

      if (literal != NULL)
        g_string_append (out, literal);
      else if (cmark_node_get_type (child) == CMARK_NODE_SOFTBREAK)
        g_string_append_c (out, ' ');
      collect_text (out, child);
    }
}

static GtkTextChildAnchor *
insert_anchor (Renderer *r)
{
  GtkTextIter end;
  GtkTextChildAnchor *anchor;

  gtk_text_buffer_get_end_iter (r->buffer, &end);
  anchor = gtk_text_buffer_create_child_anchor (r->buffer, &end);
  g_ptr_array_add (r->layout->anchors, g_object_ref (anchor));
  return anchor;
}

static void
render_inlines (Renderer   *r,
                cmark_node *parent)
{
  for (cmark_node *node = cmark_node_first_child (parent); node != NULL; node = cmark_node_next (node))
    {
      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_HTML_INLINE:
          if (g_str_has_prefix (cmark_node_get_literal (node) ? cmark_node_get_literal (node) : "", "<!--"))
            break;
          insert_text (r, cmark_node_get_literal (node), -1);
          break;
        case CMARK_NODE_TEXT:
          insert_text (r, cmark_node_get_literal (node), -1);
          break;
        case CMARK_NODE_SOFTBREAK:
          insert_text (r, " ", 1);
          break;
        case CMARK_NODE_LINEBREAK:
          insert_text (r, "\n", 1);
          break;
        case CMARK_NODE_CODE:
          push_tag (r, "code");
          insert_text (r, cmark_node_get_literal (node), -1);
          pop_tag (r);
          break;
        case CMARK_NODE_EMPH:
          push_tag (r, "emphasis");
          render_inlines (r, node);
          pop_tag (r);
          break;
        case CMARK_NODE_STRONG:
          push_tag (r, "strong");
          render_inlines (r, node);
          pop_tag (r);
          break;
        case CMARK_NODE_LINK:
          {
            DebriefMarkdownLink link;

            link.start = end_offset (r);
            push_tag (r, "link");
            render_inlines (r, node);
            pop_tag (r);
            link.end = end_offset (r);
            link.url = g_strdup (cmark_node_get_url (node) ? cmark_node_get_url (node) : "");
            if (link.end > link.start)
              g_array_append_val (r->layout->links, link);
            else
              g_free (link.url);
          }
          break;
        case CMARK_NODE_IMAGE:
          {
            g_autoptr(GString) alt = g_string_new (NULL);
            GtkTextChildAnchor *anchor = insert_anchor (r);

            collect_text (alt, node);
            g_object_set_data_full (G_OBJECT (anchor), DEBRIEF_MARKDOWN_ANCHOR_IMAGE,
                                    g_strdup (cmark_node_get_url (node) ? cmark_node_get_url (node) : ""),
                                    g_free);
            g_object_set_data_full (G_OBJECT (anchor), DEBRIEF_MARKDOWN_ANCHOR_ALT,
                                    g_string_free (g_steal_pointer (&alt), FALSE), g_free);
          }
          break;
        default:
          render_inlines (r, node);
          break;
        }
    }
}

static gboolean
is_delimiter_row (const char *line)
{
  g_autoptr(GPtrArray) cells = NULL;
  DebriefMarkdownAlign align;

  if (strchr (line, '-') == NULL)
    return FALSE;
  cells = split_row (line);
  for (guint i = 0; i < cells->len; i++)
    if (!parse_delimiter (g_ptr_array_index (cells, i), &align))
      return FALSE;
  return TRUE;
}

/* Renders a piece of markdown (text before a table inside one paragraph)
 * as if it stood alone, keeping source lines right. */
static void
render_fragment (Renderer   *r,
                 const char *text,
                 guint       first_line)
{
  cmark_node *doc = cmark_parse_document (text, strlen (text), CMARK_OPT_SOURCEPOS);
  guint saved = r->line_offset;

  r->line_offset = first_line - 1;
  render_blocks (r, doc);
  r->line_offset = saved;
  cmark_node_free (doc);
}

/* The paragraph's source lines without their container prefix ("> ", list
 * indentation): the part from the paragraph's start column on. */
static char **
paragraph_lines (Renderer   *r,
                 cmark_node *node)
{
  guint first = cmark_node_get_start_line (node);
  guint last = cmark_node_get_end_line (node);
  int column = cmark_node_get_start_column (node);
  GPtrArray *lines;

  if (r->lines == NULL || first == 0 || last < first || last > r->n_lines)
    return NULL;
  lines = g_ptr_array_new ();
  for (guint i = first; i <= last; i++)
    {
      const char *line = r->lines[i - 1];
      int skip = 0;

      while (skip < column - 1 && (line[skip] == ' ' || line[skip] == '>' || line[skip] == '\t'))
        skip++;
      g_ptr_array_add (lines, g_strdup (line + skip));
    }
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

/* A paragraph that holds a pipe table (cmark core has no GFM tables):
 * renders it and returns TRUE. */
static gboolean
try_render_table (Renderer   *r,
                  cmark_node *node)
{
  g_auto(GStrv) lines = NULL;
  DebriefMarkdownTable *table = NULL;
  GtkTextChildAnchor *anchor;
  guint header = 0;
  guint n;
  int start;

  /* Only top-level paragraphs: positions of nested ones are unreliable. */
  if (r->lines == NULL || r->line_offset != 0)
    return FALSE;
  lines = paragraph_lines (r, node);
  if (lines == NULL)
    return FALSE;
  n = g_strv_length (lines);
  for (header = 0; header + 1 < n; header++)
    if (strchr (lines[header], '|') != NULL && is_delimiter_row (lines[header + 1]))
      {
        table = debrief_markdown_table_parse ((const char *const *) lines + header);
        if (table != NULL)
          break;
      }
  if (table == NULL)
    return FALSE;

  if (header > 0)
    {
      g_autofree char *before = NULL;
      char *saved = lines[header];

      lines[header] = NULL;
      before = g_strjoinv ("\n", lines);
      lines[header] = saved;
      render_fragment (r, before, cmark_node_get_start_line (node));
    }

  start = end_offset (r);
  {
    DebriefMarkdownBlock block = { cmark_node_get_start_line (node) + header, start };
    if (r->layout->blocks->len == 0
        || g_array_index (r->layout->blocks, DebriefMarkdownBlock, r->layout->blocks->len - 1).source_line < block.source_line)
      g_array_append_val (r->layout->blocks, block);
  }
  anchor = insert_anchor (r);
  g_object_set_data_full (G_OBJECT (anchor), DEBRIEF_MARKDOWN_ANCHOR_TABLE, table,
                          (GDestroyNotify) debrief_markdown_table_free);
  end_block (r, start, "table");
  return TRUE;
}

static void
render_list (Renderer   *r,
             cmark_node *list)
{
  gboolean saved_tight = r->tight;
  gboolean ordered = cmark_node_get_list_type (list) == CMARK_ORDERED_LIST;
  int number = cmark_node_get_list_start (list);
  const char *delim = cmark_node_get_list_delim (list) == CMARK_PAREN_DELIM ? ")" : ".";
  /* Nested bullets alternate like most renderers do. */
  static const char *bullets[] = { "\u2022", "\u25e6", "\u25aa" };

  r->tight = cmark_node_get_list_tight (list);
  r->list_depth++;
  for (cmark_node *item = cmark_node_first_child (list); item != NULL; item = cmark_node_next (item))
    {
      g_free (r->pending_marker);
      if (ordered)
        r->pending_marker = g_strdup_printf ("%d%s", number++, delim);
      else
        r->pending_marker = g_strdup (bullets[(r->list_depth - 1) % G_N_ELEMENTS (bullets)]);
      render_blocks (r, item);
      if (r->pending_marker != NULL)
        {
          /* An empty item still shows its bullet. */
          int start = begin_block (r, item);
          end_block (r, start, r->tight ? "tight" : "paragraph");
        }
    }
  r->list_depth--;
  r->tight = saved_tight;
  /* The list's last item keeps the spacing of a paragraph. */
  if (r->list_depth == 0)
    {
      int end = end_offset (r);
      if (end > 0)
        apply_tag_by_name (r, "paragraph", end - 1, end);
    }
}

static void
render_code_block (Renderer   *r,
                   cmark_node *node)
{
  const char *literal = cmark_node_get_literal (node);
  gsize len = literal ? strlen (literal) : 0;
  int start;

  /* A code block inside a list item gets its bullet on a line of its own. */
  if (r->pending_marker != NULL)
    {
      int marker_start = begin_block (r, node);
      end_block (r, marker_start, "tight");
    }
  start = end_offset (r);
  add_block (r, node, start);
  /* cmark keeps the final newline; the block's own newline replaces it. */
  if (len > 0 && literal[len - 1] == '\n')
    len--;
  push_tag (r, "code-block");
  insert_text (r, literal, len);
  pop_tag (r);
  end_block (r, start, NULL);
  apply_tag_by_name (r, "code-block", start, end_offset (r));
  apply_tag_by_name (r, "code-block-end", end_offset (r) - 1, end_offset (r));
}

static void
render_blocks (Renderer   *r,
               cmark_node *parent)
{
  for (cmark_node *node = cmark_node_first_child (parent); node != NULL; node = cmark_node_next (node))
    {
      int start;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_PARAGRAPH:
          if (try_render_table (r, node))
            break;
          start = begin_block (r, node);
          render_inlines (r, node);
          end_block (r, start, r->list_depth > 0 && r->tight ? "tight" : "paragraph");
          break;
        case CMARK_NODE_HEADING:
          {
            g_autofree char *tag = g_strdup_printf ("h%d", CLAMP (cmark_node_get_heading_level (node), 1, 6));
            start = begin_block (r, node);
            render_inlines (r, node);
            end_block (r, start, tag);
          }
          break;
        case CMARK_NODE_HTML_BLOCK:
          /* Comments (the report's generated-part marker, the hint under
           * Notes) are invisible, as on a forge. */
          if (g_str_has_prefix (cmark_node_get_literal (node) ? cmark_node_get_literal (node) : "", "<!--"))
            break;
          render_code_block (r, node);
          break;
        case CMARK_NODE_CODE_BLOCK:
          render_code_block (r, node);
          break;
        case CMARK_NODE_THEMATIC_BREAK:
          start = begin_block (r, node);
          insert_text (r, "\u2015\u2015\u2015\u2015\u2015\u2015\u2015\u2015\u2015\u2015\u2015\u2015", -1);
          end_block (r, start, "rule");
          break;
        case CMARK_NODE_BLOCK_QUOTE:
          r->quote_depth++;
          render_blocks (r, node);
          r->quote_depth--;
          break;
        case CMARK_NODE_LIST:
          render_list (r, node);
          break;
        default:
          render_blocks (r, node);
          break;
        }
    }
}

void
debrief_markdown_layout_free (DebriefMarkdownLayout *layout)
{
  if (layout == NULL)
    return;
  for (guint i = 0; i < layout->links->len; i++)
    g_free (g_array_index (layout->links, DebriefMarkdownLink, i).url);
  g_array_unref (layout->links);
  g_array_unref (layout->blocks);
  g_ptr_array_unref (layout->anchors);
  g_free (layout);
}

DebriefMarkdownLayout *
debrief_markdown_render (GtkTextBuffer *buffer,
                         const char    *markdown)
{
  DebriefMarkdownLayout *layout;
  Renderer r = { 0 };
  cmark_node *doc;
  GtkTextIter start, end;
  gsize len;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);

  if (markdown == NULL)
    markdown = "";
  len = strlen (markdown);

  layout = g_new0 (DebriefMarkdownLayout, 1);
  layout->blocks = g_array_new (FALSE, FALSE, sizeof (DebriefMarkdownBlock));
  layout->links = g_array_new (FALSE, FALSE, sizeof (DebriefMarkdownLink));
  layout->anchors = g_ptr_array_new_with_free_func (g_object_unref);

  ensure_tags (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete (buffer, &start, &end);

  r.buffer = buffer;
  r.layout = layout;
  r.inline_tags = g_ptr_array_new ();
  r.lines = g_strsplit (markdown, "\n", -1);
  r.n_lines = g_strv_length (r.lines);
  for (guint i = 0; i < r.n_lines; i++)
    {
      gsize l = strlen (r.lines[i]);
      if (l > 0 && r.lines[i][l - 1] == '\r')
        r.lines[i][l - 1] = '\0';
    }

  doc = cmark_parse_document (markdown, len, CMARK_OPT_SOURCEPOS);
  render_blocks (&r, doc);
  cmark_node_free (doc);

  /* No trailing empty line under the last block. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  start = end;
  if (gtk_text_iter_backward_char (&start) && gtk_text_iter_get_char (&start) == '\n')
    gtk_text_buffer_delete (buffer, &start, &end);

  g_free (r.pending_marker);
  g_strfreev (r.lines);
  g_ptr_array_unref (r.inline_tags);
  return layout;
}
