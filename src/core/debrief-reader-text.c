/* debrief-reader-text.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over the lines; each line is tried against the shapes in turn and
 * gives at most one record. Lines of no shape (model loading chatter, warnings,
 * samples) are not records and are not warned about; lines that start like a
 * record and then break (a dict cut off, a step that is not a whole number)
 * are, with their line number. Names are normalised ("train loss" ->
 * "train_loss", "Loss" -> "loss") before the key map sees them.
 */
#define _GNU_SOURCE  /* memrchr */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-reader-text-private.h"

/* How much of the head and of the tail of a file detection reads. */
#define TEXT_PEEK (64 * 1024)
/* Console output kept for crash detection. */
#define TEXT_TAIL (256 * 1024)
/* Lines this long are not log lines (a base64 blob, a minified file). */
#define TEXT_MAX_LINE (64 * 1024)
/* Progress and cancellation checks every this many lines. */
#define TEXT_CHECK_EVERY 65536
/* Pairs read from one line at most (a line with more is still read, up to here). */
#define TEXT_MAX_PAIRS 64
/* Words kept in a pair's name: "train loss" yes, a whole sentence no. */
#define TEXT_MAX_NAME_WORDS 2

struct _DebriefTextPattern
{
  char *source;
  GRegex *regex;
  int step_group;
  GPtrArray *names;    /* metric group names */
  GArray *numbers;     /* their group numbers */
};

typedef enum
{
  SHAPE_NONE,
  SHAPE_DICT,
  SHAPE_STEP_LINE,
  SHAPE_NANOGPT,
  SHAPE_PATTERN,
} Shape;

/* ---- user pattern ---- */

/* GRegex cannot list its named groups: they are found in the pattern text,
 * ("(?<name>", "(?P<name>", "(?'name'"), skipping escapes and character classes. */
static void
collect_group_names (const char *pattern,
                     GPtrArray  *names)
{
  gboolean in_class = FALSE;

  for (const char *p = pattern; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (in_class)
        {
          if (*p == ']')
            in_class = FALSE;
          continue;
        }
      if (*p == '[')
        {
          in_class = TRUE;
          if (p[1] == ']')
            p++;
          continue;
        }
      if (p[0] == '(' && p[1] == '?')
        {
          const char *start = NULL;
          char close = 0;
          if (p[2] == 'P' && p[3] == '<')
            start = p + 4, close = '>';
          else if (p[2] == '<' && p[3] != '=' && p[3] != '!')
            start = p + 3, close = '>';
          else if (p[2] == '\'')
            start = p + 3, close = '\'';
          if (start != NULL)
            {
              const char *end = strchr (start, close);
              if (end != NULL && end > start)
                g_ptr_array_add (names, g_strndup (start, end - start));
            }
        }
    }
}

DebriefTextPattern *
debrief_text_pattern_new (const char  *pattern,
                          GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DebriefTextPattern *self;
  GRegex *regex;

  g_return_val_if_fail (pattern != NULL, NULL);

  if (*pattern == '\0')
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT, _("The log pattern is empty."));
      return NULL;
    }
  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &local);
  if (regex == NULL)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("The log pattern is not a valid regular expression: %s"), local->message);
      return NULL;
    }
  self = g_new0 (DebriefTextPattern, 1);
  self->source = g_strdup (pattern);
  self->regex = regex;
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->numbers = g_array_new (FALSE, FALSE, sizeof (int));
  self->step_group = g_regex_get_string_number (regex, "step");
  collect_group_names (pattern, names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      int number = g_regex_get_string_number (regex, name);
      if (number < 0 || strcmp (name, "step") == 0 || g_ptr_array_find_with_equal_func (self->names, name,
                                                                                          g_str_equal, NULL))
        continue;
      g_ptr_array_add (self->names, g_strdup (name));
      g_array_append_val (self->numbers, number);
    }
  if (self->step_group < 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("The log pattern has no group named “step”: write it as (?<step>[0-9]+)."));
      debrief_text_pattern_free (self);
      return NULL;
    }
  if (self->names->len == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                   _("The log pattern names no metric: add a named group for each value, "
                     "such as (?<loss>[0-9.eE+-]+)."));
      debrief_text_pattern_free (self);
      return NULL;
    }
  return self;
}

void
debrief_text_pattern_free (DebriefTextPattern *pattern)
{
  if (pattern == NULL)
    return;
  g_free (pattern->source);
  g_regex_unref (pattern->regex);
  g_ptr_array_unref (pattern->names);
  g_array_unref (pattern->numbers);
  g_free (pattern);
}

const char *
debrief_text_pattern_get_source (const DebriefTextPattern *pattern)
{
  return pattern->source;
}

/* ---- key map ---- */

gboolean
debrief_key_map_text (const char         *key,
                      const char        **name,
                      DebriefSeriesKind  *kind)
{
  /* nanoGPT's "N train X" / "N val X", llm.c's trl / tel, build-nanogpt's norm. */
  static const char *const train[] = { "train", "trl", "tr_loss", NULL };
  static const char *const val[] = { "val", "valid", "validation", "eval", "test", "tel", "val_nll", NULL };
  static const char *const grad[] = { "norm", "gnorm", "grad_norm", "gradnorm", "grad-norm", NULL };
  /* The Trainer's per-evaluation timings are not curves. */
  static const char *const timings[] = { "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", NULL };

  if (g_strv_contains (timings, key))
    return FALSE;
  if (g_strv_contains (train, key))
    {
      *name = "train_loss";
      *kind = DEBRIEF_SERIES_TRAIN_LOSS;
      return TRUE;
    }
  if (g_strv_contains (val, key))
    {
      *name = "val_loss";
      *kind = DEBRIEF_SERIES_VAL_LOSS;
      return TRUE;
    }
  if (g_strv_contains (grad, key))
    {
      *name = "grad_norm";
      *kind = DEBRIEF_SERIES_GRAD_NORM;
      return TRUE;
    }
  return debrief_key_map_default (key, name, kind);
}

/* ---- lines ---- */

typedef struct
{
  const char *name;      /* normalised, in the scratch buffer */
  gsize name_length;
  double value;
} Pair;

typedef struct
{
  GString *names;        /* the pairs' names, back to back */
  Pair pairs[TEXT_MAX_PAIRS];
  guint n_pairs;
  double step;           /* step lines, nanoGPT lines and patterns */
  gboolean have_step;
  double step_total;     /* "Step 10/6501": 6501; 0 when not printed */
  double epoch;          /* an epoch printed before the step, NAN when none */
  gboolean broken;       /* it started like a record and then was not one */
} LineRecord;

/* Any case: "Step 1 | loss:1.23" (torchtune), "step 400", "iter 100". */
typedef struct
{
  const char *name;
  gsize length;
} Name;

#define NAME(s) { s, sizeof s - 1 }

/* Called for every word of every line: the lengths are compared first. */
static gboolean
in_names (const Name *names,
          guint       n,
          const char *name,
          gsize       length)
{
  for (guint i = 0; i < n; i++)
    if (names[i].length == length && (name[0] | 0x20) == names[i].name[0] &&
        g_ascii_strncasecmp (name, names[i].name, length) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_step_name (const char *name,
              gsize       length)
{
  static const Name steps[] = { NAME ("step"), NAME ("iter"), NAME ("iteration"), NAME ("it"),
                                NAME ("global_step"), NAME ("steps"), NAME ("train/global_step") };

  return in_names (steps, G_N_ELEMENTS (steps), name, length);
}

static gboolean
is_epoch_name (const char *name,
               gsize       length)
{
  return length == 5 && g_ascii_strncasecmp (name, "epoch", 5) == 0;
}

/* Counters that may come before the step ("Epoch 1 | Step 5", "Batch 3/100 | Step 7"). */
static gboolean
is_counter_name (const char *name,
                 gsize       length)
{
  static const Name counters[] = { NAME ("epoch"), NAME ("batch"), NAME ("rank"), NAME ("worker"), NAME ("gpu") };

  return in_names (counters, G_N_ELEMENTS (counters), name, length);
}

static void
record_reset (LineRecord *rec)
{
  g_string_truncate (rec->names, 0);
  rec->n_pairs = 0;
  rec->have_step = FALSE;
  rec->step_total = 0;
  rec->epoch = NAN;
  rec->broken = FALSE;
}

/* Appends a pair; the name is lower-cased, runs of spaces become '_'. */
static void
record_add (LineRecord *rec,
            const char *name,
            gsize       length,
            double      value)
{
  gsize start;
  gboolean space = FALSE;

  if (rec->n_pairs >= TEXT_MAX_PAIRS || length == 0)
    return;
  start = rec->names->len;
  {
    /* At most @length bytes: written in place, then the buffer is cut to what was written. */
    char *w, *out;
    g_string_set_size (rec->names, start + length);
    out = w = rec->names->str + start;
    for (gsize i = 0; i < length; i++)
      {
        char c = name[i];
        if (c == ' ' || c == '\t')
          space = TRUE;
        else
          {
            if (space && w > out)
              *w++ = '_';
            space = FALSE;
            *w++ = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
          }
      }
    rec->names->len = w - rec->names->str;
    *w = '\0';
  }
  if (rec->names->len == start)
    return;
  rec->pairs[rec->n_pairs].name = NULL;  /* set once the buffer stops moving */
  rec->pairs[rec->n_pairs].name_length = rec->names->len - start;
  rec->pairs[rec->n_pairs].value = value;
  rec->n_pairs++;
}

/* The names live in one buffer that may move while it grows: point into it at the end. */
static void
record_fix_names (LineRecord *rec)
{
  gsize offset = 0;

  for (guint i = 0; i < rec->n_pairs; i++)
    {
      rec->pairs[i].name = rec->names->str + offset;
      offset += rec->pairs[i].name_length;
    }
}

/* A number token at the start of [p, end): JSON syntax, nan/inf, a leading '+'. */
static gboolean
scan_number (const char **p,
             const char  *end,
             double      *value)
{
  const char *q = *p;

  if (q < end && *q == '+')
    q++;
  if (q >= end || !(g_ascii_isdigit (*q) || *q == '-' || *q == '.' || *q == 'n' || *q == 'N' || *q == 'i' ||
                    *q == 'I'))
    return FALSE;
  if (*q == '.')
    {
      /* ".5": JSON does not allow it, Python prints it never, C's printf %g never; people write it. */
      char buf[64];
      gsize n = 0;
      buf[n++] = '0';
      while (q < end && n < sizeof buf - 1 && (g_ascii_isdigit (*q) || *q == '.' || *q == 'e' || *q == 'E' ||
                                                ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E'))))
        buf[n++] = *q++;
      if (!debrief_json_string_to_number (buf, n, value))
        return FALSE;
      *p = q;
      return TRUE;
    }
  {
    gboolean word = g_ascii_isalpha (*q);
    if (!debrief_json_parse_number (&q, end, value))
      return FALSE;
    /* "nan" and "inf" are words only on their own: "INFO", "Infinity_loss" are not numbers. */
    if (word && q < end && (g_ascii_isalnum (*q) || *q == '_'))
      return FALSE;
  }
  *p = q;
  return TRUE;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '/' || c == '.' || c == '-' || c == '@' || c == '#';
}

static gboolean
is_separator (char c)
{
  return c == '|' || c == ',' || c == ';' || c == '\t';
}

/* Bytes that end a token of a step line (space, separators) and that split a
 * "name:value" token, looked up once per byte. */
enum
{
  CLASS_END = 1 << 0,
  CLASS_COLON = 1 << 1,
  CLASS_DICT = 1 << 2,   /* what ends or nests a printed dict's value */
};

static const guint8 char_class[256] = {
  [' '] = CLASS_END, ['|'] = CLASS_END, [','] = CLASS_END | CLASS_DICT, [';'] = CLASS_END, ['\t'] = CLASS_END,
  [':'] = CLASS_COLON, ['='] = CLASS_COLON,
  ['\''] = CLASS_DICT, ['"'] = CLASS_DICT, ['('] = CLASS_DICT, ['['] = CLASS_DICT, ['{'] = CLASS_DICT,
  [')'] = CLASS_DICT, [']'] = CLASS_DICT, ['}'] = CLASS_DICT,
};

/* A "name value" pair of a step line. Before the step only an epoch may come
 * ("Epoch 1, Step 5, loss 2.3"); any other name first means the line is prose. */
static gboolean
named_pair (LineRecord *rec,
            const char *name,
            gsize       length,
            double      value,
            double      total,
            gboolean    short_step)
{
  if (!rec->have_step)
    {
      if (is_step_name (name, length) || (short_step && rec->n_pairs == 0))
        {
          rec->step = value;
          rec->step_total = total;
          rec->have_step = TRUE;
          return TRUE;
        }
      if (!is_counter_name (name, length) || rec->n_pairs >= 2)
        return FALSE;
      if (is_epoch_name (name, length))
        rec->epoch = value;
      else
        return TRUE;  /* a batch or rank counter: not a curve */
    }
  record_add (rec, name, length, value);
  return TRUE;
}

/* "starting", "from": two or more lower-case letters and nothing else. */
static gboolean
is_lower_word (const char *word,
               gsize       length)
{
  if (length < 2)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (word[i] < 'a' || word[i] > 'z')
      return FALSE;
  return TRUE;
}

/* After "400" in "400/1000": the total, else 0. */
static double
scan_total (const char *p,
            const char *end)
{
  double total = 0;

  if (p < end && *p == '/')
    {
      p++;
      if (!scan_number (&p, end, &total) || !isfinite (total) || total < 1)
        total = 0;
    }
  return total;
}

/* "step 400 | loss 3.21 | lr 6e-4", "Step 1 | loss:1.23 lr:2e-05", "s:0 trl:10.9":
 * tokens separated by white space; words gather into a name, a number closes
 * the pair; "name:value" and "name=value" are one pair; '|', ',', ';' end a
 * name. The first pair must be a step. */
static gboolean
parse_step_line (const char *line,
                 const char *end,
                 LineRecord *rec)
{
  const char *p = line;
  const char *words[TEXT_MAX_NAME_WORDS];
  gsize word_lengths[TEXT_MAX_NAME_WORDS];
  guint n_words = 0;
  gboolean prose = FALSE;

  record_reset (rec);
  while (p < end)
    {
      const char *tok, *tok_end, *first_colon;
      gboolean opened;
      double v;

      while (p < end && (*p == ' ' || is_separator (*p)))
        {
          if (*p != ' ')
            n_words = 0;
          p++;
        }
      if (p >= end)
        break;
      tok = p;
      first_colon = NULL;
      /* One pass: the end of the token and its first ':' or '='. */
      for (; p < end; p++)
        {
          guint8 cls = char_class[(guchar) *p];
          if (cls & CLASS_END)
            break;
          if ((cls & CLASS_COLON) && first_colon == NULL)
            first_colon = p;
        }
      tok_end = p;
      /* Brackets around values: "(1234.56 ms", "[rank0]:". */
      opened = FALSE;
      while (tok < tok_end && (*tok == '(' || *tok == '[' || *tok == '{'))
        {
          tok++;
          opened = TRUE;
        }
      while (tok_end > tok && (tok_end[-1] == ')' || tok_end[-1] == ']' || tok_end[-1] == '}'))
        tok_end--;
      if (tok == tok_end)
        continue;

      {
        /* name:value / name=value in one token; "name:" alone names the next number. */
        const char *colon = first_colon != NULL && first_colon < tok_end ? first_colon : NULL;
        if (colon != NULL && colon > tok && g_ascii_isalpha (*tok))
          {
            const char *v_start = colon + 1;
            gboolean named = TRUE;
            for (const char *q = tok; q < colon; q++)
              named = named && is_name_char (*q);
            if (named && v_start == tok_end)
              {
                if (n_words == TEXT_MAX_NAME_WORDS)
                  {
                    memmove (words, words + 1, sizeof words[0] * (TEXT_MAX_NAME_WORDS - 1));
                    memmove (word_lengths, word_lengths + 1, sizeof word_lengths[0] * (TEXT_MAX_NAME_WORDS - 1));
                    n_words--;
                  }
                words[n_words] = tok;
                word_lengths[n_words++] = colon - tok;
                continue;
              }
            if (named && scan_number (&v_start, tok_end, &v))
              {
                if (!named_pair (rec, tok, colon - tok, v, scan_total (v_start, tok_end),
                                 colon - tok == 1 && (*tok == 's' || *tok == 'S')))
                  return FALSE;
                n_words = 0;
                continue;
              }
          }
      }

      {
        const char *q = tok;
        if (scan_number (&q, tok_end, &v) &&
            (q == tok_end || *q == '/' || *q == ':' || *q == '%' || g_ascii_isalpha (*q)))
          {
            /* "(1, 2, 2": a tuple or list of numbers (a printed sample, a
             * config), not a value: the line is not a record. */
            if (opened && q == tok_end && p < end && *p == ',')
              return FALSE;
            /* A number: it closes the pair named by the words before it ("400/1000", "123.4ms", "2000:"). */
            if (n_words > 0)
              {
                gsize length;
                const char *name = words[0];
                /* When the last word alone is a step or epoch key ("INFO step 5"), it is the name. */
                if (n_words > 1 && (is_step_name (words[n_words - 1], word_lengths[n_words - 1]) ||
                                    is_epoch_name (words[n_words - 1], word_lengths[n_words - 1])))
                  name = words[n_words - 1];
                length = words[n_words - 1] + word_lengths[n_words - 1] - name;
                if (!named_pair (rec, name, length, v, scan_total (q, tok_end), FALSE))
                  return FALSE;
              }
            /* A number without a name before the step is a prefix (a time stamp, a rank). */
            n_words = 0;
            continue;
          }
      }
      /* A word: part of the next name (names start with a letter). */
      if (g_ascii_isalpha (*tok) || *tok == '_')
        {
          gsize length;
          const char *last_colon;

          if (tok_end > tok && tok_end[-1] == ':')
            tok_end--;
          /* "INFO:__main__:Epoch": a logging prefix glued to the name. */
          last_colon = first_colon != NULL && first_colon < tok_end ? memrchr (tok, ':', tok_end - tok) : NULL;
          if (last_colon != NULL && last_colon + 1 < tok_end)
            tok = last_colon + 1;
          length = tok_end - tok;
          if (n_words == TEXT_MAX_NAME_WORDS)
            {
              memmove (words, words + 1, sizeof words[0] * (TEXT_MAX_NAME_WORDS - 1));
              memmove (word_lengths, word_lengths + 1, sizeof word_lengths[0] * (TEXT_MAX_NAME_WORDS - 1));
              n_words--;
            }
          words[n_words] = tok;
          word_lengths[n_words++] = length;
          /* Before the step only a time stamp, a logging prefix ("INFO", "[rank0]:")
           * or an epoch/batch counter may come: a plain lower-case word there is
           * prose ("starting epoch 1 from step 19072", "Loaded checkpoint ...,
           * step 19072, val_loss 3.07"), and the line is not a record. */
          if (!rec->have_step && is_lower_word (tok, length) && !is_step_name (tok, length) &&
              !is_counter_name (tok, length))
            prose = TRUE;
        }
      else
        n_words = 0;  /* "-", "=>", dates: not part of a name */
    }
  return rec->have_step && rec->n_pairs >= 1 && !prose;
}

/* "0 train 10.955010", "250 val 3.2845", "250 hella 0.2951". */
static gboolean
parse_nanogpt (const char *line,
               const char *end,
               LineRecord *rec)
{
  const char *p = line;
  const char *name;
  double step, v;

  record_reset (rec);
  if (p >= end || !g_ascii_isdigit (*p) || !scan_number (&p, end, &step) || p >= end || *p != ' ')
    return FALSE;
  while (p < end && *p == ' ')
    p++;
  name = p;
  while (p < end && (g_ascii_isalpha (*p) || *p == '_'))
    p++;
  if (p == name || p >= end || *p != ' ')
    return FALSE;
  rec->step = step;
  rec->have_step = TRUE;
  record_add (rec, name, p - name, 0);
  while (p < end && *p == ' ')
    p++;
  if (!scan_number (&p, end, &v))
    return FALSE;
  while (p < end && (*p == ' ' || *p == '\r'))
    p++;
  if (p != end || rec->n_pairs != 1)
    return FALSE;
  rec->pairs[0].value = v;
  return TRUE;
}

/* {'loss': 0.51, 'grad_norm': 1.2, 'learning_rate': 2e-05, 'epoch': 0.1} anywhere in the line. */
static gboolean
parse_dict (const char *line,
            const char *end,
            LineRecord *rec)
{
  const char *p = memchr (line, '{', end - line);

  record_reset (rec);
  if (p == NULL || p + 2 >= end || (p[1] != '\'' && p[1] != '"'))
    return FALSE;
  p++;
  for (;;)
    {
      char quote;
      const char *key, *key_end, *value;
      int depth = 0;
      double v;

      while (p < end && *p == ' ')
        p++;
      if (p >= end)
        {
          rec->broken = rec->n_pairs > 0;
          return FALSE;
        }
      if (*p == '}')
        return rec->n_pairs > 0;
      quote = *p;
      if (quote != '\'' && quote != '"')
        {
          rec->broken = TRUE;
          return FALSE;
        }
      key = ++p;
      while (p < end && *p != quote)
        p++;
      if (p >= end)
        {
          rec->broken = TRUE;
          return FALSE;
        }
      key_end = p++;
      while (p < end && *p == ' ')
        p++;
      if (p >= end || *p != ':')
        {
          rec->broken = TRUE;
          return FALSE;
        }
      p++;
      while (p < end && *p == ' ')
        p++;
      value = p;
      /* The value ends at a ',' or '}' outside brackets and quotes ("tensor(1.2, device='cuda:0')"). */
      while (p < end)
        {
          char c = *p;
          if (!(char_class[(guchar) c] & CLASS_DICT))
            {
              p++;  /* digits, letters, '.', '-', ' ': the usual value */
              continue;
            }
          if (c == '\'' || c == '"')
            {
              const char *close = memchr (p + 1, c, end - p - 1);
              if (close == NULL)
                break;
              p = close + 1;
              continue;
            }
          if (c == '(' || c == '[' || c == '{')
            depth++;
          else if (c == ')' || c == ']' || c == '}')
            {
              if (depth == 0)
                break;
              depth--;
            }
          else if (c == ',' && depth == 0)
            break;
          p++;
        }
      if (p >= end)
        {
          rec->broken = TRUE;
          return FALSE;
        }
      {
        const char *q = value;
        const char *stop = p;
        while (stop > q && stop[-1] == ' ')
          stop--;
        /* tensor(0.51, device='cuda:0') and np.float64(0.51): the first number inside. */
        if (stop > q && stop[-1] == ')')
          {
            const char *open = memchr (q, '(', stop - q);
            if (open != NULL)
              {
                q = open + 1;
                stop = q;
                while (stop < p && *stop != ',' && *stop != ')')
                  stop++;
              }
          }
        if (debrief_json_string_to_number (q, stop - q, &v))
          record_add (rec, key, key_end - key, v);
        else
          {
            /* {'bos_token_id': None, 'pad_token_id': 151643}: a printed dict, not logged metrics. */
            record_reset (rec);
            return FALSE;
          }
      }
      if (*p == ',')
        p++;
    }
}

/* tqdm's " 42%|████▏     | 420/1000 [..." : the 420. */
static gboolean
parse_progress (const char *line,
                const char *end,
                gint64     *count)
{
  const char *bar = g_strstr_len (line, end - line, "%|");
  const char *p;
  double v;

  if (bar == NULL)
    return FALSE;
  p = memchr (bar + 2, '|', end - bar - 2);
  if (p == NULL)
    return FALSE;
  p++;
  while (p < end && *p == ' ')
    p++;
  if (!scan_number (&p, end, &v) || p >= end || *p != '/')
    return FALSE;
  return debrief_step_from_double (v, count);
}

/* A bar and nothing else, " 42%|████▏     | 420/1000 [00:10<00:15, 5.2it/s]"
 * (most lines of a console): no description before it ("Step 5: loss 2.3 |
 * 42%|..."), no postfix ("loss=2.3"), no dict. Such a line has no word, so no
 * shape could read it; it is passed over without trying them. */
static gboolean
is_bare_bar (const char *line,
             const char *end)
{
  const char *p = line;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p >= end || !g_ascii_isdigit (*p))
    return FALSE;
  while (p < end && (g_ascii_isdigit (*p) || *p == '.'))
    p++;
  return p < end && *p == '%' && memchr (p, '=', end - p) == NULL && memchr (p, '{', end - p) == NULL;
}

static gboolean
parse_pattern (const DebriefTextPattern *pattern,
               const char               *line,
               const char               *end,
               LineRecord               *rec)
{
  g_autoptr(GMatchInfo) match = NULL;
  int start, stop;
  double v;

  record_reset (rec);
  if (!g_regex_match_full (pattern->regex, line, end - line, 0, 0, &match, NULL))
    return FALSE;
  if (!g_match_info_fetch_pos (match, pattern->step_group, &start, &stop) || start < 0 ||
      !debrief_json_string_to_number (line + start, stop - start, &v))
    {
      rec->broken = TRUE;
      return FALSE;
    }
  rec->step = v;
  rec->have_step = TRUE;
  for (guint i = 0; i < pattern->names->len; i++)
    if (g_match_info_fetch_pos (match, g_array_index (pattern->numbers, int, i), &start, &stop) && start >= 0 &&
        debrief_json_string_to_number (line + start, stop - start, &v))
      {
        const char *name = g_ptr_array_index (pattern->names, i);
        record_add (rec, name, strlen (name), v);
      }
  if (rec->n_pairs < 1)
    {
      rec->broken = TRUE;
      return FALSE;
    }
  return TRUE;
}

static Shape
classify (const char               *line,
          const char               *end,
          const DebriefTextPattern *pattern,
          LineRecord               *rec)
{
  const char *p = line;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (pattern != NULL)
    {
      if (parse_pattern (pattern, line, end, rec))
        return SHAPE_PATTERN;
      if (rec->broken)
        return SHAPE_NONE;
    }
  if (p >= end)
    return SHAPE_NONE;
  if (memchr (p, '{', end - p) != NULL && parse_dict (p, end, rec))
    return SHAPE_DICT;
  if (rec->broken)
    return SHAPE_NONE;
  if (g_ascii_isdigit (*p) && parse_nanogpt (p, end, rec))
    return SHAPE_NANOGPT;
  if (parse_step_line (p, end, rec))
    return SHAPE_STEP_LINE;
  return SHAPE_NONE;
}

static gboolean
any_loss (const LineRecord *rec)
{
  for (guint i = 0; i < rec->n_pairs; i++)
    {
      const char *name;
      DebriefSeriesKind kind = DEBRIEF_SERIES_OTHER;
      g_autofree char *key = g_strndup (rec->pairs[i].name, rec->pairs[i].name_length);
      if (debrief_key_map_text (key, &name, &kind) &&
          (kind == DEBRIEF_SERIES_TRAIN_LOSS || kind == DEBRIEF_SERIES_VAL_LOSS))
        return TRUE;
    }
  return FALSE;
}

/* Calls @func for each line of [data, data+length): '\n' and '\r' both end a line
 * (tqdm redraws with '\r'); the line number counts '\n' only. */
typedef gboolean (*LineFunc) (gpointer user_data, const char *line, const char *end, guint number);

static gboolean
for_each_line (const char *data,
               gsize       length,
               LineFunc    func,
               gpointer    user_data)
{
  const char *p = data + debrief_utf8_bom_length (data, length);
  const char *end = data + length;
  const char *nl = NULL;
  guint number = 1;

  while (p < end)
    {
      /* Two vectorised scans beat one byte loop: '\r' is rare. The next '\n'
       * is kept while '\r' ends lines before it (tqdm's redraws), else a
       * console of redraws would be scanned again for each one. */
      const char *eol, *cr;

      if (nl == NULL || nl < p)
        {
          nl = memchr (p, '\n', end - p);
          if (nl == NULL)
            nl = end;
        }
      eol = nl;
      cr = memchr (p, '\r', eol - p);
      if (cr != NULL)
        eol = cr;
      if (eol - p <= TEXT_MAX_LINE && !func (user_data, p, eol, number))
        return FALSE;
      if (eol < end && *eol == '\n')
        number++;
      p = eol + 1;
    }
  return TRUE;
}

typedef struct
{
  const DebriefTextPattern *pattern;
  LineRecord rec;
  guint n_records;
  guint n_loss;
} Detect;

static gboolean
detect_line (gpointer    user_data,
             const char *line,
             const char *end,
             guint       number)
{
  Detect *d = user_data;

  if (classify (line, end, d->pattern, &d->rec) != SHAPE_NONE)
    {
      record_fix_names (&d->rec);
      d->n_records++;
      if (any_loss (&d->rec))
        d->n_loss++;
    }
  return TRUE;
}

gboolean
debrief_reader_text_detect (const char               *data,
                            gsize                     length,
                            const DebriefTextPattern *pattern)
{
  Detect d = { pattern, { g_string_new (NULL) }, 0, 0 };
  gboolean yes;

  if (memchr (data, '\0', length) != NULL)
    {
      g_string_free (d.rec.names, TRUE);
      return FALSE;
    }
  for_each_line (data, length, detect_line, &d);
  g_string_free (d.rec.names, TRUE);
  /* One record with a loss is a log (a run with one point exists); without a
   * loss (an RL log of rewards) a few records, so that prose is not taken for one. */
  yes = d.n_loss >= 1 || d.n_records >= 3 || (pattern != NULL && d.n_records >= 1);
  return yes;
}

typedef struct
{
  DebriefReadContext *ctx;
  const DebriefTextPattern *pattern;
  DebriefSeriesSet *set;
  LineRecord rec;
  gsize length;
  const char *data;
  guint lines;
  guint n_broken;
  guint first_broken;
  guint n_bad_step;
  guint n_records;
  guint n_dicts;
  gint64 progress;          /* tqdm's count, -1 unknown */
  gint64 last_train_step;   /* of the HF dicts */
  gboolean have_train_step;
  gboolean dict_steps_numbered;
  gboolean have_epoch_step;
  gboolean epoch_local_steps;
  double last_epoch;
  gint64 last_raw_step;
  gboolean estimate_lines;  /* nanoGPT: "step N: train loss X, val loss Y" beside "iter N: loss X" */
  Shape shapes_seen[5];
  GError *error;
} Parse;

static gboolean
is_eval_dict (const LineRecord *rec)
{
  for (guint i = 0; i < rec->n_pairs; i++)
    if (rec->pairs[i].name_length >= 5 && memcmp (rec->pairs[i].name, "eval_", 5) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_summary_dict (const LineRecord *rec)
{
  for (guint i = 0; i < rec->n_pairs; i++)
    if (rec->pairs[i].name_length == 13 && memcmp (rec->pairs[i].name, "train_runtime", 13) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_line (gpointer    user_data,
            const char *line,
            const char *end,
            guint       number)
{
  Parse *parse = user_data;
  LineRecord *rec = &parse->rec;
  Shape shape;
  gint64 step = 0;
  gint64 count;

  if ((++parse->lines % TEXT_CHECK_EVERY) == 0)
    {
      debrief_read_progress (parse->ctx, line - parse->data, parse->length);
      if (debrief_read_check_cancelled (parse->ctx, &parse->error))
        return FALSE;
    }
  /* tqdm's bar, also when a printed dict follows it on the same line. */
  if (memchr (line, '%', end - line) != NULL && parse_progress (line, end, &count))
    {
      parse->progress = count;
      if (parse->pattern == NULL && is_bare_bar (line, end))
        return TRUE;
    }
  shape = classify (line, end, parse->pattern, rec);
  if (shape == SHAPE_NONE)
    {
      if (rec->broken && parse->n_broken++ == 0)
        parse->first_broken = number;
      return TRUE;
    }
  record_fix_names (rec);
  parse->shapes_seen[shape] = TRUE;

  if (shape == SHAPE_DICT)
    {
      gboolean have = FALSE;
      if (is_summary_dict (rec))
        return TRUE;  /* the end-of-training summary: means, not points */
      for (guint i = 0; i < rec->n_pairs && !have; i++)
        if (debrief_key_is_step (rec->pairs[i].name, rec->pairs[i].name_length) &&
            debrief_step_from_double (rec->pairs[i].value, &step))
          have = TRUE;
      if (!have && is_eval_dict (rec))
        step = parse->have_train_step ? parse->last_train_step : MAX (parse->progress, 0);
      else if (!have)
        {
          /* tqdm's count when it is printed, else the dict's number. */
          gint64 next = parse->have_train_step ? parse->last_train_step + 1 : 1;
          if (parse->progress >= 0)
            step = MAX (parse->progress, next);
          else
            {
              step = next;
              parse->dict_steps_numbered = TRUE;
            }
          parse->last_train_step = step;
          parse->have_train_step = TRUE;
        }
      parse->n_dicts++;
    }
  else if (!debrief_step_from_double (rec->step, &step))
    {
      if (parse->n_bad_step++ == 0)
        debrief_read_warn (parse->ctx, number, _("the step is not a whole number; line skipped"));
      return TRUE;
    }
  else if (rec->step_total > 0 && isfinite (rec->epoch) && rec->epoch == floor (rec->epoch) && rec->epoch >= 0)
    {
      /* "Epoch 1 | Step 0/6501": steps that start again each epoch. Seen when the
       * epoch goes up and the step down; from then on epoch × total + step. */
      if (parse->have_epoch_step && rec->epoch > parse->last_epoch && step < parse->last_raw_step &&
          !parse->epoch_local_steps)
        {
          parse->epoch_local_steps = TRUE;
          debrief_read_warn (parse->ctx, number,
                             _("the step starts again at each epoch; steps are counted as epoch × %.0f + step"),
                             rec->step_total);
        }
      parse->have_epoch_step = TRUE;
      parse->last_epoch = rec->epoch;
      parse->last_raw_step = step;
      if (parse->epoch_local_steps && rec->epoch * rec->step_total + step < 9e15)
        step = (gint64) (rec->epoch * rec->step_total) + step;
    }

  for (guint i = 0; i < rec->n_pairs; i++)
    {
      const char *name = rec->pairs[i].name;
      gsize length = rec->pairs[i].name_length;

      if (shape == SHAPE_DICT && debrief_key_is_step (name, length))
        continue;
      /* nanoGPT's evaluation lines estimate the train loss over a few batches; the
       * curve is the per-iteration loss. */
      if (parse->estimate_lines && shape == SHAPE_STEP_LINE && length == 10 && memcmp (name, "train_loss", 10) == 0)
        {
          name = "train_loss_estimate";
          length = strlen (name);
        }
      debrief_series_set_add (parse->set, i, name, length, rec->pairs[i].value);
    }
  if (debrief_series_set_n_pending (parse->set) > 0)
    {
      debrief_series_set_commit (parse->set, step, number);
      parse->n_records++;
    }
  return TRUE;
}

typedef struct
{
  LineRecord rec;
  gboolean train_and_val;   /* a line with both a train and a validation loss */
  gboolean loss_alone;      /* a line with "loss" and no validation loss */
} Estimate;

static gboolean
estimate_line (gpointer    user_data,
               const char *line,
               const char *end,
               guint       number)
{
  Estimate *e = user_data;
  gboolean train = FALSE, val = FALSE, loss = FALSE;

  if (classify (line, end, NULL, &e->rec) != SHAPE_STEP_LINE)
    return TRUE;
  record_fix_names (&e->rec);
  for (guint i = 0; i < e->rec.n_pairs; i++)
    {
      const char *n = e->rec.pairs[i].name;
      gsize l = e->rec.pairs[i].name_length;
      train = train || (l == 10 && memcmp (n, "train_loss", 10) == 0);
      val = val || (l == 8 && memcmp (n, "val_loss", 8) == 0);
      loss = loss || (l == 4 && memcmp (n, "loss", 4) == 0);
    }
  e->train_and_val = e->train_and_val || (train && val);
  e->loss_alone = e->loss_alone || (loss && !val);
  return TRUE;
}

/* Whether the log has both nanoGPT line kinds (looked for in its first part). */
static gboolean
has_estimate_lines (const char *data,
                    gsize       length)
{
  Estimate e = { { g_string_new (NULL) }, FALSE, FALSE };

  for_each_line (data, length, estimate_line, &e);
  g_string_free (e.rec.names, TRUE);
  return e.train_and_val && e.loss_alone;
}

gboolean
debrief_reader_text_parse (DebriefReadContext       *ctx,
                           const char               *data,
                           gsize                     length,
                           const DebriefTextPattern *pattern,
                           GError                  **error)
{
  g_autoptr(DebriefSeriesSet) set = debrief_series_set_new (debrief_key_map_text);
  Parse parse = { 0 };
  g_autofree char *crash = NULL;
  gsize tail_from, at = 0;

  if (length == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      return FALSE;
    }
  if (memchr (data, '\0', MIN (length, TEXT_PEEK)) != NULL)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("expected a text log; the file holds zero bytes"));
      return FALSE;
    }
  parse.ctx = ctx;
  parse.pattern = pattern;
  parse.set = set;
  parse.rec.names = g_string_new (NULL);
  parse.data = data;
  parse.length = length;
  parse.progress = -1;
  debrief_series_set_reserve (set, length / 80);
  parse.estimate_lines = has_estimate_lines (data, MIN (length, 4 * TEXT_PEEK));
  for_each_line (data, length, parse_line, &parse);
  g_string_free (parse.rec.names, TRUE);
  if (parse.error != NULL)
    {
      g_propagate_error (error, parse.error);
      return FALSE;
    }
  if (parse.n_broken > 0)
    debrief_read_warn (ctx, parse.first_broken,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "a line that starts like a log record is not one (cut off or garbled); "
                                    "skipped (%u such line)",
                                    "a line that starts like a log record is not one (cut off or garbled); "
                                    "skipped (%u such lines)", parse.n_broken),
                       parse.n_broken);
  if (parse.n_bad_step > 1)
    debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE, "%u line with a step that is not a whole number skipped",
                                            "%u lines with a step that is not a whole number skipped",
                                            parse.n_bad_step),
                       parse.n_bad_step);
  if (parse.dict_steps_numbered && parse.n_dicts > 0)
    debrief_read_warn (ctx, 0, _("the printed Trainer logs carry no step and no progress bar was printed "
                                 "with them; they are numbered 1, 2, 3 … in the order they were printed"));

  tail_from = length > TEXT_TAIL ? length - TEXT_TAIL : 0;
  crash = debrief_find_crash_line (data + tail_from, length - tail_from, &at);
  if (crash != NULL && ctx->run != NULL)
    {
      debrief_run_set_crash (ctx->run, crash);
      debrief_read_warn (ctx, debrief_count_lines (data, tail_from + at), _("the run crashed: %s"), crash);
    }

  if (debrief_series_set_finish (set, ctx) == 0)
    {
      if (pattern != NULL)
        debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0,
                            _("no line matches the log pattern “%s” with a step and a number"), pattern->source);
      else
        debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0,
                            _("no training record found (expected lines such as “step 100 | loss 2.31”, "
                              "“{'loss': 2.31, 'epoch': 0.5}” or “100 train 2.31”; a log pattern can be set "
                              "for other shapes)"));
      return FALSE;
    }
  return TRUE;
}

/* ---- finding the logs of a folder ---- */

static gboolean
name_may_be_log (const char *name)
{
  static const char *const suffixes[] = { ".log", ".txt", ".out", ".err", ".stdout", ".stderr", NULL };
  static const char *const names[] = { "stdout", "stderr", "output", "console", "log", NULL };
  static const char *const not_logs[] = { "requirements.txt", "license.txt", "readme.txt", "notice.txt",
                                          "cmakelists.txt", "vocab.txt", "merges.txt", "robots.txt",
                                          "dependency_links.txt", "top_level.txt", "sources.txt", NULL };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (name[0] == '.' || g_strv_contains (not_logs, lower))
    return FALSE;
  if (g_strv_contains (names, lower))
    return TRUE;
  for (guint i = 0; suffixes[i]; i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

/* The first and the last TEXT_PEEK bytes (a log's first records can come after
 * pages of start-up messages). */
static char *
peek_head_and_tail (DebriefLoadJob *job,
                    const char     *rel,
                    gsize          *length)
{
  g_autoptr(GBytes) head_bytes = NULL;
  g_autoptr(GBytes) tail_bytes = NULL;
  g_autofree char *buf = NULL;
  DebriefEntry entry;
  gsize head, tail = 0;

  if (!debrief_load_job_entry (job, rel, &entry) || entry.target != DEBRIEF_ENTRY_FILE)
    return NULL;
  head = MIN ((gsize) entry.size, TEXT_PEEK);
  if ((gsize) entry.size > 2 * TEXT_PEEK)
    tail = TEXT_PEEK;
  else if ((gsize) entry.size > TEXT_PEEK)
    head = entry.size;
  head_bytes = debrief_load_job_read_part (job, rel, 0, head, NULL);
  if (head_bytes == NULL)
    return NULL;
  head = g_bytes_get_size (head_bytes);
  buf = g_malloc (head + tail + 2);
  if (head > 0)
    memcpy (buf, g_bytes_get_data (head_bytes, NULL), head);
  buf[head] = '\n';
  if (tail > 0)
    {
      tail_bytes = debrief_load_job_read_part (job, rel, entry.size - tail, tail, NULL);
      tail = tail_bytes ? g_bytes_get_size (tail_bytes) : 0;
      if (tail > 0)
        memcpy (buf + head + 1, g_bytes_get_data (tail_bytes, NULL), tail);
    }
  *length = head + (tail > 0 ? 1 + tail : 0);
  buf[*length] = '\0';
  return g_steal_pointer (&buf);
}

GPtrArray *
debrief_reader_text_find_logs (DebriefLoadJob           *job,
                               const DebriefTextPattern *pattern)
{
  g_autoptr(GPtrArray) names = debrief_load_job_list (job, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *peek = NULL;
      gsize length = 0;

      if (!name_may_be_log (name) || !debrief_load_job_has_file (job, name))
        continue;
      peek = peek_head_and_tail (job, name, &length);
      if (peek != NULL && length > 0 && debrief_reader_text_detect (peek, length, pattern))
        g_ptr_array_add (found, g_strdup (name));
    }
  g_ptr_array_sort (found, debrief_compare_strings);
  return found;
}
