/* debrief-test-sshd.h: a real OpenSSH server on loopback, reached through GVfs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a test of remote run folders needs, started by the test itself: sshd
 * on 127.0.0.1 (a free port, a throw-away host key), an ssh-agent holding a
 * throw-away user key, and a private D-Bus session whose gvfsd mounts
 * sftp://127.0.0.1:PORT/ with that key. Nothing outside a temporary folder is
 * touched, except /run/sshd, which sshd running as root requires (the
 * openssh-server service creates it the same way).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DebriefTestSshd DebriefTestSshd;

/* Starts everything. Call it before anything in the process uses GIO's VFS
 * (the first GFile of a URI): it sets DBUS_SESSION_BUS_ADDRESS for the
 * process. Returns NULL with *skip_reason set when this machine cannot run
 * sshd or lacks gvfs's sftp backend, NULL with @error on a failure. */
DebriefTestSshd *debrief_test_sshd_start       (char            **skip_reason,
                                                GError          **error);
/* sftp://USER@127.0.0.1:PORT/PATH for a local absolute @path. */
char            *debrief_test_sshd_uri         (DebriefTestSshd  *self,
                                                const char       *path);
/* A folder of the server's temporary tree, for run folders (it is local). */
const char      *debrief_test_sshd_get_dir     (DebriefTestSshd  *self);
/* Mounts the server's root through gvfsd-sftp (runs the thread-default main loop). */
gboolean         debrief_test_sshd_mount       (DebriefTestSshd  *self,
                                                GError          **error);
/* Kills the server's session processes: every client sees its connection drop. */
void             debrief_test_sshd_drop_connections (DebriefTestSshd *self);
/* Unmounts, ends every process it started (by pid) and removes the folder. */
void             debrief_test_sshd_stop        (DebriefTestSshd  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DebriefTestSshd, debrief_test_sshd_stop)

/* Called by debrief_test_sshd_mount() (GTest resets it for each test case,
 * so call it again in a test that reconnects without mounting). GVfs's client warns when it reconnects to a
 * backend that was mounted again ("The peer-to-peer connection failed: Cache
 * invalid, retry (internally handled)"); that one warning is not a failure,
 * every other stays fatal. */
void             debrief_test_sshd_allow_gvfs_reconnect (void);

/* Runs the thread-default main context until *@flag is TRUE or @timeout_ms
 * passes; FALSE on timeout. */
gboolean         debrief_test_wait_for         (const gboolean   *flag,
                                                guint             timeout_ms);

G_END_DECLS
