/* debrief-reader-csv-private.h: CSV logs (Lightning's CSVLogger metrics.csv, any CSV
 * with a step column and a loss-like column)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

/* A cell as it stands in the text: its surrounding quotes left out, "" not yet unescaped. */
typedef struct
{
  const char *start;
  gsize length;
} DebriefCsvField;

/* The next record at *@pos: one line, or several when a quoted cell holds
 * line breaks; FALSE at @end. @n_lines: how many lines it took. */
gboolean debrief_csv_next_record  (const char        **pos,
                                   const char         *end,
                                   const char        **record,
                                   gsize              *length,
                                   guint              *n_lines);
/* Splits a record into @fields (at most @max_fields); returns how many fields it has. */
guint    debrief_csv_split_fields (const char         *record,
                                   gsize               length,
                                   DebriefCsvField    *fields,
                                   guint               max_fields);
/* A cell's text: "" unescaped, valid UTF-8, not stripped. */
char    *debrief_csv_field_text   (const DebriefCsvField *field);

/* Whether the header names a step column and a loss-like column. */
gboolean debrief_reader_csv_detect (const char         *data,
                                    gsize               length);
/* Parses CSV from memory into ctx->run. Sparse cells (Lightning writes train and
 * validation rows with empty cells) are skipped; a repeated header (a resumed
 * run) is skipped with a warning. */
gboolean debrief_reader_csv_parse  (DebriefReadContext *ctx,
                                    const char         *data,
                                    gsize               length,
                                    GError            **error);

G_END_DECLS
