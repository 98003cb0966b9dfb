/* debrief-yaml.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line-based recursive-descent reader: the file is first cut into lines
 * (indentation, content without the comment, line number), then each block
 * is parsed at its own indentation. A "- " sequence item whose content is a
 * mapping ("- name: x") is read by moving that line's indentation past the
 * dash, as YAML defines it.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-yaml-private.h"

typedef struct
{
  guint indent;
  const char *text;   /* content, without indentation and trailing comment */
  gsize length;
  guint line;         /* 1-based */
} Line;

typedef struct
{
  GArray *lines;
  guint pos;
  const char *file;
  GError *error;
} Parser;

static DebriefJsonNode *parse_block (Parser *parser, guint indent, guint depth);

static void
fail (Parser     *parser,
      guint       line,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
fail (Parser     *parser,
      guint       line,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (parser->error != NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (&parser->error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, "%s:%u: %s", parser->file, line, message);
}

static DebriefJsonNode *
node_new (DebriefJsonType type,
          guint           line)
{
  DebriefJsonNode *node = debrief_json_node_new (type);

  node->line = line;
  return node;
}

static Line *
current (Parser *parser)
{
  if (parser->pos >= parser->lines->len)
    return NULL;
  return &g_array_index (parser->lines, Line, parser->pos);
}

/* Where a comment starts: '#' at the start or after white space, outside quotes. */
static gsize
content_length (const char *text,
                gsize       length)
{
  char quote = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      if (quote)
        {
          if (c == '\\' && quote == '"')
            i++;
          else if (c == '\'' && quote == '\'' && i + 1 < length && text[i + 1] == '\'')
            i++;  /* '' inside a single-quoted string */
          else if (c == quote)
            quote = 0;
        }
      else if ((c == '\'' || c == '"') && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '[' ||
                                           text[i - 1] == '{' || text[i - 1] == ',' || text[i - 1] == ':'))
        quote = c;
      else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t'))
        length = i;
    }
  while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t' || text[length - 1] == '\r'))
    length--;
  return length;
}

static GArray *
split_lines (const char *data,
             gsize       length)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  const char *p = data + debrief_utf8_bom_length (data, length);
  const char *end = data + length;
  guint number = 0;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *stop = eol ? eol : end;
      Line line = { 0 };
      const char *q = p;

      number++;
      while (q < stop && (*q == ' ' || *q == '\t'))
        q++;
      line.indent = (guint) MIN (q - p, G_MAXUINT16);
      line.text = q;
      line.length = content_length (q, stop - q);
      line.line = number;
      p = eol ? eol + 1 : end;
      if (line.length == 0)
        continue;
      /* Document markers: only the first document is configuration. */
      if (line.indent == 0 && line.length >= 3 && (strncmp (q, "---", 3) == 0 || strncmp (q, "...", 3) == 0) &&
          (line.length == 3 || q[3] == ' '))
        {
          if (lines->len > 0)
            break;
          continue;
        }
      if (line.indent == 0 && q[0] == '%')
        continue;  /* %YAML directives */
      g_array_append_val (lines, line);
    }
  return lines;
}

/* ---- scalars ---- */

static gboolean
word_is (const char *text,
         gsize       length,
         const char *const *words)
{
  for (guint i = 0; words[i]; i++)
    if (strlen (words[i]) == length && g_ascii_strncasecmp (text, words[i], length) == 0)
      return TRUE;
  return FALSE;
}

static DebriefJsonNode *
plain_scalar (const char *text,
              gsize       length,
              guint       line)
{
  static const char *const nulls[] = { "null", "~", NULL };
  static const char *const trues[] = { "true", "yes", "on", NULL };
  static const char *const falses[] = { "false", "no", "off", NULL };
  DebriefJsonNode *node;
  double v;

  if (length == 0 || word_is (text, length, nulls))
    return node_new (DEBRIEF_JSON_NULL, line);
  if (word_is (text, length, trues))
    return node_new (DEBRIEF_JSON_TRUE, line);
  if (word_is (text, length, falses))
    return node_new (DEBRIEF_JSON_FALSE, line);
  if (length == 4 && g_ascii_strncasecmp (text, ".nan", 4) == 0)
    v = NAN;
  else if ((length == 4 && g_ascii_strncasecmp (text, ".inf", 4) == 0) ||
           (length == 5 && g_ascii_strncasecmp (text, "+.inf", 5) == 0))
    v = INFINITY;
  else if (length == 5 && g_ascii_strncasecmp (text, "-.inf", 5) == 0)
    v = -INFINITY;
  else if ((g_ascii_isdigit (text[0]) || ((text[0] == '-' || text[0] == '+' || text[0] == '.') && length > 1)) &&
           debrief_json_string_to_number (text[0] == '+' ? text + 1 : text, text[0] == '+' ? length - 1 : length,
                                          &v) &&
           isfinite (v))
    ;
  else
    {
      node = node_new (DEBRIEF_JSON_STRING, line);
      node->string = g_utf8_make_valid (text, length);
      return node;
    }
  node = node_new (DEBRIEF_JSON_NUMBER, line);
  node->number = v;
  return node;
}

/* A quoted scalar starting at *p; *p is moved past the closing quote. NULL when unterminated. */
static char *
quoted_scalar (const char **p,
               const char  *end)
{
  char quote = **p;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *q = *p + 1;

  while (q < end)
    {
      char c = *q++;
      if (c == quote)
        {
          if (quote == '\'' && q < end && *q == '\'')
            {
              g_string_append_c (out, '\'');
              q++;
              continue;
            }
          *p = q;
          return g_utf8_make_valid (out->str, out->len);
        }
      if (quote == '"' && c == '\\' && q < end)
        {
          char e = *q++;
          switch (e)
            {
            case 'n': g_string_append_c (out, '\n'); break;
            case 't': g_string_append_c (out, '\t'); break;
            case '\\': g_string_append_c (out, '\\'); break;
            case '"': g_string_append_c (out, '"'); break;
            case '/': g_string_append_c (out, '/'); break;
            case '0': g_string_append_c (out, ' '); break;
            default: g_string_append_c (out, '\\'); g_string_append_c (out, e); break;
            }
          continue;
        }
      g_string_append_c (out, c);
    }
  return NULL;
}

static void
skip_spaces (const char **p,
             const char  *end)
{
  while (*p < end && (**p == ' ' || **p == '\t'))
    (*p)++;
}

/* A flow collection or scalar inside one line ([a, b], {k: v}, 'x', plain). */
static DebriefJsonNode *
flow_value (Parser      *parser,
            const char **p,
            const char  *end,
            guint        line,
            guint        depth,
            gboolean     in_flow)
{
  skip_spaces (p, end);
  if (depth > DEBRIEF_YAML_MAX_DEPTH)
    {
      fail (parser, line, _("nesting deeper than %d levels"), DEBRIEF_YAML_MAX_DEPTH);
      return NULL;
    }
  if (*p < end && (**p == '[' || **p == '{'))
    {
      gboolean is_map = **p == '{';
      char close = is_map ? '}' : ']';
      g_autoptr(DebriefJsonNode) node = node_new (is_map ? DEBRIEF_JSON_OBJECT : DEBRIEF_JSON_ARRAY, line);

      (*p)++;
      for (;;)
        {
          DebriefJsonNode *child;
          g_autofree char *key = NULL;

          skip_spaces (p, end);
          if (*p >= end)
            {
              fail (parser, line, _("a flow collection is not closed on its line"));
              return NULL;
            }
          if (**p == close)
            {
              (*p)++;
              return g_steal_pointer (&node);
            }
          if (is_map)
            {
              g_autoptr(DebriefJsonNode) k = flow_value (parser, p, end, line, depth + 1, TRUE);
              if (k == NULL)
                return NULL;
              key = k->type == DEBRIEF_JSON_STRING ? g_strdup (k->string)
                    : k->type == DEBRIEF_JSON_NUMBER ? g_strdup_printf ("%.17g", k->number)
                    : g_strdup ("");
              skip_spaces (p, end);
              if (*p < end && **p == ':')
                {
                  (*p)++;
                  child = flow_value (parser, p, end, line, depth + 1, TRUE);
                }
              else
                child = node_new (DEBRIEF_JSON_NULL, line);
            }
          else
            child = flow_value (parser, p, end, line, depth + 1, TRUE);
          if (child == NULL)
            return NULL;
          if (is_map)
            g_ptr_array_add (node->keys, g_steal_pointer (&key));
          g_ptr_array_add (node->values, child);
          skip_spaces (p, end);
          if (*p < end && **p == ',')
            (*p)++;
          else if (*p < end && **p != close)
            {
              fail (parser, line, _("expected “,” or “%c” in a flow collection"), close);
              return NULL;
            }
        }
    }
  if (*p < end && (**p == '\'' || **p == '"'))
    {
      char *s = quoted_scalar (p, end);
      DebriefJsonNode *node;
      if (s == NULL)
        {
          fail (parser, line, _("a quoted string is not closed on its line"));
          return NULL;
        }
      node = node_new (DEBRIEF_JSON_STRING, line);
      node->string = s;
      return node;
    }
  {
    const char *start = *p;
    const char *q = start;

    /* In a flow collection a plain scalar ends at , ] } or ": "; outside, at the end of the line. */
    while (q < end && !(in_flow && (*q == ',' || *q == ']' || *q == '}' ||
                                    (*q == ':' && (q + 1 == end || q[1] == ' ')))))
      q++;
    *p = q;
    while (q > start && (q[-1] == ' ' || q[-1] == '\t'))
      q--;
    return plain_scalar (start, q - start, line);
  }
}

/* The position of the ':' ending a mapping key in @line, or -1. */
static gssize
key_end (const char *text,
         gsize       length)
{
  gsize i = 0;

  if (length > 0 && (text[0] == '\'' || text[0] == '"'))
    {
      const char *p = text;
      g_autofree char *s = quoted_scalar (&p, text + length);
      if (s == NULL)
        return -1;
      i = p - text;
      while (i < length && text[i] == ' ')
        i++;
      return i < length && text[i] == ':' && (i + 1 == length || text[i + 1] == ' ') ? (gssize) i : -1;
    }
  if (length > 0 && (text[0] == '[' || text[0] == '{' || text[0] == '-' || text[0] == '|' || text[0] == '>'))
    {
      if (!(text[0] == '-' && length > 1 && text[1] != ' '))
        return -1;
    }
  for (; i < length; i++)
    if (text[i] == ':' && (i + 1 == length || text[i + 1] == ' ' || text[i + 1] == '\t'))
      return i;
  return -1;
}

static char *
key_text (const char *text,
          gsize       end)
{
  if (end > 0 && (text[0] == '\'' || text[0] == '"'))
    {
      const char *p = text;
      return quoted_scalar (&p, text + end);
    }
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
    end--;
  return g_utf8_make_valid (text, end);
}

static gboolean
is_seq_item (const Line *line)
{
  return line->text[0] == '-' && (line->length == 1 || line->text[1] == ' ' || line->text[1] == '\t');
}

/* Block scalar (| or >) after a key: the lines indented more than @indent. */
static DebriefJsonNode *
block_scalar (Parser     *parser,
              const char *indicator,
              guint       indent,
              guint       line)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean folded = indicator[0] == '>';
  DebriefJsonNode *node;
  Line *l;

  while ((l = current (parser)) != NULL && l->indent > indent)
    {
      if (out->len > 0)
        g_string_append_c (out, folded ? ' ' : '\n');
      /* The comment cut is wrong inside a block scalar, but only the text's tail is lost. */
      g_string_append_len (out, l->text, l->length);
      parser->pos++;
    }
  node = node_new (DEBRIEF_JSON_STRING, line);
  node->string = g_utf8_make_valid (out->str, out->len);
  return node;
}

/* The value after "key:" or "- " on the same line, with the plain
 * continuation lines that PyYAML folds long strings into. */
static DebriefJsonNode *
inline_value (Parser     *parser,
              const char *text,
              gsize       length,
              guint       indent,
              guint       line,
              guint       depth)
{
  const char *p = text;
  const char *end = text + length;
  DebriefJsonNode *node;
  Line *l;

  if (length > 0 && (text[0] == '|' || text[0] == '>'))
    return block_scalar (parser, text, indent, line);
  if (length > 0 && (text[0] == '&' || text[0] == '*' || text[0] == '!'))
    {
      /* Anchors, aliases and tags: keep the text, it is not configuration Debrief reads. */
      node = node_new (DEBRIEF_JSON_STRING, line);
      node->string = g_utf8_make_valid (text, length);
      return node;
    }
  node = flow_value (parser, &p, end, line, depth, FALSE);
  if (node == NULL)
    return NULL;
  skip_spaces (&p, end);
  if (p < end)
    {
      debrief_json_node_free (node);
      fail (parser, line, _("unexpected text after a value"));
      return NULL;
    }
  /* Continuation lines of a plain or quoted scalar. */
  while ((l = current (parser)) != NULL && l->indent > indent && node->type != DEBRIEF_JSON_OBJECT &&
         node->type != DEBRIEF_JSON_ARRAY && key_end (l->text, l->length) < 0 && !is_seq_item (l))
    {
      g_autofree char *joined = NULL;
      const char *was = node->type == DEBRIEF_JSON_STRING ? node->string : NULL;
      g_autofree char *start = was ? g_strdup (was) : g_strndup (text, length);

      joined = g_strdup_printf ("%s %.*s", start, (int) l->length, l->text);
      debrief_json_node_free (node);
      node = node_new (DEBRIEF_JSON_STRING, line);
      node->string = g_utf8_make_valid (joined, -1);
      parser->pos++;
    }
  return node;
}

static DebriefJsonNode *
parse_sequence (Parser *parser,
                guint   indent,
                guint   depth)
{
  g_autoptr(DebriefJsonNode) node = node_new (DEBRIEF_JSON_ARRAY, current (parser)->line);
  Line *l;

  while ((l = current (parser)) != NULL && l->indent == indent && is_seq_item (l))
    {
      DebriefJsonNode *child;
      gsize skip = 1;

      while (skip < l->length && (l->text[skip] == ' ' || l->text[skip] == '\t'))
        skip++;
      if (skip >= l->length)
        {
          Line *next;
          parser->pos++;
          next = current (parser);
          if (next != NULL && next->indent > indent)
            child = parse_block (parser, next->indent, depth + 1);
          else
            child = node_new (DEBRIEF_JSON_NULL, l->line);
        }
      else if (key_end (l->text + skip, l->length - skip) >= 0 || is_seq_item (&(Line) { 0, l->text + skip,
                                                                                          l->length - skip, 0 }))
        {
          /* "- key: value": a mapping (or nested sequence) whose indentation is past the dash. */
          l->indent += (guint) skip;
          l->text += skip;
          l->length -= skip;
          child = parse_block (parser, l->indent, depth + 1);
        }
      else
        {
          parser->pos++;
          child = inline_value (parser, l->text + skip, l->length - skip, indent, l->line, depth + 1);
        }
      if (child == NULL)
        return NULL;
      g_ptr_array_add (node->values, child);
    }
  return g_steal_pointer (&node);
}

static DebriefJsonNode *
parse_mapping (Parser *parser,
               guint   indent,
               guint   depth)
{
  g_autoptr(DebriefJsonNode) node = node_new (DEBRIEF_JSON_OBJECT, current (parser)->line);
  Line *l;

  while ((l = current (parser)) != NULL && l->indent == indent)
    {
      gssize colon = key_end (l->text, l->length);
      DebriefJsonNode *child;
      char *key;
      const char *rest;
      gsize rest_length;
      guint line = l->line;

      if (colon < 0)
        {
          fail (parser, l->line, is_seq_item (l) ? _("a list item where a “key: value” line was expected")
                                                 : _("expected a “key: value” line"));
          return NULL;
        }
      key = key_text (l->text, colon);
      if (key == NULL)
        key = g_strdup ("");
      rest = l->text + colon + 1;
      rest_length = l->length - colon - 1;
      while (rest_length > 0 && (*rest == ' ' || *rest == '\t'))
        rest++, rest_length--;
      parser->pos++;
      if (rest_length == 0)
        {
          Line *next = current (parser);
          if (next != NULL && next->indent > indent)
            child = parse_block (parser, next->indent, depth + 1);
          else if (next != NULL && next->indent == indent && is_seq_item (next))
            child = parse_sequence (parser, indent, depth + 1);  /* PyYAML's unindented lists */
          else
            child = node_new (DEBRIEF_JSON_NULL, line);
        }
      else
        child = inline_value (parser, rest, rest_length, indent, line, depth + 1);
      if (child == NULL)
        {
          g_free (key);
          return NULL;
        }
      g_ptr_array_add (node->keys, key);
      g_ptr_array_add (node->values, child);
    }
  l = current (parser);
  if (l != NULL && l->indent > indent)
    {
      fail (parser, l->line, _("this line is indented more than the lines before it"));
      return NULL;
    }
  return g_steal_pointer (&node);
}

static DebriefJsonNode *
parse_block (Parser *parser,
             guint   indent,
             guint   depth)
{
  Line *l = current (parser);

  if (depth > DEBRIEF_YAML_MAX_DEPTH)
    {
      fail (parser, l ? l->line : 0, _("nesting deeper than %d levels"), DEBRIEF_YAML_MAX_DEPTH);
      return NULL;
    }
  if (l == NULL)
    return node_new (DEBRIEF_JSON_NULL, 0);
  if (is_seq_item (l))
    return parse_sequence (parser, indent, depth);
  if (key_end (l->text, l->length) >= 0)
    return parse_mapping (parser, indent, depth);
  parser->pos++;
  return inline_value (parser, l->text, l->length, indent, l->line, depth);
}

DebriefJsonNode *
debrief_yaml_parse (const char  *data,
                    gsize        length,
                    const char  *file,
                    GError     **error)
{
  Parser parser = { 0 };
  g_autoptr(DebriefJsonNode) root = NULL;

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: not a text file (it holds a zero byte)"),
                   file);
      return NULL;
    }
  parser.lines = split_lines (data, length);
  parser.file = file;
  if (parser.lines->len == 0)
    {
      g_array_unref (parser.lines);
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: the file is empty"), file);
      return NULL;
    }
  root = parse_block (&parser, g_array_index (parser.lines, Line, 0).indent, 0);
  if (parser.error == NULL && current (&parser) != NULL)
    fail (&parser, current (&parser)->line, _("this line is indented less than the first line"));
  if (parser.error == NULL && root != NULL && root->type != DEBRIEF_JSON_OBJECT)
    fail (&parser, root->line, _("expected “key: value” lines"));
  g_array_unref (parser.lines);
  if (parser.error != NULL)
    {
      g_propagate_error (error, parser.error);
      return NULL;
    }
  return g_steal_pointer (&root);
}
