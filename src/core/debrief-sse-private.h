/* debrief-sse-private.h: an incremental server-sent events parser (feed bytes, get events)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows the WHATWG "event stream" interpretation: lines end with CRLF, LF or
 * CR (also when split across feeds); "field: value" with one optional space
 * after the colon; "data" lines of one event are joined with "\n"; lines that
 * start with ":" are comments; an empty line dispatches the event; a leading
 * UTF-8 BOM is skipped; an event still open at the end of the stream is not
 * dispatched (debrief_sse_parser_finish reports it as truncated).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DebriefSseParser DebriefSseParser;

/* @event is "message" unless the stream named it; @data may be empty, never NULL.
 * Return FALSE to stop parsing (feed then returns FALSE without an error). */
typedef gboolean (*DebriefSseEventFunc) (const char *event,
                                         const char *data,
                                         gsize       data_len,
                                         gpointer    user_data);

/* @max_event_size caps one line and one event's data (bytes); larger → DEBRIEF_ERROR_TOO_LARGE. */
DebriefSseParser *debrief_sse_parser_new    (gsize                max_event_size);
void              debrief_sse_parser_free   (DebriefSseParser    *parser);

gboolean          debrief_sse_parser_feed   (DebriefSseParser    *parser,
                                             const char          *bytes,
                                             gsize                len,
                                             DebriefSseEventFunc  func,
                                             gpointer             user_data,
                                             GError             **error);

/* End of stream. Returns FALSE if an event (or line) was left incomplete. */
gboolean          debrief_sse_parser_finish (DebriefSseParser    *parser);

/* The last "id" field seen and the last valid "retry" (ms, -1 if none). */
const char       *debrief_sse_parser_get_last_id (DebriefSseParser *parser);
gint64            debrief_sse_parser_get_retry   (DebriefSseParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefSseParser, debrief_sse_parser_free)

G_END_DECLS
