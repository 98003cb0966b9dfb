/* fuzz-main.c: runs a fuzz target's entry point over corpus files, without
 * libFuzzer (so the corpus runs in the normal test suite, with gcc too).
 * Arguments: files or folders (walked recursively, symbolic links not
 * followed). Prints TAP, one test per file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fuzz-target.h"

/* Inputs larger than this are truncated: the corpus is about shapes, not sizes. */
#define FUZZ_MAX_INPUT (16 * 1024 * 1024)

static void
collect (const char *path,
         GPtrArray  *files)
{
  GStatBuf st;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISREG (st.st_mode))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  if (!S_ISDIR (st.st_mode))
    return;
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  for (guint i = 0; i < names->len; i++)
    collect (g_ptr_array_index (names, i), files);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--tap") != 0)
      collect (argv[i], files);
  g_ptr_array_sort (files, compare_strings);
  /* A wrong path in meson.build must not pass as an empty corpus. */
  if (files->len == 0)
    {
      printf ("Bail out! no corpus inputs\n");
      return 1;
    }

  /* The empty input too. */
  LLVMFuzzerTestOneInput ((const uint8_t *) "", 0);
  printf ("1..%u\n", files->len + 1);
  printf ("ok 1 - (empty input)\n");
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        {
          printf ("ok %u - %s # SKIP unreadable\n", i + 2, path);
          continue;
        }
      /* A copy of exactly the input's size, so that ASan catches reads past its end. */
      {
        gsize n = MIN (length, FUZZ_MAX_INPUT);
        g_autofree uint8_t *exact = g_malloc (MAX (n, 1));
        memcpy (exact, contents, n);
        LLVMFuzzerTestOneInput (exact, n);
      }
      printf ("ok %u - %s\n", i + 2, path);
      fflush (stdout);
    }
  return 0;
}
