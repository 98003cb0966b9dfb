/* debrief-markdown-renderer.h: CommonMark into a GtkTextBuffer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * debrief_markdown_render() turns markdown into styled text in a
 * GtkTextBuffer, with no widget (its tests call it directly): headings,
 * paragraphs, emphasis, strong, code spans and blocks, block quotes, lists,
 * links, thematic breaks, and the two things cmark 0.30 core does not do that
 * the generated report needs: pipe tables (detected in paragraphs, kept as a
 * DebriefMarkdownTable on a child anchor) and images (a child anchor naming
 * the file). DebriefMarkdownView shows the result.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_MARKDOWN_ALIGN_NONE,
  DEBRIEF_MARKDOWN_ALIGN_LEFT,
  DEBRIEF_MARKDOWN_ALIGN_CENTER,
  DEBRIEF_MARKDOWN_ALIGN_RIGHT,
} DebriefMarkdownAlign;

/* A pipe table, cells as markdown (inline syntax kept). */
typedef struct
{
  guint n_columns;
  GPtrArray *rows;       /* GStrv per row, each n_columns long; row 0 is the header */
  DebriefMarkdownAlign *align;
} DebriefMarkdownTable;

/* Where each rendered block came from: preview offset → source line. */
typedef struct
{
  guint source_line;     /* 1-based, as cmark counts */
  int offset;            /* character offset in the preview buffer */
} DebriefMarkdownBlock;

typedef struct
{
  int start;             /* character offsets in the preview buffer */
  int end;
  char *url;
} DebriefMarkdownLink;

typedef struct
{
  GArray *blocks;        /* DebriefMarkdownBlock, by offset (and source line) */
  GArray *links;         /* DebriefMarkdownLink, by offset */
  GPtrArray *anchors;    /* GtkTextChildAnchor for tables and images, in order */
} DebriefMarkdownLayout;

/* Anchor data keys set by debrief_markdown_render(). */
#define DEBRIEF_MARKDOWN_ANCHOR_TABLE "debrief-markdown-table"  /* DebriefMarkdownTable* */
#define DEBRIEF_MARKDOWN_ANCHOR_IMAGE "debrief-markdown-image"  /* char* url, as written */
#define DEBRIEF_MARKDOWN_ANCHOR_ALT   "debrief-markdown-alt"    /* char* alt text */

/* Replaces @buffer's content with @markdown rendered. Tags are created in the
 * buffer's tag table on first use ("h1".."h6", "emphasis", "strong", "code",
 * "code-block", "quote", "link", "table", "image", "rule", "item-N").
 * Returns the layout (free with debrief_markdown_layout_free). */
DebriefMarkdownLayout *debrief_markdown_render         (GtkTextBuffer          *buffer,
                                                        const char             *markdown);
void                   debrief_markdown_layout_free    (DebriefMarkdownLayout  *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefMarkdownLayout, debrief_markdown_layout_free)

/* Parses a pipe table from its lines (header, delimiter row, body rows);
 * NULL when they are not one. */
DebriefMarkdownTable  *debrief_markdown_table_parse    (const char *const      *lines);
void                   debrief_markdown_table_free     (DebriefMarkdownTable   *table);
/* Inline markdown (a table cell) as Pango markup. */
char                  *debrief_markdown_inline_to_pango (const char            *markdown);

G_END_DECLS
