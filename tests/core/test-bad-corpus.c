/* test-bad-corpus.c: every broken run folder in tests/data/bad/ loads without a
 * crash and gives the error or the warnings listed in tests/data/bad/EXPECTED.tsv
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EXPECTED.tsv, one folder per line (# starts a comment), tab-separated:
 *   folder  kind  where  substring  train_points
 * kind:       error (debrief_run_load fails), warning (a run, one of whose
 *             warnings matches) or ok (a run without warnings).
 * where:      text the message must contain to name the file, and the line for
 *             line formats ("metrics.jsonl:3"); "-" for ok.
 * substring:  text the message must also contain; "-" for ok.
 * train_points: for a run, how many train-loss points it must have ("-": not
 *             checked), so that a bad line does not lose the good ones.
 * A folder named @NAME is made by this test in a temporary folder (the 10 MB
 * single-line inputs, too big for the repository); see make_generated().
 *
 * DEBRIEF_BAD_CORPUS_DUMP=1 prints what each folder gives instead (to write the
 * table for new folders).
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

/* Size of the generated single-line files: larger than any read buffer or
 * page, as the brief for bad inputs asks (10 MB). */
#define HUGE_LINE_BYTES (10 * 1024 * 1024)

typedef struct
{
  char *folder;
  char *kind;
  char *where;
  char *substring;
  gint64 train_points;  /* -1: not checked */
} Expectation;

static char *tmp_root;

static void
expectation_free (gpointer data)
{
  Expectation *e = data;

  g_free (e->folder);
  g_free (e->kind);
  g_free (e->where);
  g_free (e->substring);
  g_free (e);
}

static const char *
bad_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *data = g_getenv ("DEBRIEF_TEST_DATA");

      g_assert_nonnull (data);
      dir = g_build_filename (data, "bad", NULL);
    }
  return dir;
}

static void
write_huge_line (const char *path,
                 const char *head,
                 const char *middle_prefix,
                 const char *middle_unit,
                 const char *middle_suffix,
                 const char *tail)
{
  g_autoptr(GString) s = g_string_sized_new (HUGE_LINE_BYTES + 256);
  g_autoptr(GError) error = NULL;
  gsize unit = strlen (middle_unit);

  g_string_append (s, head);
  g_string_append (s, middle_prefix);
  while (s->len + unit < HUGE_LINE_BYTES)
    g_string_append_len (s, middle_unit, unit);
  g_string_append (s, middle_suffix);
  g_string_append (s, tail);
  g_file_set_contents (path, s->str, s->len, &error);
  g_assert_no_error (error);
}

/* The folders too big for the repository. */
static char *
make_generated (const char *name)
{
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autofree char *file = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  if (strcmp (name, "jsonl-10mb-line") == 0)
    {
      /* A good line, a 10 MB line with a loss and a long string, a good line. */
      file = g_build_filename (dir, "metrics.jsonl", NULL);
      write_huge_line (file, "{\"step\": 1, \"loss\": 2.5}\n",
                       "{\"step\": 2, \"loss\": 2.4, \"note\": \"", "abcdefghij", "\"}\n",
                       "{\"step\": 3, \"loss\": 2.3}\n");
    }
  else if (strcmp (name, "jsonl-10mb-garbage-line") == 0)
    {
      /* A 10 MB line without a newline-free JSON object in it. */
      file = g_build_filename (dir, "metrics.jsonl", NULL);
      write_huge_line (file, "{\"step\": 1, \"loss\": 2.5}\n", "{\"step\": 2, \"loss\": ", "9", "\n",
                       "{\"step\": 3, \"loss\": 2.3}\n");
    }
  else if (strcmp (name, "seed-10mb-line") == 0)
    {
      /* 10 MB of losses in one line: every point is kept. */
      file = g_build_filename (dir, "metrics.json", NULL);
      write_huge_line (file, "", "{\"train_losses\": [2.5", ", 2.5", "]}", "\n");
    }
  else if (strcmp (name, "csv-10mb-cell") == 0)
    {
      file = g_build_filename (dir, "metrics.csv", NULL);
      write_huge_line (file, "step,train_loss,note\n0,2.9,x\n", "1,2.7,\"", "ab", "\"\n", "2,2.5,y\n");
    }
  else
    g_error ("no generator for @%s", name);
  return g_steal_pointer (&dir);
}

static DebriefRun *
load (const char  *folder,
      GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  if (folder[0] == '@')
    path = make_generated (folder + 1);
  else
    path = g_build_filename (bad_dir (), folder, NULL);
  file = g_file_new_for_path (path);
  return debrief_run_load (file, NULL, error);
}

static gint64
train_points (DebriefRun *run)
{
  DebriefSeries *train = debrief_run_get_train_loss (run);

  return train ? (gint64) debrief_series_get_length (train) : 0;
}

static void
assert_utf8 (const char *folder,
             const char *what,
             const char *text)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    g_error ("%s: %s is not valid UTF-8", folder, what);
}

/* What a run shows the user is text it can display: valid UTF-8. */
static void
check_run_text (const char *folder,
                DebriefRun *run)
{
  DebriefRunConfig *config = debrief_run_get_config (run);
  GPtrArray *series = debrief_run_get_series (run);

  for (const char *const *w = debrief_run_get_warnings (run); *w; w++)
    assert_utf8 (folder, "a warning", *w);
  for (guint i = 0; i < series->len; i++)
    assert_utf8 (folder, "a series name", debrief_series_get_name (g_ptr_array_index (series, i)));
  assert_utf8 (folder, "base_model", config->base_model);
  assert_utf8 (folder, "lr_schedule", config->lr_schedule);
  for (guint i = 0; config->target_modules && config->target_modules[i]; i++)
    assert_utf8 (folder, "a target module", config->target_modules[i]);
  for (guint i = 0; i < debrief_run_get_n_checkpoints (run); i++)
    {
      const DebriefCheckpoint *c = debrief_run_get_checkpoint (run, i);
      assert_utf8 (folder, "a checkpoint name", c->name);
    }
}

static gboolean
message_matches (const char        *message,
                 const Expectation *e)
{
  return strstr (message, e->where) != NULL && strstr (message, e->substring) != NULL;
}

static void
test_folder (gconstpointer data)
{
  const Expectation *e = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DebriefRun) run = load (e->folder, &error);

  if (strcmp (e->kind, "error") == 0)
    {
      g_assert_null (run);
      g_assert_nonnull (error);
      g_assert_true (error->domain == DEBRIEF_ERROR);
      if (!message_matches (error->message, e))
        g_error ("%s: error \"%s\" lacks \"%s\" or \"%s\"", e->folder, error->message, e->where, e->substring);
      return;
    }

  if (run == NULL)
    g_error ("%s: expected a run, got the error \"%s\"", e->folder, error->message);
  check_run_text (e->folder, run);
  if (strcmp (e->kind, "warning") == 0)
    {
      const char *const *warnings = debrief_run_get_warnings (run);
      gboolean found = FALSE;

      for (guint i = 0; warnings[i] != NULL && !found; i++)
        found = message_matches (warnings[i], e);
      if (!found)
        {
          g_autofree char *all = g_strjoinv (" | ", (char **) warnings);
          g_error ("%s: no warning with \"%s\" and \"%s\" among: %s", e->folder, e->where, e->substring, all);
        }
    }
  else
    {
      const char *const *warnings = debrief_run_get_warnings (run);

      g_assert_cmpstr (e->kind, ==, "ok");
      if (warnings[0] != NULL)
        g_error ("%s: expected no warning, got \"%s\"", e->folder, warnings[0]);
    }
  if (e->train_points >= 0)
    g_assert_cmpint (train_points (run), ==, e->train_points);
}

/* Every folder in tests/data/bad/ is in the table, and vice versa. */
static void
test_all_listed (gconstpointer data)
{
  GHashTable *listed = (GHashTable *) data;
  g_autoptr(GDir) dir = g_dir_open (bad_dir (), 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (bad_dir (), name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (!g_hash_table_contains (listed, name))
        g_error ("tests/data/bad/%s is not in EXPECTED.tsv", name);
      n++;
    }
  g_assert_cmpuint (n + 4, ==, g_hash_table_size (listed));  /* + the @generated ones */
}

static void
dump (void)
{
  g_autoptr(GDir) dir = g_dir_open (bad_dir (), 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (bad_dir (), name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, g_strdup ("@jsonl-10mb-line"));
  g_ptr_array_add (names, g_strdup ("@jsonl-10mb-garbage-line"));
  g_ptr_array_add (names, g_strdup ("@seed-10mb-line"));
  g_ptr_array_add (names, g_strdup ("@csv-10mb-cell"));
  for (guint i = 0; i < names->len; i++)
    {
      const char *folder = g_ptr_array_index (names, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(DebriefRun) run = load (folder, &error);

      if (run == NULL)
        {
          assert_utf8 (folder, "the error", error->message);
          g_print ("%s\terror\t%s\n", folder, error->message);
          continue;
        }
      check_run_text (folder, run);
      g_print ("%s\trun\ttrain=%" G_GINT64_FORMAT " format=%s\n", folder, train_points (run),
               debrief_run_get_format (run));
      for (const char *const *w = debrief_run_get_warnings (run); *w; w++)
        g_print ("%s\twarning\t%s\n", folder, *w);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) expectations = g_ptr_array_new_with_free_func (expectation_free);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *table_path = NULL;
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("debrief-bad-XXXXXX", &error);
  g_assert_no_error (error);

  if (g_getenv ("DEBRIEF_BAD_CORPUS_DUMP") != NULL)
    {
      dump ();
      return 0;
    }

  table_path = g_build_filename (bad_dir (), "EXPECTED.tsv", NULL);
  g_file_get_contents (table_path, &table, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = NULL;
      Expectation *e;
      g_autofree char *test_path = NULL;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      cells = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (cells) != 5)
        g_error ("EXPECTED.tsv:%u: expected 5 tab-separated cells", i + 1);
      e = g_new0 (Expectation, 1);
      e->folder = g_strdup (cells[0]);
      e->kind = g_strdup (cells[1]);
      e->where = g_strdup (strcmp (cells[2], "-") == 0 ? "" : cells[2]);
      e->substring = g_strdup (strcmp (cells[3], "-") == 0 ? "" : cells[3]);
      e->train_points = strcmp (cells[4], "-") == 0 ? -1 : g_ascii_strtoll (cells[4], NULL, 10);
      if (strcmp (e->kind, "error") != 0 && strcmp (e->kind, "warning") != 0 && strcmp (e->kind, "ok") != 0)
        g_error ("EXPECTED.tsv:%u: kind must be error, warning or ok", i + 1);
      if (strcmp (e->kind, "ok") != 0 && (e->where[0] == '\0' || e->substring[0] == '\0'))
        g_error ("EXPECTED.tsv:%u: an error or a warning names its file and says what", i + 1);
      g_ptr_array_add (expectations, e);
      g_hash_table_add (listed, e->folder[0] == '@' ? e->folder : e->folder);
      test_path = g_strdup_printf ("/bad-corpus/%s", e->folder[0] == '@' ? e->folder + 1 : e->folder);
      g_test_add_data_func (test_path, e, test_folder);
    }
  /* The brief for bad inputs: at least 50 broken runs. */
  g_assert_cmpuint (expectations->len, >=, 50);
  g_test_add_data_func ("/bad-corpus/all-listed", listed, test_all_listed);

  status = g_test_run ();
  debrief_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
