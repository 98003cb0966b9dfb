/* test-document.c: DebriefDocument saves atomically, keeps a backup, notices
 * outside changes and keeps crash drafts.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "debrief-core.h"
#include "debrief-test-core-utils.h"

typedef struct
{
  char *dir;
  char *path;
  GFile *file;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("debrief-document-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "analysis.md", NULL);
  fx->file = g_file_new_for_path (fx->path);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  debrief_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_free (fx->path);
  g_clear_object (&fx->file);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
run_until_done (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static char *
load (DebriefDocument  *doc,
      GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  debrief_document_load_async (doc, NULL, store_result, &result);
  return debrief_document_load_finish (doc, run_until_done (&result), error);
}

static gboolean
save (DebriefDocument           *doc,
      const char                *text,
      DebriefDocumentSaveFlags   flags,
      GError                   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  debrief_document_save_async (doc, text, flags, NULL, store_result, &result);
  return debrief_document_save_finish (doc, run_until_done (&result), error);
}

static gboolean
check (DebriefDocument *doc)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean changed;

  debrief_document_check_async (doc, NULL, store_result, &result);
  changed = debrief_document_check_finish (doc, run_until_done (&result), &error);
  g_assert_no_error (error);
  return changed;
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* Nothing but the file, its backup and what the test put there: a failed
 * save must not leave temporary files behind. */
static guint
count_entries (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_load_save_backup (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *backup_path = g_strconcat (fx->path, "~", NULL);
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  const char *etag_before;

  /* Missing: NOT_FOUND, and saving creates it (no backup of nothing). */
  text = load (doc, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (text);
  g_assert_null (debrief_document_get_etag (doc));
  g_clear_error (&error);
  g_assert_true (save (doc, "# First\n", 0, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (backup_path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (debrief_document_get_etag (doc));

  write_text (fx->path, "# Report\n\nOld words.\n");
  text = load (doc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "# Report\n\nOld words.\n");
  etag_before = debrief_document_get_etag (doc);
  g_assert_nonnull (etag_before);
  g_assert_true (g_str_has_prefix (etag_before, "sha256:"));

  g_assert_true (save (doc, "# Report\n\nNew words.\n", 0, &error));
  g_assert_no_error (error);
  after = read_text (fx->path);
  backup = read_text (backup_path);
  g_assert_cmpstr (after, ==, "# Report\n\nNew words.\n");
  g_assert_cmpstr (backup, ==, "# Report\n\nOld words.\n");
  g_assert_cmpuint (count_entries (fx->dir), ==, 2);
  /* Our own save is not an outside change. */
  g_assert_false (check (doc));
  g_assert_false (debrief_document_get_changed_on_disk (doc));
}

static void
test_load_not_utf8 (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_file_set_contents (fx->path, "line one\nline two\nbad \xff byte\n", -1, NULL));
  text = load (doc, &error);
  g_assert_null (text);
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "analysis.md:3:"));
}

static void
test_conflict_on_save (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *backup_path = g_strconcat (fx->path, "~", NULL);

  write_text (fx->path, "mine as loaded\n");
  text = load (doc, &error);
  g_assert_no_error (error);

  /* Another program writes the same size right away: an mtime of the
   * same clock tick must still count as a change. */
  write_text (fx->path, "theirs changed!\n");
  g_assert_false (save (doc, "my edit\n", 0, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "analysis.md"));
  g_clear_error (&error);
  g_clear_pointer (&after, g_free);
  after = read_text (fx->path);
  g_assert_cmpstr (after, ==, "theirs changed!\n");

  /* "Keep mine": the next save replaces theirs, which goes to the backup. */
  g_assert_true (check (doc));
  g_assert_true (debrief_document_get_changed_on_disk (doc));
  debrief_document_keep_mine (doc);
  g_assert_false (debrief_document_get_changed_on_disk (doc));
  g_assert_true (save (doc, "my edit\n", 0, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = read_text (fx->path);
  backup = read_text (backup_path);
  g_assert_cmpstr (after, ==, "my edit\n");
  g_assert_cmpstr (backup, ==, "theirs changed!\n");

  /* Deleted under us: a conflict too, unless overwriting is asked for. */
  g_assert_cmpint (g_unlink (fx->path), ==, 0);
  g_assert_false (save (doc, "again\n", 0, &error));
  g_assert_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (save (doc, "again\n", DEBRIEF_DOCUMENT_SAVE_OVERWRITE, &error));
  g_assert_no_error (error);
}

static void
on_changed_on_disk (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  gboolean *seen = user_data;

  if (debrief_document_get_changed_on_disk (DEBRIEF_DOCUMENT (object)))
    *seen = TRUE;
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static void
test_monitor_sees_outside_write (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean seen = FALSE;

  write_text (fx->path, "# Report\n");
  text = load (doc, &error);
  g_assert_no_error (error);
  g_signal_connect (doc, "notify::changed-on-disk", G_CALLBACK (on_changed_on_disk), &seen);

  /* Our own save, then a while of main loop: no alarm. */
  g_assert_true (save (doc, "# Report\n\nedited here\n", 0, &error));
  g_assert_no_error (error);
  debrief_test_iterate_for (600);
  g_assert_false (seen);

  /* Someone else's write: noticed without anyone asking. */
  write_text (fx->path, "# Report\n\nedited elsewhere\n");
  debrief_test_wait_until (is_true, &seen);
}

/* The backup cannot be made (NAME~ is a non-empty folder — root can unlink
 * nearly anything, but not that): the save fails and the file is as it was. */
static void
test_failed_backup_keeps_file (Fixture       *fx,
                               gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup_dir = g_strconcat (fx->path, "~", NULL);
  g_autofree char *inside = g_build_filename (backup_dir, "keep", NULL);

  write_text (fx->path, "precious\n");
  text = load (doc, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (backup_dir, 0755), ==, 0);
  write_text (inside, "x");

  g_assert_false (save (doc, "replacement\n", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANT_CREATE_BACKUP);
  g_assert_nonnull (strstr (error->message, "analysis.md"));
  after = read_text (fx->path);
  g_assert_cmpstr (after, ==, "precious\n");
  g_assert_cmpuint (count_entries (fx->dir), ==, 2);
  g_assert_cmpstr (debrief_document_get_etag (doc), !=, NULL);
}

/* A write that really fails half-way, even for root: RLIMIT_FSIZE caps the
 * size of any file this process writes (EFBIG past it). */
static void
test_failed_write_keeps_file (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  g_autofree char *big = NULL;
  struct rlimit saved, limited;
  void (*old_handler) (int);
  gboolean ok;

  write_text (fx->path, "precious\n");
  text = load (doc, &error);
  g_assert_no_error (error);

  big = g_strnfill (256 * 1024, 'w');
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 64 * 1024;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  ok = save (doc, big, 0, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "left unchanged"));
  after = read_text (fx->path);
  g_assert_cmpstr (after, ==, "precious\n");
  /* No temporary file and no backup left behind. */
  g_assert_cmpuint (count_entries (fx->dir), ==, 1);
}

/* The folder is gone and a file stands in its place. */
static void
test_parent_is_a_file (Fixture       *fx,
                       gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (fx->dir, "run", NULL);
  g_autofree char *path = g_build_filename (blocker, "analysis.md", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(DebriefDocument) doc = debrief_document_new (file);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  write_text (blocker, "not a folder\n");
  g_assert_false (save (doc, "text\n", DEBRIEF_DOCUMENT_SAVE_OVERWRITE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  after = read_text (blocker);
  g_assert_cmpstr (after, ==, "not a folder\n");
}

static void
test_drafts (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(DebriefDocument) doc = debrief_document_new (fx->file);
  g_autoptr(DebriefDocument) reopened = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *draft_path = NULL;
  g_autofree char *state = NULL;
  GFile *draft_file;

  draft_file = debrief_document_get_draft_file (doc);
  draft_path = g_file_get_path (draft_file);
  state = g_build_filename (g_get_user_state_dir (), "debrief", "drafts", NULL);
  g_assert_true (g_str_has_prefix (draft_path, state));

  debrief_document_save_draft_async (doc, "unsaved words\n", NULL, store_result, &result);
  g_assert_true (debrief_document_save_draft_finish (doc, run_until_done (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* "After a crash": a new document for the same file finds it. */
  reopened = debrief_document_new (fx->file);
  debrief_document_load_draft_async (reopened, NULL, store_result, &result);
  draft = debrief_document_load_draft_finish (reopened, run_until_done (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft, ==, "unsaved words\n");
  g_clear_object (&result);

  /* Saving removes it. */
  g_assert_true (save (reopened, "unsaved words\n", DEBRIEF_DOCUMENT_SAVE_OVERWRITE, &error));
  g_assert_false (g_file_query_exists (draft_file, NULL));
  g_clear_pointer (&draft, g_free);
  debrief_document_load_draft_async (reopened, NULL, store_result, &result);
  draft = debrief_document_load_draft_finish (reopened, run_until_done (&result), &error);
  g_assert_no_error (error);
  g_assert_null (draft);
  g_clear_object (&result);

  /* Discard removes it too. */
  debrief_document_save_draft_async (doc, "more\n", NULL, store_result, &result);
  g_assert_true (debrief_document_save_draft_finish (doc, run_until_done (&result), &error));
  g_assert_true (g_file_query_exists (draft_file, NULL));
  g_clear_object (&result);
  debrief_document_discard_draft_async (doc, NULL, store_result, &result);
  g_assert_true (debrief_document_discard_draft_finish (doc, run_until_done (&result), &error));
  g_assert_false (g_file_query_exists (draft_file, NULL));
  g_clear_object (&result);

  /* The last request wins whatever order the worker threads run in: a draft
   * asked for before a discard is not written after it, a discard asked for
   * before a draft does not remove it, an older draft does not overwrite a
   * newer one. The requests go out together, many times, so that the
   * threads meet in different orders. */
  for (guint round = 0; round < 25; round++)
    {
      g_autoptr(GAsyncResult) r1 = NULL;
      g_autoptr(GAsyncResult) r2 = NULL;
      g_autoptr(GAsyncResult) r3 = NULL;
      g_autoptr(GAsyncResult) r4 = NULL;
      g_autofree char *contents = NULL;

      debrief_document_save_draft_async (doc, "late\n", NULL, store_result, &r1);
      debrief_document_discard_draft_async (doc, NULL, store_result, &r2);
      g_assert_true (debrief_document_save_draft_finish (doc, run_until_done (&r1), &error));
      g_assert_true (debrief_document_discard_draft_finish (doc, run_until_done (&r2), &error));
      g_assert_no_error (error);
      g_assert_false (g_file_query_exists (draft_file, NULL));
      g_clear_object (&r1);
      g_clear_object (&r2);

      debrief_document_save_draft_async (doc, "old\n", NULL, store_result, &r1);
      debrief_document_discard_draft_async (doc, NULL, store_result, &r2);
      debrief_document_save_draft_async (doc, "older than last\n", NULL, store_result, &r3);
      debrief_document_save_draft_async (doc, "last\n", NULL, store_result, &r4);
      g_assert_true (debrief_document_save_draft_finish (doc, run_until_done (&r1), &error));
      g_assert_true (debrief_document_discard_draft_finish (doc, run_until_done (&r2), &error));
      g_assert_true (debrief_document_save_draft_finish (doc, run_until_done (&r3), &error));
      g_assert_true (debrief_document_save_draft_finish (doc, run_until_done (&r4), &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (draft_path, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "last\n");
      g_clear_object (&r1);
      debrief_document_discard_draft_async (doc, NULL, store_result, &r1);
      g_assert_true (debrief_document_discard_draft_finish (doc, run_until_done (&r1), &error));
      g_assert_false (g_file_query_exists (draft_file, NULL));
    }
}

static void
test_document_finalizes (Fixture       *fx,
                         gconstpointer  data)
{
  DebriefDocument *doc = debrief_document_new (fx->file);
  g_autoptr(GError) error = NULL;

  g_assert_true (save (doc, "bye\n", 0, &error));

  /* A GTask run in a thread drops its reference to the source object on the
   * worker thread, possibly just after the callback ran here: wait for it
   * (bounded) rather than race it, then require the document to be gone. */
  {
    gpointer weak = doc;
    gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

    g_object_add_weak_pointer (G_OBJECT (doc), &weak);
    g_object_unref (doc);
    while (weak != NULL && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_null (weak);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/document/load-save-backup", test_load_save_backup);
  ADD ("/document/load-not-utf8", test_load_not_utf8);
  ADD ("/document/conflict-on-save", test_conflict_on_save);
  ADD ("/document/monitor-sees-outside-write", test_monitor_sees_outside_write);
  ADD ("/document/failed-backup-keeps-file", test_failed_backup_keeps_file);
  ADD ("/document/failed-write-keeps-file", test_failed_write_keeps_file);
  ADD ("/document/parent-is-a-file", test_parent_is_a_file);
  ADD ("/document/drafts", test_drafts);
  ADD ("/document/finalizes", test_document_finalizes);
#undef ADD

  return g_test_run ();
}
