/* debrief-reader-jsonl.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-reader-jsonl-private.h"
#include "debrief-run-kind-private.h"
#include "debrief-run-progress.h"
#include "debrief-strtod-private.h"

/* Progress and cancellation checks every this many lines. */
#define JSONL_CHECK_EVERY 65536
/* Detection reads at most this many bytes / lines of a file with a free name. */
#define JSONL_DETECT_WINDOW (64 * 1024)
#define JSONL_DETECT_LINES 20

typedef struct
{
  const char *start;
  gsize length;
  gboolean terminated;  /* ends with '\n' (a last line without it may still be being written) */
} Line;

static inline gboolean
next_line (const char **pos,
           const char  *end,
           Line        *line)
{
  const char *p = *pos;
  const char *nl;

  if (p >= end)
    return FALSE;
  nl = memchr (p, '\n', end - p);
  line->start = p;
  line->length = (nl ? nl : end) - p;
  line->terminated = nl != NULL;
  *pos = nl ? nl + 1 : end;
  return TRUE;
}

static gboolean
line_is_blank (const Line *line)
{
  for (gsize i = 0; i < line->length; i++)
    if (!g_ascii_isspace (line->start[i]))
      return FALSE;
  return TRUE;
}

/* ---- the fast path for the usual line ----
 *
 * A log writes the same keys in the same order on every line, each with a
 * number: {"step": 12, "loss": 1.83, ...}. Such a line is read here, with
 * the keys checked against the ones at the same place on the line before,
 * without the general tokenizer. Anything else (another kind of value, an
 * escape, a missing step, a malformed line) makes it give up, and the line
 * is read again by the general path, which decides and warns: what this path
 * accepts gives exactly the same points as the general one. */

#define FAST_MAX_MEMBERS 64

typedef struct
{
  char *key;         /* as in the file (no escape, no quote, no newline) */
  gsize length;
  gboolean is_step;
  DebriefSeriesSetSlot *slot;  /* where its values go, once known */
} FastKey;

typedef struct
{
  const DebriefJsonlOptions *options;
  FastKey keys[FAST_MAX_MEMBERS];
} FastHints;

static void
fast_hints_free (FastHints *hints)
{
  for (guint i = 0; i < FAST_MAX_MEMBERS; i++)
    g_free (hints->keys[i].key);
  g_free (hints);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FastHints, fast_hints_free)

static inline const char *
fast_skip_ws (const char *p,
              const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
    p++;
  return p;
}

static gboolean
fast_is_step (const FastHints *hints,
              const char      *key,
              gsize            length)
{
  const char *step_key = hints->options ? hints->options->step_key : NULL;

  if (step_key)
    return strlen (step_key) == length && memcmp (step_key, key, length) == 0;
  return debrief_key_is_step (key, length);
}

static inline gboolean
same_bytes (const char *a,
            const char *b,
            gsize       n)
{
  guint64 x, y;

  /* Keys are short: 8 bytes at a time, then the rest, without a call. */
  for (; n >= 8; n -= 8, a += 8, b += 8)
    {
      memcpy (&x, a, 8);
      memcpy (&y, b, 8);
      if (x != y)
        return FALSE;
    }
  for (; n > 0; n--)
    if (*a++ != *b++)
      return FALSE;
  return TRUE;
}

/* The key at @p (just after its opening quote), ending before *@key_end, or
 * NULL when it is not a plain one; the hint of member @member. */
static inline FastKey *
fast_key (FastHints   *hints,
          guint        member,
          const char  *p,
          const char  *end,
          const char **key_end)
{
  FastKey *hint;
  const char *quote;

  if (member >= FAST_MAX_MEMBERS)
    return NULL;
  hint = &hints->keys[member];
  if (hint->key && (gsize) (end - p) > hint->length && p[hint->length] == '"' &&
      same_bytes (p, hint->key, hint->length))
    {
      *key_end = p + hint->length;
      return hint;
    }
  quote = memchr (p, '"', end - p);
  if (quote == NULL || memchr (p, '\\', quote - p) || memchr (p, '\n', quote - p))
    return NULL;
  *key_end = quote;
  g_free (hint->key);
  hint->key = g_strndup (p, quote - p);
  hint->length = quote - p;
  hint->is_step = fast_is_step (hints, p, quote - p);
  hint->slot = NULL;
  return hint;
}

/* Reads a usual line into @set's pending values and *@out_step; FALSE when
 * the general path must read it (the caller discards what was added). */
static gboolean
fast_line (FastHints        *hints,
           DebriefSeriesSet *set,
           const Line       *line,
           gint64           *out_step)
{
  const char *p = line->start;
  const char *end = line->start + line->length;
  gboolean have_step = FALSE;
  guint position = 0;

  p = fast_skip_ws (p, end);
  if (p >= end || *p != '{')
    return FALSE;
  p = fast_skip_ws (p + 1, end);
  for (guint member = 0;; member++)
    {
      const char *key, *key_end;
      FastKey *hint;
      double v;

      if (p >= end || *p != '"')
        return FALSE;
      key = p + 1;
      hint = fast_key (hints, member, key, end, &key_end);
      if (hint == NULL)
        return FALSE;
      p = fast_skip_ws (key_end + 1, end);
      if (p >= end || *p != ':')
        return FALSE;
      p = fast_skip_ws (p + 1, end);
      if (p < end && *p == '"' && !(hint->is_step && !have_step))
        {
          /* A string (LLaMA-Factory's "elapsed_time": "0:00:10"): a number
           * written as one counts, anything else is skipped, as the general
           * path does; escapes and the _path keys are left to it. */
          const char *text = p + 1;
          const char *quote = memchr (text, '"', end - text);

          if (quote == NULL || memchr (text, '\\', quote - text) ||
              (key_end - key >= 5 && memcmp (key_end - 5, "_path", 5) == 0))
            return FALSE;
          p = quote + 1;
          if (debrief_json_string_to_number (text, quote - text, &v))
            {
              if (hint->slot)
                debrief_series_set_add_to (set, hint->slot, v);
              else
                hint->slot = debrief_series_set_add_slot (set, position, key, key_end - key, v);
            }
          position++;
        }
      else
        {
          if (p >= end || !(*p == '-' || g_ascii_isdigit (*p)))
            return FALSE;
          p = debrief_strtod (p, end, &v);
          if (p == NULL)
            return FALSE;
          if (hint->is_step && !have_step)
            {
              if (!debrief_step_from_double (v, out_step))
                return FALSE;
              have_step = TRUE;
            }
          else if (hint->slot)
            {
              debrief_series_set_add_to (set, hint->slot, v);
              position++;
            }
          else
            hint->slot = debrief_series_set_add_slot (set, position++, key, key_end - key, v);
        }
      p = fast_skip_ws (p, end);
      if (p < end && *p == ',')
        {
          p = fast_skip_ws (p + 1, end);
          continue;
        }
      if (p < end && *p == '}')
        break;
      return FALSE;
    }
  return have_step && fast_skip_ws (p + 1, end) == end;
}

struct _DebriefJsonlState
{
  DebriefJsonlOptions options;
  char *step_key;
  DebriefSeriesSet *set;
  /* Incremental: the warnings of the lines read so far (each load's run gets a
   * copy), and the per-file warning counts that go with them. */
  gboolean incremental;
  DebriefRun *notes;
  guint n_warnings;
  guint n_suppressed;
  GError *first_error;
  guint line_number;
  guint n_good;
  guint n_bad;
  gint64 last_step;
  gboolean warned_no_step;
  gboolean warned_bad_step;
  guint n_null_loss;
  gboolean reserved;
  /* A last line read without its newline: the newline that comes later is not a line. */
  gboolean pending_newline;
  GString *last_record;     /* the last line that parsed (progress fields) */
  FastHints *hints;         /* the keys of the line before, for the fast path */
  GPtrArray *path_records;  /* DebriefJsonNode: the lines with a *_path string (keep_path_records) */
};

DebriefJsonlState *
debrief_jsonl_state_new (const DebriefJsonlOptions *options,
                         gboolean                   incremental)
{
  DebriefJsonlState *state = g_new0 (DebriefJsonlState, 1);

  if (options != NULL)
    state->options = *options;
  state->step_key = g_strdup (state->options.step_key);
  state->options.step_key = state->step_key;
  state->options.path_lines = NULL;  /* given to each feed */
  state->set = debrief_series_set_new (state->options.map ? state->options.map : debrief_key_map_default);
  state->incremental = incremental;
  state->last_step = -1;
  state->last_record = g_string_new (NULL);
  state->hints = g_new0 (FastHints, 1);
  state->hints->options = &state->options;
  if (state->options.keep_path_records)
    state->path_records = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_json_node_free);
  return state;
}

void
debrief_jsonl_state_free (DebriefJsonlState *state)
{
  if (state == NULL)
    return;
  debrief_series_set_free (state->set);
  g_clear_object (&state->notes);
  g_clear_error (&state->first_error);
  g_string_free (state->last_record, TRUE);
  g_clear_pointer (&state->hints, fast_hints_free);
  g_clear_pointer (&state->path_records, g_ptr_array_unref);
  g_free (state->step_key);
  g_free (state);
}

GPtrArray *
debrief_jsonl_state_get_path_records (DebriefJsonlState *state)
{
  return state->path_records;
}

const char *
debrief_jsonl_state_get_last_record (DebriefJsonlState *state,
                                     gsize             *length)
{
  *length = state->last_record->len;
  return state->last_record->len > 0 ? state->last_record->str : NULL;
}

/* Size the arrays from the shortest of the first lines (evaluation lines are
 * longer): too many is untouched address space, too few is a copy of every array. */
static void
reserve_for (DebriefSeriesSet *set,
             const char       *data,
             gsize             length)
{
  const char *p = data;
  const char *window_end = data + MIN (length, 65536);
  gsize shortest = G_MAXSIZE;

  for (int i = 0; i < 16 && p < window_end; i++)
    {
      const char *nl = memchr (p, '\n', window_end - p);
      if (nl == NULL)
        break;
      if (nl > p)
        shortest = MIN (shortest, (gsize) (nl - p + 1));
      p = nl + 1;
    }
  if (shortest != G_MAXSIZE)
    debrief_series_set_reserve (set, length / shortest + length / shortest / 8 + 16);
}

gboolean
debrief_jsonl_state_feed (DebriefJsonlState  *state,
                          DebriefReadContext *load_ctx,
                          const char         *data,
                          gsize               length,
                          gboolean            at_end,
                          GArray             *path_lines,
                          gsize              *consumed,
                          GError            **error)
{
  DebriefReadContext notes_ctx;
  DebriefReadContext *ctx = load_ctx;
  const DebriefJsonlOptions *options = &state->options;
  DebriefSeriesSet *set = state->set;
  const char *pos = data;
  const char *end = data + length;
  const char *last_good = NULL;
  gsize last_good_length = 0;
  Line line;

  *consumed = 0;
  if (state->incremental && state->notes == NULL && load_ctx->run != NULL)
    state->notes = debrief_run_new (debrief_run_get_folder (load_ctx->run));
  if (state->incremental)
    {
      /* Warnings about lines are kept with the state: every later load shows them too. */
      notes_ctx = *load_ctx;
      notes_ctx.run = state->notes;
      notes_ctx.n_warnings = state->n_warnings;
      notes_ctx.n_suppressed = state->n_suppressed;
      ctx = &notes_ctx;
    }
  if (state->pending_newline && pos < end)
    {
      if (*pos == '\n')
        pos++;
      state->pending_newline = FALSE;
    }
  if (!state->reserved)
    {
      reserve_for (set, pos, end - pos);
      state->reserved = TRUE;
    }

  while (next_line (&pos, end, &line))
    {
      DebriefJsonReader reader;
      const char *key;
      gsize key_length;
      gboolean have_step = FALSE;
      gboolean bad_step = FALSE;
      gboolean has_path = FALSE;
      gint64 step = 0;
      guint position = 0;
      GError *line_error = NULL;

      /* A line still being written is read by a later load, once it is whole. */
      if (!line.terminated && !at_end)
        {
          pos = line.start;
          break;
        }
      state->line_number++;
      if ((state->line_number % JSONL_CHECK_EVERY) == 0)
        {
          debrief_read_progress (load_ctx, pos - data, length);
          if (debrief_read_check_cancelled (load_ctx, error))
            return FALSE;
        }
      if (line_is_blank (&line))
        continue;

      if (fast_line (state->hints, set, &line, &step))
        {
          state->n_good++;
          last_good = line.start;
          last_good_length = line.length;
          if (!line.terminated)
            state->pending_newline = TRUE;
          state->last_step = step;
          debrief_series_set_commit (set, step, state->line_number);
          continue;
        }
      debrief_series_set_discard (set);
      step = 0;

      debrief_json_reader_init (&reader, line.start, line.length, ctx->file, state->line_number);
      if (debrief_json_reader_begin_object (&reader))
        while (debrief_json_reader_next_member (&reader, &key, &key_length))
          {
            double v;
            DebriefJsonType type;
            gboolean is_step = options->step_key
                               ? (strlen (options->step_key) == key_length &&
                                  memcmp (options->step_key, key, key_length) == 0)
                               : debrief_key_is_step (key, key_length);

            if (is_step && !have_step)
              {
                type = debrief_json_reader_read_number (&reader, &v);
                if (type == DEBRIEF_JSON_NUMBER && debrief_step_from_double (v, &step))
                  have_step = TRUE;
                else if (type != DEBRIEF_JSON_INVALID)
                  {
                    bad_step = TRUE;
                    if (!state->warned_bad_step)
                      debrief_read_warn (ctx, state->line_number, _("the step is not a whole number; line skipped"));
                    state->warned_bad_step = TRUE;
                  }
                continue;
              }
            /* A key copied out before reading the value: the value may reuse the scratch buffer. */
            if (reader.scratch && key == reader.scratch->str)
              {
                g_autofree char *copy = g_strndup (key, key_length);
                type = debrief_json_reader_read_number (&reader, &v);
                if (type == DEBRIEF_JSON_NUMBER)
                  debrief_series_set_add (set, position, copy, key_length, v);
              }
            else
              {
                type = debrief_json_reader_read_number (&reader, &v);
                if (type == DEBRIEF_JSON_NUMBER)
                  debrief_series_set_add (set, position, key, key_length, v);
                else if (type == DEBRIEF_JSON_NULL)
                  {
                    g_autofree char *name = g_utf8_make_valid (key, key_length);
                    if (debrief_key_is_loss_like (name) && state->n_null_loss++ < 3)
                      debrief_read_warn (ctx, state->line_number, _("“%s” is null; skipped"), name);
                  }
                else if (type == DEBRIEF_JSON_STRING && key_length >= 5 &&
                         memcmp (key + key_length - 5, "_path", 5) == 0)
                  has_path = TRUE;
              }
            position++;
          }

      if (!debrief_json_reader_failed (&reader) && !debrief_json_reader_at_end (&reader))
        {
          debrief_json_reader_clear (&reader);
          debrief_json_reader_init (&reader, line.start, line.length, ctx->file, state->line_number);
          reader.pos = line.start;
          g_set_error (&reader.error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                       _("%s:%u: expected one JSON object per line, found more text after it"),
                       ctx->file, state->line_number);
        }
      line_error = debrief_json_reader_steal_error (&reader);
      debrief_json_reader_clear (&reader);

      if (line_error != NULL)
        {
          debrief_series_set_discard (set);
          if (!line.terminated && pos >= end && (state->n_good > 0 || state->incremental))
            {
              /* Told on this load only, and left unread: the rest may still come. */
              debrief_read_warn (load_ctx, state->line_number,
                                 _("the last line is incomplete (is the run still writing?); skipped"));
              state->line_number--;
              pos = line.start;
              g_error_free (line_error);
              break;
            }
          state->n_bad++;
          {
            g_autofree char *prefix = g_strdup_printf ("%s:%u: ", ctx->file, state->line_number);
            const char *what = line_error->message;
            if (g_str_has_prefix (what, prefix))
              what += strlen (prefix);
            debrief_read_warn (ctx, state->line_number, _("line skipped: %s"), what);
          }
          if (state->first_error == NULL)
            state->first_error = line_error;
          else
            g_error_free (line_error);
          continue;
        }

      state->n_good++;
      last_good = line.start;
      last_good_length = line.length;
      if (!line.terminated)
        state->pending_newline = TRUE;
      if (has_path && path_lines != NULL)
        {
          DebriefJsonlLine where = { line.start - data, line.length };
          g_array_append_val (path_lines, where);
        }
      if (has_path && state->path_records != NULL)
        {
          DebriefJsonNode *node = debrief_json_parse (line.start, line.length, NULL, NULL);
          if (node != NULL)
            g_ptr_array_add (state->path_records, node);
        }
      if (bad_step)
        {
          debrief_series_set_discard (set);
          continue;
        }
      if (!have_step)
        {
          if (debrief_series_set_n_pending (set) == 0)
            continue;
          step = state->last_step + 1;
          if (!state->warned_no_step)
            {
              state->warned_no_step = TRUE;
              debrief_read_warn (ctx, state->line_number, _("no step number on this line; lines without one are "
                                                           "numbered after the previous step"));
            }
        }
      state->last_step = step;
      debrief_series_set_commit (set, step, state->line_number);
    }

  *consumed = pos - data;
  if (last_good != NULL)
    {
      g_string_truncate (state->last_record, 0);
      g_string_append_len (state->last_record, last_good, last_good_length);
    }
  if (state->incremental)
    {
      state->n_warnings = notes_ctx.n_warnings;
      state->n_suppressed = notes_ctx.n_suppressed;
    }
  debrief_read_progress (load_ctx, pos - data, length);
  return TRUE;
}

gboolean
debrief_jsonl_state_finish (DebriefJsonlState  *state,
                            DebriefReadContext *ctx,
                            GError            **error)
{
  gsize n_points;

  if (state->incremental && state->notes != NULL && ctx->run != NULL)
    {
      const char *const *notes = debrief_run_get_warnings (state->notes);
      for (guint i = 0; notes[i]; i++)
        debrief_run_add_warning (ctx->run, "%s", notes[i]);
      ctx->n_warnings += state->n_warnings;
      ctx->n_suppressed += state->n_suppressed;
    }
  if (state->n_good == 0)
    {
      if (state->first_error != NULL)
        {
          /* Nothing readable: the first bad line is the error, not a warning. */
          g_propagate_error (error, g_error_copy (state->first_error));
          return FALSE;
        }
      if (state->line_number == 0 && !state->pending_newline)
        debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      else
        debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file holds only blank lines"));
      return FALSE;
    }
  if (state->n_null_loss > 3)
    debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE, "%u null loss skipped in all", "%u null losses skipped in all",
                                              state->n_null_loss), state->n_null_loss);

  n_points = state->incremental ? debrief_series_set_snapshot (state->set, ctx)
                                : debrief_series_set_finish (state->set, ctx);
  if (n_points == 0 && state->options.allow_no_values)
    {
      debrief_read_warn (ctx, 0, _("no metric was logged on any line (progress only: a prediction or "
                                   "evaluation run?)"));
      return TRUE;
    }
  if (n_points == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0,
                          _("expected numeric values (a loss, a reward ...) on the lines; found none"));
      return FALSE;
    }
  return TRUE;
}

gboolean
debrief_reader_jsonl_parse (DebriefReadContext         *ctx,
                            const char                 *data,
                            gsize                       length,
                            const DebriefJsonlOptions  *options,
                            GError                    **error)
{
  g_autoptr(DebriefJsonlState) state = NULL;
  gsize consumed;

  if (length == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      return FALSE;
    }
  state = debrief_jsonl_state_new (options, FALSE);
  return debrief_jsonl_state_feed (state, ctx, data, length, TRUE, options ? options->path_lines : NULL,
                                   &consumed, error) &&
         debrief_jsonl_state_finish (state, ctx, error);
}

gboolean
debrief_reader_jsonl_load (DebriefLoadJob             *job,
                           DebriefRun                 *run,
                           const char                 *rel,
                           const DebriefJsonlOptions  *options,
                           DebriefJsonlState         **out_state,
                           GError                    **error)
{
  DebriefReadContext ctx;
  g_autofree char *path = NULL;
  DebriefTail *tail = NULL;
  DebriefJsonlState *state;
  gsize total = 0;
  gboolean ok;
  /* A file read as a generic log while its first line was being written, then as a
   * tinker log, has a tail for each way of reading it. */
  g_autofree char *reader = g_strdup_printf ("jsonl %p %s %d %d", (gpointer) (options && options->map ? options->map : NULL),
                                             options && options->step_key ? options->step_key : "",
                                             options ? options->allow_no_values : 0,
                                             options ? options->keep_path_records : 0);

  for (;;)
    {
      g_autoptr(GBytes) bytes = debrief_load_job_read_tail (job, run, rel, reader, &path, &ctx, &tail, error);
      gsize length, consumed = 0;
      const char *data;

      if (bytes == NULL)
        {
          if (tail != NULL)
            debrief_load_job_file_done (job, &ctx, total);
          return FALSE;
        }
      if (tail->state == NULL)
        debrief_tail_set_state (tail, debrief_jsonl_state_new (options, job->cache != NULL),
                                (GDestroyNotify) debrief_jsonl_state_free);
      data = g_bytes_get_data (bytes, &length);
      if (!debrief_jsonl_state_feed (tail->state, &ctx, data, length, !tail->more && !job->following, NULL,
                                     &consumed, error))
        {
          debrief_tail_reset (tail);  /* cancelled half way: the next load starts over */
          debrief_load_job_file_done (job, &ctx, total);
          return FALSE;
        }
      debrief_load_job_tail_consumed (job, tail, bytes, consumed);
      total += length;
      if (!tail->more)
        break;
    }
  state = tail->state;
  ok = debrief_jsonl_state_finish (state, &ctx, error);
  debrief_load_job_file_done (job, &ctx, total);
  if (ok)
    {
      gsize length = 0;
      const char *record = debrief_jsonl_state_get_last_record (state, &length);

      debrief_run_add_source_file (run, rel);
      debrief_run_progress_read_record (debrief_run_get_progress (run), record, length);
      if (out_state != NULL)
        *out_state = state;
    }
  return ok;
}

/* First object line of @data (NULL when none parses). */
static DebriefJsonNode *
first_object (const char *data,
              gsize       length,
              guint       skip_lines)
{
  const char *pos = data;
  const char *end = data + MIN (length, JSONL_DETECT_WINDOW);
  Line line;
  guint n = 0;

  while (next_line (&pos, end, &line) && n < JSONL_DETECT_LINES)
    {
      DebriefJsonNode *node;

      if (line_is_blank (&line))
        continue;
      if (n++ < skip_lines)
        continue;
      node = debrief_json_parse (line.start, line.length, NULL, NULL);
      if (node && node->type == DEBRIEF_JSON_OBJECT)
        return node;
      debrief_json_node_free (node);
    }
  return NULL;
}

gboolean
debrief_reader_jsonl_detect (const char *data,
                             gsize       length)
{
  const char *pos = data;
  const char *end = data + MIN (length, JSONL_DETECT_WINDOW);
  gboolean has_step = FALSE;
  gboolean has_loss = FALSE;
  guint n = 0;
  Line line;

  /* Loss keys may appear only on some lines (evaluations), so look at several.
   * An RL log has a reward and no loss: any training metric will do. */
  while (next_line (&pos, end, &line) && n < JSONL_DETECT_LINES && !(has_step && has_loss))
    {
      g_autoptr(DebriefJsonNode) node = NULL;

      if (line_is_blank (&line))
        continue;
      n++;
      node = debrief_json_parse (line.start, line.length, NULL, NULL);
      if (node == NULL || node->type != DEBRIEF_JSON_OBJECT)
        continue;
      for (guint i = 0; i < node->keys->len; i++)
        {
          const char *key = g_ptr_array_index (node->keys, i);
          if (debrief_key_is_step (key, strlen (key)))
            has_step = TRUE;
          if (debrief_key_is_training_metric (key))
            has_loss = TRUE;
        }
    }
  return has_step && has_loss;
}

gboolean
debrief_reader_jsonl_is_tinker (const char *data,
                                gsize       length)
{
  g_autoptr(DebriefJsonNode) node = first_object (data, length, 0);

  if (node == NULL || debrief_json_node_get (node, "step") == NULL)
    return FALSE;
  /* Supervised (train_mean_nll, test/nll), RL and distillation (env/..., optim/...,
   * progress/done_frac): keys only tinker-cookbook's ml_log writes together with "step". */
  if (debrief_json_node_get (node, "train_mean_nll") != NULL || debrief_json_node_get (node, "test/nll") != NULL ||
      debrief_json_node_get (node, "progress/done_frac") != NULL ||
      debrief_json_node_get (node, "optim/kl_sample_train_v1") != NULL)
    return TRUE;
  for (guint i = 0; i < node->keys->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (node->keys, i), "env/all/"))
      return TRUE;
  return FALSE;
}

gboolean
debrief_reader_jsonl_foreach_object (DebriefReadContext     *ctx,
                                     const char             *data,
                                     gsize                   length,
                                     DebriefJsonlObjectFunc  func,
                                     gpointer                user_data,
                                     GError                **error)
{
  const char *pos = data;
  const char *end = data + length;
  guint line_number = 0;
  Line line;

  while (next_line (&pos, end, &line))
    {
      g_autoptr(DebriefJsonNode) node = NULL;
      g_autoptr(GError) line_error = NULL;

      line_number++;
      if (line_is_blank (&line))
        continue;
      node = debrief_json_parse (line.start, line.length, ctx->file, &line_error);
      if (node == NULL || node->type != DEBRIEF_JSON_OBJECT)
        {
          if (!line.terminated && pos >= end)
            debrief_read_warn (ctx, line_number, _("the last line is incomplete; skipped"));
          else
            debrief_read_warn (ctx, line_number, _("expected one JSON object per line; line skipped"));
          continue;
        }
      func (node, line_number, user_data);
    }
  return TRUE;
}
