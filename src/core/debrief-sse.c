/* debrief-sse.c: an incremental server-sent events parser
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "debrief-error.h"
#include "debrief-sse-private.h"

static const guchar utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

struct _DebriefSseParser
{
  gsize max_event_size;
  GString *line;
  GString *data;
  GString *event;
  char *last_id;
  gint64 retry;
  guint bom_matched;   /* bytes of a leading BOM matched so far */
  gboolean bom_done;
  gboolean after_cr;   /* the previous byte was a CR: a following LF belongs to it */
  gboolean stopped;
};

DebriefSseParser *
debrief_sse_parser_new (gsize max_event_size)
{
  DebriefSseParser *parser = g_new0 (DebriefSseParser, 1);

  parser->max_event_size = max_event_size > 0 ? max_event_size : G_MAXSIZE;
  parser->line = g_string_new (NULL);
  parser->data = g_string_new (NULL);
  parser->event = g_string_new (NULL);
  parser->retry = -1;
  return parser;
}

void
debrief_sse_parser_free (DebriefSseParser *parser)
{
  if (parser == NULL)
    return;
  g_string_free (parser->line, TRUE);
  g_string_free (parser->data, TRUE);
  g_string_free (parser->event, TRUE);
  g_free (parser->last_id);
  g_free (parser);
}

const char *
debrief_sse_parser_get_last_id (DebriefSseParser *parser)
{
  return parser->last_id;
}

gint64
debrief_sse_parser_get_retry (DebriefSseParser *parser)
{
  return parser->retry;
}

static gboolean
dispatch (DebriefSseParser    *parser,
          DebriefSseEventFunc  func,
          gpointer             user_data)
{
  gboolean go_on = TRUE;

  if (parser->data->len > 0)
    {
      /* Each data line appended "value\n": drop the last newline. */
      g_string_truncate (parser->data, parser->data->len - 1);
      if (func != NULL)
        go_on = func (parser->event->len > 0 ? parser->event->str : "message",
                      parser->data->str, parser->data->len, user_data);
    }
  g_string_truncate (parser->data, 0);
  g_string_truncate (parser->event, 0);
  return go_on;
}

static gboolean
process_line (DebriefSseParser    *parser,
              DebriefSseEventFunc  func,
              gpointer             user_data,
              GError             **error)
{
  const char *line = parser->line->str;
  gsize len = parser->line->len;
  const char *colon;
  gsize name_len;
  const char *value;
  gsize value_len;

  if (len == 0)
    return dispatch (parser, func, user_data);
  if (line[0] == ':')
    return TRUE;  /* comment */

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = line + len;
      value_len = 0;
    }

  if (name_len == 4 && memcmp (line, "data", 4) == 0)
    {
      if (parser->data->len + value_len + 1 > parser->max_event_size)
        {
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                       g_dngettext (GETTEXT_PACKAGE, "event stream: an event is larger than %zu byte",
                                    "event stream: an event is larger than %zu bytes", parser->max_event_size),
                       parser->max_event_size);
          return FALSE;
        }
      g_string_append_len (parser->data, value, value_len);
      g_string_append_c (parser->data, '\n');
    }
  else if (name_len == 5 && memcmp (line, "event", 5) == 0)
    {
      g_string_truncate (parser->event, 0);
      g_string_append_len (parser->event, value, value_len);
    }
  else if (name_len == 2 && memcmp (line, "id", 2) == 0)
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_free (parser->last_id);
          parser->last_id = g_strndup (value, value_len);
        }
    }
  else if (name_len == 5 && memcmp (line, "retry", 5) == 0)
    {
      gint64 ms = 0;
      gsize i;

      for (i = 0; i < value_len && g_ascii_isdigit (value[i]) && ms < G_MAXINT32; i++)
        ms = ms * 10 + (value[i] - '0');
      if (value_len > 0 && i == value_len)
        parser->retry = ms;
    }
  /* Other fields are ignored, as the specification says. */
  return TRUE;
}

static gboolean
append_to_line (DebriefSseParser  *parser,
                const char        *bytes,
                gsize              len,
                GError           **error)
{
  if (parser->line->len + len > parser->max_event_size)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                   "event stream: a line is longer than %" G_GSIZE_FORMAT " bytes",
                   parser->max_event_size);
      return FALSE;
    }
  g_string_append_len (parser->line, bytes, len);
  return TRUE;
}

gboolean
debrief_sse_parser_feed (DebriefSseParser    *parser,
                         const char          *bytes,
                         gsize                len,
                         DebriefSseEventFunc  func,
                         gpointer             user_data,
                         GError             **error)
{
  gsize i = 0;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);

  if (parser->stopped)
    return FALSE;

  /* A leading byte order mark, possibly split over several feeds. */
  while (!parser->bom_done && i < len)
    {
      if ((guchar) bytes[i] == utf8_bom[parser->bom_matched])
        {
          parser->bom_matched++;
          i++;
          if (parser->bom_matched == sizeof utf8_bom)
            parser->bom_done = TRUE;
        }
      else
        {
          /* Not a BOM after all: the bytes matched so far are content. */
          if (!append_to_line (parser, (const char *) utf8_bom, parser->bom_matched, error))
            return FALSE;
          parser->bom_done = TRUE;
        }
    }

  while (i < len)
    {
      gsize start = i;
      char c;

      if (parser->after_cr)
        {
          parser->after_cr = FALSE;
          if (bytes[i] == '\n')
            {
              i++;
              continue;
            }
        }

      while (i < len && bytes[i] != '\n' && bytes[i] != '\r')
        i++;
      if (!append_to_line (parser, bytes + start, i - start, error))
        return FALSE;
      if (i == len)
        break;

      c = bytes[i++];
      if (c == '\r')
        parser->after_cr = TRUE;
      if (!process_line (parser, func, user_data, error))
        {
          g_string_truncate (parser->line, 0);
          parser->stopped = TRUE;
          return FALSE;
        }
      g_string_truncate (parser->line, 0);
    }
  return TRUE;
}

gboolean
debrief_sse_parser_finish (DebriefSseParser *parser)
{
  gboolean complete;

  g_return_val_if_fail (parser != NULL, FALSE);

  /* Bytes of a BOM prefix that never completed count as an unfinished line. */
  complete = parser->line->len == 0 && parser->data->len == 0 &&
             (parser->bom_done || parser->bom_matched == 0);
  g_string_truncate (parser->line, 0);
  g_string_truncate (parser->data, 0);
  g_string_truncate (parser->event, 0);
  parser->after_cr = FALSE;
  return complete;
}
