/* debrief-llama-server.h: a llama.cpp llama-server that Debrief starts itself
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the base model and the adapters are GGUF files and llama-server is
 * installed, Debrief need not ask anyone to start a server: it runs
 * `llama-server -m BASE --lora A,B,... --host 127.0.0.1 --port FREE` as a
 * child (GSubprocess; through `flatpak-spawn --host` inside Flatpak), waits
 * until /health says it is ready, samples through it (each request picks its
 * adapter with the "lora" field, the base is every scale at 0), keeps its
 * log, and stops it when it is dropped (the window closes, the CLI ends).
 *
 * Everything runs on the thread-default main context of the thread that
 * created it; nothing blocks.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"

G_BEGIN_DECLS

/* A model that loads for longer than this is taken as stuck (settable). */
#define DEBRIEF_LLAMA_SERVER_STARTUP_TIMEOUT_S 300
/* The log kept in memory (the newest part). */
#define DEBRIEF_LLAMA_SERVER_MAX_LOG (512 * 1024)

#define DEBRIEF_TYPE_LLAMA_SERVER (debrief_llama_server_get_type ())
G_DECLARE_FINAL_TYPE (DebriefLlamaServer, debrief_llama_server, DEBRIEF, LLAMA_SERVER, GObject)

/* The llama-server to run: $DEBRIEF_LLAMA_SERVER, else llama-server on the
 * PATH (inside Flatpak: the host's, run through flatpak-spawn --host). NULL
 * with an error saying how to get one when there is none. */
char               *debrief_llama_server_find      (GError           **error);
/* Whether this process runs inside a Flatpak sandbox. */
gboolean            debrief_llama_server_in_flatpak (void);

/* @model: the base GGUF; @adapters: LoRA GGUF files (may be NULL), "lora" id i is adapters[i]. */
DebriefLlamaServer *debrief_llama_server_new       (const char        *binary,
                                                    const char        *model,
                                                    const char *const *adapters);
void                debrief_llama_server_set_startup_timeout (DebriefLlamaServer *self,
                                                              guint               seconds);
/* Slots: requests it serves at once (default 4). Give the client's
 * concurrency: llama-server mixes up queued requests for different adapters. */
void                debrief_llama_server_set_parallel (DebriefLlamaServer *self,
                                                       guint               parallel);
/* Further arguments (threads ...), added before Debrief's own. */
void                debrief_llama_server_set_extra_args (DebriefLlamaServer *self,
                                                         const char *const  *args);

/* Starts it on a free loopback port and finishes once it answers /health,
 * or with the reason it did not (its log's last lines included). */
void                debrief_llama_server_start_async  (DebriefLlamaServer  *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            debrief_llama_server_start_finish (DebriefLlamaServer  *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Asks it to stop (SIGTERM; SIGKILL if it is still there after 5 s).
 * "exited" follows. Safe to call at any time. */
void                debrief_llama_server_stop         (DebriefLlamaServer  *self);

/* "http://127.0.0.1:PORT/v1" once started, else NULL. */
const char         *debrief_llama_server_get_base_url (DebriefLlamaServer  *self);
gboolean            debrief_llama_server_is_running   (DebriefLlamaServer  *self);
/* The process id (0 when not running): for tests that kill it. */
GPid                debrief_llama_server_get_pid      (DebriefLlamaServer  *self);
/* Its output so far (stdout and stderr), the newest DEBRIEF_LLAMA_SERVER_MAX_LOG bytes. */
const char         *debrief_llama_server_get_log      (DebriefLlamaServer  *self);
/* The command line it runs (or would run), quoted for a shell. */
char               *debrief_llama_server_get_command_line (DebriefLlamaServer *self);

G_END_DECLS
