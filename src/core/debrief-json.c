/* debrief-json.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-json-private.h"
#include "debrief-strtod-private.h"

void
debrief_json_reader_init (DebriefJsonReader *reader,
                          const char        *data,
                          gsize              length,
                          const char        *file,
                          guint              first_line)
{
  memset (reader, 0, sizeof *reader);
  reader->start = data;
  reader->pos = data;
  reader->end = data + length;
  reader->file = file ? file : "(memory)";
  reader->line = first_line ? first_line : 1;
  /* The first line of a file may start with a byte order mark. */
  if (reader->line == 1)
    reader->pos += debrief_utf8_bom_length (data, length);
}

void
debrief_json_reader_clear (DebriefJsonReader *reader)
{
  g_clear_error (&reader->error);
  if (reader->scratch)
    g_string_free (reader->scratch, TRUE);
  reader->scratch = NULL;
}

GError *
debrief_json_reader_steal_error (DebriefJsonReader *reader)
{
  return g_steal_pointer (&reader->error);
}

gboolean
debrief_json_reader_failed (DebriefJsonReader *reader)
{
  return reader->error != NULL;
}

static void
describe_position (DebriefJsonReader *reader,
                   char              *buf,
                   gsize              size)
{
  if (reader->pos >= reader->end)
    g_strlcpy (buf, _("end of file"), size);
  else
    {
      guchar c = (guchar) *reader->pos;
      if (c >= 0x20 && c < 0x7f)
        g_snprintf (buf, size, "“%c”", c);
      else
        g_snprintf (buf, size, _("byte 0x%02x"), c);
    }
}

static gboolean
fail (DebriefJsonReader *reader,
      const char        *expected)
{
  char found[32];

  if (reader->error != NULL)
    return FALSE;
  describe_position (reader, found, sizeof found);
  reader->at_eof_error = reader->pos >= reader->end;
  g_set_error (&reader->error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
               _("%s:%u: expected %s, found %s"), reader->file, reader->line, expected, found);
  return FALSE;
}

static gboolean
fail_depth (DebriefJsonReader *reader)
{
  if (reader->error == NULL)
    g_set_error (&reader->error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                 g_dngettext (GETTEXT_PACKAGE, "%s:%u: nesting deeper than %d level",
                              "%s:%u: nesting deeper than %d levels", DEBRIEF_JSON_MAX_DEPTH),
                 reader->file, reader->line,
                 DEBRIEF_JSON_MAX_DEPTH);
  return FALSE;
}

/* JSON's white space, one test for the four characters. */
#define WS_BITS ((G_GUINT64_CONSTANT (1) << ' ') | (G_GUINT64_CONSTANT (1) << '\t') | \
                 (G_GUINT64_CONSTANT (1) << '\n') | (G_GUINT64_CONSTANT (1) << '\r'))

static inline gboolean
is_ws (char c)
{
  return (guchar) c <= ' ' && ((WS_BITS >> (guchar) c) & 1);
}

/* White space from @p on, counting lines into *@line. */
static inline const char *
skip_ws_from (const char *p,
              const char *end,
              guint      *line)
{
  while (p < end && is_ws (*p))
    *line += *p++ == '\n';
  return p;
}

static inline void
skip_ws (DebriefJsonReader *reader)
{
  reader->pos = skip_ws_from (reader->pos, reader->end, &reader->line);
}

gboolean
debrief_json_reader_at_end (DebriefJsonReader *reader)
{
  skip_ws (reader);
  return reader->pos >= reader->end;
}

static inline gboolean
is_delimiter (char c)
{
  /* ',' ':' and white space are below 64, ']' and '}' above. */
  static const guint64 low = (G_GUINT64_CONSTANT (1) << ',') | (G_GUINT64_CONSTANT (1) << ':') |
                             (G_GUINT64_CONSTANT (1) << ' ') | (G_GUINT64_CONSTANT (1) << '\n') |
                             (G_GUINT64_CONSTANT (1) << '\r') | (G_GUINT64_CONSTANT (1) << '\t');
  guchar u = (guchar) c;

  return u < 64 ? (low >> u) & 1 : (u == ']' || u == '}');
}

/* ---- numbers ---- */

static gboolean
match_word (const char  *p,
            const char  *end,
            const char  *word)
{
  gsize n = strlen (word);
  return (gsize) (end - p) >= n && g_ascii_strncasecmp (p, word, n) == 0;
}

gboolean
debrief_json_parse_number (const char **pp,
                           const char  *end,
                           double      *value)
{
  const char *p = *pp;
  const char *after;

  /* Python's json.dump writes NaN, Infinity and -Infinity; other writers use nan/inf. */
  {
    const char *w = p;
    gboolean negative = FALSE;

    if (w < end && (*w == '-' || *w == '+'))
      {
        negative = *w == '-';
        w++;
      }
    if (w < end && (*w == 'N' || *w == 'n' || *w == 'I' || *w == 'i'))
      {
        if (match_word (w, end, "nan"))
          {
            *value = NAN;
            w += 3;
          }
        else if (match_word (w, end, "infinity"))
          {
            *value = negative ? -INFINITY : INFINITY;
            w += 8;
          }
        else if (match_word (w, end, "inf"))
          {
            *value = negative ? -INFINITY : INFINITY;
            w += 3;
          }
        else
          return FALSE;
        *pp = w;
        return TRUE;
      }
  }

  after = debrief_strtod (p, end, value);
  /* An exponent without digits ("1e", "2E+") is a malformed number here,
   * not a number followed by a letter. */
  if (after == NULL || (after < end && (*after == 'e' || *after == 'E')))
    return FALSE;
  *pp = after;
  return TRUE;
}

gboolean
debrief_json_string_to_number (const char *text,
                               gsize       length,
                               double     *value)
{
  const char *p = text;
  const char *end = text + length;

  while (p < end && g_ascii_isspace (*p))
    p++;
  while (end > p && g_ascii_isspace (end[-1]))
    end--;
  if (p == end)
    return FALSE;
  if (!debrief_json_parse_number (&p, end, value))
    return FALSE;
  return p == end;
}

/* ---- strings ---- */

static void
append_unichar (GString  *out,
                gunichar  c)
{
  char buf[6];
  int n;

  if (!g_unichar_validate (c))
    c = 0xfffd;
  n = g_unichar_to_utf8 (c, buf);
  g_string_append_len (out, buf, n);
}

static int
hex4 (const char *p,
      const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* At '"'. Returns the contents (escapes decoded into scratch when present). */
static gboolean
scan_string (DebriefJsonReader  *reader,
             const char        **out,
             gsize              *out_length)
{
  const char *p = reader->pos + 1;
  const char *end = reader->end;
  const char *begin = p;
  GString *buf;

  while (p < end && *p != '"' && *p != '\\')
    {
      if (*p == '\n')
        reader->line++;
      p++;
    }
  if (p < end && *p == '"')
    {
      *out = begin;
      *out_length = p - begin;
      reader->pos = p + 1;
      return TRUE;
    }

  if (reader->scratch == NULL)
    reader->scratch = g_string_sized_new (64);
  buf = reader->scratch;
  g_string_truncate (buf, 0);
  g_string_append_len (buf, begin, p - begin);

  while (p < end && *p != '"')
    {
      if (*p != '\\')
        {
          if (*p == '\n')
            reader->line++;
          g_string_append_c (buf, *p++);
          continue;
        }
      p++;
      if (p >= end)
        break;
      switch (*p)
        {
        case '"': g_string_append_c (buf, '"'); p++; break;
        case '\\': g_string_append_c (buf, '\\'); p++; break;
        case '/': g_string_append_c (buf, '/'); p++; break;
        case 'b': g_string_append_c (buf, '\b'); p++; break;
        case 'f': g_string_append_c (buf, '\f'); p++; break;
        case 'n': g_string_append_c (buf, '\n'); p++; break;
        case 'r': g_string_append_c (buf, '\r'); p++; break;
        case 't': g_string_append_c (buf, '\t'); p++; break;
        case 'u':
          {
            int u = hex4 (p + 1, end);
            if (u < 0)
              {
                reader->pos = p;
                return fail (reader, _("four hex digits after \\u"));
              }
            p += 5;
            if (u >= 0xd800 && u < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
              {
                int low = hex4 (p + 2, end);
                if (low >= 0xdc00 && low < 0xe000)
                  {
                    u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                    p += 6;
                  }
              }
            append_unichar (buf, (gunichar) u);
          }
          break;
        default:
          /* Tolerated: keep the character as written. */
          g_string_append_c (buf, *p++);
          break;
        }
    }
  if (p >= end)
    {
      reader->pos = end;
      return fail (reader, _("the end of a string (“\"”)"));
    }
  reader->pos = p + 1;
  *out = buf->str;
  *out_length = buf->len;
  return TRUE;
}

/* ---- structure ---- */

DebriefJsonType
debrief_json_reader_peek (DebriefJsonReader *reader)
{
  if (reader->error)
    return DEBRIEF_JSON_INVALID;
  skip_ws (reader);
  if (reader->pos >= reader->end)
    return DEBRIEF_JSON_INVALID;
  switch (*reader->pos)
    {
    case '{': return DEBRIEF_JSON_OBJECT;
    case '[': return DEBRIEF_JSON_ARRAY;
    case '"': return DEBRIEF_JSON_STRING;
    case 't': return DEBRIEF_JSON_TRUE;
    case 'f': return DEBRIEF_JSON_FALSE;
    case 'n':
      return match_word (reader->pos, reader->end, "null") ? DEBRIEF_JSON_NULL : DEBRIEF_JSON_NUMBER;
    case '-': case '+': case '.': case 'N': case 'I': case 'i':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return DEBRIEF_JSON_NUMBER;
    default:
      return DEBRIEF_JSON_INVALID;
    }
}

gboolean
debrief_json_reader_begin_object (DebriefJsonReader *reader)
{
  if (reader->error)
    return FALSE;
  skip_ws (reader);
  if (reader->pos >= reader->end || *reader->pos != '{')
    return fail (reader, _("an object (“{”)"));
  if (reader->depth >= DEBRIEF_JSON_MAX_DEPTH)
    return fail_depth (reader);
  reader->depth++;
  reader->pos++;
  reader->first = TRUE;
  return TRUE;
}

/* Steps over the "," between two members or elements, or the closing @close
 * (a trailing comma before it is tolerated). TRUE when another item follows.
 * The messages are untranslated (N_) and looked up only on failure: this is
 * the parser's hot path. */
static inline gboolean
next_item (DebriefJsonReader *reader,
           char               close,
           const char        *expected_first,
           const char        *expected_next)
{
  gboolean first;

  if (reader->error)
    return FALSE;
  first = reader->first;
  reader->first = FALSE;
  skip_ws (reader);
  if (reader->pos >= reader->end)
    return fail (reader, _(first ? expected_first : expected_next));
  if (*reader->pos == close)
    {
      reader->pos++;
      reader->depth--;
      return FALSE;
    }
  if (!first)
    {
      if (*reader->pos != ',')
        return fail (reader, _(expected_next));
      reader->pos++;
      skip_ws (reader);
      if (reader->pos < reader->end && *reader->pos == close)
        {
          reader->pos++;
          reader->depth--;
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
debrief_json_reader_next_member (DebriefJsonReader  *reader,
                                 const char        **key,
                                 gsize              *key_length)
{
  if (!next_item (reader, '}', N_("a key or “}”"), N_("“,” or “}”")))
    return FALSE;
  if (reader->pos >= reader->end || *reader->pos != '"')
    return fail (reader, _("a key in double quotes"));
  if (!scan_string (reader, key, key_length))
    return FALSE;
  skip_ws (reader);
  if (reader->pos >= reader->end || *reader->pos != ':')
    return fail (reader, _("“:” after a key"));
  reader->pos++;
  skip_ws (reader);
  return TRUE;
}

gboolean
debrief_json_reader_begin_array (DebriefJsonReader *reader)
{
  if (reader->error)
    return FALSE;
  skip_ws (reader);
  if (reader->pos >= reader->end || *reader->pos != '[')
    return fail (reader, _("an array (“[”)"));
  if (reader->depth >= DEBRIEF_JSON_MAX_DEPTH)
    return fail_depth (reader);
  reader->depth++;
  reader->pos++;
  reader->first = TRUE;
  return TRUE;
}

gboolean
debrief_json_reader_next_element (DebriefJsonReader *reader)
{
  return next_item (reader, ']', N_("a value or “]”"), N_("“,” or “]”"));
}

gsize
debrief_json_reader_read_numbers (DebriefJsonReader *reader,
                                  double            *values,
                                  gsize              max,
                                  DebriefJsonType   *status)
{
  const char *end = reader->end;
  gsize n = 0;

  if (reader->error)
    {
      *status = DEBRIEF_JSON_ARRAY;
      return 0;
    }
  while (n < max)
    {
      /* The common separators (", ", "\n") and numbers inline; anything else
       * (the end of the array, an error, a value that is not a plain number)
       * goes back through next_element and read_number for the same result. */
      guint line = reader->line;
      const char *p = skip_ws_from (reader->pos, end, &line);
      const char *after;
      double v;

      if (!reader->first && p < end && *p == ',')
        {
          const char *comma = p;
          guint comma_line = line;

          p = skip_ws_from (p + 1, end, &line);
          if (p >= end || *p == ']')
            {
              /* A trailing comma, or the end of the input after one. */
              reader->pos = comma;
              reader->line = comma_line;
              if (!debrief_json_reader_next_element (reader))
                {
                  *status = DEBRIEF_JSON_ARRAY;
                  return n;
                }
              p = reader->pos;
              line = reader->line;
            }
        }
      else if (!(reader->first && p < end && *p != ']'))
        {
          reader->pos = p;
          reader->line = line;
          if (!debrief_json_reader_next_element (reader))
            {
              *status = DEBRIEF_JSON_ARRAY;
              return n;
            }
          p = reader->pos;
          line = reader->line;
        }
      reader->line = line;
      reader->first = FALSE;
      reader->pos = p;
      after = p < end && (*p == '-' || (guchar) (*p - '0') < 10) ? debrief_strtod (p, end, &v) : NULL;
      if (after == NULL || (after < end && !is_delimiter (*after)))
        {
          /* Not a plain number (or a malformed one): the general path decides. */
          *status = DEBRIEF_JSON_INVALID;
          return n;
        }
      reader->pos = after;
      values[n++] = v;
    }
  *status = DEBRIEF_JSON_NUMBER;
  return n;
}

/* Plain numbers separated by commas, from @p to at most @end: a number first
 * (after white space) or, when @after_number, a comma first. At most @max
 * into @values; stops before anything else. *@stop: just after the last
 * number read (@p when none); *@lines: the newlines before it. No state, no
 * errors: the callers go on from *@stop with the tokenizer. */
/* How often a scan hands back the bytes it has read (see read_numbers_parallel). */
#define SCAN_RELEASE_EVERY (1024 * 1024)

static gsize
scan_numbers (const char                *p,
              const char                *end,
              gboolean                   after_number,
              double                    *values,
              gsize                      max,
              const char               **stop,
              guint                     *lines,
              DebriefJsonReleaseFunc     release,
              gpointer                   release_data)
{
  const char *last = p, *released = p;
  guint n_lines = 0, last_lines = 0;
  gsize n = 0;

  while (n < max)
    {
      if (release && p - released >= SCAN_RELEASE_EVERY)
        {
          release (released, p, release_data);
          released = p;
        }
      const char *q = skip_ws_from (p, end, &n_lines), *after;
      double v;

      if (after_number)
        {
          if (q >= end || *q != ',')
            break;
          q = skip_ws_from (q + 1, end, &n_lines);
        }
      if (q >= end || !(*q == '-' || (guchar) (*q - '0') < 10))
        break;
      after = debrief_strtod (q, end, &v);
      if (after == NULL || (after < end && !is_delimiter (*after)))
        break;
      values[n++] = v;
      p = last = after;
      last_lines = n_lines;
      after_number = TRUE;
    }
  *stop = last;
  *lines = last_lines;
  return n;
}

typedef struct
{
  const char *start;
  const char *end;
  double *values;
  gsize max;
  DebriefJsonReleaseFunc release;
  gpointer release_data;
  gsize n;
  const char *stop;
  guint lines;
} ScanJob;

static gpointer
scan_job_run (gpointer data)
{
  ScanJob *job = data;

  job->n = scan_numbers (job->start, job->end, FALSE, job->values, job->max, &job->stop, &job->lines,
                         job->release, job->release_data);
  return NULL;
}

/* Below this many bytes of numbers one thread is as fast. */
#define PARALLEL_MIN_BYTES (2 * 1024 * 1024)

gsize
debrief_json_reader_read_numbers_parallel (DebriefJsonReader      *reader,
                                           double                 *values,
                                           gsize                   max,
                                           DebriefJsonReleaseFunc  release,
                                           gpointer                release_data)
{
  const char *start = reader->pos, *end = reader->end;
  const char *middle, *comma, *stop;
  gboolean after_number = !reader->first;
  ScanJob job = { 0 };
  GThread *thread;
  gsize n, first_max;
  guint lines;

  if (reader->error || max < 2)
    return 0;
  /* The halves meet at the first comma past the middle of the rest of the
   * input (a long array is most of its file; looking for its end first would
   * read all of it in this thread). Anything else in the way stops a half's
   * scan, the end of the array included, and what the first half did not
   * reach is read the usual way (the second half's work is then dropped). */
  if (end - start < 2 * PARALLEL_MIN_BYTES || g_get_num_processors () < 2)
    return 0;
  middle = start + (end - start) / 2;
  comma = memchr (middle, ',', MIN ((gsize) (end - middle), 4096));
  if (comma == NULL)
    return 0;
  /* Each half's share of @values by its share of the bytes, with a margin for the first. */
  first_max = MIN (max - 1, (gsize) ((double) max * (double) (comma - start) / (double) (end - start) * 1.05) + 64);
  job = (ScanJob) { comma + 1, end, values + first_max, max - first_max, release, release_data, 0, NULL, 0 };
  thread = g_thread_new ("debrief-numbers", scan_job_run, &job);
  n = scan_numbers (start, comma, after_number, values, first_max, &stop, &lines, release, release_data);
  g_thread_join (thread);

  reader->line += lines;
  reader->pos = stop;
  if (n > 0)
    reader->first = FALSE;
  if (n == 0 || n == first_max || skip_ws_from (stop, comma, &lines) != comma || job.n == 0)
    return n;  /* the first half did not reach the comma: its own result only */
  /* The comma and what the second half read follow without a gap. */
  skip_ws_from (stop, comma, &reader->line);
  memmove (values + n, values + first_max, job.n * sizeof (double));
  reader->line += job.lines;
  reader->pos = job.stop;
  return n + job.n;
}

static gboolean
check_delimiter (DebriefJsonReader *reader)
{
  if (reader->pos < reader->end && !is_delimiter (*reader->pos))
    return fail (reader, _("“,” or the end of the value"));
  return TRUE;
}

static gboolean
skip_container (DebriefJsonReader *reader)
{
  /* Balanced scan, no recursion: skipped values need not be validated in
   * detail, only delimited (strings may hold brackets). */
  const char *p = reader->pos;
  const char *end = reader->end;
  guint depth = 0;

  while (p < end)
    {
      char c = *p;

      if (c == '"')
        {
          p++;
          while (p < end && *p != '"')
            {
              if (*p == '\\' && p + 1 < end)
                p++;
              else if (*p == '\n')
                reader->line++;
              p++;
            }
          if (p >= end)
            break;
          p++;
          continue;
        }
      if (c == '{' || c == '[')
        {
          depth++;
          if (reader->depth + depth > DEBRIEF_JSON_MAX_DEPTH)
            {
              reader->pos = p;
              return fail_depth (reader);
            }
        }
      else if (c == '}' || c == ']')
        {
          depth--;
          if (depth == 0)
            {
              reader->pos = p + 1;
              return TRUE;
            }
        }
      else if (c == '\n')
        reader->line++;
      p++;
    }
  reader->pos = end;
  return fail (reader, _("the end of an object or array"));
}

DebriefJsonType
debrief_json_reader_read_number (DebriefJsonReader *reader,
                                 double            *value)
{
  const char *s;
  gsize n;

  if (reader->error)
    return DEBRIEF_JSON_INVALID;
  skip_ws (reader);
  if (reader->pos >= reader->end)
    {
      fail (reader, _("a value"));
      return DEBRIEF_JSON_INVALID;
    }
  switch (*reader->pos)
    {
    case '{':
      return skip_container (reader) ? DEBRIEF_JSON_OBJECT : DEBRIEF_JSON_INVALID;
    case '[':
      return skip_container (reader) ? DEBRIEF_JSON_ARRAY : DEBRIEF_JSON_INVALID;
    case '"':
      if (!scan_string (reader, &s, &n))
        return DEBRIEF_JSON_INVALID;
      return debrief_json_string_to_number (s, n, value) ? DEBRIEF_JSON_NUMBER : DEBRIEF_JSON_STRING;
    case 't':
      if (!match_word (reader->pos, reader->end, "true"))
        break;
      reader->pos += 4;
      *value = 1;
      return check_delimiter (reader) ? DEBRIEF_JSON_TRUE : DEBRIEF_JSON_INVALID;
    case 'f':
      if (!match_word (reader->pos, reader->end, "false"))
        break;
      reader->pos += 5;
      *value = 0;
      return check_delimiter (reader) ? DEBRIEF_JSON_FALSE : DEBRIEF_JSON_INVALID;
    case 'n':
      if (match_word (reader->pos, reader->end, "null"))
        {
          reader->pos += 4;
          return check_delimiter (reader) ? DEBRIEF_JSON_NULL : DEBRIEF_JSON_INVALID;
        }
      G_GNUC_FALLTHROUGH;
    default:
      {
        const char *p = reader->pos;
        if (debrief_json_parse_number (&p, reader->end, value))
          {
            reader->pos = p;
            return check_delimiter (reader) ? DEBRIEF_JSON_NUMBER : DEBRIEF_JSON_INVALID;
          }
      }
      break;
    }
  fail (reader, _("a value (number, string, object, array, true, false or null)"));
  return DEBRIEF_JSON_INVALID;
}

char *
debrief_json_reader_read_string (DebriefJsonReader *reader)
{
  const char *s;
  gsize n;
  double ignored;

  if (reader->error)
    return NULL;
  skip_ws (reader);
  if (reader->pos < reader->end && *reader->pos == '"')
    {
      if (!scan_string (reader, &s, &n))
        return NULL;
      return g_utf8_make_valid (s, n);
    }
  debrief_json_reader_read_number (reader, &ignored);
  return NULL;
}

gboolean
debrief_json_reader_skip (DebriefJsonReader *reader)
{
  double ignored;
  return debrief_json_reader_read_number (reader, &ignored) != DEBRIEF_JSON_INVALID;
}

/* ---- DOM ---- */

void
debrief_json_node_free (DebriefJsonNode *node)
{
  if (node == NULL)
    return;
  g_free (node->string);
  if (node->keys)
    g_ptr_array_unref (node->keys);
  if (node->values)
    g_ptr_array_unref (node->values);
  g_free (node);
}

DebriefJsonNode *
debrief_json_node_new (DebriefJsonType type)
{
  DebriefJsonNode *node = g_new0 (DebriefJsonNode, 1);

  node->type = type;
  if (type == DEBRIEF_JSON_OBJECT)
    node->keys = g_ptr_array_new_with_free_func (g_free);
  if (type == DEBRIEF_JSON_OBJECT || type == DEBRIEF_JSON_ARRAY)
    node->values = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_json_node_free);
  return node;
}

void
debrief_json_node_add_member (DebriefJsonNode *object,
                              const char      *key,
                              DebriefJsonNode *value)
{
  g_return_if_fail (object->type == DEBRIEF_JSON_OBJECT);
  g_ptr_array_add (object->keys, g_utf8_make_valid (key, -1));
  g_ptr_array_add (object->values, value);
}

DebriefJsonNode *
debrief_json_node_from_text (const char *value,
                             gsize       length)
{
  DebriefJsonNode *node;
  double v;

  while (length > 0 && (value[length - 1] == '\n' || value[length - 1] == '\r'))
    length--;
  if (length > 0 && debrief_json_string_to_number (value, length, &v))
    {
      node = debrief_json_node_new (DEBRIEF_JSON_NUMBER);
      node->number = v;
    }
  else if ((length == 4 && g_ascii_strncasecmp (value, "true", 4) == 0) ||
           (length == 5 && g_ascii_strncasecmp (value, "false", 5) == 0))
    node = debrief_json_node_new (length == 4 ? DEBRIEF_JSON_TRUE : DEBRIEF_JSON_FALSE);
  else if (length >= 2 && (value[0] == '[' || value[0] == '{') &&
           (node = debrief_json_parse (value, length, "value", NULL)) != NULL)
    ;  /* target_modules logged as "['q_proj', 'v_proj']" is not JSON; "[...]" with double quotes is */
  else
    {
      node = debrief_json_node_new (DEBRIEF_JSON_STRING);
      node->string = g_utf8_make_valid (value, length);
    }
  return node;
}

DebriefJsonNode *
debrief_json_reader_read_node (DebriefJsonReader *reader)
{
  g_autoptr(DebriefJsonNode) node = g_new0 (DebriefJsonNode, 1);
  const char *s;
  gsize n;

  if (reader->error)
    return NULL;
  skip_ws (reader);
  node->line = reader->line;
  if (reader->pos >= reader->end)
    {
      fail (reader, _("a value"));
      return NULL;
    }
  switch (*reader->pos)
    {
    case '{':
      node->type = DEBRIEF_JSON_OBJECT;
      node->keys = g_ptr_array_new_with_free_func (g_free);
      node->values = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_json_node_free);
      if (!debrief_json_reader_begin_object (reader))
        return NULL;
      while (debrief_json_reader_next_member (reader, &s, &n))
        {
          char *key = g_utf8_make_valid (s, n);
          DebriefJsonNode *child = debrief_json_reader_read_node (reader);
          if (child == NULL)
            {
              g_free (key);
              return NULL;
            }
          g_ptr_array_add (node->keys, key);
          g_ptr_array_add (node->values, child);
        }
      break;
    case '[':
      node->type = DEBRIEF_JSON_ARRAY;
      node->values = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_json_node_free);
      if (!debrief_json_reader_begin_array (reader))
        return NULL;
      while (debrief_json_reader_next_element (reader))
        {
          DebriefJsonNode *child = debrief_json_reader_read_node (reader);
          if (child == NULL)
            return NULL;
          g_ptr_array_add (node->values, child);
        }
      break;
    case '"':
      if (!scan_string (reader, &s, &n))
        return NULL;
      node->type = DEBRIEF_JSON_STRING;
      node->string = g_utf8_make_valid (s, n);
      if (!check_delimiter (reader))
        return NULL;
      break;
    default:
      node->type = debrief_json_reader_read_number (reader, &node->number);
      if (node->type == DEBRIEF_JSON_INVALID)
        return NULL;
      break;
    }
  if (reader->error)
    return NULL;
  return g_steal_pointer (&node);
}

DebriefJsonNode *
debrief_json_parse (const char  *data,
                    gsize        length,
                    const char  *file,
                    GError     **error)
{
  DebriefJsonReader reader;
  g_autoptr(DebriefJsonNode) node = NULL;

  debrief_json_reader_init (&reader, data, length, file, 1);
  node = debrief_json_reader_read_node (&reader);
  if (node != NULL && !debrief_json_reader_at_end (&reader))
    {
      fail (&reader, _("the end of the document"));
      g_clear_pointer (&node, debrief_json_node_free);
    }
  if (node == NULL)
    {
      g_propagate_error (error, debrief_json_reader_steal_error (&reader));
      debrief_json_reader_clear (&reader);
      return NULL;
    }
  debrief_json_reader_clear (&reader);
  return g_steal_pointer (&node);
}

DebriefJsonNode *
debrief_json_node_get (const DebriefJsonNode *object,
                       const char            *key)
{
  if (object == NULL || object->type != DEBRIEF_JSON_OBJECT)
    return NULL;
  for (guint i = object->keys->len; i > 0; i--)
    if (strcmp (g_ptr_array_index (object->keys, i - 1), key) == 0)
      return g_ptr_array_index (object->values, i - 1);
  return NULL;
}

gboolean
debrief_json_node_as_double (const DebriefJsonNode *node,
                             double                *value)
{
  if (node == NULL)
    return FALSE;
  if (node->type == DEBRIEF_JSON_NUMBER)
    {
      *value = node->number;
      return TRUE;
    }
  if (node->type == DEBRIEF_JSON_STRING)
    return debrief_json_string_to_number (node->string, strlen (node->string), value);
  return FALSE;
}

gboolean
debrief_json_node_get_double (const DebriefJsonNode *object,
                              const char            *key,
                              double                *value)
{
  return debrief_json_node_as_double (debrief_json_node_get (object, key), value);
}

gboolean
debrief_json_node_get_int (const DebriefJsonNode *object,
                           const char            *key,
                           gint64                *value)
{
  double v;

  if (!debrief_json_node_get_double (object, key, &v))
    return FALSE;
  /* 2^63 is not representable as gint64; stay strictly inside. */
  if (!isfinite (v) || v != floor (v) || v >= 9.2e18 || v <= -9.2e18)
    return FALSE;
  *value = (gint64) v;
  return TRUE;
}

const char *
debrief_json_node_get_string (const DebriefJsonNode *object,
                              const char            *key)
{
  DebriefJsonNode *node = debrief_json_node_get (object, key);

  if (node == NULL || node->type != DEBRIEF_JSON_STRING)
    return NULL;
  return node->string;
}

int
debrief_json_node_get_bool (const DebriefJsonNode *object,
                            const char            *key)
{
  DebriefJsonNode *node = debrief_json_node_get (object, key);

  if (node == NULL)
    return -1;
  if (node->type == DEBRIEF_JSON_TRUE)
    return 1;
  if (node->type == DEBRIEF_JSON_FALSE)
    return 0;
  return -1;
}

static gboolean
scan_nesting (const char *data,
              gssize      length,
              guint       max_depth,
              gboolean    one_value)
{
  gsize n = length < 0 ? strlen (data) : (gsize) length;
  gboolean in_string = FALSE;
  gboolean closed = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (one_value && closed && depth == 0)
            return FALSE;
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        {
          if (--depth == 0)
            closed = TRUE;
        }
    }
  return TRUE;
}

gboolean
debrief_json_nesting_ok (const char *data,
                         gssize      length,
                         guint       max_depth)
{
  return scan_nesting (data, length, max_depth, FALSE);
}

gboolean
debrief_json_glib_safe (const char *data,
                        gssize      length)
{
  return scan_nesting (data, length, DEBRIEF_JSON_MAX_DEPTH, TRUE);
}
