/* debrief-reader-csv-private.h: CSV logs (Lightning's CSVLogger metrics.csv, any CSV
 * with a step column and a loss-like column)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "debrief-reader-private.h"

G_BEGIN_DECLS

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
