/* debrief-reader-csv.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-reader-csv-private.h"
#include "debrief-run-kind-private.h"

/* Progress and cancellation checks every this many lines. */
#define CSV_CHECK_EVERY 65536
/* More columns than this is not a training log. */
#define CSV_MAX_COLUMNS 4096
/* A quoted cell may hold line breaks (notes, prompts); one still open after
 * this many more lines is taken as a stray quote, not a cell that long. */
#define CSV_MAX_QUOTED_LINES 64

typedef DebriefCsvField Field;

/* Splits one line into fields (quotes honoured, not unescaped). */
static guint
split_fields (const char *line,
              gsize       length,
              Field      *fields,
              guint       max_fields)
{
  const char *p = line;
  const char *end = line + length;
  guint n = 0;

  if (length > 0 && end[-1] == '\r')
    end--;
  for (;;)
    {
      const char *start = p;
      const char *stop;

      if (p < end && *p == '"')
        {
          p++;
          start = p;
          while (p < end && !(*p == '"' && (p + 1 >= end || p[1] != '"')))
            p += (*p == '"') ? 2 : 1;
          stop = MIN (p, end);
          while (p < end && *p != ',')
            p++;
        }
      else
        {
          while (p < end && *p != ',')
            p++;
          stop = p;
        }
      if (n < max_fields)
        {
          fields[n].start = start;
          fields[n].length = stop - start;
        }
      n++;
      if (p >= end)
        break;
      p++;  /* ',' */
    }
  return n;
}

static char *
field_name (const Field *field)
{
  g_autofree char *raw = g_strndup (field->start, field->length);
  return g_utf8_make_valid (g_strstrip (raw), -1);
}

static gboolean
next_line (const char **pos,
           const char  *end,
           const char **line,
           gsize       *length,
           gboolean    *terminated)
{
  const char *p = *pos;
  const char *nl;

  if (p >= end)
    return FALSE;
  nl = memchr (p, '\n', end - p);
  *line = p;
  *length = (nl ? nl : end) - p;
  *terminated = nl != NULL;
  *pos = nl ? nl + 1 : end;
  return TRUE;
}

static gsize
count_quotes (const char *line,
              gsize       length)
{
  gsize n = 0;
  const char *p = line;
  const char *end = line + length;

  while ((p = memchr (p, '"', end - p)) != NULL)
    {
      n++;
      p++;
    }
  return n;
}

/* The next record: one line, or several when a quoted cell holds line breaks
 * (a record ends where its quotes are balanced: "" inside a cell counts twice).
 * A quote not closed within CSV_MAX_QUOTED_LINES lines (or by the end of the
 * file) leaves the record at its first line and sets *unclosed. */
static gboolean
next_record (const char **pos,
             const char  *end,
             const char **record,
             gsize       *length,
             gboolean    *terminated,
             guint       *n_lines,
             gboolean    *unclosed)
{
  const char *p;
  const char *line;
  gsize line_length;
  gboolean line_terminated;
  gsize quotes;

  *n_lines = 1;
  *unclosed = FALSE;
  if (!next_line (pos, end, record, length, terminated))
    return FALSE;
  if (memchr (*record, '"', *length) == NULL || (quotes = count_quotes (*record, *length)) % 2 == 0)
    return TRUE;
  p = *pos;
  for (guint extra = 1; extra <= CSV_MAX_QUOTED_LINES && next_line (&p, end, &line, &line_length, &line_terminated);
       extra++)
    {
      quotes += count_quotes (line, line_length);
      if (quotes % 2 == 0)
        {
          *length = (line + line_length) - *record;
          *terminated = line_terminated;
          *pos = p;
          *n_lines = 1 + extra;
          return TRUE;
        }
    }
  *unclosed = TRUE;
  return TRUE;
}

static gboolean
blank (const char *line,
       gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (line[i]))
      return FALSE;
  return TRUE;
}

gboolean
debrief_reader_csv_detect (const char *data,
                           gsize       length)
{
  const char *pos = data;
  const char *line = NULL;
  gsize line_length = 0;
  gboolean terminated;
  Field fields[256];
  gboolean has_step = FALSE, has_loss = FALSE;
  guint n;

  pos += debrief_utf8_bom_length (data, length);
  while (next_line (&pos, data + length, &line, &line_length, &terminated) && blank (line, line_length))
    ;
  if (line == NULL)
    return FALSE;
  n = MIN (split_fields (line, line_length, fields, G_N_ELEMENTS (fields)), G_N_ELEMENTS (fields));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = field_name (&fields[i]);
      if (debrief_key_is_step (name, strlen (name)))
        has_step = TRUE;
      if (debrief_key_is_training_metric (name))
        has_loss = TRUE;
    }
  return has_step && has_loss;
}

gboolean
debrief_reader_csv_parse (DebriefReadContext *ctx,
                          const char         *data,
                          gsize               length,
                          GError            **error)
{
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_default);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree Field *fields = NULL;
  const char *pos = data;
  const char *end = data + length;
  const char *line = NULL;
  const char *header = NULL;
  gsize header_length = 0;
  gsize line_length = 0;
  gboolean terminated = FALSE;
  guint line_number = 0;
  guint header_line = 0;
  guint n_columns = 0;
  int step_column = -1;
  guint n_good = 0;
  guint n_records = 0;
  guint n_lines = 1;
  guint previous_lines = 1;  /* the header's */
  gboolean unclosed = FALSE;
  gboolean warned_header = FALSE;
  gboolean warned_unclosed = FALSE;
  gsize n_points;

  if (length == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      return FALSE;
    }

  pos += debrief_utf8_bom_length (data, length);
  while (next_line (&pos, end, &line, &line_length, &terminated))
    {
      line_number++;
      if (!blank (line, line_length))
        break;
    }
  if (blank (line, line_length))
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file holds only blank lines"));
      return FALSE;
    }
  header = line;
  header_length = line_length;
  header_line = line_number;
  n_columns = split_fields (line, line_length, NULL, 0);
  if (n_columns > CSV_MAX_COLUMNS || memchr (line, '\0', line_length) != NULL)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, line_number,
                          _("expected a CSV header line with column names"));
      return FALSE;
    }
  fields = g_new0 (Field, n_columns + 1);
  split_fields (line, line_length, fields, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      char *name = field_name (&fields[i]);
      if (step_column < 0 && debrief_key_is_step (name, strlen (name)))
        step_column = i;
      g_ptr_array_add (names, name);
    }
  if (step_column < 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, header_line,
                          _("expected a header with a step column (step, global_step, ...)"));
      return FALSE;
    }
  debrief_series_set_reserve (set, length / MAX (header_length, 16));

  while (next_record (&pos, end, &line, &line_length, &terminated, &n_lines, &unclosed))
    {
      guint n;
      double v;
      gint64 step;
      const Field *step_field;

      /* The record's first line: past the lines of the previous record. */
      line_number += previous_lines;
      previous_lines = n_lines;
      if (unclosed && !warned_unclosed)
        {
          debrief_read_warn (ctx, line_number, _("a quoted cell is not closed; read up to the end of the line"));
          warned_unclosed = TRUE;
        }
      if ((++n_records % CSV_CHECK_EVERY) == 0)
        {
          debrief_read_progress (ctx, pos - data, length);
          if (debrief_read_check_cancelled (ctx, error))
            return FALSE;
        }
      if (blank (line, line_length))
        continue;
      if (line_length == header_length && memcmp (line, header, line_length) == 0)
        {
          if (!warned_header)
            debrief_read_warn (ctx, line_number, _("the header repeats (a resumed run?); "
                                                   "the last value logged for each step is kept"));
          warned_header = TRUE;
          continue;
        }
      n = split_fields (line, line_length, fields, n_columns);
      if (n != n_columns)
        {
          if (!terminated && pos >= end)
            debrief_read_warn (ctx, line_number, _("the last line is incomplete (is the run still writing?); "
                                                   "skipped"));
          else
            debrief_read_warn (ctx, line_number, g_dngettext (GETTEXT_PACKAGE, "expected %u column, found %u; line skipped",
                                                            "expected %u columns, found %u; line skipped", n_columns),
                               n_columns, n);
          continue;
        }
      step_field = &fields[step_column];
      if (!debrief_json_string_to_number (step_field->start, step_field->length, &v) ||
          !debrief_step_from_double (v, &step))
        {
          if (step_field->length > 0)
            debrief_read_warn (ctx, line_number, _("the step is not a whole number; line skipped"));
          continue;
        }
      for (guint i = 0; i < n_columns; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          if ((int) i == step_column || fields[i].length == 0)
            continue;
          if (debrief_json_string_to_number (fields[i].start, fields[i].length, &v))
            debrief_series_set_add (set, i, name, strlen (name), v);
        }
      n_good++;
      debrief_series_set_commit (set, step, line_number);
    }
  debrief_read_progress (ctx, length, length);

  n_points = debrief_series_set_finish (set, ctx);
  if (n_points == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, n_good == 0 ? header_line + 1 : 0,
                          _("expected rows with a step and numeric values; found none"));
      return FALSE;
    }
  return TRUE;
}

/* The tokenizer for other CSV files (prompt data sets). */

gboolean
debrief_csv_next_record (const char **pos,
                         const char  *end,
                         const char **record,
                         gsize       *length,
                         guint       *n_lines)
{
  gboolean terminated;
  gboolean unclosed;

  return next_record (pos, end, record, length, &terminated, n_lines, &unclosed);
}

guint
debrief_csv_split_fields (const char      *record,
                          gsize            length,
                          DebriefCsvField *fields,
                          guint            max_fields)
{
  return split_fields (record, length, fields, max_fields);
}

char *
debrief_csv_field_text (const DebriefCsvField *field)
{
  GString *out = g_string_sized_new (field->length);

  for (gsize i = 0; i < field->length; i++)
    {
      g_string_append_c (out, field->start[i]);
      if (field->start[i] == '"' && i + 1 < field->length && field->start[i + 1] == '"')
        i++;
    }
  {
    g_autofree char *raw = g_string_free (out, FALSE);

    return g_utf8_make_valid (raw, -1);
  }
}
