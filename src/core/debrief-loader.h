/* debrief-loader.h: one entry point to read a run folder in any supported format
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-run.h"

G_BEGIN_DECLS

/* Called on the thread-default main context of the caller of the _async function. */
typedef void (*DebriefProgressFunc) (double   fraction,
                                     gpointer user_data);

/* How folders are read: zero-initialise (every field its default), set what
 * the user chose. Strings are copied by the _async functions. */
struct _DebriefLoadOptions
{
  /* The user's log pattern (Preferences, --pattern): a regular expression
   * with a named group "step" and one per metric, for text logs of a shape
   * Debrief does not know; NULL or "" for none. */
  const char *text_pattern;
  /* What the last loads of this folder learnt: logs that only grow are read
   * from their last complete record, the others again. NULL: read all anew. */
  DebriefLoadCache *cache;
  /* The run may still be written: a last line or record not finished yet is
   * left for the next load, and a rewritten file caught half written is read
   * again (it never shows half a file). */
  gboolean following;
};

/* What a load leaves for the next load of the same folder (a run that is still
 * training). One load uses it at a time (a second waits); any thread. */
#define DEBRIEF_TYPE_LOAD_CACHE (debrief_load_cache_get_type ())
GType              debrief_load_cache_get_type (void) G_GNUC_CONST;
DebriefLoadCache  *debrief_load_cache_new      (void);
DebriefLoadCache  *debrief_load_cache_ref      (DebriefLoadCache *cache);
void               debrief_load_cache_unref    (DebriefLoadCache *cache);
/* Bytes the loads read from logs that only grow (a followed log is read once in all). */
guint64            debrief_load_cache_get_bytes_read (DebriefLoadCache *cache);
/* Forgets everything: the next load reads every file whole. */
void               debrief_load_cache_clear    (DebriefLoadCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefLoadCache, debrief_load_cache_unref)

/* Whether @pattern is a usable log pattern; the error says why not in a sentence. */
gboolean    debrief_load_check_text_pattern (const char             *pattern,
                                             GError                **error);

/* Synchronous load, for debrief-cli, tests and the loader's own thread. */
DebriefRun *debrief_run_load              (GFile               *folder,
                                           GCancellable        *cancellable,
                                           GError             **error);

DebriefRun *debrief_run_load_with_options (GFile                    *folder,
                                           const DebriefLoadOptions *options,
                                           GCancellable             *cancellable,
                                           GError                  **error);

void        debrief_run_load_async        (GFile               *folder,
                                           DebriefProgressFunc  progress,
                                           gpointer             progress_data,
                                           GDestroyNotify       progress_notify,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* @options may be NULL; finish with debrief_run_load_finish(). */
void        debrief_run_load_with_options_async (GFile                    *folder,
                                                 const DebriefLoadOptions *options,
                                                 DebriefProgressFunc       progress,
                                                 gpointer                  progress_data,
                                                 GDestroyNotify            progress_notify,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);
DebriefRun *debrief_run_load_finish       (GAsyncResult        *result,
                                           GError             **error);

/* Whether @folder itself holds files Debrief can read (cheap: names and a peek). */
gboolean    debrief_folder_is_run         (GFile               *folder);
gboolean    debrief_folder_is_run_with_options (GFile                    *folder,
                                                const DebriefLoadOptions *options);

/* The runs under @folder: @folder itself when it is a run, else its direct
 * children (and grandchildren) that are runs, sorted by name. Returns an array of
 * GFile; an error (DEBRIEF_ERROR_NOT_A_RUN) naming the folder when there are none. */
GPtrArray  *debrief_discover_runs         (GFile               *folder,
                                           GCancellable        *cancellable,
                                           GError             **error);
GPtrArray  *debrief_discover_runs_with_options (GFile                    *folder,
                                                const DebriefLoadOptions *options,
                                                GCancellable             *cancellable,
                                                GError                  **error);

/* A folder on another machine (sftp://gpu-box/home/me/runs/exp3, smb://...) is read
 * through GVfs once its volume is mounted. This mounts it when it is not yet
 * (or again, after its connection dropped) and checks that the folder answers;
 * a local folder needs nothing. @operation answers the questions a mount may
 * ask (a GtkMountOperation in the app; NULL: none can be asked, keys from an
 * ssh-agent still work). Errors are DEBRIEF_ERROR_NETWORK and name the folder. */
void        debrief_mount_folder_async    (GFile               *folder,
                                           GMountOperation     *operation,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    debrief_mount_folder_finish   (GAsyncResult        *result,
                                           GError             **error);
/* The same, running a main context of its own until done (debrief-cli). */
gboolean    debrief_mount_folder          (GFile               *folder,
                                           GCancellable        *cancellable,
                                           GError             **error);

G_END_DECLS
