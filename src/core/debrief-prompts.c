/* debrief-prompts.c: prompts from evaluation data
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "debrief-error.h"
#include "debrief-json-glib-private.h"
#include "debrief-json-private.h"
#include "debrief-prompts.h"
#include "debrief-prompts-private.h"
#include "debrief-reader-csv-private.h"

/* Evaluation sets are small next to training sets; this stops a wrong file early. */
#define MAX_DATA_SIZE (512 * 1024 * 1024)
/* Config files are small; larger .json files in a run are logs. */
#define MAX_CONFIG_SIZE (1024 * 1024)
#define MAX_CSV_COLUMNS 4096
#define MAX_JSON_DEPTH 4

/* Column names that hold the prompt, most specific first. */
static const char *const prompt_columns[] = {
  "prompt", "instruction", "question", "query", "input", "problem", "messages", "conversations",
  "conversation", "text", NULL
};

/* Config keys that name an evaluation file (HF scripts, TRL, Axolotl, LLaMA-Factory, own scripts). */
static const char *const eval_keys[] = {
  "eval_file", "eval_path", "eval_data", "eval_data_path", "eval_dataset_path", "eval_data_file",
  "validation_file", "validation_path", "validation_data", "validation_data_path",
  "val_file", "val_path", "val_data", "val_data_path", "valid_file", "valid_data",
  "test_file", "test_path", "test_data", "test_data_path", "dev_file", "dev_path", NULL
};

typedef struct
{
  guint index;     /* the row's place in the file */
  char *text;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->text);
}

/* The first user turn of a chat ("messages": role/content, or ShareGPT's from/value). */
static char *
first_user_turn (JsonArray *turns)
{
  for (guint i = 0; i < json_array_get_length (turns); i++)
    {
      JsonNode *node = json_array_get_element (turns, i);
      JsonObject *turn;
      const char *who;
      JsonNode *content;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      turn = json_node_get_object (node);
      who = debrief_json_string (turn, "role");
      if (who == NULL)
        who = debrief_json_string (turn, "from");
      if (g_strcmp0 (who, "user") != 0 && g_strcmp0 (who, "human") != 0)
        continue;
      content = json_object_has_member (turn, "content") ? json_object_get_member (turn, "content")
              : json_object_has_member (turn, "value") ? json_object_get_member (turn, "value") : NULL;
      if (content != NULL && JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
        return g_strdup (json_node_get_string (content));
      /* Content as parts: [{"type": "text", "text": ...}, ...] */
      if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
        {
          GString *out = g_string_new (NULL);
          JsonArray *parts = json_node_get_array (content);

          for (guint p = 0; p < json_array_get_length (parts); p++)
            {
              JsonNode *part = json_array_get_element (parts, p);
              const char *text;

              if (!JSON_NODE_HOLDS_OBJECT (part))
                continue;
              text = debrief_json_string (json_node_get_object (part), "text");
              if (text != NULL)
                g_string_append_printf (out, "%s%s", out->len > 0 ? "\n" : "", text);
            }
          if (out->len > 0)
            return g_string_free (out, FALSE);
          g_string_free (out, TRUE);
        }
      return NULL;
    }
  return NULL;
}

static gboolean nonblank (const char *s);

/* The prompt of one JSON row in @column, or NULL. */
static char *
json_row_prompt (JsonObject *obj,
                 const char *column)
{
  JsonNode *node = json_object_has_member (obj, column) ? json_object_get_member (obj, column) : NULL;
  const char *text;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return first_user_turn (json_node_get_array (node));
  if ((text = debrief_json_string (obj, column)) == NULL || !nonblank (text))
    return NULL;
  /* Alpaca: the instruction and its input together are the prompt. */
  if (strcmp (column, "instruction") == 0)
    {
      const char *input = debrief_json_string (obj, "input");

      if (input != NULL && input[0] != '\0')
        return g_strconcat (text, "\n\n", input, NULL);
    }
  return g_strdup (text);
}

static const char *
guess_json_column (JsonObject *obj)
{
  for (guint i = 0; prompt_columns[i] != NULL; i++)
    {
      g_autofree char *prompt = json_row_prompt (obj, prompt_columns[i]);

      if (prompt != NULL && prompt[0] != '\0')
        return prompt_columns[i];
    }
  return NULL;
}

static char *
columns_of (JsonObject *obj)
{
  g_autoptr(GList) members = obj != NULL ? json_object_get_members (obj) : NULL;
  GString *out = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", (const char *) l->data);
  return g_string_free (out, FALSE);
}

static gboolean
nonblank (const char *s)
{
  for (; s != NULL && *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return TRUE;
  return FALSE;
}

static void
add_row (GArray *rows,
         guint   index,
         char   *text)
{
  Row row = { index, text };

  if (nonblank (text))
    g_array_append_val (rows, row);
  else
    g_free (text);
}

/* JSON Lines or a JSON array of objects. */
static gboolean
read_json_rows (const char  *path,
                char        *contents,
                gsize        len,
                const char  *column,
                GArray      *rows,
                char       **column_used,
                guint       *n_skipped,
                GError     **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  const char *p = contents;
  g_autofree char *chosen = g_strdup (column);
  guint skipped = 0;

  while (p < contents + len && g_ascii_isspace (*p))
    p++;
  /* One JSON array of objects; several arrays one after another are JSON Lines (of arrays). */
  if (p < contents + len && *p == '[' &&
      (debrief_json_glib_safe (contents, len) || !debrief_json_nesting_ok (contents, len, DEBRIEF_JSON_MAX_DEPTH)))
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(GError) local = NULL;
      JsonArray *array;

      if (!debrief_json_nesting_ok (contents, len, DEBRIEF_JSON_MAX_DEPTH))
        {
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: nesting deeper than %d levels"), path,
                       DEBRIEF_JSON_MAX_DEPTH);
          return FALSE;
        }
      if (!json_parser_load_from_data (parser, contents, len, &local) ||
          !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        {
          g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, "%s: %s", path,
                       local != NULL ? local->message : _("expected an array of objects"));
          return FALSE;
        }
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (objects, json_node_ref (json_array_get_element (array, i)));
    }
  else
    {
      char *line;
      char *next;

      for (line = contents; line != NULL && *line != '\0'; line = next)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();

          next = strchr (line, '\n');
          if (next != NULL)
            *next++ = '\0';
          g_strstrip (line);
          if (line[0] == '\0')
            continue;
          if (!debrief_json_glib_safe (line, -1) ||
              !json_parser_load_from_data (parser, line, -1, NULL))
            {
              skipped++;
              continue;
            }
          g_ptr_array_add (objects, json_node_ref (json_parser_get_root (parser)));
        }
    }

  for (guint i = 0; i < objects->len; i++)
    {
      JsonNode *node = g_ptr_array_index (objects, i);
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          skipped++;
          continue;
        }
      obj = json_node_get_object (node);
      if (chosen == NULL)
        chosen = g_strdup (guess_json_column (obj));
      if (chosen != NULL)
        add_row (rows, i, json_row_prompt (obj, chosen));
    }
  if (rows->len == 0)
    {
      JsonNode *first = objects->len > 0 ? g_ptr_array_index (objects, 0) : NULL;
      g_autofree char *have = columns_of (first != NULL && JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL);

      if (column != NULL)
        g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA, _("%s: no row has text in the column “%s” (its columns: %s)"),
                     path, column, have);
      else
        g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA,
                     _("%s: no column looks like a prompt (its columns: %s); name it with the prompt column option"),
                     path, have);
      return FALSE;
    }
  *column_used = g_steal_pointer (&chosen);
  *n_skipped = skipped;
  return TRUE;
}

static gboolean
read_csv_rows (const char  *path,
               const char  *contents,
               gsize        len,
               const char  *column,
               GArray      *rows,
               char       **column_used,
               guint       *n_skipped,
               GError     **error)
{
  const char *pos = contents;
  const char *end = contents + len;
  const char *record;
  gsize record_len;
  guint n_lines;
  guint n;
  int wanted = -1;
  int input_column = -1;
  guint index = 0;
  guint skipped = 0;
  g_autofree DebriefCsvField *fields = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (len >= 3 && memcmp (contents, "\xef\xbb\xbf", 3) == 0)
    pos += 3;
  if (!debrief_csv_next_record (&pos, end, &record, &record_len, &n_lines))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA, _("%s: the file is empty"), path);
      return FALSE;
    }
  n = debrief_csv_split_fields (record, record_len, NULL, 0);
  if (n > MAX_CSV_COLUMNS)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s:1: expected a CSV header line with column names"), path);
      return FALSE;
    }
  fields = g_new0 (DebriefCsvField, n + 1);
  debrief_csv_split_fields (record, record_len, fields, n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (names, g_strstrip (debrief_csv_field_text (&fields[i])));
  for (guint c = 0; wanted < 0 && (column != NULL ? c < 1 : prompt_columns[c] != NULL); c++)
    for (guint i = 0; i < n && wanted < 0; i++)
      if (g_ascii_strcasecmp (g_ptr_array_index (names, i), column != NULL ? column : prompt_columns[c]) == 0)
        wanted = i;
  if (wanted < 0)
    {
      g_autoptr(GString) have = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        g_string_append_printf (have, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (names, i));
      if (column != NULL)
        g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA, _("%s: no column “%s” (its columns: %s)"), path, column, have->str);
      else
        g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA,
                     _("%s: no column looks like a prompt (its columns: %s); name it with the prompt column option"),
                     path, have->str);
      return FALSE;
    }
  if (g_ascii_strcasecmp (g_ptr_array_index (names, wanted), "instruction") == 0)
    for (guint i = 0; i < n; i++)
      if (g_ascii_strcasecmp (g_ptr_array_index (names, i), "input") == 0)
        input_column = i;
  while (debrief_csv_next_record (&pos, end, &record, &record_len, &n_lines))
    {
      guint got = debrief_csv_split_fields (record, record_len, fields, n);
      char *text;

      if (record_len == 0 || (record_len == 1 && record[0] == '\r'))
        continue;
      if (got <= (guint) wanted)
        {
          skipped++;
          continue;
        }
      text = debrief_csv_field_text (&fields[wanted]);
      if (!nonblank (text))
        {
          g_free (text);
          continue;
        }
      if (input_column >= 0 && (guint) input_column < got && fields[input_column].length > 0)
        {
          g_autofree char *input = debrief_csv_field_text (&fields[input_column]);
          char *both = g_strconcat (text, "\n\n", input, NULL);

          g_free (text);
          text = both;
        }
      add_row (rows, index++, text);
    }
  if (rows->len == 0)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_NO_DATA, _("%s: no row has text in the column “%s”"),
                   path, (const char *) g_ptr_array_index (names, wanted));
      return FALSE;
    }
  *column_used = g_strdup (g_ptr_array_index (names, wanted));
  *n_skipped = skipped;
  return TRUE;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  guint x = ((const Row *) a)->index, y = ((const Row *) b)->index;

  return x < y ? -1 : x > y;
}

GStrv
debrief_prompts_parse (const char  *path,
                       char        *contents,
                       gsize        len,
                       gboolean     csv,
                       const char  *column,
                       guint        n,
                       guint32      seed,
                       char       **column_used,
                       guint       *n_rows,
                       guint       *n_skipped,
                       GError     **error)
{
  g_autofree char *used = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  guint skipped = 0;
  gboolean ok;

  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  if (memchr (contents, '\0', len) != NULL || !g_utf8_validate (contents, len, NULL))
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE, _("%s: not UTF-8 text"), path);
      return NULL;
    }
  if (csv)
    ok = read_csv_rows (path, contents, len, column, rows, &used, &skipped, error);
  else
    ok = read_json_rows (path, contents, len, column, rows, &used, &skipped, error);
  if (!ok)
    return NULL;

  /* A reproducible sample: reservoir sampling seeded, then back in file order. */
  if (n > 0 && n < rows->len)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

      for (guint i = n; i < rows->len; i++)
        {
          guint j = g_rand_int_range (rand, 0, (gint32) (i + 1));

          if (j < n)
            {
              Row tmp = g_array_index (rows, Row, j);

              g_array_index (rows, Row, j) = g_array_index (rows, Row, i);
              g_array_index (rows, Row, i) = tmp;
            }
        }
      g_array_set_size (rows, n);
      g_array_sort (rows, compare_rows);
    }
  if (n_rows != NULL)
    *n_rows = rows->len;
  for (guint i = 0; i < rows->len; i++)
    g_strv_builder_add (out, g_array_index (rows, Row, i).text);
  if (column_used != NULL)
    *column_used = g_steal_pointer (&used);
  if (n_skipped != NULL)
    *n_skipped = skipped;
  return g_strv_builder_end (out);
}

GStrv
debrief_prompts_from_data (const char  *path,
                           const char  *column,
                           guint        n,
                           guint32      seed,
                           char       **column_used,
                           guint       *n_rows,
                           guint       *n_skipped,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize len;

  if (g_stat (path, &st) == 0 && st.st_size > MAX_DATA_SIZE)
    {
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_TOO_LARGE, _("%s: larger than %d MB"), path,
                   MAX_DATA_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  return debrief_prompts_parse (path, contents, len, g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV"),
                                column, n, seed, column_used, n_rows, n_skipped, error);
}

/* ---- evaluation data named by the run's config ---- */

static gboolean
is_data_file (const char *value)
{
  return g_str_has_suffix (value, ".jsonl") || g_str_has_suffix (value, ".json") || g_str_has_suffix (value, ".csv");
}

static char *
resolve (const char *dir,
         const char *value)
{
  if (g_str_has_prefix (value, "~/"))
    return g_build_filename (g_get_home_dir (), value + 2, NULL);
  return g_canonicalize_filename (value, dir);
}

typedef struct
{
  const char *dir;
  const char *file;
  char *found;
  char *named_by;
  char *missing;
} Search;

static void
consider (Search     *search,
          const char *key,
          const char *value)
{
  g_autofree char *path = NULL;

  if (search->found != NULL || value == NULL || !is_data_file (value))
    return;
  path = resolve (search->dir, value);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      search->found = g_steal_pointer (&path);
      g_free (search->named_by);
      search->named_by = g_strdup_printf ("%s: %s", search->file, key);
    }
  else if (search->missing == NULL)
    {
      search->missing = g_steal_pointer (&path);
      search->named_by = g_strdup_printf ("%s: %s", search->file, key);
    }
}

static void
search_json (Search   *search,
             JsonNode *node,
             guint     depth)
{
  if (depth > MAX_JSON_DEPTH)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (obj);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (obj, l->data);

          if (g_strv_contains (eval_keys, l->data) && JSON_NODE_HOLDS_VALUE (child) &&
              json_node_get_value_type (child) == G_TYPE_STRING)
            consider (search, l->data, json_node_get_string (child));
          else
            search_json (search, child, depth + 1);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        search_json (search, json_array_get_element (array, i), depth + 1);
    }
}

/* YAML configs (Axolotl, LLaMA-Factory): "key: value" lines are enough here. */
static void
search_yaml (Search *search,
             char   *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *colon = strchr (line, ':');
      char *value;
      size_t n;

      if (line[0] == '#' || colon == NULL)
        continue;
      if (g_str_has_prefix (line, "- "))
        line += 2;
      *colon = '\0';
      value = g_strstrip (colon + 1);
      n = strlen (value);
      if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0])
        {
          value[n - 1] = '\0';
          value++;
        }
      if (g_strv_contains (eval_keys, g_strstrip (line)))
        consider (search, line, value);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
debrief_eval_data_find (const char  *dir,
                        char       **named_by,
                        char       **missing)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Search search = { dir, NULL, NULL, NULL, NULL };
  const char *name;

  if (named_by != NULL)
    *named_by = NULL;
  if (missing != NULL)
    *missing = NULL;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".yaml") || g_str_has_suffix (name, ".yml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len && search.found == NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      GStatBuf st;
      gsize len;

      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_CONFIG_SIZE ||
          !g_file_get_contents (path, &contents, &len, NULL) || !g_utf8_validate (contents, len, NULL))
        continue;
      search.file = g_ptr_array_index (names, i);
      if (g_str_has_suffix (search.file, ".json"))
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();

          if (debrief_json_glib_safe (contents, len) &&
              json_parser_load_from_data (parser, contents, len, NULL))
            search_json (&search, json_parser_get_root (parser), 0);
        }
      else
        search_yaml (&search, contents);
    }
  if (named_by != NULL)
    *named_by = g_steal_pointer (&search.named_by);
  if (missing != NULL && search.found == NULL)
    *missing = g_steal_pointer (&search.missing);
  g_free (search.named_by);
  g_free (search.missing);
  return search.found;
}
