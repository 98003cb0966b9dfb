/* debrief-llama-server-private.h: internals of DebriefLlamaServer, for white-box tests
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A file the document portal gave the sandbox is at RUNTIME_DIR/doc/ID/NAME[/REST]
 * (RUNTIME_DIR: g_get_user_runtime_dir () when NULL). Returns ID (free it) and
 * points *rest at "/REST" in @path, or at NULL when the path is the document
 * itself; the host path is the portal's path for ID followed by *rest. NULL
 * (and *rest untouched) for a path outside the portal. */
char *debrief_llama_server_document_id (const char  *path,
                                        const char  *runtime_dir,
                                        const char **rest);

G_END_DECLS
