/* debrief-test-sshd.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why an ssh-agent: gvfsd-sftp runs ssh, and ssh finds ~/.ssh through the
 * password database, not $HOME, so a private HOME with an ssh config is not
 * read. An agent (SSH_AUTH_SOCK in the private bus's environment, which its
 * activated gvfsd inherits) is how a desktop session hands ssh its keys
 * anyway. gvfsd-sftp passes NoHostAuthenticationForLocalhost, so the
 * throw-away host key raises no question.
 *
 * Every process started here carries DEBRIEF_TEST_SSHD=<its folder> in its
 * environment, and so do the ones they start (gvfsd, gvfsd-sftp, ssh, sshd's
 * session processes), except sshd, which writes its process title over its
 * environment: its listener is known by pid and its session processes by
 * parentage. stop() ends exactly those, by pid. A watchdog started first does
 * the same when the test dies without stop() (a failed assertion aborts): it
 * waits for the end of a pipe only the test holds (the sessions of sshd end
 * with their clients).
 */
#define _GNU_SOURCE  /* memmem */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "debrief-test-sshd.h"

#define MARKER_VARIABLE "DEBRIEF_TEST_SSHD"
/* A loaded 2-core machine with sanitizers on is slow to start processes. */
#define START_TIMEOUT_MS 20000

struct _DebriefTestSshd
{
  char *dir;
  char *marker;          /* "DEBRIEF_TEST_SSHD=<dir>" */
  char *sshd_path;
  guint16 port;
  GSubprocess *sshd;
  GSubprocess *agent;
  GSubprocess *bus;
  GSubprocess *watchdog;
  char *agent_socket;
  char *bus_address;
  gboolean mounted;
};

gboolean
debrief_test_wait_for (const gboolean *flag,
                       guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag)
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      /* Poll: a blocking iteration could sleep past the deadline. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

static gboolean
is_gvfs_reconnect (const char *log_domain,
                   const char *message)
{
  return g_strcmp0 (log_domain, "GVFS") == 0 && strstr (message, "(internally handled)") != NULL;
}

static gboolean
fatal_unless_reconnect (const char     *log_domain,
                        GLogLevelFlags  log_level,
                        const char     *message,
                        gpointer        user_data)
{
  return !is_gvfs_reconnect (log_domain, message);
}

static void
log_unless_reconnect (const char     *log_domain,
                      GLogLevelFlags  log_level,
                      const char     *message,
                      gpointer        user_data)
{
  if (!is_gvfs_reconnect (log_domain, message))
    g_log_default_handler (log_domain, log_level, message, user_data);
}

void
debrief_test_sshd_allow_gvfs_reconnect (void)
{
  /* GTest's own handler aborts on a fatal warning before the fatal handler is
   * asked: the GVFS domain gets a handler of its own. */
  g_log_set_handler ("GVFS", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, log_unless_reconnect, NULL);
  g_test_log_set_fatal_handler (fatal_unless_reconnect, NULL);
}

static char *
find_program (const char *name,
              const char *const *dirs)
{
  char *found = g_find_program_in_path (name);

  for (guint i = 0; found == NULL && dirs[i]; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        found = g_steal_pointer (&path);
    }
  return found;
}

static GSubprocessLauncher *
launcher_new (DebriefTestSshd    *self,
              GSubprocessFlags    flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, MARKER_VARIABLE, self->dir, TRUE);
  return launcher;
}

static gboolean
run_quietly (DebriefTestSshd     *self,
             GSubprocessLauncher *launcher,
             GError             **error,
             const char          *first_arg,
             ...) G_GNUC_NULL_TERMINATED;

static gboolean
run_quietly (DebriefTestSshd     *self,
             GSubprocessLauncher *launcher,
             GError             **error,
             const char          *first_arg,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  va_start (args, first_arg);
  for (arg = first_arg; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", first_arg, err ? err : "");
      return FALSE;
    }
  return TRUE;
}

/* Spawned without the marker (it must not end itself); its stdin is a pipe
 * whose other end only this process holds, so EOF means the test is gone. */
static gboolean
start_watchdog (DebriefTestSshd  *self,
                GError          **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Reads the pids it is told (sshd's listener) until EOF. */
  const char *script =
    "pids=\n"
    "while read -r pid; do pids=\"$pids $pid\"; done\n"
    "for round in TERM KILL; do\n"
    "  for pid in $pids; do kill -s $round \"$pid\" 2>/dev/null; done\n"
    "  for p in /proc/[0-9]*; do\n"
    "    if grep -qzx -F \"$1\" \"$p/environ\" 2>/dev/null; then kill -s $round \"${p#/proc/}\" 2>/dev/null; fi\n"
    "  done\n"
    "  sleep 1\n"
    "done\n"
    "rm -rf -- \"$2\"\n";

  self->watchdog = g_subprocess_launcher_spawn (launcher, error, "/bin/sh", "-c", script, "debrief-test-sshd-watchdog",
                                                self->marker, self->dir, NULL);
  return self->watchdog != NULL;
}

static guint16
free_port (GError **error)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 1);
  /* No proxy lookup: libproxy may ask dconf, whose D-Bus connection would be made
   * before the private bus exists, and GIO's VFS would then find no session bus. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static char *
read_log (DebriefTestSshd *self,
          const char      *name)
{
  g_autofree char *path = g_build_filename (self->dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static gboolean
write_file (const char  *path,
            const char  *contents,
            int          mode,
            GError     **error)
{
  if (!g_file_set_contents (path, contents, -1, error))
    return FALSE;
  g_chmod (path, mode);
  return TRUE;
}

static gboolean
start_sshd (DebriefTestSshd  *self,
            GError          **error)
{
  g_autofree char *config_path = g_build_filename (self->dir, "sshd_config", NULL);
  g_autofree char *log_path = g_build_filename (self->dir, "sshd.log", NULL);

  for (int attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autofree char *config = NULL;
      gint64 deadline;

      self->port = free_port (error);
      if (self->port == 0)
        return FALSE;
      /* StrictModes no: the key files live under /tmp, which is world-writable.
       * UsePAM no: PAM would want a login session. As root, sshd needs
       * PermitRootLogin for the key; as any other user it serves only that user. */
      config = g_strdup_printf ("ListenAddress 127.0.0.1\n"
                                "Port %u\n"
                                "HostKey %s/host_key\n"
                                "AuthorizedKeysFile %s/authorized_keys\n"
                                "PidFile %s/sshd.pid\n"
                                "StrictModes no\n"
                                "UsePAM no\n"
                                "UseDNS no\n"
                                "PasswordAuthentication no\n"
                                "KbdInteractiveAuthentication no\n"
                                "PubkeyAuthentication yes\n"
                                "AuthenticationMethods publickey\n"
                                "PermitRootLogin prohibit-password\n"
                                "Subsystem sftp internal-sftp\n",
                                self->port, self->dir, self->dir, self->dir);
      if (!write_file (config_path, config, 0600, error))
        return FALSE;

      launcher = launcher_new (self, G_SUBPROCESS_FLAGS_STDIN_INHERIT);
      g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
      g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
      self->sshd = g_subprocess_launcher_spawn (launcher, error, self->sshd_path, "-D", "-e",
                                                "-f", config_path, NULL);
      if (self->sshd == NULL)
        return FALSE;

      deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
      while (g_get_monotonic_time () < deadline)
        {
          g_autofree char *log = NULL;

          if (port_accepts (self->port))
            {
              g_autofree char *line = g_strdup_printf ("%s\n", g_subprocess_get_identifier (self->sshd));
              g_output_stream_write_all (g_subprocess_get_stdin_pipe (self->watchdog), line, strlen (line),
                                         NULL, NULL, NULL);
              return TRUE;
            }
          log = read_log (self, "sshd.log");
          if (strstr (log, "Bind to port") != NULL || strstr (log, "Cannot bind") != NULL)
            break;  /* someone took the port in between: another one */
          if (g_subprocess_get_identifier (self->sshd) == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "sshd exited: %s", log);
              return FALSE;
            }
          g_usleep (50000);
        }
      g_subprocess_force_exit (self->sshd);
      g_subprocess_wait (self->sshd, NULL, NULL);
      g_clear_object (&self->sshd);
    }
  {
    g_autofree char *log = read_log (self, "sshd.log");
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "sshd did not start listening: %s", log);
  }
  return FALSE;
}

static gboolean
start_agent (DebriefTestSshd  *self,
             const char       *agent_path,
             const char       *add_path,
             GError          **error)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (self, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *key = g_build_filename (self->dir, "user_key", NULL);
  gint64 deadline;

  self->agent_socket = g_build_filename (self->dir, "agent.sock", NULL);
  self->agent = g_subprocess_launcher_spawn (launcher, error, agent_path, "-D", "-a",
                                             self->agent_socket, NULL);
  if (self->agent == NULL)
    return FALSE;
  deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  while (!g_file_test (self->agent_socket, G_FILE_TEST_EXISTS))
    {
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "ssh-agent did not create its socket");
          return FALSE;
        }
      g_usleep (20000);
    }
  g_clear_object (&launcher);
  launcher = launcher_new (self, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "SSH_AUTH_SOCK", self->agent_socket, TRUE);
  return run_quietly (self, launcher, error, add_path, "-q", key, NULL);
}

static gboolean
start_bus (DebriefTestSshd  *self,
           const char       *bus_path,
           GError          **error)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *runtime = g_build_filename (self->dir, "xdg-runtime", NULL);
  g_autofree char *home = g_build_filename (self->dir, "home", NULL);
  g_autofree char *config = g_build_filename (home, ".config", NULL);
  g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache = g_build_filename (home, ".cache", NULL);

  g_mkdir_with_parents (runtime, 0700);
  g_mkdir_with_parents (config, 0700);
  g_mkdir_with_parents (data, 0700);
  g_mkdir_with_parents (cache, 0700);
  /* The environment of everything the bus activates: gvfsd, gvfsd-sftp and its ssh. */
  g_subprocess_launcher_setenv (launcher, "SSH_AUTH_SOCK", self->agent_socket, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  /* Only the sftp backend: no udisks, MTP or phone monitors on this bus. */
  g_subprocess_launcher_setenv (launcher, "GIO_USE_VOLUME_MONITOR", "unix", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "SSH_ASKPASS");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");

  self->bus = g_subprocess_launcher_spawn (launcher, error, bus_path, "--session", "--nofork",
                                           "--print-address=1", NULL);
  if (self->bus == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->bus));
  self->bus_address = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (self->bus_address == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "dbus-daemon printed no address");
      return FALSE;
    }
  g_strstrip (self->bus_address);
  return TRUE;
}

DebriefTestSshd *
debrief_test_sshd_start (char   **skip_reason,
                         GError **error)
{
  static const char *const sbin[] = { "/usr/sbin", "/usr/local/sbin", "/sbin", NULL };
  static const char *const libexec[] = { "/usr/libexec", "/usr/lib/gvfs", "/usr/local/libexec", NULL };
  static const char *const bin[] = { "/usr/bin", NULL };
  g_autoptr(DebriefTestSshd) self = g_new0 (DebriefTestSshd, 1);
  g_autofree char *keygen = find_program ("ssh-keygen", bin);
  g_autofree char *agent = find_program ("ssh-agent", bin);
  g_autofree char *add = find_program ("ssh-add", bin);
  g_autofree char *bus = find_program ("dbus-daemon", bin);
  g_autofree char *sftp_backend = find_program ("gvfsd-sftp", libexec);
  g_autofree char *host_key = NULL;
  g_autofree char *user_key = NULL;
  g_autofree char *user_pub = NULL;
  g_autofree char *authorized = NULL;
  g_autofree char *pub = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  *skip_reason = NULL;
  self->sshd_path = find_program ("sshd", sbin);
  if (self->sshd_path == NULL || keygen == NULL || agent == NULL || add == NULL)
    {
      *skip_reason = g_strdup ("no OpenSSH server here (Debian: openssh-server, openssh-client)");
      return NULL;
    }
  if (bus == NULL || sftp_backend == NULL)
    {
      *skip_reason = g_strdup ("no D-Bus daemon or no gvfs sftp backend here "
                               "(Debian: dbus-daemon, gvfs-daemons, gvfs-backends)");
      return NULL;
    }
  if (geteuid () == 0 && !g_file_test ("/run/sshd", G_FILE_TEST_IS_DIR) &&
      g_mkdir ("/run/sshd", 0755) != 0)
    {
      /* sshd started as root refuses to run without its privilege separation folder. */
      *skip_reason = g_strdup_printf ("sshd needs /run/sshd as root and it cannot be created: %s",
                                      g_strerror (errno));
      return NULL;
    }

  self->dir = g_dir_make_tmp ("debrief-sshd-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->marker = g_strdup_printf ("%s=%s", MARKER_VARIABLE, self->dir);
  if (!start_watchdog (self, error))
    return NULL;

  host_key = g_build_filename (self->dir, "host_key", NULL);
  user_key = g_build_filename (self->dir, "user_key", NULL);
  user_pub = g_build_filename (self->dir, "user_key.pub", NULL);
  authorized = g_build_filename (self->dir, "authorized_keys", NULL);
  launcher = launcher_new (self, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (!run_quietly (self, launcher, error, keygen, "-q", "-t", "ed25519", "-N", "", "-f", host_key, NULL) ||
      !run_quietly (self, launcher, error, keygen, "-q", "-t", "ed25519", "-N", "", "-f", user_key, NULL))
    return NULL;
  if (!g_file_get_contents (user_pub, &pub, NULL, error) || !write_file (authorized, pub, 0600, error))
    return NULL;

  if (!start_sshd (self, error) || !start_agent (self, agent, add, error) || !start_bus (self, bus, error))
    return NULL;

  /* GIO connects to the session bus on first use of a remote GFile. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", self->bus_address, TRUE);
  g_setenv ("GIO_USE_VOLUME_MONITOR", "unix", TRUE);
  /* GVfs clients talk to the backends over sockets in $XDG_RUNTIME_DIR/gvfsd. */
  {
    g_autofree char *runtime = g_build_filename (self->dir, "xdg-runtime", NULL);
    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  }
  return g_steal_pointer (&self);
}

char *
debrief_test_sshd_uri (DebriefTestSshd *self,
                       const char      *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
  g_autofree char *user = g_uri_escape_string (g_get_user_name (), NULL, FALSE);

  return g_strdup_printf ("sftp://%s@127.0.0.1:%u%s", user, self->port, escaped);
}

const char *
debrief_test_sshd_get_dir (DebriefTestSshd *self)
{
  return self->dir;
}

typedef struct
{
  gboolean done;
  GError *error;
} MountWait;

static void
mount_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  MountWait *wait = user_data;

  g_file_mount_enclosing_volume_finish (G_FILE (source), result, &wait->error);
  wait->done = TRUE;
}

static void
ask_password (GMountOperation   *op,
              const char        *message,
              const char        *default_user,
              const char        *default_domain,
              GAskPasswordFlags  flags,
              gpointer           user_data)
{
  /* The agent's key should have been accepted: a password prompt is a failure, not a question. */
  g_printerr ("# sftp asked for a password: %s\n", message);
  g_mount_operation_reply (op, G_MOUNT_OPERATION_ABORTED);
}

static void
ask_question (GMountOperation *op,
              const char      *message,
              const char     **choices,
              gpointer         user_data)
{
  /* A host key question for the throw-away server on loopback: log in. */
  g_mount_operation_set_choice (op, 0);
  g_mount_operation_reply (op, G_MOUNT_OPERATION_HANDLED);
}

gboolean
debrief_test_sshd_mount (DebriefTestSshd  *self,
                         GError          **error)
{
  g_autofree char *uri = debrief_test_sshd_uri (self, "/");
  g_autoptr(GFile) root = g_file_new_for_uri (uri);
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 2 * 1000;

  /* GTest resets the fatal handler for every test case; reconnections follow mounts. */
  debrief_test_sshd_allow_gvfs_reconnect ();
  /* A mount whose connection dropped stays registered while it unmounts
   * ("Backend currently unmounting"): mount again until the root answers. */
  for (;;)
    {
      g_autoptr(GMountOperation) op = g_mount_operation_new ();
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) query_error = NULL;
      MountWait wait = { FALSE, NULL };

      g_signal_connect (op, "ask-password", G_CALLBACK (ask_password), NULL);
      g_signal_connect (op, "ask-question", G_CALLBACK (ask_question), NULL);
      g_file_mount_enclosing_volume (root, G_MOUNT_MOUNT_NONE, op, NULL, mount_done, &wait);
      if (!debrief_test_wait_for (&wait.done, START_TIMEOUT_MS * 2))
        {
          g_autofree char *log = read_log (self, "sshd.log");
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "mounting %s timed out; sshd: %s", uri, log);
          return FALSE;
        }
      if (wait.error != NULL && !g_error_matches (wait.error, G_IO_ERROR, G_IO_ERROR_ALREADY_MOUNTED))
        {
          g_autofree char *log = read_log (self, "sshd.log");
          g_prefix_error (&wait.error, "mounting %s: ", uri);
          g_propagate_error (error, wait.error);
          g_printerr ("# sshd log:\n%s\n", log);
          return FALSE;
        }
      g_clear_error (&wait.error);
      info = g_file_query_info (root, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE, NULL, &query_error);
      if (info != NULL)
        break;
      if (g_get_monotonic_time () >= deadline)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&query_error), "%s mounted but not answering: ", uri);
          return FALSE;
        }
      g_usleep (100000);
    }
  self->mounted = TRUE;
  return TRUE;
}

/* Processes that carry this server's marker, except this one. */
static GArray *
marked_processes (DebriefTestSshd *self)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  gsize marker_length = strlen (self->marker) + 1;  /* with its NUL: a whole variable */
  const char *name;

  if (proc == NULL)
    return pids;
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *environ_path = NULL;
      g_autofree char *env = NULL;
      gsize length = 0;
      GPid pid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      pid = (GPid) g_ascii_strtoll (name, NULL, 10);
      if (pid == getpid ())
        continue;
      environ_path = g_build_filename ("/proc", name, "environ", NULL);
      if (!g_file_get_contents (environ_path, &env, &length, NULL))
        continue;
      if (memmem (env, length, self->marker, marker_length) == NULL)
        continue;
      g_array_append_val (pids, pid);
    }
  return pids;
}

static GPid
parent_of (const char *pid)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *stat = NULL;
  const char *after_comm;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after_comm = strrchr (stat, ')')) == NULL)
    return 0;
  /* ") S PPID ..." */
  return (GPid) g_ascii_strtoll (after_comm + 4, NULL, 10);
}

/* The processes below sshd's listener: its connections. */
static GArray *
sshd_sessions (DebriefTestSshd *self)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  const char *listener = self->sshd ? g_subprocess_get_identifier (self->sshd) : NULL;
  GPid root;
  gboolean grew = TRUE;

  if (listener == NULL)
    return pids;
  root = (GPid) g_ascii_strtoll (listener, NULL, 10);
  while (grew)
    {
      g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
      const char *name;

      grew = FALSE;
      while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
        {
          GPid pid, parent;
          gboolean known = FALSE;

          if (!g_ascii_isdigit (name[0]))
            continue;
          pid = (GPid) g_ascii_strtoll (name, NULL, 10);
          parent = parent_of (name);
          for (guint i = 0; i < pids->len && !known; i++)
            known = g_array_index (pids, GPid, i) == pid;
          if (known)
            continue;
          known = parent == root;
          for (guint i = 0; i < pids->len && !known; i++)
            known = g_array_index (pids, GPid, i) == parent;
          if (known)
            {
              g_array_append_val (pids, pid);
              grew = TRUE;
            }
        }
    }
  return pids;
}

void
debrief_test_sshd_drop_connections (DebriefTestSshd *self)
{
  g_autoptr(GArray) pids = sshd_sessions (self);

  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, GPid, i), SIGKILL);
  self->mounted = FALSE;
}

static void
unmount_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_mount_unmount_with_operation_finish (G_MOUNT (source), result, NULL);
  *done = TRUE;
}

static void
unmount (DebriefTestSshd *self)
{
  g_autofree char *uri = debrief_test_sshd_uri (self, "/");
  g_autoptr(GFile) root = g_file_new_for_uri (uri);
  g_autoptr(GMount) mount = g_file_find_enclosing_mount (root, NULL, NULL);
  gboolean done = FALSE;

  if (mount == NULL)
    return;
  g_mount_unmount_with_operation (mount, G_MOUNT_UNMOUNT_FORCE, NULL, NULL, unmount_done, &done);
  debrief_test_wait_for (&done, 10000);
}

static void
end_process (GSubprocess *process)
{
  if (process == NULL || g_subprocess_get_identifier (process) == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
debrief_test_sshd_stop (DebriefTestSshd *self)
{
  if (self == NULL)
    return;

  if (self->bus_address != NULL)
    {
      /* GIO's shared session connection exits the process when its bus goes away. */
      g_autoptr(GDBusConnection) session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
      if (session != NULL)
        g_dbus_connection_set_exit_on_close (session, FALSE);
      if (self->mounted)
        unmount (self);
    }
  end_process (self->bus);
  end_process (self->agent);
  {
    g_autoptr(GArray) sessions = sshd_sessions (self);
    for (guint i = 0; i < sessions->len; i++)
      kill (g_array_index (sessions, GPid, i), SIGTERM);
  }
  end_process (self->sshd);

  /* What the bus activated and what sshd forked: ended by pid, politely first. */
  if (self->marker != NULL)
    for (int round = 0; round < 2; round++)
      {
        g_autoptr(GArray) pids = marked_processes (self);
        gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

        if (pids->len == 0)
          break;
        for (guint i = 0; i < pids->len; i++)
          kill (g_array_index (pids, GPid, i), round == 0 ? SIGTERM : SIGKILL);
        while (g_get_monotonic_time () < deadline)
          {
            g_autoptr(GArray) left = marked_processes (self);
            if (left->len == 0)
              break;
            g_usleep (50000);
          }
      }

  if (self->dir != NULL)
    remove_tree (self->dir);
  if (self->watchdog != NULL)
    {
      /* Nothing is left for it to end: let it finish. */
      g_output_stream_close (g_subprocess_get_stdin_pipe (self->watchdog), NULL, NULL);
      g_subprocess_wait (self->watchdog, NULL, NULL);
      g_clear_object (&self->watchdog);
    }
  g_clear_object (&self->bus);
  g_clear_object (&self->agent);
  g_clear_object (&self->sshd);
  g_free (self->dir);
  g_free (self->marker);
  g_free (self->sshd_path);
  g_free (self->agent_socket);
  g_free (self->bus_address);
  g_free (self);
}
