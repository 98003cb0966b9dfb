/* debrief-samples.c: sample records, samples.jsonl, prompt files, markdown
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "debrief-error.h"
#include "debrief-json-glib-private.h"
#include "debrief-json-private.h"
#include "debrief-samples.h"

/* samples.jsonl and prompt files are small; this stops a wrong path (a model file) early. */
#define MAX_FILE_SIZE (256 * 1024 * 1024)

static const char *const default_prompts[] = {
  "Explain quantum computing",
  "Write a Python function to sort a list",
  "What are the benefits of exercise?",
  NULL
};

const char *const *
debrief_default_prompts (void)
{
  return default_prompts;
}

const char *
debrief_sample_role_to_string (DebriefSampleRole role)
{
  return role == DEBRIEF_ROLE_BASELINE ? "baseline" : "fine-tuned";
}

gboolean
debrief_sample_role_from_string (const char        *s,
                                 DebriefSampleRole *role)
{
  if (g_strcmp0 (s, "fine-tuned") == 0)
    *role = DEBRIEF_ROLE_FINE_TUNED;
  else if (g_strcmp0 (s, "baseline") == 0)
    *role = DEBRIEF_ROLE_BASELINE;
  else
    return FALSE;
  return TRUE;
}

G_DEFINE_BOXED_TYPE (DebriefSample, debrief_sample, debrief_sample_copy, debrief_sample_free)

DebriefSample *
debrief_sample_new (void)
{
  DebriefSample *s = g_new0 (DebriefSample, 1);

  s->prompt_tokens = -1;
  s->completion_tokens = -1;
  s->latency = NAN;
  s->first_token = NAN;
  s->step = -1;
  s->temperature = NAN;
  s->max_tokens = -1;
  return s;
}

DebriefSample *
debrief_sample_copy (const DebriefSample *sample)
{
  DebriefSample *s = g_memdup2 (sample, sizeof *sample);

  s->prompt = g_strdup (sample->prompt);
  s->model = g_strdup (sample->model);
  s->text = g_strdup (sample->text);
  s->finish_reason = g_strdup (sample->finish_reason);
  s->time = g_strdup (sample->time);
  s->checkpoint = g_strdup (sample->checkpoint);
  return s;
}

void
debrief_sample_free (DebriefSample *sample)
{
  if (sample == NULL)
    return;
  g_free (sample->prompt);
  g_free (sample->model);
  g_free (sample->text);
  g_free (sample->finish_reason);
  g_free (sample->time);
  g_free (sample->checkpoint);
  g_free (sample);
}

char *
debrief_sample_to_json_line (const DebriefSample *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt");
  json_builder_add_string_value (b, s->prompt != NULL ? s->prompt : "");
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, s->model != NULL ? s->model : "");
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, debrief_sample_role_to_string (s->role));
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, s->text != NULL ? s->text : "");
  json_builder_set_member_name (b, "finish_reason");
  if (s->finish_reason != NULL)
    json_builder_add_string_value (b, s->finish_reason);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  if (s->prompt_tokens >= 0)
    json_builder_add_int_value (b, s->prompt_tokens);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "completion_tokens");
  if (s->completion_tokens >= 0)
    json_builder_add_int_value (b, s->completion_tokens);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "latency");
  if (!isnan (s->latency))
    json_builder_add_double_value (b, round (s->latency * 1000) / 1000);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "first_token");
  if (!isnan (s->first_token))
    json_builder_add_double_value (b, round (s->first_token * 1000) / 1000);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, s->time != NULL ? s->time : "");
  json_builder_set_member_name (b, "checkpoint");
  if (s->checkpoint != NULL)
    json_builder_add_string_value (b, s->checkpoint);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "step");
  if (s->step >= 0)
    json_builder_add_int_value (b, s->step);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "sample_index");
  json_builder_add_int_value (b, s->sample_index);
  json_builder_set_member_name (b, "temperature");
  if (!isnan (s->temperature))
    json_builder_add_double_value (b, s->temperature);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "max_tokens");
  if (s->max_tokens >= 0)
    json_builder_add_int_value (b, s->max_tokens);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  return g_strconcat (json, "\n", NULL);
}

gboolean
debrief_jsonl_append_line (const char  *path,
                           const char  *line,
                           GError     **error)
{
  gsize len = strlen (line);
  gssize written;
  int fd;
  int saved;

  g_return_val_if_fail (len > 0 && line[len - 1] == '\n', FALSE);

  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s: cannot open for appending: %s"), path, g_strerror (saved));
      return FALSE;
    }
  /* One write: with O_APPEND the kernel places the whole line at the end at once. */
  do
    written = write (fd, line, len);
  while (written < 0 && errno == EINTR);
  saved = errno;
  if (written != (gssize) len)
    {
      /* A short write (disk full): cut the partial line away so the file stays valid JSONL. */
      if (written > 0)
        {
          struct stat st;

          if (fstat (fd, &st) == 0 && st.st_size >= written)
            {
              if (ftruncate (fd, st.st_size - written) != 0)
                g_warning ("%s: could not remove a partial line", path);
            }
        }
      close (fd);
      g_set_error (error, G_IO_ERROR, written < 0 ? g_io_error_from_errno (saved) : G_IO_ERROR_NO_SPACE,
                   _("%s: cannot append a line: %s"), path,
                   written < 0 ? g_strerror (saved) : _("short write"));
      return FALSE;
    }
  if (close (fd) != 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
debrief_samples_append (const char          *path,
                        const DebriefSample *sample,
                        GError             **error)
{
  g_autofree char *line = debrief_sample_to_json_line (sample);

  return debrief_jsonl_append_line (path, line, error);
}

static gboolean
read_small_file (const char  *path,
                 char       **contents,
                 gsize       *len,
                 GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > MAX_FILE_SIZE)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE,
                   _("%s: larger than %d MB"), path, MAX_FILE_SIZE / (1024 * 1024));
      return FALSE;
    }
  return g_file_get_contents (path, contents, len, error);
}

GPtrArray *
debrief_samples_load (const char  *path,
                      guint       *n_skipped,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);
  g_autoptr(GError) local = NULL;
  gsize len;
  guint skipped = 0;
  char *line;
  char *next;

  if (!read_small_file (path, &contents, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          if (n_skipped != NULL)
            *n_skipped = 0;
          return g_steal_pointer (&samples);
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(DebriefSample) s = NULL;
      JsonNode *root;
      JsonObject *obj;
      JsonObject *usage;
      const char *role;
      double v;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      g_strstrip (line);
      if (line[0] == '\0')
        continue;
      if (!debrief_json_glib_safe (line, -1) ||
          !json_parser_load_from_data (parser, line, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          skipped++;
          continue;
        }
      obj = json_node_get_object (root);
      s = debrief_sample_new ();
      role = debrief_json_string (obj, "role");
      if (debrief_json_string (obj, "prompt") == NULL || debrief_json_string (obj, "text") == NULL ||
          !debrief_sample_role_from_string (role, &s->role))
        {
          skipped++;
          continue;
        }
      s->prompt = g_strdup (debrief_json_string (obj, "prompt"));
      s->text = g_strdup (debrief_json_string (obj, "text"));
      s->model = g_strdup (debrief_json_string (obj, "model"));
      s->finish_reason = g_strdup (debrief_json_string (obj, "finish_reason"));
      s->time = g_strdup (debrief_json_string (obj, "time"));
      usage = json_object_has_member (obj, "usage") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "usage"))
              ? json_object_get_object_member (obj, "usage") : NULL;
      v = debrief_json_number (usage, "prompt_tokens");
      s->prompt_tokens = isnan (v) ? -1 : (gint64) v;
      v = debrief_json_number (usage, "completion_tokens");
      s->completion_tokens = isnan (v) ? -1 : (gint64) v;
      s->latency = debrief_json_number (obj, "latency");
      s->first_token = debrief_json_number (obj, "first_token");
      s->checkpoint = g_strdup (debrief_json_string (obj, "checkpoint"));
      v = debrief_json_number (obj, "step");
      s->step = isfinite (v) && v >= 0 && v < 1e18 ? (gint64) v : -1;
      v = debrief_json_number (obj, "sample_index");
      s->sample_index = isfinite (v) && v >= 0 && v < G_MAXUINT ? (guint) v : 0;
      s->temperature = debrief_json_number (obj, "temperature");
      v = debrief_json_number (obj, "max_tokens");
      s->max_tokens = isfinite (v) && v >= 0 && v < 1e18 ? (gint64) v : -1;
      g_ptr_array_add (samples, g_steal_pointer (&s));
    }
  if (n_skipped != NULL)
    *n_skipped = skipped;
  return g_steal_pointer (&samples);
}

const char *
debrief_sample_get_label (const DebriefSample *s)
{
  if (s->role == DEBRIEF_ROLE_BASELINE)
    return "baseline";
  if (s->checkpoint != NULL && s->checkpoint[0] != '\0')
    return s->checkpoint;
  return s->model != NULL ? s->model : "";
}

GPtrArray *
debrief_samples_latest (GPtrArray *samples)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *latest = g_ptr_array_new_with_free_func ((GDestroyNotify) debrief_sample_free);

  for (guint i = 0; i < samples->len; i++)
    {
      const DebriefSample *s = g_ptr_array_index (samples, i);
      g_autofree char *key = g_strdup_printf ("%d\x1f%s\x1f%u\x1f%s", s->role, debrief_sample_get_label (s),
                                              s->sample_index, s->prompt);
      gpointer slot;

      if (g_hash_table_lookup_extended (index, key, NULL, &slot))
        {
          guint at = GPOINTER_TO_UINT (slot);

          debrief_sample_free (g_ptr_array_index (latest, at));
          g_ptr_array_index (latest, at) = debrief_sample_copy (s);
        }
      else
        {
          g_hash_table_insert (index, g_steal_pointer (&key), GUINT_TO_POINTER (latest->len));
          g_ptr_array_add (latest, debrief_sample_copy (s));
        }
    }
  return latest;
}

GStrv
debrief_prompts_load (const char  *path,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize len;
  guint lineno = 0;
  guint n = 0;
  char *line;
  char *next;

  if (!read_small_file (path, &contents, &len, error))
    return NULL;
  if (!g_utf8_validate (contents, len, NULL))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: not UTF-8 text"), path);
      return NULL;
    }
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      lineno++;
      g_strstrip (line);
      if (line[0] == '\0' || line[0] == '#')
        continue;
      if (line[0] == '{')
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          g_autoptr(GError) local = NULL;
          JsonNode *root;
          const char *prompt;

          if (!debrief_json_nesting_ok (line, -1, DEBRIEF_JSON_MAX_DEPTH))
            {
              g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s:%u: nesting deeper than %d levels"),
                           path, lineno, DEBRIEF_JSON_MAX_DEPTH);
              return NULL;
            }
          if (!debrief_json_glib_safe (line, -1))
            {
              g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s:%u: more than one JSON value on the line"),
                           path, lineno);
              return NULL;
            }
          if (!json_parser_load_from_data (parser, line, -1, &local))
            {
              g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, "%s:%u: %s", path, lineno, local->message);
              return NULL;
            }
          root = json_parser_get_root (parser);
          prompt = JSON_NODE_HOLDS_OBJECT (root) ? debrief_json_string (json_node_get_object (root), "prompt") : NULL;
          if (prompt == NULL || prompt[0] == '\0')
            {
              g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE,
                           _("%s:%u: a JSON line needs a non-empty \"prompt\" string"), path, lineno);
              return NULL;
            }
          g_strv_builder_add (builder, prompt);
        }
      else
        g_strv_builder_add (builder, line);
      n++;
    }
  if (n == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA, _("%s: no prompts in the file"), path);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* @text's first @max characters, as a markdown block quote. */
static void
append_quote (GString    *out,
              const char *text,
              guint       max)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  glong n = g_utf8_strlen (valid, -1);
  const char *end = n > max ? g_utf8_offset_to_pointer (valid, max) : valid + strlen (valid);
  g_autofree char *head = g_strndup (valid, end - valid);
  g_auto(GStrv) lines = NULL;

  g_strchomp (head);
  if (head[0] == '\0')
    {
      g_string_append (out, "> *(empty)*\n");
      return;
    }
  lines = g_strsplit (head, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (out, lines[i][0] != '\0' ? "> %s\n" : ">\n", lines[i]);
  if (n > max)
    g_string_append_printf (out, "> …\n>\n> *(first %u of %ld characters)*\n", max, n);
}

static int
compare_answers (gconstpointer pa,
                 gconstpointer pb)
{
  const DebriefSample *a = *(DebriefSample *const *) pa;
  const DebriefSample *b = *(DebriefSample *const *) pb;
  int c;

  if (a->role != b->role)
    return a->role == DEBRIEF_ROLE_FINE_TUNED ? -1 : 1;
  if (a->step != b->step)
    return a->step < 0 ? 1 : b->step < 0 ? -1 : a->step < b->step ? -1 : 1;
  c = strcmp (debrief_sample_get_label (a), debrief_sample_get_label (b));
  if (c != 0)
    return c;
  return a->sample_index < b->sample_index ? -1 : a->sample_index > b->sample_index;
}

char *
debrief_samples_to_markdown (GPtrArray *samples)
{
  g_autoptr(GPtrArray) latest = debrief_samples_latest (samples);
  g_autoptr(GPtrArray) prompts = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < latest->len; i++)
    {
      DebriefSample *s = g_ptr_array_index (latest, i);

      if (g_hash_table_add (seen, s->prompt))
        g_ptr_array_add (prompts, s->prompt);
    }
  if (prompts->len == 0)
    {
      g_string_append (out, "_No samples yet._\n");
      return g_string_free (out, FALSE);
    }
  for (guint p = 0; p < prompts->len; p++)
    {
      const char *prompt = g_ptr_array_index (prompts, p);
      g_autofree char *one_line = g_strdelimit (g_strdup (prompt), "\r\n", ' ');

      g_autoptr(GPtrArray) answers = g_ptr_array_new ();

      g_string_append_printf (out, "### “%s”\n\n", one_line);
      for (guint i = 0; i < latest->len; i++)
        if (strcmp (((DebriefSample *) g_ptr_array_index (latest, i))->prompt, prompt) == 0)
          g_ptr_array_add (answers, g_ptr_array_index (latest, i));
      /* Answers finish in any order: show checkpoints by step, the baseline last. */
      g_ptr_array_sort (answers, compare_answers);
      for (guint i = 0; i < answers->len; i++)
          {
            DebriefSample *s = g_ptr_array_index (answers, i);
            int role = s->role;
            char latency[32] = "";

            if (!isnan (s->latency))
              g_ascii_formatd (latency, sizeof latency, "%.1f", s->latency);
            g_string_append_printf (out, "**%s", role == DEBRIEF_ROLE_FINE_TUNED ? "Fine-tuned" : "Baseline");
            /* Which checkpoint said it, when several are compared. */
            if (role == DEBRIEF_ROLE_FINE_TUNED && s->checkpoint != NULL && s->checkpoint[0] != '\0')
              g_string_append_printf (out, " · %s", s->checkpoint);
            if (s->sample_index > 0)
              g_string_append_printf (out, " · sample %u", s->sample_index + 1);
            g_string_append_printf (out, "** (`%s`", s->model != NULL && s->model[0] != '\0' ? s->model : "?");
            if (s->completion_tokens >= 0)
              g_string_append_printf (out, ", %" G_GINT64_FORMAT " tokens", s->completion_tokens);
            if (latency[0] != '\0')
              g_string_append_printf (out, ", %s s", latency);
            if (s->finish_reason != NULL && strcmp (s->finish_reason, "stop") != 0)
              g_string_append_printf (out, ", stopped: %s", s->finish_reason);
            g_string_append (out, "):\n\n");
            append_quote (out, s->text, DEBRIEF_SAMPLES_REPORT_CHARS);
            g_string_append_c (out, '\n');
          }
    }
  return g_string_free (out, FALSE);
}
