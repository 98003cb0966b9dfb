/* debrief-reader-seed.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-error.h"
#include "debrief-reader-seed-private.h"

/* How far into metrics.json detection looks for its keys. */
#define SEED_DETECT_WINDOW (256 * 1024)
/* Progress and cancellation every this many array elements. */
#define SEED_CHECK_EVERY 262144
/* Other arrays are read this many numbers at a time. */
#define SEED_CHUNK 4096

typedef struct
{
  char *key;
  GArray *values;   /* double; NAN with valid = FALSE for null / non-numbers */
  GArray *valid;    /* gboolean */
} NumberArray;

static void
number_array_free (NumberArray *array)
{
  g_free (array->key);
  g_array_unref (array->values);
  g_array_unref (array->valid);
  g_free (array);
}

gboolean
debrief_reader_seed_detect (const char *data,
                            gsize       length)
{
  gsize window = MIN (length, SEED_DETECT_WINDOW);
  gsize i = debrief_utf8_bom_length (data, window);

  while (i < window && g_ascii_isspace (data[i]))
    i++;
  if (i >= window || data[i] != '{')
    return FALSE;
  return g_strstr_len (data, window, "\"train_losses\"") != NULL ||
         g_strstr_len (data, window, "\"val_losses\"") != NULL;
}

static gboolean
key_is (const char *key,
        gsize       length,
        const char *literal)
{
  return strlen (literal) == length && memcmp (key, literal, length) == 0;
}

/* Reads an array of numbers; nulls and non-numbers are kept as invalid slots. */
static NumberArray *
read_number_array (DebriefReadContext *ctx,
                   DebriefJsonReader  *reader,
                   const char         *key)
{
  NumberArray *array = g_new0 (NumberArray, 1);
  DebriefJsonType status = DEBRIEF_JSON_NUMBER;

  array->key = g_strdup (key);
  array->values = g_array_new (FALSE, FALSE, sizeof (double));
  array->valid = g_array_new (FALSE, FALSE, sizeof (gboolean));
  if (!debrief_json_reader_begin_array (reader))
    return array;
  while (status != DEBRIEF_JSON_ARRAY)
    {
      guint len = array->values->len;
      gsize n;

      /* Plain numbers straight into the array, a chunk at a time. */
      g_array_set_size (array->values, len + SEED_CHUNK);
      n = debrief_json_reader_read_numbers (reader, &g_array_index (array->values, double, len),
                                            SEED_CHUNK, &status);
      g_array_set_size (array->values, len + n);
      g_array_set_size (array->valid, len + n);
      for (gsize i = 0; i < n; i++)
        g_array_index (array->valid, gboolean, len + i) = TRUE;
      if (status == DEBRIEF_JSON_INVALID)
        {
          double v = NAN;
          DebriefJsonType type = debrief_json_reader_read_number (reader, &v);
          gboolean ok = type == DEBRIEF_JSON_NUMBER;

          if (type == DEBRIEF_JSON_INVALID)
            break;
          if (!ok)
            v = NAN;
          g_array_append_val (array->values, v);
          g_array_append_val (array->valid, ok);
        }
    }
  return array;
}

static void
read_train_losses (DebriefReadContext *ctx,
                   DebriefJsonReader  *reader,
                   DebriefSeries      *train,
                   gsize               total_length,
                   guint              *n_null,
                   guint              *n_bad)
{
  DebriefSeriesWriter writer;
  DebriefJsonType status = DEBRIEF_JSON_NUMBER;
  const char *array_start;
  gboolean tried_parallel = FALSE;
  gint64 step = 0;

  if (!debrief_json_reader_begin_array (reader))
    return;
  array_start = reader->pos;
  debrief_series_writer_open (&writer, train);
  while (status != DEBRIEF_JSON_ARRAY)
    {
      if (!tried_parallel && step >= SEED_CHUNK)
        {
          /* A long array: the rest in two threads, sized from what the first
           * chunk's numbers took (address space only until written). */
          gsize per_number = MAX ((gsize) (reader->pos - array_start) / (gsize) step, 2);
          gsize room = (gsize) (reader->end - reader->pos) / per_number * 5 / 4 + 1024;
          gsize n;

          tried_parallel = TRUE;
          debrief_series_writer_reserve (&writer, room);
          n = debrief_json_reader_read_numbers_parallel (reader, writer.values + writer.length,
                                                         writer.capacity - writer.length,
                                                         debrief_read_release, ctx);
          debrief_series_writer_add_consecutive (&writer, step + 1, n);
          step += n;
          if (n > 0)
            {
              debrief_read_progress (ctx, reader->pos - reader->start, total_length);
              if (g_cancellable_is_cancelled (ctx->cancellable))
                break;
            }
        }
      /* Up to the next progress report, straight into the series, in chunks
       * small enough to be tallied while still in the cache. */
      gsize want = MIN (SEED_CHUNK, SEED_CHECK_EVERY - (gsize) (step % SEED_CHECK_EVERY));
      gsize n;

      debrief_series_writer_reserve (&writer, want);
      n = debrief_json_reader_read_numbers (reader, writer.values + writer.length, want, &status);
      /* the checklist's steps are 1..N: index i is step i + 1 */
      debrief_series_writer_add_consecutive (&writer, step + 1, n);
      step += n;
      if (status == DEBRIEF_JSON_INVALID)
        {
          double v;
          guint line = reader->line;
          DebriefJsonType type = debrief_json_reader_read_number (reader, &v);

          if (type == DEBRIEF_JSON_INVALID)
            break;
          step++;
          if (type == DEBRIEF_JSON_NUMBER)
            debrief_series_writer_append (&writer, step, v);
          else if (type == DEBRIEF_JSON_NULL)
            {
              if ((*n_null)++ == 0)
                debrief_read_warn (ctx, line, _("train loss of step %" PRId64 " is null; skipped"), step);
            }
          else if ((*n_bad)++ == 0)
            debrief_read_warn (ctx, line, _("train loss of step %" PRId64 " is not a number; skipped"),
                               step);
        }
      if ((step % SEED_CHECK_EVERY) == 0)
        {
          debrief_read_progress (ctx, reader->pos - reader->start, total_length);
          if (g_cancellable_is_cancelled (ctx->cancellable))
            break;
        }
    }
  debrief_series_writer_close (&writer);
}

/* Where the i-th of @n_val validation losses was taken, for @n_train train steps. */
static void
place_val_steps (DebriefReadContext *ctx,
                 gint64             *steps,
                 gsize               n_val,
                 gsize               n_train,
                 gint64              eval_every)
{
  if (eval_every > 0 && n_train > 0)
    {
      gsize evals_after = n_train / eval_every;
      if (n_val == evals_after + 1 || n_val == evals_after + 2)
        {
          /* An evaluation before training (step 0), every eval_every steps, and maybe at the end. */
          for (gsize j = 0; j < n_val; j++)
            steps[j] = MIN ((gint64) (j * eval_every), (gint64) n_train);
          return;
        }
      if (n_val == evals_after)
        {
          for (gsize j = 0; j < n_val; j++)
            steps[j] = (gint64) ((j + 1) * eval_every);
          return;
        }
    }
  for (gsize j = 0; j < n_val; j++)
    {
      steps[j] = n_train > 0 ? (gint64) llround ((double) (j + 1) * (double) n_train / (double) n_val)
                             : (gint64) j;
      /* More evaluations than steps: keep them apart rather than merge them. */
      if (j > 0 && steps[j] <= steps[j - 1])
        steps[j] = steps[j - 1] + 1;
    }
}

static const char *
series_name_for_array (const char        *key,
                       DebriefSeriesKind *kind)
{
  static const struct { const char *key; const char *name; DebriefSeriesKind kind; } names[] = {
    { "learning_rates", "learning_rate", DEBRIEF_SERIES_LEARNING_RATE },
    { "lrs", "learning_rate", DEBRIEF_SERIES_LEARNING_RATE },
    { "grad_norms", "grad_norm", DEBRIEF_SERIES_GRAD_NORM },
    { "epochs", "epoch", DEBRIEF_SERIES_EPOCH },
    { "tokens_per_step", "tokens", DEBRIEF_SERIES_TOKENS },
    { "num_tokens", "tokens", DEBRIEF_SERIES_TOKENS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (key, names[i].key) == 0)
      {
        *kind = names[i].kind;
        return names[i].name;
      }
  *kind = DEBRIEF_SERIES_OTHER;
  return key;
}

static void
add_series (DebriefReadContext *ctx,
            DebriefSeries      *series)
{
  gboolean backwards = FALSE;
  guint dropped = debrief_series_finish (series, &backwards);

  if (dropped > 0 || backwards)
    debrief_read_warn (ctx, 0, _("“%s”: steps out of order or repeated; the last value for each step is kept"),
                       debrief_series_get_source_key (series));
  debrief_run_add_series (ctx->run, series);
}

gboolean
debrief_reader_seed_parse (DebriefReadContext *ctx,
                           const char         *data,
                           gsize               length,
                           GError            **error)
{
  DebriefJsonReader reader;
  g_autoptr(DebriefSeries) train = debrief_series_new ("train_loss", DEBRIEF_SERIES_TRAIN_LOSS);
  g_autoptr(GPtrArray) arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) number_array_free);
  g_autoptr(DebriefJsonNode) config = NULL;
  NumberArray *val = NULL;
  NumberArray *val_steps = NULL;
  gboolean have_train = FALSE;
  gboolean truncated = FALSE;
  gint64 eval_every = 0;
  double tokens_per_step = NAN;
  gsize n_train_steps = 0;
  guint n_null = 0;
  guint n_bad = 0;
  const char *key;
  gsize key_length;
  GError *parse_error = NULL;

  debrief_series_set_source_key (train, "train_losses");
  if (length == 0)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_PARSE, 0, _("the file is empty"));
      return FALSE;
    }

  debrief_json_reader_init (&reader, data, length, ctx->file, 1);
  if (debrief_json_reader_begin_object (&reader))
    while (debrief_json_reader_next_member (&reader, &key, &key_length))
      {
        if ((key_is (key, key_length, "train_losses") && have_train) ||
            (key_is (key, key_length, "val_losses") && val != NULL))
          {
            /* json.dump never writes a key twice; a hand-merged file might. */
            debrief_read_warn (ctx, reader.line, _("“%s” appears more than once; the first is used"),
                               key_is (key, key_length, "train_losses") ? "train_losses" : "val_losses");
            if (!debrief_json_reader_skip (&reader))
              break;
          }
        else if (key_is (key, key_length, "train_losses") && !have_train &&
                 debrief_json_reader_peek (&reader) == DEBRIEF_JSON_ARRAY)
          {
            guint before = reader.line;
            read_train_losses (ctx, &reader, train, length, &n_null, &n_bad);
            have_train = TRUE;
            if (n_null > 1)
              debrief_read_warn (ctx, before, g_dngettext (GETTEXT_PACKAGE, "%u null train loss skipped",
                                                            "%u null train losses skipped", n_null), n_null);
            if (n_bad > 1)
              debrief_read_warn (ctx, before, g_dngettext (GETTEXT_PACKAGE, "%u train loss that is not a number skipped",
                                                            "%u train losses that are not numbers skipped", n_bad),
                                 n_bad);
          }
        else if (key_is (key, key_length, "config") &&
                 debrief_json_reader_peek (&reader) == DEBRIEF_JSON_OBJECT)
          {
            g_clear_pointer (&config, debrief_json_node_free);
            config = debrief_json_reader_read_node (&reader);
          }
        else if (debrief_json_reader_peek (&reader) == DEBRIEF_JSON_ARRAY)
          {
            g_autofree char *name = g_utf8_make_valid (key, key_length);
            NumberArray *array = read_number_array (ctx, &reader, name);

            g_ptr_array_add (arrays, array);
            if (strcmp (name, "val_losses") == 0)
              val = array;
            else if (strcmp (name, "val_steps") == 0)
              val_steps = array;
          }
        else if (key_is (key, key_length, "tokens_per_step") &&
                 debrief_json_reader_peek (&reader) == DEBRIEF_JSON_NUMBER)
          debrief_json_reader_read_number (&reader, &tokens_per_step);
        else if (!debrief_json_reader_skip (&reader))
          break;
        if (g_cancellable_is_cancelled (ctx->cancellable))
          break;
      }

  if (debrief_read_check_cancelled (ctx, error))
    {
      debrief_json_reader_clear (&reader);
      return FALSE;
    }

  parse_error = debrief_json_reader_steal_error (&reader);
  if (parse_error != NULL)
    {
      /* A run still being written: keep what was complete. */
      if (reader.at_eof_error && debrief_series_get_length (train) > 0)
        {
          truncated = TRUE;
          debrief_read_warn (ctx, reader.line,
                             g_dngettext (GETTEXT_PACKAGE,
                                          "the file ends early (is the run still writing it?); "
                                          "loaded the %zu train loss before that",
                                          "the file ends early (is the run still writing it?); "
                                          "loaded the %zu train losses before that",
                                          debrief_series_get_length (train)),
                             debrief_series_get_length (train));
          g_clear_error (&parse_error);
        }
      else
        {
          g_propagate_error (error, parse_error);
          debrief_json_reader_clear (&reader);
          return FALSE;
        }
    }
  else if (!debrief_json_reader_at_end (&reader))
    debrief_read_warn (ctx, reader.line, _("unexpected text after the JSON document; ignored"));
  debrief_json_reader_clear (&reader);

  if (!have_train && val == NULL)
    {
      debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0,
                          _("expected a “train_losses” or “val_losses” array of numbers"));
      return FALSE;
    }

  if (debrief_series_get_length (train) == 0 && (val == NULL || val->values->len == 0 ||
                                                  !g_array_index (val->valid, gboolean, 0)))
    {
      gboolean any_val = FALSE;
      for (guint j = 0; val != NULL && j < val->valid->len; j++)
        any_val |= g_array_index (val->valid, gboolean, j);
      if (!any_val)
        {
          debrief_read_error (error, ctx, DEBRIEF_ERROR_NO_DATA, 0,
                              _("expected numbers in “train_losses” or “val_losses”; found none"));
          return FALSE;
        }
    }

  if (config != NULL)
    {
      g_autofree char *source = g_strdup_printf ("%s (config)", ctx->rel);
      DebriefRunConfig *run_config = debrief_run_get_config (ctx->run);

      debrief_reader_apply_config (ctx->run, config, source);
      debrief_reader_collect_params (ctx->run, config, source);
      if (run_config->dims.hidden_size > 0 && g_strcmp0 (run_config->dims_source, source) == 0)
        {
          g_free (run_config->dims_source);
          run_config->dims_source = g_strdup_printf ("%s (config.model)", ctx->rel);
        }
      debrief_json_node_get_int (config, "eval_every", &eval_every);
    }

  /* Tokens per step × steps per epoch, when the config did not say. */
  {
    DebriefRunConfig *run_config = debrief_run_get_config (ctx->run);
    gint64 steps_per_epoch = run_config->steps_per_epoch;

    if (steps_per_epoch == 0 && run_config->max_steps > 0 && isfinite (run_config->num_epochs) &&
        run_config->num_epochs >= 1 && fmod ((double) run_config->max_steps, run_config->num_epochs) == 0)
      steps_per_epoch = (gint64) ((double) run_config->max_steps / run_config->num_epochs);
    if (run_config->dataset_tokens == 0 && isfinite (tokens_per_step) && tokens_per_step >= 1 &&
        tokens_per_step < 1e12 && steps_per_epoch > 0)
      {
        run_config->dataset_tokens = (gint64) tokens_per_step * steps_per_epoch;
        g_free (run_config->dataset_tokens_source);
        run_config->dataset_tokens_source = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                          "%s: tokens_per_step × %" PRId64
                                                                          " step per epoch",
                                                                          "%s: tokens_per_step × %" PRId64
                                                                          " steps per epoch",
                                                                          (gulong) steps_per_epoch),
                                                             ctx->rel, steps_per_epoch);
      }
  }

  if (have_train)
    {
      n_train_steps = debrief_series_get_length (train) + n_null + n_bad;
      if (debrief_series_get_length (train) > 0)
        add_series (ctx, train);
    }

  if (val != NULL && val->values->len > 0)
    {
      gsize n_val = val->values->len;
      g_autofree gint64 *steps = g_new0 (gint64, n_val);
      g_autoptr(DebriefSeries) series = debrief_series_new ("val_loss", DEBRIEF_SERIES_VAL_LOSS);
      gboolean placed = FALSE;

      debrief_series_set_source_key (series, "val_losses");
      if (val_steps != NULL && val_steps->values->len == n_val)
        {
          placed = TRUE;
          for (gsize j = 0; j < n_val && placed; j++)
            placed = g_array_index (val_steps->valid, gboolean, j) &&
                     debrief_step_from_double (g_array_index (val_steps->values, double, j), &steps[j]);
          if (!placed)
            debrief_read_warn (ctx, 0, _("“val_steps” holds values that are not step numbers; "
                                         "validation losses spread evenly over the steps instead"));
        }
      else if (val_steps != NULL)
        debrief_read_warn (ctx, 0, g_dngettext (GETTEXT_PACKAGE,
                                               "“val_steps” has %u entries for %zu validation loss; "
                                               "validation losses spread evenly over the steps instead",
                                               "“val_steps” has %u entries for %zu validation losses; "
                                               "validation losses spread evenly over the steps instead",
                                               n_val),
                           val_steps->values->len, n_val);
      if (!placed)
        place_val_steps (ctx, steps, n_val, n_train_steps, eval_every);
      for (gsize j = 0; j < n_val; j++)
        if (g_array_index (val->valid, gboolean, j))
          debrief_series_append (series, steps[j], g_array_index (val->values, double, j));
      if (debrief_series_get_length (series) > 0)
        add_series (ctx, series);
    }

  for (guint i = 0; i < arrays->len; i++)
    {
      NumberArray *array = g_ptr_array_index (arrays, i);
      DebriefSeriesKind kind;
      const char *name;
      g_autoptr(DebriefSeries) series = NULL;

      if (array == val || array == val_steps || array->values->len == 0)
        continue;
      name = series_name_for_array (array->key, &kind);
      if (debrief_run_get_series_by_name (ctx->run, name) != NULL)
        continue;
      series = debrief_series_new (name, kind);
      debrief_series_set_source_key (series, array->key);
      for (guint j = 0; j < array->values->len; j++)
        if (g_array_index (array->valid, gboolean, j))
          {
            gint64 step = j + 1;
            /* Arrays as long as val_losses belong to the evaluations (val_accuracies ...). */
            if (val != NULL && val_steps != NULL && array->values->len == val->values->len &&
                array->values->len != n_train_steps && val_steps->values->len == val->values->len)
              debrief_step_from_double (g_array_index (val_steps->values, double, j), &step);
            debrief_series_append (series, step, g_array_index (array->values, double, j));
          }
      if (debrief_series_get_length (series) > 0)
        add_series (ctx, series);
    }

  (void) truncated;
  return TRUE;
}
